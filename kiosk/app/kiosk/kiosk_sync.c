/*
 * kiosk_sync: the sync thread inside vaxbus-kiosk (kiosk_day.h).
 *
 * When [sync] url is configured the kiosk starts sync_thread on its
 * database file: it sends the outbox whenever something is due, waits out
 * the backoff when the link is down, and pulls histories and recalls
 * hourly. Its reports (on the sync thread) are copied under a mutex and
 * announced with an SDL user event; the UI thread only reads the copy.
 * Records never wait for the link: they stay in the outbox and go when
 * it comes back.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kiosk_day.h"
#include "wallclock.h"

#define PULL_INTERVAL_S 3600 /* histories and recalls, while the link works */
#define SETTLE_STEP_MS	50

struct kiosk_sync {
	struct sync_thread *t;
	pthread_mutex_t mu;
	struct sync_report rep; /* the latest report (under mu) */
	int reports;		/* reports received (under mu) */
	Uint32 event;		/* (Uint32)-1: none registered */
};

/* On the sync thread: keep a copy, wake the loop. */
static void on_report(void *arg, const struct sync_report *r)
{
	struct kiosk_sync *s = arg;
	pthread_mutex_lock(&s->mu);
	s->rep = *r;
	s->reports++;
	pthread_mutex_unlock(&s->mu);
	if (s->event != (Uint32)-1) {
		SDL_Event ev;
		memset(&ev, 0, sizeof(ev));
		ev.type = s->event;
		SDL_PushEvent(&ev);
	}
}

int kiosk_sync_start(struct kiosk *k)
{
	char why[200] = "";
	if (!k->cfg.sync.url[0])
		return 0;
	struct kiosk_sync *s = calloc(1, sizeof(*s));
	if (!s) {
		fprintf(stderr, "vaxbus-kiosk: no memory for the sync thread\n");
		return -1;
	}
	pthread_mutex_init(&s->mu, NULL);
	s->event = SDL_RegisterEvents(1);
	int rc = sync_thread_start(k->db_path, &k->cfg.sync, k->cat, wallclock_now, PULL_INTERVAL_S,
				   on_report, s, &s->t, why, sizeof(why));
	if (rc) {
		fprintf(stderr, "vaxbus-kiosk: sync does not run, records stay queued: %s\n",
			why[0] ? why : "cannot start the sync thread");
		pthread_mutex_destroy(&s->mu);
		free(s);
		return -1;
	}
	k->sync = s;
	return 0;
}

void kiosk_sync_stop(struct kiosk *k)
{
	struct kiosk_sync *s = k->sync;
	if (!s)
		return;
	sync_thread_stop(s->t);
	pthread_mutex_destroy(&s->mu);
	free(s);
	k->sync = NULL;
}

int kiosk_sync_event(struct kiosk *k, const SDL_Event *ev)
{
	return k->sync && k->sync->event != (Uint32)-1 && ev->type == k->sync->event;
}

int kiosk_sync_running(const struct kiosk *k)
{
	return k->sync != NULL;
}

int kiosk_sync_report(struct kiosk *k, struct sync_report *r)
{
	struct kiosk_sync *s = k->sync;
	if (!s)
		return 0;
	pthread_mutex_lock(&s->mu);
	int n = s->reports;
	if (n)
		*r = s->rep;
	pthread_mutex_unlock(&s->mu);
	return n > 0;
}

int kiosk_sync_settle(struct kiosk *k, int timeout_ms, int sending)
{
	struct sync_report r;
	const struct timespec step = {0, SETTLE_STEP_MS * 1000 * 1000};
	for (int waited = 0; k->sync && waited <= timeout_ms; waited += SETTLE_STEP_MS) {
		int have = kiosk_sync_report(k, &r);
		if (have && (sending ? r.push.acked > 0 && r.push.pending > 0
				     : r.push.pending == 0 || !r.link_ok)) {
			k->dirty = 1;
			return 0;
		}
		nanosleep(&step, NULL);
	}
	return -1;
}
