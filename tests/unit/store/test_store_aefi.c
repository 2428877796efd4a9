/* AEFI records: linked to the visit's dose and person, queued and audited
 * with the record, rolled back together, refused without a dose, free
 * texts kept out of the audit log, listed by visit and by onset. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "store_aefi.h"
#include "store_repo_test.h"

#define DAY1 "2021-06-01"

static const char NAME[] = "张伟";
static const char OTHER[] = "dizziness after standing up";
static const char NOTE[] = "adrenaline 0.5 mg IM, 县人民医院";

struct world {
	struct repo_fx *f;
	struct person p;
	struct store_visit dosed, undosed;
	struct store_dose dose;
};

static int setup(void **state)
{
	struct world *w = calloc(1, sizeof(*w));
	assert_non_null(w);
	w->f = repo_open(1);
	struct store *st = w->f->st;
	struct person q;
	repo_person(&w->p, NAME, "19850312", "031", "13912345678", "北京市");
	repo_person(&q, "李娜", "19900101", "042", "", "");
	repo_add_person(st, &w->p);
	repo_add_person(st, &q);
	struct stock_lot l = repo_lot("bbibp-corv", "B1", 10, 2);
	repo_add_lot(st, &l, repo_at(DAY1, 7, 0));
	repo_add_visit(st, w->p.id, DAY1, repo_at(DAY1, 9, 0), &w->dosed);
	repo_add_visit(st, q.id, DAY1, repo_at(DAY1, 9, 5), &w->undosed);
	w->dose = repo_bus_dose(&w->dosed, "bbibp-corv", "B1", 1, repo_at(DAY1, 9, 30));
	assert_int_equal(store_begin(st), VB_OK);
	assert_int_equal(store_dose_add(st, &w->dose, REPO_STAFF, repo_at(DAY1, 9, 30)), VB_OK);
	assert_int_equal(store_commit(st), VB_OK);
	*state = w;
	return 0;
}

static int teardown(void **state)
{
	struct world *w = *state;
	void *f = w->f;
	repo_teardown(&f);
	free(w);
	return 0;
}

static struct aefi sample(const struct store_visit *v, int64_t onset)
{
	struct aefi a;
	memset(&a, 0, sizeof(a));
	snprintf(a.visit_id, sizeof(a.visit_id), "%s", v->id);
	a.onset = onset;
	a.symptoms = AEFI_BIT(AEFI_SYM_ANAPHYLAXIS) | AEFI_BIT(AEFI_SYM_URTICARIA) |
		     AEFI_BIT(AEFI_SYM_OTHER);
	snprintf(a.other, sizeof(a.other), "%s", OTHER);
	a.severity = AEFI_SERIOUS;
	a.action = AEFI_EMERGENCY_TRANSFER;
	snprintf(a.action_note, sizeof(a.action_note), "%s", NOTE);
	return a;
}

static void test_add_get(void **state)
{
	struct world *w = *state;
	struct store *st = w->f->st;
	int64_t onset = repo_at(DAY1, 9, 45);
	struct aefi a = sample(&w->dosed, onset), got;
	struct vb_reason why;
	snprintf(a.id, sizeof(a.id), "01890a5d-ac96-774b-bcce-b302099a8057"); /* replaced */
	assert_int_equal(aefi_check(&a, w->dose.given_at, onset, &why), VB_OK);

	assert_int_equal(store_begin(st), VB_OK);
	assert_int_equal(store_aefi_add(st, &a, REPO_STAFF, onset + 60), VB_OK);
	assert_int_equal(store_commit(st), VB_OK);
	assert_int_equal(store_id_check(a.id), VB_OK);
	assert_string_not_equal(a.id, "01890a5d-ac96-774b-bcce-b302099a8057");
	assert_int_equal(repo_outbox_rows(st, "adverse_event", a.id), 1);
	assert_int_equal(repo_audit_rows(st, "aefi.add", a.id), 1);
	assert_int_equal(repo_count(st,
				    "SELECT count(*) FROM aefi WHERE id = '%s' AND dose_id ="
				    " '%s' AND person_id = '%s' AND bus_id = 'BUS-0042' AND"
				    " symptoms = 'urticaria,anaphylaxis,other'",
				    a.id, w->dose.id, w->p.id),
			 1);
	assert_int_equal(repo_count(st,
				    "SELECT count(*) FROM audit WHERE record_id = '%s' AND"
				    " detail LIKE '%%dose=%s%%severity=serious%%'",
				    a.id, w->dose.id),
			 1);

	assert_int_equal(store_aefi_get(st, a.id, &got), VB_OK);
	assert_string_equal(got.id, a.id);
	assert_string_equal(got.visit_id, w->dosed.id);
	assert_int_equal(got.onset, onset);
	assert_int_equal(got.symptoms, a.symptoms);
	assert_string_equal(got.other, OTHER);
	assert_int_equal(got.severity, AEFI_SERIOUS);
	assert_int_equal(got.action, AEFI_EMERGENCY_TRANSFER);
	assert_string_equal(got.action_note, NOTE);
	assert_int_equal(store_aefi_get(st, "01890a5d-ac96-774b-bcce-b302099a8057", &got),
			 VB_ENOTFOUND);

	/* Nothing personal, and none of the free texts, in the audit log. */
	const char *const secrets[] = {NAME, w->p.doc.number, OTHER, NOTE, "13912345678"};
	repo_assert_audit_clean(st, secrets, 5);
}

static void test_rollback(void **state)
{
	struct world *w = *state;
	struct store *st = w->f->st;
	struct aefi a = sample(&w->dosed, repo_at(DAY1, 9, 45));
	int64_t audit_before = repo_total(st, "audit");
	assert_int_equal(store_aefi_add(st, &a, REPO_STAFF, repo_at(DAY1, 9, 50)), VB_ESTATE);
	assert_int_equal(store_begin(st), VB_OK);
	assert_int_equal(store_aefi_add(st, &a, REPO_STAFF, repo_at(DAY1, 9, 50)), VB_OK);
	assert_int_equal(store_visit_transition(st, w->dosed.id, VISIT_EV_REPORT_AEFI, NULL,
						REPO_STAFF, repo_at(DAY1, 9, 50), NULL),
			 VB_ESTATE); /* still registered: the core refuses */
	assert_int_equal(store_rollback(st), VB_OK);
	assert_int_equal(repo_total(st, "aefi"), 0);
	assert_int_equal(repo_count(st, "SELECT count(*) FROM outbox WHERE kind = 'adverse_event'"),
			 0);
	assert_int_equal(repo_total(st, "audit"), audit_before);
}

static void test_refusals(void **state)
{
	struct world *w = *state;
	struct store *st = w->f->st;
	int64_t onset = repo_at(DAY1, 9, 45);
	int64_t audit_before = repo_total(st, "audit");
	enum {
		NO_DOSE,
		NO_VISIT,
		BAD_VISIT_ID,
		NO_SYMPTOM,
		BAD_SYMPTOM,
		BAD_SEVERITY,
		BAD_ACTION,
		N_CASES
	};
	static const int want[N_CASES] = {VB_ENOTFOUND, VB_ENOTFOUND, VB_EINVAL, VB_EINVAL,
					  VB_EINVAL,	VB_EINVAL,    VB_EINVAL};
	for (int c = 0; c < N_CASES; c++) {
		struct aefi a = sample(&w->dosed, onset);
		switch (c) {
		case NO_DOSE:
			snprintf(a.visit_id, sizeof(a.visit_id), "%s", w->undosed.id);
			break;
		case NO_VISIT:
			snprintf(a.visit_id, sizeof(a.visit_id),
				 "01890a5d-ac96-774b-bcce-b302099a8057");
			break;
		case BAD_VISIT_ID:
			snprintf(a.visit_id, sizeof(a.visit_id), "visit-1");
			break;
		case NO_SYMPTOM:
			a.symptoms = 0;
			break;
		case BAD_SYMPTOM:
			a.symptoms = 1u << AEFI_SYM_COUNT;
			break;
		case BAD_SEVERITY:
			a.severity = AEFI_SEVERITY_COUNT;
			break;
		case BAD_ACTION:
			a.action = AEFI_ACTION_COUNT;
			break;
		}
		assert_int_equal(store_begin(st), VB_OK);
		assert_int_equal(store_aefi_add(st, &a, REPO_STAFF, onset), want[c]);
		assert_int_equal(store_commit(st), VB_OK); /* nothing half-written */
		assert_string_equal(a.id, "");
	}
	assert_int_equal(repo_total(st, "aefi"), 0);
	assert_int_equal(repo_total(st, "audit"), audit_before);
}

static void test_lists(void **state)
{
	struct world *w = *state;
	struct store *st = w->f->st;
	int64_t onsets[3] = {repo_at(DAY1, 10, 0), repo_at(DAY1, 9, 40),
			     repo_at("2021-06-02", 8, 0)};
	char ids[3][37];
	for (int i = 0; i < 3; i++) {
		struct aefi a = sample(&w->dosed, onsets[i]);
		a.symptoms = AEFI_BIT(AEFI_SYM_FEVER);
		a.other[0] = '\0';
		a.severity = AEFI_MILD;
		a.action = AEFI_OBSERVED;
		assert_int_equal(store_begin(st), VB_OK);
		assert_int_equal(store_aefi_add(st, &a, REPO_STAFF, onsets[i]), VB_OK);
		assert_int_equal(store_commit(st), VB_OK);
		memcpy(ids[i], a.id, sizeof(ids[i]));
	}
	struct aefi out[3];
	size_t n = 0;
	assert_int_equal(store_aefi_list_visit(st, w->dosed.id, out, 3, &n), VB_OK);
	assert_int_equal(n, 3);
	assert_string_equal(out[0].id, ids[1]); /* by onset */
	assert_string_equal(out[1].id, ids[0]);
	assert_string_equal(out[2].id, ids[2]);
	assert_int_equal(out[0].symptoms, AEFI_BIT(AEFI_SYM_FEVER));
	n = 9;
	assert_int_equal(store_aefi_list_visit(st, w->dosed.id, out, 2, &n), VB_ERANGE);
	assert_int_equal(n, 9);
	assert_int_equal(store_aefi_list_visit(st, w->undosed.id, out, 3, &n), VB_OK);
	assert_int_equal(n, 0);

	/* By onset window and site. */
	const int64_t from = repo_at(DAY1, 0, 0), to = from + 86400;
	assert_int_equal(store_aefi_list_onset(st, NULL, from, to, out, 3, &n), VB_OK);
	assert_int_equal(n, 2);
	assert_int_equal(store_aefi_list_onset(st, REPO_SITE, from, to, out, 3, &n), VB_OK);
	assert_int_equal(n, 2);
	assert_int_equal(store_aefi_list_onset(st, "SITE-B", from, to, out, 3, &n), VB_OK);
	assert_int_equal(n, 0);
	assert_int_equal(store_aefi_list_onset(st, NULL, to, to + 86400, out, 3, &n), VB_OK);
	assert_int_equal(n, 1);
	assert_string_equal(out[0].id, ids[2]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_add_get, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_rollback, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_refusals, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_lists, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
