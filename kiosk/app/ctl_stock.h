/*
 * ctl_stock: the lots and open vials on board, loaded once per command for
 * the box check, the dose and the lists; and their JSON form.
 */
#ifndef CTL_STOCK_H
#define CTL_STOCK_H

#include <jansson.h>
#include <stddef.h>

#include "stock.h"
#include "store_id.h"

struct ctl;

#define CTL_STOCK_MAX 512 /* lots and open vials on one bus: far above a real load */

struct ctl_stock {
	struct stock_lot lots[CTL_STOCK_MAX];
	size_t n_lots;
	struct stock_vial vials[CTL_STOCK_MAX];
	char vial_ids[CTL_STOCK_MAX][STORE_ID_LEN + 1];
	size_t n_vials;
};

/* Loads every lot and open vial into a new struct (owned by the caller,
 * freed with free()). Returns a CTL_ code; *out written on CTL_OK. */
int ctl_stock_load(struct ctl *c, struct ctl_stock **out);

/* A lot as JSON with its doses left (new reference). */
json_t *ctl_lot_json(const struct stock_lot *lot, int64_t doses);

#endif
