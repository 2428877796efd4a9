/*
 * store_migrations: the schema, as the ordered list of steps that build it.
 *
 * Step N moves a database from user_version N-1 to N (store_schema.c runs
 * the steps a file lacks, all in one transaction). To change the schema,
 * append a step at the end with the next version number; never edit or
 * reorder a step that has shipped, since buses in the field already ran it.
 *
 * Rules for every table: STRICT; ids are UUIDv7 text made on the bus
 * (store_id.h); times are int64 UTC seconds; no personal data outside the
 * domain tables (the outbox and the audit log hold ids only).
 */
#include "store_int.h"

/*
 * Step 1: the store's own tables.
 *
 * meta: facts about this database (bus_id, site_id, database_id,
 * created_at, the audit chain head). outbox: one row per record to send to
 * the platform (store_outbox.h); `dirty` marks a record changed while its
 * previous version was in flight. audit: the hash-chained, append-only log
 * (store_audit.h); the triggers stop UPDATE and DELETE through any
 * connection that has them, the hash chain catches the rest.
 */
static const char step1_sql[] =
    "CREATE TABLE meta ("
    " key TEXT PRIMARY KEY NOT NULL,"
    " value TEXT NOT NULL"
    ") STRICT, WITHOUT ROWID;"

    "CREATE TABLE outbox ("
    " id TEXT PRIMARY KEY NOT NULL,"
    " kind TEXT NOT NULL,"
    " record_id TEXT NOT NULL,"
    " state TEXT NOT NULL DEFAULT 'pending'"
    "  CHECK (state IN ('pending', 'in_flight', 'acked', 'failed')),"
    " attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),"
    " last_error TEXT,"
    " server_id TEXT,"
    " created_at INTEGER NOT NULL,"
    " updated_at INTEGER NOT NULL,"
    " next_attempt_at INTEGER NOT NULL,"
    " dirty INTEGER NOT NULL DEFAULT 0 CHECK (dirty IN (0, 1)),"
    " UNIQUE (kind, record_id)"
    ") STRICT;"
    "CREATE INDEX outbox_pending ON outbox (created_at, id) WHERE state = 'pending';"
    "CREATE INDEX outbox_state ON outbox (state);"

    "CREATE TABLE audit ("
    " seq INTEGER PRIMARY KEY,"
    " at INTEGER NOT NULL,"
    " actor TEXT NOT NULL,"
    " action TEXT NOT NULL,"
    " record_id TEXT,"
    " detail TEXT,"
    " prev_hash BLOB NOT NULL CHECK (length(prev_hash) = 32),"
    " hash BLOB NOT NULL CHECK (length(hash) = 32)"
    ") STRICT;"
    "CREATE INDEX audit_record ON audit (record_id) WHERE record_id IS NOT NULL;"
    "CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit"
    " BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;"
    "CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit"
    " BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;";

const struct store_migration store_migrations[] = {
    {1, "meta, outbox, audit", step1_sql, store_meta_bootstrap},
};

const size_t store_migrations_count = sizeof(store_migrations) / sizeof(store_migrations[0]);
