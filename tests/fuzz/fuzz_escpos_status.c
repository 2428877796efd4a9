/*
 * fuzz_escpos_status: the printer's device-facing parsers. The first byte
 * picks what the rest feeds:
 *   0  DLE EOT answers: escpos_status_parse on every byte for every n, then
 *      the rest as the IN side of a scripted link under printer_proto's
 *      status query and a whole printer_job_step;
 *   1  an ESC/POS stream into escpos_decode, lenient and strict, and the
 *      command walker;
 *   2  a page (width, height, dots) through escpos_page and a strict
 *      decode back: the same dots.
 * Invariants are checked with abort() so libFuzzer reports them.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "escpos.h"
#include "escpos_decode.h"
#include "printer.h"
#include "printer_job.h"
#include "printer_page.h"

/* IN side scripted by the input: each event byte k is a timeout (0xFF), an
 * unplug (0xFE) or a transfer of k % 8 bytes taken from the input. */
struct script_link {
	struct byte_link base;
	const uint8_t *in;
	size_t len, off;
	uint8_t out[1 << 14];
	size_t n_out;
	int overflow;
};

static int script_write(struct byte_link *l, const uint8_t *buf, size_t len, int timeout_ms)
{
	struct script_link *s = (struct script_link *)l;
	(void)timeout_ms;
	if (len > sizeof(s->out) - s->n_out) {
		s->overflow = 1;
		return DRV_EIO;
	}
	memcpy(s->out + s->n_out, buf, len);
	s->n_out += len;
	return DRV_OK;
}

static int script_read(struct byte_link *l, uint8_t *buf, size_t cap, size_t *got, int timeout_ms)
{
	struct script_link *s = (struct script_link *)l;
	(void)timeout_ms;
	if (s->off >= s->len)
		return DRV_ETIMEOUT;
	uint8_t k = s->in[s->off++];
	if (k == 0xFF)
		return DRV_ETIMEOUT;
	if (k == 0xFE)
		return DRV_ENODEV;
	size_t n = k % 8;
	if (n > s->len - s->off)
		n = s->len - s->off;
	if (n > cap)
		n = cap;
	memcpy(buf, s->in + s->off, n);
	s->off += n;
	*got = n;
	return DRV_OK;
}

static size_t script_packet(struct byte_link *l)
{
	(void)l;
	return 64;
}

static void script_free(struct byte_link *l)
{
	(void)l;
}

static const struct byte_link_ops script_ops = {script_write, script_read, script_packet,
						script_free};

static void check_status(const struct printer_status *st)
{
	CHECK(st->online == 0 || st->online == 1);
	CHECK(st->cover_open == 0 || st->cover_open == 1);
	CHECK(st->paper_out == 0 || st->paper_out == 1);
	CHECK(st->paper_near_end == 0 || st->paper_near_end == 1);
	CHECK(st->error == 0 || st->error == 1);
}

static void answers(const uint8_t *data, size_t size)
{
	for (size_t i = 0; i < size && i < 64; i++)
		for (int n = 0; n <= 5; n++) {
			struct printer_status st = {0};
			int rc = escpos_status_parse((enum escpos_status_kind)n, data[i], &st);
			if (n < 1 || n > 4)
				CHECK(rc == DRV_EINVAL);
			else
				CHECK(rc == (escpos_status_valid(data[i]) ? DRV_OK : DRV_EPROTO));
			check_status(&st);
		}

	static struct script_link link;
	memset(&link, 0, sizeof(link));
	link.base.ops = &script_ops;
	link.in = data;
	link.len = size;
	struct printer_dev *dev = NULL;
	CHECK(printer_proto_open(&link.base, &dev) == DRV_OK);
	struct printer_status st;
	if (printer_dev_status(dev, &st, 10) == DRV_OK)
		check_status(&st);

	/* A small job of several chunks against whatever the device says. */
	static uint8_t img[48 * 200];
	memset(img, 0xA5, sizeof(img));
	struct escpos_buf job;
	escpos_buf_init(&job, 1 << 16);
	escpos_init(&job);
	escpos_raster(&job, img, 384, 200, 48);
	escpos_cut(&job, ESCPOS_CUT_FULL);
	CHECK(job.err == DRV_OK);
	struct printer_job_progress p;
	printer_job_progress_init(&p);
	for (int round = 0; round < 3; round++) {
		link.n_out = 0;
		int rc = printer_job_step(dev, job.data, job.len, &p, 10);
		CHECK(rc == PRINTER_JOB_DONE || rc == PRINTER_JOB_PENDING || rc < 0);
		if (rc == PRINTER_JOB_DONE)
			CHECK(p.done && p.sent == job.len && p.pending == PRINTER_PENDING_NONE);
		if (rc == PRINTER_JOB_PENDING)
			CHECK(p.pending != PRINTER_PENDING_NONE && !p.done);
		/* What went out walks as whole commands (status requests never
		 * inside a band), unless the stream ends inside a command. */
		CHECK(!link.overflow);
		for (size_t off = 0; off < link.n_out;) {
			size_t n = 0;
			int w = escpos_command_len(link.out + off, link.n_out - off, &n);
			CHECK(w == DRV_OK);
			off += n;
		}
		if (rc == PRINTER_JOB_DONE)
			break;
	}
	escpos_buf_cleanup(&job);
	printer_dev_free(dev);
}

static void stream(const uint8_t *data, size_t size)
{
	int paper = data && size ? 8 + (data[0] % 3) * 188 : 384; /* 8, 196, 384 */
	struct printer_page *lenient = NULL, *strict = NULL;
	struct escpos_decode_info li, si;
	int rl = escpos_decode(data, size, paper, 0, &lenient, &li);
	CHECK(rl == DRV_OK || rl == DRV_EINVAL || rl == DRV_ENOMEM);
	int rs = escpos_decode(data, size, paper, ESCPOS_DECODE_STRICT, &strict, &si);
	CHECK(rs == DRV_OK || rs == DRV_EPROTO || rs == DRV_EINVAL || rs == DRV_ENOMEM);
	if (rs == DRV_OK) {
		/* A stream the strict decoder accepts walks cleanly and decodes
		 * the same leniently. */
		CHECK(rl == DRV_OK);
		CHECK(si.unknown == 0);
		CHECK(printer_page_height(strict) == printer_page_height(lenient));
		size_t n = (size_t)printer_page_height(strict) * printer_page_stride(strict);
		CHECK(n == 0 ||
		      memcmp(printer_page_bits(strict), printer_page_bits(lenient), n) == 0);
		size_t longest = 0;
		CHECK(escpos_longest_command(data, size, &longest) == DRV_OK);
		CHECK(longest <= size);
	}
	if (rl == DRV_OK)
		CHECK(printer_page_height(lenient) <= PRINTER_PAGE_MAX_ROWS);
	printer_page_free(lenient);
	printer_page_free(strict);
}

static void page(const uint8_t *data, size_t size)
{
	if (size < 3)
		return;
	int width = 1 + ((data[0] | data[1] << 8) % 1024);
	int height = data[2] % 64;
	data += 3;
	size -= 3;
	struct printer_page *p = NULL;
	CHECK(printer_page_new(width, &p) == DRV_OK);
	CHECK(printer_page_extend(p, height) == DRV_OK);
	for (int y = 0; y < height; y++)
		for (int x = 0; x < width; x++) {
			size_t bit = (size_t)y * (size_t)width + (size_t)x;
			if (bit / 8 < size && (data[bit / 8] >> (bit % 8)) & 1)
				CHECK(printer_page_set(p, x, y, 1) == DRV_OK);
		}
	struct escpos_buf b;
	escpos_buf_init(&b, 1 << 20);
	CHECK(escpos_page(&b, p) == DRV_OK);
	struct printer_page *back = NULL;
	CHECK(escpos_decode(b.data, b.len, width, ESCPOS_DECODE_STRICT, &back, NULL) == DRV_OK);
	CHECK(printer_page_height(back) == height);
	size_t n = (size_t)height * printer_page_stride(p);
	CHECK(n == 0 || memcmp(printer_page_bits(back), printer_page_bits(p), n) == 0);
	/* Bands: at most 255 rows and 4 KiB each. */
	for (size_t off = 0; off < b.len;) {
		size_t len = 0;
		CHECK(escpos_command_len(b.data + off, b.len - off, &len) == DRV_OK);
		CHECK(len <= 4096 && b.data[off] == 0x1D && b.data[off + 1] == 'v');
		CHECK((b.data[off + 6] | b.data[off + 7] << 8) <= ESCPOS_BAND_MAX_ROWS);
		off += len;
	}
	printer_page_free(back);
	escpos_buf_cleanup(&b);
	printer_page_free(p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1 || size > 1 << 16)
		return 0;
	switch (data[0] % 3) {
	case 0:
		answers(data + 1, size - 1);
		break;
	case 1:
		stream(data + 1, size - 1);
		break;
	default:
		page(data + 1, size - 1);
		break;
	}
	return 0;
}
