/*
 * Fuzz the scanner's report decoding through the real read loop
 * (scanner_link_open) over an in-memory link and a simulated clock.
 *
 * Input: one settings byte — bit 0 mode (0 keyboard, 1 HID POS), bit 1
 * AIM prefix, bit 2 Ctrl+] as GS, bits 3-4 the GS substitute (none, '~',
 * '^', '|'), bits 5-6 the caller's cap (SCANNER_SCAN_MAX + 1, 17, 1,
 * 4096), bit 7 the gap (500 or 20 ms) — then records: a length byte L and
 * a delay byte D. L < 0xF0: one report of L % 65 bytes (the next ones)
 * delivered D * 4 ms after the previous; L >= 0xF0: the transfer fails
 * (DRV_ENODEV when D is even, else DRV_EIO). When the records run out,
 * reads time out (the clock advances by the wait asked for).
 *
 * Invariants: every read returns one of the documented results; out and
 * len are written only on DRV_OK, and then len is 1..SCANNER_SCAN_MAX,
 * below the cap, out[len] is NUL; a keyboard scan holds only printable
 * ASCII and GS, never the GS substitute itself.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "scanner.h"

struct fuzz_link {
	struct byte_link base;
	const uint8_t *p, *end;
	int64_t t;   /* the simulated clock, ms */
	int64_t due; /* when the next record arrives, -1 not yet known */
};

static int fl_write(struct byte_link *l, const uint8_t *buf, size_t len, int timeout_ms)
{
	(void)l, (void)buf, (void)len, (void)timeout_ms;
	return DRV_ENOTSUP;
}

static int fl_read(struct byte_link *l, uint8_t *buf, size_t cap, size_t *got, int timeout_ms)
{
	struct fuzz_link *f = (struct fuzz_link *)l;
	CHECK(timeout_ms > 0);
	if (f->end - f->p < 2) {
		f->p = f->end;
		f->t += timeout_ms;
		return DRV_ETIMEOUT;
	}
	if (f->due < 0)
		f->due = f->t + f->p[1] * 4;
	if (f->due - f->t > timeout_ms) { /* it comes after this read gives up */
		f->t += timeout_ms;
		return DRV_ETIMEOUT;
	}
	if (f->due > f->t)
		f->t = f->due;
	f->due = -1;
	uint8_t len = f->p[0], delay = f->p[1];
	f->p += 2;
	if (len >= 0xF0)
		return delay % 2 ? DRV_EIO : DRV_ENODEV;
	size_t n = len % 65;
	if ((size_t)(f->end - f->p) < n)
		n = (size_t)(f->end - f->p);
	size_t k = n < cap ? n : cap;
	memcpy(buf, f->p, k);
	f->p += n;
	*got = k;
	return DRV_OK;
}

static size_t fl_packet(struct byte_link *l)
{
	(void)l;
	return 64;
}

static void fl_free(struct byte_link *l)
{
	(void)l;
}

static const struct byte_link_ops fl_ops = {fl_write, fl_read, fl_packet, fl_free};

static int64_t fl_now(void *arg)
{
	return ((struct fuzz_link *)arg)->t;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char subs[] = {0, '~', '^', '|'};
	static const size_t caps[] = {SCANNER_SCAN_MAX + 1, 17, 1, SCANNER_SCAN_MAX};
	static char out[SCANNER_SCAN_MAX + 1];
	if (size < 1)
		return 0;
	uint8_t s = data[0];
	struct fuzz_link f = {{&fl_ops}, data + 1, data + size, 0, -1};
	struct scanner_config cfg;
	scanner_config_init(&cfg);
	cfg.mode = s & 1 ? SCANNER_MODE_POS : SCANNER_MODE_KEYBOARD;
	cfg.aim_prefix = (s >> 1) & 1;
	cfg.ctrl_gs = (s >> 2) & 1;
	cfg.gs_substitute = subs[(s >> 3) & 3];
	size_t cap = caps[(s >> 5) & 3];
	cfg.gap_ms = s & 0x80 ? 20 : 500;
	cfg.now_ms = fl_now;
	cfg.clock_arg = &f;
	struct scanner_dev *dev = NULL;
	CHECK(scanner_link_open(&f.base, &cfg, NULL, &dev) == DRV_OK);
	for (size_t reads = 0; reads < size + 8; reads++) {
		size_t probe = cap < 32 ? cap : 32; /* the bytes checked untouched */
		memset(out, 0x5A, probe);
		out[cap - 1] = 0x5A;
		size_t len = 12345;
		int rc = scanner_dev_read(dev, out, cap, &len, 1000);
		if (rc != DRV_OK) {
			CHECK(rc == DRV_ETIMEOUT || rc == SCANNER_EPARTIAL ||
			      rc == SCANNER_EOVERFLOW || rc == DRV_ENODEV || rc == DRV_EIO ||
			      rc == DRV_EPROTO);
			CHECK(len == 12345);
			for (size_t i = 0; i < probe; i++)
				CHECK(out[i] == 0x5A);
			CHECK(out[cap - 1] == 0x5A);
			if (rc == DRV_ETIMEOUT && f.p == f.end)
				break;
			continue;
		}
		CHECK(len >= 1 && len <= SCANNER_SCAN_MAX && len < cap);
		CHECK(out[len] == '\0');
		if (cfg.mode == SCANNER_MODE_KEYBOARD) {
			for (size_t i = 0; i < len; i++) {
				CHECK((out[i] >= 0x20 && out[i] <= 0x7E) || out[i] == 0x1D);
				CHECK(!cfg.gs_substitute || out[i] != cfg.gs_substitute);
			}
		}
	}
	scanner_dev_free(dev);
	return 0;
}
