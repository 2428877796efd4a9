/*
 * certificate: the app's side of signed vaccination certificates — what
 * vaxbusctl and the kiosk share.
 *
 * - Capture: the WHO DDCC:VS record of the dose given at a visit, from
 *   the store (the person, the whole series history of doses, the bus and
 *   site) and the catalog (the product's DCC and CVX codes and names);
 *   names transliterated by pinyin.h.
 * - Issue: capture, sign (cert.h) and store (store_cert.h) in one
 *   transaction — or, when the dose already has a certificate in that
 *   format, return the stored one: a reprint never re-signs.
 * - The signer: the bus's key file (0600 PEM) and its self-signed signer
 *   certificate, kept as the newest "own" row of the trust table with the
 *   issuer URL chosen at `keys init`.
 * - The trust list for verifying: the bus's own keys, past and present,
 *   and every imported JWKS and DCC signer certificate.
 * - Render: the receipt page from assets/receipts/certificate.txt with the
 *   QR code drawn from the exact payload.
 *
 * Identifiers: the certificate id is the UVCI "URN:UVCI:01:CN:" + the bus
 * id (uppercased, only A-Z and 0-9 kept: the UVCI alphabet) + "/" + the
 * dose's record id uppercased without dashes, at most 80 characters. The
 * issuer is "vaxbus " + bus id. The SHC issuer URL defaults to
 * https://vaxbus.invalid/<bus id>: a bus has no public URL, so verifiers
 * cannot fetch iss + "/.well-known/jwks.json"; they import the JWKS that
 * `vaxbusctl keys export --jwk` writes. Certificates expire one calendar
 * year after issue.
 */
#ifndef CERTIFICATE_H
#define CERTIFICATE_H

#include <stddef.h>
#include <stdint.h>

#include "cert.h"
#include "ddcc.h"
#include "printer_page.h"
#include "printer_qr.h"
#include "receipt.h"
#include "store_cert.h"
#include "store_id.h"
#include "trust.h"
#include "vb_error.h"

struct store;
struct catalog;
struct catalog_product;

#define CERTIFICATE_KEY_FILE	"signing-key.pem" /* next to the database */
#define CERTIFICATE_SIGNER_DAYS (5 * 365)	  /* the signer certificate's validity */
#define CERTIFICATE_ACTOR	"staff"

/* Which records a certificate comes from. */
struct certificate_source {
	char visit_id[STORE_ID_LEN + 1];
	char dose_id[STORE_ID_LEN + 1];
	char person_id[STORE_ID_LEN + 1];
	char product[32]; /* catalog id of the certificate's dose */
};

/*
 * Fills *out with the DDCC:VS record of the dose given at visit visit_id
 * (borrowed) as of now: the person (names as written and in ICAO form,
 * birth date, the masked document number), the doses of the person's
 * series up to and including this one (the last DDCC_MAX_DOSES; a DCC
 * carries the last), the next dose's earliest date when the series is not
 * complete, and the certificate fields (UVCI, issuer, issuer_url — when
 * NULL or "", the https://vaxbus.invalid/<bus id> default — iat = now,
 * exp one year later). *src gets the record ids. Returns VB_OK;
 * VB_ENOTFOUND with why ("no_visit", "no_dose"); VB_EINVAL with why
 * ("unknown_product", "uvci_too_long", "no_identity" and the pinyin name
 * codes); or a storage error. The record holds personal data: wipe it
 * (iddoc_wipe) when done.
 */
int certificate_capture(struct store *st, const struct catalog *cat, const char *visit_id,
			const char *issuer_url, int64_t now, struct ddcc_record *out,
			struct certificate_source *src, struct vb_reason *why);

/* The bus's signer, loaded by certificate_signer_open. */
struct certificate_signer {
	struct cert_key *key;		      /* private; owned */
	struct cert_signer signer;	      /* key + DCC kid, for cert_issue */
	char kid[CERT_KID_B64_MAX];	      /* the SHC kid (RFC 7638 thumbprint) */
	char issuer_url[STORE_TRUST_ISS_MAX]; /* the SHC iss of this key */
	uint8_t *der;			      /* the signer certificate; owned */
	size_t der_len;
};

/*
 * The key file to use: key_path when given, else the one `keys init`
 * recorded (meta "cert_key_path"), else CERTIFICATE_KEY_FILE in the
 * directory of db_path. Writes it to out (cap bytes). VB_OK, VB_ERANGE or
 * a storage error.
 */
int certificate_key_path(struct store *st, const char *db_path, const char *key_path, char *out,
			 size_t cap);

/*
 * Makes a new signing key for the bus: writes it to key_path (mode 0600;
 * with force an existing file is replaced, else VB_EEXIST "key_exists"),
 * makes its self-signed signer certificate (C=CN, CN="vaxbus <bus id>",
 * valid from now for CERTIFICATE_SIGNER_DAYS) and stores it as the
 * newest "own" trusted document with issuer_url (NULL or "": the
 * default), and records key_path in meta. Earlier keys stay trusted for
 * what they signed. On VB_OK *out is the new signer (certificate_signer_close).
 * Returns VB_OK, VB_EEXIST, VB_EINVAL with why ("bad_issuer_url",
 * "no_identity"), VB_EIO or a storage error.
 */
int certificate_keys_init(struct store *st, const char *key_path, const char *issuer_url, int force,
			  int64_t now, struct certificate_signer *out, struct vb_reason *why);

/*
 * Loads the signer: the key at key_path and the newest "own" signer
 * certificate, which must hold the same public key. Returns VB_OK with
 * *out, VB_ENOTFOUND with why "no_key" (run keys init), VB_EINVAL with why
 * ("key_file" and cert_key_load's reasons, "signer_mismatch": the key
 * file is not the key of the stored signer certificate), or a storage
 * error.
 */
int certificate_signer_open(struct store *st, const char *key_path, struct certificate_signer *out,
			    struct vb_reason *why);

/* Releases what a signer holds (the key is freed by OpenSSL, cleared).
 * Accepts a zeroed struct. */
void certificate_signer_close(struct certificate_signer *s);

/*
 * The trust list for verifying: every "own" signer certificate (its key as
 * a DCC signer and as the SHC issuer of the row's issuer URL), every
 * imported JWKS and DCC signer certificate. On VB_OK *out is owned by the
 * caller (trust_free). Returns VB_OK, VB_ECORRUPT with why ("trust_row":
 * a stored document no longer loads), VB_ENOMEM or a storage error.
 */
int certificate_trust(struct store *st, struct trust **out, struct vb_reason *why);

/*
 * Issues the certificate of the dose given at visit_id in format f, or
 * returns the one stored for that dose and format (then *reissued = 1).
 * Runs in its own transaction (capture, cert_issue, store_cert_add).
 * *out is filled on VB_OK; with record (may be NULL) the record captured
 * now is returned too (for a reissue: captured again, for rendering; the
 * payload is the stored one). Returns VB_OK, the codes of
 * certificate_capture and cert_issue with why ("no_dcc_code": a DCC of a
 * product the EU value sets lack, e.g. ZF2001; its SHC can be issued), or
 * a storage error.
 */
int certificate_issue(struct store *st, const struct catalog *cat, const char *visit_id,
		      enum cert_format f, const struct certificate_signer *signer, int64_t now,
		      struct store_cert *out, int *reissued, struct ddcc_record *record,
		      struct certificate_source *src, struct vb_reason *why);

/* "dcc" / "shc" for a format, and back (VB_OK or VB_EINVAL). */
const char *certificate_format_name(enum cert_format f);
int certificate_format_parse(const char *name, enum cert_format *out);

/* The QR symbol of a payload as it is printed: an SHC through
 * cert_shc_qr (ECC L, numeric segment), a DCC at ECC level (alphanumeric
 * segments). VB_OK with *out (QRcode_free), VB_EINVAL or VB_ENOMEM. */
int certificate_qr(const char *payload, QRecLevel level, QRcode **out);

/*
 * Lays out the certificate receipt from the template file tmpl_path with
 * the record r, the catalog product of its last dose (for the Chinese
 * names; may be NULL), and the payload, on a page width dots wide. The
 * template's line "qr LEVEL DOTS {payload}" (LEVEL and DOTS may be the
 * placeholders {qr_level} and {qr_dots}: Q, and 3 dots per module on
 * 58 mm paper, 4 on wider paper) is drawn here from certificate_qr, so
 * the printed symbol is exactly the payload; the lines after it are laid
 * out afresh (size and align as at the top of a template). The other
 * placeholders are listed in the template. On VB_OK *out is owned by the
 * caller (printer_page_free) and *qr (may be NULL) tells where the symbol
 * is. Returns VB_EINVAL with one line in err (template, a QR wider than
 * the paper), VB_EIO (font, file) or VB_ENOMEM.
 */
int certificate_render(const char *tmpl_path, const struct ddcc_record *r,
		       const struct catalog_product *prod, const char *payload,
		       const struct receipt_font *font, int width, struct printer_page **out,
		       struct printer_qr_info *qr, char *err, size_t errcap);

#endif
