/* Steady state: once a screen has been drawn, drawing it again renders no
 * text and allocates nothing through SDL (SDL, SDL_ttf and SDL_image all
 * allocate through SDL_malloc, counted here from before SDL starts). */
#include "ui_test.h"

static unsigned long allocations;

static void *count_malloc(size_t n)
{
	allocations++;
	return malloc(n);
}

static void *count_calloc(size_t n, size_t size)
{
	allocations++;
	return calloc(n, size);
}

static void *count_realloc(void *p, size_t n)
{
	allocations++;
	return realloc(p, n);
}

static void screen(struct ui *u, const struct ui_sigpad *sig, struct ui_rect pad)
{
	struct ui_rect s = ui_screen(u);
	ui_frame_begin(u);
	ui_text(u, (struct ui_rect){0, 20, s.w, 100}, ui_str(u, "welcome.title"), UI_SIZE_TITLE,
		UI_CENTRE, UI_C_TEXT);
	ui_text(u, (struct ui_rect){40, 120, s.w / 2, 200}, ui_str(u, "ticket.wait"), UI_SIZE_BODY,
		UI_LEFT, UI_C_TEXT);
	ui_button(u, "yes", (struct ui_rect){40, 400, 300, 120}, ui_str(u, "ui.yes"), UI_BTN_YES);
	ui_button(u, "no", (struct ui_rect){360, 400, 300, 120}, ui_str(u, "ui.no"), UI_BTN_NO);
	ui_button_off(u, "off", (struct ui_rect){680, 400, 300, 120}, ui_str(u, "ui.cancel"));
	ui_keypad(u, "keypad", (struct ui_rect){1000, 120, 500, 500}, "1 2 3|4 5 6|7 8 9|X 0 DEL");
	ui_progress(u, (struct ui_rect){40, 560, 900, 40}, 1, 3, UI_C_PRIMARY);
	ui_qr(u, (struct ui_rect){1550, 120, 320, 320}, "VB:A007");
	ui_sigpad(u, "sign", pad, sig);
	ui_text(u, (struct ui_rect){40, 640, 900, 300}, "A007", UI_SIZE_HUGE, UI_LEFT,
		UI_C_PRIMARY);
	ui_modal(u, "确认", "是否取消？", "m.yes", "是", "m.no", "否");
	ui_frame_end(u);
}

static void test_idle_frames(void **state)
{
	(void)state;
	struct ui *u = ui_test_open(1920, 1080);
	struct ui_rect pad = {40, 700, 900, 340};
	struct ui_sigpad sig = {0};
	for (int i = 0; i < 300; i++)
		ui_sigpad_add(&sig, pad, 60 + i * 3, 750 + (i % 40) * 6, 1);
	screen(u, &sig, pad);
	screen(u, &sig, pad);
	struct ui_text_stats s0, s1;
	ui_text_stats(u, &s0);
	unsigned long before = allocations;
	for (int f = 0; f < 5; f++) {
		screen(u, &sig, pad);
		assert_null(ui_hit(u, 1, 1)); /* under the modal */
	}
	ui_text_stats(u, &s1);
	assert_int_equal(allocations - before, 0);
	assert_int_equal(s1.misses, s0.misses);
	assert_true(s1.hits > s0.hits);
	/* A new text is rendered once (and allocates). */
	ui_frame_begin(u);
	ui_text(u, ui_screen(u), "新的文字", UI_SIZE_BODY, UI_LEFT, UI_C_TEXT);
	ui_frame_end(u);
	assert_true(allocations > before);
	ui_text_stats(u, &s1);
	assert_int_equal(s1.misses, s0.misses + 1);
	ui_sigpad_clear(&sig);
	ui_close(u);
}

int main(void)
{
	if (SDL_SetMemoryFunctions(count_malloc, count_calloc, count_realloc, free) != 0)
		return 1;
	ui_test_env();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_idle_frames),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
