/*
 * kiosk_pin_check: the PIN check's worker thread (kiosk_pin_check.h). The
 * thread owns p's copy of the check and the PIN until it sets done under
 * the mutex; after that only the main thread touches them.
 */
#include "kiosk_pin_check.h"

#include <SDL.h>
#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "vb_error.h"

uint32_t kiosk_pin_check_event;

struct kiosk_pin_check {
	pthread_t thread;
	pthread_mutex_t lock;
	int done; /* under lock: the worker has finished with c and pin */
	int rc;	  /* store_staff_verify's */
	struct store_staff_check c;
	char pin[STORE_STAFF_PIN_MAX + 1];
};

static void *worker(void *arg)
{
	struct kiosk_pin_check *p = arg;
	int rc = store_staff_verify(&p->c, p->pin);
	sodium_memzero(p->pin, sizeof(p->pin));
	pthread_mutex_lock(&p->lock);
	p->rc = rc;
	p->done = 1;
	pthread_mutex_unlock(&p->lock);
	if (kiosk_pin_check_event && kiosk_pin_check_event != (uint32_t)-1) {
		SDL_Event ev = {.type = kiosk_pin_check_event};
		SDL_PushEvent(&ev); /* wakes the loop; dropped if SDL's queue is full */
	}
	return NULL;
}

static void wipe_free(struct kiosk_pin_check *p)
{
	pthread_mutex_destroy(&p->lock);
	sodium_memzero(p, sizeof(*p));
	free(p);
}

int kiosk_pin_check_start(struct kiosk_pin_check **out, const struct store_staff_check *c,
			  char *pin, size_t cap)
{
	size_t n = strnlen(pin, cap);
	struct kiosk_pin_check *p = n <= STORE_STAFF_PIN_MAX ? calloc(1, sizeof(*p)) : NULL;
	*out = NULL;
	if (p) {
		memcpy(p->pin, pin, n);
		p->c = *c;
	}
	sodium_memzero(pin, cap);
	if (!p)
		return -1;
	if (!kiosk_pin_check_event)
		kiosk_pin_check_event = SDL_RegisterEvents(1);
	pthread_mutex_init(&p->lock, NULL);
	if (pthread_create(&p->thread, NULL, worker, p) != 0) {
		wipe_free(p);
		return -1;
	}
	*out = p;
	return 0;
}

int kiosk_pin_check_busy(struct kiosk_pin_check *p)
{
	pthread_mutex_lock(&p->lock);
	int busy = !p->done;
	pthread_mutex_unlock(&p->lock);
	return busy;
}

int kiosk_pin_check_end(struct kiosk_pin_check *p, struct store_staff_check *c)
{
	pthread_join(p->thread, NULL);
	int rc = p->rc;
	*c = p->c;
	wipe_free(p);
	return rc;
}
