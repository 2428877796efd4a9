/*
 * kiosk_screening: the health questions before consent, and where their
 * answers lead.
 *
 *   decision --next--> screening (one question a page, in visit_questions[]
 *     order, large yes / no; back goes to the page before)
 *     --last answer, visit_screen()-->
 *       clear      consent (kiosk_consent.c)
 *       ask staff  doctor: a doctor will talk with them first --next--> consent
 *       defer      deferred: today's visit deferred with the question's
 *                  name as the code (station_defer, as `vaxbusctl defer`
 *                  writes it), why in plain words, and that the staff
 *                  will explain --done--> welcome
 *
 * Every question is asked: the visit's record holds a whole questionnaire
 * and visit_screen() decides on it. Texts are "screening.q.<name>" and
 * "deferred.<code>" in the string tables. No thermometer is read here
 * (temp_centi stays VISIT_TEMP_NONE).
 */
#include <stdio.h>
#include <string.h>

#include "kiosk.h"
#include "station.h"

/* ---- screening: one question a page ---- */

static void screening_enter(struct kiosk *k)
{
	k->res.error[0] = '\0';
}

/* Defers today's visit with code and shows why. */
static void defer(struct kiosk *k, const char *code)
{
	struct store_visit v;
	struct vb_reason why = {0};
	if (station_defer(k->st, k->res.person.id, code, "kiosk", k->today, k->now(), &v, &why)) {
		snprintf(k->res.error, sizeof(k->res.error), "common.storage_error");
		return;
	}
	snprintf(k->res.deferral, sizeof(k->res.deferral), "%s", code);
	kiosk_go(k, &kiosk_deferred);
}

/* Records the answer to the page's question; after the last, decides. */
static void screening_answer(struct kiosk *k, enum visit_answer a)
{
	k->res.error[0] = '\0';
	k->res.screening.answers[visit_questions[k->res.question].id] = a;
	if (k->res.question + 1 < VISIT_Q_COUNT) {
		k->res.question++;
		return;
	}
	struct visit_screen_result r;
	struct vb_reason why = {0};
	int rc = visit_screen(&k->res.screening, &r, &why);
	if (rc == VB_EREFUSED) {
		defer(k, why.code);
	} else if (rc) {
		snprintf(k->res.error, sizeof(k->res.error), "common.storage_error");
	} else {
		k->res.ask_staff = r.outcome == VISIT_SCREEN_ASK_STAFF ? r.flagged : 0;
		kiosk_go(k, k->res.ask_staff ? &kiosk_doctor : &kiosk_consent);
	}
}

static void screening_tap(struct kiosk *k, const char *id)
{
	if (strcmp(id, "screening.yes") == 0) {
		screening_answer(k, VISIT_ANSWER_YES);
	} else if (strcmp(id, "screening.no") == 0) {
		screening_answer(k, VISIT_ANSWER_NO);
	} else if (strcmp(id, "screening.back") == 0) {
		k->res.error[0] = '\0';
		if (k->res.question > 0)
			k->res.question--;
		else
			kiosk_go(k, &kiosk_decision);
	} else {
		kiosk_common_tap(k, id);
	}
}

static void screening_draw(struct kiosk *k)
{
	struct ui_rect b = kiosk_body(k);
	char n[12], total[12], line[160], key[64];
	snprintf(n, sizeof(n), "%d", k->res.question + 1);
	snprintf(total, sizeof(total), "%d", VISIT_Q_COUNT);
	const char *names[] = {"n", "total"}, *values[] = {n, total};
	kiosk_fill(line, sizeof(line), ui_str(k->ui, "screening.progress"), names, values, 2);
	int y = ui_text(k->ui, b, line, UI_SIZE_BODY, UI_LEFT, UI_C_MUTED);
	int gap = ui_mm(k->ui, 3, 1);
	struct ui_rect bar = {b.x, b.y + y + gap, b.w, ui_mm(k->ui, 3, 0)};
	ui_progress(k->ui, bar, k->res.question + 1, VISIT_Q_COUNT, UI_C_PRIMARY);
	struct ui_rect row = kiosk_action_row(k);
	int top = bar.y + bar.h + ui_mm(k->ui, 8, 1);
	struct ui_rect q = {b.x, top, b.w, row.y - top};
	snprintf(key, sizeof(key), "screening.q.%s", visit_questions[k->res.question].name);
	ui_text(k->ui, q, ui_str(k->ui, key), UI_SIZE_TITLE, UI_LEFT, UI_C_TEXT);
	int bgap = ui_mm(k->ui, 5, 1);
	ui_button(k->ui, "screening.yes", ui_col(row, 2, 0, bgap), ui_str(k->ui, "screening.yes"),
		  UI_BTN_YES);
	ui_button(k->ui, "screening.no", ui_col(row, 2, 1, bgap), ui_str(k->ui, "screening.no"),
		  UI_BTN_NO);
	if (k->res.error[0]) {
		struct ui_rect err = {b.x, row.y - ui_mm(k->ui, 12, 1), b.w, ui_mm(k->ui, 10, 1)};
		ui_text(k->ui, err, ui_str(k->ui, k->res.error), UI_SIZE_BODY, UI_LEFT, UI_C_BAD);
	}
	kiosk_footer(k, "screening.back");
}

const struct kiosk_screen kiosk_screening = {"screening", KIOSK_IDLE_RESIDENT_S, screening_enter,
					     screening_tap, screening_draw};

/* ---- doctor: an answer means a doctor talks with them first ---- */

static void doctor_tap(struct kiosk *k, const char *id)
{
	if (strcmp(id, "doctor.next") == 0)
		kiosk_go(k, &kiosk_consent);
	else if (strcmp(id, "doctor.back") == 0)
		kiosk_go(k, &kiosk_screening);
	else
		kiosk_common_tap(k, id);
}

/* A title and a text above the action row: the message screens. */
static void message(struct kiosk *k, const char *title_key, enum ui_colour colour, const char *text)
{
	struct ui_rect b = kiosk_body(k);
	struct ui_rect row = kiosk_action_row(k);
	int y = ui_text(k->ui, b, ui_str(k->ui, title_key), UI_SIZE_TITLE, UI_LEFT, colour);
	int top = b.y + y + ui_mm(k->ui, 6, 1);
	struct ui_rect r = {b.x, top, b.w, row.y - top};
	ui_text(k->ui, r, text, UI_SIZE_TITLE, UI_LEFT, UI_C_TEXT);
}

static void doctor_draw(struct kiosk *k)
{
	message(k, "doctor.title", UI_C_TEXT, ui_str(k->ui, "doctor.text"));
	ui_button(k->ui, "doctor.next", ui_col(kiosk_action_row(k), 2, 0, ui_mm(k->ui, 5, 1)),
		  ui_str(k->ui, "doctor.next"), UI_BTN_PRIMARY);
	kiosk_footer(k, "doctor.back");
}

const struct kiosk_screen kiosk_doctor = {"doctor", KIOSK_IDLE_RESIDENT_S, NULL, doctor_tap,
					  doctor_draw};

/* ---- deferred: not today, why, and that the staff will explain ---- */

static void deferred_tap(struct kiosk *k, const char *id)
{
	kiosk_common_tap(k, strcmp(id, "deferred.done") == 0 ? "exit" : id);
}

static void deferred_draw(struct kiosk *k)
{
	char key[64], text[512];
	snprintf(key, sizeof(key), "deferred.%s", k->res.deferral);
	snprintf(text, sizeof(text), "%s\n\n%s", ui_str(k->ui, key),
		 ui_str(k->ui, "deferred.staff"));
	message(k, "deferred.title", UI_C_BAD, text);
	ui_button(k->ui, "deferred.done", ui_col(kiosk_action_row(k), 2, 1, ui_mm(k->ui, 5, 1)),
		  ui_str(k->ui, "deferred.done"), UI_BTN_PRIMARY);
	kiosk_footer(k, NULL);
}

const struct kiosk_screen kiosk_deferred = {"deferred", KIOSK_IDLE_RESIDENT_S, NULL, deferred_tap,
					    deferred_draw};
