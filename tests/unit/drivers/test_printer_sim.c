/* sim_printer: receipts as .bin and .pbm files split at cuts, jobs through
 * printer_job_step, paper out by call, part way through a job and by
 * switch file, cover open, offline, unplug, numbering across devices. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "escpos.h"
#include "escpos_raster.h"
#include "printer_job.h"
#include "printer_page.h"
#include "sim_printer.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

struct rig {
	char dir[256];
	struct printer_dev *dev;
	struct printer_page *page;
	struct escpos_buf job;
};

/* A 384 x 200 page with a frame and a diagonal; the job prints it. */
static int setup(void **state)
{
	struct rig *r = calloc(1, sizeof(*r));
	assert_non_null(r);
	assert_int_equal(escpos_raster_tmpdir("simprn", r->dir, sizeof(r->dir)), 0);
	assert_int_equal(sim_printer_open(r->dir, PRINTER_DOTS_58MM, &r->dev), DRV_OK);
	assert_int_equal(printer_page_new(PRINTER_DOTS_58MM, &r->page), DRV_OK);
	assert_int_equal(printer_page_fill(r->page, 0, 0, 384, 3, 1), DRV_OK);
	for (int y = 0; y < 200; y++)
		assert_int_equal(printer_page_set(r->page, y, y, 1), DRV_OK);
	assert_int_equal(printer_page_fill(r->page, 0, 197, 384, 3, 1), DRV_OK);
	escpos_buf_init(&r->job, 1 << 20);
	assert_int_equal(escpos_init(&r->job), DRV_OK);
	assert_int_equal(escpos_page(&r->job, r->page), DRV_OK);
	assert_int_equal(escpos_cut(&r->job, ESCPOS_CUT_FULL), DRV_OK);
	*state = r;
	return 0;
}

static int teardown(void **state)
{
	struct rig *r = *state;
	printer_dev_free(r->dev);
	escpos_buf_cleanup(&r->job);
	printer_page_free(r->page);
	assert_int_equal(escpos_raster_rmdir(r->dir), 0);
	free(r);
	return 0;
}

static size_t read_file(const char *path, uint8_t *buf, size_t cap)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	size_t n = fread(buf, 1, cap, f);
	assert_int_equal(fgetc(f), EOF);
	fclose(f);
	return n;
}

static uint8_t got[1 << 17], want[1 << 17];

/* Receipt n's .bin is bytes[0..len) and its .pbm is `page`. */
static void expect_receipt(struct rig *r, unsigned n, const uint8_t *bytes, size_t len,
			   const struct printer_page *page)
{
	char path[512];
	assert_int_equal(sim_printer_receipt_path(r->dev, n, "bin", path, sizeof(path)), DRV_OK);
	assert_int_equal(read_file(path, got, sizeof(got)), len);
	assert_memory_equal(got, bytes, len);
	assert_int_equal(sim_printer_receipt_path(r->dev, n, "pbm", path, sizeof(path)), DRV_OK);
	size_t n_got = read_file(path, got, sizeof(got));
	char ref[512];
	snprintf(ref, sizeof(ref), "%s/ref.pbm", r->dir);
	assert_int_equal(printer_page_save_pbm(page, ref), DRV_OK);
	size_t n_want = read_file(ref, want, sizeof(want));
	unlink(ref);
	assert_int_equal(n_got, n_want);
	assert_memory_equal(got, want, n_want);
}

static struct printer_job_progress progress(void)
{
	struct printer_job_progress p;
	printer_job_progress_init(&p);
	return p;
}

static int step(struct rig *r, struct printer_job_progress *p)
{
	return printer_job_step(r->dev, r->job.data, r->job.len, p, 1000);
}

static void test_job_prints_receipt(void **state)
{
	struct rig *r = *state;
	struct printer_status st;
	assert_int_equal(printer_dev_status(r->dev, &st, 100), DRV_OK);
	assert_int_equal(st.online, 1);
	assert_int_equal(st.paper_out + st.paper_near_end + st.cover_open + st.error, 0);
	struct printer_job_progress p = progress();
	assert_int_equal(step(r, &p), PRINTER_JOB_DONE);
	assert_int_equal(sim_printer_receipts(r->dev), 1);
	expect_receipt(r, 1, r->job.data, r->job.len, r->page);
	char path[512];
	assert_int_equal(sim_printer_receipt_path(r->dev, 1, "bin", path, sizeof(path)), DRV_OK);
	assert_non_null(strstr(path, "/receipt-0001.bin"));
	assert_int_equal(sim_printer_receipt_path(r->dev, 2, "bin", path, sizeof(path)),
			 DRV_EINVAL);
	assert_int_equal(sim_printer_receipt_path(r->dev, 0, "bin", path, sizeof(path)),
			 DRV_EINVAL);
	assert_int_equal(sim_printer_receipt_path(r->dev, 1, "bin", path, 10), DRV_EINVAL);
}

/* Cuts end receipts wherever the writes split: two receipts in pieces of
 * 7 bytes, the cut itself split across writes. */
static void test_cuts_split_receipts(void **state)
{
	struct rig *r = *state;
	static uint8_t two[1 << 16];
	memcpy(two, r->job.data, r->job.len);
	memcpy(two + r->job.len, r->job.data, r->job.len);
	static const uint8_t tail[] = {0x1B, 0x40, 'x'}; /* no cut yet */
	memcpy(two + 2 * r->job.len, tail, sizeof(tail));
	size_t len = 2 * r->job.len + sizeof(tail);
	for (size_t off = 0; off < len; off += 7)
		assert_int_equal(
		    printer_dev_write(r->dev, two + off, len - off < 7 ? len - off : 7, 100),
		    DRV_OK);
	assert_int_equal(sim_printer_receipts(r->dev), 2);
	expect_receipt(r, 1, r->job.data, r->job.len, r->page);
	expect_receipt(r, 2, r->job.data, r->job.len, r->page);
	/* The rest becomes a receipt when the device is freed. */
	printer_dev_free(r->dev);
	char path[512];
	snprintf(path, sizeof(path), "%s/receipt-0003.bin", r->dir);
	assert_int_equal(read_file(path, got, sizeof(got)), sizeof(tail));
	assert_memory_equal(got, tail, sizeof(tail));
	/* A new device numbers on from there. */
	assert_int_equal(sim_printer_open(r->dir, PRINTER_DOTS_58MM, &r->dev), DRV_OK);
	assert_int_equal(printer_dev_write(r->dev, r->job.data, r->job.len, 100), DRV_OK);
	assert_int_equal(sim_printer_receipt_path(r->dev, 1, "pbm", path, sizeof(path)), DRV_OK);
	assert_non_null(strstr(path, "/receipt-0004.pbm"));
	expect_receipt(r, 1, r->job.data, r->job.len, r->page);
}

/* Each condition by call: the status says it, writes take nothing, a job
 * stays pending with the reason and prints once it clears. */
static void test_states(void **state)
{
	struct rig *r = *state;
	static const struct {
		enum sim_printer_state s;
		enum printer_pending why;
		int online, paper_out, near_end, cover_open;
	} cases[] = {
	    {SIM_PRINTER_PAPER_OUT, PRINTER_PENDING_PAPER_OUT, 0, 1, 0, 0},
	    {SIM_PRINTER_COVER_OPEN, PRINTER_PENDING_COVER_OPEN, 0, 0, 0, 1},
	    {SIM_PRINTER_OFFLINE, PRINTER_PENDING_OFFLINE, 0, 0, 0, 0},
	};
	for (size_t i = 0; i < N(cases); i++) {
		assert_int_equal(sim_printer_set_state(r->dev, cases[i].s), DRV_OK);
		struct printer_status st;
		assert_int_equal(printer_dev_status(r->dev, &st, 100), DRV_OK);
		assert_int_equal(st.online, cases[i].online);
		assert_int_equal(st.paper_out, cases[i].paper_out);
		assert_int_equal(st.cover_open, cases[i].cover_open);
		assert_int_equal(printer_dev_write(r->dev, r->job.data, 2, 100), DRV_ETIMEOUT);
		struct printer_job_progress p = progress();
		assert_int_equal(step(r, &p), PRINTER_JOB_PENDING);
		assert_int_equal(p.pending, cases[i].why);
		assert_int_equal(sim_printer_receipts(r->dev), 0);
	}
	assert_int_equal(sim_printer_set_state(r->dev, SIM_PRINTER_NEAR_END), DRV_OK);
	struct printer_job_progress p = progress();
	assert_int_equal(step(r, &p), PRINTER_JOB_DONE);
	assert_int_equal(p.status.paper_near_end, 1);
	assert_int_equal(sim_printer_receipts(r->dev), 1);
	assert_int_equal(sim_printer_set_state(r->dev, SIM_PRINTER_OK), DRV_OK);
	assert_int_equal(sim_printer_set_state(r->dev, (enum sim_printer_state)99), DRV_EINVAL);
}

/* The paper runs out part way: a torn receipt, the job pending; paper
 * back: zeros, ESC @ and the whole job in the next receipt, which prints
 * the whole page. */
static void test_paper_out_mid_job(void **state)
{
	struct rig *r = *state;
	assert_int_equal(sim_printer_paper_out_after(r->dev, 5000), DRV_OK);
	struct printer_job_progress p = progress();
	assert_int_equal(step(r, &p), PRINTER_JOB_PENDING);
	assert_int_equal(p.pending, PRINTER_PENDING_PAPER_OUT);
	assert_int_equal(p.dirty, 1);
	assert_int_equal(sim_printer_receipts(r->dev), 1);
	char path[512];
	assert_int_equal(sim_printer_receipt_path(r->dev, 1, "bin", path, sizeof(path)), DRV_OK);
	assert_int_equal(read_file(path, got, sizeof(got)), 5000);
	assert_memory_equal(got, r->job.data, 5000);

	assert_int_equal(step(r, &p), PRINTER_JOB_PENDING); /* still out */
	assert_int_equal(sim_printer_set_state(r->dev, SIM_PRINTER_OK), DRV_OK);
	assert_int_equal(step(r, &p), PRINTER_JOB_DONE);
	assert_int_equal(p.attempts, 2);
	assert_int_equal(sim_printer_receipts(r->dev), 2);
	size_t longest = 0;
	assert_int_equal(escpos_longest_command(r->job.data, r->job.len, &longest), DRV_OK);
	static uint8_t resent[1 << 16];
	memset(resent, 0, longest);
	resent[longest] = 0x1B;
	resent[longest + 1] = 0x40;
	memcpy(resent + longest + 2, r->job.data, r->job.len);
	expect_receipt(r, 2, resent, longest + 2 + r->job.len, r->page);

	/* Running out exactly at the end of a write: the write succeeds. */
	assert_int_equal(sim_printer_paper_out_after(r->dev, 4), DRV_OK);
	assert_int_equal(printer_dev_write(r->dev, r->job.data, 4, 100), DRV_OK);
	assert_int_equal(printer_dev_write(r->dev, r->job.data, 1, 100), DRV_ETIMEOUT);
}

/* Switch files in the directory, for the demo. */
static void test_switch_files(void **state)
{
	struct rig *r = *state;
	static const struct {
		const char *name;
		int online, paper_out, near_end, cover_open;
	} cases[] = {
	    {"paper-out", 0, 1, 0, 0},
	    {"paper-near-end", 1, 0, 1, 0},
	    {"cover-open", 0, 0, 0, 1},
	    {"offline", 0, 0, 0, 0},
	};
	for (size_t i = 0; i < N(cases); i++) {
		char path[512];
		snprintf(path, sizeof(path), "%s/%s", r->dir, cases[i].name);
		FILE *f = fopen(path, "w");
		assert_non_null(f);
		fclose(f);
		struct printer_status st;
		assert_int_equal(printer_dev_status(r->dev, &st, 100), DRV_OK);
		assert_int_equal(st.online, cases[i].online);
		assert_int_equal(st.paper_out, cases[i].paper_out);
		assert_int_equal(st.paper_near_end, cases[i].near_end);
		assert_int_equal(st.cover_open, cases[i].cover_open);
		unlink(path);
		assert_int_equal(printer_dev_status(r->dev, &st, 100), DRV_OK);
		assert_int_equal(st.online, 1);
		assert_int_equal(st.paper_out + st.paper_near_end + st.cover_open, 0);
	}
}

static void test_unplug_and_refusals(void **state)
{
	struct rig *r = *state;
	assert_int_equal(sim_printer_set_unplugged(r->dev, 1), DRV_OK);
	struct printer_status st;
	assert_int_equal(printer_dev_status(r->dev, &st, 100), DRV_ENODEV);
	assert_int_equal(printer_dev_write(r->dev, r->job.data, 1, 100), DRV_ENODEV);
	struct printer_job_progress p = progress();
	assert_int_equal(step(r, &p), DRV_ENODEV);
	assert_int_equal(sim_printer_set_unplugged(r->dev, 0), DRV_OK);
	assert_int_equal(step(r, &p), PRINTER_JOB_DONE);

	/* Not a simulated printer. */
	struct printer_dev other = {NULL};
	assert_int_equal(sim_printer_set_state(&other, SIM_PRINTER_OK), DRV_EINVAL);
	assert_int_equal(sim_printer_set_state(NULL, SIM_PRINTER_OK), DRV_EINVAL);
	assert_int_equal(sim_printer_paper_out_after(&other, 1), DRV_EINVAL);
	assert_int_equal(sim_printer_set_unplugged(&other, 1), DRV_EINVAL);
	assert_int_equal(sim_printer_receipts(&other), 0);
	char path[64];
	assert_int_equal(sim_printer_receipt_path(&other, 1, "bin", path, sizeof(path)),
			 DRV_EINVAL);
	/* Bad opens. */
	struct printer_dev *d = (struct printer_dev *)0x1;
	assert_int_equal(sim_printer_open(r->dir, 0, &d), DRV_EINVAL);
	assert_int_equal(sim_printer_open(r->dir, 1025, &d), DRV_EINVAL);
	assert_int_equal(sim_printer_open("", 384, &d), DRV_EINVAL);
	assert_int_equal(sim_printer_open(NULL, 384, &d), DRV_EINVAL);
	char file[512];
	snprintf(file, sizeof(file), "%s/receipt-0001.bin", r->dir);
	assert_int_equal(sim_printer_open(file, 384, &d), DRV_EIO); /* a file, not a dir */
	snprintf(file, sizeof(file), "%s/no/such", r->dir);
	assert_int_equal(sim_printer_open(file, 384, &d), DRV_EIO);
	assert_ptr_equal(d, (struct printer_dev *)0x1);
	printer_dev_free(NULL);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
	    T(test_job_prints_receipt), T(test_cuts_split_receipts), T(test_states),
	    T(test_paper_out_mid_job),	T(test_switch_files),	     T(test_unplug_and_refusals),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
