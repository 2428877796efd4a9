/* Receipt templates: every shipped template renders, text lands on the
 * page (Chinese included), wrapping stays inside the paper, the QR decodes
 * with zbarimg to its payload, and every template error names its line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "escpos_raster.h"
#include "printer_page.h"
#include "receipt.h"
#include "vb_error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const struct receipt_font font = {"/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
					 2};

/* Black dots in rows [y0, y1). */
static long ink(const struct printer_page *p, int y0, int y1)
{
	long n = 0;
	for (int y = y0; y < y1 && y < printer_page_height(p); y++)
		for (int x = 0; x < printer_page_width(p); x++)
			n += printer_page_get(p, x, y);
	return n;
}

static struct printer_page *render(const char *tmpl, const struct receipt_var *v, size_t n,
				   int width, struct printer_qr_info *qr)
{
	struct printer_page *p = NULL;
	char err[200];
	int rc = receipt_render(tmpl, v, n, &font, width, &p, qr, err, sizeof(err));
	if (rc)
		fail_msg("render: %s", err);
	return p;
}

static void test_shipped_templates(void **state)
{
	(void)state;
	static const char *const names[] = {"ticket", "test", "text"};
	const struct receipt_var vars[] = {{"ticket", "A007"},
					   {"site", "XIANG-02"},
					   {"time", "2021-06-01 09:12"},
					   {"dose_zh", "第1剂 北京生物"},
					   {"dose_en", "Dose 1 of 2, BBIBP-CorV"},
					   {"printer", "0416:5011"},
					   {"width", "384"},
					   {"text", "hello\n你好"}};
	for (size_t i = 0; i < 3; i++) {
		char path[256], *tmpl, err[200];
		snprintf(path, sizeof(path), "%s/receipts/%s.txt", VB_ASSETS_DIR, names[i]);
		assert_int_equal(receipt_load(path, &tmpl, err, sizeof(err)), VB_OK);
		for (int w = 384; w <= 576; w += 192) {
			struct printer_page *p = render(tmpl, vars, 8, w, NULL);
			assert_int_equal(printer_page_width(p), w);
			assert_true(ink(p, 0, printer_page_height(p)) > 500);
			printer_page_free(p);
		}
		free(tmpl);
	}
}

static void test_text_and_wrapping(void **state)
{
	(void)state;
	/* A Chinese line draws glyphs; an empty page has no ink. */
	struct printer_page *p = render("size 24\ntext 流动疫苗接种车\n", NULL, 0, 384, NULL);
	int line = printer_page_height(p);
	assert_true(line >= 24 && line < 48);
	assert_true(ink(p, 0, line) > 200);
	printer_page_free(p);

	/* Text wider than the paper wraps onto more lines, never past the edge. */
	p = render("size 24\ntext 请留意叫号请留意叫号请留意叫号请留意叫号请留意叫号请留意叫号\n",
		   NULL, 0, 384, NULL);
	assert_true(printer_page_height(p) >= 2 * line);
	printer_page_free(p);
	p = render("size 24\ntext the quick brown fox jumps over the lazy dog again and again\n",
		   NULL, 0, 384, NULL);
	assert_true(printer_page_height(p) >= 2 * line);
	printer_page_free(p);

	/* Placeholders are filled; a value's newline starts a new line. */
	const struct receipt_var v[] = {{"x", "one\ntwo"}};
	p = render("size 24\ntext {x}\n", v, 1, 384, NULL);
	assert_true(printer_page_height(p) >= 2 * line);
	printer_page_free(p);
}

static void test_qr_decodes(void **state)
{
	(void)state;
	char payload[600], out[700] = "", path[] = "/tmp/vbreceipt-XXXXXX";
	struct printer_qr_info qr;
	/* An HC1-style alphanumeric payload of 520 characters. */
	strcpy(payload, "HC1:");
	for (int i = 4; i < 520; i++)
		payload[i] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"[i % 45];
	payload[520] = '\0';
	const struct receipt_var v[] = {{"p", payload}};
	struct printer_page *p =
	    render("size 20\ntext above\nqr Q 3 {p}\ntext below\n", v, 1, 384, &qr);
	assert_true(qr.version >= 10);
	assert_true(qr.side <= 384);
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(printer_page_save_pbm(p, path), 0);
	printer_page_free(p);
	size_t n = 0;
	assert_int_equal(escpos_raster_zbar(path, out, sizeof(out), &n), 1);
	unlink(path);
	assert_string_equal(out, payload);
}

static void test_template_errors(void **state)
{
	(void)state;
	static const struct {
		const char *tmpl, *err;
	} rows[] = {
	    {"size 24\nbold on\n", "template line 2: unknown command 'bold'"},
	    {"text {nope}\n", "template line 1: unknown placeholder {nope}"},
	    {"text {open\n", "template line 1: '{' without '}'"},
	    {"# c\nsize 7\n", "template line 2: want: size 8..200"},
	    {"align right\n", "template line 1: want: align left|center"},
	    {"space 0\n", "template line 1: want: space 1..400"},
	    {"qr X 3 hi\n", "template line 1: want: qr L|M|Q|H"},
	    {"qr L 16 {p}\n", "wider than the paper"},
	};
	char big[900];
	memset(big, '7', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	const struct receipt_var v[] = {{"p", big}};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct printer_page *p = (struct printer_page *)&i; /* untouched on failure */
		char err[200];
		assert_int_equal(
		    receipt_render(rows[i].tmpl, v, 1, &font, 384, &p, NULL, err, sizeof(err)),
		    VB_EINVAL);
		if (!strstr(err, rows[i].err))
			fail_msg("row %zu: '%s' lacks '%s'", i, err, rows[i].err);
		assert_ptr_equal(p, (struct printer_page *)&i);
	}
	struct printer_page *p;
	char err[200];
	const struct receipt_font none = {"/nonexistent/font.ttc", 0};
	assert_int_equal(
	    receipt_render("text hi\n", NULL, 0, &none, 384, &p, NULL, err, sizeof(err)), VB_EIO);
	assert_non_null(strstr(err, "/nonexistent/font.ttc"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_shipped_templates),
	    cmocka_unit_test(test_text_and_wrapping),
	    cmocka_unit_test(test_qr_decodes),
	    cmocka_unit_test(test_template_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
