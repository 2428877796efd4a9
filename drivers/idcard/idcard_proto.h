/*
 * idcard_proto: the read cycle of a SAM module over byte links, pure (no
 * libusb): SAM status `11 FF` -> find `20 01` (repeated while no card,
 * up to the caller's timeout) -> select `20 02` -> read `30 01` -> decode
 * the text, skip the photo, wipe the frame buffers.
 *
 * Endpoint layouts (REFERENCE.md):
 * - one pair: each request is written whole to the pair's OUT endpoint and
 *   the reply read from its IN endpoint, reassembled by LEN;
 * - two pairs (iDR200 class, AuroraRAS/openiDR200 idrusb.cpp): the
 *   request's 7-byte header (preamble + LEN) goes to the first pair's OUT
 *   (0x02) and its body (CMD PARA data CHK, LEN bytes) to the second's
 *   (0x06); the reply's header is read from the first pair's IN (0x81) and
 *   its body from the second's (0x85).
 *
 * Each exchange has its own timeout. A reply that does not come in time,
 * or a protocol fault, leaves bytes in flight: the next exchange first
 * drains stale input (short reads until one times out).
 *
 * Results and reasons: the table in idcard.h. After find succeeded, a
 * select answering 0x80/0x81 or a read answering 0x41 (read failed),
 * 0x80 or 0x81 means the card left the field: IDCARD_WHY_REMOVED. Any
 * other unexpected status is IDCARD_WHY_PROTOCOL with the code kept.
 */
#ifndef IDCARD_PROTO_H
#define IDCARD_PROTO_H

#include <stddef.h>
#include <stdint.h>

#include "byte_link.h"
#include "idcard.h"
#include "idcard_frame.h"

#define IDCARD_SW3_READ_FAILED 0x41 /* vendor SDKs (GA 467): reading the card failed */

struct idcard_proto_config {
	int sam_ms;    /* SAM status exchange (default 1000) */
	int find_ms;   /* one find exchange (500) */
	int select_ms; /* select exchange (500) */
	int read_ms;   /* the `30 01` exchange; the SAM decrypts ~1 s (3000) */
	int poll_ms;   /* pause between finds while waiting for a card (250) */
	int drain_ms;  /* per read while draining stale input (10) */
	/* The clock: milliseconds that never jump, and a pause. NULL for
	 * CLOCK_MONOTONIC and nanosleep (tests pass a virtual clock). */
	int64_t (*now_ms)(void *arg);
	void (*sleep_ms)(void *arg, int ms);
	void *clock_arg;
};

/* Fills c with the defaults above. */
void idcard_proto_config_default(struct idcard_proto_config *c);

/* Caller-owned state of the cycle; fields are private. The buffers hold
 * card data only while a read is under way. */
struct idcard_proto {
	struct byte_link *head, *body; /* borrowed; body NULL: one pair */
	struct idcard_proto_config cfg;
	struct idcard_parser parser;
	uint8_t scratch[4096]; /* one IN transfer */
	uint8_t req[16];       /* the request being sent */
	int dirty;	       /* stale input may be in flight */
};

/* Sets up p over head (and body for the two-pair layout, else NULL); both
 * links are borrowed and must outlive p. cfg NULL means the defaults. */
void idcard_proto_init(struct idcard_proto *p, struct byte_link *head, struct byte_link *body,
		       const struct idcard_proto_config *cfg);

/* Wipes p. Accepts NULL. The links are not freed. */
void idcard_proto_cleanup(struct idcard_proto *p);

/* One read cycle: waits up to timeout_ms (>= 0; 0 = one find) for a card,
 * then selects and reads it (those steps run on their own timeouts even
 * past timeout_ms). Returns DRV_OK with *out (written only then), or a
 * DRV_* error per idcard.h's table; *st (required) always says why. */
int idcard_proto_read(struct idcard_proto *p, struct idcard_card *out, int timeout_ms,
		      struct idcard_status *st);

/* One exchange: sends CMD PARA (no data) and waits up to timeout_ms for
 * the reply, returned in *out borrowed from p->parser (valid until the
 * next call; wipe with idcard_parser_reset). Returns DRV_OK, DRV_ETIMEOUT,
 * DRV_EPROTO, DRV_ENODEV or DRV_EIO. */
int idcard_proto_exchange(struct idcard_proto *p, uint8_t cmd, uint8_t para, int timeout_ms,
			  struct idcard_reply *out);

#endif
