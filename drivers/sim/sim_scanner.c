/*
 * sim_scanner: scans from a text file (format in sim_scanner.h). The file
 * is parsed once at open into entries over one decoded buffer; reads hand
 * them out in turn. Everything is wiped before it is freed (a scan may be
 * a resident's pre-registration code).
 */
#include "sim_scanner.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scanner_asm.h"

struct sim_entry {
	int rc;	    /* DRV_OK: a scan; else the directive's result */
	size_t off; /* the scan's bytes in sim_scanner.data */
	size_t len;
};

struct sim_scanner {
	struct scanner_dev base;
	uint8_t *data; /* decoded scans, back to back */
	size_t data_cap;
	struct sim_entry *entries;
	size_t n, next;
};

static const struct {
	const char *word;
	int rc;
} directives[] = {
    {"!timeout", DRV_ETIMEOUT},
    {"!partial", SCANNER_EPARTIAL},
    {"!overflow", SCANNER_EOVERFLOW},
    {"!unplug", DRV_ENODEV},
};

static int sim_read(struct scanner_dev *base, char *out, size_t cap, size_t *len, int timeout_ms)
{
	struct sim_scanner *s = (struct sim_scanner *)base;
	(void)timeout_ms;
	if (!out || !len)
		return DRV_EINVAL;
	if (s->n == 0)
		return DRV_ETIMEOUT;
	const struct sim_entry *e = &s->entries[s->next];
	s->next = (s->next + 1) % s->n;
	if (e->rc)
		return e->rc;
	if (cap < e->len + 1)
		return SCANNER_EOVERFLOW;
	memcpy(out, s->data + e->off, e->len);
	out[e->len] = '\0';
	*len = e->len;
	return DRV_OK;
}

static void sim_free(struct scanner_dev *base)
{
	struct sim_scanner *s = (struct sim_scanner *)base;
	if (!s)
		return;
	if (s->data)
		drv_wipe(s->data, s->data_cap);
	free(s->data);
	free(s->entries);
	drv_wipe(s, sizeof(*s));
	free(s);
}

static const struct scanner_dev_ops sim_ops = {
    .read = sim_read,
    .free = sim_free,
};

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decodes the escapes of line[0..n) to s->data at *used. */
static int decode_line(struct sim_scanner *s, const char *line, size_t n, size_t *used)
{
	size_t start = *used, o = *used;
	for (size_t i = 0; i < n; i++) {
		uint8_t b = (uint8_t)line[i];
		if (b == '\0')
			return DRV_EINVAL;
		if (b == '\\') {
			if (i + 1 < n && line[i + 1] == '\\') {
				i++;
			} else if (i + 3 < n && line[i + 1] == 'x' && hexval(line[i + 2]) >= 0 &&
				   hexval(line[i + 3]) >= 0) {
				b = (uint8_t)(hexval(line[i + 2]) << 4 | hexval(line[i + 3]));
				if (b == 0)
					return DRV_EINVAL;
				i += 3;
			} else {
				return DRV_EINVAL;
			}
		}
		if (o - start == SCANNER_SCAN_MAX)
			return DRV_EINVAL;
		s->data[o++] = b;
	}
	*used = o;
	return DRV_OK;
}

static int parse_line(struct sim_scanner *s, const char *line, size_t n, size_t *used)
{
	if (n && line[n - 1] == '\r')
		n--;
	if (n == 0 || line[0] == '#')
		return DRV_OK;
	struct sim_entry *e = &s->entries[s->n];
	memset(e, 0, sizeof(*e));
	if (line[0] == '!') {
		for (size_t i = 0; i < sizeof(directives) / sizeof(directives[0]); i++) {
			if (strlen(directives[i].word) == n &&
			    memcmp(directives[i].word, line, n) == 0) {
				e->rc = directives[i].rc;
				s->n++;
				return DRV_OK;
			}
		}
		return DRV_EINVAL;
	}
	e->off = *used;
	int rc = decode_line(s, line, n, used);
	if (rc)
		return rc;
	e->len = *used - e->off;
	s->n++;
	return DRV_OK;
}

int sim_scanner_open_mem(const char *text, size_t len, struct scanner_dev **out)
{
	int rc = DRV_OK;
	struct sim_scanner *s = NULL;
	if ((!text && len) || !out)
		return DRV_EINVAL;
	if (len > SIM_SCANNER_FILE_MAX)
		return DRV_EINVAL;
	size_t lines = 1;
	for (size_t i = 0; i < len; i++)
		lines += text[i] == '\n';
	s = calloc(1, sizeof(*s));
	if (!s)
		return DRV_ENOMEM;
	s->base.ops = &sim_ops;
	/* Decoding never grows a line. */
	s->data_cap = len ? len : 1;
	s->data = malloc(s->data_cap);
	s->entries = calloc(lines, sizeof(*s->entries));
	if (!s->data || !s->entries) {
		rc = DRV_ENOMEM;
		goto out;
	}
	size_t used = 0, start = 0;
	for (size_t i = 0; len && i <= len && !rc; i++) {
		if (i == len || text[i] == '\n') {
			rc = parse_line(s, text + start, i - start, &used);
			start = i + 1;
		}
	}
out:
	if (rc) {
		sim_free(&s->base);
		return rc;
	}
	*out = &s->base;
	return DRV_OK;
}

int sim_scanner_open(const char *path, struct scanner_dev **out)
{
	int rc = DRV_OK;
	char *buf = NULL;
	size_t len = 0;
	if (!path || !out)
		return DRV_EINVAL;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == EACCES ? DRV_EACCES : DRV_ENOTFOUND;
	buf = malloc(SIM_SCANNER_FILE_MAX + 1);
	if (!buf) {
		rc = DRV_ENOMEM;
		goto out;
	}
	for (;;) {
		ssize_t got = read(fd, buf + len, SIM_SCANNER_FILE_MAX + 1 - len);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			rc = DRV_EIO;
			goto out;
		}
		if (got == 0)
			break;
		len += (size_t)got;
		if (len > SIM_SCANNER_FILE_MAX) {
			rc = DRV_EINVAL;
			goto out;
		}
	}
	rc = sim_scanner_open_mem(buf, len, out);
out:
	if (buf)
		drv_wipe(buf, len);
	free(buf);
	close(fd);
	return rc;
}
