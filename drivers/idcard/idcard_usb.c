/*
 * idcard_usb: the SAM reader over drivers/usb — opens the device, picks
 * the endpoint layout from the number of pairs, and runs idcard_proto's
 * cycle over the links.
 */
#include "idcard_usb.h"

#include <stdlib.h>

#include "usb.h"

struct idcard_usb {
	struct idcard_reader base;
	struct usb_dev *dev;
	struct byte_link *head, *body; /* body NULL: one pair */
	struct idcard_proto proto;
};

static int usb_read(struct idcard_reader *r, struct idcard_card *out, int timeout_ms)
{
	struct idcard_usb *u = (struct idcard_usb *)r;
	return idcard_proto_read(&u->proto, out, timeout_ms, &r->status);
}

static void usb_free(struct idcard_reader *r)
{
	struct idcard_usb *u = (struct idcard_usb *)r;
	idcard_proto_cleanup(&u->proto);
	byte_link_free(u->body);
	byte_link_free(u->head);
	usb_dev_close(u->dev);
	drv_wipe(u, sizeof(*u));
	free(u);
}

static const struct idcard_reader_ops usb_ops = {usb_read, usb_free};

/* 1 when pair `pair` exists with both an OUT and an IN endpoint. */
static int both_ways(const struct usb_dev *dev, size_t pair)
{
	struct usb_pair_info pi;
	return pair < usb_dev_pair_count(dev) && usb_dev_pair_info(dev, pair, &pi) == DRV_OK &&
	       pi.out_ep && pi.in_ep;
}

int idcard_usb_open_config(struct usb_ctx *ctx, const struct idcard_proto_config *cfg,
			   struct idcard_reader **out)
{
	struct idcard_usb *u = NULL;
	int rc = DRV_OK;
	if (!ctx || !out)
		return DRV_EINVAL;
	u = calloc(1, sizeof(*u));
	if (!u)
		return DRV_ENOMEM;
	u->base.ops = &usb_ops;
	rc = usb_dev_open(ctx, "idcard", &u->dev);
	if (rc)
		goto out;
	if (!both_ways(u->dev, 0)) {
		rc = DRV_ENOTSUP;
		goto out;
	}
	rc = usb_dev_link(u->dev, 0, &u->head);
	if (rc)
		goto out;
	if (both_ways(u->dev, 1)) { /* iDR200: bodies on the second pair */
		rc = usb_dev_link(u->dev, 1, &u->body);
		if (rc)
			goto out;
	}
	idcard_proto_init(&u->proto, u->head, u->body, cfg);
	*out = &u->base;
	u = NULL;
out:
	if (u) {
		byte_link_free(u->body);
		byte_link_free(u->head);
		usb_dev_close(u->dev);
		free(u);
	}
	return rc;
}

int idcard_usb_open(struct usb_ctx *ctx, struct idcard_reader **out)
{
	return idcard_usb_open_config(ctx, NULL, out);
}
