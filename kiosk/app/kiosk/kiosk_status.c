/*
 * kiosk_status: the staff's device status screen.
 *
 *   queue --devices--> devices --reprint / check again--> devices
 *                              --back--> queue
 *
 * One line per device — ID card reader, barcode scanner, receipt printer,
 * thermometers — present or not, and the link to the platform, each
 * problem in words a person can act on ("the printer is out of paper").
 * Presence is probed when the screen opens and on "check again" without
 * taking a device from the threads that use it: simulated devices are
 * opened and let go, USB devices are only listed. The printer's paper
 * state is what the print worker's last run found (kiosk_print_last);
 * "check again" also runs the print queue, so jobs kept while the paper
 * was out print once it is back. The jobs waiting are counted with the
 * reason the first one waits; "reprint" sends the last printout again
 * (a copy of its job: ticket, certificate or report).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devices.h"
#include "kiosk_day.h"
#include "kiosk_print.h"
#include "printer_job.h"
#include "store_print.h"
#include "sync.h"
#include "wallclock.h"

#define THERMO_PROBE_MAX 8

/* A reason code of the print queue as a string key, NULL for none. */
static const char *code_key(const char *code)
{
	static const char *const map[][2] = {
	    {"printer_paper_out", "ops.paper_out"},	  {"printer_cover_open", "ops.cover_open"},
	    {"printer_offline", "ops.printer_offline"},	  {"printer_error", "ops.printer_error"},
	    {"printer_unplugged", "ops.printer_missing"}, {"no_printer", "ops.printer_missing"},
	};
	for (size_t i = 0; code && code[0] && i < sizeof(map) / sizeof(map[0]); i++)
		if (strcmp(code, map[i][0]) == 0)
			return map[i][1];
	return code && code[0] ? "ops.printer_error" : NULL;
}

/* The reason a job keeps (printq stores the driver's sentence) as a key. */
static const char *reason_key(const char *last_error)
{
	for (int r = PRINTER_PENDING_COVER_OPEN; r <= PRINTER_PENDING_OFFLINE; r++)
		if (strcmp(last_error, printer_pending_text((enum printer_pending)r)) == 0)
			return code_key(printer_pending_code((enum printer_pending)r));
	if (strstr(last_error, "unplugged"))
		return "ops.printer_missing";
	if (strcmp(last_error, "printing") == 0)
		return NULL; /* a run that never finished (printq marks each try first) */
	return last_error[0] ? "ops.printer_error" : NULL;
}

/* Why the queue waits, as the last run of the worker found it. */
static const char *last_run_key(struct kiosk *k)
{
	struct printq_result res;
	return kiosk_print_last(k, &res) == 1 ? code_key(res.blocked.code) : NULL;
}

const char *kiosk_ops_job_key(struct kiosk *k, const char *id)
{
	struct store_print_job job;
	if (!id[0] || store_print_get(k->st, id, &job) != VB_OK)
		return NULL;
	if (job.state == STORE_PRINT_DONE)
		return "ops.printed";
	if (job.state == STORE_PRINT_FAILED)
		return "ops.print_failed";
	if (kiosk_print_busy(k))
		return "ops.printing";
	const char *key = last_run_key(k);
	if (!key)
		key = reason_key(job.last_error);
	return key ? key : "ops.print_waiting";
}

/* ---- probing ---- */

/* Simulated devices: opened and let go (files and folders, nothing held). */
static void probe_sim(struct kiosk *k, struct devices *d)
{
	struct idcard_reader *r = NULL;
	struct scanner_dev *s = NULL;
	struct printer_dev *p = NULL;
	struct thermo_dev *t[THERMO_PROBE_MAX];
	size_t n = 0;
	int have[KIOSK_DEV_COUNT] = {
	    devices_idcard(d, &r) == DRV_OK, devices_scanner(d, &s) == DRV_OK,
	    devices_printer(d, &p) == DRV_OK,
	    devices_thermos(d, NULL, NULL, t, THERMO_PROBE_MAX, &n) == DRV_OK && n > 0};
	if (r)
		r->ops->free(r);
	if (s)
		s->ops->free(s);
	printer_dev_free(p);
	for (size_t i = 0; i < n; i++)
		thermo_dev_free(t[i]);
	k->ops.thermos = n;
	for (int i = 0; i < KIOSK_DEV_COUNT; i++)
		k->ops.dev[i] = have[i] ? "devices.found" : "devices.missing";
}

/* USB devices: listed by role, never opened (their threads hold them). */
static void probe_usb(struct kiosk *k, struct devices *d)
{
	static const char *const roles[KIOSK_DEV_COUNT] = {"idcard", "scanner", "printer",
							   "thermo"};
	struct usb_device_info info[32];
	size_t n = 0;
	if (!d->usb || usb_ctx_list(d->usb, info, 32, &n) != DRV_OK) {
		for (int i = 0; i < KIOSK_DEV_COUNT; i++)
			k->ops.dev[i] = "devices.usb_error";
		return;
	}
	k->ops.thermos = 0;
	for (int i = 0; i < KIOSK_DEV_COUNT; i++) {
		size_t found = 0;
		for (size_t j = 0; j < n; j++)
			found += strcmp(info[j].role, roles[i]) == 0;
		if (i == KIOSK_DEV_THERMO)
			k->ops.thermos = found;
		k->ops.dev[i] = found ? "devices.found" : "devices.missing";
	}
}

static void probe(struct kiosk *k)
{
	struct devices d = {0};
	int drv = devices_init(&d, &k->cfg);
	if (drv) {
		for (int i = 0; i < KIOSK_DEV_COUNT; i++)
			k->ops.dev[i] = "devices.usb_error";
	} else if (k->cfg.sim) {
		probe_sim(k, &d);
	} else {
		probe_usb(k, &d);
	}
	devices_cleanup(&d);
}

/* ---- the screen ---- */

static void devices_enter(struct kiosk *k)
{
	k->ops.job[0] = '\0';
	probe(k);
}

/* Sends the last printout again: a job still waiting is only tried again. */
static void reprint(struct kiosk *k)
{
	struct store_print_job last;
	if (store_print_latest(k->st, &last) != VB_OK)
		return;
	if (last.state == STORE_PRINT_PENDING) {
		snprintf(k->ops.job, sizeof(k->ops.job), "%s", last.id);
	} else {
		int rc = store_begin(k->st);
		if (!rc)
			rc =
			    store_print_copy(k->st, last.id, k->staff.id[0] ? k->staff.id : "staff",
					     k->now(), k->ops.job);
		rc = rc ? rc : store_commit(k->st);
		if (rc) {
			store_rollback(k->st);
			k->ops.job[0] = '\0';
			return;
		}
	}
	kiosk_print_kick(k);
}

static void devices_tap(struct kiosk *k, const char *id)
{
	if (strcmp(id, "devices.reprint") == 0) {
		reprint(k);
	} else if (strcmp(id, "devices.refresh") == 0) {
		probe(k);
		kiosk_print_kick(k);
	} else if (strcmp(id, "devices.back") == 0) {
		kiosk_go(k, &kiosk_queue);
	} else {
		kiosk_common_tap(k, id);
	}
}

/* The printer's line: missing, or the last run's problem, or ready. */
static const char *printer_key(struct kiosk *k)
{
	if (strcmp(k->ops.dev[KIOSK_DEV_PRINTER], "devices.found") != 0)
		return k->ops.dev[KIOSK_DEV_PRINTER];
	const char *key = last_run_key(k);
	return key ? key : "devices.found";
}

/* The link to the platform in words. */
static const char *link_key(struct kiosk *k)
{
	struct sync_status s;
	if (!k->cfg.sync.url[0])
		return "devices.sync_off";
	if (sync_status_read(k->st, &s) != VB_OK)
		return "common.storage_error";
	return s.last_error[0]	? "devices.no_link"
	       : s.last_success ? "devices.link_ok"
				: "devices.link_unknown";
}

/* The kind of a print job in words. */
static const char *kind_key(const char *kind)
{
	if (strcmp(kind, "ticket") == 0)
		return "ops.kind.ticket";
	if (strcmp(kind, "certificate") == 0)
		return "ops.kind.certificate";
	if (strcmp(kind, "report") == 0)
		return "ops.kind.report";
	return "ops.kind.other";
}

/* "3 waiting; the first: queue ticket (out of paper)", or none. */
static void waiting_line(struct kiosk *k, char *out, size_t cap, int *bad)
{
	int64_t pending = 0, done, failed;
	struct store_print_job first;
	uint8_t *bytes = NULL;
	*bad = 0;
	if (store_print_counts(k->st, &pending, &done, &failed) != VB_OK) {
		snprintf(out, cap, "%s", ui_str(k->ui, "common.storage_error"));
		*bad = 1;
		return;
	}
	if (!pending || store_print_next(k->st, &first, &bytes) != VB_OK) {
		snprintf(out, cap, "%s", ui_str(k->ui, "devices.none_waiting"));
		return;
	}
	free(bytes);
	char n[24];
	snprintf(n, sizeof(n), "%lld", (long long)pending);
	const char *why = kiosk_ops_job_key(k, first.id);
	const char *names[] = {"n", "kind", "why"},
		   *values[] = {n, ui_str(k->ui, kind_key(first.kind)), ui_str(k->ui, why)};
	kiosk_fill(out, cap, ui_str(k->ui, "devices.waiting"), names, values, 3);
	*bad = 1;
}

/* The last printout and its fate. */
static void last_line(struct kiosk *k, char *out, size_t cap, int *bad)
{
	struct store_print_job last;
	*bad = 0;
	if (store_print_latest(k->st, &last) != VB_OK) {
		snprintf(out, cap, "%s", ui_str(k->ui, "devices.no_printout"));
		return;
	}
	char when[26];
	wallclock_format(last.created_at, k->utc_offset_min, when);
	when[16] = '\0';
	const char *fate = kiosk_ops_job_key(k, last.id);
	if (!fate)
		fate = "common.storage_error";
	*bad = strcmp(fate, "ops.printed") != 0 && strcmp(fate, "ops.printing") != 0;
	const char *names[] = {"kind", "time", "fate"},
		   *values[] = {ui_str(k->ui, kind_key(last.kind)), when + 11, ui_str(k->ui, fate)};
	kiosk_fill(out, cap, ui_str(k->ui, "devices.last"), names, values, 3);
}

static void devices_draw(struct kiosk *k)
{
	struct ui_rect b = kiosk_body(k), row = kiosk_action_row(k);
	int gap = ui_mm(k->ui, 3, 1);
	int y =
	    ui_text(k->ui, b, ui_str(k->ui, "devices.title"), UI_SIZE_TITLE, UI_LEFT, UI_C_TEXT);
	struct ui_rect r = {b.x, b.y + y + gap, b.w, row.y - gap - (b.y + y + gap)};
	static const char *const labels[KIOSK_DEV_COUNT] = {"devices.idcard", "devices.scanner",
							    "devices.printer", "devices.thermo"};
	static const char *const missing[KIOSK_DEV_COUNT] = {
	    "devices.idcard_missing", "devices.scanner_missing", "devices.printer_missing",
	    "devices.thermo_missing"};
	char text[256];
	for (int i = 0; i < KIOSK_DEV_COUNT; i++) {
		const char *key = i == KIOSK_DEV_PRINTER ? printer_key(k) : k->ops.dev[i];
		if (strcmp(key, "devices.missing") == 0 || strcmp(key, "ops.printer_missing") == 0)
			key = missing[i];
		int ok = strcmp(key, "devices.found") == 0;
		if (ok && i == KIOSK_DEV_THERMO) {
			char n[24];
			snprintf(n, sizeof(n), "%zu", k->ops.thermos);
			const char *names[] = {"n"}, *values[] = {n};
			kiosk_fill(text, sizeof(text), ui_str(k->ui, "devices.thermo_found"), names,
				   values, 1);
		} else {
			snprintf(text, sizeof(text), "%s", ui_str(k->ui, key));
		}
		kiosk_ops_row(k, &r, ui_str(k->ui, labels[i]), text, ok ? UI_C_OK : UI_C_BAD);
	}
	const char *link = link_key(k);
	kiosk_ops_row(k, &r, ui_str(k->ui, "devices.link"), ui_str(k->ui, link),
		      strcmp(link, "devices.link_ok") == 0 ? UI_C_OK
		      : strcmp(link, "devices.no_link") == 0 ||
			      strcmp(link, "common.storage_error") == 0
			  ? UI_C_BAD
			  : UI_C_MUTED);
	int bad;
	waiting_line(k, text, sizeof(text), &bad);
	kiosk_ops_row(k, &r, ui_str(k->ui, "devices.queue"), text, bad ? UI_C_BAD : UI_C_TEXT);
	last_line(k, text, sizeof(text), &bad);
	kiosk_ops_row(k, &r, ui_str(k->ui, "devices.last_label"), text, bad ? UI_C_BAD : UI_C_TEXT);

	struct store_print_job last;
	if (store_print_latest(k->st, &last) == VB_OK)
		ui_button(k->ui, "devices.reprint", ui_col(row, 3, 0, gap),
			  ui_str(k->ui, "devices.reprint"), UI_BTN_PRIMARY);
	else
		ui_button_off(k->ui, "devices.reprint", ui_col(row, 3, 0, gap),
			      ui_str(k->ui, "devices.reprint"));
	ui_button(k->ui, "devices.refresh", ui_col(row, 3, 1, gap),
		  ui_str(k->ui, "devices.refresh"), UI_BTN_SECONDARY);
	ui_button(k->ui, "devices.back", ui_col(row, 3, 2, gap), ui_str(k->ui, "devices.back"),
		  UI_BTN_SECONDARY);
	kiosk_footer(k, NULL);
}

const struct kiosk_screen kiosk_devices = {"devices", KIOSK_IDLE_STAFF_S, devices_enter,
					   devices_tap, devices_draw};
