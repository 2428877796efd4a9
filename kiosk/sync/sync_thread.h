/*
 * sync_thread: the sync engine on its own thread inside vaxbus-kiosk.
 *
 * The thread owns the engine (its own database and HTTP connections): it
 * sends the outbox whenever something is due, waits out the backoff after
 * a failure, pulls histories and recalls every pull_interval_s while the
 * link works, and reports after each request through the callback (on the
 * sync thread: the kiosk posts an SDL event from it, never touching the UI
 * or the core). Nothing it does ever waits on the caller: the UI thread
 * only calls sync_thread_wake (a record was queued) and sync_thread_stop,
 * which interrupts a request in progress (its rows go back to the queue).
 */
#ifndef SYNC_THREAD_H
#define SYNC_THREAD_H

#include "sync.h"

struct sync_thread;

/* What the thread reports: the figures of the outbox and of this run. */
struct sync_report {
	struct sync_progress push;    /* accumulated since the thread started */
	struct sync_pull_result pull; /* accumulated since the thread started */
	int link_ok;		      /* the last request was answered */
};

/* Called on the sync thread; r is borrowed for the call. */
typedef void (*sync_report_fn)(void *arg, const struct sync_report *r);

/*
 * Starts the thread on db_path with *opts (copied), the catalog (borrowed,
 * must outlive the thread), the clock, and pulls every pull_interval_s
 * seconds (0: never). fn may be NULL. Returns VB_OK with *out, or the
 * errors of sync_engine_new (why filled), or VB_ENOMEM.
 */
int sync_thread_start(const char *db_path, const struct sync_options *opts,
		      const struct catalog *cat, sync_clock_fn clock, int pull_interval_s,
		      sync_report_fn fn, void *arg, struct sync_thread **out, char *why,
		      size_t whycap);

/* Something was queued, or the link may be back: look now. Thread-safe. */
void sync_thread_wake(struct sync_thread *t);

/* Stops the thread (interrupting a request in progress), joins and frees
 * it. Accepts NULL. */
void sync_thread_stop(struct sync_thread *t);

#endif
