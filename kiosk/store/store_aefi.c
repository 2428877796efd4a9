/*
 * store_aefi: saving and reading AEFI records (store_aefi.h). The table is
 * made by migration step 2 (store_migrations.c).
 */
#include "store_aefi.h"

#include <stdio.h>
#include <string.h>

#include "store_audit.h"
#include "store_id.h"
#include "store_int.h"
#include "store_outbox.h"

/* Every symptom name, comma-separated, fits. */
#define SYMPTOMS_CAP 256

/* The visit's dose gives dose_id and person_id: no dose, no row. */
static const char SQL_ADD[] =
    "INSERT INTO aefi (id, visit_id, dose_id, person_id, onset, symptoms, other, severity,"
    " action, action_note, bus_id, site_id, created_at)"
    " SELECT ?1, d.visit_id, d.id, d.person_id, ?3, ?4, ?5, ?6, ?7, ?8,"
    " (SELECT value FROM meta WHERE key = 'bus_id'),"
    " (SELECT value FROM meta WHERE key = 'site_id'), ?9"
    " FROM dose d WHERE d.visit_id = ?2"
    " RETURNING dose_id";

#define AEFI_COLS                                                                                  \
	"SELECT id, visit_id, onset, symptoms, other, severity, action, action_note FROM aefi"

static const char SQL_GET[] = AEFI_COLS " WHERE id = ?1";
static const char SQL_LIST_VISIT[] = AEFI_COLS " WHERE visit_id = ?1 ORDER BY onset, id";
static const char SQL_LIST_ONSET[] = AEFI_COLS " WHERE (?1 IS NULL OR site_id = ?1)"
					       " AND onset >= ?2 AND onset < ?3 ORDER BY onset, id";

static int terminated(const char *s, size_t cap)
{
	return memchr(s, '\0', cap) != NULL;
}

int store_aefi_add(struct store *st, struct aefi *a, const char *actor, int64_t now)
{
	char id[STORE_ID_LEN + 1], dose_id[STORE_ID_LEN + 1], symptoms[SYMPTOMS_CAP];
	char detail[STORE_AUDIT_DETAIL_MAX + 1];
	const char *severity = aefi_severity_name(a->severity);
	const char *action = aefi_action_name(a->action);
	sqlite3_stmt *s = NULL;
	int rc = store_need_tx(st, "store_aefi_add");

	if (rc || (rc = store_check_token(st, "actor", actor, STORE_AUDIT_TOKEN_MAX + 1)))
		return rc;
	if (!terminated(a->visit_id, sizeof(a->visit_id)) || store_id_check(a->visit_id))
		return store_err_set(st, VB_EINVAL, "aefi visit_id is not a record id");
	if (!a->symptoms || aefi_symptoms_format(a->symptoms, symptoms, sizeof(symptoms)))
		return store_err_set(st, VB_EINVAL, "aefi symptoms are empty or unknown");
	if (!severity || !action)
		return store_err_set(st, VB_EINVAL, "aefi severity or action is unknown");
	if (!terminated(a->other, sizeof(a->other)) ||
	    !terminated(a->action_note, sizeof(a->action_note)))
		return store_err_set(st, VB_EINVAL, "aefi texts are not terminated");
	if (store_id_new(id))
		return store_err_set(st, VB_EIO, "cannot make an aefi id: getrandom failed");
	if ((rc = store_stmt(st, SQL_ADD, &s)) || (rc = store_bind_text(st, s, 1, id)) ||
	    (rc = store_bind_text(st, s, 2, a->visit_id)) ||
	    (rc = store_bind_int64(st, s, 3, a->onset)) ||
	    (rc = store_bind_text(st, s, 4, symptoms)) ||
	    (rc = store_bind_text(st, s, 5, a->other)) ||
	    (rc = store_bind_text(st, s, 6, severity)) ||
	    (rc = store_bind_text(st, s, 7, action)) ||
	    (rc = store_bind_text(st, s, 8, a->action_note)) ||
	    (rc = store_bind_int64(st, s, 9, now)))
		goto out;
	rc = store_step(st, s);
	if (rc == 0) {
		rc = store_err_set(st, VB_ENOTFOUND, "the visit has no dose to follow");
		goto out;
	}
	if (rc < 0)
		goto out;
	if (store_column_text(s, 0, dose_id, sizeof(dose_id))) {
		rc = store_err_set(st, VB_ECORRUPT, "a stored dose id is malformed");
		goto out;
	}
	/* RETURNING: the row was written by the first step; finish the statement. */
	if ((rc = store_step_done(st, s)))
		goto out;
	snprintf(detail, sizeof(detail), "visit=%s dose=%s severity=%s action=%s symptoms=%s",
		 a->visit_id, dose_id, severity, action, symptoms);
	if ((rc = store_outbox_add(st, "adverse_event", id, now)) ||
	    (rc = store_audit_append(st, now, actor, "aefi.add", id, detail)))
		goto out;
	memcpy(a->id, id, sizeof(id));
out:
	store_stmt_reset(s);
	return rc;
}

/* Reads the current row of an AEFI_COLS statement. */
static int read_aefi(struct store *st, sqlite3_stmt *s, struct aefi *out)
{
	struct aefi a;
	char symptoms[SYMPTOMS_CAP], severity[32], action[32];
	memset(&a, 0, sizeof(a));
	if (store_column_text(s, 0, a.id, sizeof(a.id)) ||
	    store_column_text(s, 1, a.visit_id, sizeof(a.visit_id)) ||
	    store_column_text(s, 3, symptoms, sizeof(symptoms)) ||
	    store_column_text(s, 4, a.other, sizeof(a.other)) ||
	    store_column_text(s, 5, severity, sizeof(severity)) ||
	    store_column_text(s, 6, action, sizeof(action)) ||
	    store_column_text(s, 7, a.action_note, sizeof(a.action_note)) ||
	    aefi_symptoms_parse(symptoms, &a.symptoms, NULL) ||
	    aefi_severity_from_name(severity, &a.severity) ||
	    aefi_action_from_name(action, &a.action))
		return store_err_set(st, VB_ECORRUPT, "a stored aefi row is malformed");
	a.onset = sqlite3_column_int64(s, 2);
	*out = a;
	return VB_OK;
}

int store_aefi_get(struct store *st, const char *id, struct aefi *out)
{
	sqlite3_stmt *s = NULL;
	int rc = VB_OK;
	if (!id)
		return store_err_set(st, VB_EINVAL, "aefi id is NULL");
	if ((rc = store_stmt(st, SQL_GET, &s)) || (rc = store_bind_text(st, s, 1, id)))
		goto out;
	rc = store_step(st, s);
	if (rc == 0)
		rc = store_err_set(st, VB_ENOTFOUND, "no such aefi record");
	else if (rc == 1)
		rc = read_aefi(st, s, out);
out:
	store_stmt_reset(s);
	return rc;
}

/* Fills out[0..*n) from a bound AEFI_COLS statement. */
static int list_aefi(struct store *st, sqlite3_stmt *s, struct aefi *out, size_t cap, size_t *n)
{
	size_t k = 0;
	int rc = VB_OK;
	while ((rc = store_step(st, s)) == 1) {
		if (k == cap) {
			rc = store_err_set(st, VB_ERANGE, "more than %zu aefi records", cap);
			break;
		}
		if ((rc = read_aefi(st, s, &out[k++])))
			break;
	}
	if (rc == 0)
		*n = k;
	store_stmt_reset(s);
	return rc;
}

int store_aefi_list_visit(struct store *st, const char *visit_id, struct aefi *out, size_t cap,
			  size_t *n)
{
	sqlite3_stmt *s = NULL;
	int rc = VB_OK;
	if (!visit_id)
		return store_err_set(st, VB_EINVAL, "visit id is NULL");
	if ((rc = store_stmt(st, SQL_LIST_VISIT, &s)) || (rc = store_bind_text(st, s, 1, visit_id)))
		goto out;
	rc = list_aefi(st, s, out, cap, n);
out:
	store_stmt_reset(s);
	return rc;
}

int store_aefi_list_onset(struct store *st, const char *site_id, int64_t from, int64_t to,
			  struct aefi *out, size_t cap, size_t *n)
{
	sqlite3_stmt *s = NULL;
	int rc = VB_OK;
	if ((rc = store_stmt(st, SQL_LIST_ONSET, &s)) ||
	    (rc = store_bind_text(st, s, 1, site_id)) || (rc = store_bind_int64(st, s, 2, from)) ||
	    (rc = store_bind_int64(st, s, 3, to)))
		goto out;
	rc = list_aefi(st, s, out, cap, n);
out:
	store_stmt_reset(s);
	return rc;
}
