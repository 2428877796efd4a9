/*
 * store_staff: staff, their Argon2id PIN hashes and the persisted
 * wrong-PIN lockout (store_staff.h); table made by migration step 8
 * (store_migrations.c). A sign-in is begin (the row read), verify (the
 * PIN against a copy of the hash, no store) and finish (the row read
 * again and the outcome recorded unless the hash changed meanwhile).
 */
#include "store_staff.h"

#include "store_audit.h"
#include "store_int.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

static const char SQL_ADD[] =
    "INSERT INTO staff (id, role, pin_hash, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?4)";
static const char SQL_SET_PIN[] =
    "UPDATE staff SET pin_hash = ?2, wrong = 0, lockouts = 0, locked_until = 0, updated_at = ?3"
    " WHERE id = ?1";
static const char SQL_DISABLE[] = "UPDATE staff SET active = 0, updated_at = ?2 WHERE id = ?1";
#define STAFF_COLS "id, role, active, wrong, lockouts, locked_until, created_at, updated_at"
static const char SQL_GET[] = "SELECT " STAFF_COLS ", pin_hash FROM staff WHERE id = ?1";
static const char SQL_EACH[] =
    "SELECT " STAFF_COLS " FROM staff WHERE active = 1 OR ?1 = 0 ORDER BY id";
static const char SQL_REHASH[] = "UPDATE staff SET pin_hash = ?2 WHERE id = ?1";
static const char SQL_COUNTS[] = "UPDATE staff SET wrong = ?2, lockouts = ?3, locked_until = ?4,"
				 " updated_at = ?5 WHERE id = ?1";

/* The locks of the 1st, 2nd, ... lockout in a row; the last one repeats. */
static const int64_t lock_s[] = {30, 60, 5 * 60, 15 * 60, 60 * 60};

int64_t store_staff_lock_seconds(int n)
{
	size_t i = n < 1 ? 0 : (size_t)n - 1, last = sizeof(lock_s) / sizeof(lock_s[0]) - 1;
	return lock_s[i < last ? i : last];
}

const char *store_staff_pin_rule(const char *pin)
{
	size_t n = pin ? strlen(pin) : 0;
	if (n < STORE_STAFF_PIN_MIN || n > STORE_STAFF_PIN_MAX)
		return "pin_length";
	if (strspn(pin, "0123456789") != n)
		return "pin_digits";
	int same = 1, up = 1, down = 1;
	for (size_t i = 1; i < n; i++) {
		int d = pin[i] - pin[i - 1];
		same &= d == 0;
		up &= d == 1;
		down &= d == -1;
	}
	return same || up || down ? "pin_trivial" : NULL;
}

int store_staff_role_ok(const char *role)
{
	return role && (strcmp(role, "nurse") == 0 || strcmp(role, "doctor") == 0 ||
			strcmp(role, "admin") == 0);
}

int store_staff_hash(const char *pin, char out[STORE_STAFF_HASH_MAX])
{
	if (store_staff_pin_rule(pin))
		return VB_EINVAL;
	if (sodium_init() < 0 || crypto_pwhash_str(out, pin, strlen(pin), STORE_STAFF_OPSLIMIT,
						   STORE_STAFF_MEMLIMIT) != 0)
		return VB_ENOMEM;
	return VB_OK;
}

/* An Argon2id string as crypto_pwhash_str writes it. */
static int hash_ok(const char *h)
{
	return h && strncmp(h, "$argon2id$", 10) == 0 && strlen(h) < STORE_STAFF_HASH_MAX;
}

static int check_common(struct store *st, const char *what, const char *id, const char *actor)
{
	int rc = store_need_tx(st, what);
	if (!rc)
		rc = store_check_token(st, "staff id", id, STORE_STAFF_ID_MAX + 1);
	if (!rc)
		rc = store_check_token(st, "actor", actor, STORE_AUDIT_TOKEN_MAX + 1);
	return rc;
}

int store_staff_add(struct store *st, const char *id, const char *role, const char *hash,
		    const char *actor, int64_t now)
{
	sqlite3_stmt *s = NULL;
	char detail[32];
	int rc = check_common(st, "store_staff_add", id, actor);
	if (rc)
		return rc;
	if (!store_staff_role_ok(role) || !hash_ok(hash))
		return store_err_set(st, VB_EINVAL, "role or PIN hash is malformed");
	if ((rc = store_stmt(st, SQL_ADD, &s)) || (rc = store_bind_text(st, s, 1, id)) ||
	    (rc = store_bind_text(st, s, 2, role)) || (rc = store_bind_text(st, s, 3, hash)) ||
	    (rc = store_bind_int64(st, s, 4, now)) || (rc = store_step_done(st, s)))
		return rc;
	snprintf(detail, sizeof(detail), "role=%s", role);
	return store_audit_append(st, now, actor, "staff.add", id, detail);
}

/* Runs the one-row UPDATE sql (?1 the id, ?2 value or now, ?3 now) and
 * appends the audit row action; VB_ENOTFOUND when no row has the id. */
static int update_one(struct store *st, const char *sql, const char *id, const char *hash,
		      const char *actor, const char *action, int64_t now)
{
	sqlite3_stmt *s = NULL;
	int rc;
	if ((rc = store_stmt(st, sql, &s)) || (rc = store_bind_text(st, s, 1, id)))
		return rc;
	if (hash)
		rc = store_bind_text(st, s, 2, hash);
	if (rc || (rc = store_bind_int64(st, s, hash ? 3 : 2, now)) ||
	    (rc = store_step_done(st, s)))
		return rc;
	if (sqlite3_changes(st->db) != 1)
		return store_err_set(st, VB_ENOTFOUND, "no staff member has this id");
	return store_audit_append(st, now, actor, action, id, NULL);
}

int store_staff_set_pin(struct store *st, const char *id, const char *hash, const char *actor,
			int64_t now)
{
	int rc = check_common(st, "store_staff_set_pin", id, actor);
	if (rc)
		return rc;
	if (!hash_ok(hash))
		return store_err_set(st, VB_EINVAL, "the PIN hash is malformed");
	return update_one(st, SQL_SET_PIN, id, hash, actor, "staff.pin", now);
}

int store_staff_disable(struct store *st, const char *id, const char *actor, int64_t now)
{
	int rc = check_common(st, "store_staff_disable", id, actor);
	return rc ? rc : update_one(st, SQL_DISABLE, id, NULL, actor, "staff.disable", now);
}

static int read_row(sqlite3_stmt *s, struct store_staff *out)
{
	memset(out, 0, sizeof(*out));
	int rc = store_column_text(s, 0, out->id, sizeof(out->id));
	if (!rc)
		rc = store_column_text(s, 1, out->role, sizeof(out->role));
	out->active = sqlite3_column_int(s, 2);
	out->wrong = sqlite3_column_int(s, 3);
	out->lockouts = sqlite3_column_int(s, 4);
	out->locked_until = sqlite3_column_int64(s, 5);
	out->created_at = sqlite3_column_int64(s, 6);
	out->updated_at = sqlite3_column_int64(s, 7);
	return rc;
}

/* The row of id into *out and its hash into hash (may be NULL). */
static int get(struct store *st, const char *id, struct store_staff *out,
	       char hash[STORE_STAFF_HASH_MAX])
{
	sqlite3_stmt *s = NULL;
	int rc;
	if ((rc = store_stmt(st, SQL_GET, &s)) || (rc = store_bind_text(st, s, 1, id)))
		return rc;
	rc = store_step(st, s);
	if (rc == 0)
		rc = store_err_set(st, VB_ENOTFOUND, "no staff member has this id");
	else if (rc == 1) {
		rc = read_row(s, out);
		if (!rc && hash)
			rc = store_column_text(s, 8, hash, STORE_STAFF_HASH_MAX);
	}
	store_stmt_reset(s);
	return rc;
}

int store_staff_get(struct store *st, const char *id, struct store_staff *out)
{
	struct store_staff row;
	int rc = get(st, id, &row, NULL);
	if (!rc)
		*out = row;
	return rc;
}

int store_staff_each(struct store *st, int active_only,
		     int (*fn)(void *ctx, const struct store_staff *s), void *ctx)
{
	sqlite3_stmt *s = NULL;
	struct store_staff row;
	int rc;
	if ((rc = store_stmt(st, SQL_EACH, &s)) || (rc = store_bind_int64(st, s, 1, active_only)))
		return rc;
	while ((rc = store_step(st, s)) == 1) {
		if ((rc = read_row(s, &row)) || (rc = fn(ctx, &row)))
			break;
	}
	store_stmt_reset(s);
	return rc;
}

static int save_counts(struct store *st, const struct store_staff *r, int64_t now)
{
	sqlite3_stmt *s = NULL;
	int rc;
	if ((rc = store_stmt(st, SQL_COUNTS, &s)) || (rc = store_bind_text(st, s, 1, r->id)) ||
	    (rc = store_bind_int64(st, s, 2, r->wrong)) ||
	    (rc = store_bind_int64(st, s, 3, r->lockouts)) ||
	    (rc = store_bind_int64(st, s, 4, r->locked_until)) ||
	    (rc = store_bind_int64(st, s, 5, now)))
		return rc;
	return store_step_done(st, s);
}

/* The outcome of checked PIN c for row r, in the open transaction: a right
 * PIN clears the counts and saves c->fresh, if any, in place of the hash
 * made at other costs (not through store_staff_hash: a PIN set before a
 * rule was added stays valid until changed). */
static int record(struct store *st, struct store_staff *r, const struct store_staff_check *c,
		  const char *where, int64_t now, struct store_staff_try *out)
{
	sqlite3_stmt *s = NULL;
	char detail[64];
	int rc;
	if (c->right) {
		r->wrong = r->lockouts = 0;
		r->locked_until = 0;
		out->result = STORE_STAFF_OK;
		if ((rc = save_counts(st, r, now)))
			return rc;
		if (c->fresh[0] &&
		    ((rc = store_stmt(st, SQL_REHASH, &s)) ||
		     (rc = store_bind_text(st, s, 1, r->id)) ||
		     (rc = store_bind_text(st, s, 2, c->fresh)) || (rc = store_step_done(st, s))))
			return rc;
		return store_audit_append(st, now, r->id, "staff.sign_in", r->id, NULL);
	}
	if (++r->wrong < STORE_STAFF_TRIES) {
		out->result = STORE_STAFF_WRONG;
		out->tries_left = STORE_STAFF_TRIES - r->wrong;
		snprintf(detail, sizeof(detail), "wrong=%d", r->wrong);
		if ((rc = save_counts(st, r, now)))
			return rc;
		return store_audit_append(st, now, where, "staff.pin_wrong", r->id, detail);
	}
	r->wrong = 0;
	r->lockouts++;
	r->locked_until = now + store_staff_lock_seconds(r->lockouts);
	out->result = STORE_STAFF_LOCKOUT;
	out->locked_until = r->locked_until;
	snprintf(detail, sizeof(detail), "wrong=%d lockout=%d seconds=%lld", STORE_STAFF_TRIES,
		 r->lockouts, (long long)store_staff_lock_seconds(r->lockouts));
	if ((rc = save_counts(st, r, now)))
		return rc;
	return store_audit_append(st, now, where, "staff.lockout", r->id, detail);
}

/* Row r (read with rc) at now: STORE_STAFF_DISABLED or STORE_STAFF_LOCKED
 * into *out and 1, or 0 when its PIN may be checked; rc a storage error is
 * left as it is. */
static int refused(int *rc, const struct store_staff *r, int64_t now, struct store_staff_try *out)
{
	if (*rc == VB_ENOTFOUND || (!*rc && !r->active)) {
		out->result = STORE_STAFF_DISABLED;
		*rc = VB_OK;
		return 1;
	}
	if (!*rc && r->locked_until > now) {
		out->result = STORE_STAFF_LOCKED;
		out->locked_until = r->locked_until;
		return 1;
	}
	return *rc != VB_OK;
}

int store_staff_begin(struct store *st, const char *id, int64_t now, struct store_staff_check *c,
		      struct store_staff_try *out)
{
	struct store_staff r;
	sodium_memzero(c, sizeof(*c));
	int rc = store_check_token(st, "staff id", id, STORE_STAFF_ID_MAX + 1);
	if (rc)
		return rc;
	memset(out, 0, sizeof(*out));
	rc = get(st, id, &r, c->hash);
	if (refused(&rc, &r, now, out)) {
		sodium_memzero(c, sizeof(*c));
		return rc;
	}
	out->result = STORE_STAFF_CHECK;
	snprintf(c->id, sizeof(c->id), "%s", id);
	return VB_OK;
}

int store_staff_verify(struct store_staff_check *c, const char *pin)
{
	size_t n = pin ? strlen(pin) : 0;
	c->right = 0;
	c->fresh[0] = '\0';
	if (!pin || n > STORE_STAFF_PIN_MAX)
		return VB_EINVAL;
	if (sodium_init() < 0)
		return VB_ENOMEM;
	c->right = crypto_pwhash_str_verify(c->hash, pin, n) == 0;
	if (c->right &&
	    crypto_pwhash_str_needs_rehash(c->hash, STORE_STAFF_OPSLIMIT, STORE_STAFF_MEMLIMIT) !=
		0 &&
	    crypto_pwhash_str(c->fresh, pin, n, STORE_STAFF_OPSLIMIT, STORE_STAFF_MEMLIMIT) != 0) {
		c->fresh[0] = '\0';
		return VB_ENOMEM;
	}
	return VB_OK;
}

int store_staff_finish(struct store *st, struct store_staff_check *c, const char *where,
		       int64_t now, struct store_staff_try *out)
{
	struct store_staff r;
	char hash[STORE_STAFF_HASH_MAX];
	int rc = store_check_token(st, "staff id", c->id, STORE_STAFF_ID_MAX + 1);
	if (!rc)
		rc = store_check_token(st, "where", where, STORE_AUDIT_TOKEN_MAX + 1);
	if (!rc)
		rc = store_begin(st);
	if (rc) {
		sodium_memzero(c, sizeof(*c));
		return rc;
	}
	memset(out, 0, sizeof(*out));
	rc = get(st, c->id, &r, hash);
	if (!refused(&rc, &r, now, out)) {
		if (strcmp(hash, c->hash) != 0)
			out->result = STORE_STAFF_CHANGED; /* nothing recorded */
		else
			rc = record(st, &r, c, where, now, out);
	}
	sodium_memzero(hash, sizeof(hash));
	sodium_memzero(c, sizeof(*c));
	if (!rc)
		rc = store_commit(st);
	if (rc)
		store_rollback(st);
	return rc;
}

int store_staff_sign_in(struct store *st, const char *id, const char *pin, const char *where,
			int64_t now, struct store_staff_try *out)
{
	struct store_staff_check c;
	int rc = store_check_token(st, "where", where, STORE_AUDIT_TOKEN_MAX + 1);
	if (rc)
		return rc;
	if (!pin || strlen(pin) > STORE_STAFF_PIN_MAX)
		return store_err_set(st, VB_EINVAL, "the PIN is too long");
	if (store_in_transaction(st)) /* before the 0.3 s, not after */
		return store_err_set(st, VB_ESTATE, "a transaction is already open");
	for (int round = 0; round < 3; round++) {
		rc = store_staff_begin(st, id, now, &c, out);
		if (rc || out->result != STORE_STAFF_CHECK)
			return rc;
		if ((rc = store_staff_verify(&c, pin))) {
			sodium_memzero(&c, sizeof(c));
			return store_err_set(st, rc, "the PIN could not be checked");
		}
		rc = store_staff_finish(st, &c, where, now, out);
		if (rc || out->result != STORE_STAFF_CHANGED)
			return rc;
	}
	return rc;
}

int store_staff_sign_out(struct store *st, const char *id, int idle, int64_t now)
{
	int rc = store_check_token(st, "staff id", id, STORE_STAFF_ID_MAX + 1);
	if (!rc)
		rc = store_begin(st);
	if (rc)
		return rc;
	rc = store_audit_append(st, now, id, "staff.sign_out", id, idle ? "idle" : NULL);
	if (!rc)
		rc = store_commit(st);
	if (rc)
		store_rollback(st);
	return rc;
}
