/*
 * pinyin: syllables to ICAO form, loading Unihan files (plain and bzip2,
 * refusals), and names split and transliterated with Debian's
 * Unihan_Readings.txt.bz2 (unicode-data, a build dependency).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <bzlib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pinyin.h"
#include "vb_error.h"

/* ---- syllables ---- */

static void test_syllables(void **state)
{
	(void)state;
	static const struct {
		const char *in, *out;
	} ok[] = {
	    {"zhāng", "ZHANG"}, {"jiàn", "JIAN"},   {"guó", "GUO"},	  {"lǚ", "LYU"},
	    {"lǜ", "LYU"},	{"lǘ", "LYU"},	    {"nǚ", "NYU"},	  {"nü", "NYU"},
	    {"lüè", "LUE"},	{"nüè", "NUE"},	    {"lüe", "LUE"},	  {"yú", "YU"},
	    {"jù", "JU"},	{"qū", "QU"},	    {"xū", "XU"},	  {"ḿ", "M"},
	    {"ń", "N"},		{"ňg", "NG"},	    {"ǹ", "N"},		  {"ê\u0304", "E"},
	    {"ế", "E"},		{"bo", "BO"},	    {"zhuàng", "ZHUANG"}, {"shuāng", "SHUANG"},
	    {"ZHANG", "ZHANG"}, {"e\u0301r", "ER"},
	};
	static const char *const bad[] = {"",	      "zh1ng",	  "zhang ", "zhāng-", "é\xff",
					  "abcdefgh", "\xe4\xb8", "ß",	    "中"};
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		char out[PINYIN_SYLLABLE_MAX] = "x";
		assert_int_equal(pinyin_icao_syllable(ok[i].in, strlen(ok[i].in), out), VB_OK);
		assert_string_equal(out, ok[i].out);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char out[PINYIN_SYLLABLE_MAX] = "keep";
		assert_int_equal(pinyin_icao_syllable(bad[i], strlen(bad[i]), out), VB_EINVAL);
		assert_string_equal(out, "keep");
	}
}

/* ---- loading ---- */

struct fixture {
	char dir[64];
	char path[128];
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	if (!f)
		return -1;
	snprintf(f->dir, sizeof(f->dir), "/tmp/vb-pinyin-XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	static const char *const names[] = {"u.txt", "u.bz2", "bad.bz2", "none.txt", "bad.txt"};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		char p[160];
		snprintf(p, sizeof(p), "%s/%s", f->dir, names[i]);
		unlink(p);
	}
	rmdir(f->dir);
	free(f);
	return 0;
}

static const char *write_file(struct fixture *f, const char *name, const char *text, size_t len,
			      int bz)
{
	snprintf(f->path, sizeof(f->path), "%s/%s", f->dir, name);
	FILE *fp = fopen(f->path, "wb");
	assert_non_null(fp);
	if (bz) {
		int err = BZ_OK;
		BZFILE *b = BZ2_bzWriteOpen(&err, fp, 9, 0, 0);
		assert_int_equal(err, BZ_OK);
		BZ2_bzWrite(&err, b, (void *)text, (int)len);
		assert_int_equal(err, BZ_OK);
		BZ2_bzWriteClose(&err, b, 0, NULL, NULL);
		assert_int_equal(err, BZ_OK);
	} else {
		assert_int_equal(fwrite(text, 1, len, fp), len);
	}
	assert_int_equal(fclose(fp), 0);
	return f->path;
}

/* Unsorted, a duplicate, two readings, other fields, a long line, no final
 * newline: what a Unihan file may hold. */
static char *fixture_text(size_t *len)
{
	static const char head[] = "# Unihan_Readings.txt (test)\n"
				   "U+5F20\tkDefinition\tstretch, extend\n"
				   "U+5F20\tkMandarin\tzhāng\n"
				   "U+4E2D\tkMandarin\tzhōng zhòng\n"
				   "U+5415\tkMandarin\tlǚ\n"
				   "U+4E2D\tkMandarin\tjiǎ\n"
				   "U+6C88\tkMandarin\tshěn chén\n"
				   "U+7565\tkMandarin\tlüè\n";
	static const char tail[] = "U+20000\tkMandarin\tqiū\n"
				   "U+5973\tkCantonese\tneoi5\n"
				   "U+5973\tkMandarin\tnǚ";
	/* A 5000-byte kMandarin line (longer than any real one): skipped. */
	size_t n = sizeof(head) - 1 + 5000 + 1 + sizeof(tail) - 1;
	char *t = malloc(n + 1);
	assert_non_null(t);
	memcpy(t, head, sizeof(head) - 1);
	char *p = t + sizeof(head) - 1;
	memcpy(p, "U+4E00\tkMandarin\t", 17);
	memset(p + 17, 'x', 5000 - 17);
	p[5000] = '\n';
	memcpy(p + 5001, tail, sizeof(tail));
	*len = n;
	return t;
}

static void check_fixture_table(const struct pinyin *p)
{
	static const struct {
		uint32_t cp;
		const char *syl;
	} want[] = {
	    {0x5f20, "ZHANG"}, {0x4e2d, "ZHONG"}, {0x5415, "LYU"}, {0x6c88, "SHEN"},
	    {0x7565, "LUE"},   {0x20000, "QIU"},  {0x5973, "NYU"},
	};
	assert_int_equal(pinyin_count(p), 7);
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		char syl[PINYIN_SYLLABLE_MAX];
		assert_int_equal(pinyin_syllable(p, want[i].cp, syl), VB_OK);
		assert_string_equal(syl, want[i].syl);
	}
	char syl[PINYIN_SYLLABLE_MAX] = "keep";
	assert_int_equal(pinyin_syllable(p, 0x4e00, syl), VB_ENOTFOUND);
	assert_int_equal(pinyin_syllable(p, 0x41, syl), VB_ENOTFOUND);
	assert_string_equal(syl, "keep");
}

static void test_load_plain_and_bz2(void **state)
{
	struct fixture *f = *state;
	size_t len;
	char *text = fixture_text(&len);
	for (int bz = 0; bz <= 1; bz++) {
		struct pinyin *p = NULL;
		struct vb_reason why = {0};
		const char *path = write_file(f, bz ? "u.bz2" : "u.txt", text, len, bz);
		assert_int_equal(pinyin_open(path, &p, &why), VB_OK);
		assert_null(why.code);
		check_fixture_table(p);
		pinyin_free(p);
	}
	free(text);
	pinyin_free(NULL);
}

static void test_load_refused(void **state)
{
	struct fixture *f = *state;
	static const struct {
		const char *name, *text;
		int bz, rc;
		const char *code;
	} cases[] = {
	    {"none.txt", "U+5F20\tkDefinition\tstretch\n# nothing else\n", 0, VB_EINVAL,
	     "unihan_bad"},
	    {"bad.txt", "U+5F20\tkMandarin\tzhang1\n", 0, VB_EINVAL, "unihan_bad"},
	    {"bad.txt", "U+5G20\tkMandarin\tzhāng\n", 0, VB_EINVAL, "unihan_bad"},
	    {"bad.txt", "U+1234567\tkMandarin\tzhāng\n", 0, VB_EINVAL, "unihan_bad"},
	    {"bad.txt", "U+5F20\tkMandarin\t\n", 0, VB_EINVAL, "unihan_bad"},
	    {"bad.bz2", "BZh91AY&SY this is not a bzip2 stream at all", 0, VB_EIO, "unihan_read"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct pinyin *p = (struct pinyin *)&cases; /* must stay untouched */
		struct vb_reason why = {0};
		const char *path =
		    write_file(f, cases[i].name, cases[i].text, strlen(cases[i].text), cases[i].bz);
		assert_int_equal(pinyin_open(path, &p, &why), cases[i].rc);
		assert_string_equal(why.code, cases[i].code);
		assert_ptr_equal(p, (struct pinyin *)&cases);
	}
	struct pinyin *p = NULL;
	struct vb_reason why = {0};
	char path[160];
	snprintf(path, sizeof(path), "%s/absent.bz2", f->dir);
	assert_int_equal(pinyin_open(path, &p, &why), VB_ENOTFOUND);
	assert_string_equal(why.code, "unihan_missing");
	assert_null(p);
}

/* ---- names, with Debian's Unihan ---- */

static const struct pinyin *debian(void)
{
	const struct pinyin *p = NULL, *again = NULL;
	struct vb_reason why = {0};
	int rc = pinyin_default(&p, &why);
	if (rc)
		fail_msg("%s: %s (a build dependency: apt-get install unicode-data)",
			 why.code ? why.code : "?", why.text);
	assert_int_equal(pinyin_default(&again, &why), VB_OK);
	assert_ptr_equal(p, again); /* loaded once, cached */
	assert_true(pinyin_count(p) > 40000);
	return p;
}

static void test_names(void **state)
{
	(void)state;
	const struct pinyin *p = debian();
	static const struct {
		const char *name, *family, *given, *fnt, *gnt;
	} cases[] = {
	    /* Given-name syllables are written together (GB/T 28039). */
	    {"张建国", "张", "建国", "ZHANG", "JIANGUO"},
	    {"李明", "李", "明", "LI", "MING"},
	    {"王芳", "王", "芳", "WANG", "FANG"},
	    {"张秀英", "张", "秀英", "ZHANG", "XIUYING"},
	    {"張建國", "張", "建國", "ZHANG", "JIANGUO"},
	    {"　张三　", "张", "三", "ZHANG", "SAN"},
	    /* ü: LYU / NYU, but LUE / NUE. */
	    {"吕女", "吕", "女", "LYU", "NYU"},
	    {"吕绿", "吕", "绿", "LYU", "LYU"},
	    {"刘略", "刘", "略", "LIU", "LUE"},
	    {"王虐", "王", "虐", "WANG", "NUE"},
	    {"闾律", "闾", "律", "LYU", "LYU"},
	    {"许菊", "许", "菊", "XU", "JU"},
	    /* Surname readings that differ from the first kMandarin reading. */
	    {"单雄信", "单", "雄信", "SHAN", "XIONGXIN"},
	    {"曾国藩", "曾", "国藩", "ZENG", "GUOFAN"},
	    {"解缙", "解", "缙", "XIE", "JIN"},
	    {"区梦", "区", "梦", "OU", "MENG"},
	    {"仇英", "仇", "英", "QIU", "YING"},
	    {"朴正", "朴", "正", "PIAO", "ZHENG"},
	    {"查良镛", "查", "良镛", "ZHA", "LIANGYONG"},
	    {"盖聂", "盖", "聂", "GE", "NIE"},
	    {"乐嘉", "乐", "嘉", "YUE", "JIA"},
	    {"翟天", "翟", "天", "ZHAI", "TIAN"},
	    {"长江", "长", "江", "CHANG", "JIANG"},
	    {"卜算", "卜", "算", "BU", "SUAN"},
	    /* ...only for the family name: in a given name the first reading. */
	    {"张乐", "张", "乐", "ZHANG", "LE"},
	    {"王单", "王", "单", "WANG", "DAN"},
	    {"李曾", "李", "曾", "LI", "CENG"},
	    /* Compound family names, with three characters or more. */
	    {"欧阳修", "欧阳", "修", "OUYANG", "XIU"},
	    {"司马光", "司马", "光", "SIMA", "GUANG"},
	    {"诸葛亮", "诸葛", "亮", "ZHUGE", "LIANG"},
	    {"上官婉儿", "上官", "婉儿", "SHANGGUAN", "WANER"},
	    {"万俟卨", "万俟", "卨", "MOQI", "XIE"},
	    {"尉迟恭", "尉迟", "恭", "YUCHI", "GONG"},
	    {"长孙无忌", "长孙", "无忌", "ZHANGSUN", "WUJI"},
	    {"澹台灭明", "澹台", "灭明", "TANTAI", "MIEMING"},
	    {"歐陽修", "歐陽", "修", "OUYANG", "XIU"},
	    /* Two characters: always one family and one given character. */
	    {"单于", "单", "于", "SHAN", "YU"},
	    {"司马", "司", "马", "SI", "MA"},
	    /* A space written in the name is the split. */
	    {"司 马光", "司", "马光", "SI", "MAGUANG"},
	    {"欧阳 娜娜", "欧阳", "娜娜", "OUYANG", "NANA"},
	    /* A dotted name has no split: all of it is the primary name. */
	    {"买买提·艾力", "买买提·艾力", "", "MAIMAITI<AILI", ""},
	    {"迪丽热巴.迪力木拉提", "迪丽热巴.迪力木拉提", "", "DILIREBA<DILIMULATI", ""},
	    {"阿卜杜・热合曼", "阿卜杜・热合曼", "", "ABODU<REHEMAN", ""},
	    /* A single character. */
	    {"王", "王", "", "WANG", ""},
	    /* Latin script: comma, MRZ order, else the first word. */
	    {"SMITH, John Paul", "SMITH", "John Paul", "SMITH", "JOHN<PAUL"},
	    {"Smith-Jones Charles Edward", "Smith-Jones", "Charles Edward", "SMITH<JONES",
	     "CHARLES<EDWARD"},
	    {"d'Červenková Panklová, Jiřina-Maria Alena", "d'Červenková Panklová",
	     "Jiřina-Maria Alena", "DCERVENKOVA<PANKLOVA", "JIRINA<MARIA<ALENA"},
	    {"MÜLLER<<JÖRG", "MÜLLER", "JÖRG", "MUELLER", "JOERG"},
	    {"Østergård Åsa", "Østergård", "Åsa", "OESTERGAARD", "AASA"},
	    {"Straße Þór", "Straße", "Þór", "STRASSE", "THOR"},
	    {"Ĳssel Œdipe", "Ĳssel", "Œdipe", "IJSSEL", "OEDIPE"},
	    {"Łukasz", "Łukasz", "", "LUKASZ", ""},
	    {"O'Brien,  Mary-Ann  J.", "O'Brien", "Mary-Ann  J.", "OBRIEN", "MARY<ANN<J"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct pinyin_name n;
		struct vb_reason why = {0};
		int rc = pinyin_name(p, cases[i].name, &n, &why);
		if (rc)
			fail_msg("case %zu: %d %s %s", i, rc, why.code, why.text);
		assert_string_equal(n.family, cases[i].family);
		assert_string_equal(n.given, cases[i].given);
		assert_string_equal(n.family_icao, cases[i].fnt);
		assert_string_equal(n.given_icao, cases[i].gnt);
		for (const char *c = n.family_icao; *c; c++)
			assert_true((*c >= 'A' && *c <= 'Z') || *c == '<');
	}
}

static void test_names_refused(void **state)
{
	(void)state;
	const struct pinyin *p = debian();
	char long_name[400] = "张";
	for (int i = 0; i < 60; i++)
		strcat(long_name, "国");
	static const struct {
		const char *name;
		int rc;
		const char *code;
	} cases[] = {
	    {"", VB_EINVAL, "name_empty"},
	    {"  \xe3\x80\x80 ", VB_EINVAL, "name_empty"},
	    {"张3", VB_EINVAL, "name_bad_char"},
	    {"张@", VB_EINVAL, "name_bad_char"},
	    {"Smith J0hn", VB_EINVAL, "name_bad_char"},
	    {"Иванов Иван", VB_EINVAL, "name_bad_char"},
	    {"张\xff", VB_EINVAL, "name_bad_utf8"},
	    {"\xe5\xbc", VB_EINVAL, "name_bad_utf8"},
	    {"王兙", VB_EINVAL, "name_no_reading"},
	    {", John", VB_EINVAL, "name_empty"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct pinyin_name n = {.family = "keep"};
		struct vb_reason why = {0};
		assert_int_equal(pinyin_name(p, cases[i].name, &n, &why), cases[i].rc);
		assert_string_equal(why.code, cases[i].code);
		assert_string_equal(n.family, "keep");
		assert_null(strstr(why.text, "张")); /* no personal data in reasons */
	}
	struct pinyin_name n;
	struct vb_reason why = {0};
	assert_int_equal(pinyin_name(p, long_name, &n, &why), VB_ERANGE);
	assert_string_equal(why.code, "name_too_long");
	/* pinyin_icao_text with a small buffer. */
	char out[6] = "keep";
	assert_int_equal(pinyin_icao_text(p, "张建国", "given name", out, sizeof(out), &why),
			 VB_ERANGE);
	assert_string_equal(why.code, "name_too_long");
	assert_string_equal(out, "keep");
	assert_int_equal(pinyin_icao_text(p, "建国", "given name", out, sizeof(out), &why),
			 VB_ERANGE);
	char out2[8];
	assert_int_equal(pinyin_icao_text(p, "建国", "given name", out2, sizeof(out2), &why),
			 VB_OK);
	assert_string_equal(out2, "JIANGUO");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_syllables),
	    cmocka_unit_test_setup_teardown(test_load_plain_and_bz2, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_load_refused, setup, teardown),
	    cmocka_unit_test(test_names),
	    cmocka_unit_test(test_names_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
