#!/bin/sh
# The kiosk tells systemd it is up and alive (kiosk_notify.c): started
# headless with NOTIFY_SOCKET naming a datagram socket of this test, its
# first message asks for more time to start (EXTEND_TIMEOUT_USEC: opening
# the database may migrate it) with a STATUS, the next says READY=1, and
# later ones WATCHDOG=1, at least one a second or two while it sits on the
# welcome screen.
#   notify.sh VAXBUS-KIOSK VAXBUSCTL   (needs socat)
set -eu
kiosk=$1
ctl=$2
dir=$(mktemp -d)
kpid=
spid=
cleanup() {
	[ -z "$kpid" ] || kill "$kpid" 2>/dev/null || true
	[ -z "$spid" ] || kill "$spid" 2>/dev/null || true
	rm -rf "$dir"
}
trap cleanup EXIT
printf '[devices]\nmode = sim\n[sim]\nprinter = %s/printer\n' "$dir" >"$dir/vaxbus.conf"
export SDL_VIDEODRIVER=dummy SDL_RENDER_DRIVER=software VAXBUS_CONF="$dir/vaxbus.conf" \
	VAXBUS_DATA_KEY="$dir/data.key"
"$ctl" --db "$dir/bus.db" init --bus BUS-07 --site XIANG-01 >/dev/null

# Each datagram on a line of its own (sd_notify sends one per call).
socat -u UNIX-RECVFROM:"$dir/notify",fork SYSTEM:'cat; echo' >"$dir/got" &
spid=$!
while [ ! -S "$dir/notify" ]; do sleep 0.1; done
NOTIFY_SOCKET=$dir/notify "$kiosk" --db "$dir/bus.db" --size 640x480 &
kpid=$!
i=0
while [ "$(grep -c 'WATCHDOG=1' "$dir/got" || true)" -lt 3 ] && [ $i -lt 100 ]; do
	kill -0 "$kpid" || { echo "the kiosk exited"; exit 1; }
	sleep 0.1
	i=$((i + 1))
done
kill "$kpid"
kpid=
sed 's/^/got: /' "$dir/got"
head -n1 "$dir/got" | grep -qx 'EXTEND_TIMEOUT_USEC=600000000' ||
	{ echo "first message does not extend the start limit to 600 s"; exit 1; }
sed -n 2p "$dir/got" | grep -q '^STATUS=opening the database' || { echo "no STATUS while opening"; exit 1; }
[ "$(grep -m1 -n -x 'READY=1' "$dir/got" | cut -d: -f1)" -gt 2 ] ||
	{ echo "READY=1 is not after the database is open"; exit 1; }
grep -qx 'STATUS=running' "$dir/got" || { echo "no STATUS=running with READY=1"; exit 1; }
[ "$(grep -c '^READY=1$' "$dir/got")" = 1 ] || { echo "READY=1 more than once"; exit 1; }
[ "$(grep -c '^WATCHDOG=1$' "$dir/got")" -ge 3 ] || { echo "fewer than 3 WATCHDOG=1 in 10 s"; exit 1; }
echo "EXTEND_TIMEOUT_USEC while opening, READY=1, then WATCHDOG=1"
