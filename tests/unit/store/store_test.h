/*
 * store_test: helpers shared by the store's unit tests — a scratch
 * directory for database files, a fresh database opened by the store in
 * one, and a raw SQLite connection for looking at (and tampering with) a
 * file behind the store's back. Include after <cmocka.h>.
 */
#ifndef STORE_TEST_H
#define STORE_TEST_H

#include <dirent.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store.h"
#include "vb_error.h"

/* A directory made for one test and removed with everything in it. */
struct tdir {
	char dir[256];
};

static inline void tdir_init(struct tdir *t)
{
	const char *base = getenv("TMPDIR");
	snprintf(t->dir, sizeof(t->dir), "%s/vbstore-XXXXXX", base && *base ? base : "/tmp");
	assert_non_null(mkdtemp(t->dir));
}

/* Writes "<dir>/<name>" into out. */
static inline void tdir_file(const struct tdir *t, const char *name, char *out, size_t cap)
{
	int n = snprintf(out, cap, "%s/%s", t->dir, name);
	assert_true(n > 0 && (size_t)n < cap);
}

static inline void tdir_cleanup(struct tdir *t)
{
	DIR *d = opendir(t->dir);
	if (d) {
		struct dirent *e;
		while ((e = readdir(d))) {
			if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
				unlinkat(dirfd(d), e->d_name, 0);
		}
		closedir(d);
	}
	rmdir(t->dir);
}

/* A fresh database "bus.db" in its own scratch directory, opened. */
struct tstore {
	struct tdir dir;
	char path[300];
	struct store *st;
};

static inline struct tstore *tstore_open(void)
{
	struct tstore *t = calloc(1, sizeof(*t));
	assert_non_null(t);
	tdir_init(&t->dir);
	tdir_file(&t->dir, "bus.db", t->path, sizeof(t->path));
	assert_int_equal(store_open(t->path, &t->st, NULL), VB_OK);
	return t;
}

/* cmocka setup and teardown of a struct tstore in *state. */
static inline int tstore_setup(void **state)
{
	*state = tstore_open();
	return 0;
}

static inline int tstore_teardown(void **state)
{
	struct tstore *t = *state;
	store_close(t->st);
	tdir_cleanup(&t->dir);
	free(t);
	return 0;
}

static inline sqlite3 *raw_open(const char *path)
{
	sqlite3 *db = NULL;
	assert_int_equal(
	    sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL),
	    SQLITE_OK);
	sqlite3_busy_timeout(db, 5000);
	return db;
}

/* Runs sql; returns SQLite's (extended) result code. */
static inline int raw_exec_rc(sqlite3 *db, const char *sql)
{
	sqlite3_extended_result_codes(db, 1);
	return sqlite3_exec(db, sql, NULL, NULL, NULL);
}

static inline void raw_exec(sqlite3 *db, const char *sql)
{
	int rc = raw_exec_rc(db, sql);
	if (rc != SQLITE_OK)
		fail_msg("%s: %s", sql, sqlite3_errmsg(db));
}

/* The first column of the first row of sql as an integer. */
static inline int64_t raw_int(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *s = NULL;
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &s, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	int64_t v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return v;
}

/* The first column of the first row of sql as text, into buf. */
static inline void raw_text(sqlite3 *db, const char *sql, char *buf, size_t cap)
{
	sqlite3_stmt *s = NULL;
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &s, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	const unsigned char *t = sqlite3_column_text(s, 0);
	snprintf(buf, cap, "%s", t ? (const char *)t : "");
	sqlite3_finalize(s);
}

#endif
