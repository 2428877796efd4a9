/*
 * cert: issuing and verifying signed vaccination certificates, offline.
 *
 * Two formats from one struct ddcc_record (kiosk/core/ddcc.h):
 * - EU DCC (HCERT): CBOR -> COSE_Sign1 (ES256) -> zlib -> base45 -> "HC1:"
 *   (cert_dcc.c, base45.c);
 * - SMART Health Card: minified FHIR Bundle -> raw DEFLATE -> JWS compact
 *   with zip DEF (ES256) -> "shc:/" + numeric digits (cert_shc.c).
 * REFERENCE.md "Certificates" has the byte-level rules and sources.
 */
#ifndef CERT_H
#define CERT_H

#include <stddef.h>
#include <stdint.h>

#include "cert_key.h"
#include "ddcc.h"
#include "trust.h"
#include "vb_error.h"

enum cert_format {
	CERT_DCC = 1,
	CERT_SHC,
};

#define CERT_PAYLOAD_MAX 4096 /* one QR code's worth, with room */

/* The signer of a DCC: the key and its signer certificate's kid. */
struct cert_signer {
	const struct cert_key *key; /* private, borrowed */
	uint8_t dcc_kid[8];	    /* cert_key_dcc_kid of the signer certificate */
};

/*
 * Encodes and signs r in format f. On VB_OK *payload is the QR text
 * ("HC1:..." or "shc:/..."), malloc'd, owned by the caller. Returns
 * VB_EINVAL with why when r cannot be encoded in that format (ddcc_check,
 * field limits), VB_ENOMEM, or VB_EIO (a library failed).
 */
int cert_issue(const struct ddcc_record *r, enum cert_format f, const struct cert_signer *s,
	       char **payload, struct vb_reason *why);

struct cert_verified {
	enum cert_format format;
	int signature_valid;	       /* 1 only when the signature checks against a trusted key */
	struct vb_reason why;	       /* why it is not valid (code NULL when it is) */
	char issuer[DDCC_TEXT];	       /* SHC iss URL, or DCC CWT iss country */
	char kid[CERT_KID_B64_MAX];    /* SHC kid, or the DCC kid in base64 */
	int64_t issued_at, expires_at; /* 0 when absent */
	int expired;		       /* expires_at < now */
	struct ddcc_record record;     /* what it proves (fields the format carries) */
};

/*
 * Decodes payload (either format, detected by prefix), checks its
 * structure and its signature against trust, and fills *out. Returns VB_OK
 * when it could be decoded (then out->signature_valid tells), or
 * VB_EINVAL when it cannot be decoded at all; in both cases out->why names
 * the exact problem ("bad_prefix", "base45", "zlib", "cbor", "cose",
 * "unknown_kid", "signature", "expired", "not_yet_valid", "schema", ...).
 */
int cert_verify(const char *payload, const struct trust *trust, int64_t now,
		struct cert_verified *out);

#endif
