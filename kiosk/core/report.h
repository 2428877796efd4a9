/*
 * report: the end-of-day report of one site (bus stop) and date, and its
 * two printed forms: an aligned English text table for the CLI and the
 * receipt printer, and RFC 4180 CSV for the platform and spreadsheets.
 *
 * The app gathers the day's records from the store into a struct
 * report_input (every array borrowed for the call) and report_build
 * counts them into a self-contained struct report (no pointers). Besides
 * the counts, each product gets a stock reconciliation: doses at the start
 * of the day + received − given − wasted − at the end must be 0; anything
 * else is printed as "unaccounted" so a lost dose cannot pass unnoticed.
 * A day without a single dose is flagged as a zero report, which the
 * platform expects instead of silence. The platform reconciliation counts
 * the records the bus captured that day for the platform (its outbox rows)
 * by where they stand: acknowledged, still pending, or failed (refused).
 */
#ifndef REPORT_H
#define REPORT_H

#include <stddef.h>
#include <stdint.h>

#include "aefi.h"
#include "stock.h"
#include "vb_error.h"
#include "visit.h"

#define REPORT_MAX_PRODUCTS    16 /* distinct products in one day's report */
#define REPORT_MAX_DOSE_NUMBER 5  /* dose numbers 1..5 (series and boosters) */
#define REPORT_MAX_DEFER_CODES 24 /* distinct deferral reason codes */
#define REPORT_PRODUCT_LEN     32 /* bytes of a product name, NUL included */
#define REPORT_CODE_LEN	       32 /* bytes of a deferral code, NUL included */
#define REPORT_SITE_LEN	       64 /* bytes of a site name, NUL included */

/* One visit of the day as it stands at the end of the day. */
struct report_visit {
	enum visit_state state;
	const char *defer_code; /* borrowed; for deferred visits, NULL or "" counts
				 * as "unspecified" */
};

/* One dose given. */
struct report_dose {
	char product[REPORT_PRODUCT_LEN];
	int dose_number; /* 1..REPORT_MAX_DOSE_NUMBER */
	char lot[21];
};

/* One vial opened during the day. */
struct report_vial {
	char product[REPORT_PRODUCT_LEN];
	char lot[21];
};

/* One wastage record of the day (stock_wastage plus its lot's product). */
struct report_waste {
	char product[REPORT_PRODUCT_LEN];
	int doses; /* >= 0 */
	enum stock_waste_reason reason;
};

/* One lot's stock in doses (see stock_doses) over the day. */
struct report_stock {
	char product[REPORT_PRODUCT_LEN];
	char lot[21];
	int64_t start;	  /* at the start of the day */
	int64_t received; /* received during the day */
	int64_t end;	  /* at the end of the day */
};

/* The day's outbox rows by state (store_outbox.h); each >= 0. */
struct report_sync {
	int64_t pending, in_flight, acked, failed;
};

struct report_input {
	const char *site; /* borrowed; shorter than REPORT_SITE_LEN; NULL = "" */
	int32_t date;	  /* vbdate day number */
	const struct report_visit *visits;
	size_t n_visits;
	const struct report_dose *doses;
	size_t n_doses;
	const struct aefi *aefis;
	size_t n_aefis;
	const struct report_vial *vials;
	size_t n_vials;
	const struct report_waste *waste;
	size_t n_waste;
	const struct report_stock *stock;
	size_t n_stock;
	struct report_sync sync;
};

struct report_product {
	char name[REPORT_PRODUCT_LEN];
	int doses[REPORT_MAX_DOSE_NUMBER]; /* [k] = doses with dose number k + 1 */
	int doses_total;
	int vials_opened;
	int wasted; /* doses */
	int64_t stock_start, stock_received, stock_end;
	int64_t unaccounted; /* start + received − given − wasted − end */
};

struct report_defer {
	char code[REPORT_CODE_LEN];
	int count;
};

struct report {
	char site[REPORT_SITE_LEN];
	int32_t date;
	int registered;	   /* visits of the day */
	int vaccinated;	   /* visits that reached "vaccinated" (or later) */
	int deferred;	   /* visits ending deferred */
	int not_completed; /* visits still registered..called at the end */
	struct report_defer defer[REPORT_MAX_DEFER_CODES]; /* sorted by code */
	size_t n_defer;
	/* every product named by a dose, vial, wastage or stock row, by name */
	struct report_product products[REPORT_MAX_PRODUCTS];
	size_t n_products;
	int max_dose_number; /* highest dose number given, 0 if none */
	int doses_total;
	int aefi[AEFI_SEVERITY_COUNT];
	int aefi_total;
	int vials_opened;
	int wasted_total;
	int wasted_by_reason[STOCK_WASTE_REASON_COUNT];
	int zero_report; /* 1 when no dose was given */
	/* the platform reconciliation: captured = acknowledged + pending + failed */
	int64_t sync_captured, sync_acknowledged, sync_pending, sync_failed;
};

/*
 * Counts the day's records into *out. Returns VB_OK; VB_ERANGE when more
 * than REPORT_MAX_PRODUCTS products or REPORT_MAX_DEFER_CODES deferral
 * codes occur (why "too_many_products" / "too_many_defer_codes"); VB_EINVAL
 * for a malformed record (why "bad_site", "bad_product" (empty or
 * unterminated), "bad_state", "bad_defer_code" (too long), "bad_dose_number",
 * "bad_severity", "bad_waste" (negative doses or unknown reason),
 * "bad_stock" (a negative amount), each naming the record's index;
 * "bad_sync" for a negative outbox count). *out
 * is written only on VB_OK. why may be NULL.
 */
int report_build(const struct report_input *in, struct report *out, struct vb_reason *why);

/*
 * Writes the report as an aligned English text table (LF line ends; names
 * padded by display width, CJK counting two columns) into out, cap bytes
 * NUL included. Returns VB_OK, or VB_ERANGE if cap is too small (out is
 * then untouched). If needed is non-NULL it receives the bytes required,
 * NUL included, on VB_OK and on VB_ERANGE alike, so a caller can size a
 * buffer (out may be NULL with cap 0 to ask). The caller owns out.
 */
int report_format_text(const struct report *r, char *out, size_t cap, size_t *needed);

/*
 * Writes the report as CSV (RFC 4180: CRLF line ends, fields holding a
 * comma, quote, CR or LF quoted, quotes doubled), same buffer contract as
 * report_format_text. Columns:
 *
 *   site,date,record,product,dose_number,code,value
 *
 * site and date (YYYY-MM-DD) repeat on every row; value is an integer.
 * One header row, then rows with `record`:
 *   registered, vaccinated, deferred, not_completed   visit counts;
 *   deferred_reason     code = the deferral code (one row per code);
 *   doses               product, dose_number: doses given (one row per
 *                       product and dose number given at least once);
 *   doses_total;
 *   vials_opened, wasted, stock_start, stock_received, stock_end,
 *   unaccounted         product: one row each per product;
 *   vials_opened_total, wasted_total;
 *   wasted_reason       code = the wastage reason, for reasons with doses;
 *   aefi                code = severity (every grade, zeros included);
 *   aefi_total;
 *   zero_report         1 on a day without doses, else 0;
 *   sync_captured, sync_acknowledged, sync_pending, sync_failed
 *                       the platform reconciliation.
 * Empty columns are empty fields.
 */
int report_format_csv(const struct report *r, char *out, size_t cap, size_t *needed);

#endif
