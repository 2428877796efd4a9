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

#include "kiosk.h"
#include "kiosk_day.h"
#include "kiosk_demo.h"
#include "kiosk_devices.h"
#include "kiosk_notify.h"
#include "kiosk_print.h"
#include "kiosk_script.h"

struct args {
	struct kiosk_options o;
	const char *script, *shots, *golden;
};

static int usage(void)
{
	fprintf(stderr, "usage: vaxbus-kiosk [--db PATH] [--size WxH] [--fullscreen] [--demo]\n"
			"                    [--script FILE [--shots DIR] [--golden DIR]]\n");
	return 2;
}

static int parse(int argc, char **argv, struct args *a)
{
	a->o.db = getenv("VAXBUS_DB");
	if (!a->o.db || !*a->o.db)
		a->o.db = "vaxbus.db";
	a->o.w = 1280;
	a->o.h = 800;
	for (int i = 1; i < argc; i++) {
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (strcmp(argv[i], "--fullscreen") == 0)
			a->o.fullscreen = 1;
		else if (strcmp(argv[i], "--demo") == 0)
			a->o.demo = 1;
		else if (!v)
			return -1;
		else if (strcmp(argv[i], "--db") == 0)
			a->o.db = argv[++i];
		else if (strcmp(argv[i], "--script") == 0)
			a->script = argv[++i];
		else if (strcmp(argv[i], "--shots") == 0)
			a->shots = argv[++i];
		else if (strcmp(argv[i], "--golden") == 0)
			a->golden = argv[++i];
		else if (strcmp(argv[i], "--size") == 0 &&
			 sscanf(argv[++i], "%dx%d", &a->o.w, &a->o.h) == 2 && a->o.w >= 320 &&
			 a->o.h >= 240)
			continue;
		else
			return -1;
	}
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

/* The interactive loop: draws what changed, then sleeps until an event or
 * a second has passed; touches and clicks become taps and strokes. */
static void run(struct kiosk *k)
{
	char pad[UI_ID_MAX] = "";
	for (;;) {
		kiosk_idle(k);
		if (k->dirty)
			kiosk_draw(k);
		kiosk_notify_alive(); /* READY=1 after the first frame */
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
	}
}

int main(int argc, char **argv)
{
	struct args a = {0};
	struct kiosk k;
	memset(&k, 0, sizeof(k));
	if (parse(argc, argv, &a))
		return usage();
	a.o.scripted = a.script != NULL;
	int rc = kiosk_open(&k, &a.o);
	if (!rc)
		rc = a.script ? (kiosk_script_run(&k, a.script, a.shots, a.golden) ? 1 : 0)
			      : (run(&k), 0);
	kiosk_close(&k);
	return rc;
}
