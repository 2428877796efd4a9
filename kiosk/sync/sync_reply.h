/*
 * sync_reply: the platform's answer to a pushed transaction or batch
 * Bundle, read into one fate per entry (sync_push.c sends the bundles).
 * Pure: no I/O, no engine state. Private to kiosk/sync.
 */
#ifndef SYNC_REPLY_H
#define SYNC_REPLY_H

#include <stddef.h>

#include "sync.h"

#define SYNC_REF_CAP 160 /* a platform id "Type/id" */

enum sync_fate {
	SYNC_FATE_UNSENT = 0,
	SYNC_FATE_OK,	  /* acknowledged: server_id set */
	SYNC_FATE_FAILED, /* refused for good: error set */
	SYNC_FATE_RETRY,  /* try later: error set */
	SYNC_FATE_SPLIT,  /* its bundle was refused as a whole: send again in halves */
};

struct sync_reply {
	const char *type; /* in: the entry's resource type, e.g. "Patient" */
	enum sync_fate fate;
	char server_id[SYNC_REF_CAP];
	char error[SYNC_ERROR_CAP];
};

/*
 * Reads the answer (HTTP status, body: NUL-terminated, any bytes) to a
 * bundle of n entries out[0..n) into their fates. Returns how many entries
 * the answer settled one by one: n, or 0 when it settled the bundle as a
 * whole (every entry then has the same fate, SPLIT or RETRY, and error).
 * An entry the answer acknowledges without an id is RETRY.
 */
size_t sync_reply_read(long status, const char *body, struct sync_reply *out, size_t n);

#endif
