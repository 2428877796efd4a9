/*
 * usb: the only libusb code of vaxbus — the context and its event thread,
 * device matching by VID:PID and interface class from configuration,
 * endpoint discovery from descriptors, explicit kernel-driver detach,
 * transfers with timeouts exposed as byte links, control transfers,
 * hotplug (libusb's callbacks, or polling where hotplug is unsupported)
 * and automatic re-open of a device that comes back after an unplug.
 *
 * Errors are DRV_* codes (drv_error.h); libusb's are mapped once, here
 * (usb_err.c): TIMEOUT → DRV_ETIMEOUT, NO_DEVICE → DRV_ENODEV, ACCESS →
 * DRV_EACCES, BUSY → DRV_EBUSY, NOT_FOUND → DRV_ENOTFOUND, INVALID_PARAM →
 * DRV_EINVAL, NO_MEM → DRV_ENOMEM, NOT_SUPPORTED → DRV_ENOTSUP; OVERFLOW,
 * PIPE (a stall), IO and the rest → DRV_EIO.
 *
 * Threads: one event thread per context runs libusb's event handling
 * (libusb_handle_events_timeout_completed); transfers are submitted by the
 * calling thread and waited for while the event thread completes them.
 * Everything is safe to call from any thread, with these limits: a device
 * is closed (and a link freed) by one thread when no other call on it is
 * running; a link takes one read and one write at a time (a reader thread
 * and a writer thread are fine). Watch callbacks run on the event thread
 * and must not block or call into this module, except usb_ctx_watch.
 *
 * Hotplug: with libusb's hotplug support (Linux) arrivals and departures
 * come from its callbacks; without it, or when the environment variable
 * VB_USB_POLL_MS is set to a period in milliseconds (1..60000; tests use
 * it to force the fallback), the event thread compares the list of
 * attached devices every period (1 s by default) and reports the
 * differences the same way, on the same thread.
 *
 * Unplug and re-open: when a device goes away, its transfers in flight
 * fail with DRV_ENODEV at once (they are cancelled) and so does every
 * later call while it stays away. A usb_dev is not lost: the next call
 * that needs the device (a transfer, a link read or write, a control
 * transfer) re-opens a device of the same role — the one at the same port
 * first — in the caller's thread, and proceeds on it. So a caller that
 * gets DRV_ENODEV retries later and works again once a device is back.
 *
 * Changes to the lead's contract (kept names and meaning):
 * - usb_dev_iface() and usb_dev_pair_info() added: which interface was
 *   claimed, and each pair's endpoints (address, bulk or interrupt,
 *   wMaxPacketSize).
 * - Reads: how a cap smaller than wMaxPacketSize is served, that a cap is
 *   rounded down to whole packets, and that a timeout after part of a
 *   transfer returns that part (see usb_dev_link).
 * - A pair may lack its IN endpoint as well as its OUT one; the missing
 *   direction fails with DRV_ENOTSUP.
 * - usb_ctx_list fills at most cap entries; usb_ctx_new rejects a match
 *   row that constrains nothing (DRV_EINVAL).
 * - The polling fallback runs on the event thread (so watch callbacks
 *   always come from one thread), forced with VB_USB_POLL_MS.
 * - usb_dev_info's fields change when the device is re-opened (e.g. the
 *   port); usb_ctx_free closes devices still open.
 * - Timeouts below 1 ms are taken as 1 ms (libusb's 0 would mean never).
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
 * class triple (-1 = any). The first match in the table wins. A row must
 * constrain something (a VID, a PID or a class field). Only the first
 * alternate setting of each interface of the active configuration is
 * considered. */
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
	char port_path[32]; /* "1-2.3": bus, then the port numbers from the root */
	int open;	    /* 1 while a usb_dev of this context holds it */
};

/* Creates the context (the table is copied), starts the event thread and
 * hotplug (or the polling fallback). Returns DRV_OK with *out, DRV_EINVAL
 * for a bad table, or another error. */
int usb_ctx_new(const struct usb_match *matches, size_t n_matches, struct usb_ctx **out);

/* Stops the event thread, closes every device still open (their pointers
 * become invalid; free their links first), frees. Accepts NULL. */
void usb_ctx_free(struct usb_ctx *ctx);

/* The matched devices attached now, into out[0..*n) (at most cap; more are
 * left out). DRV_OK or an error. */
int usb_ctx_list(struct usb_ctx *ctx, struct usb_device_info *out, size_t cap, size_t *n);

/* Called on the event thread when a matched device arrives (arrived 1) or
 * leaves (0); info is borrowed for the call. One callback per context;
 * NULL to stop. Once usb_ctx_watch returns, the old callback is not
 * running and will not be called again. Callable from the callback. */
typedef void (*usb_watch_fn)(void *arg, int arrived, const struct usb_device_info *info);
int usb_ctx_watch(struct usb_ctx *ctx, usb_watch_fn fn, void *arg);

/* Opens the first attached device of `role` that is not open already:
 * detaches the kernel driver from its interface (libusb_kernel_driver_active
 * + libusb_detach_kernel_driver; never auto-detach), claims it, and
 * discovers its endpoints. Returns DRV_OK with *out (free with
 * usb_dev_close), DRV_ENOTFOUND when none is attached, DRV_EACCES,
 * DRV_EBUSY, or another error. While the device is unplugged its
 * transfers fail with DRV_ENODEV; when a device of the same role arrives
 * again it is re-opened on the next call and transfers work again. */
int usb_dev_open(struct usb_ctx *ctx, const char *role, struct usb_dev **out);

/* Releases the interface, re-attaches the kernel driver it detached,
 * closes, frees. NULL ok. */
void usb_dev_close(struct usb_dev *dev);

/* The device's identity (borrowed, valid until usb_dev_close; updated when
 * the device is re-opened, so read it from the thread that uses it). */
const struct usb_device_info *usb_dev_info(const struct usb_dev *dev);

/* The bInterfaceNumber of the claimed interface. */
int usb_dev_iface(const struct usb_dev *dev);

/* Endpoint pairs found on the claimed interface, in descriptor order: the
 * n-th OUT endpoint with the n-th IN endpoint (bulk or interrupt); a pair
 * may lack its OUT (a HID scanner) or its IN. */
size_t usb_dev_pair_count(const struct usb_dev *dev);

/* A pair's endpoints; an absent one has address 0. */
struct usb_pair_info {
	uint8_t out_ep, in_ep;			/* bEndpointAddress, or 0 */
	int out_interrupt, in_interrupt;	/* 1 interrupt, 0 bulk */
	uint16_t out_max_packet, in_max_packet; /* wMaxPacketSize, or 0 */
};

/* Fills *out for pair `pair`. DRV_OK or DRV_EINVAL. */
int usb_dev_pair_info(const struct usb_dev *dev, size_t pair, struct usb_pair_info *out);

/* A byte link over pair `pair` (owned by the caller; free it before the
 * device). Transfers are bulk or interrupt as the endpoint is. A write is
 * one OUT transfer of all the bytes (DRV_OK only when all went; a write
 * of 0 bytes sends nothing). A read is one IN transfer of at least one max
 * packet: with cap >= wMaxPacketSize it reads up to cap rounded down to
 * whole packets straight into the buffer; with a smaller cap it reads one
 * packet into the link and hands it out over the next reads (no data is
 * lost to an overflow). A read that times out after part of a transfer
 * arrived returns that part. in_packet_size is the IN wMaxPacketSize (0
 * without IN). Returns DRV_OK, or DRV_EINVAL for a pair out of range. */
int usb_dev_link(struct usb_dev *dev, size_t pair, struct byte_link **out);

/* A control transfer on the device (data: len bytes to send, or room for
 * len bytes to receive, per the direction bit of request_type; may be NULL
 * when len is 0). Returns the number of data bytes moved (>= 0) or a
 * DRV_* error (a stall is DRV_EIO). */
int usb_dev_control(struct usb_dev *dev, uint8_t request_type, uint8_t request, uint16_t value,
		    uint16_t index, uint8_t *data, uint16_t len, int timeout_ms);

#endif
