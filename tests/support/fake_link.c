/*
 * fake_link: a scripted in-memory byte link (see fake_link.h).
 */
#include "fake_link.h"

#include "drv_error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct fake_event {
	int err; /* 0: data */
	uint8_t *data;
	size_t len;
	struct fake_event *next;
};

struct fake_rule {
	uint8_t *prefix, *reply;
	size_t n, reply_len, chunk;
	struct fake_rule *next;
};

struct fake_link {
	struct byte_link base;
	size_t packet;
	struct fake_event *head, *tail;
	struct fake_rule *rules, *rules_tail;
	uint8_t *written;
	size_t n_written, cap_written, writes;
	int unplugged, write_err;
};

static void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p) {
		fprintf(stderr, "fake_link: out of memory\n");
		abort();
	}
	return p;
}

static void *dup_bytes(const uint8_t *b, size_t n)
{
	uint8_t *p = xmalloc(n);
	if (n)
		memcpy(p, b, n);
	return p;
}

static void push_event(struct fake_link *f, int err, const uint8_t *data, size_t len)
{
	struct fake_event *e = xmalloc(sizeof(*e));
	e->err = err;
	e->data = dup_bytes(data, len);
	e->len = len;
	e->next = NULL;
	if (f->tail)
		f->tail->next = e;
	else
		f->head = e;
	f->tail = e;
}

void fake_link_push_in(struct fake_link *f, const uint8_t *data, size_t len)
{
	push_event(f, 0, data, len);
}

void fake_link_push_in_split(struct fake_link *f, const uint8_t *data, size_t len, size_t chunk)
{
	if (chunk == 0)
		chunk = len ? len : 1;
	for (size_t off = 0; off < len; off += chunk)
		push_event(f, 0, data + off, len - off < chunk ? len - off : chunk);
}

void fake_link_push_error(struct fake_link *f, int err)
{
	push_event(f, err, NULL, 0);
}

void fake_link_on_write(struct fake_link *f, const uint8_t *prefix, size_t n, const uint8_t *reply,
			size_t reply_len, size_t chunk)
{
	struct fake_rule *r = xmalloc(sizeof(*r));
	r->prefix = dup_bytes(prefix, n);
	r->n = n;
	r->reply = dup_bytes(reply, reply_len);
	r->reply_len = reply_len;
	r->chunk = chunk;
	r->next = NULL;
	if (f->rules_tail)
		f->rules_tail->next = r;
	else
		f->rules = r;
	f->rules_tail = r;
}

void fake_link_fail_next_write(struct fake_link *f, int err)
{
	f->write_err = err;
}

void fake_link_set_unplugged(struct fake_link *f, int unplugged)
{
	f->unplugged = unplugged;
}

static int fake_write(struct byte_link *l, const uint8_t *buf, size_t len, int timeout_ms)
{
	struct fake_link *f = (struct fake_link *)l;
	(void)timeout_ms;
	if (f->unplugged)
		return DRV_ENODEV;
	if (f->write_err) {
		int err = f->write_err;
		f->write_err = 0;
		return err;
	}
	if (f->n_written + len > f->cap_written) {
		size_t cap = (f->n_written + len) * 2;
		uint8_t *p = realloc(f->written, cap);
		if (!p)
			abort();
		f->written = p;
		f->cap_written = cap;
	}
	if (len)
		memcpy(f->written + f->n_written, buf, len);
	f->n_written += len;
	f->writes++;
	for (struct fake_rule *r = f->rules; r; r = r->next)
		if (len >= r->n && memcmp(buf, r->prefix, r->n) == 0) {
			fake_link_push_in_split(f, r->reply, r->reply_len, r->chunk);
			break;
		}
	return DRV_OK;
}

static int fake_read(struct byte_link *l, uint8_t *buf, size_t cap, size_t *got, int timeout_ms)
{
	struct fake_link *f = (struct fake_link *)l;
	(void)timeout_ms;
	if (f->unplugged)
		return DRV_ENODEV;
	struct fake_event *e = f->head;
	if (!e)
		return DRV_ETIMEOUT;
	if (e->err) {
		f->head = e->next;
		if (!f->head)
			f->tail = NULL;
		int err = e->err;
		free(e->data);
		free(e);
		return err;
	}
	size_t n = e->len < cap ? e->len : cap;
	if (n)
		memcpy(buf, e->data, n);
	*got = n;
	if (n < e->len) {
		memmove(e->data, e->data + n, e->len - n);
		e->len -= n;
	} else {
		f->head = e->next;
		if (!f->head)
			f->tail = NULL;
		free(e->data);
		free(e);
	}
	return DRV_OK;
}

static size_t fake_in_packet_size(struct byte_link *l)
{
	return ((struct fake_link *)l)->packet;
}

static void fake_free(struct byte_link *l)
{
	struct fake_link *f = (struct fake_link *)l;
	while (f->head) {
		struct fake_event *e = f->head;
		f->head = e->next;
		free(e->data);
		free(e);
	}
	while (f->rules) {
		struct fake_rule *r = f->rules;
		f->rules = r->next;
		free(r->prefix);
		free(r->reply);
		free(r);
	}
	free(f->written);
	free(f);
}

static const struct byte_link_ops fake_ops = {fake_write, fake_read, fake_in_packet_size,
					      fake_free};

struct fake_link *fake_link_new(size_t in_packet_size)
{
	struct fake_link *f = xmalloc(sizeof(*f));
	memset(f, 0, sizeof(*f));
	f->base.ops = &fake_ops;
	f->packet = in_packet_size;
	return f;
}

struct byte_link *fake_link_base(struct fake_link *f)
{
	return &f->base;
}

const uint8_t *fake_link_written(const struct fake_link *f, size_t *len)
{
	*len = f->n_written;
	return f->written;
}

size_t fake_link_write_count(const struct fake_link *f)
{
	return f->writes;
}

void fake_link_clear_written(struct fake_link *f)
{
	f->n_written = 0;
	f->writes = 0;
}

size_t fake_link_pending(const struct fake_link *f)
{
	size_t n = 0;
	for (const struct fake_event *e = f->head; e; e = e->next)
		n++;
	return n;
}
