/*
 * byte_link: the seam between protocol code and a transport.
 *
 * Protocol code (idcard, scanner, printer, thermo) reads and writes bytes
 * through a struct byte_link and never sees libusb. drivers/usb provides
 * the real implementation over a pair of USB endpoints; tests provide
 * in-memory fakes (packets split anywhere, timeouts, unplug).
 *
 * A read returns whatever one transfer delivered (for USB: one IN
 * transfer, at most `cap` bytes, possibly a short packet); protocol code
 * reassembles. Errors are DRV_* codes: DRV_ETIMEOUT, DRV_ENODEV, DRV_EIO,
 * DRV_EPROTO.
 */
#ifndef BYTE_LINK_H
#define BYTE_LINK_H

#include <stddef.h>
#include <stdint.h>

struct byte_link;

struct byte_link_ops {
	/* Writes all len bytes within timeout_ms. Returns DRV_OK or an error
	 * (a partial write is DRV_ETIMEOUT or DRV_EIO). */
	int (*write)(struct byte_link *l, const uint8_t *buf, size_t len, int timeout_ms);
	/* Reads one transfer of at most cap bytes into buf within timeout_ms;
	 * *got is set on DRV_OK (it may be 0 for a zero-length packet). */
	int (*read)(struct byte_link *l, uint8_t *buf, size_t cap, size_t *got, int timeout_ms);
	/* The largest packet the IN side delivers (e.g. 64), for sizing reads. */
	size_t (*in_packet_size)(struct byte_link *l);
	/* Releases the link (not the device). Accepts NULL. */
	void (*free)(struct byte_link *l);
};

/* Implementations embed this as their first member. */
struct byte_link {
	const struct byte_link_ops *ops;
};

static inline int byte_link_write(struct byte_link *l, const uint8_t *buf, size_t len,
				  int timeout_ms)
{
	return l->ops->write(l, buf, len, timeout_ms);
}

static inline int byte_link_read(struct byte_link *l, uint8_t *buf, size_t cap, size_t *got,
				 int timeout_ms)
{
	return l->ops->read(l, buf, cap, got, timeout_ms);
}

static inline size_t byte_link_in_packet_size(struct byte_link *l)
{
	return l->ops->in_packet_size(l);
}

static inline void byte_link_free(struct byte_link *l)
{
	if (l)
		l->ops->free(l);
}

#endif
