/*
 * cert_shc: SMART Health Cards — issuing one from a struct ddcc_record,
 * verifying a scanned one offline, and its QR symbol.
 *
 * Byte-level rules (REFERENCE.md "SMART Health Card", the health-cards
 * spec): a minified FHIR Bundle (one Patient, one Immunization per dose)
 * in a payload {"iss","nbf","vc"} -> raw DEFLATE -> JWS compact with the
 * header {"zip":"DEF","alg":"ES256","kid":K} (K the RFC 7638 thumbprint of
 * the signing key) -> "shc:/" + two digits per JWS character (ord - 45).
 *
 * vaccineCode: the CVX code (http://hl7.org/fhir/sid/cvx) when the dose
 * has one; otherwise its EU vaccine-prophylaxis code, which is an ATC code
 * (J07BX03, system https://www.whocc.no/atc_ddd_index/) or a SNOMED CT
 * code (all digits, http://snomed.info/sct) — both are code systems the
 * SMART Health Cards vaccination IG lists for vaccineCode. One coding
 * only, as the IG's data minimisation asks. Note that the IG wants a
 * manufacturer beside an ATC or SNOMED code for COVID-19, which the member
 * list of REFERENCE.md does not allow: the catalog should give every
 * vaccine a CVX code (the Chinese vaccines have them: 510 BIBP, 511
 * CoronaVac).
 *
 * Verifying: the single-QR form only (the chunked "shc:/n/m/" form is
 * deprecated by the spec and refused as "chunked"); a bare JWS is accepted
 * too. Every length is capped; the inflated payload at 64 KiB.
 */
#ifndef CERT_SHC_H
#define CERT_SHC_H

#include <stddef.h>
#include <stdint.h>

#include <qrencode.h>

#include "cert.h"
#include "cert_key.h"
#include "ddcc.h"
#include "trust.h"
#include "vb_error.h"

#define CERT_SHC_PREFIX		"shc:/"
#define CERT_SHC_ISSUE_JWS_MAX	1195  /* one QR at version 22, ECC L */
#define CERT_SHC_JWS_MAX	4096  /* the longest JWS verify reads */
#define CERT_SHC_INFLATED_MAX	65536 /* the largest payload verify inflates */
#define CERT_SHC_QR_MAX_VERSION 22    /* the spec's limit for one QR */
#define CERT_SHC_ATC_SYSTEM	"https://www.whocc.no/atc_ddd_index/"
#define CERT_SHC_CVX_SYSTEM	"http://hl7.org/fhir/sid/cvx"
#define CERT_SHC_SNOMED_SYSTEM	"http://snomed.info/sct"

/*
 * Issues r as a SMART Health Card signed with key (private, borrowed).
 * The record must pass ddcc_check (texts, dates, the https issuer_url);
 * each dose needs a CVX code or an ATC/SNOMED vaccine_code; its performer
 * is the dose's, or else r->issuer. nbf is r->issued_at.
 * On VB_OK *payload is "shc:/" + digits, malloc'd, owned by the caller.
 * Returns VB_EINVAL with why (ddcc_check's codes, "vaccine_code",
 * "issued_at", or "too_long" when the JWS would exceed
 * CERT_SHC_ISSUE_JWS_MAX), VB_EINVAL without a reason code for a public
 * key (cert_key_sign), VB_ENOMEM, or VB_EIO (zlib or OpenSSL failed).
 */
int cert_shc_issue(const struct ddcc_record *r, const struct cert_key *key, char **payload,
		   struct vb_reason *why);

/*
 * Verifies payload ("shc:/" + digits, or a bare JWS) against trust at now
 * (UTC seconds) and fills *out (always, as cert_verify does).
 *
 * Returns VB_EINVAL when it cannot be decoded, out->why.code being one of
 * "bad_prefix" (not "shc:/", or a malformed chunk header), "chunked" (a
 * multi-QR card), "numeric" (odd digit count, a pair > 77, a non-digit),
 * "too_long", "jws" (not three parts), "base64url", "jws_header" (not
 * JSON, zip not DEF, alg not ES256, no kid, crit present), "zlib" (not raw
 * DEFLATE, trailing bytes, or over CERT_SHC_INFLATED_MAX), "json",
 * "schema" (payload or bundle shape; the member is named in the text),
 * "bad_url" (iss fails ddcc_check_url, or is over 127 bytes).
 *
 * Returns VB_OK when it was decoded: out->record holds the Patient's
 * names and birth date and the Immunizations (at most DDCC_MAX_DOSES, the
 * latest, oldest first; dates, lots, performer, CVX or ATC/SNOMED code;
 * an SHC has no dose numbers, so dose_number is 0), out->issuer/kid/
 * issued_at (nbf)/expires_at (exp, 0 when absent). Then
 * out->signature_valid is 1 when the signature checks against the key
 * trust holds for (iss, kid); out->why.code is NULL only when the card is
 * valid, else "unknown_issuer", "unknown_kid", "signature_format" (not 64
 * bytes, e.g. DER), "signature", "not_yet_valid" (now < nbf; the
 * signature may still be valid) or "expired" (exp < now; also
 * out->expired).
 */
int cert_shc_verify(const char *payload, const struct trust *trust, int64_t now,
		    struct cert_verified *out);

/*
 * The QR symbol of an issued payload: "shc:/" in a byte segment and the
 * digits in one numeric segment, ECC L, the smallest version. Returns
 * VB_OK with *out (free with QRcode_free), VB_EINVAL (not "shc:/" followed
 * by an even number of digits), VB_ERANGE (it needs a version above
 * CERT_SHC_QR_MAX_VERSION) or VB_ENOMEM.
 */
int cert_shc_qr(const char *payload, QRcode **out);

/*
 * The numeric form of a JWS: "shc:/" + two digits per character (its
 * code - 45). jws must hold only base64url characters and dots, at most
 * CERT_SHC_JWS_MAX. Returns VB_OK with *out (malloc'd, owned by the
 * caller), VB_EINVAL or VB_ENOMEM.
 */
int cert_shc_numeric_encode(const char *jws, char **out);

/*
 * The JWS of a numeric payload ("shc:/" + digits, no chunk header) into
 * jws (cap bytes, NUL-terminated). Returns VB_OK with *len, or VB_EINVAL
 * with why ("bad_prefix", "chunked", "numeric", "too_long").
 */
int cert_shc_numeric_decode(const char *payload, char *jws, size_t cap, size_t *len,
			    struct vb_reason *why);

#endif
