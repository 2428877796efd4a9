/*
 * scanner_desc: what a USB scanner's descriptors say about its mode, for
 * scanner_usb_open(). Pure parsers over bytes the caller fetched.
 *
 * Configuration descriptor (USB 2.0 9.6.3-9.6.6, HID 1.11 6.2.1): a chain
 * of descriptors, each starting with bLength, bDescriptorType; interface
 * descriptors (type 4) give bInterfaceNumber (byte 2), bAlternateSetting
 * (3), bInterfaceClass/SubClass/Protocol (5-7); the HID descriptor (type
 * 0x21) after a HID interface lists its report descriptor (type 0x22) and
 * length (bytes 6-8 for the first); endpoint descriptors (type 5) give
 * bEndpointAddress (2, bit 7 = IN), bmAttributes (3, 3 = interrupt),
 * wMaxPacketSize (4-5, low 11 bits).
 *
 * Report descriptor (HID 1.11 6.2.2): short items (prefix byte: size in
 * bits 0-1 with 3 meaning 4 bytes, type in 2-3, tag in 4-7) and long items
 * (0xFE, size, tag). Usage Page (0x04|size), Usage (0x08|size; a 4-byte
 * usage carries its page in the high 16 bits), Report ID (0x84|size),
 * Push/Pop (0xA4/0xB4), Collection (0xA0|size, data 1 = Application).
 */
#ifndef SCANNER_DESC_H
#define SCANNER_DESC_H

#include <stddef.h>
#include <stdint.h>

#include "scanner.h"

#define SCANNER_DESC_POS_PAGE 0x8C /* HID usage page "Bar Code Scanner" */

/* One HID interface (class 3, alternate setting 0) of a configuration. */
struct scanner_desc_iface {
	uint8_t number, subclass, protocol;
	uint16_t report_len; /* its report descriptor's length, 0 if not given */
	uint16_t in_packet;  /* wMaxPacketSize of its first interrupt IN endpoint, 0 if none */
};

/* Fills out[0..n) (n <= cap) with the HID interfaces of the configuration
 * descriptor cfg (len bytes, borrowed; a truncated one is parsed as far as
 * it goes) and returns n. */
size_t scanner_desc_hid_ifaces(const uint8_t *cfg, size_t len, struct scanner_desc_iface *out,
			       size_t cap);

/* What a report descriptor (len bytes, borrowed) declares. */
struct scanner_desc_report {
	int pos;	/* an application collection on usage page 0x8C */
	int keyboard;	/* an application collection Generic Desktop / Keyboard (0x01/0x06) */
	int report_ids; /* Report ID items are present */
};

/* Parses rd into *out (always written; a malformed tail is ignored). */
void scanner_desc_report(const uint8_t *rd, size_t len, struct scanner_desc_report *out);

/*
 * The mode of an interface: SCANNER_MODE_POS when its report descriptor
 * (rd, len; NULL when it could not be read) declares page 0x8C;
 * SCANNER_MODE_KEYBOARD when it declares a keyboard and either the
 * interface is a boot keyboard (subclass 1, protocol 1; switched to the
 * boot protocol) or uses no report IDs (its reports are then the 8-byte
 * layout), or when rd is NULL and the interface is a boot keyboard;
 * SCANNER_MODE_AUTO (unknown: not supported) otherwise.
 */
enum scanner_mode scanner_desc_mode(const struct scanner_desc_iface *iface, const uint8_t *rd,
				    size_t len);

#endif
