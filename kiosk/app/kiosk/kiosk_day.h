/*
 * kiosk_day: what the staff's day screen and device status screen stand
 * on besides the store — the sync thread inside the kiosk, and the fate
 * of the jobs they print (through the print worker, kiosk_print.h).
 *
 * The sync thread (kiosk_sync.c) runs when [sync] url is configured: it
 * owns its own database and HTTP connections, and its reports reach the
 * UI thread as a copy under a mutex plus an SDL event that makes the loop
 * redraw the day screen. Nothing on the UI thread ever waits for the link.
 */
#ifndef KIOSK_DAY_H
#define KIOSK_DAY_H

#include <SDL.h>

#include "kiosk.h"
#include "sync_thread.h"

/* Starts the sync thread on k->db_path when k->cfg.sync.url is set: 0
 * (also when sync is off), or -1 after saying why on stderr (the kiosk
 * runs on without it; records stay in the outbox). */
int kiosk_sync_start(struct kiosk *k);

/* Stops the thread (a request in progress is interrupted; its records
 * stay queued). Accepts a kiosk without one. */
void kiosk_sync_stop(struct kiosk *k);

/* 1 when ev is the thread's "something changed" event (the loop
 * redraws), else 0. */
int kiosk_sync_event(struct kiosk *k, const SDL_Event *ev);

/* The thread's latest figures into *r: 1 when it has reported at least
 * once, 0 when it has not yet (or there is no thread: sync off). */
int kiosk_sync_report(struct kiosk *k, struct sync_report *r);

/* 1 when the kiosk runs a sync thread. */
int kiosk_sync_running(const struct kiosk *k);

/* Waits (real time, up to timeout_ms) until the thread has reported and
 * either sent everything or found the link down — or, with sending, until
 * it has sent some records and others still wait: 0, or -1 on timeout or
 * without a thread. For scenarios (`sync-wait`). */
int kiosk_sync_settle(struct kiosk *k, int timeout_ms, int sending);

/* A "label  value" row at the top of *r in the staff's tables
 * (kiosk_day.c): the label muted in the left third, the value wrapped
 * beside it in colour; *r shrinks from the top past the row. */
void kiosk_ops_row(struct kiosk *k, struct ui_rect *r, const char *label, const char *value,
		   enum ui_colour colour);

/* The string key of what became of print job id (kiosk_status.c):
 * printing, printed, or why it waits (out of paper, no printer, ...) as
 * the print worker's last run found it; NULL for an unknown job. */
const char *kiosk_ops_job_key(struct kiosk *k, const char *id);

#endif
