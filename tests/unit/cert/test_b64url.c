/* b64url: RFC 4648 vectors, the URL alphabet, round trips, and the strict
 * decoder's refusals (padding, '+', '/', 4n+1 lengths, unused bits). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "b64url.h"
#include "vb_error.h"

static void test_rfc4648(void **state)
{
	(void)state;
	/* RFC 4648 §10, padding removed. */
	static const struct {
		const char *raw, *enc;
	} v[] = {{"", ""},	     {"f", "Zg"},	   {"fo", "Zm8"},	  {"foo", "Zm9v"},
		 {"foob", "Zm9vYg"}, {"fooba", "Zm9vYmE"}, {"foobar", "Zm9vYmFy"}};
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		char out[16];
		uint8_t dec[16];
		size_t n = 99;
		size_t rl = strlen(v[i].raw), el = strlen(v[i].enc);
		assert_int_equal(b64url_encoded_len(rl), el);
		assert_int_equal(b64url_decoded_max(el), rl);
		assert_int_equal(b64url_encode((const uint8_t *)v[i].raw, rl, out, sizeof(out)),
				 VB_OK);
		assert_string_equal(out, v[i].enc);
		assert_int_equal(b64url_decode(v[i].enc, el, dec, sizeof(dec), &n), VB_OK);
		assert_int_equal(n, rl);
		assert_memory_equal(dec, v[i].raw, rl);
	}
}

static void test_url_alphabet(void **state)
{
	(void)state;
	/* 0xfb 0xff 0xbf is "+/+/" in standard base64. */
	static const uint8_t raw[] = {0xfb, 0xff, 0xbf, 0xfe};
	char out[16];
	uint8_t dec[8];
	size_t n = 0;
	assert_int_equal(b64url_encode(raw, sizeof(raw), out, sizeof(out)), VB_OK);
	assert_string_equal(out, "-_-__g");
	assert_int_equal(b64url_decode(out, strlen(out), dec, sizeof(dec), &n), VB_OK);
	assert_int_equal(n, sizeof(raw));
	assert_memory_equal(dec, raw, sizeof(raw));
}

static void test_round_trip(void **state)
{
	(void)state;
	uint8_t raw[300], dec[300];
	char enc[420];
	uint32_t x = 12345;
	for (size_t len = 0; len <= sizeof(raw); len++) {
		for (size_t i = 0; i < len; i++) {
			x = x * 1103515245u + 12345u;
			raw[i] = (uint8_t)(x >> 16);
		}
		size_t n = 0;
		assert_int_equal(b64url_encode(raw, len, enc, sizeof(enc)), VB_OK);
		assert_int_equal(strlen(enc), b64url_encoded_len(len));
		assert_int_equal(b64url_decode(enc, strlen(enc), dec, len, &n), VB_OK);
		assert_int_equal(n, len);
		assert_memory_equal(dec, raw, len);
	}
}

static void test_refusals(void **state)
{
	(void)state;
	static const char *const bad[] = {
	    "Zg==",    /* padding */
	    "Zm8=",    /* padding */
	    "Zm9v+A",  /* '+' */
	    "Zm9v/A",  /* '/' */
	    "Z",       /* 4n+1 characters */
	    "Zm9vY",   /* 4n+1 characters */
	    "Zh",      /* unused low bits not zero ('h' = 33) */
	    "Zm9",     /* unused low bits not zero ('9' = 61) */
	    "Zm 9v",   /* whitespace */
	    "Zm9v\n",  /* trailing newline */
	    "Zm\x80v", /* non-ASCII */
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		uint8_t dec[16];
		size_t n = 77;
		assert_int_equal(b64url_decode(bad[i], strlen(bad[i]), dec, sizeof(dec), &n),
				 VB_EINVAL);
		assert_int_equal(n, 77);
	}
	/* An embedded NUL counts as a character, not an end. */
	uint8_t dec[16];
	size_t n = 77;
	assert_int_equal(b64url_decode("Zm\0v", 4, dec, sizeof(dec), &n), VB_EINVAL);
	assert_int_equal(n, 77);
}

static void test_caps(void **state)
{
	(void)state;
	char out[8];
	memset(out, 'x', sizeof(out));
	/* "foobar" needs 8 characters + NUL. */
	assert_int_equal(b64url_encode((const uint8_t *)"foobar", 6, out, 8), VB_ERANGE);
	assert_int_equal(out[0], 'x');
	assert_int_equal(b64url_encode((const uint8_t *)"fooba", 5, out, 8), VB_OK);
	assert_string_equal(out, "Zm9vYmE");
	uint8_t dec[5];
	size_t n = 77;
	assert_int_equal(b64url_decode("Zm9vYmFy", 8, dec, 5, &n), VB_ERANGE);
	assert_int_equal(n, 77);
	assert_int_equal(b64url_decode("Zm9vYmE", 7, dec, 5, &n), VB_OK);
	assert_int_equal(n, 5);
	assert_int_equal(b64url_encode(NULL, 0, out, 1), VB_OK);
	assert_string_equal(out, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_rfc4648),    cmocka_unit_test(test_url_alphabet),
	    cmocka_unit_test(test_round_trip), cmocka_unit_test(test_refusals),
	    cmocka_unit_test(test_caps),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
