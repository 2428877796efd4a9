/*
 * Machine-readable zones: the ICAO 9303 specimens (TD3 passport, TD1 ID
 * card), zones built here with check digits computed by the test's own
 * 7-3-1 routine, every check digit broken in turn, two-digit year
 * centuries, line separators and malformed input.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "mrz.h"
#include "vb_error.h"
#include "vbdate.h"

static int32_t day(const char *s)
{
	int32_t d = 0;
	assert_int_equal(vbdate_parse(s, &d), VB_OK);
	return d;
}

static int32_t today;

static int setup(void **state)
{
	(void)state;
	today = day("2021-06-01");
	return 0;
}

/* ICAO 9303 part 3 check digit, written independently of mrz.c. */
static char cd(const char *s, size_t n)
{
	static const char order[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
	int sum = 0;
	for (size_t i = 0; i < n; i++) {
		int v = s[i] == '<' ? 0 : (int)(strchr(order, s[i]) - order);
		sum += v * (i % 3 == 0 ? 7 : i % 3 == 1 ? 3 : 1);
	}
	return (char)('0' + sum % 10);
}

/* Replaces the '?' check positions of a TD3 line 2 by the right digits. */
static void fill_td3(char *l2)
{
	if (l2[9] == '?')
		l2[9] = cd(l2, 9);
	if (l2[19] == '?')
		l2[19] = cd(l2 + 13, 6);
	if (l2[27] == '?')
		l2[27] = cd(l2 + 21, 6);
	if (l2[42] == '?')
		l2[42] = cd(l2 + 28, 14);
	if (l2[43] == '?') {
		char c[39];
		memcpy(c, l2, 10);
		memcpy(c + 10, l2 + 13, 7);
		memcpy(c + 17, l2 + 21, 22);
		l2[43] = cd(c, 39);
	}
}

static void fill_td1(char *l1, char *l2)
{
	if (l1[14] == '?')
		l1[14] = cd(l1 + 5, 9);
	if (l2[6] == '?')
		l2[6] = cd(l2, 6);
	if (l2[14] == '?')
		l2[14] = cd(l2 + 8, 6);
	if (l2[29] == '?') {
		char c[50];
		memcpy(c, l1 + 5, 25);
		memcpy(c + 25, l2, 7);
		memcpy(c + 32, l2 + 8, 7);
		memcpy(c + 39, l2 + 18, 11);
		l2[29] = cd(c, 50);
	}
}

static const char spec_l1[] = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<";
static const char spec_l2[] = "L898902C36UTO7408122F1204159ZE184226B<<<<<10";

static void test_specimen_td3(void **state)
{
	(void)state;
	char text[100];
	static const char *const seps[][2] = {
	    {"\n", ""}, {"\r\n", ""}, {"", ""}, {"\n", "\n"}, {"\r\n", "\r\n"},
	};
	assert_int_equal(mrz_check_digit("L898902C3", 9), '6');
	assert_int_equal(mrz_check_digit("740812", 6), '2');
	assert_int_equal(mrz_check_digit("ZE184226B<<<<<", 14), '1');
	assert_int_equal(mrz_check_digit("L8989O2C3", 9), cd("L8989O2C3", 9));
	assert_int_equal(mrz_check_digit("l898902C3", 9), 0);
	for (size_t i = 0; i < sizeof(seps) / sizeof(seps[0]); i++) {
		struct mrz m;
		struct vb_reason why = {0};
		snprintf(text, sizeof(text), "%s%s%s%s", spec_l1, seps[i][0], spec_l2, seps[i][1]);
		int rc = mrz_parse(text, strlen(text), today, &m, &why);
		if (rc)
			fail_msg("separator %zu: %s (%s)", i, why.code, why.text);
		assert_int_equal(m.format, MRZ_TD3);
		assert_string_equal(m.doc_code, "P");
		assert_string_equal(m.issuing_state, "UTO");
		assert_string_equal(m.nationality, "UTO");
		assert_string_equal(m.surname, "ERIKSSON");
		assert_string_equal(m.given_names, "ANNA MARIA");
		assert_string_equal(m.number, "L898902C3");
		assert_string_equal(m.personal_number, "ZE184226B");
		assert_int_equal(m.birth, day("1974-08-12"));
		assert_int_equal(m.expiry, day("2012-04-15"));
		assert_int_equal(m.sex, 2);
	}
}

static void test_specimen_td1(void **state)
{
	(void)state;
	static const char td1[] = "I<UTOD231458907<<<<<<<<<<<<<<<\n"
				  "7408122F1204159UTO<<<<<<<<<<<6\n"
				  "ERIKSSON<<ANNA<MARIA<<<<<<<<<<";
	struct mrz m;
	struct vb_reason why = {0};
	assert_int_equal(mrz_parse(td1, strlen(td1), today, &m, &why), VB_OK);
	assert_int_equal(m.format, MRZ_TD1);
	assert_string_equal(m.doc_code, "I");
	assert_string_equal(m.number, "D23145890");
	assert_string_equal(m.issuing_state, "UTO");
	assert_string_equal(m.nationality, "UTO");
	assert_string_equal(m.surname, "ERIKSSON");
	assert_string_equal(m.given_names, "ANNA MARIA");
	assert_string_equal(m.personal_number, "");
	assert_int_equal(m.birth, day("1974-08-12"));
	assert_int_equal(m.expiry, day("2012-04-15"));
	assert_int_equal(m.sex, 2);

	/* without separators: 90 characters */
	char flat[91];
	snprintf(flat, sizeof(flat), "%.30s%.30s%.30s", td1, td1 + 31, td1 + 62);
	assert_int_equal(mrz_parse(flat, 90, today, &m, &why), VB_OK);
	assert_string_equal(m.number, "D23145890");
}

static void test_td1_long_number(void **state)
{
	(void)state;
	/* A 12-character number: 9 in 5-13, '<' at 14, 3 more + check digit. */
	char l1[31] = "IDCHN123456789<ABC?<<<<<<<<<<<";
	char l2[31] = "900101?M301231?CHN<<<<<<<<<<<?";
	char l3[31] = "ZHANG<<SAN<<<<<<<<<<<<<<<<<<<<";
	l1[18] = cd("123456789ABC", 12);
	fill_td1(l1, l2);
	char text[100];
	snprintf(text, sizeof(text), "%s\n%s\n%s", l1, l2, l3);
	struct mrz m;
	struct vb_reason why = {0};
	int rc = mrz_parse(text, strlen(text), today, &m, &why);
	if (rc)
		fail_msg("%s (%s)", why.code, why.text);
	assert_string_equal(m.doc_code, "ID");
	assert_string_equal(m.number, "123456789ABC");
	assert_string_equal(m.surname, "ZHANG");
	assert_string_equal(m.given_names, "SAN");
	assert_int_equal(m.sex, 1);
	assert_int_equal(m.birth, day("1990-01-01"));
	assert_int_equal(m.expiry, day("2030-12-31"));

	/* the extension's check digit wrong */
	l1[18] = l1[18] == '9' ? '0' : (char)(l1[18] + 1);
	l2[29] = '?';
	fill_td1(l1, l2);
	snprintf(text, sizeof(text), "%s\n%s\n%s", l1, l2, l3);
	assert_int_equal(mrz_parse(text, strlen(text), today, &m, &why), VB_EINVAL);
	assert_string_equal(why.code, "check_document_number");

	/* '<' at 14 and nothing after it */
	char e1[31] = "IDCHN123456789<<<<<<<<<<<<<<<<";
	char e2[31] = "900101?M301231?CHN<<<<<<<<<<<?";
	fill_td1(e1, e2);
	snprintf(text, sizeof(text), "%s\n%s\n%s", e1, e2, l3);
	assert_int_equal(mrz_parse(text, strlen(text), today, &m, &why), VB_EINVAL);
	assert_string_equal(why.code, "check_document_number");
}

struct td3_case {
	const char *l1, *l2; /* l2 with '?' where the right check digit goes */
	int pos;	     /* a position of l2 to overwrite after filling, or -1 */
	char put;
	const char *code; /* NULL: accepted */
	const char *birth, *expiry;
	int sex;
};

static void test_td3_table(void **state)
{
	(void)state;
	static const char l1[] = "P<CHNZHANG<<SAN<<<<<<<<<<<<<<<<<<<<<<<<<<<<<";
	static const struct td3_case cases[] = {
	    /* centuries: today is 2021-06-01 */
	    {l1, "E12345678?CHN210101?M300101?<<<<<<<<<<<<<<<?", -1, 0, NULL, "2021-01-01",
	     "2030-01-01", 1},
	    {l1, "E12345678?CHN210601?F300101?<<<<<<<<<<<<<<<?", -1, 0, NULL, "2021-06-01",
	     "2030-01-01", 2},
	    {l1, "E12345678?CHN210602?F300101?<<<<<<<<<<<<<<<?", -1, 0, NULL, "1921-06-02",
	     "2030-01-01", 2},
	    {l1, "E12345678?CHN991231?<300101?<<<<<<<<<<<<<<<?", -1, 0, NULL, "1999-12-31",
	     "2030-01-01", 0},
	    {l1, "E12345678?CHN000229?X990101?<<<<<<<<<<<<<<<?", -1, 0, NULL, "2000-02-29",
	     "1999-01-01", 0},
	    {l1, "E12345678?CHN500101?M700101?<<<<<<<<<<<<<<<?", -1, 0, NULL, "1950-01-01",
	     "2070-01-01", 1},
	    /* personal number: empty with '<' or '0' check, or filled */
	    {l1, "E12345678?CHN900101?M300101?<<<<<<<<<<<<<<0?", -1, 0, NULL, "1990-01-01",
	     "2030-01-01", 1},
	    {l1, "E12345678?CHN900101?M300101?11010519900101??", -1, 0, NULL, "1990-01-01",
	     "2030-01-01", 1},
	    /* each check digit broken */
	    {l1, "E12345678?CHN900101?M300101?<<<<<<<<<<<<<<<?", 9, 'x', "check_document_number",
	     NULL, NULL, 0},
	    {l1, "E12345678?CHN900101?M300101?<<<<<<<<<<<<<<<?", 19, 'x', "check_birth_date", NULL,
	     NULL, 0},
	    {l1, "E12345678?CHN900101?M300101?<<<<<<<<<<<<<<<?", 27, 'x', "check_expiry_date", NULL,
	     NULL, 0},
	    {l1, "E12345678?CHN900101?M300101?11010519900101??", 42, 'x', "check_personal_number",
	     NULL, NULL, 0},
	    {l1, "E12345678?CHN900101?M300101?<<<<<<<<<<<<<<<?", 42, '5', "check_personal_number",
	     NULL, NULL, 0},
	    {l1, "E12345678?CHN900101?M300101?<<<<<<<<<<<<<<<?", 43, 'x', "check_composite", NULL,
	     NULL, 0},
	    {l1, "E12345678?CHN900101?M300101?<<<<<<<<<<<<<<<?", 9, '<', "check_document_number",
	     NULL, NULL, 0},
	    /* semantics after the checks */
	    {l1, "E12345678?CHN901301?M300101?<<<<<<<<<<<<<<<?", -1, 0, "bad_birth_date", NULL,
	     NULL, 0},
	    {l1, "E12345678?CHN9001<1?M300101?<<<<<<<<<<<<<<<?", -1, 0, "bad_birth_date", NULL,
	     NULL, 0},
	    {l1, "E12345678?CHN010229?M300101?<<<<<<<<<<<<<<<?", -1, 0, "bad_birth_date", NULL,
	     NULL, 0},
	    {l1, "E12345678?CHN900101?M300230?<<<<<<<<<<<<<<<?", -1, 0, "bad_expiry_date", NULL,
	     NULL, 0},
	    {l1, "E12345678?CHN900101?Z300101?<<<<<<<<<<<<<<<?", -1, 0, "bad_sex", NULL, NULL, 0},
	    /* not a passport */
	    {"I<CHNZHANG<<SAN<<<<<<<<<<<<<<<<<<<<<<<<<<<<<",
	     "E12345678?CHN900101?M300101?<<<<<<<<<<<<<<<?", -1, 0, "bad_format", NULL, NULL, 0},
	    {"V<CHNZHANG<<SAN<<<<<<<<<<<<<<<<<<<<<<<<<<<<<",
	     "E12345678?CHN900101?M300101?<<<<<<<<<<<<<<<?", -1, 0, "bad_format", NULL, NULL, 0},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char l2[45], text[100];
		assert_int_equal(strlen(cases[i].l2), 44);
		snprintf(l2, sizeof(l2), "%s", cases[i].l2);
		fill_td3(l2);
		if (cases[i].pos >= 0) {
			char put = cases[i].put;
			if (put == 'x') /* any other digit */
				put = l2[cases[i].pos] == '9' ? '0' : (char)(l2[cases[i].pos] + 1);
			l2[cases[i].pos] = put;
		}
		snprintf(text, sizeof(text), "%s\n%s", cases[i].l1, l2);
		struct mrz m;
		memset(&m, 0x77, sizeof(m));
		struct mrz before = m;
		struct vb_reason why = {0};
		int rc = mrz_parse(text, strlen(text), today, &m, &why);
		if (!cases[i].code) {
			if (rc)
				fail_msg("case %zu: %s (%s)", i, why.code, why.text);
			assert_int_equal(m.birth, day(cases[i].birth));
			assert_int_equal(m.expiry, day(cases[i].expiry));
			assert_int_equal(m.sex, cases[i].sex);
			assert_string_equal(m.number, "E12345678");
			assert_string_equal(m.surname, "ZHANG");
			assert_string_equal(m.given_names, "SAN");
			assert_string_equal(m.issuing_state, "CHN");
			continue;
		}
		if (rc != VB_EINVAL || !why.code || strcmp(why.code, cases[i].code) != 0)
			fail_msg("case %zu: rc %d code %s, wanted %s", i, rc,
				 why.code ? why.code : "(null)", cases[i].code);
		assert_memory_equal(&m, &before, sizeof(m));
		assert_null(strstr(why.text, "E12345678"));
	}
}

static void test_every_char_change_detected(void **state)
{
	(void)state;
	/* Changing one character anywhere in line 2 (except sex and the
	 * nationality, which only the composite-free fields hold) is caught
	 * by a check digit. */
	for (int pos = 0; pos < 44; pos++) {
		if (pos == 20 || (pos >= 10 && pos <= 12))
			continue;
		char l2[45], text[100];
		memcpy(l2, spec_l2, sizeof(l2));
		l2[pos] = l2[pos] == '7' ? '8' : '7';
		snprintf(text, sizeof(text), "%s\n%s", spec_l1, l2);
		struct mrz m;
		struct vb_reason why = {0};
		assert_int_equal(mrz_parse(text, strlen(text), today, &m, &why), VB_EINVAL);
		assert_non_null(why.code);
		assert_int_equal(strncmp(why.code, "check_", 6), 0);
	}
}

static void test_malformed(void **state)
{
	(void)state;
	char text[200];
	static const char *const plain[][2] = {
	    {"", "empty"},
	    {"P<UTO", "bad_length"},
	    {"\n", "bad_length"},
	    {"\n\n", "bad_length"},
	};
	struct mrz m;
	struct vb_reason why = {0};
	for (size_t i = 0; i < sizeof(plain) / sizeof(plain[0]); i++) {
		assert_int_equal(mrz_parse(plain[i][0], strlen(plain[i][0]), today, &m, &why),
				 VB_EINVAL);
		assert_string_equal(why.code, plain[i][1]);
	}
	/* a line one short, one long, lines of different lengths */
	snprintf(text, sizeof(text), "%s\n%.43s", spec_l1, spec_l2);
	assert_int_equal(mrz_parse(text, strlen(text), today, &m, &why), VB_EINVAL);
	assert_string_equal(why.code, "bad_length");
	snprintf(text, sizeof(text), "%s<\n%s<", spec_l1, spec_l2);
	assert_int_equal(mrz_parse(text, strlen(text), today, &m, &why), VB_EINVAL);
	assert_string_equal(why.code, "bad_length");
	snprintf(text, sizeof(text), "%.43s\n%s<", spec_l1, spec_l2);
	assert_int_equal(mrz_parse(text, strlen(text), today, &m, &why), VB_EINVAL);
	assert_string_equal(why.code, "bad_length");
	snprintf(text, sizeof(text), "%s\n\n%s", spec_l1, spec_l2);
	assert_int_equal(mrz_parse(text, strlen(text), today, &m, &why), VB_EINVAL);
	assert_string_equal(why.code, "bad_length");
	/* three lines of 44 */
	snprintf(text, sizeof(text), "%s\n%s\n%s", spec_l1, spec_l2, spec_l1);
	assert_int_equal(mrz_parse(text, strlen(text), today, &m, &why), VB_EINVAL);
	assert_string_equal(why.code, "bad_length");
	/* characters outside the MRZ set */
	static const char *const bad_chars[] = {"p", " ", "\r", "\t", "\x80", "a"};
	for (size_t i = 0; i < sizeof(bad_chars) / sizeof(bad_chars[0]); i++) {
		snprintf(text, sizeof(text), "%s\n%s", spec_l1, spec_l2);
		text[50] = bad_chars[i][0];
		assert_int_equal(mrz_parse(text, strlen(text), today, &m, &why), VB_EINVAL);
		assert_string_equal(why.code, "bad_char");
	}
	/* an embedded NUL counts as a character */
	snprintf(text, sizeof(text), "%s\n%s", spec_l1, spec_l2);
	text[3] = '\0';
	assert_int_equal(mrz_parse(text, 89, today, &m, &why), VB_EINVAL);
	assert_string_equal(why.code, "bad_char");
	/* today out of range */
	snprintf(text, sizeof(text), "%s\n%s", spec_l1, spec_l2);
	assert_int_equal(mrz_parse(text, strlen(text), VBDATE_NONE, &m, &why), VB_EINVAL);
	assert_string_equal(why.code, "bad_today");
	assert_int_equal(mrz_parse(text, strlen(text), INT32_MAX, &m, NULL), VB_EINVAL);
}

static void test_names(void **state)
{
	(void)state;
	static const struct {
		const char *name39, *surname, *given;
	} cases[] = {
	    {"ZHANG<<SAN<FENG", "ZHANG", "SAN FENG"},
	    {"OUYANG<NA<<LI", "OUYANG NA", "LI"},
	    {"MADONNA", "MADONNA", ""},
	    {"<<ONLYGIVEN", "", "ONLYGIVEN"},
	    {"A<<B<<C", "A", "B C"},
	    {"SURNAMEWITHTHIRTYNINECHARACTERSXXXXXXXX", "SURNAMEWITHTHIRTYNINECHARACTERSXXXXXXXX",
	     ""},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char l1[45], l2[45], text[100];
		snprintf(l1, sizeof(l1), "P<CHN%-39s", cases[i].name39);
		for (char *c = l1; *c; c++)
			if (*c == ' ')
				*c = '<';
		snprintf(l2, sizeof(l2), "%s", "E12345678?CHN900101?M300101?<<<<<<<<<<<<<<<?");
		fill_td3(l2);
		snprintf(text, sizeof(text), "%s\n%s", l1, l2);
		struct mrz m;
		struct vb_reason why = {0};
		assert_int_equal(mrz_parse(text, strlen(text), today, &m, &why), VB_OK);
		assert_string_equal(m.surname, cases[i].surname);
		assert_string_equal(m.given_names, cases[i].given);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_specimen_td3),
	    cmocka_unit_test(test_specimen_td1),
	    cmocka_unit_test(test_td1_long_number),
	    cmocka_unit_test(test_td3_table),
	    cmocka_unit_test(test_every_char_change_detected),
	    cmocka_unit_test(test_malformed),
	    cmocka_unit_test(test_names),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
