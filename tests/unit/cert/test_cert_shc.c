/*
 * SMART Health Cards issued and verified: the exact payload and header
 * bytes, the members the Bundle may carry, round trips, the QR symbol
 * (numeric segment, version <= 22), refusals on issue, every decoding and
 * trust failure on verify, and tampering (every bit of the signature and
 * of the deflated payload, every digit).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <qrencode.h>
#include <zlib.h>

#include "b64url.h"
#include "cert_key.h"
#include "cert_shc.h"
#include "ddcc.h"
#include "trust.h"
#include "vbdate.h"

#define ISS "https://vaxbus.example.cn/issuer"
#define IAT 1648771200 /* 2022-04-01T00:00:00Z, after the last dose */

struct fx {
	struct cert_key *key, *other;
	struct trust *trust;
	char kid[CERT_KID_B64_MAX];
};

static int32_t day(const char *s)
{
	int32_t d = 0;
	assert_int_equal(vbdate_parse(s, &d), VB_OK);
	return d;
}

static const char *const dose_dates[] = {"2021-04-01", "2021-04-29", "2021-10-30", "2022-02-14"};
static const char *const dose_lots[] = {"202104A017", "202104B203", "202110C011", "202202D007"};

static void record(struct ddcc_record *r, size_t n_doses)
{
	memset(r, 0, sizeof *r);
	strcpy(r->family, "张");
	strcpy(r->given, "建国");
	strcpy(r->family_icao, "ZHANG");
	strcpy(r->given_icao, "JIAN<GUO");
	r->birth = day("1980-05-17");
	strcpy(r->identifier, "110************234");
	for (size_t i = 0; i < n_doses; i++) {
		struct ddcc_dose *d = &r->doses[i];
		strcpy(d->vaccine_code, "J07BX03");
		strcpy(d->brand, "BBIBP-CorV");
		strcpy(d->holder, "ORG-100020693");
		strcpy(d->cvx, "510");
		strcpy(d->product_name, "Sinopharm BIBP COVID-19 vaccine");
		strcpy(d->maker_name, "Beijing Institute of Biological Products");
		strcpy(d->lot, dose_lots[i]);
		d->date = day(dose_dates[i]);
		d->dose_number = (int)i + 1;
		d->series_doses = (int)n_doses;
		strcpy(d->country, "CN");
		strcpy(d->centre, "Vaxbus 3, stop 12");
		strcpy(d->performer, "Qingyang County CDC");
	}
	r->n_doses = n_doses;
	strcpy(r->disease, "840539006");
	r->next_dose = VBDATE_NONE;
	strcpy(r->certificate_id, "URN:UVCI:01:CN:VB3/2021/000123#K");
	strcpy(r->issuer, "Qingyang County CDC");
	strcpy(r->issuer_country, "CN");
	strcpy(r->issuer_url, ISS);
	r->issued_at = IAT;
	r->expires_at = IAT + 365 * 86400;
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	assert_non_null(f);
	assert_int_equal(cert_key_generate(&f->key), VB_OK);
	assert_int_equal(cert_key_generate(&f->other), VB_OK);
	assert_int_equal(cert_key_thumbprint(f->key, f->kid), VB_OK);
	assert_int_equal(trust_new(&f->trust), VB_OK);
	assert_int_equal(trust_add_key(f->trust, f->key, ISS, NULL), VB_OK);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	trust_free(f->trust);
	cert_key_free(f->key);
	cert_key_free(f->other);
	free(f);
	return 0;
}

static char *issue(const struct fx *f, size_t n_doses)
{
	struct ddcc_record r;
	record(&r, n_doses);
	struct vb_reason why = {0};
	char *p = NULL;
	int rc = cert_shc_issue(&r, f->key, &p, &why);
	if (rc)
		print_error("issue: %s %s\n", why.code ? why.code : "", why.text);
	assert_int_equal(rc, VB_OK);
	assert_non_null(p);
	return p;
}

/* ---- JWS helpers (tests take the card apart with public libraries) ---- */

struct jws {
	char text[CERT_SHC_JWS_MAX + 1];
	char *part[3];
	size_t len[3];
};

static void jws_split(const char *payload, struct jws *j)
{
	size_t n = 0;
	struct vb_reason why = {0};
	if (strncmp(payload, "shc:/", 5) == 0) {
		assert_int_equal(
		    cert_shc_numeric_decode(payload, j->text, sizeof j->text, &n, &why), VB_OK);
	} else {
		n = strlen(payload);
		assert_true(n < sizeof j->text);
		memcpy(j->text, payload, n + 1);
	}
	j->part[0] = j->text;
	j->part[1] = strchr(j->text, '.') + 1;
	j->part[2] = strchr(j->part[1], '.') + 1;
	j->len[0] = (size_t)(j->part[1] - j->part[0] - 1);
	j->len[1] = (size_t)(j->part[2] - j->part[1] - 1);
	j->len[2] = strlen(j->part[2]);
}

static size_t part_bytes(const struct jws *j, int i, uint8_t *out, size_t cap)
{
	size_t n = 0;
	assert_int_equal(b64url_decode(j->part[i], j->len[i], out, cap, &n), VB_OK);
	return n;
}

static char *raw_inflate(const uint8_t *in, size_t len, size_t *out_len)
{
	size_t cap = 1 << 20;
	char *out = malloc(cap + 1);
	assert_non_null(out);
	z_stream zs;
	memset(&zs, 0, sizeof zs);
	assert_int_equal(inflateInit2(&zs, -15), Z_OK);
	zs.next_in = (Bytef *)(uintptr_t)in;
	zs.avail_in = (uInt)len;
	zs.next_out = (Bytef *)out;
	zs.avail_out = (uInt)cap;
	assert_int_equal(inflate(&zs, Z_FINISH), Z_STREAM_END);
	*out_len = zs.total_out;
	out[zs.total_out] = '\0';
	inflateEnd(&zs);
	return out;
}

static size_t raw_deflate(const void *in, size_t len, uint8_t *out, size_t cap)
{
	z_stream zs;
	memset(&zs, 0, sizeof zs);
	assert_int_equal(deflateInit2(&zs, 9, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY), Z_OK);
	zs.next_in = (Bytef *)(uintptr_t)in;
	zs.avail_in = (uInt)len;
	zs.next_out = out;
	zs.avail_out = (uInt)cap;
	assert_int_equal(deflate(&zs, Z_FINISH), Z_STREAM_END);
	size_t n = zs.total_out;
	deflateEnd(&zs);
	return n;
}

static char *payload_json(const char *payload, size_t *len)
{
	struct jws j;
	jws_split(payload, &j);
	uint8_t def[4096];
	size_t n = part_bytes(&j, 1, def, sizeof def);
	return raw_inflate(def, n, len);
}

/*
 * A bare JWS of header text and body bytes (deflated first when deflate),
 * signed by key over the first two parts; sig_len other than 64 sends that
 * many bytes of the signature (a DER-sized one).
 */
static char *make_jws(const char *header, const void *body, size_t body_len, int deflate,
		      const struct cert_key *key, size_t sig_len)
{
	static uint8_t buf[1 << 17];
	size_t n = body_len;
	const uint8_t *b = body;
	if (deflate) {
		n = raw_deflate(body, body_len, buf, sizeof buf);
		b = buf;
	}
	size_t hl = b64url_encoded_len(strlen(header)), bl = b64url_encoded_len(n);
	size_t cap = hl + bl + 200;
	char *s = malloc(cap);
	assert_non_null(s);
	assert_int_equal(b64url_encode((const uint8_t *)header, strlen(header), s, cap), VB_OK);
	s[hl] = '.';
	assert_int_equal(b64url_encode(b, n, s + hl + 1, cap - hl - 1), VB_OK);
	uint8_t sig[72] = {0};
	assert_int_equal(cert_key_sign(key, (const uint8_t *)s, hl + 1 + bl, sig), VB_OK);
	s[hl + 1 + bl] = '.';
	assert_int_equal(b64url_encode(sig, sig_len, s + hl + 2 + bl, cap - hl - 2 - bl), VB_OK);
	return s;
}

static char *header_for(const struct fx *f)
{
	static char h[128];
	snprintf(h, sizeof h, "{\"zip\":\"DEF\",\"alg\":\"ES256\",\"kid\":\"%s\"}", f->kid);
	return h;
}

/* ---- the exact bytes ---- */

static const char golden_1dose[] =
    "{\"iss\":\"https://vaxbus.example.cn/issuer\",\"nbf\":1648771200,\"vc\":{\"type\":"
    "[\"https://smarthealth.cards#health-card\"],\"credentialSubject\":{\"fhirVersion\":"
    "\"4.0.1\",\"fhirBundle\":{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":"
    "[{\"fullUrl\":\"resource:0\",\"resource\":{\"resourceType\":\"Patient\",\"name\":"
    "[{\"family\":\"张\",\"given\":[\"建国\"]}],\"birthDate\":\"1980-05-17\"}},{\"fullUrl\":"
    "\"resource:1\",\"resource\":{\"resourceType\":\"Immunization\",\"status\":\"completed\","
    "\"vaccineCode\":{\"coding\":[{\"system\":\"http://hl7.org/fhir/sid/cvx\",\"code\":"
    "\"510\"}]},\"patient\":{\"reference\":\"resource:0\"},\"occurrenceDateTime\":"
    "\"2021-04-01\",\"performer\":[{\"actor\":{\"display\":\"Qingyang County CDC\"}}],"
    "\"lotNumber\":\"202104A017\"}}]}}}}";

static void test_payload_bytes(void **state)
{
	struct fx *f = *state;
	char *p = issue(f, 1);
	size_t n = 0;
	char *json = payload_json(p, &n);
	assert_string_equal(json, golden_1dose);
	assert_int_equal(n, strlen(golden_1dose));

	/* Raw DEFLATE at level 9, window 15: our deflate of the same text is
	 * byte for byte what the card holds; no zlib header (0x78). */
	struct jws j;
	jws_split(p, &j);
	uint8_t def[4096], again[4096];
	size_t dn = part_bytes(&j, 1, def, sizeof def);
	assert_int_equal(raw_deflate(json, n, again, sizeof again), dn);
	assert_memory_equal(def, again, dn);
	assert_int_not_equal(def[0], 0x78);
	free(json);
	free(p);
}

static void test_header_bytes(void **state)
{
	struct fx *f = *state;
	char *p = issue(f, 2);
	struct jws j;
	jws_split(p, &j);
	uint8_t h[256];
	size_t n = part_bytes(&j, 0, h, sizeof h - 1);
	h[n] = '\0';
	char want[128];
	snprintf(want, sizeof want, "{\"zip\":\"DEF\",\"alg\":\"ES256\",\"kid\":\"%s\"}", f->kid);
	assert_string_equal((char *)h, want);
	assert_int_equal(strlen(f->kid), 43);
	/* The signature is r||s, 64 bytes (86 characters). */
	uint8_t sig[128];
	assert_int_equal(part_bytes(&j, 2, sig, sizeof sig), 64);
	assert_int_equal(j.len[2], 86);
	/* The numeric form: two digits per JWS character. */
	assert_int_equal(strlen(p), 5 + 2 * strlen(j.text));
	free(p);
}

/* ---- members: only the allowed ones, none of the forbidden anywhere ---- */

static void members_exactly(const json_t *o, const char *const *want)
{
	assert_true(json_is_object(o));
	size_t n = 0;
	for (; want[n]; n++)
		assert_non_null(json_object_get(o, want[n]));
	assert_int_equal(json_object_size(o), n);
}

static void no_forbidden(const json_t *v, const char *parent, int depth)
{
	assert_true(depth < 32);
	if (json_is_array(v)) {
		for (size_t i = 0; i < json_array_size(v); i++)
			no_forbidden(json_array_get(v, i), parent, depth + 1);
		return;
	}
	if (!json_is_object(v))
		return;
	const char *k;
	json_t *c;
	json_object_foreach((json_t *)v, k, c)
	{
		assert_string_not_equal(k, "id");
		assert_string_not_equal(k, "text");
		assert_string_not_equal(k, "meta");
		assert_string_not_equal(k, "protocolApplied");
		if (strcmp(k, "display") == 0)
			assert_string_equal(parent, "actor");
		no_forbidden(c, k, depth + 1);
	}
}

static void test_members(void **state)
{
	struct fx *f = *state;
	for (size_t nd = 1; nd <= DDCC_MAX_DOSES; nd++) {
		char *p = issue(f, nd);
		size_t n = 0;
		char *text = payload_json(p, &n);
		json_error_t err;
		json_t *root = json_loadb(text, n, JSON_REJECT_DUPLICATES, &err);
		assert_non_null(root);
		no_forbidden(root, "", 0);
		members_exactly(root, (const char *const[]){"iss", "nbf", "vc", NULL});
		assert_true(json_is_integer(json_object_get(root, "nbf")));
		json_t *vc = json_object_get(root, "vc");
		members_exactly(vc, (const char *const[]){"type", "credentialSubject", NULL});
		json_t *cs = json_object_get(vc, "credentialSubject");
		members_exactly(cs, (const char *const[]){"fhirVersion", "fhirBundle", NULL});
		json_t *b = json_object_get(cs, "fhirBundle");
		members_exactly(b, (const char *const[]){"resourceType", "type", "entry", NULL});
		json_t *entries = json_object_get(b, "entry");
		assert_int_equal(json_array_size(entries), nd + 1);
		for (size_t i = 0; i <= nd; i++) {
			json_t *e = json_array_get(entries, i);
			members_exactly(e, (const char *const[]){"fullUrl", "resource", NULL});
			char url[16];
			snprintf(url, sizeof url, "resource:%zu", i);
			assert_string_equal(json_string_value(json_object_get(e, "fullUrl")), url);
			json_t *res = json_object_get(e, "resource");
			if (i == 0) {
				members_exactly(res, (const char *const[]){"resourceType", "name",
									   "birthDate", NULL});
				assert_int_equal(json_array_size(json_object_get(res, "name")), 1);
				members_exactly(json_array_get(json_object_get(res, "name"), 0),
						(const char *const[]){"family", "given", NULL});
				continue;
			}
			members_exactly(res, (const char *const[]){"resourceType", "status",
								   "vaccineCode", "patient",
								   "occurrenceDateTime",
								   "performer", "lotNumber", NULL});
			assert_string_equal(json_string_value(json_object_get(res, "status")),
					    "completed");
			assert_string_equal(
			    json_string_value(json_object_get(res, "occurrenceDateTime")),
			    dose_dates[i - 1]);
			assert_string_equal(json_string_value(json_object_get(res, "lotNumber")),
					    dose_lots[i - 1]);
			json_t *vcode = json_object_get(res, "vaccineCode");
			members_exactly(vcode, (const char *const[]){"coding", NULL});
			members_exactly(json_array_get(json_object_get(vcode, "coding"), 0),
					(const char *const[]){"system", "code", NULL});
			json_t *pat = json_object_get(res, "patient");
			members_exactly(pat, (const char *const[]){"reference", NULL});
			assert_string_equal(json_string_value(json_object_get(pat, "reference")),
					    "resource:0");
			json_t *perf = json_array_get(json_object_get(res, "performer"), 0);
			members_exactly(perf, (const char *const[]){"actor", NULL});
			members_exactly(json_object_get(perf, "actor"),
					(const char *const[]){"display", NULL});
		}
		json_decref(root);
		free(text);
		free(p);
	}
}

/* ---- round trips ---- */

static void test_round_trip(void **state)
{
	struct fx *f = *state;
	for (size_t nd = 1; nd <= DDCC_MAX_DOSES; nd++) {
		char *p = issue(f, nd);
		struct cert_verified v;
		assert_int_equal(cert_shc_verify(p, f->trust, IAT + 60, &v), VB_OK);
		assert_null(v.why.code);
		assert_int_equal(v.signature_valid, 1);
		assert_int_equal(v.format, CERT_SHC);
		assert_string_equal(v.issuer, ISS);
		assert_string_equal(v.kid, f->kid);
		assert_int_equal(v.issued_at, IAT);
		assert_int_equal(v.expires_at, 0);
		assert_int_equal(v.expired, 0);
		assert_string_equal(v.record.family, "张");
		assert_string_equal(v.record.given, "建国");
		assert_int_equal(v.record.birth, day("1980-05-17"));
		assert_string_equal(v.record.issuer_url, ISS);
		assert_int_equal(v.record.n_doses, nd);
		for (size_t i = 0; i < nd; i++) {
			assert_int_equal(v.record.doses[i].date, day(dose_dates[i]));
			assert_string_equal(v.record.doses[i].lot, dose_lots[i]);
			assert_string_equal(v.record.doses[i].cvx, "510");
			assert_string_equal(v.record.doses[i].performer, "Qingyang County CDC");
			assert_int_equal(v.record.doses[i].dose_number, 0);
		}
		/* The bare JWS verifies the same way. */
		struct jws j;
		jws_split(p, &j);
		assert_int_equal(cert_shc_verify(j.text, f->trust, IAT + 60, &v), VB_OK);
		assert_null(v.why.code);
		free(p);
	}
}

/* Given names split at spaces, joined back; codes without CVX. */
static void test_names_and_codes(void **state)
{
	struct fx *f = *state;
	static const struct {
		const char *given, *cvx, *vp;
		const char *want_given, *want_system;
	} rows[] = {
	    {"John B.", "207", "J07BX03", "John B.", CERT_SHC_CVX_SYSTEM},
	    {"  Ann   Marie ", "", "J07BX03", "Ann Marie", CERT_SHC_ATC_SYSTEM},
	    {"建国", "", "1119305005", "建国", CERT_SHC_SNOMED_SYSTEM},
	    {"   ", "511", "J07BX03", "", CERT_SHC_CVX_SYSTEM},
	};
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		struct ddcc_record r;
		record(&r, 1);
		strcpy(r.given, rows[i].given);
		strcpy(r.doses[0].cvx, rows[i].cvx);
		strcpy(r.doses[0].vaccine_code, rows[i].vp);
		struct vb_reason why = {0};
		char *p = NULL;
		assert_int_equal(cert_shc_issue(&r, f->key, &p, &why), VB_OK);
		size_t n = 0;
		char *text = payload_json(p, &n);
		json_t *root = json_loads(text, 0, NULL);
		json_t *entries =
		    json_object_get(json_object_get(json_object_get(json_object_get(root, "vc"),
								    "credentialSubject"),
						    "fhirBundle"),
				    "entry");
		json_t *name = json_array_get(
		    json_object_get(json_object_get(json_array_get(entries, 0), "resource"),
				    "name"),
		    0);
		json_t *given = json_object_get(name, "given");
		if (rows[i].want_given[0])
			assert_true(json_array_size(given) >= 1);
		else
			assert_null(given);
		json_t *coding = json_array_get(
		    json_object_get(
			json_object_get(json_object_get(json_array_get(entries, 1), "resource"),
					"vaccineCode"),
			"coding"),
		    0);
		assert_string_equal(json_string_value(json_object_get(coding, "system")),
				    rows[i].want_system);
		json_decref(root);
		free(text);

		struct cert_verified v;
		assert_int_equal(cert_shc_verify(p, f->trust, IAT, &v), VB_OK);
		assert_null(v.why.code);
		assert_string_equal(v.record.given, rows[i].want_given);
		if (rows[i].cvx[0]) {
			assert_string_equal(v.record.doses[0].cvx, rows[i].cvx);
			assert_string_equal(v.record.doses[0].vaccine_code, "");
		} else {
			assert_string_equal(v.record.doses[0].cvx, "");
			assert_string_equal(v.record.doses[0].vaccine_code, rows[i].vp);
		}
		free(p);
	}
	/* "John B." is two given names in FHIR. */
	struct ddcc_record r;
	record(&r, 1);
	strcpy(r.given, "John B.");
	struct vb_reason why = {0};
	char *p = NULL;
	assert_int_equal(cert_shc_issue(&r, f->key, &p, &why), VB_OK);
	size_t n = 0;
	char *text = payload_json(p, &n);
	assert_non_null(strstr(text, "\"given\":[\"John\",\"B.\"]"));
	free(text);
	free(p);
}

/* A dose without its own performer shows the record's issuer. */
static void test_performer_fallback(void **state)
{
	struct fx *f = *state;
	struct ddcc_record r;
	record(&r, 1);
	r.doses[0].performer[0] = '\0';
	strcpy(r.issuer, "Gansu CDC");
	struct vb_reason why = {0};
	char *p = NULL;
	assert_int_equal(cert_shc_issue(&r, f->key, &p, &why), VB_OK);
	struct cert_verified v;
	assert_int_equal(cert_shc_verify(p, f->trust, IAT, &v), VB_OK);
	assert_string_equal(v.record.doses[0].performer, "Gansu CDC");
	free(p);
	/* An empty lot is left out, not sent as "". */
	record(&r, 1);
	r.doses[0].lot[0] = '\0';
	assert_int_equal(cert_shc_issue(&r, f->key, &p, &why), VB_OK);
	size_t n = 0;
	char *text = payload_json(p, &n);
	assert_null(strstr(text, "lotNumber"));
	free(text);
	free(p);
}

/* ---- refusals on issue ---- */

/* n pseudo-random letters and digits (a fixed LCG: the same every run). */
static void random_text(char *out, size_t n, uint32_t seed)
{
	static const char set[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
	for (size_t i = 0; i < n; i++) {
		seed = seed * 1103515245u + 12345u;
		out[i] = set[(seed >> 16) % (sizeof set - 1)];
	}
	out[n] = '\0';
}

static void test_issue_refusals(void **state)
{
	struct fx *f = *state;
	static const struct {
		const char *what, *code;
	} rows[] = {
	    {"http issuer", "bad_url"},	     {"trailing slash", "bad_url"},
	    {"no https host", "bad_url"},    {"no vaccine code", "empty"},
	    {"odd vp code", "vaccine_code"}, {"cvx with space", "vaccine_code"},
	    {"no issuer", "empty"},	     {"bad utf8 performer", "bad_utf8"},
	    {"bad utf8 lot", "bad_utf8"},    {"too long", "too_long"},
	    {"no birth", "bad_date"},	     {"negative nbf", "issued_at"},
	};
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		struct ddcc_record r;
		record(&r, 1);
		switch (i) {
		case 0:
			strcpy(r.issuer_url, "http://vaxbus.example.cn/issuer");
			break;
		case 1:
			strcpy(r.issuer_url, ISS "/");
			break;
		case 2:
			strcpy(r.issuer_url, "https://");
			break;
		case 3:
			r.doses[0].cvx[0] = '\0';
			r.doses[0].vaccine_code[0] = '\0';
			break;
		case 4:
			r.doses[0].cvx[0] = '\0';
			strcpy(r.doses[0].vaccine_code, "COVID");
			break;
		case 5:
			strcpy(r.doses[0].cvx, "5 10");
			break;
		case 6:
			r.doses[0].performer[0] = '\0';
			r.issuer[0] = '\0';
			break;
		case 7:
			strcpy(r.doses[0].performer, "CDC \xff");
			break;
		case 8:
			strcpy(r.doses[0].lot, "A\xc3");
			break;
		case 9:
			/* Four doses with long, incompressible performers and lots. */
			record(&r, DDCC_MAX_DOSES);
			for (size_t d = 0; d < r.n_doses; d++) {
				random_text(r.doses[d].performer, DDCC_TEXT - 1, (uint32_t)d + 1);
				random_text(r.doses[d].lot, DDCC_CODE - 1, (uint32_t)d + 11);
			}
			break;
		case 10:
			r.birth = VBDATE_NONE;
			break;
		case 11:
			/* Before 1970: ddcc_check allows it, an SHC nbf cannot be. */
			r.birth = day("1940-03-01");
			r.doses[0].date = day("1960-06-01");
			r.issued_at = vbdate_to_unix(day("1960-06-02"));
			break;
		}
		struct vb_reason why = {0};
		char *p = (char *)"untouched";
		int rc = cert_shc_issue(&r, f->key, &p, &why);
		if (rc != VB_EINVAL || !why.code)
			print_error("%s: rc %d code %s\n", rows[i].what, rc,
				    why.code ? why.code : "(null)");
		assert_int_equal(rc, VB_EINVAL);
		assert_string_equal(why.code, rows[i].code);
		assert_string_equal(p, "untouched");
	}
	/* A record ddcc_check refuses (no doses) is refused too. */
	struct ddcc_record r;
	record(&r, 1);
	r.n_doses = 0;
	struct vb_reason why = {0};
	char *p = NULL;
	assert_int_equal(cert_shc_issue(&r, f->key, &p, &why), VB_EINVAL);
	assert_non_null(why.code);
	assert_null(p);
	/* A public key cannot sign. */
	uint8_t x[32], y[32];
	struct cert_key *pub = NULL;
	assert_int_equal(cert_key_xy(f->key, x, y), VB_OK);
	assert_int_equal(cert_key_from_xy(x, y, &pub), VB_OK);
	record(&r, 1);
	assert_int_not_equal(cert_shc_issue(&r, pub, &p, &why), VB_OK);
	assert_null(p);
	cert_key_free(pub);
}

/* ---- QR ---- */

static void test_qr(void **state)
{
	struct fx *f = *state;
	static const size_t doses[] = {1, 3};
	for (size_t i = 0; i < 2; i++) {
		char *p = issue(f, doses[i]);
		QRcode *qr = NULL;
		assert_int_equal(cert_shc_qr(p, &qr), VB_OK);
		QRcode *bytes = QRcode_encodeString8bit(p, 0, QR_ECLEVEL_L);
		QRcode *m = QRcode_encodeString(p, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
		assert_non_null(bytes);
		assert_non_null(m);
		print_message("shc QR, %zu dose(s): %zu digits -> version %d at ECC L "
			      "(%d at M; %d with the digits in byte mode)\n",
			      doses[i], strlen(p) - 5, qr->version, m->version, bytes->version);
		assert_true(qr->version <= CERT_SHC_QR_MAX_VERSION);
		/* The numeric segment is used: byte mode needs a larger symbol. */
		assert_true(qr->version < bytes->version);
		assert_int_equal(qr->width, 17 + 4 * qr->version);
		QRcode_free(m);
		QRcode_free(bytes);
		QRcode_free(qr);
		free(p);
	}
	/* The largest JWS a card may have (1195 characters) fits version 22;
	 * more does not. */
	char *big = malloc(5 + 2 * 1196 + 1);
	assert_non_null(big);
	memcpy(big, "shc:/", 5);
	for (size_t i = 0; i < 2 * 1196; i++)
		big[5 + i] = (char)('0' + (i * 7 + 3) % 8);
	big[5 + 2 * 1195] = '\0';
	QRcode *qr = NULL;
	assert_int_equal(cert_shc_qr(big, &qr), VB_OK);
	assert_true(qr->version <= 22);
	print_message("shc QR, 1195-character JWS: version %d at ECC L\n", qr->version);
	QRcode_free(qr);
	big[5 + 2 * 1195] = '1';
	big[5 + 2 * 1196] = '\0'; /* 1196 characters: version 23 */
	qr = NULL;
	assert_int_equal(cert_shc_qr(big, &qr), VB_ERANGE);
	assert_null(qr);
	free(big);
	/* Not a single-QR numeric payload. */
	static const char *const bad[] = {"shc:/",     "shc:/123",   "shc:/1/2/5676",
					  "shc:/56a7", "HC1:6BFOXN", "shc:5676",
					  "",	       " shc:/5676"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		qr = NULL;
		assert_int_equal(cert_shc_qr(bad[i], &qr), VB_EINVAL);
		assert_null(qr);
	}
}

/* ---- numeric form ---- */

static void test_numeric(void **state)
{
	(void)state;
	char *s = NULL;
	assert_int_equal(cert_shc_numeric_encode("-.09AZaz_", &s), VB_OK);
	/* ord - 45: '-' 00, '.' 01, '0' 03, '9' 12, 'A' 20, 'Z' 45, 'a' 52,
	 * 'z' 77, '_' 50 */
	assert_string_equal(s, "shc:/000103122045527750");
	free(s);
	char jws[64];
	size_t n = 0;
	struct vb_reason why = {0};
	assert_int_equal(
	    cert_shc_numeric_decode("shc:/000103122045527750", jws, sizeof jws, &n, &why), VB_OK);
	assert_string_equal(jws, "-.09AZaz_");
	assert_int_equal(n, 9);
	assert_int_equal(cert_shc_numeric_encode("a+b", &s), VB_EINVAL);
	assert_int_equal(cert_shc_numeric_encode("", &s), VB_EINVAL);
	assert_int_equal(cert_shc_numeric_decode("shc:/0001", jws, 2, &n, &why), VB_ERANGE);
}

/* ---- verify refusals: decoding, structure, trust, time ---- */

static void expect(const struct fx *f, const char *payload, int64_t now, int rc, const char *code,
		   int sig_valid)
{
	struct cert_verified v;
	memset(&v, 0x5a, sizeof v);
	int got = cert_shc_verify(payload, f->trust, now, &v);
	if (got != rc || !v.why.code || strcmp(v.why.code, code) != 0)
		print_error("want %d %s, got %d %s (%s)\n", rc, code, got,
			    v.why.code ? v.why.code : "(null)", v.why.text);
	assert_int_equal(got, rc);
	assert_non_null(v.why.code);
	assert_string_equal(v.why.code, code);
	assert_int_equal(v.signature_valid, sig_valid);
	assert_int_equal(v.format, CERT_SHC);
}

static void test_verify_encoding(void **state)
{
	struct fx *f = *state;
	char *p = issue(f, 1);
	struct jws j;
	jws_split(p, &j);
	size_t pn = strlen(p);
	char *buf = malloc(pn + 64);
	assert_non_null(buf);

	static const struct {
		const char *text, *code;
	} fixed[] = {
	    {"", "bad_prefix"},
	    {"shc:", "bad_prefix"},
	    {"SHC:/5676", "bad_prefix"},
	    {" shc:/5676", "bad_prefix"},
	    {"shc:5676", "bad_prefix"},
	    {"shc:/1/1/5676", "bad_prefix"},
	    {"shc:/3/2/5676", "bad_prefix"},
	    {"shc:/0/2/5676", "bad_prefix"},
	    {"shc:/1/17/5676", "chunked"},
	    {"shc:/2/3/5676", "chunked"},
	    {"shc:/", "numeric"},
	    {"shc:/567", "numeric"},
	    {"shc:/5678", "numeric"},
	    {"shc:/56 6", "numeric"},
	    {"HC1:NCFOXN", "bad_prefix"},
	    {".abc.def", "bad_prefix"},
	    {"abc", "jws"},
	    {"abc.def", "jws"},
	    {"a.b.c.d", "jws"},
	    {".", "bad_prefix"},
	    {"eyJ.eyJ.x", "base64url"},
	    {"e+J.abc.def", "base64url"},
	    {"shc:/0101", "jws"},
	    {"abcd..sig", "jws"},
	};
	for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
		expect(f, fixed[i].text, IAT, VB_EINVAL, fixed[i].code, 0);
	expect(f, NULL, IAT, VB_EINVAL, "bad_prefix", 0);

	/* Trailing whitespace or a newline after the digits. */
	snprintf(buf, pn + 64, "%s\n", p);
	expect(f, buf, IAT, VB_EINVAL, "numeric", 0);
	/* Odd count: one digit dropped. */
	snprintf(buf, pn + 64, "%s", p);
	buf[pn - 1] = '\0';
	expect(f, buf, IAT, VB_EINVAL, "numeric", 0);
	/* Too long. */
	char *huge = malloc(5 + 2 * CERT_SHC_JWS_MAX + 3);
	assert_non_null(huge);
	memcpy(huge, "shc:/", 5);
	memset(huge + 5, '5', 2 * CERT_SHC_JWS_MAX + 2);
	huge[5 + 2 * CERT_SHC_JWS_MAX + 2] = '\0';
	expect(f, huge, IAT, VB_EINVAL, "too_long", 0);
	memset(huge, 'A', CERT_SHC_JWS_MAX + 1);
	huge[CERT_SHC_JWS_MAX + 1] = '\0';
	expect(f, huge, IAT, VB_EINVAL, "too_long", 0);
	free(huge);

	/* Non-canonical base64url: the signature's last character carries 2
	 * unused bits; setting them keeps the bytes but must be refused. */
	snprintf(buf, pn + 64, "%s", j.text);
	char *last = buf + strlen(buf) - 1;
	static const char alphabet[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	int v = (int)(strchr(alphabet, *last) - alphabet);
	assert_int_equal(v & 3, 0);
	*last = alphabet[v | 1];
	expect(f, buf, IAT, VB_EINVAL, "base64url", 0);
	/* Padding. */
	snprintf(buf, pn + 64, "%s==", j.text);
	expect(f, buf, IAT, VB_EINVAL, "base64url", 0);
	free(buf);
	free(p);
}

static void test_verify_structure(void **state)
{
	struct fx *f = *state;
	char body[4096];
	snprintf(body, sizeof body, "%s", golden_1dose);
	const char *h = header_for(f);
	char hbuf[256];
	static const struct {
		const char *header;    /* NULL: the right one */
		const char *from, *to; /* replace in the golden payload */
		int deflate;
		const char *code;
	} rows[] = {
	    {"{\"alg\":\"ES256\",\"kid\":\"K\"}", NULL, NULL, 1, "jws_header"},
	    {"{\"zip\":\"DEF\",\"kid\":\"K\"}", NULL, NULL, 1, "jws_header"},
	    {"{\"zip\":\"DEF\",\"alg\":\"ES256\"}", NULL, NULL, 1, "jws_header"},
	    {"{\"zip\":\"DEF\",\"alg\":\"RS256\",\"kid\":\"K\"}", NULL, NULL, 1, "jws_header"},
	    {"{\"zip\":\"GZIP\",\"alg\":\"ES256\",\"kid\":\"K\"}", NULL, NULL, 1, "jws_header"},
	    {"{\"zip\":\"DEF\",\"alg\":\"ES256\",\"kid\":\"\"}", NULL, NULL, 1, "jws_header"},
	    {"{\"zip\":\"DEF\",\"alg\":\"ES256\",\"kid\":7}", NULL, NULL, 1, "jws_header"},
	    {"{\"zip\":\"DEF\",\"alg\":\"ES256\",\"kid\":\"K\",\"crit\":[\"x\"]}", NULL, NULL, 1,
	     "jws_header"},
	    {"{\"zip\":\"DEF\",\"zip\":\"DEF\",\"alg\":\"ES256\",\"kid\":\"K\"}", NULL, NULL, 1,
	     "jws_header"},
	    {"[\"zip\"]", NULL, NULL, 1, "jws_header"},
	    {"not json", NULL, NULL, 1, "jws_header"},
	    {NULL, NULL, NULL, 0, "zlib"},
	    {NULL, "{\"iss\"", "\xef\xbb\xbf{\"iss\"", 1, "json"},
	    {NULL, "}}}}", "}}}", 1, "json"},
	    {NULL, "{\"iss\"", "[{\"iss\"", 1, "json"},
	    {NULL, "\"nbf\":1648771200", "\"nbf\":\"1648771200\"", 1, "schema"},
	    {NULL, "\"nbf\":1648771200", "\"iat\":1648771200", 1, "schema"},
	    {NULL, "\"nbf\":1648771200", "\"nbf\":-5", 1, "schema"},
	    {NULL, "\"nbf\":1648771200", "\"nbf\":1648771200,\"exp\":\"x\"", 1, "schema"},
	    {NULL, "https://vaxbus.example.cn/issuer", "http://vaxbus.example.cn/issuer", 1,
	     "bad_url"},
	    {NULL, "https://vaxbus.example.cn/issuer", "https://vaxbus.example.cn/", 1, "bad_url"},
	    {NULL, "\"iss\":\"https://vaxbus.example.cn/issuer\"", "\"iss\":7", 1, "schema"},
	    {NULL, "smarthealth.cards#health-card", "smarthealth.cards#wrong-card", 1, "schema"},
	    {NULL, "[\"https://smarthealth.cards#health-card\"]", "[7]", 1, "schema"},
	    {NULL, "\"4.0.1\"", "\"3.0.2\"", 1, "schema"},
	    {NULL, "\"collection\"", "\"document\"", 1, "schema"},
	    {NULL, "\"Bundle\"", "\"Bundles\"", 1, "schema"},
	    {NULL, "\"entry\":[", "\"entry\":[],\"x\":[", 1, "schema"},
	    {NULL, "\"completed\"", "\"entered-in-error\"", 1, "schema"},
	    {NULL, "\"2021-04-01\"", "\"2021-02-30\"", 1, "schema"},
	    {NULL, "\"2021-04-01\"", "\"2021\"", 1, "schema"},
	    {NULL, "\"2021-04-01\"", "\"2021-04-01 10:00\"", 1, "schema"},
	    {NULL, "\"1980-05-17\"", "\"1980-5-17\"", 1, "schema"},
	    {NULL, "\"family\":\"张\"", "\"family\":[\"张\"]", 1, "schema"},
	    {NULL, "\"given\":[\"建国\"]", "\"given\":[7]", 1, "schema"},
	    {NULL, "\"lotNumber\":\"202104A017\"", "\"lotNumber\":202104", 1, "schema"},
	    {NULL, "\"coding\":[{", "\"coding\":[7,{", 1, "schema"},
	    {NULL, "\"coding\":[{\"system\":\"http://hl7.org/fhir/sid/cvx\",\"code\":\"510\"}]",
	     "\"coding\":[]", 1, "schema"},
	    {NULL, "{\"fullUrl\":\"resource:1\",\"resource\":{",
	     "{\"fullUrl\":\"resource:1\",\"resource\":{\"resourceType\":\"Patient\"}},"
	     "{\"fullUrl\":\"resource:2\",\"resource\":{",
	     1, "schema"},
	    {NULL, "{\"fullUrl\":\"resource:1\",\"resource\":{",
	     "{\"fullUrl\":\"resource:1\",\"x\":{", 1, "schema"},
	    {NULL, "\"display\":\"Qingyang County CDC\"", "\"display\":{}", 1, "schema"},
	};
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		char text[8192];
		snprintf(text, sizeof text, "%s", body);
		if (rows[i].from) {
			char *at = strstr(text, rows[i].from);
			assert_non_null(at);
			char tail[8192];
			snprintf(tail, sizeof tail, "%s", at + strlen(rows[i].from));
			snprintf(at, sizeof text - (size_t)(at - text), "%s%s", rows[i].to, tail);
		}
		const char *hdr = h;
		if (rows[i].header) {
			/* "K" stands for our kid. */
			const char *k = strstr(rows[i].header, "\"K\"");
			if (k)
				snprintf(hbuf, sizeof hbuf, "%.*s\"%s\"%s",
					 (int)(k - rows[i].header), rows[i].header, f->kid, k + 3);
			else
				snprintf(hbuf, sizeof hbuf, "%s", rows[i].header);
			hdr = hbuf;
		}
		char *jws = make_jws(hdr, text, strlen(text), rows[i].deflate, f->key, 64);
		expect(f, jws, IAT, VB_EINVAL, rows[i].code, 0);
		free(jws);
	}

	/* Bytes after the end of the DEFLATE stream. */
	uint8_t def[8192];
	size_t n = raw_deflate(body, strlen(body), def, sizeof def - 4);
	memcpy(def + n, "junk", 4);
	char *jws = make_jws(h, def, n + 4, 0, f->key, 64);
	expect(f, jws, IAT, VB_EINVAL, "zlib", 0);
	free(jws);
	/* A truncated DEFLATE stream. */
	jws = make_jws(h, def, n / 2, 0, f->key, 64);
	expect(f, jws, IAT, VB_EINVAL, "zlib", 0);
	free(jws);

	/* A payload inflating past 64 KiB (a bomb of spaces) is refused; one
	 * just under the cap is read. */
	static char bomb[CERT_SHC_INFLATED_MAX + 16];
	for (int over = 0; over < 2; over++) {
		size_t len = strlen(body);
		size_t target = over ? CERT_SHC_INFLATED_MAX + 1 : CERT_SHC_INFLATED_MAX;
		bomb[0] = '{';
		memset(bomb + 1, ' ', target - len);
		memcpy(bomb + 1 + target - len, body + 1, len - 1);
		bomb[target] = '\0';
		assert_int_equal(strlen(bomb), target);
		jws = make_jws(h, bomb, target, 1, f->key, 64);
		struct cert_verified v;
		int rc = cert_shc_verify(jws, f->trust, IAT, &v);
		if (over) {
			assert_int_equal(rc, VB_EINVAL);
			assert_string_equal(v.why.code, "zlib");
		} else {
			assert_int_equal(rc, VB_OK);
			assert_null(v.why.code);
		}
		free(jws);
	}
}

static void test_verify_trust_and_time(void **state)
{
	struct fx *f = *state;
	const char *h = header_for(f);
	char *p = issue(f, 1);

	/* Time: not yet valid before nbf (the signature itself checks), valid
	 * at nbf, expired after exp. */
	expect(f, p, IAT - 1, VB_OK, "not_yet_valid", 1);
	struct cert_verified v;
	assert_int_equal(cert_shc_verify(p, f->trust, IAT, &v), VB_OK);
	assert_null(v.why.code);
	char text[4096];
	snprintf(text, sizeof text, "%s", golden_1dose);
	char *at = strstr(text, "\"vc\"");
	char tail[4096];
	snprintf(tail, sizeof tail, "%s", at);
	snprintf(at, sizeof text - (size_t)(at - text), "\"exp\":%d,%s", IAT + 100, tail);
	char *jws = make_jws(h, text, strlen(text), 1, f->key, 64);
	assert_int_equal(cert_shc_verify(jws, f->trust, IAT + 100, &v), VB_OK);
	assert_null(v.why.code);
	assert_int_equal(v.expires_at, IAT + 100);
	expect(f, jws, IAT + 101, VB_OK, "expired", 1);
	assert_int_equal(cert_shc_verify(jws, f->trust, IAT + 101, &v), VB_OK);
	assert_int_equal(v.expired, 1);
	free(jws);
	/* nbf with a fraction (as the spec examples have). */
	snprintf(text, sizeof text, "%s", golden_1dose);
	at = strstr(text, "1648771200");
	memcpy(at, "1648771200.5", 12);
	snprintf(at + 12, sizeof text - (size_t)(at + 12 - text), "%s",
		 strstr(golden_1dose, "1648771200") + 10);
	jws = make_jws(h, text, strlen(text), 1, f->key, 64);
	expect(f, jws, IAT, VB_OK, "not_yet_valid", 1);
	assert_int_equal(cert_shc_verify(jws, f->trust, IAT + 1, &v), VB_OK);
	assert_null(v.why.code);
	assert_int_equal(v.issued_at, IAT);
	free(jws);

	/* Trust: another issuer; our issuer with another key's kid; our kid
	 * but another key's signature; no trust list at all. */
	snprintf(text, sizeof text, "%s", golden_1dose);
	at = strstr(text, "vaxbus.example.cn");
	memcpy(at, "vaxbus.example.hk", 17);
	jws = make_jws(h, text, strlen(text), 1, f->key, 64);
	expect(f, jws, IAT, VB_OK, "unknown_issuer", 0);
	free(jws);
	char other_kid[CERT_KID_B64_MAX], oh[128];
	assert_int_equal(cert_key_thumbprint(f->other, other_kid), VB_OK);
	snprintf(oh, sizeof oh, "{\"zip\":\"DEF\",\"alg\":\"ES256\",\"kid\":\"%s\"}", other_kid);
	jws = make_jws(oh, golden_1dose, strlen(golden_1dose), 1, f->other, 64);
	expect(f, jws, IAT, VB_OK, "unknown_kid", 0);
	free(jws);
	jws = make_jws(h, golden_1dose, strlen(golden_1dose), 1, f->other, 64);
	expect(f, jws, IAT, VB_OK, "signature", 0);
	free(jws);
	assert_int_equal(cert_shc_verify(p, NULL, IAT, &v), VB_OK);
	assert_string_equal(v.why.code, "unknown_issuer");
	assert_int_equal(v.signature_valid, 0);
	/* A signature of the wrong size (a DER one is 70..72 bytes). */
	jws = make_jws(h, golden_1dose, strlen(golden_1dose), 1, f->key, 71);
	expect(f, jws, IAT, VB_OK, "signature_format", 0);
	free(jws);
	jws = make_jws(h, golden_1dose, strlen(golden_1dose), 1, f->key, 0);
	expect(f, jws, IAT, VB_OK, "signature_format", 0);
	free(jws);
	free(p);
}

/* A foreign card: six doses out of order, a lab Observation, codes from
 * several systems, a dateTime with a time, extra members (rid, meta). The
 * four latest doses are kept, oldest first. */
static void test_verify_foreign(void **state)
{
	struct fx *f = *state;
	static const char card[] =
	    "{\"iss\":\"https://vaxbus.example.cn/issuer\",\"nbf\":1648771200,\"vc\":{\"type\":"
	    "[\"https://smarthealth.cards#health-card\",\"https://"
	    "smarthealth.cards#immunization\"],"
	    "\"credentialSubject\":{\"fhirVersion\":\"4.0.1\",\"fhirBundle\":{\"resourceType\":"
	    "\"Bundle\",\"type\":\"collection\",\"entry\":["
	    "{\"fullUrl\":\"resource:0\",\"resource\":{\"resourceType\":\"Patient\",\"name\":"
	    "[{\"family\":\"Anyperson\",\"given\":[\"John\",\"B.\"]}],\"birthDate\":\"1951\"}},"
	    "{\"resource\":{\"resourceType\":\"Immunization\",\"status\":\"completed\","
	    "\"vaccineCode\":{\"coding\":[{\"system\":\"http://hl7.org/fhir/sid/cvx\",\"code\":"
	    "\"207\"}]},\"occurrenceDateTime\":\"2021-03-01\"}},"
	    "{\"resource\":{\"resourceType\":\"Immunization\",\"status\":\"completed\","
	    "\"vaccineCode\":{\"coding\":[{\"system\":\"http://snomed.info/sct\",\"code\":"
	    "\"1119349007\"}]},\"occurrenceDateTime\":\"2021-01-01T10:00:00Z\","
	    "\"lotNumber\":\"L1\"}},"
	    "{\"resource\":{\"resourceType\":\"Observation\",\"status\":\"final\"}},"
	    "{\"resource\":{\"resourceType\":\"Immunization\",\"status\":\"completed\","
	    "\"vaccineCode\":{\"coding\":[{\"code\":\"x\"},{\"system\":"
	    "\"https://www.whocc.no/atc_ddd_index/\",\"code\":\"J07BX03\"}]},"
	    "\"occurrenceDateTime\":\"2022-01-01\",\"meta\":{\"security\":[{\"code\":\"IAL1\"}]}}},"
	    "{\"resource\":{\"resourceType\":\"Immunization\",\"status\":\"completed\","
	    "\"vaccineCode\":{\"coding\":[{\"system\":\"http://hl7.org/fhir/sid/cvx\",\"code\":"
	    "\"229\"}]},\"occurrenceDateTime\":\"2022-09-05\",\"performer\":[{\"actor\":"
	    "{\"display\":\"ABC General Hospital\"}}]}},"
	    "{\"resource\":{\"resourceType\":\"Immunization\",\"status\":\"completed\","
	    "\"vaccineCode\":{\"coding\":[{\"system\":\"http://hl7.org/fhir/sid/cvx\",\"code\":"
	    "\"208\"}]},\"occurrenceDateTime\":\"2021-06-01\"}},"
	    "{\"resource\":{\"resourceType\":\"Immunization\",\"status\":\"completed\","
	    "\"vaccineCode\":{\"coding\":[{\"system\":\"http://hl7.org/fhir/sid/cvx\",\"code\":"
	    "\"210\"}]},\"occurrenceDateTime\":\"2020-12-24\"}}"
	    "]}},\"rid\":\"MKyCxh7p6uQ\"}}";
	char *jws = make_jws(header_for(f), card, strlen(card), 1, f->key, 64);
	struct cert_verified v;
	assert_int_equal(cert_shc_verify(jws, f->trust, IAT, &v), VB_OK);
	assert_null(v.why.code);
	assert_string_equal(v.record.family, "Anyperson");
	assert_string_equal(v.record.given, "John B.");
	assert_int_equal(v.record.birth, VBDATE_NONE); /* a year only */
	assert_int_equal(v.record.n_doses, 4);
	static const struct {
		const char *date, *cvx, *vp;
	} want[] = {
	    {"2021-03-01", "207", ""},
	    {"2021-06-01", "208", ""},
	    {"2022-01-01", "", "J07BX03"},
	    {"2022-09-05", "229", ""},
	};
	for (size_t i = 0; i < 4; i++) {
		assert_int_equal(v.record.doses[i].date, day(want[i].date));
		assert_string_equal(v.record.doses[i].cvx, want[i].cvx);
		assert_string_equal(v.record.doses[i].vaccine_code, want[i].vp);
	}
	assert_string_equal(v.record.doses[3].performer, "ABC General Hospital");
	free(jws);
}

/* ---- tampering ---- */

static char *rebuild(const struct jws *j, int part, const uint8_t *bytes, size_t n)
{
	size_t cap = CERT_SHC_JWS_MAX + 8;
	char *s = malloc(cap);
	assert_non_null(s);
	size_t o = 0;
	for (int i = 0; i < 3; i++) {
		if (i)
			s[o++] = '.';
		if (i == part) {
			assert_int_equal(b64url_encode(bytes, n, s + o, cap - o), VB_OK);
			o += strlen(s + o);
		} else {
			memcpy(s + o, j->part[i], j->len[i]);
			o += j->len[i];
		}
	}
	s[o] = '\0';
	return s;
}

static void test_tamper_bits(void **state)
{
	struct fx *f = *state;
	char *p = issue(f, 1);
	struct jws j;
	jws_split(p, &j);
	size_t counts[2] = {0, 0};
	const char *codes[16] = {0};
	size_t code_n[16] = {0};
	for (int part = 1; part <= 2; part++) {
		uint8_t bytes[4096];
		size_t n = part_bytes(&j, part, bytes, sizeof bytes);
		for (size_t bit = 0; bit < n * 8; bit++) {
			bytes[bit / 8] ^= (uint8_t)(1u << (bit % 8));
			char *t = rebuild(&j, part, bytes, n);
			bytes[bit / 8] ^= (uint8_t)(1u << (bit % 8));
			struct cert_verified v;
			int rc = cert_shc_verify(t, f->trust, IAT, &v);
			assert_true(rc == VB_OK || rc == VB_EINVAL);
			assert_int_equal(v.signature_valid, 0);
			assert_non_null(v.why.code);
			size_t c = 0;
			while (codes[c] && strcmp(codes[c], v.why.code) != 0)
				c++;
			assert_true(c < 15);
			codes[c] = v.why.code;
			code_n[c]++;
			counts[part - 1]++;
			free(t);
		}
	}
	print_message("tamper: %zu payload bits and %zu signature bits flipped, all refused:",
		      counts[0], counts[1]);
	for (size_t c = 0; codes[c]; c++)
		print_message(" %s %zu", codes[c], code_n[c]);
	print_message("\n");
	assert_int_equal(counts[1], 512);
	free(p);
}

static void test_tamper_digits(void **state)
{
	struct fx *f = *state;
	char *p = issue(f, 1);
	size_t n = strlen(p), refused = 0;
	for (size_t i = 5; i < n; i++) {
		char was = p[i];
		p[i] = (char)('0' + (was - '0' + 1) % 10);
		struct cert_verified v;
		cert_shc_verify(p, f->trust, IAT, &v);
		assert_int_equal(v.signature_valid, 0);
		assert_non_null(v.why.code);
		refused++;
		p[i] = was;
	}
	struct cert_verified v;
	assert_int_equal(cert_shc_verify(p, f->trust, IAT, &v), VB_OK);
	assert_null(v.why.code);
	print_message("tamper: each of %zu digits changed in turn, all refused\n", refused);
	free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_payload_bytes, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_header_bytes, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_members, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_round_trip, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_names_and_codes, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_performer_fallback, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_issue_refusals, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_qr, setup, teardown),
	    cmocka_unit_test(test_numeric),
	    cmocka_unit_test_setup_teardown(test_verify_encoding, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_verify_structure, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_verify_trust_and_time, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_verify_foreign, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_tamper_bits, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_tamper_digits, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
