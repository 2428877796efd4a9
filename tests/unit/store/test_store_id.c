/* UUIDv7 record ids: text form, version and variant bits, the timestamp,
 * order across many ids and threads, a clock that steps back, counter
 * overflow, and the format check. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "store_id.h"
#include "vb_error.h"

#define N_IDS 10000

/* The 48-bit timestamp of an id (its first 12 hex digits). */
static int64_t id_ms(const char *id)
{
	char hex[13];
	memcpy(hex, id, 8);
	memcpy(hex + 8, id + 9, 4);
	hex[12] = '\0';
	return (int64_t)strtoll(hex, NULL, 16);
}

static void check_bits(const char *id)
{
	assert_int_equal(strlen(id), STORE_ID_LEN);
	assert_int_equal(store_id_check(id), VB_OK);
	assert_int_equal(id[14], '7');		 /* version */
	assert_non_null(strchr("89ab", id[19])); /* variant 10xx */
}

static void test_format_and_bits(void **state)
{
	(void)state;
	char id[STORE_ID_LEN + 1];
	for (int i = 0; i < 1000; i++) {
		assert_int_equal(store_id_new(id), VB_OK);
		check_bits(id);
	}
}

static void test_timestamp_field(void **state)
{
	(void)state;
	struct store_id_gen gen = {0, 0};
	char id[STORE_ID_LEN + 1];
	assert_int_equal(store_id_next(&gen, INT64_C(0x0123456789ab), id), VB_OK);
	assert_memory_equal(id, "01234567-89ab-7", 15);
	check_bits(id);
	/* 2021-06-01T00:00:00Z */
	assert_int_equal(store_id_next(&gen, INT64_C(1622505600000), id), VB_OK);
	assert_int_equal(id_ms(id), INT64_C(1622505600000));
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(a, b);
}

static void test_sortable_order(void **state)
{
	(void)state;
	char(*ids)[STORE_ID_LEN + 1] = calloc(N_IDS, sizeof(*ids));
	assert_non_null(ids);
	for (int i = 0; i < N_IDS; i++) {
		assert_int_equal(store_id_new(ids[i]), VB_OK);
		if (i > 0 && strcmp(ids[i - 1], ids[i]) >= 0)
			fail_msg("id %d (%s) does not sort after %s", i, ids[i], ids[i - 1]);
	}
	free(ids);
}

static void test_clock_steps_back(void **state)
{
	(void)state;
	/* Same millisecond, then the wall clock corrected backwards by an
	 * hour, then forward again. */
	static const int64_t clock_ms[] = {1000000, 1000000, 1000000, 999999, 1000000 - 3600000,
					   1000000, 1000001, 1000001, 2000000};
	static const int64_t want_ms[] = {1000000, 1000000, 1000000, 1000000, 1000000,
					  1000000, 1000001, 1000001, 2000000};
	struct store_id_gen gen = {0, 0};
	char prev[STORE_ID_LEN + 1] = "", id[STORE_ID_LEN + 1];
	for (size_t i = 0; i < sizeof(clock_ms) / sizeof(clock_ms[0]); i++) {
		assert_int_equal(store_id_next(&gen, clock_ms[i], id), VB_OK);
		check_bits(id);
		assert_int_equal(id_ms(id), want_ms[i]);
		if (strcmp(prev, id) >= 0)
			fail_msg("step %zu: %s does not sort after %s", i, id, prev);
		memcpy(prev, id, sizeof(id));
	}
}

static void test_counter_overflow(void **state)
{
	(void)state;
	struct store_id_gen gen = {0, 0};
	char a[STORE_ID_LEN + 1], b[STORE_ID_LEN + 1];
	assert_int_equal(store_id_next(&gen, 5000, a), VB_OK);
	gen.counter = (UINT64_C(1) << 42) - 1; /* the 42-bit counter is full */
	assert_int_equal(store_id_next(&gen, 5000, b), VB_OK);
	/* The timestamp moves on by one millisecond instead of wrapping. */
	assert_int_equal(id_ms(b), 5001);
	assert_true(strcmp(a, b) < 0);
	assert_true(gen.counter < (UINT64_C(1) << 41));
	check_bits(b);
}

struct thread_ids {
	char (*ids)[STORE_ID_LEN + 1];
	int n;
};

static void *make_ids(void *arg)
{
	struct thread_ids *t = arg;
	for (int i = 0; i < t->n; i++) {
		if (store_id_new(t->ids[i]) != VB_OK)
			return arg;
		if (i > 0 && strcmp(t->ids[i - 1], t->ids[i]) >= 0)
			return arg;
	}
	return NULL;
}

static void test_threads_unique(void **state)
{
	(void)state;
	enum { THREADS = 4, PER = 2500 };
	char(*ids)[STORE_ID_LEN + 1] = calloc(THREADS * PER, sizeof(*ids));
	assert_non_null(ids);
	pthread_t th[THREADS];
	struct thread_ids t[THREADS];
	for (int i = 0; i < THREADS; i++) {
		t[i].ids = ids + i * PER;
		t[i].n = PER;
		assert_int_equal(pthread_create(&th[i], NULL, make_ids, &t[i]), 0);
	}
	for (int i = 0; i < THREADS; i++) {
		void *bad = &t[i];
		assert_int_equal(pthread_join(th[i], &bad), 0);
		assert_null(bad); /* each thread saw its own ids in order */
	}
	qsort(ids, THREADS * PER, sizeof(*ids), cmp_str);
	for (int i = 1; i < THREADS * PER; i++)
		assert_true(strcmp(ids[i - 1], ids[i]) < 0);
	free(ids);
}

static void test_check(void **state)
{
	(void)state;
	static const struct {
		const char *id;
		int rc;
	} cases[] = {
	    {"01890a5d-ac96-774b-bcce-b302099a8057", VB_OK},
	    {"01890a5d-ac96-774b-8cce-b302099a8057", VB_OK},
	    {"01890A5D-AC96-774B-BCCE-B302099A8057", VB_EINVAL},  /* uppercase */
	    {"01890a5d-ac96-474b-bcce-b302099a8057", VB_EINVAL},  /* version 4 */
	    {"01890a5d-ac96-774b-cce0-b302099a8057", VB_EINVAL},  /* variant 110 */
	    {"01890a5d-ac96-774b-7cce-b302099a8057", VB_EINVAL},  /* variant 0 */
	    {"01890a5d-ac96-774b-bcce-b302099a805", VB_EINVAL},	  /* short */
	    {"01890a5d-ac96-774b-bcce-b302099a80577", VB_EINVAL}, /* long */
	    {"01890a5dac96774bbcceb302099a8057", VB_EINVAL},	  /* no dashes */
	    {"01890a5d_ac96-774b-bcce-b302099a8057", VB_EINVAL},
	    {"01890a5d-ac96-774b-bcce-b302099a805g", VB_EINVAL},
	    {"", VB_EINVAL},
	    {NULL, VB_EINVAL},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (store_id_check(cases[i].id) != cases[i].rc)
			fail_msg("case %zu (%s): got %d", i, cases[i].id ? cases[i].id : "NULL",
				 store_id_check(cases[i].id));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_format_and_bits),
	    cmocka_unit_test(test_timestamp_field),
	    cmocka_unit_test(test_sortable_order),
	    cmocka_unit_test(test_clock_steps_back),
	    cmocka_unit_test(test_counter_overflow),
	    cmocka_unit_test(test_threads_unique),
	    cmocka_unit_test(test_check),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
