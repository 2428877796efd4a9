/*
 * The scanner through drivers/usb and libusb's real Linux backend, against
 * model_scanner on umockdev: usbhid detached on open and re-attached on
 * close, the keyboard mode found from the descriptors and set up (boot
 * protocol, idle 0), scans typed in three report styles, GS, a half scan
 * after a pause (and its tail), an unplug mid-scan (a clean error, the half scan gone)
 * and a replug after which the same device object reads again, the HID
 * POS mode, a report descriptor that stalls, and no scanner attached.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include <umockdev.h>

#include "model_scanner.h"
#include "scanner.h"
#include "usb.h"
#include "usbsim.h"

/* The app's default match: any HID boot keyboard is the scanner; plus the
 * HID POS model by its IDs. */
static const struct usb_match matches[] = {
    {"scanner", 0, 0, 3, 1, 1, -1},
    {"scanner", MODEL_SCANNER_VID, MODEL_SCANNER_PID_POS, -1, -1, -1, -1},
};

#define HOTPLUG_MS 10000 /* for the usb layer's event thread to see a replug */

struct fixture {
	struct usbsim *sim;
	struct model_scanner model;
	struct usbsim_dev *dev;
	struct usb_ctx *ctx;
	struct scanner_dev *s;
	struct usbsim_hotplug hp; /* for waiting on a replug */
};

/* Plugs a scanner of `kind` and opens it with the defaults but gap_ms. */
static struct fixture *plug(enum model_scanner_kind kind, int stall_report_desc, int gap_ms)
{
	struct fixture *f = calloc(1, sizeof(*f));
	assert_non_null(f);
	usbsim_hotplug_init(&f->hp);
	f->sim = usbsim_new();
	assert_true(umockdev_in_mock_environment());
	model_scanner_init(&f->model, kind);
	model_scanner_set_stall_report_desc(&f->model, stall_report_desc);
	f->dev = model_scanner_add(f->sim, &f->model);
	assert_string_equal(usbsim_dev_driver(f->dev, 0), "usbhid");
	assert_int_equal(usb_ctx_new(matches, 2, &f->ctx), DRV_OK);
	assert_int_equal(usb_ctx_watch(f->ctx, usbsim_hotplug_on_watch, &f->hp), DRV_OK);
	struct scanner_config cfg;
	scanner_config_init(&cfg);
	cfg.gap_ms = gap_ms;
	assert_int_equal(scanner_usb_open_with(f->ctx, &cfg, &f->s), DRV_OK);
	/* usbhid was detached, the interface is ours */
	assert_string_equal(usbsim_dev_driver(f->dev, 0), "usbfs");
	return f;
}

static void unplug_all(struct fixture *f)
{
	scanner_dev_free(f->s);
	usb_ctx_free(f->ctx);
	usbsim_free(f->sim);
	usbsim_hotplug_cleanup(&f->hp);
	free(f);
}

static void type(struct fixture *f, const char *text, int end)
{
	assert_true(model_scanner_type(&f->model, text, strlen(text), end) > 0);
}

static void expect_scan(struct fixture *f, const char *want)
{
	char out[SCANNER_SCAN_MAX + 1];
	size_t len = 0;
	assert_int_equal(scanner_dev_read(f->s, out, sizeof(out), &len, 5000), DRV_OK);
	assert_int_equal(len, strlen(want));
	assert_string_equal(out, want);
}

static void expect_rc(struct fixture *f, int timeout_ms, int rc)
{
	char out[8] = "same";
	size_t len = 3;
	assert_int_equal(scanner_dev_read(f->s, out, sizeof(out), &len, timeout_ms), rc);
	assert_string_equal(out, "same");
	assert_int_equal(len, 3);
}

static const char qr[] = "HC1:NCFOXN%TS3DH3ZSUZK+.V0ETD%65NL-AH-R6IOOK.IR9B+9D-ZO0OGM6O8L0.%1R/"
			 "1OI5QIVK8KHK+MG0";
static const char gs1[] = "]d20106901234567892\x1d"
			  "10LOT-42a\x1d"
			  "17211231";

static void test_keyboard_scans(void **state)
{
	(void)state;
	struct fixture *f = plug(MODEL_SCANNER_KEYBOARD, 0, SCANNER_GAP_DEFAULT_MS);
	/* found from the descriptors and set up as a boot keyboard */
	assert_true(atomic_load(&f->model.config_reads) >= 1);
	assert_int_equal(atomic_load(&f->model.report_desc_reads), 1);
	assert_int_equal(atomic_load(&f->model.protocol), 0);
	assert_int_equal(atomic_load(&f->model.set_protocols), 1);
	assert_int_equal(atomic_load(&f->model.set_idles), 1);
	static const enum model_scanner_style styles[] = {
	    MODEL_SCANNER_RELEASE_EACH, MODEL_SCANNER_ROLLING, MODEL_SCANNER_SHIFT_FIRST};
	for (size_t i = 0; i < sizeof(styles) / sizeof(styles[0]); i++) {
		model_scanner_set_style(&f->model, styles[i]);
		type(f, qr, 1);
		type(f, gs1, 1);
		type(f, "aAbb1!", 1);
		expect_scan(f, qr);
		expect_scan(f, gs1);
		expect_scan(f, "aAbb1!");
	}
	/* every report came in its own 8-byte interrupt transfer */
	assert_true(usbsim_dev_urb_count(f->dev, MODEL_SCANNER_KBD_EP, USBSIM_INTERRUPT) >
		    3 * (sizeof(qr) + sizeof(gs1)));
	/* a byte a keyboard cannot type is refused by the model */
	assert_int_equal(model_scanner_type(&f->model, "\n", 1, 1), -1);
	scanner_dev_free(f->s);
	f->s = NULL;
	/* closed: usbhid has the interface back */
	assert_string_equal(usbsim_dev_driver(f->dev, 0), "usbhid");
	unplug_all(f);
}

static void test_pause_mid_scan(void **state)
{
	(void)state;
	struct fixture *f = plug(MODEL_SCANNER_KEYBOARD, 0, 1000);
	type(f, "0106901234", 0);
	expect_rc(f, 5000, SCANNER_EPARTIAL);
	/* the rest of that code is not a code of its own; the next one is */
	type(f, "567892", 1);
	type(f, "01069012345678", 1);
	expect_scan(f, "01069012345678");
	unplug_all(f);
}

static void test_unplug_mid_scan_then_replug(void **state)
{
	(void)state;
	struct fixture *f = plug(MODEL_SCANNER_KEYBOARD, 0, 5000);
	unsigned arrived = usbsim_hotplug_arrived(&f->hp);
	/* half a code arrives, then the cable is pulled */
	type(f, "HC1:NCFOXN", 0);
	expect_rc(f, 200, DRV_ETIMEOUT);
	assert_int_equal(usbsim_dev_in_queued(f->dev, MODEL_SCANNER_KBD_EP), 0);
	usbsim_dev_unplug(f->dev);
	expect_rc(f, 1000, DRV_ENODEV);
	/* while it is gone, reads fail cleanly */
	expect_rc(f, 1000, DRV_ENODEV);
	/* back in: the same device object reads again, set up again, and the
	 * half code before the unplug is not part of the next scan */
	usbsim_dev_replug(f->dev, 0);
	assert_int_equal(usbsim_hotplug_wait_arrived(&f->hp, arrived + 1, HOTPLUG_MS), 0);
	type(f, "XYZ", 1);
	expect_scan(f, "XYZ");
	assert_string_equal(usbsim_dev_driver(f->dev, 0), "usbfs");
	assert_int_equal(atomic_load(&f->model.set_protocols), 2);
	assert_int_equal(atomic_load(&f->model.protocol), 0);
	type(f, qr, 1);
	expect_scan(f, qr);
	unplug_all(f);
}

static void test_pos(void **state)
{
	(void)state;
	struct fixture *f = plug(MODEL_SCANNER_POS, 0, SCANNER_GAP_DEFAULT_MS);
	/* HID POS found from the report descriptor; no boot set-up */
	assert_int_equal(atomic_load(&f->model.report_desc_reads), 1);
	assert_int_equal(atomic_load(&f->model.set_protocols), 0);
	char big[300];
	for (size_t i = 0; i < sizeof(big) - 1; i++)
		big[i] = (char)('!' + i % 90);
	big[sizeof(big) - 1] = '\0';
	type(f, big, 1);
	type(f, gs1, 1);
	expect_scan(f, big);
	expect_scan(f, gs1);
	/* a scan cut off after its first reports */
	type(f, big, 0);
	expect_rc(f, 5000, SCANNER_EPARTIAL);
	unplug_all(f);
}

static void test_report_descriptor_stalls(void **state)
{
	(void)state;
	/* a boot keyboard that stalls GET_DESCRIPTOR(report) is still one */
	struct fixture *f = plug(MODEL_SCANNER_KEYBOARD, 1, SCANNER_GAP_DEFAULT_MS);
	assert_int_equal(atomic_load(&f->model.report_desc_reads), 1);
	assert_int_equal(atomic_load(&f->model.protocol), 0);
	type(f, "stall ok", 1);
	expect_scan(f, "stall ok");
	unplug_all(f);
}

static void test_no_scanner(void **state)
{
	(void)state;
	struct usbsim *sim = usbsim_new();
	struct usb_ctx *ctx = NULL;
	struct scanner_dev *s = (struct scanner_dev *)0x1;
	assert_int_equal(usb_ctx_new(matches, 2, &ctx), DRV_OK);
	assert_int_equal(scanner_usb_open(ctx, &s), DRV_ENOTFOUND);
	assert_ptr_equal(s, (struct scanner_dev *)0x1);
	assert_int_equal(scanner_usb_open(NULL, &s), DRV_EINVAL);
	usb_ctx_free(ctx);
	usbsim_free(sim);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_keyboard_scans),
	    cmocka_unit_test(test_pause_mid_scan),
	    cmocka_unit_test(test_unplug_mid_scan_then_replug),
	    cmocka_unit_test(test_pos),
	    cmocka_unit_test(test_report_descriptor_stalls),
	    cmocka_unit_test(test_no_scanner),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
