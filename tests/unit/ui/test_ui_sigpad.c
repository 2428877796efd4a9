/* The signature pad: points and stroke ends as the finger moves (and
 * leaves the pad), the bound on points, clear, the PNG (decodes, the
 * pad's size, ink along the strokes and nowhere else), and the pad on
 * screen. */
#include "ui_test.h"

#include <SDL_image.h>

static const struct ui_rect pad = {100, 50, 400, 200};

static void test_add_and_clear(void **state)
{
	(void)state;
	struct ui_sigpad s = {0};
	/* Lifting with no stroke adds nothing. */
	assert_int_equal(ui_sigpad_add(&s, pad, 0, 0, 0), 0);
	assert_int_equal(s.n, 0);
	assert_int_equal(ui_sigpad_add(&s, pad, 110, 60, 1), 0);
	assert_int_equal(ui_sigpad_add(&s, pad, 110, 60, 1), 0); /* same point: kept once */
	assert_int_equal(ui_sigpad_add(&s, pad, 120, 70, 1), 0);
	assert_int_equal(ui_sigpad_add(&s, pad, 0, 0, 0), 0);
	assert_int_equal(ui_sigpad_add(&s, pad, 0, 0, 0), 0); /* one end only */
	/* Leaving the pad ends the stroke; coming back starts another. */
	assert_int_equal(ui_sigpad_add(&s, pad, 499, 249, 1), 0);
	assert_int_equal(ui_sigpad_add(&s, pad, 500, 249, 1), 0);
	assert_int_equal(ui_sigpad_add(&s, pad, 501, 100, 1), 0);
	assert_int_equal(ui_sigpad_add(&s, pad, 450, 100, 1), 0);
	static const int16_t want[] = {10, 10, 20, 20, -1, -1, 399, 199, -1, -1, 350, 50};
	assert_int_equal(s.n, sizeof(want) / sizeof(want[0]));
	assert_memory_equal(s.xy, want, sizeof(want));
	ui_sigpad_clear(&s);
	assert_null(s.xy);
	assert_int_equal(s.n, 0);
	assert_int_equal(s.cap, 0);
	ui_sigpad_clear(&s); /* twice is fine */

	/* Bounded: a pad full of points refuses more, and still ends the
	 * stroke. */
	struct ui_rect big = {0, 0, 30000, 2};
	int i = 0, rc = 0;
	for (; i < 100000 && rc == 0; i++)
		rc = ui_sigpad_add(&s, big, i % 30000, i / 30000, 1);
	assert_int_equal(rc, -1);
	assert_true(i > 10000);
	assert_int_equal(ui_sigpad_add(&s, big, 0, 0, 0), 0);
	assert_int_equal(s.xy[s.n - 2], -1);
	ui_sigpad_clear(&s);
}

/* Dark pixels of an RGB surface in r. */
static long dark(SDL_Surface *img, SDL_Rect r)
{
	long n = 0;
	for (int y = r.y; y < r.y + r.h; y++)
		for (int x = r.x; x < r.x + r.w; x++) {
			Uint8 cr, cg, cb;
			Uint32 p = *(Uint32 *)((Uint8 *)img->pixels + y * img->pitch + x * 4);
			SDL_GetRGB(p, img->format, &cr, &cg, &cb);
			n += cr < 80 && cg < 80 && cb < 80;
		}
	return n;
}

static SDL_Surface *decode(const uint8_t *png, size_t len)
{
	SDL_Surface *raw = IMG_Load_RW(SDL_RWFromConstMem(png, (int)len), 1);
	assert_non_null(raw);
	SDL_Surface *s = SDL_ConvertSurfaceFormat(raw, SDL_PIXELFORMAT_ARGB8888, 0);
	SDL_FreeSurface(raw);
	assert_non_null(s);
	return s;
}

static void test_png(void **state)
{
	(void)state;
	struct ui_sigpad s = {0};
	/* A stroke along y = 100 from x = 50 to 350 (pad coordinates), a dot. */
	for (int x = 150; x <= 450; x += 25)
		assert_int_equal(ui_sigpad_add(&s, pad, x, 150, 1), 0);
	assert_int_equal(ui_sigpad_add(&s, pad, 0, 0, 0), 0);
	assert_int_equal(ui_sigpad_add(&s, pad, 200, 220, 1), 0);
	assert_int_equal(ui_sigpad_add(&s, pad, 0, 0, 0), 0);

	uint8_t *png = NULL;
	size_t len = 0;
	assert_int_equal(ui_sigpad_png(&s, pad, &png, &len), 0);
	assert_true(len > 8);
	assert_memory_equal(png, "\x89PNG\r\n\x1a\n", 8);
	SDL_Surface *img = decode(png, len);
	free(png);
	assert_int_equal(img->w, pad.w);
	assert_int_equal(img->h, pad.h);
	/* Ink along the stroke, thicker than a hairline. */
	long line = dark(img, (SDL_Rect){40, 90, 320, 20});
	assert_true(line >= 2 * 300);
	for (int x = 60; x < 340; x += 10)
		assert_true(dark(img, (SDL_Rect){x, 100, 1, 1}) == 1);
	/* The dot. */
	assert_true(dark(img, (SDL_Rect){96, 166, 8, 8}) > 0);
	/* Nowhere else: the rest is white paper. */
	long all = dark(img, (SDL_Rect){0, 0, img->w, img->h});
	assert_int_equal(all, line + dark(img, (SDL_Rect){90, 160, 20, 20}));
	assert_int_equal(dark(img, (SDL_Rect){0, 0, 40, 40}), 0);
	SDL_FreeSurface(img);

	/* An empty pad is a white page; a bad rect is refused. */
	ui_sigpad_clear(&s);
	assert_int_equal(ui_sigpad_png(&s, pad, &png, &len), 0);
	img = decode(png, len);
	free(png);
	assert_int_equal(dark(img, (SDL_Rect){0, 0, img->w, img->h}), 0);
	SDL_FreeSurface(img);
	assert_int_equal(ui_sigpad_png(&s, (struct ui_rect){0, 0, 0, 10}, &png, &len), -1);
}

static void test_on_screen(void **state)
{
	(void)state;
	struct ui *u = ui_test_open(800, 480);
	struct ui_sigpad s = {0};
	for (int x = 150; x <= 450; x += 25)
		ui_sigpad_add(&s, pad, x, 150, 1);
	ui_frame_begin(u);
	ui_sigpad(u, "sign", pad, &s);
	ui_frame_end(u);
	/* The stroke is drawn where it was made, inside the pad. */
	assert_int_equal(ui_test_pixel(u, 300, 150), 0x000000);
	assert_int_equal(ui_test_pixel(u, 300, 120), 0xFFFFFF);
	assert_int_equal(ui_test_count_not(u, (struct ui_rect){0, 0, 800, 40}, UI_C_BG), 0);
	assert_string_equal(ui_hit(u, 300, 150), "sign");
	ui_sigpad_clear(&s);
	ui_close(u);
}

int main(void)
{
	ui_test_env();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_add_and_clear),
	    cmocka_unit_test(test_png),
	    cmocka_unit_test(test_on_screen),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
