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
	uint8_t bus, address; /* see remember() */
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

/* Where the stick was when it was last identified; the usb layer re-opens
 * a stick that came back inside whatever call needs it next, so a change
 * here is how this driver learns that it was re-plugged. */
static void remember(struct thermo_usb *t)
{
	const struct usb_device_info *info = usb_dev_info(t->dev);
	t->bus = info->bus;
	t->address = info->address;
}

static int usb_read(struct thermo_dev *d, struct thermo_reading *out, size_t cap, size_t *n,
		    int timeout_ms)
{
	struct thermo_usb *t = (struct thermo_usb *)d;
	struct thermo_reading got[THERMO_SENSOR_MAX];
	size_t count = 0;
	int fresh = t->proto.n_sensors == 0; /* identifies within this read */
	int rc = thermo_proto_read(
	    &t->proto, got, cap < THERMO_SENSOR_MAX ? cap : THERMO_SENSOR_MAX, &count, timeout_ms);
	const struct usb_device_info *info = usb_dev_info(t->dev);
	if (strcmp(info->port_path, t->base.name) != 0) {
		/* re-opened on another port: another fridge's stick, not ours */
		t->proto.n_sensors = 0;
		return DRV_ENODEV;
	}
	if (info->bus != t->bus || info->address != t->address) {
		remember(t);
		if (!fresh) {
			/* re-plugged between two reads: identify it afresh */
			t->proto.n_sensors = 0;
			return DRV_ENODEV;
		}
	}
	if (rc)
		return rc;
	memcpy(out, got, count * sizeof(*out));
	*n = count;
	return DRV_OK;
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
	if (rc)
		goto out;
	remember(t);
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
