/*
 * store_history: the expected residents and the doses the platform holds
 * for them (store_history.h). The tables are made by migration step 5 and
 * sealed by step 9: both are found by the document's keyed hash, and only
 * expected keeps the number (sealed), for the pull.
 */
#include "store_history.h"

#include <stdio.h>
#include <string.h>

#include "store_id.h"
#include "store_int.h"
#include "store_person.h"
#include "store_seal.h"
#include "store_visit.h"
#include "vbdate.h"

static const char SQL_EXPECT[] =
    "INSERT INTO expected (doc_hash, doc_type, doc_number, added_at) VALUES (?1, ?2, ?3, ?4)"
    " ON CONFLICT DO NOTHING";
static const char SQL_EXPECTED[] =
    "SELECT doc_hash, doc_type, doc_number, cursor FROM expected ORDER BY cursor, doc_hash";
static const char SQL_SET_CURSOR[] = "UPDATE expected SET cursor = ?2 WHERE doc_hash = ?1";
static const char SQL_ADD[] =
    "INSERT INTO platform_dose (server_id, doc_hash, product, lot, dose_number, given_on,"
    " pulled_at) VALUES (?1, ?2, ?3, ?4, ?5, date(?6 * 86400, 'unixepoch'), ?7)"
    " ON CONFLICT (server_id) DO NOTHING";
/* By the keyed hash of the document (store_seal.h). */
static const char SQL_PERSON_OF_DOC[] = "SELECT id FROM person WHERE doc_hash = ?1";
/* Unknown dose numbers count the doses before them. */
static const char SQL_TO_IMPORT[] =
    "SELECT server_id, product, lot, unixepoch(given_on) / 86400,"
    " CASE WHEN dose_number > 0 THEN dose_number"
    "  ELSE (SELECT count(*) FROM dose WHERE person_id = ?2 AND given_on < p.given_on) + 1 END"
    " FROM platform_dose p WHERE doc_hash = ?1 AND dose_id IS NULL"
    " ORDER BY given_on, server_id LIMIT 1";
static const char SQL_IMPORTED[] = "UPDATE platform_dose SET dose_id = ?2 WHERE server_id = ?1";

/* Checks the document and makes its keyed hash (and its hex, the row id
 * the sealed number of expected is bound to; hex may be NULL). */
static int doc_hash_of(struct store *st, enum iddoc_type type, const char *number,
		       uint8_t hash[STORE_HASH_LEN], char hex[2 * STORE_HASH_LEN + 1])
{
	if (!iddoc_type_name(type) || !number || !number[0] || strlen(number) > IDDOC_NUMBER_MAX)
		return store_err_set(st, VB_EINVAL, "history: bad document type or number");
	int rc = store_person_doc_hash(st, type, number, hash);
	if (!rc && hex)
		store_hex(hash, STORE_HASH_LEN, hex);
	return rc;
}

int store_history_expect(struct store *st, enum iddoc_type type, const char *number, int64_t now)
{
	sqlite3_stmt *s = NULL;
	uint8_t hash[STORE_HASH_LEN];
	char hex[2 * STORE_HASH_LEN + 1];
	int rc = doc_hash_of(st, type, number, hash, hex);
	if (!rc && !(rc = store_stmt(st, SQL_EXPECT, &s)) &&
	    !(rc = store_bind_blob(st, s, 1, hash, sizeof(hash))) &&
	    !(rc = store_bind_text(st, s, 2, iddoc_type_name(type))) &&
	    !(rc = store_seal_bind(st, s, 3, "expected", "doc_number", hex, number)) &&
	    !(rc = store_bind_int64(st, s, 4, now)))
		rc = store_step_done(st, s);
	store_stmt_reset(s);
	return rc;
}

int store_history_expected(struct store *st, int (*cb)(void *arg, const struct store_expected *e),
			   void *arg)
{
	sqlite3_stmt *s = NULL;
	struct store_expected e;
	char type[32], hex[2 * STORE_HASH_LEN + 1];
	int rc = store_stmt(st, SQL_EXPECTED, &s);
	while (!rc && (rc = store_step(st, s)) == 1) {
		memset(&e, 0, sizeof(e));
		if (sqlite3_column_bytes(s, 0) != STORE_HASH_LEN ||
		    store_column_text(s, 1, type, sizeof(type)) ||
		    iddoc_type_from_name(type, &e.doc_type) ||
		    store_column_text(s, 3, e.cursor, sizeof(e.cursor))) {
			rc = store_err_set(st, VB_ECORRUPT, "an expected row is malformed");
			break;
		}
		store_hex(sqlite3_column_blob(s, 0), STORE_HASH_LEN, hex);
		if ((rc = store_seal_open(st, s, 2, "expected", "doc_number", hex, e.doc_number,
					  sizeof(e.doc_number))))
			break;
		rc = cb(arg, &e);
	}
	store_stmt_reset(s);
	return rc;
}

int store_history_set_cursor(struct store *st, enum iddoc_type type, const char *number,
			     const char *cursor)
{
	sqlite3_stmt *s = NULL;
	uint8_t hash[STORE_HASH_LEN];
	int rc = doc_hash_of(st, type, number, hash, NULL);
	if (!rc && (!cursor || strlen(cursor) >= STORE_HISTORY_CURSOR_SIZE))
		rc = store_err_set(st, VB_EINVAL, "history: bad cursor");
	if (!rc && !(rc = store_stmt(st, SQL_SET_CURSOR, &s)) &&
	    !(rc = store_bind_blob(st, s, 1, hash, sizeof(hash))) &&
	    !(rc = store_bind_text(st, s, 2, cursor)) && !(rc = store_step_done(st, s)) &&
	    sqlite3_changes(st->db) == 0)
		rc = VB_ENOTFOUND;
	store_stmt_reset(s);
	return rc;
}

int store_history_import(struct store *st, const char *person_id, enum iddoc_type type,
			 const char *number, int64_t now, size_t *n)
{
	sqlite3_stmt *s = NULL;
	size_t added = 0;
	uint8_t hash[STORE_HASH_LEN];
	int rc = store_need_tx(st, "store_history_import");
	if (!rc)
		rc = doc_hash_of(st, type, number, hash, NULL);
	/* One at a time: each import changes the counts of the next. */
	while (!rc) {
		struct store_dose d;
		char server_id[STORE_HISTORY_ID_SIZE];
		memset(&d, 0, sizeof(d));
		if ((rc = store_stmt(st, SQL_TO_IMPORT, &s)) ||
		    (rc = store_bind_blob(st, s, 1, hash, sizeof(hash))) ||
		    (rc = store_bind_text(st, s, 2, person_id)))
			break;
		if ((rc = store_step(st, s)) != 1)
			break;
		if (store_column_text(s, 0, server_id, sizeof(server_id)) ||
		    store_column_text(s, 1, d.product, sizeof(d.product)) ||
		    store_column_text(s, 2, d.lot, sizeof(d.lot))) {
			rc = store_err_set(st, VB_ECORRUPT, "a platform dose row is malformed");
			break;
		}
		d.given_on = sqlite3_column_int(s, 3);
		d.dose_number = sqlite3_column_int(s, 4);
		store_stmt_reset(s);
		snprintf(d.person_id, sizeof(d.person_id), "%s", person_id);
		snprintf(d.source, sizeof(d.source), "platform");
		d.given_at = (int64_t)d.given_on * 86400 + 12 * 3600;
		if ((rc = store_dose_add(st, &d, "platform", now)) ||
		    (rc = store_stmt(st, SQL_IMPORTED, &s)) ||
		    (rc = store_bind_text(st, s, 1, server_id)) ||
		    (rc = store_bind_text(st, s, 2, d.id)) || (rc = store_step_done(st, s)))
			break;
		added++;
	}
	store_stmt_reset(s);
	if (!rc && n)
		*n = added;
	return rc;
}

int store_history_add(struct store *st, const struct store_platform_dose *d, int64_t now)
{
	sqlite3_stmt *s = NULL;
	char person_id[STORE_ID_LEN + 1] = "";
	uint8_t doc_hash[STORE_HASH_LEN];
	int rc = store_need_tx(st, "store_history_add");
	if (!rc)
		rc = doc_hash_of(st, d->doc_type, d->doc_number, doc_hash, NULL);
	if (!rc && (!d->server_id[0] || !memchr(d->server_id, '\0', sizeof(d->server_id)) ||
		    d->dose_number < 0 || d->given_on == VBDATE_NONE ||
		    !memchr(d->lot, '\0', sizeof(d->lot))))
		rc = store_err_set(st, VB_EINVAL, "history: malformed platform dose");
	if (!rc)
		rc = store_check_token(st, "history product", d->product, sizeof(d->product));
	if (rc || (rc = store_stmt(st, SQL_ADD, &s)) ||
	    (rc = store_bind_text(st, s, 1, d->server_id)) ||
	    (rc = store_bind_blob(st, s, 2, doc_hash, sizeof(doc_hash))) ||
	    (rc = store_bind_text(st, s, 3, d->product)) ||
	    (rc = store_bind_text(st, s, 4, d->lot)) ||
	    (rc = store_bind_int64(st, s, 5, d->dose_number)) ||
	    (rc = store_bind_int64(st, s, 6, d->given_on)) ||
	    (rc = store_bind_int64(st, s, 7, now)) || (rc = store_step_done(st, s)))
		goto out;
	if (sqlite3_changes(st->db) == 0) {
		rc = VB_EEXIST;
		goto out;
	}
	if ((rc = store_stmt(st, SQL_PERSON_OF_DOC, &s)) ||
	    (rc = store_bind_blob(st, s, 1, doc_hash, sizeof(doc_hash))))
		goto out;
	rc = store_step(st, s);
	if (rc == 1)
		rc = store_column_text(s, 0, person_id, sizeof(person_id));
	store_stmt_reset(s);
	if (!rc && person_id[0])
		rc = store_history_import(st, person_id, d->doc_type, d->doc_number, now, NULL);
out:
	store_stmt_reset(s);
	return rc;
}
