/*
 * schedule: what the default catalog does not exercise, on a catalog built
 * in C: bad arguments, maxima counted from the previous dose and in
 * months, a maximum age, substitution that is listed one way only, age
 * limits of substitutes, first doses across products with other age
 * ranges, 29 February birthdays, unknown and repeated ids on board, the
 * order of the refusals. The table over the shipped catalog is in
 * tests/unit/app/test_schedule_catalog.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "catalog.h"
#include "schedule.h"
#include "vb_error.h"
#include "vbdate.h"
#include "test_catalog.h"

static int32_t day(const char *s)
{
	int32_t d = 0;
	assert_int_equal(vbdate_parse(s, &d), VB_OK);
	return d;
}

static void base(struct catalog_product *p, const char *id, enum catalog_type type, int doses)
{
	memset(p, 0, sizeof(*p));
	test_catalog_product(p, id, "", "J07BN03");
	strcpy(p->name.zh, id);
	p->maker = p->name;
	p->holder = p->name;
	p->type = type;
	p->n_doses = doses;
}

/*
 * x: inactivated, 2 doses (>= 21 d, <= 56 d after the 1st, warn 7), 18+,
 *    assessment from 60, lists y as a substitute;
 * y: inactivated, 2 doses, 18..59, lists nothing;
 * p: protein subunit, 3 doses: 2nd 14..30 days after the 1st (warn 5), 3rd
 *    >= 30 days after the 2nd and within 2 months of it (warn 10);
 * k: vector, 1 dose, ages 3..17.
 */
static struct catalog *fixture(void)
{
	struct catalog *cat = catalog_new(4);
	struct catalog_product *x, *y, *p, *k;

	assert_non_null(cat);
	strcpy(cat->id, "sched-test");
	x = &cat->products[0];
	y = &cat->products[1];
	p = &cat->products[2];
	k = &cat->products[3];
	base(x, "x", CATALOG_TYPE_INACTIVATED, 2);
	x->doses[1] = (struct catalog_dose){21, CATALOG_ANCHOR_FIRST, CATALOG_UNIT_DAYS, 56, 7};
	x->assessment_from_age = 60;
	strcpy(x->substitutes[0], "y");
	x->n_substitutes = 1;
	base(y, "y", CATALOG_TYPE_INACTIVATED, 2);
	y->doses[1] = x->doses[1];
	y->max_age_years = 59;
	base(p, "p", CATALOG_TYPE_PROTEIN_SUBUNIT, 3);
	p->doses[1] = (struct catalog_dose){14, CATALOG_ANCHOR_PREVIOUS, CATALOG_UNIT_DAYS, 30, 5};
	p->doses[2] =
	    (struct catalog_dose){30, CATALOG_ANCHOR_PREVIOUS, CATALOG_UNIT_MONTHS, 2, 10};
	base(k, "k", CATALOG_TYPE_ADENOVIRUS_VECTOR, 1);
	k->min_age_years = 3;
	k->max_age_years = 17;
	assert_int_equal(catalog_check(cat, NULL), VB_OK);
	return cat;
}

static struct schedule_dose dose(const char *product, const char *date)
{
	struct schedule_dose d;

	memset(&d, 0, sizeof(d));
	strcpy(d.product, product);
	d.date = day(date);
	return d;
}

static const int32_t ADULT = 3652; /* 1980-01-01 */

static void test_bad_arguments(void **state)
{
	(void)state;
	struct catalog *cat = fixture();
	struct schedule_dose h[SCHEDULE_MAX_HISTORY + 1];
	struct schedule_dose bad = dose("x", "2021-03-01");
	const char *avail[] = {"x", NULL};
	struct schedule_decision out, blank;
	int32_t today = day("2021-06-01");

	for (size_t i = 0; i < SCHEDULE_MAX_HISTORY + 1; i++)
		h[i] = dose("x", "2021-03-01");
	memset(&out, 0x5a, sizeof(out));
	blank = out;
	memset(bad.product, 'x', sizeof(bad.product)); /* no NUL */
	assert_int_equal(schedule_decide(NULL, ADULT, h, 1, NULL, 0, today, &out), VB_EINVAL);
	assert_int_equal(schedule_decide(cat, ADULT, h, 1, NULL, 0, today, NULL), VB_EINVAL);
	assert_int_equal(schedule_decide(cat, ADULT, NULL, 1, NULL, 0, today, &out), VB_EINVAL);
	assert_int_equal(schedule_decide(cat, ADULT, h, 1, NULL, 1, today, &out), VB_EINVAL);
	assert_int_equal(schedule_decide(cat, ADULT, h, 1, avail, 2, today, &out), VB_EINVAL);
	assert_int_equal(schedule_decide(cat, VBDATE_NONE, h, 1, NULL, 0, today, &out), VB_EINVAL);
	assert_int_equal(schedule_decide(cat, ADULT, h, 1, NULL, 0, VBDATE_NONE, &out), VB_EINVAL);
	assert_int_equal(schedule_decide(cat, today + 1, NULL, 0, NULL, 0, today, &out), VB_EINVAL);
	assert_int_equal(schedule_decide(cat, ADULT, &bad, 1, NULL, 0, today, &out), VB_EINVAL);
	bad = dose("x", "2021-03-01");
	bad.date = VBDATE_NONE;
	assert_int_equal(schedule_decide(cat, ADULT, &bad, 1, NULL, 0, today, &out), VB_EINVAL);
	assert_int_equal(
	    schedule_decide(cat, ADULT, h, SCHEDULE_MAX_HISTORY + 1, NULL, 0, today, &out),
	    VB_EINVAL);
	/* Dates outside 1800..9999 (no overflow in date sums). */
	bad = dose("x", "2021-03-01");
	bad.date = INT32_MAX;
	assert_int_equal(schedule_decide(cat, ADULT, &bad, 1, NULL, 0, INT32_MAX, &out), VB_EINVAL);
	assert_int_equal(schedule_decide(cat, day("1800-01-01") - 1, NULL, 0, NULL, 0, today, &out),
			 VB_EINVAL);
	assert_int_equal(schedule_decide(cat, ADULT, NULL, 0, NULL, 0, day("9999-12-31") + 1, &out),
			 VB_EINVAL);
	assert_memory_equal(&out, &blank, sizeof(out)); /* untouched */
	assert_int_equal(schedule_decide(cat, day("1800-01-01"), NULL, 0, NULL, 0, today, &out),
			 VB_OK);

	/* The cap itself is accepted: 64 records of one day are one dose. */
	assert_int_equal(
	    schedule_decide(cat, ADULT, h, SCHEDULE_MAX_HISTORY, NULL, 0, day("2021-03-22"), &out),
	    VB_OK);
	assert_int_equal(out.dose_number, 2);
	/* An empty list with a pointer means "any product". */
	assert_int_equal(schedule_decide(cat, ADULT, NULL, 0, avail, 0, today, &out), VB_OK);
	assert_int_equal(out.n_allowed, 3);
	catalog_free(cat);
}

static void test_first_dose_choice(void **state)
{
	(void)state;
	struct catalog *cat = fixture();
	const char *avail[] = {"nope", "p", "x", "p", "k"};
	struct schedule_decision out;
	int32_t today = day("2021-06-01");

	assert_int_equal(schedule_decide(cat, ADULT, NULL, 0, avail, 5, today, &out), VB_OK);
	assert_int_equal(out.due, 1);
	assert_string_equal(out.product, "p"); /* "nope" unknown, ignored */
	assert_string_equal(out.series_product, "");
	assert_int_equal(out.n_allowed, 2); /* p once; k is for children */
	assert_string_equal(out.allowed[0], "p");
	assert_string_equal(out.allowed[1], "x");
	assert_int_equal(out.dose_number, 1);
	assert_int_equal(out.series_doses, 3);
	assert_int_equal(out.earliest, today);
	assert_int_equal(out.latest, VBDATE_NONE);
	assert_string_equal(schedule_colour_name(out.colour), "blue");
	assert_null(out.why.code);

	/* A child of 10: only k. */
	assert_int_equal(schedule_decide(cat, day("2011-01-01"), NULL, 0, NULL, 0, today, &out),
			 VB_OK);
	assert_string_equal(out.product, "k");
	assert_int_equal(out.n_allowed, 1);
	catalog_free(cat);
}

static void test_first_dose_refusals(void **state)
{
	(void)state;
	struct catalog *cat = fixture();
	const char *adult_only[] = {"x"};
	struct schedule_decision out;
	int32_t today = day("2021-06-01");

	/* Age 2: below every product; eligible on the 3rd birthday (k). */
	assert_int_equal(schedule_decide(cat, day("2019-02-01"), NULL, 0, NULL, 0, today, &out),
			 VB_EREFUSED);
	assert_string_equal(out.why.code, "too_young");
	assert_int_equal(out.earliest, day("2022-02-01"));
	assert_int_equal(out.due, 0);
	assert_int_equal(out.n_allowed, 0);
	assert_string_equal(out.product, "");
	assert_string_equal(schedule_colour_name(out.colour), "none");

	/* Age 17: k would do but is not on board. */
	assert_int_equal(
	    schedule_decide(cat, day("2004-01-01"), NULL, 0, adult_only, 1, today, &out),
	    VB_EREFUSED);
	assert_string_equal(out.why.code, "no_product_available");
	assert_string_equal(out.why.text,
			    "no product on board may be given as a first dose at age 17");

	/* Every product has a maximum age: age 70 is too old. */
	cat->products[0].max_age_years = 69;
	cat->products[0].assessment_from_age = 60;
	cat->products[2].max_age_years = 69;
	assert_int_equal(catalog_check(cat, NULL), VB_OK);
	assert_int_equal(schedule_decide(cat, day("1951-01-01"), NULL, 0, NULL, 0, today, &out),
			 VB_EREFUSED);
	assert_string_equal(out.why.code, "too_old");
	assert_int_equal(out.earliest, VBDATE_NONE);
	catalog_free(cat);
}

static void test_leap_birthday(void **state)
{
	(void)state;
	struct catalog *cat = fixture();
	const char *avail[] = {"x"};
	struct schedule_decision out;
	int32_t birth = day("2004-02-29");

	cat->n_products = 3; /* without k, which takes a 17-year-old */

	assert_int_equal(schedule_decide(cat, birth, NULL, 0, avail, 1, day("2022-02-28"), &out),
			 VB_EREFUSED);
	assert_string_equal(out.why.code, "too_young");
	assert_int_equal(out.earliest, day("2022-03-01"));
	assert_int_equal(schedule_decide(cat, birth, NULL, 0, avail, 1, day("2022-03-01"), &out),
			 VB_OK);
	catalog_free(cat);
}

/* p: maxima counted from the previous dose, in days and in months. */
static void test_previous_anchor(void **state)
{
	(void)state;
	struct catalog *cat = fixture();
	struct schedule_dose h[2] = {dose("p", "2021-01-10"), dose("p", "2021-01-30")};
	static const struct {
		size_t n_history;
		const char *today;
		int rc;
		const char *colour;
	} cases[] = {
	    /* dose 2: 2021-01-24 .. 2021-02-09 (30 days after the 1st), yellow from 02-04 */
	    {1, "2021-01-23", VB_EREFUSED, "none"},
	    {1, "2021-01-24", VB_OK, "blue"},
	    {1, "2021-02-03", VB_OK, "blue"},
	    {1, "2021-02-04", VB_OK, "yellow"},
	    {1, "2021-02-09", VB_OK, "yellow"},
	    {1, "2021-02-10", VB_OK, "red"},
	    /* dose 3: from 2021-03-01 (30 days after 01-30) to 2021-03-30 (2 calendar
	     * months after 01-30), yellow from 03-20 */
	    {2, "2021-02-28", VB_EREFUSED, "none"},
	    {2, "2021-03-01", VB_OK, "blue"},
	    {2, "2021-03-19", VB_OK, "blue"},
	    {2, "2021-03-20", VB_OK, "yellow"},
	    {2, "2021-03-30", VB_OK, "yellow"},
	    {2, "2021-03-31", VB_OK, "red"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct schedule_decision out;
		int rc = schedule_decide(cat, ADULT, h, cases[i].n_history, NULL, 0,
					 day(cases[i].today), &out);
		assert_int_equal(rc, cases[i].rc);
		assert_string_equal(schedule_colour_name(out.colour), cases[i].colour);
		assert_int_equal(out.dose_number, (int)cases[i].n_history + 1);
		assert_int_equal(out.earliest,
				 day(cases[i].n_history == 1 ? "2021-01-24" : "2021-03-01"));
		assert_int_equal(out.latest,
				 day(cases[i].n_history == 1 ? "2021-02-09" : "2021-03-30"));
		if (rc)
			assert_string_equal(out.why.code, "too_early");
	}
	catalog_free(cat);
}

static void test_substitution(void **state)
{
	(void)state;
	struct catalog *cat = fixture();
	struct schedule_dose hx = dose("x", "2021-03-01"), hy = dose("y", "2021-03-01");
	struct schedule_dose mix[2] = {dose("y", "2021-03-01"), dose("x", "2021-03-25")};
	const char *only_y[] = {"y"}, *only_x[] = {"x"};
	struct schedule_decision out;
	int32_t today = day("2021-04-01");

	/* x lists y: y continues an x series. */
	assert_int_equal(schedule_decide(cat, ADULT, &hx, 1, only_y, 1, today, &out), VB_OK);
	assert_string_equal(out.product, "y");
	assert_string_equal(out.series_product, "x");
	/* y lists nothing: x may not continue a y series. */
	assert_int_equal(schedule_decide(cat, ADULT, &hy, 1, only_x, 1, today, &out), VB_EREFUSED);
	assert_string_equal(out.why.code, "mix_not_allowed");
	assert_string_equal(out.why.text,
			    "dose 2: y is not on board and no product allowed to continue its "
			    "series is");
	assert_int_equal(out.dose_number, 2); /* known, though refused */
	assert_int_equal(schedule_decide(cat, ADULT, mix, 2, NULL, 0, today, &out), VB_EREFUSED);
	assert_string_equal(out.why.code, "mix_not_allowed");
	assert_string_equal(out.why.text, "a recorded dose of x may not continue a series begun "
					  "with y");
	/* The substitute's own age range applies: y stops at 59. */
	assert_int_equal(schedule_decide(cat, day("1960-01-01"), &hx, 1, only_y, 1, today, &out),
			 VB_EREFUSED);
	assert_string_equal(out.why.code, "mix_not_allowed");
	catalog_free(cat);
}

static void test_age_within_series(void **state)
{
	(void)state;
	struct catalog *cat = fixture();
	struct schedule_dose hy = dose("y", "2021-03-01");
	struct schedule_decision out;

	/* Turned 60 after the first dose of y (18..59): too old for dose 2. */
	assert_int_equal(
	    schedule_decide(cat, day("1961-03-10"), &hy, 1, NULL, 0, day("2021-03-25"), &out),
	    VB_EREFUSED);
	assert_string_equal(out.why.code, "too_old");
	assert_string_equal(out.why.text, "age 60 is above the maximum age 59 of y");
	assert_string_equal(out.series_product, "y");
	/* Too young for the series' product (a record of a dose given too young). */
	assert_int_equal(
	    schedule_decide(cat, day("2003-04-01"), &hy, 1, NULL, 0, day("2021-03-25"), &out),
	    VB_EREFUSED);
	assert_string_equal(out.why.code, "too_young");
	assert_int_equal(out.earliest, day("2021-04-01")); /* later than 03-22 */
	catalog_free(cat);
}

static void test_assessment(void **state)
{
	(void)state;
	struct catalog *cat = fixture();
	const char *pref_y[] = {"y", "x"};
	struct schedule_dose hx = dose("x", "2021-03-01");
	struct schedule_decision out;
	int32_t today = day("2021-04-01");

	/* 59: y first (no assessment age), 60: y is out, x needs assessment. */
	assert_int_equal(schedule_decide(cat, day("1961-04-02"), NULL, 0, pref_y, 2, today, &out),
			 VB_OK);
	assert_string_equal(out.product, "y");
	assert_int_equal(out.needs_assessment, 0);
	assert_int_equal(schedule_decide(cat, day("1961-04-01"), NULL, 0, pref_y, 2, today, &out),
			 VB_OK);
	assert_string_equal(out.product, "x");
	assert_int_equal(out.needs_assessment, 1);
	/* Dose 2 of an x series at 59: x itself though y is preferred on board,
	 * and only x (a substitute only when the series' product is not on
	 * board); no assessment before 60. */
	assert_int_equal(schedule_decide(cat, day("1961-04-02"), &hx, 1, pref_y, 2, today, &out),
			 VB_OK);
	assert_string_equal(out.product, "x");
	assert_int_equal(out.n_allowed, 1);
	assert_string_equal(out.allowed[0], "x");
	assert_int_equal(out.needs_assessment, 0);
	catalog_free(cat);
}

static void test_refusal_order(void **state)
{
	(void)state;
	struct catalog *cat = fixture();
	struct schedule_decision out;
	int32_t today = day("2021-04-01");
	struct schedule_dose both[2] = {dose("zz", "2021-03-01"), dose("x", "2021-04-02")};

	/* future_dose before unknown_product. */
	assert_int_equal(schedule_decide(cat, ADULT, both, 2, NULL, 0, today, &out), VB_EREFUSED);
	assert_string_equal(out.why.code, "future_dose");
	assert_string_equal(out.why.text, "a recorded dose of x is dated 2021-04-02, after today");
	both[1].date = day("2021-03-25");
	assert_int_equal(schedule_decide(cat, ADULT, both, 2, NULL, 0, today, &out), VB_EREFUSED);
	assert_string_equal(out.why.code, "unknown_product");
	assert_string_equal(out.why.text,
			    "a recorded dose names product 'zz', which is not in the catalog");
	catalog_free(cat);
}

static void test_colour_names(void **state)
{
	(void)state;
	assert_string_equal(schedule_colour_name(SCHEDULE_COLOUR_NONE), "none");
	assert_string_equal(schedule_colour_name(SCHEDULE_COLOUR_BLUE), "blue");
	assert_string_equal(schedule_colour_name(SCHEDULE_COLOUR_YELLOW), "yellow");
	assert_string_equal(schedule_colour_name(SCHEDULE_COLOUR_RED), "red");
	assert_string_equal(schedule_colour_name((enum schedule_colour)9), "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_bad_arguments),	cmocka_unit_test(test_first_dose_choice),
	    cmocka_unit_test(test_first_dose_refusals), cmocka_unit_test(test_leap_birthday),
	    cmocka_unit_test(test_previous_anchor),	cmocka_unit_test(test_substitution),
	    cmocka_unit_test(test_age_within_series),	cmocka_unit_test(test_assessment),
	    cmocka_unit_test(test_refusal_order),	cmocka_unit_test(test_colour_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
