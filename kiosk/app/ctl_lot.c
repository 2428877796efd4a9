/*
 * ctl_lot: `lot add`, `lot list`, `lot recall` and `lot release` — the
 * vaccine stock on board, and the staff decision that ends a cold-chain
 * quarantine.
 */
#include "ctl.h"
#include "ctl_cmds.h"
#include "ctl_stock.h"

#include "catalog.h"
#include "coldchain.h"
#include "gs1.h"
#include "stock.h"
#include "store.h"
#include "store_coldchain.h"
#include "store_lot.h"
#include "vbdate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

json_t *ctl_lot_json(const struct stock_lot *lot, int64_t doses)
{
	char expiry[11];
	vbdate_format(lot->expiry, expiry);
	return json_pack("{s:s, s:s, s:s, s:s, s:i, s:i, s:I, s:s, s:b, s:b}", "product",
			 lot->product, "lot", lot->lot, "gtin", lot->gtin, "expiry", expiry,
			 "doses_per_vial", lot->doses_per_vial, "vials", lot->vials, "doses",
			 (json_int_t)doses, "fridge", lot->fridge, "recalled", lot->recalled,
			 "quarantined", lot->quarantined);
}

int ctl_stock_load(struct ctl *c, struct station_stock **out)
{
	int vb = station_stock_load(c->st, out);
	return vb ? ctl_storage(c, vb) : CTL_OK;
}

/* Lot numbers are GS1 AI (10) values: 1-20 printable ASCII characters. */
static int lot_number_valid(const char *s)
{
	size_t n = strlen(s);
	for (size_t i = 0; i < n; i++)
		if (s[i] <= ' ' || s[i] > '~')
			return 0;
	return n >= 1 && n <= 20;
}

int ctl_cmd_lot_add(struct ctl *c, int argc, char **argv)
{
	struct ctl_opt opts[] = {
	    {"--product", "ID", "catalog product id (e.g. bbibp-corv)", 1, NULL},
	    {"--lot", "LOT", "lot number as printed on the box", 1, NULL},
	    {"--expiry", "YYYYMMDD", "expiry date", 1, NULL},
	    {"--vials", "N", "unopened vials received", 1, NULL},
	    {"--gtin", "GTIN", "the box's 14-digit GTIN (optional)", 0, NULL},
	    {"--doses-per-vial", "N", "default: the catalog's", 0, NULL},
	    {"--fridge", "NAME", "where it is kept (default fridge-1)", 0, NULL},
	    {NULL, NULL, NULL, 0, NULL},
	};
	int rc = ctl_parse(c, argc, argv, opts,
			   "Puts a lot on board. Refused when the product is not in the catalog,\n"
			   "the lot has expired or its number is already on board.");
	if (rc)
		return rc;
	if ((rc = ctl_store(c, 0)) || (rc = ctl_catalog(c)))
		return rc;
	struct stock_lot lot = {0};
	const struct catalog_product *prod = catalog_find(c->cat, ctl_opt(opts, "--product"));
	if (!prod)
		return ctl_refusef(c, "--product", "unknown_product",
				   "not a product of the vaccine catalog");
	const char *number = ctl_opt(opts, "--lot");
	if (!lot_number_valid(number))
		return ctl_refusef(c, "--lot", "bad_lot",
				   "a lot number is 1-20 printable characters without spaces");
	if ((rc = ctl_date(c, "--expiry", ctl_opt(opts, "--expiry"), &lot.expiry)))
		return rc;
	if (lot.expiry < c->today)
		return ctl_refusef(c, "--expiry", "expired", "this lot has expired");
	long vials, dpv = prod->doses_per_vial;
	if ((rc = ctl_int(c, "--vials", ctl_opt(opts, "--vials"), 1, 100000, &vials)))
		return rc;
	if (ctl_opt(opts, "--doses-per-vial") &&
	    (rc = ctl_int(c, "--doses-per-vial", ctl_opt(opts, "--doses-per-vial"), 1, 20, &dpv)))
		return rc;
	if (dpv > 1 && prod->discard_hours <= 0)
		return ctl_refusef(c, "--doses-per-vial", "no_discard_rule",
				   "the catalog gives no discard time for an opened multi-dose "
				   "vial of this product");
	const char *gtin = ctl_opt(opts, "--gtin");
	if (gtin && (strlen(gtin) != 14 || !gs1_gtin_valid(gtin)))
		return ctl_refusef(c, "--gtin", "bad_gtin",
				   "a GTIN is 14 digits with a valid check digit");
	const char *fridge = ctl_opt(opts, "--fridge") ? ctl_opt(opts, "--fridge") : "fridge-1";
	if (strlen(fridge) >= sizeof(lot.fridge) || !*fridge)
		return ctl_refusef(c, "--fridge", "bad_fridge", "1-15 characters");
	snprintf(lot.product, sizeof(lot.product), "%s", prod->id);
	snprintf(lot.lot, sizeof(lot.lot), "%s", number);
	snprintf(lot.gtin, sizeof(lot.gtin), "%s", gtin ? gtin : "");
	snprintf(lot.fridge, sizeof(lot.fridge), "%s", fridge);
	lot.doses_per_vial = (int)dpv;
	lot.vials = (int)vials;

	int vb = store_begin(c->st);
	if (!vb)
		vb = store_lot_add(c->st, &lot, "staff", c->now);
	if (!vb)
		vb = store_commit(c->st);
	if (vb) {
		store_rollback(c->st);
		if (vb == VB_EEXIST)
			return ctl_refusef(c, "--lot", "duplicate_lot",
					   "a lot with this number is already on board");
		return ctl_storage(c, vb);
	}
	return ctl_emit(c, json_pack("{s:o}", "lot", ctl_lot_json(&lot, (int64_t)vials * dpv)),
			NULL);
}

int ctl_cmd_lot_list(struct ctl *c, int argc, char **argv)
{
	struct ctl_opt opts[] = {{NULL, NULL, NULL, 0, NULL}};
	int rc = ctl_parse(c, argc, argv, opts,
			   "Lists every lot on board with its doses left (unopened vials and\n"
			   "open vials not yet past their discard time).");
	if (rc)
		return rc;
	struct station_stock *s;
	if ((rc = ctl_store(c, 0)) || (rc = ctl_stock_load(c, &s)))
		return rc;
	json_t *lots = json_array();
	for (size_t i = 0; i < s->n_lots; i++)
		json_array_append_new(
		    lots,
		    ctl_lot_json(&s->lots[i], stock_doses(&s->lots[i], s->vials, s->n_vials)));
	if (c->json) {
		free(s);
		return ctl_emit(c, json_pack("{s:o}", "lots", lots), NULL);
	}
	printf("%-12s %-20s %-10s %6s %6s  %-10s %s\n", "product", "lot", "expiry", "vials",
	       "doses", "fridge", "state");
	for (size_t i = 0; i < s->n_lots; i++) {
		const struct stock_lot *l = &s->lots[i];
		char expiry[11];
		vbdate_format(l->expiry, expiry);
		printf("%-12s %-20s %-10s %6d %6lld  %-10s %s\n", l->product, l->lot, expiry,
		       l->vials, (long long)stock_doses(l, s->vials, s->n_vials), l->fridge,
		       l->recalled	? "RECALLED"
		       : l->quarantined ? "QUARANTINED"
					: "ok");
	}
	json_decref(lots);
	free(s);
	return CTL_OK;
}

int ctl_cmd_lot_recall(struct ctl *c, int argc, char **argv)
{
	struct ctl_opt opts[] = {
	    {"--lot", "LOT", "the recalled lot number", 1, NULL},
	    {NULL, NULL, NULL, 0, NULL},
	};
	int rc = ctl_parse(c, argc, argv, opts,
			   "Marks a lot recalled: its boxes are refused at the box check from\n"
			   "now on and its doses leave the stock. A recall is never undone.");
	if (rc)
		return rc;
	if ((rc = ctl_store(c, 0)))
		return rc;
	struct stock_lot lot;
	size_t marked = 0;
	int vb = store_lot_get(c->st, ctl_opt(opts, "--lot"), &lot);
	if (vb == VB_ENOTFOUND)
		return ctl_refusef(c, "--lot", "not_on_board",
				   "no lot with this number is on board");
	if (vb)
		return ctl_storage(c, vb);
	stock_recall(&lot, 1, lot.lot, NULL, &marked);
	vb = store_begin(c->st);
	if (!vb && marked)
		vb = store_lot_save(c->st, &lot, "staff", "lot.recall", NULL, c->now);
	if (!vb)
		vb = store_commit(c->st);
	if (vb) {
		store_rollback(c->st);
		return ctl_storage(c, vb);
	}
	return ctl_emit(c, json_pack("{s:o}", "lot", ctl_lot_json(&lot, 0)), NULL);
}
