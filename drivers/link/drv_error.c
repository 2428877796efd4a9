/*
 * drv_error: descriptions of the drivers' error codes.
 */
#include "drv_error.h"

const char *drv_strerror(int rc)
{
	switch (rc) {
	case DRV_OK:
		return "success";
	case DRV_ETIMEOUT:
		return "timed out";
	case DRV_ENODEV:
		return "device disconnected";
	case DRV_EIO:
		return "input/output error";
	case DRV_EPROTO:
		return "protocol error";
	case DRV_ENOMEM:
		return "out of memory";
	case DRV_EINVAL:
		return "invalid argument";
	case DRV_EBUSY:
		return "device busy";
	case DRV_ENOTFOUND:
		return "not found";
	case DRV_EACCES:
		return "permission denied";
	case DRV_ENOTSUP:
		return "not supported";
	}
	return "unknown error";
}
