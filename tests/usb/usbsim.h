/*
 * usbsim: emulated USB devices for tests, at the level of usbfs URBs.
 *
 * A struct usbsim is a umockdev testbed (UMockdevTestbed) plus one ioctl
 * handler (UMockdevIoctlBase). Each emulated device gets what libusb's real
 * Linux backend reads: a sysfs device (idVendor, idProduct, busnum, devnum,
 * speed, the binary `descriptors` file, ...) with one child per interface
 * (bInterfaceClass etc. and a `driver` link while a kernel driver is
 * bound), the udev properties (DEVNAME, DEVTYPE, ...), uevents for hotplug,
 * and a device node /dev/bus/usb/BBB/DDD whose usbfs ioctls are answered by
 * the handler. The process under test must run with libumockdev-preload
 * (link it, or run under umockdev-wrapper); usbsim_new() aborts otherwise.
 *
 * Emulated usbfs ioctls: GET_CAPABILITIES, CLAIMINTERFACE,
 * RELEASEINTERFACE, GETDRIVER, IOCTL (DISCONNECT / CONNECT a kernel
 * driver), SUBMITURB (bulk, interrupt, control), REAPURBNDELAY and
 * REAPURB (both never block: nothing to reap is EAGAIN), DISCARDURB,
 * CONTROL (synchronous), CLEAR_HALT, RESETEP, RESET, SETINTERFACE,
 * SETCONFIGURATION, GET_SPEED, CONNECTINFO. Anything else fails with
 * ENOTTY (e.g. DISCONNECT_CLAIM, which libusb only uses for auto-detach and
 * then falls back to DISCONNECT + CLAIMINTERFACE; isochronous URBs are
 * refused with EINVAL).
 *
 * The device node is a symlink to a pseudo-terminal that the harness holds,
 * so it behaves like usbfs under poll(): POLLOUT only while a completed URB
 * waits to be reaped (the harness stops and starts the tty's output to say
 * so), POLLERR|POLLHUP after an unplug (the harness closes the master). So
 * libusb's event loop sleeps while nothing happens, and an unplug takes
 * libusb's real disconnect path.
 *
 * Device behaviour:
 * - An OUT URB completes at once with all its bytes given to the model's
 *   on_out() callback.
 * - IN data comes from a queue per endpoint filled by usbsim_dev_in_push()
 *   (from the test or from the model's callbacks). Each push is one
 *   device-side transfer, cut into packets of the endpoint's
 *   wMaxPacketSize (the last one short; a push of 0 bytes is a zero-length
 *   packet). An IN URB takes whole packets until its buffer is full, a
 *   short packet ends it, or the queue runs dry after at least one packet
 *   (as if the device had ended the transfer with a zero-length packet).
 *   While the queue is empty the URB stays pending, so a read times out
 *   like on hardware. If the first packet is larger than the URB's buffer,
 *   the URB gets what fits and fails with EOVERFLOW (the rest of that packet
 *   is lost), as on hardware. Bulk and interrupt endpoints work the same.
 * - A control URB (and the synchronous CONTROL ioctl) is given to the
 *   model's on_control(); a negative return stalls it (EPIPE).
 * - Claiming an interface while a kernel driver is bound fails with EBUSY;
 *   a URB on an interface the client has not claimed claims it implicitly
 *   (as the kernel does) or fails with EBUSY.
 * - usbsim_dev_unplug(): pending URBs fail with ENODEV (reapable after the
 *   disconnect), the node's poll reports POLLERR, every later ioctl of
 *   that open file fails with ENODEV, a "remove" uevent is sent and the
 *   sysfs device goes away. usbsim_dev_replug() adds it again (same or new
 *   device number) with an "add" uevent; files opened before the unplug
 *   stay dead.
 *
 * Threads: the handler runs on umockdev's worker thread, so the test's own
 * thread may block (in libusb, or waiting for a child process) while the
 * devices keep answering. Every function here is thread-safe; one lock
 * guards the whole simulation. Model callbacks run on the worker thread
 * with that lock held: they may call usbsim_dev_in_push() and the other
 * usbsim_dev_* functions, and must not block.
 *
 * Child processes: usbsim_spawn() runs a program with the testbed's
 * environment (UMOCKDEV_DIR, LD_PRELOAD with libumockdev-preload first);
 * it sees the same devices and is served by the same handler and models.
 *
 * Hotplug: struct usbsim_hotplug counts the events of drivers/usb's
 * usb_ctx_watch(), for tests that wait for an unplug or a replug to be seen.
 *
 * A model, for example a device that answers every OUT transfer on 0x01
 * with the same bytes on 0x81:
 *
 *	static void echo_out(struct usbsim_model *m, uint8_t ep, const uint8_t *data, size_t len)
 *	{
 *		usbsim_dev_in_push(m->dev, 0x81, data, len);
 *	}
 *	static const struct usbsim_model_ops echo_ops = {.on_out = echo_out};
 *
 *	struct usbsim *sim = usbsim_new();
 *	struct usbsim_model echo = {.ops = &echo_ops};
 *	struct usbsim_dev_desc d = {
 *		.vid = 0x1209, .pid = 0x0001, .n_ifaces = 1,
 *		.ifaces = {{.cls = 0xff, .n_eps = 2,
 *			    .eps = {{.addr = 0x01, .type = USBSIM_BULK, .max_packet = 64},
 *				    {.addr = 0x81, .type = USBSIM_BULK, .max_packet = 64}}}},
 *	};
 *	struct usbsim_dev *dev = usbsim_dev_add(sim, &d, &echo);
 *	... libusb (or drivers/usb) sees 1209:0001 on bus 1 ...
 *	usbsim_dev_unplug(dev);
 *	usbsim_free(sim);
 *
 * Models embed struct usbsim_model first when they need state of their own
 * and cast the pointer back in their callbacks.
 */
#ifndef USBSIM_H
#define USBSIM_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#define USBSIM_IFACE_MAX 4 /* interfaces per device */
#define USBSIM_EP_MAX	 4 /* endpoints per interface (besides endpoint 0) */

enum usbsim_xfer {
	USBSIM_CONTROL = 1,
	USBSIM_BULK,
	USBSIM_INTERRUPT,
};

struct usbsim_ep_desc {
	uint8_t addr;	     /* bEndpointAddress: 0x81 is IN 1, 0x02 is OUT 2 */
	uint8_t type;	     /* USBSIM_BULK or USBSIM_INTERRUPT */
	uint16_t max_packet; /* wMaxPacketSize; 0 means 64 */
	uint8_t interval;    /* bInterval (interrupt endpoints); 0 means 10 */
};

struct usbsim_iface_desc {
	uint8_t cls, subclass, protocol; /* bInterfaceClass/SubClass/Protocol */
	const char *driver; /* kernel driver bound when plugged ("usbhid", "usblp"), or NULL */
	size_t n_eps;
	struct usbsim_ep_desc eps[USBSIM_EP_MAX];
};

/* What the device is. Strings are copied; interface n is bInterfaceNumber n. */
struct usbsim_dev_desc {
	uint16_t vid, pid;
	uint16_t bcd_device;
	uint8_t dev_class, dev_subclass, dev_protocol; /* usually 0: per interface */
	const char *manufacturer, *product, *serial;   /* sysfs strings, or NULL */
	unsigned speed_mbps;			       /* 1, 12 or 480; 0 means 12 */
	size_t n_ifaces;			       /* 1..USBSIM_IFACE_MAX */
	struct usbsim_iface_desc ifaces[USBSIM_IFACE_MAX];
};

/* A control request as it arrived (host byte order). */
struct usbsim_setup {
	uint8_t request_type, request;
	uint16_t value, index, length;
};

struct usbsim_model;
struct usbsim_dev;
struct usbsim;

struct usbsim_model_ops {
	/* The device received an OUT transfer of len bytes on endpoint ep.
	 * data is borrowed for the call. NULL: OUT data is dropped. */
	void (*on_out)(struct usbsim_model *m, uint8_t ep, const uint8_t *data, size_t len);
	/* A control transfer. For an IN request (request_type & 0x80) fill
	 * data (cap bytes = setup->length) and return the number of bytes
	 * sent; for an OUT request data holds setup->length bytes, return 0.
	 * Return a negative number to stall. NULL: every request stalls. */
	int (*on_control)(struct usbsim_model *m, const struct usbsim_setup *setup, uint8_t *data,
			  size_t cap);
	/* The device was plugged in (1) or unplugged (0). May be NULL. */
	void (*on_plug)(struct usbsim_model *m, int plugged);
};

/* The model: borrowed by the harness, must outlive the device. `dev` is
 * set by usbsim_dev_add(). */
struct usbsim_model {
	const struct usbsim_model_ops *ops;
	struct usbsim_dev *dev;
};

/* A new testbed with no devices; sets UMOCKDEV_DIR for this process. Only
 * one at a time per process. Aborts (g_error) when not running with the
 * umockdev preload library or when the testbed cannot be made. Free it
 * with usbsim_free() after everything that uses libusb on it is closed. */
struct usbsim *usbsim_new(void);

/* Unplugs every device, removes the testbed. Accepts NULL. */
void usbsim_free(struct usbsim *sim);

/* The testbed's root directory (borrowed, valid until usbsim_free). */
const char *usbsim_root(const struct usbsim *sim);

/* Plugs a device into the next free port of bus 1 (ports 1, 2, ...) with
 * the next free device number (from 2), sends "add". The model may be
 * NULL (a device that ignores OUT data and stalls control requests).
 * Returns the device, owned by the simulation (valid until usbsim_free).
 * Aborts on a bad description. */
struct usbsim_dev *usbsim_dev_add(struct usbsim *sim, const struct usbsim_dev_desc *desc,
				  struct usbsim_model *model);

/* Unplugs the device (see the file comment). No-op if already unplugged. */
void usbsim_dev_unplug(struct usbsim_dev *dev);

/* Plugs an unplugged device in again at the same port, with device
 * number `devnum` (0 keeps the old one), and kernel drivers bound again.
 * IN queues start empty. No-op if plugged. */
void usbsim_dev_replug(struct usbsim_dev *dev, uint8_t devnum);

/* Queues one device-side IN transfer of len bytes (copied) on endpoint ep
 * and completes pending IN URBs with it. Returns 0, or -1 if ep is not an
 * IN endpoint of the device or the device is unplugged. */
int usbsim_dev_in_push(struct usbsim_dev *dev, uint8_t ep, const void *data, size_t len);

/* Bytes queued on IN endpoint ep that no URB has taken yet. */
size_t usbsim_dev_in_queued(struct usbsim_dev *dev, uint8_t ep);

/* Waits up to timeout_ms until at least n URBs are pending (submitted,
 * not completed) on endpoint ep. Returns 0, or -1 on timeout. */
int usbsim_dev_wait_pending(struct usbsim_dev *dev, uint8_t ep, unsigned n, int timeout_ms);

/* URBs submitted so far on endpoint ep as `type` (enum usbsim_xfer;
 * endpoint 0 counts control URBs and synchronous CONTROL ioctls). */
unsigned usbsim_dev_urb_count(struct usbsim_dev *dev, uint8_t ep, enum usbsim_xfer type);

/* Who has interface `iface` now: the kernel driver's name ("usbhid"),
 * "usbfs" while a program has claimed it, or NULL. The string is static
 * or the description's copy (valid until usbsim_free). */
const char *usbsim_dev_driver(struct usbsim_dev *dev, unsigned iface);

/* Where the device is: bus number, device number (0 while unplugged) and
 * sysfs path (borrowed; "/sys/devices/usb1/1-2"). */
uint8_t usbsim_dev_busnum(const struct usbsim_dev *dev);
uint8_t usbsim_dev_devnum(struct usbsim_dev *dev);
const char *usbsim_dev_syspath(const struct usbsim_dev *dev);

/* Runs argv[0] (a path, or a name looked up in PATH) with argv, with this
 * testbed's environment, and waits for it while the handler keeps serving
 * the child. On success returns 0, sets *out_text to its standard output
 * (g_free it; may be NULL if not wanted) and *exit_status to its exit code
 * (128 + the signal if it was killed). Returns -1 if it could not be run.
 * Standard error is passed through. ASAN_OPTIONS gets
 * verify_asan_link_order=0 appended, because the preload library then
 * comes before an instrumented child's ASan runtime. */
int usbsim_spawn(struct usbsim *sim, char *const argv[], char **out_text, int *exit_status);

/* Hotplug events counted for a test that waits for them, e.g. for a replug:
 *
 *	struct usbsim_hotplug hp;
 *	usbsim_hotplug_init(&hp);
 *	usb_ctx_watch(ctx, usbsim_hotplug_on_watch, &hp);
 *	unsigned before = usbsim_hotplug_arrived(&hp);
 *	usbsim_dev_replug(dev, 0);
 *	assert_int_equal(usbsim_hotplug_wait_arrived(&hp, before + 1, 10000), 0);
 *	...
 *	usb_ctx_free(ctx);
 *	usbsim_hotplug_cleanup(&hp);
 *
 * The callback runs on the usb layer's event thread; the counts are read
 * under the lock. Only the counts are kept, not the devices. */
struct usb_device_info; /* drivers/usb/usb.h; only passed through */

struct usbsim_hotplug {
	pthread_mutex_t lock;
	pthread_cond_t cond;	/* a count changed */
	unsigned arrived, left; /* arrivals and removals seen so far */
};

/* Both counts at 0. */
void usbsim_hotplug_init(struct usbsim_hotplug *h);

/* Frees the lock and condition; stop the watch (usb_ctx_free) first. */
void usbsim_hotplug_cleanup(struct usbsim_hotplug *h);

/* A usb_watch_fn for usb_ctx_watch() with arg = h: counts one arrival
 * (arrived != 0) or removal and wakes the waiters. */
void usbsim_hotplug_on_watch(void *arg, int arrived, const struct usb_device_info *info);

/* Arrivals seen so far (take it before a replug, wait for one more). */
unsigned usbsim_hotplug_arrived(struct usbsim_hotplug *h);

/* Wait up to timeout_ms until at least n arrivals (removals) have been
 * seen. Return 0, or -1 on timeout. */
int usbsim_hotplug_wait_arrived(struct usbsim_hotplug *h, unsigned n, int timeout_ms);
int usbsim_hotplug_wait_left(struct usbsim_hotplug *h, unsigned n, int timeout_ms);

/* A ready-made model: every OUT transfer is echoed on IN endpoint in_ep;
 * vendor control OUT request 0x01 stores up to 64 bytes and vendor
 * control IN request 0x02 returns them; other requests stall. */
struct usbsim_loopback {
	struct usbsim_model base;
	uint8_t in_ep;
	uint8_t stored[64];
	size_t stored_len;
};

/* Initialises lb as a loopback answering on IN endpoint in_ep. */
void usbsim_loopback_init(struct usbsim_loopback *lb, uint8_t in_ep);

#endif
