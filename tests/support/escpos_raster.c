/*
 * escpos_raster: decode captured ESC/POS bytes for tests, compare pages,
 * read QR codes back with zbarimg (see escpos_raster.h).
 */
#include "escpos_raster.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "drv_error.h"

int escpos_raster_decode(const uint8_t *buf, size_t len, int paper_dots, struct printer_page **out,
			 struct escpos_decode_info *info)
{
	return escpos_decode(buf, len, paper_dots, ESCPOS_DECODE_STRICT, out, info);
}

int escpos_raster_to_pbm(const uint8_t *buf, size_t len, int paper_dots, const char *path,
			 struct escpos_decode_info *info)
{
	struct printer_page *page = NULL;
	int rc = escpos_raster_decode(buf, len, paper_dots, &page, info);
	if (rc)
		return rc;
	rc = printer_page_save_pbm(page, path);
	printer_page_free(page);
	return rc;
}

int escpos_raster_same(const struct printer_page *a, const struct printer_page *b)
{
	if (printer_page_width(a) != printer_page_width(b) ||
	    printer_page_height(a) != printer_page_height(b))
		return 0;
	size_t n = (size_t)printer_page_height(a) * printer_page_stride(a);
	return n == 0 || memcmp(printer_page_bits(a), printer_page_bits(b), n) == 0;
}

int escpos_raster_zbar(const char *pbm_path, char *out, size_t cap, size_t *len)
{
	int fds[2];
	if (!pbm_path || !out || cap == 0 || pipe(fds) != 0)
		return -1;
	pid_t pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	if (pid == 0) {
		dup2(fds[1], STDOUT_FILENO);
		close(fds[0]);
		close(fds[1]);
		execlp("zbarimg", "zbarimg", "--raw", "-q", "--nodbus", pbm_path, (char *)NULL);
		perror("zbarimg");
		_exit(127);
	}
	close(fds[1]);
	size_t n = 0;
	int overflow = 0;
	for (;;) {
		char tmp[4096];
		ssize_t got = read(fds[0], tmp, sizeof(tmp));
		if (got <= 0)
			break;
		if ((size_t)got > cap - 1 - n) {
			overflow = 1;
			continue;
		}
		memcpy(out + n, tmp, (size_t)got);
		n += (size_t)got;
	}
	close(fds[0]);
	int status = 0;
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0 ||
	    overflow || n == 0)
		return -1;
	int lines = 0;
	for (size_t i = 0; i < n; i++)
		lines += out[i] == '\n';
	if (out[n - 1] == '\n')
		n--;
	else
		lines++;
	out[n] = '\0';
	*len = n;
	return lines;
}

int escpos_raster_tmpdir(const char *tag, char *buf, size_t cap)
{
	const char *tmp = getenv("TMPDIR");
	if (!tmp || !tmp[0])
		tmp = "/tmp";
	int n = snprintf(buf, cap, "%s/vb-%s-XXXXXX", tmp, tag);
	if (n < 0 || (size_t)n >= cap)
		return -1;
	return mkdtemp(buf) ? 0 : -1;
}

int escpos_raster_rmdir(const char *path)
{
	DIR *d = opendir(path);
	if (!d)
		return -1;
	struct dirent *e;
	char file[4096];
	while ((e = readdir(d)) != NULL) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (snprintf(file, sizeof(file), "%s/%s", path, e->d_name) < (int)sizeof(file))
			unlink(file);
	}
	closedir(d);
	return rmdir(path);
}
