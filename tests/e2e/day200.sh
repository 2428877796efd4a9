#!/bin/bash
# The whole day on one bus, end to end, on the real binaries: 200
# fictitious residents go through the kiosk (card, confirm, decision, six
# answers, signature, ticket; the nurse calls, scans the box, records the
# dose, and releases after the 30-minute observation with the certificate
# printed) with some deferred for fever, some too early for their second
# dose and one adverse event, while no platform is reachable. After about
# 100 residents the kiosk is killed with SIGKILL mid-registration and a
# second kiosk process goes on with the day: nothing recorded before the
# kill is lost or doubled, and the print queue resumes without printing a
# receipt twice. Then the link comes back (the real FHIR test server of
# tests/platform): vaxbusctl sync empties the outbox and the server holds
# every Patient, Immunization and AdverseEvent of the bus exactly once by
# identifier, none invalid. The end-of-day report reconciles captured =
# acknowledged + pending + failed (and is printed), the audit chain
# verifies, and no output of ours (kiosk, vaxbusctl, sync) nor the
# database file names a resident: every name, ID number and address is
# grepped for.
#   day200.sh VAXBUS-KIOSK VAXBUSCTL PLATFORM_DIR
set -euo pipefail
kiosk=$1
ctl=$2
platform=$3
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../cli/lib.bash
. "$here/../cli/lib.bash"
# shellcheck source=../sync/lib.bash
. "$here/../sync/lib.bash"
kiosk_pid=""
trap '[ -z "$kiosk_pid" ] || kill -9 "$kiosk_pid" 2>/dev/null; cleanup_servers' EXIT
started=$SECONDS

logs=$dir/logs
day=$dir/day
mkdir -p "$logs" "$day/cards"

# Every vaxbusctl call of the day: stdout and stderr kept for the leak check.
run() {
	local want=$1
	shift
	set +e
	out=$("$ctl" --db "$db" --json "$@" 2>>"$logs/ctl.err")
	local got=$?
	set -e
	printf '%s\n' "$out" >>"$logs/ctl.out"
	if [ "$got" -ne "$want" ]; then
		echo "FAIL: vaxbusctl $* exited $got, want $want"
		echo "  stdout: $out"
		fails=$((fails + 1))
	else
		passes=$((passes + 1))
	fi
}
q() { sqlite3 -cmd ".timeout 5000" "$db" "$1"; }
# sync_url URL: the configuration's [sync] section points at URL.
sync_url() {
	sed -i '/^\[sync\]$/,$d' "$VAXBUS_CONF"
	printf '[sync]\nurl = %s\nbackoff_min_s = 1\nbackoff_max_s = 2\n' "$1" >>"$VAXBUS_CONF"
}

# ---- the residents ---------------------------------------------------------
# 200 fictitious residents, one per line: index, kind, sex, birth, ID
# number (GB 11643 check character), name, address. Kinds: early (a first
# dose on 05-25, too early today), fever (deferred), aefi (a reaction on
# the board), dose (everyone else).
n_res=200
awk -v n=$n_res 'BEGIN {
	split("7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2", w, " ")
	split("1 0 X 9 8 7 6 5 4 3 2", m, " ")
	split("赵 钱 孙 李 周 吴 郑 王 冯 陈 褚 卫 蒋 沈 韩 杨 朱 秦 尤 许", sn, " ")
	split("春 夏 秋 冬 梅 兰 竹 菊 松 柏", g1, " ")
	split("生 华 芳 明 霞 强 英 平 丽 军 敏 杰 静 涛 燕 勇 艳 磊 娟 波", g2, " ")
	split("东闾 西王庄 南坞 北辛 大庄 小营 柳林 杏园 桃村 梨岗", vil, " ")
	for (i = 1; i <= n; i++) {
		kind = i % 40 == 7 ? "early" : i % 25 == 3 ? "fever" : i == 150 ? "aefi" : "dose"
		sex = i % 2 ? 1 : 2
		birth = sprintf("%04d%02d%02d", 1940 + i % 45, 1 + i % 12, 1 + i % 28)
		s = sprintf("130608%s%02d%d", birth, i % 100, (i % 5) * 2 + (sex == 1))
		sum = 0
		for (k = 1; k <= 17; k++)
			sum += substr(s, k, 1) * w[k]
		name = sn[1 + (i - 1) % 20] g1[1 + int((i - 1) / 20)] g2[1 + (i * 7) % 20]
		addr = sprintf("河北省保定市清苑区%s村%d号", vil[1 + i % 10], 100 + i)
		printf "%d\t%s\t%d\t%s\t%s%s\t%s\t%s\n", i, kind, sex, birth, s, m[sum % 11 + 1], name, addr
	}
}' >"$day/residents"
check "[ \$(cut -f5 \"$day/residents\" | sort -u | wc -l) -eq $n_res ]"
check "[ \$(cut -f6 \"$day/residents\" | sort -u | wc -l) -eq $n_res ]"
while IFS=$'\t' read -r i _ sex birth id name addr; do
	jq -n --arg name "$name" --arg sex "$sex" --arg birth "$birth" --arg address "$addr" \
		--arg id "$id" '{$name, $sex, nation: "01", $birth, $address, $id}' \
		>"$day/cards/r$i.json"
done <"$day/residents"

# ---- the bus, the day before ----------------------------------------------
# The kiosk tests' bus (tests/kiosk/fixture.sh: init on 05-25, a lot of 50
# vials, Zhou vaccinated, the nurse's PIN 2468, simulated devices), a
# second lot of 220 vials for the day, the signing key, and the early
# residents' first doses on 05-25. person add and vaccinate answer with
# the person's name (what the nurse checks before the dose), so their
# stdout here goes to setup.out, not to the day's logs. The platform is
# down: [sync] url points at a port nothing listens on.
# shellcheck source=../kiosk/fixture.sh
. "$here/../kiosk/fixture.sh" "$ctl" "$dir" 2>>"$logs/ctl.err"
sync_url http://127.0.0.1:9/fhir/R4
export VAXBUS_NOW=2021-05-25T10:00:00+08:00
run 0 lot add --product bbibp-corv --lot 202105C11 --expiry 20220501 --vials 220 \
	--gtin 06970000000017 --fridge fridge-1
run 0 keys init
old_box=01069700000000171722040110202104B07
box=01069700000000171722050110202105C11
while IFS=$'\t' read -r _ kind sex birth id name _; do
	[ "$kind" = early ] || continue
	person=$("$ctl" --db "$db" --json person add --id-type cn-resident --id "$id" \
		--name "$name" --sex "$sex" --birth "$birth" 2>>"$logs/ctl.err" | jq -r .person.id)
	check "\"\$ctl\" --db \"\$db\" --json vaccinate --person $person --code $old_box \
		--staff nurse-li --body-site left-deltoid --assessed >>\"\$dir/setup.out\" \
		2>>\"\$logs/ctl.err\""
done <"$day/residents"
n_early=$(grep -c $'\tearly\t' "$day/residents")
before_day=$(q 'SELECT count(*) FROM person') # the early ones and Zhou

# ---- the day's scripts -----------------------------------------------------
# Batches of ten: they register, the nurse records their doses, half an
# hour passes (the kiosk locks itself), and she releases them (the AEFI
# resident's reaction is recorded instead). Tickets are A001... in the
# order visits are made (a deferral takes one too).
batch=10
ticket_of=() # resident index -> its ticket ("" for the early ones)
visits_to=() # resident index -> visits of the day once it registered
v=0
assess_of=() # resident index -> 1: 60 or older, the doctor's assessment is asked
while IFS=$'\t' read -r i kind _ birth _; do
	assess_of[i]=$((2021 - ${birth:0:4} - (10#${birth:4:4} > 601) >= 60))
	[ "$kind" = early ] || v=$((v + 1))
	[ "$kind" = early ] && ticket_of[i]="" || ticket_of[i]=$(printf 'A%03d' $v)
	visits_to[i]=$v
	kind_of[i]=$kind
done <"$day/residents"
n_visits=$v

register() { # INDEX
	local i=$1
	echo "tap welcome.start"
	echo "card cards/r$i.json"
	echo "tap confirm.yes"
	echo "expect decision"
	case ${kind_of[i]} in
	early) printf '%s\n' "tap exit" "expect welcome" ;;
	fever)
		printf '%s\n' "tap decision.next" "tap screening.yes"
		for _ in 1 2 3 4 5; do echo "tap screening.no"; done
		printf '%s\n' "expect deferred" "tap deferred.done" "expect welcome"
		;;
	*)
		echo "tap decision.next"
		for _ in 1 2 3 4 5 6; do echo "tap screening.no"; done
		printf '%s\n' "draw 760,220 900,220" "tap consent.sign" "expect ticket" \
			"tap ticket.done"
		;;
	esac
}
signin() { printf '%s\n' "tap welcome.staff" "type 2468" "tap pin.ok" "expect queue"; }
staff() { # FIRST LAST: the nurse's part for residents FIRST..LAST
	local i
	signin
	for i in $(seq "$1" "$2"); do
		case ${kind_of[i]} in early | fever) continue ;; esac
		printf '%s\n' "tap queue.call" "expect vcard" "scan $box" "tap vcard.site.left"
		[ "${assess_of[i]}" = 0 ] || echo "tap vcard.assessed"
		printf '%s\n' "tap vcard.record" "tap vcard.observe" "expect observe" "tap observe.queue"
	done
	printf '%s\n' "tap queue.lock" "wait 1801000" "expect welcome"
	signin
	echo "tap queue.observe"
	for i in $(seq "$1" "$2"); do
		case ${kind_of[i]} in
		dose) echo "tap observe.release.${ticket_of[i]}" ;;
		aefi)
			printf '%s\n' "tap observe.aefi.${ticket_of[i]}" "tap observe.sym.syncope" \
				"tap observe.sev.moderate" "tap observe.act.treated_on_site" \
				"tap observe.aefi_save" "expect observe"
			;;
		esac
	done
	printf '%s\n' "tap observe.queue" "tap queue.lock" "expect welcome"
}
# script FROM: residents FROM..200, FROM's batch's earlier ones already
# registered; the paper runs out before resident $paper_out_at (0: never).
script() {
	local from=$1 first i
	first=$(((from - 1) / batch * batch + 1))
	for ((; first <= n_res; first += batch)); do
		for ((i = (from > first ? from : first); i < first + batch; i++)); do
			[ "$i" != "$paper_out_at" ] || echo "printer paper-out"
			register $i
		done
		staff $first $((first + batch - 1))
	done
}
paper_out_at=101
script 1 >"$day/run1.script"

# ---- the day, first kiosk: killed after ~100 residents ---------------------
# The paper runs out at resident 101 (the tickets wait in the print queue)
# and the kill comes when resident 104's visit is on disk, in the middle
# of batch 11's registrations.
export VAXBUS_NOW=2021-06-01T09:00:00+08:00
kill_at=${visits_to[104]}
t0=$SECONDS
"$kiosk" --db "$db" --script "$day/run1.script" >"$logs/kiosk1.out" 2>"$logs/kiosk1.err" &
kiosk_pid=$!
seen=0
while kill -0 "$kiosk_pid" 2>/dev/null; do
	seen=$(q "SELECT count(*) FROM visit WHERE day = '2021-06-01'")
	[ "$seen" -ge "$kill_at" ] && break
	sleep 0.02
done
kill -9 "$kiosk_pid" 2>/dev/null || true
wait "$kiosk_pid" 2>/dev/null || true
kiosk_pid=""
check "[ $seen -ge $kill_at ]" # the kiosk was still running at resident 104's visit
[ "$seen" -ge "$kill_at" ] || tail -5 "$logs/kiosk1.err"
echo "first kiosk: killed at $seen visits after $((SECONDS - t0)) s;" \
	"$(q "SELECT count(*) FROM print_job WHERE state = 'pending'") print job(s) pending," \
	"$(find "$printer" -name 'receipt-*.bin' | wc -l) receipts"
check "[ \"\$(q 'PRAGMA integrity_check')\" = ok ]"
pending_at_kill=$(q "SELECT count(*) FROM print_job WHERE state = 'pending'")
check "[ $pending_at_kill -ge 2 ]" # the tickets of residents 101, 102 and 104
# What the bus holds at the kill, to be found again unchanged at the end.
snapshot() {
	q "SELECT 'visit', id, person_id, ticket FROM visit WHERE day = '2021-06-01' UNION ALL
	   SELECT 'dose', id, visit_id, lot FROM dose WHERE given_on = '2021-06-01' UNION ALL
	   SELECT 'person', id, '', '' FROM person UNION ALL
	   SELECT 'outbox', kind, record_id, '' FROM outbox UNION ALL
	   SELECT 'print', id, kind, record_id FROM print_job UNION ALL
	   SELECT 'cert', id, visit_id, '' FROM certificate" | sort
}
snapshot >"$dir/at-kill"
done_visits=$(q "SELECT count(*) FROM visit WHERE day = '2021-06-01'")
# The batch under way was registering: no dose of it is recorded yet.
first11=$((100 / batch * batch + 1))
check "[ $done_visits -lt \${visits_to[$((first11 + batch - 1))]} ]"
dosed=$(head -100 "$day/residents" | grep -c -P '\t(dose|aefi)\t')
check "[ \$(q \"SELECT count(*) FROM dose WHERE given_on = '2021-06-01'\") -eq $dosed ]"
for ((resume = 1; resume <= n_res; resume++)); do
	[ "${visits_to[resume]}" -gt "$done_visits" ] && break
done
# An early resident right before the next visit may or may not have been
# there: either way he left nothing; the next one starts the second run.
check "[ $resume -ge $first11 ] && [ $resume -lt $((first11 + batch)) ]"
paper_out_at=0
script "$resume" >"$day/run2.script"
rm "$printer/paper-out" # new paper: the waiting tickets are to print, once each

# ---- the day, second kiosk -------------------------------------------------
# The clock goes on from where the first kiosk was (ten batches of 30 min).
base=$(date -u -d 2021-06-01T09:00:00+08:00 +%s)
VAXBUS_NOW=$(date -u -d "@$((base + 10 * 1801 + 300 + 8 * 3600))" +%Y-%m-%dT%H:%M:%S+08:00)
export VAXBUS_NOW
t1=$SECONDS
set +e
"$kiosk" --db "$db" --script "$day/run2.script" >"$logs/kiosk2.out" 2>"$logs/kiosk2.err"
rc=$?
set -e
check "[ $rc -eq 0 ]" || true
[ "$rc" -eq 0 ] || tail -5 "$logs/kiosk2.err"
echo "second kiosk: $((SECONDS - t1)) s"
unset VAXBUS_NOW

# Nothing from before the kill is lost or doubled.
snapshot >"$dir/at-end"
check "[ -z \"\$(comm -23 \"$dir/at-kill\" \"$dir/at-end\")\" ]"
n_dose=$(grep -c -P '\t(dose|aefi)\t' "$day/residents")
n_fever=$(grep -c -P '\tfever\t' "$day/residents")
check "[ \$(q 'SELECT count(*) FROM person') -eq $((n_res + before_day - n_early)) ]"
check "[ \$(q \"SELECT count(*) FROM visit WHERE day = '2021-06-01'\") -eq $n_visits ]"
check "[ \$(q \"SELECT count(DISTINCT person_id) FROM visit WHERE day = '2021-06-01'\") -eq $n_visits ]"
check "[ \$(q \"SELECT count(*) FROM visit WHERE day = '2021-06-01' AND state = 'released'\") -eq $((n_dose - 1)) ]"
check "[ \$(q \"SELECT count(*) FROM visit WHERE day = '2021-06-01' AND state = 'deferred'\") -eq $n_fever ]"
check "[ \$(q \"SELECT count(*) FROM visit WHERE day = '2021-06-01' AND state = 'aefi'\") -eq 1 ]"
check "[ \$(q \"SELECT count(*) FROM dose WHERE given_on = '2021-06-01'\") -eq $n_dose ]"
check "[ \$(q \"SELECT count(*) FROM (SELECT visit_id FROM dose GROUP BY visit_id HAVING count(*) > 1)\") -eq 0 ]"
check "[ \$(q 'SELECT count(*) FROM aefi') -eq 1 ]"
check "[ \$(q \"SELECT count(*) FROM outbox WHERE kind = 'patient'\") -eq \$(q 'SELECT count(*) FROM person') ]"
# The print queue: every job done once — one ticket per visit with a
# dose, one certificate per release — and one receipt per job, no two alike.
check "[ \$(q \"SELECT count(*) FROM print_job WHERE state <> 'done'\") -eq 0 ]"
check "[ \$(q \"SELECT count(*) FROM print_job WHERE kind = 'ticket'\") -eq $n_dose ]"
check "[ \$(q \"SELECT count(DISTINCT record_id) FROM print_job WHERE kind = 'ticket'\") -eq $n_dose ]"
check "[ \$(q \"SELECT count(*) FROM print_job WHERE kind = 'certificate'\") -eq $((n_dose - 1)) ]"
receipts=$(find "$printer" -name 'receipt-*.bin' | wc -l)
check "[ $receipts -eq \$(q 'SELECT count(*) FROM print_job') ]"
check "[ \$(md5sum \"$printer\"/receipt-*.bin | cut -d' ' -f1 | sort -u | wc -l) -eq $receipts ]"

# The day's report while the link is down: everything captured is pending.
# Captured: the new residents, the doses, the deferrals and the reaction.
captured=$((n_res - n_early + n_dose + n_fever + 1))
run 0 report day --date 20210601
has ".report.sync.captured == $captured and .report.sync.pending == $captured"

# ---- the link comes back ---------------------------------------------------
platform_start day --port 0
# shellcheck disable=SC2154 # url_day: set by platform_start
sync_url "$url_day"
run 0 sync status
has ".pending > 0 and .acked == 0"
synced=0
for _ in 1 2 3; do
	run 0 sync --once --timeout 120
	if printf '%s' "$out" | jq -e '.pending == 0 and .failed == 0' >/dev/null; then
		synced=1
		break
	fi
done
check "[ $synced -eq 1 ]"
run 0 sync status
has '.pending == 0 and .in_flight == 0 and .failed == 0'
# On the server: each record of the bus exactly once by identifier.
stats day
has ".duplicates == {} or ([.duplicates[]] | add) == 0"
has '.invalid == 0'
has ".counts.Patient == $(q 'SELECT count(*) FROM person')"
has ".counts.Immunization == $((before_day + n_dose + n_fever)) and .counts.AdverseEvent == 1"
got=$(for t in Immunization AdverseEvent; do
	curl -sf "${url_day%/fhir/R4}/_admin/identifiers?type=$t" |
		jq -r 'to_entries[] | select(.key | startswith("https://vaxbus.invalid/fhir/record|")) | .key | sub(".*[|]"; "")'
done | sort)
check "[ \"\$got\" = \"\$(local_ids)\" ]"
run 0 sync --once
has '.sent == 0'

# ---- the end of the day ----------------------------------------------------
run 0 report day --date 20210601
has ".report.registered == $n_visits and .report.vaccinated == $n_dose and .report.deferred == $n_fever"
has ".report.doses_total == $n_dose and .report.aefi == 1"
has '.report.products | all(.unaccounted == 0)'
has ".report.sync.captured == $captured and .report.sync.acknowledged == $captured"
has '.report.sync.pending == 0 and .report.sync.failed == 0'
has '.text | test("Acknowledged")'
before=$(find "$printer" -name 'receipt-*.bin' | wc -l)
run 0 print text --text "$(printf '%s' "$out" | jq -r .text)"
check "[ \$(find \"$printer\" -name 'receipt-*.bin' | wc -l) -eq $((before + 1)) ]"
run 0 audit verify

# ---- no personal data in our logs ------------------------------------------
# Every output kept above (the kiosk runs, vaxbusctl, the sync; not the
# test server's), and the bus's own logs in the database (the audit chain,
# the outbox with its errors): no name, ID number or address of a resident.
q "SELECT seq, at, actor, action, record_id, detail FROM audit" >"$logs/audit.txt"
q "SELECT * FROM outbox" >"$logs/outbox.txt"
cut -f5,6,7 "$day/residents" | tr '\t' '\n' >"$dir/personal"
leaks=$(cat "$logs"/* | grep -F -c -f "$dir/personal" || true)
check "[ $leaks -eq 0 ]"
[ "$leaks" -eq 0 ] || cat "$logs"/* | grep -F -o -f "$dir/personal" | sort | uniq -c | head
# The check can fail: a name the kiosk wrote would be found.
check "grep -F -q -f \"$dir/personal\" \"$day/cards/r1.json\""
# Nor the database file and its log: every personal field, consent
# signature, certificate and printout is sealed before it is written.
leaks=$(cat "$db" "$db-wal" 2>/dev/null | grep -a -F -c -f "$dir/personal" || true)
check "[ $leaks -eq 0 ]"

platform_stop day
echo "day200: $((SECONDS - started)) s, logs $(cat "$logs"/* | wc -l) lines"
finish
