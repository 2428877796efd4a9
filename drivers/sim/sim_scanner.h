/*
 * sim_scanner: a simulated barcode scanner for the demo and the UI tests,
 * its scans read from a text file (implements scanner.h).
 *
 * File format (UTF-8 or ASCII text, at most SIM_SCANNER_FILE_MAX bytes):
 *   - one scan per line; a trailing CR (CRLF files) is removed;
 *   - empty lines and lines starting with '#' are skipped;
 *   - escapes: "\\" is a backslash, "\xHH" (two hex digits, either case)
 *     the byte 0xHH, 01-FF — write GS as "\x1d" (a GS1 code:
 *     "0106901234567892\x1d10LOT42\x1d17211231"); a line that must start
 *     with '#' or '!' writes it as "\x23" or "\x21"; any other '\' is an
 *     error;
 *   - a line that is one of these directives makes that read fail, to
 *     drive error paths: "!timeout" (DRV_ETIMEOUT), "!partial"
 *     (SCANNER_EPARTIAL), "!overflow" (SCANNER_EOVERFLOW), "!unplug"
 *     (DRV_ENODEV); any other line starting with '!' is an error.
 * A decoded scan is 1..SCANNER_SCAN_MAX bytes. Like sim_idcard, each read
 * returns the next entry at once (it never waits out the timeout; out and
 * *len follow scanner.h) and after the last entry it starts again from the
 * first. A file with no entries reads as DRV_ETIMEOUT every time.
 *
 *   # a vaccine box (GS1 Data Matrix), then a half scan, then a QR
 *   ]d20106901234567892\x1d10LOT42\x1d17211231
 *   !partial
 *   VBREG1|cn-resident|11010519491231002X|%E5%BC%A0%E4%B8%89|2|19491231|
 */
#ifndef SIM_SCANNER_H
#define SIM_SCANNER_H

#include <stddef.h>

#include "scanner.h"

#define SIM_SCANNER_FILE_MAX (1024 * 1024)

/* Opens a simulated scanner reading the file at path (borrowed). Returns
 * DRV_OK with *out (free with scanner_dev_free); DRV_ENOTFOUND when the
 * file does not exist, DRV_EACCES when it may not be read; DRV_EINVAL when it breaks the format or
 * is larger than SIM_SCANNER_FILE_MAX; DRV_EIO, DRV_ENOMEM. */
int sim_scanner_open(const char *path, struct scanner_dev **out);

/* The same over len bytes of file text (borrowed; copied). */
int sim_scanner_open_mem(const char *text, size_t len, struct scanner_dev **out);

#endif
