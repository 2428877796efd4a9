/*
 * report: counting the day's records and printing them as text and CSV.
 * Both formatters run twice over a small appender: once to measure, once
 * to write, so a buffer that is too small is never half-written.
 */
#include "report.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vbdate.h"

/* ---- building ---------------------------------------------------------- */

#define TERMINATED(f) (memchr((f), '\0', sizeof(f)) != NULL)

/* The product's slot in r, added if new. VB_OK with *idx, VB_EINVAL or
 * VB_ERANGE with why. */
static int product_slot(struct report *r, const char (*name)[REPORT_PRODUCT_LEN], const char *what,
			size_t rec, size_t *idx, struct vb_reason *why)
{
	if (!TERMINATED(*name) || !(*name)[0]) {
		vb_reason_set(why, "bad_product", "%s %zu has an empty or overlong product name",
			      what, rec);
		return VB_EINVAL;
	}
	for (size_t i = 0; i < r->n_products; i++) {
		if (strcmp(r->products[i].name, *name) == 0) {
			*idx = i;
			return VB_OK;
		}
	}
	if (r->n_products == REPORT_MAX_PRODUCTS) {
		vb_reason_set(why, "too_many_products",
			      "%s %zu names product number %d; a report holds at most %d", what,
			      rec, REPORT_MAX_PRODUCTS + 1, REPORT_MAX_PRODUCTS);
		return VB_ERANGE;
	}
	struct report_product *p = &r->products[r->n_products];
	memset(p, 0, sizeof(*p));
	strcpy(p->name, *name);
	*idx = r->n_products++;
	return VB_OK;
}

static int count_defer(struct report *r, const char *code, size_t rec, struct vb_reason *why)
{
	if (!code || !code[0])
		code = "unspecified";
	if (strlen(code) >= REPORT_CODE_LEN) {
		vb_reason_set(why, "bad_defer_code", "visit %zu has a deferral code over %d bytes",
			      rec, REPORT_CODE_LEN - 1);
		return VB_EINVAL;
	}
	for (size_t i = 0; i < r->n_defer; i++) {
		if (strcmp(r->defer[i].code, code) == 0) {
			r->defer[i].count++;
			return VB_OK;
		}
	}
	if (r->n_defer == REPORT_MAX_DEFER_CODES) {
		vb_reason_set(why, "too_many_defer_codes",
			      "visit %zu brings deferral code number %d; a report holds at most %d",
			      rec, REPORT_MAX_DEFER_CODES + 1, REPORT_MAX_DEFER_CODES);
		return VB_ERANGE;
	}
	strcpy(r->defer[r->n_defer].code, code);
	r->defer[r->n_defer++].count = 1;
	return VB_OK;
}

static int cmp_product(const void *a, const void *b)
{
	return strcmp(((const struct report_product *)a)->name,
		      ((const struct report_product *)b)->name);
}

static int cmp_defer(const void *a, const void *b)
{
	return strcmp(((const struct report_defer *)a)->code,
		      ((const struct report_defer *)b)->code);
}

static int count_visits(const struct report_input *in, struct report *r, struct vb_reason *why)
{
	for (size_t i = 0; i < in->n_visits; i++) {
		const struct report_visit *v = &in->visits[i];
		r->registered++;
		switch (v->state) {
		case VISIT_REGISTERED:
		case VISIT_SCREENED:
		case VISIT_CONSENTED:
		case VISIT_QUEUED:
		case VISIT_CALLED:
			r->not_completed++;
			break;
		case VISIT_VACCINATED:
		case VISIT_OBSERVING:
		case VISIT_RELEASED:
		case VISIT_AEFI:
			r->vaccinated++;
			break;
		case VISIT_DEFERRED: {
			r->deferred++;
			int rc = count_defer(r, v->defer_code, i, why);
			if (rc)
				return rc;
			break;
		}
		default:
			vb_reason_set(why, "bad_state", "visit %zu has unknown state %d", i,
				      (int)v->state);
			return VB_EINVAL;
		}
	}
	return VB_OK;
}

static int count_stock(const struct report_input *in, struct report *r, struct vb_reason *why)
{
	size_t p;
	int rc;

	for (size_t i = 0; i < in->n_doses; i++) {
		const struct report_dose *d = &in->doses[i];
		if (d->dose_number < 1 || d->dose_number > REPORT_MAX_DOSE_NUMBER) {
			vb_reason_set(why, "bad_dose_number",
				      "dose %zu has dose number %d, not 1..%d", i, d->dose_number,
				      REPORT_MAX_DOSE_NUMBER);
			return VB_EINVAL;
		}
		if ((rc = product_slot(r, &d->product, "dose", i, &p, why)))
			return rc;
		r->products[p].doses[d->dose_number - 1]++;
		r->products[p].doses_total++;
		r->doses_total++;
		if (d->dose_number > r->max_dose_number)
			r->max_dose_number = d->dose_number;
	}
	for (size_t i = 0; i < in->n_vials; i++) {
		if ((rc = product_slot(r, &in->vials[i].product, "vial", i, &p, why)))
			return rc;
		r->products[p].vials_opened++;
		r->vials_opened++;
	}
	for (size_t i = 0; i < in->n_waste; i++) {
		const struct report_waste *w = &in->waste[i];
		if (w->doses < 0 || (unsigned)w->reason >= STOCK_WASTE_REASON_COUNT) {
			vb_reason_set(why, "bad_waste",
				      "wastage %zu has negative doses or an unknown reason", i);
			return VB_EINVAL;
		}
		if ((rc = product_slot(r, &w->product, "wastage", i, &p, why)))
			return rc;
		r->products[p].wasted += w->doses;
		r->wasted_total += w->doses;
		r->wasted_by_reason[w->reason] += w->doses;
	}
	for (size_t i = 0; i < in->n_stock; i++) {
		const struct report_stock *s = &in->stock[i];
		if (s->start < 0 || s->received < 0 || s->end < 0) {
			vb_reason_set(why, "bad_stock", "stock row %zu has a negative amount", i);
			return VB_EINVAL;
		}
		if ((rc = product_slot(r, &s->product, "stock row", i, &p, why)))
			return rc;
		r->products[p].stock_start += s->start;
		r->products[p].stock_received += s->received;
		r->products[p].stock_end += s->end;
	}
	return VB_OK;
}

int report_build(const struct report_input *in, struct report *out, struct vb_reason *why)
{
	struct report r;
	int rc;

	memset(&r, 0, sizeof(r));
	const char *site = in->site ? in->site : "";
	if (strlen(site) >= sizeof(r.site)) {
		vb_reason_set(why, "bad_site", "the site name is over %d bytes",
			      REPORT_SITE_LEN - 1);
		return VB_EINVAL;
	}
	strcpy(r.site, site);
	r.date = in->date;
	if ((rc = count_visits(in, &r, why)))
		return rc;
	if ((rc = count_stock(in, &r, why)))
		return rc;
	for (size_t i = 0; i < in->n_aefis; i++) {
		unsigned sev = (unsigned)in->aefis[i].severity;
		if (sev >= AEFI_SEVERITY_COUNT) {
			vb_reason_set(why, "bad_severity", "AEFI %zu has an unknown severity", i);
			return VB_EINVAL;
		}
		r.aefi[sev]++;
		r.aefi_total++;
	}
	const struct report_sync *y = &in->sync;
	if (y->pending < 0 || y->in_flight < 0 || y->acked < 0 || y->failed < 0) {
		vb_reason_set(why, "bad_sync", "an outbox count is negative");
		return VB_EINVAL;
	}
	r.sync_acknowledged = y->acked;
	r.sync_pending = y->pending + y->in_flight; /* in flight: not acknowledged yet */
	r.sync_failed = y->failed;
	r.sync_captured = r.sync_acknowledged + r.sync_pending + r.sync_failed;
	for (size_t i = 0; i < r.n_products; i++) {
		struct report_product *p = &r.products[i];
		p->unaccounted =
		    p->stock_start + p->stock_received - p->doses_total - p->wasted - p->stock_end;
	}
	qsort(r.products, r.n_products, sizeof(r.products[0]), cmp_product);
	qsort(r.defer, r.n_defer, sizeof(r.defer[0]), cmp_defer);
	r.zero_report = r.doses_total == 0;
	*out = r;
	return VB_OK;
}

/* ---- formatting -------------------------------------------------------- */

/* An appender that measures when p is NULL. */
struct sink {
	char *p;
	size_t cap;
	size_t len; /* bytes produced so far, whether stored or not */
};

static void put(struct sink *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void put(struct sink *s, const char *fmt, ...)
{
	va_list ap;
	char *dst = NULL;
	size_t room = 0;

	if (s->p && s->len < s->cap) {
		dst = s->p + s->len;
		room = s->cap - s->len;
	}
	va_start(ap, fmt);
	int n = vsnprintf(dst, room, fmt, ap);
	va_end(ap);
	if (n > 0)
		s->len += (size_t)n;
}

static void put_chars(struct sink *s, char c, int count)
{
	for (int i = 0; i < count; i++)
		put(s, "%c", c);
}

/* Terminal / printer columns of a UTF-8 string: East Asian wide and
 * fullwidth characters take two, anything else (and a stray byte) one. */
static int display_width(const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	int w = 0;
	while (*s) {
		unsigned c = *s;
		int len = c < 0x80	   ? 1
			  : (c >> 5) == 6  ? 2
			  : (c >> 4) == 14 ? 3
			  : (c >> 3) == 30 ? 4
					   : 1;
		for (int k = 1; k < len; k++) {
			if ((s[k] & 0xc0) != 0x80) {
				len = 1;
				break;
			}
		}
		if (len > 1) {
			c &= 0xffu >> (len + 1);
			for (int k = 1; k < len; k++)
				c = (c << 6) | (s[k] & 0x3f);
		}
		int wide = (c >= 0x1100 && c <= 0x115f) || (c >= 0x2e80 && c <= 0xa4cf) ||
			   (c >= 0xac00 && c <= 0xd7a3) || (c >= 0xf900 && c <= 0xfaff) ||
			   (c >= 0xfe30 && c <= 0xfe4f) || (c >= 0xff00 && c <= 0xff60) ||
			   (c >= 0xffe0 && c <= 0xffe6) || (c >= 0x20000 && c <= 0x3fffd);
		w += wide ? 2 : 1;
		s += len;
	}
	return w;
}

/* str left-aligned in width columns. */
static void put_left(struct sink *s, const char *str, int width)
{
	put(s, "%s", str);
	put_chars(s, ' ', width - display_width(str));
}

#define LABEL_W 24 /* label column of the summary sections */
#define NUM_W	9  /* one numeric column */

static void put_count(struct sink *s, int indent, const char *label, long long v)
{
	put_chars(s, ' ', indent);
	put_left(s, label, LABEL_W - indent);
	put(s, "%*lld\n", NUM_W, v);
}

static void text_body(const struct report *r, struct sink *s)
{
	char date[11];
	vbdate_format(r->date, date);

	int name_w = (int)strlen("Product");
	for (size_t i = 0; i < r->n_products; i++) {
		int w = display_width(r->products[i].name);
		if (w > name_w)
			name_w = w;
	}

	put(s, "VAXBUS DAILY REPORT\nSite: %s\nDate: %s\n", r->site, date);
	if (r->zero_report)
		put(s, "ZERO REPORT: no doses given\n");

	put(s, "\nVisits\n");
	put_count(s, 2, "Registered", r->registered);
	put_count(s, 2, "Vaccinated", r->vaccinated);
	put_count(s, 2, "Deferred", r->deferred);
	for (size_t i = 0; i < r->n_defer; i++)
		put_count(s, 4, r->defer[i].code, r->defer[i].count);
	put_count(s, 2, "Not completed", r->not_completed);

	put(s, "\nDoses given\n");
	if (r->doses_total == 0) {
		put(s, "  none\n");
	} else {
		put(s, "  ");
		put_left(s, "Product", name_w);
		for (int k = 1; k <= r->max_dose_number; k++)
			put(s, "%*s%d", NUM_W - 1, "Dose ", k);
		put(s, "%*s\n", NUM_W, "Total");
		for (size_t i = 0; i < r->n_products; i++) {
			const struct report_product *p = &r->products[i];
			if (!p->doses_total)
				continue;
			put(s, "  ");
			put_left(s, p->name, name_w);
			for (int k = 0; k < r->max_dose_number; k++)
				put(s, "%*d", NUM_W, p->doses[k]);
			put(s, "%*d\n", NUM_W, p->doses_total);
		}
		put(s, "  ");
		put_left(s, "Total", name_w);
		for (int k = 0; k < r->max_dose_number; k++) {
			int sum = 0;
			for (size_t i = 0; i < r->n_products; i++)
				sum += r->products[i].doses[k];
			put(s, "%*d", NUM_W, sum);
		}
		put(s, "%*d\n", NUM_W, r->doses_total);
	}

	static const struct {
		const char *title;
		int width;
	} cols[] = {{"Start", NUM_W},		{"Received", NUM_W}, {"Given", NUM_W},
		    {"Wasted", NUM_W},		{"End", NUM_W},	     {"Unaccounted", NUM_W + 3},
		    {"Vials opened", NUM_W + 4}};
	put(s, "\nStock (doses)\n");
	if (r->n_products == 0) {
		put(s, "  none\n");
	} else {
		put(s, "  ");
		put_left(s, "Product", name_w);
		for (size_t c = 0; c < sizeof(cols) / sizeof(cols[0]); c++)
			put(s, "%*s", cols[c].width, cols[c].title);
		put(s, "\n");
		for (size_t i = 0; i < r->n_products; i++) {
			const struct report_product *p = &r->products[i];
			const long long v[] = {p->stock_start, p->stock_received, p->doses_total,
					       p->wasted,      p->stock_end,	  p->unaccounted,
					       p->vials_opened};
			put(s, "  ");
			put_left(s, p->name, name_w);
			for (size_t c = 0; c < sizeof(cols) / sizeof(cols[0]); c++)
				put(s, "%*lld", cols[c].width, v[c]);
			put(s, "\n");
		}
	}
	for (size_t i = 0; i < r->n_products; i++) {
		long long u = r->products[i].unaccounted;
		if (u > 0)
			put(s, "  WARNING: %s: %lld dose(s) unaccounted for\n", r->products[i].name,
			    u);
		else if (u < 0)
			put(s,
			    "  WARNING: %s: %lld dose(s) more on board than the records explain\n",
			    r->products[i].name, -u);
	}

	put(s, "\nWastage (doses)\n");
	for (int k = 0; k < STOCK_WASTE_REASON_COUNT; k++)
		if (r->wasted_by_reason[k])
			put_count(s, 2, stock_waste_reason_name((enum stock_waste_reason)k),
				  r->wasted_by_reason[k]);
	put_count(s, 2, "Total", r->wasted_total);
	put_count(s, 2, "Vials opened", r->vials_opened);

	put(s, "\nAdverse events (AEFI)\n");
	for (int k = 0; k < AEFI_SEVERITY_COUNT; k++)
		put_count(s, 2, aefi_severity_name((enum aefi_severity)k), r->aefi[k]);
	put_count(s, 2, "Total", r->aefi_total);

	put(s, "\nPlatform (records of the day)\n");
	put_count(s, 2, "Captured", r->sync_captured);
	put_count(s, 2, "Acknowledged", r->sync_acknowledged);
	put_count(s, 2, "Pending", r->sync_pending);
	put_count(s, 2, "Failed", r->sync_failed);
}

/* One CSV field: quoted when it holds a comma, quote, CR or LF. */
static void csv_field(struct sink *s, const char *v)
{
	if (!strpbrk(v, ",\"\r\n")) {
		put(s, "%s", v);
		return;
	}
	put(s, "\"");
	for (; *v; v++) {
		if (*v == '"')
			put(s, "\"\"");
		else
			put(s, "%c", *v);
	}
	put(s, "\"");
}

static void csv_row(struct sink *s, const struct report *r, const char *date, const char *record,
		    const char *product, int dose_number, const char *code, long long value)
{
	csv_field(s, r->site);
	put(s, ",%s,%s,", date, record);
	csv_field(s, product ? product : "");
	put(s, ",");
	if (dose_number > 0)
		put(s, "%d", dose_number);
	put(s, ",");
	csv_field(s, code ? code : "");
	put(s, ",%lld\r\n", value);
}

static void csv_body(const struct report *r, struct sink *s)
{
	char d[11];
	vbdate_format(r->date, d);

	put(s, "site,date,record,product,dose_number,code,value\r\n");
	csv_row(s, r, d, "registered", NULL, 0, NULL, r->registered);
	csv_row(s, r, d, "vaccinated", NULL, 0, NULL, r->vaccinated);
	csv_row(s, r, d, "deferred", NULL, 0, NULL, r->deferred);
	for (size_t i = 0; i < r->n_defer; i++)
		csv_row(s, r, d, "deferred_reason", NULL, 0, r->defer[i].code, r->defer[i].count);
	csv_row(s, r, d, "not_completed", NULL, 0, NULL, r->not_completed);
	for (size_t i = 0; i < r->n_products; i++)
		for (int k = 0; k < REPORT_MAX_DOSE_NUMBER; k++)
			if (r->products[i].doses[k])
				csv_row(s, r, d, "doses", r->products[i].name, k + 1, NULL,
					r->products[i].doses[k]);
	csv_row(s, r, d, "doses_total", NULL, 0, NULL, r->doses_total);
	for (size_t i = 0; i < r->n_products; i++) {
		const struct report_product *p = &r->products[i];
		csv_row(s, r, d, "vials_opened", p->name, 0, NULL, p->vials_opened);
		csv_row(s, r, d, "wasted", p->name, 0, NULL, p->wasted);
		csv_row(s, r, d, "stock_start", p->name, 0, NULL, p->stock_start);
		csv_row(s, r, d, "stock_received", p->name, 0, NULL, p->stock_received);
		csv_row(s, r, d, "stock_end", p->name, 0, NULL, p->stock_end);
		csv_row(s, r, d, "unaccounted", p->name, 0, NULL, p->unaccounted);
	}
	csv_row(s, r, d, "vials_opened_total", NULL, 0, NULL, r->vials_opened);
	csv_row(s, r, d, "wasted_total", NULL, 0, NULL, r->wasted_total);
	for (int k = 0; k < STOCK_WASTE_REASON_COUNT; k++)
		if (r->wasted_by_reason[k])
			csv_row(s, r, d, "wasted_reason", NULL, 0,
				stock_waste_reason_name((enum stock_waste_reason)k),
				r->wasted_by_reason[k]);
	for (int k = 0; k < AEFI_SEVERITY_COUNT; k++)
		csv_row(s, r, d, "aefi", NULL, 0, aefi_severity_name((enum aefi_severity)k),
			r->aefi[k]);
	csv_row(s, r, d, "aefi_total", NULL, 0, NULL, r->aefi_total);
	csv_row(s, r, d, "zero_report", NULL, 0, NULL, r->zero_report);
	csv_row(s, r, d, "sync_captured", NULL, 0, NULL, r->sync_captured);
	csv_row(s, r, d, "sync_acknowledged", NULL, 0, NULL, r->sync_acknowledged);
	csv_row(s, r, d, "sync_pending", NULL, 0, NULL, r->sync_pending);
	csv_row(s, r, d, "sync_failed", NULL, 0, NULL, r->sync_failed);
}

/* Measures, then writes if it fits. */
static int format(const struct report *r, void (*body)(const struct report *, struct sink *),
		  char *out, size_t cap, size_t *needed)
{
	struct sink s = {NULL, 0, 0};
	body(r, &s);
	size_t need = s.len + 1;
	if (needed)
		*needed = need;
	if (!out || need > cap)
		return VB_ERANGE;
	s = (struct sink){out, cap, 0};
	body(r, &s);
	return VB_OK;
}

int report_format_text(const struct report *r, char *out, size_t cap, size_t *needed)
{
	return format(r, text_body, out, cap, needed);
}

int report_format_csv(const struct report *r, char *out, size_t cap, size_t *needed)
{
	return format(r, csv_body, out, cap, needed);
}
