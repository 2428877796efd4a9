/*
 * certificate: capture, issue, the signer, the trust list and the receipt
 * of signed vaccination certificates (certificate.h).
 */
#include "certificate.h"

#include "catalog.h"
#include "drv_error.h"
#include "cert_shc.h"
#include "iddoc.h"
#include "person.h"
#include "pinyin.h"
#include "store.h"
#include "store_meta.h"
#include "store_person.h"
#include "store_visit.h"
#include "vbdate.h"

#include <errno.h>
#include <stdarg.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define HISTORY_CAP    64 /* doses of one person read (SCHEDULE_MAX_HISTORY) */
#define COVID19_SNOMED "840539006"

/* ---- formats ---- */

const char *certificate_format_name(enum cert_format f)
{
	return f == CERT_DCC ? "dcc" : f == CERT_SHC ? "shc" : NULL;
}

int certificate_format_parse(const char *name, enum cert_format *out)
{
	if (name && strcmp(name, "dcc") == 0)
		*out = CERT_DCC;
	else if (name && strcmp(name, "shc") == 0)
		*out = CERT_SHC;
	else
		return VB_EINVAL;
	return VB_OK;
}

/* ---- capture ---- */

/* The UVCI alphabet keeps A-Z and 0-9 of s, uppercased. */
static void uvci_part(const char *s, char *out, size_t cap)
{
	size_t o = 0;
	for (; *s && o + 1 < cap; s++) {
		char c = *s;
		if (c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		if ((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
			out[o++] = c;
	}
	out[o] = '\0';
}

/* https://vaxbus.invalid/ + the bus id, percent-encoded outside the URL's
 * unreserved characters. */
static void default_issuer_url(const char *bus, char *out, size_t cap)
{
	static const char hex[] = "0123456789ABCDEF";
	int n = snprintf(out, cap, "https://vaxbus.invalid/");
	size_t o = n > 0 && (size_t)n < cap ? (size_t)n : 0;
	for (const unsigned char *p = (const unsigned char *)bus; *p && o + 4 < cap; p++) {
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= '0' && *p <= '9') || *p == '-' || *p == '.' || *p == '_' || *p == '~') {
			out[o++] = (char)*p;
		} else {
			out[o++] = '%';
			out[o++] = hex[*p >> 4];
			out[o++] = hex[*p & 15];
		}
	}
	out[o] = '\0';
}

/* One year after t, on the same UTC time of day (28 Feb for 29 Feb). */
static int64_t one_year_after(int64_t t)
{
	int64_t day = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
	int64_t sec = t - day * 86400;
	return vbdate_to_unix(vbdate_add_months((int32_t)day, 12)) + sec;
}

static int copy_text(char *dst, size_t cap, const char *src)
{
	size_t n = strlen(src);
	if (n >= cap)
		return VB_ERANGE;
	memcpy(dst, src, n + 1);
	return VB_OK;
}

/* Where a dose was given, as the DDCC's centre and the SHC's performer. */
static void dose_place(struct store *st, const struct store_dose *d, struct ddcc_dose *out)
{
	char bus[STORE_META_IDENT_MAX + 1] = "", site[STORE_META_IDENT_MAX + 1] = "";
	if (strcmp(d->source, "bus") == 0 &&
	    store_cert_dose_place(st, d->id, bus, sizeof(bus), site, sizeof(site)) == VB_OK &&
	    bus[0]) {
		/* Ids of up to 55 bytes each fit whole (init allows 63). */
		snprintf(out->centre, sizeof(out->centre), "vaxbus %.55s %.55s", bus, site);
		snprintf(out->performer, sizeof(out->performer), "vaxbus %s", bus);
	} else if (strcmp(d->source, "platform") == 0) {
		snprintf(out->performer, sizeof(out->performer), "Immunization platform record");
	} else {
		snprintf(out->performer, sizeof(out->performer), "Earlier vaccination certificate");
	}
}

static int fill_dose(struct store *st, const struct catalog *cat, const struct store_dose *d,
		     size_t number, struct ddcc_dose *out, struct vb_reason *why)
{
	const struct catalog_product *p = catalog_find(cat, d->product);
	if (!p) {
		vb_reason_set(why, "unknown_product",
			      "dose %zu of the certificate is of a product the catalog lacks",
			      number);
		return VB_EINVAL;
	}
	memset(out, 0, sizeof(*out));
	copy_text(out->vaccine_code, sizeof(out->vaccine_code), p->dcc_vp[0] ? p->dcc_vp : p->atc);
	/* The EU DCC codes where the value sets have the product; else its
	 * names (an SHC carries neither; a DCC is refused in
	 * certificate_issue). */
	snprintf(out->brand, sizeof(out->brand), "%.*s", (int)sizeof(out->brand) - 1,
		 p->dcc_mp[0] ? p->dcc_mp : p->name.en);
	snprintf(out->holder, sizeof(out->holder), "%.*s", (int)sizeof(out->holder) - 1,
		 p->dcc_ma[0] ? p->dcc_ma : p->holder.en);
	copy_text(out->cvx, sizeof(out->cvx), p->cvx);
	copy_text(out->product_name, sizeof(out->product_name), p->name.en);
	copy_text(out->maker_name, sizeof(out->maker_name), p->maker.en);
	copy_text(out->lot, sizeof(out->lot), d->lot);
	out->date = d->given_on;
	out->dose_number = d->dose_number;
	out->series_doses = d->series_doses > 0 ? d->series_doses : p->n_doses;
	memcpy(out->country, "CN", 3);
	dose_place(st, d, out);
	return VB_OK;
}

int certificate_capture(struct store *st, const struct catalog *cat, const char *visit_id,
			const char *issuer_url, int64_t now, struct ddcc_record *out,
			struct certificate_source *src, struct vb_reason *why)
{
	struct store_visit v;
	struct store_dose d;
	struct store_dose *hist = NULL;
	struct person p;
	struct pinyin_name names;
	struct ddcc_record *r = NULL;
	const struct pinyin *py = NULL;
	char bus[STORE_META_IDENT_MAX + 1], part[STORE_META_IDENT_MAX + 1], dose_part[40];
	size_t n = 0, at = 0;
	int rc;

	person_init(&p);
	if ((rc = store_visit_get(st, visit_id, &v))) {
		if (rc == VB_ENOTFOUND)
			vb_reason_set(why, "no_visit", "no visit with that id");
		return rc;
	}
	if ((rc = store_dose_by_visit(st, v.id, &d))) {
		if (rc == VB_ENOTFOUND)
			vb_reason_set(why, "no_dose",
				      "the visit has no dose: a certificate follows a vaccination");
		return rc;
	}
	rc = store_meta_get(st, "bus_id", bus, sizeof(bus));
	if (rc == VB_ENOTFOUND) {
		vb_reason_set(why, "no_identity", "the database has no bus id (vaxbusctl init)");
		return VB_EINVAL;
	}
	if (rc || (rc = pinyin_default(&py, why)))
		return rc;
	r = calloc(1, sizeof(*r));
	hist = calloc(HISTORY_CAP, sizeof(*hist));
	if (!r || !hist) {
		rc = VB_ENOMEM;
		goto out;
	}
	if ((rc = store_person_get(st, d.person_id, &p)) ||
	    (rc = store_dose_list_person(st, d.person_id, hist, HISTORY_CAP, &n)))
		goto out;

	/* The person. */
	if ((rc = pinyin_name(py, p.name, &names, why)))
		goto out;
	copy_text(r->family, sizeof(r->family), names.family);
	copy_text(r->given, sizeof(r->given), names.given);
	copy_text(r->family_icao, sizeof(r->family_icao), names.family_icao);
	copy_text(r->given_icao, sizeof(r->given_icao), names.given_icao);
	iddoc_wipe(&names, sizeof(names));
	r->birth = p.birth;
	if ((rc = iddoc_mask(&p.doc, r->identifier, sizeof(r->identifier))))
		goto out;

	/* The doses up to and including this one, the last DDCC_MAX_DOSES. */
	while (at < n && strcmp(hist[at].id, d.id) != 0)
		at++;
	if (at == n) {
		rc = VB_ECORRUPT; /* the visit's dose is not among the person's */
		goto out;
	}
	size_t first = at + 1 > DDCC_MAX_DOSES ? at + 1 - DDCC_MAX_DOSES : 0;
	for (size_t i = first; i <= at; i++)
		if ((rc =
			 fill_dose(st, cat, &hist[i], i - first + 1, &r->doses[r->n_doses++], why)))
			goto out;
	copy_text(r->disease, sizeof(r->disease), COVID19_SNOMED);
	const struct catalog_product *prod = catalog_find(cat, d.product);
	r->next_dose = VBDATE_NONE;
	if (prod && d.dose_number >= 1 && d.dose_number < prod->n_doses)
		r->next_dose = d.given_on + prod->doses[d.dose_number].min_days_after_previous;

	/* The certificate. */
	uvci_part(bus, part, sizeof(part));
	uvci_part(d.id, dose_part, sizeof(dose_part));
	int len = snprintf(r->certificate_id, sizeof(r->certificate_id), "URN:UVCI:01:CN:%s/%s",
			   part, dose_part);
	if (len < 0 || len > 80 || !part[0]) {
		vb_reason_set(
		    why, "uvci_too_long",
		    "the bus id makes the certificate id (UVCI) longer than 80 characters "
		    "or has no letter or digit");
		rc = VB_EINVAL;
		goto out;
	}
	snprintf(r->issuer, sizeof(r->issuer), "vaxbus %s", bus);
	memcpy(r->issuer_country, "CN", 3);
	if (issuer_url && *issuer_url)
		rc = copy_text(r->issuer_url, sizeof(r->issuer_url), issuer_url);
	else
		default_issuer_url(bus, r->issuer_url, sizeof(r->issuer_url));
	if (rc) {
		vb_reason_set(why, "bad_issuer_url", "the issuer URL is too long");
		rc = VB_EINVAL;
		goto out;
	}
	r->issued_at = now;
	r->expires_at = one_year_after(now);
	memcpy(out, r, sizeof(*r));
	memcpy(src->visit_id, v.id, sizeof(src->visit_id));
	memcpy(src->dose_id, d.id, sizeof(src->dose_id));
	memcpy(src->person_id, d.person_id, sizeof(src->person_id));
	copy_text(src->product, sizeof(src->product), d.product);
out:
	person_wipe(&p);
	if (r)
		iddoc_wipe(r, sizeof(*r));
	free(r);
	free(hist);
	return rc;
}

/* ---- the signer ---- */

int certificate_key_path(struct store *st, const char *db_path, const char *key_path, char *out,
			 size_t cap)
{
	char meta[STORE_META_VALUE_MAX + 1];
	int rc;
	if (key_path && *key_path)
		return copy_text(out, cap, key_path);
	rc = store_meta_get(st, "cert_key_path", meta, sizeof(meta));
	if (rc == VB_OK)
		return copy_text(out, cap, meta);
	if (rc != VB_ENOTFOUND)
		return rc;
	const char *slash = strrchr(db_path, '/');
	int n = slash ? snprintf(out, cap, "%.*s/%s", (int)(slash - db_path), db_path,
				 CERTIFICATE_KEY_FILE)
		      : snprintf(out, cap, "%s", CERTIFICATE_KEY_FILE);
	return n < 0 || (size_t)n >= cap ? VB_ERANGE : VB_OK;
}

void certificate_signer_close(struct certificate_signer *s)
{
	if (!s)
		return;
	cert_key_free(s->key);
	free(s->der);
	memset(s, 0, sizeof(*s));
}

/* Fills the signer's derived fields from its key and certificate. */
static int signer_finish(struct certificate_signer *s)
{
	cert_key_dcc_kid(s->der, s->der_len, s->signer.dcc_kid);
	s->signer.key = s->key;
	return cert_key_thumbprint(s->key, s->kid) ? VB_EIO : VB_OK;
}

int certificate_signer_open(struct store *st, const char *key_path, struct certificate_signer *out,
			    struct vb_reason *why)
{
	struct certificate_signer s = {0};
	struct store_trust_key own;
	struct cert_key *pub = NULL;
	uint8_t x1[32], y1[32], x2[32], y2[32];
	int rc = cert_key_load(key_path, &s.key, why);
	if (rc == VB_ENOTFOUND) {
		vb_reason_set(why, "no_key",
			      "there is no signing key at %s: run vaxbusctl keys init", key_path);
		return rc;
	}
	if (rc) {
		if (why && !why->code)
			vb_reason_set(why, "key_file", "the signing key at %s cannot be read",
				      key_path);
		return rc;
	}
	rc = store_trust_latest(st, "own", &own, &s.der);
	if (rc == VB_ENOTFOUND) {
		vb_reason_set(why, "no_key",
			      "no signer certificate is stored: run vaxbusctl keys init");
		goto out;
	}
	if (rc)
		goto out;
	s.der_len = own.n_data;
	copy_text(s.issuer_url, sizeof(s.issuer_url), own.iss);
	if (cert_key_from_x509(s.der, s.der_len, &pub, NULL) || cert_key_xy(s.key, x1, y1) ||
	    cert_key_xy(pub, x2, y2) || memcmp(x1, x2, 32) != 0 || memcmp(y1, y2, 32) != 0) {
		vb_reason_set(why, "signer_mismatch",
			      "the key at %s is not the key of the stored signer certificate: run "
			      "vaxbusctl keys init --force",
			      key_path);
		rc = VB_EINVAL;
		goto out;
	}
	rc = signer_finish(&s);
out:
	cert_key_free(pub);
	if (rc) {
		certificate_signer_close(&s);
		return rc;
	}
	*out = s;
	return VB_OK;
}

int certificate_keys_init(struct store *st, const char *key_path, const char *issuer_url, int force,
			  int64_t now, struct certificate_signer *out, struct vb_reason *why)
{
	struct certificate_signer s = {0};
	char bus[STORE_META_IDENT_MAX + 1], url[STORE_TRUST_ISS_MAX], cn[80], tmp[1100], abs[1100];
	int rc = store_meta_get(st, "bus_id", bus, sizeof(bus)), tmp_made = 0;
	if (rc == VB_ENOTFOUND) {
		vb_reason_set(why, "no_identity", "the database has no bus id (vaxbusctl init)");
		return VB_EINVAL;
	}
	if (rc)
		return rc;
	if (issuer_url && *issuer_url) {
		if (copy_text(url, sizeof(url), issuer_url) || ddcc_check_url(url, why)) {
			if (why)
				why->code = "bad_issuer_url";
			return VB_EINVAL;
		}
	} else {
		default_issuer_url(bus, url, sizeof(url));
	}
	if (key_path[0] == '/') {
		rc = copy_text(abs, sizeof(abs), key_path);
	} else {
		char cwd[800];
		int n = getcwd(cwd, sizeof(cwd))
			    ? snprintf(abs, sizeof(abs), "%s/%s", cwd, key_path)
			    : -1;
		rc = n < 0 || (size_t)n >= sizeof(abs) ? VB_ERANGE : VB_OK;
	}
	if (rc || snprintf(tmp, sizeof(tmp), "%s.new", abs) >= (int)sizeof(tmp) ||
	    strlen(abs) > STORE_META_VALUE_MAX) {
		vb_reason_set(why, "key_path", "the key path is too long");
		return VB_EINVAL;
	}
	if (!force && access(abs, F_OK) == 0) {
		vb_reason_set(why, "key_exists",
			      "a signing key exists at %s: keys init --force makes a new one", abs);
		return VB_EEXIST;
	}
	snprintf(cn, sizeof(cn), "vaxbus %.57s", bus); /* RFC 5280: CN <= 64 */
	unlink(tmp);				       /* a leftover of an interrupted run */
	if ((rc = cert_key_generate(&s.key)) || (rc = cert_key_save(s.key, tmp)))
		goto out;
	tmp_made = 1;
	if ((rc =
		 cert_key_x509(s.key, "CN", cn, now, now + (int64_t)CERTIFICATE_SIGNER_DAYS * 86400,
			       &s.der, &s.der_len)))
		goto out;
	if ((rc = store_begin(st)))
		goto out;
	rc = store_trust_add(st, "own", url, s.der, s.der_len, CERTIFICATE_ACTOR, now, NULL);
	if (!rc)
		rc = store_meta_set(st, "cert_key_path", abs);
	if (!rc && rename(tmp, abs) != 0) {
		vb_reason_set(why, "key_file", "the key file %s cannot be written: %s", abs,
			      strerror(errno));
		rc = VB_EIO;
	}
	if (!rc) {
		tmp_made = 0;
		rc = store_commit(st);
	} else {
		store_rollback(st);
	}
	if (!rc) {
		copy_text(s.issuer_url, sizeof(s.issuer_url), url);
		rc = signer_finish(&s);
	}
out:
	if (tmp_made)
		unlink(tmp);
	if (rc) {
		if (why && !why->code)
			vb_reason_set(why, "key_file", "the signing key cannot be made: %s",
				      vb_strerror(rc));
		certificate_signer_close(&s);
		return rc;
	}
	*out = s;
	return VB_OK;
}

/* ---- trust ---- */

struct trust_ctx {
	struct trust *t;
	struct vb_reason *why;
};

static int trust_row(void *ctx, const struct store_trust_key *k)
{
	struct trust_ctx *c = ctx;
	int rc = VB_OK;
	if (strcmp(k->kind, "own") == 0) {
		struct cert_key *key = NULL;
		uint8_t kid[8];
		cert_key_dcc_kid(k->data, k->n_data, kid);
		rc = cert_key_from_x509(k->data, k->n_data, &key, c->why);
		if (!rc)
			rc = trust_add_key(c->t, key, k->iss, kid);
		cert_key_free(key);
	} else if (strcmp(k->kind, "x509") == 0) {
		rc = trust_add_dcc(c->t, k->data, k->n_data, NULL, c->why);
	} else {
		char *text = malloc(k->n_data + 1);
		size_t added = 0;
		if (!text)
			return VB_ENOMEM;
		memcpy(text, k->data, k->n_data);
		text[k->n_data] = '\0';
		rc = trust_add_jwks(c->t, k->iss, text, &added, c->why);
		free(text);
	}
	if (rc && rc != VB_ENOMEM) {
		vb_reason_set(c->why, "trust_row", "the trusted %s document %s no longer loads",
			      k->kind, k->id);
		rc = VB_ECORRUPT;
	}
	return rc;
}

int certificate_trust(struct store *st, struct trust **out, struct vb_reason *why)
{
	struct trust_ctx c = {NULL, why};
	int rc = trust_new(&c.t);
	if (rc)
		return rc;
	rc = store_trust_each(st, NULL, trust_row, &c);
	if (rc) {
		trust_free(c.t);
		return rc;
	}
	*out = c.t;
	return VB_OK;
}

/* ---- issue ---- */

/* The 8-byte DCC kid in standard base64 (as cert_verify reports it). */
static void dcc_kid_b64(const uint8_t kid[8], char out[CERT_KID_B64_MAX])
{
	EVP_EncodeBlock((unsigned char *)out, kid, 8);
}

int certificate_issue(struct store *st, const struct catalog *cat, const char *visit_id,
		      enum cert_format f, const struct certificate_signer *signer, int64_t now,
		      struct store_cert *out, int *reissued, struct ddcc_record *record,
		      struct certificate_source *src_out, struct vb_reason *why)
{
	const struct pinyin *py = NULL;
	struct ddcc_record *r = calloc(1, sizeof(*r));
	struct store_cert *c = calloc(1, sizeof(*c));
	struct certificate_source src;
	char *payload = NULL;
	int rc = r && c ? VB_OK : VB_ENOMEM, again = 0;
	const char *fname = certificate_format_name(f);
	if (!rc && !fname) {
		vb_reason_set(why, "bad_format", "the format is not dcc or shc");
		rc = VB_EINVAL;
	}
	/* The readings load outside the write transaction. */
	if (!rc)
		rc = pinyin_default(&py, why);
	if (!rc)
		rc = store_begin(st);
	if (rc)
		goto out;
	rc = certificate_capture(st, cat, visit_id, signer->issuer_url, now, r, &src, why);
	if (!rc && f == CERT_DCC) {
		const struct catalog_product *p = catalog_find(cat, src.product);
		if (!p || !p->dcc_vp[0] || !p->dcc_mp[0] || !p->dcc_ma[0]) {
			vb_reason_set(
			    why, "no_dcc_code",
			    "the EU DCC value sets have no code for the product %s: issue a "
			    "SMART Health Card (--format shc)",
			    src.product);
			rc = VB_EINVAL;
		}
	}
	if (!rc) {
		rc = store_cert_get_dose(st, src.dose_id, fname, c);
		if (rc == VB_OK) {
			again = 1;
			r->issued_at = c->issued_at;
			r->expires_at = c->expires_at;
		} else if (rc == VB_ENOTFOUND) {
			rc = cert_issue(r, f, &signer->signer, &payload, why);
		}
	}
	if (!rc && !again) {
		if (strlen(payload) > STORE_CERT_PAYLOAD_MAX) {
			vb_reason_set(why, "too_long", "the payload is longer than %d bytes",
				      STORE_CERT_PAYLOAD_MAX);
			rc = VB_EINVAL;
		} else {
			memcpy(c->visit_id, src.visit_id, sizeof(c->visit_id));
			memcpy(c->dose_id, src.dose_id, sizeof(c->dose_id));
			memcpy(c->person_id, src.person_id, sizeof(c->person_id));
			memcpy(c->format, fname, 4);
			memcpy(c->payload, payload, strlen(payload) + 1);
			if (f == CERT_SHC)
				memcpy(c->kid, signer->kid, sizeof(c->kid));
			else
				dcc_kid_b64(signer->signer.dcc_kid, c->kid);
			copy_text(c->certificate_id, sizeof(c->certificate_id),
				  f == CERT_DCC ? r->certificate_id : "");
			c->issued_at = r->issued_at;
			c->expires_at = r->expires_at;
			rc = store_cert_add(st, c, CERTIFICATE_ACTOR, now);
		}
	}
	if (!rc && !again)
		rc = store_commit(st);
	else
		store_rollback(st);
	if (!rc) {
		memcpy(out, c, sizeof(*c));
		*reissued = again;
		if (record)
			memcpy(record, r, sizeof(*r));
		if (src_out)
			*src_out = src;
	}
out:
	if (payload) {
		iddoc_wipe(payload, strlen(payload));
		free(payload);
	}
	if (r)
		iddoc_wipe(r, sizeof(*r));
	free(r);
	free(c);
	return rc;
}

/* ---- render ---- */

int certificate_qr(const char *payload, QRecLevel level, QRcode **out)
{
	if (!payload || !*payload)
		return VB_EINVAL;
	if (strncmp(payload, CERT_SHC_PREFIX, strlen(CERT_SHC_PREFIX)) == 0)
		return cert_shc_qr(payload, out);
	int rc = printer_qr_encode((const uint8_t *)payload, strlen(payload), level, out);
	return rc == DRV_OK ? VB_OK : rc == DRV_ENOMEM ? VB_ENOMEM : VB_EINVAL;
}

static int render_fail(char *err, size_t cap, int rc, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int render_fail(char *err, size_t cap, int rc, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, cap, fmt, ap);
	va_end(ap);
	return rc;
}

/* The display form of an ICAO name: '<' as spaces. */
static void icao_display(const char *family, const char *given, char *out, size_t cap)
{
	snprintf(out, cap, "%s%s%s", family, *given ? " " : "", given);
	for (char *p = out; *p; p++)
		if (*p == '<')
			*p = ' ';
}

/* Finds the line "qr LEVEL DOTS {payload}": its start and end (past the
 * newline) in tmpl, and the two words. */
static int find_qr_line(const char *tmpl, size_t *start, size_t *end, char level[16], char dots[16])
{
	for (const char *p = tmpl; *p;) {
		size_t len = strcspn(p, "\n");
		char line[128];
		if (len < sizeof(line) && strncmp(p, "qr ", 3) == 0) {
			memcpy(line, p, len);
			line[len] = '\0';
			if (len && line[len - 1] == '\r')
				line[len - 1] = '\0';
			char rest[32];
			if (sscanf(line, "qr %15s %15s %31s", level, dots, rest) == 3 &&
			    strcmp(rest, "{payload}") == 0) {
				*start = (size_t)(p - tmpl);
				*end = *start + len + (p[len] == '\n');
				return VB_OK;
			}
		}
		p += len + (p[len] == '\n');
	}
	return VB_ENOTFOUND;
}

int certificate_render(const char *tmpl_path, const struct ddcc_record *r,
		       const struct catalog_product *prod, const char *payload,
		       const struct receipt_font *font, int width, struct printer_page **out,
		       struct printer_qr_info *qr_info, char *err, size_t errcap)
{
	char *tmpl = NULL, level_w[16], dots_w[16];
	struct printer_page *page = NULL, *tail = NULL;
	QRcode *qr = NULL;
	size_t start = 0, end = 0;
	int rc;
	if (!r->n_doses)
		return render_fail(err, errcap, VB_EINVAL, "the record has no dose");
	const struct ddcc_dose *d = &r->doses[r->n_doses - 1];
	char name[2 * DDCC_TEXT + 2], icao[2 * DDCC_TEXT + 2], birth[11], date[11], expires[11],
	    dose_zh[64], dose_en[64], qr_dots[4];
	int latin = (unsigned char)r->family[0] < 0x80;
	snprintf(name, sizeof(name), "%s%s%s", r->family, latin && r->given[0] ? " " : "",
		 r->given);
	icao_display(r->family_icao, r->given_icao, icao, sizeof(icao));
	vbdate_format(r->birth, birth);
	vbdate_format(d->date, date);
	vbdate_format(vbdate_from_unix(r->expires_at, 0), expires);
	snprintf(dose_zh, sizeof(dose_zh), "第 %d 剂，共 %d 剂", d->dose_number, d->series_doses);
	snprintf(dose_en, sizeof(dose_en), "dose %d of %d", d->dose_number, d->series_doses);
	snprintf(qr_dots, sizeof(qr_dots), "%d", width >= PRINTER_DOTS_80MM ? 4 : 3);
	int shc = strncmp(payload, CERT_SHC_PREFIX, strlen(CERT_SHC_PREFIX)) == 0;
	const struct receipt_var vars[] = {
	    {"format", shc ? "SMART Health Card" : "EU Digital COVID Certificate"},
	    {"issuer", r->issuer},
	    {"site", d->centre[0] ? d->centre : d->performer},
	    {"name", name},
	    {"name_icao", icao},
	    {"doc", r->identifier},
	    {"birth", birth},
	    {"vaccine_zh", prod ? prod->name.zh : d->product_name},
	    {"vaccine_en", prod ? prod->name.en : d->product_name},
	    {"maker_zh", prod ? prod->maker.zh : d->maker_name},
	    {"maker_en", prod ? prod->maker.en : d->maker_name},
	    {"lot", d->lot[0] ? d->lot : "-"},
	    {"dose_zh", dose_zh},
	    {"dose_en", dose_en},
	    {"date", date},
	    {"expires", expires},
	    {"cert_id", shc ? "" : r->certificate_id},
	    {"qr_level", "Q"},
	    {"qr_dots", qr_dots},
	};
	const size_t n_vars = sizeof(vars) / sizeof(vars[0]);
	if ((rc = receipt_load(tmpl_path, &tmpl, err, errcap)))
		return rc;
	if (find_qr_line(tmpl, &start, &end, level_w, dots_w)) {
		rc = render_fail(err, errcap, VB_EINVAL,
				 "%s has no line \"qr LEVEL DOTS {payload}\"", tmpl_path);
		goto out;
	}
	/* The QR line's words, literal or placeholders. */
	for (size_t i = 0; i < n_vars; i++) {
		char ph[40];
		snprintf(ph, sizeof(ph), "{%s}", vars[i].name);
		if (strcmp(level_w, ph) == 0)
			snprintf(level_w, sizeof(level_w), "%s", vars[i].value);
		if (strcmp(dots_w, ph) == 0)
			snprintf(dots_w, sizeof(dots_w), "%s", vars[i].value);
	}
	int dots = atoi(dots_w);
	QRecLevel level = level_w[0] == 'L'   ? QR_ECLEVEL_L
			  : level_w[0] == 'M' ? QR_ECLEVEL_M
			  : level_w[0] == 'Q' ? QR_ECLEVEL_Q
					      : QR_ECLEVEL_H;
	if (strlen(level_w) != 1 || !strchr("LMQH", level_w[0]) || dots < 1 || dots > 16) {
		rc = render_fail(err, errcap, VB_EINVAL, "want: qr L|M|Q|H DOTS(1-16) {payload}");
		goto out;
	}
	/* Head, the symbol, then the tail laid out on its own page. */
	char saved = tmpl[start];
	tmpl[start] = '\0';
	rc = receipt_render(tmpl, vars, n_vars, font, width, &page, NULL, err, errcap);
	tmpl[start] = saved;
	if (rc)
		goto out;
	if ((rc = certificate_qr(payload, level, &qr))) {
		rc = render_fail(err, errcap, rc, "the payload does not fit one QR code");
		goto out;
	}
	int side = printer_qr_side(qr, dots), y = printer_page_height(page);
	int x = (width - side) / 2;
	if (side > width || printer_qr_draw(page, qr, x, y, dots)) {
		rc = render_fail(err, errcap, VB_EINVAL,
				 "a QR of version %d at %d dots per module is wider than the paper",
				 qr->version, dots);
		goto out;
	}
	if ((rc = receipt_render(tmpl + end, vars, n_vars, font, width, &tail, NULL, err, errcap)))
		goto out;
	if (printer_page_height(tail) > 0 &&
	    printer_page_blit(page, 0, y + side, printer_page_bits(tail), printer_page_width(tail),
			      printer_page_height(tail), printer_page_stride(tail))) {
		rc = render_fail(err, errcap, VB_ENOMEM, "the receipt is too long");
		goto out;
	}
	if (qr_info) {
		qr_info->version = qr->version;
		qr_info->modules = qr->width;
		qr_info->side = side;
		qr_info->x = x;
		qr_info->y = y;
	}
out:
	QRcode_free(qr);
	printer_page_free(tail);
	free(tmpl);
	if (rc) {
		printer_page_free(page);
		return rc;
	}
	*out = page;
	return VB_OK;
}
