/*
 * Certificates and trusted keys (migration 4): one certificate per dose
 * and format, inconsistent ids refused, never updated, audited with ids
 * only; trusted documents de-duplicated, listed oldest first, the newest
 * "own" found; all of it kept across a reopen.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "store_cert.h"
#include "store_repo_test.h"

#define DAY1 "2021-06-01"

struct world {
	struct repo_fx *f;
	struct person a, b;
	struct store_visit va, vb;
	struct store_dose da, db;
};

static int setup(void **state)
{
	struct world *w = calloc(1, sizeof(*w));
	assert_non_null(w);
	w->f = repo_open(1);
	struct store *st = w->f->st;
	repo_person(&w->a, "张建国", "19800101", "013", "13800138000", "北京");
	repo_person(&w->b, "李明", "19900220", "021", "", "");
	repo_add_person(st, &w->a);
	repo_add_person(st, &w->b);
	struct stock_lot l = repo_lot("bbibp-corv", "B1", 10, 1);
	repo_add_lot(st, &l, repo_at(DAY1, 7, 0));
	repo_add_visit(st, w->a.id, DAY1, repo_at(DAY1, 9, 0), &w->va);
	repo_add_visit(st, w->b.id, DAY1, repo_at(DAY1, 9, 5), &w->vb);
	w->da = repo_bus_dose(&w->va, "bbibp-corv", "B1", 1, repo_at(DAY1, 9, 30));
	w->db = repo_bus_dose(&w->vb, "bbibp-corv", "B1", 1, repo_at(DAY1, 9, 35));
	assert_int_equal(store_begin(st), VB_OK);
	assert_int_equal(store_dose_add(st, &w->da, REPO_STAFF, repo_at(DAY1, 9, 30)), VB_OK);
	assert_int_equal(store_dose_add(st, &w->db, REPO_STAFF, repo_at(DAY1, 9, 35)), VB_OK);
	assert_int_equal(store_commit(st), VB_OK);
	*state = w;
	return 0;
}

static int teardown(void **state)
{
	struct world *w = *state;
	struct repo_fx *f = w->f;
	free(w);
	return repo_teardown((void **)&f);
}

static struct store_cert *cert_of(const struct store_visit *v, const struct store_dose *d,
				  const char *format, const char *payload)
{
	struct store_cert *c = calloc(1, sizeof(*c));
	assert_non_null(c);
	snprintf(c->visit_id, sizeof(c->visit_id), "%s", v->id);
	snprintf(c->dose_id, sizeof(c->dose_id), "%s", d->id);
	snprintf(c->person_id, sizeof(c->person_id), "%s", v->person_id);
	snprintf(c->format, sizeof(c->format), "%s", format);
	snprintf(c->payload, sizeof(c->payload), "%s", payload);
	snprintf(c->kid, sizeof(c->kid), "%s", "dGVzdGtpZA");
	snprintf(c->certificate_id, sizeof(c->certificate_id), "URN:UVCI:01:CN:BUS-0042/X");
	c->issued_at = repo_at(DAY1, 10, 0);
	c->expires_at = c->issued_at + 365 * 86400;
	return c;
}

static int add(struct store *st, struct store_cert *c)
{
	assert_int_equal(store_begin(st), VB_OK);
	int rc = store_cert_add(st, c, REPO_STAFF, repo_at(DAY1, 10, 0));
	if (rc)
		assert_int_equal(store_rollback(st), VB_OK);
	else
		assert_int_equal(store_commit(st), VB_OK);
	return rc;
}

static void test_issue_once_per_dose_and_format(void **state)
{
	struct world *w = *state;
	struct store *st = w->f->st;
	struct store_cert *c = cert_of(&w->va, &w->da, "dcc", "HC1:NCFOXN%TS3DH3ZSUZK+.V0ETD%65NL");
	struct store_cert *got = calloc(1, sizeof(*got));
	int64_t n = -1;
	assert_int_equal(store_cert_get_dose(st, w->da.id, "dcc", got), VB_ENOTFOUND);
	assert_int_equal(add(st, c), VB_OK);
	assert_int_equal(store_id_check(c->id), VB_OK);
	assert_int_equal(store_cert_get_dose(st, w->da.id, "dcc", got), VB_OK);
	assert_string_equal(got->id, c->id);
	assert_string_equal(got->payload, c->payload);
	assert_string_equal(got->visit_id, w->va.id);
	assert_string_equal(got->person_id, w->a.id);
	assert_string_equal(got->kid, "dGVzdGtpZA");
	assert_string_equal(got->certificate_id, "URN:UVCI:01:CN:BUS-0042/X");
	assert_int_equal(got->issued_at, c->issued_at);
	assert_int_equal(got->expires_at, c->expires_at);
	assert_int_equal(got->created_at, repo_at(DAY1, 10, 0));
	assert_int_equal(repo_audit_rows(st, "cert.issue", c->id), 1);

	/* The same dose and format again: refused, nothing written. */
	struct store_cert *again = cert_of(&w->va, &w->da, "dcc", "HC1:DIFFERENT");
	assert_int_equal(add(st, again), VB_EEXIST);
	assert_int_equal(repo_total(st, "certificate"), 1);
	assert_int_equal(store_cert_get_dose(st, w->da.id, "dcc", got), VB_OK);
	assert_string_equal(got->payload, c->payload);

	/* The other format of the same dose is another certificate. */
	struct store_cert *shc =
	    cert_of(&w->va, &w->da, "shc", "shc:/5676290952432060346029243740");
	assert_int_equal(add(st, shc), VB_OK);
	assert_int_equal(store_cert_count_visit(st, w->va.id, &n), VB_OK);
	assert_int_equal(n, 2);
	assert_int_equal(store_cert_count_visit(st, w->vb.id, &n), VB_OK);
	assert_int_equal(n, 0);

	/* The audit detail holds ids and the format, never the payload or the
	 * person. */
	char detail[200], want[200];
	snprintf(want, sizeof(want), "visit=%s dose=%s format=shc", w->va.id, w->da.id);
	char sql[200];
	snprintf(sql, sizeof(sql), "SELECT detail FROM audit WHERE record_id = '%s'", shc->id);
	raw_text(st->db, sql, detail, sizeof(detail));
	assert_string_equal(detail, want);
	const char *secret[] = {"张建国", w->a.doc.number, "HC1:", "shc:/", "13800138000"};
	repo_assert_audit_clean(st, secret, 5);

	/* Where the dose was given. */
	char bus[64] = "keep", site[64] = "keep", tiny[4] = "";
	assert_int_equal(store_cert_dose_place(st, w->da.id, bus, sizeof(bus), site, sizeof(site)),
			 VB_OK);
	assert_string_equal(bus, REPO_BUS);
	assert_string_equal(site, REPO_SITE);
	assert_int_equal(store_cert_dose_place(st, w->va.id, bus, sizeof(bus), site, sizeof(site)),
			 VB_ENOTFOUND);
	assert_int_equal(
	    store_cert_dose_place(st, w->da.id, tiny, sizeof(tiny), site, sizeof(site)), VB_ERANGE);
	assert_string_equal(tiny, "");

	/* Never updated, even behind the store's back. */
	assert_int_not_equal(raw_exec_rc(st->db, "UPDATE certificate SET payload = 'x'"),
			     SQLITE_OK);
	free(c);
	free(again);
	free(shc);
	free(got);
}

static void test_refused(void **state)
{
	struct world *w = *state;
	struct store *st = w->f->st;
	struct store_cert *c;

	/* The dose of another visit, another person, unknown ids. */
	c = cert_of(&w->va, &w->db, "dcc", "HC1:X");
	assert_int_equal(add(st, c), VB_EINVAL);
	free(c);
	c = cert_of(&w->va, &w->da, "dcc", "HC1:X");
	snprintf(c->person_id, sizeof(c->person_id), "%s", w->b.id);
	assert_int_equal(add(st, c), VB_EINVAL);
	free(c);
	c = cert_of(&w->va, &w->da, "dcc", "HC1:X");
	snprintf(c->dose_id, sizeof(c->dose_id), "%s", w->va.id);
	assert_int_equal(add(st, c), VB_EINVAL);
	free(c);
	c = cert_of(&w->va, &w->da, "dcc", "HC1:X");
	snprintf(c->visit_id, sizeof(c->visit_id), "not-an-id");
	assert_int_equal(add(st, c), VB_EINVAL);
	free(c);
	/* Malformed fields. */
	static const char *const formats[] = {"pdf", "", "DCC"};
	for (size_t i = 0; i < 3; i++) {
		c = cert_of(&w->va, &w->da, formats[i], "HC1:X");
		assert_int_equal(add(st, c), VB_EINVAL);
		free(c);
	}
	c = cert_of(&w->va, &w->da, "dcc", "");
	assert_int_equal(add(st, c), VB_EINVAL);
	c->kid[0] = '\0';
	snprintf(c->payload, sizeof(c->payload), "HC1:X");
	assert_int_equal(add(st, c), VB_EINVAL);
	snprintf(c->kid, sizeof(c->kid), "k");
	assert_int_equal(store_cert_add(st, c, REPO_STAFF, 1), VB_ESTATE); /* no transaction */
	assert_int_equal(store_begin(st), VB_OK);
	assert_int_equal(store_cert_add(st, c, "bad actor", 1), VB_EINVAL);
	assert_int_equal(store_rollback(st), VB_OK);
	free(c);
	struct store_cert got;
	assert_int_equal(store_cert_get_dose(st, w->da.id, "png", &got), VB_EINVAL);
	assert_int_equal(repo_total(st, "certificate"), 0);
	assert_int_equal(repo_count(st, "SELECT count(*) FROM audit WHERE action = 'cert.issue'"),
			 0);
}

struct seen {
	char kinds[8][8];
	char iss[8][STORE_TRUST_ISS_MAX];
	size_t n_data[8];
	size_t n;
	size_t stop_at;
};

static int collect(void *ctx, const struct store_trust_key *k)
{
	struct seen *s = ctx;
	if (s->n >= 8)
		return -100;
	snprintf(s->kinds[s->n], sizeof(s->kinds[0]), "%s", k->kind);
	snprintf(s->iss[s->n], sizeof(s->iss[0]), "%s", k->iss);
	s->n_data[s->n] = k->n_data;
	s->n++;
	return s->n == s->stop_at ? 7 : 0;
}

static void test_trust(void **state)
{
	struct world *w = *state;
	struct store *st = w->f->st;
	static const char jwks[] = "{\"keys\":[]}";
	static const uint8_t der1[] = {0x30, 0x03, 0x02, 0x01, 0x01};
	static const uint8_t der2[] = {0x30, 0x03, 0x02, 0x01, 0x02};
	int added = -1;
	const uint8_t *j = (const uint8_t *)jwks;

	assert_int_equal(store_trust_add(st, "jwks", "https://a.example", j, sizeof(jwks) - 1,
					 REPO_STAFF, 100, &added),
			 VB_OK);
	assert_int_equal(added, 1);
	assert_int_equal(store_trust_add(st, "jwks", "https://a.example", j, sizeof(jwks) - 1,
					 REPO_STAFF, 101, &added),
			 VB_OK);
	assert_int_equal(added, 0); /* the same document again */
	assert_int_equal(store_trust_add(st, "jwks", "https://b.example", j, sizeof(jwks) - 1,
					 REPO_STAFF, 102, &added),
			 VB_OK);
	assert_int_equal(added, 1); /* another issuer */
	assert_int_equal(
	    store_trust_add(st, "x509", NULL, der1, sizeof(der1), REPO_STAFF, 103, &added), VB_OK);
	assert_int_equal(
	    store_trust_add(st, "own", "https://bus", der1, sizeof(der1), "vaxbusctl", 104, NULL),
	    VB_OK);
	assert_int_equal(
	    store_trust_add(st, "own", "https://bus", der2, sizeof(der2), "vaxbusctl", 105, NULL),
	    VB_OK);

	/* Refused. */
	assert_int_equal(store_trust_add(st, "jwks", "", j, 5, REPO_STAFF, 1, NULL), VB_EINVAL);
	assert_int_equal(store_trust_add(st, "pem", NULL, der1, 5, REPO_STAFF, 1, NULL), VB_EINVAL);
	assert_int_equal(store_trust_add(st, "x509", NULL, der1, 0, REPO_STAFF, 1, NULL),
			 VB_EINVAL);
	assert_int_equal(store_trust_add(st, "x509", NULL, NULL, 5, REPO_STAFF, 1, NULL),
			 VB_EINVAL);
	assert_int_equal(
	    store_trust_add(st, "x509", NULL, der1, STORE_TRUST_DATA_MAX + 1, REPO_STAFF, 1, NULL),
	    VB_EINVAL);
	char long_iss[STORE_TRUST_ISS_MAX + 1];
	memset(long_iss, 'a', sizeof(long_iss) - 1);
	long_iss[sizeof(long_iss) - 1] = '\0';
	assert_int_equal(store_trust_add(st, "jwks", long_iss, j, 5, REPO_STAFF, 1, NULL),
			 VB_EINVAL);
	assert_int_equal(repo_total(st, "trust_key"), 5);
	assert_int_equal(repo_count(st, "SELECT count(*) FROM audit WHERE action = 'trust.import'"),
			 3);
	assert_int_equal(repo_count(st, "SELECT count(*) FROM audit WHERE action = 'trust.own'"),
			 2);

	/* Listed oldest first, filtered by kind, stopped by the callback. */
	struct seen s = {0};
	assert_int_equal(store_trust_each(st, NULL, collect, &s), VB_OK);
	assert_int_equal(s.n, 5);
	assert_string_equal(s.kinds[0], "jwks");
	assert_string_equal(s.iss[0], "https://a.example");
	assert_string_equal(s.iss[1], "https://b.example");
	assert_string_equal(s.kinds[2], "x509");
	assert_string_equal(s.iss[2], "");
	assert_int_equal(s.n_data[2], sizeof(der1));
	assert_string_equal(s.kinds[4], "own");
	memset(&s, 0, sizeof(s));
	assert_int_equal(store_trust_each(st, "jwks", collect, &s), VB_OK);
	assert_int_equal(s.n, 2);
	memset(&s, 0, sizeof(s));
	s.stop_at = 2;
	assert_int_equal(store_trust_each(st, NULL, collect, &s), 7);
	assert_int_equal(s.n, 2);

	/* The newest own certificate, kept across a reopen. */
	struct store_trust_key k;
	uint8_t *data = NULL;
	store_close(w->f->st);
	assert_int_equal(store_open(w->f->path, &w->f->st, NULL), VB_OK);
	st = w->f->st;
	assert_int_equal(store_trust_latest(st, "own", &k, &data), VB_OK);
	assert_int_equal(k.n_data, sizeof(der2));
	assert_memory_equal(data, der2, sizeof(der2));
	assert_ptr_equal(k.data, data);
	assert_string_equal(k.iss, "https://bus");
	assert_int_equal(k.created_at, 105);
	free(data);
	data = NULL;
	assert_int_equal(store_trust_latest(st, "x509", &k, &data), VB_OK);
	free(data);
	data = (uint8_t *)&k;
	store_close(st);
	/* A database without own certificates. */
	struct repo_fx *g = repo_open(1);
	assert_int_equal(store_trust_latest(g->st, "own", &k, &data), VB_ENOTFOUND);
	assert_ptr_equal(data, (uint8_t *)&k);
	repo_teardown((void **)&g);
	assert_int_equal(store_open(w->f->path, &w->f->st, NULL), VB_OK);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_issue_once_per_dose_and_format, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_refused, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_trust, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
