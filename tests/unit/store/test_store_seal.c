/* Personal fields sealed at rest (store_seal.h): not in the file in clear,
 * found by document through the keyed hashes, tampering and moved values
 * detected, another key refused, nothing written without a key, a
 * database of schema 6 with persons in clear sealed by migration 7, and
 * the purge of persons the platform holds (store_person_purge). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "store_repo_test.h"
#include "store_history.h"
#include "store_seal.h"

static const char NAME[] = "欧阳明月";
static const char PHONE[] = "13987654321";
static const char ADDRESS[] = "河北省石家庄市长安区中山东路17号";

static void test_fields_not_in_clear(void **state)
{
	struct repo_fx *f = *state;
	struct person p;
	repo_person(&p, NAME, "19760521", "047", PHONE, ADDRESS);
	repo_add_person(f->st, &p);

	/* The search can see what is stored in clear (it can fail). */
	assert_true(repo_db_has(f, REPO_BUS));
	assert_true(repo_db_has(f, p.id));
	const char *const secret[] = {NAME, PHONE, ADDRESS, p.doc.number};
	for (size_t i = 0; i < 4; i++)
		if (repo_db_has(f, secret[i]))
			fail_msg("personal field %zu is in the file in clear", i);
	/* The columns are BLOBs that read as none of the values. */
	static const char *const cols[] = {"doc_number", "name", "nation", "address", "phone"};
	for (size_t i = 0; i < 5; i++) {
		char sql[128];
		snprintf(sql, sizeof(sql),
			 "SELECT count(*) FROM person WHERE typeof(%s) = 'blob'"
			 " AND length(%s) >= 56",
			 cols[i], cols[i]);
		assert_int_equal(raw_int(f->st->db, sql), 1);
	}
	assert_int_equal(repo_count(f->st, "SELECT count(*) FROM person WHERE CAST(name AS TEXT)"
					   " LIKE '%%欧阳%%' OR CAST(doc_number AS TEXT) LIKE "
					   "'%%0521%%'"),
			 0);
	/* The same value sealed twice differs (a nonce per value). */
	struct person q;
	repo_person(&q, NAME, "19760521", "063", PHONE, ADDRESS);
	repo_add_person(f->st, &q);
	assert_int_equal(repo_count(f->st, "SELECT count(DISTINCT name) FROM person"), 2);
}

static void test_lookup_by_document(void **state)
{
	struct repo_fx *f = *state;
	struct person p, q, got;
	repo_person(&p, NAME, "19760521", "047", PHONE, ADDRESS);
	repo_person(&q, "李四", "19800101", "013", "", "");
	repo_add_person(f->st, &p);
	repo_add_person(f->st, &q);

	assert_int_equal(store_person_find_doc(f->st, p.doc.type, p.doc.number, &got), VB_OK);
	assert_string_equal(got.id, p.id);
	assert_string_equal(got.name, NAME);
	assert_string_equal(got.doc.number, p.doc.number);
	assert_string_equal(got.address, ADDRESS);
	assert_string_equal(got.phone, PHONE);
	person_wipe(&got);
	assert_int_equal(store_person_find_doc(f->st, q.doc.type, q.doc.number, &got), VB_OK);
	assert_string_equal(got.id, q.id);
	assert_string_equal(got.phone, "");
	person_wipe(&got);

	char other[19];
	repo_cn_number("110105", "19760521", "055", other);
	assert_int_equal(store_person_find_doc(f->st, IDDOC_CN_RESIDENT, other, &got),
			 VB_ENOTFOUND);
	/* The same document again is refused through the hash index. */
	struct person again;
	repo_person(&again, "别人", "19760521", "047", "", "");
	assert_int_equal(store_begin(f->st), VB_OK);
	assert_int_equal(store_person_add(f->st, &again, "kiosk", repo_at("2021-06-01", 9, 0)),
			 VB_EEXIST);
	assert_int_equal(store_rollback(f->st), VB_OK);
	assert_int_equal(repo_total(f->st, "person"), 2);
	/* The platform's doses of a registered resident find them by hash. */
	struct store_platform_dose d;
	memset(&d, 0, sizeof(d));
	snprintf(d.server_id, sizeof(d.server_id), "srv-1");
	d.doc_type = p.doc.type;
	snprintf(d.doc_number, sizeof(d.doc_number), "%s", p.doc.number);
	snprintf(d.product, sizeof(d.product), "bbibp-corv");
	d.dose_number = 1;
	d.given_on = repo_day("2021-05-01");
	assert_int_equal(store_begin(f->st), VB_OK);
	assert_int_equal(store_history_add(f->st, &d, repo_at("2021-06-01", 9, 0)), VB_OK);
	assert_int_equal(store_commit(f->st), VB_OK);
	assert_int_equal(
	    repo_count(f->st, "SELECT count(*) FROM dose WHERE person_id = '%s'", p.id), 1);
}

/* Runs sql (ids only) on a raw connection to f's file. */
static void raw_on(struct repo_fx *f, const char *sql)
{
	sqlite3 *db = raw_open(f->path);
	raw_exec(db, sql);
	sqlite3_close(db);
}

/* Flips the lowest bit of byte `at` of the BLOB in column of row id. */
static void raw_flip(struct repo_fx *f, const char *id, const char *column, int at)
{
	char sql[160];
	unsigned char buf[600];
	sqlite3 *db = raw_open(f->path);
	sqlite3_stmt *s = NULL;
	snprintf(sql, sizeof(sql), "SELECT %s FROM person WHERE id = ?1", column);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &s, NULL), SQLITE_OK);
	sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	int n = sqlite3_column_bytes(s, 0);
	assert_true(n > at && (size_t)n <= sizeof(buf));
	memcpy(buf, sqlite3_column_blob(s, 0), (size_t)n);
	sqlite3_finalize(s);
	buf[at] ^= 1;
	snprintf(sql, sizeof(sql), "UPDATE person SET %s = ?2 WHERE id = ?1", column);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &s, NULL), SQLITE_OK);
	sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_blob(s, 2, buf, n, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(s), SQLITE_DONE);
	sqlite3_finalize(s);
	sqlite3_close(db);
}

static void test_tampering_detected(void **state)
{
	struct repo_fx *f = *state;
	struct person p, q, got;
	char sql[512];
	repo_person(&p, NAME, "19760521", "047", PHONE, ADDRESS);
	repo_person(&q, "李四", "19800101", "013", "13800000000", "天津");
	repo_add_person(f->st, &p);
	repo_add_person(f->st, &q);

	/* One bit of the ciphertext flipped. */
	raw_flip(f, p.id, "name", 30);
	memset(&got, 0x5a, sizeof(got));
	assert_int_equal(store_person_get(f->st, p.id, &got), VB_ECORRUPT);
	assert_non_null(strstr(store_errmsg(f->st), "person.name"));
	assert_non_null(strstr(store_errmsg(f->st), "authentication"));
	assert_null(strstr(store_errmsg(f->st), NAME));

	/* q's own sealed phone moved into p's row, and into q's address. */
	snprintf(sql, sizeof(sql),
		 "UPDATE person SET phone = (SELECT phone FROM person WHERE id = '%s')"
		 " WHERE id = '%s'",
		 q.id, p.id);
	raw_on(f, sql);
	snprintf(sql, sizeof(sql), "UPDATE person SET address = phone WHERE id = '%s'", q.id);
	raw_on(f, sql);
	assert_int_equal(store_person_get(f->st, q.id, &got), VB_ECORRUPT);
	assert_non_null(strstr(store_errmsg(f->st), "person.address"));
	/* A look-up by document meets the same refusal, not garbage. */
	assert_int_equal(store_person_find_doc(f->st, q.doc.type, q.doc.number, &got), VB_ECORRUPT);

	/* A truncated value is malformed. */
	struct person r;
	repo_person(&r, "王五", "19900101", "019", "", "");
	repo_add_person(f->st, &r);
	snprintf(sql, sizeof(sql), "UPDATE person SET nation = x'00' WHERE id = '%s'", r.id);
	raw_on(f, sql);
	assert_int_equal(store_person_get(f->st, r.id, &got), VB_ECORRUPT);
	assert_non_null(strstr(store_errmsg(f->st), "malformed"));
}

static void test_wrong_key_refused(void **state)
{
	struct repo_fx *f = *state;
	struct person p;
	struct vb_reason why;
	char check[80], after[80];
	repo_person(&p, NAME, "19760521", "047", PHONE, ADDRESS);
	repo_add_person(f->st, &p);
	raw_text(f->st->db, "SELECT value FROM meta WHERE key = 'data_key_check'", check,
		 sizeof(check));
	assert_int_equal(strlen(check), 64);
	store_close(f->st);
	f->st = NULL;

	struct store *st = NULL;
	repo_key_set(0x43);
	assert_int_equal(store_open(f->path, &st, &why), VB_EREFUSED);
	assert_null(st);
	assert_string_equal(why.code, "wrong_key");
	sqlite3 *db = raw_open(f->path);
	raw_text(db, "SELECT value FROM meta WHERE key = 'data_key_check'", after, sizeof(after));
	assert_string_equal(after, check);
	assert_int_equal(raw_int(db, "SELECT count(*) FROM person"), 1);
	sqlite3_close(db);

	/* The right key opens it again. */
	repo_key_set(0x42);
	assert_int_equal(store_open(f->path, &f->st, &why), VB_OK);
	struct person got;
	assert_int_equal(store_person_get(f->st, p.id, &got), VB_OK);
	assert_string_equal(got.name, NAME);
	person_wipe(&got);
}

static void test_no_key_writes_nothing(void **state)
{
	struct repo_fx *f = *state;
	struct person p, got;
	struct vb_reason why;
	repo_person(&p, NAME, "19760521", "047", PHONE, ADDRESS);
	repo_add_person(f->st, &p);
	store_close(f->st);
	store_key_clear();
	assert_int_equal(store_open(f->path, &f->st, &why), VB_OK); /* no persons to seal */

	assert_int_equal(store_person_get(f->st, p.id, &got), VB_ESTATE);
	assert_non_null(strstr(store_errmsg(f->st), "data key"));
	assert_int_equal(store_person_find_doc(f->st, p.doc.type, p.doc.number, &got), VB_ESTATE);
	struct person q;
	repo_person(&q, "李四", "19800101", "013", "", "");
	assert_int_equal(store_begin(f->st), VB_OK);
	assert_int_equal(store_person_add(f->st, &q, "kiosk", repo_at("2021-06-01", 9, 0)),
			 VB_ESTATE);
	assert_int_equal(store_commit(f->st), VB_OK);
	assert_int_equal(repo_total(f->st, "person"), 1);
	assert_int_equal(repo_total(f->st, "outbox"), 1);
}

/* f's database replaced by one as schema 6 left it, with two persons
 * (one the other's proxy) stored in clear and a visit referring to one
 * of them. */
static void make_schema6(struct repo_fx *f)
{
	sqlite3 *db = repo_replace_at(f, 6);
	raw_exec(db,
		 "INSERT INTO meta VALUES ('bus_id', 'BUS-0042'), ('site_id', 'SITE-A');"
		 "INSERT INTO person (id, doc_type, doc_number, doc_country, doc_key, name, sex,"
		 " birth, nation, address, phone, source, bus_id, site_id, created_at, updated_at)"
		 " VALUES ('01890a5d-ac96-774b-bcce-b302099a8057', 'cn-resident',"
		 " '11010519760521047X', '', 'cn-resident:11010519760521047X', '欧阳明月', 1,"
		 " '1976-05-21', '01', '河北省石家庄市长安区中山东路17号', '13987654321', 'card',"
		 " 'BUS-0042', 'SITE-A', 1, 1);"
		 "INSERT INTO person (id, doc_type, doc_number, doc_country, doc_key, name, sex,"
		 " birth, nation, address, phone, source, registered_by, relationship, bus_id,"
		 " site_id, created_at, updated_at)"
		 " VALUES ('01890a5d-ac96-774b-bcce-b302099a8058', 'passport', 'E12345678', 'CHN',"
		 " 'passport:CHN:E12345678', 'ANNA ERIKSSON', 2, '2015-01-01', '', '', '', 'mrz',"
		 " '01890a5d-ac96-774b-bcce-b302099a8057', 'child', 'BUS-0042', 'SITE-A', 1, 1);"
		 "INSERT INTO visit (id, person_id, state, day, ticket_no, ticket, bus_id, site_id,"
		 " created_at, updated_at) VALUES ('01890a5d-ac96-774b-bcce-b302099a8059',"
		 " '01890a5d-ac96-774b-bcce-b302099a8058', 'arrived', '2021-06-01', 1, 'A001',"
		 " 'BUS-0042', 'SITE-A', 1, 1);");
	sqlite3_close(db);
}

static void test_migration_seals_clear_rows(void **state)
{
	struct repo_fx *f = *state;
	struct vb_reason why;
	struct person got;
	make_schema6(f);
	assert_true(repo_file_has(f->path, "13987654321")); /* the search sees clear rows */

	/* Without the key the persons cannot be sealed: nothing changes. */
	store_key_clear();
	assert_int_equal(store_open(f->path, &f->st, &why), VB_ESTATE);
	assert_string_equal(why.code, "migration_failed");
	assert_non_null(strstr(why.text, "data key"));
	sqlite3 *db = raw_open(f->path);
	assert_int_equal(raw_int(db, "PRAGMA user_version"), 6);
	assert_int_equal(raw_int(db, "SELECT count(*) FROM person WHERE typeof(name) = 'text'"), 2);
	sqlite3_close(db);

	repo_key_set(0x42);
	assert_int_equal(store_open(f->path, &f->st, &why), VB_OK);
	assert_int_equal(raw_int(f->st->db, "PRAGMA user_version"), store_schema_latest());
	assert_int_equal(raw_int(f->st->db, "PRAGMA foreign_keys"), 1);
	assert_int_equal(
	    repo_count(f->st, "SELECT count(*) FROM person WHERE typeof(name) = 'blob'"), 2);
	assert_int_equal(store_integrity_check(f->st), VB_OK);
	/* The clear rows' old pages were overwritten, not just freed. */
	static const char *const secret[] = {"13987654321", "11010519760521047X", "E12345678",
					     "ANNA ERIKSSON", "中山东路"};
	for (size_t i = 0; i < 5; i++)
		if (repo_db_has(f, secret[i]))
			fail_msg("migrated field %zu is in the file in clear", i);

	assert_int_equal(
	    store_person_find_doc(f->st, IDDOC_CN_RESIDENT, "11010519760521047X", &got), VB_OK);
	assert_string_equal(got.id, "01890a5d-ac96-774b-bcce-b302099a8057");
	assert_string_equal(got.address, "河北省石家庄市长安区中山东路17号");
	assert_string_equal(got.phone, "13987654321");
	assert_string_equal(got.nation, "01");
	person_wipe(&got);
	/* The passport by its de-duplication key (the issuing state). */
	assert_int_equal(store_person_get(f->st, "01890a5d-ac96-774b-bcce-b302099a8058", &got),
			 VB_OK);
	assert_string_equal(got.name, "ANNA ERIKSSON");
	assert_string_equal(got.doc.number, "E12345678");
	assert_string_equal(got.doc.country, "CHN");
	assert_string_equal(got.registered_by, "01890a5d-ac96-774b-bcce-b302099a8057");
	person_wipe(&got);
	/* References still hold: the visit's person and the proxy. */
	assert_int_equal(raw_int(f->st->db, "SELECT count(*) FROM pragma_foreign_key_check"), 0);
	assert_int_equal(raw_exec_rc(f->st->db, "DELETE FROM person WHERE id ="
						" '01890a5d-ac96-774b-bcce-b302099a8058'"),
			 SQLITE_CONSTRAINT_FOREIGNKEY);
}

static int64_t purge(struct repo_fx *f, const char *last_seen)
{
	int64_t n = -1;
	assert_int_equal(store_begin(f->st), VB_OK);
	assert_int_equal(store_person_purge(f->st, repo_day(last_seen), "admin",
					    repo_at("2021-08-01", 9, 0), &n),
			 VB_OK);
	assert_int_equal(store_commit(f->st), VB_OK);
	return n;
}

static void test_purge(void **state)
{
	struct repo_fx *f = *state;
	struct person old, pending, recent, got;
	struct store_visit v;
	char sql[256];
	repo_person(&old, NAME, "19760521", "047", PHONE, ADDRESS);
	repo_person(&pending, "李四", "19800101", "013", "13800000000", "天津");
	repo_person(&recent, "王五", "19900101", "019", "", "");
	repo_add_person(f->st, &old);
	repo_add_person(f->st, &pending);
	repo_add_person(f->st, &recent);
	repo_add_visit(f->st, old.id, "2021-06-01", repo_at("2021-06-01", 9, 0), &v);
	repo_add_visit(f->st, pending.id, "2021-06-01", repo_at("2021-06-01", 9, 5), &v);
	repo_add_visit(f->st, recent.id, "2021-07-20", repo_at("2021-07-20", 9, 0), &v);
	/* The platform acknowledged every record but pending's patient
	 * (changed since, it waits to be sent again). */
	raw_on(f, "UPDATE outbox SET state = 'acked'");
	snprintf(sql, sizeof(sql), "UPDATE outbox SET state = 'pending' WHERE record_id = '%s'",
		 pending.id);
	raw_on(f, sql);

	assert_int_equal(purge(f, "2021-05-31"), 0); /* nobody seen that early */
	assert_int_equal(
	    repo_count(f->st, "SELECT count(*) FROM audit WHERE action = 'person.purge'"), 0);
	assert_int_equal(purge(f, "2021-07-01"), 1);
	assert_int_equal(
	    repo_count(f->st, "SELECT count(*) FROM audit WHERE action ="
			      " 'person.purge' AND detail = 'persons=1 last_seen_by=2021-07-01'"),
	    1);
	assert_int_equal(repo_count(f->st,
				    "SELECT count(*) FROM person WHERE purged_at IS NOT NULL"
				    " AND name IS NULL AND doc_number IS NULL AND phone IS NULL"
				    " AND address IS NULL AND nation IS NULL AND id = '%s'",
				    old.id),
			 1);
	assert_int_equal(repo_count(f->st, "SELECT count(*) FROM person WHERE purged_at IS NULL"),
			 2);
	assert_int_equal(repo_total(f->st, "visit"), 3); /* counts stay */
	assert_int_equal(store_person_get(f->st, old.id, &got), VB_OK);
	assert_string_equal(got.name, "");
	assert_string_equal(got.doc.number, "");
	assert_string_equal(got.phone, "");
	assert_int_equal(got.birth, old.birth);
	assert_int_equal(store_person_find_doc(f->st, old.doc.type, old.doc.number, &got),
			 VB_ENOTFOUND);
	assert_int_equal(store_person_get(f->st, pending.id, &got), VB_OK);
	assert_string_equal(got.name, "李四");
	person_wipe(&got);
	assert_int_equal(purge(f, "2021-07-01"), 0); /* once */

	/* Back on the bus: the same record is filled again and queued. */
	struct person back;
	repo_person(&back, NAME, "19760521", "047", "13700000000", "");
	repo_add_person(f->st, &back);
	assert_string_equal(back.id, old.id);
	assert_int_equal(repo_audit_rows(f->st, "person.refill", old.id), 1);
	assert_int_equal(repo_count(f->st,
				    "SELECT count(*) FROM outbox WHERE record_id = '%s'"
				    " AND state = 'pending'",
				    old.id),
			 1);
	assert_int_equal(store_person_find_doc(f->st, old.doc.type, old.doc.number, &got), VB_OK);
	assert_string_equal(got.id, old.id);
	assert_string_equal(got.name, NAME);
	assert_string_equal(got.phone, "13700000000");
	person_wipe(&got);
	assert_int_equal(repo_total(f->st, "person"), 3);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, repo_setup, repo_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_fields_not_in_clear),
	    T(test_lookup_by_document),
	    T(test_tampering_detected),
	    T(test_wrong_key_refused),
	    T(test_no_key_writes_nothing),
	    T(test_migration_seals_clear_rows),
	    T(test_purge),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
