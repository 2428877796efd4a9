/*
 * ui_widgets.c: buttons, the keypad, the progress bar, QR codes and the
 * modal. Every widget is drawn from its arguments alone (nothing depends
 * on time), so the same frame gives the same pixels; QR codes are encoded
 * once and kept as textures, like texts.
 */
#include "ui_int.h"

#include <qrencode.h>
#include <stdlib.h>
#include <string.h>

/* The border of outlined widgets. */
static int border(struct ui *u)
{
	int b = ui_mm(u, 0.6, 1);
	return b > 1 ? b : 1;
}

/* A tick or a cross in the square (x, y, s), in colour c. */
static void icon(struct ui *u, int tick, int x, int y, int s, SDL_Color c)
{
	struct ui_geom *g = &u->geom;
	float w = s / 7.0f > 2 ? s / 7.0f : 2, fx = (float)x, fy = (float)y, fs = (float)s;
	ui_geom_begin(g, u->ren, c);
	if (tick) {
		const float p[3][2] = {{0.12f, 0.55f}, {0.40f, 0.82f}, {0.90f, 0.22f}};
		for (int i = 0; i < 3; i++) {
			if (i)
				ui_geom_line(g, fx + p[i - 1][0] * fs, fy + p[i - 1][1] * fs,
					     fx + p[i][0] * fs, fy + p[i][1] * fs, w);
			ui_geom_disc(g, fx + p[i][0] * fs, fy + p[i][1] * fs, w / 2);
		}
	} else {
		ui_geom_line(g, fx + 0.2f * fs, fy + 0.2f * fs, fx + 0.8f * fs, fy + 0.8f * fs, w);
		ui_geom_line(g, fx + 0.8f * fs, fy + 0.2f * fs, fx + 0.2f * fs, fy + 0.8f * fs, w);
	}
	ui_geom_flush(g);
}

/* A label centred in r, after an icon when with_icon is 1 (tick) or 2
 * (cross); wrapped and clipped to the button. */
static void label_in(struct ui *u, struct ui_rect r, const char *label, enum ui_size size,
		     SDL_Color c, int with_icon)
{
	struct ui_rect in = ui_inset(r, ui_mm(u, 2, 1));
	int isz = with_icon ? ui_size_px(u, size) : 0, gap = isz / 3;
	int room = in.w - isz - gap, w, h;
	if (room <= 0)
		return;
	ui_text_get(u, label, size, c, room, UI_CENTRE, &w, &h);
	if (w > room)
		w = room;
	if (h > in.h)
		h = in.h;
	int x = in.x + (in.w - (isz + gap + w)) / 2;
	if (with_icon)
		icon(u, with_icon == 1, x, r.y + (r.h - isz) / 2, isz, c);
	ui_text_draw(u, label, size, c, room, UI_CENTRE,
		     (struct ui_rect){x + isz + gap, r.y + (r.h - h) / 2, w, h});
}

void ui_button(struct ui *u, const char *id, struct ui_rect r, const char *label,
	       enum ui_button_kind kind)
{
	enum ui_colour fill = UI_C_PRIMARY, text = UI_C_ON_DARK;
	enum ui_size size = UI_SIZE_BODY;
	int with_icon = 0;
	switch (kind) {
	case UI_BTN_PRIMARY:
		break;
	case UI_BTN_SECONDARY:
		fill = UI_C_BG;
		text = UI_C_PRIMARY;
		break;
	case UI_BTN_YES:
		fill = UI_C_OK;
		with_icon = 1;
		break;
	case UI_BTN_NO:
		fill = UI_C_BAD;
		with_icon = 2;
		break;
	case UI_BTN_KEY:
		fill = UI_C_PANEL;
		text = UI_C_TEXT;
		/* The title size, unless the key is too short to hold it. */
		size = r.h >= ui_size_px(u, UI_SIZE_TITLE) * 3 / 2 ? UI_SIZE_TITLE : UI_SIZE_BODY;
		break;
	}
	ui_fill(u, r, fill);
	if (kind == UI_BTN_SECONDARY)
		ui_frame(u, r, border(u), UI_C_PRIMARY);
	else if (kind == UI_BTN_KEY)
		ui_frame(u, r, 1, UI_C_MUTED);
	if (label)
		label_in(u, r, label, size, ui_colour_rgb(text), with_icon);
	ui_register(u, id, r, 1);
}

void ui_button_off(struct ui *u, const char *id, struct ui_rect r, const char *label)
{
	/* Greyed and without a border: not told by colour alone. */
	ui_fill(u, r, UI_C_PANEL);
	if (label)
		label_in(u, r, label, UI_SIZE_BODY, ui_colour_rgb(UI_C_MUTED), 0);
	ui_register(u, id, r, 0);
}

void ui_keypad(struct ui *u, const char *prefix, struct ui_rect r, const char *layout)
{
	if (!prefix || !layout)
		return;
	int rows = 1;
	for (const char *p = layout; *p; p++)
		rows += *p == '|';
	int gap = ui_mm(u, 2, 0);
	const char *p = layout;
	for (int i = 0; i < rows; i++) {
		const char *end = strchr(p, '|');
		if (!end)
			end = p + strlen(p);
		int keys = 0;
		for (const char *q = p; q < end; q++)
			keys += *q != ' ' && (q == p || q[-1] == ' ');
		struct ui_rect row = ui_row(r, rows, i, gap);
		int k = 0;
		for (const char *q = p; q < end;) {
			while (q < end && *q == ' ')
				q++;
			const char *e = q;
			while (e < end && *e != ' ')
				e++;
			if (e == q)
				break;
			int len = (int)(e - q);
			char id[UI_ID_MAX], key[UI_ID_MAX + 8];
			/* An id too long is not registered (ui_register logs it). */
			int fits =
			    snprintf(id, sizeof(id), "%s.%.*s", prefix, len, q) < (int)sizeof(id);
			snprintf(key, sizeof(key), "ui.key.%.*s", len, q);
			/* The label as given, unless the table names it
			 * ("ui.key.DEL"); the id stays the layout's. */
			const char *label = ui_str_find(u, u->lang, key);
			ui_button(u, fits ? id : NULL, ui_col(row, keys, k++, gap),
				  label ? label : key + strlen("ui.key."), UI_BTN_KEY);
			q = e;
		}
		p = *end ? end + 1 : end;
	}
}

void ui_progress(struct ui *u, struct ui_rect r, int64_t done, int64_t total, enum ui_colour colour)
{
	int b = border(u);
	ui_fill(u, r, UI_C_BG);
	ui_frame(u, r, b, UI_C_TEXT);
	struct ui_rect in = ui_inset(r, b);
	int w = 0;
	if (total > 0 && done > 0)
		w = done >= total ? in.w : (int)((double)done / (double)total * in.w);
	in.w = w;
	ui_fill(u, in, colour);
}

/* ---- QR ---- */

void ui_qr_free(struct ui *u)
{
	for (int i = 0; i < UI_QR_CACHE; i++) {
		free(u->qr[i].text);
		if (u->qr[i].tex)
			SDL_DestroyTexture(u->qr[i].tex);
		u->qr[i] = (struct ui_qr_entry){0};
	}
}

/* The texture of code q with the given module size: black modules on
 * white with the 4-module quiet zone. */
static SDL_Texture *qr_texture(struct ui *u, const QRcode *q, int module, int *side)
{
	*side = (q->width + 8) * module;
	SDL_Surface *s =
	    SDL_CreateRGBSurfaceWithFormat(0, *side, *side, 32, SDL_PIXELFORMAT_RGB888);
	if (!s)
		return NULL;
	SDL_FillRect(s, NULL, SDL_MapRGB(s->format, 0xFF, 0xFF, 0xFF));
	Uint32 black = SDL_MapRGB(s->format, 0, 0, 0);
	for (int y = 0; y < q->width; y++)
		for (int x = 0; x < q->width; x++)
			if (q->data[y * q->width + x] & 1)
				SDL_FillRect(
				    s,
				    &(SDL_Rect){(x + 4) * module, (y + 4) * module, module, module},
				    black);
	SDL_Texture *t = SDL_CreateTextureFromSurface(u->ren, s);
	SDL_FreeSurface(s);
	return t;
}

void ui_qr(struct ui *u, struct ui_rect r, const char *text)
{
	if (!text || !*text || r.w <= 0 || r.h <= 0)
		return;
	/* Kept by text and room; a text that cannot be encoded, or a room
	 * too small, is kept too, without a texture. */
	int room = r.w < r.h ? r.w : r.h;
	struct ui_qr_entry *e = NULL, *oldest = &u->qr[0];
	for (int i = 0; i < UI_QR_CACHE; i++) {
		struct ui_qr_entry *c = &u->qr[i];
		if (c->text && c->room == room && strcmp(c->text, text) == 0) {
			e = c;
			break;
		}
		if (!c->text || (oldest->text && c->used < oldest->used))
			oldest = c;
	}
	if (!e) {
		e = oldest;
		free(e->text);
		if (e->tex)
			SDL_DestroyTexture(e->tex);
		*e = (struct ui_qr_entry){strdup(text), room, NULL, 0, 0};
		if (!e->text)
			return;
		size_t len = strlen(text);
		QRcode *q =
		    QRcode_encodeData((int)len, (const unsigned char *)text, 0, QR_ECLEVEL_M);
		int module = q ? room / (q->width + 8) : 0;
		if (module >= 1)
			e->tex = qr_texture(u, q, module, &e->side);
		else
			SDL_LogError(SDL_LOG_CATEGORY_APPLICATION,
				     "ui: no QR code of %zu bytes in %d px", len, room);
		QRcode_free(q);
	}
	e->used = u->frame_no + 1;
	if (e->tex)
		SDL_RenderCopy(u->ren, e->tex, NULL,
			       &(SDL_Rect){r.x + (r.w - e->side) / 2, r.y + (r.h - e->side) / 2,
					   e->side, e->side});
}

/* ---- modal ---- */

void ui_modal(struct ui *u, const char *title, const char *text, const char *id1,
	      const char *label1, const char *id2, const char *label2)
{
	struct ui_rect s = ui_screen(u);
	SDL_SetRenderDrawBlendMode(u->ren, SDL_BLENDMODE_BLEND);
	SDL_SetRenderDrawColor(u->ren, 0, 0, 0, 0xA0);
	SDL_RenderFillRect(u->ren, NULL);
	SDL_SetRenderDrawBlendMode(u->ren, SDL_BLENDMODE_NONE);
	u->frames[u->drawn].modal = 1;

	int margin = ui_mm(u, 6, 0), pad = ui_mm(u, 6, 1), gap = ui_mm(u, 4, 1);
	int pw = s.w - 2 * margin, max = ui_mm(u, 170, 1);
	if (pw > max)
		pw = max;
	int inner = pw - 2 * pad, th = 0, bh = 0, tw;
	SDL_Color tc = ui_colour_rgb(UI_C_TEXT);
	ui_text_get(u, title, UI_SIZE_TITLE, tc, inner, UI_LEFT, &tw, &th);
	int xh = 0;
	ui_text_get(u, text, UI_SIZE_BODY, tc, inner, UI_LEFT, &tw, &xh);
	int buttons = (id1 != NULL) + (id2 != NULL);
	if (buttons)
		bh = ui_mm(u, 14, 1);
	int ph = pad + th + (th ? gap : 0) + xh + (buttons ? gap + bh : 0) + pad;
	if (ph > s.h - 2 * margin)
		ph = s.h - 2 * margin;
	struct ui_rect p = {(s.w - pw) / 2, (s.h - ph) / 2, pw, ph};
	ui_fill(u, p, UI_C_BG);
	ui_frame(u, p, border(u), UI_C_TEXT);
	struct ui_rect in = ui_inset(p, pad);
	struct ui_rect btn = {in.x, in.y + in.h - bh, in.w, bh};
	struct ui_rect body = {in.x, in.y, in.w, in.h - (buttons ? bh + gap : 0)};
	int used = ui_text_draw(u, title, UI_SIZE_TITLE, tc, inner, UI_LEFT, body);
	if (used) {
		body.y += used + gap;
		body.h -= used + gap;
	}
	ui_text_draw(u, text, UI_SIZE_BODY, tc, inner, UI_LEFT, body);
	int i = 0;
	if (id1)
		ui_button(u, id1, ui_col(btn, buttons, i++, gap), label1, UI_BTN_PRIMARY);
	if (id2)
		ui_button(u, id2, ui_col(btn, buttons, i, gap), label2, UI_BTN_SECONDARY);
}
