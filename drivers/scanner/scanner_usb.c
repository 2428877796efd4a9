/*
 * scanner_usb: the scanner over drivers/usb (role "scanner"): opens the
 * device, takes its IN endpoint as a byte link, chooses keyboard or HID
 * POS decoding from the descriptors (rules in scanner.h, parsing in
 * scanner_desc.c), sets a boot keyboard up, and hands the link to
 * scanner_link. No libusb here: only usb.h.
 */
#include "scanner.h"

#include <stdlib.h>

#include "scanner_desc.h"
#include "usb.h"

#define CTRL_TIMEOUT_MS 1000
#define CFG_DESC_MAX	1024
#define REPORT_DESC_MAX 1024
#define MAX_HID_IFACES	8

/* Standard and HID class requests (USB 2.0 9.4; HID 1.11 7.1, 7.2). */
#define REQ_GET_DESCRIPTOR 0x06
#define HID_SET_IDLE	   0x0A
#define HID_SET_PROTOCOL   0x0B
#define RT_DEV_IN	   0x80 /* device to host, standard, device */
#define RT_IFACE_IN	   0x81 /* device to host, standard, interface */
#define RT_CLASS_IFACE_OUT 0x21 /* host to device, class, interface */
#define DESC_CONFIG	   0x02
#define DESC_REPORT	   0x22

struct scanner_usb {
	struct usb_dev *dev;
	int boot_iface; /* the boot keyboard interface to set up, or -1 */
};

/* Boot protocol (the 8-byte report) and idle 0 (no repeats), best effort:
 * a device may stall either. DRV_ENODEV when the device is gone. */
static int setup_boot(struct scanner_usb *u)
{
	if (u->boot_iface < 0)
		return DRV_OK;
	uint16_t i = (uint16_t)u->boot_iface;
	int rc = usb_dev_control(u->dev, RT_CLASS_IFACE_OUT, HID_SET_PROTOCOL, 0, i, NULL, 0,
				 CTRL_TIMEOUT_MS);
	if (rc == DRV_ENODEV)
		return rc;
	rc = usb_dev_control(u->dev, RT_CLASS_IFACE_OUT, HID_SET_IDLE, 0, i, NULL, 0,
			     CTRL_TIMEOUT_MS);
	return rc == DRV_ENODEV ? rc : DRV_OK;
}

static int resume_usb(void *arg)
{
	return setup_boot(arg);
}

static void release_usb(void *arg)
{
	struct scanner_usb *u = arg;
	usb_dev_close(u->dev);
	free(u);
}

/*
 * The mode of the claimed interface from the configuration descriptor and
 * its report descriptor; *boot set to 1 for a boot keyboard interface.
 */
static int detect_mode(struct usb_dev *dev, enum scanner_mode *mode, int *boot)
{
	uint8_t cfg[CFG_DESC_MAX], rd[REPORT_DESC_MAX];
	int n = usb_dev_control(dev, RT_DEV_IN, REQ_GET_DESCRIPTOR, DESC_CONFIG << 8, 0, cfg,
				sizeof(cfg), CTRL_TIMEOUT_MS);
	if (n < 0)
		return n;
	struct scanner_desc_iface ifs[MAX_HID_IFACES];
	size_t k = scanner_desc_hid_ifaces(cfg, (size_t)n, ifs, MAX_HID_IFACES);
	const struct scanner_desc_iface *i = NULL;
	for (size_t j = 0; j < k; j++)
		if (ifs[j].number == usb_dev_iface(dev))
			i = &ifs[j];
	if (!i)
		return DRV_ENOTSUP; /* not a HID interface */
	uint16_t want = i->report_len && i->report_len < sizeof(rd) ? i->report_len : sizeof(rd);
	n = usb_dev_control(dev, RT_IFACE_IN, REQ_GET_DESCRIPTOR, DESC_REPORT << 8, i->number, rd,
			    want, CTRL_TIMEOUT_MS);
	if (n == DRV_ENODEV)
		return n;
	enum scanner_mode m = scanner_desc_mode(i, n > 0 ? rd : NULL, n > 0 ? (size_t)n : 0);
	if (m == SCANNER_MODE_AUTO)
		return DRV_ENOTSUP;
	*mode = m;
	*boot = i->subclass == 1 && i->protocol == 1;
	return DRV_OK;
}

int scanner_usb_open_with(struct usb_ctx *ctx, const struct scanner_config *cfg,
			  struct scanner_dev **out)
{
	int rc = DRV_OK;
	struct scanner_usb *u = NULL;
	struct byte_link *link = NULL;
	struct usb_pair_info pi;
	if (!ctx || !cfg || !out)
		return DRV_EINVAL;
	struct scanner_config c = *cfg;
	u = calloc(1, sizeof(*u));
	if (!u)
		return DRV_ENOMEM;
	u->boot_iface = -1;
	rc = usb_dev_open(ctx, "scanner", &u->dev);
	if (rc)
		goto fail;
	if (usb_dev_pair_count(u->dev) < 1 || usb_dev_pair_info(u->dev, 0, &pi) || pi.in_ep == 0) {
		rc = DRV_ENOTSUP;
		goto fail;
	}
	if (c.mode == SCANNER_MODE_AUTO) {
		int boot = 0;
		rc = detect_mode(u->dev, &c.mode, &boot);
		if (rc)
			goto fail;
		if (boot && c.mode == SCANNER_MODE_KEYBOARD)
			u->boot_iface = usb_dev_iface(u->dev);
	}
	rc = setup_boot(u);
	if (rc)
		goto fail;
	rc = usb_dev_link(u->dev, 0, &link);
	if (rc)
		goto fail;
	/* From here scanner_link_open owns link and u, also on failure. */
	const struct scanner_link_hooks hooks = {release_usb, resume_usb, u};
	return scanner_link_open(link, &c, &hooks, out);
fail:
	usb_dev_close(u->dev);
	free(u);
	return rc;
}

int scanner_usb_open(struct usb_ctx *ctx, struct scanner_dev **out)
{
	struct scanner_config c;
	scanner_config_init(&c);
	return scanner_usb_open_with(ctx, &c, out);
}
