/* The outbox state machine: add, claim (oldest first, not before
 * next_attempt_at), ack, fail, retry, requeue, recover, the illegal
 * transitions, a record changed while queued, counts and listing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "store.h"
#include "store_outbox.h"
#include "store_test.h"
#include "vb_error.h"

#define T0 1622505600 /* 2021-06-01T00:00:00Z */

/* Adds one record in its own transaction, as the app would. */
static void add(struct store *st, const char *kind, const char *record_id, int64_t now)
{
	assert_int_equal(store_begin(st), VB_OK);
	assert_int_equal(store_outbox_add(st, kind, record_id, now), VB_OK);
	assert_int_equal(store_commit(st), VB_OK);
}

static void counts_are(struct store *st, int64_t pending, int64_t in_flight, int64_t acked,
		       int64_t failed)
{
	struct store_outbox_counts c;
	assert_int_equal(store_outbox_counts(st, &c), VB_OK);
	assert_int_equal(c.pending, pending);
	assert_int_equal(c.in_flight, in_flight);
	assert_int_equal(c.acked, acked);
	assert_int_equal(c.failed, failed);
}

/* Claims exactly one row and returns it. */
static struct store_outbox_row claim_one(struct store *st, int64_t now)
{
	struct store_outbox_row r[1];
	size_t n = 99;
	assert_int_equal(store_outbox_claim(st, 1, now, r, &n), VB_OK);
	assert_int_equal(n, 1);
	return r[0];
}

static size_t claim_n(struct store *st, size_t max, int64_t now, struct store_outbox_row *rows)
{
	size_t n = 99;
	assert_int_equal(store_outbox_claim(st, max, now, rows, &n), VB_OK);
	return n;
}

struct collected {
	struct store_outbox_row *rows;
	size_t n;
};

static int collect(void *arg, const struct store_outbox_row *row)
{
	struct collected *c = arg;
	c->rows[c->n++] = *row;
	return 0;
}

/* The row of record_id (found by listing every row). */
static struct store_outbox_row row_of(struct store *st, const char *record_id)
{
	static struct store_outbox_row rows[64];
	struct collected c = {rows, 0};
	assert_int_equal(store_outbox_list(st, STORE_OUTBOX_ANY, 64, collect, &c), VB_OK);
	for (size_t i = 0; i < c.n; i++) {
		if (strcmp(rows[i].record_id, record_id) == 0)
			return rows[i];
	}
	fail_msg("no outbox row for %s", record_id);
	return rows[0];
}

static void test_add_needs_transaction(void **state)
{
	struct tstore *f = *state;
	assert_int_equal(store_outbox_add(f->st, "patient", "r1", T0), VB_ESTATE);
	assert_non_null(strstr(store_errmsg(f->st), "store_outbox_add"));
	counts_are(f->st, 0, 0, 0, 0);

	/* Rolled back with the record it belongs to. */
	assert_int_equal(store_begin(f->st), VB_OK);
	assert_int_equal(store_outbox_add(f->st, "patient", "r1", T0), VB_OK);
	assert_int_equal(store_rollback(f->st), VB_OK);
	counts_are(f->st, 0, 0, 0, 0);
}

static void test_add_validates(void **state)
{
	struct tstore *f = *state;
	char longer[STORE_OUTBOX_RECORD_ID_SIZE + 1];
	memset(longer, 'r', sizeof(longer) - 1);
	longer[sizeof(longer) - 1] = '\0';
	static const char *const kinds[] = {"", "pa tient", "病人",
					    "kind-name-that-is-far-too-long-x"};
	assert_int_equal(store_begin(f->st), VB_OK);
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		assert_int_equal(store_outbox_add(f->st, kinds[i], "r1", T0), VB_EINVAL);
	assert_int_equal(store_outbox_add(f->st, NULL, "r1", T0), VB_EINVAL);
	assert_int_equal(store_outbox_add(f->st, "patient", NULL, T0), VB_EINVAL);
	assert_int_equal(store_outbox_add(f->st, "patient", longer, T0), VB_EINVAL);
	longer[STORE_OUTBOX_RECORD_ID_SIZE - 1] = '\0';
	assert_int_equal(store_outbox_add(f->st, "patient", longer, T0), VB_OK);
	assert_int_equal(store_commit(f->st), VB_OK);
	counts_are(f->st, 1, 0, 0, 0);
}

static void test_claim_oldest_first(void **state)
{
	struct tstore *f = *state;
	struct store_outbox_row r[8];
	add(f->st, "patient", "c", T0 + 30);
	add(f->st, "patient", "a", T0 + 10);
	add(f->st, "immunization", "b", T0 + 20);
	add(f->st, "patient", "d", T0 + 30); /* same second as c, made later */
	counts_are(f->st, 4, 0, 0, 0);

	assert_int_equal(claim_n(f->st, 3, T0 + 100, r), 3);
	assert_string_equal(r[0].record_id, "a");
	assert_string_equal(r[1].record_id, "b");
	assert_string_equal(r[1].kind, "immunization");
	assert_string_equal(r[2].record_id, "c");
	for (int i = 0; i < 3; i++) {
		assert_int_equal(r[i].state, STORE_OUTBOX_IN_FLIGHT);
		assert_int_equal(r[i].attempts, 0);
		assert_int_equal(r[i].updated_at, T0 + 100);
		assert_int_equal(store_id_check(r[i].id), VB_OK);
	}
	assert_int_equal(r[0].created_at, T0 + 10);
	counts_are(f->st, 1, 3, 0, 0);
	assert_int_equal(claim_n(f->st, 8, T0 + 100, r), 1);
	assert_string_equal(r[0].record_id, "d");
	assert_int_equal(claim_n(f->st, 8, T0 + 100, r), 0);
	counts_are(f->st, 0, 4, 0, 0);
}

static void test_claim_bounds(void **state)
{
	struct tstore *f = *state;
	struct store_outbox_row r[1];
	size_t n = 7;
	assert_int_equal(store_outbox_claim(f->st, 0, T0, r, &n), VB_EINVAL);
	assert_int_equal(store_outbox_claim(f->st, STORE_OUTBOX_CLAIM_MAX + 1, T0, r, &n),
			 VB_EINVAL);
	assert_int_equal(store_outbox_claim(f->st, 1, T0, NULL, &n), VB_EINVAL);
	assert_int_equal(n, 7);
	/* Not yet due: a row added "in the future" is not claimed. */
	add(f->st, "patient", "r1", T0 + 10);
	assert_int_equal(claim_n(f->st, 1, T0, r), 0);
	assert_int_equal(claim_n(f->st, 1, T0 + 10, r), 1);
}

static void test_claim_joins_caller_transaction(void **state)
{
	struct tstore *f = *state;
	struct store_outbox_row r[2];
	add(f->st, "patient", "r1", T0);
	assert_int_equal(store_begin(f->st), VB_OK);
	assert_int_equal(claim_n(f->st, 2, T0, r), 1);
	assert_int_equal(store_rollback(f->st), VB_OK);
	counts_are(f->st, 1, 0, 0, 0);
}

static void test_ack(void **state)
{
	struct tstore *f = *state;
	add(f->st, "patient", "r1", T0);
	struct store_outbox_row r = claim_one(f->st, T0 + 1);
	assert_int_equal(store_outbox_ack(f->st, r.id, "Patient/123", T0 + 2), VB_OK);
	counts_are(f->st, 0, 0, 1, 0);
	struct store_outbox_row now = row_of(f->st, "r1");
	assert_int_equal(now.state, STORE_OUTBOX_ACKED);
	assert_string_equal(now.server_id, "Patient/123");
	assert_int_equal(now.updated_at, T0 + 2);
	assert_int_equal(now.attempts, 0);
	/* Acked twice, unknown ids, malformed server ids. */
	assert_int_equal(store_outbox_ack(f->st, r.id, "Patient/123", T0 + 3), VB_ESTATE);
	assert_non_null(strstr(store_errmsg(f->st), "is acked, not in_flight"));
	assert_int_equal(store_outbox_ack(f->st, "01890a5d-ac96-774b-bcce-b302099a8057", NULL, T0),
			 VB_ENOTFOUND);
	assert_int_equal(store_outbox_ack(f->st, NULL, NULL, T0), VB_EINVAL);
	assert_int_equal(store_outbox_ack(f->st, r.id, "Patient 123", T0), VB_EINVAL);
}

static void test_fail_quarantines_without_stalling(void **state)
{
	struct tstore *f = *state;
	add(f->st, "patient", "poison", T0);
	add(f->st, "patient", "good", T0 + 1);
	struct store_outbox_row r = claim_one(f->st, T0 + 5);
	assert_string_equal(r.record_id, "poison");
	assert_int_equal(store_outbox_fail(f->st, r.id, "HTTP 400 invalid gender", T0 + 6), VB_OK);
	counts_are(f->st, 1, 0, 0, 1);
	/* The queue goes on with the next record. */
	struct store_outbox_row g = claim_one(f->st, T0 + 7);
	assert_string_equal(g.record_id, "good");
	assert_int_equal(store_outbox_ack(f->st, g.id, "Patient/9", T0 + 8), VB_OK);
	struct store_outbox_row rows[4];
	assert_int_equal(claim_n(f->st, 4, T0 + 1000000, rows), 0);
	struct store_outbox_row p = row_of(f->st, "poison");
	assert_int_equal(p.state, STORE_OUTBOX_FAILED);
	assert_int_equal(p.attempts, 1);
	assert_string_equal(p.last_error, "HTTP 400 invalid gender");
	counts_are(f->st, 0, 0, 1, 1);

	/* Staff fixed the cause and asked for a resend. */
	assert_int_equal(store_outbox_requeue(f->st, p.id, T0 + 100), VB_OK);
	counts_are(f->st, 1, 0, 1, 0);
	p = claim_one(f->st, T0 + 100);
	assert_string_equal(p.record_id, "poison");
	assert_int_equal(p.attempts, 1);
}

static void test_retry_waits_for_next_attempt(void **state)
{
	struct tstore *f = *state;
	struct store_outbox_row rows[4];
	add(f->st, "patient", "r1", T0);
	add(f->st, "patient", "r2", T0 + 1);
	struct store_outbox_row r = claim_one(f->st, T0 + 2);
	assert_string_equal(r.record_id, "r1");
	assert_int_equal(store_outbox_retry(f->st, r.id, "timeout", T0 + 60, T0 + 3), VB_OK);
	counts_are(f->st, 2, 0, 0, 0);
	/* r1 is older but not due: r2 goes first. */
	assert_int_equal(claim_n(f->st, 4, T0 + 59, rows), 1);
	assert_string_equal(rows[0].record_id, "r2");
	assert_int_equal(claim_n(f->st, 4, T0 + 59, rows), 0);
	assert_int_equal(claim_n(f->st, 4, T0 + 60, rows), 1);
	assert_string_equal(rows[0].record_id, "r1");
	assert_int_equal(rows[0].attempts, 1);
	assert_string_equal(rows[0].last_error, "timeout");
	assert_int_equal(rows[0].next_attempt_at, T0 + 60);
	/* Retried again, then acknowledged: the error clears. */
	assert_int_equal(store_outbox_retry(f->st, rows[0].id, "HTTP 503", T0 + 200, T0 + 61),
			 VB_OK);
	r = claim_one(f->st, T0 + 200);
	assert_int_equal(r.attempts, 2);
	assert_int_equal(store_outbox_ack(f->st, r.id, NULL, T0 + 201), VB_OK);
	r = row_of(f->st, "r1");
	assert_int_equal(r.state, STORE_OUTBOX_ACKED);
	assert_string_equal(r.last_error, "");
	assert_string_equal(r.server_id, "");
}

/* A row found by its record; the next due time follows the pending rows. */
static void test_get_and_next_due(void **state)
{
	struct tstore *f = *state;
	struct store_outbox_row r;
	int64_t due = 0;
	assert_int_equal(store_outbox_next_due(f->st, &due), VB_OK);
	assert_true(due == INT64_MAX);
	add(f->st, "patient", "p1", T0);
	add(f->st, "immunization", "p1", T0 + 5);
	assert_int_equal(store_outbox_next_due(f->st, &due), VB_OK);
	assert_int_equal(due, T0);
	assert_int_equal(store_outbox_get(f->st, "immunization", "p1", &r), VB_OK);
	assert_string_equal(r.kind, "immunization");
	assert_int_equal(r.created_at, T0 + 5);
	assert_int_equal(store_outbox_get(f->st, "deferral", "p1", &r), VB_ENOTFOUND);
	assert_int_equal(store_outbox_get(f->st, NULL, "p1", &r), VB_EINVAL);

	r = claim_one(f->st, T0 + 10);
	assert_int_equal(store_outbox_ack(f->st, r.id, "Patient/7", T0 + 11), VB_OK);
	assert_int_equal(store_outbox_get(f->st, "patient", "p1", &r), VB_OK);
	assert_int_equal(r.state, STORE_OUTBOX_ACKED);
	assert_string_equal(r.server_id, "Patient/7");
	r = claim_one(f->st, T0 + 12);
	assert_int_equal(store_outbox_retry(f->st, r.id, "HTTP 503", T0 + 90, T0 + 13), VB_OK);
	assert_int_equal(store_outbox_next_due(f->st, &due), VB_OK);
	assert_int_equal(due, T0 + 90);
}

/* Each transition from each state it is not allowed in. */
static void test_illegal_transitions(void **state)
{
	struct tstore *f = *state;
	enum { ACK, FAIL, RETRY, REQUEUE };
	static const struct {
		enum store_outbox_state from;
		int op;
	} cases[] = {
	    {STORE_OUTBOX_PENDING, ACK},       {STORE_OUTBOX_PENDING, FAIL},
	    {STORE_OUTBOX_PENDING, RETRY},     {STORE_OUTBOX_PENDING, REQUEUE},
	    {STORE_OUTBOX_IN_FLIGHT, REQUEUE}, {STORE_OUTBOX_ACKED, ACK},
	    {STORE_OUTBOX_ACKED, FAIL},	       {STORE_OUTBOX_ACKED, RETRY},
	    {STORE_OUTBOX_ACKED, REQUEUE},     {STORE_OUTBOX_FAILED, ACK},
	    {STORE_OUTBOX_FAILED, FAIL},       {STORE_OUTBOX_FAILED, RETRY},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char rid[16];
		snprintf(rid, sizeof(rid), "r%zu", i);
		/* Older than the earlier cases' rows, so the claim takes it. */
		add(f->st, "patient", rid, T0 - (int64_t)i);
		struct store_outbox_row r = row_of(f->st, rid);
		if (cases[i].from != STORE_OUTBOX_PENDING) {
			r = claim_one(f->st, T0);
			assert_string_equal(r.record_id, rid);
		}
		if (cases[i].from == STORE_OUTBOX_ACKED)
			assert_int_equal(store_outbox_ack(f->st, r.id, NULL, T0), VB_OK);
		if (cases[i].from == STORE_OUTBOX_FAILED)
			assert_int_equal(store_outbox_fail(f->st, r.id, "400", T0), VB_OK);
		int rc = VB_OK;
		switch (cases[i].op) {
		case ACK:
			rc = store_outbox_ack(f->st, r.id, "X/1", T0 + 9);
			break;
		case FAIL:
			rc = store_outbox_fail(f->st, r.id, "e", T0 + 9);
			break;
		case RETRY:
			rc = store_outbox_retry(f->st, r.id, "e", T0 + 99, T0 + 9);
			break;
		default:
			rc = store_outbox_requeue(f->st, r.id, T0 + 9);
			break;
		}
		if (rc != VB_ESTATE)
			fail_msg("case %zu: from %s op %d gave %d", i,
				 store_outbox_state_name(cases[i].from), cases[i].op, rc);
		/* Nothing changed. */
		struct store_outbox_row after = row_of(f->st, rid);
		assert_int_equal(after.state, cases[i].from);
		assert_int_not_equal(after.updated_at, T0 + 9);
		/* Leave nothing in flight for the next case's claim. */
		if (after.state == STORE_OUTBOX_IN_FLIGHT)
			assert_int_equal(store_outbox_ack(f->st, r.id, NULL, T0), VB_OK);
	}
}

static void test_recover_after_crash(void **state)
{
	struct tstore *f = *state;
	struct store_outbox_row rows[4];
	int64_t n = -1;
	add(f->st, "patient", "r1", T0);
	add(f->st, "patient", "r2", T0 + 1);
	add(f->st, "patient", "r3", T0 + 2);
	assert_int_equal(claim_n(f->st, 2, T0 + 5, rows), 2);
	assert_int_equal(store_outbox_retry(f->st, rows[1].id, "timeout", T0 + 50, T0 + 6), VB_OK);
	assert_int_equal(claim_n(f->st, 1, T0 + 50, rows + 1), 1); /* r2 again, attempts 1 */
	counts_are(f->st, 1, 2, 0, 0);
	/* The process dies here; at start-up: */
	assert_int_equal(store_outbox_recover(f->st, &n), VB_OK);
	assert_int_equal(n, 2);
	counts_are(f->st, 3, 0, 0, 0);
	struct store_outbox_row r2 = row_of(f->st, "r2");
	assert_int_equal(r2.attempts, 1);
	assert_int_equal(r2.next_attempt_at, T0 + 50);
	assert_int_equal(store_outbox_recover(f->st, NULL), VB_OK);
	assert_int_equal(claim_n(f->st, 4, T0 + 50, rows), 3);
	assert_string_equal(rows[0].record_id, "r1");
}

static void test_record_changed_while_queued(void **state)
{
	struct tstore *f = *state;
	struct store_outbox_row r;

	/* Pending: still one pending row, same place in the queue. */
	add(f->st, "patient", "p", T0);
	add(f->st, "patient", "p", T0 + 5);
	counts_are(f->st, 1, 0, 0, 0);
	r = row_of(f->st, "p");
	assert_int_equal(r.created_at, T0);
	assert_int_equal(r.updated_at, T0 + 5);

	/* In flight: the ack of the old version sends it back to pending. */
	r = claim_one(f->st, T0 + 6);
	add(f->st, "patient", "p", T0 + 7);
	counts_are(f->st, 0, 1, 0, 0);
	assert_int_equal(store_outbox_ack(f->st, r.id, "Patient/1", T0 + 8), VB_OK);
	counts_are(f->st, 1, 0, 0, 0);
	r = claim_one(f->st, T0 + 8);
	assert_string_equal(r.server_id, "Patient/1");
	assert_int_equal(store_outbox_ack(f->st, r.id, NULL, T0 + 9), VB_OK);
	counts_are(f->st, 0, 0, 1, 0);

	/* Acked: the change is queued again. */
	add(f->st, "patient", "p", T0 + 20);
	counts_are(f->st, 1, 0, 0, 0);
	r = claim_one(f->st, T0 + 20);

	/* In flight and refused: the changed version gets its chance. */
	add(f->st, "patient", "p", T0 + 21);
	assert_int_equal(store_outbox_fail(f->st, r.id, "HTTP 422", T0 + 22), VB_OK);
	counts_are(f->st, 1, 0, 0, 0);
	r = claim_one(f->st, T0 + 22);
	assert_int_equal(store_outbox_fail(f->st, r.id, "HTTP 422", T0 + 23), VB_OK);
	counts_are(f->st, 0, 0, 0, 1);

	/* Failed, then corrected: pending again with a clean slate. */
	add(f->st, "patient", "p", T0 + 30);
	r = row_of(f->st, "p");
	assert_int_equal(r.state, STORE_OUTBOX_PENDING);
	assert_int_equal(r.attempts, 0);
	assert_string_equal(r.last_error, "");
	assert_int_equal(r.next_attempt_at, T0 + 30);

	/* One row per (kind, record_id); another kind is another row. */
	add(f->st, "immunization", "p", T0 + 31);
	counts_are(f->st, 2, 0, 0, 0);
}

static void test_error_text_is_capped(void **state)
{
	struct tstore *f = *state;
	char err[600] = "";
	for (int i = 0; i < 90; i++)
		strcat(err, "错误"); /* 540 bytes of 3-byte characters */
	add(f->st, "patient", "r1", T0);
	struct store_outbox_row r = claim_one(f->st, T0);
	assert_int_equal(store_outbox_fail(f->st, r.id, err, T0), VB_OK);
	r = row_of(f->st, "r1");
	size_t n = strlen(r.last_error);
	assert_true(n < STORE_OUTBOX_ERROR_SIZE);
	assert_int_equal(n % 3, 0); /* no character split */
	assert_memory_equal(r.last_error, err, n);
}

static int stop_at_two(void *arg, const struct store_outbox_row *row)
{
	(void)row;
	int *n = arg;
	return ++*n == 2 ? 42 : 0;
}

static void test_list(void **state)
{
	struct tstore *f = *state;
	struct store_outbox_row rows[8];
	struct collected c = {rows, 0};
	for (int i = 0; i < 5; i++) {
		char rid[8];
		snprintf(rid, sizeof(rid), "r%d", i);
		add(f->st, "patient", rid, T0 + 10 - i); /* r4 is the oldest */
	}
	struct store_outbox_row r = claim_one(f->st, T0 + 20);
	assert_string_equal(r.record_id, "r4");
	assert_int_equal(store_outbox_fail(f->st, r.id, "400", T0 + 21), VB_OK);

	assert_int_equal(store_outbox_list(f->st, STORE_OUTBOX_ANY, 0, collect, &c), VB_OK);
	assert_int_equal(c.n, 5);
	assert_string_equal(rows[0].record_id, "r4");
	assert_string_equal(rows[4].record_id, "r0");
	c.n = 0;
	assert_int_equal(store_outbox_list(f->st, STORE_OUTBOX_PENDING, 2, collect, &c), VB_OK);
	assert_int_equal(c.n, 2);
	assert_string_equal(rows[0].record_id, "r3");
	assert_int_equal(rows[0].state, STORE_OUTBOX_PENDING);
	c.n = 0;
	assert_int_equal(store_outbox_list(f->st, STORE_OUTBOX_FAILED, 0, collect, &c), VB_OK);
	assert_int_equal(c.n, 1);
	assert_string_equal(rows[0].last_error, "400");
	int seen = 0;
	assert_int_equal(store_outbox_list(f->st, STORE_OUTBOX_ANY, 0, stop_at_two, &seen), 42);
	assert_int_equal(seen, 2);
	assert_int_equal(store_outbox_list(f->st, 4, 0, collect, &c), VB_EINVAL);
	assert_int_equal(store_outbox_list(f->st, STORE_OUTBOX_ANY, 0, NULL, NULL), VB_EINVAL);
}

static void test_sync_complete_is_true(void **state)
{
	struct tstore *f = *state;
	struct store_outbox_row rows[50];
	struct store_outbox_counts c;
	/* 120 records; a sync round sends batches of 50 until none is left. */
	assert_int_equal(store_begin(f->st), VB_OK);
	for (int i = 0; i < 120; i++) {
		char rid[16];
		snprintf(rid, sizeof(rid), "rec%03d", i);
		assert_int_equal(store_outbox_add(f->st, "immunization", rid, T0 + i), VB_OK);
	}
	assert_int_equal(store_commit(f->st), VB_OK);
	size_t n, batches = 0;
	while ((n = claim_n(f->st, 50, T0 + 500, rows)) > 0) {
		batches++;
		assert_int_equal(store_outbox_counts(f->st, &c), VB_OK);
		assert_true(c.pending + c.in_flight > 0); /* not complete mid-way */
		for (size_t i = 0; i < n; i++)
			assert_int_equal(store_outbox_ack(f->st, rows[i].id, "I/1", T0 + 501),
					 VB_OK);
	}
	assert_int_equal(batches, 3);
	counts_are(f->st, 0, 0, 120, 0);
}

static void test_state_names(void **state)
{
	(void)state;
	assert_string_equal(store_outbox_state_name(STORE_OUTBOX_PENDING), "pending");
	assert_string_equal(store_outbox_state_name(STORE_OUTBOX_IN_FLIGHT), "in_flight");
	assert_string_equal(store_outbox_state_name(STORE_OUTBOX_ACKED), "acked");
	assert_string_equal(store_outbox_state_name(STORE_OUTBOX_FAILED), "failed");
	assert_string_equal(store_outbox_state_name(7), "unknown");
	assert_string_equal(store_outbox_state_name(-1), "unknown");
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, tstore_setup, tstore_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_add_needs_transaction),
	    T(test_add_validates),
	    T(test_claim_oldest_first),
	    T(test_claim_bounds),
	    T(test_claim_joins_caller_transaction),
	    T(test_ack),
	    T(test_fail_quarantines_without_stalling),
	    T(test_retry_waits_for_next_attempt),
	    T(test_get_and_next_due),
	    T(test_illegal_transitions),
	    T(test_recover_after_crash),
	    T(test_record_changed_while_queued),
	    T(test_error_text_is_capped),
	    T(test_list),
	    T(test_sync_complete_is_true),
	    cmocka_unit_test(test_state_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
