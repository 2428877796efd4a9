#!/bin/bash
# Power cut: the real vaxbusctl is killed with SIGKILL at random moments
# while it registers people, over and over on one database. After every
# cut: each registration that vaxbusctl reported done is there, the
# database passes PRAGMA integrity_check, the audit chain verifies, and
# every person has exactly one outbox row. Runs: VB_POWERCUT_RUNS (200).
set -eu
ctl=${1:?usage: powercut.sh PATH-TO-VAXBUSCTL}
runs=${VB_POWERCUT_RUNS:-200}
# shellcheck source=lib.bash
. "$(dirname "$0")/lib.bash"
db=$dir/cut.db
export VAXBUS_DB=$db
"$ctl" init --bus BUS-CUT --site S1 >/dev/null

resident_ids 20000 >"$dir/ids"

cat >"$dir/writer.sh" <<'WRITER'
#!/bin/bash
# Registers people from line $2 of the id list on, logging each one that
# vaxbusctl reported as done.
ctl=$1
n=$2
echo $$ >"$DIR/pgid.tmp" && mv "$DIR/pgid.tmp" "$DIR/pgid"
tail -n +"$n" "$DIR/ids" | while read -r id; do
	birth=$(printf '%s' "$id" | cut -c7-14)
	sex=$(( $(printf '%s' "$id" | cut -c17) % 2 == 1 ? 1 : 2 ))
	"$ctl" person add --id-type cn-resident --id "$id" --name 测试 --sex "$sex" \
		--birth "$birth" >/dev/null 2>&1 && echo "$id" >>"$DIR/done"
done
WRITER
export DIR=$dir
: >"$dir/done"
# Starts a writer in its own session, then kills it and its vaxbusctl at
# once after $1 seconds (the shell's "Killed" notice goes to stderr).
cut_power() {
	rm -f "$dir/pgid"
	setsid bash "$dir/writer.sh" "$ctl" "$next" &
	local pid=$!
	while [ ! -s "$dir/pgid" ]; do sleep 0.01; done
	sleep "$1"
	kill -9 -- "-$(cat "$dir/pgid")"
	wait "$pid" || true
}

# The killed vaxbusctl may still be exiting (and holding a lock) when its
# parent shell has been reaped: the checks wait for locks up to 5 s.
q() { sqlite3 -cmd ".timeout 5000" "$db" "$@"; }

fails=0
next=1
checked=0
for run in $(seq 1 "$runs"); do
	delay=$(awk -v r="$run" 'BEGIN { srand(r); printf "%.3f", rand() * 0.3 }')
	cut_power "$delay" 2>/dev/null
	next=$(( $(q "SELECT count(*) FROM person") + 2 ))

	# The registrations reported since the last check are found by
	# document (the numbers are sealed: vaxbusctl looks up their hash).
	lost=0
	while read -r id; do
		"$ctl" person find --id-type cn-resident --id "$id" >/dev/null 2>&1 ||
			lost=$((lost + 1))
	done < <(tail -n +"$((checked + 1))" "$dir/done")
	checked=$(wc -l <"$dir/done")
	integrity=$(q "PRAGMA integrity_check")
	mismatch=$(q "SELECT (SELECT count(*) FROM person) -
		(SELECT count(*) FROM outbox WHERE kind = 'patient')")
	if [ "$lost" -ne 0 ] || [ "$integrity" != ok ] || [ "$mismatch" -ne 0 ] ||
		! "$ctl" audit verify >/dev/null 2>&1; then
		echo "FAIL run $run (delay ${delay}s): lost $lost, integrity '$integrity'," \
			"persons minus outbox rows $mismatch, audit: $("$ctl" audit verify 2>&1)"
		fails=$((fails + 1))
	fi
done
persons=$(q "SELECT count(*) FROM person")
echo "$runs kill -9 runs: $(wc -l <"$dir/done") registrations reported done, $persons stored"
echo "$((runs - fails)) passed, $fails failed"
[ "$fails" -eq 0 ]
