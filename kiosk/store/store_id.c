/*
 * store_id: UUIDv7 generation (see store_id.h for the layout).
 */
#include "store_id.h"

#include <errno.h>
#include <pthread.h>
#include <stddef.h>
#include <sys/random.h>
#include <time.h>

#include "vb_error.h"

#define COUNTER_BITS 42
#define COUNTER_MASK ((UINT64_C(1) << COUNTER_BITS) - 1)
#define TS_MASK	     ((UINT64_C(1) << 48) - 1)

static int fill_random(uint8_t *b, size_t n)
{
	size_t got = 0;
	while (got < n) {
		ssize_t r = getrandom(b + got, n - got, 0);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return VB_EIO;
		}
		got += (size_t)r;
	}
	return VB_OK;
}

/* A fresh counter: random, with its top bit clear so that at least 2^41
 * ids fit in one millisecond before it overflows. */
static uint64_t seed_counter(const uint8_t r[6])
{
	uint64_t c = 0;
	for (int i = 0; i < 6; i++)
		c = c << 8 | r[i];
	return c & (COUNTER_MASK >> 1);
}

static void format(const uint8_t b[16], char out[STORE_ID_LEN + 1])
{
	static const char digits[] = "0123456789abcdef";
	size_t o = 0;
	for (int i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			out[o++] = '-';
		out[o++] = digits[b[i] >> 4];
		out[o++] = digits[b[i] & 0x0f];
	}
	out[o] = '\0';
}

int store_id_next(struct store_id_gen *gen, int64_t now_ms, char out[STORE_ID_LEN + 1])
{
	uint8_t r[10];
	if (fill_random(r, sizeof(r)))
		return VB_EIO;
	if (now_ms > gen->last_ms) {
		gen->last_ms = now_ms;
		gen->counter = seed_counter(r);
	} else {
		/* Same millisecond, or the clock stepped back: count on. */
		gen->counter++;
		if (gen->counter > COUNTER_MASK) {
			gen->last_ms++;
			gen->counter = seed_counter(r);
		}
	}
	uint64_t ts = (uint64_t)gen->last_ms & TS_MASK;
	uint64_t c = gen->counter;
	uint32_t rand_a = (uint32_t)(c >> 30) & 0xfff;
	uint32_t lo = (uint32_t)(c & 0x3fffffff);
	uint8_t b[16];
	for (int i = 0; i < 6; i++)
		b[i] = (uint8_t)(ts >> (40 - 8 * i));
	b[6] = (uint8_t)(0x70 | rand_a >> 8);
	b[7] = (uint8_t)rand_a;
	b[8] = (uint8_t)(0x80 | (lo >> 24 & 0x3f));
	b[9] = (uint8_t)(lo >> 16);
	b[10] = (uint8_t)(lo >> 8);
	b[11] = (uint8_t)lo;
	for (int i = 0; i < 4; i++)
		b[12 + i] = r[6 + i];
	format(b, out);
	return VB_OK;
}

static pthread_mutex_t process_lock = PTHREAD_MUTEX_INITIALIZER;
static struct store_id_gen process_gen;

int store_id_new(char out[STORE_ID_LEN + 1])
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	int64_t now_ms = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
	pthread_mutex_lock(&process_lock);
	int rc = store_id_next(&process_gen, now_ms, out);
	pthread_mutex_unlock(&process_lock);
	return rc;
}

int store_id_check(const char *s)
{
	if (!s)
		return VB_EINVAL;
	for (int i = 0; i < STORE_ID_LEN; i++) {
		char c = s[i];
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (c != '-')
				return VB_EINVAL;
		} else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
			return VB_EINVAL;
		}
	}
	if (s[STORE_ID_LEN] != '\0' || s[14] != '7')
		return VB_EINVAL;
	if (s[19] != '8' && s[19] != '9' && s[19] != 'a' && s[19] != 'b')
		return VB_EINVAL;
	return VB_OK;
}
