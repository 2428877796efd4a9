/*
 * idcard_text: UCS-2LE text block <-> struct idcard_card (layout and
 * rules in idcard_text.h).
 */
#include "idcard_text.h"

#include <stddef.h>
#include <string.h>

#include "drv_error.h"

enum field_kind {
	ANY,	/* any text: names, addresses */
	ASCII,	/* printable ASCII: codes, dates, the number */
	EXPIRY, /* printable ASCII, or 长期 */
};

struct field {
	size_t at, width;	   /* in the text block, bytes */
	size_t member, member_cap; /* in struct idcard_card */
	enum field_kind kind;
};

#define FIELD(at, width, m, kind)                                                                  \
	{                                                                                          \
		at, width, offsetof(struct idcard_card, m), sizeof(((struct idcard_card *)0)->m),  \
		    kind                                                                           \
	}

static const struct field fields[] = {
    FIELD(0, 30, name, ANY),	      FIELD(30, 2, sex, ASCII),
    FIELD(32, 4, nation, ASCII),      FIELD(36, 16, birth, ASCII),
    FIELD(52, 70, address, ANY),      FIELD(122, 36, id, ASCII),
    FIELD(158, 30, authority, ANY),   FIELD(188, 16, valid_from, ASCII),
    FIELD(204, 16, valid_to, EXPIRY),
};

#define RESERVED_AT 220 /* 36 bytes to the end of the block */

/* A code point the decoder refuses (surrogates are handled apart). */
static int refused(uint32_t c)
{
	return (c < 0x20 && c != 0) || (c >= 0x7F && c <= 0x9F) || c == 0xFFFE || c == 0xFFFF;
}

static size_t utf8_put(uint32_t c, char *o)
{
	if (c < 0x80) {
		o[0] = (char)c;
		return 1;
	}
	if (c < 0x800) {
		o[0] = (char)(0xC0 | c >> 6);
		o[1] = (char)(0x80 | (c & 0x3F));
		return 2;
	}
	if (c < 0x10000) {
		o[0] = (char)(0xE0 | c >> 12);
		o[1] = (char)(0x80 | (c >> 6 & 0x3F));
		o[2] = (char)(0x80 | (c & 0x3F));
		return 3;
	}
	o[0] = (char)(0xF0 | c >> 18);
	o[1] = (char)(0x80 | (c >> 12 & 0x3F));
	o[2] = (char)(0x80 | (c >> 6 & 0x3F));
	o[3] = (char)(0x80 | (c & 0x3F));
	return 4;
}

int idcard_text_field(const uint8_t *in, size_t n, char *out, size_t cap)
{
	char tmp[3 * IDCARD_TEXT_LEN / 2 + 1]; /* 3 bytes per unit at most */
	int rc = DRV_OK;
	if ((n & 1) || n > IDCARD_TEXT_LEN || !out || cap == 0)
		return DRV_EINVAL;
	/* units up to the last one that is not padding */
	size_t units = n / 2;
	while (units > 0) {
		uint16_t u = (uint16_t)(in[2 * units - 2] | in[2 * units - 1] << 8);
		if (u != 0x0020 && u != 0x0000)
			break;
		units--;
	}
	size_t o = 0;
	for (size_t i = 0; i < units; i++) {
		uint32_t c = (uint32_t)(in[2 * i] | in[2 * i + 1] << 8);
		if (c >= 0xD800 && c <= 0xDBFF) {
			if (i + 1 >= units) {
				rc = DRV_EPROTO;
				goto out;
			}
			uint32_t lo = (uint32_t)(in[2 * i + 2] | in[2 * i + 3] << 8);
			if (lo < 0xDC00 || lo > 0xDFFF) {
				rc = DRV_EPROTO;
				goto out;
			}
			c = 0x10000 + ((c - 0xD800) << 10) + (lo - 0xDC00);
			i++;
		} else if ((c >= 0xDC00 && c <= 0xDFFF) || c == 0 || refused(c)) {
			rc = DRV_EPROTO; /* lone low surrogate, inner NUL, control */
			goto out;
		}
		o += utf8_put(c, tmp + o);
	}
	if (o + 1 > cap) {
		rc = DRV_EINVAL;
		goto out;
	}
	memcpy(out, tmp, o);
	out[o] = '\0';
out:
	drv_wipe(tmp, sizeof(tmp));
	return rc;
}

static const char long_term[] = "\xE9\x95\xBF\xE6\x9C\x9F"; /* 长期 */

static int kind_ok(const char *s, enum field_kind kind)
{
	if (kind == ANY || (kind == EXPIRY && strcmp(s, long_term) == 0))
		return 1;
	for (; *s; s++)
		if (*s < 0x20 || *s > 0x7E)
			return 0;
	return 1;
}

int idcard_text_decode(const uint8_t *text, size_t n, struct idcard_card *out)
{
	struct idcard_card card;
	int rc = DRV_OK;
	if (!text || !out || n != IDCARD_TEXT_LEN)
		return DRV_EINVAL;
	memset(&card, 0, sizeof(card));
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		const struct field *f = &fields[i];
		char *dst = (char *)&card + f->member;
		rc = idcard_text_field(text + f->at, f->width, dst, f->member_cap);
		if (rc || !kind_ok(dst, f->kind)) {
			rc = DRV_EPROTO;
			goto out;
		}
	}
	*out = card;
out:
	idcard_card_wipe(&card);
	return rc;
}

/* Decodes one UTF-8 character from s[0..n) into *c; returns its length or
 * 0 when malformed (overlong, surrogate, above U+10FFFF, truncated). */
static size_t utf8_get(const unsigned char *s, size_t n, uint32_t *c)
{
	if (s[0] < 0x80) {
		*c = s[0];
		return 1;
	}
	size_t len;
	uint32_t min;
	if ((s[0] & 0xE0) == 0xC0) {
		len = 2, min = 0x80, *c = s[0] & 0x1F;
	} else if ((s[0] & 0xF0) == 0xE0) {
		len = 3, min = 0x800, *c = s[0] & 0x0F;
	} else if ((s[0] & 0xF8) == 0xF0) {
		len = 4, min = 0x10000, *c = s[0] & 0x07;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		*c = *c << 6 | (s[i] & 0x3F);
	}
	if (*c < min || *c > 0x10FFFF || (*c >= 0xD800 && *c <= 0xDFFF))
		return 0;
	return len;
}

static int encode_field(const char *s, size_t cap, uint8_t *out, size_t width)
{
	size_t n = strnlen(s, cap);
	size_t o = 0;
	if (n == cap)
		return DRV_EINVAL; /* not terminated within its member */
	for (size_t i = 0; i < n;) {
		uint32_t c;
		size_t k = utf8_get((const unsigned char *)s + i, n - i, &c);
		if (k == 0 || refused(c))
			return DRV_EINVAL;
		i += k;
		if (c >= 0x10000) {
			if (o + 4 > width)
				return DRV_EINVAL;
			uint32_t v = c - 0x10000;
			uint16_t hi = (uint16_t)(0xD800 + (v >> 10)),
				 lo = (uint16_t)(0xDC00 + (v & 0x3FF));
			out[o++] = (uint8_t)hi, out[o++] = (uint8_t)(hi >> 8);
			out[o++] = (uint8_t)lo, out[o++] = (uint8_t)(lo >> 8);
		} else {
			if (o + 2 > width)
				return DRV_EINVAL;
			out[o++] = (uint8_t)c, out[o++] = (uint8_t)(c >> 8);
		}
	}
	for (; o < width; o += 2)
		out[o] = 0x20, out[o + 1] = 0x00;
	return DRV_OK;
}

int idcard_text_encode(const struct idcard_card *card, uint8_t text[IDCARD_TEXT_LEN])
{
	uint8_t tmp[IDCARD_TEXT_LEN];
	int rc = DRV_OK;
	if (!card || !text)
		return DRV_EINVAL;
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		const struct field *f = &fields[i];
		rc = encode_field((const char *)card + f->member, f->member_cap, tmp + f->at,
				  f->width);
		if (rc)
			goto out;
	}
	for (size_t o = RESERVED_AT; o < IDCARD_TEXT_LEN; o += 2)
		tmp[o] = 0x20, tmp[o + 1] = 0x00;
	memcpy(text, tmp, sizeof(tmp));
out:
	drv_wipe(tmp, sizeof(tmp));
	return rc;
}
