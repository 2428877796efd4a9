/*
 * printer_qr: QR codes drawn into a printer_page as dots, from libqrencode
 * symbols — the portable path that works on every raster-capable printer
 * (escpos_qr() is the printer's own QR, which not all printers have).
 *
 * Each module is module_dots x module_dots dots; the symbol is surrounded
 * by the 4-module white quiet zone the QR standard asks for, drawn as
 * white (it clears whatever was under it).
 */
#ifndef PRINTER_QR_H
#define PRINTER_QR_H

#include <stddef.h>
#include <stdint.h>

#include <qrencode.h>

#include "printer_page.h"

#define PRINTER_QR_QUIET 4 /* modules of quiet zone on each side */

/* Where printer_qr_add put a symbol. */
struct printer_qr_info {
	int version; /* 1..40 */
	int modules; /* modules per side, without the quiet zone */
	int side;    /* dots per side, with the quiet zone */
	int x, y;    /* top-left dot of the quiet zone on the page */
};

/*
 * Encodes len bytes of data (borrowed) as the smallest QR symbol at the
 * given error correction level. Data without NUL bytes is split into
 * numeric / alphanumeric / byte segments (an `HC1:` base45 string or a
 * `shc:/` digit string stays small); data with NULs is all byte mode.
 * Returns DRV_OK with *out (free with QRcode_free), DRV_EINVAL for empty
 * data, a bad level or data too long for any version, or DRV_ENOMEM.
 */
int printer_qr_encode(const uint8_t *data, size_t len, QRecLevel level, QRcode **out);

/* Dots per side of qr drawn at module_dots, quiet zone included. */
int printer_qr_side(const QRcode *qr, int module_dots);

/*
 * Draws qr (borrowed) with the top-left dot of its quiet zone at (x, y).
 * The whole symbol must fit the page's width (x >= 0, x + side <= width);
 * the height grows as needed. Returns DRV_OK, DRV_EINVAL (does not fit,
 * module_dots < 1, y < 0 or past the page's maximum) or DRV_ENOMEM.
 */
int printer_qr_draw(struct printer_page *p, const QRcode *qr, int x, int y, int module_dots);

/*
 * Encodes text (NUL-terminated) with printer_qr_encode and appends the
 * symbol below the page's current bottom, centred. Fills *info (may be
 * NULL) on success. Returns DRV_OK, DRV_EINVAL (empty or too long text, a
 * symbol wider than the page, bad module_dots or level) or DRV_ENOMEM.
 */
int printer_qr_add(struct printer_page *p, const char *text, QRecLevel level, int module_dots,
		   struct printer_qr_info *info);

#endif
