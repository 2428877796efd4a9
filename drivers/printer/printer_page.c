/*
 * printer_page: a growable 1-bit page (see printer_page.h).
 */
#include "printer_page.h"

#include <stdlib.h>
#include <string.h>

#include "drv_error.h"

struct printer_page {
	int width, height, cap_rows;
	size_t stride;
	uint8_t *bits; /* cap_rows * stride bytes; rows past height are white */
};

int printer_page_new(int width, struct printer_page **out)
{
	if (width < 1 || width > PRINTER_PAGE_MAX_DOTS || !out)
		return DRV_EINVAL;
	struct printer_page *p = calloc(1, sizeof(*p));
	if (!p)
		return DRV_ENOMEM;
	p->width = width;
	p->stride = ((size_t)width + 7) / 8;
	*out = p;
	return DRV_OK;
}

void printer_page_free(struct printer_page *p)
{
	if (!p)
		return;
	free(p->bits);
	free(p);
}

int printer_page_width(const struct printer_page *p)
{
	return p->width;
}

int printer_page_height(const struct printer_page *p)
{
	return p->height;
}

size_t printer_page_stride(const struct printer_page *p)
{
	return p->stride;
}

const uint8_t *printer_page_bits(const struct printer_page *p)
{
	return p->height ? p->bits : NULL;
}

int printer_page_extend(struct printer_page *p, int height)
{
	if (height < 0 || height > PRINTER_PAGE_MAX_ROWS)
		return DRV_EINVAL;
	if (height <= p->height)
		return DRV_OK;
	if (height > p->cap_rows) {
		int cap = p->cap_rows ? p->cap_rows : 64;
		while (cap < height)
			cap = cap > PRINTER_PAGE_MAX_ROWS / 2 ? PRINTER_PAGE_MAX_ROWS : cap * 2;
		uint8_t *bits = realloc(p->bits, (size_t)cap * p->stride);
		if (!bits)
			return DRV_ENOMEM;
		memset(bits + (size_t)p->cap_rows * p->stride, 0,
		       (size_t)(cap - p->cap_rows) * p->stride);
		p->bits = bits;
		p->cap_rows = cap;
	}
	p->height = height;
	return DRV_OK;
}

int printer_page_feed(struct printer_page *p, int rows)
{
	if (rows < 0 || rows > PRINTER_PAGE_MAX_ROWS - p->height)
		return DRV_EINVAL;
	return printer_page_extend(p, p->height + rows);
}

static void put_dot(struct printer_page *p, int x, int y, int black)
{
	uint8_t *byte = p->bits + (size_t)y * p->stride + (size_t)x / 8;
	uint8_t bit = (uint8_t)(0x80 >> (x % 8));
	if (black)
		*byte |= bit;
	else
		*byte &= (uint8_t)~bit;
}

int printer_page_set(struct printer_page *p, int x, int y, int black)
{
	if (x < 0 || x >= p->width || y < 0 || y >= PRINTER_PAGE_MAX_ROWS)
		return DRV_EINVAL;
	int rc = printer_page_extend(p, y + 1);
	if (rc)
		return rc;
	put_dot(p, x, y, black);
	return DRV_OK;
}

int printer_page_get(const struct printer_page *p, int x, int y)
{
	if (x < 0 || x >= p->width || y < 0 || y >= p->height)
		return 0;
	return (p->bits[(size_t)y * p->stride + (size_t)x / 8] >> (7 - x % 8)) & 1;
}

/* Checks a rectangle's rows and grows the page to hold them. */
static int rows_for(struct printer_page *p, int y, int h)
{
	if (y < 0 || h < 0 || y > PRINTER_PAGE_MAX_ROWS || h > PRINTER_PAGE_MAX_ROWS - y)
		return DRV_EINVAL;
	return printer_page_extend(p, y + h);
}

int printer_page_fill(struct printer_page *p, int x, int y, int w, int h, int black)
{
	if (w < 0)
		return DRV_EINVAL;
	int rc = rows_for(p, y, h);
	if (rc)
		return rc;
	long x0 = x < 0 ? 0 : x;
	long x1 = (long)x + w > p->width ? p->width : (long)x + w;
	for (int yy = y; yy < y + h; yy++)
		for (long xx = x0; xx < x1; xx++)
			put_dot(p, (int)xx, yy, black);
	return DRV_OK;
}

int printer_page_blit(struct printer_page *p, int x, int y, const uint8_t *bits, int w, int h,
		      size_t stride)
{
	if (w < 0 || (w > 0 && h > 0 && (!bits || stride < ((size_t)w + 7) / 8)))
		return DRV_EINVAL;
	int rc = rows_for(p, y, h);
	if (rc)
		return rc;
	for (int r = 0; r < h; r++) {
		const uint8_t *row = bits + (size_t)r * stride;
		for (int c = 0; c < w; c++) {
			long xx = (long)x + c;
			if (xx < 0 || xx >= p->width)
				continue;
			if ((row[c / 8] >> (7 - c % 8)) & 1)
				put_dot(p, (int)xx, y + r, 1);
		}
	}
	return DRV_OK;
}

int printer_page_write_pbm(const struct printer_page *p, FILE *f)
{
	int h = p->height ? p->height : 1;
	if (fprintf(f, "P4\n%d %d\n", p->width, h) < 0)
		return DRV_EIO;
	if (p->height) {
		size_t n = (size_t)p->height * p->stride;
		if (fwrite(p->bits, 1, n, f) != n)
			return DRV_EIO;
	} else {
		for (size_t i = 0; i < p->stride; i++)
			if (fputc(0, f) == EOF)
				return DRV_EIO;
	}
	return fflush(f) == 0 ? DRV_OK : DRV_EIO;
}

int printer_page_save_pbm(const struct printer_page *p, const char *path)
{
	FILE *f = fopen(path, "wb");
	if (!f)
		return DRV_EIO;
	int rc = printer_page_write_pbm(p, f);
	if (fclose(f) != 0 && !rc)
		rc = DRV_EIO;
	return rc;
}
