/*
 * fake_link: an in-memory byte link for protocol tests, no USB involved.
 *
 * The test scripts what the "device" does: IN transfers queued in advance
 * (each push is one transfer; a helper splits a frame into transfers of any
 * size), replies queued when a write starts with a given prefix, timeouts,
 * errors, and an unplug. Everything written is recorded for inspection.
 * A read with nothing queued times out (DRV_ETIMEOUT).
 */
#ifndef FAKE_LINK_H
#define FAKE_LINK_H

#include <stddef.h>
#include <stdint.h>

#include "byte_link.h"

struct fake_link;

/* A new fake whose IN packets are at most in_packet_size bytes. Free it
 * with byte_link_free(fake_link_base(f)). Aborts on out of memory. */
struct fake_link *fake_link_new(size_t in_packet_size);

/* The fake as a byte link (borrowed). */
struct byte_link *fake_link_base(struct fake_link *f);

/* Queues one IN transfer carrying data (len may be 0: a zero-length
 * packet). A read whose cap is smaller gets the first cap bytes and the
 * rest stays queued as the next transfer. */
void fake_link_push_in(struct fake_link *f, const uint8_t *data, size_t len);

/* Queues data as transfers of `chunk` bytes each (the last may be short). */
void fake_link_push_in_split(struct fake_link *f, const uint8_t *data, size_t len, size_t chunk);

/* Queues an event that makes the next read fail with `err` (a DRV_ code,
 * e.g. DRV_ETIMEOUT or DRV_ENODEV) instead of delivering data. */
void fake_link_push_error(struct fake_link *f, int err);

/* When a write begins with prefix (n bytes), queue reply split into
 * transfers of `chunk` bytes. Rules are tried in the order added; each
 * fires every time it matches. */
void fake_link_on_write(struct fake_link *f, const uint8_t *prefix, size_t n, const uint8_t *reply,
			size_t reply_len, size_t chunk);

/* Makes the next write fail with err (once). */
void fake_link_fail_next_write(struct fake_link *f, int err);

/* While unplugged, every read and write fails with DRV_ENODEV. */
void fake_link_set_unplugged(struct fake_link *f, int unplugged);

/* Every byte written so far (borrowed; valid until the next write), and
 * the number of writes. */
const uint8_t *fake_link_written(const struct fake_link *f, size_t *len);
size_t fake_link_write_count(const struct fake_link *f);

/* Forgets the written bytes. */
void fake_link_clear_written(struct fake_link *f);

/* Transfers still queued (to check a protocol consumed what it should). */
size_t fake_link_pending(const struct fake_link *f);

#endif
