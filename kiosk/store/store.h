/*
 * store: the SQLite database of one bus — opening, pragmas, migrations and
 * transactions.
 *
 * One struct store is one SQLite connection; use it from one thread at a
 * time (one connection per thread, DESIGN.md "Runtime"). store_open()
 * creates the file if needed, switches it to WAL with synchronous=FULL and
 * foreign keys on, and brings the schema up to date inside one transaction
 * (PRAGMA user_version counts the steps applied). A database written by a
 * newer program is refused rather than guessed at.
 *
 * The other public parts of the store each have their own header:
 * store_id.h (UUIDv7 record ids), store_meta.h (key/value facts about the
 * database: bus, site, database id), store_outbox.h (the sync queue),
 * store_audit.h (the hash-chained audit log) and store_group.h (group
 * commit: many writers, one fsync).
 *
 * Errors: every function returns VB_OK or a negative VB_* code (vb_error.h);
 * SQLite's own message for the last failure stays on the handle, see
 * store_errmsg().
 */
#ifndef STORE_H
#define STORE_H

#include "vb_error.h"

struct store;

/* How long a connection waits for another connection's write lock before a
 * statement fails with VB_EBUSY. */
#define STORE_BUSY_TIMEOUT_MS 5000

/*
 * Opens (creating if absent) the database at path, sets the pragmas and
 * runs the migrations the file lacks. On success *out holds a handle that
 * the caller owns and frees with store_close(). On failure *out is
 * untouched, and why (may be NULL) gets a stable code and an English text:
 *   VB_ESTORAGE "sqlite_too_old"  the SQLite library is older than 3.40;
 *   VB_EIO      "open_failed"     the file cannot be opened or created;
 *   VB_ECORRUPT "not_a_database"  the file is not an SQLite database;
 *   VB_ECORRUPT "schema_too_new"  user_version is newer than this program;
 *   VB_ECORRUPT "schema_invalid"  the schema lacks what its version promises;
 *   any code    "migration_failed" a migration step failed (rolled back);
 *   any code    "pragma_failed"   WAL or another pragma could not be set;
 *   VB_EREFUSED "wrong_key"       the data key set is not the one the
 *                                 database's personal fields are sealed
 *                                 under (nothing was written);
 *   VB_ESTATE   "migration_failed" persons stored in clear must be sealed
 *                                 and no data key is set.
 * path is borrowed.
 */
int store_open(const char *path, struct store **out, struct vb_reason *why);

/*
 * The data key: the personal fields of persons (name, document number,
 * nation, address, phone) are sealed under it, and looked up by keyed
 * hashes made from it (store_seal.c). One key per process, for every
 * connection: set it before the first store_open() and before any thread
 * uses a store, clear it at exit. A database remembers a check value of
 * the first key it was opened with; store_open() refuses another one.
 * Without a key a database opens (unless clear persons must be sealed),
 * and what reads or writes personal fields fails with VB_ESTATE.
 * store_key_set copies key (the caller wipes its own copy): VB_OK, or
 * VB_EIO (libsodium cannot start) / VB_ENOMEM. store_key_clear wipes it.
 */
#define STORE_KEY_LEN 32
int store_key_set(const unsigned char key[STORE_KEY_LEN]);
void store_key_clear(void);

/* Closes the connection and frees st. Accepts NULL. An open transaction is
 * rolled back. */
void store_close(struct store *st);

/* The message of the last failure on st: SQLite's own text
 * (sqlite3_errmsg) or the store's. Never NULL; borrowed, valid until the
 * next call on st. */
const char *store_errmsg(const struct store *st);

/* The schema version the database is at (PRAGMA user_version), written to
 * *version. VB_OK or a storage error. */
int store_schema_version(struct store *st, int *version);

/* The newest schema version this program knows. */
int store_schema_latest(void);

/*
 * Transactions. store_begin() starts a write transaction (BEGIN IMMEDIATE:
 * the write lock is taken now, so a later statement never fails half-way
 * with SQLITE_BUSY); VB_ESTATE if one is already open on st, VB_EBUSY if
 * another connection held the lock for STORE_BUSY_TIMEOUT_MS.
 * store_commit() makes it durable (fsync, synchronous=FULL); on failure the
 * transaction is rolled back and the error returned; VB_ESTATE if none is
 * open. store_rollback() undoes it; VB_OK when none is open, so cleanup
 * paths may call it unconditionally.
 */
int store_begin(struct store *st);
int store_commit(struct store *st);
int store_rollback(struct store *st);

/* 1 if a transaction is open on st, else 0. */
int store_in_transaction(const struct store *st);

/* Runs PRAGMA integrity_check. VB_OK if SQLite answers "ok", VB_ECORRUPT
 * (first problem in store_errmsg()) if not, or a storage error. */
int store_integrity_check(struct store *st);

#endif
