/* Cold chain: range boundaries, threshold boundaries, gaps, open
 * excursions, the live feed's once-per-excursion quarantine, agreement of
 * the two forms, staff decisions. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "coldchain.h"
#include "vb_error.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define MAXR	     8

struct exc {
	int64_t start, end;
	int open, min, max;
	int64_t seconds;
	int over;
};

static void test_defaults(void **state)
{
	(void)state;
	struct coldchain_config cfg;
	coldchain_config_init(&cfg);
	assert_int_equal(cfg.min_centi, 200);
	assert_int_equal(cfg.max_centi, 800);
	assert_int_equal(cfg.excursion_seconds, 600);
	assert_int_equal(coldchain_config_check(&cfg), VB_OK);
	static const struct coldchain_config bad[] = {{800, 200, 600}, {200, 800, -1}};
	for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
		struct coldchain_excursion out[2];
		size_t n = 0;
		int q = 0;
		struct coldchain_reading r = {0, 500};
		assert_int_equal(coldchain_config_check(&bad[i]), VB_EINVAL);
		assert_int_equal(coldchain_scan(&r, 1, &bad[i], 0, out, 2, &n, &q), VB_EINVAL);
	}
	assert_int_equal(coldchain_config_check(NULL), VB_EINVAL);
}

static void test_scan(void **state)
{
	(void)state;
	static const struct {
		const char *what;
		int threshold;
		struct coldchain_reading r[MAXR];
		size_t n;
		int64_t now;
		int rc;
		size_t n_exc;
		struct exc want[3];
		int quarantine;
	} cases[] = {
	    {"boundaries 2.00 and 8.00 are in range",
	     600,
	     {{0, 200}, {60, 800}, {120, 500}, {180, 201}, {240, 799}},
	     5,
	     240,
	     VB_OK,
	     0,
	     {{0}},
	     0},
	    {"8.01 is out: a brief spike",
	     600,
	     {{0, 500}, {60, 801}, {120, 500}},
	     3,
	     120,
	     VB_OK,
	     1,
	     {{60, 120, 0, 801, 801, 60, 0}},
	     0},
	    {"1.99 is out",
	     600,
	     {{0, 500}, {60, 199}, {90, 200}},
	     3,
	     90,
	     VB_OK,
	     1,
	     {{60, 90, 0, 199, 199, 30, 0}},
	     0},
	    {"freezing at -0.5 for exactly the limit quarantines",
	     600,
	     {{0, 400}, {60, -50}, {360, -20}, {660, 300}},
	     4,
	     660,
	     VB_OK,
	     1,
	     {{60, 660, 0, -50, -20, 600, 1}},
	     1},
	    {"one second under the limit does not",
	     600,
	     {{0, 400}, {60, 900}, {659, 300}},
	     3,
	     700,
	     VB_OK,
	     1,
	     {{60, 659, 0, 900, 900, 599, 0}},
	     0},
	    {"a gap after an out-of-range reading counts in full",
	     600,
	     {{0, 500}, {100, 900}, {5000, 500}},
	     3,
	     5000,
	     VB_OK,
	     1,
	     {{100, 5000, 0, 900, 900, 4900, 1}},
	     1},
	    {"a gap between in-range readings is no excursion",
	     600,
	     {{0, 500}, {100000, 500}},
	     2,
	     100000,
	     VB_OK,
	     0,
	     {{0}},
	     0},
	    {"open at the end lasts until now",
	     600,
	     {{0, 500}, {100, 900}, {200, 950}},
	     3,
	     300,
	     VB_OK,
	     1,
	     {{100, 300, 1, 900, 950, 200, 0}},
	     0},
	    {"open at the end, now past the limit",
	     600,
	     {{0, 500}, {100, 900}, {200, 950}},
	     3,
	     700,
	     VB_OK,
	     1,
	     {{100, 700, 1, 900, 950, 600, 1}},
	     1},
	    {"open at the end, now before the last reading",
	     600,
	     {{0, 500}, {100, 900}, {200, 950}},
	     3,
	     50,
	     VB_OK,
	     1,
	     {{100, 200, 1, 900, 950, 100, 0}},
	     0},
	    {"cold then hot without a reading in range is one excursion",
	     600,
	     {{0, 150}, {60, -100}, {120, 900}, {180, 500}},
	     4,
	     180,
	     VB_OK,
	     1,
	     {{0, 180, 0, -100, 900, 180, 0}},
	     0},
	    {"two excursions, the second over the limit",
	     600,
	     {{0, 900}, {60, 500}, {120, 100}, {800, 500}, {900, 810}},
	     5,
	     900,
	     VB_OK,
	     3,
	     {{0, 60, 0, 900, 900, 60, 0},
	      {120, 800, 0, 100, 100, 680, 1},
	      {900, 900, 1, 810, 810, 0, 0}},
	     1},
	    {"equal times are in order",
	     600,
	     {{0, 900}, {0, 500}},
	     2,
	     0,
	     VB_OK,
	     1,
	     {{0, 0, 0, 900, 900, 0, 0}},
	     0},
	    {"a zero limit quarantines any excursion",
	     0,
	     {{0, 500}, {10, 801}, {10, 500}},
	     3,
	     10,
	     VB_OK,
	     1,
	     {{10, 10, 0, 801, 801, 0, 1}},
	     1},
	    {"no readings", 600, {{0}}, 0, 0, VB_OK, 0, {{0}}, 0},
	    {"out of order",
	     600,
	     {{0, 500}, {100, 900}, {99, 500}},
	     3,
	     200,
	     VB_EINVAL,
	     0,
	     {{0}},
	     0},
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		struct coldchain_config cfg = {200, 800, cases[i].threshold};
		struct coldchain_excursion out[4];
		memset(out, 0x5a, sizeof out);
		size_t n = 99;
		int q = 99;
		print_message("case: %s\n", cases[i].what);
		int rc = coldchain_scan(cases[i].r, cases[i].n, &cfg, cases[i].now, out, 4, &n, &q);
		assert_int_equal(rc, cases[i].rc);
		if (rc != VB_OK) {
			assert_int_equal(n, 99);
			assert_int_equal(q, 99);
			continue;
		}
		assert_int_equal(n, cases[i].n_exc);
		assert_int_equal(q, cases[i].quarantine);
		for (size_t k = 0; k < n; k++) {
			const struct exc *w = &cases[i].want[k];
			assert_int_equal(out[k].start, w->start);
			assert_int_equal(out[k].end, w->end);
			assert_int_equal(out[k].open, w->open);
			assert_int_equal(out[k].min_centi, w->min);
			assert_int_equal(out[k].max_centi, w->max);
			assert_int_equal(out[k].seconds, w->seconds);
			assert_int_equal(out[k].over_limit, w->over);
		}
	}
}

static void test_scan_cap(void **state)
{
	(void)state;
	struct coldchain_config cfg;
	coldchain_config_init(&cfg);
	const struct coldchain_reading r[] = {{0, 900}, {1, 500}, {2, 900}, {3, 500}, {4, 900}};
	struct coldchain_excursion out[3];
	size_t n = 99;
	int q = 99;
	assert_int_equal(coldchain_scan(r, 5, &cfg, 4, out, 2, &n, &q), VB_ERANGE);
	assert_int_equal(n, 99);
	assert_int_equal(q, 99);
	assert_int_equal(coldchain_scan(r, 5, &cfg, 4, out, (5 + 1) / 2, &n, &q), VB_OK);
	assert_int_equal(n, 3);
	assert_int_equal(coldchain_scan(NULL, 1, &cfg, 4, out, 3, &n, &q), VB_EINVAL);
}

static void test_feed_once_per_excursion(void **state)
{
	(void)state;
	struct coldchain_config cfg;
	coldchain_config_init(&cfg);
	static const struct {
		int64_t at;
		int centi;
		int started, ended, quarantine, in_exc;
		int64_t seconds;
	} steps[] = {
	    {0, 500, 0, 0, 0, 0, 0},
	    {60, 900, 1, 0, 0, 1, 0},
	    {360, 920, 0, 0, 0, 1, 300},
	    {660, 910, 0, 0, 1, 1, 600}, /* reaches the limit: quarantine */
	    {900, 930, 0, 0, 0, 1, 840}, /* not again */
	    {960, 500, 0, 1, 0, 0, 900},
	    {1000, 600, 0, 0, 0, 0, 0},
	    {1000, -10, 1, 0, 0, 1, 0},
	    {1600, -20, 0, 0, 1, 1, 600}, /* a new excursion quarantines again */
	    {1700, 600, 0, 1, 0, 0, 700},
	    {1800, 801, 1, 0, 0, 1, 0},
	    {1860, 800, 0, 1, 0, 0, 60}, /* brief spike: no quarantine */
	};
	struct coldchain_state st;
	coldchain_state_init(&st);
	int emitted = 0;
	for (size_t i = 0; i < ARRAY_LEN(steps); i++) {
		struct coldchain_reading r = {steps[i].at, steps[i].centi};
		struct coldchain_effect e;
		assert_int_equal(coldchain_feed(&st, &cfg, &r, &e), VB_OK);
		assert_int_equal(e.started, steps[i].started);
		assert_int_equal(e.ended, steps[i].ended);
		assert_int_equal(e.quarantine, steps[i].quarantine);
		assert_int_equal(e.in_excursion, steps[i].in_exc);
		if (e.in_excursion || e.ended) {
			assert_int_equal(e.excursion.seconds, steps[i].seconds);
			assert_int_equal(e.excursion.open, !e.ended);
		}
		emitted += e.quarantine;
	}
	assert_int_equal(emitted, 2);
}

static void test_feed_order_and_tick(void **state)
{
	(void)state;
	struct coldchain_config cfg;
	coldchain_config_init(&cfg);
	struct coldchain_state st;
	struct coldchain_effect e;
	coldchain_state_init(&st);

	/* no excursion: a tick says nothing */
	assert_int_equal(coldchain_tick(&st, &cfg, 1000, &e), VB_OK);
	assert_int_equal(e.in_excursion + e.quarantine + e.started + e.ended, 0);

	struct coldchain_reading r = {60, 900};
	assert_int_equal(coldchain_feed(&st, &cfg, &r, &e), VB_OK);
	/* an earlier reading is refused and changes nothing */
	struct coldchain_reading old = {59, 500};
	memset(&e, 0x5a, sizeof e);
	assert_int_equal(coldchain_feed(&st, &cfg, &old, &e), VB_EINVAL);
	assert_int_equal(e.started, 0x5a5a5a5a);
	assert_int_equal(st.in_excursion, 1);
	assert_int_equal(st.last_at, 60);

	/* the thermometer falls silent: ticks quarantine on time, once */
	static const struct {
		int64_t now;
		int quarantine;
		int64_t seconds;
	} ticks[] = {{300, 0, 240}, {659, 0, 599}, {660, 1, 600}, {700, 0, 640}, {100, 0, 640}};
	for (size_t i = 0; i < ARRAY_LEN(ticks); i++) {
		assert_int_equal(coldchain_tick(&st, &cfg, ticks[i].now, &e), VB_OK);
		assert_int_equal(e.quarantine, ticks[i].quarantine);
		assert_int_equal(e.in_excursion, 1);
		assert_int_equal(e.started + e.ended, 0);
		assert_int_equal(e.excursion.seconds, ticks[i].seconds);
		assert_true(e.excursion.open);
	}
	/* back in range: the excursion closes without a second quarantine */
	r = (struct coldchain_reading){800, 500};
	assert_int_equal(coldchain_feed(&st, &cfg, &r, &e), VB_OK);
	assert_int_equal(e.ended, 1);
	assert_int_equal(e.quarantine, 0);
	assert_int_equal(e.excursion.end, 800);
	assert_int_equal(e.excursion.seconds, 740);
	assert_int_equal(e.excursion.over_limit, 1);
	struct coldchain_config bad = {900, 100, 0};
	assert_int_equal(coldchain_tick(&st, &bad, 900, &e), VB_EINVAL);
	assert_int_equal(coldchain_feed(&st, &bad, &r, &e), VB_EINVAL);
}

/* The live feed and the scan agree on a long pseudo-random trace. */
static void test_forms_agree(void **state)
{
	(void)state;
	enum { N = 2000 };
	static struct coldchain_reading r[N];
	static struct coldchain_excursion out[N];
	uint32_t x = 12345;
	int64_t t = 1600000000;
	for (size_t i = 0; i < N; i++) {
		x = x * 1103515245u + 12345u;
		t += (x >> 16) % 400; /* 0..399 s apart, some equal */
		x = x * 1103515245u + 12345u;
		r[i] = (struct coldchain_reading){t, (int)((x >> 16) % 1300) - 200};
	}
	struct coldchain_config cfg;
	coldchain_config_init(&cfg);
	size_t n = 0;
	int q = 0;
	assert_int_equal(coldchain_scan(r, N, &cfg, t, out, N, &n, &q), VB_OK);
	assert_true(n > 10);

	struct coldchain_state st;
	coldchain_state_init(&st);
	size_t ended = 0, over = 0, emitted = 0;
	for (size_t i = 0; i < N; i++) {
		struct coldchain_effect e;
		assert_int_equal(coldchain_feed(&st, &cfg, &r[i], &e), VB_OK);
		emitted += e.quarantine;
		if (e.ended) {
			assert_int_equal(e.excursion.start, out[ended].start);
			assert_int_equal(e.excursion.end, out[ended].end);
			assert_int_equal(e.excursion.min_centi, out[ended].min_centi);
			assert_int_equal(e.excursion.max_centi, out[ended].max_centi);
			ended++;
		}
	}
	for (size_t k = 0; k < n; k++)
		over += (size_t)out[k].over_limit;
	assert_int_equal(ended + (size_t)st.in_excursion, n);
	assert_int_equal(emitted, over);
	assert_int_equal(q, over > 0);
}

static void test_decide(void **state)
{
	(void)state;
	static const char long_note[] =
	    "0123456789012345678901234567890123456789012345678901234567890123"
	    "0123456789012345678901234567890123456789012345678901234567890123";
	static const struct {
		int open, over;
		enum coldchain_decision d;
		const char *staff, *note;
		int rc;
		const char *code;
	} cases[] = {
	    {0, 1, COLDCHAIN_DISCARD, "S01", NULL, VB_OK, NULL},
	    {0, 1, COLDCHAIN_RELEASE, "S01", "maker allows 24 h below 25 C", VB_OK, NULL},
	    {0, 1, COLDCHAIN_RELEASE, "S01", NULL, VB_EREFUSED, "note_required"},
	    {0, 1, COLDCHAIN_RELEASE, "S01", "", VB_EREFUSED, "note_required"},
	    {0, 1, COLDCHAIN_DISCARD, "", NULL, VB_EREFUSED, "staff_required"},
	    {0, 1, COLDCHAIN_DISCARD, NULL, NULL, VB_EREFUSED, "staff_required"},
	    {1, 1, COLDCHAIN_DISCARD, "S01", NULL, VB_EREFUSED, "excursion_open"},
	    {0, 0, COLDCHAIN_DISCARD, "S01", NULL, VB_EREFUSED, "no_quarantine"},
	    {0, 1, COLDCHAIN_DECISION_COUNT, "S01", "x", VB_EINVAL, NULL},
	    {0, 1, COLDCHAIN_RELEASE, "S01", long_note, VB_EINVAL, NULL},
	    {0, 1, COLDCHAIN_RELEASE, "012345678901234567890123456789012", "x", VB_EINVAL, NULL},
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		struct coldchain_excursion exc = {.start = 0,
						  .end = 900,
						  .open = cases[i].open,
						  .seconds = 900,
						  .over_limit = cases[i].over};
		struct coldchain_verdict v;
		memset(&v, 0x5a, sizeof v);
		struct vb_reason why = {0};
		int rc =
		    coldchain_decide(&exc, cases[i].d, cases[i].staff, cases[i].note, &v, &why);
		assert_int_equal(rc, cases[i].rc);
		if (rc != VB_OK) {
			if (cases[i].code)
				assert_string_equal(why.code, cases[i].code);
			assert_int_equal(v.release_lots, 0x5a5a5a5a);
			continue;
		}
		assert_int_equal(v.decision, cases[i].d);
		assert_int_equal(v.release_lots, cases[i].d == COLDCHAIN_RELEASE);
		assert_int_equal(v.discard_lots, cases[i].d == COLDCHAIN_DISCARD);
		assert_string_equal(v.staff, cases[i].staff);
		assert_string_equal(v.note, cases[i].note ? cases[i].note : "");
	}
	enum coldchain_decision d = COLDCHAIN_DECISION_COUNT;
	assert_int_equal(coldchain_decision_from_name("discard", &d), VB_OK);
	assert_int_equal(d, COLDCHAIN_DISCARD);
	assert_int_equal(coldchain_decision_from_name("release", &d), VB_OK);
	assert_int_equal(d, COLDCHAIN_RELEASE);
	assert_int_equal(coldchain_decision_from_name("keep", &d), VB_EINVAL);
	assert_int_equal(coldchain_decision_from_name(NULL, &d), VB_EINVAL);
	assert_string_equal(coldchain_decision_name(COLDCHAIN_DISCARD), "discard");
	assert_null(coldchain_decision_name(COLDCHAIN_DECISION_COUNT));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_defaults),
	    cmocka_unit_test(test_scan),
	    cmocka_unit_test(test_scan_cap),
	    cmocka_unit_test(test_feed_once_per_excursion),
	    cmocka_unit_test(test_feed_order_and_tick),
	    cmocka_unit_test(test_forms_agree),
	    cmocka_unit_test(test_decide),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
