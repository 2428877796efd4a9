/*
 * store_int: what the files of kiosk/store share and nothing outside it
 * should use — the connection struct, the one place SQLite codes become
 * VB_* codes, a prepared-statement cache and small binding/stepping
 * helpers, and the migration list.
 *
 * A repository function (a future store_person.c, store_visit.c, ...)
 * follows this pattern:
 *
 *	static const char SQL_GET[] = "SELECT name FROM t WHERE id = ?1";
 *	int rc = VB_OK;
 *	sqlite3_stmt *s = NULL;
 *	if ((rc = store_stmt(st, SQL_GET, &s)) || (rc = store_bind_text(st, s, 1, id)))
 *		goto out;
 *	rc = store_step(st, s);          // 1 = row, 0 = done, < 0 = error
 *	...read columns...
 *	out:
 *	store_stmt_reset(s);
 *
 * SQL text is always a static string with ?N parameters: never format user
 * data into SQL.
 */
#ifndef STORE_INT_H
#define STORE_INT_H

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

#include "store.h"

#define STORE_ERRMSG_MAX 256

/* One cached prepared statement; sql is the cache key (by address). */
struct store_stmt_slot {
	const char *sql;
	sqlite3_stmt *stmt;
};

struct store {
	sqlite3 *db;		       /* owned */
	struct store_stmt_slot *stmts; /* owned, n_stmts used of cap_stmts */
	size_t n_stmts, cap_stmts;
	char errmsg[STORE_ERRMSG_MAX]; /* last failure, "" if none */
	int tx_locked;		       /* set while a store_group item runs: begin, commit
					* and rollback are refused (the group owns the
					* transaction) */
};

/*
 * Errors.
 *
 * store_map_rc() is the one mapping from an SQLite result code (primary or
 * extended) to a VB_* code: OK/ROW/DONE -> VB_OK, BUSY/LOCKED -> VB_EBUSY,
 * NOMEM -> VB_ENOMEM, CONSTRAINT_UNIQUE/PRIMARYKEY -> VB_EEXIST, other
 * CONSTRAINT and MISMATCH -> VB_EINVAL, CORRUPT/NOTADB -> VB_ECORRUPT,
 * TOOBIG/RANGE -> VB_ERANGE, CANTOPEN -> VB_EIO, anything else ->
 * VB_ESTORAGE.
 *
 * store_err() maps sqlite_rc and, when it is a failure, keeps SQLite's
 * message on st for store_errmsg(). store_err_set() records the store's own
 * message and returns rc.
 */
int store_map_rc(int sqlite_rc);
int store_err(struct store *st, int sqlite_rc);
int store_err_set(struct store *st, int rc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/*
 * Prepared statements.
 *
 * store_stmt() returns in *out the cached statement for sql (preparing it
 * on first use with SQLITE_PREPARE_PERSISTENT), reset and with its
 * bindings cleared. sql must have static storage duration: its address is
 * the cache key. The statement stays owned by st (finalized by
 * store_close()); do not finalize it. A statement is not re-entrant: while
 * a caller iterates one, nothing it calls may fetch the same sql.
 */
int store_stmt(struct store *st, const char *sql, sqlite3_stmt **out);

/* Resets s and clears its bindings (releases its read snapshot). NULL ok. */
void store_stmt_reset(sqlite3_stmt *s);

/* Bind helpers: VB_OK or the mapped error. store_bind_text binds NULL for a
 * NULL value; text and blob are copied (SQLITE_TRANSIENT). */
int store_bind_text(struct store *st, sqlite3_stmt *s, int idx, const char *v);
int store_bind_int64(struct store *st, sqlite3_stmt *s, int idx, int64_t v);
int store_bind_blob(struct store *st, sqlite3_stmt *s, int idx, const void *v, size_t n);

/* Steps s: 1 when a row is ready (the caller resets s when done with it),
 * 0 when done (s is reset), or a negative VB_* code (s is reset, message
 * kept). */
int store_step(struct store *st, sqlite3_stmt *s);

/* Steps s expecting no row (INSERT/UPDATE/DELETE): VB_OK or the error; s
 * is reset in both cases. */
int store_step_done(struct store *st, sqlite3_stmt *s);

/* Runs static SQL that may hold several statements (schema steps). Never
 * pass text built from data. */
int store_exec_static(struct store *st, const char *sql);

/* Copies column col of the current row of s into buf (cap bytes, NUL
 * terminated; "" for NULL). VB_OK, or VB_ERANGE if it does not fit (buf
 * then holds a truncated prefix cut at a UTF-8 character boundary). */
int store_column_text(sqlite3_stmt *s, int col, char *buf, size_t cap);

/* Copies at most cap-1 bytes of src into buf, cutting at a UTF-8 character
 * boundary, NUL terminated. Returns 1 if src was cut, else 0. */
int store_copy_utf8(char *buf, size_t cap, const char *src);

/* VB_OK if s is a non-empty token of printable ASCII without spaces that
 * fits in cap bytes with its NUL; else VB_EINVAL with a message naming
 * field. NULL is VB_EINVAL. */
int store_check_token(struct store *st, const char *field, const char *s, size_t cap);

/* Lowercase hex of n bytes into out (2n+1 bytes). */
void store_hex(const uint8_t *b, size_t n, char *out);

/* Parses exactly 2n hex digits into b. VB_OK or VB_EINVAL. */
int store_unhex(const char *s, uint8_t *b, size_t n);

/*
 * Transaction scoping for functions that must run inside a transaction
 * but may be called outside one: store_tx_enter() begins one if none is
 * open (*owned = 1) or joins the caller's (*owned = 0); store_tx_leave()
 * commits an owned transaction when rc is VB_OK, rolls it back otherwise,
 * and returns the final code. A joined transaction is left to its owner.
 */
int store_tx_enter(struct store *st, int *owned);
int store_tx_leave(struct store *st, int owned, int rc);

/* VB_OK if a transaction is open on st, else VB_ESTATE with a message
 * naming what (e.g. "store_outbox_add") needs the caller's transaction. */
int store_need_tx(struct store *st, const char *what);

/*
 * Migrations (store_migrations.c holds the list, store_schema.c runs it).
 *
 * Step i of the list has version i + 1 and moves the schema from version
 * i to i + 1: first `sql` (static, several statements allowed), then `fn`
 * (optional, for data that needs code), inside the transaction that also
 * sets PRAGMA user_version. To change the schema, append a step; never
 * edit a step that has shipped.
 */
struct store_migration {
	int version;		     /* == index + 1 */
	const char *name;	     /* short English summary */
	const char *sql;	     /* may be NULL */
	int (*fn)(struct store *st); /* may be NULL; VB_OK or an error */
};

extern const struct store_migration store_migrations[];
extern const size_t store_migrations_count;

/* Brings st's schema up to date (store_schema.c). VB_OK or an error with
 * why filled (see store_open). */
int store_schema_migrate(struct store *st, struct vb_reason *why);

/* The same up to version target only (a database as that schema left it,
 * for the tests and benchmarks of a later step); one newer is left as it
 * is. VB_EINVAL for a version the list does not have. */
int store_schema_migrate_to(struct store *st, int target, struct vb_reason *why);

/* Migration step 1's code: writes database_id (a new UUIDv7), created_at
 * and the empty audit chain's head into meta (store_meta.c). */
int store_meta_bootstrap(struct store *st);

/* Writes key = value into meta without the reserved-key check (the store's
 * own keys). VB_OK or a storage error. */
int store_meta_put(struct store *st, const char *key, const char *value);

/* Sets the audit chain head for a database with no audit rows: seq 0 and
 * the genesis hash SHA-256("vaxbus-audit" || database_id) (store_audit.c). */
int store_audit_init_head(struct store *st, const char *database_id);

#endif
