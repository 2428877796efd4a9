/*
 * usb: the only libusb code of vaxbus — the context and its event thread,
 * device matching by VID:PID and interface class from configuration,
 * endpoint discovery from descriptors, explicit kernel-driver detach,
 * transfers with timeouts exposed as byte links, control transfers,
 * hotplug (libusb's callbacks, or polling where hotplug is unsupported)
 * and automatic re-open of a device that comes back after an unplug.
 *
 * Errors are DRV_* codes (drv_error.h); libusb's are mapped once, here.
 * Everything is safe to call from any thread; watch callbacks run on the
 * event thread and must not block.
 */
#ifndef USB_H
#define USB_H

#include <stddef.h>
#include <stdint.h>

#include "byte_link.h"
#include "drv_error.h"

struct usb_ctx;
struct usb_dev;

#define USB_ROLE_MAX 16 /* "idcard", "scanner", "printer", "thermo" */

/* Which devices play which role: a VID:PID (0 = any) and/or an interface
 * class triple (-1 = any). The first match in the table wins. */
struct usb_match {
	char role[USB_ROLE_MAX];
	uint16_t vid, pid;
	int iface_class, iface_subclass, iface_protocol;
	int iface; /* the interface to claim, -1 = the first that matches the class */
};

/* What is attached, as `vaxbusctl devices` prints it. */
struct usb_device_info {
	char role[USB_ROLE_MAX];
	uint16_t vid, pid;
	uint8_t bus, address;
	char port_path[32]; /* "1-2.3" */
	int open;	    /* 1 while a usb_dev holds it */
};

/* Creates the context, starts the event thread and hotplug (or the polling
 * fallback). Returns DRV_OK with *out, or an error. */
int usb_ctx_new(const struct usb_match *matches, size_t n_matches, struct usb_ctx **out);

/* Stops the event thread, closes every device, frees. Accepts NULL. */
void usb_ctx_free(struct usb_ctx *ctx);

/* The matched devices attached now, into out[0..*n). DRV_OK or an error. */
int usb_ctx_list(struct usb_ctx *ctx, struct usb_device_info *out, size_t cap, size_t *n);

/* Called on the event thread when a matched device arrives (arrived 1) or
 * leaves (0). One callback per context; NULL to stop. */
typedef void (*usb_watch_fn)(void *arg, int arrived, const struct usb_device_info *info);
int usb_ctx_watch(struct usb_ctx *ctx, usb_watch_fn fn, void *arg);

/* Opens the first attached device of `role`: detaches the kernel driver
 * from its interface (libusb_kernel_driver_active +
 * libusb_detach_kernel_driver; never auto-detach), claims it, and
 * discovers its endpoints. Returns DRV_OK with *out, DRV_ENOTFOUND when
 * none is attached, DRV_EACCES, DRV_EBUSY, or another error. While the
 * device is unplugged its transfers fail with DRV_ENODEV; when a device of
 * the same role arrives again it is re-opened and transfers work again. */
int usb_dev_open(struct usb_ctx *ctx, const char *role, struct usb_dev **out);

/* Releases the interface, re-attaches the kernel driver, frees. NULL ok. */
void usb_dev_close(struct usb_dev *dev);

/* The device's identity (valid until usb_dev_close). */
const struct usb_device_info *usb_dev_info(const struct usb_dev *dev);

/* Endpoint pairs found on the claimed interface, in descriptor order: the
 * n-th OUT endpoint with the n-th IN endpoint (bulk or interrupt); a pair
 * may lack its OUT (a HID scanner). */
size_t usb_dev_pair_count(const struct usb_dev *dev);

/* A byte link over pair `pair` (owned by the caller; free it before the
 * device). Reads are one IN transfer of up to the caller's cap. */
int usb_dev_link(struct usb_dev *dev, size_t pair, struct byte_link **out);

/* A control transfer on the device. Returns the number of bytes moved
 * (>= 0) or a DRV_* error. */
int usb_dev_control(struct usb_dev *dev, uint8_t request_type, uint8_t request, uint16_t value,
		    uint16_t index, uint8_t *data, uint16_t len, int timeout_ms);

#endif
