/*
 * base45: RFC 9285 encoding and strict decoding (see base45.h).
 */
#include "base45.h"

static const char alphabet[45] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

size_t base45_encoded_len(size_t n)
{
	return n / 2 * 3 + (n % 2) * 2;
}

int base45_encode(const uint8_t *in, size_t n, char *out, size_t cap)
{
	size_t need = base45_encoded_len(n);
	if (cap < need + 1)
		return VB_ERANGE;
	char *o = out;
	size_t i = 0;
	for (; i + 1 < n; i += 2) {
		unsigned v = (unsigned)in[i] * 256u + in[i + 1];
		*o++ = alphabet[v % 45];
		*o++ = alphabet[v / 45 % 45];
		*o++ = alphabet[v / 2025];
	}
	if (i < n) {
		*o++ = alphabet[in[i] % 45];
		*o++ = alphabet[in[i] / 45];
	}
	*o = '\0';
	return VB_OK;
}

/* The value of a base45 digit, or -1. */
static int digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'Z')
		return c - 'A' + 10;
	switch (c) {
	case ' ':
		return 36;
	case '$':
		return 37;
	case '%':
		return 38;
	case '*':
		return 39;
	case '+':
		return 40;
	case '-':
		return 41;
	case '.':
		return 42;
	case '/':
		return 43;
	case ':':
		return 44;
	default:
		return -1;
	}
}

int base45_decode(const char *in, size_t len, uint8_t *out, size_t cap, size_t *outlen,
		  struct vb_reason *why)
{
	if (len % 3 == 1) {
		vb_reason_set(why, "base45",
			      "base45 text of %zu characters ends in a single dangling character",
			      len);
		return VB_EINVAL;
	}
	size_t need = len / 3 * 2 + (len % 3 == 2);
	if (need > cap)
		return VB_ERANGE;
	size_t o = 0;
	for (size_t i = 0; i < len; i += 3) {
		size_t group = len - i >= 3 ? 3 : 2;
		unsigned v = 0, mul = 1;
		for (size_t k = 0; k < group; k++) {
			int d = digit(in[i + k]);
			if (d < 0) {
				vb_reason_set(why, "base45",
					      "base45 character %zu is not in the alphabet", i + k);
				return VB_EINVAL;
			}
			v += (unsigned)d * mul;
			mul *= 45;
		}
		if (group == 3) {
			if (v > 0xffff) {
				vb_reason_set(why, "base45",
					      "base45 characters %zu-%zu are worth %u, over 65535",
					      i, i + 2, v);
				return VB_EINVAL;
			}
			out[o++] = (uint8_t)(v >> 8);
			out[o++] = (uint8_t)(v & 0xff);
		} else {
			if (v > 0xff) {
				vb_reason_set(
				    why, "base45",
				    "base45 final characters %zu-%zu are worth %u, over 255", i,
				    i + 1, v);
				return VB_EINVAL;
			}
			out[o++] = (uint8_t)v;
		}
	}
	*outlen = o;
	return VB_OK;
}
