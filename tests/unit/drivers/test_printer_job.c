/* printer_proto's status query and printer_job's state machine over the
 * fake byte link: paper out before the start and mid-job, cover open,
 * offline, error, resume after the paper is back (the whole job again after
 * ESC @, zero padding after a broken write), unplug, stale and foreign IN
 * bytes, chunks that never split a command. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "escpos.h"
#include "fake_link.h"
#include "printer.h"
#include "printer_job.h"
#include "printer_page.h"

#define N(a)	(sizeof(a) / sizeof((a)[0]))
#define TIMEOUT 1000

/* Answers to DLE EOT 1, 2, 4 for each printer condition. */
struct answers {
	uint8_t n1, n2, n4;
};
static const struct answers ST_OK = {0x12, 0x12, 0x12};
static const struct answers ST_NEAR_END = {0x12, 0x12, 0x1E};
static const struct answers ST_PAPER_OUT = {0x1A, 0x32, 0x72};
static const struct answers ST_COVER_OPEN = {0x1A, 0x16, 0x12};
static const struct answers ST_OFFLINE = {0x1A, 0x12, 0x12};
static const struct answers ST_ERROR = {0x1A, 0x52, 0x12};

/* A printer_dev in front of the proto device: records each job write's
 * size and can break the n-th write after letting part of it through. */
struct tap {
	struct printer_dev base;
	struct printer_dev *inner;
	size_t writes;
	size_t sizes[64];
	size_t fail_at; /* 1-based write to break; 0 = none */
	int fail_rc;
	size_t fail_pass; /* bytes of the broken write that get through */
};

static int tap_status(struct printer_dev *d, struct printer_status *st, int timeout_ms)
{
	struct tap *t = (struct tap *)d;
	return printer_dev_status(t->inner, st, timeout_ms);
}

static int tap_write(struct printer_dev *d, const uint8_t *buf, size_t len, int timeout_ms)
{
	struct tap *t = (struct tap *)d;
	t->writes++;
	if (t->writes <= N(t->sizes))
		t->sizes[t->writes - 1] = len;
	if (t->writes == t->fail_at) {
		if (t->fail_pass)
			printer_dev_write(t->inner, buf, t->fail_pass, timeout_ms);
		return t->fail_rc;
	}
	return printer_dev_write(t->inner, buf, len, timeout_ms);
}

static void tap_free(struct printer_dev *d)
{
	(void)d;
}

static const struct printer_dev_ops tap_ops = {tap_status, tap_write, tap_free};

struct rig {
	struct fake_link *f;
	struct printer_dev *proto;
	struct tap tap;
	struct escpos_buf job;
	struct printer_job_progress p;
};

/* The job: init, a text line, a 384 x 300 page (4 bands), feed, cut:
 * chunks of 16 (init, text, emphasis off), three bands of 8 + 85 * 48 =
 * 4088 and the last band of 45 rows with the feed and the cut. */
static void make_job(struct escpos_buf *b)
{
	struct printer_page *page = NULL;
	assert_int_equal(printer_page_new(PRINTER_DOTS_58MM, &page), DRV_OK);
	uint32_t seed = 7;
	for (int y = 0; y < 300; y++)
		for (int x = 0; x < PRINTER_DOTS_58MM; x++) {
			seed = seed * 1103515245u + 12345u;
			assert_int_equal(printer_page_set(page, x, y, (seed >> 16) & 1), DRV_OK);
		}
	escpos_buf_init(b, 1 << 20);
	assert_int_equal(escpos_init(b), DRV_OK);
	assert_int_equal(escpos_text(b, "Ticket A42\n"), DRV_OK);
	assert_int_equal(b->len, 13);
	assert_int_equal(escpos_emphasis(b, 0), DRV_OK);
	assert_int_equal(escpos_page(b, page), DRV_OK);
	assert_int_equal(escpos_feed(b, 3), DRV_OK);
	assert_int_equal(escpos_cut(b, ESCPOS_CUT_FULL), DRV_OK);
	printer_page_free(page);
}

static const size_t JOB_CHUNKS[] = {16, 4088, 4088, 4088, 8 + 45 * 48 + 3 + 4};

static int setup(void **state)
{
	struct rig *r = calloc(1, sizeof(*r));
	assert_non_null(r);
	r->f = fake_link_new(64);
	assert_int_equal(printer_proto_open(fake_link_base(r->f), &r->proto), DRV_OK);
	r->tap.base.ops = &tap_ops;
	r->tap.inner = r->proto;
	make_job(&r->job);
	printer_job_progress_init(&r->p);
	*state = r;
	return 0;
}

static int teardown(void **state)
{
	struct rig *r = *state;
	escpos_buf_cleanup(&r->job);
	printer_dev_free(r->proto);
	byte_link_free(fake_link_base(r->f));
	free(r);
	return 0;
}

/* One status query's IN traffic: the drain's read times out, then one
 * answer per request. */
static void queue(struct fake_link *f, struct answers a)
{
	fake_link_push_error(f, DRV_ETIMEOUT);
	fake_link_push_in(f, &a.n1, 1);
	fake_link_push_in(f, &a.n2, 1);
	fake_link_push_in(f, &a.n4, 1);
}

static void queue_n(struct fake_link *f, struct answers a, int n)
{
	for (int i = 0; i < n; i++)
		queue(f, a);
}

/* Splits what was written into the job bytes (status requests removed)
 * and the number of status requests, walking command by command: a request
 * placed inside another command would be swallowed as its data and break
 * the comparison the callers make. */
static size_t strip(struct fake_link *f, uint8_t *out, size_t cap, size_t *requests)
{
	size_t len = 0, n_out = 0;
	const uint8_t *w = fake_link_written(f, &len);
	*requests = 0;
	for (size_t off = 0; off < len;) {
		size_t n = 0;
		assert_int_equal(escpos_command_len(w + off, len - off, &n), DRV_OK);
		if (n == 3 && w[off] == 0x10 && w[off + 1] == 0x04) {
			static const uint8_t kinds[] = {1, 2, 4};
			assert_int_equal(w[off + 2], kinds[*requests % 3]);
			(*requests)++;
		} else {
			assert_true(n_out + n <= cap);
			memcpy(out + n_out, w + off, n);
			n_out += n;
		}
		off += n;
	}
	return n_out;
}

static uint8_t seen[1 << 16];

static void expect_sent(struct rig *r, const uint8_t *prefix, size_t n_prefix, size_t requests)
{
	size_t reqs = 0;
	size_t n = strip(r->f, seen, sizeof(seen), &reqs);
	assert_int_equal(reqs, requests);
	assert_int_equal(n, n_prefix + r->job.len);
	if (n_prefix)
		assert_memory_equal(seen, prefix, n_prefix);
	assert_memory_equal(seen + n_prefix, r->job.data, r->job.len);
}

static void expect_nothing_sent(struct rig *r, size_t requests)
{
	size_t reqs = 0;
	assert_int_equal(strip(r->f, seen, sizeof(seen), &reqs), 0);
	assert_int_equal(reqs, requests);
}

static int step(struct rig *r)
{
	return printer_job_step(&r->tap.base, r->job.data, r->job.len, &r->p, TIMEOUT);
}

static void test_prints_at_once(void **state)
{
	struct rig *r = *state;
	queue_n(r->f, ST_OK, 6); /* before, 4 between chunks, after */
	assert_int_equal(step(r), PRINTER_JOB_DONE);
	expect_sent(r, NULL, 0, 18);
	assert_int_equal(r->tap.writes, N(JOB_CHUNKS));
	for (size_t i = 0; i < N(JOB_CHUNKS); i++)
		assert_int_equal(r->tap.sizes[i], JOB_CHUNKS[i]);
	assert_int_equal(fake_link_pending(r->f), 0);
	assert_int_equal(r->p.done, 1);
	assert_int_equal(r->p.attempts, 1);
	assert_int_equal(r->p.sent, r->job.len);
	assert_int_equal(r->p.dirty, 0);
	assert_int_equal(r->p.pending, PRINTER_PENDING_NONE);
	assert_int_equal(r->p.status.online, 1);
	/* Done stays done, without touching the printer. */
	fake_link_clear_written(r->f);
	assert_int_equal(step(r), PRINTER_JOB_DONE);
	size_t len = 1;
	fake_link_written(r->f, &len);
	assert_int_equal(len, 0);
}

/* Before the start: nothing is sent, the reason is kept. */
static void test_blocked_before_start(void **state)
{
	struct rig *r = *state;
	static const struct {
		const struct answers *st;
		enum printer_pending why;
		const char *code;
	} cases[] = {
	    {&ST_PAPER_OUT, PRINTER_PENDING_PAPER_OUT, "printer_paper_out"},
	    {&ST_COVER_OPEN, PRINTER_PENDING_COVER_OPEN, "printer_cover_open"},
	    {&ST_OFFLINE, PRINTER_PENDING_OFFLINE, "printer_offline"},
	    {&ST_ERROR, PRINTER_PENDING_ERROR, "printer_error"},
	};
	for (size_t i = 0; i < N(cases); i++) {
		fake_link_clear_written(r->f);
		queue(r->f, *cases[i].st);
		assert_int_equal(step(r), PRINTER_JOB_PENDING);
		assert_int_equal(r->p.pending, cases[i].why);
		assert_string_equal(printer_pending_code(r->p.pending), cases[i].code);
		expect_nothing_sent(r, 3);
		assert_int_equal(r->tap.writes, 0);
		assert_int_equal(r->p.attempts, 0);
		assert_int_equal(r->p.done, 0);
	}
	/* Then the printer is fine: printed once, with no resync. */
	fake_link_clear_written(r->f);
	queue_n(r->f, ST_OK, 6);
	assert_int_equal(step(r), PRINTER_JOB_DONE);
	expect_sent(r, NULL, 0, 18);
	assert_int_equal(r->p.attempts, 1);
}

/* Paper runs out after the second chunk: pending; while it is out, nothing
 * is sent; once back, the whole job again after ESC @. */
static void test_paper_out_mid_job(void **state)
{
	struct rig *r = *state;
	queue_n(r->f, ST_OK, 2);
	queue(r->f, ST_PAPER_OUT);
	assert_int_equal(step(r), PRINTER_JOB_PENDING);
	assert_int_equal(r->p.pending, PRINTER_PENDING_PAPER_OUT);
	assert_int_equal(r->p.sent, JOB_CHUNKS[0] + JOB_CHUNKS[1]);
	assert_int_equal(r->p.dirty, 0); /* stopped between commands */
	assert_int_equal(r->p.attempts, 1);
	assert_int_equal(r->p.status.paper_out, 1);
	assert_int_equal(r->p.status.online, 0);
	size_t reqs = 0;
	size_t n = strip(r->f, seen, sizeof(seen), &reqs);
	assert_int_equal(n, JOB_CHUNKS[0] + JOB_CHUNKS[1]);
	assert_memory_equal(seen, r->job.data, n);
	assert_int_equal(reqs, 9);

	fake_link_clear_written(r->f);
	queue(r->f, ST_PAPER_OUT);
	assert_int_equal(step(r), PRINTER_JOB_PENDING);
	expect_nothing_sent(r, 3);
	assert_int_equal(r->p.sent, JOB_CHUNKS[0] + JOB_CHUNKS[1]);

	fake_link_clear_written(r->f);
	queue_n(r->f, ST_OK, 6);
	assert_int_equal(step(r), PRINTER_JOB_DONE);
	static const uint8_t init[] = {0x1B, 0x40};
	expect_sent(r, init, sizeof(init), 18);
	assert_int_equal(r->p.attempts, 2);
	assert_int_equal(r->p.pending, PRINTER_PENDING_NONE);
	assert_int_equal(r->p.sent, r->job.len);
}

/* Each blocker between chunks, and after the last byte. */
static void test_blocked_mid_job_and_at_end(void **state)
{
	struct rig *r = *state;
	static const struct {
		const struct answers *st;
		int ok_before; /* good status queries before it */
		enum printer_pending why;
		size_t sent;
	} cases[] = {
	    {&ST_COVER_OPEN, 1, PRINTER_PENDING_COVER_OPEN, 16},
	    {&ST_OFFLINE, 4, PRINTER_PENDING_OFFLINE, 16 + 3 * 4088},
	    {&ST_ERROR, 3, PRINTER_PENDING_ERROR, 16 + 2 * 4088},
	    {&ST_PAPER_OUT, 5, PRINTER_PENDING_PAPER_OUT, 0}, /* after the last byte */
	};
	for (size_t i = 0; i < N(cases); i++) {
		printer_job_progress_init(&r->p);
		fake_link_clear_written(r->f);
		queue_n(r->f, ST_OK, cases[i].ok_before);
		queue(r->f, *cases[i].st);
		assert_int_equal(step(r), PRINTER_JOB_PENDING);
		assert_int_equal(r->p.pending, cases[i].why);
		assert_int_equal(r->p.sent, cases[i].sent ? cases[i].sent : r->job.len);
		assert_int_equal(r->p.done, 0);
		assert_int_equal(fake_link_pending(r->f), 0);
	}
	/* Even with every byte taken, the resume re-sends the whole job. */
	fake_link_clear_written(r->f);
	queue_n(r->f, ST_OK, 6);
	assert_int_equal(step(r), PRINTER_JOB_DONE);
	static const uint8_t init[] = {0x1B, 0x40};
	expect_sent(r, init, sizeof(init), 18);
}

/* A write breaks part way while the paper runs out (a full buffer): the
 * printer may be inside a band, so the resume first sends zeros as long as
 * the longest command, then ESC @, then the job. */
static void test_broken_write_then_resume(void **state)
{
	struct rig *r = *state;
	r->tap.fail_at = 3;
	r->tap.fail_rc = DRV_ETIMEOUT;
	r->tap.fail_pass = 1000;
	queue_n(r->f, ST_OK, 3);   /* before, after chunks 1 and 2 */
	queue(r->f, ST_PAPER_OUT); /* asked after the broken write */
	assert_int_equal(step(r), PRINTER_JOB_PENDING);
	assert_int_equal(r->p.pending, PRINTER_PENDING_PAPER_OUT);
	assert_int_equal(r->p.dirty, 1);
	assert_int_equal(r->p.sent, JOB_CHUNKS[0] + JOB_CHUNKS[1]);
	assert_int_equal(fake_link_pending(r->f), 0);

	fake_link_clear_written(r->f);
	r->tap.writes = 0;
	r->tap.fail_at = 0;
	queue_n(r->f, ST_OK, 6);
	assert_int_equal(step(r), PRINTER_JOB_DONE);
	static uint8_t prefix[4088 + 2];
	memset(prefix, 0, 4088);
	prefix[4088] = 0x1B;
	prefix[4089] = 0x40;
	expect_sent(r, prefix, sizeof(prefix), 18);
	assert_int_equal(r->tap.sizes[0], 4088); /* zeros: the longest command */
	assert_int_equal(r->tap.sizes[1], 2);	 /* ESC @ */
	assert_int_equal(r->p.dirty, 0);
	assert_int_equal(r->p.attempts, 2);
}

/* A broken write with a good status is the write's error; the next step
 * resynchronises with padding. A status that cannot be read after a broken
 * write leaves the write's error too. */
static void test_broken_write_errors(void **state)
{
	struct rig *r = *state;
	static const struct {
		int rc;
		int status_ok; /* the status after the break answers */
	} cases[] = {{DRV_ETIMEOUT, 1}, {DRV_EIO, 1}, {DRV_EIO, 0}};
	for (size_t i = 0; i < N(cases); i++) {
		printer_job_progress_init(&r->p);
		fake_link_clear_written(r->f);
		r->tap.writes = 0;
		r->tap.fail_at = 2;
		r->tap.fail_rc = cases[i].rc;
		r->tap.fail_pass = 0;
		/* before, after the first chunk, [after the break] */
		queue_n(r->f, ST_OK, cases[i].status_ok ? 3 : 2);
		assert_int_equal(step(r), cases[i].rc);
		assert_int_equal(r->p.dirty, 1);
		assert_int_equal(r->p.done, 0);
		assert_int_equal(r->p.sent, JOB_CHUNKS[0]);
		assert_int_equal(fake_link_pending(r->f), 0);
	}
	r->tap.fail_at = 0;
	fake_link_clear_written(r->f);
	queue_n(r->f, ST_OK, 6);
	assert_int_equal(step(r), PRINTER_JOB_DONE);
	static uint8_t prefix[4088 + 2];
	memset(prefix, 0, 4088);
	prefix[4088] = 0x1B;
	prefix[4089] = 0x40;
	expect_sent(r, prefix, sizeof(prefix), 18);
}

/* Unplugged before the start, and mid-job; after the re-plug the job
 * completes. */
static void test_unplug(void **state)
{
	struct rig *r = *state;
	fake_link_set_unplugged(r->f, 1);
	assert_int_equal(step(r), DRV_ENODEV);
	assert_int_equal(r->p.attempts, 0);
	assert_int_equal(r->tap.writes, 0);
	fake_link_set_unplugged(r->f, 0);

	/* Gone during the third chunk. */
	r->tap.fail_at = 3;
	r->tap.fail_rc = DRV_ENODEV;
	queue_n(r->f, ST_OK, 3);
	assert_int_equal(step(r), DRV_ENODEV);
	assert_int_equal(r->p.dirty, 1);
	assert_int_equal(fake_link_pending(r->f), 0); /* no status asked after it */

	/* Gone between chunks: the status query fails. */
	printer_job_progress_init(&r->p);
	r->tap.fail_at = 0;
	queue(r->f, ST_OK);
	fake_link_push_error(r->f, DRV_ENODEV); /* the drain */
	assert_int_equal(step(r), DRV_ENODEV);
	assert_int_equal(r->p.dirty, 0);
	assert_int_equal(r->p.sent, JOB_CHUNKS[0]);

	/* Back. */
	fake_link_clear_written(r->f);
	queue_n(r->f, ST_OK, 6);
	assert_int_equal(step(r), PRINTER_JOB_DONE);
	static const uint8_t init[] = {0x1B, 0x40};
	expect_sent(r, init, sizeof(init), 18);
}

/* No answer before the start: an error, nothing sent. No answer between
 * chunks: an error after a clean stop (ESC @ alone on resume). */
static void test_status_timeouts(void **state)
{
	struct rig *r = *state;
	assert_int_equal(step(r), DRV_ETIMEOUT);
	expect_nothing_sent(r, 1);
	assert_int_equal(r->p.attempts, 0);

	fake_link_clear_written(r->f);
	queue_n(r->f, ST_OK, 3);
	assert_int_equal(step(r), DRV_ETIMEOUT);
	assert_int_equal(r->p.dirty, 0);
	assert_int_equal(r->p.sent, 16 + 2 * 4088);

	fake_link_clear_written(r->f);
	queue_n(r->f, ST_OK, 6);
	assert_int_equal(step(r), PRINTER_JOB_DONE);
	static const uint8_t init[] = {0x1B, 0x40};
	expect_sent(r, init, sizeof(init), 18);
}

/* Near end of paper is a warning: the job completes and says so. */
static void test_near_end_prints(void **state)
{
	struct rig *r = *state;
	queue_n(r->f, ST_NEAR_END, 6);
	assert_int_equal(step(r), PRINTER_JOB_DONE);
	assert_int_equal(r->p.status.paper_near_end, 1);
	assert_int_equal(r->p.pending, PRINTER_PENDING_NONE);
}

/* The app marks a job the kiosk died sending: zeros + ESC @ first. */
static void test_crash_recovery(void **state)
{
	struct rig *r = *state;
	r->p.dirty = 1;
	queue_n(r->f, ST_OK, 6);
	assert_int_equal(step(r), PRINTER_JOB_DONE);
	static uint8_t prefix[4088 + 2];
	memset(prefix, 0, 4088);
	prefix[4088] = 0x1B;
	prefix[4089] = 0x40;
	expect_sent(r, prefix, sizeof(prefix), 18);
	assert_int_equal(r->p.attempts, 1);
}

/* A command longer than a chunk goes alone in one write; small commands
 * around it are grouped. */
static void test_big_command_alone(void **state)
{
	struct rig *r = *state;
	static uint8_t data[5000];
	memset(data, '9', sizeof(data));
	escpos_buf_cleanup(&r->job);
	escpos_buf_init(&r->job, 1 << 16);
	assert_int_equal(escpos_init(&r->job), DRV_OK);
	assert_int_equal(escpos_qr(&r->job, data, sizeof(data), 3, ESCPOS_QR_ECC_L), DRV_OK);
	assert_int_equal(escpos_cut(&r->job, ESCPOS_CUT_PARTIAL), DRV_OK);
	queue_n(r->f, ST_OK, 4);
	assert_int_equal(step(r), PRINTER_JOB_DONE);
	assert_int_equal(r->tap.writes, 3);
	assert_int_equal(r->tap.sizes[0], 2 + 9 + 8 + 8);
	assert_int_equal(r->tap.sizes[1], 8 + 5000);
	assert_int_equal(r->tap.sizes[2], 8 + 4);
	expect_sent(r, NULL, 0, 12);
}

/* Jobs the walker cannot cut into commands are refused before any status
 * query; an empty job only checks the status. */
static void test_job_refusals(void **state)
{
	struct rig *r = *state;
	static const uint8_t unknown[] = {0x1B, 0x40, 0x1B, 0x26, 0x03, 0x20, 0x20};
	static const uint8_t truncated[] = {0x1B, 0x40, 0x1D, 0x76, 0x30,
					    0x00, 0x01, 0x00, 0x05, 0x00};
	assert_int_equal(printer_job_step(&r->tap.base, unknown, sizeof(unknown), &r->p, TIMEOUT),
			 DRV_EINVAL);
	assert_int_equal(
	    printer_job_step(&r->tap.base, truncated, sizeof(truncated), &r->p, TIMEOUT),
	    DRV_EINVAL);
	assert_int_equal(printer_job_step(NULL, unknown, 1, &r->p, TIMEOUT), DRV_EINVAL);
	assert_int_equal(printer_job_step(&r->tap.base, NULL, 1, &r->p, TIMEOUT), DRV_EINVAL);
	assert_int_equal(printer_job_step(&r->tap.base, unknown, 1, NULL, TIMEOUT), DRV_EINVAL);
	expect_nothing_sent(r, 0);
	queue_n(r->f, ST_OK, 2);
	assert_int_equal(printer_job_step(&r->tap.base, NULL, 0, &r->p, TIMEOUT), PRINTER_JOB_DONE);
	expect_nothing_sent(r, 6);
}

/* The status query: stale answers drained, foreign bytes skipped, the last
 * answer of a transfer taken, short packets, timeouts, garbage. */
static void test_status_query(void **state)
{
	struct rig *r = *state;
	static const uint8_t stale[] = {0x1E, 0x12};
	static const uint8_t asb_then_answer[] = {0x10, 0x00, 0x00, 0x0F, 0x12};
	static const uint8_t two_answers[] = {0x12, 0x1E};
	static const uint8_t junk[] = {0x00, 0xFF};
	struct printer_status st;

	/* Stale answers in two transfers are drained before asking. */
	fake_link_push_in(r->f, stale, 1);
	fake_link_push_in(r->f, stale + 1, 1);
	queue(r->f, ST_NEAR_END);
	assert_int_equal(printer_dev_status(r->proto, &st, TIMEOUT), DRV_OK);
	assert_int_equal(st.paper_near_end, 1);
	assert_int_equal(st.online, 1);
	assert_int_equal(fake_link_pending(r->f), 0);

	/* Automatic status back bytes before the answer; a zero-length packet;
	 * two answers in one transfer (the last is ours). */
	fake_link_push_error(r->f, DRV_ETIMEOUT);
	fake_link_push_in(r->f, asb_then_answer, sizeof(asb_then_answer));
	fake_link_push_in(r->f, NULL, 0);
	fake_link_push_in(r->f, &ST_OK.n2, 1);
	fake_link_push_in(r->f, two_answers, sizeof(two_answers));
	assert_int_equal(printer_dev_status(r->proto, &st, TIMEOUT), DRV_OK);
	assert_int_equal(st.online, 1);
	assert_int_equal(st.paper_near_end, 1);
	assert_int_equal(st.paper_out, 0);

	/* Only garbage: a protocol error, *st untouched. */
	memset(&st, 0x5A, sizeof(st));
	struct printer_status before = st;
	fake_link_push_error(r->f, DRV_ETIMEOUT);
	for (int i = 0; i < 4; i++)
		fake_link_push_in(r->f, junk, sizeof(junk));
	assert_int_equal(printer_dev_status(r->proto, &st, TIMEOUT), DRV_EPROTO);
	assert_memory_equal(&st, &before, sizeof(st));

	/* The second answer never comes. */
	fake_link_push_error(r->f, DRV_ETIMEOUT);
	fake_link_push_in(r->f, &ST_OK.n1, 1);
	assert_int_equal(printer_dev_status(r->proto, &st, TIMEOUT), DRV_ETIMEOUT);
	assert_memory_equal(&st, &before, sizeof(st));

	/* A chatty device: the drain gives up after 16 transfers and asks. */
	for (int i = 0; i < 16; i++)
		fake_link_push_in(r->f, junk, 1);
	fake_link_push_in(r->f, &ST_OFFLINE.n1, 1);
	fake_link_push_in(r->f, &ST_OFFLINE.n2, 1);
	fake_link_push_in(r->f, &ST_OFFLINE.n4, 1);
	assert_int_equal(printer_dev_status(r->proto, &st, TIMEOUT), DRV_OK);
	assert_int_equal(st.online, 0);

	/* Write failures. */
	fake_link_push_error(r->f, DRV_ETIMEOUT);
	fake_link_fail_next_write(r->f, DRV_EIO);
	assert_int_equal(printer_dev_status(r->proto, &st, TIMEOUT), DRV_EIO);
	assert_int_equal(fake_link_pending(r->f), 0);

	/* The requests on the wire: DLE EOT 1, 2, 4. */
	fake_link_clear_written(r->f);
	queue(r->f, ST_OK);
	assert_int_equal(printer_dev_status(r->proto, &st, TIMEOUT), DRV_OK);
	static const uint8_t want[] = {0x10, 0x04, 0x01, 0x10, 0x04, 0x02, 0x10, 0x04, 0x04};
	size_t len = 0;
	const uint8_t *w = fake_link_written(r->f, &len);
	assert_int_equal(len, sizeof(want));
	assert_memory_equal(w, want, sizeof(want));
	assert_int_equal(fake_link_write_count(r->f), 3);
	assert_int_equal(printer_proto_open(NULL, &r->proto), DRV_EINVAL);
}

static void test_blocker_and_texts(void **state)
{
	(void)state;
	static const struct {
		struct printer_status st;
		enum printer_pending why;
	} cases[] = {
	    {{.online = 1}, PRINTER_PENDING_NONE},
	    {{.online = 1, .paper_near_end = 1}, PRINTER_PENDING_NONE},
	    {{.online = 0}, PRINTER_PENDING_OFFLINE},
	    {{.online = 1, .error = 1}, PRINTER_PENDING_ERROR},
	    {{.online = 0, .paper_out = 1, .error = 1}, PRINTER_PENDING_PAPER_OUT},
	    {{.online = 0, .cover_open = 1, .paper_out = 1}, PRINTER_PENDING_COVER_OPEN},
	};
	for (size_t i = 0; i < N(cases); i++)
		assert_int_equal(printer_job_blocker(&cases[i].st), cases[i].why);
	assert_string_equal(printer_pending_code(PRINTER_PENDING_NONE), "");
	assert_string_equal(printer_pending_text(PRINTER_PENDING_NONE), "");
	for (int w = PRINTER_PENDING_COVER_OPEN; w <= PRINTER_PENDING_OFFLINE; w++) {
		const char *code = printer_pending_code((enum printer_pending)w);
		assert_true(strncmp(code, "printer_", 8) == 0);
		for (const char *c = code; *c; c++)
			assert_true((*c >= 'a' && *c <= 'z') || *c == '_');
		assert_true(strlen(printer_pending_text((enum printer_pending)w)) > 10);
	}
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
	    T(test_prints_at_once),
	    T(test_blocked_before_start),
	    T(test_paper_out_mid_job),
	    T(test_blocked_mid_job_and_at_end),
	    T(test_broken_write_then_resume),
	    T(test_broken_write_errors),
	    T(test_unplug),
	    T(test_status_timeouts),
	    T(test_near_end_prints),
	    T(test_crash_recovery),
	    T(test_big_command_alone),
	    T(test_job_refusals),
	    T(test_status_query),
	    cmocka_unit_test(test_blocker_and_texts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
