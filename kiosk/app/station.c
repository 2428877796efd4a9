/*
 * station: gathering a case, the box check and the dose transaction of the
 * staff station (see station.h).
 */
#include "station.h"

#include "catalog.h"
#include "gs1.h"
#include "store.h"
#include "store_lot.h"
#include "store_person.h"
#include "visit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int station_stock_load(struct store *st, struct station_stock **out)
{
	struct station_stock *s = calloc(1, sizeof(*s));
	if (!s)
		return VB_ENOMEM;
	int rc = store_lot_list(st, s->lots, STATION_STOCK_MAX, &s->n_lots);
	if (!rc)
		rc =
		    store_vial_list_open(st, s->vials, s->vial_ids, STATION_STOCK_MAX, &s->n_vials);
	if (rc) {
		free(s);
		return rc;
	}
	*out = s;
	return VB_OK;
}

/* Products with a usable lot on board today, each once, in stock order. */
static size_t available_products(const struct station_stock *s, int32_t today, const char **out,
				 size_t cap)
{
	size_t n = 0;
	for (size_t i = 0; i < s->n_lots && n < cap; i++) {
		const struct stock_lot *l = &s->lots[i];
		if (l->recalled || l->quarantined || l->expiry < today ||
		    stock_doses(l, s->vials, s->n_vials) <= 0)
			continue;
		size_t k = 0;
		while (k < n && strcmp(out[k], l->product) != 0)
			k++;
		if (k == n)
			out[n++] = l->product;
	}
	return n;
}

int station_case_open(struct store *st, const struct catalog *cat, const char *person_id,
		      int32_t today, struct station_case *k)
{
	int rc = store_person_get(st, person_id, &k->person);
	if (!rc)
		rc = store_dose_history(st, person_id, k->history, STATION_HISTORY_MAX,
					&k->n_history);
	if (!rc)
		rc = station_stock_load(st, &k->stock);
	if (rc)
		return rc;
	const char *avail[STATION_STOCK_MAX];
	size_t n_avail = available_products(k->stock, today, avail, STATION_STOCK_MAX);
	return schedule_decide(cat, k->person.birth, k->history, k->n_history, avail, n_avail,
			       today, &k->decision);
}

void station_case_cleanup(struct station_case *k)
{
	person_wipe(&k->person);
	free(k->stock);
	k->stock = NULL;
}

int station_box_check(const struct station_case *k, const char *code, size_t len, char gs_sub,
		      int32_t today, int64_t now, size_t *lot_index, struct vb_reason *why)
{
	struct gs1 box;
	const struct station_stock *s = k->stock;
	int rc = gs1_parse(code, len, gs_sub, &box, why);
	if (rc)
		return rc;
	const char *allowed[CATALOG_MAX_PRODUCTS];
	for (size_t i = 0; i < k->decision.n_allowed; i++)
		allowed[i] = k->decision.allowed[i];
	return stock_box_check(s->lots, s->n_lots, s->vials, s->n_vials, &box, today, now, allowed,
			       k->decision.n_allowed, lot_index, why);
}

/* Today's open visit of the person, or a new one. */
static int visit_for(struct store *st, const char *person_id, int32_t today, int64_t now,
		     struct store_visit *v)
{
	int rc = store_visit_open_for_person(st, person_id, today, v);
	if (rc != VB_ENOTFOUND)
		return rc;
	memset(v, 0, sizeof(*v));
	snprintf(v->person_id, sizeof(v->person_id), "%s", person_id);
	v->day = today;
	return store_visit_add(st, v, "staff", now);
}

/* Moves the visit forward up to and including `last`, skipping the steps
 * it has already passed. */
static int visit_walk(struct store *st, struct store_visit *v, enum visit_event last,
		      const char *actor, int64_t now, struct vb_reason *why)
{
	static const enum visit_event path[] = {VISIT_EV_SCREEN,    VISIT_EV_CONSENT,
						VISIT_EV_QUEUE,	    VISIT_EV_CALL,
						VISIT_EV_VACCINATE, VISIT_EV_OBSERVE_START};
	for (size_t i = 0; i < sizeof(path) / sizeof(path[0]); i++) {
		enum visit_state to;
		if (visit_apply(v->state, path[i], &to, NULL) == VB_OK) {
			int rc = store_visit_transition(st, v->id, path[i], NULL, actor, now, why);
			if (rc)
				return rc;
			v->state = to;
		}
		if (path[i] == last)
			break;
	}
	return VB_OK;
}

/* Opened vials past their discard time become wastage before a dose. */
static int discard_expired_vials(struct store *st, struct station_stock *s, int64_t now,
				 const char *actor)
{
	struct stock_wastage waste[STATION_STOCK_MAX];
	size_t n = 0;
	int rc = stock_discard_expired(s->vials, s->n_vials, now, waste, STATION_STOCK_MAX, &n);
	for (size_t i = 0; !rc && i < s->n_vials; i++)
		if (s->vials[i].doses_left == 0)
			rc = store_vial_save(st, s->vial_ids[i], &s->vials[i], 1);
	for (size_t i = 0; !rc && i < n; i++)
		rc = store_wastage_add(st, &waste[i], actor, now);
	return rc;
}

/* Takes the dose from a vial of the lot and saves the lot and the vial. */
static int administer(struct store *st, struct station_stock *s, size_t li, int discard_hours,
		      const char *actor, int64_t now, char vial_id[STORE_ID_LEN + 1],
		      struct vb_reason *why)
{
	struct stock_effect eff;
	int rc = stock_administer(&s->lots[li], s->vials, &s->n_vials, STATION_STOCK_MAX, now,
				  discard_hours, &eff, why);
	if (!rc)
		rc = store_lot_save(st, &s->lots[li], actor, "lot.update", NULL, now);
	const struct stock_vial *vial = &s->vials[eff.vial];
	if (!rc && eff.opened)
		rc = store_vial_add(st, vial, actor, now, s->vial_ids[eff.vial]);
	if (!rc && (!eff.opened || vial->doses_left == 0))
		rc = store_vial_save(st, s->vial_ids[eff.vial], vial, vial->doses_left == 0);
	if (!rc)
		memcpy(vial_id, s->vial_ids[eff.vial], STORE_ID_LEN + 1);
	return rc;
}

int station_vaccinate(struct store *st, const struct catalog *cat, struct station_case *k,
		      size_t lot_index, const struct station_dose *in, int32_t today, int64_t now,
		      struct store_visit *visit, struct store_dose *dose,
		      char vial_id[STORE_ID_LEN + 1], struct vb_reason *why)
{
	const struct stock_lot *lot = &k->stock->lots[lot_index];
	const struct catalog_product *prod = catalog_find(cat, lot->product);
	struct store_visit v;
	struct store_dose d = {0};
	int rc = store_begin(st);
	if (!rc)
		rc = discard_expired_vials(st, k->stock, now, in->staff);
	if (!rc)
		rc = visit_for(st, k->person.id, today, now, &v);
	if (!rc)
		rc = visit_walk(st, &v, VISIT_EV_VACCINATE, in->staff, now, why);
	if (!rc)
		rc = administer(st, k->stock, lot_index, prod ? prod->discard_hours : 0, in->staff,
				now, vial_id, why);
	if (!rc) {
		snprintf(d.visit_id, sizeof(d.visit_id), "%s", v.id);
		snprintf(d.person_id, sizeof(d.person_id), "%s", k->person.id);
		snprintf(d.product, sizeof(d.product), "%s", lot->product);
		snprintf(d.lot, sizeof(d.lot), "%s", lot->lot);
		snprintf(d.route, sizeof(d.route), "%s", prod ? prod->route : "IM");
		snprintf(d.body_site, sizeof(d.body_site), "%s", in->body_site);
		snprintf(d.staff, sizeof(d.staff), "%s", in->staff);
		snprintf(d.source, sizeof(d.source), "bus");
		d.dose_number = k->decision.dose_number;
		d.series_doses = k->decision.series_doses;
		d.given_at = now;
		d.given_on = today;
		rc = store_dose_add(st, &d, in->staff, now);
	}
	if (!rc)
		rc = visit_walk(st, &v, VISIT_EV_OBSERVE_START, in->staff, now, why);
	if (!rc)
		rc = store_commit(st);
	if (rc) {
		store_rollback(st);
		return rc;
	}
	*visit = v;
	*dose = d;
	return VB_OK;
}

int station_defer_code_valid(const char *code)
{
	if (strcmp(code, "declined") == 0 || strcmp(code, "staff_decision") == 0)
		return 1;
	for (int q = 0; q < VISIT_Q_COUNT; q++)
		if (strcmp(code, visit_questions[q].name) == 0)
			return 1;
	return 0;
}

int station_defer(struct store *st, const char *person_id, const char *code, const char *staff,
		  int32_t today, int64_t now, struct store_visit *visit, struct vb_reason *why)
{
	struct store_visit v;
	if (!station_defer_code_valid(code))
		return VB_EINVAL;
	int rc = store_begin(st);
	if (!rc)
		rc = visit_for(st, person_id, today, now, &v);
	if (!rc)
		rc = store_visit_transition(st, v.id, VISIT_EV_DEFER, code, staff, now, why);
	if (!rc)
		rc = store_visit_get(st, v.id, &v);
	if (!rc)
		rc = store_commit(st);
	if (rc) {
		store_rollback(st);
		return rc;
	}
	*visit = v;
	return VB_OK;
}
