/*
 * ctl_cert: signed vaccination certificates from the command line —
 * `keys init`, `keys export`, `trust import`, `cert issue`, `cert verify`,
 * `cert render` and `cert print` (certificate.h does the work).
 *
 * The signing key is a file (0600) next to the database unless --key
 * says otherwise; it is never printed. What `keys export` writes is
 * public: the JWKS (every key the bus has signed with, newest first, kid =
 * RFC 7638 thumbprint, use sig, alg ES256) that SMART Health Card
 * verifiers import for the bus's issuer URL, and the self-signed signer
 * certificate (PEM) that EU DCC verifiers import. Exit codes as every
 * command: `cert verify` exits 0 only for a valid certificate and 1 with
 * the exact reason otherwise.
 */
#include "ctl.h"
#include "ctl_cmds.h"

#include "b64url.h"
#include "catalog.h"
#include "drv_error.h"
#include "fontfind.h"
#include "iddoc.h"
#include "certificate.h"
#include "config.h"
#include "devices.h"
#include "pdf.h"
#include "printq.h"
#include "store.h"
#include "store_cert.h"
#include "vbdate.h"
#include "wallclock.h"

#include <SDL.h>
#include <SDL_image.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define TEMPLATE    VB_ASSETS_DIR "/receipts/certificate.txt"
#define READ_MAX    (64 * 1024)
#define PDF_DOTS    PRINTER_DOTS_80MM /* the page laid out for A4 */
#define DOTS_PER_MM 8

/* Takes the first argument that is neither an option nor an option's
 * value out of argv (shifting the rest down) into *value; NULL if none. */
static void take_positional(int *argc, char **argv, const struct ctl_opt *opts, const char **value)
{
	*value = NULL;
	for (int i = 1; i < *argc; i++) {
		const char *a = argv[i];
		if (strncmp(a, "--", 2) == 0) {
			if (strchr(a, '='))
				continue;
			for (const struct ctl_opt *o = opts; o->name; o++)
				if (strcmp(o->name, a) == 0 && o->arg)
					i++;
			continue;
		}
		*value = a;
		for (int j = i; j + 1 < *argc; j++)
			argv[j] = argv[j + 1];
		(*argc)--;
		return;
	}
}

/* Reads a whole file (at most READ_MAX bytes) into a malloc'd,
 * NUL-terminated buffer. VB_OK, VB_ENOTFOUND, VB_ERANGE or VB_EIO. */
static int read_file(const char *path, uint8_t **out, size_t *len)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	if (!f)
		return VB_ENOTFOUND;
	uint8_t *buf = malloc(READ_MAX + 2);
	size_t n = buf ? fread(buf, 1, READ_MAX + 1, f) : 0;
	int rc = !buf ? VB_ENOMEM : ferror(f) ? VB_EIO : n > READ_MAX ? VB_ERANGE : VB_OK;
	if (f != stdin)
		fclose(f);
	if (rc) {
		free(buf);
		return rc;
	}
	buf[n] = '\0';
	*out = buf;
	*len = n;
	return VB_OK;
}

/* Writes text to path (0644), or to stdout when path is NULL. */
static int write_out(const char *path, const char *text, size_t len)
{
	FILE *f = path ? fopen(path, "wb") : stdout;
	if (!f)
		return VB_EIO;
	size_t n = fwrite(text, 1, len, f);
	int rc = n == len ? VB_OK : VB_EIO;
	if (path && fclose(f) != 0)
		rc = VB_EIO;
	return rc;
}

static json_t *iso_time(const struct ctl *c, int64_t t)
{
	char s[26];
	if (!t)
		return json_null();
	wallclock_format(t, c->utc_offset_min, s);
	return json_string(s);
}

static json_t *iso_date(int32_t d)
{
	char s[11];
	if (d == VBDATE_NONE)
		return json_null();
	vbdate_format(d, s);
	return json_string(s);
}

static int signer_refuse(struct ctl *c, int vb, const struct vb_reason *why)
{
	if (why->code)
		return ctl_refuse(c, "--key", why);
	return ctl_storage(c, vb);
}

/* The common start of the commands that need the bus's key. */
static int open_signer(struct ctl *c, const char *key_opt, struct certificate_signer *s)
{
	char path[1100];
	struct vb_reason why = {0};
	int vb = certificate_key_path(c->st, c->db_path, key_opt, path, sizeof(path));
	if (vb)
		return ctl_storage(c, vb);
	vb = certificate_signer_open(c->st, path, s, &why);
	return vb ? signer_refuse(c, vb, &why) : CTL_OK;
}

/* ---- keys ---- */

int ctl_cmd_keys_init(struct ctl *c, int argc, char **argv)
{
	struct ctl_opt opts[] = {
	    {"--key", "PATH", "where the key goes (default: signing-key.pem beside the database)",
	     0, NULL},
	    {"--iss", "URL",
	     "the SMART Health Card issuer URL (default https://vaxbus.invalid/BUS)", 0, NULL},
	    {"--force", NULL, "replace an existing key (earlier keys stay trusted)", 0, NULL},
	    {NULL, NULL, NULL, 0, NULL},
	};
	int rc = ctl_parse(c, argc, argv, opts,
			   "Makes the bus's certificate signing key (EC P-256, a file of mode\n"
			   "0600, never printed) and its self-signed signer certificate.");
	if (rc || (rc = ctl_store(c, 0)))
		return rc;
	char path[1100];
	struct certificate_signer s = {0};
	struct vb_reason why = {0};
	int vb =
	    certificate_key_path(c->st, c->db_path, ctl_opt(opts, "--key"), path, sizeof(path));
	if (!vb && !ctl_opt(opts, "--key")) {
		/* keys init without --key: beside the database, not where an
		 * earlier --key put it. */
		const char *slash = strrchr(c->db_path, '/');
		int n = slash ? snprintf(path, sizeof(path), "%.*s/%s", (int)(slash - c->db_path),
					 c->db_path, CERTIFICATE_KEY_FILE)
			      : snprintf(path, sizeof(path), "%s", CERTIFICATE_KEY_FILE);
		vb = n < 0 || (size_t)n >= sizeof(path) ? VB_ERANGE : VB_OK;
	}
	if (vb)
		return ctl_storage(c, vb);
	vb = certificate_keys_init(c->st, path, ctl_opt(opts, "--iss"),
				   ctl_opt(opts, "--force") != NULL, c->now, &s, &why);
	if (vb) {
		if (why.code)
			return ctl_refuse(
			    c, strcmp(why.code, "bad_issuer_url") == 0 ? "--iss" : "--key", &why);
		return ctl_storage(c, vb);
	}
	char dcc_kid[16];
	EVP_EncodeBlock((unsigned char *)dcc_kid, s.signer.dcc_kid, 8);
	json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:o}", "key", path, "kid", s.kid, "dcc_kid",
			      dcc_kid, "issuer_url", s.issuer_url, "signer_not_after",
			      iso_time(c, c->now + (int64_t)CERTIFICATE_SIGNER_DAYS * 86400));
	certificate_signer_close(&s);
	return ctl_emit(c, o, NULL);
}

struct jwks_ctx {
	json_t *keys;
	int failed;
};

static int jwk_of_own(void *ctx, const struct store_trust_key *k)
{
	struct jwks_ctx *j = ctx;
	struct cert_key *key = NULL;
	uint8_t x[32], y[32];
	char kid[CERT_KID_B64_MAX], xs[48], ys[48];
	if (cert_key_from_x509(k->data, k->n_data, &key, NULL) || cert_key_xy(key, x, y) ||
	    cert_key_thumbprint(key, kid) || b64url_encode(x, 32, xs, sizeof(xs)) ||
	    b64url_encode(y, 32, ys, sizeof(ys))) {
		cert_key_free(key);
		j->failed = 1;
		return VB_ECORRUPT;
	}
	cert_key_free(key);
	/* Newest first: the current key leads. */
	json_array_insert_new(j->keys, 0,
			      json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "kty", "EC", "kid",
					kid, "use", "sig", "alg", "ES256", "crv", "P-256", "x", xs,
					"y", ys));
	return 0;
}

int ctl_cmd_keys_export(struct ctl *c, int argc, char **argv)
{
	struct ctl_opt opts[] = {
	    {"--jwk", NULL, "the public keys as a JWKS (for SMART Health Card verifiers)", 0, NULL},
	    {"--x509", NULL, "the signer certificate as PEM (for EU DCC verifiers)", 0, NULL},
	    {"--out", "FILE", "write to FILE instead of standard output", 0, NULL},
	    {NULL, NULL, NULL, 0, NULL},
	};
	int rc = ctl_parse(c, argc, argv, opts,
			   "Exports the bus's public signing keys: never the private key.");
	if (rc)
		return rc;
	int jwk = ctl_opt(opts, "--jwk") != NULL, x509 = ctl_opt(opts, "--x509") != NULL;
	if (jwk == x509)
		return ctl_usage(c, "give exactly one of --jwk and --x509");
	if ((rc = ctl_store(c, 0)))
		return rc;
	const char *out = ctl_opt(opts, "--out");
	char *text = NULL;
	size_t n_keys = 0;
	int vb;
	if (jwk) {
		struct jwks_ctx j = {json_array(), 0};
		vb = store_trust_each(c->st, "own", jwk_of_own, &j);
		n_keys = json_array_size(j.keys);
		json_t *doc = json_pack("{s:o}", "keys", j.keys);
		text = json_dumps(doc, JSON_INDENT(2));
		json_decref(doc);
		if (j.failed) {
			free(text);
			return ctl_refusef(c, NULL, "trust_row",
					   "a stored signer certificate is corrupt");
		}
	} else {
		struct store_trust_key k;
		uint8_t *der = NULL;
		vb = store_trust_latest(c->st, "own", &k, &der);
		if (!vb) {
			size_t lines = (k.n_data + 47) / 48;
			text = malloc(lines * 65 + 64);
			if (text) {
				size_t o = (size_t)sprintf(text, "-----BEGIN CERTIFICATE-----\n");
				for (size_t i = 0; i < k.n_data; i += 48) {
					size_t m = k.n_data - i < 48 ? k.n_data - i : 48;
					o += (size_t)EVP_EncodeBlock((unsigned char *)text + o,
								     der + i, (int)m);
					text[o++] = '\n';
				}
				sprintf(text + o, "-----END CERTIFICATE-----\n");
			}
			n_keys = 1;
			free(der);
		}
	}
	if (vb == VB_ENOTFOUND || (!vb && !n_keys)) {
		free(text);
		return ctl_refusef(c, NULL, "no_key",
				   "the bus has no signing key: run vaxbusctl keys init");
	}
	if (vb || !text) {
		free(text);
		return ctl_storage(c, vb ? vb : VB_ENOMEM);
	}
	if (!out) {
		rc = write_out(NULL, text, strlen(text));
		if (jwk && !rc)
			rc = write_out(NULL, "\n", 1);
		free(text);
		return rc ? ctl_storage(c, rc) : CTL_OK;
	}
	vb = write_out(out, text, strlen(text));
	free(text);
	if (vb)
		return ctl_refusef(c, "--out", "cannot_write", "the file cannot be written");
	return ctl_emit(c,
			json_pack("{s:s, s:s, s:I}", "file", out, "format",
				  jwk ? "jwks" : "x509-pem", "keys", (json_int_t)n_keys),
			NULL);
}

/* ---- trust ---- */

/* The DER of a PEM or DER certificate in data; *der malloc'd. */
static int certificate_der(const uint8_t *data, size_t len, uint8_t **der, size_t *der_len)
{
	if (strstr((const char *)data, "-----BEGIN CERTIFICATE-----")) {
		BIO *bio = BIO_new_mem_buf(data, (int)len);
		X509 *x = bio ? PEM_read_bio_X509(bio, NULL, NULL, NULL) : NULL;
		unsigned char *buf = NULL;
		int n = x ? i2d_X509(x, &buf) : -1;
		X509_free(x);
		BIO_free(bio);
		if (n <= 0)
			return VB_EINVAL;
		*der = malloc((size_t)n);
		if (*der)
			memcpy(*der, buf, (size_t)n);
		OPENSSL_free(buf);
		*der_len = (size_t)n;
		return *der ? VB_OK : VB_ENOMEM;
	}
	if (len < 2 || data[0] != 0x30)
		return VB_EINVAL;
	*der = malloc(len);
	if (!*der)
		return VB_ENOMEM;
	memcpy(*der, data, len);
	*der_len = len;
	return VB_OK;
}

int ctl_cmd_trust_import(struct ctl *c, int argc, char **argv)
{
	struct ctl_opt opts[] = {
	    {"--iss", "URL", "the issuer URL of a JWKS (SMART Health Cards)", 0, NULL},
	    {NULL, NULL, NULL, 0, NULL},
	};
	const char *file = NULL;
	take_positional(&argc, argv, opts, &file);
	int rc = ctl_parse(c, argc, argv, opts,
			   "vaxbusctl trust import FILE [--iss URL]\n\n"
			   "Trusts another issuer for cert verify: FILE is a JWKS (with --iss,\n"
			   "SMART Health Cards) or an EU DCC signer certificate (PEM or DER).");
	if (rc)
		return rc;
	if (!file)
		return ctl_usage(c, "FILE is required");
	if ((rc = ctl_store(c, 0)))
		return rc;
	uint8_t *data = NULL, *der = NULL;
	size_t len = 0, der_len = 0, keys = 0;
	struct trust *scratch = NULL;
	struct vb_reason why = {0};
	const char *iss = ctl_opt(opts, "--iss");
	int vb = read_file(file, &data, &len), added = 0, is_jwks = 0;
	if (vb == VB_ERANGE)
		return ctl_refusef(c, "FILE", "too_large", "the file is larger than %d bytes",
				   READ_MAX);
	if (vb)
		return ctl_refusef(c, "FILE", "cannot_read", "the file cannot be read");
	size_t skip = strspn((const char *)data, " \t\r\n");
	is_jwks = data[skip] == '{';
	if ((vb = trust_new(&scratch)))
		goto out;
	if (is_jwks) {
		if (!iss) {
			rc = ctl_usage(c, "a JWKS needs --iss URL");
			goto done;
		}
		vb = trust_add_jwks(scratch, iss, (const char *)data, &keys, &why);
		if (!vb)
			vb = store_trust_add(c->st, "jwks", iss, data, len, CERTIFICATE_ACTOR,
					     c->now, &added);
	} else {
		vb = certificate_der(data, len, &der, &der_len);
		if (vb == VB_EINVAL)
			vb_reason_set(&why, "not_a_certificate",
				      "the file is neither a JWKS nor a PEM or DER certificate");
		if (!vb)
			vb = trust_add_dcc(scratch, der, der_len, NULL, &why);
		if (!vb)
			vb = store_trust_add(c->st, "x509", NULL, der, der_len, CERTIFICATE_ACTOR,
					     c->now, &added);
		keys = 1;
	}
out:
	if (vb) {
		rc = why.code
			 ? ctl_refuse(
			       c, why.code && strcmp(why.code, "bad_url") == 0 ? "--iss" : "FILE",
			       &why)
			 : ctl_storage(c, vb);
		goto done;
	}
	json_t *o = json_pack("{s:s, s:b, s:I}", "kind", is_jwks ? "jwks" : "x509", "new", added,
			      "keys", (json_int_t)keys);
	if (is_jwks)
		json_object_set_new(o, "iss", json_string(iss));
	else {
		uint8_t kid[8];
		char b64[16];
		cert_key_dcc_kid(der, der_len, kid);
		EVP_EncodeBlock((unsigned char *)b64, kid, 8);
		json_object_set_new(o, "dcc_kid", json_string(b64));
	}
	rc = ctl_emit(c, o, NULL);
done:
	trust_free(scratch);
	free(data);
	free(der);
	return rc;
}

/* ---- cert ---- */

struct issued {
	struct certificate_signer signer;
	struct store_cert cert;
	struct ddcc_record record;
	struct certificate_source src;
	int reissued;
};

static void issued_free(struct issued *is)
{
	if (!is)
		return;
	certificate_signer_close(&is->signer);
	iddoc_wipe(is, sizeof(*is));
	free(is);
}

/* Parses the options shared by issue, render and print, then issues (or
 * finds) the certificate. *out owned by the caller (issued_free). */
static int issue_common(struct ctl *c, const struct ctl_opt *opts, struct issued **out)
{
	enum cert_format f = CERT_DCC;
	const char *fmt = ctl_opt(opts, "--format");
	struct vb_reason why = {0};
	int rc;
	if (fmt && certificate_format_parse(fmt, &f))
		return ctl_refusef(c, "--format", "bad_format", "want dcc or shc");
	if ((rc = ctl_store(c, 0)) || (rc = ctl_catalog(c)))
		return rc;
	struct issued *is = calloc(1, sizeof(*is));
	if (!is)
		return ctl_storage(c, VB_ENOMEM);
	if ((rc = open_signer(c, ctl_opt(opts, "--key"), &is->signer))) {
		issued_free(is);
		return rc;
	}
	int vb = certificate_issue(c->st, c->cat, ctl_opt(opts, "--visit"), f, &is->signer, c->now,
				   &is->cert, &is->reissued, &is->record, &is->src, &why);
	if (vb) {
		issued_free(is);
		if (why.code)
			return ctl_refuse(c, strncmp(why.code, "name", 4) == 0 ? "name" : "--visit",
					  &why);
		return ctl_storage(c, vb);
	}
	*out = is;
	return CTL_OK;
}

static json_t *cert_json(struct ctl *c, const struct issued *is)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:o}", "id", is->cert.id, "visit",
			 is->cert.visit_id, "dose", is->cert.dose_id, "format", is->cert.format,
			 "kid", is->cert.kid, "certificate_id", is->cert.certificate_id,
			 "issued_at", iso_time(c, is->cert.issued_at), "expires_at",
			 iso_time(c, is->cert.expires_at));
}

static json_t *qr_json(const QRcode *qr, int dots)
{
	json_t *o = json_pack("{s:i, s:i}", "version", qr->version, "modules", qr->width);
	if (dots) {
		json_object_set_new(o, "dots_per_module", json_integer(dots));
		json_object_set_new(o, "mm_per_module", json_real((double)dots / DOTS_PER_MM));
	}
	return o;
}

static const struct ctl_opt issue_opts[] = {
    {"--visit", "ID", "the visit whose dose the certificate proves", 1, NULL},
    {"--format", "dcc|shc", "EU DCC (default) or SMART Health Card", 0, NULL},
    {"--key", "PATH", "the signing key (default: as keys init recorded)", 0, NULL},
};

int ctl_cmd_cert_issue(struct ctl *c, int argc, char **argv)
{
	struct ctl_opt opts[] = {
	    issue_opts[0], issue_opts[1], issue_opts[2], {NULL, NULL, NULL, 0, NULL}};
	struct issued *is = NULL;
	int rc =
	    ctl_parse(c, argc, argv, opts,
		      "Issues the signed certificate of the dose given at a visit and prints\n"
		      "its QR payload; the same dose and format again gives the stored payload.");
	if (rc || (rc = issue_common(c, opts, &is)))
		return rc;
	QRcode *qr = NULL;
	json_t *o = json_pack("{s:o, s:s, s:b}", "certificate", cert_json(c, is), "payload",
			      is->cert.payload, "reissued", is->reissued);
	if (certificate_qr(is->cert.payload, QR_ECLEVEL_Q, &qr) == VB_OK)
		json_object_set_new(o, "qr", qr_json(qr, 0));
	QRcode_free(qr);
	size_t n = strlen(is->cert.payload);
	char *text = malloc(n + 2);
	if (text) {
		memcpy(text, is->cert.payload, n);
		memcpy(text + n, "\n", 2);
	}
	issued_free(is);
	rc = ctl_emit(c, o, text);
	free(text);
	return rc;
}

static json_t *dose_json(const struct ddcc_dose *d)
{
	json_t *o = json_pack("{s:o, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "date", iso_date(d->date),
			      "vaccine_code", d->vaccine_code, "brand", d->brand, "holder",
			      d->holder, "cvx", d->cvx, "lot", d->lot, "country", d->country,
			      "performer", d->performer);
	if (d->dose_number > 0) {
		json_object_set_new(o, "dose_number", json_integer(d->dose_number));
		json_object_set_new(o, "series_doses", json_integer(d->series_doses));
	}
	return o;
}

int ctl_cmd_cert_verify(struct ctl *c, int argc, char **argv)
{
	struct ctl_opt opts[] = {{NULL, NULL, NULL, 0, NULL}};
	const char *arg = NULL;
	take_positional(&argc, argv, opts, &arg);
	int rc = ctl_parse(c, argc, argv, opts,
			   "vaxbusctl cert verify PAYLOAD|-\n\n"
			   "Verifies a certificate's QR payload (HC1:... or shc:/...; - reads it\n"
			   "from standard input) against the bus's own keys and the imported\n"
			   "issuers, offline. Exit 0 when valid, 1 with the reason when not.");
	if (rc)
		return rc;
	if (!arg)
		return ctl_usage(c, "PAYLOAD is required");
	if ((rc = ctl_store(c, 0)))
		return rc;
	uint8_t *buf = NULL;
	size_t len = 0;
	if (strcmp(arg, "-") == 0) {
		if (read_file("-", &buf, &len))
			return ctl_refusef(c, "PAYLOAD", "cannot_read",
					   "standard input cannot be read");
		while (len && (buf[len - 1] == '\n' || buf[len - 1] == '\r' || buf[len - 1] == ' '))
			buf[--len] = '\0';
		arg = (const char *)buf;
	}
	struct trust *trust = NULL;
	struct vb_reason why = {0};
	struct cert_verified *v = calloc(1, sizeof(*v));
	int vb = v ? certificate_trust(c->st, &trust, &why) : VB_ENOMEM;
	if (vb) {
		free(v);
		free(buf);
		return why.code ? ctl_refuse(c, NULL, &why) : ctl_storage(c, vb);
	}
	vb = cert_verify(arg, trust, c->now, v);
	trust_free(trust);
	free(buf);
	int valid = vb == VB_OK && v->signature_valid && !v->why.code;
	json_t *o = json_pack("{s:b}", "valid", valid);
	if (vb == VB_OK) {
		const struct ddcc_record *r = &v->record;
		json_t *doses = json_array();
		for (size_t i = 0; i < r->n_doses && i < DDCC_MAX_DOSES; i++)
			json_array_append_new(doses, dose_json(&r->doses[i]));
		const char *fname = certificate_format_name(v->format);
		json_object_set_new(o, "format", json_string(fname ? fname : "?"));
		json_object_set_new(o, "issuer", json_string(v->issuer));
		json_object_set_new(o, "kid", json_string(v->kid));
		json_object_set_new(o, "signature_valid", json_boolean(v->signature_valid));
		json_object_set_new(o, "issued_at", iso_time(c, v->issued_at));
		json_object_set_new(o, "expires_at", iso_time(c, v->expires_at));
		json_object_set_new(o, "expired", json_boolean(v->expired));
		json_object_set_new(o, "name",
				    json_pack("{s:s, s:s, s:s, s:s}", "family", r->family, "given",
					      r->given, "family_icao", r->family_icao, "given_icao",
					      r->given_icao));
		json_object_set_new(o, "birth", iso_date(r->birth));
		if (r->certificate_id[0])
			json_object_set_new(o, "certificate_id", json_string(r->certificate_id));
		json_object_set_new(o, "doses", doses);
	}
	struct vb_reason w = v->why;
	iddoc_wipe(v, sizeof(*v));
	free(v);
	if (!valid) {
		if (!w.code)
			vb_reason_set(&w, "invalid", "the certificate is not valid");
		return ctl_refuse_with(c, "payload", &w, o);
	}
	return ctl_emit(c, o, NULL);
}

/* PNG of a 1-bit page through SDL2_image, one pixel per dot. */
static int save_png(const struct printer_page *p, const char *path)
{
	int w = printer_page_width(p), h = printer_page_height(p);
	SDL_Surface *s =
	    SDL_CreateRGBSurfaceWithFormat(0, w, h > 0 ? h : 1, 8, SDL_PIXELFORMAT_INDEX8);
	if (!s)
		return VB_ENOMEM;
	SDL_Color colors[2] = {{255, 255, 255, 255}, {0, 0, 0, 255}};
	SDL_SetPaletteColors(s->format->palette, colors, 0, 2);
	uint8_t *px = s->pixels;
	memset(px, 0, (size_t)s->pitch * (size_t)s->h);
	for (int y = 0; y < h; y++)
		for (int x = 0; x < w; x++)
			px[(size_t)y * (size_t)s->pitch + (size_t)x] =
			    (uint8_t)printer_page_get(p, x, y);
	int rc = IMG_SavePNG(s, path) == 0 ? VB_OK : VB_EIO;
	SDL_FreeSurface(s);
	return rc;
}

/* Lays the certificate out at width dots. */
static int render_page(struct ctl *c, const struct issued *is, int width,
		       struct printer_page **page, struct printer_qr_info *info)
{
	char err[300];
	if (fontfind(c->cfg, err, sizeof(err)))
		return ctl_refusef(c, "display", "no_font", "%s", err);
	const struct receipt_font font = {c->cfg->font, c->cfg->font_index};
	int vb = certificate_render(TEMPLATE, &is->record, catalog_find(c->cat, is->src.product),
				    is->cert.payload, &font, width, page, info, err, sizeof(err));
	if (vb == VB_EINVAL)
		return ctl_refusef(c, "template", "bad_template", "%s", err);
	if (vb)
		return ctl_refusef(c, "template", "render_failed", "%s", err);
	return CTL_OK;
}

int ctl_cmd_cert_render(struct ctl *c, int argc, char **argv)
{
	struct ctl_opt opts[] = {
	    issue_opts[0],
	    issue_opts[1],
	    issue_opts[2],
	    {"--png", "FILE", "write the receipt as a PNG (one pixel per dot)", 0, NULL},
	    {"--pdf", "FILE", "write an A4 PDF for a laser printer", 0, NULL},
	    {NULL, NULL, NULL, 0, NULL}};
	struct issued *is = NULL;
	int rc = ctl_parse(c, argc, argv, opts,
			   "Renders the certificate of a visit (issued first if need be) as the\n"
			   "receipt at the configured paper width (PNG), or on A4 (PDF).");
	if (rc)
		return rc;
	const char *png = ctl_opt(opts, "--png"), *pdf = ctl_opt(opts, "--pdf");
	if (!png == !pdf)
		return ctl_usage(c, "give exactly one of --png FILE and --pdf FILE");
	if ((rc = ctl_config(c)) || (rc = issue_common(c, opts, &is)))
		return rc;
	struct printer_page *page = NULL;
	struct printer_qr_info info = {0};
	int width = png ? c->cfg->paper_dots : PDF_DOTS;
	if ((rc = render_page(c, is, width, &page, &info))) {
		issued_free(is);
		return rc;
	}
	int vb = png ? save_png(page, png) : pdf_save_page(page, pdf);
	printer_page_free(page);
	if (vb) {
		issued_free(is);
		return ctl_refusef(c, png ? "--png" : "--pdf", "cannot_write",
				   "the file cannot be written");
	}
	int dots = info.modules ? info.side / (info.modules + 2 * PRINTER_QR_QUIET) : 0;
	json_t *qr =
	    json_pack("{s:i, s:i, s:i, s:f}", "version", info.version, "modules", info.modules,
		      "dots_per_module", dots, "mm_per_module", (double)dots / DOTS_PER_MM);
	json_t *o = json_pack("{s:s, s:s, s:o, s:b, s:o, s:i}", "file", png ? png : pdf, "type",
			      png ? "png" : "pdf", "certificate", cert_json(c, is), "reissued",
			      is->reissued, "qr", qr, "paper_dots", width);
	issued_free(is);
	return ctl_emit(c, o, NULL);
}

int ctl_cmd_cert_print(struct ctl *c, int argc, char **argv)
{
	struct ctl_opt opts[] = {
	    issue_opts[0], issue_opts[1], issue_opts[2], {NULL, NULL, NULL, 0, NULL}};
	struct issued *is = NULL;
	int rc =
	    ctl_parse(c, argc, argv, opts,
		      "Prints the certificate of a visit on the receipt printer (issued first\n"
		      "if need be). The job is stored before it is sent: paper out or an\n"
		      "unplugged printer leaves it queued for `print queue`.");
	if (rc || (rc = ctl_devices(c)) || (rc = issue_common(c, opts, &is)))
		return rc;
	struct printer_page *page = NULL;
	struct printer_qr_info info = {0};
	char job[STORE_ID_LEN + 1];
	if ((rc = render_page(c, is, c->cfg->paper_dots, &page, &info))) {
		issued_free(is);
		return rc;
	}
	int vb = store_begin(c->st);
	if (!vb)
		vb = printq_add_page(c->st, "certificate", is->cert.id, page, CERTIFICATE_ACTOR,
				     c->now, job);
	if (!vb)
		vb = store_commit(c->st);
	printer_page_free(page);
	if (vb) {
		store_rollback(c->st);
		issued_free(is);
		return ctl_storage(c, vb);
	}
	/* Send the queue (this job and any before it). */
	int dots = info.modules ? info.side / (info.modules + 2 * PRINTER_QR_QUIET) : 0;
	json_t *o = json_pack("{s:o, s:b, s:s, s:o}", "certificate", cert_json(c, is), "reissued",
			      is->reissued, "job", job, "qr",
			      json_pack("{s:i, s:i, s:i}", "version", info.version, "modules",
					info.modules, "dots_per_module", dots));
	issued_free(is);
	return ctl_print_run(c, o);
}
