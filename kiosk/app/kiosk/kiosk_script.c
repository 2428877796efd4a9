/*
 * kiosk_script: runs a scenario file against the kiosk, headless
 * (`vaxbus-kiosk --script FILE`). One command per line, '#' comments:
 *
 *   tap ID            a touch on widget ID (it must be on the screen, enabled)
 *   type TEXT         taps keypad.<c> for each character of TEXT
 *   card FILE         a card on the reader: JSON with name, sex, nation,
 *                     birth (YYYYMMDD), address, id (a path relative to
 *                     the script's folder)
 *   draw X,Y X,Y ...  a stroke through the points (window pixels) on the
 *                     signature pad under the first point (kiosk_stroke:
 *                     finger down at each point, up after the last)
 *   scan TEXT         the barcode scanner reads TEXT (a box's GS1 code as
 *                     vaxbusctl takes it, kiosk_scan)
 *   wait MS           MS milliseconds pass without input (the kiosk's
 *                     clock skips ahead; nothing sleeps)
 *   expect SCREEN     the screen shown is SCREEN
 *   shot NAME         saves the frame as SHOTS/NAME.png and, with a golden
 *                     folder, fails unless it equals GOLDEN/NAME.png
 *   checking MIN [NAME]
 *                     the staff PIN check the line before started is still
 *                     on its worker: the loop turns in real time, a frame
 *                     drawn each turn (the first one shot as NAME), until
 *                     it is done; fails unless MIN frames were drawn
 *                     meanwhile (the pad must not wait for Argon2id)
 *   printer STATE     the simulated printer ([devices] mode = sim) turns
 *                     paper-out, cover-open or offline (a switch file in
 *                     its [sim] printer folder), or ready (none of them)
 *   printed N         the simulated printer's folder holds N receipts
 *   speaking yes|no   yes: a spoken prompt is queued and the audio device
 *                     plays it (within 5 real seconds); no: nothing is
 *                     queued (kiosk_speech_playing)
 *   devices CARDS SCANS
 *                     starts the reader and scanner threads
 *                     (kiosk_devices.h) on simulated devices reading these
 *                     files (sim_idcard.h, sim_scanner.h; relative to the
 *                     script's folder; a missing file is a device not
 *                     attached)
 *   demo              demo mode: the panel and its devices (kiosk_demo.h)
 *   key NAME          a key pressed (SDL's name): the demo's panel takes
 *                     F1, F2, ... (kiosk_demo_key)
 *   wait-device KIND MS
 *                     handles the device threads' events until one of KIND
 *                     (card, unreadable, scan, reader-ready, reader-absent)
 *                     was carried out; fails after MS real milliseconds
 *   stop-devices MS   stops the threads (and the demo); fails if that took
 *                     more than MS real milliseconds
 *   sync-wait S [sending]
 *                     waits, in real time and at most S seconds, until the
 *                     sync thread has sent everything or found no link, or
 *                     (sending) has sent some records while others wait
 *                     (kiosk_sync_settle)
 *
 * Before each line the script waits for the print worker to finish what
 * the last one asked of it (kiosk_print_settle), so what the printer did
 * is on the screen and on paper when the script looks, and for the staff
 * PIN check to end (kiosk_pin_checked) unless the line is `checking`.
 *
 * The first failing line stops the run with "FILE:LINE: what" on stderr.
 */
#include "kiosk_script.h"

#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <libgen.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "idcard.h"
#include "kiosk_demo.h"
#include "kiosk_devices.h"
#include "kiosk_day.h"
#include "kiosk_print.h"

static int fail(const char *file, int line, const char *what, const char *arg)
{
	fprintf(stderr, "%s:%d: %s%s%s\n", file, line, what, arg ? ": " : "", arg ? arg : "");
	return -1;
}

/* Reads a card JSON file into *c. 0 or -1. */
static int load_card(const char *path, struct idcard_card *c)
{
	json_error_t err;
	json_t *j = json_load_file(path, 0, &err);
	static const struct {
		const char *key;
		size_t off, cap;
	} fields[] = {
	    {"name", offsetof(struct idcard_card, name), IDCARD_NAME_CAP},
	    {"sex", offsetof(struct idcard_card, sex), IDCARD_SEX_CAP},
	    {"nation", offsetof(struct idcard_card, nation), IDCARD_NATION_CAP},
	    {"birth", offsetof(struct idcard_card, birth), IDCARD_DATE_CAP},
	    {"address", offsetof(struct idcard_card, address), IDCARD_ADDRESS_CAP},
	    {"id", offsetof(struct idcard_card, id), IDCARD_ID_CAP},
	};
	if (!j)
		return -1;
	memset(c, 0, sizeof(*c));
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		const char *v = json_string_value(json_object_get(j, fields[i].key));
		if (!v || strlen(v) >= fields[i].cap) {
			json_decref(j);
			return -1;
		}
		memcpy((char *)c + fields[i].off, v, strlen(v) + 1);
	}
	json_decref(j);
	return 0;
}

/* `draw X,Y X,Y ...`: a stroke on the pad under the first point. */
static int draw(struct kiosk *k, char *arg, const char *path, int n)
{
	char id[UI_ID_MAX] = "";
	int x = 0, y = 0, points = 0;
	for (char *tok = strtok(arg, " \t"); tok; tok = strtok(NULL, " \t"), points++) {
		char end;
		if (sscanf(tok, "%d,%d%c", &x, &y, &end) != 2)
			return fail(path, n, "want X,Y", tok);
		if (!points) {
			const char *hit = ui_hit(k->ui, x, y);
			if (!hit)
				return fail(path, n, "no widget under the first point", tok);
			snprintf(id, sizeof(id), "%s", hit);
		}
		if (kiosk_stroke(k, id, x, y, 1))
			return fail(path, n, "not a signature pad", id);
	}
	if (!points)
		return fail(path, n, "want at least one point", NULL);
	kiosk_stroke(k, id, x, y, 0);
	return 0;
}

static const char *const printer_switches[] = {"paper-out", "cover-open", "offline"};

/* `printer STATE`: the simulated printer's switch files. */
static int printer(struct kiosk *k, const char *state, const char *path, int n)
{
	char file[CONFIG_PATH_MAX + 16];
	size_t count = sizeof(printer_switches) / sizeof(printer_switches[0]), on = count;
	if (!k->cfg.sim)
		return fail(path, n, "the printer is not simulated ([devices] mode = sim)", NULL);
	for (size_t j = 0; j < count; j++)
		if (strcmp(state, printer_switches[j]) == 0)
			on = j;
	if (on == count && strcmp(state, "ready") != 0)
		return fail(path, n, "want paper-out, cover-open, offline or ready", state);
	if (mkdir(k->cfg.sim_printer, 0755) != 0 && errno != EEXIST)
		return fail(path, n, "cannot make the printer's folder", k->cfg.sim_printer);
	for (size_t j = 0; j < count; j++) {
		snprintf(file, sizeof(file), "%s/%s", k->cfg.sim_printer, printer_switches[j]);
		if (j == on) {
			FILE *f = fopen(file, "w");
			if (!f || fclose(f) != 0)
				return fail(path, n, "cannot write", file);
		} else if (unlink(file) != 0 && errno != ENOENT) {
			return fail(path, n, "cannot remove", file);
		}
	}
	return 0;
}

/* The receipts in the simulated printer's folder (receipt-NNNN.bin). */
static long receipts(const struct kiosk *k)
{
	DIR *d = opendir(k->cfg.sim_printer);
	struct dirent *e;
	long count = 0;
	while (d && (e = readdir(d))) {
		size_t len = strlen(e->d_name);
		if (strncmp(e->d_name, "receipt-", 8) == 0 && len > 4 &&
		    strcmp(e->d_name + len - 4, ".bin") == 0)
			count++;
	}
	if (d)
		closedir(d);
	return count;
}

/* `devices CARDS SCANS`: the threads on simulated devices. */
static int devices(struct kiosk *k, char *arg, const char *dir, const char *path, int n)
{
	char *scans = arg + strcspn(arg, " \t");
	if (*scans)
		*scans++ = '\0';
	scans += strspn(scans, " \t");
	if (!*arg || !*scans)
		return fail(path, n, "want a cards file and a scans file", NULL);
	if (k->dev_threads)
		return fail(path, n, "the device threads run already", NULL);
	struct config cfg = k->cfg;
	cfg.sim = 1;
	if (snprintf(cfg.sim_cards, sizeof(cfg.sim_cards), "%s/%s", dir, arg) >=
		(int)sizeof(cfg.sim_cards) ||
	    snprintf(cfg.sim_scans, sizeof(cfg.sim_scans), "%s/%s", dir, scans) >=
		(int)sizeof(cfg.sim_scans))
		return fail(path, n, "the cards or scans file's path is too long", NULL);
	if (kiosk_devices_start(&cfg, NULL, NULL, &k->dev_threads))
		return fail(path, n, "cannot start the device threads", NULL);
	return 0;
}

/* `wait-device KIND MS`: device events until one of KIND was handled. */
static int wait_device(struct kiosk *k, char *arg, const char *path, int n)
{
	char kind[32];
	long ms;
	if (sscanf(arg, "%31s %ld", kind, &ms) != 2 || ms < 0 || kiosk_devices_kind(kind) < 0)
		return fail(path, n, "want a kind of device event and milliseconds", arg);
	Uint32 start = SDL_GetTicks();
	for (long left = ms; left >= 0; left = ms - (long)(SDL_GetTicks() - start)) {
		SDL_Event ev;
		if (SDL_WaitEventTimeout(&ev, (int)left) &&
		    kiosk_devices_handle(k, &ev) == kiosk_devices_kind(kind))
			return 0;
	}
	return fail(path, n, "no such device event in time", kind);
}

/* `stop-devices MS`. */
static int stop_devices(struct kiosk *k, const char *arg, const char *path, int n)
{
	char *end;
	long ms = strtol(arg, &end, 10);
	if (*end || !*arg || ms < 0)
		return fail(path, n, "want milliseconds", arg);
	Uint32 start = SDL_GetTicks();
	kiosk_demo_stop(k);
	kiosk_devices_stop(k->dev_threads);
	k->dev_threads = NULL;
	k->reader = KIOSK_READER_UNKNOWN;
	k->dirty = 1;
	long took = (long)(SDL_GetTicks() - start);
	if (took > ms) {
		char what[80];
		snprintf(what, sizeof(what), "the threads took %ld ms to stop, more than", took);
		return fail(path, n, what, arg);
	}
	return 0;
}

/* `shot NAME`: the frame drawn now, saved and compared. */
static int shot(struct kiosk *k, const char *name, const char *shots, const char *golden,
		const char *path, int n)
{
	char file[2048], want[2048];
	long diff = -1;
	kiosk_draw(k);
	snprintf(file, sizeof(file), "%s/%s.png", shots ? shots : ".", name);
	if (ui_shot(k->ui, file))
		return fail(path, n, "cannot save the screenshot", file);
	if (!golden)
		return 0;
	snprintf(want, sizeof(want), "%s/%s.png", golden, name);
	if (ui_png_compare(file, want, &diff) || diff != 0) {
		char what[160];
		snprintf(what, sizeof(what), "differs from its golden image (%ld pixels)", diff);
		return fail(path, n, what, want);
	}
	return 0;
}

/* `checking MIN [NAME]`: frames drawn while the PIN check runs. */
static int checking(struct kiosk *k, const char *arg, const char *shots, const char *golden,
		    const char *path, int n)
{
	char name[256] = "";
	long min = -1, frames = 0;
	if (sscanf(arg, "%ld %255s", &min, name) < 1 || min < 1)
		return fail(path, n, "want a number of frames, then a shot's name or nothing", arg);
	if (!k->staff.check)
		return fail(path, n, "no PIN check runs", NULL);
	Uint32 start = SDL_GetTicks();
	if (name[0] && shot(k, name, shots, golden, path, n))
		return -1;
	for (frames = name[0] ? 1 : 0;; frames++) {
		kiosk_idle(k); /* as the loop: the outcome, once the worker is done */
		if (!k->staff.check)
			break;
		kiosk_draw(k);
	}
	printf("%s:%d: %ld frame(s) drawn in the %u ms of the check\n", path, n, frames,
	       (unsigned)(SDL_GetTicks() - start));
	if (frames < min) {
		char what[80];
		snprintf(what, sizeof(what), "%ld frame(s) drawn during the check, fewer than",
			 frames);
		return fail(path, n, what, arg);
	}
	return 0;
}

static void redraw(struct kiosk *k)
{
	kiosk_print_settle(k); /* what the printer did shows before a script looks */
	kiosk_idle(k);
	if (k->dirty)
		kiosk_draw(k);
}

int kiosk_script_run(struct kiosk *k, const char *path, const char *shots, const char *golden)
{
	FILE *f = fopen(path, "r");
	char line[1024], dir[1024], file[2048];
	int n = 0, rc = 0;
	if (!f)
		return fail(path, 0, "cannot open the script", NULL);
	char base[1024];
	snprintf(base, sizeof(base), "%s", path);
	snprintf(dir, sizeof(dir), "%s", dirname(base)); /* may return a static "." */
	redraw(k);
	while (!rc && fgets(line, sizeof(line), f)) {
		n++;
		line[strcspn(line, "\r\n")] = '\0';
		char *cmd = line + strspn(line, " \t");
		if (!*cmd || *cmd == '#')
			continue;
		char *arg = cmd + strcspn(cmd, " \t");
		if (*arg)
			*arg++ = '\0';
		arg += strspn(arg, " \t");
		if (k->staff.check && strcmp(cmd, "checking") != 0) {
			kiosk_pin_checked(k, 1);
			redraw(k);
		}
		if (strcmp(cmd, "tap") == 0) {
			if (!ui_widget_shown(k->ui, arg))
				rc = fail(path, n, "no such widget on the screen", arg);
			else
				kiosk_tap(k, arg);
		} else if (strcmp(cmd, "type") == 0) {
			for (const char *c = arg; *c && !rc; c++) {
				char id[16];
				snprintf(id, sizeof(id), "keypad.%c", *c);
				if (!ui_widget_shown(k->ui, id))
					rc = fail(path, n, "no such key on the screen", id);
				else
					kiosk_tap(k, id);
				redraw(k);
			}
		} else if (strcmp(cmd, "card") == 0) {
			struct idcard_card c;
			snprintf(file, sizeof(file), "%s/%s", dir, arg);
			if (load_card(file, &c))
				rc = fail(path, n, "cannot read the card file", arg);
			else
				kiosk_card(k, &c);
			idcard_card_wipe(&c);
		} else if (strcmp(cmd, "scan") == 0) {
			if (!*arg)
				rc = fail(path, n, "want the scanned text", NULL);
			else
				kiosk_scan(k, arg, strlen(arg));
		} else if (strcmp(cmd, "draw") == 0) {
			rc = draw(k, arg, path, n);
		} else if (strcmp(cmd, "devices") == 0) {
			rc = devices(k, arg, dir, path, n);
		} else if (strcmp(cmd, "demo") == 0) {
			if (k->dev_threads)
				rc = fail(path, n, "the device threads run already", NULL);
			else if (kiosk_demo_start(k))
				rc = fail(path, n, "cannot start the demo", NULL);
		} else if (strcmp(cmd, "key") == 0) {
			SDL_Keycode key = SDL_GetKeyFromName(arg);
			if (key == SDLK_UNKNOWN || !kiosk_demo_key(k, key))
				rc = fail(path, n, "no such key on the demo's panel", arg);
		} else if (strcmp(cmd, "wait-device") == 0) {
			rc = wait_device(k, arg, path, n);
		} else if (strcmp(cmd, "stop-devices") == 0) {
			rc = stop_devices(k, arg, path, n);
		} else if (strcmp(cmd, "printer") == 0) {
			rc = printer(k, arg, path, n);
		} else if (strcmp(cmd, "printed") == 0) {
			char *end;
			long want = strtol(arg, &end, 10), have = receipts(k);
			if (*end || !*arg || want < 0) {
				rc = fail(path, n, "want a number of receipts", arg);
			} else if (have != want) {
				char what[80];
				snprintf(what, sizeof(what), "%ld receipt(s) printed, not", have);
				rc = fail(path, n, what, arg);
			}
		} else if (strcmp(cmd, "sync-wait") == 0) {
			char *end;
			long s = strtol(arg, &end, 10);
			int sending = strcmp(end, " sending") == 0;
			if ((*end && !sending) || s <= 0 || s > 600)
				rc = fail(path, n, "want seconds (1-600), then sending or nothing",
					  arg);
			else if (kiosk_sync_settle(k, (int)s * 1000, sending))
				rc = fail(path, n, "the sync thread did not get there", arg);
		} else if (strcmp(cmd, "speaking") == 0) {
			if (strcmp(arg, "yes") && strcmp(arg, "no"))
				rc = fail(path, n, "want yes or no", arg);
			else if (kiosk_speech_playing(k, strcmp(arg, "yes") == 0))
				rc = fail(path, n, "the speech is not as expected", arg);
		} else if (strcmp(cmd, "wait") == 0) {
			char *end;
			long ms = strtol(arg, &end, 10);
			if (*end || ms < 0)
				rc = fail(path, n, "want milliseconds", arg);
			else
				k->clock_skew_ms += ms;
		} else if (strcmp(cmd, "expect") == 0) {
			redraw(k);
			if (strcmp(k->screen->id, arg) != 0) {
				char what[160];
				snprintf(what, sizeof(what), "the screen is %s, not",
					 k->screen->id);
				rc = fail(path, n, what, arg);
			}
		} else if (strcmp(cmd, "shot") == 0) {
			rc = shot(k, arg, shots, golden, path, n);
		} else if (strcmp(cmd, "checking") == 0) {
			rc = checking(k, arg, shots, golden, path, n);
		} else {
			rc = fail(path, n, "unknown command", cmd);
		}
		redraw(k);
	}
	fclose(f);
	return rc;
}
