/*
 * ctl_person: `person add` (look up before create, by document type and
 * normalised number), `person find` and `purge` (store_person_purge and
 * store_print_purge).
 */
#include "config.h"
#include "ctl.h"
#include "ctl_cmds.h"

#include "iddoc.h"
#include "person.h"
#include "prereg.h"
#include "store.h"
#include "store_person.h"
#include "store_print.h"
#include "vbdate.h"

#include <stdio.h>
#include <string.h>

/* Which command-line option a person_check() refusal is about. */
static const char *field_of(const char *code)
{
	static const struct {
		const char *part, *field;
	} map[] = {
	    {"birth", "--birth"},   {"too_old", "--birth"},   {"sex", "--sex"},
	    {"name", "--name"},	    {"phone", "--phone"},     {"proxy", "--relationship"},
	    {"nation", "--nation"}, {"address", "--address"}, {"percent", "--qr"},
	};
	for (size_t i = 0; code && i < sizeof(map) / sizeof(map[0]); i++)
		if (strstr(code, map[i].part))
			return map[i].field;
	return "--id";
}

static json_t *person_json(const struct person *p, int32_t today)
{
	char masked[48] = "", birth[11];
	iddoc_mask(&p->doc, masked, sizeof(masked));
	vbdate_format(p->birth, birth);
	json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:i, s:s, s:i}", "id", p->id, "doc_type",
			      iddoc_type_name(p->doc.type), "doc", masked, "name", p->name, "sex",
			      p->sex, "birth", birth, "age", vbdate_age_years(p->birth, today));
	if (p->registered_by[0])
		json_object_set_new(o, "registered_by",
				    json_pack("{s:s, s:s}", "person", p->registered_by,
					      "relationship", p->relationship));
	return o;
}

/* Fills p from the typed options; returns a CTL_ code. */
static int person_from_opts(struct ctl *c, const struct ctl_opt *opts, struct person *p)
{
	static const char *const need[] = {"--id-type", "--id", "--name", "--sex", "--birth"};
	for (size_t i = 0; i < sizeof(need) / sizeof(need[0]); i++)
		if (!ctl_opt(opts, need[i]))
			return ctl_usage(c, "%s is required (or give --qr)", need[i]);
	enum iddoc_type type;
	if (iddoc_type_from_name(ctl_opt(opts, "--id-type"), &type))
		return ctl_refusef(c, "--id-type", "bad_type",
				   "want cn-resident, hk-mo-residence, tw-residence, "
				   "hk-mo-permit, tw-permit, foreign-pr or passport");
	const char *sex = ctl_opt(opts, "--sex");
	if (strcmp(sex, "1") != 0 && strcmp(sex, "2") != 0)
		return ctl_refusef(c, "--sex", "bad_sex", "want 1 (male) or 2 (female)");
	int rc = ctl_date(c, "--birth", ctl_opt(opts, "--birth"), &p->birth);
	if (rc)
		return rc;
	p->doc.type = type;
	p->sex = sex[0] - '0';
	p->source = PERSON_SOURCE_TYPED;
	snprintf(p->doc.number, sizeof(p->doc.number), "%s", ctl_opt(opts, "--id"));
	if (strlen(ctl_opt(opts, "--id")) >= sizeof(p->doc.number))
		return ctl_refusef(c, "--id", "bad_length", "the document number is too long");
	if (strlen(ctl_opt(opts, "--name")) >= sizeof(p->name))
		return ctl_refusef(c, "--name", "name_too_long", "the name is too long");
	snprintf(p->name, sizeof(p->name), "%s", ctl_opt(opts, "--name"));
	return CTL_OK;
}

int ctl_cmd_person_add(struct ctl *c, int argc, char **argv)
{
	struct ctl_opt opts[] = {
	    {"--id-type", "TYPE",
	     "cn-resident, hk-mo-residence, tw-residence, hk-mo-permit, tw-permit, "
	     "foreign-pr or passport",
	     0, NULL},
	    {"--id", "NUMBER", "the document number", 0, NULL},
	    {"--name", "NAME", "full name as on the document (UTF-8)", 0, NULL},
	    {"--sex", "1|2", "1 male, 2 female", 0, NULL},
	    {"--birth", "YYYYMMDD", "date of birth", 0, NULL},
	    {"--phone", "N", "mobile number (optional)", 0, NULL},
	    {"--proxy-of", "ID",
	     "registered on their behalf by this already registered person (its id)", 0, NULL},
	    {"--relationship", "R",
	     "to the proxy: spouse, parent, child, sibling, grandparent, grandchild, "
	     "guardian, other",
	     0, NULL},
	    {"--qr", "TEXT", "a pre-registration QR payload instead of the fields above", 0, NULL},
	    {NULL, NULL, NULL, 0, NULL},
	};
	int rc = ctl_parse(c, argc, argv, opts,
			   "Registers a person. If a person with the same document type and\n"
			   "number is already registered, nothing is written and their id is\n"
			   "printed (\"created\": false).");
	if (rc)
		return rc;
	if ((rc = ctl_store(c, 0)))
		return rc;
	struct person p;
	person_init(&p);
	struct vb_reason why = {0};
	const char *qr = ctl_opt(opts, "--qr");
	if (qr) {
		if (prereg_parse(qr, strlen(qr), c->today, &p, &why))
			rc = ctl_refuse(c, "--qr", &why);
	} else {
		rc = person_from_opts(c, opts, &p);
	}
	if (!rc && ctl_opt(opts, "--phone"))
		snprintf(p.phone, sizeof(p.phone), "%s", ctl_opt(opts, "--phone"));
	if (!rc &&
	    strlen(ctl_opt(opts, "--phone") ? ctl_opt(opts, "--phone") : "") >= sizeof(p.phone))
		rc = ctl_refusef(c, "--phone", "bad_phone", "the phone number is too long");
	const char *proxy = ctl_opt(opts, "--proxy-of"), *rel = ctl_opt(opts, "--relationship");
	if (!rc && (proxy || rel)) {
		struct person by;
		if (!proxy || !rel)
			rc = ctl_usage(c, "--proxy-of and --relationship go together");
		else if (store_person_get(c->st, proxy, &by))
			rc = ctl_refusef(c, "--proxy-of", "unknown_person",
					 "no registered person has this id");
		else {
			snprintf(p.registered_by, sizeof(p.registered_by), "%s", by.id);
			snprintf(p.relationship, sizeof(p.relationship), "%s", rel);
		}
		person_wipe(&by);
	}
	if (!rc && person_check(&p, c->today, &why))
		rc = ctl_refuse(c, field_of(why.code), &why);
	if (rc)
		goto out;

	struct person existing;
	int vb = store_person_find_doc(c->st, p.doc.type, p.doc.number, &existing);
	if (vb == VB_OK) {
		rc = ctl_emit(c,
			      json_pack("{s:b, s:o}", "created", 0, "person",
					person_json(&existing, c->today)),
			      NULL);
		person_wipe(&existing);
		goto out;
	}
	if (vb != VB_ENOTFOUND) {
		rc = ctl_storage(c, vb);
		goto out;
	}
	vb = store_begin(c->st);
	if (!vb)
		vb = store_person_add(c->st, &p, "staff", c->now);
	if (!vb)
		vb = store_commit(c->st);
	if (vb) {
		store_rollback(c->st);
		rc = ctl_storage(c, vb);
		goto out;
	}
	rc = ctl_emit(c, json_pack("{s:b, s:o}", "created", 1, "person", person_json(&p, c->today)),
		      NULL);
out:
	person_wipe(&p);
	return rc;
}

int ctl_cmd_person_find(struct ctl *c, int argc, char **argv)
{
	struct ctl_opt opts[] = {
	    {"--id-type", "TYPE", "document type (as for person add)", 1, NULL},
	    {"--id", "NUMBER", "document number", 1, NULL},
	    {NULL, NULL, NULL, 0, NULL},
	};
	int rc = ctl_parse(c, argc, argv, opts,
			   "Finds a registered person by document. Exit 1 when there is none.");
	if (rc)
		return rc;
	if ((rc = ctl_store(c, 0)))
		return rc;
	enum iddoc_type type;
	struct iddoc doc;
	struct vb_reason why = {0};
	if (iddoc_type_from_name(ctl_opt(opts, "--id-type"), &type))
		return ctl_refusef(c, "--id-type", "bad_type", "unknown document type");
	if (iddoc_validate(type, ctl_opt(opts, "--id"), c->today, &doc, &why))
		return ctl_refuse(c, "--id", &why);
	struct person p;
	int vb = store_person_find_doc(c->st, doc.type, doc.number, &p);
	if (vb == VB_ENOTFOUND)
		return ctl_refusef(c, "--id", "not_found", "no person with this document");
	if (vb)
		return ctl_storage(c, vb);
	rc = ctl_emit(c, json_pack("{s:o}", "person", person_json(&p, c->today)), NULL);
	person_wipe(&p);
	return rc;
}

int ctl_cmd_purge(struct ctl *c, int argc, char **argv)
{
	struct ctl_opt opts[] = {
	    {"--days", "N", "days after the last visit (default: [security] retention_days, 30)", 0,
	     NULL},
	    {NULL, NULL, NULL, 0, NULL},
	};
	int rc = ctl_parse(c, argc, argv, opts,
			   "Clears the name, document number, ethnic group, address and phone\n"
			   "of the persons whose last visit is at least --days days old and\n"
			   "whose records the platform has all acknowledged. Their records,\n"
			   "the counts and the reports stay; a returning resident is found by\n"
			   "document and registered into the same record again. Printouts\n"
			   "(tickets, certificates) printed or given up --days ago go too.");
	if (rc || (rc = ctl_config(c)))
		return rc;
	long days = c->cfg->retention_days;
	if (ctl_opt(opts, "--days") && (rc = ctl_int(c, "--days", ctl_opt(opts, "--days"), 1,
						     CONFIG_RETENTION_DAYS_MAX, &days)))
		return rc;
	if ((rc = ctl_store(c, 0)))
		return rc;
	const int32_t last_seen = c->today - (int32_t)days;
	int64_t n = 0, jobs = 0;
	int vb = store_begin(c->st);
	if (!vb)
		vb = store_person_purge(c->st, last_seen, "admin", c->now, &n);
	if (!vb)
		vb = store_print_purge(c->st, c->now - (int64_t)days * 86400, "admin", c->now,
				       &jobs);
	if (!vb)
		vb = store_commit(c->st);
	if (vb) {
		store_rollback(c->st);
		return ctl_storage(c, vb);
	}
	char day[11];
	vbdate_format(last_seen, day);
	return ctl_emit(c,
			json_pack("{s:I, s:I, s:s, s:i}", "purged", (json_int_t)n, "print_jobs",
				  (json_int_t)jobs, "last_seen_by", day, "retention_days",
				  (int)days),
			NULL);
}
