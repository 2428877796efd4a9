/*
 * store_outbox: the sync queue's state machine over the outbox table (see
 * store_outbox.h for the transitions).
 */
#include "store_outbox.h"

#include <stdlib.h>
#include <string.h>

#include "store_int.h"

#define COLS                                                                                       \
	"id, kind, record_id, state, attempts, last_error, server_id, created_at, updated_at,"     \
	" next_attempt_at"

static const char SQL_ADD[] =
    "INSERT INTO outbox (id, kind, record_id, state, attempts, created_at, updated_at,"
    " next_attempt_at) VALUES (?1, ?2, ?3, 'pending', 0, ?4, ?4, ?4)"
    " ON CONFLICT (kind, record_id) DO UPDATE SET"
    " updated_at = excluded.updated_at,"
    " dirty = CASE WHEN state = 'in_flight' THEN 1 ELSE dirty END,"
    " attempts = CASE WHEN state IN ('acked', 'failed') THEN 0 ELSE attempts END,"
    " last_error = CASE WHEN state IN ('acked', 'failed') THEN NULL ELSE last_error END,"
    " next_attempt_at = CASE WHEN state IN ('acked', 'failed') THEN excluded.next_attempt_at"
    "  ELSE next_attempt_at END,"
    " state = CASE WHEN state IN ('acked', 'failed') THEN 'pending' ELSE state END";

static const char SQL_CLAIM[] =
    "UPDATE outbox SET state = 'in_flight', dirty = 0, updated_at = ?1"
    " WHERE id IN (SELECT id FROM outbox WHERE state = 'pending' AND next_attempt_at <= ?2"
    "  ORDER BY created_at, id LIMIT ?3)"
    " RETURNING " COLS;

/* Transitions: ?1 id, ?2 server_id or error, ?3 now, ?4 next_attempt_at. */
static const char SQL_ACK[] =
    "UPDATE outbox SET state = CASE dirty WHEN 1 THEN 'pending' ELSE 'acked' END,"
    " next_attempt_at = CASE dirty WHEN 1 THEN ?3 ELSE next_attempt_at END,"
    " server_id = COALESCE(?2, server_id), last_error = NULL, dirty = 0, updated_at = ?3"
    " WHERE id = ?1 AND state = 'in_flight'";
static const char SQL_FAIL[] =
    "UPDATE outbox SET state = CASE dirty WHEN 1 THEN 'pending' ELSE 'failed' END,"
    " next_attempt_at = CASE dirty WHEN 1 THEN ?3 ELSE next_attempt_at END,"
    " attempts = attempts + 1, last_error = ?2, dirty = 0, updated_at = ?3"
    " WHERE id = ?1 AND state = 'in_flight'";
static const char SQL_RETRY[] =
    "UPDATE outbox SET state = 'pending', attempts = attempts + 1, last_error = ?2,"
    " next_attempt_at = ?4, dirty = 0, updated_at = ?3"
    " WHERE id = ?1 AND state = 'in_flight'";
static const char SQL_REQUEUE[] =
    "UPDATE outbox SET state = 'pending', next_attempt_at = ?3, updated_at = ?3"
    " WHERE id = ?1 AND state = 'failed'";

static const char SQL_STATE_OF[] = "SELECT state FROM outbox WHERE id = ?1";
static const char SQL_RECOVER[] =
    "UPDATE outbox SET state = 'pending', dirty = 0 WHERE state = 'in_flight'";
static const char SQL_GET[] = "SELECT " COLS " FROM outbox WHERE kind = ?1 AND record_id = ?2";
static const char SQL_NEXT_DUE[] =
    "SELECT min(next_attempt_at) FROM outbox WHERE state = 'pending'";
static const char SQL_COUNTS[] = "SELECT state, count(*) FROM outbox GROUP BY state";
static const char SQL_LIST[] = "SELECT " COLS " FROM outbox WHERE ?1 IS NULL OR state = ?1"
			       " ORDER BY created_at, id LIMIT ?2";

static const char *const state_names[] = {"pending", "in_flight", "acked", "failed"};

const char *store_outbox_state_name(int state)
{
	if (state < 0 || state > STORE_OUTBOX_FAILED)
		return "unknown";
	return state_names[state];
}

static int state_parse(const unsigned char *t)
{
	for (int i = 0; t && i <= STORE_OUTBOX_FAILED; i++) {
		if (strcmp((const char *)t, state_names[i]) == 0)
			return i;
	}
	return -1;
}

/* Copies the current row of s (columns in COLS order) into r. */
static void read_row(sqlite3_stmt *s, struct store_outbox_row *r)
{
	store_column_text(s, 0, r->id, sizeof(r->id));
	store_column_text(s, 1, r->kind, sizeof(r->kind));
	store_column_text(s, 2, r->record_id, sizeof(r->record_id));
	int state = state_parse(sqlite3_column_text(s, 3));
	r->state = state < 0 ? STORE_OUTBOX_PENDING : (enum store_outbox_state)state;
	r->attempts = sqlite3_column_int64(s, 4);
	store_column_text(s, 5, r->last_error, sizeof(r->last_error));
	store_column_text(s, 6, r->server_id, sizeof(r->server_id));
	r->created_at = sqlite3_column_int64(s, 7);
	r->updated_at = sqlite3_column_int64(s, 8);
	r->next_attempt_at = sqlite3_column_int64(s, 9);
}

int store_outbox_add(struct store *st, const char *kind, const char *record_id, int64_t now)
{
	char id[STORE_ID_LEN + 1];
	sqlite3_stmt *s = NULL;
	int rc = store_need_tx(st, "store_outbox_add");

	if (rc || (rc = store_check_token(st, "outbox kind", kind, STORE_OUTBOX_KIND_SIZE)) ||
	    (rc =
		 store_check_token(st, "outbox record_id", record_id, STORE_OUTBOX_RECORD_ID_SIZE)))
		return rc;
	if (store_id_new(id))
		return store_err_set(st, VB_EIO, "cannot make an outbox id: getrandom failed");
	if ((rc = store_stmt(st, SQL_ADD, &s)) || (rc = store_bind_text(st, s, 1, id)) ||
	    (rc = store_bind_text(st, s, 2, kind)) || (rc = store_bind_text(st, s, 3, record_id)) ||
	    (rc = store_bind_int64(st, s, 4, now)))
		goto out;
	rc = store_step_done(st, s);
out:
	store_stmt_reset(s);
	return rc;
}

static int row_cmp(const void *a, const void *b)
{
	const struct store_outbox_row *x = a, *y = b;
	if (x->created_at != y->created_at)
		return x->created_at < y->created_at ? -1 : 1;
	return strcmp(x->id, y->id);
}

int store_outbox_claim(struct store *st, size_t max, int64_t now, struct store_outbox_row *rows,
		       size_t *n_out)
{
	sqlite3_stmt *s = NULL;
	size_t n = 0;
	int rc = VB_OK, owned = 0;

	if (max < 1 || max > STORE_OUTBOX_CLAIM_MAX || !rows)
		return store_err_set(st, VB_EINVAL, "claim size %zu is outside 1..%d", max,
				     STORE_OUTBOX_CLAIM_MAX);
	if ((rc = store_tx_enter(st, &owned)))
		return rc;
	if ((rc = store_stmt(st, SQL_CLAIM, &s)) || (rc = store_bind_int64(st, s, 1, now)) ||
	    (rc = store_bind_int64(st, s, 2, now)) ||
	    (rc = store_bind_int64(st, s, 3, (int64_t)max)))
		goto out;
	while ((rc = store_step(st, s)) == 1) {
		if (n == max) { /* cannot happen with LIMIT; guards rows[] */
			rc = store_err_set(st, VB_ESTORAGE, "claim returned more than %zu rows",
					   max);
			break;
		}
		read_row(s, &rows[n++]);
	}
out:
	store_stmt_reset(s);
	/* In the caller's transaction a failed statement undoes itself; the
	 * rest is the caller's to commit or roll back. */
	rc = store_tx_leave(st, owned, rc);
	if (rc)
		return rc;
	qsort(rows, n, sizeof(rows[0]), row_cmp);
	*n_out = n;
	return VB_OK;
}

/* Runs one transition; on no change, tells a missing row from one in the
 * wrong state. */
static int transition(struct store *st, const char *sql, const char *from, const char *id,
		      const char *text, int64_t now, int64_t next_at)
{
	sqlite3_stmt *s = NULL;
	int rc = store_check_token(st, "outbox id", id, STORE_ID_LEN + 1);
	if (rc)
		return rc;
	if ((rc = store_stmt(st, sql, &s)) || (rc = store_bind_text(st, s, 1, id)) ||
	    (rc = store_bind_text(st, s, 2, text)) || (rc = store_bind_int64(st, s, 3, now)))
		goto out;
	if (sqlite3_bind_parameter_count(s) >= 4 && (rc = store_bind_int64(st, s, 4, next_at)))
		goto out;
	if ((rc = store_step_done(st, s)))
		goto out;
	if (sqlite3_changes(st->db) > 0)
		goto out;
	if ((rc = store_stmt(st, SQL_STATE_OF, &s)) || (rc = store_bind_text(st, s, 1, id)))
		goto out;
	rc = store_step(st, s);
	if (rc == 0)
		rc = store_err_set(st, VB_ENOTFOUND, "no outbox row %s", id);
	else if (rc == 1)
		rc = store_err_set(st, VB_ESTATE, "outbox row %s is %s, not %s", id,
				   (const char *)sqlite3_column_text(s, 0), from);
out:
	store_stmt_reset(s);
	return rc;
}

int store_outbox_ack(struct store *st, const char *id, const char *server_id, int64_t now)
{
	if (server_id) {
		int rc = store_check_token(st, "outbox server_id", server_id,
					   STORE_OUTBOX_SERVER_ID_SIZE);
		if (rc)
			return rc;
	}
	return transition(st, SQL_ACK, "in_flight", id, server_id, now, 0);
}

int store_outbox_fail(struct store *st, const char *id, const char *error, int64_t now)
{
	char msg[STORE_OUTBOX_ERROR_SIZE];
	if (error)
		store_copy_utf8(msg, sizeof(msg), error);
	return transition(st, SQL_FAIL, "in_flight", id, error ? msg : NULL, now, 0);
}

int store_outbox_retry(struct store *st, const char *id, const char *error, int64_t next_attempt_at,
		       int64_t now)
{
	char msg[STORE_OUTBOX_ERROR_SIZE];
	if (error)
		store_copy_utf8(msg, sizeof(msg), error);
	return transition(st, SQL_RETRY, "in_flight", id, error ? msg : NULL, now, next_attempt_at);
}

int store_outbox_requeue(struct store *st, const char *id, int64_t now)
{
	return transition(st, SQL_REQUEUE, "failed", id, NULL, now, 0);
}

int store_outbox_recover(struct store *st, int64_t *n_recovered)
{
	sqlite3_stmt *s = NULL;
	int rc = store_stmt(st, SQL_RECOVER, &s);
	if (rc || (rc = store_step_done(st, s)))
		return rc;
	if (n_recovered)
		*n_recovered = sqlite3_changes64(st->db);
	return VB_OK;
}

int store_outbox_counts(struct store *st, struct store_outbox_counts *out)
{
	struct store_outbox_counts c = {0, 0, 0, 0};
	sqlite3_stmt *s = NULL;
	int rc = store_stmt(st, SQL_COUNTS, &s);
	if (rc)
		return rc;
	while ((rc = store_step(st, s)) == 1) {
		int64_t n = sqlite3_column_int64(s, 1);
		switch (state_parse(sqlite3_column_text(s, 0))) {
		case STORE_OUTBOX_PENDING:
			c.pending = n;
			break;
		case STORE_OUTBOX_IN_FLIGHT:
			c.in_flight = n;
			break;
		case STORE_OUTBOX_ACKED:
			c.acked = n;
			break;
		case STORE_OUTBOX_FAILED:
			c.failed = n;
			break;
		default:
			break; /* the CHECK constraint allows no other state */
		}
	}
	store_stmt_reset(s);
	if (rc)
		return rc;
	*out = c;
	return VB_OK;
}

int store_outbox_get(struct store *st, const char *kind, const char *record_id,
		     struct store_outbox_row *out)
{
	sqlite3_stmt *s = NULL;
	int rc = VB_OK;
	if (!kind || !record_id)
		return store_err_set(st, VB_EINVAL, "outbox get: no kind or record id");
	if ((rc = store_stmt(st, SQL_GET, &s)) || (rc = store_bind_text(st, s, 1, kind)) ||
	    (rc = store_bind_text(st, s, 2, record_id)))
		goto out;
	rc = store_step(st, s);
	if (rc == 1) {
		memset(out, 0, sizeof(*out));
		read_row(s, out);
		rc = VB_OK;
	} else if (rc == VB_OK) {
		rc = VB_ENOTFOUND;
	}
out:
	store_stmt_reset(s);
	return rc;
}

int store_outbox_next_due(struct store *st, int64_t *at)
{
	sqlite3_stmt *s = NULL;
	int rc = store_stmt(st, SQL_NEXT_DUE, &s);
	if (!rc && (rc = store_step(st, s)) == 1) {
		*at = sqlite3_column_type(s, 0) == SQLITE_NULL ? INT64_MAX
							       : sqlite3_column_int64(s, 0);
		rc = VB_OK;
	}
	store_stmt_reset(s);
	return rc;
}

int store_outbox_list(struct store *st, int state, size_t limit,
		      int (*cb)(void *arg, const struct store_outbox_row *row), void *arg)
{
	struct store_outbox_row row;
	sqlite3_stmt *s = NULL;
	int rc = VB_OK;

	if (!cb || (state != STORE_OUTBOX_ANY && (state < 0 || state > STORE_OUTBOX_FAILED)))
		return store_err_set(st, VB_EINVAL, "outbox list: bad state %d or no callback",
				     state);
	if ((rc = store_stmt(st, SQL_LIST, &s)) ||
	    (rc = store_bind_text(st, s, 1,
				  state == STORE_OUTBOX_ANY ? NULL : state_names[state])) ||
	    (rc = store_bind_int64(st, s, 2, limit ? (int64_t)limit : -1)))
		goto out;
	while ((rc = store_step(st, s)) == 1) {
		memset(&row, 0, sizeof(row));
		read_row(s, &row);
		if ((rc = cb(arg, &row)))
			break;
	}
out:
	store_stmt_reset(s);
	return rc;
}
