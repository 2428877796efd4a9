/*
 * kiosk_notify: EXTEND_TIMEOUT_USEC, READY=1 and WATCHDOG=1 to systemd
 * through libsystemd's sd_notify (a no-op when the kiosk was not started
 * by systemd).
 */
#include "kiosk_notify.h"

#include <systemd/sd-daemon.h>
#include <time.h>

void kiosk_notify_opening(void)
{
	sd_notifyf(0,
		   "EXTEND_TIMEOUT_USEC=%llu\nSTATUS=opening the database (after an upgrade this "
		   "can take minutes)",
		   (unsigned long long)KIOSK_NOTIFY_OPEN_S * 1000000ULL);
}

void kiosk_notify_alive(void)
{
	static int ready;
	static time_t last;
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (ready && now.tv_sec == last)
		return;
	sd_notify(0, ready ? "WATCHDOG=1" : "READY=1\nSTATUS=running\nWATCHDOG=1");
	ready = 1;
	last = now.tv_sec;
}
