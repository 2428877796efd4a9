/* The device threads on their own, without a window (kiosk_devices.h): on
 * simulated devices a card reaches the event queue once while it stays on
 * the reader, a missing reader is reported, a card taken off too early is
 * reported once, a reader plugged in later is found, a scan arrives
 * whole, and the stop comes within one read even while a thread waits to
 * look for an absent device again (the events still queued are freed: the
 * sanitizer build checks for leaks). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "config.h"
#include "kiosk_devices.h"

static char dir[64];

static void write_file(const char *name, const char *text, char *path, size_t cap)
{
	snprintf(path, cap, "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

/* Starts the device threads on simulated devices reading these files;
 * NULL is a file that does not exist (no such device). */
static struct kiosk_dev_threads *start_sim(const char *cards, const char *scans)
{
	char none[128];
	struct config c;
	snprintf(none, sizeof(none), "%s/none.txt", dir);
	config_defaults(&c);
	c.sim = 1;
	snprintf(c.sim_cards, sizeof(c.sim_cards), "%s", cards ? cards : none);
	snprintf(c.sim_scans, sizeof(c.sim_scans), "%s", scans ? scans : none);
	struct kiosk_dev_threads *d = NULL;
	assert_int_equal(kiosk_devices_start(&c, NULL, NULL, &d), 0);
	return d;
}

/* Waits up to ms for the next device event of kind; counts in seen[] every
 * device event taken meanwhile (their payloads freed) and returns 1 with
 * *out (its payload kept for the caller to free) or 0 on time out. */
static int next(int kind, int ms, int *seen, SDL_Event *out)
{
	Uint32 start = SDL_GetTicks();
	for (int left = ms; left >= 0; left = ms - (int)(SDL_GetTicks() - start)) {
		SDL_Event ev;
		if (!SDL_WaitEventTimeout(&ev, left) || ev.type != kiosk_devices_event_type())
			continue;
		seen[ev.user.code]++;
		if (ev.user.code == kind) {
			*out = ev;
			return 1;
		}
		free(ev.user.data1);
	}
	return 0;
}

/* Stops d and returns how long that took, in ms. */
static Uint32 stop(struct kiosk_dev_threads *d)
{
	Uint32 start = SDL_GetTicks();
	kiosk_devices_stop(d);
	return SDL_GetTicks() - start;
}

static const char card_text[] = "name=王秀英\nsex=2\nnation=01\nbirth=19450308\n"
				"address=河北省保定市清苑区东闾乡东闾村\nid=130608194503080024\n";

static void test_card_once(void **state)
{
	(void)state;
	char cards[128];
	write_file("cards.txt", card_text, cards, sizeof(cards));
	struct kiosk_dev_threads *d = start_sim(cards, NULL);
	int seen[KIOSK_IN_COUNT] = {0};
	SDL_Event ev;
	assert_true(next(KIOSK_IN_CARD, 3000, seen, &ev));
	assert_int_equal(seen[KIOSK_IN_READER_READY], 1);
	const struct idcard_card *card = ev.user.data1;
	assert_string_equal(card->id, "130608194503080024");
	assert_string_equal(card->name, "王秀英");
	free(ev.user.data1);
	/* The card stays on the reader: read again and again, handed once. */
	assert_false(next(KIOSK_IN_CARD, 5 * KIOSK_DEV_POLL_MS, seen, &ev));
	assert_int_equal(seen[KIOSK_IN_CARD], 1);
	assert_int_equal(seen[KIOSK_IN_READER_ABSENT], 0);
	assert_true(stop(d) < KIOSK_DEV_READ_MS + KIOSK_DEV_POLL_MS);
}

static void test_card_again_after_none(void **state)
{
	(void)state;
	char cards[128];
	write_file("cards2.txt",
		   "nocard\n\n"
		   "name=王秀英\nid=130608194503080024\n",
		   cards, sizeof(cards));
	struct kiosk_dev_threads *d = start_sim(cards, NULL);
	int seen[KIOSK_IN_COUNT] = {0};
	SDL_Event ev;
	/* No card, the card, no card, the card: placed twice, handed twice. */
	for (int i = 0; i < 2; i++) {
		assert_true(next(KIOSK_IN_CARD, 3000, seen, &ev));
		free(ev.user.data1);
	}
	stop(d);
}

static void test_reader_absent(void **state)
{
	(void)state;
	struct kiosk_dev_threads *d = start_sim(NULL, NULL);
	int seen[KIOSK_IN_COUNT] = {0};
	SDL_Event ev;
	assert_true(next(KIOSK_IN_READER_ABSENT, 2000, seen, &ev));
	assert_int_equal(seen[KIOSK_IN_READER_READY], 0);
	/* Both threads wait KIOSK_DEV_RETRY_MS to look again: the stop wakes
	 * them at once. */
	assert_true(stop(d) < 200);
}

/* A reader plugged in later (its simulation file appears) is found at the
 * next look, and its card read. */
static void test_reader_plugged_later(void **state)
{
	(void)state;
	char cards[128];
	snprintf(cards, sizeof(cards), "%s/later.txt", dir);
	struct kiosk_dev_threads *d = start_sim(cards, NULL);
	int seen[KIOSK_IN_COUNT] = {0};
	SDL_Event ev;
	assert_true(next(KIOSK_IN_READER_ABSENT, 2000, seen, &ev));
	write_file("later.txt", card_text, cards, sizeof(cards));
	assert_true(next(KIOSK_IN_CARD, KIOSK_DEV_RETRY_MS + 1000, seen, &ev));
	assert_int_equal(seen[KIOSK_IN_READER_READY], 1);
	free(ev.user.data1);
	stop(d);
}

static void test_unreadable_once(void **state)
{
	(void)state;
	char cards[128];
	write_file("removed.txt", "removed\n", cards, sizeof(cards));
	struct kiosk_dev_threads *d = start_sim(cards, NULL);
	int seen[KIOSK_IN_COUNT] = {0};
	SDL_Event ev;
	assert_true(next(KIOSK_IN_UNREADABLE, 3000, seen, &ev));
	assert_false(next(KIOSK_IN_UNREADABLE, 5 * KIOSK_DEV_POLL_MS, seen, &ev));
	assert_int_equal(seen[KIOSK_IN_UNREADABLE], 1);
	assert_int_equal(seen[KIOSK_IN_CARD], 0);
	stop(d);
}

static void test_scan(void **state)
{
	(void)state;
	char scans[128];
	write_file("scans.txt", "]d20106970000000017\\x1d10LOT42\n", scans, sizeof(scans));
	struct kiosk_dev_threads *d = start_sim(NULL, scans);
	int seen[KIOSK_IN_COUNT] = {0};
	SDL_Event ev;
	assert_true(next(KIOSK_IN_SCAN, 3000, seen, &ev));
	const struct kiosk_input_scan *s = ev.user.data1;
	assert_int_equal(s->len, 27);
	assert_memory_equal(s->text,
			    "]d20106970000000017\x1d"
			    "10LOT42",
			    28);
	free(ev.user.data1);
	/* The file starts again: the scans posted meanwhile are freed by the
	 * stop (the sanitizer build fails on a leak). */
	SDL_Delay(2 * KIOSK_DEV_POLL_MS);
	assert_true(stop(d) < KIOSK_DEV_READ_MS + KIOSK_DEV_POLL_MS);
	assert_int_equal(SDL_PeepEvents(&ev, 1, SDL_PEEKEVENT, kiosk_devices_event_type(),
					kiosk_devices_event_type()),
			 0);
}

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/vb-kdev-XXXXXX");
	if (!mkdtemp(dir) || SDL_Init(SDL_INIT_EVENTS) != 0)
		return -1;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	static const char *const files[] = {"cards.txt", "cards2.txt", "later.txt", "removed.txt",
					    "scans.txt"};
	char path[128];
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		unlink(path);
	}
	rmdir(dir);
	SDL_Quit();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_card_once),	    cmocka_unit_test(test_card_again_after_none),
	    cmocka_unit_test(test_reader_absent),   cmocka_unit_test(test_reader_plugged_later),
	    cmocka_unit_test(test_unreadable_once), cmocka_unit_test(test_scan),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
