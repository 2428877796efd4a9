/*
 * ctl: what every vaxbusctl subcommand shares — the global options, the
 * option parser with generated help, the exit codes, and the one place
 * output is written (a line for staff, or one JSON document with --json).
 *
 * Exit codes (documented in `vaxbusctl --help`): 0 ok, 1 refused with a
 * reason (invalid field, a rule said no), 2 usage (unknown command or
 * option, missing argument), 3 storage error.
 */
#ifndef CTL_H
#define CTL_H

#include <jansson.h>
#include <stdint.h>

#include "vb_error.h"

struct store;
struct catalog;
struct config;
struct devices;
struct store_outbox_row;

enum ctl_exit {
	CTL_OK = 0,
	CTL_REFUSED = 1,
	CTL_USAGE = 2,
	CTL_STORAGE = 3,
	CTL_HELP_SHOWN = 100 /* internal: --help was printed, exit 0 */
};

struct ctl {
	const char *db_path; /* borrowed from argv or the environment */
	int json;	     /* --json given */
	const char *cmd;     /* "person add": for messages and help */
	char cmd_name[32];   /* storage for cmd, set by ctl_dispatch */
	struct store *st;    /* owned; opened by ctl_store() */
	struct catalog *cat; /* owned; loaded by ctl_catalog() */
	struct config *cfg;  /* owned; loaded by ctl_config() */
	struct devices *dev; /* owned; started by ctl_devices() */
	int64_t now;	     /* UTC seconds, read once at start */
	int utc_offset_min;  /* the bus's local offset (from the database) */
	int32_t today;	     /* local date of `now` */
};

/* One option of a subcommand. `arg` is the metavariable ("NUMBER") or NULL
 * for a flag. After ctl_parse, `value` is the argument (borrowed from argv),
 * "1" for a flag that was given, or NULL when absent. */
struct ctl_opt {
	const char *name;
	const char *arg;
	const char *help;
	int required;
	const char *value;
};

/* Parses argv (argv[0] is the subcommand's last word) against opts, which
 * ends with an entry whose name is NULL; --json and --help are understood
 * everywhere. Returns CTL_OK, CTL_HELP_SHOWN, or CTL_USAGE after printing
 * one line naming the problem. */
int ctl_parse(struct ctl *c, int argc, char **argv, struct ctl_opt *opts, const char *summary);

/* The value of option `name` in opts (NULL if absent). */
const char *ctl_opt(const struct ctl_opt *opts, const char *name);

/* Prints a refusal: "vaxbusctl CMD: FIELD: CODE: TEXT" on stderr, or
 * {"ok":false,"field":..,"code":..,"reason":..} on stdout with --json.
 * field may be NULL. Returns CTL_REFUSED. */
int ctl_refuse(struct ctl *c, const char *field, const struct vb_reason *why);

/* As ctl_refuse, adding the members of `extra` (taken over; may be NULL)
 * to the JSON object, or printing them as "key: value" lines. */
int ctl_refuse_with(struct ctl *c, const char *field, const struct vb_reason *why, json_t *extra);

/* Shorthand: builds the reason from code and a printf text, then refuses. */
int ctl_refusef(struct ctl *c, const char *field, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Prints a usage error (one line) and returns CTL_USAGE. */
int ctl_usage(struct ctl *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Prints a storage failure with the store's message; returns CTL_STORAGE. */
int ctl_storage(struct ctl *c, int rc);

/* Writes all n bytes of p to fd (again after EINTR). 0, or -1 (errno). */
int ctl_write_all(int fd, const void *p, size_t n);

/* Writes a result and takes ownership of obj (which gets "ok": true).
 * With --json the object is printed as one line; otherwise `text` is
 * printed when given, else the object is rendered as "key: value" lines.
 * Returns CTL_OK. */
int ctl_emit(struct ctl *c, json_t *obj, const char *text);

/* Opens the database at c->db_path (creating and migrating it) and, unless
 * allow_uninit, refuses when `vaxbusctl init` has not been run. First it
 * loads the data key (datakey.h; allow_uninit, i.e. init, makes it when
 * absent): an initialised database is refused without it ("no_data_key"),
 * and with a key it was not sealed under ("wrong_key"). Sets
 * c->utc_offset_min and c->today from the database. Returns a CTL_ code. */
int ctl_store(struct ctl *c, int allow_uninit);

/* Loads the vaccine catalog (VAXBUS_CATALOG or the default asset) into
 * c->cat. Returns a CTL_ code. */
int ctl_catalog(struct ctl *c);

/* Loads the configuration ($VAXBUS_CONF or /etc/vaxbus/vaxbus.conf) into
 * c->cfg. Returns a CTL_ code (CTL_REFUSED naming the bad line). */
int ctl_config(struct ctl *c);

/* Loads the configuration and starts the devices (USB or simulated) into
 * c->dev. Returns a CTL_ code. */
int ctl_devices(struct ctl *c);

/* Prints a device failure (a DRV_ code) as a refusal naming the device.
 * Returns CTL_REFUSED. */
int ctl_device_error(struct ctl *c, const char *device, int drv_rc);

/* Sends the print queue (print jobs already stored) and prints o (taken
 * over) with "printed" and "pending" added: CTL_OK when nothing is left
 * pending, else CTL_REFUSED with why the jobs wait. Needs ctl_store() and
 * ctl_devices(). */
int ctl_print_run(struct ctl *c, json_t *o);

/* Parses a required date option (YYYYMMDD or YYYY-MM-DD); refuses naming
 * the option. Returns a CTL_ code; *out written on success. */
int ctl_date(struct ctl *c, const char *opt, const char *value, int32_t *out);

/* Parses a decimal integer within [min, max]; refuses naming the option. */
int ctl_int(struct ctl *c, const char *opt, const char *value, long min, long max, long *out);

/* A store_outbox_list callback: appends the row to the JSON array arg as
 * {id, kind, record, state, attempts, server_id, last_error}. VB_OK. */
int ctl_outbox_row_json(void *arg, const struct store_outbox_row *row);

/* Releases what ctl_store/ctl_catalog opened. */
void ctl_cleanup(struct ctl *c);

#endif
