#!/bin/bash
# Request bodies go gzip'd to a platform that takes them (fewer bytes on
# the wire than the same records sent plain), and plain to one that
# answers 415: one refused request, then every record through.
#   gzip.sh VAXBUSCTL PLATFORM_DIR
set -euo pipefail
ctl=$1
platform=$2
here=$(dirname "$0")
# shellcheck source=../cli/lib.bash
. "$here/../cli/lib.bash"
# shellcheck source=lib.bash
. "$here/lib.bash"

for s in gz plain; do
	db="$dir/$s.db"
	export VAXBUS_NOW=2021-06-01T09:00:00+08:00
	seed_init
	seed 1 20
	unset VAXBUS_NOW
done

platform_start gz --port 0
db="$dir/gz.db"
conf "$dir/gz.conf" "url=$url_gz"
VAXBUS_CONF="$dir/gz.conf" run 0 sync --once --timeout 60
has '.acked == 40 and .requests == 2'
gz_up=$(printf '%s' "$out" | jq .bytes_up)

platform_start plain --port 0 --no-gzip
db="$dir/plain.db"
conf "$dir/plain.conf" "url=$url_plain"
VAXBUS_CONF="$dir/plain.conf" run 0 sync --once --timeout 60
has '.acked == 40 and .failed == 0 and .requests == 3'
plain_up=$(printf '%s' "$out" | jq .bytes_up)
stats plain
has '.counts.Patient == 20 and .counts.Immunization == 20'
# Compressed, the same records take well under half the bytes.
check "[ $((gz_up * 2)) -lt $plain_up ]"
echo "bytes up: gzip $gz_up, plain $plain_up (incl. the refused request)"
finish
