/*
 * kiosk_demo: the demo's panel and the simulated reader and scanner it
 * feeds (kiosk_demo.h).
 *
 * The panel's reader and scanner are drivers of their own (the idcard and
 * scanner ops): a tap puts a card or a scan in a one-place slot, and the
 * device thread's next read takes it out (a read waits on a condition
 * variable up to its timeout), so a card is read once per tap, like one
 * placed on the reader and lifted again. The samples come from the [sim]
 * files through the simulated drivers.
 */
#include "kiosk_demo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "drv_wipe.h"
#include "gs1.h"
#include "kiosk_devices.h"
#include "sim_idcard.h"
#include "sim_scanner.h"
#include "vbdate.h"

/* Reads of a sample file before giving up looking for more samples. */
#define SAMPLE_READS 16

struct kiosk_demo {
	SDL_mutex *lock;
	SDL_cond *put;		 /* a card or a scan was placed */
	struct idcard_card card; /* the card on the reader (card_in) */
	int card_in;
	struct kiosk_input_scan scan; /* the code under the scanner (scan_in) */
	int scan_in;
	/* The samples, read once at the start (the main thread's only). */
	struct idcard_card cards[KIOSK_DEMO_CARDS];
	size_t n_cards;
	struct kiosk_input_scan scans[KIOSK_DEMO_SCANS];
	const char *scan_key[KIOSK_DEMO_SCANS]; /* the button's string key */
	size_t n_scans;
};

struct panel_reader {
	struct idcard_reader base;
	struct kiosk_demo *demo;
};

struct panel_scanner {
	struct scanner_dev base;
	struct kiosk_demo *demo;
};

/* Waits up to ms for *flag under the demo's lock (held on return). */
static void wait_for(struct kiosk_demo *d, const int *flag, int ms)
{
	SDL_LockMutex(d->lock);
	if (!*flag && ms != 0)
		SDL_CondWaitTimeout(d->put, d->lock, ms < 0 ? SDL_MUTEX_MAXWAIT : (Uint32)ms);
}

static int reader_read(struct idcard_reader *r, struct idcard_card *out, int timeout_ms)
{
	struct kiosk_demo *d = ((struct panel_reader *)r)->demo;
	wait_for(d, &d->card_in, timeout_ms);
	int rc = d->card_in ? DRV_OK : DRV_ENOTFOUND;
	if (d->card_in)
		*out = d->card;
	idcard_card_wipe(&d->card);
	d->card_in = 0;
	SDL_UnlockMutex(d->lock);
	r->status.why = rc ? IDCARD_WHY_NO_CARD : IDCARD_WHY_NONE;
	return rc;
}

static void reader_free(struct idcard_reader *r)
{
	free(r);
}

static const struct idcard_reader_ops reader_ops = {reader_read, reader_free};

static int scanner_read(struct scanner_dev *s, char *out, size_t cap, size_t *len, int timeout_ms)
{
	struct kiosk_demo *d = ((struct panel_scanner *)s)->demo;
	wait_for(d, &d->scan_in, timeout_ms);
	int rc = !d->scan_in ? DRV_ETIMEOUT : d->scan.len < cap ? DRV_OK : SCANNER_EOVERFLOW;
	if (rc == DRV_OK) {
		memcpy(out, d->scan.text, d->scan.len + 1);
		*len = d->scan.len;
	}
	drv_wipe(&d->scan, sizeof(d->scan));
	d->scan_in = 0;
	SDL_UnlockMutex(d->lock);
	return rc;
}

static void scanner_free(struct scanner_dev *s)
{
	free(s);
}

static const struct scanner_dev_ops scanner_ops = {scanner_read, scanner_free};

/* The distinct cards of the [sim] cards file, in its order. */
static void load_cards(struct kiosk_demo *d, const char *path)
{
	struct idcard_reader *r;
	if (sim_idcard_open(path, &r) != DRV_OK)
		return;
	for (int i = 0; i < SAMPLE_READS && d->n_cards < KIOSK_DEMO_CARDS; i++) {
		struct idcard_card c;
		if (idcard_reader_read(r, &c, 0) != DRV_OK)
			continue;
		size_t j = 0;
		while (j < d->n_cards && strcmp(d->cards[j].id, c.id) != 0)
			j++;
		if (j < d->n_cards) {
			idcard_card_wipe(&c);
			break; /* the file starts again */
		}
		d->cards[d->n_cards++] = c;
		idcard_card_wipe(&c);
	}
	idcard_reader_free(r);
}

/* What a sample scan is, for its button. */
static const char *scan_key(const struct kiosk *k, const struct kiosk_input_scan *s)
{
	struct gs1 g;
	if (strncmp(s->text, "VBREG", 5) == 0)
		return "demo.scan_qr";
	if (gs1_parse(s->text, s->len, k->cfg.gs_substitute, &g, NULL) == VB_OK &&
	    g.expiry != VBDATE_NONE && g.expiry < k->today)
		return "demo.scan_expired";
	return "demo.scan_box";
}

/* The distinct scans of the [sim] scans file, in its order. */
static void load_scans(struct kiosk *k, struct kiosk_demo *d, const char *path)
{
	struct scanner_dev *s;
	if (sim_scanner_open(path, &s) != DRV_OK)
		return;
	for (int i = 0; i < SAMPLE_READS && d->n_scans < KIOSK_DEMO_SCANS; i++) {
		struct kiosk_input_scan *n = &d->scans[d->n_scans];
		if (scanner_dev_read(s, n->text, sizeof(n->text), &n->len, 0) != DRV_OK)
			continue;
		size_t j = 0;
		while (j < d->n_scans && strcmp(d->scans[j].text, n->text) != 0)
			j++;
		if (j < d->n_scans)
			break; /* the file starts again */
		d->scan_key[d->n_scans++] = scan_key(k, n);
	}
	drv_wipe(&d->scans[d->n_scans], sizeof(d->scans) - d->n_scans * sizeof(d->scans[0]));
	scanner_dev_free(s);
}

int kiosk_demo_start(struct kiosk *k)
{
	struct kiosk_demo *d = calloc(1, sizeof(*d));
	struct panel_reader *r = calloc(1, sizeof(*r));
	struct panel_scanner *s = calloc(1, sizeof(*s));
	if (d) {
		d->lock = SDL_CreateMutex();
		d->put = SDL_CreateCond();
	}
	if (!d || !r || !s || !d->lock || !d->put) {
		fprintf(stderr, "vaxbus-kiosk: demo: out of memory\n");
		free(r);
		free(s);
		k->demo = d;
		kiosk_demo_stop(k);
		return -1;
	}
	k->demo = d;
	load_cards(d, k->cfg.sim_cards);
	load_scans(k, d, k->cfg.sim_scans);
	r->base.ops = &reader_ops;
	r->demo = d;
	s->base.ops = &scanner_ops;
	s->demo = d;
	if (kiosk_devices_start(&k->cfg, &r->base, &s->base, &k->dev_threads)) {
		fprintf(stderr, "vaxbus-kiosk: demo: cannot start the device threads\n");
		kiosk_demo_stop(k);
		return -1;
	}
	struct ui_rect w = ui_screen(k->ui);
	k->area = (struct ui_rect){0, 0, w.w - KIOSK_DEMO_PANEL_W, w.h};
	k->dirty = 1;
	return 0;
}

void kiosk_demo_stop(struct kiosk *k)
{
	struct kiosk_demo *d = k->demo;
	if (!d)
		return;
	kiosk_devices_stop(k->dev_threads); /* the panel's devices first */
	k->dev_threads = NULL;
	SDL_DestroyCond(d->put);
	SDL_DestroyMutex(d->lock);
	drv_wipe(d, sizeof(*d));
	free(d);
	k->demo = NULL;
	k->area = (struct ui_rect){0, 0, 0, 0};
}

/* Button i of the panel: the cards, then the scans. */
static void button_label(struct kiosk *k, size_t i, char *out, size_t cap)
{
	struct kiosk_demo *d = k->demo;
	char key[16];
	snprintf(key, sizeof(key), "%s", SDL_GetKeyName((SDL_Keycode)(SDLK_F1 + (int)i)));
	const char *names[] = {"key", "name"};
	const char *values[] = {key, i < d->n_cards ? d->cards[i].name : ""};
	kiosk_fill(out, cap,
		   ui_str(k->ui, i < d->n_cards ? "demo.card" : d->scan_key[i - d->n_cards]), names,
		   values, 2);
}

void kiosk_demo_draw(struct kiosk *k)
{
	struct kiosk_demo *d = k->demo;
	struct ui_rect w = ui_screen(k->ui);
	struct ui_rect panel = {w.w - KIOSK_DEMO_PANEL_W, 0, KIOSK_DEMO_PANEL_W, w.h};
	ui_fill(k->ui, panel, UI_C_PANEL);
	ui_fill(k->ui, (struct ui_rect){panel.x, 0, 2, w.h}, UI_C_MUTED);
	struct ui_rect b = ui_inset(panel, ui_mm(k->ui, 3, 0));
	int gap = ui_mm(k->ui, 2, 0), hh = ui_mm(k->ui, 8, 1); /* a heading's line */
	int th = ui_text(k->ui, b, ui_str(k->ui, "demo.title"), UI_SIZE_BODY, UI_LEFT, UI_C_TEXT);
	b.y += th + gap;
	b.h -= th + gap;
	/* The reader's buttons under their heading, then the scanner's; they
	 * share what is left of the height, 16 mm at most. */
	size_t n = d->n_cards + d->n_scans;
	int bh = ui_mm(k->ui, 16, 0);
	if (n && 2 * hh + (int)n * (bh + gap) > b.h)
		bh = (b.h - 2 * hh) / (int)n - gap;
	for (size_t i = 0; i < n; i++) {
		char id[UI_ID_MAX], label[160];
		if (i == 0 || i == d->n_cards) {
			struct ui_rect head = {b.x, b.y, b.w, hh};
			ui_text(k->ui, head,
				ui_str(k->ui, i < d->n_cards ? "demo.reader" : "demo.scanner"),
				UI_SIZE_SMALL, UI_LEFT, UI_C_MUTED);
			b.y += hh;
		}
		snprintf(id, sizeof(id), "demo.%s.%zu", i < d->n_cards ? "card" : "scan",
			 (i < d->n_cards ? i : i - d->n_cards) + 1);
		button_label(k, i, label, sizeof(label));
		struct ui_rect r = {b.x, b.y, b.w, bh};
		ui_button(k->ui, id, r, label, i < d->n_cards ? UI_BTN_SECONDARY : UI_BTN_PRIMARY);
		b.y += bh + gap;
	}
}

/* Puts sample i (cards, then scans) on the panel's reader or scanner. */
static void present(struct kiosk_demo *d, size_t i)
{
	SDL_LockMutex(d->lock);
	if (i < d->n_cards) {
		d->card = d->cards[i];
		d->card_in = 1;
	} else {
		d->scan = d->scans[i - d->n_cards];
		d->scan_in = 1;
	}
	SDL_CondBroadcast(d->put);
	SDL_UnlockMutex(d->lock);
}

int kiosk_demo_tap(struct kiosk *k, const char *id)
{
	struct kiosk_demo *d = k->demo;
	char *end;
	if (strncmp(id, "demo.card.", 10) == 0 || strncmp(id, "demo.scan.", 10) == 0) {
		unsigned long n = strtoul(id + 10, &end, 10);
		size_t count = id[5] == 'c' ? d->n_cards : d->n_scans;
		if (*end || n < 1 || n > count)
			return 0;
		present(d, (id[5] == 'c' ? 0 : d->n_cards) + n - 1);
		return 1;
	}
	return 0;
}

int kiosk_demo_key(struct kiosk *k, SDL_Keycode key)
{
	struct kiosk_demo *d = k->demo;
	if (!d || key < SDLK_F1 || key >= SDLK_F1 + (SDL_Keycode)(d->n_cards + d->n_scans))
		return 0;
	present(d, (size_t)(key - SDLK_F1));
	return 1;
}
