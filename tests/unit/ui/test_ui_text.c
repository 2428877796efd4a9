/* Text: Chinese renders, the texture cache hits on the same text and
 * misses on any other size, colour, wrap width or alignment, stays
 * bounded (LRU), line breaking (Chinese without spaces, punctuation,
 * Latin words, long numbers, '\n'), clipping and alignment in a rect,
 * paging a text taller than its rect, and the fallback font for
 * characters the main font lacks. */
#include "ui_test.h"

static const SDL_Color black = {0x11, 0x11, 0x11, 0xFF};

static void test_hanzi(void **state)
{
	(void)state;
	struct ui *u = ui_test_open(800, 480);
	int w, h;
	SDL_Texture *t = ui_text_get(u, "流动疫苗接种车", UI_SIZE_TITLE, black, 0, UI_LEFT, &w, &h);
	assert_non_null(t);
	int px = ui_mm(u, 8, 1);
	assert_true(w >= 7 * px - 2 && w <= 7 * px + 2); /* seven full-width characters */
	assert_true(h >= px && h <= 2 * px);
	int tw, th;
	assert_int_equal(SDL_QueryTexture(t, NULL, NULL, &tw, &th), 0);
	assert_int_equal(tw, w);
	assert_int_equal(th, h);

	ui_frame_begin(u);
	struct ui_rect r = {10, 10, 600, 100};
	int used = ui_text(u, r, "流动疫苗接种车", UI_SIZE_TITLE, UI_LEFT, UI_C_TEXT);
	ui_frame_end(u);
	assert_int_equal(used, h);
	long ink = ui_test_count_not(u, r, UI_C_BG);
	assert_true(ink > 7 * px); /* strokes, not a blank box */
	/* Nothing outside the characters' cells. */
	assert_int_equal(ui_test_count_not(u, (struct ui_rect){10 + w + 2, 10, 100, 100}, UI_C_BG),
			 0);

	/* Empty text draws nothing. */
	assert_null(ui_text_get(u, "", UI_SIZE_BODY, black, 0, UI_LEFT, &w, &h));
	assert_int_equal(w, 0);
	assert_int_equal(ui_text(u, r, NULL, UI_SIZE_BODY, UI_LEFT, UI_C_TEXT), 0);
	ui_close(u);
}

static void test_cache(void **state)
{
	(void)state;
	struct ui *u = ui_test_open(800, 480);
	struct ui_text_stats s0, s1;
	int w, h;
	ui_text_stats(u, &s0);
	SDL_Texture *t = ui_text_get(u, "请签名", UI_SIZE_BODY, black, 300, UI_LEFT, &w, &h);
	assert_ptr_equal(ui_text_get(u, "请签名", UI_SIZE_BODY, black, 300, UI_LEFT, &w, &h), t);
	ui_text_stats(u, &s1);
	assert_int_equal(s1.misses - s0.misses, 1);
	assert_int_equal(s1.hits - s0.hits, 1);

	/* Any other part of the key is another texture. */
	const SDL_Color red = {0xB3, 0x26, 0x1E, 0xFF};
	SDL_Texture *other[] = {
	    ui_text_get(u, "请签名。", UI_SIZE_BODY, black, 300, UI_LEFT, &w, &h),
	    ui_text_get(u, "请签名", UI_SIZE_TITLE, black, 300, UI_LEFT, &w, &h),
	    ui_text_get(u, "请签名", UI_SIZE_BODY, red, 300, UI_LEFT, &w, &h),
	    ui_text_get(u, "请签名", UI_SIZE_BODY, black, 301, UI_LEFT, &w, &h),
	    ui_text_get(u, "请签名", UI_SIZE_BODY, black, 300, UI_CENTRE, &w, &h),
	};
	for (size_t i = 0; i < 5; i++) {
		assert_non_null(other[i]);
		assert_ptr_not_equal(other[i], t);
	}
	/* Large-text mode is another pixel size. */
	ui_set_large(u, 1);
	assert_ptr_not_equal(ui_text_get(u, "请签名", UI_SIZE_BODY, black, 300, UI_LEFT, &w, &h),
			     t);
	ui_set_large(u, 0);
	ui_text_stats(u, &s1);
	assert_int_equal(s1.misses - s0.misses, 7);
	assert_int_equal(s1.entries, 7);

	/* A frame drawn twice renders its texts once. */
	for (int f = 0; f < 2; f++) {
		ui_text_stats(u, &s0);
		ui_frame_begin(u);
		ui_text(u, (struct ui_rect){0, 0, 800, 60}, ui_str(u, "welcome.title"),
			UI_SIZE_TITLE, UI_CENTRE, UI_C_TEXT);
		ui_button(u, "start", (struct ui_rect){100, 100, 300, 80},
			  ui_str(u, "welcome.start"), UI_BTN_PRIMARY);
		ui_keypad(u, "keypad", (struct ui_rect){420, 100, 300, 300},
			  "1 2 3|4 5 6|7 8 9|X 0 DEL");
		ui_frame_end(u);
		ui_text_stats(u, &s1);
		if (f == 0)
			assert_true(s1.misses > s0.misses);
		else
			assert_int_equal(s1.misses, s0.misses);
	}
	ui_close(u);
}

static void test_lru_bound(void **state)
{
	(void)state;
	struct ui *u = ui_test_open(800, 480);
	int w, h;
	SDL_Texture *first = ui_text_get(u, "0", UI_SIZE_SMALL, black, 0, UI_LEFT, &w, &h);
	for (int i = 1; i < UI_TEXT_CACHE + 44; i++) {
		char text[16];
		snprintf(text, sizeof(text), "%d", i);
		assert_non_null(ui_text_get(u, text, UI_SIZE_SMALL, black, 0, UI_LEFT, &w, &h));
		if (i == 100) /* kept recent: survives */
			assert_ptr_equal(
			    ui_text_get(u, "0", UI_SIZE_SMALL, black, 0, UI_LEFT, &w, &h), first);
	}
	struct ui_text_stats s;
	ui_text_stats(u, &s);
	assert_int_equal(s.entries, UI_TEXT_CACHE);
	assert_int_equal(s.evictions, 44);
	/* "0" was used at 100, so "1" .. "44" went first. */
	ui_text_get(u, "0", UI_SIZE_SMALL, black, 0, UI_LEFT, &w, &h);
	ui_text_get(u, "45", UI_SIZE_SMALL, black, 0, UI_LEFT, &w, &h);
	struct ui_text_stats s2;
	ui_text_stats(u, &s2);
	assert_int_equal(s2.misses, s.misses);
	ui_text_get(u, "44", UI_SIZE_SMALL, black, 0, UI_LEFT, &w, &h);
	ui_text_stats(u, &s2);
	assert_int_equal(s2.misses, s.misses + 1);
	ui_close(u);
}

static void test_wrapping(void **state)
{
	(void)state;
	struct ui *u = ui_test_open(800, 480);
	int px = ui_mm(u, 5, 1), skip = TTF_FontLineSkip(u->font[UI_SIZE_BODY][0]);
	int w, h;
	static const struct {
		const char *text;
		int wrap;	  /* in character widths (px), or 0 */
		int lines, max_w; /* max_w in px widths, 0: no check */
	} cases[] = {
	    /* Chinese breaks between any two characters. */
	    {"请把身份证放在读卡器上等待提示音", 5, 4, 5},
	    /* Never a comma at a line's start: 四 moves down with it. */
	    {"一二三四，五", 4, 2, 3},
	    /* Nor an opening bracket at a line's end. */
	    {"一二三（四）", 4, 2, 3},
	    {"第一行\n第二行\n\n第四行", 0, 4, 3},
	    {"第一行\n第二行\n\n第四行", 20, 4, 3},
	    /* A number wider than the wrap breaks inside it. */
	    {"110101199003077777", 4, 3, 4},
	    /* Latin mixed with Chinese: the word stays whole. */
	    {"COVID-19疫苗第2剂", 5, 2, 5},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int wrap = cases[i].wrap * px;
		assert_non_null(
		    ui_text_get(u, cases[i].text, UI_SIZE_BODY, black, wrap, UI_LEFT, &w, &h));
		if (h != cases[i].lines * skip)
			fail_msg("case %zu: %d lines, want %d", i, h / skip, cases[i].lines);
		if (cases[i].max_w && w > cases[i].max_w * px + 1)
			fail_msg("case %zu: %d px wide, want <= %d", i, w, cases[i].max_w * px);
		if (wrap)
			assert_true(w <= wrap + 1);
	}
	/* Words break at spaces, and the spaces are not drawn at a line's end. */
	int one, two;
	ui_text_get(u, "Please wait", UI_SIZE_BODY, black, 0, UI_LEFT, &one, &h);
	assert_int_equal(h, skip);
	ui_text_get(u, "Please wait here", UI_SIZE_BODY, black, one + 4, UI_LEFT, &two, &h);
	assert_int_equal(h, 2 * skip);
	assert_int_equal(two, one);
	ui_close(u);
}

static void test_align_and_clip(void **state)
{
	(void)state;
	struct ui *u = ui_test_open(800, 480);
	int w, h;
	ui_text_get(u, "中文", UI_SIZE_TITLE, ui_colour_rgb(UI_C_TEXT), 400, UI_RIGHT, &w, &h);
	static const enum ui_align aligns[] = {UI_LEFT, UI_CENTRE, UI_RIGHT};
	for (int a = 0; a < 3; a++) {
		struct ui_rect r = {100, 50, 400, 200};
		ui_frame_begin(u);
		assert_int_equal(ui_text(u, r, "中文", UI_SIZE_TITLE, aligns[a], UI_C_TEXT), h);
		ui_frame_end(u);
		/* The ink is in the third of r the alignment names. */
		for (int third = 0; third < 3; third++) {
			struct ui_rect t = {r.x + third * r.w / 3, r.y, r.w / 3, h};
			long ink = ui_test_count_not(u, t, UI_C_BG);
			if (third == a)
				assert_true(ink > 50);
			else
				assert_int_equal(ink, 0);
		}
	}
	/* Clipped to r: a short rect cuts the text and says so. */
	ui_frame_begin(u);
	assert_int_equal(ui_text(u, (struct ui_rect){100, 50, 400, 10}, "中文", UI_SIZE_TITLE,
				 UI_LEFT, UI_C_TEXT),
			 10);
	ui_frame_end(u);
	assert_int_equal(ui_test_count_not(u, (struct ui_rect){100, 60, 400, 60}, UI_C_BG), 0);
	ui_close(u);
}

/* Five lines in a rect of two and a half: three pages of two whole
 * lines; each page draws its own lines from r's top, never a cut line,
 * and a negative page only counts. */
static void test_pages(void **state)
{
	(void)state;
	struct ui *u = ui_test_open(800, 480);
	int skip = TTF_FontLineSkip(u->font[UI_SIZE_BODY][0]);
	const char *text = "一\n二\n三\n四\n五";
	struct ui_rect r = {100, 50, 400, 2 * skip + skip / 2};
	struct ui_rect first = {r.x, r.y, r.w, skip}, second = {r.x, r.y + skip, r.w, skip};
	struct ui_rect below = {r.x, r.y + 2 * skip, r.w, skip};
	long ink[3][2];
	for (int page = 0; page < 3; page++) {
		ui_frame_begin(u);
		assert_int_equal(ui_text_page(u, r, text, UI_SIZE_BODY, UI_LEFT, UI_C_TEXT, page),
				 3);
		ui_frame_end(u);
		ink[page][0] = ui_test_count_not(u, first, UI_C_BG);
		ink[page][1] = ui_test_count_not(u, second, UI_C_BG);
		assert_int_equal(ui_test_count_not(u, below, UI_C_BG), 0); /* no half line */
		assert_true(ink[page][0] > 20);
	}
	assert_true(ink[0][1] > 20 && ink[1][1] > 20);
	assert_int_equal(ink[2][1], 0); /* 五 alone on the last page */
	assert_true(ink[0][0] != ink[1][0] || ink[1][0] != ink[2][0]); /* other characters */
	/* Past the last page: the last. */
	ui_frame_begin(u);
	ui_text_page(u, r, text, UI_SIZE_BODY, UI_LEFT, UI_C_TEXT, 7);
	ui_frame_end(u);
	assert_int_equal(ui_test_count_not(u, first, UI_C_BG), ink[2][0]);
	/* A negative page counts and draws nothing; a text that fits is one page. */
	ui_frame_begin(u);
	assert_int_equal(ui_text_page(u, r, text, UI_SIZE_BODY, UI_LEFT, UI_C_TEXT, -1), 3);
	assert_int_equal(ui_text_page(u, r, "一\n二", UI_SIZE_BODY, UI_LEFT, UI_C_TEXT, -1), 1);
	ui_frame_end(u);
	assert_int_equal(ui_test_count_not(u, r, UI_C_BG), 0);
	ui_close(u);
}

/* Ink of text drawn at (0, 0) of a 400x100 rect. */
static long ink_of(struct ui *u, const char *text, int *w)
{
	int h;
	ui_text_get(u, text, UI_SIZE_TITLE, ui_colour_rgb(UI_C_TEXT), 400, UI_LEFT, w, &h);
	ui_frame_begin(u);
	ui_text(u, (struct ui_rect){0, 0, 400, 100}, text, UI_SIZE_TITLE, UI_LEFT, UI_C_TEXT);
	ui_frame_end(u);
	return ui_test_count_not(u, (struct ui_rect){0, 0, 400, 100}, UI_C_BG);
}

/* The lowest row with ink of the first (half 0) or second (half 1)
 * half of text drawn at (0, 0) in the title size. */
static int ink_bottom(struct ui *u, const char *text, int half)
{
	int w;
	ink_of(u, text, &w);
	for (int y = 99; y >= 0; y--)
		if (ui_test_count_not(u, (struct ui_rect){half * w / 2, y, w / 2, 1}, UI_C_BG))
			return y;
	return -1;
}

static void test_fallback(void **state)
{
	(void)state;
	if (access(UI_TEST_FALLBACK, R_OK) != 0) {
		print_message("no %s (fonts-dejavu-core): skipped\n", UI_TEST_FALLBACK);
		skip();
	}
	struct ui_options o = ui_test_options(400, 100);
	struct ui *plain = ui_test_open_with(&o);
	o.fallback_font = UI_TEST_FALLBACK;
	struct ui *fb = ui_test_open_with(&o);
	/* Noto Sans CJK has no Georgian: a box without the fallback, the
	 * letters with it. */
	const char *geo = "ok გამარჯობა 好";
	int wp, wf;
	long ip = ink_of(plain, geo, &wp), iff = ink_of(fb, geo, &wf);
	assert_true(ip > 0 && iff > 0);
	assert_true(ip != iff);
	assert_true(wp != wf);
	/* Text the main font covers is drawn by it alone either way. */
	const char *zh = "流动疫苗 Bus 2";
	assert_int_equal(ink_of(plain, zh, &wp), ink_of(fb, zh, &wf));
	assert_int_equal(wp, wf);
	/* The fallback's run sits on the main font's baseline: Georgian "a"
	 * ends where Latin "o" does (both overshoot it a little; unaligned
	 * they would be 7 px apart). */
	int lo = ink_bottom(fb, "oა", 0), la = ink_bottom(fb, "oა", 1);
	assert_true(lo > 0 && la >= lo - 1 && la <= lo + 1);
	ui_close(fb);
	ui_close(plain);
}

int main(void)
{
	ui_test_env();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_hanzi),	   cmocka_unit_test(test_cache),
	    cmocka_unit_test(test_lru_bound),	   cmocka_unit_test(test_wrapping),
	    cmocka_unit_test(test_align_and_clip), cmocka_unit_test(test_pages),
	    cmocka_unit_test(test_fallback),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
