/*
 * ctl_cmds: the vaxbusctl subcommands. Each takes the shared context and
 * its own arguments (argv[0] is the command's last word) and returns a
 * CTL_ exit code. Grouped in files by what they act on: ctl_admin.c,
 * ctl_person.c, ctl_lot.c, ctl_dose.c, ctl_aefi.c, ctl_temp.c,
 * ctl_report.c, ctl_demo.c, ctl_devices.c, ctl_print.c, ctl_cert.c,
 * ctl_backup.c.
 */
#ifndef CTL_CMDS_H
#define CTL_CMDS_H

#include <stdio.h>

struct ctl;

/* Runs the command named by argv[0] (and argv[1] for two-word commands)
 * with the rest of argv. Returns its CTL_ exit code (CTL_OK after --help),
 * or CTL_USAGE for an unknown command. c->cmd is set for messages. */
int ctl_dispatch(struct ctl *c, int argc, char **argv);

/* Prints the list of commands and the global options. */
void ctl_usage_print(FILE *out);

int ctl_cmd_init(struct ctl *c, int argc, char **argv);
int ctl_cmd_outbox_list(struct ctl *c, int argc, char **argv);
int ctl_cmd_audit_verify(struct ctl *c, int argc, char **argv);
int ctl_cmd_staff_add(struct ctl *c, int argc, char **argv);
int ctl_cmd_staff_pin(struct ctl *c, int argc, char **argv);
int ctl_cmd_staff_disable(struct ctl *c, int argc, char **argv);
int ctl_cmd_staff_list(struct ctl *c, int argc, char **argv);
int ctl_cmd_person_add(struct ctl *c, int argc, char **argv);
int ctl_cmd_person_find(struct ctl *c, int argc, char **argv);
int ctl_cmd_purge(struct ctl *c, int argc, char **argv);
int ctl_cmd_consent_show(struct ctl *c, int argc, char **argv);
int ctl_cmd_lot_add(struct ctl *c, int argc, char **argv);
int ctl_cmd_lot_list(struct ctl *c, int argc, char **argv);
int ctl_cmd_lot_recall(struct ctl *c, int argc, char **argv);
int ctl_cmd_lot_release(struct ctl *c, int argc, char **argv);
int ctl_cmd_due(struct ctl *c, int argc, char **argv);
int ctl_cmd_scan_check(struct ctl *c, int argc, char **argv);
int ctl_cmd_vaccinate(struct ctl *c, int argc, char **argv);
int ctl_cmd_defer(struct ctl *c, int argc, char **argv);
int ctl_cmd_aefi_add(struct ctl *c, int argc, char **argv);
int ctl_cmd_temp_add(struct ctl *c, int argc, char **argv);
int ctl_cmd_report_day(struct ctl *c, int argc, char **argv);
int ctl_cmd_demo(struct ctl *c, int argc, char **argv);
int ctl_cmd_devices(struct ctl *c, int argc, char **argv);
int ctl_cmd_idcard_read(struct ctl *c, int argc, char **argv);
int ctl_cmd_scan(struct ctl *c, int argc, char **argv);
int ctl_cmd_temp_read(struct ctl *c, int argc, char **argv);
int ctl_cmd_watch(struct ctl *c, int argc, char **argv);
int ctl_cmd_sync(struct ctl *c, int argc, char **argv);
int ctl_cmd_sync_status(struct ctl *c, int argc, char **argv);
int ctl_cmd_sync_retry(struct ctl *c, int argc, char **argv);
int ctl_cmd_sync_pull(struct ctl *c, int argc, char **argv);
int ctl_cmd_print_test(struct ctl *c, int argc, char **argv);
int ctl_cmd_print_text(struct ctl *c, int argc, char **argv);
int ctl_cmd_print_ticket(struct ctl *c, int argc, char **argv);
int ctl_cmd_print_queue(struct ctl *c, int argc, char **argv);
int ctl_cmd_keys_init(struct ctl *c, int argc, char **argv);
int ctl_cmd_keys_export(struct ctl *c, int argc, char **argv);
int ctl_cmd_trust_import(struct ctl *c, int argc, char **argv);
int ctl_cmd_cert_issue(struct ctl *c, int argc, char **argv);
int ctl_cmd_cert_verify(struct ctl *c, int argc, char **argv);
int ctl_cmd_cert_render(struct ctl *c, int argc, char **argv);
int ctl_cmd_cert_print(struct ctl *c, int argc, char **argv);
int ctl_cmd_backup(struct ctl *c, int argc, char **argv);
int ctl_cmd_restore(struct ctl *c, int argc, char **argv);

#endif
