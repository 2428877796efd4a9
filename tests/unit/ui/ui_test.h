/*
 * ui_test.h: what the ui unit tests share — the headless SDL environment,
 * opening a ui on the shipped string tables, scratch folders, and reading
 * back the pixels of the presented frame.
 */
#ifndef UI_TEST_H
#define UI_TEST_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ui.h"
#include "ui_int.h"

#define UI_TEST_FONT	 "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
#define UI_TEST_FALLBACK "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"

/* Headless: no display, the software renderer (call first in main). */
static inline void ui_test_env(void)
{
	setenv("SDL_VIDEODRIVER", "dummy", 1);
	setenv("SDL_RENDER_DRIVER", "software", 1);
	setenv("SDL_AUDIODRIVER", "dummy", 1);
}

static inline const char *ui_test_assets(void)
{
	const char *a = getenv("VB_ASSETS_DIR");
	return a ? a : VB_ASSETS_DIR;
}

static inline const char *ui_test_strings_dir(void)
{
	static char dir[4096];
	snprintf(dir, sizeof(dir), "%s/strings", ui_test_assets());
	return dir;
}

static inline struct ui_options ui_test_options(int w, int h)
{
	return (struct ui_options){.width = w,
				   .height = h,
				   .font = UI_TEST_FONT,
				   .font_index = 2,
				   .strings_dir = ui_test_strings_dir()};
}

static inline struct ui *ui_test_open_with(const struct ui_options *o)
{
	struct ui *u = NULL;
	char why[256] = "";
	if (ui_open(o, &u, why, sizeof(why)) != 0)
		fail_msg("ui_open: %s", why);
	return u;
}

static inline struct ui *ui_test_open(int w, int h)
{
	struct ui_options o = ui_test_options(w, h);
	return ui_test_open_with(&o);
}

/* A new empty folder under TMPDIR; remove with ui_test_rmdir. */
static inline void ui_test_tmpdir(char *dir, size_t cap)
{
	const char *t = getenv("TMPDIR");
	snprintf(dir, cap, "%s/vb-ui-XXXXXX", t ? t : "/tmp");
	if (!mkdtemp(dir))
		fail_msg("mkdtemp %s", dir);
}

static inline void ui_test_rmdir(const char *dir)
{
	char cmd[4200];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

static inline void ui_test_write(const char *dir, const char *name, const char *text)
{
	char path[4200];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
}

/* The presented frame's pixel at (x, y), 0xRRGGBB. */
static inline uint32_t ui_test_pixel(struct ui *u, int x, int y)
{
	uint32_t p = 0;
	SDL_Rect r = {x, y, 1, 1};
	assert_int_equal(SDL_RenderReadPixels(ui_renderer(u), &r, SDL_PIXELFORMAT_RGB888, &p, 4),
			 0);
	return p & 0xFFFFFF;
}

/* Pixels of the presented frame in r that differ from colour c. */
static inline long ui_test_count_not(struct ui *u, struct ui_rect r, enum ui_colour c)
{
	SDL_Color k = ui_colour_rgb(c);
	uint32_t want = (uint32_t)k.r << 16 | (uint32_t)k.g << 8 | k.b;
	uint32_t *px = malloc((size_t)r.w * (size_t)r.h * 4);
	assert_non_null(px);
	assert_int_equal(SDL_RenderReadPixels(ui_renderer(u), &(SDL_Rect){r.x, r.y, r.w, r.h},
					      SDL_PIXELFORMAT_RGB888, px, r.w * 4),
			 0);
	long n = 0;
	for (long i = 0; i < (long)r.w * r.h; i++)
		n += (px[i] & 0xFFFFFF) != want;
	free(px);
	return n;
}

#endif
