#!/bin/bash
# vaxbusctl staff add / pin / disable / list: the PIN is read from standard
# input, never from argv (no option takes it; `ps` shows a waiting staff
# add without it), 4-8 digits and not trivial (0000, 1234, 98765), stored
# as an Argon2id hash; a duplicate id, a bad role, an unknown id refused;
# a new PIN lifts a lockout; disabled staff listed as such; every change an
# audit row by the operating-system user ("os:NAME") without the PIN, and
# `audit verify` passes.
#   staff.sh VAXBUSCTL
set -euo pipefail
ctl=${1:?usage: staff.sh PATH-TO-VAXBUSCTL}
here=$(dirname "$0")
# shellcheck source=lib.bash
. "$here/lib.bash"

db=$dir/bus.db
export VAXBUS_NOW=2021-06-01T09:00:00+08:00
q() { sqlite3 -cmd ".timeout 5000" "$db" "$1"; }
run 0 init --bus BUS-07 --site XIANG-01

run 0 staff add --id nurse-li <<<2468
has '.staff.id == "nurse-li" and .staff.role == "nurse" and .staff.active and
	(.by | startswith("os:"))'
actor=$(printf '%s' "$out" | jq -r .by)
run 0 staff add --id dr-wang --role doctor <<<13579
has '.staff.role == "doctor"'
check '[ "$(q "SELECT substr(pin_hash, 1, 10) FROM staff WHERE id = '\''nurse-li'\''")" = "\$argon2id\$" ]'
check '[ "$(q "SELECT count(*) FROM staff WHERE pin_hash LIKE '\''%2468%'\'' OR pin_hash LIKE '\''%13579%'\''")" = 0 ]'

# No option takes the PIN.
run 2 staff add --id nurse-wu --pin 2468 </dev/null
run 2 staff pin --id nurse-li 2468 </dev/null
# While staff add waits for its PIN, its command line shows none.
mkfifo "$dir/pin"
"$ctl" --db "$db" --json staff add --id nurse-wu <"$dir/pin" >"$dir/wu.json" &
pid=$!
exec 3>"$dir/pin"
for _ in $(seq 50); do
	[ -r "/proc/$pid/cmdline" ] && break
	sleep 0.1
done
cmdline=$(tr '\0' ' ' <"/proc/$pid/cmdline")
check '[[ $cmdline == *"staff add --id nurse-wu"* ]]'
check '[[ $cmdline != *2468* && $cmdline != *2580* ]]'
echo 2580 >&3
exec 3>&-
wait "$pid"
check 'jq -e ".staff.id == \"nurse-wu\"" "$dir/wu.json" >/dev/null'

# The rules.
for bad in 0000 1234 98765 11111111 4321; do
	run 1 staff add --id nurse-x <<<"$bad"
	has '.code == "pin_trivial" and .field == "stdin"'
done
run 1 staff add --id nurse-x <<<246
has '.code == "pin_length"'
run 1 staff add --id nurse-x <<<123456789
has '.code == "pin_length"'
run 1 staff add --id nurse-x <<<24a8
has '.code == "pin_digits"'
run 1 staff add --id nurse-x </dev/null
has '.code == "no_pin"'
run 1 staff add --id nurse-li <<<8642
has '.code == "duplicate_staff"'
run 1 staff add --id nurse-x --role cook <<<8642
has '.code == "bad_role"'
run 1 staff add --id "two words" <<<8642
has '.code == "bad_id"'
run 1 staff pin --id nobody <<<8642
has '.code == "unknown_staff"'
run 1 staff disable --id nobody
has '.code == "unknown_staff"'
check '[ "$(q "SELECT count(*) FROM staff WHERE id IN ('\''nurse-x'\'', '\''two words'\'')")" = 0 ]'

# A locked id (as the kiosk leaves it after five wrong PINs) is listed as
# locked; a new PIN lifts the lock and the old PIN no longer matches.
old=$(q "SELECT pin_hash FROM staff WHERE id = 'nurse-li'")
q "UPDATE staff SET wrong = 0, lockouts = 2, locked_until = unixepoch('2021-06-01T01:05:00') WHERE id = 'nurse-li'"
run 0 staff list
has '[.staff[] | select(.id == "nurse-li")][0] | .locked and .locked_until > 0'
run 0 staff pin --id nurse-li <<<8642
has '.staff.locked == false and .staff.wrong == 0'
lock=$(q "SELECT lockouts || ' ' || locked_until FROM staff WHERE id = 'nurse-li'")
check '[ "$lock" = "0 0" ]'
check '[ "$(q "SELECT pin_hash FROM staff WHERE id = '\''nurse-li'\''")" != "$old" ]'

run 0 staff disable --id dr-wang
has '.staff.active == false'
run 0 staff list
has '[.staff[] | [.id, .active]] == [["dr-wang", false], ["nurse-li", true], ["nurse-wu", true]]'
text=$("$ctl" --db "$db" staff list)
check '[[ $text == *"dr-wang"*"disabled"* ]]'

# The audit log: every change, by the user who ran vaxbusctl, no PIN.
check '[ "$(q "SELECT group_concat(action || '\'' '\'' || record_id, '\'','\'') FROM audit WHERE actor = '\''$actor'\''")" = "staff.add nurse-li,staff.add dr-wang,staff.add nurse-wu,staff.pin nurse-li,staff.disable dr-wang" ]'
check '[ "$(q "SELECT count(*) FROM audit WHERE detail LIKE '\''%2468%'\'' OR detail LIKE '\''%8642%'\'' OR detail LIKE '\''%13579%'\''")" = 0 ]'
run 0 audit verify
has '.audit == "intact"'
finish
