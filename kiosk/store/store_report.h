/*
 * store_report: gathers one local day's records from the store into the
 * core's report input (report.h), for report_build().
 *
 * The local day `day` (a vbdate day number) with the bus's UTC offset
 * (minutes east of UTC) spans the UTC seconds [day 00:00 − offset,
 * + 86400). Gathered in one read snapshot:
 *   visits  of that day (visit.day), their state and deferral code;
 *   doses   given on the bus that day (source "bus", given_on = day);
 *   aefis   with their onset within the day;
 *   vials   opened within the day, with their lot's product;
 *   waste   wastage records timed within the day, with their product;
 *   stock   per lot, from the ledger: doses before the day began,
 *           received during it, and at its end (lots with all three 0
 *           are left out);
 *   sync    the outbox rows made within the day, by state (the bus's,
 *           every site's: the outbox names no site).
 * Visits, doses and AEFIs carry a site: with site_id non-NULL only that
 * site's are gathered; with NULL every site's (the bus's whole day).
 * Vials, wastage and stock belong to the bus, not a site: they always
 * cover the whole day, so on a day the bus served two sites each site's
 * reconciliation also shows the other site's doses as unaccounted; gather
 * with site_id NULL for that day's reconciliation.
 */
#ifndef STORE_REPORT_H
#define STORE_REPORT_H

#include <stddef.h>
#include <stdint.h>

#include "report.h"
#include "store.h"

/* The gathered records: `in` points into the arrays below, which this
 * struct owns (heap memory) until store_report_cleanup(). */
struct store_report_data {
	struct report_input in;
	char site[REPORT_SITE_LEN];
	struct report_visit *visits;
	char (*defer_codes)[REPORT_CODE_LEN]; /* visits[i].defer_code points here */
	struct report_dose *doses;
	struct aefi *aefis;
	struct report_vial *vials;
	struct report_waste *waste;
	struct report_stock *stock;
};

/*
 * Fills *out for local day `day` of site_id (NULL: every site; the
 * report's site line is then meta's site_id, or "" if unset) with
 * utc_offset_min in -1440..1440. Runs in its own read transaction, or the
 * caller's if one is open. On VB_OK *out owns its arrays: pass &out->in to
 * report_build() and free them with store_report_cleanup(). Returns VB_OK,
 * VB_EINVAL (day is VBDATE_NONE, the offset out of range, site_id too long
 * for the report), VB_ENOMEM, VB_ECORRUPT (a malformed stored row) or a
 * storage error; *out is written only on VB_OK.
 */
int store_report_gather(struct store *st, const char *site_id, int32_t day, int utc_offset_min,
			struct store_report_data *out);

/* Frees what store_report_gather() allocated and empties *d. Accepts NULL
 * and an emptied struct. The AEFI copies hold clinical free text: they are
 * wiped before they are freed. */
void store_report_cleanup(struct store_report_data *d);

#endif
