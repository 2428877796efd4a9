/*
 * fontfind: fontconfig's answer for the main and the fallback font
 * (fontfind.h).
 */
#include "fontfind.h"

#include <fontconfig/fontconfig.h>
#include <stdio.h>
#include <string.h>

#include "config.h"

/* Characters the main font must have: 中 and 国 (common Chinese) and 疫苗
 * (the bus's own words). */
static const FcChar32 common[] = {0x4E2D, 0x56FD, 0x75AB, 0x82D7};
/* Rare characters of names, one per CJK extension B to F, that Noto Sans
 * CJK lacks: a fallback must have one of them. */
static const FcChar32 rare[] = {0x2A6D6, 0x2B734, 0x2B81D, 0x2CEA1, 0x2EBE0};

static int has_all(const FcCharSet *cs, const FcChar32 *c, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!FcCharSetHasChar(cs, c[i]))
			return 0;
	return 1;
}

static int has_any(const FcCharSet *cs, const FcChar32 *c, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (FcCharSetHasChar(cs, c[i]))
			return 1;
	return 0;
}

/* Fontconfig's fonts for pattern, best first (NULL when none). */
static FcFontSet *sorted(FcConfig *fc, const char *pattern)
{
	FcPattern *p = FcNameParse((const FcChar8 *)pattern);
	FcResult r;
	if (!p)
		return NULL;
	FcConfigSubstitute(fc, p, FcMatchPattern);
	FcDefaultSubstitute(p);
	FcFontSet *set = FcFontSort(fc, p, FcFalse, NULL, &r);
	FcPatternDestroy(p);
	return set;
}

/* The first font of set with every character of want (any of them with
 * any = 1) whose file is not skip: its file into path, face into index.
 * 0, or -1 when there is none. */
static int pick(FcFontSet *set, const FcChar32 *want, size_t n, int any, const char *skip,
		char *path, size_t cap, int *index)
{
	for (int i = 0; set && i < set->nfont; i++) {
		FcChar8 *file;
		FcCharSet *cs;
		int face = 0;
		if (FcPatternGetString(set->fonts[i], FC_FILE, 0, &file) != FcResultMatch ||
		    FcPatternGetCharSet(set->fonts[i], FC_CHARSET, 0, &cs) != FcResultMatch ||
		    (skip && strcmp((const char *)file, skip) == 0) ||
		    !(any ? has_any(cs, want, n) : has_all(cs, want, n)) ||
		    strlen((const char *)file) >= cap)
			continue;
		FcPatternGetInteger(set->fonts[i], FC_INDEX, 0, &face);
		snprintf(path, cap, "%s", (const char *)file);
		if (index)
			*index = face;
		return 0;
	}
	return -1;
}

int fontfind(struct config *c, char *err, size_t errcap)
{
	if (c->font[0] && c->fallback_font[0])
		return 0;
	FcConfig *fc = FcInitLoadConfigAndFonts();
	if (!fc) {
		snprintf(err, errcap, "fontconfig cannot start: name the font in [display] font");
		return -1;
	}
	int rc = 0;
	if (!c->font[0]) {
		FcFontSet *set = sorted(fc, "Noto Sans CJK SC:lang=zh-cn");
		rc = pick(set, common, sizeof(common) / sizeof(common[0]), 0, NULL, c->font,
			  sizeof(c->font), &c->font_index);
		if (set)
			FcFontSetDestroy(set);
		if (rc)
			snprintf(err, errcap,
				 "no font for Chinese text is installed (Debian: fonts-noto-cjk), "
				 "or name one in [display] font");
	}
	if (!rc && !c->fallback_font[0]) {
		FcFontSet *set = sorted(fc, ":lang=zh-cn");
		pick(set, rare, sizeof(rare) / sizeof(rare[0]), 1, c->font, c->fallback_font,
		     sizeof(c->fallback_font), NULL);
		if (set)
			FcFontSetDestroy(set);
	}
	FcConfigDestroy(fc);
	return rc;
}
