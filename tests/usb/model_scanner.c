/*
 * model_scanner: the emulated barcode scanner (see model_scanner.h).
 */
#include "model_scanner.h"

#include <stdlib.h>
#include <string.h>

#include "scanner_kbd.h"
#include "scanner_pos.h"

#define KEY_ENTER 0x28
#define MOD_SHIFT 0x02

/* HID 1.11 appendix E.6: the boot keyboard report descriptor (63 bytes). */
static const uint8_t rd_keyboard[] = {
    0x05, 0x01, 0x09, 0x06, 0xA1, 0x01, 0x05, 0x07, 0x19, 0xE0, 0x29, 0xE7, 0x15, 0x00, 0x25, 0x01,
    0x75, 0x01, 0x95, 0x08, 0x81, 0x02, 0x95, 0x01, 0x75, 0x08, 0x81, 0x01, 0x95, 0x05, 0x75, 0x01,
    0x05, 0x08, 0x19, 0x01, 0x29, 0x05, 0x91, 0x02, 0x95, 0x01, 0x75, 0x03, 0x91, 0x01, 0x95, 0x06,
    0x75, 0x08, 0x15, 0x00, 0x25, 0x65, 0x05, 0x07, 0x19, 0x00, 0x29, 0x65, 0x81, 0x00, 0xC0,
};

/* Bar Code Scanner application collection (page 0x8C, usage 0x02) with a
 * Scanned Data Report (0x12) as input report 2 of 63 bytes after its ID. */
static const uint8_t rd_pos[] = {
    0x05, 0x8C, 0x09, 0x02, 0xA1, 0x01, 0x09, 0x12, 0xA1, 0x02, 0x85, 0x02, 0x15, 0x00,
    0x26, 0xFF, 0x00, 0x75, 0x08, 0x95, 0x3F, 0x09, 0xFE, 0x81, 0x02, 0xC0, 0xC0,
};

/* The configurations as model_scanner_desc() describes them, with a HID
 * descriptor giving each report descriptor's length. */
static const uint8_t cfg_keyboard[] = {
    0x09,
    0x02,
    0x22,
    0x00,
    0x01,
    0x01,
    0x00,
    0x80,
    0x32, /* configuration */
    0x09,
    0x04,
    0x00,
    0x00,
    0x01,
    0x03,
    0x01,
    0x01,
    0x00, /* interface 0: 3/1/1 */
    0x09,
    0x21,
    0x11,
    0x01,
    0x00,
    0x01,
    0x22,
    sizeof(rd_keyboard),
    0x00, /* HID */
    0x07,
    0x05,
    MODEL_SCANNER_KBD_EP,
    0x03,
    0x08,
    0x00,
    0x0A, /* IN, interrupt, 8 */
};

static const uint8_t cfg_pos[] = {
    0x09, 0x02,		  0x29,
    0x00, 0x01,		  0x01,
    0x00, 0x80,		  0x32, /* configuration */
    0x09, 0x04,		  0x00,
    0x00, 0x02,		  0x03,
    0x00, 0x00,		  0x00, /* interface 0: 3/0/0 */
    0x09, 0x21,		  0x11,
    0x01, 0x00,		  0x01,
    0x22, sizeof(rd_pos), 0x00, /* HID */
    0x07, 0x05,		  MODEL_SCANNER_POS_EP,
    0x03, 0x40,		  0x00,
    0x01, /* IN, interrupt, 64 */
    0x07, 0x05,		  MODEL_SCANNER_POS_OUT_EP,
    0x03, 0x40,		  0x00,
    0x01, /* OUT, interrupt, 64 */
};

static int answer(const uint8_t *src, size_t n, uint8_t *data, size_t cap)
{
	size_t k = n < cap ? n : cap;
	memcpy(data, src, k);
	return (int)k;
}

static int scanner_control(struct usbsim_model *um, const struct usbsim_setup *s, uint8_t *data,
			   size_t cap)
{
	struct model_scanner *m = (struct model_scanner *)um;
	int kbd = m->kind == MODEL_SCANNER_KEYBOARD;
	if (s->request_type == 0x80 && s->request == 0x06 && s->value == 0x0200) {
		atomic_fetch_add(&m->config_reads, 1);
		return kbd ? answer(cfg_keyboard, sizeof(cfg_keyboard), data, cap)
			   : answer(cfg_pos, sizeof(cfg_pos), data, cap);
	}
	if (s->request_type == 0x81 && s->request == 0x06 && s->value == 0x2200 && s->index == 0) {
		atomic_fetch_add(&m->report_desc_reads, 1);
		if (!atomic_load(&m->stall_report_desc))
			return kbd ? answer(rd_keyboard, sizeof(rd_keyboard), data, cap)
				   : answer(rd_pos, sizeof(rd_pos), data, cap);
	} else if (s->request_type == 0x21 && s->request == 0x0B && s->index == 0 &&
		   s->length == 0) {
		atomic_fetch_add(&m->set_protocols, 1);
		atomic_store(&m->protocol, s->value);
		return 0;
	} else if (s->request_type == 0x21 && s->request == 0x0A && s->index == 0 &&
		   s->length == 0) {
		atomic_fetch_add(&m->set_idles, 1);
		return 0;
	}
	atomic_fetch_add(&m->stalls, 1);
	return -1;
}

static const struct usbsim_model_ops scanner_ops = {.on_control = scanner_control};

void model_scanner_init(struct model_scanner *m, enum model_scanner_kind kind)
{
	memset(m, 0, sizeof(*m));
	m->base.ops = &scanner_ops;
	m->kind = kind;
	atomic_init(&m->style, MODEL_SCANNER_RELEASE_EACH);
	atomic_init(&m->pace_ms, 5);
	atomic_init(&m->stall_report_desc, 0);
	atomic_init(&m->protocol, -1);
	atomic_init(&m->set_protocols, 0);
	atomic_init(&m->set_idles, 0);
	atomic_init(&m->config_reads, 0);
	atomic_init(&m->report_desc_reads, 0);
	atomic_init(&m->stalls, 0);
}

void model_scanner_set_style(struct model_scanner *m, enum model_scanner_style style)
{
	atomic_store(&m->style, (int)style);
}

void model_scanner_set_pace(struct model_scanner *m, int pace_ms)
{
	atomic_store(&m->pace_ms, pace_ms);
}

void model_scanner_set_stall_report_desc(struct model_scanner *m, int stall)
{
	atomic_store(&m->stall_report_desc, stall);
}

/* Reports are built first, then pushed, so that nothing is queued when a
 * byte cannot be typed. */
struct reports {
	uint8_t *b;
	size_t n, cap, size;
};

static int add(struct reports *r, const uint8_t *rep)
{
	if (r->n == r->cap) {
		size_t cap = r->cap ? 2 * r->cap : 64;
		uint8_t *b = realloc(r->b, cap * r->size);
		if (!b)
			return -1;
		r->b = b;
		r->cap = cap;
	}
	memcpy(r->b + r->n * r->size, rep, r->size);
	r->n++;
	return 0;
}

static int key_reports(struct reports *r, int style, const char *text, size_t len, int end)
{
	static const uint8_t up[8] = {0};
	uint8_t prev = 0; /* the key still down (ROLLING), 0 none */
	for (size_t i = 0; i <= len; i++) {
		uint8_t usage, mods = 0;
		if (i == len) {
			if (!end)
				break;
			usage = KEY_ENTER;
		} else if (!scanner_kbd_key(text[i], &usage, &mods)) {
			return -1;
		}
		uint8_t down[8] = {mods, 0, usage};
		uint8_t mods_only[8] = {mods};
		if (style == MODEL_SCANNER_ROLLING) {
			if (prev == usage && add(r, up))
				return -1;
			if (add(r, down))
				return -1;
			prev = usage;
			continue;
		}
		if (style == MODEL_SCANNER_SHIFT_FIRST && mods && add(r, mods_only))
			return -1;
		if (add(r, down))
			return -1;
		if (style == MODEL_SCANNER_SHIFT_FIRST && mods && add(r, mods_only))
			return -1;
		if (add(r, up))
			return -1;
	}
	if (style == MODEL_SCANNER_ROLLING && prev && add(r, up))
		return -1;
	return 0;
}

static int pos_reports(struct reports *r, const char *text, size_t len, int end)
{
	size_t off = 0;
	do {
		uint8_t rep[SCANNER_POS_REPORT] = {SCANNER_POS_REPORT_ID};
		size_t k = len - off < SCANNER_POS_DATA_MAX ? len - off : SCANNER_POS_DATA_MAX;
		rep[1] = (uint8_t)k;
		memcpy(rep + 2, "]Q1", 3);
		memcpy(rep + 5, text + off, k);
		off += k;
		rep[SCANNER_POS_REPORT - 1] = off < len || !end ? SCANNER_POS_MORE : 0;
		if (add(r, rep))
			return -1;
	} while (off < len);
	return 0;
}

int model_scanner_type(struct model_scanner *m, const char *text, size_t len, int end)
{
	int kbd = m->kind == MODEL_SCANNER_KEYBOARD;
	struct reports r = {NULL, 0, 0, kbd ? 8 : SCANNER_POS_REPORT};
	int rc = kbd ? key_reports(&r, atomic_load(&m->style), text, len, end)
		     : pos_reports(&r, text, len, end);
	uint8_t ep = kbd ? MODEL_SCANNER_KBD_EP : MODEL_SCANNER_POS_EP;
	for (size_t i = 0; rc == 0 && i < r.n; i++)
		rc = usbsim_dev_in_push(m->base.dev, ep, r.b + i * r.size, r.size);
	free(r.b);
	return rc ? -1 : (int)r.n;
}

void model_scanner_desc(enum model_scanner_kind kind, struct usbsim_dev_desc *d)
{
	memset(d, 0, sizeof(*d));
	d->vid = MODEL_SCANNER_VID;
	d->bcd_device = 0x0100;
	d->manufacturer = "vaxbus";
	d->speed_mbps = 12;
	d->n_ifaces = 1;
	if (kind == MODEL_SCANNER_KEYBOARD) {
		d->pid = MODEL_SCANNER_PID_KBD;
		d->product = "Model 2D scanner (keyboard)";
		d->ifaces[0] = (struct usbsim_iface_desc){
		    .cls = 3,
		    .subclass = 1,
		    .protocol = 1,
		    .driver = "usbhid",
		    .n_eps = 1,
		    .eps = {{.addr = MODEL_SCANNER_KBD_EP,
			     .type = USBSIM_INTERRUPT,
			     .max_packet = 8,
			     .interval = 10}},
		};
	} else {
		d->pid = MODEL_SCANNER_PID_POS;
		d->product = "Model 2D scanner (HID POS)";
		d->ifaces[0] = (struct usbsim_iface_desc){
		    .cls = 3,
		    .subclass = 0,
		    .protocol = 0,
		    .driver = "usbhid",
		    .n_eps = 2,
		    .eps = {{.addr = MODEL_SCANNER_POS_EP,
			     .type = USBSIM_INTERRUPT,
			     .max_packet = 64,
			     .interval = 1},
			    {.addr = MODEL_SCANNER_POS_OUT_EP,
			     .type = USBSIM_INTERRUPT,
			     .max_packet = 64,
			     .interval = 1}},
		};
	}
}

struct usbsim_dev *model_scanner_add(struct usbsim *sim, struct model_scanner *m)
{
	struct usbsim_dev_desc d;
	model_scanner_desc(m->kind, &d);
	return usbsim_dev_add(sim, &d, &m->base);
}
