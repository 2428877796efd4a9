/*
 * ui.c: the handle (window, renderer, fonts, string tables), sizes in
 * millimetres, language and large-text mode, frames, plain rectangles,
 * the widget registry behind hit testing, and the layout helpers.
 */
#include "ui_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define UI_DEFAULT_FONT	      "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
#define UI_DEFAULT_FONT_INDEX 2 /* Simplified Chinese */
#define UI_DEFAULT_PX_PER_MM  (96.0 / 25.4)

SDL_Color ui_colour_rgb(enum ui_colour c)
{
	static const SDL_Color theme[UI_C_COUNT] = {
	    [UI_C_BG] = {0xFF, 0xFF, 0xFF, 0xFF},      [UI_C_TEXT] = {0x11, 0x11, 0x11, 0xFF},
	    [UI_C_MUTED] = {0x55, 0x55, 0x55, 0xFF},   [UI_C_PRIMARY] = {0x0B, 0x4F, 0x9C, 0xFF},
	    [UI_C_OK] = {0x1B, 0x7A, 0x3A, 0xFF},      [UI_C_WARN] = {0xA8, 0x55, 0x00, 0xFF},
	    [UI_C_BAD] = {0xB3, 0x26, 0x1E, 0xFF},     [UI_C_PANEL] = {0xEC, 0xEF, 0xF3, 0xFF},
	    [UI_C_ON_DARK] = {0xFF, 0xFF, 0xFF, 0xFF},
	};
	return (unsigned)c < UI_C_COUNT ? theme[c] : theme[UI_C_TEXT];
}

void ui_set_colour(struct ui *u, SDL_Color c)
{
	SDL_SetRenderDrawColor(u->ren, c.r, c.g, c.b, c.a);
}

static void set_why(char *why, size_t whycap, const char *what, const char *detail)
{
	if (why && whycap)
		snprintf(why, whycap, "%s: %s", what, detail);
}

int ui_open(const struct ui_options *o, struct ui **out, char *why, size_t whycap)
{
	if (!o || !out || o->width <= 0 || o->height <= 0 || !o->strings_dir) {
		set_why(why, whycap, "ui_open", "width, height and strings_dir are required");
		return -1;
	}
	/* The software renderer on X11/offscreen would otherwise present
	 * through a GL texture (and load Mesa); the environment still wins. */
	const char *driver = SDL_GetHint(SDL_HINT_RENDER_DRIVER);
	if (driver && strcmp(driver, "software") == 0)
		SDL_SetHintWithPriority(SDL_HINT_FRAMEBUFFER_ACCELERATION, "0", SDL_HINT_DEFAULT);
	if (SDL_InitSubSystem(SDL_INIT_VIDEO) != 0) {
		set_why(why, whycap, "SDL_Init", SDL_GetError());
		return -1;
	}
	if (TTF_Init() != 0) {
		set_why(why, whycap, "TTF_Init", TTF_GetError());
		SDL_QuitSubSystem(SDL_INIT_VIDEO);
		return -1;
	}
	struct ui *u = calloc(1, sizeof(*u));
	if (!u) {
		set_why(why, whycap, "ui_open", "out of memory");
		TTF_Quit();
		SDL_QuitSubSystem(SDL_INIT_VIDEO);
		return -1;
	}
	u->px_per_mm = o->px_per_mm > 0 ? o->px_per_mm : UI_DEFAULT_PX_PER_MM;
	u->lang = UI_ZH;
	ui_text_cache_init(&u->cache);

	struct ui_options fo = *o;
	if (!fo.font) {
		fo.font = UI_DEFAULT_FONT;
		fo.font_index = UI_DEFAULT_FONT_INDEX;
	}
	u->win =
	    SDL_CreateWindow("vaxbus", SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED, o->width,
			     o->height, o->fullscreen ? SDL_WINDOW_FULLSCREEN_DESKTOP : 0);
	if (!u->win) {
		set_why(why, whycap, "SDL_CreateWindow", SDL_GetError());
		goto fail;
	}
	u->ren = SDL_CreateRenderer(u->win, -1, 0);
	if (!u->ren) {
		set_why(why, whycap, "SDL_CreateRenderer", SDL_GetError());
		goto fail;
	}
	SDL_RendererInfo info;
	if (SDL_GetRendererInfo(u->ren, &info) != 0 ||
	    SDL_GetRendererOutputSize(u->ren, &u->w, &u->h) != 0) {
		set_why(why, whycap, "SDL_GetRendererInfo", SDL_GetError());
		goto fail;
	}
	u->soft = (info.flags & SDL_RENDERER_SOFTWARE) != 0;
	if (!u->soft) {
		u->kept = malloc((size_t)u->w * (size_t)u->h * 4);
		if (!u->kept) {
			set_why(why, whycap, "ui_open", "out of memory");
			goto fail;
		}
	}
	if (ui_fonts_open(u, &fo, why, whycap) != 0 ||
	    ui_strings_load(u, o->strings_dir, why, whycap) != 0)
		goto fail;
	*out = u;
	return 0;
fail:
	ui_close(u);
	return -1;
}

void ui_close(struct ui *u)
{
	if (!u)
		return;
	ui_qr_free(u);
	ui_text_cache_clear(&u->cache);
	ui_strings_free(u);
	ui_fonts_close(u);
	free(u->kept);
	if (u->ren)
		SDL_DestroyRenderer(u->ren);
	if (u->win)
		SDL_DestroyWindow(u->win);
	free(u);
	TTF_Quit();
	SDL_QuitSubSystem(SDL_INIT_VIDEO);
}

SDL_Renderer *ui_renderer(struct ui *u)
{
	return u->ren;
}

SDL_Window *ui_window(struct ui *u)
{
	return u->win;
}

struct ui_rect ui_screen(const struct ui *u)
{
	return (struct ui_rect){0, 0, u->w, u->h};
}

int ui_mm(const struct ui *u, double mm, int scaled)
{
	double px = mm * u->px_per_mm;
	if (scaled && u->large)
		px *= UI_LARGE_SCALE;
	return (int)lround(px);
}

void ui_set_lang(struct ui *u, enum ui_lang lang)
{
	if ((unsigned)lang < UI_LANG_COUNT)
		u->lang = lang;
}

enum ui_lang ui_get_lang(const struct ui *u)
{
	return u->lang;
}

void ui_set_large(struct ui *u, int on)
{
	u->large = on != 0;
}

int ui_get_large(const struct ui *u)
{
	return u->large;
}

void ui_frame_begin(struct ui *u)
{
	struct ui_widgets *f = &u->frames[u->drawn];
	f->n = 0;
	f->modal = 0;
	SDL_SetRenderDrawBlendMode(u->ren, SDL_BLENDMODE_NONE);
	ui_set_colour(u, ui_colour_rgb(UI_C_BG));
	SDL_RenderClear(u->ren);
}

void ui_frame_end(struct ui *u)
{
	if (u->kept) {
		/* Accelerated renderers: after present the back buffer is
		 * undefined, so ui_shot reads this copy. */
		u->kept_valid = SDL_RenderReadPixels(u->ren, NULL, SDL_PIXELFORMAT_ARGB8888,
						     u->kept, u->w * 4) == 0;
	}
	SDL_RenderPresent(u->ren);
	u->drawn ^= 1;
	u->frame_no++;
}

void ui_fill(struct ui *u, struct ui_rect r, enum ui_colour colour)
{
	if (r.w <= 0 || r.h <= 0)
		return;
	ui_set_colour(u, ui_colour_rgb(colour));
	SDL_RenderFillRect(u->ren, &(SDL_Rect){r.x, r.y, r.w, r.h});
}

void ui_frame(struct ui *u, struct ui_rect r, int width_px, enum ui_colour colour)
{
	if (r.w <= 0 || r.h <= 0 || width_px <= 0)
		return;
	int b = width_px;
	if (2 * b >= r.w || 2 * b >= r.h) {
		ui_fill(u, r, colour);
		return;
	}
	const SDL_Rect sides[4] = {
	    {r.x, r.y, r.w, b},
	    {r.x, r.y + r.h - b, r.w, b},
	    {r.x, r.y + b, b, r.h - 2 * b},
	    {r.x + r.w - b, r.y + b, b, r.h - 2 * b},
	};
	ui_set_colour(u, ui_colour_rgb(colour));
	SDL_RenderFillRects(u->ren, sides, 4);
}

void ui_register(struct ui *u, const char *id, struct ui_rect r, int enabled)
{
	struct ui_widgets *f = &u->frames[u->drawn];
	size_t len = id ? strlen(id) : 0;
	if (len == 0 || len >= UI_ID_MAX || f->n >= UI_WIDGETS_MAX) {
		if (!u->warned)
			SDL_LogError(SDL_LOG_CATEGORY_APPLICATION,
				     "ui: widget \"%.*s\" not registered (empty or long id, or "
				     "more than %d widgets)",
				     UI_ID_MAX, id ? id : "", UI_WIDGETS_MAX);
		u->warned = 1;
		return;
	}
	struct ui_widget *w = &f->w[f->n++];
	memcpy(w->id, id, len + 1);
	w->r = r;
	w->enabled = enabled != 0;
	w->modal = f->modal != 0;
}

static const struct ui_widgets *last_frame(const struct ui *u)
{
	return &u->frames[u->drawn ^ 1];
}

/* Whether w takes touches in frame f. */
static int hittable(const struct ui_widgets *f, const struct ui_widget *w)
{
	return w->enabled && (!f->modal || w->modal);
}

const char *ui_hit(const struct ui *u, int x, int y)
{
	const struct ui_widgets *f = last_frame(u);
	/* Last declared is on top. */
	for (int i = f->n - 1; i >= 0; i--) {
		const struct ui_widget *w = &f->w[i];
		if (hittable(f, w) && x >= w->r.x && x < w->r.x + w->r.w && y >= w->r.y &&
		    y < w->r.y + w->r.h)
			return w->id;
	}
	return NULL;
}

static const struct ui_widget *find(const struct ui *u, const char *id)
{
	const struct ui_widgets *f = last_frame(u);
	for (int i = f->n - 1; i >= 0; i--)
		if (id && strcmp(f->w[i].id, id) == 0)
			return &f->w[i];
	return NULL;
}

int ui_widget_rect(const struct ui *u, const char *id, struct ui_rect *out)
{
	const struct ui_widget *w = find(u, id);
	if (!w)
		return -1;
	*out = w->r;
	return 0;
}

int ui_widget_shown(const struct ui *u, const char *id)
{
	const struct ui_widget *w = find(u, id);
	return w && hittable(last_frame(u), w);
}

/* Piece i of n of a length, with gaps, the pieces tiling it exactly
 * (sizes differ by at most one pixel). */
static void cut(int start, int len, int n, int i, int gap, int *s, int *l)
{
	long long room = (long long)len - (long long)gap * (n - 1);
	if (room < 0)
		room = 0;
	long long a = room * i / n, b = room * (i + 1) / n;
	*s = start + (int)((long long)gap * i + a);
	*l = (int)(b - a);
}

struct ui_rect ui_row(struct ui_rect r, int n, int i, int gap)
{
	if (n <= 0 || i < 0 || i >= n)
		return (struct ui_rect){r.x, r.y, 0, 0};
	struct ui_rect o = r;
	cut(r.y, r.h, n, i, gap, &o.y, &o.h);
	return o;
}

struct ui_rect ui_col(struct ui_rect r, int n, int i, int gap)
{
	if (n <= 0 || i < 0 || i >= n)
		return (struct ui_rect){r.x, r.y, 0, 0};
	struct ui_rect o = r;
	cut(r.x, r.w, n, i, gap, &o.x, &o.w);
	return o;
}

struct ui_rect ui_inset(struct ui_rect r, int m)
{
	struct ui_rect o = {r.x + m, r.y + m, r.w - 2 * m, r.h - 2 * m};
	if (o.w < 0) {
		o.x = r.x + r.w / 2;
		o.w = 0;
	}
	if (o.h < 0) {
		o.y = r.y + r.h / 2;
		o.h = 0;
	}
	return o;
}
