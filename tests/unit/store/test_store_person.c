/* Persons: the record, its outbox and audit rows land and roll back
 * together; de-duplication by document and by key; proxies; shape checks;
 * nothing personal in the audit log. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "store_repo_test.h"

static const char NAME[] = "张伟";
static const char PHONE[] = "13912345678";
static const char ADDRESS[] = "北京市朝阳区建国路88号";

static void test_add_get_round_trip(void **state)
{
	struct repo_fx *f = *state;
	struct person p, got;
	repo_person(&p, NAME, "19850312", "031", PHONE, ADDRESS);
	assert_string_equal(p.id, "");

	repo_add_person(f->st, &p);
	assert_int_equal(store_id_check(p.id), VB_OK);
	assert_int_equal(repo_total(f->st, "person"), 1);
	assert_int_equal(repo_outbox_rows(f->st, "patient", p.id), 1);
	assert_int_equal(repo_audit_rows(f->st, "person.add", p.id), 1);
	assert_int_equal(repo_count(f->st,
				    "SELECT count(*) FROM person WHERE bus_id = '%s'"
				    " AND site_id = 'SITE-A' AND birth = '1985-03-12'",
				    REPO_BUS),
			 1);

	assert_int_equal(store_person_get(f->st, p.id, &got), VB_OK);
	assert_string_equal(got.id, p.id);
	assert_int_equal(got.doc.type, p.doc.type);
	assert_string_equal(got.doc.number, p.doc.number);
	assert_int_equal(got.doc.birth, p.doc.birth);
	assert_int_equal(got.doc.sex, p.doc.sex);
	assert_string_equal(got.name, NAME);
	assert_int_equal(got.sex, p.sex);
	assert_int_equal(got.birth, p.birth);
	assert_string_equal(got.nation, "01");
	assert_string_equal(got.address, ADDRESS);
	assert_string_equal(got.phone, PHONE);
	assert_int_equal(got.source, PERSON_SOURCE_CARD);
	assert_string_equal(got.registered_by, "");
	assert_string_equal(got.relationship, "");

	memset(&got, 0x5a, sizeof(got));
	struct person before = got;
	assert_int_equal(store_person_get(f->st, "01890a5d-ac96-774b-bcce-b302099a8057", &got),
			 VB_ENOTFOUND);
	assert_memory_equal(&got, &before, sizeof(got)); /* untouched */
}

static void test_rollback_takes_all_three(void **state)
{
	struct repo_fx *f = *state;
	struct person p;
	repo_person(&p, NAME, "19850312", "031", PHONE, ADDRESS);
	int64_t audit_before = repo_total(f->st, "audit");

	assert_int_equal(store_begin(f->st), VB_OK);
	assert_int_equal(store_person_add(f->st, &p, "kiosk", 1622505600), VB_OK);
	assert_int_equal(repo_total(f->st, "person"), 1);
	assert_int_equal(repo_total(f->st, "outbox"), 1);
	assert_int_equal(store_rollback(f->st), VB_OK);

	assert_int_equal(repo_total(f->st, "person"), 0);
	assert_int_equal(repo_total(f->st, "outbox"), 0);
	assert_int_equal(repo_total(f->st, "audit"), audit_before);
	struct person got;
	assert_int_equal(store_person_find_doc(f->st, p.doc.type, p.doc.number, &got),
			 VB_ENOTFOUND);
	int64_t seq = -1;
	uint8_t hash[32];
	assert_int_equal(store_audit_head(f->st, &seq, hash), VB_OK);
	assert_int_equal(seq, audit_before);
}

static void test_needs_transaction(void **state)
{
	struct repo_fx *f = *state;
	struct person p;
	repo_person(&p, NAME, "19850312", "031", PHONE, ADDRESS);
	assert_int_equal(store_person_add(f->st, &p, "kiosk", 1622505600), VB_ESTATE);
	assert_string_equal(p.id, "");
	assert_int_equal(repo_total(f->st, "person"), 0);
}

static void test_same_document_twice(void **state)
{
	struct repo_fx *f = *state;
	struct person a, b, got;
	repo_person(&a, NAME, "19850312", "031", PHONE, ADDRESS);
	repo_add_person(f->st, &a);

	/* Another name, same card: refused, nothing written, and the caller's
	 * transaction goes on (find the existing person instead). */
	repo_person(&b, "李娜", "19850312", "031", "", "");
	assert_int_equal(store_begin(f->st), VB_OK);
	int64_t audit_before = repo_total(f->st, "audit");
	assert_int_equal(store_person_add(f->st, &b, "kiosk", 1622505600), VB_EEXIST);
	assert_string_equal(b.id, "");
	assert_int_equal(repo_total(f->st, "audit"), audit_before);
	assert_int_equal(store_person_find_doc(f->st, b.doc.type, b.doc.number, &got), VB_OK);
	assert_string_equal(got.id, a.id);
	assert_string_equal(got.name, NAME);
	assert_int_equal(store_commit(f->st), VB_OK);
	assert_int_equal(repo_total(f->st, "person"), 1);
	assert_int_equal(repo_total(f->st, "outbox"), 1);
}

/* The de-duplication key: the same holder with a renewed permit or a
 * passport read with and without its issuing state. */
static void test_dedup_key(void **state)
{
	struct repo_fx *f = *state;
	static const struct {
		enum iddoc_type type;
		const char *first, *country, *second, *second_country;
	} cases[] = {
	    {IDDOC_TW_PERMIT, "12345678", "", "1234567801B", ""},
	    {IDDOC_HK_MO_PERMIT, "H12345678", "", "H1234567801", ""},
	    {IDDOC_PASSPORT, "E12345678", "CHN", "E12345678", ""},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct person a, b, got;
		repo_person(&a, NAME, "19850312", "031", "", "");
		a.doc.type = cases[i].type;
		snprintf(a.doc.number, sizeof(a.doc.number), "%s", cases[i].first);
		snprintf(a.doc.country, sizeof(a.doc.country), "%s", cases[i].country);
		a.doc.birth = VBDATE_NONE;
		a.doc.sex = 0;
		repo_add_person(f->st, &a);

		b = a;
		b.id[0] = '\0';
		snprintf(b.doc.number, sizeof(b.doc.number), "%s", cases[i].second);
		snprintf(b.doc.country, sizeof(b.doc.country), "%s", cases[i].second_country);
		assert_int_equal(store_begin(f->st), VB_OK);
		assert_int_equal(store_person_add(f->st, &b, "kiosk", 1622505600), VB_EEXIST);
		assert_int_equal(store_rollback(f->st), VB_OK);

		/* Either number finds the one person. */
		assert_int_equal(store_person_find_doc(f->st, cases[i].type, cases[i].second, &got),
				 VB_OK);
		assert_string_equal(got.id, a.id);
		assert_int_equal(got.doc.birth, VBDATE_NONE);
		assert_int_equal(store_person_find_doc(f->st, cases[i].type, cases[i].first, &got),
				 VB_OK);
		assert_string_equal(got.id, a.id);
		assert_string_equal(got.doc.country, cases[i].country);
	}
	assert_int_equal(repo_total(f->st, "person"), 3);

	/* Same number, another type: another document. */
	struct person got;
	assert_int_equal(store_person_find_doc(f->st, IDDOC_PASSPORT, "12345678", &got),
			 VB_ENOTFOUND);
	assert_int_equal(store_person_find_doc(f->st, (enum iddoc_type)99, "12345678", &got),
			 VB_EINVAL);
	assert_int_equal(store_person_find_doc(f->st, IDDOC_PASSPORT, "", &got), VB_EINVAL);
}

static void test_proxy(void **state)
{
	struct repo_fx *f = *state;
	struct person parent, child, got;
	repo_person(&parent, NAME, "19600101", "011", PHONE, ADDRESS);
	repo_add_person(f->st, &parent);

	/* An unknown proxy is a foreign-key violation: nothing written. */
	repo_person(&child, "张小明", "20150601", "022", "", ADDRESS);
	snprintf(child.registered_by, sizeof(child.registered_by),
		 "01890a5d-ac96-774b-bcce-b302099a8057");
	snprintf(child.relationship, sizeof(child.relationship), "child");
	assert_int_equal(store_begin(f->st), VB_OK);
	assert_int_equal(store_person_add(f->st, &child, "kiosk", 1622505600), VB_EINVAL);
	assert_int_equal(repo_total(f->st, "person"), 1);
	assert_int_equal(store_rollback(f->st), VB_OK);

	snprintf(child.registered_by, sizeof(child.registered_by), "%s", parent.id);
	repo_add_person(f->st, &child);
	assert_int_equal(store_person_get(f->st, child.id, &got), VB_OK);
	assert_string_equal(got.registered_by, parent.id);
	assert_string_equal(got.relationship, "child");
	assert_int_equal(repo_count(f->st,
				    "SELECT count(*) FROM audit WHERE record_id = '%s'"
				    " AND detail LIKE '%%relationship=child%%'",
				    child.id),
			 1);
}

static void test_malformed_refused(void **state)
{
	struct repo_fx *f = *state;
	enum {
		BAD_TYPE,
		BAD_SEX,
		NO_NAME,
		BAD_NAME,
		NO_BIRTH,
		BAD_SOURCE,
		NO_NUMBER,
		REL_NO_PROXY,
		PROXY_NO_REL,
		PROXY_SELF,
		PROXY_NOT_ID,
		N_CASES
	};
	for (int c = 0; c < N_CASES; c++) {
		struct person p;
		repo_person(&p, NAME, "19850312", "031", PHONE, ADDRESS);
		switch (c) {
		case BAD_TYPE:
			p.doc.type = (enum iddoc_type)42;
			break;
		case BAD_SEX:
			p.sex = 3;
			break;
		case NO_NAME:
			p.name[0] = '\0';
			break;
		case BAD_NAME:
			p.name[0] = '\x01';
			break;
		case NO_BIRTH:
			p.birth = VBDATE_NONE;
			break;
		case BAD_SOURCE:
			p.source = (enum person_source)0;
			break;
		case NO_NUMBER:
			p.doc.number[0] = '\0';
			break;
		case REL_NO_PROXY:
			snprintf(p.relationship, sizeof(p.relationship), "child");
			break;
		case PROXY_NO_REL:
			snprintf(p.registered_by, sizeof(p.registered_by),
				 "01890a5d-ac96-774b-bcce-b302099a8057");
			break;
		case PROXY_SELF:
			snprintf(p.registered_by, sizeof(p.registered_by),
				 "01890a5d-ac96-774b-bcce-b302099a8057");
			snprintf(p.relationship, sizeof(p.relationship), "self");
			break;
		case PROXY_NOT_ID:
			snprintf(p.registered_by, sizeof(p.registered_by), "not-an-id");
			snprintf(p.relationship, sizeof(p.relationship), "child");
			break;
		}
		assert_int_equal(store_begin(f->st), VB_OK);
		assert_int_equal(store_person_add(f->st, &p, "kiosk", 1622505600), VB_EINVAL);
		assert_string_equal(p.id, "");
		assert_int_equal(repo_total(f->st, "person"), 0);
		assert_int_equal(repo_total(f->st, "outbox"), 0);
		assert_int_equal(store_rollback(f->st), VB_OK);
	}
	/* A bad actor is refused too. */
	struct person p;
	repo_person(&p, NAME, "19850312", "031", PHONE, ADDRESS);
	assert_int_equal(store_begin(f->st), VB_OK);
	assert_int_equal(store_person_add(f->st, &p, "staff 7", 1622505600), VB_EINVAL);
	assert_int_equal(store_rollback(f->st), VB_OK);
}

static void test_needs_identity(void **state)
{
	(void)state;
	struct repo_fx *f = repo_open(0);
	struct person p;
	repo_person(&p, NAME, "19850312", "031", PHONE, ADDRESS);
	assert_int_equal(store_begin(f->st), VB_OK);
	assert_int_equal(store_person_add(f->st, &p, "kiosk", 1622505600), VB_EINVAL);
	assert_non_null(strstr(store_errmsg(f->st), "bus_id"));
	assert_int_equal(store_rollback(f->st), VB_OK);
	void *s = f;
	repo_teardown(&s);
}

static void test_no_personal_data_in_audit(void **state)
{
	struct repo_fx *f = *state;
	struct person a, b;
	repo_person(&a, NAME, "19850312", "031", PHONE, ADDRESS);
	repo_person(&b, "王芳", "19920704", "042", "13800001111", "河北省保定市");
	repo_add_person(f->st, &a);
	snprintf(b.registered_by, sizeof(b.registered_by), "%s", a.id);
	snprintf(b.relationship, sizeof(b.relationship), "spouse");
	repo_add_person(f->st, &b);
	const char *const secrets[] = {NAME,	   PHONE,	  ADDRESS,	  a.doc.number,
				       "王芳",	   "13800001111", "河北省保定市", b.doc.number,
				       "19850312", "1985-03-12"};
	repo_assert_audit_clean(f->st, secrets, sizeof(secrets) / sizeof(secrets[0]));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_add_get_round_trip, repo_setup, repo_teardown),
	    cmocka_unit_test_setup_teardown(test_rollback_takes_all_three, repo_setup,
					    repo_teardown),
	    cmocka_unit_test_setup_teardown(test_needs_transaction, repo_setup, repo_teardown),
	    cmocka_unit_test_setup_teardown(test_same_document_twice, repo_setup, repo_teardown),
	    cmocka_unit_test_setup_teardown(test_dedup_key, repo_setup, repo_teardown),
	    cmocka_unit_test_setup_teardown(test_proxy, repo_setup, repo_teardown),
	    cmocka_unit_test_setup_teardown(test_malformed_refused, repo_setup, repo_teardown),
	    cmocka_unit_test(test_needs_identity),
	    cmocka_unit_test_setup_teardown(test_no_personal_data_in_audit, repo_setup,
					    repo_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
