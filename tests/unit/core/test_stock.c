/* Stock: every box-check refusal and the order of checks, administration
 * from multi- and single-dose vials, discard of expired open vials, manual
 * wastage, recalls, fridge quarantine, stock in doses. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "gs1.h"
#include "stock.h"
#include "vb_error.h"
#include "vbdate.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

#define G1 "06901234567892"
#define G2 "06901234567908"
#define G3 "06909999999995"

static int32_t day(const char *s)
{
	int32_t d = 0;
	assert_int_equal(vbdate_parse(s, &d), VB_OK);
	return d;
}

static struct stock_lot mklot(const char *product, const char *lot, const char *gtin,
			      const char *expiry, int dpv, int vials, const char *fridge)
{
	struct stock_lot l;
	memset(&l, 0, sizeof l);
	strcpy(l.product, product);
	strcpy(l.lot, lot);
	strcpy(l.gtin, gtin);
	l.expiry = expiry ? day(expiry) : VBDATE_NONE;
	l.doses_per_vial = dpv;
	l.vials = vials;
	strcpy(l.fridge, fridge);
	return l;
}

static struct stock_vial mkvial(const char *lot, int64_t opened, int64_t discard, int left)
{
	struct stock_vial v;
	memset(&v, 0, sizeof v);
	strcpy(v.lot, lot);
	v.opened_at = opened;
	v.discard_at = discard;
	v.doses_left = left;
	return v;
}

#define NOW 1625140800 /* 2021-07-01 12:00 UTC */

enum { ALLOW_TWO, ALLOW_NONE };

static void test_box_check(void **state)
{
	(void)state;
	struct stock_lot lots[] = {
	    mklot("BBIBP", "L001", G1, "2022-01-31", 2, 10, "F1"),    /* 0 */
	    mklot("CoronaVac", "L002", G2, "2022-03-31", 1, 5, "F1"), /* 1 */
	    mklot("BBIBP", "L003", "", "2021-06-30", 2, 10, "F1"),    /* 2 expired */
	    mklot("BBIBP", "L004", G1, "2022-01-31", 2, 10, "F1"),    /* 3 recalled */
	    mklot("BBIBP", "L005", G1, "2022-01-31", 2, 10, "F2"),    /* 4 quarantined */
	    mklot("Ad5", "L006", G3, "2022-01-31", 1, 10, "F1"),      /* 5 not allowed */
	    mklot("BBIBP", "L007", G1, "2022-01-31", 2, 0, "F1"),     /* 6 empty */
	    mklot("BBIBP", "L008", G1, "2022-01-31", 2, 0, "F1"),     /* 7 open, stale */
	    mklot("BBIBP", "L009", G1, "2022-01-31", 2, 0, "F1"),     /* 8 open, fresh */
	    mklot("CoronaVac", "L001", G2, "2022-02-28", 1, 3, "F1"), /* 9 same number */
	    mklot("BBIBP", "L010", G1, NULL, 2, 10, "F1"),	      /* 10 no expiry */
	    mklot("BBIBP", "L011", G1, "2021-07-01", 2, 10, "F1"),    /* 11 expires today */
	    mklot("Ad5", "L012", G1, "2021-06-01", 2, 0, "F2"),	      /* 12 all wrong */
	    mklot("Ad5", "L013", G1, "2022-01-31", 2, 0, "F2"),	      /* 13 */
	    mklot("BBIBP", "L014", G1, "2022-01-31", 2, 0, "F1"),     /* 14 open, empty */
	};
	lots[3].recalled = 1;
	lots[4].quarantined = 1;
	lots[12].recalled = 1;
	lots[12].quarantined = 1;
	lots[13].quarantined = 1;
	const struct stock_vial vials[] = {
	    mkvial("L008", NOW - 8 * 3600, NOW - 2 * 3600, 1), /* past discard */
	    mkvial("L009", NOW - 3600, NOW + 5 * 3600, 1),
	    mkvial("L014", NOW - 3600, NOW + 5 * 3600, 0),
	    mkvial("L008", NOW - 3600, NOW, 1), /* discard time is now: unusable */
	};
	static const char *const two[] = {"BBIBP", "CoronaVac"};
	static const struct {
		const char *lot, *gtin, *expiry;
		int allow;
		int rc;
		const char *code;
		size_t match;
	} cases[] = {
	    {"", G1, "2022-01-31", ALLOW_TWO, VB_EREFUSED, "no_lot_in_code", 0},
	    {"L999", G1, "2022-01-31", ALLOW_TWO, VB_EREFUSED, "not_on_board", 0},
	    {"l001", G1, "2022-01-31", ALLOW_TWO, VB_EREFUSED, "not_on_board", 0},
	    {"L001", G3, "2022-01-31", ALLOW_TWO, VB_EREFUSED, "gtin_mismatch", 0},
	    {"L001", G1, "2022-01-31", ALLOW_TWO, VB_OK, NULL, 0},
	    {"L001", "", "2022-01-31", ALLOW_TWO, VB_OK, NULL, 0},
	    {"L001", G1, NULL, ALLOW_TWO, VB_OK, NULL, 0},
	    {"L001", G2, "2022-02-28", ALLOW_TWO, VB_OK, NULL, 9},
	    {"L002", G2, "2022-03-31", ALLOW_TWO, VB_OK, NULL, 1},
	    /* lot record has no GTIN: any box GTIN is accepted */
	    {"L003", G3, NULL, ALLOW_TWO, VB_EREFUSED, "expired", 0},
	    {"L001", G1, "2021-06-30", ALLOW_TWO, VB_EREFUSED, "expired", 0},
	    {"L001", G1, "2022-02-28", ALLOW_TWO, VB_EREFUSED, "expiry_mismatch", 0},
	    {"L011", G1, "2021-07-01", ALLOW_TWO, VB_OK, NULL, 11},
	    {"L004", G1, "2022-01-31", ALLOW_TWO, VB_EREFUSED, "recalled", 0},
	    {"L005", G1, "2022-01-31", ALLOW_TWO, VB_EREFUSED, "quarantined", 0},
	    {"L006", G3, "2022-01-31", ALLOW_TWO, VB_EREFUSED, "wrong_product", 0},
	    {"L001", G1, "2022-01-31", ALLOW_NONE, VB_EREFUSED, "wrong_product", 0},
	    {"L007", G1, "2022-01-31", ALLOW_TWO, VB_EREFUSED, "no_stock", 0},
	    {"L008", G1, "2022-01-31", ALLOW_TWO, VB_EREFUSED, "no_stock", 0},
	    {"L014", G1, "2022-01-31", ALLOW_TWO, VB_EREFUSED, "no_stock", 0},
	    {"L009", G1, "2022-01-31", ALLOW_TWO, VB_OK, NULL, 8},
	    {"L010", G1, NULL, ALLOW_TWO, VB_EREFUSED, "no_expiry", 0},
	    {"L010", G1, "2022-05-01", ALLOW_TWO, VB_OK, NULL, 10},
	    /* order: expired before expiry_mismatch, recalled, quarantined,
	     * wrong product and no stock */
	    {"L012", G1, "2021-05-31", ALLOW_TWO, VB_EREFUSED, "expired", 0},
	    {"L012", G1, "2022-01-31", ALLOW_TWO, VB_EREFUSED, "expired", 0},
	    /* order: quarantined before wrong product and no stock */
	    {"L013", G1, "2022-01-31", ALLOW_TWO, VB_EREFUSED, "quarantined", 0},
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		struct gs1 code;
		memset(&code, 0, sizeof code);
		strcpy(code.lot, cases[i].lot);
		strcpy(code.gtin, cases[i].gtin);
		code.expiry = cases[i].expiry ? day(cases[i].expiry) : VBDATE_NONE;
		size_t match = 999;
		struct vb_reason why = {0};
		int rc = stock_box_check(lots, ARRAY_LEN(lots), vials, ARRAY_LEN(vials), &code,
					 day("2021-07-01"), NOW,
					 cases[i].allow == ALLOW_TWO ? two : NULL,
					 cases[i].allow == ALLOW_TWO ? 2 : 0, &match, &why);
		assert_int_equal(rc, cases[i].rc);
		if (rc == VB_OK) {
			assert_int_equal(match, cases[i].match);
			assert_null(why.code);
		} else {
			assert_int_equal(match, 999);
			assert_string_equal(why.code, cases[i].code);
			assert_true(why.text[0] != '\0');
		}
	}
	struct gs1 code = {.lot = "L001", .gtin = G1, .expiry = lots[0].expiry};
	size_t match;
	assert_int_equal(stock_box_check(lots, 1, NULL, 0, NULL, 0, NOW, two, 2, &match, NULL),
			 VB_EINVAL);
	assert_int_equal(stock_box_check(NULL, 1, NULL, 0, &code, 0, NOW, two, 2, &match, NULL),
			 VB_EINVAL);
	assert_int_equal(stock_box_check(NULL, 0, NULL, 0, &code, 0, NOW, two, 2, &match, NULL),
			 VB_EREFUSED);
}

static void test_administer_sequence(void **state)
{
	(void)state;
	struct stock_lot lot = mklot("BBIBP", "L001", G1, "2022-01-31", 2, 3, "F1");
	struct stock_lot other = mklot("BBIBP", "L002", G1, "2022-01-31", 2, 3, "F1");
	struct stock_vial vials[4];
	size_t n = 0;
	const int64_t t0 = NOW;
	static const struct {
		int64_t dt;
		int rc;
		const char *code;
		int opened;
		size_t vial;
		int left, vials_left;
	} steps[] = {
	    {0, VB_OK, NULL, 1, 0, 1, 2},
	    {60, VB_OK, NULL, 0, 0, 0, 2},
	    {120, VB_OK, NULL, 1, 1, 1, 1},
	    /* vial 1's 6 hours are over: a fresh vial, vial 1's dose is left */
	    {6 * 3600 + 120, VB_OK, NULL, 1, 2, 1, 0},
	    {6 * 3600 + 130, VB_OK, NULL, 0, 2, 0, 0},
	    {6 * 3600 + 140, VB_EREFUSED, "no_stock", 0, 0, 0, 0},
	};
	for (size_t i = 0; i < ARRAY_LEN(steps); i++) {
		struct stock_effect eff = {.vial = 99};
		struct vb_reason why = {0};
		size_t before = n;
		int rc = stock_administer(&lot, vials, &n, ARRAY_LEN(vials), t0 + steps[i].dt, 6,
					  &eff, &why);
		assert_int_equal(rc, steps[i].rc);
		if (rc != VB_OK) {
			assert_string_equal(why.code, steps[i].code);
			assert_int_equal(eff.vial, 99);
			assert_int_equal(n, before);
			continue;
		}
		assert_int_equal(eff.opened, steps[i].opened);
		assert_int_equal(eff.vial, steps[i].vial);
		assert_int_equal(eff.doses_left, steps[i].left);
		assert_int_equal(eff.vials_left, steps[i].vials_left);
		assert_int_equal(lot.vials, steps[i].vials_left);
		assert_int_equal(vials[eff.vial].doses_left, steps[i].left);
		assert_int_equal(n, before + (size_t)steps[i].opened);
		if (eff.opened) {
			assert_string_equal(vials[eff.vial].lot, "L001");
			assert_int_equal(vials[eff.vial].opened_at, t0 + steps[i].dt);
			assert_int_equal(vials[eff.vial].discard_at, t0 + steps[i].dt + 6 * 3600);
		}
	}
	assert_int_equal(n, 3);
	assert_int_equal(vials[1].doses_left, 1); /* expired, to be discarded */

	/* another lot does not use L001's vials */
	struct stock_effect eff;
	assert_int_equal(stock_administer(&other, vials, &n, ARRAY_LEN(vials), t0 + 6 * 3600 + 150,
					  6, &eff, NULL),
			 VB_OK);
	assert_int_equal(eff.opened, 1);
	assert_int_equal(eff.vial, 3);
	/* the array is full: a new vial cannot be opened, nothing changes */
	struct stock_lot third = mklot("BBIBP", "L003", G1, "2022-01-31", 2, 3, "F1");
	assert_int_equal(stock_administer(&third, vials, &n, ARRAY_LEN(vials), t0, 6, &eff, NULL),
			 VB_ERANGE);
	assert_int_equal(third.vials, 3);
	assert_int_equal(n, 4);
	/* but a full array still serves doses from an open vial */
	assert_int_equal(stock_administer(&other, vials, &n, ARRAY_LEN(vials), t0 + 6 * 3600 + 160,
					  6, &eff, NULL),
			 VB_OK);
	assert_int_equal(eff.opened, 0);
	assert_int_equal(eff.vial, 3);
}

static void test_administer_rules(void **state)
{
	(void)state;
	/* oldest open vial first, not the lowest index */
	struct stock_vial vials[6] = {
	    mkvial("L001", NOW - 600, NOW + 3600, 5),
	    mkvial("L001", NOW - 1200, NOW + 3600, 5),
	    mkvial("L002", NOW - 9999, NOW + 3600, 5),
	    mkvial("L001", NOW - 3000, NOW + 3600, 0),
	};
	size_t n = 4;
	struct stock_lot lot = mklot("BBIBP", "L001", G1, "2022-01-31", 5, 2, "F1");
	struct stock_effect eff;
	assert_int_equal(stock_administer(&lot, vials, &n, 6, NOW, 6, &eff, NULL), VB_OK);
	assert_int_equal(eff.vial, 1);
	assert_int_equal(eff.doses_left, 4);
	assert_int_equal(vials[0].doses_left, 5);
	assert_int_equal(lot.vials, 2);

	/* single-dose vials are opened and emptied at once */
	struct stock_lot one = mklot("Ad5", "S1", G3, "2022-01-31", 1, 2, "F1");
	for (int i = 0; i < 2; i++) {
		assert_int_equal(stock_administer(&one, vials, &n, 6, NOW + i, 6, &eff, NULL),
				 VB_OK);
		assert_int_equal(eff.opened, 1);
		assert_int_equal(eff.doses_left, 0);
		assert_int_equal(eff.vial, 4 + (size_t)i);
	}
	assert_int_equal(one.vials, 0);
	struct vb_reason why = {0};
	assert_int_equal(stock_administer(&one, vials, &n, 6, NOW, 6, &eff, &why), VB_EREFUSED);
	assert_string_equal(why.code, "no_stock");

	/* refusals and invalid input change nothing */
	static const struct {
		int recalled, quarantined, dpv, vials, hours;
		int rc;
		const char *code;
	} bad[] = {
	    {1, 0, 5, 2, 6, VB_EREFUSED, "recalled"}, {0, 1, 5, 2, 6, VB_EREFUSED, "quarantined"},
	    {0, 0, 0, 2, 6, VB_EINVAL, NULL},	      {0, 0, 5, -1, 6, VB_EINVAL, NULL},
	    {0, 0, 5, 2, -1, VB_EINVAL, NULL},
	};
	for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
		struct stock_lot l =
		    mklot("BBIBP", "L001", G1, "2022-01-31", bad[i].dpv, bad[i].vials, "F1");
		l.recalled = bad[i].recalled;
		l.quarantined = bad[i].quarantined;
		size_t nn = 4;
		int left = vials[1].doses_left;
		vb_reason_clear(&why);
		assert_int_equal(stock_administer(&l, vials, &nn, 6, NOW, bad[i].hours, &eff, &why),
				 bad[i].rc);
		if (bad[i].code)
			assert_string_equal(why.code, bad[i].code);
		assert_int_equal(nn, 4);
		assert_int_equal(vials[1].doses_left, left);
		assert_int_equal(l.vials, bad[i].vials);
	}

	/* discard_hours 0: the vial's doses are wastage at once */
	struct stock_vial v2[2];
	size_t n2 = 0;
	struct stock_lot z = mklot("BBIBP", "Z1", G1, "2022-01-31", 2, 2, "F1");
	assert_int_equal(stock_administer(&z, v2, &n2, 2, NOW, 0, &eff, NULL), VB_OK);
	assert_int_equal(stock_administer(&z, v2, &n2, 2, NOW, 0, &eff, NULL), VB_OK);
	assert_int_equal(eff.opened, 1);
	assert_int_equal(n2, 2);
}

static void test_discard_expired(void **state)
{
	(void)state;
	struct stock_vial vials[] = {
	    mkvial("L1", NOW - 7200, NOW - 100, 3), mkvial("L1", NOW - 7200, NOW - 100, 0),
	    mkvial("L2", NOW - 600, NOW + 100, 1),
	    mkvial("L3", NOW - 7200, NOW, 2), /* discard time is now: due */
	};
	struct stock_wastage w[4];
	size_t nw = 77;
	/* too small: nothing changes */
	assert_int_equal(stock_discard_expired(vials, 4, NOW, w, 1, &nw), VB_ERANGE);
	assert_int_equal(nw, 77);
	assert_int_equal(vials[0].doses_left, 3);

	assert_int_equal(stock_discard_expired(vials, 4, NOW, w, 4, &nw), VB_OK);
	assert_int_equal(nw, 2);
	static const struct {
		const char *lot;
		int doses;
		int64_t at;
	} want[] = {{"L1", 3, NOW - 100}, {"L3", 2, NOW}};
	for (size_t i = 0; i < ARRAY_LEN(want); i++) {
		assert_string_equal(w[i].lot, want[i].lot);
		assert_int_equal(w[i].doses, want[i].doses);
		assert_int_equal(w[i].vials, 0);
		assert_int_equal(w[i].at, want[i].at);
		assert_int_equal(w[i].reason, STOCK_WASTE_OPEN_VIAL_EXPIRED);
	}
	assert_int_equal(vials[0].doses_left, 0);
	assert_int_equal(vials[2].doses_left, 1);
	assert_int_equal(vials[3].doses_left, 0);
	/* second run: nothing due, cap 0 is fine */
	assert_int_equal(stock_discard_expired(vials, 4, NOW, NULL, 0, &nw), VB_OK);
	assert_int_equal(nw, 0);
	assert_int_equal(stock_discard_expired(vials, 4, NOW + 100, w, 4, &nw), VB_OK);
	assert_int_equal(nw, 1);
	assert_string_equal(w[0].lot, "L2");
}

static void test_waste_names(void **state)
{
	(void)state;
	static const char *const names[] = {"open_vial_expired", "broken",  "contaminated",
					    "cold_chain",	 "expired", "other"};
	assert_int_equal(ARRAY_LEN(names), STOCK_WASTE_REASON_COUNT);
	for (int i = 0; i < STOCK_WASTE_REASON_COUNT; i++) {
		enum stock_waste_reason r = STOCK_WASTE_REASON_COUNT;
		assert_string_equal(stock_waste_reason_name((enum stock_waste_reason)i), names[i]);
		assert_int_equal(stock_waste_reason_from_name(names[i], &r), VB_OK);
		assert_int_equal(r, i);
	}
	enum stock_waste_reason r = STOCK_WASTE_OTHER;
	assert_int_equal(stock_waste_reason_from_name("Broken", &r), VB_EINVAL);
	assert_int_equal(stock_waste_reason_from_name(NULL, &r), VB_EINVAL);
	assert_int_equal(r, STOCK_WASTE_OTHER);
	assert_null(stock_waste_reason_name(STOCK_WASTE_REASON_COUNT));
}

static void test_waste_manual(void **state)
{
	(void)state;
	static const char long_note[] =
	    "0123456789012345678901234567890123456789012345678901234567890123";
	static const struct {
		int vials;
		enum stock_waste_reason reason;
		const char *note;
		int rc;
		const char *code;
		int doses;
	} cases[] = {
	    {1, STOCK_WASTE_BROKEN, NULL, VB_OK, NULL, 10},
	    {3, STOCK_WASTE_EXPIRED, "", VB_OK, NULL, 30},
	    {4, STOCK_WASTE_COLD_CHAIN, NULL, VB_OK, NULL, 40},
	    {2, STOCK_WASTE_OTHER, "dropped by a child", VB_OK, NULL, 20},
	    {2, STOCK_WASTE_OTHER, NULL, VB_EREFUSED, "note_required", 0},
	    {2, STOCK_WASTE_OTHER, "", VB_EREFUSED, "note_required", 0},
	    {5, STOCK_WASTE_BROKEN, NULL, VB_EREFUSED, "not_enough_vials", 0},
	    {0, STOCK_WASTE_BROKEN, NULL, VB_EINVAL, NULL, 0},
	    {-1, STOCK_WASTE_BROKEN, NULL, VB_EINVAL, NULL, 0},
	    {1, STOCK_WASTE_OPEN_VIAL_EXPIRED, NULL, VB_EINVAL, NULL, 0},
	    {1, STOCK_WASTE_REASON_COUNT, NULL, VB_EINVAL, NULL, 0},
	    {1, STOCK_WASTE_OTHER, long_note, VB_EINVAL, NULL, 0},
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		struct stock_lot lot = mklot("BBIBP", "L1", G1, "2022-01-31", 10, 4, "F1");
		struct stock_wastage w = {.doses = -7};
		struct vb_reason why = {0};
		int rc = stock_waste_vials(&lot, cases[i].vials, cases[i].reason, cases[i].note,
					   NOW, &w, &why);
		assert_int_equal(rc, cases[i].rc);
		if (rc != VB_OK) {
			if (cases[i].code)
				assert_string_equal(why.code, cases[i].code);
			assert_int_equal(lot.vials, 4);
			assert_int_equal(w.doses, -7);
			continue;
		}
		assert_int_equal(w.doses, cases[i].doses);
		assert_int_equal(w.vials, cases[i].vials);
		assert_int_equal(w.reason, cases[i].reason);
		assert_int_equal(w.at, NOW);
		assert_string_equal(w.lot, "L1");
		assert_string_equal(w.note, cases[i].note ? cases[i].note : "");
		assert_int_equal(lot.vials, 4 - cases[i].vials);
	}

	struct stock_vial v = mkvial("L1", NOW - 60, NOW + 3600, 7);
	struct stock_wastage w;
	struct vb_reason why = {0};
	assert_int_equal(stock_waste_open(&v, STOCK_WASTE_OTHER, NULL, NOW, &w, &why), VB_EREFUSED);
	assert_string_equal(why.code, "note_required");
	assert_int_equal(v.doses_left, 7);
	assert_int_equal(stock_waste_open(&v, STOCK_WASTE_OPEN_VIAL_EXPIRED, NULL, NOW, &w, &why),
			 VB_EINVAL);
	assert_int_equal(stock_waste_open(&v, STOCK_WASTE_CONTAMINATED, NULL, NOW, &w, &why),
			 VB_OK);
	assert_int_equal(w.doses, 7);
	assert_int_equal(w.vials, 0);
	assert_int_equal(w.reason, STOCK_WASTE_CONTAMINATED);
	assert_string_equal(w.lot, "L1");
	assert_int_equal(v.doses_left, 0);
	assert_int_equal(stock_waste_open(&v, STOCK_WASTE_BROKEN, NULL, NOW, &w, &why),
			 VB_EREFUSED);
	assert_string_equal(why.code, "vial_empty");
}

static void test_recall(void **state)
{
	(void)state;
	static const struct {
		const char *lot, *gtin;
		int rc;
		size_t marked;
		int flags[4];
	} cases[] = {
	    {"L001", G1, VB_OK, 2, {1, 0, 0, 1}},	   {"L001", "", VB_OK, 3, {1, 1, 0, 1}},
	    {"L001", NULL, VB_OK, 3, {1, 1, 0, 1}},	   {"L002", G3, VB_OK, 1, {0, 0, 1, 0}},
	    {"L404", NULL, VB_ENOTFOUND, 0, {0, 0, 0, 0}}, {"L001", G3, VB_OK, 1, {0, 0, 0, 1}},
	    {"", NULL, VB_EINVAL, 0, {0, 0, 0, 0}},
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		struct stock_lot lots[] = {
		    mklot("BBIBP", "L001", G1, "2022-01-31", 2, 1, "F1"),
		    mklot("CoronaVac", "L001", G2, "2022-01-31", 1, 1, "F1"),
		    mklot("BBIBP", "L002", "", "2022-01-31", 2, 1, "F1"),
		    mklot("BBIBP", "L001", "", "2022-01-31", 2, 1, "F1"),
		};
		size_t marked = 99;
		assert_int_equal(stock_recall(lots, 4, cases[i].lot, cases[i].gtin, &marked),
				 cases[i].rc);
		assert_int_equal(marked, cases[i].rc == VB_OK ? cases[i].marked : 99);
		for (int k = 0; k < 4; k++)
			assert_int_equal(lots[k].recalled, cases[i].flags[k]);
	}
}

static void test_fridge_quarantine(void **state)
{
	(void)state;
	struct stock_lot lots[] = {
	    mklot("BBIBP", "L001", G1, "2022-01-31", 2, 1, "F1"),
	    mklot("BBIBP", "L002", G1, "2022-01-31", 2, 1, "F2"),
	    mklot("BBIBP", "L003", G1, "2022-01-31", 2, 1, "F1"),
	};
	lots[2].recalled = 1;
	static const struct {
		int quarantine;
		const char *fridge;
		int rc;
		size_t changed;
		int flags[3];
	} steps[] = {
	    {1, "F1", VB_OK, 2, {1, 0, 1}},	{1, "F1", VB_OK, 0, {1, 0, 1}},
	    {1, "F3", VB_OK, 0, {1, 0, 1}},	{1, "", VB_EINVAL, 0, {1, 0, 1}},
	    {1, "F2", VB_OK, 1, {1, 1, 1}},	{0, "F1", VB_OK, 2, {0, 1, 0}},
	    {0, NULL, VB_EINVAL, 0, {0, 1, 0}},
	};
	for (size_t i = 0; i < ARRAY_LEN(steps); i++) {
		size_t changed = 0;
		int rc = steps[i].quarantine
			     ? stock_quarantine_fridge(lots, 3, steps[i].fridge, &changed)
			     : stock_release_fridge(lots, 3, steps[i].fridge, &changed);
		assert_int_equal(rc, steps[i].rc);
		assert_int_equal(changed, steps[i].changed);
		for (int k = 0; k < 3; k++)
			assert_int_equal(lots[k].quarantined, steps[i].flags[k]);
	}
	assert_int_equal(lots[2].recalled, 1); /* release does not lift a recall */
	assert_int_equal(stock_release_fridge(lots, 3, "F2", NULL), VB_OK);
	assert_int_equal(lots[1].quarantined, 0);
}

static void test_doses(void **state)
{
	(void)state;
	struct stock_lot lot = mklot("BBIBP", "L001", G1, "2022-01-31", 2, 3, "F1");
	const struct stock_vial vials[] = {
	    mkvial("L001", NOW, NOW + 3600, 1),
	    mkvial("L002", NOW, NOW + 3600, 1),
	    mkvial("L001", NOW, NOW + 3600, 0),
	    mkvial("L001", NOW - 9000, NOW - 100, 1),
	};
	assert_int_equal(stock_doses(&lot, vials, ARRAY_LEN(vials)), 3 * 2 + 1 + 1);
	assert_int_equal(stock_doses(&lot, NULL, 0), 6);
	lot.vials = 0;
	assert_int_equal(stock_doses(&lot, vials, 1), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_box_check),
	    cmocka_unit_test(test_administer_sequence),
	    cmocka_unit_test(test_administer_rules),
	    cmocka_unit_test(test_discard_expired),
	    cmocka_unit_test(test_waste_names),
	    cmocka_unit_test(test_waste_manual),
	    cmocka_unit_test(test_recall),
	    cmocka_unit_test(test_fridge_quarantine),
	    cmocka_unit_test(test_doses),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
