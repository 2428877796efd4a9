/* Opening the ui headless at the kiosk's two screen sizes, what a bad
 * font or missing table gives, millimetres to pixels in normal and
 * large-text mode, and the language switch. */
#include "ui_test.h"

static void test_open_sizes(void **state)
{
	(void)state;
	static const int sizes[][2] = {{800, 480}, {1920, 1080}};
	for (size_t i = 0; i < 2; i++) {
		struct ui *u = ui_test_open(sizes[i][0], sizes[i][1]);
		struct ui_rect s = ui_screen(u);
		assert_int_equal(s.x, 0);
		assert_int_equal(s.y, 0);
		assert_int_equal(s.w, sizes[i][0]);
		assert_int_equal(s.h, sizes[i][1]);
		SDL_RendererInfo info;
		assert_int_equal(SDL_GetRendererInfo(ui_renderer(u), &info), 0);
		assert_string_equal(info.name, "software");
		int w, h;
		SDL_GetWindowSize(ui_window(u), &w, &h);
		assert_int_equal(w, sizes[i][0]);
		assert_int_equal(h, sizes[i][1]);
		assert_int_equal(ui_get_lang(u), UI_ZH);
		/* No shot before the first frame. */
		char dir[256], path[300];
		ui_test_tmpdir(dir, sizeof(dir));
		snprintf(path, sizeof(path), "%s/shot.png", dir);
		assert_int_equal(ui_shot(u, path), -1);
		assert_int_equal(access(path, F_OK), -1);
		ui_frame_begin(u);
		ui_frame_end(u);
		assert_int_equal(ui_shot(u, path), 0);
		ui_test_rmdir(dir);
		ui_close(u);
	}
	ui_close(NULL);
}

static void test_open_failures(void **state)
{
	(void)state;
	struct ui *u = (struct ui *)&u;
	char why[256] = "";

	struct ui_options o = ui_test_options(800, 480);
	o.font = "/nonexistent/font.ttf";
	assert_int_equal(ui_open(&o, &u, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "/nonexistent/font.ttf"));

	o = ui_test_options(800, 480);
	o.fallback_font = "/nonexistent/fallback.ttf";
	assert_int_equal(ui_open(&o, &u, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "fallback.ttf"));

	o = ui_test_options(800, 480);
	o.strings_dir = "/nonexistent";
	assert_int_equal(ui_open(&o, &u, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "zh_CN.tsv"));

	o = ui_test_options(0, 480);
	assert_int_equal(ui_open(&o, &u, why, sizeof(why)), -1);
	assert_ptr_equal(u, (struct ui *)&u); /* untouched on failure */

	/* The default font is the Chinese face of Noto Sans CJK. */
	o = ui_test_options(800, 480);
	o.font = NULL;
	o.font_index = 7;
	u = ui_test_open_with(&o);
	ui_close(u);
}

static void test_mm(void **state)
{
	(void)state;
	struct ui *u = ui_test_open(800, 480);
	static const struct {
		double mm;
		int scaled, large, px;
	} cases[] = {
	    {12, 0, 0, 45},		    /* 12 * 96 / 25.4 = 45.35 */
	    {12, 1, 0, 45}, {12, 0, 1, 45}, /* unscaled ignores large mode */
	    {12, 1, 1, 61},		    /* 45.35 * 1.35 = 61.2 */
	    {0, 1, 1, 0},   {1, 0, 0, 4},   {25.4, 0, 0, 96}, {5, 1, 1, 26}, {-2, 0, 0, -8},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ui_set_large(u, cases[i].large);
		assert_int_equal(ui_get_large(u), cases[i].large);
		assert_int_equal(ui_mm(u, cases[i].mm, cases[i].scaled), cases[i].px);
	}
	ui_set_large(u, 5);
	assert_int_equal(ui_get_large(u), 1);
	ui_close(u);

	/* A denser display: 160 dpi. */
	struct ui_options o = ui_test_options(1920, 1080);
	o.px_per_mm = 160 / 25.4;
	u = ui_test_open_with(&o);
	assert_int_equal(ui_mm(u, 12, 1), 76);
	ui_set_large(u, 1);
	assert_int_equal(ui_mm(u, 12, 1), 102);
	/* Text sizes follow: body text is larger in large-text mode. */
	int w0, h0, w1, h1;
	SDL_Color black = {0, 0, 0, 255};
	ui_set_large(u, 0);
	assert_non_null(ui_text_get(u, "接种", UI_SIZE_BODY, black, 0, UI_LEFT, &w0, &h0));
	ui_set_large(u, 1);
	assert_non_null(ui_text_get(u, "接种", UI_SIZE_BODY, black, 0, UI_LEFT, &w1, &h1));
	assert_true(w1 > w0 && h1 > h0);
	assert_true(w0 >= 2 * ui_mm(u, 5, 0) - 2 && w0 <= 2 * ui_mm(u, 5, 0) + 2);
	ui_close(u);
}

static void test_lang(void **state)
{
	(void)state;
	struct ui *u = ui_test_open(800, 480);
	assert_string_equal(ui_str(u, "ui.yes"), "是");
	ui_set_lang(u, UI_EN);
	assert_int_equal(ui_get_lang(u), UI_EN);
	assert_string_equal(ui_str(u, "ui.yes"), "Yes");
	ui_set_lang(u, UI_LANG_COUNT); /* ignored */
	assert_int_equal(ui_get_lang(u), UI_EN);
	ui_close(u);
}

int main(void)
{
	ui_test_env();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_open_sizes),
	    cmocka_unit_test(test_open_failures),
	    cmocka_unit_test(test_mm),
	    cmocka_unit_test(test_lang),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
