/*
 * EU DCC issue and verify: round trips for 1..4 doses (the DCC carries
 * the last one), the exact protected header and COSE bytes re-parsed with
 * libcbor and the signature re-checked over a Sig_structure built here,
 * the QR version of a one-dose DCC at ECC Q in one alphanumeric segment,
 * every bit of the payload and signature flipped, every base45 character
 * changed, each verify layer's refusal (hand-built messages signed here),
 * the spec's optional tags and unprotected kid, the uncompressed form,
 * the validity window, key usage, and refused records.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cbor.h>
#include <openssl/evp.h>
#include <qrencode.h>
#include <zlib.h>

#include "base45.h"
#include "cert.h"
#include "cert_dcc.h"
#include "cert_key.h"
#include "ddcc.h"
#include "trust.h"
#include "vb_error.h"
#include "vbdate.h"

#define T_IAT 1622534400 /* 2021-06-01T08:00:00Z */
#define T_EXP (T_IAT + 365 * 86400)
#define T_NOW (T_IAT + 86400)

struct fixture {
	struct cert_key *key;
	uint8_t *der;
	size_t der_len;
	struct trust *trust;
	struct cert_signer signer;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct vb_reason why = {0};
	assert_non_null(f);
	assert_int_equal(cert_key_generate(&f->key), VB_OK);
	assert_int_equal(cert_key_x509(f->key, "CN", "vaxbus test DSC", T_IAT - 86400,
				       T_IAT + 2 * 365 * 86400, &f->der, &f->der_len),
			 VB_OK);
	f->signer.key = f->key;
	cert_key_dcc_kid(f->der, f->der_len, f->signer.dcc_kid);
	assert_int_equal(trust_new(&f->trust), VB_OK);
	assert_int_equal(trust_add_dcc(f->trust, f->der, f->der_len, NULL, &why), VB_OK);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	trust_free(f->trust);
	free(f->der);
	cert_key_free(f->key);
	free(f);
	return 0;
}

static int32_t day(const char *s)
{
	int32_t d = 0;
	assert_int_equal(vbdate_parse(s, &d), VB_OK);
	return d;
}

/* A record of n doses of BBIBP-CorV for a person with a Chinese name. */
static void sample(struct ddcc_record *r, size_t n)
{
	memset(r, 0, sizeof(*r));
	snprintf(r->family, sizeof(r->family), "张");
	snprintf(r->given, sizeof(r->given), "建国");
	snprintf(r->family_icao, sizeof(r->family_icao), "ZHANG");
	snprintf(r->given_icao, sizeof(r->given_icao), "JIAN<GUO");
	r->birth = day("1980-05-17");
	snprintf(r->identifier, sizeof(r->identifier), "110105********1234");
	for (size_t i = 0; i < n; i++) {
		struct ddcc_dose *d = &r->doses[i];
		snprintf(d->vaccine_code, sizeof(d->vaccine_code), "J07BX03");
		snprintf(d->brand, sizeof(d->brand), "BBIBP-CorV");
		snprintf(d->holder, sizeof(d->holder), "ORG-100020693");
		snprintf(d->cvx, sizeof(d->cvx), "510");
		snprintf(d->product_name, sizeof(d->product_name), "BBIBP-CorV (Vero Cells)");
		snprintf(d->maker_name, sizeof(d->maker_name),
			 "Beijing Institute of Biological "
			 "Products");
		snprintf(d->lot, sizeof(d->lot), "20210%zu01", i + 3);
		d->date = day("2021-03-01") + 28 * (int32_t)i;
		d->dose_number = (int)i + 1;
		d->series_doses = n > 2 ? (int)n : 2;
		snprintf(d->country, sizeof(d->country), "CN");
		snprintf(d->centre, sizeof(d->centre), "Vaxbus 02, Xiang village stop");
		snprintf(d->performer, sizeof(d->performer), "Vaxbus Mobile Vaccination");
	}
	r->n_doses = n;
	snprintf(r->disease, sizeof(r->disease), "840539006");
	r->next_dose = VBDATE_NONE;
	snprintf(r->certificate_id, sizeof(r->certificate_id),
		 "URN:UVCI:01:CN:VAXBUS02/000123%zu#K", n);
	snprintf(r->issuer, sizeof(r->issuer), "Vaxbus Mobile Vaccination, Xiang County");
	snprintf(r->issuer_country, sizeof(r->issuer_country), "CN");
	snprintf(r->issuer_url, sizeof(r->issuer_url), "https://vaxbus.example.cn");
	r->issued_at = T_IAT;
	r->expires_at = T_EXP;
}

static char *issue(const struct fixture *f, const struct ddcc_record *r)
{
	char *p = NULL;
	struct vb_reason why = {0};
	int rc = cert_dcc_issue(r, &f->signer, &p, &why);
	if (rc)
		fail_msg("issue: %d %s: %s", rc, why.code ? why.code : "-", why.text);
	assert_non_null(p);
	return p;
}

static uint8_t *unwrap(const char *payload, size_t *len)
{
	uint8_t *cose = NULL;
	int compressed = -1;
	struct vb_reason why = {0};
	assert_int_equal(cert_dcc_unwrap(payload, &cose, len, &compressed, &why), VB_OK);
	assert_int_equal(compressed, 1);
	return cose;
}

/* 1 when out says: decoded, signature valid, no reason. */
static int fully_valid(int rc, const struct cert_verified *v)
{
	return rc == VB_OK && v->signature_valid && v->why.code == NULL;
}

static void expect_reason(int rc, const struct cert_verified *v, int want_rc, const char *code)
{
	if (rc != want_rc || !v->why.code || strcmp(v->why.code, code) != 0)
		fail_msg("want rc %d %s, got rc %d %s: %s", want_rc, code, rc,
			 v->why.code ? v->why.code : "(none)", v->why.text);
	assert_true(strlen(v->why.text) > 0);
}

/* ---- round trips ---- */

static void check_record(const struct ddcc_record *want, const struct cert_verified *v)
{
	const struct ddcc_dose *d = &want->doses[want->n_doses - 1], *got = &v->record.doses[0];
	assert_int_equal(v->format, CERT_DCC);
	assert_int_equal(v->record.n_doses, 1);
	assert_string_equal(v->record.family, want->family);
	assert_string_equal(v->record.given, want->given);
	assert_string_equal(v->record.family_icao, want->family_icao);
	assert_string_equal(v->record.given_icao, want->given_icao);
	assert_int_equal(v->record.birth, want->birth);
	assert_string_equal(got->vaccine_code, d->vaccine_code);
	assert_string_equal(got->brand, d->brand);
	assert_string_equal(got->holder, d->holder);
	assert_int_equal(got->date, d->date);
	assert_int_equal(got->dose_number, d->dose_number);
	assert_int_equal(got->series_doses, d->series_doses);
	assert_string_equal(got->country, d->country);
	assert_string_equal(got->lot, ""); /* the DCC carries no lot */
	assert_string_equal(v->record.disease, want->disease);
	assert_string_equal(v->record.certificate_id, want->certificate_id);
	assert_string_equal(v->record.issuer, want->issuer);
	assert_string_equal(v->record.issuer_country, want->issuer_country);
	assert_string_equal(v->issuer, want->issuer_country);
	assert_int_equal(v->issued_at, want->issued_at);
	assert_int_equal(v->expires_at, want->expires_at);
	assert_int_equal(v->record.issued_at, want->issued_at);
	assert_int_equal(v->record.expires_at, want->expires_at);
}

static void test_round_trip(void **state)
{
	struct fixture *f = *state;
	char kid64[16];
	EVP_EncodeBlock((unsigned char *)kid64, f->signer.dcc_kid, 8);
	for (size_t n = 1; n <= DDCC_MAX_DOSES; n++) {
		struct ddcc_record r;
		struct cert_verified v;
		sample(&r, n);
		char *p = issue(f, &r);
		assert_memory_equal(p, "HC1:", 4);
		for (const char *c = p + 4; *c; c++)
			assert_non_null(
			    strchr("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:", *c));
		int rc = cert_dcc_verify(p, f->trust, T_NOW, &v);
		if (!fully_valid(rc, &v))
			fail_msg("%zu doses: rc %d %s %s", n, rc, v.why.code, v.why.text);
		check_record(&r, &v);
		assert_string_equal(v.kid, kid64);
		assert_int_equal(v.expired, 0);
		/* the same through the signer certificate itself */
		rc = cert_dcc_verify_dsc(p, f->der, f->der_len, T_NOW, &v);
		assert_true(fully_valid(rc, &v));
		check_record(&r, &v);
		free(p);
	}
}

/* ---- bytes and structure, re-parsed independently with libcbor ---- */

static cbor_item_t *load(const uint8_t *p, size_t n)
{
	struct cbor_load_result res;
	cbor_item_t *it = cbor_load(p, n, &res);
	assert_non_null(it);
	assert_int_equal(res.read, n);
	return it;
}

static int key_is(const cbor_item_t *k, const char *s)
{
	return cbor_isa_string(k) && cbor_string_length(k) == strlen(s) &&
	       !memcmp(cbor_string_handle(k), s, strlen(s));
}

static const cbor_item_t *get(const cbor_item_t *map, const char *k)
{
	struct cbor_pair *p = cbor_map_handle(map);
	for (size_t i = 0; i < cbor_map_size(map); i++)
		if (key_is(p[i].key, k))
			return p[i].value;
	fail_msg("no key %s", k);
	return NULL;
}

static void text_is(const cbor_item_t *it, const char *s)
{
	assert_true(cbor_isa_string(it) && cbor_string_is_definite(it));
	assert_int_equal(cbor_string_length(it), strlen(s));
	assert_memory_equal(cbor_string_handle(it), s, strlen(s));
}

static int64_t int_of(const cbor_item_t *it)
{
	if (cbor_isa_uint(it))
		return (int64_t)cbor_get_int(it);
	assert_true(cbor_isa_negint(it));
	return -1 - (int64_t)cbor_get_int(it);
}

/* Serializes it (libcbor) into a malloc'd buffer. */
static uint8_t *ser(const cbor_item_t *it, size_t *n)
{
	unsigned char *buf = NULL;
	size_t size = 0;
	*n = cbor_serialize_alloc(it, &buf, &size);
	assert_true(*n > 0);
	return buf;
}

static void test_structure(void **state)
{
	struct fixture *f = *state;
	struct ddcc_record r;
	sample(&r, 3);
	char *p = issue(f, &r);

	/* zlib with header, level 9: 78 DA */
	size_t tlen = strlen(p) - 4, zlen = 0;
	uint8_t *z = malloc(tlen);
	assert_int_equal(base45_decode(p + 4, tlen, z, tlen, &zlen, NULL), VB_OK);
	assert_int_equal(z[0], 0x78);
	assert_int_equal(z[1], 0xda);
	free(z);

	size_t len = 0;
	uint8_t *cose = unwrap(p, &len);
	/* tag 18, array of 4, protected bstr(13) = a2 01 26 04 48 <kid>, {} */
	static const uint8_t head[] = {0xd2, 0x84, 0x4d, 0xa2, 0x01, 0x26, 0x04, 0x48};
	assert_memory_equal(cose, head, sizeof(head));
	assert_memory_equal(cose + 8, f->signer.dcc_kid, 8);
	assert_int_equal(cose[16], 0xa0);
	/* the signature closes the message: bstr(64) */
	assert_int_equal(cose[len - 66], 0x58);
	assert_int_equal(cose[len - 65], 0x40);

	/* (libcbor 0.8 refuses the one-byte tag d2 itself: load after it) */
	cbor_item_t *arr = load(cose + 1, len - 1);
	assert_true(cbor_isa_array(arr) && cbor_array_size(arr) == 4);
	cbor_item_t **a = cbor_array_handle(arr);
	assert_true(cbor_isa_map(a[1]) && cbor_map_size(a[1]) == 0);
	assert_int_equal(cbor_bytestring_length(a[3]), 64);

	/* the signature verifies over a Sig_structure built here */
	cbor_item_t *tbs = cbor_new_definite_array(4);
	assert_true(cbor_array_push(tbs, cbor_move(cbor_build_string("Signature1"))));
	assert_true(
	    cbor_array_push(tbs, cbor_move(cbor_build_bytestring(cbor_bytestring_handle(a[0]),
								 cbor_bytestring_length(a[0])))));
	assert_true(cbor_array_push(tbs, cbor_move(cbor_build_bytestring((const uint8_t *)"", 0))));
	assert_true(
	    cbor_array_push(tbs, cbor_move(cbor_build_bytestring(cbor_bytestring_handle(a[2]),
								 cbor_bytestring_length(a[2])))));
	size_t tbs_len = 0;
	uint8_t *tbs_bytes = ser(tbs, &tbs_len);
	assert_int_equal(cert_key_verify(f->key, tbs_bytes, tbs_len, cbor_bytestring_handle(a[3])),
			 VB_OK);

	/* the claims: {1: "CN", 6: iat, 4: exp, -260: {1: hcert}} in this order */
	cbor_item_t *claims = load(cbor_bytestring_handle(a[2]), cbor_bytestring_length(a[2]));
	assert_true(cbor_isa_map(claims) && cbor_map_size(claims) == 4);
	struct cbor_pair *c = cbor_map_handle(claims);
	static const int64_t labels[] = {1, 6, 4, -260};
	for (size_t i = 0; i < 4; i++)
		assert_int_equal(int_of(c[i].key), labels[i]);
	text_is(c[0].value, "CN");
	assert_int_equal(int_of(c[1].value), T_IAT);
	assert_int_equal(int_of(c[2].value), T_EXP);
	assert_true(cbor_isa_map(c[3].value) && cbor_map_size(c[3].value) == 1);
	struct cbor_pair *hc = cbor_map_handle(c[3].value);
	assert_int_equal(int_of(hc[0].key), 1);
	const cbor_item_t *h = hc[0].value;
	assert_int_equal(cbor_map_size(h), 4);
	text_is(get(h, "ver"), "1.3.0");
	text_is(get(h, "dob"), "1980-05-17");
	const cbor_item_t *nam = get(h, "nam");
	text_is(get(nam, "fn"), "张");
	text_is(get(nam, "fnt"), "ZHANG");
	text_is(get(nam, "gn"), "建国");
	text_is(get(nam, "gnt"), "JIAN<GUO");
	const cbor_item_t *v = get(h, "v");
	assert_true(cbor_isa_array(v) && cbor_array_size(v) == 1);
	const cbor_item_t *e = cbor_array_handle(v)[0];
	static const char *const keys[] = {"tg", "vp", "mp", "ma", "dn",
					   "sd", "dt", "co", "is", "ci"};
	assert_int_equal(cbor_map_size(e), 10);
	for (size_t i = 0; i < 10; i++)
		assert_true(key_is(cbor_map_handle(e)[i].key, keys[i]));
	text_is(get(e, "tg"), "840539006");
	text_is(get(e, "vp"), "J07BX03");
	text_is(get(e, "mp"), "BBIBP-CorV");
	text_is(get(e, "ma"), "ORG-100020693");
	assert_int_equal(int_of(get(e, "dn")), 3); /* the last dose */
	assert_int_equal(int_of(get(e, "sd")), 3);
	text_is(get(e, "dt"), "2021-04-26");
	text_is(get(e, "co"), "CN");
	text_is(get(e, "is"), r.issuer);
	text_is(get(e, "ci"), r.certificate_id);

	cbor_decref(&claims);
	free(tbs_bytes);
	cbor_decref(&tbs);
	cbor_decref(&arr);
	free(cose);
	free(p);
}

/* ---- QR size ---- */

static int qr_version(const char *payload, QRecLevel level, QRencodeMode mode)
{
	QRinput *in = QRinput_new2(0, level);
	assert_non_null(in);
	assert_int_equal(
	    QRinput_append(in, mode, (int)strlen(payload), (const unsigned char *)payload), 0);
	QRcode *q = QRcode_encodeInput(in);
	assert_non_null(q);
	int v = q->version;
	QRcode_free(q);
	QRinput_free(in);
	return v;
}

static void test_qr_size(void **state)
{
	struct fixture *f = *state;
	for (size_t n = 1; n <= DDCC_MAX_DOSES; n += DDCC_MAX_DOSES - 1) {
		struct ddcc_record r;
		sample(&r, n);
		char *p = issue(f, &r);
		int an = qr_version(p, QR_ECLEVEL_Q, QR_MODE_AN);
		int byte = qr_version(p, QR_ECLEVEL_Q, QR_MODE_8);
		print_message("DCC of a %zu-dose record: %zu characters, QR version %d at ECC Q "
			      "in one alphanumeric segment (%d in byte mode)\n",
			      n, strlen(p), an, byte);
		assert_true(an <= 20);
		assert_true(an < byte);
		free(p);
	}
}

/* ---- tampering ---- */

static void test_tamper_bits(void **state)
{
	struct fixture *f = *state;
	struct ddcc_record r;
	sample(&r, 2);
	char *p = issue(f, &r);
	size_t len = 0;
	uint8_t *cose = unwrap(p, &len);
	/* the payload bstr starts after d2 84 4d <13> a0 59 <2 bytes> */
	assert_int_equal(cose[17], 0x59);
	size_t pay = 20, pay_len = (size_t)cose[18] << 8 | cose[19];
	assert_int_equal(pay + pay_len + 66, len);
	size_t sig = len - 64, flips = 0, reasons[5] = {0};
	static const char *const codes[] = {"signature", "cbor", "cwt", "schema", "field_size"};
	for (size_t byte = pay; byte < len; byte++) {
		if (byte >= pay + pay_len && byte < sig)
			continue; /* the signature's bstr head */
		for (int bit = 0; bit < 8; bit++) {
			struct cert_verified v;
			char *t = NULL;
			cose[byte] ^= (uint8_t)(1u << bit);
			assert_int_equal(cert_dcc_wrap(cose, len, &t), VB_OK);
			int rc = cert_dcc_verify(t, f->trust, T_NOW, &v);
			cose[byte] ^= (uint8_t)(1u << bit);
			if (v.signature_valid || !v.why.code || (rc != VB_OK && rc != VB_EINVAL))
				fail_msg("byte %zu bit %d: rc %d valid %d why %s", byte, bit, rc,
					 v.signature_valid, v.why.code ? v.why.code : "-");
			size_t k = 0;
			while (k < 5 && strcmp(v.why.code, codes[k]) != 0)
				k++;
			if (k == 5)
				fail_msg("byte %zu bit %d: reason %s", byte, bit, v.why.code);
			/* a flipped signature bit is always a bad signature */
			if (byte >= sig)
				assert_string_equal(v.why.code, "signature");
			reasons[k]++;
			flips++;
			free(t);
		}
	}
	print_message("%zu bit flips, all invalid: signature %zu, cbor %zu, cwt %zu, schema %zu, "
		      "field_size %zu\n",
		      flips, reasons[0], reasons[1], reasons[2], reasons[3], reasons[4]);
	assert_int_equal(flips, (pay_len + 64) * 8);
	/* unchanged, it still verifies */
	struct cert_verified v;
	char *t = NULL;
	assert_int_equal(cert_dcc_wrap(cose, len, &t), VB_OK);
	assert_true(fully_valid(cert_dcc_verify(t, f->trust, T_NOW, &v), &v));
	free(t);
	free(cose);
	free(p);
}

static void test_tamper_base45(void **state)
{
	struct fixture *f = *state;
	static const char alphabet[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";
	struct ddcc_record r;
	sample(&r, 1);
	char *p = issue(f, &r);
	size_t n = strlen(p), by_code[3] = {0};
	for (size_t i = 4; i < n; i++) {
		char saved = p[i];
		const char *pos = strchr(alphabet, saved);
		assert_non_null(pos);
		p[i] = alphabet[(size_t)(pos - alphabet + 1 + i % 44) % 45];
		struct cert_verified v;
		int rc = cert_dcc_verify(p, f->trust, T_NOW, &v);
		if (fully_valid(rc, &v) || !v.why.code)
			fail_msg("character %zu changed: still valid", i);
		by_code[!strcmp(v.why.code, "base45") ? 0 : !strcmp(v.why.code, "zlib") ? 1 : 2]++;
		p[i] = saved;
	}
	print_message("%zu characters changed one at a time, all invalid: base45 %zu, zlib %zu, "
		      "other %zu\n",
		      n - 4, by_code[0], by_code[1], by_code[2]);
	struct cert_verified v;
	assert_true(fully_valid(cert_dcc_verify(p, f->trust, T_NOW, &v), &v));
	free(p);
}

/* ---- hand-built messages, signed here (libcbor, not the code under test) */

/* Signs claims under the protected bytes prot with the fixture's key and
 * frames a COSE_Sign1 with the given unprotected map (borrowed) and tags
 * (0: none, 18, or 61 then 18); returns the HC1 payload. */
static char *sign_cose(const struct fixture *f, const uint8_t *prot, size_t prot_len,
		       cbor_item_t *unprot, const uint8_t *claims, size_t claims_len, int tags)
{
	uint8_t sig[64];
	cbor_item_t *tbs = cbor_new_definite_array(4);
	assert_true(cbor_array_push(tbs, cbor_move(cbor_build_string("Signature1"))));
	assert_true(cbor_array_push(tbs, cbor_move(cbor_build_bytestring(prot, prot_len))));
	assert_true(cbor_array_push(tbs, cbor_move(cbor_build_bytestring((const uint8_t *)"", 0))));
	assert_true(cbor_array_push(tbs, cbor_move(cbor_build_bytestring(claims, claims_len))));
	size_t n = 0;
	uint8_t *bytes = ser(tbs, &n);
	assert_int_equal(cert_key_sign(f->key, bytes, n, sig), VB_OK);
	free(bytes);
	cbor_decref(&tbs);

	cbor_item_t *arr = cbor_new_definite_array(4);
	assert_true(cbor_array_push(arr, cbor_move(cbor_build_bytestring(prot, prot_len))));
	assert_true(cbor_array_push(arr, unprot));
	assert_true(cbor_array_push(arr, cbor_move(cbor_build_bytestring(claims, claims_len))));
	assert_true(cbor_array_push(arr, cbor_move(cbor_build_bytestring(sig, 64))));
	cbor_item_t *top = arr;
	if (tags) {
		cbor_item_t *t18 = cbor_new_tag(18);
		cbor_tag_set_item(t18, arr);
		cbor_decref(&arr);
		top = t18;
		if (tags == 61) {
			cbor_item_t *t61 = cbor_new_tag(61);
			cbor_tag_set_item(t61, t18);
			cbor_decref(&t18);
			top = t61;
		}
	}
	bytes = ser(top, &n);
	cbor_decref(&top);
	char *payload = NULL;
	assert_int_equal(cert_dcc_wrap(bytes, n, &payload), VB_OK);
	free(bytes);
	return payload;
}

static const uint8_t *std_prot(const struct fixture *f)
{
	static uint8_t prot[13] = {0xa2, 0x01, 0x26, 0x04, 0x48};
	memcpy(prot + 5, f->signer.dcc_kid, 8);
	return prot;
}

/* The claims map of an issued DCC (owned by the caller). */
static cbor_item_t *claims_of(const struct fixture *f, size_t n_doses)
{
	struct ddcc_record r;
	sample(&r, n_doses);
	char *p = issue(f, &r);
	size_t len = 0;
	uint8_t *cose = unwrap(p, &len);
	assert_int_equal(cose[0], 0xd2);
	cbor_item_t *arr = load(cose + 1, len - 1);
	cbor_item_t *pay = cbor_array_handle(arr)[2];
	cbor_item_t *claims = load(cbor_bytestring_handle(pay), cbor_bytestring_length(pay));
	cbor_decref(&arr);
	free(cose);
	free(p);
	return claims;
}

/* The hcert map inside claims (borrowed). */
static cbor_item_t *hcert_of(cbor_item_t *claims)
{
	cbor_item_t *hc = cbor_map_handle(claims)[3].value;
	return cbor_map_handle(hc)[0].value;
}

/* Replaces the value of text key k in map (the new value is taken over). */
static void replace(cbor_item_t *map, const char *k, cbor_item_t *value)
{
	struct cbor_pair *p = cbor_map_handle(map);
	for (size_t i = 0; i < cbor_map_size(map); i++) {
		if (key_is(p[i].key, k)) {
			cbor_decref(&p[i].value);
			p[i].value = value;
			return;
		}
	}
	fail_msg("no key %s", k);
}

/* Renames text key k in map. */
static void rename_key(cbor_item_t *map, const char *k, const char *to)
{
	struct cbor_pair *p = cbor_map_handle(map);
	for (size_t i = 0; i < cbor_map_size(map); i++) {
		if (key_is(p[i].key, k)) {
			cbor_decref(&p[i].key);
			p[i].key = cbor_build_string(to);
			return;
		}
	}
	fail_msg("no key %s", k);
}

static char *sign_claims(const struct fixture *f, cbor_item_t *claims)
{
	size_t n = 0;
	uint8_t *bytes = ser(claims, &n);
	char *p = sign_cose(f, std_prot(f), 13, cbor_move(cbor_new_definite_map(0)), bytes, n, 18);
	free(bytes);
	return p;
}

static void test_cose_forms(void **state)
{
	struct fixture *f = *state;
	cbor_item_t *claims = claims_of(f, 1);
	size_t n = 0;
	uint8_t *bytes = ser(claims, &n);
	struct cert_verified v;
	char *p;

	/* the spec's forms: without tag 18, with the CWT tag 61 around it */
	static const int tag_forms[] = {0, 18, 61};
	for (size_t i = 0; i < 3; i++) {
		p = sign_cose(f, std_prot(f), 13, cbor_move(cbor_new_definite_map(0)), bytes, n,
			      tag_forms[i]);
		assert_true(fully_valid(cert_dcc_verify(p, f->trust, T_NOW, &v), &v));
		free(p);
	}

	/* kid in the unprotected header, alg protected */
	static const uint8_t alg_only[] = {0xa1, 0x01, 0x26};
	cbor_item_t *unprot = cbor_new_definite_map(1);
	assert_true(cbor_map_add(
	    unprot,
	    (struct cbor_pair){.key = cbor_move(cbor_build_uint8(4)),
			       .value = cbor_move(cbor_build_bytestring(f->signer.dcc_kid, 8))}));
	p = sign_cose(f, alg_only, sizeof(alg_only), cbor_move(unprot), bytes, n, 18);
	assert_true(fully_valid(cert_dcc_verify(p, f->trust, T_NOW, &v), &v));
	free(p);

	/* a protected kid of the wrong length wins over a right unprotected one */
	static const uint8_t foo_kid[] = {0xa2, 0x01, 0x26, 0x04, 0x43, 'f', 'o', 'o'};
	unprot = cbor_new_definite_map(1);
	assert_true(cbor_map_add(
	    unprot,
	    (struct cbor_pair){.key = cbor_move(cbor_build_uint8(4)),
			       .value = cbor_move(cbor_build_bytestring(f->signer.dcc_kid, 8))}));
	p = sign_cose(f, foo_kid, sizeof(foo_kid), cbor_move(unprot), bytes, n, 18);
	expect_reason(cert_dcc_verify(p, f->trust, T_NOW, &v), &v, VB_OK, "unknown_kid");
	assert_int_equal(v.signature_valid, 0);
	free(p);

	/* alg PS256 against the (ES256-only) trust list */
	uint8_t ps[14] = {0xa2, 0x01, 0x38, 0x24, 0x04, 0x48};
	memcpy(ps + 6, f->signer.dcc_kid, 8);
	p = sign_cose(f, ps, sizeof(ps), cbor_move(cbor_new_definite_map(0)), bytes, n, 18);
	expect_reason(cert_dcc_verify(p, f->trust, T_NOW, &v), &v, VB_OK, "unsupported_alg");
	/* and against its own EC certificate: a PS256 header on an EC key */
	expect_reason(cert_dcc_verify_dsc(p, f->der, f->der_len, T_NOW, &v), &v, VB_OK,
		      "signature");
	free(p);

	/* crit in the protected header */
	uint8_t crit[16] = {0xa3, 0x01, 0x26, 0x02, 0x81, 0x0a, 0x04, 0x48};
	memcpy(crit + 8, f->signer.dcc_kid, 8);
	p = sign_cose(f, crit, sizeof(crit), cbor_move(cbor_new_definite_map(0)), bytes, n, 18);
	expect_reason(cert_dcc_verify(p, f->trust, T_NOW, &v), &v, VB_EINVAL, "cose");
	free(p);

	/* a protected header that is not a map */
	static const uint8_t not_map[] = {0x82, 0x01, 0x26};
	p = sign_cose(f, not_map, sizeof(not_map), cbor_move(cbor_new_definite_map(0)), bytes, n,
		      18);
	expect_reason(cert_dcc_verify(p, f->trust, T_NOW, &v), &v, VB_EINVAL, "cose");
	free(p);

	/* an unknown signer: decoded, content shown, not valid */
	struct trust *empty = NULL;
	assert_int_equal(trust_new(&empty), VB_OK);
	p = sign_cose(f, std_prot(f), 13, cbor_move(cbor_new_definite_map(0)), bytes, n, 18);
	expect_reason(cert_dcc_verify(p, empty, T_NOW, &v), &v, VB_OK, "unknown_kid");
	assert_int_equal(v.signature_valid, 0);
	assert_string_equal(v.record.family_icao, "ZHANG");
	trust_free(empty);
	free(p);

	free(bytes);
	cbor_decref(&claims);
}

/* One change to the claims of a one-dose DCC, and what verify says. */
struct claims_case {
	const char *name;
	void (*change)(cbor_item_t *claims);
	int rc;
	const char *code;
};

static void ch_no_exp(cbor_item_t *claims)
{
	/* exp (4) becomes an unknown label 5 */
	struct cbor_pair *p = cbor_map_handle(claims);
	cbor_decref(&p[2].key);
	p[2].key = cbor_build_uint8(5);
}
static void ch_iat_text(cbor_item_t *claims)
{
	struct cbor_pair *p = cbor_map_handle(claims);
	cbor_decref(&p[1].value);
	p[1].value = cbor_build_string("1622534400");
}
static void ch_exp_negative(cbor_item_t *claims)
{
	struct cbor_pair *p = cbor_map_handle(claims);
	cbor_decref(&p[2].value);
	p[2].value = cbor_build_negint8(0);
}
static void ch_exp_float(cbor_item_t *claims)
{
	struct cbor_pair *p = cbor_map_handle(claims);
	cbor_decref(&p[2].value);
	p[2].value = cbor_build_float8(T_EXP + 0.75);
}
static void ch_exp_nan(cbor_item_t *claims)
{
	struct cbor_pair *p = cbor_map_handle(claims);
	cbor_decref(&p[2].value);
	p[2].value = cbor_build_float8(NAN);
}
static void ch_hcert_bytes(cbor_item_t *claims)
{
	cbor_item_t *hc = cbor_map_handle(claims)[3].value;
	struct cbor_pair *p = cbor_map_handle(hc);
	cbor_decref(&p[0].value);
	p[0].value = cbor_build_bytestring((const uint8_t *)"\xff\xff", 2);
}
static void ch_no_ver(cbor_item_t *claims)
{
	rename_key(hcert_of(claims), "ver", "version");
}
static void ch_fnt_lower(cbor_item_t *claims)
{
	replace((cbor_item_t *)get(hcert_of(claims), "nam"), "fnt", cbor_build_string("Zhang"));
}
static void ch_no_icao(cbor_item_t *claims)
{
	cbor_item_t *nam = (cbor_item_t *)get(hcert_of(claims), "nam");
	rename_key(nam, "fnt", "fnx");
	rename_key(nam, "gnt", "gnx");
}
static void ch_dob_partial(cbor_item_t *claims)
{
	replace(hcert_of(claims), "dob", cbor_build_string("1980-05"));
}
static void ch_dob_bad(cbor_item_t *claims)
{
	replace(hcert_of(claims), "dob", cbor_build_string("1880-05-17"));
}
static cbor_item_t *entry_of(cbor_item_t *claims)
{
	return cbor_array_handle(get(hcert_of(claims), "v"))[0];
}
static void ch_dn_zero(cbor_item_t *claims)
{
	replace(entry_of(claims), "dn", cbor_build_uint8(0));
}
static void ch_dn_text(cbor_item_t *claims)
{
	replace(entry_of(claims), "dn", cbor_build_string("1"));
}
static void ch_dt_compact(cbor_item_t *claims)
{
	replace(entry_of(claims), "dt", cbor_build_string("20210301"));
}
static void ch_ci_81(cbor_item_t *claims)
{
	char ci[82];
	memset(ci, 'A', 81);
	ci[81] = '\0';
	replace(entry_of(claims), "ci", cbor_build_string(ci));
}
static void ch_mp_100(cbor_item_t *claims)
{
	/* valid for the schema (no length limit) but longer than the record holds */
	char mp[101];
	memset(mp, 'A', 100);
	mp[100] = '\0';
	replace(entry_of(claims), "mp", cbor_build_string(mp));
}
static void ch_no_ma(cbor_item_t *claims)
{
	rename_key(entry_of(claims), "ma", "mx");
}
static void ch_bad_utf8(cbor_item_t *claims)
{
	replace(entry_of(claims), "is", cbor_build_stringn("\xc3\x28", 2));
}
static void ch_two_doses(cbor_item_t *claims)
{
	cbor_item_t *v = (cbor_item_t *)get(hcert_of(claims), "v");
	cbor_item_t *two = cbor_new_definite_array(2);
	assert_true(cbor_array_push(two, cbor_array_handle(v)[0]));
	assert_true(cbor_array_push(two, cbor_array_handle(v)[0]));
	replace(hcert_of(claims), "v", two);
}
static void ch_test_entry(cbor_item_t *claims)
{
	cbor_item_t *t = cbor_new_definite_map(7);
	static const char *const kv[][2] = {
	    {"tg", "840539006"},	 {"tt", "LP6464-4"}, {"sc", "2021-06-01T08:00:00Z"},
	    {"tr", "260415000"},	 {"co", "CN"},	     {"is", "Vaxbus"},
	    {"ci", "URN:UVCI:01:CN:T#1"}};
	for (size_t i = 0; i < 7; i++)
		assert_true(cbor_map_add(
		    t, (struct cbor_pair){.key = cbor_move(cbor_build_string(kv[i][0])),
					  .value = cbor_move(cbor_build_string(kv[i][1]))}));
	cbor_item_t *arr = cbor_new_definite_array(1);
	assert_true(cbor_array_push(arr, cbor_move(t)));
	replace(hcert_of(claims), "v", arr);
	rename_key(hcert_of(claims), "v", "t");
}
static void ch_test_and_v(cbor_item_t *claims)
{
	/* the hcert with a second group "t" beside "v" */
	cbor_item_t *h = hcert_of(claims), *bigger = cbor_new_definite_map(cbor_map_size(h) + 1);
	struct cbor_pair *p = cbor_map_handle(h);
	for (size_t i = 0; i < cbor_map_size(h); i++)
		assert_true(cbor_map_add(bigger, p[i]));
	assert_true(
	    cbor_map_add(bigger, (struct cbor_pair){.key = cbor_move(cbor_build_string("t")),
						    .value = (cbor_item_t *)get(h, "v")}));
	cbor_item_t *hc = cbor_map_handle(claims)[3].value;
	cbor_decref(&cbor_map_handle(hc)[0].value);
	cbor_map_handle(hc)[0].value = bigger;
}

static const struct claims_case claims_cases[] = {
    {"exp missing", ch_no_exp, VB_EINVAL, "cwt"},
    {"iat as text", ch_iat_text, VB_EINVAL, "cwt"},
    {"exp negative", ch_exp_negative, VB_EINVAL, "cwt"},
    {"exp NaN", ch_exp_nan, VB_EINVAL, "cwt"},
    {"hcert not a map", ch_hcert_bytes, VB_EINVAL, "cwt"},
    {"ver missing", ch_no_ver, VB_EINVAL, "schema"},
    {"fnt lowercase", ch_fnt_lower, VB_EINVAL, "schema"},
    {"neither fnt nor gnt", ch_no_icao, VB_EINVAL, "schema"},
    {"dob out of range", ch_dob_bad, VB_EINVAL, "schema"},
    {"dn 0", ch_dn_zero, VB_EINVAL, "schema"},
    {"dn as text", ch_dn_text, VB_EINVAL, "schema"},
    {"dt compact", ch_dt_compact, VB_EINVAL, "schema"},
    {"ci of 81", ch_ci_81, VB_EINVAL, "schema"},
    {"mp of 100", ch_mp_100, VB_EINVAL, "field_size"},
    {"ma missing", ch_no_ma, VB_EINVAL, "schema"},
    {"is not UTF-8", ch_bad_utf8, VB_EINVAL, "cbor"}, /* libcbor checks UTF-8 */
    {"two v entries", ch_two_doses, VB_EINVAL, "schema"},
    {"v and t", ch_test_and_v, VB_EINVAL, "schema"},
    {"a test certificate", ch_test_entry, VB_OK, "not_vaccination"},
};

static void test_claims(void **state)
{
	struct fixture *f = *state;
	for (size_t i = 0; i < sizeof(claims_cases) / sizeof(claims_cases[0]); i++) {
		const struct claims_case *c = &claims_cases[i];
		cbor_item_t *claims = claims_of(f, 1);
		c->change(claims);
		char *p = sign_claims(f, claims);
		struct cert_verified v;
		int rc = cert_dcc_verify(p, f->trust, T_NOW, &v);
		if (rc != c->rc || !v.why.code || strcmp(v.why.code, c->code) != 0)
			fail_msg("%s: want %d %s, got %d %s (%s)", c->name, c->rc, c->code, rc,
				 v.why.code ? v.why.code : "-", v.why.text);
		/* the signature itself was good */
		assert_int_equal(v.signature_valid, 1);
		free(p);
		cbor_decref(&claims);
	}
	/* a floating-point NumericDate is valid (RFC 8392), fractions cut */
	cbor_item_t *fl = claims_of(f, 1);
	ch_exp_float(fl);
	char *pf = sign_claims(f, fl);
	struct cert_verified vf;
	assert_true(fully_valid(cert_dcc_verify(pf, f->trust, T_NOW, &vf), &vf));
	assert_int_equal(vf.expires_at, T_EXP);
	free(pf);
	cbor_decref(&fl);
	/* a partial dob is valid: no birth date in the record */
	cbor_item_t *claims = claims_of(f, 1);
	ch_dob_partial(claims);
	char *p = sign_claims(f, claims);
	struct cert_verified v;
	assert_true(fully_valid(cert_dcc_verify(p, f->trust, T_NOW, &v), &v));
	assert_int_equal(v.record.birth, VBDATE_NONE);
	free(p);
	cbor_decref(&claims);
}

/* ---- transport refusals ---- */

/* "HC1:" + base45 of n bytes. */
static char *hc1(const uint8_t *bytes, size_t n)
{
	size_t tl = base45_encoded_len(n);
	char *p = malloc(tl + 5);
	assert_non_null(p);
	memcpy(p, "HC1:", 4);
	assert_int_equal(base45_encode(bytes, n, p + 4, tl + 1), VB_OK);
	return p;
}

static char *zipped(const uint8_t *bytes, size_t n)
{
	uLongf zl = compressBound(n);
	uint8_t *z = malloc(zl);
	assert_int_equal(compress2(z, &zl, bytes, n, 9), Z_OK);
	char *p = hc1(z, zl);
	free(z);
	return p;
}

static void test_transport(void **state)
{
	struct fixture *f = *state;
	struct cert_verified v;
	struct {
		const char *text;
		const char *code;
	} texts[] = {
	    {"", "bad_prefix"},
	    {"HC1", "bad_prefix"},
	    {"HC2:NCFOXN%TS3DH", "bad_prefix"},
	    {"hc1:NCFOXN%TS3DH", "bad_prefix"},
	    {"NCFOXN%TS3DH", "bad_prefix"},
	    {"HC1:NCFOXN%TS3D", "base45"}, /* dangling character */
	    {"HC1:NCFOXN%TS3Dh", "base45"},
	    {"HC1:", "zlib"},
	};
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++)
		expect_reason(cert_dcc_verify(texts[i].text, f->trust, T_NOW, &v), &v, VB_EINVAL,
			      texts[i].code);

	/* longer than any QR code holds */
	char *big = malloc(CERT_DCC_TEXT_MAX + 2);
	memcpy(big, "HC1:", 4);
	memset(big + 4, '0', CERT_DCC_TEXT_MAX - 2);
	big[CERT_DCC_TEXT_MAX + 1] = '\0';
	expect_reason(cert_dcc_verify(big, f->trust, T_NOW, &v), &v, VB_EINVAL, "payload_size");
	free(big);

	/* neither zlib nor COSE */
	char *p = hc1((const uint8_t *)"\x01\x02\x03", 3);
	expect_reason(cert_dcc_verify(p, f->trust, T_NOW, &v), &v, VB_EINVAL, "zlib");
	free(p);
	/* a zlib stream cut short */
	uLongf zl = 64;
	uint8_t z[64];
	assert_int_equal(compress2(z, &zl, (const uint8_t *)"0123456789abcdef", 16, 9), Z_OK);
	p = hc1(z, zl - 3);
	expect_reason(cert_dcc_verify(p, f->trust, T_NOW, &v), &v, VB_EINVAL, "zlib");
	free(p);
	/* bytes after the zlib stream */
	z[zl] = 0;
	p = hc1(z, zl + 1);
	expect_reason(cert_dcc_verify(p, f->trust, T_NOW, &v), &v, VB_EINVAL, "zlib");
	free(p);
	/* a zlib bomb: 1 MiB of zeros */
	uint8_t *zeros = calloc(1, 1 << 20);
	p = zipped(zeros, 1 << 20);
	assert_true(strlen(p) < CERT_DCC_TEXT_MAX);
	expect_reason(cert_dcc_verify(p, f->trust, T_NOW, &v), &v, VB_EINVAL, "zlib");
	free(p);
	free(zeros);

	/* CBOR: not well-formed, trailing bytes, too deep */
	p = zipped((const uint8_t *)"\xd2\x84\x40", 3);
	expect_reason(cert_dcc_verify(p, f->trust, T_NOW, &v), &v, VB_EINVAL, "cbor");
	free(p);
	p = zipped((const uint8_t *)"\x84\x40\xa0\x40\x40\x00", 6);
	expect_reason(cert_dcc_verify(p, f->trust, T_NOW, &v), &v, VB_EINVAL, "cbor");
	free(p);
	uint8_t deep[200];
	memset(deep, 0x81, sizeof(deep) - 1);
	deep[sizeof(deep) - 1] = 0x00;
	p = zipped(deep, sizeof(deep));
	expect_reason(cert_dcc_verify(p, f->trust, T_NOW, &v), &v, VB_EINVAL, "cbor");
	free(p);
	/* a map header claiming 2^32 pairs */
	p = zipped((const uint8_t *)"\xbb\x00\x00\x00\x01\x00\x00\x00\x00", 9);
	expect_reason(cert_dcc_verify(p, f->trust, T_NOW, &v), &v, VB_EINVAL, "cbor");
	free(p);
	/* well-formed, but not a COSE_Sign1 */
	p = zipped((const uint8_t *)"\xd2\x83\x40\xa0\x40", 5);
	expect_reason(cert_dcc_verify(p, f->trust, T_NOW, &v), &v, VB_EINVAL, "cose");
	free(p);
	p = zipped((const uint8_t *)"\xd8\x13\x84\x40\xa0\x40\x40", 7); /* tag 19 */
	expect_reason(cert_dcc_verify(p, f->trust, T_NOW, &v), &v, VB_EINVAL, "cose");
	free(p);
	p = zipped((const uint8_t *)"\xd2\xd2\x84\x40\xa0\x40\x40", 7); /* tag 18 twice */
	expect_reason(cert_dcc_verify(p, f->trust, T_NOW, &v), &v, VB_EINVAL, "cbor");
	free(p);
	p = zipped((const uint8_t *)"\xd2\xd8\x3d\x84\x40\xa0\x40\x40", 8); /* 61 inside 18 */
	expect_reason(cert_dcc_verify(p, f->trust, T_NOW, &v), &v, VB_EINVAL, "cose");
	free(p);
	p = zipped((const uint8_t *)"\xd2\x84\x40\xa0\xf6\x40", 6); /* detached payload */
	expect_reason(cert_dcc_verify(p, f->trust, T_NOW, &v), &v, VB_EINVAL, "cose");
	free(p);
}

static void test_uncompressed(void **state)
{
	struct fixture *f = *state;
	struct ddcc_record r;
	sample(&r, 1);
	char *p = issue(f, &r);
	size_t len = 0;
	uint8_t *cose = unwrap(p, &len);
	char *raw = hc1(cose, len);
	uint8_t *back = NULL;
	size_t back_len = 0;
	int compressed = -1;
	assert_int_equal(cert_dcc_unwrap(raw, &back, &back_len, &compressed, NULL), VB_OK);
	assert_int_equal(compressed, 0);
	assert_int_equal(back_len, len);
	assert_memory_equal(back, cose, len);
	struct cert_verified v;
	assert_true(fully_valid(cert_dcc_verify(raw, f->trust, T_NOW, &v), &v));
	assert_non_null(strstr(v.why.text, "not zlib-compressed"));
	check_record(&r, &v);
	/* the compressed one carries no such note */
	assert_true(fully_valid(cert_dcc_verify(p, f->trust, T_NOW, &v), &v));
	assert_string_equal(v.why.text, "");
	free(back);
	free(raw);
	free(cose);
	free(p);
}

static void test_validity_window(void **state)
{
	struct fixture *f = *state;
	struct ddcc_record r;
	sample(&r, 2);
	char *p = issue(f, &r);
	struct cert_verified v;
	struct {
		int64_t now;
		const char *code; /* NULL: valid */
		int expired;
	} at[] = {
	    {T_IAT - 1, "not_yet_valid", 0}, {T_IAT, NULL, 0},	      {T_EXP, NULL, 0},
	    {T_EXP + 1, "expired", 1},	     {0, "not_yet_valid", 0},
	};
	for (size_t i = 0; i < sizeof(at) / sizeof(at[0]); i++) {
		int rc = cert_dcc_verify(p, f->trust, at[i].now, &v);
		assert_int_equal(rc, VB_OK);
		assert_int_equal(v.signature_valid, 1);
		assert_int_equal(v.expired, at[i].expired);
		if (at[i].code)
			expect_reason(rc, &v, VB_OK, at[i].code);
		else
			assert_null(v.why.code);
		check_record(&r, &v); /* decoded either way */
	}
	free(p);
}

static void test_issue_refusals(void **state)
{
	struct fixture *f = *state;
	struct ddcc_record r;
	char *p = NULL;
	struct vb_reason why = {0};
	static const char *const names[] = {"disease",	   "fnt lowercase", "no doses",
					    "country CHN", "issuer of 81",  "iss lowercase",
					    "ci empty",	   "dn 0",	    "exp before iat",
					    "no vp",	   "born 1899",	    "fn of 81"};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		sample(&r, 2);
		switch (i) {
		case 0:
			snprintf(r.disease, sizeof(r.disease), "840539007");
			break;
		case 1:
			snprintf(r.family_icao, sizeof(r.family_icao), "Zhang");
			break;
		case 2:
			r.n_doses = 0;
			break;
		case 3:
			snprintf(r.doses[1].country, sizeof(r.doses[1].country), "C1");
			break;
		case 4:
			memset(r.issuer, 'x', 81);
			r.issuer[81] = '\0';
			break;
		case 5:
			snprintf(r.issuer_country, sizeof(r.issuer_country), "cn");
			break;
		case 6:
			r.certificate_id[0] = '\0';
			break;
		case 7:
			r.doses[1].dose_number = 0;
			break;
		case 8:
			r.expires_at = r.issued_at;
			break;
		case 9:
			r.doses[1].vaccine_code[0] = '\0';
			break;
		case 10:
			r.birth = day("1899-12-31");
			break;
		case 11:
			memset(r.family, 'a', 81);
			r.family[81] = '\0';
			break;
		}
		int rc = cert_dcc_issue(&r, &f->signer, &p, &why);
		if (rc != VB_EINVAL || !why.code)
			fail_msg("%s: rc %d", names[i], rc);
		assert_null(p);
	}
	/* 40 characters of 3 bytes each: 120 bytes, within the 80-character limit */
	sample(&r, 1);
	for (size_t k = 0; k < 40; k++)
		memcpy(r.family + 3 * k, "张", 3);
	r.family[120] = '\0';
	p = issue(f, &r);
	struct cert_verified v;
	assert_true(fully_valid(cert_dcc_verify(p, f->trust, T_NOW, &v), &v));
	assert_string_equal(v.record.family, r.family);
	free(p);
	p = NULL;
	/* a public key cannot sign */
	uint8_t x[32], y[32];
	struct cert_key *pub = NULL;
	assert_int_equal(cert_key_xy(f->key, x, y), VB_OK);
	assert_int_equal(cert_key_from_xy(x, y, &pub), VB_OK);
	struct cert_signer s = {.key = pub};
	memcpy(s.dcc_kid, f->signer.dcc_kid, 8);
	sample(&r, 1);
	assert_int_not_equal(cert_dcc_issue(&r, &s, &p, &why), VB_OK);
	assert_null(p);
	cert_key_free(pub);
}

/* The single-certificate path refuses a DCC its certificate did not sign
 * (key usage is covered by the dgc-testdata vectors). */
static void test_dsc(void **state)
{
	struct fixture *f = *state;
	struct ddcc_record r;
	sample(&r, 1);
	char *p = issue(f, &r);
	struct cert_verified v;
	/* a certificate from another key: its kid does not match */
	struct cert_key *other = NULL;
	uint8_t *der = NULL;
	size_t len = 0;
	assert_int_equal(cert_key_generate(&other), VB_OK);
	assert_int_equal(cert_key_x509(other, "CN", "other", T_IAT, T_EXP, &der, &len), VB_OK);
	expect_reason(cert_dcc_verify_dsc(p, der, len, T_NOW, &v), &v, VB_OK, "unknown_kid");
	/* garbage instead of a certificate trusts nothing */
	expect_reason(cert_dcc_verify_dsc(p, (const uint8_t *)"\x30\x03\x02\x01\x01", 5, T_NOW, &v),
		      &v, VB_OK, "unknown_kid");
	free(der);
	cert_key_free(other);
	free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_round_trip),	   cmocka_unit_test(test_structure),
	    cmocka_unit_test(test_qr_size),	   cmocka_unit_test(test_tamper_bits),
	    cmocka_unit_test(test_tamper_base45),  cmocka_unit_test(test_cose_forms),
	    cmocka_unit_test(test_claims),	   cmocka_unit_test(test_transport),
	    cmocka_unit_test(test_uncompressed),   cmocka_unit_test(test_validity_window),
	    cmocka_unit_test(test_issue_refusals), cmocka_unit_test(test_dsc),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
