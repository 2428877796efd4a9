/*
 * sync_pull_read: the pull's search answers read into plain structs
 * (sync_pull_read.h). Every member read is type-checked; a string is used
 * only whole (no NUL inside) and only when it fits, so nothing is cut.
 * Outputs grow with what is taken, never past one per entry.
 */
#include "sync_pull_read.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stock.h"

_Static_assert(SYNC_PULL_LOT_CAP == sizeof(((struct stock_lot *)0)->lot), "lot size");
_Static_assert(SYNC_PULL_LOT_CAP == sizeof(((struct store_platform_dose *)0)->lot), "lot size");

/* The string value of v when it is a string without a NUL inside, else NULL. */
static const char *whole(const json_t *v)
{
	const char *s = json_string_value(v);
	return s && strlen(s) == json_string_length(v) ? s : NULL;
}

/* "Type/<id>" into out (SYNC_PULL_REF_CAP) from resource res's id; 0 if it
 * has no valid FHIR id. */
static int ref_of(const char *type, const json_t *res, char out[SYNC_PULL_REF_CAP])
{
	const char *id = whole(json_object_get(res, "id"));
	if (!id || !fhir_id_ok(id))
		return 0;
	snprintf(out, SYNC_PULL_REF_CAP, "%s/%s", type, id);
	return 1;
}

static int is_type(const json_t *res, const char *type)
{
	const char *t = whole(json_object_get(res, "resourceType"));
	return t && strcmp(t, type) == 0;
}

static int two_digits(const char *p)
{
	return p[0] >= '0' && p[0] <= '9' && p[1] >= '0' && p[1] <= '9';
}

/* meta.lastUpdated of res into out when it is an instant
 * ("YYYY-MM-DDThh:mm:ss..." that fits a cursor), else "". */
static void last_updated(const json_t *res, char out[STORE_HISTORY_CURSOR_SIZE])
{
	const char *s = whole(json_object_get(json_object_get(res, "meta"), "lastUpdated"));
	size_t n = s ? strlen(s) : 0;
	out[0] = '\0';
	if (n < 19 || n >= STORE_HISTORY_CURSOR_SIZE || !two_digits(s) || !two_digits(s + 2) ||
	    s[4] != '-' || !two_digits(s + 5) || s[7] != '-' || !two_digits(s + 8) ||
	    s[10] != 'T' || !two_digits(s + 11) || s[13] != ':' || !two_digits(s + 14) ||
	    s[16] != ':' || !two_digits(s + 17))
		return;
	memcpy(out, s, n + 1);
}

void sync_pull_newer(char keep[STORE_HISTORY_CURSOR_SIZE], const char *t)
{
	if (strcmp(t, keep) > 0)
		snprintf(keep, STORE_HISTORY_CURSOR_SIZE, "%s", t);
}

/* The url of bundle's first "next" link, or NULL. */
static const char *next_link(const json_t *bundle)
{
	size_t i;
	json_t *l;
	json_array_foreach(json_object_get(bundle, "link"), i, l)
	{
		const char *rel = whole(json_object_get(l, "relation"));
		if (rel && strcmp(rel, "next") == 0) {
			const char *url = whole(json_object_get(l, "url"));
			return url && url[0] ? url : NULL;
		}
	}
	return NULL;
}

static void page_free(struct sync_pull_page *p)
{
	free(p->skip);
	memset(p, 0, sizeof(*p));
}

/* Starts page for bundle: its next link, room for a skip per entry. */
static int page_start(struct sync_pull_page *p, const json_t *bundle)
{
	size_t n = json_array_size(json_object_get(bundle, "entry"));
	memset(p, 0, sizeof(*p));
	p->next = next_link(bundle);
	if (n && !(p->skip = calloc(n, sizeof(*p->skip))))
		return VB_ENOMEM;
	return VB_OK;
}

static void skip(struct sync_pull_page *p, size_t entry, const char *code, const char *text)
{
	struct sync_pull_skip *k = &p->skip[p->n_skip++];
	k->entry = entry;
	vb_reason_set(&k->why, code, "%s", text);
}

/* ---- Patients ---- */

/* The member of group[0..n) whose document Patient pat holds, or
 * SYNC_PULL_NO_MEMBER. */
static size_t member_of(const struct fhir_systems *s, const struct store_expected *group, size_t n,
			const json_t *pat)
{
	size_t i;
	json_t *id;
	json_array_foreach(json_object_get(pat, "identifier"), i, id)
	{
		const char *sys = whole(json_object_get(id, "system"));
		const char *v = whole(json_object_get(id, "value"));
		for (size_t k = 0; sys && v && k < n; k++)
			if (strcmp(sys, s->doc[group[k].doc_type]) == 0 &&
			    strcmp(v, group[k].doc_number) == 0)
				return k;
	}
	return SYNC_PULL_NO_MEMBER;
}

size_t sync_pull_patients_find(const struct sync_pull_patients *p, const char *ref)
{
	json_t *at = json_object_get(p->index, ref);
	return at ? p->v[json_integer_value(at)].member : SYNC_PULL_NO_MEMBER;
}

static int patients_put(struct sync_pull_patients *p, const char *ref, size_t member)
{
	json_t *at = json_object_get(p->index, ref);
	if (at) {
		p->v[json_integer_value(at)].member = member;
		return VB_OK;
	}
	if (!p->index && !(p->index = json_object()))
		return VB_ENOMEM;
	if (p->n == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 16;
		struct sync_pull_patient *v = realloc(p->v, cap * sizeof(*v));
		if (!v)
			return VB_ENOMEM;
		p->v = v;
		p->cap = cap;
	}
	if (json_object_set_new(p->index, ref, json_integer((json_int_t)p->n)))
		return VB_ENOMEM;
	snprintf(p->v[p->n].ref, sizeof(p->v[p->n].ref), "%s", ref);
	p->v[p->n++].member = member;
	return VB_OK;
}

int sync_pull_patients_read(const struct fhir_systems *s, const struct store_expected *group,
			    size_t n, const json_t *bundle, struct sync_pull_patients *acc,
			    struct sync_pull_page *page)
{
	size_t i;
	json_t *ent;
	int rc = page_start(page, bundle);
	json_array_foreach(json_object_get(bundle, "entry"), i, ent)
	{
		json_t *res = json_object_get(ent, "resource");
		char ref[SYNC_PULL_REF_CAP];
		if (rc)
			break;
		if (!is_type(res, "Patient"))
			continue;
		size_t who = member_of(s, group, n, res);
		if (!ref_of("Patient", res, ref))
			skip(page, i, "no_id", "the Patient has no valid id");
		else if (who == SYNC_PULL_NO_MEMBER)
			skip(page, i, SYNC_PULL_NO_RESIDENT,
			     "the Patient holds none of the expected documents");
		else
			rc = patients_put(acc, ref, who);
	}
	if (rc)
		page_free(page);
	return rc;
}

void sync_pull_patients_free(struct sync_pull_patients *p)
{
	json_decref(p->index);
	free(p->v);
	memset(p, 0, sizeof(*p));
}

/* ---- Immunizations ---- */

void sync_pull_doses_free(struct sync_pull_doses *d)
{
	free(d->v);
	page_free(&d->page);
	d->v = NULL;
	d->n = 0;
}

/* Reads Immunization res (entry i) into out->v[out->n]; 1 if taken. */
static int dose_of(const struct fhir_systems *s, const struct catalog *cat,
		   const struct store_expected *group, size_t n,
		   const struct sync_pull_patients *pat, const json_t *res, size_t i,
		   struct sync_pull_doses *out)
{
	struct fhir_dose fd;
	struct vb_reason why = {0};
	if (fhir_dose_read(s, cat, res, &fd, &why)) {
		skip(&out->page, i, why.code ? why.code : "unreadable", why.text);
		return 0;
	}
	size_t who = sync_pull_patients_find(pat, fd.patient);
	if (who >= n)
		who = SYNC_PULL_NO_MEMBER;
	if (who == SYNC_PULL_NO_MEMBER && !fd.record_id[0]) {
		skip(&out->page, i, SYNC_PULL_NO_RESIDENT,
		     "the Immunization's patient is none of the expected residents");
		return 0;
	}
	struct sync_pull_dose *d = &out->v[out->n];
	memset(d, 0, sizeof(*d));
	_Static_assert(sizeof(d->d.server_id) >= sizeof(fd.server_id), "server id size");
	_Static_assert(sizeof(d->d.product) >= sizeof(fd.product), "product size");
	_Static_assert(sizeof(d->d.lot) >= sizeof(fd.lot), "lot size");
	_Static_assert(sizeof(d->record_id) >= sizeof(fd.record_id), "record id size");
	memcpy(d->d.server_id, fd.server_id, sizeof(fd.server_id));
	memcpy(d->d.product, fd.product, sizeof(fd.product));
	memcpy(d->d.lot, fd.lot, sizeof(fd.lot));
	memcpy(d->record_id, fd.record_id, sizeof(fd.record_id));
	d->d.dose_number = fd.dose_number;
	d->d.given_on = fd.given_on;
	d->member = who;
	if (who != SYNC_PULL_NO_MEMBER) {
		d->d.doc_type = group[who].doc_type;
		memcpy(d->d.doc_number, group[who].doc_number, sizeof(d->d.doc_number));
	}
	last_updated(res, d->last_updated);
	return 1;
}

int sync_pull_doses_read(const struct fhir_systems *s, const struct catalog *cat,
			 const struct store_expected *group, size_t n,
			 const struct sync_pull_patients *pat, const json_t *bundle,
			 struct sync_pull_doses *out)
{
	const json_t *entries = json_object_get(bundle, "entry");
	size_t i, max = json_array_size(entries);
	json_t *ent, *seen = json_object(); /* server id -> index in out->v */
	memset(out, 0, sizeof(*out));
	int rc = seen ? page_start(&out->page, bundle) : VB_ENOMEM;
	if (!rc && max && !(out->v = calloc(max, sizeof(*out->v))))
		rc = VB_ENOMEM;
	json_array_foreach(entries, i, ent)
	{
		json_t *res = json_object_get(ent, "resource");
		if (rc)
			break;
		if (!is_type(res, "Immunization") || !dose_of(s, cat, group, n, pat, res, i, out))
			continue;
		struct sync_pull_dose *d = &out->v[out->n];
		json_t *at = json_object_get(seen, d->d.server_id);
		if (at) {
			sync_pull_newer(out->v[json_integer_value(at)].last_updated,
					d->last_updated);
			skip(&out->page, i, SYNC_PULL_DUPLICATE,
			     "the same Immunization is earlier in the page");
			continue;
		}
		if (json_object_set_new(seen, d->d.server_id, json_integer((json_int_t)out->n)))
			rc = VB_ENOMEM;
		else
			out->n++;
	}
	json_decref(seen);
	if (rc)
		sync_pull_doses_free(out);
	return rc;
}

/* ---- recalls ---- */

void sync_pull_recalls_free(struct sync_pull_recalls *r)
{
	free(r->v);
	page_free(&r->page);
	r->v = NULL;
	r->n = 0;
}

int sync_pull_recalls_read(const json_t *bundle, struct sync_pull_recalls *out)
{
	const json_t *entries = json_object_get(bundle, "entry");
	size_t i, max = json_array_size(entries);
	json_t *ent, *seen = json_object(); /* lots taken */
	memset(out, 0, sizeof(*out));
	int rc = seen ? page_start(&out->page, bundle) : VB_ENOMEM;
	if (!rc && max && !(out->v = calloc(max, sizeof(*out->v))))
		rc = VB_ENOMEM;
	json_array_foreach(entries, i, ent)
	{
		json_t *res = json_object_get(ent, "resource");
		char when[STORE_HISTORY_CURSOR_SIZE];
		if (rc)
			break;
		if (!is_type(res, "Medication"))
			continue;
		last_updated(res, when);
		sync_pull_newer(out->newest, when);
		const char *status = whole(json_object_get(res, "status"));
		if (!status || strcmp(status, "inactive") != 0)
			continue;
		struct sync_pull_recall *r = &out->v[out->n];
		const char *lot =
		    whole(json_object_get(json_object_get(res, "batch"), "lotNumber"));
		/* A recall without a usable id is still a recall: the lot counts. */
		if (!ref_of("Medication", res, r->medication))
			r->medication[0] = '\0';
		if (!lot || !lot[0] || strlen(lot) >= sizeof(r->lot)) {
			skip(&out->page, i, SYNC_PULL_NO_LOT,
			     "the Medication has no batch.lotNumber that fits");
			continue;
		}
		if (json_object_get(seen, lot)) {
			skip(&out->page, i, SYNC_PULL_DUPLICATE,
			     "the lot is recalled earlier in the page");
			continue;
		}
		memcpy(r->lot, lot, strlen(lot) + 1);
		if (json_object_set_new(seen, lot, json_true()))
			rc = VB_ENOMEM;
		else
			out->n++;
	}
	json_decref(seen);
	if (rc)
		sync_pull_recalls_free(out);
	return rc;
}
