/*
 * Fuzz the readers of the pull's search answers (sync_pull_read.h). The
 * first byte picks how many of three expected residents the group has
 * (0-3); the rest is one searchset Bundle (JSON, NULs inside strings
 * allowed), read as a page of Patients, then (its Patients standing for a
 * search's included ones) as a page of Immunizations, then as a page of
 * recalls. Every string produced is terminated within its buffer; a
 * Patient or dose refers to a resource of the input by its whole id; a
 * dose has a valid date near the input's, a catalog product one of the
 * input's codings names, a member of the group (or none with a record
 * id) and is unique; a recall has an id and a fitting lot, each lot once;
 * never more outputs and skips than entries; the next link is the url of
 * the first "next" relation.
 */
#include <jansson.h>
#include <string.h>

#include "catalog.h"
#include "fhir_map.h"
#include "fuzz.h"
#include "sync_pull_read.h"
#include "vbdate.h"
#include "test_catalog.h"

static const struct {
	const char *id, *cvx, *atc;
} rows[] = {
    {"bbibp-corv", "510", "J07BN03"},
    {"wibp-corv", "", "J07BN03"},
    {"ad5-ncov", "506", "J07BN02"},
};

static const char *const numbers[] = {"110101197001010011", "110101197502020022",
				      "110101198003030033"};

static struct fhir_systems sys;
static struct catalog *cat;
static struct store_expected group[3];

static void setup(void)
{
	CHECK(fhir_systems_init(&sys, "https://vaxbus.invalid/fhir/") == 0);
	cat = catalog_new(3);
	CHECK(cat != NULL);
	strcpy(cat->id, "fuzz-cat");
	cat->version = 1;
	for (size_t i = 0; i < 3; i++) {
		test_catalog_product(&cat->products[i], rows[i].id, rows[i].cvx, rows[i].atc);
	}
	struct vb_reason why = {0};
	CHECK(catalog_check(cat, &why) == 0);
	for (size_t k = 0; k < 3; k++) {
		group[k].doc_type = IDDOC_CN_RESIDENT;
		strcpy(group[k].doc_number, numbers[k]);
	}
}

static int whole_equal(const json_t *v, const char *s)
{
	return json_is_string(v) && json_string_length(v) == strlen(s) &&
	       memcmp(json_string_value(v), s, strlen(s)) == 0;
}

/*
 * ref is "Type/<id>" of a resource of the bundle (whole id) for which
 * fits(res, arg) holds (an id may come more than once).
 */
static void referred(const json_t *bundle, const char *type, const char *ref, size_t cap,
		     int (*fits)(const json_t *res, const void *arg), const void *arg)
{
	size_t t = strlen(type), i;
	json_t *ent;
	CHECK(memchr(ref, '\0', cap) != NULL);
	CHECK(strncmp(ref, type, t) == 0 && ref[t] == '/' && fhir_id_ok(ref + t + 1));
	json_array_foreach(json_object_get(bundle, "entry"), i, ent)
	{
		const json_t *res = json_object_get(ent, "resource");
		if (whole_equal(json_object_get(res, "resourceType"), type) &&
		    whole_equal(json_object_get(res, "id"), ref + t + 1) &&
		    (!fits || fits(res, arg)))
			return;
	}
	CHECK(!"no such resource");
}

static int inactive(const json_t *res, const void *arg)
{
	(void)arg;
	return whole_equal(json_object_get(res, "status"), "inactive");
}

static void check_page(const json_t *bundle, const struct sync_pull_page *p, size_t outputs)
{
	size_t entries = json_array_size(json_object_get(bundle, "entry"));
	CHECK(outputs + p->n_skip <= entries);
	for (size_t k = 0; k < p->n_skip; k++) {
		CHECK(p->skip[k].entry < entries && p->skip[k].why.code && p->skip[k].why.code[0]);
		CHECK(TERMINATED(p->skip[k].why.text));
		CHECK(k == 0 || p->skip[k].entry > p->skip[k - 1].entry);
	}
	const json_t *first = NULL;
	size_t i;
	json_t *l;
	json_array_foreach(json_object_get(bundle, "link"), i, l)
	{
		if (whole_equal(json_object_get(l, "relation"), "next")) {
			first = json_object_get(l, "url");
			break;
		}
	}
	if (p->next)
		CHECK(first && json_string_value(first) == p->next && whole_equal(first, p->next) &&
		      p->next[0]);
	else
		CHECK(!first || !json_is_string(first) || !json_string_length(first) ||
		      strlen(json_string_value(first)) != json_string_length(first));
}

static void check_instant(const char *s, size_t cap)
{
	CHECK(memchr(s, '\0', cap) != NULL);
	CHECK(!s[0] || (strlen(s) >= 19 && s[4] == '-' && s[10] == 'T' && s[16] == ':'));
}

/* The product is named by one of imm's vaccineCode codings. */
static int named(const json_t *imm, const struct catalog_product *p)
{
	size_t i;
	json_t *c;
	json_array_foreach(json_object_get(json_object_get(imm, "vaccineCode"), "coding"), i, c)
	{
		const json_t *code = json_object_get(c, "code");
		if (whole_equal(code, p->id) || (p->cvx[0] && whole_equal(code, p->cvx)) ||
		    (p->atc[0] && whole_equal(code, p->atc)))
			return 1;
	}
	return 0;
}

/* Immunization imm can give dose d: a coding names its product, and its
 * occurrenceDateTime states its date (a day off at most, by the zone). */
static int gives(const json_t *imm, const void *arg)
{
	const struct sync_pull_dose *d = arg;
	const struct catalog_product *p = catalog_find(cat, d->d.product);
	const char *when = json_string_value(json_object_get(imm, "occurrenceDateTime"));
	char ymd[11] = "";
	int32_t stated;
	if (!p || !named(imm, p) || !when || strlen(when) < 10)
		return 0;
	memcpy(ymd, when, 10);
	return vbdate_parse(ymd, &stated) == 0 && d->d.given_on >= stated - 1 &&
	       d->d.given_on <= stated + 1;
}

static void check_dose(const json_t *bundle, const struct sync_pull_dose *d, size_t n)
{
	CHECK(TERMINATED(d->d.product) && TERMINATED(d->d.lot) && TERMINATED(d->record_id));
	CHECK(TERMINATED(d->d.doc_number));
	CHECK(catalog_find(cat, d->d.product) != NULL);
	int32_t lo, hi;
	vbdate_from_ymd(1800, 1, 1, &lo);
	vbdate_from_ymd(9999, 12, 31, &hi);
	CHECK(d->d.given_on != VBDATE_NONE && d->d.given_on >= lo - 1 && d->d.given_on <= hi + 1);
	referred(bundle, "Immunization", d->d.server_id, sizeof(d->d.server_id), gives, d);
	CHECK(d->d.dose_number >= 0);
	check_instant(d->last_updated, sizeof(d->last_updated));
	if (d->member == SYNC_PULL_NO_MEMBER) {
		CHECK(d->record_id[0] && !d->d.doc_number[0]);
	} else {
		CHECK(d->member < n && strcmp(d->d.doc_number, group[d->member].doc_number) == 0);
		CHECK(d->d.doc_type == group[d->member].doc_type);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!cat)
		setup();
	if (size < 1)
		return 0;
	size_t n = data[0] % 4;
	json_t *bundle = json_loadb((const char *)data + 1, size - 1, JSON_ALLOW_NUL, NULL);
	if (!bundle)
		return 0;

	struct sync_pull_patients pat = {0};
	struct sync_pull_page page;
	CHECK(sync_pull_patients_read(&sys, group, n, bundle, &pat, &page) == 0);
	check_page(bundle, &page, pat.n);
	for (size_t k = 0; k < pat.n; k++) {
		const struct sync_pull_patient *p = &pat.v[k];
		referred(bundle, "Patient", p->ref, sizeof(p->ref), NULL, NULL);
		CHECK(p->member < n && sync_pull_patients_find(&pat, p->ref) == p->member);
		for (size_t j = 0; j < k; j++)
			CHECK(strcmp(pat.v[j].ref, p->ref) != 0);
	}
	free(page.skip);

	struct sync_pull_doses doses;
	CHECK(sync_pull_doses_read(&sys, cat, group, n, &pat, bundle, &doses) == 0);
	check_page(bundle, &doses.page, doses.n);
	json_t *seen = json_object();
	CHECK(seen != NULL);
	for (size_t k = 0; k < doses.n; k++) {
		check_dose(bundle, &doses.v[k], n);
		CHECK(json_object_get(seen, doses.v[k].d.server_id) == NULL);
		json_object_set_new(seen, doses.v[k].d.server_id, json_true());
	}
	json_decref(seen);
	sync_pull_doses_free(&doses);
	sync_pull_patients_free(&pat);

	struct sync_pull_recalls rec;
	CHECK(sync_pull_recalls_read(bundle, &rec) == 0);
	check_page(bundle, &rec.page, rec.n);
	check_instant(rec.newest, sizeof(rec.newest));
	for (size_t k = 0; k < rec.n; k++) {
		CHECK(TERMINATED(rec.v[k].medication));
		if (rec.v[k].medication[0])
			referred(bundle, "Medication", rec.v[k].medication,
				 sizeof(rec.v[k].medication), inactive, NULL);
		CHECK(TERMINATED(rec.v[k].lot) && rec.v[k].lot[0]);
		for (size_t j = 0; j < k; j++)
			CHECK(strcmp(rec.v[j].lot, rec.v[k].lot) != 0);
	}
	sync_pull_recalls_free(&rec);
	json_decref(bundle);
	return 0;
}
