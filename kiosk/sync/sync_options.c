/*
 * sync_options: the defaults of struct sync_options and the names of its
 * modes (sync.h).
 */
#include <stdio.h>
#include <string.h>

#include "sync.h"
#include "vb_error.h"

void sync_options_defaults(struct sync_options *o)
{
	memset(o, 0, sizeof(*o));
	o->mode = SYNC_MODE_BATCH;
	o->bundle_size = 500;
	o->timeout_ms = 60000;
	o->connect_timeout_ms = 10000;
	o->backoff_min_ms = 2000;
	o->backoff_max_ms = 15 * 60 * 1000;
	o->gzip = 1;
	o->auth = SYNC_AUTH_NONE;
	fhir_systems_init(&o->systems, SYNC_SYSTEMS_BASE);
}

int sync_pin_check(const char *s)
{
	static const char prefix[] = "sha256//";
	static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const size_t plen = sizeof(prefix) - 1, digits = 43; /* 32 bytes: 43 digits and '=' */
	if (!s || !*s)
		return VB_EINVAL;
	for (;;) {
		if (strncmp(s, prefix, plen) != 0)
			return VB_EINVAL;
		s += plen;
		if (strspn(s, b64) != digits || s[digits] != '=')
			return VB_EINVAL;
		s += digits + 1;
		if (!*s)
			return VB_OK;
		if (*s++ != ';')
			return VB_EINVAL;
	}
}

int sync_mode_parse(const char *s, enum sync_mode *out)
{
	if (strcmp(s, "batch") == 0)
		*out = SYNC_MODE_BATCH;
	else if (strcmp(s, "transaction") == 0)
		*out = SYNC_MODE_TRANSACTION;
	else
		return VB_EINVAL;
	return VB_OK;
}

int sync_auth_parse(const char *s, enum sync_auth *out)
{
	if (strcmp(s, "none") == 0)
		*out = SYNC_AUTH_NONE;
	else if (strcmp(s, "bearer") == 0)
		*out = SYNC_AUTH_BEARER;
	else if (strcmp(s, "client_credentials") == 0)
		*out = SYNC_AUTH_CLIENT_CREDENTIALS;
	else
		return VB_EINVAL;
	return VB_OK;
}
