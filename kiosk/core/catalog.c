/*
 * catalog: allocation, the consistency check and the look-ups of the
 * in-memory vaccine catalog (see catalog.h). No file, no JSON, no clock.
 */
#include "catalog.h"

#include <stdlib.h>
#include <string.h>

#include "gs1.h"

struct catalog *catalog_new(size_t n_products)
{
	struct catalog *cat = NULL;

	if (n_products > CATALOG_MAX_PRODUCTS)
		return NULL;
	cat = calloc(1, sizeof(*cat));
	if (!cat)
		return NULL;
	if (n_products) {
		cat->products = calloc(n_products, sizeof(*cat->products));
		if (!cat->products) {
			free(cat);
			return NULL;
		}
	}
	cat->n_products = n_products;
	return cat;
}

void catalog_free(struct catalog *cat)
{
	if (!cat)
		return;
	free(cat->products);
	free(cat);
}

/* 1 if s is NUL-terminated within cap bytes. */
static int terminated(const char *s, size_t cap)
{
	return memchr(s, '\0', cap) != NULL;
}

/* 1 if s is a well-formed product id: 1..31 of [a-z0-9-], not starting with '-'. */
static int id_ok(const char *s, size_t cap)
{
	if (!terminated(s, cap) || !s[0] || s[0] == '-')
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '-'))
			return 0;
	return 1;
}

/* 1 if s is a code: printable ASCII without spaces (may be empty). */
static int code_ok(const char *s, size_t cap)
{
	if (!terminated(s, cap))
		return 0;
	for (; *s; s++)
		if (*s <= ' ' || *s > '~')
			return 0;
	return 1;
}

static int digits_ok(const char *s, size_t cap)
{
	if (!terminated(s, cap))
		return 0;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return 0;
	return 1;
}

/* ATC level 5: letter, 2 digits, 2 letters, 2 digits ("J07BN03"). */
static int atc_ok(const char *s, size_t cap)
{
	static const char shape[] = "A00AA00";

	if (!terminated(s, cap) || strlen(s) != 7)
		return 0;
	for (int i = 0; i < 7; i++) {
		int digit = s[i] >= '0' && s[i] <= '9';
		int upper = s[i] >= 'A' && s[i] <= 'Z';
		if (shape[i] == '0' ? !digit : !upper)
			return 0;
	}
	return 1;
}

static int text_ok(const struct catalog_text *t)
{
	return terminated(t->en, sizeof(t->en)) && terminated(t->zh, sizeof(t->zh)) && t->en[0] &&
	       t->zh[0];
}

static int route_ok(const char *s, size_t cap)
{
	static const char *const routes[] = {"IM", "SC", "ID", "PO", "IN"};

	if (!terminated(s, cap))
		return 0;
	for (size_t i = 0; i < sizeof(routes) / sizeof(routes[0]); i++)
		if (!strcmp(s, routes[i]))
			return 1;
	return 0;
}

/* The shortest number of days a dose's maximum interval can span. */
static int max_span_days(const struct catalog_dose *d)
{
	return d->max_unit == CATALOG_UNIT_MONTHS ? d->max_after * 28 : d->max_after;
}

static int check_doses(const struct catalog_product *p, struct vb_reason *why)
{
	int from_first = 0; /* sum of minimum intervals from dose 1 */

	if (p->n_doses < 1 || p->n_doses > CATALOG_MAX_DOSES)
		return vb_reason_set(why, "bad_doses",
				     "product '%s': key 'doses': %d doses, want 1..%d", p->id,
				     p->n_doses, CATALOG_MAX_DOSES);
	for (int i = 0; i < p->n_doses; i++) {
		const struct catalog_dose *d = &p->doses[i];
		const char *key = catalog_dose_max_key(d);
		int n = i + 1, span, from_anchor;

		if (d->max_anchor != CATALOG_ANCHOR_NONE && d->max_anchor != CATALOG_ANCHOR_FIRST &&
		    d->max_anchor != CATALOG_ANCHOR_PREVIOUS)
			return vb_reason_set(why, "bad_interval",
					     "product '%s': dose %d: invalid maximum anchor", p->id,
					     n);
		if (d->max_unit != CATALOG_UNIT_DAYS && d->max_unit != CATALOG_UNIT_MONTHS)
			return vb_reason_set(why, "bad_interval",
					     "product '%s': dose %d: invalid maximum unit", p->id,
					     n);
		if (i == 0) {
			if (d->min_days_after_previous || d->max_anchor || d->max_after ||
			    d->warn_days)
				return vb_reason_set(why, "bad_interval",
						     "product '%s': dose 1: has an interval; the "
						     "first dose has none",
						     p->id);
			continue;
		}
		if (d->min_days_after_previous < 1 || d->min_days_after_previous > 3650)
			return vb_reason_set(
			    why, "bad_interval",
			    "product '%s': dose %d: key 'min_days_after_previous': "
			    "%d, want 1..3650",
			    p->id, n, d->min_days_after_previous);
		from_first += d->min_days_after_previous;
		if (d->max_anchor == CATALOG_ANCHOR_NONE) {
			if (d->max_after || d->warn_days)
				return vb_reason_set(why, "bad_interval",
						     "product '%s': dose %d: key 'warn_days': set "
						     "without a maximum interval",
						     p->id, n);
			continue;
		}
		if (d->max_after < 1 ||
		    d->max_after > (d->max_unit == CATALOG_UNIT_MONTHS ? 120 : 3650))
			return vb_reason_set(why, "bad_interval",
					     "product '%s': dose %d: key '%s': %d is out of range",
					     p->id, n, key, d->max_after);
		span = max_span_days(d);
		from_anchor =
		    d->max_anchor == CATALOG_ANCHOR_FIRST ? from_first : d->min_days_after_previous;
		if (from_anchor > span)
			return vb_reason_set(why, "interval_order",
					     "product '%s': dose %d: key '%s': the minimum "
					     "interval (%d days) exceeds the maximum",
					     p->id, n, key, from_anchor);
		if (d->warn_days < 0 || d->warn_days > span)
			return vb_reason_set(why, "bad_interval",
					     "product '%s': dose %d: key 'warn_days': %d, want "
					     "0..%d",
					     p->id, n, d->warn_days, span);
	}
	return VB_OK;
}

static int check_ages(const struct catalog_product *p, struct vb_reason *why)
{
	int top = p->max_age_years == CATALOG_NONE ? CATALOG_MAX_AGE : p->max_age_years;

	if (p->min_age_years < 0 || p->min_age_years > CATALOG_MAX_AGE)
		return vb_reason_set(why, "bad_age",
				     "product '%s': key 'min_age_years': %d, want 0..%d", p->id,
				     p->min_age_years, CATALOG_MAX_AGE);
	if (top < p->min_age_years || top > CATALOG_MAX_AGE)
		return vb_reason_set(why, "bad_age",
				     "product '%s': key 'max_age_years': %d, want null or %d..%d",
				     p->id, p->max_age_years, p->min_age_years, CATALOG_MAX_AGE);
	if (p->assessment_from_age != CATALOG_NONE &&
	    (p->assessment_from_age < p->min_age_years || p->assessment_from_age > top))
		return vb_reason_set(why, "bad_age",
				     "product '%s': key 'assessment_from_age_years': %d, want null "
				     "or %d..%d",
				     p->id, p->assessment_from_age, p->min_age_years, top);
	return VB_OK;
}

static int check_codes(const struct catalog_product *p, struct vb_reason *why)
{
	static const struct {
		const char *key;
		size_t off;
	} codes[] = {
	    {"dcc_vp", offsetof(struct catalog_product, dcc_vp)},
	    {"dcc_mp", offsetof(struct catalog_product, dcc_mp)},
	    {"dcc_ma", offsetof(struct catalog_product, dcc_ma)},
	};

	if (!digits_ok(p->cvx, sizeof(p->cvx)))
		return vb_reason_set(why, "bad_code", "product '%s': key 'cvx': not digits", p->id);
	if (!atc_ok(p->atc, sizeof(p->atc)))
		return vb_reason_set(why, "bad_code",
				     "product '%s': key 'atc': not an ATC code like J07BN03",
				     p->id);
	for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++)
		if (!code_ok((const char *)p + codes[i].off, CATALOG_CODE_CAP))
			return vb_reason_set(why, "bad_code",
					     "product '%s': key '%s': not a code (printable, "
					     "no spaces)",
					     p->id, codes[i].key);
	return VB_OK;
}

static int check_gtins(const struct catalog *cat, size_t k, struct vb_reason *why)
{
	const struct catalog_product *p = &cat->products[k];

	if (p->n_gtins > CATALOG_MAX_GTINS)
		return vb_reason_set(why, "bad_gtin", "product '%s': key 'gtins': more than %d",
				     p->id, CATALOG_MAX_GTINS);
	for (size_t g = 0; g < p->n_gtins; g++) {
		const char *gtin = p->gtins[g];
		if (!digits_ok(gtin, sizeof(p->gtins[g])) || strlen(gtin) != 14 ||
		    !gs1_gtin_valid(gtin))
			return vb_reason_set(why, "bad_gtin",
					     "product '%s': key 'gtins': entry %zu is not a "
					     "valid GTIN-14",
					     p->id, g + 1);
		for (size_t j = 0; j <= k; j++) {
			const struct catalog_product *q = &cat->products[j];
			size_t end = j == k ? g : q->n_gtins;
			for (size_t h = 0; h < end; h++)
				if (!strcmp(q->gtins[h], gtin))
					return vb_reason_set(why, "duplicate_gtin",
							     "product '%s': key 'gtins': %s is "
							     "also listed by '%s'",
							     p->id, gtin, q->id);
		}
	}
	return VB_OK;
}

static int check_substitutes(const struct catalog *cat, const struct catalog_product *p,
			     struct vb_reason *why)
{
	if (p->n_substitutes > CATALOG_MAX_SUBSTITUTES)
		return vb_reason_set(why, "bad_substitute",
				     "product '%s': key 'substitutes': more than %d", p->id,
				     CATALOG_MAX_SUBSTITUTES);
	for (size_t s = 0; s < p->n_substitutes; s++) {
		const char *sid = p->substitutes[s];
		const struct catalog_product *q;

		if (!id_ok(sid, sizeof(p->substitutes[s])))
			return vb_reason_set(why, "bad_substitute",
					     "product '%s': key 'substitutes': entry %zu is not "
					     "a product id",
					     p->id, s + 1);
		q = catalog_find(cat, sid);
		if (!q)
			return vb_reason_set(why, "unknown_substitute",
					     "product '%s': key 'substitutes': unknown product "
					     "id '%s'",
					     p->id, sid);
		if (q == p)
			return vb_reason_set(why, "bad_substitute",
					     "product '%s': key 'substitutes': lists itself",
					     p->id);
		if (q->type != p->type)
			return vb_reason_set(why, "substitute_type",
					     "product '%s': key 'substitutes': '%s' is %s, not %s",
					     p->id, sid, catalog_type_name(q->type),
					     catalog_type_name(p->type));
		for (size_t t = 0; t < s; t++)
			if (!strcmp(p->substitutes[t], sid))
				return vb_reason_set(why, "bad_substitute",
						     "product '%s': key 'substitutes': '%s' is "
						     "listed twice",
						     p->id, sid);
	}
	return VB_OK;
}

static int check_handling(const struct catalog_product *p, struct vb_reason *why)
{
	if (p->doses_per_vial < 1 || p->doses_per_vial > 100)
		return vb_reason_set(why, "bad_vial",
				     "product '%s': key 'doses_per_vial': %d, want 1..100", p->id,
				     p->doses_per_vial);
	if (p->discard_hours < 0 || p->discard_hours > 720 ||
	    (p->doses_per_vial > 1 && p->discard_hours == 0))
		return vb_reason_set(why, "bad_vial",
				     "product '%s': key 'discard_hours': %d, want 0..720 (above 0 "
				     "for a multi-dose vial)",
				     p->id, p->discard_hours);
	if (p->storage_min_c10 < -900 || p->storage_max_c10 > 500 ||
	    p->storage_min_c10 > p->storage_max_c10)
		return vb_reason_set(why, "bad_storage",
				     "product '%s': key 'storage_min_c10': %d..%d is not a range "
				     "within -900..500",
				     p->id, p->storage_min_c10, p->storage_max_c10);
	if (!route_ok(p->route, sizeof(p->route)))
		return vb_reason_set(why, "bad_route",
				     "product '%s': key 'route': want IM, SC, ID, PO or IN", p->id);
	if (!terminated(p->site, sizeof(p->site)) || !p->site[0])
		return vb_reason_set(why, "bad_route", "product '%s': key 'site': empty", p->id);
	if (p->dose_volume_ml100 < 1 || p->dose_volume_ml100 > 1000)
		return vb_reason_set(why, "bad_volume",
				     "product '%s': key 'dose_volume_ml100': %d, want 1..1000",
				     p->id, p->dose_volume_ml100);
	return VB_OK;
}

int catalog_check(const struct catalog *cat, struct vb_reason *why)
{
	int rc = VB_OK;

	if (!cat || !cat->n_products || !cat->products || cat->n_products > CATALOG_MAX_PRODUCTS) {
		vb_reason_set(why, "no_products", "key 'products': want 1..%d products",
			      CATALOG_MAX_PRODUCTS);
		return VB_EINVAL;
	}
	if (!id_ok(cat->id, sizeof(cat->id))) {
		vb_reason_set(why, "bad_id", "key 'id': the catalog id is not [a-z0-9-]");
		return VB_EINVAL;
	}
	for (size_t k = 0; k < cat->n_products; k++) {
		const struct catalog_product *p = &cat->products[k];

		if (!id_ok(p->id, sizeof(p->id))) {
			rc = vb_reason_set(why, "bad_id",
					   "product #%zu: key 'id': want 1..%d of a-z, 0-9, '-'",
					   k + 1, CATALOG_ID_CAP - 1);
			goto out;
		}
		for (size_t j = 0; j < k; j++)
			if (!strcmp(cat->products[j].id, p->id)) {
				rc = vb_reason_set(why, "duplicate_id",
						   "product '%s': key 'id': duplicate product id",
						   p->id);
				goto out;
			}
		if (!text_ok(&p->name) || !text_ok(&p->maker) || !text_ok(&p->holder)) {
			rc = vb_reason_set(why, "missing_text",
					   "product '%s': key '%s': needs non-empty en and zh",
					   p->id,
					   !text_ok(&p->name)	 ? "name"
					   : !text_ok(&p->maker) ? "maker"
								 : "holder");
			goto out;
		}
		if (!catalog_type_name(p->type)[0]) {
			rc = vb_reason_set(why, "bad_type", "product '%s': key 'type': invalid",
					   p->id);
			goto out;
		}
		rc = check_codes(p, why);
		if (rc)
			goto out;
		rc = check_gtins(cat, k, why);
		if (rc)
			goto out;
		rc = check_doses(p, why);
		if (rc)
			goto out;
		rc = check_ages(p, why);
		if (rc)
			goto out;
		rc = check_handling(p, why);
		if (rc)
			goto out;
	}
	/* Substitutes need every id checked first. */
	for (size_t k = 0; k < cat->n_products; k++) {
		rc = check_substitutes(cat, &cat->products[k], why);
		if (rc)
			goto out;
	}
out:
	return rc ? VB_EINVAL : VB_OK;
}

const struct catalog_product *catalog_find(const struct catalog *cat, const char *id)
{
	if (!cat || !id)
		return NULL;
	for (size_t i = 0; i < cat->n_products; i++)
		if (!strncmp(cat->products[i].id, id, CATALOG_ID_CAP))
			return &cat->products[i];
	return NULL;
}

const struct catalog_product *catalog_find_gtin(const struct catalog *cat, const char *gtin14)
{
	if (!cat || !gtin14 || !gtin14[0])
		return NULL;
	for (size_t i = 0; i < cat->n_products; i++)
		for (size_t g = 0; g < cat->products[i].n_gtins; g++)
			if (!strncmp(cat->products[i].gtins[g], gtin14, 15))
				return &cat->products[i];
	return NULL;
}

int catalog_substitute_allowed(const struct catalog *cat, const char *series_product,
			       const char *candidate)
{
	const struct catalog_product *p = catalog_find(cat, series_product);
	const struct catalog_product *q = catalog_find(cat, candidate);

	if (!p || !q)
		return 0;
	if (p == q)
		return 1;
	if (p->type != q->type)
		return 0;
	for (size_t s = 0; s < p->n_substitutes; s++)
		if (!strncmp(p->substitutes[s], q->id, CATALOG_ID_CAP))
			return 1;
	return 0;
}

int catalog_age_allowed(const struct catalog_product *p, int age)
{
	if (!p || age < p->min_age_years)
		return 0;
	return p->max_age_years == CATALOG_NONE || age <= p->max_age_years;
}

const char *catalog_type_name(enum catalog_type type)
{
	switch (type) {
	case CATALOG_TYPE_INACTIVATED:
		return "inactivated";
	case CATALOG_TYPE_ADENOVIRUS_VECTOR:
		return "adenovirus-vector";
	case CATALOG_TYPE_PROTEIN_SUBUNIT:
		return "protein-subunit";
	}
	return "";
}

int catalog_type_parse(const char *name, enum catalog_type *type)
{
	static const enum catalog_type all[] = {
	    CATALOG_TYPE_INACTIVATED, CATALOG_TYPE_ADENOVIRUS_VECTOR, CATALOG_TYPE_PROTEIN_SUBUNIT};

	if (!name || !type)
		return VB_EINVAL;
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		if (!strcmp(name, catalog_type_name(all[i]))) {
			*type = all[i];
			return VB_OK;
		}
	return VB_EINVAL;
}

const char *catalog_dose_max_key(const struct catalog_dose *dose)
{
	int months = dose->max_unit == CATALOG_UNIT_MONTHS;

	switch (dose->max_anchor) {
	case CATALOG_ANCHOR_FIRST:
		return months ? "max_months_after_first" : "max_days_after_first";
	case CATALOG_ANCHOR_PREVIOUS:
		return months ? "max_months_after_previous" : "max_days_after_previous";
	case CATALOG_ANCHOR_NONE:
		break;
	}
	return "";
}
