/*
 * The simulated ID card reader: entries read in order and round again,
 * no card / removed / busy entries with the real reader's results and
 * reasons, values delivered as the real driver would (padding trimmed),
 * and every kind of malformed file refused.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "idcard.h"
#include "sim_idcard.h"

struct dir {
	char path[64];
	char file[96];
};

static int setup(void **state)
{
	struct dir *d = test_calloc(1, sizeof(*d));
	strcpy(d->path, "/tmp/vb_sim_idcard_XXXXXX");
	if (!mkdtemp(d->path))
		return -1;
	snprintf(d->file, sizeof(d->file), "%s/cards.txt", d->path);
	*state = d;
	return 0;
}

static int teardown(void **state)
{
	struct dir *d = *state;
	remove(d->file);
	rmdir(d->path);
	test_free(d);
	return 0;
}

static const char *write_file(void **state, const char *text, size_t n)
{
	struct dir *d = *state;
	FILE *f = fopen(d->file, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, n, f), n);
	assert_int_equal(fclose(f), 0);
	return d->file;
}

static struct idcard_reader *open_text(void **state, const char *text)
{
	struct idcard_reader *r = NULL;
	assert_int_equal(sim_idcard_open(write_file(state, text, strlen(text)), &r), DRV_OK);
	assert_non_null(r);
	return r;
}

static const char cards[] = "# two people, with gaps between them\n"
			    "name=张三\n"
			    "sex=1\n"
			    "nation=01\n"
			    "birth=19900307\n"
			    "address=北京市东城区景山前街4号\n"
			    "id=11010119900307001X\n"
			    "authority=北京市公安局东城分局\n"
			    "valid_from=20150101\n"
			    "valid_to=20350101\n"
			    "\n"
			    "nocard\n"
			    "\n\n"
			    "name=李四  \r\n"
			    "# a comment inside an entry\r\n"
			    "sex=2\r\n"
			    "address=a=b\r\n"
			    "valid_to=长期\r\n"
			    "\n"
			    "removed\n"
			    "\n"
			    "busy"; /* no newline at the end */

static void test_entries_in_order(void **state)
{
	struct idcard_reader *r = open_text(state, cards);
	struct idcard_card c, sentinel;
	for (int round = 0; round < 2; round++) {
		assert_int_equal(idcard_reader_read(r, &c, 1000), DRV_OK);
		assert_int_equal(idcard_reader_status(r)->why, IDCARD_WHY_NONE);
		assert_string_equal(c.name, "张三");
		assert_string_equal(c.sex, "1");
		assert_string_equal(c.nation, "01");
		assert_string_equal(c.birth, "19900307");
		assert_string_equal(c.address, "北京市东城区景山前街4号");
		assert_string_equal(c.id, "11010119900307001X");
		assert_string_equal(c.authority, "北京市公安局东城分局");
		assert_string_equal(c.valid_from, "20150101");
		assert_string_equal(c.valid_to, "20350101");

		memset(&c, 0x42, sizeof(c));
		sentinel = c;
		assert_int_equal(idcard_reader_read(r, &c, 0), DRV_ENOTFOUND);
		assert_int_equal(idcard_reader_status(r)->why, IDCARD_WHY_NO_CARD);
		assert_memory_equal(&c, &sentinel, sizeof(c));

		assert_int_equal(idcard_reader_read(r, &c, 0), DRV_OK);
		assert_string_equal(c.name, "李四"); /* trailing spaces trimmed */
		assert_string_equal(c.sex, "2");
		assert_string_equal(c.address, "a=b");
		assert_string_equal(c.valid_to, "长期");
		assert_string_equal(c.id, ""); /* missing keys are empty */
		assert_string_equal(c.birth, "");

		memset(&c, 0x42, sizeof(c));
		assert_int_equal(idcard_reader_read(r, &c, 0), DRV_EIO);
		assert_int_equal(idcard_reader_status(r)->why, IDCARD_WHY_REMOVED);
		assert_int_equal(idcard_reader_status(r)->step, IDCARD_STEP_READ);
		assert_memory_equal(&c, &sentinel, sizeof(c));

		assert_int_equal(idcard_reader_read(r, &c, 0), DRV_EBUSY);
		assert_int_equal(idcard_reader_status(r)->why, IDCARD_WHY_BUSY);
		assert_memory_equal(&c, &sentinel, sizeof(c));
	}
	assert_int_equal(idcard_reader_read(r, NULL, 0), DRV_EINVAL);
	assert_int_equal(idcard_reader_read(r, &c, -5), DRV_EINVAL);
	idcard_card_wipe(&c);
	idcard_reader_free(r);
}

static void test_empty_file_has_no_card(void **state)
{
	static const char *const empties[] = {"", "\n\n", "# only a comment\n", "  \n\t\n"};
	for (size_t i = 0; i < sizeof(empties) / sizeof(empties[0]); i++) {
		struct idcard_reader *r = open_text(state, empties[i]);
		struct idcard_card c;
		for (int k = 0; k < 3; k++) {
			assert_int_equal(idcard_reader_read(r, &c, 0), DRV_ENOTFOUND);
			assert_int_equal(idcard_reader_status(r)->why, IDCARD_WHY_NO_CARD);
		}
		idcard_reader_free(r);
	}
}

static void test_malformed_files(void **state)
{
	static const char *const bad[] = {
	    "nmae=张三\n",			       /* unknown key */
	    "name=张三\nname=李四\n",		       /* duplicate key */
	    "nocard\nname=张三\n",		       /* a word, then keys */
	    "name=张三\nnocard\n",		       /* keys, then a word */
	    "nocard\nremoved\n",		       /* two words in one entry */
	    "eject\n",				       /* unknown word */
	    "nocard \n",			       /* a word with a space */
	    "name=一二三四五六七八九十一二三四五六\n", /* 16 units: too long */
	    "name=\xE4\xB8\n",			       /* truncated UTF-8 */
	    "name=\xC0\x80\n",			       /* overlong */
	    "address=a\tb\n",			       /* a control character */
	    "sex=男\n",				       /* not ASCII */
	    "valid_from=长期\n",		       /* 长期 only for valid_to */
	    "birth=199003071\n",		       /* 9 chars, 8 fit */
	    "=x\n",				       /* no key */
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct idcard_reader *r = (struct idcard_reader *)0x1;
		assert_int_equal(sim_idcard_open(write_file(state, bad[i], strlen(bad[i])), &r),
				 DRV_EINVAL);
		assert_ptr_equal(r, (struct idcard_reader *)0x1); /* untouched */
	}
}

static void test_line_length(void **state)
{
	/* a line of exactly SIM_IDCARD_LINE_MAX bytes with its newline is
	 * read; one byte more is refused */
	static char text[SIM_IDCARD_LINE_MAX + 16];
	struct idcard_reader *r = NULL;
	size_t n = 0;
	n += (size_t)sprintf(text, "# ");
	while (n < SIM_IDCARD_LINE_MAX - 1)
		text[n++] = 'x';
	text[n++] = '\n';
	memcpy(text + n, "nocard\n", 7);
	assert_int_equal(sim_idcard_open(write_file(state, text, n + 7), &r), DRV_OK);
	idcard_reader_free(r);
	memmove(text + 3, text + 2, n + 7 - 2);
	text[2] = 'x';
	r = NULL;
	assert_int_equal(sim_idcard_open(write_file(state, text, n + 8), &r), DRV_EINVAL);
	assert_null(r);
	/* the same long line at the very end, without a newline */
	assert_int_equal(sim_idcard_open(write_file(state, text, SIM_IDCARD_LINE_MAX), &r), DRV_OK);
	idcard_reader_free(r);
}

static void test_entry_limit(void **state)
{
	size_t n = SIM_IDCARD_ENTRY_MAX + 1;
	char *text = test_malloc(n * 8 + 1);
	for (size_t i = 0; i < n; i++)
		memcpy(text + 8 * i, "nocard\n\n", 8);
	struct idcard_reader *r = NULL;
	assert_int_equal(sim_idcard_open(write_file(state, text, 8 * (n - 1)), &r), DRV_OK);
	idcard_reader_free(r);
	r = NULL;
	assert_int_equal(sim_idcard_open(write_file(state, text, 8 * n), &r), DRV_EINVAL);
	assert_null(r);
	test_free(text);
}

static void test_open_errors(void **state)
{
	struct dir *d = *state;
	struct idcard_reader *r = NULL;
	char missing[128];
	snprintf(missing, sizeof(missing), "%s/none.txt", d->path);
	assert_int_equal(sim_idcard_open(missing, &r), DRV_ENOTFOUND);
	assert_int_equal(sim_idcard_open(NULL, &r), DRV_EINVAL);
	assert_int_equal(sim_idcard_open(missing, NULL), DRV_EINVAL);
	if (geteuid() != 0) { /* root reads anything */
		write_file(state, "nocard\n", 7);
		assert_int_equal(chmod(d->file, 0), 0);
		assert_int_equal(sim_idcard_open(d->file, &r), DRV_EACCES);
	}
	assert_null(r);
	idcard_reader_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_entries_in_order, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_empty_file_has_no_card, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_malformed_files, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_line_length, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_entry_limit, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_open_errors, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
