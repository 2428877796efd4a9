#!/bin/bash
# Runs one kiosk scenario headless against a fresh database and compares
# its screenshots with the golden images (tests/kiosk/golden; set
# VB_UPDATE_GOLDEN=1 to write them instead, then review them by eye).
# The database is made through vaxbusctl on 2021-06-01 with one lot on
# board and Zhou vaccinated on 2021-05-25 (too early for his second dose);
# a SCENARIO.check file next to the scenario, if any, is sourced after the
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
db="$dir/bus.db"
printer="$dir/printer"
printf '[devices]\nmode = sim\n[sim]\nprinter = %s\n' "$printer" >"$dir/vaxbus.conf"
export SDL_VIDEODRIVER=dummy SDL_RENDER_DRIVER=software VAXBUS_CONF="$dir/vaxbus.conf"

c() { "$ctl" --db "$db" --json "$@" >/dev/null; }
export VAXBUS_NOW=2021-05-25T09:00:00+08:00
c init --bus BUS-07 --site XIANG-01
c lot add --product bbibp-corv --lot 202104B07 --expiry 20220401 --vials 50 \
	--gtin 06970000000017 --fridge fridge-1
zhou=$("$ctl" --db "$db" --json person add --id-type cn-resident --id 110101196202020013 \
	--name 周建国 --sex 1 --birth 19620202 | jq -r .person.id)
c vaccinate --person "$zhou" --code 01069700000000171722040110202104B07 --staff nurse-li \
	--body-site left-deltoid --assessed
sqlite3 "$db" "INSERT INTO meta VALUES ('kiosk_staff_pin', 'nurse-li:a1b2c3d4e5f60718:c1a38f11a4a40a36fbc19845b00f19249b2224d4d3ebe28f325fa19173cc8147')" # staff PIN 2468

export VAXBUS_NOW=2021-06-01T09:00:00+08:00
name=$(basename "$scenario" .script)
if [ "${VB_UPDATE_GOLDEN:-0}" = 1 ]; then
	"$kiosk" --db "$db" --size 1280x800 --script "$scenario" --shots "$here/golden"
else
	mkdir "$dir/shots"
	"$kiosk" --db "$db" --size 1280x800 --script "$scenario" --shots "$dir/shots" \
		--golden "$here/golden"
fi
if [ -f "$here/$name.check" ]; then
	# shellcheck source=/dev/null
	. "$here/$name.check"
fi
echo "$name: ok"
