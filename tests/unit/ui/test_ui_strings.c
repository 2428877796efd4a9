/* String tables: lookups in both languages, a missing key shows as
 * itself, escapes, the shipped tables pass ui_strings_check, and the
 * check (or ui_open) catches each kind of broken table, written to a
 * scratch folder. */
#include "ui_test.h"

static void test_lookup(void **state)
{
	(void)state;
	struct ui *u = ui_test_open(800, 480);
	assert_string_equal(ui_str(u, "ui.key.DEL"), "删除");
	assert_string_equal(ui_str_lang(u, UI_EN, "ui.key.DEL"), "Delete");
	assert_string_equal(ui_str_lang(u, UI_ZH, "ticket.number"), "您的号码：{ticket}");
	/* "\n" in a table is a line break. */
	assert_non_null(strchr(ui_str_lang(u, UI_EN, "ticket.wait"), '\n'));
	assert_null(strchr(ui_str_lang(u, UI_EN, "ticket.wait"), '\\'));
	/* A missing key gives the key itself, the caller's pointer. */
	const char *key = "no.such.key";
	assert_ptr_equal(ui_str(u, key), key);
	assert_ptr_equal(ui_str_lang(u, UI_EN, key), key);
	assert_string_equal(ui_str(u, NULL), "");
	assert_null(ui_str_find(u, UI_ZH, key));
	/* The shipped tables are complete. */
	char why[256] = "";
	if (ui_strings_check(u, why, sizeof(why)) != 0)
		fail_msg("shipped tables: %s", why);
	ui_close(u);
}

/* Opens a ui on the two tables given; NULL (with why) if ui_open fails. */
static struct ui *open_tables(const char *zh, const char *en, char *why, size_t cap)
{
	char dir[256];
	ui_test_tmpdir(dir, sizeof(dir));
	ui_test_write(dir, "zh_CN.tsv", zh);
	ui_test_write(dir, "en.tsv", en);
	struct ui_options o = ui_test_options(320, 240);
	o.strings_dir = dir;
	struct ui *u = NULL;
	if (ui_open(&o, &u, why, cap) != 0)
		u = NULL;
	ui_test_rmdir(dir);
	return u;
}

static void test_check(void **state)
{
	(void)state;
	static const struct {
		const char *zh, *en, *why; /* why: NULL for a good pair */
	} cases[] = {
	    {"# c\n\na\t甲\nb\t乙 {n}\n", "a\tA\r\nb\tB {n}\n", NULL},
	    {"\xEF\xBB\xBF"
	     "a\t甲\n",
	     "a\tA", NULL}, /* BOM, no final newline */
	    {"a\t甲\nb\t乙\n", "a\tA\n", "en.tsv: b (zh_CN.tsv:2) is missing"},
	    {"a\t甲\n", "a\tA\nc\tC\n", "zh_CN.tsv: c (en.tsv:2) is missing"},
	    {"a\t甲\nb\t\n", "a\tA\nb\tB\n", "zh_CN.tsv:2: b has empty text"},
	    {"a\t甲\n", "a\t\n", "en.tsv:1: a has empty text"},
	    {"a\t{n}号\n", "a\tNumber {m}\n", "zh_CN.tsv:1: a has {n}, missing from en.tsv:1"},
	    {"a\t号\n", "a\tNumber {n}\n", "en.tsv:1: a has {n}, missing from zh_CN.tsv:1"},
	    {"a\t{n}{x}号\n", "a\t{x} {n}\n", NULL},
	    {"a\t{ not a placeholder }\n", "a\tbraces {}\n", NULL},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char why[256] = "";
		struct ui *u = open_tables(cases[i].zh, cases[i].en, why, sizeof(why));
		if (!u)
			fail_msg("case %zu: ui_open: %s", i, why);
		int rc = ui_strings_check(u, why, sizeof(why));
		if (cases[i].why) {
			assert_int_equal(rc, -1);
			assert_string_equal(why, cases[i].why);
		} else if (rc != 0) {
			fail_msg("case %zu: %s", i, why);
		}
		ui_close(u);
	}
}

static void test_malformed(void **state)
{
	(void)state;
	static const struct {
		const char *zh, *why;
	} cases[] = {
	    {"a\t甲\nno tab here\n", "zh_CN.tsv:2: no TAB between key and text"},
	    {"a b\t甲\n", "zh_CN.tsv:1: bad key (letters, digits, '.', '_', '-')"},
	    {"\t甲\n", "zh_CN.tsv:1: bad key (letters, digits, '.', '_', '-')"},
	    {"a\t甲\\q\n", "zh_CN.tsv:1: unknown escape (use \\n, \\t or \\\\)"},
	    {"a\t甲\n# x\nb\t乙\na\t又\n", "zh_CN.tsv:4: key a again (first on line 1)"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char why[256] = "";
		struct ui *u = open_tables(cases[i].zh, "a\tA\n", why, sizeof(why));
		assert_null(u);
		assert_string_equal(why, cases[i].why);
	}
	/* Escapes that are allowed. */
	char why[256] = "";
	struct ui *u = open_tables("a\t一\\n二\\t三\\\\四\n", "a\tA\n", why, sizeof(why));
	if (!u)
		fail_msg("ui_open: %s", why);
	assert_string_equal(ui_str(u, "a"), "一\n二\t三\\四");
	ui_close(u);
}

int main(void)
{
	ui_test_env();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_lookup),
	    cmocka_unit_test(test_check),
	    cmocka_unit_test(test_malformed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
