/*
 * usb_link: a byte_link over one endpoint pair of a usb_dev.
 *
 * A write is one OUT transfer. A read is one IN transfer of at least one
 * max packet: a cap of at least wMaxPacketSize reads straight into the
 * caller's buffer (rounded down to whole packets, so a full packet never
 * overflows it); a smaller cap reads one packet into the link's buffer and
 * hands the rest out on the next reads, so nothing is lost to
 * LIBUSB_ERROR_OVERFLOW. Bytes buffered before an unplug are dropped when
 * the device is re-opened.
 */
#include "usb_int.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

struct usb_link {
	struct byte_link base;
	struct usb_dev *dev;
	size_t pair;
	uint8_t *pkt; /* one IN packet, for reads smaller than a packet */
	size_t pkt_cap, pkt_off, pkt_len;
	unsigned pkt_gen; /* the open the buffered bytes came from */
};

static int usb_link_write(struct byte_link *l, const uint8_t *buf, size_t len, int timeout_ms)
{
	struct usb_link *k = (struct usb_link *)l;
	if (len && !buf)
		return DRV_EINVAL;
	if (len == 0)
		return DRV_OK;
	if (len > INT_MAX)
		return DRV_EINVAL;
	/* libusb takes a non-const buffer; it only reads an OUT one. */
	struct usb_xfer_req req = {
	    .pair = k->pair, .buf = (uint8_t *)buf, .len = (int)len, .timeout_ms = timeout_ms};
	int actual = 0;
	unsigned gen;
	int rc = usb_dev_xfer(k->dev, &req, &actual, &gen);
	if (rc == DRV_OK && (size_t)actual != len)
		rc = DRV_EIO;
	return rc;
}

static int usb_link_read(struct byte_link *l, uint8_t *buf, size_t cap, size_t *got, int timeout_ms)
{
	struct usb_link *k = (struct usb_link *)l;
	if (!buf || !got || cap == 0)
		return DRV_EINVAL;
	if (k->pkt_len) {
		if (k->pkt_gen == usb_dev_gen(k->dev)) {
			size_t n = cap < k->pkt_len ? cap : k->pkt_len;
			memcpy(buf, k->pkt + k->pkt_off, n);
			k->pkt_off += n;
			k->pkt_len -= n;
			*got = n;
			return DRV_OK;
		}
		k->pkt_len = 0; /* from before an unplug */
	}
	struct usb_pair_eps eps;
	int rc = usb_dev_pair_eps(k->dev, k->pair, &eps);
	if (rc)
		return DRV_ENODEV;
	if (!eps.in.addr)
		return DRV_ENOTSUP;
	size_t mp = eps.in.max_packet;
	struct usb_xfer_req req = {.pair = k->pair, .in = 1, .timeout_ms = timeout_ms};
	int direct = cap >= mp;
	if (direct) {
		size_t len = cap > INT_MAX ? INT_MAX : cap;
		req.buf = buf;
		req.len = (int)(len - len % mp);
	} else {
		if (k->pkt_cap < mp) {
			uint8_t *p = malloc(mp);
			if (!p)
				return DRV_ENOMEM;
			if (k->pkt) {
				drv_wipe(k->pkt, k->pkt_cap);
				free(k->pkt);
			}
			k->pkt = p;
			k->pkt_cap = mp;
		}
		req.buf = k->pkt;
		req.len = (int)mp;
	}
	/* Cleared first: an emulator (umockdev) writes back only bytes that
	 * changed, so what it leaves alone must be defined already. */
	memset(req.buf, 0, (size_t)req.len);
	int actual = 0;
	unsigned gen = 0;
	rc = usb_dev_xfer(k->dev, &req, &actual, &gen);
	if (rc == DRV_ETIMEOUT && actual > 0)
		rc = DRV_OK; /* part of a transfer arrived: keep it */
	if (rc)
		return rc;
	if (direct) {
		*got = (size_t)actual;
		return DRV_OK;
	}
	size_t n = cap < (size_t)actual ? cap : (size_t)actual;
	memcpy(buf, k->pkt, n);
	k->pkt_off = n;
	k->pkt_len = (size_t)actual - n;
	k->pkt_gen = gen;
	*got = n;
	return DRV_OK;
}

static size_t usb_link_in_packet_size(struct byte_link *l)
{
	struct usb_link *k = (struct usb_link *)l;
	struct usb_pair_eps eps;
	if (usb_dev_pair_eps(k->dev, k->pair, &eps) != DRV_OK || !eps.in.addr)
		return 0;
	return eps.in.max_packet;
}

static void usb_link_free(struct byte_link *l)
{
	struct usb_link *k = (struct usb_link *)l;
	if (!k)
		return;
	if (k->pkt) {
		drv_wipe(k->pkt, k->pkt_cap); /* may hold card data */
		free(k->pkt);
	}
	free(k);
}

static const struct byte_link_ops usb_link_ops = {
    .write = usb_link_write,
    .read = usb_link_read,
    .in_packet_size = usb_link_in_packet_size,
    .free = usb_link_free,
};

int usb_dev_link(struct usb_dev *dev, size_t pair, struct byte_link **out)
{
	struct usb_pair_eps eps;
	if (!dev || !out || usb_dev_pair_eps(dev, pair, &eps) != DRV_OK)
		return DRV_EINVAL;
	struct usb_link *k = calloc(1, sizeof(*k));
	if (!k)
		return DRV_ENOMEM;
	k->base.ops = &usb_link_ops;
	k->dev = dev;
	k->pair = pair;
	*out = &k->base;
	return DRV_OK;
}
