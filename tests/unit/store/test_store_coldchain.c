/* Cold chain: readings (one per fridge and second, by time), and an
 * excursion's life from the core's live feed through quarantine to the
 * staff's decision, with the lots' flags saved alongside; refusals,
 * rollback, audit rows without the decision's note. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "coldchain.h"
#include "store_coldchain.h"
#include "store_repo_test.h"

#define T0 1622505600

static void add_reading(struct store *st, const char *fridge, int64_t at, int centi)
{
	assert_int_equal(store_begin(st), VB_OK);
	assert_int_equal(store_temp_add(st, fridge, at, centi), VB_OK);
	assert_int_equal(store_commit(st), VB_OK);
}

static void test_readings(void **state)
{
	struct repo_fx *f = *state;
	struct store *st = f->st;
	/* Stored out of order, listed by time. */
	static const struct coldchain_reading in[] = {
	    {T0 + 120, 450}, {T0, 400}, {T0 + 60, -150}, {T0 + 180, 900}};
	for (size_t i = 0; i < 4; i++)
		add_reading(st, "F1", in[i].at, in[i].centi_c);
	add_reading(st, "F2", T0, 500);

	/* The same second twice: refused, the first reading stays. */
	assert_int_equal(store_begin(st), VB_OK);
	assert_int_equal(store_temp_add(st, "F1", T0, 999), VB_EEXIST);
	assert_int_equal(store_temp_add(st, "", T0, 999), VB_EINVAL);
	assert_int_equal(store_temp_add(st, "FRIDGE-NAME-TOO-LONG", T0, 999), VB_EINVAL);
	assert_int_equal(store_commit(st), VB_OK);
	assert_int_equal(store_temp_add(st, "F1", T0 + 5, 400), VB_ESTATE);

	struct coldchain_reading out[4];
	size_t n = 0;
	assert_int_equal(store_temp_list(st, "F1", 0, out, 4, &n), VB_OK);
	assert_int_equal(n, 4);
	static const int64_t at[] = {T0, T0 + 60, T0 + 120, T0 + 180};
	static const int centi[] = {400, -150, 450, 900};
	for (size_t i = 0; i < 4; i++) {
		assert_int_equal(out[i].at, at[i]);
		assert_int_equal(out[i].centi_c, centi[i]);
	}
	assert_int_equal(store_temp_list(st, "F1", T0 + 60, out, 4, &n), VB_OK);
	assert_int_equal(n, 3);
	size_t n2 = 11;
	assert_int_equal(store_temp_list(st, "F1", 0, out, 3, &n2), VB_ERANGE);
	assert_int_equal(n2, 11);
	assert_int_equal(store_temp_list(st, "F3", 0, out, 4, &n), VB_OK);
	assert_int_equal(n, 0);

	/* The listed readings are the core's scan input. */
	struct coldchain_config cfg;
	struct coldchain_excursion exc[3];
	size_t n_exc = 0;
	int quarantine = -1;
	coldchain_config_init(&cfg);
	assert_int_equal(store_temp_list(st, "F1", 0, out, 4, &n), VB_OK);
	assert_int_equal(coldchain_scan(out, n, &cfg, T0 + 200, exc, 3, &n_exc, &quarantine),
			 VB_OK);
	assert_int_equal(n_exc, 2);
	assert_int_equal(exc[0].min_centi, -150);
	assert_int_equal(repo_total(st, "audit"), 0); /* readings are not audited */
}

/* Feeds readings through the core's live feed and stores what it says. */
struct live {
	struct coldchain_state cs;
	struct coldchain_config cfg;
	char id[STORE_ID_LEN + 1];
};

static void feed(struct store *st, struct live *lv, struct stock_lot *lots, size_t n_lots,
		 int64_t at, int centi)
{
	struct coldchain_reading r = {at, centi};
	struct coldchain_effect eff;
	assert_int_equal(coldchain_feed(&lv->cs, &lv->cfg, &r, &eff), VB_OK);
	assert_int_equal(store_begin(st), VB_OK);
	assert_int_equal(store_temp_add(st, "F1", at, centi), VB_OK);
	if (eff.started)
		assert_int_equal(store_excursion_add(st, "F1", &eff.excursion, "kiosk", at, lv->id),
				 VB_OK);
	else if (eff.in_excursion || eff.ended)
		assert_int_equal(store_excursion_update(st, lv->id, &eff.excursion, "kiosk", at),
				 VB_OK);
	if (eff.quarantine) {
		size_t changed = 0;
		assert_int_equal(stock_quarantine_fridge(lots, n_lots, "F1", &changed), VB_OK);
		for (size_t i = 0; i < n_lots; i++)
			assert_int_equal(
			    store_lot_save(st, &lots[i], "kiosk", "lot.quarantine", NULL, at),
			    VB_OK);
	}
	assert_int_equal(store_commit(st), VB_OK);
}

static void test_excursion_life(void **state)
{
	struct repo_fx *f = *state;
	struct store *st = f->st;
	struct stock_lot lots[1] = {repo_lot("bbibp-corv", "B1", 10, 2)};
	repo_add_lot(st, &lots[0], T0 - 3600);
	struct live lv;
	memset(&lv, 0, sizeof(lv));
	coldchain_state_init(&lv.cs);
	coldchain_config_init(&lv.cfg);

	feed(st, &lv, lots, 1, T0, 500);
	feed(st, &lv, lots, 1, T0 + 60, 950); /* starts: recorded */
	struct store_excursion e;
	assert_int_equal(store_excursion_get(st, lv.id, &e), VB_OK);
	assert_int_equal(e.state, STORE_EXCURSION_RECORDED);
	assert_int_equal(e.exc.open, 1);
	assert_int_equal(e.exc.start, T0 + 60);
	assert_string_equal(e.fridge, "F1");
	assert_int_equal(store_excursion_find_open(st, "F1", &e), VB_OK);
	assert_string_equal(e.id, lv.id);

	feed(st, &lv, lots, 1, T0 + 360, 1100);
	feed(st, &lv, lots, 1, T0 + 700, 1000); /* over 600 s: quarantined */
	assert_int_equal(store_excursion_get(st, lv.id, &e), VB_OK);
	assert_int_equal(e.state, STORE_EXCURSION_QUARANTINED);
	assert_int_equal(e.exc.over_limit, 1);
	assert_int_equal(e.exc.max_centi, 1100);
	assert_int_equal(e.exc.end, T0 + 700);
	struct stock_lot got;
	assert_int_equal(store_lot_get(st, "B1", &got), VB_OK);
	assert_int_equal(got.quarantined, 1);

	/* Staff cannot decide while the fridge is still out of range. */
	struct coldchain_verdict v;
	struct vb_reason why;
	struct coldchain_excursion open_exc = e.exc;
	open_exc.open = 0; /* make the core's check pass, the store still refuses */
	assert_int_equal(coldchain_decide(&open_exc, COLDCHAIN_RELEASE, "staff-07",
					  "maker's stability data", &v, &why),
			 VB_OK);
	assert_int_equal(store_begin(st), VB_OK);
	assert_int_equal(store_excursion_decide(st, lv.id, &v, T0 + 720), VB_ESTATE);
	assert_int_equal(store_commit(st), VB_OK);

	feed(st, &lv, lots, 1, T0 + 900, 600); /* back in range: ended */
	assert_int_equal(store_excursion_get(st, lv.id, &e), VB_OK);
	assert_int_equal(e.exc.open, 0);
	assert_int_equal(e.exc.end, T0 + 900);
	assert_int_equal(e.exc.seconds, 840);
	assert_int_equal(store_excursion_find_open(st, "F1", &e), VB_ENOTFOUND);
	assert_int_equal(
	    repo_count(st, "SELECT count(*) FROM excursion WHERE ended_at = %d", T0 + 900), 1);

	/* Ended excursions take no more updates. */
	assert_int_equal(store_begin(st), VB_OK);
	assert_int_equal(store_excursion_update(st, lv.id, &e.exc, "kiosk", T0 + 950), VB_ESTATE);
	assert_int_equal(store_commit(st), VB_OK);

	/* The decision, with the lots released in the same transaction. */
	assert_int_equal(store_excursion_get(st, lv.id, &e), VB_OK);
	assert_int_equal(coldchain_decide(&e.exc, COLDCHAIN_RELEASE, "staff-07",
					  "maker's stability data", &v, &why),
			 VB_OK);
	assert_int_equal(store_begin(st), VB_OK);
	assert_int_equal(store_excursion_decide(st, lv.id, &v, T0 + 1000), VB_OK);
	assert_int_equal(stock_release_fridge(lots, 1, "F1", NULL), VB_OK);
	assert_int_equal(store_lot_save(st, &lots[0], "staff-07", "lot.release", NULL, T0 + 1000),
			 VB_OK);
	assert_int_equal(store_commit(st), VB_OK);
	assert_int_equal(store_excursion_get(st, lv.id, &e), VB_OK);
	assert_int_equal(e.state, STORE_EXCURSION_RELEASED);
	assert_string_equal(e.decided_by, "staff-07");
	assert_int_equal(e.decided_at, T0 + 1000);
	assert_string_equal(e.note, "maker's stability data");
	assert_int_equal(store_lot_get(st, "B1", &got), VB_OK);
	assert_int_equal(got.quarantined, 0);
	assert_int_equal(repo_count(st,
				    "SELECT count(*) FROM audit WHERE action = 'temp.release'"
				    " AND actor = 'staff-07' AND record_id = '%s'",
				    lv.id),
			 1);
	assert_int_equal(repo_count(st,
				    "SELECT count(*) FROM audit WHERE action ="
				    " 'temp.excursion' AND record_id = '%s'",
				    lv.id),
			 4);

	/* Decided once. */
	assert_int_equal(store_begin(st), VB_OK);
	assert_int_equal(store_excursion_decide(st, lv.id, &v, T0 + 1100), VB_ESTATE);
	assert_int_equal(store_commit(st), VB_OK);

	const char *const secrets[] = {"stability"};
	repo_assert_audit_clean(st, secrets, 1);
	assert_int_equal(repo_total(st, "outbox"), 0);
}

static void test_excursion_refusals(void **state)
{
	struct repo_fx *f = *state;
	struct store *st = f->st;
	struct coldchain_excursion short_exc = {.start = T0,
						.end = T0 + 120,
						.open = 0,
						.min_centi = 850,
						.max_centi = 900,
						.seconds = 120};
	char id[STORE_ID_LEN + 1], id2[STORE_ID_LEN + 1];
	assert_int_equal(store_excursion_add(st, "F1", &short_exc, "kiosk", T0, id), VB_ESTATE);
	assert_int_equal(store_begin(st), VB_OK);
	assert_int_equal(store_excursion_add(st, "F1", &short_exc, "kiosk", T0 + 120, id), VB_OK);
	assert_int_equal(store_excursion_add(st, "F1", &short_exc, "kiosk", T0 + 120, id2),
			 VB_EEXIST);
	struct coldchain_excursion bad = short_exc;
	bad.end = bad.start - 1;
	assert_int_equal(store_excursion_add(st, "F2", &bad, "kiosk", T0, id2), VB_EINVAL);
	bad = short_exc;
	bad.min_centi = 1000;
	assert_int_equal(store_excursion_add(st, "F2", &bad, "kiosk", T0, id2), VB_EINVAL);
	assert_int_equal(store_excursion_add(st, "", &short_exc, "kiosk", T0, id2), VB_EINVAL);
	assert_int_equal(store_commit(st), VB_OK);
	assert_int_equal(repo_total(st, "excursion"), 1);

	/* A short spike quarantined nothing: there is nothing to decide. */
	struct coldchain_verdict v = {.decision = COLDCHAIN_DISCARD, .staff = "staff-07"};
	assert_int_equal(store_begin(st), VB_OK);
	assert_int_equal(store_excursion_decide(st, id, &v, T0 + 200), VB_ESTATE);
	assert_int_equal(
	    store_excursion_decide(st, "01890a5d-ac96-774b-bcce-b302099a8057", &v, T0 + 200),
	    VB_ENOTFOUND);
	v.decision = COLDCHAIN_DECISION_COUNT;
	assert_int_equal(store_excursion_decide(st, id, &v, T0 + 200), VB_EINVAL);
	/* Another start is another excursion. */
	struct coldchain_excursion moved = short_exc;
	moved.start = T0 + 1;
	assert_int_equal(store_excursion_update(st, id, &moved, "kiosk", T0 + 200), VB_EINVAL);
	assert_int_equal(store_commit(st), VB_OK);

	/* A quarantine that is discarded; rolled back, nothing changes. */
	struct coldchain_excursion long_exc = {.start = T0 + 3600,
					       .end = T0 + 7200,
					       .open = 0,
					       .min_centi = -300,
					       .max_centi = 100,
					       .seconds = 3600,
					       .over_limit = 1};
	int64_t audit_before = repo_total(st, "audit");
	assert_int_equal(store_begin(st), VB_OK);
	assert_int_equal(store_excursion_add(st, "F1", &long_exc, "kiosk", T0 + 7200, id2), VB_OK);
	v.decision = COLDCHAIN_DISCARD;
	assert_int_equal(store_excursion_decide(st, id2, &v, T0 + 7300), VB_OK);
	assert_int_equal(store_rollback(st), VB_OK);
	assert_int_equal(repo_total(st, "excursion"), 1);
	assert_int_equal(repo_total(st, "audit"), audit_before);

	assert_int_equal(store_begin(st), VB_OK);
	assert_int_equal(store_excursion_add(st, "F1", &long_exc, "kiosk", T0 + 7200, id2), VB_OK);
	assert_int_equal(store_excursion_decide(st, id2, &v, T0 + 7300), VB_OK);
	assert_int_equal(store_commit(st), VB_OK);
	struct store_excursion e;
	assert_int_equal(store_excursion_get(st, id2, &e), VB_OK);
	assert_int_equal(e.state, STORE_EXCURSION_DISCARDED);
	assert_int_equal(e.exc.min_centi, -300);
	assert_int_equal(repo_audit_rows(st, "temp.discard", id2), 1);
}

static void test_excursion_list(void **state)
{
	struct repo_fx *f = *state;
	struct store *st = f->st;
	struct coldchain_excursion x[3] = {
	    {.start = T0, .end = T0 + 100, .min_centi = 900, .max_centi = 950},
	    {.start = T0 + 5000, .end = T0 + 5100, .open = 1, .min_centi = 100, .max_centi = 150},
	    {.start = T0 + 200, .end = T0 + 300, .min_centi = 900, .max_centi = 901},
	};
	static const char *const fridge[] = {"F1", "F1", "F2"};
	char ids[3][STORE_ID_LEN + 1];
	assert_int_equal(store_begin(st), VB_OK);
	for (int i = 0; i < 3; i++)
		assert_int_equal(store_excursion_add(st, fridge[i], &x[i], "kiosk", T0, ids[i]),
				 VB_OK);
	assert_int_equal(store_commit(st), VB_OK);

	struct store_excursion out[3];
	size_t n = 0;
	assert_int_equal(store_excursion_list(st, NULL, 0, out, 3, &n), VB_OK);
	assert_int_equal(n, 3);
	assert_string_equal(out[0].id, ids[0]); /* by start */
	assert_string_equal(out[1].id, ids[2]);
	assert_string_equal(out[2].id, ids[1]);
	assert_int_equal(store_excursion_list(st, "F1", 0, out, 3, &n), VB_OK);
	assert_int_equal(n, 2);
	/* since: ended before it are left out; an open one always counts. */
	assert_int_equal(store_excursion_list(st, NULL, T0 + 250, out, 3, &n), VB_OK);
	assert_int_equal(n, 2);
	assert_int_equal(store_excursion_list(st, NULL, T0 + 9999, out, 3, &n), VB_OK);
	assert_int_equal(n, 1);
	assert_string_equal(out[0].id, ids[1]);
	size_t n2 = 7;
	assert_int_equal(store_excursion_list(st, NULL, 0, out, 2, &n2), VB_ERANGE);
	assert_int_equal(n2, 7);
	assert_int_equal(store_excursion_list(st, "bad fridge", 0, out, 3, &n), VB_EINVAL);

	assert_string_equal(store_excursion_state_name(STORE_EXCURSION_QUARANTINED), "quarantined");
	assert_null(store_excursion_state_name(STORE_EXCURSION_STATE_COUNT));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_readings, repo_setup, repo_teardown),
	    cmocka_unit_test_setup_teardown(test_excursion_life, repo_setup, repo_teardown),
	    cmocka_unit_test_setup_teardown(test_excursion_refusals, repo_setup, repo_teardown),
	    cmocka_unit_test_setup_teardown(test_excursion_list, repo_setup, repo_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
