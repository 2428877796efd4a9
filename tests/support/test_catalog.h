/*
 * test_catalog: one vaccine product filled the way the tests' small
 * catalogs need it (an inactivated single-dose vaccine for adults, 0.5 ml
 * into the deltoid, kept at 2-8 °C) — what the tests of the FHIR mapping
 * and of the pull's readers, and the pull's fuzz target, build their
 * catalog from. Header only: no library to link.
 */
#ifndef TEST_CATALOG_H
#define TEST_CATALOG_H

#include <string.h>

#include "catalog.h"

/* Fills *p as product id with the CVX and ATC codes given (cvx may be ""). */
static inline void test_catalog_product(struct catalog_product *p, const char *id, const char *cvx,
					const char *atc)
{
	strcpy(p->id, id);
	strcpy(p->name.en, id);
	strcpy(p->name.zh, "疫苗");
	strcpy(p->maker.en, "maker");
	strcpy(p->maker.zh, "厂");
	strcpy(p->holder.en, "maker");
	strcpy(p->holder.zh, "持有人");
	p->type = CATALOG_TYPE_INACTIVATED;
	strcpy(p->cvx, cvx);
	strcpy(p->atc, atc);
	p->n_doses = 1;
	p->min_age_years = 18;
	p->max_age_years = CATALOG_NONE;
	p->assessment_from_age = CATALOG_NONE;
	p->doses_per_vial = 1;
	p->storage_min_c10 = 20;
	p->storage_max_c10 = 80;
	strcpy(p->route, "IM");
	strcpy(p->site, "deltoid");
	p->dose_volume_ml100 = 50;
}

#endif
