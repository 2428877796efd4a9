/* The engine without a platform: percent-encoding of search values, the
 * backoff (doubling within [d/2, d], capped, reset by an answer, no
 * limit), one engine per database, refused options, and the status read
 * back from the database. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store.h"
#include "store_meta.h"
#include "store_person.h"
#include "sync_int.h"

static int64_t fixed_now(void)
{
	return 1622505600; /* 2021-06-01T00:00:00Z */
}

struct fx {
	char dir[64], db[128];
	struct catalog *cat;
	struct sync_options o;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	snprintf(f->dir, sizeof(f->dir), "/tmp/vb-sync-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->db, sizeof(f->db), "%s/bus.db", f->dir);
	f->cat = catalog_new(0);
	assert_non_null(f->cat);
	unsigned char key[STORE_KEY_LEN];
	memset(key, 0x42, sizeof(key)); /* the test data key */
	assert_int_equal(store_key_set(key), VB_OK);
	sync_options_defaults(&f->o);
	snprintf(f->o.url, sizeof(f->o.url), "http://127.0.0.1:9/fhir/R4");
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	char cmd[160];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", f->dir);
	assert_int_equal(system(cmd), 0);
	catalog_free(f->cat);
	store_key_clear();
	free(f);
	return 0;
}

static void test_pct(void **state)
{
	(void)state;
	static const struct {
		const char *in, *out;
	} rows[] = {
	    {"AZaz09-._~", "AZaz09-._~"},
	    {"a+b", "a%2Bb"}, /* '+' would be read as a space */
	    {"a&b#c%d,e|f", "a%26b%23c%25d%2Ce%7Cf"},
	    {"https://x.invalid/id", "https%3A%2F%2Fx.invalid%2Fid"},
	    {"张", "%E5%BC%A0"},
	    {"", ""},
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		char out[64] = "q=";
		assert_int_equal(sync_http_pct(rows[i].in, out, sizeof(out)), VB_OK);
		assert_string_equal(out + 2, rows[i].out);
	}
	char fits[6] = "", small[5] = "";
	assert_int_equal(sync_http_pct("a+b", fits, sizeof(fits)), VB_OK);
	assert_int_equal(sync_http_pct("a+b", small, sizeof(small)), VB_ERANGE);
}

static void test_backoff(void **state)
{
	struct fx *f = *state;
	struct sync_engine *e = NULL;
	f->o.backoff_min_ms = 2000;
	f->o.backoff_max_ms = 60000;
	assert_int_equal(sync_engine_new(f->db, &f->o, f->cat, fixed_now, &e, NULL, 0), VB_OK);
	/* The k-th failure in a row waits within [d/2, d], d = min(60, 2 * 2^k) s. */
	int64_t d = 2;
	for (int k = 0; k < 12; k++) {
		int64_t s = sync_engine_note(e, 0, "HTTP 503: down", fixed_now());
		if (s < d / 2 || s > d)
			fail_msg("failure %d waited %lld s, want %lld..%lld", k, (long long)s,
				 (long long)(d / 2), (long long)d);
		d = d * 2 > 60 ? 60 : d * 2;
	}
	/* An answer resets it; the next failure starts again from 1..2 s. */
	assert_int_equal(sync_engine_note(e, 1, NULL, fixed_now()), 0);
	int64_t s = sync_engine_note(e, 0, "timeout", fixed_now());
	assert_true(s >= 1 && s <= 2);

	/* Jitter: 200 first failures do not all wait the same. */
	int64_t seen_lo = 99, seen_hi = 0;
	for (int i = 0; i < 200; i++) {
		assert_int_equal(sync_engine_note(e, 1, NULL, fixed_now()), 0);
		e->o.backoff_min_ms = 60000;
		s = sync_engine_note(e, 0, "x", fixed_now());
		seen_lo = s < seen_lo ? s : seen_lo;
		seen_hi = s > seen_hi ? s : seen_hi;
	}
	assert_true(seen_lo >= 30 && seen_hi <= 60 && seen_hi - seen_lo >= 10);
	sync_engine_free(e);
}

static void test_one_engine_per_database(void **state)
{
	struct fx *f = *state;
	struct sync_engine *a = NULL, *b = NULL;
	char why[200] = "";
	assert_int_equal(sync_engine_new(f->db, &f->o, f->cat, fixed_now, &a, why, sizeof(why)),
			 VB_OK);
	assert_int_equal(sync_engine_new(f->db, &f->o, f->cat, fixed_now, &b, why, sizeof(why)),
			 VB_EBUSY);
	assert_non_null(strstr(why, "another sync"));
	sync_engine_free(a);
	assert_int_equal(sync_engine_new(f->db, &f->o, f->cat, fixed_now, &b, why, sizeof(why)),
			 VB_OK);
	sync_engine_free(b);
}

static void test_bad_options(void **state)
{
	struct fx *f = *state;
	struct sync_engine *e = NULL;
	struct sync_options bad[5];
	for (int i = 0; i < 5; i++)
		bad[i] = f->o;
	bad[0].url[0] = '\0';
	bad[1].bundle_size = 0;
	bad[2].bundle_size = SYNC_BUNDLE_MAX + 1;
	bad[3].timeout_ms = 0;
	bad[4].backoff_max_ms = bad[4].backoff_min_ms - 1;
	for (int i = 0; i < 5; i++)
		assert_int_equal(sync_engine_new(f->db, &bad[i], f->cat, fixed_now, &e, NULL, 0),
				 VB_EINVAL);
	enum sync_mode m;
	enum sync_auth a;
	assert_int_equal(sync_mode_parse("transaction", &m), VB_OK);
	assert_int_equal(m, SYNC_MODE_TRANSACTION);
	assert_int_equal(sync_mode_parse("stream", &m), VB_EINVAL);
	assert_int_equal(sync_auth_parse("client_credentials", &a), VB_OK);
	assert_int_equal(a, SYNC_AUTH_CLIENT_CREDENTIALS);
	assert_int_equal(sync_auth_parse("basic", &a), VB_EINVAL);
}

/* No link: the pass says so, the rows wait with the error, the status
 * shows it; nothing is lost or quarantined. */
static void test_no_link(void **state)
{
	struct fx *f = *state;
	struct store *st = NULL;
	struct person p0;
	struct vb_reason why;
	char number[19] = "11010119800101001";
	number[17] = iddoc_cn_check_char(number);
	person_init(&p0);
	assert_int_equal(iddoc_validate(IDDOC_CN_RESIDENT, number, 19000, &p0.doc, &why), VB_OK);
	snprintf(p0.name, sizeof(p0.name), "测试");
	p0.sex = 1;
	p0.birth = p0.doc.birth;
	p0.source = PERSON_SOURCE_TYPED;
	assert_int_equal(person_check(&p0, 19000, &why), VB_OK);
	assert_int_equal(store_open(f->db, &st, NULL), VB_OK);
	assert_int_equal(store_meta_init_identity(st, "BUS-1", "SITE-1"), VB_OK);
	assert_int_equal(store_begin(st), VB_OK);
	assert_int_equal(store_person_add(st, &p0, "kiosk", fixed_now() - 60), VB_OK);
	assert_int_equal(store_commit(st), VB_OK);

	struct sync_engine *e = NULL;
	f->o.connect_timeout_ms = 2000;
	assert_int_equal(sync_engine_new(f->db, &f->o, f->cat, fixed_now, &e, NULL, 0), VB_OK);
	struct sync_progress p;
	memset(&p, 0, sizeof(p));
	assert_int_equal(sync_engine_push(e, &p, NULL, NULL), VB_EIO);
	assert_int_equal(p.retried, 1);
	assert_int_equal(p.pending, 1);
	assert_non_null(strstr(p.last_error, "curl 7"));
	assert_true(sync_engine_next_attempt(e) > fixed_now());
	sync_engine_free(e);

	struct sync_status s;
	assert_int_equal(sync_status_read(st, &s), VB_OK);
	assert_int_equal(s.counts.pending, 1);
	assert_int_equal(s.counts.failed, 0);
	assert_int_equal(s.last_success, 0);
	assert_int_equal(s.last_attempt, fixed_now());
	assert_non_null(strstr(s.last_error, "curl 7"));
	store_close(st);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_pct), T(test_backoff), T(test_one_engine_per_database),
	    T(test_bad_options),	T(test_no_link),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
