#!/bin/bash
# A whole day on the bus from the command line, on the real vaxbusctl
# binary: init, lots, persons (with a proxy), due, box checks that pass and
# fail, doses, an AEFI, a fridge excursion that quarantines its lots, the
# staff decision, the daily report, the outbox and the audit chain (and
# that an edited audit row is caught).
set -eu
ctl=${1:?usage: day.sh PATH-TO-VAXBUSCTL}
. "$(dirname "$0")/lib.bash"
db=$dir/day.db

pending() {
	run 0 outbox list --state pending
	printf '%s' "$out" | jq -r '.counts.pending'
}

# The first dose, 54 days before the day: on 2021-04-08.
export VAXBUS_NOW=2021-04-08T09:00:00+08:00
run 0 init --bus BUS-07 --site XIANG-01 --excursion-minutes 30
has '.bus == "BUS-07" and .site == "XIANG-01"'
run 1 init --bus BUS-99 --site XIANG-01
has '.code == "other_bus"'
run 0 lot add --product bbibp-corv --lot 202104B07 --expiry 20220401 --vials 20 --gtin 06970000000017 --fridge fridge-1
run 0 person add --id-type cn-resident --id 510102199002202116 --name 李明 --sex 1 --birth 19900220
bob=$(printf '%s' "$out" | jq -r '.person.id')
run 0 vaccinate --person "$bob" --code "]d201069700000000171722040110202104B07" --staff nurse-li --body-site left-deltoid
has '.dose.dose_number == 1 and .dose.product == "bbibp-corv"'

# The day: 2021-06-01.
export VAXBUS_NOW=2021-06-01T08:30:00+08:00
run 0 init --bus BUS-07 --site XIANG-02 --excursion-minutes 30
run 0 lot add --product bbibp-corv --lot 202105A01 --expiry 20220131 --vials 10 --gtin 06970000000017 --fridge fridge-1
run 0 lot add --product coronavac --lot CV2105X --expiry 20211231 --vials 10 --fridge fridge-2
run 0 lot add --product bbibp-corv --lot 202103R09 --expiry 20211130 --vials 5 --gtin 06970000000017 --fridge fridge-2
run 1 lot add --product bbibp-corv --lot 202105A01 --expiry 20220131 --vials 1 --fridge fridge-1
has '.code == "duplicate_lot"'
run 1 lot add --product bbibp-corv --lot OLD01 --expiry 20210501 --vials 1 --fridge fridge-1
has '.code == "expired"'
run 1 lot add --product no-such-vaccine --lot X1 --expiry 20220101 --vials 1 --fridge fridge-1
has '.field == "--product"'
run 0 lot recall --lot 202103R09
has '.lot.recalled == true'

# Persons: an 81-year-old woman, her husband registered by her as proxy.
n0=$(pending)
run 1 person add --id-type cn-resident --id 110101194002290037 --name 王芳 --sex 2 --birth 19400229
has '.code == "check_char" and .field == "--id"'
run 1 person add --id-type cn-resident --id 110101194002290036 --name 王芳 --sex 2 --birth 19400229
has '.code == "sex_mismatch"'
[ "$(pending)" = "$n0" ] || { echo "FAIL: a refused person wrote to the outbox"; fails=$((fails + 1)); }
run 0 person add --id-type cn-resident --id 110101195001011239 --name 张秀英 --sex 1 --birth 19500101 --phone 13800138000
has '.created == true and .person.doc == "1101**********1239"'
zhang=$(printf '%s' "$out" | jq -r '.person.id')
run 0 person add --id-type cn-resident --id 110101195001011239 --name 张秀英 --sex 1 --birth 19500101
has '.created == false'
has ".person.id == \"$zhang\""
run 0 person add --id-type cn-resident --id 110101198005150029 --name 刘梅 --sex 2 --birth 19800515 --proxy-of "$zhang" --relationship child
has ".person.registered_by.person == \"$zhang\""
liu=$(printf '%s' "$out" | jq -r '.person.id')
run 0 person find --id-type cn-resident --id 110101198005150029
has ".person.id == \"$liu\""

# Due and the box check (一验证).
run 0 due --person "$zhang"
has '.due == true and .dose_number == 1 and .needs_assessment == true'
run 0 due --person "$bob"
has '.due == true and .dose_number == 2 and .product == "bbibp-corv" and .colour == "yellow"'
run 0 scan-check --person "$zhang" --code "01069700000000171722010010202105A01"
has '.lot.lot == "202105A01"'
run 1 scan-check --person "$zhang" --code "01069700000000171721110010202103R09"
has '.code == "recalled"'
run 1 scan-check --person "$zhang" --code "01069700000000171722010010NOSUCHLOT"
has '.code == "not_on_board"'
run 1 scan-check --person "$zhang" --code "01069700000000181722010010202105A01"
has '.code == "gtin_check"'
run 1 scan-check --person "$bob" --code "010697000000002410CV2105X"
has '.code == "wrong_product"'

# Doses.
run 0 vaccinate --person "$zhang" --code "01069700000000171722010010202105A01" --staff nurse-li --body-site left-deltoid --assessed
has '.dose.dose_number == 1 and .dose.lot == "202105A01" and .visit.state == "observing"'
zhang_visit=$(printf '%s' "$out" | jq -r '.visit.id')
run 1 due --person "$zhang"
has '.code == "too_early" and .earliest == "2021-06-22"'
run 1 vaccinate --person "$zhang" --code "01069700000000171722010010202105A01" --staff nurse-li --body-site left-deltoid --assessed
has '.code == "too_early"'
run 0 vaccinate --person "$bob" --code "01069700000000171722010010202105A01" --staff nurse-li --body-site right-deltoid
has '.dose.dose_number == 2'
run 1 due --person "$bob"
has '.code == "series_complete"'
run 0 defer --person "$liu" --reason fever --staff nurse-li
has '.visit.state == "deferred"'

# An adverse event against the first dose.
export VAXBUS_NOW=2021-06-01T09:30:00+08:00
run 0 aefi add --visit "$zhang_visit" --onset 2021-06-01T09:10:00+08:00 --symptoms syncope --severity mild --action observed --staff dr-wang
has '.aefi.severity == "mild"'
run 1 aefi add --visit "$zhang_visit" --onset 2021-06-01T08:00:00+08:00 --symptoms syncope --severity mild --action observed --staff dr-wang
has '.field == "--onset"'

# Fridge 2 warms up for 40 minutes: its lots are quarantined. The
# thermometer's readings arrive as they are taken.
reading() {
	export VAXBUS_NOW="2021-06-01T$1:00+08:00"
	run "$3" temp add --fridge fridge-2 --celsius "$2" --at "$VAXBUS_NOW"
}
reading 09:00 5.0 0
reading 09:10 9.5 0
has '.excursion.open == true and .quarantined == false'
reading 09:50 10.2 0
has '.quarantined == true and .excursion.seconds == 2400'
reading 09:50 10.2 1
has '.code == "duplicate_reading"'
run 0 lot list
has '[.lots[] | select(.lot == "CV2105X")][0].quarantined == true'
run 1 scan-check --person "$liu" --code "010697000000002410CV2105X"
has '.code == "quarantined"'
reading 10:00 6.0 0
run 0 lot release --fridge fridge-2 --decision release --staff dr-wang --note "maker stability data allows 40 min at 10 C"
has '.released >= 1'
run 0 scan-check --person "$liu" --code "010697000000002410CV2105X"

# The report.
run 0 report day
has '.report.doses_total == 2 and .report.deferred == 1 and .report.aefi == 1 and .report.zero_report == false'
"$ctl" --db "$db" report day --csv >"$dir/report.csv"
head -n 1 "$dir/report.csv" | grep -q '^site,' || { echo "FAIL: CSV has no header"; fails=$((fails + 1)); }
export VAXBUS_NOW=2021-06-02T08:30:00+08:00
run 0 report day --date 20210602
has '.report.zero_report == true'

# The outbox: 3 patients, 3 immunizations, 1 deferral, 1 adverse event.
run 0 outbox list
has '.counts.pending == 8 and .counts.acked == 0'

# The audit chain holds, and an edit made behind the app's back is caught.
run 0 audit verify
has '.audit == "intact"'
sqlite3 "$db" "DROP TRIGGER audit_no_update; UPDATE audit SET detail = 'x' WHERE seq = 3;"
run 1 audit verify
has '.field == "seq 3"'

finish
