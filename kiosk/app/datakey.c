/*
 * datakey: reading and making the data key file (datakey.h).
 */
#include "datakey.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store.h"
#include "vb_error.h"

#define DATAKEY_GROUP "vaxbus"

const char *datakey_path(const struct config *c)
{
	const char *env = getenv("VAXBUS_DATA_KEY");
	return env && *env ? env : c->data_key;
}

int datakey_load(const char *path, char *err, size_t errcap)
{
	unsigned char key[STORE_KEY_LEN + 1];
	struct stat sb;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0) {
		int e = errno;
		snprintf(err, errcap, "the data key %s cannot be read: %s%s", path, strerror(e),
			 e == ENOENT ? " (vaxbusctl init makes it)" : "");
		return e == ENOENT ? VB_ENOTFOUND : VB_EIO;
	}
	int rc = VB_OK;
	ssize_t n = 0;
	if (fstat(fd, &sb) || !S_ISREG(sb.st_mode)) {
		snprintf(err, errcap, "the data key %s is not a regular file", path);
		rc = VB_EINVAL;
	} else if (sb.st_mode & (S_IRWXO | S_IWGRP)) {
		snprintf(err, errcap,
			 "the data key %s may be read or written by others (mode %03o; want "
			 "0440 or 0400)",
			 path, (unsigned)(sb.st_mode & 0777));
		rc = VB_EINVAL;
	} else {
		/* One byte more than a key: a longer file is not a key. */
		size_t got = 0;
		while (got < sizeof(key) && (n = read(fd, key + got, sizeof(key) - got)) > 0)
			got += (size_t)n;
		if (n < 0) {
			snprintf(err, errcap, "the data key %s cannot be read: %s", path,
				 strerror(errno));
			rc = VB_EIO;
		} else if (got != STORE_KEY_LEN) {
			snprintf(err, errcap, "the data key %s is not %d bytes", path,
				 STORE_KEY_LEN);
			rc = VB_EINVAL;
		} else if ((rc = store_key_set(key))) {
			snprintf(err, errcap, "the data key cannot be set up (libsodium)");
		}
	}
	sodium_memzero(key, sizeof(key));
	close(fd);
	return rc;
}

/* Root makes the file root:vaxbus so the service's group reads it. */
static int set_owner(int fd, const char *path, char *err, size_t errcap)
{
	if (geteuid() != 0)
		return VB_OK;
	struct group *g = getgrnam(DATAKEY_GROUP);
	if (g && fchown(fd, 0, g->gr_gid)) {
		snprintf(err, errcap, "cannot give the data key %s to group %s: %s", path,
			 DATAKEY_GROUP, strerror(errno));
		return VB_EIO;
	}
	return VB_OK;
}

/* Syncs the directory holding path, so that the new name survives a power
 * cut (best effort: the file itself is already synced). */
static void sync_dir(const char *path)
{
	char dir[CONFIG_PATH_MAX + 1];
	snprintf(dir, sizeof(dir), "%s", path);
	char *slash = strrchr(dir, '/');
	if (slash == dir)
		slash[1] = '\0';
	else if (slash)
		*slash = '\0';
	else
		snprintf(dir, sizeof(dir), ".");
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
}

int datakey_create(const char *path, char *err, size_t errcap)
{
	unsigned char key[STORE_KEY_LEN];
	if (sodium_init() < 0) {
		snprintf(err, errcap, "libsodium cannot start");
		return VB_EIO;
	}
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0440);
	if (fd < 0) {
		int e = errno;
		snprintf(err, errcap, "cannot make the data key %s: %s", path, strerror(e));
		return e == EEXIST ? VB_EEXIST : VB_EIO;
	}
	randombytes_buf(key, sizeof(key));
	int rc = set_owner(fd, path, err, errcap);
	size_t put = 0;
	ssize_t n = 0;
	while (!rc && put < sizeof(key) && (n = write(fd, key + put, sizeof(key) - put)) > 0)
		put += (size_t)n;
	sodium_memzero(key, sizeof(key));
	/* The mode is set again: a umask may have taken bits off 0440. */
	if (!rc && (put != sizeof(key) || fchmod(fd, 0440) || fsync(fd))) {
		snprintf(err, errcap, "cannot write the data key %s: %s", path, strerror(errno));
		rc = VB_EIO;
	}
	close(fd);
	if (rc)
		unlink(path);
	else
		sync_dir(path);
	return rc;
}
