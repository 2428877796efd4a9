/*
 * store_id: record ids made on the bus — UUIDv7 (RFC 9562) as 36-character
 * lowercase text, e.g. "01890a5d-ac96-774b-bcce-b302099a8057".
 *
 * Layout: 48-bit Unix time in milliseconds, version 7, then a 42-bit
 * counter (12 bits in rand_a, 30 bits after the variant: RFC 9562 §6.2
 * method 1) and 32 random bits from getrandom(2). The counter starts at a
 * random value each new millisecond and counts up within one, so ids from
 * one generator sort (as bytes and as text) in the order they were made,
 * even when the wall clock steps back: the generator then keeps using its
 * last timestamp and counts on.
 */
#ifndef STORE_ID_H
#define STORE_ID_H

#include <stdint.h>

/* Text length of an id without its NUL; buffers are STORE_ID_LEN + 1. */
#define STORE_ID_LEN 36

/* A generator's state. Zero-initialise it; one per thread or behind a
 * lock. Public so that tests can drive the clock and the counter. */
struct store_id_gen {
	int64_t last_ms;  /* timestamp of the last id made */
	uint64_t counter; /* 42-bit counter of the last id made */
};

/*
 * Makes the next id of gen for wall-clock time now_ms (milliseconds since
 * the epoch; values before the last one are treated as the last one) into
 * out (NUL terminated). Returns VB_OK, or VB_EIO if getrandom fails (out
 * untouched).
 */
int store_id_next(struct store_id_gen *gen, int64_t now_ms, char out[STORE_ID_LEN + 1]);

/* Makes a new id from the process-wide generator (thread-safe, reads
 * CLOCK_REALTIME). VB_OK or VB_EIO. */
int store_id_new(char out[STORE_ID_LEN + 1]);

/* VB_OK if s is a well-formed UUIDv7 in lowercase text form, else
 * VB_EINVAL. NULL is VB_EINVAL. */
int store_id_check(const char *s);

#endif
