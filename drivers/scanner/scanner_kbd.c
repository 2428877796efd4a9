/*
 * scanner_kbd: HID boot keyboard reports to scans on a US layout (the
 * layout and rules are in scanner_kbd.h).
 */
#include "scanner_kbd.h"

#include <string.h>

#define MOD_CTRL  0x11 /* LCtrl | RCtrl */
#define MOD_SHIFT 0x22 /* LShift | RShift */
#define MOD_ALT	  0x44 /* LAlt | RAlt */
#define MOD_GUI	  0x88 /* LGUI | RGUI */

#define KEY_ENTER    0x28
#define KEY_RBRACKET 0x30
#define KEY_CAPS     0x39
#define KEY_KP_ENTER 0x58
#define KEY_KP_1     0x59
#define KEY_KP_0     0x62

#define ASCII_GS 0x1D

/* The US layout: [usage] = {unshifted, shifted}; 0 types nothing. */
static const char us_layout[0x68][2] = {
    [0x04] = {'a', 'A'}, {'b', 'B'},	      {'c', 'C'},  {'d', 'D'},		{'e', 'E'},
    {'f', 'F'},		 {'g', 'G'},	      {'h', 'H'},  {'i', 'I'},		{'j', 'J'},
    {'k', 'K'},		 {'l', 'L'},	      {'m', 'M'},  {'n', 'N'},		{'o', 'O'},
    {'p', 'P'},		 {'q', 'Q'},	      {'r', 'R'},  {'s', 'S'},		{'t', 'T'},
    {'u', 'U'},		 {'v', 'V'},	      {'w', 'W'},  {'x', 'X'},		{'y', 'Y'},
    {'z', 'Z'},		 [0x1E] = {'1', '!'}, {'2', '@'},  {'3', '#'},		{'4', '$'},
    {'5', '%'},		 {'6', '^'},	      {'7', '&'},  {'8', '*'},		{'9', '('},
    {'0', ')'},		 [0x2C] = {' ', ' '}, {'-', '_'},  {'=', '+'},		{'[', '{'},
    {']', '}'},		 {'\\', '|'},	      {'\\', '|'}, {';', ':'},		{'\'', '"'},
    {'`', '~'},		 {',', '<'},	      {'.', '>'},  {'/', '?'},		[0x54] = {'/', '/'},
    {'*', '*'},		 {'-', '-'},	      {'+', '+'},  [0x59] = {'1', '1'}, {'2', '2'},
    {'3', '3'},		 {'4', '4'},	      {'5', '5'},  {'6', '6'},		{'7', '7'},
    {'8', '8'},		 {'9', '9'},	      {'0', '0'},  {'.', '.'},		[0x67] = {'=', '='},
};

char scanner_kbd_char(uint8_t usage, int shift)
{
	if (usage >= sizeof(us_layout) / sizeof(us_layout[0]))
		return 0;
	return us_layout[usage][shift ? 1 : 0];
}

int scanner_kbd_key(char c, uint8_t *usage, uint8_t *mods)
{
	if (c == ASCII_GS) {
		*usage = KEY_RBRACKET;
		*mods = 0x01;
		return 1;
	}
	for (uint8_t u = 0x04; u <= 0x38; u++) {
		for (int shift = 0; shift <= 1; shift++) {
			if (scanner_kbd_char(u, shift) == c && c != 0) {
				*usage = u;
				*mods = shift ? 0x02 : 0x00;
				return 1;
			}
		}
	}
	return 0;
}

void scanner_kbd_init(struct scanner_kbd *k, const struct scanner_config *cfg)
{
	memset(k, 0, sizeof(*k));
	scanner_asm_init(&k->a, cfg->gap_ms);
	k->gs_substitute = cfg->gs_substitute;
	k->ctrl_gs = cfg->ctrl_gs;
}

void scanner_kbd_cleanup(struct scanner_kbd *k)
{
	scanner_asm_cleanup(&k->a);
	drv_wipe(k, sizeof(*k));
}

static void alt_clear(struct scanner_kbd *k)
{
	k->alt_digits = 0;
	k->alt_code = 0;
}

static void forget_keys(struct scanner_kbd *k)
{
	memset(k->prev, 0, sizeof(k->prev));
	k->prev_mods = 0;
	alt_clear(k);
}

void scanner_kbd_reset(struct scanner_kbd *k)
{
	scanner_asm_reset(&k->a);
	forget_keys(k);
}

void scanner_kbd_discard(struct scanner_kbd *k, int64_t now_ms)
{
	scanner_asm_discard(&k->a, now_ms);
	forget_keys(k);
}

int scanner_kbd_tick(struct scanner_kbd *k, int64_t now_ms)
{
	return scanner_asm_tick(&k->a, now_ms);
}

static int is_kp_digit(uint8_t usage)
{
	return usage >= KEY_KP_1 && usage <= KEY_KP_0;
}

/* Alt released: deliver the Alt+keypad character typed, if any. */
static int alt_release(struct scanner_kbd *k, int64_t now_ms)
{
	int ev = 0;
	if (k->alt_digits > 0 &&
	    (k->alt_code == ASCII_GS || (k->alt_code >= 0x20 && k->alt_code <= 0x7E)))
		ev = scanner_asm_put(&k->a, (uint8_t)k->alt_code, now_ms);
	else if (k->alt_digits != 0)
		k->a.stats.ignored++;
	alt_clear(k);
	return ev;
}

static int key_down(struct scanner_kbd *k, uint8_t usage, uint8_t mods, int64_t now_ms)
{
	if (usage == KEY_ENTER || usage == KEY_KP_ENTER)
		return scanner_asm_end(&k->a);
	if (usage == KEY_CAPS) {
		k->caps = !k->caps;
		return 0;
	}
	if (mods & MOD_ALT) {
		if (is_kp_digit(usage) && k->alt_digits >= 0) {
			unsigned d = usage == KEY_KP_0 ? 0 : (unsigned)(usage - KEY_KP_1 + 1);
			k->alt_code = k->alt_code * 10 + d;
			/* "0nnn" is the Windows ANSI form; more is junk. */
			k->alt_digits = k->alt_digits < 4 ? k->alt_digits + 1 : -1;
			scanner_asm_touch(&k->a, now_ms);
		} else {
			k->a.stats.ignored++;
		}
		return 0;
	}
	if (mods & MOD_GUI) {
		k->a.stats.ignored++;
		return 0;
	}
	if (mods & MOD_CTRL) {
		if (usage == KEY_RBRACKET && k->ctrl_gs)
			return scanner_asm_put(&k->a, ASCII_GS, now_ms);
		k->a.stats.ignored++;
		return 0;
	}
	int shift = (mods & MOD_SHIFT) != 0;
	if (usage >= 0x04 && usage <= 0x1D && k->caps)
		shift = !shift;
	char c = scanner_kbd_char(usage, shift);
	if (!c) {
		k->a.stats.ignored++;
		return 0;
	}
	if (k->gs_substitute && c == k->gs_substitute)
		c = ASCII_GS;
	return scanner_asm_put(&k->a, (uint8_t)c, now_ms);
}

static int held_before(const struct scanner_kbd *k, uint8_t usage)
{
	return memchr(k->prev, usage, sizeof(k->prev)) != NULL;
}

int scanner_kbd_feed(struct scanner_kbd *k, const uint8_t *rep, size_t len, int64_t now_ms)
{
	int ev = scanner_asm_tick(&k->a, now_ms);
	if (len != SCANNER_KBD_REPORT) {
		k->a.stats.bad++;
		scanner_kbd_discard(k, now_ms);
		return ev | SCANNER_EV_BAD;
	}
	const uint8_t mods = rep[0];
	const uint8_t *keys = rep + 2;
	for (size_t i = 0; i < 6; i++) {
		if (keys[i] >= 0x01 && keys[i] <= 0x03) {
			k->a.stats.rollover++;
			return ev;
		}
	}
	if ((k->prev_mods & MOD_ALT) && !(mods & MOD_ALT))
		ev |= alt_release(k, now_ms);
	for (size_t i = 0; i < 6; i++) {
		uint8_t u = keys[i];
		if (u == 0 || held_before(k, u) || memchr(keys, u, i) != NULL)
			continue;
		ev |= key_down(k, u, mods, now_ms);
	}
	memcpy(k->prev, keys, sizeof(k->prev));
	k->prev_mods = mods;
	return ev;
}
