/* escpos: exact bytes of every command, raster bands, the buffer's cap,
 * the status bits table and the command-length walker. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "escpos.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static void expect_bytes(const struct escpos_buf *b, const uint8_t *want, size_t n)
{
	assert_int_equal(b->err, DRV_OK);
	assert_int_equal(b->len, n);
	assert_memory_equal(b->data, want, n);
}

static void test_simple_commands(void **state)
{
	(void)state;
	static const uint8_t want[] = {0x1B, 0x40,	       /* ESC @ */
				       'O',  'K',  0x0A,       /* text with LF */
				       0x0A,		       /* LF */
				       0x1B, 0x64, 0x05,       /* ESC d 5 */
				       0x1B, 0x61, 0x01,       /* ESC a centre */
				       0x1B, 0x61, 0x02,       /* ESC a right */
				       0x1B, 0x45, 0x01,       /* ESC E on */
				       0x1B, 0x45, 0x00,       /* ESC E off */
				       0x1D, 0x56, 0x41, 0x00, /* GS V A 0: full cut */
				       0x1D, 0x56, 0x42, 0x00, /* GS V B 0: partial cut */
				       0x10, 0x04, 0x01,       /* DLE EOT 1 */
				       0x10, 0x04, 0x02,       /* DLE EOT 2 */
				       0x10, 0x04, 0x03,       /* DLE EOT 3 */
				       0x10, 0x04, 0x04};      /* DLE EOT 4 */
	struct escpos_buf b;
	escpos_buf_init(&b, 1024);
	assert_int_equal(escpos_init(&b), DRV_OK);
	assert_int_equal(escpos_text(&b, "OK\n"), DRV_OK);
	assert_int_equal(escpos_line_feed(&b), DRV_OK);
	assert_int_equal(escpos_feed(&b, 5), DRV_OK);
	assert_int_equal(escpos_align(&b, ESCPOS_ALIGN_CENTER), DRV_OK);
	assert_int_equal(escpos_align(&b, ESCPOS_ALIGN_RIGHT), DRV_OK);
	assert_int_equal(escpos_emphasis(&b, 7), DRV_OK);
	assert_int_equal(escpos_emphasis(&b, 0), DRV_OK);
	assert_int_equal(escpos_cut(&b, ESCPOS_CUT_FULL), DRV_OK);
	assert_int_equal(escpos_cut(&b, ESCPOS_CUT_PARTIAL), DRV_OK);
	assert_int_equal(escpos_status_request(&b, ESCPOS_STATUS_PRINTER), DRV_OK);
	assert_int_equal(escpos_status_request(&b, ESCPOS_STATUS_OFFLINE), DRV_OK);
	assert_int_equal(escpos_status_request(&b, ESCPOS_STATUS_ERROR), DRV_OK);
	assert_int_equal(escpos_status_request(&b, ESCPOS_STATUS_PAPER), DRV_OK);
	expect_bytes(&b, want, sizeof(want));
	escpos_buf_cleanup(&b);
}

/* Bad arguments are refused, append nothing and leave the buffer usable. */
static void test_refusals(void **state)
{
	(void)state;
	static const char *const bad_text[] = {"caf\xc3\xa9", "\x1b@",	 "tab\there",
					       "bell\a",      "del\x7f", "\xe4\xb8\xad"};
	struct escpos_buf b;
	escpos_buf_init(&b, 1024);
	assert_int_equal(escpos_text(&b, "A"), DRV_OK);
	for (size_t i = 0; i < N(bad_text); i++)
		assert_int_equal(escpos_text(&b, bad_text[i]), DRV_EINVAL);
	assert_int_equal(escpos_text(&b, NULL), DRV_EINVAL);
	assert_int_equal(escpos_feed(&b, -1), DRV_EINVAL);
	assert_int_equal(escpos_feed(&b, 256), DRV_EINVAL);
	assert_int_equal(escpos_align(&b, (enum escpos_align)3), DRV_EINVAL);
	assert_int_equal(escpos_cut(&b, (enum escpos_cut)2), DRV_EINVAL);
	assert_int_equal(escpos_status_request(&b, (enum escpos_status_kind)0), DRV_EINVAL);
	assert_int_equal(escpos_status_request(&b, (enum escpos_status_kind)5), DRV_EINVAL);
	uint8_t d[] = {'x'};
	assert_int_equal(escpos_qr(&b, d, 0, 3, ESCPOS_QR_ECC_L), DRV_EINVAL);
	assert_int_equal(escpos_qr(&b, NULL, 1, 3, ESCPOS_QR_ECC_L), DRV_EINVAL);
	assert_int_equal(escpos_qr(&b, d, 1, 0, ESCPOS_QR_ECC_L), DRV_EINVAL);
	assert_int_equal(escpos_qr(&b, d, 1, 17, ESCPOS_QR_ECC_L), DRV_EINVAL);
	assert_int_equal(escpos_qr(&b, d, 1, 3, (enum escpos_qr_ecc)4), DRV_EINVAL);
	assert_int_equal(escpos_qr(&b, d, ESCPOS_QR_MAX_DATA + 1, 3, ESCPOS_QR_ECC_L), DRV_EINVAL);
	uint8_t row[200] = {0};
	assert_int_equal(escpos_raster(&b, row, 0, 1, 1), DRV_EINVAL);
	assert_int_equal(escpos_raster(&b, row, 1025, 1, 200), DRV_EINVAL);
	assert_int_equal(escpos_raster(&b, row, 16, 1, 1), DRV_EINVAL); /* stride < 2 */
	assert_int_equal(escpos_raster(&b, row, 16, -1, 2), DRV_EINVAL);
	assert_int_equal(escpos_raster(&b, NULL, 16, 1, 2), DRV_EINVAL);
	assert_int_equal(escpos_raster(&b, row, 16, 0, 2), DRV_OK); /* nothing to print */
	assert_int_equal(escpos_page(&b, NULL), DRV_EINVAL);
	static const uint8_t want[] = {'A', 0x1B, 0x40};
	assert_int_equal(escpos_init(&b), DRV_OK);
	expect_bytes(&b, want, sizeof(want));
	escpos_buf_cleanup(&b);
}

/* GS ( k: model 2, module size, error correction, store (pL pH = data + 3),
 * print — the sequence python-escpos's tests spell out for "1234". */
static void test_qr_sequence(void **state)
{
	(void)state;
	static const uint8_t want[] = {
	    0x1D, 0x28, 0x6B, 0x04, 0x00, 0x31, 0x41, 0x32, 0x00,		 /* model 2 */
	    0x1D, 0x28, 0x6B, 0x03, 0x00, 0x31, 0x43, 0x03,			 /* module 3 */
	    0x1D, 0x28, 0x6B, 0x03, 0x00, 0x31, 0x45, 0x30,			 /* ECC L */
	    0x1D, 0x28, 0x6B, 0x07, 0x00, 0x31, 0x50, 0x30, '1',  '2', '3', '4', /* store */
	    0x1D, 0x28, 0x6B, 0x03, 0x00, 0x31, 0x51, 0x30};			 /* print */
	struct escpos_buf b;
	escpos_buf_init(&b, 1 << 16);
	assert_int_equal(escpos_qr(&b, (const uint8_t *)"1234", 4, 3, ESCPOS_QR_ECC_L), DRV_OK);
	expect_bytes(&b, want, sizeof(want));
	escpos_buf_cleanup(&b);

	/* 300 bytes at module 8, ECC H: pL pH = 303 = 0x012F; ECC byte 0x33. */
	uint8_t data[300];
	memset(data, 'Z', sizeof(data));
	escpos_buf_init(&b, 1 << 16);
	assert_int_equal(escpos_qr(&b, data, sizeof(data), 8, ESCPOS_QR_ECC_H), DRV_OK);
	assert_int_equal(b.len, 9 + 8 + 8 + 8 + 300 + 8);
	assert_int_equal(b.data[16], 8);
	assert_int_equal(b.data[24], 0x33);
	static const uint8_t store[] = {0x1D, 0x28, 0x6B, 0x2F, 0x01, 0x31, 0x50, 0x30};
	assert_memory_equal(b.data + 25, store, sizeof(store));
	assert_memory_equal(b.data + 33, data, sizeof(data));
	escpos_buf_cleanup(&b);

	/* ECC M and Q; the largest payload is accepted. */
	static uint8_t big[ESCPOS_QR_MAX_DATA];
	memset(big, '7', sizeof(big));
	escpos_buf_init(&b, 1 << 16);
	assert_int_equal(escpos_qr(&b, big, sizeof(big), 1, ESCPOS_QR_ECC_M), DRV_OK);
	assert_int_equal(b.data[24], 0x31);
	assert_int_equal(b.data[28], (ESCPOS_QR_MAX_DATA + 3) & 0xFF);
	assert_int_equal(b.data[29], (ESCPOS_QR_MAX_DATA + 3) >> 8);
	escpos_buf_cleanup(&b);
	escpos_buf_init(&b, 1 << 16);
	assert_int_equal(escpos_qr(&b, big, 1, 16, ESCPOS_QR_ECC_Q), DRV_OK);
	assert_int_equal(b.data[24], 0x32);
	escpos_buf_cleanup(&b);
}

/* GS v 0 m xL xH yL yH, bytes per row, MSB = left, dots past the width
 * sent white. */
static void test_raster_header(void **state)
{
	(void)state;
	/* 10 dots x 3 rows, stride 4 with junk past the width. */
	static const uint8_t img[] = {0xFF, 0xFF, 0xAA, 0xAA, 0x80, 0x40,
				      0x55, 0x55, 0x01, 0x7F, 0x00, 0x00};
	static const uint8_t want[] = {0x1D, 0x76, 0x30, 0x00, 0x02, 0x00, 0x03,
				       0x00, 0xFF, 0xC0, 0x80, 0x40, 0x01, 0x40};
	struct escpos_buf b;
	escpos_buf_init(&b, 1024);
	assert_int_equal(escpos_raster(&b, img, 10, 3, 4), DRV_OK);
	expect_bytes(&b, want, sizeof(want));
	escpos_buf_cleanup(&b);

	/* 1024 dots: xL xH = 128 0. */
	static uint8_t wide[128];
	memset(wide, 0x5A, sizeof(wide));
	escpos_buf_init(&b, 4096);
	assert_int_equal(escpos_raster(&b, wide, 1024, 1, sizeof(wide)), DRV_OK);
	static const uint8_t hdr[] = {0x1D, 0x76, 0x30, 0x00, 0x80, 0x00, 0x01, 0x00};
	assert_int_equal(b.len, 8 + 128);
	assert_memory_equal(b.data, hdr, sizeof(hdr));
	assert_memory_equal(b.data + 8, wide, sizeof(wide));
	escpos_buf_cleanup(&b);
}

/* Tall images split into bands of min(255, 4088 / bytes per row) rows, each
 * its own GS v 0, rows in order. */
static void test_raster_bands(void **state)
{
	(void)state;
	static const struct {
		int width, height;
		int bands[6];
	} cases[] = {
	    {384, 200, {85, 85, 30}}, {576, 120, {56, 56, 8}}, {8, 600, {255, 255, 90}},
	    {576, 56, {56}},	      {384, 1, {1}},	       {1024, 100, {31, 31, 31, 7}},
	};
	for (size_t i = 0; i < N(cases); i++) {
		int w = cases[i].width, h = cases[i].height;
		size_t xb = ((size_t)w + 7) / 8;
		static uint8_t img[1024 / 8 * 600];
		for (size_t k = 0; k < xb * (size_t)h; k++)
			img[k] = (uint8_t)(k / xb); /* each row carries its number */
		struct escpos_buf b;
		escpos_buf_init(&b, 1 << 20);
		assert_int_equal(escpos_raster(&b, img, w, h, xb), DRV_OK);
		size_t off = 0;
		int row = 0;
		for (size_t k = 0; k < N(cases[i].bands) && cases[i].bands[k]; k++) {
			int rows = cases[i].bands[k];
			const uint8_t hdr[] = {0x1D,	      0x76,	   0x30,
					       0x00,	      (uint8_t)xb, (uint8_t)(xb >> 8),
					       (uint8_t)rows, 0x00};
			assert_true(off + 8 <= b.len);
			assert_memory_equal(b.data + off, hdr, sizeof(hdr));
			assert_true(8 + (size_t)rows * xb <= 4096);
			off += 8;
			for (int r = 0; r < rows; r++, row++) {
				assert_int_equal(b.data[off], (uint8_t)row);
				off += xb;
			}
		}
		assert_int_equal(row, h);
		assert_int_equal(off, b.len);
		escpos_buf_cleanup(&b);
	}
}

/* Over the cap: the call appends nothing, and the buffer stays failed. */
static void test_cap(void **state)
{
	(void)state;
	struct escpos_buf b;
	escpos_buf_init(&b, 5);
	assert_int_equal(escpos_init(&b), DRV_OK);
	assert_int_equal(escpos_feed(&b, 1), DRV_OK);
	assert_int_equal(b.len, 5);
	assert_int_equal(escpos_line_feed(&b), DRV_ENOMEM);
	assert_int_equal(b.len, 5);
	assert_int_equal(b.err, DRV_ENOMEM);
	assert_int_equal(escpos_text(&b, ""), DRV_ENOMEM);
	assert_int_equal(escpos_feed(&b, 300), DRV_ENOMEM); /* the sticky failure first */
	escpos_buf_cleanup(&b);
	assert_int_equal(b.len, 0);
	assert_int_equal(b.err, DRV_OK);
	escpos_buf_cleanup(NULL);

	/* A raster or QR that does not fit appends nothing at all. */
	uint8_t img[48 * 10] = {0};
	escpos_buf_init(&b, 100);
	assert_int_equal(escpos_text(&b, "x"), DRV_OK);
	assert_int_equal(escpos_raster(&b, img, 384, 10, 48), DRV_ENOMEM);
	assert_int_equal(b.len, 1);
	escpos_buf_cleanup(&b);
	escpos_buf_init(&b, 48);
	assert_int_equal(escpos_qr(&b, img, 10, 3, ESCPOS_QR_ECC_L), DRV_ENOMEM);
	assert_int_equal(b.len, 0);
	escpos_buf_cleanup(&b);

	/* Growth across many appends keeps every byte. */
	escpos_buf_init(&b, 100000);
	for (int i = 0; i < 10000; i++)
		assert_int_equal(escpos_text(&b, "0123456789"), DRV_OK);
	assert_int_equal(b.len, 100000);
	assert_int_equal(escpos_line_feed(&b), DRV_ENOMEM);
	for (size_t i = 0; i < b.len; i++)
		assert_int_equal(b.data[i], '0' + i % 10);
	escpos_buf_cleanup(&b);
}

/* DLE EOT answers: fixed bits 0xx1xx10; what each bit means per n. */
static void test_status_bits(void **state)
{
	(void)state;
	static const struct {
		int n;
		uint8_t reply;
		int rc;
		struct printer_status want; /* from a zeroed struct */
	} cases[] = {
	    {1, 0x12, DRV_OK, {.online = 1}},
	    {1, 0x16, DRV_OK, {.online = 1}}, /* drawer pin high: not ours */
	    {1, 0x1A, DRV_OK, {.online = 0}},
	    {1, 0x5A, DRV_OK, {.online = 0}}, /* feed button pressed */
	    {2, 0x12, DRV_OK, {0}},
	    {2, 0x16, DRV_OK, {.cover_open = 1}},
	    {2, 0x1A, DRV_OK, {0}}, /* feeding with the button */
	    {2, 0x32, DRV_OK, {.paper_out = 1}},
	    {2, 0x52, DRV_OK, {.error = 1}},
	    {2, 0x76, DRV_OK, {.cover_open = 1, .paper_out = 1, .error = 1}},
	    {3, 0x12, DRV_OK, {0}},
	    {3, 0x16, DRV_OK, {.error = 1}}, /* mechanical */
	    {3, 0x1A, DRV_OK, {.error = 1}}, /* autocutter */
	    {3, 0x32, DRV_OK, {.error = 1}}, /* unrecoverable */
	    {3, 0x52, DRV_OK, {.error = 1}}, /* auto-recoverable */
	    {4, 0x12, DRV_OK, {0}},
	    {4, 0x1E, DRV_OK, {.paper_near_end = 1}},
	    {4, 0x16, DRV_OK, {.paper_near_end = 1}}, /* one near-end bit */
	    {4, 0x1A, DRV_OK, {.paper_near_end = 1}},
	    {4, 0x72, DRV_OK, {.paper_out = 1}},
	    {4, 0x32, DRV_OK, {.paper_out = 1}}, /* one paper-end bit */
	    {4, 0x52, DRV_OK, {.paper_out = 1}},
	    {4, 0x7E, DRV_OK, {.paper_near_end = 1, .paper_out = 1}},
	    {1, 0x00, DRV_EPROTO, {0}},
	    {2, 0xFF, DRV_EPROTO, {0}},
	    {4, 0x10, DRV_EPROTO, {0}}, /* bit 1 clear: automatic status back */
	    {4, 0x13, DRV_EPROTO, {0}}, /* bit 0 set */
	    {4, 0x92, DRV_EPROTO, {0}}, /* bit 7 set */
	    {4, 0x02, DRV_EPROTO, {0}}, /* bit 4 clear */
	    {0, 0x12, DRV_EINVAL, {0}},
	    {5, 0x12, DRV_EINVAL, {0}},
	};
	for (size_t i = 0; i < N(cases); i++) {
		struct printer_status st = {0};
		if (cases[i].rc) /* untouched on failure */
			memset(&st, 0x5A, sizeof(st));
		struct printer_status before = st;
		int rc =
		    escpos_status_parse((enum escpos_status_kind)cases[i].n, cases[i].reply, &st);
		assert_int_equal(rc, cases[i].rc);
		if (rc) {
			assert_memory_equal(&st, &before, sizeof(st));
			continue;
		}
		assert_int_equal(st.online, cases[i].want.online);
		assert_int_equal(st.cover_open, cases[i].want.cover_open);
		assert_int_equal(st.paper_out, cases[i].want.paper_out);
		assert_int_equal(st.paper_near_end, cases[i].want.paper_near_end);
		assert_int_equal(st.error, cases[i].want.error);
	}
	/* Validity is exactly the fixed-bit pattern, over all bytes. */
	int valid = 0;
	for (int v = 0; v < 256; v++) {
		int ok = escpos_status_valid((uint8_t)v);
		assert_int_equal(ok, !(v & 0x01) && (v & 0x02) && (v & 0x10) && !(v & 0x80));
		valid += ok;
	}
	assert_int_equal(valid, 16);
	/* Raising flags never clears an earlier one; n = 1 sets online both ways. */
	struct printer_status st = {0};
	assert_int_equal(escpos_status_parse(ESCPOS_STATUS_OFFLINE, 0x32, &st), DRV_OK);
	assert_int_equal(escpos_status_parse(ESCPOS_STATUS_PAPER, 0x12, &st), DRV_OK);
	assert_int_equal(st.paper_out, 1);
	assert_int_equal(escpos_status_parse(ESCPOS_STATUS_PRINTER, 0x12, &st), DRV_OK);
	assert_int_equal(st.online, 1);
	assert_int_equal(escpos_status_parse(ESCPOS_STATUS_PRINTER, 0x1A, &st), DRV_OK);
	assert_int_equal(st.online, 0);
}

/* Command lengths: complete, truncated (EPROTO) and unknown (ENOTSUP). */
static void test_command_len(void **state)
{
	(void)state;
	static const struct {
		uint8_t bytes[16];
		size_t avail;
		int rc;
		size_t n;
	} cases[] = {
	    {{'A'}, 1, DRV_OK, 1},
	    {{0x0A}, 1, DRV_OK, 1},
	    {{0x00}, 1, DRV_OK, 1},
	    {{0xC8, 0xAB}, 2, DRV_OK, 1},
	    {{0x1B, 0x40}, 2, DRV_OK, 2},
	    {{0x1B, 0x40}, 1, DRV_EPROTO, 0},
	    {{0x1B, 0x61, 0x01}, 3, DRV_OK, 3},
	    {{0x1B, 0x61}, 2, DRV_EPROTO, 0},
	    {{0x1B, 0x45, 0x01}, 3, DRV_OK, 3},
	    {{0x1B, 0x64, 0x05}, 3, DRV_OK, 3},
	    {{0x1B, 0x4A, 0x40}, 3, DRV_OK, 3},
	    {{0x1B, 0x74, 0x00}, 3, DRV_OK, 3},
	    {{0x1B, 0x70, 0x00, 0x19, 0xFA}, 5, DRV_OK, 5},
	    {{0x1B, 0x24, 0x10, 0x00}, 4, DRV_OK, 4},
	    {{0x1B, 0x44, 0x08, 0x10, 0x00, 'x'}, 6, DRV_OK, 5},
	    {{0x1B, 0x44, 0x08, 0x10}, 4, DRV_EPROTO, 0},
	    {{0x1B, 0x2A, 0x00, 0x02, 0x00, 1, 2}, 7, DRV_OK, 7},
	    {{0x1B, 0x2A, 0x21, 0x02, 0x00, 1, 2, 3, 4, 5, 6}, 11, DRV_OK, 11},
	    {{0x1B, 0x2A, 0x21, 0x02, 0x00, 1, 2, 3}, 8, DRV_EPROTO, 0},
	    {{0x1B, 0x2A, 0x05, 0x01, 0x00}, 5, DRV_ENOTSUP, 0},
	    {{0x1B, 0x26, 0x03}, 3, DRV_ENOTSUP, 0},
	    {{0x1B, 0xFF}, 2, DRV_ENOTSUP, 0},
	    {{0x1D, 0x56, 0x41, 0x00}, 4, DRV_OK, 4},
	    {{0x1D, 0x56, 0x42, 0x00}, 4, DRV_OK, 4},
	    {{0x1D, 0x56, 0x00}, 3, DRV_OK, 3},
	    {{0x1D, 0x56, 0x31}, 3, DRV_OK, 3},
	    {{0x1D, 0x56, 0x41}, 3, DRV_EPROTO, 0},
	    {{0x1D, 0x56, 0x07}, 3, DRV_ENOTSUP, 0},
	    {{0x1D, 0x21, 0x11}, 3, DRV_OK, 3},
	    {{0x1D, 0x28, 0x6B, 0x03, 0x00, 0x31, 0x51, 0x30}, 8, DRV_OK, 8},
	    {{0x1D, 0x28, 0x6B, 0x03, 0x00, 0x31, 0x51}, 7, DRV_EPROTO, 0},
	    {{0x1D, 0x28, 0x6B, 0x00, 0x00}, 5, DRV_OK, 5},
	    {{0x1D, 0x28, 0x6B, 0x03}, 4, DRV_EPROTO, 0},
	    {{0x1D, 0x76, 0x30, 0x00, 0x01, 0x00, 0x02, 0x00, 0xAA, 0x55}, 10, DRV_OK, 10},
	    {{0x1D, 0x76, 0x30, 0x00, 0x01, 0x00, 0x02, 0x00, 0xAA}, 9, DRV_EPROTO, 0},
	    {{0x1D, 0x76, 0x30, 0x00, 0x01, 0x00}, 6, DRV_EPROTO, 0},
	    {{0x1D, 0x76, 0x31}, 3, DRV_ENOTSUP, 0},
	    {{0x1D, 0x6B, 0x04, 'A', 'B', 0x00}, 6, DRV_OK, 6},
	    {{0x1D, 0x6B, 0x49, 0x02, 'A', 'B'}, 6, DRV_OK, 6},
	    {{0x1D, 0x6B, 0x49, 0x03, 'A', 'B'}, 6, DRV_EPROTO, 0},
	    {{0x1D, 0x38, 0x4C, 0x02, 0x00, 0x00, 0x00, 0x30, 0x32}, 9, DRV_OK, 9},
	    {{0x1D, 0x38, 0x4C, 0xFF, 0xFF, 0xFF, 0xFF, 0x30}, 8, DRV_EPROTO, 0},
	    {{0x1D, 0x2A, 0x01, 0x01, 1, 2, 3, 4, 5, 6, 7, 8}, 12, DRV_OK, 12},
	    {{0x1D, 0xEE}, 2, DRV_ENOTSUP, 0},
	    {{0x10, 0x04, 0x01}, 3, DRV_OK, 3},
	    {{0x10, 0x04, 0x04}, 3, DRV_OK, 3},
	    {{0x10, 0x04, 0x07, 0x01}, 4, DRV_OK, 4},
	    {{0x10, 0x04, 0x09}, 3, DRV_ENOTSUP, 0},
	    {{0x10, 0x04}, 2, DRV_EPROTO, 0},
	    {{0x10, 0x05, 0x01}, 3, DRV_OK, 3},
	    {{0x10, 0x14, 0x01, 0x00, 0x05}, 5, DRV_OK, 5},
	    {{0x10, 0x41}, 2, DRV_ENOTSUP, 0},
	    {{0x10}, 1, DRV_EPROTO, 0},
	    {{0x1C, 0x26}, 2, DRV_OK, 2},
	    {{0x1C, 0x2E}, 2, DRV_OK, 2},
	    {{0x1C, 0x21, 0x00}, 3, DRV_OK, 3},
	    {{0x1C, 0x70, 0x01, 0x00}, 4, DRV_OK, 4},
	    {{0x1C, 0x28, 0x41, 0x02, 0x00, 0x30, 0x00}, 7, DRV_OK, 7},
	    {{0x1C, 0x99}, 2, DRV_ENOTSUP, 0},
	};
	for (size_t i = 0; i < N(cases); i++) {
		size_t n = 12345;
		int rc = escpos_command_len(cases[i].bytes, cases[i].avail, &n);
		assert_int_equal(rc, cases[i].rc);
		assert_int_equal(n, rc ? 12345 : cases[i].n);
	}
	size_t n = 0;
	assert_int_equal(escpos_command_len(NULL, 0, &n), DRV_EPROTO);
}

/* Everything the encoder emits walks command by command, and the longest
 * command is found. */
static void test_walk_encoder_output(void **state)
{
	(void)state;
	struct escpos_buf b;
	escpos_buf_init(&b, 1 << 20);
	static uint8_t img[48 * 200];
	memset(img, 0x10, sizeof(img)); /* 10 04 would not appear: fine either way */
	assert_int_equal(escpos_init(&b), DRV_OK);
	assert_int_equal(escpos_align(&b, ESCPOS_ALIGN_CENTER), DRV_OK);
	assert_int_equal(escpos_emphasis(&b, 1), DRV_OK);
	assert_int_equal(escpos_text(&b, "Ticket 42\n"), DRV_OK);
	assert_int_equal(escpos_qr(&b, (const uint8_t *)"HC1:ABC", 7, 4, ESCPOS_QR_ECC_Q), DRV_OK);
	assert_int_equal(escpos_raster(&b, img, 384, 200, 48), DRV_OK);
	assert_int_equal(escpos_feed(&b, 3), DRV_OK);
	assert_int_equal(escpos_cut(&b, ESCPOS_CUT_PARTIAL), DRV_OK);
	assert_int_equal(escpos_status_request(&b, ESCPOS_STATUS_PAPER), DRV_OK);
	size_t count = 0;
	for (size_t off = 0; off < b.len; count++) {
		size_t n = 0;
		assert_int_equal(escpos_command_len(b.data + off, b.len - off, &n), DRV_OK);
		off += n;
	}
	/* init, align, emphasis, 10 text bytes, 5 QR functions, 3 bands,
	 * feed, cut, status */
	assert_int_equal(count, 3 + 10 + 5 + 3 + 3);
	size_t longest = 0;
	assert_int_equal(escpos_longest_command(b.data, b.len, &longest), DRV_OK);
	assert_int_equal(longest, 8 + 85 * 48);
	assert_int_equal(escpos_longest_command(b.data, b.len - 1, &longest), DRV_EPROTO);
	assert_int_equal(escpos_longest_command(b.data, 0, &longest), DRV_OK);
	assert_int_equal(longest, 0);
	escpos_buf_cleanup(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_simple_commands),	cmocka_unit_test(test_refusals),
	    cmocka_unit_test(test_qr_sequence),		cmocka_unit_test(test_raster_header),
	    cmocka_unit_test(test_raster_bands),	cmocka_unit_test(test_cap),
	    cmocka_unit_test(test_status_bits),		cmocka_unit_test(test_command_len),
	    cmocka_unit_test(test_walk_encoder_output),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
