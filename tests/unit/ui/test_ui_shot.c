/* Screenshots and golden-image comparison: a shot is the presented frame,
 * ui_png_compare counts differing pixels (0 for the same frame, 1 for one
 * changed pixel, -1 for other sizes or no file), the same frame renders
 * to the same pixels every time (also in a new window), and a QR code on
 * screen decodes with zbarimg. */
#include "ui_test.h"

#include <SDL_image.h>

/* A frame with every kind of widget. */
static void draw_all(struct ui *u, int modal)
{
	struct ui_rect s = ui_screen(u), pad = {s.w / 2, s.h / 2, s.w / 2 - 10, s.h / 2 - 10};
	struct ui_sigpad sig = {0};
	for (int i = 0; i < 40; i++)
		assert_int_equal(
		    ui_sigpad_add(&sig, pad, pad.x + 10 + i * 7, pad.y + 20 + (i % 8) * 9, 1), 0);
	ui_frame_begin(u);
	struct ui_rect left = {10, 10, s.w / 2 - 20, s.h - 20};
	assert_true(ui_text(u, ui_row(left, 6, 0, 8), ui_str(u, "welcome.title"), UI_SIZE_TITLE,
			    UI_CENTRE, UI_C_TEXT) > 0);
	ui_text(u, ui_row(left, 6, 1, 8), ui_str(u, "ticket.wait"), UI_SIZE_SMALL, UI_LEFT,
		UI_C_MUTED);
	ui_button(u, "yes", ui_col(ui_row(left, 6, 2, 8), 2, 0, 8), ui_str(u, "ui.yes"),
		  UI_BTN_YES);
	ui_button(u, "no", ui_col(ui_row(left, 6, 2, 8), 2, 1, 8), ui_str(u, "ui.no"), UI_BTN_NO);
	ui_button(u, "go", ui_row(left, 6, 3, 8), ui_str(u, "welcome.start"), UI_BTN_PRIMARY);
	ui_button_off(u, "off", ui_row(left, 6, 4, 8), ui_str(u, "ui.cancel"));
	ui_progress(u, ui_row(left, 6, 5, 8), 2, 3, UI_C_WARN);
	ui_fill(u, (struct ui_rect){s.w / 2, 10, 40, 40}, UI_C_BAD);
	ui_frame(u, (struct ui_rect){s.w / 2 + 50, 10, 40, 40}, 3, UI_C_OK);
	ui_keypad(u, "k", (struct ui_rect){s.w / 2 + 100, 10, s.w / 4 - 110, s.h / 2 - 20},
		  "1 2 3|4 5 6|7 8 9|X 0 DEL");
	ui_qr(u, (struct ui_rect){s.w * 3 / 4, 10, s.w / 4 - 10, s.h / 2 - 20}, "VB:A007");
	ui_sigpad(u, "sign", pad, &sig);
	if (modal)
		ui_modal(u, "确认", "是否取消？", "m.yes", "是", "m.no", "否");
	ui_frame_end(u);
	ui_sigpad_clear(&sig);
}

static void path_in(char *out, size_t cap, const char *dir, const char *name)
{
	snprintf(out, cap, "%s/%s", dir, name);
}

static void test_shot_and_compare(void **state)
{
	(void)state;
	char dir[256], a[300], b[300], c[300], d[300];
	ui_test_tmpdir(dir, sizeof(dir));
	path_in(a, sizeof(a), dir, "a.png");
	path_in(b, sizeof(b), dir, "b.png");
	path_in(c, sizeof(c), dir, "c.png");
	path_in(d, sizeof(d), dir, "d.png");
	struct ui *u = ui_test_open(800, 480);
	draw_all(u, 0);
	assert_int_equal(ui_shot(u, a), 0);
	/* The shot is the presented frame, pixel for pixel. */
	SDL_Surface *img = IMG_Load(a);
	assert_non_null(img);
	assert_int_equal(img->w, 800);
	assert_int_equal(img->h, 480);
	SDL_Surface *argb = SDL_ConvertSurfaceFormat(img, SDL_PIXELFORMAT_RGB888, 0);
	SDL_FreeSurface(img);
	for (int y = 0; y < 480; y += 37)
		for (int x = 0; x < 800; x += 41) {
			uint32_t p =
			    *(uint32_t *)((uint8_t *)argb->pixels + y * argb->pitch + x * 4);
			assert_int_equal(p & 0xFFFFFF, ui_test_pixel(u, x, y));
		}

	long diff = 99;
	assert_int_equal(ui_png_compare(a, a, &diff), 0);
	assert_int_equal(diff, 0);

	/* One pixel changed. */
	uint32_t *p = (uint32_t *)((uint8_t *)argb->pixels + 17 * argb->pitch + 23 * 4);
	*p ^= 0x000001;
	assert_int_equal(IMG_SavePNG(argb, b), 0);
	assert_int_equal(ui_png_compare(a, b, &diff), 0);
	assert_int_equal(diff, 1);
	assert_int_equal(ui_png_compare(b, a, &diff), 0);
	assert_int_equal(diff, 1);
	SDL_FreeSurface(argb);

	/* Another frame differs in many pixels. */
	draw_all(u, 1);
	assert_int_equal(ui_shot(u, c), 0);
	assert_int_equal(ui_png_compare(a, c, &diff), 0);
	assert_true(diff > 1000);
	ui_close(u);

	/* Other sizes, or no file: -1 and diff -1. */
	u = ui_test_open(320, 240);
	ui_frame_begin(u);
	ui_frame_end(u);
	assert_int_equal(ui_shot(u, d), 0);
	assert_int_equal(ui_png_compare(a, d, &diff), -1);
	assert_int_equal(diff, -1);
	diff = 5;
	path_in(d, sizeof(d), dir, "missing.png");
	assert_int_equal(ui_png_compare(a, d, &diff), -1);
	assert_int_equal(diff, -1);
	assert_int_equal(ui_shot(u, "/nonexistent-dir/x.png"), -1);
	ui_close(u);
	ui_test_rmdir(dir);
}

static void test_deterministic(void **state)
{
	(void)state;
	char dir[256], a[300], b[300], c[300];
	ui_test_tmpdir(dir, sizeof(dir));
	path_in(a, sizeof(a), dir, "a.png");
	path_in(b, sizeof(b), dir, "b.png");
	path_in(c, sizeof(c), dir, "c.png");
	long diff = -1;
	for (int large = 0; large < 2; large++) {
		struct ui *u = ui_test_open(1920, 1080);
		ui_set_large(u, large);
		draw_all(u, 1);
		assert_int_equal(ui_shot(u, a), 0);
		/* Drawn again from the cache. */
		draw_all(u, 1);
		assert_int_equal(ui_shot(u, b), 0);
		ui_close(u);
		assert_int_equal(ui_png_compare(a, b, &diff), 0);
		assert_int_equal(diff, 0);
		/* And in a new window, with nothing cached. */
		u = ui_test_open(1920, 1080);
		ui_set_large(u, large);
		draw_all(u, 1);
		assert_int_equal(ui_shot(u, c), 0);
		ui_close(u);
		assert_int_equal(ui_png_compare(a, c, &diff), 0);
		assert_int_equal(diff, 0);
	}
	ui_test_rmdir(dir);
}

/* zbarimg's reading of the PNG at path, into out. 0 or -1. */
static int zbar(const char *path, char *out, size_t cap)
{
	char cmd[400];
	snprintf(cmd, sizeof(cmd), "zbarimg --raw -q --nodbus '%s'", path);
	FILE *f = popen(cmd, "r");
	if (!f)
		return -1;
	size_t n = fread(out, 1, cap - 1, f);
	out[n] = '\0';
	if (n && out[n - 1] == '\n')
		out[n - 1] = '\0';
	return pclose(f) == 0 ? 0 : -1;
}

static void test_qr(void **state)
{
	(void)state;
	char dir[256], path[300], got[512];
	ui_test_tmpdir(dir, sizeof(dir));
	path_in(path, sizeof(path), dir, "qr.png");
	struct ui *u = ui_test_open(800, 480);
	static const struct {
		const char *text;
		struct ui_rect r;
	} cases[] = {
	    {"VB:A007", {10, 10, 200, 200}},
	    {"https://example.org/cert?id=110101199003077777&dose=2", {300, 40, 300, 400}},
	    {"接种证明 第2剂", {0, 0, 800, 480}},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ui_frame_begin(u);
		ui_qr(u, cases[i].r, cases[i].text);
		ui_frame_end(u);
		assert_int_equal(ui_shot(u, path), 0);
		if (zbar(path, got, sizeof(got)) != 0)
			fail_msg("case %zu: zbarimg read nothing", i);
		assert_string_equal(got, cases[i].text);
		/* Inside r, square, centred. */
		struct ui_rect r = cases[i].r;
		struct ui_rect s = ui_screen(u);
		long outside = ui_test_count_not(u, s, UI_C_BG) - ui_test_count_not(u, r, UI_C_BG);
		assert_int_equal(outside, 0);
	}
	/* Too small to draw, or too long to encode: nothing drawn. */
	ui_frame_begin(u);
	ui_qr(u, (struct ui_rect){0, 0, 20, 20}, "VB:A007");
	ui_frame_end(u);
	assert_int_equal(ui_test_count_not(u, ui_screen(u), UI_C_BG), 0);
	char *huge = malloc(4000);
	assert_non_null(huge);
	memset(huge, 'a', 3999);
	huge[3999] = '\0';
	ui_frame_begin(u);
	ui_qr(u, ui_screen(u), huge);
	ui_frame_end(u);
	free(huge);
	assert_int_equal(ui_test_count_not(u, ui_screen(u), UI_C_BG), 0);
	ui_close(u);
	ui_test_rmdir(dir);
}

int main(void)
{
	ui_test_env();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_shot_and_compare),
	    cmocka_unit_test(test_deterministic),
	    cmocka_unit_test(test_qr),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
