/*
 * Independent verification: DCCs issued here through the C API are
 * verified by tests/certverify/verify_dcc.mjs (node, with
 * @digitalbazaar/base45, node:zlib, cbor-x and node:crypto — no code of
 * ours), which must accept every genuine one, return the hcert we put in,
 * and refuse the tampered ones. Needs node and `packaging/install-deps
 * --test`; without them the test fails saying so.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>
#include <openssl/evp.h>

#include "b64url.h"
#include "cert.h"
#include "cert_dcc.h"
#include "cert_key.h"
#include "ddcc.h"
#include "vb_error.h"
#include "vbdate.h"

#define T_IAT 1622534400 /* 2021-06-01T08:00:00Z */
#define T_EXP (T_IAT + 365 * 86400)

/* <project> from VB_ASSETS_DIR = <project>/assets. */
static void project_path(const char *rel, char *out, size_t cap)
{
	const char *assets = VB_ASSETS_DIR;
	size_t n = strlen(assets);
	assert_true(n > 7 && !strcmp(assets + n - 7, "/assets"));
	assert_true(snprintf(out, cap, "%.*s/%s", (int)(n - 7), assets, rel) < (int)cap);
}

static int32_t day(const char *s)
{
	int32_t d = 0;
	assert_int_equal(vbdate_parse(s, &d), VB_OK);
	return d;
}

static void sample(struct ddcc_record *r, size_t n)
{
	memset(r, 0, sizeof(*r));
	snprintf(r->family, sizeof(r->family), "欧阳");
	snprintf(r->given, sizeof(r->given), "小梅");
	snprintf(r->family_icao, sizeof(r->family_icao), "OUYANG");
	snprintf(r->given_icao, sizeof(r->given_icao), "XIAO<MEI");
	r->birth = day("1954-11-02");
	for (size_t i = 0; i < n; i++) {
		struct ddcc_dose *d = &r->doses[i];
		snprintf(d->vaccine_code, sizeof(d->vaccine_code), "J07BX03");
		snprintf(d->brand, sizeof(d->brand), i % 2 ? "CoronaVac" : "BBIBP-CorV");
		snprintf(d->holder, sizeof(d->holder), i % 2 ? "Sinovac-Biotech" : "ORG-100020693");
		snprintf(d->lot, sizeof(d->lot), "L%zu", i);
		d->date = day("2021-02-01") + 30 * (int32_t)i;
		d->dose_number = (int)i + 1;
		d->series_doses = (int)n;
		snprintf(d->country, sizeof(d->country), "CN");
		snprintf(d->centre, sizeof(d->centre), "Vaxbus 01");
		snprintf(d->performer, sizeof(d->performer), "Vaxbus");
	}
	r->n_doses = n;
	snprintf(r->disease, sizeof(r->disease), "840539006");
	r->next_dose = VBDATE_NONE;
	snprintf(r->certificate_id, sizeof(r->certificate_id), "URN:UVCI:01:CN:VAXBUS01/%06zu#Q",
		 n);
	snprintf(r->issuer, sizeof(r->issuer), "Vaxbus Mobile Vaccination");
	snprintf(r->issuer_country, sizeof(r->issuer_country), "CN");
	snprintf(r->issuer_url, sizeof(r->issuer_url), "https://vaxbus.example.cn");
	r->issued_at = T_IAT;
	r->expires_at = T_EXP;
}

struct cert_case {
	const char *name;
	struct ddcc_record r;
	char *payload;
	const char *error; /* what node must refuse it for; NULL: accept */
};

static char *issue(const struct ddcc_record *r, const struct cert_signer *s)
{
	char *p = NULL;
	struct vb_reason why = {0};
	int rc = cert_dcc_issue(r, s, &p, &why);
	if (rc)
		fail_msg("issue: %d %s", rc, why.text);
	return p;
}

/* The payload with one bit of its COSE message flipped at offset from the
 * end (re-compressed and re-encoded). */
static char *tamper(const char *payload, size_t from_end)
{
	uint8_t *cose = NULL;
	size_t len = 0;
	int z = 0;
	char *out = NULL;
	assert_int_equal(cert_dcc_unwrap(payload, &cose, &len, &z, NULL), VB_OK);
	cose[len - from_end] ^= 0x04;
	assert_int_equal(cert_dcc_wrap(cose, len, &out), VB_OK);
	free(cose);
	return out;
}

static void expect_text(json_t *obj, const char *k, const char *want)
{
	const char *got = json_string_value(json_object_get(obj, k));
	if (!got || strcmp(got, want) != 0)
		fail_msg("%s: node read \"%s\", we wrote \"%s\"", k, got ? got : "(none)", want);
}

static void test_node_verifies(void **state)
{
	(void)state;
	char dir[1024], script[1024], mods[1024];
	project_path("tests/certverify", dir, sizeof(dir));
	project_path("tests/certverify/verify_dcc.mjs", script, sizeof(script));
	project_path("tests/certverify/node_modules/cbor-x/package.json", mods, sizeof(mods));
	if (system("node --version > /dev/null 2>&1") != 0)
		fail_msg("node is not installed: the independent DCC verification needs node "
			 "(and `packaging/install-deps --test`)");
	if (access(mods, R_OK) != 0)
		fail_msg("%s is missing: run `packaging/install-deps --test`", mods);

	struct cert_key *key = NULL, *other = NULL;
	uint8_t *der = NULL;
	size_t der_len = 0;
	assert_int_equal(cert_key_generate(&key), VB_OK);
	assert_int_equal(cert_key_generate(&other), VB_OK);
	assert_int_equal(cert_key_x509(key, "CN", "vaxbus test DSC", T_IAT - 86400, T_EXP + 86400,
				       &der, &der_len),
			 VB_OK);
	struct cert_signer s = {.key = key}, wrong = {.key = other};
	cert_key_dcc_kid(der, der_len, s.dcc_kid);
	memcpy(wrong.dcc_kid, s.dcc_kid, 8);

	static struct cert_case cases[8];
	size_t n = 0;
	cases[n].name = "one dose";
	sample(&cases[n].r, 1);
	n++;
	cases[n].name = "the last of three doses";
	sample(&cases[n].r, 3);
	n++;
	cases[n].name = "the last of four doses";
	sample(&cases[n].r, 4);
	n++;
	cases[n].name = "a name of 40 Chinese characters";
	sample(&cases[n].r, 2);
	for (size_t k = 0; k < 40; k++)
		memcpy(cases[n].r.family + 3 * k, "欧", 3);
	cases[n].r.family[120] = '\0';
	n++;
	for (size_t i = 0; i < n; i++)
		cases[i].payload = issue(&cases[i].r, &s);
	/* refused: a flipped signature bit, a flipped payload bit, another key */
	cases[n] = cases[0];
	cases[n].name = "tampered signature";
	cases[n].payload = tamper(cases[0].payload, 10);
	cases[n].error = "signature";
	n++;
	cases[n] = cases[1];
	cases[n].name = "tampered payload";
	cases[n].payload = tamper(cases[1].payload, 80);
	cases[n].error = "signature";
	n++;
	cases[n] = cases[0];
	cases[n].name = "signed by another key";
	cases[n].payload = issue(&cases[0].r, &wrong);
	cases[n].error = "signature";
	n++;

	/* the input: our public key as a JWK, the kid, the time, the payloads */
	uint8_t x[32], y[32];
	char bx[48], by[48], kid64[16];
	assert_int_equal(cert_key_xy(key, x, y), VB_OK);
	assert_int_equal(b64url_encode(x, 32, bx, sizeof(bx)), VB_OK);
	assert_int_equal(b64url_encode(y, 32, by, sizeof(by)), VB_OK);
	EVP_EncodeBlock((unsigned char *)kid64, s.dcc_kid, 8);
	json_t *certs = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(certs, json_pack("{s:s, s:s}", "name", cases[i].name,
						       "payload", cases[i].payload));
	json_t *in = json_pack("{s:{s:s, s:s, s:s, s:s}, s:s, s:I, s:o}", "jwk", "kty", "EC", "crv",
			       "P-256", "x", bx, "y", by, "kid", kid64, "now",
			       (json_int_t)(T_IAT + 3600), "certificates", certs);
	assert_non_null(in);
	char tmpdir[] = "/tmp/vb_dcc_node_XXXXXX", path[256], cmd[2400];
	assert_non_null(mkdtemp(tmpdir));
	snprintf(path, sizeof(path), "%s/input.json", tmpdir);
	assert_int_equal(json_dump_file(in, path, 0), 0);
	json_decref(in);

	snprintf(cmd, sizeof(cmd), "cd '%s' && node '%s' '%s' 2>&1", dir, script, path);
	FILE *pipe = popen(cmd, "r");
	assert_non_null(pipe);
	static char output[1 << 20];
	size_t got = fread(output, 1, sizeof(output) - 1, pipe);
	output[got] = '\0';
	int status = pclose(pipe);
	unlink(path);
	rmdir(tmpdir);
	if (status != 0)
		fail_msg("node verify_dcc.mjs failed (%d): %s", status, output);

	json_error_t jerr;
	json_t *res = json_loads(output, 0, &jerr);
	if (!json_is_array(res) || json_array_size(res) != n)
		fail_msg("unexpected output from verify_dcc.mjs: %s", output);
	for (size_t i = 0; i < n; i++) {
		json_t *o = json_array_get(res, i);
		const struct cert_case *c = &cases[i];
		int ok = json_is_true(json_object_get(o, "ok"));
		const char *err = json_string_value(json_object_get(o, "error"));
		print_message("node: %-34s %s%s\n", c->name,
			      ok ? "verified" : "refused: ", ok ? "" : err);
		if (c->error) {
			if (ok || !err || strcmp(err, c->error) != 0)
				fail_msg("%s: node should refuse it for %s", c->name, c->error);
			continue;
		}
		if (!ok)
			fail_msg("%s: node refused it: %s", c->name, err ? err : "?");
		/* what node read is what we wrote: the last dose */
		const struct ddcc_record *r = &c->r;
		const struct ddcc_dose *d = &r->doses[r->n_doses - 1];
		char dob[11], dt[11];
		vbdate_format(r->birth, dob);
		vbdate_format(d->date, dt);
		expect_text(o, "iss", r->issuer_country);
		assert_int_equal(json_integer_value(json_object_get(o, "iat")), r->issued_at);
		assert_int_equal(json_integer_value(json_object_get(o, "exp")), r->expires_at);
		json_t *h = json_object_get(o, "hcert");
		json_t *nam = json_object_get(h, "nam");
		expect_text(nam, "fn", r->family);
		expect_text(nam, "gn", r->given);
		expect_text(nam, "fnt", r->family_icao);
		expect_text(nam, "gnt", r->given_icao);
		expect_text(h, "dob", dob);
		json_t *e = json_array_get(json_object_get(h, "v"), 0);
		expect_text(e, "vp", d->vaccine_code);
		expect_text(e, "mp", d->brand);
		expect_text(e, "ma", d->holder);
		expect_text(e, "dt", dt);
		expect_text(e, "co", d->country);
		expect_text(e, "is", r->issuer);
		expect_text(e, "ci", r->certificate_id);
		assert_int_equal(json_integer_value(json_object_get(e, "dn")), d->dose_number);
		assert_int_equal(json_integer_value(json_object_get(e, "sd")), d->series_doses);
	}
	json_decref(res);
	for (size_t i = 0; i < n; i++)
		free(cases[i].payload);
	free(der);
	cert_key_free(other);
	cert_key_free(key);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_node_verifies),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
