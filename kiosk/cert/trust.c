/*
 * trust: the in-memory list of issuer public keys the bus believes (see
 * trust.h). Each entry is an SMART Health Card key (iss + RFC 7638 kid)
 * or an EU DCC signer (8-byte kid), holding its own public-only copy of
 * the key. JWKS documents come from outside (a synced trust list), so
 * they are size-capped and checked member by member with jansson, and a
 * document with one bad key adds none.
 */
#include "trust.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <openssl/evp.h>

#include "b64url.h"
#include "ddcc.h"

#define TRUST_MAX	4096  /* entries; the EU DCC list has ~1,000 */
#define TRUST_ISS_MAX	256   /* SHC iss URL, NUL included */
#define TRUST_JWKS_MAX	65536 /* bytes of one JWKS document */
#define TRUST_JWKS_KEYS 64    /* keys in one JWKS document */
#define TRUST_X5C_MAX	16384 /* bytes of one x5c certificate (DER) */

enum trust_kind {
	TRUST_SHC,
	TRUST_DCC,
};

struct trust_entry {
	enum trust_kind kind;
	char iss[TRUST_ISS_MAX];    /* SHC */
	char kid[CERT_KID_B64_MAX]; /* SHC: the thumbprint */
	uint8_t dcc_kid[8];	    /* DCC */
	struct cert_key *key;	    /* owned, public only */
};

struct trust {
	struct trust_entry *v;
	size_t n, cap;
};

int trust_new(struct trust **out)
{
	if (!out)
		return VB_EINVAL;
	struct trust *t = calloc(1, sizeof(*t));
	if (!t)
		return VB_ENOMEM;
	*out = t;
	return VB_OK;
}

void trust_free(struct trust *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->n; i++)
		cert_key_free(t->v[i].key);
	free(t->v);
	free(t);
}

/* Room for `more` entries. VB_OK, VB_ERANGE (list full), VB_ENOMEM. */
static int trust_reserve(struct trust *t, size_t more)
{
	if (more > TRUST_MAX - t->n)
		return VB_ERANGE;
	if (t->n + more <= t->cap)
		return VB_OK;
	size_t cap = t->cap ? t->cap : 16;
	while (cap < t->n + more)
		cap *= 2;
	if (cap > TRUST_MAX)
		cap = TRUST_MAX;
	struct trust_entry *v = realloc(t->v, cap * sizeof(*v));
	if (!v)
		return VB_ENOMEM;
	t->v = v;
	t->cap = cap;
	return VB_OK;
}

/* A public-only copy of k. */
static int trust_copy_public(const struct cert_key *k, struct cert_key **out)
{
	uint8_t x[32], y[32];
	int rc = cert_key_xy(k, x, y);
	if (rc)
		return rc;
	return cert_key_from_xy(x, y, out);
}

/* 1 when a and b hold the same public point. */
static int trust_same_key(const struct cert_key *a, const struct cert_key *b)
{
	uint8_t ax[32], ay[32], bx[32], by[32];
	return cert_key_xy(a, ax, ay) == VB_OK && cert_key_xy(b, bx, by) == VB_OK &&
	       memcmp(ax, bx, 32) == 0 && memcmp(ay, by, 32) == 0;
}

/* An SHC iss: the ddcc_check_url rule, within TRUST_ISS_MAX. */
static int trust_check_iss(const char *iss, struct vb_reason *why)
{
	if (!iss || strnlen(iss, TRUST_ISS_MAX) >= TRUST_ISS_MAX) {
		vb_reason_set(why, "bad_url", "The issuer URL is missing or longer than %d bytes",
			      TRUST_ISS_MAX - 1);
		return VB_EINVAL;
	}
	return ddcc_check_url(iss, why);
}

/* A JWK member that, when present, must be the string want. */
static int trust_member_is(json_t *jwk, const char *name, const char *want)
{
	json_t *m = json_object_get(jwk, name);
	return !m || (json_is_string(m) && strcmp(json_string_value(m), want) == 0);
}

/* A base64url coordinate of exactly 32 bytes. */
static int trust_coordinate(json_t *jwk, const char *name, uint8_t out[32])
{
	json_t *m = json_object_get(jwk, name);
	size_t n = 0;
	if (!json_is_string(m))
		return VB_EINVAL;
	const char *s = json_string_value(m);
	size_t len = json_string_length(m);
	if (len != 43 || b64url_decode(s, len, out, 32, &n) != VB_OK || n != 32)
		return VB_EINVAL;
	return VB_OK;
}

/* When the JWK has x5c, its first (leaf) certificate must hold the same
 * key (SMART Health Cards: the x5c chain binds the key to the issuer). */
static int trust_check_x5c(json_t *jwk, const struct cert_key *k, size_t i, struct vb_reason *why)
{
	json_t *x5c = json_object_get(jwk, "x5c");
	if (!x5c)
		return VB_OK;
	json_t *leaf = json_array_get(x5c, 0);
	if (!json_is_array(x5c) || !json_is_string(leaf) ||
	    json_string_length(leaf) > (TRUST_X5C_MAX + 2) / 3 * 4 ||
	    json_string_length(leaf) % 4 != 0) {
		vb_reason_set(why, "x5c_mismatch", "keys[%zu]: x5c is not a list of certificates",
			      i);
		return VB_EINVAL;
	}
	const char *b64 = json_string_value(leaf);
	size_t len = json_string_length(leaf), pad = 0;
	while (pad < 2 && len > pad && b64[len - 1 - pad] == '=')
		pad++;
	uint8_t *der = malloc(len / 4 * 3 + 1);
	if (!der)
		return VB_ENOMEM;
	int n = EVP_DecodeBlock(der, (const unsigned char *)b64, (int)len);
	struct cert_key *ck = NULL;
	struct vb_reason ignored;
	int rc = VB_OK;
	if (n < 0 || (size_t)n < pad ||
	    cert_key_from_x509(der, (size_t)n - pad, &ck, &ignored) != VB_OK ||
	    !trust_same_key(ck, k)) {
		vb_reason_set(why, "x5c_mismatch",
			      "keys[%zu]: the x5c certificate does not hold this key", i);
		rc = VB_EINVAL;
	}
	cert_key_free(ck);
	free(der);
	return rc;
}

/* Checks one JWK; on success *out is its public key and kid its
 * thumbprint. */
static int trust_jwk(json_t *jwk, size_t i, struct cert_key **out, char kid[CERT_KID_B64_MAX],
		     struct vb_reason *why)
{
	uint8_t x[32], y[32];
	struct cert_key *k = NULL;
	int rc;

	if (!json_is_object(jwk)) {
		vb_reason_set(why, "jwk_not_object", "keys[%zu] is not a JSON object", i);
		return VB_EINVAL;
	}
	/* A published private key (or private parts of any key type) is the
	 * issuer's mistake, and the key must not be trusted. */
	if (json_object_get(jwk, "d") || json_object_get(jwk, "p") || json_object_get(jwk, "q") ||
	    json_object_get(jwk, "k")) {
		vb_reason_set(why, "private_key_in_jwks",
			      "keys[%zu] publishes private key material", i);
		return VB_EINVAL;
	}
	if (!json_is_string(json_object_get(jwk, "kty")) || !trust_member_is(jwk, "kty", "EC")) {
		vb_reason_set(why, "jwk_kty", "keys[%zu]: kty is not EC", i);
		return VB_EINVAL;
	}
	if (!json_is_string(json_object_get(jwk, "crv")) || !trust_member_is(jwk, "crv", "P-256")) {
		vb_reason_set(why, "jwk_crv", "keys[%zu]: crv is not P-256", i);
		return VB_EINVAL;
	}
	if (!trust_member_is(jwk, "alg", "ES256")) {
		vb_reason_set(why, "jwk_alg", "keys[%zu]: alg is not ES256", i);
		return VB_EINVAL;
	}
	if (!trust_member_is(jwk, "use", "sig")) {
		vb_reason_set(why, "jwk_use", "keys[%zu]: use is not sig", i);
		return VB_EINVAL;
	}
	if (trust_coordinate(jwk, "x", x) || trust_coordinate(jwk, "y", y)) {
		vb_reason_set(why, "jwk_coordinates",
			      "keys[%zu]: x and y must be 32 bytes in base64url", i);
		return VB_EINVAL;
	}
	rc = cert_key_from_xy(x, y, &k);
	if (rc) {
		vb_reason_set(why, "jwk_not_on_curve", "keys[%zu]: (x, y) is not a P-256 point", i);
		return rc == VB_ENOMEM ? rc : VB_EINVAL;
	}
	char tp[CERT_KID_B64_MAX];
	rc = cert_key_thumbprint(k, tp);
	if (rc)
		goto fail;
	json_t *jkid = json_object_get(jwk, "kid");
	if (jkid && (!json_is_string(jkid) || strcmp(json_string_value(jkid), tp) != 0)) {
		vb_reason_set(why, "kid_mismatch",
			      "keys[%zu]: kid is not the key's RFC 7638 thumbprint", i);
		rc = VB_EINVAL;
		goto fail;
	}
	rc = trust_check_x5c(jwk, k, i, why);
	if (rc)
		goto fail;
	memcpy(kid, tp, sizeof(tp));
	*out = k;
	return VB_OK;
fail:
	cert_key_free(k);
	return rc;
}

int trust_add_jwks(struct trust *t, const char *iss, const char *jwks, size_t *added,
		   struct vb_reason *why)
{
	int rc = VB_OK;
	json_t *doc = NULL;
	struct cert_key *keys[TRUST_JWKS_KEYS] = {NULL};
	char kids[TRUST_JWKS_KEYS][CERT_KID_B64_MAX];
	size_t nkeys = 0, count = 0;

	if (!t || !jwks)
		return VB_EINVAL;
	rc = trust_check_iss(iss, why);
	if (rc)
		return rc;
	size_t len = strnlen(jwks, TRUST_JWKS_MAX + 1);
	if (len > TRUST_JWKS_MAX) {
		vb_reason_set(why, "jwks_too_large", "The JWKS is larger than %d bytes",
			      TRUST_JWKS_MAX);
		return VB_EINVAL;
	}
	doc = json_loadb(jwks, len, JSON_REJECT_DUPLICATES, NULL);
	json_t *arr = doc ? json_object_get(doc, "keys") : NULL;
	if (!json_is_object(doc) || !json_is_array(arr)) {
		vb_reason_set(why, "jwks_malformed",
			      "The JWKS is not a JSON object with a keys list");
		rc = VB_EINVAL;
		goto out;
	}
	if (json_array_size(arr) > TRUST_JWKS_KEYS) {
		vb_reason_set(why, "jwks_too_many_keys", "The JWKS has more than %d keys",
			      TRUST_JWKS_KEYS);
		rc = VB_EINVAL;
		goto out;
	}
	/* Every key is checked before any is added. */
	for (size_t i = 0; i < json_array_size(arr); i++) {
		rc = trust_jwk(json_array_get(arr, i), i, &keys[nkeys], kids[nkeys], why);
		if (rc)
			goto out;
		nkeys++;
	}
	rc = trust_reserve(t, nkeys);
	if (rc) {
		if (rc == VB_ERANGE)
			vb_reason_set(why, "trust_full", "The trust list holds %d keys already",
				      TRUST_MAX);
		goto out;
	}
	for (size_t i = 0; i < nkeys; i++) {
		if (trust_find_shc(t, iss, kids[i]))
			continue; /* already trusted (or twice in this JWKS) */
		struct trust_entry *e = &t->v[t->n++];
		memset(e, 0, sizeof(*e));
		e->kind = TRUST_SHC;
		memcpy(e->iss, iss, strlen(iss) + 1);
		memcpy(e->kid, kids[i], sizeof(e->kid));
		e->key = keys[i];
		keys[i] = NULL;
		count++;
	}
	*added = count;
out:
	for (size_t i = 0; i < nkeys; i++)
		cert_key_free(keys[i]);
	json_decref(doc);
	return rc;
}

int trust_add_dcc(struct trust *t, const uint8_t *der, size_t len, const uint8_t *kid,
		  struct vb_reason *why)
{
	struct cert_key *k = NULL;
	uint8_t computed[8];
	int rc;

	if (!t || !der)
		return VB_EINVAL;
	rc = cert_key_from_x509(der, len, &k, why);
	if (rc)
		return rc;
	cert_key_dcc_kid(der, len, computed);
	if (kid && memcmp(kid, computed, sizeof(computed)) != 0) {
		vb_reason_set(why, "kid_mismatch",
			      "The DCC kid is not the first 8 bytes of SHA-256 of the certificate");
		rc = VB_EINVAL;
		goto out;
	}
	if (trust_find_dcc(t, computed))
		goto out; /* the same certificate, already trusted */
	rc = trust_reserve(t, 1);
	if (rc) {
		if (rc == VB_ERANGE)
			vb_reason_set(why, "trust_full", "The trust list holds %d keys already",
				      TRUST_MAX);
		goto out;
	}
	struct trust_entry *e = &t->v[t->n++];
	memset(e, 0, sizeof(*e));
	e->kind = TRUST_DCC;
	memcpy(e->dcc_kid, computed, sizeof(computed));
	e->key = k;
	k = NULL;
out:
	cert_key_free(k);
	return rc;
}

int trust_add_key(struct trust *t, const struct cert_key *k, const char *iss,
		  const uint8_t *dcc_kid)
{
	struct cert_key *shc = NULL, *dcc = NULL;
	char kid[CERT_KID_B64_MAX];
	int rc;

	if (!t || !k || (!iss && !dcc_kid))
		return VB_EINVAL;
	if (iss && trust_check_iss(iss, NULL))
		return VB_EINVAL;
	if (dcc_kid) {
		const struct cert_key *have = trust_find_dcc(t, dcc_kid);
		if (have && !trust_same_key(have, k))
			return VB_EEXIST; /* that kid already names another key */
	}
	rc = cert_key_thumbprint(k, kid);
	if (rc)
		return rc;
	int want_shc = iss && !trust_find_shc(t, iss, kid);
	int want_dcc = dcc_kid && !trust_find_dcc(t, dcc_kid);
	rc = trust_reserve(t, (size_t)want_shc + (size_t)want_dcc);
	if (!rc && want_shc)
		rc = trust_copy_public(k, &shc);
	if (!rc && want_dcc)
		rc = trust_copy_public(k, &dcc);
	if (rc) {
		cert_key_free(shc);
		cert_key_free(dcc);
		return rc;
	}
	if (want_shc) {
		struct trust_entry *e = &t->v[t->n++];
		memset(e, 0, sizeof(*e));
		e->kind = TRUST_SHC;
		memcpy(e->iss, iss, strlen(iss) + 1);
		memcpy(e->kid, kid, sizeof(kid));
		e->key = shc;
	}
	if (want_dcc) {
		struct trust_entry *e = &t->v[t->n++];
		memset(e, 0, sizeof(*e));
		e->kind = TRUST_DCC;
		memcpy(e->dcc_kid, dcc_kid, 8);
		e->key = dcc;
	}
	return VB_OK;
}

const struct cert_key *trust_find_shc(const struct trust *t, const char *iss, const char *kid)
{
	if (!t || !iss)
		return NULL;
	for (size_t i = 0; i < t->n; i++) {
		const struct trust_entry *e = &t->v[i];
		if (e->kind == TRUST_SHC && strcmp(e->iss, iss) == 0 &&
		    (!kid || strcmp(e->kid, kid) == 0))
			return e->key;
	}
	return NULL;
}

const struct cert_key *trust_find_dcc(const struct trust *t, const uint8_t kid[8])
{
	if (!t || !kid)
		return NULL;
	for (size_t i = 0; i < t->n; i++) {
		const struct trust_entry *e = &t->v[i];
		if (e->kind == TRUST_DCC && memcmp(e->dcc_kid, kid, 8) == 0)
			return e->key;
	}
	return NULL;
}
