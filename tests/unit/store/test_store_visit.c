/* Visits and doses: tickets, one open visit per person and day, every
 * transition decided by the core's table (a refused one leaves the row
 * unchanged), deferrals queued, doses with their outbox row, audit row and
 * stock movement landing and rolling back together, history for the
 * schedule engine. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "store_repo_test.h"

#define DAY1 "2021-06-01"
#define DAY2 "2021-06-02"

static const char NAME_A[] = "张伟", NAME_B[] = "李娜";

struct world {
	struct repo_fx *f;
	struct person a, b;
};

static int setup(void **state)
{
	struct world *w = calloc(1, sizeof(*w));
	assert_non_null(w);
	w->f = repo_open(1);
	repo_person(&w->a, NAME_A, "19850312", "031", "13912345678", "北京市朝阳区");
	repo_person(&w->b, NAME_B, "19900101", "042", "", "");
	repo_add_person(w->f->st, &w->a);
	repo_add_person(w->f->st, &w->b);
	struct stock_lot l = repo_lot("bbibp-corv", "B1", 10, 2);
	repo_add_lot(w->f->st, &l, repo_at(DAY1, 7, 0));
	l = repo_lot("coronavac", "C1", 10, 1);
	repo_add_lot(w->f->st, &l, repo_at(DAY1, 7, 0));
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

static void test_tickets(void **state)
{
	struct world *w = *state;
	struct store *st = w->f->st;
	struct store_visit va, vb, vc, dup;
	repo_add_visit(st, w->a.id, DAY1, repo_at(DAY1, 9, 0), &va);
	repo_add_visit(st, w->b.id, DAY1, repo_at(DAY1, 9, 1), &vb);
	assert_string_equal(va.ticket, "A001");
	assert_string_equal(vb.ticket, "A002");
	assert_int_equal(va.state, VISIT_REGISTERED);
	assert_int_equal(va.created_at, repo_at(DAY1, 9, 0));
	assert_int_equal(repo_audit_rows(st, "visit.add", va.id), 1);
	assert_int_equal(
	    repo_count(st, "SELECT count(*) FROM outbox WHERE record_id = '%s'", va.id), 0);
	assert_int_equal(repo_count(st,
				    "SELECT count(*) FROM visit WHERE id = '%s' AND day ="
				    " '2021-06-01' AND bus_id = 'BUS-0042' AND site_id = 'SITE-A'",
				    va.id),
			 1);

	/* The same person again the same day: the open visit exists. */
	memset(&dup, 0, sizeof(dup));
	snprintf(dup.person_id, sizeof(dup.person_id), "%s", w->a.id);
	dup.day = repo_day(DAY1);
	assert_int_equal(store_begin(st), VB_OK);
	assert_int_equal(store_visit_add(st, &dup, "kiosk", repo_at(DAY1, 9, 5)), VB_EEXIST);
	assert_string_equal(dup.id, "");
	/* An unknown person: foreign key. */
	snprintf(dup.person_id, sizeof(dup.person_id), "01890a5d-ac96-774b-bcce-b302099a8057");
	assert_int_equal(store_visit_add(st, &dup, "kiosk", repo_at(DAY1, 9, 5)), VB_EINVAL);
	dup.day = VBDATE_NONE;
	assert_int_equal(store_visit_add(st, &dup, "kiosk", repo_at(DAY1, 9, 5)), VB_EINVAL);
	assert_int_equal(store_commit(st), VB_OK);
	assert_int_equal(repo_total(st, "visit"), 2);

	/* A new day starts at A001. */
	repo_add_visit(st, w->a.id, DAY2, repo_at(DAY2, 9, 0), &vc);
	assert_string_equal(vc.ticket, "A001");

	struct store_visit got;
	assert_int_equal(store_visit_get(st, vb.id, &got), VB_OK);
	assert_string_equal(got.person_id, w->b.id);
	assert_string_equal(got.ticket, "A002");
	assert_string_equal(got.site_id, REPO_SITE);
	assert_int_equal(got.day, repo_day(DAY1));
	assert_int_equal(got.updated_at, repo_at(DAY1, 9, 1));
	assert_int_equal(store_visit_get(st, "01890a5d-ac96-774b-bcce-b302099a8057", &got),
			 VB_ENOTFOUND);

	struct store_visit list[3];
	size_t n = 0;
	assert_int_equal(store_visit_list_day(st, repo_day(DAY1), -1, list, 3, &n), VB_OK);
	assert_int_equal(n, 2);
	assert_string_equal(list[0].id, va.id);
	assert_string_equal(list[1].id, vb.id);
	assert_int_equal(store_visit_list_day(st, repo_day(DAY1), VISIT_QUEUED, list, 3, &n),
			 VB_OK);
	assert_int_equal(n, 0);
	assert_int_equal(store_visit_list_day(st, repo_day(DAY1), -1, list, 1, &n), VB_ERANGE);
	assert_int_equal(store_visit_list_day(st, repo_day(DAY1), 99, list, 3, &n), VB_EINVAL);
}

static void test_visit_rollback(void **state)
{
	struct world *w = *state;
	struct store *st = w->f->st;
	struct store_visit v;
	int64_t audit_before = repo_total(st, "audit");
	memset(&v, 0, sizeof(v));
	snprintf(v.person_id, sizeof(v.person_id), "%s", w->a.id);
	v.day = repo_day(DAY1);
	assert_int_equal(store_visit_add(st, &v, "kiosk", repo_at(DAY1, 9, 0)), VB_ESTATE);
	assert_int_equal(store_begin(st), VB_OK);
	assert_int_equal(store_visit_add(st, &v, "kiosk", repo_at(DAY1, 9, 0)), VB_OK);
	assert_int_equal(store_visit_transition(st, v.id, VISIT_EV_DEFER, "pregnancy", "kiosk",
						repo_at(DAY1, 9, 1), NULL),
			 VB_OK);
	assert_int_equal(store_rollback(st), VB_OK);
	assert_int_equal(repo_total(st, "visit"), 0);
	assert_int_equal(repo_count(st, "SELECT count(*) FROM outbox WHERE kind = 'deferral'"), 0);
	assert_int_equal(repo_total(st, "audit"), audit_before);
}

/* Every (state, event) pair: the store does what visit_apply says, and a
 * refusal leaves the row as it was. */
static void test_transitions_follow_core(void **state)
{
	struct world *w = *state;
	struct store *st = w->f->st;
	struct store_visit v;
	repo_add_visit(st, w->a.id, DAY1, repo_at(DAY1, 9, 0), &v);
	int64_t at = repo_at(DAY1, 10, 0);

	for (int s = 0; s < VISIT_STATE_COUNT; s++) {
		for (int e = 0; e < VISIT_EVENT_COUNT; e++) {
			enum visit_state want = VISIT_REGISTERED;
			struct vb_reason core_why, why;
			vb_reason_clear(&why);
			int core_rc =
			    visit_apply((enum visit_state)s, (enum visit_event)e, &want, &core_why);
			/* Put the row in state s behind the store's back. */
			char sql[200];
			snprintf(sql, sizeof(sql),
				 "UPDATE visit SET state = '%s', deferral = '', updated_at = 1"
				 " WHERE id = '%s'",
				 visit_state_name((enum visit_state)s), v.id);
			raw_exec(st->db, sql);
			int64_t audit_before = repo_total(st, "audit");

			assert_int_equal(store_begin(st), VB_OK);
			int rc = store_visit_transition(
			    st, v.id, (enum visit_event)e,
			    e == VISIT_EV_DEFER ? "acute_illness" : NULL, REPO_STAFF, at, &why);
			assert_int_equal(store_commit(st), VB_OK);
			assert_int_equal(rc, core_rc);

			struct store_visit got;
			assert_int_equal(store_visit_get(st, v.id, &got), VB_OK);
			if (core_rc == VB_OK) {
				char action[48];
				snprintf(action, sizeof(action), "visit.%s",
					 visit_event_name((enum visit_event)e));
				assert_int_equal(got.state, want);
				assert_int_equal(got.updated_at, at);
				assert_int_equal(repo_total(st, "audit"), audit_before + 1);
				assert_int_equal(repo_count(st,
							    "SELECT count(*) FROM audit WHERE"
							    " seq = %" PRId64 " AND action = '%s'",
							    audit_before + 1, action),
						 1);
				assert_string_equal(got.deferral,
						    e == VISIT_EV_DEFER ? "acute_illness" : "");
			} else {
				assert_int_equal(rc, VB_ESTATE);
				assert_string_equal(why.code, core_why.code);
				assert_string_equal(why.text, core_why.text);
				assert_int_equal(got.state, s);
				assert_int_equal(got.updated_at, 1);
				assert_int_equal(repo_total(st, "audit"), audit_before);
			}
		}
	}
	/* The defer rows were queued once per record (one outbox row). */
	assert_int_equal(repo_outbox_rows(st, "deferral", v.id), 1);
	const char *const secrets[] = {NAME_A, NAME_B, w->a.doc.number, w->b.doc.number};
	repo_assert_audit_clean(st, secrets, 4);
}

static void test_defer_code_rules(void **state)
{
	struct world *w = *state;
	struct store *st = w->f->st;
	struct store_visit v, got;
	repo_add_visit(st, w->a.id, DAY1, repo_at(DAY1, 9, 0), &v);
	int64_t at = repo_at(DAY1, 9, 30);
	assert_int_equal(store_begin(st), VB_OK);
	assert_int_equal(
	    store_visit_transition(st, v.id, VISIT_EV_DEFER, NULL, REPO_STAFF, at, NULL),
	    VB_EINVAL);
	assert_int_equal(
	    store_visit_transition(st, v.id, VISIT_EV_DEFER, "not a code", REPO_STAFF, at, NULL),
	    VB_EINVAL);
	assert_int_equal(
	    store_visit_transition(st, v.id, VISIT_EV_SCREEN, "fever", REPO_STAFF, at, NULL),
	    VB_EINVAL);
	assert_int_equal(
	    store_visit_transition(st, v.id, (enum visit_event)77, NULL, REPO_STAFF, at, NULL),
	    VB_EINVAL);
	assert_int_equal(store_visit_transition(st, "01890a5d-ac96-774b-bcce-b302099a8057",
						VISIT_EV_SCREEN, NULL, REPO_STAFF, at, NULL),
			 VB_ENOTFOUND);
	assert_int_equal(repo_total(st, "outbox"), 2); /* the two persons only */
	assert_int_equal(
	    store_visit_transition(st, v.id, VISIT_EV_DEFER, "fever", REPO_STAFF, at, NULL), VB_OK);
	assert_int_equal(store_commit(st), VB_OK);
	assert_int_equal(repo_outbox_rows(st, "deferral", v.id), 1);
	assert_int_equal(repo_count(st,
				    "SELECT count(*) FROM audit WHERE record_id = '%s' AND"
				    " action = 'visit.defer' AND detail ="
				    " 'from=registered to=deferred deferral=fever'",
				    v.id),
			 1);
	assert_int_equal(store_visit_get(st, v.id, &got), VB_OK);
	assert_string_equal(got.deferral, "fever");
	assert_int_equal(
	    store_visit_transition(st, v.id, VISIT_EV_SCREEN, NULL, REPO_STAFF, at, NULL),
	    VB_ESTATE); /* no transaction */
}

static void test_open_for_person(void **state)
{
	struct world *w = *state;
	struct store *st = w->f->st;
	struct store_visit v, v2, got;
	static const enum visit_event to_released[] = {
	    VISIT_EV_SCREEN,	VISIT_EV_CONSENT,	VISIT_EV_QUEUE,	  VISIT_EV_CALL,
	    VISIT_EV_VACCINATE, VISIT_EV_OBSERVE_START, VISIT_EV_RELEASE,
	};
	const int32_t d1 = repo_day(DAY1);
	assert_int_equal(store_visit_open_for_person(st, w->a.id, d1, &got), VB_ENOTFOUND);

	/* Deferred is final: the person may come back the same day. */
	repo_add_visit(st, w->a.id, DAY1, repo_at(DAY1, 9, 0), &v);
	assert_int_equal(store_visit_open_for_person(st, w->a.id, d1, &got), VB_OK);
	assert_string_equal(got.id, v.id);
	static const enum visit_event defer[] = {VISIT_EV_DEFER};
	repo_walk(st, v.id, defer, 1, repo_at(DAY1, 9, 10));
	assert_int_equal(store_visit_open_for_person(st, w->a.id, d1, &got), VB_ENOTFOUND);

	/* Released is not final (an AEFI may follow): still the open visit. */
	repo_add_visit(st, w->a.id, DAY1, repo_at(DAY1, 11, 0), &v2);
	assert_string_equal(v2.ticket, "A002");
	repo_walk(st, v2.id, to_released, 7, repo_at(DAY1, 11, 30));
	assert_int_equal(store_visit_open_for_person(st, w->a.id, d1, &got), VB_OK);
	assert_string_equal(got.id, v2.id);
	assert_int_equal(got.state, VISIT_RELEASED);
	assert_int_equal(store_visit_open_for_person(st, w->a.id, d1 + 1, &got), VB_ENOTFOUND);
	assert_int_equal(store_visit_open_for_person(st, w->b.id, d1, &got), VB_ENOTFOUND);
}

static void assert_dose_equal(const struct store_dose *a, const struct store_dose *b)
{
	assert_string_equal(a->id, b->id);
	assert_string_equal(a->visit_id, b->visit_id);
	assert_string_equal(a->person_id, b->person_id);
	assert_string_equal(a->product, b->product);
	assert_string_equal(a->lot, b->lot);
	assert_int_equal(a->dose_number, b->dose_number);
	assert_int_equal(a->series_doses, b->series_doses);
	assert_int_equal(a->given_at, b->given_at);
	assert_int_equal(a->given_on, b->given_on);
	assert_string_equal(a->route, b->route);
	assert_string_equal(a->body_site, b->body_site);
	assert_string_equal(a->staff, b->staff);
	assert_string_equal(a->source, b->source);
}

static void test_dose_bus(void **state)
{
	struct world *w = *state;
	struct store *st = w->f->st;
	struct store_visit v;
	repo_add_visit(st, w->a.id, DAY1, repo_at(DAY1, 9, 0), &v);
	int64_t given = repo_at(DAY1, 9, 40);
	int64_t before;
	assert_int_equal(store_stock_doses_at(st, NULL, "B1", given + 1, &before), VB_OK);

	struct store_dose d = repo_bus_dose(&v, "bbibp-corv", "B1", 1, given), got;
	assert_int_equal(store_begin(st), VB_OK);
	assert_int_equal(store_dose_add(st, &d, REPO_STAFF, given), VB_OK);
	assert_int_equal(store_commit(st), VB_OK);
	assert_int_equal(store_id_check(d.id), VB_OK);
	assert_int_equal(repo_outbox_rows(st, "immunization", d.id), 1);
	assert_int_equal(repo_audit_rows(st, "dose.add", d.id), 1);
	assert_int_equal(repo_count(st,
				    "SELECT count(*) FROM stock_move WHERE kind = 'administer'"
				    " AND doses = -1 AND ref = '%s'",
				    d.id),
			 1);
	int64_t after;
	assert_int_equal(store_stock_doses_at(st, NULL, "B1", given + 1, &after), VB_OK);
	assert_int_equal(after, before - 1);
	assert_int_equal(store_stock_doses_at(st, NULL, "B1", given, &after), VB_OK);
	assert_int_equal(after, before); /* a sum of what happened before */

	assert_int_equal(store_dose_get(st, d.id, &got), VB_OK);
	assert_dose_equal(&got, &d);
	assert_string_equal(got.site_id, REPO_SITE);
	assert_int_equal(store_dose_by_visit(st, v.id, &got), VB_OK);
	assert_string_equal(got.id, d.id);
	assert_int_equal(store_dose_by_visit(st, "01890a5d-ac96-774b-bcce-b302099a8057", &got),
			 VB_ENOTFOUND);

	/* One dose per visit. */
	struct store_dose again = repo_bus_dose(&v, "bbibp-corv", "B1", 1, given);
	assert_int_equal(store_begin(st), VB_OK);
	assert_int_equal(store_dose_add(st, &again, REPO_STAFF, given), VB_EEXIST);
	assert_int_equal(store_commit(st), VB_OK);
	assert_string_equal(again.id, "");
	assert_int_equal(repo_total(st, "dose"), 1);
}

static void test_dose_refusals(void **state)
{
	struct world *w = *state;
	struct store *st = w->f->st;
	struct store_visit v;
	repo_add_visit(st, w->a.id, DAY1, repo_at(DAY1, 9, 0), &v);
	int64_t given = repo_at(DAY1, 9, 40);
	int64_t audit_before = repo_total(st, "audit");
	int64_t moves_before = repo_total(st, "stock_move");
	enum {
		LOT_OTHER_PRODUCT,
		LOT_UNKNOWN,
		OTHER_PERSON,
		UNKNOWN_VISIT,
		NO_VISIT,
		NO_STAFF,
		BAD_SOURCE,
		BAD_NUMBER,
		NO_DATE,
		NO_PRODUCT,
		N_CASES
	};
	for (int c = 0; c < N_CASES; c++) {
		struct store_dose d = repo_bus_dose(&v, "bbibp-corv", "B1", 1, given);
		switch (c) {
		case LOT_OTHER_PRODUCT:
			snprintf(d.lot, sizeof(d.lot), "C1");
			break;
		case LOT_UNKNOWN:
			snprintf(d.lot, sizeof(d.lot), "NOPE");
			break;
		case OTHER_PERSON:
			snprintf(d.person_id, sizeof(d.person_id), "%s", w->b.id);
			break;
		case UNKNOWN_VISIT:
			snprintf(d.visit_id, sizeof(d.visit_id),
				 "01890a5d-ac96-774b-bcce-b302099a8057");
			break;
		case NO_VISIT:
			d.visit_id[0] = '\0';
			break;
		case NO_STAFF:
			d.staff[0] = '\0';
			break;
		case BAD_SOURCE:
			snprintf(d.source, sizeof(d.source), "fax");
			break;
		case BAD_NUMBER:
			d.dose_number = 0;
			break;
		case NO_DATE:
			d.given_on = VBDATE_NONE;
			break;
		case NO_PRODUCT:
			d.product[0] = '\0';
			break;
		}
		assert_int_equal(store_begin(st), VB_OK);
		assert_int_equal(store_dose_add(st, &d, REPO_STAFF, given), VB_EINVAL);
		assert_int_equal(store_commit(st), VB_OK); /* nothing half-written */
		assert_string_equal(d.id, "");
	}
	assert_int_equal(repo_total(st, "dose"), 0);
	assert_int_equal(repo_total(st, "stock_move"), moves_before);
	assert_int_equal(repo_total(st, "audit"), audit_before);
	struct store_dose d = repo_bus_dose(&v, "bbibp-corv", "B1", 1, given);
	assert_int_equal(store_dose_add(st, &d, REPO_STAFF, given), VB_ESTATE);
}

static void test_dose_rollback(void **state)
{
	struct world *w = *state;
	struct store *st = w->f->st;
	struct store_visit v;
	repo_add_visit(st, w->a.id, DAY1, repo_at(DAY1, 9, 0), &v);
	int64_t given = repo_at(DAY1, 9, 40);
	int64_t audit_before = repo_total(st, "audit");
	int64_t moves_before = repo_total(st, "stock_move");
	struct store_dose d = repo_bus_dose(&v, "bbibp-corv", "B1", 1, given);
	assert_int_equal(store_begin(st), VB_OK);
	assert_int_equal(store_dose_add(st, &d, REPO_STAFF, given), VB_OK);
	assert_int_equal(store_rollback(st), VB_OK);
	assert_int_equal(repo_total(st, "dose"), 0);
	assert_int_equal(repo_total(st, "stock_move"), moves_before);
	assert_int_equal(repo_count(st, "SELECT count(*) FROM outbox WHERE kind = 'immunization'"),
			 0);
	assert_int_equal(repo_total(st, "audit"), audit_before);
}

static void test_history(void **state)
{
	struct world *w = *state;
	struct store *st = w->f->st;
	/* Doses learnt from the platform and a certificate: history only. */
	static const struct {
		const char *product, *on, *source;
		int number;
	} past[] = {
	    {"coronavac", "2021-04-20", "platform", 1},
	    {"bbibp-corv", "2021-03-01", "certificate", 1},
	};
	int64_t moves_before = repo_total(st, "stock_move");
	for (size_t i = 0; i < 2; i++) {
		struct store_dose d;
		memset(&d, 0, sizeof(d));
		snprintf(d.person_id, sizeof(d.person_id), "%s", w->a.id);
		snprintf(d.product, sizeof(d.product), "%s", past[i].product);
		snprintf(d.source, sizeof(d.source), "%s", past[i].source);
		d.dose_number = past[i].number;
		d.given_on = repo_day(past[i].on);
		d.given_at = vbdate_to_unix(d.given_on);
		assert_int_equal(store_begin(st), VB_OK);
		assert_int_equal(store_dose_add(st, &d, "sync", repo_at(DAY1, 8, 0)), VB_OK);
		assert_int_equal(store_commit(st), VB_OK);
		assert_int_equal(
		    repo_count(st, "SELECT count(*) FROM outbox WHERE record_id = '%s'", d.id), 0);
		assert_int_equal(repo_count(st,
					    "SELECT count(*) FROM dose WHERE id = '%s' AND"
					    " bus_id IS NULL AND visit_id IS NULL",
					    d.id),
				 1);
	}
	assert_int_equal(repo_total(st, "stock_move"), moves_before);

	struct store_visit v;
	repo_add_visit(st, w->a.id, DAY1, repo_at(DAY1, 9, 0), &v);
	struct store_dose d = repo_bus_dose(&v, "bbibp-corv", "B1", 2, repo_at(DAY1, 9, 40));
	assert_int_equal(store_begin(st), VB_OK);
	assert_int_equal(store_dose_add(st, &d, REPO_STAFF, repo_at(DAY1, 9, 40)), VB_OK);
	assert_int_equal(store_commit(st), VB_OK);

	struct schedule_dose h[3];
	size_t n = 0;
	assert_int_equal(store_dose_history(st, w->a.id, h, 3, &n), VB_OK);
	assert_int_equal(n, 3);
	assert_string_equal(h[0].product, "bbibp-corv");
	assert_int_equal(h[0].date, repo_day("2021-03-01"));
	assert_string_equal(h[1].product, "coronavac");
	assert_int_equal(h[1].date, repo_day("2021-04-20"));
	assert_int_equal(h[2].date, repo_day(DAY1));
	size_t n2 = 42;
	assert_int_equal(store_dose_history(st, w->a.id, h, 2, &n2), VB_ERANGE);
	assert_int_equal(n2, 42);
	assert_int_equal(store_dose_history(st, w->b.id, h, 3, &n), VB_OK);
	assert_int_equal(n, 0);

	struct store_dose all[3];
	assert_int_equal(store_dose_list_person(st, w->a.id, all, 3, &n), VB_OK);
	assert_int_equal(n, 3);
	assert_string_equal(all[0].source, "certificate");
	assert_string_equal(all[0].visit_id, "");
	assert_string_equal(all[2].id, d.id);
	assert_string_equal(all[2].lot, "B1");

	const char *const secrets[] = {NAME_A, w->a.doc.number, "13912345678", "北京市朝阳区"};
	repo_assert_audit_clean(st, secrets, 4);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_tickets, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_visit_rollback, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_transitions_follow_core, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_defer_code_rules, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_open_for_person, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_dose_bus, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_dose_refusals, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_dose_rollback, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_history, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
