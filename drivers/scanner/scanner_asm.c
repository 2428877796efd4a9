/*
 * scanner_asm: one scan's bytes between the report decoders and the
 * device's read (see scanner_asm.h).
 */
#include "scanner_asm.h"

#include <string.h>

void scanner_asm_init(struct scanner_asm *a, int gap_ms)
{
	memset(a, 0, sizeof(*a));
	a->state = SCANNER_ASM_IDLE;
	a->gap_ms = gap_ms > 0 ? gap_ms : 1;
}

void scanner_asm_cleanup(struct scanner_asm *a)
{
	drv_wipe(a, sizeof(*a));
}

static void drop_current(struct scanner_asm *a)
{
	drv_wipe(a->cur, a->cur_len);
	a->cur_len = 0;
	a->state = SCANNER_ASM_IDLE;
}

/* 1 if more than gap_ms passed from a->last_ms to now (a clock that went
 * back counts as no time passed). */
static int gap_passed(const struct scanner_asm *a, int64_t now_ms)
{
	if (now_ms <= a->last_ms)
		return 0;
	return (uint64_t)now_ms - (uint64_t)a->last_ms > (uint64_t)a->gap_ms;
}

int scanner_asm_tick(struct scanner_asm *a, int64_t now_ms)
{
	if (a->state == SCANNER_ASM_IDLE || !gap_passed(a, now_ms))
		return 0;
	if (a->state == SCANNER_ASM_DISCARD) {
		drop_current(a);
		return 0;
	}
	a->stats.aborted++;
	scanner_asm_discard(a, now_ms);
	return SCANNER_EV_ABORTED;
}

void scanner_asm_touch(struct scanner_asm *a, int64_t now_ms)
{
	if (a->state == SCANNER_ASM_IDLE)
		a->state = SCANNER_ASM_ACTIVE;
	a->last_ms = now_ms;
}

int scanner_asm_put(struct scanner_asm *a, uint8_t b, int64_t now_ms)
{
	scanner_asm_touch(a, now_ms);
	if (a->state == SCANNER_ASM_DISCARD)
		return 0;
	if (a->cur_len == sizeof(a->cur)) {
		drop_current(a);
		a->state = SCANNER_ASM_DISCARD;
		a->stats.overflow++;
		return SCANNER_EV_OVERFLOW;
	}
	a->cur[a->cur_len++] = b;
	return 0;
}

int scanner_asm_end(struct scanner_asm *a)
{
	if (a->state != SCANNER_ASM_ACTIVE) {
		drop_current(a);
		return 0;
	}
	if (a->cur_len && a->cur[a->cur_len - 1] == '\n')
		a->cur_len--;
	if (a->cur_len && a->cur[a->cur_len - 1] == '\r')
		a->cur_len--;
	if (a->cur_len == 0) {
		drop_current(a);
		return 0;
	}
	if (a->has_ready) {
		a->stats.dropped++;
		drop_current(a);
		return 0;
	}
	memcpy(a->ready, a->cur, a->cur_len);
	a->ready_len = a->cur_len;
	a->has_ready = 1;
	a->stats.scans++;
	/* Wipe all of cur: a stripped CR/LF may sit past cur_len. */
	drv_wipe(a->cur, sizeof(a->cur));
	a->cur_len = 0;
	a->state = SCANNER_ASM_IDLE;
	return SCANNER_EV_SCAN;
}

void scanner_asm_reset(struct scanner_asm *a)
{
	drop_current(a);
}

void scanner_asm_discard(struct scanner_asm *a, int64_t now_ms)
{
	drop_current(a);
	a->state = SCANNER_ASM_DISCARD;
	a->last_ms = now_ms;
}

int scanner_asm_busy(const struct scanner_asm *a, int64_t *deadline_ms)
{
	if (a->state == SCANNER_ASM_IDLE)
		return 0;
	if (deadline_ms)
		*deadline_ms = a->last_ms + a->gap_ms;
	return 1;
}

int scanner_asm_take(struct scanner_asm *a, char *out, size_t cap, size_t *len)
{
	if (!a->has_ready)
		return DRV_ENOTFOUND;
	size_t n = a->ready_len;
	int rc = DRV_OK;
	if (cap < n + 1) {
		rc = SCANNER_EOVERFLOW;
		a->stats.overflow++;
	} else {
		memcpy(out, a->ready, n);
		out[n] = '\0';
		*len = n;
	}
	drv_wipe(a->ready, n);
	a->ready_len = 0;
	a->has_ready = 0;
	return rc;
}
