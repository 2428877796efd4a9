/*
 * usb_err: libusb's error codes and transfer statuses as DRV_* codes, in
 * one place (DESIGN.md: foreign codes are mapped once, in their adapter).
 */
#include "usb_int.h"

int usb_err(int libusb_rc)
{
	switch (libusb_rc) {
	case LIBUSB_SUCCESS:
		return DRV_OK;
	case LIBUSB_ERROR_TIMEOUT:
		return DRV_ETIMEOUT;
	case LIBUSB_ERROR_NO_DEVICE:
		return DRV_ENODEV;
	case LIBUSB_ERROR_ACCESS:
		return DRV_EACCES;
	case LIBUSB_ERROR_BUSY:
		return DRV_EBUSY;
	case LIBUSB_ERROR_NOT_FOUND:
		return DRV_ENOTFOUND;
	case LIBUSB_ERROR_INVALID_PARAM:
		return DRV_EINVAL;
	case LIBUSB_ERROR_NO_MEM:
		return DRV_ENOMEM;
	case LIBUSB_ERROR_NOT_SUPPORTED:
		return DRV_ENOTSUP;
	case LIBUSB_ERROR_OVERFLOW:
	case LIBUSB_ERROR_PIPE:
	case LIBUSB_ERROR_IO:
	case LIBUSB_ERROR_INTERRUPTED:
	case LIBUSB_ERROR_OTHER:
	default:
		return DRV_EIO;
	}
}

int usb_err_status(enum libusb_transfer_status status)
{
	switch (status) {
	case LIBUSB_TRANSFER_COMPLETED:
		return DRV_OK;
	case LIBUSB_TRANSFER_TIMED_OUT:
		return DRV_ETIMEOUT;
	case LIBUSB_TRANSFER_NO_DEVICE:
		return DRV_ENODEV;
	case LIBUSB_TRANSFER_CANCELLED: /* by us: an unplug, or our backstop timer */
		return DRV_ENODEV;
	case LIBUSB_TRANSFER_STALL:
	case LIBUSB_TRANSFER_OVERFLOW:
	case LIBUSB_TRANSFER_ERROR:
	default:
		return DRV_EIO;
	}
}
