/*
 * kiosk_script: scenario files for headless runs and tests (the commands
 * are listed atop kiosk_script.c).
 */
#ifndef KIOSK_SCRIPT_H
#define KIOSK_SCRIPT_H

#include "kiosk.h"

/*
 * Runs the scenario at path against k. Screenshots go to shots (NULL: the
 * current folder); with golden (may be NULL) each one must equal the image
 * of the same name there. Returns 0, or -1 after printing "FILE:LINE:
 * what" on stderr.
 */
int kiosk_script_run(struct kiosk *k, const char *path, const char *shots, const char *golden);

#endif
