/*
 * thermo_usb: a thermo_dev over a TEMPer stick — HID SET_REPORT through
 * usb_dev_control, answers through the interrupt-IN byte link; the
 * protocol is thermo_proto's.
 */
#include "thermo_usb.h"

#include "thermo_proto.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HID_CLASS	       3
#define HID_SET_REPORT_TYPE    0x21 /* class request, host to interface */
#define HID_SET_REPORT	       0x09
#define HID_REPORT_OUTPUT_ID0  0x0200 /* wValue: output report, id 0 */
#define THERMO_USB_DEVICES_MAX 64

struct thermo_usb {
	struct thermo_dev base;
	struct usb_dev *dev;
	struct byte_link *in;
	struct thermo_proto proto;
};

void thermo_usb_match(struct usb_match *m, const char *role)
{
	memset(m, 0, sizeof(*m));
	strncpy(m->role, role, sizeof(m->role) - 1);
	m->vid = THERMO_USB_VID;
	m->pid = THERMO_USB_PID;
	m->iface_class = HID_CLASS;
	m->iface_subclass = -1;
	m->iface_protocol = -1;
	m->iface = THERMO_USB_IFACE;
}

static int send_report(void *arg, const uint8_t *report, size_t len, int timeout_ms)
{
	struct thermo_usb *t = arg;
	uint8_t buf[THERMO_REPORT_LEN];
	if (len > sizeof(buf))
		return DRV_EINVAL;
	memcpy(buf, report, len);
	int rc = usb_dev_control(t->dev, HID_SET_REPORT_TYPE, HID_SET_REPORT, HID_REPORT_OUTPUT_ID0,
				 THERMO_USB_IFACE, buf, (uint16_t)len, timeout_ms);
	if (rc < 0)
		return rc;
	return (size_t)rc == len ? DRV_OK : DRV_EIO;
}

static int usb_read(struct thermo_dev *d, struct thermo_reading *out, size_t cap, size_t *n,
		    int timeout_ms)
{
	struct thermo_usb *t = (struct thermo_usb *)d;
	/* A stick that came back on another port is another fridge's. */
	const struct usb_device_info *info = usb_dev_info(t->dev);
	if (strcmp(info->port_path, t->base.name) != 0)
		return DRV_ENODEV;
	return thermo_proto_read(&t->proto, out, cap, n, timeout_ms);
}

static void usb_free(struct thermo_dev *d)
{
	struct thermo_usb *t = (struct thermo_usb *)d;
	if (!t)
		return;
	byte_link_free(t->in);
	usb_dev_close(t->dev);
	free(t);
}

static const struct thermo_dev_ops usb_ops = {.read = usb_read, .free = usb_free};

int thermo_usb_open(struct usb_ctx *ctx, const char *role, int timeout_ms, struct thermo_dev **out)
{
	struct thermo_usb *t = calloc(1, sizeof(*t));
	int rc = DRV_OK;
	if (!t)
		return DRV_ENOMEM;
	t->base.ops = &usb_ops;
	rc = usb_dev_open(ctx, role, &t->dev);
	if (rc)
		goto out;
	if (usb_dev_pair_count(t->dev) < 1) {
		rc = DRV_ENOTSUP;
		goto out;
	}
	rc = usb_dev_link(t->dev, 0, &t->in);
	if (rc)
		goto out;
	snprintf(t->base.name, sizeof(t->base.name), "%s", usb_dev_info(t->dev)->port_path);
	thermo_proto_init(&t->proto, send_report, t, t->in);
	rc = thermo_proto_identify(&t->proto, timeout_ms);
out:
	if (rc) {
		usb_free(&t->base);
		return rc;
	}
	*out = &t->base;
	return DRV_OK;
}

int thermo_usb_open_all(struct usb_ctx *ctx, const char *role, int timeout_ms,
			struct thermo_dev **out, size_t cap, size_t *n)
{
	struct usb_device_info infos[THERMO_USB_DEVICES_MAX];
	struct thermo_dev *opened[THERMO_USB_DEVICES_MAX];
	size_t listed = 0, attached = 0, got = 0;
	int rc = usb_ctx_list(ctx, infos, THERMO_USB_DEVICES_MAX, &listed);
	if (rc)
		return rc;
	for (size_t i = 0; i < listed; i++)
		attached += strcmp(infos[i].role, role) == 0;
	/* Bounded by what is attached, so a usb layer that handed out the
	 * same stick twice could not loop here. */
	while (got < cap && got < attached) {
		rc = thermo_usb_open(ctx, role, timeout_ms, &opened[got]);
		if (rc == DRV_ENOTFOUND) {
			rc = DRV_OK;
			break;
		}
		if (rc)
			break;
		got++;
	}
	if (rc) {
		while (got > 0)
			thermo_dev_free(opened[--got]);
		return rc;
	}
	if (got)
		memcpy(out, opened, got * sizeof(*out));
	*n = got;
	return DRV_OK;
}
