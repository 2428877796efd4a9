/* Platform histories: the expected list (idempotent, ordered by cursor),
 * platform doses kept once per platform id, made history doses when the
 * resident registers and at once for one already registered, unknown dose
 * numbers counted from the doses before, malformed input refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "schedule.h"
#include "store_history.h"
#include "store_repo_test.h"

#define DAY1 "2021-06-01"

static struct store_platform_dose pdose(const struct person *p, const char *server_id,
					const char *iso, int number)
{
	struct store_platform_dose d;
	memset(&d, 0, sizeof(d));
	snprintf(d.server_id, sizeof(d.server_id), "%s", server_id);
	d.doc_type = p->doc.type;
	snprintf(d.doc_number, sizeof(d.doc_number), "%s", p->doc.number);
	snprintf(d.product, sizeof(d.product), "bbibp-corv");
	snprintf(d.lot, sizeof(d.lot), "L-%d", number);
	d.dose_number = number;
	d.given_on = repo_day(iso);
	return d;
}

static int add(struct store *st, const struct store_platform_dose *d)
{
	assert_int_equal(store_begin(st), VB_OK);
	int rc = store_history_add(st, d, repo_at(DAY1, 7, 0));
	assert_int_equal(store_commit(st), VB_OK);
	return rc;
}

static int collect(void *arg, const struct store_expected *e)
{
	char *out = arg;
	size_t n = strlen(out);
	snprintf(out + n, 512 - n, "%s:%s:%s;", iddoc_type_name(e->doc_type), e->doc_number,
		 e->cursor);
	return 0;
}

static void test_expected_list(void **state)
{
	struct repo_fx *f = *state;
	struct person a, b;
	char got[512] = "", want[512];
	repo_person(&a, "张伟", "19850312", "031", "", "");
	repo_person(&b, "李娜", "19900101", "042", "", "");
	int64_t now = repo_at(DAY1, 7, 0);
	assert_int_equal(store_history_expect(f->st, b.doc.type, b.doc.number, now), VB_OK);
	assert_int_equal(store_history_expect(f->st, a.doc.type, a.doc.number, now), VB_OK);
	assert_int_equal(store_history_expect(f->st, a.doc.type, a.doc.number, now), VB_OK);
	assert_int_equal(
	    store_history_set_cursor(f->st, b.doc.type, b.doc.number, "2021-05-01T00:00:00Z"),
	    VB_OK);
	assert_int_equal(store_history_expected(f->st, collect, got), VB_OK);
	snprintf(want, sizeof(want), "cn-resident:%s:;cn-resident:%s:2021-05-01T00:00:00Z;",
		 a.doc.number, b.doc.number);
	assert_string_equal(got, want);
	assert_int_equal(store_history_set_cursor(f->st, IDDOC_PASSPORT, "E1234567", "x"),
			 VB_ENOTFOUND);
	assert_int_equal(store_history_expect(f->st, IDDOC_PASSPORT, "", now), VB_EINVAL);
	assert_int_equal(store_history_expect(f->st, (enum iddoc_type)99, "E1", now), VB_EINVAL);
}

static void test_imported_at_registration(void **state)
{
	struct repo_fx *f = *state;
	struct person p;
	repo_person(&p, "张伟", "19850312", "031", "", "");
	struct store_platform_dose d1 = pdose(&p, "Immunization/1", "2021-04-01", 0);
	struct store_platform_dose d2 = pdose(&p, "Immunization/2", "2021-04-29", 0);
	assert_int_equal(add(f->st, &d2), VB_OK);
	assert_int_equal(add(f->st, &d1), VB_OK);
	assert_int_equal(add(f->st, &d1), VB_EEXIST); /* pulled again: kept once */
	assert_int_equal(repo_total(f->st, "platform_dose"), 2);
	assert_int_equal(repo_total(f->st, "dose"), 0);

	repo_add_person(f->st, &p);
	struct store_dose got[4];
	size_t n = 0;
	assert_int_equal(store_dose_list_person(f->st, p.id, got, 4, &n), VB_OK);
	assert_int_equal(n, 2);
	assert_string_equal(got[0].source, "platform");
	assert_int_equal(got[0].given_on, repo_day("2021-04-01"));
	assert_int_equal(got[0].dose_number, 1); /* counted: none before it */
	assert_int_equal(got[1].dose_number, 2);
	assert_string_equal(got[1].lot, "L-0");
	assert_int_equal(repo_outbox_rows(f->st, "immunization", got[0].id), 0); /* not sent back */

	/* A dose pulled after registration is history at once. */
	struct store_platform_dose d3 = pdose(&p, "Immunization/3", "2021-05-20", 3);
	assert_int_equal(add(f->st, &d3), VB_OK);
	assert_int_equal(store_dose_list_person(f->st, p.id, got, 4, &n), VB_OK);
	assert_int_equal(n, 3);
	assert_int_equal(got[2].dose_number, 3);
	assert_int_equal(
	    repo_count(f->st, "SELECT count(*) FROM platform_dose WHERE dose_id IS NULL"), 0);
	struct schedule_dose h[4];
	assert_int_equal(store_dose_history(f->st, p.id, h, 4, &n), VB_OK);
	assert_int_equal(n, 3);
}

static void test_malformed(void **state)
{
	struct repo_fx *f = *state;
	struct person p;
	repo_person(&p, "张伟", "19850312", "031", "", "");
	struct store_platform_dose d = pdose(&p, "", "2021-04-01", 1);
	assert_int_equal(add(f->st, &d), VB_EINVAL);
	d = pdose(&p, "Immunization/9", "2021-04-01", -1);
	assert_int_equal(add(f->st, &d), VB_EINVAL);
	d = pdose(&p, "Immunization/9", "2021-04-01", 1);
	d.product[0] = '\0';
	assert_int_equal(add(f->st, &d), VB_EINVAL);
	d = pdose(&p, "Immunization/9", "2021-04-01", 1);
	d.given_on = VBDATE_NONE;
	assert_int_equal(add(f->st, &d), VB_EINVAL);
	assert_int_equal(store_history_add(f->st, &d, 0), VB_ESTATE); /* no transaction */
	assert_int_equal(repo_total(f->st, "platform_dose"), 0);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, repo_setup, repo_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_expected_list),
	    T(test_imported_at_registration),
	    T(test_malformed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
