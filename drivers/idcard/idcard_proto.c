/*
 * idcard_proto: the SAM module's read cycle over one or two byte links
 * (see idcard_proto.h for the steps, the layouts and the reasons).
 */
#include "idcard_proto.h"

#include <limits.h>
#include <string.h>
#include <time.h>

#include "drv_error.h"
#include "idcard_text.h"

static int64_t mono_now_ms(void *arg)
{
	struct timespec ts;
	(void)arg;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void mono_sleep_ms(void *arg, int ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
	(void)arg;
	while (nanosleep(&ts, &ts) != 0)
		;
}

void idcard_proto_config_default(struct idcard_proto_config *c)
{
	memset(c, 0, sizeof(*c));
	c->sam_ms = 1000;
	c->find_ms = 500;
	c->select_ms = 500;
	c->read_ms = 3000;
	c->poll_ms = 250;
	c->drain_ms = 10;
}

void idcard_proto_init(struct idcard_proto *p, struct byte_link *head, struct byte_link *body,
		       const struct idcard_proto_config *cfg)
{
	memset(p, 0, sizeof(*p));
	p->head = head;
	p->body = body;
	if (cfg)
		p->cfg = *cfg;
	else
		idcard_proto_config_default(&p->cfg);
	if (!p->cfg.now_ms)
		p->cfg.now_ms = mono_now_ms;
	if (!p->cfg.sleep_ms)
		p->cfg.sleep_ms = mono_sleep_ms;
	idcard_parser_init(&p->parser, IDCARD_LEN_MAX);
}

void idcard_proto_cleanup(struct idcard_proto *p)
{
	if (p)
		drv_wipe(p, sizeof(*p));
}

static int64_t now(const struct idcard_proto *p)
{
	return p->cfg.now_ms(p->cfg.clock_arg);
}

/* The largest read of at most want bytes, rounded up to whole IN packets
 * (a read shorter than a packet could overflow) and within scratch. */
static size_t read_cap(struct idcard_proto *p, struct byte_link *l, size_t want)
{
	size_t pkt = byte_link_in_packet_size(l);
	size_t max = sizeof(p->scratch);
	if (pkt == 0 || pkt > max)
		pkt = pkt > max ? max : 64;
	max -= max % pkt;
	size_t cap = (want + pkt - 1) / pkt * pkt;
	if (cap < pkt)
		cap = pkt;
	return cap > max ? max : cap;
}

/* Reads and drops whatever is in flight on l until a read times out. */
static int drain_link(struct idcard_proto *p, struct byte_link *l)
{
	for (int i = 0; i < 64; i++) {
		size_t got = 0;
		int rc = byte_link_read(l, p->scratch, read_cap(p, l, sizeof(p->scratch)), &got,
					p->cfg.drain_ms);
		if (rc == DRV_ETIMEOUT)
			return DRV_OK;
		if (rc)
			return rc;
	}
	return DRV_OK; /* still streaming: the parser will resynchronise */
}

static int drain(struct idcard_proto *p)
{
	int rc = drain_link(p, p->head);
	if (!rc && p->body)
		rc = drain_link(p, p->body);
	if (!rc)
		p->dirty = 0;
	drv_wipe(p->scratch, sizeof(p->scratch));
	return rc;
}

static int send_request(struct idcard_proto *p, uint8_t cmd, uint8_t para, int timeout_ms)
{
	size_t len = 0;
	int rc = idcard_frame_request(cmd, para, NULL, 0, p->req, sizeof(p->req), &len);
	if (rc)
		return rc;
	if (!p->body)
		return byte_link_write(p->head, p->req, len, timeout_ms);
	/* iDR200: header on the first pair, body on the second */
	rc = byte_link_write(p->head, p->req, IDCARD_HEADER_LEN, timeout_ms);
	if (!rc)
		rc = byte_link_write(p->body, p->req + IDCARD_HEADER_LEN, len - IDCARD_HEADER_LEN,
				     timeout_ms);
	return rc;
}

int idcard_proto_exchange(struct idcard_proto *p, uint8_t cmd, uint8_t para, int timeout_ms,
			  struct idcard_reply *out)
{
	int rc = DRV_OK;
	int64_t deadline = now(p) + (timeout_ms > 0 ? timeout_ms : 0);
	idcard_parser_reset(&p->parser);
	if (p->dirty) {
		rc = drain(p);
		if (rc)
			goto out;
	}
	rc = send_request(p, cmd, para, timeout_ms);
	if (rc)
		goto out;
	for (;;) {
		int64_t left = deadline - now(p);
		if (left <= 0) {
			rc = DRV_ETIMEOUT;
			goto out;
		}
		struct byte_link *l =
		    p->body && idcard_parser_in_body(&p->parser) ? p->body : p->head;
		size_t got = 0;
		rc = byte_link_read(l, p->scratch, read_cap(p, l, idcard_parser_need(&p->parser)),
				    &got, left > INT_MAX ? INT_MAX : (int)left);
		if (rc)
			goto out;
		for (size_t off = 0; off < got;) {
			size_t used = 0;
			int r = idcard_parser_feed(&p->parser, p->scratch + off, got - off, &used);
			off += used;
			if (r < 0) {
				rc = r;
				goto out;
			}
			if (r == IDCARD_PARSE_FRAME) {
				if (off < got)
					p->dirty = 1; /* bytes after the reply: stale */
				rc = idcard_parser_reply(&p->parser, out);
				goto out;
			}
		}
	}
out:
	if (rc) {
		p->dirty = 1;
		idcard_parser_reset(&p->parser);
	}
	drv_wipe(p->scratch, sizeof(p->scratch));
	return rc;
}

static int fail(struct idcard_status *st, enum idcard_why why, int rc)
{
	st->why = why;
	return rc;
}

/* One step of the cycle: the exchange, its failures mapped to reasons. */
static int step(struct idcard_proto *p, struct idcard_status *st, enum idcard_step which,
		uint8_t cmd, uint8_t para, int timeout_ms, struct idcard_reply *r)
{
	st->step = which;
	st->replied = 0;
	memset(st->sw, 0, sizeof(st->sw));
	int rc = idcard_proto_exchange(p, cmd, para, timeout_ms, r);
	switch (rc) {
	case DRV_OK:
		st->replied = 1;
		memcpy(st->sw, r->sw, sizeof(st->sw));
		return DRV_OK;
	case DRV_ETIMEOUT:
		return fail(st, IDCARD_WHY_BUSY, DRV_EBUSY);
	case DRV_EPROTO:
		return fail(st, IDCARD_WHY_PROTOCOL, DRV_EPROTO);
	case DRV_ENODEV:
		return fail(st, IDCARD_WHY_UNPLUGGED, DRV_ENODEV);
	default:
		return fail(st, IDCARD_WHY_IO, DRV_EIO);
	}
}

static uint16_t be16(const uint8_t *b)
{
	return (uint16_t)(b[0] << 8 | b[1]);
}

/* The `30 01` data: text length, photo length (big-endian), text, photo. */
static int decode_read(const struct idcard_reply *r, struct idcard_card *card,
		       struct idcard_status *st)
{
	if (r->n < 4 || be16(r->data) != IDCARD_TEXT_LEN ||
	    (size_t)4 + IDCARD_TEXT_LEN + be16(r->data + 2) != r->n)
		return fail(st, IDCARD_WHY_PROTOCOL, DRV_EPROTO);
	/* the photo (r->data + 4 + 256) is skipped: WLT, never kept */
	if (idcard_text_decode(r->data + 4, IDCARD_TEXT_LEN, card))
		return fail(st, IDCARD_WHY_BAD_TEXT, DRV_EPROTO);
	return DRV_OK;
}

static int card_left(uint8_t sw3)
{
	return sw3 == IDCARD_SW3_FIND_FAILED || sw3 == IDCARD_SW3_SELECT_FAILED;
}

int idcard_proto_read(struct idcard_proto *p, struct idcard_card *out, int timeout_ms,
		      struct idcard_status *st)
{
	struct idcard_card card;
	struct idcard_reply r;
	int rc = DRV_OK;
	if (!st || !out || timeout_ms < 0)
		return DRV_EINVAL;
	memset(st, 0, sizeof(*st));
	memset(&card, 0, sizeof(card));
	int64_t deadline = now(p) + timeout_ms;

	rc = step(p, st, IDCARD_STEP_SAM, IDCARD_CMD_SAM_STATUS, p->cfg.sam_ms, &r);
	if (rc)
		goto out;
	if (r.sw[2] != IDCARD_SW3_OK) {
		rc = fail(st, IDCARD_WHY_BUSY, DRV_EBUSY);
		goto out;
	}
	for (;;) {
		st->finds++;
		rc = step(p, st, IDCARD_STEP_FIND, IDCARD_CMD_FIND, p->cfg.find_ms, &r);
		if (rc)
			goto out;
		if (r.sw[2] == IDCARD_SW3_FOUND)
			break;
		if (r.sw[2] != IDCARD_SW3_FIND_FAILED) {
			rc = fail(st, IDCARD_WHY_PROTOCOL, DRV_EPROTO);
			goto out;
		}
		int64_t left = deadline - now(p);
		if (left <= 0) {
			rc = fail(st, IDCARD_WHY_NO_CARD, DRV_ENOTFOUND);
			goto out;
		}
		p->cfg.sleep_ms(p->cfg.clock_arg,
				left < p->cfg.poll_ms ? (int)left : p->cfg.poll_ms);
	}

	rc = step(p, st, IDCARD_STEP_SELECT, IDCARD_CMD_SELECT, p->cfg.select_ms, &r);
	if (rc)
		goto out;
	if (r.sw[2] != IDCARD_SW3_OK) {
		rc = card_left(r.sw[2]) ? fail(st, IDCARD_WHY_REMOVED, DRV_EIO)
					: fail(st, IDCARD_WHY_PROTOCOL, DRV_EPROTO);
		goto out;
	}

	rc = step(p, st, IDCARD_STEP_READ, IDCARD_CMD_READ, p->cfg.read_ms, &r);
	if (rc)
		goto out;
	if (r.sw[2] != IDCARD_SW3_OK) {
		rc = card_left(r.sw[2]) || r.sw[2] == IDCARD_SW3_READ_FAILED
			 ? fail(st, IDCARD_WHY_REMOVED, DRV_EIO)
			 : fail(st, IDCARD_WHY_PROTOCOL, DRV_EPROTO);
		goto out;
	}
	rc = decode_read(&r, &card, st);
	if (rc)
		goto out;
	*out = card;
	st->step = IDCARD_STEP_NONE;
	st->replied = 0;
	memset(st->sw, 0, sizeof(st->sw));
out:
	idcard_parser_reset(&p->parser); /* the frame held the text and photo */
	idcard_card_wipe(&card);
	return rc;
}
