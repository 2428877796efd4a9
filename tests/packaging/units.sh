#!/bin/sh
# systemd-analyze verify finds nothing to say about the package's units
# (it prints warnings yet exits 0, so any output fails the test).
#   units.sh UNIT...
set -eu
for unit in "$@"; do
	out=$(systemd-analyze verify "$unit" 2>&1) || { echo "$out"; exit 1; }
	[ -z "$out" ] || { echo "$out"; exit 1; }
	echo "$unit: clean"
done
