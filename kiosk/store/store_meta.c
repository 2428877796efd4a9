/*
 * store_meta: the meta table — get/set, the identity written by
 * vaxbusctl init, and the facts written when a database is created.
 */
#include "store_meta.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "store_id.h"
#include "store_int.h"

static const char SQL_GET[] = "SELECT value FROM meta WHERE key = ?1";
static const char SQL_PUT[] = "INSERT INTO meta (key, value) VALUES (?1, ?2)"
			      " ON CONFLICT (key) DO UPDATE SET value = excluded.value";

static const char *const reserved[] = {"database_id",	 "created_at",	 "bus_id",
				       "site_id",	 "audit_seq",	 "audit_hash",
				       "data_key_check", "audit_origin", "cloned_from"};

int store_meta_get(struct store *st, const char *key, char *buf, size_t cap)
{
	char tmp[STORE_META_VALUE_MAX + 1];
	sqlite3_stmt *s = NULL;
	int rc = VB_OK;

	if (!key)
		return store_err_set(st, VB_EINVAL, "meta key is NULL");
	if ((rc = store_stmt(st, SQL_GET, &s)) || (rc = store_bind_text(st, s, 1, key)))
		goto out;
	rc = store_step(st, s);
	if (rc == 0) {
		rc = store_err_set(st, VB_ENOTFOUND, "meta key '%.64s' is not set", key);
		goto out;
	}
	if (rc < 0)
		goto out;
	rc = VB_OK;
	if (store_column_text(s, 0, tmp, sizeof(tmp)) ||
	    (size_t)sqlite3_column_bytes(s, 0) >= cap) {
		rc = store_err_set(st, VB_ERANGE, "meta value of '%.64s' does not fit in %zu bytes",
				   key, cap);
		goto out;
	}
	memcpy(buf, tmp, strlen(tmp) + 1);
out:
	store_stmt_reset(s);
	return rc;
}

int store_meta_put(struct store *st, const char *key, const char *value)
{
	sqlite3_stmt *s = NULL;
	int rc = VB_OK;
	if ((rc = store_stmt(st, SQL_PUT, &s)) || (rc = store_bind_text(st, s, 1, key)) ||
	    (rc = store_bind_text(st, s, 2, value)))
		goto out;
	rc = store_step_done(st, s);
out:
	store_stmt_reset(s);
	return rc;
}

int store_meta_set(struct store *st, const char *key, const char *value)
{
	int rc = store_check_token(st, "meta key", key, STORE_META_KEY_MAX + 1);
	if (rc)
		return rc;
	for (size_t i = 0; i < sizeof(reserved) / sizeof(reserved[0]); i++) {
		if (strcmp(key, reserved[i]) == 0)
			return store_err_set(st, VB_EINVAL, "meta key '%s' is managed by the store",
					     key);
	}
	if (!value)
		return store_err_set(st, VB_EINVAL, "meta value is NULL");
	if (strlen(value) > STORE_META_VALUE_MAX)
		return store_err_set(st, VB_EINVAL, "meta value is longer than %d bytes",
				     STORE_META_VALUE_MAX);
	return store_meta_put(st, key, value);
}

int store_meta_init_identity(struct store *st, const char *bus_id, const char *site_id)
{
	char cur[STORE_META_IDENT_MAX + 1];
	int rc = VB_OK, owned = 0;

	if ((rc = store_check_token(st, "bus_id", bus_id, sizeof(cur))) ||
	    (rc = store_check_token(st, "site_id", site_id, sizeof(cur))))
		return rc;
	if ((rc = store_tx_enter(st, &owned)))
		return rc;
	rc = store_meta_get(st, "bus_id", cur, sizeof(cur));
	if (rc == VB_OK && strcmp(cur, bus_id) != 0) {
		rc =
		    store_err_set(st, VB_EEXIST,
				  "this database belongs to bus '%s'; refusing to re-initialise it "
				  "as '%s'",
				  cur, bus_id);
		goto out;
	}
	if (rc == VB_ERANGE) {
		rc = store_err_set(st, VB_EEXIST, "this database belongs to another bus");
		goto out;
	}
	if (rc != VB_OK && rc != VB_ENOTFOUND)
		goto out;
	if ((rc = store_meta_put(st, "bus_id", bus_id)) ||
	    (rc = store_meta_put(st, "site_id", site_id)))
		goto out;
out:
	return store_tx_leave(st, owned, rc);
}

int store_meta_bootstrap(struct store *st)
{
	char id[STORE_ID_LEN + 1], created[24];
	int rc = store_id_new(id);
	if (rc)
		return store_err_set(st, rc, "cannot make a database id: getrandom failed");
	snprintf(created, sizeof(created), "%" PRId64, (int64_t)time(NULL));
	if ((rc = store_meta_put(st, "database_id", id)) ||
	    (rc = store_meta_put(st, "created_at", created)))
		return rc;
	return store_audit_init_head(st, id);
}
