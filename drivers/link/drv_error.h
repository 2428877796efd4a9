/*
 * drv_error: the drivers' own error codes.
 *
 * Drivers never include kiosk headers (DESIGN.md), so they report with
 * these; the app maps them to the project's codes in one place. libusb's
 * codes are mapped to these once, in drivers/usb.
 */
#ifndef DRV_ERROR_H
#define DRV_ERROR_H

enum drv_error {
	DRV_OK = 0,
	DRV_ETIMEOUT = -1,  /* nothing (or not enough) arrived in time */
	DRV_ENODEV = -2,    /* the device is gone (unplugged) */
	DRV_EIO = -3,	    /* a transfer failed */
	DRV_EPROTO = -4,    /* the device answered something the protocol forbids */
	DRV_ENOMEM = -5,    /* out of memory */
	DRV_EINVAL = -6,    /* a bad argument */
	DRV_EBUSY = -7,	    /* the device or interface is in use */
	DRV_ENOTFOUND = -8, /* no such device, or no card / no sensor present */
	DRV_EACCES = -9,    /* no permission to open the device (udev rules) */
	DRV_ENOTSUP = -10,  /* the device cannot do this */
};

/* Returns a static English description of rc (never NULL). */
const char *drv_strerror(int rc);

#endif
