/*
 * ctl_staff: `staff add`, `staff pin`, `staff disable` and `staff list` —
 * who may sign in on the kiosk, with a PIN read from standard input (never
 * from argv, where `ps` and the shell's history would show it) and kept
 * as an Argon2id hash (store_staff.h). Each change is an audit row whose
 * actor is the operating-system user who ran vaxbusctl ("os:NAME"; under
 * sudo, the user who called sudo).
 */
#include "ctl.h"
#include "ctl_cmds.h"

#include "store.h"
#include "store_staff.h"

#include <pwd.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#define PIN_LINE_MAX 64 /* longest line read for a PIN */

/* "os:NAME" of the user running this, into out. */
static void acting_user(char *out, size_t cap)
{
	const char *sudo = getenv("SUDO_USER");
	const struct passwd *pw = getpwuid(getuid());
	const char *name = getuid() == 0 && sudo && *sudo ? sudo : pw ? pw->pw_name : NULL;
	if (name && strlen(name) + 4 < cap && strcspn(name, " \t\n") == strlen(name))
		snprintf(out, cap, "os:%s", name);
	else
		snprintf(out, cap, "os:uid%u", (unsigned)getuid());
}

/* One line of standard input into pin (the newline dropped); on a
 * terminal, asked on stderr without echo. 0, or -1 at end of input or
 * for a line too long. */
static int read_line(const char *prompt, char pin[PIN_LINE_MAX])
{
	struct termios old, quiet;
	int tty = isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &old) == 0;
	if (tty) {
		fprintf(stderr, "%s", prompt);
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
	}
	int rc = fgets(pin, PIN_LINE_MAX, stdin) ? 0 : -1;
	if (tty) {
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
		fputc('\n', stderr);
	}
	size_t n = rc ? 0 : strcspn(pin, "\r\n");
	if (!rc && !pin[n] && n == PIN_LINE_MAX - 1)
		rc = -1; /* no newline within the buffer: too long */
	pin[n] = '\0';
	return rc;
}

/* Reads a new PIN (twice on a terminal), checks the rules and hashes it
 * into hash. A CTL_ code. */
static int read_pin(struct ctl *c, char hash[STORE_STAFF_HASH_MAX])
{
	char pin[PIN_LINE_MAX], again[PIN_LINE_MAX];
	int rc = CTL_OK;
	const char *rule = NULL;
	if (read_line("New PIN (4-8 digits): ", pin))
		rc = ctl_refusef(c, "stdin", "no_pin", "give the PIN on standard input, one line");
	else if ((rule = store_staff_pin_rule(pin)))
		rc = ctl_refusef(c, "stdin", rule,
				 "a PIN is 4 to 8 digits, not one digit repeated (0000) nor a run "
				 "up or down (1234, 4321)");
	else if (isatty(STDIN_FILENO) && (read_line("Again: ", again) || strcmp(pin, again) != 0))
		rc = ctl_refusef(c, "stdin", "pin_mismatch", "the two PINs differ");
	else if (store_staff_hash(pin, hash))
		rc = ctl_refusef(c, "stdin", "no_memory", "the PIN could not be hashed");
	sodium_memzero(pin, sizeof(pin));
	sodium_memzero(again, sizeof(again));
	return rc;
}

static json_t *staff_json(const struct store_staff *s, int64_t now)
{
	return json_pack("{s:s, s:s, s:b, s:i, s:b, s:I}", "id", s->id, "role", s->role, "active",
			 s->active, "wrong", s->wrong, "locked", s->locked_until > now,
			 "locked_until", (json_int_t)(s->locked_until > now ? s->locked_until : 0));
}

/* Runs the change (add, pin or disable) in a transaction; a CTL_ code. */
static int change(struct ctl *c, const char *what, const char *id, const char *role,
		  const char *hash)
{
	char actor[80];
	acting_user(actor, sizeof(actor));
	int vb = store_begin(c->st);
	if (!vb && strcmp(what, "add") == 0)
		vb = store_staff_add(c->st, id, role, hash, actor, c->now);
	else if (!vb && strcmp(what, "pin") == 0)
		vb = store_staff_set_pin(c->st, id, hash, actor, c->now);
	else if (!vb)
		vb = store_staff_disable(c->st, id, actor, c->now);
	if (!vb)
		vb = store_commit(c->st);
	if (vb) {
		store_rollback(c->st);
		if (vb == VB_EEXIST)
			return ctl_refusef(c, "--id", "duplicate_staff",
					   "a staff member with this id exists (maybe disabled)");
		if (vb == VB_ENOTFOUND)
			return ctl_refusef(c, "--id", "unknown_staff",
					   "no staff member has this id");
		if (vb == VB_EINVAL)
			return ctl_refusef(c, "--id", "bad_id",
					   "an id is 1-63 printable characters without spaces");
		return ctl_storage(c, vb);
	}
	struct store_staff s;
	if ((vb = store_staff_get(c->st, id, &s)))
		return ctl_storage(c, vb);
	return ctl_emit(c, json_pack("{s:o, s:s}", "staff", staff_json(&s, c->now), "by", actor),
			NULL);
}

int ctl_cmd_staff_add(struct ctl *c, int argc, char **argv)
{
	struct ctl_opt opts[] = {
	    {"--id", "ID", "the staff id the kiosk lists and the audit log names", 1, NULL},
	    {"--role", "ROLE", "nurse (the default), doctor or admin", 0, NULL},
	    {NULL, NULL, NULL, 0, NULL},
	};
	int rc = ctl_parse(c, argc, argv, opts,
			   "Adds a staff member who may sign in on the kiosk. The PIN, 4-8\n"
			   "digits, is read from standard input (asked twice on a terminal).");
	if (rc)
		return rc;
	const char *role = ctl_opt(opts, "--role") ? ctl_opt(opts, "--role") : "nurse";
	char hash[STORE_STAFF_HASH_MAX];
	if (!store_staff_role_ok(role))
		return ctl_refusef(c, "--role", "bad_role", "want nurse, doctor or admin");
	if ((rc = ctl_store(c, 0)) || (rc = read_pin(c, hash)))
		return rc;
	return change(c, "add", ctl_opt(opts, "--id"), role, hash);
}

int ctl_cmd_staff_pin(struct ctl *c, int argc, char **argv)
{
	struct ctl_opt opts[] = {
	    {"--id", "ID", "the staff member", 1, NULL},
	    {NULL, NULL, NULL, 0, NULL},
	};
	int rc = ctl_parse(c, argc, argv, opts,
			   "Sets a staff member's new PIN, read from standard input; it also\n"
			   "lifts a lockout after wrong PINs.");
	if (rc)
		return rc;
	char hash[STORE_STAFF_HASH_MAX];
	if ((rc = ctl_store(c, 0)) || (rc = read_pin(c, hash)))
		return rc;
	return change(c, "pin", ctl_opt(opts, "--id"), NULL, hash);
}

int ctl_cmd_staff_disable(struct ctl *c, int argc, char **argv)
{
	struct ctl_opt opts[] = {
	    {"--id", "ID", "the staff member", 1, NULL},
	    {NULL, NULL, NULL, 0, NULL},
	};
	int rc = ctl_parse(c, argc, argv, opts,
			   "Stops a staff member signing in on the kiosk (the id stays taken,\n"
			   "so the audit log's rows keep meaning one person).");
	if (rc || (rc = ctl_store(c, 0)))
		return rc;
	return change(c, "disable", ctl_opt(opts, "--id"), NULL, NULL);
}

static int list_one(void *ctx, const struct store_staff *s)
{
	json_t **arr = ctx;
	json_array_append_new(arr[0], staff_json(s, (int64_t)json_integer_value(arr[1])));
	return 0;
}

int ctl_cmd_staff_list(struct ctl *c, int argc, char **argv)
{
	struct ctl_opt opts[] = {{NULL, NULL, NULL, 0, NULL}};
	int rc = ctl_parse(c, argc, argv, opts,
			   "Lists the staff (disabled ones too) and whether they are locked\n"
			   "out after wrong PINs.");
	if (rc || (rc = ctl_store(c, 0)))
		return rc;
	json_t *ctx[2] = {json_array(), json_integer(c->now)};
	int vb = store_staff_each(c->st, 0, list_one, ctx);
	json_decref(ctx[1]);
	if (vb) {
		json_decref(ctx[0]);
		return ctl_storage(c, vb);
	}
	if (c->json)
		return ctl_emit(c, json_pack("{s:o}", "staff", ctx[0]), NULL);
	printf("%-24s %-7s %s\n", "id", "role", "state");
	size_t i;
	json_t *s;
	json_array_foreach(ctx[0], i, s)
	{
		printf("%-24s %-7s %s\n", json_string_value(json_object_get(s, "id")),
		       json_string_value(json_object_get(s, "role")),
		       !json_is_true(json_object_get(s, "active"))  ? "disabled"
		       : json_is_true(json_object_get(s, "locked")) ? "locked"
								    : "active");
	}
	json_decref(ctx[0]);
	return CTL_OK;
}
