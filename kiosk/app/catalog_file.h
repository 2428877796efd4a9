/*
 * catalog_file: reads a vaccine catalog from its JSON file (the format is
 * documented in assets/vaccines/README.md) into the core's struct catalog.
 *
 * Every key is checked: unknown keys, missing keys, wrong JSON types,
 * strings too long for their field and integers out of range are refused
 * here; the rules across fields and products (intervals, ages,
 * substitutes, duplicate ids, GTIN check digits) by catalog_check() in the
 * core. Every message names the file, the product, the key and what is
 * wrong, e.g. "catalog.json: product 'zf2001': dose 3: key 'warn_days':
 * missing".
 */
#ifndef CATALOG_FILE_H
#define CATALOG_FILE_H

#include <stddef.h>

#include "catalog.h"

/* The catalog shipped with the kiosk. */
#define CATALOG_FILE_DEFAULT VB_ASSETS_DIR "/vaccines/covid19-cn-2021.json"

/* A catalog file larger than this is refused (VB_ERANGE). */
#define CATALOG_FILE_MAX_BYTES (1024 * 1024)

/*
 * Loads and checks the catalog at `path` (NULL: CATALOG_FILE_DEFAULT).
 * On success stores a new catalog in *out, owned by the caller and
 * released with catalog_free(), and returns VB_OK. Otherwise *out is
 * untouched, a one-line English message is written to err (errcap bytes,
 * truncated; err may be NULL), and it returns VB_ENOTFOUND (no such file),
 * VB_EIO (cannot read it), VB_ERANGE (larger than CATALOG_FILE_MAX_BYTES),
 * VB_EINVAL (invalid JSON, with line and column, or an invalid field) or
 * VB_ENOMEM.
 */
int catalog_file_load(const char *path, struct catalog **out, char *err, size_t errcap);

#endif
