/*
 * kiosk_notify: tells systemd that the kiosk is up and still alive
 * (sd_notify: READY=1 once, then WATCHDOG=1), so that the service's
 * WatchdogSec= restarts a kiosk whose loop has hung. Outside systemd
 * (no NOTIFY_SOCKET) it does nothing.
 */
#ifndef KIOSK_NOTIFY_H
#define KIOSK_NOTIFY_H

/* Called from the interactive loop after each pass (the loop wakes at
 * least once a second): the first call, after the first frame, says
 * READY=1; later ones say WATCHDOG=1, at most once a second. */
void kiosk_notify_alive(void);

#endif
