/*
 * store_staff: the staff who may sign in on the kiosk (table staff,
 * migration 8) — an id, a role, and the PIN as an Argon2id hash
 * (libsodium crypto_pwhash_str, never the PIN itself) — and the wrong-PIN
 * lockout, kept in the same row so that restarting the kiosk does not
 * reset it.
 *
 * No name is kept: the id ("nurse-li") is what the kiosk lists and what
 * the audit log names as the actor, so there is nothing personal to seal.
 *
 * Lockout: STORE_STAFF_TRIES wrong PINs in a row for one staff id lock
 * that id; the lock lasts 30 s, then 1 min, 5 min, 15 min and 1 h for each
 * further lockout until a right PIN (or a new PIN set by vaxbusctl). While
 * locked no PIN is checked at all. Every wrong PIN ("staff.pin_wrong"),
 * lockout ("staff.lockout") and sign-in ("staff.sign_in") is an audit row
 * whose record id is the staff id; the PIN is never in the log.
 *
 * Hashing costs (STORE_STAFF_OPSLIMIT, STORE_STAFF_MEMLIMIT) are chosen so
 * that one check takes some 0.3 s (measured below); a hash made with
 * other costs is made again at the next right PIN
 * (crypto_pwhash_str_needs_rehash). Argon2id does not make a 4-digit PIN
 * safe against someone who copied the database (10^4 guesses): the
 * database's file modes and the lockout are what protect it; the hash
 * keeps the PINs from being read off a copy at a glance and slows longer
 * PINs down.
 */
#ifndef STORE_STAFF_H
#define STORE_STAFF_H

#include <stddef.h>
#include <stdint.h>

#include "store.h"

#define STORE_STAFF_ID_MAX   63	 /* bytes of an id (a token), NUL excluded */
#define STORE_STAFF_HASH_MAX 128 /* crypto_pwhash_STRBYTES */
#define STORE_STAFF_PIN_MIN  4
#define STORE_STAFF_PIN_MAX  8
#define STORE_STAFF_TRIES    5 /* wrong PINs in a row before a lockout */

/* Argon2id costs: opslimit 3 and 128 MiB take 0.28 s a verification
 * (crypto_pwhash_str_verify, mean of 3, twice) on this project's build
 * machine, one AMD EPYC core idle otherwise; 64 MiB took 0.12-0.13 s and
 * 32 MiB 0.07 s. A bus's small PC, slower per core, takes longer: the
 * memory is what makes guessing on graphics cards dear, so it is spent
 * rather than passes. */
#define STORE_STAFF_OPSLIMIT 3ULL
#define STORE_STAFF_MEMLIMIT ((size_t)128 << 20)

struct store_staff {
	char id[STORE_STAFF_ID_MAX + 1];
	char role[8];	      /* "nurse", "doctor" or "admin" */
	int active;	      /* 0: disabled, cannot sign in */
	int wrong;	      /* wrong PINs since the last sign-in or lockout */
	int lockouts;	      /* lockouts since the last right PIN */
	int64_t locked_until; /* UTC seconds; 0 or past: not locked */
	int64_t created_at, updated_at;
};

/* Whether pin may be a staff PIN: NULL if so, else a reason code —
 * "pin_length" (not 4-8 characters), "pin_digits" (not only digits),
 * "pin_trivial" (one digit repeated, like 0000, or a run up or down, like
 * 1234, 98765: the first guesses anyone tries with five tries per
 * lockout). */
const char *store_staff_pin_rule(const char *pin);

/* Hashes pin (Argon2id at the costs above) into out. VB_OK, VB_EINVAL
 * (store_staff_pin_rule refuses it) or VB_ENOMEM. Takes some 0.3 s: call
 * it before the transaction. */
int store_staff_hash(const char *pin, char out[STORE_STAFF_HASH_MAX]);

/* Whether role is "nurse", "doctor" or "admin". */
int store_staff_role_ok(const char *role);

/*
 * In the caller's transaction, each with its audit row by actor at now
 * (record id the staff id, the detail without the PIN):
 * store_staff_add — a new active staff member ("staff.add", role=...);
 * VB_EEXIST when the id is taken (disabled ones included).
 * store_staff_set_pin — a new PIN hash, which also clears the wrong PINs
 * and lockouts ("staff.pin"); VB_ENOTFOUND.
 * store_staff_disable — can no longer sign in ("staff.disable");
 * VB_ENOTFOUND. All: VB_EINVAL (bad id, role, hash or actor), VB_ESTATE
 * (no transaction) or a storage error.
 */
int store_staff_add(struct store *st, const char *id, const char *role, const char *hash,
		    const char *actor, int64_t now);
int store_staff_set_pin(struct store *st, const char *id, const char *hash, const char *actor,
			int64_t now);
int store_staff_disable(struct store *st, const char *id, const char *actor, int64_t now);

/* Staff member id into *out: VB_OK, VB_ENOTFOUND or a storage error. */
int store_staff_get(struct store *st, const char *id, struct store_staff *out);

/* Calls fn for each staff member by id (active_only: the active ones). fn
 * returns 0 to go on, else that value is returned. fn must not use st. */
int store_staff_each(struct store *st, int active_only,
		     int (*fn)(void *ctx, const struct store_staff *s), void *ctx);

enum store_staff_result {
	STORE_STAFF_OK,	      /* right PIN: signed in */
	STORE_STAFF_WRONG,    /* wrong PIN; tries_left more before a lockout */
	STORE_STAFF_LOCKOUT,  /* wrong PIN that locked the id until locked_until */
	STORE_STAFF_LOCKED,   /* locked already: the PIN was not checked */
	STORE_STAFF_DISABLED, /* no such active staff member */
	STORE_STAFF_CHECK,    /* store_staff_begin: the PIN is to be checked */
	STORE_STAFF_CHANGED,  /* store_staff_finish: a new PIN was set meanwhile */
};

struct store_staff_try {
	enum store_staff_result result;
	int tries_left;
	int64_t locked_until;
};

/*
 * A sign-in of staff member id with pin at now, at the device `where` (a
 * token: the audit actor of wrong PINs and lockouts, since whoever typed
 * them is not known). Checks the lock, then the PIN (some 0.3 s), and
 * records the outcome in its own transaction (none may be open): a right
 * PIN clears the counts, makes the hash again if its costs are old, and
 * appends "staff.sign_in" by id; a wrong one counts and may lock. The
 * result in *out. VB_OK, VB_EINVAL, VB_ESTATE (a transaction is open) or a
 * storage error.
 */
int store_staff_sign_in(struct store *st, const char *id, const char *pin, const char *where,
			int64_t now, struct store_staff_try *out);

/*
 * The same sign-in in three steps, so that the slow part runs where it
 * holds nothing up (the kiosk: on a worker thread, kiosk_pin_check.h).
 *
 * store_staff_begin reads staff member id's row at now, on the caller's
 * thread (no transaction needed, none written): *out is
 * STORE_STAFF_DISABLED or STORE_STAFF_LOCKED at once (c wiped), else
 * STORE_STAFF_CHECK with c holding the id and a copy of the PIN hash.
 * VB_OK, VB_EINVAL (bad id) or a storage error.
 *
 * store_staff_verify checks pin against c->hash (some 0.3 s) into
 * c->right, and for a right PIN whose hash was made at other costs hashes
 * it again into c->fresh (another 0.3 s). It uses no store and no global
 * state but libsodium's: any thread may run it on its own copy of c.
 * VB_OK, VB_EINVAL (pin longer than STORE_STAFF_PIN_MAX) or VB_ENOMEM.
 *
 * store_staff_finish records c's verdict at now in its own transaction
 * (none may be open), reading the row again first: disabled or locked
 * meanwhile (vaxbusctl, another device), that is the result and nothing
 * is counted; a hash other than c->hash (a new PIN set meanwhile) gives
 * STORE_STAFF_CHANGED: the verdict was about a PIN that no longer counts,
 * so nothing is counted or recorded and the PIN must be checked again.
 * Else the outcome is recorded as store_staff_sign_in does (the fresh
 * hash saved in place of c->hash). c is wiped. VB_OK, VB_EINVAL,
 * VB_ESTATE (a transaction is open) or a storage error.
 *
 * store_staff_sign_in is begin, verify and finish, checking again (up to
 * three times) after STORE_STAFF_CHANGED.
 */
struct store_staff_check {
	char id[STORE_STAFF_ID_MAX + 1];
	char hash[STORE_STAFF_HASH_MAX];  /* the row's hash at begin */
	int right;			  /* verify: 1 the PIN matches hash, else 0 */
	char fresh[STORE_STAFF_HASH_MAX]; /* verify: the PIN at today's costs, "" none */
};
int store_staff_begin(struct store *st, const char *id, int64_t now, struct store_staff_check *c,
		      struct store_staff_try *out);
int store_staff_verify(struct store_staff_check *c, const char *pin);
int store_staff_finish(struct store *st, struct store_staff_check *c, const char *where,
		       int64_t now, struct store_staff_try *out);

/* Appends "staff.sign_out" by id (its own transaction): the staff member
 * locked the screen, or it locked itself after a while untouched
 * (detail "idle"). VB_OK or an error. */
int store_staff_sign_out(struct store *st, const char *id, int idle, int64_t now);

/* The lock's length for the n-th lockout in a row (n >= 1), in seconds. */
int64_t store_staff_lock_seconds(int n);

#endif
