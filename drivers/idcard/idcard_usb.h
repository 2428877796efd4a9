/*
 * idcard_usb: the SAM reader over USB, through drivers/usb (role
 * "idcard", e.g. 0400:c35a or 0483:5652 in the match table).
 *
 * The endpoint layout is taken from the claimed interface's endpoint pairs
 * (usb_dev_pair_info): the first pair must have an OUT and an IN; when a
 * second pair has both too, the reader is of the iDR200 class (headers on
 * the first pair, bodies on the second; idcard_proto.h), else the plain
 * one-pair layout. More pairs are ignored.
 */
#ifndef IDCARD_USB_H
#define IDCARD_USB_H

#include "idcard.h"
#include "idcard_proto.h"

struct usb_ctx;

/* Opens the first attached reader of role "idcard" in ctx (borrowed; it
 * must outlive the reader) with the default timings. Returns DRV_OK with
 * *out (owned by the caller: idcard_reader_free), DRV_ENOTFOUND when none
 * is attached, DRV_ENOTSUP when its first pair lacks an OUT or an IN, or
 * another DRV_* error from usb_dev_open / usb_dev_link. After
 * an unplug, reads fail with DRV_ENODEV until the reader is back (drivers/
 * usb re-opens it); no need to re-open. */
int idcard_usb_open(struct usb_ctx *ctx, struct idcard_reader **out);

/* The same with timings and a clock of the caller's (cfg copied). */
int idcard_usb_open_config(struct usb_ctx *ctx, const struct idcard_proto_config *cfg,
			   struct idcard_reader **out);

#endif
