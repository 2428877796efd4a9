/*
 * scanner_asm: assembles the bytes of one scan from the decoded reports,
 * shared by the keyboard (scanner_kbd) and HID POS (scanner_pos)
 * decoders.
 *
 * States: idle; active (bytes arriving); discarding (the scan outgrew
 * SCANNER_SCAN_MAX: the rest is dropped until its end). A scan ends with
 * scanner_asm_end() and then waits in a "ready" slot until taken. A pause
 * longer than gap_ms between two bytes of an active scan discards it
 * (SCANNER_EV_ABORTED): a half scan is never delivered as a shorter code.
 * Its tail is not either: after a scan is discarded (pause, overflow, a
 * bad report) the bytes that follow are dropped until the scan's end or
 * until gap_ms pass without any. Time is passed in (monotonic ms);
 * nothing here reads a clock.
 */
#ifndef SCANNER_ASM_H
#define SCANNER_ASM_H

#include <stddef.h>
#include <stdint.h>

#include "drv_wipe.h"
#include "scanner.h"

/* Events, OR-ed together in the return of the feed functions. */
#define SCANNER_EV_SCAN	    0x1 /* a scan is ready: take it */
#define SCANNER_EV_ABORTED  0x2 /* a half scan was discarded after a pause > gap_ms */
#define SCANNER_EV_OVERFLOW 0x4 /* a scan outgrew SCANNER_SCAN_MAX; it is being discarded */
#define SCANNER_EV_BAD	    0x8 /* a report fitting no layout; a half scan was discarded */

enum scanner_asm_state {
	SCANNER_ASM_IDLE = 0,
	SCANNER_ASM_ACTIVE,
	SCANNER_ASM_DISCARD,
};

/* Counters, for diagnostics and tests. */
struct scanner_stats {
	unsigned long scans;	/* scans completed (ready) */
	unsigned long aborted;	/* half scans discarded after a pause */
	unsigned long overflow; /* scans longer than SCANNER_SCAN_MAX */
	unsigned long dropped;	/* scans completed while one was still ready (lost) */
	unsigned long bad;	/* reports of no known layout */
	unsigned long rollover; /* keyboard ErrorRollOver / POST / undefined reports */
	unsigned long ignored;	/* keys or reports with no meaning for a scan */
};

/* Caller-owned; initialise with scanner_asm_init, wipe with
 * scanner_asm_cleanup. */
struct scanner_asm {
	enum scanner_asm_state state;
	int gap_ms;
	int64_t last_ms; /* time of the last byte (or touch) of the current scan */
	size_t cur_len;
	uint8_t cur[SCANNER_SCAN_MAX];
	int has_ready;
	size_t ready_len;
	uint8_t ready[SCANNER_SCAN_MAX];
	struct scanner_stats stats;
};

/* Starts *a idle with the given gap (ms, > 0). */
void scanner_asm_init(struct scanner_asm *a, int gap_ms);

/* Wipes *a (both buffers). */
void scanner_asm_cleanup(struct scanner_asm *a);

/* If more than gap_ms passed since the last byte: an active scan is
 * dropped and its tail will be discarded (returns SCANNER_EV_ABORTED); a
 * discard ends (returns 0). Else returns 0. */
int scanner_asm_tick(struct scanner_asm *a, int64_t now_ms);

/* Appends byte b to the current scan (starting one when idle). Returns
 * SCANNER_EV_OVERFLOW when this byte exceeds SCANNER_SCAN_MAX (the scan is
 * wiped and the rest of it will be dropped), else 0. */
int scanner_asm_put(struct scanner_asm *a, uint8_t b, int64_t now_ms);

/* Marks activity without a byte (starting a scan when idle): the gap
 * counts from now. */
void scanner_asm_touch(struct scanner_asm *a, int64_t now_ms);

/* Ends the current scan: one trailing "\r\n", "\r" or "\n" is removed; an
 * empty scan is ignored. Returns SCANNER_EV_SCAN when a scan became
 * ready, else 0. When a scan is still ready the new one is dropped
 * (stats.dropped) and 0 is returned. */
int scanner_asm_end(struct scanner_asm *a);

/* Drops the current scan (not the ready one) and goes idle: the device
 * is gone (unplug), no tail will follow. */
void scanner_asm_reset(struct scanner_asm *a);

/* Drops the current scan (not the ready one) and discards what follows
 * until its end or a silence of gap_ms from now_ms (a bad report, a
 * transfer error: the rest of the scan may still come). */
void scanner_asm_discard(struct scanner_asm *a, int64_t now_ms);

/* 1 when a scan is active or being discarded, else 0; with *deadline_ms
 * (may be NULL) set to the time after which scanner_asm_tick drops it. */
int scanner_asm_busy(const struct scanner_asm *a, int64_t *deadline_ms);

/* Moves the ready scan to out as a NUL-terminated string and wipes the
 * slot. Returns DRV_OK with *len; DRV_ENOTFOUND when none is ready;
 * SCANNER_EOVERFLOW when cap < len + 1 (the scan is wiped, nothing
 * written). */
int scanner_asm_take(struct scanner_asm *a, char *out, size_t cap, size_t *len);

#endif
