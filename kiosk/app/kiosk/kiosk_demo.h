/*
 * kiosk_demo: demo mode (`vaxbus-kiosk --demo`, the kiosk on simulated
 * devices, or `demo` in a script) — a panel on the right of the screens
 * that stands in for the reader and the scanner.
 *
 * Its buttons (and the keys F1, F2, ...) place a sample resident's card
 * on a simulated reader or put a sample code under a simulated scanner;
 * the device threads (kiosk_devices.h) read those as they read real
 * devices, so a card goes the same way from the reader to the screen. The
 * samples are the cards of the [sim] cards file and the scans of the
 * [sim] scans file (assets/sim/ by default), each scan labelled by what it
 * is: a vaccine box (valid or, by its printed date, expired) or a
 * pre-registration code. The screens draw left of the panel (k->area).
 */
#ifndef KIOSK_DEMO_H
#define KIOSK_DEMO_H

#include <SDL.h>

#include "kiosk.h"

#define KIOSK_DEMO_PANEL_W 240 /* pixels taken on the right */
#define KIOSK_DEMO_CARDS   3   /* sample cards shown, at most */
#define KIOSK_DEMO_SCANS   3   /* sample scans shown, at most */

/* Reads the samples, starts the device threads on the panel's simulated
 * reader and scanner (k->dev_threads, which must be NULL) and sets
 * k->demo and k->area. Returns 0, or -1 after saying why on stderr. */
int kiosk_demo_start(struct kiosk *k);

/* Stops the device threads and frees the demo (wiping the sample cards).
 * Accepts a kiosk without a demo. */
void kiosk_demo_stop(struct kiosk *k);

/* The panel, drawn after the screen (kiosk_draw). */
void kiosk_demo_draw(struct kiosk *k);

/* A tap on the panel ("demo.card.N", "demo.scan.N", from 1): 1 if it was
 * one (the card or scan is handed to the simulated device), else 0. */
int kiosk_demo_tap(struct kiosk *k, const char *id);

/* F1..: the panel's buttons in order; 1 if key was one of them. */
int kiosk_demo_key(struct kiosk *k, SDL_Keycode key);

#endif
