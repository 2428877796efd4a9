/*
 * vaxbus-kiosk: the touchscreen app.
 *
 * `vaxbus-kiosk [--db PATH] [--size WxH] [--fullscreen] [--demo] [--script
 * FILE [--shots DIR] [--golden DIR]]`. The database must have been made
 * with `vaxbusctl init`; the configuration is read as vaxbusctl reads it.
 * With --script the scenario runs headless-capable and the process exits 0
 * if every line held (kiosk_script.c). Otherwise the loop sleeps in
 * SDL_WaitEventTimeout and draws only when something changed, and the
 * card reader and the scanner are read on their threads
 * (kiosk_devices.h). --demo (or [devices] mode = sim) adds the demo's
 * panel on the right (the window is widened by it), standing in for both
 * (kiosk_demo.h); --demo also simulates every device.
 */
#include <SDL.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog_file.h"
#include "datakey.h"
#include "kiosk.h"
#include "kiosk_day.h"
#include "kiosk_demo.h"
#include "kiosk_devices.h"
#include "kiosk_notify.h"
#include "kiosk_print.h"
#include "kiosk_script.h"
#include "store.h"
#include "store_meta.h"
#include "wallclock.h"

struct args {
	const char *db, *script, *shots, *golden;
	int w, h, fullscreen, demo;
};

static int usage(void)
{
	fprintf(stderr, "usage: vaxbus-kiosk [--db PATH] [--size WxH] [--fullscreen] [--demo]\n"
			"                    [--script FILE [--shots DIR] [--golden DIR]]\n");
	return 2;
}

static int parse(int argc, char **argv, struct args *a)
{
	a->db = getenv("VAXBUS_DB");
	if (!a->db || !*a->db)
		a->db = "vaxbus.db";
	a->w = 1280;
	a->h = 800;
	for (int i = 1; i < argc; i++) {
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (strcmp(argv[i], "--fullscreen") == 0)
			a->fullscreen = 1;
		else if (strcmp(argv[i], "--demo") == 0)
			a->demo = 1;
		else if (!v)
			return -1;
		else if (strcmp(argv[i], "--db") == 0)
			a->db = argv[++i];
		else if (strcmp(argv[i], "--script") == 0)
			a->script = argv[++i];
		else if (strcmp(argv[i], "--shots") == 0)
			a->shots = argv[++i];
		else if (strcmp(argv[i], "--golden") == 0)
			a->golden = argv[++i];
		else if (strcmp(argv[i], "--size") == 0 &&
			 sscanf(argv[++i], "%dx%d", &a->w, &a->h) == 2 && a->w >= 320 &&
			 a->h >= 240)
			continue;
		else
			return -1;
	}
	return 0;
}

/* The demo's panel stands in for the reader and the scanner with --demo,
 * and on simulated devices outside scripts (its samples are their files:
 * read in turn by threads, they would present themselves over and over). */
static int demo_mode(const struct args *a, const struct kiosk *k)
{
	return a->demo || (!a->script && k->cfg.sim);
}

/* Opens what the kiosk stands on. 0, or 1 after saying why. */
static int open_kiosk(const struct args *a, struct kiosk *k)
{
	char err[300];
	struct vb_reason why = {0};
	if (config_load(NULL, &k->cfg, err, sizeof(err))) {
		fprintf(stderr, "vaxbus-kiosk: %s\n", err);
		return 1;
	}
	if (a->demo)
		k->cfg.sim = 1; /* the demo's devices are simulated */
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
	if (store_open(a->db, &k->st, &why) ||
	    store_meta_get(k->st, "bus_id", bus, sizeof(bus)) != VB_OK) {
		fprintf(stderr, "vaxbus-kiosk: %s: %s\n", a->db,
			why.code ? why.text : "not a vaxbus database made by `vaxbusctl init`");
		return 1;
	}
	if (store_meta_get(k->st, "utc_offset_min", off, sizeof(off)) == VB_OK)
		k->utc_offset_min = atoi(off);
	struct ui_options o = {a->w,	      a->h,
			       a->fullscreen, 0,
			       k->cfg.font,   k->cfg.font_index,
			       NULL,	      VB_ASSETS_DIR "/strings"};
	if (demo_mode(a, k) && !a->fullscreen)
		o.width += KIOSK_DEMO_PANEL_W; /* the screens keep --size beside the panel */
	if (ui_open(&o, &k->ui, err, sizeof(err))) {
		fprintf(stderr, "vaxbus-kiosk: %s\n", err);
		return 1;
	}
	k->now = wallclock_now;
	k->db_path = a->db;
	if (kiosk_print_start(k))
		return 1;
	kiosk_sync_start(k); /* without it records stay queued: the kiosk runs on */
	k->last_input_ms = kiosk_clock_ms(k);
	kiosk_speech_open(k);
	kiosk_go(k, &kiosk_welcome);
	return 0;
}

/* A touch or the mouse at (x, y): down, moving while down, or up. A
 * press that starts on a signature pad draws on it until released;
 * anywhere else the release is a tap on the widget under it. */
static void pointer(struct kiosk *k, int x, int y, int phase, char *pad)
{
	const char *id = ui_hit(k->ui, x, y);
	if (phase == SDL_MOUSEBUTTONDOWN && id && kiosk_stroke(k, id, x, y, 1) == 0) {
		snprintf(pad, UI_ID_MAX, "%s", id);
	} else if (phase == SDL_MOUSEMOTION && pad[0]) {
		kiosk_stroke(k, pad, x, y, 1);
	} else if (phase == SDL_MOUSEBUTTONUP) {
		if (pad[0])
			kiosk_stroke(k, pad, x, y, 0);
		else if (id)
			kiosk_tap(k, id);
		pad[0] = '\0';
	}
}

/* The interactive loop: touches and clicks become taps and strokes. */
static void run(struct kiosk *k)
{
	char pad[UI_ID_MAX] = "";
	for (;;) {
		SDL_Event ev;
		int got = SDL_WaitEventTimeout(&ev, 1000);
		struct ui_rect s = ui_screen(k->ui);
		if (got && ev.type == SDL_QUIT)
			return;
		if (got && (ev.type == SDL_MOUSEBUTTONDOWN || ev.type == SDL_MOUSEBUTTONUP) &&
		    ev.button.which != SDL_TOUCH_MOUSEID)
			pointer(k, ev.button.x, ev.button.y, (int)ev.type, pad);
		else if (got && ev.type == SDL_MOUSEMOTION && ev.motion.which != SDL_TOUCH_MOUSEID)
			pointer(k, ev.motion.x, ev.motion.y, SDL_MOUSEMOTION, pad);
		else if (got && (ev.type == SDL_FINGERDOWN || ev.type == SDL_FINGERUP ||
				 ev.type == SDL_FINGERMOTION))
			pointer(k, (int)(ev.tfinger.x * (float)s.w),
				(int)(ev.tfinger.y * (float)s.h),
				ev.type == SDL_FINGERDOWN ? SDL_MOUSEBUTTONDOWN
				: ev.type == SDL_FINGERUP ? SDL_MOUSEBUTTONUP
							  : SDL_MOUSEMOTION,
				pad);
		else if (got && (ev.type == SDL_WINDOWEVENT || ev.type == kiosk_print_event ||
				 kiosk_sync_event(k, &ev)))
			k->dirty = 1;
		else if (got && ev.type == SDL_KEYDOWN)
			kiosk_demo_key(k, ev.key.keysym.sym);
		else if (got)
			kiosk_devices_handle(k, &ev);
		kiosk_idle(k);
		if (k->dirty)
			kiosk_draw(k);
		kiosk_notify_alive();
	}
}

/* The reader and scanner threads (interactive), or the demo's panel
 * standing in for them. 0, or 1 after saying why. */
static int start_devices(const struct args *a, struct kiosk *k)
{
	if (demo_mode(a, k))
		return kiosk_demo_start(k) ? 1 : 0;
	if (!a->script && kiosk_devices_start(&k->cfg, NULL, NULL, &k->dev_threads))
		fprintf(stderr, "vaxbus-kiosk: cannot start the card reader and scanner threads\n");
	return 0;
}

int main(int argc, char **argv)
{
	struct args a = {0};
	struct kiosk k;
	memset(&k, 0, sizeof(k));
	if (parse(argc, argv, &a))
		return usage();
	int rc = open_kiosk(&a, &k);
	if (!rc)
		rc = start_devices(&a, &k);
	if (!rc)
		rc = a.script ? (kiosk_script_run(&k, a.script, a.shots, a.golden) ? 1 : 0)
			      : (run(&k), 0);
	kiosk_sync_stop(&k);
	kiosk_print_stop(&k);
	kiosk_demo_stop(&k);
	kiosk_devices_stop(k.dev_threads);
	kiosk_forget(&k);
	ui_speech_close(k.speech);
	ui_close(k.ui);
	store_close(k.st);
	store_key_clear();
	catalog_free(k.cat);
	return rc;
}
