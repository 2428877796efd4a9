/*
 * sim_printer: the simulated receipt printer (see sim_printer.h).
 */
#include "sim_printer.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "escpos.h"
#include "escpos_decode.h"

#define DIR_MAX 3800 /* leaves room for "/receipt-0001.bin" under PATH_MAX */

struct sim_printer {
	struct printer_dev base;
	char dir[DIR_MAX];
	int paper_dots;
	enum sim_printer_state state;
	int unplugged;
	int out_armed; /* paper runs out after out_left bytes */
	size_t out_left;
	unsigned first;	  /* number of this device's first receipt */
	unsigned written; /* receipts written */
	uint8_t *buf;	  /* the receipt being received */
	size_t len, cap;
	size_t scanned; /* buf[0..scanned) holds whole commands and no cut */
};

static const struct printer_dev_ops sim_ops;

static struct sim_printer *sim_of(const struct printer_dev *d)
{
	return d && d->ops == &sim_ops ? (struct sim_printer *)d : NULL;
}

static int path_of(const struct sim_printer *s, unsigned number, const char *ext, char *buf,
		   size_t cap)
{
	int n = snprintf(buf, cap, "%s/receipt-%04u.%s", s->dir, number, ext);
	return n < 0 || (size_t)n >= cap ? DRV_EINVAL : DRV_OK;
}

static int has_switch(const struct sim_printer *s, const char *name)
{
	char path[DIR_MAX + 32];
	snprintf(path, sizeof(path), "%s/%s", s->dir, name);
	return access(path, F_OK) == 0;
}

static struct printer_status current(const struct sim_printer *s)
{
	struct printer_status st = {.online = 1};
	if (s->state == SIM_PRINTER_NEAR_END || has_switch(s, "paper-near-end"))
		st.paper_near_end = 1;
	if (s->state == SIM_PRINTER_PAPER_OUT || has_switch(s, "paper-out"))
		st.paper_out = 1;
	if (s->state == SIM_PRINTER_COVER_OPEN || has_switch(s, "cover-open"))
		st.cover_open = 1;
	if (s->state == SIM_PRINTER_OFFLINE || has_switch(s, "offline"))
		st.online = 0;
	/* A real printer goes offline while the paper is out or the cover open. */
	if (st.paper_out || st.cover_open)
		st.online = 0;
	return st;
}

static int write_file(const char *path, const uint8_t *data, size_t len)
{
	FILE *f = fopen(path, "wb");
	if (!f)
		return DRV_EIO;
	int rc = len && fwrite(data, 1, len, f) != len ? DRV_EIO : DRV_OK;
	if (fclose(f) != 0)
		rc = DRV_EIO;
	return rc;
}

/* Writes buf[0..n) as the next receipt and drops it from the buffer. */
static int flush(struct sim_printer *s, size_t n)
{
	if (n == 0)
		return DRV_OK;
	char path[DIR_MAX + 32];
	unsigned number = s->first + s->written;
	struct printer_page *page = NULL;
	int rc = path_of(s, number, "bin", path, sizeof(path));
	if (!rc)
		rc = write_file(path, s->buf, n);
	if (!rc)
		rc = escpos_decode(s->buf, n, s->paper_dots, 0, &page, NULL);
	if (!rc)
		rc = path_of(s, number, "pbm", path, sizeof(path));
	if (!rc)
		rc = printer_page_save_pbm(page, path);
	printer_page_free(page);
	memmove(s->buf, s->buf + n, s->len - n);
	s->len -= n;
	s->scanned = 0;
	if (rc)
		return rc == DRV_ENOMEM ? rc : DRV_EIO;
	s->written++;
	return DRV_OK;
}

/* Ends a receipt after every complete cut command received. */
static int cut_receipts(struct sim_printer *s)
{
	while (s->scanned < s->len) {
		size_t n = 0;
		int rc = escpos_command_len(s->buf + s->scanned, s->len - s->scanned, &n);
		if (rc == DRV_EPROTO)
			return DRV_OK; /* the rest of this command has not arrived */
		if (rc)
			n = 1; /* unknown: a byte the printer would ignore */
		const uint8_t *c = s->buf + s->scanned;
		s->scanned += n;
		if (n >= 3 && c[0] == 0x1D && c[1] == 'V') {
			rc = flush(s, s->scanned);
			if (rc)
				return rc;
		}
	}
	return DRV_OK;
}

static int take(struct sim_printer *s, const uint8_t *data, size_t n)
{
	if (n > SIM_PRINTER_MAX_RECEIPT - s->len)
		return DRV_EIO;
	if (s->len + n > s->cap) {
		size_t cap = s->cap ? s->cap : 4096;
		while (cap < s->len + n)
			cap *= 2;
		uint8_t *p = realloc(s->buf, cap);
		if (!p)
			return DRV_ENOMEM;
		s->buf = p;
		s->cap = cap;
	}
	memcpy(s->buf + s->len, data, n);
	s->len += n;
	return cut_receipts(s);
}

static int sim_status(struct printer_dev *d, struct printer_status *st, int timeout_ms)
{
	struct sim_printer *s = (struct sim_printer *)d; /* reached through sim_ops */
	(void)timeout_ms;
	if (s->unplugged)
		return DRV_ENODEV;
	*st = current(s);
	return DRV_OK;
}

static int sim_write(struct printer_dev *d, const uint8_t *buf, size_t len, int timeout_ms)
{
	struct sim_printer *s = (struct sim_printer *)d; /* reached through sim_ops */
	(void)timeout_ms;
	if (s->unplugged)
		return DRV_ENODEV;
	struct printer_status st = current(s);
	if (st.paper_out || st.cover_open || !st.online)
		return DRV_ETIMEOUT;
	if (s->out_armed && len >= s->out_left) {
		int rc = take(s, buf, s->out_left);
		s->out_armed = 0;
		s->state = SIM_PRINTER_PAPER_OUT;
		if (!rc)
			rc = flush(s, s->len); /* the torn receipt */
		if (!rc && len > s->out_left)
			rc = DRV_ETIMEOUT;
		return rc;
	}
	if (s->out_armed)
		s->out_left -= len;
	return take(s, buf, len);
}

static void sim_free(struct printer_dev *d)
{
	struct sim_printer *s = (struct sim_printer *)d; /* reached through sim_ops */
	flush(s, s->len);
	free(s->buf);
	free(s);
}

static const struct printer_dev_ops sim_ops = {sim_status, sim_write, sim_free};

int sim_printer_open(const char *out_dir, int paper_dots, struct printer_dev **out)
{
	if (!out_dir || !out || paper_dots < 1 || paper_dots > PRINTER_PAGE_MAX_DOTS ||
	    strlen(out_dir) >= DIR_MAX || !out_dir[0])
		return DRV_EINVAL;
	if (mkdir(out_dir, 0755) != 0 && errno != EEXIST)
		return DRV_EIO;
	struct stat sb;
	if (stat(out_dir, &sb) != 0 || !S_ISDIR(sb.st_mode))
		return DRV_EIO;
	struct sim_printer *s = calloc(1, sizeof(*s));
	if (!s)
		return DRV_ENOMEM;
	s->base.ops = &sim_ops;
	memcpy(s->dir, out_dir, strlen(out_dir) + 1);
	s->paper_dots = paper_dots;
	char path[DIR_MAX + 32];
	for (s->first = 1; s->first < 100000; s->first++) {
		path_of(s, s->first, "bin", path, sizeof(path));
		if (access(path, F_OK) != 0)
			break;
	}
	*out = &s->base;
	return DRV_OK;
}

int sim_printer_set_state(struct printer_dev *d, enum sim_printer_state st)
{
	struct sim_printer *s = sim_of(d);
	if (!s || st < SIM_PRINTER_OK || st > SIM_PRINTER_OFFLINE)
		return DRV_EINVAL;
	s->state = st;
	return DRV_OK;
}

int sim_printer_paper_out_after(struct printer_dev *d, size_t bytes)
{
	struct sim_printer *s = sim_of(d);
	if (!s)
		return DRV_EINVAL;
	s->out_armed = 1;
	s->out_left = bytes;
	return DRV_OK;
}

int sim_printer_set_unplugged(struct printer_dev *d, int unplugged)
{
	struct sim_printer *s = sim_of(d);
	if (!s)
		return DRV_EINVAL;
	s->unplugged = unplugged != 0;
	return DRV_OK;
}

unsigned sim_printer_receipts(const struct printer_dev *d)
{
	const struct sim_printer *s = sim_of(d);
	return s ? s->written : 0;
}

int sim_printer_receipt_path(const struct printer_dev *d, unsigned n, const char *ext, char *buf,
			     size_t cap)
{
	const struct sim_printer *s = sim_of(d);
	if (!s || n < 1 || n > s->written || !ext || !buf)
		return DRV_EINVAL;
	return path_of(s, s->first + n - 1, ext, buf, cap);
}
