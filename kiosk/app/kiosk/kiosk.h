/*
 * kiosk: vaxbus-kiosk's state and its screens.
 *
 * One struct kiosk per process, on the main thread: the toolkit, the
 * database, the catalog, the configuration, and the resident in front of
 * the screen. A screen is a const vtable; it renders the state and turns
 * taps (widget ids) into steps of the workflow, which the app carries out
 * through the same station and store calls as vaxbusctl, so both write the
 * same records.
 *
 * Input reaches a screen as a widget id (a touch, or `tap ID` in a
 * script), a card (the reader, or `card FILE`), or a scanned text (the
 * scanner, or `scan TEXT`). After KIOSK_IDLE_MS without input on a
 * resident screen the kiosk goes back to welcome and wipes the resident's
 * data from memory.
 */
#ifndef KIOSK_H
#define KIOSK_H

#include <stddef.h>
#include <stdint.h>

#include "catalog.h"
#include "config.h"
#include "idcard.h"
#include "person.h"
#include "schedule.h"
#include "ui.h"

/* Inactivity before a resident screen returns to welcome. */
#define KIOSK_IDLE_MS (90 * 1000)

struct kiosk;

struct kiosk_screen {
	const char *id; /* "welcome", "identify", ... (scripts `expect` it) */
	int resident;	/* 1: the inactivity wipe applies */
	void (*enter)(struct kiosk *k);
	void (*tap)(struct kiosk *k, const char *id);
	void (*draw)(struct kiosk *k);
};

/* The resident being served (wiped on every return to welcome). */
struct kiosk_resident {
	struct person person; /* as read or typed; id set once saved */
	int found;	      /* already registered before today */
	char typed[24];	      /* the number being typed on the keypad */
	struct schedule_decision decision;
	int due;	/* a dose is due today */
	char error[48]; /* string key of the error shown, "" none */
};

struct kiosk {
	struct ui *ui;
	struct store *st;
	struct catalog *cat;
	struct config cfg;
	const struct kiosk_screen *screen;
	int dirty;	       /* redraw before sleeping */
	int64_t (*now)(void);  /* wall clock, UTC seconds */
	int64_t last_input_ms; /* kiosk_clock_ms */
	int64_t clock_skew_ms; /* added to CLOCK_MONOTONIC (scripts' `wait`) */
	int32_t today;	       /* local civil date */
	int utc_offset_min;
	struct kiosk_resident res;
};

/* Screens. */
extern const struct kiosk_screen kiosk_welcome, kiosk_identify, kiosk_confirm, kiosk_decision;

/* Switches to screen s (enter() runs, the frame is redrawn). */
void kiosk_go(struct kiosk *k, const struct kiosk_screen *s);

/* Input, from events or scripts. */
void kiosk_tap(struct kiosk *k, const char *id);
void kiosk_card(struct kiosk *k, const struct idcard_card *card);

/* Draws the current screen now (the loop calls it when dirty). */
void kiosk_draw(struct kiosk *k);

/* After KIOSK_IDLE_MS without input on a resident screen: back to
 * welcome, the resident's data wiped. Call it from the loop. */
void kiosk_idle(struct kiosk *k);

/* Copies tmpl to out (cap bytes) with each "{names[i]}" replaced by
 * values[i]; unknown placeholders stay as they are; cut to fit. */
void kiosk_fill(char *out, size_t cap, const char *tmpl, const char *const *names,
		const char *const *values, size_t n);

/* Wipes the resident's data (person_wipe and zeroes). */
void kiosk_forget(struct kiosk *k);

/* The kiosk's monotonic clock in milliseconds: CLOCK_MONOTONIC plus the
 * time a script has skipped. Timeouts and countdowns use it, never the
 * wall clock. */
int64_t kiosk_clock_ms(const struct kiosk *k);

#endif
