/*
 * kiosk_script: runs a scenario file against the kiosk, headless
 * (`vaxbus-kiosk --script FILE`). One command per line, '#' comments:
 *
 *   tap ID            a touch on widget ID (it must be on the screen, enabled)
 *   type TEXT         taps keypad.<c> for each character of TEXT
 *   card FILE         a card on the reader: JSON with name, sex, nation,
 *                     birth (YYYYMMDD), address, id (a path relative to
 *                     the script's folder)
 *   wait MS           MS milliseconds pass without input (the kiosk's
 *                     clock skips ahead; nothing sleeps)
 *   expect SCREEN     the screen shown is SCREEN
 *   shot NAME         saves the frame as SHOTS/NAME.png and, with a golden
 *                     folder, fails unless it equals GOLDEN/NAME.png
 *
 * The first failing line stops the run with "FILE:LINE: what" on stderr.
 */
#include "kiosk_script.h"

#include <jansson.h>
#include <libgen.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "idcard.h"

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

static void redraw(struct kiosk *k)
{
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
			kiosk_draw(k);
			snprintf(file, sizeof(file), "%s/%s.png", shots ? shots : ".", arg);
			if (ui_shot(k->ui, file)) {
				rc = fail(path, n, "cannot save the screenshot", file);
			} else if (golden) {
				char want[2048];
				long diff = -1;
				snprintf(want, sizeof(want), "%s/%s.png", golden, arg);
				if (ui_png_compare(file, want, &diff) || diff != 0) {
					char what[160];
					snprintf(what, sizeof(what),
						 "differs from its golden image (%ld pixels)",
						 diff);
					rc = fail(path, n, what, want);
				}
			}
		} else {
			rc = fail(path, n, "unknown command", cmd);
		}
		redraw(k);
	}
	fclose(f);
	return rc;
}
