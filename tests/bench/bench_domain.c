/*
 * bench_domain: what the bus's records cost on disk, and how fast a
 * resident is found among a million registrations.
 *
 * size    Writes a tour of vaccination days the way vaxbusctl does
 *         (visits.h, shared with bench_sync): for each visit a new
 *         resident is looked up and registered (store_person_add, one
 *         transaction), then at the station the history and the stock are
 *         loaded, the schedule and the box check decide, and one
 *         transaction writes the visit, its transitions screen .. vaccinate,
 *         the lot and the single-dose vial, the dose and observe_start, each
 *         with its outbox and audit rows. 250 visits a day. After the
 *         visits the WAL is folded in (PRAGMA wal_checkpoint(TRUNCATE)) and
 *         the file's growth is divided by the visits; where SQLite has the
 *         dbstat table, the growth is split by table (indexes included).
 *         Every visit is a first dose of a new resident, so this is the
 *         upper bound of a day: a returning resident adds no person row.
 * lookup  Registers N persons (default 1,000,000) through store_person_add,
 *         10,000 per transaction, reopens the database, and times
 *         store_person_find_doc for 10,000 random registered numbers and
 *         10,000 valid numbers never registered, interleaved, per run.
 *
 * Residents carry valid, distinct cn-resident numbers (region, birth date,
 * sequence, MOD 11-2 check char) from visits_resident: any index gives the
 * same resident again and indices past N give numbers that are not in the
 * database.
 *
 * Usage: bench_domain [size] [lookup] [--persons N] [--visits N] [--runs N]
 * With neither size nor lookup, both run. Databases live under
 * $VB_BENCH_DIR (default /var/tmp: a real disk, not tmpfs) in a fresh
 * directory that is deleted at the end. Times are printed, never checked:
 * read medians and ratios (see README.md).
 */
#include <inttypes.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "catalog.h"
#include "catalog_file.h"
#include "figures.h"
#include "person.h"
#include "store.h"
#include "store_meta.h"
#include "store_person.h"
#include "vbdate.h"
#include "visits.h"

#define MAX_RUNS       50
#define MAX_TABLES     40
#define PERSONS_PER_TX 10000
#define LOOKUPS	       10000

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static char base_dir[256];
static char work_dir[300], work_db[400]; /* the database in use, removed on exit */

static void remove_work_db(void)
{
	static const char *const suffix[] = {"", "-wal", "-shm", "-journal"};
	char f[420];
	if (!work_db[0])
		return;
	for (size_t i = 0; i < COUNT(suffix); i++) {
		snprintf(f, sizeof(f), "%s%s", work_db, suffix[i]);
		unlink(f);
	}
	rmdir(work_dir);
	work_db[0] = work_dir[0] = '\0';
}

/* Reports a failure and exits, leaving no database behind. */
static void fail(const char *what, int rc, const struct store *st)
{
	fprintf(stderr, "bench_domain: %s: %s (%s)\n", what, vb_strerror(rc),
		st ? store_errmsg(st) : "-");
	remove_work_db();
	exit(1);
}

static void make_work_db(void)
{
	snprintf(work_dir, sizeof(work_dir), "%s/vbdomain-XXXXXX", base_dir);
	if (!mkdtemp(work_dir)) {
		perror("bench_domain: mkdtemp");
		exit(1);
	}
	snprintf(work_db, sizeof(work_db), "%s/bus.db", work_dir);
}

static struct store *open_db(void)
{
	struct store *st = NULL;
	struct vb_reason why = {0};
	int rc = store_open(work_db, &st, &why);
	if (rc) {
		fprintf(stderr, "bench_domain: store_open: %s (%s)\n", vb_strerror(rc),
			why.code ? why.text : "-");
		remove_work_db();
		exit(1);
	}
	return st;
}

/* splitmix64: a reproducible stream of random indices. */
static uint64_t next_random(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15u);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
	return z ^ (z >> 31);
}

/* Resident i (visits.h), or exit. */
static void resident(uint64_t i, struct person *p)
{
	char why[160];
	if (visits_resident(i, p, why, sizeof(why))) {
		fprintf(stderr, "bench_domain: %s\n", why);
		remove_work_db();
		exit(1);
	}
}

/* ---------------------------------------------------------------- size */

struct table_bytes {
	char name[64];
	int64_t bytes;
};

struct db_bytes {
	int64_t file;			  /* after the checkpoint */
	struct table_bytes t[MAX_TABLES]; /* dbstat, largest first; n 0 without dbstat */
	size_t n;
};

/* Folds the WAL in on a connection of its own and measures the file, and
 * the bytes of each table with its indexes when dbstat is there. */
static void measure_db(struct db_bytes *out)
{
	static const char SQL_SPLIT[] =
	    "SELECT COALESCE(m.tbl_name, d.name), SUM(d.pgsize) FROM dbstat AS d"
	    " LEFT JOIN sqlite_schema AS m ON m.name = d.name GROUP BY 1 ORDER BY 2 DESC";
	sqlite3 *db = NULL;
	sqlite3_stmt *s = NULL;
	struct stat sb;
	memset(out, 0, sizeof(*out));
	if (sqlite3_open_v2(work_db, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK ||
	    sqlite3_exec(db, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL) != SQLITE_OK) {
		fprintf(stderr, "bench_domain: checkpoint: %s\n", sqlite3_errmsg(db));
		sqlite3_close(db);
		remove_work_db();
		exit(1);
	}
	if (sqlite3_compileoption_used("ENABLE_DBSTAT_VTAB") &&
	    sqlite3_prepare_v2(db, SQL_SPLIT, -1, &s, NULL) == SQLITE_OK) {
		while (sqlite3_step(s) == SQLITE_ROW && out->n < MAX_TABLES) {
			struct table_bytes *t = &out->t[out->n++];
			snprintf(t->name, sizeof(t->name), "%s",
				 (const char *)sqlite3_column_text(s, 0));
			t->bytes = sqlite3_column_int64(s, 1);
		}
	}
	sqlite3_finalize(s);
	sqlite3_close(db);
	out->file = stat(work_db, &sb) == 0 ? (int64_t)sb.st_size : 0;
}

struct size_run {
	struct db_bytes empty, full;
	double seconds;
};

/* One tour of `visits` visits in a new database. */
static void size_run(const struct catalog *cat, int visits, struct size_run *out)
{
	struct store *st;
	char why[160] = "";
	int rc;

	make_work_db();
	st = open_db();
	if ((rc = visits_setup(st, cat, visits)))
		fail("set-up", rc, st);
	store_close(st);
	measure_db(&out->empty);

	st = open_db();
	double start = (figures_now_ms() / 1e3);
	if ((rc = visits_write(st, cat, visits, why, sizeof(why))))
		fail(why, rc, st);
	out->seconds = (figures_now_ms() / 1e3) - start;
	store_close(st);
	measure_db(&out->full);
	remove_work_db();
}

static int64_t table_growth(const struct size_run *r, const char *name)
{
	int64_t before = 0, after = 0;
	for (size_t k = 0; k < r->empty.n; k++)
		if (strcmp(r->empty.t[k].name, name) == 0)
			before = r->empty.t[k].bytes;
	for (size_t k = 0; k < r->full.n; k++)
		if (strcmp(r->full.t[k].name, name) == 0)
			after = r->full.t[k].bytes;
	return after - before;
}

static void bench_size(const struct catalog *cat, int visits, int runs)
{
	static struct size_run r[MAX_RUNS];
	double per_visit[MAX_RUNS], rate[MAX_RUNS];

	printf("\n1. database size: %d visits, %d a day; per visit a new resident"
	       " (kiosk transaction)\n   and a dose (station transaction), as vaxbusctl writes"
	       " them; %d run%s\n\n",
	       visits, VISITS_PER_DAY, runs, runs > 1 ? "s" : "");
	printf("   %-5s %10s %12s %12s %10s %13s %9s\n", "run", "visits/s", "empty B", "after B",
	       "B/visit", "MB/10k visits", "seconds");
	for (int k = 0; k < runs; k++) {
		size_run(cat, visits, &r[k]);
		per_visit[k] = (double)(r[k].full.file - r[k].empty.file) / visits;
		rate[k] = visits / r[k].seconds;
		printf("   %-5d %10.1f %12" PRId64 " %12" PRId64 " %10.0f %13.2f %9.1f\n", k + 1,
		       rate[k], r[k].empty.file, r[k].full.file, per_visit[k],
		       per_visit[k] * 10000 / 1e6, r[k].seconds);
	}
	/* the run whose growth is the median gives the split */
	int mid = 0;
	double sorted[MAX_RUNS];
	memcpy(sorted, per_visit, sizeof(double) * (size_t)runs);
	double med = figures_median(sorted, (size_t)runs);
	for (int k = 1; k < runs; k++)
		if ((per_visit[k] - med) * (per_visit[k] - med) <
		    (per_visit[mid] - med) * (per_visit[mid] - med))
			mid = k;
	printf("   %-5s %10.1f %12s %12s %10.0f %13.2f   (min %.0f, max %.0f B/visit)\n", "median",
	       figures_median(rate, (size_t)runs), "", "", med, med * 10000 / 1e6, sorted[0],
	       sorted[runs - 1]);

	if (!r[mid].full.n) {
		printf("\n   (this SQLite has no dbstat table: no split by table)\n");
		return;
	}
	int64_t growth = r[mid].full.file - r[mid].empty.file, listed = 0;
	printf("\n   growth by table, indexes included (run %d):\n   %-14s %10s %7s\n", mid + 1,
	       "table", "B/visit", "share");
	for (size_t k = 0; k < r[mid].full.n; k++) {
		int64_t g = table_growth(&r[mid], r[mid].full.t[k].name);
		listed += g;
		if (g > 0)
			printf("   %-14s %10.0f %6.1f%%\n", r[mid].full.t[k].name,
			       (double)g / visits, 100.0 * (double)g / (double)growth);
	}
	if (growth != listed)
		printf("   %-14s %10.0f %6.1f%%\n", "(free pages)",
		       (double)(growth - listed) / visits,
		       100.0 * (double)(growth - listed) / (double)growth);
}

/* -------------------------------------------------------------- lookup */

/* Registers persons 0..n-1, PERSONS_PER_TX per transaction. */
static double build_persons(uint64_t n)
{
	int64_t now = vbdate_to_unix(visits_first_day()) - VISITS_UTC_OFFSET_S + 9 * 3600;
	struct store *st = open_db();
	struct person p;
	double start = (figures_now_ms() / 1e3), last = start;
	int rc;
	if ((rc = store_meta_init_identity(st, "bus-gz-017", "site-zhenning-03")))
		fail("identity", rc, st);
	for (uint64_t i = 0; i < n; i++) {
		if (i % PERSONS_PER_TX == 0 && (rc = store_begin(st)))
			fail("begin", rc, st);
		resident(i, &p);
		if ((rc = store_person_add(st, &p, "kiosk", now + (int64_t)(i / 100))))
			fail("store_person_add", rc, st);
		person_wipe(&p);
		if ((i + 1) % PERSONS_PER_TX == 0 || i + 1 == n) {
			if ((rc = store_commit(st)))
				fail("commit", rc, st);
			if ((figures_now_ms() / 1e3) - last >= 10) {
				last = (figures_now_ms() / 1e3);
				fprintf(stderr, "   ... %" PRIu64 " persons, %.0f s\n", i + 1,
					last - start);
			}
		}
	}
	store_close(st);
	return (figures_now_ms() / 1e3) - start;
}

struct lookup_figures {
	double median, p99, max; /* microseconds */
};

/* One run: LOOKUPS registered and LOOKUPS absent numbers, interleaved. */
static void lookup_run(struct store *st, uint64_t n, uint64_t seed, struct lookup_figures *hit,
		       struct lookup_figures *miss)
{
	static double t_hit[LOOKUPS], t_miss[LOOKUPS];
	struct person want, got;
	for (int k = 0; k < 2 * LOOKUPS; k++) {
		int absent = k % 2;
		uint64_t i = next_random(&seed) % n + (absent ? n : 0);
		resident(i, &want);
		double t0 = (figures_now_ms() / 1e3);
		int rc = store_person_find_doc(st, want.doc.type, want.doc.number, &got);
		double us = ((figures_now_ms() / 1e3) - t0) * 1e6;
		if (absent ? rc != VB_ENOTFOUND
			   : rc != VB_OK || strcmp(got.doc.number, want.doc.number) != 0)
			fail(absent ? "absent number found" : "registered number not found",
			     rc ? rc : VB_ECORRUPT, st);
		if (!absent)
			person_wipe(&got);
		person_wipe(&want);
		(absent ? t_miss : t_hit)[k / 2] = us;
	}
	hit->median = figures_median(t_hit, LOOKUPS);
	hit->p99 = figures_percentile(t_hit, LOOKUPS, 99);
	hit->max = t_hit[LOOKUPS - 1];
	miss->median = figures_median(t_miss, LOOKUPS);
	miss->p99 = figures_percentile(t_miss, LOOKUPS, 99);
	miss->max = t_miss[LOOKUPS - 1];
}

static void print_lookup_summary(const char *kind, const struct lookup_figures *f, int runs)
{
	double med[MAX_RUNS], p99[MAX_RUNS], max[MAX_RUNS];
	for (int k = 0; k < runs; k++) {
		med[k] = f[k].median;
		p99[k] = f[k].p99;
		max[k] = f[k].max;
	}
	printf("   %-9s %-7s %11.1f %11.1f %11.1f\n", kind, "median", figures_median(med, runs),
	       figures_median(p99, runs), figures_median(max, runs));
}

static void bench_lookup(uint64_t n, int runs)
{
	struct lookup_figures hit[MAX_RUNS], miss[MAX_RUNS];
	struct db_bytes size;

	printf("\n2. person lookup: store_person_find_doc among %" PRIu64 " persons\n", n);
	fflush(stdout);
	make_work_db();
	double build = build_persons(n);
	measure_db(&size);
	printf("   build: %" PRIu64 " store_person_add in transactions of %d: %.1f s"
	       " (%.0f persons/s)%s\n   file after checkpoint: %.1f MB (%.0f B/person)\n",
	       n, PERSONS_PER_TX, build, (double)n / build,
	       build > 180 ? " -- more than 3 minutes" : "", (double)size.file / 1e6,
	       (double)size.file / (double)n);
	printf("   %d run%s of %d registered + %d absent numbers, random, interleaved; one\n"
	       "   connection opened after the build (OS cache warm)\n\n",
	       runs, runs > 1 ? "s" : "", LOOKUPS, LOOKUPS);
	printf("   %-9s %-7s %11s %11s %11s\n", "numbers", "run", "median us", "p99 us", "max us");
	struct store *st = open_db();
	for (int k = 0; k < runs; k++) {
		lookup_run(st, n, 0x5eed0000u + (uint64_t)k, &hit[k], &miss[k]);
		printf("   %-9s %-7d %11.1f %11.1f %11.1f\n", "present", k + 1, hit[k].median,
		       hit[k].p99, hit[k].max);
		printf("   %-9s %-7d %11.1f %11.1f %11.1f\n", "absent", k + 1, miss[k].median,
		       miss[k].p99, miss[k].max);
	}
	store_close(st);
	print_lookup_summary("present", hit, runs);
	print_lookup_summary("absent", miss, runs);
	remove_work_db();
}

/* ---------------------------------------------------------------- main */

static int usage(void)
{
	fprintf(stderr,
		"usage: bench_domain [size] [lookup] [--persons N] [--visits N]"
		" [--runs 1..%d]\n",
		MAX_RUNS);
	return 2;
}

int main(int argc, char **argv)
{
	int do_size = 0, do_lookup = 0, runs = 3;
	figures_data_key(); /* the store seals personal fields */
	long long persons = 1000000, visits = 10000;
	for (int k = 1; k < argc; k++) {
		long long *num = NULL, lo = 1, hi = (long long)(VISITS_ID_SPACE / 2);
		long long runs_ll = 0;
		if (strcmp(argv[k], "size") == 0)
			do_size = 1;
		else if (strcmp(argv[k], "lookup") == 0)
			do_lookup = 1;
		else if (strcmp(argv[k], "--persons") == 0)
			num = &persons;
		else if (strcmp(argv[k], "--visits") == 0)
			num = &visits, hi = 26 * 999 * 365;
		else if (strcmp(argv[k], "--runs") == 0)
			num = &runs_ll, hi = MAX_RUNS;
		else
			return usage();
		if (num) {
			char *end = NULL;
			if (++k >= argc)
				return usage();
			*num = strtoll(argv[k], &end, 10);
			if (!*argv[k] || *end || *num < lo || *num > hi)
				return usage();
			if (num == &runs_ll)
				runs = (int)runs_ll;
		}
	}
	if (!do_size && !do_lookup)
		do_size = do_lookup = 1;

	const char *env = getenv("VB_BENCH_DIR");
	snprintf(base_dir, sizeof(base_dir), "%s", env && *env ? env : "/var/tmp");

	struct catalog *cat = NULL;
	char err[200];
	int rc = catalog_file_load(NULL, &cat, err, sizeof(err));
	if (rc) {
		fprintf(stderr, "bench_domain: catalog: %s\n", err);
		return 1;
	}
	printf("bench_domain: SQLite %s, %ld CPUs, databases under %s\n", sqlite3_libversion(),
	       sysconf(_SC_NPROCESSORS_ONLN), base_dir);
	if (do_size)
		bench_size(cat, (int)visits, runs);
	if (do_lookup)
		bench_lookup((uint64_t)persons, runs);
	catalog_free(cat);
	return 0;
}
