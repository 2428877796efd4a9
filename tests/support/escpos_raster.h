/*
 * escpos_raster: test helpers that turn captured ESC/POS bytes back into
 * what the printer would print and read it back — for the printer driver's
 * tests and the certificate tests (is the printed QR code the payload?).
 *
 * Decoding is escpos_decode() in strict mode: every byte must belong to a
 * command the driver knows, every image must fit the paper. Reading QR
 * codes runs `zbarimg --raw -q` (Debian zbar-tools, 0.23) on a PBM file; a test
 * that needs it fails when it is missing (CI installs it).
 */
#ifndef ESCPOS_RASTER_H
#define ESCPOS_RASTER_H

#include <stddef.h>
#include <stdint.h>

#include "escpos_decode.h"
#include "printer_page.h"

/* Decodes buf[0..len) strictly for paper paper_dots wide. Returns DRV_OK
 * with *out (free with printer_page_free) and *info (may be NULL), or
 * escpos_decode's error. */
int escpos_raster_decode(const uint8_t *buf, size_t len, int paper_dots, struct printer_page **out,
			 struct escpos_decode_info *info);

/* Decodes strictly (as above) and writes the result to path as a PBM.
 * DRV_OK, the decoder's error, or DRV_EIO. */
int escpos_raster_to_pbm(const uint8_t *buf, size_t len, int paper_dots, const char *path,
			 struct escpos_decode_info *info);

/* 1 if both pages have the same width, height and dots, else 0. */
int escpos_raster_same(const struct printer_page *a, const struct printer_page *b);

/*
 * Runs `zbarimg --raw -q --nodbus pbm_path` and stores what it printed (without the
 * final newline) NUL-terminated in out (cap bytes; longer output fails).
 * Returns the number of symbols found (lines printed, >= 1) with *len set,
 * or -1 when zbarimg is missing, fails, finds nothing or overflows out.
 */
int escpos_raster_zbar(const char *pbm_path, char *out, size_t cap, size_t *len);

/* Creates a fresh private directory under $TMPDIR (or /tmp) named after
 * tag; its path goes to buf (cap bytes). 0 or -1. */
int escpos_raster_tmpdir(const char *tag, char *buf, size_t cap);

/* Removes a directory made by escpos_raster_tmpdir and the files in it
 * (not subdirectories). 0 or -1. */
int escpos_raster_rmdir(const char *path);

#endif
