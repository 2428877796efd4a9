/*
 * ctl_dose: `due`, `scan-check`, `vaccinate` and `defer` — the staff
 * station's path from "who is this" to a recorded dose.
 *
 * Each command gathers what the rules need (the person, their dose
 * history, the stock on board, the clock), asks the core, and only then
 * writes: the visit's transitions, the dose, the vial and the stock in one
 * transaction, with their outbox and audit rows.
 */
#include "ctl.h"
#include "ctl_cmds.h"
#include "ctl_stock.h"

#include "catalog.h"
#include "gs1.h"
#include "iddoc.h"
#include "person.h"
#include "schedule.h"
#include "stock.h"
#include "store.h"
#include "store_lot.h"
#include "store_person.h"
#include "store_visit.h"
#include "vbdate.h"
#include "visit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HISTORY_MAX 32

/* Everything a decision about one person today rests on. */
struct ctl_case {
	struct person person;
	struct schedule_dose history[HISTORY_MAX];
	size_t n_history;
	struct ctl_stock *stock;
	struct schedule_decision decision;
};

static void case_cleanup(struct ctl_case *k)
{
	person_wipe(&k->person);
	free(k->stock);
	k->stock = NULL;
}

/* Products with a usable lot on board today, each once, in stock order. */
static size_t available_products(const struct ctl *c, const struct ctl_stock *s, const char **out,
				 size_t cap)
{
	size_t n = 0;
	for (size_t i = 0; i < s->n_lots && n < cap; i++) {
		const struct stock_lot *l = &s->lots[i];
		if (l->recalled || l->quarantined || l->expiry < c->today ||
		    stock_doses(l, s->vials, s->n_vials) <= 0)
			continue;
		size_t k = 0;
		while (k < n && strcmp(out[k], l->product) != 0)
			k++;
		if (k == n)
			out[n++] = l->product;
	}
	return n;
}

static json_t *decision_json(const struct schedule_decision *d)
{
	char earliest[11], latest[11];
	vbdate_format(d->earliest, earliest);
	vbdate_format(d->latest, latest);
	json_t *allowed = json_array();
	for (size_t i = 0; i < d->n_allowed; i++)
		json_array_append_new(allowed, json_string(d->allowed[i]));
	return json_pack("{s:b, s:s, s:i, s:i, s:s, s:s, s:s, s:b, s:o}", "due", d->due, "product",
			 d->product, "dose_number", d->dose_number, "series_doses", d->series_doses,
			 "earliest", earliest, "latest", latest, "colour",
			 schedule_colour_name(d->colour), "needs_assessment", d->needs_assessment,
			 "allowed", allowed);
}

/* Loads the person, their history and the stock, and decides. Returns a
 * CTL_ code; CTL_REFUSED (already printed) when no dose is due today. */
static int case_open(struct ctl *c, const char *person_id, struct ctl_case *k)
{
	int rc, vb;
	if ((rc = ctl_store(c, 0)) || (rc = ctl_catalog(c)))
		return rc;
	vb = store_person_get(c->st, person_id, &k->person);
	if (vb == VB_ENOTFOUND)
		return ctl_refusef(c, "--person", "unknown_person",
				   "no registered person has this id");
	if (!vb)
		vb = store_dose_history(c->st, person_id, k->history, HISTORY_MAX, &k->n_history);
	if (vb)
		return ctl_storage(c, vb);
	if ((rc = ctl_stock_load(c, &k->stock)))
		return rc;
	const char *avail[CTL_STOCK_MAX];
	size_t n_avail = available_products(c, k->stock, avail, CTL_STOCK_MAX);
	vb = schedule_decide(c->cat, k->person.birth, k->history, k->n_history, avail, n_avail,
			     c->today, &k->decision);
	if (vb == VB_EREFUSED)
		return ctl_refuse_with(c, "--person", &k->decision.why,
				       decision_json(&k->decision));
	if (vb)
		return ctl_refusef(c, "--person", "bad_history",
				   "the dose history cannot be judged: %s", vb_strerror(vb));
	return CTL_OK;
}

/* The box check against the decision; *match is the lot's index. */
static int case_box_check(struct ctl *c, struct ctl_case *k, const char *code, const char *gs_sub,
			  size_t *match)
{
	struct gs1 box;
	struct vb_reason why = {0};
	char sub = gs_sub && *gs_sub ? gs_sub[0] : 0;
	if (gs1_parse(code, strlen(code), sub, &box, &why))
		return ctl_refuse(c, "--code", &why);
	const char *allowed[CATALOG_MAX_PRODUCTS];
	for (size_t i = 0; i < k->decision.n_allowed; i++)
		allowed[i] = k->decision.allowed[i];
	if (stock_box_check(k->stock->lots, k->stock->n_lots, k->stock->vials, k->stock->n_vials,
			    &box, c->today, c->now, allowed, k->decision.n_allowed, match, &why))
		return ctl_refuse(c, "--code", &why);
	return CTL_OK;
}

/* The seven checks (三查七对) as the staff screen shows them. */
static json_t *checks_json(const struct ctl *c, const struct ctl_case *k,
			   const struct stock_lot *lot)
{
	const struct catalog_product *p = catalog_find(c->cat, lot->product);
	char masked[48] = "", spec[80];
	iddoc_mask(&k->person.doc, masked, sizeof(masked));
	snprintf(spec, sizeof(spec), "%d.%02d ml, %d dose(s)/vial",
		 p ? p->dose_volume_ml100 / 100 : 0, p ? p->dose_volume_ml100 % 100 : 0,
		 lot->doses_per_vial);
	return json_pack(
	    "{s:s, s:s, s:i, s:s, s:s, s:s, s:i, s:i, s:s, s:s}", "name", k->person.name, "doc",
	    masked, "age", vbdate_age_years(k->person.birth, c->today), "vaccine",
	    p ? p->name.en : lot->product, "maker", p ? p->maker.en : "", "specification", spec,
	    "dose_number", k->decision.dose_number, "series_doses", k->decision.series_doses,
	    "route", p ? p->route : "", "site", p ? p->site : "");
}

int ctl_cmd_due(struct ctl *c, int argc, char **argv)
{
	struct ctl_opt opts[] = {
	    {"--person", "ID", "the person's id", 1, NULL},
	    {NULL, NULL, NULL, 0, NULL},
	};
	int rc = ctl_parse(c, argc, argv, opts,
			   "Which dose the person may have today and of which product, with\n"
			   "the colour of the overdue warning; or why not, and from which date.");
	if (rc)
		return rc;
	struct ctl_case k = {0};
	rc = case_open(c, ctl_opt(opts, "--person"), &k);
	if (!rc)
		rc = ctl_emit(c, decision_json(&k.decision), NULL);
	case_cleanup(&k);
	return rc;
}

int ctl_cmd_scan_check(struct ctl *c, int argc, char **argv)
{
	struct ctl_opt opts[] = {
	    {"--person", "ID", "the person about to be vaccinated", 1, NULL},
	    {"--code", "TEXT", "the box's GS1 code as scanned", 1, NULL},
	    {"--gs-sub", "CHAR", "the character the scanner types for GS", 0, NULL},
	    {NULL, NULL, NULL, 0, NULL},
	};
	int rc = ctl_parse(c, argc, argv, opts,
			   "The box check (一验证): the lot must be on board, not expired, not\n"
			   "recalled, not quarantined, in stock, and of a product due for this\n"
			   "person today. Writes nothing.");
	if (rc)
		return rc;
	struct ctl_case k = {0};
	size_t match;
	rc = case_open(c, ctl_opt(opts, "--person"), &k);
	if (!rc)
		rc = case_box_check(c, &k, ctl_opt(opts, "--code"), ctl_opt(opts, "--gs-sub"),
				    &match);
	if (!rc) {
		const struct stock_lot *lot = &k.stock->lots[match];
		rc = ctl_emit(
		    c,
		    json_pack("{s:o, s:o}", "lot",
			      ctl_lot_json(lot, stock_doses(lot, k.stock->vials, k.stock->n_vials)),
			      "checks", checks_json(c, &k, lot)),
		    NULL);
	}
	case_cleanup(&k);
	return rc;
}

/* Today's open visit of the person, or a new one. */
static int visit_for(struct ctl *c, const char *person_id, struct store_visit *v)
{
	int vb = store_visit_open_for_person(c->st, person_id, c->today, v);
	if (vb != VB_ENOTFOUND)
		return vb;
	memset(v, 0, sizeof(*v));
	snprintf(v->person_id, sizeof(v->person_id), "%s", person_id);
	v->day = c->today;
	return store_visit_add(c->st, v, "staff", c->now);
}

/* Moves the visit forward through `events` up to and including `last`,
 * skipping the steps it has already passed. */
static int visit_walk(struct ctl *c, struct store_visit *v, enum visit_event last,
		      const char *actor, struct vb_reason *why)
{
	static const enum visit_event path[] = {VISIT_EV_SCREEN,    VISIT_EV_CONSENT,
						VISIT_EV_QUEUE,	    VISIT_EV_CALL,
						VISIT_EV_VACCINATE, VISIT_EV_OBSERVE_START};
	for (size_t i = 0; i < sizeof(path) / sizeof(path[0]); i++) {
		enum visit_state to;
		if (visit_apply(v->state, path[i], &to, NULL) == VB_OK) {
			int vb =
			    store_visit_transition(c->st, v->id, path[i], NULL, actor, c->now, why);
			if (vb)
				return vb;
			v->state = to;
		}
		if (path[i] == last)
			break;
	}
	return VB_OK;
}

/* Saves what stock_administer changed: the lot, and the vial it used. */
static int save_administration(struct ctl *c, struct ctl_stock *s, size_t lot_i,
			       const struct stock_effect *eff, char vial_id[STORE_ID_LEN + 1])
{
	int vb = store_lot_save(c->st, &s->lots[lot_i], "staff", "lot.update", NULL, c->now);
	if (vb)
		return vb;
	const struct stock_vial *vial = &s->vials[eff->vial];
	if (eff->opened)
		vb = store_vial_add(c->st, vial, "staff", c->now, s->vial_ids[eff->vial]);
	if (!vb && (!eff->opened || vial->doses_left == 0))
		vb = store_vial_save(c->st, s->vial_ids[eff->vial], vial, vial->doses_left == 0);
	if (!vb)
		memcpy(vial_id, s->vial_ids[eff->vial], STORE_ID_LEN + 1);
	return vb;
}

/* Opened vials past their discard time become wastage before a dose. */
static int discard_expired_vials(struct ctl *c, struct ctl_stock *s)
{
	struct stock_wastage waste[CTL_STOCK_MAX];
	size_t n = 0;
	int vb = stock_discard_expired(s->vials, s->n_vials, c->now, waste, CTL_STOCK_MAX, &n);
	for (size_t i = 0; !vb && i < s->n_vials; i++)
		if (s->vials[i].doses_left == 0)
			vb = store_vial_save(c->st, s->vial_ids[i], &s->vials[i], 1);
	for (size_t i = 0; !vb && i < n; i++)
		vb = store_wastage_add(c->st, &waste[i], "staff", c->now);
	return vb;
}

int ctl_cmd_vaccinate(struct ctl *c, int argc, char **argv)
{
	struct ctl_opt opts[] = {
	    {"--person", "ID", "the person being vaccinated", 1, NULL},
	    {"--code", "TEXT", "the box's GS1 code as scanned", 1, NULL},
	    {"--staff", "ID", "the vaccinator", 1, NULL},
	    {"--body-site", "SITE", "left-deltoid or right-deltoid", 1, NULL},
	    {"--assessed", NULL, "a doctor assessed a person the catalog asks to assess", 0, NULL},
	    {"--gs-sub", "CHAR", "the character the scanner types for GS", 0, NULL},
	    {NULL, NULL, NULL, 0, NULL},
	};
	int rc = ctl_parse(c, argc, argv, opts,
			   "Records a dose after the schedule and the box check pass: the visit\n"
			   "goes to observing (30 min), the vial and the stock are updated, and\n"
			   "the dose is queued for the platform. Refusals write nothing.");
	if (rc)
		return rc;
	const char *body_site = ctl_opt(opts, "--body-site"), *staff = ctl_opt(opts, "--staff");
	if (strcmp(body_site, "left-deltoid") != 0 && strcmp(body_site, "right-deltoid") != 0)
		return ctl_refusef(c, "--body-site", "bad_site",
				   "want left-deltoid or right-deltoid");
	if (strlen(staff) >= sizeof(((struct store_dose *)0)->staff))
		return ctl_refusef(c, "--staff", "bad_staff", "the staff id is too long");
	struct ctl_case k = {0};
	size_t li;
	rc = case_open(c, ctl_opt(opts, "--person"), &k);
	if (!rc)
		rc = case_box_check(c, &k, ctl_opt(opts, "--code"), ctl_opt(opts, "--gs-sub"), &li);
	if (!rc && k.decision.needs_assessment && !ctl_opt(opts, "--assessed"))
		rc = ctl_refusef(c, "--assessed", "needs_assessment",
				 "at this age the dose needs a doctor's assessment first; record "
				 "it with --assessed");
	if (rc)
		goto out;

	struct ctl_stock *s = k.stock;
	struct stock_lot *lot = &s->lots[li];
	const struct catalog_product *prod = catalog_find(c->cat, lot->product);
	struct store_visit v;
	struct store_dose d = {0};
	struct stock_effect eff;
	struct vb_reason why = {0};
	int vb = store_begin(c->st);
	if (!vb)
		vb = discard_expired_vials(c, s);
	if (!vb)
		vb = visit_for(c, k.person.id, &v);
	if (!vb)
		vb = visit_walk(c, &v, VISIT_EV_VACCINATE, staff, &why);
	if (!vb && stock_administer(lot, s->vials, &s->n_vials, CTL_STOCK_MAX, c->now,
				    prod ? prod->discard_hours : 0, &eff, &why))
		vb = VB_EREFUSED;
	char vial_id[STORE_ID_LEN + 1] = "";
	if (!vb)
		vb = save_administration(c, s, li, &eff, vial_id);
	if (!vb) {
		snprintf(d.visit_id, sizeof(d.visit_id), "%s", v.id);
		snprintf(d.person_id, sizeof(d.person_id), "%s", k.person.id);
		snprintf(d.product, sizeof(d.product), "%s", lot->product);
		snprintf(d.lot, sizeof(d.lot), "%s", lot->lot);
		snprintf(d.route, sizeof(d.route), "%s", prod ? prod->route : "IM");
		snprintf(d.body_site, sizeof(d.body_site), "%s", body_site);
		snprintf(d.staff, sizeof(d.staff), "%s", staff);
		snprintf(d.source, sizeof(d.source), "bus");
		d.dose_number = k.decision.dose_number;
		d.series_doses = k.decision.series_doses;
		d.given_at = c->now;
		d.given_on = c->today;
		vb = store_dose_add(c->st, &d, staff, c->now);
	}
	if (!vb)
		vb = visit_walk(c, &v, VISIT_EV_OBSERVE_START, staff, &why);
	if (!vb)
		vb = store_commit(c->st);
	if (vb) {
		store_rollback(c->st);
		rc = why.code ? ctl_refuse(c, NULL, &why) : ctl_storage(c, vb);
		goto out;
	}
	char given_on[11];
	vbdate_format(d.given_on, given_on);
	rc = ctl_emit(c,
		      json_pack("{s:{s:s, s:s, s:s}, s:{s:s, s:s, s:s, s:i, s:i, s:s, s:s, s:s, "
				"s:s, s:s}, s:o}",
				"visit", "id", v.id, "state", visit_state_name(v.state), "ticket",
				v.ticket, "dose", "id", d.id, "product", d.product, "lot", d.lot,
				"dose_number", d.dose_number, "series_doses", d.series_doses,
				"route", d.route, "body_site", d.body_site, "given_on", given_on,
				"vial", vial_id, "staff", d.staff, "checks",
				checks_json(c, &k, lot)),
		      NULL);
out:
	case_cleanup(&k);
	return rc;
}

int ctl_cmd_defer(struct ctl *c, int argc, char **argv)
{
	struct ctl_opt opts[] = {
	    {"--person", "ID", "the person not vaccinated today", 1, NULL},
	    {"--reason", "CODE",
	     "a screening question (fever, acute_illness, ...), declined, or staff_decision", 1,
	     NULL},
	    {"--staff", "ID", "who decided", 1, NULL},
	    {NULL, NULL, NULL, 0, NULL},
	};
	int rc = ctl_parse(c, argc, argv, opts,
			   "Records that the person is not vaccinated today and why; the\n"
			   "deferral is reported to the platform.");
	if (rc)
		return rc;
	const char *reason = ctl_opt(opts, "--reason");
	int known = strcmp(reason, "declined") == 0 || strcmp(reason, "staff_decision") == 0;
	for (int q = 0; q < VISIT_Q_COUNT && !known; q++)
		known = strcmp(reason, visit_questions[q].name) == 0;
	if (!known)
		return ctl_refusef(c, "--reason", "bad_reason",
				   "want a screening question's name, declined or staff_decision");
	if ((rc = ctl_store(c, 0)))
		return rc;
	struct person p;
	int vb = store_person_get(c->st, ctl_opt(opts, "--person"), &p);
	person_wipe(&p);
	if (vb == VB_ENOTFOUND)
		return ctl_refusef(c, "--person", "unknown_person",
				   "no registered person has this id");
	struct store_visit v;
	struct vb_reason why = {0};
	if (!vb)
		vb = store_begin(c->st);
	if (!vb)
		vb = visit_for(c, ctl_opt(opts, "--person"), &v);
	if (!vb)
		vb = store_visit_transition(c->st, v.id, VISIT_EV_DEFER, reason,
					    ctl_opt(opts, "--staff"), c->now, &why);
	if (!vb)
		vb = store_commit(c->st);
	if (vb) {
		store_rollback(c->st);
		return why.code ? ctl_refuse(c, "--person", &why) : ctl_storage(c, vb);
	}
	return ctl_emit(c,
			json_pack("{s:{s:s, s:s, s:s}}", "visit", "id", v.id, "state", "deferred",
				  "reason", reason),
			NULL);
}
