/*
 * datakey: the file that holds the data key the store seals personal
 * fields under (store_key_set, store.h), for vaxbusctl and the kiosk.
 *
 * The file is exactly STORE_KEY_LEN random bytes, never in the database.
 * Its path is $VAXBUS_DATA_KEY when set (tests), else the configuration's
 * [security] key (default /etc/vaxbus/data.key). `vaxbusctl init` makes it
 * when absent: mode 0440, and when run as root, owned by root with the
 * group vaxbus (the service's) if that group exists. A key file that
 * others may read or write is refused. Messages name the path, never a
 * byte of the key.
 */
#ifndef DATAKEY_H
#define DATAKEY_H

#include <stddef.h>

#include "config.h"

/* The key file's path (borrowed from the environment or from c). */
const char *datakey_path(const struct config *c);

/*
 * Reads the key at path and sets it as the process's data key. VB_OK;
 * VB_ENOTFOUND if there is no such file; VB_EINVAL if it is not exactly
 * STORE_KEY_LEN bytes or others may read or write it; VB_EIO if it cannot
 * be read. err (errcap bytes) gets one English line on failure.
 */
int datakey_load(const char *path, char *err, size_t errcap);

/*
 * Makes a new key file at path (never over an existing one), written and
 * synced before it is used, with the mode and owners above. VB_OK,
 * VB_EEXIST if the file exists, or VB_EIO with err filled.
 */
int datakey_create(const char *path, char *err, size_t errcap);

#endif
