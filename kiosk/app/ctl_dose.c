/*
 * ctl_dose: `due`, `scan-check`, `vaccinate` and `defer` — the staff
 * station's commands. The work is station.c's; this file reads the
 * options and prints the outcome.
 */
#include "ctl.h"
#include "ctl_cmds.h"
#include "ctl_stock.h"

#include "catalog.h"
#include "config.h"
#include "iddoc.h"
#include "schedule.h"
#include "station.h"
#include "store_person.h"
#include "store.h"
#include "vbdate.h"
#include "visit.h"
#include "wallclock.h"

#include <stdio.h>
#include <string.h>

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

/* Opens the case of --person; prints the refusal when no dose is due. */
static int case_open(struct ctl *c, const char *person_id, struct station_case *k)
{
	int rc;
	if ((rc = ctl_store(c, 0)) || (rc = ctl_catalog(c)))
		return rc;
	int vb = station_case_open(c->st, c->cat, person_id, c->today, k);
	if (vb == VB_ENOTFOUND)
		return ctl_refusef(c, "--person", "unknown_person",
				   "no registered person has this id");
	if (vb == VB_EREFUSED)
		return ctl_refuse_with(c, "--person", &k->decision.why,
				       decision_json(&k->decision));
	if (vb == VB_EINVAL)
		return ctl_refusef(c, "--person", "bad_history",
				   "the dose history cannot be judged");
	return vb ? ctl_storage(c, vb) : CTL_OK;
}

static int box_check(struct ctl *c, const struct station_case *k, const struct ctl_opt *opts,
		     size_t *match)
{
	const char *code = ctl_opt(opts, "--code"), *sub = ctl_opt(opts, "--gs-sub");
	struct vb_reason why = {0};
	if (station_box_check(k, code, strlen(code), sub ? sub[0] : 0, c->today, c->now, match,
			      &why))
		return ctl_refuse(c, "--code", &why);
	return CTL_OK;
}

/* The seven checks (三查七对) as the staff screen shows them. */
static json_t *checks_json(const struct ctl *c, const struct station_case *k,
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
	struct station_case k = {0};
	rc = case_open(c, ctl_opt(opts, "--person"), &k);
	if (!rc)
		rc = ctl_emit(c, decision_json(&k.decision), NULL);
	station_case_cleanup(&k);
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
	struct station_case k = {0};
	size_t match;
	rc = case_open(c, ctl_opt(opts, "--person"), &k);
	if (!rc)
		rc = box_check(c, &k, opts, &match);
	if (!rc) {
		const struct station_stock *s = k.stock;
		const struct stock_lot *lot = &s->lots[match];
		rc = ctl_emit(c,
			      json_pack("{s:o, s:o}", "lot",
					ctl_lot_json(lot, stock_doses(lot, s->vials, s->n_vials)),
					"checks", checks_json(c, &k, lot)),
			      NULL);
	}
	station_case_cleanup(&k);
	return rc;
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
			   "goes to observing ([kiosk] observation_min, 30 by default) until\n"
			   "observe_until, the vial and the stock are updated, and the dose is\n"
			   "queued for the platform. Refusals write nothing.");
	if (rc || (rc = ctl_config(c)))
		return rc;
	struct station_dose in = {ctl_opt(opts, "--staff"), ctl_opt(opts, "--body-site")};
	if (strcmp(in.body_site, "left-deltoid") != 0 && strcmp(in.body_site, "right-deltoid") != 0)
		return ctl_refusef(c, "--body-site", "bad_site",
				   "want left-deltoid or right-deltoid");
	if (strlen(in.staff) >= sizeof(((struct store_dose *)0)->staff))
		return ctl_refusef(c, "--staff", "bad_staff", "the staff id is too long");
	struct station_case k = {0};
	size_t li;
	rc = case_open(c, ctl_opt(opts, "--person"), &k);
	if (!rc)
		rc = box_check(c, &k, opts, &li);
	if (!rc && k.decision.needs_assessment && !ctl_opt(opts, "--assessed"))
		rc = ctl_refusef(c, "--assessed", "needs_assessment",
				 "at this age the dose needs a doctor's assessment first; record "
				 "it with --assessed");
	if (rc)
		goto out;
	struct store_visit v;
	struct store_dose d;
	struct vb_reason why = {0};
	char vial[STORE_ID_LEN + 1], given_on[11], until[26];
	const struct stock_lot lot = k.stock->lots[li];
	int vb =
	    station_vaccinate(c->st, c->cat, &k, li, &in, c->today, c->now, &v, &d, vial, &why);
	if (vb) {
		rc = why.code ? ctl_refuse(c, NULL, &why) : ctl_storage(c, vb);
		goto out;
	}
	vbdate_format(d.given_on, given_on);
	wallclock_format(c->now + (int64_t)c->cfg->observation_min * 60, c->utc_offset_min, until);
	rc = ctl_emit(c,
		      json_pack("{s:{s:s, s:s, s:s, s:s}, s:{s:s, s:s, s:s, s:i, s:i, s:s, s:s, "
				"s:s, s:s, s:s}, s:o}",
				"visit", "id", v.id, "state", visit_state_name(v.state), "ticket",
				v.ticket, "observe_until", until, "dose", "id", d.id, "product",
				d.product, "lot", d.lot, "dose_number", d.dose_number,
				"series_doses", d.series_doses, "route", d.route, "body_site",
				d.body_site, "given_on", given_on, "vial", vial, "staff", d.staff,
				"checks", checks_json(c, &k, &lot)),
		      NULL);
out:
	station_case_cleanup(&k);
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
	const char *reason = ctl_opt(opts, "--reason"), *person = ctl_opt(opts, "--person");
	if (!station_defer_code_valid(reason))
		return ctl_refusef(c, "--reason", "bad_reason",
				   "want a screening question's name, declined or staff_decision");
	if ((rc = ctl_store(c, 0)))
		return rc;
	struct person p;
	int vb = store_person_get(c->st, person, &p);
	person_wipe(&p);
	if (vb == VB_ENOTFOUND)
		return ctl_refusef(c, "--person", "unknown_person",
				   "no registered person has this id");
	struct store_visit v;
	struct vb_reason why = {0};
	if (!vb)
		vb = station_defer(c->st, person, reason, ctl_opt(opts, "--staff"), c->today,
				   c->now, &v, &why);
	if (vb)
		return why.code ? ctl_refuse(c, "--person", &why) : ctl_storage(c, vb);
	return ctl_emit(c,
			json_pack("{s:{s:s, s:s, s:s, s:s}}", "visit", "id", v.id, "state",
				  visit_state_name(v.state), "ticket", v.ticket, "reason", reason),
			NULL);
}
