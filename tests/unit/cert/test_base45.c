/* Base45 (RFC 9285): the RFC's examples both ways, round trips of every
 * length 0..64, the largest valid groups, and strict refusals (characters
 * outside the alphabet, a dangling character, groups worth too much,
 * buffers too small). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "base45.h"
#include "vb_error.h"

#include <string.h>

struct example {
	const char *bytes;
	size_t len;
	const char *text;
};

/* RFC 9285 section 4.3 and 4.4, and the two edge groups. */
static const struct example examples[] = {
    {"AB", 2, "BB8"},
    {"Hello!!", 7, "%69 VD92EX0"},
    {"base-45", 7, "UJCLQE7W581"},
    {"ietf!", 5, "QED8WEX0"},
    {"", 0, ""},
    {"\xff\xff", 2, "FGW"},
    {"\xff", 1, "U5"},
    {"\x00", 1, "00"},
    {"\x00\x00", 2, "000"},
};

static void test_examples(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(examples) / sizeof(examples[0]); i++) {
		const struct example *e = &examples[i];
		char text[64];
		uint8_t bytes[64];
		size_t n = 999;
		assert_int_equal(base45_encoded_len(e->len), strlen(e->text));
		assert_int_equal(
		    base45_encode((const uint8_t *)e->bytes, e->len, text, sizeof(text)), VB_OK);
		assert_string_equal(text, e->text);
		assert_int_equal(
		    base45_decode(e->text, strlen(e->text), bytes, sizeof(bytes), &n, NULL), VB_OK);
		assert_int_equal(n, e->len);
		assert_memory_equal(bytes, e->bytes, e->len);
	}
}

static uint32_t rng_state = 0x9e3779b9u;

static uint8_t rnd(void)
{
	/* xorshift32: reproducible bytes */
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 17;
	rng_state ^= rng_state << 5;
	return (uint8_t)rng_state;
}

static void test_round_trip(void **state)
{
	(void)state;
	for (int round = 0; round < 50; round++) {
		for (size_t len = 0; len <= 64; len++) {
			uint8_t in[64], back[64];
			char text[100];
			size_t n = 0;
			for (size_t i = 0; i < len; i++)
				in[i] = round == 0 ? 0xff : round == 1 ? 0 : rnd();
			/* exactly enough room */
			size_t tlen = base45_encoded_len(len);
			assert_int_equal(base45_encode(in, len, text, tlen + 1), VB_OK);
			assert_int_equal(strlen(text), tlen);
			for (size_t i = 0; i < tlen; i++)
				assert_non_null(memchr(
				    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:", text[i], 45));
			assert_int_equal(base45_decode(text, tlen, back, len, &n, NULL), VB_OK);
			assert_int_equal(n, len);
			assert_memory_equal(back, in, len);
		}
	}
}

struct bad {
	const char *text;
	const char *why; /* a word the reason text must contain */
};

static void test_invalid(void **state)
{
	(void)state;
	static const struct bad bad[] = {
	    {"A", "dangling"},	     /* a single character */
	    {"BB8A", "dangling"},    /* a group, then a dangling one */
	    {"bb8", "alphabet"},     /* lowercase */
	    {"BB#", "alphabet"},     /* '#' is not in the alphabet */
	    {"BB8\nQE", "alphabet"}, /* newline */
	    {"GGW", "65535"},	     /* 65536 */
	    {":::", "65535"},	     /* 91124, the largest triple */
	    {"BB8V5", "255"},	     /* 256 in the last pair */
	    {"::", "255"},	     /* 2024 */
	    {"%69 VD92EX0=", "alphabet"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		uint8_t out[16];
		size_t n = 77;
		struct vb_reason why = {0};
		assert_int_equal(
		    base45_decode(bad[i].text, strlen(bad[i].text), out, sizeof(out), &n, &why),
		    VB_EINVAL);
		assert_int_equal(n, 77);
		assert_non_null(why.code);
		assert_string_equal(why.code, "base45");
		if (!strstr(why.text, bad[i].why))
			fail_msg("\"%s\": reason \"%s\" lacks \"%s\"", bad[i].text, why.text,
				 bad[i].why);
	}
	/* an embedded NUL is a character outside the alphabet, not the end */
	uint8_t out[4];
	size_t n = 0;
	assert_int_equal(base45_decode("BB\0", 3, out, sizeof(out), &n, NULL), VB_EINVAL);
}

static void test_ranges(void **state)
{
	(void)state;
	char text[8];
	uint8_t out[8];
	size_t n = 5;
	/* the encoder needs room for the NUL */
	assert_int_equal(base45_encode((const uint8_t *)"AB", 2, text, 3), VB_ERANGE);
	assert_int_equal(base45_encode((const uint8_t *)"AB", 2, text, 4), VB_OK);
	/* the decoder refuses before writing past cap */
	assert_int_equal(base45_decode("BB8", 3, out, 1, &n, NULL), VB_ERANGE);
	assert_int_equal(base45_decode("QED8WEX0", 8, out, 4, &n, NULL), VB_ERANGE);
	assert_int_equal(n, 5);
	assert_int_equal(base45_decode("QED8WEX0", 8, out, 5, &n, NULL), VB_OK);
	assert_int_equal(n, 5);
	/* the empty text is zero bytes */
	assert_int_equal(base45_decode("", 0, out, 0, &n, NULL), VB_OK);
	assert_int_equal(n, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_examples),
	    cmocka_unit_test(test_round_trip),
	    cmocka_unit_test(test_invalid),
	    cmocka_unit_test(test_ranges),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
