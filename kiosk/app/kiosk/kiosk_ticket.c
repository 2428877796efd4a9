/*
 * kiosk_ticket: the queue ticket, on the screen and on paper.
 *
 *   ticket (the number huge, "please take a seat until your number is
 *   called", whether the paper ticket came out) --done--> welcome
 *
 * The paper ticket is laid out from assets/receipts/ticket.txt (Chinese
 * and English, as `vaxbusctl print ticket` does) and stored as a print job
 * in the transaction that queues the visit; once committed, the print
 * queue is run on the configured printer ([devices] mode = sim writes
 * receipts into the [sim] printer folder) by the print worker
 * (kiosk_print.h), while the screen shows "printing". A printer that cannot print
 * (no paper, cover open, unplugged, none) never stops the resident: the
 * number stays on the screen with a message to ask the staff for it, and
 * the job stays queued for the next run of the queue (the next ticket, or
 * `vaxbusctl print queue`).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kiosk.h"
#include "kiosk_print.h"
#include "printq.h"
#include "receipt.h"
#include "store_meta.h"
#include "store_print.h"
#include "wallclock.h"

int kiosk_ticket_queue(struct kiosk *k, int64_t now)
{
	char path[300], err[300], when[26], site[64] = "", dose_zh[160], dose_en[160];
	char *tmpl = NULL;
	struct printer_page *page = NULL;
	const struct receipt_font font = {k->cfg.font, k->cfg.font_index};
	k->res.job[0] = '\0';
	wallclock_format(now, k->utc_offset_min, when);
	when[16] = '\0'; /* YYYY-MM-DD HH:MM */
	when[10] = ' ';
	store_meta_get(k->st, "site_id", site, sizeof(site));
	kiosk_dose_line(k, UI_ZH, dose_zh, sizeof(dose_zh));
	kiosk_dose_line(k, UI_EN, dose_en, sizeof(dose_en));
	const struct receipt_var vars[] = {{"ticket", k->res.visit.ticket},
					   {"site", site},
					   {"time", when},
					   {"dose_zh", dose_zh},
					   {"dose_en", dose_en}};
	snprintf(path, sizeof(path), "%s/receipts/ticket.txt", VB_ASSETS_DIR);
	int rc = receipt_load(path, &tmpl, err, sizeof(err));
	if (!rc)
		rc = receipt_render(tmpl, vars, sizeof(vars) / sizeof(vars[0]), &font,
				    k->cfg.paper_dots, &page, NULL, err, sizeof(err));
	free(tmpl);
	if (rc) {
		/* The number is still shown: the resident is not held up. */
		fprintf(stderr, "vaxbus-kiosk: the ticket cannot be laid out: %s\n", err);
		return VB_OK;
	}
	rc = printq_add_page(k->st, "ticket", k->res.visit.id, page, "kiosk", now, k->res.job);
	printer_page_free(page);
	return rc;
}

static void ticket_tap(struct kiosk *k, const char *id)
{
	kiosk_common_tap(k, strcmp(id, "ticket.done") == 0 ? "exit" : id);
}

/* Text in r from its top, then a gap: r moves down past both. */
static void line(struct kiosk *k, struct ui_rect *r, const char *text, enum ui_size size,
		 enum ui_colour colour, int gap)
{
	int h = ui_text(k->ui, *r, text, size, UI_CENTRE, colour);
	r->y += h + gap;
	r->h -= h + gap;
}

static void ticket_draw(struct kiosk *k)
{
	struct ui_rect b = kiosk_body(k);
	struct ui_rect row = kiosk_action_row(k);
	struct ui_rect r = {b.x, b.y, b.w, row.y - b.y};
	int gap = ui_mm(k->ui, 6, 1);
	line(k, &r, ui_str(k->ui, "ticket.title"), UI_SIZE_TITLE, UI_C_TEXT, gap);
	line(k, &r, k->res.visit.ticket, UI_SIZE_HUGE, UI_C_TEXT, 2 * gap);
	line(k, &r, ui_str(k->ui, "ticket.wait"), UI_SIZE_TITLE, UI_C_TEXT, gap);
	if (k->res.ask_staff)
		line(k, &r, ui_str(k->ui, "ticket.doctor_first"), UI_SIZE_TITLE, UI_C_TEXT, gap);
	/* No job (the layout failed): the number on the screen is the ticket. */
	struct store_print_job job;
	int paper = k->res.job[0] && store_print_get(k->st, k->res.job, &job) == VB_OK;
	if (paper && job.state == STORE_PRINT_DONE)
		line(k, &r, ui_str(k->ui, "ticket.printed"), UI_SIZE_BODY, UI_C_MUTED, 0);
	else if (paper && job.state == STORE_PRINT_PENDING && kiosk_print_busy(k))
		line(k, &r, ui_str(k->ui, "ticket.printing"), UI_SIZE_BODY, UI_C_MUTED, 0);
	else if (paper)
		line(k, &r, ui_str(k->ui, "ticket.printer_error"), UI_SIZE_TITLE, UI_C_BAD, 0);
	ui_button(k->ui, "ticket.done", ui_col(row, 2, 1, ui_mm(k->ui, 5, 1)),
		  ui_str(k->ui, "ticket.done"), UI_BTN_PRIMARY);
	kiosk_footer(k, NULL);
}

const struct kiosk_screen kiosk_ticket = {"ticket", KIOSK_IDLE_RESIDENT_S, NULL, ticket_tap,
					  ticket_draw};
