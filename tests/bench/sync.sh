#!/bin/bash
# The sync benchmark: bench_sync drains --visits visits (two outbox records
# each: patient and immunization) to a fresh FHIR server of tests/platform
# over loopback, and over an emulated rural link (the shaping proxy
# shaper.mjs in front of the server: no tc netem on these machines), and
# prints a table of medians over --runs runs.
#
#   sync.sh BUILD_DIR [--runs N] [--visits N] [--bundle N[,N...]]
#           [--mode batch|transaction] [--gzip 0|1] [--links loopback,rural]
#           [--rate-kbit K] [--rtt-ms MS] [--loss F]
#
# Builds nothing: BUILD_DIR/bench/bench_sync must exist (README.md). Every
# run gets a fresh server (and shaper), so every entry is a create. Wire
# bytes are the shaper's payload counts (HTTP headers and bodies, no TCP/IP
# overhead) on the rural link and curl's counts on loopback. The link is
# full duplex, K kbit/s each way, so the bandwidth limit of a drain is
#   limit = max(up bytes, down bytes) / (K * 1000 / 8) s
# and "ratio" is drain time / limit (the issue's target: <= 1.3). "rtt s" is
# requests x RTT, and "serial s" adds (up + down) / rate: what the engine's
# one request in flight at a time (upload, answer, download, next) cannot
# go below. Servers are stopped at exit.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
platform=$here/../platform
usage() {
	echo "usage: sync.sh BUILD_DIR [--runs N] [--visits N] [--bundle N[,N...]]" \
		"[--mode batch|transaction] [--gzip 0|1] [--links loopback,rural]" \
		"[--rate-kbit K] [--rtt-ms MS] [--loss F]" >&2
	exit 2
}
[ $# -ge 1 ] || usage
build=$1
shift
bench=$build/bench/bench_sync
runs=3 visits=10000 bundles=500 mode=batch gzip=1 links=loopback,rural
rate=384 rtt=300 loss=0.01
while [ $# -gt 0 ]; do
	[ $# -ge 2 ] || usage
	case $1 in
	--runs) runs=$2 ;;
	--visits) visits=$2 ;;
	--bundle) bundles=$2 ;;
	--mode) mode=$2 ;;
	--gzip) gzip=$2 ;;
	--links) links=$2 ;;
	--rate-kbit) rate=$2 ;;
	--rtt-ms) rtt=$2 ;;
	--loss) loss=$2 ;;
	*) usage ;;
	esac
	shift 2
done
[ -x "$bench" ] || { echo "sync.sh: $bench is missing: build the target bench_sync" >&2; exit 2; }
[[ $runs =~ ^[1-9][0-9]*$ ]] || usage

dir=$(mktemp -d "${TMPDIR:-/tmp}/vbsyncbench.XXXXXX")
pids=""
stop_all() {
	local p
	for p in $pids; do
		kill "$p" 2>/dev/null || true
		wait "$p" 2>/dev/null || true
	done
	pids=""
}
trap 'stop_all; rm -rf "$dir"' EXIT
trap 'exit 130' INT TERM

# start NAME SCRIPT ARGS...: a tests/platform script in the background;
# waits for "listening PORT" and sets $port.
start() {
	local name=$1 script=$2 p
	shift 2
	"$platform/run" "$script" "$@" >"$dir/$name.out" 2>"$dir/$name.log" &
	p=$!
	pids="$pids $p"
	for _ in $(seq 1 300); do
		port=$(sed -n 's/^listening //p' "$dir/$name.out" | head -1)
		[ -n "$port" ] && return 0
		kill -0 "$p" 2>/dev/null || break
		sleep 0.1
	done
	echo "sync.sh: $script did not start:" >&2
	cat "$dir/$name.log" >&2
	exit 1
}

# field NAME FILE: the value of bench_sync's line "NAME value".
field() { awk -v k="$1" '$1 == k { print $2 }' "$2"; }

# median: of the numbers on stdin.
median() { sort -g | awk '{ v[NR] = $1 } END { print NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# one LINK BUNDLE RUN: one drain; appends "seconds records visits up down
# requests" to $dir/LINK-BUNDLE.runs.
one() {
	local link=$1 bundle=$2 k=$3 out="$dir/$1-$2-$3.txt" url up down
	rm -rf "$dir/data"
	mkdir "$dir/data"
	start server server.mjs --port 0 --data "$dir/data"
	url=http://127.0.0.1:$port/fhir/R4
	if [ "$link" = rural ]; then
		rm -f "$dir/shaper.json"
		start shaper shaper.mjs --listen 0 --target "127.0.0.1:$port" --rate-kbit "$rate" \
			--rtt-ms "$rtt" --loss "$loss" --stats "$dir/shaper.json"
		url=http://127.0.0.1:$port/fhir/R4
	fi
	if ! "$bench" --url "$url" --visits "$visits" --bundle "$bundle" --mode "$mode" \
		--gzip "$gzip" >"$out" 2>"$dir/bench.log"; then
		cat "$out" "$dir/bench.log" >&2
		echo "sync.sh: bench_sync failed ($link, bundle $bundle, run $k)" >&2
		exit 1
	fi
	stop_all # the shaper writes its stats on SIGTERM
	up=$(field bytes_up "$out") down=$(field bytes_down "$out")
	if [ "$link" = rural ]; then
		up=$(jq .up_bytes "$dir/shaper.json") down=$(jq .down_bytes "$dir/shaper.json")
	fi
	echo "$(field seconds "$out") $(field records "$out") $(field visits "$out") $up $down" \
		"$(field requests "$out")" >>"$dir/$link-$bundle.runs"
	printf '  run %d %-8s bundle %-3s %8.1f s  %6s requests  up %9s B  down %9s B  (curl: up %s, down %s)\n' \
		"$k" "$link" "$bundle" "$(field seconds "$out")" "$(field requests "$out")" "$up" "$down" \
		"$(field bytes_up "$out")" "$(field bytes_down "$out")"
}

echo "sync.sh: $visits visits, mode $mode, gzip $gzip, $runs run(s); rural = $rate kbit/s each way," \
	"RTT $rtt ms, loss $loss; load $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) CPUs"
IFS=, read -ra link_list <<<"$links"
IFS=, read -ra bundle_list <<<"$bundles"
for link in "${link_list[@]}"; do
	[ "$link" = loopback ] || [ "$link" = rural ] || usage
	for bundle in "${bundle_list[@]}"; do
		for k in $(seq 1 "$runs"); do one "$link" "$bundle" "$k"; done
	done
done

echo
echo "medians of $runs run(s), column by column; B/rec = HTTP payload bytes per outbox record"
echo "(B/visit: per visit = 2 records); rtt s = requests x $rtt ms; serial s = rtt s +"
echo "(up + down) / $((rate * 1000 / 8)) B/s, the floor with one request in flight; limit s ="
echo "max(up, down) / $((rate * 1000 / 8)) B/s, the link's floor; ratio = time / limit"
printf '%-8s %6s %8s %9s %8s %8s %7s %7s %8s %7s %8s %7s %6s\n' link bundle "time s" records/s \
	"up B/rec" "dn B/rec" "B/rec" B/visit requests "rtt s" "serial s" "limit s" ratio
for link in "${link_list[@]}"; do
	for bundle in "${bundle_list[@]}"; do
		f="$dir/$link-$bundle.runs"
		col() { awk -v c="$1" '{ print $c }' "$f" | median; }
		t=$(col 1) n=$(col 2) v=$(col 3) up=$(col 4) down=$(col 5) req=$(col 6)
		awk -v link="$link" -v b="$bundle" -v t="$t" -v n="$n" -v v="$v" -v up="$up" \
			-v down="$down" -v req="$req" -v rate="$rate" -v rtt="$rtt" 'BEGIN {
			bps = rate * 1000 / 8
			printf "%-8s %6s %8.1f %9.1f %8.0f %8.0f %7.0f %7.0f %8d", link, b, t, n / t,
				up / n, down / n, (up + down) / n, (up + down) / v, req
			if (link == "rural" && bps > 0) {
				limit = (up > down ? up : down) / bps
				printf " %7.1f %8.1f %7.1f %6.2f\n", req * rtt / 1000,
					req * rtt / 1000 + (up + down) / bps, limit, t / limit
			} else {
				printf " %7s %8s %7s %6s\n", "-", "-", "-", "-"
			}
		}'
	done
done
