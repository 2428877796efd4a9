/*
 * model_printer: the emulated ESC/POS printer (see model_printer.h).
 */
#include "model_printer.h"

#include <stdlib.h>
#include <string.h>

/* The answer to DLE EOT n in state s. */
static uint8_t answer(enum model_printer_state s, uint8_t n)
{
	switch (n) {
	case 1:
		return s == MODEL_PRINTER_PAPER_OUT || s == MODEL_PRINTER_COVER_OPEN ||
			       s == MODEL_PRINTER_OFFLINE
			   ? 0x1A
			   : 0x12;
	case 2:
		return s == MODEL_PRINTER_PAPER_OUT    ? 0x32
		       : s == MODEL_PRINTER_COVER_OPEN ? 0x16
						       : 0x12;
	case 4:
		return s == MODEL_PRINTER_PAPER_OUT  ? 0x72
		       : s == MODEL_PRINTER_NEAR_END ? 0x1E
						     : 0x12;
	default:
		return 0x12;
	}
}

static void capture(struct model_printer *m, const uint8_t *data, size_t len)
{
	size_t room = MODEL_PRINTER_CAPTURE_MAX - m->n_captured;
	size_t n = len < room ? len : room;
	m->dropped += len - n;
	if (n == 0)
		return;
	if (m->n_captured + n > m->cap) {
		size_t cap = m->cap ? m->cap : 1 << 16;
		while (cap < m->n_captured + n)
			cap *= 2;
		uint8_t *p = realloc(m->captured, cap);
		if (!p) {
			m->dropped += n;
			return;
		}
		m->captured = p;
		m->cap = cap;
	}
	memcpy(m->captured + m->n_captured, data, n);
	m->n_captured += n;
}

/* Answers every 10 04 n in the stream, the two bytes before data
 * included. */
static void answer_requests(struct model_printer *m, const uint8_t *data, size_t len)
{
	uint8_t win[3];
	size_t have = m->n_tail;
	memcpy(win, m->tail, have);
	for (size_t i = 0; i < len; i++) {
		if (have == 3) {
			win[0] = win[1];
			win[1] = win[2];
			have = 2;
		}
		win[have++] = data[i];
		if (have == 3 && win[0] == 0x10 && win[1] == 0x04 && win[2] >= 1 && win[2] <= 4) {
			uint8_t a =
			    answer((enum model_printer_state)atomic_load(&m->state), win[2]);
			usbsim_dev_in_push(m->base.dev, MODEL_PRINTER_IN_EP, &a, 1);
			atomic_fetch_add(&m->requests, 1);
			have = 0; /* the sequence is used up */
		}
	}
	size_t keep = have < 2 ? have : 2;
	memcpy(m->tail, win + have - keep, keep);
	m->n_tail = keep;
}

static void printer_out(struct usbsim_model *um, uint8_t ep, const uint8_t *data, size_t len)
{
	struct model_printer *m = (struct model_printer *)um;
	if (ep != MODEL_PRINTER_OUT_EP)
		return;
	atomic_fetch_add(&m->out_transfers, 1);
	pthread_mutex_lock(&m->lock);
	capture(m, data, len);
	pthread_mutex_unlock(&m->lock);
	long left = atomic_load(&m->paper_left);
	if (left >= 0) {
		if ((long)len >= left) {
			atomic_store(&m->paper_left, -1);
			atomic_store(&m->state, MODEL_PRINTER_PAPER_OUT);
		} else {
			atomic_store(&m->paper_left, left - (long)len);
		}
	}
	if (m->bidirectional)
		answer_requests(m, data, len);
	left = atomic_load(&m->unplug_left);
	if (left >= 0) {
		if ((long)len >= left) {
			atomic_store(&m->unplug_left, -1);
			usbsim_dev_unplug(um->dev);
		} else {
			atomic_store(&m->unplug_left, left - (long)len);
		}
	}
}

static void printer_plug(struct usbsim_model *um, int plugged)
{
	struct model_printer *m = (struct model_printer *)um;
	if (plugged)
		m->n_tail = 0; /* a fresh parser after power-up */
}

static const struct usbsim_model_ops printer_ops = {.on_out = printer_out, .on_plug = printer_plug};

void model_printer_init(struct model_printer *m)
{
	memset(m, 0, sizeof(*m));
	m->base.ops = &printer_ops;
	atomic_init(&m->state, MODEL_PRINTER_OK);
	atomic_init(&m->requests, 0);
	atomic_init(&m->paper_left, -1);
	atomic_init(&m->unplug_left, -1);
	atomic_init(&m->out_transfers, 0);
	pthread_mutex_init(&m->lock, NULL);
	m->bidirectional = 1;
}

void model_printer_cleanup(struct model_printer *m)
{
	free(m->captured);
	m->captured = NULL;
	m->n_captured = m->cap = 0;
	pthread_mutex_destroy(&m->lock);
}

void model_printer_set_state(struct model_printer *m, enum model_printer_state s)
{
	atomic_store(&m->state, s);
}

enum model_printer_state model_printer_get_state(struct model_printer *m)
{
	return (enum model_printer_state)atomic_load(&m->state);
}

void model_printer_paper_out_after(struct model_printer *m, long n)
{
	atomic_store(&m->paper_left, n);
}

void model_printer_unplug_after(struct model_printer *m, long n)
{
	atomic_store(&m->unplug_left, n);
}

uint8_t *model_printer_captured(struct model_printer *m, size_t *len)
{
	pthread_mutex_lock(&m->lock);
	uint8_t *copy = NULL;
	*len = 0;
	if (m->n_captured) {
		copy = malloc(m->n_captured);
		if (copy) {
			memcpy(copy, m->captured, m->n_captured);
			*len = m->n_captured;
		}
	}
	pthread_mutex_unlock(&m->lock);
	return copy;
}

void model_printer_clear(struct model_printer *m)
{
	pthread_mutex_lock(&m->lock);
	m->n_captured = 0;
	m->dropped = 0;
	pthread_mutex_unlock(&m->lock);
}

unsigned model_printer_requests(struct model_printer *m)
{
	return atomic_load(&m->requests);
}

void model_printer_set_unidirectional(struct model_printer *m)
{
	m->bidirectional = 0;
}

void model_printer_desc(const struct model_printer *m, struct usbsim_dev_desc *d)
{
	memset(d, 0, sizeof(*d));
	d->vid = MODEL_PRINTER_VID;
	d->pid = MODEL_PRINTER_PID;
	d->bcd_device = 0x0200;
	d->manufacturer = "Printer";
	d->product = "POS58 Printer USB";
	d->serial = "000000000001";
	d->speed_mbps = 12;
	d->n_ifaces = 1;
	d->ifaces[0] = (struct usbsim_iface_desc){
	    .cls = 7,
	    .subclass = 1,
	    .protocol = m->bidirectional ? 2 : 1,
	    .driver = "usblp",
	    .n_eps = m->bidirectional ? 2 : 1,
	    .eps = {{.addr = MODEL_PRINTER_OUT_EP, .type = USBSIM_BULK, .max_packet = 64},
		    {.addr = MODEL_PRINTER_IN_EP, .type = USBSIM_BULK, .max_packet = 64}},
	};
}

struct usbsim_dev *model_printer_add(struct usbsim *sim, struct model_printer *m)
{
	struct usbsim_dev_desc d;
	model_printer_desc(m, &d);
	return usbsim_dev_add(sim, &d, &m->base);
}
