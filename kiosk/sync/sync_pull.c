/*
 * sync_pull: what the bus needs from the platform before it leaves
 * coverage (sync.h): the dose histories of the residents expected at the
 * next stops, and the lots the platform has recalled.
 *
 * Histories: the expected residents go in groups of PULL_GROUP with the
 * same cursor, two searches each (following "next" links):
 *   Patient?identifier=S|N,S|N,...
 *   Immunization?patient=Patient/a,Patient/b,...&_lastUpdated=ge<cursor>
 * (plain searches every FHIR server has; chained ones and _include are
 * not everywhere). Recalls: Medication?status=inactive with the
 * same kind of cursor, kept in meta. A cursor is the newest lastUpdated
 * seen, taken back by PULL_OVERLAP_S at query time: a platform may commit
 * records out of lastUpdated order, so a bare timestamp cursor would skip
 * some; the overlap re-reads a few, and each is kept once (by platform id).
 * The answers are read by sync_pull_read.c; here are the requests, the
 * paging and the store writes.
 */
#define _DEFAULT_SOURCE /* timegm */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "stock.h"
#include "store_history.h"
#include "store_lot.h"
#include "store_meta.h"
#include "store_visit.h"
#include "sync_int.h"
#include "sync_pull_read.h"
#include "vb_error.h"

#define PULL_OVERLAP_S	300
#define PULL_MAX_PAGES	1000
#define META_MED_CURSOR "sync_cursor_medication"

struct pull {
	struct sync_engine *e;
	struct sync_pull_result *r;
	struct store_expected group[SYNC_PULL_GROUP];
	char newest[SYNC_PULL_GROUP][STORE_HISTORY_CURSOR_SIZE];
	size_t n;
	struct sync_pull_patients patients;
};

/* "YYYY-MM-DDTHH:MM:SS[.fff]Z" minus PULL_OVERLAP_S, as "…Z" into out; ""
 * stays "". */
static void cursor_back(const char *cursor, char *out, size_t cap)
{
	struct tm tm;
	memset(&tm, 0, sizeof(tm));
	out[0] = '\0';
	if (!cursor[0] || sscanf(cursor, "%4d-%2d-%2dT%2d:%2d:%2d", &tm.tm_year, &tm.tm_mon,
				 &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec) != 6)
		return;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	time_t t = timegm(&tm) - PULL_OVERLAP_S;
	gmtime_r(&t, &tm);
	strftime(out, cap, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* GETs path_query (or a next link) into *ans. VB_OK with a 200 searchset,
 * VB_EIO (r->last_error says why), VB_ENOMEM. */
static int search(struct sync_engine *e, struct sync_pull_result *r, const char *path_query,
		  json_t **ans)
{
	struct sync_http_reply rep;
	int rc = sync_http_get(e->http, path_query, &rep);
	r->requests++;
	r->bytes_up += rep.bytes_up;
	r->bytes_down += rep.bytes_down;
	*ans = NULL;
	if (rc == VB_EIO)
		snprintf(r->last_error, sizeof(r->last_error), "%s", rep.error);
	if (!rc && rep.status != 200) {
		snprintf(r->last_error, sizeof(r->last_error), "HTTP %ld on a search", rep.status);
		rc = VB_EIO;
	}
	if (!rc && !(*ans = json_loads(rep.body, 0, NULL))) {
		snprintf(r->last_error, sizeof(r->last_error), "the search answer is not JSON");
		rc = VB_EIO;
	}
	sync_http_reply_cleanup(&rep);
	sync_engine_note(e, rc == VB_OK, rc ? r->last_error : NULL, e->clock());
	return rc == VB_EINVAL ? VB_EIO : rc;
}

/* Keeps the Immunizations of one page of a search by patient; *next is
 * the page's next link. */
static int keep_doses(void *arg, json_t *bundle, const char **next)
{
	struct pull *pl = arg;
	struct sync_engine *e = pl->e;
	struct sync_pull_doses got;
	int rc = sync_pull_doses_read(&e->o.systems, e->cat, pl->group, pl->n, &pl->patients,
				      bundle, &got);
	if (rc)
		return rc;
	*next = got.page.next;
	for (size_t k = 0; k < got.page.n_skip; k++) {
		if (strcmp(got.page.skip[k].why.code, SYNC_PULL_DUPLICATE) == 0)
			pl->r->doses_known++; /* kept from its first entry */
		else
			pl->r->doses_skipped++;
	}
	rc = store_begin(e->st);
	for (size_t k = 0; k < got.n && !rc; k++) {
		const struct sync_pull_dose *d = &got.v[k];
		struct store_dose mine;
		if (d->record_id[0] && store_dose_get(e->st, d->record_id, &mine) == VB_OK) {
			pl->r->doses_known++; /* made on this bus */
			continue;
		}
		if (d->member == SYNC_PULL_NO_MEMBER) {
			pl->r->doses_skipped++;
			continue;
		}
		rc = store_history_add(e->st, &d->d, e->clock());
		if (rc == VB_EEXIST) {
			pl->r->doses_known++;
			rc = VB_OK;
		} else if (rc == VB_OK) {
			pl->r->doses_new++;
		}
		sync_pull_newer(pl->newest[d->member], d->last_updated);
	}
	if (!rc)
		rc = store_commit(e->st);
	if (rc)
		store_rollback(e->st);
	sync_pull_doses_free(&got);
	return rc;
}

/*
 * Runs search path_query and calls fn for each page (following the "next"
 * link fn gives, borrowed from the page, at most PULL_MAX_PAGES). VB_OK,
 * VB_EIO, or fn's error.
 */
static int each_page(struct sync_engine *e, struct sync_pull_result *r, const char *path_query,
		     int (*fn)(void *arg, json_t *page, const char **next), void *arg)
{
	json_t *page = NULL;
	int rc = search(e, r, path_query, &page);
	for (int pages = 0; !rc && page && pages < PULL_MAX_PAGES; pages++) {
		const char *next = NULL;
		rc = fn(arg, page, &next);
		json_t *more = NULL;
		if (!rc && next)
			rc = search(e, r, next, &more);
		json_decref(page);
		page = more;
	}
	json_decref(page);
	return rc;
}

/* Maps the Patients of one page to the group's residents. */
static int map_patients(void *arg, json_t *bundle, const char **next)
{
	struct pull *pl = arg;
	struct sync_pull_page page;
	int rc = sync_pull_patients_read(&pl->e->o.systems, pl->group, pl->n, bundle, &pl->patients,
					 &page);
	*next = page.next;
	free(page.skip);
	return rc;
}

/*
 * One group: the residents' Patients by document identifier (a platform
 * may hold several for one resident), then their Immunizations changed
 * since the group's cursor, then the cursors.
 */
static int pull_group(struct pull *pl)
{
	struct sync_engine *e = pl->e;
	char q[8192] = "Patient?identifier=", since[STORE_HISTORY_CURSOR_SIZE];
	int rc = VB_OK;
	for (size_t k = 0; k < pl->n && !rc; k++) {
		if (k)
			strcat(q, ",");
		rc = sync_http_pct(e->o.systems.doc[pl->group[k].doc_type], q, sizeof(q));
		if (!rc && strlen(q) + 2 < sizeof(q))
			strcat(q, "|");
		if (!rc)
			rc = sync_http_pct(pl->group[k].doc_number, q, sizeof(q));
		memcpy(pl->newest[k], pl->group[k].cursor, sizeof(pl->newest[k]));
	}
	if (!rc && strlen(q) + 12 < sizeof(q))
		strcat(q, "&_count=100");
	if (!rc)
		rc = each_page(e, pl->r, q, map_patients, pl);

	/* Their doses: Immunization?patient=Patient/a,Patient/b... */
	size_t len = (size_t)snprintf(q, sizeof(q), "Immunization?patient=");
	for (size_t k = 0; k < pl->patients.n && !rc; k++) {
		const char *ref = pl->patients.v[k].ref;
		if (len + strlen(ref) + 2 >= sizeof(q))
			rc = VB_ERANGE;
		else
			len += (size_t)snprintf(q + len, sizeof(q) - len, "%s%s",
						q[len - 1] == '=' ? "" : ",", ref);
	}
	cursor_back(pl->group[0].cursor, since, sizeof(since));
	int w = snprintf(q + len, sizeof(q) - len, "&_count=100%s%s",
			 since[0] ? "&_lastUpdated=ge" : "", since);
	if (!rc && (w < 0 || (size_t)w >= sizeof(q) - len))
		rc = VB_ERANGE;
	if (!rc && pl->patients.n)
		rc = each_page(e, pl->r, q, keep_doses, pl);
	sync_pull_patients_free(&pl->patients);
	for (size_t k = 0; k < pl->n && !rc; k++)
		if (strcmp(pl->newest[k], pl->group[k].cursor) != 0)
			rc = store_history_set_cursor(e->st, pl->group[k].doc_type,
						      pl->group[k].doc_number, pl->newest[k]);
	pl->r->persons += (int64_t)pl->n;
	return rc;
}

struct list {
	struct store_expected *v;
	size_t n, cap;
};

static int on_expected(void *arg, const struct store_expected *x)
{
	struct list *l = arg;
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 64;
		struct store_expected *v = realloc(l->v, cap * sizeof(*v));
		if (!v)
			return VB_ENOMEM;
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n++] = *x;
	return 0;
}

/* The expected residents (by cursor) in groups of the same cursor. */
static int pull_histories(struct sync_engine *e, struct sync_pull_result *r)
{
	struct list l = {NULL, 0, 0};
	struct pull *pl = calloc(1, sizeof(*pl));
	int rc = pl ? store_history_expected(e->st, on_expected, &l) : VB_ENOMEM;
	for (size_t i = 0; !rc && i < l.n;) {
		memset(pl, 0, sizeof(*pl));
		pl->e = e;
		pl->r = r;
		while (i < l.n && pl->n < SYNC_PULL_GROUP &&
		       (pl->n == 0 || strcmp(l.v[i].cursor, pl->group[0].cursor) == 0))
			pl->group[pl->n++] = l.v[i++];
		rc = pull_group(pl);
	}
	free(pl);
	free(l.v);
	return rc;
}

/* Marks recalled the lots on board that the platform lists as inactive
 * Medications (batch.lotNumber). */
struct recalls {
	struct sync_engine *e;
	struct sync_pull_result *r;
	char newest[STORE_HISTORY_CURSOR_SIZE];
};

static int keep_recalls(void *arg, json_t *bundle, const char **next)
{
	struct recalls *rl = arg;
	struct sync_engine *e = rl->e;
	struct sync_pull_recalls got;
	int rc = sync_pull_recalls_read(bundle, &got);
	if (rc)
		return rc;
	*next = got.page.next;
	sync_pull_newer(rl->newest, got.newest);
	for (size_t k = 0; k < got.page.n_skip; k++)
		if (strcmp(got.page.skip[k].why.code, SYNC_PULL_DUPLICATE) != 0)
			rl->r->recalls_unreadable++;
	rc = store_begin(e->st);
	for (size_t k = 0; k < got.n && !rc; k++) {
		struct stock_lot l;
		size_t marked = 0;
		int lr = store_lot_get(e->st, got.v[k].lot, &l);
		if (lr == VB_ENOTFOUND || (!lr && l.recalled))
			continue;
		if ((rc = lr))
			break;
		char detail[200];
		snprintf(detail, sizeof(detail), "platform=%s",
			 got.v[k].medication[0] ? got.v[k].medication : "Medication");
		stock_recall(&l, 1, l.lot, NULL, &marked);
		if ((rc = store_lot_save(e->st, &l, "platform", "lot.recall", detail, e->clock())))
			break;
		rl->r->lots_recalled++;
	}
	if (!rc)
		rc = store_commit(e->st);
	if (rc)
		store_rollback(e->st);
	sync_pull_recalls_free(&got);
	return rc;
}

static int pull_recalls(struct sync_engine *e, struct sync_pull_result *r)
{
	char cursor[STORE_HISTORY_CURSOR_SIZE] = "", since[STORE_HISTORY_CURSOR_SIZE], q[160];
	struct recalls rl = {e, r, ""};
	if (store_meta_get(e->st, META_MED_CURSOR, cursor, sizeof(cursor)))
		cursor[0] = '\0';
	memcpy(rl.newest, cursor, sizeof(rl.newest));
	cursor_back(cursor, since, sizeof(since));
	snprintf(q, sizeof(q), "Medication?status=inactive&_count=100%s%s",
		 since[0] ? "&_lastUpdated=ge" : "", since);
	int rc = each_page(e, r, q, keep_recalls, &rl);
	if (!rc && strcmp(rl.newest, cursor) != 0)
		rc = store_meta_set(e->st, META_MED_CURSOR, rl.newest);
	return rc;
}

int sync_engine_pull(struct sync_engine *e, struct sync_pull_result *r)
{
	int rc = pull_histories(e, r);
	if (!rc)
		rc = pull_recalls(e, r);
	return rc;
}
