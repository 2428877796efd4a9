/*
 * fhir_map: the bus's records as FHIR R4 (4.0.1) resources, and a
 * platform Immunization read back (see fhir_map.h).
 *
 * Resources are built with jansson, their elements in the order the R4
 * specification lists them (jansson keeps insertion order), so one record
 * always dumps to the same bytes. FHIR forbids empty strings, arrays and
 * objects: an optional element whose value would be "" is left out, and a
 * record missing what every stored record has (its id, a document number)
 * gives no resource at all. Reads of platform JSON check the type of every
 * member used, cap every copy and walk a bounded number of array items.
 */
#include "fhir_map.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "vb_error.h"
#include "vbdate.h"

#define SYS_V2_0203	     "http://terminology.hl7.org/CodeSystem/v2-0203"
#define SYS_V2_0131	     "http://terminology.hl7.org/CodeSystem/v2-0131"
#define SYS_V2_0443	     "http://terminology.hl7.org/CodeSystem/v2-0443"
#define SYS_ROLE	     "http://terminology.hl7.org/CodeSystem/v3-RoleCode"
#define SYS_ACT_SITE	     "http://terminology.hl7.org/CodeSystem/v3-ActSite"
#define SYS_ROUTE	     "http://terminology.hl7.org/CodeSystem/v3-RouteOfAdministration"
#define SYS_ACT_REASON	     "http://terminology.hl7.org/CodeSystem/v3-ActReason"
#define SYS_SERIOUSNESS	     "http://terminology.hl7.org/CodeSystem/adverse-event-seriousness"
#define SYS_SEVERITY	     "http://terminology.hl7.org/CodeSystem/adverse-event-severity"
#define SYS_CVX		     "http://hl7.org/fhir/sid/cvx"
#define SYS_ATC		     "http://www.whocc.no/atc"
#define SYS_UCUM	     "http://unitsofmeasure.org"
#define CVX_UNSPECIFIED	     "213"
#define CVX_UNSPECIFIED_TEXT "SARS-COV-2 (COVID-19) vaccine, UNSPECIFIED FORMULATION"

#define READ_ITEMS_MAX 32 /* codings, identifiers read from one array */
#define FHIR_ID_MAX    64 /* Resource.id: [A-Za-z0-9-.]{1,64} */

/* ---- systems ---- */

/* Non-empty printable ASCII without spaces that fits FHIR_URI_CAP. */
static int uri_ok(const char *s)
{
	if (!s)
		return 0;
	size_t n = strnlen(s, FHIR_URI_CAP);
	if (n == 0 || n == FHIR_URI_CAP)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (s[i] <= ' ' || s[i] > '~')
			return 0;
	return 1;
}

/* out = a b c; 1 if it does not fit. */
static int join(char out[FHIR_URI_CAP], const char *a, const char *b, const char *c)
{
	int w = snprintf(out, FHIR_URI_CAP, "%s%s%s", a, b, c);
	return w < 0 || w >= FHIR_URI_CAP;
}

int fhir_systems_init(struct fhir_systems *s, const char *base)
{
	if (!s || !uri_ok(base))
		return VB_EINVAL;
	char last = base[strlen(base) - 1];
	if (last != '/' && last != ':')
		return VB_EINVAL;
	struct fhir_systems t;
	memset(&t, 0, sizeof t);
	int bad = 0;
	for (int type = IDDOC_TYPE_FIRST; type < IDDOC_TYPE_END; type++)
		bad |= join(t.doc[type], base, "id/", iddoc_type_name((enum iddoc_type)type));
	bad |= join(t.record, base, "record", "");
	bad |= join(t.site, base, "site", "");
	bad |= join(t.staff, base, "staff", "");
	bad |= join(t.product, base, "CodeSystem/product", "");
	bad |= join(t.aefi, base, "CodeSystem/aefi", "");
	bad |= join(t.deferral, base, "CodeSystem/deferral-reason", "");
	if (bad)
		return VB_EINVAL;
	*s = t;
	return VB_OK;
}

int fhir_systems_set_doc(struct fhir_systems *s, enum iddoc_type type, const char *uri)
{
	if (!s || !iddoc_type_name(type) || !uri_ok(uri))
		return VB_EINVAL;
	memcpy(s->doc[type], uri, strlen(uri) + 1);
	return VB_OK;
}

int fhir_doc_system(const struct fhir_systems *s, const struct iddoc *doc, char *out, size_t cap)
{
	if (!s || !doc || !out || !iddoc_type_name(doc->type))
		return VB_EINVAL;
	const char *sys = s->doc[doc->type];
	size_t sn = strnlen(sys, FHIR_URI_CAP);
	size_t cn = strnlen(doc->country, sizeof doc->country);
	if (sn == 0 || sn == FHIR_URI_CAP || cn == sizeof doc->country)
		return VB_EINVAL;
	if (doc->type != IDDOC_PASSPORT)
		cn = 0;
	for (size_t i = 0; i < cn; i++)
		if (doc->country[i] < 'A' || doc->country[i] > 'Z')
			return VB_EINVAL;
	size_t need = sn + (cn ? 1 + cn : 0) + 1;
	if (need > cap)
		return VB_ERANGE;
	memcpy(out, sys, sn);
	if (cn) {
		out[sn] = '/';
		memcpy(out + sn + 1, doc->country, cn);
	}
	out[need - 1] = '\0';
	return VB_OK;
}

/* ---- building blocks ---- */

/* 1 if the char array field holds a NUL. */
#define TERMINATED(f) (strnlen((f), sizeof(f)) < sizeof(f))

/* Sets o[key] = v (v stolen); a NULL v or a failed set marks the build bad. */
static void put(json_t *o, const char *key, json_t *v, int *bad)
{
	if (!v || json_object_set_new(o, key, v))
		*bad = 1;
}

/* Returns o, or NULL (o released) when the build went bad. */
static json_t *finish(json_t *o, int bad)
{
	if (bad) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* The reference of r, or NULL when there is none. */
static const char *ref_of(const struct fhir_ref *r)
{
	return r && r->reference && r->reference[0] ? r->reference : NULL;
}

static json_t *coding(const char *system, const char *code, const char *display)
{
	return json_pack("{s:s, s:s, s:s*}", "system", system, "code", code, "display", display);
}

/* A CodeableConcept of one coding. */
static json_t *concept(const char *system, const char *code, const char *display)
{
	return json_pack("{s:[o]}", "coding", coding(system, code, display));
}

static json_t *identifier(const char *system, const char *value)
{
	return json_pack("{s:s, s:s}", "system", system, "value", value);
}

/* A Reference by identifier (a logical reference). */
static json_t *ref_identifier(const char *system, const char *value)
{
	return json_pack("{s:o}", "identifier", identifier(system, value));
}

static json_t *mobile(const char *phone)
{
	return json_pack("[{s:s, s:s, s:s}]", "system", "phone", "value", phone, "use", "mobile");
}

/* The day numbers vbdate accepts (years 1800..9999), 0 outside them. */
static int day_in_range(int32_t day)
{
	int32_t lo = 0, hi = 0;
	vbdate_from_ymd(1800, 1, 1, &lo);
	vbdate_from_ymd(9999, 12, 31, &hi);
	return day != VBDATE_NONE && day >= lo && day <= hi;
}

/* A FHIR date "YYYY-MM-DD"; -1 for a day outside the accepted years. */
static int fhir_date(int32_t day, char out[11])
{
	if (!day_in_range(day))
		return -1;
	vbdate_format(day, out);
	return 0;
}

/* A FHIR dateTime "YYYY-MM-DDThh:mm:ssZ" of UTC seconds; -1 out of range. */
static int fhir_datetime(int64_t secs, char out[32])
{
	int32_t lo = 0, hi = 0;
	vbdate_from_ymd(1800, 1, 1, &lo);
	vbdate_from_ymd(9999, 12, 31, &hi);
	if (secs < vbdate_to_unix(lo) || secs >= vbdate_to_unix(hi) + 86400)
		return -1;
	int32_t day = vbdate_from_unix(secs, 0);
	int sod = (int)(secs - vbdate_to_unix(day));
	char date[11];
	vbdate_format(day, date);
	snprintf(out, 32, "%sT%02d:%02d:%02dZ", date, sod / 3600, sod / 60 % 60, sod % 60);
	return 0;
}

/* ---- Patient ---- */

/* v2-0203 identifier type per document (index iddoc_type). The residence
 * permits carry a national ID number; the travel permits are the holder's
 * travel document in place of a passport; the foreign-pr card is a
 * permanent resident card. */
static const struct {
	const char *code, *display;
} doc_type_codes[IDDOC_TYPE_END] = {
    [IDDOC_CN_RESIDENT] = {"NI", "National unique individual identifier"},
    [IDDOC_HK_MO_RESIDENCE] = {"NI", "National unique individual identifier"},
    [IDDOC_TW_RESIDENCE] = {"NI", "National unique individual identifier"},
    [IDDOC_HK_MO_PERMIT] = {"PPN", "Passport number"},
    [IDDOC_TW_PERMIT] = {"PPN", "Passport number"},
    [IDDOC_FOREIGN_PR] = {"PRC", "Permanent Resident Card Number"},
    [IDDOC_PASSPORT] = {"PPN", "Passport number"},
};

/* person.relationship is what the registered person is to the proxy; a
 * contact's relationship is what the contact (the proxy) is to the
 * patient: the inverse role. "other" has no v3 role: v2-0131 "O". */
static const struct {
	const char *bus, *system, *code, *display;
} contact_roles[] = {
    {"spouse", SYS_ROLE, "SPS", "spouse"},
    {"parent", SYS_ROLE, "CHILD", "child"},
    {"child", SYS_ROLE, "PRN", "parent"},
    {"sibling", SYS_ROLE, "SIB", "sibling"},
    {"grandparent", SYS_ROLE, "GRNDCHILD", "grandchild"},
    {"grandchild", SYS_ROLE, "GRPRN", "grandparent"},
    {"guardian", SYS_ROLE, "WARD", "ward"},
    {"other", SYS_V2_0131, "O", "Other"},
};

static int person_fields_ok(const struct person *p)
{
	return TERMINATED(p->id) && TERMINATED(p->doc.number) && TERMINATED(p->name) &&
	       TERMINATED(p->address) && TERMINATED(p->phone) && TERMINATED(p->registered_by) &&
	       TERMINATED(p->relationship) && p->id[0] && p->doc.number[0] &&
	       (p->sex == 1 || p->sex == 2);
}

/* Patient.contact: the proxy's role to p, name and phone. */
static json_t *contact(const struct person *p, const struct person *proxy)
{
	size_t r = 0, n = sizeof contact_roles / sizeof contact_roles[0];
	while (r < n && strcmp(p->relationship, contact_roles[r].bus) != 0)
		r++;
	if (r == n || !TERMINATED(proxy->name) || !TERMINATED(proxy->phone) || !proxy->name[0])
		return NULL;
	int bad = 0;
	json_t *c = json_object();
	put(c, "relationship",
	    json_pack("[o]", concept(contact_roles[r].system, contact_roles[r].code,
				     contact_roles[r].display)),
	    &bad);
	put(c, "name", json_pack("{s:s}", "text", proxy->name), &bad);
	if (proxy->phone[0])
		put(c, "telecom", mobile(proxy->phone), &bad);
	c = finish(c, bad);
	return c ? json_pack("[o]", c) : NULL;
}

json_t *fhir_patient(const struct fhir_systems *s, const struct person *p,
		     const struct person *proxy)
{
	char docsys[FHIR_URI_CAP + sizeof p->doc.country], birth[11];
	if (!s || !p || !person_fields_ok(p) || fhir_date(p->birth, birth) ||
	    fhir_doc_system(s, &p->doc, docsys, sizeof docsys))
		return NULL;
	int by_proxy = p->registered_by[0] != '\0';
	if (by_proxy && (!proxy || strcmp(proxy->id, p->registered_by) != 0))
		return NULL;

	int bad = 0;
	json_t *pat = json_pack("{s:s}", "resourceType", "Patient");
	put(pat, "identifier",
	    json_pack("[{s:s, s:o, s:s, s:s}, o]", "use", "official", "type",
		      concept(SYS_V2_0203, doc_type_codes[p->doc.type].code,
			      doc_type_codes[p->doc.type].display),
		      "system", docsys, "value", p->doc.number, identifier(s->record, p->id)),
	    &bad);
	if (p->name[0])
		put(pat, "name", json_pack("[{s:s}]", "text", p->name), &bad);
	if (p->phone[0])
		put(pat, "telecom", mobile(p->phone), &bad);
	put(pat, "gender", json_string(p->sex == 1 ? "male" : "female"), &bad);
	put(pat, "birthDate", json_string(birth), &bad);
	if (p->address[0])
		put(pat, "address", json_pack("[{s:s}]", "text", p->address), &bad);
	if (by_proxy)
		put(pat, "contact", contact(p, proxy), &bad);
	return finish(pat, bad);
}

/* ---- Immunization ---- */

static const struct {
	const char *bus, *code, *display;
} routes[] = {
    {"IM", "IM", "Injection, intramuscular"},	     {"SC", "SQ", "Injection, subcutaneous"},
    {"ID", "IDINJ", "Injection, intradermal"},	     {"PO", "PO", "Swallow, oral"},
    {"IN", "NASINHLC", "Inhalation, nasal cannula"},
};

/* Body sites as the app writes them ("left-deltoid") and as the store's
 * comment spells them ("deltoid-left"). */
static const struct {
	const char *bus, *code, *display;
} sites[] = {
    {"left-deltoid", "LD", "left deltoid"},
    {"deltoid-left", "LD", "left deltoid"},
    {"right-deltoid", "RD", "right deltoid"},
    {"deltoid-right", "RD", "right deltoid"},
};

static json_t *route(const char *bus)
{
	for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++)
		if (strcmp(bus, routes[i].bus) == 0)
	return concept(SYS_ROUTE, routes[i].code, routes[i].display);
	return json_pack("{s:s}", "text", bus);
}

static json_t *body_site(const char *bus)
{
	for (size_t i = 0; i < sizeof sites / sizeof sites[0]; i++)
		if (strcmp(bus, sites[i].bus) == 0)
	return concept(SYS_ACT_SITE, sites[i].code, sites[i].display);
	return json_pack("{s:s}", "text", bus);
}

/* vaccineCode: the product coding, then CVX and ATC when the catalog has
 * them; the English name as display and text. */
static json_t *vaccine_code(const struct fhir_systems *s, const char *id,
			    const struct catalog_product *p)
{
	const char *name = p && p->name.en[0] ? p->name.en : NULL;
	int bad = 0;
	json_t *codings = json_array();
	if (json_array_append_new(codings, coding(s->product, id, name)))
		bad = 1;
	if (p && p->cvx[0] && json_array_append_new(codings, coding(SYS_CVX, p->cvx, NULL)))
		bad = 1;
	if (p && p->atc[0] && json_array_append_new(codings, coding(SYS_ATC, p->atc, NULL)))
		bad = 1;
	if (!finish(codings, bad))
		return NULL;
	return json_pack("{s:o, s:s*}", "coding", codings, "text", name);
}

static int dose_fields_ok(const struct store_dose *d)
{
	return TERMINATED(d->id) && TERMINATED(d->product) && TERMINATED(d->lot) &&
	       TERMINATED(d->route) && TERMINATED(d->body_site) && TERMINATED(d->staff) &&
	       TERMINATED(d->site_id) && d->id[0] && d->product[0];
}

static int product_fields_ok(const struct catalog_product *p)
{
	return TERMINATED(p->id) && TERMINATED(p->name.en) && TERMINATED(p->maker.en) &&
	       TERMINATED(p->cvx) && TERMINATED(p->atc);
}

json_t *fhir_immunization(const struct fhir_systems *s, const struct store_dose *d,
			  const struct catalog_product *product, const struct stock_lot *lot,
			  const struct fhir_ref *patient)
{
	char when[32], expiry[11] = "";
	const char *subject = ref_of(patient);
	if (!s || !d || !subject || !dose_fields_ok(d) || fhir_datetime(d->given_at, when))
		return NULL;
	if (product && (!product_fields_ok(product) || strcmp(product->id, d->product) != 0))
		return NULL;
	if (lot && lot->expiry != VBDATE_NONE && fhir_date(lot->expiry, expiry))
		return NULL;

	int bad = 0;
	json_t *imm = json_pack("{s:s}", "resourceType", "Immunization");
	put(imm, "identifier", json_pack("[o]", identifier(s->record, d->id)), &bad);
	put(imm, "status", json_string("completed"), &bad);
	put(imm, "vaccineCode", vaccine_code(s, d->product, product), &bad);
	put(imm, "patient", json_pack("{s:s}", "reference", subject), &bad);
	put(imm, "occurrenceDateTime", json_string(when), &bad);
	put(imm, "primarySource", json_true(), &bad);
	if (d->site_id[0])
		put(imm, "location", ref_identifier(s->site, d->site_id), &bad);
	if (product && product->maker.en[0])
		put(imm, "manufacturer", json_pack("{s:s}", "display", product->maker.en), &bad);
	if (d->lot[0])
		put(imm, "lotNumber", json_string(d->lot), &bad);
	if (expiry[0])
		put(imm, "expirationDate", json_string(expiry), &bad);
	if (d->body_site[0])
		put(imm, "site", body_site(d->body_site), &bad);
	if (d->route[0])
		put(imm, "route", route(d->route), &bad);
	if (product && product->dose_volume_ml100 > 0)
		put(imm, "doseQuantity",
		    json_pack("{s:f, s:s, s:s, s:s}", "value", product->dose_volume_ml100 / 100.0,
			      "unit", "mL", "system", SYS_UCUM, "code", "mL"),
		    &bad);
	if (d->staff[0])
		put(imm, "performer",
		    json_pack("[{s:o, s:o}]", "function",
			      concept(SYS_V2_0443, "AP", "Administering Provider"), "actor",
			      ref_identifier(s->staff, d->staff)),
		    &bad);
	if (d->dose_number > 0) {
		json_t *series = d->series_doses > 0 ? json_integer(d->series_doses) : NULL;
		put(imm, "protocolApplied",
		    json_pack("[{s:I, s:o*}]", "doseNumberPositiveInt", (json_int_t)d->dose_number,
			      "seriesDosesPositiveInt", series),
		    &bad);
	}
	return finish(imm, bad);
}

json_t *fhir_deferral(const struct fhir_systems *s, const struct store_visit *v,
		      const struct fhir_ref *patient)
{
	char when[32];
	const char *subject = ref_of(patient);
	if (!s || !v || !subject || !TERMINATED(v->id) || !TERMINATED(v->deferral) ||
	    !TERMINATED(v->site_id) || !v->id[0] || !v->deferral[0] ||
	    fhir_datetime(v->updated_at, when))
		return NULL;
	int declined = strcmp(v->deferral, "declined") == 0;

	int bad = 0;
	json_t *imm = json_pack("{s:s}", "resourceType", "Immunization");
	put(imm, "identifier", json_pack("[o]", identifier(s->record, v->id)), &bad);
	put(imm, "status", json_string("not-done"), &bad);
	put(imm, "statusReason",
	    json_pack("{s:[o, o]}", "coding",
		      coding(SYS_ACT_REASON, declined ? "PATOBJ" : "MEDPREC",
			     declined ? "patient objection" : "medical precaution"),
		      coding(s->deferral, v->deferral, NULL)),
	    &bad);
	put(imm, "vaccineCode", concept(SYS_CVX, CVX_UNSPECIFIED, CVX_UNSPECIFIED_TEXT), &bad);
	put(imm, "patient", json_pack("{s:s}", "reference", subject), &bad);
	put(imm, "occurrenceDateTime", json_string(when), &bad);
	put(imm, "primarySource", json_true(), &bad);
	if (v->site_id[0])
		put(imm, "location", ref_identifier(s->site, v->site_id), &bad);
	return finish(imm, bad);
}

/* ---- AdverseEvent ---- */

/* English names of the symptoms (index aefi_symptom). */
static const char *const symptom_text[AEFI_SYM_COUNT] = {
    [AEFI_SYM_FEVER] = "Fever",
    [AEFI_SYM_LOCAL_REACTION] = "Injection site reaction",
    [AEFI_SYM_RASH] = "Rash",
    [AEFI_SYM_URTICARIA] = "Urticaria",
    [AEFI_SYM_ANAPHYLAXIS] = "Anaphylaxis",
    [AEFI_SYM_SYNCOPE] = "Syncope",
    [AEFI_SYM_HEADACHE] = "Headache",
    [AEFI_SYM_NAUSEA] = "Nausea",
    [AEFI_SYM_DYSPNOEA] = "Dyspnoea",
    [AEFI_SYM_SEIZURE] = "Seizure",
    [AEFI_SYM_OTHER] = "Other",
};

/* event: one coding per symptom; text the names joined by ", ", the
 * "other" symptom named by its own text (at most 10 names of < 30 bytes
 * and the text: text[] always holds them). */
static json_t *aefi_event(const char *system, const struct aefi *a)
{
	char text[AEFI_SYM_COUNT * 32 + sizeof a->other] = "";
	size_t len = 0;
	int bad = 0;
	json_t *codings = json_array();
	for (int i = 0; i < AEFI_SYM_COUNT; i++) {
		if (!(a->symptoms & AEFI_BIT(i)))
			continue;
		const char *name = aefi_symptom_name((enum aefi_symptom)i);
		if (json_array_append_new(codings, coding(system, name, symptom_text[i])))
			bad = 1;
		const char *shown = i == AEFI_SYM_OTHER && a->other[0] ? a->other : symptom_text[i];
		len +=
		    (size_t)snprintf(text + len, sizeof text - len, "%s%s", len ? ", " : "", shown);
	}
	if (!finish(codings, bad))
		return NULL;
	return json_pack("{s:o, s:s}", "coding", codings, "text", text);
}

/* The action taken (valueCode) and its note (valueString), if any. */
static json_t *aefi_extensions(const char *aefi_system, const struct aefi *a)
{
	char url[FHIR_URI_CAP + 16], note_url[FHIR_URI_CAP + 16];
	snprintf(url, sizeof url, "%s-action", aefi_system);
	snprintf(note_url, sizeof note_url, "%s-action-note", aefi_system);
	json_t *note = a->action_note[0]
			   ? json_pack("{s:s, s:s}", "url", note_url, "valueString", a->action_note)
			   : NULL;
	if (a->action_note[0] && !note)
		return NULL;
	return json_pack("[{s:s, s:s}, o*]", "url", url, "valueCode", aefi_action_name(a->action),
			 note);
}

json_t *fhir_adverse_event(const struct fhir_systems *s, const struct aefi *a, const char *site_id,
			   const struct fhir_ref *patient, const struct fhir_ref *immunization)
{
	char when[32], symptom_system[FHIR_URI_CAP + 16];
	const char *subject = ref_of(patient), *suspect = ref_of(immunization);
	if (!s || !a || !subject || !suspect || !TERMINATED(a->id) || !a->id[0] ||
	    !TERMINATED(a->other) || !TERMINATED(a->action_note) || !a->symptoms ||
	    (a->symptoms & ~AEFI_SYM_ALL) || !aefi_severity_name(a->severity) ||
	    !aefi_action_name(a->action) || fhir_datetime(a->onset, when))
		return NULL;
	snprintf(symptom_system, sizeof symptom_system, "%s-symptom", s->aefi);
	int serious = a->severity == AEFI_SERIOUS;
	static const char *const severity_code[] = {"mild", "moderate", "severe", "severe"};
	static const char *const severity_display[] = {"Mild", "Moderate", "Severe", "Severe"};

	int bad = 0;
	json_t *ae = json_pack("{s:s}", "resourceType", "AdverseEvent");
	/* R4 has no identifier search parameter for AdverseEvent: the record
	 * id is also a tag, the key of its conditional create (_tag). */
	put(ae, "meta", json_pack("{s:[{s:s,s:s}]}", "tag", "system", s->record, "code", a->id),
	    &bad);
	put(ae, "extension", aefi_extensions(s->aefi, a), &bad);
	put(ae, "identifier", identifier(s->record, a->id), &bad);
	put(ae, "actuality", json_string("actual"), &bad);
	put(ae, "event", aefi_event(symptom_system, a), &bad);
	put(ae, "subject", json_pack("{s:s}", "reference", subject), &bad);
	put(ae, "date", json_string(when), &bad);
	if (site_id && site_id[0])
		put(ae, "location", ref_identifier(s->site, site_id), &bad);
	put(ae, "seriousness",
	    concept(SYS_SERIOUSNESS, serious ? "Serious" : "Non-serious",
		    serious ? "Serious" : "Non-serious"),
	    &bad);
	put(ae, "severity",
	    concept(SYS_SEVERITY, severity_code[a->severity], severity_display[a->severity]), &bad);
	put(ae, "suspectEntity", json_pack("[{s:{s:s}}]", "instance", "reference", suspect), &bad);
	return finish(ae, bad);
}

/* ---- reading a platform Immunization ---- */

static int refuse(struct vb_reason *why, int rc, const char *code, const char *text)
{
	vb_reason_set(why, code, "%s", text);
	return rc;
}

/* The string value of v when it is a string without a NUL inside (so
 * that C sees it whole), else NULL. */
static const char *whole_string(const json_t *v)
{
	const char *s = json_string_value(v);
	return s && strlen(s) == json_string_length(v) ? s : NULL;
}

static const char *str_member(const json_t *o, const char *key)
{
	return whole_string(json_object_get(o, key));
}

static int two_digits(const char *p, int *v)
{
	if (p[0] < '0' || p[0] > '9' || p[1] < '0' || p[1] > '9')
		return -1;
	*v = (p[0] - '0') * 10 + (p[1] - '0');
	return 0;
}

/*
 * The UTC civil date of a FHIR dateTime that names a day: "YYYY-MM-DD", or
 * with a time "Thh:mm:ss[.fraction](Z|+hh:mm|-hh:mm)" (FHIR requires the
 * zone with a time). Years and months alone are refused: a dose has a day.
 */
static int read_datetime(const char *s, int32_t *day)
{
	size_t n = strlen(s);
	if (n < 10 || s[4] != '-' || s[7] != '-')
		return -1;
	char ymd[11];
	memcpy(ymd, s, 10);
	ymd[10] = '\0';
	int32_t d;
	if (vbdate_parse(ymd, &d) || !day_in_range(d))
		return -1;
	if (n == 10) {
		*day = d;
		return 0;
	}
	int hh, mm, ss, oh = 0, om = 0, sign = 0;
	const char *t = s + 10;
	if (n < 19 || t[0] != 'T' || two_digits(t + 1, &hh) || t[3] != ':' ||
	    two_digits(t + 4, &mm) || t[6] != ':' || two_digits(t + 7, &ss) || hh > 23 || mm > 59 ||
	    ss > 60)
		return -1;
	const char *p = t + 9;
	if (*p == '.') {
		if (*++p < '0' || *p > '9')
			return -1;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	if (*p == 'Z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		sign = *p == '-' ? -1 : 1;
		if (two_digits(p + 1, &oh) || p[3] != ':' || two_digits(p + 4, &om) || oh > 14 ||
		    om > 59)
			return -1;
		p += 6;
	} else {
		return -1;
	}
	if (*p)
		return -1;
	int64_t secs = vbdate_to_unix(d) + hh * 3600 + mm * 60 + ss - sign * (oh * 3600 + om * 60);
	*day = vbdate_from_unix(secs, 0);
	return 0;
}

int fhir_id_ok(const char *id)
{
	size_t n = strnlen(id, FHIR_ID_MAX + 1);
	if (n == 0 || n > FHIR_ID_MAX)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = id[i];
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '.'))
			return 0;
	}
	return 1;
}

enum match_by { BY_ID, BY_CVX, BY_ATC };

/* The one catalog product whose id / CVX / ATC is code; NULL for none or
 * several. */
static const struct catalog_product *unique_product(const struct catalog *cat, enum match_by by,
						    const char *code)
{
	const struct catalog_product *hit = NULL;
	for (size_t i = 0; i < cat->n_products; i++) {
		const struct catalog_product *p = &cat->products[i];
		const char *v = by == BY_ID ? p->id : by == BY_CVX ? p->cvx : p->atc;
		if (strcmp(v, code) != 0)
			continue;
		if (hit)
			return NULL;
		hit = p;
	}
	return hit;
}

/* The product the vaccineCode codings name: by product id, then CVX, then
 * ATC, the first coding that matches exactly one product. */
static const struct catalog_product *read_product(const struct fhir_systems *s,
						  const struct catalog *cat, const json_t *imm)
{
	const json_t *codings = json_object_get(json_object_get(imm, "vaccineCode"), "coding");
	const struct {
		const char *system;
		enum match_by by;
	} passes[] = {{s->product, BY_ID}, {SYS_CVX, BY_CVX}, {SYS_ATC, BY_ATC}};
	size_t n = json_array_size(codings);
	if (n > READ_ITEMS_MAX)
		n = READ_ITEMS_MAX;
	for (size_t k = 0; k < sizeof passes / sizeof passes[0]; k++) {
		for (size_t i = 0; i < n; i++) {
			const json_t *c = json_array_get(codings, i);
			const char *sys = str_member(c, "system"), *code = str_member(c, "code");
			if (!sys || !code || !code[0] || strcmp(sys, passes[k].system) != 0)
				continue;
			const struct catalog_product *p = unique_product(cat, passes[k].by, code);
			if (p)
				return p;
		}
	}
	return NULL;
}

/* The value of the first identifier of system `record` that fits. */
static void read_record_id(const char *record, const json_t *imm, char *out, size_t cap)
{
	const json_t *ids = json_object_get(imm, "identifier");
	size_t n = json_array_size(ids);
	for (size_t i = 0; i < n && i < READ_ITEMS_MAX; i++) {
		const json_t *id = json_array_get(ids, i);
		const char *sys = str_member(id, "system");
		const char *value = str_member(id, "value");
		size_t len = value ? strlen(value) : 0;
		if (sys && strcmp(sys, record) == 0 && len > 0 && len < cap) {
			memcpy(out, value, len + 1);
			return;
		}
	}
}

int fhir_dose_read(const struct fhir_systems *s, const struct catalog *cat, const json_t *imm,
		   struct fhir_dose *out, struct vb_reason *why)
{
	if (!s || !cat || !out)
		return VB_EINVAL;
	const char *type = str_member(imm, "resourceType");
	if (!json_is_object(imm) || !type || strcmp(type, "Immunization") != 0)
		return refuse(why, VB_EINVAL, "not_immunization",
			      "the resource is not an Immunization");
	const char *status = str_member(imm, "status");
	if (!status || strcmp(status, "completed") != 0)
		return refuse(why, VB_EINVAL, "not_completed",
			      "the Immunization's status is not completed");

	struct fhir_dose d;
	memset(&d, 0, sizeof d);
	const char *id = str_member(imm, "id");
	if (!id || !fhir_id_ok(id))
		return refuse(why, VB_EINVAL, "no_id", "the Immunization has no valid id");
	snprintf(d.server_id, sizeof d.server_id, "Immunization/%s", id);
	const char *pref = str_member(json_object_get(imm, "patient"), "reference");
	size_t plen = pref ? strlen(pref) : 0;
	if (plen == 0 || plen >= sizeof d.patient)
		return refuse(why, VB_EINVAL, "no_patient",
			      "the Immunization has no patient reference that fits");
	memcpy(d.patient, pref, plen + 1);
	const char *when = str_member(imm, "occurrenceDateTime");
	if (!when || read_datetime(when, &d.given_on))
		return refuse(why, VB_EINVAL, "bad_date",
			      "occurrenceDateTime is missing or not a full date");

	read_record_id(s->record, imm, d.record_id, sizeof d.record_id);
	const char *lot = str_member(imm, "lotNumber");
	if (lot && strlen(lot) < sizeof d.lot)
		memcpy(d.lot, lot, strlen(lot) + 1);
	const json_t *num = json_object_get(
	    json_array_get(json_object_get(imm, "protocolApplied"), 0), "doseNumberPositiveInt");
	if (json_is_integer(num) && json_integer_value(num) > 0 &&
	    json_integer_value(num) <= INT_MAX)
		d.dose_number = (int)json_integer_value(num);

	const struct catalog_product *p = read_product(s, cat, imm);
	if (!p)
		return refuse(why, VB_ENOTFOUND, "unknown_vaccine",
			      "no vaccineCode coding maps to exactly one catalog product");
	snprintf(d.product, sizeof d.product, "%s", p->id);
	*out = d;
	return VB_OK;
}
