/*
 * Fuzz config_load() on arbitrary file contents (written to a memfd, read
 * back by path): it either accepts them, with every count and text within
 * its bounds, or refuses them with one line "path:LINE: ..." naming a line
 * the input has (inih may cut an overlong line into several).
 */
#define _GNU_SOURCE
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz.h"
#include "config.h"
#include "vb_error.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int fd = -1;
	static char path[64];
	if (fd < 0) {
		fd = memfd_create("fuzz_config", 0);
		CHECK(fd >= 0);
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	}
	CHECK(ftruncate(fd, 0) == 0);
	CHECK(pwrite(fd, data, size, 0) == (ssize_t)size);

	struct config c, sentinel;
	memset(&c, 0x5a, sizeof(c));
	sentinel = c;
	char err[512];
	memset(err, 0x5a, sizeof(err));
	int rc = config_load(path, &c, err, sizeof(err));
	if (rc) {
		CHECK(rc == VB_EINVAL);
		CHECK(memcmp(&c, &sentinel, sizeof(c)) == 0);
		CHECK(TERMINATED(err));
		size_t plen = strlen(path);
		CHECK(strncmp(err, path, plen) == 0 && err[plen] == ':');
		char *end;
		long line = strtol(err + plen + 1, &end, 10);
		CHECK(end > err + plen + 1 && *end == ':');
		CHECK(line >= 1 && (size_t)line <= size + 1);
		CHECK(end[1] == ' ' && end[2] != '\0');
		return 0;
	}
	CHECK(c.sim == 0 || c.sim == 1);
	CHECK(c.n_matches <= CONFIG_MAX_MATCHES);
	CHECK(c.n_fridges <= CONFIG_MAX_FRIDGES);
	for (size_t i = 0; i < c.n_fridges; i++)
		CHECK(TERMINATED(c.fridges[i].port) && TERMINATED(c.fridges[i].fridge));
	CHECK(TERMINATED(c.sim_cards) && TERMINATED(c.sim_scans) && TERMINATED(c.sim_temps));
	CHECK(TERMINATED(c.sim_printer) && TERMINATED(c.font) && TERMINATED(c.fallback_font));
	CHECK(TERMINATED(c.backup_key) && TERMINATED(c.data_key));
	CHECK(c.paper_dots == 384 || c.paper_dots == 576);
	CHECK(c.font_index >= 0 && c.font_index <= 15);
	CHECK(c.observation_min >= CONFIG_OBSERVATION_MIN_LO &&
	      c.observation_min <= CONFIG_OBSERVATION_MIN_HI);
	CHECK(c.retention_days >= 1 && c.retention_days <= CONFIG_RETENTION_DAYS_MAX);
	CHECK(c.speech == 0 || c.speech == 1);
	CHECK(c.sync.bundle_size >= 1 && c.sync.bundle_size <= SYNC_BUNDLE_MAX);
	CHECK(TERMINATED(c.sync.url) && TERMINATED(c.sync.token) && TERMINATED(c.sync.pin));
	return 0;
}
