/*
 * The receipt printer through drivers/usb and libusb's real Linux backend,
 * against model_printer on umockdev: usblp detached and re-attached, a page
 * printed with the exact bytes captured, status polling in every state,
 * stray status answers (DLE EOT sequences inside raster data) drained,
 * paper out mid-job -> pending -> paper back -> the whole job again after
 * ESC @, unplug mid-job -> DRV_ENODEV -> replug -> the job completes, and
 * printers that cannot be opened.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include <umockdev.h>

#include "escpos.h"
#include "model_printer.h"
#include "printer.h"
#include "printer_job.h"
#include "printer_page.h"
#include "usb.h"
#include "usbsim.h"

#define N(a)	   (sizeof(a) / sizeof((a)[0]))
#define TIMEOUT	   2000
#define HOTPLUG_MS 10000 /* for the usb layer's event thread to see a replug */

struct fixture {
	struct usbsim *sim;
	struct model_printer model;
	struct usbsim_dev *dev;
	struct usb_ctx *ctx;
	struct printer_dev *prn;
	struct escpos_buf job;
	struct printer_job_progress p;
	struct usbsim_hotplug hp; /* for waiting on a replug */
};

/* A 384 x rows page of pseudo-random dots, with `stray` set: row 0 then
 * holds the bytes 10 04 04 (a DLE EOT 4 the printer answers). The job:
 * init, the page, feed, cut. */
static void make_job(struct escpos_buf *b, int rows, int stray)
{
	struct printer_page *page = NULL;
	assert_int_equal(printer_page_new(PRINTER_DOTS_58MM, &page), DRV_OK);
	uint32_t seed = 99;
	for (int y = 0; y < rows; y++)
		for (int x = 0; x < PRINTER_DOTS_58MM; x++) {
			seed = seed * 1103515245u + 12345u;
			assert_int_equal(printer_page_set(page, x, y, (seed >> 16) & 1), DRV_OK);
		}
	if (stray) {
		static const uint8_t seq[] = {0x10, 0x04, 0x04};
		for (int y = 0; y < rows; y += 50)
			for (int x = 0; x < 24; x++)
				assert_int_equal(printer_page_set(page, 80 + x, y,
								  (seq[x / 8] >> (7 - x % 8)) & 1),
						 DRV_OK);
	}
	escpos_buf_init(b, 1 << 20);
	assert_int_equal(escpos_init(b), DRV_OK);
	assert_int_equal(escpos_page(b, page), DRV_OK);
	assert_int_equal(escpos_feed(b, 2), DRV_OK);
	assert_int_equal(escpos_cut(b, ESCPOS_CUT_PARTIAL), DRV_OK);
	printer_page_free(page);
}

static struct fixture *plug(int bidirectional)
{
	struct fixture *f = calloc(1, sizeof(*f));
	assert_non_null(f);
	usbsim_hotplug_init(&f->hp);
	f->sim = usbsim_new();
	assert_true(umockdev_in_mock_environment());
	model_printer_init(&f->model);
	if (!bidirectional)
		model_printer_set_unidirectional(&f->model);
	f->dev = model_printer_add(f->sim, &f->model);
	assert_string_equal(usbsim_dev_driver(f->dev, 0), "usblp");
	assert_int_equal(usb_ctx_new(printer_usb_matches, N(printer_usb_matches), &f->ctx), DRV_OK);
	assert_int_equal(usb_ctx_watch(f->ctx, usbsim_hotplug_on_watch, &f->hp), DRV_OK);
	make_job(&f->job, 300, 0);
	printer_job_progress_init(&f->p);
	return f;
}

static struct fixture *plug_open(void)
{
	struct fixture *f = plug(1);
	assert_int_equal(printer_usb_open(f->ctx, &f->prn), DRV_OK);
	assert_string_equal(usbsim_dev_driver(f->dev, 0), "usbfs"); /* usblp detached */
	return f;
}

static void unplug_all(struct fixture *f)
{
	printer_dev_free(f->prn);
	usb_ctx_free(f->ctx);
	usbsim_free(f->sim);
	model_printer_cleanup(&f->model);
	escpos_buf_cleanup(&f->job);
	usbsim_hotplug_cleanup(&f->hp);
	free(f);
}

static int step(struct fixture *f)
{
	return printer_job_step(f->prn, f->job.data, f->job.len, &f->p, TIMEOUT);
}

/* The captured bytes without the status requests (walked command by
 * command, so a request inside a band would break the walk or the
 * comparison); *requests counts them. Returns a malloc'd copy. */
static uint8_t *printed(struct fixture *f, size_t *len, size_t *requests)
{
	size_t n = 0, out = 0;
	uint8_t *all = model_printer_captured(&f->model, &n);
	*requests = 0;
	for (size_t off = 0; off < n;) {
		size_t c = 0;
		assert_int_equal(escpos_command_len(all + off, n - off, &c), DRV_OK);
		if (c == 3 && all[off] == 0x10 && all[off + 1] == 0x04)
			(*requests)++;
		else {
			memmove(all + out, all + off, c);
			out += c;
		}
		off += c;
	}
	*len = out;
	return all;
}

static void expect_printed(struct fixture *f, size_t zeros_max, size_t requests)
{
	size_t len = 0, reqs = 0;
	uint8_t *got = printed(f, &len, &reqs);
	assert_non_null(got);
	assert_int_equal(reqs, requests);
	assert_true(len >= f->job.len);
	size_t prefix = len - f->job.len;
	assert_memory_equal(got + prefix, f->job.data, f->job.len);
	if (zeros_max == (size_t)-1) {
		assert_int_equal(prefix, 0);
	} else {
		/* a resync: zeros (at most the longest command), then ESC @ */
		assert_true(prefix >= 2 && prefix - 2 <= zeros_max);
		for (size_t i = 0; i + 2 < prefix; i++)
			assert_int_equal(got[i], 0);
		assert_int_equal(got[prefix - 2], 0x1B);
		assert_int_equal(got[prefix - 1], 0x40);
	}
	free(got);
}

static void test_print_page(void **state)
{
	(void)state;
	struct fixture *f = plug_open();
	assert_int_equal(step(f), PRINTER_JOB_DONE);
	/* 300 rows: bands of 85, 85, 85, 45 rows; chunks: ESC @ with the first
	 * band (4090 bytes), two bands, the last with the feed and the cut;
	 * 5 status queries of 3 requests */
	expect_printed(f, (size_t)-1, 15);
	assert_int_equal(model_printer_requests(&f->model), 15);
	assert_int_equal(atomic_load(&f->model.out_transfers), 4 + 15);
	assert_int_equal(usbsim_dev_in_queued(f->dev, MODEL_PRINTER_IN_EP), 0);
	assert_int_equal(f->p.attempts, 1);
	assert_int_equal(f->model.dropped, 0);
	/* Closing hands the interface back to usblp. */
	printer_dev_free(f->prn);
	f->prn = NULL;
	assert_string_equal(usbsim_dev_driver(f->dev, 0), "usblp");
	unplug_all(f);
}

static void test_status_polling(void **state)
{
	(void)state;
	static const struct {
		enum model_printer_state s;
		struct printer_status want;
		enum printer_pending why;
	} cases[] = {
	    {MODEL_PRINTER_OK, {.online = 1}, PRINTER_PENDING_NONE},
	    {MODEL_PRINTER_NEAR_END, {.online = 1, .paper_near_end = 1}, PRINTER_PENDING_NONE},
	    {MODEL_PRINTER_PAPER_OUT, {.paper_out = 1}, PRINTER_PENDING_PAPER_OUT},
	    {MODEL_PRINTER_COVER_OPEN, {.cover_open = 1}, PRINTER_PENDING_COVER_OPEN},
	    {MODEL_PRINTER_OFFLINE, {.online = 0}, PRINTER_PENDING_OFFLINE},
	};
	struct fixture *f = plug_open();
	for (int round = 0; round < 2; round++)
		for (size_t i = 0; i < N(cases); i++) {
			model_printer_set_state(&f->model, cases[i].s);
			struct printer_status st;
			assert_int_equal(printer_dev_status(f->prn, &st, TIMEOUT), DRV_OK);
			assert_memory_equal(&st, &cases[i].want, sizeof(st));
			assert_int_equal(printer_job_blocker(&st), cases[i].why);
		}
	assert_int_equal(model_printer_requests(&f->model), 2 * N(cases) * 3);
	/* Blocked before the start: nothing but status requests goes out. */
	model_printer_clear(&f->model);
	model_printer_set_state(&f->model, MODEL_PRINTER_COVER_OPEN);
	assert_int_equal(step(f), PRINTER_JOB_PENDING);
	assert_int_equal(f->p.pending, PRINTER_PENDING_COVER_OPEN);
	size_t len = 0, reqs = 0;
	free(printed(f, &len, &reqs));
	assert_int_equal(len, 0);
	assert_int_equal(reqs, 3);
	unplug_all(f);
}

/* DLE EOT 4 inside the raster: the printer answers it (0x1E near end);
 * without draining, that byte would be read as the answer to DLE EOT 1 and
 * say "offline". */
static void test_stray_answers_drained(void **state)
{
	(void)state;
	struct fixture *f = plug_open();
	escpos_buf_cleanup(&f->job);
	make_job(&f->job, 300, 1);
	model_printer_set_state(&f->model, MODEL_PRINTER_NEAR_END);
	assert_int_equal(step(f), PRINTER_JOB_DONE);
	assert_int_equal(f->p.status.online, 1);
	assert_int_equal(f->p.status.paper_near_end, 1);
	/* rows 0, 50, ..., 250 each carried one: 6 strays beside our 15 */
	assert_int_equal(model_printer_requests(&f->model), 15 + 6);
	assert_int_equal(usbsim_dev_in_queued(f->dev, MODEL_PRINTER_IN_EP), 0);
	size_t len = 0, reqs = 0;
	uint8_t *got = printed(f, &len, &reqs);
	free(got);
	assert_int_equal(len, f->job.len);
	unplug_all(f);
}

static void test_paper_out_mid_job(void **state)
{
	(void)state;
	struct fixture *f = plug_open();
	model_printer_paper_out_after(&f->model, 5000);
	assert_int_equal(step(f), PRINTER_JOB_PENDING);
	assert_int_equal(f->p.pending, PRINTER_PENDING_PAPER_OUT);
	assert_int_equal(f->p.sent, 2 + 2 * 4088); /* the second chunk crossed 5000 */
	assert_int_equal(f->p.done, 0);
	/* Still out: nothing sent. */
	model_printer_clear(&f->model);
	assert_int_equal(step(f), PRINTER_JOB_PENDING);
	size_t len = 0, reqs = 0;
	free(printed(f, &len, &reqs));
	assert_int_equal(len, 0);
	assert_int_equal(reqs, 3);
	/* Paper back: ESC @ and the whole job. */
	model_printer_clear(&f->model);
	model_printer_set_state(&f->model, MODEL_PRINTER_OK);
	assert_int_equal(step(f), PRINTER_JOB_DONE);
	expect_printed(f, 0, 15);
	assert_int_equal(f->p.attempts, 2);
	unplug_all(f);
}

static void test_unplug_then_replug(void **state)
{
	(void)state;
	struct fixture *f = plug_open();
	unsigned arrived = usbsim_hotplug_arrived(&f->hp);
	model_printer_unplug_after(&f->model, 6000);
	assert_int_equal(step(f), DRV_ENODEV);
	assert_int_equal(f->p.done, 0);
	/* While it is gone, everything fails cleanly. */
	struct printer_status st;
	assert_int_equal(printer_dev_status(f->prn, &st, TIMEOUT), DRV_ENODEV);
	assert_int_equal(printer_dev_write(f->prn, f->job.data, 2, TIMEOUT), DRV_ENODEV);
	assert_int_equal(step(f), DRV_ENODEV);
	/* Back: the same device object prints the job from its start. */
	model_printer_clear(&f->model);
	usbsim_dev_replug(f->dev, 0);
	assert_int_equal(usbsim_hotplug_wait_arrived(&f->hp, arrived + 1, HOTPLUG_MS), 0);
	assert_int_equal(step(f), PRINTER_JOB_DONE);
	size_t longest = 0;
	assert_int_equal(escpos_longest_command(f->job.data, f->job.len, &longest), DRV_OK);
	expect_printed(f, longest, 15);
	assert_string_equal(usbsim_dev_driver(f->dev, 0), "usbfs"); /* re-opened, detached */
	unplug_all(f);
}

static void test_cannot_open(void **state)
{
	(void)state;
	/* Nothing attached. */
	struct usbsim *sim = usbsim_new();
	struct usb_ctx *ctx = NULL;
	struct printer_dev *d = (struct printer_dev *)0x1;
	assert_int_equal(usb_ctx_new(printer_usb_matches, N(printer_usb_matches), &ctx), DRV_OK);
	assert_int_equal(printer_usb_open(ctx, &d), DRV_ENOTFOUND);
	assert_ptr_equal(d, (struct printer_dev *)0x1);
	assert_int_equal(printer_usb_open(NULL, &d), DRV_EINVAL);
	usb_ctx_free(ctx);
	usbsim_free(sim);
	/* A unidirectional printer (7/1/1): no status, refused. */
	struct fixture *f = plug(0);
	assert_int_equal(printer_usb_open(f->ctx, &f->prn), DRV_ENOTSUP);
	assert_null(f->prn);
	assert_string_equal(usbsim_dev_driver(f->dev, 0), "usblp");
	unplug_all(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_print_page),
	    cmocka_unit_test(test_status_polling),
	    cmocka_unit_test(test_stray_answers_drained),
	    cmocka_unit_test(test_paper_out_mid_job),
	    cmocka_unit_test(test_unplug_then_replug),
	    cmocka_unit_test(test_cannot_open),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
