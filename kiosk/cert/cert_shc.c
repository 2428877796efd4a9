/*
 * cert_shc: SMART Health Cards issued and verified (see cert_shc.h).
 *
 * Issue: the FHIR Bundle and payload are built with jansson (insertion
 * order is kept, JSON_COMPACT), raw-deflated with zlib (window -15, level
 * 9), framed as a JWS compact with the header written byte for byte, and
 * signed with cert_key_sign (ES256, r‖s). Verify reads untrusted text:
 * every length is capped before it is decoded, JSON is parsed with
 * duplicate keys refused and every member's type checked, and nothing
 * recurses on the input.
 */
#include "cert_shc.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <zlib.h>

#include "b64url.h"
#include "vbdate.h"

#define SHC_HEALTH_CARD "https://smarthealth.cards#health-card"
#define SHC_HEADER_MAX	512  /* decoded JWS header bytes */
#define SHC_ENTRIES_MAX 256  /* Bundle entries read */
#define SHC_CODINGS_MAX 16   /* codings per vaccineCode read */
#define SHC_TYPES_MAX	16   /* vc.type entries read */
#define SHC_NBF_MAX	1e13 /* seconds; beyond any date a card can carry */

/* ---- numeric form ---- */

static int shc_jws_char(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '_' || c == '.';
}

int cert_shc_numeric_encode(const char *jws, char **out)
{
	if (!jws || !out)
		return VB_EINVAL;
	size_t n = strnlen(jws, CERT_SHC_JWS_MAX + 1);
	if (n == 0 || n > CERT_SHC_JWS_MAX)
		return VB_EINVAL;
	for (size_t i = 0; i < n; i++)
		if (!shc_jws_char((unsigned char)jws[i]))
			return VB_EINVAL;
	size_t plen = sizeof(CERT_SHC_PREFIX) - 1;
	char *s = malloc(plen + 2 * n + 1);
	if (!s)
		return VB_ENOMEM;
	memcpy(s, CERT_SHC_PREFIX, plen);
	for (size_t i = 0; i < n; i++) {
		int v = (unsigned char)jws[i] - 45; /* 0..77 */
		s[plen + 2 * i] = (char)('0' + v / 10);
		s[plen + 2 * i + 1] = (char)('0' + v % 10);
	}
	s[plen + 2 * n] = '\0';
	*out = s;
	return VB_OK;
}

/* "shc:/" then either digits or a chunk header "n/m/" (n, m decimal). */
static int shc_chunk_header(const char *p, struct vb_reason *why)
{
	const char *q = p;
	long n = 0, m = 0;
	int nd = 0, md = 0;
	for (; *q >= '0' && *q <= '9' && nd < 4; q++, nd++)
		n = n * 10 + (*q - '0');
	if (*q++ != '/')
		return VB_OK; /* not a chunk header: plain digits (checked later) */
	for (; *q >= '0' && *q <= '9' && md < 4; q++, md++)
		m = m * 10 + (*q - '0');
	if (nd == 0 || md == 0 || *q != '/' || n < 1 || m < 2 || n > m) {
		vb_reason_set(why, "bad_prefix", "the QR chunk header is malformed");
		return VB_EINVAL;
	}
	vb_reason_set(why, "chunked",
		      "chunk %ld of %ld: cards split over several QR codes are not accepted", n, m);
	return VB_EINVAL;
}

int cert_shc_numeric_decode(const char *payload, char *jws, size_t cap, size_t *len,
			    struct vb_reason *why)
{
	size_t plen = sizeof(CERT_SHC_PREFIX) - 1;
	if (!payload || strncmp(payload, CERT_SHC_PREFIX, plen) != 0) {
		vb_reason_set(why, "bad_prefix", "the QR text does not start with shc:/");
		return VB_EINVAL;
	}
	const char *d = payload + plen;
	/* A chunk header ("n/m/", numbers of at most 4 digits) starts within
	 * the first 10 characters; any later '/' is a non-digit. */
	if (memchr(d, '/', strnlen(d, 10)) && shc_chunk_header(d, why))
		return VB_EINVAL;
	size_t n = strnlen(d, 2 * CERT_SHC_JWS_MAX + 1);
	if (n > 2 * CERT_SHC_JWS_MAX) {
		vb_reason_set(why, "too_long", "the QR text is longer than %d digits",
			      2 * CERT_SHC_JWS_MAX);
		return VB_EINVAL;
	}
	if (n == 0 || n % 2) {
		vb_reason_set(why, "numeric", "the QR text has no digits or an odd number (%zu)",
			      n);
		return VB_EINVAL;
	}
	if (cap < n / 2 + 1)
		return VB_ERANGE;
	for (size_t i = 0; i < n; i += 2) {
		unsigned char a = (unsigned char)d[i], b = (unsigned char)d[i + 1];
		if (a < '0' || a > '9' || b < '0' || b > '9') {
			vb_reason_set(why, "numeric", "a non-digit at QR position %zu", plen + i);
			return VB_EINVAL;
		}
		int v = (a - '0') * 10 + (b - '0');
		if (v > 77) {
			vb_reason_set(why, "numeric",
				      "the digit pair at QR position %zu is %d (> 77)", plen + i,
				      v);
			return VB_EINVAL;
		}
		jws[i / 2] = (char)(v + 45);
	}
	jws[n / 2] = '\0';
	*len = n / 2;
	return VB_OK;
}

/* ---- QR ---- */

int cert_shc_qr(const char *payload, QRcode **out)
{
	size_t plen = sizeof(CERT_SHC_PREFIX) - 1;
	if (!payload || !out || strncmp(payload, CERT_SHC_PREFIX, plen) != 0)
		return VB_EINVAL;
	const char *d = payload + plen;
	size_t n = strnlen(d, 2 * CERT_SHC_JWS_MAX + 1);
	if (n == 0 || n % 2 || n > 2 * CERT_SHC_JWS_MAX)
		return VB_EINVAL;
	for (size_t i = 0; i < n; i++)
		if (d[i] < '0' || d[i] > '9')
			return VB_EINVAL;
	int rc = VB_OK;
	QRcode *qr = NULL;
	QRinput *in = QRinput_new2(0, QR_ECLEVEL_L);
	if (!in)
		return VB_ENOMEM;
	errno = 0;
	if (QRinput_append(in, QR_MODE_8, (int)plen, (const unsigned char *)payload) ||
	    QRinput_append(in, QR_MODE_NUM, (int)n, (const unsigned char *)d)) {
		rc = errno == ENOMEM ? VB_ENOMEM : VB_EINVAL;
		goto out;
	}
	errno = 0;
	qr = QRcode_encodeInput(in);
	if (!qr) {
		/* ERANGE: longer than version 40 holds. */
		rc = errno == ENOMEM ? VB_ENOMEM : VB_ERANGE;
		goto out;
	}
	if (qr->version > CERT_SHC_QR_MAX_VERSION) {
		QRcode_free(qr);
		rc = VB_ERANGE;
		goto out;
	}
	*out = qr;
out:
	QRinput_free(in);
	return rc;
}

/* ---- issue ---- */

/* The coding system for a vp code, NULL when it is neither ATC nor SNOMED. */
static const char *shc_vp_system(const char *code)
{
	size_t n = strlen(code);
	if (n >= 3 && n <= 7 && code[0] == 'J' && code[1] == '0' && code[2] == '7')
		return CERT_SHC_ATC_SYSTEM;
	if (n < 6 || n > 18)
		return NULL;
	for (size_t i = 0; i < n; i++)
		if (code[i] < '0' || code[i] > '9')
			return NULL;
	return CERT_SHC_SNOMED_SYSTEM;
}

static int shc_code_ok(const char *s)
{
	size_t n = strlen(s);
	if (n == 0)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (s[i] <= ' ' || s[i] > '~')
			return 0;
	return 1;
}

static const char *shc_performer(const struct ddcc_record *r, const struct ddcc_dose *d)
{
	return d->performer[0] ? d->performer : r->issuer;
}

/* What an SHC needs beyond ddcc_check (which already checked the texts'
 * UTF-8, the dates, the issuer and the issuer URL). */
static int shc_check_issue(const struct ddcc_record *r, struct vb_reason *why)
{
	if (r->issued_at < 0)
		return vb_reason_set(why, "issued_at", "issued_at (nbf) is negative"), VB_EINVAL;
	for (size_t i = 0; i < r->n_doses; i++) {
		const struct ddcc_dose *d = &r->doses[i];
		if (d->cvx[0] ? !shc_code_ok(d->cvx) : !shc_vp_system(d->vaccine_code))
			return vb_reason_set(why, "vaccine_code",
					     "dose %zu has neither a CVX code nor an ATC/SNOMED "
					     "vaccine code",
					     i + 1),
			       VB_EINVAL;
	}
	return VB_OK;
}

/* given[]: the given name split at ASCII spaces ("John B." -> two). */
static json_t *shc_given(const char *given)
{
	json_t *a = json_array();
	if (!a)
		return NULL;
	const char *p = given;
	while (*p) {
		while (*p == ' ')
			p++;
		size_t n = strcspn(p, " ");
		if (n && json_array_append_new(a, json_stringn(p, n))) {
			json_decref(a);
			return NULL;
		}
		p += n;
	}
	return a;
}

static json_t *shc_patient(const struct ddcc_record *r)
{
	char birth[11];
	vbdate_format(r->birth, birth);
	json_t *name = json_object();
	json_t *given = shc_given(r->given);
	if (!name || !given) {
		json_decref(name);
		json_decref(given);
		return NULL;
	}
	/* json_object_set_new steals the value, also when it fails. */
	int bad = r->family[0] && json_object_set_new(name, "family", json_string(r->family));
	if (json_array_size(given))
		bad |= json_object_set_new(name, "given", given);
	else
		json_decref(given);
	if (bad) {
		json_decref(name);
		return NULL;
	}
	return json_pack("{s:s, s:[o], s:s}", "resourceType", "Patient", "name", name, "birthDate",
			 birth);
}

static json_t *shc_immunization(const struct ddcc_record *r, const struct ddcc_dose *d)
{
	char date[11];
	vbdate_format(d->date, date);
	const char *system = d->cvx[0] ? CERT_SHC_CVX_SYSTEM : shc_vp_system(d->vaccine_code);
	const char *code = d->cvx[0] ? d->cvx : d->vaccine_code;
	json_t *imm = json_pack("{s:s, s:s, s:{s:[{s:s, s:s}]}, s:{s:s}, s:s, s:[{s:{s:s}}]}",
				"resourceType", "Immunization", "status", "completed",
				"vaccineCode", "coding", "system", system, "code", code, "patient",
				"reference", "resource:0", "occurrenceDateTime", date, "performer",
				"actor", "display", shc_performer(r, d));
	if (imm && d->lot[0] && json_object_set_new(imm, "lotNumber", json_string(d->lot))) {
		json_decref(imm);
		return NULL;
	}
	return imm;
}

static json_t *shc_payload(const struct ddcc_record *r)
{
	json_t *entries = json_array();
	if (!entries)
		return NULL;
	for (size_t i = 0; i <= r->n_doses; i++) {
		char url[16];
		snprintf(url, sizeof url, "resource:%zu", i);
		json_t *res = i == 0 ? shc_patient(r) : shc_immunization(r, &r->doses[i - 1]);
		if (!res || json_array_append_new(entries, json_pack("{s:s, s:o}", "fullUrl", url,
								     "resource", res))) {
			json_decref(entries);
			return NULL;
		}
	}
	return json_pack("{s:s, s:I, s:{s:[s], s:{s:s, s:{s:s, s:s, s:o}}}}", "iss", r->issuer_url,
			 "nbf", (json_int_t)r->issued_at, "vc", "type", SHC_HEALTH_CARD,
			 "credentialSubject", "fhirVersion", "4.0.1", "fhirBundle", "resourceType",
			 "Bundle", "type", "collection", "entry", entries);
}

static int shc_deflate(const char *in, size_t len, uint8_t **out, size_t *out_len)
{
	z_stream zs;
	memset(&zs, 0, sizeof zs);
	if (deflateInit2(&zs, 9, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		return VB_ENOMEM;
	int rc = VB_OK;
	uLong cap = deflateBound(&zs, (uLong)len);
	uint8_t *buf = malloc(cap);
	if (!buf) {
		rc = VB_ENOMEM;
		goto out;
	}
	zs.next_in = (Bytef *)(uintptr_t)in;
	zs.avail_in = (uInt)len;
	zs.next_out = buf;
	zs.avail_out = (uInt)cap;
	if (deflate(&zs, Z_FINISH) != Z_STREAM_END) {
		free(buf);
		rc = VB_EIO;
		goto out;
	}
	*out = buf;
	*out_len = zs.total_out;
out:
	deflateEnd(&zs);
	return rc;
}

int cert_shc_issue(const struct ddcc_record *r, const struct cert_key *key, char **payload,
		   struct vb_reason *why)
{
	if (!r || !key || !payload)
		return VB_EINVAL;
	int rc = ddcc_check(r, why);
	if (rc)
		return rc;
	rc = shc_check_issue(r, why);
	if (rc)
		return rc;

	json_t *root = NULL;
	char *json = NULL, *jws = NULL, *num = NULL;
	uint8_t *def = NULL;
	size_t def_len = 0;

	root = shc_payload(r);
	json = root ? json_dumps(root, JSON_COMPACT) : NULL;
	if (!json) {
		rc = VB_ENOMEM;
		goto out;
	}
	rc = shc_deflate(json, strlen(json), &def, &def_len);
	if (rc)
		goto out;

	char kid[CERT_KID_B64_MAX];
	rc = cert_key_thumbprint(key, kid);
	if (rc)
		goto out;
	char header[128];
	int hn = snprintf(header, sizeof header,
			  "{\"zip\":\"DEF\",\"alg\":\"ES256\",\"kid\":\"%s\"}", kid);
	if (hn < 0 || (size_t)hn >= sizeof header) {
		rc = VB_EIO;
		goto out;
	}

	size_t hb = b64url_encoded_len((size_t)hn), pb = b64url_encoded_len(def_len);
	size_t sb = b64url_encoded_len(64);
	size_t total = hb + 1 + pb + 1 + sb;
	if (total > CERT_SHC_ISSUE_JWS_MAX) {
		vb_reason_set(why, "too_long",
			      "the card's JWS would be %zu characters, more than one QR code "
			      "holds (%d)",
			      total, CERT_SHC_ISSUE_JWS_MAX);
		rc = VB_EINVAL;
		goto out;
	}
	jws = malloc(total + 1);
	if (!jws) {
		rc = VB_ENOMEM;
		goto out;
	}
	if ((rc = b64url_encode((const uint8_t *)header, (size_t)hn, jws, hb + 1)))
		goto out;
	jws[hb] = '.';
	if ((rc = b64url_encode(def, def_len, jws + hb + 1, pb + 1)))
		goto out;
	uint8_t sig[64];
	rc = cert_key_sign(key, (const uint8_t *)jws, hb + 1 + pb, sig);
	if (rc)
		goto out;
	jws[hb + 1 + pb] = '.';
	if ((rc = b64url_encode(sig, sizeof sig, jws + hb + 1 + pb + 1, sb + 1)))
		goto out;
	rc = cert_shc_numeric_encode(jws, &num);
	if (rc)
		goto out;
	*payload = num;
out:
	free(jws);
	free(def);
	free(json);
	json_decref(root);
	return rc;
}

/* ---- verify ---- */

struct shc_parts {
	char jws[CERT_SHC_JWS_MAX + 1];
	size_t len;
	size_t signed_len; /* header '.' payload */
	const char *h, *p, *s;
	size_t hl, pl, sl;
};

static int shc_fail(struct cert_verified *out, const char *code, const char *text)
{
	vb_reason_set(&out->why, code, "%s", text);
	return VB_EINVAL;
}

static int shc_get_jws(const char *payload, struct shc_parts *j, struct cert_verified *out)
{
	if (!payload)
		return shc_fail(out, "bad_prefix", "no QR text");
	if (strncmp(payload, "shc:", 4) == 0)
		return cert_shc_numeric_decode(payload, j->jws, sizeof j->jws, &j->len, &out->why);
	/* A bare JWS (tests, files): it starts like a base64url JSON header. */
	size_t n = strnlen(payload, CERT_SHC_JWS_MAX + 1);
	if (n == 0 || !shc_jws_char((unsigned char)payload[0]) || payload[0] == '.' ||
	    memchr(payload, ':', n))
		return shc_fail(out, "bad_prefix", "the text is neither shc:/ digits nor a JWS");
	if (n > CERT_SHC_JWS_MAX)
		return shc_fail(out, "too_long", "the JWS is longer than 4096 characters");
	for (size_t i = 0; i < n; i++)
		if (!shc_jws_char((unsigned char)payload[i]))
			return shc_fail(out, "base64url",
					"the JWS holds a character outside base64url and '.'");
	memcpy(j->jws, payload, n + 1);
	j->len = n;
	return VB_OK;
}

static int shc_split(struct shc_parts *j, struct cert_verified *out)
{
	char *d1 = memchr(j->jws, '.', j->len);
	char *d2 = d1 ? memchr(d1 + 1, '.', j->len - (size_t)(d1 + 1 - j->jws)) : NULL;
	if (!d2 || memchr(d2 + 1, '.', j->len - (size_t)(d2 + 1 - j->jws)))
		return shc_fail(out, "jws", "the JWS does not have exactly three parts");
	j->h = j->jws;
	j->hl = (size_t)(d1 - j->jws);
	j->p = d1 + 1;
	j->pl = (size_t)(d2 - j->p);
	j->s = d2 + 1;
	j->sl = j->len - (size_t)(j->s - j->jws);
	j->signed_len = (size_t)(d2 - j->jws);
	if (j->hl == 0 || j->pl == 0)
		return shc_fail(out, "jws", "the JWS header or payload part is empty");
	return VB_OK;
}

static int shc_header(const struct shc_parts *j, struct cert_verified *out)
{
	uint8_t buf[SHC_HEADER_MAX];
	size_t n = 0;
	if (b64url_decoded_max(j->hl) > sizeof buf)
		return shc_fail(out, "jws_header", "the JWS header is too long");
	if (b64url_decode(j->h, j->hl, buf, sizeof buf, &n))
		return shc_fail(out, "base64url", "the JWS header is not strict base64url");
	json_error_t err;
	json_t *h = json_loadb((const char *)buf, n, JSON_REJECT_DUPLICATES, &err);
	int rc = VB_OK;
	const char *kid = NULL;
	if (!json_is_object(h)) {
		rc = shc_fail(out, "jws_header", "the JWS header is not a JSON object");
		goto out;
	}
	if (!json_is_string(json_object_get(h, "zip")) ||
	    strcmp(json_string_value(json_object_get(h, "zip")), "DEF") != 0) {
		rc = shc_fail(out, "jws_header", "the JWS header's zip is not \"DEF\"");
		goto out;
	}
	if (!json_is_string(json_object_get(h, "alg")) ||
	    strcmp(json_string_value(json_object_get(h, "alg")), "ES256") != 0) {
		rc = shc_fail(out, "jws_header", "the JWS header's alg is not \"ES256\"");
		goto out;
	}
	if (json_object_get(h, "crit")) {
		rc = shc_fail(out, "jws_header", "the JWS header has crit, which is not supported");
		goto out;
	}
	kid = json_string_value(json_object_get(h, "kid"));
	if (!kid || !kid[0] || json_string_length(json_object_get(h, "kid")) >= CERT_KID_B64_MAX) {
		rc = shc_fail(out, "jws_header", "the JWS header has no kid of 1..43 characters");
		goto out;
	}
	memcpy(out->kid, kid, strlen(kid) + 1);
out:
	json_decref(h);
	return rc;
}

/* Inflates the payload part into a malloc'd NUL-terminated buffer. */
static int shc_inflate(const struct shc_parts *j, char **text, size_t *text_len,
		       struct cert_verified *out)
{
	uint8_t def[CERT_SHC_JWS_MAX / 4 * 3];
	size_t n = 0;
	if (b64url_decode(j->p, j->pl, def, sizeof def, &n))
		return shc_fail(out, "base64url", "the JWS payload is not strict base64url");
	char *buf = malloc(CERT_SHC_INFLATED_MAX + 1);
	if (!buf)
		return VB_ENOMEM;
	z_stream zs;
	memset(&zs, 0, sizeof zs);
	if (inflateInit2(&zs, -15) != Z_OK) {
		free(buf);
		return VB_ENOMEM;
	}
	zs.next_in = def;
	zs.avail_in = (uInt)n;
	zs.next_out = (Bytef *)buf;
	zs.avail_out = CERT_SHC_INFLATED_MAX;
	int zrc = inflate(&zs, Z_FINISH);
	int rc = VB_OK;
	if (zrc == Z_STREAM_END && zs.avail_in == 0) {
		buf[zs.total_out] = '\0';
		*text = buf;
		*text_len = zs.total_out;
	} else {
		free(buf);
		if (zrc == Z_STREAM_END)
			rc = shc_fail(out, "zlib", "bytes follow the end of the DEFLATE stream");
		else if (zrc == Z_BUF_ERROR && zs.avail_out == 0)
			rc = shc_fail(out, "zlib", "the payload inflates to more than 64 KiB");
		else if (zrc == Z_MEM_ERROR)
			rc = VB_ENOMEM;
		else
			rc = shc_fail(out, "zlib", "the JWS payload is not raw DEFLATE data");
	}
	inflateEnd(&zs);
	return rc;
}

static int shc_schema(struct cert_verified *out, const char *member, const char *what)
{
	vb_reason_set(&out->why, "schema", "%s %s", member, what);
	return VB_EINVAL;
}

static const char *shc_str(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static int shc_copy(char *dst, size_t cap, const json_t *s, const char *member,
		    struct cert_verified *out)
{
	size_t n = json_string_length(s);
	if (n >= cap)
		return shc_schema(out, member, "is too long");
	memcpy(dst, json_string_value(s), n + 1);
	return VB_OK;
}

/* A FHIR date: YYYY-MM-DD, or YYYY / YYYY-MM (then VBDATE_NONE); with
 * allow_time, a dateTime whose date part is read. */
static int shc_date(const char *s, int allow_time, int32_t *day)
{
	size_t n = strlen(s);
	if (n == 4 || n == 7) {
		int32_t d;
		char full[11] = "0000-01-01";
		memcpy(full, s, n); /* YYYY or YYYY-MM, then the rest of -01-01 */
		if (vbdate_parse(full, &d))
			return VB_EINVAL;
		*day = VBDATE_NONE;
		return VB_OK;
	}
	if (n < 10 || (n > 10 && (!allow_time || s[10] != 'T')))
		return VB_EINVAL;
	char ymd[11];
	memcpy(ymd, s, 10);
	ymd[10] = '\0';
	return vbdate_parse(ymd, day);
}

static int shc_patient_read(const json_t *res, struct ddcc_record *rec, struct cert_verified *out)
{
	const json_t *names = json_object_get(res, "name");
	if (names) {
		const json_t *name = json_array_get(names, 0);
		if (!json_is_array(names) || !json_is_object(name))
			return shc_schema(out, "Patient.name", "is not an array of objects");
		const json_t *fam = json_object_get(name, "family");
		if (fam && !json_is_string(fam))
			return shc_schema(out, "Patient.name.family", "is not a string");
		if (fam &&
		    shc_copy(rec->family, sizeof rec->family, fam, "Patient.name.family", out))
			return VB_EINVAL;
		const json_t *given = json_object_get(name, "given");
		if (given && !json_is_array(given))
			return shc_schema(out, "Patient.name.given", "is not an array");
		size_t len = 0;
		for (size_t i = 0; i < json_array_size(given); i++) {
			const json_t *g = json_array_get(given, i);
			if (!json_is_string(g))
				return shc_schema(out, "Patient.name.given", "holds a non-string");
			size_t gl = json_string_length(g);
			if (len + (len ? 1 : 0) + gl >= sizeof rec->given)
				return shc_schema(out, "Patient.name.given", "is too long");
			if (len)
				rec->given[len++] = ' ';
			memcpy(rec->given + len, json_string_value(g), gl + 1);
			len += gl;
		}
	}
	const json_t *birth = json_object_get(res, "birthDate");
	if (birth && (!json_is_string(birth) || shc_date(json_string_value(birth), 0, &rec->birth)))
		return shc_schema(out, "Patient.birthDate", "is not a FHIR date");
	return VB_OK;
}

static int shc_immunization_read(const json_t *res, struct ddcc_dose *d, struct cert_verified *out)
{
	memset(d, 0, sizeof *d);
	const char *status = shc_str(res, "status");
	if (!status || strcmp(status, "completed") != 0)
		return shc_schema(out, "Immunization.status", "is not \"completed\"");
	const char *when = shc_str(res, "occurrenceDateTime");
	int32_t day = VBDATE_NONE;
	if (!when || shc_date(when, 1, &day) || day == VBDATE_NONE)
		return shc_schema(out, "Immunization.occurrenceDateTime", "is not a full date");
	d->date = day;
	const json_t *codings = json_object_get(json_object_get(res, "vaccineCode"), "coding");
	if (!json_is_array(codings) || json_array_size(codings) == 0 ||
	    json_array_size(codings) > SHC_CODINGS_MAX)
		return shc_schema(out, "Immunization.vaccineCode.coding",
				  "is not an array of 1..16 codings");
	for (size_t i = 0; i < json_array_size(codings); i++) {
		const json_t *c = json_array_get(codings, i);
		const json_t *sys = json_object_get(c, "system"),
			     *code = json_object_get(c, "code");
		if (!json_is_object(c) || (sys && !json_is_string(sys)) || !json_is_string(code))
			return shc_schema(out, "Immunization.vaccineCode.coding",
					  "holds a coding without a string code");
		const char *s = json_string_value(sys);
		if (!s)
			continue;
		if (strcmp(s, CERT_SHC_CVX_SYSTEM) == 0 && !d->cvx[0]) {
			if (shc_copy(d->cvx, sizeof d->cvx, code, "the CVX code", out))
				return VB_EINVAL;
		} else if ((strcmp(s, CERT_SHC_ATC_SYSTEM) == 0 ||
			    strcmp(s, CERT_SHC_SNOMED_SYSTEM) == 0) &&
			   !d->vaccine_code[0]) {
			if (shc_copy(d->vaccine_code, sizeof d->vaccine_code, code,
				     "the vaccine code", out))
				return VB_EINVAL;
		}
	}
	const json_t *lot = json_object_get(res, "lotNumber");
	if (lot && !json_is_string(lot))
		return shc_schema(out, "Immunization.lotNumber", "is not a string");
	if (lot && shc_copy(d->lot, sizeof d->lot, lot, "Immunization.lotNumber", out))
		return VB_EINVAL;
	const json_t *perf = json_object_get(res, "performer");
	if (perf && !json_is_array(perf))
		return shc_schema(out, "Immunization.performer", "is not an array");
	const json_t *disp =
	    json_object_get(json_object_get(json_array_get(perf, 0), "actor"), "display");
	if (disp && !json_is_string(disp))
		return shc_schema(out, "Immunization.performer.actor.display", "is not a string");
	if (disp && shc_copy(d->performer, sizeof d->performer, disp,
			     "Immunization.performer.actor.display", out))
		return VB_EINVAL;
	return VB_OK;
}

/* Keeps the DDCC_MAX_DOSES latest doses, oldest first. */
static void shc_keep_dose(struct ddcc_record *rec, const struct ddcc_dose *d)
{
	size_t i = rec->n_doses;
	if (i == DDCC_MAX_DOSES) {
		if (d->date <= rec->doses[0].date)
			return;
		memmove(&rec->doses[0], &rec->doses[1], (DDCC_MAX_DOSES - 1) * sizeof *d);
		i = DDCC_MAX_DOSES - 1;
	} else {
		rec->n_doses++;
	}
	while (i > 0 && rec->doses[i - 1].date > d->date) {
		rec->doses[i] = rec->doses[i - 1];
		i--;
	}
	rec->doses[i] = *d;
}

static int shc_time(const json_t *v, const char *member, double *t, struct cert_verified *out)
{
	if (!json_is_number(v))
		return shc_schema(out, member, "is not a number");
	double x = json_number_value(v);
	if (!isfinite(x) || x < 0 || x > SHC_NBF_MAX)
		return shc_schema(out, member, "is out of range");
	*t = x;
	return VB_OK;
}

static int shc_payload_read(const char *text, size_t len, double *nbf, double *exp,
			    struct cert_verified *out)
{
	json_error_t err;
	json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &err);
	int rc = VB_OK;
	struct ddcc_record *rec = &out->record;
	if (!json_is_object(root)) {
		rc = shc_fail(out, "json", "the payload is not a JSON object");
		goto out;
	}
	const json_t *iss = json_object_get(root, "iss");
	if (!json_is_string(iss)) {
		rc = shc_schema(out, "iss", "is not a string");
		goto out;
	}
	const char *issv = json_string_value(iss);
	size_t il = json_string_length(iss);
	if ((rc = ddcc_check_url(issv, &out->why)))
		goto out;
	if (il >= sizeof out->issuer) {
		rc = shc_fail(out, "bad_url", "iss is longer than 127 bytes");
		goto out;
	}
	if ((rc = shc_time(json_object_get(root, "nbf"), "nbf", nbf, out)))
		goto out;
	*exp = 0;
	if (json_object_get(root, "exp") &&
	    (rc = shc_time(json_object_get(root, "exp"), "exp", exp, out)))
		goto out;
	const json_t *vc = json_object_get(root, "vc");
	const json_t *types = json_object_get(vc, "type");
	if (!json_is_array(types) || json_array_size(types) > SHC_TYPES_MAX) {
		rc = shc_schema(out, "vc.type", "is not an array of at most 16 types");
		goto out;
	}
	int card = 0;
	for (size_t i = 0; i < json_array_size(types); i++) {
		const char *t = json_string_value(json_array_get(types, i));
		if (!t) {
			rc = shc_schema(out, "vc.type", "holds a non-string");
			goto out;
		}
		card |= strcmp(t, SHC_HEALTH_CARD) == 0;
	}
	if (!card) {
		rc = shc_schema(out, "vc.type", "lacks " SHC_HEALTH_CARD);
		goto out;
	}
	const json_t *subj = json_object_get(vc, "credentialSubject");
	const char *fv = shc_str(subj, "fhirVersion");
	if (!fv || strncmp(fv, "4.0.", 4) != 0) {
		rc = shc_schema(out, "vc.credentialSubject.fhirVersion", "is not FHIR R4 (4.0.x)");
		goto out;
	}
	const json_t *bundle = json_object_get(subj, "fhirBundle");
	const char *rt = shc_str(bundle, "resourceType"), *bt = shc_str(bundle, "type");
	if (!rt || strcmp(rt, "Bundle") != 0 || !bt || strcmp(bt, "collection") != 0) {
		rc = shc_schema(out, "vc.credentialSubject.fhirBundle",
				"is not a Bundle of type collection");
		goto out;
	}
	const json_t *entries = json_object_get(bundle, "entry");
	if (!json_is_array(entries) || json_array_size(entries) == 0 ||
	    json_array_size(entries) > SHC_ENTRIES_MAX) {
		rc = shc_schema(out, "Bundle.entry", "is not an array of 1..256 entries");
		goto out;
	}
	int patients = 0;
	for (size_t i = 0; i < json_array_size(entries); i++) {
		const json_t *res = json_object_get(json_array_get(entries, i), "resource");
		const char *type = shc_str(res, "resourceType");
		if (!json_is_object(res) || !type) {
			rc = shc_schema(out, "Bundle.entry", "holds an entry without a resource");
			goto out;
		}
		if (strcmp(type, "Patient") == 0) {
			if (patients++) {
				rc = shc_schema(out, "Bundle.entry", "holds two Patient resources");
				goto out;
			}
			if ((rc = shc_patient_read(res, rec, out)))
				goto out;
		} else if (strcmp(type, "Immunization") == 0) {
			struct ddcc_dose d;
			if ((rc = shc_immunization_read(res, &d, out)))
				goto out;
			shc_keep_dose(rec, &d);
		}
	}
	memcpy(out->issuer, issv, il + 1);
	memcpy(rec->issuer_url, issv, il + 1);
out:
	json_decref(root);
	return rc;
}

int cert_shc_verify(const char *payload, const struct trust *trust, int64_t now,
		    struct cert_verified *out)
{
	if (!out)
		return VB_EINVAL;
	memset(out, 0, sizeof *out);
	out->format = CERT_SHC;
	out->record.birth = VBDATE_NONE;
	out->record.next_dose = VBDATE_NONE;

	int rc = VB_OK;
	char *text = NULL;
	size_t text_len = 0;
	double nbf = 0, exp = 0;
	struct shc_parts *j = malloc(sizeof *j);
	if (!j)
		return VB_ENOMEM;
	if ((rc = shc_get_jws(payload, j, out)) || (rc = shc_split(j, out)) ||
	    (rc = shc_header(j, out)) || (rc = shc_inflate(j, &text, &text_len, out)))
		goto out;
	uint8_t sig[CERT_SHC_JWS_MAX / 4 * 3];
	size_t sig_len = 0;
	if (b64url_decode(j->s, j->sl, sig, sizeof sig, &sig_len)) {
		rc = shc_fail(out, "base64url", "the JWS signature is not strict base64url");
		goto out;
	}
	if ((rc = shc_payload_read(text, text_len, &nbf, &exp, out)))
		goto out;
	out->issued_at = (int64_t)floor(nbf);
	out->expires_at = (int64_t)floor(exp);
	out->record.issued_at = out->issued_at;
	out->record.expires_at = out->expires_at;

	/* Decoded: from here on VB_OK, and why tells whether it is valid. */
	const struct cert_key *key = trust ? trust_find_shc(trust, out->issuer, out->kid) : NULL;
	if (!key) {
		if (trust && trust_find_shc(trust, out->issuer, NULL))
			vb_reason_set(&out->why, "unknown_kid",
				      "the issuer is trusted but not its key (kid)");
		else
			vb_reason_set(&out->why, "unknown_issuer",
				      "the issuer (iss) is not trusted");
		goto out;
	}
	if (sig_len != 64) {
		vb_reason_set(&out->why, "signature_format",
			      "the signature is %zu bytes, not the 64 of ES256 r||s", sig_len);
		goto out;
	}
	if (cert_key_verify(key, (const uint8_t *)j->jws, j->signed_len, sig) != VB_OK) {
		vb_reason_set(&out->why, "signature", "the signature does not verify");
		goto out;
	}
	out->signature_valid = 1;
	if ((double)now < nbf) {
		vb_reason_set(&out->why, "not_yet_valid", "nbf is after the verification time");
	} else if (out->expires_at && out->expires_at < now) {
		out->expired = 1;
		vb_reason_set(&out->why, "expired", "exp is before the verification time");
	}
out:
	free(text);
	free(j);
	return rc;
}
