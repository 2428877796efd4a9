/*
 * store_visit: visits and the doses given at them (tables visit, dose).
 *
 * A visit is one person's arrival on one local day, numbered by the
 * day's next queue ticket. Its state moves only through the core's
 * workflow table: store_visit_transition() loads the stored state, asks
 * visit_apply(), and saves the answer, so a refused event leaves the row
 * as it was. A deferral is queued for the platform (outbox kind
 * "deferral": a FHIR Immunization with status not-done).
 *
 * A dose is given on the bus (source "bus": at a visit, from a lot on
 * board of the same product; queued as "immunization" and taken out of the
 * stock ledger) or learnt from the platform or a vaccination certificate
 * (sources "platform", "certificate": history only, neither queued nor
 * counted in stock). store_dose_history() gives the schedule engine every
 * dose of a person.
 *
 * Writes run inside the caller's transaction (VB_ESTATE otherwise) with
 * their outbox row and their audit row ("visit.add", "visit.<event>",
 * "dose.add"; details hold ids, codes and counts only). Visits and doses
 * given on the bus carry the bus_id and site_id that meta holds at the
 * time (a database without them refuses the write with VB_EINVAL).
 * Failures that name bad input (VB_EINVAL, VB_EEXIST, VB_ENOTFOUND,
 * VB_ESTATE for a refused event) write nothing; after a storage error roll
 * the transaction back. Days are local civil dates (vbdate day numbers)
 * chosen by the caller, stored as 'YYYY-MM-DD'.
 */
#ifndef STORE_VISIT_H
#define STORE_VISIT_H

#include <stddef.h>
#include <stdint.h>

#include "schedule.h"
#include "store.h"
#include "store_meta.h"
#include "visit.h"

struct store_visit {
	char id[37];
	char person_id[37];
	enum visit_state state;
	char ticket[8];	   /* "A001": the day's queue ticket */
	char deferral[32]; /* the deferral reason code, "" unless deferred */
	int32_t day;	   /* local civil date of the visit (vbdate day number) */
	char site_id[STORE_META_IDENT_MAX + 1]; /* the tour stop it was at (read only) */
	int64_t created_at, updated_at;
};

/*
 * Saves a new visit of v->person_id on local day v->day at now. Writes on
 * VB_OK: v->id (a new UUIDv7), v->state (registered), v->ticket (the
 * day's next ticket, visit_ticket_format), v->deferral (""), created_at and
 * updated_at (now). Audit row "visit.add"; no outbox row. Returns VB_OK;
 * VB_EEXIST when the person already has a visit of that day that is not
 * final (store_visit_open_for_person finds it); VB_ERANGE when the day's
 * tickets are used up; VB_EINVAL for an unknown person, a day that is
 * VBDATE_NONE, or no bus/site identity; VB_ESTATE (no transaction); or a
 * storage error. v is written only on VB_OK.
 */
int store_visit_add(struct store *st, struct store_visit *v, const char *actor, int64_t now);

/* The visit with record id `id`: VB_OK with *out filled, VB_ENOTFOUND or a
 * storage error (*out written only on VB_OK). */
int store_visit_get(struct store *st, const char *id, struct store_visit *out);

/*
 * Applies event ev to visit id at now: visit_apply() on the stored state;
 * on VB_OK the new state is saved with the audit row "visit.<event>"
 * (detail: the states before and after, the deferral code), and for
 * VISIT_EV_DEFER the deferral code and the outbox row "deferral".
 * deferral_code (a token of at most 31 bytes) is required with
 * VISIT_EV_DEFER and must be NULL otherwise. Returns VB_OK; VB_ESTATE with
 * why filled by the core ("bad_transition") when the workflow refuses
 * (nothing changes), or when no transaction is open (why untouched);
 * VB_ENOTFOUND; VB_EINVAL (unknown event, a missing, malformed or
 * unexpected deferral code); or a storage error. why may be NULL.
 */
int store_visit_transition(struct store *st, const char *id, enum visit_event ev,
			   const char *deferral_code, const char *actor, int64_t now,
			   struct vb_reason *why);

/*
 * The person's visit of local day `day` whose state is not final
 * (visit_state_is_final): VB_OK with *out filled, VB_ENOTFOUND, or a
 * storage error. *out written only on VB_OK.
 */
int store_visit_open_for_person(struct store *st, const char *person_id, int32_t day,
				struct store_visit *out);

/*
 * The visits of local day `day`, by ticket, into out[0..*n) (room for
 * cap); only those in `state` when state >= 0, every one when state is
 * -1. Returns VB_OK, VB_ERANGE (more than cap; *n untouched, out holds the
 * first cap), VB_EINVAL (unknown state) or a storage error.
 */
int store_visit_list_day(struct store *st, int32_t day, int state, struct store_visit *out,
			 size_t cap, size_t *n);

struct store_dose {
	char id[37];
	char visit_id[37]; /* "" for a dose not given on the bus */
	char person_id[37];
	char product[32];
	char lot[21]; /* "" if unknown (platform, certificate) */
	int dose_number;
	int series_doses;
	int64_t given_at;   /* UTC seconds */
	int32_t given_on;   /* local civil date (vbdate day number) */
	char route[8];	    /* "IM", ... */
	char body_site[24]; /* "deltoid-left", ... */
	char staff[64];	    /* the vaccinator's staff id; "" if unknown */
	char source[12];    /* "bus", "platform", "certificate" */
	char site_id[STORE_META_IDENT_MAX +
		     1]; /* the tour stop of a "bus" dose, else "" (read only) */
};

/*
 * Saves dose *d (d->id ignored; a new UUIDv7 written to it on VB_OK) at now
 * with the audit row "dose.add". A dose of source "bus" needs its visit
 * (of the same person), a lot on board of the same product and a staff id;
 * it is queued (outbox "immunization") and takes one dose out of the
 * stock ledger at given_at. One dose per visit. Doses of the other sources
 * are history: no visit needed, no outbox row, no movement. Returns VB_OK;
 * VB_EEXIST (the visit has a dose already); VB_EINVAL (malformed or
 * inconsistent fields, unknown person or visit, the visit is another
 * person's, the lot is not on board or of another product, no bus/site
 * identity); VB_ESTATE (no transaction); or a storage error.
 */
int store_dose_add(struct store *st, struct store_dose *d, const char *actor, int64_t now);

/* The dose with record id `id`: VB_OK with *out, VB_ENOTFOUND or a storage
 * error (*out written only on VB_OK). */
int store_dose_get(struct store *st, const char *id, struct store_dose *out);

/* The dose given at visit visit_id: VB_OK with *out, VB_ENOTFOUND or a
 * storage error (*out written only on VB_OK). */
int store_dose_by_visit(struct store *st, const char *visit_id, struct store_dose *out);

/*
 * Every dose of person_id, of every source, as the schedule engine takes
 * them (product, civil date), by date, into out[0..*n) (room for cap; at
 * most SCHEDULE_MAX_HISTORY are ever needed). Returns VB_OK, VB_ERANGE (more
 * than cap; *n untouched) or a storage error.
 */
int store_dose_history(struct store *st, const char *person_id, struct schedule_dose *out,
		       size_t cap, size_t *n);

/*
 * The full dose records of person_id (certificates, reprints), by date
 * then time, into out[0..*n) (room for cap). Returns VB_OK, VB_ERANGE (more
 * than cap; *n untouched) or a storage error.
 */
int store_dose_list_person(struct store *st, const char *person_id, struct store_dose *out,
			   size_t cap, size_t *n);

#endif
