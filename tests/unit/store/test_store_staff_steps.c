/* The sign-in in steps (store_staff.h): store_staff_verify is pure (no
 * store: it runs on two threads at once with none open) and right or
 * wrong, with a fresh hash only for a right PIN at old costs; begin says a
 * lock or a disabled id at once; finish reads the row again, so a new PIN,
 * a lock or a disable set between begin and finish wins (nothing counted,
 * no audit row), wrong PINs checked side by side both count, and a right
 * PIN saves the fresh hash. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <sodium.h>
#include <string.h>

#include "store.h"
#include "store_audit.h"
#include "store_staff.h"
#include "store_test.h"
#include "vb_error.h"

#define T0 1622505600

/* A check of hash (copied) as begin would hand it out. */
static struct store_staff_check check_of(const char *hash)
{
	struct store_staff_check c;
	memset(&c, 0, sizeof(c));
	snprintf(c.id, sizeof(c.id), "nurse-li");
	snprintf(c.hash, sizeof(c.hash), "%s", hash);
	return c;
}

struct verify_arg {
	struct store_staff_check c;
	const char *pin;
	int rc;
};

static void *verify_thread(void *p)
{
	struct verify_arg *a = p;
	a->rc = store_staff_verify(&a->c, a->pin);
	return NULL;
}

/* No store is open: two threads verify at once, one right, one wrong. */
static void test_verify_pure(void **state)
{
	(void)state;
	char hash[STORE_STAFF_HASH_MAX], old[STORE_STAFF_HASH_MAX];
	assert_int_equal(store_staff_hash("2468", hash), VB_OK);
	struct verify_arg a = {check_of(hash), "2468", -1}, b = {check_of(hash), "2469", -1};
	pthread_t ta, tb;
	assert_int_equal(pthread_create(&ta, NULL, verify_thread, &a), 0);
	assert_int_equal(pthread_create(&tb, NULL, verify_thread, &b), 0);
	pthread_join(ta, NULL);
	pthread_join(tb, NULL);
	assert_int_equal(a.rc, VB_OK);
	assert_int_equal(a.c.right, 1);
	assert_string_equal(a.c.fresh, ""); /* today's costs already */
	assert_int_equal(b.rc, VB_OK);
	assert_int_equal(b.c.right, 0);
	assert_string_equal(b.c.hash, hash); /* the check is not consumed */

	struct store_staff_check c = check_of(hash);
	assert_int_equal(store_staff_verify(&c, "123456789"), VB_EINVAL);
	assert_int_equal(c.right, 0);
	assert_int_equal(store_staff_verify(&c, NULL), VB_EINVAL);

	/* Old costs: a right PIN comes back hashed at today's, a wrong one not. */
	assert_int_equal(crypto_pwhash_str(old, "2468", 4, crypto_pwhash_OPSLIMIT_MIN,
					   crypto_pwhash_MEMLIMIT_MIN),
			 0);
	c = check_of(old);
	assert_int_equal(store_staff_verify(&c, "1357"), VB_OK);
	assert_int_equal(c.right, 0);
	assert_string_equal(c.fresh, "");
	assert_int_equal(store_staff_verify(&c, "2468"), VB_OK);
	assert_int_equal(c.right, 1);
	assert_int_equal(strncmp(c.fresh, "$argon2id$", 10), 0);
	assert_int_equal(
	    crypto_pwhash_str_needs_rehash(c.fresh, STORE_STAFF_OPSLIMIT, STORE_STAFF_MEMLIMIT), 0);
	assert_int_equal(crypto_pwhash_str_verify(c.fresh, "2468", 4), 0);
}

static void add(struct tstore *t, const char *hash)
{
	assert_int_equal(store_begin(t->st), VB_OK);
	assert_int_equal(store_staff_add(t->st, "nurse-li", "nurse", hash, "os:admin", T0), VB_OK);
	assert_int_equal(store_commit(t->st), VB_OK);
}

static int64_t count(struct tstore *t, const char *sql)
{
	sqlite3 *db = raw_open(t->path);
	int64_t n = raw_int(db, sql);
	sqlite3_close(db);
	return n;
}

static void sql(struct tstore *t, const char *text)
{
	sqlite3 *db = raw_open(t->path);
	raw_exec(db, text);
	sqlite3_close(db);
}

/* begin: a lock or no such active id at once, the check wiped. */
static void test_begin(void **state)
{
	struct tstore *t = *state;
	struct store_staff_check c;
	struct store_staff_try r;
	char hash[STORE_STAFF_HASH_MAX];
	assert_int_equal(store_staff_hash("2468", hash), VB_OK);
	add(t, hash);
	assert_int_equal(store_staff_begin(t->st, "nurse-li", T0, &c, &r), VB_OK);
	assert_int_equal(r.result, STORE_STAFF_CHECK);
	assert_string_equal(c.id, "nurse-li");
	assert_string_equal(c.hash, hash);
	assert_int_equal(store_staff_begin(t->st, "nobody", T0, &c, &r), VB_OK);
	assert_int_equal(r.result, STORE_STAFF_DISABLED);
	assert_string_equal(c.hash, "");
	assert_int_equal(store_staff_begin(t->st, "bad id", T0, &c, &r), VB_EINVAL);
	sql(t, "UPDATE staff SET locked_until = 1622505630");
	assert_int_equal(store_staff_begin(t->st, "nurse-li", T0 + 29, &c, &r), VB_OK);
	assert_int_equal(r.result, STORE_STAFF_LOCKED);
	assert_int_equal(r.locked_until, T0 + 30);
	assert_string_equal(c.hash, "");
	assert_int_equal(store_staff_begin(t->st, "nurse-li", T0 + 30, &c, &r), VB_OK);
	assert_int_equal(r.result, STORE_STAFF_CHECK);
	/* Finish opens its own transaction. */
	assert_int_equal(store_begin(t->st), VB_OK);
	assert_int_equal(store_staff_finish(t->st, &c, "kiosk", T0 + 30, &r), VB_ESTATE);
	assert_string_equal(c.hash, ""); /* wiped all the same */
	assert_int_equal(store_rollback(t->st), VB_OK);
}

/* A new PIN, a lock or a disable between begin and finish wins. */
static void test_finish_after_change(void **state)
{
	struct tstore *t = *state;
	struct store_staff_check c;
	struct store_staff_try r;
	struct store_staff s;
	char hash[STORE_STAFF_HASH_MAX], other[STORE_STAFF_HASH_MAX];
	assert_int_equal(store_staff_hash("2468", hash), VB_OK);
	assert_int_equal(store_staff_hash("8642", other), VB_OK);
	add(t, hash);

	/* The right old PIN, the PIN changed meanwhile: no sign-in. */
	assert_int_equal(store_staff_begin(t->st, "nurse-li", T0, &c, &r), VB_OK);
	assert_int_equal(store_staff_verify(&c, "2468"), VB_OK);
	assert_int_equal(c.right, 1);
	assert_int_equal(store_begin(t->st), VB_OK);
	assert_int_equal(store_staff_set_pin(t->st, "nurse-li", other, "os:admin", T0 + 1), VB_OK);
	assert_int_equal(store_commit(t->st), VB_OK);
	assert_int_equal(store_staff_finish(t->st, &c, "kiosk", T0 + 2, &r), VB_OK);
	assert_int_equal(r.result, STORE_STAFF_CHANGED);
	assert_string_equal(c.hash, "");
	/* A wrong PIN against the old hash is not counted either. */
	c = check_of(hash);
	c.right = 0;
	assert_int_equal(store_staff_finish(t->st, &c, "kiosk", T0 + 2, &r), VB_OK);
	assert_int_equal(r.result, STORE_STAFF_CHANGED);
	assert_int_equal(store_staff_get(t->st, "nurse-li", &s), VB_OK);
	assert_int_equal(s.wrong, 0);

	/* Locked meanwhile (another device, vaxbusctl): nothing counted. */
	assert_int_equal(store_staff_begin(t->st, "nurse-li", T0 + 3, &c, &r), VB_OK);
	assert_int_equal(r.result, STORE_STAFF_CHECK);
	assert_int_equal(store_staff_verify(&c, "1357"), VB_OK);
	sql(t, "UPDATE staff SET locked_until = 1622505700, lockouts = 1");
	assert_int_equal(store_staff_finish(t->st, &c, "kiosk", T0 + 4, &r), VB_OK);
	assert_int_equal(r.result, STORE_STAFF_LOCKED);
	assert_int_equal(r.locked_until, T0 + 100);
	assert_int_equal(store_staff_get(t->st, "nurse-li", &s), VB_OK);
	assert_int_equal(s.wrong, 0);

	/* Disabled meanwhile: no sign-in. */
	assert_int_equal(store_staff_begin(t->st, "nurse-li", T0 + 100, &c, &r), VB_OK);
	assert_int_equal(store_staff_verify(&c, "8642"), VB_OK);
	assert_int_equal(c.right, 1);
	assert_int_equal(store_begin(t->st), VB_OK);
	assert_int_equal(store_staff_disable(t->st, "nurse-li", "os:admin", T0 + 101), VB_OK);
	assert_int_equal(store_commit(t->st), VB_OK);
	assert_int_equal(store_staff_finish(t->st, &c, "kiosk", T0 + 102, &r), VB_OK);
	assert_int_equal(r.result, STORE_STAFF_DISABLED);

	assert_int_equal(count(t, "SELECT count(*) FROM audit WHERE action IN"
				  " ('staff.sign_in', 'staff.pin_wrong', 'staff.lockout')"),
			 0);
	assert_int_equal(store_audit_verify(t->st, NULL, NULL), VB_OK);
}

/* Two wrong PINs checked side by side both count; a right PIN at old
 * costs signs in and saves the fresh hash. */
static void test_finish_records(void **state)
{
	struct tstore *t = *state;
	struct store_staff_check a, b;
	struct store_staff_try r;
	struct store_staff s;
	char old[STORE_STAFF_HASH_MAX], saved[STORE_STAFF_HASH_MAX];
	assert_int_equal(crypto_pwhash_str(old, "2468", 4, crypto_pwhash_OPSLIMIT_MIN,
					   crypto_pwhash_MEMLIMIT_MIN),
			 0);
	add(t, old);
	assert_int_equal(store_staff_begin(t->st, "nurse-li", T0, &a, &r), VB_OK);
	assert_int_equal(store_staff_begin(t->st, "nurse-li", T0, &b, &r), VB_OK);
	assert_int_equal(store_staff_verify(&a, "1357"), VB_OK);
	assert_int_equal(store_staff_verify(&b, "0246"), VB_OK);
	assert_int_equal(store_staff_finish(t->st, &a, "kiosk", T0, &r), VB_OK);
	assert_int_equal(r.result, STORE_STAFF_WRONG);
	assert_int_equal(store_staff_finish(t->st, &b, "kiosk", T0, &r), VB_OK);
	assert_int_equal(r.result, STORE_STAFF_WRONG);
	assert_int_equal(r.tries_left, STORE_STAFF_TRIES - 2);

	assert_int_equal(store_staff_begin(t->st, "nurse-li", T0 + 1, &a, &r), VB_OK);
	assert_int_equal(store_staff_verify(&a, "2468"), VB_OK);
	assert_int_not_equal(a.fresh[0], '\0');
	snprintf(saved, sizeof(saved), "%s", a.fresh);
	assert_int_equal(store_staff_finish(t->st, &a, "kiosk", T0 + 1, &r), VB_OK);
	assert_int_equal(r.result, STORE_STAFF_OK);
	assert_int_equal(store_staff_get(t->st, "nurse-li", &s), VB_OK);
	assert_int_equal(s.wrong, 0);
	sqlite3 *db = raw_open(t->path);
	char now_hash[STORE_STAFF_HASH_MAX];
	raw_text(db, "SELECT pin_hash FROM staff", now_hash, sizeof(now_hash));
	sqlite3_close(db);
	assert_string_equal(now_hash, saved);
	assert_int_equal(count(t, "SELECT count(*) FROM audit WHERE action = 'staff.pin_wrong'"
				  " AND actor = 'kiosk'"),
			 2);
	assert_int_equal(count(t, "SELECT count(*) FROM audit WHERE action = 'staff.sign_in'"
				  " AND actor = 'nurse-li'"),
			 1);
	assert_int_equal(store_audit_verify(t->st, NULL, NULL), VB_OK);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_verify_pure),
	    cmocka_unit_test_setup_teardown(test_begin, tstore_setup, tstore_teardown),
	    cmocka_unit_test_setup_teardown(test_finish_after_change, tstore_setup,
					    tstore_teardown),
	    cmocka_unit_test_setup_teardown(test_finish_records, tstore_setup, tstore_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
