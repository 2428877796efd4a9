/*
 * SMART Health Cards checked by someone else's code: cards issued here are
 * written to a temporary folder with the issuer's public JWK and what
 * each should decode to, and tests/certverify/verify_shc.mjs (node, jose,
 * pako) must verify every card and refuse every tampered one.
 *
 * The node packages come from `packaging/install-deps --test`; without
 * them (or without node) this test fails and says so.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <jansson.h>

#include "b64url.h"
#include "cert_key.h"
#include "cert_shc.h"
#include "ddcc.h"
#include "vbdate.h"

#define ISS	   "https://vaxbus.example.cn/issuer"
#define IAT	   1648771200 /* 2022-04-01T00:00:00Z, after the last dose */
#define CERTVERIFY VB_ASSETS_DIR "/../tests/certverify"

struct dose_row {
	const char *date, *lot, *cvx, *vp, *performer;
	const char *system; /* what the card must carry */
};

struct card_row {
	const char *family, *given, *family_icao, *given_icao, *birth;
	const char *given_json; /* the FHIR given[] expected */
	struct dose_row doses[DDCC_MAX_DOSES];
	size_t n;
};

static const struct card_row cards[] = {
    {"张",
     "建国",
     "ZHANG",
     "JIAN<GUO",
     "1980-05-17",
     "[\"建国\"]",
     {{"2021-04-01", "202104A017", "510", "J07BX03", "Qingyang County CDC", CERT_SHC_CVX_SYSTEM}},
     1},
    {"欧阳",
     "娜娜",
     "OUYANG",
     "NA<NA",
     "1956-11-02",
     "[\"娜娜\"]",
     {{"2021-03-10", "202103B101", "511", "J07BX03", "Huan County CDC", CERT_SHC_CVX_SYSTEM},
      {"2021-04-07", "202104B233", "511", "J07BX03", "Huan County CDC", CERT_SHC_CVX_SYSTEM},
      {"2021-10-20", "202110B007", "511", "J07BX03", "Huan County CDC", CERT_SHC_CVX_SYSTEM}},
     3},
    {"Anyperson",
     "John B.",
     "ANYPERSON",
     "JOHN<B",
     "1951-01-20",
     "[\"John\",\"B.\"]",
     {{"2021-01-01", "0000001", "207", "J07BX03", "ABC General Hospital", CERT_SHC_CVX_SYSTEM},
      {"2021-01-29", "", "", "J07BX03", "ABC General Hospital", CERT_SHC_ATC_SYSTEM},
      {"2021-09-05", "0000003", "", "1119349007", "ABC General Hospital", CERT_SHC_SNOMED_SYSTEM},
      {"2022-03-01", "0000004", "229", "J07BX03", "ABC General Hospital", CERT_SHC_CVX_SYSTEM}},
     4},
};

static int32_t day(const char *s)
{
	int32_t d = 0;
	assert_int_equal(vbdate_parse(s, &d), VB_OK);
	return d;
}

static void record(struct ddcc_record *r, const struct card_row *c)
{
	memset(r, 0, sizeof *r);
	strcpy(r->family, c->family);
	strcpy(r->given, c->given);
	strcpy(r->family_icao, c->family_icao);
	strcpy(r->given_icao, c->given_icao);
	r->birth = day(c->birth);
	strcpy(r->identifier, "110************234");
	for (size_t i = 0; i < c->n; i++) {
		struct ddcc_dose *d = &r->doses[i];
		strcpy(d->vaccine_code, c->doses[i].vp);
		strcpy(d->brand, "BBIBP-CorV");
		strcpy(d->holder, "ORG-100020693");
		strcpy(d->cvx, c->doses[i].cvx);
		strcpy(d->lot, c->doses[i].lot);
		d->date = day(c->doses[i].date);
		d->dose_number = (int)i + 1;
		d->series_doses = (int)c->n;
		strcpy(d->country, "CN");
		strcpy(d->performer, c->doses[i].performer);
	}
	r->n_doses = c->n;
	strcpy(r->disease, "840539006");
	r->next_dose = VBDATE_NONE;
	strcpy(r->certificate_id, "URN:UVCI:01:CN:VB3/2021/000123#K");
	strcpy(r->issuer, "Qingyang County CDC");
	strcpy(r->issuer_country, "CN");
	strcpy(r->issuer_url, ISS);
	r->issued_at = IAT;
	r->expires_at = IAT + 365 * 86400;
}

static void write_file(const char *dir, const char *name, const char *text)
{
	char path[512];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
}

/* What verify_shc.mjs must decode the card to. */
static char *expect_json(const struct card_row *c)
{
	json_t *doses = json_array();
	for (size_t i = 0; i < c->n; i++) {
		const struct dose_row *d = &c->doses[i];
		json_t *o =
		    json_pack("{s:s, s:o, s:s, s:s, s:s}", "date", d->date, "lot",
			      d->lot[0] ? json_string(d->lot) : json_null(), "system", d->system,
			      "code", d->cvx[0] ? d->cvx : d->vp, "performer", d->performer);
		assert_non_null(o);
		assert_int_equal(json_array_append_new(doses, o), 0);
	}
	json_t *given = json_loads(c->given_json, 0, NULL);
	assert_non_null(given);
	json_t *root = json_pack("{s:s, s:o, s:s, s:o}", "family", c->family, "given", given,
				 "birthDate", c->birth, "doses", doses);
	assert_non_null(root);
	char *s = json_dumps(root, JSON_COMPACT);
	json_decref(root);
	assert_non_null(s);
	return s;
}

static void write_jwk(const char *dir, const struct cert_key *k)
{
	uint8_t x[32], y[32];
	char xs[64], ys[64], jwk[256];
	assert_int_equal(cert_key_xy(k, x, y), VB_OK);
	assert_int_equal(b64url_encode(x, 32, xs, sizeof xs), VB_OK);
	assert_int_equal(b64url_encode(y, 32, ys, sizeof ys), VB_OK);
	snprintf(jwk, sizeof jwk, "{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"%s\",\"y\":\"%s\"}",
		 xs, ys);
	write_file(dir, "jwk.json", jwk);
}

static char *issue(const struct card_row *c, const struct cert_key *k)
{
	struct ddcc_record r;
	record(&r, c);
	struct vb_reason why = {0};
	char *p = NULL;
	int rc = cert_shc_issue(&r, k, &p, &why);
	if (rc)
		print_error("issue %s: %s\n", c->family_icao, why.text);
	assert_int_equal(rc, VB_OK);
	return p;
}

static int have(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0;
}

static void test_node_verifies(void **state)
{
	(void)state;
	if (!have(CERTVERIFY "/node_modules/jose/package.json") ||
	    !have(CERTVERIFY "/node_modules/pako/package.json"))
		fail_msg("tests/certverify/node_modules is missing: run `packaging/install-deps "
			 "--test` first");

	char dir[] = "/tmp/vb-shc-node-XXXXXX";
	assert_non_null(mkdtemp(dir));
	struct cert_key *key = NULL, *other = NULL;
	assert_int_equal(cert_key_generate(&key), VB_OK);
	assert_int_equal(cert_key_generate(&other), VB_OK);
	write_jwk(dir, key);

	char *payloads[sizeof cards / sizeof cards[0]];
	for (size_t i = 0; i < sizeof cards / sizeof cards[0]; i++) {
		char name[64];
		payloads[i] = issue(&cards[i], key);
		snprintf(name, sizeof name, "card-%zu.txt", i + 1);
		write_file(dir, name, payloads[i]);
		char *want = expect_json(&cards[i]);
		snprintf(name, sizeof name, "card-%zu.expect.json", i + 1);
		write_file(dir, name, want);
		free(want);
	}
	/* Tampered: one character of the deflated payload's part; one of the
	 * signature's; a card signed by another key; one digit changed. */
	for (int which = 0; which < 2; which++) {
		char jws[CERT_SHC_JWS_MAX + 1];
		size_t n = 0;
		struct vb_reason why = {0};
		assert_int_equal(cert_shc_numeric_decode(payloads[0], jws, sizeof jws, &n, &why),
				 VB_OK);
		char *dot2 = strrchr(jws, '.');
		char *at = which == 0 ? strchr(jws, '.') + 40 : dot2 + 20;
		*at = *at == 'A' ? 'B' : 'A';
		char *t = NULL;
		assert_int_equal(cert_shc_numeric_encode(jws, &t), VB_OK);
		write_file(dir, which == 0 ? "tampered-1.txt" : "tampered-2.txt", t);
		free(t);
	}
	char *t = issue(&cards[0], other);
	write_file(dir, "tampered-3.txt", t);
	free(t);
	t = strdup(payloads[1]);
	assert_non_null(t);
	size_t mid = strlen(t) / 2;
	t[mid] = t[mid] == '0' ? '1' : '0';
	write_file(dir, "tampered-4.txt", t);
	free(t);

	char cmd[1024];
	snprintf(cmd, sizeof cmd, "node '%s/verify_shc.mjs' '%s' 2>&1", CERTVERIFY, dir);
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	char line[1024], all[16384] = "";
	while (fgets(line, sizeof line, p)) {
		print_message("node: %s", line);
		if (strlen(all) + strlen(line) < sizeof all)
			strcat(all, line);
	}
	int status = pclose(p);
	if (status == -1 || !WIFEXITED(status) || WEXITSTATUS(status) == 127)
		fail_msg("could not run node (is it installed?): %s", cmd);
	assert_int_equal(WEXITSTATUS(status), 0);
	char summary[128];
	snprintf(summary, sizeof summary, "verify_shc: %zu card(s) verified, 4 tampered refused",
		 sizeof cards / sizeof cards[0]);
	assert_non_null(strstr(all, summary));

	/* Clean up. */
	static const char *const names[] = {
	    "jwk.json",		  "card-1.txt",		"card-2.txt",	      "card-3.txt",
	    "card-1.expect.json", "card-2.expect.json", "card-3.expect.json", "tampered-1.txt",
	    "tampered-2.txt",	  "tampered-3.txt",	"tampered-4.txt"};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		char path[512];
		snprintf(path, sizeof path, "%s/%s", dir, names[i]);
		assert_int_equal(unlink(path), 0);
	}
	assert_int_equal(rmdir(dir), 0);
	for (size_t i = 0; i < sizeof cards / sizeof cards[0]; i++)
		free(payloads[i]);
	cert_key_free(key);
	cert_key_free(other);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_node_verifies),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
