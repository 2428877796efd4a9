/*
 * catalog: allocation, every rule of catalog_check() (one table row per
 * refusal, with its exact text), and the look-ups (id, GTIN, substitution,
 * age, type names, dose keys) over a catalog built in C.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "catalog.h"
#include "vb_error.h"

static void text(struct catalog_text *t, const char *en, const char *zh)
{
	strcpy(t->en, en);
	strcpy(t->zh, zh);
}

/* A valid product: 2 doses, >= 21 days apart, 2nd within 56 days of the 1st. */
static void product(struct catalog_product *p, const char *id, enum catalog_type type)
{
	memset(p, 0, sizeof(*p));
	strcpy(p->id, id);
	text(&p->name, "Name", "名");
	text(&p->maker, "Maker", "厂");
	text(&p->holder, "Holder", "持有人");
	p->type = type;
	strcpy(p->cvx, "510");
	strcpy(p->atc, "J07BN03");
	strcpy(p->dcc_vp, "1157024006");
	strcpy(p->dcc_mp, "BBIBP-CorV");
	strcpy(p->dcc_ma, "ORG-100020693");
	p->n_doses = 2;
	p->doses[1] = (struct catalog_dose){.min_days_after_previous = 21,
					    .max_anchor = CATALOG_ANCHOR_FIRST,
					    .max_unit = CATALOG_UNIT_DAYS,
					    .max_after = 56,
					    .warn_days = 7};
	p->min_age_years = 18;
	p->max_age_years = CATALOG_NONE;
	p->assessment_from_age = 60;
	p->doses_per_vial = 1;
	p->storage_min_c10 = 20;
	p->storage_max_c10 = 80;
	strcpy(p->route, "IM");
	strcpy(p->site, "deltoid");
	p->dose_volume_ml100 = 50;
}

/* Three products: a and b inactivated (a lists b), v a vector vaccine. */
static struct catalog *fixture(void)
{
	struct catalog *cat = catalog_new(3);

	assert_non_null(cat);
	strcpy(cat->id, "test-cat");
	product(&cat->products[0], "a", CATALOG_TYPE_INACTIVATED);
	product(&cat->products[1], "b", CATALOG_TYPE_INACTIVATED);
	product(&cat->products[2], "v", CATALOG_TYPE_ADENOVIRUS_VECTOR);
	strcpy(cat->products[0].substitutes[0], "b");
	cat->products[0].n_substitutes = 1;
	strcpy(cat->products[0].gtins[0], "06950000000019");
	strcpy(cat->products[1].gtins[0], "06950000000026");
	cat->products[0].n_gtins = 1;
	cat->products[1].n_gtins = 1;
	cat->products[2].n_doses = 1;
	memset(&cat->products[2].doses[1], 0, sizeof(cat->products[2].doses[1]));
	return cat;
}

static void test_new_free(void **state)
{
	(void)state;
	struct catalog *cat = catalog_new(0);

	assert_non_null(cat);
	assert_int_equal(cat->n_products, 0);
	catalog_free(cat);
	assert_null(catalog_new(CATALOG_MAX_PRODUCTS + 1));
	cat = catalog_new(CATALOG_MAX_PRODUCTS);
	assert_non_null(cat);
	assert_string_equal(cat->products[CATALOG_MAX_PRODUCTS - 1].id, "");
	catalog_free(cat);
	catalog_free(NULL);
}

static void test_fixture_valid(void **state)
{
	(void)state;
	struct catalog *cat = fixture();
	struct vb_reason why = {0};

	assert_int_equal(catalog_check(cat, &why), VB_OK);
	assert_null(why.code);
	catalog_free(cat);
}

/* Mutations of the fixture; each makes catalog_check() refuse. */
static void m_no_products(struct catalog *c)
{
	c->n_products = 0;
}
static void m_catalog_id(struct catalog *c)
{
	strcpy(c->id, "Bad Id");
}
static void m_bad_id(struct catalog *c)
{
	strcpy(c->products[1].id, "B");
}
static void m_dup_id(struct catalog *c)
{
	strcpy(c->products[2].id, "b");
}
static void m_no_zh(struct catalog *c)
{
	c->products[1].maker.zh[0] = '\0';
}
static void m_type(struct catalog *c)
{
	c->products[2].type = (enum catalog_type)0;
}
static void m_cvx(struct catalog *c)
{
	strcpy(c->products[0].cvx, "51O");
}
static void m_atc(struct catalog *c)
{
	strcpy(c->products[0].atc, "J07BN3");
}
static void m_dcc(struct catalog *c)
{
	strcpy(c->products[0].dcc_mp, "BBIBP CorV");
}
static void m_gtin_check(struct catalog *c)
{
	strcpy(c->products[1].gtins[0], "06950000000027");
}
static void m_gtin_dup(struct catalog *c)
{
	strcpy(c->products[1].gtins[0], "06950000000019");
}
static void m_no_doses(struct catalog *c)
{
	c->products[0].n_doses = 0;
}
static void m_dose1_interval(struct catalog *c)
{
	c->products[0].doses[0].min_days_after_previous = 7;
}
static void m_min_zero(struct catalog *c)
{
	c->products[0].doses[1].min_days_after_previous = 0;
}
static void m_min_gt_max(struct catalog *c)
{
	c->products[0].doses[1].min_days_after_previous = 57;
}
static void m_sum_gt_max_first(struct catalog *c)
{
	/* 3rd dose 40 days after the 2nd, within 60 days of the 1st: 21+40 > 60 */
	struct catalog_product *p = &c->products[0];
	p->n_doses = 3;
	p->doses[2] = (struct catalog_dose){40, CATALOG_ANCHOR_FIRST, CATALOG_UNIT_DAYS, 60, 7};
}
static void m_months_short(struct catalog *c)
{
	c->products[0].doses[1].max_unit = CATALOG_UNIT_MONTHS;
	c->products[0].doses[1].max_after = 0;
}
static void m_warn_no_max(struct catalog *c)
{
	c->products[0].doses[1].max_anchor = CATALOG_ANCHOR_NONE;
	c->products[0].doses[1].max_after = 0;
}
static void m_warn_too_big(struct catalog *c)
{
	c->products[0].doses[1].warn_days = 57;
}
static void m_min_age(struct catalog *c)
{
	c->products[0].min_age_years = -1;
}
static void m_max_age(struct catalog *c)
{
	c->products[0].max_age_years = 17;
}
static void m_assess_age(struct catalog *c)
{
	c->products[0].max_age_years = 59;
}
static void m_sub_unknown(struct catalog *c)
{
	strcpy(c->products[0].substitutes[0], "zz");
}
static void m_sub_self(struct catalog *c)
{
	strcpy(c->products[0].substitutes[0], "a");
}
static void m_sub_type(struct catalog *c)
{
	strcpy(c->products[0].substitutes[0], "v");
}
static void m_sub_twice(struct catalog *c)
{
	strcpy(c->products[0].substitutes[1], "b");
	c->products[0].n_substitutes = 2;
}
static void m_vial(struct catalog *c)
{
	c->products[0].doses_per_vial = 0;
}
static void m_discard(struct catalog *c)
{
	c->products[0].doses_per_vial = 2;
}
static void m_storage(struct catalog *c)
{
	c->products[0].storage_min_c10 = 90;
}
static void m_route(struct catalog *c)
{
	strcpy(c->products[0].route, "XX");
}
static void m_site(struct catalog *c)
{
	c->products[0].site[0] = '\0';
}
static void m_volume(struct catalog *c)
{
	c->products[0].dose_volume_ml100 = 0;
}
static void m_unterminated(struct catalog *c)
{
	memset(c->products[0].name.en, 'x', sizeof(c->products[0].name.en));
}

static void test_check_refusals(void **state)
{
	(void)state;
	static const struct {
		void (*mutate)(struct catalog *);
		const char *code;
		const char *text;
	} cases[] = {
	    {m_no_products, "no_products", "key 'products': want 1..64 products"},
	    {m_catalog_id, "bad_id", "key 'id': the catalog id is not [a-z0-9-]"},
	    {m_bad_id, "bad_id", "product #2: key 'id': want 1..31 of a-z, 0-9, '-'"},
	    {m_dup_id, "duplicate_id", "product 'b': key 'id': duplicate product id"},
	    {m_no_zh, "missing_text", "product 'b': key 'maker': needs non-empty en and zh"},
	    {m_unterminated, "missing_text", "product 'a': key 'name': needs non-empty en and zh"},
	    {m_type, "bad_type", "product 'v': key 'type': invalid"},
	    {m_cvx, "bad_code", "product 'a': key 'cvx': not digits"},
	    {m_atc, "bad_code", "product 'a': key 'atc': not an ATC code like J07BN03"},
	    {m_dcc, "bad_code", "product 'a': key 'dcc_mp': not a code (printable, no spaces)"},
	    {m_gtin_check, "bad_gtin", "product 'b': key 'gtins': entry 1 is not a valid GTIN-14"},
	    {m_gtin_dup, "duplicate_gtin",
	     "product 'b': key 'gtins': 06950000000019 is also listed by 'a'"},
	    {m_no_doses, "bad_doses", "product 'a': key 'doses': 0 doses, want 1..8"},
	    {m_dose1_interval, "bad_interval",
	     "product 'a': dose 1: has an interval; the first dose has none"},
	    {m_min_zero, "bad_interval",
	     "product 'a': dose 2: key 'min_days_after_previous': 0, want 1..3650"},
	    {m_min_gt_max, "interval_order",
	     "product 'a': dose 2: key 'max_days_after_first': the minimum interval (57 days) "
	     "exceeds the maximum"},
	    {m_sum_gt_max_first, "interval_order",
	     "product 'a': dose 3: key 'max_days_after_first': the minimum interval (61 days) "
	     "exceeds the maximum"},
	    {m_months_short, "bad_interval",
	     "product 'a': dose 2: key 'max_months_after_first': 0 is out of range"},
	    {m_warn_no_max, "bad_interval",
	     "product 'a': dose 2: key 'warn_days': set without a maximum interval"},
	    {m_warn_too_big, "bad_interval",
	     "product 'a': dose 2: key 'warn_days': 57, want 0..56"},
	    {m_min_age, "bad_age", "product 'a': key 'min_age_years': -1, want 0..130"},
	    {m_max_age, "bad_age", "product 'a': key 'max_age_years': 17, want null or 18..130"},
	    {m_assess_age, "bad_age",
	     "product 'a': key 'assessment_from_age_years': 60, want null or 18..59"},
	    {m_sub_unknown, "unknown_substitute",
	     "product 'a': key 'substitutes': unknown product id 'zz'"},
	    {m_sub_self, "bad_substitute", "product 'a': key 'substitutes': lists itself"},
	    {m_sub_type, "substitute_type",
	     "product 'a': key 'substitutes': 'v' is adenovirus-vector, not inactivated"},
	    {m_sub_twice, "bad_substitute", "product 'a': key 'substitutes': 'b' is listed twice"},
	    {m_vial, "bad_vial", "product 'a': key 'doses_per_vial': 0, want 1..100"},
	    {m_discard, "bad_vial",
	     "product 'a': key 'discard_hours': 0, want 0..720 (above 0 for a multi-dose vial)"},
	    {m_storage, "bad_storage",
	     "product 'a': key 'storage_min_c10': 90..80 is not a range within -900..500"},
	    {m_route, "bad_route", "product 'a': key 'route': want IM, SC, ID, PO or IN"},
	    {m_site, "bad_route", "product 'a': key 'site': empty"},
	    {m_volume, "bad_volume", "product 'a': key 'dose_volume_ml100': 0, want 1..1000"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct catalog *cat = fixture();
		struct vb_reason why = {0};
		cases[i].mutate(cat);
		assert_int_equal(catalog_check(cat, &why), VB_EINVAL);
		assert_non_null(why.code);
		assert_string_equal(why.code, cases[i].code);
		assert_string_equal(why.text, cases[i].text);
		assert_int_equal(catalog_check(cat, NULL), VB_EINVAL);
		catalog_free(cat);
	}
	assert_int_equal(catalog_check(NULL, NULL), VB_EINVAL);
}

static void test_check_accepts(void **state)
{
	(void)state;
	struct catalog *cat = fixture();
	struct catalog_product *a = &cat->products[0];

	/* Boundaries that are still valid. */
	a->doses[1].min_days_after_previous = 56; /* min == max */
	a->doses[1].warn_days = 56;
	a->max_age_years = 60; /* assessment age == max age */
	a->doses_per_vial = 2;
	a->discard_hours = 6;
	a->n_gtins = 0;
	a->n_doses = 3; /* months anchor: 6 months >= 56 + 28 days */
	a->doses[2] = (struct catalog_dose){28, CATALOG_ANCHOR_FIRST, CATALOG_UNIT_MONTHS, 6, 7};
	assert_int_equal(catalog_check(cat, NULL), VB_OK);
	a->doses[2] = (struct catalog_dose){28, CATALOG_ANCHOR_PREVIOUS, CATALOG_UNIT_DAYS, 28, 0};
	assert_int_equal(catalog_check(cat, NULL), VB_OK);
	a->doses[2].max_anchor = CATALOG_ANCHOR_NONE;
	a->doses[2].max_after = 0;
	assert_int_equal(catalog_check(cat, NULL), VB_OK);
	catalog_free(cat);
}

static void test_find(void **state)
{
	(void)state;
	struct catalog *cat = fixture();

	assert_ptr_equal(catalog_find(cat, "b"), &cat->products[1]);
	assert_ptr_equal(catalog_find(cat, "v"), &cat->products[2]);
	assert_null(catalog_find(cat, "c"));
	assert_null(catalog_find(cat, ""));
	assert_null(catalog_find(cat, NULL));
	assert_null(catalog_find(NULL, "a"));
	assert_ptr_equal(catalog_find_gtin(cat, "06950000000026"), &cat->products[1]);
	assert_ptr_equal(catalog_find_gtin(cat, "06950000000019"), &cat->products[0]);
	assert_null(catalog_find_gtin(cat, "06950000000033"));
	assert_null(catalog_find_gtin(cat, ""));
	assert_null(catalog_find_gtin(cat, NULL));
	catalog_free(cat);
}

static void test_substitute(void **state)
{
	(void)state;
	struct catalog *cat = fixture();
	static const struct {
		const char *series, *candidate;
		int allowed;
	} cases[] = {
	    {"a", "a", 1}, /* the series' own product */
	    {"a", "b", 1}, /* listed, same type */
	    {"b", "a", 0}, /* not listed: the relation is as listed */
	    {"a", "v", 0}, /* another type */
	    {"v", "v", 1}, {"a", "zz", 0}, {"zz", "a", 0}, {NULL, "a", 0}, {"a", NULL, 0},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_int_equal(
		    catalog_substitute_allowed(cat, cases[i].series, cases[i].candidate),
		    cases[i].allowed);
	/* Listed but of another type (only a bad catalog has this): refused. */
	strcpy(cat->products[0].substitutes[0], "v");
	assert_int_equal(catalog_substitute_allowed(cat, "a", "v"), 0);
	catalog_free(cat);
}

static void test_age(void **state)
{
	(void)state;
	struct catalog_product p;

	product(&p, "a", CATALOG_TYPE_INACTIVATED);
	assert_int_equal(catalog_age_allowed(&p, 17), 0);
	assert_int_equal(catalog_age_allowed(&p, 18), 1);
	assert_int_equal(catalog_age_allowed(&p, 120), 1);
	p.max_age_years = 59;
	assert_int_equal(catalog_age_allowed(&p, 59), 1);
	assert_int_equal(catalog_age_allowed(&p, 60), 0);
	assert_int_equal(catalog_age_allowed(NULL, 30), 0);
}

static void test_names(void **state)
{
	(void)state;
	static const char *const names[] = {"inactivated", "adenovirus-vector", "protein-subunit"};
	enum catalog_type t = CATALOG_TYPE_INACTIVATED;
	struct catalog_dose d = {0};

	for (size_t i = 0; i < 3; i++) {
		assert_int_equal(catalog_type_parse(names[i], &t), VB_OK);
		assert_string_equal(catalog_type_name(t), names[i]);
	}
	assert_int_equal(catalog_type_parse("mRNA", &t), VB_EINVAL);
	assert_int_equal(t, CATALOG_TYPE_PROTEIN_SUBUNIT); /* untouched */
	assert_int_equal(catalog_type_parse(NULL, &t), VB_EINVAL);
	assert_string_equal(catalog_type_name((enum catalog_type)99), "");

	assert_string_equal(catalog_dose_max_key(&d), "");
	d.max_anchor = CATALOG_ANCHOR_FIRST;
	assert_string_equal(catalog_dose_max_key(&d), "max_days_after_first");
	d.max_unit = CATALOG_UNIT_MONTHS;
	assert_string_equal(catalog_dose_max_key(&d), "max_months_after_first");
	d.max_anchor = CATALOG_ANCHOR_PREVIOUS;
	assert_string_equal(catalog_dose_max_key(&d), "max_months_after_previous");
	d.max_unit = CATALOG_UNIT_DAYS;
	assert_string_equal(catalog_dose_max_key(&d), "max_days_after_previous");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_new_free),
	    cmocka_unit_test(test_fixture_valid),
	    cmocka_unit_test(test_check_refusals),
	    cmocka_unit_test(test_check_accepts),
	    cmocka_unit_test(test_find),
	    cmocka_unit_test(test_substitute),
	    cmocka_unit_test(test_age),
	    cmocka_unit_test(test_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
