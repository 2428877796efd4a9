/*
 * store_outbox: the queue of records waiting to reach the platform.
 *
 * The app adds a row in the same transaction as the record it names, so a
 * record is never saved without its outbox row nor queued without being
 * saved. The sync thread claims pending rows (oldest first), sends them,
 * and reports each one's fate:
 *
 *   (add) -> pending --claim--> in_flight --ack----> acked
 *              ^                    |------fail---> failed (quarantined)
 *              |                    |------retry--> pending (after a delay)
 *              |--------recover-----+  (start-up after a crash)
 *              |--------requeue------- failed (staff retry after a fix)
 *
 * One bad record never stalls the queue: a permanent refusal (HTTP 4xx)
 * moves it to failed with its reason and the next row goes on; a transient
 * failure sends it back to pending with a later next_attempt_at, so it is
 * not claimed again before then. Counts come from the table itself, so
 * "sync complete" (pending = in_flight = 0) is true when it is shown.
 *
 * Adding a record that is already queued (the record changed) keeps one
 * row per (kind, record_id): a pending row stays pending; an acked or
 * failed row goes back to pending with attempts 0; an in_flight row is
 * marked dirty, and its ack or fail then returns it to pending, so the
 * newer version is sent too.
 *
 * last_error and every other field hold no personal data: codes, HTTP
 * statuses and ids only.
 */
#ifndef STORE_OUTBOX_H
#define STORE_OUTBOX_H

#include <stddef.h>
#include <stdint.h>

#include "store.h"
#include "store_id.h"

/* Buffer sizes (with the NUL) of the text fields of a row. kind,
 * record_id and server_id longer than these are refused; a longer error
 * is cut at a character boundary. */
#define STORE_OUTBOX_KIND_SIZE	    32
#define STORE_OUTBOX_RECORD_ID_SIZE 64
#define STORE_OUTBOX_SERVER_ID_SIZE 128
#define STORE_OUTBOX_ERROR_SIZE	    200

/* Most rows one claim may take. */
#define STORE_OUTBOX_CLAIM_MAX 1000

enum store_outbox_state {
	STORE_OUTBOX_PENDING = 0,
	STORE_OUTBOX_IN_FLIGHT = 1,
	STORE_OUTBOX_ACKED = 2,
	STORE_OUTBOX_FAILED = 3,
};

/* Any state, for store_outbox_list. */
#define STORE_OUTBOX_ANY (-1)

struct store_outbox_row {
	char id[STORE_ID_LEN + 1];		     /* the row's own UUIDv7 */
	char kind[STORE_OUTBOX_KIND_SIZE];	     /* e.g. "patient", "immunization" */
	char record_id[STORE_OUTBOX_RECORD_ID_SIZE]; /* the record's id */
	enum store_outbox_state state;
	int64_t attempts;				 /* failed sends so far */
	char last_error[STORE_OUTBOX_ERROR_SIZE];	 /* "" if none */
	char server_id[STORE_OUTBOX_SERVER_ID_SIZE];	 /* "" until acknowledged */
	int64_t created_at, updated_at, next_attempt_at; /* UTC seconds */
};

struct store_outbox_counts {
	int64_t pending, in_flight, acked, failed;
};

/* "pending", "in_flight", "acked", "failed", or "unknown". Static. */
const char *store_outbox_state_name(int state);

/*
 * Queues record_id of kind (both printable ASCII tokens) at time now; see
 * the file comment for a record already queued. Must be called inside the
 * caller's transaction, the one that writes the record (VB_ESTATE
 * otherwise). Returns VB_OK, VB_EINVAL or a storage error.
 */
int store_outbox_add(struct store *st, const char *kind, const char *record_id, int64_t now);

/*
 * Moves up to max (1..STORE_OUTBOX_CLAIM_MAX) pending rows whose
 * next_attempt_at <= now to in_flight, oldest first (created_at, then id),
 * copying them into rows[0..*n_out) in that order. rows is caller-owned
 * with room for max rows. Returns VB_OK (possibly with *n_out 0), VB_EINVAL
 * or a storage error (then nothing is claimed and *n_out is untouched,
 * though rows may have been written). Atomic: its own transaction, or the
 * caller's.
 */
int store_outbox_claim(struct store *st, size_t max, int64_t now, struct store_outbox_row *rows,
		       size_t *n_out);

/*
 * The platform acknowledged row id (server_id: the platform's id of the
 * resource, may be NULL to keep the one stored). in_flight -> acked (or
 * pending if the record changed meanwhile). Returns VB_OK, VB_ENOTFOUND,
 * VB_ESTATE (the row is not in_flight), VB_EINVAL or a storage error.
 */
int store_outbox_ack(struct store *st, const char *id, const char *server_id, int64_t now);

/*
 * The platform refused row id for good (HTTP 4xx): in_flight -> failed,
 * attempts + 1, last_error = error (may be NULL), so it no longer blocks
 * the queue (or pending if the record changed meanwhile). Same returns as
 * store_outbox_ack.
 */
int store_outbox_fail(struct store *st, const char *id, const char *error, int64_t now);

/*
 * Sending row id failed for a passing reason (no link, timeout, 5xx):
 * in_flight -> pending, attempts + 1, last_error = error (may be NULL),
 * not claimable before next_attempt_at. Same returns as store_outbox_ack.
 */
int store_outbox_retry(struct store *st, const char *id, const char *error, int64_t next_attempt_at,
		       int64_t now);

/*
 * Staff asked to send a quarantined row again (after the cause was fixed):
 * failed -> pending, claimable from now. Same returns as store_outbox_ack.
 */
int store_outbox_requeue(struct store *st, const char *id, int64_t now);

/*
 * At start-up, before the sync thread runs: every in_flight row (a send
 * cut short by a crash or power cut) goes back to pending, keeping its
 * attempts and next_attempt_at. Writes the number moved to *n_recovered
 * (may be NULL). VB_OK or a storage error.
 */
int store_outbox_recover(struct store *st, int64_t *n_recovered);

/* Counts rows by state from the table. VB_OK (out written) or a storage
 * error (out untouched). */
int store_outbox_counts(struct store *st, struct store_outbox_counts *out);

/* The row of (kind, record_id): VB_OK with *out filled, VB_ENOTFOUND,
 * VB_EINVAL (NULL arguments) or a storage error (*out written on VB_OK). */
int store_outbox_get(struct store *st, const char *kind, const char *record_id,
		     struct store_outbox_row *out);

/* The earliest next_attempt_at of the pending rows into *at (INT64_MAX when
 * none is pending). VB_OK or a storage error (*at untouched). */
int store_outbox_next_due(struct store *st, int64_t *at);

/*
 * Calls cb for up to limit rows (0: no limit) in state (an enum
 * store_outbox_state, or STORE_OUTBOX_ANY), oldest first. row is borrowed
 * for the call. cb must not write to the outbox; a nonzero return stops
 * the walk and is returned. Returns VB_OK, VB_EINVAL (bad state), cb's
 * value or a storage error.
 */
int store_outbox_list(struct store *st, int state, size_t limit,
		      int (*cb)(void *arg, const struct store_outbox_row *row), void *arg);

#endif
