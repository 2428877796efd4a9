/*
 * receipt: the template interpreter and the text rasteriser (receipt.h).
 */
#include "receipt.h"

#include "vb_error.h"

#include <SDL_ttf.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LINE_MAX_BYTES 8192 /* one template line after substitution (a QR payload) */
#define FONT_CACHE     16   /* open fonts kept for the process (path, face, size) */
#define TEMPLATE_MAX   (64 * 1024)

struct layout {
	const struct receipt_font *font;
	struct printer_page *page;
	int px, center, y, line;
	char *err;
	size_t errcap;
};

static int fail(struct layout *l, int rc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail(struct layout *l, int rc, const char *fmt, ...)
{
	va_list ap;
	int n = l->line ? snprintf(l->err, l->errcap, "template line %d: ", l->line) : 0;
	if (n < 0 || (size_t)n >= l->errcap)
		n = 0;
	va_start(ap, fmt);
	vsnprintf(l->err + n, l->errcap - (size_t)n, fmt, ap);
	va_end(ap);
	return rc;
}

/*
 * Fonts stay open for the life of the process: opening the CJK collection
 * costs about 6 ms per size, more than the rest of a receipt. When the
 * cache is full the oldest entry is closed. Not thread-safe, like the
 * rest of receipt_render (one rendering thread).
 */
static struct {
	char path[256];
	int index, px;
	TTF_Font *font;
} font_cache[FONT_CACHE];
static unsigned font_next;

static TTF_Font *font_at(struct layout *l, int px)
{
	const struct receipt_font *f = l->font;
	for (int i = 0; i < FONT_CACHE; i++)
		if (font_cache[i].font && font_cache[i].px == px &&
		    font_cache[i].index == f->index && strcmp(font_cache[i].path, f->path) == 0)
			return font_cache[i].font;
	if (strlen(f->path) >= sizeof(font_cache[0].path))
		return NULL;
	TTF_Font *font = TTF_OpenFontIndex(f->path, px, f->index);
	if (!font)
		return NULL;
	unsigned slot = font_next++ % FONT_CACHE;
	if (font_cache[slot].font)
		TTF_CloseFont(font_cache[slot].font);
	snprintf(font_cache[slot].path, sizeof(font_cache[slot].path), "%s", f->path);
	font_cache[slot].index = f->index;
	font_cache[slot].px = px;
	font_cache[slot].font = font;
	return font;
}

/* Grows the page so rows [0, y + h) exist. */
static int room(struct layout *l, int h)
{
	if (l->y + h > printer_page_height(l->page) && printer_page_extend(l->page, l->y + h) != 0)
		return fail(l, VB_ENOMEM, "the receipt is too long");
	return VB_OK;
}

/* Draws one line of text (it fits the width) at l->y. */
static int draw_line(struct layout *l, TTF_Font *f, const char *text)
{
	static const SDL_Color black = {0, 0, 0, 255};
	int h = TTF_FontLineSkip(f), rc = room(l, h);
	if (rc)
		return rc;
	if (*text) {
		SDL_Surface *s = TTF_RenderUTF8_Solid(f, text, black);
		if (!s)
			return fail(l, VB_EINVAL, "cannot render text: %s", TTF_GetError());
		int w = s->w < printer_page_width(l->page) ? s->w : printer_page_width(l->page);
		int x0 = l->center ? (printer_page_width(l->page) - w) / 2 : 0;
		const uint8_t *px = s->pixels;
		for (int y = 0; y < s->h && y < h; y++)
			for (int x = 0; x < w; x++)
				if (px[y * s->pitch + x]) /* palette index 1 = glyph */
					printer_page_set(l->page, x0 + x, l->y + y, 1);
		SDL_FreeSurface(s);
	}
	l->y += h;
	return VB_OK;
}

static size_t utf8_len(const char *s)
{
	unsigned char c = (unsigned char)*s;
	size_t n = c < 0x80 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
	for (size_t i = 1; i < n; i++)
		if (!s[i])
			return i;
	return n;
}

/* Wraps one paragraph to the page width: the longest prefix that fits,
 * broken at the last space when there is one (Latin words), else at any
 * character (CJK). */
static int draw_paragraph(struct layout *l, const char *text)
{
	TTF_Font *f = font_at(l, l->px);
	char buf[LINE_MAX_BYTES];
	if (!f)
		return fail(l, VB_EIO, "cannot open the font %s: %s", l->font->path,
			    TTF_GetError());
	if (!*text)
		return draw_line(l, f, "");
	while (*text) {
		size_t fit = 0, space = 0, n;
		while (text[fit]) {
			n = utf8_len(text + fit);
			int w = 0;
			memcpy(buf, text, fit + n);
			buf[fit + n] = '\0';
			if (TTF_SizeUTF8(f, buf, &w, NULL) || w > printer_page_width(l->page))
				break;
			fit += n;
			if (text[fit] == ' ')
				space = fit;
		}
		if (fit == 0)
			fit = utf8_len(text); /* one glyph wider than the paper */
		else if (text[fit] && space)
			fit = space;
		memcpy(buf, text, fit);
		buf[fit] = '\0';
		int rc = draw_line(l, f, buf);
		if (rc)
			return rc;
		text += fit;
		while (*text == ' ')
			text++;
	}
	return VB_OK;
}

/* Text whose newlines (from a placeholder's value) start new lines. */
static int draw_text(struct layout *l, char *text)
{
	int rc = VB_OK;
	if (!*text)
		return draw_paragraph(l, text);
	for (char *save, *p = strtok_r(text, "\n", &save); p && !rc;
	     p = strtok_r(NULL, "\n", &save))
		rc = draw_paragraph(l, p);
	return rc;
}

static int draw_qr(struct layout *l, char *args, struct printer_qr_info *info)
{
	char level, *text;
	int dots;
	int n = 0;
	if (sscanf(args, "%c %d %n", &level, &dots, &n) != 2 || n == 0 || !args[n])
		return fail(l, VB_EINVAL, "want: qr L|M|Q|H DOTS TEXT");
	text = args + n;
	QRecLevel ec = level == 'L'   ? QR_ECLEVEL_L
		       : level == 'M' ? QR_ECLEVEL_M
		       : level == 'Q' ? QR_ECLEVEL_Q
		       : level == 'H' ? QR_ECLEVEL_H
				      : (QRecLevel)-1;
	if ((int)ec < 0 || dots < 1 || dots > 16)
		return fail(l, VB_EINVAL, "want: qr L|M|Q|H DOTS(1-16) TEXT");
	QRcode *qr = NULL;
	if (printer_qr_encode((const uint8_t *)text, strlen(text), ec, &qr))
		return fail(l, VB_EINVAL, "the QR payload does not fit a QR code");
	int side = printer_qr_side(qr, dots), rc = room(l, side);
	int x = (printer_page_width(l->page) - side) / 2;
	if (!rc && (side > printer_page_width(l->page) ||
		    printer_qr_draw(l->page, qr, x < 0 ? 0 : x, l->y, dots)))
		rc = fail(l, VB_EINVAL,
			  "a QR of version %d at %d dots per module is wider than "
			  "the paper",
			  qr->version, dots);
	if (!rc && info) {
		info->version = qr->version;
		info->modules = qr->width;
		info->side = side;
		info->x = x;
		info->y = l->y;
	}
	QRcode_free(qr);
	if (!rc)
		l->y += side;
	return rc;
}

/* Copies line into out replacing {name} with its value. */
static int substitute(struct layout *l, const char *line, const struct receipt_var *vars,
		      size_t n_vars, char *out, size_t cap)
{
	size_t o = 0;
	for (const char *p = line; *p;) {
		const char *v = NULL;
		if (*p == '{') {
			const char *end = strchr(p, '}');
			if (!end)
				return fail(l, VB_EINVAL, "'{' without '}'");
			for (size_t i = 0; i < n_vars && !v; i++)
				if (strlen(vars[i].name) == (size_t)(end - p - 1) &&
				    strncmp(vars[i].name, p + 1, (size_t)(end - p - 1)) == 0)
					v = vars[i].value;
			if (!v)
				return fail(l, VB_EINVAL, "unknown placeholder %.*s",
					    (int)(end - p + 1), p);
			p = end + 1;
		}
		size_t n = v ? strlen(v) : 1;
		if (o + n >= cap)
			return fail(l, VB_EINVAL, "the line is longer than %zu bytes", cap - 1);
		memcpy(out + o, v ? v : p, n);
		o += n;
		if (!v)
			p++;
	}
	out[o] = '\0';
	return VB_OK;
}

static int run_line(struct layout *l, char *line, struct printer_qr_info *qr)
{
	char *args = line + strcspn(line, " ");
	if (*args)
		*args++ = '\0';
	int v = 0, n = 0;
	if (strcmp(line, "size") == 0) {
		if (sscanf(args, "%d%n", &v, &n) != 1 || args[n] || v < 8 || v > 200)
			return fail(l, VB_EINVAL, "want: size 8..200");
		l->px = v;
	} else if (strcmp(line, "align") == 0) {
		if (strcmp(args, "left") && strcmp(args, "center"))
			return fail(l, VB_EINVAL, "want: align left|center");
		l->center = strcmp(args, "center") == 0;
	} else if (strcmp(line, "text") == 0) {
		return draw_text(l, args);
	} else if (strcmp(line, "space") == 0) {
		if (sscanf(args, "%d%n", &v, &n) != 1 || args[n] || v < 1 || v > 400)
			return fail(l, VB_EINVAL, "want: space 1..400");
		int rc = room(l, v);
		if (!rc)
			l->y += v;
		return rc;
	} else if (strcmp(line, "rule") == 0) {
		int rc = room(l, 12);
		if (!rc)
			printer_page_fill(l->page, 0, l->y + 5, printer_page_width(l->page), 2, 1);
		l->y += 12;
		return rc;
	} else if (strcmp(line, "qr") == 0) {
		return draw_qr(l, args, qr);
	} else {
		return fail(l, VB_EINVAL, "unknown command '%s'", line);
	}
	return VB_OK;
}

int receipt_render(const char *tmpl, const struct receipt_var *vars, size_t n_vars,
		   const struct receipt_font *font, int width, struct printer_page **out,
		   struct printer_qr_info *qr, char *err, size_t errcap)
{
	struct layout l = {.font = font, .px = 24, .err = err, .errcap = errcap};
	char raw[LINE_MAX_BYTES], line[LINE_MAX_BYTES];
	int rc = VB_OK;
	err[0] = '\0';
	if (!TTF_WasInit() && TTF_Init() != 0)
		return fail(&l, VB_EIO, "cannot start the font renderer: %s", TTF_GetError());
	if (printer_page_new(width, &l.page))
		return fail(&l, VB_EINVAL, "a page %d dots wide cannot be made", width);
	for (const char *p = tmpl; *p && !rc;) {
		size_t len = strcspn(p, "\n");
		l.line++;
		if (len >= sizeof(raw)) {
			rc = fail(&l, VB_EINVAL, "the line is longer than %zu bytes",
				  sizeof(raw) - 1);
			break;
		}
		memcpy(raw, p, len);
		raw[len] = '\0';
		p += len + (p[len] == '\n');
		if (len && raw[len - 1] == '\r')
			raw[len - 1] = '\0';
		if (!raw[0] || raw[0] == '#')
			continue;
		rc = substitute(&l, raw, vars, n_vars, line, sizeof(line));
		if (!rc)
			rc = run_line(&l, line, qr);
	}
	if (rc) {
		printer_page_free(l.page);
		return rc;
	}
	*out = l.page;
	return VB_OK;
}

int receipt_load(const char *path, char **out, char *err, size_t errcap)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		snprintf(err, errcap, "%s: cannot open", path);
		return VB_EIO;
	}
	char *buf = malloc(TEMPLATE_MAX + 1);
	size_t n = buf ? fread(buf, 1, TEMPLATE_MAX + 1, f) : 0;
	fclose(f);
	if (!buf || n > TEMPLATE_MAX) {
		free(buf);
		snprintf(err, errcap, "%s: larger than %d bytes", path, TEMPLATE_MAX);
		return VB_ERANGE;
	}
	buf[n] = '\0';
	*out = buf;
	return VB_OK;
}
