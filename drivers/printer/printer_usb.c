/*
 * printer_usb: the receipt printer on the USB transport (see printer.h).
 * usb.c does the libusb work (match, detach usblp, claim, endpoints,
 * re-open after a re-plug); this file only pairs endpoint pair 0 (bulk OUT
 * for the job, bulk IN for status answers) with printer_proto.
 */
#include <stdlib.h>

#include "printer.h"

const struct usb_match printer_usb_matches[2] = {
    {"printer", 0x0416, 0x5011, -1, -1, -1, -1},
    {"printer", 0, 0, 7, 1, 2, -1},
};

struct printer_usb {
	struct printer_dev base;
	struct usb_dev *usb;
	struct byte_link *link;
	struct printer_dev *proto;
};

static int usb_status(struct printer_dev *d, struct printer_status *st, int timeout_ms)
{
	struct printer_usb *u = (struct printer_usb *)d;
	return printer_dev_status(u->proto, st, timeout_ms);
}

static int usb_write(struct printer_dev *d, const uint8_t *buf, size_t len, int timeout_ms)
{
	struct printer_usb *u = (struct printer_usb *)d;
	return printer_dev_write(u->proto, buf, len, timeout_ms);
}

static void usb_free(struct printer_dev *d)
{
	struct printer_usb *u = (struct printer_usb *)d;
	printer_dev_free(u->proto);
	byte_link_free(u->link);
	usb_dev_close(u->usb);
	free(u);
}

static const struct printer_dev_ops usb_ops = {usb_status, usb_write, usb_free};

int printer_usb_open(struct usb_ctx *ctx, struct printer_dev **out)
{
	if (!ctx || !out)
		return DRV_EINVAL;
	struct printer_usb *u = calloc(1, sizeof(*u));
	if (!u)
		return DRV_ENOMEM;
	u->base.ops = &usb_ops;
	int rc = usb_dev_open(ctx, "printer", &u->usb);
	if (rc)
		goto out;
	if (usb_dev_pair_count(u->usb) < 1) {
		rc = DRV_ENOTSUP;
		goto out;
	}
	rc = usb_dev_link(u->usb, 0, &u->link);
	if (rc)
		goto out;
	if (byte_link_in_packet_size(u->link) == 0) {
		rc = DRV_ENOTSUP; /* unidirectional (7/1/1): no status to read */
		goto out;
	}
	rc = printer_proto_open(u->link, &u->proto);
out:
	if (rc) {
		usb_free(&u->base);
		return rc;
	}
	*out = &u->base;
	return DRV_OK;
}
