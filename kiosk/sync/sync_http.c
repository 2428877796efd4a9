/*
 * sync_http: libcurl adapter (sync_http.h). One easy handle per engine, so
 * curl keeps the connection (and TLS session) alive between bundles.
 */
#include "sync_http.h"

#include <curl/curl.h>
#include <jansson.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zlib.h>

#include "vb_error.h"

/* Renew a client-credentials token this long before it expires. */
#define TOKEN_MARGIN_S 30

struct sync_http {
	struct sync_options o;
	CURL *curl;
	const atomic_int *abort_flag; /* nonzero: stop the request in progress */
	char token[SYNC_SECRET_CAP];  /* the bearer token in use, "" if none */
	int64_t token_expires;	      /* CLOCK_MONOTONIC seconds; 0 never */
};

struct buf {
	char *p;
	size_t len, cap;
	int too_big;
};

static pthread_once_t global_once = PTHREAD_ONCE_INIT;

static void global_init(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
}

static int64_t mono_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec;
}

/* curl's progress callback: nonzero aborts the transfer. */
static int on_progress(void *arg, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
		       curl_off_t ulnow)
{
	const struct sync_http *h = arg;
	(void)dltotal, (void)dlnow, (void)ultotal, (void)ulnow;
	return h->abort_flag && atomic_load(h->abort_flag);
}

void sync_http_no_gzip(struct sync_http *h)
{
	h->o.gzip = 0;
}

void sync_http_abort_on(struct sync_http *h, const atomic_int *flag)
{
	h->abort_flag = flag;
}

static size_t on_data(char *data, size_t size, size_t n, void *arg)
{
	struct buf *b = arg;
	size_t len = size * n;
	if (b->len + len + 1 > SYNC_HTTP_REPLY_MAX) {
		b->too_big = 1;
		return 0; /* curl stops with CURLE_WRITE_ERROR */
	}
	if (b->len + len + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 16384;
		while (cap < b->len + len + 1)
			cap *= 2;
		char *p = realloc(b->p, cap);
		if (!p)
			return 0;
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->len, data, len);
	b->len += len;
	b->p[b->len] = '\0';
	return len;
}

int sync_http_new(const struct sync_options *o, struct sync_http **out)
{
	if (!o || !o->url[0])
		return VB_EINVAL;
	pthread_once(&global_once, global_init);
	struct sync_http *h = calloc(1, sizeof(*h));
	if (!h)
		return VB_ENOMEM;
	h->o = *o;
	if (!(h->curl = curl_easy_init())) {
		free(h);
		return VB_ENOMEM;
	}
	if (o->auth == SYNC_AUTH_BEARER)
		snprintf(h->token, sizeof(h->token), "%s", o->token);
	*out = h;
	return VB_OK;
}

void sync_http_free(struct sync_http *h)
{
	if (!h)
		return;
	curl_easy_cleanup(h->curl);
	memset(h, 0, sizeof(*h)); /* the secrets */
	free(h);
}

void sync_http_reply_cleanup(struct sync_http_reply *r)
{
	if (!r)
		return;
	free(r->body);
	memset(r, 0, sizeof(*r));
}

int sync_http_pct(const char *s, char *out, size_t cap)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t k = strlen(out);
	for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
		int plain = (*c >= 'A' && *c <= 'Z') || (*c >= 'a' && *c <= 'z') ||
			    (*c >= '0' && *c <= '9') || *c == '-' || *c == '.' || *c == '_' ||
			    *c == '~';
		if (k + (plain ? 1 : 3) >= cap)
			return VB_ERANGE;
		if (plain) {
			out[k++] = (char)*c;
		} else {
			out[k++] = '%';
			out[k++] = hex[*c >> 4];
			out[k++] = hex[*c & 15];
		}
	}
	out[k] = '\0';
	return VB_OK;
}

/* gzip (RFC 1952) of in into a new buffer. VB_OK or VB_ENOMEM. */
static int gzip(const char *in, size_t len, char **out, size_t *out_len)
{
	z_stream z;
	memset(&z, 0, sizeof(z));
	if (deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		return VB_ENOMEM;
	size_t cap = deflateBound(&z, (uLong)len) + 32;
	char *p = malloc(cap);
	if (!p) {
		deflateEnd(&z);
		return VB_ENOMEM;
	}
	z.next_in = (Bytef *)in;
	z.avail_in = (uInt)len;
	z.next_out = (Bytef *)p;
	z.avail_out = (uInt)cap;
	int zr = deflate(&z, Z_FINISH);
	*out_len = z.total_out;
	deflateEnd(&z);
	if (zr != Z_STREAM_END) {
		free(p);
		return VB_ENOMEM;
	}
	*out = p;
	return VB_OK;
}

/* Fills r's wire figures from the finished transfer. curl's request size
 * counts the headers, and the body too when it went out with them (a
 * POSTFIELDS body under 64 KiB, lib/http.c MAX_INITIAL_POST_SIZE);
 * a larger body is sent after and counted as the upload alone. */
static void count_bytes(CURL *c, size_t body_len, struct sync_http_reply *r)
{
	long req = 0, hdr = 0;
	curl_off_t up = 0, down = 0;
	curl_easy_getinfo(c, CURLINFO_REQUEST_SIZE, &req);
	curl_easy_getinfo(c, CURLINFO_HEADER_SIZE, &hdr);
	curl_easy_getinfo(c, CURLINFO_SIZE_UPLOAD_T, &up);
	curl_easy_getinfo(c, CURLINFO_SIZE_DOWNLOAD_T, &down);
	r->bytes_up += req + (body_len < 65536 ? 0 : up);
	r->bytes_down += hdr + down;
}

/* How a request authorises itself. */
enum auth_kind {
	AUTH_TOKEN, /* the bearer token, if any */
	AUTH_BASIC, /* the client id and secret (token endpoint) */
};

/*
 * One request: GET (body NULL) or POST of body as content_type, to url.
 * The answer goes to r. VB_OK when a status came, VB_EIO, VB_ENOMEM.
 */
static int perform(struct sync_http *h, const char *url, const char *body, size_t len,
		   const char *content_type, enum auth_kind auth, int gz, struct sync_http_reply *r)
{
	CURL *c = h->curl;
	struct curl_slist *hdrs = NULL;
	struct buf b = {NULL, 0, 0, 0};
	char line[SYNC_SECRET_CAP + 32];
	int rc = VB_OK;

	curl_easy_reset(c);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, (long)h->o.timeout_ms);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, (long)h->o.connect_timeout_ms);
	curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(c, CURLOPT_TCP_KEEPALIVE, 1L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	if (h->o.ca_file[0])
		curl_easy_setopt(c, CURLOPT_CAINFO, h->o.ca_file);
	if (h->o.pin[0])
		curl_easy_setopt(c, CURLOPT_PINNEDPUBLICKEY, h->o.pin);
	if (h->o.client_cert[0]) {
		curl_easy_setopt(c, CURLOPT_SSLCERT, h->o.client_cert);
		curl_easy_setopt(c, CURLOPT_SSLKEY,
				 h->o.client_key[0] ? h->o.client_key : h->o.client_cert);
	}
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
	if (h->abort_flag) {
		curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
		curl_easy_setopt(c, CURLOPT_XFERINFODATA, h);
		curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
	}
	hdrs = curl_slist_append(hdrs, "Accept: application/fhir+json");
	if (auth == AUTH_TOKEN && h->token[0]) {
		snprintf(line, sizeof(line), "Authorization: Bearer %s", h->token);
		hdrs = curl_slist_append(hdrs, line);
	} else if (auth == AUTH_BASIC) {
		curl_easy_setopt(c, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
		curl_easy_setopt(c, CURLOPT_USERNAME, h->o.client_id);
		curl_easy_setopt(c, CURLOPT_PASSWORD, h->o.client_secret);
	}
	if (body) {
		snprintf(line, sizeof(line), "Content-Type: %s", content_type);
		hdrs = curl_slist_append(hdrs, line);
		if (gz)
			hdrs = curl_slist_append(hdrs, "Content-Encoding: gzip");
		curl_easy_setopt(c, CURLOPT_POST, 1L);
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
	}
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
	memset(line, 0, sizeof(line));

	CURLcode cr = curl_easy_perform(c);
	count_bytes(c, body ? len : 0, r);
	if (cr != CURLE_OK) {
		snprintf(r->error, sizeof(r->error), "%s (curl %d)",
			 b.too_big ? "answer too large" : curl_easy_strerror(cr), (int)cr);
		rc = cr == CURLE_OUT_OF_MEMORY ? VB_ENOMEM : VB_EIO;
		free(b.p);
	} else {
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
		free(r->body);
		r->body = b.p ? b.p : strdup("");
		r->len = b.len;
		r->error[0] = '\0';
		if (!r->body)
			rc = VB_ENOMEM;
	}
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, NULL);
	curl_easy_setopt(c, CURLOPT_USERNAME, NULL);
	curl_easy_setopt(c, CURLOPT_PASSWORD, NULL);
	curl_slist_free_all(hdrs);
	return rc;
}

/* Fetches a client-credentials token (RFC 6749 4.4, client authenticated
 * with HTTP Basic). VB_OK, or VB_EIO with r->error set. */
static int fetch_token(struct sync_http *h, struct sync_http_reply *r)
{
	static const char form[] = "grant_type=client_credentials";
	struct sync_http_reply t;
	memset(&t, 0, sizeof(t));
	int rc = perform(h, h->o.token_url, form, sizeof(form) - 1,
			 "application/x-www-form-urlencoded", AUTH_BASIC, 0, &t);
	json_t *j = rc == VB_OK && t.status == 200 ? json_loads(t.body, 0, NULL) : NULL;
	const char *tok = json_string_value(json_object_get(j, "access_token"));
	json_int_t ttl = json_integer_value(json_object_get(j, "expires_in"));
	if (rc != VB_OK) {
		snprintf(r->error, sizeof(r->error), "token: %.180s", t.error);
		rc = VB_EIO;
	} else if (!tok || strlen(tok) >= sizeof(h->token)) {
		snprintf(r->error, sizeof(r->error), "token: HTTP %ld, no usable access_token",
			 t.status);
		rc = VB_EIO;
	} else {
		snprintf(h->token, sizeof(h->token), "%s", tok);
		h->token_expires = ttl > TOKEN_MARGIN_S ? mono_s() + ttl - TOKEN_MARGIN_S : 0;
	}
	json_decref(j);
	r->bytes_up += t.bytes_up;
	r->bytes_down += t.bytes_down;
	sync_http_reply_cleanup(&t);
	return rc;
}

/* A request with the authorisation the options ask for: a token fetched
 * when missing or about to expire, and fetched again once after a 401. */
static int request(struct sync_http *h, const char *url, const char *body, size_t len, int gz,
		   struct sync_http_reply *r)
{
	int cc = h->o.auth == SYNC_AUTH_CLIENT_CREDENTIALS;
	int rc;
	for (int attempt = 0; attempt < 2; attempt++) {
		if (cc && (!h->token[0] || (h->token_expires && mono_s() >= h->token_expires)) &&
		    (rc = fetch_token(h, r)))
			return rc;
		rc = perform(h, url, body, len, "application/fhir+json", AUTH_TOKEN, gz, r);
		if (rc || r->status != 401 || !cc)
			return rc;
		h->token[0] = '\0'; /* refused: fetch a new one and try once more */
	}
	return VB_OK;
}

/* base + "/" + path into out. */
static int join(const struct sync_http *h, const char *path, char *out, size_t cap)
{
	size_t n = strlen(h->o.url);
	int slash = n && h->o.url[n - 1] == '/';
	int w = snprintf(out, cap, "%s%s%s", h->o.url, path[0] && !slash ? "/" : "", path);
	return w < 0 || (size_t)w >= cap ? VB_ERANGE : VB_OK;
}

int sync_http_post(struct sync_http *h, const char *path, const char *body, size_t len,
		   struct sync_http_reply *r)
{
	char url[SYNC_URL_CAP + 256];
	char *z = NULL;
	size_t zlen = 0;
	memset(r, 0, sizeof(*r));
	if (join(h, path, url, sizeof(url)))
		return VB_EINVAL;
	if (h->o.gzip && gzip(body, len, &z, &zlen))
		return VB_ENOMEM;
	int rc = request(h, url, z ? z : body, z ? zlen : len, z != NULL, r);
	free(z);
	return rc;
}

int sync_http_get(struct sync_http *h, const char *path_query, struct sync_http_reply *r)
{
	char url[SYNC_URL_CAP + 2048];
	memset(r, 0, sizeof(*r));
	if (strncmp(path_query, "http://", 7) == 0 || strncmp(path_query, "https://", 8) == 0) {
		if (strncmp(path_query, h->o.url, strlen(h->o.url)) != 0 ||
		    strlen(path_query) >= sizeof(url))
			return VB_EINVAL;
		snprintf(url, sizeof(url), "%s", path_query);
	} else if (join(h, path_query, url, sizeof(url))) {
		return VB_EINVAL;
	}
	return request(h, url, NULL, 0, 0, r);
}
