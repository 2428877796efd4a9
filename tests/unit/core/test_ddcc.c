/*
 * ddcc_check: a complete record passes; every refusal, one mutation at a
 * time, gives its code and a text naming the field and never the person's
 * data; boundaries (80 characters, the issue day + 1, the UVCI forms);
 * ddcc_check_url on its own.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "ddcc.h"
#include "vb_error.h"
#include "vbdate.h"

static int32_t day(const char *s)
{
	int32_t d = 0;
	assert_int_equal(vbdate_parse(s, &d), VB_OK);
	return d;
}

#define SET(field, value) snprintf((field), sizeof(field), "%s", (value))

static void dose(struct ddcc_dose *d, const char *date, int n, int of)
{
	memset(d, 0, sizeof(*d));
	SET(d->vaccine_code, "J07BX03");
	SET(d->brand, "BBIBP-CorV");
	SET(d->holder, "ORG-100020693");
	SET(d->cvx, "510");
	SET(d->product_name, "COVID-19 Vaccine (Vero Cell), Inactivated");
	SET(d->maker_name, "Beijing Institute of Biological Products");
	SET(d->lot, "202104A017");
	d->date = day(date);
	d->dose_number = n;
	d->series_doses = of;
	SET(d->country, "CN");
	SET(d->centre, "Vaxbus 1, \xe6\x9d\x8e\xe5\xae\xb6\xe6\x9d\x91");
	SET(d->performer, "Example County CDC");
}

/* Two doses of a two-dose series, issued the day of the second. */
static void valid(struct ddcc_record *r)
{
	memset(r, 0, sizeof(*r));
	SET(r->family, "\xe5\xbc\xa0");		   /* 张 */
	SET(r->given, "\xe5\xbb\xba\xe5\x9b\xbd"); /* 建国 */
	SET(r->family_icao, "ZHANG");
	SET(r->given_icao, "JIAN<GUO");
	r->birth = day("1980-05-01");
	SET(r->identifier, "110101********123X");
	dose(&r->doses[0], "2021-04-01", 1, 2);
	dose(&r->doses[1], "2021-05-01", 2, 2);
	r->n_doses = 2;
	SET(r->disease, "840539006");
	r->next_dose = VBDATE_NONE;
	SET(r->certificate_id, "URN:UVCI:01:CN:VB1/2021/000123#K");
	SET(r->issuer, "Example County CDC");
	SET(r->issuer_country, "CN");
	SET(r->issuer_url, "https://vaxbus.example.cn/issuer");
	r->issued_at = vbdate_to_unix(day("2021-05-01")) + 8 * 3600;
	r->expires_at = r->issued_at + 365 * 86400;
}

/* ---- mutations, one refusal each */

#define MUT(name, body)                                                                            \
	static void name(struct ddcc_record *r)                                                    \
	{                                                                                          \
		body;                                                                              \
	}

static void fill(char *buf, size_t cap, char c, size_t n)
{
	assert_true(n < cap);
	memset(buf, c, n);
	buf[n] = '\0';
}

MUT(family_empty, r->family[0] = '\0')
MUT(given_empty, r->given[0] = '\0')
MUT(family_long, fill(r->family, sizeof(r->family), 'A', 81))
MUT(given_long, fill(r->given, sizeof(r->given), 'B', 81))
MUT(family_unterminated, memset(r->family, 'A', sizeof(r->family)))
MUT(family_truncated_utf8, SET(r->family, "\xe5\xbc"))
MUT(family_overlong_utf8, SET(r->family, "\xc0\xaf"))
MUT(family_surrogate, SET(r->family, "\xed\xa0\x80"))
MUT(family_control, SET(r->family, "ZH\tANG"))
MUT(family_c1_control, SET(r->family, "\xc2\x85"))
MUT(given_bad_byte, SET(r->given, "\xff"))
MUT(ficao_empty, r->family_icao[0] = '\0')
MUT(ficao_lower, SET(r->family_icao, "Zhang"))
MUT(gicao_space, SET(r->given_icao, "JIAN GUO"))
MUT(gicao_hyphen, SET(r->given_icao, "JIAN-GUO"))
MUT(gicao_digit, SET(r->given_icao, "JIAN2"))
MUT(ficao_long, fill(r->family_icao, sizeof(r->family_icao), 'Z', 81))
MUT(identifier_unterminated, memset(r->identifier, '1', sizeof(r->identifier)))
MUT(birth_none, r->birth = VBDATE_NONE)
MUT(birth_1899, r->birth = day("1899-12-31"))
MUT(no_doses, r->n_doses = 0)
MUT(five_doses, r->n_doses = 5)
MUT(dose2_no_date, r->doses[1].date = VBDATE_NONE)
MUT(dose1_before_birth, r->birth = day("2021-04-15"))
MUT(dose2_before_dose1, r->doses[1].date = day("2021-03-31"))
MUT(dose2_after_issue, r->doses[1].date = day("2021-05-03"))
MUT(dose1_number_zero, r->doses[0].dose_number = 0)
MUT(dose2_number_over, r->doses[1].dose_number = 3)
MUT(dose1_series_zero, r->doses[0].series_doses = 0)
MUT(dose1_number_negative, r->doses[0].dose_number = -1)
MUT(dose1_vp_empty, r->doses[0].vaccine_code[0] = '\0')
MUT(dose2_mp_empty, r->doses[1].brand[0] = '\0')
MUT(dose1_ma_empty, r->doses[0].holder[0] = '\0')
MUT(dose1_lot_unterminated, memset(r->doses[0].lot, 'L', sizeof(r->doses[0].lot)))
MUT(dose2_centre_bad_utf8, SET(r->doses[1].centre, "Vaxbus \xe6"))
MUT(dose1_country_lower, SET(r->doses[0].country, "cn"))
MUT(dose2_country_short, SET(r->doses[1].country, "C"))
MUT(disease_empty, r->disease[0] = '\0')
MUT(next_before_last, r->next_dose = day("2021-04-30"))
MUT(next_year_2100, r->next_dose = day("2100-01-01"))
MUT(uvci_empty, r->certificate_id[0] = '\0')
MUT(uvci_version, SET(r->certificate_id, "URN:UVCI:02:CN:VB1/2021/1"))
MUT(uvci_lower_prefix, SET(r->certificate_id, "urn:uvci:01:CN:VB1/2021/1"))
MUT(uvci_no_id, SET(r->certificate_id, "URN:UVCI:01:CN:"))
MUT(uvci_lower_country, SET(r->certificate_id, "URN:UVCI:01:cn:VB1"))
MUT(uvci_no_colon, SET(r->certificate_id, "URN:UVCI:01:CN-VB1"))
MUT(uvci_lower_id, SET(r->certificate_id, "URN:UVCI:01:CN:vb1"))
MUT(uvci_hyphen, SET(r->certificate_id, "URN:UVCI:01:CN:VB-1"))
MUT(uvci_space, SET(r->certificate_id, "URN:UVCI:01:CN:VB 1"))
MUT(uvci_two_hashes, SET(r->certificate_id, "URN:UVCI:01:CN:VB#1#K"))
MUT(uvci_hash_last, SET(r->certificate_id, "URN:UVCI:01:CN:VB1#"))
MUT(uvci_long_checksum, SET(r->certificate_id, "URN:UVCI:01:CN:VB1#KK"))
MUT(uvci_hash_first, SET(r->certificate_id, "URN:UVCI:01:CN:#K"))
MUT(uvci_slash_checksum, SET(r->certificate_id, "URN:UVCI:01:CN:VB1#/"))
MUT(uvci_other_country, SET(r->certificate_id, "URN:UVCI:01:DE:VB1/2021/1"))
MUT(uvci_unterminated, memset(r->certificate_id, 'U', sizeof(r->certificate_id)))
MUT(issuer_empty, r->issuer[0] = '\0')
/* 27 × 3-byte characters = 81 bytes (27 characters). */
static void issuer_81_bytes(struct ddcc_record *r)
{
	for (int i = 0; i < 27; i++)
		memcpy(r->issuer + 3 * i, "\xe5\x8d\xab", 3);
	r->issuer[81] = '\0';
}

MUT(issuer_country_lower, SET(r->issuer_country, "cn"))
MUT(issuer_country_three, memcpy(r->issuer_country, "CHN", 3))
MUT(url_http, SET(r->issuer_url, "http://vaxbus.example.cn"))
MUT(url_trailing_slash, SET(r->issuer_url, "https://vaxbus.example.cn/"))
MUT(url_no_host, SET(r->issuer_url, "https://"))
MUT(url_empty_host, SET(r->issuer_url, "https:///issuer"))
MUT(url_space, SET(r->issuer_url, "https://vaxbus.example.cn/a b"))
MUT(url_query, SET(r->issuer_url, "https://vaxbus.example.cn/?x=1"))
MUT(url_fragment, SET(r->issuer_url, "https://vaxbus.example.cn#x"))
MUT(url_non_ascii, SET(r->issuer_url, "https://\xe6\x8e\xa5\xe7\xa7\x8d.cn"))
MUT(url_empty, r->issuer_url[0] = '\0')
MUT(url_unterminated, memset(r->issuer_url, 'h', sizeof(r->issuer_url)))
MUT(validity_equal, r->expires_at = r->issued_at)
MUT(validity_reversed, r->expires_at = r->issued_at - 1)

static void test_valid(void **state)
{
	(void)state;
	struct ddcc_record r;
	struct vb_reason why = {0};
	valid(&r);
	assert_int_equal(ddcc_check(&r, &why), VB_OK);
	assert_null(why.code);
}

static void test_refusals(void **state)
{
	(void)state;
	static const struct {
		void (*mutate)(struct ddcc_record *);
		const char *code;
		const char *field; /* must appear in the text */
	} cases[] = {
	    {family_empty, "empty", "family name"},
	    {given_empty, "empty", "given name"},
	    {family_long, "bad_length", "family name"},
	    {given_long, "bad_length", "given name"},
	    {family_unterminated, "not_terminated", "family name"},
	    {family_truncated_utf8, "bad_utf8", "family name"},
	    {family_overlong_utf8, "bad_utf8", "family name"},
	    {family_surrogate, "bad_utf8", "family name"},
	    {family_control, "bad_utf8", "family name"},
	    {family_c1_control, "bad_utf8", "family name"},
	    {given_bad_byte, "bad_utf8", "given name"},
	    {ficao_empty, "empty", "transliterated family name"},
	    {ficao_lower, "bad_char", "transliterated family name"},
	    {gicao_space, "bad_char", "transliterated given name"},
	    {gicao_hyphen, "bad_char", "transliterated given name"},
	    {gicao_digit, "bad_char", "transliterated given name"},
	    {ficao_long, "bad_length", "transliterated family name"},
	    {identifier_unterminated, "not_terminated", "identifier"},
	    {birth_none, "bad_date", "birth date"},
	    {birth_1899, "bad_date", "birth date"},
	    {no_doses, "bad_dose_count", "doses"},
	    {five_doses, "bad_dose_count", "doses"},
	    {dose2_no_date, "bad_date", "dose 2"},
	    {dose1_before_birth, "dose_before_birth", "dose 1"},
	    {dose2_before_dose1, "bad_dose_order", "Dose 2"},
	    {dose2_after_issue, "dose_after_issue", "dose 2"},
	    {dose1_number_zero, "bad_dose_number", "dose 1"},
	    {dose2_number_over, "bad_dose_number", "dose 2"},
	    {dose1_series_zero, "bad_dose_number", "dose 1"},
	    {dose1_number_negative, "bad_dose_number", "dose 1"},
	    {dose1_vp_empty, "empty", "vaccine code of dose 1"},
	    {dose2_mp_empty, "empty", "medicinal product of dose 2"},
	    {dose1_ma_empty, "empty", "marketing authorisation holder of dose 1"},
	    {dose1_lot_unterminated, "not_terminated", "lot number of dose 1"},
	    {dose2_centre_bad_utf8, "bad_utf8", "vaccination centre of dose 2"},
	    {dose1_country_lower, "bad_country", "country of dose 1"},
	    {dose2_country_short, "bad_country", "country of dose 2"},
	    {disease_empty, "empty", "disease"},
	    {next_before_last, "bad_next_dose", "next dose"},
	    {next_year_2100, "bad_next_dose", "next dose"},
	    {uvci_empty, "empty", "UVCI"},
	    {uvci_version, "bad_uvci", "UVCI"},
	    {uvci_lower_prefix, "bad_uvci", "UVCI"},
	    {uvci_no_id, "bad_uvci", "UVCI"},
	    {uvci_lower_country, "bad_uvci", "UVCI"},
	    {uvci_no_colon, "bad_uvci", "UVCI"},
	    {uvci_lower_id, "bad_uvci", "UVCI"},
	    {uvci_hyphen, "bad_uvci", "UVCI"},
	    {uvci_space, "bad_uvci", "UVCI"},
	    {uvci_two_hashes, "bad_uvci", "UVCI"},
	    {uvci_hash_last, "bad_uvci", "UVCI"},
	    {uvci_long_checksum, "bad_uvci", "UVCI"},
	    {uvci_hash_first, "bad_uvci", "UVCI"},
	    {uvci_slash_checksum, "bad_uvci", "UVCI"},
	    {uvci_other_country, "uvci_country", "UVCI"},
	    {uvci_unterminated, "not_terminated", "UVCI"},
	    {issuer_empty, "empty", "issuer"},
	    {issuer_81_bytes, "bad_length", "issuer"},
	    {issuer_country_lower, "bad_country", "issuer country"},
	    {issuer_country_three, "bad_country", "issuer country"},
	    {url_http, "bad_url", "issuer URL"},
	    {url_trailing_slash, "bad_url", "issuer URL"},
	    {url_no_host, "bad_url", "issuer URL"},
	    {url_empty_host, "bad_url", "issuer URL"},
	    {url_space, "bad_url", "issuer URL"},
	    {url_query, "bad_url", "issuer URL"},
	    {url_fragment, "bad_url", "issuer URL"},
	    {url_non_ascii, "bad_url", "issuer URL"},
	    {url_empty, "bad_url", "issuer URL"},
	    {url_unterminated, "not_terminated", "issuer URL"},
	    {validity_equal, "bad_validity", "expiry"},
	    {validity_reversed, "bad_validity", "expiry"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ddcc_record r;
		struct vb_reason why = {0};
		valid(&r);
		cases[i].mutate(&r);
		int rc = ddcc_check(&r, &why);
		if (rc != VB_EINVAL || !why.code || strcmp(why.code, cases[i].code) != 0 ||
		    !strstr(why.text, cases[i].field))
			fail_msg("case %zu: rc %d code %s text \"%s\" (want %s, \"%s\")", i, rc,
				 why.code ? why.code : "(null)", why.text, cases[i].code,
				 cases[i].field);
		/* Never the person's data. */
		assert_null(strstr(why.text, "ZHANG"));
		assert_null(strstr(why.text, "JIAN"));
		assert_null(strstr(why.text, "\xe5\xbc\xa0"));
		assert_null(strstr(why.text, "123X"));
	}
	struct vb_reason why = {0};
	assert_int_equal(ddcc_check(NULL, &why), VB_EINVAL);
	assert_int_equal(ddcc_check(NULL, NULL), VB_EINVAL);
}

static void test_boundaries(void **state)
{
	(void)state;
	struct ddcc_record r;
	struct vb_reason why = {0};

	/* 80 characters of names, and 42 CJK characters (126 bytes, 42 chars). */
	valid(&r);
	fill(r.family, sizeof(r.family), 'A', 80);
	fill(r.family_icao, sizeof(r.family_icao), 'A', 80);
	fill(r.given_icao, sizeof(r.given_icao), '<', 80);
	for (int i = 0; i < 42; i++)
		memcpy(r.given + 3 * i, "\xe5\xbb\xba", 3);
	r.given[126] = '\0';
	assert_int_equal(ddcc_check(&r, &why), VB_OK);

	/* An issuer of exactly 80 bytes; a 63-character UVCI (the buffer's
	 * limit, under the DCC's 80); UVCI without checksum, and with ':'. */
	valid(&r);
	fill(r.issuer, sizeof(r.issuer), 'I', 80);
	char uvci[64];
	snprintf(uvci, sizeof(uvci), "URN:UVCI:01:CN:");
	memset(uvci + 15, '7', 48);
	uvci[63] = '\0';
	memcpy(r.certificate_id, uvci, sizeof(uvci));
	assert_int_equal(ddcc_check(&r, &why), VB_OK);
	static const char *const uvcis[] = {"URN:UVCI:01:CN:1", "URN:UVCI:01:CN:VB1:2021:7",
					    "URN:UVCI:01:CN:A/B/C#9"};
	for (size_t i = 0; i < sizeof(uvcis) / sizeof(uvcis[0]); i++) {
		valid(&r);
		SET(r.certificate_id, uvcis[i]);
		assert_int_equal(ddcc_check(&r, &why), VB_OK);
	}

	/* A dose dated the day after the UTC issue day (local time ahead of
	 * UTC) passes; the same day as birth passes; dates in any order of
	 * equal days pass; one dose; four doses; a next dose. */
	valid(&r);
	r.doses[1].date = day("2021-05-02");
	assert_int_equal(ddcc_check(&r, &why), VB_OK);
	valid(&r);
	r.birth = r.doses[0].date;
	r.doses[1].date = r.doses[0].date;
	assert_int_equal(ddcc_check(&r, &why), VB_OK);
	valid(&r);
	r.n_doses = 1;
	r.next_dose = day("2021-04-22");
	assert_int_equal(ddcc_check(&r, &why), VB_OK);
	valid(&r);
	dose(&r.doses[0], "2021-01-01", 1, 3);
	dose(&r.doses[1], "2021-02-01", 2, 3);
	dose(&r.doses[2], "2021-03-01", 3, 3);
	dose(&r.doses[3], "2021-04-30", 1, 1);
	r.n_doses = 4;
	assert_int_equal(ddcc_check(&r, &why), VB_OK);
	/* Optional texts may be empty. */
	valid(&r);
	r.identifier[0] = r.doses[0].cvx[0] = r.doses[0].lot[0] = r.doses[0].centre[0] = '\0';
	r.doses[1].product_name[0] = r.doses[1].maker_name[0] = r.doses[1].performer[0] = '\0';
	assert_int_equal(ddcc_check(&r, &why), VB_OK);
}

static void test_url(void **state)
{
	(void)state;
	struct vb_reason why = {0};
	static const char *const good[] = {"https://spec.smarthealth.cards/examples/issuer",
					   "https://x", "https://vaxbus.example.cn:8443/iss"};
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		assert_int_equal(ddcc_check_url(good[i], &why), VB_OK);
	static const char *const bad[] = {"",	      "https://",    "https://x/", "HTTPS://x",
					  "http://x", "https://x\n", "ftp://x",	   "https://x?y"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		vb_reason_clear(&why);
		assert_int_equal(ddcc_check_url(bad[i], &why), VB_EINVAL);
		assert_string_equal(why.code, "bad_url");
	}
	assert_int_equal(ddcc_check_url(NULL, &why), VB_EINVAL);
	char longurl[300];
	snprintf(longurl, sizeof(longurl), "https://");
	memset(longurl + 8, 'a', 247);
	longurl[255] = '\0';
	assert_int_equal(ddcc_check_url(longurl, &why), VB_OK);
	longurl[255] = 'a';
	longurl[256] = '\0';
	assert_int_equal(ddcc_check_url(longurl, &why), VB_EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_valid),
	    cmocka_unit_test(test_refusals),
	    cmocka_unit_test(test_boundaries),
	    cmocka_unit_test(test_url),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
