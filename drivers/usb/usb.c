/*
 * usb: the context — libusb's context, the event thread, matching devices
 * to roles, the list of attached devices and the watch on arrivals and
 * departures (libusb hotplug callbacks, or a comparison of device lists
 * on the event thread where hotplug is missing or VB_USB_POLL_MS asks for
 * it). Devices and links are in usb_dev.c and usb_link.c.
 */
#include "usb_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int usb_ctx_role(const struct usb_ctx *ctx, libusb_device *ldev, char role[USB_ROLE_MAX],
		 int *iface)
{
	struct libusb_device_descriptor dd;
	struct libusb_config_descriptor *cfg = NULL;
	int found = -1;
	if (libusb_get_device_descriptor(ldev, &dd) != 0)
		return -1;
	if (libusb_get_active_config_descriptor(ldev, &cfg) != 0)
		return -1; /* unconfigured: no interfaces to claim */
	for (size_t i = 0; i < ctx->n_matches && found < 0; i++) {
		const struct usb_match *m = &ctx->matches[i];
		if ((m->vid && m->vid != dd.idVendor) || (m->pid && m->pid != dd.idProduct))
			continue;
		for (uint8_t k = 0; k < cfg->bNumInterfaces && found < 0; k++) {
			if (cfg->interface[k].num_altsetting < 1)
				continue;
			const struct libusb_interface_descriptor *a =
			    &cfg->interface[k].altsetting[0];
			if ((m->iface >= 0 && a->bInterfaceNumber != m->iface) ||
			    (m->iface_class >= 0 && a->bInterfaceClass != m->iface_class) ||
			    (m->iface_subclass >= 0 &&
			     a->bInterfaceSubClass != m->iface_subclass) ||
			    (m->iface_protocol >= 0 && a->bInterfaceProtocol != m->iface_protocol))
				continue;
			found = a->bInterfaceNumber;
			memcpy(role, m->role, USB_ROLE_MAX);
		}
	}
	libusb_free_config_descriptor(cfg);
	if (found < 0)
		return -1;
	*iface = found;
	return 0;
}

void usb_ctx_info(libusb_device *ldev, const char *role, struct usb_device_info *info)
{
	struct libusb_device_descriptor dd;
	memset(info, 0, sizeof(*info));
	snprintf(info->role, sizeof(info->role), "%s", role);
	if (libusb_get_device_descriptor(ldev, &dd) == 0) {
		info->vid = dd.idVendor;
		info->pid = dd.idProduct;
	}
	info->bus = libusb_get_bus_number(ldev);
	info->address = libusb_get_device_address(ldev);
	uint8_t ports[7];
	int n = libusb_get_port_numbers(ldev, ports, 7);
	int len = snprintf(info->port_path, sizeof(info->port_path), "%u", info->bus);
	for (int i = 0; i < n && len > 0 && (size_t)len < sizeof(info->port_path); i++)
		len += snprintf(info->port_path + len, sizeof(info->port_path) - (size_t)len,
				"%c%u", i ? '.' : '-', ports[i]);
}

int usb_ctx_holds(const struct usb_ctx *ctx, const libusb_device *ldev,
		  const struct usb_dev *except)
{
	for (const struct usb_dev *d = ctx->devs; d; d = d->next)
		if (d != except && d->ldev == ldev)
			return 1;
	return 0;
}

/* Calls the watch callback (on the event thread). */
static void usb_ctx_notify(struct usb_ctx *ctx, int arrived, const struct usb_device_info *info)
{
	pthread_mutex_lock(&ctx->watch_lock);
	if (ctx->watch)
		ctx->watch(ctx->watch_arg, arrived, info);
	pthread_mutex_unlock(&ctx->watch_lock);
}

/* Every open usb_dev on ldev is unplugged now. ctx->lock held. */
static void usb_ctx_gone(struct usb_ctx *ctx, const libusb_device *ldev)
{
	for (struct usb_dev *d = ctx->devs; d; d = d->next) {
		pthread_mutex_lock(&d->lock);
		if (d->ldev == ldev)
			usb_dev_mark_gone(d);
		pthread_mutex_unlock(&d->lock);
	}
}

static int LIBUSB_CALL usb_ctx_hotplug(libusb_context *lctx, libusb_device *ldev,
				       libusb_hotplug_event event, void *arg)
{
	struct usb_ctx *ctx = arg;
	struct usb_device_info info;
	int notify = 0;
	(void)lctx;
	if (event == LIBUSB_HOTPLUG_EVENT_DEVICE_ARRIVED) {
		char role[USB_ROLE_MAX];
		int iface;
		if (usb_ctx_role(ctx, ldev, role, &iface) != 0)
			return 0;
		usb_ctx_info(ldev, role, &info);
		pthread_mutex_lock(&ctx->lock);
		if (ctx->n_known < USB_KNOWN_MAX) {
			ctx->known[ctx->n_known].ldev = libusb_ref_device(ldev);
			ctx->known[ctx->n_known++].info = info;
			notify = 1;
		}
		pthread_mutex_unlock(&ctx->lock);
	} else {
		pthread_mutex_lock(&ctx->lock);
		for (size_t i = 0; i < ctx->n_known; i++) {
			if (ctx->known[i].ldev != ldev)
				continue;
			info = ctx->known[i].info;
			libusb_unref_device(ctx->known[i].ldev);
			ctx->known[i] = ctx->known[--ctx->n_known];
			notify = 1;
			break;
		}
		usb_ctx_gone(ctx, ldev);
		pthread_mutex_unlock(&ctx->lock);
	}
	if (notify)
		usb_ctx_notify(ctx, event == LIBUSB_HOTPLUG_EVENT_DEVICE_ARRIVED, &info);
	return 0;
}

/* The matched devices attached now, referenced, into out (at most cap). */
static size_t usb_ctx_scan(struct usb_ctx *ctx, struct usb_known *out, size_t cap)
{
	libusb_device **list = NULL;
	ssize_t n = libusb_get_device_list(ctx->lctx, &list);
	size_t k = 0;
	for (ssize_t i = 0; i < n && k < cap; i++) {
		char role[USB_ROLE_MAX];
		int iface;
		if (usb_ctx_role(ctx, list[i], role, &iface) != 0)
			continue;
		out[k].ldev = libusb_ref_device(list[i]);
		usb_ctx_info(list[i], role, &out[k].info);
		k++;
	}
	if (n >= 0)
		libusb_free_device_list(list, 1);
	return k;
}

static int usb_known_has(const struct usb_known *set, size_t n, const libusb_device *ldev)
{
	for (size_t i = 0; i < n; i++)
		if (set[i].ldev == ldev)
			return 1;
	return 0;
}

/* Polling: compares the attached devices with the last look. */
static void usb_ctx_poll(struct usb_ctx *ctx)
{
	struct usb_known now[USB_KNOWN_MAX], old[USB_KNOWN_MAX];
	size_t n_now = usb_ctx_scan(ctx, now, USB_KNOWN_MAX), n_old;

	pthread_mutex_lock(&ctx->lock);
	n_old = ctx->n_known;
	memcpy(old, ctx->known, n_old * sizeof(old[0]));
	memcpy(ctx->known, now, n_now * sizeof(now[0]));
	ctx->n_known = n_now;
	for (size_t i = 0; i < n_old; i++)
		if (!usb_known_has(now, n_now, old[i].ldev))
			usb_ctx_gone(ctx, old[i].ldev);
	pthread_mutex_unlock(&ctx->lock);

	for (size_t i = 0; i < n_old; i++)
		if (!usb_known_has(now, n_now, old[i].ldev))
			usb_ctx_notify(ctx, 0, &old[i].info);
	for (size_t i = 0; i < n_now; i++)
		if (!usb_known_has(old, n_old, now[i].ldev))
			usb_ctx_notify(ctx, 1, &now[i].info);
	for (size_t i = 0; i < n_old; i++)
		libusb_unref_device(old[i].ldev);
}

static int64_t usb_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void *usb_ctx_events(void *arg)
{
	struct usb_ctx *ctx = arg;
	int64_t next_poll = usb_now_ms() + ctx->poll_ms;
	while (!atomic_load(&ctx->stop)) {
		int64_t wait_ms = USB_LIST_TIMEOUT;
		if (!ctx->hotplug) {
			wait_ms = next_poll - usb_now_ms();
			if (wait_ms < 0)
				wait_ms = 0;
		}
		struct timeval tv = {.tv_sec = (time_t)(wait_ms / 1000),
				     .tv_usec = (suseconds_t)(wait_ms % 1000) * 1000};
		libusb_handle_events_timeout_completed(ctx->lctx, &tv, NULL);
		if (!ctx->hotplug && usb_now_ms() >= next_poll && !atomic_load(&ctx->stop)) {
			usb_ctx_poll(ctx);
			next_poll = usb_now_ms() + ctx->poll_ms;
		}
	}
	return NULL;
}

static int usb_match_ok(const struct usb_match *m)
{
	if (!memchr(m->role, '\0', sizeof(m->role)) || !m->role[0])
		return 0;
	if (m->iface < -1 || m->iface > 255 || m->iface_class < -1 || m->iface_class > 255 ||
	    m->iface_subclass < -1 || m->iface_subclass > 255 || m->iface_protocol < -1 ||
	    m->iface_protocol > 255)
		return 0;
	/* A row must say something about the device. */
	return m->vid || m->pid || m->iface_class >= 0 || m->iface_subclass >= 0 ||
	       m->iface_protocol >= 0;
}

/* The polling period asked for in the environment, or 0. */
static int usb_poll_env(void)
{
	const char *s = getenv(USB_POLL_ENV);
	if (!s || !*s)
		return 0;
	char *end = NULL;
	long v = strtol(s, &end, 10);
	if (*end || v < 1 || v > 60000)
		return 0;
	return (int)v;
}

int usb_ctx_new(const struct usb_match *matches, size_t n_matches, struct usb_ctx **out)
{
	int rc = DRV_OK;
	if (!out || (n_matches && !matches))
		return DRV_EINVAL;
	for (size_t i = 0; i < n_matches; i++)
		if (!usb_match_ok(&matches[i]))
			return DRV_EINVAL;
	struct usb_ctx *ctx = calloc(1, sizeof(*ctx));
	if (!ctx)
		return DRV_ENOMEM;
	pthread_mutex_init(&ctx->lock, NULL);
	pthread_mutex_init(&ctx->watch_lock, NULL);
	atomic_init(&ctx->stop, 0);
	if (n_matches) {
		ctx->matches = calloc(n_matches, sizeof(*matches));
		if (!ctx->matches) {
			rc = DRV_ENOMEM;
			goto out;
		}
		memcpy(ctx->matches, matches, n_matches * sizeof(*matches));
		ctx->n_matches = n_matches;
	}
	rc = usb_err(libusb_init(&ctx->lctx));
	if (rc)
		goto out;

	int forced = usb_poll_env();
	ctx->hotplug = !forced && libusb_has_capability(LIBUSB_CAP_HAS_HOTPLUG);
	ctx->poll_ms = forced ? forced : USB_POLL_MS;
	if (ctx->hotplug) {
		rc = usb_err(libusb_hotplug_register_callback(
		    ctx->lctx,
		    LIBUSB_HOTPLUG_EVENT_DEVICE_ARRIVED | LIBUSB_HOTPLUG_EVENT_DEVICE_LEFT,
		    LIBUSB_HOTPLUG_ENUMERATE, LIBUSB_HOTPLUG_MATCH_ANY, LIBUSB_HOTPLUG_MATCH_ANY,
		    LIBUSB_HOTPLUG_MATCH_ANY, usb_ctx_hotplug, ctx, &ctx->hp));
		if (rc)
			goto out;
		ctx->hp_registered = 1;
	} else {
		ctx->n_known = usb_ctx_scan(ctx, ctx->known, USB_KNOWN_MAX);
	}
	if (pthread_create(&ctx->thread, NULL, usb_ctx_events, ctx) != 0) {
		rc = DRV_ENOMEM;
		goto out;
	}
	ctx->thread_started = 1;
out:
	if (rc) {
		usb_ctx_free(ctx);
		return rc;
	}
	*out = ctx;
	return DRV_OK;
}

void usb_ctx_free(struct usb_ctx *ctx)
{
	if (!ctx)
		return;
	if (ctx->hp_registered)
		libusb_hotplug_deregister_callback(ctx->lctx, ctx->hp);
	if (ctx->thread_started) {
		atomic_store(&ctx->stop, 1);
		libusb_interrupt_event_handler(ctx->lctx);
		pthread_join(ctx->thread, NULL);
	}
	while (ctx->devs)
		usb_dev_close(ctx->devs); /* unlinks itself */
	for (size_t i = 0; i < ctx->n_known; i++)
		libusb_unref_device(ctx->known[i].ldev);
	if (ctx->lctx)
		libusb_exit(ctx->lctx);
	free(ctx->matches);
	pthread_mutex_destroy(&ctx->watch_lock);
	pthread_mutex_destroy(&ctx->lock);
	free(ctx);
}

int usb_ctx_list(struct usb_ctx *ctx, struct usb_device_info *out, size_t cap, size_t *n)
{
	if (!ctx || !n || (cap && !out))
		return DRV_EINVAL;
	libusb_device **list = NULL;
	ssize_t count = libusb_get_device_list(ctx->lctx, &list);
	if (count < 0)
		return usb_err((int)count);
	size_t k = 0;
	for (ssize_t i = 0; i < count && k < cap; i++) {
		char role[USB_ROLE_MAX];
		int iface;
		if (usb_ctx_role(ctx, list[i], role, &iface) != 0)
			continue;
		usb_ctx_info(list[i], role, &out[k]);
		pthread_mutex_lock(&ctx->lock);
		out[k].open = usb_ctx_holds(ctx, list[i], NULL);
		pthread_mutex_unlock(&ctx->lock);
		k++;
	}
	libusb_free_device_list(list, 1);
	*n = k;
	return DRV_OK;
}

int usb_ctx_watch(struct usb_ctx *ctx, usb_watch_fn fn, void *arg)
{
	if (!ctx)
		return DRV_EINVAL;
	/* From inside a watch callback the event thread holds watch_lock. */
	int inside = ctx->thread_started && pthread_equal(pthread_self(), ctx->thread);
	if (!inside)
		pthread_mutex_lock(&ctx->watch_lock);
	ctx->watch = fn;
	ctx->watch_arg = arg;
	if (!inside)
		pthread_mutex_unlock(&ctx->watch_lock);
	return DRV_OK;
}
