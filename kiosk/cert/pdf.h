/*
 * pdf: a one-page A4 PDF holding a 1-bit printer page, for printing a
 * certificate on a laser printer through CUPS.
 *
 * The subset of PDF 1.4 written (ISO 32000-1 names the same objects):
 * a header with a binary comment; objects 1 Catalog, 2 Pages (one kid),
 * 3 Page (MediaBox 595.276 x 841.890 pt, A4; Resources with one image
 * XObject), 4 the image — /Subtype /Image, /ImageMask true,
 * /BitsPerComponent 1, /Decode [1 0] (a 1 bit paints, as a black dot of
 * the page), /Interpolate false, rows of ceil(width / 8) bytes,
 * /Filter /FlateDecode (a zlib stream, compress2) — 5 the content stream
 * "q a 0 0 d e f cm /Im1 Do Q" placing the image scaled uniformly to fit
 * inside PDF_MARGIN_MM margins, centred horizontally, at the top, and
 * 6 an Info dictionary (/Producer); then a classic cross-reference table
 * (one subsection, 20-byte entries) and the trailer. No fonts, no
 * compression of the other objects, no incremental updates.
 */
#ifndef PDF_H
#define PDF_H

#include <stddef.h>
#include <stdint.h>

#include "printer_page.h"
#include "vb_error.h"

#define PDF_A4_WIDTH_PT	 595.276
#define PDF_A4_HEIGHT_PT 841.890
#define PDF_MARGIN_MM	 15.0

/*
 * Writes the PDF of page (borrowed; height >= 1) into a malloc'd buffer:
 * on VB_OK *out (owned by the caller) holds *len bytes. Returns VB_OK,
 * VB_EINVAL (an empty page) or VB_ENOMEM.
 */
int pdf_page(const struct printer_page *page, uint8_t **out, size_t *len);

/* pdf_page written to path (created or truncated). VB_OK, VB_EINVAL,
 * VB_ENOMEM or VB_EIO. */
int pdf_save_page(const struct printer_page *page, const char *path);

#endif
