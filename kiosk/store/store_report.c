/*
 * store_report: the day's report input from the tables (store_report.h).
 */
#include "store_report.h"

#include <stdlib.h>
#include <string.h>

#include "iddoc.h"
#include "store_aefi.h"
#include "store_int.h"
#include "store_meta.h"
#include "vbdate.h"

static const char SQL_BEGIN_READ[] = "BEGIN DEFERRED";
static const char SQL_END_READ[] = "ROLLBACK";

static const char SQL_VISITS[] =
    "SELECT state, deferral FROM visit WHERE day = date(?1 * 86400, 'unixepoch')"
    " AND (?2 IS NULL OR site_id = ?2) ORDER BY ticket_no";
static const char SQL_DOSES[] =
    "SELECT product, dose_number, lot FROM dose WHERE source = 'bus'"
    " AND given_on = date(?1 * 86400, 'unixepoch') AND (?2 IS NULL OR site_id = ?2)"
    " ORDER BY given_at, id";
static const char SQL_AEFI_COUNT[] = "SELECT count(*) FROM aefi WHERE (?1 IS NULL OR site_id = ?1)"
				     " AND onset >= ?2 AND onset < ?3";
static const char SQL_VIALS[] =
    "SELECT l.product, v.lot FROM vial v JOIN lot l ON l.lot = v.lot"
    " WHERE v.opened_at >= ?1 AND v.opened_at < ?2 ORDER BY v.opened_at, v.id";
static const char SQL_WASTE[] =
    "SELECT l.product, w.doses, w.reason FROM wastage w JOIN lot l ON l.lot = w.lot"
    " WHERE w.at >= ?1 AND w.at < ?2 ORDER BY w.at, w.id";
static const char SQL_STOCK[] =
    "SELECT l.product, l.lot,"
    " coalesce(sum(CASE WHEN m.at < ?1 THEN m.doses END), 0) AS s,"
    " coalesce(sum(CASE WHEN m.at >= ?1 AND m.at < ?2 AND m.kind = 'receive'"
    "  THEN m.doses END), 0) AS r,"
    " coalesce(sum(CASE WHEN m.at < ?2 THEN m.doses END), 0) AS e"
    " FROM lot l JOIN stock_move m ON m.lot = l.lot"
    " GROUP BY l.lot HAVING s <> 0 OR r <> 0 OR e <> 0 ORDER BY l.product, l.lot";
static const char SQL_SYNC[] =
    "SELECT coalesce(sum(state = 'pending'), 0), coalesce(sum(state = 'in_flight'), 0),"
    " coalesce(sum(state = 'acked'), 0), coalesce(sum(state = 'failed'), 0)"
    " FROM outbox WHERE created_at >= ?1 AND created_at < ?2";

/* Returns p with room for element n (n used of *cap, size bytes each):
 * p itself, or a larger copy (p then freed). NULL when memory is short (p
 * is still valid and owned by the caller). */
static void *grow(void *p, size_t *cap, size_t n, size_t size)
{
	if (n < *cap)
		return p;
	size_t ncap = *cap ? *cap * 2 : 16;
	void *q = realloc(p, ncap * size);
	if (q)
		*cap = ncap;
	return q;
}

static int no_memory(struct store *st)
{
	return store_err_set(st, VB_ENOMEM, "out of memory gathering the report");
}

static int malformed(struct store *st, const char *what)
{
	return store_err_set(st, VB_ECORRUPT, "a stored %s row does not fit the report", what);
}

static int gather_visits(struct store *st, const char *site, int32_t day,
			 struct store_report_data *d)
{
	sqlite3_stmt *s = NULL;
	size_t cap = 0, cap2 = 0, n = 0;
	int rc = VB_OK;
	if ((rc = store_stmt(st, SQL_VISITS, &s)) || (rc = store_bind_int64(st, s, 1, day)) ||
	    (rc = store_bind_text(st, s, 2, site)))
		goto out;
	while ((rc = store_step(st, s)) == 1) {
		char state[32];
		void *v = grow(d->visits, &cap, n, sizeof(*d->visits));
		if (v)
			d->visits = v;
		void *c = v ? grow(d->defer_codes, &cap2, n, sizeof(*d->defer_codes)) : NULL;
		if (!c) {
			rc = no_memory(st);
			break;
		}
		d->defer_codes = c;
		if (store_column_text(s, 0, state, sizeof(state)) ||
		    visit_state_from_name(state, &d->visits[n].state) ||
		    store_column_text(s, 1, d->defer_codes[n], sizeof(d->defer_codes[n]))) {
			rc = malformed(st, "visit");
			break;
		}
		n++;
	}
	if (rc == 0) {
		for (size_t i = 0; i < n; i++)
			d->visits[i].defer_code = d->defer_codes[i];
		d->in.n_visits = n;
	}
out:
	store_stmt_reset(s);
	return rc;
}

static int gather_doses(struct store *st, const char *site, int32_t day,
			struct store_report_data *d)
{
	sqlite3_stmt *s = NULL;
	size_t cap = 0, n = 0;
	int rc = VB_OK;
	if ((rc = store_stmt(st, SQL_DOSES, &s)) || (rc = store_bind_int64(st, s, 1, day)) ||
	    (rc = store_bind_text(st, s, 2, site)))
		goto out;
	while ((rc = store_step(st, s)) == 1) {
		void *g = grow(d->doses, &cap, n, sizeof(*d->doses));
		if (!g) {
			rc = no_memory(st);
			break;
		}
		d->doses = g;
		struct report_dose *x = &d->doses[n];
		if (store_column_text(s, 0, x->product, sizeof(x->product)) ||
		    store_column_text(s, 2, x->lot, sizeof(x->lot))) {
			rc = malformed(st, "dose");
			break;
		}
		x->dose_number = sqlite3_column_int(s, 1);
		n++;
	}
	if (rc == 0)
		d->in.n_doses = n;
out:
	store_stmt_reset(s);
	return rc;
}

static int gather_aefis(struct store *st, const char *site, int64_t from, int64_t to,
			struct store_report_data *d)
{
	sqlite3_stmt *s = NULL;
	int64_t count = 0;
	size_t n = 0;
	int rc = VB_OK;
	if ((rc = store_stmt(st, SQL_AEFI_COUNT, &s)) || (rc = store_bind_text(st, s, 1, site)) ||
	    (rc = store_bind_int64(st, s, 2, from)) || (rc = store_bind_int64(st, s, 3, to)))
		goto out;
	if ((rc = store_step(st, s)) != 1) {
		rc = rc < 0 ? rc : store_err_set(st, VB_ESTORAGE, "count(*) returned no row");
		goto out;
	}
	count = sqlite3_column_int64(s, 0);
	store_stmt_reset(s);
	rc = VB_OK;
	if (count == 0)
		goto out;
	if (!(d->aefis = calloc((size_t)count, sizeof(*d->aefis)))) {
		rc = no_memory(st);
		goto out;
	}
	/* Same snapshot: the count cannot change in between. */
	if ((rc = store_aefi_list_onset(st, site, from, to, d->aefis, (size_t)count, &n))) {
		iddoc_wipe(d->aefis, (size_t)count * sizeof(*d->aefis));
		free(d->aefis);
		d->aefis = NULL;
		goto out;
	}
	d->in.n_aefis = n;
out:
	store_stmt_reset(s);
	return rc;
}

static int gather_vials(struct store *st, int64_t from, int64_t to, struct store_report_data *d)
{
	sqlite3_stmt *s = NULL;
	size_t cap = 0, n = 0;
	int rc = VB_OK;
	if ((rc = store_stmt(st, SQL_VIALS, &s)) || (rc = store_bind_int64(st, s, 1, from)) ||
	    (rc = store_bind_int64(st, s, 2, to)))
		goto out;
	while ((rc = store_step(st, s)) == 1) {
		void *g = grow(d->vials, &cap, n, sizeof(*d->vials));
		if (!g) {
			rc = no_memory(st);
			break;
		}
		d->vials = g;
		struct report_vial *x = &d->vials[n];
		if (store_column_text(s, 0, x->product, sizeof(x->product)) ||
		    store_column_text(s, 1, x->lot, sizeof(x->lot))) {
			rc = malformed(st, "vial");
			break;
		}
		n++;
	}
	if (rc == 0)
		d->in.n_vials = n;
out:
	store_stmt_reset(s);
	return rc;
}

static int gather_waste(struct store *st, int64_t from, int64_t to, struct store_report_data *d)
{
	sqlite3_stmt *s = NULL;
	size_t cap = 0, n = 0;
	int rc = VB_OK;
	if ((rc = store_stmt(st, SQL_WASTE, &s)) || (rc = store_bind_int64(st, s, 1, from)) ||
	    (rc = store_bind_int64(st, s, 2, to)))
		goto out;
	while ((rc = store_step(st, s)) == 1) {
		char reason[32];
		void *g = grow(d->waste, &cap, n, sizeof(*d->waste));
		if (!g) {
			rc = no_memory(st);
			break;
		}
		d->waste = g;
		struct report_waste *x = &d->waste[n];
		if (store_column_text(s, 0, x->product, sizeof(x->product)) ||
		    store_column_text(s, 2, reason, sizeof(reason)) ||
		    stock_waste_reason_from_name(reason, &x->reason)) {
			rc = malformed(st, "wastage");
			break;
		}
		x->doses = sqlite3_column_int(s, 1);
		n++;
	}
	if (rc == 0)
		d->in.n_waste = n;
out:
	store_stmt_reset(s);
	return rc;
}

static int gather_stock(struct store *st, int64_t from, int64_t to, struct store_report_data *d)
{
	sqlite3_stmt *s = NULL;
	size_t cap = 0, n = 0;
	int rc = VB_OK;
	if ((rc = store_stmt(st, SQL_STOCK, &s)) || (rc = store_bind_int64(st, s, 1, from)) ||
	    (rc = store_bind_int64(st, s, 2, to)))
		goto out;
	while ((rc = store_step(st, s)) == 1) {
		void *g = grow(d->stock, &cap, n, sizeof(*d->stock));
		if (!g) {
			rc = no_memory(st);
			break;
		}
		d->stock = g;
		struct report_stock *x = &d->stock[n];
		if (store_column_text(s, 0, x->product, sizeof(x->product)) ||
		    store_column_text(s, 1, x->lot, sizeof(x->lot))) {
			rc = malformed(st, "lot");
			break;
		}
		x->start = sqlite3_column_int64(s, 2);
		x->received = sqlite3_column_int64(s, 3);
		x->end = sqlite3_column_int64(s, 4);
		n++;
	}
	if (rc == 0)
		d->in.n_stock = n;
out:
	store_stmt_reset(s);
	return rc;
}

static int gather_sync(struct store *st, int64_t from, int64_t to, struct store_report_data *d)
{
	sqlite3_stmt *s = NULL;
	int rc;
	if ((rc = store_stmt(st, SQL_SYNC, &s)) || (rc = store_bind_int64(st, s, 1, from)) ||
	    (rc = store_bind_int64(st, s, 2, to)))
		goto out;
	if ((rc = store_step(st, s)) != 1) {
		rc = rc < 0 ? rc
			    : store_err_set(st, VB_ESTORAGE, "the outbox count returned no row");
		goto out;
	}
	d->in.sync = (struct report_sync){
	    .pending = sqlite3_column_int64(s, 0),
	    .in_flight = sqlite3_column_int64(s, 1),
	    .acked = sqlite3_column_int64(s, 2),
	    .failed = sqlite3_column_int64(s, 3),
	};
	rc = VB_OK;
out:
	store_stmt_reset(s);
	return rc;
}

/* Runs one of the read transaction's static statements. */
static int run(struct store *st, const char *sql)
{
	sqlite3_stmt *s = NULL;
	int rc = store_stmt(st, sql, &s);
	return rc ? rc : store_step_done(st, s);
}

int store_report_gather(struct store *st, const char *site_id, int32_t day, int utc_offset_min,
			struct store_report_data *out)
{
	struct store_report_data d;
	int rc = VB_OK, owned = 0;

	memset(&d, 0, sizeof(d));
	if (day == VBDATE_NONE || utc_offset_min < -1440 || utc_offset_min > 1440)
		return store_err_set(st, VB_EINVAL, "report day unset or UTC offset out of range");
	if (site_id && strlen(site_id) >= sizeof(d.site))
		return store_err_set(st, VB_EINVAL, "report site id is too long");
	const int64_t from = vbdate_to_unix(day) - (int64_t)utc_offset_min * 60;
	const int64_t to = from + 86400;

	if (!store_in_transaction(st)) {
		if ((rc = run(st, SQL_BEGIN_READ)))
			return rc;
		owned = 1;
	}
	if (site_id) {
		memcpy(d.site, site_id, strlen(site_id) + 1);
	} else {
		rc = store_meta_get(st, "site_id", d.site, sizeof(d.site));
		if (rc == VB_ENOTFOUND || rc == VB_ERANGE)
			rc = VB_OK; /* the report then names no site */
		if (rc)
			goto out;
	}
	if ((rc = gather_visits(st, site_id, day, &d)) ||
	    (rc = gather_doses(st, site_id, day, &d)) ||
	    (rc = gather_aefis(st, site_id, from, to, &d)) ||
	    (rc = gather_vials(st, from, to, &d)) || (rc = gather_waste(st, from, to, &d)) ||
	    (rc = gather_stock(st, from, to, &d)) || (rc = gather_sync(st, from, to, &d)))
		goto out;
	d.in.date = day;
	d.in.visits = d.visits;
	d.in.doses = d.doses;
	d.in.aefis = d.aefis;
	d.in.vials = d.vials;
	d.in.waste = d.waste;
	d.in.stock = d.stock;
out:
	if (owned) {
		char msg[STORE_ERRMSG_MAX];
		memcpy(msg, st->errmsg, sizeof(msg));
		int rc2 = run(st, SQL_END_READ);
		if (rc)
			memcpy(st->errmsg, msg, sizeof(msg));
		else
			rc = rc2;
	}
	if (rc) {
		store_report_cleanup(&d);
		return rc;
	}
	*out = d;
	out->in.site = out->site; /* into the caller's copy, not this frame */
	return VB_OK;
}

void store_report_cleanup(struct store_report_data *d)
{
	if (!d)
		return;
	if (d->aefis)
		iddoc_wipe(d->aefis, d->in.n_aefis * sizeof(*d->aefis));
	free(d->visits);
	free(d->defer_codes);
	free(d->doses);
	free(d->aefis);
	free(d->vials);
	free(d->waste);
	free(d->stock);
	memset(d, 0, sizeof(*d));
}
