/*
 * kiosk_devices: the ID card reader and the barcode scanner read while the
 * kiosk runs, each on its own thread.
 *
 * Each thread opens its device through devices.h ([devices] mode = usb or
 * sim), reads it with a timeout, and hands what it read to the main
 * thread as an SDL user event (SDL_PushEvent is thread-safe) carrying a
 * heap copy; the main thread passes it to kiosk_card / kiosk_scan and
 * wipes and frees it (kiosk_devices_handle). A device that is absent or
 * unplugged is looked for again every KIOSK_DEV_RETRY_MS (USB hotplug);
 * the reader's state goes to the UI (k->reader) so the identify screen
 * can say "type your number" when there is no reader. A card stays on the
 * reader: it is handed over once, and again only after a read found no
 * card (or another card). The threads touch no UI, store or core state.
 *
 * Simulated devices answer each read at once with the next entry of their
 * file, starting again after the last, so a thread on them reads one
 * every KIOSK_DEV_POLL_MS: scripts give them files of one entry; the
 * interactive kiosk on simulated devices uses the demo's panel instead
 * (kiosk_demo.h).
 */
#ifndef KIOSK_DEVICES_H
#define KIOSK_DEVICES_H

#include <SDL.h>

#include "config.h"
#include "idcard.h"
#include "scanner.h"

struct kiosk;

#define KIOSK_DEV_READ_MS  500	/* the timeout of one read (bounds the stop) */
#define KIOSK_DEV_POLL_MS  300	/* at most one read per this (sim devices answer at once) */
#define KIOSK_DEV_RETRY_MS 3000 /* an absent device is looked for again */

/* What an event of kiosk_devices_event_type() carries (its user.code). */
enum kiosk_input {
	KIOSK_IN_CARD,		/* data1: a struct idcard_card */
	KIOSK_IN_UNREADABLE,	/* a card was there but could not be read */
	KIOSK_IN_SCAN,		/* data1: a struct kiosk_input_scan */
	KIOSK_IN_READER_READY,	/* the reader is there */
	KIOSK_IN_READER_ABSENT, /* no reader (not attached, unplugged, no USB) */
	KIOSK_IN_COUNT
};

/* A scan as the scanner gave it. */
struct kiosk_input_scan {
	size_t len;
	char text[SCANNER_SCAN_MAX + 1];
};

struct kiosk_dev_threads;

/*
 * Registers the event type (once per process) and starts the two threads
 * on the devices cfg (borrowed, copied) names. reader and scanner, when
 * not NULL, are used instead of opening the configured ones (the demo's
 * panel; ownership is transferred, also on failure). Returns 0 with *out,
 * or -1 (no memory, no thread, no event type left) with nothing started.
 */
int kiosk_devices_start(const struct config *cfg, struct idcard_reader *reader,
			struct scanner_dev *scanner, struct kiosk_dev_threads **out);

/* Stops and joins both threads (within about KIOSK_DEV_READ_MS plus a
 * driver's own exchange timeouts), closes the devices, then wipes and
 * frees the payloads of the events still queued. Accepts NULL. */
void kiosk_devices_stop(struct kiosk_dev_threads *d);

/* The SDL event type of the device events ((Uint32)-1 before the first
 * kiosk_devices_start). */
Uint32 kiosk_devices_event_type(void);

/*
 * On the main thread: when ev is a device event, carries it out on k
 * (kiosk_card, kiosk_scan, the unreadable card on identify, k->reader),
 * wipes and frees its payload and returns its enum kiosk_input;
 * else returns -1 and touches nothing.
 */
int kiosk_devices_handle(struct kiosk *k, const SDL_Event *ev);

/* The name of an event kind for scripts ("card", "unreadable", "scan",
 * "reader-ready", "reader-absent"); -1 when name is none of them. */
int kiosk_devices_kind(const char *name);

#endif
