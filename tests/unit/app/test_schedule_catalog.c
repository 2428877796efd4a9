/*
 * schedule over the shipped catalog ($VB_ASSETS_DIR/vaccines/
 * covid19-cn-2021.json), so the data is what is tested: one table row per
 * refusal code and per boundary (the day before, at and after each minimum
 * and maximum interval, the warning threshold, 17 years 364 days against
 * 18 years, the assessment age), substitution allowed and refused, history
 * out of order and two records on one day; then every product's full
 * series walked to the end.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "catalog.h"
#include "catalog_file.h"
#include "schedule.h"
#include "vb_error.h"
#include "vbdate.h"

static int32_t day(const char *s)
{
	int32_t d = 0;

	if (!s || !s[0])
		return VBDATE_NONE;
	assert_int_equal(vbdate_parse(s, &d), VB_OK);
	return d;
}

static int setup(void **state)
{
	const char *dir = getenv("VB_ASSETS_DIR");
	char path[512], err[256];
	struct catalog *cat = NULL;

	assert_non_null(dir);
	snprintf(path, sizeof(path), "%s/vaccines/covid19-cn-2021.json", dir);
	if (catalog_file_load(path, &cat, err, sizeof(err))) {
		print_error("%s\n", err);
		return -1;
	}
	*state = cat;
	return 0;
}

static int teardown(void **state)
{
	catalog_free(*state);
	return 0;
}

#define ADULT "1980-05-10" /* 40 or 41 in 2021 */
#define ALL   "bbibp-corv,wibp-corv,coronavac,kconvac,ad5-ncov,zf2001"

struct row {
	const char *what;
	const char *birth;
	struct {
		const char *product, *date;
	} history[4];
	const char *available[4]; /* none: every product */
	const char *today;
	/* expected */
	const char *code; /* NULL: due */
	const char *product;
	int dose;
	const char *colour;
	const char *earliest; /* "": VBDATE_NONE */
	const char *latest;
	int assessment;
	const char *allowed; /* comma-separated */
};

#define BB(date)                                                                                   \
	{                                                                                          \
		"bbibp-corv", date                                                                 \
	}
#define ZF(date)                                                                                   \
	{                                                                                          \
		"zf2001", date                                                                     \
	}
#define D1	   "2021-03-01"
#define ZF3_LATEST "2021-09-01" /* 6 months after D1 */

static const struct row rows[] = {
    /* A first dose: the first eligible product on board. */
    {"first dose, any product",
     ADULT,
     {{0}},
     {0},
     D1,
     NULL,
     "bbibp-corv",
     1,
     "blue",
     D1,
     "",
     0,
     ALL},
    {"first dose, preference on board",
     ADULT,
     {{0}},
     {"zf2001", "coronavac"},
     D1,
     NULL,
     "zf2001",
     1,
     "blue",
     D1,
     "",
     0,
     "zf2001,coronavac"},
    /* Ages: 17 years 364 days, 18 years; assessment from 60. */
    {"17y364d", "2003-03-02", {{0}}, {0}, D1, "too_young", "", 1, "none", "2021-03-02", "", 0, ""},
    {"18y", "2003-03-01", {{0}}, {0}, D1, NULL, "bbibp-corv", 1, "blue", D1, "", 0, ALL},
    {"59y364d", "1961-03-02", {{0}}, {0}, D1, NULL, "bbibp-corv", 1, "blue", D1, "", 0, ALL},
    {"60y: assessment",
     "1961-03-01",
     {{0}},
     {0},
     D1,
     NULL,
     "bbibp-corv",
     1,
     "blue",
     D1,
     "",
     1,
     ALL},
    {"90y: assessment",
     "1931-01-01",
     {BB(D1)},
     {0},
     "2021-03-22",
     NULL,
     "bbibp-corv",
     2,
     "blue",
     "2021-03-22",
     "2021-04-26",
     1,
     "bbibp-corv"},
    /* Inactivated dose 2: >= 21 days (03-22), <= 56 days after the 1st (04-26),
     * yellow from 7 days before (04-19). */
    {"bbibp d2: min - 1",
     ADULT,
     {BB(D1)},
     {0},
     "2021-03-21",
     "too_early",
     "",
     2,
     "none",
     "2021-03-22",
     "2021-04-26",
     0,
     ""},
    {"bbibp d2: min",
     ADULT,
     {BB(D1)},
     {0},
     "2021-03-22",
     NULL,
     "bbibp-corv",
     2,
     "blue",
     "2021-03-22",
     "2021-04-26",
     0,
     "bbibp-corv"},
    {"bbibp d2: min + 1",
     ADULT,
     {BB(D1)},
     {0},
     "2021-03-23",
     NULL,
     "bbibp-corv",
     2,
     "blue",
     "2021-03-22",
     "2021-04-26",
     0,
     "bbibp-corv"},
    {"bbibp d2: warn - 1",
     ADULT,
     {BB(D1)},
     {0},
     "2021-04-18",
     NULL,
     "bbibp-corv",
     2,
     "blue",
     "2021-03-22",
     "2021-04-26",
     0,
     "bbibp-corv"},
    {"bbibp d2: warn",
     ADULT,
     {BB(D1)},
     {0},
     "2021-04-19",
     NULL,
     "bbibp-corv",
     2,
     "yellow",
     "2021-03-22",
     "2021-04-26",
     0,
     "bbibp-corv"},
    {"bbibp d2: max - 1",
     ADULT,
     {BB(D1)},
     {0},
     "2021-04-25",
     NULL,
     "bbibp-corv",
     2,
     "yellow",
     "2021-03-22",
     "2021-04-26",
     0,
     "bbibp-corv"},
    {"bbibp d2: max",
     ADULT,
     {BB(D1)},
     {0},
     "2021-04-26",
     NULL,
     "bbibp-corv",
     2,
     "yellow",
     "2021-03-22",
     "2021-04-26",
     0,
     "bbibp-corv"},
    {"bbibp d2: max + 1 (late, still given)",
     ADULT,
     {BB(D1)},
     {0},
     "2021-04-27",
     NULL,
     "bbibp-corv",
     2,
     "red",
     "2021-03-22",
     "2021-04-26",
     0,
     "bbibp-corv"},
    {"bbibp d2: a year late",
     ADULT,
     {BB(D1)},
     {0},
     "2022-03-01",
     NULL,
     "bbibp-corv",
     2,
     "red",
     "2021-03-22",
     "2021-04-26",
     0,
     "bbibp-corv"},
    /* ZF2001 dose 2: >= 28 days (03-29), <= 56 days after the 1st (04-26). */
    {"zf2001 d2: min - 1",
     ADULT,
     {ZF(D1)},
     {0},
     "2021-03-28",
     "too_early",
     "",
     2,
     "none",
     "2021-03-29",
     "2021-04-26",
     0,
     ""},
    {"zf2001 d2: min",
     ADULT,
     {ZF(D1)},
     {0},
     "2021-03-29",
     NULL,
     "zf2001",
     2,
     "blue",
     "2021-03-29",
     "2021-04-26",
     0,
     "zf2001"},
    {"zf2001 d2: max + 1",
     ADULT,
     {ZF(D1)},
     {0},
     "2021-04-27",
     NULL,
     "zf2001",
     2,
     "red",
     "2021-03-29",
     "2021-04-26",
     0,
     "zf2001"},
    /* ZF2001 dose 3: >= 28 days after the 2nd (04-10 -> 05-08), within 6 months
     * of the 1st (09-01, not 6 months after the 2nd), yellow from 08-25. */
    {"zf2001 d3: min - 1",
     ADULT,
     {ZF(D1), ZF("2021-04-10")},
     {0},
     "2021-05-07",
     "too_early",
     "",
     3,
     "none",
     "2021-05-08",
     ZF3_LATEST,
     0,
     ""},
    {"zf2001 d3: min",
     ADULT,
     {ZF(D1), ZF("2021-04-10")},
     {0},
     "2021-05-08",
     NULL,
     "zf2001",
     3,
     "blue",
     "2021-05-08",
     ZF3_LATEST,
     0,
     "zf2001"},
    {"zf2001 d3: warn - 1",
     ADULT,
     {ZF(D1), ZF("2021-04-10")},
     {0},
     "2021-08-24",
     NULL,
     "zf2001",
     3,
     "blue",
     "2021-05-08",
     ZF3_LATEST,
     0,
     "zf2001"},
    {"zf2001 d3: warn",
     ADULT,
     {ZF(D1), ZF("2021-04-10")},
     {0},
     "2021-08-25",
     NULL,
     "zf2001",
     3,
     "yellow",
     "2021-05-08",
     ZF3_LATEST,
     0,
     "zf2001"},
    {"zf2001 d3: max",
     ADULT,
     {ZF(D1), ZF("2021-04-10")},
     {0},
     ZF3_LATEST,
     NULL,
     "zf2001",
     3,
     "yellow",
     "2021-05-08",
     ZF3_LATEST,
     0,
     "zf2001"},
    {"zf2001 d3: max + 1, counted from the 1st",
     ADULT,
     {ZF(D1), ZF("2021-04-10")},
     {0},
     "2021-09-02",
     NULL,
     "zf2001",
     3,
     "red",
     "2021-05-08",
     ZF3_LATEST,
     0,
     "zf2001"},
    {"zf2001 d3 after a late 2nd: overdue at once",
     ADULT,
     {ZF(D1), ZF("2021-08-20")},
     {0},
     "2021-09-17",
     NULL,
     "zf2001",
     3,
     "red",
     "2021-09-17",
     ZF3_LATEST,
     0,
     "zf2001"},
    /* Substitution within the type, only when listed. */
    {"series product not on board: substitute",
     ADULT,
     {BB(D1)},
     {"ad5-ncov", "coronavac"},
     "2021-03-22",
     NULL,
     "coronavac",
     2,
     "blue",
     "2021-03-22",
     "2021-04-26",
     0,
     "coronavac"},
    {"series product on board wins",
     ADULT,
     {BB(D1)},
     {"kconvac", "zf2001", "bbibp-corv"},
     "2021-03-22",
     NULL,
     "bbibp-corv",
     2,
     "blue",
     "2021-03-22",
     "2021-04-26",
     0,
     "bbibp-corv"},
    {"no allowed substitute on board",
     ADULT,
     {BB(D1)},
     {"ad5-ncov", "zf2001"},
     "2021-03-22",
     "mix_not_allowed",
     "",
     2,
     "none",
     "2021-03-22",
     "2021-04-26",
     0,
     ""},
    {"zf2001 has no substitute",
     ADULT,
     {ZF(D1)},
     {"coronavac"},
     "2021-03-29",
     "mix_not_allowed",
     "",
     2,
     "none",
     "2021-03-29",
     "2021-04-26",
     0,
     ""},
    {"history mixes types",
     ADULT,
     {{"coronavac", D1}, ZF("2021-03-29")},
     {0},
     "2021-05-01",
     "mix_not_allowed",
     "",
     0,
     "none",
     "",
     "",
     0,
     ""},
    {"history mixes inactivated makers",
     ADULT,
     {BB(D1), {"wibp-corv", "2021-03-22"}},
     {0},
     "2021-05-01",
     "series_complete",
     "",
     0,
     "none",
     "",
     "",
     0,
     ""},
    /* Order and duplicates. */
    {"history out of order",
     ADULT,
     {ZF("2021-04-10"), ZF(D1)},
     {0},
     "2021-05-08",
     NULL,
     "zf2001",
     3,
     "blue",
     "2021-05-08",
     ZF3_LATEST,
     0,
     "zf2001"},
    {"out of order, series product = earliest",
     ADULT,
     {{"coronavac", "2021-03-22"}, BB(D1)},
     {0},
     "2021-05-01",
     "series_complete",
     "",
     0,
     "none",
     "",
     "",
     0,
     ""},
    {"two records on one day are one dose",
     ADULT,
     {BB(D1), BB(D1)},
     {0},
     "2021-03-22",
     NULL,
     "bbibp-corv",
     2,
     "blue",
     "2021-03-22",
     "2021-04-26",
     0,
     "bbibp-corv"},
    {"two products on one day",
     ADULT,
     {{"coronavac", D1}, BB(D1)},
     {0},
     "2021-03-21",
     "too_early",
     "",
     2,
     "none",
     "2021-03-22",
     "2021-04-26",
     0,
     ""},
    /* Other refusals. */
    {"series complete",
     ADULT,
     {BB(D1), BB("2021-03-22")},
     {0},
     "2021-06-01",
     "series_complete",
     "",
     0,
     "none",
     "",
     "",
     0,
     ""},
    {"convidecia: one dose",
     ADULT,
     {{"ad5-ncov", D1}},
     {0},
     "2021-06-01",
     "series_complete",
     "",
     0,
     "none",
     "",
     "",
     0,
     ""},
    {"unknown product",
     ADULT,
     {{"sputnik-v", D1}},
     {0},
     "2021-06-01",
     "unknown_product",
     "",
     0,
     "none",
     "",
     "",
     0,
     ""},
    {"future dose",
     ADULT,
     {BB("2021-06-02")},
     {0},
     "2021-06-01",
     "future_dose",
     "",
     0,
     "none",
     "",
     "",
     0,
     ""},
    {"nothing eligible on board",
     ADULT,
     {{0}},
     {"sputnik-v"},
     D1,
     "no_product_available",
     "",
     1,
     "none",
     "",
     "",
     0,
     ""},
};

static void join(const struct schedule_decision *d, char *out, size_t cap)
{
	out[0] = '\0';
	for (size_t i = 0; i < d->n_allowed; i++) {
		if (i)
			strncat(out, ",", cap - strlen(out) - 1);
		strncat(out, d->allowed[i], cap - strlen(out) - 1);
	}
}

static void test_table(void **state)
{
	const struct catalog *cat = *state;

	for (size_t r = 0; r < sizeof(rows) / sizeof(rows[0]); r++) {
		const struct row *w = &rows[r];
		struct schedule_dose h[4];
		size_t nh = 0, na = 0;
		struct schedule_decision out;
		char allowed[512];
		int rc;

		print_message("row: %s\n", w->what);
		for (; nh < 4 && w->history[nh].product; nh++) {
			memset(&h[nh], 0, sizeof(h[nh]));
			strcpy(h[nh].product, w->history[nh].product);
			h[nh].date = day(w->history[nh].date);
		}
		while (na < 4 && w->available[na])
			na++;
		rc = schedule_decide(cat, day(w->birth), h, nh, na ? w->available : NULL, na,
				     day(w->today), &out);
		assert_int_equal(rc, w->code ? VB_EREFUSED : VB_OK);
		if (w->code) {
			assert_non_null(out.why.code);
			assert_string_equal(out.why.code, w->code);
			assert_true(out.why.text[0]);
		} else {
			assert_null(out.why.code);
		}
		assert_int_equal(out.due, !w->code);
		assert_string_equal(out.product, w->product);
		assert_int_equal(out.dose_number, w->dose);
		assert_string_equal(schedule_colour_name(out.colour), w->colour);
		assert_int_equal(out.earliest, day(w->earliest));
		assert_int_equal(out.latest, day(w->latest));
		assert_int_equal(out.needs_assessment, w->assessment);
		join(&out, allowed, sizeof(allowed));
		assert_string_equal(allowed, w->allowed);
	}
}

static void test_reason_texts(void **state)
{
	const struct catalog *cat = *state;
	struct schedule_dose h = {"bbibp-corv", 0};
	struct schedule_decision out;

	h.date = day(D1);
	assert_int_equal(schedule_decide(cat, day(ADULT), &h, 1, NULL, 0, day("2021-03-21"), &out),
			 VB_EREFUSED);
	assert_string_equal(out.why.text, "dose 2 of bbibp-corv may be given from 2021-03-22 (21 "
					  "days after the previous dose)");
	assert_int_equal(schedule_decide(cat, day(ADULT), &h, 1, NULL, 0, day("2021-06-01"), &out),
			 VB_OK);
	h.date = day("2021-03-22");
	{
		struct schedule_dose two[2] = {{"bbibp-corv", 0}, h};
		two[0].date = day(D1);
		assert_int_equal(
		    schedule_decide(cat, day(ADULT), two, 2, NULL, 0, day("2021-06-01"), &out),
		    VB_EREFUSED);
		assert_string_equal(out.why.text,
				    "all 2 doses of the bbibp-corv series have been given");
		assert_int_equal(out.series_doses, 2);
		assert_string_equal(out.series_product, "bbibp-corv");
	}
	assert_int_equal(schedule_decide(cat, day("2003-03-02"), NULL, 0, NULL, 0, day(D1), &out),
			 VB_EREFUSED);
	assert_string_equal(out.why.text,
			    "age 17 is below the minimum age of every product in the catalog");
}

/* Every shipped product, alone on board, from dose 1 to the end. */
static void test_full_series(void **state)
{
	const struct catalog *cat = *state;
	static const struct {
		const char *id;
		int doses;
	} products[] = {{"bbibp-corv", 2}, {"wibp-corv", 2}, {"coronavac", 2},
			{"kconvac", 2},	   {"ad5-ncov", 1},  {"zf2001", 3}};

	assert_int_equal(cat->n_products, 6);
	for (size_t i = 0; i < sizeof(products) / sizeof(products[0]); i++) {
		const char *avail[] = {products[i].id};
		struct schedule_dose h[4];
		struct schedule_decision out;
		int32_t today = day(D1);
		size_t n = 0;

		for (;;) {
			int rc = schedule_decide(cat, day(ADULT), h, n, avail, 1, today, &out);
			if (rc == VB_EREFUSED && !strcmp(out.why.code, "too_early")) {
				assert_true(out.earliest > today);
				today = out.earliest; /* come back on the day shown */
				continue;
			}
			if (rc == VB_EREFUSED)
				break;
			assert_int_equal(rc, VB_OK);
			assert_int_equal(out.dose_number, (int)n + 1);
			assert_int_equal(out.series_doses, products[i].doses);
			assert_string_equal(out.product, products[i].id);
			assert_string_equal(schedule_colour_name(out.colour), "blue");
			assert_true(n < 4);
			memset(&h[n], 0, sizeof(h[n]));
			strcpy(h[n].product, out.product);
			h[n++].date = today;
		}
		assert_string_equal(out.why.code, "series_complete");
		assert_int_equal((int)n, products[i].doses);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_table),
	    cmocka_unit_test(test_reason_texts),
	    cmocka_unit_test(test_full_series),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
