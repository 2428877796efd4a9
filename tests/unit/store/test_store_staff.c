/* Staff and their PINs (store_staff.h): the PIN rules, the Argon2id hash
 * at the chosen costs, sign-in right and wrong, the lockout after five
 * wrong PINs growing 30 s, 1 min, 5 min, 15 min, 1 h, kept across a
 * reopen of the database, the rehash of a hash made at other costs, the
 * audit rows (never the PIN) and a chain that verifies. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sodium.h>
#include <string.h>

#include "store.h"
#include "store_audit.h"
#include "store_staff.h"
#include "store_test.h"
#include "vb_error.h"

#define T0 1622505600

struct fixture {
	struct tdir dir;
	char path[300];
	struct store *st;
	char hash[STORE_STAFF_HASH_MAX]; /* of PIN 2468 */
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	assert_non_null(f);
	tdir_init(&f->dir);
	tdir_file(&f->dir, "bus.db", f->path, sizeof(f->path));
	assert_int_equal(store_open(f->path, &f->st, NULL), VB_OK);
	assert_int_equal(store_staff_hash("2468", f->hash), VB_OK);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	store_close(f->st);
	tdir_cleanup(&f->dir);
	free(f);
	return 0;
}

static void add(struct fixture *f, const char *id, const char *hash)
{
	assert_int_equal(store_begin(f->st), VB_OK);
	assert_int_equal(store_staff_add(f->st, id, "nurse", hash, "os:admin", T0), VB_OK);
	assert_int_equal(store_commit(f->st), VB_OK);
}

static struct store_staff_try try_pin(struct fixture *f, const char *id, const char *pin,
				      int64_t now)
{
	struct store_staff_try t;
	assert_int_equal(store_staff_sign_in(f->st, id, pin, "kiosk", now, &t), VB_OK);
	return t;
}

static int64_t count(struct fixture *f, const char *sql)
{
	sqlite3 *db = raw_open(f->path);
	int64_t n = raw_int(db, sql);
	sqlite3_close(db);
	return n;
}

static void test_pin_rules(void **state)
{
	(void)state;
	const char *good[] = {"2468", "13579", "24681357", "1235", "0009"};
	const char *bad[][2] = {
	    {"", "pin_length"},		 {"246", "pin_length"},	     {"123456789", "pin_length"},
	    {"24a8", "pin_digits"},	 {"24 8", "pin_digits"},     {"0000", "pin_trivial"},
	    {"99999999", "pin_trivial"}, {"1234", "pin_trivial"},    {"4321", "pin_trivial"},
	    {"98765", "pin_trivial"},	 {"3456789", "pin_trivial"},
	};
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		assert_null(store_staff_pin_rule(good[i]));
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_string_equal(store_staff_pin_rule(bad[i][0]), bad[i][1]);
	assert_string_equal(store_staff_pin_rule(NULL), "pin_length");
	char h[STORE_STAFF_HASH_MAX];
	assert_int_equal(store_staff_hash("1111", h), VB_EINVAL);
}

/* The hash is Argon2id at the chosen costs, not the PIN, and verifies. */
static void test_hash(void **state)
{
	struct fixture *f = *state;
	assert_int_equal(strncmp(f->hash, "$argon2id$", 10), 0);
	assert_null(strstr(f->hash, "2468"));
	assert_int_equal(crypto_pwhash_str_verify(f->hash, "2468", 4), 0);
	assert_int_not_equal(crypto_pwhash_str_verify(f->hash, "2469", 4), 0);
	assert_int_equal(
	    crypto_pwhash_str_needs_rehash(f->hash, STORE_STAFF_OPSLIMIT, STORE_STAFF_MEMLIMIT), 0);
	char again[STORE_STAFF_HASH_MAX];
	assert_int_equal(store_staff_hash("2468", again), VB_OK);
	assert_string_not_equal(again, f->hash); /* a fresh salt each time */
}

static void test_add_and_sign_in(void **state)
{
	struct fixture *f = *state;
	struct store_staff s;
	add(f, "nurse-li", f->hash);
	assert_int_equal(store_begin(f->st), VB_OK);
	assert_int_equal(store_staff_add(f->st, "nurse-li", "doctor", f->hash, "os:admin", T0),
			 VB_EEXIST);
	assert_int_equal(store_staff_add(f->st, "x", "cook", f->hash, "os:admin", T0), VB_EINVAL);
	assert_int_equal(store_staff_add(f->st, "x", "nurse", "2468", "os:admin", T0), VB_EINVAL);
	assert_int_equal(store_rollback(f->st), VB_OK);
	assert_int_equal(store_staff_add(f->st, "y", "nurse", f->hash, "os:admin", T0), VB_ESTATE);

	struct store_staff_try t = try_pin(f, "nurse-li", "2468", T0 + 10);
	assert_int_equal(t.result, STORE_STAFF_OK);
	t = try_pin(f, "nobody", "2468", T0 + 10);
	assert_int_equal(t.result, STORE_STAFF_DISABLED);
	assert_int_equal(store_staff_get(f->st, "nurse-li", &s), VB_OK);
	assert_string_equal(s.role, "nurse");
	assert_int_equal(s.active, 1);

	assert_int_equal(store_begin(f->st), VB_OK);
	assert_int_equal(store_staff_disable(f->st, "nurse-li", "os:admin", T0 + 20), VB_OK);
	assert_int_equal(store_staff_disable(f->st, "nobody", "os:admin", T0 + 20), VB_ENOTFOUND);
	assert_int_equal(store_commit(f->st), VB_OK);
	t = try_pin(f, "nurse-li", "2468", T0 + 30);
	assert_int_equal(t.result, STORE_STAFF_DISABLED);
	assert_int_equal(store_staff_sign_out(f->st, "nurse-li", 1, T0 + 40), VB_OK);

	assert_int_equal(count(f, "SELECT count(*) FROM audit WHERE action = 'staff.add'"
				  " AND actor = 'os:admin' AND record_id = 'nurse-li'"),
			 1);
	assert_int_equal(count(f, "SELECT count(*) FROM audit WHERE action = 'staff.sign_in'"
				  " AND actor = 'nurse-li'"),
			 1);
	assert_int_equal(count(f, "SELECT count(*) FROM audit WHERE action = 'staff.disable'"), 1);
	assert_int_equal(count(f, "SELECT count(*) FROM audit WHERE action = 'staff.sign_out'"
				  " AND detail = 'idle'"),
			 1);
	assert_int_equal(count(f, "SELECT count(*) FROM audit WHERE detail LIKE '%2468%'"), 0);
	assert_int_equal(store_audit_verify(f->st, NULL, NULL), VB_OK);
}

static void test_lock_seconds(void **state)
{
	(void)state;
	const int64_t want[] = {30, 60, 300, 900, 3600, 3600, 3600};
	for (int n = 1; n <= 7; n++)
		assert_int_equal(store_staff_lock_seconds(n), want[n - 1]);
}

/* Five wrong PINs lock; a right PIN is not even checked while locked;
 * the next lockout is longer; it holds across a reopen; a right PIN after
 * the lock clears the counts so the next lockout is 30 s again. */
static void test_lockout(void **state)
{
	struct fixture *f = *state;
	struct store_staff s;
	add(f, "nurse-li", f->hash);
	int64_t now = T0;
	for (int i = 1; i < STORE_STAFF_TRIES; i++) {
		struct store_staff_try t = try_pin(f, "nurse-li", "1357", now);
		assert_int_equal(t.result, STORE_STAFF_WRONG);
		assert_int_equal(t.tries_left, STORE_STAFF_TRIES - i);
	}
	struct store_staff_try t = try_pin(f, "nurse-li", "1357", now);
	assert_int_equal(t.result, STORE_STAFF_LOCKOUT);
	assert_int_equal(t.locked_until, now + 30);
	t = try_pin(f, "nurse-li", "2468", now + 29);
	assert_int_equal(t.result, STORE_STAFF_LOCKED);
	assert_int_equal(t.locked_until, now + 30);

	/* Another round after the lock: 60 s this time. */
	now += 30;
	for (int i = 0; i < STORE_STAFF_TRIES; i++)
		t = try_pin(f, "nurse-li", "0246", now);
	assert_int_equal(t.result, STORE_STAFF_LOCKOUT);
	assert_int_equal(t.locked_until, now + 60);

	/* A restart keeps it. */
	store_close(f->st);
	assert_int_equal(store_open(f->path, &f->st, NULL), VB_OK);
	assert_int_equal(store_staff_get(f->st, "nurse-li", &s), VB_OK);
	assert_int_equal(s.locked_until, now + 60);
	assert_int_equal(s.lockouts, 2);
	assert_int_equal(try_pin(f, "nurse-li", "2468", now + 59).result, STORE_STAFF_LOCKED);

	/* Right after the lock: cleared. */
	now += 60;
	assert_int_equal(try_pin(f, "nurse-li", "2468", now).result, STORE_STAFF_OK);
	assert_int_equal(store_staff_get(f->st, "nurse-li", &s), VB_OK);
	assert_int_equal(s.wrong, 0);
	assert_int_equal(s.lockouts, 0);
	assert_int_equal(s.locked_until, 0);
	for (int i = 0; i < STORE_STAFF_TRIES; i++)
		t = try_pin(f, "nurse-li", "0246", now);
	assert_int_equal(t.locked_until, now + 30);

	/* A new PIN set by vaxbusctl lifts the lock. */
	char h[STORE_STAFF_HASH_MAX];
	assert_int_equal(store_staff_hash("8642", h), VB_OK);
	assert_int_equal(store_begin(f->st), VB_OK);
	assert_int_equal(store_staff_set_pin(f->st, "nurse-li", h, "os:admin", now + 1), VB_OK);
	assert_int_equal(store_commit(f->st), VB_OK);
	assert_int_equal(try_pin(f, "nurse-li", "2468", now + 2).result, STORE_STAFF_WRONG);
	assert_int_equal(try_pin(f, "nurse-li", "8642", now + 2).result, STORE_STAFF_OK);

	assert_int_equal(count(f, "SELECT count(*) FROM audit WHERE action = 'staff.lockout'"
				  " AND actor = 'kiosk' AND record_id = 'nurse-li'"),
			 3);
	assert_int_equal(count(f, "SELECT count(*) FROM audit WHERE action = 'staff.pin_wrong'"),
			 3 * (STORE_STAFF_TRIES - 1) + 1);
	assert_int_equal(count(f, "SELECT count(*) FROM audit WHERE detail LIKE '%0246%'"
				  " OR detail LIKE '%1357%' OR detail LIKE '%2468%'"),
			 0);
	assert_int_equal(store_audit_verify(f->st, NULL, NULL), VB_OK);
}

/* A hash made at other (older, cheaper) costs is made again at a right
 * PIN, and only then. */
static void test_rehash(void **state)
{
	struct fixture *f = *state;
	char old[STORE_STAFF_HASH_MAX], now_hash[STORE_STAFF_HASH_MAX];
	assert_int_equal(crypto_pwhash_str(old, "2468", 4, crypto_pwhash_OPSLIMIT_MIN,
					   crypto_pwhash_MEMLIMIT_MIN),
			 0);
	add(f, "nurse-li", old);
	sqlite3 *db = raw_open(f->path);
	assert_int_equal(try_pin(f, "nurse-li", "1357", T0).result, STORE_STAFF_WRONG);
	sqlite3_stmt *s;
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT pin_hash FROM staff", -1, &s, NULL),
			 SQLITE_OK);
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(s, 0), old);
	sqlite3_reset(s);
	assert_int_equal(try_pin(f, "nurse-li", "2468", T0).result, STORE_STAFF_OK);
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	snprintf(now_hash, sizeof(now_hash), "%s", (const char *)sqlite3_column_text(s, 0));
	sqlite3_finalize(s);
	sqlite3_close(db);
	assert_string_not_equal(now_hash, old);
	assert_int_equal(
	    crypto_pwhash_str_needs_rehash(now_hash, STORE_STAFF_OPSLIMIT, STORE_STAFF_MEMLIMIT),
	    0);
	assert_int_equal(crypto_pwhash_str_verify(now_hash, "2468", 4), 0);
	assert_int_equal(try_pin(f, "nurse-li", "2468", T0).result, STORE_STAFF_OK);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_pin_rules),
	    cmocka_unit_test(test_lock_seconds),
	    cmocka_unit_test_setup_teardown(test_hash, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_add_and_sign_in, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_lockout, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_rehash, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
