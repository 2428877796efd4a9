#!/bin/bash
# Runs one kiosk scenario headless against a fresh database and compares
# its screenshots with the golden images (tests/kiosk/golden; set
# VB_UPDATE_GOLDEN=1 to write them instead, then review them by eye).
# The bus is fixture.sh's (one lot on board, Zhou too early for his
# second dose, staff PIN 2468, simulated devices; the clock on 2021-06-01).
# A scenario whose first line is `# size WxH` runs at that size, else at
# 1280x800. A SCENARIO.check file next to the scenario, if any, is sourced after the
# run to check the records the kiosk wrote ($db, $ctl, and $printer: the
# folder the simulated printer writes receipts to). Devices are simulated.
#   run.sh VAXBUS-KIOSK VAXBUSCTL SCENARIO
set -euo pipefail
kiosk=$1
ctl=$2
scenario=$3
here=$(cd "$(dirname "$0")" && pwd)
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
# shellcheck source=fixture.sh
. "$here/fixture.sh" "$ctl" "$dir"
name=$(basename "$scenario" .script)
# An optional SCENARIO.setup is sourced here, before the kiosk starts, to
# add what the scenario needs (c, $db, $ctl, $dir, $here; the
# configuration file is $VAXBUS_CONF).
if [ -f "$here/$name.setup" ]; then
	# shellcheck source=/dev/null
	. "$here/$name.setup"
fi
size=1280x800
read -r first <"$scenario"
if [[ $first =~ ^#\ size\ ([0-9]+x[0-9]+)$ ]]; then
	size=${BASH_REMATCH[1]}
fi
if [ "${VB_UPDATE_GOLDEN:-0}" = 1 ]; then
	"$kiosk" --db "$db" --size "$size" --script "$scenario" --shots "$here/golden"
else
	mkdir "$dir/shots"
	"$kiosk" --db "$db" --size "$size" --script "$scenario" --shots "$dir/shots" \
		--golden "$here/golden"
fi
if [ -f "$here/$name.check" ]; then
	# shellcheck source=/dev/null
	. "$here/$name.check"
fi
echo "$name: ok"
