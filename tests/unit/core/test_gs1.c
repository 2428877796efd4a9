/*
 * GS1 element strings: symbology prefixes, AI order, GS and substitute
 * separators, DD=00 expiry dates, check digits, truncation, lengths,
 * skipped predefined-length AIs, refused variable-length ones, bytes
 * outside the GS1 character set.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "gs1.h"
#include "vb_error.h"
#include "vbdate.h"

#define GS    "\x1d"
#define GTIN  "09506000134352" /* the GS1 General Specifications' example GTIN */
#define GTIN2 "04006381333931"

static int32_t day(const char *s)
{
	int32_t d = 0;
	assert_int_equal(vbdate_parse(s, &d), VB_OK);
	return d;
}

/* The mod-10 check digit of 13 digits, as GS1 defines it: from the right,
 * weights 3, 1, 3, ... */
static char gtin_check(const char *d13)
{
	int sum = 0;
	for (int i = 12, w = 3; i >= 0; i--, w = 4 - w)
		sum += (d13[i] - '0') * w;
	return (char)('0' + (10 - sum % 10) % 10);
}

static void test_gtin_valid(void **state)
{
	(void)state;
	assert_int_equal(gtin_check(GTIN), GTIN[13]);
	assert_int_equal(gtin_check(GTIN2), GTIN2[13]);
	assert_true(gs1_gtin_valid(GTIN));
	assert_true(gs1_gtin_valid(GTIN2));
	/* every 13-digit prefix of a sweep, with each possible last digit */
	char g[15] = "0690000000000";
	for (int n = 0; n < 2000; n += 7) {
		snprintf(g, sizeof(g), "069%010d", n * 104729 % 1000000000);
		for (char c = '0'; c <= '9'; c++) {
			g[13] = c;
			g[14] = '\0';
			assert_int_equal(gs1_gtin_valid(g), c == gtin_check(g));
		}
	}
	assert_false(gs1_gtin_valid("0950600013435A"));
	assert_false(gs1_gtin_valid("0950600013435"));
}

struct gcase {
	const char *in;
	size_t len; /* 0: strlen(in) */
	char sub;
	const char *code; /* NULL: accepted */
	const char *gtin, *expiry, *lot, *serial;
};

static const struct gcase cases[] = {
    /* accepted */
    {"01" GTIN "17251231"
     "10AB123",
     0, 0, NULL, GTIN, "2025-12-31", "AB123", ""},
    {"]d201" GTIN "17251231"
     "10AB123" GS "21S0001",
     0, 0, NULL, GTIN, "2025-12-31", "AB123", "S0001"},
    {"]C101" GTIN "10AB123", 0, 0, NULL, GTIN, NULL, "AB123", ""},
    {"]Q301" GTIN "21XYZ", 0, 0, NULL, GTIN, NULL, "", "XYZ"},
    {"]e001" GTIN, 0, 0, NULL, GTIN, NULL, "", ""},
    {GS "01" GTIN "17250600", 0, 0, NULL, GTIN, "2025-06-30", "", ""},
    {"10LOT-7" GS "17240200"
     "01" GTIN2,
     0, 0, NULL, GTIN2, "2024-02-29", "LOT-7", ""},
    {"17230200"
     "21SER" GS "01" GTIN "10L1",
     0, 0, NULL, GTIN, "2023-02-28", "L1", "SER"},
    {"21SER" GS "10L1" GS "01" GTIN GS, 0, 0, NULL, GTIN, NULL, "L1", "SER"},
    {"01" GTIN GS GS "10L1", 0, 0, NULL, GTIN, NULL, "L1", ""},
    {"01" GTIN "11210101"
     "17221231"
     "10L1",
     0, 0, NULL, GTIN, "2022-12-31", "L1", ""},
    {"00"
     "012345678901234567"
     "01" GTIN,
     0, 0, NULL, GTIN, NULL, "", ""},
    {"01" GTIN "3103000500"
     "15220101"
     "20"
     "07"
     "10L",
     0, 0, NULL, GTIN, NULL, "L", ""},
    {"01" GTIN "4101234567890123"
     "17210101",
     0, 0, NULL, GTIN, "2021-01-01", "", ""},
    {"01" GTIN "10"
     "ABCDEFGHIJKLMNOPQRST",
     0, 0, NULL, GTIN, NULL, "ABCDEFGHIJKLMNOPQRST", ""},
    {"01" GTIN "21"
     "12345678901234567890",
     0, 0, NULL, GTIN, NULL, "", "12345678901234567890"},
    {"01" GTIN "10!\"%&'()*+,-./:;<=>?" GS "21_az09", 0, 0, NULL, GTIN, NULL,
     "!\"%&'()*+,-./:;<=>?", "_az09"},
    /* keyboard wedge substitutes */
    {"01" GTIN "10AB^21CD^17250100", 0, '^', NULL, GTIN, "2025-01-31", "AB", "CD"},
    {"01" GTIN "10AB~17250100", 0, '~', NULL, GTIN, "2025-01-31", "AB", ""},
    {"01" GTIN "10AB" GS "17250100", 0, '~', NULL, GTIN, "2025-01-31", "AB", ""},
    {"]d2^01" GTIN "10AB^", 0, '^', NULL, GTIN, NULL, "AB", ""},

    /* refused */
    {"", 0, 0, "empty", NULL, NULL, NULL, NULL},
    {GS GS, 0, 0, "empty", NULL, NULL, NULL, NULL},
    {"]d2", 0, 0, "empty", NULL, NULL, NULL, NULL},
    {"]d1"
     "01" GTIN,
     0, 0, "bad_char", NULL, NULL, NULL, NULL},
    {"]", 0, 0, "bad_char", NULL, NULL, NULL, NULL},
    {"]d", 0, 0, "bad_char", NULL, NULL, NULL, NULL},
    {"17251231"
     "10AB",
     0, 0, "no_gtin", NULL, NULL, NULL, NULL},
    {"11210101", 0, 0, "no_gtin", NULL, NULL, NULL, NULL},
    {"01"
     "09506000134353",
     0, 0, "gtin_check", NULL, NULL, NULL, NULL},
    {"01"
     "0950600013435",
     0, 0, "bad_gtin_length", NULL, NULL, NULL, NULL},
    {"01"
     "0950600013435" GS "10A",
     0, 0, "bad_gtin_length", NULL, NULL, NULL, NULL},
    {"01"
     "0950600013435A",
     0, 0, "bad_gtin_length", NULL, NULL, NULL, NULL},
    {"01", 0, 0, "bad_gtin_length", NULL, NULL, NULL, NULL},
    {"01"
     "0950600013\x01"
     "435",
     0, 0, "bad_char", NULL, NULL, NULL, NULL},
    {"01" GTIN "01" GTIN, 0, 0, "bad_ai", NULL, NULL, NULL, NULL},
    {"01" GTIN "10A" GS "10B", 0, 0, "bad_ai", NULL, NULL, NULL, NULL},
    {"01" GTIN "17251231"
     "17251231",
     0, 0, "bad_ai", NULL, NULL, NULL, NULL},
    {"01" GTIN "17251300", 0, 0, "bad_expiry", NULL, NULL, NULL, NULL},
    {"01" GTIN "17250230", 0, 0, "bad_expiry", NULL, NULL, NULL, NULL},
    {"01" GTIN "17250001", 0, 0, "bad_expiry", NULL, NULL, NULL, NULL},
    {"01" GTIN "17250431", 0, 0, "bad_expiry", NULL, NULL, NULL, NULL},
    {"01" GTIN "1725123", 0, 0, "bad_expiry", NULL, NULL, NULL, NULL},
    {"01" GTIN "172512" GS "31", 0, 0, "bad_expiry", NULL, NULL, NULL, NULL},
    {"01" GTIN "10"
     "ABCDEFGHIJKLMNOPQRSTU",
     0, 0, "lot_too_long", NULL, NULL, NULL, NULL},
    {"01" GTIN "21"
     "123456789012345678901",
     0, 0, "serial_too_long", NULL, NULL, NULL, NULL},
    {"01" GTIN "10", 0, 0, "bad_ai", NULL, NULL, NULL, NULL},
    {"01" GTIN "10" GS "21A", 0, 0, "bad_ai", NULL, NULL, NULL, NULL},
    {"01" GTIN "10A B", 0, 0, "bad_char", NULL, NULL, NULL, NULL},
    {"01" GTIN "10A#", 0, 0, "bad_char", NULL, NULL, NULL, NULL},
    {"01" GTIN "10AB\r\n", 0, 0, "bad_char", NULL, NULL, NULL, NULL},
    {"01" GTIN "10A\x7f", 0, 0, "bad_char", NULL, NULL, NULL, NULL},
    {"01" GTIN "10\xe6\x89\xb9", 0, 0, "bad_char", NULL, NULL, NULL, NULL},
    {"01" GTIN "21A\x00Z", 20, 0, "bad_char", NULL, NULL, NULL, NULL},
    {"01" GTIN "\x00", 17, 0, "bad_char", NULL, NULL, NULL, NULL},
    {"01" GTIN "10AB^", 0, 0, "bad_char", NULL, NULL, NULL, NULL},
    {"\x80"
     "01" GTIN,
     0, 0, "bad_char", NULL, NULL, NULL, NULL},
    /* (11) production date truncated; (30) count and (240), (99) are variable */
    {"01" GTIN "11210", 0, 0, "bad_ai", NULL, NULL, NULL, NULL},
    {"01" GTIN "11" GS, 0, 0, "bad_ai", NULL, NULL, NULL, NULL},
    {"01" GTIN "3012" GS "10A", 0, 0, "bad_ai", NULL, NULL, NULL, NULL},
    {"01" GTIN "240XYZ", 0, 0, "bad_ai", NULL, NULL, NULL, NULL},
    {"01" GTIN "99INTERNAL", 0, 0, "bad_ai", NULL, NULL, NULL, NULL},
    {"01" GTIN "310", 0, 0, "bad_ai", NULL, NULL, NULL, NULL},
    {"01" GTIN "3103"
     "00050",
     0, 0, "bad_ai", NULL, NULL, NULL, NULL},
    {"01" GTIN "00"
     "01234567890123456",
     0, 0, "bad_ai", NULL, NULL, NULL, NULL},
    {"(01)" GTIN, 0, 0, "bad_ai", NULL, NULL, NULL, NULL},
    {"01" GTIN "1", 0, 0, "bad_ai", NULL, NULL, NULL, NULL},
    {"01" GTIN "A1", 0, 0, "bad_ai", NULL, NULL, NULL, NULL},
};

static void test_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct gcase *c = &cases[i];
		size_t len = c->len ? c->len : strlen(c->in);
		struct gs1 g;
		memset(&g, 0x6B, sizeof(g));
		struct gs1 before = g;
		struct vb_reason why = {0};
		int rc = gs1_parse(c->in, len, c->sub, &g, &why);
		if (!c->code) {
			if (rc)
				fail_msg("case %zu refused: %s (%s)", i, why.code, why.text);
			assert_string_equal(g.gtin, c->gtin);
			assert_int_equal(g.expiry, c->expiry ? day(c->expiry) : VBDATE_NONE);
			assert_string_equal(g.lot, c->lot);
			assert_string_equal(g.serial, c->serial);
			continue;
		}
		if (rc != VB_EINVAL || !why.code || strcmp(why.code, c->code) != 0)
			fail_msg("case %zu: rc %d code %s (%s), wanted %s", i, rc,
				 why.code ? why.code : "(null)", why.text, c->code);
		assert_true(why.text[0] != '\0');
		assert_memory_equal(&g, &before, sizeof(g));
	}
}

static void test_every_prefix(void **state)
{
	(void)state;
	/* Cutting a valid string anywhere either still parses or is refused
	 * with a reason; the full string parses. */
	static const char full[] = "]d201" GTIN "17251231"
				   "10LOT12345" GS "21SERIAL9";
	for (size_t n = 0; n <= sizeof(full) - 1; n++) {
		struct gs1 g;
		struct vb_reason why = {0};
		int rc = gs1_parse(full, n, 0, &g, &why);
		if (rc) {
			assert_int_equal(rc, VB_EINVAL);
			assert_non_null(why.code);
		} else {
			assert_string_equal(g.gtin, GTIN);
		}
	}
	struct gs1 g;
	assert_int_equal(gs1_parse(full, sizeof(full) - 1, 0, &g, NULL), VB_OK);
	assert_string_equal(g.lot, "LOT12345");
	assert_string_equal(g.serial, "SERIAL9");
	/* every expiry month with DD 00 ends on the month's last day */
	for (int m = 1; m <= 12; m++) {
		char s[40];
		int32_t next;
		snprintf(s, sizeof(s), "01" GTIN "1726%02d00", m);
		assert_int_equal(gs1_parse(s, strlen(s), 0, &g, NULL), VB_OK);
		assert_int_equal(
		    vbdate_from_ymd(m == 12 ? 2027 : 2026, m == 12 ? 1 : m + 1, 1, &next), VB_OK);
		assert_int_equal(g.expiry, next - 1);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_gtin_valid),
	    cmocka_unit_test(test_table),
	    cmocka_unit_test(test_every_prefix),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
