/*
 * scanner_kbd: decodes a keyboard-wedge scanner — a HID boot keyboard
 * (class 3/1/1) — into scans. Pure: reports and times in, scans out.
 *
 * Report layout (HID 1.11, appendix B.1, boot keyboard input report, 8
 * bytes): byte 0 modifiers (bit 0 LCtrl, 1 LShift, 2 LAlt, 3 LGUI, 4 RCtrl,
 * 5 RShift, 6 RAlt, 7 RGUI), byte 1 reserved, bytes 2-7 the usage IDs
 * (HID Usage Tables, Keyboard/Keypad page 0x07) of up to six keys held
 * down, 0 for none.
 *
 * A key is typed when its usage appears in a report and was absent from
 * the previous valid one: a key held across reports is one character, and
 * the same character twice arrives as press, release (an "all keys up"
 * report, or one without it), press. Shift, Ctrl and Alt are those of the
 * report in which the key went down. Decoded on a US layout:
 *
 *   0x04-0x1D a-z (A-Z with Shift, or with Caps Lock on and no Shift)
 *   0x1E-0x27 1-9 0      shifted ! @ # $ % ^ & * ( )
 *   0x2C space; 0x2D - _ ; 0x2E = + ; 0x2F [ { ; 0x30 ] } ; 0x31 \ | ;
 *   0x32 (non-US #~, typed as \ | on US layouts); 0x33 ; : ; 0x34 ' " ;
 *   0x35 ` ~ ; 0x36 , < ; 0x37 . > ; 0x38 / ?
 *   keypad 0x54 / 0x55 * 0x56 - 0x57 + 0x59-0x62 1-9 0 0x63 . 0x67 =
 *   (Num Lock is taken as on: the scanner cannot see the host's state)
 *   0x28 Enter and 0x58 keypad Enter end the scan
 *   0x39 Caps Lock toggles caps (off at init; letters only)
 *
 * GS (0x1D), which a keyboard cannot type, arrives in one of three ways,
 * each delivered as the byte 0x1D:
 *   - the configured substitute character (scanner_config.gs_substitute,
 *     e.g. '~' — then '~' itself can no longer be scanned);
 *   - Ctrl+] (0x30 with LCtrl or RCtrl), when scanner_config.ctrl_gs;
 *   - Alt+keypad code: Alt held while keypad digits are typed, the
 *     character sent when Alt is released ("emulate ALT+keypad" setting);
 *     codes 29 (GS) and 32-126 are kept, others ignored.
 * Other Ctrl, Alt or GUI chords, Tab, Escape, Backspace, function and
 * navigation keys have no place in a scan and are ignored (stats.ignored).
 * Reports holding ErrorRollOver (0x01), POSTFail (0x02) or ErrorUndefined
 * (0x03) say the key state is unknown: they are ignored and the previous
 * state is kept (stats.rollover). A report that is not 8 bytes is
 * SCANNER_EV_BAD: the scan under way is discarded (scanner_kbd_discard).
 * After a discarded scan (pause, overflow, bad report) keys are dropped
 * until Enter or a silence of gap_ms, so its tail never passes for a
 * code (scanner_asm.h).
 */
#ifndef SCANNER_KBD_H
#define SCANNER_KBD_H

#include <stddef.h>
#include <stdint.h>

#include "scanner.h"
#include "scanner_asm.h"

#define SCANNER_KBD_REPORT 8 /* bytes of a boot keyboard input report */

/* Caller-owned; scanner_kbd_init / scanner_kbd_cleanup. */
struct scanner_kbd {
	struct scanner_asm a;
	char gs_substitute;
	int ctrl_gs;
	int caps;
	uint8_t prev_mods;
	uint8_t prev[6]; /* key usages of the previous valid report */
	int alt_digits;	 /* keypad digits typed with Alt held; -1: too many */
	unsigned alt_code;
};

/* Starts *k with all keys up and caps off; cfg (borrowed) gives the GS
 * substitute, ctrl_gs and gap_ms. */
void scanner_kbd_init(struct scanner_kbd *k, const struct scanner_config *cfg);

/* Wipes *k. */
void scanner_kbd_cleanup(struct scanner_kbd *k);

/* Checks the inter-key gap at now_ms. Returns SCANNER_EV_ABORTED when a
 * half scan was dropped, else 0. */
int scanner_kbd_tick(struct scanner_kbd *k, int64_t now_ms);

/* Decodes one input report of len bytes (borrowed) received at now_ms
 * (monotonic ms, non-decreasing); ticks first. Returns the OR of the
 * SCANNER_EV_* that happened (0: nothing to report). */
int scanner_kbd_feed(struct scanner_kbd *k, const uint8_t *rep, size_t len, int64_t now_ms);

/* Forgets the key state and any half scan (after an unplug); a ready
 * scan stays. */
void scanner_kbd_reset(struct scanner_kbd *k);

/* Forgets the key state and any half scan, and discards the keys that
 * follow until Enter or a silence of gap_ms (after a transfer error: the
 * rest of the scan may still come). A ready scan stays. */
void scanner_kbd_discard(struct scanner_kbd *k, int64_t now_ms);

/* The US-layout character of key usage `usage` with shift (0/1), or 0
 * when the key types nothing printable. Caps Lock is not applied. */
char scanner_kbd_char(uint8_t usage, int shift);

/* The inverse, for simulators and tests (tests/usb/model_scanner): the
 * key usage and modifiers (0, LShift 0x02, or LCtrl 0x01 for GS as
 * Ctrl+]) that type byte c on a US layout. Returns 1 with *usage and
 * *mods, or 0 when c cannot be typed (only printable ASCII and GS can). */
int scanner_kbd_key(char c, uint8_t *usage, uint8_t *mods);

#endif
