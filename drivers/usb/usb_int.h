/*
 * usb_int: what the files of drivers/usb share and nobody else sees.
 *
 * Locks, always taken in this order: ctx->watch_lock (held while a watch
 * callback runs), ctx->lock (the match table is constant; the open devices
 * and the known devices), dev->lock (a device's handle and transfers). No
 * lock is held across libusb calls that may wait for the event thread
 * (libusb_open, libusb_close, claim/release, kernel driver calls);
 * libusb_submit_transfer and libusb_cancel_transfer never wait for it and
 * may be called with dev->lock held.
 */
#ifndef USB_INT_H
#define USB_INT_H

#include <libusb.h>
#include <pthread.h>
#include <stdatomic.h>

#include "drv_wipe.h"
#include "usb.h"

#define USB_KNOWN_MAX	 32   /* matched devices tracked for watch events */
#define USB_PAIR_MAX	 8    /* endpoint pairs per claimed interface */
#define USB_POLL_MS	 1000 /* device list comparison without hotplug */
#define USB_POLL_ENV	 "VB_USB_POLL_MS"
#define USB_BACKSTOP_MS	 2000 /* past a transfer's own timeout: cancel it ourselves */
#define USB_LIST_TIMEOUT 1000 /* event thread wake-up when idle, ms */

/* A matched device the context knows is attached (holds a reference). */
struct usb_known {
	libusb_device *ldev;
	struct usb_device_info info;
};

struct usb_ctx {
	libusb_context *lctx;
	struct usb_match *matches;
	size_t n_matches;
	int hotplug; /* 1: libusb's hotplug callbacks; 0: polling */
	int poll_ms;
	libusb_hotplug_callback_handle hp;
	int hp_registered;
	pthread_t thread;
	int thread_started;
	atomic_int stop;

	pthread_mutex_t watch_lock;
	usb_watch_fn watch;
	void *watch_arg;

	pthread_mutex_t lock;
	struct usb_dev *devs; /* every open usb_dev */
	struct usb_known known[USB_KNOWN_MAX];
	size_t n_known;
};

struct usb_ep {
	uint8_t addr; /* 0: none */
	uint8_t type; /* LIBUSB_TRANSFER_TYPE_BULK or _INTERRUPT */
	uint16_t max_packet;
};

struct usb_pair_eps {
	struct usb_ep out, in;
};

/* A transfer some thread waits for. */
struct usb_wait {
	struct usb_wait *next;
	struct libusb_transfer *t;
	struct usb_dev *dev;
	int done;
};

struct usb_dev {
	struct usb_dev *next; /* in ctx->devs */
	struct usb_ctx *ctx;
	char role[USB_ROLE_MAX];

	pthread_mutex_t lock;
	pthread_cond_t cond;	      /* transfers done, users gone, re-open finished */
	libusb_device_handle *handle; /* NULL while unplugged and not re-opened */
	libusb_device *ldev;	      /* referenced while handle is */
	int iface;
	int reattach; /* a kernel driver was detached: give it back */
	int gone;     /* unplugged: transfers fail, the next call re-opens */
	int reopening;
	unsigned users; /* transfers running on handle */
	unsigned gen;	/* counts opens; a link's buffered bytes belong to one */
	size_t n_pairs;
	struct usb_pair_eps pairs[USB_PAIR_MAX];
	struct usb_device_info info;
	struct usb_wait *waits; /* transfers in flight, to cancel on unplug */
};

/* One synchronous transfer on dev, waited for: the control endpoint when
 * `control` (buf holds the 8-byte setup packet first), else the OUT or IN
 * endpoint of pair `pair`. Re-opens the device first if it was unplugged
 * and has come back. On DRV_OK, and on DRV_ETIMEOUT after a partial
 * transfer, *actual is the number of bytes moved (control: data bytes) and
 * *gen the open it ran on. */
struct usb_xfer_req {
	int control;
	size_t pair;
	int in;
	uint8_t *buf;
	int len;
	int timeout_ms;
};
int usb_dev_xfer(struct usb_dev *dev, const struct usb_xfer_req *req, int *actual, unsigned *gen);

/* The pair's endpoints now (DRV_EINVAL if the device has no such pair). */
int usb_dev_pair_eps(struct usb_dev *dev, size_t pair, struct usb_pair_eps *out);

/* The open generation now. */
unsigned usb_dev_gen(struct usb_dev *dev);

/* Marks dev unplugged and cancels its transfers. dev->lock held. */
void usb_dev_mark_gone(struct usb_dev *dev);

/* The role of ldev per ctx's table (first match wins): 0 with role and the
 * interface to claim, or -1 when nothing matches. Reads descriptors only
 * (sysfs on Linux), no device I/O; no lock needed. */
int usb_ctx_role(const struct usb_ctx *ctx, libusb_device *ldev, char role[USB_ROLE_MAX],
		 int *iface);

/* Fills info for ldev in role (open = 0). */
void usb_ctx_info(libusb_device *ldev, const char *role, struct usb_device_info *info);

/* 1 if an open usb_dev of ctx other than `except` holds ldev. ctx->lock held. */
int usb_ctx_holds(const struct usb_ctx *ctx, const libusb_device *ldev,
		  const struct usb_dev *except);

/* libusb's codes to DRV_* codes; the one place they are mapped. */
int usb_err(int libusb_rc);
int usb_err_status(enum libusb_transfer_status status);

#endif
