/* Daily report: a zero-report day, a busy day (counts, reconciliation,
 * the exact text and CSV), CSV quoting, CJK alignment, buffer sizing,
 * limits and malformed records. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "aefi.h"
#include "report.h"
#include "stock.h"
#include "vb_error.h"
#include "vbdate.h"
#include "visit.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

static int32_t day(const char *s)
{
	int32_t d = 0;
	assert_int_equal(vbdate_parse(s, &d), VB_OK);
	return d;
}

static struct aefi mkaefi(enum aefi_severity sev)
{
	struct aefi a;
	memset(&a, 0, sizeof a);
	a.severity = sev;
	return a;
}

/* Formats with an exactly sized buffer after checking the size query,
 * the one-byte-short refusal and that it leaves the buffer untouched. */
static void format_exact(int (*fmt)(const struct report *, char *, size_t, size_t *),
			 const struct report *r, char *out, size_t cap)
{
	size_t need = 0;
	assert_int_equal(fmt(r, NULL, 0, &need), VB_ERANGE);
	assert_true(need > 1 && need <= cap);
	memset(out, '#', cap);
	assert_int_equal(fmt(r, out, need - 1, NULL), VB_ERANGE);
	for (size_t i = 0; i < cap; i++)
		assert_int_equal(out[i], '#');
	size_t need2 = 0;
	assert_int_equal(fmt(r, out, need, &need2), VB_OK);
	assert_int_equal(need2, need);
	assert_int_equal(strlen(out), need - 1);
}

static void test_zero_report(void **state)
{
	(void)state;
	const struct report_visit visits[] = {
	    {VISIT_DEFERRED, "fever"},
	    {VISIT_DEFERRED, "pregnancy"},
	    {VISIT_QUEUED, NULL},
	};
	const struct report_waste waste[] = {{"BBIBP-CorV", 2, STOCK_WASTE_BROKEN}};
	const struct report_stock stock[] = {{"BBIBP-CorV", "L1", 100, 0, 98}};
	const struct report_input in = {.site = "Xiaohe village",
					.date = day("2021-07-01"),
					.visits = visits,
					.n_visits = ARRAY_LEN(visits),
					.waste = waste,
					.n_waste = 1,
					.stock = stock,
					.n_stock = 1};
	struct report r;
	assert_int_equal(report_build(&in, &r, NULL), VB_OK);
	assert_true(r.zero_report);
	assert_int_equal(r.registered, 3);
	assert_int_equal(r.deferred, 2);
	assert_int_equal(r.not_completed, 1);
	assert_int_equal(r.vaccinated, 0);
	assert_int_equal(r.doses_total, 0);
	assert_int_equal(r.max_dose_number, 0);
	assert_int_equal(r.n_products, 1);
	assert_int_equal(r.products[0].unaccounted, 0);
	assert_int_equal(r.wasted_by_reason[STOCK_WASTE_BROKEN], 2);

	char text[2048], csv[2048];
	format_exact(report_format_text, &r, text, sizeof text);
	assert_non_null(strstr(text, "ZERO REPORT: no doses given\n"));
	assert_non_null(strstr(text, "Doses given\n  none\n"));
	format_exact(report_format_csv, &r, csv, sizeof csv);
	assert_non_null(strstr(csv, "\r\nXiaohe village,2021-07-01,zero_report,,,,1\r\n"));
	assert_non_null(strstr(csv, "\r\nXiaohe village,2021-07-01,doses_total,,,,0\r\n"));
	assert_null(strstr(csv, ",doses,"));

	/* an empty day: nothing at all, still a valid zero report */
	const struct report_input empty = {.site = NULL, .date = day("2021-07-02")};
	assert_int_equal(report_build(&empty, &r, NULL), VB_OK);
	assert_true(r.zero_report);
	assert_int_equal(r.n_products, 0);
	format_exact(report_format_text, &r, text, sizeof text);
	assert_non_null(strstr(text, "Stock (doses)\n  none\n"));
	format_exact(report_format_csv, &r, csv, sizeof csv);
	assert_non_null(strstr(csv, "\r\n,2021-07-02,zero_report,,,,1\r\n"));
}

static const struct report_visit busy_visits[] = {
    {VISIT_RELEASED, NULL},    {VISIT_RELEASED, NULL},
    {VISIT_RELEASED, NULL},    {VISIT_OBSERVING, NULL},
    {VISIT_AEFI, NULL},	       {VISIT_VACCINATED, NULL},
    {VISIT_DEFERRED, "fever"}, {VISIT_DEFERRED, "too_early"},
    {VISIT_DEFERRED, "fever"}, {VISIT_DEFERRED, ""},
    {VISIT_CALLED, NULL},
};
static const struct report_dose busy_doses[] = {
    {"CoronaVac", 2, "C1"},  {"BBIBP-CorV", 1, "B1"}, {"BBIBP-CorV", 1, "B1"},
    {"BBIBP-CorV", 2, "B1"}, {"BBIBP-CorV", 1, "B2"}, {"CoronaVac", 1, "C1"},
};
static const struct report_vial busy_vials[] = {
    {"BBIBP-CorV", "B1"}, {"BBIBP-CorV", "B1"}, {"BBIBP-CorV", "B2"},
    {"CoronaVac", "C1"},  {"CoronaVac", "C1"},
};
static const struct report_waste busy_waste[] = {
    {"BBIBP-CorV", 1, STOCK_WASTE_OPEN_VIAL_EXPIRED},
    {"CoronaVac", 1, STOCK_WASTE_BROKEN},
    {"BBIBP-CorV", 2, STOCK_WASTE_BROKEN},
};
static const struct report_stock busy_stock[] = {
    {"BBIBP-CorV", "B1", 40, 0, 35},
    {"BBIBP-CorV", "B2", 20, 10, 29},
    {"CoronaVac", "C1", 10, 0, 6}, /* one dose missing */
};

static void build_busy(struct report *r)
{
	static struct aefi aefis[3];
	aefis[0] = mkaefi(AEFI_MILD);
	aefis[1] = mkaefi(AEFI_MILD);
	aefis[2] = mkaefi(AEFI_SEVERE);
	const struct report_input in = {
	    .site = "Stop 4, Xiaohe",
	    .date = day("2021-07-01"),
	    .visits = busy_visits,
	    .n_visits = ARRAY_LEN(busy_visits),
	    .doses = busy_doses,
	    .n_doses = ARRAY_LEN(busy_doses),
	    .aefis = aefis,
	    .n_aefis = ARRAY_LEN(aefis),
	    .vials = busy_vials,
	    .n_vials = ARRAY_LEN(busy_vials),
	    .waste = busy_waste,
	    .n_waste = ARRAY_LEN(busy_waste),
	    .stock = busy_stock,
	    .n_stock = ARRAY_LEN(busy_stock),
	    .sync = {.pending = 3, .in_flight = 2, .acked = 9, .failed = 1},
	};
	assert_int_equal(report_build(&in, r, NULL), VB_OK);
}

static void test_busy_counts(void **state)
{
	(void)state;
	struct report r;
	build_busy(&r);
	assert_string_equal(r.site, "Stop 4, Xiaohe");
	assert_int_equal(r.registered, 11);
	assert_int_equal(r.vaccinated, 6);
	assert_int_equal(r.deferred, 4);
	assert_int_equal(r.not_completed, 1);
	static const struct {
		const char *code;
		int count;
	} defer[] = {{"fever", 2}, {"too_early", 1}, {"unspecified", 1}};
	assert_int_equal(r.n_defer, ARRAY_LEN(defer));
	for (size_t i = 0; i < ARRAY_LEN(defer); i++) {
		assert_string_equal(r.defer[i].code, defer[i].code);
		assert_int_equal(r.defer[i].count, defer[i].count);
	}
	static const struct {
		const char *name;
		int d1, d2, total, vials, wasted;
		long long start, received, end, unaccounted;
	} prod[] = {
	    {"BBIBP-CorV", 3, 1, 4, 3, 3, 60, 10, 64, -1},
	    {"CoronaVac", 1, 1, 2, 2, 1, 10, 0, 6, 1},
	};
	assert_int_equal(r.n_products, ARRAY_LEN(prod));
	for (size_t i = 0; i < ARRAY_LEN(prod); i++) {
		const struct report_product *p = &r.products[i];
		assert_string_equal(p->name, prod[i].name);
		assert_int_equal(p->doses[0], prod[i].d1);
		assert_int_equal(p->doses[1], prod[i].d2);
		assert_int_equal(p->doses[2], 0);
		assert_int_equal(p->doses_total, prod[i].total);
		assert_int_equal(p->vials_opened, prod[i].vials);
		assert_int_equal(p->wasted, prod[i].wasted);
		assert_int_equal(p->stock_start, prod[i].start);
		assert_int_equal(p->stock_received, prod[i].received);
		assert_int_equal(p->stock_end, prod[i].end);
		assert_int_equal(p->unaccounted, prod[i].unaccounted);
	}
	assert_int_equal(r.max_dose_number, 2);
	assert_int_equal(r.doses_total, 6);
	assert_int_equal(r.aefi[AEFI_MILD], 2);
	assert_int_equal(r.aefi[AEFI_SEVERE], 1);
	assert_int_equal(r.aefi[AEFI_SERIOUS], 0);
	assert_int_equal(r.aefi_total, 3);
	assert_int_equal(r.vials_opened, 5);
	assert_int_equal(r.wasted_total, 4);
	assert_int_equal(r.wasted_by_reason[STOCK_WASTE_BROKEN], 3);
	assert_int_equal(r.wasted_by_reason[STOCK_WASTE_OPEN_VIAL_EXPIRED], 1);
	assert_false(r.zero_report);
	/* the platform reconciliation: in flight is not acknowledged yet */
	assert_int_equal(r.sync_captured, 15);
	assert_int_equal(r.sync_acknowledged, 9);
	assert_int_equal(r.sync_pending, 5);
	assert_int_equal(r.sync_failed, 1);
}

static const char busy_text[] =
    "VAXBUS DAILY REPORT\n"
    "Site: Stop 4, Xiaohe\n"
    "Date: 2021-07-01\n"
    "\n"
    "Visits\n"
    "  Registered                   11\n"
    "  Vaccinated                    6\n"
    "  Deferred                      4\n"
    "    fever                       2\n"
    "    too_early                   1\n"
    "    unspecified                 1\n"
    "  Not completed                 1\n"
    "\n"
    "Doses given\n"
    "  Product      Dose 1   Dose 2    Total\n"
    "  BBIBP-CorV        3        1        4\n"
    "  CoronaVac         1        1        2\n"
    "  Total             4        2        6\n"
    "\n"
    "Stock (doses)\n"
    "  Product       Start Received    Given   Wasted      End Unaccounted Vials opened\n"
    "  BBIBP-CorV       60       10        4        3       64          -1            3\n"
    "  CoronaVac        10        0        2        1        6           1            2\n"
    "  WARNING: BBIBP-CorV: 1 dose(s) more on board than the records explain\n"
    "  WARNING: CoronaVac: 1 dose(s) unaccounted for\n"
    "\n"
    "Wastage (doses)\n"
    "  open_vial_expired             1\n"
    "  broken                        3\n"
    "  Total                         4\n"
    "  Vials opened                  5\n"
    "\n"
    "Adverse events (AEFI)\n"
    "  mild                          2\n"
    "  moderate                      0\n"
    "  severe                        1\n"
    "  serious                       0\n"
    "  Total                         3\n"
    "\n"
    "Platform (records of the day)\n"
    "  Captured                     15\n"
    "  Acknowledged                  9\n"
    "  Pending                       5\n"
    "  Failed                        1\n";

static const char busy_csv[] =
    "site,date,record,product,dose_number,code,value\r\n"
    "\"Stop 4, Xiaohe\",2021-07-01,registered,,,,11\r\n"
    "\"Stop 4, Xiaohe\",2021-07-01,vaccinated,,,,6\r\n"
    "\"Stop 4, Xiaohe\",2021-07-01,deferred,,,,4\r\n"
    "\"Stop 4, Xiaohe\",2021-07-01,deferred_reason,,,fever,2\r\n"
    "\"Stop 4, Xiaohe\",2021-07-01,deferred_reason,,,too_early,1\r\n"
    "\"Stop 4, Xiaohe\",2021-07-01,deferred_reason,,,unspecified,1\r\n"
    "\"Stop 4, Xiaohe\",2021-07-01,not_completed,,,,1\r\n"
    "\"Stop 4, Xiaohe\",2021-07-01,doses,BBIBP-CorV,1,,3\r\n"
    "\"Stop 4, Xiaohe\",2021-07-01,doses,BBIBP-CorV,2,,1\r\n"
    "\"Stop 4, Xiaohe\",2021-07-01,doses,CoronaVac,1,,1\r\n"
    "\"Stop 4, Xiaohe\",2021-07-01,doses,CoronaVac,2,,1\r\n"
    "\"Stop 4, Xiaohe\",2021-07-01,doses_total,,,,6\r\n"
    "\"Stop 4, Xiaohe\",2021-07-01,vials_opened,BBIBP-CorV,,,3\r\n"
    "\"Stop 4, Xiaohe\",2021-07-01,wasted,BBIBP-CorV,,,3\r\n"
    "\"Stop 4, Xiaohe\",2021-07-01,stock_start,BBIBP-CorV,,,60\r\n"
    "\"Stop 4, Xiaohe\",2021-07-01,stock_received,BBIBP-CorV,,,10\r\n"
    "\"Stop 4, Xiaohe\",2021-07-01,stock_end,BBIBP-CorV,,,64\r\n"
    "\"Stop 4, Xiaohe\",2021-07-01,unaccounted,BBIBP-CorV,,,-1\r\n"
    "\"Stop 4, Xiaohe\",2021-07-01,vials_opened,CoronaVac,,,2\r\n"
    "\"Stop 4, Xiaohe\",2021-07-01,wasted,CoronaVac,,,1\r\n"
    "\"Stop 4, Xiaohe\",2021-07-01,stock_start,CoronaVac,,,10\r\n"
    "\"Stop 4, Xiaohe\",2021-07-01,stock_received,CoronaVac,,,0\r\n"
    "\"Stop 4, Xiaohe\",2021-07-01,stock_end,CoronaVac,,,6\r\n"
    "\"Stop 4, Xiaohe\",2021-07-01,unaccounted,CoronaVac,,,1\r\n"
    "\"Stop 4, Xiaohe\",2021-07-01,vials_opened_total,,,,5\r\n"
    "\"Stop 4, Xiaohe\",2021-07-01,wasted_total,,,,4\r\n"
    "\"Stop 4, Xiaohe\",2021-07-01,wasted_reason,,,open_vial_expired,1\r\n"
    "\"Stop 4, Xiaohe\",2021-07-01,wasted_reason,,,broken,3\r\n"
    "\"Stop 4, Xiaohe\",2021-07-01,aefi,,,mild,2\r\n"
    "\"Stop 4, Xiaohe\",2021-07-01,aefi,,,moderate,0\r\n"
    "\"Stop 4, Xiaohe\",2021-07-01,aefi,,,severe,1\r\n"
    "\"Stop 4, Xiaohe\",2021-07-01,aefi,,,serious,0\r\n"
    "\"Stop 4, Xiaohe\",2021-07-01,aefi_total,,,,3\r\n"
    "\"Stop 4, Xiaohe\",2021-07-01,zero_report,,,,0\r\n"
    "\"Stop 4, Xiaohe\",2021-07-01,sync_captured,,,,15\r\n"
    "\"Stop 4, Xiaohe\",2021-07-01,sync_acknowledged,,,,9\r\n"
    "\"Stop 4, Xiaohe\",2021-07-01,sync_pending,,,,5\r\n"
    "\"Stop 4, Xiaohe\",2021-07-01,sync_failed,,,,1\r\n";

static void test_busy_text(void **state)
{
	(void)state;
	struct report r;
	build_busy(&r);
	char out[4096];
	format_exact(report_format_text, &r, out, sizeof out);
	assert_string_equal(out, busy_text);
}

static void test_busy_csv(void **state)
{
	(void)state;
	struct report r;
	build_busy(&r);
	char out[4096];
	format_exact(report_format_csv, &r, out, sizeof out);
	assert_string_equal(out, busy_csv);
}

static void test_csv_quoting(void **state)
{
	(void)state;
	const struct report_dose doses[] = {
	    {"Vero cell, inactivated", 1, "L1"},
	    {"\"Sinovac\" CoronaVac", 3, "L2"},
	    {"line\nbreak", 1, "L3"},
	    {"plain", 1, "L4"},
	};
	const struct report_input in = {
	    .site = "A \"quoted\" site", .date = day("2021-07-01"), .doses = doses, .n_doses = 4};
	struct report r;
	assert_int_equal(report_build(&in, &r, NULL), VB_OK);
	char out[4096];
	format_exact(report_format_csv, &r, out, sizeof out);
	static const char *const rows[] = {
	    "\r\n\"A \"\"quoted\"\" site\",2021-07-01,doses,\"\"\"Sinovac\"\" CoronaVac\",3,,1\r\n",
	    "\r\n\"A \"\"quoted\"\" site\",2021-07-01,doses,\"Vero cell, inactivated\",1,,1\r\n",
	    "\r\n\"A \"\"quoted\"\" site\",2021-07-01,doses,\"line\nbreak\",1,,1\r\n",
	    "\r\n\"A \"\"quoted\"\" site\",2021-07-01,doses,plain,1,,1\r\n",
	};
	for (size_t i = 0; i < ARRAY_LEN(rows); i++)
		assert_non_null(strstr(out, rows[i]));
	/* every record has seven fields: count the unquoted commas of each row */
	int in_quotes = 0, commas = 0, rows_seen = 0;
	for (const char *p = out; *p; p++) {
		if (*p == '"')
			in_quotes = !in_quotes;
		else if (*p == ',' && !in_quotes)
			commas++;
		else if (*p == '\r' && !in_quotes) {
			assert_int_equal(p[1], '\n');
			assert_int_equal(commas, 6);
			commas = 0;
			rows_seen++;
		}
	}
	assert_false(in_quotes);
	assert_true(rows_seen > 10);
}

static void test_cjk_alignment(void **state)
{
	(void)state;
	const struct report_dose doses[] = {{"科兴", 1, "L1"}, {"BBIBP", 1, "L2"}};
	const struct report_input in = {.site = "小河村", .date = 0, .doses = doses, .n_doses = 2};
	struct report r;
	assert_int_equal(report_build(&in, &r, NULL), VB_OK);
	char out[4096];
	format_exact(report_format_text, &r, out, sizeof out);
	assert_non_null(strstr(out, "Site: 小河村\n"));
	assert_non_null(strstr(out, "  Product   Dose 1    Total\n"
				    "  BBIBP          1        1\n"
				    "  科兴           1        1\n"
				    "  Total          2        2\n"));
}

static void test_limits_and_bad_records(void **state)
{
	(void)state;
	static struct report_dose many[REPORT_MAX_PRODUCTS + 1];
	for (size_t i = 0; i < ARRAY_LEN(many); i++) {
		snprintf(many[i].product, sizeof many[i].product, "P%02zu", i);
		many[i].dose_number = 1;
	}
	static struct report_visit defers[REPORT_MAX_DEFER_CODES + 1];
	static char codes[REPORT_MAX_DEFER_CODES + 1][8];
	for (size_t i = 0; i < ARRAY_LEN(defers); i++) {
		snprintf(codes[i], sizeof codes[i], "c%02zu", i);
		defers[i] = (struct report_visit){VISIT_DEFERRED, codes[i]};
	}
	static const struct report_dose bad_dose0[] = {{"P", 0, "L"}};
	static const struct report_dose bad_dose6[] = {{"P", REPORT_MAX_DOSE_NUMBER + 1, "L"}};
	static const struct report_dose ok_dose5[] = {{"P", REPORT_MAX_DOSE_NUMBER, "L"}};
	static const struct report_dose empty_product[] = {{"", 1, "L"}};
	static const struct report_visit bad_state[] = {{VISIT_STATE_COUNT, NULL}};
	static const struct report_visit long_code[] = {
	    {VISIT_DEFERRED, "a_deferral_code_of_thirty_two_ch"}};
	static const struct report_waste bad_waste[] = {{"P", -1, STOCK_WASTE_BROKEN}};
	static const struct report_waste bad_reason[] = {{"P", 1, STOCK_WASTE_REASON_COUNT}};
	static const struct report_stock bad_stock[] = {{"P", "L", 5, -1, 4}};
	static const char long_site[] =
	    "0123456789012345678901234567890123456789012345678901234567890123";
	static struct aefi bad_aefi[1];
	bad_aefi[0] = mkaefi(AEFI_SEVERITY_COUNT);

	static const struct {
		struct report_input in;
		int rc;
		const char *code;
	} cases[] = {
	    {{.doses = many, .n_doses = REPORT_MAX_PRODUCTS}, VB_OK, NULL},
	    {{.doses = many, .n_doses = REPORT_MAX_PRODUCTS + 1}, VB_ERANGE, "too_many_products"},
	    {{.visits = defers, .n_visits = REPORT_MAX_DEFER_CODES}, VB_OK, NULL},
	    {{.visits = defers, .n_visits = REPORT_MAX_DEFER_CODES + 1},
	     VB_ERANGE,
	     "too_many_defer_codes"},
	    {{.doses = bad_dose0, .n_doses = 1}, VB_EINVAL, "bad_dose_number"},
	    {{.doses = bad_dose6, .n_doses = 1}, VB_EINVAL, "bad_dose_number"},
	    {{.doses = ok_dose5, .n_doses = 1}, VB_OK, NULL},
	    {{.doses = empty_product, .n_doses = 1}, VB_EINVAL, "bad_product"},
	    {{.visits = bad_state, .n_visits = 1}, VB_EINVAL, "bad_state"},
	    {{.visits = long_code, .n_visits = 1}, VB_EINVAL, "bad_defer_code"},
	    {{.waste = bad_waste, .n_waste = 1}, VB_EINVAL, "bad_waste"},
	    {{.waste = bad_reason, .n_waste = 1}, VB_EINVAL, "bad_waste"},
	    {{.stock = bad_stock, .n_stock = 1}, VB_EINVAL, "bad_stock"},
	    {{.site = long_site}, VB_EINVAL, "bad_site"},
	    {{.site = long_site + 1}, VB_OK, NULL},
	    {{.aefis = bad_aefi, .n_aefis = 1}, VB_EINVAL, "bad_severity"},
	    {{.sync = {.acked = -1}}, VB_EINVAL, "bad_sync"},
	    {{.sync = {.in_flight = -1}}, VB_EINVAL, "bad_sync"},
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		struct report r;
		memset(&r, 0x5a, sizeof r);
		struct vb_reason why = {0};
		assert_int_equal(report_build(&cases[i].in, &r, &why), cases[i].rc);
		if (cases[i].rc == VB_OK) {
			assert_null(why.code);
			continue;
		}
		assert_string_equal(why.code, cases[i].code);
		assert_int_equal(r.registered, 0x5a5a5a5a); /* untouched */
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_zero_report),
	    cmocka_unit_test(test_busy_counts),
	    cmocka_unit_test(test_busy_text),
	    cmocka_unit_test(test_busy_csv),
	    cmocka_unit_test(test_csv_quoting),
	    cmocka_unit_test(test_cjk_alignment),
	    cmocka_unit_test(test_limits_and_bad_records),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
