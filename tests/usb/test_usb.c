/*
 * drivers/usb through umockdev (tests/usb/usbsim.h): matching, kernel
 * driver detach and re-attach, bulk and interrupt links, reads smaller than
 * a packet, timeouts, control transfers, hotplug and the polling fallback,
 * unplug in the middle of a transfer and the re-open after a replug, a
 * child process seeing the same devices; and the harness itself seen
 * through raw libusb.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <glib.h>
#include <libusb.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <umockdev.h>

#include "usb.h"
#include "usb_int.h"
#include "usbsim.h"

#define WAIT_MS 10000 /* for events; generous for valgrind */

/* A printer-class loopback (bound to usblp), a HID boot keyboard with one
 * interrupt IN endpoint (bound to usbhid), and a device nobody matches. */
static const struct usbsim_dev_desc printer_desc = {
    .vid = 0x1209,
    .pid = 0x0001,
    .product = "loopback printer",
    .n_ifaces = 1,
    .ifaces = {{.cls = 7,
		.subclass = 1,
		.protocol = 2,
		.driver = "usblp",
		.n_eps = 2,
		.eps = {{.addr = 0x01, .type = USBSIM_BULK, .max_packet = 64},
			{.addr = 0x81, .type = USBSIM_BULK, .max_packet = 64}}}},
};

static const struct usbsim_dev_desc scanner_desc = {
    .vid = 0x1209,
    .pid = 0x0002,
    .speed_mbps = 1,
    .n_ifaces = 1,
    .ifaces = {{.cls = 3,
		.subclass = 1,
		.protocol = 1,
		.driver = "usbhid",
		.n_eps = 1,
		.eps = {{.addr = 0x81, .type = USBSIM_INTERRUPT, .max_packet = 8}}}},
};

static const struct usbsim_dev_desc other_desc = {
    .vid = 0x1209,
    .pid = 0x0003,
    .n_ifaces = 1,
    .ifaces = {{.cls = 0xff,
		.n_eps = 1,
		.eps = {{.addr = 0x82, .type = USBSIM_BULK, .max_packet = 512}}}},
};

static struct usb_match row(const char *role, uint16_t vid, uint16_t pid, int cls, int sub,
			    int proto, int iface)
{
	struct usb_match m = {.vid = vid,
			      .pid = pid,
			      .iface_class = cls,
			      .iface_subclass = sub,
			      .iface_protocol = proto,
			      .iface = iface};
	snprintf(m.role, sizeof(m.role), "%s", role);
	return m;
}

/* ---- watch events ---- */

struct watch_log {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	size_t n;
	int arrived[32];
	struct usb_device_info info[32];
};

static void on_watch(void *arg, int arrived, const struct usb_device_info *info)
{
	struct watch_log *w = arg;
	pthread_mutex_lock(&w->lock);
	if (w->n < 32) {
		w->arrived[w->n] = arrived;
		w->info[w->n++] = *info;
	}
	pthread_cond_broadcast(&w->cond);
	pthread_mutex_unlock(&w->lock);
}

static void log_init(struct watch_log *w)
{
	memset(w, 0, sizeof(*w));
	pthread_mutex_init(&w->lock, NULL);
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&w->cond, &ca);
	pthread_condattr_destroy(&ca);
}

static void log_destroy(struct watch_log *w)
{
	pthread_cond_destroy(&w->cond);
	pthread_mutex_destroy(&w->lock);
}

static size_t log_count(struct watch_log *w)
{
	pthread_mutex_lock(&w->lock);
	size_t n = w->n;
	pthread_mutex_unlock(&w->lock);
	return n;
}

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Waits for the next event about `role` after index *from; checks its kind. */
static void expect_event(struct watch_log *w, size_t *from, int arrived, const char *role)
{
	struct timespec until;
	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_sec += WAIT_MS / 1000;
	pthread_mutex_lock(&w->lock);
	for (;;) {
		while (*from < w->n && strcmp(w->info[*from].role, role) != 0)
			(*from)++;
		if (*from < w->n)
			break;
		if (pthread_cond_timedwait(&w->cond, &w->lock, &until) != 0)
			break;
	}
	int have = *from < w->n;
	int kind = have ? w->arrived[*from] : -1;
	pthread_mutex_unlock(&w->lock);
	assert_true(have);
	assert_int_equal(kind, arrived);
	(*from)++;
}

/* Waits until the log holds an event of that kind for the device at port. */
static void expect_port_event(struct watch_log *w, int arrived, const char *port)
{
	struct timespec until;
	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_sec += WAIT_MS / 1000;
	int found = 0;
	pthread_mutex_lock(&w->lock);
	while (!found) {
		for (size_t i = 0; i < w->n && !found; i++)
			found = w->arrived[i] == arrived && strcmp(w->info[i].port_path, port) == 0;
		if (!found && pthread_cond_timedwait(&w->cond, &w->lock, &until) != 0)
			break;
	}
	pthread_mutex_unlock(&w->lock);
	assert_true(found);
}

/* ---- fixture ---- */

struct fixture {
	struct usbsim *sim;
	struct usbsim_loopback lb;
	struct usbsim_dev *printer, *scanner, *other;
	libusb_context *lctx;
	struct usb_ctx *ctx;
	struct watch_log log;
};

static const struct usb_match table[] = {
    {.role = "printer", .vid = 0x1209, .pid = 0x0001, -1, -1, -1, -1},
    {.role = "scanner", .vid = 0, .pid = 0, 3, 1, 1, -1},
};

static int setup_sim(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	assert_non_null(f);
	f->sim = usbsim_new();
	assert_true(umockdev_in_mock_environment());
	usbsim_loopback_init(&f->lb, 0x81);
	f->printer = usbsim_dev_add(f->sim, &printer_desc, &f->lb.base);
	f->scanner = usbsim_dev_add(f->sim, &scanner_desc, NULL);
	f->other = usbsim_dev_add(f->sim, &other_desc, NULL);
	log_init(&f->log);
	*state = f;
	return 0;
}

static int setup_raw(void **state)
{
	setup_sim(state);
	struct fixture *f = *state;
	assert_int_equal(libusb_init(&f->lctx), 0);
	return 0;
}

static int setup_ctx(void **state)
{
	setup_sim(state);
	struct fixture *f = *state;
	assert_int_equal(usb_ctx_new(table, 2, &f->ctx), DRV_OK);
	assert_int_equal(usb_ctx_watch(f->ctx, on_watch, &f->log), DRV_OK);
	return 0;
}

static int setup_poll(void **state)
{
	setenv("VB_USB_POLL_MS", "20", 1);
	setup_ctx(state);
	unsetenv("VB_USB_POLL_MS");
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	usb_ctx_free(f->ctx);
	if (f->lctx)
		libusb_exit(f->lctx);
	usbsim_free(f->sim);
	log_destroy(&f->log);
	free(f);
	return 0;
}

/* ---- the harness through raw libusb ---- */

static void test_raw_enumerate(void **state)
{
	struct fixture *f = *state;
	libusb_device **list = NULL;
	ssize_t n = libusb_get_device_list(f->lctx, &list);
	int found = 0;
	for (ssize_t i = 0; i < n; i++) {
		struct libusb_device_descriptor dd;
		assert_int_equal(libusb_get_device_descriptor(list[i], &dd), 0);
		if (dd.idVendor != 0x1209 || dd.idProduct != 0x0001)
			continue;
		found++;
		assert_int_equal(libusb_get_bus_number(list[i]), 1);
		assert_int_equal(libusb_get_device_address(list[i]), usbsim_dev_devnum(f->printer));
		uint8_t ports[7];
		assert_int_equal(libusb_get_port_numbers(list[i], ports, 7), 1);
		assert_int_equal(ports[0], 1);
		struct libusb_config_descriptor *cfg = NULL;
		assert_int_equal(libusb_get_active_config_descriptor(list[i], &cfg), 0);
		assert_int_equal(cfg->bNumInterfaces, 1);
		const struct libusb_interface_descriptor *id = &cfg->interface[0].altsetting[0];
		assert_int_equal(id->bInterfaceClass, 7);
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
	libusb_device_handle *h = libusb_open_device_with_vid_pid(f->lctx, 0x1209, 0x0001);
	assert_non_null(h);
	assert_int_equal(libusb_kernel_driver_active(h, 0), 1);
	assert_int_equal(libusb_claim_interface(h, 0), LIBUSB_ERROR_BUSY); /* usblp has it */
	assert_int_equal(libusb_detach_kernel_driver(h, 0), 0);
	assert_null(usbsim_dev_driver(f->printer, 0));
	assert_int_equal(libusb_claim_interface(h, 0), 0);
	assert_int_equal(libusb_kernel_driver_active(h, 0), 0);
	assert_string_equal(usbsim_dev_driver(f->printer, 0), "usbfs");

	uint8_t out[100], in[512];
	for (size_t i = 0; i < sizeof(out); i++)
		out[i] = (uint8_t)(i * 7);
	int got = 0;
	assert_int_equal(libusb_bulk_transfer(h, 0x01, out, sizeof(out), &got, 1000), 0);
	assert_int_equal(got, 100);
	assert_int_equal(libusb_bulk_transfer(h, 0x81, in, sizeof(in), &got, 1000), 0);
	assert_int_equal(got, 100); /* 64 + a short 36 ends the transfer */
	assert_memory_equal(in, out, 100);

	/* A URB of one packet takes one packet; the rest waits. */
	assert_int_equal(libusb_bulk_transfer(h, 0x01, out, sizeof(out), &got, 1000), 0);
	assert_int_equal(libusb_bulk_transfer(h, 0x81, in, 64, &got, 1000), 0);
	assert_int_equal(got, 64);
	assert_int_equal(usbsim_dev_in_queued(f->printer, 0x81), 36);
	assert_int_equal(libusb_bulk_transfer(h, 0x81, in, 64, &got, 1000), 0);
	assert_int_equal(got, 36);
	assert_memory_equal(in, out + 64, 36);

	/* A URB smaller than the packet overflows, as on hardware. */
	assert_int_equal(libusb_bulk_transfer(h, 0x01, out, 64, &got, 1000), 0);
	assert_int_equal(libusb_bulk_transfer(h, 0x81, in, 16, &got, 1000), LIBUSB_ERROR_OVERFLOW);

	/* Nothing queued: the read times out. */
	assert_int_equal(libusb_bulk_transfer(h, 0x81, in, 64, &got, 50), LIBUSB_ERROR_TIMEOUT);
	assert_int_equal(got, 0);
	assert_int_equal(usbsim_dev_urb_count(f->printer, 0x01, USBSIM_BULK), 3);
	assert_int_equal(usbsim_dev_urb_count(f->printer, 0x81, USBSIM_BULK), 5);

	uint8_t ctl[5] = {1, 2, 3, 4, 5}, back[16];
	assert_int_equal(libusb_control_transfer(h, 0x40, 0x01, 0, 0, ctl, 5, 1000), 5);
	assert_int_equal(libusb_control_transfer(h, 0xc0, 0x02, 0, 0, back, 16, 1000), 5);
	assert_memory_equal(back, ctl, 5);
	assert_int_equal(libusb_control_transfer(h, 0xc0, 0x7f, 0, 0, back, 16, 1000),
			 LIBUSB_ERROR_PIPE);
	assert_int_equal(usbsim_dev_urb_count(f->printer, 0, USBSIM_CONTROL), 3);

	assert_int_equal(libusb_release_interface(h, 0), 0);
	assert_int_equal(libusb_attach_kernel_driver(h, 0), 0);
	assert_string_equal(usbsim_dev_driver(f->printer, 0), "usblp");
	libusb_close(h);
}

/* ---- drivers/usb ---- */

static void test_err_map(void **state)
{
	(void)state;
	static const struct {
		int in, out;
	} codes[] = {
	    {LIBUSB_SUCCESS, DRV_OK},
	    {LIBUSB_ERROR_TIMEOUT, DRV_ETIMEOUT},
	    {LIBUSB_ERROR_NO_DEVICE, DRV_ENODEV},
	    {LIBUSB_ERROR_ACCESS, DRV_EACCES},
	    {LIBUSB_ERROR_BUSY, DRV_EBUSY},
	    {LIBUSB_ERROR_NOT_FOUND, DRV_ENOTFOUND},
	    {LIBUSB_ERROR_OVERFLOW, DRV_EIO},
	    {LIBUSB_ERROR_PIPE, DRV_EIO},
	    {LIBUSB_ERROR_IO, DRV_EIO},
	    {LIBUSB_ERROR_INVALID_PARAM, DRV_EINVAL},
	    {LIBUSB_ERROR_NO_MEM, DRV_ENOMEM},
	    {LIBUSB_ERROR_NOT_SUPPORTED, DRV_ENOTSUP},
	    {LIBUSB_ERROR_INTERRUPTED, DRV_EIO},
	    {LIBUSB_ERROR_OTHER, DRV_EIO},
	};
	for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++)
		assert_int_equal(usb_err(codes[i].in), codes[i].out);
	static const struct {
		enum libusb_transfer_status in;
		int out;
	} statuses[] = {
	    {LIBUSB_TRANSFER_COMPLETED, DRV_OK},     {LIBUSB_TRANSFER_TIMED_OUT, DRV_ETIMEOUT},
	    {LIBUSB_TRANSFER_NO_DEVICE, DRV_ENODEV}, {LIBUSB_TRANSFER_STALL, DRV_EIO},
	    {LIBUSB_TRANSFER_OVERFLOW, DRV_EIO},     {LIBUSB_TRANSFER_ERROR, DRV_EIO},
	};
	for (size_t i = 0; i < sizeof(statuses) / sizeof(statuses[0]); i++)
		assert_int_equal(usb_err_status(statuses[i].in), statuses[i].out);
}

static const struct usb_device_info no_info; /* find_info's "not listed" */

static const struct usb_device_info *find_info(const struct usb_device_info *infos, size_t n,
					       uint16_t pid)
{
	for (size_t i = 0; i < n; i++)
		if (infos[i].pid == pid)
			return &infos[i];
	return &no_info;
}

static void test_match_vid_pid_and_class(void **state)
{
	struct fixture *f = *state;
	struct usb_device_info infos[8];
	size_t n = 0;
	assert_int_equal(usb_ctx_list(f->ctx, infos, 8, &n), DRV_OK);
	assert_int_equal(n, 2); /* the vendor-class device matches nothing */
	const struct usb_device_info *p = find_info(infos, n, 0x0001);
	const struct usb_device_info *s = find_info(infos, n, 0x0002);
	assert_ptr_not_equal(p, &no_info);
	assert_ptr_not_equal(s, &no_info);
	assert_string_equal(p->role, "printer"); /* by VID:PID */
	assert_string_equal(s->role, "scanner"); /* by class 3/1/1 */
	assert_int_equal(p->vid, 0x1209);
	assert_int_equal(p->bus, 1);
	assert_int_equal(p->address, usbsim_dev_devnum(f->printer));
	assert_string_equal(p->port_path, "1-1");
	assert_string_equal(s->port_path, "1-2");
	assert_int_equal(p->open, 0);
	assert_int_equal(usb_ctx_list(f->ctx, infos, 1, &n), DRV_OK);
	assert_int_equal(n, 1); /* capped */
	assert_int_equal(f->ctx->hotplug, 1);
}

static void test_match_first_row_wins(void **state)
{
	struct fixture *f = *state;
	static const struct {
		struct usb_match rows[2];
		const char *printer_role; /* role of 1209:0001, or NULL: unmatched */
	} cases[] = {
	    {{{.role = "first", .vid = 0x1209, .pid = 0x0001, -1, -1, -1, -1},
	      {.role = "second", .vid = 0, .pid = 0, 7, -1, -1, -1}},
	     "first"},
	    {{{.role = "second", .vid = 0, .pid = 0, 7, -1, -1, -1},
	      {.role = "first", .vid = 0x1209, .pid = 0x0001, -1, -1, -1, -1}},
	     "second"},
	    {{{.role = "wrongif", .vid = 0x1209, .pid = 0x0001, -1, -1, -1, 1},
	      {.role = "vidonly", .vid = 0x1209, .pid = 0, 7, 1, 2, 0}},
	     "vidonly"},
	    {{{.role = "hid", .vid = 0x1209, .pid = 0x0001, 3, -1, -1, -1},
	      {.role = "proto", .vid = 0, .pid = 0, 7, 1, 3, -1}},
	     NULL},
	};
	(void)f;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct usb_ctx *ctx = NULL;
		assert_int_equal(usb_ctx_new(cases[i].rows, 2, &ctx), DRV_OK);
		struct usb_device_info infos[8];
		size_t n = 0;
		assert_int_equal(usb_ctx_list(ctx, infos, 8, &n), DRV_OK);
		const struct usb_device_info *p = find_info(infos, n, 0x0001);
		if (cases[i].printer_role)
			assert_string_equal(p->role, cases[i].printer_role);
		else
			assert_ptr_equal(p, &no_info);
		usb_ctx_free(ctx);
	}
	struct usb_match bad[] = {
	    row("", 0x1209, 1, -1, -1, -1, -1),
	    row("any", 0, 0, -1, -1, -1, -1), /* constrains nothing */
	    row("cls", 0, 0, 300, -1, -1, -1),
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct usb_ctx *ctx = NULL;
		assert_int_equal(usb_ctx_new(&bad[i], 1, &ctx), DRV_EINVAL);
		assert_null(ctx); /* untouched on failure */
	}
}

static void test_open_detach_reattach(void **state)
{
	struct fixture *f = *state;
	struct usb_dev *dev = NULL, *again = NULL;
	assert_string_equal(usbsim_dev_driver(f->printer, 0), "usblp");
	assert_int_equal(usb_dev_open(f->ctx, "printer", &dev), DRV_OK);
	assert_string_equal(usbsim_dev_driver(f->printer, 0), "usbfs"); /* detached, claimed */
	assert_int_equal(usb_dev_iface(dev), 0);
	assert_string_equal(usb_dev_info(dev)->role, "printer");
	assert_int_equal(usb_dev_info(dev)->open, 1);
	assert_int_equal(usb_dev_pair_count(dev), 1);
	struct usb_pair_info pi;
	assert_int_equal(usb_dev_pair_info(dev, 0, &pi), DRV_OK);
	assert_int_equal(pi.out_ep, 0x01);
	assert_int_equal(pi.in_ep, 0x81);
	assert_int_equal(pi.out_interrupt, 0);
	assert_int_equal(pi.in_interrupt, 0);
	assert_int_equal(pi.out_max_packet, 64);
	assert_int_equal(pi.in_max_packet, 64);
	assert_int_equal(usb_dev_pair_info(dev, 1, &pi), DRV_EINVAL);

	struct usb_device_info infos[8];
	size_t n = 0;
	assert_int_equal(usb_ctx_list(f->ctx, infos, 8, &n), DRV_OK);
	assert_int_equal(find_info(infos, n, 0x0001)->open, 1);
	assert_int_equal(find_info(infos, n, 0x0002)->open, 0);

	/* The only printer is taken; no card reader at all. */
	assert_int_equal(usb_dev_open(f->ctx, "printer", &again), DRV_ENOTFOUND);
	assert_int_equal(usb_dev_open(f->ctx, "idcard", &again), DRV_ENOTFOUND);
	assert_null(again);
	struct byte_link *link = NULL;
	assert_int_equal(usb_dev_link(dev, 1, &link), DRV_EINVAL);
	assert_null(link);

	usb_dev_close(dev);
	assert_string_equal(usbsim_dev_driver(f->printer, 0), "usblp"); /* given back */

	/* Another program holds it: busy. */
	libusb_context *lctx = NULL;
	assert_int_equal(libusb_init(&lctx), 0);
	libusb_device_handle *h = libusb_open_device_with_vid_pid(lctx, 0x1209, 0x0001);
	assert_non_null(h);
	assert_int_equal(libusb_detach_kernel_driver(h, 0), 0);
	assert_int_equal(libusb_claim_interface(h, 0), 0);
	assert_int_equal(usb_dev_open(f->ctx, "printer", &again), DRV_EBUSY);
	libusb_release_interface(h, 0);
	libusb_attach_kernel_driver(h, 0);
	libusb_close(h);
	libusb_exit(lctx);
	assert_string_equal(usbsim_dev_driver(f->printer, 0), "usblp");
}

static void test_bulk_small_cap(void **state)
{
	struct fixture *f = *state;
	struct usb_dev *dev = NULL;
	struct byte_link *link = NULL;
	assert_int_equal(usb_dev_open(f->ctx, "printer", &dev), DRV_OK);
	assert_int_equal(usb_dev_link(dev, 0, &link), DRV_OK);
	assert_int_equal(byte_link_in_packet_size(link), 64);

	uint8_t out[100], in[100];
	for (size_t i = 0; i < sizeof(out); i++)
		out[i] = (uint8_t)(i + 1);
	assert_int_equal(byte_link_write(link, out, sizeof(out), 1000), DRV_OK);
	/* 16-byte reads of 64-byte packets: one IN transfer per packet, no loss. */
	static const size_t expect[] = {16, 16, 16, 16, 16, 16, 4};
	size_t off = 0;
	for (size_t i = 0; i < sizeof(expect) / sizeof(expect[0]); i++) {
		size_t got = 0;
		assert_int_equal(byte_link_read(link, in + off, 16, &got, 1000), DRV_OK);
		assert_int_equal(got, expect[i]);
		off += got;
	}
	assert_int_equal(off, 100);
	assert_memory_equal(in, out, 100);
	assert_int_equal(usbsim_dev_urb_count(f->printer, 0x81, USBSIM_BULK), 2);
	assert_int_equal(usbsim_dev_urb_count(f->printer, 0x01, USBSIM_BULK), 1);

	/* A cap of 100 reads whole packets only (64), the rest comes next. */
	assert_int_equal(byte_link_write(link, out, sizeof(out), 1000), DRV_OK);
	uint8_t in2[200];
	size_t got = 0;
	assert_int_equal(byte_link_read(link, in2, 100, &got, 1000), DRV_OK);
	assert_int_equal(got, 64);
	assert_int_equal(byte_link_read(link, in2 + 64, 100, &got, 1000), DRV_OK);
	assert_int_equal(got, 36);
	assert_memory_equal(in2, out, 100);

	/* A big cap takes the whole device transfer (ended by a short packet). */
	uint8_t big[512];
	assert_int_equal(byte_link_write(link, out, sizeof(out), 1000), DRV_OK);
	assert_int_equal(byte_link_read(link, big, sizeof(big), &got, 1000), DRV_OK);
	assert_int_equal(got, 100);
	assert_memory_equal(big, out, 100);

	/* Nothing queued: a read times out, a zero-byte write sends nothing. */
	int64_t t0 = now_ms();
	assert_int_equal(byte_link_read(link, in, 16, &got, 100), DRV_ETIMEOUT);
	assert_true(now_ms() - t0 >= 90);
	assert_int_equal(byte_link_write(link, out, 0, 1000), DRV_OK);
	assert_int_equal(usbsim_dev_urb_count(f->printer, 0x01, USBSIM_BULK), 3);
	assert_int_equal(byte_link_read(link, in, 0, &got, 10), DRV_EINVAL);
	byte_link_free(link);
	usb_dev_close(dev);
}

/* Reads one 8-byte report into a fresh, uninitialised stack buffer. */
static void __attribute__((noinline)) read_report(struct byte_link *link, const uint8_t *expect)
{
	uint8_t in[8];
	size_t got = 0;
	assert_int_equal(byte_link_read(link, in, sizeof(in), &got, 1000), DRV_OK);
	assert_int_equal(got, 8);
	assert_memory_equal(in, expect, 8);
}

static void test_interrupt_in(void **state)
{
	struct fixture *f = *state;
	struct usb_dev *dev = NULL;
	struct byte_link *link = NULL;
	assert_string_equal(usbsim_dev_driver(f->scanner, 0), "usbhid");
	assert_int_equal(usb_dev_open(f->ctx, "scanner", &dev), DRV_OK);
	assert_string_equal(usbsim_dev_driver(f->scanner, 0), "usbfs");
	struct usb_pair_info pi;
	assert_int_equal(usb_dev_pair_count(dev), 1);
	assert_int_equal(usb_dev_pair_info(dev, 0, &pi), DRV_OK);
	assert_int_equal(pi.out_ep, 0);
	assert_int_equal(pi.in_ep, 0x81);
	assert_int_equal(pi.in_interrupt, 1);
	assert_int_equal(pi.in_max_packet, 8);
	assert_int_equal(usb_dev_link(dev, 0, &link), DRV_OK);
	assert_int_equal(byte_link_write(link, (const uint8_t *)"x", 1, 100), DRV_ENOTSUP);

	/* The same report twice: the second read lands in the same stack
	 * bytes, which umockdev does not rewrite when equal; the link
	 * clears its buffer so valgrind still sees them defined. */
	static const uint8_t reports[3][8] = {
	    {0, 0, 0x04, 0, 0, 0, 0, 0}, {0, 0, 0x04, 0, 0, 0, 0, 0}, {0}};
	for (int i = 0; i < 3; i++)
		assert_int_equal(usbsim_dev_in_push(f->scanner, 0x81, reports[i], 8), 0);
	for (int i = 0; i < 3; i++)
		read_report(link, reports[i]);
	assert_int_equal(usbsim_dev_urb_count(f->scanner, 0x81, USBSIM_INTERRUPT), 3);
	assert_int_equal(usbsim_dev_urb_count(f->scanner, 0x81, USBSIM_BULK), 0);
	byte_link_free(link);
	usb_dev_close(dev);
	assert_string_equal(usbsim_dev_driver(f->scanner, 0), "usbhid");
}

static void test_control(void **state)
{
	struct fixture *f = *state;
	struct usb_dev *dev = NULL;
	assert_int_equal(usb_dev_open(f->ctx, "printer", &dev), DRV_OK);
	uint8_t data[6] = {9, 8, 7, 6, 5, 4}, back[32] = {0};
	assert_int_equal(usb_dev_control(dev, 0x41, 0x01, 0, 0, data, 6, 1000), 6);
	assert_int_equal(usb_dev_control(dev, 0xc1, 0x02, 0, 0, back, 32, 1000), 6);
	assert_memory_equal(back, data, 6);
	assert_int_equal(usb_dev_control(dev, 0xc1, 0x33, 0, 0, back, 32, 1000),
			 DRV_EIO); /* stall */
	assert_int_equal(usb_dev_control(dev, 0x41, 0x01, 0, 0, NULL, 4, 1000), DRV_EINVAL);
	assert_int_equal(usbsim_dev_urb_count(f->printer, 0, USBSIM_CONTROL), 3);
	usb_dev_close(dev);
}

static void test_hotplug_watch(void **state)
{
	struct fixture *f = *state;
	size_t at = 0;
	struct usbsim_dev *s2 = usbsim_dev_add(f->sim, &scanner_desc, NULL);
	expect_event(&f->log, &at, 1, "scanner");
	assert_int_equal(f->log.info[at - 1].address, usbsim_dev_devnum(s2));
	assert_string_equal(f->log.info[at - 1].port_path, "1-4");
	usbsim_dev_unplug(s2);
	expect_event(&f->log, &at, 0, "scanner");
	assert_string_equal(f->log.info[at - 1].port_path, "1-4");
	usbsim_dev_unplug(f->other); /* matches nothing: not reported */
	usbsim_dev_replug(s2, 0);
	expect_event(&f->log, &at, 1, "scanner");
	assert_int_equal(log_count(&f->log), 3);

	/* No callback once the watch is off; another watch gets what follows. */
	assert_int_equal(usb_ctx_watch(f->ctx, NULL, NULL), DRV_OK);
	usbsim_dev_unplug(s2);
	usbsim_dev_replug(s2, 0);
	struct watch_log log2;
	log_init(&log2);
	assert_int_equal(usb_ctx_watch(f->ctx, on_watch, &log2), DRV_OK);
	struct usbsim_dev *s3 = usbsim_dev_add(f->sim, &scanner_desc, NULL);
	expect_port_event(&log2, 1, "1-5"); /* s2's may come first */
	assert_int_equal(log_count(&f->log), 3);
	assert_int_equal(usb_ctx_watch(f->ctx, NULL, NULL), DRV_OK);
	usbsim_dev_unplug(s3);
	log_destroy(&log2);
}

struct reader {
	struct byte_link *link;
	int rc;
	size_t got;
	int64_t ms;
	uint8_t buf[64];
};

static void *reader_main(void *arg)
{
	struct reader *r = arg;
	int64_t t0 = now_ms();
	r->rc = byte_link_read(r->link, r->buf, sizeof(r->buf), &r->got, 5000);
	r->ms = now_ms() - t0;
	return NULL;
}

/* Unplugged while a read waits: DRV_ENODEV at once; later calls too until
 * the device is back; then the same usb_dev and link work again. */
static void unplug_replug(struct fixture *f, uint8_t new_devnum)
{
	struct usb_dev *dev = NULL;
	struct byte_link *link = NULL;
	size_t at = log_count(&f->log);
	assert_int_equal(usb_dev_open(f->ctx, "printer", &dev), DRV_OK);
	assert_int_equal(usb_dev_link(dev, 0, &link), DRV_OK);

	struct reader r = {.link = link};
	pthread_t th;
	assert_int_equal(pthread_create(&th, NULL, reader_main, &r), 0);
	assert_int_equal(usbsim_dev_wait_pending(f->printer, 0x81, 1, WAIT_MS), 0);
	usbsim_dev_unplug(f->printer);
	pthread_join(th, NULL);
	assert_int_equal(r.rc, DRV_ENODEV);
	assert_true(r.ms < 4000); /* not the read's 5 s timeout */
	expect_event(&f->log, &at, 0, "printer");
	assert_int_equal(byte_link_write(link, (const uint8_t *)"lost", 4, 1000), DRV_ENODEV);
	uint8_t c = 0;
	assert_int_equal(usb_dev_control(dev, 0xc1, 0x02, 0, 0, &c, 1, 1000), DRV_ENODEV);

	usbsim_dev_replug(f->printer, new_devnum);
	expect_event(&f->log, &at, 1, "printer");
	assert_string_equal(usbsim_dev_driver(f->printer, 0), "usblp");
	static const char msg[] = "after replug";
	assert_int_equal(byte_link_write(link, (const uint8_t *)msg, sizeof(msg), 1000), DRV_OK);
	assert_string_equal(usbsim_dev_driver(f->printer, 0), "usbfs"); /* detached again */
	uint8_t in[64];
	size_t got = 0;
	assert_int_equal(byte_link_read(link, in, sizeof(in), &got, 1000), DRV_OK);
	assert_int_equal(got, sizeof(msg));
	assert_memory_equal(in, msg, sizeof(msg));
	assert_int_equal(usb_dev_info(dev)->address, usbsim_dev_devnum(f->printer));
	assert_string_equal(usb_dev_info(dev)->port_path, "1-1");
	byte_link_free(link);
	usb_dev_close(dev);
	assert_string_equal(usbsim_dev_driver(f->printer, 0), "usblp");
}

static void test_unplug_midtransfer_replug(void **state)
{
	struct fixture *f = *state;
	unplug_replug(f, 0);  /* same device number */
	unplug_replug(f, 42); /* a new one */
}

static void test_poll_fallback(void **state)
{
	struct fixture *f = *state;
	assert_int_equal(f->ctx->hotplug, 0);
	size_t at = 0;
	struct usbsim_dev *s2 = usbsim_dev_add(f->sim, &scanner_desc, NULL);
	expect_event(&f->log, &at, 1, "scanner");
	assert_int_equal(f->log.info[at - 1].address, usbsim_dev_devnum(s2));
	usbsim_dev_unplug(s2);
	expect_event(&f->log, &at, 0, "scanner");
	unplug_replug(f, 0);
}

static void test_child_process(void **state)
{
	struct fixture *f = *state;
	char helper[512];
	snprintf(helper, sizeof(helper), "%s/helper_usb_list", USBSIM_HELPER_DIR);
	char *argv[] = {helper,	  "printer=1209:0001", "scanner=3/1/1",
			"--echo", "printer",	       "hello from the child",
			NULL};
	char *out = NULL;
	int status = -1;
	assert_int_equal(usbsim_spawn(f->sim, argv, &out, &status), 0);
	assert_non_null(out);
	assert_int_equal(status, 0);
	char line[128];
	snprintf(line, sizeof(line), "printer 1209:0001 1-%u 1-1 open=0\n",
		 usbsim_dev_devnum(f->printer));
	assert_non_null(strstr(out, line));
	snprintf(line, sizeof(line), "scanner 1209:0002 1-%u 1-2 open=0\n",
		 usbsim_dev_devnum(f->scanner));
	assert_non_null(strstr(out, line));
	assert_non_null(strstr(out, "echo: hello from the child\n"));
	assert_null(strstr(out, "1209:0003"));
	g_free(out);
	/* The child gave the printer back to its kernel driver. */
	assert_string_equal(usbsim_dev_driver(f->printer, 0), "usblp");
	assert_int_equal(usbsim_dev_urb_count(f->printer, 0x01, USBSIM_BULK), 1);

	char *fail[] = {helper, "nonsense", NULL};
	assert_int_equal(usbsim_spawn(f->sim, fail, NULL, &status), 0);
	assert_int_equal(status, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_raw_enumerate, setup_raw, teardown),
	    cmocka_unit_test_setup_teardown(test_raw_loopback, setup_raw, teardown),
	    cmocka_unit_test(test_err_map),
	    cmocka_unit_test_setup_teardown(test_match_vid_pid_and_class, setup_ctx, teardown),
	    cmocka_unit_test_setup_teardown(test_match_first_row_wins, setup_sim, teardown),
	    cmocka_unit_test_setup_teardown(test_open_detach_reattach, setup_ctx, teardown),
	    cmocka_unit_test_setup_teardown(test_bulk_small_cap, setup_ctx, teardown),
	    cmocka_unit_test_setup_teardown(test_interrupt_in, setup_ctx, teardown),
	    cmocka_unit_test_setup_teardown(test_control, setup_ctx, teardown),
	    cmocka_unit_test_setup_teardown(test_hotplug_watch, setup_ctx, teardown),
	    cmocka_unit_test_setup_teardown(test_unplug_midtransfer_replug, setup_ctx, teardown),
	    cmocka_unit_test_setup_teardown(test_poll_fallback, setup_poll, teardown),
	    cmocka_unit_test_setup_teardown(test_child_process, setup_ctx, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
