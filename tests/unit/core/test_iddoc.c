/*
 * Identity documents: CN 18-character numbers computed here from the GB
 * 11643 algorithm (and the standard's published example), residence
 * permits, travel permits, foreign permanent residence cards, passports;
 * normalisation of IME input, refusal codes, masking, type names.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "iddoc.h"
#include "mrz.h"
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

static void expect_ok(enum iddoc_type type, const char *raw, enum iddoc_type want_type,
		      const char *want_number, struct iddoc *doc)
{
	struct vb_reason why = {0};
	int rc = iddoc_validate(type, raw, today, doc, &why);
	if (rc)
		fail_msg("'%s' as %s refused: %s (%s)", raw, iddoc_type_name(type), why.code,
			 why.text);
	assert_int_equal(doc->type, want_type);
	assert_string_equal(doc->number, want_number);
	assert_string_equal(doc->country, "");
}

static void expect_refused(enum iddoc_type type, const char *raw, const char *code)
{
	struct iddoc doc;
	memset(&doc, 0x5A, sizeof(doc));
	struct iddoc before = doc;
	struct vb_reason why = {0};
	int rc = iddoc_validate(type, raw, today, &doc, &why);
	if (rc != VB_EINVAL)
		fail_msg("'%s' as %s accepted, wanted %s", raw, iddoc_type_name(type), code);
	if (!why.code || strcmp(why.code, code) != 0)
		fail_msg("'%s' as %s: got %s (%s), wanted %s", raw, iddoc_type_name(type),
			 why.code ? why.code : "(null)", why.text, code);
	assert_memory_equal(&doc, &before, sizeof(doc)); /* out untouched */
	assert_true(why.text[0] != '\0');
	/* the reason never quotes the number */
	if (strlen(raw) >= 6) {
		char head[7];
		memcpy(head, raw, 6);
		head[6] = '\0';
		assert_null(strstr(why.text, head));
	}
}

static void test_published_example(void **state)
{
	(void)state;
	/* GB 11643-1999's example: Beijing Chaoyang, 1949-12-31, female. */
	struct iddoc doc;
	assert_int_equal(iddoc_cn_check_char("11010519491231002"), 'X');
	assert_int_equal(check_char("11010519491231002"), 'X');
	expect_ok(IDDOC_CN_RESIDENT, "11010519491231002X", IDDOC_CN_RESIDENT, "11010519491231002X",
		  &doc);
	assert_int_equal(doc.birth, day("1949-12-31"));
	assert_int_equal(doc.sex, 2);
	expect_ok(IDDOC_CN_RESIDENT, "11010519491231002x", IDDOC_CN_RESIDENT, "11010519491231002X",
		  &doc);
	expect_refused(IDDOC_CN_RESIDENT, "110105194912310021", "check_char");
}

static void test_generated_valid(void **state)
{
	(void)state;
	static const char *const regions[] = {"110105", "120101", "130102", "150102", "210102",
					      "230102", "310101", "370102", "410102", "460105",
					      "500101", "510104", "540102", "620102", "650102"};
	static const char *const births[] = {"19000101", "19491001", "19600229", "19991231",
					     "20000229", "20080808", "20210531", "20210601"};
	int n = 0;
	for (size_t r = 0; r < sizeof(regions) / sizeof(regions[0]); r++) {
		for (size_t b = 0; b < sizeof(births) / sizeof(births[0]); b++) {
			for (int seq = 0; seq < 1000; seq += 37) {
				char id[19];
				struct iddoc doc;
				make18(id, regions[r], births[b], seq);
				expect_ok(IDDOC_CN_RESIDENT, id, IDDOC_CN_RESIDENT, id, &doc);
				assert_int_equal(doc.birth, day(births[b]));
				assert_int_equal(doc.sex, seq % 2 ? 1 : 2);
				assert_int_equal(iddoc_cn_check_char(id), id[17]);
				n++;
			}
		}
	}
	assert_true(n > 3000);
}

static void test_single_substitution(void **state)
{
	(void)state;
	/* MOD 11-2 catches every single-character substitution. */
	char id[19];
	make18(id, "440305", "19850715", 123);
	for (int pos = 0; pos < 18; pos++) {
		for (const char *c = "0123456789X"; *c; c++) {
			char bad[19];
			memcpy(bad, id, sizeof(bad));
			if (bad[pos] == *c || (pos < 17 && *c == 'X'))
				continue;
			bad[pos] = *c;
			expect_refused(IDDOC_CN_RESIDENT, bad, "check_char");
		}
	}
}

static void test_normalisation(void **state)
{
	(void)state;
	struct iddoc doc;
	static const struct {
		const char *raw;
	} same[] = {
	    {"11010519491231002X"},
	    {"11010519491231002x"},
	    {" 110105 19491231 002X "},
	    {"110105-19491231-002X"},
	    {"\t11010519491231002X\t"},
	    /* full-width digits and x from a Chinese IME */
	    {"\xEF\xBC\x91\xEF\xBC\x91\xEF\xBC\x90\xEF\xBC\x91\xEF\xBC\x90\xEF\xBC\x95"
	     "19491231002\xEF\xBD\x98"},
	    /* full-width X, ideographic space, full-width hyphen */
	    {"110105\xE3\x80\x80"
	     "19491231\xEF\xBC\x8D"
	     "002\xEF\xBC\xB8"},
	};
	for (size_t i = 0; i < sizeof(same) / sizeof(same[0]); i++) {
		expect_ok(IDDOC_CN_RESIDENT, same[i].raw, IDDOC_CN_RESIDENT, "11010519491231002X",
			  &doc);
	}
	expect_ok(IDDOC_HK_MO_PERMIT, "h 1234 5678", IDDOC_HK_MO_PERMIT, "H12345678", &doc);
	expect_ok(IDDOC_PASSPORT,
		  "\xEF\xBD\x85\xEF\xBC\x91\xEF\xBC\x92\xEF\xBC\x93\xEF\xBC\x94"
		  "5678",
		  IDDOC_PASSPORT, "E12345678", &doc);
}

static void test_cn_refused(void **state)
{
	(void)state;
	char future[19], feb30[19], month13[19], old[19], region00[19], region71[19], region16[19],
	    hk811[19], tw831[19];
	make18(future, "110105", "20210602", 11);
	make18(feb30, "110105", "19900230", 11);
	make18(month13, "110105", "19901301", 11);
	make18(old, "110105", "17991231", 11);
	make18(region00, "000105", "19900101", 11);
	make18(region71, "710105", "19900101", 11);
	make18(region16, "160105", "19900101", 11);
	make18(hk811, "811000", "19900101", 11);
	make18(tw831, "830100", "19900101", 11);
	static const char *const plain[][2] = {
	    {"", "empty"},
	    {"   ", "empty"},
	    {"\xE3\x80\x80-", "empty"},
	    {"11010519491231002", "bad_length"},
	    {"11010519491231002X1", "bad_length"},
	    {"110105194912310", "bad_length"},
	    {"1101051949123100X2", "bad_char"},
	    {"11010519491231002Y", "bad_char"},
	    {"11010519491231002A", "bad_char"},
	    {"1101051949123100@X", "bad_char"},
	    {"110105194912310.2X", "bad_char"},
	    {"11010519491231002X\xEF\xBC\x8C", "bad_char"}, /* full-width comma */
	    {"11010519491231002\xC3\x97", "bad_char"},	    /* multiplication sign */
	    {"\xFF\xFE", "bad_char"},
	    {"\xEF\xBC", "bad_char"},
	    {"110105194912310(2)", "bad_char"},
	    {"123456789012345678901234567890123456789012", "bad_length"},
	};
	for (size_t i = 0; i < sizeof(plain) / sizeof(plain[0]); i++)
		expect_refused(IDDOC_CN_RESIDENT, plain[i][0], plain[i][1]);
	expect_refused(IDDOC_CN_RESIDENT, future, "future_birth_date");
	expect_refused(IDDOC_CN_RESIDENT, feb30, "bad_birth_date");
	expect_refused(IDDOC_CN_RESIDENT, month13, "bad_birth_date");
	expect_refused(IDDOC_CN_RESIDENT, old, "bad_birth_date");
	expect_refused(IDDOC_CN_RESIDENT, region00, "bad_region");
	expect_refused(IDDOC_CN_RESIDENT, region71, "bad_region");
	expect_refused(IDDOC_CN_RESIDENT, region16, "bad_region");
	expect_refused(IDDOC_CN_RESIDENT, hk811, "bad_region");
	expect_refused(IDDOC_TW_RESIDENCE, tw831, "bad_region");
	/* born today is fine */
	struct iddoc doc;
	char born_today[19];
	make18(born_today, "110105", "20210601", 2);
	expect_ok(IDDOC_CN_RESIDENT, born_today, IDDOC_CN_RESIDENT, born_today, &doc);
}

static void test_residence_permits(void **state)
{
	(void)state;
	char hk[19], mo[19], tw[19], cn[19], fpr[19];
	struct iddoc doc;
	make18(hk, "810000", "19800101", 13);
	make18(mo, "820000", "19810202", 24);
	make18(tw, "830000", "19820303", 35);
	make18(cn, "350203", "19830404", 46);
	make18(fpr, "911156", "19840505", 57);
	/* given as cn-resident, reported as what they are */
	expect_ok(IDDOC_CN_RESIDENT, hk, IDDOC_HK_MO_RESIDENCE, hk, &doc);
	assert_int_equal(doc.sex, 1);
	assert_int_equal(doc.birth, day("1980-01-01"));
	expect_ok(IDDOC_CN_RESIDENT, mo, IDDOC_HK_MO_RESIDENCE, mo, &doc);
	assert_int_equal(doc.sex, 2);
	expect_ok(IDDOC_CN_RESIDENT, tw, IDDOC_TW_RESIDENCE, tw, &doc);
	expect_ok(IDDOC_HK_MO_RESIDENCE, hk, IDDOC_HK_MO_RESIDENCE, hk, &doc);
	expect_ok(IDDOC_HK_MO_RESIDENCE, mo, IDDOC_HK_MO_RESIDENCE, mo, &doc);
	expect_ok(IDDOC_TW_RESIDENCE, tw, IDDOC_TW_RESIDENCE, tw, &doc);
	/* the other way round is the wrong type */
	expect_refused(IDDOC_HK_MO_RESIDENCE, cn, "wrong_type");
	expect_refused(IDDOC_HK_MO_RESIDENCE, tw, "wrong_type");
	expect_refused(IDDOC_TW_RESIDENCE, hk, "wrong_type");
	expect_refused(IDDOC_TW_RESIDENCE, cn, "wrong_type");
	expect_refused(IDDOC_CN_RESIDENT, fpr, "wrong_type");
	expect_refused(IDDOC_HK_MO_RESIDENCE, fpr, "wrong_type");
	expect_refused(IDDOC_FOREIGN_PR, cn, "wrong_type");
	expect_refused(IDDOC_FOREIGN_PR, hk, "wrong_type");
	expect_refused(IDDOC_HK_MO_RESIDENCE, "81000019800101001", "bad_length");
}

static void test_foreign_pr(void **state)
{
	(void)state;
	struct iddoc doc;
	char a[19], b[19], bad_province[19], future[19];
	/* 9 + province of issue + ISO 3166 numeric nationality + birth + sequence */
	make18(a, "911398", "19901231", 2);
	make18(b, "931840", "20010911", 7);
	make18(bad_province, "999398", "19901231", 2);
	make18(future, "944276", "20300101", 2);
	expect_ok(IDDOC_FOREIGN_PR, a, IDDOC_FOREIGN_PR, a, &doc);
	assert_int_equal(doc.birth, day("1990-12-31"));
	assert_int_equal(doc.sex, 2);
	expect_ok(IDDOC_FOREIGN_PR, b, IDDOC_FOREIGN_PR, b, &doc);
	assert_int_equal(doc.sex, 1);
	expect_refused(IDDOC_FOREIGN_PR, bad_province, "bad_region");
	expect_refused(IDDOC_FOREIGN_PR, future, "future_birth_date");
	/* 2017 cards: 3 letters + 12 digits, shape only */
	expect_ok(IDDOC_FOREIGN_PR, "usa310085061201", IDDOC_FOREIGN_PR, "USA310085061201", &doc);
	assert_int_equal(doc.birth, VBDATE_NONE);
	assert_int_equal(doc.sex, 0);
	static const char *const bad[][2] = {
	    {"US1310085061201", "bad_char"},  {"USA31008506120A", "bad_char"},
	    {"1USA10085061201", "bad_char"},  {"USA3100850612011", "bad_length"},
	    {"USA31008506120", "bad_length"}, {"9113981990123100", "bad_length"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		expect_refused(IDDOC_FOREIGN_PR, bad[i][0], bad[i][1]);
}

static void test_permits(void **state)
{
	(void)state;
	struct iddoc doc;
	static const char *const hk_ok[][2] = {
	    {"H12345678", "H12345678"},
	    {"M87654321", "M87654321"},
	    {"H1234567801", "H1234567801"},
	    {"m 1234 5678 02", "M1234567802"},
	};
	for (size_t i = 0; i < sizeof(hk_ok) / sizeof(hk_ok[0]); i++) {
		expect_ok(IDDOC_HK_MO_PERMIT, hk_ok[i][0], IDDOC_HK_MO_PERMIT, hk_ok[i][1], &doc);
		assert_int_equal(doc.birth, VBDATE_NONE);
		assert_int_equal(doc.sex, 0);
	}
	static const char *const hk_bad[][2] = {
	    {"H1234567", "bad_length"},	     {"H123456789", "bad_length"},
	    {"H123456789012", "bad_length"}, {"X12345678", "bad_char"},
	    {"H1234567A", "bad_char"},	     {"12345678H", "bad_char"},
	    {"HM1234567", "bad_char"},	     {"", "empty"},
	};
	for (size_t i = 0; i < sizeof(hk_bad) / sizeof(hk_bad[0]); i++)
		expect_refused(IDDOC_HK_MO_PERMIT, hk_bad[i][0], hk_bad[i][1]);

	static const char *const tw_ok[][2] = {
	    {"12345678", "12345678"},
	    {"1234567801", "1234567801"},
	    {"1234567801(B)", "1234567801B"},
	    {"1234567801\xEF\xBC\x88"
	     "b\xEF\xBC\x89",
	     "1234567801B"},
	    {"1234567801(3)", "12345678013"},
	    {"1234567801B", "1234567801B"},
	};
	for (size_t i = 0; i < sizeof(tw_ok) / sizeof(tw_ok[0]); i++)
		expect_ok(IDDOC_TW_PERMIT, tw_ok[i][0], IDDOC_TW_PERMIT, tw_ok[i][1], &doc);
	static const char *const tw_bad[][2] = {
	    {"1234567", "bad_length"},	      {"123456789", "bad_length"},
	    {"1234567801(BC)", "bad_length"}, {"12345678(B)", "bad_char"},
	    {"A2345678", "bad_char"},	      {"123456780(B)1", "bad_length"},
	    {"1234567801(B", "bad_length"},   {"123456780B", "bad_char"},
	};
	for (size_t i = 0; i < sizeof(tw_bad) / sizeof(tw_bad[0]); i++)
		expect_refused(IDDOC_TW_PERMIT, tw_bad[i][0], tw_bad[i][1]);
}

static void test_passport(void **state)
{
	(void)state;
	struct iddoc doc;
	static const char *const ok[][2] = {
	    {"E12345678", "E12345678"}, {"ea1234567", "EA1234567"}, {"G1234567", "G1234567"},
	    {"12345", "12345"},		{"K 123-456", "K123456"},
	};
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		expect_ok(IDDOC_PASSPORT, ok[i][0], IDDOC_PASSPORT, ok[i][1], &doc);
		assert_int_equal(doc.birth, VBDATE_NONE);
		assert_int_equal(doc.sex, 0);
	}
	static const char *const bad[][2] = {
	    {"1234", "bad_length"},
	    {"E123456789", "bad_length"},
	    {"E1234(56)", "bad_char"},
	    {"E1234567.", "bad_char"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		expect_refused(IDDOC_PASSPORT, bad[i][0], bad[i][1]);
}

static void test_from_mrz(void **state)
{
	(void)state;
	/* The ICAO 9303 part 4 specimen passport. */
	static const char td3[] = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\n"
				  "L898902C36UTO7408122F1204159ZE184226B<<<<<10";
	static const char td1[] = "I<UTOD231458907<<<<<<<<<<<<<<<\n"
				  "7408122F1204159UTO<<<<<<<<<<<6\n"
				  "ERIKSSON<<ANNA<MARIA<<<<<<<<<<";
	struct mrz m;
	struct iddoc doc;
	struct vb_reason why = {0};
	assert_int_equal(mrz_parse(td3, strlen(td3), today, &m, &why), VB_OK);
	assert_int_equal(iddoc_from_mrz(&m, &doc, &why), VB_OK);
	assert_int_equal(doc.type, IDDOC_PASSPORT);
	assert_string_equal(doc.number, "L898902C3");
	assert_string_equal(doc.country, "UTO");
	assert_int_equal(doc.birth, day("1974-08-12"));
	assert_int_equal(doc.sex, 2);
	assert_int_equal(mrz_parse(td1, strlen(td1), today, &m, &why), VB_OK);
	memset(&doc, 0x33, sizeof(doc));
	struct iddoc before = doc;
	assert_int_equal(iddoc_from_mrz(&m, &doc, &why), VB_EINVAL);
	assert_string_equal(why.code, "wrong_type");
	assert_memory_equal(&doc, &before, sizeof(doc));
}

static void test_mask(void **state)
{
	(void)state;
	static const struct {
		const char *number, *masked;
	} cases[] = {
	    {"11010519491231002X", "1101**********002X"},
	    {"USA310085061201", "USA3*******1201"},
	    {"H1234567801", "H********01"},
	    {"E12345678", "E******78"},
	    {"12345678", "1*****78"},
	    {"12345", "1**45"},
	    {"1234", "****"},
	    {"", ""},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct iddoc doc = {.type = IDDOC_CN_RESIDENT};
		char out[40];
		snprintf(doc.number, sizeof(doc.number), "%s", cases[i].number);
		assert_int_equal(iddoc_mask(&doc, out, sizeof(out)), VB_OK);
		assert_string_equal(out, cases[i].masked);
		size_t n = strlen(cases[i].number);
		assert_int_equal(iddoc_mask(&doc, out, n + 1), VB_OK);
		assert_string_equal(out, cases[i].masked);
		if (n > 0) {
			assert_int_equal(iddoc_mask(&doc, out, n), VB_ERANGE);
			assert_string_equal(out, "");
		}
		assert_int_equal(iddoc_mask(&doc, out, 0), VB_ERANGE);
	}
	struct iddoc full;
	memset(&full, 'A', sizeof(full));
	char out[64];
	assert_int_equal(iddoc_mask(&full, out, sizeof(out)), VB_EINVAL);
}

static void test_type_names(void **state)
{
	(void)state;
	static const struct {
		enum iddoc_type type;
		const char *name;
	} names[] = {
	    {IDDOC_CN_RESIDENT, "cn-resident"},	  {IDDOC_HK_MO_RESIDENCE, "hk-mo-residence"},
	    {IDDOC_TW_RESIDENCE, "tw-residence"}, {IDDOC_HK_MO_PERMIT, "hk-mo-permit"},
	    {IDDOC_TW_PERMIT, "tw-permit"},	  {IDDOC_FOREIGN_PR, "foreign-pr"},
	    {IDDOC_PASSPORT, "passport"},
	};
	assert_int_equal(sizeof(names) / sizeof(names[0]), IDDOC_TYPE_END - IDDOC_TYPE_FIRST);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		enum iddoc_type t = 0;
		assert_string_equal(iddoc_type_name(names[i].type), names[i].name);
		assert_int_equal(iddoc_type_from_name(names[i].name, &t), VB_OK);
		assert_int_equal(t, names[i].type);
	}
	enum iddoc_type t = IDDOC_PASSPORT;
	assert_int_equal(iddoc_type_from_name("Passport", &t), VB_EINVAL);
	assert_int_equal(iddoc_type_from_name("", &t), VB_EINVAL);
	assert_int_equal(iddoc_type_from_name(NULL, &t), VB_EINVAL);
	assert_int_equal(t, IDDOC_PASSPORT);
	assert_null(iddoc_type_name((enum iddoc_type)0));
	assert_null(iddoc_type_name(IDDOC_TYPE_END));

	struct iddoc doc;
	struct vb_reason why = {0};
	assert_int_equal(iddoc_validate((enum iddoc_type)0, "12345", today, &doc, &why), VB_EINVAL);
	assert_string_equal(why.code, "bad_type");
	assert_int_equal(iddoc_validate(IDDOC_PASSPORT, NULL, today, &doc, &why), VB_EINVAL);
	assert_string_equal(why.code, "empty");
	/* why may be NULL */
	assert_int_equal(iddoc_validate(IDDOC_PASSPORT, "1", today, &doc, NULL), VB_EINVAL);
}

static void test_wipe(void **state)
{
	(void)state;
	unsigned char buf[33];
	memset(buf, 0xA5, sizeof(buf));
	iddoc_wipe(buf, sizeof(buf) - 1);
	for (size_t i = 0; i + 1 < sizeof(buf); i++)
		assert_int_equal(buf[i], 0);
	assert_int_equal(buf[32], 0xA5);
	iddoc_wipe(NULL, 10);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_published_example),
	    cmocka_unit_test(test_generated_valid),
	    cmocka_unit_test(test_single_substitution),
	    cmocka_unit_test(test_normalisation),
	    cmocka_unit_test(test_cn_refused),
	    cmocka_unit_test(test_residence_permits),
	    cmocka_unit_test(test_foreign_pr),
	    cmocka_unit_test(test_permits),
	    cmocka_unit_test(test_passport),
	    cmocka_unit_test(test_from_mrz),
	    cmocka_unit_test(test_mask),
	    cmocka_unit_test(test_type_names),
	    cmocka_unit_test(test_wipe),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
