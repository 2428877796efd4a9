/*
 * kiosk_notify: tells systemd that the kiosk is opening its database
 * (more time to start), then that it is up and still alive (sd_notify:
 * READY=1 once, then WATCHDOG=1), so that the service's WatchdogSec=
 * restarts a kiosk whose loop has hung. Outside systemd
 * (no NOTIFY_SOCKET) it does nothing.
 */
#ifndef KIOSK_NOTIFY_H
#define KIOSK_NOTIFY_H

/* Called before the database is opened: the first start after an
 * upgrade migrates it, which on a bus with months of records takes longer
 * than the service's start limit (tests/bench/bench_migrate). Asks
 * systemd for KIOSK_NOTIFY_OPEN_S more (EXTEND_TIMEOUT_USEC) and says so
 * in the service's status, so that the migration is not killed and
 * started again for ever. */
#define KIOSK_NOTIFY_OPEN_S 600
void kiosk_notify_opening(void);

/* Called from the interactive loop after each pass (the loop wakes at
 * least once a second): the first call, after the first frame, says
 * READY=1 (and STATUS=running); later ones say WATCHDOG=1, at most once a
 * second. */
void kiosk_notify_alive(void);

#endif
