/*
 * The scanner device over a byte link (scanner_link_open) on the fake
 * link, with a scripted clock so nothing sleeps: whole scans, timeouts
 * with a scan still arriving, the inter-key gap, unplug and transfer
 * errors mid-scan, malformed reports, overflow, the caller's cap, HID POS
 * reports, and the open/free contract.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "fake_link.h"
#include "scanner.h"
#include "scanner_kbd.h"
#include "scanner_pos.h"

/* A clock that moves `step` ms each time it is read. */
struct fclock {
	int64_t t, step;
};

static int64_t fclock_now(void *arg)
{
	struct fclock *c = arg;
	return c->t += c->step;
}

struct fixture {
	struct fake_link *f;
	struct fclock clock;
	struct scanner_dev *dev;
	struct scanner_link_hooks hooks;
	int released;
	int resumes;   /* resume calls */
	int resume_rc; /* what resume answers */
};

static void on_release(void *arg)
{
	((struct fixture *)arg)->released++;
}

static int on_resume(void *arg)
{
	struct fixture *x = arg;
	x->resumes++;
	return x->resume_rc;
}

static void open_dev(struct fixture *x, enum scanner_mode mode, size_t packet, int aim_prefix)
{
	memset(x, 0, sizeof(*x));
	x->f = fake_link_new(packet);
	x->hooks = (struct scanner_link_hooks){on_release, on_resume, x};
	x->clock.step = 10;
	struct scanner_config cfg;
	scanner_config_init(&cfg);
	cfg.mode = mode;
	cfg.aim_prefix = aim_prefix;
	cfg.now_ms = fclock_now;
	cfg.clock_arg = &x->clock;
	assert_int_equal(scanner_link_open(fake_link_base(x->f), &cfg, &x->hooks, &x->dev), DRV_OK);
}

static void close_dev(struct fixture *x)
{
	scanner_dev_free(x->dev);
	assert_int_equal(x->released, 1);
}

/* Queues the reports a keyboard-wedge scanner sends for text: each key
 * down, then all keys up; then Enter when `enter`. */
static void push_typed(struct fake_link *f, const char *text, int enter)
{
	static const uint8_t up[8] = {0};
	for (const char *c = text; *c; c++) {
		uint8_t usage, mods;
		assert_int_equal(scanner_kbd_key(*c, &usage, &mods), 1);
		uint8_t down[8] = {mods, 0, usage};
		fake_link_push_in(f, down, 8);
		fake_link_push_in(f, up, 8);
	}
	if (enter) {
		uint8_t down[8] = {0, 0, 0x28};
		fake_link_push_in(f, down, 8);
		fake_link_push_in(f, up, 8);
	}
}

static void expect_read(struct fixture *x, int timeout_ms, const char *want)
{
	char out[SCANNER_SCAN_MAX + 1];
	size_t len = 0;
	assert_int_equal(scanner_dev_read(x->dev, out, sizeof(out), &len, timeout_ms), DRV_OK);
	assert_int_equal(len, strlen(want));
	assert_string_equal(out, want);
}

static void expect_rc(struct fixture *x, int timeout_ms, int rc)
{
	char out[16] = "untouched";
	size_t len = 77;
	assert_int_equal(scanner_dev_read(x->dev, out, sizeof(out), &len, timeout_ms), rc);
	assert_string_equal(out, "untouched");
	assert_int_equal(len, 77);
}

static void test_scans(void **state)
{
	(void)state;
	struct fixture x;
	open_dev(&x, SCANNER_MODE_KEYBOARD, 8, 0);
	push_typed(x.f, "HC1:NCF", 1);
	push_typed(x.f,
		   "0106901234567892\x1d"
		   "10LOT42",
		   1);
	expect_read(&x, 1000, "HC1:NCF");
	expect_read(&x, -1,
		    "0106901234567892\x1d"
		    "10LOT42");
	/* A read ends at Enter: the all-up report after it is left queued. */
	assert_int_equal(fake_link_pending(x.f), 1);
	close_dev(&x);
}

static void test_timeouts(void **state)
{
	(void)state;
	struct fixture x;
	open_dev(&x, SCANNER_MODE_KEYBOARD, 8, 0);
	/* Nothing scanned. */
	expect_rc(&x, 100, DRV_ETIMEOUT);
	expect_rc(&x, 0, DRV_ETIMEOUT);
	/* A whole scan already queued is read even with timeout 0. */
	push_typed(x.f, "abc", 1);
	expect_read(&x, 0, "abc");
	/* A scan still arriving when the time is up is kept for the next
	 * read (the gap, 500 ms, has not passed). */
	push_typed(x.f, "ab", 0);
	expect_rc(&x, 100, DRV_ETIMEOUT);
	push_typed(x.f, "c", 1);
	expect_read(&x, 100, "abc");
	close_dev(&x);
}

static void test_gap_mid_scan(void **state)
{
	(void)state;
	struct fixture x;
	open_dev(&x, SCANNER_MODE_KEYBOARD, 8, 0);
	push_typed(x.f, "0106901234", 0);
	/* The scanner stops mid-code: a distinct error, not "0106901234". */
	expect_rc(&x, 5000, SCANNER_EPARTIAL);
	/* Its tail comes right after: dropped up to its Enter. */
	push_typed(x.f, "567892", 1);
	expect_rc(&x, 100, DRV_ETIMEOUT);
	expect_rc(&x, 100, DRV_ETIMEOUT);
	assert_int_equal(fake_link_pending(x.f), 0);
	/* The next scan, after a silence, is whole. */
	x.clock.t += 1000;
	push_typed(x.f, "01069012345678", 1);
	expect_read(&x, 100, "01069012345678");
	close_dev(&x);
}

static void test_unplug_mid_scan(void **state)
{
	(void)state;
	struct fixture x;
	open_dev(&x, SCANNER_MODE_KEYBOARD, 8, 0);
	push_typed(x.f, "HC1:AB", 0);
	fake_link_push_error(x.f, DRV_ENODEV);
	expect_rc(&x, 1000, DRV_ENODEV);
	/* While unplugged every read says so. */
	fake_link_set_unplugged(x.f, 1);
	expect_rc(&x, 1000, DRV_ENODEV);
	expect_rc(&x, 1000, DRV_ENODEV);
	/* Each read after an unplug first asks the transport to resume; while
	 * it says the device is still gone, the link is not even read. */
	assert_int_equal(x.resumes, 2);
	x.resume_rc = DRV_ENODEV;
	fake_link_set_unplugged(x.f, 0);
	push_typed(x.f, "XY", 1);
	expect_rc(&x, 1000, DRV_ENODEV);
	assert_int_equal(x.resumes, 3);
	assert_int_equal(fake_link_pending(x.f), 6);
	/* Plugged back in: the half scan is gone, a new one is whole; a
	 * failed set-up (a stall) does not stop reading. */
	x.resume_rc = DRV_EIO;
	expect_read(&x, 1000, "XY");
	assert_int_equal(x.resumes, 4);
	push_typed(x.f, "Z", 1);
	expect_read(&x, 1000, "Z");
	assert_int_equal(x.resumes, 4);
	close_dev(&x);
}

static void test_transfer_error_mid_scan(void **state)
{
	(void)state;
	struct fixture x;
	open_dev(&x, SCANNER_MODE_KEYBOARD, 8, 0);
	push_typed(x.f, "abc", 0);
	fake_link_push_error(x.f, DRV_EIO);
	push_typed(x.f, "def", 1);
	expect_rc(&x, 1000, DRV_EIO);
	/* A report was lost: the rest of that scan is not a scan. */
	expect_rc(&x, 100, DRV_ETIMEOUT);
	x.clock.t += 1000;
	push_typed(x.f, "ghi", 1);
	expect_read(&x, 100, "ghi");
	close_dev(&x);
}

static void test_bad_report(void **state)
{
	(void)state;
	struct fixture x;
	open_dev(&x, SCANNER_MODE_KEYBOARD, 64, 0);
	/* 8-byte reports on a 64-byte endpoint are fine. */
	push_typed(x.f, "ok", 1);
	expect_read(&x, 1000, "ok");
	/* A HID POS report to a keyboard decoder: a protocol error. */
	uint8_t r[64] = {0x02, 3, ']', 'Q', '1', 'a', 'b', 'c'};
	fake_link_push_in(x.f, r, sizeof(r));
	expect_rc(&x, 1000, DRV_EPROTO);
	close_dev(&x);
}

static void test_overflow_and_cap(void **state)
{
	(void)state;
	struct fixture x;
	open_dev(&x, SCANNER_MODE_KEYBOARD, 8, 0);
	x.clock.step = 1;
	static char big[SCANNER_SCAN_MAX + 2];
	memset(big, 'Z', SCANNER_SCAN_MAX + 1);
	push_typed(x.f, big, 1);
	expect_rc(&x, 1000, SCANNER_EOVERFLOW);
	/* The rest of the long code is dropped, the next scan is whole. */
	push_typed(x.f, "next", 1);
	expect_read(&x, 1000, "next");
	/* A caller's cap too small for the scan. */
	push_typed(x.f, "0123456789ABCDEFGHIJ", 1);
	char small[8] = "keep";
	size_t len = 5;
	assert_int_equal(scanner_dev_read(x.dev, small, sizeof(small), &len, 1000),
			 SCANNER_EOVERFLOW);
	assert_string_equal(small, "keep");
	assert_int_equal(len, 5);
	expect_rc(&x, 0, DRV_ETIMEOUT);
	close_dev(&x);
}

static void push_pos(struct fake_link *f, const char *aim, const char *data, size_t n, int more)
{
	uint8_t r[64] = {0x02, (uint8_t)n};
	memcpy(r + 2, aim, 3);
	memcpy(r + 5, data, n);
	r[63] = (uint8_t)more;
	fake_link_push_in(f, r, sizeof(r));
}

static void test_pos(void **state)
{
	(void)state;
	struct fixture x;
	open_dev(&x, SCANNER_MODE_POS, 64, 0);
	push_pos(x.f, "]Q1", "12345678901234567890123456789012345678901234567890123456", 56, 1);
	push_pos(x.f, "]Q1", "7890", 4, 0);
	expect_read(&x, 1000, "123456789012345678901234567890123456789012345678901234567890");
	/* Half a multi-report scan, then silence. */
	push_pos(x.f, "]Q1", "half", 4, 1);
	expect_rc(&x, 5000, SCANNER_EPARTIAL);
	/* A keyboard report to the HID POS decoder. */
	uint8_t kb[8] = {0x02, 0, 4};
	fake_link_push_in(x.f, kb, 8);
	expect_rc(&x, 1000, DRV_EPROTO);
	/* Unplug mid-scan, then a whole scan. */
	push_pos(x.f, "]Q1", "lost", 4, 1);
	fake_link_push_error(x.f, DRV_ENODEV);
	expect_rc(&x, 1000, DRV_ENODEV);
	push_pos(x.f, "]d2", "0106901234567892", 16, 0);
	expect_read(&x, 1000, "0106901234567892");
	close_dev(&x);

	open_dev(&x, SCANNER_MODE_POS, 64, 1);
	push_pos(x.f, "]d2", "0106901234567892", 16, 0);
	expect_read(&x, 1000, "]d20106901234567892");
	close_dev(&x);
}

static void test_open_contract(void **state)
{
	(void)state;
	struct scanner_config cfg;
	scanner_config_init(&cfg);
	assert_int_equal(cfg.mode, SCANNER_MODE_AUTO);
	assert_int_equal(cfg.gs_substitute, 0);
	assert_int_equal(cfg.ctrl_gs, 1);
	assert_int_equal(cfg.gap_ms, SCANNER_GAP_DEFAULT_MS);
	/* Bad settings: the link is freed (ASan checks) and release runs. */
	static const struct {
		enum scanner_mode mode;
		char gs;
		int gap;
	} bad[] = {
	    {SCANNER_MODE_AUTO, 0, 500},	{(enum scanner_mode)7, 0, 500},
	    {SCANNER_MODE_KEYBOARD, 0x1D, 500}, {SCANNER_MODE_KEYBOARD, ' ', 500},
	    {SCANNER_MODE_KEYBOARD, 0x7F, 500}, {SCANNER_MODE_KEYBOARD, 0, 0},
	    {SCANNER_MODE_POS, 0, 60001},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct fixture x = {0};
		cfg.mode = bad[i].mode;
		cfg.gs_substitute = bad[i].gs;
		cfg.gap_ms = bad[i].gap;
		struct scanner_dev *dev = (struct scanner_dev *)&x;
		assert_int_equal(
		    scanner_link_open(fake_link_base(fake_link_new(8)), &cfg,
				      &(struct scanner_link_hooks){on_release, NULL, &x}, &dev),
		    DRV_EINVAL);
		assert_ptr_equal(dev, (struct scanner_dev *)&x);
		assert_int_equal(x.released, 1);
	}
	scanner_config_init(&cfg);
	cfg.mode = SCANNER_MODE_KEYBOARD;
	cfg.gs_substitute = '~';
	assert_int_equal(scanner_config_check(&cfg), DRV_OK);
	assert_int_equal(scanner_config_check(NULL), DRV_EINVAL);
	struct scanner_dev *dev = NULL;
	assert_int_equal(scanner_link_open(NULL, &cfg, NULL, &dev), DRV_EINVAL);
	/* No hooks are fine; the real clock is used. */
	assert_int_equal(scanner_link_open(fake_link_base(fake_link_new(8)), &cfg, NULL, &dev),
			 DRV_OK);
	size_t len;
	assert_int_equal(scanner_dev_read(dev, NULL, 10, &len, 0), DRV_EINVAL);
	char out[8];
	assert_int_equal(scanner_dev_read(dev, out, sizeof(out), NULL, 0), DRV_EINVAL);
	assert_int_equal(scanner_dev_read(dev, out, sizeof(out), &len, 0), DRV_ETIMEOUT);
	scanner_dev_free(dev);
	scanner_dev_free(NULL);
}

static void test_strerror(void **state)
{
	(void)state;
	assert_string_equal(scanner_strerror(SCANNER_EPARTIAL),
			    "incomplete scan discarded (the scanner paused mid-code)");
	assert_string_equal(scanner_strerror(SCANNER_EOVERFLOW), "scan too long, discarded");
	assert_string_equal(scanner_strerror(DRV_ENODEV), drv_strerror(DRV_ENODEV));
	assert_string_equal(scanner_strerror(DRV_OK), "success");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_scans),
	    cmocka_unit_test(test_timeouts),
	    cmocka_unit_test(test_gap_mid_scan),
	    cmocka_unit_test(test_unplug_mid_scan),
	    cmocka_unit_test(test_transfer_error_mid_scan),
	    cmocka_unit_test(test_bad_report),
	    cmocka_unit_test(test_overflow_and_cap),
	    cmocka_unit_test(test_pos),
	    cmocka_unit_test(test_open_contract),
	    cmocka_unit_test(test_strerror),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
