/*
 * sync_thread: the engine's loop on a POSIX thread (sync_thread.h).
 */
#include "sync_thread.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sync_int.h"
#include "vb_error.h"

/* The longest the thread sleeps before looking at the outbox again. */
#define IDLE_S 30

struct sync_thread {
	struct sync_engine *e;
	pthread_t tid;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	atomic_int stop;
	int woken;
	int pull_interval_s;
	sync_report_fn fn;
	void *arg;
	struct sync_report rep;
};

static int on_push(void *arg, const struct sync_progress *p)
{
	struct sync_thread *t = arg;
	t->rep.push = *p;
	t->rep.link_ok = p->last_error[0] == '\0';
	if (t->fn)
		t->fn(t->arg, &t->rep);
	return atomic_load(&t->stop);
}

/* Waits up to s seconds, or until woken or stopped. */
static void wait_s(struct sync_thread *t, int64_t s)
{
	struct timespec until;
	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_sec += (time_t)s;
	pthread_mutex_lock(&t->mu);
	while (!t->woken && !atomic_load(&t->stop))
		if (pthread_cond_timedwait(&t->cv, &t->mu, &until))
			break;
	t->woken = 0;
	pthread_mutex_unlock(&t->mu);
}

static void *run(void *arg)
{
	struct sync_thread *t = arg;
	struct timespec now, last_pull = {0, 0};
	int pulled = 0;
	while (!atomic_load(&t->stop)) {
		int rc = sync_engine_push(t->e, &t->rep.push, on_push, t);
		t->rep.link_ok = rc == VB_OK;
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (rc == VB_OK && t->pull_interval_s > 0 && !atomic_load(&t->stop) &&
		    (!pulled || now.tv_sec - last_pull.tv_sec >= t->pull_interval_s)) {
			rc = sync_engine_pull(t->e, &t->rep.pull);
			t->rep.link_ok = rc == VB_OK;
			last_pull = now;
			pulled = 1;
		}
		if (t->fn)
			t->fn(t->arg, &t->rep);
		int64_t next = sync_engine_next_attempt(t->e), at = t->e->clock();
		int64_t s = next == INT64_MAX ? IDLE_S : next - at;
		wait_s(t, s < 1 ? 1 : (s > IDLE_S ? IDLE_S : s));
	}
	return NULL;
}

int sync_thread_start(const char *db_path, const struct sync_options *opts,
		      const struct catalog *cat, sync_clock_fn clock, int pull_interval_s,
		      sync_report_fn fn, void *arg, struct sync_thread **out, char *why,
		      size_t whycap)
{
	struct sync_thread *t = calloc(1, sizeof(*t));
	if (!t)
		return VB_ENOMEM;
	int rc = sync_engine_new(db_path, opts, cat, clock, &t->e, why, whycap);
	if (rc) {
		free(t);
		return rc;
	}
	sync_http_abort_on(t->e->http, &t->stop);
	t->pull_interval_s = pull_interval_s;
	t->fn = fn;
	t->arg = arg;
	pthread_mutex_init(&t->mu, NULL);
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&t->cv, &ca);
	pthread_condattr_destroy(&ca);
	if (pthread_create(&t->tid, NULL, run, t)) {
		pthread_cond_destroy(&t->cv);
		pthread_mutex_destroy(&t->mu);
		sync_engine_free(t->e);
		free(t);
		return VB_ENOMEM;
	}
	*out = t;
	return VB_OK;
}

void sync_thread_wake(struct sync_thread *t)
{
	pthread_mutex_lock(&t->mu);
	t->woken = 1;
	pthread_cond_signal(&t->cv);
	pthread_mutex_unlock(&t->mu);
}

void sync_thread_stop(struct sync_thread *t)
{
	if (!t)
		return;
	atomic_store(&t->stop, 1);
	sync_thread_wake(t);
	pthread_join(t->tid, NULL);
	pthread_cond_destroy(&t->cv);
	pthread_mutex_destroy(&t->mu);
	sync_engine_free(t->e);
	free(t);
}
