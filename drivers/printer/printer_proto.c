/*
 * printer_proto: an ESC/POS printer over a byte link (see printer.h).
 *
 * Status: each DLE EOT n (10 04 n) is answered by one byte 0xx1xx10
 * (escpos_status_valid). Printers also answer DLE EOT sequences that
 * merely occur inside raster data (real-time commands are recognised
 * anywhere in the stream), so stale answers can wait in the IN pipe: the
 * query drains them first. Bytes that are not status answers (automatic
 * status back, whose bit 1 is 0 or bit 4 is 0) are skipped; if one IN
 * transfer holds several answers the last one is ours.
 */
#include <stdlib.h>

#include "escpos.h"
#include "printer.h"

#define READ_CAP  1024 /* the largest IN packet we size reads for */
#define DRAIN_MAX 16   /* transfers drained before giving up (a chatty device) */
#define TRIES	  4    /* transfers read for one answer before DRV_EPROTO */

struct printer_proto {
	struct printer_dev base;
	struct byte_link *link; /* borrowed */
};

static size_t read_cap(struct byte_link *l)
{
	size_t n = byte_link_in_packet_size(l);
	return n == 0 ? 64 : n > READ_CAP ? READ_CAP : n;
}

/* Reads and drops whatever is waiting, until a read times out. */
static int drain(struct byte_link *l)
{
	uint8_t buf[READ_CAP] = {0}; /* defined even where a transport fills it unseen (valgrind) */
	for (int i = 0; i < DRAIN_MAX; i++) {
		size_t got = 0;
		int rc = byte_link_read(l, buf, read_cap(l), &got, PRINTER_DRAIN_MS);
		if (rc == DRV_ETIMEOUT)
			return DRV_OK;
		if (rc)
			return rc;
	}
	return DRV_OK;
}

/* Sends DLE EOT n and reads its one-byte answer. */
static int ask(struct byte_link *l, enum escpos_status_kind n, uint8_t *answer, int timeout_ms)
{
	const uint8_t req[] = {0x10, 0x04, (uint8_t)n};
	int rc = byte_link_write(l, req, sizeof(req), timeout_ms);
	if (rc)
		return rc;
	uint8_t buf[READ_CAP] = {0}; /* defined even where a transport fills it unseen (valgrind) */
	for (int t = 0; t < TRIES; t++) {
		size_t got = 0;
		rc = byte_link_read(l, buf, read_cap(l), &got, timeout_ms);
		if (rc)
			return rc;
		for (size_t i = got; i > 0; i--)
			if (escpos_status_valid(buf[i - 1])) {
				*answer = buf[i - 1];
				return DRV_OK;
			}
	}
	return DRV_EPROTO;
}

static int proto_status(struct printer_dev *d, struct printer_status *st, int timeout_ms)
{
	struct printer_proto *p = (struct printer_proto *)d;
	static const enum escpos_status_kind kinds[] = {ESCPOS_STATUS_PRINTER,
							ESCPOS_STATUS_OFFLINE, ESCPOS_STATUS_PAPER};
	struct printer_status s = {0};
	int rc = drain(p->link);
	if (rc)
		return rc;
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		uint8_t answer = 0;
		rc = ask(p->link, kinds[i], &answer, timeout_ms);
		if (rc)
			return rc;
		rc = escpos_status_parse(kinds[i], answer, &s);
		if (rc)
			return rc;
	}
	*st = s;
	return DRV_OK;
}

static int proto_write(struct printer_dev *d, const uint8_t *buf, size_t len, int timeout_ms)
{
	struct printer_proto *p = (struct printer_proto *)d;
	if (len == 0)
		return DRV_OK;
	return byte_link_write(p->link, buf, len, timeout_ms);
}

static void proto_free(struct printer_dev *d)
{
	free(d);
}

static const struct printer_dev_ops proto_ops = {proto_status, proto_write, proto_free};

int printer_proto_open(struct byte_link *link, struct printer_dev **out)
{
	if (!link || !out)
		return DRV_EINVAL;
	struct printer_proto *p = calloc(1, sizeof(*p));
	if (!p)
		return DRV_ENOMEM;
	p->base.ops = &proto_ops;
	p->link = link;
	*out = &p->base;
	return DRV_OK;
}
