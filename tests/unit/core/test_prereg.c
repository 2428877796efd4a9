/*
 * Pre-registration codes: format/parse round trips over document types and
 * names, the documented example, and refusal of every malformed shape
 * (version, field count, percent escapes, bytes, lengths, rule failures).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "person.h"
#include "prereg.h"
#include "vb_error.h"
#include "vbdate.h"

#include "test_ids.h"

static int32_t today;

static int setup(void **state)
{
	(void)state;
	today = day("2021-06-01");
	return 0;
}

static const char example[] =
    "VBREG1|cn-resident|11010519491231002X|%E5%BC%A0%E4%B8%89|2|19491231|13812345678";

static void test_documented_example(void **state)
{
	(void)state;
	struct person p;
	struct vb_reason why = {0};
	int rc = prereg_parse(example, strlen(example), today, &p, &why);
	if (rc)
		fail_msg("%s (%s)", why.code, why.text);
	assert_int_equal(p.doc.type, IDDOC_CN_RESIDENT);
	assert_string_equal(p.doc.number, "11010519491231002X");
	assert_string_equal(p.name, "\xE5\xBC\xA0\xE4\xB8\x89");
	assert_int_equal(p.sex, 2);
	assert_int_equal(p.birth, day("1949-12-31"));
	assert_string_equal(p.phone, "13812345678");
	assert_int_equal(p.source, PERSON_SOURCE_QR);
	assert_string_equal(p.nation, "");
	assert_string_equal(p.address, "");
	assert_string_equal(p.registered_by, "");
	/* formatting it again gives the same text */
	char out[PREREG_MAX + 1];
	assert_int_equal(prereg_format(&p, out, sizeof(out)), VB_OK);
	assert_string_equal(out, example);
	/* lowercase hex is accepted too */
	static const char lower[] =
	    "VBREG1|cn-resident|11010519491231002x|%e5%bc%a0%e4%b8%89|2|19491231|";
	assert_int_equal(prereg_parse(lower, strlen(lower), today, &p, &why), VB_OK);
	assert_string_equal(p.name, "\xE5\xBC\xA0\xE4\xB8\x89");
	assert_string_equal(p.doc.number, "11010519491231002X");
	assert_string_equal(p.phone, "");
}

static void test_round_trip(void **state)
{
	(void)state;
	char id[19], hk[19], fpr[19];
	make18(id, "520102", "19700101", 17);
	make18(hk, "810000", "19991231", 40);
	make18(fpr, "931392", "19880808", 9);
	static const char *const names[] = {
	    "\xE6\x9D\x8E\xE5\x9B\x9B",			    /* 李四 */
	    "\xE6\xAC\xA7\xE9\x98\xB3\xC2\xB7\xE5\xA8\x9C", /* 欧阳·娜 */
	    "Zo\xC3\xAB M\xC3\xBCller",
	    "A|B%C+D&E=F G",
	    "plain-name_1.0~",
	    "\xF0\xA0\x80\x80",
	};
	const struct {
		enum iddoc_type type;
		const char *number, *birth, *phone;
		int sex;
	} docs[] = {
	    {IDDOC_CN_RESIDENT, id, "1970-01-01", "13900001111", 1},
	    {IDDOC_HK_MO_RESIDENCE, hk, "1999-12-31", "+85291234567", 2},
	    {IDDOC_FOREIGN_PR, fpr, "1988-08-08", "", 1},
	    {IDDOC_FOREIGN_PR, "JPN440085061201", "1985-06-12", "+819012345678", 2},
	    {IDDOC_HK_MO_PERMIT, "M1234567801", "2001-02-03", "", 1},
	    {IDDOC_TW_PERMIT, "12345678", "1960-02-29", "+886912345678", 2},
	    {IDDOC_TW_PERMIT, "1234567801B", "1955-05-05", "", 1},
	    {IDDOC_PASSPORT, "E12345678", "2010-10-10", "", 2},
	};
	int n = 0;
	for (size_t d = 0; d < sizeof(docs) / sizeof(docs[0]); d++) {
		for (size_t k = 0; k < sizeof(names) / sizeof(names[0]); k++) {
			struct person p, q;
			char code[PREREG_MAX + 1];
			struct vb_reason why = {0};
			person_init(&p);
			p.doc.type = docs[d].type;
			snprintf(p.doc.number, sizeof(p.doc.number), "%s", docs[d].number);
			snprintf(p.name, sizeof(p.name), "%s", names[k]);
			snprintf(p.phone, sizeof(p.phone), "%s", docs[d].phone);
			p.sex = docs[d].sex;
			p.birth = day(docs[d].birth);
			p.source = PERSON_SOURCE_TYPED;
			if (person_check(&p, today, &why))
				fail_msg("doc %zu: fixture refused: %s", d, why.code);
			assert_int_equal(prereg_format(&p, code, sizeof(code)), VB_OK);
			/* the code is printable ASCII without spaces, and only 7 fields */
			int bars = 0;
			for (const char *c = code; *c; c++) {
				assert_true(*c > 0x20 && *c < 0x7F);
				bars += *c == '|';
			}
			assert_int_equal(bars, 6);
			if (prereg_parse(code, strlen(code), today, &q, &why))
				fail_msg("doc %zu name %zu: %s (%s)", d, k, why.code, why.text);
			assert_int_equal(q.doc.type, p.doc.type);
			assert_string_equal(q.doc.number, p.doc.number);
			assert_string_equal(q.name, p.name);
			assert_int_equal(q.sex, p.sex);
			assert_int_equal(q.birth, p.birth);
			assert_string_equal(q.phone, p.phone);
			assert_int_equal(q.source, PERSON_SOURCE_QR);
			n++;
		}
	}
	assert_int_equal(n, 48);
	/* the longest name fits the 512-byte limit */
	struct person p;
	char code[PREREG_MAX + 1];
	person_init(&p);
	p.doc.type = IDDOC_CN_RESIDENT;
	snprintf(p.doc.number, sizeof(p.doc.number), "%s", id);
	memset(p.name, 0xFF, 127); /* worst case for the encoding, even if invalid */
	p.name[127] = '\0';
	p.sex = 1;
	p.birth = day("1970-01-01");
	snprintf(p.phone, sizeof(p.phone), "+123456789012345");
	assert_int_equal(prereg_format(&p, code, sizeof(code)), VB_OK);
	assert_true(strlen(code) <= PREREG_MAX);
}

static void test_refused(void **state)
{
	(void)state;
	char future[19];
	make18(future, "110105", "20210602", 1);
	char future_code[128];
	snprintf(future_code, sizeof(future_code), "VBREG1|cn-resident|%s|Li|1|20210602|", future);
	char long_name[300];
	int k = snprintf(long_name, sizeof(long_name), "VBREG1|passport|E12345678|");
	for (int i = 0; i < 128; i++)
		long_name[k++] = 'a';
	snprintf(long_name + k, sizeof(long_name) - (size_t)k, "|2|19800101|");
	static const char base[] = "VBREG1|cn-resident|11010519491231002X|Li|2|19491231|";
	const struct {
		const char *text;
		size_t len; /* 0: strlen */
		const char *code;
	} rows[] = {
	    {base, 0, NULL},
	    {"", 0, "empty"},
	    {"VBREG", 0, "bad_version"},
	    {"VBREG1", 0, "bad_fields"},
	    {"VBREG2|cn-resident|11010519491231002X|Li|2|19491231|", 0, "bad_version"},
	    {"VBREG10|cn-resident|11010519491231002X|Li|2|19491231|", 0, "bad_version"},
	    {"VBREG|cn-resident|11010519491231002X|Li|2|19491231|", 0, "bad_version"},
	    {"vbreg1|cn-resident|11010519491231002X|Li|2|19491231|", 0, "not_prereg"},
	    {"HC1:6BFOXN", 0, "not_prereg"},
	    {"shc:/5676290952432060", 0, "not_prereg"},
	    {"VBREG1|cn-resident|11010519491231002X|Li|2|19491231", 0, "bad_fields"},
	    {"VBREG1|cn-resident|11010519491231002X|Li|2|19491231||", 0, "bad_fields"},
	    {"VBREG1|cn-resident|11010519491231002X|Li|2|19491231|13812345678|x", 0, "bad_fields"},
	    {"VBREG1|id-card|11010519491231002X|Li|2|19491231|", 0, "bad_type"},
	    {"VBREG1||11010519491231002X|Li|2|19491231|", 0, "bad_type"},
	    {"VBREG1|cn-resident||Li|2|19491231|", 0, "empty"},
	    {"VBREG1|cn-resident|11010519491231002Y|Li|2|19491231|", 0, "bad_char"},
	    {"VBREG1|cn-resident|110105194912310021|Li|2|19491231|", 0, "check_char"},
	    {"VBREG1|cn-resident|11010519491231002X||2|19491231|", 0, "name_empty"},
	    {"VBREG1|cn-resident|11010519491231002X|L%|2|19491231|", 0, "bad_percent"},
	    {"VBREG1|cn-resident|11010519491231002X|L%4|2|19491231|", 0, "bad_percent"},
	    {"VBREG1|cn-resident|11010519491231002X|L%G1|2|19491231|", 0, "bad_percent"},
	    {"VBREG1|cn-resident|11010519491231002X|L%00i|2|19491231|", 0, "bad_percent"},
	    {"VBREG1|cn-resident|11010519491231002X|L+i|2|19491231|", 0, "bad_percent"},
	    {"VBREG1|cn-resident|11010519491231002X|L(i)|2|19491231|", 0, "bad_percent"},
	    {"VBREG1|cn-resident|11010519491231002X|%C0%80|2|19491231|", 0, "name_bad_char"},
	    {"VBREG1|cn-resident|11010519491231002X|%E5%BC|2|19491231|", 0, "name_bad_char"},
	    {"VBREG1|cn-resident|11010519491231002X|Li%0A|2|19491231|", 0, "name_bad_char"},
	    {"VBREG1|cn-resident|11010519491231002X|Li|F|19491231|", 0, "bad_sex"},
	    {"VBREG1|cn-resident|11010519491231002X|Li|22|19491231|", 0, "bad_sex"},
	    {"VBREG1|cn-resident|11010519491231002X|Li||19491231|", 0, "bad_sex"},
	    {"VBREG1|cn-resident|11010519491231002X|Li|1|19491231|", 0, "sex_mismatch"},
	    {"VBREG1|cn-resident|11010519491231002X|Li|2|1949-12-31|", 0, "bad_birth_date"},
	    {"VBREG1|cn-resident|11010519491231002X|Li|2|194912310|", 0, "bad_birth_date"},
	    {"VBREG1|cn-resident|11010519491231002X|Li|2|19490231|", 0, "bad_birth_date"},
	    {"VBREG1|cn-resident|11010519491231002X|Li|2||", 0, "bad_birth_date"},
	    {"VBREG1|cn-resident|11010519491231002X|Li|2|19491230|", 0, "birth_mismatch"},
	    {"VBREG1|cn-resident|11010519491231002X|Li|2|19491231|1381234567", 0, "bad_phone"},
	    {"VBREG1|cn-resident|11010519491231002X|Li|2|19491231|+1234567890123456789012345", 0,
	     "bad_phone"},
	    {"VBREG1|passport|E12345678|Li|2|20210602|", 0, "future_birth_date"},
	    {"VBREG1|passport|E12345678|Li|2|18900101|", 0, "too_old"},
	    {"VBREG1|cn-resident|11010519491231002X|L i|2|19491231|", 0, "bad_char"},
	    {"VBREG1|cn-resident|11010519491231002X|Li|2|19491231|\n", 0, "bad_char"},
	    {"VBREG1|cn-resident|11010519491231002X|Li|2|19491231|\r", 0, "bad_char"},
	    {"VBREG1|cn-resident|11010519491231002X|L\xC3\xA9|2|19491231|", 0, "bad_char"},
	    {"VBREG1|cn-resident|11010519491231002X|Li|2|19491231|\0", 53, "bad_char"},
	    {future_code, 0, "future_birth_date"},
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		size_t len = rows[i].len ? rows[i].len : strlen(rows[i].text);
		struct person p;
		memset(&p, 0x29, sizeof(p));
		struct person before = p;
		struct vb_reason why = {0};
		int rc = prereg_parse(rows[i].text, len, today, &p, &why);
		if (!rows[i].code) {
			if (rc)
				fail_msg("row %zu: %s (%s)", i, why.code, why.text);
			continue;
		}
		if (rc != VB_EINVAL || !why.code || strcmp(why.code, rows[i].code) != 0)
			fail_msg("row %zu: rc %d code %s (%s), wanted %s", i, rc,
				 why.code ? why.code : "(null)", why.text, rows[i].code);
		assert_memory_equal(&p, &before, sizeof(p));
		assert_null(strstr(why.text, "11010519"));
	}
}

static void test_length_limit(void **state)
{
	(void)state;
	/* 512 bytes is not refused for its length; 513 is. */
	char text[PREREG_MAX + 2];
	size_t n = (size_t)snprintf(text, sizeof(text), "%s", example);
	while (n < PREREG_MAX + 1)
		text[n++] = '1'; /* lengthen the phone */
	text[n] = '\0';
	struct person p;
	struct vb_reason why = {0};
	assert_int_equal(prereg_parse(text, PREREG_MAX + 1, today, &p, &why), VB_EINVAL);
	assert_string_equal(why.code, "too_long");
	assert_int_equal(prereg_parse(text, PREREG_MAX, today, &p, &why), VB_EINVAL);
	assert_string_equal(why.code, "bad_phone");
	assert_int_equal(prereg_parse(text, 100000, today, &p, NULL), VB_EINVAL);
}

static void test_format_errors(void **state)
{
	(void)state;
	struct person p;
	char out[PREREG_MAX + 1];
	assert_int_equal(prereg_parse(example, strlen(example), today, &p, NULL), VB_OK);
	size_t n = strlen(example);
	assert_int_equal(prereg_format(&p, out, n + 1), VB_OK);
	assert_int_equal(prereg_format(&p, out, n), VB_ERANGE);
	assert_string_equal(out, "");
	assert_int_equal(prereg_format(&p, out, 10), VB_ERANGE);
	assert_int_equal(prereg_format(&p, out, 0), VB_ERANGE);

	const struct person good = p;
	p.sex = 0;
	assert_int_equal(prereg_format(&p, out, sizeof(out)), VB_EINVAL);
	assert_string_equal(out, "");
	p = good;
	p.birth = VBDATE_NONE;
	assert_int_equal(prereg_format(&p, out, sizeof(out)), VB_EINVAL);
	p = good;
	p.doc.type = (enum iddoc_type)0;
	assert_int_equal(prereg_format(&p, out, sizeof(out)), VB_EINVAL);
	p = good;
	snprintf(p.doc.number, sizeof(p.doc.number), "1|2");
	assert_int_equal(prereg_format(&p, out, sizeof(out)), VB_EINVAL);
	p = good;
	snprintf(p.phone, sizeof(p.phone), "138 1234");
	assert_int_equal(prereg_format(&p, out, sizeof(out)), VB_EINVAL);
	p = good;
	memset(p.name, 'a', sizeof(p.name));
	assert_int_equal(prereg_format(&p, out, sizeof(out)), VB_EINVAL);
	p = good;
	memset(p.doc.number, '1', sizeof(p.doc.number));
	assert_int_equal(prereg_format(&p, out, sizeof(out)), VB_EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_documented_example),
	    cmocka_unit_test(test_round_trip),
	    cmocka_unit_test(test_refused),
	    cmocka_unit_test(test_length_limit),
	    cmocka_unit_test(test_format_errors),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
