/*
 * station: the staff station's path from "who is this" to a recorded dose,
 * shared by vaxbusctl and the kiosk's staff screens.
 *
 * It gathers what the rules need (the person, their dose history, the stock
 * on board), asks the core (schedule, box check, stock), and writes the
 * outcome in one transaction: the visit's transitions, the vial and the
 * lot, the dose, with their outbox and audit rows. It prints nothing: each
 * function returns a VB_ code and, for a refusal, a struct vb_reason.
 */
#ifndef STATION_H
#define STATION_H

#include <stddef.h>
#include <stdint.h>

#include "person.h"
#include "schedule.h"
#include "stock.h"
#include "store_id.h"
#include "store_visit.h"
#include "vb_error.h"

struct store;
struct catalog;

#define STATION_STOCK_MAX   512 /* lots and open vials on one bus: far above a real load */
#define STATION_HISTORY_MAX 32

/* The lots and open vials on board (vial_ids[i] is vials[i]'s record id). */
struct station_stock {
	struct stock_lot lots[STATION_STOCK_MAX];
	size_t n_lots;
	struct stock_vial vials[STATION_STOCK_MAX];
	char vial_ids[STATION_STOCK_MAX][STORE_ID_LEN + 1];
	size_t n_vials;
};

/* Loads every lot and open vial into a new struct that the caller owns and
 * frees with free(). Returns VB_OK (*out set), VB_ENOMEM or a storage
 * error. */
int station_stock_load(struct store *st, struct station_stock **out);

/* Everything a decision about one person today rests on. */
struct station_case {
	struct person person;
	struct schedule_dose history[STATION_HISTORY_MAX];
	size_t n_history;
	struct station_stock *stock; /* owned */
	struct schedule_decision decision;
};

/*
 * Loads person_id, their history and the stock into k (zeroed by the
 * caller) and decides with the schedule engine. Returns VB_OK when a dose
 * is due today; VB_EREFUSED when not (k->decision.why says why, and the
 * rest of k->decision is filled as far as it goes); VB_ENOTFOUND for an
 * unknown person; VB_EINVAL when the history cannot be judged; or a
 * storage error. k must be released with station_case_cleanup() whatever
 * is returned.
 */
int station_case_open(struct store *st, const struct catalog *cat, const char *person_id,
		      int32_t today, struct station_case *k);

/* Wipes the person's data and frees the stock. Accepts a zeroed k. */
void station_case_cleanup(struct station_case *k);

/*
 * The box check (一验证) of a scanned code (len bytes, any bytes) against
 * the case's decision and the stock: VB_OK with *lot_index, or VB_EINVAL /
 * VB_EREFUSED with *why (the GS1 parser's or the box check's reason).
 * gs_sub is the character the scanner types for GS (0 for none).
 */
int station_box_check(const struct station_case *k, const char *code, size_t len, char gs_sub,
		      int32_t today, int64_t now, size_t *lot_index, struct vb_reason *why);

/* A dose as the staff records it. */
struct station_dose {
	const char *staff;     /* the vaccinator's id (borrowed) */
	const char *body_site; /* "left-deltoid" or "right-deltoid" (borrowed) */
};

/*
 * Records the dose of k's decision from lot k->stock->lots[lot_index], in
 * one transaction: discards opened vials past their time (as wastage),
 * walks today's visit (made if there is none) to vaccinated, takes the dose
 * from a vial, saves the lot and vial, adds the dose and starts the
 * observation. On VB_OK *visit and *dose hold what was written and
 * vial_id the vial used. On failure nothing is written; VB_EREFUSED or
 * VB_ESTATE come with *why.
 */
int station_vaccinate(struct store *st, const struct catalog *cat, struct station_case *k,
		      size_t lot_index, const struct station_dose *in, int32_t today, int64_t now,
		      struct store_visit *visit, struct store_dose *dose,
		      char vial_id[STORE_ID_LEN + 1], struct vb_reason *why);

/*
 * Records that person_id is not vaccinated today (the deferral code is a
 * screening question's name, "declined" or "staff_decision"), in one
 * transaction on today's visit (made if there is none). Returns VB_OK with
 * *visit, VB_EINVAL for an unknown code, VB_ESTATE with *why when the
 * visit cannot be deferred any more, or a storage error.
 */
int station_defer(struct store *st, const char *person_id, const char *code, const char *staff,
		  int32_t today, int64_t now, struct store_visit *visit, struct vb_reason *why);

/* 1 if code is an accepted deferral code. */
int station_defer_code_valid(const char *code);

#endif
