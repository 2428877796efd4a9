/*
 * store_cert: the signed vaccination certificates the bus issued, and the
 * issuer keys it trusts (tables certificate and trust_key, migration 4).
 *
 * A certificate is the QR payload ("HC1:..." or "shc:/...") issued for
 * one dose in one format. The table is unique on (dose_id, format): the
 * app looks the pair up before it signs, and a second issue for the same
 * dose and format gets the stored payload back, so a reprint never
 * re-signs different content. Each insert writes the audit row
 * "cert.issue" whose detail holds the visit and dose ids and the format
 * only (never the payload: it carries the name and birth date).
 *
 * trust_key holds what the bus trusts for verifying certificates offline:
 * imported SMART Health Card issuers (kind "jwks": the issuer URL and its
 * JWKS document), imported EU DCC signer certificates (kind "x509": the
 * DER), and the bus's own signer certificates (kind "own": the DER of the
 * self-signed certificate of each signing key it has had; the newest is
 * the current signer, older ones stay trusted for what they signed).
 * Importing the same document twice adds nothing (unique on kind, iss and
 * the SHA-256 of the data). Audit rows "trust.import" / "trust.own" with
 * the kind only.
 */
#ifndef STORE_CERT_H
#define STORE_CERT_H

#include <stddef.h>
#include <stdint.h>

#include "store.h"
#include "store_id.h"

#define STORE_CERT_PAYLOAD_MAX 4096	   /* bytes of a QR payload, NUL excluded */
#define STORE_CERT_KID_MAX     44	   /* base64url of 32 bytes + NUL */
#define STORE_CERT_UVCI_MAX    81	   /* a UVCI of at most 80 characters + NUL */
#define STORE_TRUST_ISS_MAX    256	   /* an issuer URL + NUL */
#define STORE_TRUST_DATA_MAX   (64 * 1024) /* one JWKS document or certificate */

struct store_cert {
	char id[STORE_ID_LEN + 1];
	char visit_id[STORE_ID_LEN + 1];
	char dose_id[STORE_ID_LEN + 1];
	char person_id[STORE_ID_LEN + 1];
	char format[4];				  /* "dcc" or "shc" */
	char payload[STORE_CERT_PAYLOAD_MAX + 1]; /* the QR text */
	char kid[STORE_CERT_KID_MAX];		  /* SHC kid, or the DCC kid in base64 */
	char certificate_id[STORE_CERT_UVCI_MAX]; /* the UVCI; "" when the format has none */
	int64_t issued_at, expires_at;		  /* UTC seconds (expires_at 0: none) */
	int64_t created_at;
};

/*
 * Saves certificate *c (c->id ignored; a new UUIDv7 written to it on VB_OK)
 * at now, with the audit row "cert.issue", in the caller's transaction.
 * The visit, its dose and the person must exist and agree (the dose is the
 * visit's, the person the dose's). Returns VB_OK; VB_EEXIST when the dose
 * has a certificate in that format already (nothing written: fetch it with
 * store_cert_get_dose); VB_EINVAL (unknown format, empty or too long
 * payload, malformed ids, unknown or inconsistent visit/dose/person);
 * VB_ESTATE (no transaction); or a storage error.
 */
int store_cert_add(struct store *st, struct store_cert *c, const char *actor, int64_t now);

/* The certificate of dose dose_id in format ("dcc"/"shc"): VB_OK with
 * *out, VB_ENOTFOUND, VB_EINVAL (bad format) or a storage error; *out is
 * written only on VB_OK. */
int store_cert_get_dose(struct store *st, const char *dose_id, const char *format,
			struct store_cert *out);

/* Where dose dose_id was given: the bus_id and site_id it was stored with
 * ("" for a dose not given on a bus), into bus and site (caps in bytes).
 * VB_OK, VB_ENOTFOUND, VB_ERANGE or a storage error; outputs written only
 * on VB_OK. */
int store_cert_dose_place(struct store *st, const char *dose_id, char *bus, size_t bus_cap,
			  char *site, size_t site_cap);

/* Counts the certificates stored for visit_id (any format). */
int store_cert_count_visit(struct store *st, const char *visit_id, int64_t *n);

/* One trusted key document. */
struct store_trust_key {
	char id[STORE_ID_LEN + 1];
	char kind[8];		       /* "jwks", "x509" or "own" */
	char iss[STORE_TRUST_ISS_MAX]; /* the SHC issuer URL ("" for x509) */
	const uint8_t *data;	       /* borrowed for the callback only */
	size_t n_data;
	int64_t created_at;
};

/*
 * Adds a trusted document of kind ("jwks" with iss, "x509" and "own" with
 * iss "" or the bus's own issuer URL) in its own transaction or the
 * caller's. *added (may be NULL) is 1 when it is new, 0 when the same
 * kind, iss and data were there already. Returns VB_OK, VB_EINVAL (unknown
 * kind, empty or too large data, iss too long or missing for jwks) or a
 * storage error.
 */
int store_trust_add(struct store *st, const char *kind, const char *iss, const uint8_t *data,
		    size_t n, const char *actor, int64_t now, int *added);

/*
 * Calls fn for each trusted document, oldest first (kind NULL: all kinds,
 * else only that kind). fn returns 0 to go on, anything else to stop;
 * that value is returned. Returns VB_OK, fn's value, or a storage error.
 * fn must not use st.
 */
int store_trust_each(struct store *st, const char *kind,
		     int (*fn)(void *ctx, const struct store_trust_key *k), void *ctx);

/*
 * The newest document of kind into *out, with *data a malloc'd copy (the
 * caller frees it; out->data points at it). VB_OK, VB_ENOTFOUND or a
 * storage error; outputs written only on VB_OK.
 */
int store_trust_latest(struct store *st, const char *kind, struct store_trust_key *out,
		       uint8_t **data);

#endif
