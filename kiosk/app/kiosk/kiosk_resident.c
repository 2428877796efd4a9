/*
 * kiosk_resident: the resident's first screens, from the welcome to the
 * dose decision in plain words, and what every resident screen shares.
 *
 *   welcome --start--> identify --card / typed number--> confirm
 *     --yes--> decision (which dose today, or why not and from when)
 *     --next (when due)--> screening (kiosk_screening.c)
 *
 * A pre-registration code and the other documents lead to confirm too
 * (kiosk_identify_more.c); the decision offers to register a family
 * member, and confirm a new person's phone (kiosk_family.c).
 *
 * The resident is registered (store_person_add) on "yes" at confirm, with
 * the same calls and checks as `vaxbusctl person add`; the decision is the
 * station's, as `vaxbusctl due` gives it. Every text comes from the string
 * tables; the screens show nothing of a resident but the masked number,
 * the name and the age.
 */
#include <stdio.h>
#include <string.h>

#include "iddoc.h"
#include "kiosk.h"
#include "station.h"
#include "store.h"
#include "store_person.h"
#include "vbdate.h"

struct ui_rect kiosk_body(struct kiosk *k)
{
	return ui_inset(k->area.w ? k->area : ui_screen(k->ui), ui_mm(k->ui, 6, 0));
}

void kiosk_footer(struct kiosk *k, const char *back_id)
{
	struct ui_rect b = kiosk_body(k);
	int h = ui_mm(k->ui, 14, 1);
	struct ui_rect row = {b.x, b.y + b.h - h, b.w, h};
	ui_button(k->ui, "lang", ui_col(row, 4, 0, ui_mm(k->ui, 3, 0)),
		  ui_str(k->ui, "common.other_language"), UI_BTN_SECONDARY);
	ui_button(k->ui, "large", ui_col(row, 4, 1, ui_mm(k->ui, 3, 0)),
		  ui_str(k->ui, ui_get_large(k->ui) ? "common.normal_text" : "common.large_text"),
		  UI_BTN_SECONDARY);
	if (kiosk_speaks(k))
		ui_button(k->ui, "speech", ui_col(row, 4, 2, ui_mm(k->ui, 3, 0)),
			  ui_str(k->ui, ui_speech_get_on(k->speech) ? "common.speech_on"
								    : "common.speech_off"),
			  UI_BTN_SECONDARY);
	if (back_id)
		ui_button(k->ui, back_id, ui_col(row, 4, 3, ui_mm(k->ui, 3, 0)),
			  ui_str(k->ui, "common.back"), UI_BTN_SECONDARY);
}

struct ui_rect kiosk_action_row(struct kiosk *k)
{
	struct ui_rect b = kiosk_body(k);
	int bh = ui_mm(k->ui, 22, 1);
	return (struct ui_rect){b.x, b.y + b.h - ui_mm(k->ui, 14, 1) - ui_mm(k->ui, 6, 0) - bh, b.w,
				bh};
}

const char *kiosk_product_name(struct kiosk *k)
{
	const struct schedule_decision *d = &k->res.decision;
	const struct catalog_product *prod = catalog_find(k->cat, d->product);
	if (!prod)
		return d->product;
	return ui_get_lang(k->ui) == UI_ZH ? prod->name.zh : prod->name.en;
}

void kiosk_dose_line(struct kiosk *k, enum ui_lang lang, char *out, size_t cap)
{
	char dose[12], doses[12];
	snprintf(dose, sizeof(dose), "%d", k->res.decision.dose_number);
	snprintf(doses, sizeof(doses), "%d", k->res.decision.series_doses);
	const char *names[] = {"dose", "doses"}, *values[] = {dose, doses};
	kiosk_fill(out, cap, ui_str_lang(k->ui, lang, "decision.dose"), names, values, 2);
}

int kiosk_common_tap(struct kiosk *k, const char *id)
{
	if (strcmp(id, "lang") == 0) {
		ui_set_lang(k->ui, ui_get_lang(k->ui) == UI_ZH ? UI_EN : UI_ZH);
		return 1;
	}
	if (strcmp(id, "large") == 0) {
		ui_set_large(k->ui, !ui_get_large(k->ui));
		return 1;
	}
	if (strcmp(id, "speech") == 0) {
		kiosk_speech_toggle(k);
		return 1;
	}
	if (strcmp(id, "back") == 0 || strcmp(id, "exit") == 0) {
		kiosk_forget(k);
		kiosk_go(k, &kiosk_welcome);
		return 1;
	}
	return 0;
}

/* ---- welcome ---- */

/* Every way back to welcome passes here: the resident's data and the
 * signature's points are wiped, and the staff member is signed out. */
static void welcome_enter(struct kiosk *k)
{
	kiosk_staff_sign_out(k, 0);
	kiosk_forget(k);
	kiosk_signature_wipe(k);
}

static void welcome_tap(struct kiosk *k, const char *id)
{
	if (strcmp(id, "welcome.start") == 0)
		kiosk_go(k, &kiosk_identify);
	else if (strcmp(id, "welcome.staff") == 0)
		kiosk_staff_open(k);
	else
		kiosk_common_tap(k, id);
}

static void welcome_draw(struct kiosk *k)
{
	struct ui_rect b = kiosk_body(k);
	int title_h =
	    ui_text(k->ui, b, ui_str(k->ui, "welcome.title"), UI_SIZE_TITLE, UI_CENTRE, UI_C_TEXT);
	struct ui_rect sub = {b.x, b.y + title_h + ui_mm(k->ui, 4, 0), b.w, b.h / 3};
	ui_text(k->ui, sub, ui_str(k->ui, "welcome.subtitle"), UI_SIZE_BODY, UI_CENTRE, UI_C_MUTED);
	int bh = ui_mm(k->ui, 30, 1), bw = b.w * 2 / 3;
	struct ui_rect start = {b.x + (b.w - bw) / 2, b.y + b.h / 2 - bh / 2, bw, bh};
	ui_button(k->ui, "welcome.start", start, ui_str(k->ui, "welcome.start"), UI_BTN_PRIMARY);
	struct ui_rect serving = {b.x, start.y + bh + ui_mm(k->ui, 6, 1), b.w, ui_mm(k->ui, 12, 1)};
	kiosk_serving_draw(k, serving);
	kiosk_footer(k, NULL);
	/* The staff's way in: small, in the footer's last place. */
	int fh = ui_mm(k->ui, 14, 1);
	struct ui_rect foot = {b.x, b.y + b.h - fh, b.w, fh};
	ui_button(k->ui, "welcome.staff", ui_col(foot, 4, 3, ui_mm(k->ui, 3, 0)),
		  ui_str(k->ui, "welcome.staff"), UI_BTN_SECONDARY);
}

const struct kiosk_screen kiosk_welcome = {"welcome", KIOSK_IDLE_RESIDENT_S, welcome_enter,
					   welcome_tap, welcome_draw};

/* ---- identify: the card, or the number on a keypad ---- */

static void identify_enter(struct kiosk *k)
{
	k->res.typed[0] = '\0';
	k->res.error[0] = '\0';
}

/* Looks the typed number up: a registered resident goes on to confirm. */
static void identify_typed(struct kiosk *k)
{
	struct iddoc doc;
	struct vb_reason why;
	if (iddoc_validate(IDDOC_CN_RESIDENT, k->res.typed, k->today, &doc, &why)) {
		snprintf(k->res.error, sizeof(k->res.error), "identify.bad_number");
		return;
	}
	struct person p;
	int rc = store_person_find_doc(k->st, doc.type, doc.number, &p);
	if (rc) {
		snprintf(k->res.error, sizeof(k->res.error),
			 rc == VB_ENOTFOUND ? "identify.not_registered" : "common.storage_error");
		return;
	}
	person_wipe(&k->res.person);
	k->res.person = p;
	k->res.found = 1;
	person_wipe(&p);
	kiosk_go(k, &kiosk_confirm);
}

static void identify_tap(struct kiosk *k, const char *id)
{
	size_t n = strlen(k->res.typed);
	if (strncmp(id, "keypad.", 7) == 0) {
		const char *key = id + 7;
		k->res.error[0] = '\0';
		if (strcmp(key, "DEL") == 0) {
			if (n)
				k->res.typed[n - 1] = '\0';
		} else if (strlen(key) == 1 && n < 18) {
			k->res.typed[n] = key[0];
			k->res.typed[n + 1] = '\0';
		}
	} else if (strcmp(id, "identify.ok") == 0) {
		identify_typed(k);
	} else if (strcmp(id, "identify.document") == 0) {
		kiosk_go(k, &kiosk_doc_type);
	} else {
		kiosk_common_tap(k, id);
	}
}

static void identify_draw(struct kiosk *k)
{
	struct ui_rect b = kiosk_body(k);
	int gap = ui_mm(k->ui, 6, 0), portrait = b.h > b.w;
	/* The words left of the keypad, or above it on a screen on its side. */
	struct ui_rect left = ui_col(b, 2, 0, gap), right = ui_col(b, 2, 1, gap);
	if (portrait) {
		left = (struct ui_rect){b.x, b.y, b.w, b.h / 4};
		right = (struct ui_rect){b.x, b.y + left.h + gap, b.w, b.h - left.h - gap};
	}
	int absent = k->reader == KIOSK_READER_ABSENT; /* say so, and to type */
	int y = ui_text(k->ui, left,
			ui_str(k->ui, absent ? "identify.no_reader" : "identify.place_card"),
			UI_SIZE_TITLE, UI_LEFT, UI_C_TEXT);
	struct ui_rect hint = {left.x, left.y + y + ui_mm(k->ui, 4, 0), left.w, left.h / 3};
	hint.y += ui_text(k->ui, hint,
			  ui_str(k->ui, absent ? "identify.type_number" : "identify.or_type"),
			  UI_SIZE_BODY, UI_LEFT, UI_C_MUTED) +
		  ui_mm(k->ui, 3, 0);
	ui_text(k->ui, hint, ui_str(k->ui, "identify.or_scan"), UI_SIZE_BODY, UI_LEFT, UI_C_MUTED);

	/* The number as typed so far, then the keypad. */
	int fh = ui_mm(k->ui, 14, 1);
	struct ui_rect field = {right.x, right.y, right.w, fh};
	ui_frame(k->ui, field, 2, UI_C_MUTED);
	ui_text(k->ui, ui_inset(field, ui_mm(k->ui, 2, 0)), k->res.typed, UI_SIZE_BODY, UI_LEFT,
		UI_C_TEXT);
	int foot = ui_mm(k->ui, 14, 1) + ui_mm(k->ui, 4, 0);
	struct ui_rect pad = {right.x, right.y + fh + ui_mm(k->ui, 3, 0), right.w,
			      right.h - fh - ui_mm(k->ui, 3, 0) - foot - ui_mm(k->ui, 17, 1)};
	/* Keys of 12 mm at least: three rows of four when four rows of three
	 * would be shorter (a small screen in large text). */
	ui_keypad(k->ui, "keypad", pad,
		  pad.h < 4 * ui_mm(k->ui, 12, 0) ? "1 2 3 4|5 6 7 8|9 0 X DEL"
						  : "1 2 3|4 5 6|7 8 9|X 0 DEL");
	struct ui_rect ok = {right.x, pad.y + pad.h + ui_mm(k->ui, 3, 0), right.w,
			     ui_mm(k->ui, 14, 1)};
	struct ui_rect doc = {left.x, ok.y, left.w, ok.h};
	if (portrait) { /* both under the keypad */
		doc = ui_col(ok, 2, 0, gap);
		ok = ui_col(ok, 2, 1, gap);
	}
	if (strlen(k->res.typed) == 18)
		ui_button(k->ui, "identify.ok", ok, ui_str(k->ui, "identify.ok"), UI_BTN_PRIMARY);
	else
		ui_button_off(k->ui, "identify.ok", ok, ui_str(k->ui, "identify.ok"));
	ui_button(k->ui, "identify.document", doc, ui_str(k->ui, "identify.document"),
		  UI_BTN_SECONDARY);
	if (k->res.error[0]) {
		struct ui_rect err = {left.x, left.y + left.h / 2, left.w, left.h / 3};
		ui_text(k->ui, err, ui_str(k->ui, k->res.error), UI_SIZE_BODY, UI_LEFT, UI_C_BAD);
	}
	kiosk_footer(k, "back");
}

const struct kiosk_screen kiosk_identify = {"identify", KIOSK_IDLE_RESIDENT_S, identify_enter,
					    identify_tap, identify_draw};

void kiosk_card(struct kiosk *k, const struct idcard_card *c)
{
	struct vb_reason why;
	struct person p;
	k->last_input_ms = kiosk_clock_ms(k);
	if (k->screen != &kiosk_identify && k->screen != &kiosk_welcome)
		return; /* a card in the middle of another screen is ignored */
	if (person_from_card(&p, c->name, c->sex, c->nation, c->birth, c->address, c->id, k->today,
			     &why)) {
		kiosk_go(k, &kiosk_identify);
		snprintf(k->res.error, sizeof(k->res.error), "identify.card_unreadable");
		return;
	}
	person_wipe(&k->res.person);
	struct person saved;
	k->res.found = store_person_find_doc(k->st, p.doc.type, p.doc.number, &saved) == VB_OK;
	k->res.person = k->res.found ? saved : p;
	person_wipe(&saved);
	person_wipe(&p);
	kiosk_go(k, &kiosk_confirm);
}

/* ---- confirm: is this you? ---- */

static void confirm_enter(struct kiosk *k)
{
	k->res.error[0] = '\0';
}

/* Registers the resident when new, then decides. */
static void confirm_yes(struct kiosk *k)
{
	int rc = VB_OK;
	if (!k->res.found) {
		rc = kiosk_family_attach(k);
		if (!rc)
			rc = store_begin(k->st);
		if (!rc)
			rc = store_person_add(k->st, &k->res.person, "kiosk", k->now());
		if (!rc)
			rc = store_commit(k->st);
		if (rc) {
			store_rollback(k->st);
			snprintf(k->res.error, sizeof(k->res.error), "common.storage_error");
			return;
		}
		k->res.found = 1;
	}
	struct station_case c;
	memset(&c, 0, sizeof(c));
	rc = station_case_open(k->st, k->cat, k->res.person.id, k->today, &c);
	k->res.decision = c.decision;
	k->res.due = rc == VB_OK;
	station_case_cleanup(&c);
	if (rc && rc != VB_EREFUSED) {
		snprintf(k->res.error, sizeof(k->res.error), "common.storage_error");
		return;
	}
	kiosk_go(k, &kiosk_decision);
}

static void confirm_tap(struct kiosk *k, const char *id)
{
	if (strcmp(id, "confirm.yes") == 0)
		confirm_yes(k);
	else if (strcmp(id, "confirm.no") == 0)
		kiosk_go(k, &kiosk_identify);
	else if (strcmp(id, "confirm.phone") == 0)
		kiosk_go(k, &kiosk_phone);
	else
		kiosk_common_tap(k, id);
}

/* "label: value" on one line of r; returns the height used. */
static int field(struct kiosk *k, struct ui_rect r, const char *label_key, const char *value)
{
	char line[256];
	snprintf(line, sizeof(line), "%s  %s", ui_str(k->ui, label_key), value);
	return ui_text(k->ui, r, line, UI_SIZE_TITLE, UI_LEFT, UI_C_TEXT);
}

static void confirm_draw(struct kiosk *k)
{
	struct ui_rect b = kiosk_body(k);
	const struct person *p = &k->res.person;
	char masked[40], age[16];
	if (iddoc_mask(&p->doc, masked, sizeof(masked)))
		masked[0] = '\0';
	snprintf(age, sizeof(age), "%d", vbdate_age_years(p->birth, k->today));
	int family = k->res.proxy_id[0] != '\0';
	int y = ui_text(k->ui, b, ui_str(k->ui, family ? "family.confirm_title" : "confirm.title"),
			UI_SIZE_TITLE, UI_LEFT, UI_C_TEXT);
	int gap = ui_mm(k->ui, 5, 1);
	struct ui_rect r = {b.x, b.y + y + gap, b.w, b.h / 6};
	r.y += field(k, r, "confirm.name", p->name) + gap;
	r.y +=
	    field(k, r, p->doc.type == IDDOC_CN_RESIDENT ? "confirm.number" : "confirm.doc_number",
		  masked) +
	    gap;
	r.y += field(k, r, "confirm.age", age) + gap;
	kiosk_confirm_more_draw(k, r.y);
	struct ui_rect row = kiosk_action_row(k);
	ui_button(k->ui, "confirm.yes", ui_col(row, 2, 0, gap),
		  ui_str(k->ui, family ? "family.confirm_yes" : "confirm.yes"), UI_BTN_YES);
	ui_button(k->ui, "confirm.no", ui_col(row, 2, 1, gap), ui_str(k->ui, "confirm.no"),
		  UI_BTN_NO);
	if (k->res.error[0]) {
		struct ui_rect err = {b.x, row.y - ui_mm(k->ui, 12, 1), b.w, ui_mm(k->ui, 10, 1)};
		ui_text(k->ui, err, ui_str(k->ui, k->res.error), UI_SIZE_BODY, UI_LEFT, UI_C_BAD);
	}
	kiosk_footer(k, "back");
}

const struct kiosk_screen kiosk_confirm = {"confirm", KIOSK_IDLE_RESIDENT_S, confirm_enter,
					   confirm_tap, confirm_draw};

/* ---- decision: which dose today, or why not ---- */

static void decision_tap(struct kiosk *k, const char *id)
{
	if (strcmp(id, "decision.next") == 0 && k->res.due) {
		memset(&k->res.screening, 0, sizeof(k->res.screening));
		k->res.screening.temp_centi = VISIT_TEMP_NONE; /* no thermometer at the kiosk */
		k->res.question = 0;
		kiosk_go(k, &kiosk_screening);
	} else if (strcmp(id, "decision.family") == 0) {
		kiosk_family_start(k);
	} else
		kiosk_common_tap(k, id);
}

static void decision_draw(struct kiosk *k)
{
	struct ui_rect b = kiosk_body(k);
	const struct schedule_decision *d = &k->res.decision;
	char text[512], key[64], date[11] = "";
	if (d->earliest != VBDATE_NONE)
		vbdate_format(d->earliest, date);
	if (k->res.due) {
		char line[160];
		kiosk_dose_line(k, ui_get_lang(k->ui), line, sizeof(line));
		snprintf(text, sizeof(text), "%s\n%s\n%s", ui_str(k->ui, "decision.due_title"),
			 line, kiosk_product_name(k));
	} else {
		snprintf(key, sizeof(key), "reason.%s", d->why.code ? d->why.code : "unknown");
		snprintf(text, sizeof(text), "%s\n%s%s%s", ui_str(k->ui, "decision.not_today"),
			 ui_str(k->ui, key), date[0] ? "\n" : "", date);
	}
	ui_text(k->ui, b, text, UI_SIZE_TITLE, UI_LEFT, k->res.due ? UI_C_TEXT : UI_C_BAD);
	struct ui_rect row = kiosk_action_row(k);
	int gap = ui_mm(k->ui, 5, 1);
	if (k->res.due)
		ui_button(k->ui, "decision.next", ui_col(row, 3, 0, gap),
			  ui_str(k->ui, "decision.next"), UI_BTN_PRIMARY);
	ui_button(k->ui, "decision.family", ui_col(row, 3, 1, gap),
		  ui_str(k->ui, "decision.family"), UI_BTN_SECONDARY);
	ui_button(k->ui, "exit", ui_col(row, 3, 2, gap), ui_str(k->ui, "decision.done"),
		  UI_BTN_SECONDARY);
	kiosk_footer(k, NULL);
}

const struct kiosk_screen kiosk_decision = {"decision", KIOSK_IDLE_RESIDENT_S, NULL, decision_tap,
					    decision_draw};
