/*
 * kiosk_identify_more: the ways to identify besides the ID card and its
 * number — a pre-registration QR code, and a passport or other document
 * typed on a Latin keyboard.
 *
 *   welcome / identify --scan of a pre-registration code--> confirm
 *   identify --"other document"--> doc_type --> doc_number
 *     --registered--> confirm
 *     --new--> doc_name --> doc_birth (sex, date of birth) --> confirm
 *
 * A code is read by prereg_parse and a typed person is checked by
 * person_check, as `vaxbusctl person add --qr` / `--id-type ...` do; an
 * already registered document is looked up first (store_person_find_doc),
 * so confirm saves a new person only. A new person's phone is typed on
 * its own screen from confirm (phone), checked by person_check as
 * `vaxbusctl person add --phone` does. What was typed lives in k->res,
 * wiped on every return to welcome.
 */
#include <stdio.h>
#include <string.h>

#include "iddoc.h"
#include "kiosk.h"
#include "prereg.h"
#include "store_person.h"
#include "vbdate.h"

/* The keyboards: a document number, a name (Latin letters as in the
 * passport), and digits for the date of birth. */
#define LAYOUT_NUMBER "1 2 3 4 5 6 7 8 9 0|Q W E R T Y U I O P|A S D F G H J K L|Z X C V B N M DEL"
#define LAYOUT_NAME   "Q W E R T Y U I O P|A S D F G H J K L|Z X C V B N M|SPACE - DEL"
#define LAYOUT_DIGITS "1 2 3|4 5 6|7 8 9|0 DEL"
#define LAYOUT_PHONE  "1 2 3|4 5 6|7 8 9|+ 0 DEL"

/* The documents a resident may choose, in the order shown. */
static const enum iddoc_type doc_types[] = {IDDOC_PASSPORT, IDDOC_HK_MO_PERMIT, IDDOC_TW_PERMIT,
					    IDDOC_FOREIGN_PR};

/* Makes p (wiped after) the resident shown, as new (found 0). */
static void take(struct kiosk *k, struct person *p)
{
	person_wipe(&k->res.person);
	k->res.person = *p;
	k->res.found = 0;
	person_wipe(p);
}

/* Looks p's document up: a registered person goes to confirm (VB_OK);
 * VB_ENOTFOUND does nothing; a storage error shows. */
static int lookup(struct kiosk *k, const struct person *p)
{
	struct person saved;
	int rc = store_person_find_doc(k->st, p->doc.type, p->doc.number, &saved);
	if (rc == VB_OK) {
		take(k, &saved);
		k->res.found = 1;
		kiosk_go(k, &kiosk_confirm);
	} else if (rc != VB_ENOTFOUND) {
		snprintf(k->res.error, sizeof(k->res.error), "common.storage_error");
	}
	return rc;
}

void kiosk_identify_scan(struct kiosk *k, const char *text, size_t len)
{
	struct person p;
	struct vb_reason why = {0};
	person_init(&p);
	if (k->screen != &kiosk_identify)
		kiosk_go(k, &kiosk_identify);
	k->dirty = 1;
	if (prereg_parse(text, len, k->today, &p, &why)) {
		const char *key = "identify.prereg_bad";
		if (why.code && strcmp(why.code, "not_prereg") == 0)
			key = "identify.prereg_not";
		else if (why.code && strcmp(why.code, "bad_version") == 0)
			key = "identify.prereg_version";
		snprintf(k->res.error, sizeof(k->res.error), "%s", key);
		return;
	}
	if (lookup(k, &p) == VB_ENOTFOUND) {
		take(k, &p);
		kiosk_go(k, &kiosk_confirm);
	}
	person_wipe(&p);
}

/* Adds key (a keypad label) to the NUL-terminated s of cap bytes, or
 * deletes its last byte for DEL; SPACE adds a space, never first nor
 * twice in a row. */
static void edit(char *s, size_t cap, const char *key)
{
	size_t n = strlen(s);
	if (strcmp(key, "DEL") == 0) {
		if (n)
			s[n - 1] = '\0';
		return;
	}
	char c = strcmp(key, "SPACE") == 0 ? ' ' : key[0];
	if ((strlen(key) == 1 || c == ' ') && n + 1 < cap && (c != ' ' || (n && s[n - 1] != ' '))) {
		s[n] = c;
		s[n + 1] = '\0';
	}
}

/*
 * A typing screen: the title (one line), the text typed so far with the
 * continue button ok_id beside it (enabled when ok_on), the error if any
 * on its own line, and the keyboard (id prefix "keypad", as `type` in
 * scripts taps) below, across the width or, with narrow, in the right
 * half. When the keys would be shorter than 12 mm with that line (a small
 * screen in large text), the error takes the title's place instead.
 * Returns the rect left of a narrow keyboard (empty otherwise).
 */
static struct ui_rect typing_draw(struct kiosk *k, const char *title_key, const char *shown,
				  const char *layout, const char *ok_id, int ok_on, int narrow)
{
	struct ui_rect b = kiosk_body(k);
	int gap = ui_mm(k->ui, 3, 0), fh = ui_mm(k->ui, 14, 1), eh = ui_mm(k->ui, 8, 1);
	struct ui_rect head = {b.x, b.y, b.w, ui_mm(k->ui, 13, 1)};
	struct ui_rect row = {b.x, head.y + head.h + gap, b.w, fh};
	int rows = 1;
	for (const char *c = layout; *c; c++)
		rows += *c == '|';
	int top = row.y + fh + gap + eh + gap;
	int bottom = b.y + b.h - ui_mm(k->ui, 14, 1) - ui_mm(k->ui, 5, 0);
	int tight = bottom - top < rows * ui_mm(k->ui, 12, 0);
	if (tight)
		top -= eh + gap;
	if (k->res.error[0] && tight)
		ui_text(k->ui, head, ui_str(k->ui, k->res.error), UI_SIZE_BODY, UI_LEFT, UI_C_BAD);
	else
		ui_text(k->ui, head, ui_str(k->ui, title_key), UI_SIZE_TITLE, UI_LEFT, UI_C_TEXT);
	if (k->res.error[0] && !tight) {
		struct ui_rect err = {b.x, row.y + fh + gap, b.w, eh};
		ui_text(k->ui, err, ui_str(k->ui, k->res.error), UI_SIZE_BODY, UI_LEFT, UI_C_BAD);
	}
	struct ui_rect field = ui_col(row, 4, 0, gap);
	field.w = ui_col(row, 4, 2, gap).x + ui_col(row, 4, 2, gap).w - field.x;
	struct ui_rect ok = ui_col(row, 4, 3, gap);
	ui_frame(k->ui, field, 2, UI_C_MUTED);
	ui_text(k->ui, ui_inset(field, ui_mm(k->ui, 2, 0)), shown, UI_SIZE_TITLE, UI_LEFT,
		UI_C_TEXT);
	if (ok_on)
		ui_button(k->ui, ok_id, ok, ui_str(k->ui, "identify.ok"), UI_BTN_PRIMARY);
	else
		ui_button_off(k->ui, ok_id, ok, ui_str(k->ui, "identify.ok"));
	struct ui_rect pad = {b.x, top, b.w, bottom - top}, left = {b.x, top, 0, 0};
	if (narrow) {
		left = ui_col(pad, 2, 0, ui_mm(k->ui, 6, 0));
		pad = ui_col(pad, 2, 1, ui_mm(k->ui, 6, 0));
	}
	ui_keypad(k->ui, "keypad", pad, layout);
	return left;
}

/* ---- doc_type: which document ---- */

static void doc_type_enter(struct kiosk *k)
{
	k->res.error[0] = '\0';
}

static void doc_type_tap(struct kiosk *k, const char *id)
{
	if (strncmp(id, "doc_type.", 9) == 0) {
		enum iddoc_type t;
		if (iddoc_type_from_name(id + 9, &t))
			return;
		k->res.doc_type = t;
		kiosk_go(k, &kiosk_doc_number);
	} else if (strcmp(id, "doc.back") == 0) {
		kiosk_go(k, &kiosk_identify);
	} else {
		kiosk_common_tap(k, id);
	}
}

static void doc_type_draw(struct kiosk *k)
{
	struct ui_rect b = kiosk_body(k);
	int gap = ui_mm(k->ui, 4, 1);
	int y =
	    ui_text(k->ui, b, ui_str(k->ui, "doc_type.title"), UI_SIZE_TITLE, UI_LEFT, UI_C_TEXT);
	int bottom = b.y + b.h - ui_mm(k->ui, 14, 1) - ui_mm(k->ui, 6, 0);
	struct ui_rect list = {b.x, b.y + y + gap, b.w, bottom - (b.y + y + gap)};
	size_t n = sizeof(doc_types) / sizeof(doc_types[0]);
	for (size_t i = 0; i < n; i++) {
		char id[UI_ID_MAX], key[UI_ID_MAX];
		const char *name = iddoc_type_name(doc_types[i]);
		snprintf(id, sizeof(id), "doc_type.%s", name);
		snprintf(key, sizeof(key), "doc_type.%s", name);
		struct ui_rect cell = ui_col(ui_row(list, 2, (int)i / 2, gap), 2, (int)i % 2, gap);
		ui_button(k->ui, id, cell, ui_str(k->ui, key), UI_BTN_SECONDARY);
	}
	kiosk_footer(k, "doc.back");
}

/* ---- doc_number: the number on the Latin keyboard ---- */

static void doc_number_enter(struct kiosk *k)
{
	k->res.typed[0] = '\0';
	k->res.error[0] = '\0';
}

/* Checks the number: a registered document goes to confirm, a new one
 * on to the name. */
static void doc_number_ok(struct kiosk *k)
{
	struct iddoc doc;
	struct vb_reason why;
	if (iddoc_validate(k->res.doc_type, k->res.typed, k->today, &doc, &why)) {
		snprintf(k->res.error, sizeof(k->res.error), "doc_number.bad");
		return;
	}
	struct person p;
	person_init(&p);
	p.doc = doc;
	p.source = PERSON_SOURCE_TYPED;
	if (lookup(k, &p) == VB_ENOTFOUND) {
		take(k, &p);
		kiosk_go(k, &kiosk_doc_name);
	}
	person_wipe(&p);
}

static void doc_number_tap(struct kiosk *k, const char *id)
{
	if (strncmp(id, "keypad.", 7) == 0) {
		k->res.error[0] = '\0';
		edit(k->res.typed, sizeof(k->res.typed), id + 7);
	} else if (strcmp(id, "doc_number.ok") == 0) {
		doc_number_ok(k);
	} else if (strcmp(id, "doc.back") == 0) {
		kiosk_go(k, &kiosk_doc_type);
	} else {
		kiosk_common_tap(k, id);
	}
}

static void doc_number_draw(struct kiosk *k)
{
	char title[UI_ID_MAX];
	snprintf(title, sizeof(title), "doc_number.%s", iddoc_type_name(k->res.doc_type));
	typing_draw(k, title, k->res.typed, LAYOUT_NUMBER, "doc_number.ok", k->res.typed[0] != '\0',
		    0);
	kiosk_footer(k, "doc.back");
}

/* ---- doc_name: the name as in the document ---- */

static void doc_name_enter(struct kiosk *k)
{
	k->res.error[0] = '\0';
}

static void doc_name_tap(struct kiosk *k, const char *id)
{
	struct person *p = &k->res.person;
	if (strncmp(id, "keypad.", 7) == 0) {
		k->res.error[0] = '\0';
		edit(p->name, sizeof(p->name), id + 7);
	} else if (strcmp(id, "doc_name.ok") == 0) {
		size_t n = strlen(p->name);
		if (p->name[n - 1] == ' ') /* the name is not empty: ok is off then */
			p->name[n - 1] = '\0';
		kiosk_go(k, &kiosk_doc_birth);
	} else if (strcmp(id, "doc.back") == 0) {
		kiosk_go(k, &kiosk_doc_number);
	} else {
		kiosk_common_tap(k, id);
	}
}

static void doc_name_draw(struct kiosk *k)
{
	const char *name = k->res.person.name;
	typing_draw(k, "doc_name.title", name, LAYOUT_NAME, "doc_name.ok", name[0] != '\0', 0);
	kiosk_footer(k, "doc.back");
}

/* ---- doc_birth: sex and date of birth ---- */

static void doc_birth_enter(struct kiosk *k)
{
	k->res.typed[0] = '\0';
	k->res.error[0] = '\0';
}

/* Checks the whole person as vaxbusctl does and goes to confirm. */
static void doc_birth_ok(struct kiosk *k)
{
	struct person p = k->res.person;
	struct vb_reason why = {0};
	int32_t birth;
	const char *key = NULL;
	if (vbdate_parse_compact(k->res.typed, 8, &birth))
		key = "doc_birth.bad_date";
	else {
		p.birth = birth;
		if (person_check(&p, k->today, &why))
			key = !why.code			     ? "doc_birth.refused"
			      : strstr(why.code, "name")     ? "doc_birth.bad_name"
			      : strstr(why.code, "mismatch") ? "doc_birth.mismatch"
			      : strstr(why.code, "birth") || strcmp(why.code, "too_old") == 0
				  ? "doc_birth.bad_date"
				  : "doc_birth.refused";
	}
	if (key) {
		snprintf(k->res.error, sizeof(k->res.error), "%s", key);
		person_wipe(&p);
		return;
	}
	take(k, &p); /* its number was not registered (doc_number) */
	kiosk_go(k, &kiosk_confirm);
}

static void doc_birth_tap(struct kiosk *k, const char *id)
{
	if (strncmp(id, "keypad.", 7) == 0) {
		k->res.error[0] = '\0';
		edit(k->res.typed, 9, id + 7);
	} else if (strcmp(id, "doc_birth.male") == 0 || strcmp(id, "doc_birth.female") == 0) {
		k->res.error[0] = '\0';
		k->res.person.sex = strcmp(id, "doc_birth.male") == 0 ? 1 : 2;
	} else if (strcmp(id, "doc_birth.ok") == 0) {
		doc_birth_ok(k);
	} else if (strcmp(id, "doc.back") == 0) {
		kiosk_go(k, &kiosk_doc_name);
	} else {
		kiosk_common_tap(k, id);
	}
}

static void doc_birth_draw(struct kiosk *k)
{
	/* The digits as a date being typed: 1945-03-08. */
	char shown[16];
	const char *t = k->res.typed;
	size_t n = strlen(t);
	snprintf(shown, sizeof(shown), "%.4s%s%.2s%s%.2s", t, n > 4 ? "-" : "", n > 4 ? t + 4 : "",
		 n > 6 ? "-" : "", n > 6 ? t + 6 : "");
	struct ui_rect left = typing_draw(k, "doc_birth.title", shown, LAYOUT_DIGITS,
					  "doc_birth.ok", n == 8 && k->res.person.sex, 1);
	int gap = ui_mm(k->ui, 4, 1);
	int y =
	    ui_text(k->ui, left, ui_str(k->ui, "doc_birth.sex"), UI_SIZE_BODY, UI_LEFT, UI_C_TEXT);
	struct ui_rect sex = {left.x, left.y + y + gap, left.w, ui_mm(k->ui, 20, 1)};
	if (sex.h > left.y + left.h - sex.y) /* a small screen: what is left, 12 mm at least */
		sex.h = left.y + left.h - sex.y > ui_mm(k->ui, 12, 0) ? left.y + left.h - sex.y
								      : ui_mm(k->ui, 12, 0);
	int s = k->res.person.sex;
	ui_button(k->ui, "doc_birth.male", ui_col(sex, 2, 0, gap), ui_str(k->ui, "doc_birth.male"),
		  s == 1 ? UI_BTN_PRIMARY : UI_BTN_SECONDARY);
	ui_button(k->ui, "doc_birth.female", ui_col(sex, 2, 1, gap),
		  ui_str(k->ui, "doc_birth.female"), s == 2 ? UI_BTN_PRIMARY : UI_BTN_SECONDARY);
	kiosk_footer(k, "doc.back");
}

/* ---- phone: a new person's mobile number, optional ---- */

static void phone_enter(struct kiosk *k)
{
	snprintf(k->res.phone, sizeof(k->res.phone), "%s", k->res.person.phone);
	k->res.error[0] = '\0';
}

/* Keeps the number (normalised) if person_check takes it; "" removes it. */
static void phone_ok(struct kiosk *k)
{
	struct person p = k->res.person;
	snprintf(p.phone, sizeof(p.phone), "%s", k->res.phone);
	if (person_check(&p, k->today, NULL)) {
		snprintf(k->res.error, sizeof(k->res.error), "phone.bad");
	} else {
		snprintf(k->res.person.phone, sizeof(k->res.person.phone), "%s", p.phone);
		kiosk_go(k, &kiosk_confirm);
	}
	person_wipe(&p);
}

static void phone_tap(struct kiosk *k, const char *id)
{
	if (strncmp(id, "keypad.", 7) == 0) {
		k->res.error[0] = '\0';
		edit(k->res.phone, 17, id + 7); /* '+' and 15 digits */
	} else if (strcmp(id, "phone.ok") == 0) {
		phone_ok(k);
	} else if (strcmp(id, "phone.back") == 0) {
		kiosk_go(k, &kiosk_confirm);
	} else {
		kiosk_common_tap(k, id);
	}
}

static void phone_draw(struct kiosk *k)
{
	/* Shown as typed: only this screen shows the whole number. */
	struct ui_rect left =
	    typing_draw(k, "phone.title", k->res.phone, LAYOUT_PHONE, "phone.ok", 1, 1);
	ui_text(k->ui, left, ui_str(k->ui, "phone.hint"), UI_SIZE_BODY, UI_LEFT, UI_C_MUTED);
	kiosk_footer(k, "phone.back");
}

const struct kiosk_screen kiosk_doc_type = {"doc_type", KIOSK_IDLE_RESIDENT_S, doc_type_enter,
					    doc_type_tap, doc_type_draw};
const struct kiosk_screen kiosk_doc_number = {"doc_number", KIOSK_IDLE_RESIDENT_S, doc_number_enter,
					      doc_number_tap, doc_number_draw};
const struct kiosk_screen kiosk_doc_name = {"doc_name", KIOSK_IDLE_RESIDENT_S, doc_name_enter,
					    doc_name_tap, doc_name_draw};
const struct kiosk_screen kiosk_doc_birth = {"doc_birth", KIOSK_IDLE_RESIDENT_S, doc_birth_enter,
					     doc_birth_tap, doc_birth_draw};
const struct kiosk_screen kiosk_phone = {"phone", KIOSK_IDLE_RESIDENT_S, phone_enter, phone_tap,
					 phone_draw};
