/*
 * fhir_map: the systems and their refusals, every resource built from
 * table-driven fixtures and checked element by element (a small path
 * getter, "a.b[2].c"), the mappings (documents, relationships, routes,
 * sites, deferral reasons, AEFI grades), the key order and bytes, reading
 * platform Immunizations back (each refusal, each way to the product) and
 * a round trip. Every output is walked for the empty strings, arrays and
 * objects FHIR forbids. The catalog is built in C (vb_sync has no loader).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "fhir_map.h"
#include "vb_error.h"
#include "vbdate.h"
#include "test_catalog.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

#define BASE	   "https://vaxbus.invalid/fhir/"
#define SYS_0203   "http://terminology.hl7.org/CodeSystem/v2-0203"
#define SYS_ROLE   "http://terminology.hl7.org/CodeSystem/v3-RoleCode"
#define SYS_0131   "http://terminology.hl7.org/CodeSystem/v2-0131"
#define SYS_SITE   "http://terminology.hl7.org/CodeSystem/v3-ActSite"
#define SYS_ROUTE  "http://terminology.hl7.org/CodeSystem/v3-RouteOfAdministration"
#define SYS_REASON "http://terminology.hl7.org/CodeSystem/v3-ActReason"
#define SYS_SER	   "http://terminology.hl7.org/CodeSystem/adverse-event-seriousness"
#define SYS_SEV	   "http://terminology.hl7.org/CodeSystem/adverse-event-severity"
#define SYS_CVX	   "http://hl7.org/fhir/sid/cvx"
#define SYS_ATC	   "http://www.whocc.no/atc"

#define PERSON_ID "0190a0b2-3c4d-7e5f-8a9b-0c1d2e3f4a01"
#define PROXY_ID  "0190a0b2-3c4d-7e5f-8a9b-0c1d2e3f4a02"
#define DOSE_ID	  "0190a0b2-3c4d-7e5f-8a9b-0c1d2e3f4a03"
#define VISIT_ID  "0190a0b2-3c4d-7e5f-8a9b-0c1d2e3f4a04"
#define AEFI_ID	  "0190a0b2-3c4d-7e5f-8a9b-0c1d2e3f4a05"
#define PAT_REF	  "urn:uuid:0190a0b2-3c4d-7e5f-8a9b-0c1d2e3f4a01"
#define IMM_REF	  "urn:uuid:0190a0b2-3c4d-7e5f-8a9b-0c1d2e3f4a03"

#define B(s) AEFI_BIT(AEFI_SYM_##s)

/* ---- helpers ---- */

static int32_t ymd(int y, int m, int d)
{
	int32_t day = 0;
	assert_int_equal(vbdate_from_ymd(y, m, d, &day), VB_OK);
	return day;
}

/* 2021-06-01T08:30:15Z */
static int64_t given_at(void)
{
	return vbdate_to_unix(ymd(2021, 6, 1)) + 8 * 3600 + 30 * 60 + 15;
}

static void systems(struct fhir_systems *s)
{
	assert_int_equal(fhir_systems_init(s, BASE), VB_OK);
}

/* The value at path ("a.b[2].c") under root, borrowed; NULL if absent. */
static json_t *at(json_t *root, const char *path)
{
	json_t *v = root;
	const char *p = path;
	while (v && *p) {
		if (*p == '.') {
			p++;
		} else if (*p == '[') {
			char *end = NULL;
			unsigned long i = strtoul(p + 1, &end, 10);
			assert_int_equal(*end, ']');
			v = json_array_get(v, i);
			p = end + 1;
		} else {
			size_t n = strcspn(p, ".[");
			char key[64];
			assert_true(n < sizeof key);
			memcpy(key, p, n);
			key[n] = '\0';
			v = json_object_get(v, key);
			p += n;
		}
	}
	return v;
}

/* An expectation: value is a string's text, "=<json>" the compact JSON of
 * any other value, NULL for an absent element. */
struct want {
	const char *path, *value;
};

static void check(json_t *res, const struct want *w, size_t n, const char *what)
{
	assert_non_null(res);
	for (size_t i = 0; i < n; i++) {
		json_t *v = at(res, w[i].path);
		if (!w[i].value) {
			if (v)
				fail_msg("%s: %s is present, want absent", what, w[i].path);
			continue;
		}
		if (!v)
			fail_msg("%s: %s is absent, want %s", what, w[i].path, w[i].value);
		if (w[i].value[0] == '=') {
			char *got =
			    json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT | JSON_REAL_PRECISION(15));
			int same = got && strcmp(got, w[i].value + 1) == 0;
			if (!same)
				fail_msg("%s: %s is %s, want %s", what, w[i].path, got ? got : "?",
					 w[i].value + 1);
			free(got);
		} else if (!json_is_string(v) || strcmp(json_string_value(v), w[i].value) != 0) {
			fail_msg("%s: %s is %s, want \"%s\"", what, w[i].path,
				 json_is_string(v) ? json_string_value(v) : "(not a string)",
				 w[i].value);
		}
	}
}

#define CHECK(res, wants, what) check((res), (wants), ARRAY_LEN(wants), (what))

/* 1 if v holds an empty string, array or object, or a null, anywhere. */
static int has_empty(const json_t *v)
{
	const char *key;
	json_t *item;
	size_t i;
	switch (json_typeof(v)) {
	case JSON_STRING:
		return json_string_length(v) == 0;
	case JSON_NULL:
		return 1;
	case JSON_ARRAY:
		if (json_array_size(v) == 0)
			return 1;
		json_array_foreach(v, i, item) if (has_empty(item)) return 1;
		return 0;
	case JSON_OBJECT:
		if (json_object_size(v) == 0)
			return 1;
		json_object_foreach((json_t *)v, key, item) if (has_empty(item)) return 1;
		return 0;
	default:
		return 0;
	}
}

/* Checks res has no empty element, then releases it. */
static void no_empty_and_free(json_t *res, const char *what)
{
	assert_non_null(res);
	if (has_empty(res)) {
		char *text = json_dumps(res, JSON_COMPACT);
		fail_msg("%s: an empty element in %s", what, text ? text : "?");
	}
	json_decref(res);
}

/* ---- fixtures ---- */

static const struct {
	const char *id, *name, *maker, *cvx, *atc;
	int ml100;
} catalog_rows[] = {
    {"bbibp-corv", "BBIBP-CorV", "Beijing Institute of Biological Products", "510", "J07BN03", 50},
    {"wibp-corv", "WIBP-CorV", "Wuhan Institute of Biological Products", "", "J07BN03", 50},
    {"ad5-ncov", "Convidecia", "CanSino Biologics", "506", "J07BN02", 30},
    {"zf2001", "Zifivax", "Anhui Zhifei Longcom", "513", "J07BN04", 50},
};

/* The products above (bbibp-corv and wibp-corv share an ATC code). */
static struct catalog *catalog(void)
{
	struct catalog *cat = catalog_new(ARRAY_LEN(catalog_rows));
	assert_non_null(cat);
	strcpy(cat->id, "test-cat");
	cat->version = 1;
	for (size_t i = 0; i < ARRAY_LEN(catalog_rows); i++) {
		struct catalog_product *p = &cat->products[i];
		test_catalog_product(p, catalog_rows[i].id, catalog_rows[i].cvx,
				     catalog_rows[i].atc);
		strcpy(p->name.en, catalog_rows[i].name);
		strcpy(p->maker.en, catalog_rows[i].maker);
		strcpy(p->holder.en, catalog_rows[i].maker);
		p->dose_volume_ml100 = catalog_rows[i].ml100;
	}
	struct vb_reason why = {0};
	if (catalog_check(cat, &why))
		fail_msg("test catalog refused: %s", why.text);
	return cat;
}

static void resident(struct person *p)
{
	person_init(p);
	strcpy(p->id, PERSON_ID);
	p->doc.type = IDDOC_CN_RESIDENT;
	strcpy(p->doc.number, "110101198005150029");
	strcpy(p->name, "刘梅");
	p->sex = 2;
	p->birth = ymd(1980, 5, 15);
	strcpy(p->address, "北京市东城区景山前街4号");
	strcpy(p->phone, "13800138001");
	p->source = PERSON_SOURCE_CARD;
}

static void proxy_of(struct person *proxy, struct person *p, const char *relationship)
{
	person_init(proxy);
	strcpy(proxy->id, PROXY_ID);
	proxy->doc.type = IDDOC_CN_RESIDENT;
	strcpy(proxy->doc.number, "110101195001011239");
	strcpy(proxy->name, "张建国");
	proxy->sex = 1;
	proxy->birth = ymd(1950, 1, 1);
	strcpy(proxy->phone, "13800138000");
	strcpy(p->registered_by, PROXY_ID);
	strcpy(p->relationship, relationship);
}

static void bus_dose(struct store_dose *d, const char *product)
{
	memset(d, 0, sizeof *d);
	strcpy(d->id, DOSE_ID);
	strcpy(d->visit_id, VISIT_ID);
	strcpy(d->person_id, PERSON_ID);
	strcpy(d->product, product);
	strcpy(d->lot, "202104B07");
	d->dose_number = 2;
	d->series_doses = 2;
	d->given_at = given_at();
	d->given_on = ymd(2021, 6, 1);
	strcpy(d->route, "IM");
	strcpy(d->body_site, "left-deltoid");
	strcpy(d->staff, "nurse-li");
	strcpy(d->source, "bus");
	strcpy(d->site_id, "stop-07");
}

static void lot_of(struct stock_lot *lot, const char *product, int32_t expiry)
{
	memset(lot, 0, sizeof *lot);
	strcpy(lot->product, product);
	strcpy(lot->lot, "202104B07");
	lot->expiry = expiry;
	lot->doses_per_vial = 1;
}

static void deferred_visit(struct store_visit *v, const char *code)
{
	memset(v, 0, sizeof *v);
	strcpy(v->id, VISIT_ID);
	strcpy(v->person_id, PERSON_ID);
	v->state = VISIT_DEFERRED;
	strcpy(v->ticket, "A001");
	strcpy(v->deferral, code);
	v->day = ymd(2021, 6, 1);
	strcpy(v->site_id, "stop-07");
	v->created_at = given_at() - 600;
	v->updated_at = given_at();
}

static void aefi_record(struct aefi *a)
{
	memset(a, 0, sizeof *a);
	strcpy(a->id, AEFI_ID);
	strcpy(a->visit_id, VISIT_ID);
	a->onset = given_at() + 900;
	a->symptoms = B(FEVER);
	a->severity = AEFI_MILD;
	a->action = AEFI_OBSERVED;
}

static const struct fhir_ref pat_ref = {PAT_REF}, imm_ref = {IMM_REF};

/* ---- the test helpers themselves ---- */

static void test_helpers(void **state)
{
	(void)state;
	static const char *const empty[] = {
	    "{\"a\":\"\"}", "{\"a\":[]}", "{\"a\":{}}", "{\"a\":null}", "[{\"b\":[1,{}]}]",
	};
	for (size_t i = 0; i < ARRAY_LEN(empty); i++) {
		json_t *v = json_loads(empty[i], 0, NULL);
		assert_non_null(v);
		assert_true(has_empty(v));
		json_decref(v);
	}
	json_t *v = json_loads("{\"a\":[{\"b\":\"x\"},{\"c\":[1,2.5,true]}]}", 0, NULL);
	assert_non_null(v);
	assert_false(has_empty(v));
	assert_string_equal(json_string_value(at(v, "a[0].b")), "x");
	assert_true(json_real_value(at(v, "a[1].c[1]")) == 2.5);
	assert_null(at(v, "a[2]"));
	assert_null(at(v, "a[0].c"));
	json_decref(v);
}

/* ---- systems ---- */

/* Checks every system of s made from base. */
static void check_systems(const struct fhir_systems *s, const char *base)
{
	char want[2 * FHIR_URI_CAP];
	for (int t = IDDOC_TYPE_FIRST; t < IDDOC_TYPE_END; t++) {
		snprintf(want, sizeof want, "%sid/%s", base, iddoc_type_name((enum iddoc_type)t));
		assert_string_equal(s->doc[t], want);
	}
	const struct {
		const char *got, *suffix;
	} fields[] = {
	    {s->record, "record"},	  {s->site, "site"},
	    {s->staff, "staff"},	  {s->product, "CodeSystem/product"},
	    {s->aefi, "CodeSystem/aefi"}, {s->deferral, "CodeSystem/deferral-reason"},
	};
	for (size_t f = 0; f < ARRAY_LEN(fields); f++) {
		snprintf(want, sizeof want, "%s%s", base, fields[f].suffix);
		assert_string_equal(fields[f].got, want);
	}
}

static void test_systems_init(void **state)
{
	(void)state;
	/* "CodeSystem/deferral-reason" (26 bytes) is the longest suffix:
	 * a base of FHIR_URI_CAP - 1 - 26 bytes fits, one more does not. */
	size_t max = FHIR_URI_CAP - 1 - strlen("CodeSystem/deferral-reason");
	char at_max[FHIR_URI_CAP], too_long[FHIR_URI_CAP];
	memset(at_max, 'a', sizeof at_max);
	memcpy(at_max, "urn:", 4);
	memcpy(too_long, at_max, sizeof too_long);
	at_max[max - 1] = ':';
	at_max[max] = '\0';
	too_long[max] = ':';
	too_long[max + 1] = '\0';
	const struct {
		const char *base;
		int rc;
	} cases[] = {
	    {BASE, VB_OK},
	    {"urn:vaxbus:", VB_OK},
	    {at_max, VB_OK},
	    {too_long, VB_EINVAL},
	    {NULL, VB_EINVAL},
	    {"", VB_EINVAL},
	    {"https://vaxbus.invalid/fhir", VB_EINVAL},
	    {"https://vax bus.invalid/", VB_EINVAL},
	    {"https://vaxbus.invalid/\x01/", VB_EINVAL},
	    {"https://vaxbus.invalid/\xc3\xa9/", VB_EINVAL},
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		struct fhir_systems s, before;
		memset(&s, 0x5a, sizeof s);
		before = s;
		assert_int_equal(fhir_systems_init(&s, cases[i].base), cases[i].rc);
		if (cases[i].rc)
			assert_memory_equal(&s, &before, sizeof s);
		else
			check_systems(&s, cases[i].base);
	}
	assert_int_equal(fhir_systems_init(NULL, BASE), VB_EINVAL);
}

static void test_systems_set_doc(void **state)
{
	(void)state;
	char at_max[FHIR_URI_CAP + 1], too_long[FHIR_URI_CAP + 1];
	memset(at_max, 'x', FHIR_URI_CAP - 1);
	memcpy(at_max, "urn:", 4);
	at_max[FHIR_URI_CAP - 1] = '\0';
	memset(too_long, 'x', FHIR_URI_CAP);
	memcpy(too_long, "urn:", 4);
	too_long[FHIR_URI_CAP] = '\0';
	const struct {
		int type;
		const char *uri;
		int rc;
	} cases[] = {
	    {IDDOC_PASSPORT, "urn:oid:2.16.156.10011.1.99", VB_OK},
	    {IDDOC_CN_RESIDENT, "https://ids.example.cn/resident", VB_OK},
	    {IDDOC_TW_PERMIT, at_max, VB_OK},
	    {IDDOC_TW_PERMIT, too_long, VB_EINVAL},
	    {0, "urn:x", VB_EINVAL},
	    {IDDOC_TYPE_END, "urn:x", VB_EINVAL},
	    {-1, "urn:x", VB_EINVAL},
	    {IDDOC_PASSPORT, NULL, VB_EINVAL},
	    {IDDOC_PASSPORT, "", VB_EINVAL},
	    {IDDOC_PASSPORT, "urn:a b", VB_EINVAL},
	    {IDDOC_PASSPORT, "urn:a\tb", VB_EINVAL},
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		struct fhir_systems s, before;
		systems(&s);
		before = s;
		assert_int_equal(
		    fhir_systems_set_doc(&s, (enum iddoc_type)cases[i].type, cases[i].uri),
		    cases[i].rc);
		if (cases[i].rc) {
			assert_memory_equal(&s, &before, sizeof s);
			continue;
		}
		assert_string_equal(s.doc[cases[i].type], cases[i].uri);
		for (int t = IDDOC_TYPE_FIRST; t < IDDOC_TYPE_END; t++)
			if (t != cases[i].type)
				assert_string_equal(s.doc[t], before.doc[t]);
	}
}

static void test_doc_system(void **state)
{
	(void)state;
	static const struct {
		int type;
		const char *country, *want;
		int rc;
	} cases[] = {
	    {IDDOC_CN_RESIDENT, "", BASE "id/cn-resident", VB_OK},
	    {IDDOC_HK_MO_RESIDENCE, "", BASE "id/hk-mo-residence", VB_OK},
	    {IDDOC_TW_RESIDENCE, "", BASE "id/tw-residence", VB_OK},
	    {IDDOC_HK_MO_PERMIT, "", BASE "id/hk-mo-permit", VB_OK},
	    {IDDOC_TW_PERMIT, "", BASE "id/tw-permit", VB_OK},
	    {IDDOC_FOREIGN_PR, "", BASE "id/foreign-pr", VB_OK},
	    {IDDOC_PASSPORT, "", BASE "id/passport", VB_OK},
	    {IDDOC_PASSPORT, "CHN", BASE "id/passport/CHN", VB_OK},
	    {IDDOC_PASSPORT, "D", BASE "id/passport/D", VB_OK},
	    {IDDOC_CN_RESIDENT, "CHN", BASE "id/cn-resident", VB_OK},
	    {IDDOC_PASSPORT, "C1N", NULL, VB_EINVAL},
	    {IDDOC_PASSPORT, "chn", NULL, VB_EINVAL},
	    {0, "", NULL, VB_EINVAL},
	    {IDDOC_TYPE_END, "", NULL, VB_EINVAL},
	};
	struct fhir_systems s;
	systems(&s);
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		struct iddoc doc = {.type = (enum iddoc_type)cases[i].type, .number = "E12345678"};
		strcpy(doc.country, cases[i].country);
		char out[FHIR_URI_CAP + 4] = "untouched";
		assert_int_equal(fhir_doc_system(&s, &doc, out, sizeof out), cases[i].rc);
		if (cases[i].rc) {
			assert_string_equal(out, "untouched");
			continue;
		}
		assert_string_equal(out, cases[i].want);
		/* exactly the length with its NUL fits, one byte less does not */
		size_t need = strlen(cases[i].want) + 1;
		char *tight = malloc(need);
		assert_non_null(tight);
		strcpy(tight, "u");
		assert_int_equal(fhir_doc_system(&s, &doc, tight, need - 1), VB_ERANGE);
		assert_string_equal(tight, "u");
		assert_int_equal(fhir_doc_system(&s, &doc, tight, need), VB_OK);
		assert_string_equal(tight, cases[i].want);
		free(tight);
	}
	/* a replaced system, with the passport's state after it */
	assert_int_equal(fhir_systems_set_doc(&s, IDDOC_PASSPORT, "urn:oid:1.2.3"), VB_OK);
	struct iddoc doc = {.type = IDDOC_PASSPORT, .number = "E12345678", .country = "FRA"};
	char out[FHIR_URI_CAP + 4];
	assert_int_equal(fhir_doc_system(&s, &doc, out, sizeof out), VB_OK);
	assert_string_equal(out, "urn:oid:1.2.3/FRA");
}

/* ---- Patient ---- */

static void test_patient_fields(void **state)
{
	(void)state;
	struct fhir_systems s;
	systems(&s);
	struct person p;
	resident(&p);
	static const struct want full[] = {
	    {"resourceType", "Patient"},
	    {"identifier[0].use", "official"},
	    {"identifier[0].type.coding[0].system", SYS_0203},
	    {"identifier[0].type.coding[0].code", "NI"},
	    {"identifier[0].type.coding[0].display", "National unique individual identifier"},
	    {"identifier[0].system", BASE "id/cn-resident"},
	    {"identifier[0].value", "110101198005150029"},
	    {"identifier[1].system", BASE "record"},
	    {"identifier[1].value", PERSON_ID},
	    {"identifier[1].use", NULL},
	    {"identifier[2]", NULL},
	    {"name[0].text", "刘梅"},
	    {"name[1]", NULL},
	    {"telecom[0].system", "phone"},
	    {"telecom[0].value", "13800138001"},
	    {"telecom[0].use", "mobile"},
	    {"gender", "female"},
	    {"birthDate", "1980-05-15"},
	    {"address[0].text", "北京市东城区景山前街4号"},
	    {"contact", NULL},
	    {"link", NULL},
	    {"text", NULL},
	};
	json_t *pat = fhir_patient(&s, &p, NULL);
	CHECK(pat, full, "full patient");
	no_empty_and_free(pat, "full patient");

	/* no address, no phone, male: those elements are left out */
	p.address[0] = '\0';
	p.phone[0] = '\0';
	p.sex = 1;
	static const struct want bare[] = {
	    {"telecom", NULL},
	    {"address", NULL},
	    {"gender", "male"},
	    {"name[0].text", "刘梅"},
	};
	pat = fhir_patient(&s, &p, NULL);
	CHECK(pat, bare, "no address or phone");
	no_empty_and_free(pat, "no address or phone");

	/* a proxy passed for a person who registered themselves is ignored */
	struct person self, unused;
	resident(&self);
	proxy_of(&unused, &self, "child");
	self.registered_by[0] = '\0';
	self.relationship[0] = '\0';
	pat = fhir_patient(&s, &self, &unused);
	assert_null(at(pat, "contact"));
	no_empty_and_free(pat, "self with a proxy passed");
}

static void test_patient_documents(void **state)
{
	(void)state;
	static const struct {
		int type;
		const char *number, *country, *system, *type_code;
	} cases[] = {
	    {IDDOC_CN_RESIDENT, "110101198005150029", "", BASE "id/cn-resident", "NI"},
	    {IDDOC_HK_MO_RESIDENCE, "810000199001011234", "", BASE "id/hk-mo-residence", "NI"},
	    {IDDOC_TW_RESIDENCE, "830000199001011234", "", BASE "id/tw-residence", "NI"},
	    {IDDOC_HK_MO_PERMIT, "H12345678", "", BASE "id/hk-mo-permit", "PPN"},
	    {IDDOC_TW_PERMIT, "12345678", "", BASE "id/tw-permit", "PPN"},
	    {IDDOC_FOREIGN_PR, "931586199001011234", "", BASE "id/foreign-pr", "PRC"},
	    {IDDOC_PASSPORT, "E12345678", "CHN", BASE "id/passport/CHN", "PPN"},
	    {IDDOC_PASSPORT, "E12345678", "", BASE "id/passport", "PPN"},
	};
	struct fhir_systems s;
	systems(&s);
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		struct person p;
		resident(&p);
		p.doc.type = (enum iddoc_type)cases[i].type;
		strcpy(p.doc.number, cases[i].number);
		strcpy(p.doc.country, cases[i].country);
		const struct want w[] = {
		    {"identifier[0].use", "official"},
		    {"identifier[0].type.coding[0].system", SYS_0203},
		    {"identifier[0].type.coding[0].code", cases[i].type_code},
		    {"identifier[0].system", cases[i].system},
		    {"identifier[0].value", cases[i].number},
		    {"identifier[1].value", PERSON_ID},
		};
		json_t *pat = fhir_patient(&s, &p, NULL);
		CHECK(pat, w, iddoc_type_name(p.doc.type));
		no_empty_and_free(pat, iddoc_type_name(p.doc.type));
	}
}

static void test_patient_proxy(void **state)
{
	(void)state;
	/* what the person is to the proxy -> what the proxy is to the person */
	static const struct {
		const char *relationship, *system, *code, *display;
	} cases[] = {
	    {"spouse", SYS_ROLE, "SPS", "spouse"},
	    {"parent", SYS_ROLE, "CHILD", "child"},
	    {"child", SYS_ROLE, "PRN", "parent"},
	    {"sibling", SYS_ROLE, "SIB", "sibling"},
	    {"grandparent", SYS_ROLE, "GRNDCHILD", "grandchild"},
	    {"grandchild", SYS_ROLE, "GRPRN", "grandparent"},
	    {"guardian", SYS_ROLE, "WARD", "ward"},
	    {"other", SYS_0131, "O", "Other"},
	};
	struct fhir_systems s;
	systems(&s);
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		struct person p, proxy;
		resident(&p);
		proxy_of(&proxy, &p, cases[i].relationship);
		const struct want w[] = {
		    {"contact[0].relationship[0].coding[0].system", cases[i].system},
		    {"contact[0].relationship[0].coding[0].code", cases[i].code},
		    {"contact[0].relationship[0].coding[0].display", cases[i].display},
		    {"contact[0].relationship[0].coding[1]", NULL},
		    {"contact[0].name.text", "张建国"},
		    {"contact[0].telecom[0].system", "phone"},
		    {"contact[0].telecom[0].value", "13800138000"},
		    {"contact[0].telecom[0].use", "mobile"},
		    {"contact[1]", NULL},
		    {"link", NULL},
		    {"identifier[0].value", "110101198005150029"},
		    {"telecom[0].value", "13800138001"},
		};
		json_t *pat = fhir_patient(&s, &p, &proxy);
		CHECK(pat, w, cases[i].relationship);
		no_empty_and_free(pat, cases[i].relationship);
	}
	/* a proxy without a phone: name only */
	struct person p, proxy;
	resident(&p);
	proxy_of(&proxy, &p, "child");
	proxy.phone[0] = '\0';
	static const struct want no_phone[] = {
	    {"contact[0].name.text", "张建国"},
	    {"contact[0].telecom", NULL},
	    {"contact[0].relationship[0].coding[0].code", "PRN"},
	};
	json_t *pat = fhir_patient(&s, &p, &proxy);
	CHECK(pat, no_phone, "proxy without phone");
	no_empty_and_free(pat, "proxy without phone");
}

/* Mutations the store would never hold: no Patient. */
static void m_sex0(struct person *p, struct person *x)
{
	(void)x;
	p->sex = 0;
}
static void m_sex3(struct person *p, struct person *x)
{
	(void)x;
	p->sex = 3;
}
static void m_type0(struct person *p, struct person *x)
{
	(void)x;
	p->doc.type = (enum iddoc_type)0;
}
static void m_type_end(struct person *p, struct person *x)
{
	(void)x;
	p->doc.type = (enum iddoc_type)IDDOC_TYPE_END;
}
static void m_no_id(struct person *p, struct person *x)
{
	(void)x;
	p->id[0] = '\0';
}
static void m_no_number(struct person *p, struct person *x)
{
	(void)x;
	p->doc.number[0] = '\0';
}
static void m_no_birth(struct person *p, struct person *x)
{
	(void)x;
	p->birth = VBDATE_NONE;
}
static void m_birth_year_10000(struct person *p, struct person *x)
{
	(void)x;
	p->birth = ymd(9999, 12, 31) + 1;
}
static void m_name_not_utf8(struct person *p, struct person *x)
{
	(void)x;
	strcpy(p->name, "\xff\xfe");
}
static void m_bad_country(struct person *p, struct person *x)
{
	(void)x;
	p->doc.type = IDDOC_PASSPORT;
	strcpy(p->doc.country, "c<n");
}
static void m_unterminated_name(struct person *p, struct person *x)
{
	(void)x;
	memset(p->name, 'a', sizeof p->name);
}
static void m_relationship_self(struct person *p, struct person *x)
{
	proxy_of(x, p, "self");
}
static void m_relationship_unknown(struct person *p, struct person *x)
{
	proxy_of(x, p, "cousin");
}
static void m_wrong_proxy(struct person *p, struct person *x)
{
	proxy_of(x, p, "child");
	strcpy(x->id, PERSON_ID);
}
static void m_proxy_no_name(struct person *p, struct person *x)
{
	proxy_of(x, p, "child");
	x->name[0] = '\0';
}

static void test_patient_refused(void **state)
{
	(void)state;
	static const struct {
		const char *what;
		void (*mutate)(struct person *, struct person *);
	} cases[] = {
	    {"sex 0", m_sex0},
	    {"sex 3", m_sex3},
	    {"document type 0", m_type0},
	    {"document type past the end", m_type_end},
	    {"no record id", m_no_id},
	    {"no document number", m_no_number},
	    {"no birth date", m_no_birth},
	    {"birth in year 10000", m_birth_year_10000},
	    {"name not UTF-8", m_name_not_utf8},
	    {"passport state not A-Z", m_bad_country},
	    {"name not terminated", m_unterminated_name},
	    {"relationship self", m_relationship_self},
	    {"relationship unknown", m_relationship_unknown},
	    {"proxy is someone else", m_wrong_proxy},
	    {"proxy without a name", m_proxy_no_name},
	};
	struct fhir_systems s;
	systems(&s);
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		struct person p, proxy;
		resident(&p);
		person_init(&proxy);
		cases[i].mutate(&p, &proxy);
		json_t *pat = fhir_patient(&s, &p, p.registered_by[0] ? &proxy : NULL);
		if (pat)
			fail_msg("%s: a Patient was made", cases[i].what);
	}
	/* registered by a proxy the caller did not pass */
	struct person p, proxy;
	resident(&p);
	proxy_of(&proxy, &p, "child");
	assert_null(fhir_patient(&s, &p, NULL));
	assert_null(fhir_patient(NULL, &p, &proxy));
	assert_null(fhir_patient(&s, NULL, NULL));
}

/* ---- Immunization ---- */

static void test_immunization_fields(void **state)
{
	(void)state;
	struct fhir_systems s;
	systems(&s);
	struct catalog *cat = catalog();
	struct store_dose d;
	bus_dose(&d, "bbibp-corv");
	struct stock_lot lot;
	lot_of(&lot, "bbibp-corv", ymd(2022, 4, 1));
	static const struct want w[] = {
	    {"resourceType", "Immunization"},
	    {"identifier[0].system", BASE "record"},
	    {"identifier[0].value", DOSE_ID},
	    {"identifier[1]", NULL},
	    {"status", "completed"},
	    {"statusReason", NULL},
	    {"vaccineCode.coding[0].system", BASE "CodeSystem/product"},
	    {"vaccineCode.coding[0].code", "bbibp-corv"},
	    {"vaccineCode.coding[0].display", "BBIBP-CorV"},
	    {"vaccineCode.coding[1].system", SYS_CVX},
	    {"vaccineCode.coding[1].code", "510"},
	    {"vaccineCode.coding[2].system", SYS_ATC},
	    {"vaccineCode.coding[2].code", "J07BN03"},
	    {"vaccineCode.coding[3]", NULL},
	    {"vaccineCode.text", "BBIBP-CorV"},
	    {"patient.reference", PAT_REF},
	    {"occurrenceDateTime", "2021-06-01T08:30:15Z"},
	    {"primarySource", "=true"},
	    {"location.identifier.system", BASE "site"},
	    {"location.identifier.value", "stop-07"},
	    {"manufacturer.display", "Beijing Institute of Biological Products"},
	    {"lotNumber", "202104B07"},
	    {"expirationDate", "2022-04-01"},
	    {"site.coding[0].system", SYS_SITE},
	    {"site.coding[0].code", "LD"},
	    {"site.coding[0].display", "left deltoid"},
	    {"route.coding[0].system", SYS_ROUTE},
	    {"route.coding[0].code", "IM"},
	    {"route.coding[0].display", "Injection, intramuscular"},
	    {"doseQuantity.value", "=0.5"},
	    {"doseQuantity.unit", "mL"},
	    {"doseQuantity.system", "http://unitsofmeasure.org"},
	    {"doseQuantity.code", "mL"},
	    {"performer[0].function.coding[0].system",
	     "http://terminology.hl7.org/CodeSystem/v2-0443"},
	    {"performer[0].function.coding[0].code", "AP"},
	    {"performer[0].actor.identifier.system", BASE "staff"},
	    {"performer[0].actor.identifier.value", "nurse-li"},
	    {"performer[1]", NULL},
	    {"protocolApplied[0].doseNumberPositiveInt", "=2"},
	    {"protocolApplied[0].seriesDosesPositiveInt", "=2"},
	};
	json_t *imm = fhir_immunization(&s, &d, catalog_find(cat, "bbibp-corv"), &lot, &pat_ref);
	CHECK(imm, w, "bus dose");
	assert_true(json_is_real(at(imm, "doseQuantity.value")));

	/* the elements in the order of the R4 specification */
	static const char *const order[] = {
	    "resourceType", "identifier",	  "status",	    "vaccineCode",
	    "patient",	    "occurrenceDateTime", "primarySource",  "location",
	    "manufacturer", "lotNumber",	  "expirationDate", "site",
	    "route",	    "doseQuantity",	  "performer",	    "protocolApplied",
	};
	size_t k = 0;
	const char *key;
	json_t *value;
	json_object_foreach(imm, key, value)
	{
		assert_true(k < ARRAY_LEN(order));
		assert_string_equal(key, order[k]);
		k++;
	}
	assert_int_equal(k, ARRAY_LEN(order));
	no_empty_and_free(imm, "bus dose");

	/* a product without CVX: the ATC coding follows the product's */
	bus_dose(&d, "wibp-corv");
	static const struct want no_cvx[] = {
	    {"vaccineCode.coding[1].system", SYS_ATC},
	    {"vaccineCode.coding[1].code", "J07BN03"},
	    {"vaccineCode.coding[2]", NULL},
	};
	imm = fhir_immunization(&s, &d, catalog_find(cat, "wibp-corv"), NULL, &pat_ref);
	CHECK(imm, no_cvx, "no CVX");
	no_empty_and_free(imm, "no CVX");

	/* 0.3 mL is a real that dumps as 0.3 at precision 15 */
	bus_dose(&d, "ad5-ncov");
	imm = fhir_immunization(&s, &d, catalog_find(cat, "ad5-ncov"), NULL, &pat_ref);
	assert_non_null(imm);
	char *text = json_dumps(at(imm, "doseQuantity"), JSON_COMPACT | JSON_REAL_PRECISION(15));
	assert_non_null(text);
	assert_string_equal(text, "{\"value\":0.3,\"unit\":\"mL\",\"system\":"
				  "\"http://unitsofmeasure.org\",\"code\":\"mL\"}");
	free(text);
	no_empty_and_free(imm, "0.3 mL");
	catalog_free(cat);
}

static void test_immunization_unknown_product(void **state)
{
	(void)state;
	struct fhir_systems s;
	systems(&s);
	struct store_dose d;
	bus_dose(&d, "mystery-vax");
	static const struct want w[] = {
	    {"vaccineCode.coding[0].system", BASE "CodeSystem/product"},
	    {"vaccineCode.coding[0].code", "mystery-vax"},
	    {"vaccineCode.coding[0].display", NULL},
	    {"vaccineCode.coding[1]", NULL},
	    {"vaccineCode.text", NULL},
	    {"manufacturer", NULL},
	    {"doseQuantity", NULL},
	    {"lotNumber", "202104B07"},
	    {"route.coding[0].code", "IM"},
	};
	json_t *imm = fhir_immunization(&s, &d, NULL, NULL, &pat_ref);
	CHECK(imm, w, "product not in the catalog");
	no_empty_and_free(imm, "product not in the catalog");
}

static void test_immunization_lot(void **state)
{
	(void)state;
	struct fhir_systems s;
	systems(&s);
	struct catalog *cat = catalog();
	const struct catalog_product *prod = catalog_find(cat, "bbibp-corv");
	struct stock_lot none, dated;
	lot_of(&none, "bbibp-corv", VBDATE_NONE);
	lot_of(&dated, "bbibp-corv", ymd(2023, 12, 31));
	const struct {
		const char *what;
		const struct stock_lot *lot;
		const char *dose_lot, *lot_number, *expiry;
	} cases[] = {
	    {"no lot record", NULL, "202104B07", "202104B07", NULL},
	    {"lot expiry none", &none, "202104B07", "202104B07", NULL},
	    {"lot expiry set", &dated, "202104B07", "202104B07", "2023-12-31"},
	    {"no lot number", NULL, "", NULL, NULL},
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		struct store_dose d;
		bus_dose(&d, "bbibp-corv");
		strcpy(d.lot, cases[i].dose_lot);
		const struct want w[] = {
		    {"lotNumber", cases[i].lot_number},
		    {"expirationDate", cases[i].expiry},
		};
		json_t *imm = fhir_immunization(&s, &d, prod, cases[i].lot, &pat_ref);
		CHECK(imm, w, cases[i].what);
		no_empty_and_free(imm, cases[i].what);
	}
	/* nothing optional: no location, site, route, performer, protocol */
	struct store_dose d;
	bus_dose(&d, "bbibp-corv");
	d.lot[0] = d.route[0] = d.body_site[0] = d.staff[0] = d.site_id[0] = '\0';
	d.dose_number = d.series_doses = 0;
	static const struct want bare[] = {
	    {"lotNumber", NULL},     {"location", NULL},  {"site", NULL},
	    {"route", NULL},	     {"performer", NULL}, {"protocolApplied", NULL},
	    {"status", "completed"},
	};
	json_t *imm = fhir_immunization(&s, &d, prod, NULL, &pat_ref);
	CHECK(imm, bare, "bare dose");
	no_empty_and_free(imm, "bare dose");
	/* a dose number without a series size */
	bus_dose(&d, "bbibp-corv");
	d.dose_number = 1;
	d.series_doses = 0;
	static const struct want first[] = {
	    {"protocolApplied[0].doseNumberPositiveInt", "=1"},
	    {"protocolApplied[0].seriesDosesPositiveInt", NULL},
	};
	imm = fhir_immunization(&s, &d, prod, NULL, &pat_ref);
	CHECK(imm, first, "no series size");
	no_empty_and_free(imm, "no series size");
	catalog_free(cat);
}

static void test_routes_and_sites(void **state)
{
	(void)state;
	static const struct {
		const char *route, *code, *display;
	} routes[] = {
	    {"IM", "IM", "Injection, intramuscular"},
	    {"SC", "SQ", "Injection, subcutaneous"},
	    {"ID", "IDINJ", "Injection, intradermal"},
	    {"PO", "PO", "Swallow, oral"},
	    {"IN", "NASINHLC", "Inhalation, nasal cannula"},
	    {"XY", NULL, NULL},
	};
	static const struct {
		const char *site, *code, *display;
	} sites[] = {
	    {"left-deltoid", "LD", "left deltoid"},
	    {"deltoid-left", "LD", "left deltoid"},
	    {"right-deltoid", "RD", "right deltoid"},
	    {"deltoid-right", "RD", "right deltoid"},
	    {"left-thigh", NULL, NULL},
	};
	struct fhir_systems s;
	systems(&s);
	for (size_t i = 0; i < ARRAY_LEN(routes); i++) {
		struct store_dose d;
		bus_dose(&d, "bbibp-corv");
		strcpy(d.route, routes[i].route);
		const struct want w[] = {
		    {"route.coding[0].system", routes[i].code ? SYS_ROUTE : NULL},
		    {"route.coding[0].code", routes[i].code},
		    {"route.coding[0].display", routes[i].display},
		    {"route.text", routes[i].code ? NULL : routes[i].route},
		};
		json_t *imm = fhir_immunization(&s, &d, NULL, NULL, &pat_ref);
		CHECK(imm, w, routes[i].route);
		no_empty_and_free(imm, routes[i].route);
	}
	for (size_t i = 0; i < ARRAY_LEN(sites); i++) {
		struct store_dose d;
		bus_dose(&d, "bbibp-corv");
		strcpy(d.body_site, sites[i].site);
		const struct want w[] = {
		    {"site.coding[0].system", sites[i].code ? SYS_SITE : NULL},
		    {"site.coding[0].code", sites[i].code},
		    {"site.coding[0].display", sites[i].display},
		    {"site.text", sites[i].code ? NULL : sites[i].site},
		};
		json_t *imm = fhir_immunization(&s, &d, NULL, NULL, &pat_ref);
		CHECK(imm, w, sites[i].site);
		no_empty_and_free(imm, sites[i].site);
	}
}

static void test_immunization_refused(void **state)
{
	(void)state;
	struct fhir_systems s;
	systems(&s);
	struct catalog *cat = catalog();
	const struct catalog_product *bbibp = catalog_find(cat, "bbibp-corv");
	const struct catalog_product *wibp = catalog_find(cat, "wibp-corv");
	struct stock_lot far;
	lot_of(&far, "bbibp-corv", ymd(9999, 12, 31) + 1);
	const struct fhir_ref empty_ref = {""}, null_ref = {NULL};
	const struct {
		const char *what;
		const char *id, *product, *lot_number;
		int64_t when;
		const struct catalog_product *prod;
		const struct stock_lot *lot;
		const struct fhir_ref *patient;
	} cases[] = {
	    {"no record id", "", "bbibp-corv", "L1", given_at(), bbibp, NULL, &pat_ref},
	    {"no product", DOSE_ID, "", "L1", given_at(), NULL, NULL, &pat_ref},
	    {"another product", DOSE_ID, "bbibp-corv", "L1", given_at(), wibp, NULL, &pat_ref},
	    {"before 1800", DOSE_ID, "bbibp-corv", "L1", vbdate_to_unix(ymd(1800, 1, 1)) - 1, bbibp,
	     NULL, &pat_ref},
	    {"after 9999", DOSE_ID, "bbibp-corv", "L1", vbdate_to_unix(ymd(9999, 12, 31)) + 86400,
	     bbibp, NULL, &pat_ref},
	    {"expiry after 9999", DOSE_ID, "bbibp-corv", "L1", given_at(), bbibp, &far, &pat_ref},
	    {"lot not UTF-8", DOSE_ID, "bbibp-corv", "L\xc0", given_at(), bbibp, NULL, &pat_ref},
	    {"no patient", DOSE_ID, "bbibp-corv", "L1", given_at(), bbibp, NULL, NULL},
	    {"empty reference", DOSE_ID, "bbibp-corv", "L1", given_at(), bbibp, NULL, &empty_ref},
	    {"NULL reference", DOSE_ID, "bbibp-corv", "L1", given_at(), bbibp, NULL, &null_ref},
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		struct store_dose d;
		bus_dose(&d, "bbibp-corv");
		strcpy(d.id, cases[i].id);
		strcpy(d.product, cases[i].product);
		strcpy(d.lot, cases[i].lot_number);
		d.given_at = cases[i].when;
		json_t *imm =
		    fhir_immunization(&s, &d, cases[i].prod, cases[i].lot, cases[i].patient);
		if (imm)
			fail_msg("%s: an Immunization was made", cases[i].what);
	}
	/* the edges of the accepted range are fine */
	struct store_dose d;
	bus_dose(&d, "bbibp-corv");
	d.given_at = vbdate_to_unix(ymd(9999, 12, 31)) + 86399;
	json_t *imm = fhir_immunization(&s, &d, bbibp, NULL, &pat_ref);
	assert_string_equal(json_string_value(at(imm, "occurrenceDateTime")),
			    "9999-12-31T23:59:59Z");
	json_decref(imm);
	d.given_at = vbdate_to_unix(ymd(1800, 1, 1));
	imm = fhir_immunization(&s, &d, bbibp, NULL, &pat_ref);
	assert_string_equal(json_string_value(at(imm, "occurrenceDateTime")),
			    "1800-01-01T00:00:00Z");
	json_decref(imm);
	catalog_free(cat);
}

/* ---- deferral ---- */

static void test_deferral(void **state)
{
	(void)state;
	static const struct {
		const char *code, *reason, *display;
	} cases[] = {
	    {"declined", "PATOBJ", "patient objection"},
	    {"staff_decision", "MEDPREC", "medical precaution"},
	    {"fever", "MEDPREC", "medical precaution"},
	    {"acute_illness", "MEDPREC", "medical precaution"},
	};
	struct fhir_systems s;
	systems(&s);
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		struct store_visit v;
		deferred_visit(&v, cases[i].code);
		const struct want w[] = {
		    {"resourceType", "Immunization"},
		    {"identifier[0].system", BASE "record"},
		    {"identifier[0].value", VISIT_ID},
		    {"status", "not-done"},
		    {"statusReason.coding[0].system", SYS_REASON},
		    {"statusReason.coding[0].code", cases[i].reason},
		    {"statusReason.coding[0].display", cases[i].display},
		    {"statusReason.coding[1].system", BASE "CodeSystem/deferral-reason"},
		    {"statusReason.coding[1].code", cases[i].code},
		    {"statusReason.coding[2]", NULL},
		    {"vaccineCode.coding[0].system", SYS_CVX},
		    {"vaccineCode.coding[0].code", "213"},
		    {"vaccineCode.coding[0].display",
		     "SARS-COV-2 (COVID-19) vaccine, UNSPECIFIED FORMULATION"},
		    {"patient.reference", PAT_REF},
		    {"occurrenceDateTime", "2021-06-01T08:30:15Z"},
		    {"primarySource", "=true"},
		    {"location.identifier.system", BASE "site"},
		    {"location.identifier.value", "stop-07"},
		    {"lotNumber", NULL},
		    {"protocolApplied", NULL},
		};
		json_t *imm = fhir_deferral(&s, &v, &pat_ref);
		CHECK(imm, w, cases[i].code);
		no_empty_and_free(imm, cases[i].code);
	}
	/* the exact bytes: elements in order, nothing else */
	struct store_visit v;
	deferred_visit(&v, "declined");
	v.site_id[0] = '\0';
	json_t *imm = fhir_deferral(&s, &v, &pat_ref);
	assert_non_null(imm);
	char *text = json_dumps(imm, JSON_COMPACT);
	assert_non_null(text);
	assert_string_equal(
	    text, "{\"resourceType\":\"Immunization\",\"identifier\":[{\"system\":\"" BASE
		  "record\",\"value\":\"" VISIT_ID "\"}],\"status\":\"not-done\","
		  "\"statusReason\":{\"coding\":[{\"system\":\"" SYS_REASON
		  "\",\"code\":\"PATOBJ\",\"display\":\"patient objection\"},{\"system\":\"" BASE
		  "CodeSystem/deferral-reason\",\"code\":\"declined\"}]},\"vaccineCode\":{"
		  "\"coding\":[{\"system\":\"" SYS_CVX "\",\"code\":\"213\",\"display\":\"SARS-"
		  "COV-2 (COVID-19) vaccine, UNSPECIFIED FORMULATION\"}]},\"patient\":{"
		  "\"reference\":\"" PAT_REF "\"},\"occurrenceDateTime\":\"2021-06-01T08:30:15Z\","
		  "\"primarySource\":true}");
	free(text);
	json_decref(imm);

	/* refused: no id, no code, a time out of range, no patient */
	struct store_visit bad;
	deferred_visit(&bad, "");
	assert_null(fhir_deferral(&s, &bad, &pat_ref));
	deferred_visit(&bad, "declined");
	bad.id[0] = '\0';
	assert_null(fhir_deferral(&s, &bad, &pat_ref));
	deferred_visit(&bad, "declined");
	bad.updated_at = INT64_MAX;
	assert_null(fhir_deferral(&s, &bad, &pat_ref));
	deferred_visit(&bad, "declined");
	assert_null(fhir_deferral(&s, &bad, NULL));
}

/* ---- AdverseEvent ---- */

static void test_adverse_event(void **state)
{
	(void)state;
	static const struct {
		unsigned symptoms;
		const char *other;
		int severity, action;
		const char *note;
		const char *seriousness, *severity_code, *text;
		const char *codes[AEFI_SYM_COUNT + 1];
	} cases[] = {
	    {B(FEVER), "", AEFI_MILD, AEFI_OBSERVED, "", "Non-serious", "mild", "Fever", {"fever"}},
	    {B(FEVER) | B(RASH) | B(OTHER),
	     "tingling lips",
	     AEFI_MODERATE,
	     AEFI_TREATED_ON_SITE,
	     "antihistamine given",
	     "Non-serious",
	     "moderate",
	     "Fever, Rash, tingling lips",
	     {"fever", "rash", "other"}},
	    {B(ANAPHYLAXIS) | B(DYSPNOEA),
	     "",
	     AEFI_SEVERE,
	     AEFI_TREATED_ON_SITE,
	     "adrenaline 0.5 mg IM",
	     "Non-serious",
	     "severe",
	     "Anaphylaxis, Dyspnoea",
	     {"anaphylaxis", "dyspnoea"}},
	    {B(SEIZURE),
	     "",
	     AEFI_SERIOUS,
	     AEFI_EMERGENCY_TRANSFER,
	     "county hospital",
	     "Serious",
	     "severe",
	     "Seizure",
	     {"seizure"}},
	    {AEFI_SYM_ALL,
	     "x",
	     AEFI_SERIOUS,
	     AEFI_REFERRED_HOSPITAL,
	     "",
	     "Serious",
	     "severe",
	     "Fever, Injection site reaction, Rash, Urticaria, Anaphylaxis, Syncope, Headache, "
	     "Nausea, Dyspnoea, Seizure, x",
	     {"fever", "local_reaction", "rash", "urticaria", "anaphylaxis", "syncope", "headache",
	      "nausea", "dyspnoea", "seizure", "other"}},
	};
	struct fhir_systems s;
	systems(&s);
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		struct aefi a;
		aefi_record(&a);
		a.symptoms = cases[i].symptoms;
		strcpy(a.other, cases[i].other);
		a.severity = (enum aefi_severity)cases[i].severity;
		a.action = (enum aefi_action)cases[i].action;
		strcpy(a.action_note, cases[i].note);
		const struct want w[] = {
		    {"resourceType", "AdverseEvent"},
		    {"meta.tag[0].system", BASE "record"},
		    {"meta.tag[0].code", AEFI_ID},
		    {"meta.tag[1]", NULL},
		    {"extension[0].url", BASE "CodeSystem/aefi-action"},
		    {"extension[0].valueCode", aefi_action_name(a.action)},
		    {"extension[1].url",
		     cases[i].note[0] ? BASE "CodeSystem/aefi-action-note" : NULL},
		    {"extension[1].valueString", cases[i].note[0] ? cases[i].note : NULL},
		    {"extension[2]", NULL},
		    {"identifier.system", BASE "record"},
		    {"identifier.value", AEFI_ID},
		    {"identifier[0]", NULL},
		    {"actuality", "actual"},
		    {"event.text", cases[i].text},
		    {"subject.reference", PAT_REF},
		    {"date", "2021-06-01T08:45:15Z"},
		    {"location.identifier.system", BASE "site"},
		    {"location.identifier.value", "stop-07"},
		    {"seriousness.coding[0].system", SYS_SER},
		    {"seriousness.coding[0].code", cases[i].seriousness},
		    {"severity.coding[0].system", SYS_SEV},
		    {"severity.coding[0].code", cases[i].severity_code},
		    {"suspectEntity[0].instance.reference", IMM_REF},
		    {"suspectEntity[1]", NULL},
		};
		json_t *ae = fhir_adverse_event(&s, &a, "stop-07", &pat_ref, &imm_ref);
		CHECK(ae, w, cases[i].text);
		size_t n = 0;
		for (; cases[i].codes[n]; n++) {
			char path[96];
			snprintf(path, sizeof path, "event.coding[%zu]", n);
			const struct want c[] = {
			    {"system", BASE "CodeSystem/aefi-symptom"},
			    {"code", cases[i].codes[n]},
			};
			CHECK(at(ae, path), c, path);
		}
		char path[96];
		snprintf(path, sizeof path, "event.coding[%zu]", n);
		assert_null(at(ae, path));
		no_empty_and_free(ae, cases[i].text);
	}
	/* no tour stop: no location */
	struct aefi a;
	aefi_record(&a);
	json_t *ae = fhir_adverse_event(&s, &a, NULL, &pat_ref, &imm_ref);
	assert_null(at(ae, "location"));
	no_empty_and_free(ae, "no site");
	ae = fhir_adverse_event(&s, &a, "", &pat_ref, &imm_ref);
	assert_null(at(ae, "location"));
	no_empty_and_free(ae, "empty site");
}

static void test_adverse_event_refused(void **state)
{
	(void)state;
	struct fhir_systems s;
	systems(&s);
	const struct {
		const char *what;
		unsigned symptoms;
		int severity, action;
		int64_t onset;
		const char *id;
		const struct fhir_ref *patient, *imm;
	} cases[] = {
	    {"no symptom", 0, AEFI_MILD, AEFI_OBSERVED, given_at(), AEFI_ID, &pat_ref, &imm_ref},
	    {"unknown symptom", 1u << AEFI_SYM_COUNT, AEFI_MILD, AEFI_OBSERVED, given_at(), AEFI_ID,
	     &pat_ref, &imm_ref},
	    {"unknown severity", B(FEVER), AEFI_SEVERITY_COUNT, AEFI_OBSERVED, given_at(), AEFI_ID,
	     &pat_ref, &imm_ref},
	    {"negative severity", B(FEVER), -1, AEFI_OBSERVED, given_at(), AEFI_ID, &pat_ref,
	     &imm_ref},
	    {"unknown action", B(FEVER), AEFI_MILD, AEFI_ACTION_COUNT, given_at(), AEFI_ID,
	     &pat_ref, &imm_ref},
	    {"onset out of range", B(FEVER), AEFI_MILD, AEFI_OBSERVED, INT64_MIN, AEFI_ID, &pat_ref,
	     &imm_ref},
	    {"no id", B(FEVER), AEFI_MILD, AEFI_OBSERVED, given_at(), "", &pat_ref, &imm_ref},
	    {"no patient", B(FEVER), AEFI_MILD, AEFI_OBSERVED, given_at(), AEFI_ID, NULL, &imm_ref},
	    {"no immunization", B(FEVER), AEFI_MILD, AEFI_OBSERVED, given_at(), AEFI_ID, &pat_ref,
	     NULL},
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		struct aefi a;
		aefi_record(&a);
		a.symptoms = cases[i].symptoms;
		a.severity = (enum aefi_severity)cases[i].severity;
		a.action = (enum aefi_action)cases[i].action;
		a.onset = cases[i].onset;
		strcpy(a.id, cases[i].id);
		json_t *ae = fhir_adverse_event(&s, &a, "stop-07", cases[i].patient, cases[i].imm);
		if (ae)
			fail_msg("%s: an AdverseEvent was made", cases[i].what);
	}
	/* texts that are not UTF-8 */
	struct aefi a;
	aefi_record(&a);
	strcpy(a.action_note, "\xe4\xb8");
	assert_null(fhir_adverse_event(&s, &a, "stop-07", &pat_ref, &imm_ref));
	aefi_record(&a);
	a.symptoms |= B(OTHER);
	strcpy(a.other, "\xff");
	assert_null(fhir_adverse_event(&s, &a, "stop-07", &pat_ref, &imm_ref));
}

/* ---- reading platform Immunizations ---- */

/* A platform Immunization: product by its catalog coding, record id. */
#define READ_BASE                                                                                  \
	"{\"resourceType\":\"Immunization\",\"id\":\"imm-1\",\"identifier\":["                     \
	"{\"system\":\"https://other.invalid/ids\",\"value\":\"x-9\"},"                            \
	"{\"system\":\"" BASE "record\",\"value\":\"" DOSE_ID "\"}],"                              \
	"\"status\":\"completed\",\"vaccineCode\":{\"coding\":[{\"system\":\"" BASE                \
	"CodeSystem/product\",\"code\":\"ad5-ncov\"}]},\"patient\":{\"reference\":"                \
	"\"Patient/123\"},\"occurrenceDateTime\":\"2021-06-01T08:30:00Z\",\"lotNumber\":"          \
	"\"202104B07\",\"protocolApplied\":[{\"doseNumberPositiveInt\":2}]}"

#define CODING(sys, code) "{\"system\":\"" sys "\",\"code\":\"" code "\"}"
#define PRODUCT(code)	  CODING(BASE "CodeSystem/product", code)

/* READ_BASE with one member set to the JSON text value, or removed when
 * value is NULL ("a.b": member b of object a). */
static json_t *mutated(const char *path, const char *value)
{
	json_t *imm = json_loads(READ_BASE, 0, NULL);
	assert_non_null(imm);
	const char *dot = strrchr(path, '.');
	json_t *parent = imm;
	const char *key = path;
	if (dot) {
		char head[64];
		snprintf(head, sizeof head, "%.*s", (int)(dot - path), path);
		parent = at(imm, head);
		key = dot + 1;
	}
	if (value)
		assert_int_equal(
		    json_object_set_new(parent, key, json_loads(value, JSON_DECODE_ANY, NULL)), 0);
	else
		assert_int_equal(json_object_del(parent, key), 0);
	return imm;
}

static void test_dose_read(void **state)
{
	(void)state;
	static const struct {
		const char *what, *path, *value;
		const char *product, *record, *lot;
		int dose_number;
		int y, m, d;
	} reads[] = {
	    {"by product coding", "status", "\"completed\"", "ad5-ncov", DOSE_ID, "202104B07", 2,
	     2021, 6, 1},
	    {"by CVX", "vaccineCode.coding", "[" CODING(SYS_CVX, "510") "]", "bbibp-corv", DOSE_ID,
	     "202104B07", 2, 2021, 6, 1},
	    {"unknown product id, then CVX", "vaccineCode.coding",
	     "[" PRODUCT("no-such") "," CODING(SYS_CVX, "513") "]", "zf2001", DOSE_ID, "202104B07",
	     2, 2021, 6, 1},
	    {"by ATC", "vaccineCode.coding", "[" CODING(SYS_ATC, "J07BN04") "]", "zf2001", DOSE_ID,
	     "202104B07", 2, 2021, 6, 1},
	    {"CVX before ATC whatever the order", "vaccineCode.coding",
	     "[" CODING(SYS_ATC, "J07BN02") "," CODING(SYS_CVX, "510") "]", "bbibp-corv", DOSE_ID,
	     "202104B07", 2, 2021, 6, 1},
	    {"product id before CVX", "vaccineCode.coding",
	     "[" CODING(SYS_CVX, "510") "," PRODUCT("wibp-corv") "]", "wibp-corv", DOSE_ID,
	     "202104B07", 2, 2021, 6, 1},
	    {"ambiguous ATC, then a unique one", "vaccineCode.coding",
	     "[" CODING(SYS_ATC, "J07BN03") "," CODING(SYS_ATC, "J07BN02") "]", "ad5-ncov", DOSE_ID,
	     "202104B07", 2, 2021, 6, 1},
	    {"date only", "occurrenceDateTime", "\"2021-06-01\"", "ad5-ncov", DOSE_ID, "202104B07",
	     2, 2021, 6, 1},
	    {"+08:00 is the day before in UTC", "occurrenceDateTime",
	     "\"2021-06-01T01:00:00+08:00\"", "ad5-ncov", DOSE_ID, "202104B07", 2, 2021, 5, 31},
	    {"-05:00 is the day after in UTC", "occurrenceDateTime",
	     "\"2021-05-31T20:00:00.250-05:00\"", "ad5-ncov", DOSE_ID, "202104B07", 2, 2021, 6, 1},
	    {"made elsewhere", "identifier",
	     "[{\"system\":\"https://other.invalid/ids\",\"value\":\"x-9\"}]", "ad5-ncov", "",
	     "202104B07", 2, 2021, 6, 1},
	    {"record id too long", "identifier",
	     "[{\"system\":\"" BASE "record\",\"value\":\""
	     "0123456789012345678901234567890123456789012345678901234567890123\"}]",
	     "ad5-ncov", "", "202104B07", 2, 2021, 6, 1},
	    {"no lot", "lotNumber", NULL, "ad5-ncov", DOSE_ID, "", 2, 2021, 6, 1},
	    {"lot too long", "lotNumber", "\"0123456789ABCDEFGHIJK\"", "ad5-ncov", DOSE_ID, "", 2,
	     2021, 6, 1},
	    {"no protocol", "protocolApplied", NULL, "ad5-ncov", DOSE_ID, "202104B07", 0, 2021, 6,
	     1},
	    {"dose number as a string", "protocolApplied", "[{\"doseNumberString\":\"3\"}]",
	     "ad5-ncov", DOSE_ID, "202104B07", 0, 2021, 6, 1},
	};
	static const struct {
		const char *what, *path, *value;
		int rc;
		const char *code;
	} refusals[] = {
	    {"ambiguous ATC", "vaccineCode.coding", "[" CODING(SYS_ATC, "J07BN03") "]",
	     VB_ENOTFOUND, "unknown_vaccine"},
	    {"unknown CVX", "vaccineCode.coding", "[" CODING(SYS_CVX, "999") "]", VB_ENOTFOUND,
	     "unknown_vaccine"},
	    {"product id in another system", "vaccineCode.coding",
	     "[" CODING("https://other.invalid/product", "ad5-ncov") "]", VB_ENOTFOUND,
	     "unknown_vaccine"},
	    {"empty CVX code", "vaccineCode.coding", "[" CODING(SYS_CVX, "") "]", VB_ENOTFOUND,
	     "unknown_vaccine"},
	    {"no vaccineCode", "vaccineCode", NULL, VB_ENOTFOUND, "unknown_vaccine"},
	    {"coding not an array", "vaccineCode.coding", "{}", VB_ENOTFOUND, "unknown_vaccine"},
	    {"not-done", "status", "\"not-done\"", VB_EINVAL, "not_completed"},
	    {"entered-in-error", "status", "\"entered-in-error\"", VB_EINVAL, "not_completed"},
	    {"no status", "status", NULL, VB_EINVAL, "not_completed"},
	    {"a Patient", "resourceType", "\"Patient\"", VB_EINVAL, "not_immunization"},
	    {"no resourceType", "resourceType", NULL, VB_EINVAL, "not_immunization"},
	    {"no id", "id", NULL, VB_EINVAL, "no_id"},
	    {"id with a space", "id", "\"imm 1\"", VB_EINVAL, "no_id"},
	    {"id a number", "id", "7", VB_EINVAL, "no_id"},
	    {"no patient", "patient", NULL, VB_EINVAL, "no_patient"},
	    {"patient by display only", "patient", "{\"display\":\"x\"}", VB_EINVAL, "no_patient"},
	    {"empty patient reference", "patient.reference", "\"\"", VB_EINVAL, "no_patient"},
	    {"no date", "occurrenceDateTime", NULL, VB_EINVAL, "bad_date"},
	    {"a month only", "occurrenceDateTime", "\"2021-06\"", VB_EINVAL, "bad_date"},
	    {"30 February", "occurrenceDateTime", "\"2021-02-30\"", VB_EINVAL, "bad_date"},
	    {"time without zone", "occurrenceDateTime", "\"2021-06-01T08:30:00\"", VB_EINVAL,
	     "bad_date"},
	    {"hour 25", "occurrenceDateTime", "\"2021-06-01T25:00:00Z\"", VB_EINVAL, "bad_date"},
	    {"compact date", "occurrenceDateTime", "\"20210601\"", VB_EINVAL, "bad_date"},
	    {"trailing text", "occurrenceDateTime", "\"2021-06-01T08:30:00Zx\"", VB_EINVAL,
	     "bad_date"},
	};
	struct fhir_systems s;
	systems(&s);
	struct catalog *cat = catalog();
	for (size_t i = 0; i < ARRAY_LEN(reads); i++) {
		json_t *imm = mutated(reads[i].path, reads[i].value);
		struct fhir_dose out;
		struct vb_reason why = {0};
		int rc = fhir_dose_read(&s, cat, imm, &out, &why);
		if (rc)
			fail_msg("%s: rc %d (%s)", reads[i].what, rc, why.code ? why.code : "-");
		assert_null(why.code);
		assert_string_equal(out.product, reads[i].product);
		assert_string_equal(out.server_id, "Immunization/imm-1");
		assert_string_equal(out.patient, "Patient/123");
		assert_string_equal(out.record_id, reads[i].record);
		assert_string_equal(out.lot, reads[i].lot);
		assert_int_equal(out.dose_number, reads[i].dose_number);
		assert_int_equal(out.given_on, ymd(reads[i].y, reads[i].m, reads[i].d));
		json_decref(imm);
	}
	for (size_t i = 0; i < ARRAY_LEN(refusals); i++) {
		json_t *imm = mutated(refusals[i].path, refusals[i].value);
		struct fhir_dose out, before;
		memset(&out, 0x5a, sizeof out);
		before = out;
		struct vb_reason why = {0};
		int rc = fhir_dose_read(&s, cat, imm, &out, &why);
		if (rc != refusals[i].rc || !why.code || strcmp(why.code, refusals[i].code) != 0)
			fail_msg("%s: rc %d (%s), want %d (%s)", refusals[i].what, rc,
				 why.code ? why.code : "-", refusals[i].rc, refusals[i].code);
		assert_true(why.text[0] != '\0');
		assert_memory_equal(&out, &before, sizeof out);
		assert_int_equal(fhir_dose_read(&s, cat, imm, &out, NULL),
				 rc); /* why may be NULL */
		json_decref(imm);
	}
	struct fhir_dose out;
	assert_int_equal(fhir_dose_read(&s, cat, NULL, &out, NULL), VB_EINVAL);
	json_t *arr = json_array();
	assert_int_equal(fhir_dose_read(&s, cat, arr, &out, NULL), VB_EINVAL);
	json_decref(arr);
	catalog_free(cat);
}

/* Every product, through JSON text and back: what the platform returns
 * (with its own id) reads as the dose that was sent. */
static void test_round_trip(void **state)
{
	(void)state;
	struct fhir_systems s;
	systems(&s);
	struct catalog *cat = catalog();
	for (size_t i = 0; i < cat->n_products; i++) {
		const struct catalog_product *prod = &cat->products[i];
		struct store_dose d;
		bus_dose(&d, prod->id);
		snprintf(d.lot, sizeof d.lot, "LOT%d", (int)i);
		d.dose_number = (int)i + 1;
		struct stock_lot lot;
		lot_of(&lot, prod->id, ymd(2022, 1, 31));
		json_t *imm = fhir_immunization(&s, &d, prod, &lot, &pat_ref);
		assert_non_null(imm);
		char *text = json_dumps(imm, JSON_COMPACT | JSON_REAL_PRECISION(15));
		json_decref(imm);
		assert_non_null(text);
		json_t *back = json_loads(text, JSON_REJECT_DUPLICATES, NULL);
		free(text);
		assert_non_null(back);
		assert_int_equal(json_object_set_new(back, "id", json_string("srv-42")), 0);
		struct fhir_dose out;
		assert_int_equal(fhir_dose_read(&s, cat, back, &out, NULL), VB_OK);
		assert_string_equal(out.product, prod->id);
		assert_string_equal(out.record_id, DOSE_ID);
		assert_string_equal(out.lot, d.lot);
		assert_int_equal(out.dose_number, d.dose_number);
		assert_int_equal(out.given_on, d.given_on);
		assert_string_equal(out.patient, PAT_REF);
		assert_string_equal(out.server_id, "Immunization/srv-42");
		json_decref(back);
	}
	catalog_free(cat);
}

/* The same record dumps to the same bytes. */
static void test_reproducible(void **state)
{
	(void)state;
	struct fhir_systems s;
	systems(&s);
	struct catalog *cat = catalog();
	struct person p, proxy;
	resident(&p);
	proxy_of(&proxy, &p, "child");
	struct store_dose d;
	bus_dose(&d, "bbibp-corv");
	struct aefi a;
	aefi_record(&a);
	a.symptoms = B(RASH) | B(OTHER);
	strcpy(a.other, "itching");
	char *first[3] = {NULL}, *second[3] = {NULL};
	for (int round = 0; round < 2; round++) {
		json_t *res[3] = {
		    fhir_patient(&s, &p, &proxy),
		    fhir_immunization(&s, &d, catalog_find(cat, "bbibp-corv"), NULL, &pat_ref),
		    fhir_adverse_event(&s, &a, "stop-07", &pat_ref, &imm_ref),
		};
		for (int k = 0; k < 3; k++) {
			assert_non_null(res[k]);
			(round ? second : first)[k] =
			    json_dumps(res[k], JSON_COMPACT | JSON_REAL_PRECISION(15));
			assert_non_null((round ? second : first)[k]);
			json_decref(res[k]);
		}
	}
	for (int k = 0; k < 3; k++) {
		assert_string_equal(first[k], second[k]);
		free(first[k]);
		free(second[k]);
	}
	catalog_free(cat);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_helpers),
	    cmocka_unit_test(test_systems_init),
	    cmocka_unit_test(test_systems_set_doc),
	    cmocka_unit_test(test_doc_system),
	    cmocka_unit_test(test_patient_fields),
	    cmocka_unit_test(test_patient_documents),
	    cmocka_unit_test(test_patient_proxy),
	    cmocka_unit_test(test_patient_refused),
	    cmocka_unit_test(test_immunization_fields),
	    cmocka_unit_test(test_immunization_unknown_product),
	    cmocka_unit_test(test_immunization_lot),
	    cmocka_unit_test(test_routes_and_sites),
	    cmocka_unit_test(test_immunization_refused),
	    cmocka_unit_test(test_deferral),
	    cmocka_unit_test(test_adverse_event),
	    cmocka_unit_test(test_adverse_event_refused),
	    cmocka_unit_test(test_dose_read),
	    cmocka_unit_test(test_round_trip),
	    cmocka_unit_test(test_reproducible),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
