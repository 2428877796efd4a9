/*
 * gs1: a strict reader of GS1 element strings (the contract is in gs1.h).
 *
 * The data is a run of AI + value pairs without parentheses. An AI whose
 * length the GS1 General Specifications predefine (the table "element
 * strings with predefined length": 00, 01-04, 11-20, 31-36, 41) needs no
 * separator after it; any other value runs up to a GS (or the scanner's
 * substitute) or the end. (01) and (17) are decoded, (10) and (21) kept;
 * the other predefined-length AIs are skipped after their digits are
 * checked; every other AI is refused, since its end could not be found
 * without knowing it. Separators are tolerated after any element and
 * before the first.
 */
#include "gs1.h"

#include <string.h>

#include "vbdate.h"

#define GS 0x1D

struct cursor {
	const char *s;
	size_t len, i;
	char sub;
};

static int is_sep(const struct cursor *c, size_t i)
{
	return c->s[i] == GS || (c->sub && c->s[i] == c->sub);
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int printable(char c)
{
	return c >= 0x20 && c < 0x7F;
}

/* GS1 AI encodable character set 82 (General Specifications 7.11). */
static int cset82(char c)
{
	if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || is_digit(c))
		return 1;
	return c != '\0' && strchr("!\"%&'()*+,-./:;<=>?_", c) != NULL;
}

/* Digits available at the cursor, up to max. */
static size_t digits(const struct cursor *c, size_t max)
{
	size_t n = 0;
	while (n < max && c->i + n < c->len && is_digit(c->s[c->i + n]))
		n++;
	return n;
}

int gs1_gtin_valid(const char *gtin14)
{
	int sum = 0;
	for (int i = 0; i < 14; i++) {
		if (!is_digit(gtin14[i]))
			return 0;
		/* weights 3 1 3 1 ... from the left for 13 data digits */
		if (i < 13)
			sum += (gtin14[i] - '0') * (i % 2 == 0 ? 3 : 1);
	}
	return (10 - sum % 10) % 10 == gtin14[13] - '0';
}

static int last_day(int y, int m)
{
	int32_t d;
	for (int day = 31; day >= 28; day--)
		if (vbdate_from_ymd(y, m, day, &d) == VB_OK)
			return day;
	return 0;
}

/* (17) YYMMDD: years 2000-2099, DD 00 = the month's last day. */
static int expiry(const char *s, int32_t *out)
{
	int y = 2000 + (s[0] - '0') * 10 + (s[1] - '0');
	int m = (s[2] - '0') * 10 + (s[3] - '0');
	int d = (s[4] - '0') * 10 + (s[5] - '0');
	if (m >= 1 && m <= 12 && d == 0)
		d = last_day(y, m);
	return vbdate_from_ymd(y, m, d, out);
}

/*
 * Reads a variable-length value (lot, serial) into out (cap bytes, at most
 * cap - 1 characters): characters of set 82 up to a separator or the end.
 */
static int variable(struct cursor *c, const char *ai, char *out, size_t cap, const char *too_long,
		    struct vb_reason *why)
{
	size_t start = c->i, n = 0;
	while (c->i < c->len && !is_sep(c, c->i)) {
		if (!cset82(c->s[c->i])) {
			vb_reason_set(why, "bad_char",
				      "AI (%s) holds a character GS1 does not allow", ai);
			return VB_EINVAL;
		}
		c->i++;
		n++;
	}
	if (n == 0) {
		vb_reason_set(why, "bad_ai", "AI (%s) is empty", ai);
		return VB_EINVAL;
	}
	if (n >= cap) {
		vb_reason_set(why, too_long, "AI (%s) is longer than %zu characters", ai, cap - 1);
		return VB_EINVAL;
	}
	memcpy(out, c->s + start, n);
	out[n] = '\0';
	return VB_OK;
}

/* The AIs of predefined length other than 01 and 17: AI digits and data digits. */
static int predefined(const char *p, size_t *ai_len, size_t *data_len)
{
	int two = (p[0] - '0') * 10 + (p[1] - '0');
	*ai_len = 2;
	if (two == 0)
		*data_len = 18;
	else if (two >= 2 && two <= 3)
		*data_len = 14;
	else if (two == 4)
		*data_len = 16;
	else if (two >= 11 && two <= 19)
		*data_len = 6;
	else if (two == 20)
		*data_len = 2;
	else if (two >= 31 && two <= 36)
		*ai_len = 4, *data_len = 6;
	else if (two == 41)
		*ai_len = 3, *data_len = 13;
	else
		return 0;
	return 1;
}

static int refuse_ai_start(const struct cursor *c, struct vb_reason *why)
{
	if (!printable(c->s[c->i])) {
		vb_reason_set(why, "bad_char", "The code holds a control or non-ASCII byte");
		return VB_EINVAL;
	}
	vb_reason_set(why, "bad_ai", "An application identifier is missing or malformed");
	return VB_EINVAL;
}

static int element(struct cursor *c, struct gs1 *g, unsigned *seen, struct vb_reason *why)
{
	if (digits(c, 2) < 2)
		return refuse_ai_start(c, why);
	const char *p = c->s + c->i;
	char ai[5] = {p[0], p[1], 0, 0, 0};
	if (memcmp(ai, "01", 2) == 0) {
		if (*seen & 1)
			goto twice;
		*seen |= 1;
		c->i += 2;
		size_t n = digits(c, 14);
		if (n < 14) {
			if (c->i + n < c->len && !is_sep(c, c->i + n) &&
			    !printable(c->s[c->i + n])) {
				vb_reason_set(why, "bad_char",
					      "AI (01) holds a control or non-ASCII byte");
				return VB_EINVAL;
			}
			vb_reason_set(why, "bad_gtin_length", "The GTIN (01) must be 14 digits");
			return VB_EINVAL;
		}
		memcpy(g->gtin, c->s + c->i, 14);
		g->gtin[14] = '\0';
		c->i += 14;
		if (!gs1_gtin_valid(g->gtin)) {
			vb_reason_set(why, "gtin_check",
				      "The check digit of the GTIN (01) does not match");
			return VB_EINVAL;
		}
		return VB_OK;
	}
	if (memcmp(ai, "17", 2) == 0) {
		if (*seen & 2)
			goto twice;
		*seen |= 2;
		c->i += 2;
		if (digits(c, 6) < 6 || expiry(c->s + c->i, &g->expiry)) {
			vb_reason_set(why, "bad_expiry",
				      "The expiry date (17) must be a real YYMMDD date");
			return VB_EINVAL;
		}
		c->i += 6;
		return VB_OK;
	}
	if (memcmp(ai, "10", 2) == 0 || memcmp(ai, "21", 2) == 0) {
		int lot = ai[0] == '1';
		if (*seen & (lot ? 4u : 8u))
			goto twice;
		*seen |= lot ? 4u : 8u;
		c->i += 2;
		return lot ? variable(c, ai, g->lot, sizeof(g->lot), "lot_too_long", why)
			   : variable(c, ai, g->serial, sizeof(g->serial), "serial_too_long", why);
	}
	size_t ai_len, data_len;
	if (!predefined(p, &ai_len, &data_len)) {
		vb_reason_set(why, "bad_ai",
			      "AI (%s) is not understood and its length is not predefined", ai);
		return VB_EINVAL;
	}
	if (digits(c, ai_len) < ai_len) {
		vb_reason_set(why, "bad_ai", "AI (%s..) is truncated", ai);
		return VB_EINVAL;
	}
	memcpy(ai, p, ai_len);
	c->i += ai_len;
	if (digits(c, data_len) < data_len) {
		vb_reason_set(why, "bad_ai", "AI (%s) must be followed by %zu digits", ai,
			      data_len);
		return VB_EINVAL;
	}
	c->i += data_len;
	return VB_OK;
twice:
	vb_reason_set(why, "bad_ai", "AI (%s) appears more than once", ai);
	return VB_EINVAL;
}

int gs1_parse(const char *text, size_t len, char gs_substitute, struct gs1 *out,
	      struct vb_reason *why)
{
	static const char *const prefixes[] = {"]d2", "]C1", "]Q3", "]e0"};
	struct cursor c = {.s = text, .len = len, .sub = gs_substitute};
	struct gs1 g = {.expiry = VBDATE_NONE};
	unsigned seen = 0, elements = 0;
	if (len > 0 && text[0] == ']') {
		size_t k = 0;
		while (k < sizeof(prefixes) / sizeof(prefixes[0]) &&
		       !(len >= 3 && memcmp(text, prefixes[k], 3) == 0))
			k++;
		if (k == sizeof(prefixes) / sizeof(prefixes[0])) {
			vb_reason_set(why, "bad_char",
				      "The symbology identifier is not one of GS1's");
			return VB_EINVAL;
		}
		c.i = 3;
	}
	for (;;) {
		while (c.i < c.len && is_sep(&c, c.i))
			c.i++;
		if (c.i == c.len)
			break;
		if (element(&c, &g, &seen, why))
			return VB_EINVAL;
		elements++;
	}
	if (elements == 0) {
		vb_reason_set(why, "empty", "The code holds no element string");
		return VB_EINVAL;
	}
	if (!(seen & 1)) {
		vb_reason_set(why, "no_gtin", "The code has no GTIN (01)");
		return VB_EINVAL;
	}
	*out = g;
	return VB_OK;
}
