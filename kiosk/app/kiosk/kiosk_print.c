/*
 * kiosk_print: the print worker (kiosk_print.h).
 *
 * One thread, woken by a counter of kicks under a mutex: it runs the
 * queue until it has caught up with every kick, so two tickets printed
 * in quick succession cost at most two runs, and a kick during a run is
 * never lost. The printer is opened for each run and released after it,
 * as vaxbusctl does, so a printer plugged in later is found by the next
 * run.
 */
#include "kiosk_print.h"

#include <SDL.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "devices.h"
#include "kiosk.h"
#include "store.h"

uint32_t kiosk_print_event;

struct kiosk_print {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake; /* the worker waits on it for kicks or stop */
	pthread_cond_t done; /* settle waits on it for runs */
	uint64_t kicks, runs;
	int stop;
	int have; /* 1 a run ended, -1 it could not read the queue, 0 none yet */
	struct printq_result last;
	struct store *st;	  /* the worker's own connection */
	const struct config *cfg; /* k->cfg: read only while the worker lives */
	int64_t (*now)(void);
};

/* One run of the queue on the configured printer (worker thread). */
static int run_queue(struct kiosk_print *p, struct printq_result *res)
{
	struct devices d = {0};
	struct printer_dev *dev = NULL;
	int drv = devices_init(&d, p->cfg);
	if (!drv)
		drv = devices_printer(&d, &dev);
	int rc = printq_run(p->st, drv ? NULL : dev, p->now(), res);
	if (dev)
		dev->ops->free(dev);
	devices_cleanup(&d);
	if (rc)
		fprintf(stderr, "vaxbus-kiosk: the print queue cannot be read (storage error %d)\n",
			rc);
	else if (res->pending)
		fprintf(stderr, "vaxbus-kiosk: %lld print job(s) kept: %s\n",
			(long long)res->pending, res->blocked.text);
	return rc ? -1 : 1;
}

static void *worker(void *arg)
{
	struct kiosk_print *p = arg;
	pthread_mutex_lock(&p->lock);
	for (;;) {
		while (!p->stop && p->runs == p->kicks)
			pthread_cond_wait(&p->wake, &p->lock);
		if (p->stop)
			break;
		uint64_t upto = p->kicks;
		pthread_mutex_unlock(&p->lock);
		struct printq_result res = {0};
		int have = run_queue(p, &res);
		pthread_mutex_lock(&p->lock);
		p->have = have;
		p->last = res;
		p->runs = upto;
		pthread_cond_broadcast(&p->done);
		SDL_Event ev = {.type = kiosk_print_event};
		SDL_PushEvent(&ev); /* the loop redraws; dropped if SDL's queue is full */
	}
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

int kiosk_print_start(struct kiosk *k)
{
	struct vb_reason why = {0};
	struct kiosk_print *p = calloc(1, sizeof(*p));
	if (!p) {
		fprintf(stderr, "vaxbus-kiosk: out of memory\n");
		return -1;
	}
	if (!kiosk_print_event)
		kiosk_print_event = SDL_RegisterEvents(1);
	p->cfg = &k->cfg;
	p->now = k->now;
	if (kiosk_print_event == (uint32_t)-1 || store_open(k->db_path, &p->st, &why)) {
		fprintf(stderr, "vaxbus-kiosk: the print worker cannot start: %s\n",
			why.text[0] ? why.text : "no SDL event left");
		store_close(p->st);
		free(p);
		return -1;
	}
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->wake, NULL);
	pthread_cond_init(&p->done, NULL);
	if (pthread_create(&p->thread, NULL, worker, p) != 0) {
		fprintf(stderr, "vaxbus-kiosk: the print worker cannot start: no thread\n");
		store_close(p->st);
		free(p);
		return -1;
	}
	k->print = p;
	return 0;
}

void kiosk_print_kick(struct kiosk *k)
{
	struct kiosk_print *p = k->print;
	pthread_mutex_lock(&p->lock);
	p->kicks++;
	pthread_cond_signal(&p->wake);
	pthread_mutex_unlock(&p->lock);
}

void kiosk_print_settle(struct kiosk *k)
{
	struct kiosk_print *p = k->print;
	pthread_mutex_lock(&p->lock);
	while (p->runs != p->kicks)
		pthread_cond_wait(&p->done, &p->lock);
	pthread_mutex_unlock(&p->lock);
}

int kiosk_print_busy(struct kiosk *k)
{
	struct kiosk_print *p = k->print;
	pthread_mutex_lock(&p->lock);
	int busy = p->runs != p->kicks;
	pthread_mutex_unlock(&p->lock);
	return busy;
}

int kiosk_print_last(struct kiosk *k, struct printq_result *out)
{
	struct kiosk_print *p = k->print;
	pthread_mutex_lock(&p->lock);
	int have = p->have;
	*out = p->last;
	pthread_mutex_unlock(&p->lock);
	return have;
}

void kiosk_print_stop(struct kiosk *k)
{
	struct kiosk_print *p = k->print;
	if (!p)
		return;
	pthread_mutex_lock(&p->lock);
	p->stop = 1;
	pthread_cond_signal(&p->wake);
	pthread_mutex_unlock(&p->lock);
	pthread_join(p->thread, NULL);
	pthread_cond_destroy(&p->wake);
	pthread_cond_destroy(&p->done);
	pthread_mutex_destroy(&p->lock);
	store_close(p->st);
	free(p);
	k->print = NULL;
}
