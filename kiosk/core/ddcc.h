/*
 * ddcc: the content of a vaccination certificate — the WHO DDCC:VS core
 * data set — captured once from the visit's records and then encoded as
 * an EU DCC or a SMART Health Card (kiosk/cert). Plain data: no encoding,
 * no signing here.
 *
 * Which fields each format carries (REFERENCE.md "Certificates"): the DCC
 * has no lot or centre; the SHC has no dose number, country or
 * certificate id.
 */
#ifndef DDCC_H
#define DDCC_H

#include <stddef.h>
#include <stdint.h>

#include "vb_error.h"

#define DDCC_TEXT      128 /* UTF-8 text fields, NUL included */
#define DDCC_CODE      64  /* codes and identifiers */
#define DDCC_UVCI      81  /* a UVCI: at most 80 characters, NUL included */
#define DDCC_MAX_DOSES 4   /* doses one SHC may prove; a DCC carries one */

/* One dose, as both formats need it. */
struct ddcc_dose {
	char vaccine_code[DDCC_CODE]; /* EU DCC vaccine-prophylaxis (vp), e.g. "J07BX03" */
	char brand[DDCC_CODE];	      /* EU DCC medicinal product (mp), e.g. "BBIBP-CorV" */
	char holder[DDCC_CODE];	      /* EU DCC marketing-authorisation holder (ma) */
	char cvx[DDCC_CODE];	      /* CDC CVX code for the SHC, "" if none */
	char product_name[DDCC_TEXT]; /* human-readable product name */
	char maker_name[DDCC_TEXT];   /* human-readable manufacturer */
	char lot[DDCC_CODE];	      /* lot number */
	int32_t date;		      /* vbdate day number of the dose */
	int dose_number;	      /* 1-based */
	int series_doses;	      /* doses in the series */
	char country[3];	      /* ISO 3166-1 alpha-2 where given, "CN" */
	char centre[DDCC_TEXT];	      /* where: the bus and the stop */
	char performer[DDCC_TEXT];    /* SHC performer display: the issuing organisation */
};

struct ddcc_record {
	/* The person. */
	char family[DDCC_TEXT];	     /* family name as written (UTF-8, e.g. 张) */
	char given[DDCC_TEXT];	     /* given name(s) as written (e.g. 建国) */
	char family_icao[DDCC_TEXT]; /* ICAO 9303 transliteration, ^[A-Z<]*$ (ZHANG) */
	char given_icao[DDCC_TEXT];  /* (JIANGUO: Pinyin syllables written together) */
	int32_t birth;		     /* vbdate day number */
	char identifier[DDCC_CODE];  /* masked document number, never the full one */
	/* The doses it proves (a DCC uses doses[n_doses - 1]). */
	struct ddcc_dose doses[DDCC_MAX_DOSES];
	size_t n_doses;
	char disease[DDCC_CODE]; /* SNOMED CT "840539006" (COVID-19) */
	int32_t next_dose;	 /* vbdate day number, VBDATE_NONE when none */
	/* The certificate. */
	char certificate_id[DDCC_UVCI]; /* UVCI, URN:UVCI:01:CN:... (<= 80 bytes) */
	char issuer[DDCC_TEXT];		/* issuing organisation (DCC "is", <= 80) */
	char issuer_country[3];		/* CWT iss, alpha-2 */
	char issuer_url[DDCC_TEXT];	/* SHC iss: https URL without trailing slash */
	int64_t issued_at;		/* UTC seconds (CWT iat, SHC nbf) */
	int64_t expires_at;		/* UTC seconds (CWT exp) */
};

/* Checks that r is complete and consistent for issuing: names present
 * and ICAO fields match ^[A-Z<]*$, 1..DDCC_MAX_DOSES doses with dates,
 * dose numbers 1..series, the certificate id a UVCI of at most 80
 * characters, iat < exp. Returns VB_OK or VB_EINVAL naming the field.
 * Note (keys): also every text ends within its buffer ("not_terminated")
 * and is UTF-8 without control characters ("bad_utf8"); names and ICAO
 * names at most 80 characters, the issuer at most 80 bytes
 * ("bad_length"); vaccine code, product, holder, disease required
 * ("empty"); birth and dose dates set, years 1900-2099 ("bad_date"), dose
 * dates not before birth ("dose_before_birth"), in order
 * ("bad_dose_order"), not after the issue day + 1 ("dose_after_issue");
 * next_dose NONE or not before the last dose ("bad_next_dose"); countries
 * two letters A-Z ("bad_country"); the UVCI URN:UVCI:01:CC:<A-Z 0-9 / :>
 * with an optional '#' + one checksum character at the end ("bad_uvci")
 * and CC = issuer_country ("uvci_country"); issuer_url as
 * ddcc_check_url. Other codes: "bad_dose_count", "bad_dose_number",
 * "bad_validity", "bad_char" (ICAO). Texts name the field, never its
 * value. */
int ddcc_check(const struct ddcc_record *r, struct vb_reason *why);

/* Note (keys): the SMART Health Card iss rule, shared with the trust
 * list: "https://" + a host, at most 255 bytes of printable ASCII, no
 * query, fragment or trailing '/'. VB_OK or VB_EINVAL ("bad_url"). */
int ddcc_check_url(const char *url, struct vb_reason *why);

#endif
