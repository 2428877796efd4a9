/*
 * scanner_pos: decodes a HID POS scanner (usage page 0x8C "Bar Code
 * Scanner", HID Point of Sale Usage Tables 1.02) into scans. Pure: reports
 * and times in, scans out.
 *
 * Input report layout implemented — the one Honeywell, Access-IS and
 * scanners copying them send in "USB HID POS" mode (64 bytes, report ID 2):
 *
 *   byte  0      report ID, 0x02 ("scanned data")
 *   byte  1      n, the number of data bytes in this report, 0..56
 *   bytes 2-4    AIM symbology identifier "]cm" (e.g. "]Q1" QR, "]d2" GS1
 *                Data Matrix, "]C1" GS1-128), repeated in every report
 *   bytes 5-60   data, the first n bytes meaningful (the rest 0)
 *   byte  61     vendor symbology code (Honeywell Code ID); not used
 *   byte  62     reserved
 *   byte  63     bit 0: more data follows in the next report
 *
 * A scan longer than 56 bytes arrives as several reports, each but the
 * last with bit 0 of byte 63 set; their data is concatenated. Sources:
 * Access-IS LSR116/ATR110 product manuals, appendix "HID reports: Receive
 * data" (the table above and a two-report example of 56 + 4 bytes);
 * Honeywell REVINF dumps in HenkVanAsselt/python_hon_usbhid README.md
 * (reports "2, 56, ']','X','0', ..., 63, 0, 1" then a last one with
 * length 9 and byte 63 = 0: the length counts the data only);
 * NielsLeenheer/WebHidBarcodeScanner src/main.js (Honeywell 1400g: the
 * same offsets, counted after the report ID).
 *
 * Rules: a report of another ID is ignored (stats.ignored); a report of ID
 * 2 that is not 64 bytes or whose n exceeds 56 is SCANNER_EV_BAD and
 * discards the scan under way; a pause longer than gap_ms between two
 * reports of one scan discards it (SCANNER_EV_ABORTED). After a discard,
 * reports are dropped up to the scan's last one (no "more" bit) or a
 * silence of gap_ms, so that a tail is never delivered as a scan. Data bytes are kept as they
 * are (a QR may hold any byte), but one trailing CR/LF suffix is removed
 * so that both modes deliver the same text. The AIM identifier of the
 * scan's first report is kept (scanner_pos_aim) and, with
 * scanner_config.aim_prefix, put before the data.
 */
#ifndef SCANNER_POS_H
#define SCANNER_POS_H

#include <stddef.h>
#include <stdint.h>

#include "scanner.h"
#include "scanner_asm.h"

#define SCANNER_POS_REPORT    64   /* bytes of an input report, with its ID */
#define SCANNER_POS_REPORT_ID 0x02 /* the scanned data report */
#define SCANNER_POS_DATA_MAX  56   /* data bytes in one report */
#define SCANNER_POS_MORE      0x01 /* byte 63: more data follows */

/* Caller-owned; scanner_pos_init / scanner_pos_cleanup. */
struct scanner_pos {
	struct scanner_asm a;
	int aim_prefix;
	char aim[4];	   /* AIM identifier of the scan being assembled, or "" */
	char ready_aim[4]; /* ... of the ready scan */
};

/* Starts *p idle; cfg (borrowed) gives gap_ms and aim_prefix. */
void scanner_pos_init(struct scanner_pos *p, const struct scanner_config *cfg);

/* Wipes *p. */
void scanner_pos_cleanup(struct scanner_pos *p);

/* Checks the inter-report gap at now_ms. Returns SCANNER_EV_ABORTED when
 * a half scan was dropped, else 0. */
int scanner_pos_tick(struct scanner_pos *p, int64_t now_ms);

/* Decodes one input report of len bytes (borrowed) received at now_ms
 * (monotonic ms, non-decreasing); ticks first. Returns the OR of the
 * SCANNER_EV_* that happened. */
int scanner_pos_feed(struct scanner_pos *p, const uint8_t *rep, size_t len, int64_t now_ms);

/* Forgets a half scan (after an unplug). */
void scanner_pos_reset(struct scanner_pos *p);

/* Forgets a half scan and discards the reports that follow until one
 * without "more data" or a silence of gap_ms (after a transfer error). */
void scanner_pos_discard(struct scanner_pos *p, int64_t now_ms);

/* The AIM symbology identifier ("]Q1", NUL-terminated, "" if the scanner
 * sent none) of the scan that is ready (borrowed; valid until the next
 * feed). */
const char *scanner_pos_aim(const struct scanner_pos *p);

#endif
