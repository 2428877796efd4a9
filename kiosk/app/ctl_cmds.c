/*
 * ctl_cmds: the table of vaxbusctl commands, the top-level help, and the
 * dispatch from argv to a command (used by main and by the demo).
 */
#include "ctl_cmds.h"
#include "ctl.h"

#include <stdio.h>
#include <string.h>

struct command {
	const char *name;
	const char *sub; /* NULL for a one-word command */
	int (*run)(struct ctl *c, int argc, char **argv);
	const char *help;
};

static const struct command commands[] = {
    {"init", NULL, ctl_cmd_init, "make or adopt a database for this bus and site"},
    {"person", "add", ctl_cmd_person_add, "register a person (de-duplicated by document)"},
    {"person", "find", ctl_cmd_person_find, "look a person up by document"},
    {"purge", NULL, ctl_cmd_purge, "clear the personal data the platform already holds"},
    {"consent", "show", ctl_cmd_consent_show, "the consent signed for a visit, its signature"},
    {"lot", "add", ctl_cmd_lot_add, "put a vaccine lot on board"},
    {"lot", "list", ctl_cmd_lot_list, "list the lots on board and their stock"},
    {"lot", "recall", ctl_cmd_lot_recall, "mark a lot recalled"},
    {"lot", "release", ctl_cmd_lot_release, "staff decision after a cold-chain excursion"},
    {"due", NULL, ctl_cmd_due, "which dose a person may have today, or why not"},
    {"scan-check", NULL, ctl_cmd_scan_check, "check a vaccine box code against a person"},
    {"vaccinate", NULL, ctl_cmd_vaccinate, "record a dose after the checks pass"},
    {"defer", NULL, ctl_cmd_defer, "record that a person is not vaccinated today"},
    {"aefi", "add", ctl_cmd_aefi_add, "record an adverse event after a dose"},
    {"temp", "add", ctl_cmd_temp_add, "record a fridge temperature"},
    {"report", "day", ctl_cmd_report_day, "the daily report (text or --csv)"},
    {"outbox", "list", ctl_cmd_outbox_list, "records waiting for the platform"},
    {"audit", "verify", ctl_cmd_audit_verify, "check the audit log's hash chain"},
    {"staff", "add", ctl_cmd_staff_add, "add a staff member; the PIN from standard input"},
    {"staff", "pin", ctl_cmd_staff_pin, "set a staff member's new PIN (standard input)"},
    {"staff", "disable", ctl_cmd_staff_disable, "stop a staff member signing in"},
    {"staff", "list", ctl_cmd_staff_list, "the staff, and who is locked out"},
    {"devices", NULL, ctl_cmd_devices, "the USB devices attached now"},
    {"idcard", "read", ctl_cmd_idcard_read, "read the ID card on the reader"},
    {"scan", NULL, ctl_cmd_scan, "wait for one barcode scan"},
    {"temp", "read", ctl_cmd_temp_read, "read every fridge thermometer"},
    {"print", "test", ctl_cmd_print_test, "print the printer test page"},
    {"print", "text", ctl_cmd_print_text, "print a text"},
    {"print", "ticket", ctl_cmd_print_ticket, "print a queue ticket"},
    {"print", "queue", ctl_cmd_print_queue, "send the print jobs still waiting"},
    {"keys", "init", ctl_cmd_keys_init, "make the bus's certificate signing key"},
    {"keys", "export", ctl_cmd_keys_export, "the public signing keys (--jwk or --x509)"},
    {"trust", "import", ctl_cmd_trust_import, "trust another certificate issuer's keys"},
    {"cert", "issue", ctl_cmd_cert_issue, "sign a visit's vaccination certificate"},
    {"cert", "verify", ctl_cmd_cert_verify, "check a certificate's QR payload, offline"},
    {"cert", "render", ctl_cmd_cert_render, "a certificate as PNG or A4 PDF"},
    {"cert", "print", ctl_cmd_cert_print, "print a certificate on the receipt printer"},
    {"watch", NULL, ctl_cmd_watch, "print device arrivals and removals"},
    {"sync", "status", ctl_cmd_sync_status, "records waiting for the platform, refused ones"},
    {"sync", "retry", ctl_cmd_sync_retry, "send refused records again after a fix"},
    {"sync", "pull", ctl_cmd_sync_pull, "pull expected residents' histories and recalls"},
    {"sync", NULL, ctl_cmd_sync, "send the queued records to the platform"},
    {"backup", NULL, ctl_cmd_backup, "an encrypted copy of the database, while in use"},
    {"restore", NULL, ctl_cmd_restore, "a backup back to a new database file"},
    {"demo", NULL, ctl_cmd_demo, "walk through a day on the bus"},
};

static void usage(FILE *out)
{
	fprintf(out, "usage: vaxbusctl [--db PATH] [--json] COMMAND [options]\n\n"
		     "commands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		char name[32];
		snprintf(name, sizeof(name), "%s%s%s", commands[i].name, commands[i].sub ? " " : "",
			 commands[i].sub ? commands[i].sub : "");
		fprintf(out, "  %-16s %s\n", name, commands[i].help);
	}
	fprintf(out, "\nglobal options:\n"
		     "  --db PATH        the database file (default: $VAXBUS_DB, else vaxbus.db)\n"
		     "  --json           print one JSON object per command\n"
		     "  --version        print the version\n\n"
		     "Each command has --help. Exit codes: 0 ok, 1 refused with a reason,\n"
		     "2 usage error, 3 storage error.\n");
}

void ctl_usage_print(FILE *out)
{
	usage(out);
}

int ctl_dispatch(struct ctl *c, int argc, char **argv)
{
	const struct command *cmd = NULL;
	if (argc < 1) {
		usage(stderr);
		return CTL_USAGE;
	}
	for (size_t k = 0; k < sizeof(commands) / sizeof(commands[0]) && !cmd; k++) {
		if (strcmp(commands[k].name, argv[0]) != 0)
			continue;
		if (!commands[k].sub || (argc > 1 && strcmp(commands[k].sub, argv[1]) == 0))
			cmd = &commands[k];
	}
	if (!cmd) {
		fprintf(stderr, "vaxbusctl: unknown command '%s%s%s' (see vaxbusctl --help)\n",
			argv[0], argc > 1 ? " " : "", argc > 1 ? argv[1] : "");
		return CTL_USAGE;
	}
	snprintf(c->cmd_name, sizeof(c->cmd_name), "%s%s%s", cmd->name, cmd->sub ? " " : "",
		 cmd->sub ? cmd->sub : "");
	c->cmd = c->cmd_name;
	int skip = cmd->sub ? 1 : 0;
	int rc = cmd->run(c, argc - skip, argv + skip);
	return rc == CTL_HELP_SHOWN ? CTL_OK : rc;
}
