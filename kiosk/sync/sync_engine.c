/*
 * sync_engine: an engine's life cycle (one per database, guarded by a lock
 * file), the backoff after transient failures, and the status kept in
 * meta for `vaxbusctl sync status` and the kiosk's screen.
 */
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "store_meta.h"
#include "store_outbox.h"
#include "sync_int.h"
#include "vb_error.h"

static void say(char *why, size_t cap, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void say(char *why, size_t cap, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	if (why && cap)
		vsnprintf(why, cap, fmt, ap);
	va_end(ap);
}

/* Takes the database's sync lock: VB_OK with *fd, VB_EBUSY, VB_EIO. */
static int lock_db(const char *db_path, int *fd)
{
	char path[4096];
	if (snprintf(path, sizeof(path), "%s-sync.lock", db_path) >= (int)sizeof(path))
		return VB_EINVAL;
	int f = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (f < 0)
		return VB_EIO;
	if (flock(f, LOCK_EX | LOCK_NB) != 0) {
		close(f);
		return VB_EBUSY;
	}
	*fd = f;
	return VB_OK;
}

int sync_engine_new(const char *db_path, const struct sync_options *opts, const struct catalog *cat,
		    sync_clock_fn clock, struct sync_engine **out, char *why, size_t whycap)
{
	if (!opts || !opts->url[0] || !cat || !clock || opts->bundle_size < 1 ||
	    opts->bundle_size > SYNC_BUNDLE_MAX || opts->timeout_ms <= 0 ||
	    opts->backoff_min_ms <= 0 || opts->backoff_max_ms < opts->backoff_min_ms) {
		say(why, whycap, "%s", "no platform url, or bad sync options");
		return VB_EINVAL;
	}
	if ((opts->pin[0] && sync_pin_check(opts->pin)) ||
	    (opts->client_key[0] && !opts->client_cert[0])) {
		say(why, whycap, "%s", "a malformed pin, or client_key without client_cert");
		return VB_EINVAL;
	}
	if ((opts->pin[0] || opts->client_cert[0]) && strncmp(opts->url, "https://", 8) != 0) {
		say(why, whycap, "%s", "a pin or a client certificate needs an https:// url");
		return VB_EINVAL;
	}
	struct sync_engine *e = calloc(1, sizeof(*e));
	if (!e)
		return VB_ENOMEM;
	e->o = *opts;
	e->cat = cat;
	e->clock = clock;
	e->lock_fd = -1;
	e->bundle_limit = opts->bundle_size;
	e->rng = (uint64_t)clock() ^ ((uint64_t)getpid() << 32) ^ (uintptr_t)e;
	int rc = lock_db(db_path, &e->lock_fd);
	if (rc == VB_EBUSY)
		say(why, whycap, "%s", "another sync is running on this database");
	else if (rc)
		say(why, whycap, "%s", "cannot create the sync lock file beside the database");
	if (!rc && (rc = store_open(db_path, &e->st, NULL)))
		say(why, whycap, "cannot open the database: %s", vb_strerror(rc));
	if (!rc && (rc = store_outbox_recover(e->st, NULL)))
		say(why, whycap, "outbox recovery: %s", store_errmsg(e->st));
	if (!rc && (rc = sync_http_new(&e->o, &e->http)))
		say(why, whycap, "%s", "cannot start HTTP");
	if (rc) {
		sync_engine_free(e);
		return rc;
	}
	*out = e;
	return VB_OK;
}

void sync_engine_free(struct sync_engine *e)
{
	if (!e)
		return;
	sync_http_free(e->http);
	store_close(e->st);
	if (e->lock_fd >= 0)
		close(e->lock_fd);
	memset(&e->o, 0, sizeof(e->o)); /* the secrets */
	free(e);
}

/* xorshift64*: jitter needs no more. */
static uint64_t next_rand(struct sync_engine *e)
{
	e->rng ^= e->rng >> 12;
	e->rng ^= e->rng << 25;
	e->rng ^= e->rng >> 27;
	return e->rng * 2685821657736338717ULL;
}

static void put_int(struct store *st, const char *key, int64_t v)
{
	char buf[24];
	snprintf(buf, sizeof(buf), "%" PRId64, v);
	store_meta_set(st, key, buf);
}

int64_t sync_engine_note(struct sync_engine *e, int ok, const char *error, int64_t now)
{
	put_int(e->st, SYNC_META_LAST_ATTEMPT, now);
	if (ok) {
		e->fails = 0;
		put_int(e->st, SYNC_META_LAST_SUCCESS, now);
		store_meta_set(e->st, SYNC_META_LAST_ERROR, "");
		return 0;
	}
	store_meta_set(e->st, SYNC_META_LAST_ERROR, error ? error : "");
	/* Full exponential backoff with jitter: a delay drawn from [d/2, d],
	 * d = min(max, min * 2^fails); no limit on the number of tries. */
	int64_t d = e->o.backoff_min_ms;
	for (int i = 0; i < e->fails && d < e->o.backoff_max_ms; i++)
		d *= 2;
	if (d > e->o.backoff_max_ms)
		d = e->o.backoff_max_ms;
	if (e->fails < 62)
		e->fails++;
	int64_t ms = d / 2 + (int64_t)(next_rand(e) % (uint64_t)(d / 2 + 1));
	int64_t s = (ms + 999) / 1000;
	return s < 1 ? 1 : s;
}

int sync_engine_pending(struct sync_engine *e, struct sync_progress *p)
{
	struct store_outbox_counts c;
	int rc = store_outbox_counts(e->st, &c);
	if (!rc)
		p->pending = c.pending + c.in_flight;
	return rc;
}

int64_t sync_engine_next_attempt(struct sync_engine *e)
{
	int64_t at = INT64_MAX;
	return store_outbox_next_due(e->st, &at) ? INT64_MAX : at;
}

static int64_t meta_int(struct store *st, const char *key)
{
	char buf[32];
	return store_meta_get(st, key, buf, sizeof(buf)) ? 0 : strtoll(buf, NULL, 10);
}

int sync_status_read(struct store *st, struct sync_status *out)
{
	struct sync_status s;
	memset(&s, 0, sizeof(s));
	int rc = store_outbox_counts(st, &s.counts);
	if (!rc)
		rc = store_outbox_next_due(st, &s.next_attempt);
	if (rc)
		return rc;
	s.last_success = meta_int(st, SYNC_META_LAST_SUCCESS);
	s.last_attempt = meta_int(st, SYNC_META_LAST_ATTEMPT);
	if (store_meta_get(st, SYNC_META_LAST_ERROR, s.last_error, sizeof(s.last_error)))
		s.last_error[0] = '\0';
	*out = s;
	return VB_OK;
}
