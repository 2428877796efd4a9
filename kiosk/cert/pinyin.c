/*
 * pinyin: Unihan kMandarin readings to ICAO 9303 names (pinyin.h).
 *
 * The table is an array of (code point, ICAO syllable) sorted by code
 * point (lines out of order are inserted in place), looked up by binary
 * search. Unihan_Readings.txt lines look like
 * "U+5F20<TAB>kMandarin<TAB>zhāng" (UAX #38 §3.1: one field per line,
 * values separated by spaces); only the first value is kept.
 */
#include "pinyin.h"

#include <bzlib.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LINE_MAX_BYTES 4096
#define CHUNK	       65536

struct pinyin_entry {
	uint32_t cp;
	char syl[PINYIN_SYLLABLE_MAX];
};

struct pinyin {
	struct pinyin_entry *e; /* owned, n used of cap, sorted by cp */
	size_t n, cap;
};

/* ---- UTF-8 ---- */

/* Decodes one code point of s[0..len) into *cp; returns its length, or 0
 * for a malformed sequence (overlong, surrogate, past U+10FFFF, cut). */
static size_t utf8_next(const unsigned char *s, size_t len, uint32_t *cp)
{
	if (!len)
		return 0;
	unsigned char c = s[0];
	size_t n;
	uint32_t v, min;
	if (c < 0x80) {
		*cp = c;
		return 1;
	} else if (c >= 0xc2 && c < 0xe0) {
		n = 2, v = c & 0x1f, min = 0x80;
	} else if (c >= 0xe0 && c < 0xf0) {
		n = 3, v = c & 0x0f, min = 0x800;
	} else if (c >= 0xf0 && c < 0xf5) {
		n = 4, v = c & 0x07, min = 0x10000;
	} else {
		return 0;
	}
	if (len < n)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		v = (v << 6) | (s[i] & 0x3f);
	}
	if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
		return 0;
	*cp = v;
	return n;
}

/* ---- one syllable ---- */

/* The base letter of a pinyin letter with a tone mark ('v' for the ü
 * family), 0 for a combining mark to drop, -1 for anything else. */
static int pinyin_base(uint32_t cp)
{
	static const struct {
		uint32_t cp;
		char base;
	} marks[] = {
	    {0x00e0, 'a'}, {0x00e1, 'a'}, {0x0101, 'a'}, {0x01ce, 'a'}, {0x00e8, 'e'},
	    {0x00e9, 'e'}, {0x0113, 'e'}, {0x011b, 'e'}, {0x00ea, 'e'}, {0x1ebf, 'e'},
	    {0x1ec1, 'e'}, {0x00ec, 'i'}, {0x00ed, 'i'}, {0x012b, 'i'}, {0x01d0, 'i'},
	    {0x00f2, 'o'}, {0x00f3, 'o'}, {0x014d, 'o'}, {0x01d2, 'o'}, {0x00f9, 'u'},
	    {0x00fa, 'u'}, {0x016b, 'u'}, {0x01d4, 'u'}, {0x00fc, 'v'}, {0x01d6, 'v'},
	    {0x01d8, 'v'}, {0x01da, 'v'}, {0x01dc, 'v'}, {0x0144, 'n'}, {0x0148, 'n'},
	    {0x01f9, 'n'}, {0x1e3f, 'm'},
	};
	if (cp >= 'a' && cp <= 'z')
		return (int)cp;
	if (cp >= 'A' && cp <= 'Z')
		return (int)(cp - 'A' + 'a');
	if (cp >= 0x0300 && cp <= 0x036f) /* combining tone marks */
		return 0;
	for (size_t i = 0; i < sizeof(marks) / sizeof(marks[0]); i++)
		if (marks[i].cp == cp)
			return marks[i].base;
	return -1;
}

int pinyin_icao_syllable(const char *reading, size_t len, char out[PINYIN_SYLLABLE_MAX])
{
	char plain[PINYIN_SYLLABLE_MAX * 2], res[PINYIN_SYLLABLE_MAX];
	size_t n = 0, o = 0;
	const unsigned char *s = (const unsigned char *)reading;
	while (len) {
		uint32_t cp;
		size_t k = utf8_next(s, len, &cp);
		int b = k ? pinyin_base(cp) : -1;
		if (b < 0 || n + 1 >= sizeof(plain))
			return VB_EINVAL;
		if (b)
			plain[n++] = (char)b;
		s += k;
		len -= k;
	}
	if (!n)
		return VB_EINVAL;
	/* ü: before e (lüe, nüe) it is written U, else YU (LYU, NYU). */
	for (size_t i = 0; i < n; i++) {
		const char *put = plain[i] != 'v'		       ? NULL
				  : (i + 1 < n && plain[i + 1] == 'e') ? "U"
								       : "YU";
		size_t m = put ? strlen(put) : 1;
		if (o + m >= sizeof(res))
			return VB_EINVAL;
		if (put)
			memcpy(res + o, put, m);
		else
			res[o] = (char)(plain[i] - 'a' + 'A');
		o += m;
	}
	res[o] = '\0';
	memcpy(out, res, o + 1);
	return VB_OK;
}

/* ---- loading ---- */

/* A reader over a plain or bzip2 file. */
struct source {
	FILE *f;
	BZFILE *bz;
	int ended; /* the bzip2 stream ended: reading again is an error */
};

static int source_read(struct source *src, char *buf, int cap)
{
	if (!src->bz)
		return (int)fread(buf, 1, (size_t)cap, src->f);
	int bzerr = BZ_OK;
	if (src->ended)
		return 0;
	int n = BZ2_bzRead(&bzerr, src->bz, buf, cap);
	if (bzerr != BZ_OK && bzerr != BZ_STREAM_END)
		return -1;
	src->ended = bzerr == BZ_STREAM_END;
	return n;
}

static int parse_hex(const char *s, size_t len, uint32_t *out)
{
	uint32_t v = 0;
	if (len < 4 || len > 6)
		return VB_EINVAL;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		int d = c >= '0' && c <= '9' ? c - '0' : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
		if (d < 0)
			return VB_EINVAL;
		v = v * 16 + (uint32_t)d;
	}
	if (v > 0x10ffff)
		return VB_EINVAL;
	*out = v;
	return VB_OK;
}

/* One line (without its newline). Lines that are not kMandarin are
 * ignored; a kMandarin line must be well formed. */
static int take_line(struct pinyin *p, const char *line, size_t len, struct vb_reason *why,
		     size_t lineno)
{
	static const char key[] = "\tkMandarin\t";
	if (len < 2 || line[0] != 'U' || line[1] != '+')
		return VB_OK;
	const char *tab = memchr(line, '\t', len);
	if (!tab || (size_t)(line + len - tab) < sizeof(key) - 1 ||
	    memcmp(tab, key, sizeof(key) - 1) != 0)
		return VB_OK;
	uint32_t cp;
	const char *val = tab + sizeof(key) - 1;
	size_t vlen = (size_t)(line + len - val);
	const char *sp = memchr(val, ' ', vlen);
	if (sp)
		vlen = (size_t)(sp - val);
	struct pinyin_entry e = {0};
	if (parse_hex(line + 2, (size_t)(tab - line - 2), &cp) ||
	    pinyin_icao_syllable(val, vlen, e.syl)) {
		vb_reason_set(why, "unihan_bad", "Unihan line %zu is not a kMandarin reading",
			      lineno);
		return VB_EINVAL;
	}
	e.cp = cp;
	/* Unihan is sorted by code point: append; otherwise insert in order.
	 * A code point seen before keeps its first reading. */
	size_t at = p->n;
	if (p->n && p->e[p->n - 1].cp >= cp) {
		size_t lo = 0, hi = p->n;
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			if (p->e[mid].cp < cp)
				lo = mid + 1;
			else
				hi = mid;
		}
		if (p->e[lo].cp == cp)
			return VB_OK;
		at = lo;
	}
	if (p->n == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 8192;
		struct pinyin_entry *ne = realloc(p->e, cap * sizeof(*ne));
		if (!ne)
			return VB_ENOMEM;
		p->e = ne;
		p->cap = cap;
	}
	memmove(p->e + at + 1, p->e + at, (p->n - at) * sizeof(*p->e));
	p->e[at] = e;
	p->n++;
	return VB_OK;
}

static int load(struct pinyin *p, struct source *src, struct vb_reason *why)
{
	char *chunk = malloc(CHUNK), line[LINE_MAX_BYTES];
	size_t len = 0, lineno = 0;
	int too_long = 0, rc = VB_OK, n;
	if (!chunk)
		return VB_ENOMEM;
	while (!rc && (n = source_read(src, chunk, CHUNK)) > 0) {
		for (int i = 0; i < n && !rc; i++) {
			if (chunk[i] != '\n') {
				if (len < sizeof(line))
					line[len++] = chunk[i];
				else
					too_long = 1;
				continue;
			}
			lineno++;
			if (!too_long)
				rc = take_line(p, line, len, why, lineno);
			len = 0;
			too_long = 0;
		}
	}
	if (!rc && n < 0) {
		vb_reason_set(why, "unihan_read", "the Unihan file cannot be decompressed");
		rc = VB_EIO;
	}
	if (!rc && len && !too_long)
		rc = take_line(p, line, len, why, lineno + 1);
	free(chunk);
	if (rc)
		return rc;
	if (!p->n) {
		vb_reason_set(why, "unihan_bad", "the Unihan file has no kMandarin reading");
		return VB_EINVAL;
	}
	return VB_OK;
}

int pinyin_open(const char *path, struct pinyin **out, struct vb_reason *why)
{
	int rc = VB_OK, bzerr = BZ_OK;
	struct source src = {0};
	struct pinyin *p = NULL;
	unsigned char magic[3] = {0};
	src.f = fopen(path, "rb");
	if (!src.f) {
		rc = errno == ENOENT ? VB_ENOTFOUND : VB_EIO;
		vb_reason_set(why, "unihan_missing",
			      "the Unihan readings file %s cannot be opened (install unicode-data)",
			      path);
		return rc;
	}
	size_t got = fread(magic, 1, sizeof(magic), src.f);
	rewind(src.f);
	if (got == 3 && memcmp(magic, "BZh", 3) == 0) {
		src.bz = BZ2_bzReadOpen(&bzerr, src.f, 0, 0, NULL, 0);
		if (bzerr != BZ_OK) {
			rc = bzerr == BZ_MEM_ERROR ? VB_ENOMEM : VB_EIO;
			vb_reason_set(why, "unihan_read", "the Unihan file cannot be decompressed");
			goto out;
		}
	}
	p = calloc(1, sizeof(*p));
	if (!p) {
		rc = VB_ENOMEM;
		goto out;
	}
	rc = load(p, &src, why);
	if (rc == VB_EIO || rc == VB_EINVAL)
		goto out;
	if (rc == VB_ENOMEM)
		vb_reason_set(why, "no_memory", "out of memory reading the Unihan file");
out:
	if (src.bz)
		BZ2_bzReadClose(&bzerr, src.bz);
	fclose(src.f);
	if (rc) {
		pinyin_free(p);
		return rc;
	}
	*out = p;
	return VB_OK;
}

void pinyin_free(struct pinyin *p)
{
	if (!p)
		return;
	free(p->e);
	free(p);
}

static pthread_mutex_t default_mu = PTHREAD_MUTEX_INITIALIZER;
static struct pinyin *default_table;

int pinyin_default(const struct pinyin **out, struct vb_reason *why)
{
	int rc = VB_OK;
	pthread_mutex_lock(&default_mu);
	if (!default_table) {
		const char *path = getenv("VAXBUS_UNIHAN");
		rc = pinyin_open(path && *path ? path : PINYIN_DEFAULT_PATH, &default_table, why);
	}
	if (!rc)
		*out = default_table;
	pthread_mutex_unlock(&default_mu);
	return rc;
}

size_t pinyin_count(const struct pinyin *p)
{
	return p->n;
}

static const struct pinyin_entry *find(const struct pinyin *p, uint32_t cp)
{
	size_t lo = 0, hi = p->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (p->e[mid].cp == cp)
			return &p->e[mid];
		if (p->e[mid].cp < cp)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

int pinyin_syllable(const struct pinyin *p, uint32_t cp, char out[PINYIN_SYLLABLE_MAX])
{
	const struct pinyin_entry *e = find(p, cp);
	if (!e)
		return VB_ENOTFOUND;
	memcpy(out, e->syl, sizeof(e->syl));
	return VB_OK;
}

/* ---- names ---- */

/* CJK Unified Ideographs (with extensions) and compatibility ideographs. */
static int is_han(uint32_t cp)
{
	return (cp >= 0x3400 && cp <= 0x4dbf) || (cp >= 0x4e00 && cp <= 0x9fff) ||
	       (cp >= 0xf900 && cp <= 0xfaff) || (cp >= 0x20000 && cp <= 0x3ffff) || cp == 0x3007;
}

/* Dots that separate the parts of a name written in Chinese (·, ・, •, ‧,
 * ．, and the ASCII period typed for them). */
static int is_name_dot(uint32_t cp)
{
	return cp == 0x00b7 || cp == 0x30fb || cp == 0x2022 || cp == 0x2027 || cp == 0xff0e ||
	       cp == 0x2219 || cp == '.';
}

static int is_space(uint32_t cp)
{
	return cp == ' ' || cp == '\t' || cp == 0x3000 || cp == 0x00a0;
}

/* Separators that become one '<' (with the dots when dots_separate). */
static int is_separator(uint32_t cp, int dots_separate)
{
	return is_space(cp) || cp == '-' || cp == '<' || (cp >= 0x2010 && cp <= 0x2014) ||
	       cp == 0xff0d || (dots_separate && is_name_dot(cp));
}

/* Characters dropped: apostrophes, and periods and commas of Latin names. */
static int is_dropped(uint32_t cp)
{
	return cp == '\'' || cp == 0x2018 || cp == 0x2019 || cp == 0x02bc || cp == 0xff07 ||
	       cp == '.' || cp == ',';
}

/* ICAO 9303 Part 3 §6 table A for U+00C0..U+017F: the first letter, '?'
 * where none; second letters in latin_second(). */
static const char latin_first[] = "AAAAAAACEEEEIIIIDNOOOOO?OUUUUYTS"
				  "AAAAAAACEEEEIIIIDNOOOOO?OUUUUYTY"
				  "AAAAAACCCCCCCCDDDDEEEEEEEEEEGGGG"
				  "GGGGHHHHIIIIIIIIIIIIJJKK?LLLLLLL"
				  "LLLNNNNNNNNNOOOOOOOORRRRRRSSSSSS"
				  "SSTTTTTTUUUUUUUUUUUUWWYYYZZZZZZS";

static char latin_second(uint32_t cp)
{
	switch (cp) {
	case 0xc4: /* Ä */
	case 0xe4:
	case 0xc6: /* Æ */
	case 0xe6:
	case 0xd6: /* Ö */
	case 0xf6:
	case 0xd8: /* Ø */
	case 0xf8:
	case 0xdc: /* Ü */
	case 0xfc:
	case 0x152: /* Œ */
	case 0x153:
		return 'E';
	case 0xc5: /* Å */
	case 0xe5:
		return 'A';
	case 0xde: /* Þ */
	case 0xfe:
		return 'H';
	case 0xdf: /* ß */
		return 'S';
	case 0x132: /* Ĳ */
	case 0x133:
		return 'J';
	default:
		return 0;
	}
}

/* The ICAO letters of one Latin letter into l (up to 2 + NUL); 0 if it is
 * not one the table knows. */
static int latin_letters(uint32_t cp, char l[3])
{
	l[1] = l[2] = '\0';
	if ((cp >= 'A' && cp <= 'Z') || (cp >= 'a' && cp <= 'z')) {
		l[0] = (char)(cp & ~0x20u);
		return 1;
	}
	if (cp < 0xc0 || cp > 0x17f || latin_first[cp - 0xc0] == '?')
		return 0;
	l[0] = latin_first[cp - 0xc0];
	l[1] = latin_second(cp);
	return 1;
}

/* The appender behind pinyin_icao_text. */
struct icao_out {
	char *buf;
	size_t cap, len;
	int pending_sep;
};

static int icao_put(struct icao_out *o, const char *s)
{
	size_t n = strlen(s), sep = o->pending_sep && o->len ? 1 : 0;
	if (o->len + sep + n >= o->cap)
		return VB_ERANGE;
	if (sep)
		o->buf[o->len++] = '<';
	memcpy(o->buf + o->len, s, n);
	o->len += n;
	o->buf[o->len] = '\0';
	o->pending_sep = 0;
	return VB_OK;
}

static int icao_text(const struct pinyin *p, const char *text, size_t tlen, int dots_separate,
		     const char *what, char *out, size_t cap, struct vb_reason *why)
{
	char buf[PINYIN_TEXT * 4];
	struct icao_out o = {buf, sizeof(buf) < cap ? sizeof(buf) : cap, 0, 0};
	const unsigned char *s = (const unsigned char *)text;
	size_t pos = 0;
	if (!cap)
		return VB_ERANGE;
	buf[0] = '\0';
	while (tlen) {
		uint32_t cp;
		char syl[PINYIN_SYLLABLE_MAX], l[3];
		size_t k = utf8_next(s, tlen, &cp);
		int rc = VB_OK;
		pos++;
		if (!k) {
			vb_reason_set(why, "name_bad_utf8", "the %s is not valid UTF-8", what);
			return VB_EINVAL;
		}
		if (is_separator(cp, dots_separate)) {
			o.pending_sep = 1;
		} else if (is_dropped(cp)) {
			/* nothing */
		} else if (pinyin_syllable(p, cp, syl) == VB_OK) {
			rc = icao_put(&o, syl);
		} else if (is_han(cp)) {
			vb_reason_set(why, "name_no_reading",
				      "character %zu of the %s has no Mandarin reading in Unihan",
				      pos, what);
			return VB_EINVAL;
		} else if (latin_letters(cp, l)) {
			rc = icao_put(&o, l);
		} else {
			vb_reason_set(why, "name_bad_char",
				      "character %zu of the %s has no ICAO 9303 transliteration",
				      pos, what);
			return VB_EINVAL;
		}
		if (rc) {
			vb_reason_set(why, "name_too_long",
				      "the %s is longer than %zu letters in ICAO form", what,
				      cap - 1);
			return VB_ERANGE;
		}
		s += k;
		tlen -= k;
	}
	memcpy(out, buf, o.len + 1);
	return VB_OK;
}

int pinyin_icao_text(const struct pinyin *p, const char *text, const char *what, char *out,
		     size_t cap, struct vb_reason *why)
{
	return icao_text(p, text, strlen(text), 0, what, out, cap, why);
}

/* Family names whose reading differs from the character's first kMandarin
 * reading (the surname readings of 现代汉语词典, each one of the readings
 * Unihan's kXHC1983 / kHanyuPinyin give the character). */
static const struct {
	const char *han, *icao;
} surname_single[] = {
    {"单", "SHAN"}, {"單", "SHAN"},  {"曾", "ZENG"},  {"解", "XIE"},   {"区", "OU"},
    {"區", "OU"},   {"仇", "QIU"},   {"朴", "PIAO"},  {"查", "ZHA"},   {"盖", "GE"},
    {"蓋", "GE"},   {"乐", "YUE"},   {"樂", "YUE"},   {"覃", "QIN"},   {"缪", "MIAO"},
    {"繆", "MIAO"}, {"翟", "ZHAI"},  {"种", "CHONG"}, {"種", "CHONG"}, {"繁", "PO"},
    {"召", "SHAO"}, {"员", "YUN"},   {"員", "YUN"},   {"秘", "BI"},    {"郇", "XUN"},
    {"阚", "KAN"},  {"闞", "KAN"},   {"折", "SHE"},   {"祭", "ZHAI"},  {"句", "GOU"},
    {"能", "NAI"},  {"长", "CHANG"}, {"長", "CHANG"}, {"重", "CHONG"}, {"粘", "NIAN"},
    {"卜", "BU"},   {"都", "DU"},    {"薄", "BO"},    {"隗", "WEI"},   {"藏", "ZANG"},
};

/* Compound family names; icao NULL where the readings of the characters
 * are the right ones. */
static const struct {
	const char *han, *icao;
} surname_compound[] = {
    {"欧阳", NULL},	  {"歐陽", NULL},	{"司马", NULL},	      {"司馬", NULL},
    {"诸葛", NULL},	  {"諸葛", NULL},	{"上官", NULL},	      {"东方", NULL},
    {"東方", NULL},	  {"皇甫", NULL},	{"令狐", NULL},	      {"慕容", NULL},
    {"夏侯", NULL},	  {"公孙", NULL},	{"公孫", NULL},	      {"长孙", "ZHANGSUN"},
    {"長孫", "ZHANGSUN"}, {"尉迟", "YUCHI"},	{"尉遲", "YUCHI"},    {"宇文", NULL},
    {"司徒", NULL},	  {"司空", NULL},	{"独孤", NULL},	      {"獨孤", NULL},
    {"端木", NULL},	  {"南宫", NULL},	{"南宮", NULL},	      {"西门", NULL},
    {"西門", NULL},	  {"轩辕", NULL},	{"軒轅", NULL},	      {"呼延", NULL},
    {"澹台", "TANTAI"},	  {"澹臺", "TANTAI"},	{"公冶", NULL},	      {"宗政", NULL},
    {"濮阳", NULL},	  {"濮陽", NULL},	{"淳于", NULL},	      {"单于", "CHANYU"},
    {"單于", "CHANYU"},	  {"太叔", NULL},	{"申屠", NULL},	      {"赫连", NULL},
    {"赫連", NULL},	  {"万俟", "MOQI"},	{"萬俟", "MOQI"},     {"闻人", NULL},
    {"聞人", NULL},	  {"百里", NULL},	{"东郭", NULL},	      {"東郭", NULL},
    {"拓跋", NULL},	  {"钟离", NULL},	{"鍾離", NULL},	      {"宰父", NULL},
    {"谷梁", NULL},	  {"乐正", "YUEZHENG"}, {"樂正", "YUEZHENG"}, {"漆雕", NULL},
    {"公良", NULL},	  {"司寇", NULL},	{"巫马", NULL},	      {"巫馬", NULL},
    {"第五", NULL},	  {"鲜于", NULL},	{"鮮于", NULL},	      {"亓官", NULL},
    {"左丘", NULL},	  {"梁丘", NULL},	{"东门", NULL},	      {"東門", NULL},
    {"羊舌", NULL},	  {"微生", NULL},	{"公西", NULL},	      {"仲孙", NULL},
    {"仲孫", NULL},	  {"闾丘", NULL},	{"閭丘", NULL},	      {"子车", NULL},
    {"子車", NULL},	  {"颛孙", NULL},	{"顓孫", NULL},	      {"段干", NULL},
};

/* Copies s[0..len) trimmed of spaces into out (cap bytes). */
static int copy_trimmed(const char *s, size_t len, char *out, size_t cap)
{
	const unsigned char *b = (const unsigned char *)s;
	uint32_t cp;
	size_t k;
	while (len && (k = utf8_next(b, len, &cp)) && is_space(cp))
		b += k, len -= k;
	/* trailing: walk forward, remembering the end of the last non-space */
	size_t end = 0, i = 0;
	while (i < len) {
		k = utf8_next(b + i, len - i, &cp);
		if (!k)
			return VB_EINVAL;
		i += k;
		if (!is_space(cp))
			end = i;
	}
	if (end >= cap)
		return VB_ERANGE;
	memcpy(out, b, end);
	out[end] = '\0';
	return VB_OK;
}

static int too_long(struct vb_reason *why)
{
	vb_reason_set(why, "name_too_long", "the name is longer than %d bytes", PINYIN_TEXT - 1);
	return VB_ERANGE;
}

/* A Chinese full name (trimmed, not empty) into n. */
static int split_chinese(const struct pinyin *p, const char *name, struct pinyin_name *n,
			 struct vb_reason *why)
{
	const unsigned char *s = (const unsigned char *)name;
	size_t len = strlen(name), k, i, first = 0, cps = 0, space_at = 0;
	int has_dot = 0;
	uint32_t cp;
	const char *override = NULL;
	for (i = 0; i < len; i += k) {
		k = utf8_next(s + i, len - i, &cp);
		if (!k)
			return vb_reason_set(why, "name_bad_utf8", "the name is not valid UTF-8"),
			       VB_EINVAL;
		if (!first)
			first = k;
		cps++;
		has_dot |= is_name_dot(cp);
		if (is_space(cp) && !space_at)
			space_at = i;
	}
	if (has_dot) {
		/* No family/given split: all of it is the primary name. */
		if (copy_trimmed(name, len, n->family, sizeof(n->family)))
			return too_long(why);
		n->given[0] = '\0';
		n->given_icao[0] = '\0';
		return icao_text(p, n->family, strlen(n->family), 1, "name", n->family_icao,
				 sizeof(n->family_icao), why);
	}
	size_t cut = first;
	if (space_at) {
		cut = space_at; /* the split written by whoever typed the name */
	} else if (cps >= 3) {
		for (i = 0; i < sizeof(surname_compound) / sizeof(surname_compound[0]); i++) {
			size_t m = strlen(surname_compound[i].han);
			if (len > m && memcmp(name, surname_compound[i].han, m) == 0) {
				cut = m;
				override = surname_compound[i].icao;
				break;
			}
		}
	}
	if (copy_trimmed(name, cut, n->family, sizeof(n->family)) ||
	    copy_trimmed(name + cut, len - cut, n->given, sizeof(n->given)))
		return too_long(why);
	if (!override && cut == first)
		for (i = 0; i < sizeof(surname_single) / sizeof(surname_single[0]); i++)
			if (strcmp(n->family, surname_single[i].han) == 0)
				override = surname_single[i].icao;
	int rc = VB_OK;
	if (override)
		snprintf(n->family_icao, sizeof(n->family_icao), "%s", override);
	else
		rc = icao_text(p, n->family, strlen(n->family), 0, "family name", n->family_icao,
			       sizeof(n->family_icao), why);
	if (!rc)
		rc = icao_text(p, n->given, strlen(n->given), 0, "given name", n->given_icao,
			       sizeof(n->given_icao), why);
	return rc;
}

/* A Latin-script full name (trimmed, not empty) into n. */
static int split_latin(const struct pinyin *p, const char *name, struct pinyin_name *n,
		       struct vb_reason *why)
{
	size_t len = strlen(name), cut, skip;
	const char *comma = strchr(name, ','), *mrz = strstr(name, "<<");
	if (comma) {
		cut = (size_t)(comma - name), skip = 1;
	} else if (mrz) {
		cut = (size_t)(mrz - name), skip = 2;
	} else {
		cut = strcspn(name, " \t"), skip = 0;
	}
	if (copy_trimmed(name, cut, n->family, sizeof(n->family)) ||
	    copy_trimmed(name + cut + skip, len - cut - skip, n->given, sizeof(n->given)))
		return too_long(why);
	int rc = icao_text(p, n->family, strlen(n->family), 0, "family name", n->family_icao,
			   sizeof(n->family_icao), why);
	if (!rc)
		rc = icao_text(p, n->given, strlen(n->given), 0, "given name", n->given_icao,
			       sizeof(n->given_icao), why);
	return rc;
}

int pinyin_name(const struct pinyin *p, const char *name, struct pinyin_name *out,
		struct vb_reason *why)
{
	struct pinyin_name n = {0};
	char trimmed[PINYIN_TEXT * 2];
	size_t len = strlen(name), k;
	int chinese = 0, rc;
	uint32_t cp;
	if (len >= sizeof(trimmed))
		return too_long(why);
	if (copy_trimmed(name, len, trimmed, sizeof(trimmed)))
		return vb_reason_set(why, "name_bad_utf8", "the name is not valid UTF-8"),
		       VB_EINVAL;
	len = strlen(trimmed);
	if (!len)
		return vb_reason_set(why, "name_empty", "the name is empty"), VB_EINVAL;
	for (size_t i = 0; i < len && !chinese; i += k) {
		k = utf8_next((const unsigned char *)trimmed + i, len - i, &cp);
		if (!k)
			return vb_reason_set(why, "name_bad_utf8", "the name is not valid UTF-8"),
			       VB_EINVAL;
		chinese = is_han(cp) || pinyin_syllable(p, cp, (char[PINYIN_SYLLABLE_MAX]){0}) == 0;
	}
	rc = chinese ? split_chinese(p, trimmed, &n, why) : split_latin(p, trimmed, &n, why);
	if (rc)
		return rc;
	if (!n.family_icao[0]) {
		vb_reason_set(why, "name_empty", "the family name is empty");
		return VB_EINVAL;
	}
	*out = n;
	return VB_OK;
}
