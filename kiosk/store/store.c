/*
 * store: the connection — open with its pragmas, close, transactions, the
 * SQLite-to-VB_* error mapping and the prepared-statement cache that every
 * other store file uses (store_int.h).
 */
#include "store_int.h"

#include "store_id.h"
#include "store_meta.h"
#include "store_seal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* SQLite 3.40: STRICT tables (3.37), RETURNING (3.35), UPSERT (3.24). */
#define STORE_SQLITE_MIN 3040000

static const char SQL_BEGIN[] = "BEGIN IMMEDIATE";
static const char SQL_COMMIT[] = "COMMIT";
static const char SQL_ROLLBACK[] = "ROLLBACK";

int store_map_rc(int sqlite_rc)
{
	switch (sqlite_rc) {
	case SQLITE_CONSTRAINT_UNIQUE:
	case SQLITE_CONSTRAINT_PRIMARYKEY:
		return VB_EEXIST;
	default:
		break;
	}
	switch (sqlite_rc & 0xff) {
	case SQLITE_OK:
	case SQLITE_ROW:
	case SQLITE_DONE:
		return VB_OK;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return VB_EBUSY;
	case SQLITE_NOMEM:
		return VB_ENOMEM;
	case SQLITE_CONSTRAINT:
	case SQLITE_MISMATCH:
		return VB_EINVAL;
	case SQLITE_CORRUPT:
	case SQLITE_NOTADB:
		return VB_ECORRUPT;
	case SQLITE_TOOBIG:
	case SQLITE_RANGE:
		return VB_ERANGE;
	case SQLITE_CANTOPEN:
		return VB_EIO;
	default:
		return VB_ESTORAGE;
	}
}

int store_err(struct store *st, int sqlite_rc)
{
	int rc = store_map_rc(sqlite_rc);
	if (rc && st) {
		const char *msg = st->db ? sqlite3_errmsg(st->db) : sqlite3_errstr(sqlite_rc);
		/* sqlite3_errmsg can lag behind a code returned by a helper
		 * (e.g. after a reset); then name the code itself. */
		if (!msg || strcmp(msg, "not an error") == 0)
			msg = sqlite3_errstr(sqlite_rc);
		store_copy_utf8(st->errmsg, sizeof(st->errmsg), msg);
	}
	return rc;
}

int store_err_set(struct store *st, int rc, const char *fmt, ...)
{
	if (st) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(st->errmsg, sizeof(st->errmsg), fmt, ap);
		va_end(ap);
	}
	return rc;
}

const char *store_errmsg(const struct store *st)
{
	if (!st)
		return "no store handle";
	return st->errmsg;
}

int store_stmt(struct store *st, const char *sql, sqlite3_stmt **out)
{
	for (size_t i = 0; i < st->n_stmts; i++) {
		if (st->stmts[i].sql == sql) {
			store_stmt_reset(st->stmts[i].stmt);
			*out = st->stmts[i].stmt;
			return VB_OK;
		}
	}
	if (st->n_stmts == st->cap_stmts) {
		size_t cap = st->cap_stmts ? st->cap_stmts * 2 : 32;
		struct store_stmt_slot *p = realloc(st->stmts, cap * sizeof(*p));
		if (!p)
			return store_err_set(st, VB_ENOMEM, "out of memory caching a statement");
		st->stmts = p;
		st->cap_stmts = cap;
	}
	sqlite3_stmt *s = NULL;
	const char *tail = NULL;
	int src = sqlite3_prepare_v3(st->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &s, &tail);
	if (src != SQLITE_OK)
		return store_err(st, src);
	if (!s) /* only whitespace or a comment */
		return store_err_set(st, VB_EINVAL, "empty SQL statement");
	while (tail && (*tail == ' ' || *tail == '\t' || *tail == '\n' || *tail == ';'))
		tail++;
	if (tail && *tail) {
		/* SQLite would silently ignore the rest. */
		sqlite3_finalize(s);
		return store_err_set(st, VB_EINVAL, "store_stmt takes one statement: %.40s", tail);
	}
	st->stmts[st->n_stmts].sql = sql;
	st->stmts[st->n_stmts].stmt = s;
	st->n_stmts++;
	*out = s;
	return VB_OK;
}

void store_stmt_reset(sqlite3_stmt *s)
{
	if (s) {
		sqlite3_reset(s);
		sqlite3_clear_bindings(s);
	}
}

int store_bind_text(struct store *st, sqlite3_stmt *s, int idx, const char *v)
{
	int src =
	    v ? sqlite3_bind_text(s, idx, v, -1, SQLITE_TRANSIENT) : sqlite3_bind_null(s, idx);
	return store_err(st, src);
}

int store_bind_int64(struct store *st, sqlite3_stmt *s, int idx, int64_t v)
{
	return store_err(st, sqlite3_bind_int64(s, idx, v));
}

int store_bind_blob(struct store *st, sqlite3_stmt *s, int idx, const void *v, size_t n)
{
	return store_err(st, sqlite3_bind_blob64(s, idx, v, n, SQLITE_TRANSIENT));
}

int store_step(struct store *st, sqlite3_stmt *s)
{
	int src = sqlite3_step(s);
	if (src == SQLITE_ROW)
		return 1;
	if (src == SQLITE_DONE) {
		sqlite3_reset(s);
		return 0;
	}
	int rc = store_err(st, src);
	sqlite3_reset(s);
	return rc ? rc : VB_ESTORAGE;
}

int store_step_done(struct store *st, sqlite3_stmt *s)
{
	int rc = store_step(st, s);
	if (rc == 1) {
		sqlite3_reset(s);
		return store_err_set(st, VB_ESTORAGE,
				     "statement returned a row where none was expected");
	}
	return rc;
}

int store_exec_static(struct store *st, const char *sql)
{
	char *msg = NULL;
	int src = sqlite3_exec(st->db, sql, NULL, NULL, &msg);
	int rc = store_map_rc(src);
	if (rc)
		store_copy_utf8(st->errmsg, sizeof(st->errmsg), msg ? msg : sqlite3_errstr(src));
	sqlite3_free(msg);
	return rc;
}

int store_copy_utf8(char *buf, size_t cap, const char *src)
{
	if (cap == 0)
		return 1;
	size_t n = strlen(src);
	int cut = 0;
	if (n >= cap) {
		n = cap - 1;
		/* Step back over continuation bytes so no character is split. */
		while (n > 0 && ((unsigned char)src[n] & 0xc0) == 0x80)
			n--;
		cut = 1;
	}
	memcpy(buf, src, n);
	buf[n] = '\0';
	return cut;
}

int store_column_text(sqlite3_stmt *s, int col, char *buf, size_t cap)
{
	const unsigned char *t = sqlite3_column_text(s, col);
	if (!t) {
		if (cap)
			buf[0] = '\0';
		return VB_OK;
	}
	return store_copy_utf8(buf, cap, (const char *)t) ? VB_ERANGE : VB_OK;
}

int store_check_token(struct store *st, const char *field, const char *s, size_t cap)
{
	if (!s || !*s)
		return store_err_set(st, VB_EINVAL, "%s is empty", field);
	size_t n = 0;
	for (; s[n]; n++) {
		unsigned char c = (unsigned char)s[n];
		if (c <= 0x20 || c >= 0x7f)
			return store_err_set(st, VB_EINVAL,
					     "%s holds a character other than printable ASCII",
					     field);
		if (n + 1 >= cap)
			return store_err_set(st, VB_EINVAL, "%s is longer than %zu bytes", field,
					     cap - 1);
	}
	return VB_OK;
}

void store_hex(const uint8_t *b, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[b[i] >> 4];
		out[2 * i + 1] = digits[b[i] & 0x0f];
	}
	out[2 * n] = '\0';
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int store_unhex(const char *s, uint8_t *b, size_t n)
{
	if (strlen(s) != 2 * n)
		return VB_EINVAL;
	for (size_t i = 0; i < n; i++) {
		int hi = hexval(s[2 * i]), lo = hexval(s[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return VB_EINVAL;
		b[i] = (uint8_t)(hi << 4 | lo);
	}
	return VB_OK;
}

int store_in_transaction(const struct store *st)
{
	return st && st->db && !sqlite3_get_autocommit(st->db);
}

static int run_simple(struct store *st, const char *sql)
{
	sqlite3_stmt *s = NULL;
	int rc = store_stmt(st, sql, &s);
	if (rc)
		return rc;
	return store_step_done(st, s);
}

static int tx_locked(struct store *st)
{
	return store_err_set(st, VB_ESTATE,
			     "a store_group item may not begin, commit or roll back");
}

int store_begin(struct store *st)
{
	if (st->tx_locked)
		return tx_locked(st);
	if (store_in_transaction(st))
		return store_err_set(st, VB_ESTATE, "a transaction is already open");
	return run_simple(st, SQL_BEGIN);
}

int store_commit(struct store *st)
{
	if (st->tx_locked)
		return tx_locked(st);
	if (!store_in_transaction(st))
		return store_err_set(st, VB_ESTATE, "no transaction is open");
	int rc = run_simple(st, SQL_COMMIT);
	if (rc && store_in_transaction(st)) {
		/* Keep the failure's message, not the rollback's. */
		char msg[STORE_ERRMSG_MAX];
		memcpy(msg, st->errmsg, sizeof(msg));
		run_simple(st, SQL_ROLLBACK);
		memcpy(st->errmsg, msg, sizeof(msg));
	}
	return rc;
}

int store_rollback(struct store *st)
{
	if (st->tx_locked)
		return tx_locked(st);
	if (!store_in_transaction(st))
		return VB_OK;
	return run_simple(st, SQL_ROLLBACK);
}

int store_tx_enter(struct store *st, int *owned)
{
	if (store_in_transaction(st)) {
		*owned = 0;
		return VB_OK;
	}
	int rc = store_begin(st);
	if (rc == VB_OK)
		*owned = 1;
	return rc;
}

int store_tx_leave(struct store *st, int owned, int rc)
{
	if (!owned)
		return rc;
	if (rc == VB_OK)
		return store_commit(st);
	char msg[STORE_ERRMSG_MAX];
	memcpy(msg, st->errmsg, sizeof(msg));
	store_rollback(st);
	memcpy(st->errmsg, msg, sizeof(msg));
	return rc;
}

int store_need_tx(struct store *st, const char *what)
{
	if (store_in_transaction(st))
		return VB_OK;
	return store_err_set(st, VB_ESTATE, "%s must be called inside the caller's transaction",
			     what);
}

int store_integrity_check(struct store *st)
{
	static const char SQL[] = "PRAGMA integrity_check(1)";
	sqlite3_stmt *s = NULL;
	char res[STORE_ERRMSG_MAX] = "";
	int rc = store_stmt(st, SQL, &s);
	if (rc)
		return rc;
	rc = store_step(st, s);
	if (rc == 1) {
		store_column_text(s, 0, res, sizeof(res));
		rc = VB_OK;
	} else if (rc == 0) {
		rc = store_err_set(st, VB_ESTORAGE, "integrity_check returned no row");
	}
	store_stmt_reset(s);
	if (rc)
		return rc;
	if (strcmp(res, "ok") != 0)
		return store_err_set(st, VB_ECORRUPT, "integrity_check: %s", res);
	return VB_OK;
}

/* Sets one pragma whose answer (if any) must equal want (NULL: no check). */
static int set_pragma(struct store *st, const char *sql, const char *want)
{
	char got[32] = "";
	sqlite3_stmt *s = NULL;
	int src = sqlite3_prepare_v2(st->db, sql, -1, &s, NULL);
	if (src != SQLITE_OK)
		return store_err(st, src);
	src = sqlite3_step(s);
	if (src == SQLITE_ROW) {
		const unsigned char *t = sqlite3_column_text(s, 0);
		store_copy_utf8(got, sizeof(got), t ? (const char *)t : "");
		src = sqlite3_step(s);
	}
	int rc = src == SQLITE_DONE ? VB_OK : store_err(st, src);
	sqlite3_finalize(s);
	if (rc == VB_OK && want && strcmp(got, want) != 0)
		rc = store_err_set(st, VB_ESTORAGE, "%s answered \"%s\", not \"%s\"", sql, got,
				   want);
	return rc;
}

int store_open(const char *path, struct store **out, struct vb_reason *why)
{
	int rc = VB_OK;
	struct store *st = NULL;

	vb_reason_clear(why);
	if (sqlite3_libversion_number() < STORE_SQLITE_MIN) {
		vb_reason_set(why, "sqlite_too_old",
			      "SQLite %s is older than 3.40 (STRICT tables are needed)",
			      sqlite3_libversion());
		return VB_ESTORAGE;
	}
	if (!path || !*path) {
		vb_reason_set(why, "open_failed", "the database path is empty");
		return VB_EINVAL;
	}
	st = calloc(1, sizeof(*st));
	if (!st) {
		vb_reason_set(why, "open_failed", "out of memory");
		return VB_ENOMEM;
	}

	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX |
		    SQLITE_OPEN_EXRESCODE;
	int src = sqlite3_open_v2(path, &st->db, flags, NULL);
	if (src != SQLITE_OK) {
		rc = store_err(st, src);
		if (rc != VB_ENOMEM)
			rc = VB_EIO;
		vb_reason_set(why, "open_failed", "cannot open the database: %s", st->errmsg);
		goto out;
	}
	sqlite3_extended_result_codes(st->db, 1);
	sqlite3_busy_timeout(st->db, STORE_BUSY_TIMEOUT_MS);

	/* journal_mode reads the header first: a file that is not a
	 * database fails here with SQLITE_NOTADB. */
	rc = set_pragma(st, "PRAGMA journal_mode=WAL", "wal");
	if (rc == VB_ECORRUPT) {
		vb_reason_set(why, "not_a_database", "the file is not an SQLite database: %s",
			      st->errmsg);
		goto out;
	}
	if (!rc)
		rc = set_pragma(st, "PRAGMA synchronous=FULL", NULL);
	/* Deleted or overwritten content is zeroed, not left in free pages:
	 * personal fields that were cleared or sealed must not linger. */
	if (!rc)
		rc = set_pragma(st, "PRAGMA secure_delete=ON", "1");
	if (rc) {
		vb_reason_set(why, "pragma_failed", "cannot set up the connection: %s", st->errmsg);
		goto out;
	}
	/* Foreign keys go on after the migrations: a step that rebuilds a
	 * table (SQLite's way to change a column) drops the table others
	 * refer to, and checks the references itself (foreign_key_check). */
	int before = 0;
	if ((rc = store_seal_functions(st)) || (rc = store_schema_version(st, &before)) ||
	    (rc = store_schema_migrate(st, why)) || (rc = store_seal_check_key(st, why)))
		goto out;
	/* After migrating a database that had data, move everything into the
	 * file and empty the log, so that pages a step rewrote (persons once
	 * in clear) leave no copy behind. Best effort: a reader may hold it. */
	if (before > 0 && before < store_schema_latest())
		sqlite3_exec(st->db, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL);
	if ((rc = set_pragma(st, "PRAGMA foreign_keys=ON", NULL))) {
		vb_reason_set(why, "pragma_failed", "cannot set up the connection: %s", st->errmsg);
		goto out;
	}
	char id[STORE_ID_LEN + 1];
	if (store_meta_get(st, "database_id", id, sizeof(id)) || store_id_check(id)) {
		rc = store_err_set(st, VB_ECORRUPT, "meta holds no valid database_id");
		vb_reason_set(why, "schema_invalid", "%s", st->errmsg);
		goto out;
	}
	vb_reason_clear(why);
	st->errmsg[0] = '\0';
	*out = st;
	st = NULL;
out:
	store_close(st);
	return rc;
}

void store_close(struct store *st)
{
	if (!st)
		return;
	if (st->db)
		store_rollback(st);
	for (size_t i = 0; i < st->n_stmts; i++)
		sqlite3_finalize(st->stmts[i].stmt);
	free(st->stmts);
	sqlite3_close_v2(st->db);
	free(st);
}
