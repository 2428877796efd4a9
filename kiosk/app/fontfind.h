/*
 * fontfind: the fonts for the screen and for receipts, found through
 * fontconfig unless the configuration names them ([display] font,
 * font_index, fallback_font).
 *
 * The main font is the installed face of Noto Sans CJK SC (Debian's
 * fonts-noto-cjk: face 2 of NotoSansCJK-Regular.ttc), or any font
 * fontconfig offers for Simplified Chinese that has the common characters.
 * The fallback draws what the main font lacks — rare characters of
 * people's names (CJK extensions B to F): the first font fontconfig
 * offers for Chinese that has such characters and is not the main font
 * (e.g. fonts-hanazono); none installed, none used.
 */
#ifndef FONTFIND_H
#define FONTFIND_H

#include <stddef.h>

struct config;

/* Fills c->font and c->font_index unless [display] font was given, and
 * c->fallback_font unless [display] fallback_font was given. 0, or -1
 * with a sentence in err when no font for Chinese text is installed. */
int fontfind(struct config *c, char *err, size_t errcap);

#endif
