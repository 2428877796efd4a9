/*
 * thermo_usb: TEMPer USB thermometers (0c45:7401) through drivers/usb.
 *
 * The stick is a composite HID device: interface 0 is a keyboard (left to
 * the kernel), interface 1 the sensor. The usb layer claims interface 1
 * (thermo_usb_match fills the row that says so); requests go out as HID
 * SET_REPORT control transfers (`21 09 0200 0001`, 8 bytes) and answers
 * come in on interrupt IN 0x82, the only endpoint of interface 1 (pair
 * 0, without an OUT). The protocol itself is thermo_proto.h.
 *
 * Several sticks (one per fridge) are told apart by their USB port path
 * ("1-2.3"), which is each thermo_dev's name; the app maps names to
 * fridges in its configuration. A stick stays bound to its port: after
 * an unplug, reads fail with DRV_ENODEV until a stick is back on that
 * port, then it is identified again and reads work. (The usb layer
 * re-opens a device of the role that comes back, at the same port first,
 * inside the next call; a read that finds the stick re-plugged since the
 * last one fails once with DRV_ENODEV and the next identifies it afresh;
 * if the usb layer re-opened a stick on another port, reads keep failing
 * with DRV_ENODEV: that stick is not this fridge's.)
 */
#ifndef THERMO_USB_H
#define THERMO_USB_H

#include <stddef.h>

#include "thermo.h"
#include "usb.h"

#define THERMO_USB_VID	 0x0c45
#define THERMO_USB_PID	 0x7401
#define THERMO_USB_IFACE 1 /* the sensor; 0 is the keyboard */

/* Fills *m with the row that matches TEMPer sticks for `role` (at most
 * USB_ROLE_MAX - 1 bytes; longer is cut): VID:PID, HID class, interface
 * THERMO_USB_IFACE. */
void thermo_usb_match(struct usb_match *m, const char *role);

/* Opens the next attached stick of `role` that is not open yet, and asks
 * it how many sensors it has (within timeout_ms). Returns DRV_OK with *out
 * (owned by the caller; thermo_dev_free closes it), DRV_ENOTFOUND when no
 * further stick is attached, DRV_ENOTSUP (not a TEMPer this driver
 * knows), or another DRV_ error from the usb layer or the stick. */
int thermo_usb_open(struct usb_ctx *ctx, const char *role, int timeout_ms, struct thermo_dev **out);

/* Opens every attached stick of `role`, at most cap, into out[0..*n)
 * (*n may be 0). Returns DRV_OK, or the first error (then nothing is left
 * open and out and *n are untouched). Each device is owned by the caller. */
int thermo_usb_open_all(struct usb_ctx *ctx, const char *role, int timeout_ms,
			struct thermo_dev **out, size_t cap, size_t *n);

#endif
