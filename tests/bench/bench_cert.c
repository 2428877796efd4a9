/*
 * bench_cert: the time from a vaccinated visit to the bytes of its printed
 * certificate, per format — the issue's target is a median of at most
 * 10 ms.
 *
 * One run, timed in phases (CLOCK_MONOTONIC):
 *   capture  the DDCC:VS record from the store and the catalog
 *            (certificate_capture: visit, dose, person, history, names);
 *   sign     cert_issue: encode, compress, sign (ES256), frame, base45 or
 *            numeric — the QR payload;
 *   qr       the QR symbol of the payload alone (certificate_qr);
 *   qrpage   the symbol encoded and drawn on a page at 3 dots per module
 *            (certificate_render with a template holding only the qr
 *            line) and that page as ESC/POS raster bytes;
 *   receipt  the whole receipt page: the text of certificate.txt with the
 *            CJK font and the QR drawn (certificate_render);
 *   escpos   the receipt as ESC/POS raster bytes (as printq stores them).
 * QR TOTAL = capture + sign + qrpage: issue + sign + encode + QR + raster
 * (the issue's benchmark). RECEIPT TOTAL = capture + sign + receipt +
 * escpos: what `cert print` does before storing the job; receipt_render
 * opens the font once per text size per call (about 6 ms each for
 * NotoSansCJK-Regular.ttc), which dominates it. Storing the certificate
 * (one fsync'd transaction) is left out: bench_store_write measures
 * commits. The Unihan readings are loaded once before the runs (their
 * load time is printed); the signing key is loaded once, as the kiosk
 * does.
 *
 * Usage: bench_cert [runs (200)] [paper dots (384)]
 * The database lives under $VB_BENCH_DIR (default /var/tmp).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "catalog.h"
#include "catalog_file.h"
#include "cert.h"
#include "certificate.h"
#include "config.h"
#include "escpos.h"
#include "figures.h"
#include "fontfind.h"
#include "iddoc.h"
#include "person.h"
#include "pinyin.h"
#include "stock.h"
#include "store.h"
#include "store_lot.h"
#include "store_meta.h"
#include "store_person.h"
#include "store_visit.h"
#include "vbdate.h"

#define MAX_RUNS 5000
#define N_PHASES 6
#define N_ROWS	 (N_PHASES + 2)

static const char *const row_names[N_ROWS] = {"capture", "sign",   "qr",       "qrpage",
					      "receipt", "escpos", "QR TOTAL", "RECEIPT TOTAL"};

static void die(const char *what, int rc, const char *msg)
{
	fprintf(stderr, "bench_cert: %s: %s%s%s\n", what, vb_strerror(rc), msg && *msg ? ": " : "",
		msg ? msg : "");
	exit(1);
}

/* A database with one resident, two doses of a two-dose series (so an SHC
 * carries two) and the bus's key. */
static void build(struct store *st, const char *key_path, char visit_id[STORE_ID_LEN + 1],
		  struct certificate_signer *signer)
{
	struct vb_reason why = {0};
	struct person p;
	struct stock_lot lot;
	int64_t t0 = 1617843600; /* 2021-04-08T01:00:00Z */
	int rc;
	if ((rc = store_meta_init_identity(st, "BUS-07", "XIANG-01")))
		die("identity", rc, store_errmsg(st));
	person_init(&p);
	if ((rc = iddoc_validate(IDDOC_CN_RESIDENT, "110101195001011239", vbdate_from_unix(t0, 480),
				 &p.doc, &why)))
		die("document", rc, why.text);
	snprintf(p.name, sizeof(p.name), "欧阳建国");
	p.sex = 1;
	p.birth = p.doc.birth;
	p.source = PERSON_SOURCE_CARD;
	memset(&lot, 0, sizeof(lot));
	snprintf(lot.product, sizeof(lot.product), "bbibp-corv");
	snprintf(lot.lot, sizeof(lot.lot), "202104B07");
	lot.expiry = vbdate_from_unix(t0, 480) + 300;
	lot.doses_per_vial = 1;
	lot.vials = 10;
	snprintf(lot.fridge, sizeof(lot.fridge), "fridge-1");
	if ((rc = store_begin(st)) || (rc = store_person_add(st, &p, "kiosk", t0)) ||
	    (rc = store_lot_add(st, &lot, "staff", t0)) || (rc = store_commit(st)))
		die("person and lot", rc, store_errmsg(st));
	for (int i = 0; i < 2; i++) {
		int64_t at = t0 + i * 54 * 86400;
		struct store_visit v;
		struct store_dose d;
		memset(&v, 0, sizeof(v));
		memset(&d, 0, sizeof(d));
		snprintf(v.person_id, sizeof(v.person_id), "%s", p.id);
		v.day = vbdate_from_unix(at, 480);
		if ((rc = store_begin(st)) || (rc = store_visit_add(st, &v, "kiosk", at)))
			die("visit", rc, store_errmsg(st));
		snprintf(d.visit_id, sizeof(d.visit_id), "%s", v.id);
		snprintf(d.person_id, sizeof(d.person_id), "%s", p.id);
		snprintf(d.product, sizeof(d.product), "bbibp-corv");
		snprintf(d.lot, sizeof(d.lot), "202104B07");
		d.dose_number = i + 1;
		d.series_doses = 2;
		d.given_at = at;
		d.given_on = v.day;
		snprintf(d.route, sizeof(d.route), "IM");
		snprintf(d.body_site, sizeof(d.body_site), "deltoid-left");
		snprintf(d.staff, sizeof(d.staff), "nurse-li");
		snprintf(d.source, sizeof(d.source), "bus");
		if ((rc = store_dose_add(st, &d, "nurse-li", at)) || (rc = store_commit(st)))
			die("dose", rc, store_errmsg(st));
		memcpy(visit_id, v.id, STORE_ID_LEN + 1);
	}
	person_wipe(&p);
	if ((rc = certificate_keys_init(st, key_path, NULL, 0, t0, signer, &why)))
		die("keys init", rc, why.text);
}

int main(int argc, char **argv)
{
	int runs = argc > 1 ? atoi(argv[1]) : 200;
	figures_data_key(); /* the store seals personal fields */
	int paper = argc > 2 ? atoi(argv[2]) : PRINTER_DOTS_58MM;
	const char *base = getenv("VB_BENCH_DIR");
	char dir[300], db[400], key[400], err[500], visit[STORE_ID_LEN + 1];
	struct store *st = NULL;
	struct catalog *cat = NULL;
	struct certificate_signer signer = {0};
	struct config cfg;
	struct vb_reason why = {0};
	const struct pinyin *py = NULL;
	int rc;
	if (runs < 1 || runs > MAX_RUNS || paper < 64 || paper > PRINTER_PAGE_MAX_DOTS) {
		fprintf(stderr, "usage: bench_cert [runs 1-%d] [paper dots]\n", MAX_RUNS);
		return 2;
	}
	snprintf(dir, sizeof(dir), "%s/bench_cert-XXXXXX", base && *base ? base : "/var/tmp");
	if (!mkdtemp(dir))
		die("mkdtemp", VB_EIO, dir);
	snprintf(db, sizeof(db), "%s/bus.db", dir);
	snprintf(key, sizeof(key), "%s/signing-key.pem", dir);
	if ((rc = store_open(db, &st, &why)))
		die("store_open", rc, why.text);
	if ((rc = catalog_file_load(VB_ASSETS_DIR "/vaccines/covid19-cn-2021.json", &cat, err,
				    sizeof(err))))
		die("catalog", rc, err);
	config_defaults(&cfg);
	if (fontfind(&cfg, err, sizeof(err)))
		die("fontfind", VB_EIO, err);
	const struct receipt_font font = {cfg.font, cfg.font_index};
	double t_load = figures_now_ms();
	if ((rc = pinyin_default(&py, &why)))
		die("Unihan readings", rc, why.text);
	double unihan_ms = figures_now_ms() - t_load;
	build(st, key, visit, &signer);

	figures_machine();
	printf("runs: %d per format, paper %d dots; Unihan readings loaded once in %.0f ms (%zu "
	       "characters)\n\n",
	       runs, paper, unihan_ms, pinyin_count(py));
	printf("%-6s %-13s %9s %9s %9s\n", "format", "phase", "median", "min", "max");

	/* A template with the QR line only: the symbol drawn, no text. */
	char qr_tmpl[450];
	snprintf(qr_tmpl, sizeof(qr_tmpl), "%s/qr-only.txt", dir);
	FILE *qf = fopen(qr_tmpl, "w");
	if (!qf || fputs("qr {qr_level} {qr_dots} {payload}\n", qf) < 0 || fclose(qf))
		die("qr template", VB_EIO, qr_tmpl);

	double *ph[N_ROWS];
	for (int i = 0; i < N_ROWS; i++)
		ph[i] = calloc((size_t)runs, sizeof(double));
	static const enum cert_format fmts[] = {CERT_DCC, CERT_SHC};
	for (int fi = 0; fi < 2; fi++) {
		int version = 0, dots = 0;
		size_t payload_len = 0, escpos_len = 0;
		for (int r = 0; r < runs; r++) {
			struct ddcc_record rec;
			struct certificate_source src;
			struct printer_page *page = NULL, *qpage = NULL;
			struct printer_qr_info info, qinfo;
			struct escpos_buf b, qb;
			QRcode *qr = NULL;
			char *payload = NULL;
			int64_t now = 1622512800 + r; /* 2021-06-01 */
			double t[8];
			t[0] = figures_now_ms();
			if ((rc = certificate_capture(st, cat, visit, signer.issuer_url, now, &rec,
						      &src, &why)))
				die("capture", rc, why.text);
			t[1] = figures_now_ms();
			if ((rc = cert_issue(&rec, fmts[fi], &signer.signer, &payload, &why)))
				die("cert_issue", rc, why.text);
			t[2] = figures_now_ms();
			if ((rc = certificate_qr(payload, QR_ECLEVEL_Q, &qr)))
				die("qr", rc, NULL);
			t[3] = figures_now_ms();
			if ((rc = certificate_render(qr_tmpl, &rec, NULL, payload, &font, paper,
						     &qpage, &qinfo, err, sizeof(err))))
				die("qr page", rc, err);
			escpos_buf_init(&qb, 4u << 20);
			escpos_init(&qb);
			escpos_page(&qb, qpage);
			escpos_cut(&qb, ESCPOS_CUT_PARTIAL);
			t[4] = figures_now_ms();
			if ((rc = certificate_render(VB_ASSETS_DIR "/receipts/certificate.txt",
						     &rec, catalog_find(cat, src.product), payload,
						     &font, paper, &page, &info, err, sizeof(err))))
				die("render", rc, err);
			t[5] = figures_now_ms();
			escpos_buf_init(&b, 4u << 20);
			escpos_init(&b);
			escpos_page(&b, page);
			escpos_cut(&b, ESCPOS_CUT_PARTIAL);
			if (b.err || qb.err)
				die("escpos", VB_EINVAL, NULL);
			t[6] = figures_now_ms();
			for (int i = 0; i < N_PHASES; i++)
				ph[i][r] = t[i + 1] - t[i];
			ph[6][r] = ph[0][r] + ph[1][r] + ph[3][r];
			ph[7][r] = ph[0][r] + ph[1][r] + ph[4][r] + ph[5][r];
			version = qr->version;
			dots = info.side / (info.modules + 2 * PRINTER_QR_QUIET);
			payload_len = strlen(payload);
			escpos_len = b.len;
			escpos_buf_cleanup(&b);
			escpos_buf_cleanup(&qb);
			printer_page_free(page);
			printer_page_free(qpage);
			QRcode_free(qr);
			free(payload);
			iddoc_wipe(&rec, sizeof(rec));
		}
		const char *name = certificate_format_name(fmts[fi]);
		for (int i = 0; i < N_ROWS; i++) {
			double med = figures_median(ph[i], (size_t)runs);
			printf("%-6s %-13s %6.3f ms %6.3f ms %6.3f ms\n", name, row_names[i], med,
			       ph[i][0], ph[i][runs - 1]);
		}
		printf("%-6s payload %zu bytes, QR version %d at %d dots/module (%.1f mm wide with "
		       "its quiet zone), receipt job %zu bytes\n\n",
		       name, payload_len, version, dots,
		       (double)(4 * version + 17 + 2 * PRINTER_QR_QUIET) * dots / 8, escpos_len);
	}
	unlink(qr_tmpl);
	for (int i = 0; i < N_ROWS; i++)
		free(ph[i]);
	certificate_signer_close(&signer);
	catalog_free(cat);
	store_close(st);
	unlink(key);
	snprintf(err, sizeof(err), "%s-wal", db);
	unlink(err);
	snprintf(err, sizeof(err), "%s-shm", db);
	unlink(err);
	unlink(db);
	rmdir(dir);
	return 0;
}
