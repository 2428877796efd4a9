/*
 * printer_page: a 1-bit page as the printer's head sees it — a fixed width
 * in dots (8 dots/mm: PRINTER_DOTS_58MM, PRINTER_DOTS_80MM) and a height
 * that grows as the app draws further down, up to PRINTER_PAGE_MAX_ROWS.
 * The app renders text (with the UI's font) and QR codes (printer_qr.h)
 * into it; escpos_page() encodes it as raster bands. No scaling anywhere:
 * one bit is one dot.
 *
 * Rows are stored top to bottom, each `stride` bytes, MSB = leftmost dot,
 * 1 = black, dots past the width always 0.
 */
#ifndef PRINTER_PAGE_H
#define PRINTER_PAGE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define PRINTER_DOTS_58MM     384
#define PRINTER_DOTS_80MM     576
#define PRINTER_PAGE_MAX_DOTS 1024  /* the widest raster ESC/POS takes */
#define PRINTER_PAGE_MAX_ROWS 16384 /* 2 m of paper at 8 dots/mm */

struct printer_page;

/* A new white page of width dots (1..PRINTER_PAGE_MAX_DOTS) and height 0.
 * Returns DRV_OK with *out (free with printer_page_free), DRV_EINVAL or
 * DRV_ENOMEM. */
int printer_page_new(int width, struct printer_page **out);

/* Frees the page. Accepts NULL. */
void printer_page_free(struct printer_page *p);

/* The width in dots, the height in rows so far, and the bytes per row. */
int printer_page_width(const struct printer_page *p);
int printer_page_height(const struct printer_page *p);
size_t printer_page_stride(const struct printer_page *p);
/* The rows, height * stride bytes (borrowed; valid until the page grows or
 * is freed; NULL while the height is 0). */
const uint8_t *printer_page_bits(const struct printer_page *p);

/* Grows the page to at least `height` rows (new rows white). Returns
 * DRV_OK, DRV_EINVAL beyond PRINTER_PAGE_MAX_ROWS, or DRV_ENOMEM. */
int printer_page_extend(struct printer_page *p, int height);

/* Adds `rows` white rows at the bottom. Same returns as extend. */
int printer_page_feed(struct printer_page *p, int rows);

/* Sets dot (x, y) black (black != 0) or white, growing the height to y + 1.
 * Returns DRV_OK, or DRV_EINVAL when x is outside the width or y is
 * negative or past the maximum, or DRV_ENOMEM. */
int printer_page_set(struct printer_page *p, int x, int y, int black);

/* 1 if dot (x, y) is black, 0 if white or outside the page. */
int printer_page_get(const struct printer_page *p, int x, int y);

/* Paints the rectangle black (black != 0) or white. The part left or right
 * of the page is clipped; the height grows to y + h. Returns DRV_OK,
 * DRV_EINVAL (negative size or y, past the maximum) or DRV_ENOMEM. */
int printer_page_fill(struct printer_page *p, int x, int y, int w, int h, int black);

/* ORs a 1-bit bitmap (w x h dots, rows `stride` bytes apart, MSB left,
 * borrowed) onto the page with its top-left dot at (x, y): black dots of
 * the bitmap become black, others leave the page as it is. Columns left
 * or right of the page are clipped; the height grows to y + h. Returns as
 * printer_page_fill. */
int printer_page_blit(struct printer_page *p, int x, int y, const uint8_t *bits, int w, int h,
		      size_t stride);

/* Writes the page as a binary PBM (P4; 1 = black, as PBM wants). Returns
 * DRV_OK or DRV_EIO. */
int printer_page_write_pbm(const struct printer_page *p, FILE *f);

/* Writes the page to path as a PBM (created or truncated). DRV_OK,
 * DRV_EIO. A page of height 0 is written as 1 white row (PBM needs one). */
int printer_page_save_pbm(const struct printer_page *p, const char *path);

#endif
