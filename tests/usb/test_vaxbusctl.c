/*
 * The real vaxbusctl binary, run as a child process under a umockdev
 * testbed with every device class modelled as REFERENCE.md describes it
 * (ID card reader 0400:c35a with 64-byte packets, a HID boot-keyboard
 * scanner, an ESC/POS printer, a TEMPer thermometer), with the built-in
 * default configuration: devices, idcard read, scan, temp read, print
 * (the printed bytes decode back to the page, whose QR zbarimg reads),
 * paper out keeping the job until paper is back, an unplugged reader, and
 * watch reporting a reader that leaves and comes back.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "escpos_raster.h"
#include "model_idcard.h"
#include "model_printer.h"
#include "model_scanner.h"
#include "model_thermo.h"
#include "usbsim.h"

#include <glib.h>
#include <pthread.h>
#include <time.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <umockdev.h>
#include <unistd.h>

struct bus {
	struct usbsim *sim;
	struct model_idcard card;
	struct model_scanner scanner;
	struct model_printer printer;
	struct model_thermo thermo;
	struct usbsim_dev *card_dev;
	char dir[64], db[96], key[96];
};

static int setup(void **state)
{
	struct bus *b = calloc(1, sizeof(*b));
	b->sim = usbsim_new();
	assert_true(umockdev_in_mock_environment());
	model_idcard_init(&b->card, MODEL_IDCARD_ONE_PAIR, 64);
	model_idcard_set_state(&b->card, MODEL_IDCARD_PRESENT);
	model_scanner_init(&b->scanner, MODEL_SCANNER_KEYBOARD);
	model_printer_init(&b->printer);
	model_thermo_init(&b->thermo, 1);
	model_thermo_set_centi(&b->thermo, 0, 450);
	b->card_dev = model_idcard_add(b->sim, &b->card);
	assert_non_null(b->card_dev);
	assert_non_null(model_scanner_add(b->sim, &b->scanner));
	assert_non_null(model_printer_add(b->sim, &b->printer));
	assert_non_null(model_thermo_add(b->sim, &b->thermo));
	snprintf(b->dir, sizeof(b->dir), "/tmp/vbctl-XXXXXX");
	assert_non_null(mkdtemp(b->dir));
	snprintf(b->db, sizeof(b->db), "%s/bus.db", b->dir);
	snprintf(b->key, sizeof(b->key), "%s/data.key", b->dir);
	unsetenv("VAXBUS_CONF");	      /* the built-in defaults */
	setenv("VAXBUS_DATA_KEY", b->key, 1); /* made by init */
	setenv("VAXBUS_DB", b->db, 1);
	setenv("VAXBUS_NOW", "2021-06-01T09:00:00+08:00", 1);
	*state = b;
	return 0;
}

static int teardown(void **state)
{
	struct bus *b = *state;
	usbsim_free(b->sim);
	model_idcard_cleanup(&b->card);
	model_printer_cleanup(&b->printer);
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", b->dir);
	assert_int_equal(system(cmd), 0);
	free(b);
	return 0;
}

/* Runs vaxbusctl with args (NULL-terminated); returns its exit code and
 * its standard output parsed as JSON in *out (NULL if not JSON). */
static int run(struct bus *b, json_t **out, ...)
{
	char *argv[24] = {VAXBUSCTL};
	int argc = 1, status = -1;
	va_list ap;
	va_start(ap, out);
	for (char *a; argc < 23 && (a = va_arg(ap, char *));)
		argv[argc++] = a;
	va_end(ap);
	argv[argc] = NULL;
	char *text = NULL;
	assert_int_equal(usbsim_spawn(b->sim, argv, &text, &status), 0);
	if (out)
		*out = text ? json_loads(text, 0, NULL) : NULL;
	g_free(text);
	return status;
}

static const char *str(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	return json_is_string(v) ? json_string_value(v) : "";
}

static void test_devices_and_reads(void **state)
{
	struct bus *b = *state;
	json_t *o;

	assert_int_equal(run(b, &o, "--json", "devices", NULL), 0);
	json_t *list = json_object_get(o, "devices");
	assert_int_equal(json_array_size(list), 4);
	const char *roles[4] = {0};
	for (size_t i = 0; i < 4; i++)
		roles[i] = str(json_array_get(list, i), "role");
	for (size_t r = 0; r < 4; r++) {
		static const char *const want[] = {"idcard", "scanner", "printer", "thermo"};
		int found = 0;
		for (size_t i = 0; i < 4; i++)
			found |= strcmp(roles[i], want[r]) == 0;
		if (!found)
			fail_msg("no %s in vaxbusctl devices", want[r]);
	}
	json_decref(o);

	/* The card: exactly the documented keys, read across 64-byte URBs. */
	struct idcard_card sample;
	model_idcard_sample(&sample);
	assert_int_equal(run(b, &o, "--json", "idcard", "read", "--timeout", "5", NULL), 0);
	assert_int_equal(json_object_size(o), 9);
	assert_string_equal(str(o, "name"), sample.name);
	assert_string_equal(str(o, "id"), sample.id);
	assert_string_equal(str(o, "address"), sample.address);
	assert_string_equal(str(o, "valid_to"), sample.valid_to);
	assert_string_equal(str(o, "sex"), sample.sex);
	json_decref(o);

	/* A scan typed by the scanner. */
	static const char code[] = "HC1:NCFOXN%TS3DH3ZSUZK+.V0ETD%65NL-AH-R6IOO6+IDOEZ";
	assert_true(model_scanner_type(&b->scanner, code, strlen(code), 1) > 0);
	assert_int_equal(run(b, &o, "--json", "scan", "--timeout", "5", NULL), 0);
	assert_int_equal(json_object_size(o), 1);
	assert_string_equal(str(o, "text"), code);
	json_decref(o);

	/* The fridge. */
	assert_int_equal(run(b, &o, "--json", "temp", "read", NULL), 0);
	assert_true(json_is_array(o));
	assert_int_equal(json_array_size(o), 1);
	json_t *r = json_array_get(o, 0);
	assert_true(strlen(str(r, "device")) > 0);
	assert_true(json_real_value(json_object_get(r, "celsius")) == 4.5);
	json_decref(o);
}

static void test_print_and_paper_out(void **state)
{
	struct bus *b = *state;
	json_t *o;
	assert_int_equal(run(b, NULL, "init", "--bus", "BUS-1", "--site", "S1", NULL), 0);

	/* The test page: the bytes the printer took decode to a page whose QR
	 * says what the template printed. */
	assert_int_equal(run(b, &o, "--json", "print", "test", NULL), 0);
	assert_int_equal(json_integer_value(json_object_get(o, "printed")), 1);
	json_decref(o);
	size_t len = 0;
	uint8_t *bytes = model_printer_captured(&b->printer, &len);
	assert_true(len > 1000);
	char pbm[160], text[200];
	size_t n = 0;
	snprintf(pbm, sizeof(pbm), "%s/page.pbm", b->dir);
	assert_int_equal(escpos_raster_to_pbm(bytes, len, 384, pbm, NULL), 0);
	free(bytes);
	assert_int_equal(escpos_raster_zbar(pbm, text, sizeof(text), &n), 1);
	assert_string_equal(text, "vaxbus print test 2021-06-01T09:00:00+08:00");
	model_printer_clear(&b->printer);

	/* Paper out: the ticket is kept, exit 1 with the reason. */
	model_printer_set_state(&b->printer, MODEL_PRINTER_PAPER_OUT);
	assert_int_equal(run(b, &o, "--json", "print", "ticket", "--ticket", "A007", NULL), 1);
	assert_string_equal(str(o, "code"), "printer_paper_out");
	assert_int_equal(json_integer_value(json_object_get(o, "pending")), 1);
	json_decref(o);
	/* Paper back: the queue sends it. */
	model_printer_set_state(&b->printer, MODEL_PRINTER_OK);
	assert_int_equal(run(b, &o, "--json", "print", "queue", NULL), 0);
	assert_int_equal(json_integer_value(json_object_get(o, "printed")), 1);
	assert_int_equal(json_integer_value(json_object_get(o, "pending")), 0);
	json_decref(o);
	bytes = model_printer_captured(&b->printer, &len);
	assert_true(len > 1000);
	free(bytes);
}

static void test_unplugged_reader(void **state)
{
	struct bus *b = *state;
	json_t *o;
	usbsim_dev_unplug(b->card_dev);
	assert_int_equal(run(b, &o, "--json", "idcard", "read", "--timeout", "2", NULL), 1);
	assert_string_equal(str(o, "code"), "no_device");
	json_decref(o);
	usbsim_dev_replug(b->card_dev, 0);
	assert_int_equal(run(b, &o, "--json", "idcard", "read", "--timeout", "5", NULL), 0);
	assert_int_equal(json_object_size(o), 9);
	json_decref(o);
}

/* Unplugs and replugs the reader while `vaxbusctl watch` runs. */
static void *plug_cycle(void *arg)
{
	struct bus *b = arg;
	/* Time for the child to start and list what is present. */
	struct timespec start = {1, 0}, gap = {0, 600 * 1000 * 1000};
	nanosleep(&start, NULL);
	usbsim_dev_unplug(b->card_dev);
	nanosleep(&gap, NULL);
	usbsim_dev_replug(b->card_dev, 0);
	return NULL;
}

static void test_watch(void **state)
{
	struct bus *b = *state;
	char *argv[] = {VAXBUSCTL, "--json", "watch", "--seconds", "3", NULL};
	char *text = NULL;
	int status = -1;
	pthread_t t;
	assert_int_equal(pthread_create(&t, NULL, plug_cycle, b), 0);
	assert_int_equal(usbsim_spawn(b->sim, argv, &text, &status), 0);
	pthread_join(t, NULL);
	assert_int_equal(status, 0);
	/* One JSON line per event: the four devices present, then the reader
	 * leaving and coming back. */
	static const char *const want[] = {"present", "present", "present",
					   "present", "removed", "arrived"};
	size_t n = 0;
	for (char *save, *line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		json_t *o = json_loads(line, 0, NULL);
		assert_non_null(o);
		assert_true(n < 6);
		assert_string_equal(str(o, "event"), want[n]);
		if (n >= 4)
			assert_string_equal(str(o, "role"), "idcard");
		json_decref(o);
		n++;
	}
	assert_int_equal(n, 6);
	g_free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_devices_and_reads, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_print_and_paper_out, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_unplugged_reader, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_watch, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
