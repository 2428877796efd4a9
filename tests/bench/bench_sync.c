/*
 * bench_sync: how long the sync engine takes to drain a full outbox, and
 * what it sends and receives per record.
 *
 * Writes --visits visits (default 10,000) into a fresh database exactly as
 * bench_domain does (visits.h: each visit a new resident's first dose, so
 * two outbox rows, the patient and the immunization), then drains the
 * outbox to the FHIR base --url with the real engine (sync_engine_new,
 * sync_engine_push; options from sync_options_defaults with --bundle,
 * --mode and --gzip), timing the drain only. A pass the link cut short
 * (VB_EIO) is followed by a wait until the rows are due again, inside the
 * timed drain, and counted; after MAX_CUT_IN_A_ROW such passes with nothing
 * acknowledged the link is taken as down and the drain as failed.
 *
 * Prints one "name value" line per figure (tests/bench/sync.sh reads
 * them): records, visits, seconds, records/s, visits/s, bytes up/down as
 * curl counts them (headers and compressed bodies, struct sync_progress),
 * per record and per visit, requests and passes. Exits 1 unless the outbox
 * ends with every row acknowledged (0 pending, 0 in flight, 0 failed).
 *
 * Usage: bench_sync --url URL [--visits N] [--bundle N] [--mode batch|transaction]
 *                   [--gzip 0|1] [--db-dir DIR]
 * The database lives in a fresh directory under --db-dir (default
 * $VB_BENCH_DIR, else /var/tmp), removed at the end.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "catalog.h"
#include "catalog_file.h"
#include "figures.h"
#include "store.h"
#include "store_outbox.h"
#include "sync.h"
#include "vb_error.h"
#include "visits.h"

#define MAX_CUT_IN_A_ROW 5    /* passes cut short with nothing acknowledged: the link is down */
#define PROGRESS_EVERY_S 10.0 /* a progress line on stderr */

static char work_dir[300], work_db[400]; /* removed on exit */

/* The engine's wall clock: the real one (the records are from 2021, so
 * every row is due at once). */
static int64_t now_s(void)
{
	return (int64_t)time(NULL);
}

static void remove_work_db(void)
{
	static const char *const suffix[] = {"", "-wal", "-shm", "-journal", "-sync.lock"};
	char f[420];
	if (!work_db[0])
		return;
	for (size_t i = 0; i < sizeof(suffix) / sizeof(suffix[0]); i++) {
		snprintf(f, sizeof(f), "%s%s", work_db, suffix[i]);
		unlink(f);
	}
	rmdir(work_dir);
	work_db[0] = work_dir[0] = '\0';
}

/* Reports a failure and exits, leaving no database behind. */
static void fail(const char *what, int rc, const struct store *st)
{
	fprintf(stderr, "bench_sync: %s: %s (%s)\n", what, vb_strerror(rc),
		st ? store_errmsg(st) : "-");
	remove_work_db();
	exit(1);
}

static struct store *open_db(void)
{
	struct store *st = NULL;
	struct vb_reason why = {0};
	int rc = store_open(work_db, &st, &why);
	if (rc) {
		fprintf(stderr, "bench_sync: store_open: %s (%s)\n", vb_strerror(rc),
			why.code ? why.text : "-");
		remove_work_db();
		exit(1);
	}
	return st;
}

/* The outbox's counts, read on a connection of its own. */
static struct store_outbox_counts outbox_counts(void)
{
	struct store_outbox_counts c;
	struct store *st = open_db();
	int rc = store_outbox_counts(st, &c);
	if (rc)
		fail("outbox counts", rc, st);
	store_close(st);
	return c;
}

struct progress {
	double start, last;
};

static int on_progress(void *arg, const struct sync_progress *p)
{
	struct progress *r = arg;
	double t = (figures_now_ms() / 1e3);
	if (t - r->last >= PROGRESS_EVERY_S) {
		r->last = t;
		fprintf(stderr,
			"   ... %.0f s: %" PRId64 " acknowledged, %" PRId64 " waiting, %" PRId64
			" requests\n",
			t - r->start, p->acked, p->pending, p->requests);
	}
	return 0;
}

static int usage(void)
{
	fprintf(stderr,
		"usage: bench_sync --url URL [--visits N] [--bundle 1..%d]"
		" [--mode batch|transaction] [--gzip 0|1] [--db-dir DIR]\n",
		SYNC_BUNDLE_MAX);
	return 2;
}

/* A whole number in [lo, hi] from s, or -1. */
static long number(const char *s, long lo, long hi)
{
	char *end = NULL;
	long v = strtol(s, &end, 10);
	return *s && !*end && v >= lo && v <= hi ? v : -1;
}

int main(int argc, char **argv)
{
	struct sync_options o;
	figures_data_key(); /* the store seals personal fields */
	const char *env = getenv("VB_BENCH_DIR");
	const char *db_dir = env && *env ? env : "/var/tmp";
	long visits = 10000;
	sync_options_defaults(&o);
	for (int k = 1; k < argc; k += 2) { /* every option takes a value */
		const char *v = k + 1 < argc ? argv[k + 1] : NULL;
		if (!v)
			return usage();
		if (strcmp(argv[k], "--url") == 0) {
			if (strlen(v) >= sizeof(o.url))
				return usage();
			snprintf(o.url, sizeof(o.url), "%s", v);
		} else if (strcmp(argv[k], "--visits") == 0) {
			visits = number(v, 1, 365L * VISITS_PER_DAY);
		} else if (strcmp(argv[k], "--bundle") == 0) {
			o.bundle_size = (int)number(v, 1, SYNC_BUNDLE_MAX);
		} else if (strcmp(argv[k], "--gzip") == 0) {
			o.gzip = (int)number(v, 0, 1);
		} else if (strcmp(argv[k], "--mode") == 0) {
			if (sync_mode_parse(v, &o.mode))
				return usage();
		} else if (strcmp(argv[k], "--db-dir") == 0) {
			db_dir = v;
		} else {
			return usage();
		}
	}
	if (!o.url[0] || visits < 0 || o.bundle_size < 0 || o.gzip < 0)
		return usage();

	struct catalog *cat = NULL;
	char err[200];
	int rc = catalog_file_load(NULL, &cat, err, sizeof(err));
	if (rc) {
		fprintf(stderr, "bench_sync: catalog: %s\n", err);
		return 1;
	}
	snprintf(work_dir, sizeof(work_dir), "%s/vbsync-XXXXXX", db_dir);
	if (!mkdtemp(work_dir)) {
		perror("bench_sync: mkdtemp");
		return 1;
	}
	snprintf(work_db, sizeof(work_db), "%s/bus.db", work_dir);

	/* The queue: written, not timed. */
	struct store *st = open_db();
	double t0 = (figures_now_ms() / 1e3);
	if ((rc = visits_setup(st, cat, (int)visits)))
		fail("set-up", rc, st);
	if ((rc = visits_write(st, cat, (int)visits, err, sizeof(err))))
		fail(err, rc, st);
	store_close(st);
	struct store_outbox_counts before = outbox_counts();
	fprintf(stderr,
		"bench_sync: %ld visits written in %.1f s; draining %" PRId64
		" records to %s (%s, bundles of %d, gzip %s)\n",
		visits, (figures_now_ms() / 1e3) - t0, before.pending, o.url,
		o.mode == SYNC_MODE_TRANSACTION ? "transaction" : "batch", o.bundle_size,
		o.gzip ? "on" : "off");

	/* The drain: timed. */
	struct sync_engine *e = NULL;
	if ((rc = sync_engine_new(work_db, &o, cat, now_s, &e, err, sizeof(err))))
		fail(err, rc, NULL);
	struct sync_progress p;
	memset(&p, 0, sizeof(p));
	int passes = 0, failed_passes = 0, in_a_row = 0;
	struct progress pr = {(figures_now_ms() / 1e3), (figures_now_ms() / 1e3)};
	for (;;) {
		int64_t acked = p.acked;
		passes++;
		rc = sync_engine_push(e, &p, on_progress, &pr);
		if (rc && rc != VB_EIO)
			fail("sync_engine_push", rc, NULL);
		if (rc == VB_EIO) {
			failed_passes++;
			in_a_row = p.acked > acked ? 0 : in_a_row + 1;
			fprintf(stderr, "   pass %d cut short: %s\n", passes, p.last_error);
		}
		if (p.pending == 0 || in_a_row >= MAX_CUT_IN_A_ROW)
			break;
		int64_t wait = sync_engine_next_attempt(e) - now_s();
		sleep(wait > 0 ? (unsigned)(wait < 30 ? wait : 30) : 1);
	}
	double seconds = (figures_now_ms() / 1e3) - pr.start;
	sync_engine_free(e);
	catalog_free(cat);

	struct store_outbox_counts after = outbox_counts();
	int64_t n = before.pending;
	double up = (double)p.bytes_up, down = (double)p.bytes_down;
	printf("mode         %s\n", o.mode == SYNC_MODE_TRANSACTION ? "transaction" : "batch");
	printf("bundle       %d\n", o.bundle_size);
	printf("gzip         %d\n", o.gzip);
	printf("records      %" PRId64 "\n", n);
	printf("visits       %ld\n", visits);
	printf("seconds      %.3f\n", seconds);
	printf("records/s    %.1f\n", (double)n / seconds);
	printf("visits/s     %.1f\n", (double)visits / seconds);
	printf("bytes_up     %" PRId64 "\n", p.bytes_up);
	printf("bytes_down   %" PRId64 "\n", p.bytes_down);
	printf("up/record    %.1f\n", up / (double)n);
	printf("down/record  %.1f\n", down / (double)n);
	printf("up/visit     %.1f\n", up / (double)visits);
	printf("down/visit   %.1f\n", down / (double)visits);
	printf("requests     %" PRId64 "\n", p.requests);
	printf("sent         %" PRId64 "\n", p.sent);
	printf("passes       %d\n", passes);
	printf("cut_passes   %d\n", failed_passes);
	printf("outbox       pending %" PRId64 " in_flight %" PRId64 " failed %" PRId64
	       " acked %" PRId64 "\n",
	       after.pending, after.in_flight, after.failed, after.acked);
	remove_work_db();
	if (after.pending || after.in_flight || after.failed || after.acked != n) {
		fprintf(stderr, "bench_sync: the outbox was not drained\n");
		return 1;
	}
	return 0;
}
