/* Hit testing from the last frame: buttons, disabled buttons, overlaps,
 * a modal capturing every touch but its own buttons, keypad ids, the
 * signature pad, ids too long, and scripts' ui_widget_rect and
 * ui_widget_shown. */
#include "ui_test.h"

static void test_buttons(void **state)
{
	(void)state;
	struct ui *u = ui_test_open(800, 480);
	/* Nothing drawn yet. */
	assert_null(ui_hit(u, 10, 10));
	ui_frame_begin(u);
	ui_button(u, "a", (struct ui_rect){0, 0, 100, 50}, "A", UI_BTN_PRIMARY);
	ui_button(u, "b", (struct ui_rect){200, 0, 100, 50}, "B", UI_BTN_SECONDARY);
	ui_button_off(u, "c", (struct ui_rect){400, 0, 100, 50}, "C");
	/* While a frame is drawn, hits still answer from the last one. */
	assert_null(ui_hit(u, 10, 10));
	ui_frame_end(u);

	static const struct {
		int x, y;
		const char *id;
	} taps[] = {
	    {0, 0, "a"},      {99, 49, "a"},  {100, 0, NULL},  {50, 50, NULL},
	    {-1, 10, NULL},   {250, 25, "b"}, {450, 25, NULL}, /* disabled */
	    {700, 400, NULL},
	};
	for (size_t i = 0; i < sizeof(taps) / sizeof(taps[0]); i++) {
		const char *id = ui_hit(u, taps[i].x, taps[i].y);
		if (taps[i].id == NULL ? id != NULL : id == NULL || strcmp(id, taps[i].id) != 0)
			fail_msg("tap %zu at (%d,%d): %s", i, taps[i].x, taps[i].y,
				 id ? id : "NULL");
	}
	struct ui_rect r;
	assert_int_equal(ui_widget_rect(u, "b", &r), 0);
	assert_int_equal(r.x, 200);
	assert_int_equal(r.w, 100);
	assert_int_equal(ui_widget_rect(u, "c", &r), 0); /* drawn, though off */
	assert_int_equal(ui_widget_rect(u, "zz", &r), -1);
	assert_int_equal(ui_widget_shown(u, "a"), 1);
	assert_int_equal(ui_widget_shown(u, "c"), 0);
	assert_int_equal(ui_widget_shown(u, "zz"), 0);

	/* The next frame replaces the last: a widget not drawn is gone, an
	 * overlapping later one is on top. */
	ui_frame_begin(u);
	ui_button(u, "a", (struct ui_rect){0, 0, 100, 50}, "A", UI_BTN_PRIMARY);
	ui_button(u, "top", (struct ui_rect){50, 0, 100, 50}, "T", UI_BTN_PRIMARY);
	ui_frame_end(u);
	assert_string_equal(ui_hit(u, 60, 10), "top");
	assert_string_equal(ui_hit(u, 10, 10), "a");
	assert_null(ui_hit(u, 250, 25));
	assert_int_equal(ui_widget_rect(u, "b", &r), -1);
	ui_close(u);
}

static void test_modal(void **state)
{
	(void)state;
	struct ui *u = ui_test_open(800, 480);
	ui_frame_begin(u);
	ui_button(u, "under", ui_screen(u), "X", UI_BTN_PRIMARY);
	ui_modal(u, "确认", "取消登记？", "m.yes", "是", "m.no", "否");
	ui_frame_end(u);
	struct ui_rect yes, no;
	assert_int_equal(ui_widget_rect(u, "m.yes", &yes), 0);
	assert_int_equal(ui_widget_rect(u, "m.no", &no), 0);
	/* Large enough for a gloved finger, side by side. */
	assert_true(yes.h >= ui_mm(u, 12, 1) && yes.w >= ui_mm(u, 12, 1));
	assert_true(no.x >= yes.x + yes.w);
	assert_string_equal(ui_hit(u, yes.x + 1, yes.y + 1), "m.yes");
	assert_string_equal(ui_hit(u, no.x + no.w - 1, no.y + no.h - 1), "m.no");
	/* The button under the modal takes no touch, anywhere. */
	assert_null(ui_hit(u, 2, 2));
	assert_null(ui_hit(u, yes.x + 1, yes.y - 20));
	assert_int_equal(ui_widget_shown(u, "under"), 0);
	assert_int_equal(ui_widget_shown(u, "m.yes"), 1);
	/* The dim is drawn over the whole frame. */
	uint32_t dimmed = ui_test_pixel(u, 2, 2);
	SDL_Color p = ui_colour_rgb(UI_C_PRIMARY);
	assert_int_not_equal(dimmed, (uint32_t)p.r << 16 | (uint32_t)p.g << 8 | p.b);

	/* One button only; the next frame without the modal frees the rest. */
	ui_frame_begin(u);
	ui_button(u, "under", ui_screen(u), "X", UI_BTN_PRIMARY);
	ui_modal(u, "好", NULL, "m.ok", "确定", NULL, NULL);
	ui_frame_end(u);
	assert_int_equal(ui_widget_rect(u, "m.no", &no), -1);
	assert_int_equal(ui_widget_rect(u, "m.ok", &yes), 0);
	assert_string_equal(ui_hit(u, yes.x + yes.w / 2, yes.y + yes.h / 2), "m.ok");
	assert_null(ui_hit(u, 2, 2));
	ui_frame_begin(u);
	ui_button(u, "under", ui_screen(u), "X", UI_BTN_PRIMARY);
	ui_frame_end(u);
	assert_string_equal(ui_hit(u, 2, 2), "under");
	ui_close(u);
}

static void test_keypad(void **state)
{
	(void)state;
	struct ui *u = ui_test_open(800, 480);
	struct ui_rect pad = {100, 40, 300, 400};
	long ink_del[UI_LANG_COUNT], ink_one[UI_LANG_COUNT];
	for (int lang = 0; lang < UI_LANG_COUNT; lang++) {
		ui_set_lang(u, (enum ui_lang)lang);
		ui_frame_begin(u);
		ui_keypad(u, "keypad", pad, "1 2 3|4 5 6|7 8 9|X  0 DEL");
		ui_frame_end(u);
		static const char *const rows[4][3] = {
		    {"1", "2", "3"}, {"4", "5", "6"}, {"7", "8", "9"}, {"X", "0", "DEL"}};
		int gap = ui_mm(u, 2, 0);
		for (int i = 0; i < 4; i++)
			for (int j = 0; j < 3; j++) {
				char id[UI_ID_MAX];
				snprintf(id, sizeof(id), "keypad.%s", rows[i][j]);
				struct ui_rect r, want = ui_col(ui_row(pad, 4, i, gap), 3, j, gap);
				if (ui_widget_rect(u, id, &r) != 0)
					fail_msg("no %s", id);
				assert_memory_equal(&r, &want, sizeof(r));
				assert_string_equal(ui_hit(u, r.x + r.w / 2, r.y + r.h / 2), id);
			}
		/* Between keys: nothing. */
		struct ui_rect k1, del;
		ui_widget_rect(u, "keypad.1", &k1);
		assert_null(ui_hit(u, k1.x + k1.w + gap / 2, k1.y + 5));
		ui_widget_rect(u, "keypad.DEL", &del);
		ink_del[lang] = ui_test_count_not(u, ui_inset(del, 2), UI_C_PANEL);
		ink_one[lang] = ui_test_count_not(u, ui_inset(k1, 2), UI_C_PANEL);
	}
	/* "DEL" shows the table's 删除 / Delete; "1" is drawn as given. */
	assert_true(ink_del[UI_ZH] > 0 && ink_del[UI_EN] > 0);
	assert_int_not_equal(ink_del[UI_ZH], ink_del[UI_EN]);
	assert_int_equal(ink_one[UI_ZH], ink_one[UI_EN]);
	/* Rows of different lengths share the width each. */
	ui_frame_begin(u);
	ui_keypad(u, "yn", pad, "YES NO|OK");
	ui_frame_end(u);
	struct ui_rect a, b;
	assert_int_equal(ui_widget_rect(u, "yn.YES", &a), 0);
	assert_int_equal(ui_widget_rect(u, "yn.OK", &b), 0);
	assert_int_equal(b.w, pad.w);
	assert_true(a.w < pad.w / 2);
	assert_int_equal(ui_widget_rect(u, "yn.", &a), -1);
	ui_close(u);
}

static void test_sigpad_and_ids(void **state)
{
	(void)state;
	struct ui *u = ui_test_open(800, 480);
	char longid[UI_ID_MAX + 1];
	memset(longid, 'x', UI_ID_MAX);
	longid[UI_ID_MAX] = '\0';
	ui_frame_begin(u);
	ui_sigpad(u, "consent.sign", (struct ui_rect){0, 200, 800, 280}, NULL);
	ui_button(u, longid, (struct ui_rect){0, 0, 100, 100}, "L", UI_BTN_PRIMARY);
	ui_button(u, "", (struct ui_rect){100, 0, 100, 100}, "E", UI_BTN_PRIMARY);
	ui_frame_end(u);
	assert_string_equal(ui_hit(u, 400, 300), "consent.sign");
	assert_int_equal(ui_widget_shown(u, "consent.sign"), 1);
	/* An id that does not fit is not registered (nor truncated). */
	assert_null(ui_hit(u, 50, 50));
	assert_null(ui_hit(u, 150, 50));
	longid[UI_ID_MAX - 1] = '\0';
	assert_int_equal(ui_widget_shown(u, longid), 0);
	ui_close(u);
}

int main(void)
{
	ui_test_env();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_buttons),
	    cmocka_unit_test(test_modal),
	    cmocka_unit_test(test_keypad),
	    cmocka_unit_test(test_sigpad_and_ids),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
