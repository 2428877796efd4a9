/*
 * store_lot: lots, vials, the stock ledger and wastage (store_lot.h). The
 * tables are made by migration step 2 (store_migrations.c).
 */
#include "store_lot.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "store_audit.h"
#include "store_int.h"
#include "vbdate.h"

static const char SQL_LOT_ADD[] =
    "INSERT INTO lot (id, lot, product, gtin, expiry, doses_per_vial, vials, fridge, recalled,"
    " quarantined, created_at, updated_at)"
    " VALUES (?1, ?2, ?3, ?4, date(?5 * 86400, 'unixepoch'), ?6, ?7, ?8, ?9, ?10, ?11, ?11)";

#define LOT_COLS                                                                                   \
	"SELECT product, lot, gtin, unixepoch(expiry) / 86400, doses_per_vial, vials, fridge,"     \
	" recalled, quarantined FROM lot"

static const char SQL_LOT_GET[] = LOT_COLS " WHERE lot = ?1";
static const char SQL_LOT_LIST[] = LOT_COLS " ORDER BY product, expiry IS NULL, expiry, lot";
static const char SQL_LOT_SAVE[] = "UPDATE lot SET vials = ?2, recalled = ?3, quarantined = ?4,"
				   " updated_at = ?5 WHERE lot = ?1";

static const char SQL_MOVE_ADD[] = "INSERT INTO stock_move (id, lot, kind, doses, at, ref)"
				   " VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
static const char SQL_DOSES_AT[] =
    "SELECT coalesce(sum(m.doses), 0) FROM stock_move m JOIN lot l ON l.lot = m.lot"
    " WHERE m.at < ?3 AND (?1 IS NULL OR l.product = ?1) AND (?2 IS NULL OR m.lot = ?2)";
static const char SQL_BY_PRODUCT[] =
    "SELECT l.product, sum(m.doses) FROM stock_move m JOIN lot l ON l.lot = m.lot"
    " WHERE m.at < ?1 GROUP BY l.product ORDER BY l.product";

static const char SQL_VIAL_ADD[] =
    "INSERT INTO vial (id, lot, opened_at, discard_at, doses_left, closed)"
    " VALUES (?1, ?2, ?3, ?4, ?5, 0)";
static const char SQL_VIAL_OPEN[] = "SELECT id, lot, opened_at, discard_at, doses_left FROM vial"
				    " WHERE closed = 0 ORDER BY opened_at, id";
static const char SQL_VIAL_CLOSED[] = "SELECT closed FROM vial WHERE id = ?1";
static const char SQL_VIAL_SAVE[] = "UPDATE vial SET doses_left = ?2, closed = ?3 WHERE id = ?1";

static const char SQL_WASTE_ADD[] =
    "INSERT INTO wastage (id, lot, doses, vials, reason, at, note, recorded_by, created_at)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";
static const char SQL_WASTE_LIST[] = "SELECT lot, doses, vials, reason, at, note FROM wastage"
				     " WHERE at >= ?1 AND at < ?2 ORDER BY at, id";

static int terminated(const char *s, size_t cap)
{
	return memchr(s, '\0', cap) != NULL;
}

static int check_gtin(const char *g, size_t cap)
{
	if (!terminated(g, cap))
		return 0;
	size_t n = strlen(g);
	if (n == 0)
		return 1;
	if (n != 14)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (g[i] < '0' || g[i] > '9')
			return 0;
	return 1;
}

/* Appends one ledger row. */
static int move_add(struct store *st, const char *lot, const char *kind, int64_t doses, int64_t at,
		    const char *ref)
{
	char id[STORE_ID_LEN + 1];
	sqlite3_stmt *s = NULL;
	int rc = VB_OK;
	if (store_id_new(id))
		return store_err_set(st, VB_EIO, "cannot make a movement id: getrandom failed");
	if ((rc = store_stmt(st, SQL_MOVE_ADD, &s)) || (rc = store_bind_text(st, s, 1, id)) ||
	    (rc = store_bind_text(st, s, 2, lot)) || (rc = store_bind_text(st, s, 3, kind)) ||
	    (rc = store_bind_int64(st, s, 4, doses)) || (rc = store_bind_int64(st, s, 5, at)) ||
	    (rc = store_bind_text(st, s, 6, ref)))
		goto out;
	rc = store_step_done(st, s);
out:
	store_stmt_reset(s);
	return rc;
}

/* Runs a statement that yields one integer (a sum) into *v. */
static int one_int(struct store *st, sqlite3_stmt *s, int64_t *v)
{
	int rc = store_step(st, s);
	if (rc == 1) {
		*v = sqlite3_column_int64(s, 0);
		rc = VB_OK;
	} else if (rc == 0) {
		rc = store_err_set(st, VB_ESTORAGE, "an aggregate returned no row");
	}
	store_stmt_reset(s);
	return rc;
}

int store_lot_add(struct store *st, const struct stock_lot *lot, const char *actor, int64_t now)
{
	char id[STORE_ID_LEN + 1], detail[200];
	sqlite3_stmt *s = NULL;
	int rc = store_need_tx(st, "store_lot_add");

	if (rc || (rc = store_check_token(st, "actor", actor, STORE_AUDIT_TOKEN_MAX + 1)) ||
	    (rc = store_check_token(st, "lot number", lot->lot, sizeof(lot->lot))) ||
	    (rc = store_check_token(st, "lot product", lot->product, sizeof(lot->product))) ||
	    (rc = store_check_token(st, "lot fridge", lot->fridge, sizeof(lot->fridge))))
		return rc;
	if (!check_gtin(lot->gtin, sizeof(lot->gtin)))
		return store_err_set(st, VB_EINVAL, "lot gtin is neither empty nor 14 digits");
	if (lot->doses_per_vial < 1 || lot->vials < 0 || (lot->recalled & ~1) ||
	    (lot->quarantined & ~1))
		return store_err_set(st, VB_EINVAL,
				     "lot doses_per_vial, vials, recalled or quarantined is out of "
				     "range");
	if (store_id_new(id))
		return store_err_set(st, VB_EIO, "cannot make a lot id: getrandom failed");
	if ((rc = store_stmt(st, SQL_LOT_ADD, &s)) || (rc = store_bind_text(st, s, 1, id)) ||
	    (rc = store_bind_text(st, s, 2, lot->lot)) ||
	    (rc = store_bind_text(st, s, 3, lot->product)) ||
	    (rc = store_bind_text(st, s, 4, lot->gtin)))
		goto out;
	if (lot->expiry != VBDATE_NONE && (rc = store_bind_int64(st, s, 5, lot->expiry)))
		goto out;
	if ((rc = store_bind_int64(st, s, 6, lot->doses_per_vial)) ||
	    (rc = store_bind_int64(st, s, 7, lot->vials)) ||
	    (rc = store_bind_text(st, s, 8, lot->fridge)) ||
	    (rc = store_bind_int64(st, s, 9, lot->recalled)) ||
	    (rc = store_bind_int64(st, s, 10, lot->quarantined)) ||
	    (rc = store_bind_int64(st, s, 11, now)))
		goto out;
	if ((rc = store_step_done(st, s)))
		goto out;
	const int64_t doses = (int64_t)lot->vials * lot->doses_per_vial;
	if (doses > 0 && (rc = move_add(st, lot->lot, "receive", doses, now, id)))
		goto out;
	snprintf(detail, sizeof(detail), "lot=%s product=%s vials=%d doses=%" PRId64 " fridge=%s",
		 lot->lot, lot->product, lot->vials, doses, lot->fridge);
	rc = store_audit_append(st, now, actor, "lot.add", id, detail);
out:
	store_stmt_reset(s);
	return rc;
}

/* Reads the current row of a LOT_COLS statement. */
static int read_lot(struct store *st, sqlite3_stmt *s, struct stock_lot *out)
{
	struct stock_lot l;
	memset(&l, 0, sizeof(l));
	if (store_column_text(s, 0, l.product, sizeof(l.product)) ||
	    store_column_text(s, 1, l.lot, sizeof(l.lot)) ||
	    store_column_text(s, 2, l.gtin, sizeof(l.gtin)) ||
	    store_column_text(s, 6, l.fridge, sizeof(l.fridge)))
		return store_err_set(st, VB_ECORRUPT, "a stored lot row is malformed");
	l.expiry =
	    sqlite3_column_type(s, 3) == SQLITE_NULL ? VBDATE_NONE : sqlite3_column_int(s, 3);
	l.doses_per_vial = sqlite3_column_int(s, 4);
	l.vials = sqlite3_column_int(s, 5);
	l.recalled = sqlite3_column_int(s, 7);
	l.quarantined = sqlite3_column_int(s, 8);
	*out = l;
	return VB_OK;
}

int store_lot_get(struct store *st, const char *lot_number, struct stock_lot *out)
{
	sqlite3_stmt *s = NULL;
	int rc = VB_OK;
	if (!lot_number)
		return store_err_set(st, VB_EINVAL, "lot number is NULL");
	if ((rc = store_stmt(st, SQL_LOT_GET, &s)) || (rc = store_bind_text(st, s, 1, lot_number)))
		goto out;
	rc = store_step(st, s);
	if (rc == 0)
		rc = store_err_set(st, VB_ENOTFOUND, "no lot with that number is on board");
	else if (rc == 1)
		rc = read_lot(st, s, out);
out:
	store_stmt_reset(s);
	return rc;
}

int store_lot_list(struct store *st, struct stock_lot *out, size_t cap, size_t *n)
{
	sqlite3_stmt *s = NULL;
	size_t k = 0;
	int rc = store_stmt(st, SQL_LOT_LIST, &s);
	while (!rc && (rc = store_step(st, s)) == 1) {
		if (k == cap) {
			rc = store_err_set(st, VB_ERANGE, "more than %zu lots are on board", cap);
			break;
		}
		rc = read_lot(st, s, &out[k++]);
	}
	if (rc == 0)
		*n = k;
	store_stmt_reset(s);
	return rc;
}

int store_lot_save(struct store *st, const struct stock_lot *lot, const char *actor,
		   const char *action, const char *detail, int64_t now)
{
	struct stock_lot cur;
	char text[STORE_AUDIT_DETAIL_MAX + 1];
	sqlite3_stmt *s = NULL;
	int rc = store_need_tx(st, "store_lot_save");

	if (rc || (rc = store_check_token(st, "actor", actor, STORE_AUDIT_TOKEN_MAX + 1)) ||
	    (rc = store_check_token(st, "audit action", action, STORE_AUDIT_TOKEN_MAX + 1)))
		return rc;
	if (lot->vials < 0 || (lot->recalled & ~1) || (lot->quarantined & ~1))
		return store_err_set(st, VB_EINVAL,
				     "lot vials, recalled or quarantined is out of range");
	if (!terminated(lot->lot, sizeof(lot->lot)))
		return store_err_set(st, VB_EINVAL, "lot number is not terminated");
	if ((rc = store_lot_get(st, lot->lot, &cur)))
		return rc;
	if (cur.recalled && !lot->recalled)
		return store_err_set(st, VB_EINVAL, "a recall is never lifted");
	if ((rc = store_stmt(st, SQL_LOT_SAVE, &s)) || (rc = store_bind_text(st, s, 1, lot->lot)) ||
	    (rc = store_bind_int64(st, s, 2, lot->vials)) ||
	    (rc = store_bind_int64(st, s, 3, lot->recalled)) ||
	    (rc = store_bind_int64(st, s, 4, lot->quarantined)) ||
	    (rc = store_bind_int64(st, s, 5, now)) || (rc = store_step_done(st, s)))
		goto out;
	int w = snprintf(text, sizeof(text), "lot=%s vials=%d recalled=%d quarantined=%d", lot->lot,
			 lot->vials, lot->recalled, lot->quarantined);
	if (detail && *detail)
		snprintf(text + w, sizeof(text) - (size_t)w, " %s", detail);
	rc = store_audit_append(st, now, actor, action, lot->lot, text);
out:
	store_stmt_reset(s);
	return rc;
}

int store_vial_add(struct store *st, const struct stock_vial *vial, const char *actor, int64_t now,
		   char id_out[STORE_ID_LEN + 1])
{
	char id[STORE_ID_LEN + 1], detail[160];
	sqlite3_stmt *s = NULL;
	int rc = store_need_tx(st, "store_vial_add");

	if (rc || (rc = store_check_token(st, "actor", actor, STORE_AUDIT_TOKEN_MAX + 1)) ||
	    (rc = store_check_token(st, "vial lot", vial->lot, sizeof(vial->lot))))
		return rc;
	if (vial->doses_left < 0 || vial->discard_at < vial->opened_at)
		return store_err_set(
		    st, VB_EINVAL, "vial doses_left is negative or discard_at precedes opened_at");
	if (store_id_new(id))
		return store_err_set(st, VB_EIO, "cannot make a vial id: getrandom failed");
	if ((rc = store_stmt(st, SQL_VIAL_ADD, &s)) || (rc = store_bind_text(st, s, 1, id)) ||
	    (rc = store_bind_text(st, s, 2, vial->lot)) ||
	    (rc = store_bind_int64(st, s, 3, vial->opened_at)) ||
	    (rc = store_bind_int64(st, s, 4, vial->discard_at)) ||
	    (rc = store_bind_int64(st, s, 5, vial->doses_left)) || (rc = store_step_done(st, s)))
		goto out;
	snprintf(detail, sizeof(detail), "lot=%s doses_left=%d discard_at=%" PRId64, vial->lot,
		 vial->doses_left, vial->discard_at);
	if ((rc = store_audit_append(st, now, actor, "vial.open", id, detail)))
		goto out;
	memcpy(id_out, id, sizeof(id));
out:
	store_stmt_reset(s);
	return rc;
}

int store_vial_list_open(struct store *st, struct stock_vial *out, char (*ids)[STORE_ID_LEN + 1],
			 size_t cap, size_t *n)
{
	sqlite3_stmt *s = NULL;
	size_t k = 0;
	int rc = store_stmt(st, SQL_VIAL_OPEN, &s);
	while (!rc && (rc = store_step(st, s)) == 1) {
		if (k == cap) {
			rc = store_err_set(st, VB_ERANGE, "more than %zu vials are open", cap);
			break;
		}
		struct stock_vial v;
		memset(&v, 0, sizeof(v));
		if (store_column_text(s, 0, ids[k], sizeof(ids[k])) ||
		    store_column_text(s, 1, v.lot, sizeof(v.lot))) {
			rc = store_err_set(st, VB_ECORRUPT, "a stored vial row is malformed");
			break;
		}
		v.opened_at = sqlite3_column_int64(s, 2);
		v.discard_at = sqlite3_column_int64(s, 3);
		v.doses_left = sqlite3_column_int(s, 4);
		out[k++] = v;
		rc = VB_OK;
	}
	if (rc == 0)
		*n = k;
	store_stmt_reset(s);
	return rc;
}

int store_vial_save(struct store *st, const char *id, const struct stock_vial *vial, int closed)
{
	sqlite3_stmt *s = NULL;
	int64_t was_closed = 0;
	int rc = store_need_tx(st, "store_vial_save");

	if (rc)
		return rc;
	if (!id || vial->doses_left < 0 || (closed & ~1))
		return store_err_set(st, VB_EINVAL,
				     "vial id is NULL, doses_left negative or closed not 0/1");
	if ((rc = store_stmt(st, SQL_VIAL_CLOSED, &s)) || (rc = store_bind_text(st, s, 1, id)))
		goto out;
	rc = store_step(st, s);
	if (rc == 0) {
		rc = store_err_set(st, VB_ENOTFOUND, "no such vial");
		goto out;
	}
	if (rc < 0)
		goto out;
	was_closed = sqlite3_column_int64(s, 0);
	store_stmt_reset(s);
	if (was_closed && !closed) {
		rc = store_err_set(st, VB_EINVAL, "a closed vial is never reopened");
		goto out;
	}
	if ((rc = store_stmt(st, SQL_VIAL_SAVE, &s)) || (rc = store_bind_text(st, s, 1, id)) ||
	    (rc = store_bind_int64(st, s, 2, vial->doses_left)) ||
	    (rc = store_bind_int64(st, s, 3, closed)))
		goto out;
	rc = store_step_done(st, s);
out:
	store_stmt_reset(s);
	return rc;
}

int store_wastage_add(struct store *st, const struct stock_wastage *w, const char *actor,
		      int64_t now)
{
	struct stock_lot lot;
	char id[STORE_ID_LEN + 1], detail[200];
	sqlite3_stmt *s = NULL;
	const char *reason = stock_waste_reason_name(w->reason);
	int rc = store_need_tx(st, "store_wastage_add");

	if (rc || (rc = store_check_token(st, "actor", actor, STORE_AUDIT_TOKEN_MAX + 1)) ||
	    (rc = store_check_token(st, "wastage lot", w->lot, sizeof(w->lot))))
		return rc;
	if (!reason || w->doses < 1 || w->vials < 0 || !terminated(w->note, sizeof(w->note)))
		return store_err_set(st, VB_EINVAL,
				     "wastage reason unknown, doses < 1, vials < 0 or note not "
				     "terminated");
	if ((rc = store_lot_get(st, w->lot, &lot)))
		return rc == VB_ENOTFOUND ? store_err_set(st, VB_EINVAL,
							  "wastage names no lot on "
							  "board")
					  : rc;
	if (store_id_new(id))
		return store_err_set(st, VB_EIO, "cannot make a wastage id: getrandom failed");
	if ((rc = store_stmt(st, SQL_WASTE_ADD, &s)) || (rc = store_bind_text(st, s, 1, id)) ||
	    (rc = store_bind_text(st, s, 2, w->lot)) ||
	    (rc = store_bind_int64(st, s, 3, w->doses)) ||
	    (rc = store_bind_int64(st, s, 4, w->vials)) ||
	    (rc = store_bind_text(st, s, 5, reason)) || (rc = store_bind_int64(st, s, 6, w->at)) ||
	    (rc = store_bind_text(st, s, 7, w->note)) || (rc = store_bind_text(st, s, 8, actor)) ||
	    (rc = store_bind_int64(st, s, 9, now)) || (rc = store_step_done(st, s)))
		goto out;
	if ((rc = move_add(st, w->lot, lot.recalled ? "recall" : "waste", -(int64_t)w->doses, w->at,
			   id)))
		goto out;
	snprintf(detail, sizeof(detail), "lot=%s reason=%s doses=%d vials=%d", w->lot, reason,
		 w->doses, w->vials);
	rc = store_audit_append(st, now, actor, "stock.waste", id, detail);
out:
	store_stmt_reset(s);
	return rc;
}

int store_wastage_list(struct store *st, int64_t from, int64_t to, struct stock_wastage *out,
		       size_t cap, size_t *n)
{
	sqlite3_stmt *s = NULL;
	size_t k = 0;
	int rc = VB_OK;
	if ((rc = store_stmt(st, SQL_WASTE_LIST, &s)) || (rc = store_bind_int64(st, s, 1, from)) ||
	    (rc = store_bind_int64(st, s, 2, to)))
		goto out;
	while ((rc = store_step(st, s)) == 1) {
		if (k == cap) {
			rc = store_err_set(st, VB_ERANGE, "more than %zu wastage records", cap);
			break;
		}
		struct stock_wastage w;
		char reason[32];
		memset(&w, 0, sizeof(w));
		if (store_column_text(s, 0, w.lot, sizeof(w.lot)) ||
		    store_column_text(s, 3, reason, sizeof(reason)) ||
		    store_column_text(s, 5, w.note, sizeof(w.note)) ||
		    stock_waste_reason_from_name(reason, &w.reason)) {
			rc = store_err_set(st, VB_ECORRUPT, "a stored wastage row is malformed");
			break;
		}
		w.doses = sqlite3_column_int(s, 1);
		w.vials = sqlite3_column_int(s, 2);
		w.at = sqlite3_column_int64(s, 4);
		out[k++] = w;
	}
	if (rc == 0)
		*n = k;
out:
	store_stmt_reset(s);
	return rc;
}

int store_stock_doses_at(struct store *st, const char *product, const char *lot, int64_t at,
			 int64_t *doses)
{
	sqlite3_stmt *s = NULL;
	int rc = VB_OK;
	if ((rc = store_stmt(st, SQL_DOSES_AT, &s)) || (rc = store_bind_text(st, s, 1, product)) ||
	    (rc = store_bind_text(st, s, 2, lot)) || (rc = store_bind_int64(st, s, 3, at)))
		goto out;
	rc = one_int(st, s, doses);
out:
	store_stmt_reset(s);
	return rc;
}

int store_stock_by_product_at(struct store *st, int64_t at, struct store_stock_product *out,
			      size_t cap, size_t *n)
{
	sqlite3_stmt *s = NULL;
	size_t k = 0;
	int rc = VB_OK;
	if ((rc = store_stmt(st, SQL_BY_PRODUCT, &s)) || (rc = store_bind_int64(st, s, 1, at)))
		goto out;
	while ((rc = store_step(st, s)) == 1) {
		if (k == cap) {
			rc = store_err_set(st, VB_ERANGE, "more than %zu products in stock", cap);
			break;
		}
		if (store_column_text(s, 0, out[k].product, sizeof(out[k].product))) {
			rc = store_err_set(st, VB_ECORRUPT, "a stored product id is too long");
			break;
		}
		out[k++].doses = sqlite3_column_int64(s, 1);
	}
	if (rc == 0)
		*n = k;
out:
	store_stmt_reset(s);
	return rc;
}
