/*
 * store_repo_test: fixtures shared by the tests of the domain
 * repositories — a fresh database with a bus identity in a scratch
 * directory (the process's data key set to repo_key_set's), a database
 * as an older schema left it, sample records, row counts, the audit log
 * checks (chain verifies; no personal data in any row), and a search of
 * the raw file and its WAL for text stored in clear. Include after
 * <cmocka.h>.
 */
#ifndef STORE_REPO_TEST_H
#define STORE_REPO_TEST_H

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "iddoc.h"
#include "person.h"
#include "stock.h"
#include "store.h"
#include "store_audit.h"
#include "store_int.h"
#include "store_lot.h"
#include "store_meta.h"
#include "store_person.h"
#include "store_seal.h"
#include "store_test.h"
#include "store_visit.h"
#include "vb_error.h"
#include "vbdate.h"

#define REPO_BUS     "BUS-0042"
#define REPO_SITE    "SITE-A"
#define REPO_STAFF   "staff-07"
#define REPO_CN_OFFS 480 /* China: UTC+8, in minutes */

struct repo_fx {
	struct tdir dir;
	char path[300];
	struct store *st;
};

/* Sets the process's data key to a fixed test key whose bytes are all
 * `fill` (repo_open uses 0x42; a test of another key passes another). */
static inline void repo_key_set(unsigned char fill)
{
	unsigned char key[STORE_KEY_LEN];
	memset(key, fill, sizeof(key));
	assert_int_equal(store_key_set(key), VB_OK);
}

/* Opens a fresh database with the test key set; with_identity runs
 * store_meta_init_identity. */
static inline struct repo_fx *repo_open(int with_identity)
{
	struct repo_fx *f = calloc(1, sizeof(*f));
	struct vb_reason why;
	assert_non_null(f);
	repo_key_set(0x42);
	tdir_init(&f->dir);
	tdir_file(&f->dir, "bus.db", f->path, sizeof(f->path));
	if (store_open(f->path, &f->st, &why))
		fail_msg("store_open: %s", why.text);
	if (with_identity)
		assert_int_equal(store_meta_init_identity(f->st, REPO_BUS, REPO_SITE), VB_OK);
	return f;
}

static inline int repo_setup(void **state)
{
	*state = repo_open(1);
	return 0;
}

static inline int repo_teardown(void **state)
{
	struct repo_fx *f = *state;
	store_close(f->st);
	store_key_clear();
	tdir_cleanup(&f->dir);
	free(f);
	return 0;
}

/* A day number from "YYYY-MM-DD". */
static inline int32_t repo_day(const char *iso)
{
	int32_t d = 0;
	assert_int_equal(vbdate_parse(iso, &d), VB_OK);
	return d;
}

/* UTC seconds of local (UTC+8) hour:minute on day iso. */
static inline int64_t repo_at(const char *iso, int hour, int minute)
{
	return vbdate_to_unix(repo_day(iso)) - REPO_CN_OFFS * 60 + hour * 3600 + minute * 60;
}

/* Runs the printf-formatted sql (ids and codes only, never user data) and
 * returns the first column of its first row. */
static inline int64_t repo_count(struct store *st, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static inline int64_t repo_count(struct store *st, const char *fmt, ...)
{
	char sql[512];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(sql, sizeof(sql), fmt, ap);
	va_end(ap);
	assert_true(n > 0 && (size_t)n < sizeof(sql));
	return raw_int(st->db, sql);
}

/* Rows naming record id in the outbox (of kind) and in the audit log. */
static inline int64_t repo_outbox_rows(struct store *st, const char *kind, const char *id)
{
	char sql[256];
	snprintf(sql, sizeof(sql),
		 "SELECT count(*) FROM outbox WHERE kind = '%s' AND record_id = '%s'", kind, id);
	return raw_int(st->db, sql);
}

static inline int64_t repo_audit_rows(struct store *st, const char *action, const char *id)
{
	char sql[256];
	snprintf(sql, sizeof(sql),
		 "SELECT count(*) FROM audit WHERE action = '%s' AND record_id = '%s'", action, id);
	return raw_int(st->db, sql);
}

static inline int64_t repo_total(struct store *st, const char *table)
{
	return repo_count(st, "SELECT count(*) FROM %s", table);
}

/* The audit chain verifies, and no text in the audit log or the outbox
 * contains any of the n strings in secret (names, numbers, phones...). */
static inline void repo_assert_audit_clean(struct store *st, const char *const *secret, size_t n)
{
	static const char *const sql[] = {
	    "SELECT coalesce(actor, '') || '|' || coalesce(action, '') || '|' ||"
	    " coalesce(record_id, '') || '|' || coalesce(detail, '') FROM audit",
	    "SELECT kind || '|' || record_id || '|' || coalesce(last_error, '') FROM outbox",
	};
	int64_t bad_seq = -1;
	struct vb_reason why;
	vb_reason_clear(&why);
	if (store_audit_verify(st, &bad_seq, &why))
		fail_msg("audit chain broken at %" PRId64 ": %s", bad_seq, why.text);
	for (size_t q = 0; q < sizeof(sql) / sizeof(sql[0]); q++) {
		sqlite3_stmt *s = NULL;
		size_t rows = 0;
		assert_int_equal(sqlite3_prepare_v2(st->db, sql[q], -1, &s, NULL), SQLITE_OK);
		while (sqlite3_step(s) == SQLITE_ROW) {
			const char *row = (const char *)sqlite3_column_text(s, 0);
			for (size_t i = 0; i < n; i++)
				if (strstr(row, secret[i]))
					fail_msg("personal data \"%s\" in row \"%s\"", secret[i],
						 row);
			rows++;
		}
		sqlite3_finalize(s);
		if (q == 0)
			assert_true(rows > 0);
	}
}

/* A cn-resident number with a correct check character: the region, the
 * birth date "YYYYMMDD" and a three-digit sequence. */
static inline void repo_cn_number(const char *region6, const char *birth8, const char *seq3,
				  char out[19])
{
	snprintf(out, 19, "%.6s%.8s%.3s", region6, birth8, seq3);
	out[17] = iddoc_cn_check_char(out);
	out[18] = '\0';
	assert_true(out[17] != 0);
}

/* A checked person with a cn-resident card (birth birth8, sequence seq3)
 * and the given name, phone and address. */
static inline void repo_person(struct person *p, const char *name, const char *birth8,
			       const char *seq3, const char *phone, const char *address)
{
	char num[19];
	struct vb_reason why;
	person_init(p);
	repo_cn_number("110105", birth8, seq3, num);
	assert_int_equal(
	    iddoc_validate(IDDOC_CN_RESIDENT, num, repo_day("2021-06-01"), &p->doc, &why), VB_OK);
	snprintf(p->name, sizeof(p->name), "%s", name);
	p->sex = ((seq3[2] - '0') % 2) ? 1 : 2;
	p->birth = p->doc.birth;
	snprintf(p->nation, sizeof(p->nation), "01");
	snprintf(p->address, sizeof(p->address), "%s", address);
	snprintf(p->phone, sizeof(p->phone), "%s", phone);
	p->source = PERSON_SOURCE_CARD;
	if (person_check(p, repo_day("2021-06-01"), &why))
		fail_msg("person_check: %s", why.text);
}

/* Saves a person in its own transaction; returns nothing, p->id is set. */
static inline void repo_add_person(struct store *st, struct person *p)
{
	assert_int_equal(store_begin(st), VB_OK);
	assert_int_equal(store_person_add(st, p, "kiosk", repo_at("2021-06-01", 8, 0)), VB_OK);
	assert_int_equal(store_commit(st), VB_OK);
}

/* A lot: product, number, vials of doses_per_vial, in fridge F1. */
static inline struct stock_lot repo_lot(const char *product, const char *lot, int vials,
					int doses_per_vial)
{
	struct stock_lot l;
	memset(&l, 0, sizeof(l));
	snprintf(l.product, sizeof(l.product), "%s", product);
	snprintf(l.lot, sizeof(l.lot), "%s", lot);
	l.expiry = repo_day("2022-01-31");
	l.doses_per_vial = doses_per_vial;
	l.vials = vials;
	snprintf(l.fridge, sizeof(l.fridge), "F1");
	return l;
}

static inline void repo_add_lot(struct store *st, const struct stock_lot *l, int64_t at)
{
	assert_int_equal(store_begin(st), VB_OK);
	assert_int_equal(store_lot_add(st, l, REPO_STAFF, at), VB_OK);
	assert_int_equal(store_commit(st), VB_OK);
}

/* Saves a visit of person_id on day iso in its own transaction. */
static inline void repo_add_visit(struct store *st, const char *person_id, const char *iso,
				  int64_t at, struct store_visit *v)
{
	memset(v, 0, sizeof(*v));
	snprintf(v->person_id, sizeof(v->person_id), "%s", person_id);
	v->day = repo_day(iso);
	assert_int_equal(store_begin(st), VB_OK);
	assert_int_equal(store_visit_add(st, v, "kiosk", at), VB_OK);
	assert_int_equal(store_commit(st), VB_OK);
}

/* Moves visit id through events[0..n) in one transaction each. */
static inline void repo_walk(struct store *st, const char *id, const enum visit_event *events,
			     size_t n, int64_t at)
{
	for (size_t i = 0; i < n; i++) {
		struct vb_reason why;
		assert_int_equal(store_begin(st), VB_OK);
		assert_int_equal(
		    store_visit_transition(st, id, events[i],
					   events[i] == VISIT_EV_DEFER ? "fever" : NULL, REPO_STAFF,
					   at, &why),
		    VB_OK);
		assert_int_equal(store_commit(st), VB_OK);
	}
}

/* A dose given on the bus at visit v from lot (of product) at time at. */
static inline struct store_dose repo_bus_dose(const struct store_visit *v, const char *product,
					      const char *lot, int dose_number, int64_t at)
{
	struct store_dose d;
	memset(&d, 0, sizeof(d));
	snprintf(d.visit_id, sizeof(d.visit_id), "%s", v->id);
	snprintf(d.person_id, sizeof(d.person_id), "%s", v->person_id);
	snprintf(d.product, sizeof(d.product), "%s", product);
	snprintf(d.lot, sizeof(d.lot), "%s", lot);
	d.dose_number = dose_number;
	d.series_doses = 2;
	d.given_at = at;
	d.given_on = vbdate_from_unix(at, REPO_CN_OFFS);
	snprintf(d.route, sizeof(d.route), "IM");
	snprintf(d.body_site, sizeof(d.body_site), "deltoid-left");
	snprintf(d.staff, sizeof(d.staff), REPO_STAFF);
	snprintf(d.source, sizeof(d.source), "bus");
	return d;
}

/* 1 if the bytes of needle appear in the file at path (absent: 0). */
static inline int repo_file_has(const char *path, const char *needle)
{
	FILE *fp = fopen(path, "rb");
	if (!fp)
		return 0;
	assert_int_equal(fseek(fp, 0, SEEK_END), 0);
	long n = ftell(fp);
	assert_true(n >= 0);
	rewind(fp);
	char *buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, fp), (size_t)n);
	fclose(fp);
	size_t k = strlen(needle);
	int found = 0;
	for (size_t i = 0; !found && k <= (size_t)n && i <= (size_t)n - k; i++)
		found = memcmp(buf + i, needle, k) == 0;
	free(buf);
	return found;
}

/* 1 if needle is in f's database file or its WAL. */
static inline int repo_db_has(const struct repo_fx *f, const char *needle)
{
	char wal[320];
	snprintf(wal, sizeof(wal), "%s-wal", f->path);
	return repo_file_has(f->path, needle) || repo_file_has(wal, needle);
}

/* A raw connection to a new database at path as migrations 1..version
 * left it (user_version set), for rows stored the way that schema did. */
static inline sqlite3 *repo_schema_at(const char *path, int version)
{
	struct store raw;
	memset(&raw, 0, sizeof(raw));
	raw.db = raw_open(path);
	assert_int_equal(store_seal_functions(&raw), VB_OK);
	assert_int_equal(store_schema_migrate_to(&raw, version, NULL), VB_OK);
	for (size_t i = 0; i < raw.n_stmts; i++)
		sqlite3_finalize(raw.stmts[i].stmt);
	free(raw.stmts);
	return raw.db;
}

/* Closes f's database and puts in its place a new file as migrations
 * 1..version left it; returns a raw connection to that file. */
static inline sqlite3 *repo_replace_at(struct repo_fx *f, int version)
{
	store_close(f->st);
	f->st = NULL;
	tdir_cleanup(&f->dir);
	tdir_init(&f->dir);
	tdir_file(&f->dir, "bus.db", f->path, sizeof(f->path));
	return repo_schema_at(f->path, version);
}

#endif
