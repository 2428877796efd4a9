/*
 * kiosk_observe: the staff's observation board — everyone under
 * observation today after their dose, until they may leave.
 *
 *   queue --observation--> observe --release--> (certificate printed)
 *   vcard (recorded) --observation board--> observe --reaction--> picker
 *
 * Each row is a ticket, the name masked (周*国), the minutes left of
 * [kiosk] observation_min, amber in the last five minutes and green "may
 * leave" once the time is up, with a banner naming who may leave.
 * "Release" (only then) moves the visit to released and issues the signed
 * certificate (certificate_issue, as `vaxbusctl cert print` does: a DCC,
 * or an SHC for a product the DCC value sets lack), laid out and stored
 * as a print job for the print worker; the board then tells what became
 * of it (printed, or kept and why). A bus without a signing key still
 * releases and says the certificate is to be issued later. "Reaction"
 * records an adverse event with a few large choices (symptoms, severity,
 * action; the onset is now), through the same checks, store calls and
 * visit event as `vaxbusctl aefi add`.
 *
 * Time. A countdown must survive a restart of the kiosk, but must not
 * jump when the wall clock is corrected (a bus offline for weeks sets its
 * clock when it finds a network). The store keeps the wall time of the
 * observe_start transition (an observing visit's updated_at: no other
 * event has touched it since). So the first time this process sees a
 * visit observing, its start is placed on the kiosk's monotonic clock at
 * now minus the wall time elapsed since that transition (never less than
 * zero); from then on the countdown runs on the monotonic clock alone
 * (kiosk_clock_ms, which scripts move with `wait`). The board redraws by
 * itself only when a minute it shows changes (kiosk_observe_tick).
 *
 * The board's memory (those starts, the last outcomes, the reaction
 * being chosen) holds ids and tickets only, never a name; it lives here,
 * one board per process like the kiosk itself.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aefi.h"
#include "certificate.h"
#include "iddoc.h"
#include "kiosk.h"
#include "kiosk_print.h"
#include "printq.h"
#include "store.h"
#include "store_aefi.h"
#include "store_person.h"
#include "store_print.h"

#define BOARD_MAX     32 /* people watched at once */
#define BOARD_NOTICES 2	 /* outcomes of releases and reactions shown */
#define AMBER_MIN     5	 /* the last minutes, in amber */
#define CERT_TEMPLATE VB_ASSETS_DIR "/receipts/certificate.txt"

struct watch {
	char visit[STORE_ID_LEN + 1];
	int64_t start_ms; /* kiosk_clock_ms when the observation began */
	int shown_min;	  /* minutes left as last drawn */
};

struct notice {
	char ticket[sizeof(((struct store_visit *)0)->ticket)];
	char job[STORE_ID_LEN + 1]; /* the certificate's print job, "" none */
	const char *key;	    /* the outcome's string key when there is no job */
};

/* The reaction being chosen (the picker), for one visit. */
struct picker {
	char visit[STORE_ID_LEN + 1]; /* "" when the list is shown */
	char ticket[sizeof(((struct store_visit *)0)->ticket)];
	unsigned symptoms;
	enum aefi_severity severity;
	enum aefi_action action;
	int page;	/* a small screen asks in pages: signs, severity, action */
	char error[48]; /* string key of the refusal, "" none */
};

static struct {
	struct watch w[BOARD_MAX];
	size_t n;
	struct notice notices[BOARD_NOTICES]; /* newest first */
	struct picker pick;
	const char *error; /* string key of a failure to show, NULL none */
	int first, next;   /* the first row shown; the first of the next page */
} board;

/* The common symptoms offered, and the choices of severity and action. */
static const enum aefi_symptom symptoms[] = {
    AEFI_SYM_SYNCOPE, AEFI_SYM_LOCAL_REACTION, AEFI_SYM_URTICARIA,
    AEFI_SYM_NAUSEA,  AEFI_SYM_DYSPNOEA,       AEFI_SYM_ANAPHYLAXIS,
};
#define N_SYMPTOMS ((int)(sizeof(symptoms) / sizeof(symptoms[0])))

/* The refusals of aefi_check that have their own words. */
static const char *const aefi_refusals[] = {"severity_too_low", "needs_treatment",
					    "needs_referral"};

/* The watch of visit v: found, or placed on the monotonic clock from the
 * stored wall time of its observe_start (see the top of the file). */
static struct watch watch_of(struct kiosk *k, const struct store_visit *v)
{
	struct watch w = {.shown_min = -1};
	for (size_t i = 0; i < board.n; i++)
		if (strcmp(board.w[i].visit, v->id) == 0)
			return board.w[i];
	int64_t elapsed_s = k->now() - v->updated_at;
	snprintf(w.visit, sizeof(w.visit), "%s", v->id);
	w.start_ms = kiosk_clock_ms(k) - (elapsed_s > 0 ? elapsed_s * 1000 : 0);
	return w;
}

static int64_t remaining_ms(const struct kiosk *k, const struct watch *w)
{
	return visit_observation_remaining(w->start_ms, kiosk_clock_ms(k), k->cfg.observation_min);
}

/* Minutes shown for ms left: rounded up, 0 only when the time is up. */
static int minutes_of(int64_t ms)
{
	return (int)((ms + 59999) / 60000);
}

/* Today's observing visits (at most BOARD_MAX) into list; the watches
 * follow them (those no longer observing are forgotten). The count, or
 * -1 on a storage error (the watches are kept). */
static int load(struct kiosk *k, struct store_visit *list)
{
	size_t n = 0;
	int rc = store_visit_list_day(k->st, k->today, VISIT_OBSERVING, list, BOARD_MAX, &n);
	if (rc == VB_ERANGE) { /* the first BOARD_MAX by ticket */
		rc = VB_OK;
		n = BOARD_MAX;
	}
	if (rc)
		return -1;
	struct watch w[BOARD_MAX];
	for (size_t i = 0; i < n; i++)
		w[i] = watch_of(k, &list[i]);
	memcpy(board.w, w, n * sizeof(w[0]));
	board.n = n;
	return (int)n;
}

void kiosk_observe_tick(struct kiosk *k)
{
	for (size_t i = 0; i < board.n; i++)
		if (minutes_of(remaining_ms(k, &board.w[i])) != board.w[i].shown_min)
			k->dirty = 1;
}

static void notice_push(const struct notice *n)
{
	memmove(&board.notices[1], &board.notices[0], (BOARD_NOTICES - 1) * sizeof(*n));
	board.notices[0] = *n;
}

/* ---- release and the certificate ---- */

/* Lays the certificate out and stores its print job (n->job). VB_OK or
 * an error (nothing stored). */
static int cert_queue(struct kiosk *k, const struct store_cert *cert, const struct ddcc_record *rec,
		      const struct certificate_source *src, struct notice *n)
{
	char err[300];
	struct printer_page *page = NULL;
	const struct receipt_font font = {k->cfg.font, k->cfg.font_index};
	int rc = certificate_render(CERT_TEMPLATE, rec, catalog_find(k->cat, src->product),
				    cert->payload, &font, k->cfg.paper_dots, &page, NULL, err,
				    sizeof(err));
	if (rc) {
		fprintf(stderr, "vaxbus-kiosk: the certificate cannot be laid out: %s\n", err);
		return rc;
	}
	rc = store_begin(k->st);
	if (!rc)
		rc = printq_add_page(k->st, "certificate", cert->id, page, k->staff.id, k->now(),
				     n->job);
	rc = rc ? rc : store_commit(k->st);
	if (rc) {
		store_rollback(k->st);
		n->job[0] = '\0';
	}
	printer_page_free(page);
	return rc;
}

/* Issues the certificate of visit_id and sends it to the printer; the
 * outcome goes to n (a job, or the key of what went wrong). */
static void certificate(struct kiosk *k, const char *visit_id, struct notice *n)
{
	char path[CONFIG_PATH_MAX * 4];
	struct certificate_signer s = {0};
	struct store_cert *cert = calloc(1, sizeof(*cert));
	struct ddcc_record *rec = calloc(1, sizeof(*rec));
	struct certificate_source src;
	struct vb_reason why = {0};
	int reissued, rc = cert && rec ? VB_OK : VB_ENOMEM;
	if (!rc)
		rc = certificate_key_path(k->st, k->db_path, NULL, path, sizeof(path));
	if (!rc)
		rc = certificate_signer_open(k->st, path, &s, &why);
	if (rc) {
		n->key = rc == VB_ENOTFOUND ? "observe.cert.no_key" : "observe.cert.not_issued";
		goto out;
	}
	rc = certificate_issue(k->st, k->cat, visit_id, CERT_DCC, &s, k->now(), cert, &reissued,
			       rec, &src, &why);
	if (rc && why.code && strcmp(why.code, "no_dcc_code") == 0) {
		memset(&why, 0, sizeof(why));
		rc = certificate_issue(k->st, k->cat, visit_id, CERT_SHC, &s, k->now(), cert,
				       &reissued, rec, &src, &why);
	}
	if (rc) {
		fprintf(stderr, "vaxbus-kiosk: no certificate issued: %s\n",
			why.code ? why.text : vb_strerror(rc));
		n->key = "observe.cert.not_issued";
		goto out;
	}
	if (cert_queue(k, cert, rec, &src, n))
		n->key = "observe.cert.not_printed";
	else
		kiosk_print_kick(k);
out:
	certificate_signer_close(&s);
	if (rec)
		iddoc_wipe(rec, sizeof(*rec));
	if (cert)
		iddoc_wipe(cert, sizeof(*cert));
	free(rec);
	free(cert);
}

static void release(struct kiosk *k, const struct store_visit *v)
{
	struct notice n = {.key = NULL};
	int rc = store_begin(k->st);
	if (!rc)
		rc = store_visit_transition(k->st, v->id, VISIT_EV_RELEASE, NULL, k->staff.id,
					    k->now(), NULL);
	rc = rc ? rc : store_commit(k->st);
	if (rc) {
		store_rollback(k->st);
		board.error = "common.storage_error";
		return;
	}
	snprintf(n.ticket, sizeof(n.ticket), "%s", v->ticket);
	certificate(k, v->id, &n);
	notice_push(&n);
}

/* ---- the reaction picker ---- */

static void aefi_save(struct kiosk *k)
{
	struct store_visit v;
	struct store_dose d;
	struct vb_reason why = {0};
	struct aefi a = {.symptoms = board.pick.symptoms,
			 .severity = board.pick.severity,
			 .action = board.pick.action};
	enum visit_state to;
	int64_t now = k->now();
	int rc = store_visit_get(k->st, board.pick.visit, &v);
	if (!rc)
		rc = store_dose_by_visit(k->st, v.id, &d);
	if (rc) {
		snprintf(board.pick.error, sizeof(board.pick.error), "common.storage_error");
		return;
	}
	snprintf(a.visit_id, sizeof(a.visit_id), "%s", v.id);
	snprintf(a.id, sizeof(a.id), "pending"); /* the store assigns the real id */
	a.onset = now;
	if (aefi_check(&a, d.given_at, now, &why)) {
		const char *code = "other";
		for (size_t i = 0; i < sizeof(aefi_refusals) / sizeof(aefi_refusals[0]); i++)
			if (why.code && strcmp(why.code, aefi_refusals[i]) == 0)
				code = aefi_refusals[i];
		snprintf(board.pick.error, sizeof(board.pick.error), "observe.aefi_why.%s", code);
		return;
	}
	rc = store_begin(k->st);
	if (!rc)
		rc = store_aefi_add(k->st, &a, k->staff.id, now);
	if (!rc && visit_apply(v.state, VISIT_EV_REPORT_AEFI, &to, NULL) == VB_OK)
		rc = store_visit_transition(k->st, v.id, VISIT_EV_REPORT_AEFI, NULL, k->staff.id,
					    now, NULL);
	rc = rc ? rc : store_commit(k->st);
	if (rc) {
		store_rollback(k->st);
		snprintf(board.pick.error, sizeof(board.pick.error), "common.storage_error");
		return;
	}
	struct notice n = {.key = "observe.aefi_recorded"};
	snprintf(n.ticket, sizeof(n.ticket), "%s", board.pick.ticket);
	notice_push(&n);
	memset(&board.pick, 0, sizeof(board.pick));
}

/* A choice of the picker: "observe.sym.NAME", "observe.sev.NAME",
 * "observe.act.NAME", or its pages. 1 if id was one. */
static int pick_tap(const char *id)
{
	enum aefi_severity sev;
	enum aefi_action act;
	board.pick.error[0] = '\0';
	if (strcmp(id, "observe.aefi_next") == 0 || strcmp(id, "observe.aefi_back") == 0) {
		board.pick.page += strcmp(id, "observe.aefi_next") == 0 ? 1 : -1;
		return 1;
	}
	for (int i = 0; i < N_SYMPTOMS; i++)
		if (strncmp(id, "observe.sym.", 12) == 0 &&
		    strcmp(id + 12, aefi_symptom_name(symptoms[i])) == 0) {
			board.pick.symptoms ^= AEFI_BIT(symptoms[i]);
			return 1;
		}
	if (strncmp(id, "observe.sev.", 12) == 0 &&
	    aefi_severity_from_name(id + 12, &sev) == VB_OK) {
		board.pick.severity = sev;
		return 1;
	}
	if (strncmp(id, "observe.act.", 12) == 0 && aefi_action_from_name(id + 12, &act) == VB_OK) {
		board.pick.action = act;
		return 1;
	}
	return 0;
}

/* ---- the screen ---- */

static void observe_enter(struct kiosk *k)
{
	(void)k;
	memset(&board.pick, 0, sizeof(board.pick));
	board.error = NULL;
	board.first = 0;
}

/* The observing visit of today with ticket t, and its watch. 0 or -1. */
static int find(struct kiosk *k, const char *t, struct store_visit *v, struct watch *w)
{
	struct store_visit list[BOARD_MAX];
	int n = load(k, list);
	for (int i = 0; i < n; i++)
		if (strcmp(list[i].ticket, t) == 0) {
			*v = list[i];
			*w = board.w[i];
			return 0;
		}
	return -1;
}

static void observe_tap(struct kiosk *k, const char *id)
{
	struct store_visit v;
	struct watch w;
	board.error = NULL;
	if (board.pick.visit[0]) {
		if (strcmp(id, "observe.aefi_save") == 0 && board.pick.symptoms)
			aefi_save(k);
		else if (strcmp(id, "observe.aefi_cancel") == 0)
			memset(&board.pick, 0, sizeof(board.pick));
		else if (!pick_tap(id))
			kiosk_common_tap(k, id);
	} else if (strncmp(id, "observe.release.", 16) == 0) {
		if (find(k, id + 16, &v, &w) == 0 && remaining_ms(k, &w) == 0)
			release(k, &v);
	} else if (strncmp(id, "observe.aefi.", 13) == 0) {
		if (find(k, id + 13, &v, &w) == 0) {
			memset(&board.pick, 0, sizeof(board.pick));
			snprintf(board.pick.visit, sizeof(board.pick.visit), "%s", v.id);
			snprintf(board.pick.ticket, sizeof(board.pick.ticket), "%s", v.ticket);
		}
	} else if (strcmp(id, "observe.more") == 0) {
		board.first = board.next;
	} else if (strcmp(id, "observe.queue") == 0) {
		kiosk_go(k, &kiosk_queue);
	} else {
		kiosk_common_tap(k, id);
	}
}

/* "周*国": the name's first and last characters, the rest as stars (at
 * most three); a name of two characters keeps only the first. */
static void mask_name(const char *name, char *out, size_t cap)
{
	size_t starts[128], n = 0, len = strlen(name);
	for (size_t i = 0; i < len && n < 128; i++)
		if (((unsigned char)name[i] & 0xC0) != 0x80)
			starts[n++] = i;
	if (n <= 1) { /* one character: 4 bytes at most */
		snprintf(out, cap, "%.4s", name);
		return;
	}
	size_t stars = n == 2 ? 1 : n - 2 > 3 ? 3 : n - 2;
	const char *last = n == 2 ? "" : name + starts[n - 1];
	snprintf(out, cap, "%.*s%.*s%s", (int)starts[1], name, (int)stars, "***", last);
}

/* One person's row: ticket, masked name, time left, reaction, release. */
static void row_draw(struct kiosk *k, struct ui_rect r, const struct store_visit *v,
		     struct watch *w)
{
	char name[64] = "", left[96], id[UI_ID_MAX], minutes[12];
	struct person p;
	int gap = ui_mm(k->ui, 3, 0);
	int64_t ms = remaining_ms(k, w);
	w->shown_min = minutes_of(ms);
	if (store_person_get(k->st, v->person_id, &p) == VB_OK) {
		mask_name(p.name, name, sizeof(name));
		person_wipe(&p);
	}
	enum ui_colour c = ms == 0 ? UI_C_OK : w->shown_min <= AMBER_MIN ? UI_C_WARN : UI_C_TEXT;
	snprintf(minutes, sizeof(minutes), "%d", w->shown_min);
	const char *names[] = {"min"}, *values[] = {minutes};
	if (ms == 0)
		snprintf(left, sizeof(left), "%s", ui_str(k->ui, "observe.may_leave"));
	else
		kiosk_fill(left, sizeof(left), ui_str(k->ui, "observe.minutes"), names, values, 1);
	struct ui_rect text = {r.x, r.y + ui_mm(k->ui, 2, 1), r.w, r.h};
	ui_text(k->ui, ui_col(text, 5, 0, gap), v->ticket, UI_SIZE_BODY, UI_LEFT, c);
	ui_text(k->ui, ui_col(text, 5, 1, gap), name, UI_SIZE_BODY, UI_LEFT, UI_C_TEXT);
	ui_text(k->ui, ui_col(text, 5, 2, gap), left, UI_SIZE_BODY, UI_LEFT, c);
	snprintf(id, sizeof(id), "observe.aefi.%s", v->ticket);
	ui_button(k->ui, id, ui_col(r, 5, 3, gap), ui_str(k->ui, "observe.aefi"), UI_BTN_SECONDARY);
	snprintf(id, sizeof(id), "observe.release.%s", v->ticket);
	if (ms == 0)
		ui_button(k->ui, id, ui_col(r, 5, 4, gap), ui_str(k->ui, "observe.release"),
			  UI_BTN_YES);
	else
		ui_button_off(k->ui, id, ui_col(r, 5, 4, gap), ui_str(k->ui, "observe.release"));
}

/* What became of a release or a reaction, in words, into out. */
static void notice_text(struct kiosk *k, const struct notice *n, char *out, size_t cap,
			enum ui_colour *c)
{
	char outcome[200], head[64];
	struct store_print_job job;
	struct printq_result last;
	const char *names[] = {"ticket", "reason"}, *values[] = {n->ticket, ""};
	*c = UI_C_TEXT;
	if (n->key) {
		snprintf(outcome, sizeof(outcome), "%s", ui_str(k->ui, n->key));
		*c = strcmp(n->key, "observe.aefi_recorded") == 0 ? UI_C_TEXT : UI_C_WARN;
	} else if (store_print_get(k->st, n->job, &job) != VB_OK) {
		snprintf(outcome, sizeof(outcome), "%s", ui_str(k->ui, "common.storage_error"));
		*c = UI_C_BAD;
	} else if (job.state == STORE_PRINT_DONE) {
		snprintf(outcome, sizeof(outcome), "%s", ui_str(k->ui, "observe.cert.printed"));
		*c = UI_C_OK;
	} else if (job.state == STORE_PRINT_FAILED) {
		snprintf(outcome, sizeof(outcome), "%s", ui_str(k->ui, "observe.cert.not_printed"));
		*c = UI_C_BAD;
	} else if (kiosk_print_last(k, &last) == 1 && last.blocked.code) {
		char key[64];
		snprintf(key, sizeof(key), "observe.print.%s", last.blocked.code);
		values[1] = strcmp(ui_str(k->ui, key), key) != 0
				? ui_str(k->ui, key)
				: ui_str(k->ui, "observe.print.other");
		kiosk_fill(outcome, sizeof(outcome), ui_str(k->ui, "observe.cert.kept"), names,
			   values, 2);
		*c = UI_C_WARN;
	} else {
		snprintf(outcome, sizeof(outcome), "%s", ui_str(k->ui, "observe.cert.printing"));
	}
	kiosk_fill(head, sizeof(head),
		   ui_str(k->ui, n->key && strcmp(n->key, "observe.aefi_recorded") == 0
				     ? "observe.reaction_of"
				     : "observe.released"),
		   names, values, 1);
	snprintf(out, cap, "%s %s", head, outcome);
}

static void list_draw(struct kiosk *k)
{
	struct store_visit list[BOARD_MAX];
	struct ui_rect b = kiosk_body(k), row = kiosk_action_row(k);
	int gap = ui_mm(k->ui, 3, 1), rh = ui_mm(k->ui, 14, 1);
	char line[400], count[12], tickets[BOARD_MAX * 6] = "";
	int n = load(k, list);
	snprintf(count, sizeof(count), "%d", n < 0 ? 0 : n);
	const char *names[] = {"count", "tickets"}, *values[] = {count, tickets};
	kiosk_fill(line, sizeof(line), ui_str(k->ui, "observe.title"), names, values, 1);
	int y = b.y + ui_text(k->ui, b, line, UI_SIZE_TITLE, UI_LEFT, UI_C_TEXT) + gap;

	/* Who may leave, in a banner. */
	for (int i = 0; i < n; i++)
		if (remaining_ms(k, &board.w[i]) == 0)
			snprintf(tickets + strlen(tickets), sizeof(tickets) - strlen(tickets),
				 "%s%s", tickets[0] ? " " : "", list[i].ticket);
	if (tickets[0]) {
		kiosk_fill(line, sizeof(line), ui_str(k->ui, "observe.may_leave_alert"), names,
			   values, 2);
		struct ui_rect banner = {b.x, y, b.w, rh};
		ui_fill(k->ui, banner, UI_C_OK);
		ui_text(k->ui, ui_inset(banner, ui_mm(k->ui, 3, 0)), line, UI_SIZE_BODY, UI_LEFT,
			UI_C_ON_DARK);
		y += rh + gap;
	}

	/* The people, as many as fit. */
	struct ui_rect r = {b.x, y, b.w, rh};
	if (n < 0 || board.error)
		ui_text(k->ui, r, ui_str(k->ui, board.error ? board.error : "common.storage_error"),
			UI_SIZE_BODY, UI_LEFT, UI_C_BAD);
	else if (n == 0)
		ui_text(k->ui, r, ui_str(k->ui, "observe.empty"), UI_SIZE_BODY, UI_LEFT,
			UI_C_MUTED);
	if (board.first >= n)
		board.first = 0;
	int i = board.first;
	for (; i < n && r.y + r.h <= row.y - gap; i++, r.y += rh + gap)
		row_draw(k, r, &list[i], &board.w[i]);
	int shown = i - board.first;
	board.next = i < n ? i : 0;
	for (int j = 0; j < n; j++) /* not shown: the tick need not wake for them */
		if (j < board.first || j >= i)
			board.w[j].shown_min = minutes_of(remaining_ms(k, &board.w[j]));

	/* The last outcomes, the next page when not everyone fits, and the
	 * way back to the queue. */
	struct ui_rect notes = ui_col(row, 3, 0, gap);
	if (shown < n) {
		snprintf(count, sizeof(count), "%d", n - shown);
		kiosk_fill(line, sizeof(line), ui_str(k->ui, "observe.more"), names, values, 1);
		ui_button(k->ui, "observe.more", ui_col(row, 3, 1, gap), line, UI_BTN_SECONDARY);
	} else {
		notes.w = ui_col(row, 3, 1, gap).x + ui_col(row, 3, 1, gap).w - notes.x;
	}
	for (int j = 0; j < BOARD_NOTICES && board.notices[j].ticket[0]; j++) {
		enum ui_colour c;
		notice_text(k, &board.notices[j], line, sizeof(line), &c);
		int h = ui_text(k->ui, notes, line, UI_SIZE_BODY, UI_LEFT, c);
		notes.y += h;
		notes.h -= h;
	}
	ui_button(k->ui, "observe.queue", ui_col(row, 3, 2, gap), ui_str(k->ui, "observe.queue"),
		  UI_BTN_SECONDARY);
}

/* A row of choices: a label, then one button per id. */
static void choices(struct kiosk *k, struct ui_rect r, const char *label, const char *const *ids,
		    const int *on, int n)
{
	int gap = ui_mm(k->ui, 3, 0);
	struct ui_rect lab = {r.x, r.y + ui_mm(k->ui, 2, 1), r.w / 6, r.h};
	struct ui_rect rest = {r.x + r.w / 6 + gap, r.y, r.w - r.w / 6 - gap, r.h};
	if (label)
		ui_text(k->ui, lab, ui_str(k->ui, label), UI_SIZE_BODY, UI_LEFT, UI_C_MUTED);
	for (int i = 0; i < n; i++)
		ui_button(k->ui, ids[i], ui_col(rest, n, i, gap), ui_str(k->ui, ids[i]),
			  on[i] ? UI_BTN_YES : UI_BTN_SECONDARY);
}

static void picker_draw(struct kiosk *k)
{
	static const char *const sym_ids[] = {"observe.sym.syncope",   "observe.sym.local_reaction",
					      "observe.sym.urticaria", "observe.sym.nausea",
					      "observe.sym.dyspnoea",  "observe.sym.anaphylaxis"};
	static const char *const sev_ids[] = {"observe.sev.mild", "observe.sev.moderate",
					      "observe.sev.severe", "observe.sev.serious"};
	static const char *const act_ids[] = {"observe.act.observed", "observe.act.treated_on_site",
					      "observe.act.referred_hospital",
					      "observe.act.emergency_transfer"};
	struct ui_rect b = kiosk_body(k), row = kiosk_action_row(k);
	int gap = ui_mm(k->ui, 3, 1), on[N_SYMPTOMS];
	char line[160];
	const char *names[] = {"ticket"}, *values[] = {board.pick.ticket};
	kiosk_fill(line, sizeof(line), ui_str(k->ui, "observe.aefi_title"), names, values, 1);
	int y = b.y + ui_text(k->ui, b, line, UI_SIZE_TITLE, UI_LEFT, UI_C_TEXT) + gap;
	struct ui_rect area = {b.x, y, b.w, row.y - gap - y};
	/* Four rows of choices; on a small screen a page each for the signs,
	 * the severity and the action, in two rows. */
	int paged = area.h < 4 * ui_mm(k->ui, 12, 1) + 3 * gap, page = paged ? board.pick.page : -1;
	int rows = paged ? 2 : 4, r = 0, per_row = paged ? 2 : 4;
	if (page <= 0) {
		for (int i = 0; i < N_SYMPTOMS; i++)
			on[i] = (board.pick.symptoms & AEFI_BIT(symptoms[i])) != 0;
		choices(k, ui_row(area, rows, r++, gap), "observe.aefi_symptoms", sym_ids, on, 3);
		choices(k, ui_row(area, rows, r++, gap), NULL, sym_ids + 3, on + 3, 3);
	}
	if (page == -1 || page == 1) {
		for (int i = 0; i < 4; i++)
			on[i] = board.pick.severity == (enum aefi_severity)i;
		for (int i = 0; i < 4; i += per_row)
			choices(k, ui_row(area, rows, r++, gap), i ? NULL : "observe.aefi_severity",
				sev_ids + i, on + i, per_row);
	}
	if (page == -1 || page == 2) {
		for (int i = 0; i < 4; i++)
			on[i] = board.pick.action == (enum aefi_action)i;
		for (int i = 0; i < 4; i += per_row)
			choices(k, ui_row(area, rows, r++, gap), i ? NULL : "observe.aefi_action",
				act_ids + i, on + i, per_row);
	}

	/* What is missing or refused; record (or next), cancel (or back). */
	const char *msg = board.pick.error[0]	? board.pick.error
			  : board.pick.symptoms ? NULL
						: "observe.aefi_pick";
	const char *go = page == 0 || page == 1 ? "observe.aefi_next" : "observe.aefi_save";
	const char *stop = page > 0 ? "observe.aefi_back" : "observe.aefi_cancel";
	if (msg)
		ui_text(k->ui, ui_col(row, 3, 0, gap), ui_str(k->ui, msg), UI_SIZE_BODY, UI_LEFT,
			board.pick.error[0] ? UI_C_BAD : UI_C_MUTED);
	if (board.pick.symptoms)
		ui_button(k->ui, go, ui_col(row, 3, 1, gap), ui_str(k->ui, go), UI_BTN_PRIMARY);
	else
		ui_button_off(k->ui, go, ui_col(row, 3, 1, gap), ui_str(k->ui, go));
	ui_button(k->ui, stop, ui_col(row, 3, 2, gap), ui_str(k->ui, stop), UI_BTN_SECONDARY);
}

static void observe_draw(struct kiosk *k)
{
	if (board.pick.visit[0])
		picker_draw(k);
	else
		list_draw(k);
	kiosk_footer(k, NULL);
}

const struct kiosk_screen kiosk_observe = {"observe", KIOSK_IDLE_STAFF_S, observe_enter,
					   observe_tap, observe_draw};
