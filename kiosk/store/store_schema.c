/*
 * store_schema: runs the migration list (store_migrations.c) against a
 * database, by PRAGMA user_version, inside one write transaction: either
 * every missing step is applied and the version moves, or nothing changes.
 * A database newer than the list is refused, never downgraded.
 */
#include "store_int.h"

#include <stdio.h>
#include <string.h>

static const char SQL_USER_VERSION[] = "PRAGMA user_version";

int store_schema_latest(void)
{
	return (int)store_migrations_count;
}

int store_schema_version(struct store *st, int *version)
{
	sqlite3_stmt *s = NULL;
	int rc = store_stmt(st, SQL_USER_VERSION, &s);
	if (rc)
		return rc;
	rc = store_step(st, s);
	if (rc == 1) {
		*version = sqlite3_column_int(s, 0);
		rc = VB_OK;
	} else if (rc == 0) {
		rc = store_err_set(st, VB_ESTORAGE, "PRAGMA user_version returned no row");
	}
	store_stmt_reset(s);
	return rc;
}

/* PRAGMA takes no parameters; the value is a program constant, not data. */
static int set_user_version(struct store *st, int version)
{
	char sql[48];
	snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", version);
	return store_exec_static(st, sql);
}

/* Checks that the list is numbered 1..n in order (a programming error
 * otherwise, caught by the first open in any test). */
static int check_list(struct store *st)
{
	for (size_t i = 0; i < store_migrations_count; i++) {
		if (store_migrations[i].version != (int)i + 1)
			return store_err_set(st, VB_ESTORAGE,
					     "migration list entry %zu has version %d, not %zu", i,
					     store_migrations[i].version, i + 1);
	}
	return VB_OK;
}

int store_schema_migrate(struct store *st, struct vb_reason *why)
{
	return store_schema_migrate_to(st, store_schema_latest(), why);
}

int store_schema_migrate_to(struct store *st, int target, struct vb_reason *why)
{
	int rc = VB_OK, owned = 0, version = 0;
	int latest = store_schema_latest();

	if (target < 0 || target > latest)
		rc = store_err_set(st, VB_EINVAL, "no schema version %d", target);
	if (rc || (rc = check_list(st))) {
		vb_reason_set(why, "migration_failed", "%s", st->errmsg);
		return rc;
	}
	/* Read the version inside the write transaction so that two
	 * processes opening a new file do not both migrate it. */
	if ((rc = store_tx_enter(st, &owned)) || (rc = store_schema_version(st, &version))) {
		vb_reason_set(why, "migration_failed", "cannot read the schema version: %s",
			      st->errmsg);
		goto out;
	}
	if (version > latest) {
		rc = store_err_set(st, VB_ECORRUPT,
				   "database schema version %d is newer than this program knows "
				   "(%d); install a newer vaxbus",
				   version, latest);
		vb_reason_set(why, "schema_too_new", "%s", st->errmsg);
		goto out;
	}
	if (version < 0) {
		rc = store_err_set(st, VB_ECORRUPT, "database schema version %d is invalid",
				   version);
		vb_reason_set(why, "schema_invalid", "%s", st->errmsg);
		goto out;
	}
	for (int v = version; v < target; v++) {
		const struct store_migration *m = &store_migrations[v];
		if (m->sql)
			rc = store_exec_static(st, m->sql);
		if (!rc && m->fn)
			rc = m->fn(st);
		if (rc) {
			vb_reason_set(why, "migration_failed", "migration %d (%s) failed: %s",
				      m->version, m->name, st->errmsg);
			goto out;
		}
	}
	if (version < target && (rc = set_user_version(st, target))) {
		vb_reason_set(why, "migration_failed", "cannot set the schema version: %s",
			      st->errmsg);
		goto out;
	}
out:
	rc = store_tx_leave(st, owned, rc);
	if (rc && why && !why->code)
		vb_reason_set(why, "migration_failed", "the migration could not commit: %s",
			      st->errmsg);
	return rc;
}
