/* TEMPer sticks through drivers/usb and libusb's real Linux backend on
 * umockdev: the sensor interface claimed while the keyboard stays with
 * usbhid, positive, negative and "no sensor" readings, a stick with a
 * probe, two sticks (two fridges) told apart by port, a silent stick, and
 * unplug -> DRV_ENODEV -> replug -> readings again. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include <umockdev.h>

#include "model_thermo.h"
#include "thermo_usb.h"
#include "usb.h"
#include "usbsim.h"

#define ROLE	"thermo"
#define TIMEOUT 1000
#define WAIT_MS 5000 /* for the usb layer's event thread to see a hotplug */

struct fixture {
	struct usbsim *sim;
	struct model_thermo m[2];
	struct usbsim_dev *dev[2];
	struct usb_ctx *ctx;
	struct usbsim_hotplug hp; /* hotplug events from usb_ctx_watch */
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	assert_non_null(f);
	f->sim = usbsim_new();
	assert_true(umockdev_in_mock_environment());
	usbsim_hotplug_init(&f->hp);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	usb_ctx_free(f->ctx);
	usbsim_free(f->sim);
	usbsim_hotplug_cleanup(&f->hp);
	free(f);
	return 0;
}

/* Plugs n sticks (sensors each), then starts the usb layer. */
static void plug(struct fixture *f, size_t n, unsigned sensors)
{
	struct usb_match match;
	for (size_t i = 0; i < n; i++) {
		model_thermo_init(&f->m[i], sensors);
		f->dev[i] = model_thermo_add(f->sim, &f->m[i]);
	}
	thermo_usb_match(&match, ROLE);
	assert_int_equal(usb_ctx_new(&match, 1, &f->ctx), DRV_OK);
	assert_int_equal(usb_ctx_watch(f->ctx, usbsim_hotplug_on_watch, &f->hp), DRV_OK);
}

/* "1-2" from "/sys/devices/usb1/1-2" */
static const char *port_of(struct usbsim_dev *dev)
{
	const char *p = strrchr(usbsim_dev_syspath(dev), '/');
	assert_non_null(p);
	return p + 1;
}

static int read1(struct thermo_dev *d, struct thermo_reading *r)
{
	size_t n = 0;
	int rc = thermo_dev_read(d, r, THERMO_SENSOR_MAX, &n, TIMEOUT);
	if (rc == DRV_OK)
		assert_int_equal(n, 1);
	return rc;
}

static void test_read(void **state)
{
	struct fixture *f = *state;
	struct thermo_dev *d = NULL;
	struct thermo_reading r[THERMO_SENSOR_MAX];
	plug(f, 1, 1);
	assert_string_equal(usbsim_dev_driver(f->dev[0], 1), "usbhid");
	assert_int_equal(thermo_usb_open(f->ctx, ROLE, TIMEOUT, &d), DRV_OK);
	assert_string_equal(thermo_dev_name(d), port_of(f->dev[0]));
	/* the sensor interface is ours, the keyboard stays with the kernel */
	assert_string_equal(usbsim_dev_driver(f->dev[0], 1), "usbfs");
	assert_string_equal(usbsim_dev_driver(f->dev[0], 0), "usbhid");
	assert_int_equal(model_thermo_requests(&f->m[0]), 1); /* identified at open */

	static const int centi[] = {400, 450, 0, -50, -2000, 239, 850};
	for (size_t i = 0; i < sizeof(centi) / sizeof(centi[0]); i++) {
		model_thermo_set_centi(&f->m[0], 0, centi[i]);
		assert_int_equal(read1(d, r), DRV_OK);
		assert_int_equal(r[0].status, DRV_OK);
		assert_int_equal(r[0].centi_c, centi[i]);
	}
	assert_int_equal(model_thermo_requests(&f->m[0]), 1 + 7);

	/* no sensor, then an implausible value: the reading says so */
	model_thermo_set_no_sensor(&f->m[0], 0);
	assert_int_equal(read1(d, r), DRV_OK);
	assert_int_equal(r[0].status, DRV_ENOTFOUND);
	model_thermo_set_centi(&f->m[0], 0, 9000);
	assert_int_equal(read1(d, r), DRV_OK);
	assert_int_equal(r[0].status, DRV_EPROTO);

	thermo_dev_free(d);
	assert_string_equal(usbsim_dev_driver(f->dev[0], 1), "usbhid"); /* given back */
}

static void test_probe(void **state)
{
	struct fixture *f = *state;
	struct thermo_dev *d = NULL;
	struct thermo_reading r[THERMO_SENSOR_MAX];
	size_t n = 0;
	plug(f, 1, 2);
	model_thermo_set_centi(&f->m[0], 0, 520);
	model_thermo_set_centi(&f->m[0], 1, -1850);
	assert_int_equal(thermo_usb_open(f->ctx, ROLE, TIMEOUT, &d), DRV_OK);
	assert_int_equal(thermo_dev_read(d, r, THERMO_SENSOR_MAX, &n, TIMEOUT), DRV_OK);
	assert_int_equal(n, 2);
	assert_int_equal(r[0].centi_c, 520);
	assert_int_equal(r[1].sensor, 1);
	assert_int_equal(r[1].centi_c, -1850);
	model_thermo_set_no_sensor(&f->m[0], 1); /* the probe's cable pulled */
	assert_int_equal(thermo_dev_read(d, r, THERMO_SENSOR_MAX, &n, TIMEOUT), DRV_OK);
	assert_int_equal(n, 2);
	assert_int_equal(r[0].status, DRV_OK);
	assert_int_equal(r[1].status, DRV_ENOTFOUND);
	thermo_dev_free(d);
}

/* Two fridges: each stick's readings come with its own port's name. */
static void test_two_sticks(void **state)
{
	struct fixture *f = *state;
	struct thermo_dev *d[4] = {NULL};
	struct thermo_reading r[THERMO_SENSOR_MAX];
	size_t n = 0;
	plug(f, 2, 1);
	model_thermo_set_centi(&f->m[0], 0, 300);
	model_thermo_set_centi(&f->m[1], 0, 750);
	assert_int_equal(thermo_usb_open_all(f->ctx, ROLE, TIMEOUT, d, 4, &n), DRV_OK);
	assert_int_equal(n, 2);
	assert_string_not_equal(thermo_dev_name(d[0]), thermo_dev_name(d[1]));
	for (int round = 0; round < 3; round++) {
		for (size_t i = 0; i < 2; i++) {
			size_t which =
			    strcmp(thermo_dev_name(d[i]), port_of(f->dev[0])) == 0 ? 0 : 1;
			assert_string_equal(thermo_dev_name(d[i]), port_of(f->dev[which]));
			assert_int_equal(read1(d[i], r), DRV_OK);
			assert_int_equal(r[0].centi_c, which == 0 ? 300 + round : 750 - round);
		}
		model_thermo_set_centi(&f->m[0], 0, 300 + round + 1);
		model_thermo_set_centi(&f->m[1], 0, 750 - round - 1);
	}
	/* every stick is open now */
	struct thermo_dev *more = NULL;
	assert_int_equal(thermo_usb_open(f->ctx, ROLE, TIMEOUT, &more), DRV_ENOTFOUND);
	thermo_dev_free(d[0]);
	thermo_dev_free(d[1]);
}

static void test_silent(void **state)
{
	struct fixture *f = *state;
	struct thermo_dev *d = NULL;
	struct thermo_reading r[THERMO_SENSOR_MAX];
	size_t n = 7;
	plug(f, 1, 1);
	assert_int_equal(thermo_usb_open(f->ctx, ROLE, TIMEOUT, &d), DRV_OK);
	model_thermo_set_silent(&f->m[0], 1);
	assert_int_equal(thermo_dev_read(d, r, THERMO_SENSOR_MAX, &n, 100), DRV_ETIMEOUT);
	assert_int_equal(n, 7);
	model_thermo_set_silent(&f->m[0], 0);
	model_thermo_set_centi(&f->m[0], 0, 612);
	assert_int_equal(read1(d, r), DRV_OK);
	assert_int_equal(r[0].centi_c, 612);
	thermo_dev_free(d);

	/* a stick that does not answer at open is not opened */
	model_thermo_set_silent(&f->m[0], 1);
	d = NULL;
	assert_int_equal(thermo_usb_open(f->ctx, ROLE, 100, &d), DRV_ETIMEOUT);
	assert_null(d);
}

static void test_none_attached(void **state)
{
	struct fixture *f = *state;
	struct thermo_dev *d = NULL, *all[2] = {NULL};
	size_t n = 5;
	plug(f, 0, 1);
	assert_int_equal(thermo_usb_open(f->ctx, ROLE, TIMEOUT, &d), DRV_ENOTFOUND);
	assert_null(d);
	assert_int_equal(thermo_usb_open_all(f->ctx, ROLE, TIMEOUT, all, 2, &n), DRV_OK);
	assert_int_equal(n, 0);
}

/* Unplug: a clean DRV_ENODEV, never a stale temperature; replug: the
 * stick is identified again and reads work. */
static void test_unplug_replug(void **state)
{
	struct fixture *f = *state;
	struct thermo_dev *d = NULL;
	struct thermo_reading r[THERMO_SENSOR_MAX];
	size_t n = 3;
	plug(f, 1, 1);
	assert_int_equal(thermo_usb_open(f->ctx, ROLE, TIMEOUT, &d), DRV_OK);
	model_thermo_set_centi(&f->m[0], 0, 410);
	assert_int_equal(read1(d, r), DRV_OK);
	assert_int_equal(r[0].centi_c, 410);

	usbsim_dev_unplug(f->dev[0]);
	assert_int_equal(usbsim_hotplug_wait_left(&f->hp, 1, WAIT_MS), 0);
	assert_int_equal(thermo_dev_read(d, r, THERMO_SENSOR_MAX, &n, TIMEOUT), DRV_ENODEV);
	assert_int_equal(thermo_dev_read(d, r, THERMO_SENSOR_MAX, &n, TIMEOUT), DRV_ENODEV);
	assert_int_equal(n, 3);

	unsigned before = model_thermo_requests(&f->m[0]);
	model_thermo_set_centi(&f->m[0], 0, 1020); /* warmed up while away */
	usbsim_dev_replug(f->dev[0], 30);	   /* a new address, as the kernel gives */
	assert_int_equal(usbsim_hotplug_wait_arrived(&f->hp, 1, WAIT_MS), 0);
	assert_int_equal(read1(d, r), DRV_OK);
	assert_int_equal(r[0].centi_c, 1020);
	assert_string_equal(thermo_dev_name(d), port_of(f->dev[0]));
	assert_int_equal(model_thermo_requests(&f->m[0]), before + 2); /* identify, read */
	thermo_dev_free(d);
}

/* Unplugged and back between two reads: the read that finds it re-plugged
 * fails once, the next identifies it afresh. */
static void test_replug_between_reads(void **state)
{
	struct fixture *f = *state;
	struct thermo_dev *d = NULL;
	struct thermo_reading r[THERMO_SENSOR_MAX];
	size_t n = 3;
	plug(f, 1, 1);
	assert_int_equal(thermo_usb_open(f->ctx, ROLE, TIMEOUT, &d), DRV_OK);
	assert_int_equal(read1(d, r), DRV_OK);

	usbsim_dev_unplug(f->dev[0]);
	assert_int_equal(usbsim_hotplug_wait_left(&f->hp, 1, WAIT_MS), 0);
	model_thermo_set_sensors(&f->m[0], 2); /* a TEMPer2 now, on the same port */
	model_thermo_set_centi(&f->m[0], 1, -1800);
	usbsim_dev_replug(f->dev[0], 31);
	assert_int_equal(usbsim_hotplug_wait_arrived(&f->hp, 1, WAIT_MS), 0);
	assert_int_equal(thermo_dev_read(d, r, THERMO_SENSOR_MAX, &n, TIMEOUT), DRV_ENODEV);
	assert_int_equal(n, 3);
	assert_int_equal(thermo_dev_read(d, r, THERMO_SENSOR_MAX, &n, TIMEOUT), DRV_OK);
	assert_int_equal(n, 2);
	assert_int_equal(r[0].centi_c, 400);
	assert_int_equal(r[1].centi_c, -1800);
	thermo_dev_free(d);
}

/* While a fridge's stick is away, a stick on another port is not taken
 * for it: its readings are never reported under this fridge's name. */
static void test_other_port_not_ours(void **state)
{
	struct fixture *f = *state;
	struct thermo_dev *d = NULL;
	struct thermo_reading r[THERMO_SENSOR_MAX];
	size_t n = 3;
	plug(f, 1, 1);
	assert_int_equal(thermo_usb_open(f->ctx, ROLE, TIMEOUT, &d), DRV_OK);
	char name[THERMO_NAME_MAX];
	strcpy(name, thermo_dev_name(d));
	assert_int_equal(read1(d, r), DRV_OK);

	usbsim_dev_unplug(f->dev[0]);
	assert_int_equal(usbsim_hotplug_wait_left(&f->hp, 1, WAIT_MS), 0);
	model_thermo_init(&f->m[1], 1);
	model_thermo_set_centi(&f->m[1], 0, 2500); /* a stick lying on the counter */
	f->dev[1] = model_thermo_add(f->sim, &f->m[1]);
	assert_int_equal(usbsim_hotplug_wait_arrived(&f->hp, 1, WAIT_MS), 0);
	for (int i = 0; i < 3; i++)
		assert_int_equal(thermo_dev_read(d, r, THERMO_SENSOR_MAX, &n, TIMEOUT), DRV_ENODEV);
	assert_int_equal(n, 3);
	assert_string_equal(thermo_dev_name(d), name);
	thermo_dev_free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_read, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_probe, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_two_sticks, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_silent, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_none_attached, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_unplug_replug, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_replug_between_reads, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_other_port_not_ours, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
