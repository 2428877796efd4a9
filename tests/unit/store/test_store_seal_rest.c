/* The rest of the personal data sealed at rest (migration 9): the expected
 * residents' document numbers and the platform's doses (found by keyed
 * hash), consent signatures, certificate payloads and print jobs — none
 * in the file or its WAL in clear, each read back whole, a sealed value
 * moved to another row refused, and a database of schema 8 holding all of
 * them in clear sealed by the migration (refused without the data key,
 * with nothing changed). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "store_cert.h"
#include "store_consent.h"
#include "store_history.h"
#include "store_print.h"
#include "store_repo_test.h"

#define DAY "2021-06-01"

static const char PASSPORT[] = "E98765432";
static const char SIG_MARK[] = "SIGNATURE-MARK-4471";
static const char CERT_MARK[] = "HC1:OUYANG-MINGYUE-19760521";
static const char PRINT_MARK[] = "PRINTED-OUYANG-MINGYUE";
static const char *const marks[] = {PASSPORT, SIG_MARK, CERT_MARK, PRINT_MARK};

/* A "PNG": the 8 magic bytes, then the mark. */
static size_t signature(uint8_t out[64])
{
	static const uint8_t magic[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
	memcpy(out, magic, sizeof(magic));
	memcpy(out + sizeof(magic), SIG_MARK, strlen(SIG_MARK));
	return sizeof(magic) + strlen(SIG_MARK);
}

static void assert_no_marks(const struct repo_fx *f)
{
	for (size_t i = 0; i < sizeof(marks) / sizeof(marks[0]); i++)
		if (repo_db_has(f, marks[i]))
			fail_msg("\"%s\" is in the file in clear", marks[i]);
}

static int expected_cb(void *arg, const struct store_expected *e)
{
	char *got = arg;
	assert_int_equal(e->doc_type, IDDOC_PASSPORT);
	strcat(got, e->doc_number);
	strcat(got, ";");
	return 0;
}

/* The expected numbers, "number;" each, as store_history_expected gives. */
static int expected_numbers(struct store *st, char got[128])
{
	got[0] = '\0';
	return store_history_expected(st, expected_cb, got);
}

/* The lowercase hex of the keyed hash of passport number. */
static void passport_hash(struct store *st, const char *number, char hex[2 * STORE_HASH_LEN + 1])
{
	uint8_t h[STORE_HASH_LEN];
	assert_int_equal(store_person_doc_hash(st, IDDOC_PASSPORT, number, h), VB_OK);
	store_hex(h, sizeof(h), hex);
}

static void check_consent(struct store *st, const char *visit_id)
{
	struct store_consent c;
	uint8_t want[64], *png = NULL;
	size_t n = 0, len = signature(want);
	assert_int_equal(store_consent_get_visit(st, visit_id, &c, &png, &n), VB_OK);
	assert_int_equal(n, len);
	assert_memory_equal(png, want, len);
	free(png);
}

static void check_cert(struct store *st, const char *dose_id)
{
	struct store_cert *c = calloc(1, sizeof(*c));
	assert_non_null(c);
	assert_int_equal(store_cert_get_dose(st, dose_id, "dcc", c), VB_OK);
	assert_string_equal(c->payload, CERT_MARK);
	free(c);
}

static void check_print(struct store *st)
{
	struct store_print_job j;
	uint8_t *bytes = NULL;
	assert_int_equal(store_print_next(st, &j, &bytes), VB_OK);
	assert_int_equal(j.n_bytes, strlen(PRINT_MARK));
	assert_memory_equal(bytes, PRINT_MARK, strlen(PRINT_MARK));
	free(bytes);
}

static void test_not_in_clear(void **state)
{
	struct repo_fx *f = *state;
	struct store *st = f->st;
	struct person p;
	struct store_visit v;
	repo_person(&p, "欧阳明月", "19760521", "047", "", "");
	repo_add_person(st, &p);
	struct stock_lot l = repo_lot("bbibp-corv", "B1", 10, 1);
	repo_add_lot(st, &l, repo_at(DAY, 7, 0));
	repo_add_visit(st, p.id, DAY, repo_at(DAY, 9, 0), &v);
	static const enum visit_event to_consented[] = {VISIT_EV_SCREEN, VISIT_EV_CONSENT};
	repo_walk(st, v.id, to_consented, 2, repo_at(DAY, 9, 1));
	struct store_dose d = repo_bus_dose(&v, "bbibp-corv", "B1", 1, repo_at(DAY, 9, 30));

	struct store_consent c = {0};
	snprintf(c.visit_id, sizeof(c.visit_id), "%s", v.id);
	snprintf(c.text_key, sizeof(c.text_key), "consent.text_v1");
	snprintf(c.lang, sizeof(c.lang), "zh");
	struct store_cert *cert = calloc(1, sizeof(*cert));
	assert_non_null(cert);
	snprintf(cert->visit_id, sizeof(cert->visit_id), "%s", v.id);
	snprintf(cert->dose_id, sizeof(cert->dose_id), "%s", d.id);
	snprintf(cert->person_id, sizeof(cert->person_id), "%s", p.id);
	snprintf(cert->format, sizeof(cert->format), "dcc");
	snprintf(cert->payload, sizeof(cert->payload), "%s", CERT_MARK);
	snprintf(cert->kid, sizeof(cert->kid), "dGVzdGtpZA");
	struct store_platform_dose pd = {.doc_type = IDDOC_PASSPORT, .dose_number = 1};
	snprintf(pd.server_id, sizeof(pd.server_id), "Immunization/9");
	snprintf(pd.doc_number, sizeof(pd.doc_number), "%s", PASSPORT);
	snprintf(pd.product, sizeof(pd.product), "bbibp-corv");
	pd.given_on = repo_day("2021-05-01");
	uint8_t png[64];
	size_t png_n = signature(png);
	char job[STORE_ID_LEN + 1];

	assert_int_equal(store_begin(st), VB_OK);
	assert_int_equal(store_consent_add(st, &c, png, png_n, "kiosk", repo_at(DAY, 9, 2)), VB_OK);
	assert_int_equal(store_dose_add(st, &d, REPO_STAFF, repo_at(DAY, 9, 30)), VB_OK);
	snprintf(cert->dose_id, sizeof(cert->dose_id), "%s", d.id);
	assert_int_equal(store_cert_add(st, cert, REPO_STAFF, repo_at(DAY, 10, 0)), VB_OK);
	assert_int_equal(store_print_add(st, "certificate", cert->id, (const uint8_t *)PRINT_MARK,
					 strlen(PRINT_MARK), "kiosk", repo_at(DAY, 10, 0), job),
			 VB_OK);
	assert_int_equal(store_history_expect(st, IDDOC_PASSPORT, PASSPORT, 1), VB_OK);
	assert_int_equal(store_history_add(st, &pd, 1), VB_OK);
	assert_int_equal(store_commit(st), VB_OK);

	assert_true(repo_db_has(f, "consent.text_v1")); /* the search sees clear text */
	assert_no_marks(f);
	assert_int_equal(repo_count(st, "SELECT (SELECT typeof(signature) FROM consent)"
					" || (SELECT typeof(payload) FROM certificate)"
					" || (SELECT typeof(bytes) FROM print_job)"
					" || (SELECT typeof(doc_number) FROM expected)"
					" = 'blobblobblobblob'"),
			 1);
	assert_int_equal(repo_count(st, "SELECT count(*) FROM pragma_table_info('platform_dose')"
					" WHERE name = 'doc_number'"),
			 0);
	char got[128], hex[2 * STORE_HASH_LEN + 1];
	assert_int_equal(expected_numbers(st, got), VB_OK);
	assert_string_equal(got, "E98765432;");
	passport_hash(st, PASSPORT, hex);
	assert_int_equal(
	    repo_count(st, "SELECT count(*) FROM platform_dose WHERE lower(hex(doc_hash)) = '%s'",
		       hex),
	    1);
	assert_int_equal(store_history_set_cursor(st, IDDOC_PASSPORT, PASSPORT, "2021-05-02"),
			 VB_OK);
	assert_int_equal(store_history_set_cursor(st, IDDOC_PASSPORT, "E00000000", "2021-05-02"),
			 VB_ENOTFOUND);
	check_consent(st, v.id);
	check_cert(st, d.id);
	check_print(st);
	free(cert);
	person_wipe(&p);
}

/* A sealed value copied onto another row does not open there. */
static void test_moved_value_refused(void **state)
{
	struct repo_fx *f = *state;
	struct store *st = f->st;
	char a[STORE_ID_LEN + 1], b[STORE_ID_LEN + 1], sql[256], got[128];
	assert_int_equal(store_begin(st), VB_OK);
	assert_int_equal(store_print_add(st, "ticket", NULL, (const uint8_t *)PRINT_MARK,
					 strlen(PRINT_MARK), "kiosk", 1, a),
			 VB_OK);
	assert_int_equal(
	    store_print_add(st, "ticket", NULL, (const uint8_t *)"other", 5, "kiosk", 2, b), VB_OK);
	assert_int_equal(store_history_expect(st, IDDOC_PASSPORT, PASSPORT, 1), VB_OK);
	assert_int_equal(store_history_expect(st, IDDOC_PASSPORT, "E11111111", 1), VB_OK);
	assert_int_equal(store_commit(st), VB_OK);
	assert_int_equal(expected_numbers(st, got), VB_OK);

	snprintf(sql, sizeof(sql),
		 "UPDATE print_job SET (bytes, n_bytes) = (SELECT bytes, n_bytes FROM print_job"
		 " WHERE id = '%s') WHERE id = '%s'",
		 a, b);
	raw_exec(st->db, sql);
	assert_int_equal(store_print_done(st, a, 3), VB_OK);
	struct store_print_job j;
	uint8_t *bytes = NULL;
	assert_int_equal(store_print_next(st, &j, &bytes), VB_ECORRUPT);
	assert_null(bytes);
	assert_non_null(strstr(store_errmsg(st), "print_job.bytes"));

	raw_exec(st->db, "UPDATE expected SET doc_number = (SELECT max(doc_number) FROM expected)");
	assert_int_equal(expected_numbers(st, got), VB_ECORRUPT);
	assert_non_null(strstr(store_errmsg(st), "expected.doc_number"));
}

/* f's database replaced by one as schema 8 left it, with the rows of
 * migration 9's tables stored in clear (references left out: foreign
 * keys are off here). */
static void make_schema8(struct repo_fx *f)
{
	sqlite3 *db = repo_replace_at(f, 8);
	char sql[2048];
	snprintf(
	    sql, sizeof(sql),
	    "INSERT INTO meta VALUES ('bus_id', 'BUS-0042'), ('site_id', 'SITE-A');"
	    "INSERT INTO expected VALUES ('passport', '%s', '2021-05-02', 1);"
	    "INSERT INTO platform_dose VALUES ('Immunization/9', 'passport', '%s',"
	    " 'bbibp-corv', 'L1', 1, '2021-05-01', NULL, 1);"
	    "INSERT INTO consent VALUES ('c1', 'v1', 'consent.text_v1', 'zh', '',"
	    " CAST(x'89504e470d0a1a0a' || '%s' AS BLOB), 1);"
	    "INSERT INTO certificate VALUES ('k1', 'v1', 'd1', 'p1', 'dcc', '%s', 'kid', '', 1,"
	    " 2, 1);"
	    "INSERT INTO print_job (id, kind, record_id, bytes, created_at, updated_at)"
	    " VALUES ('j1', 'certificate', 'k1', CAST('%s' AS BLOB), 1, 1);",
	    PASSPORT, PASSPORT, SIG_MARK, CERT_MARK, PRINT_MARK);
	raw_exec(db, sql);
	sqlite3_close(db);
}

static void test_migration_seals_clear_rows(void **state)
{
	struct repo_fx *f = *state;
	struct vb_reason why;
	char got[128], hex[2 * STORE_HASH_LEN + 1];
	make_schema8(f);
	for (size_t i = 0; i < sizeof(marks) / sizeof(marks[0]); i++)
		assert_true(repo_db_has(f, marks[i])); /* the search sees the clear rows */

	/* Without the key nothing can be sealed: nothing changes. */
	store_key_clear();
	assert_int_not_equal(store_open(f->path, &f->st, &why), VB_OK);
	assert_string_equal(why.code, "migration_failed");
	assert_non_null(strstr(why.text, "data key"));
	sqlite3 *db = raw_open(f->path);
	assert_int_equal(raw_int(db, "PRAGMA user_version"), 8);
	assert_int_equal(raw_int(db, "SELECT count(*) FROM consent WHERE typeof(signature) = 'blob'"
				     " AND substr(signature, 1, 4) = x'89504e47'"),
			 1);
	sqlite3_close(db);

	repo_key_set(0x42);
	assert_int_equal(store_open(f->path, &f->st, &why), VB_OK);
	assert_int_equal(raw_int(f->st->db, "PRAGMA user_version"), store_schema_latest());
	assert_int_equal(store_integrity_check(f->st), VB_OK);
	assert_no_marks(f); /* the old pages were overwritten, the log emptied */

	assert_int_equal(expected_numbers(f->st, got), VB_OK);
	assert_string_equal(got, "E98765432;");
	assert_int_equal(repo_count(f->st, "SELECT count(*) FROM expected WHERE cursor ="
					   " '2021-05-02'"),
			 1);
	passport_hash(f->st, PASSPORT, hex);
	assert_int_equal(repo_count(f->st,
				    "SELECT count(*) FROM platform_dose WHERE lower(hex(doc_hash))"
				    " = '%s' AND server_id = 'Immunization/9' AND lot = 'L1'",
				    hex),
			 1);
	check_consent(f->st, "v1");
	check_cert(f->st, "d1");
	check_print(f->st);
	/* The never-changed rules came back with the rebuilt tables. */
	assert_int_equal(raw_exec_rc(f->st->db, "UPDATE consent SET lang = 'en'"),
			 SQLITE_CONSTRAINT_TRIGGER);
	assert_int_equal(raw_exec_rc(f->st->db, "UPDATE certificate SET kid = 'x'"),
			 SQLITE_CONSTRAINT_TRIGGER);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, repo_setup, repo_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_not_in_clear),
	    T(test_moved_value_refused),
	    T(test_migration_seals_clear_rows),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
