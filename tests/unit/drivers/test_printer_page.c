/* printer_page: dots, growth, caps, fills and blits; a known page as exact
 * raster bytes; escpos_decode (through tests/support/escpos_raster) turns
 * the bytes back into the same page; alignment, density modes, feeds,
 * strict and lenient decoding; PBM output. */
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

#define N(a) (sizeof(a) / sizeof((a)[0]))

static struct printer_page *page_new(int width)
{
	struct printer_page *p = NULL;
	assert_int_equal(printer_page_new(width, &p), DRV_OK);
	return p;
}

static void test_new(void **state)
{
	(void)state;
	static const int bad[] = {0, -8, PRINTER_PAGE_MAX_DOTS + 1};
	for (size_t i = 0; i < N(bad); i++) {
		struct printer_page *p = (struct printer_page *)0x1;
		assert_int_equal(printer_page_new(bad[i], &p), DRV_EINVAL);
		assert_ptr_equal(p, (struct printer_page *)0x1);
	}
	static const struct {
		int width;
		size_t stride;
	} ok[] = {{PRINTER_DOTS_58MM, 48}, {PRINTER_DOTS_80MM, 72}, {1, 1}, {9, 2}, {1024, 128}};
	for (size_t i = 0; i < N(ok); i++) {
		struct printer_page *p = page_new(ok[i].width);
		assert_int_equal(printer_page_width(p), ok[i].width);
		assert_int_equal(printer_page_stride(p), ok[i].stride);
		assert_int_equal(printer_page_height(p), 0);
		assert_null(printer_page_bits(p));
		printer_page_free(p);
	}
	printer_page_free(NULL);
}

static void test_set_get_grow(void **state)
{
	(void)state;
	struct printer_page *p = page_new(20);
	assert_int_equal(printer_page_set(p, 0, 0, 1), DRV_OK);
	assert_int_equal(printer_page_set(p, 19, 5, 1), DRV_OK);
	assert_int_equal(printer_page_set(p, 9, 1000, 1), DRV_OK); /* grows past the first block */
	assert_int_equal(printer_page_height(p), 1001);
	assert_int_equal(printer_page_get(p, 0, 0), 1);
	assert_int_equal(printer_page_get(p, 19, 5), 1);
	assert_int_equal(printer_page_get(p, 9, 1000), 1);
	assert_int_equal(printer_page_get(p, 1, 0), 0);
	assert_int_equal(printer_page_get(p, 8, 1000), 0);
	/* Byte layout: MSB = leftmost dot. */
	const uint8_t *bits = printer_page_bits(p);
	assert_int_equal(bits[0], 0x80);
	assert_int_equal(bits[5 * 3 + 2], 0x10);
	assert_int_equal(bits[1000 * 3 + 1], 0x40);
	/* Outside the page. */
	assert_int_equal(printer_page_get(p, -1, 0), 0);
	assert_int_equal(printer_page_get(p, 20, 0), 0);
	assert_int_equal(printer_page_get(p, 0, 1001), 0);
	assert_int_equal(printer_page_get(p, 0, -1), 0);
	assert_int_equal(printer_page_set(p, 20, 0, 1), DRV_EINVAL);
	assert_int_equal(printer_page_set(p, -1, 0, 1), DRV_EINVAL);
	assert_int_equal(printer_page_set(p, 0, -1, 1), DRV_EINVAL);
	/* White again. */
	assert_int_equal(printer_page_set(p, 0, 0, 0), DRV_OK);
	assert_int_equal(printer_page_get(p, 0, 0), 0);
	/* Rows added by growth are white. */
	for (int y = 6; y < 1000; y++)
		for (int x = 0; x < 20; x++)
			assert_int_equal(printer_page_get(p, x, y), 0);
	/* extend never shrinks; feed adds rows. */
	assert_int_equal(printer_page_extend(p, 10), DRV_OK);
	assert_int_equal(printer_page_height(p), 1001);
	assert_int_equal(printer_page_feed(p, 9), DRV_OK);
	assert_int_equal(printer_page_height(p), 1010);
	assert_int_equal(printer_page_feed(p, -1), DRV_EINVAL);
	printer_page_free(p);
}

/* The height is capped at PRINTER_PAGE_MAX_ROWS. */
static void test_cap(void **state)
{
	(void)state;
	struct printer_page *p = page_new(8);
	assert_int_equal(printer_page_set(p, 0, PRINTER_PAGE_MAX_ROWS, 1), DRV_EINVAL);
	assert_int_equal(printer_page_height(p), 0);
	assert_int_equal(printer_page_set(p, 7, PRINTER_PAGE_MAX_ROWS - 1, 1), DRV_OK);
	assert_int_equal(printer_page_height(p), PRINTER_PAGE_MAX_ROWS);
	assert_int_equal(printer_page_feed(p, 1), DRV_EINVAL);
	assert_int_equal(printer_page_extend(p, PRINTER_PAGE_MAX_ROWS + 1), DRV_EINVAL);
	assert_int_equal(printer_page_fill(p, 0, PRINTER_PAGE_MAX_ROWS - 1, 1, 2, 1), DRV_EINVAL);
	uint8_t one = 0x80;
	assert_int_equal(printer_page_blit(p, 0, PRINTER_PAGE_MAX_ROWS, &one, 1, 1, 1), DRV_EINVAL);
	assert_int_equal(printer_page_height(p), PRINTER_PAGE_MAX_ROWS);
	printer_page_free(p);
}

static void test_fill_and_blit(void **state)
{
	(void)state;
	struct printer_page *p = page_new(16);
	/* A fill clipped on both sides. */
	assert_int_equal(printer_page_fill(p, -4, 0, 30, 2, 1), DRV_OK);
	const uint8_t *bits = printer_page_bits(p);
	for (int i = 0; i < 4; i++)
		assert_int_equal(bits[i], 0xFF);
	/* A white hole. */
	assert_int_equal(printer_page_fill(p, 3, 1, 6, 1, 0), DRV_OK);
	bits = printer_page_bits(p);
	assert_int_equal(bits[2], 0xE0);
	assert_int_equal(bits[3], 0x7F);
	assert_int_equal(printer_page_fill(p, 0, 0, -1, 1, 1), DRV_EINVAL);
	assert_int_equal(printer_page_fill(p, 0, -1, 1, 1, 1), DRV_EINVAL);
	assert_int_equal(printer_page_fill(p, 0, 0, 1, -1, 1), DRV_EINVAL);

	/* A 10 x 2 bitmap ORed at x = 11, y = 3: columns 16.. clipped; its
	 * white dots leave the page alone. */
	static const uint8_t bmp[] = {0xA5, 0xC0, 0xFF, 0xFF};
	assert_int_equal(printer_page_set(p, 15, 4, 1), DRV_OK);
	assert_int_equal(printer_page_blit(p, 11, 3, bmp, 10, 2, 2), DRV_OK);
	assert_int_equal(printer_page_height(p), 5);
	static const int row3[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1, 0, 0};
	for (int x = 0; x < 16; x++) {
		assert_int_equal(printer_page_get(p, x, 3), row3[x]);
		assert_int_equal(printer_page_get(p, x, 4), x >= 11);
	}
	/* Negative x clips on the left: column 2 of the bitmap lands at 0. */
	static const uint8_t dot[] = {0x20};
	assert_int_equal(printer_page_blit(p, -2, 2, dot, 3, 1, 1), DRV_OK);
	assert_int_equal(printer_page_get(p, 0, 2), 1);
	assert_int_equal(printer_page_get(p, 1, 2), 0);
	assert_int_equal(printer_page_blit(p, 0, 0, NULL, 8, 1, 1), DRV_EINVAL);
	assert_int_equal(printer_page_blit(p, 0, 0, bmp, 9, 1, 1), DRV_EINVAL); /* stride */
	assert_int_equal(printer_page_blit(p, 0, 0, NULL, 0, 0, 0), DRV_OK);
	printer_page_free(p);
}

/* A known page as exact bytes: 12 x 3, one GS v 0 band, 2 bytes per row. */
static void test_raster_of_known_page(void **state)
{
	(void)state;
	struct printer_page *p = page_new(12);
	for (int x = 0; x < 12; x += 2)
		assert_int_equal(printer_page_set(p, x, 0, 1), DRV_OK); /* 1010 1010 1010 */
	assert_int_equal(printer_page_fill(p, 4, 1, 8, 1, 1), DRV_OK);	/* 0000 1111 1111 */
	assert_int_equal(printer_page_set(p, 11, 2, 1), DRV_OK);	/* ... 0001 */
	static const uint8_t want[] = {0x1D, 0x76, 0x30, 0x00, 0x02, 0x00, 0x03,
				       0x00, 0xAA, 0xA0, 0x0F, 0xF0, 0x00, 0x10};
	struct escpos_buf b;
	escpos_buf_init(&b, 1024);
	assert_int_equal(escpos_page(&b, p), DRV_OK);
	assert_int_equal(b.len, sizeof(want));
	assert_memory_equal(b.data, want, sizeof(want));
	escpos_buf_cleanup(&b);
	printer_page_free(p);

	/* An empty page prints nothing. */
	p = page_new(384);
	escpos_buf_init(&b, 1024);
	assert_int_equal(escpos_page(&b, p), DRV_OK);
	assert_int_equal(b.len, 0);
	escpos_buf_cleanup(&b);
	printer_page_free(p);
}

/* Pages of both paper widths, several bands tall, survive encode + decode
 * dot for dot. */
static void test_page_round_trip(void **state)
{
	(void)state;
	static const struct {
		int width, height;
		size_t bands;
	} cases[] = {{384, 200, 3}, {576, 113, 3}, {576, 56, 1}, {100, 300, 2}, {384, 1, 1}};
	for (size_t i = 0; i < N(cases); i++) {
		struct printer_page *p = page_new(cases[i].width);
		uint32_t seed = 12345u + (uint32_t)i;
		for (int y = 0; y < cases[i].height; y++)
			for (int x = 0; x < cases[i].width; x++) {
				seed = seed * 1103515245u + 12345u;
				assert_int_equal(printer_page_set(p, x, y, (seed >> 16) & 1),
						 DRV_OK);
			}
		struct escpos_buf b;
		escpos_buf_init(&b, 1 << 20);
		assert_int_equal(escpos_init(&b), DRV_OK);
		assert_int_equal(escpos_page(&b, p), DRV_OK);
		assert_int_equal(escpos_cut(&b, ESCPOS_CUT_FULL), DRV_OK);
		struct printer_page *back = NULL;
		struct escpos_decode_info info;
		assert_int_equal(escpos_raster_decode(b.data, b.len, cases[i].width, &back, &info),
				 DRV_OK);
		assert_true(escpos_raster_same(p, back));
		assert_int_equal(info.bands, cases[i].bands);
		assert_int_equal(info.inits, 1);
		assert_int_equal(info.cuts, 1);
		assert_int_equal(info.unknown, 0);
		/* One dot different is noticed. */
		assert_int_equal(printer_page_set(back, cases[i].width - 1, 0,
						  !printer_page_get(back, cases[i].width - 1, 0)),
				 DRV_OK);
		assert_false(escpos_raster_same(p, back));
		printer_page_free(back);
		escpos_buf_cleanup(&b);
		printer_page_free(p);
	}
}

/* Alignment of narrow images, density modes, vertical movement, counts. */
static void test_decode_layout(void **state)
{
	(void)state;
	static const uint8_t stream[] = {
	    0x1B, 0x40,						  /* init */
	    0x1B, 0x61, 0x01,					  /* centre */
	    0x1D, 0x76, 0x30, 0x00, 0x01, 0x00, 0x01, 0x00, 0x81, /* 8 x 1 at x 4 */
	    0x1B, 0x61, 0x32,					  /* right ('2') */
	    0x1D, 0x76, 0x30, 0x00, 0x01, 0x00, 0x01, 0x00, 0x01, /* dot at x 15 */
	    0x1B, 0x61, 0x00,					  /* left */
	    0x1D, 0x76, 0x30, 0x03, 0x01, 0x00, 0x01, 0x00, 0x80, /* quadruple: 2x2 */
	    0x1D, 0x76, 0x30, 0x31, 0x01, 0x00, 0x01, 0x00, 0x40, /* double width */
	    'H',  'i',	0x0A,					  /* text: a line */
	    0x1B, 0x64, 0x02,					  /* two lines */
	    0x1B, 0x4A, 0x05,					  /* 5 dots */
	    0x10, 0x04, 0x04,					  /* status request */
	    0x00, 0x00,						  /* NULs */
	    0x1B, 0x61, 0x02,					  /* right */
	    0x1B, 0x40,						  /* init resets to left */
	    0x1D, 0x76, 0x30, 0x32, 0x01, 0x00, 0x01, 0x00, 0x80, /* double height */
	    0x1D, 0x56, 0x42, 0x00,				  /* cut */
	    'x',						  /* text, no LF */
	};
	struct printer_page *p = NULL;
	struct escpos_decode_info info;
	assert_int_equal(escpos_raster_decode(stream, sizeof(stream), 16, &p, &info), DRV_OK);
	int y = 0;
	assert_int_equal(printer_page_get(p, 4, y), 1);
	assert_int_equal(printer_page_get(p, 11, y), 1);
	assert_int_equal(printer_page_get(p, 3, y), 0);
	y++;
	assert_int_equal(printer_page_get(p, 15, y), 1);
	y++;
	for (int dy = 0; dy < 2; dy++) {
		assert_int_equal(printer_page_get(p, 0, y + dy), 1);
		assert_int_equal(printer_page_get(p, 1, y + dy), 1);
		assert_int_equal(printer_page_get(p, 2, y + dy), 0);
	}
	y += 2;
	assert_int_equal(printer_page_get(p, 2, y), 1);
	assert_int_equal(printer_page_get(p, 3, y), 1);
	assert_int_equal(printer_page_get(p, 1, y), 0);
	y++;
	y += 3 * ESCPOS_DECODE_LINE_DOTS + 5;
	for (int r = 5; r < y; r++)
		for (int x = 0; x < 16; x++)
			assert_int_equal(printer_page_get(p, x, r), 0);
	assert_int_equal(printer_page_get(p, 0, y), 1);
	assert_int_equal(printer_page_get(p, 0, y + 1), 1);
	assert_int_equal(printer_page_get(p, 1, y), 0);
	y += 2;
	/* The last text line without LF still takes a line. */
	assert_int_equal(printer_page_height(p), y + ESCPOS_DECODE_LINE_DOTS);
	assert_int_equal(info.bands, 5);
	assert_int_equal(info.text_bytes, 3);
	assert_int_equal(info.inits, 2);
	assert_int_equal(info.cuts, 1);
	assert_int_equal(info.qr_codes, 0);
	assert_int_equal(info.unknown, 0);
	printer_page_free(p);
}

/* Strict decoding fails on what the driver does not know; lenient skips
 * and counts it. */
static void test_decode_strict_and_lenient(void **state)
{
	(void)state;
	static const struct {
		uint8_t bytes[24];
		size_t len;
		size_t unknown; /* lenient */
	} cases[] = {
	    {{0x1B, 0x26, 0x03, 'A'}, 4, 1},					/* ESC &: unknown */
	    {{'A', 0x1D, 0x76, 0x30, 0x00, 0x01, 0x00, 0x02}, 8, 7},		/* truncated band */
	    {{0x1D, 0x76, 0x30, 0x00, 0x03, 0x00, 0x01, 0x00, 1, 2, 3}, 11, 0}, /* 24 > 16 dots */
	    {{0x1D, 0x76, 0x30, 0x07, 0x01, 0x00, 0x01, 0x00, 0xFF}, 9, 9},	/* bad m */
	    {{0x1D, 0x76, 0x30, 0x00, 0x00, 0x00, 0x01, 0x00}, 8, 8},		/* x = 0 */
	    {{0x1D, 0x28, 0x6B, 0x03, 0x00, 0x31, 0x51, 0x30}, 8, 8}, /* QR print, none stored */
	    {{0x1D, 0x28, 0x6B, 0x03, 0x00, 0x31, 0x43, 0x00}, 8, 8}, /* QR module 0 */
	    {{0x1D, 0x28, 0x6B, 0x03, 0x00, 0x31, 0x45, 0x34}, 8, 8}, /* QR ECC 0x34 */
	};
	for (size_t i = 0; i < N(cases); i++) {
		struct printer_page *p = (struct printer_page *)0x1;
		assert_int_equal(escpos_raster_decode(cases[i].bytes, cases[i].len, 16, &p, NULL),
				 DRV_EPROTO);
		assert_ptr_equal(p, (struct printer_page *)0x1);
		struct escpos_decode_info info;
		assert_int_equal(escpos_decode(cases[i].bytes, cases[i].len, 16, 0, &p, &info),
				 DRV_OK);
		assert_int_equal(info.unknown, cases[i].unknown);
		printer_page_free(p);
	}
	/* Too wide in lenient mode: clipped at the paper's edge. */
	struct printer_page *p = NULL;
	assert_int_equal(escpos_decode(cases[2].bytes, cases[2].len, 16, 0, &p, NULL), DRV_OK);
	for (int x = 0; x < 16; x++) /* 01 02 (03 clipped) */
		assert_int_equal(printer_page_get(p, x, 0), x == 7 || x == 14);
	printer_page_free(p);
	/* Bad arguments. */
	assert_int_equal(escpos_decode(NULL, 1, 16, 0, &p, NULL), DRV_EINVAL);
	assert_int_equal(escpos_decode(cases[0].bytes, 1, 0, 0, &p, NULL), DRV_EINVAL);
	assert_int_equal(escpos_decode(NULL, 0, 16, 0, &p, NULL), DRV_OK);
	assert_int_equal(printer_page_height(p), 0);
	printer_page_free(p);
	/* Taller than a page can be. */
	struct escpos_buf b;
	escpos_buf_init(&b, 1 << 16);
	for (int i = 0; i < 2; i++)
		assert_int_equal(escpos_feed(&b, 255), DRV_OK);
	assert_int_equal(escpos_decode(b.data, b.len, 16, 0, &p, NULL), DRV_EINVAL);
	escpos_buf_cleanup(&b);
}

static void test_pbm(void **state)
{
	(void)state;
	char dir[256], path[300];
	assert_int_equal(escpos_raster_tmpdir("page", dir, sizeof(dir)), 0);
	snprintf(path, sizeof(path), "%s/p.pbm", dir);
	struct printer_page *p = page_new(10);
	assert_int_equal(printer_page_set(p, 0, 0, 1), DRV_OK);
	assert_int_equal(printer_page_set(p, 9, 1, 1), DRV_OK);
	assert_int_equal(printer_page_save_pbm(p, path), DRV_OK);
	static const uint8_t want[] = "P4\n10 2\n\x80\x00\x00\x40";
	uint8_t got[64];
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	size_t n = fread(got, 1, sizeof(got), f);
	fclose(f);
	assert_int_equal(n, sizeof(want) - 1);
	assert_memory_equal(got, want, n);
	printer_page_free(p);
	/* An empty page is one white row. */
	p = page_new(8);
	assert_int_equal(printer_page_save_pbm(p, path), DRV_OK);
	f = fopen(path, "rb");
	assert_non_null(f);
	n = fread(got, 1, sizeof(got), f);
	fclose(f);
	assert_int_equal(n, 8);
	assert_memory_equal(got, "P4\n8 1\n\x00", 8);
	/* Decoded bytes straight to a file. */
	static const uint8_t band[] = {0x1D, 0x76, 0x30, 0x00, 0x01, 0x00, 0x01, 0x00, 0xF0};
	assert_int_equal(escpos_raster_to_pbm(band, sizeof(band), 8, path, NULL), DRV_OK);
	f = fopen(path, "rb");
	assert_non_null(f);
	n = fread(got, 1, sizeof(got), f);
	fclose(f);
	assert_int_equal(n, 8);
	assert_memory_equal(got, "P4\n8 1\n\xF0", 8);
	snprintf(path, sizeof(path), "%s/missing/p.pbm", dir);
	assert_int_equal(printer_page_save_pbm(p, path), DRV_EIO);
	printer_page_free(p);
	assert_int_equal(escpos_raster_rmdir(dir), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_new),
	    cmocka_unit_test(test_set_get_grow),
	    cmocka_unit_test(test_cap),
	    cmocka_unit_test(test_fill_and_blit),
	    cmocka_unit_test(test_raster_of_known_page),
	    cmocka_unit_test(test_page_round_trip),
	    cmocka_unit_test(test_decode_layout),
	    cmocka_unit_test(test_decode_strict_and_lenient),
	    cmocka_unit_test(test_pbm),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
