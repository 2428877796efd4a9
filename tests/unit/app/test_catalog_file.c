/*
 * catalog_file: the shipped catalog loads with the values of the sources;
 * a small good file loads field by field; each kind of bad file (written
 * to a temporary directory from one template with one edit) gives its
 * exact message naming the file, the product, the key and the fault.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "catalog.h"
#include "catalog_file.h"
#include "vb_error.h"

/* Line numbers matter: the invalid-JSON case names line 4. */
static const char template_json[] =
    "{\n"
    "  \"format\": \"vaxbus-vaccine-catalog\", \"format_version\": 1,\n"
    "  \"id\": \"test-cat\",\n"
    "  \"version\": 3,\n"
    "  \"sources\": [\"a test\"],\n"
    "  \"products\": [\n"
    "    {\"id\": \"p1\", \"name\": {\"en\": \"P One\", \"zh\": \"一\"},\n"
    "     \"maker\": {\"en\": \"M\", \"zh\": \"厂\"}, \"holder\": {\"en\": \"H\", \"zh\": "
    "\"持\"},\n"
    "     \"type\": \"inactivated\",\n"
    "     \"codes\": {\"cvx\": \"510\", \"atc\": \"J07BN03\", \"dcc_vp\": \"1157024006\",\n"
    "               \"dcc_mp\": \"BBIBP-CorV\", \"dcc_ma\": \"ORG-100020693\"},\n"
    "     \"gtins\": [\"06950000000019\"],\n"
    "     \"doses\": [{\"dose\": 1},\n"
    "               {\"dose\": 2, \"min_days_after_previous\": 21, \"max_days_after_first\": "
    "56, \"warn_days\": 7}],\n"
    "     \"min_age_years\": 18, \"max_age_years\": null, \"assessment_from_age_years\": 60,\n"
    "     \"substitutes\": [\"p2\"],\n"
    "     \"doses_per_vial\": 2, \"discard_hours\": 6,\n"
    "     \"storage_min_c10\": 20, \"storage_max_c10\": 80,\n"
    "     \"route\": \"IM\", \"site\": \"deltoid\", \"dose_volume_ml100\": 50,\n"
    "     \"notes\": \"a note\"},\n"
    "    {\"id\": \"p2\", \"name\": {\"en\": \"P Two\", \"zh\": \"二\"},\n"
    "     \"maker\": {\"en\": \"M2\", \"zh\": \"厂二\"}, \"holder\": {\"en\": \"H2\", \"zh\": "
    "\"持二\"},\n"
    "     \"type\": \"inactivated\",\n"
    "     \"codes\": {\"cvx\": \"\", \"atc\": \"J07BN03\", \"dcc_vp\": \"\", \"dcc_mp\": \"\", "
    "\"dcc_ma\": \"\"},\n"
    "     \"gtins\": [],\n"
    "     \"doses\": [{\"dose\": 1},\n"
    "               {\"dose\": 2, \"min_days_after_previous\": 28, \"max_days_after_first\": "
    "56, \"warn_days\": 7},\n"
    "               {\"dose\": 3, \"min_days_after_previous\": 28, \"max_months_after_first\": "
    "6, \"warn_days\": 10}],\n"
    "     \"min_age_years\": 18, \"max_age_years\": 59, \"assessment_from_age_years\": null,\n"
    "     \"substitutes\": [],\n"
    "     \"doses_per_vial\": 1, \"discard_hours\": 0,\n"
    "     \"storage_min_c10\": 20, \"storage_max_c10\": 80,\n"
    "     \"route\": \"IM\", \"site\": \"deltoid\", \"dose_volume_ml100\": 50}\n"
    "  ]\n"
    "}\n";

struct fixture {
	char dir[64];
	char path[128];
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	const char *tmp = getenv("TMPDIR");

	if (!f)
		return -1;
	snprintf(f->dir, sizeof(f->dir), "%s/vbcatXXXXXX", tmp && tmp[0] ? tmp : "/tmp");
	if (!mkdtemp(f->dir)) {
		free(f);
		return -1;
	}
	snprintf(f->path, sizeof(f->path), "%s/catalog.json", f->dir);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	unlink(f->path);
	rmdir(f->dir);
	free(f);
	return 0;
}

/* Writes the template with the first `from` replaced by `to` (both may be NULL). */
static void write_variant(const char *path, const char *from, const char *to)
{
	FILE *out = fopen(path, "wb");
	const char *at = from ? strstr(template_json, from) : NULL;

	assert_non_null(out);
	if (from)
		assert_non_null(at); /* the edit must apply */
	if (at) {
		fwrite(template_json, 1, (size_t)(at - template_json), out);
		fputs(to, out);
		fputs(at + strlen(from), out);
	} else {
		fputs(template_json, out);
	}
	assert_int_equal(fclose(out), 0);
}

static void test_shipped_catalog(void **state)
{
	(void)state;
	const char *dir = getenv("VB_ASSETS_DIR");
	char path[512], err[256] = "";
	struct catalog *cat = NULL;
	const struct catalog_product *p;

	assert_non_null(dir);
	snprintf(path, sizeof(path), "%s/vaccines/covid19-cn-2021.json", dir);
	assert_int_equal(catalog_file_load(path, &cat, err, sizeof(err)), VB_OK);
	assert_string_equal(err, "");
	assert_string_equal(cat->id, "covid19-cn-2021");
	assert_int_equal(cat->n_products, 6);

	p = catalog_find(cat, "bbibp-corv");
	assert_non_null(p);
	assert_int_equal(p->type, CATALOG_TYPE_INACTIVATED);
	assert_string_equal(p->dcc_mp, "BBIBP-CorV");
	assert_string_equal(p->dcc_ma, "ORG-100020693");
	assert_string_equal(p->atc, "J07BN03");
	assert_int_equal(p->n_doses, 2);
	assert_int_equal(p->doses[1].min_days_after_previous, 21);
	assert_int_equal(p->doses[1].max_anchor, CATALOG_ANCHOR_FIRST);
	assert_int_equal(p->doses[1].max_after, 56);
	assert_int_equal(p->min_age_years, 18);
	assert_int_equal(p->max_age_years, CATALOG_NONE);
	assert_int_equal(p->assessment_from_age, 60);
	assert_int_equal(p->storage_min_c10, 20);
	assert_int_equal(p->storage_max_c10, 80);
	assert_int_equal(p->dose_volume_ml100, 50);
	assert_string_equal(p->route, "IM");
	assert_string_equal(p->site, "deltoid");

	p = catalog_find(cat, "zf2001");
	assert_non_null(p);
	assert_int_equal(p->type, CATALOG_TYPE_PROTEIN_SUBUNIT);
	assert_int_equal(p->n_doses, 3);
	assert_int_equal(p->doses[1].min_days_after_previous, 28);
	assert_int_equal(p->doses[2].min_days_after_previous, 28);
	assert_int_equal(p->doses[2].max_anchor, CATALOG_ANCHOR_FIRST);
	assert_int_equal(p->doses[2].max_unit, CATALOG_UNIT_MONTHS);
	assert_int_equal(p->doses[2].max_after, 6);

	p = catalog_find(cat, "ad5-ncov");
	assert_non_null(p);
	assert_int_equal(p->n_doses, 1);
	assert_string_equal(p->dcc_mp, "Convidecia");
	assert_string_equal(p->atc, "J07BN02");

	assert_string_equal(catalog_find(cat, "coronavac")->dcc_mp, "CoronaVac");
	assert_string_equal(catalog_find(cat, "wibp-corv")->dcc_mp, "WIBP-CorV");
	/* Substitution: across the four inactivated makers, nothing else. */
	assert_int_equal(catalog_substitute_allowed(cat, "coronavac", "kconvac"), 1);
	assert_int_equal(catalog_substitute_allowed(cat, "kconvac", "wibp-corv"), 1);
	assert_int_equal(catalog_substitute_allowed(cat, "bbibp-corv", "zf2001"), 0);
	assert_int_equal(catalog_substitute_allowed(cat, "ad5-ncov", "coronavac"), 0);
	catalog_free(cat);
}

static void test_good_file(void **state)
{
	struct fixture *f = *state;
	struct catalog *cat = NULL;
	const struct catalog_product *p;
	char err[256] = "";

	write_variant(f->path, NULL, NULL);
	assert_int_equal(catalog_file_load(f->path, &cat, err, sizeof(err)), VB_OK);
	assert_string_equal(err, "");
	assert_string_equal(cat->id, "test-cat");
	assert_int_equal(cat->version, 3);
	assert_int_equal(cat->n_products, 2);
	p = &cat->products[0];
	assert_string_equal(p->id, "p1");
	assert_string_equal(p->name.en, "P One");
	assert_string_equal(p->name.zh, "一");
	assert_string_equal(p->holder.zh, "持");
	assert_string_equal(p->cvx, "510");
	assert_int_equal(p->n_gtins, 1);
	assert_ptr_equal(catalog_find_gtin(cat, "06950000000019"), p);
	assert_int_equal(p->doses_per_vial, 2);
	assert_int_equal(p->discard_hours, 6);
	assert_int_equal(p->n_substitutes, 1);
	assert_string_equal(p->substitutes[0], "p2");
	p = &cat->products[1];
	assert_int_equal(p->max_age_years, 59);
	assert_int_equal(p->assessment_from_age, CATALOG_NONE);
	assert_int_equal(p->doses[2].max_unit, CATALOG_UNIT_MONTHS);
	assert_int_equal(p->doses[2].warn_days, 10);
	assert_string_equal(p->cvx, "");
	catalog_free(cat);

	/* NULL err is allowed. */
	assert_int_equal(catalog_file_load(f->path, &cat, NULL, 0), VB_OK);
	catalog_free(cat);
	assert_int_equal(catalog_file_load(f->path, NULL, err, sizeof(err)), VB_EINVAL);
}

static void test_missing_file(void **state)
{
	struct fixture *f = *state;
	struct catalog *cat = (struct catalog *)f; /* must stay untouched */
	char err[256], want[256];

	assert_int_equal(catalog_file_load(f->path, &cat, err, sizeof(err)), VB_ENOTFOUND);
	snprintf(want, sizeof(want), "%s: cannot open: No such file or directory", f->path);
	assert_string_equal(err, want);
	assert_ptr_equal(cat, f);
	/* A directory opens but cannot be read. */
	assert_int_equal(catalog_file_load(f->dir, &cat, err, sizeof(err)), VB_EIO);
	snprintf(want, sizeof(want), "%s: read error", f->dir);
	assert_string_equal(err, want);
}

static void test_invalid_json(void **state)
{
	struct fixture *f = *state;
	struct catalog *cat = NULL;
	char err[256], want[256];

	/* A missing comma after "version": 3 is found at the next key, line 5. */
	write_variant(f->path, "\"version\": 3,", "\"version\": 3");
	assert_int_equal(catalog_file_load(f->path, &cat, err, sizeof(err)), VB_EINVAL);
	snprintf(want, sizeof(want), "%s:5:11: invalid JSON: ", f->path);
	assert_memory_equal(err, want, strlen(want));
	assert_true(strlen(err) > strlen(want)); /* jansson's own words follow */
	assert_null(cat);

	/* A key given twice is refused too (jansson JSON_REJECT_DUPLICATES). */
	write_variant(f->path, "\"version\": 3,", "\"version\": 3, \"version\": 4,");
	assert_int_equal(catalog_file_load(f->path, &cat, err, sizeof(err)), VB_EINVAL);
	snprintf(want, sizeof(want), "%s:4:", f->path);
	assert_memory_equal(err, want, strlen(want));
	assert_non_null(strstr(err, "duplicate"));
}

static void test_too_large(void **state)
{
	struct fixture *f = *state;
	struct catalog *cat = NULL;
	char err[256], want[256];
	FILE *out = fopen(f->path, "wb");

	assert_non_null(out);
	for (int i = 0; i <= CATALOG_FILE_MAX_BYTES; i++)
		fputc(' ', out);
	assert_int_equal(fclose(out), 0);
	assert_int_equal(catalog_file_load(f->path, &cat, err, sizeof(err)), VB_ERANGE);
	snprintf(want, sizeof(want), "%s: larger than 1048576 bytes", f->path);
	assert_string_equal(err, want);
}

static void test_bad_files(void **state)
{
	struct fixture *f = *state;
	static const struct {
		const char *from, *to, *message;
	} cases[] = {
	    /* structure */
	    {"\"format_version\": 1", "\"format_version\": 2",
	     "key 'format_version': 2 is not supported; this build reads 1"},
	    {"\"format\": \"vaxbus-vaccine-catalog\"", "\"format\": \"other\"",
	     "key 'format': 'other' is not \"vaxbus-vaccine-catalog\""},
	    {"  \"sources\": [\"a test\"],\n", "", "key 'sources': missing"},
	    {"\"sources\": [\"a test\"]", "\"sources\": [1]",
	     "key 'sources': entry 1 must be a string"},
	    {"\"version\": 3,", "\"version\": 3, \"extra\": 1,", "key 'extra': unknown key"},
	    {"\"products\": [", "\"products\": [], \"x\": [", "key 'x': unknown key"},
	    /* missing keys */
	    {"{\"id\": \"p1\", ", "{", "product #1: key 'id': missing"},
	    {"\"route\": \"IM\", \"site\": \"deltoid\", \"dose_volume_ml100\": 50,\n",
	     "\"site\": \"deltoid\", \"dose_volume_ml100\": 50,\n",
	     "product 'p1': key 'route': missing"},
	    {", \"zh\": \"一\"", "", "product 'p1': key 'name.zh': missing"},
	    {"\"gtins\": [\"06950000000019\"],\n", "", "product 'p1': key 'gtins': missing"},
	    {"\"dcc_ma\": \"ORG-100020693\"", "\"dcc\": \"ORG-100020693\"",
	     "product 'p1': key 'dcc': unknown key"},
	    {", \"warn_days\": 7}]", "}]", "product 'p1': dose 2: key 'warn_days': missing"},
	    {"{\"dose\": 2, \"min_days_after_previous\": 21, ", "{\"dose\": 2, ",
	     "product 'p1': dose 2: key 'min_days_after_previous': missing"},
	    /* wrong types and values */
	    {"\"doses_per_vial\": 2", "\"doses_per_vial\": \"2\"",
	     "product 'p1': key 'doses_per_vial': must be an integer, not a string"},
	    {"\"dose_volume_ml100\": 50,\n     \"notes\"",
	     "\"dose_volume_ml100\": 0.5,\n     \"notes\"",
	     "product 'p1': key 'dose_volume_ml100': must be an integer, not a number with a "
	     "fraction"},
	    {"\"max_age_years\": null, \"assessment", "\"max_age_years\": \"none\", \"assessment",
	     "product 'p1': key 'max_age_years': must be an integer or null, not a string"},
	    {"\"min_age_years\": 18, \"max_age_years\": null",
	     "\"min_age_years\": null, "
	     "\"max_age_years\": null",
	     "product 'p1': key 'min_age_years': must be an integer, not null"},
	    {"\"name\": {\"en\": \"P One\", \"zh\": \"一\"}", "\"name\": \"P One\"",
	     "product 'p1': key 'name': must be an object {\"en\", \"zh\"}, not a string"},
	    {"\"notes\": \"a note\"", "\"notes\": [\"a note\"]",
	     "product 'p1': key 'notes': must be a string, not an array"},
	    {"\"type\": \"inactivated\"", "\"type\": \"mRNA\"",
	     "product 'p1': key 'type': 'mRNA' is not inactivated, adenovirus-vector or "
	     "protein-subunit"},
	    {"{\"id\": \"p1\"", "{\"id\": \"p1-with-a-very-long-identifier-x\"",
	     "product #1: key 'id': longer than 31 bytes"},
	    {"\"dose_volume_ml100\": 50,\n     \"notes\"",
	     "\"dose_volume_ml100\": 99999999999,\n     \"notes\"",
	     "product 'p1': key 'dose_volume_ml100': 99999999999 is out of range"},
	    {"\"gtins\": [\"06950000000019\"]", "\"gtins\": [6950000000019]",
	     "product 'p1': key 'gtins': must be a string, not an integer"},
	    {"{\"dose\": 1},\n               {\"dose\": 2, \"min_days_after_previous\": 21",
	     "{\"dose\": 2, \"min_days_after_previous\": 21",
	     "product 'p1': dose 1: key 'dose': is 2; doses must be listed 1, 2, 3... in order"},
	    {"\"max_days_after_first\": 56, \"warn_days\": 7}]",
	     "\"max_days_after_first\": 56, \"max_days_after_previous\": 50, \"warn_days\": 7}]",
	     "product 'p1': dose 2: key 'max_days_after_previous': a dose has at most one "
	     "maximum; 'max_days_after_first' is set too"},
	    {"\"doses\": [{\"dose\": 1},\n               {\"dose\": 2, "
	     "\"min_days_after_previous\": "
	     "21",
	     "\"doses\": [], \"x\": [{\"dose\": 1},\n               {\"dose\": 2, "
	     "\"min_days_after_previous\": 21",
	     "product 'p1': key 'x': unknown key"},
	    /* rules across fields and products (catalog_check) */
	    {"\"min_days_after_previous\": 21", "\"min_days_after_previous\": 60",
	     "product 'p1': dose 2: key 'max_days_after_first': the minimum interval (60 days) "
	     "exceeds the maximum"},
	    {"\"substitutes\": [\"p2\"]", "\"substitutes\": [\"p9\"]",
	     "product 'p1': key 'substitutes': unknown product id 'p9'"},
	    {"{\"id\": \"p2\"", "{\"id\": \"p1\"", "product 'p1': key 'id': duplicate product id"},
	    {"\"gtins\": [\"06950000000019\"]", "\"gtins\": [\"06950000000018\"]",
	     "product 'p1': key 'gtins': entry 1 is not a valid GTIN-14"},
	    {"\"name\": {\"en\": \"P One\"", "\"name\": {\"en\": \"\"",
	     "product 'p1': key 'name': needs non-empty en and zh"},
	    {"\"discard_hours\": 6", "\"discard_hours\": 0",
	     "product 'p1': key 'discard_hours': 0, want 0..720 (above 0 for a multi-dose vial)"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct catalog *cat = NULL;
		char err[384], want[384];

		print_message("case %zu: %s\n", i, cases[i].message);
		write_variant(f->path, cases[i].from, cases[i].to);
		assert_int_equal(catalog_file_load(f->path, &cat, err, sizeof(err)), VB_EINVAL);
		assert_null(cat);
		snprintf(want, sizeof(want), "%s: %s", f->path, cases[i].message);
		assert_string_equal(err, want);
	}
}

/* Whole files that no edit of the template gives. */
static void test_raw_files(void **state)
{
	struct fixture *f = *state;
	static const char head[] =
	    "{\"format\": \"vaxbus-vaccine-catalog\", \"format_version\": 1, "
	    "\"id\": \"e\", \"version\": 1, \"sources\": [], ";
	static const struct {
		const char *tail, *message;
	} cases[] = {
	    {NULL, "the top level must be an object, not an array"},
	    {"\"products\": []}", "key 'products': want 1..64 products"},
	    {"\"products\": {}}", "key 'products': must be an array, not an object"},
	    {"\"products\": [1]}", "product #1: key 'products': must be an array of objects, "
				   "not an integer"},
	    {"\"products\": [{}]}", "product #1: key 'id': missing"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct catalog *cat = NULL;
		char err[256], want[256];
		FILE *out = fopen(f->path, "wb");

		assert_non_null(out);
		if (cases[i].tail)
			fprintf(out, "%s%s", head, cases[i].tail);
		else
			fputs("[]", out);
		assert_int_equal(fclose(out), 0);
		assert_int_equal(catalog_file_load(f->path, &cat, err, sizeof(err)), VB_EINVAL);
		snprintf(want, sizeof(want), "%s: %s", f->path, cases[i].message);
		assert_string_equal(err, want);
		assert_null(cat);
	}
	/* A short buffer truncates, still NUL-terminated. */
	{
		struct catalog *cat = NULL;
		char small[8];
		assert_int_equal(catalog_file_load(f->path, &cat, small, sizeof(small)), VB_EINVAL);
		assert_int_equal(strlen(small), sizeof(small) - 1);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_shipped_catalog),
	    cmocka_unit_test_setup_teardown(test_good_file, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_missing_file, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_invalid_json, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_too_large, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_bad_files, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_raw_files, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
