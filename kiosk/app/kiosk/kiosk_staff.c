/*
 * kiosk_staff: the staff's side of the kiosk — sign-in with a PIN and the
 * day's queue.
 *
 *   welcome --staff--> pin --right PIN--> queue --call--> vcard (next ticket)
 *                                            --observation--> observe
 *                                            --today--> day (kiosk_day.c)
 *                                            --devices--> devices (kiosk_status.c)
 *                                            --lock--> welcome
 *
 * The PIN is checked by k->staff_check (kiosk_staff_check_meta unless the
 * app sets another): three wrong PINs in a row lock the pad for
 * KIOSK_PIN_LOCKOUT_MS on the kiosk's clock. The queue lists today's
 * queued visits by ticket with only the name's first character and the
 * age; "call" moves the first one on (VISIT_EV_CALL, the staff id as the
 * actor), as vaxbusctl's visit commands would, and shows their
 * vaccination card (kiosk_vcard.c). Welcome shows the ticket
 * being served, read from the day's visits (kiosk_serving_draw).
 */
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kiosk.h"
#include "store.h"
#include "store_meta.h"
#include "store_person.h"
#include "vbdate.h"

#define QUEUE_SHOWN  64	 /* visits listed on the queue screen */
#define SERVING_SCAN 999 /* visits of one state read for "now serving" */

/* Hex text to bytes: the byte count, or -1. */
static int unhex(const char *hex, size_t len, unsigned char *out, size_t cap)
{
	if (len % 2 || len / 2 > cap)
		return -1;
	for (size_t i = 0; i < len / 2; i++) {
		unsigned v;
		char two[3] = {hex[2 * i], hex[2 * i + 1], '\0'};
		if (strspn(two, "0123456789abcdefABCDEF") != 2 || sscanf(two, "%2x", &v) != 1)
			return -1;
		out[i] = (unsigned char)v;
	}
	return (int)(len / 2);
}

int kiosk_staff_check_meta(struct kiosk *k, const char *pin, char *staff_id, size_t cap)
{
	char rec[STORE_META_VALUE_MAX + 1];
	unsigned char salt[64], want[32], got[EVP_MAX_MD_SIZE], buf[64 + KIOSK_PIN_MAX];
	unsigned got_len = 0;
	if (store_meta_get(k->st, "kiosk_staff_pin", rec, sizeof(rec)) != VB_OK)
		return -1;
	char *c1 = strchr(rec, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
	if (!c2 || c1 == rec || (size_t)(c1 - rec) >= cap)
		return -1;
	int salt_len = unhex(c1 + 1, (size_t)(c2 - c1 - 1), salt, sizeof(salt));
	size_t pin_len = strlen(pin);
	if (salt_len <= 0 || unhex(c2 + 1, strlen(c2 + 1), want, sizeof(want)) != 32 ||
	    pin_len > KIOSK_PIN_MAX)
		return -1;
	memcpy(buf, salt, (size_t)salt_len);
	memcpy(buf + salt_len, pin, pin_len);
	int rc = EVP_Digest(buf, (size_t)salt_len + pin_len, got, &got_len, EVP_sha256(), NULL);
	OPENSSL_cleanse(buf, sizeof(buf));
	if (rc != 1 || got_len != 32)
		return -1;
	if (CRYPTO_memcmp(got, want, 32) != 0)
		return 1;
	snprintf(staff_id, cap, "%.*s", (int)(c1 - rec), rec);
	return 0;
}

static int locked(struct kiosk *k)
{
	return k->staff.locked_until_ms && kiosk_clock_ms(k) < k->staff.locked_until_ms;
}

/* ---- pin: the staff PIN on a keypad, shown as dots ---- */

static void pin_enter(struct kiosk *k)
{
	OPENSSL_cleanse(k->staff.pin, sizeof(k->staff.pin));
	k->staff.id[0] = '\0';
	k->staff.error[0] = '\0';
}

static void pin_try(struct kiosk *k)
{
	char id[KIOSK_STAFF_ID_MAX];
	int (*check)(struct kiosk *, const char *, char *, size_t) =
	    k->staff_check ? k->staff_check : kiosk_staff_check_meta;
	int rc = check(k, k->staff.pin, id, sizeof(id));
	OPENSSL_cleanse(k->staff.pin, sizeof(k->staff.pin));
	if (rc < 0) {
		snprintf(k->staff.error, sizeof(k->staff.error), "pin.unavailable");
	} else if (rc > 0) {
		if (++k->staff.wrong >= KIOSK_PIN_TRIES) {
			k->staff.wrong = 0;
			k->staff.locked_until_ms = kiosk_clock_ms(k) + KIOSK_PIN_LOCKOUT_MS;
			snprintf(k->staff.error, sizeof(k->staff.error), "pin.locked");
		} else {
			snprintf(k->staff.error, sizeof(k->staff.error), "pin.wrong");
		}
	} else {
		k->staff.wrong = 0;
		k->staff.locked_until_ms = 0;
		snprintf(k->staff.id, sizeof(k->staff.id), "%s", id);
		kiosk_go(k, &kiosk_queue);
	}
}

static void pin_tap(struct kiosk *k, const char *id)
{
	size_t n = strlen(k->staff.pin);
	if (strncmp(id, "keypad.", 7) == 0 && !locked(k)) {
		const char *key = id + 7;
		k->staff.error[0] = '\0';
		if (strcmp(key, "DEL") == 0) {
			if (n)
				k->staff.pin[n - 1] = '\0';
		} else if (strlen(key) == 1 && n < KIOSK_PIN_MAX) {
			k->staff.pin[n] = key[0];
			k->staff.pin[n + 1] = '\0';
		}
	} else if (strcmp(id, "pin.ok") == 0 && !locked(k)) {
		pin_try(k);
	} else {
		kiosk_common_tap(k, id);
	}
}

static void pin_draw(struct kiosk *k)
{
	struct ui_rect b = kiosk_body(k);
	struct ui_rect left = ui_col(b, 2, 0, ui_mm(k->ui, 6, 0));
	struct ui_rect right = ui_col(b, 2, 1, ui_mm(k->ui, 6, 0));
	size_t n = strlen(k->staff.pin);
	int is_locked = locked(k);
	ui_text(k->ui, left, ui_str(k->ui, "pin.title"), UI_SIZE_TITLE, UI_LEFT, UI_C_TEXT);

	/* One dot per digit typed, then the keypad. */
	char dots[KIOSK_PIN_MAX * 4 + 1] = "";
	for (size_t i = 0; i < n; i++)
		strcat(dots, "\xe2\x97\x8f"); /* U+25CF BLACK CIRCLE */
	int fh = ui_mm(k->ui, 14, 1);
	struct ui_rect field = {right.x, right.y, right.w, fh};
	ui_frame(k->ui, field, 2, UI_C_MUTED);
	ui_text(k->ui, ui_inset(field, ui_mm(k->ui, 2, 0)), dots, UI_SIZE_BODY, UI_CENTRE,
		UI_C_TEXT);
	int foot = ui_mm(k->ui, 14, 1) + ui_mm(k->ui, 4, 0);
	struct ui_rect pad = {right.x, right.y + fh + ui_mm(k->ui, 3, 0), right.w,
			      right.h - fh - ui_mm(k->ui, 3, 0) - foot - ui_mm(k->ui, 17, 1)};
	if (!is_locked)
		ui_keypad(k->ui, "keypad", pad, "1 2 3|4 5 6|7 8 9|0 DEL");
	struct ui_rect ok = {right.x, pad.y + pad.h + ui_mm(k->ui, 3, 0), right.w,
			     ui_mm(k->ui, 14, 1)};
	if (!is_locked && n >= KIOSK_PIN_MIN)
		ui_button(k->ui, "pin.ok", ok, ui_str(k->ui, "pin.ok"), UI_BTN_PRIMARY);
	else
		ui_button_off(k->ui, "pin.ok", ok, ui_str(k->ui, "pin.ok"));
	if (k->staff.error[0] && (is_locked || strcmp(k->staff.error, "pin.locked") != 0)) {
		struct ui_rect err = {left.x, left.y + left.h / 3, left.w, left.h / 3};
		ui_text(k->ui, err, ui_str(k->ui, k->staff.error), UI_SIZE_BODY, UI_LEFT, UI_C_BAD);
	}
	kiosk_footer(k, "back");
}

const struct kiosk_screen kiosk_pin = {"pin", KIOSK_IDLE_STAFF_S, pin_enter, pin_tap, pin_draw};

/* ---- queue: today's queued visits, the first one called ---- */

static void queue_enter(struct kiosk *k)
{
	k->staff.error[0] = '\0';
}

/* Calls the first queued visit of today. */
static void queue_call(struct kiosk *k)
{
	struct store_visit v;
	size_t n = 0;
	int rc = store_visit_list_day(k->st, k->today, VISIT_QUEUED, &v, 1, &n);
	if (rc == VB_ERANGE) { /* more than one waiting: v is the first */
		rc = VB_OK;
		n = 1;
	}
	if (!rc && n == 0)
		return;
	if (!rc)
		rc = store_begin(k->st);
	if (!rc) {
		rc = store_visit_transition(k->st, v.id, VISIT_EV_CALL, NULL, k->staff.id, k->now(),
					    NULL);
		rc = rc ? rc : store_commit(k->st);
		if (rc)
			store_rollback(k->st);
	}
	if (rc) {
		snprintf(k->staff.error, sizeof(k->staff.error), "common.storage_error");
		return;
	}
	snprintf(k->staff.serving, sizeof(k->staff.serving), "%s", v.ticket);
	kiosk_vcard_open(k, &v);
}

static void queue_tap(struct kiosk *k, const char *id)
{
	if (strcmp(id, "queue.call") == 0) {
		queue_call(k);
	} else if (strcmp(id, "queue.observe") == 0) {
		kiosk_go(k, &kiosk_observe);
	} else if (strcmp(id, "queue.day") == 0) {
		kiosk_go(k, &kiosk_day);
	} else if (strcmp(id, "queue.devices") == 0) {
		kiosk_go(k, &kiosk_devices);
	} else if (strcmp(id, "queue.lock") == 0) {
		k->staff.id[0] = '\0';
		kiosk_go(k, &kiosk_welcome);
	} else {
		kiosk_common_tap(k, id);
	}
}

/* "A001  李  80": the ticket, the name's first character and the age. */
static void queue_row(struct kiosk *k, const struct store_visit *v, char *out, size_t cap)
{
	struct person p;
	char initial[8] = "?", age[12] = "";
	if (store_person_get(k->st, v->person_id, &p) == VB_OK) {
		size_t len = 1;
		while (p.name[len] && ((unsigned char)p.name[len] & 0xC0) == 0x80)
			len++;
		if (p.name[0] && len < sizeof(initial))
			snprintf(initial, sizeof(initial), "%.*s", (int)len, p.name);
		snprintf(age, sizeof(age), "%d", vbdate_age_years(p.birth, k->today));
		person_wipe(&p);
	}
	const char *names[] = {"ticket", "initial", "age"}, *values[] = {v->ticket, initial, age};
	kiosk_fill(out, cap, ui_str(k->ui, "queue.row"), names, values, 3);
}

static void queue_draw(struct kiosk *k)
{
	struct store_visit list[QUEUE_SHOWN];
	struct ui_rect b = kiosk_body(k);
	size_t n = 0;
	int rc = store_visit_list_day(k->st, k->today, VISIT_QUEUED, list, QUEUE_SHOWN, &n);
	if (rc == VB_ERANGE) { /* the first QUEUE_SHOWN are listed */
		rc = VB_OK;
		n = QUEUE_SHOWN;
	}
	char line[160];
	const char *names[] = {"ticket"}, *values[] = {k->staff.serving};
	if (k->staff.serving[0])
		kiosk_fill(line, sizeof(line), ui_str(k->ui, "queue.serving"), names, values, 1);
	else
		snprintf(line, sizeof(line), "%s", ui_str(k->ui, "queue.title"));
	int y = ui_text(k->ui, b, line, UI_SIZE_TITLE, UI_LEFT, UI_C_TEXT);
	int gap = ui_mm(k->ui, 3, 1);
	struct ui_rect row = kiosk_action_row(k);
	struct ui_rect r = {b.x, b.y + y + gap, b.w, ui_mm(k->ui, 8, 1)};
	if (rc || k->staff.error[0]) {
		ui_text(k->ui, r, ui_str(k->ui, "common.storage_error"), UI_SIZE_BODY, UI_LEFT,
			UI_C_BAD);
		n = 0;
	} else if (n == 0) {
		ui_text(k->ui, r, ui_str(k->ui, "queue.empty"), UI_SIZE_BODY, UI_LEFT, UI_C_MUTED);
	}
	for (size_t i = 0; i < n && r.y + r.h <= row.y - gap; i++, r.y += r.h) {
		queue_row(k, &list[i], line, sizeof(line));
		ui_text(k->ui, r, line, UI_SIZE_BODY, UI_LEFT, UI_C_TEXT);
	}
	if (n)
		ui_button(k->ui, "queue.call", ui_col(row, 3, 0, gap), ui_str(k->ui, "queue.call"),
			  UI_BTN_PRIMARY);
	else
		ui_button_off(k->ui, "queue.call", ui_col(row, 3, 0, gap),
			      ui_str(k->ui, "queue.call"));
	ui_button(k->ui, "queue.observe", ui_col(row, 3, 1, gap), ui_str(k->ui, "queue.observe"),
		  UI_BTN_SECONDARY);
	ui_button(k->ui, "queue.lock", ui_col(row, 3, 2, gap), ui_str(k->ui, "queue.lock"),
		  UI_BTN_SECONDARY);
	kiosk_footer(k, NULL);
	/* The day screen and the devices (kiosk_day.c, kiosk_status.c) in the
	 * footer's free places. */
	int fh = ui_mm(k->ui, 14, 1), fgap = ui_mm(k->ui, 3, 0);
	struct ui_rect foot = {b.x, b.y + b.h - fh, b.w, fh};
	ui_button(k->ui, "queue.day", ui_col(foot, 4, 2, fgap), ui_str(k->ui, "queue.day"),
		  UI_BTN_SECONDARY);
	ui_button(k->ui, "queue.devices", ui_col(foot, 4, 3, fgap), ui_str(k->ui, "queue.devices"),
		  UI_BTN_SECONDARY);
}

const struct kiosk_screen kiosk_queue = {"queue", KIOSK_IDLE_STAFF_S, queue_enter, queue_tap,
					 queue_draw};

void kiosk_serving_draw(struct kiosk *k, struct ui_rect r)
{
	static const enum visit_state called[] = {VISIT_CALLED, VISIT_VACCINATED, VISIT_OBSERVING,
						  VISIT_RELEASED, VISIT_AEFI};
	struct store_visit *list = malloc(SERVING_SCAN * sizeof(*list));
	char last[sizeof(list->ticket)] = "";
	for (size_t s = 0; list && s < sizeof(called) / sizeof(called[0]); s++) {
		size_t n = 0;
		if (store_visit_list_day(k->st, k->today, (int)called[s], list, SERVING_SCAN, &n) ==
			VB_OK &&
		    n && strcmp(list[n - 1].ticket, last) > 0)
			snprintf(last, sizeof(last), "%s", list[n - 1].ticket);
	}
	free(list);
	if (!last[0])
		return;
	char line[160];
	const char *names[] = {"ticket"}, *values[] = {last};
	kiosk_fill(line, sizeof(line), ui_str(k->ui, "welcome.serving"), names, values, 1);
	ui_text(k->ui, r, line, UI_SIZE_TITLE, UI_CENTRE, UI_C_TEXT);
}
