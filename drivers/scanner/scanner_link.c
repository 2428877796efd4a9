/*
 * scanner_link: a scanner device over a byte link — one link read is one
 * HID input report, decoded by scanner_kbd or scanner_pos — with the read
 * loop that waits for a complete scan, enforces the inter-key gap and the
 * caller's timeout, and drops a half scan on unplug or transfer errors.
 * Pure protocol: no libusb (scanner_usb.c supplies the link).
 */
#include "scanner.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "scanner_asm.h"
#include "scanner_kbd.h"
#include "scanner_pos.h"

#define REPORT_CAP	 1024 /* the largest interrupt packet (high speed) */
#define FOREVER_SLICE_MS 1000 /* link wait while reading with no timeout */

struct scanner_link_dev {
	struct scanner_dev base;
	struct scanner_config cfg;
	struct byte_link *link;
	struct scanner_link_hooks hooks;
	int gone;	   /* the link said DRV_ENODEV: resume before the next read */
	size_t report_cap; /* bytes asked per link read: the IN packet size */
	union {
		struct scanner_kbd kbd;
		struct scanner_pos pos;
	} dec;
	uint8_t report[REPORT_CAP];
};

static int64_t monotonic_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int64_t now_ms(const struct scanner_link_dev *d)
{
	return d->cfg.now_ms ? d->cfg.now_ms(d->cfg.clock_arg) : monotonic_ms();
}

static int is_kbd(const struct scanner_link_dev *d)
{
	return d->cfg.mode == SCANNER_MODE_KEYBOARD;
}

static struct scanner_asm *dec_asm(struct scanner_link_dev *d)
{
	return is_kbd(d) ? &d->dec.kbd.a : &d->dec.pos.a;
}

static int dec_feed(struct scanner_link_dev *d, size_t len, int64_t t)
{
	if (is_kbd(d))
		return scanner_kbd_feed(&d->dec.kbd, d->report, len, t);
	return scanner_pos_feed(&d->dec.pos, d->report, len, t);
}

/* After a link error: an unplugged scanner sends no tail (go idle);
 * after another error the rest of the scan may still come (discard it). */
static void dec_drop(struct scanner_link_dev *d, int rc, int64_t t)
{
	if (rc == DRV_ENODEV && is_kbd(d))
		scanner_kbd_reset(&d->dec.kbd);
	else if (rc == DRV_ENODEV)
		scanner_pos_reset(&d->dec.pos);
	else if (is_kbd(d))
		scanner_kbd_discard(&d->dec.kbd, t);
	else
		scanner_pos_discard(&d->dec.pos, t);
}

static int link_dev_read(struct scanner_dev *base, char *out, size_t cap, size_t *len,
			 int timeout_ms)
{
	struct scanner_link_dev *d = (struct scanner_link_dev *)base;
	if (!out || !len)
		return DRV_EINVAL;
	if (d->gone && d->hooks.resume && d->hooks.resume(d->hooks.arg) == DRV_ENODEV)
		return DRV_ENODEV;
	d->gone = 0;
	const int64_t start = now_ms(d);
	int read_once = 0, idle = 0; /* idle: the last link read timed out */
	for (;;) {
		int rc = scanner_asm_take(dec_asm(d), out, cap, len);
		if (rc != DRV_ENOTFOUND)
			return rc;
		int64_t t = now_ms(d);
		if (scanner_asm_tick(dec_asm(d), t) & SCANNER_EV_ABORTED)
			return SCANNER_EPARTIAL;
		int64_t deadline;
		int busy = scanner_asm_busy(dec_asm(d), &deadline);
		int64_t wait = FOREVER_SLICE_MS;
		if (timeout_ms >= 0) {
			wait = start + timeout_ms - t;
			/* Past the timeout, a scan still streaming in is read on. */
			if (wait <= 0 && read_once && (idle || !busy))
				return DRV_ETIMEOUT;
		}
		if (busy && deadline - t + 1 < wait)
			wait = deadline - t + 1;
		if (wait < 1)
			wait = 1;
		size_t got = 0;
		rc = byte_link_read(d->link, d->report, d->report_cap, &got, (int)wait);
		read_once = 1;
		idle = rc == DRV_ETIMEOUT;
		if (rc == DRV_ETIMEOUT)
			continue;
		if (rc) {
			d->gone = rc == DRV_ENODEV;
			dec_drop(d, rc, now_ms(d));
			return rc;
		}
		if (got > d->report_cap)
			got = d->report_cap;
		int ev = dec_feed(d, got, now_ms(d));
		drv_wipe(d->report, got);
		if (ev & SCANNER_EV_ABORTED)
			return SCANNER_EPARTIAL;
		if (ev & SCANNER_EV_BAD)
			return DRV_EPROTO;
		if (ev & SCANNER_EV_OVERFLOW)
			return SCANNER_EOVERFLOW;
	}
}

static void link_dev_free(struct scanner_dev *base)
{
	struct scanner_link_dev *d = (struct scanner_link_dev *)base;
	if (!d)
		return;
	byte_link_free(d->link);
	if (d->hooks.release)
		d->hooks.release(d->hooks.arg);
	if (is_kbd(d))
		scanner_kbd_cleanup(&d->dec.kbd);
	else
		scanner_pos_cleanup(&d->dec.pos);
	drv_wipe(d, sizeof(*d));
	free(d);
}

static const struct scanner_dev_ops link_dev_ops = {
    .read = link_dev_read,
    .free = link_dev_free,
};

int scanner_link_open(struct byte_link *link, const struct scanner_config *cfg,
		      const struct scanner_link_hooks *hooks, struct scanner_dev **out)
{
	int rc = DRV_OK;
	struct scanner_link_dev *d = NULL;
	if (!link || !out || scanner_config_check(cfg)) {
		rc = DRV_EINVAL;
		goto fail;
	}
	d = calloc(1, sizeof(*d));
	if (!d) {
		rc = DRV_ENOMEM;
		goto fail;
	}
	d->base.ops = &link_dev_ops;
	d->cfg = *cfg;
	d->link = link;
	if (hooks)
		d->hooks = *hooks;
	size_t pkt = byte_link_in_packet_size(link);
	if (pkt == 0)
		pkt = SCANNER_POS_REPORT;
	if (pkt > REPORT_CAP)
		pkt = REPORT_CAP;
	/* One report per read: a keyboard report fits one packet; a HID POS
	 * report may span several (a 64-byte report on 32-byte packets). */
	d->report_cap = pkt;
	if (cfg->mode == SCANNER_MODE_POS && pkt < SCANNER_POS_REPORT)
		d->report_cap = (SCANNER_POS_REPORT + pkt - 1) / pkt * pkt;
	if (d->report_cap < SCANNER_KBD_REPORT)
		d->report_cap = SCANNER_KBD_REPORT;
	if (is_kbd(d))
		scanner_kbd_init(&d->dec.kbd, cfg);
	else
		scanner_pos_init(&d->dec.pos, cfg);
	*out = &d->base;
	return DRV_OK;
fail:
	byte_link_free(link);
	if (hooks && hooks->release)
		hooks->release(hooks->arg);
	return rc;
}
