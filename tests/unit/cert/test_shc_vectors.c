/*
 * SMART Health Card public vectors, read in place from
 * ../shared/vectors/certs/shc (see tests/support/cert_vectors.h):
 *
 * - spec-examples: every example JWS and single-QR numeric payload
 *   verifies with the issuer's jwks.json at a clock after nbf (before
 *   example 03's exp) and decodes to the Patient and Immunizations of its
 *   example-NN-a-fhirBundle.json; example 02's three (deprecated) chunks
 *   are each refused as "chunked" and verify once joined.
 * - dev-tools: each bad case is refused with the reason that matches, in
 *   kind, the error its test in health-cards-dev-tools (tests/card.test.ts,
 *   tests/api.test.ts) expects; the cases dev-tools itself passes (the
 *   1195-character card; bad FHIR metadata, a warning there) verify here.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <qrencode.h>

#include "cert_shc.h"
#include "cert_vectors.h"
#include "trust.h"
#include "vbdate.h"

#define SPEC_ISS "https://spec.smarthealth.cards/examples/issuer"
#define CLOCK	 1700000000 /* 2023-11-14: after every nbf, before example 03's exp */
#define EX03_EXP 1718986764

static struct trust *trust;

static int setup(void **state)
{
	(void)state;
	if (!cert_vectors_present())
		return 0;
	char *jwks = cert_vectors_read("shc/spec-examples/jwks.json", NULL);
	assert_non_null(jwks);
	assert_int_equal(trust_new(&trust), VB_OK);
	size_t added = 0;
	struct vb_reason why = {0};
	assert_int_equal(trust_add_jwks(trust, SPEC_ISS, jwks, &added, &why), VB_OK);
	assert_int_equal(added, 2);
	free(jwks);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	trust_free(trust);
	trust = NULL;
	return 0;
}

static void need_vectors(void)
{
	if (!trust) {
		print_message("SKIP: the SHC vectors folder (../shared/vectors/certs) is absent\n");
		skip();
	}
}

static char *read_vector(const char *rel)
{
	char *s = cert_vectors_read(rel, NULL);
	if (!s)
		print_error("cannot read %s\n", rel);
	assert_non_null(s);
	return s;
}

static int32_t day(const char *s)
{
	int32_t d = 0;
	assert_int_equal(vbdate_parse(s, &d), VB_OK);
	return d;
}

/* ---- spec examples ---- */

/* The record must hold the Patient and Immunizations of the bundle file. */
static void check_against_bundle(const struct cert_verified *v, const char *bundle_rel)
{
	char *text = read_vector(bundle_rel);
	json_error_t err;
	json_t *b = json_loads(text, 0, &err);
	assert_non_null(b);
	free(text);
	json_t *entries = json_object_get(b, "entry");
	size_t doses = 0;
	int patient = 0;
	for (size_t i = 0; i < json_array_size(entries); i++) {
		json_t *res = json_object_get(json_array_get(entries, i), "resource");
		const char *type = json_string_value(json_object_get(res, "resourceType"));
		if (strcmp(type, "Patient") == 0) {
			patient = 1;
			json_t *name = json_array_get(json_object_get(res, "name"), 0);
			assert_string_equal(v->record.family,
					    json_string_value(json_object_get(name, "family")));
			char given[DDCC_TEXT] = "";
			json_t *g = json_object_get(name, "given");
			for (size_t k = 0; k < json_array_size(g); k++) {
				if (k)
					strcat(given, " ");
				strcat(given, json_string_value(json_array_get(g, k)));
			}
			assert_string_equal(v->record.given, given);
			assert_int_equal(v->record.birth,
					 day(json_string_value(json_object_get(res, "birthDate"))));
		} else if (strcmp(type, "Immunization") == 0) {
			/* Our record keeps them oldest first; the examples list
			 * them so too. */
			assert_true(doses < v->record.n_doses);
			const struct ddcc_dose *d = &v->record.doses[doses++];
			assert_int_equal(d->date, day(json_string_value(
						      json_object_get(res, "occurrenceDateTime"))));
			assert_string_equal(d->lot,
					    json_string_value(json_object_get(res, "lotNumber")));
			json_t *c = json_array_get(
			    json_object_get(json_object_get(res, "vaccineCode"), "coding"), 0);
			assert_string_equal(json_string_value(json_object_get(c, "system")),
					    CERT_SHC_CVX_SYSTEM);
			assert_string_equal(d->cvx, json_string_value(json_object_get(c, "code")));
			json_t *disp = json_object_get(
			    json_object_get(json_array_get(json_object_get(res, "performer"), 0),
					    "actor"),
			    "display");
			assert_string_equal(d->performer, json_string_value(disp));
		}
	}
	assert_int_equal(v->record.n_doses, doses);
	if (!patient) {
		assert_string_equal(v->record.family, "");
		assert_int_equal(v->record.birth, VBDATE_NONE);
	}
	json_decref(b);
}

static const struct {
	const char *file, *bundle, *kid;
} examples[] = {
    {"example-00-d-jws.txt", "example-00-a-fhirBundle.json",
     "3Kfdg-XwP-7gXyywtUfUADwBumDOPKMQx-iELL11W9s"},
    {"example-00-f-qr-code-numeric-value-0.txt", "example-00-a-fhirBundle.json",
     "3Kfdg-XwP-7gXyywtUfUADwBumDOPKMQx-iELL11W9s"},
    {"example-01-d-jws.txt", "example-01-a-fhirBundle.json",
     "EBKOr72QQDcTBUuVzAzkfBTGew0ZA16GuWty64nS-sw"},
    {"example-01-f-qr-code-numeric-value-0.txt", "example-01-a-fhirBundle.json",
     "EBKOr72QQDcTBUuVzAzkfBTGew0ZA16GuWty64nS-sw"},
    {"example-02-d-jws.txt", "example-02-a-fhirBundle.json",
     "3Kfdg-XwP-7gXyywtUfUADwBumDOPKMQx-iELL11W9s"},
    {"example-03-d-jws.txt", "example-03-a-fhirBundle.json",
     "3Kfdg-XwP-7gXyywtUfUADwBumDOPKMQx-iELL11W9s"},
    {"example-03-f-qr-code-numeric-value-0.txt", "example-03-a-fhirBundle.json",
     "3Kfdg-XwP-7gXyywtUfUADwBumDOPKMQx-iELL11W9s"},
};

static size_t n_verified;

static void verify_ok(const char *payload, const char *label, const char *kid,
		      struct cert_verified *v)
{
	int rc = cert_shc_verify(payload, trust, CLOCK, v);
	if (rc || v->why.code)
		print_error("%s: rc %d %s (%s)\n", label, rc, v->why.code ? v->why.code : "",
			    v->why.text);
	assert_int_equal(rc, VB_OK);
	assert_null(v->why.code);
	assert_int_equal(v->signature_valid, 1);
	assert_string_equal(v->issuer, SPEC_ISS);
	if (kid)
		assert_string_equal(v->kid, kid);
	n_verified++;
}

static void test_spec_examples(void **state)
{
	(void)state;
	need_vectors();
	for (size_t i = 0; i < sizeof examples / sizeof examples[0]; i++) {
		char rel[128], brel[128];
		snprintf(rel, sizeof rel, "shc/spec-examples/%s", examples[i].file);
		snprintf(brel, sizeof brel, "shc/spec-examples/%s", examples[i].bundle);
		char *text = read_vector(rel);
		struct cert_verified v;
		verify_ok(text, examples[i].file, examples[i].kid, &v);
		check_against_bundle(&v, brel);
		print_message("verified %s: %zu dose(s)\n", examples[i].file, v.record.n_doses);
		free(text);
	}

	/* The documented patients, spelled out. */
	struct cert_verified v;
	char *text = read_vector("shc/spec-examples/example-00-f-qr-code-numeric-value-0.txt");
	verify_ok(text, "example 00", NULL, &v);
	n_verified--;
	assert_string_equal(v.record.family, "Anyperson");
	assert_string_equal(v.record.given, "John B.");
	assert_int_equal(v.record.birth, day("1951-01-20"));
	assert_int_equal(v.record.n_doses, 3);
	assert_int_equal(v.record.doses[0].date, day("2021-01-01"));
	assert_string_equal(v.record.doses[0].cvx, "207");
	assert_string_equal(v.record.doses[0].lot, "0000001");
	assert_int_equal(v.record.doses[2].date, day("2022-09-05"));
	assert_string_equal(v.record.doses[2].cvx, "229");
	assert_string_equal(v.record.doses[2].performer, "ABC General Hospital");
	assert_int_equal(v.issued_at, 1687450764); /* nbf 1687450764.656 */
	assert_int_equal(v.expires_at, 0);

	/* Before nbf: the signature checks but the card is not yet valid. */
	assert_int_equal(cert_shc_verify(text, trust, 1687450764, &v), VB_OK);
	assert_string_equal(v.why.code, "not_yet_valid");
	assert_int_equal(v.signature_valid, 1);
	/* A stranger's trust list knows no such issuer. */
	struct trust *empty = NULL;
	assert_int_equal(trust_new(&empty), VB_OK);
	assert_int_equal(cert_shc_verify(text, empty, CLOCK, &v), VB_OK);
	assert_string_equal(v.why.code, "unknown_issuer");
	trust_free(empty);
	/* One digit changed. */
	text[100] = text[100] == '0' ? '1' : '0';
	cert_shc_verify(text, trust, CLOCK, &v);
	assert_int_equal(v.signature_valid, 0);
	assert_non_null(v.why.code);
	free(text);

	text = read_vector("shc/spec-examples/example-03-d-jws.txt");
	verify_ok(text, "example 03", NULL, &v);
	n_verified--;
	assert_string_equal(v.record.family, "Revoked");
	assert_string_equal(v.record.given, "Johnny");
	assert_int_equal(v.record.birth, day("1960-04-22"));
	assert_int_equal(v.record.n_doses, 2);
	assert_int_equal(v.expires_at, EX03_EXP);
	assert_int_equal(v.expired, 0);
	assert_int_equal(cert_shc_verify(text, trust, EX03_EXP + 1, &v), VB_OK);
	assert_string_equal(v.why.code, "expired");
	assert_int_equal(v.expired, 1);
	free(text);

	/* Each numeric file is its JWS file, two digits per character. */
	static const char *const pairs[][2] = {
	    {"example-00-f-qr-code-numeric-value-0.txt", "example-00-d-jws.txt"},
	    {"example-01-f-qr-code-numeric-value-0.txt", "example-01-d-jws.txt"},
	    {"example-03-f-qr-code-numeric-value-0.txt", "example-03-d-jws.txt"},
	};
	for (size_t i = 0; i < 3; i++) {
		char a[128], b[128];
		snprintf(a, sizeof a, "shc/spec-examples/%s", pairs[i][0]);
		snprintf(b, sizeof b, "shc/spec-examples/%s", pairs[i][1]);
		char *num = read_vector(a), *jws = read_vector(b);
		char out[CERT_SHC_JWS_MAX + 1];
		size_t n = 0;
		struct vb_reason why = {0};
		assert_int_equal(cert_shc_numeric_decode(num, out, sizeof out, &n, &why), VB_OK);
		assert_string_equal(out, jws);
		char *again = NULL;
		assert_int_equal(cert_shc_numeric_encode(jws, &again), VB_OK);
		assert_string_equal(again, num);
		free(again);
		/* One QR at ECC L, numeric segment. */
		QRcode *qr = NULL;
		assert_int_equal(cert_shc_qr(num, &qr), VB_OK);
		print_message("%s: %zu-character JWS -> QR version %d at ECC L\n", pairs[i][0], n,
			      qr->version);
		assert_true(qr->version <= CERT_SHC_QR_MAX_VERSION);
		QRcode_free(qr);
		free(num);
		free(jws);
	}
}

/* Example 02 is split over three QR codes (deprecated): each chunk alone
 * is refused; the digits joined in order are the card. */
static void test_spec_chunks(void **state)
{
	(void)state;
	need_vectors();
	char *joined = malloc(5 + 2 * CERT_SHC_JWS_MAX + 1);
	assert_non_null(joined);
	strcpy(joined, "shc:/");
	for (int i = 0; i < 3; i++) {
		char rel[128];
		snprintf(rel, sizeof rel,
			 "shc/spec-examples/example-02-f-qr-code-numeric-value-%d.txt", i);
		char *text = read_vector(rel);
		struct cert_verified v;
		assert_int_equal(cert_shc_verify(text, trust, CLOCK, &v), VB_EINVAL);
		assert_string_equal(v.why.code, "chunked");
		char head[16];
		snprintf(head, sizeof head, "shc:/%d/3/", i + 1);
		assert_memory_equal(text, head, strlen(head));
		assert_true(strlen(joined) + strlen(text + strlen(head)) <=
			    5 + 2 * CERT_SHC_JWS_MAX);
		strcat(joined, text + strlen(head));
		free(text);
	}
	struct cert_verified v;
	verify_ok(joined, "example 02 joined", "3Kfdg-XwP-7gXyywtUfUADwBumDOPKMQx-iELL11W9s", &v);
	check_against_bundle(&v, "shc/spec-examples/example-02-a-fhirBundle.json");
	assert_int_equal(v.record.n_doses, 0); /* a lab result card */
	print_message("verified example-02-f chunks 1..3 joined (%zu digits)\n",
		      strlen(joined) - 5);
	free(joined);
}

/* ---- dev-tools ---- */

enum kind {
	K_ENCODING,  /* QR text / numeric / base64url framing */
	K_STRUCTURE, /* JWS header, DEFLATE, JSON, payload shape */
	K_TRUST,     /* no key for (iss, kid) */
	K_SIGNATURE, /* the signature bytes */
};

static const char *const kind_names[] = {"encoding", "structure", "trust", "signature"};

static enum kind kind_of(const char *code)
{
	static const struct {
		const char *code;
		enum kind kind;
	} map[] = {
	    {"bad_prefix", K_ENCODING},
	    {"chunked", K_ENCODING},
	    {"numeric", K_ENCODING},
	    {"too_long", K_ENCODING},
	    {"jws", K_ENCODING},
	    {"base64url", K_ENCODING},
	    {"jws_header", K_STRUCTURE},
	    {"zlib", K_STRUCTURE},
	    {"json", K_STRUCTURE},
	    {"schema", K_STRUCTURE},
	    {"bad_url", K_STRUCTURE},
	    {"unknown_issuer", K_TRUST},
	    {"unknown_kid", K_TRUST},
	    {"signature", K_SIGNATURE},
	    {"signature_format", K_SIGNATURE},
	};
	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
		if (strcmp(map[i].code, code) == 0)
			return map[i].kind;
	fail_msg("unmapped reason %s", code);
	return K_ENCODING;
}

/*
 * Each bad case, the error dev-tools expects for it, its kind, and the
 * reason we give. dev-tools' JWS_VERIFICATION_ERROR for a kid no key has
 * is a trust failure here (unknown_kid): no signature is checked without
 * a key.
 */
static const struct {
	const char *file, *devtools;
	enum kind kind;
	const char *code;
} bad[] = {
    {"test-example-00-d-jws-der-signature.txt", "SIGNATURE_FORMAT_ERROR", K_SIGNATURE,
     "signature_format"},
    {"test-example-00-d-jws-der-signature-r-neg.txt", "SIGNATURE_FORMAT_ERROR", K_SIGNATURE,
     "signature_format"},
    {"test-example-00-d-jws-der-signature-s-neg.txt", "SIGNATURE_FORMAT_ERROR", K_SIGNATURE,
     "signature_format"},
    {"test-example-00-d-jws-der-signature-rs-neg.txt", "SIGNATURE_FORMAT_ERROR", K_SIGNATURE,
     "signature_format"},
    {"test-example-00-d-jws-invalid-signature.txt", "JWS_VERIFICATION_ERROR", K_SIGNATURE,
     "signature"},
    {"test-example-00-d-jws-wrong_jws_header_kid.txt", "JWS_VERIFICATION_ERROR (no key)", K_TRUST,
     "unknown_kid"},
    {"test-example-00-d-jws-issuer-kid-mismatch.txt", "ISSUER_KID_MISMATCH", K_TRUST,
     "unknown_kid"},
    {"test-example-00-d-jws-issuer-not-valid-with-smart-key.txt",
     "ISSUER_KEY_DOWNLOAD_ERROR + JWS_VERIFICATION_ERROR", K_TRUST, "unknown_issuer"},
    {"test-example-00-d-jws-no_jws_header_alg.txt", "JWS_HEADER_ERROR", K_STRUCTURE, "jws_header"},
    {"test-example-00-d-jws-no_jws_header_kid.txt", "JWS_HEADER_ERROR", K_STRUCTURE, "jws_header"},
    {"test-example-00-d-jws-no_jws_header_zip.txt", "JWS_HEADER_ERROR", K_STRUCTURE, "jws_header"},
    {"test-example-00-d-jws-no_deflate.txt", "JWS_HEADER_ERROR + INFLATION_ERROR", K_STRUCTURE,
     "jws_header"},
    {"test-example-00-d-jws-utf8_bom_prefix.txt", "TRAILING_CHARACTERS (payload BOM)", K_STRUCTURE,
     "json"},
    /* dev-tools' JWS_TOO_LONG is a warning (example 02's 3285-character JWS
     * passes with it); what makes this card bad is its pre-1.0 payload
     * (iat, no nbf, a wrong vc type), refused as schema. */
    {"test-example-00-d-jws-jws_too_long.txt", "JWS_TOO_LONG (old payload: no nbf)", K_STRUCTURE,
     "schema"},
    {"test-example-00-d-jws-trailing_chars.txt", "TRAILING_CHARACTERS", K_ENCODING, "bad_prefix"},
    {"test-example-00-f-qr-code-numeric-value-0-trailing_chars.txt", "TRAILING_CHARACTERS",
     K_ENCODING, "bad_prefix"},
    {"test-example-00-f-qr-code-numeric-value-0-wrong_qr_header.txt", "INVALID_NUMERIC_QR_HEADER",
     K_ENCODING, "bad_prefix"},
    {"test-example-00-f-qr-code-numeric-value-0-wrong-multi-chunk.txt", "INVALID_NUMERIC_QR_HEADER",
     K_ENCODING, "bad_prefix"},
    {"test-example-00-f-qr-code-numeric-value-0-index-out-of-range.txt",
     "INVALID_NUMERIC_QR_HEADER", K_ENCODING, "bad_prefix"},
    {"test-example-00-f-qr-code-numeric-value-0-odd-count.txt", "INVALID_NUMERIC_QR", K_ENCODING,
     "numeric"},
    {"test-example-00-f-qr-code-numeric-value-0-number-too-big.txt", "INVALID_NUMERIC_QR",
     K_ENCODING, "numeric"},
    {"test-example-00-f-qr-code-numeric-value-0-qr_chunk_too_small.txt",
     "QR_CHUNKING_DEPRECATED + INVALID_QR", K_ENCODING, "chunked"},
    {"test-example-02-f-qr-code-numeric-value-0-qr_chunk_too_big.txt",
     "QR_CHUNKING_DEPRECATED + INVALID_NUMERIC_QR", K_ENCODING, "chunked"},
    {"test-example-02-f-qr-code-numeric-value-1-qr_chunk_too_big.txt",
     "QR_CHUNKING_DEPRECATED + INVALID_NUMERIC_QR", K_ENCODING, "chunked"},
};

/* QR images: symbol-level checks (version, segments, damage) belong to
 * the printer and the scanner; the verifier is given decoded text. */
static const char *const images[] = {
    "test-example-00-g-qr-code-0-bad_qr_version.png",
    "test-example-00-g-qr-code-0-corrupted.png",
    "test-example-00-g-qr-code-0-single_qr_segment.png",
    "test-example-00-g-qr-code-0-too_many_qr_segment.png",
    "test-example-00-g-qr-code-inflated-to-v22.png",
};

static void test_devtools_bad(void **state)
{
	(void)state;
	need_vectors();
	size_t refused = 0, by_kind[4] = {0};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char rel[160];
		snprintf(rel, sizeof rel, "shc/dev-tools/%s", bad[i].file);
		char *text = read_vector(rel);
		struct cert_verified v;
		int rc = cert_shc_verify(text, trust, CLOCK, &v);
		print_message("%-66s dev-tools %s -> %s (%s)\n", bad[i].file, bad[i].devtools,
			      v.why.code ? v.why.code : "ACCEPTED", v.why.text);
		assert_true(rc == VB_OK || rc == VB_EINVAL);
		assert_int_equal(v.signature_valid, 0);
		assert_non_null(v.why.code);
		if (strcmp(bad[i].code, "unknown_kid") == 0)
			assert_string_equal(v.why.code, "unknown_kid");
		else
			assert_string_equal(v.why.code, bad[i].code);
		assert_int_equal(kind_of(v.why.code), bad[i].kind);
		/* Decoding failures are VB_EINVAL; trust and signature ones VB_OK. */
		assert_int_equal(rc, bad[i].kind >= K_TRUST ? VB_OK : VB_EINVAL);
		refused++;
		by_kind[bad[i].kind]++;
		free(text);
	}
	assert_int_equal(refused, sizeof bad / sizeof bad[0]);
	print_message("shc dev-tools: %zu bad cases refused (", refused);
	for (int k = 0; k < 4; k++)
		print_message("%s%s %zu", k ? ", " : "", kind_names[k], by_kind[k]);
	print_message("); %zu QR images not applicable to a text verifier:",
		      sizeof images / sizeof images[0]);
	for (size_t i = 0; i < sizeof images / sizeof images[0]; i++)
		print_message(" %s", images[i]);
	print_message("\n");
}

/* The cases dev-tools passes: the largest card one QR holds, and a card
 * with extra FHIR metadata (only a warning there). */
static void test_devtools_valid(void **state)
{
	(void)state;
	need_vectors();
	struct cert_verified v;
	char *text = read_vector("shc/dev-tools/test-example-1195-byte-qrnumeric.txt");
	verify_ok(text, "1195-byte", NULL, &v);
	size_t digits = strlen(text) - 5;
	QRcode *qr = NULL;
	assert_int_equal(cert_shc_qr(text, &qr), VB_OK);
	print_message("test-example-1195-byte-qrnumeric.txt: %zu-character JWS -> QR version %d "
		      "at ECC L\n",
		      digits / 2, qr->version);
	assert_true(qr->version <= CERT_SHC_QR_MAX_VERSION);
	QRcode_free(qr);
	free(text);

	text = read_vector("shc/dev-tools/test-example-00-d-jws-bad-fhir-metadata.txt");
	verify_ok(text, "bad-fhir-metadata", NULL, &v);
	/* Its vaccine codes use a made-up system: no CVX code is read. */
	assert_int_equal(v.record.n_doses, 2);
	assert_string_equal(v.record.doses[0].cvx, "");
	assert_string_equal(v.record.doses[0].lot, "0000001");
	free(text);
	print_message("shc vectors: %zu examples verified\n", n_verified);
}

/* The dev-tools issuer key files (tests/keys.test.ts): the valid one is
 * taken, each wrong one refused by trust_add_jwks with its reason. */
static void test_devtools_keys(void **state)
{
	(void)state;
	need_vectors();
	static const struct {
		const char *file, *code; /* code NULL: accepted */
	} keys[] = {
	    {"valid_key.json", NULL},
	    {"wrong_kty_key.json", "jwk_kty"},
	    {"wrong_curve_key.json", "jwk_crv"},
	    {"wrong_alg_key.json", "jwk_alg"},
	    {"wrong_use_key.json", "jwk_use"},
	    {"wrong_kid_key.json", "kid_mismatch"},
	};
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		char rel[128];
		snprintf(rel, sizeof rel, "shc/dev-tools/%s", keys[i].file);
		char *jwks = read_vector(rel);
		struct trust *t = NULL;
		assert_int_equal(trust_new(&t), VB_OK);
		size_t added = 0;
		struct vb_reason why = {0};
		int rc = trust_add_jwks(t, "https://example.org/issuer", jwks, &added, &why);
		print_message("%-22s -> %s\n", keys[i].file, rc ? why.code : "1 key trusted");
		if (!keys[i].code) {
			assert_int_equal(rc, VB_OK);
			assert_int_equal(added, 1);
		} else {
			assert_int_equal(rc, VB_EINVAL);
			assert_string_equal(why.code, keys[i].code);
		}
		trust_free(t);
		free(jwks);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_spec_examples), cmocka_unit_test(test_spec_chunks),
	    cmocka_unit_test(test_devtools_bad),  cmocka_unit_test(test_devtools_valid),
	    cmocka_unit_test(test_devtools_keys),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
