#!/bin/bash
# sync pull against the real FHIR server of tests/platform: the dose
# histories of the residents expected at the next stops arrive before they
# do (kept once, made history when they register, doses of this bus not
# taken twice), each pull asks only for what changed, and lots the
# platform recalls are marked recalled on board.
#   pull.sh VAXBUSCTL PLATFORM_DIR
set -euo pipefail
ctl=$1
platform=$2
here=$(dirname "$0")
# shellcheck source=../cli/lib.bash
. "$here/../cli/lib.bash"
# shellcheck source=lib.bash
. "$here/lib.bash"

sys=https://vaxbus.invalid/fhir/id/cn-resident
wang=$(resident_id 19700101 011)
li=$(resident_id 19750202 022)
zhao=$(resident_id 19800303 033)

# post JSON: a bundle to the platform, as another system would write it.
post() {
	curl -sf -X POST -H 'Content-Type: application/fhir+json' -d "$1" "$url_p" >/dev/null
}
imm() { # PATIENT-FULLURL DATE STATUS CVX
	printf '{"resource":{"resourceType":"Immunization","status":"%s","vaccineCode":{"coding":[{"system":"http://hl7.org/fhir/sid/cvx","code":"%s"}]},"patient":{"reference":"%s"},"occurrenceDateTime":"%s","lotNumber":"X-%s","protocolApplied":[{"doseNumberPositiveInt":1}]},"request":{"method":"POST","url":"Immunization"}}' \
		"$3" "$4" "$1" "$2" "$2"
}

platform_start p --port 0 --verbose
# Wang had a first dose elsewhere on 2021-04-01; besides it, a dose not
# given and one of a vaccine the bus does not carry. Li has nothing. Two
# lots are recalled, one of them on board.
post "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[
 {\"fullUrl\":\"urn:uuid:6f3c2d1e-0000-4000-8000-000000000001\",\"resource\":{\"resourceType\":\"Patient\",\"identifier\":[{\"system\":\"$sys\",\"value\":\"$wang\"}],\"gender\":\"male\",\"birthDate\":\"1970-01-01\"},\"request\":{\"method\":\"POST\",\"url\":\"Patient\"}},
 $(imm urn:uuid:6f3c2d1e-0000-4000-8000-000000000001 2021-04-01 completed 510),
 $(imm urn:uuid:6f3c2d1e-0000-4000-8000-000000000001 2021-04-20 not-done 510),
 $(imm urn:uuid:6f3c2d1e-0000-4000-8000-000000000001 2021-04-21 completed 208)]}"
post '{"resourceType":"Bundle","type":"batch","entry":[
 {"resource":{"resourceType":"Medication","status":"inactive","batch":{"lotNumber":"202104B07"}},"request":{"method":"POST","url":"Medication"}},
 {"resource":{"resourceType":"Medication","status":"inactive","batch":{"lotNumber":"NOT-ON-BOARD"}},"request":{"method":"POST","url":"Medication"}},
 {"resource":{"resourceType":"Medication","status":"inactive","batch":{"expirationDate":"2022-01-01"}},"request":{"method":"POST","url":"Medication"}},
 {"resource":{"resourceType":"Medication","status":"active","batch":{"lotNumber":"202105A01"}},"request":{"method":"POST","url":"Medication"}}]}'

db="$dir/bus.db"
export VAXBUS_NOW=2021-06-01T09:00:00+08:00
export VAXBUS_CONF="$dir/p.conf"
conf "$VAXBUS_CONF" "url=$url_p"
run 0 init --bus BUS-07 --site XIANG-01
run 0 lot add --product bbibp-corv --lot 202104B07 --expiry 20220401 --vials 50 \
	--gtin 06970000000017 --fridge fridge-1
run 0 lot add --product bbibp-corv --lot 202105A01 --expiry 20220401 --vials 50 \
	--gtin 06970000000017 --fridge fridge-1

# A bad list adds no one.
printf 'cn-resident %s\npassport\n' "$wang" >"$dir/bad.txt"
run 1 sync pull --expect "$dir/bad.txt"
has '.code == "bad_line" and (.reason | test("line 2"))'
printf 'cn-resident %s\ncn-resident 110101197001010010\n' "$wang" >"$dir/bad.txt"
run 1 sync pull --expect "$dir/bad.txt"
has '.code == "check_char"'
check "[ \$(sqlite3 \"$db\" 'SELECT count(*) FROM expected') -eq 0 ]"

printf '# next stops\ncn-resident %s\ncn-resident %s\n\n' "$wang" "$li" >"$dir/expect.txt"
run 0 sync pull --expect "$dir/expect.txt"
has '.persons == 2 and .doses_new == 1 and .doses_skipped == 2 and .lots_recalled == 1'
has '.recalls_unreadable == 1' # the recall with no lot: said, not applied
run 0 lot list
has '[.lots[] | select(.lot == "202104B07")][0].recalled == true'
has '[.lots[] | select(.lot == "202105A01")][0].recalled == false'
check "[ \$(sqlite3 \"$db\" \"SELECT count(*) FROM audit WHERE action = 'lot.recall' AND actor = 'platform'\") -eq 1 ]"

# Wang registers: the pulled dose is his history, so today is his second.
run 0 person add --id-type cn-resident --id "$wang" --name 王伟 --sex 1 --birth 19700101
wang_id=$(printf '%s' "$out" | jq -r .person.id)
run 0 due --person "$wang_id"
has '.due == true and .dose_number == 2'

# Nothing changed: the next pull keeps nothing new, and asks only for
# what changed since the newest record it saw (the first asked for all).
check "[ \$(grep -c 'GET /fhir/R4/Immunization?patient&_count&_lastUpdated ' \"$dir/p.log\") -eq 0 ]"
run 0 sync pull
has '.persons == 2 and .doses_new == 0 and .lots_recalled == 0'
check "grep -q 'GET /fhir/R4/Immunization?patient&_count&_lastUpdated ' \"$dir/p.log\""
check "grep -q 'GET /fhir/R4/Medication?status&_count&_lastUpdated ' \"$dir/p.log\""

# Li is vaccinated on the bus and the dose is sent; pulled back, it is
# known as this bus's own and not taken twice.
run 0 person add --id-type cn-resident --id "$li" --name 李娜 --sex 2 --birth 19750202
li_id=$(printf '%s' "$out" | jq -r .person.id)
run 0 vaccinate --person "$li_id" --staff nurse-li --body-site left-deltoid \
	--code 01069700000000171722040110202105A01
unset VAXBUS_NOW
run 0 sync --once --timeout 60
has '.acked == 3'
run 0 sync pull
has '.doses_new == 0 and .doses_known >= 1'
check "[ \$(sqlite3 \"$db\" \"SELECT count(*) FROM dose WHERE person_id = '$li_id'\") -eq 1 ]"

# Wang's second dose given elsewhere: the next pull makes it his history
# at once, and his series is complete.
wang_ref=$(curl -sf "$url_p/Patient?identifier=$sys%7C$wang" | jq -r '.entry[0].resource.id')
post "{\"resourceType\":\"Bundle\",\"type\":\"batch\",\"entry\":[$(imm "Patient/$wang_ref" 2021-06-02 completed 510)]}"
export VAXBUS_NOW=2021-06-03T09:00:00+08:00
run 0 sync pull
has '.doses_new == 1'
run 1 due --person "$wang_id"
has '.code == "series_complete"'
check "[ \$(sqlite3 \"$db\" \"SELECT count(*) FROM dose WHERE person_id = '$wang_id' AND source = 'platform'\") -eq 2 ]"

# Zhao is expected later: his whole history comes although the others'
# cursors have moved on.
printf 'cn-resident %s\n' "$zhao" >"$dir/more.txt"
post "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[
 {\"fullUrl\":\"urn:uuid:6f3c2d1e-0000-4000-8000-000000000002\",\"resource\":{\"resourceType\":\"Patient\",\"identifier\":[{\"system\":\"$sys\",\"value\":\"$zhao\"}]},\"request\":{\"method\":\"POST\",\"url\":\"Patient\"}},
 $(imm urn:uuid:6f3c2d1e-0000-4000-8000-000000000002 2021-03-01 completed 510)]}"
run 0 sync pull --expect "$dir/more.txt"
has '.persons == 3 and .doses_new == 1'

# No link: the pull says so and keeps what it had.
platform_stop p
run 1 sync pull
has '.code == "no_link"'
check "[ \$(sqlite3 \"$db\" 'SELECT count(*) FROM platform_dose') -eq 3 ]"
finish
