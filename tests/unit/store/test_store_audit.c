/* The audit log: append inside a transaction, the documented hash encoding
 * recomputed independently, verify, the append-only triggers, and
 * tampering made behind the store's back (edit, delete a middle row,
 * delete the last row, reorder, append, rewrite the tail, a copied chain,
 * a damaged head). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <openssl/evp.h>

#include "store.h"
#include "store_audit.h"
#include "store_id.h"
#include "store_meta.h"
#include "store_test.h"
#include "vb_error.h"

#define T0   1622505600
#define ROWS 6

/* The encoding of store_audit.h, written out again here so that the test
 * pins the format rather than echoing the implementation. */
struct enc {
	uint8_t b[2048];
	size_t n;
};

static void enc_i64(struct enc *e, int64_t v)
{
	for (int i = 0; i < 8; i++)
		e->b[e->n++] = (uint8_t)((uint64_t)v >> (56 - 8 * i));
}

static void enc_text(struct enc *e, const char *s)
{
	if (!s) {
		e->b[e->n++] = 0;
		return;
	}
	uint32_t len = (uint32_t)strlen(s);
	e->b[e->n++] = 1;
	for (int i = 0; i < 4; i++)
		e->b[e->n++] = (uint8_t)(len >> (24 - 8 * i));
	memcpy(e->b + e->n, s, len);
	e->n += len;
}

static void sha256(const void *p, size_t n, uint8_t out[32])
{
	unsigned int len = 0;
	assert_int_equal(EVP_Digest(p, n, out, &len, EVP_sha256(), NULL), 1);
	assert_int_equal(len, 32);
}

static void row_hash(int64_t seq, int64_t at, const char *actor, const char *action,
		     const char *record_id, const char *detail, const uint8_t prev[32],
		     uint8_t out[32])
{
	struct enc e = {.n = 0};
	enc_i64(&e, seq);
	enc_i64(&e, at);
	enc_text(&e, actor);
	enc_text(&e, action);
	enc_text(&e, record_id);
	enc_text(&e, detail);
	memcpy(e.b + e.n, prev, 32);
	e.n += 32;
	sha256(e.b, e.n, out);
}

static void genesis_of(struct store *st, uint8_t out[32])
{
	char id[STORE_ID_LEN + 1], buf[64];
	assert_int_equal(store_meta_get(st, "database_id", id, sizeof(id)), VB_OK);
	snprintf(buf, sizeof(buf), "vaxbus-audit%s", id);
	sha256(buf, strlen(buf), out);
}

static void blob_of(sqlite3 *db, const char *sql, uint8_t out[32])
{
	sqlite3_stmt *s = NULL;
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &s, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	assert_int_equal(sqlite3_column_bytes(s, 0), 32);
	memcpy(out, sqlite3_column_blob(s, 0), 32);
	sqlite3_finalize(s);
}

/* Appends ROWS entries in one transaction (one with NULL record and
 * detail, one with an empty detail). */
static void fill(struct store *st)
{
	assert_int_equal(store_begin(st), VB_OK);
	for (int i = 1; i <= ROWS; i++) {
		char rid[16], detail[32];
		snprintf(rid, sizeof(rid), "rec-%d", i);
		snprintf(detail, sizeof(detail), "lot=K%d dose=%d", 2021000 + i, i % 2 + 1);
		assert_int_equal(store_audit_append(st, T0 + i, "staff:0042", "dose.record",
						    i == 4 ? NULL : rid,
						    i == 4   ? NULL
						    : i == 5 ? ""
							     : detail),
				 VB_OK);
	}
	assert_int_equal(store_commit(st), VB_OK);
}

static void verify_ok(struct store *st)
{
	int64_t bad = -7;
	struct vb_reason why;
	int rc = store_audit_verify(st, &bad, &why);
	if (rc)
		fail_msg("verify: %d %s", rc, why.text);
	assert_int_equal(bad, -7);
	assert_null(why.code);
}

static void test_append_needs_transaction(void **state)
{
	struct tstore *f = *state;
	assert_int_equal(store_audit_append(f->st, T0, "kiosk", "visit.create", "r1", NULL),
			 VB_ESTATE);
	int64_t seq = -1;
	uint8_t h[32];
	assert_int_equal(store_audit_head(f->st, &seq, h), VB_OK);
	assert_int_equal(seq, 0);
}

static void test_append_validates(void **state)
{
	struct tstore *f = *state;
	char detail[STORE_AUDIT_DETAIL_MAX + 2];
	memset(detail, 'd', sizeof(detail) - 1);
	detail[sizeof(detail) - 1] = '\0';
	assert_int_equal(store_begin(f->st), VB_OK);
	assert_int_equal(store_audit_append(f->st, T0, "", "a", NULL, NULL), VB_EINVAL);
	assert_int_equal(store_audit_append(f->st, T0, NULL, "a", NULL, NULL), VB_EINVAL);
	assert_int_equal(store_audit_append(f->st, T0, "kiosk", "visit create", NULL, NULL),
			 VB_EINVAL);
	assert_int_equal(store_audit_append(f->st, T0, "kiosk", "a", "r 1", NULL), VB_EINVAL);
	assert_int_equal(store_audit_append(f->st, T0, "kiosk", "a", NULL, detail), VB_EINVAL);
	detail[STORE_AUDIT_DETAIL_MAX] = '\0';
	assert_int_equal(store_audit_append(f->st, T0, "kiosk", "a", NULL, detail), VB_OK);
	assert_int_equal(store_commit(f->st), VB_OK);
	verify_ok(f->st);
}

static void test_chain_matches_documented_encoding(void **state)
{
	struct tstore *f = *state;
	uint8_t prev[32], want[32], got[32], head[32];
	int64_t seq = 0;

	/* Empty log: the head is the genesis. */
	genesis_of(f->st, prev);
	assert_int_equal(store_audit_head(f->st, &seq, head), VB_OK);
	assert_int_equal(seq, 0);
	assert_memory_equal(head, prev, 32);
	verify_ok(f->st);

	fill(f->st);
	sqlite3 *db = raw_open(f->path);
	for (int i = 1; i <= ROWS; i++) {
		char rid[16], detail[32], sql[96];
		snprintf(rid, sizeof(rid), "rec-%d", i);
		snprintf(detail, sizeof(detail), "lot=K%d dose=%d", 2021000 + i, i % 2 + 1);
		row_hash(i, T0 + i, "staff:0042", "dose.record", i == 4 ? NULL : rid,
			 i == 4	  ? NULL
			 : i == 5 ? ""
				  : detail,
			 prev, want);
		snprintf(sql, sizeof(sql), "SELECT prev_hash FROM audit WHERE seq = %d", i);
		blob_of(db, sql, got);
		assert_memory_equal(got, prev, 32);
		snprintf(sql, sizeof(sql), "SELECT hash FROM audit WHERE seq = %d", i);
		blob_of(db, sql, got);
		assert_memory_equal(got, want, 32);
		memcpy(prev, want, 32);
	}
	sqlite3_close(db);
	assert_int_equal(store_audit_head(f->st, &seq, head), VB_OK);
	assert_int_equal(seq, ROWS);
	assert_memory_equal(head, prev, 32);
	verify_ok(f->st);
}

static void test_rollback_leaves_no_trace(void **state)
{
	struct tstore *f = *state;
	int64_t seq = -1;
	uint8_t h[32];
	assert_int_equal(store_begin(f->st), VB_OK);
	assert_int_equal(store_audit_append(f->st, T0, "kiosk", "visit.create", "r1", NULL), VB_OK);
	assert_int_equal(store_rollback(f->st), VB_OK);
	verify_ok(f->st);
	fill(f->st);
	assert_int_equal(store_audit_head(f->st, &seq, h), VB_OK);
	assert_int_equal(seq, ROWS); /* numbering restarted at 1 */
	verify_ok(f->st);

	/* Verify inside the caller's transaction sees its own appends. */
	assert_int_equal(store_begin(f->st), VB_OK);
	assert_int_equal(store_audit_append(f->st, T0 + 99, "kiosk", "x", NULL, NULL), VB_OK);
	verify_ok(f->st);
	assert_int_equal(store_in_transaction(f->st), 1);
	assert_int_equal(store_commit(f->st), VB_OK);
}

static void test_triggers_refuse_update_and_delete(void **state)
{
	struct tstore *f = *state;
	fill(f->st);
	sqlite3 *db = raw_open(f->path);
	assert_int_equal(raw_exec_rc(db, "UPDATE audit SET detail = 'x' WHERE seq = 2"),
			 SQLITE_CONSTRAINT_TRIGGER);
	assert_non_null(strstr(sqlite3_errmsg(db), "append-only"));
	assert_int_equal(raw_exec_rc(db, "DELETE FROM audit WHERE seq = 6"),
			 SQLITE_CONSTRAINT_TRIGGER);
	assert_int_equal(raw_exec_rc(db, "DELETE FROM audit"), SQLITE_CONSTRAINT_TRIGGER);
	assert_int_equal(raw_int(db, "SELECT count(*) FROM audit"), ROWS);
	sqlite3_close(db);
	verify_ok(f->st);
}

/* SQL run by "another tool" after dropping the triggers. */
static const char DROP_TRIGGERS[] = "DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete;";

struct tamper {
	const char *name;
	const char *sql;
	const char *code;
	int64_t bad_seq;
};

static const struct tamper tampers[] = {
    {"edit a detail", "UPDATE audit SET detail = 'lot=K9999999 dose=1' WHERE seq = 3", "audit_hash",
     3},
    {"edit a time", "UPDATE audit SET at = at - 3600 WHERE seq = 2", "audit_hash", 2},
    {"edit a NULL into text", "UPDATE audit SET detail = '' WHERE seq = 4", "audit_hash", 4},
    {"edit a stored hash", "UPDATE audit SET hash = zeroblob(32) WHERE seq = 5", "audit_hash", 5},
    {"delete a middle row", "DELETE FROM audit WHERE seq = 3", "audit_gap", 3},
    {"delete the first row", "DELETE FROM audit WHERE seq = 1", "audit_gap", 1},
    {"delete the last row", "DELETE FROM audit WHERE seq = 6", "audit_truncated", 6},
    {"delete every row", "DELETE FROM audit", "audit_truncated", 1},
    {"reorder two rows",
     "UPDATE audit SET seq = -seq WHERE seq IN (2, 4);"
     "UPDATE audit SET seq = 4 WHERE seq = -2; UPDATE audit SET seq = 2 WHERE seq = -4;",
     "audit_link", 2},
    {"renumber from a row on", "UPDATE audit SET seq = seq + 10 WHERE seq >= 5", "audit_gap", 5},
    {"another database's chain",
     "UPDATE meta SET value = '01890a5d-ac96-774b-bcce-b302099a8057'"
     " WHERE key = 'database_id'",
     "audit_link", 1},
    {"head seq moved back", "UPDATE meta SET value = '5' WHERE key = 'audit_seq'", "audit_tail", 6},
    {"head hash damaged", "UPDATE meta SET value = 'zz' WHERE key = 'audit_hash'", "audit_meta", 0},
    {"head deleted", "DELETE FROM meta WHERE key = 'audit_seq'", "audit_meta", 0},
};

static void run_tamper(const struct tamper *t)
{
	struct tdir dir;
	char path[300];
	struct store *st = NULL;
	tdir_init(&dir);
	tdir_file(&dir, "bus.db", path, sizeof(path));
	assert_int_equal(store_open(path, &st, NULL), VB_OK);
	fill(st);
	verify_ok(st);

	sqlite3 *db = raw_open(path);
	raw_exec(db, DROP_TRIGGERS);
	raw_exec(db, t->sql);
	sqlite3_close(db);

	int64_t bad = -1;
	struct vb_reason why;
	vb_reason_clear(&why);
	int rc = store_audit_verify(st, &bad, &why);
	if (rc != VB_ECORRUPT || !why.code || strcmp(why.code, t->code) != 0 || bad != t->bad_seq)
		fail_msg("%s: rc %d code %s bad_seq %lld (want %s at %lld)", t->name, rc,
			 why.code ? why.code : "-", (long long)bad, t->code, (long long)t->bad_seq);
	assert_non_null(strstr(store_errmsg(st), t->code));
	assert_int_equal(store_in_transaction(st), 0);
	store_close(st);
	tdir_cleanup(&dir);
}

static void test_tampering_detected(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(tampers) / sizeof(tampers[0]); i++)
		run_tamper(&tampers[i]);
}

/* Rows added or rewritten with correct hashes (the attacker knows the
 * encoding) but without moving the head in meta. */
static void test_rehashed_rows_caught_by_head(void **state)
{
	struct tstore *f = *state;
	uint8_t prev[32], h[32];
	fill(f->st);
	sqlite3 *db = raw_open(f->path);
	raw_exec(db, DROP_TRIGGERS);

	/* Rewrite row 6 with a new detail and a recomputed hash. */
	blob_of(db, "SELECT prev_hash FROM audit WHERE seq = 6", prev);
	row_hash(6, T0 + 6, "staff:0042", "dose.record", "rec-6", "lot=FAKE dose=1", prev, h);
	sqlite3_stmt *s = NULL;
	assert_int_equal(sqlite3_prepare_v2(db,
					    "UPDATE audit SET detail = 'lot=FAKE dose=1', hash = ?1"
					    " WHERE seq = 6",
					    -1, &s, NULL),
			 SQLITE_OK);
	sqlite3_bind_blob(s, 1, h, 32, SQLITE_TRANSIENT);
	assert_int_equal(sqlite3_step(s), SQLITE_DONE);
	sqlite3_finalize(s);

	int64_t bad = -1;
	struct vb_reason why;
	assert_int_equal(store_audit_verify(f->st, &bad, &why), VB_ECORRUPT);
	assert_string_equal(why.code, "audit_tail");
	assert_int_equal(bad, 6);

	/* A forged row 7 after it, chained correctly. */
	memcpy(prev, h, 32);
	row_hash(7, T0 + 7, "staff:0042", "dose.delete", "rec-2", NULL, prev, h);
	assert_int_equal(sqlite3_prepare_v2(db,
					    "INSERT INTO audit VALUES (7, ?1, 'staff:0042',"
					    " 'dose.delete', 'rec-2', NULL, ?2, ?3)",
					    -1, &s, NULL),
			 SQLITE_OK);
	sqlite3_bind_int64(s, 1, T0 + 7);
	sqlite3_bind_blob(s, 2, prev, 32, SQLITE_TRANSIENT);
	sqlite3_bind_blob(s, 3, h, 32, SQLITE_TRANSIENT);
	assert_int_equal(sqlite3_step(s), SQLITE_DONE);
	sqlite3_finalize(s);
	sqlite3_close(db);

	assert_int_equal(store_audit_verify(f->st, &bad, &why), VB_ECORRUPT);
	assert_string_equal(why.code, "audit_tail");
	assert_int_equal(bad, 7);
}

/* A row inserted in the middle after the rows behind it were renumbered
 * (the attacker cannot produce a matching prev_hash chain without
 * rehashing everything after it). */
static void test_inserted_row(void **state)
{
	struct tstore *f = *state;
	fill(f->st);
	sqlite3 *db = raw_open(f->path);
	raw_exec(db, DROP_TRIGGERS);
	raw_exec(db, "UPDATE audit SET seq = seq + 100 WHERE seq >= 4;"
		     "UPDATE audit SET seq = seq - 99 WHERE seq >= 104;"
		     "INSERT INTO audit SELECT 4, at, actor, 'dose.delete', record_id, NULL,"
		     " hash, hash FROM audit WHERE seq = 3;");
	sqlite3_close(db);
	int64_t bad = -1;
	struct vb_reason why;
	assert_int_equal(store_audit_verify(f->st, &bad, &why), VB_ECORRUPT);
	assert_string_equal(why.code, "audit_hash");
	assert_int_equal(bad, 4);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, tstore_setup, tstore_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_append_needs_transaction),	       T(test_append_validates),
	    T(test_chain_matches_documented_encoding), T(test_rollback_leaves_no_trace),
	    T(test_triggers_refuse_update_and_delete), cmocka_unit_test(test_tampering_detected),
	    T(test_rehashed_rows_caught_by_head),      T(test_inserted_row),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
