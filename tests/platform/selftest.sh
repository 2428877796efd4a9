#!/bin/bash
# Self-test of the FHIR test platform: starts its own server.mjs (and
# shaper.mjs) on free ports with a temporary data folder, checks the contract
# the sync tests rely on (the index agrees with Medplum's scan, idempotent
# conditional create, percent-encoding, Medplum's strict-transaction limit,
# rollback, unknown search parameters, gzip, OAuth2, validation, platform
# refusals, faults, the journal across kill -9, identifier index speed, the
# shaper's bytes and delays), prints one line per check and the count, and
# exits 1 when a check fails. Needs curl, jq and gzip, and
# `npm ci --prefix tests/platform`.
set -uo pipefail
dir=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
pids=()
passed=0
failed=0
cleanup() {
	for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; done
	wait 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

# check NAME COMMAND...: one line, counted.
check() {
	local name=$1
	shift
	if "$@"; then
		echo "ok - $name"
		passed=$((passed + 1))
	else
		echo "FAIL - $name"
		failed=$((failed + 1))
	fi
}

# start LOG SCRIPT ARGS...: sets pid and port once SCRIPT says it listens.
start() {
	local log=$tmp/$1
	shift
	"$dir/run" "$@" >"$log.out" 2>"$log.err" &
	pid=$!
	pids+=("$pid")
	for _ in $(seq 600); do
		port=$(awk '$1 == "listening" { print $2; exit }' "$log.out")
		[ -n "$port" ] && return 0
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	echo "FAIL - $* did not start"
	cat "$log.err"
	exit 1
}

start server server.mjs --port 0 --data "$tmp/data" --client kiosk:s3cret \
	--token test-token --refuse-identifier POISON-1 --seed 7
server=$pid
server_port=$port
base=http://127.0.0.1:$port/fhir/R4
admin=http://127.0.0.1:$port/_admin

fhir() {
	curl -sS --max-time 120 -H 'Authorization: Bearer test-token' -H 'Content-Type: application/fhir+json' "$@"
}
post() { fhir -X POST --data-binary @- "$base"; }
stats() { curl -sS "$admin/stats" | jq -cr "$1"; }

# A batch (or transaction) of the given entries, read as a JSON array.
bundle() { jq -c --arg type "${1:-batch}" '{resourceType: "Bundle", type: $type, entry: .}'; }
# One Patient entry, conditional on SYSTEM|VALUE (ENCODED as sent).
patient_entry() {
	jq -nc --arg v "$1" --arg enc "$2" '{fullUrl: "urn:uuid:00000000-0000-4000-8000-000000000001",
		resource: {resourceType: "Patient", identifier: [{system: "urn:test:pid", value: $v}],
			gender: "female", birthDate: "1980-02-03"},
		request: {method: "POST", url: "Patient", ifNoneExist: ("identifier=urn:test:pid%7C" + $enc)}}'
}
immunization() {
	jq -nc --arg v "$1" --arg p "${2:-urn:uuid:00000000-0000-4000-8000-000000000001}" '{resourceType: "Immunization",
		identifier: [{system: "urn:test:imm", value: $v}], status: "completed",
		vaccineCode: {coding: [{system: "http://hl7.org/fhir/sid/cvx", code: "208"}]},
		patient: {reference: $p}, occurrenceDateTime: "2021-05-01T10:00:00Z"}'
}
immunization_entry() {
	immunization "$@" | jq -c '{resource: ., request: {method: "POST", url: "Immunization",
		ifNoneExist: ("identifier=urn:test:imm%7C" + (.identifier[0].value | @uri))}}'
}
statuses() { jq -r '[.entry[].response.status] | join(" ")'; }

# --- the index finds what Medplum's scan finds
agree=$("$dir/run" indexcheck.mjs 2>&1)
agreed=$?
check "$(tr '\n' ' ' <<<"$agree")" [ "$agreed" = 0 ]

# --- conditional create
first=$(patient_entry P-1 P-1 | jq -s . | bundle | post)
again=$(patient_entry P-1 P-1 | jq -s . | bundle | post)
check "conditional create: 201 then 200 with the same id" \
	[ "$(statuses <<<"$first") $(statuses <<<"$again")" = "201 200" -a \
	"$(jq -r '.entry[0].resource.id' <<<"$first")" = "$(jq -r '.entry[0].resource.id' <<<"$again")" ]
check "conditional create: one Patient" [ "$(fhir "$base/Patient?identifier=urn:test:pid%7CP-1" | jq .total)" = 1 ]

plus=$(for _ in 1 2; do patient_entry 'AB+12' 'AB%2B12' | jq -s . | bundle | post | statuses; done | xargs)
check "percent-encoded + in ifNoneExist: 201 then 200" [ "$plus" = "201 200" ]
check "value with + stored and found" \
	[ "$(fhir "$base/Patient?identifier=urn:test:pid%7CAB%2B12" | jq -r '.total, .entry[0].resource.identifier[0].value' | xargs)" = "1 AB+12" ]
raw=$(for _ in 1 2; do patient_entry 'CD+34' 'CD+34' | jq -s . | bundle | post | statuses; done | xargs)
check "unencoded + never matches (Medplum): 201 twice, one duplicate" \
	[ "$raw" = "201 201" -a "$(stats .duplicates.Patient)" = 1 ]

# --- transactions
nine=$(for i in $(seq 9); do immunization_entry "T9-$i" Patient/none; done | jq -s . | bundle transaction | fhir -X POST --data-binary @- -w '\n%{http_code}' "$base")
check "strict transaction of 9 conditional entries refused (400, Medplum)" \
	[ "$(tail -1 <<<"$nine")" = 400 -a -n "$(head -1 <<<"$nine" | jq -r '.issue[0].details.text | select(test("too many entries"))')" ]
pid_ref=Patient/$(jq -r '.entry[0].resource.id' <<<"$first")
two=$( (immunization_entry T2-1 "$pid_ref"; immunization_entry T2-2 "$pid_ref") | jq -s . | bundle transaction | post | statuses)
check "transaction of 2 conditional entries: 201 201" [ "$two" = "201 201" ]
before=$(stats .counts.Immunization)
bad=$( (immunization_entry TX-ok "$pid_ref"; immunization_entry TX-bad "$pid_ref" | jq -c '.resource.status = "done"') |
	jq -s . | bundle transaction | fhir -X POST --data-binary @- -o /dev/null -w '%{http_code}' "$base")
check "transaction with an invalid entry: 400, nothing stored" [ "$bad" = 400 -a "$(stats .counts.Immunization)" = "$before" ]

# --- search parameters: unknown ones refused as by Medplum's server
check "AdverseEvent?identifier=: 400 Unknown search parameter (R4 has none)" \
	[ "$(fhir "$base/AdverseEvent?identifier=urn:test:ae%7C1" | jq -r '.issue[0].details.text')" = "Unknown search parameter: identifier" ]
ae=$(jq -nc --arg p "$pid_ref" '[{resource: {resourceType: "AdverseEvent", actuality: "actual",
	identifier: {system: "urn:test:ae", value: "AE-1"}, subject: {reference: $p}},
	request: {method: "POST", url: "AdverseEvent", ifNoneExist: "identifier=urn:test:ae%7CAE-1"}}]' | bundle | post | statuses)
check "AdverseEvent conditional create on identifier: entry 400" [ "$ae" = 400 ]
ae=$(jq -nc --arg p "$pid_ref" '{resourceType: "AdverseEvent", id: "ae-1", actuality: "actual",
	identifier: {system: "urn:test:ae", value: "AE-1"}, subject: {reference: $p}}' |
	fhir -X PUT --data-binary @- -o /dev/null -w '%{http_code}' "$base/AdverseEvent/ae-1")
check "AdverseEvent PUT with the client's id: 200" [ "$ae" = 200 ]

# --- gzip both ways
immunization_entry GZ-1 "$pid_ref" | jq -s . | bundle | gzip >"$tmp/req.gz"
fhir -X POST -H 'Content-Encoding: gzip' -H 'Accept-Encoding: gzip' --data-binary @"$tmp/req.gz" \
	-D "$tmp/gz.headers" -o "$tmp/resp.gz" "$base"
check "gzip request accepted, gzip response" \
	[ "$(gunzip -c "$tmp/resp.gz" | statuses)" = 201 -a -n "$(grep -i '^content-encoding: gzip' "$tmp/gz.headers")" ]

# --- OAuth2 client credentials
code() { curl -sS -o /dev/null -w '%{http_code}' "$@"; }
check "no token: 401" [ "$(code "$base/Patient?identifier=x")" = 401 ]
check "bad token: 401" [ "$(code -H 'Authorization: Bearer nope' "$base/Patient?identifier=x")" = 401 ]
token=$(curl -sS -d grant_type=client_credentials -d client_id=kiosk -d client_secret=s3cret "http://127.0.0.1:$port/oauth2/token" | jq -r .access_token)
check "form token works" [ "$(code -H "Authorization: Bearer $token" "$base/Patient?identifier=x")" = 200 ]
token=$(curl -sS -u kiosk:s3cret -d grant_type=client_credentials "http://127.0.0.1:$port/oauth2/token" | jq -r .access_token)
check "Basic token works" [ "$(code -H "Authorization: Bearer $token" "$base/Patient?identifier=x")" = 200 ]
check "wrong secret: 401" [ "$(code -u kiosk:wrong -d grant_type=client_credentials "http://127.0.0.1:$port/oauth2/token")" = 401 ]

# --- validation and platform refusals
direct=$(jq -nc '{resourceType: "Patient", gender: "f"}' | fhir -X POST --data-binary @- -w '\n%{http_code}' "$base/Patient")
check "Patient gender f: 400 saying gender" \
	[ "$(tail -1 <<<"$direct")" = 400 -a -n "$(head -1 <<<"$direct" | jq -r '.issue[].diagnostics | select(test("gender"))')" ]
mixed=$( (immunization_entry V-ok "$pid_ref"; immunization_entry V-bad "$pid_ref" | jq -c '.resource.occurrenceDateTime = "yesterday"';
	immunization_entry POISON-1 "$pid_ref") | jq -s . | bundle | post)
check "batch: valid 201, invalid 400, refused 422" [ "$(statuses <<<"$mixed")" = "201 400 422" ]
check "refusal says refused by platform rule" \
	[ "$(jq -r '.entry[2].response.outcome.issue[0].diagnostics' <<<"$mixed")" = "refused by platform rule" ]
check "refusals counted (invalid 3, refused 1)" [ "$(stats '"\(.invalid) \(.refused)"')" = "3 1" ]
check "/_admin/invalid lists the refused Immunization" \
	[ "$(curl -sS "$admin/invalid" | jq -r '.[-1] | "\(.resourceType) \(.identifier[0])"')" = "Immunization urn:test:imm|V-bad" ]

# --- faults
faults() { curl -sS -X POST -d "$1" "$admin/faults" >/dev/null; }
faults '{"p503": 1}'
check "p503=1: 503" [ "$(code -H 'Authorization: Bearer test-token' "$base/Patient?identifier=x")" = 503 ]
check "p503=1: admin not faulted" [ "$(code "$admin/stats")" = 200 ]
faults '{"p503": 0, "preset": 1}'
immunization_entry RESET-1 "$pid_ref" | jq -s . | bundle | post >/dev/null 2>&1
cut=$?
faults '{"preset": 0}'
check "preset=1: connection cut (curl $cut), record stored" \
	[ "$cut" -ne 0 -a "$(fhir "$base/Immunization?identifier=urn:test:imm%7CRESET-1" | jq .total)" = 1 ]
faults '{"pdelay": 1, "delay_ms": 700}'
held=$(fhir -o /dev/null -w '%{time_total}' "$base/Patient?identifier=x")
faults '{"pdelay": 0}'
check "pdelay=1: answer held 700 ms ($held s)" awk -v t="$held" 'BEGIN { exit !(t >= 0.7) }'
check "faults counted" [ "$(stats '.faults | "\(.p503) \(.reset) \(.delay)"')" = "1 1 1" ]

# --- journal across kill -9
counts=$(stats .counts)
meta=$(fhir "$base/$pid_ref" | jq -c .meta)
kill -9 "$server"
wait "$server" 2>/dev/null
start server2 server.mjs --port 0 --data "$tmp/data" --token test-token
server=$pid
server_port=$port
base=http://127.0.0.1:$port/fhir/R4
admin=http://127.0.0.1:$port/_admin
check "kill -9 and restart: same counts" [ "$(stats .counts)" = "$counts" ]
check "kill -9 and restart: same versionId and lastUpdated" [ "$(fhir "$base/$pid_ref" | jq -c .meta)" = "$meta" ]
check "kill -9 and restart: conditional create still 200" [ "$(patient_entry P-1 P-1 | jq -s . | bundle | post | statuses)" = 200 ]

# --- identifier index: 200 Patients, 2,000 Immunizations, 2,000 searches
# Bounded: without the index each bundle takes minutes.
t0=$(date +%s.%N)
for b in $(seq 0 19); do
	jq -nc --argjson b "$b" '[range(0; 10) as $p | ($b * 10 + $p) as $n |
		("urn:uuid:00000000-0000-4000-8000-" + ("00000000000" + ($n | tostring))[-12:]) as $u |
		{fullUrl: $u, resource: {resourceType: "Patient", identifier: [{system: "urn:test:pid", value: "IX-\($n)"}]},
		 request: {method: "POST", url: "Patient", ifNoneExist: "identifier=urn:test:pid%7CIX-\($n)"}},
		(range(0; 10) as $i | {resource: {resourceType: "Immunization",
			identifier: [{system: "urn:test:imm", value: "IX-\($n)-\($i)"}], status: "completed",
			vaccineCode: {coding: [{system: "http://hl7.org/fhir/sid/cvx", code: "208"}]},
			patient: {reference: $u}, occurrenceDateTime: "2021-05-01"},
		 request: {method: "POST", url: "Immunization", ifNoneExist: "identifier=urn:test:imm%7CIX-\($n)-\($i)"}})]' |
		bundle | fhir -X POST --max-time 60 --data-binary @- "$base" | jq -r '.entry[].response.status' || break
done | sort | uniq -c | awk '{ printf "%s:%s ", $2, $1 }' >"$tmp/created"
t1=$(date +%s.%N)
check "2,200 created in 20 batches in $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }') s" [ "$(cat "$tmp/created")" = "201:2200 " ]
{
	echo 'header = "Authorization: Bearer test-token"'
	for n in $(seq 0 199); do for i in $(seq 0 9); do
		echo "url = \"$base/Immunization?identifier=urn:test:imm%7CIX-$n-$i\""
	done; done
} >"$tmp/searches"
t0=$(date +%s.%N)
found=$(timeout 60 curl -sS -K "$tmp/searches" | jq -s '[.[].total] | "\(length) \(all(. == 1))"' -r)
t1=$(date +%s.%N)
took=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
check "2,000 identifier searches, one hit each, in $took s (< 30)" \
	[ "$found" = "2000 true" -a "$(awk -v t="$took" 'BEGIN { print (t < 30) }')" = 1 ]
pid42=$(fhir "$base/Patient?identifier=urn:test:pid%7CIX-42" | jq -r '.entry[0].resource.id')
doses() { jq -r '"\(.total) \([.entry[].resource.patient.reference] | unique | join(" "))"'; }
check "Immunization?patient.identifier=S|V finds the 10 doses" \
	[ "$(fhir "$base/Immunization?patient.identifier=urn:test:pid%7CIX-42" | doses)" = "10 Patient/$pid42" ]
check "Immunization?patient=Patient/ID finds the 10 doses" \
	[ "$(fhir "$base/Immunization?patient=Patient/$pid42" | doses)" = "10 Patient/$pid42" ]

# --- shaper: bytes pass, stats count them, rate and delay hold
start shaper shaper.mjs --listen 0 --target "127.0.0.1:$server_port" --rate-kbit 1000 --rtt-ms 100 \
	--loss 0.02 --seed 3 --stats "$tmp/shaper.json"
fhir -o "$tmp/direct" "$base/Immunization?_count=300"
timing=$(fhir -o "$tmp/shaped" -w '%{time_total}' "http://127.0.0.1:$port/fhir/R4/Immunization?_count=300")
check "shaper passes the answer unchanged ($(wc -c <"$tmp/shaped") bytes)" cmp -s "$tmp/direct" "$tmp/shaped"
sleep 0.3
read -r up down conns < <(jq -r '"\(.up_bytes) \(.down_bytes) \(.connections)"' "$tmp/shaper.json")
check "shaper stats: $up bytes up, $down down, $conns connection" \
	[ "$conns" = 1 -a "$up" -gt 100 -a "$down" -gt "$(wc -c <"$tmp/shaped")" ]
check "shaper: $timing s >= 2 RTT (handshake, request, answer) + $down bytes at 1000 kbit/s" \
	awk -v t="$timing" -v d="$down" 'BEGIN { exit !(t >= 0.2 + d * 8 / 1000000) }'

kill -TERM "$server"
wait "$server"
check "SIGTERM: exit 0" [ $? = 0 ]

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
