/*
 * escpos_decode: what an ESC/POS byte stream would print, as a 1-bit page
 * — for the simulated printer's output files and for tests that check
 * what the encoder produced (tests/support/escpos_raster.h).
 *
 * Rendered: raster bands (GS v 0, all four density modes), native QR codes
 * (GS ( k, drawn with libqrencode at the stored module size and error
 * correction, quiet zone included), alignment (ESC a) of images narrower
 * than the paper, and vertical movement (LF and ESC d at the default line
 * spacing of 1/6 inch = ESCPOS_DECODE_LINE_DOTS, ESC J in dots). Text is
 * counted, not drawn (no printer font here): its lines stay white. Other
 * commands escpos_command_len() knows are skipped.
 */
#ifndef ESCPOS_DECODE_H
#define ESCPOS_DECODE_H

#include <stddef.h>
#include <stdint.h>

#include "printer_page.h"

#define ESCPOS_DECODE_LINE_DOTS 34 /* 1/6 inch at 203 dpi */

/* Strict: a command the walker does not know, a truncated command, or an
 * image or QR code that does not fit the paper fails the decode with
 * DRV_EPROTO. Without it they are skipped and counted in `unknown`. */
#define ESCPOS_DECODE_STRICT 1u

struct escpos_decode_info {
	size_t bands;	   /* GS v 0 commands drawn */
	size_t qr_codes;   /* native QR symbols drawn */
	size_t text_bytes; /* printable bytes (not drawn) */
	size_t inits;	   /* ESC @ */
	size_t cuts;	   /* GS V */
	size_t unknown;	   /* bytes skipped as unknown, truncated or not fitting */
};

/*
 * Decodes buf[0..len) (borrowed) for paper paper_dots wide (1..
 * PRINTER_PAGE_MAX_DOTS). Returns DRV_OK with *out (a page whose height is
 * where the paper stopped; free with printer_page_free) and *info (may be
 * NULL); DRV_EPROTO (strict, see above), DRV_EINVAL (bad arguments, or the
 * stream is taller than PRINTER_PAGE_MAX_ROWS) or DRV_ENOMEM.
 */
int escpos_decode(const uint8_t *buf, size_t len, int paper_dots, unsigned flags,
		  struct printer_page **out, struct escpos_decode_info *info);

#endif
