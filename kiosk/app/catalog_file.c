/*
 * catalog_file: the JSON reader of the vaccine catalog (see catalog_file.h
 * and assets/vaccines/README.md). jansson parses; this file maps each key
 * onto struct catalog_product and leaves the rules to catalog_check().
 */
#include "catalog_file.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#define FORMAT_NAME    "vaxbus-vaccine-catalog"
#define FORMAT_VERSION 1

/* Where a message is: the file and, inside it, the product and dose. */
struct ctx {
	const char *path;
	char *err;
	size_t errcap;
	char where[96]; /* "product 'x'", "product 'x': dose 2" or "" */
};

/* Writes "<path>: <where>: key '<key>': <msg>" and returns VB_EINVAL. */
static int fail(struct ctx *c, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int fail(struct ctx *c, const char *key, const char *fmt, ...)
{
	char msg[160];
	va_list ap;

	if (!c->err || !c->errcap)
		return VB_EINVAL;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(c->err, c->errcap, "%s: %s%s%s%s%s%s", c->path, c->where, c->where[0] ? ": " : "",
		 key ? "key '" : "", key ? key : "", key ? "': " : "", msg);
	return VB_EINVAL;
}

static const char *json_type_name(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		return "an object";
	case JSON_ARRAY:
		return "an array";
	case JSON_STRING:
		return "a string";
	case JSON_INTEGER:
		return "an integer";
	case JSON_REAL:
		return "a number with a fraction";
	case JSON_TRUE:
	case JSON_FALSE:
		return "a boolean";
	case JSON_NULL:
		return "null";
	}
	return "unknown";
}

/* Refuses any key of obj that is not in the NULL-terminated list. */
static int only_keys(struct ctx *c, json_t *obj, const char *const *keys)
{
	const char *key;
	json_t *v;

	json_object_foreach(obj, key, v)
	{
		size_t i = 0;
		while (keys[i] && strcmp(keys[i], key))
			i++;
		if (!keys[i])
			return fail(c, key, "unknown key");
	}
	return VB_OK;
}

/* The member `key` of obj, or NULL after a "missing" message. */
static json_t *need(struct ctx *c, json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);

	if (!v)
		fail(c, key, "missing");
	return v;
}

static int want_type(struct ctx *c, const char *key, json_t *v, json_type type, const char *what)
{
	if (json_typeof(v) != type)
		return fail(c, key, "must be %s, not %s", what, json_type_name(v));
	return VB_OK;
}

static int copy_string(struct ctx *c, const char *key, json_t *v, char *dst, size_t cap)
{
	size_t len;

	if (want_type(c, key, v, JSON_STRING, "a string"))
		return VB_EINVAL;
	len = json_string_length(v);
	if (len >= cap)
		return fail(c, key, "longer than %zu bytes", cap - 1);
	if (memchr(json_string_value(v), '\0', len))
		return fail(c, key, "contains a NUL character");
	memcpy(dst, json_string_value(v), len + 1);
	return VB_OK;
}

static int get_string(struct ctx *c, json_t *obj, const char *key, char *dst, size_t cap)
{
	json_t *v = need(c, obj, key);

	return v ? copy_string(c, key, v, dst, cap) : VB_EINVAL;
}

static int copy_int(struct ctx *c, const char *key, json_t *v, int *dst)
{
	json_int_t n;

	if (want_type(c, key, v, JSON_INTEGER, "an integer"))
		return VB_EINVAL;
	n = json_integer_value(v);
	if (n < -1000000 || n > 1000000)
		return fail(c, key, "%lld is out of range", (long long)n);
	*dst = (int)n;
	return VB_OK;
}

/* An integer member; with `nullable`, null stores CATALOG_NONE. */
static int get_int(struct ctx *c, json_t *obj, const char *key, int *dst, int nullable)
{
	json_t *v = need(c, obj, key);

	if (!v)
		return VB_EINVAL;
	if (nullable && json_is_null(v)) {
		*dst = CATALOG_NONE;
		return VB_OK;
	}
	if (nullable && !json_is_integer(v))
		return fail(c, key, "must be an integer or null, not %s", json_type_name(v));
	return copy_int(c, key, v, dst);
}

static int get_text(struct ctx *c, json_t *obj, const char *key, struct catalog_text *t)
{
	static const char *const keys[] = {"en", "zh", NULL};
	char sub[32];
	json_t *v = need(c, obj, key);
	int rc;

	if (!v || want_type(c, key, v, JSON_OBJECT, "an object {\"en\", \"zh\"}"))
		return VB_EINVAL;
	rc = only_keys(c, v, keys);
	if (rc)
		return rc;
	snprintf(sub, sizeof(sub), "%s.en", key);
	if (!json_object_get(v, "en"))
		return fail(c, sub, "missing");
	rc = copy_string(c, sub, json_object_get(v, "en"), t->en, sizeof(t->en));
	if (rc)
		return rc;
	snprintf(sub, sizeof(sub), "%s.zh", key);
	if (!json_object_get(v, "zh"))
		return fail(c, sub, "missing");
	return copy_string(c, sub, json_object_get(v, "zh"), t->zh, sizeof(t->zh));
}

/* An array member of at most `max` items; stores its size in *n. */
static json_t *get_array(struct ctx *c, json_t *obj, const char *key, size_t max, size_t *n)
{
	json_t *v = need(c, obj, key);

	if (!v || want_type(c, key, v, JSON_ARRAY, "an array"))
		return NULL;
	if (json_array_size(v) > max) {
		fail(c, key, "more than %zu entries", max);
		return NULL;
	}
	*n = json_array_size(v);
	return v;
}

static int get_codes(struct ctx *c, json_t *obj, struct catalog_product *p)
{
	static const char *const keys[] = {"cvx", "atc", "dcc_vp", "dcc_mp", "dcc_ma", NULL};
	char *const dst[] = {p->cvx, p->atc, p->dcc_vp, p->dcc_mp, p->dcc_ma};
	json_t *v = need(c, obj, "codes");
	int rc;

	if (!v || want_type(c, "codes", v, JSON_OBJECT, "an object"))
		return VB_EINVAL;
	rc = only_keys(c, v, keys);
	for (size_t i = 0; !rc && keys[i]; i++)
		rc = get_string(c, v, keys[i], dst[i], CATALOG_CODE_CAP);
	return rc;
}

/* The maximum-interval keys: at most one per dose. */
static const struct {
	const char *key;
	enum catalog_anchor anchor;
	enum catalog_unit unit;
} max_keys[] = {
    {"max_days_after_first", CATALOG_ANCHOR_FIRST, CATALOG_UNIT_DAYS},
    {"max_months_after_first", CATALOG_ANCHOR_FIRST, CATALOG_UNIT_MONTHS},
    {"max_days_after_previous", CATALOG_ANCHOR_PREVIOUS, CATALOG_UNIT_DAYS},
    {"max_months_after_previous", CATALOG_ANCHOR_PREVIOUS, CATALOG_UNIT_MONTHS},
};

static int get_dose(struct ctx *c, json_t *v, int number, struct catalog_dose *d)
{
	static const char *const keys[] = {"dose",
					   "min_days_after_previous",
					   "max_days_after_first",
					   "max_months_after_first",
					   "max_days_after_previous",
					   "max_months_after_previous",
					   "warn_days",
					   NULL};
	const char *found = NULL;
	int n = 0, rc;

	if (want_type(c, "doses", v, JSON_OBJECT, "an array of objects"))
		return VB_EINVAL;
	rc = only_keys(c, v, keys);
	if (!rc)
		rc = get_int(c, v, "dose", &n, 0);
	if (rc)
		return rc;
	if (n != number)
		return fail(c, "dose", "is %d; doses must be listed 1, 2, 3... in order", n);
	if (number > 1 || json_object_get(v, "min_days_after_previous")) {
		rc = get_int(c, v, "min_days_after_previous", &d->min_days_after_previous, 0);
		if (rc)
			return rc;
	}
	for (size_t i = 0; i < sizeof(max_keys) / sizeof(max_keys[0]); i++) {
		json_t *m = json_object_get(v, max_keys[i].key);
		if (!m)
			continue;
		if (found)
			return fail(c, max_keys[i].key,
				    "a dose has at most one maximum; '%s' is "
				    "set too",
				    found);
		found = max_keys[i].key;
		d->max_anchor = max_keys[i].anchor;
		d->max_unit = max_keys[i].unit;
		rc = copy_int(c, found, m, &d->max_after);
		if (rc)
			return rc;
	}
	if (found || json_object_get(v, "warn_days"))
		return get_int(c, v, "warn_days", &d->warn_days, 0);
	return VB_OK;
}

static int get_doses(struct ctx *c, json_t *obj, struct catalog_product *p)
{
	size_t n = 0, len = strlen(c->where);
	json_t *arr = get_array(c, obj, "doses", CATALOG_MAX_DOSES, &n);
	int rc = VB_OK;

	if (!arr)
		return VB_EINVAL;
	if (!n)
		return fail(c, "doses", "empty; a series has at least one dose");
	for (size_t i = 0; !rc && i < n; i++) {
		snprintf(c->where + len, sizeof(c->where) - len, ": dose %zu", i + 1);
		rc = get_dose(c, json_array_get(arr, i), (int)i + 1, &p->doses[i]);
	}
	c->where[len] = '\0';
	p->n_doses = (int)n;
	return rc;
}

static int get_id_list(struct ctx *c, json_t *obj, const char *key, char (*dst)[CATALOG_ID_CAP],
		       size_t max, size_t *n)
{
	json_t *arr = get_array(c, obj, key, max, n);
	int rc = arr ? VB_OK : VB_EINVAL;

	for (size_t i = 0; !rc && i < *n; i++)
		rc = copy_string(c, key, json_array_get(arr, i), dst[i], CATALOG_ID_CAP);
	return rc;
}

static int get_gtins(struct ctx *c, json_t *obj, struct catalog_product *p)
{
	json_t *arr = get_array(c, obj, "gtins", CATALOG_MAX_GTINS, &p->n_gtins);
	int rc = arr ? VB_OK : VB_EINVAL;

	for (size_t i = 0; !rc && i < p->n_gtins; i++)
		rc = copy_string(c, "gtins", json_array_get(arr, i), p->gtins[i],
				 sizeof(p->gtins[i]));
	return rc;
}

static int get_product(struct ctx *c, json_t *v, size_t index, struct catalog_product *p)
{
	static const char *const keys[] = {"id",
					   "name",
					   "maker",
					   "holder",
					   "type",
					   "codes",
					   "gtins",
					   "doses",
					   "min_age_years",
					   "max_age_years",
					   "assessment_from_age_years",
					   "substitutes",
					   "doses_per_vial",
					   "discard_hours",
					   "storage_min_c10",
					   "storage_max_c10",
					   "route",
					   "site",
					   "dose_volume_ml100",
					   "notes",
					   NULL};
	char type[32];
	json_t *notes;
	int rc;

	snprintf(c->where, sizeof(c->where), "product #%zu", index + 1);
	if (want_type(c, "products", v, JSON_OBJECT, "an array of objects"))
		return VB_EINVAL;
	rc = get_string(c, v, "id", p->id, sizeof(p->id));
	if (rc)
		return rc;
	snprintf(c->where, sizeof(c->where), "product '%s'", p->id);
	rc = only_keys(c, v, keys);
	if (!rc)
		rc = get_text(c, v, "name", &p->name);
	if (!rc)
		rc = get_text(c, v, "maker", &p->maker);
	if (!rc)
		rc = get_text(c, v, "holder", &p->holder);
	if (!rc)
		rc = get_string(c, v, "type", type, sizeof(type));
	if (!rc && catalog_type_parse(type, &p->type))
		rc = fail(c, "type",
			  "'%s' is not inactivated, adenovirus-vector or "
			  "protein-subunit",
			  type);
	if (!rc)
		rc = get_codes(c, v, p);
	if (!rc)
		rc = get_gtins(c, v, p);
	if (!rc)
		rc = get_doses(c, v, p);
	if (!rc)
		rc = get_int(c, v, "min_age_years", &p->min_age_years, 0);
	if (!rc)
		rc = get_int(c, v, "max_age_years", &p->max_age_years, 1);
	if (!rc)
		rc = get_int(c, v, "assessment_from_age_years", &p->assessment_from_age, 1);
	if (!rc)
		rc = get_id_list(c, v, "substitutes", p->substitutes, CATALOG_MAX_SUBSTITUTES,
				 &p->n_substitutes);
	if (!rc)
		rc = get_int(c, v, "doses_per_vial", &p->doses_per_vial, 0);
	if (!rc)
		rc = get_int(c, v, "discard_hours", &p->discard_hours, 0);
	if (!rc)
		rc = get_int(c, v, "storage_min_c10", &p->storage_min_c10, 0);
	if (!rc)
		rc = get_int(c, v, "storage_max_c10", &p->storage_max_c10, 0);
	if (!rc)
		rc = get_string(c, v, "route", p->route, sizeof(p->route));
	if (!rc)
		rc = get_string(c, v, "site", p->site, sizeof(p->site));
	if (!rc)
		rc = get_int(c, v, "dose_volume_ml100", &p->dose_volume_ml100, 0);
	notes = json_object_get(v, "notes");
	if (!rc && notes)
		rc = want_type(c, "notes", notes, JSON_STRING, "a string");
	return rc;
}

/* The keys around the products; the catalog's id and version go to *head. */
static int get_header(struct ctx *c, json_t *root, struct catalog *head)
{
	static const char *const keys[] = {"format",  "format_version", "id", "version",
					   "sources", "products",	NULL};
	char format[64];
	int version = 0, rc;
	size_t n = 0;
	json_t *sources;

	rc = only_keys(c, root, keys);
	if (!rc)
		rc = get_string(c, root, "format", format, sizeof(format));
	if (!rc && strcmp(format, FORMAT_NAME))
		rc = fail(c, "format", "'%s' is not \"" FORMAT_NAME "\"", format);
	if (!rc)
		rc = get_int(c, root, "format_version", &version, 0);
	if (!rc && version != FORMAT_VERSION)
		rc = fail(c, "format_version", "%d is not supported; this build reads %d", version,
			  FORMAT_VERSION);
	if (!rc)
		rc = get_string(c, root, "id", head->id, sizeof(head->id));
	if (!rc)
		rc = get_int(c, root, "version", &head->version, 0);
	if (rc)
		return rc;
	sources = get_array(c, root, "sources", 64, &n);
	if (!sources)
		return VB_EINVAL;
	for (size_t i = 0; i < n; i++)
		if (!json_is_string(json_array_get(sources, i)))
			return fail(c, "sources", "entry %zu must be a string", i + 1);
	return VB_OK;
}

/* Reads the whole file into a NUL-terminated heap buffer of at most the cap. */
static int read_file(struct ctx *c, char **buf, size_t *len)
{
	FILE *f = fopen(c->path, "rb");
	char *b = NULL;
	size_t n = 0;
	int rc = VB_OK;

	if (!f) {
		int e = errno;
		if (c->err && c->errcap)
			snprintf(c->err, c->errcap, "%s: cannot open: %s", c->path, strerror(e));
		return e == ENOENT ? VB_ENOTFOUND : VB_EIO;
	}
	b = malloc(CATALOG_FILE_MAX_BYTES + 2);
	if (!b) {
		rc = VB_ENOMEM;
		goto out;
	}
	n = fread(b, 1, CATALOG_FILE_MAX_BYTES + 1, f);
	if (ferror(f)) {
		if (c->err && c->errcap)
			snprintf(c->err, c->errcap, "%s: read error", c->path);
		rc = VB_EIO;
		goto out;
	}
	if (n > CATALOG_FILE_MAX_BYTES) {
		if (c->err && c->errcap)
			snprintf(c->err, c->errcap, "%s: larger than %d bytes", c->path,
				 CATALOG_FILE_MAX_BYTES);
		rc = VB_ERANGE;
		goto out;
	}
	b[n] = '\0';
	*buf = b;
	*len = n;
	b = NULL;
out:
	free(b);
	fclose(f);
	return rc;
}

int catalog_file_load(const char *path, struct catalog **out, char *err, size_t errcap)
{
	struct ctx c = {.path = path ? path : CATALOG_FILE_DEFAULT, .err = err, .errcap = errcap};
	struct catalog *cat = NULL, head = {0};
	struct vb_reason why;
	json_error_t jerr;
	json_t *root = NULL, *products;
	char *buf = NULL;
	size_t len = 0, n = 0;
	int rc;

	if (!out)
		return VB_EINVAL;
	if (err && errcap)
		err[0] = '\0';
	rc = read_file(&c, &buf, &len);
	if (rc)
		goto out;
	root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root) {
		if (err && errcap)
			snprintf(err, errcap, "%s:%d:%d: invalid JSON: %s", c.path, jerr.line,
				 jerr.column, jerr.text);
		rc = VB_EINVAL;
		goto out;
	}
	if (!json_is_object(root)) {
		rc =
		    fail(&c, NULL, "the top level must be an object, not %s", json_type_name(root));
		goto out;
	}
	rc = get_header(&c, root, &head);
	if (rc)
		goto out;
	products = get_array(&c, root, "products", CATALOG_MAX_PRODUCTS, &n);
	if (!products) {
		rc = VB_EINVAL;
		goto out;
	}
	cat = catalog_new(n);
	if (!cat) {
		rc = VB_ENOMEM;
		goto out;
	}
	memcpy(cat->id, head.id, sizeof(cat->id));
	cat->version = head.version;
	for (size_t i = 0; !rc && i < n; i++)
		rc = get_product(&c, json_array_get(products, i), i, &cat->products[i]);
	if (rc)
		goto out;
	c.where[0] = '\0';
	if (catalog_check(cat, &why)) {
		rc = fail(&c, NULL, "%s", why.text);
		goto out;
	}
	*out = cat;
	cat = NULL;
out:
	catalog_free(cat);
	json_decref(root);
	free(buf);
	return rc;
}
