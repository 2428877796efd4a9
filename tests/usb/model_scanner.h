/*
 * model_scanner: a 2D barcode scanner for the usbsim harness, for the
 * scanner driver's umockdev tests and the app's CLI tests.
 *
 * Two kinds (test IDs from pid.codes' testing range, 1209:000a/000b):
 * - MODEL_SCANNER_KEYBOARD, a keyboard wedge: one HID boot keyboard
 *   interface (3/1/1) with an 8-byte interrupt IN endpoint 0x81, bound to
 *   usbhid when plugged (so the driver must detach it). Scans are typed as
 *   boot keyboard reports on a US layout (scanner_kbd_key: Shift for
 *   capitals and symbols, Ctrl+] for GS) and end with Enter.
 * - MODEL_SCANNER_POS, HID POS: one HID interface (3/0/0) on usage page
 *   0x8C with interrupt IN 0x83 and OUT 0x04 (64 bytes), bound to usbhid.
 *   Scans are 64-byte reports (ID 2, length, AIM "]Q1", 56 data bytes,
 *   byte 63 bit 0 "more"), the layout of drivers/scanner/scanner_pos.h.
 *
 * Control requests answered: GET_DESCRIPTOR configuration (80 06 0200:
 * the configuration with a HID descriptor giving the report descriptor's
 * true length), GET_DESCRIPTOR report (81 06 2200 0000: the HID 1.11
 * appendix E.6 boot keyboard descriptor, or a Bar Code Scanner collection
 * with input report 2), SET_PROTOCOL (21 0B) and SET_IDLE (21 0A) on
 * interface 0 (recorded). Others stall.
 *
 * Keyboard typing styles (real scanners differ):
 *   MODEL_SCANNER_RELEASE_EACH  key down, all keys up, for every character
 *   MODEL_SCANNER_ROLLING       the next key goes down in the report that
 *                               releases the previous one; an all-up report
 *                               only between two presses of the same key
 *   MODEL_SCANNER_SHIFT_FIRST   modifiers pressed in a report of their own
 *                               before the key, released after it
 * pace_ms, the pause a real scanner leaves between reports (1-20 ms), is
 * kept with the model for tests that state it, but the harness has no
 * clock: queued reports reach the host as fast as it reads them.
 *
 * Setters and model_scanner_type() are safe to call from the test's
 * thread while the harness runs the model on its worker thread.
 */
#ifndef MODEL_SCANNER_H
#define MODEL_SCANNER_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "usbsim.h"

#define MODEL_SCANNER_VID	 0x1209
#define MODEL_SCANNER_PID_KBD	 0x000a
#define MODEL_SCANNER_PID_POS	 0x000b
#define MODEL_SCANNER_KBD_EP	 0x81
#define MODEL_SCANNER_POS_EP	 0x83
#define MODEL_SCANNER_POS_OUT_EP 0x04

enum model_scanner_kind {
	MODEL_SCANNER_KEYBOARD,
	MODEL_SCANNER_POS,
};

enum model_scanner_style {
	MODEL_SCANNER_RELEASE_EACH,
	MODEL_SCANNER_ROLLING,
	MODEL_SCANNER_SHIFT_FIRST,
};

struct model_scanner {
	struct usbsim_model base;
	enum model_scanner_kind kind;
	atomic_int style;	       /* enum model_scanner_style (keyboard) */
	atomic_int pace_ms;	       /* advisory, see above */
	atomic_int stall_report_desc;  /* 1: GET_DESCRIPTOR(report) stalls */
	atomic_int protocol;	       /* the last SET_PROTOCOL value, -1 none */
	atomic_uint set_protocols;     /* SET_PROTOCOL requests */
	atomic_uint set_idles;	       /* SET_IDLE requests */
	atomic_uint config_reads;      /* GET_DESCRIPTOR(configuration) */
	atomic_uint report_desc_reads; /* GET_DESCRIPTOR(report), answered or not */
	atomic_uint stalls;	       /* requests stalled */
};

/* Initialises m as a scanner of `kind`: style RELEASE_EACH, pace 5 ms,
 * answering every request it knows. */
void model_scanner_init(struct model_scanner *m, enum model_scanner_kind kind);

void model_scanner_set_style(struct model_scanner *m, enum model_scanner_style style);
void model_scanner_set_pace(struct model_scanner *m, int pace_ms);

/* 1: GET_DESCRIPTOR(report) stalls (firmware that does not answer it). */
void model_scanner_set_stall_report_desc(struct model_scanner *m, int stall);

/*
 * Queues the reports the scanner sends for text (len bytes, borrowed):
 * a keyboard types each byte (printable ASCII or GS) and then Enter when
 * `end`; HID POS sends the bytes (any) in reports of 56, the last without
 * the "more" bit when `end` (else every report has it: a scan cut off).
 * Returns the number of reports queued, or -1 when a byte cannot be typed
 * (nothing is queued then) or the device is unplugged.
 */
int model_scanner_type(struct model_scanner *m, const char *text, size_t len, int end);

/* Fills *d with the scanner's description for `kind`. */
void model_scanner_desc(enum model_scanner_kind kind, struct usbsim_dev_desc *d);

/* Plugs a scanner played by m into sim (see usbsim_dev_add). */
struct usbsim_dev *model_scanner_add(struct usbsim *sim, struct model_scanner *m);

#endif
