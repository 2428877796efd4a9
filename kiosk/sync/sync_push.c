/*
 * sync_push: the outbox to the platform (sync.h has the rules).
 *
 * A bundle is built from the claimed rows as "items": one per record, each
 * with the items it depends on (an Immunization's Patient, an
 * AdverseEvent's Immunization and Patient). A dependency the platform has
 * acknowledged is named by its platform id and not sent again; any other
 * one becomes an item too, sent once however many records need it. Items
 * have levels (Patient 0; Immunization 1; AdverseEvent 2): a transaction
 * carries every level with urn:uuid references, a batch is sent level by
 * level with the ids the level before got back.
 *
 * After the answers, every claimed row gets its fate in one transaction.
 * A bundle refused as a whole is split: its rows are sent again in two
 * halves, down to a single row, which is then quarantined with the
 * platform's reason; the bundle size the platform takes is learnt (halved
 * on such a refusal, doubled back after 10 bundles go through).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fhir_map.h"
#include "stock.h"
#include "store_aefi.h"
#include "store_lot.h"
#include "store_outbox.h"
#include "store_person.h"
#include "store_visit.h"
#include "sync_int.h"
#include "sync_reply.h"
#include "vb_error.h"

enum kind { K_PATIENT, K_IMMUNIZATION, K_DEFERRAL, K_ADVERSE_EVENT, K_COUNT };

static const char *const kind_names[K_COUNT] = {"patient", "immunization", "deferral",
						"adverse_event"};
static const char *const kind_types[K_COUNT] = {"Patient", "Immunization", "Immunization",
						"AdverseEvent"};
static const int kind_levels[K_COUNT] = {0, 1, 1, 2};

struct item {
	enum kind kind;
	char record_id[STORE_OUTBOX_RECORD_ID_SIZE];
	int row;		     /* index of the claimed row, -1 for a dependency only */
	int dep[2];		     /* items this one refers to: [0] patient, [1] immunization */
	char known[2][SYNC_REF_CAP]; /* or their platform ids when acknowledged before */
	enum sync_fate fate;
	char server_id[SYNC_REF_CAP];
	char error[SYNC_ERROR_CAP];
	/* The record. */
	struct person person, proxy;
	int has_proxy;
	struct store_dose dose;
	struct stock_lot lot;
	int has_lot;
	struct store_visit visit;
	struct aefi aefi;
};

struct round {
	struct sync_engine *e;
	struct sync_progress *p;
	struct item *items;
	size_t n, cap;
	int transient; /* a request failed for a passing reason */
	int64_t delay; /* seconds before the next attempt after one */
};

static void item_wipe(struct item *it)
{
	person_wipe(&it->person);
	person_wipe(&it->proxy);
	memset(it, 0, sizeof(*it));
}

static void round_cleanup(struct round *r)
{
	for (size_t i = 0; i < r->n; i++)
		item_wipe(&r->items[i]);
	free(r->items);
	r->items = NULL;
	r->n = r->cap = 0;
}

static int kind_parse(const char *s, enum kind *out)
{
	for (int k = 0; k < K_COUNT; k++)
		if (strcmp(s, kind_names[k]) == 0) {
			*out = (enum kind)k;
			return VB_OK;
		}
	return VB_EINVAL;
}

static void set_fate(struct item *it, enum sync_fate f, const char *error)
{
	it->fate = f;
	snprintf(it->error, sizeof(it->error), "%s", error ? error : "");
}

static int find_item(const struct round *r, enum kind k, const char *record_id)
{
	for (size_t i = 0; i < r->n; i++)
		if (r->items[i].kind == k && strcmp(r->items[i].record_id, record_id) == 0)
			return (int)i;
	return -1;
}

static int add_item(struct round *r, enum kind k, const char *record_id, int row, int depth);

/*
 * Resolves dependency slot `slot` of item i on record (k, record_id): the
 * platform id when the record was acknowledged, else an item (made if
 * needed). VB_OK or a storage error.
 */
static int need(struct round *r, int i, int slot, enum kind k, const char *record_id, int depth)
{
	struct store_outbox_row row;
	int rc = store_outbox_get(r->e->st, kind_names[k], record_id, &row);
	if (rc == VB_OK && row.state == STORE_OUTBOX_ACKED && row.server_id[0]) {
		snprintf(r->items[i].known[slot], SYNC_REF_CAP, "%s", row.server_id);
		return VB_OK;
	}
	if (rc && rc != VB_ENOTFOUND)
		return rc;
	int d = find_item(r, k, record_id);
	if (d < 0) {
		if ((rc = add_item(r, k, record_id, -1, depth + 1)))
			return rc;
		d = (int)r->n - 1;
	}
	r->items[i].dep[slot] = d;
	return VB_OK;
}

/* Loads item i's record and its dependencies. A record that cannot be
 * read for a reason other than storage fails the item. */
static int load_item(struct round *r, int i, int depth)
{
	struct store *st = r->e->st;
	struct item *it = &r->items[i];
	int rc = VB_OK;
	char person_id[37] = "", dose_id[37] = "";
	switch (it->kind) {
	case K_PATIENT:
		rc = store_person_get(st, it->record_id, &it->person);
		if (!rc && it->person.registered_by[0]) {
			rc = store_person_get(st, it->person.registered_by, &it->proxy);
			it->has_proxy = rc == VB_OK;
		}
		break;
	case K_IMMUNIZATION:
		rc = store_dose_get(st, it->record_id, &it->dose);
		if (!rc) {
			int lr = store_lot_get(st, it->dose.lot, &it->lot);
			it->has_lot = lr == VB_OK;
			if (lr && lr != VB_ENOTFOUND)
				rc = lr;
			snprintf(person_id, sizeof(person_id), "%s", it->dose.person_id);
		}
		break;
	case K_DEFERRAL:
		rc = store_visit_get(st, it->record_id, &it->visit);
		if (!rc)
			snprintf(person_id, sizeof(person_id), "%s", it->visit.person_id);
		break;
	case K_ADVERSE_EVENT:
		rc = store_aefi_get(st, it->record_id, &it->aefi);
		if (!rc)
			rc = store_visit_get(st, it->aefi.visit_id, &it->visit);
		if (!rc)
			rc = store_dose_by_visit(st, it->aefi.visit_id, &it->dose);
		if (!rc) {
			snprintf(person_id, sizeof(person_id), "%s", it->dose.person_id);
			snprintf(dose_id, sizeof(dose_id), "%s", it->dose.id);
		}
		break;
	default:
		rc = VB_EINVAL;
	}
	if (rc == VB_ENOTFOUND || rc == VB_EINVAL || rc == VB_ECORRUPT) {
		set_fate(&r->items[i], SYNC_FATE_FAILED, "the record cannot be read on the bus");
		return VB_OK;
	}
	if (rc)
		return rc;
	/* it may move as items grow: index from here on. */
	if (person_id[0] && (rc = need(r, i, 0, K_PATIENT, person_id, depth)))
		return rc;
	if (dose_id[0] && (rc = need(r, i, 1, K_IMMUNIZATION, dose_id, depth)))
		return rc;
	return VB_OK;
}

static int add_item(struct round *r, enum kind k, const char *record_id, int row, int depth)
{
	if (depth > 3)
		return VB_ECORRUPT; /* dependencies never go deeper */
	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 64;
		struct item *p = realloc(r->items, cap * sizeof(*p));
		if (!p)
			return VB_ENOMEM;
		r->items = p;
		r->cap = cap;
	}
	struct item *it = &r->items[r->n++];
	memset(it, 0, sizeof(*it));
	it->kind = k;
	it->row = row;
	it->dep[0] = it->dep[1] = -1;
	snprintf(it->record_id, sizeof(it->record_id), "%s", record_id);
	return load_item(r, (int)r->n - 1, depth);
}

/* The reference item i uses for dependency slot: "" when it has none. */
static void dep_ref(const struct round *r, const struct item *it, int slot, int in_bundle,
		    char *out)
{
	out[0] = '\0';
	if (it->known[slot][0]) {
		snprintf(out, SYNC_REF_CAP, "%s", it->known[slot]);
	} else if (it->dep[slot] >= 0) {
		const struct item *d = &r->items[it->dep[slot]];
		if (in_bundle)
			snprintf(out, SYNC_REF_CAP, "urn:uuid:%s", d->record_id);
		else
			snprintf(out, SYNC_REF_CAP, "%s", d->server_id);
	}
}

/* The resource of item i (a new reference), or NULL. */
static json_t *resource_of(const struct round *r, const struct item *it, int in_bundle)
{
	const struct fhir_systems *sys = &r->e->o.systems;
	char pref[SYNC_REF_CAP], iref[SYNC_REF_CAP];
	dep_ref(r, it, 0, in_bundle, pref);
	dep_ref(r, it, 1, in_bundle, iref);
	struct fhir_ref patient = {pref}, imm = {iref};
	switch (it->kind) {
	case K_PATIENT:
		return fhir_patient(sys, &it->person, it->has_proxy ? &it->proxy : NULL);
	case K_IMMUNIZATION:
		return fhir_immunization(sys, &it->dose, catalog_find(r->e->cat, it->dose.product),
					 it->has_lot ? &it->lot : NULL, &patient);
	case K_DEFERRAL:
		return fhir_deferral(sys, &it->visit, &patient);
	case K_ADVERSE_EVENT:
		return fhir_adverse_event(sys, &it->aefi, it->visit.site_id, &patient, &imm);
	default:
		return NULL;
	}
}

/* The search that finds item i's record on the platform, for its
 * conditional create: "identifier=<system>|<value>" (percent-encoded), or
 * for an AdverseEvent (no identifier search parameter in R4)
 * "_tag=<system>|<value>". */
static int if_none_exist(const struct round *r, const struct item *it, char *out, size_t cap)
{
	const struct fhir_systems *sys = &r->e->o.systems;
	char system[FHIR_URI_CAP];
	const char *value = it->record_id;
	int rc = VB_OK;
	if (it->kind == K_PATIENT) {
		rc = fhir_doc_system(sys, &it->person.doc, system, sizeof(system));
		value = it->person.doc.number;
	} else {
		snprintf(system, sizeof(system), "%s", sys->record);
	}
	snprintf(out, cap, it->kind == K_ADVERSE_EVENT ? "_tag=" : "identifier=");
	if (!rc)
		rc = sync_http_pct(system, out, cap);
	if (!rc && strlen(out) + 2 < cap)
		strcat(out, "|");
	else if (!rc)
		rc = VB_ERANGE;
	if (!rc)
		rc = sync_http_pct(value, out, cap);
	return rc;
}

/*
 * Sends items idx[0..n) as one bundle (type per the mode; references
 * urn:uuid inside a transaction, platform ids otherwise) and sets their
 * fates. VB_OK (fates set, the request may have failed: r->transient), or
 * VB_ENOMEM.
 */
static int send_bundle(struct round *r, const int *idx, size_t n)
{
	struct sync_engine *e = r->e;
	int tx = e->o.mode == SYNC_MODE_TRANSACTION;
	json_t *entries = json_array();
	json_t *bundle = json_pack("{s:s,s:s,s:o}", "resourceType", "Bundle", "type",
				   tx ? "transaction" : "batch", "entry", entries);
	char cond[FHIR_URI_CAP * 3 + 256], full[STORE_OUTBOX_RECORD_ID_SIZE + 16];
	if (!bundle)
		return VB_ENOMEM;
	for (size_t k = 0; k < n; k++) {
		struct item *it = &r->items[idx[k]];
		json_t *res = resource_of(r, it, tx);
		if (!res || if_none_exist(r, it, cond, sizeof(cond))) {
			json_decref(res);
			json_decref(bundle);
			return VB_ENOMEM;
		}
		snprintf(full, sizeof(full), "urn:uuid:%s", it->record_id);
		json_array_append_new(entries,
				      json_pack("{s:s,s:o,s:{s:s,s:s,s:s}}", "fullUrl", full,
						"resource", res, "request", "method", "POST", "url",
						kind_types[it->kind], "ifNoneExist", cond));
	}
	char *body =
	    json_dumps(bundle, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15));
	json_decref(bundle);
	if (!body)
		return VB_ENOMEM;

	struct sync_http_reply rep;
	int rc = sync_http_post(e->http, "", body, strlen(body), &rep);
	if (!rc && rep.status == 415 && e->o.gzip) {
		/* The platform does not take compressed bodies: plain from now on. */
		e->o.gzip = 0;
		sync_http_no_gzip(e->http);
		r->p->requests++;
		r->p->bytes_up += rep.bytes_up;
		r->p->bytes_down += rep.bytes_down;
		sync_http_reply_cleanup(&rep);
		rc = sync_http_post(e->http, "", body, strlen(body), &rep);
	}
	free(body);
	r->p->requests++;
	r->p->bytes_up += rep.bytes_up;
	r->p->bytes_down += rep.bytes_down;
	for (size_t k = 0; k < n; k++)
		if (r->items[idx[k]].row >= 0)
			r->p->sent++;
	if (rc == VB_ENOMEM) {
		sync_http_reply_cleanup(&rep);
		return rc;
	}

	char error[SYNC_ERROR_CAP] = "";
	struct sync_reply *got = rc ? NULL : calloc(n, sizeof(*got));
	int link_ok = 0;
	if (rc) {
		snprintf(error, sizeof(error), "%s", rep.error);
		for (size_t k = 0; k < n; k++)
			set_fate(&r->items[idx[k]], SYNC_FATE_RETRY, error);
	} else if (!got) {
		sync_http_reply_cleanup(&rep);
		return VB_ENOMEM;
	} else {
		for (size_t k = 0; k < n; k++)
			got[k].type = kind_types[r->items[idx[k]].kind];
		size_t each = sync_reply_read(rep.status, rep.body, got, n);
		for (size_t k = 0; k < n; k++) {
			struct item *it = &r->items[idx[k]];
			snprintf(it->server_id, sizeof(it->server_id), "%s", got[k].server_id);
			set_fate(it, got[k].fate, got[k].error);
		}
		/* a bundle refused as a whole for its content is no fault of the link */
		link_ok = each == n || got[0].fate == SYNC_FATE_SPLIT;
		if (!link_ok)
			snprintf(error, sizeof(error), "%s", got[0].error);
		free(got);
	}
	int64_t d = sync_engine_note(e, link_ok, link_ok ? NULL : error, e->clock());
	if (!link_ok) {
		r->transient = 1;
		r->delay = d;
	}
	snprintf(r->p->last_error, sizeof(r->p->last_error), "%s", link_ok ? "" : error);
	sync_http_reply_cleanup(&rep);
	return VB_OK;
}

/* The fate an item takes from its dependencies before it is sent, or
 * SYNC_FATE_UNSENT when they are all there. */
static enum sync_fate deps_fate(const struct round *r, const struct item *it, char *error)
{
	for (int s = 0; s < 2; s++) {
		if (it->dep[s] < 0)
			continue;
		const struct item *d = &r->items[it->dep[s]];
		if (d->fate == SYNC_FATE_OK)
			continue;
		if (d->fate == SYNC_FATE_UNSENT)
			return SYNC_FATE_UNSENT; /* same transaction */
		snprintf(error, SYNC_ERROR_CAP, "needs %s %.40s: %.100s", kind_names[d->kind],
			 d->record_id, d->error);
		return d->fate == SYNC_FATE_FAILED ? SYNC_FATE_FAILED : d->fate;
	}
	return SYNC_FATE_UNSENT;
}

/* Sends every unsent item: one transaction, or one batch per level. */
static int send_items(struct round *r)
{
	int *idx = malloc((r->n ? r->n : 1) * sizeof(*idx));
	int rc = VB_OK;
	if (!idx)
		return VB_ENOMEM;
	int tx = r->e->o.mode == SYNC_MODE_TRANSACTION;
	for (int level = 0; level <= 2 && !rc; level++) {
		size_t n = 0;
		for (size_t i = 0; i < r->n; i++) {
			struct item *it = &r->items[i];
			char error[SYNC_ERROR_CAP];
			if (it->fate != SYNC_FATE_UNSENT || (!tx && kind_levels[it->kind] != level))
				continue;
			enum sync_fate f = tx ? SYNC_FATE_UNSENT : deps_fate(r, it, error);
			if (f != SYNC_FATE_UNSENT)
				set_fate(it, f, error);
			else
				idx[n++] = (int)i;
		}
		if (n)
			rc = send_bundle(r, idx, n);
		if (tx)
			break;
	}
	free(idx);
	return rc;
}

/* Writes the fates of the claimed rows. VB_OK or a storage error. */
static int settle(struct round *r, const struct store_outbox_row *rows)
{
	struct sync_engine *e = r->e;
	int64_t now = e->clock();
	int rc = store_begin(e->st);
	for (size_t i = 0; i < r->n && !rc; i++) {
		const struct item *it = &r->items[i];
		if (it->row < 0 || it->fate == SYNC_FATE_SPLIT)
			continue;
		const char *id = rows[it->row].id;
		switch (it->fate) {
		case SYNC_FATE_OK:
			rc = store_outbox_ack(e->st, id, it->server_id, now);
			r->p->acked++;
			break;
		case SYNC_FATE_FAILED:
			rc = store_outbox_fail(e->st, id, it->error, now);
			r->p->failed++;
			break;
		default:
			rc = store_outbox_retry(e->st, id, it->error[0] ? it->error : "not sent",
						now + (r->delay > 0 ? r->delay : 1), now);
			r->p->retried++;
			break;
		}
	}
	if (!rc)
		rc = store_commit(e->st);
	if (rc)
		store_rollback(e->st);
	return rc;
}

/* Sends rows[0..n) (claimed, in flight) and settles them; a part refused
 * as a whole goes again in halves. */
static int push_rows(struct sync_engine *e, struct store_outbox_row *rows, size_t n,
		     struct sync_progress *p, int *transient)
{
	struct round r = {e, p, NULL, 0, 0, 0, 0};
	char *split = calloc(n ? n : 1, 1);
	char error[SYNC_ERROR_CAP] = "";
	int rc = split ? VB_OK : VB_ENOMEM;
	for (size_t i = 0; i < n && !rc; i++) {
		enum kind k;
		if (kind_parse(rows[i].kind, &k)) {
			rc =
			    store_outbox_fail(e->st, rows[i].id, "unknown record kind", e->clock());
			p->failed++;
			continue;
		}
		int at = find_item(&r, k, rows[i].record_id);
		if (at >= 0)
			r.items[at].row = (int)i;
		else
			rc = add_item(&r, k, rows[i].record_id, (int)i, 0);
	}
	if (!rc)
		rc = send_items(&r);
	if (!rc)
		rc = settle(&r, rows);
	*transient |= r.transient;

	/* Rows of a bundle refused whole: again in halves (a single one is
	 * quarantined with the reason). */
	size_t m = 0;
	for (size_t i = 0; i < r.n && !rc; i++)
		if (r.items[i].row >= 0 && r.items[i].fate == SYNC_FATE_SPLIT) {
			split[r.items[i].row] = 1;
			snprintf(error, sizeof(error), "%s", r.items[i].error);
		}
	round_cleanup(&r);
	for (size_t i = 0; i < n && !rc; i++)
		if (split[i])
			rows[m++] = rows[i]; /* in row order: i >= m */
	free(split);
	if (rc || m == 0)
		return rc;
	if (m == 1) {
		p->failed++;
		return store_outbox_fail(e->st, rows[0].id, error, e->clock());
	}
	e->bundle_limit = (int)(m / 2);
	e->good_bundles = 0;
	size_t half = m / 2;
	rc = push_rows(e, rows, half, p, transient);
	if (!rc)
		rc = push_rows(e, rows + half, m - half, p, transient);
	return rc;
}

int sync_engine_push(struct sync_engine *e, struct sync_progress *p, sync_progress_cb cb, void *arg)
{
	struct store_outbox_row *rows = malloc(SYNC_BUNDLE_MAX * sizeof(*rows));
	int rc = VB_OK, transient = 0;
	if (!rows)
		return VB_ENOMEM;
	while (!rc && !transient) {
		size_t n = 0;
		size_t want = (size_t)(e->bundle_limit < e->o.bundle_size ? e->bundle_limit
									  : e->o.bundle_size);
		if ((rc = store_outbox_claim(e->st, want, e->clock(), rows, &n)) || n == 0)
			break;
		int limit_before = e->bundle_limit;
		rc = push_rows(e, rows, n, p, &transient);
		if (!rc && !transient && e->bundle_limit == limit_before &&
		    e->bundle_limit < e->o.bundle_size && ++e->good_bundles >= 10) {
			e->bundle_limit *= 2;
			e->good_bundles = 0;
		}
		if (!rc)
			rc = sync_engine_pending(e, p);
		if (!rc && cb && cb(arg, p))
			break;
	}
	free(rows);
	if (!rc)
		rc = sync_engine_pending(e, p);
	if (rc)
		return rc;
	return transient ? VB_EIO : VB_OK;
}
