/*
 * pinyin: names as written (Chinese characters or Latin letters) to the
 * ICAO 9303 form the EU DCC's fnt/gnt need (^[A-Z<]*$), and the split of a
 * Chinese full name into family and given name.
 *
 * Readings: the first value of the Unihan kMandarin field (UAX #38: "the
 * most customary pinyin reading"; with two values the first is the zh-CN
 * one), from Unihan_Readings.txt as Debian's unicode-data ships it
 * (/usr/share/unicode/Unihan_Readings.txt.bz2, read through libbz2; a
 * plain-text copy works too). Loaded once, lazily, and cached for the
 * process by pinyin_default().
 *
 * The rules (sources in brackets):
 * - Chinese passports write names in Hanyu Pinyin, capitals, without tone
 *   marks; the syllables of a family name are written together, and so are
 *   those of a given name: 张建国 -> ZHANG / JIANGUO, 欧阳修 -> OUYANG / XIU
 *   [GB/T 28039-2011 "中国人名汉语拼音字母拼写规则": family and given
 *   names each written together, capitals allowed; ICAO 9303 Part 3 §6
 *   has tables for Latin, Cyrillic and Arabic script but none for Chinese,
 *   so the issuing State's convention applies].
 * - ü: lü, nü -> LYU, NYU; lüe, nüe -> LUE, NUE [GB/T 28039-2011: "Ü 可用
 *   YU 代替" where technical needs ask, e.g. passports; the Ministry of
 *   Public Security Exit-Entry Administration's 2012 notice on printing ü
 *   in exit-entry documents, applied to passports since 2012; it spells
 *   lüe/nüe with U].
 * - No apostrophes, periods or tone marks: MRZ names hold A-Z and the
 *   filler '<' only; apostrophes are omitted [ICAO 9303 Part 3 "Convention
 *   for writing the name of the holder" and Part 4's MRZ name field; the
 *   DCC schema's example d'Červenková -> DCERVENKOVA].
 * - Spaces, hyphens and name-separating dots (·) between components become
 *   one filler '<' each [ICAO 9303 Part 4; the DCC schema's examples:
 *   Smith-Jones -> SMITH<JONES, Jiřina-Maria Alena -> JIRINA<MARIA<ALENA].
 * - Latin letters with diacritics follow ICAO 9303 Part 3 §6 table A
 *   (Ä -> AE, Å -> AA, Æ -> AE, Ö/Ø/Œ -> OE, Ü -> UE, ß -> SS, Þ -> TH,
 *   Ĳ -> IJ, every other letter to its base letter).
 * - Polyphonic characters take the first kMandarin reading, except the
 *   first character(s) of a Chinese full name, which take the surname
 *   reading where it differs (单 SHAN, 曾 ZENG, 解 XIE, 区 OU, 仇 QIU,
 *   朴 PIAO, 查 ZHA, 盖 GE, ...; 现代汉语词典 "姓" entries, each checked to
 *   be one of the readings Unihan's kXHC1983 / kHanyuPinyin list), and
 *   compound family names (欧阳, 司马, 诸葛, 上官, 万俟 MOQI, 尉迟 YUCHI,
 *   单于 CHANYU, ...) are recognised when the name has three characters or
 *   more.
 */
#ifndef PINYIN_H
#define PINYIN_H

#include <stddef.h>
#include <stdint.h>

#include "vb_error.h"

#define PINYIN_DEFAULT_PATH "/usr/share/unicode/Unihan_Readings.txt.bz2"
#define PINYIN_SYLLABLE_MAX 8	/* "ZHUANG", NUL included, with room */
#define PINYIN_TEXT	    128 /* a name part, NUL included (DDCC_TEXT) */

struct pinyin; /* the table of readings */

/*
 * Loads the kMandarin readings of the Unihan file at path (bzip2 when it
 * starts with "BZh", else plain text). Lines longer than 4 KiB and fields
 * other than kMandarin are skipped. On VB_OK *out is owned by the caller
 * (pinyin_free). Returns VB_ENOTFOUND / VB_EIO (the file cannot be read),
 * VB_EINVAL (no kMandarin reading in it, or a reading that is not pinyin)
 * or VB_ENOMEM, with why (may be NULL) filled.
 */
int pinyin_open(const char *path, struct pinyin **out, struct vb_reason *why);

/* Frees a table from pinyin_open. Accepts NULL. */
void pinyin_free(struct pinyin *p);

/*
 * The process-wide table: on the first successful call it is loaded from
 * $VAXBUS_UNIHAN when set, else PINYIN_DEFAULT_PATH, and kept until exit
 * (thread-safe; a failed load is retried on the next call). *out is
 * borrowed. Returns as pinyin_open.
 */
int pinyin_default(const struct pinyin **out, struct vb_reason *why);

/* The number of characters with a reading. */
size_t pinyin_count(const struct pinyin *p);

/*
 * The ICAO form of code point cp's first kMandarin reading (e.g. 绿 ->
 * "LYU"), NUL-terminated in out. VB_OK or VB_ENOTFOUND (no reading).
 */
int pinyin_syllable(const struct pinyin *p, uint32_t cp, char out[PINYIN_SYLLABLE_MAX]);

/*
 * Converts one pinyin syllable with tone marks (UTF-8, e.g. "lüè", "zhāng";
 * len bytes, borrowed) to its ICAO form ("LUE", "ZHANG"). VB_OK, or
 * VB_EINVAL when it holds something that is not pinyin or is longer than
 * PINYIN_SYLLABLE_MAX - 1 letters.
 */
int pinyin_icao_syllable(const char *reading, size_t len, char out[PINYIN_SYLLABLE_MAX]);

/*
 * Transliterates text (UTF-8, borrowed, one name part: a family or a
 * given name) to ICAO form in out (cap bytes): Chinese characters by
 * their first reading, written together; Latin letters by the table above;
 * separators to one '<' each (none at the ends); apostrophes and periods
 * dropped. Returns VB_OK, or VB_EINVAL with why: "name_bad_utf8",
 * "name_no_reading" (a Chinese character without a reading),
 * "name_bad_char" (a digit, a symbol, another script), or VB_ERANGE
 * "name_too_long" (does not fit cap). `what` names the part in the reason
 * text ("family name"); the text never quotes the name.
 */
int pinyin_icao_text(const struct pinyin *p, const char *text, const char *what, char *out,
		     size_t cap, struct vb_reason *why);

/* A full name split in its parts, as written and in ICAO form. */
struct pinyin_name {
	char family[PINYIN_TEXT];      /* as written, e.g. "欧阳" */
	char given[PINYIN_TEXT];       /* e.g. "修"; "" when the name has none */
	char family_icao[PINYIN_TEXT]; /* "OUYANG" */
	char given_icao[PINYIN_TEXT];  /* "XIU" */
};

/*
 * Splits a full name (UTF-8, borrowed; spaces at either end ignored) and
 * transliterates its parts into *out (written only on VB_OK):
 * - Chinese (it holds a Chinese character): a compound family name from
 *   the table when the name has three characters or more, else the first
 *   character is the family name and the rest the given name; the family
 *   name takes its surname reading. A name with a separating dot (·, the
 *   form of many Uyghur, Tibetan and foreign names in Chinese) has no
 *   family/given split: all of it is the family name (the DCC's "surname
 *   or primary name"), each dot a '<', and the given name is empty.
 * - Latin: "FAMILY, GIVEN" when there is a comma, "FAMILY<<GIVEN" (MRZ
 *   order), else the first word is the family name and the rest the given
 *   names (the order of the MRZ and of Chinese documents).
 * Returns VB_OK, VB_EINVAL with why ("name_empty" and the codes of
 * pinyin_icao_text), or VB_ERANGE ("name_too_long").
 */
int pinyin_name(const struct pinyin *p, const char *name, struct pinyin_name *out,
		struct vb_reason *why);

#endif
