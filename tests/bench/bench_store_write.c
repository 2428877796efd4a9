/*
 * bench_store_write: durable records per second on the write path, and
 * database bytes per 10,000 records.
 *
 * A record here is what the app writes for a dose: one row of a
 * bench_record table (made by this program, not part of the schema), its
 * outbox row and its audit row, in one transaction, committed with
 * synchronous=FULL. Modes: one transaction per record (store_begin/
 * store_commit), and store_group with 1, 4 and 16 submitting threads. Each
 * run writes for a fixed time into a new database; the table shows the
 * median, min and max of the runs.
 *
 * Usage: bench_store_write [runs (5)] [seconds per run (2)]
 * The database lives under $VB_BENCH_DIR (default /var/tmp): use a real
 * disk, not tmpfs, or the figures say nothing about fsync.
 */
#include <inttypes.h>
#include <pthread.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "figures.h"
#include "store.h"
#include "store_audit.h"
#include "store_group.h"
#include "store_id.h"
#include "store_int.h"
#include "store_outbox.h"

#define MAX_RUNS     50
#define SIZE_RECORDS 10000

static const char SQL_TABLE[] =
    "CREATE TABLE IF NOT EXISTS bench_record ("
    " id TEXT PRIMARY KEY NOT NULL, person_id TEXT NOT NULL,"
    " vaccine TEXT NOT NULL, lot TEXT NOT NULL, dose INTEGER NOT NULL,"
    " given_at INTEGER NOT NULL, site TEXT NOT NULL, staff TEXT NOT NULL"
    ") STRICT";
static const char SQL_INSERT[] = "INSERT INTO bench_record (id, person_id, vaccine, lot, dose,"
				 " given_at, site, staff) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";

static char base_dir[256];

static void die(const char *what, int rc, const char *msg)
{
	fprintf(stderr, "bench_store_write: %s: %s (%s)\n", what, vb_strerror(rc), msg);
	exit(1);
}

/* One record: the row, its outbox row, its audit row. */
static int write_record(struct store *st, void *arg)
{
	char id[STORE_ID_LEN + 1], person[STORE_ID_LEN + 1], detail[64];
	sqlite3_stmt *s = NULL;
	int64_t now = (int64_t)time(NULL);
	int dose = (int)(now % 2) + 1;
	int rc;
	(void)arg;
	if ((rc = store_id_new(id)) || (rc = store_id_new(person)))
		return rc;
	if ((rc = store_stmt(st, SQL_INSERT, &s)) || (rc = store_bind_text(st, s, 1, id)) ||
	    (rc = store_bind_text(st, s, 2, person)) ||
	    (rc = store_bind_text(st, s, 3, "CoronaVac")) ||
	    (rc = store_bind_text(st, s, 4, "K202106014")) ||
	    (rc = store_bind_int64(st, s, 5, dose)) || (rc = store_bind_int64(st, s, 6, now)) ||
	    (rc = store_bind_text(st, s, 7, "deltoid-left")) ||
	    (rc = store_bind_text(st, s, 8, "staff:0042")) || (rc = store_step_done(st, s)))
		return rc;
	snprintf(detail, sizeof(detail), "lot=K202106014 dose=%d", dose);
	if ((rc = store_outbox_add(st, "immunization", id, now)))
		return rc;
	return store_audit_append(st, now, "staff:0042", "dose.record", id, detail);
}

static int create_table(struct store *st, void *arg)
{
	(void)arg;
	return store_exec_static(st, SQL_TABLE);
}

/* A fresh database file in a fresh directory; path written to out. */
static void fresh_db(char *dir, size_t dir_cap, char *out, size_t cap)
{
	snprintf(dir, dir_cap, "%s/vbbench-XXXXXX", base_dir);
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		exit(1);
	}
	snprintf(out, cap, "%s/bench.db", dir);
}

static void remove_db(const char *dir, const char *path)
{
	char f[PATH_MAX + 8];
	unlink(path);
	snprintf(f, sizeof(f), "%s-wal", path);
	unlink(f);
	snprintf(f, sizeof(f), "%s-shm", path);
	unlink(f);
	rmdir(dir);
}

/* One transaction per record, one thread. Returns records/s. */
static double run_tx(const char *path, double seconds)
{
	struct store *st = NULL;
	struct vb_reason why;
	int rc = store_open(path, &st, &why);
	if (rc)
		die("store_open", rc, why.text);
	if ((rc = store_exec_static(st, SQL_TABLE)))
		die("create table", rc, store_errmsg(st));
	int64_t n = 0;
	double t0 = (figures_now_ms() / 1e3), t = t0;
	while (t - t0 < seconds) {
		if ((rc = store_begin(st)) || (rc = write_record(st, NULL)) ||
		    (rc = store_commit(st)))
			die("write", rc, store_errmsg(st));
		n++;
		t = (figures_now_ms() / 1e3);
	}
	store_close(st);
	return (double)n / (t - t0);
}

struct submitter {
	struct store_group *g;
	double until;
	int64_t n;
	int64_t limit; /* 0: until the deadline */
};

static void *submit_loop(void *arg)
{
	struct submitter *s = arg;
	while (s->limit ? s->n < s->limit : (figures_now_ms() / 1e3) < s->until) {
		int rc = store_group_submit(s->g, write_record, NULL);
		if (rc)
			die("submit", rc, "");
		s->n++;
	}
	return NULL;
}

/* store_group with `threads` submitters; either for `seconds` or until
 * each submitter wrote `per_thread` records. Returns records/s; the
 * average batch size goes to *avg_batch. */
static double run_group(const char *path, int threads, double seconds, int64_t per_thread,
			double *avg_batch)
{
	struct store_group *g = NULL;
	struct vb_reason why;
	struct submitter sub[16];
	pthread_t th[16];
	int rc = store_group_open(path, NULL, &g, &why);
	if (rc)
		die("store_group_open", rc, why.text);
	if ((rc = store_group_submit(g, create_table, NULL)))
		die("create table", rc, "");
	struct store_group_stats before, after;
	store_group_stats(g, &before);
	double t0 = (figures_now_ms() / 1e3);
	for (int i = 0; i < threads; i++) {
		sub[i] = (struct submitter){g, t0 + seconds, 0, per_thread};
		if (pthread_create(&th[i], NULL, submit_loop, &sub[i]) != 0)
			die("pthread_create", VB_ENOMEM, "");
	}
	int64_t n = 0;
	for (int i = 0; i < threads; i++) {
		pthread_join(th[i], NULL);
		n += sub[i].n;
	}
	double t = (figures_now_ms() / 1e3);
	store_group_stats(g, &after);
	store_group_close(g);
	uint64_t batches = after.batches - before.batches;
	*avg_batch = batches ? (double)(after.items - before.items) / (double)batches : 0;
	return (double)n / (t - t0);
}

static void report(const char *mode, int threads, double *v, int runs, double batch)
{
	double median = figures_median(v, (size_t)runs);
	printf("%-12s %7d %10.0f %10.0f %10.0f", mode, threads, median, v[0], v[runs - 1]);
	if (batch > 0)
		printf(" %10.1f", batch);
	printf("\n");
}

static off_t file_size(const char *path)
{
	struct stat sb;
	return stat(path, &sb) == 0 ? sb.st_size : 0;
}

/* Bytes the database grows by for SIZE_RECORDS records (after a
 * checkpoint, so the WAL is folded in). */
static void measure_size(void)
{
	char dir[300], path[400];
	struct store *st = NULL;
	struct vb_reason why;
	double batch = 0;
	static const char SQL_CKPT[] = "PRAGMA wal_checkpoint(TRUNCATE)";
	sqlite3_stmt *s = NULL;

	fresh_db(dir, sizeof(dir), path, sizeof(path));
	int rc = store_open(path, &st, &why);
	if (rc || (rc = store_exec_static(st, SQL_TABLE)) || (rc = store_stmt(st, SQL_CKPT, &s)) ||
	    store_step(st, s) < 0)
		die("size: open", rc, why.text);
	store_stmt_reset(s);
	store_close(st);
	off_t empty = file_size(path);
	run_group(path, 16, 0, SIZE_RECORDS / 16, &batch);
	if ((rc = store_open(path, &st, &why)) || (rc = store_stmt(st, SQL_CKPT, &s)) ||
	    store_step(st, s) < 0)
		die("size: checkpoint", rc, store_errmsg(st));
	store_stmt_reset(s);
	store_close(st);
	off_t full = file_size(path);
	printf("\ndatabase bytes for %d records (record + outbox + audit rows):\n"
	       "  empty %lld, after %lld, grew %lld (%.0f bytes per record)\n",
	       SIZE_RECORDS, (long long)empty, (long long)full, (long long)(full - empty),
	       (double)(full - empty) / SIZE_RECORDS);
	remove_db(dir, path);
}

int main(int argc, char **argv)
{
	int runs = argc > 1 ? atoi(argv[1]) : 5;
	double seconds = argc > 2 ? atof(argv[2]) : 2.0;
	const char *env = getenv("VB_BENCH_DIR");
	snprintf(base_dir, sizeof(base_dir), "%s", env && *env ? env : "/var/tmp");
	if (runs < 1 || runs > MAX_RUNS || seconds <= 0) {
		fprintf(stderr, "usage: bench_store_write [runs 1..%d] [seconds > 0]\n", MAX_RUNS);
		return 2;
	}
	printf("durable records/s (record + outbox + audit row per record, synchronous=FULL,"
	       " WAL)\n%d runs of %.1f s each, database under %s, SQLite %s, %ld CPUs\n\n",
	       runs, seconds, base_dir, sqlite3_libversion(), sysconf(_SC_NPROCESSORS_ONLN));
	printf("%-12s %7s %10s %10s %10s %10s\n", "mode", "threads", "median", "min", "max",
	       "avg batch");

	static const int thread_counts[] = {1, 4, 16};
	double v[MAX_RUNS];
	char dir[300], path[400];
	for (int r = 0; r < runs; r++) {
		fresh_db(dir, sizeof(dir), path, sizeof(path));
		v[r] = run_tx(path, seconds);
		remove_db(dir, path);
	}
	report("tx/record", 1, v, runs, 0);
	for (size_t i = 0; i < sizeof(thread_counts) / sizeof(thread_counts[0]); i++) {
		double batch_sum = 0;
		for (int r = 0; r < runs; r++) {
			double batch = 0;
			fresh_db(dir, sizeof(dir), path, sizeof(path));
			v[r] = run_group(path, thread_counts[i], seconds, 0, &batch);
			batch_sum += batch;
			remove_db(dir, path);
		}
		report("store_group", thread_counts[i], v, runs, batch_sum / runs);
	}
	measure_size();
	return 0;
}
