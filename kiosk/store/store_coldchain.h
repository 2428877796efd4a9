/*
 * store_coldchain: fridge temperature readings and cold-chain excursions
 * (tables temp_reading, excursion).
 *
 * Readings are sensor data: one per fridge and second, no id, no audit
 * row. An excursion is what coldchain.h found (live feed or scan), saved
 * with its state:
 *
 *   recorded    (under the limit: quarantines nothing)
 *      |  lasts past the limit
 *      v
 *   quarantined --staff decide--> released | discarded
 *
 * The lots' own flags are saved by store_lot_save() ("lot.quarantine",
 * "lot.release") and discarded vials by store_wastage_add(), in the same
 * transaction. Excursion writes append the audit rows "temp.excursion",
 * "temp.release" or "temp.discard" (fridge, times, temperatures, state —
 * never the decision's note). Nothing here goes to the platform.
 *
 * Writes run inside the caller's transaction (VB_ESTATE otherwise).
 * Fridge names are printable ASCII tokens that fit a stock_lot's fridge
 * field (at most 15 bytes). Times are UTC seconds, temperatures °C × 100.
 */
#ifndef STORE_COLDCHAIN_H
#define STORE_COLDCHAIN_H

#include <stddef.h>
#include <stdint.h>

#include "coldchain.h"
#include "store.h"
#include "store_id.h"

/*
 * Saves one reading of fridge at time at. Returns VB_OK, VB_EEXIST (the
 * fridge has a reading at that second already: nothing changes), VB_EINVAL
 * (bad fridge name), VB_ESTATE (no transaction) or a storage error.
 */
int store_temp_add(struct store *st, const char *fridge, int64_t at, int centi_c);

/*
 * The readings of fridge with at >= since, by time, into out[0..*n) (room
 * for cap): the input of coldchain_scan. Returns VB_OK, VB_ERANGE (more
 * than cap; *n untouched, out holds the first cap), VB_EINVAL (bad fridge
 * name) or a storage error.
 */
int store_temp_list(struct store *st, const char *fridge, int64_t since,
		    struct coldchain_reading *out, size_t cap, size_t *n);

enum store_excursion_state {
	STORE_EXCURSION_RECORDED,    /* under the limit: no quarantine */
	STORE_EXCURSION_QUARANTINED, /* the fridge's lots await a decision */
	STORE_EXCURSION_RELEASED,    /* staff released the lots */
	STORE_EXCURSION_DISCARDED,   /* staff discarded the lots */
	STORE_EXCURSION_STATE_COUNT
};

/* "recorded", "quarantined", "released", "discarded"; NULL if out of
 * range. Static. */
const char *store_excursion_state_name(enum store_excursion_state s);

struct store_excursion {
	char id[STORE_ID_LEN + 1];
	char fridge[16];
	/* start, end (the end reading, or while open the latest time it is
	 * known to have lasted until), open, min_centi, max_centi, seconds;
	 * over_limit is 1 in every state but recorded. */
	struct coldchain_excursion exc;
	enum store_excursion_state state;
	char decided_by[33]; /* staff id, "" until decided */
	int64_t decided_at;  /* UTC seconds, 0 until decided */
	char note[128];	     /* the decision's reason, "" until decided */
};

/*
 * Saves excursion exc of fridge (state quarantined if exc->over_limit,
 * else recorded) at now with the audit row "temp.excursion", and writes
 * its id to id_out. Returns VB_OK, VB_EEXIST (the fridge has an excursion
 * starting at exc->start), VB_EINVAL (bad fridge name, end before start,
 * min above max), VB_ESTATE (no transaction) or a storage error; id_out is
 * written only on VB_OK.
 */
int store_excursion_add(struct store *st, const char *fridge, const struct coldchain_excursion *exc,
			const char *actor, int64_t now, char id_out[STORE_ID_LEN + 1]);

/*
 * Saves what the live feed learnt about excursion id since: its end (and
 * whether it is still open), min and max, and recorded -> quarantined when
 * exc->over_limit (a quarantine is never lowered back to recorded), with
 * the audit row "temp.excursion". exc->start must be the stored start.
 * Returns VB_OK, VB_ENOTFOUND, VB_EINVAL (another start, end before start,
 * min above max), VB_ESTATE (the excursion has ended or been decided
 * already, or no transaction) or a storage error.
 */
int store_excursion_update(struct store *st, const char *id, const struct coldchain_excursion *exc,
			   const char *actor, int64_t now);

/*
 * Saves the staff's verdict (coldchain_decide) on the quarantine caused by
 * excursion id: quarantined -> released or discarded, decided_by =
 * v->staff (also the audit actor), decided_at = now, note = v->note, with
 * the audit row "temp.release" or "temp.discard". Returns VB_OK,
 * VB_ENOTFOUND, VB_ESTATE (not quarantined, still open, or no
 * transaction), VB_EINVAL (unknown decision, staff not a token, note not
 * terminated) or a storage error.
 */
int store_excursion_decide(struct store *st, const char *id, const struct coldchain_verdict *v,
			   int64_t now);

/* The excursion `id`: VB_OK with *out, VB_ENOTFOUND or a storage error
 * (*out written only on VB_OK). */
int store_excursion_get(struct store *st, const char *id, struct store_excursion *out);

/* The open excursion of fridge (after a restart, to resume the live
 * feed): VB_OK with *out, VB_ENOTFOUND, VB_EINVAL (bad fridge name) or a
 * storage error (*out written only on VB_OK). */
int store_excursion_find_open(struct store *st, const char *fridge, struct store_excursion *out);

/*
 * The excursions of fridge (every fridge when NULL) that were still going
 * at or after `since` (open, or ended at or after since), by start, into
 * out[0..*n) (room for cap). Returns VB_OK, VB_ERANGE (more than cap; *n
 * untouched), VB_EINVAL (bad fridge name) or a storage error.
 */
int store_excursion_list(struct store *st, const char *fridge, int64_t since,
			 struct store_excursion *out, size_t cap, size_t *n);

#endif
