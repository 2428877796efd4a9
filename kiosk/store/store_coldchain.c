/*
 * store_coldchain: temperature readings and excursions
 * (store_coldchain.h). The tables are made by migration step 2
 * (store_migrations.c).
 */
#include "store_coldchain.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "store_audit.h"
#include "store_int.h"

#define FRIDGE_CAP 16

static const char SQL_TEMP_ADD[] = "INSERT INTO temp_reading (fridge, at, centi_c)"
				   " VALUES (?1, ?2, ?3)";
static const char SQL_TEMP_LIST[] = "SELECT at, centi_c FROM temp_reading"
				    " WHERE fridge = ?1 AND at >= ?2 ORDER BY at";

static const char SQL_EXC_ADD[] =
    "INSERT INTO excursion (id, fridge, started_at, seen_until, ended_at, min_centi,"
    " max_centi, state, created_at, updated_at)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9)";
static const char SQL_EXC_UPDATE[] =
    "UPDATE excursion SET seen_until = ?2, ended_at = ?3, min_centi = ?4, max_centi = ?5,"
    " state = ?6, updated_at = ?7 WHERE id = ?1";
static const char SQL_EXC_DECIDE[] =
    "UPDATE excursion SET state = ?2, decided_by = ?3, decided_at = ?4, note = ?5,"
    " updated_at = ?4 WHERE id = ?1";

#define EXC_COLS                                                                                   \
	"SELECT id, fridge, started_at, seen_until, ended_at IS NULL, min_centi, max_centi,"       \
	" state, coalesce(decided_by, ''), coalesce(decided_at, 0), note FROM excursion"

static const char SQL_EXC_GET[] = EXC_COLS " WHERE id = ?1";
static const char SQL_EXC_OPEN[] =
    EXC_COLS " WHERE fridge = ?1 AND ended_at IS NULL ORDER BY started_at DESC LIMIT 1";
static const char SQL_EXC_LIST[] =
    EXC_COLS " WHERE (?1 IS NULL OR fridge = ?1) AND (ended_at IS NULL OR seen_until >= ?2)"
	     " ORDER BY started_at, fridge";

static const char *const state_names[] = {
    [STORE_EXCURSION_RECORDED] = "recorded",
    [STORE_EXCURSION_QUARANTINED] = "quarantined",
    [STORE_EXCURSION_RELEASED] = "released",
    [STORE_EXCURSION_DISCARDED] = "discarded",
};

const char *store_excursion_state_name(enum store_excursion_state s)
{
	if ((int)s < 0 || s >= STORE_EXCURSION_STATE_COUNT)
		return NULL;
	return state_names[s];
}

static int state_from_name(const char *name, enum store_excursion_state *out)
{
	for (int s = 0; s < STORE_EXCURSION_STATE_COUNT; s++) {
		if (strcmp(name, state_names[s]) == 0) {
			*out = (enum store_excursion_state)s;
			return VB_OK;
		}
	}
	return VB_EINVAL;
}

int store_temp_add(struct store *st, const char *fridge, int64_t at, int centi_c)
{
	sqlite3_stmt *s = NULL;
	int rc = store_need_tx(st, "store_temp_add");
	if (rc || (rc = store_check_token(st, "fridge", fridge, FRIDGE_CAP)))
		return rc;
	if ((rc = store_stmt(st, SQL_TEMP_ADD, &s)) || (rc = store_bind_text(st, s, 1, fridge)) ||
	    (rc = store_bind_int64(st, s, 2, at)) || (rc = store_bind_int64(st, s, 3, centi_c)))
		goto out;
	rc = store_step_done(st, s);
out:
	store_stmt_reset(s);
	return rc;
}

int store_temp_list(struct store *st, const char *fridge, int64_t since,
		    struct coldchain_reading *out, size_t cap, size_t *n)
{
	sqlite3_stmt *s = NULL;
	size_t k = 0;
	int rc = store_check_token(st, "fridge", fridge, FRIDGE_CAP);
	if (rc)
		return rc;
	if ((rc = store_stmt(st, SQL_TEMP_LIST, &s)) || (rc = store_bind_text(st, s, 1, fridge)) ||
	    (rc = store_bind_int64(st, s, 2, since)))
		goto out;
	while ((rc = store_step(st, s)) == 1) {
		if (k == cap) {
			rc = store_err_set(st, VB_ERANGE, "more than %zu readings", cap);
			break;
		}
		out[k].at = sqlite3_column_int64(s, 0);
		out[k].centi_c = sqlite3_column_int(s, 1);
		k++;
	}
	if (rc == 0)
		*n = k;
out:
	store_stmt_reset(s);
	return rc;
}

static int check_exc(struct store *st, const struct coldchain_excursion *exc)
{
	if (exc->end < exc->start || exc->min_centi > exc->max_centi || (exc->open & ~1))
		return store_err_set(st, VB_EINVAL,
				     "excursion end precedes its start, min exceeds max or open "
				     "is not 0/1");
	return VB_OK;
}

/* Audits an excursion's current facts. */
static int audit_exc(struct store *st, int64_t now, const char *actor, const char *action,
		     const char *id, const char *fridge, const struct coldchain_excursion *exc,
		     const char *state)
{
	char detail[200];
	snprintf(detail, sizeof(detail),
		 "fridge=%s start=%" PRId64 " %s=%" PRId64 " min=%d max=%d state=%s", fridge,
		 exc->start, exc->open ? "seen_until" : "end", exc->end, exc->min_centi,
		 exc->max_centi, state);
	return store_audit_append(st, now, actor, action, id, detail);
}

int store_excursion_add(struct store *st, const char *fridge, const struct coldchain_excursion *exc,
			const char *actor, int64_t now, char id_out[STORE_ID_LEN + 1])
{
	char id[STORE_ID_LEN + 1];
	const char *state =
	    state_names[exc->over_limit ? STORE_EXCURSION_QUARANTINED : STORE_EXCURSION_RECORDED];
	sqlite3_stmt *s = NULL;
	int rc = store_need_tx(st, "store_excursion_add");

	if (rc || (rc = store_check_token(st, "actor", actor, STORE_AUDIT_TOKEN_MAX + 1)) ||
	    (rc = store_check_token(st, "fridge", fridge, FRIDGE_CAP)) || (rc = check_exc(st, exc)))
		return rc;
	if (store_id_new(id))
		return store_err_set(st, VB_EIO, "cannot make an excursion id: getrandom failed");
	if ((rc = store_stmt(st, SQL_EXC_ADD, &s)) || (rc = store_bind_text(st, s, 1, id)) ||
	    (rc = store_bind_text(st, s, 2, fridge)) ||
	    (rc = store_bind_int64(st, s, 3, exc->start)) ||
	    (rc = store_bind_int64(st, s, 4, exc->end)))
		goto out;
	if (!exc->open && (rc = store_bind_int64(st, s, 5, exc->end)))
		goto out;
	if ((rc = store_bind_int64(st, s, 6, exc->min_centi)) ||
	    (rc = store_bind_int64(st, s, 7, exc->max_centi)) ||
	    (rc = store_bind_text(st, s, 8, state)) || (rc = store_bind_int64(st, s, 9, now)) ||
	    (rc = store_step_done(st, s)) ||
	    (rc = audit_exc(st, now, actor, "temp.excursion", id, fridge, exc, state)))
		goto out;
	memcpy(id_out, id, sizeof(id));
out:
	store_stmt_reset(s);
	return rc;
}

/* Reads the current row of an EXC_COLS statement. */
static int read_exc(struct store *st, sqlite3_stmt *s, struct store_excursion *out)
{
	struct store_excursion e;
	char state[16];
	memset(&e, 0, sizeof(e));
	if (store_column_text(s, 0, e.id, sizeof(e.id)) ||
	    store_column_text(s, 1, e.fridge, sizeof(e.fridge)) ||
	    store_column_text(s, 7, state, sizeof(state)) ||
	    store_column_text(s, 8, e.decided_by, sizeof(e.decided_by)) ||
	    store_column_text(s, 10, e.note, sizeof(e.note)) || state_from_name(state, &e.state))
		return store_err_set(st, VB_ECORRUPT, "a stored excursion row is malformed");
	e.exc.start = sqlite3_column_int64(s, 2);
	e.exc.end = sqlite3_column_int64(s, 3);
	e.exc.open = sqlite3_column_int(s, 4);
	e.exc.min_centi = sqlite3_column_int(s, 5);
	e.exc.max_centi = sqlite3_column_int(s, 6);
	e.exc.seconds = e.exc.end - e.exc.start;
	e.exc.over_limit = e.state != STORE_EXCURSION_RECORDED;
	e.decided_at = sqlite3_column_int64(s, 9);
	*out = e;
	return VB_OK;
}

/* One excursion from a statement whose key is bound to ?1 = key. */
static int one_exc(struct store *st, const char *sql, const char *key, struct store_excursion *out)
{
	sqlite3_stmt *s = NULL;
	int rc = VB_OK;
	if ((rc = store_stmt(st, sql, &s)) || (rc = store_bind_text(st, s, 1, key)))
		goto out;
	rc = store_step(st, s);
	if (rc == 0)
		rc = store_err_set(st, VB_ENOTFOUND, "no such excursion");
	else if (rc == 1)
		rc = read_exc(st, s, out);
out:
	store_stmt_reset(s);
	return rc;
}

int store_excursion_get(struct store *st, const char *id, struct store_excursion *out)
{
	if (!id)
		return store_err_set(st, VB_EINVAL, "excursion id is NULL");
	return one_exc(st, SQL_EXC_GET, id, out);
}

int store_excursion_find_open(struct store *st, const char *fridge, struct store_excursion *out)
{
	int rc = store_check_token(st, "fridge", fridge, FRIDGE_CAP);
	return rc ? rc : one_exc(st, SQL_EXC_OPEN, fridge, out);
}

int store_excursion_update(struct store *st, const char *id, const struct coldchain_excursion *exc,
			   const char *actor, int64_t now)
{
	struct store_excursion cur;
	sqlite3_stmt *s = NULL;
	int rc = store_need_tx(st, "store_excursion_update");

	if (rc || (rc = store_check_token(st, "actor", actor, STORE_AUDIT_TOKEN_MAX + 1)) ||
	    (rc = check_exc(st, exc)) || (rc = store_excursion_get(st, id, &cur)))
		return rc;
	if (exc->start != cur.exc.start)
		return store_err_set(st, VB_EINVAL,
				     "the excursion's start differs from the stored "
				     "one");
	if (!cur.exc.open || cur.state > STORE_EXCURSION_QUARANTINED)
		return store_err_set(st, VB_ESTATE, "the excursion has ended or been decided");
	enum store_excursion_state state =
	    exc->over_limit ? STORE_EXCURSION_QUARANTINED : cur.state;
	if ((rc = store_stmt(st, SQL_EXC_UPDATE, &s)) || (rc = store_bind_text(st, s, 1, id)) ||
	    (rc = store_bind_int64(st, s, 2, exc->end)))
		goto out;
	if (!exc->open && (rc = store_bind_int64(st, s, 3, exc->end)))
		goto out;
	if ((rc = store_bind_int64(st, s, 4, exc->min_centi)) ||
	    (rc = store_bind_int64(st, s, 5, exc->max_centi)) ||
	    (rc = store_bind_text(st, s, 6, state_names[state])) ||
	    (rc = store_bind_int64(st, s, 7, now)) || (rc = store_step_done(st, s)))
		goto out;
	rc = audit_exc(st, now, actor, "temp.excursion", id, cur.fridge, exc, state_names[state]);
out:
	store_stmt_reset(s);
	return rc;
}

int store_excursion_decide(struct store *st, const char *id, const struct coldchain_verdict *v,
			   int64_t now)
{
	struct store_excursion cur;
	sqlite3_stmt *s = NULL;
	const char *decision = coldchain_decision_name(v->decision);
	enum store_excursion_state to =
	    v->decision == COLDCHAIN_RELEASE ? STORE_EXCURSION_RELEASED : STORE_EXCURSION_DISCARDED;
	int rc = store_need_tx(st, "store_excursion_decide");

	if (rc)
		return rc;
	if (!decision || !memchr(v->staff, '\0', sizeof(v->staff)) ||
	    !memchr(v->note, '\0', sizeof(v->note)))
		return store_err_set(st, VB_EINVAL,
				     "the verdict's decision is unknown or its texts unterminated");
	if ((rc = store_check_token(st, "staff", v->staff, sizeof(v->staff))) ||
	    (rc = store_excursion_get(st, id, &cur)))
		return rc;
	if (cur.state != STORE_EXCURSION_QUARANTINED || cur.exc.open)
		return store_err_set(st, VB_ESTATE,
				     "only an ended excursion that quarantined lots is decided");
	if ((rc = store_stmt(st, SQL_EXC_DECIDE, &s)) || (rc = store_bind_text(st, s, 1, id)) ||
	    (rc = store_bind_text(st, s, 2, state_names[to])) ||
	    (rc = store_bind_text(st, s, 3, v->staff)) || (rc = store_bind_int64(st, s, 4, now)) ||
	    (rc = store_bind_text(st, s, 5, v->note)) || (rc = store_step_done(st, s)))
		goto out;
	rc = audit_exc(st, now, v->staff,
		       to == STORE_EXCURSION_RELEASED ? "temp.release" : "temp.discard", id,
		       cur.fridge, &cur.exc, state_names[to]);
out:
	store_stmt_reset(s);
	return rc;
}

int store_excursion_list(struct store *st, const char *fridge, int64_t since,
			 struct store_excursion *out, size_t cap, size_t *n)
{
	sqlite3_stmt *s = NULL;
	size_t k = 0;
	int rc = VB_OK;
	if (fridge && (rc = store_check_token(st, "fridge", fridge, FRIDGE_CAP)))
		return rc;
	if ((rc = store_stmt(st, SQL_EXC_LIST, &s)) || (rc = store_bind_text(st, s, 1, fridge)) ||
	    (rc = store_bind_int64(st, s, 2, since)))
		goto out;
	while ((rc = store_step(st, s)) == 1) {
		if (k == cap) {
			rc = store_err_set(st, VB_ERANGE, "more than %zu excursions", cap);
			break;
		}
		if ((rc = read_exc(st, s, &out[k++])))
			break;
	}
	if (rc == 0)
		*n = k;
out:
	store_stmt_reset(s);
	return rc;
}
