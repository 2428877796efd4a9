/*
 * trust: the public keys of the issuers the bus believes, for verifying
 * certificates offline (LESSONS.md: verification must work offline
 * against a cached trust list).
 *
 * SMART Health Card issuers are known by their iss URL and JWKS
 * (iss + "/.well-known/jwks.json"); EU DCC signers by their kid (8 bytes)
 * and signer certificate. The bus's own key is added like any other.
 */
#ifndef TRUST_H
#define TRUST_H

#include <stddef.h>
#include <stdint.h>

#include "cert_key.h"
#include "vb_error.h"

struct trust;

/* An empty trust list (owned; trust_free). */
int trust_new(struct trust **out);
void trust_free(struct trust *t);

/* Adds every ES256 P-256 key of a JWKS document (JSON text) for issuer
 * iss. Keys that are not EC P-256 or carry a private "d" are refused
 * (VB_EINVAL with why). Returns the number added in *added.
 * Note (keys): all or nothing — one bad key refuses the document and adds
 * none. iss must pass ddcc_check_url ("bad_url"); iss and kid are later
 * matched byte for byte. Per key: no "d" (or "p", "q", "k")
 * ("private_key_in_jwks"), kty "EC" ("jwk_kty"), crv "P-256" ("jwk_crv"),
 * alg if present "ES256" ("jwk_alg"), use if present "sig" ("jwk_use"), x
 * and y 32 bytes of strict base64url ("jwk_coordinates") on the curve
 * ("jwk_not_on_curve"), kid if present equal to the RFC 7638 thumbprint
 * ("kid_mismatch"; absent, the thumbprint is used), x5c if present with a
 * first certificate holding the same key ("x5c_mismatch"; the chain is not
 * validated). Document: at most 64 KiB ("jwks_too_large") and 64 keys
 * ("jwks_too_many_keys"), an object with a "keys" array and no duplicate
 * members ("jwks_malformed"). Keys already trusted for iss are not added
 * again nor counted. VB_ERANGE ("trust_full") past 4096 entries. *added is
 * written only on success. */
int trust_add_jwks(struct trust *t, const char *iss, const char *jwks, size_t *added,
		   struct vb_reason *why);

/* Adds a DCC signer: its certificate (DER) and kid (8 bytes; when NULL
 * the kid is computed from the certificate).
 * Note (keys): a given kid must equal the computed one (VB_EINVAL,
 * "kid_mismatch"); certificate refusals are cert_key_from_x509's. A
 * signer already trusted is VB_OK without a second entry. VB_OK,
 * VB_EINVAL, VB_ERANGE ("trust_full"), VB_ENOMEM. */
int trust_add_dcc(struct trust *t, const uint8_t *der, size_t len, const uint8_t *kid,
		  struct vb_reason *why);

/* Adds a key directly (copied) as SHC issuer iss (kid = its thumbprint)
 * and, if dcc_kid is not NULL, as a DCC signer with that kid.
 * Note (keys): only the public key is copied (the list never holds
 * private keys). iss may be NULL for a DCC signer only; both NULL, or an
 * iss failing ddcc_check_url, is VB_EINVAL. VB_EEXIST when dcc_kid already
 * names another key; VB_ERANGE when the list is full. */
int trust_add_key(struct trust *t, const struct cert_key *k, const char *iss,
		  const uint8_t *dcc_kid);

/* The key for an SHC (iss, kid) — with kid NULL, any key of iss, to tell
 * an unknown key of a trusted issuer from an unknown issuer — or for a DCC
 * kid; NULL when not trusted. Borrowed from t. */
const struct cert_key *trust_find_shc(const struct trust *t, const char *iss, const char *kid);
const struct cert_key *trust_find_dcc(const struct trust *t, const uint8_t kid[8]);

#endif
