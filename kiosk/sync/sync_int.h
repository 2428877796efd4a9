/*
 * sync_int: the engine's state, shared by its parts (sync_engine.c: life
 * cycle, backoff and status; sync_push.c: the outbox; sync_pull.c:
 * histories and recalls). Private to kiosk/sync.
 */
#ifndef SYNC_INT_H
#define SYNC_INT_H

#include <stdint.h>

#include "store.h"
#include "sync.h"
#include "sync_http.h"

struct sync_engine {
	struct sync_options o;
	const struct catalog *cat;
	sync_clock_fn clock;
	struct store *st;
	struct sync_http *http;
	int lock_fd;
	int fails;	  /* transient failures in a row (backoff exponent) */
	int bundle_limit; /* records per bundle the platform takes (learnt) */
	int good_bundles; /* bundles through since the limit last fell */
	uint64_t rng;	  /* jitter */
};

/* Meta keys of the sync status (sync_status_read). */
#define SYNC_META_LAST_SUCCESS "sync_last_success"
#define SYNC_META_LAST_ATTEMPT "sync_last_attempt"
#define SYNC_META_LAST_ERROR   "sync_last_error"

/*
 * A request's outcome for the backoff and the status: ok (the platform
 * answered) resets the backoff; otherwise the failure count grows. Writes
 * the status keys (in the caller's transaction, or its own). Returns the
 * delay before the next attempt in seconds (0 when ok), at least 1.
 */
int64_t sync_engine_note(struct sync_engine *e, int ok, const char *error, int64_t now);

/* The figures of the outbox into p->pending. VB_OK or a storage error. */
int sync_engine_pending(struct sync_engine *e, struct sync_progress *p);

#endif
