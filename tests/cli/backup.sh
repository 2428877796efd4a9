#!/bin/bash
# vaxbusctl backup and restore: a backup taken while another process keeps
# registering people restores to a consistent database; a quiet one
# restores with every table's row count equal; a flipped, cut or lengthened
# file, a wrong key and an identity already in use are refused with
# nothing written; --force-new-identity gives a clone a new database id
# whose audit chain still verifies; every backup and restore is in the
# audit log.
#   backup.sh VAXBUSCTL
set -euo pipefail
ctl=${1:?usage: backup.sh PATH-TO-VAXBUSCTL}
here=$(dirname "$0")
# shellcheck source=lib.bash
. "$here/lib.bash"

export VAXBUS_DATA_KEY=$dir/data.key
printf '[backup]\nkey = %s\n' "$dir/backup.key" >"$dir/vaxbus.conf"
export VAXBUS_CONF=$dir/vaxbus.conf
db=$dir/bus.db
q() { sqlite3 -cmd ".timeout 5000" "$1" "$2"; }
# The code of a refusal in $out.
code() { printf '%s' "$out" | jq -r .code; }
# Every table with its row count, one "table n" per line.
counts() {
	local t
	for t in $(q "$1" "SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name"); do
		echo "$t $(q "$1" "SELECT count(*) FROM \"$t\"")"
	done
}

run 0 init --bus BUS-BK --site S1
run 0 backup --init-key
has '.key_id | test("^[0-9a-f]{32}$")'
check "[ \"\$(stat -c %a '$dir/backup.key')\" = 400 ]"
key_id=$(printf '%s' "$out" | jq -r .key_id)
run 1 backup --init-key
check '[ "$(code)" = key_exists ]'

resident_ids 400 >"$dir/ids"
register() {
	local id=$1 birth sex
	birth=$(printf '%s' "$id" | cut -c7-14)
	sex=$(($(printf '%s' "$id" | cut -c17) % 2 == 1 ? 1 : 2))
	"$ctl" --db "$db" person add --id-type cn-resident --id "$id" --name 测试 --sex "$sex" \
		--birth "$birth" >/dev/null
}
head -n 20 "$dir/ids" | while read -r id; do register "$id"; done

# A backup while another process registers people.
(tail -n +21 "$dir/ids" | while read -r id; do
	[ -e "$dir/stop" ] && break
	register "$id"
done) &
writer=$!
while [ "$(q "$db" "SELECT count(*) FROM person")" -lt 40 ]; do sleep 0.05; done
before=$(q "$db" "SELECT count(*) FROM person")
run 0 backup --to "$dir/busy.vbk"
has ".key_id == \"$key_id\" and .bus == \"BUS-BK\" and .audit_seq > 20"
after=$(q "$db" "SELECT count(*) FROM person")
touch "$dir/stop"
wait "$writer"
check "[ $after -gt $before ]" # the writer did go on during the backup

# Restored on a new machine (no database of its own yet): consistent.
fresh=$dir/fresh.db
db=$dir/none.db
run 0 restore --from "$dir/busy.vbk" --db "$fresh"
has '.bus == "BUS-BK" and .new_identity == false'
check "[ \"\$(stat -c %a '$fresh')\" = 600 ]"
n=$(q "$fresh" "SELECT count(*) FROM person")
check "[ $n -ge $before ] && [ $n -le $after ]"
check "[ $n -eq \$(q '$fresh' \"SELECT count(*) FROM outbox WHERE kind = 'patient'\") ]"
check "[ \"\$(q '$fresh' 'PRAGMA integrity_check')\" = ok ]"
db=$fresh
run 0 audit verify
check "[ \"\$(q '$fresh' \"SELECT count(*) FROM audit WHERE action = 'backup.restore'\")\" = 1 ]"
rm -f "$fresh" "$fresh"-wal "$fresh"-shm

# A quiet backup: every table's row count equal (the source's backup.create
# row and the copy's backup.restore row make the audit counts equal too).
db=$dir/bus.db
run 0 backup --to "$dir/quiet.vbk"
counts "$dir/bus.db" >"$dir/counts.src"
db=$dir/none.db
run 0 restore --from "$dir/quiet.vbk" --db "$fresh"
counts "$fresh" >"$dir/counts.copy"
check "diff '$dir/counts.src' '$dir/counts.copy'"
check "[ \"\$(q '$dir/bus.db' \"SELECT count(*) FROM audit WHERE action = 'backup.create'\")\" = 2 ]"
check "q '$dir/bus.db' \"SELECT detail FROM audit WHERE action = 'backup.create'\" | grep -q 'key=$key_id'"

# Any flipped byte, a cut or an added byte: refused, nothing written.
size=$(stat -c %s "$dir/quiet.vbk")
for at in 0 8 20 60 120 180 200 $((size / 2)) $((size - 1)); do
	cp "$dir/quiet.vbk" "$dir/bad.vbk"
	printf "$(printf '\\%03o' $((($(od -An -tu1 -j "$at" -N1 "$dir/bad.vbk") ^ 1))))" |
		dd of="$dir/bad.vbk" bs=1 seek="$at" conv=notrunc status=none
	run 1 restore --from "$dir/bad.vbk" --db "$dir/bad.db"
	check "[ ! -e '$dir/bad.db' ] && ! ls '$dir'/bad.db.* >/dev/null 2>&1"
	case $at in
	0) check '[ "$(code)" = not_a_backup ]' ;;
	8) check '[ "$(code)" = backup_version ]' ;;
	20) check '[ "$(code)" = wrong_key ]' ;; # the key id is in the header
	*) check '[ "$(code)" = tampered ]' ;;
	esac
done
head -c $((size - 100)) "$dir/quiet.vbk" >"$dir/cut.vbk"
run 1 restore --from "$dir/cut.vbk" --db "$dir/bad.db"
check '[ "$(code)" = tampered ] && [ ! -e "$dir/bad.db" ]'
{ cat "$dir/quiet.vbk"; printf x; } >"$dir/long.vbk"
run 1 restore --from "$dir/long.vbk" --db "$dir/bad.db"
check '[ "$(code)" = tampered ] && [ ! -e "$dir/bad.db" ]'

# Another key: refused, nothing written; a key others may read: refused.
"$ctl" backup --init-key --key "$dir/other.key" >/dev/null
run 1 restore --from "$dir/quiet.vbk" --db "$dir/bad.db" --key "$dir/other.key"
check '[ "$(code)" = wrong_key ] && [ ! -e "$dir/bad.db" ]'
chmod 644 "$dir/other.key"
run 1 restore --from "$dir/quiet.vbk" --db "$dir/bad.db" --key "$dir/other.key"
check '[ "$(code)" = key_exposed ]'

# Identity in use. Onto the live database itself, or onto the copy made
# above: refused (a file is never replaced), both left as they were.
sum_live=$(sha256sum <"$dir/bus.db")
db=$dir/bus.db
run 1 restore --from "$dir/quiet.vbk" --db "$dir/bus.db"
check '[ "$(code)" = identity_in_use ]'
run 1 restore --from "$dir/quiet.vbk" --db "$fresh"
check '[ "$(code)" = identity_in_use ]'
check "[ \"\$(sha256sum <'$dir/bus.db')\" = '$sum_live' ]"
# Beside the live database (its --db) on the same machine: refused.
run 1 restore --from "$dir/quiet.vbk" --db "$dir/second.db"
check '[ "$(code)" = identity_in_use ] && [ ! -e "$dir/second.db" ]'
# A clone whose history went another way (the copy registered someone the
# live database never saw), brought back beside the live one: refused.
sed -n 399p "$dir/ids" | while read -r id; do db=$fresh register "$id"; done
db=$fresh
run 0 backup --to "$dir/clone.vbk"
db=$dir/bus.db
run 1 restore --from "$dir/clone.vbk" --db "$dir/second.db"
check '[ "$(code)" = identity_in_use ] && (printf "%s" "$out" | jq -e ".reason | test(\"another history\")" >/dev/null)'
# With --force-new-identity: a new database id, the old one kept, the
# audit chain intact, the records the same.
run 0 restore --from "$dir/clone.vbk" --db "$dir/second.db" --force-new-identity
live_id=$(q "$dir/bus.db" "SELECT value FROM meta WHERE key = 'database_id'")
has ".new_identity and .cloned_from == \"$live_id\" and .database_id != \"$live_id\""
check "[ \"\$(q '$dir/second.db' \"SELECT value FROM meta WHERE key = 'cloned_from'\")\" = '$live_id' ]"
check "[ \"\$(q '$dir/second.db' 'SELECT count(*) FROM outbox')\" = \"\$(q '$fresh' 'SELECT count(*) FROM outbox')\" ]"
db=$dir/second.db
run 0 audit verify
check "q '$dir/second.db' \"SELECT detail FROM audit WHERE action = 'backup.restore'\" | grep -q 'cloned_from=$live_id'"
# A backup of the clone now restores beside the live database as is.
run 0 backup --to "$dir/second.vbk"
db=$dir/bus.db
run 0 restore --from "$dir/second.vbk" --db "$dir/third.db"
db=$dir/third.db
run 0 audit verify

# The backup file holds no personal data in clear.
check "! grep -aq 110101 '$dir/quiet.vbk'"
finish
