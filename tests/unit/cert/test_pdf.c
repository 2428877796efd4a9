/*
 * pdf: the one-page A4 file — structure (header, every cross-reference
 * offset on its object, the trailer, the image dictionary and its
 * inflated rows equal to the page), fitting inside the margins, and a
 * round trip: poppler's pdftoppm renders it and zbarimg reads the QR code
 * back to the exact text.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "drv_error.h"
#include "escpos_raster.h"
#include "pdf.h"
#include "printer_page.h"
#include "printer_qr.h"

static const char payload[] =
    "HC1:6BFOXN%TS3DH0YOJ58S S-W5HDC *M0II5XHC9B5G2+$N IOP-IA%NFQGRJPC%OQHIZC4.OI1RM8ZA.A5:"
    "S9MKN4NN3F85QNCY0O%0VZ001HOC9JU0D0HT0HB2PL/IB*09B9LW4T*8+DCMH0LDK2%K:XFE70*LP$V25$0Q:J:4MO"
    "1P5V";

static const char *find(const uint8_t *buf, size_t len, const char *s)
{
	size_t n = strlen(s);
	for (size_t i = 0; i + n <= len; i++)
		if (memcmp(buf + i, s, n) == 0)
			return (const char *)buf + i;
	return NULL;
}

static struct printer_page *sample_page(int width)
{
	struct printer_page *p = NULL;
	assert_int_equal(printer_page_new(width, &p), DRV_OK);
	assert_int_equal(printer_page_fill(p, 0, 0, width, 10, 1), DRV_OK);
	assert_int_equal(printer_page_feed(p, 20), DRV_OK);
	assert_int_equal(printer_qr_add(p, payload, QR_ECLEVEL_Q, 3, NULL), DRV_OK);
	assert_int_equal(printer_page_feed(p, 40), DRV_OK);
	assert_int_equal(printer_page_set(p, width - 1, printer_page_height(p) - 1, 1), DRV_OK);
	return p;
}

static void test_structure(void **state)
{
	(void)state;
	struct printer_page *p = sample_page(PRINTER_DOTS_58MM);
	uint8_t *pdf = NULL;
	size_t len = 0;
	assert_int_equal(pdf_page(p, &pdf, &len), VB_OK);
	assert_memory_equal(pdf, "%PDF-1.4\n%", 10);
	assert_true((pdf[10] & 0x80) && (pdf[11] & 0x80)); /* the binary comment */

	/* startxref points at the table; each entry at "N 0 obj". */
	const char *sx = find(pdf, len, "startxref\n");
	assert_non_null(sx);
	unsigned long xref = strtoul(sx + 10, NULL, 10);
	assert_true(xref < len);
	assert_memory_equal(pdf + xref, "xref\n0 7\n0000000000 65535 f \n", 29);
	for (int i = 1; i <= 6; i++) {
		const char *e = (const char *)pdf + xref + 29 + (size_t)(i - 1) * 20;
		char want[16];
		assert_memory_equal(e + 10, " 00000 n \n", 10);
		unsigned long off = strtoul(e, NULL, 10);
		snprintf(want, sizeof(want), "%d 0 obj\n", i);
		assert_memory_equal(pdf + off, want, strlen(want));
	}
	assert_non_null(find(pdf, len, "trailer\n<< /Size 7 /Root 1 0 R /Info 6 0 R >>"));
	assert_memory_equal(pdf + len - 6, "%%EOF\n", 6);

	/* The image: its size, mask, and the rows it inflates to. */
	char dict[200];
	snprintf(dict, sizeof(dict), "/Width %d /Height %d /ImageMask true", printer_page_width(p),
		 printer_page_height(p));
	assert_non_null(find(pdf, len, dict));
	const char *lp = find(pdf, len, "/Length ");
	assert_non_null(lp);
	unsigned long zlen = strtoul(lp + 8, NULL, 10);
	const char *st = find(pdf, len, ">>\nstream\n");
	assert_non_null(st);
	const uint8_t *z = (const uint8_t *)st + 10;
	assert_memory_equal(z + zlen, "\nendstream", 10);
	size_t row = ((size_t)printer_page_width(p) + 7) / 8;
	uLongf raw_len = (uLongf)(row * (size_t)printer_page_height(p));
	uint8_t *raw = malloc(raw_len);
	assert_int_equal(uncompress(raw, &raw_len, z, zlen), Z_OK);
	assert_int_equal(raw_len, row * (size_t)printer_page_height(p));
	for (int y = 0; y < printer_page_height(p); y++)
		assert_memory_equal(raw + (size_t)y * row,
				    printer_page_bits(p) + (size_t)y * printer_page_stride(p), row);
	free(raw);

	/* Placed inside the margins, aspect kept. */
	const char *cm = find(pdf, len, "stream\nq ");
	assert_non_null(cm);
	cm += 7;
	double a, b2, c, d, e, f;
	assert_int_equal(sscanf(cm, "q %lf %lf %lf %lf %lf %lf cm", &a, &b2, &c, &d, &e, &f), 6);
	double margin = 15.0 * 72.0 / 25.4;
	assert_true(e >= margin - 0.01 && f >= margin - 0.01);
	assert_true(e + a <= PDF_A4_WIDTH_PT - margin + 0.01);
	assert_true(f + d <= PDF_A4_HEIGHT_PT - margin + 0.01);
	assert_true(b2 == 0 && c == 0);
	double ratio = a / d, want = (double)printer_page_width(p) / printer_page_height(p);
	assert_true(ratio > want * 0.999 && ratio < want * 1.001);
	free(pdf);

	/* An empty page is refused. */
	struct printer_page *empty = NULL;
	assert_int_equal(printer_page_new(64, &empty), DRV_OK);
	pdf = (uint8_t *)&len;
	assert_int_equal(pdf_page(empty, &pdf, &len), VB_EINVAL);
	assert_ptr_equal(pdf, (uint8_t *)&len);
	assert_int_equal(pdf_page(NULL, &pdf, &len), VB_EINVAL);
	printer_page_free(empty);
	printer_page_free(p);
}

static void test_poppler_round_trip(void **state)
{
	(void)state;
	static const int widths[] = {PRINTER_DOTS_58MM, PRINTER_DOTS_80MM};
	char dir[200], path[300], cmd[900], png[300], got[600];
	size_t got_len = 0;
	assert_int_equal(escpos_raster_tmpdir("pdf", dir, sizeof(dir)), 0);
	for (size_t i = 0; i < 2; i++) {
		struct printer_page *p = sample_page(widths[i]);
		snprintf(path, sizeof(path), "%s/c%zu.pdf", dir, i);
		assert_int_equal(pdf_save_page(p, path), VB_OK);
		snprintf(png, sizeof(png), "%s/c%zu", dir, i);
		snprintf(cmd, sizeof(cmd),
			 "pdftoppm -r 100 -gray -singlefile '%s' '%s' 2>/dev/null", path, png);
		if (system(cmd) != 0)
			fail_msg("pdftoppm failed or is missing (apt-get install poppler-utils)");
		snprintf(png, sizeof(png), "%s/c%zu.pgm", dir, i);
		assert_int_equal(escpos_raster_zbar(png, got, sizeof(got), &got_len), 1);
		assert_string_equal(got, payload);
		remove(png);
		remove(path);
		printer_page_free(p);
	}
	assert_int_equal(pdf_save_page(NULL, path), VB_EINVAL);
	snprintf(path, sizeof(path), "%s/no/such/dir.pdf", dir);
	struct printer_page *p = sample_page(PRINTER_DOTS_58MM);
	assert_int_equal(pdf_save_page(p, path), VB_EIO);
	printer_page_free(p);
	assert_int_equal(escpos_raster_rmdir(dir), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_structure),
	    cmocka_unit_test(test_poppler_round_trip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
