/*
 * scanner_usb: the scanner over drivers/usb (role "scanner"): opens the
 * device, takes its interrupt IN endpoint as a byte link, chooses keyboard
 * or HID POS decoding from the descriptors (rules in scanner.h, parsing in
 * scanner_desc.c) and hands the link to scanner_link. No libusb here:
 * only usb.h.
 */
#include "scanner.h"

#include "scanner_desc.h"
#include "usb.h"

#define CTRL_TIMEOUT_MS 1000
#define CFG_DESC_MAX	1024
#define REPORT_DESC_MAX 1024
#define MAX_HID_IFACES	8

/* Standard and HID class requests (USB 2.0 9.4, HID 1.11 7.1-7.2). */
#define REQ_GET_DESCRIPTOR 0x06
#define HID_SET_IDLE	   0x0A
#define HID_SET_PROTOCOL   0x0B
#define RT_DEV_IN	   0x80 /* device to host, standard, device */
#define RT_IFACE_IN	   0x81 /* device to host, standard, interface */
#define RT_CLASS_IFACE_OUT 0x21 /* host to device, class, interface */

static void release_usb(void *arg)
{
	usb_dev_close(arg);
}

/* The mode of one HID interface, reading its report descriptor. */
static enum scanner_mode iface_mode(struct usb_dev *dev, const struct scanner_desc_iface *i)
{
	uint8_t rd[REPORT_DESC_MAX];
	uint16_t want = i->report_len && i->report_len < sizeof(rd) ? i->report_len : sizeof(rd);
	int n = usb_dev_control(dev, RT_IFACE_IN, REQ_GET_DESCRIPTOR, 0x22 << 8, i->number, rd,
				want, CTRL_TIMEOUT_MS);
	return scanner_desc_mode(i, n > 0 ? rd : NULL, n > 0 ? (size_t)n : 0);
}

/*
 * Finds the mode of the claimed HID interface. usb.h does not say which
 * interface was claimed, so: the HID interfaces whose interrupt IN packet
 * size is the link's (all of them when one alone exists) must agree.
 */
static int detect_mode(struct usb_dev *dev, size_t in_packet, enum scanner_mode *mode,
		       int *boot_iface)
{
	uint8_t cfg[CFG_DESC_MAX];
	int n = usb_dev_control(dev, RT_DEV_IN, REQ_GET_DESCRIPTOR, 0x02 << 8, 0, cfg, sizeof(cfg),
				CTRL_TIMEOUT_MS);
	if (n < 0)
		return n;
	struct scanner_desc_iface ifs[MAX_HID_IFACES];
	size_t k = scanner_desc_hid_ifaces(cfg, (size_t)n, ifs, MAX_HID_IFACES);
	enum scanner_mode found = SCANNER_MODE_AUTO;
	int boot = -1;
	for (size_t j = 0; j < k; j++) {
		if (k > 1 && ifs[j].in_packet != in_packet)
			continue;
		enum scanner_mode m = iface_mode(dev, &ifs[j]);
		if (m == SCANNER_MODE_AUTO || (found != SCANNER_MODE_AUTO && m != found))
			return DRV_ENOTSUP;
		found = m;
		if (m == SCANNER_MODE_KEYBOARD && ifs[j].subclass == 1 && ifs[j].protocol == 1)
			boot = ifs[j].number;
	}
	if (found == SCANNER_MODE_AUTO)
		return DRV_ENOTSUP;
	*mode = found;
	*boot_iface = boot;
	return DRV_OK;
}

int scanner_usb_open_with(struct usb_ctx *ctx, const struct scanner_config *cfg,
			  struct scanner_dev **out)
{
	int rc = DRV_OK;
	struct usb_dev *dev = NULL;
	struct byte_link *link = NULL;
	if (!ctx || !cfg || !out)
		return DRV_EINVAL;
	struct scanner_config c = *cfg;
	rc = usb_dev_open(ctx, "scanner", &dev);
	if (rc)
		goto out;
	if (usb_dev_pair_count(dev) < 1) {
		rc = DRV_ENOTSUP;
		goto out;
	}
	rc = usb_dev_link(dev, 0, &link);
	if (rc)
		goto out;
	if (c.mode == SCANNER_MODE_AUTO) {
		int boot = -1;
		rc = detect_mode(dev, byte_link_in_packet_size(link), &c.mode, &boot);
		if (rc)
			goto out;
		if (boot >= 0) { /* best effort: boot reports, sent on change only */
			usb_dev_control(dev, RT_CLASS_IFACE_OUT, HID_SET_PROTOCOL, 0,
					(uint16_t)boot, NULL, 0, CTRL_TIMEOUT_MS);
			usb_dev_control(dev, RT_CLASS_IFACE_OUT, HID_SET_IDLE, 0, (uint16_t)boot,
					NULL, 0, CTRL_TIMEOUT_MS);
		}
	}
	/* scanner_link_open owns link and dev from here, also on failure. */
	return scanner_link_open(link, &c, release_usb, dev, out);
out:
	byte_link_free(link);
	usb_dev_close(dev);
	return rc;
}

int scanner_usb_open(struct usb_ctx *ctx, struct scanner_dev **out)
{
	struct scanner_config c;
	scanner_config_init(&c);
	return scanner_usb_open_with(ctx, &c, out);
}
