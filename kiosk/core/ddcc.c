/*
 * ddcc: checks that a DDCC:VS record is complete and consistent before it
 * is encoded and signed (see ddcc.h). The limits are the stricter of the
 * two formats': the EU DCC schema 1.3 (names and issuer at most 80, ICAO
 * transliterations ^[A-Z<]*$, birth year 1900-2099, dose numbers >= 1,
 * alpha-2 countries, a UVCI of at most 80) and the SMART Health Card's
 * issuer URL (https, no trailing slash). Every text is checked to end in
 * its buffer and to be UTF-8 without control characters.
 */
#include "ddcc.h"

#include <stdio.h>
#include <string.h>

#include "vbdate.h"

#define DDCC_NAME_MAX	80  /* DCC fn, gn, fnt, gnt: characters */
#define DDCC_ISSUER_MAX 80  /* DCC is: bytes here, stricter than characters */
#define DDCC_UVCI_MAX	80  /* DCC ci */
#define DDCC_URL_MAX	255 /* SHC iss */

static const char ddcc_uvci_prefix[] = "URN:UVCI:01:";

/* The number of code points of the NUL-terminated s if it is UTF-8
 * (shortest forms, no surrogates) without C0/C1 controls or DEL, else -1. */
static long ddcc_utf8_chars(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	long n = 0;
	while (*p) {
		uint32_t cp;
		int extra;
		if (*p < 0x80) {
			cp = *p;
			extra = 0;
		} else if (*p >= 0xc2 && *p <= 0xdf) {
			cp = *p & 0x1f;
			extra = 1;
		} else if (*p >= 0xe0 && *p <= 0xef) {
			cp = *p & 0x0f;
			extra = 2;
		} else if (*p >= 0xf0 && *p <= 0xf4) {
			cp = *p & 0x07;
			extra = 3;
		} else {
			return -1;
		}
		p++;
		for (int i = 0; i < extra; i++, p++) {
			if ((*p & 0xc0) != 0x80)
				return -1;
			cp = cp << 6 | (*p & 0x3f);
		}
		if ((extra == 2 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
		    (extra == 3 && (cp < 0x10000 || cp > 0x10ffff)))
			return -1;
		if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f))
			return -1;
		n++;
	}
	return n;
}

/* A text field of a fixed buffer: ends in the buffer, UTF-8 without
 * controls, non-empty when required, at most max_chars code points
 * (0: no limit beyond the buffer). */
static int ddcc_text(const char *buf, size_t cap, const char *field, int required, long max_chars,
		     struct vb_reason *why)
{
	if (!memchr(buf, '\0', cap)) {
		vb_reason_set(why, "not_terminated", "The %s does not end within its %zu bytes",
			      field, cap);
		return VB_EINVAL;
	}
	if (required && buf[0] == '\0') {
		vb_reason_set(why, "empty", "The %s is empty", field);
		return VB_EINVAL;
	}
	long n = ddcc_utf8_chars(buf);
	if (n < 0) {
		vb_reason_set(why, "bad_utf8",
			      "The %s is not UTF-8 text without control characters", field);
		return VB_EINVAL;
	}
	if (max_chars > 0 && n > max_chars) {
		vb_reason_set(why, "bad_length", "The %s is longer than %ld characters", field,
			      max_chars);
		return VB_EINVAL;
	}
	return VB_OK;
}

/* An ICAO 9303 transliteration: ^[A-Z<]*$, non-empty, at most 80. */
static int ddcc_icao(const char *buf, size_t cap, const char *field, struct vb_reason *why)
{
	int rc = ddcc_text(buf, cap, field, 1, DDCC_NAME_MAX, why);
	if (rc)
		return rc;
	for (const char *p = buf; *p; p++) {
		if (!((*p >= 'A' && *p <= 'Z') || *p == '<')) {
			vb_reason_set(why, "bad_char", "The %s may hold only A-Z and <", field);
			return VB_EINVAL;
		}
	}
	return VB_OK;
}

static int ddcc_upper(char c)
{
	return c >= 'A' && c <= 'Z';
}

/* An ISO 3166-1 alpha-2 code in a char[3]. */
static int ddcc_country(const char c[3], const char *field, struct vb_reason *why)
{
	if (!ddcc_upper(c[0]) || !ddcc_upper(c[1]) || c[2] != '\0') {
		vb_reason_set(why, "bad_country", "The %s must be two letters A-Z", field);
		return VB_EINVAL;
	}
	return VB_OK;
}

int ddcc_check_url(const char *url, struct vb_reason *why)
{
	static const char https[] = "https://";
	if (!url || strnlen(url, DDCC_URL_MAX + 1) > DDCC_URL_MAX) {
		vb_reason_set(why, "bad_url", "The issuer URL is missing or longer than %d bytes",
			      DDCC_URL_MAX);
		return VB_EINVAL;
	}
	size_t len = strlen(url);
	if (strncmp(url, https, sizeof(https) - 1) != 0) {
		vb_reason_set(why, "bad_url", "The issuer URL must start with https://");
		return VB_EINVAL;
	}
	if (len == sizeof(https) - 1 || url[sizeof(https) - 1] == '/') {
		vb_reason_set(why, "bad_url", "The issuer URL has no host");
		return VB_EINVAL;
	}
	if (url[len - 1] == '/') {
		vb_reason_set(why, "bad_url", "The issuer URL must not end with /");
		return VB_EINVAL;
	}
	for (const unsigned char *p = (const unsigned char *)url; *p; p++) {
		if (*p <= 0x20 || *p >= 0x7f || *p == '?' || *p == '#') {
			vb_reason_set(why, "bad_url",
				      "The issuer URL may hold only printable ASCII, no query or "
				      "fragment");
			return VB_EINVAL;
		}
	}
	return VB_OK;
}

/* The UVCI (eHealth Network guidelines, Annex 2): URN:UVCI:01:CC:..., the
 * rest non-empty from A-Z 0-9 / # :, at most one '#' followed by exactly
 * one checksum character, at most 80 characters. */
static int ddcc_uvci(const char *ci, size_t cap, const char *issuer_country, struct vb_reason *why)
{
	static const char field[] = "certificate id (UVCI)";
	int rc = ddcc_text(ci, cap, field, 1, DDCC_UVCI_MAX, why);
	if (rc)
		return rc;
	size_t len = strlen(ci), pre = sizeof(ddcc_uvci_prefix) - 1;
	if (len < pre + 4 || memcmp(ci, ddcc_uvci_prefix, pre) != 0 || !ddcc_upper(ci[pre]) ||
	    !ddcc_upper(ci[pre + 1]) || ci[pre + 2] != ':') {
		vb_reason_set(why, "bad_uvci",
			      "The %s must start with URN:UVCI:01: and a two-letter country",
			      field);
		return VB_EINVAL;
	}
	const char *hash = NULL;
	for (const char *p = ci + pre + 3; *p; p++) {
		int ok = ddcc_upper(*p) || (*p >= '0' && *p <= '9') || *p == '/' || *p == ':' ||
			 *p == '#';
		if (!ok) {
			vb_reason_set(why, "bad_uvci", "The %s may hold only A-Z 0-9 / # :", field);
			return VB_EINVAL;
		}
		if (*p == '#') {
			if (hash) {
				vb_reason_set(why, "bad_uvci", "The %s holds more than one #",
					      field);
				return VB_EINVAL;
			}
			hash = p;
		}
	}
	if (hash &&
	    (hash == ci + pre + 3 || strlen(hash) != 2 || hash[1] == ':' || hash[1] == '/')) {
		vb_reason_set(why, "bad_uvci",
			      "The %s must end its # with one checksum character after an "
			      "identifier",
			      field);
		return VB_EINVAL;
	}
	if (memcmp(ci + pre, issuer_country, 2) != 0) {
		vb_reason_set(why, "uvci_country",
			      "The country in the %s is not the issuer country", field);
		return VB_EINVAL;
	}
	return VB_OK;
}

/* A day number that is set and within the DCC's years 1900-2099. */
static int ddcc_date_ok(int32_t d)
{
	int y, m, day;
	if (d == VBDATE_NONE)
		return 0;
	vbdate_to_ymd(d, &y, &m, &day);
	return y >= 1900 && y <= 2099;
}

static int ddcc_dose(const struct ddcc_record *r, size_t i, int32_t issued_day,
		     struct vb_reason *why)
{
	const struct ddcc_dose *d = &r->doses[i];
	char f[64];
	int rc;
	const struct {
		const char *buf;
		size_t cap;
		const char *name;
		int required;
	} texts[] = {
	    {d->vaccine_code, sizeof(d->vaccine_code), "vaccine code", 1},
	    {d->brand, sizeof(d->brand), "medicinal product", 1},
	    {d->holder, sizeof(d->holder), "marketing authorisation holder", 1},
	    {d->cvx, sizeof(d->cvx), "CVX code", 0},
	    {d->product_name, sizeof(d->product_name), "product name", 0},
	    {d->maker_name, sizeof(d->maker_name), "manufacturer name", 0},
	    {d->lot, sizeof(d->lot), "lot number", 0},
	    {d->centre, sizeof(d->centre), "vaccination centre", 0},
	    {d->performer, sizeof(d->performer), "performer", 0},
	};
	for (size_t t = 0; t < sizeof(texts) / sizeof(texts[0]); t++) {
		snprintf(f, sizeof(f), "%s of dose %zu", texts[t].name, i + 1);
		rc = ddcc_text(texts[t].buf, texts[t].cap, f, texts[t].required, 0, why);
		if (rc)
			return rc;
	}
	snprintf(f, sizeof(f), "country of dose %zu", i + 1);
	rc = ddcc_country(d->country, f, why);
	if (rc)
		return rc;
	if (!ddcc_date_ok(d->date)) {
		vb_reason_set(why, "bad_date", "The date of dose %zu is not set or not a real date",
			      i + 1);
		return VB_EINVAL;
	}
	if (d->date < r->birth) {
		vb_reason_set(why, "dose_before_birth",
			      "The date of dose %zu is before the birth date", i + 1);
		return VB_EINVAL;
	}
	/* A day of slack for time zones: the dose date is local, iat UTC. */
	if (d->date > issued_day + 1) {
		vb_reason_set(why, "dose_after_issue",
			      "The date of dose %zu is after the certificate's issue time", i + 1);
		return VB_EINVAL;
	}
	if (i > 0 && d->date < r->doses[i - 1].date) {
		vb_reason_set(why, "bad_dose_order", "Dose %zu is dated before dose %zu", i + 1, i);
		return VB_EINVAL;
	}
	if (d->series_doses < 1 || d->dose_number < 1 || d->dose_number > d->series_doses) {
		vb_reason_set(why, "bad_dose_number",
			      "The dose number of dose %zu must be 1 to its series' doses (>= 1)",
			      i + 1);
		return VB_EINVAL;
	}
	return VB_OK;
}

int ddcc_check(const struct ddcc_record *r, struct vb_reason *why)
{
	int rc;
	if (!r) {
		vb_reason_set(why, "empty", "No record");
		return VB_EINVAL;
	}
	if ((rc = ddcc_text(r->family, sizeof(r->family), "family name", 1, DDCC_NAME_MAX, why)) ||
	    (rc = ddcc_text(r->given, sizeof(r->given), "given name", 1, DDCC_NAME_MAX, why)) ||
	    (rc = ddcc_icao(r->family_icao, sizeof(r->family_icao), "transliterated family name",
			    why)) ||
	    (rc = ddcc_icao(r->given_icao, sizeof(r->given_icao), "transliterated given name",
			    why)) ||
	    (rc = ddcc_text(r->identifier, sizeof(r->identifier), "identifier", 0, 0, why)))
		return rc;
	if (!ddcc_date_ok(r->birth)) {
		vb_reason_set(why, "bad_date",
			      "The birth date is not set or not a real date in 1900-2099");
		return VB_EINVAL;
	}
	if (r->n_doses < 1 || r->n_doses > DDCC_MAX_DOSES) {
		vb_reason_set(why, "bad_dose_count", "The record must hold 1 to %d doses, not %zu",
			      DDCC_MAX_DOSES, r->n_doses);
		return VB_EINVAL;
	}
	if (r->issued_at >= r->expires_at) {
		vb_reason_set(why, "bad_validity",
			      "The certificate expiry is not after its issue time");
		return VB_EINVAL;
	}
	int32_t issued_day = vbdate_from_unix(r->issued_at, 0);
	for (size_t i = 0; i < r->n_doses; i++) {
		rc = ddcc_dose(r, i, issued_day, why);
		if (rc)
			return rc;
	}
	if ((rc = ddcc_text(r->disease, sizeof(r->disease), "disease", 1, 0, why)))
		return rc;
	if (r->next_dose != VBDATE_NONE &&
	    (!ddcc_date_ok(r->next_dose) || r->next_dose < r->doses[r->n_doses - 1].date)) {
		vb_reason_set(why, "bad_next_dose",
			      "The next dose date is not a real date after the last dose");
		return VB_EINVAL;
	}
	if ((rc = ddcc_country(r->issuer_country, "issuer country", why)) ||
	    (rc =
		 ddcc_uvci(r->certificate_id, sizeof(r->certificate_id), r->issuer_country, why)) ||
	    (rc = ddcc_text(r->issuer, sizeof(r->issuer), "issuer", 1, 0, why)))
		return rc;
	if (strlen(r->issuer) > DDCC_ISSUER_MAX) {
		vb_reason_set(why, "bad_length", "The issuer is longer than %d bytes",
			      DDCC_ISSUER_MAX);
		return VB_EINVAL;
	}
	if (!memchr(r->issuer_url, '\0', sizeof(r->issuer_url))) {
		vb_reason_set(why, "not_terminated",
			      "The issuer URL does not end within its %zu bytes",
			      sizeof(r->issuer_url));
		return VB_EINVAL;
	}
	return ddcc_check_url(r->issuer_url, why);
}
