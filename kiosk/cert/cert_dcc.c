/*
 * cert_dcc: EU DCC (HCERT) issue and verify (see cert_dcc.h for the
 * layers and the reason codes).
 *
 * The content (claims, hcert) is built and read with libcbor; the COSE
 * framing around it — the protected header, the Sig_structure and the
 * COSE_Sign1 array — is written byte by byte here, because the bytes that
 * are signed must be exactly the bytes that are sent. Every input read
 * from a scanned payload is capped: the text (CERT_DCC_TEXT_MAX), the
 * inflated message (CERT_DCC_COSE_MAX), and each CBOR item is walked
 * first without recursion (nesting at most DCC_CBOR_DEPTH, at most
 * DCC_CBOR_ITEMS items) before libcbor builds it, since libcbor's own
 * loader and destructor have no depth limit. libcbor 0.8 (Debian 12)
 * refuses the one-byte tag heads c6..d4 as malformed: the COSE_Sign1 tag
 * d2 is taken off by hand, and such a tag anywhere else reads as "cbor".
 */
#include "cert_dcc.h"

#include <limits.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cbor.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <zlib.h>

#include "base45.h"
#include "vbdate.h"

#define DCC_CBOR_DEPTH 16
#define DCC_CBOR_ITEMS 2048
#define DCC_ALG_ES256  (-7)
#define DCC_ALG_PS256  (-37)
#define DCC_TAG_CWT    61
#define DCC_TAG_SIGN1  18
#define DCC_TG_COVID   "840539006"
#define DCC_VER	       "1.3.0"
#define DCC_SCHEMA_MAX 80  /* maxLength of names, is and ci (characters) */
#define DCC_SCRATCH    512 /* bytes of one text value read from a DCC */

/* The DCC types, as a mask for the signer's key usage. */
enum {
	DCC_TYPE_V = 1,
	DCC_TYPE_T = 2,
	DCC_TYPE_R = 4,
	DCC_TYPE_ALL = 7,
};

/* ---- Bytes: a growing buffer and CBOR heads (RFC 8949 section 3) ---- */

struct dcc_buf {
	uint8_t *p;
	size_t len, cap;
	int oom;
};

static void dcc_buf_put(struct dcc_buf *b, const void *d, size_t n)
{
	if (b->oom)
		return;
	if (b->len + n > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		while (cap < b->len + n)
			cap *= 2;
		uint8_t *p = realloc(b->p, cap);
		if (!p) {
			b->oom = 1;
			return;
		}
		b->p = p;
		b->cap = cap;
	}
	if (n)
		memcpy(b->p + b->len, d, n);
	b->len += n;
}

/* The head of a major type with argument n, in its shortest form. */
static void dcc_buf_head(struct dcc_buf *b, unsigned major, uint64_t n)
{
	uint8_t h[9];
	size_t len;
	h[0] = (uint8_t)(major << 5);
	if (n < 24) {
		h[0] |= (uint8_t)n;
		len = 1;
	} else if (n <= 0xff) {
		h[0] |= 24;
		h[1] = (uint8_t)n;
		len = 2;
	} else if (n <= 0xffff) {
		h[0] |= 25;
		h[1] = (uint8_t)(n >> 8);
		h[2] = (uint8_t)n;
		len = 3;
	} else if (n <= 0xffffffffu) {
		h[0] |= 26;
		for (int i = 0; i < 4; i++)
			h[1 + i] = (uint8_t)(n >> (24 - 8 * i));
		len = 5;
	} else {
		h[0] |= 27;
		for (int i = 0; i < 8; i++)
			h[1 + i] = (uint8_t)(n >> (56 - 8 * i));
		len = 9;
	}
	dcc_buf_put(b, h, len);
}

static void dcc_buf_bstr(struct dcc_buf *b, const uint8_t *d, size_t n)
{
	dcc_buf_head(b, 2, n);
	dcc_buf_put(b, d, n);
}

/* Sig_structure = ["Signature1", protected (bytes as sent), h'', payload]
 * (RFC 8152 section 4.4). */
static int dcc_sig_structure(const uint8_t *prot, size_t prot_len, const uint8_t *payload,
			     size_t payload_len, struct dcc_buf *out)
{
	dcc_buf_head(out, 4, 4);
	dcc_buf_head(out, 3, 10);
	dcc_buf_put(out, "Signature1", 10);
	dcc_buf_bstr(out, prot, prot_len);
	dcc_buf_bstr(out, NULL, 0);
	dcc_buf_bstr(out, payload, payload_len);
	return out->oom ? VB_ENOMEM : VB_OK;
}

/* ---- Text checks shared by issue and verify ---- */

/* The number of code points in n bytes of UTF-8, or -1 when they are not
 * valid UTF-8 (overlong forms, surrogates, > U+10FFFF) or hold a NUL. */
static long dcc_utf8_chars(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	long count = 0;
	size_t i = 0;
	while (i < n) {
		unsigned c = p[i];
		size_t k;
		uint32_t cp;
		if (c == 0)
			return -1;
		if (c < 0x80) {
			i++;
			count++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf) {
			k = 1;
			cp = c & 0x1f;
		} else if (c >= 0xe0 && c <= 0xef) {
			k = 2;
			cp = c & 0x0f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			k = 3;
			cp = c & 0x07;
		} else {
			return -1;
		}
		if (n - i <= k)
			return -1;
		for (size_t j = 1; j <= k; j++) {
			if ((p[i + j] & 0xc0) != 0x80)
				return -1;
			cp = cp << 6 | (p[i + j] & 0x3f);
		}
		if ((k == 2 && cp < 0x800) || (k == 3 && (cp < 0x10000 || cp > 0x10ffff)) ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return -1;
		i += k + 1;
		count++;
	}
	return count;
}

/* 1 if s matches ^[A-Z<]*$. */
static int dcc_icao(const char *s)
{
	for (; *s; s++)
		if (!((*s >= 'A' && *s <= 'Z') || *s == '<'))
			return 0;
	return 1;
}

/* 1 if s is n uppercase ASCII letters (n in [min, max]). */
static int dcc_upper(const char *s, size_t min, size_t max)
{
	size_t n = strlen(s);
	if (n < min || n > max)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (s[i] < 'A' || s[i] > 'Z')
			return 0;
	return 1;
}

static int dcc_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return n > 0;
}

/* A complete date "YYYY-MM-DD" (JSON schema format "date") into *days. */
static int dcc_date(const char *s, int32_t *days)
{
	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-' || !dcc_digits(s, 4) ||
	    !dcc_digits(s + 5, 2) || !dcc_digits(s + 8, 2))
		return VB_EINVAL;
	return vbdate_parse(s, days);
}

/* ---- Issue ---- */

static int dcc_check_record(const struct ddcc_record *r, struct vb_reason *why)
{
	const struct ddcc_dose *d = &r->doses[r->n_doses - 1];
	if (strcmp(r->disease, DCC_TG_COVID) != 0)
		return vb_reason_set(why, "dcc_field", "disease: a DCC proves COVID-19 (%s) only",
				     DCC_TG_COVID);
	if (!r->family_icao[0] && !r->given_icao[0])
		return vb_reason_set(why, "dcc_field", "name: fnt or gnt (ICAO) is required");
	if (!dcc_icao(r->family_icao) || strlen(r->family_icao) > DCC_SCHEMA_MAX ||
	    !dcc_icao(r->given_icao) || strlen(r->given_icao) > DCC_SCHEMA_MAX)
		return vb_reason_set(why, "dcc_field",
				     "name: fnt/gnt must match ^[A-Z<]*$, at most 80 characters");
	long fn = dcc_utf8_chars(r->family, strlen(r->family));
	long gn = dcc_utf8_chars(r->given, strlen(r->given));
	if (fn < 0 || gn < 0 || fn > DCC_SCHEMA_MAX || gn > DCC_SCHEMA_MAX)
		return vb_reason_set(why, "dcc_field",
				     "name: fn/gn must be UTF-8 of at most 80 characters");
	if (r->birth != VBDATE_NONE) {
		int y, m, dd;
		vbdate_to_ymd(r->birth, &y, &m, &dd);
		if (y < 1900 || y > 2099)
			return vb_reason_set(why, "dcc_field",
					     "birth: a DCC dob lies in 1900-2099");
	}
	if (!d->vaccine_code[0] || !d->brand[0] || !d->holder[0])
		return vb_reason_set(
		    why, "dcc_field",
		    "dose %zu: vp, mp and ma (vaccine, product, holder) are required", r->n_doses);
	if (d->dose_number < 1 || d->series_doses < 1)
		return vb_reason_set(why, "dcc_field", "dose %zu: dn and sd must be at least 1",
				     r->n_doses);
	if (d->date == VBDATE_NONE)
		return vb_reason_set(why, "dcc_field", "dose %zu: dt (date) is required",
				     r->n_doses);
	if (!dcc_upper(d->country, 2, 2) || !dcc_upper(r->issuer_country, 2, 2))
		return vb_reason_set(why, "dcc_field",
				     "country: co and iss must be ISO 3166-1 alpha-2");
	long is = dcc_utf8_chars(r->issuer, strlen(r->issuer));
	if (is < 1 || is > DCC_SCHEMA_MAX)
		return vb_reason_set(why, "dcc_field", "issuer: is must be 1..80 characters");
	if (!r->certificate_id[0] || strlen(r->certificate_id) > DCC_SCHEMA_MAX)
		return vb_reason_set(why, "dcc_field",
				     "certificate_id: ci must be 1..80 characters");
	if (r->issued_at < 0 || r->expires_at <= r->issued_at)
		return vb_reason_set(why, "dcc_field", "validity: iat must precede exp");
	return VB_OK;
}

/* A CBOR integer in its shortest form (libcbor keeps the width it is
 * built with). */
static cbor_item_t *dcc_int(int64_t v)
{
	uint64_t u = v >= 0 ? (uint64_t)v : (uint64_t)(-(v + 1));
	if (v >= 0) {
		if (u <= 0xff)
			return cbor_build_uint8((uint8_t)u);
		if (u <= 0xffff)
			return cbor_build_uint16((uint16_t)u);
		if (u <= 0xffffffffu)
			return cbor_build_uint32((uint32_t)u);
		return cbor_build_uint64(u);
	}
	if (u <= 0xff)
		return cbor_build_negint8((uint8_t)u);
	if (u <= 0xffff)
		return cbor_build_negint16((uint16_t)u);
	if (u <= 0xffffffffu)
		return cbor_build_negint32((uint32_t)u);
	return cbor_build_negint64(u);
}

/* Adds k: v to map, taking over both references (NULLs fail). */
static bool dcc_put(cbor_item_t *map, cbor_item_t *k, cbor_item_t *v)
{
	bool ok = map && k && v && cbor_map_add(map, (struct cbor_pair){.key = k, .value = v});
	if (k)
		cbor_decref(&k);
	if (v)
		cbor_decref(&v);
	return ok;
}

static bool dcc_put_text(cbor_item_t *map, const char *k, const char *v)
{
	return dcc_put(map, cbor_build_string(k), cbor_build_string(v));
}

/* The hcert map of the record's last dose; NULL when out of memory. */
static cbor_item_t *dcc_build_hcert(const struct ddcc_record *r)
{
	const struct ddcc_dose *d = &r->doses[r->n_doses - 1];
	char dob[11] = "", dt[11];
	if (r->birth != VBDATE_NONE)
		vbdate_format(r->birth, dob);
	vbdate_format(d->date, dt);

	size_t n_nam = (r->family[0] != 0) + (r->family_icao[0] != 0) + (r->given[0] != 0) +
		       (r->given_icao[0] != 0);
	cbor_item_t *hcert = cbor_new_definite_map(4);
	cbor_item_t *nam = cbor_new_definite_map(n_nam);
	cbor_item_t *v = cbor_new_definite_array(1);
	cbor_item_t *e = cbor_new_definite_map(10);
	bool ok = hcert && nam && v && e;
	if (ok && r->family[0])
		ok = dcc_put_text(nam, "fn", r->family);
	if (ok && r->family_icao[0])
		ok = dcc_put_text(nam, "fnt", r->family_icao);
	if (ok && r->given[0])
		ok = dcc_put_text(nam, "gn", r->given);
	if (ok && r->given_icao[0])
		ok = dcc_put_text(nam, "gnt", r->given_icao);
	ok = ok && dcc_put_text(e, "tg", r->disease) && dcc_put_text(e, "vp", d->vaccine_code) &&
	     dcc_put_text(e, "mp", d->brand) && dcc_put_text(e, "ma", d->holder) &&
	     dcc_put(e, cbor_build_string("dn"), dcc_int(d->dose_number)) &&
	     dcc_put(e, cbor_build_string("sd"), dcc_int(d->series_doses)) &&
	     dcc_put_text(e, "dt", dt) && dcc_put_text(e, "co", d->country) &&
	     dcc_put_text(e, "is", r->issuer) && dcc_put_text(e, "ci", r->certificate_id);
	ok = ok && cbor_array_push(v, e);
	ok = ok && dcc_put_text(hcert, "ver", DCC_VER) &&
	     dcc_put(hcert, cbor_build_string("nam"), cbor_incref(nam)) &&
	     dcc_put_text(hcert, "dob", dob) &&
	     dcc_put(hcert, cbor_build_string("v"), cbor_incref(v));
	if (e)
		cbor_decref(&e);
	if (v)
		cbor_decref(&v);
	if (nam)
		cbor_decref(&nam);
	if (!ok && hcert)
		cbor_decref(&hcert);
	return hcert;
}

/* The CWT claims {1: iss, 6: iat, 4: exp, -260: {1: hcert}}, serialized. */
static int dcc_build_payload(const struct ddcc_record *r, uint8_t **out, size_t *len)
{
	int rc = VB_ENOMEM;
	cbor_item_t *hcert = dcc_build_hcert(r);
	cbor_item_t *claims = cbor_new_definite_map(4);
	cbor_item_t *hc = cbor_new_definite_map(1);
	unsigned char *buf = NULL;
	size_t size = 0;
	if (!hcert || !claims || !hc)
		goto out;
	if (!dcc_put(hc, dcc_int(1), cbor_incref(hcert)) ||
	    !dcc_put(claims, dcc_int(1), cbor_build_string(r->issuer_country)) ||
	    !dcc_put(claims, dcc_int(6), dcc_int(r->issued_at)) ||
	    !dcc_put(claims, dcc_int(4), dcc_int(r->expires_at)) ||
	    !dcc_put(claims, dcc_int(-260), cbor_incref(hc)))
		goto out;
	size_t n = cbor_serialize_alloc(claims, &buf, &size);
	if (!n)
		goto out;
	*out = buf;
	*len = n;
	rc = VB_OK;
out:
	if (hc)
		cbor_decref(&hc);
	if (claims)
		cbor_decref(&claims);
	if (hcert)
		cbor_decref(&hcert);
	return rc;
}

int cert_dcc_issue(const struct ddcc_record *r, const struct cert_signer *s, char **payload,
		   struct vb_reason *why)
{
	int rc = VB_OK;
	uint8_t *claims = NULL, sig[64];
	size_t claims_len = 0;
	struct dcc_buf tbs = {0}, cose = {0};
	char *text = NULL;

	if (!r || !s || !s->key || !payload)
		return VB_EINVAL;
	rc = ddcc_check(r, why);
	if (rc)
		return VB_EINVAL;
	if (r->n_doses < 1 || r->n_doses > DDCC_MAX_DOSES)
		return vb_reason_set(why, "dcc_field", "doses: 1..%d required", DDCC_MAX_DOSES),
		       VB_EINVAL;
	if (dcc_check_record(r, why))
		return VB_EINVAL;

	rc = dcc_build_payload(r, &claims, &claims_len);
	if (rc)
		goto out;
	/* protected header {1: -7, 4: h'kid'}: a2 01 26 04 48 <kid> */
	uint8_t prot[13] = {0xa2, 0x01, 0x26, 0x04, 0x48};
	memcpy(prot + 5, s->dcc_kid, 8);
	rc = dcc_sig_structure(prot, sizeof(prot), claims, claims_len, &tbs);
	if (rc)
		goto out;
	rc = cert_key_sign(s->key, tbs.p, tbs.len, sig);
	if (rc) {
		rc = rc == VB_EINVAL ? VB_EINVAL : VB_EIO;
		vb_reason_set(why, "signer", "signer: the key cannot sign (not a private key)");
		goto out;
	}
	/* COSE_Sign1 = 18([protected, {}, payload, signature]) */
	dcc_buf_head(&cose, 6, DCC_TAG_SIGN1);
	dcc_buf_head(&cose, 4, 4);
	dcc_buf_bstr(&cose, prot, sizeof(prot));
	dcc_buf_head(&cose, 5, 0);
	dcc_buf_bstr(&cose, claims, claims_len);
	dcc_buf_bstr(&cose, sig, sizeof(sig));
	if (cose.oom) {
		rc = VB_ENOMEM;
		goto out;
	}
	rc = cert_dcc_wrap(cose.p, cose.len, &text);
	if (rc)
		goto out;
	if (strlen(text) > CERT_PAYLOAD_MAX) {
		vb_reason_set(why, "payload_size", "payload: %zu characters, over %d for one QR",
			      strlen(text), CERT_PAYLOAD_MAX);
		rc = VB_EINVAL;
		goto out;
	}
	*payload = text;
	text = NULL;
out:
	free(text);
	free(cose.p);
	free(tbs.p);
	free(claims);
	return rc;
}

/* ---- Transport layers ---- */

int cert_dcc_wrap(const uint8_t *cose, size_t len, char **payload)
{
	int rc = VB_OK;
	uLongf zlen = compressBound((uLong)len);
	uint8_t *z = NULL;
	char *text = NULL;

	if (!cose || !payload)
		return VB_EINVAL;
	z = malloc(zlen);
	if (!z)
		return VB_ENOMEM;
	int zrc = compress2(z, &zlen, cose, (uLong)len, 9);
	if (zrc != Z_OK) {
		rc = zrc == Z_MEM_ERROR ? VB_ENOMEM : VB_EIO;
		goto out;
	}
	size_t tlen = strlen(CERT_DCC_PREFIX) + base45_encoded_len(zlen);
	text = malloc(tlen + 1);
	if (!text) {
		rc = VB_ENOMEM;
		goto out;
	}
	memcpy(text, CERT_DCC_PREFIX, strlen(CERT_DCC_PREFIX));
	rc = base45_encode(z, zlen, text + strlen(CERT_DCC_PREFIX),
			   tlen + 1 - strlen(CERT_DCC_PREFIX));
	if (rc)
		goto out;
	*payload = text;
	text = NULL;
out:
	free(text);
	free(z);
	return rc;
}

int cert_dcc_unwrap(const char *payload, uint8_t **cose, size_t *len, int *compressed,
		    struct vb_reason *why)
{
	int rc = VB_OK;
	uint8_t raw[CERT_DCC_TEXT_MAX / 3 * 2 + 2];
	size_t raw_len = 0;
	uint8_t *out = NULL;
	size_t out_len = 0;
	int zipped = 1;

	if (!payload || !cose || !len || !compressed)
		return VB_EINVAL;
	size_t n = strnlen(payload, CERT_DCC_TEXT_MAX + 1);
	if (n > CERT_DCC_TEXT_MAX) {
		vb_reason_set(why, "payload_size", "payload: over %d characters",
			      CERT_DCC_TEXT_MAX);
		return VB_EINVAL;
	}
	size_t plen = strlen(CERT_DCC_PREFIX);
	if (n < plen || memcmp(payload, CERT_DCC_PREFIX, plen) != 0) {
		vb_reason_set(why, "bad_prefix", "payload: does not start with \"%s\"",
			      CERT_DCC_PREFIX);
		return VB_EINVAL;
	}
	rc = base45_decode(payload + plen, n - plen, raw, sizeof(raw), &raw_len, why);
	if (rc)
		return VB_EINVAL;
	if (raw_len > 0 && raw[0] == 0x78) {
		z_stream zs = {0};
		out = malloc(CERT_DCC_COSE_MAX);
		if (!out)
			return VB_ENOMEM;
		if (inflateInit(&zs) != Z_OK) {
			free(out);
			return VB_ENOMEM;
		}
		zs.next_in = raw;
		zs.avail_in = (uInt)raw_len;
		zs.next_out = out;
		zs.avail_out = CERT_DCC_COSE_MAX;
		int zrc = inflate(&zs, Z_FINISH);
		out_len = zs.total_out;
		inflateEnd(&zs);
		if (zrc == Z_MEM_ERROR) {
			rc = VB_ENOMEM;
			goto out;
		}
		if (zrc != Z_STREAM_END) {
			if (zs.avail_out == 0)
				vb_reason_set(why, "zlib", "zlib: inflates to more than %d bytes",
					      CERT_DCC_COSE_MAX);
			else
				vb_reason_set(why, "zlib",
					      "zlib: the stream is corrupt or cut short");
			rc = VB_EINVAL;
			goto out;
		}
		if (zs.avail_in != 0) {
			vb_reason_set(why, "zlib", "zlib: %u bytes after the end of the stream",
				      zs.avail_in);
			rc = VB_EINVAL;
			goto out;
		}
	} else if (raw_len > 0 && (raw[0] == 0xd2 || raw[0] == 0x84 ||
				   (raw_len > 1 && raw[0] == 0xd8 && raw[1] == DCC_TAG_CWT))) {
		/* hcert spec: check for the zlib header, or proceed without */
		zipped = 0;
		out = malloc(raw_len);
		if (!out)
			return VB_ENOMEM;
		memcpy(out, raw, raw_len);
		out_len = raw_len;
	} else {
		vb_reason_set(why, "zlib",
			      "zlib: the payload is neither a zlib stream (78) nor a COSE message");
		return VB_EINVAL;
	}
	if (out_len == 0) {
		vb_reason_set(why, "zlib", "zlib: the stream holds no bytes");
		rc = VB_EINVAL;
		goto out;
	}
	*cose = out;
	*len = out_len;
	*compressed = zipped;
	out = NULL;
out:
	free(out);
	return rc;
}

/* ---- CBOR: a bounded walk, then libcbor ---- */

struct dcc_walk {
	int depth;
	int64_t left[DCC_CBOR_DEPTH]; /* children still due; -1 indefinite */
	size_t items;
	int done, bad;
};

/* An item ended: count it in its container, closing finished ones. */
static void dcc_walk_end(struct dcc_walk *w)
{
	while (w->depth > 0) {
		int64_t *left = &w->left[w->depth - 1];
		if (*left < 0)
			return;
		if (--*left > 0)
			return;
		w->depth--;
	}
	w->done = 1;
}

static void dcc_walk_item(struct dcc_walk *w)
{
	if (w->done || ++w->items > DCC_CBOR_ITEMS)
		w->bad = 1;
}

static void dcc_walk_open(struct dcc_walk *w, int64_t children)
{
	dcc_walk_item(w);
	if (w->bad)
		return;
	if (children == 0) {
		dcc_walk_end(w);
		return;
	}
	if (w->depth >= DCC_CBOR_DEPTH || children > DCC_CBOR_ITEMS) {
		w->bad = 1;
		return;
	}
	w->left[w->depth++] = children;
}

static void dcc_walk_leaf(struct dcc_walk *w)
{
	dcc_walk_item(w);
	if (!w->bad)
		dcc_walk_end(w);
}

static void dcc_cb_u8(void *c, uint8_t v)
{
	(void)v;
	dcc_walk_leaf(c);
}
static void dcc_cb_u16(void *c, uint16_t v)
{
	(void)v;
	dcc_walk_leaf(c);
}
static void dcc_cb_u32(void *c, uint32_t v)
{
	(void)v;
	dcc_walk_leaf(c);
}
static void dcc_cb_u64(void *c, uint64_t v)
{
	(void)v;
	dcc_walk_leaf(c);
}
static void dcc_cb_str(void *c, cbor_data d, size_t n)
{
	(void)d;
	(void)n;
	dcc_walk_leaf(c);
}
static void dcc_cb_simple(void *c)
{
	dcc_walk_leaf(c);
}
static void dcc_cb_indef(void *c)
{
	dcc_walk_open(c, -1);
}
static void dcc_cb_array(void *c, size_t n)
{
	dcc_walk_open(c, n > DCC_CBOR_ITEMS ? DCC_CBOR_ITEMS + 1 : (int64_t)n);
}
static void dcc_cb_map(void *c, size_t n)
{
	dcc_walk_open(c, n > DCC_CBOR_ITEMS ? DCC_CBOR_ITEMS + 1 : 2 * (int64_t)n);
}
static void dcc_cb_tag(void *c, uint64_t v)
{
	(void)v;
	dcc_walk_open(c, 1);
}
static void dcc_cb_float(void *c, float v)
{
	(void)v;
	dcc_walk_leaf(c);
}
static void dcc_cb_double(void *c, double v)
{
	(void)v;
	dcc_walk_leaf(c);
}
static void dcc_cb_bool(void *c, bool v)
{
	(void)v;
	dcc_walk_leaf(c);
}
static void dcc_cb_break(void *c)
{
	struct dcc_walk *w = c;
	if (w->depth == 0 || w->left[w->depth - 1] >= 0) {
		w->bad = 1;
		return;
	}
	w->depth--;
	dcc_walk_end(w);
}

static const struct cbor_callbacks dcc_walk_callbacks = {
    .uint8 = dcc_cb_u8,
    .uint16 = dcc_cb_u16,
    .uint32 = dcc_cb_u32,
    .uint64 = dcc_cb_u64,
    .negint8 = dcc_cb_u8,
    .negint16 = dcc_cb_u16,
    .negint32 = dcc_cb_u32,
    .negint64 = dcc_cb_u64,
    .byte_string_start = dcc_cb_indef,
    .byte_string = dcc_cb_str,
    .string = dcc_cb_str,
    .string_start = dcc_cb_indef,
    .indef_array_start = dcc_cb_indef,
    .array_start = dcc_cb_array,
    .indef_map_start = dcc_cb_indef,
    .map_start = dcc_cb_map,
    .tag = dcc_cb_tag,
    .float2 = dcc_cb_float,
    .float4 = dcc_cb_float,
    .float8 = dcc_cb_double,
    .undefined = dcc_cb_simple,
    .null = dcc_cb_simple,
    .boolean = dcc_cb_bool,
    .indef_break = dcc_cb_break,
};

/* Loads exactly one well-formed CBOR item from buf; what names it in
 * the reason. VB_OK, VB_EINVAL ("cbor") or VB_ENOMEM. */
static int dcc_cbor_load(const uint8_t *buf, size_t len, const char *what, cbor_item_t **out,
			 struct vb_reason *why)
{
	struct dcc_walk w = {0};
	size_t off = 0;
	while (off < len && !w.bad && !w.done) {
		struct cbor_decoder_result r =
		    cbor_stream_decode(buf + off, len - off, &dcc_walk_callbacks, &w);
		if (r.status != CBOR_DECODER_FINISHED || r.read == 0) {
			w.bad = 1;
			break;
		}
		off += r.read;
	}
	if (w.bad || !w.done || off != len) {
		vb_reason_set(
		    why, "cbor",
		    "%s: not one well-formed CBOR item (or deeper than %d, over %d items)", what,
		    DCC_CBOR_DEPTH, DCC_CBOR_ITEMS);
		return VB_EINVAL;
	}
	struct cbor_load_result res;
	cbor_item_t *item = cbor_load(buf, len, &res);
	if (!item || res.read != len) {
		if (item)
			cbor_decref(&item);
		if (res.error.code == CBOR_ERR_MEMERROR)
			return VB_ENOMEM;
		vb_reason_set(why, "cbor", "%s: libcbor refused it", what);
		return VB_EINVAL;
	}
	*out = item;
	return VB_OK;
}

/* ---- CBOR item accessors ---- */

/* An integer item into *v. 0, or -1 when it is not an integer in range. */
static int dcc_get_int(const cbor_item_t *it, int64_t *v)
{
	if (cbor_isa_uint(it)) {
		uint64_t u = cbor_get_int(it);
		if (u > INT64_MAX)
			return -1;
		*v = (int64_t)u;
		return 0;
	}
	if (cbor_isa_negint(it)) {
		uint64_t u = cbor_get_int(it);
		if (u > INT64_MAX)
			return -1;
		*v = -1 - (int64_t)u;
		return 0;
	}
	return -1;
}

/* A CWT NumericDate (RFC 8392 section 2: an integer or a floating-point
 * number of seconds, untagged) of at least 0, fractions cut. 0 or -1. */
static int dcc_get_numeric_date(const cbor_item_t *it, int64_t *t)
{
	if (cbor_isa_float_ctrl(it) && cbor_float_get_width(it) != CBOR_FLOAT_0) {
		double d = cbor_float_get_float(it);
		if (!isfinite(d) || d < 0 || d >= 9007199254740992.0) /* 2^53 */
			return -1;
		*t = (int64_t)d;
		return 0;
	}
	return dcc_get_int(it, t) || *t < 0 ? -1 : 0;
}

/* A definite byte string's bytes (borrowed from it). 0 or -1. */
static int dcc_get_bytes(const cbor_item_t *it, const uint8_t **p, size_t *n)
{
	if (!cbor_isa_bytestring(it) || !cbor_bytestring_is_definite(it))
		return -1;
	*p = cbor_bytestring_handle(it);
	*n = cbor_bytestring_length(it);
	return 0;
}

/* A text string (definite or chunked) into buf (cap bytes, NUL added).
 * 0; -1 when it is not a text string of valid UTF-8 without NUL; -2 when
 * it does not fit. */
static int dcc_get_text(const cbor_item_t *it, char *buf, size_t cap)
{
	size_t n = 0;
	if (!cbor_isa_string(it))
		return -1;
	if (cbor_string_is_definite(it)) {
		size_t len = cbor_string_length(it);
		if (len >= cap)
			return -2;
		if (len)
			memcpy(buf, cbor_string_handle(it), len);
		n = len;
	} else {
		cbor_item_t **chunks = cbor_string_chunks_handle(it);
		for (size_t i = 0; i < cbor_string_chunk_count(it); i++) {
			size_t len = cbor_string_length(chunks[i]);
			if (!cbor_string_is_definite(chunks[i]))
				return -1;
			if (len >= cap - n)
				return -2;
			if (len)
				memcpy(buf + n, cbor_string_handle(chunks[i]), len);
			n += len;
		}
	}
	buf[n] = '\0';
	if (dcc_utf8_chars(buf, n) < 0)
		return -1;
	return 0;
}

/* 1 if the map key is the text k. */
static int dcc_key_is(const cbor_item_t *key, const char *k)
{
	size_t n = strlen(k);
	return cbor_isa_string(key) && cbor_string_is_definite(key) &&
	       cbor_string_length(key) == n && memcmp(cbor_string_handle(key), k, n) == 0;
}

/* ---- COSE_Sign1 ---- */

struct dcc_msg {
	cbor_item_t *root;     /* the whole message (owned) */
	cbor_item_t *prot_map; /* the decoded protected header (owned), or NULL */
	const uint8_t *prot, *payload, *sig, *kid; /* borrowed from root/prot_map */
	size_t prot_len, payload_len, sig_len, kid_len;
	int64_t alg;
	int have_alg, have_kid;
};

static void dcc_msg_cleanup(struct dcc_msg *m)
{
	if (m->prot_map)
		cbor_decref(&m->prot_map);
	if (m->root)
		cbor_decref(&m->root);
}

/* Reads alg (1) and kid (4) from a header map; the values already found
 * (from the protected header) win. */
static int dcc_header(const cbor_item_t *map, const char *which, struct dcc_msg *m,
		      struct vb_reason *why)
{
	struct cbor_pair *p = cbor_map_handle(map);
	int seen_alg = 0, seen_kid = 0;
	for (size_t i = 0; i < cbor_map_size(map); i++) {
		int64_t label;
		if (dcc_get_int(p[i].key, &label))
			continue; /* text labels: not used by the DCC */
		if (label == 1) {
			int64_t alg;
			if (seen_alg++ || dcc_get_int(p[i].value, &alg))
				return vb_reason_set(why, "cose",
						     "%s header: alg is repeated or "
						     "not an integer",
						     which);
			if (!m->have_alg) {
				m->alg = alg;
				m->have_alg = 1;
			}
		} else if (label == 4) {
			const uint8_t *kid;
			size_t n;
			if (seen_kid++ || dcc_get_bytes(p[i].value, &kid, &n))
				return vb_reason_set(why, "cose",
						     "%s header: kid is repeated or "
						     "not a byte string",
						     which);
			if (!m->have_kid) {
				m->kid = kid;
				m->kid_len = n;
				m->have_kid = 1;
			}
		} else if (label == 2) {
			return vb_reason_set(why, "cose",
					     "%s header: crit names parameters this verifier does "
					     "not know",
					     which);
		}
	}
	return VB_OK;
}

static int dcc_cose_parse(const uint8_t *cose, size_t len, struct dcc_msg *m, struct vb_reason *why)
{
	/* The optional tags are taken off by hand: Debian 12's libcbor 0.8
	 * refuses the one-byte tags 6..20 (c6..d4), COSE_Sign1's d2 among
	 * them. Accepted: [61 (d8 3d)] then [18 (d2, or d8 12)]. */
	size_t off = 0;
	if (len - off >= 2 && cose[off] == 0xd8 && cose[off + 1] == DCC_TAG_CWT)
		off += 2;
	if (len - off >= 1 && cose[off] == 0xd2)
		off += 1;
	else if (len - off >= 2 && cose[off] == 0xd8 && cose[off + 1] == DCC_TAG_SIGN1)
		off += 2;
	int rc = dcc_cbor_load(cose + off, len - off, "COSE message", &m->root, why);
	if (rc)
		return rc;
	const cbor_item_t *it = m->root;
	if (cbor_isa_tag(it))
		return vb_reason_set(why, "cose", "COSE: unexpected tag %llu",
				     (unsigned long long)cbor_tag_value(it)),
		       VB_EINVAL;
	if (!cbor_isa_array(it) || cbor_array_size(it) != 4)
		return vb_reason_set(why, "cose", "COSE: not a COSE_Sign1 array of 4"), VB_EINVAL;
	cbor_item_t **a = cbor_array_handle(it);
	if (dcc_get_bytes(a[0], &m->prot, &m->prot_len))
		return vb_reason_set(why, "cose",
				     "COSE: the protected header is not a byte string"),
		       VB_EINVAL;
	if (!cbor_isa_map(a[1]))
		return vb_reason_set(why, "cose", "COSE: the unprotected header is not a map"),
		       VB_EINVAL;
	if (dcc_get_bytes(a[2], &m->payload, &m->payload_len))
		return vb_reason_set(why, "cose", "COSE: the payload is not a byte string"),
		       VB_EINVAL;
	if (dcc_get_bytes(a[3], &m->sig, &m->sig_len))
		return vb_reason_set(why, "cose", "COSE: the signature is not a byte string"),
		       VB_EINVAL;
	if (m->prot_len) {
		rc =
		    dcc_cbor_load(m->prot, m->prot_len, "COSE protected header", &m->prot_map, why);
		if (rc)
			return rc;
		if (!cbor_isa_map(m->prot_map))
			return vb_reason_set(why, "cose",
					     "COSE: the protected header is not a map"),
			       VB_EINVAL;
		if (dcc_header(m->prot_map, "protected", m, why))
			return VB_EINVAL;
	}
	if (dcc_header(a[1], "unprotected", m, why))
		return VB_EINVAL;
	return VB_OK;
}

/* ---- The signer: a trust list, or one Document Signer Certificate ---- */

struct dcc_signer {
	const struct trust *trust; /* the trust path, or: */
	struct cert_key *dsc_ec;   /* the DSC's key when EC P-256 (owned) */
	EVP_PKEY *dsc_rsa;	   /* the DSC's key when RSA (owned) */
	uint8_t dsc_kid[8];
	unsigned dsc_usage; /* DCC_TYPE_* the DSC may sign */
};

static int dcc_ps256_verify(EVP_PKEY *pkey, const uint8_t *msg, size_t len, const uint8_t *sig,
			    size_t sig_len)
{
	int ok = 0;
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	EVP_PKEY_CTX *pctx = NULL;
	if (md && EVP_DigestVerifyInit(md, &pctx, EVP_sha256(), NULL, pkey) == 1 &&
	    EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) == 1 &&
	    EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, EVP_sha256()) == 1 &&
	    EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) == 1)
		ok = EVP_DigestVerify(md, sig, sig_len, msg, len) == 1;
	EVP_MD_CTX_free(md);
	return ok;
}

/* Checks the signature; 1 when valid, else 0 with why. *usage is what the
 * signer may sign. VB_ENOMEM is returned as -1. */
static int dcc_check_signature(const struct dcc_signer *s, const struct dcc_msg *m, unsigned *usage,
			       struct vb_reason *why)
{
	const struct cert_key *ec = NULL;
	EVP_PKEY *rsa = NULL;
	*usage = DCC_TYPE_ALL;
	if (!m->have_alg || (m->alg != DCC_ALG_ES256 && m->alg != DCC_ALG_PS256)) {
		vb_reason_set(why, "unsupported_alg",
			      "COSE: alg %lld is not ES256 (-7) or PS256 (-37)",
			      m->have_alg ? (long long)m->alg : 0LL);
		return 0;
	}
	if (s->trust && m->alg != DCC_ALG_ES256) {
		vb_reason_set(why, "unsupported_alg",
			      "COSE: alg PS256 (RSA): the trust list holds ES256 signers only");
		return 0;
	}
	if (!m->have_kid || m->kid_len != 8) {
		vb_reason_set(why, "unknown_kid", "COSE: the kid is %s, not 8 bytes",
			      m->have_kid ? "of another length" : "missing");
		return 0;
	}
	if (s->trust) {
		ec = trust_find_dcc(s->trust, m->kid);
	} else if (memcmp(m->kid, s->dsc_kid, 8) == 0) {
		ec = s->dsc_ec;
		rsa = s->dsc_rsa;
		*usage = s->dsc_usage;
	}
	if (!ec && !rsa) {
		vb_reason_set(why, "unknown_kid", "COSE: no trusted signer has this kid");
		return 0;
	}
	struct dcc_buf tbs = {0};
	if (dcc_sig_structure(m->prot, m->prot_len, m->payload, m->payload_len, &tbs)) {
		free(tbs.p);
		return -1;
	}
	int ok = 0;
	if (m->alg == DCC_ALG_ES256 && ec)
		ok = m->sig_len == 64 && cert_key_verify(ec, tbs.p, tbs.len, m->sig) == VB_OK;
	else if (m->alg == DCC_ALG_PS256 && rsa)
		ok = dcc_ps256_verify(rsa, tbs.p, tbs.len, m->sig, m->sig_len);
	free(tbs.p);
	if (!ok)
		vb_reason_set(why, "signature", "COSE: the signature does not verify (%zu bytes)",
			      m->sig_len);
	return ok;
}

/* ---- CWT claims and the hcert ---- */

/* Reads text value v of field name into buf (cap); max_chars 0 = any.
 * Returns VB_OK or VB_EINVAL with why ("schema", "field_size"). */
static int dcc_text(const cbor_item_t *v, const char *name, char *buf, size_t cap, long max_chars,
		    struct vb_reason *why)
{
	char scratch[DCC_SCRATCH];
	int r = dcc_get_text(v, scratch, sizeof(scratch));
	if (r == -1)
		return vb_reason_set(why, "schema", "hcert: %s is not a UTF-8 text string", name),
		       VB_EINVAL;
	if (r == -2)
		return vb_reason_set(why, max_chars ? "schema" : "field_size",
				     "hcert: %s is longer than %d bytes", name, DCC_SCRATCH - 1),
		       VB_EINVAL;
	if (max_chars && dcc_utf8_chars(scratch, strlen(scratch)) > max_chars)
		return vb_reason_set(why, "schema", "hcert: %s is longer than %ld characters", name,
				     max_chars),
		       VB_EINVAL;
	if (strlen(scratch) >= cap)
		return vb_reason_set(why, "field_size",
				     "hcert: %s (%zu bytes) is longer than this verifier holds",
				     name, strlen(scratch)),
		       VB_EINVAL;
	memcpy(buf, scratch, strlen(scratch) + 1);
	return VB_OK;
}

/* The fields of one entry: name, kind, destination. */
enum dcc_kind {
	DCC_K_TEXT,   /* any text */
	DCC_K_TEXT80, /* text of at most 80 characters */
	DCC_K_DATE,   /* YYYY-MM-DD */
	DCC_K_DTIME,  /* date-time: YYYY-MM-DDThh:mm... */
	DCC_K_POSINT,
	DCC_K_COUNTRY,
};

struct dcc_field {
	const char *name;
	enum dcc_kind kind;
	int required;
};

static const struct dcc_field dcc_v_fields[] = {{"tg", DCC_K_TEXT, 1},
						{"vp", DCC_K_TEXT, 1},
						{"mp", DCC_K_TEXT, 1},
						{"ma", DCC_K_TEXT, 1},
						{"dn", DCC_K_POSINT, 1},
						{"sd", DCC_K_POSINT, 1},
						{"dt", DCC_K_DATE, 1},
						{"co", DCC_K_COUNTRY, 1},
						{"is", DCC_K_TEXT80, 1},
						{"ci", DCC_K_TEXT80, 1},
						{NULL, 0, 0}};
static const struct dcc_field dcc_t_fields[] = {{"tg", DCC_K_TEXT, 1},
						{"tt", DCC_K_TEXT, 1},
						{"nm", DCC_K_TEXT80, 0},
						{"ma", DCC_K_TEXT, 0},
						{"sc", DCC_K_DTIME, 1},
						{"tr", DCC_K_TEXT, 1},
						{"tc", DCC_K_TEXT80, 0},
						{"co", DCC_K_COUNTRY, 1},
						{"is", DCC_K_TEXT80, 1},
						{"ci", DCC_K_TEXT80, 1},
						{NULL, 0, 0}};
static const struct dcc_field dcc_r_fields[] = {
    {"tg", DCC_K_TEXT, 1}, {"fr", DCC_K_DATE, 1}, {"co", DCC_K_COUNTRY, 1}, {"is", DCC_K_TEXT80, 1},
    {"df", DCC_K_DATE, 1}, {"du", DCC_K_DATE, 1}, {"ci", DCC_K_TEXT80, 1},  {NULL, 0, 0}};

/* The value of one entry field, checked; text in val, numbers in *num. */
static int dcc_field_value(const struct dcc_field *f, const cbor_item_t *v, char *val, size_t cap,
			   int64_t *num, struct vb_reason *why)
{
	int32_t day;
	switch (f->kind) {
	case DCC_K_POSINT:
		if (dcc_get_int(v, num) || *num < 1)
			return vb_reason_set(why, "schema", "hcert: %s is not an integer >= 1",
					     f->name),
			       VB_EINVAL;
		if (*num > INT_MAX)
			return vb_reason_set(why, "field_size", "hcert: %s is too large", f->name),
			       VB_EINVAL;
		return VB_OK;
	case DCC_K_TEXT80:
		return dcc_text(v, f->name, val, cap, DCC_SCHEMA_MAX, why);
	default:
		break;
	}
	if (dcc_text(v, f->name, val, cap, 0, why))
		return VB_EINVAL;
	if (f->kind == DCC_K_DATE && dcc_date(val, &day))
		return vb_reason_set(why, "schema", "hcert: %s is not a YYYY-MM-DD date", f->name),
		       VB_EINVAL;
	if (f->kind == DCC_K_DTIME) {
		char d[11] = "";
		if (strlen(val) >= 16)
			memcpy(d, val, 10);
		if (strlen(val) < 16 || val[10] != 'T' || dcc_date(d, &day))
			return vb_reason_set(why, "schema", "hcert: %s is not a date-time",
					     f->name),
			       VB_EINVAL;
	}
	if (f->kind == DCC_K_COUNTRY && !dcc_upper(val, 1, 10))
		return vb_reason_set(why, "schema", "hcert: %s is not a country code", f->name),
		       VB_EINVAL;
	return VB_OK;
}

/* Finds the unique value of text key k in map: 0 found, 1 absent, -1
 * repeated. */
static int dcc_lookup(const cbor_item_t *map, const char *k, const cbor_item_t **v)
{
	struct cbor_pair *p = cbor_map_handle(map);
	int found = 0;
	for (size_t i = 0; i < cbor_map_size(map); i++) {
		if (dcc_key_is(p[i].key, k)) {
			if (found++)
				return -1;
			*v = p[i].value;
		}
	}
	return found ? 0 : 1;
}

/* Checks one v/t/r entry and, for a vaccination, fills the record. */
static int dcc_entry(const cbor_item_t *e, int type, struct ddcc_record *rec, struct vb_reason *why)
{
	const struct dcc_field *fields = type == DCC_TYPE_V   ? dcc_v_fields
					 : type == DCC_TYPE_T ? dcc_t_fields
							      : dcc_r_fields;
	struct ddcc_dose *d = &rec->doses[0];
	if (!cbor_isa_map(e))
		return vb_reason_set(why, "schema", "hcert: the entry is not a map"), VB_EINVAL;
	for (const struct dcc_field *f = fields; f->name; f++) {
		const cbor_item_t *v = NULL;
		int r = dcc_lookup(e, f->name, &v);
		if (r < 0)
			return vb_reason_set(why, "schema", "hcert: %s is repeated", f->name),
			       VB_EINVAL;
		if (r > 0) {
			if (f->required)
				return vb_reason_set(why, "schema", "hcert: %s is missing",
						     f->name),
				       VB_EINVAL;
			continue;
		}
		/* where the value goes in the record (a scratch copy otherwise) */
		char scratch[DCC_SCRATCH], *dst = scratch;
		size_t cap = sizeof(scratch);
		int64_t num = 0;
		if (!strcmp(f->name, "tg")) {
			dst = rec->disease;
			cap = sizeof(rec->disease);
		} else if (!strcmp(f->name, "is")) {
			dst = rec->issuer;
			cap = sizeof(rec->issuer);
		} else if (!strcmp(f->name, "ci")) {
			dst = rec->certificate_id;
			cap = sizeof(rec->certificate_id);
		} else if (type == DCC_TYPE_V && !strcmp(f->name, "vp")) {
			dst = d->vaccine_code;
			cap = sizeof(d->vaccine_code);
		} else if (type == DCC_TYPE_V && !strcmp(f->name, "mp")) {
			dst = d->brand;
			cap = sizeof(d->brand);
		} else if (type == DCC_TYPE_V && !strcmp(f->name, "ma")) {
			dst = d->holder;
			cap = sizeof(d->holder);
		} else if (type == DCC_TYPE_V && !strcmp(f->name, "co")) {
			dst = d->country;
			cap = sizeof(d->country);
		}
		if (dcc_field_value(f, v, dst, cap, &num, why))
			return VB_EINVAL;
		if (type == DCC_TYPE_V && !strcmp(f->name, "dn"))
			d->dose_number = (int)num;
		else if (type == DCC_TYPE_V && !strcmp(f->name, "sd"))
			d->series_doses = (int)num;
		else if (type == DCC_TYPE_V && !strcmp(f->name, "dt"))
			dcc_date(dst, &d->date);
	}
	if (type == DCC_TYPE_V)
		rec->n_doses = 1;
	return VB_OK;
}

static int dcc_names(const cbor_item_t *nam, struct ddcc_record *rec, struct vb_reason *why)
{
	static const char *const keys[] = {"fn", "fnt", "gn", "gnt"};
	char *dst[] = {rec->family, rec->family_icao, rec->given, rec->given_icao};
	int have_t = 0;
	if (!cbor_isa_map(nam))
		return vb_reason_set(why, "schema", "hcert: nam is not a map"), VB_EINVAL;
	for (size_t i = 0; i < 4; i++) {
		const cbor_item_t *v = NULL;
		int r = dcc_lookup(nam, keys[i], &v);
		if (r < 0)
			return vb_reason_set(why, "schema", "hcert: nam.%s is repeated", keys[i]),
			       VB_EINVAL;
		if (r > 0)
			continue;
		if (dcc_text(v, keys[i], dst[i], DDCC_TEXT, DCC_SCHEMA_MAX, why))
			return VB_EINVAL;
		if (i % 2 == 1) {
			if (!dcc_icao(dst[i]))
				return vb_reason_set(why, "schema",
						     "hcert: nam.%s does not match ^[A-Z<]*$",
						     keys[i]),
				       VB_EINVAL;
			have_t = 1;
		}
	}
	if (!have_t)
		return vb_reason_set(why, "schema", "hcert: nam has neither fnt nor gnt"),
		       VB_EINVAL;
	return VB_OK;
}

/* dob: "", "YYYY", "YYYY-MM" or "YYYY-MM-DD" in 1900-2099; birth is set
 * for a complete date only. */
static int dcc_dob(const cbor_item_t *v, struct ddcc_record *rec, struct vb_reason *why)
{
	char dob[16];
	int r = dcc_get_text(v, dob, sizeof(dob));
	size_t n = r ? 0 : strlen(dob);
	int ok = r == 0 && (n == 0 || n == 4 || n == 7 || n == 10);
	if (ok && n) {
		ok = dcc_digits(dob, 4) && (!strncmp(dob, "19", 2) || !strncmp(dob, "20", 2));
		if (ok && n >= 7)
			ok = dob[4] == '-' && dcc_digits(dob + 5, 2);
		if (ok && n == 10)
			ok = dob[7] == '-' && dcc_digits(dob + 8, 2) && !dcc_date(dob, &rec->birth);
	}
	if (!ok)
		return vb_reason_set(why, "schema",
				     "hcert: dob is not YYYY[-MM[-DD]] in 1900-2099"),
		       VB_EINVAL;
	return VB_OK;
}

static int dcc_hcert(const cbor_item_t *h, struct ddcc_record *rec, int *type,
		     struct vb_reason *why)
{
	static const char *const groups[] = {"v", "t", "r"};
	const cbor_item_t *v = NULL, *entry = NULL;
	int r;

	if (!cbor_isa_map(h))
		return vb_reason_set(why, "schema", "hcert: not a map"), VB_EINVAL;
	char ver[16];
	if ((r = dcc_lookup(h, "ver", &v)) != 0)
		return vb_reason_set(why, "schema", "hcert: ver is %s",
				     r > 0 ? "missing" : "repeated"),
		       VB_EINVAL;
	if (dcc_get_text(v, ver, sizeof(ver)))
		return vb_reason_set(why, "schema", "hcert: ver is not a short text"), VB_EINVAL;
	{
		/* ^\d+.\d+.\d+$ */
		const char *p = ver;
		int ok = 1;
		for (int part = 0; part < 3 && ok; part++) {
			size_t k = strspn(p, "0123456789");
			ok = k > 0 && (part == 2 ? p[k] == '\0' : p[k] == '.');
			p += k + 1;
		}
		if (!ok)
			return vb_reason_set(why, "schema", "hcert: ver is not a semantic version"),
			       VB_EINVAL;
	}
	if ((r = dcc_lookup(h, "nam", &v)) != 0)
		return vb_reason_set(why, "schema", "hcert: nam is %s",
				     r > 0 ? "missing" : "repeated"),
		       VB_EINVAL;
	if (dcc_names(v, rec, why))
		return VB_EINVAL;
	if ((r = dcc_lookup(h, "dob", &v)) != 0)
		return vb_reason_set(why, "schema", "hcert: dob is %s",
				     r > 0 ? "missing" : "repeated"),
		       VB_EINVAL;
	if (dcc_dob(v, rec, why))
		return VB_EINVAL;
	int n_groups = 0;
	for (int i = 0; i < 3; i++) {
		r = dcc_lookup(h, groups[i], &v);
		if (r < 0)
			return vb_reason_set(why, "schema", "hcert: %s is repeated", groups[i]),
			       VB_EINVAL;
		if (r > 0)
			continue;
		n_groups++;
		*type = 1 << i;
		if (!cbor_isa_array(v) || cbor_array_size(v) != 1)
			return vb_reason_set(why, "schema",
					     "hcert: %s is not an array of exactly one entry",
					     groups[i]),
			       VB_EINVAL;
		entry = cbor_array_handle(v)[0];
	}
	if (n_groups != 1)
		return vb_reason_set(why, "schema",
				     "hcert: %d of the groups v, t, r (exactly one required)",
				     n_groups),
		       VB_EINVAL;
	return dcc_entry(entry, *type, rec, why);
}

/* The CWT claims: iss, iat, exp and the hcert into out. */
static int dcc_claims(const uint8_t *payload, size_t len, struct cert_verified *out, int *type,
		      struct vb_reason *why)
{
	int rc = VB_OK;
	cbor_item_t *claims = NULL;
	const cbor_item_t *hc = NULL, *hcert = NULL;
	int have_iat = 0, have_exp = 0, have_iss = 0;

	rc = dcc_cbor_load(payload, len, "CWT payload", &claims, why);
	if (rc)
		return rc;
	rc = VB_EINVAL;
	if (!cbor_isa_map(claims)) {
		vb_reason_set(why, "cwt", "CWT: the claims are not a map");
		goto out;
	}
	struct cbor_pair *p = cbor_map_handle(claims);
	for (size_t i = 0; i < cbor_map_size(claims); i++) {
		int64_t label, t;
		if (dcc_get_int(p[i].key, &label))
			continue;
		if (label == 1) {
			if (have_iss++ ||
			    dcc_get_text(p[i].value, out->issuer, sizeof(out->issuer))) {
				vb_reason_set(why, "cwt",
					      "CWT: iss is repeated or not a short text");
				goto out;
			}
		} else if (label == 4 || label == 6) {
			int *have = label == 4 ? &have_exp : &have_iat;
			if ((*have)++ || dcc_get_numeric_date(p[i].value, &t)) {
				vb_reason_set(
				    why, "cwt",
				    "CWT: %s is repeated or not a NumericDate (seconds >= 0)",
				    label == 4 ? "exp" : "iat");
				goto out;
			}
			if (label == 4)
				out->expires_at = t;
			else
				out->issued_at = t;
		} else if (label == -260) {
			if (hc || !cbor_isa_map(p[i].value)) {
				vb_reason_set(why, "cwt",
					      "CWT: hcert (-260) is repeated or not a map");
				goto out;
			}
			hc = p[i].value;
		}
	}
	if (!have_iat || !have_exp || !hc) {
		vb_reason_set(why, "cwt", "CWT: %s is missing",
			      !hc	  ? "hcert (-260)"
			      : !have_iat ? "iat (6)"
					  : "exp (4)");
		goto out;
	}
	struct cbor_pair *q = cbor_map_handle(hc);
	for (size_t i = 0; i < cbor_map_size(hc); i++) {
		int64_t label;
		if (!dcc_get_int(q[i].key, &label) && label == 1) {
			if (hcert) {
				vb_reason_set(why, "cwt", "CWT: hcert v1 (1) is repeated");
				goto out;
			}
			hcert = q[i].value;
		}
	}
	if (!hcert || !cbor_isa_map(hcert)) {
		vb_reason_set(why, "cwt", "CWT: the EU DCC v1 (-260/1) is %s",
			      hcert ? "not a map" : "missing");
		goto out;
	}
	if (dcc_upper(out->issuer, 2, 2))
		memcpy(out->record.issuer_country, out->issuer, 3);
	out->record.issued_at = out->issued_at;
	out->record.expires_at = out->expires_at;
	if (dcc_hcert(hcert, &out->record, type, why))
		goto out;
	rc = VB_OK;
out:
	cbor_decref(&claims);
	return rc;
}

/* ---- Verify ---- */

static int dcc_verify(const char *payload, const struct dcc_signer *s, int64_t now,
		      struct cert_verified *out)
{
	int rc = VB_OK;
	uint8_t *cose = NULL;
	size_t len = 0;
	int compressed = 1, type = 0;
	unsigned usage = DCC_TYPE_ALL;
	struct dcc_msg m = {0};
	struct vb_reason sig_why = {0};

	memset(out, 0, sizeof(*out));
	out->format = CERT_DCC;
	out->record.birth = VBDATE_NONE;
	out->record.next_dose = VBDATE_NONE;
	out->record.doses[0].date = VBDATE_NONE;

	rc = cert_dcc_unwrap(payload, &cose, &len, &compressed, &out->why);
	if (rc)
		goto out;
	rc = dcc_cose_parse(cose, len, &m, &out->why);
	if (rc)
		goto out;
	if (m.have_kid && m.kid_len <= 30)
		EVP_EncodeBlock((unsigned char *)out->kid, m.kid, (int)m.kid_len);
	int valid = dcc_check_signature(s, &m, &usage, &sig_why);
	if (valid < 0) {
		rc = VB_ENOMEM;
		goto out;
	}
	out->signature_valid = valid;
	rc = dcc_claims(m.payload, m.payload_len, out, &type, &out->why);
	if (rc)
		goto out;
	out->expired = out->expires_at < now;
	if (!valid)
		out->why = sig_why;
	else if (!(usage & (unsigned)type))
		vb_reason_set(&out->why, "key_usage",
			      "signer: its certificate may not sign a DCC of this type (%s)",
			      type == DCC_TYPE_V   ? "vaccination"
			      : type == DCC_TYPE_T ? "test"
						   : "recovery");
	else if (out->issued_at > now)
		vb_reason_set(&out->why, "not_yet_valid",
			      "CWT: issued after the verification time");
	else if (out->expired)
		vb_reason_set(&out->why, "expired", "CWT: expired before the verification time");
	else if (type != DCC_TYPE_V)
		vb_reason_set(&out->why, "not_vaccination",
			      "hcert: a %s certificate, not a vaccination",
			      type == DCC_TYPE_T ? "test" : "recovery");
	else if (!compressed) {
		out->why.code = NULL;
		snprintf(out->why.text, sizeof(out->why.text),
			 "note: the COSE message was not zlib-compressed (accepted, as the hcert "
			 "spec lets verifiers)");
	}
out:
	dcc_msg_cleanup(&m);
	free(cose);
	return rc;
}

int cert_dcc_verify(const char *payload, const struct trust *trust, int64_t now,
		    struct cert_verified *out)
{
	if (!payload || !trust || !out)
		return VB_EINVAL;
	struct dcc_signer s = {.trust = trust};
	return dcc_verify(payload, &s, now, out);
}

/* The DCC types a DSC's extended key usage allows (all when it names
 * none of them). */
static unsigned dcc_dsc_usage(X509 *x)
{
	static const char *const oids[][2] = {
	    {"1.3.6.1.4.1.1847.2021.1.1", "1.3.6.1.4.1.0.1847.2021.1.1"},
	    {"1.3.6.1.4.1.1847.2021.1.2", "1.3.6.1.4.1.0.1847.2021.1.2"},
	    {"1.3.6.1.4.1.1847.2021.1.3", "1.3.6.1.4.1.0.1847.2021.1.3"},
	};
	static const unsigned bits[] = {DCC_TYPE_T, DCC_TYPE_V, DCC_TYPE_R};
	unsigned mask = 0;
	EXTENDED_KEY_USAGE *eku = X509_get_ext_d2i(x, NID_ext_key_usage, NULL, NULL);
	if (!eku)
		return DCC_TYPE_ALL;
	for (int i = 0; i < sk_ASN1_OBJECT_num(eku); i++) {
		char txt[80];
		if (OBJ_obj2txt(txt, sizeof(txt), sk_ASN1_OBJECT_value(eku, i), 1) <= 0)
			continue;
		for (size_t k = 0; k < 3; k++)
			if (!strcmp(txt, oids[k][0]) || !strcmp(txt, oids[k][1]))
				mask |= bits[k];
	}
	EXTENDED_KEY_USAGE_free(eku);
	return mask ? mask : DCC_TYPE_ALL;
}

int cert_dcc_verify_dsc(const char *payload, const uint8_t *der, size_t len, int64_t now,
			struct cert_verified *out)
{
	int rc = VB_OK;
	struct dcc_signer s = {.dsc_usage = DCC_TYPE_ALL};
	X509 *x = NULL;

	if (!payload || !der || !out || len > LONG_MAX)
		return VB_EINVAL;
	const unsigned char *p = der;
	x = d2i_X509(NULL, &p, (long)len);
	if (x && p == der + len) {
		EVP_PKEY *pk = X509_get0_pubkey(x);
		if (pk && EVP_PKEY_get_base_id(pk) == EVP_PKEY_RSA && EVP_PKEY_up_ref(pk) == 1)
			s.dsc_rsa = pk;
		else if (cert_key_from_x509(der, len, &s.dsc_ec, NULL) != VB_OK)
			s.dsc_ec = NULL;
		s.dsc_usage = dcc_dsc_usage(x);
		cert_key_dcc_kid(der, len, s.dsc_kid);
	}
	/* an unreadable certificate trusts nothing: the kid cannot match */
	rc = dcc_verify(payload, &s, now, out);
	EVP_PKEY_free(s.dsc_rsa);
	cert_key_free(s.dsc_ec);
	X509_free(x);
	return rc;
}
