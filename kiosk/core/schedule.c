/*
 * schedule: the next-dose decision over a checked catalog (see schedule.h
 * for the rules, the colours and the order of the refusals).
 */
#include "schedule.h"

#include <string.h>

#include "vbdate.h"

const char *schedule_colour_name(enum schedule_colour colour)
{
	switch (colour) {
	case SCHEDULE_COLOUR_NONE:
		return "none";
	case SCHEDULE_COLOUR_BLUE:
		return "blue";
	case SCHEDULE_COLOUR_YELLOW:
		return "yellow";
	case SCHEDULE_COLOUR_RED:
		return "red";
	}
	return "";
}

/* The first day on which someone born on `birth` is `years` old. */
static int32_t date_of_age(int32_t birth, int years)
{
	int32_t d = vbdate_add_months(birth, 12 * years);

	while (vbdate_age_years(birth, d) < years) /* born 29 February */
		d++;
	return d;
}

static int dose_before(const struct schedule_dose *a, const struct schedule_dose *b)
{
	if (a->date != b->date)
		return a->date < b->date;
	return strncmp(a->product, b->product, CATALOG_ID_CAP) < 0;
}

/* The last day of a dose's window, or VBDATE_NONE without a maximum. */
static int32_t dose_latest(const struct catalog_dose *d, int32_t first, int32_t previous)
{
	int32_t anchor;

	switch (d->max_anchor) {
	case CATALOG_ANCHOR_FIRST:
		anchor = first;
		break;
	case CATALOG_ANCHOR_PREVIOUS:
		anchor = previous;
		break;
	default:
		return VBDATE_NONE;
	}
	if (d->max_unit == CATALOG_UNIT_MONTHS)
		return vbdate_add_months(anchor, d->max_after);
	return anchor + d->max_after;
}

static enum schedule_colour colour_of(int32_t today, int32_t latest, int warn_days)
{
	if (latest == VBDATE_NONE)
		return SCHEDULE_COLOUR_BLUE;
	if (today > latest)
		return SCHEDULE_COLOUR_RED;
	if (today >= latest - warn_days)
		return SCHEDULE_COLOUR_YELLOW;
	return SCHEDULE_COLOUR_BLUE;
}

static void allow(struct schedule_decision *d, const char *id)
{
	for (size_t i = 0; i < d->n_allowed; i++)
		if (!strcmp(d->allowed[i], id))
			return;
	if (d->n_allowed < CATALOG_MAX_PRODUCTS)
		memcpy(d->allowed[d->n_allowed++], id, CATALOG_ID_CAP);
}

/*
 * Collects into d->allowed the products on board that are known, allowed
 * at `age` and, when `series` is set, allowed to continue that series.
 */
static void collect_allowed(const struct catalog *cat, const char *const *available,
			    size_t n_available, const struct catalog_product *series, int age,
			    struct schedule_decision *d)
{
	size_t n = available ? n_available : cat->n_products;

	for (size_t i = 0; i < n; i++) {
		const struct catalog_product *p =
		    available ? catalog_find(cat, available[i]) : &cat->products[i];
		if (!p || !catalog_age_allowed(p, age))
			continue;
		if (series && !catalog_substitute_allowed(cat, series->id, p->id))
			continue;
		allow(d, p->id);
	}
}

static int needs_assessment(const struct catalog_product *p, int age)
{
	return p && p->assessment_from_age != CATALOG_NONE && age >= p->assessment_from_age;
}

/* A first dose: any product on board that the person's age allows. */
static int decide_first(const struct catalog *cat, int32_t birth, const char *const *available,
			size_t n_available, int32_t today, int age, struct schedule_decision *d)
{
	const struct catalog_product *p;
	int32_t young_from = VBDATE_NONE;
	int any_age_ok = 0;

	d->dose_number = 1;
	collect_allowed(cat, available, n_available, NULL, age, d);
	if (d->n_allowed) {
		p = catalog_find(cat, d->allowed[0]);
		memcpy(d->product, p->id, CATALOG_ID_CAP);
		d->series_doses = p->n_doses;
		d->earliest = today;
		d->latest = VBDATE_NONE;
		d->colour = SCHEDULE_COLOUR_BLUE;
		d->needs_assessment = needs_assessment(p, age);
		d->due = 1;
		return VB_OK;
	}
	for (size_t i = 0; i < cat->n_products; i++) {
		p = &cat->products[i];
		if (catalog_age_allowed(p, age))
			any_age_ok = 1;
		else if (age < p->min_age_years) {
			int32_t from = date_of_age(birth, p->min_age_years);
			if (young_from == VBDATE_NONE || from < young_from)
				young_from = from;
		}
	}
	if (!any_age_ok && young_from != VBDATE_NONE) {
		d->earliest = young_from;
		return vb_reason_set(&d->why, "too_young",
				     "age %d is below the minimum age of every product in the "
				     "catalog",
				     age);
	}
	if (!any_age_ok)
		return vb_reason_set(&d->why, "too_old",
				     "age %d is above the maximum age of every product in the "
				     "catalog",
				     age);
	return vb_reason_set(&d->why, "no_product_available",
			     "no product on board may be given as a first dose at age %d", age);
}

/* A later dose of the series begun with `series`. */
static int decide_next(const struct catalog *cat, int32_t birth, const char *const *available,
		       size_t n_available, int32_t today, int age,
		       const struct catalog_product *series, int given, int32_t first,
		       int32_t previous, struct schedule_decision *d)
{
	const struct catalog_dose *dose;
	const struct catalog_product *p;
	char on[11];

	memcpy(d->series_product, series->id, CATALOG_ID_CAP);
	d->series_doses = series->n_doses;
	if (given >= series->n_doses)
		return vb_reason_set(&d->why, "series_complete",
				     "all %d doses of the %s series have been given",
				     series->n_doses, series->id);
	d->dose_number = given + 1;
	dose = &series->doses[given];
	d->earliest = previous + dose->min_days_after_previous;
	d->latest = dose_latest(dose, first, previous);
	d->needs_assessment = needs_assessment(series, age);
	if (age < series->min_age_years) {
		int32_t from = date_of_age(birth, series->min_age_years);
		if (from > d->earliest)
			d->earliest = from;
		return vb_reason_set(&d->why, "too_young",
				     "age %d is below the minimum age %d of %s", age,
				     series->min_age_years, series->id);
	}
	if (!catalog_age_allowed(series, age))
		return vb_reason_set(&d->why, "too_old", "age %d is above the maximum age %d of %s",
				     age, series->max_age_years, series->id);
	if (today < d->earliest) {
		vbdate_format(d->earliest, on);
		return vb_reason_set(&d->why, "too_early",
				     "dose %d of %s may be given from %s (%d days after the "
				     "previous dose)",
				     d->dose_number, series->id, on, dose->min_days_after_previous);
	}
	collect_allowed(cat, available, n_available, series, age, d);
	if (!d->n_allowed)
		return vb_reason_set(&d->why, "mix_not_allowed",
				     "dose %d: %s is not on board and no product allowed to "
				     "continue its series is",
				     d->dose_number, series->id);
	/* The series' own product when on board, and then only it (NHC guide:
	 * the same product for the whole series; another maker's vaccine of the
	 * same type only when it is unavailable); else the substitutes. */
	p = catalog_find(cat, d->allowed[0]);
	for (size_t i = 0; i < d->n_allowed; i++)
		if (!strcmp(d->allowed[i], series->id))
			p = series;
	if (p == series) {
		memcpy(d->allowed[0], series->id, CATALOG_ID_CAP);
		d->n_allowed = 1;
	}
	memcpy(d->product, p->id, CATALOG_ID_CAP);
	d->needs_assessment = needs_assessment(p, age);
	d->colour = colour_of(today, d->latest, dose->warn_days);
	d->due = 1;
	return VB_OK;
}

/* 1 if d is a date of the years vbdate knows (1800..9999), so sums stay small. */
static int date_ok(int32_t d)
{
	int32_t lo = 0, hi = 0;

	vbdate_from_ymd(1800, 1, 1, &lo);
	vbdate_from_ymd(9999, 12, 31, &hi);
	return d >= lo && d <= hi;
}

static int args_ok(const struct catalog *cat, int32_t birth, const struct schedule_dose *history,
		   size_t n_history, const char *const *available, size_t n_available,
		   int32_t today, const struct schedule_decision *out)
{
	if (!cat || !out || (n_history && !history) || (n_available && !available))
		return 0;
	if (n_history > SCHEDULE_MAX_HISTORY || !date_ok(birth) || !date_ok(today) || birth > today)
		return 0;
	for (size_t i = 0; i < n_history; i++)
		if (!date_ok(history[i].date) || !memchr(history[i].product, '\0', CATALOG_ID_CAP))
			return 0;
	for (size_t i = 0; i < n_available; i++)
		if (!available[i])
			return 0;
	return 1;
}

int schedule_decide(const struct catalog *cat, int32_t birth, const struct schedule_dose *history,
		    size_t n_history, const char *const *available, size_t n_available,
		    int32_t today, struct schedule_decision *out)
{
	const struct schedule_dose *sorted[SCHEDULE_MAX_HISTORY];
	const struct catalog_product *series = NULL;
	struct schedule_decision d;
	int given = 0, age, rc = VB_OK;
	char on[11];

	if (!args_ok(cat, birth, history, n_history, available, n_available, today, out))
		return VB_EINVAL;
	if (!n_available)
		available = NULL;
	memset(&d, 0, sizeof(d));
	d.earliest = VBDATE_NONE;
	d.latest = VBDATE_NONE;
	age = vbdate_age_years(birth, today);

	/* Insertion sort of pointers: stable, and histories are short. */
	for (size_t i = 0; i < n_history; i++) {
		size_t j = i;
		for (; j > 0 && dose_before(&history[i], sorted[j - 1]); j--)
			sorted[j] = sorted[j - 1];
		sorted[j] = &history[i];
	}
	for (size_t i = 0; i < n_history; i++)
		if (sorted[i]->date > today) {
			vbdate_format(sorted[i]->date, on);
			rc = vb_reason_set(&d.why, "future_dose",
					   "a recorded dose of %s is dated %s, after today",
					   sorted[i]->product, on);
			goto out;
		}
	for (size_t i = 0; i < n_history; i++)
		if (!catalog_find(cat, sorted[i]->product)) {
			rc = vb_reason_set(&d.why, "unknown_product",
					   "a recorded dose names product '%s', which is not in "
					   "the catalog",
					   sorted[i]->product);
			goto out;
		}
	if (!n_history) {
		rc = decide_first(cat, birth, available, n_available, today, age, &d);
		goto out;
	}
	series = catalog_find(cat, sorted[0]->product);
	for (size_t i = 0; i < n_history; i++) {
		if (!catalog_substitute_allowed(cat, series->id, sorted[i]->product)) {
			memcpy(d.series_product, series->id, CATALOG_ID_CAP);
			rc = vb_reason_set(&d.why, "mix_not_allowed",
					   "a recorded dose of %s may not continue a series begun "
					   "with %s",
					   sorted[i]->product, series->id);
			goto out;
		}
		if (i == 0 || sorted[i]->date != sorted[i - 1]->date)
			given++;
	}
	rc = decide_next(cat, birth, available, n_available, today, age, series, given,
			 sorted[0]->date, sorted[n_history - 1]->date, &d);
out:
	if (rc) {
		d.due = 0;
		d.colour = SCHEDULE_COLOUR_NONE;
		d.product[0] = '\0';
		d.n_allowed = 0;
	}
	*out = d;
	return rc;
}
