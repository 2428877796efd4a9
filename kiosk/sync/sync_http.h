/*
 * sync_http: the one HTTP connection of a sync engine (libcurl easy
 * handle), kept alive between requests.
 *
 * TLS certificates are always verified (ca_file may name the CA bundle);
 * answers may come gzip'd; request bodies are gzip'd when the options say
 * so. Authorisation: a fixed bearer token, or OAuth 2 client credentials
 * (the token is fetched before the first request, renewed before it
 * expires, and once more after a 401). curl's error codes are mapped here
 * and nowhere else: a request that got no HTTP status is VB_EIO with the
 * reason in the reply's error text.
 */
#ifndef SYNC_HTTP_H
#define SYNC_HTTP_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "sync.h"

/* Largest answer accepted; a longer one is a transport failure. */
#define SYNC_HTTP_REPLY_MAX (64u << 20)

struct sync_http;

struct sync_http_reply {
	long status; /* the HTTP status, 0 if none came */
	char *body;  /* the (decoded) answer, NUL terminated; owned, freed by cleanup */
	size_t len;
	int64_t bytes_up, bytes_down; /* this request's headers + bodies on the wire */
	char error[SYNC_ERROR_CAP];   /* why no status came, "" otherwise */
};

/* A new connection for options *o (copied). VB_OK with *out, VB_EINVAL (no
 * url) or VB_ENOMEM. */
int sync_http_new(const struct sync_options *o, struct sync_http **out);
void sync_http_free(struct sync_http *h);

/*
 * POSTs body (len bytes, application/fhir+json) to the FHIR base URL plus
 * path ("" for the base itself). Returns VB_OK when an HTTP status came
 * (any status: look at r->status), VB_EIO when none did (r->error says
 * why), VB_ENOMEM. *r is always initialised: call sync_http_reply_cleanup.
 */
int sync_http_post(struct sync_http *h, const char *path, const char *body, size_t len,
		   struct sync_http_reply *r);

/* GETs the base URL plus path_query (e.g. "Patient?identifier=..."), or
 * path_query itself when it is an absolute URL under the base (a paging
 * link). Same returns as sync_http_post; an absolute URL elsewhere is
 * VB_EINVAL. */
int sync_http_get(struct sync_http *h, const char *path_query, struct sync_http_reply *r);

void sync_http_reply_cleanup(struct sync_http_reply *r);

/* Stops compressing request bodies (a platform that answered 415). */
void sync_http_no_gzip(struct sync_http *h);

/* While *flag (borrowed; NULL: never) is nonzero, requests stop at once
 * (a transport failure, VB_EIO): how a thread is told to stop mid-request. */
void sync_http_abort_on(struct sync_http *h, const atomic_int *flag);

/*
 * Appends s to out (cap bytes) percent-encoded for a query value: every
 * byte but A-Z a-z 0-9 - . _ ~ becomes %XX (so '+', '&', '#', '%', ',' and
 * '|' inside a value can never be misread). VB_OK or VB_ERANGE.
 */
int sync_http_pct(const char *s, char *out, size_t cap);

#endif
