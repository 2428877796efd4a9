/*
 * kiosk_family: registering a family member, and confirm's rows for it
 * and for the phone number.
 *
 *   decision --"register a family member"--> family (who is it to you?)
 *     --> identify (the family member's card, code or document) --> confirm
 *
 * The person on the decision screen becomes the proxy (k->res.proxy_id),
 * kept for every family member registered after it until the return to
 * welcome. A new family member is saved with registered_by and
 * relationship (what they are to the proxy), checked by person_check, as
 * `vaxbusctl person add --proxy-of ID --relationship R` does; the FHIR
 * sync sends the proxy as Patient.contact. A family member already
 * registered is shown as registered: nothing of the record changes, as
 * with vaxbusctl.
 */
#include <stdio.h>
#include <string.h>

#include "kiosk.h"

/* The relationships offered, what the family member is to the proxy
 * (person_relationship_valid; "self" and "guardian" are not offered). */
static const char *const relationships[] = {
    "parent", "spouse", "child", "sibling", "grandparent", "grandchild", "other",
};

/* The text of "family.rel.<rel>" in the current language. */
static const char *rel_text(struct kiosk *k, const char *rel)
{
	char key[UI_ID_MAX];
	snprintf(key, sizeof(key), "family.rel.%s", rel);
	return ui_str(k->ui, key);
}

void kiosk_family_start(struct kiosk *k)
{
	if (!k->res.proxy_id[0]) {
		snprintf(k->res.proxy_id, sizeof(k->res.proxy_id), "%s", k->res.person.id);
		snprintf(k->res.proxy_name, sizeof(k->res.proxy_name), "%s", k->res.person.name);
	}
	kiosk_go(k, &kiosk_family);
}

int kiosk_family_attach(struct kiosk *k)
{
	if (!k->res.proxy_id[0])
		return VB_OK;
	struct person p = k->res.person;
	snprintf(p.registered_by, sizeof(p.registered_by), "%s", k->res.proxy_id);
	snprintf(p.relationship, sizeof(p.relationship), "%s", k->res.relationship);
	int rc = person_check(&p, k->today, NULL);
	if (!rc)
		k->res.person = p;
	person_wipe(&p);
	return rc;
}

/* The phone for confirm: the first 3 and last 4 characters of a number of
 * 8 or more, every other one '*'. */
static void phone_mask(const char *phone, char *out, size_t cap)
{
	size_t n = strlen(phone), i;
	for (i = 0; i < n && i + 1 < cap; i++)
		out[i] = n >= 8 && (i < 3 || i >= n - 4) ? phone[i] : '*';
	out[i] = '\0';
}

void kiosk_confirm_more_draw(struct kiosk *k, int y)
{
	if (k->res.found)
		return; /* nothing of a registered person changes here */
	struct ui_rect b = kiosk_body(k);
	int gap = ui_mm(k->ui, 3, 1), rh = ui_mm(k->ui, 14, 1);
	int limit = kiosk_action_row(k).y - gap; /* rows that do not fit are left out */
	if (k->res.proxy_id[0] && y + ui_mm(k->ui, 8, 1) <= limit) {
		char line[320];
		const char *names[] = {"name", "relationship"},
			   *values[] = {k->res.proxy_name, rel_text(k, k->res.relationship)};
		kiosk_fill(line, sizeof(line), ui_str(k->ui, "family.by"), names, values, 2);
		struct ui_rect r = {b.x, y, b.w, limit - y};
		y += ui_text(k->ui, r, line, UI_SIZE_BODY, UI_LEFT, UI_C_TEXT) + gap;
	}
	if (y + rh > limit)
		return;
	const char *phone = k->res.person.phone;
	char masked[sizeof(k->res.person.phone)], line[160];
	phone_mask(phone, masked, sizeof(masked));
	snprintf(line, sizeof(line), "%s  %s", ui_str(k->ui, "confirm.phone_label"),
		 phone[0] ? masked : ui_str(k->ui, "confirm.phone_none"));
	struct ui_rect row = {b.x, y, b.w, rh};
	struct ui_rect text = ui_col(row, 2, 0, gap);
	text.y += (row.h - ui_mm(k->ui, 7, 1)) / 2;
	ui_text(k->ui, text, line, UI_SIZE_BODY, UI_LEFT, UI_C_TEXT);
	ui_button(k->ui, "confirm.phone", ui_col(row, 2, 1, gap),
		  ui_str(k->ui, phone[0] ? "confirm.phone_change" : "confirm.phone_add"),
		  UI_BTN_SECONDARY);
}

/* ---- family: who is the family member to you? ---- */

static void family_enter(struct kiosk *k)
{
	k->res.relationship[0] = '\0';
}

static void family_tap(struct kiosk *k, const char *id)
{
	if (strcmp(id, "family.back") == 0) {
		kiosk_go(k, &kiosk_decision);
		return;
	}
	for (size_t i = 0; i < sizeof(relationships) / sizeof(relationships[0]); i++) {
		char want[UI_ID_MAX];
		snprintf(want, sizeof(want), "family.%s", relationships[i]);
		if (strcmp(id, want) != 0)
			continue;
		/* The proxy stays; the person shown and their decision go. */
		person_wipe(&k->res.person);
		person_init(&k->res.person);
		memset(&k->res.decision, 0, sizeof(k->res.decision));
		k->res.found = k->res.due = 0;
		snprintf(k->res.relationship, sizeof(k->res.relationship), "%s", relationships[i]);
		kiosk_go(k, &kiosk_identify);
		return;
	}
	kiosk_common_tap(k, id);
}

static void family_draw(struct kiosk *k)
{
	struct ui_rect b = kiosk_body(k);
	int gap = ui_mm(k->ui, 3, 1);
	int y = ui_text(k->ui, b, ui_str(k->ui, "family.title"), UI_SIZE_TITLE, UI_LEFT, UI_C_TEXT);
	int bottom = b.y + b.h - ui_mm(k->ui, 14, 1) - ui_mm(k->ui, 6, 0);
	struct ui_rect list = {b.x, b.y + y + gap, b.w, bottom - (b.y + y + gap)};
	size_t n = sizeof(relationships) / sizeof(relationships[0]);
	for (size_t i = 0; i < n; i++) {
		char id[UI_ID_MAX], label[160];
		snprintf(id, sizeof(id), "family.%s", relationships[i]);
		const char *names[] = {"relationship"}, *values[] = {rel_text(k, relationships[i])};
		kiosk_fill(label, sizeof(label), ui_str(k->ui, "family.my"), names, values, 1);
		struct ui_rect cell =
		    ui_col(ui_row(list, (int)(n + 1) / 2, (int)i / 2, gap), 2, (int)i % 2, gap);
		ui_button(k->ui, id, cell, label, UI_BTN_SECONDARY);
	}
	kiosk_footer(k, "family.back");
}

const struct kiosk_screen kiosk_family = {"family", KIOSK_IDLE_RESIDENT_S, family_enter, family_tap,
					  family_draw};
