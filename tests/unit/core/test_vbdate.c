/* Civil date arithmetic: round trips, invalid dates, month clamping, ages. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "vb_error.h"
#include "vbdate.h"

static int32_t day(const char *s)
{
	int32_t d = 0;
	assert_int_equal(vbdate_parse(s, &d), VB_OK);
	return d;
}

static void test_known_days(void **state)
{
	(void)state;
	assert_int_equal(day("1970-01-01"), 0);
	assert_int_equal(day("19700102"), 1);
	assert_int_equal(day("2000-03-01"), 11017);
	assert_int_equal(day("1969-12-31"), -1);
}

static void test_round_trip(void **state)
{
	(void)state;
	for (int32_t d = -60000; d < 80000; d += 7) {
		char iso[11], compact[9];
		vbdate_format(d, iso);
		vbdate_format_compact(d, compact);
		assert_int_equal(day(iso), d);
		assert_int_equal(day(compact), d);
	}
}

static void test_invalid(void **state)
{
	(void)state;
	static const char *const bad[] = {"2021-02-29", "2020-02-30", "2021-13-01", "2021-00-10",
					  "2021-04-31", "20210431",   "2021-1-01",  "2021/01/01",
					  "1799-12-31", "",	      "2021010",    "202101011"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int32_t d = 42;
		assert_int_equal(vbdate_parse(bad[i], &d), VB_EINVAL);
		assert_int_equal(d, 42); /* out-param untouched on failure */
	}
	assert_int_equal(day("2020-02-29"), day("2020-02-28") + 1);
}

static void test_add_months(void **state)
{
	(void)state;
	assert_int_equal(vbdate_add_months(day("2021-01-31"), 1), day("2021-02-28"));
	assert_int_equal(vbdate_add_months(day("2020-01-31"), 1), day("2020-02-29"));
	assert_int_equal(vbdate_add_months(day("2021-08-15"), 6), day("2022-02-15"));
	assert_int_equal(vbdate_add_months(day("2021-03-31"), -1), day("2021-02-28"));
}

static void test_age(void **state)
{
	(void)state;
	assert_int_equal(vbdate_age_years(day("2003-06-15"), day("2021-06-14")), 17);
	assert_int_equal(vbdate_age_years(day("2003-06-15"), day("2021-06-15")), 18);
	assert_int_equal(vbdate_age_years(day("2004-02-29"), day("2022-02-28")), 17);
	assert_int_equal(vbdate_age_years(day("2004-02-29"), day("2022-03-01")), 18);
}

static void test_unix(void **state)
{
	(void)state;
	/* 2021-06-01 16:30 UTC is 2021-06-02 00:30 in China (UTC+8). */
	int64_t t = vbdate_to_unix(day("2021-06-01")) + 16 * 3600 + 30 * 60;
	assert_int_equal(vbdate_from_unix(t, 0), day("2021-06-01"));
	assert_int_equal(vbdate_from_unix(t, 480), day("2021-06-02"));
	assert_int_equal(vbdate_from_unix(-1, 0), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_known_days), cmocka_unit_test(test_round_trip),
	    cmocka_unit_test(test_invalid),    cmocka_unit_test(test_add_months),
	    cmocka_unit_test(test_age),	       cmocka_unit_test(test_unix),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
