#!/bin/bash
# TLS to the platform is always verified: against a CA named in the
# configuration the sync goes through; without it, or with a certificate
# for another host, nothing is sent and every record waits (none is
# refused). A pinned public key ([sync] pin) must match the server's, on
# top of the verification; a platform that demands a client certificate
# (mutual TLS) gets one only from [sync] client_cert / client_key.
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
for name in good:IP:127.0.0.1 wrong:DNS:platform.example bus:DNS:bus-07.example; do
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
use_conf "$dir/nocA.conf" "url=$https" backoff_min_s=1 backoff_max_s=1
run 1 sync --once --timeout 3
has '.code == "not_sent" and .pending == 10 and (.reason | test("certificate|SSL"))'

# A certificate for another host, from the right CA: refused too.
platform_start wrong --port 0 --tls "$dir/wrong.pem:$dir/wrong.key"
use_conf "$dir/wrong.conf" "url=$url_wrong" "ca_file=$dir/ca.pem" \
	backoff_min_s=1 backoff_max_s=1
not_sent 10 'certificate|SSL|subject'
stats wrong
has '.requests == 0'

# The CA named: everything goes through.
use_conf "$dir/ca.conf" "url=$https" "ca_file=$dir/ca.pem"
run 0 sync --once --timeout 60
has '.acked == 10 and .pending == 0'
stats good
has '.counts.Patient == 5 and .counts.Immunization == 5'

# Public key pins: sha256// and the base64 SHA-256 of the key's DER.
pin_of() { openssl x509 -in "$1" -pubkey -noout | openssl pkey -pubin -outform der |
	openssl dgst -sha256 -binary | base64; }
pin_good="sha256//$(pin_of "$dir/good.pem")"
pin_wrong="sha256//$(pin_of "$dir/wrong.pem")"
export VAXBUS_NOW=2021-06-01T10:00:00+08:00
seed 6 2
unset VAXBUS_NOW
# Another key pinned: nothing sent, nothing refused, the reason in status.
use_conf "$dir/pin-wrong.conf" "url=$https" "ca_file=$dir/ca.pem" "pin=$pin_wrong" \
	backoff_min_s=1 backoff_max_s=1
not_sent 4 'pinned public key'
# The right pin does not stand in for the CA: unverified, still refused.
use_conf "$dir/pin-noca.conf" "url=$https" "pin=$pin_good" backoff_min_s=1 backoff_max_s=1
run 1 sync --once --timeout 3
has '.code == "not_sent" and .pending == 4'
# A malformed pin is refused with the configuration line.
use_conf "$dir/pin-bad.conf" "url=$https" "pin=sha256//short"
run 1 sync --once --timeout 3
has '.code == "bad_config" and (.reason | test("pin"))'
stats good
has '.counts.Patient == 5'
# The right pin, with the CA (and another key beside it): sent.
use_conf "$dir/pin.conf" "url=$https" "ca_file=$dir/ca.pem" "pin=$pin_wrong;$pin_good"
run 0 sync --once --timeout 60
has '.acked == 4 and .pending == 0'
stats good
has '.counts.Patient == 7 and .counts.Immunization == 7'

# Mutual TLS: a platform that demands a client certificate from its own CA
# (here the test CA signs the bus's certificate too).
platform_start mtls --port 0 --tls "$dir/good.pem:$dir/good.key" --client-ca "$dir/ca.pem"
mstats() { curl -sf --cacert "$dir/ca.pem" --cert "$dir/bus.pem" --key "$dir/bus.key" \
	"https://127.0.0.1:$port_mtls/_admin/stats"; }
export VAXBUS_NOW=2021-06-01T11:00:00+08:00
seed 8 2
unset VAXBUS_NOW
use_conf "$dir/mtls-none.conf" "url=$url_mtls" "ca_file=$dir/ca.pem" backoff_min_s=1 backoff_max_s=1
not_sent 4 .
check "mstats | jq -e '.requests == 0' >/dev/null"
use_conf "$dir/mtls.conf" "url=$url_mtls" "ca_file=$dir/ca.pem" "client_cert=$dir/bus.pem" \
	"client_key=$dir/bus.key"
run 0 sync --once --timeout 60
has '.acked == 4 and .pending == 0'
check "mstats | jq -e '.counts.Patient == 2 and .counts.Immunization == 2' >/dev/null"
finish
