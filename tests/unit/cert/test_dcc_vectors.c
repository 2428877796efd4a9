/*
 * The EU dgc-testdata "common" vectors (read in place from the shared
 * vectors): each raw JSON's PREFIX text is verified at its
 * TESTCTX.VALIDATIONCLOCK with a trust list holding TESTCTX.CERTIFICATE
 * (cert_dcc_verify) and with that certificate alone (cert_dcc_verify_dsc,
 * which also reads PS256 keys and the key usage OIDs), and our result is
 * checked against every EXPECTED* flag the vector states:
 *   UNPREFIX     the prefix layer passed;
 *   B45DECODE    the base45 layer passed;
 *   COMPRESSION  the payload was a zlib stream that inflated (an
 *                uncompressed COSE message is read too, as the hcert spec
 *                lets verifiers, but it is not "compression succeeded");
 *   DECODE       decoded (VB_OK);
 *   VERIFY       signature_valid;
 *   EXPIRATIONCHECK  decoded, iat <= clock and not expired;
 *   SCHEMAVALIDATION decoded past the schema checks;
 *   KEYUSAGE     signature valid and the DSC may sign this DCC type;
 *   VALIDJSON    decoded, and the record matches the vector's JSON.
 * EXPECTEDPICTUREDECODE is about decoding a PNG of the QR code, which is
 * not a layer of the verifier (vaxbus reads the scanner's text): it is
 * counted as not applicable. The two paths must also agree with each
 * other wherever the trust list could hold the certificate (it holds
 * ES256 signers only; key usage needs the certificate).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <openssl/evp.h>

#include "cert.h"
#include "cert_dcc.h"
#include "cert_vectors.h"
#include "trust.h"
#include "vb_error.h"
#include "vbdate.h"

#define RAW_DIR "dcc/dgc-testdata/common/2DCode/raw"

static uint8_t *b64_decode(const char *s, size_t *len)
{
	size_t n = strlen(s);
	uint8_t *out = malloc(n / 4 * 3 + 3);
	assert_non_null(out);
	int r = EVP_DecodeBlock(out, (const unsigned char *)s, (int)n);
	assert_true(r >= 0);
	while (n > 0 && s[n - 1] == '=') {
		n--;
		r--;
	}
	*len = (size_t)r;
	return out;
}

/* ISO 8601 "YYYY-MM-DDThh:mm:ss[.frac](Z|+hh:mm|-hh:mm)" to UTC seconds. */
static int64_t iso_time(const char *s)
{
	char date[11];
	int32_t days = 0;
	int h = 0, mi = 0, sec = 0, oh = 0, om = 0;
	assert_true(strlen(s) >= 20 && s[10] == 'T');
	memcpy(date, s, 10);
	date[10] = '\0';
	assert_int_equal(vbdate_parse(date, &days), VB_OK);
	assert_int_equal(sscanf(s + 11, "%2d:%2d:%2d", &h, &mi, &sec), 3);
	const char *z = s + 19;
	while (*z == '.' || (*z >= '0' && *z <= '9'))
		z++;
	int64_t t = vbdate_to_unix(days) + h * 3600 + mi * 60 + sec;
	if (*z == 'Z')
		return t;
	assert_true(*z == '+' || *z == '-');
	assert_int_equal(sscanf(z + 1, "%2d:%2d", &oh, &om), 2);
	return *z == '+' ? t - (oh * 3600 + om * 60) : t + (oh * 3600 + om * 60);
}

static int code_is(const struct cert_verified *v, const char *code)
{
	return v->why.code && strcmp(v->why.code, code) == 0;
}

static const char *str_at(json_t *obj, const char *a, const char *b)
{
	json_t *x = json_object_get(obj, a);
	return json_string_value(b ? json_object_get(x, b) : x);
}

static int eq(const char *a, const char *b)
{
	return a && b && strcmp(a, b) == 0;
}

/* The decoded record against the vector's JSON (names, dob, the entry). */
static int matches_json(json_t *js, const struct cert_verified *v)
{
	static const char *const keys[] = {"fn", "fnt", "gn", "gnt"};
	const char *fields[] = {v->record.family, v->record.family_icao, v->record.given,
				v->record.given_icao};
	for (size_t i = 0; i < 4; i++) {
		const char *want = str_at(json_object_get(js, "nam"), keys[i], NULL);
		if (strcmp(want ? want : "", fields[i]) != 0)
			return 0;
	}
	const char *dob = str_at(js, "dob", NULL);
	if (!dob)
		return 0;
	char d[11] = "";
	if (v->record.birth != VBDATE_NONE)
		vbdate_format(v->record.birth, d);
	if (strlen(dob) == 10 && strcmp(dob, d) != 0)
		return 0;
	static const char *const groups[] = {"v", "t", "r"};
	for (size_t i = 0; i < 3; i++) {
		json_t *e = json_array_get(json_object_get(js, groups[i]), 0);
		if (!e)
			continue;
		const char *ci = str_at(e, "ci", NULL);
		if (!ci || strcmp(ci, v->record.certificate_id))
			return 0;
		if (i > 0)
			return 1;
		const struct ddcc_dose *dose = &v->record.doses[0];
		char dt[11];
		vbdate_format(dose->date, dt);
		return json_integer_value(json_object_get(e, "dn")) == dose->dose_number &&
		       json_integer_value(json_object_get(e, "sd")) == dose->series_doses &&
		       eq(str_at(e, "dt", NULL), dt) && eq(str_at(e, "mp", NULL), dose->brand) &&
		       eq(str_at(e, "vp", NULL), dose->vaccine_code) &&
		       eq(str_at(e, "ma", NULL), dose->holder) &&
		       eq(str_at(e, "co", NULL), dose->country);
	}
	return 0;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

struct totals {
	int vectors, checked, agree, flags, flags_na, trust_skipped;
};

static void one_vector(const char *name, struct totals *tot)
{
	char rel[512];
	snprintf(rel, sizeof(rel), RAW_DIR "/%s", name);
	char *text = cert_vectors_read(rel, NULL);
	assert_non_null(text);
	json_error_t jerr;
	json_t *doc = json_loads(text, 0, &jerr);
	free(text);
	if (!doc)
		fail_msg("%s: %s", name, jerr.text);
	json_t *ctx = json_object_get(doc, "TESTCTX");
	json_t *exp = json_object_get(doc, "EXPECTEDRESULTS");
	const char *prefix = str_at(doc, "PREFIX", NULL);
	const char *cert = str_at(ctx, "CERTIFICATE", NULL);
	const char *clock = str_at(ctx, "VALIDATIONCLOCK", NULL);
	assert_non_null(prefix);
	assert_non_null(cert);
	assert_non_null(clock);
	assert_non_null(exp);
	int64_t now = iso_time(clock);
	size_t der_len = 0;
	uint8_t *der = b64_decode(cert, &der_len);

	/* the certificate alone */
	struct cert_verified vd;
	int rc_d = cert_dcc_verify_dsc(prefix, der, der_len, now, &vd);
	assert_true(rc_d == VB_OK || rc_d == VB_EINVAL);

	/* a trust list holding it, when it can (ES256 P-256 only) */
	struct trust *trust = NULL;
	struct vb_reason why = {0};
	assert_int_equal(trust_new(&trust), VB_OK);
	int in_trust = trust_add_dcc(trust, der, der_len, NULL, &why) == VB_OK;
	struct cert_verified vt;
	int rc_t = in_trust ? cert_dcc_verify(prefix, trust, now, &vt) : 0;
	if (in_trust) {
		/* both paths say the same (key usage only the certificate knows) */
		if (rc_t != rc_d || vt.signature_valid != vd.signature_valid ||
		    (!code_is(&vd, "key_usage") && (!!vt.why.code != !!vd.why.code ||
						    (vt.why.code && !code_is(&vd, vt.why.code)))))
			fail_msg("%s: trust path %d %s, certificate path %d %s", name, rc_t,
				 vt.why.code ? vt.why.code : "-", rc_d,
				 vd.why.code ? vd.why.code : "-");
	} else {
		tot->trust_skipped++;
	}

	uint8_t *cose = NULL;
	size_t cose_len = 0;
	int compressed = 0;
	struct vb_reason uw = {0};
	int rc_u = cert_dcc_unwrap(prefix, &cose, &cose_len, &compressed, &uw);
	free(cose);
	int unprefixed =
	    !(rc_u && (!strcmp(uw.code, "bad_prefix") || !strcmp(uw.code, "payload_size")));
	int b45 = unprefixed && !(rc_u && !strcmp(uw.code, "base45"));

	char line[512];
	int n = snprintf(line, sizeof(line), "%-10s", name);
	int agree = 1, stated = 0;
	const char *key;
	json_t *val;
	json_object_foreach(exp, key, val)
	{
		int want = json_is_true(val), ours;
		if (!strcmp(key, "EXPECTEDUNPREFIX"))
			ours = unprefixed;
		else if (!strcmp(key, "EXPECTEDB45DECODE"))
			ours = b45;
		else if (!strcmp(key, "EXPECTEDCOMPRESSION"))
			ours = rc_u == VB_OK && compressed;
		else if (!strcmp(key, "EXPECTEDDECODE"))
			ours = rc_d == VB_OK;
		else if (!strcmp(key, "EXPECTEDVERIFY"))
			ours = vd.signature_valid;
		else if (!strcmp(key, "EXPECTEDEXPIRATIONCHECK"))
			ours = rc_d == VB_OK && !vd.expired && vd.issued_at <= now;
		else if (!strcmp(key, "EXPECTEDSCHEMAVALIDATION"))
			ours = rc_d == VB_OK || code_is(&vd, "field_size");
		else if (!strcmp(key, "EXPECTEDKEYUSAGE"))
			ours = vd.signature_valid && !code_is(&vd, "key_usage");
		else if (!strcmp(key, "EXPECTEDVALIDJSON"))
			ours = rc_d == VB_OK && matches_json(json_object_get(doc, "JSON"), &vd);
		else if (!strcmp(key, "EXPECTEDPICTUREDECODE")) {
			tot->flags_na++;
			continue;
		} else {
			fail_msg("%s: unknown flag %s", name, key);
			continue;
		}
		stated++;
		tot->flags++;
		if (ours != want)
			agree = 0;
		if (n < (int)sizeof(line))
			n += snprintf(line + n, sizeof(line) - (size_t)n, " %s=%d/%d%s", key + 8,
				      want, ours, ours != want ? "(!)" : "");
	}
	tot->vectors++;
	if (stated) {
		tot->checked++;
		tot->agree += agree;
	}
	print_message("%s -> rc %d %s%s%s\n", line, rc_d, vd.why.code ? vd.why.code : "valid",
		      in_trust ? "" : " (certificate path only: not an ES256 signer)",
		      stated ? (agree ? "" : "  DISAGREES") : "  (no flag a verifier can check)");
	if (!agree)
		fail_msg("%s (%s) disagrees with its expected results", name,
			 str_at(ctx, "DESCRIPTION", NULL));
	trust_free(trust);
	free(der);
	json_decref(doc);
}

static void test_common_vectors(void **state)
{
	(void)state;
	if (!cert_vectors_present()) {
		print_message("skipping: the shared certificate vectors are absent\n");
		skip();
	}
	char dirpath[4096];
	assert_int_equal(cert_vectors_path(RAW_DIR, dirpath, sizeof(dirpath)), 0);
	DIR *d = opendir(dirpath);
	assert_non_null(d);
	char *names[256];
	size_t count = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		size_t nl = strlen(e->d_name);
		if (nl > 5 && !strcmp(e->d_name + nl - 5, ".json")) {
			assert_true(count < 256);
			names[count++] = strdup(e->d_name);
		}
	}
	closedir(d);
	qsort(names, count, sizeof(names[0]), cmp_names);
	struct totals tot = {0};
	for (size_t i = 0; i < count; i++) {
		one_vector(names[i], &tot);
		free(names[i]);
	}
	print_message("%d vectors, %d state flags a verifier checks, %d agree (%d flags compared, "
		      "%d EXPECTEDPICTUREDECODE not applicable; %d verified by their certificate "
		      "only)\n",
		      tot.vectors, tot.checked, tot.agree, tot.flags, tot.flags_na,
		      tot.trust_skipped);
	assert_true(tot.vectors >= 38);
	assert_int_equal(tot.agree, tot.checked);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_common_vectors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
