/*
 * ui_int.h: private to kiosk/ui (and its unit tests) — the handle's
 * layout, the text cache, the string tables, the widget registry and the
 * triangle batch that draws thick lines. Nothing here is part of the API.
 */
#ifndef UI_INT_H
#define UI_INT_H

#include <SDL_ttf.h>

#include "ui.h"

#define UI_TEXT_CACHE	     256 /* cached text textures (LRU) */
#define UI_TEXT_BUCKETS	     512 /* hash buckets, a power of two */
#define UI_WIDGETS_MAX	     256 /* widgets registered per frame */
#define UI_QR_CACHE	     4	 /* QR textures kept */
#define UI_GEOM_VERTICES     1020
#define UI_GEOM_INDICES	     1530
#define UI_STRINGS_MAX_BYTES (4 << 20) /* a string table file */

/* One table: the file's bytes (unescaped in place) and its entries sorted
 * by key. */
struct ui_string {
	const char *key, *text;
	int line;
};
struct ui_table {
	char *buf;
	struct ui_string *e;
	size_t n;
	const char *name; /* "zh_CN.tsv" */
};

struct ui_text_entry {
	char *text; /* owned copy; NULL: the slot is free */
	uint64_t hash;
	int px, wrap;
	uint32_t rgba;
	enum ui_align align;
	SDL_Texture *tex;
	int w, h;
	int chain;	/* next entry in the same bucket, -1 */
	int prev, next; /* LRU list, most recent first, -1 */
};

struct ui_text_cache {
	struct ui_text_entry e[UI_TEXT_CACHE];
	int bucket[UI_TEXT_BUCKETS];
	int head, tail, used;
	unsigned long hits, misses, evictions;
};

struct ui_widget {
	char id[UI_ID_MAX];
	struct ui_rect r;
	unsigned char enabled, modal;
};
struct ui_widgets {
	struct ui_widget w[UI_WIDGETS_MAX];
	int n;
	int modal; /* a modal was declared in this frame */
};

struct ui_qr_entry {
	char *text;	  /* owned; NULL: free slot */
	int room;	  /* the smaller side of the rect it was made for */
	SDL_Texture *tex; /* NULL when it cannot be drawn there */
	int side;
	uint64_t used;
};

/* Triangles of one colour, sent to the renderer in batches. */
struct ui_geom {
	SDL_Renderer *ren;
	SDL_Color c;
	int nv, ni;
	SDL_Vertex v[UI_GEOM_VERTICES];
	int idx[UI_GEOM_INDICES];
};

struct ui {
	SDL_Window *win;
	SDL_Renderer *ren;
	int soft; /* the software renderer: the window surface is the frame */
	int w, h;
	double px_per_mm;
	enum ui_lang lang;
	int large;
	int font_failed; /* a font size could not be opened (logged once) */
	/* [size][large], each opened on first use (ui_font; the body size at ui_open, to
	 * check the files): a .ttc of CJK takes 10-20 ms to open. */
	TTF_Font *font[UI_SIZE_COUNT][2], *fallback[UI_SIZE_COUNT][2];
	char *font_path, *fallback_path;
	int font_index;
	struct ui_table strings[UI_LANG_COUNT];
	struct ui_text_cache cache;
	struct ui_widgets frames[2]; /* [drawn] the frame being drawn, the other the last */
	int drawn;
	struct ui_qr_entry qr[UI_QR_CACHE];
	uint64_t frame_no;
	uint32_t *kept; /* other renderers: the last frame, read before present */
	int kept_valid;
	int warned; /* registry full / id too long, logged once */
	struct ui_geom geom;
};

/* Theme colour. */
SDL_Color ui_colour_rgb(enum ui_colour c);
void ui_set_colour(struct ui *u, SDL_Color c);

/* Registers a widget in the frame being drawn. */
void ui_register(struct ui *u, const char *id, struct ui_rect r, int enabled);

/* Pixel size of a text size in the current mode. */
int ui_size_px(const struct ui *u, enum ui_size size);

/* Text (ui_text.c). The cached texture of text (borrowed; valid until the
 * cache evicts it, i.e. use it before drawing other text), its size in
 * *w, *h; NULL for empty text or on failure. */
SDL_Texture *ui_text_get(struct ui *u, const char *text, enum ui_size size, SDL_Color c, int wrap,
			 enum ui_align align, int *w, int *h);
/* Draws text (wrapped to wrap) from clip's top, aligned between its
 * sides, clipped to it; returns the height drawn. */
int ui_text_draw(struct ui *u, const char *text, enum ui_size size, SDL_Color c, int wrap,
		 enum ui_align align, struct ui_rect clip);
int ui_fonts_open(struct ui *u, const struct ui_options *o, char *why, size_t whycap);
/* The main font of size in the current text mode, opened now if not yet
 * (NULL if it cannot be: logged once); *fallback gets its fallback (or
 * NULL). */
TTF_Font *ui_font(struct ui *u, enum ui_size size, TTF_Font **fallback);
void ui_fonts_close(struct ui *u);
void ui_text_cache_clear(struct ui_text_cache *c);
void ui_text_cache_init(struct ui_text_cache *c);

struct ui_text_stats {
	unsigned long hits, misses, evictions;
	int entries;
};
void ui_text_stats(const struct ui *u, struct ui_text_stats *out);

/* Strings (ui_strings.c). NULL when key is missing from lang's table. */
const char *ui_str_find(const struct ui *u, enum ui_lang lang, const char *key);
int ui_strings_load(struct ui *u, const char *dir, char *why, size_t whycap);
void ui_strings_free(struct ui *u);

/* QR cache (ui_widgets.c). */
void ui_qr_free(struct ui *u);

/* Thick lines as triangles (ui_sigpad.c). */
void ui_geom_begin(struct ui_geom *g, SDL_Renderer *ren, SDL_Color c);
void ui_geom_line(struct ui_geom *g, float x0, float y0, float x1, float y1, float width);
void ui_geom_disc(struct ui_geom *g, float x, float y, float radius);
void ui_geom_flush(struct ui_geom *g);

/* PNG into a growing buffer (ui_png.c): 0 or -1. */
int ui_png_encode(SDL_Surface *s, uint8_t **png, size_t *len);

#endif
