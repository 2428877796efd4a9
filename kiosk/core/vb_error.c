/*
 * vb_error: descriptions of the project's error codes and the helpers that
 * fill a refusal reason.
 */
#include "vb_error.h"

#include <stdarg.h>
#include <stdio.h>

const char *vb_strerror(int rc)
{
	switch (rc) {
	case VB_OK:
		return "success";
	case VB_EINVAL:
		return "invalid input";
	case VB_ENOMEM:
		return "out of memory";
	case VB_ENOTFOUND:
		return "not found";
	case VB_EEXIST:
		return "already exists";
	case VB_EREFUSED:
		return "refused by a rule";
	case VB_ESTATE:
		return "not allowed in the current state";
	case VB_ESTORAGE:
		return "storage error";
	case VB_ECORRUPT:
		return "integrity check failed";
	case VB_EIO:
		return "input/output error";
	case VB_ETIMEOUT:
		return "timed out";
	case VB_ENODEV:
		return "device not present";
	case VB_EPROTO:
		return "protocol error";
	case VB_EBUSY:
		return "busy";
	case VB_ERANGE:
		return "out of range";
	}
	return "unknown error";
}

int vb_reason_set(struct vb_reason *why, const char *code, const char *fmt, ...)
{
	if (why) {
		va_list ap;
		why->code = code;
		va_start(ap, fmt);
		vsnprintf(why->text, sizeof(why->text), fmt, ap);
		va_end(ap);
	}
	return VB_EREFUSED;
}

void vb_reason_clear(struct vb_reason *why)
{
	if (why) {
		why->code = NULL;
		why->text[0] = '\0';
	}
}
