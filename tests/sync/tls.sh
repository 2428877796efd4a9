#!/bin/bash
# TLS to the platform is always verified: against a CA named in the
# configuration the sync goes through; without it, or with a certificate
# for another host, nothing is sent and every record waits (none is
# refused).
#   tls.sh VAXBUSCTL PLATFORM_DIR
set -euo pipefail
ctl=$1
platform=$2
here=$(dirname "$0")
# shellcheck source=../cli/lib.bash
. "$here/../cli/lib.bash"
# shellcheck source=lib.bash
. "$here/lib.bash"

# A CA, and two server certificates it signs: one for 127.0.0.1, one for
# another host.
cd "$dir"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
	-subj /CN=vaxbus-test-ca -keyout ca.key -out ca.pem 2>/dev/null
for name in good:IP:127.0.0.1 wrong:DNS:platform.example; do
	n=${name%%:*}
	openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=$n" \
		-keyout "$n.key" -out "$n.csr" 2>/dev/null
	printf 'subjectAltName=%s\n' "${name#*:}" >"$n.ext"
	openssl x509 -req -in "$n.csr" -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 \
		-extfile "$n.ext" -out "$n.pem" 2>/dev/null
done
cd - >/dev/null

db="$dir/bus.db"
export VAXBUS_NOW=2021-06-01T09:00:00+08:00
seed_init
seed 1 5
unset VAXBUS_NOW

platform_start good --port 0 --tls "$dir/good.pem:$dir/good.key"
https=$url_good

# The system's CAs do not know the test CA: refused, all waiting.
conf "$dir/nocA.conf" "url=$https" backoff_min_s=1 backoff_max_s=1
export VAXBUS_CONF="$dir/nocA.conf"
run 1 sync --once --timeout 3
has '.code == "not_sent" and .pending == 10 and (.reason | test("certificate|SSL"))'

# A certificate for another host, from the right CA: refused too.
platform_start wrong --port 0 --tls "$dir/wrong.pem:$dir/wrong.key"
conf "$dir/wrong.conf" "url=$url_wrong" "ca_file=$dir/ca.pem" \
	backoff_min_s=1 backoff_max_s=1
export VAXBUS_CONF="$dir/wrong.conf"
run 1 sync --once --timeout 3
has '.code == "not_sent" and .pending == 10'
run 0 sync status
has '.failed == 0 and .pending == 10 and (.last_error | test("certificate|SSL|subject"))'
stats wrong
has '.requests == 0'

# The CA named: everything goes through.
conf "$dir/ca.conf" "url=$https" "ca_file=$dir/ca.pem"
export VAXBUS_CONF="$dir/ca.conf"
run 0 sync --once --timeout 60
has '.acked == 10 and .pending == 0'
check "curl -sf --cacert \"$dir/ca.pem\" \"https://127.0.0.1:$port_good/_admin/stats\" | jq -e '.counts.Patient == 5 and .counts.Immunization == 5' >/dev/null"
finish
