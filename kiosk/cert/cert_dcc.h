/*
 * cert_dcc: the EU Digital COVID Certificate (HCERT, eu-dcc-hcert-spec
 * 1.0.x, schema 1.3.0) — issued from a struct ddcc_record and verified
 * offline.
 *
 * Issue: hcert {ver "1.3.0", nam {fn, fnt, gn, gnt}, dob, v: [one entry
 * for the record's LAST dose]} → CWT claims {1: iss, 6: iat, 4: exp,
 * -260: {1: hcert}} → COSE_Sign1 (tag 18) with the protected header bytes
 * a2 01 26 04 48 <kid> (alg ES256, the 8-byte kid), an empty unprotected
 * map and the raw r‖s signature of the Sig_structure ["Signature1",
 * protected, h'', payload] → zlib (compress2, level 9) → base45 → "HC1:".
 *
 * Verify, layer by layer, each failure named by a stable code in
 * out->why: "payload_size", "bad_prefix", "base45", "zlib", "cbor" (not
 * well-formed, trailing bytes, nested deeper than 16, too many items),
 * "cose" (not a COSE_Sign1, header types), "cwt" (claims types), "schema"
 * (the hcert content against the DCC schema 1.3.x), "field_size" (valid
 * but larger than struct ddcc_record holds) — these return VB_EINVAL —
 * then "unsupported_alg", "unknown_kid", "signature", "key_usage",
 * "not_yet_valid", "expired", "not_vaccination" (a valid test or
 * recovery DCC), which return VB_OK with the content decoded. Following
 * the spec, the CWT/COSE tags (61, 18) are optional, alg and kid are read
 * from the protected header and only when absent there from the
 * unprotected one, and a payload without the zlib header 0x78 that starts
 * like a COSE message (0xD2, 0xD8 0x3D, 0x84) is read uncompressed: then
 * out->why.code stays NULL on success and out->why.text says so.
 */
#ifndef CERT_DCC_H
#define CERT_DCC_H

#include <stddef.h>
#include <stdint.h>

#include "cert.h"
#include "ddcc.h"
#include "trust.h"
#include "vb_error.h"

#define CERT_DCC_PREFIX	  "HC1:"
#define CERT_DCC_TEXT_MAX 4296	      /* a version 40-L QR code's alphanumeric capacity */
#define CERT_DCC_COSE_MAX (64 * 1024) /* cap on the inflated COSE message */

/*
 * Issues r as an EU DCC signed by s (ES256 with s->key, kid s->dcc_kid).
 * The DCC carries r->doses[r->n_doses - 1] (dn and sd from that dose).
 * On VB_OK *payload is the "HC1:..." text, malloc'd, owned by the caller.
 * Returns VB_EINVAL with why when r fails ddcc_check or a DCC rule (tg
 * "840539006", ICAO names, country codes, is and ci of at most 80 bytes,
 * the payload at most CERT_PAYLOAD_MAX), VB_ENOMEM or VB_EIO.
 */
int cert_dcc_issue(const struct ddcc_record *r, const struct cert_signer *s, char **payload,
		   struct vb_reason *why);

/*
 * Verifies payload ("HC1:...", borrowed) against the DCC signers in trust
 * at time now (UTC seconds) and fills *out (format CERT_DCC, issuer = the
 * CWT iss, kid = the kid in standard base64, issued_at, expires_at,
 * expired, the record: names, birth (VBDATE_NONE for a partial or empty
 * dob), one dose with vp/mp/ma/dt/dn/sd/co, disease, certificate_id,
 * issuer, issuer_country, iat/exp). Returns VB_OK when decoded (then
 * out->signature_valid and out->why tell), or VB_EINVAL when it cannot be
 * decoded; out->why names the layer in both cases (see above). Only ES256
 * signers are in a struct trust, whose entries carry no certificate, so
 * the signer's extended key usage is not checked here (see
 * cert_dcc_verify_dsc).
 */
int cert_dcc_verify(const char *payload, const struct trust *trust, int64_t now,
		    struct cert_verified *out);

/*
 * Like cert_dcc_verify with one Document Signer Certificate (der, len,
 * borrowed) as the only trusted signer: its kid is cert_key_dcc_kid(der);
 * ES256 and PS256 (RSASSA-PSS, SHA-256, salt 32, the spec's secondary
 * algorithm) are checked; and when the certificate's extended key usage
 * names the DCC types (OIDs 1.3.6.1.4.1.1847.2021.1.1 test, .2
 * vaccination, .3 recovery, or their 1.3.6.1.4.1.0.1847... twins) the
 * DCC's type must be among them ("key_usage"). A certificate that cannot
 * be read leaves the DCC unverified ("unknown_kid"). Same returns.
 */
int cert_dcc_verify_dsc(const char *payload, const uint8_t *der, size_t len, int64_t now,
			struct cert_verified *out);

/*
 * The transport layers, for tests and tools. cert_dcc_unwrap checks the
 * prefix, decodes base45 and inflates the zlib stream (at most
 * CERT_DCC_COSE_MAX bytes); on VB_OK *cose (malloc'd, owned by the caller)
 * holds *len bytes and *compressed is 0 when the payload carried the COSE
 * message uncompressed. Returns VB_EINVAL with why ("payload_size",
 * "bad_prefix", "base45", "zlib") or VB_ENOMEM.
 */
int cert_dcc_unwrap(const char *payload, uint8_t **cose, size_t *len, int *compressed,
		    struct vb_reason *why);

/*
 * Compresses len bytes of cose (zlib, level 9), encodes them in base45
 * and prefixes "HC1:". On VB_OK *payload is malloc'd, owned by the
 * caller. Returns VB_ENOMEM or VB_EIO.
 */
int cert_dcc_wrap(const uint8_t *cose, size_t len, char **payload);

#endif
