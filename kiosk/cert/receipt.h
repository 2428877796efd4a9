/*
 * receipt: lays a receipt out on a 1-bit printer page from a template.
 *
 * Templates are data (files in assets/receipts/): one command per line, and
 * {name} placeholders filled from the caller's variables. Text is
 * rendered with the kiosk's font (SDL2_ttf, no video needed), so Chinese
 * prints on any ESC/POS printer as raster. Commands:
 *
 *   # a comment            (and blank lines)
 *   size PX                text height in dots (8..200)
 *   align left|center
 *   text TEXT              wrapped to the paper width (CJK may break
 *                          anywhere, Latin words at spaces)
 *   space DOTS             blank paper (1..400)
 *   rule                   a thin line across the page
 *   qr L|M|Q|H DOTS TEXT   a QR code of TEXT, DOTS per module, centred
 *
 * An unknown command or placeholder is an error naming the template line:
 * nothing half-filled ever prints.
 */
#ifndef RECEIPT_H
#define RECEIPT_H

#include <stddef.h>

#include "printer_page.h"
#include "printer_qr.h"

struct receipt_var {
	const char *name;  /* without braces */
	const char *value; /* UTF-8 */
};

struct receipt_font {
	const char *path; /* a .ttf/.otf/.ttc file */
	int index;	  /* face in a collection */
};

/*
 * Renders template text (NUL-terminated) with vars onto a new page of
 * width dots (owned by the caller: printer_page_free). On success returns
 * VB_OK with *out and, if qr is not NULL, the last QR code's placement in
 * *qr. Otherwise returns VB_EINVAL (template or variables wrong), VB_EIO
 * (the font cannot be opened) or VB_ENOMEM, with one line in err.
 */
int receipt_render(const char *tmpl, const struct receipt_var *vars, size_t n_vars,
		   const struct receipt_font *font, int width, struct printer_page **out,
		   struct printer_qr_info *qr, char *err, size_t errcap);

/* Reads a template file (at most 64 KiB) into a malloc'd string. Returns
 * VB_OK with *out, VB_EIO or VB_ERANGE with a message in err. */
int receipt_load(const char *path, char **out, char *err, size_t errcap);

#endif
