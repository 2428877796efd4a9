/*
 * store_print: the print-job queue (store_print.h); table made by
 * migration step 3, the bytes sealed for the job's id since step 9 (what
 * is printed names the resident) with their length in n_bytes.
 */
#include "store_print.h"

#include "store_audit.h"
#include "store_int.h"
#include "store_seal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char SQL_ADD[] = "INSERT INTO print_job (id, kind, record_id, bytes, n_bytes,"
			      " created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)";
#define JOB_COLS                                                                                   \
	"SELECT id, kind, coalesce(record_id, ''), state, attempts, last_error, created_at,"       \
	" updated_at, n_bytes"
static const char SQL_NEXT[] = JOB_COLS ", bytes FROM print_job WHERE state = 'pending'"
					" ORDER BY created_at, id LIMIT 1";
static const char SQL_GET[] = JOB_COLS " FROM print_job WHERE id = ?1";
static const char SQL_SET[] = "UPDATE print_job SET state = ?2, last_error = ?3,"
			      " attempts = attempts + ?4, updated_at = ?5"
			      " WHERE id = ?1 AND state = 'pending'";
static const char SQL_STATE[] = "SELECT state FROM print_job WHERE id = ?1";
static const char SQL_LATEST[] = JOB_COLS " FROM print_job ORDER BY created_at DESC, rowid DESC"
					  " LIMIT 1";
static const char SQL_BYTES[] = "SELECT bytes FROM print_job WHERE id = ?1";
static const char SQL_PURGE[] =
    "DELETE FROM print_job WHERE state <> 'pending' AND updated_at < ?1";
static const char SQL_COUNTS[] = "SELECT coalesce(sum(state = 'pending'), 0),"
				 " coalesce(sum(state = 'done'), 0),"
				 " coalesce(sum(state = 'failed'), 0) FROM print_job";

static const char *const state_names[] = {"pending", "done", "failed"};

const char *store_print_state_name(enum store_print_state s)
{
	return (unsigned)s < 3 ? state_names[s] : NULL;
}

static void read_job(sqlite3_stmt *s, struct store_print_job *j)
{
	char state[16];
	memset(j, 0, sizeof(*j));
	store_column_text(s, 0, j->id, sizeof(j->id));
	store_column_text(s, 1, j->kind, sizeof(j->kind));
	store_column_text(s, 2, j->record_id, sizeof(j->record_id));
	store_column_text(s, 3, state, sizeof(state));
	for (int i = 0; i < 3; i++)
		if (strcmp(state, state_names[i]) == 0)
			j->state = (enum store_print_state)i;
	j->attempts = sqlite3_column_int64(s, 4);
	store_column_text(s, 5, j->last_error, sizeof(j->last_error));
	j->created_at = sqlite3_column_int64(s, 6);
	j->updated_at = sqlite3_column_int64(s, 7);
	j->n_bytes = (size_t)sqlite3_column_int64(s, 8);
}

int store_print_add(struct store *st, const char *kind, const char *record_id, const uint8_t *bytes,
		    size_t n, const char *actor, int64_t now, char id_out[STORE_ID_LEN + 1])
{
	char id[STORE_ID_LEN + 1];
	sqlite3_stmt *s = NULL;
	int rc = store_need_tx(st, "store_print_add");
	if (rc || (rc = store_check_token(st, "kind", kind, STORE_PRINT_KIND_SIZE)) ||
	    (rc = store_check_token(st, "actor", actor, STORE_AUDIT_TOKEN_MAX + 1)))
		return rc;
	if (!bytes || n == 0 || n > STORE_PRINT_MAX_BYTES)
		return store_err_set(st, VB_EINVAL, "a print job holds 1 to %u bytes",
				     STORE_PRINT_MAX_BYTES);
	if (record_id && *record_id && store_id_check(record_id))
		return store_err_set(st, VB_EINVAL, "record_id is not a record id");
	if ((rc = store_id_new(id)) || (rc = store_stmt(st, SQL_ADD, &s)) ||
	    (rc = store_bind_text(st, s, 1, id)) || (rc = store_bind_text(st, s, 2, kind)) ||
	    (rc = store_bind_text(st, s, 3, record_id && *record_id ? record_id : NULL)) ||
	    (rc = store_seal_bind_bytes(st, s, 4, "print_job", "bytes", id, bytes, n)) ||
	    (rc = store_bind_int64(st, s, 5, (int64_t)n)) ||
	    (rc = store_bind_int64(st, s, 6, now)) || (rc = store_step_done(st, s)))
		goto out;
	rc = store_audit_append(st, now, actor, "print.add", id, kind);
out:
	store_stmt_reset(s);
	if (!rc)
		memcpy(id_out, id, sizeof(id));
	return rc;
}

/* Opens the sealed bytes in column col of s, job j's (n_bytes of them). */
static int open_bytes(struct store *st, sqlite3_stmt *s, int col, const struct store_print_job *j,
		      uint8_t **out)
{
	size_t n = 0;
	int rc = store_seal_open_bytes(st, s, col, "print_job", "bytes", j->id, out, &n);
	if (!rc && n != j->n_bytes) {
		store_seal_free(*out, n);
		*out = NULL;
		rc = store_err_set(st, VB_ECORRUPT, "a print job's bytes are not its length");
	}
	return rc;
}

int store_print_next(struct store *st, struct store_print_job *job, uint8_t **bytes)
{
	sqlite3_stmt *s = NULL;
	struct store_print_job j;
	uint8_t *copy = NULL;
	int rc = store_stmt(st, SQL_NEXT, &s);
	if (rc)
		return rc;
	rc = store_step(st, s);
	if (rc == 0)
		rc = store_err_set(st, VB_ENOTFOUND, "no pending print job");
	if (rc == 1) {
		read_job(s, &j);
		rc = open_bytes(st, s, 9, &j, &copy);
	}
	store_stmt_reset(s);
	if (rc)
		return rc;
	*job = j;
	*bytes = copy;
	return VB_OK;
}

/* pending -> state, with the reason and attempt count; audited. */
static int set_state(struct store *st, const char *id, enum store_print_state to,
		     const char *reason, int64_t now)
{
	sqlite3_stmt *s = NULL;
	int owned, rc = store_tx_enter(st, &owned);
	if (rc)
		return rc;
	if ((rc = store_stmt(st, SQL_SET, &s)) || (rc = store_bind_text(st, s, 1, id)) ||
	    (rc = store_bind_text(st, s, 2, state_names[to])) ||
	    (rc = store_bind_text(st, s, 3, reason ? reason : "")) ||
	    (rc = store_bind_int64(st, s, 4, to == STORE_PRINT_DONE ? 0 : 1)) ||
	    (rc = store_bind_int64(st, s, 5, now)) || (rc = store_step_done(st, s)))
		goto out;
	if (sqlite3_changes(st->db) == 0) {
		char state[16] = "";
		rc = store_stmt(st, SQL_STATE, &s);
		if (!rc && !(rc = store_bind_text(st, s, 1, id)) && (rc = store_step(st, s)) == 1)
			store_column_text(s, 0, state, sizeof(state));
		store_stmt_reset(s);
		rc = rc < 0 ? rc
		     : state[0]
			 ? store_err_set(st, VB_ESTATE, "print job is %s, not pending", state)
			 : store_err_set(st, VB_ENOTFOUND, "no such print job");
		goto out;
	}
	if (to != STORE_PRINT_PENDING)
		rc = store_audit_append(st, now, "printer",
					to == STORE_PRINT_DONE ? "print.done" : "print.fail", id,
					NULL);
out:
	store_stmt_reset(s);
	return store_tx_leave(st, owned, rc);
}

int store_print_done(struct store *st, const char *id, int64_t now)
{
	return set_state(st, id, STORE_PRINT_DONE, NULL, now);
}

int store_print_retry(struct store *st, const char *id, const char *reason, int64_t now)
{
	return set_state(st, id, STORE_PRINT_PENDING, reason, now);
}

int store_print_fail(struct store *st, const char *id, const char *reason, int64_t now)
{
	return set_state(st, id, STORE_PRINT_FAILED, reason, now);
}

int store_print_counts(struct store *st, int64_t *pending, int64_t *done, int64_t *failed)
{
	sqlite3_stmt *s = NULL;
	int rc = store_stmt(st, SQL_COUNTS, &s);
	if (!rc && (rc = store_step(st, s)) == 1) {
		*pending = sqlite3_column_int64(s, 0);
		*done = sqlite3_column_int64(s, 1);
		*failed = sqlite3_column_int64(s, 2);
		rc = VB_OK;
	}
	store_stmt_reset(s);
	return rc;
}

/* Reads into *out the job that sql selects (id bound as ?1 unless NULL);
 * VB_ENOTFOUND, said as missing, when there is none. */
static int get_one(struct store *st, const char *sql, const char *id, const char *missing,
		   struct store_print_job *out)
{
	sqlite3_stmt *s = NULL;
	int rc = store_stmt(st, sql, &s);
	if (!rc && !(rc = id ? store_bind_text(st, s, 1, id) : VB_OK))
		rc = store_step(st, s);
	if (rc == 1)
		read_job(s, out);
	else if (rc == 0)
		rc = store_err_set(st, VB_ENOTFOUND, "%s", missing);
	store_stmt_reset(s);
	return rc == 1 ? VB_OK : rc;
}

int store_print_get(struct store *st, const char *id, struct store_print_job *out)
{
	return get_one(st, SQL_GET, id, "no such print job", out);
}

int store_print_latest(struct store *st, struct store_print_job *out)
{
	return get_one(st, SQL_LATEST, NULL, "no print job yet", out);
}

int store_print_copy(struct store *st, const char *id, const char *actor, int64_t now,
		     char id_out[STORE_ID_LEN + 1])
{
	struct store_print_job job = {0};
	uint8_t *bytes = NULL;
	sqlite3_stmt *s = NULL;
	int rc = store_need_tx(st, "store_print_copy");
	if (rc || (rc = store_print_get(st, id, &job)) || (rc = store_stmt(st, SQL_BYTES, &s)) ||
	    (rc = store_bind_text(st, s, 1, id)))
		goto out;
	if ((rc = store_step(st, s)) == 1)
		rc = open_bytes(st, s, 0, &job, &bytes);
	store_stmt_reset(s);
	if (!rc)
		rc = store_print_add(st, job.kind, job.record_id, bytes, job.n_bytes, actor, now,
				     id_out);
out:
	store_stmt_reset(s);
	store_seal_free(bytes, job.n_bytes);
	return rc;
}

int store_print_purge(struct store *st, int64_t before, const char *actor, int64_t now, int64_t *n)
{
	char detail[32];
	sqlite3_stmt *s = NULL;
	int rc = store_need_tx(st, "store_print_purge");
	if (rc || (rc = store_check_token(st, "actor", actor, STORE_AUDIT_TOKEN_MAX + 1)) ||
	    (rc = store_stmt(st, SQL_PURGE, &s)) || (rc = store_bind_int64(st, s, 1, before)) ||
	    (rc = store_step_done(st, s)))
		goto out;
	int64_t gone = sqlite3_changes64(st->db);
	snprintf(detail, sizeof(detail), "jobs=%lld", (long long)gone);
	if (gone && (rc = store_audit_append(st, now, actor, "print.purge", NULL, detail)))
		goto out;
	if (n)
		*n = gone;
out:
	store_stmt_reset(s);
	return rc;
}
