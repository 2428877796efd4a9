/*
 * ctl_report: `report day` — the end-of-day report of a site: visits,
 * deferrals, doses by product and dose number, AEFIs, vials, wastage,
 * stock reconciliation and the platform reconciliation (the day's records
 * captured, acknowledged, pending, failed); a zero report on a day
 * without doses.
 */
#include "ctl.h"
#include "ctl_cmds.h"

#include "report.h"
#include "store.h"
#include "store_meta.h"
#include "store_report.h"
#include "vbdate.h"

#include <stdio.h>
#include <stdlib.h>

static json_t *report_json(const struct report *r)
{
	char date[11];
	vbdate_format(r->date, date);
	json_t *products = json_array();
	for (size_t i = 0; i < r->n_products; i++) {
		const struct report_product *p = &r->products[i];
		json_t *by_dose = json_array();
		for (int k = 0; k < r->max_dose_number; k++)
			json_array_append_new(by_dose, json_integer(p->doses[k]));
		json_array_append_new(
		    products,
		    json_pack("{s:s, s:o, s:i, s:i, s:i, s:I, s:I, s:I, s:I}", "product", p->name,
			      "doses_by_number", by_dose, "doses_total", p->doses_total,
			      "vials_opened", p->vials_opened, "wasted", p->wasted, "stock_start",
			      (json_int_t)p->stock_start, "stock_received",
			      (json_int_t)p->stock_received, "stock_end", (json_int_t)p->stock_end,
			      "unaccounted", (json_int_t)p->unaccounted));
	}
	json_t *sync = json_pack("{s:I, s:I, s:I, s:I}", "captured", (json_int_t)r->sync_captured,
				 "acknowledged", (json_int_t)r->sync_acknowledged, "pending",
				 (json_int_t)r->sync_pending, "failed", (json_int_t)r->sync_failed);
	json_t *deferrals = json_object();
	for (size_t i = 0; i < r->n_defer; i++)
		json_object_set_new(deferrals, r->defer[i].code, json_integer(r->defer[i].count));
	return json_pack("{s:s, s:s, s:i, s:i, s:i, s:i, s:o, s:i, s:i, s:i, s:i, s:b, s:o, s:o}",
			 "site", r->site, "date", date, "registered", r->registered, "vaccinated",
			 r->vaccinated, "deferred", r->deferred, "not_completed", r->not_completed,
			 "deferrals", deferrals, "doses_total", r->doses_total, "aefi",
			 r->aefi_total, "vials_opened", r->vials_opened, "wasted", r->wasted_total,
			 "zero_report", r->zero_report, "products", products, "sync", sync);
}

int ctl_cmd_report_day(struct ctl *c, int argc, char **argv)
{
	struct ctl_opt opts[] = {
	    {"--date", "YYYYMMDD", "the day (default today)", 0, NULL},
	    {"--csv", NULL, "print CSV (RFC 4180) instead of the table", 0, NULL},
	    {NULL, NULL, NULL, 0, NULL},
	};
	int rc = ctl_parse(c, argc, argv, opts,
			   "The day's report for the current site: what was done, what is\n"
			   "left, and whether the stock adds up.");
	if (rc)
		return rc;
	if ((rc = ctl_store(c, 0)))
		return rc;
	int32_t day = c->today;
	if (ctl_opt(opts, "--date") && (rc = ctl_date(c, "--date", ctl_opt(opts, "--date"), &day)))
		return rc;
	char site[64];
	struct store_report_data data;
	struct report *r = calloc(1, sizeof(*r));
	struct vb_reason why = {0};
	int vb = r ? store_meta_get(c->st, "site_id", site, sizeof(site)) : VB_ENOMEM;
	if (!vb)
		vb = store_report_gather(c->st, site, day, c->utc_offset_min, &data);
	if (vb) {
		free(r);
		return ctl_storage(c, vb);
	}
	vb = report_build(&data.in, r, &why);
	store_report_cleanup(&data);
	if (vb) {
		free(r);
		return ctl_refuse(c, "--date", &why);
	}
	size_t need = 0;
	int csv = ctl_opt(opts, "--csv") != NULL;
	csv ? report_format_csv(r, NULL, 0, &need) : report_format_text(r, NULL, 0, &need);
	char *text = malloc(need + 1);
	if (!text || (csv ? report_format_csv(r, text, need + 1, &need)
			  : report_format_text(r, text, need + 1, &need))) {
		free(text);
		free(r);
		return ctl_storage(c, VB_ENOMEM);
	}
	json_t *o = json_pack("{s:o}", "report", report_json(r));
	if (c->json)
		json_object_set_new(o, "text", json_string(text));
	rc = ctl_emit(c, o, text);
	free(text);
	free(r);
	return rc;
}
