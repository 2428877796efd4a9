/*
 * usb_dev: one device playing a role — opening it (kernel driver detached
 * explicitly, interface claimed, endpoint pairs found in the descriptors),
 * transfers waited for on a condition variable while the context's event
 * thread completes them, control transfers, and the re-open of a device
 * that was unplugged and came back (lazily, on the next call that needs
 * the device, in the caller's thread).
 */
#include "usb_int.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* What opening a device produced. */
struct usb_open {
	libusb_device_handle *h;
	libusb_device *ldev; /* referenced */
	int iface;
	int reattach;
	size_t n_pairs;
	struct usb_pair_eps pairs[USB_PAIR_MAX];
	struct usb_device_info info;
};

/* The n-th OUT endpoint with the n-th IN endpoint, bulk or interrupt, in
 * descriptor order. */
static void usb_dev_pairs(const struct libusb_interface_descriptor *a, struct usb_open *o)
{
	size_t n_out = 0, n_in = 0;
	memset(o->pairs, 0, sizeof(o->pairs));
	for (uint8_t i = 0; i < a->bNumEndpoints; i++) {
		const struct libusb_endpoint_descriptor *e = &a->endpoint[i];
		uint8_t type = e->bmAttributes & LIBUSB_TRANSFER_TYPE_MASK;
		if (type != LIBUSB_TRANSFER_TYPE_BULK && type != LIBUSB_TRANSFER_TYPE_INTERRUPT)
			continue;
		int in = (e->bEndpointAddress & LIBUSB_ENDPOINT_DIR_MASK) == LIBUSB_ENDPOINT_IN;
		size_t *n = in ? &n_in : &n_out;
		if (*n >= USB_PAIR_MAX)
			continue;
		struct usb_ep *ep = in ? &o->pairs[*n].in : &o->pairs[*n].out;
		ep->addr = e->bEndpointAddress;
		ep->type = type;
		ep->max_packet = e->wMaxPacketSize & 0x7ff; /* bits 11-12: high-bandwidth extras */
		if (ep->max_packet == 0)
			ep->max_packet = 64;
		(*n)++;
	}
	o->n_pairs = n_out > n_in ? n_out : n_in;
}

static void usb_close_handle(libusb_device_handle *h, int iface, int reattach)
{
	if (!h)
		return;
	libusb_release_interface(h, iface); /* fails harmlessly when unplugged */
	if (reattach)
		libusb_attach_kernel_driver(h, iface);
	libusb_close(h);
}

/* Opens ldev and claims interface iface: the kernel driver is detached
 * first when one is bound (and re-attached on failure). */
static int usb_open_ldev(libusb_device *ldev, int iface, struct usb_open *o)
{
	libusb_device_handle *h = NULL;
	struct libusb_config_descriptor *cfg = NULL;
	int claimed = 0, reattach = 0;
	int rc = usb_err(libusb_open(ldev, &h));
	if (rc)
		goto out;
	int active = libusb_kernel_driver_active(h, iface);
	if (active == 1) {
		rc = usb_err(libusb_detach_kernel_driver(h, iface));
		if (rc)
			goto out;
		reattach = 1;
	} else if (active < 0 && active != LIBUSB_ERROR_NOT_SUPPORTED) {
		rc = usb_err(active);
		goto out;
	}
	rc = usb_err(libusb_claim_interface(h, iface));
	if (rc)
		goto out;
	claimed = 1;
	rc = usb_err(libusb_get_active_config_descriptor(ldev, &cfg));
	if (rc)
		goto out;
	rc = DRV_ENOTFOUND;
	for (uint8_t k = 0; k < cfg->bNumInterfaces; k++) {
		if (cfg->interface[k].num_altsetting < 1 ||
		    cfg->interface[k].altsetting[0].bInterfaceNumber != iface)
			continue;
		usb_dev_pairs(&cfg->interface[k].altsetting[0], o);
		rc = DRV_OK;
		break;
	}
out:
	libusb_free_config_descriptor(cfg);
	if (rc) {
		if (claimed)
			libusb_release_interface(h, iface);
		if (reattach)
			libusb_attach_kernel_driver(h, iface);
		if (h)
			libusb_close(h);
		return rc;
	}
	o->h = h;
	o->ldev = libusb_ref_device(ldev);
	o->iface = iface;
	o->reattach = reattach;
	return DRV_OK;
}

/*
 * Opens an attached device of dev's role that no other usb_dev of the
 * context holds, trying the one at port `port` first when given. Returns
 * DRV_ENOTFOUND when none is attached, or the last opening error.
 */
static int usb_dev_find(struct usb_dev *dev, const char *port, struct usb_open *o)
{
	struct usb_ctx *ctx = dev->ctx;
	libusb_device **list = NULL;
	ssize_t n = libusb_get_device_list(ctx->lctx, &list);
	if (n < 0)
		return usb_err((int)n);
	int rc = DRV_ENOTFOUND;
	for (int pass = port && *port ? 0 : 1; pass < 2; pass++) {
		for (ssize_t i = 0; i < n; i++) {
			char role[USB_ROLE_MAX];
			int iface;
			if (usb_ctx_role(ctx, list[i], role, &iface) != 0 ||
			    strcmp(role, dev->role) != 0)
				continue;
			usb_ctx_info(list[i], role, &o->info);
			if (pass == 0 && strcmp(o->info.port_path, port) != 0)
				continue;
			pthread_mutex_lock(&ctx->lock);
			int held = usb_ctx_holds(ctx, list[i], dev);
			pthread_mutex_unlock(&ctx->lock);
			if (held)
				continue;
			rc = usb_open_ldev(list[i], iface, o);
			if (rc == DRV_OK)
				goto out;
		}
	}
out:
	libusb_free_device_list(list, 1);
	return rc;
}

/* Takes what an open produced. dev->lock held (or dev not shared yet). */
static void usb_dev_install(struct usb_dev *dev, const struct usb_open *o)
{
	dev->handle = o->h;
	dev->ldev = o->ldev;
	dev->iface = o->iface;
	dev->reattach = o->reattach;
	dev->n_pairs = o->n_pairs;
	memcpy(dev->pairs, o->pairs, sizeof(dev->pairs));
	dev->info = o->info;
	dev->info.open = 1;
	dev->gone = 0;
	dev->gen++;
}

void usb_dev_mark_gone(struct usb_dev *dev)
{
	dev->gone = 1;
	for (struct usb_wait *w = dev->waits; w; w = w->next)
		if (!w->done)
			libusb_cancel_transfer(w->t);
}

/*
 * Makes sure dev has a live handle and counts the caller as a user of it.
 * An unplugged device is re-opened here: its old handle is closed once no
 * transfer runs on it (they were all cancelled when it went), then a
 * device of the role is looked for, at the old port first.
 */
static int usb_dev_acquire(struct usb_dev *dev, unsigned *gen)
{
	pthread_mutex_lock(&dev->lock);
	while (dev->reopening)
		pthread_cond_wait(&dev->cond, &dev->lock);
	if (dev->handle && !dev->gone) {
		dev->users++;
		*gen = dev->gen;
		pthread_mutex_unlock(&dev->lock);
		return DRV_OK;
	}
	dev->reopening = 1;
	while (dev->users)
		pthread_cond_wait(&dev->cond, &dev->lock);
	libusb_device_handle *old = dev->handle;
	libusb_device *old_ldev = dev->ldev;
	int old_iface = dev->iface, old_reattach = dev->reattach;
	char port[sizeof(dev->info.port_path)];
	memcpy(port, dev->info.port_path, sizeof(port));
	dev->handle = NULL;
	dev->ldev = NULL;
	pthread_mutex_unlock(&dev->lock);

	usb_close_handle(old, old_iface, old_reattach);
	if (old_ldev)
		libusb_unref_device(old_ldev);
	struct usb_open o = {0};
	int rc = usb_dev_find(dev, port, &o);

	pthread_mutex_lock(&dev->lock);
	if (rc == DRV_OK) {
		usb_dev_install(dev, &o);
		dev->users++;
		*gen = dev->gen;
	}
	dev->reopening = 0;
	pthread_cond_broadcast(&dev->cond);
	pthread_mutex_unlock(&dev->lock);
	return rc == DRV_ENOTFOUND ? DRV_ENODEV : rc;
}

static void usb_dev_release(struct usb_dev *dev)
{
	pthread_mutex_lock(&dev->lock);
	dev->users--;
	pthread_cond_broadcast(&dev->cond);
	pthread_mutex_unlock(&dev->lock);
}

static void LIBUSB_CALL usb_dev_xfer_done(struct libusb_transfer *t)
{
	struct usb_wait *w = t->user_data;
	struct usb_dev *dev = w->dev;
	pthread_mutex_lock(&dev->lock);
	w->done = 1;
	pthread_cond_broadcast(&dev->cond);
	pthread_mutex_unlock(&dev->lock);
}

static void usb_deadline(struct timespec *ts, int ms)
{
	clock_gettime(CLOCK_MONOTONIC, ts);
	ts->tv_sec += ms / 1000;
	ts->tv_nsec += (long)(ms % 1000) * 1000000L;
	if (ts->tv_nsec >= 1000000000L) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000L;
	}
}

/* Fills t for req on dev's current handle. dev->lock held. */
static int usb_dev_fill(struct usb_dev *dev, struct libusb_transfer *t,
			const struct usb_xfer_req *req, struct usb_wait *w, unsigned timeout)
{
	if (req->control) {
		libusb_fill_control_transfer(t, dev->handle, req->buf, usb_dev_xfer_done, w,
					     timeout);
		return DRV_OK;
	}
	if (req->pair >= dev->n_pairs)
		return DRV_ENODEV; /* the device came back with fewer endpoints */
	const struct usb_ep *ep = req->in ? &dev->pairs[req->pair].in : &dev->pairs[req->pair].out;
	if (!ep->addr)
		return DRV_ENOTSUP;
	if (ep->type == LIBUSB_TRANSFER_TYPE_INTERRUPT)
		libusb_fill_interrupt_transfer(t, dev->handle, ep->addr, req->buf, req->len,
					       usb_dev_xfer_done, w, timeout);
	else
		libusb_fill_bulk_transfer(t, dev->handle, ep->addr, req->buf, req->len,
					  usb_dev_xfer_done, w, timeout);
	return DRV_OK;
}

int usb_dev_xfer(struct usb_dev *dev, const struct usb_xfer_req *req, int *actual, unsigned *gen)
{
	unsigned my_gen = 0;
	int rc = usb_dev_acquire(dev, &my_gen);
	if (rc)
		return rc;
	struct libusb_transfer *t = libusb_alloc_transfer(0);
	if (!t) {
		usb_dev_release(dev);
		return DRV_ENOMEM;
	}
	unsigned timeout = req->timeout_ms > 0 ? (unsigned)req->timeout_ms : 1;
	struct usb_wait w = {.t = t, .dev = dev};
	int backstop = 0;

	pthread_mutex_lock(&dev->lock);
	rc = usb_dev_fill(dev, t, req, &w, timeout);
	if (rc == DRV_OK && dev->gone)
		rc = DRV_ENODEV;
	if (rc == DRV_OK) {
		rc = usb_err(libusb_submit_transfer(t));
		if (rc == DRV_ENODEV)
			usb_dev_mark_gone(dev);
	}
	if (rc == DRV_OK) {
		w.next = dev->waits;
		dev->waits = &w;
		struct timespec until;
		usb_deadline(&until, (int)(timeout > INT_MAX - USB_BACKSTOP_MS
					       ? INT_MAX
					       : timeout + USB_BACKSTOP_MS));
		while (!w.done) {
			if (backstop) {
				pthread_cond_wait(&dev->cond, &dev->lock);
			} else if (pthread_cond_timedwait(&dev->cond, &dev->lock, &until) ==
				       ETIMEDOUT &&
				   !w.done) {
				libusb_cancel_transfer(t); /* the event thread did not finish it */
				backstop = 1;
			}
		}
		for (struct usb_wait **p = &dev->waits; *p; p = &(*p)->next) {
			if (*p == &w) {
				*p = w.next;
				break;
			}
		}
		if (t->status == LIBUSB_TRANSFER_CANCELLED)
			rc = backstop && !dev->gone ? DRV_ETIMEOUT : DRV_ENODEV;
		else
			rc = usb_err_status(t->status);
		if (rc == DRV_ENODEV && dev->gen == my_gen)
			usb_dev_mark_gone(dev);
		*actual = t->actual_length;
		*gen = my_gen;
	}
	pthread_mutex_unlock(&dev->lock);
	libusb_free_transfer(t);
	usb_dev_release(dev);
	return rc;
}

int usb_dev_pair_eps(struct usb_dev *dev, size_t pair, struct usb_pair_eps *out)
{
	int rc = DRV_EINVAL;
	pthread_mutex_lock(&dev->lock);
	if (pair < dev->n_pairs) {
		*out = dev->pairs[pair];
		rc = DRV_OK;
	}
	pthread_mutex_unlock(&dev->lock);
	return rc;
}

unsigned usb_dev_gen(struct usb_dev *dev)
{
	pthread_mutex_lock(&dev->lock);
	unsigned g = dev->gen;
	pthread_mutex_unlock(&dev->lock);
	return g;
}

int usb_dev_open(struct usb_ctx *ctx, const char *role, struct usb_dev **out)
{
	if (!ctx || !role || !out || !*role || strlen(role) >= USB_ROLE_MAX)
		return DRV_EINVAL;
	struct usb_dev *dev = calloc(1, sizeof(*dev));
	if (!dev)
		return DRV_ENOMEM;
	dev->ctx = ctx;
	memcpy(dev->role, role, strlen(role) + 1);
	pthread_mutex_init(&dev->lock, NULL);
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&dev->cond, &ca);
	pthread_condattr_destroy(&ca);

	struct usb_open o = {0};
	int rc = usb_dev_find(dev, NULL, &o);
	if (rc) {
		pthread_cond_destroy(&dev->cond);
		pthread_mutex_destroy(&dev->lock);
		free(dev);
		return rc;
	}
	usb_dev_install(dev, &o);
	pthread_mutex_lock(&ctx->lock);
	dev->next = ctx->devs;
	ctx->devs = dev;
	pthread_mutex_unlock(&ctx->lock);
	*out = dev;
	return DRV_OK;
}

void usb_dev_close(struct usb_dev *dev)
{
	if (!dev)
		return;
	struct usb_ctx *ctx = dev->ctx;
	pthread_mutex_lock(&ctx->lock);
	for (struct usb_dev **p = &ctx->devs; *p; p = &(*p)->next) {
		if (*p == dev) {
			*p = dev->next;
			break;
		}
	}
	pthread_mutex_unlock(&ctx->lock);
	usb_close_handle(dev->handle, dev->iface, dev->reattach);
	if (dev->ldev)
		libusb_unref_device(dev->ldev);
	pthread_cond_destroy(&dev->cond);
	pthread_mutex_destroy(&dev->lock);
	free(dev);
}

const struct usb_device_info *usb_dev_info(const struct usb_dev *dev)
{
	return &dev->info;
}

int usb_dev_iface(const struct usb_dev *dev)
{
	return dev->iface;
}

size_t usb_dev_pair_count(const struct usb_dev *dev)
{
	struct usb_dev *d = (struct usb_dev *)dev; /* the lock is not part of the value */
	pthread_mutex_lock(&d->lock);
	size_t n = d->n_pairs;
	pthread_mutex_unlock(&d->lock);
	return n;
}

int usb_dev_pair_info(const struct usb_dev *dev, size_t pair, struct usb_pair_info *out)
{
	struct usb_pair_eps eps;
	if (!dev || !out)
		return DRV_EINVAL;
	int rc = usb_dev_pair_eps((struct usb_dev *)dev, pair, &eps);
	if (rc)
		return rc;
	out->out_ep = eps.out.addr;
	out->in_ep = eps.in.addr;
	out->out_interrupt = eps.out.type == LIBUSB_TRANSFER_TYPE_INTERRUPT;
	out->in_interrupt = eps.in.type == LIBUSB_TRANSFER_TYPE_INTERRUPT;
	out->out_max_packet = eps.out.addr ? eps.out.max_packet : 0;
	out->in_max_packet = eps.in.addr ? eps.in.max_packet : 0;
	return DRV_OK;
}

int usb_dev_control(struct usb_dev *dev, uint8_t request_type, uint8_t request, uint16_t value,
		    uint16_t index, uint8_t *data, uint16_t len, int timeout_ms)
{
	if (!dev || (len && !data))
		return DRV_EINVAL;
	size_t size = LIBUSB_CONTROL_SETUP_SIZE + (size_t)len;
	uint8_t *buf = calloc(1, size); /* zeroed: see usb_link_read */
	if (!buf)
		return DRV_ENOMEM;
	libusb_fill_control_setup(buf, request_type, request, value, index, len);
	int in = (request_type & LIBUSB_ENDPOINT_DIR_MASK) == LIBUSB_ENDPOINT_IN;
	if (!in && len)
		memcpy(buf + LIBUSB_CONTROL_SETUP_SIZE, data, len);
	struct usb_xfer_req req = {
	    .control = 1, .buf = buf, .len = (int)size, .timeout_ms = timeout_ms};
	int actual = 0;
	unsigned gen;
	int rc = usb_dev_xfer(dev, &req, &actual, &gen);
	if (rc == DRV_OK) {
		if (actual < 0 || actual > len)
			actual = len;
		if (in)
			memcpy(data, buf + LIBUSB_CONTROL_SETUP_SIZE, (size_t)actual);
		rc = actual;
	}
	drv_wipe(buf, size); /* may hold what a card reader said */
	free(buf);
	return rc;
}
