/* The usbsim harness seen through raw libusb: enumeration, descriptors,
 * bulk loopback, control, timeouts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <libusb.h>
#include <string.h>
#include <umockdev.h>

#include "usbsim.h"

static const struct usbsim_dev_desc loop_desc = {
    .vid = 0x1209,
    .pid = 0x0001,
    .manufacturer = "vaxbus",
    .product = "loopback",
    .n_ifaces = 1,
    .ifaces = {{.cls = 0xff,
		.n_eps = 2,
		.eps = {{.addr = 0x01, .type = USBSIM_BULK, .max_packet = 64},
			{.addr = 0x81, .type = USBSIM_BULK, .max_packet = 64}}}},
};

struct fixture {
	struct usbsim *sim;
	struct usbsim_loopback lb;
	struct usbsim_dev *dev;
	libusb_context *ctx;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	assert_non_null(f);
	f->sim = usbsim_new();
	assert_true(umockdev_in_mock_environment());
	usbsim_loopback_init(&f->lb, 0x81);
	f->dev = usbsim_dev_add(f->sim, &loop_desc, &f->lb.base);
	assert_int_equal(libusb_init(&f->ctx), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	libusb_exit(f->ctx);
	usbsim_free(f->sim);
	free(f);
	return 0;
}

static libusb_device_handle *open_loop(struct fixture *f)
{
	libusb_device_handle *h = libusb_open_device_with_vid_pid(f->ctx, 0x1209, 0x0001);
	assert_non_null(h);
	assert_int_equal(libusb_claim_interface(h, 0), 0);
	return h;
}

static void test_raw_enumerate(void **state)
{
	struct fixture *f = *state;
	libusb_device **list = NULL;
	ssize_t n = libusb_get_device_list(f->ctx, &list);
	int found = 0;
	for (ssize_t i = 0; i < n; i++) {
		struct libusb_device_descriptor dd;
		assert_int_equal(libusb_get_device_descriptor(list[i], &dd), 0);
		if (dd.idVendor != 0x1209)
			continue;
		found++;
		assert_int_equal(dd.idProduct, 0x0001);
		assert_int_equal(libusb_get_bus_number(list[i]), 1);
		assert_int_equal(libusb_get_device_address(list[i]), usbsim_dev_devnum(f->dev));
		uint8_t ports[7];
		assert_int_equal(libusb_get_port_numbers(list[i], ports, 7), 1);
		assert_int_equal(ports[0], 1);
		struct libusb_config_descriptor *cfg = NULL;
		assert_int_equal(libusb_get_active_config_descriptor(list[i], &cfg), 0);
		assert_int_equal(cfg->bNumInterfaces, 1);
		const struct libusb_interface_descriptor *id = &cfg->interface[0].altsetting[0];
		assert_int_equal(id->bInterfaceClass, 0xff);
		assert_int_equal(id->bNumEndpoints, 2);
		assert_int_equal(id->endpoint[0].bEndpointAddress, 0x01);
		assert_int_equal(id->endpoint[1].bEndpointAddress, 0x81);
		assert_int_equal(id->endpoint[1].wMaxPacketSize, 64);
		libusb_free_config_descriptor(cfg);
	}
	libusb_free_device_list(list, 1);
	assert_int_equal(found, 1);
}

static void test_raw_loopback(void **state)
{
	struct fixture *f = *state;
	libusb_device_handle *h = open_loop(f);
	assert_int_equal(libusb_kernel_driver_active(h, 0), 0);
	assert_string_equal(usbsim_dev_driver(f->dev, 0), "usbfs");

	uint8_t out[100], in[512];
	for (size_t i = 0; i < sizeof(out); i++)
		out[i] = (uint8_t)(i * 7);
	int got = 0;
	assert_int_equal(libusb_bulk_transfer(h, 0x01, out, sizeof(out), &got, 1000), 0);
	assert_int_equal(got, 100);
	assert_int_equal(libusb_bulk_transfer(h, 0x81, in, sizeof(in), &got, 1000), 0);
	assert_int_equal(got, 100); /* 64 + a short 36 ends the transfer */
	assert_memory_equal(in, out, 100);
	assert_int_equal(usbsim_dev_urb_count(f->dev, 0x01, USBSIM_BULK), 1);

	/* A URB of one packet takes one packet; the rest waits. */
	assert_int_equal(libusb_bulk_transfer(h, 0x01, out, sizeof(out), &got, 1000), 0);
	assert_int_equal(libusb_bulk_transfer(h, 0x81, in, 64, &got, 1000), 0);
	assert_int_equal(got, 64);
	assert_int_equal(usbsim_dev_in_queued(f->dev, 0x81), 36);
	assert_int_equal(libusb_bulk_transfer(h, 0x81, in, 64, &got, 1000), 0);
	assert_int_equal(got, 36);
	assert_memory_equal(in, out + 64, 36);

	/* A URB smaller than the packet overflows, as on hardware. */
	assert_int_equal(libusb_bulk_transfer(h, 0x01, out, 64, &got, 1000), 0);
	assert_int_equal(libusb_bulk_transfer(h, 0x81, in, 16, &got, 1000), LIBUSB_ERROR_OVERFLOW);

	/* Nothing queued: the read times out. */
	assert_int_equal(libusb_bulk_transfer(h, 0x81, in, 64, &got, 50), LIBUSB_ERROR_TIMEOUT);
	assert_int_equal(got, 0);

	uint8_t ctl[5] = {1, 2, 3, 4, 5}, back[16];
	assert_int_equal(libusb_control_transfer(h, 0x40, 0x01, 0, 0, ctl, 5, 1000), 5);
	assert_int_equal(libusb_control_transfer(h, 0xc0, 0x02, 0, 0, back, 16, 1000), 5);
	assert_memory_equal(back, ctl, 5);
	assert_int_equal(libusb_control_transfer(h, 0xc0, 0x7f, 0, 0, back, 16, 1000),
			 LIBUSB_ERROR_PIPE);
	assert_int_equal(usbsim_dev_urb_count(f->dev, 0, USBSIM_CONTROL), 3);

	assert_int_equal(libusb_release_interface(h, 0), 0);
	assert_null(usbsim_dev_driver(f->dev, 0));
	libusb_close(h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_raw_enumerate, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_raw_loopback, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
