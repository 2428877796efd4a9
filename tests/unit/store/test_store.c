/* The store's connection: open, migrate, reopen, refusals, pragmas in
 * effect, transactions, meta and identity, the error mapping. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "store.h"
#include "store_id.h"
#include "store_int.h"
#include "store_meta.h"
#include "store_test.h"
#include "vb_error.h"

struct fixture {
	struct tdir dir;
	char path[300];
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	assert_non_null(f);
	tdir_init(&f->dir);
	tdir_file(&f->dir, "bus.db", f->path, sizeof(f->path));
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	tdir_cleanup(&f->dir);
	free(f);
	return 0;
}

static struct store *open_ok(const char *path)
{
	struct store *st = NULL;
	struct vb_reason why;
	int rc = store_open(path, &st, &why);
	if (rc)
		fail_msg("store_open: %s (%s)", why.text, why.code ? why.code : "-");
	assert_null(why.code);
	return st;
}

static void test_open_creates_and_reopens(void **state)
{
	struct fixture *f = *state;
	char id1[64], id2[64], created[32];
	int version = -1;

	struct store *st = open_ok(f->path);
	assert_int_equal(store_schema_version(st, &version), VB_OK);
	assert_int_equal(version, store_schema_latest());
	assert_true(store_schema_latest() >= 1);
	assert_int_equal(store_meta_get(st, "database_id", id1, sizeof(id1)), VB_OK);
	assert_int_equal(store_id_check(id1), VB_OK);
	assert_int_equal(store_meta_get(st, "created_at", created, sizeof(created)), VB_OK);
	assert_true(atoll(created) > 1600000000);
	assert_int_equal(store_integrity_check(st), VB_OK);
	store_close(st);

	/* Reopening migrates nothing and keeps the identity. */
	st = open_ok(f->path);
	assert_int_equal(store_meta_get(st, "database_id", id2, sizeof(id2)), VB_OK);
	assert_string_equal(id1, id2);
	assert_int_equal(store_schema_version(st, &version), VB_OK);
	assert_int_equal(version, store_schema_latest());
	store_close(st);

	/* Every table is STRICT. */
	sqlite3 *db = raw_open(f->path);
	assert_int_equal(raw_int(db, "SELECT count(*) FROM pragma_table_list WHERE schema = 'main'"
				     " AND name NOT LIKE 'sqlite_%' AND strict = 0"),
			 0);
	assert_int_equal(raw_int(db, "SELECT count(*) FROM pragma_table_list WHERE schema = 'main'"
				     " AND name IN ('meta', 'outbox', 'audit') AND strict = 1"),
			 3);
	sqlite3_close(db);
	store_close(NULL);
}

static void test_pragmas_in_effect(void **state)
{
	struct fixture *f = *state;
	char mode[16];
	struct store *st = open_ok(f->path);
	raw_text(st->db, "PRAGMA journal_mode", mode, sizeof(mode));
	assert_string_equal(mode, "wal");
	assert_int_equal(raw_int(st->db, "PRAGMA synchronous"), 2); /* FULL */
	assert_int_equal(raw_int(st->db, "PRAGMA foreign_keys"), 1);
	assert_int_equal(raw_int(st->db, "PRAGMA busy_timeout"), STORE_BUSY_TIMEOUT_MS);
	store_close(st);
}

static void test_newer_version_refused(void **state)
{
	struct fixture *f = *state;
	char sql[64];
	struct store *st = open_ok(f->path);
	store_close(st);

	sqlite3 *db = raw_open(f->path);
	snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", store_schema_latest() + 1);
	raw_exec(db, sql);
	sqlite3_close(db);

	struct store *sentinel = (struct store *)&sql;
	struct vb_reason why;
	st = sentinel;
	assert_int_equal(store_open(f->path, &st, &why), VB_ECORRUPT);
	assert_ptr_equal(st, sentinel); /* out untouched */
	assert_string_equal(why.code, "schema_too_new");
	assert_non_null(strstr(why.text, "newer than this program"));

	/* The refusal changed nothing. */
	db = raw_open(f->path);
	assert_int_equal(raw_int(db, "PRAGMA user_version"), store_schema_latest() + 1);
	sqlite3_close(db);
}

static void test_not_a_database(void **state)
{
	struct fixture *f = *state;
	FILE *fp = fopen(f->path, "w");
	assert_non_null(fp);
	for (int i = 0; i < 64; i++)
		fputs("this is a text file, not a database\n", fp);
	fclose(fp);
	struct store *st = NULL;
	struct vb_reason why;
	assert_int_equal(store_open(f->path, &st, &why), VB_ECORRUPT);
	assert_null(st);
	assert_string_equal(why.code, "not_a_database");
}

static void test_open_bad_path(void **state)
{
	struct fixture *f = *state;
	char path[400];
	struct store *st = NULL;
	struct vb_reason why;
	snprintf(path, sizeof(path), "%s/no/such/dir/bus.db", f->dir.dir);
	assert_int_equal(store_open(path, &st, &why), VB_EIO);
	assert_string_equal(why.code, "open_failed");
	assert_int_equal(store_open("", &st, &why), VB_EINVAL);
	assert_int_equal(store_open(NULL, &st, NULL), VB_EINVAL);
	assert_null(st);
}

static void test_migration_is_atomic(void **state)
{
	struct fixture *f = *state;
	/* A stray table with the name step 1 needs: step 1 fails half-way. */
	sqlite3 *db = raw_open(f->path);
	raw_exec(db, "CREATE TABLE audit (x INTEGER)");
	sqlite3_close(db);

	struct store *st = NULL;
	struct vb_reason why;
	assert_int_not_equal(store_open(f->path, &st, &why), VB_OK);
	assert_null(st);
	assert_string_equal(why.code, "migration_failed");
	assert_non_null(strstr(why.text, "migration 1"));

	db = raw_open(f->path);
	assert_int_equal(raw_int(db, "PRAGMA user_version"), 0);
	assert_int_equal(raw_int(db, "SELECT count(*) FROM sqlite_schema WHERE name IN"
				     " ('meta', 'outbox', 'audit_no_update')"),
			 0);
	raw_exec(db, "DROP TABLE audit");
	sqlite3_close(db);

	/* Once the obstacle is gone the same file migrates. */
	st = open_ok(f->path);
	store_close(st);
}

static void test_meta_without_database_id_refused(void **state)
{
	struct fixture *f = *state;
	store_close(open_ok(f->path));
	sqlite3 *db = raw_open(f->path);
	raw_exec(db, "DELETE FROM meta WHERE key = 'database_id'");
	sqlite3_close(db);
	struct store *st = NULL;
	struct vb_reason why;
	assert_int_equal(store_open(f->path, &st, &why), VB_ECORRUPT);
	assert_string_equal(why.code, "schema_invalid");
}

static void test_transactions(void **state)
{
	struct fixture *f = *state;
	char v[16];
	struct store *st = open_ok(f->path);

	assert_int_equal(store_in_transaction(st), 0);
	assert_int_equal(store_commit(st), VB_ESTATE);
	assert_int_equal(store_rollback(st), VB_OK); /* none open: no-op */

	assert_int_equal(store_begin(st), VB_OK);
	assert_int_equal(store_in_transaction(st), 1);
	assert_int_equal(store_begin(st), VB_ESTATE);
	assert_non_null(strstr(store_errmsg(st), "already open"));
	assert_int_equal(store_meta_set(st, "cursor", "17"), VB_OK);
	assert_int_equal(store_rollback(st), VB_OK);
	assert_int_equal(store_meta_get(st, "cursor", v, sizeof(v)), VB_ENOTFOUND);

	assert_int_equal(store_begin(st), VB_OK);
	assert_int_equal(store_meta_set(st, "cursor", "18"), VB_OK);
	assert_int_equal(store_commit(st), VB_OK);
	assert_int_equal(store_in_transaction(st), 0);
	store_close(st);

	/* Committed data survives a reopen; an open transaction at close is
	 * rolled back. */
	st = open_ok(f->path);
	assert_int_equal(store_meta_get(st, "cursor", v, sizeof(v)), VB_OK);
	assert_string_equal(v, "18");
	assert_int_equal(store_begin(st), VB_OK);
	assert_int_equal(store_meta_set(st, "cursor", "19"), VB_OK);
	store_close(st);
	st = open_ok(f->path);
	assert_int_equal(store_meta_get(st, "cursor", v, sizeof(v)), VB_OK);
	assert_string_equal(v, "18");
	store_close(st);
}

static void test_wal_reader_and_write_lock(void **state)
{
	struct fixture *f = *state;
	struct store *a = open_ok(f->path);
	struct store *b = open_ok(f->path);
	char v[16];
	/* WAL: a reader on b runs beside a's write transaction and sees the
	 * last committed state. */
	assert_int_equal(store_begin(a), VB_OK);
	assert_int_equal(store_meta_set(a, "k", "1"), VB_OK);
	assert_int_equal(store_meta_get(b, "k", v, sizeof(v)), VB_ENOTFOUND);
	/* The write lock is a's: b's BEGIN IMMEDIATE is refused as busy
	 * (busy timeout cut to 0 so the test does not wait). */
	sqlite3_busy_timeout(b->db, 0);
	assert_int_equal(store_begin(b), VB_EBUSY);
	assert_int_equal(store_in_transaction(b), 0);
	assert_int_equal(store_commit(a), VB_OK);
	assert_int_equal(store_begin(b), VB_OK);
	assert_int_equal(store_rollback(b), VB_OK);
	assert_int_equal(store_meta_get(b, "k", v, sizeof(v)), VB_OK);
	assert_string_equal(v, "1");
	store_close(b);
	store_close(a);
}

static void test_meta(void **state)
{
	struct fixture *f = *state;
	struct store *st = open_ok(f->path);
	char v[8] = "keep", big[STORE_META_VALUE_MAX + 2];

	assert_int_equal(store_meta_set(st, "sync.cursor", "12345"), VB_OK);
	assert_int_equal(store_meta_set(st, "sync.cursor", "123456"), VB_OK);
	assert_int_equal(store_meta_get(st, "sync.cursor", v, sizeof(v)), VB_OK);
	assert_string_equal(v, "123456");
	/* Too small a buffer: VB_ERANGE and the buffer untouched. */
	assert_int_equal(store_meta_set(st, "long", "12345678"), VB_OK);
	memcpy(v, "keep", 5);
	assert_int_equal(store_meta_get(st, "long", v, sizeof(v)), VB_ERANGE);
	assert_string_equal(v, "keep");
	assert_int_equal(store_meta_get(st, "missing", v, sizeof(v)), VB_ENOTFOUND);
	assert_string_equal(v, "keep");

	static const char *const bad_keys[] = {"database_id", "created_at", "bus_id", "site_id",
					       "audit_seq",   "audit_hash", "",	      "a b",
					       "a\tb",	      "中文"};
	for (size_t i = 0; i < sizeof(bad_keys) / sizeof(bad_keys[0]); i++)
		assert_int_equal(store_meta_set(st, bad_keys[i], "x"), VB_EINVAL);
	assert_int_equal(store_meta_set(st, NULL, "x"), VB_EINVAL);
	assert_int_equal(store_meta_set(st, "k", NULL), VB_EINVAL);
	memset(big, 'k', STORE_META_KEY_MAX + 1);
	big[STORE_META_KEY_MAX + 1] = '\0';
	assert_int_equal(store_meta_set(st, big, "x"), VB_EINVAL);
	big[STORE_META_KEY_MAX] = '\0';
	assert_int_equal(store_meta_set(st, big, "x"), VB_OK);
	memset(big, 'v', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(store_meta_set(st, "v", big), VB_EINVAL);
	big[STORE_META_VALUE_MAX] = '\0';
	assert_int_equal(store_meta_set(st, "v", big), VB_OK);
	store_close(st);
}

static void test_identity(void **state)
{
	struct fixture *f = *state;
	struct store *st = open_ok(f->path);
	char bus[64], site[64];

	assert_int_equal(store_meta_get(st, "bus_id", bus, sizeof(bus)), VB_ENOTFOUND);
	assert_int_equal(store_meta_init_identity(st, "BUS-0042", "SITE-A"), VB_OK);
	/* The same bus again may move to another site. */
	assert_int_equal(store_meta_init_identity(st, "BUS-0042", "SITE-B"), VB_OK);
	assert_int_equal(store_meta_get(st, "site_id", site, sizeof(site)), VB_OK);
	assert_string_equal(site, "SITE-B");
	/* Another bus may not take the database over. */
	assert_int_equal(store_meta_init_identity(st, "BUS-0099", "SITE-C"), VB_EEXIST);
	assert_non_null(strstr(store_errmsg(st), "BUS-0042"));
	assert_int_equal(store_meta_get(st, "bus_id", bus, sizeof(bus)), VB_OK);
	assert_string_equal(bus, "BUS-0042");
	assert_int_equal(store_meta_get(st, "site_id", site, sizeof(site)), VB_OK);
	assert_string_equal(site, "SITE-B");
	assert_int_equal(store_in_transaction(st), 0);

	assert_int_equal(store_meta_init_identity(st, "", "S"), VB_EINVAL);
	assert_int_equal(store_meta_init_identity(st, "BUS 1", "S"), VB_EINVAL);
	assert_int_equal(store_meta_init_identity(st, "BUS-0042", NULL), VB_EINVAL);
	assert_int_equal(store_meta_set(st, "bus_id", "BUS-0099"), VB_EINVAL);
	store_close(st);

	/* It persists. */
	st = open_ok(f->path);
	assert_int_equal(store_meta_get(st, "bus_id", bus, sizeof(bus)), VB_OK);
	assert_string_equal(bus, "BUS-0042");
	store_close(st);
}

static void test_map_rc(void **state)
{
	(void)state;
	static const struct {
		int sqlite_rc, vb_rc;
	} cases[] = {
	    {SQLITE_OK, VB_OK},
	    {SQLITE_ROW, VB_OK},
	    {SQLITE_DONE, VB_OK},
	    {SQLITE_BUSY, VB_EBUSY},
	    {SQLITE_BUSY_SNAPSHOT, VB_EBUSY},
	    {SQLITE_LOCKED, VB_EBUSY},
	    {SQLITE_NOMEM, VB_ENOMEM},
	    {SQLITE_CONSTRAINT_UNIQUE, VB_EEXIST},
	    {SQLITE_CONSTRAINT_PRIMARYKEY, VB_EEXIST},
	    {SQLITE_CONSTRAINT_CHECK, VB_EINVAL},
	    {SQLITE_CONSTRAINT_NOTNULL, VB_EINVAL},
	    {SQLITE_CONSTRAINT_FOREIGNKEY, VB_EINVAL},
	    {SQLITE_CONSTRAINT_TRIGGER, VB_EINVAL},
	    {SQLITE_CONSTRAINT_DATATYPE, VB_EINVAL},
	    {SQLITE_MISMATCH, VB_EINVAL},
	    {SQLITE_CORRUPT, VB_ECORRUPT},
	    {SQLITE_NOTADB, VB_ECORRUPT},
	    {SQLITE_TOOBIG, VB_ERANGE},
	    {SQLITE_RANGE, VB_ERANGE},
	    {SQLITE_CANTOPEN, VB_EIO},
	    {SQLITE_IOERR_FSYNC, VB_ESTORAGE},
	    {SQLITE_FULL, VB_ESTORAGE},
	    {SQLITE_READONLY, VB_ESTORAGE},
	    {SQLITE_ERROR, VB_ESTORAGE},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (store_map_rc(cases[i].sqlite_rc) != cases[i].vb_rc)
			fail_msg("SQLite code %d mapped to %d, want %d", cases[i].sqlite_rc,
				 store_map_rc(cases[i].sqlite_rc), cases[i].vb_rc);
	}
}

static void test_errmsg_and_constraints(void **state)
{
	struct fixture *f = *state;
	struct store *st = open_ok(f->path);
	sqlite3_stmt *s = NULL;
	static const char SQL_DUP[] = "INSERT INTO meta (key, value) VALUES ('database_id', 'x')";
	static const char SQL_NULL[] = "INSERT INTO meta (key, value) VALUES ('k', NULL)";
	static const char SQL_BAD[] = "SELECT nope FROM nowhere";

	assert_string_equal(store_errmsg(st), "");
	assert_int_equal(store_stmt(st, SQL_DUP, &s), VB_OK);
	assert_int_equal(store_step_done(st, s), VB_EEXIST);
	assert_non_null(strstr(store_errmsg(st), "UNIQUE"));
	assert_int_equal(store_stmt(st, SQL_NULL, &s), VB_OK);
	assert_int_equal(store_step_done(st, s), VB_EINVAL);
	assert_non_null(strstr(store_errmsg(st), "NOT NULL"));
	assert_int_equal(store_stmt(st, SQL_BAD, &s), VB_ESTORAGE);
	assert_non_null(strstr(store_errmsg(st), "no such table"));
	assert_string_equal(store_errmsg(NULL), "no store handle");
	store_close(st);
}

static void test_stmt_cache(void **state)
{
	struct fixture *f = *state;
	struct store *st = open_ok(f->path);
	static const char SQL_A[] = "SELECT ?1 + 1";
	static const char SQL_B[] = "SELECT ?1 + 1";
	sqlite3_stmt *a1 = NULL, *a2 = NULL, *b = NULL;

	assert_int_equal(store_stmt(st, SQL_A, &a1), VB_OK);
	assert_int_equal(store_bind_int64(st, a1, 1, 41), VB_OK);
	assert_int_equal(store_step(st, a1), 1);
	assert_int_equal(sqlite3_column_int(a1, 0), 42);
	/* Fetching it again resets it and clears its bindings. */
	assert_int_equal(store_stmt(st, SQL_A, &a2), VB_OK);
	assert_ptr_equal(a1, a2);
	assert_int_equal(sqlite3_stmt_busy(a2), 0);
	assert_int_equal(store_step(st, a2), 1);
	assert_int_equal(sqlite3_column_type(a2, 0), SQLITE_NULL);
	store_stmt_reset(a2);
	/* The key is the address, not the text. */
	assert_int_equal(store_stmt(st, SQL_B, &b), VB_OK);
	assert_ptr_not_equal(a1, b);
	assert_int_equal(store_bind_int64(st, b, 7, 1), VB_ERANGE);
	/* One statement per entry: a second one would be ignored silently. */
	static const char SQL_TWO[] = "SELECT 1; SELECT 2";
	static const char SQL_ONE[] = "SELECT 1;\n";
	static const char SQL_EMPTY[] = "  -- nothing\n";
	assert_int_equal(store_stmt(st, SQL_TWO, &b), VB_EINVAL);
	assert_non_null(strstr(store_errmsg(st), "one statement"));
	assert_int_equal(store_stmt(st, SQL_ONE, &b), VB_OK);
	assert_int_equal(store_stmt(st, SQL_EMPTY, &b), VB_EINVAL);
	store_stmt_reset(NULL);
	store_close(st);
}

static void test_copy_utf8(void **state)
{
	(void)state;
	char buf[8];
	assert_int_equal(store_copy_utf8(buf, sizeof(buf), "abc"), 0);
	assert_string_equal(buf, "abc");
	assert_int_equal(store_copy_utf8(buf, sizeof(buf), "abcdefgh"), 1);
	assert_string_equal(buf, "abcdefg");
	/* "ab" + 疫 (3 bytes) + 苗 (3 bytes): 苗 would be split, so it goes. */
	assert_int_equal(store_copy_utf8(buf, sizeof(buf), "ab疫苗"), 1);
	assert_string_equal(buf, "ab疫");
	assert_int_equal(store_copy_utf8(buf, 1, "x"), 1);
	assert_string_equal(buf, "");
}

static void test_hex(void **state)
{
	(void)state;
	static const uint8_t b[4] = {0x00, 0x9f, 0xa0, 0xff};
	uint8_t back[4];
	char hex[9];
	store_hex(b, sizeof(b), hex);
	assert_string_equal(hex, "009fa0ff");
	assert_int_equal(store_unhex(hex, back, sizeof(back)), VB_OK);
	assert_memory_equal(b, back, sizeof(b));
	assert_int_equal(store_unhex("009FA0FF", back, sizeof(back)), VB_OK);
	assert_int_equal(store_unhex("009fa0f", back, sizeof(back)), VB_EINVAL);
	assert_int_equal(store_unhex("009fa0fg", back, sizeof(back)), VB_EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_open_creates_and_reopens, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_pragmas_in_effect, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_newer_version_refused, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_not_a_database, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_open_bad_path, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_migration_is_atomic, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_meta_without_database_id_refused, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_transactions, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_wal_reader_and_write_lock, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_meta, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_identity, setup, teardown),
	    cmocka_unit_test(test_map_rc),
	    cmocka_unit_test_setup_teardown(test_errmsg_and_constraints, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_stmt_cache, setup, teardown),
	    cmocka_unit_test(test_copy_utf8),
	    cmocka_unit_test(test_hex),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
