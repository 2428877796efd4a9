/*
 * kiosk_vcard: the vaccination card the staff see after calling a ticket.
 *
 *   queue --call--> vcard --scan + site + record--> (recorded) --next--> queue
 *
 * The card lists the seven checks (name, age, vaccine, specification, dose
 * number, route, site) from the schedule decision and the catalog. The box
 * code scanned (kiosk_vcard_scan: the scanner, or `scan TEXT` in a script) goes
 * through station_box_check and shows as passed (green) or the refusal in
 * words; the body site is chosen with two buttons. "Record" is enabled only
 * when the box check passed, a site is chosen and, where the catalog asks
 * for it, the staff confirm a doctor's assessment; it runs the box check
 * again and station_vaccinate with the signed-in staff id, as `vaxbusctl
 * vaccinate` does, then shows the end of the observation ([kiosk]
 * observation_min) and the way to the observation board. The person's
 * data lives in k->res, wiped on every return to welcome.
 */
#include <stdio.h>
#include <string.h>

#include "kiosk.h"
#include "station.h"
#include "store_person.h"
#include "vbdate.h"

#define VAL_CAP 160 /* one check's value */

/* The refusals of the box check that have their own words
 * ("vcard.why.CODE"); a code the GS1 parser gives reads as unreadable. */
static const char *const box_refusals[] = {
    "no_lot_in_code",  "not_on_board", "gtin_mismatch", "no_expiry",	 "expired",
    "expiry_mismatch", "recalled",     "quarantined",	"wrong_product", "no_stock",
};

static void why_key(struct kiosk *k, int rc, const struct vb_reason *why)
{
	const char *code = "other";
	if (rc == VB_EINVAL)
		code = "unreadable";
	for (size_t i = 0; why->code && i < sizeof(box_refusals) / sizeof(box_refusals[0]); i++)
		if (strcmp(why->code, box_refusals[i]) == 0)
			code = box_refusals[i];
	if (rc != VB_EINVAL && rc != VB_EREFUSED)
		snprintf(k->res.scan_why, sizeof(k->res.scan_why), "common.storage_error");
	else
		snprintf(k->res.scan_why, sizeof(k->res.scan_why), "vcard.why.%s", code);
}

void kiosk_vcard_open(struct kiosk *k, const struct store_visit *v)
{
	struct station_case c = {0};
	kiosk_forget(k);
	k->res.visit = *v;
	kiosk_go(k, &kiosk_vcard);
	int rc = station_case_open(k->st, k->cat, v->person_id, k->today, &c);
	if (rc == VB_OK || rc == VB_EREFUSED) {
		k->res.person = c.person;
		k->res.decision = c.decision;
		k->res.due = rc == VB_OK;
	}
	station_case_cleanup(&c);
	if (rc)
		snprintf(k->res.error, sizeof(k->res.error), "%s",
			 rc == VB_EREFUSED ? "vcard.not_due" : "common.storage_error");
}

/* Opens the case again and runs the box check on k->res.code: VB_OK with
 * c open and *li, or the check's code with *why (c cleaned up). */
static int check_code(struct kiosk *k, struct station_case *c, size_t *li, struct vb_reason *why)
{
	int rc = station_case_open(k->st, k->cat, k->res.visit.person_id, k->today, c);
	if (rc == VB_EREFUSED)
		rc = VB_ESTORAGE; /* the decision changed under the card */
	if (!rc)
		rc = station_box_check(c, k->res.code, strlen(k->res.code), k->cfg.gs_substitute,
				       k->today, k->now(), li, why);
	if (rc)
		station_case_cleanup(c);
	return rc;
}

void kiosk_vcard_scan(struct kiosk *k, const char *text, size_t len)
{
	struct station_case c = {0};
	struct vb_reason why = {0};
	size_t li;
	if (!k->res.due || k->res.observe_until[0])
		return;
	k->dirty = 1;
	k->res.scan = -1;
	k->res.lot[0] = '\0';
	if (len > KIOSK_SCAN_MAX || memchr(text, '\0', len)) {
		why_key(k, VB_EINVAL, &why);
		return;
	}
	memcpy(k->res.code, text, len);
	k->res.code[len] = '\0';
	int rc = check_code(k, &c, &li, &why);
	if (rc) {
		why_key(k, rc, &why);
		return;
	}
	k->res.scan = 1;
	k->res.scan_why[0] = '\0';
	snprintf(k->res.lot, sizeof(k->res.lot), "%s", c.stock->lots[li].lot);
	station_case_cleanup(&c);
}

static int may_record(const struct kiosk *k)
{
	return k->res.due && k->res.scan == 1 && k->res.site && !k->res.observe_until[0] &&
	       (!k->res.decision.needs_assessment || k->res.assessed);
}

static void record(struct kiosk *k)
{
	struct station_case c = {0};
	struct vb_reason why = {0};
	struct station_dose in = {k->staff.id, k->res.site};
	struct store_dose d;
	char vial[STORE_ID_LEN + 1];
	size_t li;
	int64_t now = k->now();
	int rc = check_code(k, &c, &li, &why);
	if (rc) {
		k->res.scan = -1;
		why_key(k, rc, &why);
		return;
	}
	rc = station_vaccinate(k->st, k->cat, &c, li, &in, k->today, now, &k->res.visit, &d, vial,
			       &why);
	station_case_cleanup(&c);
	if (rc) {
		k->res.scan = -1;
		why_key(k, why.code ? VB_EREFUSED : rc, &why);
		return;
	}
	int64_t end = now + (int64_t)k->utc_offset_min * 60 + (int64_t)k->cfg.observation_min * 60;
	int64_t day_s = ((end % 86400) + 86400) % 86400;
	snprintf(k->res.observe_until, sizeof(k->res.observe_until), "%02d:%02d",
		 (int)(day_s / 3600), (int)(day_s / 60 % 60));
}

static void vcard_tap(struct kiosk *k, const char *id)
{
	if (strcmp(id, "vcard.site.left") == 0 && !k->res.observe_until[0]) {
		k->res.site = "left-deltoid";
	} else if (strcmp(id, "vcard.site.right") == 0 && !k->res.observe_until[0]) {
		k->res.site = "right-deltoid";
	} else if (strcmp(id, "vcard.assessed") == 0 && !k->res.observe_until[0]) {
		k->res.assessed = !k->res.assessed;
	} else if (strcmp(id, "vcard.record") == 0 && may_record(k)) {
		record(k);
	} else if (strcmp(id, "vcard.next") == 0) {
		kiosk_forget(k);
		kiosk_go(k, &kiosk_queue);
	} else if (strcmp(id, "vcard.observe") == 0) {
		kiosk_forget(k);
		kiosk_go(k, &kiosk_observe);
	} else if (strcmp(id, "lang") == 0 || strcmp(id, "large") == 0) {
		kiosk_common_tap(k, id);
	}
}

/* The seven checks' values, in the screen's language, into vals. */
static void check_values(struct kiosk *k, char vals[7][VAL_CAP])
{
	const struct schedule_decision *d = &k->res.decision;
	const struct catalog_product *p = catalog_find(k->cat, d->product);
	char dose[12], doses[12], key[48];
	snprintf(vals[0], VAL_CAP, "%s", k->res.person.name);
	snprintf(vals[1], VAL_CAP, "%d", vbdate_age_years(k->res.person.birth, k->today));
	snprintf(vals[2], VAL_CAP, "%s", kiosk_product_name(k));
	snprintf(vals[3], VAL_CAP, "%d.%02d ml", p ? p->dose_volume_ml100 / 100 : 0,
		 p ? p->dose_volume_ml100 % 100 : 0);
	snprintf(dose, sizeof(dose), "%d", d->dose_number);
	snprintf(doses, sizeof(doses), "%d", d->series_doses);
	const char *names[] = {"dose", "doses"}, *values[] = {dose, doses};
	kiosk_fill(vals[4], VAL_CAP, ui_str(k->ui, "vcard.dose_value"), names, values, 2);
	snprintf(key, sizeof(key), "vcard.route.%s", p ? p->route : "IM");
	snprintf(vals[5], VAL_CAP, "%s", ui_str(k->ui, key));
	snprintf(vals[6], VAL_CAP, "%s",
		 ui_str(k->ui, !k->res.site ? "vcard.site.none"
			       : strcmp(k->res.site, "left-deltoid") == 0
				   ? "vcard.site.left_deltoid"
				   : "vcard.site.right_deltoid"));
}

/* The box check's result (or what is wrong with the card) in r. */
static void scan_draw(struct kiosk *k, struct ui_rect r)
{
	char line[200];
	enum ui_colour colour = UI_C_MUTED;
	if (k->res.observe_until[0]) {
		const char *names[] = {"time"}, *values[] = {k->res.observe_until};
		kiosk_fill(line, sizeof(line), ui_str(k->ui, "vcard.recorded"), names, values, 1);
		colour = UI_C_OK;
	} else if (k->res.error[0]) {
		snprintf(line, sizeof(line), "%s", ui_str(k->ui, k->res.error));
		colour = UI_C_BAD;
	} else if (k->res.scan == 1) {
		const char *names[] = {"lot"}, *values[] = {k->res.lot};
		kiosk_fill(line, sizeof(line), ui_str(k->ui, "vcard.scan_ok"), names, values, 1);
		colour = UI_C_OK;
	} else if (k->res.scan == -1) {
		snprintf(line, sizeof(line), "%s\n%s", ui_str(k->ui, "vcard.scan_refused"),
			 ui_str(k->ui, k->res.scan_why));
		colour = UI_C_BAD;
	} else {
		snprintf(line, sizeof(line), "%s", ui_str(k->ui, "vcard.scan_wait"));
	}
	ui_frame(k->ui, r, 2, colour);
	ui_text(k->ui, ui_inset(r, ui_mm(k->ui, 3, 0)), line, UI_SIZE_BODY, UI_LEFT, colour);
}

static void vcard_draw(struct kiosk *k)
{
	static const char *const labels[7] = {
	    "vcard.check.name", "vcard.check.age",   "vcard.check.vaccine", "vcard.check.spec",
	    "vcard.check.dose", "vcard.check.route", "vcard.check.site",
	};
	struct ui_rect b = kiosk_body(k), row = kiosk_action_row(k);
	int gap = ui_mm(k->ui, 5, 1), done = k->res.observe_until[0] != '\0';
	char line[160], vals[7][VAL_CAP];
	const char *names[] = {"ticket"}, *values[] = {k->res.visit.ticket};
	kiosk_fill(line, sizeof(line), ui_str(k->ui, "vcard.title"), names, values, 1);
	int y = ui_text(k->ui, b, line, UI_SIZE_TITLE, UI_LEFT, UI_C_TEXT) + gap;
	struct ui_rect area = {b.x, b.y + y, b.w, row.y - gap - b.y - y};
	struct ui_rect left = ui_col(area, 2, 0, gap), right = ui_col(area, 2, 1, gap);

	/* The seven checks, label and value. */
	check_values(k, vals);
	for (int i = 0; i < 7; i++) {
		struct ui_rect r = ui_row(left, 7, i, 0);
		ui_text(k->ui, ui_col(r, 3, 0, 0), ui_str(k->ui, labels[i]), UI_SIZE_BODY, UI_LEFT,
			UI_C_MUTED);
		struct ui_rect v = ui_col(r, 3, 1, 0);
		v.w = r.x + r.w - v.x;
		ui_text(k->ui, v, vals[i], UI_SIZE_BODY, UI_LEFT,
			i == 6 && !k->res.site ? UI_C_WARN : UI_C_TEXT);
	}

	/* The site's two buttons, the doctor's assessment, the scan. */
	struct ui_rect sites = ui_row(right, 3, 0, gap);
	const char *site_ids[] = {"vcard.site.left", "vcard.site.right"};
	const char *site_vals[] = {"left-deltoid", "right-deltoid"};
	for (int i = 0; i < 2; i++) {
		struct ui_rect r = ui_col(sites, 2, i, gap);
		int on = k->res.site && strcmp(k->res.site, site_vals[i]) == 0;
		if (done)
			ui_button_off(k->ui, site_ids[i], r, ui_str(k->ui, site_ids[i]));
		else
			ui_button(k->ui, site_ids[i], r, ui_str(k->ui, site_ids[i]),
				  on ? UI_BTN_PRIMARY : UI_BTN_SECONDARY);
	}
	struct ui_rect assess = ui_row(right, 3, 1, gap);
	if (k->res.decision.needs_assessment && !done)
		ui_button(k->ui, "vcard.assessed", assess, ui_str(k->ui, "vcard.assessed"),
			  k->res.assessed ? UI_BTN_YES : UI_BTN_SECONDARY);
	scan_draw(k, ui_row(right, 3, 2, gap));

	if (done)
		ui_button(k->ui, "vcard.observe", ui_col(row, 2, 0, gap),
			  ui_str(k->ui, "vcard.observe"), UI_BTN_SECONDARY);
	else if (may_record(k))
		ui_button(k->ui, "vcard.record", ui_col(row, 2, 0, gap),
			  ui_str(k->ui, "vcard.record"), UI_BTN_PRIMARY);
	else
		ui_button_off(k->ui, "vcard.record", ui_col(row, 2, 0, gap),
			      ui_str(k->ui, "vcard.record"));
	ui_button(k->ui, "vcard.next", ui_col(row, 2, 1, gap),
		  ui_str(k->ui, done ? "vcard.next" : "vcard.back"),
		  done ? UI_BTN_PRIMARY : UI_BTN_SECONDARY);
	kiosk_footer(k, NULL);
}

const struct kiosk_screen kiosk_vcard = {"vcard", KIOSK_IDLE_STAFF_S, NULL, vcard_tap, vcard_draw};
