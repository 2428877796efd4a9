/* sync_pull_read: the pull's search answers read without a store — a
 * group's Patients by document, their Immunizations as platform doses
 * (with the member, record id and lastUpdated), recalled lots, next links;
 * and each refusal: wrong types, missing or invalid ids, NULs inside
 * strings, bad dates, unknown vaccines, residents not in the group, lots
 * that do not fit, duplicated entries. The catalog is built in C. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "sync_pull_read.h"
#include "vbdate.h"
#include "test_catalog.h"

#define DOC  "https://vaxbus.invalid/fhir/id/cn-resident"
#define WANG "110101197001010011"
#define LI   "110101197502020022"

static struct fhir_systems sys;
static struct catalog *cat;
static struct store_expected group[2];

static int setup(void **state)
{
	(void)state;
	static const struct {
		const char *id, *cvx, *atc;
	} rows[] = {{"bbibp-corv", "510", "J07BN03"}, {"ad5-ncov", "506", "J07BN02"}};
	assert_int_equal(fhir_systems_init(&sys, "https://vaxbus.invalid/fhir/"), 0);
	cat = catalog_new(2);
	assert_non_null(cat);
	strcpy(cat->id, "test-cat");
	cat->version = 1;
	for (size_t i = 0; i < 2; i++) {
		test_catalog_product(&cat->products[i], rows[i].id, rows[i].cvx, rows[i].atc);
	}
	struct vb_reason why = {0};
	assert_int_equal(catalog_check(cat, &why), 0);
	group[0].doc_type = group[1].doc_type = IDDOC_CN_RESIDENT;
	strcpy(group[0].doc_number, WANG);
	strcpy(group[1].doc_number, LI);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	catalog_free(cat);
	return 0;
}

static json_t *load(const char *text)
{
	json_error_t err;
	json_t *j = json_loads(text, JSON_ALLOW_NUL, &err);
	if (!j)
		fail_msg("test bundle: %s", err.text);
	return j;
}

static int32_t day(const char *ymd)
{
	int32_t d;
	assert_int_equal(vbdate_parse(ymd, &d), 0);
	return d;
}

/* An Immunization entry; fields are JSON members (without braces). */
#define IMM(fields) "{\"resource\":{\"resourceType\":\"Immunization\"," fields "}}"
#define CVX(code)                                                                                  \
	"\"vaccineCode\":{\"coding\":[{\"system\":\"http://hl7.org/fhir/sid/"                      \
	"cvx\",\"code\":\"" code "\"}]}"
#define OK_IMM(id, patient, date)                                                                  \
	IMM("\"id\":\"" id                                                                         \
	    "\",\"status\":\"completed\"," CVX("510") ",\"patient\":{\"reference\":\"" patient     \
						      "\"},\"occurrenceDateTime\":\"" date "\"")

static const char patients_page[] =
    "{\"resourceType\":\"Bundle\",\"type\":\"searchset\",\"link\":["
    "{\"relation\":\"self\",\"url\":\"Patient?identifier=x\"},"
    "{\"relation\":\"next\",\"url\":\"Patient?identifier=x&page=2\"}],\"entry\":["
    "{\"resource\":{\"resourceType\":\"Patient\",\"id\":\"p-wang\",\"identifier\":["
    "{\"system\":\"urn:other\",\"value\":\"" WANG "\"},"
    "{\"system\":\"" DOC "\",\"value\":\"" WANG "\"}]}},"
    "{\"resource\":{\"resourceType\":\"Patient\",\"id\":\"p-li\",\"identifier\":["
    "{\"system\":\"" DOC "\",\"value\":\"" LI "\"}]}},"
    "{\"resource\":{\"resourceType\":\"Patient\",\"id\":\"p-zhao\",\"identifier\":["
    "{\"system\":\"" DOC "\",\"value\":\"110101198003030033\"}]}},"
    "{\"resource\":{\"resourceType\":\"Patient\",\"id\":\"bad id\",\"identifier\":["
    "{\"system\":\"" DOC "\",\"value\":\"" LI "\"}]}},"
    "{\"resource\":{\"resourceType\":\"Patient\",\"id\":7,\"identifier\":["
    "{\"system\":\"" DOC "\",\"value\":\"" LI "\"}]}},"
    "{\"resource\":{\"resourceType\":\"OperationOutcome\",\"id\":\"oo\"}}]}";

static void read_patients(struct sync_pull_patients *pat)
{
	json_t *b = load(patients_page);
	struct sync_pull_page page;
	memset(pat, 0, sizeof(*pat));
	assert_int_equal(sync_pull_patients_read(&sys, group, 2, b, pat, &page), 0);
	assert_non_null(page.next);
	assert_string_equal(page.next, "Patient?identifier=x&page=2");
	assert_int_equal(page.n_skip, 3);
	assert_int_equal(page.skip[0].entry, 2);
	assert_string_equal(page.skip[0].why.code, SYNC_PULL_NO_RESIDENT);
	assert_int_equal(page.skip[1].entry, 3);
	assert_string_equal(page.skip[1].why.code, "no_id");
	assert_int_equal(page.skip[2].entry, 4);
	assert_string_equal(page.skip[2].why.code, "no_id");
	free(page.skip);
	json_decref(b);
}

static void patients_by_document(void **state)
{
	(void)state;
	struct sync_pull_patients pat;
	read_patients(&pat);
	assert_int_equal(pat.n, 2);
	assert_string_equal(pat.v[0].ref, "Patient/p-wang");
	assert_int_equal(pat.v[0].member, 0);
	assert_string_equal(pat.v[1].ref, "Patient/p-li");
	assert_int_equal(sync_pull_patients_find(&pat, "Patient/p-li"), 1);
	assert_int_equal(sync_pull_patients_find(&pat, "Patient/p-zhao"), SYNC_PULL_NO_MEMBER);

	/* A later page's answer for the same Patient replaces the earlier. */
	json_t *b =
	    load("{\"entry\":[{\"resource\":{\"resourceType\":\"Patient\",\"id\":\"p-wang\","
		 "\"identifier\":[{\"system\":\"" DOC "\",\"value\":\"" LI "\"}]}}],"
		 "\"link\":[{\"relation\":\"next\",\"url\":\"\"}]}");
	struct sync_pull_page page;
	assert_int_equal(sync_pull_patients_read(&sys, group, 2, b, &pat, &page), 0);
	assert_null(page.next); /* an empty url is no link */
	assert_int_equal(pat.n, 2);
	assert_int_equal(sync_pull_patients_find(&pat, "Patient/p-wang"), 1);
	free(page.skip);
	json_decref(b);
	sync_pull_patients_free(&pat);
}

/* One entry, one member a line. */
/* clang-format off */
static const char doses_page[] =
    "{\"resourceType\":\"Bundle\",\"type\":\"searchset\",\"link\":["
    "{\"relation\":\"next\",\"url\":\"Immunization?page=2\"}],\"entry\":["
    IMM("\"id\":\"i1\",\"meta\":{\"lastUpdated\":\"2021-05-30T08:01:02.345Z\"},"
	"\"status\":\"completed\"," CVX("510") ","
	"\"patient\":{\"reference\":\"Patient/p-wang\"},"
	"\"occurrenceDateTime\":\"2021-04-01\",\"lotNumber\":\"202104B07\","
	"\"protocolApplied\":[{\"doseNumberPositiveInt\":1}]") ","
    IMM("\"id\":\"i2\",\"meta\":{\"lastUpdated\":\"yesterday\"},"
	"\"identifier\":[{\"system\":\"https://vaxbus.invalid/fhir/record\","
	"\"value\":\"rec-1\"}],"
	"\"status\":\"completed\","
	"\"vaccineCode\":{\"coding\":[{\"system\":\"http://www.whocc.no/atc\","
	"\"code\":\"J07BN02\"}]},"
	"\"patient\":{\"reference\":\"Patient/p-li\"},"
	"\"occurrenceDateTime\":\"2021-06-01T01:30:00+08:00\"") "]}";
/* clang-format on */

static void doses_of_the_group(void **state)
{
	(void)state;
	struct sync_pull_patients pat;
	read_patients(&pat);
	json_t *b = load(doses_page);
	struct sync_pull_doses d;
	assert_int_equal(sync_pull_doses_read(&sys, cat, group, 2, &pat, b, &d), 0);
	assert_string_equal(d.page.next, "Immunization?page=2");
	assert_int_equal(d.page.n_skip, 0);
	assert_int_equal(d.n, 2);
	assert_string_equal(d.v[0].d.server_id, "Immunization/i1");
	assert_int_equal(d.v[0].member, 0);
	assert_int_equal(d.v[0].d.doc_type, IDDOC_CN_RESIDENT);
	assert_string_equal(d.v[0].d.doc_number, WANG);
	assert_string_equal(d.v[0].d.product, "bbibp-corv");
	assert_string_equal(d.v[0].d.lot, "202104B07");
	assert_int_equal(d.v[0].d.dose_number, 1);
	assert_int_equal(d.v[0].d.given_on, day("2021-04-01"));
	assert_string_equal(d.v[0].record_id, "");
	assert_string_equal(d.v[0].last_updated, "2021-05-30T08:01:02.345Z");
	assert_string_equal(d.v[1].d.server_id, "Immunization/i2");
	assert_int_equal(d.v[1].member, 1);
	assert_string_equal(d.v[1].d.doc_number, LI);
	assert_string_equal(d.v[1].d.product, "ad5-ncov");
	assert_int_equal(d.v[1].d.given_on, day("2021-05-31")); /* UTC */
	assert_string_equal(d.v[1].record_id, "rec-1");
	assert_string_equal(d.v[1].last_updated, ""); /* not an instant */
	sync_pull_doses_free(&d);
	json_decref(b);
	sync_pull_patients_free(&pat);
}

/* Each entry of bundle text is one refusal; codes[k] is entry k's. */
static void refused(const char *text, const char *const *codes, size_t n)
{
	struct sync_pull_patients pat;
	read_patients(&pat);
	json_t *b = load(text);
	struct sync_pull_doses d;
	assert_int_equal(sync_pull_doses_read(&sys, cat, group, 2, &pat, b, &d), 0);
	assert_int_equal(d.page.n_skip, n);
	for (size_t k = 0; k < n; k++) {
		assert_int_equal(d.page.skip[k].entry, k);
		assert_string_equal(d.page.skip[k].why.code, codes[k]);
		assert_true(d.page.skip[k].why.text[0]);
	}
	assert_int_equal(d.n, 0);
	assert_null(d.page.next);
	sync_pull_doses_free(&d);
	json_decref(b);
	sync_pull_patients_free(&pat);
}

#define PATIENT_WANG "\"patient\":{\"reference\":\"Patient/p-wang\"}"

/* One refusal an entry; then entries that are no Immunization, and a next
 * link that is not a string (the first "next" relation is the one). */
/* clang-format off */
static const char refusals_page[] =
    "{\"entry\":["
    IMM("\"id\":\"n1\",\"status\":\"not-done\"," CVX("510") "," PATIENT_WANG ","
	"\"occurrenceDateTime\":\"2021-04-01\"") ","
    IMM("\"status\":\"completed\"," CVX("510") "," PATIENT_WANG ","
	"\"occurrenceDateTime\":\"2021-04-01\"") ","
    IMM("\"id\":12,\"status\":\"completed\"," CVX("510") "," PATIENT_WANG ","
	"\"occurrenceDateTime\":\"2021-04-01\"") ","
    OK_IMM("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	   "Patient/p-wang", "2021-04-01") ","
    IMM("\"id\":\"n5\",\"status\":\"completed\"," CVX("510") ","
	"\"occurrenceDateTime\":\"2021-04-01\"") ","
    OK_IMM("n6", "Patient/p-wang\\u0000x", "2021-04-01") ","
    OK_IMM("n7", "Patient/p-wang", "2021-02-30") ","
    OK_IMM("n8", "Patient/p-wang", "April") ","
    IMM("\"id\":\"n9\",\"status\":\"completed\"," CVX("510") "," PATIENT_WANG ","
	"\"occurrenceDateTime\":20210401") ","
    IMM("\"id\":\"n10\",\"status\":\"completed\"," CVX("208") "," PATIENT_WANG ","
	"\"occurrenceDateTime\":\"2021-04-01\"") ","
    OK_IMM("n11", "Patient/p-zhao", "2021-04-01") ","
    "{\"resource\":{\"resourceType\":\"Patient\",\"id\":\"p-wang\"}},"
    "{\"resource\":\"Immunization\"},{\"fullUrl\":\"x\"}],"
    "\"link\":[{\"relation\":\"next\",\"url\":3},"
    "{\"relation\":\"next\",\"url\":\"x\"}]}";
/* clang-format on */

static void doses_refused(void **state)
{
	(void)state;
	static const char *const codes[] = {
	    "not_completed",	  "no_id",    "no_id",	  "no_id",    "no_patient",
	    "no_patient",	  "bad_date", "bad_date", "bad_date", "unknown_vaccine",
	    SYNC_PULL_NO_RESIDENT};
	refused(refusals_page, codes, sizeof(codes) / sizeof(codes[0]));
}

/* clang-format off */
static const char duplicates_page[] =
    "{\"entry\":["
    IMM("\"id\":\"i1\",\"meta\":{\"lastUpdated\":\"2021-05-01T00:00:00Z\"},"
	"\"status\":\"completed\"," CVX("510") ","
	"\"patient\":{\"reference\":\"Patient/p-li\"},"
	"\"occurrenceDateTime\":\"2021-04-01\"") ","
    IMM("\"id\":\"i1\",\"meta\":{\"lastUpdated\":\"2021-05-02T00:00:00Z\"},"
	"\"status\":\"completed\"," CVX("510") ","
	"\"patient\":{\"reference\":\"Patient/p-li\"},"
	"\"occurrenceDateTime\":\"2021-04-01\"") ","
    IMM("\"id\":\"i3\",\"identifier\":[{\"system\":\"https://vaxbus.invalid/fhir/record\","
	"\"value\":\"rec-9\"}],\"status\":\"completed\"," CVX("510") ","
	"\"patient\":{\"reference\":\"Patient/elsewhere\"},"
	"\"occurrenceDateTime\":\"2021-04-03\"") "]}";
/* clang-format on */

/* A second entry of the same Immunization is skipped; its lastUpdated, if
 * newer, goes to the first. A dose of no member with a record id is given
 * for the caller to know as the bus's own. */
static void duplicates_and_own_doses(void **state)
{
	(void)state;
	struct sync_pull_patients pat;
	read_patients(&pat);
	json_t *b = load(duplicates_page);
	struct sync_pull_doses d;
	assert_int_equal(sync_pull_doses_read(&sys, cat, group, 2, &pat, b, &d), 0);
	assert_int_equal(d.n, 2);
	assert_string_equal(d.v[0].last_updated, "2021-05-02T00:00:00Z");
	assert_int_equal(d.page.n_skip, 1);
	assert_int_equal(d.page.skip[0].entry, 1);
	assert_string_equal(d.page.skip[0].why.code, SYNC_PULL_DUPLICATE);
	assert_string_equal(d.v[1].d.server_id, "Immunization/i3");
	assert_int_equal(d.v[1].member, SYNC_PULL_NO_MEMBER);
	assert_string_equal(d.v[1].record_id, "rec-9");
	assert_string_equal(d.v[1].d.doc_number, "");
	sync_pull_doses_free(&d);
	json_decref(b);

	/* Not a Bundle at all: nothing, no link. */
	b = load("[1,2]");
	assert_int_equal(sync_pull_doses_read(&sys, cat, group, 2, &pat, b, &d), 0);
	assert_int_equal(d.n + d.page.n_skip, 0);
	assert_null(d.page.next);
	sync_pull_doses_free(&d);
	json_decref(b);
	sync_pull_patients_free(&pat);
}

#define MED(fields) "{\"resource\":{\"resourceType\":\"Medication\"," fields "}}"

/* clang-format off */
static const char recalls_page[] =
    "{\"resourceType\":\"Bundle\",\"link\":[{\"relation\":\"self\",\"url\":\"a\"},"
    "{\"relation\":\"next\",\"url\":\"Medication?page=2\"}],\"entry\":["
    MED("\"id\":\"m1\",\"meta\":{\"lastUpdated\":\"2021-05-01T00:00:00.000Z\"},"
	"\"status\":\"inactive\",\"batch\":{\"lotNumber\":\"202104B07\"}") ","
    MED("\"id\":\"m2\",\"meta\":{\"lastUpdated\":\"2021-05-03T00:00:00.000Z\"},"
	"\"status\":\"active\",\"batch\":{\"lotNumber\":\"202105A01\"}") ","
    MED("\"id\":\"m3\",\"status\":\"inactive\",\"batch\":{\"lotNumber\":\"202104B07\"}") ","
    MED("\"status\":\"inactive\",\"batch\":{\"lotNumber\":\"L1\"}") ","
    MED("\"id\":\"m5\",\"status\":\"inactive\","
	"\"batch\":{\"lotNumber\":\"123456789012345678901\"}") ","
    MED("\"id\":\"m6\",\"status\":\"inactive\"") ","
    MED("\"id\":\"m7\",\"status\":\"inactive\",\"batch\":{\"lotNumber\":\"L7\\u0000x\"}") ","
    MED("\"id\":\"m8\",\"status\":\"inactive\",\"batch\":{\"lotNumber\":8}") ","
    MED("\"id\":\"m9\",\"status\":\"inactive\",\"batch\":{\"lotNumber\":\"L9\"},"
	"\"meta\":{\"lastUpdated\":\"9999\"}") ","
    "{\"resource\":{\"resourceType\":\"Patient\",\"meta\":{\"lastUpdated\":"
    "\"2030-01-01T00:00:00Z\"},\"status\":\"inactive\",\"batch\":{\"lotNumber\":\"P\"}}}]}";
/* clang-format on */

/* Inactive Medications' lots, each once; the newest lastUpdated of the
 * Medications (an instant only); refusals for lots (a Medication without
 * a valid id is recalled all the same: the lot is what counts). */
static void recalls(void **state)
{
	(void)state;
	json_t *b = load(recalls_page);
	struct sync_pull_recalls r;
	assert_int_equal(sync_pull_recalls_read(b, &r), 0);
	assert_string_equal(r.page.next, "Medication?page=2");
	assert_string_equal(r.newest, "2021-05-03T00:00:00.000Z");
	assert_int_equal(r.n, 3);
	assert_string_equal(r.v[0].lot, "202104B07");
	assert_string_equal(r.v[0].medication, "Medication/m1");
	assert_string_equal(r.v[1].lot, "L1"); /* no id: recalled all the same */
	assert_string_equal(r.v[1].medication, "");
	assert_string_equal(r.v[2].lot, "L9");
	assert_string_equal(r.v[2].medication, "Medication/m9");
	static const struct {
		size_t entry;
		const char *code;
	} want[] = {{2, SYNC_PULL_DUPLICATE},
		    {4, SYNC_PULL_NO_LOT},
		    {5, SYNC_PULL_NO_LOT},
		    {6, SYNC_PULL_NO_LOT},
		    {7, SYNC_PULL_NO_LOT}};
	assert_int_equal(r.page.n_skip, sizeof(want) / sizeof(want[0]));
	for (size_t k = 0; k < r.page.n_skip; k++) {
		assert_int_equal(r.page.skip[k].entry, want[k].entry);
		assert_string_equal(r.page.skip[k].why.code, want[k].code);
	}
	sync_pull_recalls_free(&r);
	json_decref(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(patients_by_document),
	    cmocka_unit_test(doses_of_the_group),
	    cmocka_unit_test(doses_refused),
	    cmocka_unit_test(duplicates_and_own_doses),
	    cmocka_unit_test(recalls),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
