/*
 * ui_png.c: PNG in and out — a surface encoded into a growing memory
 * buffer (an SDL_RWops whose writes grow it, for IMG_SavePNG_RW), the
 * screenshot of the last presented frame, and the pixel comparison of two
 * PNG files that golden-image tests use.
 */
#include "ui_int.h"

#include <SDL_image.h>
#include <stdlib.h>
#include <string.h>

#define PNG_MAX_BYTES (64u << 20)

struct membuf {
	uint8_t *p;
	size_t n, cap, pos;
};

static Sint64 mem_size(SDL_RWops *rw)
{
	return (Sint64)((struct membuf *)rw->hidden.unknown.data1)->n;
}

static Sint64 mem_seek(SDL_RWops *rw, Sint64 off, int whence)
{
	struct membuf *m = rw->hidden.unknown.data1;
	Sint64 base = whence == RW_SEEK_SET   ? 0
		      : whence == RW_SEEK_CUR ? (Sint64)m->pos
					      : (Sint64)m->n;
	if (base + off < 0 || base + off > (Sint64)m->n)
		return SDL_SetError("seek out of the buffer");
	m->pos = (size_t)(base + off);
	return (Sint64)m->pos;
}

static size_t mem_read(SDL_RWops *rw, void *ptr, size_t size, size_t num)
{
	(void)rw;
	(void)ptr;
	(void)size;
	(void)num;
	SDL_SetError("write-only");
	return 0;
}

static size_t mem_write(SDL_RWops *rw, const void *ptr, size_t size, size_t num)
{
	struct membuf *m = rw->hidden.unknown.data1;
	if (size == 0 || num == 0)
		return 0;
	if (num > PNG_MAX_BYTES / size || m->pos + size * num > PNG_MAX_BYTES)
		return 0;
	size_t bytes = size * num, end = m->pos + bytes;
	if (end > m->cap) {
		size_t cap = m->cap ? m->cap : 16384;
		while (cap < end)
			cap *= 2;
		uint8_t *p = realloc(m->p, cap);
		if (!p)
			return 0;
		m->p = p;
		m->cap = cap;
	}
	memcpy(m->p + m->pos, ptr, bytes);
	m->pos = end;
	if (end > m->n)
		m->n = end;
	return num;
}

static int mem_close(SDL_RWops *rw)
{
	SDL_FreeRW(rw);
	return 0;
}

int ui_png_encode(SDL_Surface *s, uint8_t **png, size_t *len)
{
	struct membuf m = {0};
	SDL_RWops *rw = SDL_AllocRW();
	if (!rw)
		return -1;
	rw->size = mem_size;
	rw->seek = mem_seek;
	rw->read = mem_read;
	rw->write = mem_write;
	rw->close = mem_close;
	rw->type = SDL_RWOPS_UNKNOWN;
	rw->hidden.unknown.data1 = &m;
	int rc = IMG_SavePNG_RW(s, rw, 1);
	if (rc != 0 || m.n == 0) {
		free(m.p);
		return -1;
	}
	*png = m.p;
	*len = m.n;
	return 0;
}

int ui_shot(struct ui *u, const char *path)
{
	if (!u || !path || u->frame_no == 0)
		return -1;
	uint32_t *pixels = u->kept;
	if (u->soft) {
		/* The software renderer draws into the window surface, which
		 * present leaves as it was: it is the presented frame. */
		pixels = malloc((size_t)u->w * (size_t)u->h * 4);
		if (!pixels || SDL_RenderReadPixels(u->ren, NULL, SDL_PIXELFORMAT_ARGB8888, pixels,
						    u->w * 4) != 0) {
			free(pixels);
			return -1;
		}
	} else if (!u->kept_valid) {
		return -1;
	}
	int rc = -1;
	SDL_Surface *s = SDL_CreateRGBSurfaceWithFormatFrom(pixels, u->w, u->h, 32, u->w * 4,
							    SDL_PIXELFORMAT_RGB888);
	if (s) {
		rc = IMG_SavePNG(s, path) == 0 ? 0 : -1;
		SDL_FreeSurface(s);
	}
	if (pixels != u->kept)
		free(pixels);
	return rc;
}

static SDL_Surface *load(const char *path)
{
	SDL_Surface *s = IMG_Load(path);
	if (!s)
		return NULL;
	SDL_Surface *c = SDL_ConvertSurfaceFormat(s, SDL_PIXELFORMAT_ARGB8888, 0);
	SDL_FreeSurface(s);
	return c;
}

int ui_png_compare(const char *a, const char *b, long *diff)
{
	*diff = -1;
	SDL_Surface *sa = a ? load(a) : NULL, *sb = b ? load(b) : NULL;
	int rc = -1;
	if (sa && sb && sa->w == sb->w && sa->h == sb->h) {
		long n = 0;
		for (int y = 0; y < sa->h; y++) {
			const uint32_t *pa =
			    (const uint32_t *)((const uint8_t *)sa->pixels + y * sa->pitch);
			const uint32_t *pb =
			    (const uint32_t *)((const uint8_t *)sb->pixels + y * sb->pitch);
			for (int x = 0; x < sa->w; x++)
				n += pa[x] != pb[x];
		}
		*diff = n;
		rc = 0;
	}
	SDL_FreeSurface(sa);
	SDL_FreeSurface(sb);
	return rc;
}
