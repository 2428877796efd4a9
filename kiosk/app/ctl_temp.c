/*
 * ctl_temp: `temp add` — a fridge temperature. Each reading re-scans the
 * fridge's recent readings with the cold-chain rules; an excursion that
 * lasts longer than the configured time quarantines the fridge's lots
 * until a staff decision (`lot release`, in this file too).
 */
#include "ctl.h"
#include "ctl_cmds.h"
#include "ctl_stock.h"

#include "coldchain.h"
#include "stock.h"
#include "store.h"
#include "store_coldchain.h"
#include "store_lot.h"
#include "store_meta.h"
#include "wallclock.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SCAN_WINDOW_S  (48 * 3600) /* readings looked at around a new one */
#define READINGS_MAX   4096	   /* one reading a minute for the window, and more */
#define EXCURSIONS_MAX 64

/* Parses "-3.5" / "8" / "10.25" into hundredths of a degree. */
static int parse_centi(const char *s, int *out)
{
	int sign = 1, whole = 0, frac = 0, digits = 0, fdigits = 0;
	if (*s == '-' || *s == '+')
		sign = *s++ == '-' ? -1 : 1;
	for (; *s >= '0' && *s <= '9' && digits < 3; s++, digits++)
		whole = whole * 10 + (*s - '0');
	if (*s == '.')
		for (s++; *s >= '0' && *s <= '9' && fdigits < 2; s++, fdigits++)
			frac = frac * 10 + (*s - '0');
	if (*s || digits == 0)
		return VB_EINVAL;
	if (fdigits == 1)
		frac *= 10;
	*out = sign * (whole * 100 + frac);
	return VB_OK;
}

static int load_config(struct ctl *c, struct coldchain_config *cfg)
{
	char v[16];
	coldchain_config_init(cfg);
	int vb = store_meta_get(c->st, "excursion_seconds", v, sizeof(v));
	if (vb == VB_OK)
		cfg->excursion_seconds = atoi(v);
	return vb == VB_ENOTFOUND ? VB_OK : vb;
}

/* Stores or updates every excursion the scan found; *quarantine is set when
 * one of them newly needs the fridge quarantined. */
static int record_excursions(struct ctl *c, const char *fridge,
			     const struct coldchain_excursion *exc, size_t n, int *quarantine)
{
	static struct store_excursion known[EXCURSIONS_MAX];
	size_t n_known = 0;
	int vb = store_excursion_list(c->st, fridge, exc[0].start, known, EXCURSIONS_MAX, &n_known);
	for (size_t i = 0; !vb && i < n; i++) {
		const struct store_excursion *k = NULL;
		for (size_t j = 0; j < n_known && !k; j++)
			if (known[j].exc.start == exc[i].start)
				k = &known[j];
		if (!k) {
			char id[STORE_ID_LEN + 1];
			vb = store_excursion_add(c->st, fridge, &exc[i], "thermometer", c->now, id);
			*quarantine |= exc[i].over_limit;
		} else if (k->exc.open && k->state <= STORE_EXCURSION_QUARANTINED) {
			vb = store_excursion_update(c->st, k->id, &exc[i], "thermometer", c->now);
			*quarantine |= exc[i].over_limit && k->state == STORE_EXCURSION_RECORDED;
		}
	}
	return vb;
}

/* Applies stock_quarantine_fridge or stock_release_fridge and saves the
 * lots that changed; *changed counts them. */
static int set_fridge_quarantine(struct ctl *c, struct station_stock *s, const char *fridge, int on,
				 const char *actor, size_t *changed)
{
	struct stock_lot before[STATION_STOCK_MAX];
	memcpy(before, s->lots, s->n_lots * sizeof(s->lots[0]));
	if (on)
		stock_quarantine_fridge(s->lots, s->n_lots, fridge, changed);
	else
		stock_release_fridge(s->lots, s->n_lots, fridge, changed);
	int vb = VB_OK;
	for (size_t i = 0; !vb && i < s->n_lots; i++)
		if (before[i].quarantined != s->lots[i].quarantined)
			vb = store_lot_save(c->st, &s->lots[i], actor,
					    on ? "lot.quarantine" : "lot.release", NULL, c->now);
	return vb;
}

static int fridge_quarantined(const struct station_stock *s, const char *fridge)
{
	for (size_t i = 0; i < s->n_lots; i++)
		if (s->lots[i].quarantined && strcmp(s->lots[i].fridge, fridge) == 0)
			return 1;
	return 0;
}

int ctl_cmd_temp_add(struct ctl *c, int argc, char **argv)
{
	struct ctl_opt opts[] = {
	    {"--fridge", "NAME", "which fridge (as in lot add)", 1, NULL},
	    {"--celsius", "T", "the temperature, e.g. 4.5 or -0.5", 1, NULL},
	    {"--at", "TIME", "when it was read (ISO 8601; default now)", 0, NULL},
	    {NULL, NULL, NULL, 0, NULL},
	};
	int rc = ctl_parse(c, argc, argv, opts,
			   "Records a fridge temperature. Outside 2-8 °C for longer than the\n"
			   "configured time (init --excursion-minutes) quarantines the fridge's\n"
			   "lots until a staff decision (lot release).");
	if (rc)
		return rc;
	const char *fridge = ctl_opt(opts, "--fridge");
	struct coldchain_reading r = {.at = c->now};
	if (parse_centi(ctl_opt(opts, "--celsius"), &r.centi_c) || r.centi_c < -5000 ||
	    r.centi_c > 6000)
		return ctl_refusef(c, "--celsius", "bad_temperature",
				   "want degrees Celsius from -50 to 60, e.g. 4.5");
	if (ctl_opt(opts, "--at") && wallclock_parse(ctl_opt(opts, "--at"), &r.at))
		return ctl_refusef(c, "--at", "bad_time",
				   "want ISO 8601 with offset, e.g. 2021-06-01T09:10:00+08:00");
	if (r.at > c->now + 300)
		return ctl_refusef(c, "--at", "future_time", "the reading is in the future");
	if ((rc = ctl_store(c, 0)))
		return rc;
	struct coldchain_config cfg;
	struct station_stock *s = NULL;
	static struct coldchain_reading readings[READINGS_MAX];
	static struct coldchain_excursion exc[EXCURSIONS_MAX];
	size_t n = 0, n_exc = 0, changed = 0;
	int quarantine = 0, scan_q;
	int vb = load_config(c, &cfg);
	if (vb)
		return ctl_storage(c, vb);
	if ((rc = ctl_stock_load(c, &s)))
		return rc;
	vb = store_begin(c->st);
	if (!vb)
		vb = store_temp_add(c->st, fridge, r.at, r.centi_c);
	if (vb == VB_EEXIST || vb == VB_EINVAL) {
		store_rollback(c->st);
		free(s);
		return vb == VB_EEXIST
			   ? ctl_refusef(c, "--at", "duplicate_reading",
					 "this fridge already has a reading at that time")
			   : ctl_refusef(c, "--fridge", "bad_fridge", "1-15 printable characters");
	}
	if (!vb)
		vb = store_temp_list(c->st, fridge, r.at - SCAN_WINDOW_S, readings, READINGS_MAX,
				     &n);
	if (!vb)
		vb =
		    coldchain_scan(readings, n, &cfg, c->now, exc, EXCURSIONS_MAX, &n_exc, &scan_q);
	if (!vb && n_exc)
		vb = record_excursions(c, fridge, exc, n_exc, &quarantine);
	if (!vb && quarantine)
		vb = set_fridge_quarantine(c, s, fridge, 1, "thermometer", &changed);
	if (!vb)
		vb = store_commit(c->st);
	if (vb) {
		store_rollback(c->st);
		free(s);
		return ctl_storage(c, vb);
	}
	char at[26];
	wallclock_format(r.at, c->utc_offset_min, at);
	json_t *o = json_pack("{s:{s:s, s:s, s:f}, s:b, s:i}", "reading", "fridge", fridge, "at",
			      at, "celsius", r.centi_c / 100.0, "quarantined",
			      fridge_quarantined(s, fridge), "lots_quarantined_now", (int)changed);
	const struct coldchain_excursion *last = n_exc ? &exc[n_exc - 1] : NULL;
	if (last && (last->open || last->end >= r.at)) {
		char start[26];
		wallclock_format(last->start, c->utc_offset_min, start);
		json_object_set_new(
		    o, "excursion",
		    json_pack("{s:s, s:b, s:I, s:f, s:f, s:b}", "start", start, "open", last->open,
			      "seconds", (json_int_t)last->seconds, "min", last->min_centi / 100.0,
			      "max", last->max_centi / 100.0, "over_limit", last->over_limit));
	}
	free(s);
	return ctl_emit(c, o, NULL);
}

int ctl_cmd_lot_release(struct ctl *c, int argc, char **argv)
{
	struct ctl_opt opts[] = {
	    {"--fridge", "NAME", "the quarantined fridge", 1, NULL},
	    {"--decision", "D", "release (lots usable) or discard (lots wasted)", 1, NULL},
	    {"--staff", "ID", "who decided", 1, NULL},
	    {"--note", "TEXT", "why (e.g. the maker's stability data)", 1, NULL},
	    {NULL, NULL, NULL, 0, NULL},
	};
	int rc = ctl_parse(c, argc, argv, opts,
			   "The staff decision on a fridge quarantined after a cold-chain\n"
			   "excursion: release its lots, or discard them as wastage.");
	if (rc)
		return rc;
	const char *fridge = ctl_opt(opts, "--fridge"), *staff = ctl_opt(opts, "--staff");
	enum coldchain_decision d;
	if (coldchain_decision_from_name(ctl_opt(opts, "--decision"), &d))
		return ctl_refusef(c, "--decision", "bad_decision", "want release or discard");
	if ((rc = ctl_store(c, 0)))
		return rc;
	static struct store_excursion list[EXCURSIONS_MAX];
	size_t n = 0;
	int vb = store_excursion_list(c->st, fridge, 0, list, EXCURSIONS_MAX, &n);
	if (vb && vb != VB_ERANGE)
		return ctl_storage(c, vb);
	const struct store_excursion *q = NULL;
	for (size_t i = 0; i < n; i++)
		if (list[i].state == STORE_EXCURSION_QUARANTINED)
			q = &list[i];
	if (!q)
		return ctl_refusef(c, "--fridge", "no_quarantine",
				   "this fridge has no excursion awaiting a decision");
	struct coldchain_verdict v;
	struct vb_reason why = {0};
	if (coldchain_decide(&q->exc, d, staff, ctl_opt(opts, "--note"), &v, &why))
		return ctl_refuse(c, "--fridge", &why);
	struct station_stock *s;
	if ((rc = ctl_stock_load(c, &s)))
		return rc;
	size_t released = 0;
	int wasted = 0;
	vb = store_begin(c->st);
	if (!vb)
		vb = store_excursion_decide(c->st, q->id, &v, c->now);
	for (size_t i = 0; !vb && v.discard_lots && i < s->n_lots; i++) {
		struct stock_lot *lot = &s->lots[i];
		struct stock_wastage w;
		if (strcmp(lot->fridge, fridge) != 0)
			continue;
		if (lot->vials > 0 && !stock_waste_vials(lot, lot->vials, STOCK_WASTE_COLD_CHAIN,
							 v.note, c->now, &w, &why)) {
			wasted += w.doses;
			vb = store_wastage_add(c->st, &w, staff, c->now);
			if (!vb)
				vb = store_lot_save(c->st, lot, staff, "stock.waste", NULL, c->now);
		}
		for (size_t k = 0; !vb && k < s->n_vials; k++) {
			if (strcmp(s->vials[k].lot, lot->lot) != 0 ||
			    stock_waste_open(&s->vials[k], STOCK_WASTE_COLD_CHAIN, v.note, c->now,
					     &w, &why))
				continue;
			wasted += w.doses;
			vb = store_wastage_add(c->st, &w, staff, c->now);
			if (!vb)
				vb = store_vial_save(c->st, s->vial_ids[k], &s->vials[k], 1);
		}
	}
	if (!vb)
		vb = set_fridge_quarantine(c, s, fridge, 0, staff, &released);
	if (!vb)
		vb = store_commit(c->st);
	free(s);
	if (vb) {
		store_rollback(c->st);
		if (vb == VB_ESTATE)
			return ctl_refusef(c, "--fridge", "excursion_open",
					   "the excursion has not ended: wait for an in-range "
					   "reading");
		return ctl_storage(c, vb);
	}
	return ctl_emit(c,
			json_pack("{s:s, s:s, s:i, s:i}", "fridge", fridge, "decision",
				  coldchain_decision_name(d), "released", (int)released,
				  "wasted_doses", wasted),
			NULL);
}
