/* Simulated thermometers: a script's series played against a test clock
 * (step, hold, before the start), sections as fridges, several sensors,
 * "none", unplug and silent events, the same rounding and plausibility as
 * a real stick, and every malformed script refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sim_thermo.h"

#define TIMEOUT 100

struct fixture {
	char dir[64];
	char path[128];
	int64_t now; /* the script clock */
};

static int64_t test_clock(void *arg)
{
	return *(int64_t *)arg;
}

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));
	assert_non_null(fx);
	strcpy(fx->dir, "/tmp/vb-sim-thermo-XXXXXX");
	assert_non_null(mkdtemp(fx->dir));
	snprintf(fx->path, sizeof(fx->path), "%s/fridges.txt", fx->dir);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;
	unlink(fx->path);
	rmdir(fx->dir);
	free(fx);
	return 0;
}

static const char *script(struct fixture *fx, const char *text)
{
	FILE *f = fopen(fx->path, "w");
	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
	return fx->path;
}

static struct thermo_dev *open_sim(struct fixture *fx, const char *text, const char *name)
{
	struct thermo_dev *d = NULL;
	assert_int_equal(sim_thermo_open(script(fx, text), name, test_clock, &fx->now, &d), DRV_OK);
	assert_non_null(d);
	return d;
}

/* Reads at time t; returns the read's rc and the first reading. */
static int read_at(struct fixture *fx, struct thermo_dev *d, int64_t t, struct thermo_reading *r,
		   size_t *n)
{
	fx->now = t;
	return thermo_dev_read(d, r, THERMO_SENSOR_MAX, n, TIMEOUT);
}

static void test_series(void **state)
{
	struct fixture *fx = *state;
	struct thermo_dev *d = open_sim(fx,
					"# fridge 2 warms up\n"
					"10     5.0\n"
					"25m    9.5   # above 8 °C\n"
					"1h05m  10.25\n"
					"  1h15m\t6\n",
					"fridge-2");
	static const struct {
		int64_t t;
		int rc, centi;
	} cases[] = {
	    {0, DRV_ETIMEOUT, 0}, /* nothing scripted yet */
	    {9, DRV_ETIMEOUT, 0}, {10, DRV_OK, 500},	 {1499, DRV_OK, 500},
	    {1500, DRV_OK, 950},  {3899, DRV_OK, 950},	 {3900, DRV_OK, 1025},
	    {4500, DRV_OK, 600},  {999999, DRV_OK, 600}, /* the last entry holds */
	    {1500, DRV_OK, 950},			 /* the clock may go back */
	};
	assert_string_equal(thermo_dev_name(d), "fridge-2");
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct thermo_reading r[THERMO_SENSOR_MAX];
		size_t n = 42;
		assert_int_equal(read_at(fx, d, cases[i].t, r, &n), cases[i].rc);
		if (cases[i].rc != DRV_OK) {
			assert_int_equal(n, 42);
			continue;
		}
		assert_int_equal(n, 1);
		assert_int_equal(r[0].status, DRV_OK);
		assert_int_equal(r[0].centi_c, cases[i].centi);
	}
	thermo_dev_free(d);
}

/* Values go through the stick's 1/256 °C and its decoder. */
static void test_values(void **state)
{
	struct fixture *fx = *state;
	static const struct {
		const char *value;
		int status, centi;
		int16_t raw;
	} cases[] = {
	    {"4.5", DRV_OK, 450, 1152},		{"-0.5", DRV_OK, -50, -128},
	    {"-20", DRV_OK, -2000, -5120},	{"0", DRV_OK, 0, 0},
	    {"+2.0625", DRV_OK, 206, 528},	/* 206.25 */
	    {"9.53", DRV_OK, 953, 2440},	/* 2439.68 -> 2440 = 9.53125 */
	    {"-0.001", DRV_OK, 0, 0},		/* below the stick's resolution */
	    {"-0.002", DRV_OK, 0, -1},		/* half a step rounds away */
	    {"-40", DRV_OK, -4000, -10240},	/* lowest plausible */
	    {"-45", DRV_EPROTO, 0, -11520},	/* a broken probe */
	    {"90", DRV_EPROTO, 0, 23040},	/* implausible */
	    {"none", DRV_ENOTFOUND, 0, 0x4E20}, /* no sensor */
	    {"-128", DRV_EPROTO, 0, INT16_MIN}, /* the report's limit */
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char text[64];
		snprintf(text, sizeof(text), "0 %s\n", cases[i].value);
		struct thermo_dev *d = open_sim(fx, text, "f");
		struct thermo_reading r[THERMO_SENSOR_MAX];
		size_t n = 0;
		assert_int_equal(read_at(fx, d, 0, r, &n), DRV_OK);
		assert_int_equal(n, 1);
		assert_int_equal(r[0].status, cases[i].status);
		assert_int_equal(r[0].raw, cases[i].raw);
		if (cases[i].status == DRV_OK)
			assert_int_equal(r[0].centi_c, cases[i].centi);
		thermo_dev_free(d);
	}
}

/* Sections are fridges: open one by name, or all in file order. */
static const char two_fridges[] = "[fridge-1]\n"
				  "0   4.0\n"
				  "1h  4.2\n"
				  "\n"
				  "[fridge-2]   # with a probe in the freezer compartment\n"
				  "0   5.0  -18.5\n"
				  "30m 9.5  none\n"
				  "40m unplug\n"
				  "50m silent\n"
				  "60m 6.0  -19\n";

static void test_sections(void **state)
{
	struct fixture *fx = *state;
	struct thermo_dev *d = open_sim(fx, two_fridges, "fridge-2");
	struct thermo_reading r[THERMO_SENSOR_MAX];
	size_t n = 0;

	assert_int_equal(read_at(fx, d, 0, r, &n), DRV_OK);
	assert_int_equal(n, 2);
	assert_int_equal(r[0].centi_c, 500);
	assert_int_equal(r[1].sensor, 1);
	assert_int_equal(r[1].centi_c, -1850);

	assert_int_equal(read_at(fx, d, 1800, r, &n), DRV_OK);
	assert_int_equal(n, 2);
	assert_int_equal(r[0].centi_c, 950);
	assert_int_equal(r[1].status, DRV_ENOTFOUND);

	n = 7;
	assert_int_equal(read_at(fx, d, 2400, r, &n), DRV_ENODEV);
	assert_int_equal(read_at(fx, d, 3000, r, &n), DRV_ETIMEOUT);
	assert_int_equal(n, 7);
	assert_int_equal(read_at(fx, d, 3600, r, &n), DRV_OK);
	assert_int_equal(r[1].centi_c, -1900);

	/* cap 1: the stick's own sensor only */
	assert_int_equal(thermo_dev_read(d, r, 1, &n, TIMEOUT), DRV_OK);
	assert_int_equal(n, 1);
	assert_int_equal(r[0].centi_c, 600);
	thermo_dev_free(d);

	d = open_sim(fx, two_fridges, "fridge-1");
	assert_int_equal(read_at(fx, d, 3600, r, &n), DRV_OK);
	assert_int_equal(n, 1);
	assert_int_equal(r[0].centi_c, 420);
	thermo_dev_free(d);

	struct thermo_dev *none = (struct thermo_dev *)&n;
	assert_int_equal(sim_thermo_open(fx->path, "fridge-3", test_clock, &fx->now, &none),
			 DRV_ENOTFOUND);
	assert_ptr_equal(none, (struct thermo_dev *)&n);
}

static void test_open_all(void **state)
{
	struct fixture *fx = *state;
	struct thermo_dev *devs[4] = {NULL};
	struct thermo_reading r[THERMO_SENSOR_MAX];
	size_t n = 0, nr = 0;
	script(fx, two_fridges);
	assert_int_equal(sim_thermo_open_all(fx->path, test_clock, &fx->now, devs, 4, &n), DRV_OK);
	assert_int_equal(n, 2);
	assert_string_equal(thermo_dev_name(devs[0]), "fridge-1");
	assert_string_equal(thermo_dev_name(devs[1]), "fridge-2");
	fx->now = 0;
	assert_int_equal(thermo_dev_read(devs[0], r, THERMO_SENSOR_MAX, &nr, TIMEOUT), DRV_OK);
	assert_int_equal(r[0].centi_c, 400);
	assert_int_equal(thermo_dev_read(devs[1], r, THERMO_SENSOR_MAX, &nr, TIMEOUT), DRV_OK);
	assert_int_equal(r[0].centi_c, 500);
	thermo_dev_free(devs[0]);
	thermo_dev_free(devs[1]);

	/* cap bounds it */
	assert_int_equal(sim_thermo_open_all(fx->path, test_clock, &fx->now, devs, 1, &n), DRV_OK);
	assert_int_equal(n, 1);
	thermo_dev_free(devs[0]);

	/* a file without sections names no fridge */
	n = 9;
	script(fx, "0 4.0\n");
	assert_int_equal(sim_thermo_open_all(fx->path, test_clock, &fx->now, devs, 4, &n),
			 DRV_EINVAL);
	assert_int_equal(n, 9);
	/* one bad section fails the lot */
	script(fx, "[a]\n0 4\n[b]\n0 4 x\n");
	assert_int_equal(sim_thermo_open_all(fx->path, test_clock, &fx->now, devs, 4, &n),
			 DRV_EINVAL);
	assert_int_equal(n, 9);
}

static void test_malformed(void **state)
{
	struct fixture *fx = *state;
	static const char *const bad[] = {
	    "",						   /* no temperatures */
	    "# only a comment\n",			   /* no temperatures */
	    "0 unplug\n",				   /* no temperatures */
	    "10m 4.0\n5m 4.0\n",			   /* offsets go back */
	    "0 4,5\n",					   /* decimal comma */
	    "0 4.12345\n",				   /* 5 decimals */
	    "0 4.\n",					   /* no decimals after the point */
	    "0 .5\n",					   /* no integer part */
	    "0 128\n",					   /* beyond a report's range */
	    "0 4.0\n10 4.0 5.0\n",			   /* column count changes */
	    "0 1 2 3 4\n",				   /* four sensors */
	    "0\n",					   /* no value */
	    "0 warm\n",					   /* junk */
	    "10x 4.0\n",				   /* bad unit */
	    "m 4.0\n",					   /* unit without a number */
	    "1234567890 4.0\n",				   /* too many digits */
	    "9000h 4.0\n",				   /* beyond a year */
	    "0 unplug now\n0 4\n",			   /* words after an event */
	    "0 4.0 unplug\n",				   /* an event after a value */
	    "[f\n0 4.0\n",				   /* unterminated section */
	    "[]\n0 4.0\n",				   /* empty name */
	    "[f]\n0 4\n[f]\n0 5\n",			   /* a fridge twice */
	    "0 4\n[f]\n0 5\n",				   /* entries outside any section */
	    "[0123456789012345678901234567890123]\n0 4\n", /* name too long */
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct thermo_dev *d = NULL;
		int rc = sim_thermo_open(script(fx, bad[i]), "f", test_clock, &fx->now, &d);
		if (rc != DRV_EINVAL)
			fail_msg("script %zu (%s): rc %d", i, bad[i], rc);
		assert_null(d);
	}

	/* a line over 255 bytes */
	char line[400];
	memset(line, ' ', sizeof(line));
	memcpy(line, "0 4.0", 5);
	line[sizeof(line) - 2] = '\n';
	line[sizeof(line) - 1] = '\0';
	struct thermo_dev *d = NULL;
	assert_int_equal(sim_thermo_open(script(fx, line), "f", test_clock, &fx->now, &d),
			 DRV_EINVAL);
	/* 255 bytes is fine */
	line[254] = '\n';
	line[255] = '\0';
	assert_int_equal(sim_thermo_open(script(fx, line), "f", test_clock, &fx->now, &d), DRV_OK);
	thermo_dev_free(d);
}

static void test_limits(void **state)
{
	struct fixture *fx = *state;
	struct thermo_dev *d = NULL;
	/* 4096 entries a fridge, not one more */
	size_t cap = 4097 * 16 + 1;
	char *text = malloc(cap);
	assert_non_null(text);
	size_t len = 0;
	for (int i = 0; i < 4096; i++)
		len += (size_t)snprintf(text + len, cap - len, "%d 4.0\n", i);
	assert_int_equal(sim_thermo_open(script(fx, text), "f", test_clock, &fx->now, &d), DRV_OK);
	thermo_dev_free(d);
	d = NULL;
	snprintf(text + len, cap - len, "5000 4.0\n");
	assert_int_equal(sim_thermo_open(script(fx, text), "f", test_clock, &fx->now, &d),
			 DRV_EINVAL);
	free(text);

	/* names and files */
	assert_int_equal(sim_thermo_open("/nonexistent/vb/fridges.txt", "f", NULL, NULL, &d),
			 DRV_ENOTFOUND);
	script(fx, "0 4.0\n");
	assert_int_equal(sim_thermo_open(fx->path, "", NULL, NULL, &d), DRV_EINVAL);
	assert_int_equal(
	    sim_thermo_open(fx->path, "0123456789012345678901234567890123", NULL, NULL, &d),
	    DRV_EINVAL);
	assert_null(d);

	/* bad read arguments */
	d = open_sim(fx, "0 4.0\n", "f");
	struct thermo_reading r[THERMO_SENSOR_MAX];
	size_t n = 3;
	assert_int_equal(thermo_dev_read(d, r, 0, &n, TIMEOUT), DRV_EINVAL);
	assert_int_equal(thermo_dev_read(d, r, THERMO_SENSOR_MAX, &n, 0), DRV_EINVAL);
	assert_int_equal(n, 3);
	thermo_dev_free(d);
	thermo_dev_free(NULL);
}

/* Without a clock the script runs from the moment it was opened. */
static void test_monotonic_clock(void **state)
{
	struct fixture *fx = *state;
	struct thermo_dev *d = NULL;
	struct thermo_reading r[THERMO_SENSOR_MAX];
	size_t n = 0;
	assert_int_equal(sim_thermo_open(script(fx, "0 3.5\n1h 9.9\n"), "f", NULL, NULL, &d),
			 DRV_OK);
	assert_int_equal(thermo_dev_read(d, r, THERMO_SENSOR_MAX, &n, TIMEOUT), DRV_OK);
	assert_int_equal(r[0].centi_c, 350);
	thermo_dev_free(d);

	assert_int_equal(sim_thermo_open(script(fx, "1h 9.9\n"), "f", NULL, NULL, &d), DRV_OK);
	assert_int_equal(thermo_dev_read(d, r, THERMO_SENSOR_MAX, &n, TIMEOUT), DRV_ETIMEOUT);
	thermo_dev_free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_series, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_values, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_sections, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_open_all, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_malformed, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_limits, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_monotonic_clock, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
