/*
 * store_lot: the vaccine on board — lots, opened vials, the stock ledger
 * and wastage (tables lot, vial, stock_move, wastage).
 *
 * The core's stock rules (stock.h) work on plain structs; the app loads
 * them from here, lets the core decide, and saves what the core changed.
 * struct stock_vial carries no id, so the vial functions keep the ids in
 * an array parallel to the vials.
 *
 * The ledger: every change of the doses on board is a row of stock_move
 * with a signed dose count and a time — `receive` (+, store_lot_add),
 * `administer` (-1, store_dose_add of a dose given on the bus), `waste`
 * (-, store_wastage_add, at the wastage's own time) and `recall` (-, the
 * same for a lot that is recalled: its vials leave the bus as unusable).
 * So the doses on board of a product or lot at any moment (the start and
 * end of a day) are a sum: store_stock_doses_at(). Opening a vial moves
 * no dose (vials × doses per vial become doses left), and neither does a
 * recall or quarantine flag: the vials stay on board, counted, until they
 * are used or wasted, so the day's report reconciles (start + received −
 * given − wasted = end).
 *
 * Writes run inside the caller's transaction (VB_ESTATE otherwise) and
 * append their audit row ("lot.add", the caller's action for
 * store_lot_save, "vial.open", "stock.waste"); none of these records goes
 * to the platform, so none adds an outbox row. Lot numbers, products and
 * fridges are printable ASCII tokens. Failures that name bad input
 * (VB_EINVAL, VB_EEXIST, VB_ENOTFOUND) write nothing; after a storage
 * error roll the transaction back.
 */
#ifndef STORE_LOT_H
#define STORE_LOT_H

#include <stddef.h>
#include <stdint.h>

#include "stock.h"
#include "store.h"
#include "store_id.h"

/*
 * Saves a lot received on board at now, with a `receive` movement of
 * vials × doses_per_vial doses (none when vials is 0) and the audit row
 * "lot.add". recalled and quarantined are saved as given. Returns VB_OK,
 * VB_EEXIST (the lot number is on board already), VB_EINVAL (a malformed
 * field: lot, product or fridge not a token, gtin not "" or 14 digits,
 * doses_per_vial < 1, vials < 0, flags not 0/1), VB_ESTATE (no
 * transaction) or a storage error. lot and actor are borrowed.
 */
int store_lot_add(struct store *st, const struct stock_lot *lot, const char *actor, int64_t now);

/* The lot numbered lot_number: VB_OK with *out filled, VB_ENOTFOUND or a
 * storage error (*out written only on VB_OK). */
int store_lot_get(struct store *st, const char *lot_number, struct stock_lot *out);

/*
 * Every lot on board (recalled and empty ones included: the box check
 * names them), ordered by product, expiry (unknown last) and lot number,
 * into out[0..*n) (caller-owned, room for cap). Returns VB_OK, VB_ERANGE
 * if there are more than cap (then *n is untouched and out holds the
 * first cap), or a storage error.
 */
int store_lot_list(struct store *st, struct stock_lot *out, size_t cap, size_t *n);

/*
 * Saves what the core changed in a lot (found by lot->lot): its vials,
 * recalled and quarantined; the other fields are fixed when the lot is
 * added and ignored here; no dose moves in the ledger. Appends the
 * audit row `action` (a token such as "lot.recall", "lot.quarantine",
 * "lot.release", "lot.update") whose detail is the lot's new counts
 * followed by `detail` (may be NULL; codes and counts only). Returns VB_OK,
 * VB_ENOTFOUND, VB_EINVAL (vials < 0, a flag not 0/1, a recall lifted: a
 * recall is never undone), VB_ESTATE (no transaction) or a storage error.
 */
int store_lot_save(struct store *st, const struct stock_lot *lot, const char *actor,
		   const char *action, const char *detail, int64_t now);

/*
 * Saves a vial opened from its lot (vial->lot, on board) with the audit
 * row "vial.open", and writes the new vial's id to id_out. Returns VB_OK,
 * VB_EINVAL (unknown lot, doses_left < 0, discard_at before opened_at),
 * VB_ESTATE (no transaction) or a storage error; id_out is written only on
 * VB_OK.
 */
int store_vial_add(struct store *st, const struct stock_vial *vial, const char *actor, int64_t now,
		   char id_out[STORE_ID_LEN + 1]);

/*
 * The vials not closed, oldest opened first, into out[0..*n) with their ids
 * in ids[0..*n) (both caller-owned, room for cap). Returns VB_OK, VB_ERANGE
 * if more than cap are open (*n untouched, the arrays hold the first cap),
 * or a storage error.
 */
int store_vial_list_open(struct store *st, struct stock_vial *out, char (*ids)[STORE_ID_LEN + 1],
			 size_t cap, size_t *n);

/*
 * Saves vial id's doses_left (after stock_administer, stock_waste_open or
 * stock_discard_expired) and closes it when closed is 1 (empty or
 * discarded: it leaves store_vial_list_open). The lot and times are fixed
 * when the vial is added. No audit row of its own: the dose or wastage
 * saved in the same transaction records why. Returns VB_OK, VB_ENOTFOUND,
 * VB_EINVAL (doses_left < 0, closed not 0/1, or reopening a closed vial),
 * VB_ESTATE (no transaction) or a storage error.
 */
int store_vial_save(struct store *st, const char *id, const struct stock_vial *vial, int closed);

/*
 * Saves a wastage record (from stock_waste_vials, stock_waste_open or
 * stock_discard_expired) with its movement of -doses at w->at (`recall`
 * when the lot is recalled, else `waste`) and the audit row "stock.waste"
 * (lot, reason, doses, vials: never the note). Returns VB_OK, VB_EINVAL
 * (unknown lot or reason, doses < 1, vials < 0, note not terminated),
 * VB_ESTATE (no transaction) or a storage error.
 */
int store_wastage_add(struct store *st, const struct stock_wastage *w, const char *actor,
		      int64_t now);

/*
 * Wastage records with from <= at < to, by time, into out[0..*n) (room for
 * cap). Returns VB_OK, VB_ERANGE (more than cap; *n untouched) or a storage
 * error.
 */
int store_wastage_list(struct store *st, int64_t from, int64_t to, struct stock_wastage *out,
		       size_t cap, size_t *n);

/*
 * Doses on board just before time `at` (the sum of the ledger's
 * movements with a time < at), of one lot (lot non-NULL), of every lot of
 * one product (product non-NULL), of one lot if it is of that product
 * (both), or of everything (both NULL). Unknown names sum to 0. Returns
 * VB_OK with *doses written, or a storage error.
 */
int store_stock_doses_at(struct store *st, const char *product, const char *lot, int64_t at,
			 int64_t *doses);

/* One product's stock, for the daily report. */
struct store_stock_product {
	char product[32];
	int64_t doses;
};

/*
 * Doses on board of every product that has any movement before `at`, as of
 * just before `at`, ordered by product, into out[0..*n) (room for cap).
 * Returns VB_OK, VB_ERANGE (more than cap products; *n untouched) or a
 * storage error.
 */
int store_stock_by_product_at(struct store *st, int64_t at, struct store_stock_product *out,
			      size_t cap, size_t *n);

#endif
