/* Group commit: many submitting threads, one batch holding failing items
 * that do not fail the others, items that may not take over the
 * transaction, durability across a reopen, and argument errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>

#include "store.h"
#include "store_audit.h"
#include "store_group.h"
#include "store_id.h"
#include "store_int.h"
#include "store_outbox.h"
#include "store_test.h"
#include "vb_error.h"

#define T0 1622505600

static const char SQL_TABLE[] = "CREATE TABLE grp_record (id TEXT PRIMARY KEY NOT NULL,"
				" n INTEGER NOT NULL) STRICT";
static const char SQL_INSERT[] = "INSERT INTO grp_record (id, n) VALUES (?1, ?2)";

struct fixture {
	struct tdir dir;
	char path[300];
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct store *st = NULL;
	assert_non_null(f);
	tdir_init(&f->dir);
	tdir_file(&f->dir, "bus.db", f->path, sizeof(f->path));
	assert_int_equal(store_open(f->path, &st, NULL), VB_OK);
	assert_int_equal(store_exec_static(st, SQL_TABLE), VB_OK);
	store_close(st);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	tdir_cleanup(&f->dir);
	free(f);
	return 0;
}

/* One work item: a record, its outbox row and its audit row. */
struct work {
	int n;
	int outcome;	    /* VB_OK, or the error the item ends with */
	const char *dup_of; /* if set: insert this id again (a real constraint error) */
	char id[STORE_ID_LEN + 1];
};

static int write_record(struct store *st, void *arg)
{
	struct work *w = arg;
	sqlite3_stmt *s = NULL;
	int rc = store_id_new(w->id);
	if (!rc && !(rc = store_stmt(st, SQL_INSERT, &s)) &&
	    !(rc = store_bind_text(st, s, 1, w->dup_of ? w->dup_of : w->id)) &&
	    !(rc = store_bind_int64(st, s, 2, w->n)))
		rc = store_step_done(st, s);
	if (!rc)
		rc = store_outbox_add(st, "grp", w->id, T0 + w->n);
	if (!rc)
		rc = store_audit_append(st, T0 + w->n, "test", "grp.write", w->id, NULL);
	/* A refusal after the writes: they must all be undone. */
	if (!rc && w->outcome)
		rc = w->outcome;
	return rc;
}

static int64_t count(const char *path, const char *sql)
{
	sqlite3 *db = raw_open(path);
	int64_t n = raw_int(db, sql);
	sqlite3_close(db);
	return n;
}

static int present(const char *path, const char *id)
{
	sqlite3 *db = raw_open(path);
	sqlite3_stmt *s = NULL;
	assert_int_equal(
	    sqlite3_prepare_v2(db, "SELECT count(*) FROM grp_record WHERE id = ?1", -1, &s, NULL),
	    SQLITE_OK);
	sqlite3_bind_text(s, 1, id, -1, SQLITE_TRANSIENT);
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	int n = sqlite3_column_int(s, 0);
	sqlite3_finalize(s);
	sqlite3_close(db);
	return n;
}

/* Database-wide invariants after any run: records, outbox rows and audit
 * rows 1:1:1, the chain verifies, the file is sound. */
static void check_consistent(const char *path, int64_t records)
{
	struct store *st = NULL;
	int64_t bad = -1;
	struct vb_reason why;
	assert_int_equal(count(path, "SELECT count(*) FROM grp_record"), records);
	assert_int_equal(count(path, "SELECT count(*) FROM outbox o JOIN grp_record r"
				     " ON o.kind = 'grp' AND o.record_id = r.id"),
			 records);
	assert_int_equal(count(path, "SELECT count(*) FROM outbox"), records);
	assert_int_equal(count(path, "SELECT count(*) FROM audit"), records);
	assert_int_equal(store_open(path, &st, NULL), VB_OK);
	assert_int_equal(store_integrity_check(st), VB_OK);
	assert_int_equal(store_audit_verify(st, &bad, &why), VB_OK);
	store_close(st);
}

/*
 * Deterministic batches: a gate item holds the writer inside the batch's
 * transaction while the test queues the other items one by one (each
 * queued before the next is submitted, so their order is fixed); then the
 * gate returns and the writer runs them all in the same transaction.
 */
struct gate {
	struct store_group *g;
	atomic_int started, open;
};

static int gate_fn(struct store *st, void *arg)
{
	struct gate *gt = arg;
	(void)st;
	atomic_store(&gt->started, 1);
	while (!atomic_load(&gt->open))
		sched_yield();
	return VB_OK;
}

static void *submit_gate(void *arg)
{
	struct gate *gt = arg;
	return (void *)(intptr_t)store_group_submit(gt->g, gate_fn, gt);
}

struct sub {
	struct store_group *g;
	int (*fn)(struct store *st, void *arg); /* write_record if NULL */
	struct work w;
	int rc;
};

static void *submit_one(void *arg)
{
	struct sub *s = arg;
	s->rc = store_group_submit(s->g, s->fn ? s->fn : write_record, &s->w);
	return NULL;
}

static void wait_queued(struct store_group *g, uint64_t n)
{
	struct store_group_stats s;
	for (;;) {
		store_group_stats(g, &s);
		if (s.queued >= n)
			return;
		sched_yield();
	}
}

/* Batches that wait for the gate however slow the machine is. */
static const struct store_group_config slow_cfg = {.max_batch = 64, .max_batch_ms = 600000};

/* Runs the gate and then subs[0..n) in one batch; returns the gate's
 * result. */
static int gated_batch(struct store_group *g, struct sub *subs, int n)
{
	struct gate gt = {.g = g};
	pthread_t gth, th[16];
	assert_true(n <= 16);
	assert_int_equal(pthread_create(&gth, NULL, submit_gate, &gt), 0);
	while (!atomic_load(&gt.started))
		sched_yield();
	for (int i = 0; i < n; i++) {
		subs[i].g = g;
		subs[i].rc = 1;
		assert_int_equal(pthread_create(&th[i], NULL, submit_one, &subs[i]), 0);
		wait_queued(g, (uint64_t)i + 1);
	}
	atomic_store(&gt.open, 1);
	void *grc = NULL;
	assert_int_equal(pthread_join(gth, &grc), 0);
	for (int i = 0; i < n; i++)
		assert_int_equal(pthread_join(th[i], NULL), 0);
	return (int)(intptr_t)grc;
}

static void test_failing_items_do_not_fail_the_batch(void **state)
{
	struct fixture *f = *state;
	enum { N = 9 };
	struct store_group *g = NULL;
	struct sub subs[N];

	assert_int_equal(store_group_open(f->path, &slow_cfg, &g, NULL), VB_OK);
	/* A record that exists beforehand so that item 5 can collide with it. */
	struct sub first = {.g = g, .w = {.n = 100}};
	submit_one(&first);
	assert_int_equal(first.rc, VB_OK);

	for (int i = 0; i < N; i++) {
		subs[i] = (struct sub){.w = {.n = i}};
		if (i == 2)
			subs[i].w.outcome = VB_EREFUSED;
		if (i == 7)
			subs[i].w.outcome = VB_EINVAL;
		if (i == 5)
			subs[i].w.dup_of = first.w.id;
	}
	assert_int_equal(gated_batch(g, subs, N), VB_OK);

	struct store_group_stats s;
	store_group_stats(g, &s);
	assert_int_equal(s.batches, 2); /* the first item, then all ten */
	assert_int_equal(s.items, 11);
	assert_int_equal(s.max_items, 10);
	assert_int_equal(s.queued, 0);
	store_group_close(g);

	for (int i = 0; i < N; i++) {
		int want = i == 2 ? VB_EREFUSED : i == 7 ? VB_EINVAL : i == 5 ? VB_EEXIST : VB_OK;
		if (subs[i].rc != want)
			fail_msg("item %d: %d, want %d", i, subs[i].rc, want);
		assert_int_equal(present(f->path, subs[i].w.id), want == VB_OK);
	}
	check_consistent(f->path, 1 + N - 3);
}

static void test_max_batch_splits(void **state)
{
	struct fixture *f = *state;
	enum { N = 7 };
	struct store_group_config cfg = {.max_batch = 3, .max_batch_ms = 60000};
	struct store_group *g = NULL;
	struct sub subs[N];
	assert_int_equal(store_group_open(f->path, &cfg, &g, NULL), VB_OK);
	for (int i = 0; i < N; i++)
		subs[i] = (struct sub){.w = {.n = i}};
	assert_int_equal(gated_batch(g, subs, N), VB_OK);
	struct store_group_stats s;
	store_group_stats(g, &s);
	store_group_close(g);
	/* gate + 2, then 3, then 2 */
	assert_int_equal(s.batches, 3);
	assert_int_equal(s.max_items, 3);
	for (int i = 0; i < N; i++)
		assert_int_equal(subs[i].rc, VB_OK);
	check_consistent(f->path, N);
}

/* An item whose writes break a deferred foreign key: the COMMIT itself
 * fails, so no item of the batch is durable, and each is told so. */
static const char SQL_DEFERRED[] =
    "CREATE TABLE grp_parent (id TEXT PRIMARY KEY NOT NULL) STRICT;"
    "CREATE TABLE grp_child (pid TEXT NOT NULL REFERENCES grp_parent (id)"
    " DEFERRABLE INITIALLY DEFERRED) STRICT;";
static const char SQL_ORPHAN[] = "INSERT INTO grp_child (pid) VALUES ('nobody')";

static int orphan_fn(struct store *st, void *arg)
{
	sqlite3_stmt *s = NULL;
	int rc = write_record(st, arg);
	if (!rc && !(rc = store_stmt(st, SQL_ORPHAN, &s)))
		rc = store_step_done(st, s);
	return rc;
}

static void test_commit_failure_fails_the_batch(void **state)
{
	struct fixture *f = *state;
	struct store *st = NULL;
	struct store_group *g = NULL;
	struct sub subs[3] = {{.w = {.n = 1}}, {.fn = orphan_fn, .w = {.n = 2}}, {.w = {.n = 3}}};

	assert_int_equal(store_open(f->path, &st, NULL), VB_OK);
	assert_int_equal(store_exec_static(st, SQL_DEFERRED), VB_OK);
	store_close(st);
	assert_int_equal(store_group_open(f->path, &slow_cfg, &g, NULL), VB_OK);
	assert_int_equal(gated_batch(g, subs, 3), VB_EINVAL);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(subs[i].rc, VB_EINVAL); /* FOREIGN KEY constraint failed */
		assert_int_equal(present(f->path, subs[i].w.id), 0);
	}
	/* The writer goes on. */
	struct sub after = {.g = g, .w = {.n = 4}};
	submit_one(&after);
	assert_int_equal(after.rc, VB_OK);
	store_group_close(g);
	check_consistent(f->path, 1);
}

/* An item whose failure takes the whole transaction with it (here a raw
 * ROLLBACK behind the store's back, as SQLITE_FULL or an I/O error would):
 * the items before it in the batch are lost and told so; the items after
 * it run in the next batch. */
static int rollback_fn(struct store *st, void *arg)
{
	(void)arg;
	sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	return VB_EIO;
}

static void test_lost_transaction(void **state)
{
	struct fixture *f = *state;
	struct store_group *g = NULL;
	struct sub subs[3] = {{.w = {.n = 1}}, {.fn = rollback_fn}, {.w = {.n = 3}}};
	assert_int_equal(store_group_open(f->path, &slow_cfg, &g, NULL), VB_OK);
	assert_int_equal(gated_batch(g, subs, 3), VB_ESTORAGE);
	assert_int_equal(subs[0].rc, VB_ESTORAGE);
	assert_int_equal(subs[1].rc, VB_EIO);
	assert_int_equal(subs[2].rc, VB_OK);
	struct store_group_stats s;
	store_group_stats(g, &s);
	assert_int_equal(s.batches, 2);
	store_group_close(g);
	assert_int_equal(present(f->path, subs[0].w.id), 0);
	assert_int_equal(present(f->path, subs[2].w.id), 1);
	check_consistent(f->path, 1);
}

struct thread_arg {
	struct store_group *g;
	int thread, per, ok, refused;
};

static void *submit_many(void *arg)
{
	struct thread_arg *t = arg;
	for (int i = 0; i < t->per; i++) {
		struct work w = {.n = t->thread * 1000 + i};
		if (i % 7 == 3)
			w.outcome = VB_EREFUSED;
		int rc = store_group_submit(t->g, write_record, &w);
		if (rc == VB_OK)
			t->ok++;
		else if (rc == VB_EREFUSED && w.outcome)
			t->refused++;
	}
	return NULL;
}

static void test_many_threads(void **state)
{
	struct fixture *f = *state;
	enum { THREADS = 8, PER = 50 };
	struct store_group *g = NULL;
	pthread_t th[THREADS];
	struct thread_arg ta[THREADS];
	int ok = 0, refused = 0;

	assert_int_equal(store_group_open(f->path, NULL, &g, NULL), VB_OK);
	for (int i = 0; i < THREADS; i++) {
		ta[i] = (struct thread_arg){.g = g, .thread = i, .per = PER};
		assert_int_equal(pthread_create(&th[i], NULL, submit_many, &ta[i]), 0);
	}
	for (int i = 0; i < THREADS; i++) {
		assert_int_equal(pthread_join(th[i], NULL), 0);
		ok += ta[i].ok;
		refused += ta[i].refused;
	}
	struct store_group_stats s;
	store_group_stats(g, &s);
	store_group_close(g);
	assert_int_equal(ok + refused, THREADS * PER);
	assert_int_equal(refused, THREADS * 7); /* i = 3, 10, ..., 45 */
	assert_int_equal(s.items, THREADS * PER);
	assert_true(s.batches >= 1 && s.batches <= THREADS * PER);
	assert_true(s.max_items >= 1 && s.max_items <= 256);
	check_consistent(f->path, ok);
}

struct meddle {
	struct store_group *g;
	int begin_rc, commit_rc, rollback_rc, submit_rc;
	struct work w;
};

static int meddle_fn(struct store *st, void *arg)
{
	struct meddle *m = arg;
	m->begin_rc = store_begin(st);
	m->commit_rc = store_commit(st);
	m->rollback_rc = store_rollback(st);
	m->submit_rc = store_group_submit(m->g, write_record, &m->w);
	return write_record(st, &m->w);
}

static void test_item_cannot_take_the_transaction(void **state)
{
	struct fixture *f = *state;
	struct meddle m = {.begin_rc = 1, .commit_rc = 1, .rollback_rc = 1, .submit_rc = 1};
	assert_int_equal(store_group_open(f->path, NULL, &m.g, NULL), VB_OK);
	assert_int_equal(store_group_submit(m.g, meddle_fn, &m), VB_OK);
	store_group_close(m.g);
	assert_int_equal(m.begin_rc, VB_ESTATE);
	assert_int_equal(m.commit_rc, VB_ESTATE);
	assert_int_equal(m.rollback_rc, VB_ESTATE);
	assert_int_equal(m.submit_rc, VB_ESTATE);
	assert_int_equal(present(f->path, m.w.id), 1);
	check_consistent(f->path, 1);
}

static void test_arguments(void **state)
{
	struct fixture *f = *state;
	struct store_group *g = NULL, *sentinel = (struct store_group *)f;
	struct vb_reason why;
	char path[400];

	assert_int_equal(store_group_open(f->path, NULL, &g, NULL), VB_OK);
	assert_int_equal(store_group_submit(g, NULL, NULL), VB_EINVAL);
	assert_int_equal(store_group_submit(NULL, write_record, NULL), VB_EINVAL);
	store_group_close(g);
	store_group_close(NULL);

	snprintf(path, sizeof(path), "%s/no/such/dir.db", f->dir.dir);
	g = sentinel;
	assert_int_equal(store_group_open(path, NULL, &g, &why), VB_EIO);
	assert_ptr_equal(g, sentinel);
	assert_string_equal(why.code, "open_failed");
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_failing_items_do_not_fail_the_batch),
	    T(test_max_batch_splits),
	    T(test_commit_failure_fails_the_batch),
	    T(test_lost_transaction),
	    T(test_many_threads),
	    T(test_item_cannot_take_the_transaction),
	    T(test_arguments),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
