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
 * (VB_EINVAL with why). Returns the number added in *added. */
int trust_add_jwks(struct trust *t, const char *iss, const char *jwks, size_t *added,
		   struct vb_reason *why);

/* Adds a DCC signer: its certificate (DER) and kid (8 bytes; when NULL
 * the kid is computed from the certificate). */
int trust_add_dcc(struct trust *t, const uint8_t *der, size_t len, const uint8_t *kid,
		  struct vb_reason *why);

/* Adds a key directly (copied) as SHC issuer iss (kid = its thumbprint)
 * and, if dcc_kid is not NULL, as a DCC signer with that kid. */
int trust_add_key(struct trust *t, const struct cert_key *k, const char *iss,
		  const uint8_t *dcc_kid);

/* The key for an SHC (iss, kid), or for a DCC kid; NULL when not trusted.
 * Borrowed from t. */
const struct cert_key *trust_find_shc(const struct trust *t, const char *iss, const char *kid);
const struct cert_key *trust_find_dcc(const struct trust *t, const uint8_t kid[8]);

#endif
