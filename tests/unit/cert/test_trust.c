/*
 * trust: JWKS documents (a good set, every refusal, all-or-nothing, no
 * duplicates), the SMART Health Card spec and dev-tools key sets, DCC
 * signers from our own certificate and from the EU dgc-testdata, keys
 * added directly (public copies), lookups and the list's cap.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <openssl/evp.h>

#include "b64url.h"
#include "cert_key.h"
#include "cert_vectors.h"
#include "trust.h"
#include "vb_error.h"

#define ISS "https://vaxbus.example.cn/issuer"

struct jwk_parts {
	char x[48], y[48], kid[CERT_KID_B64_MAX];
};

static struct cert_key *gen(struct jwk_parts *p)
{
	struct cert_key *k = NULL;
	uint8_t x[32], y[32];
	assert_int_equal(cert_key_generate(&k), VB_OK);
	if (p) {
		assert_int_equal(cert_key_xy(k, x, y), VB_OK);
		assert_int_equal(b64url_encode(x, 32, p->x, sizeof(p->x)), VB_OK);
		assert_int_equal(b64url_encode(y, 32, p->y, sizeof(p->y)), VB_OK);
		assert_int_equal(cert_key_thumbprint(k, p->kid), VB_OK);
	}
	return k;
}

static int same_key(const struct cert_key *a, const struct cert_key *b)
{
	uint8_t ax[32], ay[32], bx[32], by[32];
	assert_int_equal(cert_key_xy(a, ax, ay), VB_OK);
	assert_int_equal(cert_key_xy(b, bx, by), VB_OK);
	return memcmp(ax, bx, 32) == 0 && memcmp(ay, by, 32) == 0;
}

static struct trust *new_trust(void)
{
	struct trust *t = NULL;
	assert_int_equal(trust_new(&t), VB_OK);
	assert_non_null(t);
	return t;
}

static void test_good_set(void **state)
{
	(void)state;
	struct jwk_parts a, b, c;
	struct cert_key *ka = gen(&a), *kb = gen(&b), *kc = gen(&c);
	char doc[2048];
	/* Full members for a and b; c with no kid, alg or use. */
	snprintf(doc, sizeof(doc),
		 "{\"keys\":[{\"kty\":\"EC\",\"kid\":\"%s\",\"use\":\"sig\",\"alg\":\"ES256\","
		 "\"crv\":\"P-256\",\"x\":\"%s\",\"y\":\"%s\"},"
		 "{\"kty\":\"EC\",\"kid\":\"%s\",\"use\":\"sig\",\"alg\":\"ES256\","
		 "\"crv\":\"P-256\",\"x\":\"%s\",\"y\":\"%s\",\"crlVersion\":1},"
		 "{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"%s\",\"y\":\"%s\"}]}",
		 a.kid, a.x, a.y, b.kid, b.x, b.y, c.x, c.y);
	struct trust *t = new_trust();
	struct vb_reason why = {0};
	size_t added = 99;
	assert_int_equal(trust_add_jwks(t, ISS, doc, &added, &why), VB_OK);
	assert_int_equal(added, 3);

	const struct cert_key *fa = trust_find_shc(t, ISS, a.kid);
	const struct cert_key *fb = trust_find_shc(t, ISS, b.kid);
	const struct cert_key *fc = trust_find_shc(t, ISS, c.kid);
	assert_non_null(fa);
	assert_non_null(fb);
	assert_non_null(fc);
	assert_true(same_key(fa, ka));
	assert_true(same_key(fb, kb));
	assert_true(same_key(fc, kc));
	assert_false(cert_key_is_private(fa));

	/* A signature by a verifies with what the list holds. */
	uint8_t sig[64];
	assert_int_equal(cert_key_sign(ka, (const uint8_t *)"jws", 3, sig), VB_OK);
	assert_int_equal(cert_key_verify(fa, (const uint8_t *)"jws", 3, sig), VB_OK);
	assert_int_equal(cert_key_verify(fb, (const uint8_t *)"jws", 3, sig), VB_EREFUSED);

	/* Lookups are exact: another issuer, a trailing slash, another kid. */
	assert_null(trust_find_shc(t, ISS "/", a.kid));
	assert_null(trust_find_shc(t, "https://vaxbus.example.cn", a.kid));
	assert_null(trust_find_shc(t, ISS, "3Kfdg-XwP-7gXyywtUfUADwBumDOPKMQx-iELL11W9s"));
	/* A NULL kid asks whether the issuer is trusted at all. */
	assert_non_null(trust_find_shc(t, ISS, NULL));
	assert_null(trust_find_shc(t, ISS "/", NULL));
	assert_null(trust_find_shc(NULL, ISS, a.kid));

	/* The same document again adds nothing; another issuer adds all. */
	assert_int_equal(trust_add_jwks(t, ISS, doc, &added, &why), VB_OK);
	assert_int_equal(added, 0);
	assert_int_equal(trust_add_jwks(t, "https://other.example", doc, &added, &why), VB_OK);
	assert_int_equal(added, 3);
	assert_non_null(trust_find_shc(t, "https://other.example", b.kid));

	/* An empty set is valid and adds nothing. */
	assert_int_equal(trust_add_jwks(t, ISS, "{\"keys\":[]}", &added, &why), VB_OK);
	assert_int_equal(added, 0);

	trust_free(t);
	trust_free(NULL);
	cert_key_free(ka);
	cert_key_free(kb);
	cert_key_free(kc);
}

/* A self-signed certificate of k as standard base64 (an x5c entry). */
static char *x5c_of(const struct cert_key *k)
{
	uint8_t *der = NULL;
	size_t len = 0;
	assert_int_equal(cert_key_x509(k, "CN", "x5c", 1622505600, 1654041600, &der, &len), VB_OK);
	char *b64 = malloc(len / 3 * 4 + 8);
	assert_non_null(b64);
	EVP_EncodeBlock((unsigned char *)b64, der, (int)len);
	free(der);
	return b64;
}

static void test_jwks_refusals(void **state)
{
	(void)state;
	struct jwk_parts a, b;
	struct cert_key *ka = gen(&a), *kb = gen(&b);
	char *x5c_a = x5c_of(ka), *x5c_b = x5c_of(kb);
	/* Fields of a for building variants. */
	char good[512];
	snprintf(
	    good, sizeof(good),
	    "{\"kty\":\"EC\",\"kid\":\"%s\",\"use\":\"sig\",\"alg\":\"ES256\",\"crv\":\"P-256\","
	    "\"x\":\"%s\",\"y\":\"%s\"}",
	    a.kid, a.x, a.y);
	char y_off[48];
	memcpy(y_off, a.y, sizeof(y_off));
	y_off[10] = y_off[10] == 'A' ? 'B' : 'A';

	static const char rsa[] =
	    "{\"kty\":\"RSA\",\"e\":\"AQAB\",\"n\":\"u_SsfG5xo9y3qpwQzg-CcbHVpIhZ26EQAz7EfxpEE4S"
	    "vMoRfTg_316Cd-ghXxScL_nOGads8jCcPtI7s-egrFuVyQ_j2riiLp1zNO9-eRlXAm6YPI6a_cYPuIw\"}";
	char docs[24][4096];
	const char *codes[24];
	size_t n = 0;
#define CASE(code, ...)                                                                            \
	do {                                                                                       \
		snprintf(docs[n], sizeof(docs[n]), __VA_ARGS__);                                   \
		codes[n++] = (code);                                                               \
	} while (0)
	CASE("jwk_kty", "{\"keys\":[%s]}", rsa);
	CASE("jwk_kty", "{\"keys\":[%s,%s]}", good, rsa); /* a good key does not save it */
	CASE("private_key_in_jwks",
	     "{\"keys\":[{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"%s\",\"y\":\"%s\","
	     "\"d\":\"jpsQnnGQmL-YBIffH1136cspYG6-0iY7X1fCE9-E9LI\"}]}",
	     a.x, a.y);
	CASE("private_key_in_jwks", "{\"keys\":[{\"kty\":\"oct\",\"k\":\"c2VjcmV0\"}]}");
	CASE("kid_mismatch",
	     "{\"keys\":[{\"kty\":\"EC\",\"kid\":\"%s\",\"crv\":\"P-256\",\"x\":\"%s\",\"y\":\"%"
	     "s\"}]}",
	     b.kid, a.x, a.y);
	CASE("kid_mismatch",
	     "{\"keys\":[{\"kty\":\"EC\",\"kid\":7,\"crv\":\"P-256\",\"x\":\"%s\",\"y\":\"%s\"}]}",
	     a.x, a.y);
	CASE("jwk_crv", "{\"keys\":[{\"kty\":\"EC\",\"crv\":\"P-384\",\"x\":\"%s\",\"y\":\"%s\"}]}",
	     a.x, a.y);
	CASE("jwk_crv", "{\"keys\":[{\"kty\":\"EC\",\"x\":\"%s\",\"y\":\"%s\"}]}", a.x, a.y);
	CASE("jwk_kty", "{\"keys\":[{\"crv\":\"P-256\",\"x\":\"%s\",\"y\":\"%s\"}]}", a.x, a.y);
	CASE("jwk_alg",
	     "{\"keys\":[{\"kty\":\"EC\",\"alg\":\"ES256K\",\"crv\":\"P-256\",\"x\":\"%s\",\"y\":"
	     "\"%s\"}]}",
	     a.x, a.y);
	CASE("jwk_alg",
	     "{\"keys\":[{\"kty\":\"EC\",\"alg\":1,\"crv\":\"P-256\",\"x\":\"%s\",\"y\":\"%s\"}]}",
	     a.x, a.y);
	CASE("jwk_use",
	     "{\"keys\":[{\"kty\":\"EC\",\"use\":\"enc\",\"crv\":\"P-256\",\"x\":\"%s\",\"y\":"
	     "\"%s\"}]}",
	     a.x, a.y);
	CASE("jwk_coordinates",
	     "{\"keys\":[{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"%.42s\",\"y\":\"%s\"}]}", a.x,
	     a.y);
	CASE("jwk_coordinates",
	     "{\"keys\":[{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"%s=\",\"y\":\"%s\"}]}", a.x,
	     a.y);
	CASE("jwk_coordinates", "{\"keys\":[{\"kty\":\"EC\",\"crv\":\"P-256\",\"y\":\"%s\"}]}",
	     a.y);
	CASE("jwk_not_on_curve",
	     "{\"keys\":[{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"%s\",\"y\":\"%s\"}]}", a.x,
	     y_off);
	CASE("jwk_not_object", "{\"keys\":[\"%s\"]}", a.kid);
	CASE("x5c_mismatch",
	     "{\"keys\":[{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"%s\",\"y\":"
	     "\"%s\",\"x5c\":[\"%s\"]}]}",
	     a.x, a.y, x5c_b);
	CASE("x5c_mismatch",
	     "{\"keys\":[{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"%s\",\"y\":"
	     "\"%s\",\"x5c\":[\"bm90IGEgY2VydA==\"]}]}",
	     a.x, a.y);
	CASE("x5c_mismatch",
	     "{\"keys\":[{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"%s\",\"y\":"
	     "\"%s\",\"x5c\":\"%s\"}]}",
	     a.x, a.y, x5c_a);
	CASE("jwks_malformed", "{\"keys\":[%s]", good);
	CASE("jwks_malformed", "[%s]", good);
	CASE("jwks_malformed", "{\"keys\":%s}", good);
	CASE("jwks_malformed", "{\"keys\":[],\"keys\":[%s]}", good);
#undef CASE
	assert_true(n <= 24);

	struct trust *t = new_trust();
	for (size_t i = 0; i < n; i++) {
		struct vb_reason why = {0};
		size_t added = 99;
		int rc = trust_add_jwks(t, ISS, docs[i], &added, &why);
		if (rc != VB_EINVAL || !why.code || strcmp(why.code, codes[i]) != 0)
			fail_msg("case %zu: rc %d code %s (want %s): %s", i, rc,
				 why.code ? why.code : "(null)", codes[i], why.text);
		assert_int_equal(added, 99);
	}
	/* Nothing was added by any of them, not even the good key of case 1. */
	assert_null(trust_find_shc(t, ISS, a.kid));

	/* The good key with its own x5c passes. */
	char doc[4096];
	size_t added = 0;
	struct vb_reason why = {0};
	snprintf(doc, sizeof(doc),
		 "{\"keys\":[{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"%s\",\"y\":\"%s\",\"x5c\":["
		 "\"%s\",\"%s\"]}]}",
		 a.x, a.y, x5c_a, x5c_b);
	assert_int_equal(trust_add_jwks(t, ISS, doc, &added, &why), VB_OK);
	assert_int_equal(added, 1);

	/* Issuers that are not https URLs without a trailing slash. */
	snprintf(doc, sizeof(doc), "{\"keys\":[%s]}", good);
	static const char *const bad_iss[] = {"http://vaxbus.example.cn", ISS "/", "", "https://"};
	for (size_t i = 0; i < sizeof(bad_iss) / sizeof(bad_iss[0]); i++) {
		vb_reason_clear(&why);
		assert_int_equal(trust_add_jwks(t, bad_iss[i], doc, &added, &why), VB_EINVAL);
		assert_string_equal(why.code, "bad_url");
	}
	assert_int_equal(trust_add_jwks(t, NULL, doc, &added, &why), VB_EINVAL);

	/* Caps: 65 keys, and a document over 64 KiB. */
	char *big = malloc(70000);
	assert_non_null(big);
	size_t o = (size_t)sprintf(big, "{\"keys\":[");
	for (int i = 0; i < 65; i++)
		o += (size_t)sprintf(big + o, "%s%s", i ? "," : "", good);
	sprintf(big + o, "]}");
	assert_int_equal(trust_add_jwks(t, ISS, big, &added, &why), VB_EINVAL);
	assert_string_equal(why.code, "jwks_too_many_keys");
	memset(big, ' ', 65537);
	memcpy(big + 65537 - strlen(doc), doc, strlen(doc));
	big[65537] = '\0';
	assert_int_equal(trust_add_jwks(t, ISS, big, &added, &why), VB_EINVAL);
	assert_string_equal(why.code, "jwks_too_large");
	/* The same padded to exactly 64 KiB is accepted. */
	memmove(big, big + 1, 65537);
	assert_int_equal(strlen(big), 65536);
	assert_int_equal(trust_add_jwks(t, "https://padded.example", big, &added, &why), VB_OK);
	assert_int_equal(added, 1);
	free(big);

	trust_free(t);
	free(x5c_a);
	free(x5c_b);
	cert_key_free(ka);
	cert_key_free(kb);
}

static void test_shc_vectors(void **state)
{
	(void)state;
	if (!cert_vectors_present()) {
		print_message("skipping: the shared certificate vectors are absent\n");
		skip();
	}
	static const char spec_iss[] = "https://spec.smarthealth.cards/examples/issuer";
	static const struct {
		const char *file;
		const char *code; /* NULL: accepted */
		size_t added;
	} cases[] = {
	    {"shc/spec-examples/jwks.json", NULL, 2},
	    {"shc/dev-tools/valid_key.json", NULL, 1},
	    {"shc/dev-tools/wrong_kty_key.json", "jwk_kty", 0},
	    {"shc/dev-tools/wrong_curve_key.json", "jwk_crv", 0},
	    {"shc/dev-tools/wrong_alg_key.json", "jwk_alg", 0},
	    {"shc/dev-tools/wrong_kid_key.json", "kid_mismatch", 0},
	    {"shc/dev-tools/wrong_use_key.json", "jwk_use", 0},
	};
	struct trust *t = new_trust();
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *text = cert_vectors_read(cases[i].file, NULL);
		assert_non_null(text);
		struct vb_reason why = {0};
		size_t added = 99;
		int rc = trust_add_jwks(t, spec_iss, text, &added, &why);
		if (cases[i].code) {
			assert_int_equal(rc, VB_EINVAL);
			assert_string_equal(why.code, cases[i].code);
		} else {
			assert_int_equal(rc, VB_OK);
			assert_int_equal(added, cases[i].added);
			/* Every key is found under the kid the file gives it. */
			json_t *doc = json_loads(text, 0, NULL);
			json_t *jwk;
			size_t j;
			json_array_foreach(json_object_get(doc, "keys"), j, jwk)
			{
				const char *kid = json_string_value(json_object_get(jwk, "kid"));
				assert_non_null(trust_find_shc(t, spec_iss, kid));
			}
			json_decref(doc);
		}
		free(text);
	}
	trust_free(t);
}

static void test_dcc_own(void **state)
{
	(void)state;
	struct cert_key *k = gen(NULL), *k2 = gen(NULL);
	uint8_t *der = NULL, *der2 = NULL;
	size_t len = 0, len2 = 0;
	assert_int_equal(cert_key_x509(k, "CN", "Vaxbus DSC", 1622505600, 1654041600, &der, &len),
			 VB_OK);
	assert_int_equal(
	    cert_key_x509(k2, "CN", "Vaxbus DSC 2", 1622505600, 1654041600, &der2, &len2), VB_OK);
	uint8_t kid[8], kid2[8], h[32];
	cert_key_dcc_kid(der, len, kid);
	cert_key_dcc_kid(der2, len2, kid2);
	assert_int_equal(EVP_Digest(der, len, h, NULL, EVP_sha256(), NULL), 1);
	assert_memory_equal(kid, h, 8);

	struct trust *t = new_trust();
	struct vb_reason why = {0};
	assert_null(trust_find_dcc(t, kid));
	assert_int_equal(trust_add_dcc(t, der, len, NULL, &why), VB_OK);
	const struct cert_key *f = trust_find_dcc(t, kid);
	assert_non_null(f);
	assert_true(same_key(f, k));
	assert_null(trust_find_dcc(t, kid2));
	assert_null(trust_find_shc(t, ISS, "x")); /* DCC entries are not SHC keys */

	/* The right kid given: accepted, no second entry; the wrong one:
	 * refused and not added. */
	assert_int_equal(trust_add_dcc(t, der, len, kid, &why), VB_OK);
	assert_int_equal(trust_add_dcc(t, der2, len2, kid, &why), VB_EINVAL);
	assert_string_equal(why.code, "kid_mismatch");
	assert_null(trust_find_dcc(t, kid2));
	assert_int_equal(trust_add_dcc(t, der2, len2, kid2, &why), VB_OK);
	assert_true(same_key(trust_find_dcc(t, kid2), k2));

	/* Not a certificate. */
	assert_int_equal(trust_add_dcc(t, der, len - 3, NULL, &why), VB_EINVAL);
	assert_string_equal(why.code, "x509_malformed");
	assert_int_equal(trust_add_dcc(t, NULL, 0, NULL, &why), VB_EINVAL);
	assert_null(trust_find_dcc(NULL, kid));
	assert_null(trust_find_dcc(t, NULL));

	free(der);
	free(der2);
	trust_free(t);
	cert_key_free(k);
	cert_key_free(k2);
}

static void test_dcc_vectors(void **state)
{
	(void)state;
	if (!cert_vectors_present()) {
		print_message("skipping: the shared certificate vectors are absent\n");
		skip();
	}
	char dirpath[4096];
	assert_int_equal(
	    cert_vectors_path("dcc/dgc-testdata/common/2DCode/raw", dirpath, sizeof(dirpath)), 0);
	DIR *d = opendir(dirpath);
	assert_non_null(d);
	struct trust *t = new_trust();
	int added = 0, refused = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		size_t nl = strlen(e->d_name);
		if (nl < 6 || strcmp(e->d_name + nl - 5, ".json") != 0)
			continue;
		char rel[512];
		snprintf(rel, sizeof(rel), "dcc/dgc-testdata/common/2DCode/raw/%s", e->d_name);
		char *text = cert_vectors_read(rel, NULL);
		assert_non_null(text);
		json_t *doc = json_loads(text, 0, NULL);
		free(text);
		const char *b64 = json_string_value(
		    json_object_get(json_object_get(doc, "TESTCTX"), "CERTIFICATE"));
		if (b64) {
			size_t n = strlen(b64);
			uint8_t *der = malloc(n);
			assert_non_null(der);
			int len = EVP_DecodeBlock(der, (const unsigned char *)b64, (int)n);
			assert_true(len > 0);
			while (n > 0 && b64[n - 1] == '=') {
				len--;
				n--;
			}
			uint8_t kid[8], h[32];
			assert_int_equal(EVP_Digest(der, (size_t)len, h, NULL, EVP_sha256(), NULL),
					 1);
			memcpy(kid, h, 8);
			struct vb_reason why = {0};
			int rc = trust_add_dcc(t, der, (size_t)len, kid, &why);
			if (rc == VB_OK) {
				assert_non_null(trust_find_dcc(t, kid));
				added++;
			} else {
				assert_int_equal(rc, VB_EINVAL);
				assert_string_equal(why.code, "x509_not_p256");
				assert_null(trust_find_dcc(t, kid));
				refused++;
			}
			free(der);
		}
		json_decref(doc);
	}
	closedir(d);
	print_message("dgc-testdata signers: %d trusted, %d refused (RSA)\n", added, refused);
	assert_int_equal(added, 36);
	assert_int_equal(refused, 2);
	trust_free(t);
}

static void test_add_key(void **state)
{
	(void)state;
	struct jwk_parts p;
	struct cert_key *k = gen(&p), *other = gen(NULL);
	static const uint8_t dkid[8] = {1, 2, 3, 4, 5, 6, 7, 8};
	static const uint8_t dkid2[8] = {8, 7, 6, 5, 4, 3, 2, 1};
	struct trust *t = new_trust();

	assert_int_equal(trust_add_key(t, k, ISS, dkid), VB_OK);
	const struct cert_key *s = trust_find_shc(t, ISS, p.kid);
	const struct cert_key *dk = trust_find_dcc(t, dkid);
	assert_non_null(s);
	assert_non_null(dk);
	assert_true(same_key(s, k));
	assert_true(same_key(dk, k));
	/* Copies, public only. */
	assert_ptr_not_equal(s, k);
	assert_false(cert_key_is_private(s));
	assert_false(cert_key_is_private(dk));

	/* Again: no error, no change. DCC only. Another key under a taken
	 * DCC kid: VB_EEXIST. */
	assert_int_equal(trust_add_key(t, k, ISS, dkid), VB_OK);
	assert_int_equal(trust_add_key(t, other, NULL, dkid2), VB_OK);
	assert_true(same_key(trust_find_dcc(t, dkid2), other));
	assert_int_equal(trust_add_key(t, other, NULL, dkid), VB_EEXIST);
	assert_true(same_key(trust_find_dcc(t, dkid), k));

	/* Refusals. */
	assert_int_equal(trust_add_key(t, k, NULL, NULL), VB_EINVAL);
	assert_int_equal(trust_add_key(t, NULL, ISS, NULL), VB_EINVAL);
	assert_int_equal(trust_add_key(t, k, ISS "/", NULL), VB_EINVAL);
	assert_int_equal(trust_add_key(t, k, "http://x", NULL), VB_EINVAL);
	assert_int_equal(trust_add_key(NULL, k, ISS, NULL), VB_EINVAL);

	/* The list keeps its copies when the caller frees the key. */
	cert_key_free(k);
	s = trust_find_shc(t, ISS, p.kid);
	assert_non_null(s);
	uint8_t x[32], y[32];
	assert_int_equal(cert_key_xy(s, x, y), VB_OK);

	trust_free(t);
	cert_key_free(other);
	assert_int_equal(trust_new(NULL), VB_EINVAL);
}

static void test_capacity(void **state)
{
	(void)state;
	struct jwk_parts p;
	struct cert_key *k = gen(&p);
	struct trust *t = new_trust();
	/* 4096 DCC kids for one key fill the list. */
	for (uint32_t i = 0; i < 4096; i++) {
		uint8_t kid[8] = {
		    0,	       0, 0, 0, (uint8_t)(i >> 24), (uint8_t)(i >> 16), (uint8_t)(i >> 8),
		    (uint8_t)i};
		assert_int_equal(trust_add_key(t, k, NULL, kid), VB_OK);
	}
	static const uint8_t last[8] = {0xff, 0, 0, 0, 0, 0, 0, 0};
	assert_int_equal(trust_add_key(t, k, NULL, last), VB_ERANGE);
	assert_null(trust_find_dcc(t, last));
	char doc[512];
	snprintf(doc, sizeof(doc),
		 "{\"keys\":[{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"%s\",\"y\":\"%s\"}]}", p.x,
		 p.y);
	struct vb_reason why = {0};
	size_t added = 99;
	assert_int_equal(trust_add_jwks(t, ISS, doc, &added, &why), VB_ERANGE);
	assert_string_equal(why.code, "trust_full");
	assert_int_equal(added, 99);
	/* The first and the last still found. */
	static const uint8_t first[8] = {0};
	static const uint8_t kid4095[8] = {0, 0, 0, 0, 0, 0, 0x0f, 0xff};
	assert_non_null(trust_find_dcc(t, first));
	assert_non_null(trust_find_dcc(t, kid4095));
	trust_free(t);
	cert_key_free(k);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_good_set),	cmocka_unit_test(test_jwks_refusals),
	    cmocka_unit_test(test_shc_vectors), cmocka_unit_test(test_dcc_own),
	    cmocka_unit_test(test_dcc_vectors), cmocka_unit_test(test_add_key),
	    cmocka_unit_test(test_capacity),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
