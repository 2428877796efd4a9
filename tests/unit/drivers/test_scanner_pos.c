/*
 * HID POS decoding (scanner_pos): single and multi-report scans in the
 * 64-byte layout (report ID 2, length, AIM identifier, 56 data bytes,
 * "more data" bit), the AIM prefix, CR/LF suffixes, binary data, foreign
 * report IDs, malformed reports, the gap between reports and the cap.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "scanner_pos.h"

/* Writes one scanned-data report (the layout of scanner_pos.h). */
static void pos_report(uint8_t r[64], const char *aim, const void *data, size_t n, int more)
{
	memset(r, 0, 64);
	r[0] = 0x02;
	r[1] = (uint8_t)n;
	memcpy(r + 2, aim, 3);
	memcpy(r + 5, data, n);
	r[61] = 0x73; /* a Honeywell code ID, ignored */
	r[63] = more ? 0x01 : 0x00;
}

static void init_pos(struct scanner_pos *p, int aim_prefix)
{
	struct scanner_config cfg;
	scanner_config_init(&cfg);
	cfg.mode = SCANNER_MODE_POS;
	cfg.aim_prefix = aim_prefix;
	scanner_pos_init(p, &cfg);
}

/* Feeds text as the reports a scanner sends (56 bytes each, "more" on all
 * but the last) from time *t, 2 ms apart; returns the OR of the events. */
static int send_scan(struct scanner_pos *p, const char *aim, const void *text, size_t n, int64_t *t)
{
	const uint8_t *b = text;
	int ev = 0;
	do {
		size_t k = n < 56 ? n : 56;
		uint8_t r[64];
		pos_report(r, aim, b, k, n > k);
		ev |= scanner_pos_feed(p, r, 64, *t += 2);
		b += k;
		n -= k;
	} while (n);
	return ev;
}

static void expect_scan(struct scanner_pos *p, const void *want, size_t n)
{
	static char out[SCANNER_SCAN_MAX + 1];
	size_t len = 0;
	assert_int_equal(scanner_asm_take(&p->a, out, sizeof(out), &len), DRV_OK);
	assert_int_equal(len, n);
	assert_memory_equal(out, want, n);
	assert_int_equal(out[n], '\0');
}

struct pcase {
	const char *name;
	int aim_prefix;
	const char *aim;
	const char *data;
	size_t n;
	const char *want;
	size_t want_n;
};

#define S(x) x, sizeof(x) - 1

static const char c60[] = "M1GATHERGOOD/MICHAEL YABCDEF LHRDURAK 3542 052Y003D23  01234";
static const char c150[] =
    "HC1:NCFOXN%TS3DH3ZSUZK+.V0ETD%65NL-AH-R6IOOK.IR9B+9D-ZO0OGM6O8L0.%1R/1OI5QIVK8KHK+MG0"
    "12345678901234567890123456789012345678901234567890123456789012345";
_Static_assert(sizeof(c60) == 61 && sizeof(c150) == 151, "test strings");

static const struct pcase cases[] = {
    {"one report, QR", 0, "]Q1", S("HC1:6BFOXN*TS0BI$ZD4N9:9S6RCVN5+O30K3/XIV0W23NTDEXWK"),
     S("HC1:6BFOXN*TS0BI$ZD4N9:9S6RCVN5+O30K3/XIV0W23NTDEXWK")},
    {"exactly 56 bytes in one report", 0, "]Q1",
     S("12345678901234567890123456789012345678901234567890123456"),
     S("12345678901234567890123456789012345678901234567890123456")},
    {"60 bytes as 56 + 4 (Access-IS example)", 0, "]Q0", c60, 60, c60, 60},
    {"150 bytes in three reports", 0, "]Q1", c150, 150, c150, 150},
    {"GS1 Data Matrix with GS kept", 0, "]d2",
     S("0106901234567892\x1d"
       "10LOT42\x1d"
       "17211231"),
     S("0106901234567892\x1d"
       "10LOT42\x1d"
       "17211231")},
    {"AIM prefix on request", 1, "]d2", S("0106901234567892"), S("]d20106901234567892")},
    {"AIM prefix over two reports appears once", 1, "]Q1", c60, 60,
     "]Q1M1GATHERGOOD/MICHAEL YABCDEF LHRDURAK 3542 052Y003D23  01234", 63},
    {"no AIM identifier sent: no prefix", 1, "\0\0\0", S("abc"), S("abc")},
    {"CR LF suffix removed", 0, "]Q1", S("abc\r\n"), S("abc")},
    {"CR suffix removed", 0, "]Q1", S("abc\r"), S("abc")},
    {"LF suffix removed", 0, "]Q1", S("abc\n"), S("abc")},
    {"only one suffix removed, inner CR kept", 0, "]Q1", S("a\rb\n\n"), S("a\rb\n")},
    {"binary bytes kept", 0, "]Q1", S("\x01\xE5\xBC\xA0\x7F\x1d"), S("\x01\xE5\xBC\xA0\x7F\x1d")},
    {"NUL inside data kept", 0, "]Q1", "a\0b", 3, "a\0b", 3},
};

static void test_cases(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct pcase *c = &cases[i];
		struct scanner_pos p;
		init_pos(&p, c->aim_prefix);
		int64_t t = 100;
		int ev = send_scan(&p, c->aim, c->data, c->n, &t);
		if (ev != SCANNER_EV_SCAN)
			fail_msg("%s: events %d", c->name, ev);
		expect_scan(&p, c->want, c->want_n);
		scanner_pos_cleanup(&p);
	}
}

static void test_aim_kept(void **state)
{
	(void)state;
	struct scanner_pos p;
	init_pos(&p, 0);
	int64_t t = 0;
	/* Continuation reports repeat the identifier; the first one counts. */
	uint8_t r[64];
	pos_report(r, "]d2", "0106901234567892", 16, 1);
	assert_int_equal(scanner_pos_feed(&p, r, 64, t += 2), 0);
	pos_report(r, "]X0", "10LOT", 5, 0);
	assert_int_equal(scanner_pos_feed(&p, r, 64, t += 2), SCANNER_EV_SCAN);
	assert_string_equal(scanner_pos_aim(&p), "]d2");
	expect_scan(&p, "010690123456789210LOT", 21);
	pos_report(r,
		   "Q\x01"
		   "1",
		   "x", 1, 0);
	assert_int_equal(scanner_pos_feed(&p, r, 64, t += 2), SCANNER_EV_SCAN);
	assert_string_equal(scanner_pos_aim(&p), "");
	scanner_pos_cleanup(&p);
}

static void test_other_report_ids_ignored(void **state)
{
	(void)state;
	struct scanner_pos p;
	init_pos(&p, 0);
	int64_t t = 0;
	uint8_t r[64], other[64] = {0xFE, 5, 'j', 'u', 'n', 'k'};
	pos_report(r, "]Q1", "abc", 3, 1);
	assert_int_equal(scanner_pos_feed(&p, r, 64, t += 2), 0);
	assert_int_equal(scanner_pos_feed(&p, other, 64, t += 2), 0);
	assert_int_equal(scanner_pos_feed(&p, other, 8, t += 2), 0);
	pos_report(r, "]Q1", "def", 3, 0);
	assert_int_equal(scanner_pos_feed(&p, r, 64, t += 2), SCANNER_EV_SCAN);
	expect_scan(&p, "abcdef", 6);
	assert_int_equal(p.a.stats.ignored, 2);
	scanner_pos_cleanup(&p);
}

static void test_bad_reports(void **state)
{
	(void)state;
	struct scanner_pos p;
	init_pos(&p, 0);
	int64_t t = 0;
	uint8_t r[65];
	/* A short report mid-scan: the scan and its tail are dropped. */
	pos_report(r, "]Q1", "abc", 3, 1);
	assert_int_equal(scanner_pos_feed(&p, r, 64, t += 2), 0);
	assert_int_equal(scanner_pos_feed(&p, r, 63, t += 2), SCANNER_EV_BAD);
	pos_report(r, "]Q1", "tail", 4, 0);
	assert_int_equal(scanner_pos_feed(&p, r, 64, t += 2), 0);
	/* The next scan is whole. */
	assert_int_equal(send_scan(&p, "]Q1", "next", 4, &t), SCANNER_EV_SCAN);
	expect_scan(&p, "next", 4);
	/* A length over 56, a long report, an empty one. */
	pos_report(r, "]Q1", "abc", 3, 0);
	r[1] = 57;
	assert_int_equal(scanner_pos_feed(&p, r, 64, t += 2), SCANNER_EV_BAD);
	pos_report(r, "]Q1", "abc", 3, 0);
	assert_int_equal(scanner_pos_feed(&p, r, 65, t += 2), SCANNER_EV_BAD);
	assert_int_equal(scanner_pos_feed(&p, r, 0, t += 2), SCANNER_EV_BAD);
	assert_int_equal(p.a.stats.bad, 4);
	/* After a silence of the gap, a one-report scan is taken again. */
	t += 501;
	assert_int_equal(send_scan(&p, "]Q1", "ok", 2, &t), SCANNER_EV_SCAN);
	expect_scan(&p, "ok", 2);
	scanner_pos_cleanup(&p);
}

static void test_gap_between_reports(void **state)
{
	(void)state;
	struct scanner_pos p;
	init_pos(&p, 0);
	int64_t t = 0;
	uint8_t r[64];
	pos_report(r, "]Q1", "first half", 10, 1);
	assert_int_equal(scanner_pos_feed(&p, r, 64, t += 2), 0);
	/* 500 ms is within the gap; 501 more is not. */
	pos_report(r, "]Q1", "second", 6, 1);
	assert_int_equal(scanner_pos_feed(&p, r, 64, t += 500), 0);
	assert_int_equal(scanner_pos_tick(&p, t + 500), 0);
	assert_int_equal(scanner_pos_tick(&p, t + 501), SCANNER_EV_ABORTED);
	/* The late last report is the tail: dropped, not a scan. */
	pos_report(r, "]Q1", "end", 3, 0);
	assert_int_equal(scanner_pos_feed(&p, r, 64, t += 510), 0);
	t += 600;
	assert_int_equal(send_scan(&p, "]Q1", "whole", 5, &t), SCANNER_EV_SCAN);
	expect_scan(&p, "whole", 5);
	/* Detected by the next report's feed instead of a tick. */
	pos_report(r, "]Q1", "a", 1, 1);
	scanner_pos_feed(&p, r, 64, t += 2);
	pos_report(r, "]Q1", "b", 1, 0);
	assert_int_equal(scanner_pos_feed(&p, r, 64, t += 700), SCANNER_EV_ABORTED);
	assert_int_equal(p.a.stats.aborted, 2);
	scanner_pos_cleanup(&p);
}

static void test_overflow(void **state)
{
	(void)state;
	static char big[SCANNER_SCAN_MAX + 56];
	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (char)('0' + i % 10);
	struct scanner_pos p;
	init_pos(&p, 0);
	int64_t t = 0;
	/* Exactly the cap. */
	assert_int_equal(send_scan(&p, "]Q1", big, SCANNER_SCAN_MAX, &t), SCANNER_EV_SCAN);
	expect_scan(&p, big, SCANNER_SCAN_MAX);
	/* One byte more: an overflow and nothing delivered. */
	assert_int_equal(send_scan(&p, "]Q1", big, SCANNER_SCAN_MAX + 1, &t), SCANNER_EV_OVERFLOW);
	assert_int_equal(scanner_asm_take(&p.a, big, 1, &(size_t){0}), DRV_ENOTFOUND);
	/* The prefix counts against the cap. */
	scanner_pos_cleanup(&p);
	init_pos(&p, 1);
	assert_int_equal(send_scan(&p, "]Q1", big, SCANNER_SCAN_MAX - 3, &t), SCANNER_EV_SCAN);
	scanner_asm_take(&p.a, big + 100, 0, &(size_t){0});
	assert_int_equal(send_scan(&p, "]Q1", big, SCANNER_SCAN_MAX - 2, &t), SCANNER_EV_OVERFLOW);
	/* And the next scan is whole. */
	assert_int_equal(send_scan(&p, "]Q1", "ok", 2, &t), SCANNER_EV_SCAN);
	expect_scan(&p, "]Q1ok", 5);
	scanner_pos_cleanup(&p);
}

static void test_empty_scans(void **state)
{
	(void)state;
	struct scanner_pos p;
	init_pos(&p, 0);
	int64_t t = 0;
	assert_int_equal(send_scan(&p, "]Q1", "", 0, &t), 0);
	assert_int_equal(send_scan(&p, "]Q1", "\r\n", 2, &t), 0);
	assert_int_equal(p.a.stats.scans, 0);
	scanner_pos_cleanup(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_cases),
	    cmocka_unit_test(test_aim_kept),
	    cmocka_unit_test(test_other_report_ids_ignored),
	    cmocka_unit_test(test_bad_reports),
	    cmocka_unit_test(test_gap_between_reports),
	    cmocka_unit_test(test_overflow),
	    cmocka_unit_test(test_empty_scans),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
