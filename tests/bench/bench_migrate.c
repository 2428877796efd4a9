/*
 * bench_migrate: how long the first start after an upgrade spends sealing
 * what schema 8 kept in clear (migration 9: print jobs, consent
 * signatures, certificate payloads, expected residents), against the
 * kiosk service's 60 s start limit.
 *
 * Each run makes a database as schema 8 left it, with --residents
 * residents' worth of rows: per resident a consent with a signature of
 * --sig-kb KiB, a certificate payload of 450 bytes, an expected document
 * and a platform dose, and two print jobs (ticket and certificate) of
 * --job-kb KiB each (raster pages: 58 mm paper at 203 dpi is 48 bytes a
 * line). Then it times store_open, which migrates, and prints the median
 * time and the megabytes sealed per second.
 *
 * Usage: bench_migrate [--residents N (6000)] [--job-kb K (24)]
 *                      [--sig-kb K (6)] [--runs N (3)]
 * Databases go under $VB_BENCH_DIR (default /var/tmp): use a real disk.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "figures.h"
#include "store.h"
#include "store_int.h"
#include "store_seal.h"

#define MAX_RUNS 20

static void die(const char *what, const char *msg)
{
	fprintf(stderr, "bench_migrate: %s: %s\n", what, msg);
	exit(1);
}

static void exec(sqlite3 *db, const char *sql)
{
	char *msg = NULL;
	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
		die(sql, msg ? msg : "?");
}

/* Binds n random bytes to parameter idx of s. */
static void bind_random(sqlite3_stmt *s, int idx, unsigned char *buf, size_t n)
{
	randombytes_buf(buf, n);
	sqlite3_bind_blob(s, idx, buf, (int)n, SQLITE_TRANSIENT);
}

static void step(sqlite3_stmt *s)
{
	if (sqlite3_step(s) != SQLITE_DONE)
		die("insert", sqlite3_errmsg(sqlite3_db_handle(s)));
	sqlite3_reset(s);
}

/* A database at path as schema 8 left it, with n residents' rows. */
static void make_schema8(const char *path, int n, size_t job, size_t sig)
{
	struct store raw;
	memset(&raw, 0, sizeof(raw));
	if (sqlite3_open(path, &raw.db) != SQLITE_OK)
		die(path, "cannot open");
	exec(raw.db, "PRAGMA journal_mode=WAL");
	if (store_schema_migrate_to(&raw, 8, NULL))
		die("schema 8", raw.errmsg);
	for (size_t i = 0; i < raw.n_stmts; i++)
		sqlite3_finalize(raw.stmts[i].stmt);
	free(raw.stmts);

	static const char *const sql[] = {
	    "INSERT INTO consent VALUES (printf('c%d', ?1), printf('v%d', ?1), 'consent.text_v1',"
	    " 'zh', '', CAST(x'89504e470d0a1a0a' || ?2 AS BLOB), 1)",
	    "INSERT INTO certificate VALUES (printf('k%d', ?1), printf('v%d', ?1),"
	    " printf('d%d', ?1), printf('p%d', ?1), 'dcc', 'HC1:' || hex(?2), 'kid', '', 1, 2, 1)",
	    "INSERT INTO print_job (id, kind, record_id, bytes, state, created_at, updated_at)"
	    " VALUES (printf('t%d', ?1), 'ticket', NULL, ?2, 'done', 1, 1)",
	    "INSERT INTO print_job (id, kind, record_id, bytes, state, created_at, updated_at)"
	    " VALUES (printf('j%d', ?1), 'certificate', NULL, ?2, 'done', 1, 1)",
	    "INSERT INTO expected VALUES ('passport', printf('E%08d', ?1), '', 1)",
	    "INSERT INTO platform_dose VALUES (printf('Immunization/%d', ?1), 'passport',"
	    " printf('E%08d', ?1), 'bbibp-corv', 'L1', 1, '2021-05-01', NULL, 1)",
	};
	const size_t bytes[] = {sig, 225, job, job, 0, 0};
	sqlite3_stmt *s[6];
	unsigned char *buf = malloc(job > sig ? job : sig);
	if (!buf)
		die("memory", "no memory");
	for (int k = 0; k < 6; k++)
		if (sqlite3_prepare_v2(raw.db, sql[k], -1, &s[k], NULL) != SQLITE_OK)
			die(sql[k], sqlite3_errmsg(raw.db));
	exec(raw.db, "BEGIN");
	for (int i = 0; i < n; i++)
		for (int k = 0; k < 6; k++) {
			sqlite3_bind_int(s[k], 1, i);
			if (bytes[k])
				bind_random(s[k], 2, buf, bytes[k]);
			step(s[k]);
		}
	exec(raw.db, "COMMIT; PRAGMA wal_checkpoint(TRUNCATE)");
	for (int k = 0; k < 6; k++)
		sqlite3_finalize(s[k]);
	free(buf);
	sqlite3_close(raw.db);
}

static double file_mb(const char *path)
{
	struct stat sb;
	return stat(path, &sb) == 0 ? (double)sb.st_size / 1e6 : 0;
}

static long arg_long(int argc, char **argv, const char *name, long def)
{
	for (int i = 1; i + 1 < argc; i++)
		if (strcmp(argv[i], name) == 0)
			return strtol(argv[i + 1], NULL, 10);
	return def;
}

int main(int argc, char **argv)
{
	int n = (int)arg_long(argc, argv, "--residents", 6000);
	size_t job = (size_t)arg_long(argc, argv, "--job-kb", 24) * 1024;
	size_t sig = (size_t)arg_long(argc, argv, "--sig-kb", 6) * 1024;
	int runs = (int)arg_long(argc, argv, "--runs", 3);
	const char *base = getenv("VB_BENCH_DIR");
	char dir[256], path[300], cmd[320];
	double ms[MAX_RUNS], before = 0, after = 0;

	if (n < 1 || runs < 1 || runs > MAX_RUNS || job < 1 || sig < 1)
		die("usage", "bench_migrate [--residents N] [--job-kb K] [--sig-kb K] [--runs N]");
	figures_machine();
	figures_data_key();
	for (int r = 0; r < runs; r++) {
		snprintf(dir, sizeof(dir), "%s/vb-migrate-XXXXXX",
			 base && *base ? base : "/var/tmp");
		if (!mkdtemp(dir))
			die(dir, "cannot make the directory");
		snprintf(path, sizeof(path), "%s/bus.db", dir);
		make_schema8(path, n, job, sig);
		before = file_mb(path);
		struct store *st = NULL;
		struct vb_reason why = {0};
		double t0 = figures_now_ms();
		if (store_open(path, &st, &why))
			die("store_open", why.text);
		ms[r] = figures_now_ms() - t0;
		int version = 0;
		store_schema_version(st, &version);
		store_close(st);
		after = file_mb(path);
		if (version != store_schema_latest())
			die("store_open", "the database was not migrated");
		printf("run %d: %.0f ms\n", r + 1, ms[r]);
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		if (system(cmd) != 0)
			die(dir, "cannot remove");
	}
	double lo = ms[0], hi = ms[0];
	for (int r = 1; r < runs; r++) {
		lo = ms[r] < lo ? ms[r] : lo;
		hi = ms[r] > hi ? ms[r] : hi;
	}
	double med = figures_median(ms, (size_t)runs);
	printf("residents %d, print jobs %d x %zu KiB, signatures %zu KiB: file %.1f MB before,"
	       " %.1f MB after\n",
	       n, 2 * n, job / 1024, sig / 1024, before, after);
	printf("migration to schema %d: median %.0f ms (%.0f-%.0f) over %d runs, %.1f MB/s;"
	       " kiosk start limit 60000 ms\n",
	       store_schema_latest(), med, lo, hi, runs, before / (med / 1000));
	return 0;
}
