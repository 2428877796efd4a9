/* The day's report input: a day on the bus written through the
 * repositories the way the app does (core decides, store saves), gathered
 * for one local day and counted by the core's report_build: visits by
 * outcome, doses by product, vials, wastage, AEFIs, a stock reconciliation
 * with nothing unaccounted, the local-day boundaries, the site filter and
 * the zero report, and the platform reconciliation from the day's outbox
 * rows. The audit chain still verifies after the mixed sequence and holds
 * no personal data. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "report.h"
#include "store_aefi.h"
#include "store_outbox.h"
#include "store_report.h"
#include "store_repo_test.h"

#define DAY0 "2021-05-31"
#define DAY1 "2021-06-01"
#define DAY2 "2021-06-02"
#define DAY3 "2021-06-03"

static const char *const NAMES[] = {"张伟", "李娜", "王芳", "刘洋", "陈静", "杨磊", "赵敏"};
#define N_PEOPLE 7

struct bus {
	struct repo_fx *f;
	struct person people[N_PEOPLE];
	struct stock_lot lots[2]; /* B1 bbibp-corv 10 × 2, C1 coronavac 5 × 1 */
	struct stock_vial vials[8];
	char vial_ids[8][STORE_ID_LEN + 1];
	size_t n_vials;
};

static const enum visit_event TO_CALLED[] = {VISIT_EV_SCREEN, VISIT_EV_CONSENT, VISIT_EV_QUEUE,
					     VISIT_EV_CALL};

/* Vaccinates visit v from lots[li] at time at, in one transaction: vial,
 * lot, dose, visit state. */
static void give(struct bus *b, const struct store_visit *v, int li, int64_t at)
{
	struct store *st = b->f->st;
	struct stock_lot *lot = &b->lots[li];
	struct stock_effect eff;
	struct vb_reason why;
	repo_walk(st, v->id, TO_CALLED, 4, at - 60);
	assert_int_equal(stock_administer(lot, b->vials, &b->n_vials, 8, at, 6, &eff, &why), VB_OK);
	struct stock_vial *vial = &b->vials[eff.vial];
	struct store_dose d = repo_bus_dose(v, lot->product, lot->lot, 1, at);
	assert_int_equal(store_begin(st), VB_OK);
	if (eff.opened) {
		assert_int_equal(store_vial_add(st, vial, REPO_STAFF, at, b->vial_ids[eff.vial]),
				 VB_OK);
		assert_int_equal(store_lot_save(st, lot, REPO_STAFF, "lot.update", NULL, at),
				 VB_OK);
	}
	assert_int_equal(store_vial_save(st, b->vial_ids[eff.vial], vial, vial->doses_left == 0),
			 VB_OK);
	assert_int_equal(store_dose_add(st, &d, REPO_STAFF, at), VB_OK);
	assert_int_equal(
	    store_visit_transition(st, v->id, VISIT_EV_VACCINATE, NULL, REPO_STAFF, at, NULL),
	    VB_OK);
	assert_int_equal(store_commit(st), VB_OK);
}

static void walk(struct bus *b, const struct store_visit *v, const enum visit_event *ev, size_t n,
		 int64_t at)
{
	repo_walk(b->f->st, v->id, ev, n, at);
}

static int setup(void **state)
{
	struct bus *b = calloc(1, sizeof(*b));
	assert_non_null(b);
	b->f = repo_open(1);
	for (int i = 0; i < N_PEOPLE; i++) {
		char seq[4];
		snprintf(seq, sizeof(seq), "%03d", 11 + 2 * i);
		repo_person(&b->people[i], NAMES[i], "19800101", seq, "", "");
		repo_add_person(b->f->st, &b->people[i]);
	}
	b->lots[0] = repo_lot("bbibp-corv", "B1", 10, 2);
	b->lots[1] = repo_lot("coronavac", "C1", 5, 1);
	repo_add_lot(b->f->st, &b->lots[0], repo_at(DAY0, 10, 0));
	repo_add_lot(b->f->st, &b->lots[1], repo_at(DAY1, 7, 30));
	*state = b;
	return 0;
}

static int teardown(void **state)
{
	struct bus *b = *state;
	void *f = b->f;
	repo_teardown(&f);
	free(b);
	return 0;
}

/* The day: 5 visits at SITE-A (2 vaccinated from one B1 vial, one of them
 * with an AEFI; 1 deferred; 1 left registered; 1 vaccinated from C1 at
 * 23:50), a broken C1 vial, a visit deferred at SITE-B, and a dose just
 * after midnight that belongs to the next day. */
static void run_day(struct bus *b)
{
	struct store *st = b->f->st;
	struct store_visit v[N_PEOPLE];
	static const enum visit_event observe_release[] = {VISIT_EV_OBSERVE_START,
							   VISIT_EV_RELEASE};
	static const enum visit_event observe_aefi[] = {VISIT_EV_OBSERVE_START,
							VISIT_EV_REPORT_AEFI};
	static const enum visit_event defer[] = {VISIT_EV_DEFER};

	repo_add_visit(st, b->people[0].id, DAY1, repo_at(DAY1, 9, 0), &v[0]);
	give(b, &v[0], 0, repo_at(DAY1, 9, 10));
	walk(b, &v[0], observe_release, 2, repo_at(DAY1, 9, 40));

	repo_add_visit(st, b->people[1].id, DAY1, repo_at(DAY1, 9, 5), &v[1]);
	give(b, &v[1], 0, repo_at(DAY1, 9, 20));
	struct aefi a;
	memset(&a, 0, sizeof(a));
	snprintf(a.visit_id, sizeof(a.visit_id), "%s", v[1].id);
	a.onset = repo_at(DAY1, 9, 35);
	a.symptoms = AEFI_BIT(AEFI_SYM_SYNCOPE);
	a.severity = AEFI_MODERATE;
	a.action = AEFI_TREATED_ON_SITE;
	walk(b, &v[1], observe_aefi, 1, repo_at(DAY1, 9, 21));
	assert_int_equal(store_begin(st), VB_OK);
	assert_int_equal(store_aefi_add(st, &a, REPO_STAFF, a.onset), VB_OK);
	assert_int_equal(store_visit_transition(st, v[1].id, VISIT_EV_REPORT_AEFI, NULL, REPO_STAFF,
						a.onset, NULL),
			 VB_OK);
	assert_int_equal(store_commit(st), VB_OK);

	repo_add_visit(st, b->people[2].id, DAY1, repo_at(DAY1, 10, 0), &v[2]);
	walk(b, &v[2], defer, 1, repo_at(DAY1, 10, 1)); /* "fever" */
	repo_add_visit(st, b->people[3].id, DAY1, repo_at(DAY1, 10, 30), &v[3]);

	/* A broken vial of C1. */
	struct stock_wastage w;
	struct vb_reason why;
	assert_int_equal(stock_waste_vials(&b->lots[1], 1, STOCK_WASTE_BROKEN, NULL,
					   repo_at(DAY1, 11, 0), &w, &why),
			 VB_OK);
	assert_int_equal(store_begin(st), VB_OK);
	assert_int_equal(store_wastage_add(st, &w, REPO_STAFF, w.at), VB_OK);
	assert_int_equal(store_lot_save(st, &b->lots[1], REPO_STAFF, "lot.update", NULL, w.at),
			 VB_OK);
	assert_int_equal(store_commit(st), VB_OK);

	/* The afternoon at another site: one deferral. */
	assert_int_equal(store_meta_init_identity(st, REPO_BUS, "SITE-B"), VB_OK);
	repo_add_visit(st, b->people[6].id, DAY1, repo_at(DAY1, 15, 0), &v[6]);
	walk(b, &v[6], defer, 1, repo_at(DAY1, 15, 1));
	assert_int_equal(store_meta_init_identity(st, REPO_BUS, REPO_SITE), VB_OK);

	/* Late evening and just after midnight (local). */
	repo_add_visit(st, b->people[4].id, DAY1, repo_at(DAY1, 23, 40), &v[4]);
	give(b, &v[4], 1, repo_at(DAY1, 23, 50));
	repo_add_visit(st, b->people[5].id, DAY2, repo_at(DAY2, 0, 5), &v[5]);
	give(b, &v[5], 1, repo_at(DAY2, 0, 10));
}

static const struct report_product *product(const struct report *r, const char *name)
{
	for (size_t i = 0; i < r->n_products; i++)
		if (strcmp(r->products[i].name, name) == 0)
			return &r->products[i];
	static const struct report_product none;
	fail_msg("no product %s in the report", name);
	return &none; /* not reached: fail_msg jumps out of the test */
}

static void build(struct store *st, const char *site, const char *iso, struct report *r)
{
	struct store_report_data d;
	struct vb_reason why;
	assert_int_equal(store_report_gather(st, site, repo_day(iso), REPO_CN_OFFS, &d), VB_OK);
	if (report_build(&d.in, r, &why))
		fail_msg("report_build: %s", why.text);
	store_report_cleanup(&d);
}

static void test_day(void **state)
{
	struct bus *b = *state;
	struct store *st = b->f->st;
	struct report r;
	run_day(b);

	build(st, REPO_SITE, DAY1, &r);
	assert_string_equal(r.site, REPO_SITE);
	assert_int_equal(r.date, repo_day(DAY1));
	assert_int_equal(r.registered, 5);
	assert_int_equal(r.vaccinated, 3);
	assert_int_equal(r.deferred, 1);
	assert_int_equal(r.not_completed, 1);
	assert_int_equal(r.n_defer, 1);
	assert_string_equal(r.defer[0].code, "fever");
	assert_int_equal(r.doses_total, 3);
	assert_int_equal(r.zero_report, 0);
	assert_int_equal(r.aefi_total, 1);
	assert_int_equal(r.aefi[AEFI_MODERATE], 1);
	assert_int_equal(r.vials_opened, 2);
	assert_int_equal(r.wasted_total, 1);
	assert_int_equal(r.wasted_by_reason[STOCK_WASTE_BROKEN], 1);

	const struct report_product *bb = product(&r, "bbibp-corv");
	assert_int_equal(bb->doses[0], 2);
	assert_int_equal(bb->vials_opened, 1);
	assert_int_equal(bb->stock_start, 20);
	assert_int_equal(bb->stock_received, 0);
	assert_int_equal(bb->stock_end, 18);
	assert_int_equal(bb->unaccounted, 0);
	const struct report_product *cv = product(&r, "coronavac");
	assert_int_equal(cv->doses_total, 1);
	assert_int_equal(cv->wasted, 1);
	assert_int_equal(cv->stock_start, 0);
	assert_int_equal(cv->stock_received, 5);
	assert_int_equal(cv->stock_end, 3);
	assert_int_equal(cv->unaccounted, 0);

	/* Every site of the day: SITE-B's deferral joins. */
	build(st, NULL, DAY1, &r);
	assert_string_equal(r.site, REPO_SITE); /* meta's current site */
	assert_int_equal(r.registered, 6);
	assert_int_equal(r.deferred, 2);
	assert_int_equal(r.doses_total, 3);
	build(st, "SITE-B", DAY1, &r);
	assert_int_equal(r.registered, 1);
	assert_int_equal(r.doses_total, 0);

	/* The next day holds the dose after midnight only; its stock starts
	 * where DAY1's ended. */
	build(st, REPO_SITE, DAY2, &r);
	assert_int_equal(r.registered, 1);
	assert_int_equal(r.doses_total, 1);
	assert_int_equal(r.vials_opened, 1);
	assert_int_equal(r.wasted_total, 0);
	assert_int_equal(product(&r, "coronavac")->stock_start, 3);
	assert_int_equal(product(&r, "coronavac")->stock_end, 2);
	assert_int_equal(product(&r, "coronavac")->unaccounted, 0);

	/* A day without a dose: the zero report, stock carried over. */
	build(st, REPO_SITE, DAY3, &r);
	assert_int_equal(r.zero_report, 1);
	assert_int_equal(r.registered, 0);
	assert_int_equal(product(&r, "bbibp-corv")->stock_start, 18);
	assert_int_equal(product(&r, "bbibp-corv")->stock_end, 18);
	assert_int_equal(product(&r, "coronavac")->unaccounted, 0);

	/* The mixed sequence left a chain that verifies, without names or
	 * document numbers. */
	const char *secrets[2 * N_PEOPLE];
	for (int i = 0; i < N_PEOPLE; i++) {
		secrets[2 * i] = NAMES[i];
		secrets[2 * i + 1] = b->people[i].doc.number;
	}
	repo_assert_audit_clean(st, secrets, 2 * N_PEOPLE);
}

static void test_gather_arrays(void **state)
{
	struct bus *b = *state;
	struct store *st = b->f->st;
	struct store_report_data d;
	run_day(b);

	/* Inside the caller's transaction too; nothing is left open by it. */
	assert_int_equal(store_begin(st), VB_OK);
	assert_int_equal(store_report_gather(st, REPO_SITE, repo_day(DAY1), REPO_CN_OFFS, &d),
			 VB_OK);
	assert_int_equal(store_in_transaction(st), 1);
	assert_int_equal(store_rollback(st), VB_OK);
	assert_int_equal(d.in.n_visits, 5);
	assert_ptr_equal(d.in.visits, d.visits);
	assert_ptr_equal(d.in.site, d.site);
	assert_int_equal(d.visits[2].state, VISIT_DEFERRED);
	assert_string_equal(d.visits[2].defer_code, "fever");
	assert_string_equal(d.visits[0].defer_code, "");
	assert_int_equal(d.in.n_doses, 3);
	assert_string_equal(d.doses[0].lot, "B1");
	assert_int_equal(d.doses[0].dose_number, 1);
	assert_int_equal(d.in.n_aefis, 1);
	assert_int_equal(d.aefis[0].symptoms, AEFI_BIT(AEFI_SYM_SYNCOPE));
	assert_int_equal(d.in.n_vials, 2);
	assert_int_equal(d.in.n_waste, 1);
	assert_int_equal(d.waste[0].doses, 1);
	assert_int_equal(d.in.n_stock, 2);
	assert_string_equal(d.stock[0].lot, "B1");
	store_report_cleanup(&d);
	assert_null(d.visits);
	store_report_cleanup(&d); /* emptied: harmless */
	store_report_cleanup(NULL);
	assert_int_equal(store_in_transaction(st), 0);

	/* The UTC offset moves the window of timed records: with offset 0,
	 * DAY1 runs to 08:00 local on DAY2, so the vial opened at 00:10 local
	 * is in it. Doses and visits keep the civil date the app gave them. */
	assert_int_equal(store_report_gather(st, REPO_SITE, repo_day(DAY1), 0, &d), VB_OK);
	assert_int_equal(d.in.n_doses, 3);
	assert_int_equal(d.in.n_visits, 5);
	assert_int_equal(d.in.n_vials, 3);
	store_report_cleanup(&d);

	/* Bad arguments write nothing. */
	memset(&d, 0x5a, sizeof(d));
	struct store_report_data before = d;
	assert_int_equal(store_report_gather(st, NULL, VBDATE_NONE, 0, &d), VB_EINVAL);
	assert_int_equal(store_report_gather(st, NULL, repo_day(DAY1), 1441, &d), VB_EINVAL);
	char long_site[REPORT_SITE_LEN + 1];
	memset(long_site, 'S', sizeof(long_site) - 1);
	long_site[sizeof(long_site) - 1] = '\0';
	assert_int_equal(store_report_gather(st, long_site, repo_day(DAY1), 0, &d), VB_EINVAL);
	assert_memory_equal(&d, &before, sizeof(d));
}

/* The day's outbox rows by state: captured = acknowledged + pending +
 * failed, in flight counting as pending; rows of other days left out. */
static void test_sync_reconciliation(void **state)
{
	struct bus *b = *state;
	struct store *st = b->f->st;
	struct report r;
	struct store_outbox_row rows[64];
	size_t n = 0;
	const int64_t from = repo_at(DAY1, 0, 0), to = repo_at(DAY2, 0, 0);
	run_day(b);
	const int64_t day1 = repo_count(st,
					"SELECT count(*) FROM outbox WHERE created_at >= %lld"
					" AND created_at < %lld",
					(long long)from, (long long)to);
	assert_true(day1 >= 3);
	build(st, REPO_SITE, DAY1, &r);
	assert_int_equal(r.sync_captured, day1);
	assert_int_equal(r.sync_pending, day1);
	assert_int_equal(r.sync_acknowledged, 0);
	assert_int_equal(r.sync_failed, 0);

	/* The link: DAY1's first row acknowledged, its second refused, its
	 * others left in flight; every other day's row acknowledged. */
	const int64_t now = repo_at(DAY3, 12, 0);
	assert_int_equal(store_outbox_claim(st, 64, now, rows, &n), VB_OK);
	assert_true(n < 64);
	int64_t seen = 0;
	for (size_t i = 0; i < n; i++) {
		int in_day = rows[i].created_at >= from && rows[i].created_at < to;
		if (in_day && seen == 1)
			assert_int_equal(store_outbox_fail(st, rows[i].id, "HTTP 422", now), VB_OK);
		else if (!in_day || seen == 0)
			assert_int_equal(store_outbox_ack(st, rows[i].id, NULL, now), VB_OK);
		seen += in_day;
	}
	assert_int_equal(seen, day1);
	build(st, REPO_SITE, DAY1, &r);
	assert_int_equal(r.sync_captured, day1);
	assert_int_equal(r.sync_acknowledged, 1);
	assert_int_equal(r.sync_failed, 1);
	assert_int_equal(r.sync_pending, day1 - 2);
	build(st, REPO_SITE, DAY3, &r);
	assert_int_equal(r.sync_captured, 0);
}

static void test_empty_database(void **state)
{
	(void)state;
	struct report r;
	struct repo_fx *f = repo_open(0); /* no identity, no records */
	build(f->st, NULL, DAY1, &r);
	assert_string_equal(r.site, "");
	assert_int_equal(r.zero_report, 1);
	assert_int_equal(r.n_products, 0);
	void *p = f;
	repo_teardown(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_day, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_gather_arrays, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_sync_reconciliation, setup, teardown),
	    cmocka_unit_test(test_empty_database),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
