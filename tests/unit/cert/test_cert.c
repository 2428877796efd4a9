/*
 * cert: the front door — cert_issue dispatches on the format and
 * cert_verify on the prefix (HC1:, shc:/, a bare JWS), both formats round
 * trip through it, a changed character is refused with the layer's
 * reason, an unknown prefix or format is refused, and a key that is not
 * trusted leaves the signature unverified.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "cert.h"
#include "cert_dcc.h"
#include "cert_shc.h"
#include "vbdate.h"

#define T_IAT 1622534400 /* 2021-06-01T08:00:00Z */
#define T_NOW (T_IAT + 3600)
#define ISS   "https://vaxbus.invalid/BUS-07"

struct fixture {
	struct cert_key *key, *other;
	uint8_t *der;
	size_t der_len;
	struct trust *trust, *stranger;
	struct cert_signer signer;
	struct ddcc_record r;
};

static int32_t day(const char *s)
{
	int32_t d = 0;
	assert_int_equal(vbdate_parse(s, &d), VB_OK);
	return d;
}

static void record(struct ddcc_record *r)
{
	memset(r, 0, sizeof(*r));
	strcpy(r->family, "张");
	strcpy(r->given, "建国");
	strcpy(r->family_icao, "ZHANG");
	strcpy(r->given_icao, "JIANGUO");
	r->birth = day("1950-01-01");
	strcpy(r->identifier, "1101**********1239");
	r->n_doses = 2;
	for (int i = 0; i < 2; i++) {
		struct ddcc_dose *d = &r->doses[i];
		strcpy(d->vaccine_code, "1157024006");
		strcpy(d->brand, "BBIBP-CorV");
		strcpy(d->holder, "ORG-100020693");
		strcpy(d->cvx, "510");
		strcpy(d->product_name, "BBIBP-CorV (Sinopharm, Beijing)");
		strcpy(d->maker_name, "Beijing Institute of Biological Products Co., Ltd.");
		strcpy(d->lot, i ? "202105A01" : "202104B07");
		d->date = day(i ? "2021-06-01" : "2021-04-08");
		d->dose_number = i + 1;
		d->series_doses = 2;
		strcpy(d->country, "CN");
		strcpy(d->centre, "vaxbus BUS-07 XIANG-01");
		strcpy(d->performer, "vaxbus BUS-07");
	}
	strcpy(r->disease, "840539006");
	r->next_dose = VBDATE_NONE;
	strcpy(r->certificate_id, "URN:UVCI:01:CN:BUS07/01A20359769C71B5942AB7C3DC526349");
	strcpy(r->issuer, "vaxbus BUS-07");
	strcpy(r->issuer_country, "CN");
	strcpy(r->issuer_url, ISS);
	r->issued_at = T_IAT;
	r->expires_at = T_IAT + 365 * 86400;
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	uint8_t kid[8];
	struct vb_reason why = {0};
	assert_non_null(f);
	assert_int_equal(cert_key_generate(&f->key), VB_OK);
	assert_int_equal(cert_key_generate(&f->other), VB_OK);
	assert_int_equal(cert_key_x509(f->key, "CN", "vaxbus BUS-07", T_IAT - 86400,
				       T_IAT + 5 * 365 * 86400, &f->der, &f->der_len),
			 VB_OK);
	cert_key_dcc_kid(f->der, f->der_len, kid);
	f->signer.key = f->key;
	memcpy(f->signer.dcc_kid, kid, 8);
	assert_int_equal(trust_new(&f->trust), VB_OK);
	assert_int_equal(trust_add_key(f->trust, f->key, ISS, kid), VB_OK);
	/* A trust list that knows the issuer URL and kid under another key. */
	assert_int_equal(trust_new(&f->stranger), VB_OK);
	assert_int_equal(trust_add_key(f->stranger, f->other, ISS, NULL), VB_OK);
	(void)why;
	record(&f->r);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	trust_free(f->trust);
	trust_free(f->stranger);
	free(f->der);
	cert_key_free(f->key);
	cert_key_free(f->other);
	free(f);
	return 0;
}

static void test_round_trips(void **state)
{
	struct fixture *f = *state;
	static const struct {
		enum cert_format f;
		const char *prefix;
		size_t doses;
	} cases[] = {{CERT_DCC, "HC1:", 1}, {CERT_SHC, "shc:/", 2}};
	for (size_t i = 0; i < 2; i++) {
		char *p = NULL;
		struct vb_reason why = {0};
		struct cert_verified *v = calloc(1, sizeof(*v));
		assert_int_equal(cert_issue(&f->r, cases[i].f, &f->signer, &p, &why), VB_OK);
		assert_null(why.code);
		assert_memory_equal(p, cases[i].prefix, strlen(cases[i].prefix));
		assert_int_equal(cert_verify(p, f->trust, T_NOW, v), VB_OK);
		assert_int_equal(v->format, cases[i].f);
		assert_int_equal(v->signature_valid, 1);
		assert_null(v->why.code);
		assert_int_equal(v->issued_at, T_IAT);
		assert_int_equal(v->record.n_doses, cases[i].doses);
		assert_string_equal(v->record.family, "张");
		assert_string_equal(v->record.given, "建国");
		assert_int_equal(v->record.birth, f->r.birth);
		assert_int_equal(v->record.doses[v->record.n_doses - 1].date, day("2021-06-01"));
		if (cases[i].f == CERT_DCC) {
			assert_string_equal(v->record.family_icao, "ZHANG");
			assert_string_equal(v->record.given_icao, "JIANGUO");
			assert_int_equal(v->record.doses[0].dose_number, 2);
			assert_string_equal(v->record.certificate_id, f->r.certificate_id);
		} else {
			assert_string_equal(v->issuer, ISS);
			assert_string_equal(v->record.doses[0].lot, "202104B07");
		}

		/* Not trusted: another key under the same names. */
		assert_int_equal(cert_verify(p, f->stranger, T_NOW, v), VB_OK);
		assert_int_equal(v->signature_valid, 0);
		assert_non_null(v->why.code);

		/* A bare JWS goes to the SHC verifier. */
		if (cases[i].f == CERT_SHC) {
			char jws[CERT_SHC_JWS_MAX + 1];
			size_t len = 0;
			assert_int_equal(cert_shc_numeric_decode(p, jws, sizeof(jws), &len, &why),
					 VB_OK);
			assert_int_equal(cert_verify(jws, f->trust, T_NOW, v), VB_OK);
			assert_int_equal(v->format, CERT_SHC);
			assert_int_equal(v->signature_valid, 1);
		}

		/* One character changed anywhere after the prefix: never valid,
		 * always with a reason. */
		size_t len = strlen(p), step = len / 97 + 1;
		for (size_t k = strlen(cases[i].prefix); k < len; k += step) {
			char saved = p[k];
			p[k] = cases[i].f == CERT_DCC ? (saved == 'A' ? 'B' : 'A')
						      : (saved == '1' ? '2' : '1');
			int rc = cert_verify(p, f->trust, T_NOW, v);
			assert_true(rc == VB_OK || rc == VB_EINVAL);
			assert_true(rc == VB_EINVAL || !v->signature_valid || v->why.code);
			assert_non_null(v->why.code);
			p[k] = saved;
		}
		free(p);
		free(v);
	}
}

static void test_refused(void **state)
{
	struct fixture *f = *state;
	static const char *const bad[] = {"",	  "hc1:ABC",  "HC2:ABC",
					  "shc:", "SHC:/123", "https://example",
					  "a.b",  "a..c",     "a.b.c d"};
	struct cert_verified *v = calloc(1, sizeof(*v));
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(v, 0x5a, sizeof(*v));
		assert_int_equal(cert_verify(bad[i], f->trust, T_NOW, v), VB_EINVAL);
		assert_non_null(v->why.code);
		assert_int_equal(v->signature_valid, 0);
	}
	assert_string_equal((cert_verify("XYZ", f->trust, T_NOW, v), v->why.code), "bad_prefix");
	assert_int_equal(cert_verify(NULL, f->trust, T_NOW, v), VB_EINVAL);
	assert_int_equal(cert_verify("HC1:", NULL, T_NOW, v), VB_EINVAL);
	free(v);

	char *p = (char *)"keep";
	struct vb_reason why = {0};
	assert_int_equal(cert_issue(&f->r, (enum cert_format)7, &f->signer, &p, &why), VB_EINVAL);
	assert_string_equal(why.code, "bad_format");
	assert_string_equal(p, "keep");
	assert_int_equal(cert_issue(NULL, CERT_DCC, &f->signer, &p, &why), VB_EINVAL);
	struct cert_signer none = {0};
	assert_int_equal(cert_issue(&f->r, CERT_DCC, &none, &p, &why), VB_EINVAL);
	/* A record the format refuses: the format's reason comes through. */
	f->r.family_icao[0] = 'z';
	vb_reason_clear(&why);
	assert_int_equal(cert_issue(&f->r, CERT_DCC, &f->signer, &p, &why), VB_EINVAL);
	assert_non_null(why.code);
	assert_string_equal(p, "keep");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_round_trips, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_refused, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
