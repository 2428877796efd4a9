#!/bin/bash
# The kiosk benchmark: makes the kiosk tests' database and simulated
# devices (tests/kiosk/fixture.sh) and runs bench_kiosk on them
# (bench_kiosk.c says what it measures), on an X server of its own (Xvfb,
# package xvfb) when there is one: SDL's dummy video driver cannot sleep
# until an event and polls every millisecond instead, a few % of a CPU
# that a bus's display server (cage, X) never costs. Without Xvfb it runs
# on the dummy driver and says so.
#
#   kiosk.sh BUILD_DIR [--runs N] [--taps N] [--idle-s S]
#
# Builds nothing: BUILD_DIR/bench/bench_kiosk and BUILD_DIR/vaxbus-kiosk
# must exist (README.md). Work files go to $VB_BENCH_DIR (/var/tmp).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
[ $# -ge 1 ] || {
	echo "usage: kiosk.sh BUILD_DIR [--runs N] [--taps N] [--idle-s S]" >&2
	exit 2
}
build=$(cd "$1" && pwd)
shift
dir=$(mktemp -d "${VB_BENCH_DIR:-/var/tmp}/bench-kiosk-db-XXXXXX")
trap 'rm -rf "$dir"' EXIT
# shellcheck source=../kiosk/fixture.sh
. "$here/../kiosk/fixture.sh" "$build/vaxbusctl" "$dir"
if command -v Xvfb >/dev/null; then
	exec 3<> <(:)
	Xvfb -displayfd 3 -screen 0 1920x1080x24 -nolisten tcp 2>/dev/null &
	xvfb=$!
	trap 'kill $xvfb 2>/dev/null; rm -rf "$dir"' EXIT
	read -r -t 10 display <&3 || {
		echo "kiosk.sh: Xvfb did not start" >&2
		exit 1
	}
	export DISPLAY=":$display" SDL_VIDEODRIVER=x11
else
	echo "kiosk.sh: no Xvfb: SDL's dummy driver (idle CPU is its polling)" >&2
fi
"$build/bench/bench_kiosk" --kiosk "$build/vaxbus-kiosk" --db "$dir/bus.db" \
	--scripts "$here" "$@"
