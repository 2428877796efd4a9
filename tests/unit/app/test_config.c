/* The configuration file: defaults, every key, and each kind of bad line
 * refused with file:line: key: reason. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "config.h"
#include "vb_error.h"
#include "visit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char path[64];

static void write_file(const char *text)
{
	snprintf(path, sizeof(path), "/tmp/vbconf-XXXXXX");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

static size_t n_role(const struct config *c, const char *role)
{
	size_t n = 0;
	for (size_t i = 0; i < c->n_matches; i++)
		n += strcmp(c->matches[i].role, role) == 0;
	return n;
}

/* The nth match of role (the test fails when there is none). */
static const struct usb_match *match_of(const struct config *c, const char *role, size_t nth)
{
	static const struct usb_match none;
	for (size_t i = 0; i < c->n_matches; i++)
		if (strcmp(c->matches[i].role, role) == 0 && nth-- == 0)
			return &c->matches[i];
	fail_msg("no match %zu for %s", nth, role);
	return &none; /* not reached */
}

static void test_defaults_without_file(void **state)
{
	(void)state;
	struct config c;
	char err[200];
	unsetenv("VAXBUS_CONF");
	/* The default path is absent on test machines; a missing default is fine. */
	if (access(CONFIG_DEFAULT_PATH, F_OK) == 0)
		skip();
	assert_int_equal(config_load(NULL, &c, err, sizeof(err)), VB_OK);
	assert_int_equal(c.sim, 0);
	assert_int_equal(c.paper_dots, 384);
	assert_int_equal(c.observation_min, VISIT_OBSERVATION_DEFAULT_MIN);
	const struct usb_match *m = match_of(&c, "idcard", 0);
	assert_int_equal(m->vid, 0x0400);
	assert_int_equal(m->pid, 0xc35a);
	m = match_of(&c, "thermo", 0);
	assert_int_equal(m->iface, 1);
	m = match_of(&c, "scanner", 0);
	assert_int_equal(m->iface_class, 3);
	assert_string_equal(config_fridge_of(&c, "1-2"), "1-2");
}

static void test_every_key(void **state)
{
	(void)state;
	struct config c;
	char err[200];
	write_file("; the bus\n[devices]\nmode = sim\nidcard = 1234:abcd\n"
		   "printer = class:7/1/2, 0416:5011@0\nscanner = class:3/*/*\n"
		   "[sim]\ncards = /c\nscans = /s\ntemps = /t\nprinter = /p\n"
		   "[printer]\npaper_mm = 80\n[scanner]\ngs_substitute = ~\n"
		   "[display]\nfont = /f.ttc\nfont_index = 3\n"
		   "[fridges]\n1-2.3 = fridge-1\n1-2.4 = fridge-2\n"
		   "[kiosk]\nobservation_min = 15\n");
	assert_int_equal(config_load(path, &c, err, sizeof(err)), VB_OK);
	unlink(path);
	assert_int_equal(c.sim, 1);
	const struct usb_match *m = match_of(&c, "idcard", 0);
	assert_int_equal(m->vid, 0x1234);
	assert_int_equal(m->pid, 0xabcd);
	assert_int_equal(n_role(&c, "idcard"), 1); /* the defaults were replaced */
	m = match_of(&c, "printer", 0);
	assert_int_equal(m->iface_class, 7);
	assert_int_equal(m->iface_protocol, 2);
	m = match_of(&c, "printer", 1);
	assert_int_equal(m->vid, 0x0416);
	assert_int_equal(m->iface, 0);
	m = match_of(&c, "scanner", 0);
	assert_int_equal(m->iface_class, 3);
	assert_int_equal(m->iface_subclass, -1);
	assert_int_equal(n_role(&c, "thermo"), 1); /* untouched role keeps its default */
	assert_string_equal(c.sim_cards, "/c");
	assert_string_equal(c.sim_printer, "/p");
	assert_int_equal(c.paper_dots, 576);
	assert_int_equal(c.gs_substitute, '~');
	assert_string_equal(c.font, "/f.ttc");
	assert_int_equal(c.font_index, 3);
	assert_string_equal(config_fridge_of(&c, "1-2.4"), "fridge-2");
	assert_int_equal(c.observation_min, 15);
}

static void test_sync_keys(void **state)
{
	(void)state;
	struct config c;
	char err[200];
	write_file("[identifiers]\ncn-resident = urn:oid:2.16.156\nbase = https://p.example/\n"
		   "[sync]\nurl = https://fhir.example/R4\nmode = transaction\nbundle_size = 8\n"
		   "timeout_s = 30\nconnect_timeout_s = 5\nbackoff_min_s = 1\n"
		   "backoff_max_s = 600\ngzip = no\nauth = client_credentials\n"
		   "token_url = https://auth.example/token\nclient_id = bus-7\n"
		   "client_secret = s3cret\nca_file = /etc/ca.pem\n");
	assert_int_equal(config_load(path, &c, err, sizeof(err)), VB_OK);
	unlink(path);
	const struct sync_options *o = &c.sync;
	assert_string_equal(o->url, "https://fhir.example/R4");
	assert_int_equal(o->mode, SYNC_MODE_TRANSACTION);
	assert_int_equal(o->bundle_size, 8);
	assert_int_equal(o->timeout_ms, 30000);
	assert_int_equal(o->connect_timeout_ms, 5000);
	assert_int_equal(o->backoff_min_ms, 1000);
	assert_int_equal(o->backoff_max_ms, 600000);
	assert_int_equal(o->gzip, 0);
	assert_int_equal(o->auth, SYNC_AUTH_CLIENT_CREDENTIALS);
	assert_string_equal(o->token_url, "https://auth.example/token");
	assert_string_equal(o->client_id, "bus-7");
	assert_string_equal(o->client_secret, "s3cret");
	assert_string_equal(o->ca_file, "/etc/ca.pem");
	/* The document system given before base stays; the rest follow base. */
	assert_string_equal(o->systems.doc[IDDOC_CN_RESIDENT], "urn:oid:2.16.156");
	assert_string_equal(o->systems.doc[IDDOC_PASSPORT], "https://p.example/id/passport");
	assert_string_equal(o->systems.record, "https://p.example/record");

	/* Sync is off by default. */
	config_defaults(&c);
	assert_string_equal(c.sync.url, "");
	assert_int_equal(c.sync.mode, SYNC_MODE_BATCH);
}

static void test_bad_lines(void **state)
{
	(void)state;
	static const struct {
		const char *text, *error;
	} rows[] = {
	    {"[devices]\nmode = bluetooth\n", ":2: mode: want usb or sim"},
	    {"[devices]\nidcard = 12345:1\n", ":2: idcard: want VID:PID"},
	    {"[devices]\nidcard = 0400:c35a@99\n", ":2: idcard: want VID:PID"},
	    {"[devices]\nprinter = class:700/1/2\n", ":2: printer: want VID:PID"},
	    {"[devices]\ncamera = 1:2\n", ":2: camera: unknown key in this section"},
	    {"[weather]\nsun = yes\n", ":2: sun: unknown key in this section"},
	    {"[printer]\npaper_mm = 57\n", ":2: paper_mm: want 58 or 80"},
	    {"[scanner]\ngs_substitute = ab\n", ":2: gs_substitute: want one printable"},
	    {"[display]\nfont_index = x\n", ":2: font_index: want a whole number 0-15"},
	    {"[kiosk]\nobservation_min = 4\n", ":2: observation_min: want a whole number 5-120"},
	    {"[kiosk]\nobservation_min = 30m\n", ":2: observation_min: want a whole number"},
	    {"[fridges]\n1-2 = a-fridge-name-too-long\n", ":2: 1-2: want PORT = FRIDGE"},
	    {"[sim]\ncards =\n", ":2: cards: want a path"},
	    {"[sync]\nurl = ftp://x\n", ":2: url: want an http:// or https:// URL"},
	    {"[sync]\nmode = stream\n", ":2: mode: want batch or transaction"},
	    {"[sync]\nbundle_size = 0\n", ":2: bundle_size: want a whole number 1-500"},
	    {"[sync]\ngzip = maybe\n", ":2: gzip: want yes or no"},
	    {"[sync]\nauth = basic\n", ":2: auth: want none, bearer or client_credentials"},
	    {"[sync]\nproxy = x\n", ":2: proxy: unknown key in this section"},
	    {"[identifiers]\nbase = nope\n", ":2: base: want a URI ending in / or :"},
	    {"[identifiers]\nlibrary-card = x:\n", ":2: library-card: want base or a document"},
	    {"[identifiers]\npassport = a b\n", ":2: passport: want a URI without spaces"},
	    {"[devices]\nmode usb\n", ":2: not an INI line"},
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct config c = {.paper_dots = 7};
		char err[200];
		write_file(rows[i].text);
		assert_int_equal(config_load(path, &c, err, sizeof(err)), VB_EINVAL);
		unlink(path);
		if (!strstr(err, rows[i].error))
			fail_msg("row %zu: '%s' lacks '%s'", i, err, rows[i].error);
		assert_non_null(strstr(err, path));
		assert_int_equal(c.paper_dots, 7); /* untouched on failure */
	}
}

/* The documented file in packaging/ is itself a valid configuration, and
 * its values are the built-in defaults where the two overlap. */
static void test_shipped_file(void **state)
{
	(void)state;
	struct config c, d;
	char err[200];
	assert_int_equal(
	    config_load(VB_ASSETS_DIR "/../packaging/vaxbus.conf", &c, err, sizeof(err)), VB_OK);
	config_defaults(&d);
	assert_int_equal(c.sim, d.sim);
	assert_int_equal(c.n_matches, d.n_matches);
	for (size_t i = 0; i < d.n_matches; i++) {
		size_t k = 0;
		while (k < c.n_matches &&
		       memcmp(&c.matches[k], &d.matches[i], sizeof(d.matches[i])))
			k++;
		if (k == c.n_matches)
			fail_msg("default match %zu (%s) is not in the shipped file", i,
				 d.matches[i].role);
	}
	assert_int_equal(c.paper_dots, d.paper_dots);
	assert_string_equal(c.font, d.font);
	assert_int_equal(c.font_index, d.font_index);
	assert_int_equal(c.observation_min, d.observation_min);
}

/* Every device the defaults name by VID:PID has a udev rule giving the
 * kiosk's group access to it. */
static void test_udev_rules_cover_defaults(void **state)
{
	(void)state;
	static char rules[8192];
	struct config d;
	FILE *f = fopen(VB_ASSETS_DIR "/../packaging/udev/70-vaxbus.rules", "r");
	assert_non_null(f);
	size_t n = fread(rules, 1, sizeof(rules) - 1, f);
	fclose(f);
	rules[n] = '\0';
	config_defaults(&d);
	for (size_t i = 0; i < d.n_matches; i++) {
		char want[96];
		if (!d.matches[i].vid)
			continue;
		snprintf(want, sizeof(want), "ATTR{idVendor}==\"%04x\", ATTR{idProduct}==\"%04x\"",
			 d.matches[i].vid, d.matches[i].pid);
		if (!strstr(rules, want))
			fail_msg("no udev rule for %s %04x:%04x", d.matches[i].role,
				 d.matches[i].vid, d.matches[i].pid);
	}
}

static void test_missing_explicit_file(void **state)
{
	(void)state;
	struct config c;
	char err[200];
	assert_int_equal(config_load("/nonexistent/vaxbus.conf", &c, err, sizeof(err)), VB_EINVAL);
	assert_non_null(strstr(err, "/nonexistent/vaxbus.conf"));
	setenv("VAXBUS_CONF", "/nonexistent/other.conf", 1);
	assert_int_equal(config_load(NULL, &c, err, sizeof(err)), VB_EINVAL);
	unsetenv("VAXBUS_CONF");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_defaults_without_file),
	    cmocka_unit_test(test_every_key),
	    cmocka_unit_test(test_sync_keys),
	    cmocka_unit_test(test_bad_lines),
	    cmocka_unit_test(test_shipped_file),
	    cmocka_unit_test(test_udev_rules_cover_defaults),
	    cmocka_unit_test(test_missing_explicit_file),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
