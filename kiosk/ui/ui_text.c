/*
 * ui_text.c: fonts, line breaking and the text texture cache.
 *
 * A text is laid out here rather than by TTF_RenderUTF8_Blended_Wrapped,
 * which breaks only at spaces (Chinese has none) and knows one font. Each
 * character takes the main font, or the fallback font when the main one
 * lacks it (TTF_GlyphIsProvided32); lines break at '\n', after spaces and
 * around Chinese characters (never before closing or after opening
 * punctuation), and inside a word only when the word alone is too wide.
 * Each line is cut into runs of one font, each run rendered with
 * TTF_RenderUTF8_Blended and its coverage composed onto one block that
 * becomes a texture, cached by (text, size, colour, wrap width, alignment)
 * with least-recently-used eviction: a frame whose texts are all cached
 * renders none and allocates nothing.
 */
#include "ui_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const double size_mm[UI_SIZE_COUNT] = {
    [UI_SIZE_SMALL] = 3.5, [UI_SIZE_BODY] = 5, [UI_SIZE_TITLE] = 8, [UI_SIZE_HUGE] = 16};

static int px_of(const struct ui *u, enum ui_size size, int large)
{
	double mm = size_mm[(unsigned)size < UI_SIZE_COUNT ? size : UI_SIZE_BODY];
	return (int)lround(mm * u->px_per_mm * (large ? UI_LARGE_SCALE : 1));
}

int ui_size_px(const struct ui *u, enum ui_size size)
{
	return px_of(u, size, u->large);
}

static TTF_Font *open_font(const char *path, int index, int px, char *why, size_t whycap)
{
	TTF_Font *f = TTF_OpenFontIndex(path, px, index);
	if (!f) {
		if (why && whycap)
			SDL_snprintf(why, whycap, "font %s (face %d): %s", path, index,
				     TTF_GetError());
		return NULL;
	}
	/* Runs are placed side by side by their measured widths. */
	TTF_SetFontKerning(f, 0);
	return f;
}

/* Opens font [s][l] and its fallback. 0, or -1 with why set. */
static int open_size(struct ui *u, int s, int l, char *why, size_t whycap)
{
	int ipx = px_of(u, (enum ui_size)s, l);
	u->font[s][l] = open_font(u->font_path, u->font_index, ipx, why, whycap);
	if (u->font[s][l] && u->fallback_path)
		u->fallback[s][l] = open_font(u->fallback_path, 0, ipx, why, whycap);
	return u->font[s][l] && (!u->fallback_path || u->fallback[s][l]) ? 0 : -1;
}

int ui_fonts_open(struct ui *u, const struct ui_options *o, char *why, size_t whycap)
{
	u->font_path = strdup(o->font);
	u->fallback_path = o->fallback_font ? strdup(o->fallback_font) : NULL;
	u->font_index = o->font_index;
	if (!u->font_path || (o->fallback_font && !u->fallback_path)) {
		if (why && whycap)
			SDL_snprintf(why, whycap, "out of memory");
		return -1;
	}
	return open_size(u, UI_SIZE_BODY, 0, why, whycap);
}

TTF_Font *ui_font(struct ui *u, enum ui_size size, TTF_Font **fallback)
{
	if ((unsigned)size >= UI_SIZE_COUNT)
		size = UI_SIZE_BODY;
	char why[300];
	if (!u->font[size][u->large] && !u->font_failed &&
	    open_size(u, size, u->large, why, sizeof(why)) != 0) {
		SDL_LogError(SDL_LOG_CATEGORY_APPLICATION, "ui: %s", why);
		u->font_failed = 1;
	}
	*fallback = u->fallback[size][u->large];
	return u->font[size][u->large];
}

void ui_fonts_close(struct ui *u)
{
	for (int s = 0; s < UI_SIZE_COUNT; s++)
		for (int l = 0; l < 2; l++) {
			if (u->font[s][l])
				TTF_CloseFont(u->font[s][l]);
			if (u->fallback[s][l])
				TTF_CloseFont(u->fallback[s][l]);
			u->font[s][l] = u->fallback[s][l] = NULL;
			free(u->font_path);
			free(u->fallback_path);
			u->font_path = u->fallback_path = NULL;
		}
}

/* ---- layout ---- */

struct glyph {
	uint32_t cp;
	int off, len; /* bytes in the text */
	int adv;      /* advance, px */
	int fb;	      /* from the fallback font */
};

struct line {
	int a, b; /* glyphs [a, b) */
	int w;	  /* measured width */
};

/* Decodes one UTF-8 sequence; malformed bytes give U+FFFD, one byte. */
static uint32_t utf8(const unsigned char *s, int *len)
{
	uint32_t c = s[0];
	int n = c < 0x80	     ? 1
		: (c & 0xE0) == 0xC0 ? 2
		: (c & 0xF0) == 0xE0 ? 3
		: (c & 0xF8) == 0xF0 ? 4
				     : 0;
	if (n == 0) {
		*len = 1;
		return 0xFFFD;
	}
	if (n == 1) {
		*len = 1;
		return c;
	}
	c &= 0x7Fu >> n;
	for (int i = 1; i < n; i++) {
		if ((s[i] & 0xC0) != 0x80) {
			*len = 1;
			return 0xFFFD;
		}
		c = (c << 6) | (s[i] & 0x3F);
	}
	static const uint32_t min[5] = {0, 0, 0x80, 0x800, 0x10000};
	if (c < min[n] || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) {
		*len = 1;
		return 0xFFFD;
	}
	*len = n;
	return c;
}

static int is_cjk(uint32_t c)
{
	return (c >= 0x2E80 && c <= 0x9FFF) || (c >= 0xAC00 && c <= 0xD7AF) ||
	       (c >= 0xF900 && c <= 0xFAFF) || (c >= 0xFE30 && c <= 0xFE4F) ||
	       (c >= 0xFF00 && c <= 0xFFEF) || (c >= 0x20000 && c <= 0x3FFFF);
}

static int in(uint32_t c, const uint32_t *set)
{
	for (; *set; set++)
		if (*set == c)
			return 1;
	return 0;
}

/* A line may not start with closing punctuation nor end with opening. */
static const uint32_t no_start[] = {0xFF0C, 0x3002, 0x3001, 0xFF1B, 0xFF1A, 0xFF01, 0xFF1F, 0xFF09,
				    0x300D, 0x300F, 0x300B, 0x3009, 0x3011, 0x3015, 0x2026, 0x00B7,
				    0x2019, 0x201D, 0xFF05, ',',    '.',    ';',    ':',    '!',
				    '?',    ')',    ']',    '}',    '%',    0};
static const uint32_t no_end[] = {0xFF08, 0x300C, 0x300E, 0x300A, 0x3008, 0x3010, 0x3014,
				  0x2018, 0x201C, '(',	  '[',	  '{',	  0};

/* Whether a line may break between glyphs i-1 and i. */
static int break_before(const struct glyph *g, int i)
{
	uint32_t p = g[i - 1].cp, c = g[i].cp;
	if (c == ' ' || in(c, no_start) || in(p, no_end))
		return 0;
	return p == ' ' || is_cjk(p) || is_cjk(c);
}

/* Greedy line breaking of glyphs [0, n) to width wrap (<= 0: no wrapping).
 * Writes at most n + 1 lines (each soft break takes a glyph); returns
 * their count. */
static int break_lines(const struct glyph *g, int n, int wrap, struct line *lines)
{
	int nl = 0, a = 0;
	for (;;) {
		int b = a, w = 0, brk = -1, soft = 0;
		while (b < n && g[b].cp != '\n') {
			if (b > a && break_before(g, b))
				brk = b;
			if (wrap > 0 && b > a && g[b].cp != ' ' && w + g[b].adv > wrap) {
				/* At the last opportunity, else inside the word. */
				b = brk > a ? brk : b;
				soft = 1;
				break;
			}
			w += g[b].adv;
			b++;
		}
		int e = b;
		while (e > a && g[e - 1].cp == ' ')
			e--;
		lines[nl++] = (struct line){a, e, 0};
		if (!soft && b == n)
			return nl;
		a = soft ? b : b + 1;
		while (soft && a < n && g[a].cp == ' ')
			a++; /* a soft break eats the spaces after it */
	}
}

static TTF_Font *font_of(TTF_Font *main, TTF_Font *fb, const struct glyph *g)
{
	return g->fb ? fb : main;
}

/* Copies glyphs [a, b) of text to buf as a NUL-terminated string. */
static const char *span(const char *text, const struct glyph *g, int a, int b, char *buf)
{
	size_t len = (size_t)(g[b - 1].off + g[b - 1].len - g[a].off);
	memcpy(buf, text + g[a].off, len);
	buf[len] = '\0';
	return buf;
}

/* The end of the run starting at a (same font), below b. */
static int run_end(const struct glyph *g, int a, int b)
{
	int e = a + 1;
	while (e < b && g[e].fb == g[a].fb)
		e++;
	return e;
}

/* Composes a run's coverage (ARGB8888, colour c) onto dst at (x, y): the
 * larger alpha wins where runs touch, the colour is the text's. */
static void compose(SDL_Surface *dst, SDL_Surface *src, int x, int y, SDL_Color c)
{
	uint32_t rgb = (uint32_t)c.r << 16 | (uint32_t)c.g << 8 | c.b;
	for (int sy = 0; sy < src->h; sy++) {
		int dy = y + sy;
		if (dy < 0 || dy >= dst->h)
			continue;
		const uint32_t *sp =
		    (const uint32_t *)((const uint8_t *)src->pixels + sy * src->pitch);
		uint32_t *dp = (uint32_t *)((uint8_t *)dst->pixels + dy * dst->pitch);
		for (int sx = 0; sx < src->w; sx++) {
			int dx = x + sx;
			if (dx < 0 || dx >= dst->w)
				continue;
			uint32_t sa = sp[sx] >> 24, da = dp[dx] >> 24;
			dp[dx] = (sa > da ? sa : da) << 24 | rgb;
		}
	}
}

/* Renders text to a new ARGB8888 surface; NULL for nothing to draw. */
static SDL_Surface *render(TTF_Font *main, TTF_Font *fb, const char *text, SDL_Color c, int wrap,
			   enum ui_align align)
{
	int len = (int)strlen(text);
	struct glyph *g = malloc(sizeof(*g) * ((size_t)len + 1));
	struct line *lines = malloc(sizeof(*lines) * ((size_t)len + 2));
	char *buf = malloc((size_t)len + 1);
	SDL_Surface *out = NULL;
	if (!g || !lines || !buf)
		goto out;
	int n = 0;
	for (int off = 0; off < len;) {
		int l;
		uint32_t cp = utf8((const unsigned char *)text + off, &l);
		int fbk = fb && cp != '\n' && !TTF_GlyphIsProvided32(main, cp) &&
			  TTF_GlyphIsProvided32(fb, cp);
		int adv = 0;
		if (cp != '\n')
			TTF_GlyphMetrics32(fbk ? fb : main, cp, NULL, NULL, NULL, NULL, &adv);
		g[n++] = (struct glyph){cp, off, l, adv, fbk};
		off += l;
	}
	int nl = break_lines(g, n, wrap, lines);
	/* Measure each line as its runs will render. */
	int bw = 0;
	for (int i = 0; i < nl; i++) {
		int w = 0;
		for (int a = lines[i].a; a < lines[i].b;) {
			int e = run_end(g, a, lines[i].b), rw = 0;
			TTF_SizeUTF8(font_of(main, fb, &g[a]), span(text, g, a, e, buf), &rw, NULL);
			w += rw;
			a = e;
		}
		lines[i].w = w;
		if (w > bw)
			bw = w;
	}
	int skip = TTF_FontLineSkip(main), asc = TTF_FontAscent(main);
	if (bw == 0)
		goto out;
	out = SDL_CreateRGBSurfaceWithFormat(0, bw, skip * nl, 32, SDL_PIXELFORMAT_ARGB8888);
	if (!out)
		goto out;
	SDL_FillRect(out, NULL, 0);
	for (int i = 0; i < nl; i++) {
		int x = align == UI_CENTRE  ? (bw - lines[i].w) / 2
			: align == UI_RIGHT ? bw - lines[i].w
					    : 0;
		for (int a = lines[i].a; a < lines[i].b;) {
			int e = run_end(g, a, lines[i].b), rw = 0;
			TTF_Font *f = font_of(main, fb, &g[a]);
			const char *run = span(text, g, a, e, buf);
			TTF_SizeUTF8(f, run, &rw, NULL);
			SDL_Surface *s = TTF_RenderUTF8_Blended(f, run, c);
			SDL_Surface *conv =
			    s && s->format->format != SDL_PIXELFORMAT_ARGB8888
				? SDL_ConvertSurfaceFormat(s, SDL_PIXELFORMAT_ARGB8888, 0)
				: s;
			if (conv) {
				SDL_LockSurface(conv);
				compose(out, conv, x, i * skip + asc - TTF_FontAscent(f), c);
				SDL_UnlockSurface(conv);
			}
			if (conv != s)
				SDL_FreeSurface(conv);
			SDL_FreeSurface(s);
			x += rw;
			a = e;
		}
	}
out:
	free(buf);
	free(lines);
	free(g);
	return out;
}

/* ---- cache ---- */

void ui_text_cache_init(struct ui_text_cache *c)
{
	memset(c, 0, sizeof(*c));
	for (int i = 0; i < UI_TEXT_BUCKETS; i++)
		c->bucket[i] = -1;
	c->head = c->tail = -1;
}

void ui_text_cache_clear(struct ui_text_cache *c)
{
	for (int i = 0; i < UI_TEXT_CACHE; i++) {
		free(c->e[i].text);
		if (c->e[i].tex)
			SDL_DestroyTexture(c->e[i].tex);
	}
	ui_text_cache_init(c);
}

static uint64_t hash(const char *text, int px, uint32_t rgba, int wrap, enum ui_align align)
{
	uint64_t h = 0xcbf29ce484222325u;
	for (const unsigned char *p = (const unsigned char *)text; *p; p++)
		h = (h ^ *p) * 0x100000001b3u;
	const uint32_t k[4] = {(uint32_t)px, rgba, (uint32_t)wrap, (uint32_t)align};
	for (int i = 0; i < 4; i++)
		h = (h ^ k[i]) * 0x100000001b3u;
	return h;
}

static void lru_unlink(struct ui_text_cache *c, int i)
{
	struct ui_text_entry *e = &c->e[i];
	if (e->prev >= 0)
		c->e[e->prev].next = e->next;
	else
		c->head = e->next;
	if (e->next >= 0)
		c->e[e->next].prev = e->prev;
	else
		c->tail = e->prev;
}

static void lru_front(struct ui_text_cache *c, int i)
{
	struct ui_text_entry *e = &c->e[i];
	e->prev = -1;
	e->next = c->head;
	if (c->head >= 0)
		c->e[c->head].prev = i;
	c->head = i;
	if (c->tail < 0)
		c->tail = i;
}

static void bucket_unlink(struct ui_text_cache *c, int i)
{
	int *p = &c->bucket[c->e[i].hash & (UI_TEXT_BUCKETS - 1)];
	while (*p != i)
		p = &c->e[*p].chain;
	*p = c->e[i].chain;
}

/* A free slot, evicting the least recently used entry when full. */
static int take_slot(struct ui_text_cache *c)
{
	if (c->used < UI_TEXT_CACHE) {
		for (int i = 0; i < UI_TEXT_CACHE; i++)
			if (!c->e[i].text)
				return i;
	}
	int i = c->tail;
	lru_unlink(c, i);
	bucket_unlink(c, i);
	free(c->e[i].text);
	if (c->e[i].tex)
		SDL_DestroyTexture(c->e[i].tex);
	c->e[i] = (struct ui_text_entry){0};
	c->used--;
	c->evictions++;
	return i;
}

SDL_Texture *ui_text_get(struct ui *u, const char *text, enum ui_size size, SDL_Color col, int wrap,
			 enum ui_align align, int *w, int *h)
{
	*w = *h = 0;
	if (!text || !*text)
		return NULL;
	if ((unsigned)size >= UI_SIZE_COUNT)
		size = UI_SIZE_BODY;
	struct ui_text_cache *c = &u->cache;
	int px = ui_size_px(u, size);
	uint32_t rgba =
	    (uint32_t)col.r << 24 | (uint32_t)col.g << 16 | (uint32_t)col.b << 8 | col.a;
	if (wrap < 0)
		wrap = 0;
	uint64_t hv = hash(text, px, rgba, wrap, align);
	for (int i = c->bucket[hv & (UI_TEXT_BUCKETS - 1)]; i >= 0; i = c->e[i].chain) {
		struct ui_text_entry *e = &c->e[i];
		if (e->hash == hv && e->px == px && e->rgba == rgba && e->wrap == wrap &&
		    e->align == align && strcmp(e->text, text) == 0) {
			c->hits++;
			if (c->head != i) {
				lru_unlink(c, i);
				lru_front(c, i);
			}
			*w = e->w;
			*h = e->h;
			return e->tex;
		}
	}
	c->misses++;
	char *copy = strdup(text);
	if (!copy)
		return NULL;
	TTF_Font *fb, *main = ui_font(u, size, &fb);
	SDL_Surface *s = main ? render(main, fb, text, col, wrap, align) : NULL;
	SDL_Texture *tex = s ? SDL_CreateTextureFromSurface(u->ren, s) : NULL;
	if (s && !tex)
		SDL_LogError(SDL_LOG_CATEGORY_APPLICATION, "ui: text texture: %s", SDL_GetError());
	int tw = s ? s->w : 0, th = s ? s->h : 0;
	SDL_FreeSurface(s);
	if (s && !tex) {
		free(copy);
		return NULL;
	}
	if (tex)
		SDL_SetTextureBlendMode(tex, SDL_BLENDMODE_BLEND);
	/* Texts that draw nothing (only spaces) are cached as such too. */
	int i = take_slot(c);
	c->e[i] = (struct ui_text_entry){copy, hv, px, wrap, rgba, align, tex, tw, th, -1, -1, -1};
	c->e[i].chain = c->bucket[hv & (UI_TEXT_BUCKETS - 1)];
	c->bucket[hv & (UI_TEXT_BUCKETS - 1)] = i;
	lru_front(c, i);
	c->used++;
	*w = tw;
	*h = th;
	return tex;
}

/* Draws rows [from, from + clip.h) of texture t (w x h) in clip, aligned;
 * returns the height drawn. */
static int blit(struct ui *u, SDL_Texture *t, int w, int h, enum ui_align align,
		struct ui_rect clip, int from)
{
	if (!t || clip.w <= 0 || clip.h <= 0 || from >= h)
		return 0;
	int x = align == UI_CENTRE  ? clip.x + (clip.w - w) / 2
		: align == UI_RIGHT ? clip.x + clip.w - w
				    : clip.x;
	SDL_Rect src = {0, from, w, h - from < clip.h ? h - from : clip.h};
	if (x < clip.x) { /* one glyph wider than the wrap width */
		src.x = clip.x - x;
		src.w -= src.x;
		x = clip.x;
	}
	if (x + src.w > clip.x + clip.w)
		src.w = clip.x + clip.w - x;
	if (src.w <= 0)
		return 0;
	SDL_RenderCopy(u->ren, t, &src, &(SDL_Rect){x, clip.y, src.w, src.h});
	return src.h;
}

int ui_text_draw(struct ui *u, const char *text, enum ui_size size, SDL_Color c, int wrap,
		 enum ui_align align, struct ui_rect clip)
{
	int w, h;
	SDL_Texture *t = ui_text_get(u, text, size, c, wrap, align, &w, &h);
	return blit(u, t, w, h, align, clip, 0);
}

int ui_text(struct ui *u, struct ui_rect r, const char *text, enum ui_size size,
	    enum ui_align align, enum ui_colour colour)
{
	return ui_text_draw(u, text, size, ui_colour_rgb(colour), r.w, align, r);
}

int ui_text_page(struct ui *u, struct ui_rect r, const char *text, enum ui_size size,
		 enum ui_align align, enum ui_colour colour, int page)
{
	int w, h;
	SDL_Texture *t = ui_text_get(u, text, size, ui_colour_rgb(colour), r.w, align, &w, &h);
	TTF_Font *fb, *main = ui_font(u, size, &fb);
	int skip = main ? TTF_FontLineSkip(main) : 0;
	int per = skip > 0 ? r.h / skip * skip : 0; /* whole lines only */
	if (!t || per <= 0)
		return 1;
	int pages = (h + per - 1) / per;
	if (page >= 0) {
		r.h = per;
		blit(u, t, w, h, align, r, (page < pages ? page : pages - 1) * per);
	}
	return pages;
}

void ui_text_stats(const struct ui *u, struct ui_text_stats *out)
{
	out->hits = u->cache.hits;
	out->misses = u->cache.misses;
	out->evictions = u->cache.evictions;
	out->entries = u->cache.used;
}
