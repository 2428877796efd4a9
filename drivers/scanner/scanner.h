/*
 * scanner: the 2D barcode / QR scanner device class.
 *
 * A scanner delivers one complete scan per read: the text of a vaccine
 * box's GS1 code, a pre-registration QR, a certificate QR. Two USB modes
 * are decoded (REFERENCE.md "Barcode / QR scanners"):
 *
 *  - keyboard wedge: a HID boot keyboard (class 3/1/1) typing the code on a
 *    US layout and pressing Enter (scanner_kbd.h);
 *  - HID POS: the barcode scanner usage page 0x8C, the code in 64-byte
 *    input reports with a "more data follows" flag (scanner_pos.h). HID POS
 *    is faster and lossless for long QR codes; prefer it where the scanner
 *    offers it (LESSONS.md).
 *
 * Implementations: scanner_link_open() (the protocol over any byte link),
 * scanner_usb_open() (over drivers/usb) and sim_scanner_open() (scans from
 * a text file, drivers/sim/sim_scanner.h).
 *
 * A scan is at most SCANNER_SCAN_MAX bytes. A keyboard-wedge scan holds
 * only printable ASCII and GS (0x1D); a HID POS scan holds the bytes the
 * scanner decoded (any bytes but a trailing CR/LF). Scans may carry
 * personal data: every buffer holding one is wiped before it is freed.
 */
#ifndef SCANNER_H
#define SCANNER_H

#include <stddef.h>
#include <stdint.h>

#include "byte_link.h"
#include "drv_error.h"

struct usb_ctx;

#define SCANNER_SCAN_MAX 4096 /* bytes of one scan, without the NUL */

/*
 * Results of a read besides the DRV_* codes (outside their range; the app
 * maps them with the rest). SCANNER_EPARTIAL: a half scan was discarded
 * because the pause between two keys (or HID POS reports) exceeded gap_ms
 * — scan again; what is left of that code when it resumes is dropped
 * too. SCANNER_EOVERFLOW: the scan was longer than SCANNER_SCAN_MAX or
 * the caller's cap and was discarded.
 */
#define SCANNER_EPARTIAL  (-32)
#define SCANNER_EOVERFLOW (-33)

/* How the device's reports are decoded. */
enum scanner_mode {
	SCANNER_MODE_AUTO = 0, /* from the USB descriptors (scanner_usb_open) */
	SCANNER_MODE_KEYBOARD, /* HID boot keyboard, 8-byte reports */
	SCANNER_MODE_POS,      /* HID POS, 64-byte reports */
};

/* The decoder's settings; scanner_config_init() gives the defaults. */
struct scanner_config {
	enum scanner_mode mode;
	/* The character a keyboard-wedge scanner is configured to type in
	 * place of GS (0x1D), e.g. '~'; it is delivered as 0x1D. 0 = none
	 * (default). Must be 0 or printable ASCII 0x21-0x7E; a substitute
	 * cannot also appear as itself in a scan. */
	char gs_substitute;
	/* 1 (default): Ctrl+] (the ASCII control chord for 0x1D, which many
	 * scanners send for GS in "control character" mode) is delivered as
	 * GS. 0: Ctrl+] is ignored like other Ctrl chords. */
	int ctrl_gs;
	/* The longest pause, in ms, between two keys (or two HID POS reports)
	 * of one scan; a scan left unfinished longer is discarded
	 * (SCANNER_EPARTIAL). Default SCANNER_GAP_DEFAULT_MS; 1..60000. */
	int gap_ms;
	/* HID POS only: 1 = prefix each scan with its AIM symbology
	 * identifier ("]Q1", "]d2"), as a keyboard wedge configured to send
	 * it would type it. Default 0. */
	int aim_prefix;
	/* The monotonic clock in ms (NULL: CLOCK_MONOTONIC). Tests pass a
	 * scripted one so that nothing sleeps. */
	int64_t (*now_ms)(void *arg);
	void *clock_arg;
};

#define SCANNER_GAP_DEFAULT_MS 500

struct scanner_dev;

struct scanner_dev_ops {
	/*
	 * Waits up to timeout_ms (< 0: forever; 0: only what arrives at
	 * once; a scan still streaming in when the time is up is read to its
	 * end or its gap) for one complete scan and copies it to out as a
	 * NUL-terminated string of *len bytes (cap must hold len + 1;
	 * SCANNER_SCAN_MAX + 1 always does). Returns DRV_OK; DRV_ETIMEOUT
	 * when no scan completed in time (a scan still arriving is kept for
	 * the next read); SCANNER_EPARTIAL or SCANNER_EOVERFLOW (the scan was
	 * discarded); DRV_ENODEV when the scanner was unplugged (a half scan
	 * is discarded; reads work again once it is plugged back in);
	 * DRV_EIO, DRV_EPROTO (a report that fits neither layout) or
	 * DRV_EINVAL. out and *len are written only on DRV_OK.
	 */
	int (*read)(struct scanner_dev *d, char *out, size_t cap, size_t *len, int timeout_ms);
	/* Wipes and frees everything the device holds. Accepts NULL. */
	void (*free)(struct scanner_dev *d);
};

/* Implementations embed this as their first member. */
struct scanner_dev {
	const struct scanner_dev_ops *ops;
};

static inline int scanner_dev_read(struct scanner_dev *d, char *out, size_t cap, size_t *len,
				   int timeout_ms)
{
	return d->ops->read(d, out, cap, len, timeout_ms);
}

static inline void scanner_dev_free(struct scanner_dev *d)
{
	if (d)
		d->ops->free(d);
}

/* Fills *c with the defaults (mode AUTO, no GS substitute, Ctrl+] is GS,
 * gap SCANNER_GAP_DEFAULT_MS, no AIM prefix, CLOCK_MONOTONIC). */
void scanner_config_init(struct scanner_config *c);

/* DRV_OK if *c is usable with the given mode resolved (not AUTO), else
 * DRV_EINVAL. */
int scanner_config_check(const struct scanner_config *c);

/* A static English description of a read's result: the SCANNER_E* codes,
 * else drv_strerror(rc). Never NULL. */
const char *scanner_strerror(int rc);

/* What a transport wants done around the protocol (all may be NULL). */
struct scanner_link_hooks {
	/* Called once the device has freed the link (scanner_usb_open closes
	 * the USB device so). */
	void (*release)(void *arg);
	/* Called at the start of the first read after the link reported
	 * DRV_ENODEV (the scanner may be back: set it up again). DRV_ENODEV
	 * ends that read with DRV_ENODEV and resume is called again next
	 * time; any other result lets the read go on. */
	int (*resume)(void *arg);
	void *arg;
};

/*
 * A scanner decoding the reports read from link: one link read is one
 * HID input report. cfg (borrowed, copied) must name the mode (KEYBOARD
 * or POS). Ownership of link is transferred to the device: it is freed
 * with it (also on failure), then hooks->release runs. hooks (borrowed,
 * copied) may be NULL. Returns DRV_OK with *out (free with
 * scanner_dev_free), DRV_EINVAL or DRV_ENOMEM.
 */
int scanner_link_open(struct byte_link *link, const struct scanner_config *cfg,
		      const struct scanner_link_hooks *hooks, struct scanner_dev **out);

/*
 * Opens the USB scanner (role "scanner", usb.h) with the defaults: the
 * mode is chosen from its descriptors (see scanner_usb_open_with). Returns
 * DRV_OK with *out (free with scanner_dev_free), or an error of
 * usb_dev_open(), DRV_ENOTSUP when the device is neither a boot keyboard
 * nor a HID POS scanner, DRV_ENOMEM.
 */
int scanner_usb_open(struct usb_ctx *ctx, struct scanner_dev **out);

/*
 * As scanner_usb_open() with cfg (borrowed, copied). The scanner's first
 * endpoint pair must have an IN endpoint (interrupt, as HID has; the OUT
 * side is never used). With SCANNER_MODE_AUTO the mode comes from the
 * claimed interface (usb_dev_iface) in the configuration descriptor and
 * from its HID report descriptor, both fetched with GET_DESCRIPTOR: an
 * application collection on usage page 0x8C is HID POS; one on Generic
 * Desktop / Keyboard (0x01/0x06) is a keyboard when the interface is a
 * boot keyboard (subclass 1, protocol 1) or its reports carry no report
 * ID; a boot keyboard whose report descriptor cannot be read is a
 * keyboard; anything else is DRV_ENOTSUP (name the mode in cfg then). A
 * boot keyboard interface is switched to the boot protocol (SET_PROTOCOL
 * 0: the 8-byte layout) and idle rate 0 (reports on change only), best
 * effort (a stall is ignored), at open and again after each unplug.
 */
int scanner_usb_open_with(struct usb_ctx *ctx, const struct scanner_config *cfg,
			  struct scanner_dev **out);

#endif
