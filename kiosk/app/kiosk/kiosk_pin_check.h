/*
 * kiosk_pin_check: a staff PIN checked on a worker thread of its own, so
 * that Argon2id's 0.3 s (or 0.6 s with a rehash) never freezes the
 * touchscreen.
 *
 * The pad (kiosk_staff.c) reads the staff row on the main thread
 * (store_staff_begin), hands the hash and the PIN to kiosk_pin_check_start,
 * which copies them and wipes the PIN it was given, and goes on drawing.
 * The worker runs store_staff_verify (no store, no globals), wipes its copy
 * of the PIN and posts kiosk_pin_check_event to wake the loop; the main
 * thread then takes the verdict with kiosk_pin_check_end and records it
 * (store_staff_finish). One thread per check: a check is rare and short.
 */
#ifndef KIOSK_PIN_CHECK_H
#define KIOSK_PIN_CHECK_H

#include <stddef.h>
#include <stdint.h>

#include "store_staff.h"

struct kiosk_pin_check;

/* Starts checking pin against c->hash on a new thread into *out. pin
 * (cap bytes) is wiped whatever happens. 0, or -1 (pin too long, no
 * memory or no thread: nothing started, *out NULL). */
int kiosk_pin_check_start(struct kiosk_pin_check **out, const struct store_staff_check *c,
			  char *pin, size_t cap);

/* 1 while the worker still checks, else 0. Never blocks for the check. */
int kiosk_pin_check_busy(struct kiosk_pin_check *p);

/* Waits for the worker if it still runs, joins it, copies c with its
 * verdict (store_staff_verify's) into *c and frees p, wiped. Returns what
 * store_staff_verify returned (VB_OK or an error). */
int kiosk_pin_check_end(struct kiosk_pin_check *p, struct store_staff_check *c);

/* The SDL event type the worker posts when done (0 before the first
 * start; (uint32_t)-1 when SDL had none left: the loop's 1 s timeout
 * still finds the check done). */
extern uint32_t kiosk_pin_check_event;

#endif
