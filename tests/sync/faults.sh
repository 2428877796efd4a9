#!/bin/bash
# Sync against the real FHIR server of tests/platform under faults. Every
# scenario queues records through the real vaxbusctl, syncs them while the
# server misbehaves, and then counts what the server holds by identifier:
# exactly the records made on the bus, none lost, none twice, every bundle
# valid FHIR.
#   faults.sh VAXBUSCTL PLATFORM_DIR
set -euo pipefail
ctl=$1
platform=$2
here=$(dirname "$0")
# shellcheck source=../cli/lib.bash
. "$here/../cli/lib.bash"
# shellcheck source=lib.bash
. "$here/lib.bash"

# Records are made on 2021-06-01; the sync itself runs on the real clock.
make_db() {
	db="$dir/$1.db"
	export VAXBUS_NOW=2021-06-01T09:00:00+08:00
	seed_init
	seed "$2" "$3"
	unset VAXBUS_NOW
}

# exact NAME DB: the server holds each record of DB exactly once, and
# every resource it received was valid.
exact() {
	local name=$1 want got
	stats "$name"
	has ".duplicates == {} or ([.duplicates[]] | add) == 0"
	has '.invalid == 0'
	want=$(local_ids | wc -l)
	has ".counts.Immunization + (.counts.AdverseEvent // 0) == $want"
	has ".counts.Patient == $(sqlite3 "$db" 'SELECT count(*) FROM person')"
	local u
	eval "u=\$url_$name"
	got=$(for t in Immunization AdverseEvent; do
		curl -sf "${u%/fhir/R4}/_admin/identifiers?type=$t" |
			jq -r 'to_entries[] | select(.key | startswith("https://vaxbus.invalid/fhir/record|")) | .key | sub(".*[|]"; "")'
	done | sort)
	check "[ \"\$got\" = \"\$(local_ids)\" ]"
}

# 1. A clean run in batch mode: everything acknowledged, with the ids;
# besides the doses a resident registered by a proxy, a deferral and two
# adverse events, so every kind of record is validated by the server.
platform_start clean --port 0
make_db clean 1 40
export VAXBUS_NOW=2021-06-01T09:30:00+08:00
run 0 person add --id-type cn-resident --id "$(resident_id 20150601 901)" --name 测试儿童 \
	--sex 1 --birth 20150601 --proxy-of "$(sqlite3 "$db" 'SELECT id FROM person LIMIT 1')" \
	--relationship child
run 0 defer --person "$(printf '%s' "$out" | jq -r .person.id)" --reason declined --staff nurse-li
for v in $(sqlite3 "$db" 'SELECT visit_id FROM dose LIMIT 2'); do
	run 0 aefi add --visit "$v" --onset 2021-06-01T09:20:00+08:00 --symptoms fever,rash,other \
		--other "dizzy" --severity moderate --action treated_on_site --note "rest" --staff nurse-li
done
unset VAXBUS_NOW
use_conf "$dir/clean.conf" "url=$url_clean" backoff_min_s=1 backoff_max_s=2
run 0 sync --once
has '.acked == 84 and .failed == 0 and .pending == 0'
run 0 sync status
has '.pending == 0 and .in_flight == 0 and .acked == 84 and .failed == 0 and .last_error == ""'
check "[ \$(sqlite3 \"$db\" \"SELECT count(*) FROM outbox WHERE server_id NOT LIKE 'Patient/%' AND server_id NOT LIKE 'Immunization/%' AND server_id NOT LIKE 'AdverseEvent/%'\") -eq 0 ]"
stats clean
has '.counts.AdverseEvent == 2 and .counts.Immunization == 41 and .counts.Patient == 41'
exact clean
# A second run sends nothing and the server still holds each once.
run 0 sync --once
has '.sent == 0 and .requests == 0'

# 2. 30 % of the requests answered 503: backoff, then all through.
platform_start s503 --port 0 --p503 0.3 --seed 7
make_db s503 101 40
use_conf "$dir/s503.conf" "url=$url_s503" bundle_size=10 backoff_min_s=1 backoff_max_s=2
run 0 sync --once --timeout 120
has '.pending == 0 and .failed == 0 and .retried > 0'
stats s503
has '.faults.p503 > 0'
exact s503

# 3. Connections reset mid-answer after the server stored the bundle: the
# resend is answered 200 with the same ids, never stored twice.
platform_start reset --port 0 --preset 0.3 --seed 8
make_db reset 201 40
use_conf "$dir/reset.conf" "url=$url_reset" bundle_size=10 backoff_min_s=1 backoff_max_s=2
run 0 sync --once --timeout 120
has '.pending == 0 and .failed == 0'
stats reset
has '.faults.reset > 0'
exact reset

# 4. Answers held past the client's timeout (the server stored them).
platform_start slow --port 0 --pdelay 0.3 --delay-ms 2500 --seed 9
make_db slow 301 30
use_conf "$dir/slow.conf" "url=$url_slow" bundle_size=10 timeout_s=1 backoff_min_s=1 backoff_max_s=2
run 0 sync --once --timeout 120
has '.pending == 0 and .failed == 0'
stats slow
has '.faults.delay > 0'
exact slow

# 5. The server killed (-9) and restarted on the same port mid-sync.
platform_start restart --port 0 --pdelay 1 --delay-ms 150
make_db restart 401 60
use_conf "$dir/restart.conf" "url=$url_restart" bundle_size=5 backoff_min_s=1 backoff_max_s=2
"$ctl" --db "$db" --json sync --once --timeout 120 >"$dir/restart.json" 2>/dev/null &
sync_pid=$!
for _ in $(seq 1 100); do
	n=$(sqlite3 "$db" "SELECT count(*) FROM outbox WHERE state = 'acked'")
	[ "$n" -ge 20 ] && break
	sleep 0.1
done
check "[ $n -ge 20 ] && [ $n -lt 120 ]"
platform_kill restart
sleep 1
platform_start restart --port "$port_restart"
set +e; wait $sync_pid; rc=$?; set -e
check "[ $rc -eq 0 ]"
out=$(cat "$dir/restart.json")
has '.pending == 0 and .failed == 0'
exact restart

# 6. vaxbusctl sync killed -9 mid-bundle, then run again.
platform_start killed --port 0 --pdelay 1 --delay-ms 400
make_db killed 501 40
use_conf "$dir/killed.conf" "url=$url_killed" bundle_size=8 backoff_min_s=1 backoff_max_s=2
"$ctl" --db "$db" sync --once >/dev/null 2>&1 &
sync_pid=$!
for _ in $(seq 1 100); do
	n=$(sqlite3 "$db" "SELECT count(*) FROM outbox WHERE state = 'acked'")
	[ "$n" -ge 8 ] && break
	sleep 0.05
done
sleep 0.2
kill -9 $sync_pid
wait $sync_pid 2>/dev/null || true
run 0 sync status
has '.in_flight > 0'
curl -sf -X POST -H 'Content-Type: application/json' -d '{"pdelay":0}' \
	"${url_killed%/fhir/R4}/_admin/faults" >/dev/null
run 0 sync --once --timeout 60
has '.pending == 0 and .failed == 0'
run 0 sync status
has '.in_flight == 0 and .pending == 0'
exact killed

# 7. Transaction mode against a server that refuses transactions of more
# than 8 conditional entries: split, learnt, all through.
platform_start tx --port 0
make_db tx 601 40
use_conf "$dir/tx.conf" "url=$url_tx" mode=transaction bundle_size=40 backoff_min_s=1 backoff_max_s=2
run 0 sync --once --timeout 60
has '.pending == 0 and .failed == 0 and .acked == 80'
exact tx

# 8. A poison record: the platform refuses one resident for good. That
# resident and the dose that needs it are set aside with the reason; the
# other 29 residents and doses go through. Fixed on the platform, a retry
# sends them.
poison=$(resident_id "1980$(printf %02d $((702 % 12 + 1)))15" 702)
platform_start poison --port 0 --refuse-identifier "$poison"
make_db poison 701 30
use_conf "$dir/poison.conf" "url=$url_poison" bundle_size=10 backoff_min_s=1 backoff_max_s=2
run 0 sync --once --timeout 60
has '.failed == 2 and .acked == 58 and .pending == 0'
run 0 sync status
has '.failed == 2 and (.failed_records | map(.kind) | sort) == ["immunization", "patient"]'
has '.failed_records | all(.last_error | test("HTTP 4[0-9][0-9]"))'
stats poison
has '.counts.Patient == 29 and .counts.Immunization == 29'
platform_stop poison
platform_start poison --port "$port_poison"
run 0 sync retry --all
has '.requeued == 2'
run 0 sync --once --timeout 60
has '.acked == 2 and .pending == 0'
exact poison

# 9. OAuth 2 client credentials: a good secret syncs; a bad one leaves
# every record waiting (never refused), and sync --once says why.
platform_start auth --port 0 --client bus-7:s3cret
make_db auth 801 10
use_conf "$dir/bad.conf" "url=$url_auth" auth=client_credentials \
	"token_url=${url_auth%/fhir/R4}/oauth2/token" client_id=bus-7 client_secret=wrong \
	backoff_min_s=1 backoff_max_s=1
not_sent 20 'token'
use_conf "$dir/auth.conf" "url=$url_auth" auth=client_credentials \
	"token_url=${url_auth%/fhir/R4}/oauth2/token" client_id=bus-7 client_secret=s3cret
run 0 sync --once --timeout 60
has '.acked == 20 and .pending == 0'
exact auth

for s in clean s503 reset slow restart killed tx poison auth; do platform_stop $s; done
finish
