/*
 * ctl_stock: the stock on board as the lot commands load and print it.
 */
#ifndef CTL_STOCK_H
#define CTL_STOCK_H

#include <jansson.h>
#include <stdint.h>

#include "station.h"
#include "stock.h"

struct ctl;

/* station_stock_load(), printing a storage failure. Returns a CTL_ code;
 * *out (owned by the caller, freed with free()) is set on CTL_OK. */
int ctl_stock_load(struct ctl *c, struct station_stock **out);

/* A lot as JSON with its doses left (new reference). */
json_t *ctl_lot_json(const struct stock_lot *lot, int64_t doses);

#endif
