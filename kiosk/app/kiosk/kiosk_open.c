/*
 * kiosk_open: what the kiosk stands on, opened and closed in one place for
 * vaxbus-kiosk and for the kiosk benchmark (kiosk.h).
 *
 * In order: the configuration (read as vaxbusctl reads it), the fonts
 * (fontfind.h), the vaccine catalog, the data key, the database (made by `vaxbusctl init`), the
 * window and its toolkit, the print worker, the sync thread, the spoken
 * prompts, and the devices — the reader and scanner threads, or the demo's
 * panel standing in for them — before welcome is shown. Closing stops the
 * threads before it frees what they read.
 */
#include <stdio.h>
#include <stdlib.h>

#include "catalog_file.h"
#include "datakey.h"
#include "fontfind.h"
#include "kiosk.h"
#include "kiosk_notify.h"
#include "kiosk_day.h"
#include "kiosk_demo.h"
#include "kiosk_devices.h"
#include "kiosk_print.h"
#include "store.h"
#include "store_meta.h"
#include "wallclock.h"

/* The demo's panel stands in for the reader and the scanner with --demo,
 * and on simulated devices outside scripts (its samples are their files:
 * read in turn by threads, they would present themselves over and over). */
static int demo_mode(const struct kiosk_options *o, const struct kiosk *k)
{
	return o->demo || (!o->scripted && k->cfg.sim);
}

/* The reader and scanner threads (interactive), or the demo's panel
 * standing in for them. 0, or 1 after saying why. */
static int start_devices(const struct kiosk_options *o, struct kiosk *k)
{
	if (demo_mode(o, k))
		return kiosk_demo_start(k) ? 1 : 0;
	if (!o->scripted && kiosk_devices_start(&k->cfg, NULL, NULL, &k->dev_threads))
		fprintf(stderr, "vaxbus-kiosk: cannot start the card reader and scanner threads\n");
	return 0;
}

int kiosk_open(struct kiosk *k, const struct kiosk_options *o)
{
	char err[300];
	struct vb_reason why = {0};
	if (config_load(NULL, &k->cfg, err, sizeof(err))) {
		fprintf(stderr, "vaxbus-kiosk: %s\n", err);
		return 1;
	}
	if (o->demo)
		k->cfg.sim = 1; /* the demo's devices are simulated */
	if (fontfind(&k->cfg, err, sizeof(err))) {
		fprintf(stderr, "vaxbus-kiosk: %s\n", err);
		return 1;
	}
	const char *catalog = getenv("VAXBUS_CATALOG");
	if (!catalog || !*catalog)
		catalog = VB_ASSETS_DIR "/vaccines/covid19-cn-2021.json";
	if (catalog_file_load(catalog, &k->cat, err, sizeof(err))) {
		fprintf(stderr, "vaxbus-kiosk: %s\n", err);
		return 1;
	}
	if (datakey_load(datakey_path(&k->cfg), err, sizeof(err))) {
		fprintf(stderr, "vaxbus-kiosk: %s\n", err);
		return 1;
	}
	char bus[64], off[16];
	kiosk_notify_opening();
	if (store_open(o->db, &k->st, &why) ||
	    store_meta_get(k->st, "bus_id", bus, sizeof(bus)) != VB_OK) {
		fprintf(stderr, "vaxbus-kiosk: %s: %s\n", o->db,
			why.code ? why.text : "not a vaxbus database made by `vaxbusctl init`");
		return 1;
	}
	if (store_meta_get(k->st, "utc_offset_min", off, sizeof(off)) == VB_OK)
		k->utc_offset_min = atoi(off);
	struct ui_options u = {o->w,
			       o->h,
			       o->fullscreen,
			       0,
			       k->cfg.font,
			       k->cfg.font_index,
			       k->cfg.fallback_font[0] ? k->cfg.fallback_font : NULL,
			       VB_ASSETS_DIR "/strings"};
	if (demo_mode(o, k) && !o->fullscreen)
		u.width += KIOSK_DEMO_PANEL_W; /* the screens keep their size beside the panel */
	if (ui_open(&u, &k->ui, err, sizeof(err))) {
		fprintf(stderr, "vaxbus-kiosk: %s\n", err);
		return 1;
	}
	k->now = wallclock_now;
	k->db_path = o->db;
	if (kiosk_print_start(k))
		return 1;
	kiosk_sync_start(k); /* without it records stay queued: the kiosk runs on */
	k->last_input_ms = kiosk_clock_ms(k);
	kiosk_speech_open(k);
	kiosk_go(k, &kiosk_welcome);
	return start_devices(o, k);
}

void kiosk_close(struct kiosk *k)
{
	kiosk_pin_checked(k, 1); /* a PIN being checked still counts */
	kiosk_sync_stop(k);
	kiosk_print_stop(k);
	kiosk_demo_stop(k);
	kiosk_devices_stop(k->dev_threads);
	kiosk_forget(k);
	ui_speech_close(k->speech);
	ui_close(k->ui);
	store_close(k->st);
	store_key_clear();
	catalog_free(k->cat);
}
