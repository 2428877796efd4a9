/*
 * cert_key: the bus's signing key and other issuers' public keys — EC
 * P-256 (ES256) through OpenSSL 3.
 *
 * The private key lives in a PEM file of mode 0600 and is never logged or
 * printed. Signatures are the raw r‖s (64 bytes) that COSE and JWS use,
 * not OpenSSL's DER. Identifiers: the SMART Health Card kid is the RFC 7638
 * JWK thumbprint (base64url of SHA-256 of {"crv":"P-256","kty":"EC","x":..,
 * "y":..}); the DCC kid is the first 8 bytes of SHA-256 of the signer
 * certificate's DER.
 */
#ifndef CERT_KEY_H
#define CERT_KEY_H

#include <stddef.h>
#include <stdint.h>

#include "vb_error.h"

struct cert_key; /* a private key (can sign) or a public key (verify only) */

#define CERT_KID_B64_MAX 44 /* base64url of 32 bytes, no padding, + NUL */

/* A new random P-256 private key (owned; cert_key_free). VB_OK or VB_EIO. */
int cert_key_generate(struct cert_key **out);

/* Writes the private key as PKCS#8 PEM to path, created with mode 0600
 * and refused (VB_EEXIST) if it exists. VB_OK, VB_EEXIST, VB_EIO. */
int cert_key_save(const struct cert_key *k, const char *path);

/* Reads a private key written by cert_key_save. Refuses a file readable
 * by group or others (VB_EINVAL, "key file mode"). VB_OK, VB_ENOTFOUND,
 * VB_EINVAL (not a P-256 key), VB_EIO.
 * Note (keys): any group or other permission bit is refused. why->code
 * is "key_file_mode", "key_file_type" (not a
 * regular file), "key_file_size" (empty or over 16 KiB), "key_unreadable"
 * (not an unencrypted PEM private key; never prompts for a passphrase) or
 * "key_not_p256". */
int cert_key_load(const char *path, struct cert_key **out, struct vb_reason *why);

/* A public key from its affine coordinates (32 bytes each). VB_OK or
 * VB_EINVAL (not a point on P-256). */
int cert_key_from_xy(const uint8_t x[32], const uint8_t y[32], struct cert_key **out);

/* A public key from a DER X.509 certificate (must be P-256).
 * Note (keys): VB_OK or VB_EINVAL with why->code "x509_size" (0 or over
 * 16 KiB), "x509_malformed" (not exactly one DER certificate: trailing
 * bytes are refused) or "x509_not_p256". The chain is not checked. */
int cert_key_from_x509(const uint8_t *der, size_t len, struct cert_key **out,
		       struct vb_reason *why);

/* The public point's coordinates (big-endian, left-padded). VB_OK or
 * VB_EIO; x and y are written only on success. */
int cert_key_xy(const struct cert_key *k, uint8_t x[32], uint8_t y[32]);

/* 1 if k holds a private key. */
int cert_key_is_private(const struct cert_key *k);

/* ES256: sig = r‖s over SHA-256(msg). VB_OK, VB_EINVAL (public key).
 * Note (keys): VB_EIO if OpenSSL fails; sig written only on success. */
int cert_key_sign(const struct cert_key *k, const uint8_t *msg, size_t len, uint8_t sig[64]);

/* VB_OK when sig (r‖s) is a valid ES256 signature of msg by k, else
 * VB_EREFUSED (also for NULL arguments and internal failures). High-s
 * signatures are valid ECDSA and accepted, as JWS and COSE do. */
int cert_key_verify(const struct cert_key *k, const uint8_t *msg, size_t len,
		    const uint8_t sig[64]);

/* The RFC 7638 thumbprint as base64url without padding (the SHC kid),
 * 43 characters + NUL. VB_OK or VB_EIO. */
int cert_key_thumbprint(const struct cert_key *k, char kid[CERT_KID_B64_MAX]);

/*
 * A self-signed X.509 signer certificate for k (DER, malloc'd, owned by
 * the caller): subject and issuer C=country, CN=common_name, validity
 * [not_before, not_after] (UTC seconds), serial random, signed ES256.
 * With the bus's own key the DCC it signs is a test credential until a
 * national CA issues the signer certificate (REFERENCE.md).
 * Note (keys): k must be private; country two letters A-Z; common_name
 * non-empty UTF-8 of at most 64 characters (RFC 5280); not_before <
 * not_after — else VB_EINVAL. Serial: 16 random bytes, positive. Version 3
 * with keyUsage critical digitalSignature and a subjectKeyIdentifier; no
 * extendedKeyUsage (a DCC verifier then accepts it for every type).
 * VB_OK, VB_EINVAL, VB_ENOMEM, VB_EIO; *der and *len set only on success.
 */
int cert_key_x509(const struct cert_key *k, const char *country, const char *common_name,
		  int64_t not_before, int64_t not_after, uint8_t **der, size_t *len);

/* The DCC kid: the first 8 bytes of SHA-256 of der. */
void cert_key_dcc_kid(const uint8_t *der, size_t len, uint8_t kid[8]);

/* Frees k (private material cleared by OpenSSL). Accepts NULL. */
void cert_key_free(struct cert_key *k);

#endif
