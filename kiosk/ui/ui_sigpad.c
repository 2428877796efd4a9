/*
 * ui_sigpad.c: the signature pad (strokes the caller keeps, drawn on
 * screen and saved as PNG) and the thick lines it is drawn with: each
 * segment a quad and each point a disc, as triangles sent to the renderer
 * in batches (SDL_RenderGeometry), so the pad on screen and its PNG come
 * from the same code.
 */
#include "ui_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define SIGPAD_MAX_VALUES (32 * 1024) /* int16 values: 16k points */
#define DISC_SIDES	  12

void ui_geom_begin(struct ui_geom *g, SDL_Renderer *ren, SDL_Color c)
{
	g->ren = ren;
	g->c = c;
	g->nv = g->ni = 0;
}

void ui_geom_flush(struct ui_geom *g)
{
	if (g->ni)
		SDL_RenderGeometry(g->ren, NULL, g->v, g->nv, g->idx, g->ni);
	g->nv = g->ni = 0;
}

/* Room for nv vertices and ni indices; returns the first vertex's index. */
static int reserve(struct ui_geom *g, int nv, int ni)
{
	if (g->nv + nv > UI_GEOM_VERTICES || g->ni + ni > UI_GEOM_INDICES)
		ui_geom_flush(g);
	return g->nv;
}

static void vertex(struct ui_geom *g, float x, float y)
{
	g->v[g->nv++] = (SDL_Vertex){{x, y}, g->c, {0, 0}};
}

static void triangle(struct ui_geom *g, int a, int b, int c)
{
	g->idx[g->ni++] = a;
	g->idx[g->ni++] = b;
	g->idx[g->ni++] = c;
}

void ui_geom_line(struct ui_geom *g, float x0, float y0, float x1, float y1, float width)
{
	float dx = x1 - x0, dy = y1 - y0, len = sqrtf(dx * dx + dy * dy);
	if (len <= 0)
		return;
	float nx = -dy / len * width / 2, ny = dx / len * width / 2;
	int v = reserve(g, 4, 6);
	vertex(g, x0 + nx, y0 + ny);
	vertex(g, x0 - nx, y0 - ny);
	vertex(g, x1 - nx, y1 - ny);
	vertex(g, x1 + nx, y1 + ny);
	triangle(g, v, v + 1, v + 2);
	triangle(g, v, v + 2, v + 3);
}

void ui_geom_disc(struct ui_geom *g, float x, float y, float radius)
{
	/* Unit vectors 30 degrees apart. */
	static const float dir[DISC_SIDES][2] = {
	    {1, 0},  {0.866025f, 0.5f},	  {0.5f, 0.866025f},
	    {0, 1},  {-0.5f, 0.866025f},  {-0.866025f, 0.5f},
	    {-1, 0}, {-0.866025f, -0.5f}, {-0.5f, -0.866025f},
	    {0, -1}, {0.5f, -0.866025f},  {0.866025f, -0.5f},
	};
	int v = reserve(g, DISC_SIDES + 1, DISC_SIDES * 3);
	vertex(g, x, y);
	for (int i = 0; i < DISC_SIDES; i++)
		vertex(g, x + dir[i][0] * radius, y + dir[i][1] * radius);
	for (int i = 0; i < DISC_SIDES; i++)
		triangle(g, v, v + 1 + i, v + 1 + (i + 1) % DISC_SIDES);
}

/* The pen's width for a pad of r: thin on a small pad, never a hairline. */
static float pen_width(struct ui_rect r)
{
	int m = r.w < r.h ? r.w : r.h;
	return m / 80 > 2 ? (float)(m / 80) : 2.0f;
}

/* Draws s's strokes offset by (ox, oy), black, in pen width w. */
static void strokes(struct ui_geom *g, const struct ui_sigpad *s, int ox, int oy, float w)
{
	int have = 0;
	float px = 0, py = 0;
	for (size_t i = 0; s->xy && i + 1 < s->n; i += 2) {
		if (s->xy[i] < 0) {
			have = 0;
			continue;
		}
		float x = (float)(ox + s->xy[i]) + 0.5f, y = (float)(oy + s->xy[i + 1]) + 0.5f;
		if (have)
			ui_geom_line(g, px, py, x, y, w);
		ui_geom_disc(g, x, y, w / 2);
		px = x;
		py = y;
		have = 1;
	}
	ui_geom_flush(g);
}

static const SDL_Color ink = {0, 0, 0, 0xFF}, paper = {0xFF, 0xFF, 0xFF, 0xFF};

void ui_sigpad(struct ui *u, const char *id, struct ui_rect r, const struct ui_sigpad *s)
{
	if (r.w <= 0 || r.h <= 0)
		return;
	ui_set_colour(u, paper);
	SDL_RenderFillRect(u->ren, &(SDL_Rect){r.x, r.y, r.w, r.h});
	ui_frame(u, r, ui_mm(u, 0.5, 0) > 1 ? ui_mm(u, 0.5, 0) : 1, UI_C_MUTED);
	SDL_RenderSetClipRect(u->ren, &(SDL_Rect){r.x, r.y, r.w, r.h});
	ui_geom_begin(&u->geom, u->ren, ink);
	if (s)
		strokes(&u->geom, s, r.x, r.y, pen_width(r));
	SDL_RenderSetClipRect(u->ren, NULL);
	ui_register(u, id, r, 1);
}

static int push(struct ui_sigpad *s, int16_t x, int16_t y)
{
	if (s->n + 2 > s->cap) {
		if (s->cap >= SIGPAD_MAX_VALUES)
			return -1;
		size_t cap = s->cap ? s->cap * 2 : 512;
		int16_t *xy = realloc(s->xy, cap * sizeof(*xy));
		if (!xy)
			return -1;
		s->xy = xy;
		s->cap = cap;
	}
	s->xy[s->n++] = x;
	s->xy[s->n++] = y;
	return 0;
}

/* Whether the last entry ends a stroke (or there is none). */
static int ended(const struct ui_sigpad *s)
{
	return s->n < 2 || s->xy[s->n - 2] < 0;
}

int ui_sigpad_add(struct ui_sigpad *s, struct ui_rect r, int x, int y, int down)
{
	int inside = x >= r.x && x < r.x + r.w && y >= r.y && y < r.y + r.h && r.w <= INT16_MAX &&
		     r.h <= INT16_MAX;
	if (!down || !inside)
		return ended(s) ? 0 : push(s, -1, -1);
	int16_t px = (int16_t)(x - r.x), py = (int16_t)(y - r.y);
	if (!ended(s) && s->xy[s->n - 2] == px && s->xy[s->n - 1] == py)
		return 0;
	/* Keep room for the end of the stroke. */
	if (s->n + 4 > SIGPAD_MAX_VALUES)
		return -1;
	return push(s, px, py);
}

void ui_sigpad_clear(struct ui_sigpad *s)
{
	free(s->xy);
	*s = (struct ui_sigpad){0};
}

int ui_sigpad_png(const struct ui_sigpad *s, struct ui_rect r, uint8_t **png, size_t *len)
{
	if (!s || !png || !len || r.w <= 0 || r.h <= 0)
		return -1;
	SDL_Surface *surf = SDL_CreateRGBSurfaceWithFormat(0, r.w, r.h, 32, SDL_PIXELFORMAT_RGB888);
	struct ui_geom *g = malloc(sizeof(*g));
	SDL_Renderer *ren = surf ? SDL_CreateSoftwareRenderer(surf) : NULL;
	int rc = -1;
	if (!ren || !g)
		goto out;
	SDL_SetRenderDrawColor(ren, paper.r, paper.g, paper.b, paper.a);
	SDL_RenderClear(ren);
	ui_geom_begin(g, ren, ink);
	strokes(g, s, 0, 0, pen_width(r));
	SDL_RenderFlush(ren);
	rc = ui_png_encode(surf, png, len);
out:
	if (ren)
		SDL_DestroyRenderer(ren);
	free(g);
	SDL_FreeSurface(surf);
	return rc;
}
