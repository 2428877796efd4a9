/* Print jobs: durable before a byte is sent, oldest first, pending until
 * done, each state change checked, audited, and kept across a reopen; the
 * bytes sealed (what is printed names the resident), a copy too; the
 * purge of old printed jobs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "store.h"
#include "store_audit.h"
#include "store_meta.h"
#include "store_print.h"
#include "store_test.h"

static int setup(void **state)
{
	unsigned char key[STORE_KEY_LEN];
	memset(key, 0x42, sizeof(key)); /* the test data key */
	assert_int_equal(store_key_set(key), VB_OK);
	struct tstore *f = tstore_open();
	assert_int_equal(store_meta_init_identity(f->st, "BUS-1", "S1"), VB_OK);
	*state = f;
	return 0;
}

static void add(struct store *st, const char *kind, const uint8_t *b, size_t n, int64_t now,
		char id[STORE_ID_LEN + 1])
{
	assert_int_equal(store_begin(st), VB_OK);
	assert_int_equal(store_print_add(st, kind, NULL, b, n, "staff", now, id), VB_OK);
	assert_int_equal(store_commit(st), VB_OK);
}

static void test_queue_order_and_states(void **state)
{
	struct tstore *f = *state;
	static const uint8_t a[] = {0x1b, 0x40, 'A', '\n'}, b[] = {0x1b, 0x40, 'B', 0, 0xff};
	char ida[STORE_ID_LEN + 1], idb[STORE_ID_LEN + 1];
	struct store_print_job j;
	uint8_t *bytes = NULL;
	int64_t p, d, x;

	assert_int_equal(store_print_next(f->st, &j, &bytes), VB_ENOTFOUND);
	add(f->st, "ticket", a, sizeof(a), 100, ida);
	add(f->st, "test", b, sizeof(b), 101, idb);

	/* Oldest first, bytes exactly as given (NUL and 0xff included). */
	assert_int_equal(store_print_next(f->st, &j, &bytes), VB_OK);
	assert_string_equal(j.id, ida);
	assert_string_equal(j.kind, "ticket");
	assert_int_equal(j.state, STORE_PRINT_PENDING);
	assert_int_equal(j.n_bytes, sizeof(a));
	assert_memory_equal(bytes, a, sizeof(a));
	free(bytes);

	/* Paper out: stays pending, first in line, with the reason. */
	assert_int_equal(store_print_retry(f->st, ida, "paper out", 102), VB_OK);
	assert_int_equal(store_print_next(f->st, &j, &bytes), VB_OK);
	free(bytes);
	assert_string_equal(j.id, ida);
	assert_int_equal(j.attempts, 1);
	assert_string_equal(j.last_error, "paper out");

	assert_int_equal(store_print_done(f->st, ida, 103), VB_OK);
	assert_int_equal(store_print_done(f->st, ida, 104), VB_ESTATE);
	assert_int_equal(store_print_retry(f->st, ida, "x", 104), VB_ESTATE);
	assert_int_equal(store_print_next(f->st, &j, &bytes), VB_OK);
	assert_string_equal(j.id, idb);
	assert_memory_equal(bytes, b, sizeof(b));
	free(bytes);
	assert_int_equal(store_print_fail(f->st, idb, "refused", 105), VB_OK);
	assert_int_equal(store_print_next(f->st, &j, &bytes), VB_ENOTFOUND);
	assert_int_equal(store_print_counts(f->st, &p, &d, &x), VB_OK);
	assert_int_equal(p, 0);
	assert_int_equal(d, 1);
	assert_int_equal(x, 1);
	assert_int_equal(store_print_get(f->st, idb, &j), VB_OK);
	assert_int_equal(j.state, STORE_PRINT_FAILED);
	assert_string_equal(j.last_error, "refused");
	assert_int_equal(store_print_done(f->st, "01a20000-0000-7000-8000-000000000000", 1),
			 VB_ENOTFOUND);

	int64_t bad = 0;
	assert_int_equal(store_audit_verify(f->st, &bad, NULL), VB_OK);
}

static void test_refusals_and_rollback(void **state)
{
	struct tstore *f = *state;
	static const uint8_t a[] = {'x'};
	char id[STORE_ID_LEN + 1] = "untouched";
	struct store_print_job j;
	uint8_t *bytes;

	/* Outside a transaction, empty, bad kind, bad record id. */
	assert_int_equal(store_print_add(f->st, "ticket", NULL, a, 1, "staff", 1, id), VB_ESTATE);
	assert_int_equal(store_begin(f->st), VB_OK);
	assert_int_equal(store_print_add(f->st, "ticket", NULL, a, 0, "staff", 1, id), VB_EINVAL);
	assert_int_equal(store_print_add(f->st, "a kind", NULL, a, 1, "staff", 1, id), VB_EINVAL);
	assert_int_equal(store_print_add(f->st, "ticket", "nope", a, 1, "staff", 1, id), VB_EINVAL);
	assert_string_equal(id, "untouched");
	/* Written in the caller's transaction: a rollback takes the job away. */
	assert_int_equal(store_print_add(f->st, "ticket", NULL, a, 1, "staff", 1, id), VB_OK);
	assert_int_equal(store_rollback(f->st), VB_OK);
	assert_int_equal(store_print_next(f->st, &j, &bytes), VB_ENOTFOUND);
}

static void test_survives_reopen(void **state)
{
	struct tstore *f = *state;
	uint8_t big[70000];
	char id[STORE_ID_LEN + 1];
	struct store_print_job j;
	uint8_t *bytes;
	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (uint8_t)(i * 7);
	add(f->st, "certificate", big, sizeof(big), 5, id);
	store_close(f->st);
	assert_int_equal(store_open(f->path, &f->st, NULL), VB_OK);
	assert_int_equal(store_print_next(f->st, &j, &bytes), VB_OK);
	assert_string_equal(j.id, id);
	assert_int_equal(j.n_bytes, sizeof(big));
	assert_memory_equal(bytes, big, sizeof(big));
	free(bytes);
}

/* The last printout is found whatever its state, and a reprint is a new
 * pending job with its kind and bytes, audited; outside a transaction or
 * for an unknown job nothing is added. */
static void test_latest_and_copy(void **state)
{
	struct tstore *f = *state;
	static const uint8_t a[] = {0x1b, 0x40, 'A'}, b[] = {0x1b, 0x40, 'B', 'B'};
	char ida[STORE_ID_LEN + 1], idb[STORE_ID_LEN + 1], copy[STORE_ID_LEN + 1];
	struct store_print_job j;
	uint8_t *bytes = NULL;
	int64_t p, d, x;

	assert_int_equal(store_print_latest(f->st, &j), VB_ENOTFOUND);
	add(f->st, "ticket", a, sizeof(a), 10, ida);
	add(f->st, "report", b, sizeof(b), 10, idb); /* same second: the later one */
	assert_int_equal(store_print_latest(f->st, &j), VB_OK);
	assert_string_equal(j.id, idb);
	assert_int_equal(store_print_done(f->st, ida, 11), VB_OK);
	assert_int_equal(store_print_done(f->st, idb, 11), VB_OK);
	assert_int_equal(store_print_latest(f->st, &j), VB_OK);
	assert_string_equal(j.id, idb);
	assert_int_equal(j.state, STORE_PRINT_DONE);

	assert_int_equal(store_print_copy(f->st, idb, "nurse-li", 12, copy), VB_ESTATE);
	assert_int_equal(store_begin(f->st), VB_OK);
	assert_int_equal(
	    store_print_copy(f->st, "00000000-0000-7000-8000-000000000000", "nurse-li", 12, copy),
	    VB_ENOTFOUND);
	assert_int_equal(store_print_copy(f->st, idb, "nurse-li", 12, copy), VB_OK);
	assert_int_equal(store_commit(f->st), VB_OK);
	assert_string_not_equal(copy, idb);
	assert_int_equal(store_print_latest(f->st, &j), VB_OK);
	assert_string_equal(j.id, copy);
	assert_string_equal(j.kind, "report");
	assert_int_equal(j.state, STORE_PRINT_PENDING);
	assert_int_equal(store_print_counts(f->st, &p, &d, &x), VB_OK);
	assert_true(p == 1 && d == 2 && x == 0);
	assert_int_equal(store_print_next(f->st, &j, &bytes), VB_OK);
	assert_string_equal(j.id, copy);
	assert_int_equal(j.n_bytes, sizeof(b));
	assert_memory_equal(bytes, b, sizeof(b));
	free(bytes);
	int64_t bad = 0;
	assert_int_equal(store_audit_verify(f->st, &bad, NULL), VB_OK);
}

/* The purge deletes printed and given-up jobs last changed before the
 * cut, never a pending one, and audits how many. */
static void test_purge(void **state)
{
	struct tstore *f = *state;
	static const uint8_t b[] = {0x1b, 0x40, 'X'};
	char old_done[STORE_ID_LEN + 1], old_failed[STORE_ID_LEN + 1],
	    old_pending[STORE_ID_LEN + 1], new_done[STORE_ID_LEN + 1];
	struct store_print_job j;
	int64_t n = -1, p, d, x;
	add(f->st, "ticket", b, sizeof(b), 10, old_done);
	add(f->st, "ticket", b, sizeof(b), 10, old_failed);
	add(f->st, "ticket", b, sizeof(b), 10, old_pending);
	add(f->st, "ticket", b, sizeof(b), 10, new_done);
	assert_int_equal(store_print_done(f->st, old_done, 20), VB_OK);
	assert_int_equal(store_print_fail(f->st, old_failed, "no paper", 20), VB_OK);
	assert_int_equal(store_print_done(f->st, new_done, 100), VB_OK);

	assert_int_equal(store_print_purge(f->st, 50, "admin", 200, &n), VB_ESTATE);
	assert_int_equal(store_begin(f->st), VB_OK);
	assert_int_equal(store_print_purge(f->st, 50, "admin", 200, &n), VB_OK);
	assert_int_equal(store_commit(f->st), VB_OK);
	assert_int_equal(n, 2);
	assert_int_equal(store_print_get(f->st, old_done, &j), VB_ENOTFOUND);
	assert_int_equal(store_print_get(f->st, old_failed, &j), VB_ENOTFOUND);
	assert_int_equal(store_print_get(f->st, old_pending, &j), VB_OK);
	assert_int_equal(store_print_get(f->st, new_done, &j), VB_OK);
	assert_int_equal(store_print_counts(f->st, &p, &d, &x), VB_OK);
	assert_true(p == 1 && d == 1 && x == 0);
	assert_int_equal(store_begin(f->st), VB_OK);
	assert_int_equal(store_print_purge(f->st, 50, "admin", 201, &n), VB_OK);
	assert_int_equal(store_commit(f->st), VB_OK);
	assert_int_equal(n, 0);
	int64_t bad = 0;
	assert_int_equal(store_audit_verify(f->st, &bad, NULL), VB_OK);
	sqlite3 *db = raw_open(f->path);
	assert_int_equal(raw_int(db, "SELECT count(*) FROM audit WHERE action = 'print.purge'"
				     " AND detail = 'jobs=2' AND actor = 'admin'"),
			 1);
	sqlite3_close(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_queue_order_and_states, setup, tstore_teardown),
	    cmocka_unit_test_setup_teardown(test_refusals_and_rollback, setup, tstore_teardown),
	    cmocka_unit_test_setup_teardown(test_survives_reopen, setup, tstore_teardown),
	    cmocka_unit_test_setup_teardown(test_latest_and_copy, setup, tstore_teardown),
	    cmocka_unit_test_setup_teardown(test_purge, setup, tstore_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
