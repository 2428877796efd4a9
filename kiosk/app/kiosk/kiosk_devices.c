/*
 * kiosk_devices: a thread for the ID card reader and one for the scanner,
 * posting what they read to the main thread as SDL user events
 * (kiosk_devices.h).
 *
 * Each thread owns its device: it opens it (devices.h), reads it with
 * KIOSK_DEV_READ_MS timeouts, never faster than KIOSK_DEV_POLL_MS, and on
 * an unplug or an error closes it and looks for it again every
 * KIOSK_DEV_RETRY_MS. Waits between reads sleep on a condition variable
 * that kiosk_devices_stop signals, so the stop waits for one read at most.
 * Card data and scans are wiped wherever they were copied.
 */
#include "kiosk_devices.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devices.h"
#include "drv_wipe.h"
#include "kiosk.h"

struct kiosk_dev_threads {
	struct config cfg; /* devices.dev borrows it */
	struct devices dev;
	int dev_ok; /* devices_init succeeded (else both devices are absent) */
	struct idcard_reader *reader;
	struct scanner_dev *scanner;
	int given_reader, given_scanner; /* passed in: never closed before the stop */
	SDL_mutex *lock;
	SDL_cond *wake;
	int stop; /* under lock */
	SDL_Thread *reader_thread, *scanner_thread;
};

static Uint32 event_type = (Uint32)-1;

Uint32 kiosk_devices_event_type(void)
{
	return event_type;
}

static const char *const kind_names[KIOSK_IN_COUNT] = {"card", "unreadable", "scan", "reader-ready",
						       "reader-absent"};

int kiosk_devices_kind(const char *name)
{
	for (int i = 0; i < KIOSK_IN_COUNT; i++)
		if (strcmp(name, kind_names[i]) == 0)
			return i;
	return -1;
}

/* Sleeps up to ms unless stopped; returns 1 once the stop was asked. */
static int nap(struct kiosk_dev_threads *d, int ms)
{
	SDL_LockMutex(d->lock);
	if (!d->stop && ms > 0)
		SDL_CondWaitTimeout(d->wake, d->lock, (Uint32)ms);
	int stop = d->stop;
	SDL_UnlockMutex(d->lock);
	return stop;
}

/* Sleeps what is left of the poll interval since start (SDL_GetTicks). */
static int pace(struct kiosk_dev_threads *d, Uint32 start)
{
	Uint32 spent = SDL_GetTicks() - start;
	return nap(d, spent < KIOSK_DEV_POLL_MS ? (int)(KIOSK_DEV_POLL_MS - spent) : 0);
}

/* Wipes and frees an event's payload (its size depends on the kind). */
static void payload_free(int kind, void *data)
{
	if (!data)
		return;
	drv_wipe(data, kind == KIOSK_IN_CARD ? sizeof(struct idcard_card)
					     : sizeof(struct kiosk_input_scan));
	free(data);
}

/* Posts an event of kind with data (owned by the event from here on). */
static void post(int kind, void *data)
{
	SDL_Event ev;
	memset(&ev, 0, sizeof(ev));
	ev.type = event_type;
	ev.user.code = kind;
	ev.user.data1 = data;
	if (SDL_PushEvent(&ev) != 1)
		payload_free(kind, data);
}

static void reader_state(enum kiosk_input *last, enum kiosk_input now)
{
	if (*last != now)
		post((int)now, NULL);
	*last = now;
}

/* The card reader's thread. A card is posted once while it stays on the
 * reader (same number read again), and again after a read found none. */
static int reader_main(void *arg)
{
	struct kiosk_dev_threads *d = arg;
	enum kiosk_input state = KIOSK_IN_COUNT; /* nothing said yet */
	char last[IDCARD_ID_CAP] = "";		 /* the card on the reader, "" none */
	int unreadable = 0;			 /* the card there was said unreadable */
	for (;;) {
		if (!d->reader && (!d->dev_ok || devices_idcard(&d->dev, &d->reader) != DRV_OK)) {
			d->reader = NULL;
			reader_state(&state, KIOSK_IN_READER_ABSENT);
			if (nap(d, KIOSK_DEV_RETRY_MS))
				break;
			continue;
		}
		reader_state(&state, KIOSK_IN_READER_READY);
		Uint32 start = SDL_GetTicks();
		struct idcard_card card;
		int rc = idcard_reader_read(d->reader, &card, KIOSK_DEV_READ_MS);
		enum idcard_why why = idcard_reader_status(d->reader)->why;
		if (rc == DRV_OK) {
			unreadable = 0;
			if (strcmp(card.id, last) != 0) {
				struct idcard_card *copy = malloc(sizeof(*copy));
				if (copy) {
					*copy = card;
					post(KIOSK_IN_CARD, copy);
					memcpy(last, card.id, sizeof(last));
				}
			}
			idcard_card_wipe(&card);
		} else if (why == IDCARD_WHY_NO_CARD) {
			drv_wipe(last, sizeof(last));
			unreadable = 0;
		} else if (why == IDCARD_WHY_REMOVED || why == IDCARD_WHY_PROTOCOL ||
			   why == IDCARD_WHY_BAD_TEXT) {
			drv_wipe(last, sizeof(last));
			if (!unreadable)
				post(KIOSK_IN_UNREADABLE, NULL);
			unreadable = 1;
		} else if (rc != DRV_EBUSY && !d->given_reader) {
			/* Unplugged, a failed transfer: open it again. */
			idcard_reader_free(d->reader);
			d->reader = NULL;
			drv_wipe(last, sizeof(last));
			reader_state(&state, KIOSK_IN_READER_ABSENT);
			if (nap(d, KIOSK_DEV_RETRY_MS))
				break;
			continue;
		}
		if (pace(d, start))
			break;
	}
	drv_wipe(last, sizeof(last));
	return 0;
}

/* The scanner's thread: every complete scan is posted. */
static int scanner_main(void *arg)
{
	struct kiosk_dev_threads *d = arg;
	struct kiosk_input_scan *scan = NULL;
	for (;;) {
		if (!d->scanner &&
		    (!d->dev_ok || devices_scanner(&d->dev, &d->scanner) != DRV_OK)) {
			d->scanner = NULL;
			if (nap(d, KIOSK_DEV_RETRY_MS))
				break;
			continue;
		}
		if (!scan && !(scan = malloc(sizeof(*scan)))) {
			if (nap(d, KIOSK_DEV_RETRY_MS))
				break;
			continue;
		}
		Uint32 start = SDL_GetTicks();
		int rc = scanner_dev_read(d->scanner, scan->text, sizeof(scan->text), &scan->len,
					  KIOSK_DEV_READ_MS);
		if (rc == DRV_OK) {
			post(KIOSK_IN_SCAN, scan);
			scan = NULL;
		} else if (rc != DRV_ETIMEOUT && rc != SCANNER_EPARTIAL &&
			   rc != SCANNER_EOVERFLOW && !d->given_scanner) {
			/* Unplugged, a failed transfer: open it again. */
			scanner_dev_free(d->scanner);
			d->scanner = NULL;
			if (nap(d, KIOSK_DEV_RETRY_MS))
				break;
			continue;
		}
		if (pace(d, start))
			break;
	}
	payload_free(KIOSK_IN_SCAN, scan);
	return 0;
}

int kiosk_devices_start(const struct config *cfg, struct idcard_reader *reader,
			struct scanner_dev *scanner, struct kiosk_dev_threads **out)
{
	struct kiosk_dev_threads *d = calloc(1, sizeof(*d));
	if (event_type == (Uint32)-1)
		event_type = SDL_RegisterEvents(1);
	if (!d || event_type == (Uint32)-1) {
		free(d);
		idcard_reader_free(reader);
		scanner_dev_free(scanner);
		return -1;
	}
	d->cfg = *cfg;
	d->dev_ok = devices_init(&d->dev, &d->cfg) == DRV_OK;
	d->reader = reader;
	d->scanner = scanner;
	d->given_reader = reader != NULL;
	d->given_scanner = scanner != NULL;
	d->lock = SDL_CreateMutex();
	d->wake = SDL_CreateCond();
	if (d->lock && d->wake)
		d->reader_thread = SDL_CreateThread(reader_main, "vb-reader", d);
	if (d->reader_thread)
		d->scanner_thread = SDL_CreateThread(scanner_main, "vb-scanner", d);
	if (!d->scanner_thread) {
		kiosk_devices_stop(d);
		return -1;
	}
	*out = d;
	return 0;
}

void kiosk_devices_stop(struct kiosk_dev_threads *d)
{
	if (!d)
		return;
	if (d->lock) {
		SDL_LockMutex(d->lock);
		d->stop = 1;
		SDL_CondBroadcast(d->wake);
		SDL_UnlockMutex(d->lock);
	}
	SDL_WaitThread(d->reader_thread, NULL);
	SDL_WaitThread(d->scanner_thread, NULL);
	idcard_reader_free(d->reader);
	scanner_dev_free(d->scanner);
	if (d->dev_ok)
		devices_cleanup(&d->dev);
	SDL_DestroyCond(d->wake);
	SDL_DestroyMutex(d->lock);
	free(d);
	/* What the threads posted and nobody handled. */
	SDL_Event ev;
	while (SDL_PeepEvents(&ev, 1, SDL_GETEVENT, event_type, event_type) == 1)
		payload_free(ev.user.code, ev.user.data1);
}

int kiosk_devices_handle(struct kiosk *k, const SDL_Event *ev)
{
	if (event_type == (Uint32)-1 || ev->type != event_type)
		return -1;
	int kind = ev->user.code;
	switch (kind) {
	case KIOSK_IN_CARD:
		kiosk_card(k, ev->user.data1);
		break;
	case KIOSK_IN_UNREADABLE:
		/* As kiosk_card says of a card it cannot take. */
		k->last_input_ms = kiosk_clock_ms(k);
		if (k->screen == &kiosk_identify || k->screen == &kiosk_welcome) {
			kiosk_go(k, &kiosk_identify);
			snprintf(k->res.error, sizeof(k->res.error), "identify.card_unreadable");
		}
		break;
	case KIOSK_IN_SCAN: {
		const struct kiosk_input_scan *s = ev->user.data1;
		kiosk_scan(k, s->text, s->len);
		break;
	}
	case KIOSK_IN_READER_READY:
	case KIOSK_IN_READER_ABSENT:
		k->reader =
		    kind == KIOSK_IN_READER_READY ? KIOSK_READER_READY : KIOSK_READER_ABSENT;
		break;
	default:
		return -1;
	}
	payload_free(kind, ev->user.data1);
	k->dirty = 1;
	return kind;
}
