/* The PIN check's worker on its own (kiosk_pin_check.h), without a
 * window: start hands back at once with the caller's PIN wiped, while the
 * worker still runs the main thread turns (the turns are counted: at
 * least a few in Argon2id's 0.3 s, none if the check ran inline); the
 * worker wakes the loop with its SDL event, and end gives the verdict,
 * right or wrong. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <SDL.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kiosk_pin_check.h"
#include "vb_error.h"

static char hash[STORE_STAFF_HASH_MAX];

/* Checks pin against hash; the turns of a 1 ms loop until the worker
 * was done into *turns. Returns the verdict. */
static int check(const char *typed, long *turns)
{
	struct store_staff_check c = {.id = "nurse-li"}, back;
	struct kiosk_pin_check *p = NULL;
	char pin[9];
	snprintf(c.hash, sizeof(c.hash), "%s", hash);
	snprintf(pin, sizeof(pin), "%s", typed);
	Uint32 start = SDL_GetTicks();
	assert_int_equal(kiosk_pin_check_start(&p, &c, pin, sizeof(pin)), 0);
	assert_non_null(p);
	assert_true(SDL_GetTicks() - start < 100); /* not the 0.3 s of the check */
	for (size_t i = 0; i < sizeof(pin); i++)
		assert_int_equal(pin[i], 0);
	*turns = 0;
	SDL_Event ev;
	int woken = 0;
	while (kiosk_pin_check_busy(p) || !woken) {
		if (SDL_WaitEventTimeout(&ev, 1) && ev.type == kiosk_pin_check_event)
			woken = 1;
		else if (kiosk_pin_check_busy(p))
			++*turns;
		assert_true(SDL_GetTicks() - start < 30000);
	}
	assert_int_equal(kiosk_pin_check_end(p, &back), VB_OK);
	assert_string_equal(back.hash, hash);
	return back.right;
}

static void test_right_and_wrong(void **state)
{
	(void)state;
	long turns = 0;
	assert_int_equal(check("2468", &turns), 1);
	print_message("%ld turns of the loop during a right PIN's check\n", turns);
	assert_true(turns >= 10);
	assert_int_equal(check("1357", &turns), 0);
	assert_true(turns >= 10);
}

/* A PIN longer than a staff PIN starts nothing, and is wiped too. */
static void test_too_long(void **state)
{
	(void)state;
	struct store_staff_check c = {.id = "nurse-li"};
	struct kiosk_pin_check *p = NULL;
	char pin[12] = "24681357024";
	assert_int_equal(kiosk_pin_check_start(&p, &c, pin, sizeof(pin)), -1);
	assert_null(p);
	assert_int_equal(pin[0], 0);
}

int main(void)
{
	setenv("SDL_VIDEODRIVER", "dummy", 1);
	if (SDL_Init(SDL_INIT_EVENTS) != 0 || store_staff_hash("2468", hash) != VB_OK)
		return 1;
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_right_and_wrong),
	    cmocka_unit_test(test_too_long),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	SDL_Quit();
	return rc;
}
