/*
 * catalog: the vaccine catalog in memory, and pure look-ups over it.
 *
 * A catalog is data (the JSON files in assets/vaccines, later synced down from the
 * platform): per product its names, maker, type, codes (CVX, ATC, EU DCC
 * value sets), GTINs, the dose series with its intervals, the age range,
 * which products of other makers may continue its series, the vial and
 * storage facts, route, site and dose volume. Adding a product needs no
 * code. The JSON reader lives in kiosk/app/catalog_file.c; this module
 * reads no file and knows no JSON.
 *
 * Ownership: catalog_new() allocates a catalog and its zeroed product array
 * in one owner; catalog_free() releases both. Whoever fills a catalog (the
 * loader, a test, the sync layer) then calls catalog_check() once; the
 * look-ups assume a checked catalog and return pointers borrowed from it,
 * valid until catalog_free().
 *
 * The texts of catalog_check() name the product and the key as spelt in
 * the JSON format (assets/vaccines/README.md), so one message serves both.
 */
#ifndef CATALOG_H
#define CATALOG_H

#include <stddef.h>
#include <stdint.h>

#include "vb_error.h"

#define CATALOG_ID_CAP		32  /* product id, NUL included: [a-z0-9-], 1..31 */
#define CATALOG_TEXT_CAP	128 /* a name in one language, UTF-8, NUL included */
#define CATALOG_CODE_CAP	32  /* a code (CVX, ATC, DCC), NUL included */
#define CATALOG_MAX_PRODUCTS	64
#define CATALOG_MAX_DOSES	8
#define CATALOG_MAX_GTINS	16
#define CATALOG_MAX_SUBSTITUTES 16
#define CATALOG_MAX_AGE		130

/* An integer field that is not set (no maximum age, no assessment age). */
#define CATALOG_NONE (-1)

/* The vaccine platform. Substitution is only ever within one type. */
enum catalog_type {
	CATALOG_TYPE_INACTIVATED = 1,
	CATALOG_TYPE_ADENOVIRUS_VECTOR,
	CATALOG_TYPE_PROTEIN_SUBUNIT,
};

/* What a dose's maximum interval is counted from. */
enum catalog_anchor {
	CATALOG_ANCHOR_NONE = 0, /* no maximum interval */
	CATALOG_ANCHOR_FIRST,	 /* after the series' first dose */
	CATALOG_ANCHOR_PREVIOUS, /* after the dose before this one */
};

enum catalog_unit {
	CATALOG_UNIT_DAYS = 0,
	CATALOG_UNIT_MONTHS, /* calendar months, clamped (vbdate_add_months) */
};

/* One dose of a series. Dose 1 has every field 0 / NONE. */
struct catalog_dose {
	int min_days_after_previous; /* earliest = previous dose + this */
	enum catalog_anchor max_anchor;
	enum catalog_unit max_unit;
	int max_after; /* latest = anchor dose + this many days/months */
	int warn_days; /* yellow from latest - warn_days; 0 without maximum */
};

/* A text in English and Simplified Chinese (UTF-8). */
struct catalog_text {
	char en[CATALOG_TEXT_CAP];
	char zh[CATALOG_TEXT_CAP];
};

struct catalog_product {
	char id[CATALOG_ID_CAP]; /* stable key, e.g. "bbibp-corv" */
	struct catalog_text name;
	struct catalog_text maker;
	struct catalog_text holder; /* marketing-authorisation holder */
	enum catalog_type type;

	char cvx[CATALOG_CODE_CAP];    /* CDC CVX, "" if none is assigned */
	char atc[CATALOG_CODE_CAP];    /* WHO ATC, e.g. "J07BN03" */
	char dcc_vp[CATALOG_CODE_CAP]; /* EU DCC vaccine-prophylaxis, "" if none */
	char dcc_mp[CATALOG_CODE_CAP]; /* EU DCC medicinal product, "" if none */
	char dcc_ma[CATALOG_CODE_CAP]; /* EU DCC authorisation holder, "" if none */

	char gtins[CATALOG_MAX_GTINS][15]; /* 14 digits each */
	size_t n_gtins;

	int n_doses; /* doses in the series, 1..CATALOG_MAX_DOSES */
	struct catalog_dose doses[CATALOG_MAX_DOSES];

	int min_age_years;	 /* completed years on the day of the dose */
	int max_age_years;	 /* inclusive, CATALOG_NONE for no limit */
	int assessment_from_age; /* from this age a doctor's assessment is
				  * needed (a warning, not a refusal), or NONE */

	char substitutes[CATALOG_MAX_SUBSTITUTES]
			[CATALOG_ID_CAP]; /* ids that
					   * may continue a series begun with this one */
	size_t n_substitutes;

	int doses_per_vial;	     /* 1 for single-dose vials and syringes */
	int discard_hours;	     /* an opened vial is discarded after this */
	int storage_min_c10;	     /* °C x 10, e.g. 20 */
	int storage_max_c10;	     /* °C x 10, e.g. 80 */
	char route[8];		     /* "IM", "SC", "ID", "PO", "IN" */
	char site[CATALOG_CODE_CAP]; /* e.g. "deltoid" */
	int dose_volume_ml100;	     /* ml x 100, 50 = 0.5 ml */
};

struct catalog {
	char id[CATALOG_ID_CAP];	  /* e.g. "covid19-cn-2021" */
	int version;			  /* the catalog's own revision */
	struct catalog_product *products; /* owned by the catalog */
	size_t n_products;
};

/*
 * Allocates a catalog with n_products zeroed products (at most
 * CATALOG_MAX_PRODUCTS). Returns it, owned by the caller and released with
 * catalog_free(), or NULL when n_products is too large or memory is short.
 */
struct catalog *catalog_new(size_t n_products);

/* Releases a catalog from catalog_new() and its products. Accepts NULL. */
void catalog_free(struct catalog *cat);

/*
 * Checks every field and every rule across products: ids well formed and
 * unique, texts present, codes well formed, GTINs valid and unique, the
 * series (dose 1 carries no interval, a minimum never exceeds its maximum,
 * warning days fit inside the window), ages, substitutes (known, not the
 * product itself, the same type), vial, storage, route and volume. Returns
 * VB_OK, or VB_EINVAL with *why naming the product, the key and what is
 * wrong (why may be NULL).
 */
int catalog_check(const struct catalog *cat, struct vb_reason *why);

/* The product with this id, borrowed from cat; NULL if none (or NULLs). */
const struct catalog_product *catalog_find(const struct catalog *cat, const char *id);

/* The product one of whose GTINs is gtin14 (14 digits); NULL if none. */
const struct catalog_product *catalog_find_gtin(const struct catalog *cat, const char *gtin14);

/*
 * 1 if `candidate` may be given to continue a series begun with
 * `series_product`: it is that product, or it is listed among its
 * substitutes and has the same type. 0 otherwise (and for unknown ids).
 * The relation is as listed: it is not made symmetric here.
 */
int catalog_substitute_allowed(const struct catalog *cat, const char *series_product,
			       const char *candidate);

/* 1 if a person of `age` completed years is within the product's range. */
int catalog_age_allowed(const struct catalog_product *p, int age);

/* The JSON name of a type ("inactivated", ...), "" for an invalid value. */
const char *catalog_type_name(enum catalog_type type);

/* Parses a JSON type name into *type. VB_OK, or VB_EINVAL (untouched). */
int catalog_type_parse(const char *name, enum catalog_type *type);

/*
 * The JSON key that holds a dose's maximum interval
 * ("max_days_after_first", "max_months_after_previous", ...), or "" when
 * the dose has none.
 */
const char *catalog_dose_max_key(const struct catalog_dose *dose);

#endif
