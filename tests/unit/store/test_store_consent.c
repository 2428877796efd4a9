/* Consents: saved with their visit's consent event in the caller's
 * transaction, one per visit, only for a consented visit, the signature
 * kept byte for byte, never changed, audited without personal or health
 * data, and kept across a reopen. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "store_consent.h"
#include "store_repo_test.h"

#define DAY "2021-06-01"

/* A small "PNG": the signature, the 8 magic bytes and some data with a
 * NUL and 0xff in it (the store keeps bytes, it does not decode them). */
static const uint8_t sig[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0xff, 'I', 'D', 1};

struct world {
	struct repo_fx *fx;
	struct person p;
	struct store_visit v; /* consented */
};

static int setup(void **state)
{
	struct world *w = calloc(1, sizeof(*w));
	w->fx = repo_open(1);
	repo_person(&w->p, "王秀英", "19450308", "002", "13800138000", "东闾村");
	repo_add_person(w->fx->st, &w->p);
	repo_add_visit(w->fx->st, w->p.id, DAY, repo_at(DAY, 9, 0), &w->v);
	static const enum visit_event to_consented[] = {VISIT_EV_SCREEN, VISIT_EV_CONSENT};
	repo_walk(w->fx->st, w->v.id, to_consented, 2, repo_at(DAY, 9, 1));
	*state = w;
	return 0;
}

static int teardown(void **state)
{
	struct world *w = *state;
	void *fx = w->fx;
	person_wipe(&w->p);
	free(w);
	return repo_teardown(&fx);
}

static struct store_consent consent_of(const char *visit_id)
{
	struct store_consent c;
	memset(&c, 0, sizeof(c));
	snprintf(c.visit_id, sizeof(c.visit_id), "%s", visit_id);
	snprintf(c.text_key, sizeof(c.text_key), "consent.text_v1");
	snprintf(c.lang, sizeof(c.lang), "zh");
	snprintf(c.ask_staff, sizeof(c.ask_staff), "immunosuppression");
	return c;
}

static int add(struct store *st, struct store_consent *c, const uint8_t *png, size_t n)
{
	assert_int_equal(store_begin(st), VB_OK);
	int rc = store_consent_add(st, c, png, n, "kiosk", repo_at(DAY, 9, 2));
	assert_int_equal(rc ? store_rollback(st) : store_commit(st), VB_OK);
	return rc;
}

static void test_add_and_read_back(void **state)
{
	struct world *w = *state;
	struct store *st = w->fx->st;
	struct store_consent c = consent_of(w->v.id), got;
	uint8_t *png = NULL;
	size_t n = 0;

	assert_int_equal(add(st, &c, sig, sizeof(sig)), VB_OK);
	assert_int_equal(store_id_check(c.id), VB_OK);
	assert_int_equal(c.signed_at, repo_at(DAY, 9, 2));
	assert_int_equal(store_consent_get_visit(st, w->v.id, &got, &png, &n), VB_OK);
	assert_string_equal(got.id, c.id);
	assert_string_equal(got.visit_id, w->v.id);
	assert_string_equal(got.text_key, "consent.text_v1");
	assert_string_equal(got.lang, "zh");
	assert_string_equal(got.ask_staff, "immunosuppression");
	assert_int_equal(got.signed_at, c.signed_at);
	assert_int_equal(n, sizeof(sig));
	assert_memory_equal(png, sig, sizeof(sig));
	free(png);
	assert_int_equal(store_consent_get_visit(st, w->v.id, &got, NULL, NULL), VB_OK);

	/* One per visit: a second one is refused and writes nothing. */
	struct store_consent again = consent_of(w->v.id);
	assert_int_equal(add(st, &again, sig, sizeof(sig)), VB_EEXIST);
	assert_int_equal(repo_total(st, "consent"), 1);
	assert_int_equal(repo_audit_rows(st, "consent.add", c.id), 1);

	/* Audited with ids and codes: no name, number, phone, address, nor
	 * the screening answer. */
	const char *const secret[] = {"王秀英", w->p.doc.number, "13800138000", "东闾村",
				      "immunosuppression"};
	repo_assert_audit_clean(st, secret, 5);

	/* Never changed, even by hand. */
	assert_int_not_equal(raw_exec_rc(st->db, "UPDATE consent SET lang = 'en'"), SQLITE_OK);

	/* Kept across a reopen. */
	store_close(st);
	assert_int_equal(store_open(w->fx->path, &w->fx->st, NULL), VB_OK);
	assert_int_equal(store_consent_get_visit(w->fx->st, w->v.id, &got, &png, &n), VB_OK);
	assert_memory_equal(png, sig, sizeof(sig));
	free(png);
}

static void test_refusals_write_nothing(void **state)
{
	struct world *w = *state;
	struct store *st = w->fx->st;
	struct store_consent c = consent_of(w->v.id);
	static const uint8_t not_png[] = "GIF89a-not-a-png";

	/* Outside a transaction. */
	assert_int_equal(store_consent_add(st, &c, sig, sizeof(sig), "kiosk", 1), VB_ESTATE);

	/* Malformed fields. */
	assert_int_equal(add(st, &c, NULL, 0), VB_EINVAL);
	assert_int_equal(add(st, &c, sig, 8), VB_EINVAL);
	assert_int_equal(add(st, &c, not_png, sizeof(not_png)), VB_EINVAL);
	c = consent_of(w->v.id);
	snprintf(c.lang, sizeof(c.lang), "fr");
	assert_int_equal(add(st, &c, sig, sizeof(sig)), VB_EINVAL);
	c = consent_of(w->v.id);
	snprintf(c.text_key, sizeof(c.text_key), "a key");
	assert_int_equal(add(st, &c, sig, sizeof(sig)), VB_EINVAL);
	c = consent_of(w->v.id);
	snprintf(c.ask_staff, sizeof(c.ask_staff), "fever,,pregnancy");
	assert_int_equal(add(st, &c, sig, sizeof(sig)), VB_EINVAL);
	c = consent_of("01a20000-0000-7000-8000-000000000000");
	assert_int_equal(add(st, &c, sig, sizeof(sig)), VB_EINVAL);
	c = consent_of("not-an-id");
	assert_int_equal(add(st, &c, sig, sizeof(sig)), VB_EINVAL);

	/* A visit that has not reached its consent event, or went past it. */
	struct person q;
	struct store_visit fresh;
	repo_person(&q, "李桂兰", "19410101", "004", "13900139000", "西村");
	repo_add_person(st, &q);
	repo_add_visit(st, q.id, DAY, repo_at(DAY, 9, 3), &fresh);
	c = consent_of(fresh.id);
	assert_int_equal(add(st, &c, sig, sizeof(sig)), VB_ESTATE);
	static const enum visit_event to_queued[] = {VISIT_EV_SCREEN, VISIT_EV_CONSENT,
						     VISIT_EV_QUEUE};
	repo_walk(st, fresh.id, to_queued, 3, repo_at(DAY, 9, 4));
	assert_int_equal(add(st, &c, sig, sizeof(sig)), VB_ESTATE);
	person_wipe(&q);

	/* Written in the caller's transaction: a rollback takes it away. */
	c = consent_of(w->v.id);
	assert_int_equal(store_begin(st), VB_OK);
	assert_int_equal(store_consent_add(st, &c, sig, sizeof(sig), "kiosk", 5), VB_OK);
	assert_int_equal(store_rollback(st), VB_OK);

	struct store_consent got;
	assert_int_equal(store_consent_get_visit(st, w->v.id, &got, NULL, NULL), VB_ENOTFOUND);
	assert_int_equal(repo_total(st, "consent"), 0);
	assert_int_equal(repo_count(st, "SELECT count(*) FROM audit WHERE action = 'consent.add'"),
			 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_add_and_read_back, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_refusals_write_nothing, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
