/*
 * vaxbusctl: the staff and admin command line of the bus.
 *
 * `vaxbusctl [--db PATH] [--json] COMMAND [SUBCOMMAND] [options]`. The
 * commands are listed in ctl_cmds.c and live in the ctl_*.c files; this
 * file reads the global options and hands over.
 */
#include "ctl.h"
#include "ctl_cmds.h"
#include "wallclock.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
	struct ctl c = {0};
	int i = 1;
	c.db_path = getenv("VAXBUS_DB");
	if (!c.db_path || !*c.db_path)
		c.db_path = "vaxbus.db";
	for (; i < argc && strncmp(argv[i], "--", 2) == 0; i++) {
		if (strcmp(argv[i], "--db") == 0 && i + 1 < argc) {
			c.db_path = argv[++i];
		} else if (strncmp(argv[i], "--db=", 5) == 0) {
			c.db_path = argv[i] + 5;
		} else if (strcmp(argv[i], "--json") == 0) {
			c.json = 1;
		} else if (strcmp(argv[i], "--help") == 0) {
			ctl_usage_print(stdout);
			return CTL_OK;
		} else if (strcmp(argv[i], "--version") == 0) {
			printf("vaxbusctl %s\n", VB_VERSION);
			return CTL_OK;
		} else {
			fprintf(stderr, "vaxbusctl: unknown global option '%s'\n", argv[i]);
			return CTL_USAGE;
		}
	}
	c.now = wallclock_now();
	int rc = ctl_dispatch(&c, argc - i, argv + i);
	ctl_cleanup(&c);
	return rc;
}
