/*
 * kiosk_day: the staff's day screen — the bus's day at a glance for the
 * nurse, in four tabs with big targets and short words.
 *
 *   queue --today--> day [stock | fridges | report | sending] --back--> queue
 *
 *   stock     each lot: doses left and its expiry (recalled, on hold after
 *             a cold-chain excursion, expired in red); each open vial:
 *             doses left and the time to throw it away (station_stock_load)
 *   fridges   the latest reading of each fridge, and the excursions still
 *             going or awaiting the staff's decision, in red
 *   report    the day's report as `vaxbusctl report day` counts it
 *             (store_report_gather, report_build), and "print report":
 *             its text table as a print job of kind "report", sent by the
 *             print worker
 *   sending   the outbox: waiting, received by the platform, refused, the
 *             last success and the last error in words; while the sync
 *             thread sends, "n of m" with a bar; without a link, that the
 *             records are kept and will be sent
 *
 * A cold-chain problem shows under the tabs whichever tab is open.
 * Everything is read from the store when the screen draws (and the sync
 * thread's report, kiosk_day.h), so the screen never waits for a device
 * or the link.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kiosk_day.h"
#include "kiosk_print.h"
#include "printq.h"
#include "receipt.h"
#include "report.h"
#include "station.h"
#include "store_coldchain.h"
#include "store_meta.h"
#include "store_report.h"
#include "sync.h"
#include "vbdate.h"
#include "wallclock.h"

#define EXCURSIONS_MAX 64
#define EXCURSION_DAYS 7 /* excursions still open or undecided are looked for this far back */
#define READINGS_MAX   512
#define FRIDGES_MAX    (CONFIG_MAX_FRIDGES + 16)
#define TEXT_CAP       320

static const char *const tab_ids[] = {"day.tab.stock", "day.tab.fridges", "day.tab.report",
				      "day.tab.sync"};

/* A label (muted, in label_thirds of r's width) and its value beside it;
 * returns the height drawn. */
static int cell(struct kiosk *k, struct ui_rect r, const char *label, const char *value,
		enum ui_colour colour, int label_thirds)
{
	int gap = ui_mm(k->ui, 4, 0), lw = r.w * label_thirds / 3;
	struct ui_rect l = {r.x, r.y, lw - gap, r.h};
	struct ui_rect v = {r.x + lw, r.y, r.w - lw, r.h};
	int h = ui_text(k->ui, l, label, UI_SIZE_BODY, UI_LEFT, UI_C_MUTED);
	int hv = ui_text(k->ui, v, value, UI_SIZE_BODY, UI_LEFT, colour);
	return hv > h ? hv : h;
}

/* r shrinks from the top past a row of height h and the gap below it. */
static void advance(struct kiosk *k, struct ui_rect *r, int h)
{
	h += ui_mm(k->ui, 2, 1);
	r->y += h;
	r->h -= h;
}

void kiosk_ops_row(struct kiosk *k, struct ui_rect *r, const char *label, const char *value,
		   enum ui_colour colour)
{
	if (r->h > 0)
		advance(k, r, cell(k, *r, label, value, colour, 1));
}

/* "YYYY-MM-DD HH:MM" of UTC seconds t, local. */
static void when(struct kiosk *k, int64_t t, char out[26])
{
	wallclock_format(t, k->utc_offset_min, out);
	out[10] = ' ';
	out[16] = '\0';
}

/* °C × 100 as "4.5" / "-0.5" / "10". */
static void celsius(int centi, char *out, size_t cap)
{
	int a = centi < 0 ? -centi : centi;
	if (a % 100 == 0)
		snprintf(out, cap, "%s%d", centi < 0 ? "-" : "", a / 100);
	else if (a % 10 == 0)
		snprintf(out, cap, "%s%d.%d", centi < 0 ? "-" : "", a / 100, a % 100 / 10);
	else
		snprintf(out, cap, "%s%d.%02d", centi < 0 ? "-" : "", a / 100, a % 100);
}

static void fill(struct kiosk *k, char *out, const char *key, const char *const *names,
		 const char *const *values, size_t n)
{
	kiosk_fill(out, TEXT_CAP, ui_str(k->ui, key), names, values, n);
}

/* ---- stock ---- */

static const char *product_name(struct kiosk *k, const char *id)
{
	const struct catalog_product *p = catalog_find(k->cat, id);
	if (!p)
		return id;
	return ui_get_lang(k->ui) == UI_ZH ? p->name.zh : p->name.en;
}

static void draw_stock(struct kiosk *k, struct ui_rect r)
{
	struct station_stock *s = NULL;
	struct stock_wastage *w = NULL;
	size_t nw = 0;
	int64_t now = k->now();
	if (station_stock_load(k->st, &s) != VB_OK ||
	    !(w = malloc((s->n_vials ? s->n_vials : 1) * sizeof(*w))) ||
	    stock_discard_expired(s->vials, s->n_vials, now, w, s->n_vials, &nw) != VB_OK) {
		ui_text(k->ui, r, ui_str(k->ui, "common.storage_error"), UI_SIZE_BODY, UI_LEFT,
			UI_C_BAD);
		free(s);
		free(w);
		return;
	}
	free(w);
	char label[TEXT_CAP], text[TEXT_CAP], doses[24], expiry[11], t[26];
	if (!s->n_lots)
		ui_text(k->ui, r, ui_str(k->ui, "day.no_lots"), UI_SIZE_BODY, UI_LEFT, UI_C_MUTED);
	for (size_t i = 0; i < s->n_lots; i++) {
		const struct stock_lot *lot = &s->lots[i];
		snprintf(doses, sizeof(doses), "%lld",
			 (long long)stock_doses(lot, s->vials, s->n_vials));
		if (lot->expiry == VBDATE_NONE)
			snprintf(expiry, sizeof(expiry), "?");
		else
			vbdate_format(lot->expiry, expiry);
		const char *key = lot->recalled	     ? "day.lot_recalled"
				  : lot->quarantined ? "day.lot_on_hold"
				  : lot->expiry != VBDATE_NONE && lot->expiry < k->today
				      ? "day.lot_expired"
				      : "day.lot";
		const char *names[] = {"product", "lot", "doses", "expiry"},
			   *values[] = {product_name(k, lot->product), lot->lot, doses, expiry};
		fill(k, label, "day.lot_label", names, values, 4);
		fill(k, text, key, names, values, 4);
		kiosk_ops_row(k, &r, label, text, strcmp(key, "day.lot") ? UI_C_BAD : UI_C_TEXT);
	}
	for (size_t i = 0; i < s->n_vials; i++) {
		const struct stock_vial *v = &s->vials[i];
		int expired = v->discard_at <= now;
		if (!expired && v->doses_left <= 0)
			continue; /* used up */
		snprintf(doses, sizeof(doses), "%d", v->doses_left);
		when(k, v->discard_at, t);
		const char *names[] = {"lot", "doses", "time"}, *values[] = {v->lot, doses, t + 11};
		fill(k, label, "day.vial_label", names, values, 3);
		fill(k, text, expired ? "day.vial_expired" : "day.vial", names, values, 3);
		kiosk_ops_row(k, &r, label, text, expired ? UI_C_BAD : UI_C_TEXT);
	}
	free(s);
}

/* ---- fridges ---- */

/* The fridges the bus knows: those of the lots on board and of the
 * configured thermometers, each once. */
static size_t fridges(struct kiosk *k, char (*out)[16], size_t cap)
{
	struct station_stock *s = NULL;
	size_t n = 0;
	const char *names[FRIDGES_MAX];
	size_t m = 0;
	for (size_t i = 0; i < k->cfg.n_fridges && m < FRIDGES_MAX; i++)
		names[m++] = k->cfg.fridges[i].fridge;
	if (station_stock_load(k->st, &s) == VB_OK)
		for (size_t i = 0; i < s->n_lots && m < FRIDGES_MAX; i++)
			names[m++] = s->lots[i].fridge;
	for (size_t i = 0; i < m && n < cap; i++) {
		size_t j = 0;
		while (j < n && strcmp(out[j], names[i]) != 0)
			j++;
		if (j == n && names[i][0])
			snprintf(out[n++], sizeof(out[0]), "%s", names[i]);
	}
	free(s);
	return n;
}

/* The latest reading of fridge within the last hours: 1 with *r, else 0. */
static int latest(struct kiosk *k, const char *fridge, struct coldchain_reading *r)
{
	static const int64_t windows[] = {6 * 3600, 3600, 600};
	struct coldchain_reading *buf = malloc(READINGS_MAX * sizeof(*buf));
	int found = 0;
	for (size_t i = 0; buf && i < sizeof(windows) / sizeof(windows[0]); i++) {
		size_t n = 0;
		int rc =
		    store_temp_list(k->st, fridge, k->now() - windows[i], buf, READINGS_MAX, &n);
		if (rc == VB_ERANGE)
			continue; /* more than fit: a shorter window */
		if (!rc && n) {
			*r = buf[n - 1];
			found = 1;
		}
		break;
	}
	free(buf);
	return found;
}

/* Excursions still going or awaiting a decision into out: their count,
 * or -1 when they cannot be read. */
static int problems(struct kiosk *k, struct store_excursion *out, size_t cap)
{
	struct store_excursion *all = malloc(EXCURSIONS_MAX * sizeof(*all));
	size_t n = 0, m = 0;
	int rc = all ? store_excursion_list(k->st, NULL, k->now() - EXCURSION_DAYS * 86400, all,
					    EXCURSIONS_MAX, &n)
		     : VB_ENOMEM;
	for (size_t i = 0; !rc && i < n && m < cap; i++)
		if (all[i].exc.open || all[i].state == STORE_EXCURSION_QUARANTINED)
			out[m++] = all[i];
	free(all);
	return rc ? -1 : (int)m;
}

static void excursion_text(struct kiosk *k, const struct store_excursion *e, char *out)
{
	char start[26], end[26], lo[16], hi[16];
	when(k, e->exc.start, start);
	when(k, e->exc.end, end);
	celsius(e->exc.min_centi, lo, sizeof(lo));
	celsius(e->exc.max_centi, hi, sizeof(hi));
	const char *key =
	    e->exc.open
		? (e->state == STORE_EXCURSION_QUARANTINED ? "day.exc_open_hold" : "day.exc_open")
		: "day.exc_hold";
	const char *names[] = {"start", "end", "min", "max"},
		   *values[] = {start + 11, end + 11, lo, hi};
	fill(k, out, key, names, values, 4);
}

/* "Fridge fridge-1". */
static void fridge_label(struct kiosk *k, const char *fridge, char *out)
{
	const char *names[] = {"fridge"}, *values[] = {fridge};
	fill(k, out, "day.fridge", names, values, 1);
}

static void draw_fridges(struct kiosk *k, struct ui_rect r)
{
	char names[FRIDGES_MAX][16], label[TEXT_CAP], text[TEXT_CAP], t[26], c[16];
	struct coldchain_config range;
	coldchain_config_init(&range);
	size_t n = fridges(k, names, FRIDGES_MAX);
	if (!n)
		kiosk_ops_row(k, &r, "", ui_str(k->ui, "day.no_fridges"), UI_C_MUTED);
	for (size_t i = 0; i < n; i++) {
		struct coldchain_reading rd;
		fridge_label(k, names[i], label);
		if (latest(k, names[i], &rd)) {
			when(k, rd.at, t);
			celsius(rd.centi_c, c, sizeof(c));
			const char *keys[] = {"celsius", "time"}, *values[] = {c, t + 11};
			fill(k, text, "day.reading", keys, values, 2);
			kiosk_ops_row(k, &r, label, text,
				      rd.centi_c < range.min_centi || rd.centi_c > range.max_centi
					  ? UI_C_BAD
					  : UI_C_TEXT);
		} else {
			kiosk_ops_row(k, &r, label, ui_str(k->ui, "day.no_reading"), UI_C_WARN);
		}
	}
	struct store_excursion exc[8];
	int m = problems(k, exc, 8);
	if (m < 0)
		kiosk_ops_row(k, &r, "", ui_str(k->ui, "common.storage_error"), UI_C_BAD);
	else if (m == 0)
		kiosk_ops_row(k, &r, "", ui_str(k->ui, "day.no_excursion"), UI_C_OK);
	for (int i = 0; i < m; i++) {
		excursion_text(k, &exc[i], text);
		fridge_label(k, exc[i].fridge, label);
		kiosk_ops_row(k, &r, label, text, UI_C_BAD);
	}
}

/* ---- report ---- */

/* The day's report: VB_OK with *r, or an error. */
static int day_report(struct kiosk *k, struct report *r)
{
	char site[64] = "";
	struct store_report_data data;
	store_meta_get(k->st, "site_id", site, sizeof(site));
	int rc = store_report_gather(k->st, site, k->today, k->utc_offset_min, &data);
	if (rc)
		return rc;
	rc = report_build(&data.in, r, NULL);
	store_report_cleanup(&data);
	return rc;
}

static void count_row(struct kiosk *k, struct ui_rect *r, const char *key, int64_t n,
		      enum ui_colour colour)
{
	char v[24];
	snprintf(v, sizeof(v), "%lld", (long long)n);
	kiosk_ops_row(k, r, ui_str(k->ui, key), v, colour);
}

/* A count of the report: its key, the number, the colour. */
struct count {
	const char *key;
	int64_t n;
	enum ui_colour colour;
};

/* The counts two to a row (each label in two thirds of its half). */
static void count_rows(struct kiosk *k, struct ui_rect *r, const struct count *c, size_t n)
{
	int gap = ui_mm(k->ui, 6, 0);
	for (size_t i = 0; i < n && r->h > 0; i += 2) {
		int h = 0;
		for (size_t j = i; j < n && j < i + 2; j++) {
			char v[24];
			snprintf(v, sizeof(v), "%lld", (long long)c[j].n);
			int hj = cell(k, ui_col(*r, 2, (int)(j - i), gap), ui_str(k->ui, c[j].key),
				      v, c[j].colour, 2);
			h = hj > h ? hj : h;
		}
		advance(k, r, h);
	}
}

static void draw_report(struct kiosk *k, struct ui_rect r)
{
	struct report *rep = calloc(1, sizeof(*rep));
	if (!rep || day_report(k, rep)) {
		kiosk_ops_row(k, &r, "", ui_str(k->ui, "common.storage_error"), UI_C_BAD);
		free(rep);
		return;
	}
	int64_t unaccounted = 0;
	for (size_t i = 0; i < rep->n_products; i++)
		unaccounted += rep->products[i].unaccounted;
	char date[11];
	vbdate_format(rep->date, date);
	const struct count counts[] = {
	    {"day.registered", rep->registered, UI_C_TEXT},
	    {"day.vaccinated", rep->vaccinated, UI_C_TEXT},
	    {"day.deferred", rep->deferred, UI_C_TEXT},
	    {"day.not_completed", rep->not_completed, UI_C_TEXT},
	    {"day.aefi", rep->aefi_total, rep->aefi_total ? UI_C_WARN : UI_C_TEXT},
	    {"day.vials_opened", rep->vials_opened, UI_C_TEXT},
	    {"day.wasted", rep->wasted_total, UI_C_TEXT},
	    {"day.unaccounted", unaccounted, unaccounted ? UI_C_BAD : UI_C_OK},
	};
	kiosk_ops_row(k, &r, ui_str(k->ui, "day.date"), date, UI_C_TEXT);
	if (rep->zero_report) {
		kiosk_ops_row(k, &r, ui_str(k->ui, "day.doses"), ui_str(k->ui, "day.zero_report"),
			      UI_C_MUTED);
	} else {
		char text[TEXT_CAP] = "", n[24];
		for (size_t i = 0; i < rep->n_products; i++) {
			size_t len = strlen(text);
			snprintf(n, sizeof(n), "%d", rep->products[i].doses_total);
			const char *names[] = {"product", "n"},
				   *values[] = {product_name(k, rep->products[i].name), n};
			if (len && len + 1 < sizeof(text))
				text[len++] = '\n';
			kiosk_fill(text + len, sizeof(text) - len, ui_str(k->ui, "day.doses_of"),
				   names, values, 2);
		}
		kiosk_ops_row(k, &r, ui_str(k->ui, "day.doses"), text, UI_C_TEXT);
	}
	count_rows(k, &r, counts, sizeof(counts) / sizeof(counts[0]));
	free(rep);
	const char *fate = kiosk_ops_job_key(k, k->ops.job);
	if (fate)
		kiosk_ops_row(k, &r, ui_str(k->ui, "day.print_label"), ui_str(k->ui, fate),
			      strcmp(fate, "ops.printed") && strcmp(fate, "ops.printing")
				  ? UI_C_BAD
				  : UI_C_OK);
}

/* The report's text table as a print job of kind "report", then sent. */
static void print_report(struct kiosk *k)
{
	struct report *rep = calloc(1, sizeof(*rep));
	char path[300], err[300], *tmpl = NULL, *text = NULL;
	struct printer_page *page = NULL;
	const struct receipt_font font = {k->cfg.font, k->cfg.font_index};
	size_t need = 0;
	int64_t now = k->now();
	k->ops.job[0] = '\0';
	int rc = rep ? day_report(k, rep) : VB_ENOMEM;
	if (!rc)
		report_format_text(rep, NULL, 0, &need);
	if (!rc && !(text = malloc(need + 1)))
		rc = VB_ENOMEM;
	if (!rc)
		rc = report_format_text(rep, text, need + 1, &need);
	snprintf(path, sizeof(path), "%s/receipts/text.txt", VB_ASSETS_DIR);
	if (!rc)
		rc = receipt_load(path, &tmpl, err, sizeof(err));
	const struct receipt_var vars[] = {{"text", text}};
	if (!rc)
		rc = receipt_render(tmpl, vars, 1, &font, k->cfg.paper_dots, &page, NULL, err,
				    sizeof(err));
	if (!rc)
		rc = store_begin(k->st);
	if (!rc) {
		rc = printq_add_page(k->st, "report", NULL, page,
				     k->staff.id[0] ? k->staff.id : "staff", now, k->ops.job);
		rc = rc ? rc : store_commit(k->st);
		if (rc)
			store_rollback(k->st);
	}
	printer_page_free(page);
	free(tmpl);
	free(text);
	free(rep);
	if (rc) {
		fprintf(stderr, "vaxbus-kiosk: the day report cannot be printed (error %d)\n", rc);
		k->ops.job[0] = '\0';
		return;
	}
	kiosk_print_kick(k);
}

/* ---- sending ---- */

/* The engine's last error (curl's or the platform's words) as a key. */
static const char *sync_error_key(const char *e)
{
	if (strstr(e, "(curl "))
		return "day.sync_no_link";
	if (strncmp(e, "token:", 6) == 0 || strncmp(e, "HTTP 401", 8) == 0 ||
	    strncmp(e, "HTTP 403", 8) == 0)
		return "day.sync_refused_login";
	if (strncmp(e, "HTTP ", 5) == 0)
		return "day.sync_platform_trouble";
	return "day.sync_other_error";
}

static void draw_sync(struct kiosk *k, struct ui_rect r)
{
	struct sync_status s;
	struct sync_report rep;
	char text[TEXT_CAP], t[26];
	if (sync_status_read(k->st, &s) != VB_OK) {
		kiosk_ops_row(k, &r, "", ui_str(k->ui, "common.storage_error"), UI_C_BAD);
		return;
	}
	int64_t waiting = s.counts.pending + s.counts.in_flight;
	count_row(k, &r, "day.sync_waiting", waiting, UI_C_TEXT);
	count_row(k, &r, "day.sync_acked", s.counts.acked, UI_C_TEXT);
	if (s.counts.failed) {
		char n[24];
		snprintf(n, sizeof(n), "%lld", (long long)s.counts.failed);
		const char *names[] = {"n"}, *values[] = {n};
		fill(k, text, "day.sync_refused_n", names, values, 1);
		kiosk_ops_row(k, &r, ui_str(k->ui, "day.sync_refused"), text, UI_C_BAD);
	} else {
		count_row(k, &r, "day.sync_refused", 0, UI_C_TEXT);
	}
	if (s.last_success)
		when(k, s.last_success, t);
	kiosk_ops_row(k, &r, ui_str(k->ui, "day.sync_last"),
		      s.last_success ? t : ui_str(k->ui, "day.sync_never"), UI_C_TEXT);

	/* Now: off, sending (n of m), all sent, or no link (kept, sent later). */
	int have = kiosk_sync_report(k, &rep);
	const char *label = ui_str(k->ui, "day.sync_now");
	if (!k->cfg.sync.url[0] || !kiosk_sync_running(k)) {
		kiosk_ops_row(k, &r, label, ui_str(k->ui, "day.sync_off"), UI_C_MUTED);
	} else if (s.last_error[0]) { /* cleared by the next answered request */
		kiosk_ops_row(k, &r, label, ui_str(k->ui, sync_error_key(s.last_error)), UI_C_BAD);
	} else if (waiting == 0) {
		kiosk_ops_row(k, &r, label, ui_str(k->ui, "day.sync_all_sent"), UI_C_OK);
	} else if (have && rep.push.sent > 0 && rep.push.pending > 0) {
		int64_t done = rep.push.acked + rep.push.failed, total = done + rep.push.pending;
		char d[24], m[24];
		snprintf(d, sizeof(d), "%lld", (long long)done);
		snprintf(m, sizeof(m), "%lld", (long long)total);
		const char *names[] = {"done", "total"}, *values[] = {d, m};
		fill(k, text, "day.sync_progress", names, values, 2);
		int y0 = r.y;
		kiosk_ops_row(k, &r, label, text, UI_C_TEXT);
		struct ui_rect bar = {r.x + r.w / 3, r.y, r.w - r.w / 3, ui_mm(k->ui, 6, 1)};
		if (r.y - y0 > 0 && r.h >= bar.h)
			ui_progress(k->ui, bar, done, total, UI_C_PRIMARY);
	} else {
		kiosk_ops_row(k, &r, label, ui_str(k->ui, "day.sync_soon"), UI_C_MUTED);
	}
}

/* ---- the screen ---- */

static void day_enter(struct kiosk *k)
{
	k->ops.tab = KIOSK_DAY_STOCK;
	k->ops.job[0] = '\0';
}

static void day_tap(struct kiosk *k, const char *id)
{
	for (size_t i = 0; i < sizeof(tab_ids) / sizeof(tab_ids[0]); i++)
		if (strcmp(id, tab_ids[i]) == 0) {
			k->ops.tab = (enum kiosk_day_tab)i;
			return;
		}
	if (strcmp(id, "day.print") == 0)
		print_report(k);
	else if (strcmp(id, "day.back") == 0)
		kiosk_go(k, &kiosk_queue);
	else
		kiosk_common_tap(k, id);
}

static void day_draw(struct kiosk *k)
{
	struct ui_rect b = kiosk_body(k), row = kiosk_action_row(k);
	int gap = ui_mm(k->ui, 3, 1);
	struct ui_rect tabs = {b.x, b.y, b.w, ui_mm(k->ui, 14, 1)};
	for (size_t i = 0; i < sizeof(tab_ids) / sizeof(tab_ids[0]); i++)
		ui_button(k->ui, tab_ids[i], ui_col(tabs, 4, (int)i, gap),
			  ui_str(k->ui, tab_ids[i]),
			  (size_t)k->ops.tab == i ? UI_BTN_PRIMARY : UI_BTN_SECONDARY);
	struct ui_rect r = {b.x, tabs.y + tabs.h + gap, b.w, row.y - gap - (tabs.y + tabs.h + gap)};

	/* A cold-chain problem is never behind a tab. */
	struct store_excursion exc[1];
	if (k->ops.tab != KIOSK_DAY_FRIDGES && problems(k, exc, 1) > 0) {
		char label[TEXT_CAP], text[TEXT_CAP];
		excursion_text(k, &exc[0], text);
		fridge_label(k, exc[0].fridge, label);
		kiosk_ops_row(k, &r, label, text, UI_C_BAD);
	}
	switch (k->ops.tab) {
	case KIOSK_DAY_STOCK:
		draw_stock(k, r);
		break;
	case KIOSK_DAY_FRIDGES:
		draw_fridges(k, r);
		break;
	case KIOSK_DAY_REPORT:
		draw_report(k, r);
		break;
	case KIOSK_DAY_SYNC:
		draw_sync(k, r);
		break;
	}
	ui_button(k->ui, "day.print", ui_col(row, 2, 0, gap), ui_str(k->ui, "day.print"),
		  UI_BTN_PRIMARY);
	ui_button(k->ui, "day.back", ui_col(row, 2, 1, gap), ui_str(k->ui, "day.back"),
		  UI_BTN_SECONDARY);
	kiosk_footer(k, NULL);
}

const struct kiosk_screen kiosk_day = {"day", KIOSK_IDLE_STAFF_S, day_enter, day_tap, day_draw};
