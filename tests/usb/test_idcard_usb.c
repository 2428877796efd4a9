/*
 * The ID card reader through drivers/usb and libusb's real Linux backend,
 * against model_idcard on umockdev: a card read across 64-byte (and
 * 8-byte) packets, the iDR200 two-pair layout, no card, a card removed
 * mid-read, a silent reader, and an unplug mid-read followed by a replug
 * after which reads work again without re-opening.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include <umockdev.h>

#include "idcard.h"
#include "idcard_usb.h"
#include "model_idcard.h"
#include "usb.h"
#include "usbsim.h"

static const struct usb_match match = {"idcard", MODEL_IDCARD_VID, MODEL_IDCARD_PID, -1, -1, -1,
				       -1};

#define HOTPLUG_MS 10000 /* for the usb layer's event thread to see a replug */

struct fixture {
	struct usbsim *sim;
	struct model_idcard model;
	struct usbsim_dev *dev;
	struct usb_ctx *ctx;
	struct idcard_reader *r;
	struct usbsim_hotplug hp; /* for waiting on a replug */
};

/* Short timings so waiting tests stay quick (the clock is real here). */
static void fast(struct idcard_proto_config *cfg)
{
	idcard_proto_config_default(cfg);
	cfg->sam_ms = 300;
	cfg->find_ms = 300;
	cfg->select_ms = 300;
	cfg->read_ms = 1000;
	cfg->poll_ms = 20;
}

static struct fixture *plug(enum model_idcard_layout layout, uint16_t in_packet)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct idcard_proto_config cfg;
	assert_non_null(f);
	usbsim_hotplug_init(&f->hp);
	f->sim = usbsim_new();
	assert_true(umockdev_in_mock_environment());
	model_idcard_init(&f->model, layout, in_packet);
	f->dev = model_idcard_add(f->sim, &f->model);
	assert_int_equal(usb_ctx_new(&match, 1, &f->ctx), DRV_OK);
	assert_int_equal(usb_ctx_watch(f->ctx, usbsim_hotplug_on_watch, &f->hp), DRV_OK);
	fast(&cfg);
	assert_int_equal(idcard_usb_open_config(f->ctx, &cfg, &f->r), DRV_OK);
	return f;
}

static void unplug_all(struct fixture *f)
{
	idcard_reader_free(f->r);
	usb_ctx_free(f->ctx);
	usbsim_free(f->sim);
	model_idcard_cleanup(&f->model);
	usbsim_hotplug_cleanup(&f->hp);
	free(f);
}

static void expect_sample(const struct idcard_card *c)
{
	struct idcard_card want;
	model_idcard_sample(&want);
	assert_string_equal(c->name, "王小明");
	assert_string_equal(c->address, "云南省昆明市五华区翠湖南路2号");
	assert_string_equal(c->valid_to, "长期");
	assert_memory_equal(c, &want, sizeof(want));
	const char *mark = MODEL_IDCARD_PHOTO_MARK;
	const uint8_t *b = (const uint8_t *)c;
	for (size_t i = 0; i + strlen(mark) <= sizeof(*c); i++)
		assert_false(memcmp(b + i, mark, strlen(mark)) == 0);
}

static void test_read_one_pair(void **state)
{
	(void)state;
	static const uint16_t packets[] = {64, 8};
	for (size_t i = 0; i < sizeof(packets) / sizeof(packets[0]); i++) {
		struct fixture *f = plug(MODEL_IDCARD_ONE_PAIR, packets[i]);
		struct idcard_card c;
		model_idcard_set_state(&f->model, MODEL_IDCARD_PRESENT);
		assert_int_equal(idcard_reader_read(f->r, &c, 0), DRV_OK);
		assert_int_equal(idcard_reader_status(f->r)->why, IDCARD_WHY_NONE);
		expect_sample(&c);
		assert_int_equal(model_idcard_requests(&f->model, MODEL_IDCARD_SAM), 1);
		assert_int_equal(model_idcard_requests(&f->model, MODEL_IDCARD_FIND), 1);
		assert_int_equal(model_idcard_requests(&f->model, MODEL_IDCARD_SELECT), 1);
		assert_int_equal(model_idcard_requests(&f->model, MODEL_IDCARD_READ), 1);
		assert_int_equal(atomic_load(&f->model.bad_out), 0);
		assert_int_equal(usbsim_dev_in_queued(f->dev, 0x81), 0);
		/* the 1295 bytes came in packet-sized pieces over several URBs */
		assert_true(usbsim_dev_urb_count(f->dev, 0x81, USBSIM_BULK) >= 5);
		/* and again: the reader stays usable */
		assert_int_equal(idcard_reader_read(f->r, &c, 0), DRV_OK);
		expect_sample(&c);
		idcard_card_wipe(&c);
		unplug_all(f);
	}
}

static void test_read_two_pairs(void **state)
{
	(void)state;
	struct fixture *f = plug(MODEL_IDCARD_TWO_PAIRS, 64);
	struct idcard_card c;
	model_idcard_set_state(&f->model, MODEL_IDCARD_PRESENT);
	assert_int_equal(idcard_reader_read(f->r, &c, 0), DRV_OK);
	expect_sample(&c);
	/* headers on 0x02, bodies on 0x06, nothing the layout forbids */
	assert_int_equal(atomic_load(&f->model.bad_out), 0);
	assert_int_equal(atomic_load(&f->model.out_bytes[0]), 4 * 7);
	assert_int_equal(atomic_load(&f->model.out_bytes[1]), 4 * 3);
	assert_int_equal(model_idcard_requests(&f->model, MODEL_IDCARD_READ), 1);
	assert_int_equal(usbsim_dev_in_queued(f->dev, 0x81), 0);
	assert_int_equal(usbsim_dev_in_queued(f->dev, 0x85), 0);
	idcard_card_wipe(&c);
	unplug_all(f);
}

static void test_no_card(void **state)
{
	(void)state;
	struct fixture *f = plug(MODEL_IDCARD_ONE_PAIR, 64);
	struct idcard_card c, sentinel;
	memset(&c, 0x2A, sizeof(c));
	sentinel = c;
	assert_int_equal(idcard_reader_read(f->r, &c, 100), DRV_ENOTFOUND);
	const struct idcard_status *st = idcard_reader_status(f->r);
	assert_int_equal(st->why, IDCARD_WHY_NO_CARD);
	assert_true(st->finds >= 2); /* kept asking while waiting */
	assert_int_equal(model_idcard_requests(&f->model, MODEL_IDCARD_FIND), (unsigned)st->finds);
	assert_int_equal(model_idcard_requests(&f->model, MODEL_IDCARD_SELECT), 0);
	assert_memory_equal(&c, &sentinel, sizeof(c));
	/* the card is placed */
	model_idcard_set_state(&f->model, MODEL_IDCARD_PRESENT);
	assert_int_equal(idcard_reader_read(f->r, &c, 100), DRV_OK);
	expect_sample(&c);
	unplug_all(f);
}

static void test_removed_mid_read(void **state)
{
	(void)state;
	static const struct {
		enum model_idcard_layout layout;
		enum model_idcard_state state;
		enum idcard_step step;
	} cases[] = {
	    {MODEL_IDCARD_ONE_PAIR, MODEL_IDCARD_REMOVE_AT_READ, IDCARD_STEP_READ},
	    {MODEL_IDCARD_ONE_PAIR, MODEL_IDCARD_REMOVE_AT_SELECT, IDCARD_STEP_SELECT},
	    {MODEL_IDCARD_TWO_PAIRS, MODEL_IDCARD_REMOVE_AT_READ, IDCARD_STEP_READ},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct fixture *f = plug(cases[i].layout, 64);
		struct idcard_card c;
		model_idcard_set_state(&f->model, cases[i].state);
		assert_int_equal(idcard_reader_read(f->r, &c, 0), DRV_EIO);
		assert_int_equal(idcard_reader_status(f->r)->why, IDCARD_WHY_REMOVED);
		assert_int_equal(idcard_reader_status(f->r)->step, cases[i].step);
		/* the card is gone now */
		assert_int_equal(idcard_reader_read(f->r, &c, 0), DRV_ENOTFOUND);
		/* placed again */
		model_idcard_set_state(&f->model, MODEL_IDCARD_PRESENT);
		assert_int_equal(idcard_reader_read(f->r, &c, 0), DRV_OK);
		expect_sample(&c);
		unplug_all(f);
	}
}

static void test_silent_reader_is_busy(void **state)
{
	(void)state;
	struct fixture *f = plug(MODEL_IDCARD_ONE_PAIR, 64);
	struct idcard_card c;
	model_idcard_set_state(&f->model, MODEL_IDCARD_PRESENT);
	model_idcard_set_silent(&f->model, 1);
	assert_int_equal(idcard_reader_read(f->r, &c, 0), DRV_EBUSY);
	assert_int_equal(idcard_reader_status(f->r)->why, IDCARD_WHY_BUSY);
	assert_int_equal(idcard_reader_status(f->r)->step, IDCARD_STEP_SAM);
	model_idcard_set_silent(&f->model, 0);
	assert_int_equal(idcard_reader_read(f->r, &c, 0), DRV_OK);
	expect_sample(&c);
	unplug_all(f);
}

static void test_unplug_mid_read_then_replug(void **state)
{
	(void)state;
	for (int layout = MODEL_IDCARD_ONE_PAIR; layout <= MODEL_IDCARD_TWO_PAIRS; layout++) {
		struct fixture *f = plug((enum model_idcard_layout)layout, 64);
		struct idcard_card c, sentinel;
		memset(&c, 0x2A, sizeof(c));
		sentinel = c;
		unsigned arrived = usbsim_hotplug_arrived(&f->hp);
		model_idcard_set_state(&f->model, MODEL_IDCARD_UNPLUG_AT_READ);
		assert_int_equal(idcard_reader_read(f->r, &c, 0), DRV_ENODEV);
		assert_int_equal(idcard_reader_status(f->r)->why, IDCARD_WHY_UNPLUGGED);
		assert_int_equal(idcard_reader_status(f->r)->step, IDCARD_STEP_READ);
		assert_memory_equal(&c, &sentinel, sizeof(c));
		/* while it is gone, reads fail cleanly */
		assert_int_equal(idcard_reader_read(f->r, &c, 0), DRV_ENODEV);
		/* back in: the same reader object reads again */
		usbsim_dev_replug(f->dev, 0);
		assert_int_equal(usbsim_hotplug_wait_arrived(&f->hp, arrived + 1, HOTPLUG_MS), 0);
		assert_int_equal(idcard_reader_read(f->r, &c, 0), DRV_OK);
		expect_sample(&c);
		idcard_card_wipe(&c);
		unplug_all(f);
	}
}

static void test_open_without_reader(void **state)
{
	(void)state;
	struct usbsim *sim = usbsim_new();
	struct usb_ctx *ctx = NULL;
	struct idcard_reader *r = (struct idcard_reader *)0x1;
	assert_int_equal(usb_ctx_new(&match, 1, &ctx), DRV_OK);
	assert_int_equal(idcard_usb_open(ctx, &r), DRV_ENOTFOUND);
	assert_ptr_equal(r, (struct idcard_reader *)0x1);
	assert_int_equal(idcard_usb_open(NULL, &r), DRV_EINVAL);
	usb_ctx_free(ctx);
	usbsim_free(sim);
}

static void test_open_refuses_half_a_pair(void **state)
{
	(void)state;
	/* a device of the role with an IN endpoint and no OUT */
	struct usbsim *sim = usbsim_new();
	struct usbsim_dev_desc d = {
	    .vid = MODEL_IDCARD_VID,
	    .pid = MODEL_IDCARD_PID,
	    .n_ifaces = 1,
	    .ifaces = {{.cls = 0xFF,
			.n_eps = 1,
			.eps = {{.addr = 0x81, .type = USBSIM_BULK, .max_packet = 64}}}},
	};
	usbsim_dev_add(sim, &d, NULL);
	struct usb_ctx *ctx = NULL;
	struct idcard_reader *r = (struct idcard_reader *)0x1;
	assert_int_equal(usb_ctx_new(&match, 1, &ctx), DRV_OK);
	assert_int_equal(idcard_usb_open(ctx, &r), DRV_ENOTSUP);
	assert_ptr_equal(r, (struct idcard_reader *)0x1);
	usb_ctx_free(ctx);
	usbsim_free(sim);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_read_one_pair),
	    cmocka_unit_test(test_read_two_pairs),
	    cmocka_unit_test(test_no_card),
	    cmocka_unit_test(test_removed_mid_read),
	    cmocka_unit_test(test_silent_reader_is_busy),
	    cmocka_unit_test(test_unplug_mid_read_then_replug),
	    cmocka_unit_test(test_open_without_reader),
	    cmocka_unit_test(test_open_refuses_half_a_pair),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
