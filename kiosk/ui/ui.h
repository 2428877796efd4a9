/*
 * ui: the kiosk's small toolkit on SDL2 — one window, text in Chinese and
 * English from string tables, and a few large widgets.
 *
 * Immediate mode: a screen's draw() declares its widgets every frame,
 * each with a stable id ("welcome.start", "keypad.7"); the toolkit draws
 * them and remembers where they were, so a touch (or a script's
 * `tap ID`) is turned into the id of the widget under it (ui_hit). Frames
 * are drawn only when something changed (the caller decides).
 *
 * Text is rendered once per (text, size, colour, wrap width, alignment)
 * to a texture and cached (SDL_ttf would render it again on every call);
 * characters the font lacks come from the fallback font. Sizes are in
 * millimetres on the glass, converted with the display's density, so
 * touch targets keep their 12 mm from 800x480 to 1920x1080; large-text
 * mode scales every text and target by UI_LARGE_SCALE.
 *
 * Strings: every text a person reads comes from assets/strings/<lang>.tsv
 * ("key<TAB>text" lines; "\n" in a text is a line break), looked up by key
 * in the current language. The two tables must have the same keys
 * (ui_strings_check).
 *
 * Threading: everything here runs on the main thread.
 */
#ifndef UI_H
#define UI_H

#include <SDL.h>
#include <stddef.h>
#include <stdint.h>

#define UI_ID_MAX      48   /* widget ids, with the NUL */
#define UI_LARGE_SCALE 1.35 /* large-text mode */

enum ui_lang { UI_ZH = 0, UI_EN = 1, UI_LANG_COUNT };

struct ui_rect {
	int x, y, w, h;
};

/* Text sizes (cap height follows from the mm size). */
enum ui_size {
	UI_SIZE_SMALL,	/* 3.5 mm: footnotes, staff tables */
	UI_SIZE_BODY,	/* 5 mm: body text */
	UI_SIZE_TITLE,	/* 8 mm: screen titles */
	UI_SIZE_HUGE,	/* 16 mm: the queue ticket, countdowns */
	UI_SIZE_COUNT
};

enum ui_align { UI_LEFT, UI_CENTRE, UI_RIGHT };

/* Colours of the theme (high contrast, colour never the only signal). */
enum ui_colour {
	UI_C_BG,      /* background */
	UI_C_TEXT,    /* text */
	UI_C_MUTED,   /* secondary text */
	UI_C_PRIMARY, /* the main action */
	UI_C_OK,      /* green: go, may leave */
	UI_C_WARN,    /* amber: soon, check */
	UI_C_BAD,     /* red: refused, stop */
	UI_C_PANEL,   /* card / panel background */
	UI_C_ON_DARK, /* text on the coloured buttons */
	UI_C_COUNT
};

enum ui_button_kind {
	UI_BTN_PRIMARY,	  /* filled, the action the screen is for */
	UI_BTN_SECONDARY, /* outlined */
	UI_BTN_YES,	  /* green filled, with a tick */
	UI_BTN_NO,	  /* red filled, with a cross */
	UI_BTN_KEY,	  /* a keypad key */
};

struct ui_options {
	int width, height;	/* window size in pixels */
	int fullscreen;		/* 0 in tests */
	double px_per_mm;	/* display density; 0: 96 dpi (3.78 px/mm) */
	const char *font;	/* a .ttf/.otf/.ttc file; NULL: Noto Sans CJK SC
				 * (fonts-noto-cjk, face 2, font_index ignored) */
	int font_index;		/* face in a .ttc */
	const char *fallback_font; /* for characters the font lacks; may be NULL */
	const char *strings_dir;   /* folder of zh_CN.tsv and en.tsv */
};

struct ui;

/*
 * Opens the window and renderer (the software renderer when the
 * environment asks for it: SDL_RENDER_DRIVER=software, as headless tests
 * do), the fonts and the string tables (a malformed line, a duplicate key
 * or a missing table fails here, naming file and line; the language
 * starts as UI_ZH). Returns 0 with *out, or -1 with
 * one line in why (whycap bytes). Close with ui_close (accepts NULL).
 */
int ui_open(const struct ui_options *o, struct ui **out, char *why, size_t whycap);
void ui_close(struct ui *u);

SDL_Renderer *ui_renderer(struct ui *u);
SDL_Window *ui_window(struct ui *u);

/* The whole window. */
struct ui_rect ui_screen(const struct ui *u);

/* Millimetres to pixels at the display's density, rounded (times
 * UI_LARGE_SCALE in large-text mode when scaled is 1). The caller lays
 * out: size touch targets with it, at least ui_mm(u, 12, 1) on each side
 * (gloved fingers, unsteady hands), so they keep their size on the glass
 * whatever the resolution. */
int ui_mm(const struct ui *u, double mm, int scaled);

void ui_set_lang(struct ui *u, enum ui_lang lang);
enum ui_lang ui_get_lang(const struct ui *u);
void ui_set_large(struct ui *u, int on);
int ui_get_large(const struct ui *u);

/* The text of key in the current language (borrowed, lives as long as u).
 * A key missing from the table gives key itself (the caller's pointer), so
 * it shows; NULL gives "". */
const char *ui_str(const struct ui *u, const char *key);
/* The same in a given language. */
const char *ui_str_lang(const struct ui *u, enum ui_lang lang, const char *key);

/*
 * Checks both tables: same key set, no empty text, every "{name}"
 * placeholder (lower-case letters, digits, '_') present in both languages.
 * Returns 0, or -1 with the first problem in why (file:line: key ...).
 */
int ui_strings_check(const struct ui *u, char *why, size_t whycap);

/* Frames. begin clears to the background and starts a new list of
 * widgets; end presents, and the new list replaces the last frame's, which
 * ui_hit, ui_widget_rect and ui_widget_shown answer from (also while the
 * next frame is being drawn). */
void ui_frame_begin(struct ui *u);
void ui_frame_end(struct ui *u);

/* Text from the top of r, wrapped to r.w ('\n' breaks lines; Chinese
 * breaks between characters), aligned in r, clipped to r; returns the
 * height drawn (at most r.h; 0 for NULL or ""). */
int ui_text(struct ui *u, struct ui_rect r, const char *text, enum ui_size size,
	    enum ui_align align, enum ui_colour colour);

/* A text that may be taller than r, a page at a time: draws page `page`
 * (from 0; past the last: the last) as whole lines from the top of r, or
 * nothing for a negative page, and returns how many pages the text takes
 * at r.w x r.h (1 when it fits). */
int ui_text_page(struct ui *u, struct ui_rect r, const char *text, enum ui_size size,
		 enum ui_align align, enum ui_colour colour, int page);

/* A filled rectangle / a frame of width px. */
void ui_fill(struct ui *u, struct ui_rect r, enum ui_colour colour);
void ui_frame(struct ui *u, struct ui_rect r, int width_px, enum ui_colour colour);

/* A button with id (at most UI_ID_MAX - 1 bytes, else drawn but not
 * registered) and label (NULL: none), centred, wrapped, clipped; registered
 * for hit testing. */
void ui_button(struct ui *u, const char *id, struct ui_rect r, const char *label,
	       enum ui_button_kind kind);
/* A disabled button: drawn greyed, never hit. */
void ui_button_off(struct ui *u, const char *id, struct ui_rect r, const char *label);

/*
 * A keypad in r with rows of keys given as labels separated by spaces and
 * rows by '|', e.g. "1 2 3|4 5 6|7 8 9|X 0 DEL". Each key is a button with
 * id "<prefix>.<label>" ("keypad.7", "keypad.DEL") whatever the language.
 * A key shows its label as given, unless the string table has
 * "ui.key.<label>" ("ui.key.DEL" = 删除 / Delete): then that text.
 * Rows share r's height; the keys of a row share its width.
 */
void ui_keypad(struct ui *u, const char *prefix, struct ui_rect r, const char *layout);

/* A progress bar: done of total (total <= 0: empty; done >= total: full). */
void ui_progress(struct ui *u, struct ui_rect r, int64_t done, int64_t total,
		 enum ui_colour colour);

/* A QR code of payload (byte mode, ECC M), black on white with its quiet
 * zone, in whole pixels per module, as large as fits r, centred. Nothing
 * is drawn if it does not fit (logged once). */
void ui_qr(struct ui *u, struct ui_rect r, const char *payload);

/* A signature pad: strokes the caller keeps (ui_sigpad_*), drawn in r; the
 * pad registers id for hit testing. */
struct ui_sigpad {
	int16_t *xy; /* points relative to the pad, x,y pairs; -1,-1 ends a stroke */
	size_t n, cap;
};
void ui_sigpad(struct ui *u, const char *id, struct ui_rect r, const struct ui_sigpad *s);
/* Adds a point (window coordinates inside the pad's last rect r) or ends a
 * stroke (down = 0, or a point outside r). A zeroed struct is an empty
 * pad. Returns 0, or -1 when full (16k points) / out of memory. */
int ui_sigpad_add(struct ui_sigpad *s, struct ui_rect r, int x, int y, int down);
/* Forgets every stroke and frees the points (also the cleanup). */
void ui_sigpad_clear(struct ui_sigpad *s);
/* The strokes as a PNG of r's size (black on white, the pen as on screen)
 * into a new buffer (*png, *len; free()). 0 or -1. */
int ui_sigpad_png(const struct ui_sigpad *s, struct ui_rect r, uint8_t **png, size_t *len);

/* A modal: dims the frame and shows a panel with a title, text and up to
 * two buttons (id1 filled, id2 outlined; an id NULL omits its button).
 * While it is shown only its buttons are hit: declare it last in the
 * frame (widgets declared after it count as part of it). */
void ui_modal(struct ui *u, const char *title, const char *text, const char *id1,
	      const char *label1, const char *id2, const char *label2);

/* The id of the enabled widget under (x, y) in the last frame (the last
 * declared on top), or NULL. Borrowed until the next ui_frame_end. */
const char *ui_hit(const struct ui *u, int x, int y);
/* The rect of widget id in the last frame: 0, or -1 if it was not drawn. */
int ui_widget_rect(const struct ui *u, const char *id, struct ui_rect *out);
/* 1 if id was drawn enabled in the last frame and takes touches (not
 * under a modal), else 0. */
int ui_widget_shown(const struct ui *u, const char *id);

/* Layout helpers: row / column i of r cut into n with gaps of gap px; the
 * pieces tile r exactly, their sizes differing by at most 1 px. i outside
 * [0, n): a zero-size rect at r's corner. */
struct ui_rect ui_row(struct ui_rect r, int n, int i, int gap);
struct ui_rect ui_col(struct ui_rect r, int n, int i, int gap);
/* r shrunk by m px on every side (never below zero size). */
struct ui_rect ui_inset(struct ui_rect r, int m);

/* Saves the last presented frame as a PNG (RGB). With the software
 * renderer the window surface is the frame, read back here; any other
 * renderer copies each frame before presenting, for this. 0 or -1 (also
 * before the first frame). */
int ui_shot(struct ui *u, const char *path);

/*
 * Compares two PNG files pixel by pixel: writes the number of differing
 * pixels to *diff (and the sizes must match). 0, or -1 (unreadable, or
 * sizes differ: *diff = -1).
 */
int ui_png_compare(const char *a, const char *b, long *diff);

#endif
