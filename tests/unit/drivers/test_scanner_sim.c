/*
 * The simulated scanner (sim_scanner): the file format — scans, escapes,
 * comments, CRLF, directives — reading in turn and starting over, the
 * errors a malformed file gives, and a real file on disk.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "sim_scanner.h"

static struct scanner_dev *open_text(const char *text)
{
	struct scanner_dev *d = NULL;
	assert_int_equal(sim_scanner_open_mem(text, strlen(text), &d), DRV_OK);
	return d;
}

static void expect_scan(struct scanner_dev *d, const char *want, size_t n)
{
	char out[SCANNER_SCAN_MAX + 1];
	size_t len = 0;
	assert_int_equal(scanner_dev_read(d, out, sizeof(out), &len, 0), DRV_OK);
	assert_int_equal(len, n);
	assert_memory_equal(out, want, n);
	assert_int_equal(out[n], '\0');
}

static void expect_rc(struct scanner_dev *d, int rc)
{
	char out[8] = "same";
	size_t len = 3;
	assert_int_equal(scanner_dev_read(d, out, sizeof(out), &len, 0), rc);
	assert_string_equal(out, "same");
	assert_int_equal(len, 3);
}

static void test_format(void **state)
{
	(void)state;
	struct scanner_dev *d = open_text("# vaccine boxes\r\n"
					  "\n"
					  "]d20106901234567892\\x1d10LOT42\\x1D17211231\r\n"
					  "back\\\\slash\n"
					  "\\x23not a comment\n"
					  "\\x21timeout\n"
					  "!partial\n"
					  "!overflow\n"
					  "!unplug\n"
					  "!timeout\n"
					  "VBREG1|cn-resident|%E5%BC%A0|2|19491231|\n"
					  "\\xe5\\xbc\\xa0");
	expect_scan(d,
		    "]d20106901234567892\x1d"
		    "10LOT42\x1d"
		    "17211231",
		    36);
	expect_scan(d, "back\\slash", 10);
	expect_scan(d, "#not a comment", 14);
	expect_scan(d, "!timeout", 8);
	expect_rc(d, SCANNER_EPARTIAL);
	expect_rc(d, SCANNER_EOVERFLOW);
	expect_rc(d, DRV_ENODEV);
	expect_rc(d, DRV_ETIMEOUT);
	expect_scan(d, "VBREG1|cn-resident|%E5%BC%A0|2|19491231|", 40);
	expect_scan(d, "\xe5\xbc\xa0", 3);
	/* After the last entry, the first again. */
	expect_scan(d,
		    "]d20106901234567892\x1d"
		    "10LOT42\x1d"
		    "17211231",
		    36);
	/* A cap too small: the scan is lost like on the real device. */
	char small[4] = "abc";
	size_t len = 9;
	assert_int_equal(scanner_dev_read(d, small, sizeof(small), &len, 0), SCANNER_EOVERFLOW);
	assert_string_equal(small, "abc");
	assert_int_equal(len, 9);
	expect_scan(d, "#not a comment", 14);
	assert_int_equal(scanner_dev_read(d, NULL, 8, &len, 0), DRV_EINVAL);
	scanner_dev_free(d);
}

static void test_empty(void **state)
{
	(void)state;
	static const char *const texts[] = {"", "\n\n", "# only a comment\n\r\n"};
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		struct scanner_dev *d = open_text(texts[i]);
		expect_rc(d, DRV_ETIMEOUT);
		expect_rc(d, DRV_ETIMEOUT);
		scanner_dev_free(d);
	}
	struct scanner_dev *d = NULL;
	assert_int_equal(sim_scanner_open_mem(NULL, 0, &d), DRV_OK);
	expect_rc(d, DRV_ETIMEOUT);
	scanner_dev_free(d);
	scanner_dev_free(NULL);
}

static void test_malformed(void **state)
{
	(void)state;
	static const char *const bad[] = {
	    "ok\nbad \\q escape\n", "\\x1\n",	 "\\xg0\n",	"\\x00\n",
	    "trailing \\\n",	    "!reboot\n", "!partial \n", "!\n",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct scanner_dev *d = (struct scanner_dev *)&d;
		assert_int_equal(sim_scanner_open_mem(bad[i], strlen(bad[i]), &d), DRV_EINVAL);
		assert_ptr_equal(d, (struct scanner_dev *)&d);
	}
	struct scanner_dev *d = NULL;
	assert_int_equal(sim_scanner_open_mem("a\0b\n", 4, &d), DRV_EINVAL);
	assert_int_equal(sim_scanner_open_mem("x", 1, NULL), DRV_EINVAL);
	/* SCANNER_SCAN_MAX bytes fit a line, one more does not (escapes count
	 * as the byte they stand for). */
	static char line[SCANNER_SCAN_MAX * 4 + 8];
	memset(line, 'a', SCANNER_SCAN_MAX);
	assert_int_equal(sim_scanner_open_mem(line, SCANNER_SCAN_MAX, &d), DRV_OK);
	char *out = malloc(SCANNER_SCAN_MAX + 1);
	size_t len = 0;
	assert_int_equal(scanner_dev_read(d, out, SCANNER_SCAN_MAX + 1, &len, 0), DRV_OK);
	assert_int_equal(len, SCANNER_SCAN_MAX);
	free(out);
	scanner_dev_free(d);
	assert_int_equal(sim_scanner_open_mem(line, SCANNER_SCAN_MAX + 1, &d), DRV_EINVAL);
	for (size_t i = 0; i < SCANNER_SCAN_MAX; i++)
		memcpy(line + 4 * i, "\\x41", 4);
	assert_int_equal(sim_scanner_open_mem(line, SCANNER_SCAN_MAX * 4, &d), DRV_OK);
	scanner_dev_free(d);
	memcpy(line + SCANNER_SCAN_MAX * 4, "b", 1);
	assert_int_equal(sim_scanner_open_mem(line, SCANNER_SCAN_MAX * 4 + 1, &d), DRV_EINVAL);
	assert_int_equal(sim_scanner_open_mem(line, SIM_SCANNER_FILE_MAX + 1, &d), DRV_EINVAL);
}

static void test_file(void **state)
{
	(void)state;
	char path[] = "/tmp/vb_sim_scanner_XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	static const char text[] = "HC1:ABC\n0106901234567892\\x1d10X\n";
	assert_int_equal(write(fd, text, sizeof(text) - 1), (ssize_t)(sizeof(text) - 1));
	close(fd);
	struct scanner_dev *d = NULL;
	assert_int_equal(sim_scanner_open(path, &d), DRV_OK);
	expect_scan(d, "HC1:ABC", 7);
	expect_scan(d,
		    "0106901234567892\x1d"
		    "10X",
		    20);
	scanner_dev_free(d);
	unlink(path);
	assert_int_equal(sim_scanner_open(path, &d), DRV_ENOTFOUND);
	assert_int_equal(sim_scanner_open(NULL, &d), DRV_EINVAL);
	/* A file over the size limit. */
	memcpy(path + sizeof(path) - 7, "XXXXXX", 6);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, SIM_SCANNER_FILE_MAX + 1), 0);
	close(fd);
	assert_int_equal(sim_scanner_open(path, &d), DRV_EINVAL);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_format),
	    cmocka_unit_test(test_empty),
	    cmocka_unit_test(test_malformed),
	    cmocka_unit_test(test_file),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
