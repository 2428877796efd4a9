/*
 * coldchain: excursion detection as one incremental rule (feed/tick),
 * with the batch scan built on it so both forms always agree, and the
 * staff decision that ends a quarantine.
 */
#include "coldchain.h"

#include <string.h>

void coldchain_config_init(struct coldchain_config *cfg)
{
	cfg->min_centi = COLDCHAIN_MIN_CENTI_DEFAULT;
	cfg->max_centi = COLDCHAIN_MAX_CENTI_DEFAULT;
	cfg->excursion_seconds = COLDCHAIN_EXCURSION_SECONDS_DEFAULT;
}

int coldchain_config_check(const struct coldchain_config *cfg)
{
	if (!cfg || cfg->min_centi > cfg->max_centi || cfg->excursion_seconds < 0)
		return VB_EINVAL;
	return VB_OK;
}

static int in_range(const struct coldchain_config *cfg, int centi)
{
	return centi >= cfg->min_centi && centi <= cfg->max_centi;
}

/* end - start for end >= start, saturating instead of overflowing. */
static int64_t span(int64_t start, int64_t end)
{
	uint64_t d = (uint64_t)end - (uint64_t)start;
	return d > (uint64_t)INT64_MAX ? INT64_MAX : (int64_t)d;
}

/* Stretches the open excursion to t (never shortens it) and emits the
 * quarantine once it reaches the limit. */
static void extend(struct coldchain_state *st, const struct coldchain_config *cfg, int64_t t,
		   struct coldchain_effect *e)
{
	if (t > st->cur.end)
		st->cur.end = t;
	st->cur.seconds = span(st->cur.start, st->cur.end);
	st->cur.over_limit = st->cur.seconds >= cfg->excursion_seconds;
	if (st->cur.over_limit && !st->notified) {
		st->notified = 1;
		e->quarantine = 1;
	}
}

void coldchain_state_init(struct coldchain_state *st)
{
	memset(st, 0, sizeof(*st));
}

int coldchain_feed(struct coldchain_state *st, const struct coldchain_config *cfg,
		   const struct coldchain_reading *r, struct coldchain_effect *eff)
{
	if (coldchain_config_check(cfg) || !r || (st->have_last && r->at < st->last_at))
		return VB_EINVAL;
	struct coldchain_effect e;
	memset(&e, 0, sizeof(e));
	st->have_last = 1;
	st->last_at = r->at;
	if (!in_range(cfg, r->centi_c)) {
		if (!st->in_excursion) {
			memset(&st->cur, 0, sizeof(st->cur));
			st->cur.start = st->cur.end = r->at;
			st->cur.open = 1;
			st->cur.min_centi = st->cur.max_centi = r->centi_c;
			st->in_excursion = 1;
			st->notified = 0;
			e.started = 1;
		}
		if (r->centi_c < st->cur.min_centi)
			st->cur.min_centi = r->centi_c;
		if (r->centi_c > st->cur.max_centi)
			st->cur.max_centi = r->centi_c;
		extend(st, cfg, r->at, &e);
		e.in_excursion = 1;
		e.excursion = st->cur;
	} else if (st->in_excursion) {
		extend(st, cfg, r->at, &e);
		st->cur.open = 0;
		st->in_excursion = 0;
		e.ended = 1;
		e.excursion = st->cur;
	}
	*eff = e;
	return VB_OK;
}

int coldchain_tick(struct coldchain_state *st, const struct coldchain_config *cfg, int64_t now,
		   struct coldchain_effect *eff)
{
	if (coldchain_config_check(cfg))
		return VB_EINVAL;
	struct coldchain_effect e;
	memset(&e, 0, sizeof(e));
	if (st->in_excursion) {
		extend(st, cfg, now, &e);
		e.in_excursion = 1;
		e.excursion = st->cur;
	}
	*eff = e;
	return VB_OK;
}

int coldchain_scan(const struct coldchain_reading *r, size_t n, const struct coldchain_config *cfg,
		   int64_t now, struct coldchain_excursion *out, size_t cap, size_t *n_out,
		   int *quarantine)
{
	struct coldchain_state st;
	struct coldchain_effect e;
	size_t count = 0;
	int rc;

	if (coldchain_config_check(cfg) || (n > 0 && !r))
		return VB_EINVAL;
	/* First pass: order check and count, so nothing is written on error. */
	coldchain_state_init(&st);
	for (size_t i = 0; i < n; i++) {
		rc = coldchain_feed(&st, cfg, &r[i], &e);
		if (rc)
			return rc;
		count += e.ended;
	}
	count += st.in_excursion;
	if (count > cap)
		return VB_ERANGE;

	size_t k = 0;
	int q = 0;
	coldchain_state_init(&st);
	for (size_t i = 0; i < n; i++) {
		coldchain_feed(&st, cfg, &r[i], &e);
		if (e.ended) {
			out[k++] = e.excursion;
			q |= e.excursion.over_limit;
		}
	}
	if (st.in_excursion) {
		coldchain_tick(&st, cfg, now, &e);
		out[k++] = st.cur;
		q |= st.cur.over_limit;
	}
	*n_out = k;
	*quarantine = q;
	return VB_OK;
}

static const char *const decision_names[COLDCHAIN_DECISION_COUNT] = {
    [COLDCHAIN_RELEASE] = "release",
    [COLDCHAIN_DISCARD] = "discard",
};

const char *coldchain_decision_name(enum coldchain_decision d)
{
	return (unsigned)d < COLDCHAIN_DECISION_COUNT ? decision_names[d] : NULL;
}

int coldchain_decision_from_name(const char *name, enum coldchain_decision *out)
{
	if (!name)
		return VB_EINVAL;
	for (int i = 0; i < COLDCHAIN_DECISION_COUNT; i++) {
		if (strcmp(decision_names[i], name) == 0) {
			*out = (enum coldchain_decision)i;
			return VB_OK;
		}
	}
	return VB_EINVAL;
}

int coldchain_decide(const struct coldchain_excursion *exc, enum coldchain_decision d,
		     const char *staff, const char *note, struct coldchain_verdict *out,
		     struct vb_reason *why)
{
	if (!exc || (unsigned)d >= COLDCHAIN_DECISION_COUNT)
		return VB_EINVAL;
	if ((staff && strlen(staff) >= sizeof(out->staff)) ||
	    (note && strlen(note) >= sizeof(out->note)))
		return VB_EINVAL;
	if (exc->open)
		return vb_reason_set(why, "excursion_open",
				     "the fridge has not been back in range since the excursion "
				     "began: decide once it is");
	if (!exc->over_limit)
		return vb_reason_set(why, "no_quarantine",
				     "the excursion lasted %lld s, under the limit: nothing is "
				     "quarantined",
				     (long long)exc->seconds);
	if (!staff || !staff[0])
		return vb_reason_set(why, "staff_required",
				     "a cold-chain decision needs the deciding staff member's id");
	if (d == COLDCHAIN_RELEASE && (!note || !note[0]))
		return vb_reason_set(why, "note_required",
				     "releasing quarantined lots needs a note saying why the "
				     "vaccine is still good");
	memset(out, 0, sizeof(*out));
	out->decision = d;
	out->release_lots = d == COLDCHAIN_RELEASE;
	out->discard_lots = d == COLDCHAIN_DISCARD;
	strcpy(out->staff, staff);
	if (note)
		strcpy(out->note, note);
	return VB_OK;
}
