/*
 * certificate: the DDCC:VS record captured from a store in a scratch
 * directory and the shipped catalog (names and ICAO, the masked number,
 * the series history up to the visit's dose, codes, centre, UVCI, issuer,
 * validity, next dose), its refusals; keys init, the signer and its
 * mismatch; issuing both formats, a reissue returning the stored payload,
 * the trust list verifying what the bus signed (also after a new key);
 * the receipt's QR dots equal to the payload's symbol.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sys/stat.h>

#include "../store/store_repo_test.h"
#include "catalog.h"
#include "catalog_file.h"
#include "certificate.h"
#include "config.h"
#include "fontfind.h"
#include "store_cert.h"

#define DAY1 "2021-04-08"
#define DAY2 "2021-06-01"

struct world {
	struct repo_fx *f;
	struct catalog *cat;
	struct person p;
	struct store_visit v1, v2;
	struct store_dose d1, d2;
	char key[400];
};

static void give_dose(struct store *st, struct store_visit *v, const char *person_id,
		      const char *day, const char *lot, int number, struct store_dose *d)
{
	int64_t at = repo_at(day, 9, 30);
	repo_add_visit(st, person_id, day, repo_at(day, 9, 0), v);
	*d = repo_bus_dose(v, "bbibp-corv", lot, number, at);
	assert_int_equal(store_begin(st), VB_OK);
	assert_int_equal(store_dose_add(st, d, REPO_STAFF, at), VB_OK);
	assert_int_equal(store_commit(st), VB_OK);
}

static int setup(void **state)
{
	struct world *w = calloc(1, sizeof(*w));
	char err[300];
	assert_non_null(w);
	w->f = repo_open(1);
	struct store *st = w->f->st;
	assert_int_equal(catalog_file_load(VB_ASSETS_DIR "/vaccines/covid19-cn-2021.json", &w->cat,
					   err, sizeof(err)),
			 VB_OK);
	repo_person(&w->p, "张建国", "19500101", "013", "", "");
	repo_add_person(st, &w->p);
	struct stock_lot l1 = repo_lot("bbibp-corv", "B1", 10, 1),
			 l2 = repo_lot("bbibp-corv", "B2", 10, 1);
	repo_add_lot(st, &l1, repo_at(DAY1, 7, 0));
	repo_add_lot(st, &l2, repo_at(DAY1, 7, 0));
	give_dose(st, &w->v1, w->p.id, DAY1, "B1", 1, &w->d1);
	give_dose(st, &w->v2, w->p.id, DAY2, "B2", 2, &w->d2);
	tdir_file(&w->f->dir, "signing-key.pem", w->key, sizeof(w->key));
	*state = w;
	return 0;
}

static int teardown(void **state)
{
	struct world *w = *state;
	struct repo_fx *f = w->f;
	catalog_free(w->cat);
	free(w);
	return repo_teardown((void **)&f);
}

static void test_capture(void **state)
{
	struct world *w = *state;
	struct store *st = w->f->st;
	struct ddcc_record r;
	struct certificate_source src;
	struct vb_reason why = {0};
	int64_t now = repo_at(DAY2, 10, 0);
	assert_int_equal(certificate_capture(st, w->cat, w->v2.id, NULL, now, &r, &src, &why),
			 VB_OK);
	assert_null(why.code);
	assert_string_equal(r.family, "张");
	assert_string_equal(r.given, "建国");
	assert_string_equal(r.family_icao, "ZHANG");
	assert_string_equal(r.given_icao, "JIANGUO");
	assert_int_equal(r.birth, repo_day("1950-01-01"));
	char masked[64];
	assert_int_equal(iddoc_mask(&w->p.doc, masked, sizeof(masked)), VB_OK);
	assert_string_equal(r.identifier, masked);
	assert_null(strstr(r.identifier, w->p.doc.number));
	/* The whole series up to this dose. */
	assert_int_equal(r.n_doses, 2);
	static const char *const lots[] = {"B1", "B2"};
	static const char *const days[] = {DAY1, DAY2};
	for (int i = 0; i < 2; i++) {
		const struct ddcc_dose *d = &r.doses[i];
		assert_int_equal(d->dose_number, i + 1);
		assert_int_equal(d->series_doses, 2);
		assert_int_equal(d->date, repo_day(days[i]));
		assert_string_equal(d->lot, lots[i]);
		assert_string_equal(d->vaccine_code, "1157024006");
		assert_string_equal(d->brand, "BBIBP-CorV");
		assert_string_equal(d->holder, "ORG-100020693");
		assert_string_equal(d->cvx, "510");
		assert_string_equal(d->country, "CN");
		assert_string_equal(d->centre, "vaxbus " REPO_BUS " " REPO_SITE);
		assert_string_equal(d->performer, "vaxbus " REPO_BUS);
		assert_true(strstr(d->product_name, "BBIBP-CorV") != NULL);
	}
	assert_string_equal(r.disease, "840539006");
	assert_int_equal(r.next_dose, VBDATE_NONE); /* series complete */
	/* The certificate. */
	char uvci[100], *o = uvci + sprintf(uvci, "URN:UVCI:01:CN:BUS0042/");
	for (const char *c = w->d2.id; *c; c++)
		if (*c != '-')
			*o++ = (char)(*c >= 'a' && *c <= 'f' ? *c - 'a' + 'A' : *c);
	*o = '\0';
	assert_string_equal(r.certificate_id, uvci);
	assert_true(strlen(r.certificate_id) <= 80);
	assert_string_equal(r.issuer, "vaxbus " REPO_BUS);
	assert_string_equal(r.issuer_country, "CN");
	assert_string_equal(r.issuer_url, "https://vaxbus.invalid/" REPO_BUS);
	assert_int_equal(r.issued_at, now);
	assert_int_equal(r.expires_at, repo_at("2022-06-01", 10, 0));
	assert_int_equal(ddcc_check(&r, &why), VB_OK);
	assert_string_equal(src.visit_id, w->v2.id);
	assert_string_equal(src.dose_id, w->d2.id);
	assert_string_equal(src.person_id, w->p.id);
	assert_string_equal(src.product, "bbibp-corv");

	/* The first dose's certificate: only the doses up to it, and when the
	 * next one is due; an explicit issuer URL. */
	assert_int_equal(certificate_capture(st, w->cat, w->v1.id, "https://bus.example/7",
					     repo_at(DAY1, 10, 0), &r, &src, &why),
			 VB_OK);
	assert_int_equal(r.n_doses, 1);
	assert_int_equal(r.doses[0].dose_number, 1);
	assert_int_equal(r.next_dose, repo_day(DAY1) + 21);
	assert_string_equal(r.issuer_url, "https://bus.example/7");
	/* A leap day: expiry on 28 February of the next year. */
	assert_int_equal(certificate_capture(st, w->cat, w->v1.id, NULL,
					     repo_at("2024-02-29", 10, 0), &r, &src, &why),
			 VB_OK);
	assert_int_equal(r.expires_at, repo_at("2025-02-28", 10, 0));
}

static void test_capture_refused(void **state)
{
	struct world *w = *state;
	struct store *st = w->f->st;
	struct ddcc_record r = {.family = "keep"};
	struct certificate_source src;
	struct vb_reason why = {0};
	char id[STORE_ID_LEN + 1];
	assert_int_equal(store_id_new(id), VB_OK);
	assert_int_equal(certificate_capture(st, w->cat, id, NULL, 1, &r, &src, &why),
			 VB_ENOTFOUND);
	assert_string_equal(why.code, "no_visit");

	/* A visit without a dose. */
	struct person q;
	struct store_visit v;
	repo_person(&q, "王兙", "19600101", "021", "", "");
	repo_add_person(st, &q);
	repo_add_visit(st, q.id, DAY2, repo_at(DAY2, 8, 0), &v);
	assert_int_equal(certificate_capture(st, w->cat, v.id, NULL, 1, &r, &src, &why),
			 VB_ENOTFOUND);
	assert_string_equal(why.code, "no_dose");

	/* A name with a character Unihan has no reading for. */
	struct store_dose d = repo_bus_dose(&v, "bbibp-corv", "B1", 1, repo_at(DAY2, 9, 0));
	assert_int_equal(store_begin(st), VB_OK);
	assert_int_equal(store_dose_add(st, &d, REPO_STAFF, repo_at(DAY2, 9, 0)), VB_OK);
	assert_int_equal(store_commit(st), VB_OK);
	assert_int_equal(
	    certificate_capture(st, w->cat, v.id, NULL, repo_at(DAY2, 10, 0), &r, &src, &why),
	    VB_EINVAL);
	assert_string_equal(why.code, "name_no_reading");

	/* A dose of a product the catalog lacks, in the history. */
	struct person z;
	struct store_visit vz;
	struct store_dose old;
	memset(&old, 0, sizeof(old));
	repo_person(&z, "赵六", "19700101", "031", "", "");
	repo_add_person(st, &z);
	snprintf(old.person_id, sizeof(old.person_id), "%s", z.id);
	snprintf(old.product, sizeof(old.product), "mystery-vaccine");
	old.dose_number = 1;
	old.series_doses = 2;
	old.given_at = repo_at(DAY1, 12, 0);
	old.given_on = repo_day(DAY1);
	snprintf(old.route, sizeof(old.route), "IM");
	snprintf(old.source, sizeof(old.source), "platform");
	assert_int_equal(store_begin(st), VB_OK);
	assert_int_equal(store_dose_add(st, &old, REPO_STAFF, repo_at(DAY1, 12, 0)), VB_OK);
	assert_int_equal(store_commit(st), VB_OK);
	struct store_dose dz;
	give_dose(st, &vz, z.id, DAY2, "B1", 2, &dz);
	assert_int_equal(
	    certificate_capture(st, w->cat, vz.id, NULL, repo_at(DAY2, 10, 0), &r, &src, &why),
	    VB_EINVAL);
	assert_string_equal(why.code, "unknown_product");
	assert_string_equal(r.family, "keep");
}

static void test_keys_issue_verify(void **state)
{
	struct world *w = *state;
	struct store *st = w->f->st;
	struct certificate_signer s = {0}, s2 = {0}, again = {0};
	struct vb_reason why = {0};
	int64_t now = repo_at(DAY2, 10, 0);
	char path[400];
	struct stat sb;

	/* No key yet. */
	assert_int_equal(certificate_signer_open(st, w->key, &s, &why), VB_ENOTFOUND);
	assert_string_equal(why.code, "no_key");
	/* keys init: 0600, the path recorded, a default issuer URL. */
	assert_int_equal(certificate_keys_init(st, w->key, NULL, 0, now, &s, &why), VB_OK);
	assert_int_equal(stat(w->key, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	assert_string_equal(s.issuer_url, "https://vaxbus.invalid/" REPO_BUS);
	assert_int_equal(strlen(s.kid), 43);
	assert_int_equal(certificate_key_path(st, "/x/y.db", NULL, path, sizeof(path)), VB_OK);
	assert_string_equal(path, w->key);
	assert_int_equal(certificate_key_path(st, "/x/y.db", "/k.pem", path, sizeof(path)), VB_OK);
	assert_string_equal(path, "/k.pem");
	vb_reason_clear(&why);
	assert_int_equal(certificate_keys_init(st, w->key, NULL, 0, now, &s2, &why), VB_EEXIST);
	assert_string_equal(why.code, "key_exists");
	assert_int_equal(certificate_keys_init(st, w->key, "http://plain", 1, now, &s2, &why),
			 VB_EINVAL);
	assert_string_equal(why.code, "bad_issuer_url");
	assert_int_equal(certificate_signer_open(st, w->key, &again, &why), VB_OK);
	assert_string_equal(again.kid, s.kid);
	assert_memory_equal(again.signer.dcc_kid, s.signer.dcc_kid, 8);
	certificate_signer_close(&again);

	/* Issue both formats; again: the stored payload, nothing re-signed. */
	struct store_cert *c = calloc(1, sizeof(*c)), *c2 = calloc(1, sizeof(*c2));
	struct ddcc_record r;
	struct certificate_source src;
	int reissued = -1;
	static const enum cert_format fmts[] = {CERT_DCC, CERT_SHC};
	char payloads[2][STORE_CERT_PAYLOAD_MAX + 1];
	for (int i = 0; i < 2; i++) {
		assert_int_equal(certificate_issue(st, w->cat, w->v2.id, fmts[i], &s, now, c,
						   &reissued, &r, &src, &why),
				 VB_OK);
		assert_int_equal(reissued, 0);
		assert_string_equal(c->format, certificate_format_name(fmts[i]));
		assert_string_equal(c->dose_id, w->d2.id);
		assert_int_equal(c->expires_at, repo_at("2022-06-01", 10, 0));
		assert_string_equal(r.family_icao, "ZHANG");
		strcpy(payloads[i], c->payload);
		assert_int_equal(certificate_issue(st, w->cat, w->v2.id, fmts[i], &s, now + 3600,
						   c2, &reissued, &r, NULL, &why),
				 VB_OK);
		assert_int_equal(reissued, 1);
		assert_string_equal(c2->payload, c->payload);
		assert_string_equal(c2->id, c->id);
		assert_int_equal(r.issued_at, now); /* the stored time, for the receipt */
	}
	assert_memory_equal(payloads[0], "HC1:", 4);
	assert_memory_equal(payloads[1], "shc:/", 5);
	assert_int_equal(repo_total(st, "certificate"), 2);
	assert_int_equal(repo_count(st, "SELECT count(*) FROM audit WHERE action = 'cert.issue'"),
			 2);
	const char *secret[] = {"张建国", w->p.doc.number, "HC1:", "shc:/"};
	repo_assert_audit_clean(st, secret, 4);

	/* The trust list verifies what the bus signed. */
	struct trust *t = NULL;
	struct cert_verified *v = calloc(1, sizeof(*v));
	assert_int_equal(certificate_trust(st, &t, &why), VB_OK);
	for (int i = 0; i < 2; i++) {
		assert_int_equal(cert_verify(payloads[i], t, now + 60, v), VB_OK);
		assert_int_equal(v->signature_valid, 1);
		assert_null(v->why.code);
	}
	trust_free(t);

	/* A new key: old certificates still verify; the old key file no
	 * longer matches the stored signer. */
	char old_key[420];
	snprintf(old_key, sizeof(old_key), "%s.old", w->key);
	assert_int_equal(rename(w->key, old_key), 0);
	assert_int_equal(certificate_keys_init(st, w->key, NULL, 0, now + 7200, &s2, &why), VB_OK);
	assert_string_not_equal(s2.kid, s.kid);
	assert_int_equal(certificate_signer_open(st, old_key, &again, &why), VB_EINVAL);
	assert_string_equal(why.code, "signer_mismatch");
	assert_int_equal(certificate_trust(st, &t, &why), VB_OK);
	for (int i = 0; i < 2; i++) {
		assert_int_equal(cert_verify(payloads[i], t, now + 60, v), VB_OK);
		assert_int_equal(v->signature_valid, 1);
	}
	trust_free(t);
	unlink(old_key);

	/* An imported JWKS that no longer loads is named. */
	static const char bad_jwks[] = "{\"keys\":[{\"kty\":\"RSA\"}]}";
	assert_int_equal(store_trust_add(st, "jwks", "https://other.example",
					 (const uint8_t *)bad_jwks, sizeof(bad_jwks) - 1,
					 REPO_STAFF, now, NULL),
			 VB_OK);
	t = (struct trust *)v;
	assert_int_equal(certificate_trust(st, &t, &why), VB_ECORRUPT);
	assert_string_equal(why.code, "trust_row");
	assert_ptr_equal(t, (struct trust *)v);

	free(v);
	free(c);
	free(c2);
	certificate_signer_close(&s);
	certificate_signer_close(&s2);
	certificate_signer_close(NULL);
}

/* ZF2001 is not in the EU value sets: no DCC, but an SHC. */
static void test_no_dcc_code(void **state)
{
	struct world *w = *state;
	struct store *st = w->f->st;
	struct certificate_signer s = {0};
	struct vb_reason why = {0};
	struct person q;
	struct store_visit v;
	struct store_dose d;
	struct ddcc_record r;
	struct certificate_source src;
	int64_t now = repo_at(DAY2, 10, 0);
	int reissued;
	struct stock_lot l = repo_lot("zf2001", "Z1", 10, 1);
	repo_add_lot(st, &l, repo_at(DAY2, 7, 0));
	repo_person(&q, "上官婉儿", "19700101", "024", "", "");
	repo_add_person(st, &q);
	repo_add_visit(st, q.id, DAY2, repo_at(DAY2, 8, 0), &v);
	d = repo_bus_dose(&v, "zf2001", "Z1", 1, repo_at(DAY2, 9, 0));
	d.series_doses = 3;
	assert_int_equal(store_begin(st), VB_OK);
	assert_int_equal(store_dose_add(st, &d, REPO_STAFF, repo_at(DAY2, 9, 0)), VB_OK);
	assert_int_equal(store_commit(st), VB_OK);
	assert_int_equal(certificate_capture(st, w->cat, v.id, NULL, now, &r, &src, &why), VB_OK);
	assert_string_equal(r.family_icao, "SHANGGUAN");
	assert_string_equal(r.given_icao, "WANER");
	assert_string_equal(r.doses[0].vaccine_code, "1162643001");
	assert_string_equal(r.doses[0].brand, "Zifivax (ZF2001, Zhifei)");
	assert_string_equal(r.doses[0].holder, "Anhui Zhifei Longcom Biopharmaceutical Co., Ltd.");
	assert_string_equal(r.doses[0].cvx, "513");
	assert_int_equal(r.doses[0].series_doses, 3);
	assert_int_equal(r.next_dose, repo_day(DAY2) + 28);

	assert_int_equal(certificate_keys_init(st, w->key, NULL, 0, now, &s, &why), VB_OK);
	struct store_cert *c = calloc(1, sizeof(*c));
	assert_int_equal(
	    certificate_issue(st, w->cat, v.id, CERT_DCC, &s, now, c, &reissued, NULL, NULL, &why),
	    VB_EINVAL);
	assert_string_equal(why.code, "no_dcc_code");
	assert_int_equal(repo_total(st, "certificate"), 0);
	assert_int_equal(
	    certificate_issue(st, w->cat, v.id, CERT_SHC, &s, now, c, &reissued, NULL, NULL, &why),
	    VB_OK);
	struct trust *t = NULL;
	struct cert_verified *ver = calloc(1, sizeof(*ver));
	assert_int_equal(certificate_trust(st, &t, &why), VB_OK);
	assert_int_equal(cert_verify(c->payload, t, now, ver), VB_OK);
	assert_int_equal(ver->signature_valid, 1);
	assert_string_equal(ver->record.doses[0].cvx, "513");
	trust_free(t);
	free(ver);
	free(c);
	certificate_signer_close(&s);
}

static void test_render(void **state)
{
	struct world *w = *state;
	struct store *st = w->f->st;
	struct certificate_signer s = {0};
	struct vb_reason why = {0};
	struct config cfg;
	int64_t now = repo_at(DAY2, 10, 0);
	char why_font[300];
	config_defaults(&cfg);
	assert_int_equal(fontfind(&cfg, why_font, sizeof(why_font)), 0);
	const struct receipt_font font = {cfg.font, cfg.font_index};
	assert_int_equal(certificate_keys_init(st, w->key, NULL, 0, now, &s, &why), VB_OK);
	static const enum cert_format fmts[] = {CERT_DCC, CERT_SHC};
	static const int widths[] = {PRINTER_DOTS_58MM, PRINTER_DOTS_80MM};
	struct store_cert *c = calloc(1, sizeof(*c));
	for (int i = 0; i < 2; i++)
		for (int k = 0; k < 2; k++) {
			struct ddcc_record r;
			struct certificate_source src;
			struct printer_page *page = NULL;
			struct printer_qr_info info = {0};
			int reissued;
			char err[300];
			QRcode *qr = NULL;
			assert_int_equal(certificate_issue(st, w->cat, w->v2.id, fmts[i], &s, now,
							   c, &reissued, &r, &src, &why),
					 VB_OK);
			int rc =
			    certificate_render(VB_ASSETS_DIR "/receipts/certificate.txt", &r,
					       catalog_find(w->cat, src.product), c->payload, &font,
					       widths[k], &page, &info, err, sizeof(err));
			if (rc)
				fail_msg("render: %s", err);
			int dots = widths[k] >= PRINTER_DOTS_80MM ? 4 : 3;
			assert_int_equal(info.side, (info.modules + 8) * dots);
			assert_true(info.x >= 0 && info.x + info.side <= widths[k]);
			assert_true(printer_page_height(page) > info.y + info.side);
			/* Every module on the page is the payload's symbol. */
			assert_int_equal(certificate_qr(c->payload, QR_ECLEVEL_Q, &qr), VB_OK);
			assert_int_equal(qr->version, info.version);
			assert_int_equal(qr->width, info.modules);
			if (fmts[i] == CERT_SHC)
				assert_true(qr->version <= 22);
			for (int my = -4; my < qr->width + 4; my++)
				for (int mx = -4; mx < qr->width + 4; mx++) {
					int inside =
					    my >= 0 && mx >= 0 && my < qr->width && mx < qr->width;
					int want = inside && (qr->data[my * qr->width + mx] & 1);
					int px = info.x + (mx + 4) * dots + dots / 2;
					int py = info.y + (my + 4) * dots + dots / 2;
					assert_int_equal(printer_page_get(page, px, py), want);
				}
			QRcode_free(qr);
			printer_page_free(page);
		}
	/* A template without the QR line, a missing template, a bad font. */
	struct ddcc_record r;
	struct certificate_source src;
	struct printer_page *page = NULL;
	char err[300], tmpl[400];
	int reissued;
	assert_int_equal(certificate_issue(st, w->cat, w->v2.id, CERT_DCC, &s, now, c, &reissued,
					   &r, &src, &why),
			 VB_OK);
	assert_int_equal(certificate_render(VB_ASSETS_DIR "/receipts/ticket.txt", &r, NULL,
					    c->payload, &font, 384, &page, NULL, err, sizeof(err)),
			 VB_EINVAL);
	assert_non_null(strstr(err, "{payload}"));
	tdir_file(&w->f->dir, "none.txt", tmpl, sizeof(tmpl));
	assert_int_not_equal(certificate_render(tmpl, &r, NULL, c->payload, &font, 384, &page, NULL,
						err, sizeof(err)),
			     VB_OK);
	const struct receipt_font none = {"/no/such/font.ttc", 0};
	assert_int_equal(certificate_render(VB_ASSETS_DIR "/receipts/certificate.txt", &r, NULL,
					    c->payload, &none, 384, &page, NULL, err, sizeof(err)),
			 VB_EIO);
	assert_null(page);
	free(c);
	certificate_signer_close(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_capture, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_capture_refused, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_keys_issue_verify, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_no_dcc_code, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_render, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
