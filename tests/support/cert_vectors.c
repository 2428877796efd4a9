/*
 * cert_vectors: locating and reading the shared certificate test vectors
 * (see cert_vectors.h).
 */
#include "cert_vectors.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#ifndef VB_ASSETS_DIR
#error "VB_ASSETS_DIR must point at <project>/assets"
#endif

int cert_vectors_path(const char *rel, char *out, size_t cap)
{
	int n = snprintf(out, cap, "%s/../../shared/vectors/certs%s%s", VB_ASSETS_DIR,
			 rel && rel[0] ? "/" : "", rel ? rel : "");
	return n < 0 || (size_t)n >= cap ? -1 : 0;
}

int cert_vectors_present(void)
{
	char dir[4096];
	struct stat st;
	if (cert_vectors_path("", dir, sizeof(dir)) != 0)
		return 0;
	if (stat(dir, &st) == 0 && S_ISDIR(st.st_mode))
		return 1;
	printf("certificate vectors not found at %s\n", dir);
	return 0;
}

char *cert_vectors_read(const char *rel, size_t *len)
{
	char path[4096];
	char *buf = NULL;
	size_t n = 0;
	FILE *f;

	if (cert_vectors_path(rel, path, sizeof(path)) != 0)
		return NULL;
	f = fopen(path, "rb");
	if (!f)
		return NULL;
	buf = malloc(CERT_VECTORS_FILE_MAX + 1);
	if (buf) {
		n = fread(buf, 1, CERT_VECTORS_FILE_MAX + 1, f);
		if (ferror(f) || n > CERT_VECTORS_FILE_MAX) {
			free(buf);
			buf = NULL;
		} else {
			buf[n] = '\0';
			if (len)
				*len = n;
		}
	}
	fclose(f);
	return buf;
}
