/*
 * ctl_aefi: `aefi add` — an adverse event following immunization,
 * recorded against the visit whose dose it follows.
 */
#include "ctl.h"
#include "ctl_cmds.h"

#include "aefi.h"
#include "store.h"
#include "store_aefi.h"
#include "store_visit.h"
#include "visit.h"
#include "wallclock.h"

#include <stdio.h>
#include <string.h>

/* Which option an aefi_check() refusal is about. */
static const char *field_of(const char *code)
{
	if (strstr(code, "onset"))
		return "--onset";
	if (strstr(code, "symptom") || strstr(code, "other"))
		return "--symptoms";
	if (strstr(code, "severity"))
		return "--severity";
	if (strstr(code, "action") || strstr(code, "needs_"))
		return "--action";
	return "--visit";
}

int ctl_cmd_aefi_add(struct ctl *c, int argc, char **argv)
{
	struct ctl_opt opts[] = {
	    {"--visit", "ID", "the visit whose dose it follows", 1, NULL},
	    {"--onset", "TIME", "when it began, ISO 8601 (2021-06-01T09:10:00+08:00)", 1, NULL},
	    {"--symptoms", "LIST",
	     "comma-separated: fever, local_reaction, rash, urticaria, anaphylaxis, syncope, "
	     "headache, nausea, dyspnoea, seizure, other",
	     1, NULL},
	    {"--other", "TEXT", "describes the 'other' symptom", 0, NULL},
	    {"--severity", "S", "mild, moderate, severe or serious", 1, NULL},
	    {"--action", "A", "observed, treated_on_site, referred_hospital, emergency_transfer", 1,
	     NULL},
	    {"--note", "TEXT", "what was done (drugs given, hospital)", 0, NULL},
	    {"--staff", "ID", "who recorded it", 1, NULL},
	    {NULL, NULL, NULL, 0, NULL},
	};
	int rc = ctl_parse(c, argc, argv, opts,
			   "Records an adverse event following immunization (AEFI) against\n"
			   "the dose of a visit; it is reported to the platform.");
	if (rc)
		return rc;
	struct aefi a = {0};
	struct vb_reason why = {0};
	const char *other = ctl_opt(opts, "--other"), *note = ctl_opt(opts, "--note");
	if (wallclock_parse(ctl_opt(opts, "--onset"), &a.onset))
		return ctl_refusef(c, "--onset", "bad_time",
				   "want ISO 8601 with offset, e.g. 2021-06-01T09:10:00+08:00");
	if (aefi_symptoms_parse(ctl_opt(opts, "--symptoms"), &a.symptoms, &why))
		return ctl_refuse(c, "--symptoms", &why);
	if (aefi_severity_from_name(ctl_opt(opts, "--severity"), &a.severity))
		return ctl_refusef(c, "--severity", "bad_severity",
				   "want mild, moderate, severe or serious");
	if (aefi_action_from_name(ctl_opt(opts, "--action"), &a.action))
		return ctl_refusef(c, "--action", "bad_action",
				   "want observed, treated_on_site, referred_hospital or "
				   "emergency_transfer");
	if ((other && strlen(other) >= sizeof(a.other)) ||
	    (note && strlen(note) >= sizeof(a.action_note)))
		return ctl_refusef(c, other ? "--other" : "--note", "bad_text",
				   "the text is too long");
	snprintf(a.other, sizeof(a.other), "%s", other ? other : "");
	snprintf(a.action_note, sizeof(a.action_note), "%s", note ? note : "");
	if ((rc = ctl_store(c, 0)))
		return rc;
	struct store_visit v;
	struct store_dose d;
	int vb = store_visit_get(c->st, ctl_opt(opts, "--visit"), &v);
	if (!vb)
		vb = store_dose_by_visit(c->st, v.id, &d);
	if (vb == VB_ENOTFOUND)
		return ctl_refusef(c, "--visit", "no_dose",
				   "no visit with a recorded dose has this id");
	if (vb)
		return ctl_storage(c, vb);
	snprintf(a.visit_id, sizeof(a.visit_id), "%s", v.id);
	snprintf(a.id, sizeof(a.id), "pending"); /* the store assigns the real id */
	if (aefi_check(&a, d.given_at, c->now, &why))
		return ctl_refuse(c, field_of(why.code), &why);
	enum visit_state to;
	const char *staff = ctl_opt(opts, "--staff");
	vb = store_begin(c->st);
	if (!vb)
		vb = store_aefi_add(c->st, &a, staff, c->now);
	if (!vb && visit_apply(v.state, VISIT_EV_REPORT_AEFI, &to, NULL) == VB_OK)
		vb = store_visit_transition(c->st, v.id, VISIT_EV_REPORT_AEFI, NULL, staff, c->now,
					    &why);
	if (!vb)
		vb = store_commit(c->st);
	if (vb) {
		store_rollback(c->st);
		return why.code ? ctl_refuse(c, "--visit", &why) : ctl_storage(c, vb);
	}
	char onset[26], symptoms[256] = "";
	wallclock_format(a.onset, c->utc_offset_min, onset);
	aefi_symptoms_format(a.symptoms, symptoms, sizeof(symptoms));
	return ctl_emit(c,
			json_pack("{s:{s:s, s:s, s:s, s:s, s:s, s:s, s:s}}", "aefi", "id", a.id,
				  "visit", a.visit_id, "dose", d.id, "onset", onset, "symptoms",
				  symptoms, "severity", aefi_severity_name(a.severity), "action",
				  aefi_action_name(a.action)),
			NULL);
}
