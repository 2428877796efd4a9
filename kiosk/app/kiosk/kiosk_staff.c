/*
 * kiosk_staff: the staff's side of the kiosk — sign-in with a PIN and the
 * day's queue.
 *
 *   welcome --staff--> staff list --tap an id--> pin --right PIN--> queue
 *   (the list is skipped when one staff member is active)
 *   queue --call--> vcard (next ticket)
 *         --observation--> observe
 *         --today--> day (kiosk_day.c)
 *         --devices--> devices (kiosk_status.c)
 *         --lock--> welcome
 *
 * The pad takes the PIN of the staff member picked, since an Argon2id hash
 * cannot be looked up by PIN (trying every active staff member's hash
 * would take 0.3 s each) and a list of ids to tap is quicker with gloves
 * than typing an id. The PIN is checked as store_staff_sign_in does, which
 * keeps the wrong PINs and lockouts in the database (store_staff.h), but
 * in steps: the row is read at once (a lock is said at once), Argon2id
 * runs on a worker (kiosk_pin_check.h) while the pad says "checking" and
 * takes no taps, and the outcome is recorded when it is done. Five
 * wrong PINs lock that id for 30 s, then longer, also across a restart;
 * sign-ins, wrong PINs, lockouts and sign-outs are audit rows. The lock is
 * read on the wall clock moved on by the scripts' waits, as the kiosk's
 * clock is (kiosk_clock_ms).
 *
 * The queue lists today's queued visits by ticket with only the name's
 * first character and the age; "call" moves the first one on
 * (VISIT_EV_CALL, the staff id as the actor), as vaxbusctl's visit
 * commands would, and shows their vaccination card (kiosk_vcard.c).
 * Welcome shows the ticket being served, read from the day's visits
 * (kiosk_serving_draw).
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kiosk.h"
#include "kiosk_pin_check.h"
#include "store.h"
#include "store_person.h"
#include "store_staff.h"
#include "vbdate.h"

#define QUEUE_SHOWN  64	 /* visits listed on the queue screen */
#define SERVING_SCAN 999 /* visits of one state read for "now serving" */
#define LIST_SHOWN   12	 /* staff ids on the list, three a row */

/* The wall clock as the lockout reads it (see above). */
static int64_t staff_now(struct kiosk *k)
{
	return k->now() + k->clock_skew_ms / 1000;
}

static int locked(struct kiosk *k)
{
	return k->staff.locked_until && staff_now(k) < k->staff.locked_until;
}

void kiosk_staff_sign_out(struct kiosk *k, int idle)
{
	if (!k->staff.id[0])
		return;
	if (store_staff_sign_out(k->st, k->staff.id, idle, k->now()))
		fprintf(stderr, "vaxbus-kiosk: the sign-out was not recorded: %s\n",
			store_errmsg(k->st));
	k->staff.id[0] = '\0';
}

/* ---- staff list: the active staff's ids to tap ---- */

struct staff_ids {
	char id[LIST_SHOWN][KIOSK_STAFF_ID_MAX];
	size_t n;
};

static int add_id(void *ctx, const struct store_staff *s)
{
	struct staff_ids *l = ctx;
	if (l->n < LIST_SHOWN)
		snprintf(l->id[l->n++], KIOSK_STAFF_ID_MAX, "%s", s->id);
	return 0;
}

/* The first LIST_SHOWN active staff ids; -1 when they cannot be read. */
static int list_ids(struct kiosk *k, struct staff_ids *l)
{
	l->n = 0;
	return store_staff_each(k->st, 1, add_id, l) ? -1 : 0;
}

static void pick(struct kiosk *k, const char *id)
{
	snprintf(k->staff.who, sizeof(k->staff.who), "%s", id);
	kiosk_go(k, &kiosk_pin);
}

void kiosk_staff_open(struct kiosk *k)
{
	struct staff_ids l;
	if (list_ids(k, &l) == 0 && l.n == 1)
		pick(k, l.id[0]);
	else
		kiosk_go(k, &kiosk_staff_list);
}

static void list_tap(struct kiosk *k, const char *id)
{
	struct staff_ids l;
	char *end;
	if (strncmp(id, "pick.", 5) == 0 && list_ids(k, &l) == 0) {
		unsigned long i = strtoul(id + 5, &end, 10);
		if (!*end && i < l.n)
			pick(k, l.id[i]);
	} else {
		kiosk_common_tap(k, id);
	}
}

static void list_draw(struct kiosk *k)
{
	struct ui_rect b = kiosk_body(k);
	struct staff_ids l;
	int rc = list_ids(k, &l);
	int y = ui_text(k->ui, b, ui_str(k->ui, "staff.title"), UI_SIZE_TITLE, UI_LEFT, UI_C_TEXT);
	int gap = ui_mm(k->ui, 3, 0), bh = ui_mm(k->ui, 14, 1);
	struct ui_rect row = {b.x, b.y + y + gap, b.w, bh};
	if (rc || l.n == 0)
		ui_text(k->ui, row, ui_str(k->ui, rc ? "common.storage_error" : "staff.none"),
			UI_SIZE_BODY, UI_LEFT, UI_C_BAD);
	for (size_t i = 0; !rc && i < l.n; i++) {
		char bid[32];
		snprintf(bid, sizeof(bid), "pick.%zu", i);
		if (i && i % 3 == 0)
			row.y += bh + gap;
		ui_button(k->ui, bid, ui_col(row, 3, (int)(i % 3), gap), l.id[i], UI_BTN_SECONDARY);
	}
	kiosk_footer(k, "back");
}

const struct kiosk_screen kiosk_staff_list = {"staff", KIOSK_IDLE_STAFF_S, NULL, list_tap,
					      list_draw};

/* ---- pin: the staff member's PIN on a keypad, shown as dots ---- */

static void pin_enter(struct kiosk *k)
{
	struct store_staff s;
	sodium_memzero(k->staff.pin, sizeof(k->staff.pin));
	k->staff.id[0] = '\0';
	k->staff.error[0] = '\0';
	k->staff.locked_until = 0;
	if (store_staff_get(k->st, k->staff.who, &s) == VB_OK && s.locked_until > staff_now(k)) {
		k->staff.locked_until = s.locked_until;
		snprintf(k->staff.error, sizeof(k->staff.error), "pin.locked");
	}
}

/* The message for outcome t of a sign-in that did not sign in (rc an
 * error), or on to the queue. */
static void pin_outcome(struct kiosk *k, int rc, const struct store_staff_try *t)
{
	const char *msg = "common.storage_error";
	k->last_input_ms = kiosk_clock_ms(k); /* the check's 0.3 s or more is not idleness */
	if (!rc && t->result == STORE_STAFF_OK) {
		snprintf(k->staff.id, sizeof(k->staff.id), "%s", k->staff.who);
		kiosk_go(k, &kiosk_queue);
		return;
	}
	if (!rc && t->result == STORE_STAFF_WRONG)
		msg = "pin.wrong";
	else if (!rc && t->result == STORE_STAFF_DISABLED)
		msg = "pin.unavailable";
	else if (!rc && t->result == STORE_STAFF_CHANGED)
		msg = "pin.again";
	else if (!rc) {
		k->staff.locked_until = t->locked_until;
		msg = "pin.locked";
	}
	snprintf(k->staff.error, sizeof(k->staff.error), "%s", msg);
	k->dirty = 1;
}

/* pin.ok: the lock and the row read now, the PIN handed to the worker. */
static void pin_try(struct kiosk *k)
{
	struct store_staff_check c;
	struct store_staff_try t;
	int rc = store_staff_begin(k->st, k->staff.who, staff_now(k), &c, &t);
	if (!rc && t.result == STORE_STAFF_CHECK &&
	    kiosk_pin_check_start(&k->staff.check, &c, k->staff.pin, sizeof(k->staff.pin)) == 0) {
		sodium_memzero(&c, sizeof(c));
		return; /* kiosk_pin_checked carries on */
	}
	sodium_memzero(&c, sizeof(c));
	sodium_memzero(k->staff.pin, sizeof(k->staff.pin));
	pin_outcome(k, rc ? rc : t.result == STORE_STAFF_CHECK ? VB_ENOMEM : VB_OK, &t);
}

void kiosk_pin_checked(struct kiosk *k, int wait)
{
	struct store_staff_check c;
	struct store_staff_try t = {0};
	if (!k->staff.check || (!wait && kiosk_pin_check_busy(k->staff.check)))
		return;
	int rc = kiosk_pin_check_end(k->staff.check, &c);
	k->staff.check = NULL;
	if (!rc)
		rc = store_staff_finish(k->st, &c, "kiosk", staff_now(k), &t);
	sodium_memzero(&c, sizeof(c));
	if (rc)
		fprintf(stderr, "vaxbus-kiosk: the PIN could not be checked (error %d)\n", rc);
	if (k->screen == &kiosk_pin)
		pin_outcome(k, rc, &t);
}

static void pin_tap(struct kiosk *k, const char *id)
{
	size_t n = strlen(k->staff.pin);
	if (k->staff.check && strcmp(id, "lang") != 0 && strcmp(id, "large") != 0)
		return; /* the pad waits for the check */
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
	} else if (strcmp(id, "back") == 0) { /* to the list, if there was one */
		struct staff_ids l;
		kiosk_go(k, list_ids(k, &l) == 0 && l.n > 1 ? &kiosk_staff_list : &kiosk_welcome);
	} else {
		kiosk_common_tap(k, id);
	}
}

/* The message under the title: the lock's end as the bus's local time. */
static void pin_message(struct kiosk *k, struct ui_rect r, int is_locked)
{
	char line[200], until[12];
	if (!k->staff.error[0] || (!is_locked && strcmp(k->staff.error, "pin.locked") == 0))
		return;
	int64_t t = ((k->staff.locked_until + k->utc_offset_min * 60) % 86400 + 86400) % 86400;
	snprintf(until, sizeof(until), "%02d:%02d:%02d", (int)(t / 3600), (int)(t / 60 % 60),
		 (int)(t % 60));
	const char *names[] = {"until"}, *values[] = {until};
	kiosk_fill(line, sizeof(line), ui_str(k->ui, k->staff.error), names, values, 1);
	ui_text(k->ui, r, line, UI_SIZE_BODY, UI_LEFT, UI_C_BAD);
}

static void pin_draw(struct kiosk *k)
{
	struct ui_rect b = kiosk_body(k);
	struct ui_rect left = ui_col(b, 2, 0, ui_mm(k->ui, 6, 0));
	struct ui_rect right = ui_col(b, 2, 1, ui_mm(k->ui, 6, 0));
	size_t n = strlen(k->staff.pin);
	int is_locked = locked(k);
	char who[160];
	const char *names[] = {"id"}, *values[] = {k->staff.who};
	int y = ui_text(k->ui, left, ui_str(k->ui, "pin.title"), UI_SIZE_TITLE, UI_LEFT, UI_C_TEXT);
	kiosk_fill(who, sizeof(who), ui_str(k->ui, "pin.who"), names, values, 1);
	struct ui_rect who_r = {left.x, left.y + y + ui_mm(k->ui, 3, 0), left.w, left.h / 4};
	ui_text(k->ui, who_r, who, UI_SIZE_BODY, UI_LEFT, UI_C_TEXT);

	/* One dot per digit typed, then the keypad. */
	char dots[KIOSK_PIN_MAX * 4 + 1] = "";
	for (size_t i = 0; i < n; i++)
		strcat(dots, "\xe2\x97\x8f"); /* U+25CF BLACK CIRCLE */
	int fh = ui_mm(k->ui, 14, 1);
	struct ui_rect field = {right.x, right.y, right.w, fh};
	ui_frame(k->ui, field, 2, UI_C_MUTED);
	if (k->staff.check)
		ui_text(k->ui, ui_inset(field, ui_mm(k->ui, 2, 0)), ui_str(k->ui, "pin.checking"),
			UI_SIZE_BODY, UI_CENTRE, UI_C_MUTED);
	else
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
	pin_message(k, (struct ui_rect){left.x, left.y + left.h / 2, left.w, left.h / 3},
		    is_locked);
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
		kiosk_staff_sign_out(k, 0);
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
