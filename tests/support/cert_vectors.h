/*
 * cert_vectors: the public certificate test vectors (SMART Health Card
 * spec examples and dev-tools cases, EU dgc-testdata), read in place from
 * <project>/../shared/vectors/certs — never copied into the project.
 *
 * The folder is found from the compile definition VB_ASSETS_DIR
 * (<project>/assets). When it is absent, tests print why and skip().
 */
#ifndef CERT_VECTORS_H
#define CERT_VECTORS_H

#include <stddef.h>

#define CERT_VECTORS_FILE_MAX (4u << 20) /* the largest vector is ~100 KiB */

/* 1 when the vectors folder exists, else 0 (after printing where it was
 * looked for, for the skip message). */
int cert_vectors_present(void);

/* Writes <vectors>/<rel> into out (cap bytes). 0, or -1 if it does not
 * fit. */
int cert_vectors_path(const char *rel, char *out, size_t cap);

/* The whole file <vectors>/<rel>, NUL-terminated, malloc'd (the caller
 * frees it); its length without the NUL in *len when len is not NULL.
 * NULL when it cannot be read or exceeds CERT_VECTORS_FILE_MAX. */
char *cert_vectors_read(const char *rel, size_t *len);

#endif
