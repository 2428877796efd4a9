/*
 * printer: the receipt printer device class (ESC/POS, USB printer class
 * 7/1/2, e.g. 0416:5011).
 *
 * A struct printer_dev is anything that takes ESC/POS bytes and answers a
 * status query: the real printer over USB (printer_usb.c), a printer over
 * any byte link (printer_proto.c: tests, serial adapters) and the
 * simulated printer (drivers/sim/sim_printer.h). Implementations embed
 * struct printer_dev as their first member.
 *
 * What to print is built with escpos.h (commands into a capped buffer)
 * and printer_page.h (a 1-bit page the app renders text and QR codes into,
 * encoded as raster bands). Jobs are sent with printer_job.h, which checks
 * the status between chunks and never loses a job to an empty roll.
 */
#ifndef PRINTER_H
#define PRINTER_H

#include <stddef.h>
#include <stdint.h>

#include "byte_link.h"
#include "drv_error.h"
#include "usb.h"

/* What the printer says about itself (ESC/POS DLE EOT 1, 2 and 4). Each
 * field is 0 or 1. paper_near_end is a warning: the printer still prints. */
struct printer_status {
	int online;	    /* DLE EOT 1 bit 3 clear */
	int cover_open;	    /* DLE EOT 2 bit 2 */
	int paper_out;	    /* DLE EOT 2 bit 5 (stopped at paper end) or DLE EOT 4 bits 5/6 */
	int paper_near_end; /* DLE EOT 4 bits 2/3 */
	int error;	    /* DLE EOT 2 bit 6 (an error occurred) or any DLE EOT 3 cause */
};

struct printer_dev;

struct printer_dev_ops {
	/* Asks the printer for its status. Returns DRV_OK and fills *st, or
	 * DRV_ETIMEOUT (no answer within timeout_ms per query), DRV_ENODEV,
	 * DRV_EIO, DRV_EPROTO (answers that are not status bytes). */
	int (*status)(struct printer_dev *d, struct printer_status *st, int timeout_ms);
	/* Sends len bytes (borrowed). Returns DRV_OK when all were taken;
	 * DRV_ETIMEOUT or DRV_EIO when not (an unknown part may have been
	 * taken), DRV_ENODEV when unplugged. */
	int (*write)(struct printer_dev *d, const uint8_t *buf, size_t len, int timeout_ms);
	/* Releases the device. */
	void (*free)(struct printer_dev *d);
};

struct printer_dev {
	const struct printer_dev_ops *ops;
};

/* Calls d's ops (see struct printer_dev_ops for the returns). */
static inline int printer_dev_status(struct printer_dev *d, struct printer_status *st,
				     int timeout_ms)
{
	return d->ops->status(d, st, timeout_ms);
}

static inline int printer_dev_write(struct printer_dev *d, const uint8_t *buf, size_t len,
				    int timeout_ms)
{
	return d->ops->write(d, buf, len, timeout_ms);
}

/* Frees any printer device. Accepts NULL. */
static inline void printer_dev_free(struct printer_dev *d)
{
	if (d)
		d->ops->free(d);
}

/* How long printer_proto waits for stale status bytes (answers to DLE EOT
 * sequences that happened to occur inside raster data) before it asks. */
#define PRINTER_DRAIN_MS 10

/*
 * An ESC/POS printer over a byte link (borrowed: it must outlive the
 * device, and the device never frees it). The status query first drains
 * stale IN bytes (reads until one times out after PRINTER_DRAIN_MS), then
 * sends DLE EOT 1, 2 and 4 one at a time, each answered by one byte.
 * Returns DRV_OK with *out (free with printer_dev_free) or DRV_ENOMEM.
 */
int printer_proto_open(struct byte_link *link, struct printer_dev **out);

/* Match rules for the USB transport (usb_ctx_new): role "printer" for
 * 0416:5011 on any interface class, and for any device with an interface
 * of class 7 (printer), subclass 1, protocol 2 (bidirectional: the bulk IN
 * endpoint carries the status). */
extern const struct usb_match printer_usb_matches[2];

/*
 * Opens the printer of role "printer" on ctx (borrowed; must outlive the
 * device): the usb transport detaches usblp, claims the interface and
 * finds the bulk OUT/IN pair. Returns DRV_OK with *out (free with
 * printer_dev_free, which closes the USB device), DRV_ENOTFOUND when none
 * is attached, DRV_ENOTSUP when it has no endpoint pair or no IN endpoint
 * (a unidirectional printer, whose status cannot be read), or the
 * transport's error. While unplugged, calls fail with DRV_ENODEV; after a
 * re-plug the transport re-opens it and calls work again.
 */
int printer_usb_open(struct usb_ctx *ctx, struct printer_dev **out);

#endif
