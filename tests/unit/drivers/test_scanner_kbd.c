/*
 * Keyboard-wedge decoding (scanner_kbd): report sequences as real
 * scanners send them, table-driven — shifted and plain characters, GS by
 * substitute, Ctrl+] and Alt+keypad, repeated and held keys, all-up
 * reports, Enter, the inter-key gap, the 4 KiB cap, rollover errors, caps
 * lock, ignored keys — and the US layout table key by key.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "scanner_kbd.h"

/* One input report, fed dt ms after the previous one (0: 10 ms); or, with
 * tick set, only a clock tick dt ms later. */
struct step {
	uint8_t r[8];
	int dt;
	int tick;
};

#define KEY(m, k)                                                                                  \
	{                                                                                          \
		{(m), 0, (k)}, 0, 0                                                                \
	}
#define KEYS(m, a, b)                                                                              \
	{                                                                                          \
		{(m), 0, (a), (b)}, 0, 0                                                           \
	}
#define KEY_AT(dt, m, k)                                                                           \
	{                                                                                          \
		{(m), 0, (k)}, (dt), 0                                                             \
	}
#define UP                                                                                         \
	{                                                                                          \
		{0}, 0, 0                                                                          \
	}
#define MODS(m)                                                                                    \
	{                                                                                          \
		{(m)}, 0, 0                                                                        \
	}
#define ROLL                                                                                       \
	{                                                                                          \
		{0, 0, 1, 1, 1, 1, 1, 1}, 0, 0                                                     \
	}
#define TICK(dt)                                                                                   \
	{                                                                                          \
		{0}, (dt), 1                                                                       \
	}
#define STEPS(...)                                                                                 \
	(const struct step[]){__VA_ARGS__},                                                        \
	    sizeof((const struct step[]){__VA_ARGS__}) / sizeof(struct step)

/* Modifier bits and keys used below (HID Usage Tables, page 0x07). */
#define LCTRL  0x01
#define LSHIFT 0x02
#define LALT   0x04
#define LGUI   0x08
#define RCTRL  0x10
#define RSHIFT 0x20
#define RALT   0x40
#define ENTER  0x28
#define KPENT  0x58
#define CAPS   0x39
#define TAB    0x2B
#define ESC    0x29
#define F1     0x3A
#define KA     0x04
#define KB     0x05
#define KC     0x06
#define KH     0x0B
#define K1     0x1E
#define K0     0x27
#define KP(n)  ((n) == 0 ? 0x62 : 0x58 + (n))

struct kcase {
	const char *name;
	char gs_sub;
	int no_ctrl_gs;
	const struct step *steps;
	size_t n;
	const char *want; /* each event on a line; GS shown as <GS> */
};

static void append(char *out, size_t cap, const char *s, size_t n)
{
	size_t o = strlen(out);
	for (size_t i = 0; i < n; i++) {
		const char *piece = s[i] == 0x1D ? "<GS>" : (char[]){s[i], 0};
		size_t pl = strlen(piece);
		assert_true(o + pl + 1 < cap);
		memcpy(out + o, piece, pl);
		o += pl;
	}
	out[o] = '\0';
}

/* Runs steps through a decoder, writing the events it reports to out. */
static void run(struct scanner_kbd *k, const struct step *steps, size_t n, char *out, size_t cap)
{
	int64_t t = 1000;
	out[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		t += steps[i].dt ? steps[i].dt : 10;
		int ev =
		    steps[i].tick ? scanner_kbd_tick(k, t) : scanner_kbd_feed(k, steps[i].r, 8, t);
		if (ev & SCANNER_EV_ABORTED)
			append(out, cap, "!partial\n", 9);
		if (ev & SCANNER_EV_OVERFLOW)
			append(out, cap, "!overflow\n", 10);
		if (ev & SCANNER_EV_BAD)
			append(out, cap, "!bad\n", 5);
		if (ev & SCANNER_EV_SCAN) {
			char scan[SCANNER_SCAN_MAX + 1];
			size_t len = 0;
			assert_int_equal(scanner_asm_take(&k->a, scan, sizeof(scan), &len), DRV_OK);
			assert_int_equal(strlen(scan), len);
			append(out, cap, scan, len);
			append(out, cap, "\n", 1);
		}
	}
}

static const struct kcase cases[] = {
    {"HC1 uppercase with shift", 0, 0,
     STEPS(KEY(LSHIFT, KH), UP, KEY(LSHIFT, KC), UP, KEY(0, K1), UP, KEY(LSHIFT, 0x33), UP,
	   KEY(0, ENTER), UP),
     "HC1:\n"},
    {"right shift, shift held across keys", 0, 0,
     STEPS(KEY(RSHIFT, KH), MODS(RSHIFT), KEY(RSHIFT, KC), MODS(RSHIFT), KEY(0, ENTER)), "HC\n"},
    {"lowercase", 0, 0, STEPS(KEY(0, KA), UP, KEY(0, KB), UP, KEY(0, KC), UP, KEY(0, ENTER), UP),
     "abc\n"},
    {"digits top row and keypad", 0, 0,
     STEPS(KEY(0, K1), UP, KEY(0, K0), UP, KEY(0, KP(7)), UP, KEY(0, KP(0)), UP, KEY(LSHIFT, KP(5)),
	   UP, KEY(0, ENTER), UP),
     "10705\n"},
    {"keypad symbols", 0, 0,
     STEPS(KEY(0, 0x54), KEY(0, 0x55), KEY(0, 0x56), KEY(0, 0x57), KEY(0, 0x63), KEY(0, 0x67),
	   KEY(0, ENTER)),
     "/*-+.=\n"},
    {"symbols unshifted", 0, 0,
     STEPS(KEY(0, 0x2C), KEY(0, 0x2D), KEY(0, 0x2E), KEY(0, 0x2F), KEY(0, 0x30), KEY(0, 0x31),
	   KEY(0, 0x32), KEY(0, 0x33), KEY(0, 0x34), KEY(0, 0x35), KEY(0, 0x36), KEY(0, 0x37),
	   KEY(0, 0x38), KEY(0, ENTER)),
     " -=[]\\\\;'`,./\n"},
    {"symbols shifted", 0, 0,
     STEPS(KEY(LSHIFT, 0x1E), KEY(LSHIFT, 0x1F), KEY(LSHIFT, 0x20), KEY(LSHIFT, 0x21),
	   KEY(LSHIFT, 0x22), KEY(LSHIFT, 0x23), KEY(LSHIFT, 0x24), KEY(LSHIFT, 0x25),
	   KEY(LSHIFT, 0x26), KEY(LSHIFT, 0x27), KEY(LSHIFT, 0x2D), KEY(LSHIFT, 0x2E),
	   KEY(LSHIFT, 0x2F), KEY(LSHIFT, 0x30), KEY(LSHIFT, 0x31), KEY(LSHIFT, 0x33),
	   KEY(LSHIFT, 0x34), KEY(LSHIFT, 0x35), KEY(LSHIFT, 0x36), KEY(LSHIFT, 0x37),
	   KEY(LSHIFT, 0x38), KEY(LSHIFT, 0x2C), KEY(0, ENTER)),
     "!@#$%^&*()_+{}|:\"~<>? \n"},
    {"GS1 with '~' as GS substitute", '~', 0,
     STEPS(KEY(0, K0), UP, KEY(0, K1), UP, KEY(0, K1), UP, KEY(LSHIFT, 0x35), UP, KEY(0, K1), UP,
	   KEY(0, K0), UP, KEY(LSHIFT, 0x0F), UP, KEY(LSHIFT, 0x35), UP, KEY(0, K1), UP,
	   KEY(0, 0x24), UP, KEY(0, ENTER), UP),
     "011<GS>10L<GS>17\n"},
    {"'~' kept when no substitute is set", 0, 0,
     STEPS(KEY(0, K1), KEY(LSHIFT, 0x35), KEY(0, K0), KEY(0, ENTER)), "1~0\n"},
    {"GS substitute other than '~'", '^', 0,
     STEPS(KEY(0, K1), KEY(LSHIFT, 0x23), KEY(LSHIFT, 0x35), KEY(0, ENTER)), "1<GS>~\n"},
    {"Ctrl+] is GS (left and right Ctrl)", 0, 0,
     STEPS(KEY(0, K1), UP, KEY(LCTRL, 0x30), UP, KEY(0, K0), UP, KEY(RCTRL, 0x30), UP,
	   KEY(0, ENTER)),
     "1<GS>0<GS>\n"},
    {"Ctrl+] ignored when ctrl_gs is off", 0, 1,
     STEPS(KEY(0, K1), UP, KEY(LCTRL, 0x30), UP, KEY(0, K0), UP, KEY(0, ENTER)), "10\n"},
    {"Alt+keypad 029 is GS, 065 is A, released per character", 0, 0,
     STEPS(KEY(0, K1), UP, KEY(LALT, KP(0)), MODS(LALT), KEY(LALT, KP(2)), MODS(LALT),
	   KEY(LALT, KP(9)), MODS(LALT), UP, KEY(RALT, KP(6)), MODS(RALT), KEY(RALT, KP(5)), UP,
	   KEY(0, ENTER)),
     "1<GS>A\n"},
    {"Alt+keypad out of range or too long is dropped", 0, 0,
     STEPS(KEY(LALT, KP(1)), MODS(LALT), KEY(LALT, KP(2)), MODS(LALT), KEY(LALT, KP(8)), UP,
	   KEY(LALT, KP(0)), MODS(LALT), KEY(LALT, KP(0)), MODS(LALT), KEY(LALT, KP(6)), MODS(LALT),
	   KEY(LALT, KP(5)), MODS(LALT), KEY(LALT, KP(5)), UP, KEY(0, KB), KEY(0, ENTER)),
     "b\n"},
    {"Alt released with a key going down in the same report", 0, 0,
     STEPS(KEY(LALT, KP(6)), MODS(LALT), KEY(LALT, KP(6)), KEY(0, KA), KEY(0, ENTER)), "Ba\n"},
    {"the same character twice: press, all-up, press", 0, 0,
     STEPS(KEY(0, KA), UP, KEY(0, KA), UP, KEY(0, KB), UP, KEY(0, KB), UP, KEY(0, ENTER), UP),
     "aabb\n"},
    {"the same character twice with another key between, no all-up", 0, 0,
     STEPS(KEY(0, KA), KEY(0, KB), KEY(0, KA), KEY(0, ENTER)), "aba\n"},
    {"held key across reports is one character", 0, 0,
     STEPS(KEY(0, KA), KEY(0, KA), KEY(0, KA), KEY(LSHIFT, KA), UP, KEY(0, ENTER)), "a\n"},
    {"second key while the first is held", 0, 0,
     STEPS(KEY(0, KA), KEYS(0, KA, KB), KEY(0, KB), KEYS(0, KB, KA), UP, KEY(0, ENTER)), "aba\n"},
    {"two keys down in one report, in array order", 0, 0, STEPS(KEYS(0, KB, KA), UP, KEY(0, ENTER)),
     "ba\n"},
    {"interleaved all-up reports", 0, 0,
     STEPS(UP, UP, KEY(0, KA), UP, UP, UP, KEY(0, KB), UP, UP, KEY(0, ENTER), UP, UP), "ab\n"},
    {"keypad Enter ends a scan too", 0, 0, STEPS(KEY(0, KA), UP, KEY(0, KPENT), UP), "a\n"},
    {"Enter held does not end twice; empty scans are not scans", 0, 0,
     STEPS(KEY(0, ENTER), UP, KEY(0, KA), KEY(0, ENTER), KEY(0, ENTER), UP, KEY(0, ENTER)), "a\n"},
    {"keys after Enter in the same report start the next scan", 0, 0,
     STEPS(KEY(0, KA), KEYS(0, ENTER, KB), UP, KEY(0, ENTER)), "a\nb\n"},
    {"two scans back to back", 0, 0,
     STEPS(KEY(0, KA), UP, KEY(0, ENTER), UP, KEY(0, KB), UP, KEY(0, ENTER), UP), "a\nb\n"},
    {"timeout mid-scan discards the half and its tail; the next scan is whole", 0, 0,
     STEPS(KEY(0, KA), UP, KEY(0, KB), UP, KEY_AT(600, 0, KC), UP, KEY(0, ENTER), UP, KEY(0, KA),
	   KEY(0, ENTER)),
     "!partial\na\n"},
    {"a tail with no Enter ends after a silence of the gap", 0, 0,
     STEPS(KEY(0, KA), KEY_AT(600, 0, KB), KEY(0, KC), KEY_AT(501, 0, KA), KEY(0, ENTER)),
     "!partial\na\n"},
    {"a tail within the gap is still dropped", 0, 0,
     STEPS(KEY(0, KA), KEY_AT(600, 0, KB), KEY_AT(500, 0, KC), KEY(0, ENTER)), "!partial\n"},
    {"a tick after the gap discards the half scan", 0, 0,
     STEPS(KEY(0, KA), UP, TICK(489), TICK(2), KEY_AT(501, 0, KB), KEY(0, ENTER)), "!partial\nb\n"},
    {"after a tick's abort, keys within the gap are the tail", 0, 0,
     STEPS(KEY(0, KA), TICK(501), KEY(0, KB), KEY(0, ENTER), KEY(0, KC), KEY(0, ENTER)),
     "!partial\nc\n"},
    {"a pause of exactly the gap is allowed, 1 ms more is not", 0, 0,
     STEPS(KEY(0, KA), KEY_AT(500, 0, KB), TICK(500), TICK(1), KEY_AT(1, 0, ENTER)), "!partial\n"},
    {"a pause of exactly the gap, then Enter", 0, 0,
     STEPS(KEY(0, KA), KEY_AT(500, 0, KB), KEY_AT(500, 0, ENTER)), "ab\n"},
    {"idle time between scans is not a timeout", 0, 0,
     STEPS(KEY(0, KA), KEY(0, ENTER), TICK(100000), KEY_AT(100000, 0, KB), KEY(0, ENTER)),
     "a\nb\n"},
    {"rollover error reports are ignored", 0, 0,
     STEPS(KEY(0, KA), ROLL, KEY(0, KA), ROLL, UP, KEY(0, KA), UP, KEY(0, ENTER)), "aa\n"},
    {"POSTFail and ErrorUndefined likewise", 0, 0,
     STEPS(KEY(0, KA), KEY(0, 2), KEYS(0, KA, 3), UP, KEY(0, ENTER)), "a\n"},
    {"caps lock inverts letters only", 0, 0,
     STEPS(KEY(0, CAPS), UP, KEY(0, KA), UP, KEY(LSHIFT, KB), UP, KEY(0, K1), UP, KEY(LSHIFT, K1),
	   UP, KEY(0, CAPS), UP, KEY(0, KC), UP, KEY(0, ENTER)),
     "Ab1!c\n"},
    {"caps lock state outlives a scan", 0, 0,
     STEPS(KEY(0, CAPS), UP, KEY(0, KA), KEY(0, ENTER), KEY(0, KB), KEY(0, ENTER)), "A\nB\n"},
    {"Tab, Esc, F1, Ctrl, GUI and Alt chords type nothing", 0, 0,
     STEPS(KEY(0, KA), KEY(0, TAB), KEY(0, ESC), KEY(0, F1), KEY(LCTRL, KB), KEY(LGUI, KB),
	   KEY(LALT, KB), KEY(0, 0x4F), KEY(0, 0x64), KEY(0, 0xE1), KEY(0, ENTER)),
     "a\n"},
};

static void test_cases(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct kcase *c = &cases[i];
		struct scanner_config cfg;
		scanner_config_init(&cfg);
		cfg.mode = SCANNER_MODE_KEYBOARD;
		cfg.gs_substitute = c->gs_sub;
		cfg.ctrl_gs = !c->no_ctrl_gs;
		struct scanner_kbd k;
		scanner_kbd_init(&k, &cfg);
		char got[512];
		run(&k, c->steps, c->n, got, sizeof(got));
		if (strcmp(got, c->want) != 0)
			fail_msg("%s: got \"%s\", want \"%s\"", c->name, got, c->want);
		scanner_kbd_cleanup(&k);
	}
}

static void type_char(struct scanner_kbd *k, char c, int64_t *t, int *ev)
{
	uint8_t usage, mods;
	assert_int_equal(scanner_kbd_key(c, &usage, &mods), 1);
	uint8_t down[8] = {mods, 0, usage}, up[8] = {0};
	*ev |= scanner_kbd_feed(k, down, 8, *t += 5);
	*ev |= scanner_kbd_feed(k, up, 8, *t += 5);
}

static void init_kbd(struct scanner_kbd *k)
{
	struct scanner_config cfg;
	scanner_config_init(&cfg);
	cfg.mode = SCANNER_MODE_KEYBOARD;
	scanner_kbd_init(k, &cfg);
}

static void test_overflow(void **state)
{
	(void)state;
	static struct scanner_kbd k;
	init_kbd(&k);
	int64_t t = 0;
	int ev = 0;
	/* SCANNER_SCAN_MAX characters fit. */
	for (size_t i = 0; i < SCANNER_SCAN_MAX; i++)
		type_char(&k, (char)('a' + i % 26), &t, &ev);
	assert_int_equal(ev, 0);
	type_char(&k, '\x1D', &t, &ev); /* one more is too many */
	assert_int_equal(ev, SCANNER_EV_OVERFLOW);
	/* The rest of the code is dropped up to its Enter, silently. */
	ev = 0;
	for (size_t i = 0; i < 100; i++)
		type_char(&k, 'z', &t, &ev);
	uint8_t enter[8] = {0, 0, ENTER}, up[8] = {0};
	ev |= scanner_kbd_feed(&k, enter, 8, t += 5);
	ev |= scanner_kbd_feed(&k, up, 8, t += 5);
	assert_int_equal(ev, 0);
	assert_int_equal(k.a.stats.overflow, 1);
	/* The next scan is whole. */
	type_char(&k, 'q', &t, &ev);
	ev |= scanner_kbd_feed(&k, enter, 8, t += 5);
	assert_int_equal(ev, SCANNER_EV_SCAN);
	char out[8];
	size_t len = 0;
	assert_int_equal(scanner_asm_take(&k.a, out, sizeof(out), &len), DRV_OK);
	assert_string_equal(out, "q");

	/* Exactly SCANNER_SCAN_MAX is delivered whole. */
	for (size_t i = 0; i < SCANNER_SCAN_MAX; i++)
		type_char(&k, (char)('A' + i % 26), &t, &ev);
	ev = scanner_kbd_feed(&k, enter, 8, t += 5);
	assert_int_equal(ev, SCANNER_EV_SCAN);
	static char big[SCANNER_SCAN_MAX + 1];
	assert_int_equal(scanner_asm_take(&k.a, big, sizeof(big), &len), DRV_OK);
	assert_int_equal(len, SCANNER_SCAN_MAX);
	assert_int_equal(big[SCANNER_SCAN_MAX - 1], 'A' + (SCANNER_SCAN_MAX - 1) % 26);
	scanner_kbd_cleanup(&k);
}

static void test_overflow_ended_by_gap(void **state)
{
	(void)state;
	static struct scanner_kbd k;
	init_kbd(&k);
	int64_t t = 0;
	int ev = 0;
	for (size_t i = 0; i <= SCANNER_SCAN_MAX; i++)
		type_char(&k, '7', &t, &ev);
	assert_int_equal(ev, SCANNER_EV_OVERFLOW);
	/* The discarded code's end never came: the gap ends it without a
	 * second error. */
	assert_int_equal(scanner_kbd_tick(&k, t + 501), 0);
	assert_int_equal(k.a.stats.aborted, 0);
	ev = 0;
	type_char(&k, '8', &t, &ev);
	uint8_t enter[8] = {0, 0, ENTER};
	ev |= scanner_kbd_feed(&k, enter, 8, t += 5);
	assert_int_equal(ev, SCANNER_EV_SCAN);
	scanner_kbd_cleanup(&k);
}

static void test_bad_report(void **state)
{
	(void)state;
	struct scanner_kbd k;
	init_kbd(&k);
	uint8_t a[8] = {0, 0, KA}, up[8] = {0}, enter[8] = {0, 0, ENTER}, b[9] = {1, 0, 0, KB};
	assert_int_equal(scanner_kbd_feed(&k, a, 8, 10), 0);
	assert_int_equal(scanner_kbd_feed(&k, up, 8, 20), 0);
	/* A 9-byte report (a report ID in front) fits no layout: the half
	 * scan goes with it. */
	assert_int_equal(scanner_kbd_feed(&k, b, 9, 30), SCANNER_EV_BAD);
	assert_int_equal(scanner_kbd_feed(&k, b, 0, 40), SCANNER_EV_BAD);
	assert_int_equal(scanner_kbd_feed(&k, enter, 8, 50), 0);
	assert_int_equal(k.a.stats.bad, 2);
	assert_int_equal(scanner_asm_take(&k.a, (char[4]){0}, 4, &(size_t){0}), DRV_ENOTFOUND);
	scanner_kbd_cleanup(&k);
}

static void test_reset(void **state)
{
	(void)state;
	struct scanner_kbd k;
	init_kbd(&k);
	uint8_t a[8] = {0, 0, KA}, b[8] = {0, 0, KB}, enter[8] = {0, 0, ENTER};
	scanner_kbd_feed(&k, a, 8, 10);
	scanner_kbd_feed(&k, enter, 8, 20);
	scanner_kbd_feed(&k, b, 8, 30);
	/* An unplug: the half scan "b" and the key state go; "a" stays. */
	scanner_kbd_reset(&k);
	assert_int_equal(scanner_kbd_feed(&k, b, 8, 40), 0); /* b down again counts */
	scanner_kbd_feed(&k, (uint8_t[8]){0}, 8, 45);
	char out[8];
	size_t len = 0;
	assert_int_equal(scanner_asm_take(&k.a, out, sizeof(out), &len), DRV_OK);
	assert_string_equal(out, "a");
	assert_int_equal(scanner_kbd_feed(&k, enter, 8, 50), SCANNER_EV_SCAN);
	assert_int_equal(scanner_asm_take(&k.a, out, sizeof(out), &len), DRV_OK);
	assert_string_equal(out, "b");
	scanner_kbd_cleanup(&k);
}

static void test_unread_scan_kept_next_dropped(void **state)
{
	(void)state;
	struct scanner_kbd k;
	init_kbd(&k);
	uint8_t a[8] = {0, 0, KA}, b[8] = {0, 0, KB}, enter[8] = {0, 0, ENTER}, up[8] = {0};
	scanner_kbd_feed(&k, a, 8, 10);
	assert_int_equal(scanner_kbd_feed(&k, enter, 8, 20), SCANNER_EV_SCAN);
	scanner_kbd_feed(&k, b, 8, 30);
	scanner_kbd_feed(&k, up, 8, 35);
	assert_int_equal(scanner_kbd_feed(&k, enter, 8, 40), 0);
	assert_int_equal(k.a.stats.dropped, 1);
	char out[8];
	size_t len = 0;
	assert_int_equal(scanner_asm_take(&k.a, out, sizeof(out), &len), DRV_OK);
	assert_string_equal(out, "a");
	/* A cap too small for the scan: an error, and the scan is gone. */
	scanner_kbd_feed(&k, up, 8, 45);
	scanner_kbd_feed(&k, b, 8, 50);
	scanner_kbd_feed(&k, a, 8, 55);
	assert_int_equal(scanner_kbd_feed(&k, enter, 8, 60), SCANNER_EV_SCAN);
	char small[2] = "x";
	len = 99;
	assert_int_equal(scanner_asm_take(&k.a, small, sizeof(small), &len), SCANNER_EOVERFLOW);
	assert_int_equal(len, 99);
	assert_string_equal(small, "x");
	assert_int_equal(scanner_asm_take(&k.a, out, sizeof(out), &len), DRV_ENOTFOUND);
	scanner_kbd_cleanup(&k);
}

static void test_layout_table(void **state)
{
	(void)state;
	/* usages 0x04..0x38 and the keypad, written out from the HID Usage
	 * Tables' US legends ('\0' for keys that type nothing). */
	static const char plain[] = "abcdefghijklmnopqrstuvwxyz1234567890\0\0\0\0 -=[]\\\\;'`,./";
	static const char shifted[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ!@#$%^&*()\0\0\0\0 _+{}||:\"~<>?";
	for (uint8_t u = 0x04; u <= 0x38; u++) {
		assert_int_equal(scanner_kbd_char(u, 0), plain[u - 0x04]);
		assert_int_equal(scanner_kbd_char(u, 1), shifted[u - 0x04]);
	}
	static const char keypad[] = "/*-+\0001234567890.";
	for (uint8_t u = 0x54; u <= 0x63; u++)
		for (int s = 0; s <= 1; s++)
			assert_int_equal(scanner_kbd_char(u, s), keypad[u - 0x54]);
	assert_int_equal(scanner_kbd_char(0x67, 0), '=');
	for (unsigned u = 0; u < 256; u++) {
		if ((u >= 0x04 && u <= 0x38) || (u >= 0x54 && u <= 0x63) || u == 0x67)
			continue;
		assert_int_equal(scanner_kbd_char((uint8_t)u, 0), 0);
		assert_int_equal(scanner_kbd_char((uint8_t)u, 1), 0);
	}
}

/* Every printable character and GS, typed as a scanner types it, comes
 * out as itself. */
static void test_every_character_round_trip(void **state)
{
	(void)state;
	struct scanner_kbd k;
	init_kbd(&k);
	char want[100];
	size_t n = 0;
	int64_t t = 0;
	int ev = 0;
	for (int c = 0x20; c <= 0x7E; c++)
		want[n++] = (char)c;
	want[n++] = 0x1D;
	want[n] = '\0';
	for (size_t i = 0; i < n; i++)
		type_char(&k, want[i], &t, &ev);
	uint8_t enter[8] = {0, 0, ENTER};
	ev |= scanner_kbd_feed(&k, enter, 8, t + 5);
	assert_int_equal(ev, SCANNER_EV_SCAN);
	char out[128];
	size_t len = 0;
	assert_int_equal(scanner_asm_take(&k.a, out, sizeof(out), &len), DRV_OK);
	assert_int_equal(len, n);
	assert_memory_equal(out, want, n);
	uint8_t u, m;
	assert_int_equal(scanner_kbd_key('\n', &u, &m), 0);
	assert_int_equal(scanner_kbd_key('\x7F', &u, &m), 0);
	assert_int_equal(scanner_kbd_key((char)0xE5, &u, &m), 0);
	scanner_kbd_cleanup(&k);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_cases),
	    cmocka_unit_test(test_overflow),
	    cmocka_unit_test(test_overflow_ended_by_gap),
	    cmocka_unit_test(test_bad_report),
	    cmocka_unit_test(test_reset),
	    cmocka_unit_test(test_unread_scan_kept_next_dropped),
	    cmocka_unit_test(test_layout_table),
	    cmocka_unit_test(test_every_character_round_trip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
