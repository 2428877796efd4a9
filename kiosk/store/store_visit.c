/*
 * store_visit: visits and doses (store_visit.h). The tables are made by
 * migration step 2 (store_migrations.c).
 */
#include "store_visit.h"

#include <stdio.h>
#include <string.h>

#include "store_audit.h"
#include "store_id.h"
#include "store_int.h"
#include "store_outbox.h"
#include "vbdate.h"

static const char SQL_NEXT_TICKET[] =
    "SELECT coalesce(max(ticket_no), 0) + 1 FROM visit WHERE day = date(?1 * 86400, 'unixepoch')";
static const char SQL_VISIT_ADD[] =
    "INSERT INTO visit (id, person_id, state, day, ticket_no, ticket, deferral, bus_id, site_id,"
    " created_at, updated_at)"
    " VALUES (?1, ?2, ?3, date(?4 * 86400, 'unixepoch'), ?5, ?6, '',"
    " (SELECT value FROM meta WHERE key = 'bus_id'),"
    " (SELECT value FROM meta WHERE key = 'site_id'), ?7, ?7)";

#define VISIT_COLS                                                                                 \
	"SELECT id, person_id, state, ticket, deferral, unixepoch(day) / 86400, created_at,"       \
	" updated_at, site_id FROM visit"

static const char SQL_VISIT_GET[] = VISIT_COLS " WHERE id = ?1";
static const char SQL_VISIT_PERSON_DAY[] =
    VISIT_COLS " WHERE person_id = ?1 AND day = date(?2 * 86400, 'unixepoch')"
	       " ORDER BY ticket_no";
static const char SQL_VISIT_DAY[] =
    VISIT_COLS " WHERE day = date(?1 * 86400, 'unixepoch') AND (?2 IS NULL OR state = ?2)"
	       " ORDER BY ticket_no";
static const char SQL_VISIT_SAVE[] =
    "UPDATE visit SET state = ?2, deferral = ?3, updated_at = ?4 WHERE id = ?1";

static const char SQL_DOSE_ADD[] =
    "INSERT INTO dose (id, visit_id, person_id, product, lot, dose_number, series_doses,"
    " given_at, given_on, route, body_site, staff, source, bus_id, site_id, created_at)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, date(?9 * 86400, 'unixepoch'), ?10, ?11, ?12,"
    " ?13,"
    " CASE WHEN ?13 = 'bus' THEN (SELECT value FROM meta WHERE key = 'bus_id') END,"
    " CASE WHEN ?13 = 'bus' THEN (SELECT value FROM meta WHERE key = 'site_id') END, ?14)";
static const char SQL_MOVE_ADMIN[] =
    "INSERT INTO stock_move (id, lot, kind, doses, at, ref) VALUES (?1, ?2, 'administer', -1,"
    " ?3, ?4)";

#define DOSE_COLS                                                                                  \
	"SELECT id, coalesce(visit_id, ''), person_id, product, lot, dose_number, series_doses,"   \
	" given_at, unixepoch(given_on) / 86400, route, body_site, staff, source,"                 \
	" coalesce(site_id, '') FROM dose"

static const char SQL_DOSE_GET[] = DOSE_COLS " WHERE id = ?1";
static const char SQL_DOSE_VISIT[] = DOSE_COLS " WHERE visit_id = ?1";
static const char SQL_DOSE_PERSON[] =
    DOSE_COLS " WHERE person_id = ?1 ORDER BY given_on, given_at, id";
static const char SQL_DOSE_HISTORY[] = "SELECT product, unixepoch(given_on) / 86400 FROM dose"
				       " WHERE person_id = ?1 ORDER BY given_on, given_at, id";

static const char *const dose_sources[] = {"bus", "platform", "certificate"};

static int terminated(const char *s, size_t cap)
{
	return memchr(s, '\0', cap) != NULL;
}

/* Reads the current row of a VISIT_COLS statement. */
static int read_visit(struct store *st, sqlite3_stmt *s, struct store_visit *out)
{
	struct store_visit v;
	char state[32];
	memset(&v, 0, sizeof(v));
	if (store_column_text(s, 0, v.id, sizeof(v.id)) ||
	    store_column_text(s, 1, v.person_id, sizeof(v.person_id)) ||
	    store_column_text(s, 2, state, sizeof(state)) ||
	    store_column_text(s, 3, v.ticket, sizeof(v.ticket)) ||
	    store_column_text(s, 4, v.deferral, sizeof(v.deferral)) ||
	    store_column_text(s, 8, v.site_id, sizeof(v.site_id)) ||
	    visit_state_from_name(state, &v.state))
		return store_err_set(st, VB_ECORRUPT, "a stored visit row is malformed");
	v.day = sqlite3_column_int(s, 5);
	v.created_at = sqlite3_column_int64(s, 6);
	v.updated_at = sqlite3_column_int64(s, 7);
	*out = v;
	return VB_OK;
}

/* Fills out[0..*n) from a bound VISIT_COLS statement. */
static int list_visits(struct store *st, sqlite3_stmt *s, struct store_visit *out, size_t cap,
		       size_t *n)
{
	size_t k = 0;
	int rc = VB_OK;
	while ((rc = store_step(st, s)) == 1) {
		if (k == cap) {
			rc = store_err_set(st, VB_ERANGE, "more than %zu visits", cap);
			break;
		}
		if ((rc = read_visit(st, s, &out[k++])))
			break;
	}
	if (rc == 0)
		*n = k;
	store_stmt_reset(s);
	return rc;
}

static int one_visit(struct store *st, sqlite3_stmt *s, struct store_visit *out)
{
	int rc = store_step(st, s);
	if (rc == 0)
		return store_err_set(st, VB_ENOTFOUND, "no such visit");
	if (rc < 0)
		return rc;
	rc = read_visit(st, s, out);
	store_stmt_reset(s);
	return rc;
}

int store_visit_get(struct store *st, const char *id, struct store_visit *out)
{
	sqlite3_stmt *s = NULL;
	int rc = VB_OK;
	if (!id)
		return store_err_set(st, VB_EINVAL, "visit id is NULL");
	if ((rc = store_stmt(st, SQL_VISIT_GET, &s)) || (rc = store_bind_text(st, s, 1, id)))
		goto out;
	rc = one_visit(st, s, out);
out:
	store_stmt_reset(s);
	return rc;
}

int store_visit_open_for_person(struct store *st, const char *person_id, int32_t day,
				struct store_visit *out)
{
	sqlite3_stmt *s = NULL;
	int rc = VB_OK;
	if (!person_id)
		return store_err_set(st, VB_EINVAL, "person id is NULL");
	if ((rc = store_stmt(st, SQL_VISIT_PERSON_DAY, &s)) ||
	    (rc = store_bind_text(st, s, 1, person_id)) || (rc = store_bind_int64(st, s, 2, day)))
		goto out;
	while ((rc = store_step(st, s)) == 1) {
		struct store_visit v;
		int rrc = read_visit(st, s, &v);
		if (rrc) {
			rc = rrc;
			break;
		}
		if (!visit_state_is_final(v.state)) {
			*out = v;
			break;
		}
	}
	if (rc == 0)
		rc = store_err_set(st, VB_ENOTFOUND, "the person has no open visit that day");
	else if (rc == 1)
		rc = VB_OK;
out:
	store_stmt_reset(s);
	return rc;
}

int store_visit_list_day(struct store *st, int32_t day, int state, struct store_visit *out,
			 size_t cap, size_t *n)
{
	sqlite3_stmt *s = NULL;
	const char *name = NULL;
	int rc = VB_OK;
	if (state != -1 && !(name = visit_state_name((enum visit_state)state)))
		return store_err_set(st, VB_EINVAL, "visit state %d is unknown", state);
	if ((rc = store_stmt(st, SQL_VISIT_DAY, &s)) || (rc = store_bind_int64(st, s, 1, day)) ||
	    (rc = store_bind_text(st, s, 2, name)))
		goto out;
	rc = list_visits(st, s, out, cap, n);
out:
	store_stmt_reset(s);
	return rc;
}

int store_visit_add(struct store *st, struct store_visit *v, const char *actor, int64_t now)
{
	struct store_visit open;
	char id[STORE_ID_LEN + 1], ticket[VISIT_TICKET_LEN], day[11], detail[160];
	sqlite3_stmt *s = NULL;
	int64_t next = 0;
	int rc = store_need_tx(st, "store_visit_add");

	if (rc || (rc = store_check_token(st, "actor", actor, STORE_AUDIT_TOKEN_MAX + 1)))
		return rc;
	if (!terminated(v->person_id, sizeof(v->person_id)) || store_id_check(v->person_id))
		return store_err_set(st, VB_EINVAL, "visit person_id is not a record id");
	if (v->day == VBDATE_NONE)
		return store_err_set(st, VB_EINVAL, "visit day is not set");
	rc = store_visit_open_for_person(st, v->person_id, v->day, &open);
	if (rc == VB_OK)
		return store_err_set(st, VB_EEXIST, "the person has an open visit that day");
	if (rc != VB_ENOTFOUND)
		return rc;
	if ((rc = store_stmt(st, SQL_NEXT_TICKET, &s)) || (rc = store_bind_int64(st, s, 1, v->day)))
		goto out;
	if ((rc = store_step(st, s)) < 0)
		goto out;
	if (rc == 0) {
		rc = store_err_set(st, VB_ESTORAGE, "the ticket count returned no row");
		goto out;
	}
	next = sqlite3_column_int64(s, 0);
	store_stmt_reset(s);
	if (next > VISIT_TICKET_MAX || visit_ticket_format((int)next, ticket, sizeof(ticket))) {
		rc = store_err_set(st, VB_ERANGE, "the day's %d tickets are used up",
				   VISIT_TICKET_MAX);
		goto out;
	}
	if (store_id_new(id)) {
		rc = store_err_set(st, VB_EIO, "cannot make a visit id: getrandom failed");
		goto out;
	}
	if ((rc = store_stmt(st, SQL_VISIT_ADD, &s)) || (rc = store_bind_text(st, s, 1, id)) ||
	    (rc = store_bind_text(st, s, 2, v->person_id)) ||
	    (rc = store_bind_text(st, s, 3, visit_state_name(VISIT_REGISTERED))) ||
	    (rc = store_bind_int64(st, s, 4, v->day)) || (rc = store_bind_int64(st, s, 5, next)) ||
	    (rc = store_bind_text(st, s, 6, ticket)) || (rc = store_bind_int64(st, s, 7, now)) ||
	    (rc = store_step_done(st, s)))
		goto out;
	vbdate_format(v->day, day);
	snprintf(detail, sizeof(detail), "person=%s day=%s ticket=%s", v->person_id, day, ticket);
	if ((rc = store_audit_append(st, now, actor, "visit.add", id, detail)))
		goto out;
	memcpy(v->id, id, sizeof(id));
	v->state = VISIT_REGISTERED;
	memcpy(v->ticket, ticket, sizeof(ticket));
	v->deferral[0] = '\0';
	v->created_at = v->updated_at = now;
out:
	store_stmt_reset(s);
	return rc;
}

int store_visit_transition(struct store *st, const char *id, enum visit_event ev,
			   const char *deferral_code, const char *actor, int64_t now,
			   struct vb_reason *why)
{
	struct store_visit cur;
	enum visit_state to;
	char action[48], detail[160];
	sqlite3_stmt *s = NULL;
	const char *evname = visit_event_name(ev);
	const int defer = ev == VISIT_EV_DEFER;
	int rc = store_need_tx(st, "store_visit_transition");

	if (rc || (rc = store_check_token(st, "actor", actor, STORE_AUDIT_TOKEN_MAX + 1)))
		return rc;
	if (!evname)
		return store_err_set(st, VB_EINVAL, "visit event %d is unknown", (int)ev);
	if (defer &&
	    (rc = store_check_token(st, "deferral code", deferral_code, sizeof(cur.deferral))))
		return rc;
	if (!defer && deferral_code)
		return store_err_set(st, VB_EINVAL, "a deferral code goes only with defer");
	if ((rc = store_visit_get(st, id, &cur)))
		return rc;
	if ((rc = visit_apply(cur.state, ev, &to, why)))
		return store_err_set(st, rc, "the visit workflow refused %s from %s", evname,
				     visit_state_name(cur.state));
	if ((rc = store_stmt(st, SQL_VISIT_SAVE, &s)) || (rc = store_bind_text(st, s, 1, id)) ||
	    (rc = store_bind_text(st, s, 2, visit_state_name(to))) ||
	    (rc = store_bind_text(st, s, 3, defer ? deferral_code : cur.deferral)) ||
	    (rc = store_bind_int64(st, s, 4, now)) || (rc = store_step_done(st, s)))
		goto out;
	snprintf(action, sizeof(action), "visit.%s", evname);
	snprintf(detail, sizeof(detail), "from=%s to=%s%s%s", visit_state_name(cur.state),
		 visit_state_name(to), defer ? " deferral=" : "", defer ? deferral_code : "");
	if ((defer && (rc = store_outbox_add(st, "deferral", id, now))) ||
	    (rc = store_audit_append(st, now, actor, action, id, detail)))
		goto out;
out:
	store_stmt_reset(s);
	return rc;
}

/* The shape checks of store_dose_add; *bus is 1 for source "bus". */
static int check_dose(struct store *st, const struct store_dose *d, int *bus)
{
	int known = 0;
	if (!terminated(d->visit_id, sizeof(d->visit_id)) ||
	    !terminated(d->person_id, sizeof(d->person_id)) ||
	    !terminated(d->lot, sizeof(d->lot)) || !terminated(d->route, sizeof(d->route)) ||
	    !terminated(d->body_site, sizeof(d->body_site)) ||
	    !terminated(d->staff, sizeof(d->staff)) || !terminated(d->source, sizeof(d->source)))
		return store_err_set(st, VB_EINVAL, "a dose text field is not terminated");
	for (size_t i = 0; i < sizeof(dose_sources) / sizeof(dose_sources[0]); i++)
		known |= strcmp(d->source, dose_sources[i]) == 0;
	if (!known)
		return store_err_set(st, VB_EINVAL,
				     "dose source is not bus, platform or "
				     "certificate");
	*bus = strcmp(d->source, "bus") == 0;
	if (store_id_check(d->person_id) || (d->visit_id[0] && store_id_check(d->visit_id)))
		return store_err_set(st, VB_EINVAL,
				     "dose person_id or visit_id is not a record id");
	int rc = store_check_token(st, "dose product", d->product, sizeof(d->product));
	if (rc)
		return rc;
	if (d->dose_number < 1 || d->series_doses < 0 || d->given_on == VBDATE_NONE)
		return store_err_set(st, VB_EINVAL,
				     "dose number < 1, series doses < 0 or no date given");
	if (*bus && (!d->visit_id[0] || !d->lot[0] || !d->staff[0]))
		return store_err_set(st, VB_EINVAL,
				     "a dose given on the bus needs its visit, lot and staff");
	return VB_OK;
}

int store_dose_add(struct store *st, struct store_dose *d, const char *actor, int64_t now)
{
	char id[STORE_ID_LEN + 1], mid[STORE_ID_LEN + 1], detail[200];
	sqlite3_stmt *s = NULL;
	int bus = 0;
	int rc = store_need_tx(st, "store_dose_add");

	if (rc || (rc = store_check_token(st, "actor", actor, STORE_AUDIT_TOKEN_MAX + 1)) ||
	    (rc = check_dose(st, d, &bus)))
		return rc;
	if (store_id_new(id) || store_id_new(mid))
		return store_err_set(st, VB_EIO, "cannot make a dose id: getrandom failed");
	if ((rc = store_stmt(st, SQL_DOSE_ADD, &s)) || (rc = store_bind_text(st, s, 1, id)) ||
	    (rc = store_bind_text(st, s, 2, d->visit_id[0] ? d->visit_id : NULL)) ||
	    (rc = store_bind_text(st, s, 3, d->person_id)) ||
	    (rc = store_bind_text(st, s, 4, d->product)) ||
	    (rc = store_bind_text(st, s, 5, d->lot)) ||
	    (rc = store_bind_int64(st, s, 6, d->dose_number)) ||
	    (rc = store_bind_int64(st, s, 7, d->series_doses)) ||
	    (rc = store_bind_int64(st, s, 8, d->given_at)) ||
	    (rc = store_bind_int64(st, s, 9, d->given_on)) ||
	    (rc = store_bind_text(st, s, 10, d->route)) ||
	    (rc = store_bind_text(st, s, 11, d->body_site)) ||
	    (rc = store_bind_text(st, s, 12, d->staff)) ||
	    (rc = store_bind_text(st, s, 13, d->source)) ||
	    (rc = store_bind_int64(st, s, 14, now)) || (rc = store_step_done(st, s)))
		goto out;
	if (bus) {
		/* The insert's trigger checked that the lot is on board. */
		if ((rc = store_stmt(st, SQL_MOVE_ADMIN, &s)) ||
		    (rc = store_bind_text(st, s, 1, mid)) ||
		    (rc = store_bind_text(st, s, 2, d->lot)) ||
		    (rc = store_bind_int64(st, s, 3, d->given_at)) ||
		    (rc = store_bind_text(st, s, 4, id)) || (rc = store_step_done(st, s)) ||
		    (rc = store_outbox_add(st, "immunization", id, now)))
			goto out;
	}
	snprintf(detail, sizeof(detail),
		 "person=%s visit=%s product=%s lot=%s dose=%d/%d source=%s", d->person_id,
		 d->visit_id[0] ? d->visit_id : "-", d->product, d->lot[0] ? d->lot : "-",
		 d->dose_number, d->series_doses, d->source);
	if ((rc = store_audit_append(st, now, actor, "dose.add", id, detail)))
		goto out;
	memcpy(d->id, id, sizeof(id));
out:
	store_stmt_reset(s);
	return rc;
}

/* Reads the current row of a DOSE_COLS statement. */
static int read_dose(struct store *st, sqlite3_stmt *s, struct store_dose *out)
{
	struct store_dose d;
	memset(&d, 0, sizeof(d));
	if (store_column_text(s, 0, d.id, sizeof(d.id)) ||
	    store_column_text(s, 1, d.visit_id, sizeof(d.visit_id)) ||
	    store_column_text(s, 2, d.person_id, sizeof(d.person_id)) ||
	    store_column_text(s, 3, d.product, sizeof(d.product)) ||
	    store_column_text(s, 4, d.lot, sizeof(d.lot)) ||
	    store_column_text(s, 9, d.route, sizeof(d.route)) ||
	    store_column_text(s, 10, d.body_site, sizeof(d.body_site)) ||
	    store_column_text(s, 11, d.staff, sizeof(d.staff)) ||
	    store_column_text(s, 12, d.source, sizeof(d.source)) ||
	    store_column_text(s, 13, d.site_id, sizeof(d.site_id)))
		return store_err_set(st, VB_ECORRUPT, "a stored dose row is malformed");
	d.dose_number = sqlite3_column_int(s, 5);
	d.series_doses = sqlite3_column_int(s, 6);
	d.given_at = sqlite3_column_int64(s, 7);
	d.given_on = sqlite3_column_int(s, 8);
	*out = d;
	return VB_OK;
}

/* One dose by a bound key (id or visit). */
static int one_dose(struct store *st, const char *sql, const char *key, struct store_dose *out)
{
	sqlite3_stmt *s = NULL;
	int rc = VB_OK;
	if (!key)
		return store_err_set(st, VB_EINVAL, "dose key is NULL");
	if ((rc = store_stmt(st, sql, &s)) || (rc = store_bind_text(st, s, 1, key)))
		goto out;
	rc = store_step(st, s);
	if (rc == 0)
		rc = store_err_set(st, VB_ENOTFOUND, "no such dose");
	else if (rc == 1)
		rc = read_dose(st, s, out);
out:
	store_stmt_reset(s);
	return rc;
}

int store_dose_get(struct store *st, const char *id, struct store_dose *out)
{
	return one_dose(st, SQL_DOSE_GET, id, out);
}

int store_dose_by_visit(struct store *st, const char *visit_id, struct store_dose *out)
{
	return one_dose(st, SQL_DOSE_VISIT, visit_id, out);
}

int store_dose_list_person(struct store *st, const char *person_id, struct store_dose *out,
			   size_t cap, size_t *n)
{
	sqlite3_stmt *s = NULL;
	size_t k = 0;
	int rc = VB_OK;
	if (!person_id)
		return store_err_set(st, VB_EINVAL, "person id is NULL");
	if ((rc = store_stmt(st, SQL_DOSE_PERSON, &s)) ||
	    (rc = store_bind_text(st, s, 1, person_id)))
		goto out;
	while ((rc = store_step(st, s)) == 1) {
		if (k == cap) {
			rc =
			    store_err_set(st, VB_ERANGE, "the person has more than %zu doses", cap);
			break;
		}
		if ((rc = read_dose(st, s, &out[k++])))
			break;
	}
	if (rc == 0)
		*n = k;
out:
	store_stmt_reset(s);
	return rc;
}

int store_dose_history(struct store *st, const char *person_id, struct schedule_dose *out,
		       size_t cap, size_t *n)
{
	sqlite3_stmt *s = NULL;
	size_t k = 0;
	int rc = VB_OK;
	if (!person_id)
		return store_err_set(st, VB_EINVAL, "person id is NULL");
	if ((rc = store_stmt(st, SQL_DOSE_HISTORY, &s)) ||
	    (rc = store_bind_text(st, s, 1, person_id)))
		goto out;
	while ((rc = store_step(st, s)) == 1) {
		if (k == cap) {
			rc =
			    store_err_set(st, VB_ERANGE, "the person has more than %zu doses", cap);
			break;
		}
		if (store_column_text(s, 0, out[k].product, sizeof(out[k].product))) {
			rc = store_err_set(st, VB_ECORRUPT, "a stored product id is too long");
			break;
		}
		out[k++].date = sqlite3_column_int(s, 1);
	}
	if (rc == 0)
		*n = k;
out:
	store_stmt_reset(s);
	return rc;
}
