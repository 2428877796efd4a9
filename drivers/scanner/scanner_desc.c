/*
 * scanner_desc: configuration and report descriptor parsing for the
 * scanner's mode (layouts cited in scanner_desc.h).
 */
#include "scanner_desc.h"

#include <string.h>

#define DT_INTERFACE 4
#define DT_ENDPOINT  5
#define DT_HID	     0x21
#define DT_REPORT    0x22

size_t scanner_desc_hid_ifaces(const uint8_t *cfg, size_t len, struct scanner_desc_iface *out,
			       size_t cap)
{
	size_t n = 0;
	struct scanner_desc_iface *cur = NULL;
	size_t off = 0;
	while (off + 2 <= len) {
		size_t dl = cfg[off];
		if (dl < 2 || off + dl > len)
			break;
		const uint8_t *d = cfg + off;
		uint8_t type = d[1];
		if (type == DT_INTERFACE) {
			cur = NULL;
			if (dl >= 9 && d[5] == 3 && d[3] == 0 && n < cap) {
				cur = &out[n++];
				memset(cur, 0, sizeof(*cur));
				cur->number = d[2];
				cur->subclass = d[6];
				cur->protocol = d[7];
			}
		} else if (cur && type == DT_HID && dl >= 9 && d[6] == DT_REPORT) {
			cur->report_len = (uint16_t)(d[7] | d[8] << 8);
		} else if (cur && type == DT_ENDPOINT && dl >= 7 && (d[2] & 0x80) &&
			   (d[3] & 3) == 3 && cur->in_packet == 0) {
			cur->in_packet = (uint16_t)((d[4] | d[5] << 8) & 0x7FF);
		}
		off += dl;
	}
	return n;
}

#define PAGE_STACK 4

void scanner_desc_report(const uint8_t *rd, size_t len, struct scanner_desc_report *out)
{
	memset(out, 0, sizeof(*out));
	uint32_t page = 0, usage = 0;
	uint32_t stack[PAGE_STACK];
	size_t depth = 0;
	size_t off = 0;
	while (off < len) {
		uint8_t prefix = rd[off];
		if (prefix == 0xFE) { /* long item: skip */
			if (off + 2 >= len)
				break;
			off += 3 + (size_t)rd[off + 1];
			continue;
		}
		size_t size = prefix & 3;
		if (size == 3)
			size = 4;
		if (off + 1 + size > len)
			break;
		uint32_t data = 0;
		for (size_t i = 0; i < size; i++)
			data |= (uint32_t)rd[off + 1 + i] << (8 * i);
		switch (prefix & 0xFC) {
		case 0x04: /* Usage Page */
			page = data;
			break;
		case 0x08: /* Usage */
			usage = size == 4 ? data : (page << 16) | data;
			break;
		case 0x84: /* Report ID */
			out->report_ids = 1;
			break;
		case 0xA4: /* Push */
			if (depth < PAGE_STACK)
				stack[depth++] = page;
			break;
		case 0xB4: /* Pop */
			if (depth)
				page = stack[--depth];
			break;
		case 0xA0: /* Collection */
			if (data == 1 && (usage >> 16) == SCANNER_DESC_POS_PAGE)
				out->pos = 1;
			if (data == 1 && usage == 0x00010006)
				out->keyboard = 1;
			usage = 0;
			break;
		case 0x80: /* Input */
		case 0x90: /* Output */
		case 0xB0: /* Feature */
		case 0xC0: /* End Collection */
			usage = 0;
			break;
		}
		off += 1 + size;
	}
}

enum scanner_mode scanner_desc_mode(const struct scanner_desc_iface *iface, const uint8_t *rd,
				    size_t len)
{
	int boot = iface->subclass == 1 && iface->protocol == 1;
	if (!rd)
		return boot ? SCANNER_MODE_KEYBOARD : SCANNER_MODE_AUTO;
	struct scanner_desc_report r;
	scanner_desc_report(rd, len, &r);
	if (r.pos)
		return SCANNER_MODE_POS;
	if (r.keyboard && (boot || !r.report_ids))
		return SCANNER_MODE_KEYBOARD;
	return SCANNER_MODE_AUTO;
}
