/*
 * fhir_map: the records made on the bus as FHIR R4 resources (JSON).
 *
 *   person          -> Patient
 *   dose (bus)      -> Immunization, status completed
 *   visit deferred  -> Immunization, status not-done, with its reason
 *   AEFI            -> AdverseEvent, its suspect entity the Immunization
 *
 * Pure functions: the caller loads the records (store) and the catalog and
 * says how each resource refers to the ones it depends on (struct
 * fhir_ref), so the same mapping serves a transaction bundle (urn:uuid
 * references between entries) and a platform that already holds the
 * dependency (a literal "Patient/123" reference).
 *
 * Every resource carries the record id made on the bus as an identifier
 * (system fhir_systems.record), the key of idempotent conditional creates.
 * A Patient also carries its identity document (system per document type),
 * the key the platform matches residents by. No narrative text: nothing
 * personal is repeated outside the structured fields.
 *
 * FHIR allows no empty strings, arrays or objects: an optional element
 * whose value is "" is left out, and a record without what every stored
 * record has (its id, a document number, a product) gives NULL. Elements
 * are added in the specification's order and jansson keeps that order, so
 * a record dumps to the same bytes every time. doseQuantity.value is a
 * JSON real: dump with JSON_REAL_PRECISION(15) (or less) so that 0.3 mL is
 * written 0.3, not jansson's default 17 digits 0.29999999999999999.
 */
#ifndef FHIR_MAP_H
#define FHIR_MAP_H

#include <jansson.h>
#include <stddef.h>

#include "aefi.h"
#include "catalog.h"
#include "iddoc.h"
#include "person.h"
#include "stock.h"
#include "store_visit.h"

/* Buffer size of one system URI (with the NUL). */
#define FHIR_URI_CAP 160

/*
 * The identifier and code systems, made once from the configuration
 * (fhir_systems_init) so a province can put its own URIs in.
 */
struct fhir_systems {
	char doc[IDDOC_TYPE_END][FHIR_URI_CAP]; /* per document type (index iddoc_type) */
	char record[FHIR_URI_CAP];		/* ids of the records made on the bus (UUIDv7) */
	char site[FHIR_URI_CAP];		/* tour stop ids (Location identifiers) */
	char staff[FHIR_URI_CAP];		/* staff ids (Practitioner identifiers) */
	char product[FHIR_URI_CAP];		/* the catalog's product ids (a CodeSystem) */
	char aefi[FHIR_URI_CAP];		/* AEFI symptom, action codes (CodeSystem prefix) */
	char deferral[FHIR_URI_CAP];		/* deferral reason codes (a CodeSystem) */
};

/*
 * Fills *s: every system is base + a fixed suffix ("id/<document type
 * name>", "record", "site", "staff", "CodeSystem/product",
 * "CodeSystem/aefi", "CodeSystem/deferral-reason"); base is printable
 * ASCII without spaces and ends with '/' or ':' (e.g.
 * "https://vaxbus.invalid/fhir/"). Returns VB_OK, or VB_EINVAL (base NULL,
 * empty, with a space or control character, without that ending, or too
 * long: every URI must fit FHIR_URI_CAP) with *s untouched.
 */
int fhir_systems_init(struct fhir_systems *s, const char *base);

/*
 * Replaces the system of one document type (a URI of printable ASCII
 * without spaces). VB_OK, or VB_EINVAL (unknown type, empty or too long
 * a URI) with *s untouched.
 */
int fhir_systems_set_doc(struct fhir_systems *s, enum iddoc_type type, const char *uri);

/*
 * The identifier system of a person's document: the type's system, and
 * for a passport with a known issuing state that system + "/" + the state
 * ("…/passport/CHN"), as passport numbers are unique per state only.
 * Writes out (cap bytes; FHIR_URI_CAP + 4 always suffices) on VB_OK only.
 * VB_OK, VB_EINVAL (unknown type, a state that is not A-Z, no system) or
 * VB_ERANGE.
 */
int fhir_doc_system(const struct fhir_systems *s, const struct iddoc *doc, char *out, size_t cap);

/*
 * How a resource refers to another one: `reference` is "urn:uuid:<id>"
 * (an entry of the same transaction) or "Patient/<server id>" (already on
 * the platform). Borrowed strings.
 */
struct fhir_ref {
	const char *reference;
};

/*
 * Patient for person *p. proxy is the person who registered p: required
 * (proxy->id equal to p->registered_by) when p->registered_by is set,
 * ignored otherwise. Patient.contact then holds the proxy's role to p
 * (v3-RoleCode, the inverse of p->relationship, which says what p is to
 * the proxy: "child" gives PRN; "guardian" gives WARD; "other" is v2-0131
 * O), name and phone. No Patient.link: in R4 a link (even "seealso") says
 * the other Patient is the same person, which a proxy is not.
 *   identifier: [0] the document {use official, type (v2-0203: NI for
 *               cn-resident and the residence permits, PRC for
 *               foreign-pr, PPN for a passport and the travel permits),
 *               system fhir_doc_system, value number},
 *               [1] {system record, value p->id}
 *   name [{text}], telecom [{phone, mobile}] if any, gender male/female,
 *   birthDate, address [{text}] if any, contact.
 * Returns a new reference (caller json_decref()s it) or NULL (out of
 * memory, or a field the store would never hold: unknown type, sex or
 * relationship, an empty id or number, a birth date outside 1800..9999,
 * text that is not UTF-8, the wrong or a missing proxy).
 */
json_t *fhir_patient(const struct fhir_systems *s, const struct person *p,
		     const struct person *proxy);

/*
 * Immunization (completed) for bus dose *d of the patient `patient`:
 * identifier {record, d->id}; vaccineCode codings (the catalog product's
 * id in system product, CVX, ATC when the catalog has them; text the
 * English name); occurrenceDateTime from d->given_at (UTC, "Z");
 * primarySource true; lotNumber; expirationDate from lot->expiry (lot may
 * be NULL or its expiry VBDATE_NONE: left out); manufacturer {display:
 * the maker}; location {identifier site, d->site_id}; site (v3-ActSite
 * LD/RD for left-deltoid/right-deltoid, as the app writes them, or
 * deltoid-left/-right; else text); route (v3-RouteOfAdministration: IM,
 * SC -> SQ, ID -> IDINJ, PO, IN -> NASINHLC as R4's immunization-route
 * value set has it; else text); doseQuantity in mL (UCUM) from the
 * product's volume; performer [{function AP, actor {identifier staff,
 * d->staff}}]; protocolApplied [{doseNumberPositiveInt,
 * seriesDosesPositiveInt}] when dose_number > 0. Each is left out when its
 * field is "" (or 0). product may be NULL when the catalog lacks
 * d->product (then only the product coding, no volume, maker); otherwise
 * its id must be d->product. Returns a new reference or NULL (out of
 * memory, a malformed date, an empty id or product, the wrong product).
 */
json_t *fhir_immunization(const struct fhir_systems *s, const struct store_dose *d,
			  const struct catalog_product *product, const struct stock_lot *lot,
			  const struct fhir_ref *patient);

/*
 * Immunization (not-done) for deferred visit *v: identifier {record,
 * v->id}; statusReason codings v3-ActReason (PATOBJ for "declined", else
 * MEDPREC) and {deferral, v->deferral}; vaccineCode CVX 213 (SARS-CoV-2
 * vaccine, unspecified); occurrenceDateTime v->updated_at; primarySource
 * true; location {identifier site, v->site_id}. NULL as above (also for
 * an empty deferral code).
 */
json_t *fhir_deferral(const struct fhir_systems *s, const struct store_visit *v,
		      const struct fhir_ref *patient);

/*
 * AdverseEvent for *a: meta.tag {record, a->id} (AdverseEvent has no
 * identifier search parameter in R4, so the tag is what a conditional
 * create finds it by); identifier {record, a->id}; actuality actual; event
 * {codings {aefi + "-symptom", name} per symptom, text the English names,
 * the "other" text included}; subject patient; date = onset; seriousness
 * Serious / Non-serious (the R4 codes are capitalised); severity
 * mild/moderate/severe (serious -> severe); suspectEntity [{instance
 * immunization}]; location {identifier site, site_id} unless site_id is
 * NULL or ""; the action taken and its note as extensions (url aefi +
 * "-action": valueCode the action's name; url aefi + "-action-note":
 * valueString, when there is a note). NULL as above (also for no or
 * unknown symptoms, severity or action).
 */
json_t *fhir_adverse_event(const struct fhir_systems *s, const struct aefi *a, const char *site_id,
			   const struct fhir_ref *patient, const struct fhir_ref *immunization);

/* 1 if id is a FHIR Resource.id: 1..64 of [A-Za-z0-9-.]; else 0. */
int fhir_id_ok(const char *id);

/* A dose read back from a platform Immunization (pull of histories). */
struct fhir_dose {
	char server_id[128]; /* "Immunization/<id>" */
	char record_id[64];  /* its identifier of system record, "" if made elsewhere */
	char patient[128];   /* patient.reference as the platform gave it */
	char product[32];    /* the catalog product it maps to */
	char lot[21];	     /* "" if none or too long */
	int dose_number;     /* 0 if not given */
	int32_t given_on;    /* UTC civil date of occurrenceDateTime (vbdate day) */
};

/*
 * Reads Immunization imm (borrowed) into *out. A string member with a NUL
 * inside counts as missing (nothing is read cut short). The product is found by the
 * vaccineCode codings, in this order: system product with a catalog id,
 * then CVX, then ATC, matching exactly one catalog product. Returns VB_OK,
 * VB_ENOTFOUND with why "unknown_vaccine" (no coding maps to exactly one
 * product), or VB_EINVAL with why naming the problem ("not_immunization",
 * "not_completed" (not-done, entered-in-error), "no_id", "no_patient",
 * "bad_date"). *out is written only on VB_OK; why may be NULL.
 */
int fhir_dose_read(const struct fhir_systems *s, const struct catalog *cat, const json_t *imm,
		   struct fhir_dose *out, struct vb_reason *why);

#endif
