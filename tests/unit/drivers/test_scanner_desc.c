/*
 * Descriptor parsing for the scanner's mode (scanner_desc): HID
 * interfaces from configuration descriptors (boot keyboard, HID POS,
 * composite, alternate settings, truncation) and the application
 * collections of report descriptors (short, extended and long items,
 * push/pop, report IDs), then the mode decision table.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "scanner_desc.h"

/* A keyboard-wedge scanner: one boot keyboard interface, 8-byte EP. */
static const uint8_t cfg_kbd[] = {
    0x09, 0x02, 0x22, 0x00, 0x01, 0x01, 0x00, 0x80, 0x32, /* configuration */
    0x09, 0x04, 0x00, 0x00, 0x01, 0x03, 0x01, 0x01, 0x00, /* interface 0, 3/1/1 */
    0x09, 0x21, 0x11, 0x01, 0x00, 0x01, 0x22, 0x3F, 0x00, /* HID, report 63 bytes */
    0x07, 0x05, 0x81, 0x03, 0x08, 0x00, 0x0A,		  /* EP 1 IN interrupt 8 */
};

/* A composite: boot keyboard (0), HID POS (1) with IN and OUT endpoints
 * and an alternate setting, a CDC interface (2). */
static const uint8_t cfg_composite[] = {
    0x09, 0x02, 0x5F, 0x00, 0x03, 0x01, 0x00, 0x80, 0x32, /* */
    0x09, 0x04, 0x00, 0x00, 0x01, 0x03, 0x01, 0x01, 0x00, /* interface 0, 3/1/1 */
    0x09, 0x21, 0x11, 0x01, 0x00, 0x01, 0x22, 0x3F, 0x00, /* */
    0x07, 0x05, 0x81, 0x03, 0x08, 0x00, 0x0A,		  /* */
    0x09, 0x04, 0x01, 0x00, 0x02, 0x03, 0x00, 0x00, 0x00, /* interface 1, 3/0/0 */
    0x09, 0x21, 0x11, 0x01, 0x00, 0x01, 0x22, 0x8A, 0x01, /* report 394 bytes */
    0x07, 0x05, 0x02, 0x03, 0x40, 0x00, 0x01,		  /* EP 2 OUT */
    0x07, 0x05, 0x83, 0x03, 0x40, 0x00, 0x01,		  /* EP 3 IN interrupt 64 */
    0x09, 0x04, 0x01, 0x01, 0x01, 0x03, 0x00, 0x00, 0x00, /* interface 1 alt 1: skipped */
    0x07, 0x05, 0x84, 0x03, 0x20, 0x00, 0x01,		  /* */
    0x09, 0x04, 0x02, 0x00, 0x01, 0x02, 0x02, 0x01, 0x00, /* CDC: not HID */
    0x07, 0x05, 0x85, 0x03, 0x10, 0x00, 0x10,		  /* */
};

/* HID 1.11 appendix E.6: the boot keyboard report descriptor. */
static const uint8_t rd_kbd[] = {
    0x05, 0x01, 0x09, 0x06, 0xA1, 0x01, 0x05, 0x07, 0x19, 0xE0, 0x29, 0xE7, 0x15, 0x00, 0x25, 0x01,
    0x75, 0x01, 0x95, 0x08, 0x81, 0x02, 0x95, 0x01, 0x75, 0x08, 0x81, 0x01, 0x95, 0x05, 0x75, 0x01,
    0x05, 0x08, 0x19, 0x01, 0x29, 0x05, 0x91, 0x02, 0x95, 0x01, 0x75, 0x03, 0x91, 0x01, 0x95, 0x06,
    0x75, 0x08, 0x15, 0x00, 0x25, 0x65, 0x05, 0x07, 0x19, 0x00, 0x29, 0x65, 0x81, 0x00, 0xC0,
};

/* A HID POS scanner: Bar Code Scanner collection with report 2, then a
 * vendor collection (feature reports). */
static const uint8_t rd_pos[] = {
    0x05, 0x8C, 0x09, 0x02, 0xA1, 0x01, 0x09, 0x12, 0xA1, 0x02, 0x85, 0x02, 0x15, 0x00, 0x26,
    0xFF, 0x00, 0x75, 0x08, 0x95, 0x3F, 0x09, 0xFE, 0x81, 0x02, 0xC0, 0xC0, 0x06, 0x00, 0xFF,
    0x09, 0x01, 0xA1, 0x01, 0x85, 0xFD, 0x95, 0x3F, 0x09, 0x01, 0xB1, 0x02, 0xC0,
};

/* A keyboard with report IDs beside a consumer control collection. */
static const uint8_t rd_kbd_ids[] = {
    0x05, 0x01, 0x09, 0x06, 0xA1, 0x01, 0x85, 0x01, 0x05, 0x07, 0x19, 0x00,
    0x29, 0x65, 0x95, 0x06, 0x75, 0x08, 0x81, 0x00, 0xC0, 0x05, 0x0C, 0x09,
    0x01, 0xA1, 0x01, 0x85, 0x02, 0x09, 0xE9, 0x81, 0x02, 0xC0,
};

/* A mouse. */
static const uint8_t rd_mouse[] = {0x05, 0x01, 0x09, 0x02, 0xA1, 0x01, 0x09,
				   0x01, 0xA1, 0x00, 0x81, 0x02, 0xC0, 0xC0};

static void test_hid_ifaces(void **state)
{
	(void)state;
	struct scanner_desc_iface ifs[4];
	assert_int_equal(scanner_desc_hid_ifaces(cfg_kbd, sizeof(cfg_kbd), ifs, 4), 1);
	assert_int_equal(ifs[0].number, 0);
	assert_int_equal(ifs[0].subclass, 1);
	assert_int_equal(ifs[0].protocol, 1);
	assert_int_equal(ifs[0].report_len, 63);
	assert_int_equal(ifs[0].in_packet, 8);

	assert_int_equal(scanner_desc_hid_ifaces(cfg_composite, sizeof(cfg_composite), ifs, 4), 2);
	assert_int_equal(ifs[1].number, 1);
	assert_int_equal(ifs[1].subclass, 0);
	assert_int_equal(ifs[1].protocol, 0);
	assert_int_equal(ifs[1].report_len, 394);
	assert_int_equal(ifs[1].in_packet, 64); /* the IN endpoint, not the OUT before it */
	/* The cap is respected. */
	assert_int_equal(scanner_desc_hid_ifaces(cfg_composite, sizeof(cfg_composite), ifs, 1), 1);
	assert_int_equal(ifs[0].number, 0);
	/* Truncated: parsed as far as whole descriptors go. */
	assert_int_equal(scanner_desc_hid_ifaces(cfg_kbd, 18, ifs, 4), 1);
	assert_int_equal(ifs[0].report_len, 0);
	assert_int_equal(ifs[0].in_packet, 0);
	assert_int_equal(scanner_desc_hid_ifaces(cfg_kbd, 17, ifs, 4), 0);
	/* A zero bLength stops the walk instead of looping. */
	uint8_t broken[sizeof(cfg_kbd)];
	memcpy(broken, cfg_kbd, sizeof(broken));
	broken[9] = 0;
	assert_int_equal(scanner_desc_hid_ifaces(broken, sizeof(broken), ifs, 4), 0);
	assert_int_equal(scanner_desc_hid_ifaces(NULL, 0, ifs, 4), 0);
}

struct rcase {
	const char *name;
	const uint8_t *rd;
	size_t len;
	int pos, keyboard, ids;
};

#define RD(...) (const uint8_t[]){__VA_ARGS__}, sizeof((const uint8_t[]){__VA_ARGS__})

static const struct rcase rcases[] = {
    {"boot keyboard", rd_kbd, sizeof(rd_kbd), 0, 1, 0},
    {"HID POS", rd_pos, sizeof(rd_pos), 1, 0, 1},
    {"keyboard with report IDs", rd_kbd_ids, sizeof(rd_kbd_ids), 0, 1, 1},
    {"mouse", rd_mouse, sizeof(rd_mouse), 0, 0, 0},
    {"two-byte usage page", RD(0x06, 0x8C, 0x00, 0x09, 0x02, 0xA1, 0x01, 0xC0), 1, 0, 0},
    {"extended usage carries its page", RD(0x0B, 0x02, 0x00, 0x8C, 0x00, 0xA1, 0x01, 0xC0), 1, 0,
     0},
    {"push/pop restores the page", RD(0x05, 0x01, 0xA4, 0x05, 0x8C, 0xB4, 0x09, 0x06, 0xA1, 0x01),
     0, 1, 0},
    {"long item skipped", RD(0xFE, 0x02, 0x10, 0xAA, 0xBB, 0x05, 0x8C, 0x09, 0x02, 0xA1, 0x01), 1,
     0, 0},
    {"physical collection is not an application", RD(0x05, 0x8C, 0x09, 0x02, 0xA1, 0x00), 0, 0, 0},
    {"a main item clears the usage", RD(0x05, 0x8C, 0x09, 0x02, 0x81, 0x02, 0xA1, 0x01), 0, 0, 0},
    {"truncated item", RD(0x05, 0x8C, 0x09, 0x02, 0xA1), 0, 0, 0},
    {"truncated long item", RD(0xFE, 0x09), 0, 0, 0},
    {"empty", NULL, 0, 0, 0, 0},
};

static void test_report(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(rcases) / sizeof(rcases[0]); i++) {
		const struct rcase *c = &rcases[i];
		struct scanner_desc_report r;
		memset(&r, 0x55, sizeof(r));
		scanner_desc_report(c->rd, c->len, &r);
		if (r.pos != c->pos || r.keyboard != c->keyboard || r.report_ids != c->ids)
			fail_msg("%s: pos %d keyboard %d ids %d", c->name, r.pos, r.keyboard,
				 r.report_ids);
	}
}

static void test_mode(void **state)
{
	(void)state;
	static const struct scanner_desc_iface boot = {0, 1, 1, 63, 8}, plain = {1, 0, 0, 394, 64},
					       boot_mouse = {0, 1, 2, 50, 8};
	static const struct {
		const struct scanner_desc_iface *iface;
		const uint8_t *rd;
		size_t len;
		enum scanner_mode want;
	} cases[] = {
	    {&boot, rd_kbd, sizeof(rd_kbd), SCANNER_MODE_KEYBOARD},
	    {&boot, NULL, 0, SCANNER_MODE_KEYBOARD},
	    {&plain, NULL, 0, SCANNER_MODE_AUTO},
	    {&plain, rd_pos, sizeof(rd_pos), SCANNER_MODE_POS},
	    {&boot, rd_pos, sizeof(rd_pos), SCANNER_MODE_POS},
	    {&plain, rd_kbd, sizeof(rd_kbd), SCANNER_MODE_KEYBOARD},
	    {&boot, rd_kbd_ids, sizeof(rd_kbd_ids), SCANNER_MODE_KEYBOARD},
	    {&plain, rd_kbd_ids, sizeof(rd_kbd_ids), SCANNER_MODE_AUTO},
	    {&boot_mouse, rd_mouse, sizeof(rd_mouse), SCANNER_MODE_AUTO},
	    {&boot_mouse, NULL, 0, SCANNER_MODE_AUTO},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_int_equal(scanner_desc_mode(cases[i].iface, cases[i].rd, cases[i].len),
				 cases[i].want);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_hid_ifaces),
	    cmocka_unit_test(test_report),
	    cmocka_unit_test(test_mode),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
