#!/bin/bash
# vaxbusctl's contract with scripts: every command has --help (exit 0);
# usage errors exit 2; refusals exit 1 with one line naming the field and
# write nothing; storage errors exit 3; --json refusals are one object.
set -eu
ctl=${1:?usage: usage.sh PATH-TO-VAXBUSCTL}
. "$(dirname "$0")/lib.bash"
export VAXBUS_DB=$dir/u.db VAXBUS_NOW=2021-06-01T09:00:00+08:00

# expect CODE ARGS...: vaxbusctl exits with CODE; its stderr is in $err.
expect() {
	local want=$1
	shift
	set +e
	"$ctl" "$@" >"$dir/out" 2>"$dir/err"
	local got=$?
	set -e
	err=$(cat "$dir/err")
	if [ "$got" -ne "$want" ]; then
		echo "FAIL: vaxbusctl $* exited $got, want $want: $err"
		fails=$((fails + 1))
	else
		passes=$((passes + 1))
	fi
}

expect 0 --help
check 'grep -q "Exit codes: 0 ok, 1 refused" "$dir/out"'
expect 0 --version
expect 2
expect 2 no-such-command
expect 2 --no-such-global init
for cmd in init "person add" "person find" "lot add" "lot list" "lot recall" "lot release" \
	due scan-check vaccinate defer "aefi add" "temp add" "report day" "outbox list" \
	"audit verify" demo; do
	# shellcheck disable=SC2086
	expect 0 $cmd --help
	check "grep -q '^usage: vaxbusctl' '$dir/out'"
	# shellcheck disable=SC2086
	expect 2 $cmd --no-such-option
done

# Before init, commands that need a bus refuse.
expect 1 lot list
check 'grep -q "not_initialised" "$dir/err"'
expect 0 init --bus B1 --site S1
expect 2 person add --id-type cn-resident
expect 2 lot add --product bbibp-corv --lot L1 --expiry

# Refusals: one line, naming the field, nothing written.
before=$(sqlite3 "$VAXBUS_DB" "SELECT (SELECT count(*) FROM audit) || '/' || (SELECT count(*) FROM outbox)")
expect 1 person add --id-type cn-resident --id 11010119500101123X --name A --sex 1 --birth 19500101
check '[ "$(wc -l <"$dir/err")" -eq 1 ] && grep -q -- "--id: check_char" "$dir/err"'
expect 1 person add --id-type martian --id 1 --name A --sex 1 --birth 19500101
check 'grep -q -- "--id-type: bad_type" "$dir/err"'
expect 1 person add --id-type cn-resident --id 110101195001011239 --name A --sex 3 --birth 19500101
check 'grep -q -- "--sex: bad_sex" "$dir/err"'
expect 1 person add --id-type cn-resident --id 110101195001011239 --name A --sex 1 --birth 19500231
check 'grep -q -- "--birth: bad_date" "$dir/err"'
expect 1 person add --id-type cn-resident --id 110101195001011239 --name "" --sex 1 --birth 19500101
check 'grep -q -- "--name:" "$dir/err"'
expect 1 lot add --product bbibp-corv --lot "A B" --expiry 20220101 --vials 1
check 'grep -q -- "--lot: bad_lot" "$dir/err"'
expect 1 lot add --product bbibp-corv --lot L1 --expiry 20220101 --vials -3
check 'grep -q -- "--vials: bad_number" "$dir/err"'
expect 1 lot add --product bbibp-corv --lot L1 --expiry 20220101 --vials 1 --gtin 06970000000018
check 'grep -q -- "--gtin: bad_gtin" "$dir/err"'
expect 1 temp add --fridge f1 --celsius warm
check 'grep -q -- "--celsius: bad_temperature" "$dir/err"'
expect 1 due --person no-such-person
check 'grep -q -- "--person: unknown_person" "$dir/err"'
expect 1 --json person add --id-type cn-resident --id 11010119500101123X --name A --sex 1 --birth 19500101
check 'jq -e ".ok == false and .field == \"--id\" and .code == \"check_char\"" "$dir/out" >/dev/null'
after=$(sqlite3 "$VAXBUS_DB" "SELECT (SELECT count(*) FROM audit) || '/' || (SELECT count(*) FROM outbox)")
check '[ "$before" = "$after" ]'

# Storage errors exit 3: a database in a directory that does not exist, a
# file that is not a database.
expect 3 --db "$dir/missing/x.db" lot list
printf 'not a database, just text\n%.0s' $(seq 1 200) >"$dir/junk.db"
expect 3 --db "$dir/junk.db" lot list

finish
