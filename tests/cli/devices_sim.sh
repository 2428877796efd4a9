#!/bin/bash
# The device commands on simulated devices (assets/sim): the documented
# JSON shapes of idcard read, scan and temp read, a printed test page whose
# QR code zbarimg reads back, and the refusals when a device is missing.
set -eu
ctl=${1:?usage: devices_sim.sh PATH-TO-VAXBUSCTL}
. "$(dirname "$0")/lib.bash"
assets=${VB_ASSETS_DIR:?}
cat >"$dir/vaxbus.conf" <<CONF
[devices]
mode = sim
[sim]
cards = $assets/sim/cards.txt
scans = $assets/sim/scans.txt
temps = $assets/sim/temps.txt
printer = $dir/printed
CONF
export VAXBUS_CONF=$dir/vaxbus.conf VAXBUS_DB=$dir/d.db VAXBUS_NOW=2021-06-01T09:00:00+08:00

out=$("$ctl" --json idcard read)
check '[ "$(printf "%s" "$out" | jq -r "keys_unsorted | join(\",\")")" = "name,sex,nation,birth,address,id,authority,valid_from,valid_to" ]'
check '[ "$(printf "%s" "$out" | jq -r .id)" = 110101195001011239 ]'
check '[ "$(printf "%s" "$out" | jq -r .valid_to)" = "长期" ]'
out=$("$ctl" --json scan)
check '[ "$(printf "%s" "$out" | jq -r "keys | join(\",\")")" = text ]'
check '[ "$(printf "%s" "$out" | jq -r .text)" = "]d201069700000000171722013110202105A01" ]'
out=$("$ctl" --json temp read)
check '[ "$(printf "%s" "$out" | jq -c "[.[] | keys] | unique")" = "[[\"celsius\",\"device\"]]" ]'
check '[ "$(printf "%s" "$out" | jq -c "map(.celsius)")" = "[4.5,5]" ]'

"$ctl" init --bus B1 --site S1 >/dev/null
out=$("$ctl" --json print test)
check '[ "$(printf "%s" "$out" | jq -r .printed)" = 1 ]'
check '[ "$(zbarimg --raw -q --nodbus "$dir/printed/receipt-0001.pbm")" = "vaxbus print test 2021-06-01T09:00:00+08:00" ]'
out=$("$ctl" --json print text --text 'line one\n第二行')
check '[ -s "$dir/printed/receipt-0002.pbm" ]'

# A missing simulation file is a device that is not attached.
sed -i "s|^cards = .*|cards = $dir/none.txt|" "$dir/vaxbus.conf"
set +e
out=$("$ctl" --json idcard read)
rc=$?
set -e
check '[ $rc -eq 1 ] && [ "$(printf "%s" "$out" | jq -r .code)" = no_device ]'
# A bad configuration names its line.
printf '[devices]\nmode = radio\n' >"$dir/bad.conf"
set +e
err=$(VAXBUS_CONF=$dir/bad.conf "$ctl" idcard read 2>&1)
rc=$?
set -e
check '[ $rc -eq 1 ] && printf "%s" "$err" | grep -q "bad.conf:2: mode: want usb or sim"'

finish
