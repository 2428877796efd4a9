/*
 * kiosk_consent: the informed consent and its signature.
 *
 *   consent (the text in plain words: the vaccine, that they may say no,
 *   that they stay after the injection; a signature pad)
 *     --sign--> ticket (kiosk_ticket.c)      --back--> screening
 *
 * "consent.sign" and "consent.clear" are enabled once something is drawn
 * on the pad ("consent.pad"). When the text does not fit beside the pad
 * (large text on a small screen) it is read a page at a time over the
 * whole width ("consent.prev", "consent.next"), and the pad comes on a
 * page of its own after the last. Signing writes, in one transaction: today's
 * visit (made with the day's next queue ticket, or the person's open one),
 * its "screen" and "consent" events, the consent with the signature as a
 * PNG and the text's key and language (store_consent), the "queue" event
 * and the ticket's print job. Only then is the ticket shown and printed.
 * The signature's points are wiped once saved, and on every way back to
 * welcome.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "iddoc.h"
#include "kiosk.h"
#include "kiosk_print.h"
#include "store.h"
#include "store_consent.h"

/* The wording's key: a change of wording gets a new key (the consent
 * record names the text the person read). */
#define CONSENT_TEXT_KEY "consent.text_v1"

static void consent_enter(struct kiosk *k)
{
	k->res.error[0] = '\0';
	k->res.consent_page = 0;
}

int kiosk_stroke(struct kiosk *k, const char *id, int x, int y, int down)
{
	struct ui_rect r;
	if (k->screen != &kiosk_consent || !id || strcmp(id, "consent.pad") != 0 ||
	    ui_widget_rect(k->ui, id, &r))
		return -1;
	k->last_input_ms = kiosk_clock_ms(k);
	ui_sigpad_add(&k->sig, r, x, y, down); /* a full pad takes no more points */
	k->dirty = 1;
	return 0;
}

void kiosk_signature_wipe(struct kiosk *k)
{
	iddoc_wipe(k->sig.xy, k->sig.cap * sizeof(*k->sig.xy));
	ui_sigpad_clear(&k->sig);
}

/* Moves visit v through ev if the workflow allows it from where it is
 * (an open visit made earlier today may be past it). */
static int step(struct kiosk *k, struct store_visit *v, enum visit_event ev, int64_t now)
{
	enum visit_state to;
	if (visit_apply(v->state, ev, &to, NULL) != VB_OK)
		return VB_OK;
	int rc = store_visit_transition(k->st, v->id, ev, NULL, "kiosk", now, NULL);
	if (!rc)
		v->state = to;
	return rc;
}

/* Everything signing writes, in the caller's transaction. */
static int record(struct kiosk *k, const uint8_t *png, size_t n, int64_t now)
{
	struct store_visit *v = &k->res.visit;
	int rc = store_visit_open_for_person(k->st, k->res.person.id, k->today, v);
	if (rc == VB_ENOTFOUND) {
		memset(v, 0, sizeof(*v));
		snprintf(v->person_id, sizeof(v->person_id), "%s", k->res.person.id);
		v->day = k->today;
		rc = store_visit_add(k->st, v, "kiosk", now);
	}
	if (!rc)
		rc = step(k, v, VISIT_EV_SCREEN, now);
	if (!rc)
		rc = step(k, v, VISIT_EV_CONSENT, now);
	if (!rc) {
		struct store_consent c;
		memset(&c, 0, sizeof(c));
		snprintf(c.visit_id, sizeof(c.visit_id), "%s", v->id);
		snprintf(c.text_key, sizeof(c.text_key), CONSENT_TEXT_KEY);
		snprintf(c.lang, sizeof(c.lang), ui_get_lang(k->ui) == UI_ZH ? "zh" : "en");
		for (int q = 0; q < VISIT_Q_COUNT; q++) {
			size_t len = strlen(c.ask_staff);
			if (k->res.ask_staff & (1u << visit_questions[q].id))
				snprintf(c.ask_staff + len, sizeof(c.ask_staff) - len, "%s%s",
					 len ? "," : "", visit_questions[q].name);
		}
		rc = store_consent_add(k->st, &c, png, n, "kiosk", now);
	}
	if (!rc)
		rc = step(k, v, VISIT_EV_QUEUE, now);
	if (!rc)
		rc = kiosk_ticket_queue(k, now);
	return rc;
}

static void consent_sign(struct kiosk *k)
{
	struct ui_rect r;
	uint8_t *png = NULL;
	size_t n = 0;
	int64_t now = k->now();
	int rc = VB_ENOMEM;
	if (ui_widget_rect(k->ui, "consent.pad", &r) == 0 &&
	    ui_sigpad_png(&k->sig, r, &png, &n) == 0 && (rc = store_begin(k->st)) == VB_OK) {
		rc = record(k, png, n, now);
		if (!rc)
			rc = store_commit(k->st);
		if (rc)
			store_rollback(k->st);
	}
	iddoc_wipe(png, n);
	free(png);
	if (rc) {
		snprintf(k->res.error, sizeof(k->res.error), "common.storage_error");
		return;
	}
	kiosk_signature_wipe(k);
	kiosk_go(k, &kiosk_ticket);
	kiosk_print_kick(k);
}

static void consent_tap(struct kiosk *k, const char *id)
{
	if (strcmp(id, "consent.sign") == 0) {
		consent_sign(k);
	} else if (strcmp(id, "consent.prev") == 0 && k->res.consent_page > 0) {
		k->res.consent_page--;
	} else if (strcmp(id, "consent.next") == 0) {
		k->res.consent_page++; /* the draw keeps it within the pages */
	} else if (strcmp(id, "consent.clear") == 0) {
		kiosk_signature_wipe(k);
	} else if (strcmp(id, "consent.back") == 0) {
		kiosk_signature_wipe(k);
		kiosk_go(k, &kiosk_screening);
	} else {
		kiosk_common_tap(k, id);
	}
}

/* A button, or the same greyed when off. */
static void button(struct kiosk *k, const char *id, struct ui_rect r, int on,
		   enum ui_button_kind kind)
{
	if (on)
		ui_button(k->ui, id, r, ui_str(k->ui, id), kind);
	else
		ui_button_off(k->ui, id, r, ui_str(k->ui, id));
}

/* The pad under its "sign here" line, in r. */
static void pad_draw(struct kiosk *k, struct ui_rect r)
{
	int lh = ui_text(k->ui, r, ui_str(k->ui, "consent.sign_here"), UI_SIZE_BODY, UI_LEFT,
			 UI_C_MUTED);
	int gap = ui_mm(k->ui, 2, 0);
	struct ui_rect pad = {r.x, r.y + lh + gap, r.w, r.h - lh - gap};
	ui_sigpad(k->ui, "consent.pad", pad, &k->sig);
}

/* Large text on a small screen: the text a page at a time over the whole
 * width (previous, "page 1 of 4", next), then the pad on a page of its
 * own, the last. */
static void paged_draw(struct kiosk *k, struct ui_rect area, struct ui_rect row, const char *text)
{
	int gap = ui_mm(k->ui, 6, 0);
	int pages = ui_text_page(k->ui, area, text, UI_SIZE_BODY, UI_LEFT, UI_C_TEXT, -1);
	int page = k->res.consent_page > pages ? pages : k->res.consent_page;
	k->res.consent_page = page;
	button(k, "consent.prev", ui_col(row, 3, 0, gap), page > 0, UI_BTN_SECONDARY);
	if (page == pages) {
		pad_draw(k, area);
		button(k, "consent.clear", ui_col(row, 3, 1, gap), k->sig.n > 0, UI_BTN_SECONDARY);
		button(k, "consent.sign", ui_col(row, 3, 2, gap), k->sig.n > 0, UI_BTN_PRIMARY);
		return;
	}
	char n[12], of[12], label[64];
	const char *names[] = {"page", "pages"}, *values[] = {n, of};
	snprintf(n, sizeof(n), "%d", page + 1);
	snprintf(of, sizeof(of), "%d", pages + 1);
	kiosk_fill(label, sizeof(label), ui_str(k->ui, "consent.page"), names, values, 2);
	struct ui_rect mid = ui_inset(ui_col(row, 3, 1, gap), ui_mm(k->ui, 3, 1));
	ui_text_page(k->ui, area, text, UI_SIZE_BODY, UI_LEFT, UI_C_TEXT, page);
	ui_text(k->ui, mid, label, UI_SIZE_BODY, UI_CENTRE, UI_C_MUTED);
	button(k, "consent.next", ui_col(row, 3, 2, gap), 1, UI_BTN_PRIMARY);
}

static void consent_draw(struct kiosk *k)
{
	struct ui_rect b = kiosk_body(k);
	struct ui_rect row = kiosk_action_row(k);
	int gap = ui_mm(k->ui, 6, 0);
	int y =
	    ui_text(k->ui, b, ui_str(k->ui, "consent.title"), UI_SIZE_TITLE, UI_LEFT, UI_C_TEXT);
	int top = b.y + y + ui_mm(k->ui, 4, 1);
	int err_h = k->res.error[0] ? ui_mm(k->ui, 12, 1) : 0;
	struct ui_rect area = {b.x, top, b.w, row.y - gap - err_h - top};
	struct ui_rect left = ui_col(area, 2, 0, gap), right = ui_col(area, 2, 1, gap);

	char minutes[12], text[1024];
	snprintf(minutes, sizeof(minutes), "%d", k->cfg.observation_min);
	const char *names[] = {"vaccine", "minutes"}, *values[] = {kiosk_product_name(k), minutes};
	kiosk_fill(text, sizeof(text), ui_str(k->ui, CONSENT_TEXT_KEY), names, values, 2);
	if (ui_text_page(k->ui, left, text, UI_SIZE_BODY, UI_LEFT, UI_C_TEXT, -1) > 1) {
		paged_draw(k, area, row, text);
	} else {
		ui_text(k->ui, left, text, UI_SIZE_BODY, UI_LEFT, UI_C_TEXT);
		pad_draw(k, right);
		button(k, "consent.clear", ui_col(row, 2, 0, gap), k->sig.n > 0, UI_BTN_SECONDARY);
		button(k, "consent.sign", ui_col(row, 2, 1, gap), k->sig.n > 0, UI_BTN_PRIMARY);
	}
	if (err_h) {
		struct ui_rect err = {b.x, row.y - err_h, b.w, err_h};
		ui_text(k->ui, err, ui_str(k->ui, k->res.error), UI_SIZE_BODY, UI_LEFT, UI_C_BAD);
	}
	kiosk_footer(k, "consent.back");
}

const struct kiosk_screen kiosk_consent = {"consent", KIOSK_IDLE_RESIDENT_S, consent_enter,
					   consent_tap, consent_draw};
