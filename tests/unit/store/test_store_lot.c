/* Lots, vials, the stock ledger and wastage: records with their audit
 * rows and movements, roll back together, foreign keys, the ledger's sums
 * agree with the core's stock_doses() after the core's own operations. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "store_repo_test.h"

#define T0 1622505600 /* 2021-06-01 08:00 in China */

static int64_t doses_at(struct store *st, const char *product, const char *lot, int64_t at)
{
	int64_t d = -999;
	assert_int_equal(store_stock_doses_at(st, product, lot, at, &d), VB_OK);
	return d;
}

static void assert_lot_equal(const struct stock_lot *a, const struct stock_lot *b)
{
	assert_string_equal(a->product, b->product);
	assert_string_equal(a->lot, b->lot);
	assert_string_equal(a->gtin, b->gtin);
	assert_int_equal(a->expiry, b->expiry);
	assert_int_equal(a->doses_per_vial, b->doses_per_vial);
	assert_int_equal(a->vials, b->vials);
	assert_string_equal(a->fridge, b->fridge);
	assert_int_equal(a->recalled, b->recalled);
	assert_int_equal(a->quarantined, b->quarantined);
}

static void test_lot_add_get(void **state)
{
	struct repo_fx *f = *state;
	struct stock_lot l = repo_lot("bbibp-corv", "202106A01", 20, 2), got;
	snprintf(l.gtin, sizeof(l.gtin), "06970000000011");
	repo_add_lot(f->st, &l, T0);

	assert_int_equal(store_lot_get(f->st, "202106A01", &got), VB_OK);
	assert_lot_equal(&got, &l);
	assert_int_equal(repo_count(f->st, "SELECT count(*) FROM lot WHERE expiry = '2022-01-31'"),
			 1);
	assert_int_equal(repo_count(f->st,
				    "SELECT count(*) FROM stock_move WHERE kind = 'receive'"
				    " AND doses = 40 AND at = %d AND lot = '202106A01'",
				    T0),
			 1);
	assert_int_equal(repo_count(f->st, "SELECT count(*) FROM audit WHERE action = 'lot.add'"
					   " AND detail LIKE '%%lot=202106A01%%doses=40%%'"),
			 1);
	/* Lots go nowhere: no outbox row. */
	assert_int_equal(repo_total(f->st, "outbox"), 0);

	/* Unknown expiry round-trips as NONE. */
	struct stock_lot u = repo_lot("coronavac", "CV-1", 0, 1);
	u.expiry = VBDATE_NONE;
	repo_add_lot(f->st, &u, T0);
	assert_int_equal(store_lot_get(f->st, "CV-1", &got), VB_OK);
	assert_int_equal(got.expiry, VBDATE_NONE);
	assert_int_equal(repo_total(f->st, "stock_move"), 1); /* no vials, no movement */

	memset(&got, 0x5a, sizeof(got));
	struct stock_lot before = got;
	assert_int_equal(store_lot_get(f->st, "NOPE", &got), VB_ENOTFOUND);
	assert_memory_equal(&got, &before, sizeof(got));
}

static void test_lot_refusals(void **state)
{
	struct repo_fx *f = *state;
	struct stock_lot l = repo_lot("bbibp-corv", "L1", 5, 2);
	repo_add_lot(f->st, &l, T0);
	int64_t audit_before = repo_total(f->st, "audit");

	enum { DUP, BAD_GTIN, NO_PRODUCT, BAD_DPV, NEG_VIALS, BAD_FLAG, NO_FRIDGE, N_CASES };
	static const int want[N_CASES] = {VB_EEXIST, VB_EINVAL, VB_EINVAL, VB_EINVAL,
					  VB_EINVAL, VB_EINVAL, VB_EINVAL};
	for (int c = 0; c < N_CASES; c++) {
		struct stock_lot x = repo_lot("bbibp-corv", "L2", 5, 2);
		switch (c) {
		case DUP:
			snprintf(x.lot, sizeof(x.lot), "L1");
			break;
		case BAD_GTIN:
			snprintf(x.gtin, sizeof(x.gtin), "123");
			break;
		case NO_PRODUCT:
			x.product[0] = '\0';
			break;
		case BAD_DPV:
			x.doses_per_vial = 0;
			break;
		case NEG_VIALS:
			x.vials = -1;
			break;
		case BAD_FLAG:
			x.recalled = 2;
			break;
		case NO_FRIDGE:
			x.fridge[0] = '\0';
			break;
		}
		assert_int_equal(store_begin(f->st), VB_OK);
		assert_int_equal(store_lot_add(f->st, &x, REPO_STAFF, T0), want[c]);
		assert_int_equal(store_commit(f->st), VB_OK); /* nothing half-written */
	}
	assert_int_equal(repo_total(f->st, "lot"), 1);
	assert_int_equal(repo_total(f->st, "stock_move"), 1);
	assert_int_equal(repo_total(f->st, "audit"), audit_before);
	assert_int_equal(store_lot_add(f->st, &l, REPO_STAFF, T0), VB_ESTATE);
}

static void test_lot_rollback(void **state)
{
	struct repo_fx *f = *state;
	struct stock_lot l = repo_lot("bbibp-corv", "L1", 5, 2);
	struct stock_wastage w;
	struct vb_reason why;
	int64_t audit_before = repo_total(f->st, "audit");
	assert_int_equal(store_begin(f->st), VB_OK);
	assert_int_equal(store_lot_add(f->st, &l, REPO_STAFF, T0), VB_OK);
	assert_int_equal(stock_waste_vials(&l, 1, STOCK_WASTE_BROKEN, NULL, T0 + 60, &w, &why),
			 VB_OK);
	assert_int_equal(store_wastage_add(f->st, &w, REPO_STAFF, T0 + 60), VB_OK);
	assert_int_equal(store_lot_save(f->st, &l, REPO_STAFF, "lot.update", NULL, T0 + 60), VB_OK);
	assert_int_equal(store_rollback(f->st), VB_OK);
	assert_int_equal(repo_total(f->st, "lot"), 0);
	assert_int_equal(repo_total(f->st, "stock_move"), 0);
	assert_int_equal(repo_total(f->st, "wastage"), 0);
	assert_int_equal(repo_total(f->st, "audit"), audit_before);
}

static void test_lot_list(void **state)
{
	struct repo_fx *f = *state;
	struct stock_lot in[4] = {
	    repo_lot("coronavac", "C2", 1, 1),
	    repo_lot("bbibp-corv", "B9", 1, 2),
	    repo_lot("bbibp-corv", "B1", 1, 2),
	    repo_lot("bbibp-corv", "B5", 1, 2),
	};
	in[1].expiry = repo_day("2021-09-30");
	in[3].expiry = VBDATE_NONE;
	for (int i = 0; i < 4; i++)
		repo_add_lot(f->st, &in[i], T0);
	struct stock_lot out[4];
	size_t n = 99;
	assert_int_equal(store_lot_list(f->st, out, 3, &n), VB_ERANGE);
	assert_int_equal(n, 99);
	assert_int_equal(store_lot_list(f->st, out, 4, &n), VB_OK);
	assert_int_equal(n, 4);
	/* product, then expiry (unknown last), then number */
	static const char *const order[] = {"B9", "B1", "B5", "C2"};
	for (size_t i = 0; i < 4; i++)
		assert_string_equal(out[i].lot, order[i]);
}

static void test_lot_save_flags(void **state)
{
	struct repo_fx *f = *state;
	struct stock_lot lots[2] = {repo_lot("bbibp-corv", "L1", 5, 2),
				    repo_lot("coronavac", "L2", 5, 1)};
	snprintf(lots[1].fridge, sizeof(lots[1].fridge), "F2");
	repo_add_lot(f->st, &lots[0], T0);
	repo_add_lot(f->st, &lots[1], T0);

	/* The core quarantines fridge F1; the store saves what changed. */
	size_t changed = 0;
	assert_int_equal(stock_quarantine_fridge(lots, 2, "F1", &changed), VB_OK);
	assert_int_equal(changed, 1);
	assert_int_equal(store_begin(f->st), VB_OK);
	assert_int_equal(
	    store_lot_save(f->st, &lots[0], REPO_STAFF, "lot.quarantine", "excursion=x1", T0 + 10),
	    VB_OK);
	assert_int_equal(store_commit(f->st), VB_OK);
	struct stock_lot got;
	assert_int_equal(store_lot_get(f->st, "L1", &got), VB_OK);
	assert_int_equal(got.quarantined, 1);
	assert_int_equal(repo_count(f->st,
				    "SELECT count(*) FROM audit WHERE action ="
				    " 'lot.quarantine' AND record_id = 'L1' AND detail ="
				    " 'lot=L1 vials=5 recalled=0 quarantined=1 excursion=x1'"),
			 1);

	/* Recall: saved, and never lifted again. A flag moves no dose. */
	size_t marked = 0;
	assert_int_equal(stock_recall(lots, 2, "L2", NULL, &marked), VB_OK);
	assert_int_equal(store_begin(f->st), VB_OK);
	assert_int_equal(store_lot_save(f->st, &lots[1], REPO_STAFF, "lot.recall", NULL, T0 + 20),
			 VB_OK);
	lots[1].recalled = 0;
	assert_int_equal(store_lot_save(f->st, &lots[1], REPO_STAFF, "lot.update", NULL, T0 + 30),
			 VB_EINVAL);
	struct stock_lot ghost = repo_lot("coronavac", "L9", 1, 1);
	assert_int_equal(store_lot_save(f->st, &ghost, REPO_STAFF, "lot.update", NULL, T0 + 30),
			 VB_ENOTFOUND);
	assert_int_equal(store_lot_save(f->st, &lots[0], REPO_STAFF, "bad action", NULL, T0 + 30),
			 VB_EINVAL);
	assert_int_equal(store_commit(f->st), VB_OK);
	assert_int_equal(store_lot_get(f->st, "L2", &got), VB_OK);
	assert_int_equal(got.recalled, 1);
	assert_int_equal(doses_at(f->st, NULL, "L2", T0 + 100), 5);
	assert_int_equal(store_lot_save(f->st, &lots[0], REPO_STAFF, "lot.update", NULL, T0),
			 VB_ESTATE);
}

static void test_vials(void **state)
{
	struct repo_fx *f = *state;
	struct stock_lot lot = repo_lot("bbibp-corv", "L1", 3, 2);
	repo_add_lot(f->st, &lot, T0);

	/* The core opens a vial for a dose; the store keeps it with an id. */
	struct stock_vial vials[4];
	size_t n_vials = 0;
	struct stock_effect eff;
	struct vb_reason why;
	assert_int_equal(stock_administer(&lot, vials, &n_vials, 4, T0 + 60, 6, &eff, &why), VB_OK);
	assert_int_equal(eff.opened, 1);
	char id[STORE_ID_LEN + 1] = "";
	assert_int_equal(store_begin(f->st), VB_OK);
	assert_int_equal(store_vial_add(f->st, &vials[0], REPO_STAFF, T0 + 60, id), VB_OK);
	assert_int_equal(store_lot_save(f->st, &lot, REPO_STAFF, "lot.update", NULL, T0 + 60),
			 VB_OK);
	assert_int_equal(store_commit(f->st), VB_OK);
	assert_int_equal(store_id_check(id), VB_OK);
	assert_int_equal(repo_audit_rows(f->st, "vial.open", id), 1);

	/* A second vial opened later. */
	struct stock_vial v2 = {
	    .opened_at = T0 + 120, .discard_at = T0 + 120 + 6 * 3600, .doses_left = 2};
	snprintf(v2.lot, sizeof(v2.lot), "L1");
	char id2[STORE_ID_LEN + 1];
	assert_int_equal(store_begin(f->st), VB_OK);
	assert_int_equal(store_vial_add(f->st, &v2, REPO_STAFF, T0 + 120, id2), VB_OK);
	assert_int_equal(store_commit(f->st), VB_OK);

	struct stock_vial out[2];
	char ids[2][STORE_ID_LEN + 1];
	size_t n = 77;
	assert_int_equal(store_vial_list_open(f->st, out, ids, 1, &n), VB_ERANGE);
	assert_int_equal(n, 77);
	assert_int_equal(store_vial_list_open(f->st, out, ids, 2, &n), VB_OK);
	assert_int_equal(n, 2);
	assert_string_equal(ids[0], id);
	assert_string_equal(ids[1], id2);
	assert_string_equal(out[0].lot, "L1");
	assert_int_equal(out[0].opened_at, vials[0].opened_at);
	assert_int_equal(out[0].discard_at, vials[0].discard_at);
	assert_int_equal(out[0].doses_left, 1);
	assert_int_equal(out[1].doses_left, 2);

	/* Empty the first: it is closed and leaves the list; never reopened. */
	out[0].doses_left = 0;
	assert_int_equal(store_begin(f->st), VB_OK);
	assert_int_equal(store_vial_save(f->st, ids[0], &out[0], 1), VB_OK);
	assert_int_equal(store_vial_save(f->st, ids[0], &out[0], 0), VB_EINVAL);
	assert_int_equal(store_vial_save(f->st, "01890a5d-ac96-774b-bcce-b302099a8057", &out[0], 1),
			 VB_ENOTFOUND);
	out[1].doses_left = -1;
	assert_int_equal(store_vial_save(f->st, ids[1], &out[1], 0), VB_EINVAL);
	assert_int_equal(store_commit(f->st), VB_OK);
	assert_int_equal(store_vial_list_open(f->st, out, ids, 2, &n), VB_OK);
	assert_int_equal(n, 1);
	assert_string_equal(ids[0], id2);

	/* Foreign key: a vial of a lot not on board. */
	struct stock_vial ghost = v2;
	snprintf(ghost.lot, sizeof(ghost.lot), "NOPE");
	assert_int_equal(store_begin(f->st), VB_OK);
	assert_int_equal(store_vial_add(f->st, &ghost, REPO_STAFF, T0, id2), VB_EINVAL);
	ghost = v2;
	ghost.discard_at = ghost.opened_at - 1;
	assert_int_equal(store_vial_add(f->st, &ghost, REPO_STAFF, T0, id2), VB_EINVAL);
	assert_int_equal(store_rollback(f->st), VB_OK);
	assert_int_equal(repo_total(f->st, "vial"), 2);
	assert_int_equal(store_vial_save(f->st, id2, &v2, 0), VB_ESTATE);
}

/* The ledger follows the core: after every operation, the sum of the
 * movements equals stock_doses() of the saved lot and vials. */
static void test_ledger_matches_core(void **state)
{
	struct repo_fx *f = *state;
	struct stock_lot lot = repo_lot("bbibp-corv", "L1", 4, 5);
	struct stock_vial vials[4];
	char ids[4][STORE_ID_LEN + 1];
	size_t n_vials = 0;
	struct stock_effect eff;
	struct stock_wastage w[4];
	struct vb_reason why;
	size_t n_w = 0;
	repo_add_lot(f->st, &lot, T0);
	assert_int_equal(doses_at(f->st, NULL, "L1", T0), 0); /* before the receipt */
	assert_int_equal(doses_at(f->st, NULL, "L1", T0 + 1), 20);

	/* A vial opened (the dose itself is store_dose_add's movement; here the
	 * vial's doses are then wasted as contaminated). */
	assert_int_equal(stock_administer(&lot, vials, &n_vials, 4, T0 + 60, 6, &eff, &why), VB_OK);
	assert_int_equal(store_begin(f->st), VB_OK);
	assert_int_equal(store_vial_add(f->st, &vials[0], REPO_STAFF, T0 + 60, ids[0]), VB_OK);
	assert_int_equal(store_lot_save(f->st, &lot, REPO_STAFF, "lot.update", NULL, T0 + 60),
			 VB_OK);
	assert_int_equal(
	    stock_waste_open(&vials[0], STOCK_WASTE_CONTAMINATED, NULL, T0 + 70, &w[0], &why),
	    VB_OK);
	assert_int_equal(store_wastage_add(f->st, &w[0], REPO_STAFF, T0 + 70), VB_OK);
	assert_int_equal(store_vial_save(f->st, ids[0], &vials[0], 1), VB_OK);
	assert_int_equal(store_commit(f->st), VB_OK);
	/* 20 - 1 given (not recorded here) - 4 wasted: the ledger counts 16
	 * because the dose was never saved; the core counts 15. */
	assert_int_equal(doses_at(f->st, NULL, "L1", T0 + 100), 16);
	assert_int_equal(stock_doses(&lot, vials, n_vials), 15);

	/* Broken vials, then an open vial left to expire. */
	assert_int_equal(
	    stock_waste_vials(&lot, 1, STOCK_WASTE_BROKEN, NULL, T0 + 200, &w[1], &why), VB_OK);
	assert_int_equal(stock_administer(&lot, vials, &n_vials, 4, T0 + 300, 6, &eff, &why),
			 VB_OK);
	assert_int_equal(store_begin(f->st), VB_OK);
	assert_int_equal(store_wastage_add(f->st, &w[1], REPO_STAFF, T0 + 200), VB_OK);
	assert_int_equal(store_vial_add(f->st, &vials[1], REPO_STAFF, T0 + 300, ids[1]), VB_OK);
	assert_int_equal(store_lot_save(f->st, &lot, REPO_STAFF, "lot.update", NULL, T0 + 300),
			 VB_OK);
	assert_int_equal(store_commit(f->st), VB_OK);
	const int64_t later = T0 + 300 + 7 * 3600;
	assert_int_equal(stock_discard_expired(vials, n_vials, later, w + 2, 2, &n_w), VB_OK);
	assert_int_equal(n_w, 1);
	assert_int_equal(store_begin(f->st), VB_OK);
	assert_int_equal(store_wastage_add(f->st, &w[2], REPO_STAFF, later), VB_OK);
	assert_int_equal(store_vial_save(f->st, ids[1], &vials[1], 1), VB_OK);
	assert_int_equal(store_commit(f->st), VB_OK);

	/* Ledger = core + the two doses taken by stock_administer but never
	 * recorded as doses in this test. */
	assert_int_equal(doses_at(f->st, "bbibp-corv", NULL, later + 1),
			 stock_doses(&lot, vials, n_vials) + 2);
	assert_int_equal(doses_at(f->st, "bbibp-corv", "L1", later + 1), 16 - 5 - 4);
	/* The open vial expired at its discard time: stock drops then. */
	assert_int_equal(doses_at(f->st, NULL, NULL, w[2].at), 11);
	assert_int_equal(doses_at(f->st, NULL, NULL, w[2].at + 1), 7);
	assert_int_equal(doses_at(f->st, "coronavac", NULL, later), 0);
	assert_int_equal(doses_at(f->st, "bbibp-corv", "NOPE", later), 0);

	/* The wastage list by time window. */
	struct stock_wastage got[4];
	size_t n = 0;
	assert_int_equal(store_wastage_list(f->st, T0, later + 1, got, 4, &n), VB_OK);
	assert_int_equal(n, 3);
	assert_int_equal(got[0].reason, STOCK_WASTE_CONTAMINATED);
	assert_int_equal(got[1].reason, STOCK_WASTE_BROKEN);
	assert_int_equal(got[1].vials, 1);
	assert_int_equal(got[1].doses, 5);
	assert_int_equal(got[2].reason, STOCK_WASTE_OPEN_VIAL_EXPIRED);
	assert_int_equal(got[2].at, w[2].at);
	assert_int_equal(store_wastage_list(f->st, T0 + 100, T0 + 250, got, 4, &n), VB_OK);
	assert_int_equal(n, 1);
	assert_int_equal(store_wastage_list(f->st, T0, later + 1, got, 2, &n), VB_ERANGE);
	assert_int_equal(n, 1);
}

static void test_stock_by_product(void **state)
{
	struct repo_fx *f = *state;
	struct stock_lot a = repo_lot("bbibp-corv", "B1", 10, 2);
	struct stock_lot b = repo_lot("bbibp-corv", "B2", 5, 2);
	struct stock_lot c = repo_lot("coronavac", "C1", 7, 1);
	repo_add_lot(f->st, &a, T0);
	repo_add_lot(f->st, &b, T0 + 3600);
	repo_add_lot(f->st, &c, T0 + 7200);

	struct store_stock_product out[3];
	size_t n = 0;
	assert_int_equal(store_stock_by_product_at(f->st, T0 + 3600, out, 3, &n), VB_OK);
	assert_int_equal(n, 1);
	assert_string_equal(out[0].product, "bbibp-corv");
	assert_int_equal(out[0].doses, 20);
	assert_int_equal(store_stock_by_product_at(f->st, T0 + 7201, out, 3, &n), VB_OK);
	assert_int_equal(n, 2);
	assert_int_equal(out[0].doses, 30);
	assert_string_equal(out[1].product, "coronavac");
	assert_int_equal(out[1].doses, 7);
	n = 5;
	assert_int_equal(store_stock_by_product_at(f->st, T0 + 7201, out, 1, &n), VB_ERANGE);
	assert_int_equal(n, 5);
	assert_int_equal(doses_at(f->st, NULL, NULL, T0 + 7201), 37);
}

/* Wastage of a recalled lot leaves the ledger as `recall`. */
static void test_recalled_wastage(void **state)
{
	struct repo_fx *f = *state;
	struct stock_lot lot = repo_lot("bbibp-corv", "L1", 4, 2);
	struct stock_wastage w;
	struct vb_reason why;
	size_t marked;
	repo_add_lot(f->st, &lot, T0);
	assert_int_equal(stock_recall(&lot, 1, "L1", NULL, &marked), VB_OK);
	assert_int_equal(
	    stock_waste_vials(&lot, 4, STOCK_WASTE_OTHER, "returned to the CDC", T0 + 60, &w, &why),
	    VB_OK);
	assert_int_equal(store_begin(f->st), VB_OK);
	assert_int_equal(store_lot_save(f->st, &lot, REPO_STAFF, "lot.recall", NULL, T0 + 50),
			 VB_OK);
	assert_int_equal(store_wastage_add(f->st, &w, REPO_STAFF, T0 + 60), VB_OK);
	assert_int_equal(store_commit(f->st), VB_OK);
	assert_int_equal(repo_count(f->st, "SELECT count(*) FROM stock_move WHERE kind = 'recall'"
					   " AND doses = -8"),
			 1);
	assert_int_equal(doses_at(f->st, NULL, "L1", T0 + 61), 0);
	/* The note is kept on the record, never in the audit log. */
	assert_int_equal(repo_count(f->st, "SELECT count(*) FROM wastage WHERE note ="
					   " 'returned to the CDC'"),
			 1);
	const char *const secrets[] = {"returned to the CDC"};
	repo_assert_audit_clean(f->st, secrets, 1);
}

static void test_wastage_refusals(void **state)
{
	struct repo_fx *f = *state;
	struct stock_lot lot = repo_lot("bbibp-corv", "L1", 4, 2);
	repo_add_lot(f->st, &lot, T0);
	struct stock_wastage ok = {
	    .lot = "L1", .doses = 2, .vials = 1, .reason = STOCK_WASTE_BROKEN, .at = T0 + 5};
	enum { NO_LOT, ZERO, NEG_VIALS, BAD_REASON, N_CASES };
	for (int c = 0; c < N_CASES; c++) {
		struct stock_wastage w = ok;
		switch (c) {
		case NO_LOT:
			snprintf(w.lot, sizeof(w.lot), "NOPE");
			break;
		case ZERO:
			w.doses = 0;
			break;
		case NEG_VIALS:
			w.vials = -1;
			break;
		case BAD_REASON:
			w.reason = STOCK_WASTE_REASON_COUNT;
			break;
		}
		assert_int_equal(store_begin(f->st), VB_OK);
		assert_int_equal(store_wastage_add(f->st, &w, REPO_STAFF, T0 + 5), VB_EINVAL);
		assert_int_equal(store_commit(f->st), VB_OK);
	}
	assert_int_equal(repo_total(f->st, "wastage"), 0);
	assert_int_equal(repo_total(f->st, "stock_move"), 1);
	assert_int_equal(store_wastage_add(f->st, &ok, REPO_STAFF, T0 + 5), VB_ESTATE);
	const char *const none[] = {"NOPE"};
	repo_assert_audit_clean(f->st, none, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_lot_add_get, repo_setup, repo_teardown),
	    cmocka_unit_test_setup_teardown(test_lot_refusals, repo_setup, repo_teardown),
	    cmocka_unit_test_setup_teardown(test_lot_rollback, repo_setup, repo_teardown),
	    cmocka_unit_test_setup_teardown(test_lot_list, repo_setup, repo_teardown),
	    cmocka_unit_test_setup_teardown(test_lot_save_flags, repo_setup, repo_teardown),
	    cmocka_unit_test_setup_teardown(test_vials, repo_setup, repo_teardown),
	    cmocka_unit_test_setup_teardown(test_ledger_matches_core, repo_setup, repo_teardown),
	    cmocka_unit_test_setup_teardown(test_stock_by_product, repo_setup, repo_teardown),
	    cmocka_unit_test_setup_teardown(test_recalled_wastage, repo_setup, repo_teardown),
	    cmocka_unit_test_setup_teardown(test_wastage_refusals, repo_setup, repo_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
