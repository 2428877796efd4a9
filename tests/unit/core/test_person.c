/*
 * Persons: every rule of person_check() (one mutation of a valid person
 * per table row), normalisation in place, the ID-card reader's fields,
 * wiping and de-duplication keys.
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
#include "person.h"
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

/* A valid person: male, born 1985-07-15 in Shenzhen, registered by self. */
static void valid(struct person *p)
{
	person_init(p);
	make18(p->doc.number, "440305", "19850715", 123);
	p->doc.type = IDDOC_CN_RESIDENT;
	snprintf(p->name, sizeof(p->name), "%s", "\xE5\xBC\xA0\xE4\xB8\x89"); /* 张三 */
	p->sex = 1;
	p->birth = day("1985-07-15");
	snprintf(p->nation, sizeof(p->nation), "01");
	snprintf(p->address, sizeof(p->address), "%s",
		 "\xE5\xB9\xBF\xE4\xB8\x9C\xE7\x9C\x81\xE6\xB7\xB1\xE5\x9C\xB3\xE5\xB8\x82");
	snprintf(p->phone, sizeof(p->phone), "13812345678");
	p->source = PERSON_SOURCE_CARD;
}

static void check_ok(struct person *p)
{
	struct vb_reason why = {0};
	int rc = person_check(p, today, &why);
	if (rc)
		fail_msg("refused: %s (%s)", why.code, why.text);
}

static void check_refused(struct person *p, const char *code, const char *row)
{
	struct person before = *p;
	struct vb_reason why = {0};
	int rc = person_check(p, today, &why);
	if (rc != VB_EINVAL || !why.code || strcmp(why.code, code) != 0)
		fail_msg("%s: rc %d code %s (%s), wanted %s", row, rc,
			 why.code ? why.code : "(null)", why.text, code);
	assert_memory_equal(p, &before, sizeof(before)); /* untouched */
	assert_true(why.text[0] != '\0');
	/* the reason never holds personal data */
	if (memchr(p->doc.number, '\0', sizeof(p->doc.number)) && p->doc.number[0])
		assert_null(strstr(why.text, p->doc.number));
	if (memchr(p->name, '\0', sizeof(p->name)) && p->name[0])
		assert_null(strstr(why.text, p->name));
}

/* One mutation per row. */
#define MUT(fn) static void fn(struct person *p)
MUT(m_none)
{
	(void)p;
}
MUT(m_name_empty)
{
	p->name[0] = '\0';
}
MUT(m_name_long)
{
	memset(p->name, 'a', sizeof(p->name));
}
MUT(m_name_127)
{
	memset(p->name, 'a', 127);
	p->name[127] = '\0';
}
MUT(m_name_overlong)
{
	snprintf(p->name, sizeof(p->name), "A\xC0\x80");
}
MUT(m_name_surrogate)
{
	snprintf(p->name, sizeof(p->name), "\xED\xA0\x80");
}
MUT(m_name_lone_cont)
{
	snprintf(p->name, sizeof(p->name), "\x80");
}
MUT(m_name_truncated)
{
	snprintf(p->name, sizeof(p->name), "\xE5\xBC");
}
MUT(m_name_bell)
{
	snprintf(p->name, sizeof(p->name), "Li\x07");
}
MUT(m_name_newline)
{
	snprintf(p->name, sizeof(p->name), "Li\nMing");
}
MUT(m_name_c1)
{
	snprintf(p->name, sizeof(p->name), "Li\xC2\x85");
}
MUT(m_name_del)
{
	snprintf(p->name, sizeof(p->name), "Li\x7f");
}
MUT(m_name_above_max)
{
	snprintf(p->name, sizeof(p->name), "\xF4\x90\x80\x80");
}
MUT(m_name_4byte)
{
	snprintf(p->name, sizeof(p->name), "\xF0\xA0\x80\x80"); /* U+20000, CJK ext. B */
}
MUT(m_name_latin)
{
	snprintf(p->name, sizeof(p->name), "Zo\xC3\xAB M\xC3\xBCller-Smith");
}
MUT(m_sex0)
{
	p->sex = 0;
}
MUT(m_sex3)
{
	p->sex = 3;
}
MUT(m_sex_mismatch)
{
	p->sex = 2;
}
MUT(m_birth_none)
{
	p->birth = VBDATE_NONE;
}
MUT(m_birth_mismatch)
{
	p->birth += 1;
}
MUT(m_doc_bad)
{
	p->doc.number[17] = p->doc.number[17] == '0' ? '1' : '0';
}
MUT(m_doc_unterminated)
{
	memset(p->doc.number, '1', sizeof(p->doc.number));
}
MUT(m_doc_type0)
{
	p->doc.type = (enum iddoc_type)0;
}
MUT(m_country_on_cn)
{
	snprintf(p->doc.country, sizeof(p->doc.country), "CHN");
}
MUT(m_nation_56)
{
	snprintf(p->nation, sizeof(p->nation), "56");
}
MUT(m_nation_97)
{
	snprintf(p->nation, sizeof(p->nation), "97");
}
MUT(m_nation_98)
{
	snprintf(p->nation, sizeof(p->nation), "98");
}
MUT(m_nation_none)
{
	p->nation[0] = '\0';
}
MUT(m_nation_57)
{
	snprintf(p->nation, sizeof(p->nation), "57");
}
MUT(m_nation_00)
{
	snprintf(p->nation, sizeof(p->nation), "00");
}
MUT(m_nation_1)
{
	snprintf(p->nation, sizeof(p->nation), "1");
}
MUT(m_nation_ab)
{
	snprintf(p->nation, sizeof(p->nation), "ab");
}
MUT(m_nation_unterminated)
{
	memset(p->nation, '1', sizeof(p->nation));
}
MUT(m_address_none)
{
	p->address[0] = '\0';
}
MUT(m_address_bad)
{
	snprintf(p->address, sizeof(p->address), "Room 1\xFF");
}
MUT(m_address_tab)
{
	snprintf(p->address, sizeof(p->address), "Room\t1");
}
MUT(m_address_unterminated)
{
	memset(p->address, 'a', sizeof(p->address));
}
MUT(m_phone_none)
{
	p->phone[0] = '\0';
}
MUT(m_phone_spaced)
{
	snprintf(p->phone, sizeof(p->phone), "138 1234-5678");
}
MUT(m_phone_hk)
{
	snprintf(p->phone, sizeof(p->phone), "+852 9123 4567");
}
MUT(m_phone_mo)
{
	snprintf(p->phone, sizeof(p->phone), "+85362123456");
}
MUT(m_phone_tw)
{
	snprintf(p->phone, sizeof(p->phone), "+886912345678");
}
MUT(m_phone_cn_intl)
{
	snprintf(p->phone, sizeof(p->phone), "+8613812345678");
}
MUT(m_phone_15)
{
	snprintf(p->phone, sizeof(p->phone), "+123456789012345");
}
MUT(m_phone_7)
{
	snprintf(p->phone, sizeof(p->phone), "+1234567");
}
MUT(m_phone_10)
{
	snprintf(p->phone, sizeof(p->phone), "1381234567");
}
MUT(m_phone_12)
{
	snprintf(p->phone, sizeof(p->phone), "138123456789");
}
MUT(m_phone_landline)
{
	snprintf(p->phone, sizeof(p->phone), "01012345678");
}
MUT(m_phone_letters)
{
	snprintf(p->phone, sizeof(p->phone), "1381234567a");
}
MUT(m_phone_16)
{
	snprintf(p->phone, sizeof(p->phone), "+1234567890123456");
}
MUT(m_phone_6)
{
	snprintf(p->phone, sizeof(p->phone), "+123456");
}
MUT(m_phone_plus_only)
{
	snprintf(p->phone, sizeof(p->phone), "+");
}
MUT(m_phone_cn_landline_intl)
{
	snprintf(p->phone, sizeof(p->phone), "+86101234567");
}
MUT(m_phone_plus0)
{
	snprintf(p->phone, sizeof(p->phone), "+0123456789");
}
MUT(m_phone_double_plus)
{
	snprintf(p->phone, sizeof(p->phone), "++85291234567");
}
MUT(m_phone_unterminated)
{
	memset(p->phone, '1', sizeof(p->phone));
}
MUT(m_source0)
{
	p->source = (enum person_source)0;
}
MUT(m_source9)
{
	p->source = (enum person_source)9;
}
MUT(m_proxy_ok)
{
	snprintf(p->id, sizeof(p->id), "b9e2a1c4-0000-4000-8000-000000000001");
	snprintf(p->registered_by, sizeof(p->registered_by),
		 "b9e2a1c4-0000-4000-8000-000000000002");
	snprintf(p->relationship, sizeof(p->relationship), "parent");
}
MUT(m_self_rel)
{
	snprintf(p->relationship, sizeof(p->relationship), "self");
}
MUT(m_rel_without_proxy)
{
	snprintf(p->relationship, sizeof(p->relationship), "spouse");
}
MUT(m_proxy_without_rel)
{
	snprintf(p->registered_by, sizeof(p->registered_by), "proxy-1");
}
MUT(m_proxy_bad_rel)
{
	snprintf(p->registered_by, sizeof(p->registered_by), "proxy-1");
	snprintf(p->relationship, sizeof(p->relationship), "cousin");
}
MUT(m_proxy_self_rel)
{
	snprintf(p->registered_by, sizeof(p->registered_by), "proxy-1");
	snprintf(p->relationship, sizeof(p->relationship), "self");
}
MUT(m_own_proxy)
{
	snprintf(p->id, sizeof(p->id), "p-7");
	snprintf(p->registered_by, sizeof(p->registered_by), "p-7");
	snprintf(p->relationship, sizeof(p->relationship), "other");
}
MUT(m_id_space)
{
	snprintf(p->id, sizeof(p->id), "p 7");
}
MUT(m_proxy_id_ctrl)
{
	snprintf(p->registered_by, sizeof(p->registered_by), "p\x01");
	snprintf(p->relationship, sizeof(p->relationship), "child");
}
MUT(m_id_unterminated)
{
	memset(p->id, 'a', sizeof(p->id));
}
MUT(m_rel_unterminated)
{
	memset(p->relationship, 'a', sizeof(p->relationship));
}

static const struct {
	const char *row;
	void (*mutate)(struct person *);
	const char *code; /* NULL: accepted */
} rows[] = {
    {"valid", m_none, NULL},
    {"name empty", m_name_empty, "name_empty"},
    {"name fills the field", m_name_long, "name_too_long"},
    {"name of 127 bytes", m_name_127, NULL},
    {"name overlong UTF-8", m_name_overlong, "name_bad_char"},
    {"name surrogate", m_name_surrogate, "name_bad_char"},
    {"name lone continuation", m_name_lone_cont, "name_bad_char"},
    {"name truncated sequence", m_name_truncated, "name_bad_char"},
    {"name BEL", m_name_bell, "name_bad_char"},
    {"name newline", m_name_newline, "name_bad_char"},
    {"name C1 control", m_name_c1, "name_bad_char"},
    {"name DEL", m_name_del, "name_bad_char"},
    {"name above U+10FFFF", m_name_above_max, "name_bad_char"},
    {"name 4-byte CJK", m_name_4byte, NULL},
    {"name Latin", m_name_latin, NULL},
    {"sex 0", m_sex0, "bad_sex"},
    {"sex 3", m_sex3, "bad_sex"},
    {"sex differs from number", m_sex_mismatch, "sex_mismatch"},
    {"birth missing", m_birth_none, "bad_birth_date"},
    {"birth differs from number", m_birth_mismatch, "birth_mismatch"},
    {"check char wrong", m_doc_bad, "check_char"},
    {"number unterminated", m_doc_unterminated, "bad_length"},
    {"type 0", m_doc_type0, "bad_type"},
    {"country on a resident ID", m_country_on_cn, "bad_country"},
    {"nation 56", m_nation_56, NULL},
    {"nation 97", m_nation_97, NULL},
    {"nation 98", m_nation_98, NULL},
    {"nation none", m_nation_none, NULL},
    {"nation 57", m_nation_57, "bad_nation"},
    {"nation 00", m_nation_00, "bad_nation"},
    {"nation 1", m_nation_1, "bad_nation"},
    {"nation ab", m_nation_ab, "bad_nation"},
    {"nation unterminated", m_nation_unterminated, "bad_nation"},
    {"address none", m_address_none, NULL},
    {"address bad UTF-8", m_address_bad, "bad_address"},
    {"address tab", m_address_tab, "bad_address"},
    {"address unterminated", m_address_unterminated, "bad_address"},
    {"phone none", m_phone_none, NULL},
    {"phone spaced", m_phone_spaced, NULL},
    {"phone Hong Kong", m_phone_hk, NULL},
    {"phone Macao", m_phone_mo, NULL},
    {"phone Taiwan", m_phone_tw, NULL},
    {"phone +86 mobile", m_phone_cn_intl, NULL},
    {"phone + 15 digits", m_phone_15, NULL},
    {"phone + 7 digits", m_phone_7, NULL},
    {"phone 10 digits", m_phone_10, "bad_phone"},
    {"phone 12 digits", m_phone_12, "bad_phone"},
    {"phone landline", m_phone_landline, "bad_phone"},
    {"phone letter", m_phone_letters, "bad_phone"},
    {"phone + 16 digits", m_phone_16, "bad_phone"},
    {"phone + 6 digits", m_phone_6, "bad_phone"},
    {"phone +", m_phone_plus_only, "bad_phone"},
    {"phone +86 landline", m_phone_cn_landline_intl, "bad_phone"},
    {"phone +0", m_phone_plus0, "bad_phone"},
    {"phone ++", m_phone_double_plus, "bad_phone"},
    {"phone unterminated", m_phone_unterminated, "bad_phone"},
    {"source 0", m_source0, "bad_source"},
    {"source 9", m_source9, "bad_source"},
    {"registered by a parent", m_proxy_ok, NULL},
    {"relationship self without proxy", m_self_rel, NULL},
    {"relationship without proxy", m_rel_without_proxy, "proxy_relationship"},
    {"proxy without relationship", m_proxy_without_rel, "proxy_relationship"},
    {"proxy with unknown relationship", m_proxy_bad_rel, "proxy_relationship"},
    {"proxy with relationship self", m_proxy_self_rel, "proxy_relationship"},
    {"own proxy", m_own_proxy, "proxy_self"},
    {"id with a space", m_id_space, "bad_id"},
    {"proxy id with a control", m_proxy_id_ctrl, "bad_id"},
    {"id unterminated", m_id_unterminated, "bad_id"},
    {"relationship unterminated", m_rel_unterminated, "proxy_relationship"},
};

static void test_rules(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct person p;
		valid(&p);
		rows[i].mutate(&p);
		if (rows[i].code)
			check_refused(&p, rows[i].code, rows[i].row);
		else
			check_ok(&p);
	}
}

static void test_birth_limits(void **state)
{
	(void)state;
	static const struct {
		const char *birth;
		const char *code;
	} cases[] = {
	    {"2021-06-01", NULL},      {"2021-06-02", "future_birth_date"},
	    {"1891-06-01", NULL}, /* exactly 130 */
	    {"1891-05-31", "too_old"}, {"1800-01-01", "too_old"},
	};
	/* passports typed on the keypad encode no birth date or sex */
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct person p;
		valid(&p);
		p.doc.type = IDDOC_PASSPORT;
		snprintf(p.doc.number, sizeof(p.doc.number), "E12345678");
		p.source = PERSON_SOURCE_TYPED;
		p.birth = day(cases[i].birth);
		if (cases[i].code)
			check_refused(&p, cases[i].code, cases[i].birth);
		else
			check_ok(&p);
	}
	struct person p;
	valid(&p);
	p.birth = INT32_MAX;
	check_refused(&p, "bad_birth_date", "birth out of range");
	valid(&p);
	struct vb_reason why = {0};
	assert_int_equal(person_check(&p, VBDATE_NONE, &why), VB_EINVAL);
}

static void test_normalises_in_place(void **state)
{
	(void)state;
	struct person p;
	char hk[19];
	valid(&p);
	make18(hk, "810000", "19850715", 123);
	/* full-width digits typed on an IME, with a space */
	char raw[40] = "\xEF\xBC\x98\xEF\xBC\x91";
	snprintf(raw + 6, sizeof(raw) - 6, "0000 %s", hk + 6);
	snprintf(p.doc.number, sizeof(p.doc.number), "%s", raw);
	snprintf(p.phone, sizeof(p.phone), "138-1234-5678");
	check_ok(&p);
	assert_string_equal(p.doc.number, hk);
	assert_int_equal(p.doc.type, IDDOC_HK_MO_RESIDENCE);
	assert_int_equal(p.doc.birth, day("1985-07-15"));
	assert_int_equal(p.doc.sex, 1);
	assert_string_equal(p.phone, "13812345678");
	/* checking again changes nothing */
	struct person again = p;
	check_ok(&again);
	assert_memory_equal(&again, &p, sizeof(p));
}

static void test_passport_sources(void **state)
{
	(void)state;
	static const char td3[] = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\n"
				  "L898902C36UTO7408122F1204159ZE184226B<<<<<10";
	struct mrz m;
	struct person p;
	assert_int_equal(mrz_parse(td3, strlen(td3), today, &m, NULL), VB_OK);
	valid(&p);
	assert_int_equal(iddoc_from_mrz(&m, &p.doc, NULL), VB_OK);
	p.source = PERSON_SOURCE_MRZ;
	p.sex = 2;
	p.birth = day("1974-08-12");
	snprintf(p.name, sizeof(p.name), "ANNA MARIA ERIKSSON");
	check_ok(&p);
	assert_string_equal(p.doc.country, "UTO");
	/* the MRZ's birth date and sex bind the fields */
	p.birth = day("1974-08-13");
	check_refused(&p, "birth_mismatch", "MRZ birth");
	p.birth = day("1974-08-12");
	p.sex = 1;
	check_refused(&p, "sex_mismatch", "MRZ sex");
	/* typed: nothing is encoded, stale values are cleared */
	p.source = PERSON_SOURCE_TYPED;
	check_ok(&p);
	assert_int_equal(p.doc.birth, VBDATE_NONE);
	assert_int_equal(p.doc.sex, 0);
	assert_string_equal(p.doc.country, "UTO");
	snprintf(p.doc.country, sizeof(p.doc.country), "U1");
	check_refused(&p, "bad_country", "country with a digit");
	memset(p.doc.country, 'A', sizeof(p.doc.country));
	check_refused(&p, "bad_country", "country unterminated");
}

static void test_from_card(void **state)
{
	(void)state;
	char id[19], padded[64], fpr[19];
	make18(id, "110105", "19491231", 2);
	snprintf(padded, sizeof(padded), "%s   ", id);
	struct person p;
	struct vb_reason why = {0};
	/* 张三 padded with ASCII and ideographic spaces, as the reader returns it */
	int rc = person_from_card(&p, "\xE5\xBC\xA0\xE4\xB8\x89   \xE3\x80\x80 ", "2 ", "01",
				  "19491231", "  \xE5\x8C\x97\xE4\xBA\xAC  ", padded, today, &why);
	if (rc)
		fail_msg("%s (%s)", why.code, why.text);
	assert_string_equal(p.name, "\xE5\xBC\xA0\xE4\xB8\x89");
	assert_string_equal(p.address, "\xE5\x8C\x97\xE4\xBA\xAC");
	assert_string_equal(p.doc.number, id);
	assert_int_equal(p.doc.type, IDDOC_CN_RESIDENT);
	assert_int_equal(p.sex, 2);
	assert_int_equal(p.birth, day("1949-12-31"));
	assert_string_equal(p.nation, "01");
	assert_int_equal(p.source, PERSON_SOURCE_CARD);
	assert_string_equal(p.id, "");
	assert_string_equal(p.registered_by, "");

	/* foreign permanent residence card on the same reader; sex in Chinese */
	make18(fpr, "911840", "19800229", 5);
	assert_int_equal(person_from_card(&p, "SMITH JOHN", "\xE7\x94\xB7", "", "19800229", "", fpr,
					  today, &why),
			 VB_OK);
	assert_int_equal(p.doc.type, IDDOC_FOREIGN_PR);
	assert_int_equal(p.sex, 1);

	const struct {
		const char *name, *sex, *nation, *birth, *address, *number, *code;
	} bad[] = {
	    {"Li", "1", "01", "19491231", "", id, "sex_mismatch"},
	    {"Li", "2", "01", "19491230", "", id, "birth_mismatch"},
	    {"Li", "3", "01", "19491231", "", id, "bad_sex"},
	    {"Li", "", "01", "19491231", "", id, "bad_sex"},
	    {"Li", "2", "001", "19491231", "", id, "bad_nation"},
	    {"Li", "2", "99", "19491231", "", id, "bad_nation"},
	    {"Li", "2", "01", "1949-12-31", "", id, "bad_birth_date"},
	    {"Li", "2", "01", "", "", id, "bad_birth_date"},
	    {"   ", "2", "01", "19491231", "", id, "name_empty"},
	    {"Li", "2", "01", "19491231", "", "", "empty"},
	    {"Li", "2", "01", "19491231", "", "11010519491231002", "bad_length"},
	    {"Li", "2", "01", "19491231", "", NULL, "empty"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct person q;
		memset(&q, 0x42, sizeof(q));
		struct person before = q;
		assert_int_equal(person_from_card(&q, bad[i].name, bad[i].sex, bad[i].nation,
						  bad[i].birth, bad[i].address, bad[i].number,
						  today, &why),
				 VB_EINVAL);
		if (strcmp(why.code, bad[i].code) != 0)
			fail_msg("card row %zu: %s, wanted %s", i, why.code, bad[i].code);
		assert_memory_equal(&q, &before, sizeof(q));
	}
	/* fields longer than the record holds */
	char long_name[200], long_addr[300], long_id[300];
	memset(long_name, 'a', sizeof(long_name) - 1);
	long_name[sizeof(long_name) - 1] = '\0';
	memset(long_addr, 'a', sizeof(long_addr) - 1);
	long_addr[sizeof(long_addr) - 1] = '\0';
	memset(long_id, '1', sizeof(long_id) - 1);
	long_id[sizeof(long_id) - 1] = '\0';
	assert_int_equal(
	    person_from_card(&p, long_name, "2", "01", "19491231", "", id, today, &why), VB_EINVAL);
	assert_string_equal(why.code, "name_too_long");
	assert_int_equal(
	    person_from_card(&p, "Li", "2", "01", "19491231", long_addr, id, today, &why),
	    VB_EINVAL);
	assert_string_equal(why.code, "bad_address");
	assert_int_equal(
	    person_from_card(&p, "Li", "2", "01", "19491231", "", long_id, today, &why), VB_EINVAL);
	assert_string_equal(why.code, "bad_length");
}

static void test_wipe_and_init(void **state)
{
	(void)state;
	struct person p, zero;
	valid(&p);
	memset(&zero, 0, sizeof(zero));
	person_wipe(&p);
	assert_memory_equal(&p, &zero, sizeof(p));
	person_wipe(NULL);
	person_init(&p);
	assert_int_equal(p.birth, VBDATE_NONE);
	assert_int_equal(p.doc.birth, VBDATE_NONE);
	assert_string_equal(p.name, "");
	assert_string_equal(p.doc.number, "");
}

static void test_dedup_key(void **state)
{
	(void)state;
	static const struct {
		enum iddoc_type type;
		const char *number, *country, *key;
	} cases[] = {
	    {IDDOC_CN_RESIDENT, "11010519491231002X", "", "cn-resident:11010519491231002X"},
	    {IDDOC_HK_MO_RESIDENCE, "810000198001010137", "", "hk-mo-residence:810000198001010137"},
	    {IDDOC_HK_MO_PERMIT, "H12345678", "", "hk-mo-permit:H12345678"},
	    {IDDOC_HK_MO_PERMIT, "H1234567801", "", "hk-mo-permit:H12345678"},
	    {IDDOC_TW_PERMIT, "12345678", "", "tw-permit:12345678"},
	    {IDDOC_TW_PERMIT, "1234567802", "", "tw-permit:12345678"},
	    {IDDOC_TW_PERMIT, "1234567802B", "", "tw-permit:12345678"},
	    {IDDOC_FOREIGN_PR, "USA310085061201", "", "foreign-pr:USA310085061201"},
	    {IDDOC_PASSPORT, "E12345678", "", "passport:E12345678"},
	    {IDDOC_PASSPORT, "E12345678", "CHN", "passport:CHN:E12345678"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct person p;
		person_init(&p);
		p.doc.type = cases[i].type;
		snprintf(p.doc.number, sizeof(p.doc.number), "%s", cases[i].number);
		snprintf(p.doc.country, sizeof(p.doc.country), "%s", cases[i].country);
		char key[64];
		assert_int_equal(person_dedup_key(&p, key, sizeof(key)), VB_OK);
		assert_string_equal(key, cases[i].key);
		size_t n = strlen(cases[i].key);
		assert_int_equal(person_dedup_key(&p, key, n + 1), VB_OK);
		assert_int_equal(person_dedup_key(&p, key, n), VB_ERANGE);
		assert_string_equal(key, "");
		assert_int_equal(person_dedup_key(&p, key, 0), VB_ERANGE);
	}
	struct person p;
	char key[64];
	person_init(&p);
	p.doc.type = IDDOC_CN_RESIDENT;
	assert_int_equal(person_dedup_key(&p, key, sizeof(key)), VB_EINVAL); /* empty number */
	snprintf(p.doc.number, sizeof(p.doc.number), "1");
	p.doc.type = (enum iddoc_type)0;
	assert_int_equal(person_dedup_key(&p, key, sizeof(key)), VB_EINVAL);
	p.doc.type = IDDOC_PASSPORT;
	memset(p.doc.number, 'A', sizeof(p.doc.number));
	assert_int_equal(person_dedup_key(&p, key, sizeof(key)), VB_EINVAL);
}

static void test_relationships(void **state)
{
	(void)state;
	static const char *const ok[] = {"self",       "spouse",   "parent",
					 "child",      "sibling",  "grandparent",
					 "grandchild", "guardian", "other"};
	static const char *const bad[] = {"", "Self", "friend", "parent ", "cousin"};
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		assert_true(person_relationship_valid(ok[i]));
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_false(person_relationship_valid(bad[i]));
	assert_true(person_text_valid(""));
	assert_true(person_text_valid("\xE4\xB8\xAD\xF0\x9F\x98\x80"));
	assert_false(person_text_valid("\xE0\x80\xAF"));     /* overlong '/' */
	assert_false(person_text_valid("\xF0\x80\x80\xAF")); /* overlong '/' */
	assert_false(person_text_valid("\xF5\x80\x80\x80"));
	assert_false(person_text_valid("\xC1\xBF"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_rules),
	    cmocka_unit_test(test_birth_limits),
	    cmocka_unit_test(test_normalises_in_place),
	    cmocka_unit_test(test_passport_sources),
	    cmocka_unit_test(test_from_card),
	    cmocka_unit_test(test_wipe_and_init),
	    cmocka_unit_test(test_dedup_key),
	    cmocka_unit_test(test_relationships),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
