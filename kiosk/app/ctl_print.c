/*
 * ctl_print: `print test`, `print text`, `print ticket` and `print queue`.
 *
 * Each page is laid out from its template (assets/receipts), stored as a
 * print job in the database, and only then sent; a job the printer cannot
 * take now (paper out, cover open, unplugged) stays queued and `print
 * queue` (or the kiosk) sends it later.
 */
#include "ctl.h"
#include "ctl_cmds.h"

#include "config.h"
#include "devices.h"
#include "fontfind.h"
#include "printq.h"
#include "receipt.h"
#include "store.h"
#include "store_meta.h"
#include "wallclock.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int ctl_print_run(struct ctl *c, json_t *o)
{
	struct printer_dev *p = NULL;
	struct printq_result res;
	int drv = devices_printer(c->dev, &p);
	int vb = printq_run(c->st, drv ? NULL : p, c->now, &res);
	if (p)
		p->ops->free(p);
	if (vb) {
		json_decref(o);
		return ctl_storage(c, vb);
	}
	json_object_set_new(o, "printed", json_integer((json_int_t)res.printed));
	json_object_set_new(o, "pending", json_integer(res.pending));
	if (res.pending) {
		struct vb_reason why = res.blocked;
		if (drv && drv != DRV_ENOTFOUND)
			vb_reason_set(&why, "printer_error", "the printer cannot be opened: %s",
				      drv_strerror(drv));
		size_t len = strlen(why.text);
		snprintf(why.text + len, sizeof(why.text) - len,
			 "; %lld job(s) kept, printed when the printer is ready",
			 (long long)res.pending);
		return ctl_refuse_with(c, "printer", &why, o);
	}
	return ctl_emit(c, o, NULL);
}

static int run_queue(struct ctl *c, const char *job)
{
	return ctl_print_run(c, json_pack("{s:s}", "job", job));
}

/* Lays the page out from template `name` and queues it. */
static int queue_page(struct ctl *c, const char *name, const struct receipt_var *vars,
		      size_t n_vars, char job[STORE_ID_LEN + 1])
{
	char path[300], err[300], *tmpl = NULL;
	struct printer_page *page = NULL;
	if (fontfind(c->cfg, err, sizeof(err)))
		return ctl_refusef(c, "display", "no_font", "%s", err);
	const struct receipt_font font = {c->cfg->font, c->cfg->font_index};
	snprintf(path, sizeof(path), "%s/receipts/%s.txt", VB_ASSETS_DIR, name);
	int vb = receipt_load(path, &tmpl, err, sizeof(err));
	if (!vb)
		vb = receipt_render(tmpl, vars, n_vars, &font, c->cfg->paper_dots, &page, NULL, err,
				    sizeof(err));
	free(tmpl);
	if (vb)
		return ctl_refusef(c, "template", "bad_template", "%s", err);
	vb = store_begin(c->st);
	if (!vb)
		vb = printq_add_page(c->st, name, NULL, page, "staff", c->now, job);
	if (!vb)
		vb = store_commit(c->st);
	printer_page_free(page);
	if (vb) {
		store_rollback(c->st);
		return ctl_storage(c, vb);
	}
	return CTL_OK;
}

/* The common start: options, database, configuration, devices. */
static int start(struct ctl *c, int argc, char **argv, struct ctl_opt *opts, const char *summary)
{
	int rc = ctl_parse(c, argc, argv, opts, summary);
	if (!rc)
		rc = ctl_store(c, 0);
	if (!rc)
		rc = ctl_devices(c);
	return rc;
}

int ctl_cmd_print_test(struct ctl *c, int argc, char **argv)
{
	struct ctl_opt opts[] = {{NULL, NULL, NULL, 0, NULL}};
	int rc = start(c, argc, argv, opts,
		       "Prints the test page: Chinese and Latin text, a ruler line and a QR\n"
		       "code, at the configured paper width.");
	if (rc)
		return rc;
	char when[26], width[8], job[STORE_ID_LEN + 1];
	wallclock_format(c->now, c->utc_offset_min, when);
	snprintf(width, sizeof(width), "%d", c->cfg->paper_dots);
	const struct receipt_var vars[] = {
	    {"printer", c->cfg->sim ? "simulated printer" : "USB receipt printer"},
	    {"time", when},
	    {"width", width}};
	if ((rc = queue_page(c, "test", vars, 3, job)))
		return rc;
	return run_queue(c, job);
}

int ctl_cmd_print_text(struct ctl *c, int argc, char **argv)
{
	struct ctl_opt opts[] = {
	    {"--text", "TEXT", "what to print (UTF-8; \\n starts a line)", 1, NULL},
	    {NULL, NULL, NULL, 0, NULL},
	};
	int rc = start(c, argc, argv, opts, "Prints a text, wrapped to the paper.");
	if (rc)
		return rc;
	char text[1000], job[STORE_ID_LEN + 1];
	const char *in = ctl_opt(opts, "--text");
	size_t o = 0;
	for (const char *p = in; *p && o + 1 < sizeof(text); p++) {
		if (p[0] == '\\' && p[1] == 'n') {
			text[o++] = '\n';
			p++;
		} else {
			text[o++] = *p;
		}
	}
	text[o] = '\0';
	if (strlen(in) >= sizeof(text) || !o)
		return ctl_refusef(c, "--text", "bad_text", "1 to %zu bytes of text",
				   sizeof(text) - 1);
	const struct receipt_var vars[] = {{"text", text}};
	if ((rc = queue_page(c, "text", vars, 1, job)))
		return rc;
	return run_queue(c, job);
}

int ctl_cmd_print_ticket(struct ctl *c, int argc, char **argv)
{
	struct ctl_opt opts[] = {
	    {"--ticket", "A001", "the queue number (default A001)", 0, NULL},
	    {"--dose-zh", "TEXT", "the dose line in Chinese (optional)", 0, NULL},
	    {"--dose-en", "TEXT", "the dose line in English (optional)", 0, NULL},
	    {NULL, NULL, NULL, 0, NULL},
	};
	int rc = start(c, argc, argv, opts,
		       "Prints a queue ticket as the kiosk does: the number large, in\n"
		       "Chinese and English, with the site and time.");
	if (rc)
		return rc;
	const char *ticket = ctl_opt(opts, "--ticket") ? ctl_opt(opts, "--ticket") : "A001";
	if (strlen(ticket) < 1 || strlen(ticket) > 8)
		return ctl_refusef(c, "--ticket", "bad_ticket", "1 to 8 characters");
	char when[26], site[64] = "", job[STORE_ID_LEN + 1];
	wallclock_format(c->now, c->utc_offset_min, when);
	when[16] = '\0'; /* YYYY-MM-DDTHH:MM */
	when[10] = ' ';
	store_meta_get(c->st, "site_id", site, sizeof(site));
	const struct receipt_var vars[] = {
	    {"ticket", ticket},
	    {"site", site},
	    {"time", when},
	    {"dose_zh", ctl_opt(opts, "--dose-zh") ? ctl_opt(opts, "--dose-zh") : ""},
	    {"dose_en", ctl_opt(opts, "--dose-en") ? ctl_opt(opts, "--dose-en") : ""}};
	if ((rc = queue_page(c, "ticket", vars, 5, job)))
		return rc;
	return run_queue(c, job);
}

int ctl_cmd_print_queue(struct ctl *c, int argc, char **argv)
{
	struct ctl_opt opts[] = {{NULL, NULL, NULL, 0, NULL}};
	int rc = start(c, argc, argv, opts,
		       "Sends the print jobs still waiting (after paper ran out, the cover\n"
		       "was open or the printer was unplugged), oldest first.");
	return rc ? rc : run_queue(c, "");
}
