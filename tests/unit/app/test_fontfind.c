/* The fonts found through fontconfig: Noto Sans CJK SC's Simplified
 * Chinese face when nothing is configured, a configured font kept as it
 * is, and a fallback that is never the main font and has a rare character
 * of names. Needs fonts-noto-cjk (installed by packaging/install-deps). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <SDL_ttf.h>
#include <string.h>

#include "config.h"
#include "fontfind.h"

static void test_noto_found(void **state)
{
	(void)state;
	struct config c;
	char err[300] = "";
	config_defaults(&c);
	assert_string_equal(c.font, "");
	assert_int_equal(fontfind(&c, err, sizeof(err)), 0);
	assert_non_null(strstr(c.font, "NotoSansCJK"));
	assert_int_equal(c.font_index, 2); /* the face of Simplified Chinese */
	/* The face found is the one that has the bus's words. */
	assert_int_equal(TTF_Init(), 0);
	TTF_Font *f = TTF_OpenFontIndex(c.font, 20, c.font_index);
	assert_non_null(f);
	assert_true(TTF_GlyphIsProvided32(f, 0x75AB)); /* 疫 */
	TTF_CloseFont(f);
	TTF_Quit();
}

static void test_configured_kept(void **state)
{
	(void)state;
	struct config c;
	char err[300] = "";
	config_defaults(&c);
	strcpy(c.font, "/opt/fonts/Chosen.ttc");
	c.font_index = 5;
	strcpy(c.fallback_font, "/opt/fonts/Rare.ttf");
	assert_int_equal(fontfind(&c, err, sizeof(err)), 0);
	assert_string_equal(c.font, "/opt/fonts/Chosen.ttc");
	assert_int_equal(c.font_index, 5);
	assert_string_equal(c.fallback_font, "/opt/fonts/Rare.ttf");
}

static void test_fallback(void **state)
{
	(void)state;
	struct config c;
	char err[300] = "";
	config_defaults(&c);
	assert_int_equal(fontfind(&c, err, sizeof(err)), 0);
	if (!c.fallback_font[0])
		return; /* no font with CJK extension B-F installed: none used */
	assert_string_not_equal(c.fallback_font, c.font);
	assert_int_equal(TTF_Init(), 0);
	TTF_Font *f = TTF_OpenFont(c.fallback_font, 20);
	assert_non_null(f);
	assert_true(TTF_GlyphIsProvided32(f, 0x2A6D6) || TTF_GlyphIsProvided32(f, 0x2B734) ||
		    TTF_GlyphIsProvided32(f, 0x2B81D) || TTF_GlyphIsProvided32(f, 0x2CEA1) ||
		    TTF_GlyphIsProvided32(f, 0x2EBE0));
	TTF_CloseFont(f);
	TTF_Quit();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_noto_found),
	    cmocka_unit_test(test_configured_kept),
	    cmocka_unit_test(test_fallback),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
