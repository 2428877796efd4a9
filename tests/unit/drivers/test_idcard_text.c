/*
 * The ID card's text block: UTF-16LE -> UTF-8 for one field (every UTF-8
 * length, surrogate pairs, refused units, padding, caps), the block's
 * field rules, and the encoder the simulated reader and device models use
 * (round trip, widths, malformed UTF-8).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "idcard.h"
#include "idcard_text.h"

/* Writes units as UTF-16LE into out, returns the byte count. */
static size_t le(uint8_t *out, const uint16_t *u, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = (uint8_t)u[i];
		out[2 * i + 1] = (uint8_t)(u[i] >> 8);
	}
	return 2 * n;
}

#define MAXU 8

static void test_field_decoding(void **state)
{
	(void)state;
	static const struct {
		uint16_t u[MAXU];
		size_t n;
		int rc;
		const char *want;
	} cases[] = {
	    {{'A', 'b', '1'}, 3, DRV_OK, "Ab1"},
	    {{0x00A0}, 1, DRV_OK, "\xC2\xA0"},		       /* first 2-byte after C1 */
	    {{0x07FF}, 1, DRV_OK, "\xDF\xBF"},		       /* last 2-byte */
	    {{0x0800}, 1, DRV_OK, "\xE0\xA0\x80"},	       /* first 3-byte */
	    {{0x5F20, 0x4E09}, 2, DRV_OK, "张三"},	       /* CJK */
	    {{0xFFFD}, 1, DRV_OK, "\xEF\xBF\xBD"},	       /* last allowed BMP */
	    {{0xD800, 0xDC00}, 2, DRV_OK, "\xF0\x90\x80\x80"}, /* U+10000 */
	    {{0xDBFF, 0xDFFF}, 2, DRV_OK, "\xF4\x8F\xBF\xBF"}, /* U+10FFFF */
	    {{0xD842, 0xDFB7, 'x'}, 3, DRV_OK, "\xF0\xA0\xAE\xB7x"},
	    {{'A', ' ', ' '}, 3, DRV_OK, "A"},	       /* space padding */
	    {{'A', 0, 0}, 3, DRV_OK, "A"},	       /* NUL padding */
	    {{'A', ' ', 0, ' ', 0}, 5, DRV_OK, "A"},   /* mixed padding */
	    {{' ', 'A', ' ', 'B'}, 4, DRV_OK, " A B"}, /* inner and leading kept */
	    {{' ', ' '}, 2, DRV_OK, ""},
	    {{0}, 0, DRV_OK, ""},
	    {{0xD800}, 1, DRV_EPROTO, NULL},	     /* lone high */
	    {{0xD800, ' '}, 2, DRV_EPROTO, NULL},    /* high, then padding */
	    {{0xDC00, 'A'}, 2, DRV_EPROTO, NULL},    /* lone low */
	    {{0xD800, 0xD800}, 2, DRV_EPROTO, NULL}, /* high, high */
	    {{0x0009}, 1, DRV_EPROTO, NULL},	     /* tab */
	    {{0x001F}, 1, DRV_EPROTO, NULL},	     /* last C0 */
	    {{0x007F}, 1, DRV_EPROTO, NULL},	     /* DEL */
	    {{0x0085}, 1, DRV_EPROTO, NULL},	     /* C1 */
	    {{0x009F}, 1, DRV_EPROTO, NULL},	     /* last C1 */
	    {{0xFFFE}, 1, DRV_EPROTO, NULL},	     /* non-character */
	    {{0xFFFF}, 1, DRV_EPROTO, NULL},	     /* non-character */
	    {{'A', 0, 'B'}, 3, DRV_EPROTO, NULL},    /* NUL inside */
	    {{0, 'B'}, 2, DRV_EPROTO, NULL},	     /* NUL first */
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint8_t in[2 * MAXU];
		char out[64];
		memset(out, 0x7E, sizeof(out));
		size_t n = le(in, cases[i].u, cases[i].n);
		int rc = idcard_text_field(in, n, out, sizeof(out));
		assert_int_equal(rc, cases[i].rc);
		if (rc == DRV_OK)
			assert_string_equal(out, cases[i].want);
		else
			assert_int_equal(out[0], 0x7E); /* untouched */
	}
}

static void test_field_caps(void **state)
{
	(void)state;
	uint8_t in[8];
	char out[8];
	/* 张三 is 6 bytes of UTF-8: fits 7, not 6 */
	size_t n = le(in, (const uint16_t[]){0x5F20, 0x4E09, ' '}, 3);
	assert_int_equal(idcard_text_field(in, n, out, 7), DRV_OK);
	assert_string_equal(out, "张三");
	memset(out, 0x7E, sizeof(out));
	assert_int_equal(idcard_text_field(in, n, out, 6), DRV_EINVAL);
	assert_int_equal(out[0], 0x7E);
	/* a high surrogate as the field's last unit is not paired with what
	 * follows the field, even a low surrogate */
	n = le(in, (const uint16_t[]){0x4E00, 0xD842, 0xDFB7}, 3);
	assert_int_equal(idcard_text_field(in, 4, out, sizeof(out)), DRV_EPROTO);
	assert_int_equal(idcard_text_field(in, n, out, sizeof(out)), DRV_OK);
	/* an odd length, or more than a block */
	assert_int_equal(idcard_text_field(in, 3, out, sizeof(out)), DRV_EINVAL);
	static uint8_t big[258];
	assert_int_equal(idcard_text_field(big, sizeof(big), out, sizeof(out)), DRV_EINVAL);
	assert_int_equal(idcard_text_field(in, 2, out, 0), DRV_EINVAL);
}

/* A full block: every field of a card, written here as UTF-16LE. */
static void put(uint8_t *text, size_t at, size_t width, const char *ascii)
{
	for (size_t i = 0; i < width / 2; i++) {
		size_t k = strlen(ascii);
		text[at + 2 * i] = (uint8_t)(i < k ? ascii[i] : ' ');
		text[at + 2 * i + 1] = 0;
	}
}

static void mk_block(uint8_t text[256])
{
	put(text, 0, 30, "LI SI");
	put(text, 30, 2, "2");
	put(text, 32, 4, "97");
	put(text, 36, 16, "20000229");
	put(text, 52, 70, "No. 1 Road");
	put(text, 122, 36, "110101200002290028");
	put(text, 158, 30, "Office");
	put(text, 188, 16, "20200101");
	put(text, 204, 16, "20300101");
	put(text, 220, 36, "");
}

static void test_block_rules(void **state)
{
	(void)state;
	uint8_t text[256];
	struct idcard_card c;
	mk_block(text);
	assert_int_equal(idcard_text_decode(text, 256, &c), DRV_OK);
	assert_string_equal(c.name, "LI SI");
	assert_string_equal(c.sex, "2");
	assert_string_equal(c.nation, "97");
	assert_string_equal(c.birth, "20000229");
	assert_string_equal(c.address, "No. 1 Road");
	assert_string_equal(c.id, "110101200002290028");
	assert_string_equal(c.authority, "Office");
	assert_string_equal(c.valid_from, "20200101");
	assert_string_equal(c.valid_to, "20300101");
	/* the reserved bytes are not read */
	memset(text + 220, 0xD8, 36);
	assert_int_equal(idcard_text_decode(text, 256, &c), DRV_OK);
	/* wrong block sizes */
	assert_int_equal(idcard_text_decode(text, 255, &c), DRV_EINVAL);
	assert_int_equal(idcard_text_decode(text, 258, &c), DRV_EINVAL);
	assert_int_equal(idcard_text_decode(NULL, 256, &c), DRV_EINVAL);

	/* the ASCII fields: each refuses a CJK character */
	static const size_t ascii_at[][2] = {{30, 2}, {32, 4}, {36, 16}, {122, 36}, {188, 16}};
	for (size_t i = 0; i < sizeof(ascii_at) / sizeof(ascii_at[0]); i++) {
		mk_block(text);
		le(text + ascii_at[i][0], (const uint16_t[]){0x4E00}, 1);
		memset(&c, 0x3C, sizeof(c));
		struct idcard_card sentinel = c;
		assert_int_equal(idcard_text_decode(text, 256, &c), DRV_EPROTO);
		assert_memory_equal(&c, &sentinel, sizeof(c));
	}
	/* valid_to: 长期 and nothing else that is not ASCII */
	mk_block(text);
	le(text + 204, (const uint16_t[]){0x957F, 0x671F, ' ', ' ', ' ', ' ', ' ', ' '}, 8);
	assert_int_equal(idcard_text_decode(text, 256, &c), DRV_OK);
	assert_string_equal(c.valid_to, "长期");
	le(text + 204, (const uint16_t[]){0x671F, 0x957F}, 2);
	assert_int_equal(idcard_text_decode(text, 256, &c), DRV_EPROTO);
	/* name and address take any text up to their widths */
	mk_block(text);
	uint16_t fifteen[15];
	for (size_t i = 0; i < 15; i++)
		fifteen[i] = (uint16_t)(0x4E00 + i);
	le(text, fifteen, 15);
	assert_int_equal(idcard_text_decode(text, 256, &c), DRV_OK);
	assert_int_equal(strlen(c.name), 45);
}

static void fill_card(struct idcard_card *c)
{
	memset(c, 0, sizeof(*c));
	strcpy(c->name, "欧阳𠮷"); /* a supplementary character: two units */
	strcpy(c->sex, "1");
	strcpy(c->nation, "01");
	strcpy(c->birth, "19800101");
	strcpy(c->address, "四川省成都市武侯区人民南路四段1号");
	strcpy(c->id, "51010719800101001X");
	strcpy(c->authority, "成都市公安局武侯分局");
	strcpy(c->valid_from, "20100101");
	strcpy(c->valid_to, "长期");
}

static void test_encode_round_trip(void **state)
{
	(void)state;
	struct idcard_card c, back;
	uint8_t text[256];
	fill_card(&c);
	assert_int_equal(idcard_text_encode(&c, text), DRV_OK);
	/* the name as UTF-16LE, then spaces */
	static const uint8_t name[] = {0x27, 0x6B, 0x33, 0x96, 0x42, 0xD8, 0xB7, 0xDF, 0x20, 0x00};
	assert_memory_equal(text, name, sizeof(name));
	assert_memory_equal(text + 30, "1\0", 2);
	assert_memory_equal(text + 204, "\x7F\x95\x1F\x67 \0 \0", 8);
	for (size_t i = 220; i < 256; i += 2) {
		assert_int_equal(text[i], 0x20);
		assert_int_equal(text[i + 1], 0);
	}
	assert_int_equal(idcard_text_decode(text, 256, &back), DRV_OK);
	assert_memory_equal(&back, &c, sizeof(c));
	idcard_card_wipe(&back);
}

static void test_encode_refusals(void **state)
{
	(void)state;
	static const struct {
		size_t member, cap;
		const char *value;
	} bad[] = {
#define AT(m) offsetof(struct idcard_card, m), sizeof(((struct idcard_card *)0)->m)
	    {AT(name), "一二三四五六七八九十一二三四五六"}, /* 16 units > 15 */
	    {AT(name), "一二三四五六七八九十一二三四𠮷"},   /* 14 + a pair = 16 */
	    {AT(name), "\xC0\x80"},			    /* overlong NUL */
	    {AT(name), "\x80"},				    /* lone continuation */
	    {AT(name), "\xED\xA0\x80"},			    /* a surrogate in UTF-8 */
	    {AT(name), "\xE4\xB8"},			    /* truncated */
	    {AT(name), "\xF4\x90\x80\x80"},		    /* above U+10FFFF */
	    {AT(name), "\xF8\x88\x80\x80\x80"},		    /* 5-byte form */
	    {AT(address), "a\tb"},			    /* a control character */
	    {AT(authority), "\xEF\xBF\xBF"},		    /* U+FFFF */
#undef AT
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct idcard_card c;
		uint8_t text[256];
		fill_card(&c);
		memset((char *)&c + bad[i].member, 0, bad[i].cap);
		strcpy((char *)&c + bad[i].member, bad[i].value);
		memset(text, 0x5A, sizeof(text));
		assert_int_equal(idcard_text_encode(&c, text), DRV_EINVAL);
		for (size_t k = 0; k < sizeof(text); k++)
			assert_int_equal(text[k], 0x5A); /* untouched */
	}
	/* a member without its NUL */
	struct idcard_card c;
	uint8_t text[256];
	fill_card(&c);
	memset(c.sex, '1', sizeof(c.sex));
	assert_int_equal(idcard_text_encode(&c, text), DRV_EINVAL);
	assert_int_equal(idcard_text_encode(NULL, text), DRV_EINVAL);
	/* exactly the width fits */
	fill_card(&c);
	strcpy(c.name, "一二三四五六七八九十一二三四五");
	assert_int_equal(idcard_text_encode(&c, text), DRV_OK);
	assert_int_equal(text[28], 0x94); /* 五 U+4E94, no room for padding */
	assert_int_equal(text[29], 0x4E);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_field_decoding),  cmocka_unit_test(test_field_caps),
	    cmocka_unit_test(test_block_rules),	    cmocka_unit_test(test_encode_round_trip),
	    cmocka_unit_test(test_encode_refusals),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
