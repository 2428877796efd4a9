/*
 * kiosk_print: the print queue, run on a worker thread.
 *
 * A screen stores its print job in its own transaction (printq_add_page)
 * and, once committed, calls kiosk_print_kick. The worker opens the
 * configured printer, runs the queue through its own database connection
 * and lets the printer go again, so a printer that is slow to answer, or
 * to time out (PRINTQ_TIMEOUT_MS per query, unplugged, no paper), never
 * holds the screen. When a run ends the worker posts kiosk_print_event;
 * the loop redraws, and screens read their job's fate from the store
 * (store_print_get) as they draw.
 */
#ifndef KIOSK_PRINT_H
#define KIOSK_PRINT_H

#include <stdint.h>

#include "printq.h"

struct kiosk;

/* Starts the worker on k->db_path and k->cfg (k->print). 0, or -1 after
 * saying why on stderr. */
int kiosk_print_start(struct kiosk *k);

/* Asks the worker to run the queue (again). Never blocks for the
 * printer. */
void kiosk_print_kick(struct kiosk *k);

/* Waits until the worker has run every kick so far (scripts, before they
 * look at the screen or the paper). */
void kiosk_print_settle(struct kiosk *k);

/* 1 while kicks wait for a run or a run is under way, else 0. */
int kiosk_print_busy(struct kiosk *k);

/* The outcome of the last run: 1 with *out set, 0 when there has been
 * none, -1 when the last run could not read the queue (storage error). */
int kiosk_print_last(struct kiosk *k, struct printq_result *out);

/* Stops the worker after the run in progress, if any, and frees it.
 * Accepts a kiosk whose worker never started. */
void kiosk_print_stop(struct kiosk *k);

/* The SDL event type the worker posts after each run (0 before start). */
extern uint32_t kiosk_print_event;

#endif
