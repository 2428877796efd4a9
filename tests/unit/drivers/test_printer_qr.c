/* printer_qr: modules land on exact dots with a white quiet zone; and the
 * receipt round trip — a page holding a long QR code (an HC1: string of
 * 500 characters, a shc:/ string of 1400 digits) at 3 dots per module on
 * 384 dots, encoded as ESC/POS, decoded back to a PBM by
 * tests/support/escpos_raster, read by zbarimg: exactly the payload. The
 * printer's native QR (GS ( k) is read back the same way through the
 * decoder. zbarimg missing is a failure, not a skip. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "escpos.h"
#include "escpos_raster.h"
#include "printer_page.h"
#include "printer_qr.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const char BASE45[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

/* "HC1:" and base45 characters, len in all. */
static char *hc1_payload(size_t len)
{
	char *s = malloc(len + 1);
	assert_non_null(s);
	memcpy(s, "HC1:", 4);
	uint32_t seed = 2021;
	for (size_t i = 4; i < len; i++) {
		seed = seed * 1103515245u + 12345u;
		s[i] = BASE45[(seed >> 16) % (sizeof(BASE45) - 1)];
	}
	s[len] = '\0';
	return s;
}

/* "shc:/" and digits (pairs 00..77, as SMART Health Cards encode). */
static char *shc_payload(size_t digits)
{
	char *s = malloc(5 + digits + 1);
	assert_non_null(s);
	memcpy(s, "shc:/", 5);
	uint32_t seed = 1400;
	for (size_t i = 0; i < digits; i += 2) {
		seed = seed * 1103515245u + 12345u;
		unsigned v = (seed >> 16) % 78;
		s[5 + i] = (char)('0' + v / 10);
		if (i + 1 < digits)
			s[5 + i + 1] = (char)('0' + v % 10);
	}
	s[5 + digits] = '\0';
	return s;
}

static void test_draw_exact(void **state)
{
	(void)state;
	QRcode *qr = NULL;
	assert_int_equal(printer_qr_encode((const uint8_t *)"VAXBUS", 6, QR_ECLEVEL_M, &qr),
			 DRV_OK);
	assert_int_equal(qr->version, 1);
	assert_int_equal(printer_qr_side(qr, 3), (21 + 8) * 3);
	struct printer_page *p = NULL;
	assert_int_equal(printer_page_new(120, &p), DRV_OK);
	assert_int_equal(printer_page_fill(p, 0, 0, 120, 100, 1), DRV_OK); /* all black */
	assert_int_equal(printer_qr_draw(p, qr, 5, 2, 3), DRV_OK);
	assert_int_equal(printer_page_height(p), 100);
	int side = (21 + 8) * 3;
	for (int y = 0; y < 100; y++)
		for (int x = 0; x < 120; x++) {
			int want = 1; /* outside the symbol: untouched */
			if (x >= 5 && x < 5 + side && y >= 2 && y < 2 + side) {
				int mx = (x - 5) / 3 - 4, my = (y - 2) / 3 - 4;
				want = mx >= 0 && mx < 21 && my >= 0 && my < 21
					   ? qr->data[my * 21 + mx] & 1
					   : 0; /* quiet zone */
			}
			assert_int_equal(printer_page_get(p, x, y), want);
		}
	/* Does not fit: refused, nothing drawn. */
	assert_int_equal(printer_qr_draw(p, qr, 120 - side + 1, 0, 3), DRV_EINVAL);
	assert_int_equal(printer_qr_draw(p, qr, -1, 0, 3), DRV_EINVAL);
	assert_int_equal(printer_qr_draw(p, qr, 0, -1, 3), DRV_EINVAL);
	assert_int_equal(printer_qr_draw(p, qr, 0, 0, 0), DRV_EINVAL);
	assert_int_equal(printer_qr_draw(p, NULL, 0, 0, 1), DRV_EINVAL);
	assert_int_equal(printer_page_get(p, 119, 0), 1);
	printer_page_free(p);
	QRcode_free(qr);
}

static void test_encode_and_add(void **state)
{
	(void)state;
	QRcode *qr = (QRcode *)0x1;
	static uint8_t digits[7090];
	memset(digits, '5', sizeof(digits));
	assert_int_equal(printer_qr_encode(digits, 0, QR_ECLEVEL_L, &qr), DRV_EINVAL);
	assert_int_equal(printer_qr_encode(NULL, 1, QR_ECLEVEL_L, &qr), DRV_EINVAL);
	assert_int_equal(printer_qr_encode(digits, 7090, QR_ECLEVEL_L, &qr), DRV_EINVAL);
	assert_int_equal(printer_qr_encode(digits, 7089, QR_ECLEVEL_H, &qr), DRV_EINVAL);
	assert_int_equal(printer_qr_encode(digits, 1, (QRecLevel)4, &qr), DRV_EINVAL);
	assert_ptr_equal(qr, (QRcode *)0x1);
	/* Numeric segments keep the largest payload within version 40. */
	assert_int_equal(printer_qr_encode(digits, 7089, QR_ECLEVEL_L, &qr), DRV_OK);
	assert_int_equal(qr->version, 40);
	QRcode_free(qr);
	/* Bytes with NULs go in byte mode. */
	static const uint8_t bin[] = {0x00, 0xFF, 0x10, 0x04, 0x01};
	assert_int_equal(printer_qr_encode(bin, sizeof(bin), QR_ECLEVEL_H, &qr), DRV_OK);
	assert_int_equal(qr->version, 1);
	QRcode_free(qr);

	struct printer_page *p = NULL;
	assert_int_equal(printer_page_new(PRINTER_DOTS_58MM, &p), DRV_OK);
	assert_int_equal(printer_page_fill(p, 0, 0, 384, 10, 1), DRV_OK);
	struct printer_qr_info info;
	assert_int_equal(printer_qr_add(p, "HELLO", QR_ECLEVEL_L, 4, &info), DRV_OK);
	assert_int_equal(info.version, 1);
	assert_int_equal(info.modules, 21);
	assert_int_equal(info.side, 29 * 4);
	assert_int_equal(info.x, (384 - 116) / 2);
	assert_int_equal(info.y, 10);
	assert_int_equal(printer_page_height(p), 10 + 116);
	/* Too wide for the paper: refused, the page is as it was. */
	assert_int_equal(printer_qr_add(p, "HELLO", QR_ECLEVEL_L, 14, NULL), DRV_EINVAL);
	assert_int_equal(printer_page_height(p), 126);
	assert_int_equal(printer_qr_add(p, "", QR_ECLEVEL_L, 3, NULL), DRV_EINVAL);
	assert_int_equal(printer_qr_add(p, NULL, QR_ECLEVEL_L, 3, NULL), DRV_EINVAL);
	assert_int_equal(printer_qr_add(p, "X", QR_ECLEVEL_L, 0, NULL), DRV_EINVAL);
	printer_page_free(p);
}

/* A receipt page: a rule, the QR, a rule; init, page, cut; decoded back
 * and read by zbarimg. Returns the QR's info. */
static struct printer_qr_info round_trip(const char *payload, QRecLevel level, int module,
					 int paper)
{
	struct printer_page *p = NULL;
	assert_int_equal(printer_page_new(paper, &p), DRV_OK);
	assert_int_equal(printer_page_fill(p, 0, 0, paper, 4, 1), DRV_OK);
	assert_int_equal(printer_page_feed(p, 20), DRV_OK);
	struct printer_qr_info info;
	assert_int_equal(printer_qr_add(p, payload, level, module, &info), DRV_OK);
	assert_true(info.side <= paper);
	assert_int_equal(printer_page_feed(p, 20), DRV_OK);
	assert_int_equal(printer_page_fill(p, 0, printer_page_height(p), paper, 4, 1), DRV_OK);

	struct escpos_buf b;
	escpos_buf_init(&b, 1 << 20);
	assert_int_equal(escpos_init(&b), DRV_OK);
	assert_int_equal(escpos_page(&b, p), DRV_OK);
	assert_int_equal(escpos_feed(&b, 4), DRV_OK);
	assert_int_equal(escpos_cut(&b, ESCPOS_CUT_PARTIAL), DRV_OK);

	char dir[256], path[300];
	assert_int_equal(escpos_raster_tmpdir("qr", dir, sizeof(dir)), 0);
	snprintf(path, sizeof(path), "%s/receipt.pbm", dir);
	struct escpos_decode_info di;
	assert_int_equal(escpos_raster_to_pbm(b.data, b.len, paper, path, &di), DRV_OK);
	assert_true(di.bands >= 2);
	/* The decoded page is the page, dot for dot (plus the feed). */
	struct printer_page *back = NULL;
	assert_int_equal(escpos_raster_decode(b.data, b.len, paper, &back, NULL), DRV_OK);
	assert_int_equal(printer_page_height(back),
			 printer_page_height(p) + 4 * ESCPOS_DECODE_LINE_DOTS);
	assert_memory_equal(printer_page_bits(back), printer_page_bits(p),
			    (size_t)printer_page_height(p) * printer_page_stride(p));
	printer_page_free(back);

	static char got[8192];
	size_t len = 0;
	int symbols = escpos_raster_zbar(path, got, sizeof(got), &len);
	assert_int_equal(symbols, 1); /* -1: zbarimg (zbar-tools) missing or unreadable */
	assert_int_equal(len, strlen(payload));
	assert_string_equal(got, payload);
	printf("  %zu chars, ECC %c, version %d (%d modules), %d dots/module: %d of %d dots, "
	       "%zu ESC/POS bytes\n",
	       strlen(payload), "LMQH"[level], info.version, info.modules, module, info.side, paper,
	       b.len);
	assert_int_equal(escpos_raster_rmdir(dir), 0);
	escpos_buf_cleanup(&b);
	printer_page_free(p);
	return info;
}

static void test_hc1_round_trip(void **state)
{
	(void)state;
	char *hc1 = hc1_payload(500);
	/* All alphanumeric: 500 characters need version 17 at Q (504 fit). */
	struct printer_qr_info q = round_trip(hc1, QR_ECLEVEL_Q, 3, PRINTER_DOTS_58MM);
	assert_int_equal(q.version, 17);
	assert_int_equal(q.side, (85 + 8) * 3);
	q = round_trip(hc1, QR_ECLEVEL_Q, 4, PRINTER_DOTS_80MM);
	assert_int_equal(q.version, 17);
	free(hc1);
}

static void test_shc_round_trip(void **state)
{
	(void)state;
	char *shc = shc_payload(1400);
	/* A byte segment "shc:/" and a numeric one: version 17 at L (version
	 * 16 holds 1408 digits alone, not with the prefix), 19 at M. */
	struct printer_qr_info q = round_trip(shc, QR_ECLEVEL_L, 3, PRINTER_DOTS_58MM);
	assert_int_equal(q.version, 17);
	q = round_trip(shc, QR_ECLEVEL_M, 3, PRINTER_DOTS_58MM);
	assert_int_equal(q.version, 19);
	free(shc);
}

/* The printer's own QR, drawn by the decoder with libqrencode, reads back
 * too (what the simulated printer shows). */
static void test_native_qr_round_trip(void **state)
{
	(void)state;
	char *hc1 = hc1_payload(300);
	struct escpos_buf b;
	escpos_buf_init(&b, 1 << 16);
	assert_int_equal(escpos_init(&b), DRV_OK);
	assert_int_equal(escpos_align(&b, ESCPOS_ALIGN_CENTER), DRV_OK);
	assert_int_equal(escpos_qr(&b, (const uint8_t *)hc1, strlen(hc1), 4, ESCPOS_QR_ECC_Q),
			 DRV_OK);
	assert_int_equal(escpos_cut(&b, ESCPOS_CUT_FULL), DRV_OK);
	char dir[256], path[300];
	assert_int_equal(escpos_raster_tmpdir("nqr", dir, sizeof(dir)), 0);
	snprintf(path, sizeof(path), "%s/native.pbm", dir);
	struct escpos_decode_info di;
	assert_int_equal(escpos_raster_to_pbm(b.data, b.len, PRINTER_DOTS_80MM, path, &di), DRV_OK);
	assert_int_equal(di.qr_codes, 1);
	assert_int_equal(di.bands, 0);
	static char got[4096];
	size_t len = 0;
	assert_int_equal(escpos_raster_zbar(path, got, sizeof(got), &len), 1);
	assert_string_equal(got, hc1);
	/* Centred: the first black dot of the symbol is as far from the left
	 * as the last is from the right. */
	struct printer_page *p = NULL;
	assert_int_equal(escpos_raster_decode(b.data, b.len, PRINTER_DOTS_80MM, &p, NULL), DRV_OK);
	int first = -1, last = -1, y = 4 * 4 + 1; /* inside the finder patterns */
	for (int x = 0; x < PRINTER_DOTS_80MM; x++)
		if (printer_page_get(p, x, y)) {
			if (first < 0)
				first = x;
			last = x;
		}
	assert_true(first > 0);
	assert_true(abs(first - (PRINTER_DOTS_80MM - 1 - last)) <= 1);
	printer_page_free(p);
	/* A page with no QR code: zbarimg finds nothing, which is -1. */
	static const uint8_t blank[] = {0x1B, 0x40, 0x1B, 0x64, 0x03};
	assert_int_equal(escpos_raster_to_pbm(blank, sizeof(blank), 384, path, NULL), DRV_OK);
	assert_int_equal(escpos_raster_zbar(path, got, sizeof(got), &len), -1);
	assert_int_equal(escpos_raster_rmdir(dir), 0);
	escpos_buf_cleanup(&b);
	free(hc1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_draw_exact),		 cmocka_unit_test(test_encode_and_add),
	    cmocka_unit_test(test_hc1_round_trip),	 cmocka_unit_test(test_shc_round_trip),
	    cmocka_unit_test(test_native_qr_round_trip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
