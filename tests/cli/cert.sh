#!/bin/bash
# Signed certificates from the command line, on the real vaxbusctl: a day's
# vaccination, keys init (0600, never printed), cert issue in both formats,
# cert verify (valid; a changed payload refused with its reason; expired a
# year later), a reissue returning the identical payload, cert render to
# PNG and A4 PDF and cert print on the simulated printer, each read back
# by zbarimg to the exact payload; keys export and trust import between
# two buses.
set -eu
ctl=${1:?usage: cert.sh PATH-TO-VAXBUSCTL}
. "$(dirname "$0")/lib.bash"
db=$dir/a/bus.db
mkdir -p "$dir/a" "$dir/b"
cat >"$dir/vaxbus.conf" <<CONF
[devices]
mode = sim
[sim]
printer = $dir/printed
CONF
export VAXBUS_CONF=$dir/vaxbus.conf

# zbar FILE: the QR text zbarimg reads in an image.
zbar() {
	zbarimg --raw -q --nodbus "$1" 2>/dev/null || true
}

# The day: two doses of one resident, a deferral for another.
export VAXBUS_NOW=2021-04-08T09:00:00+08:00
run 0 init --bus BUS-07 --site XIANG-01
run 0 lot add --product bbibp-corv --lot 202104B07 --expiry 20220401 --vials 20 --gtin 06970000000017 --fridge fridge-1
run 0 person add --id-type cn-resident --id 110101195001011239 --name 张建国 --sex 1 --birth 19500101
zhang=$(printf '%s' "$out" | jq -r '.person.id')
run 0 vaccinate --person "$zhang" --code 01069700000000171722040110202104B07 --staff nurse-li --body-site left-deltoid --assessed
visit1=$(printf '%s' "$out" | jq -r '.visit.id')
export VAXBUS_NOW=2021-06-01T09:00:00+08:00
run 0 init --bus BUS-07 --site XIANG-02
run 0 lot add --product bbibp-corv --lot 202105A01 --expiry 20220131 --vials 10 --gtin 06970000000017 --fridge fridge-1
run 0 vaccinate --person "$zhang" --code 01069700000000171722013110202105A01 --staff nurse-li --body-site left-deltoid --assessed
visit=$(printf '%s' "$out" | jq -r '.visit.id')
run 0 person add --id-type cn-resident --id 110101198005150029 --name 刘梅 --sex 2 --birth 19800515
run 0 defer --person "$(printf '%s' "$out" | jq -r '.person.id')" --reason fever --staff nurse-li
deferred=$(printf '%s' "$out" | jq -r '.visit.id')
export VAXBUS_NOW=2021-06-01T09:40:00+08:00

# No key yet.
run 1 cert issue --visit "$visit"
has '.code == "no_key"'

# keys init: a 0600 file beside the database, never printed.
run 0 keys init
has '.issuer_url == "https://vaxbus.invalid/BUS-07" and (.kid | length) == 43'
kid=$(printf '%s' "$out" | jq -r .kid)
dcc_kid=$(printf '%s' "$out" | jq -r .dcc_kid)
check '[ "$(stat -c %a "$dir/a/signing-key.pem")" = 600 ]'
check '! grep -q PRIVATE "$dir/err" && ! printf "%s" "$out" | grep -q PRIVATE'
run 1 keys init
has '.code == "key_exists"'

# cert issue, both formats.
run 0 cert issue --visit "$visit" --format dcc
has '.reissued == false and (.payload | startswith("HC1:")) and .certificate.format == "dcc"'
has '.certificate.certificate_id | test("^URN:UVCI:01:CN:BUS07/[0-9A-F]{32}$")'
dcc=$(printf '%s' "$out" | jq -r .payload)
dcc_version=$(printf '%s' "$out" | jq -r .qr.version)
run 0 cert issue --visit "$visit" --format shc
has '.reissued == false and (.payload | startswith("shc:/")) and .certificate.kid == "'"$kid"'"'
shc=$(printf '%s' "$out" | jq -r .payload)
shc_version=$(printf '%s' "$out" | jq -r .qr.version)
check '[ "$shc_version" -le 22 ]'
# Without --json the payload alone, for scripts.
check '[ "$("$ctl" --db "$db" cert issue --visit "$visit")" = "$dcc" ]'

# A reissue is the stored payload, never re-signed.
export VAXBUS_NOW=2021-06-01T11:00:00+08:00
run 0 cert issue --visit "$visit" --format dcc
has '.reissued == true'
check '[ "$(printf "%s" "$out" | jq -r .payload)" = "$dcc" ]'
run 0 cert issue --visit "$visit" --format shc
check '[ "$(printf "%s" "$out" | jq -r .payload)" = "$shc" ]'
run 1 cert issue --visit "$deferred"
has '.code == "no_dose"'
run 1 cert issue --visit "$visit" --format pdf
has '.field == "--format"'

# cert verify: valid, with what it proves.
run 0 cert verify "$dcc"
has '.valid and .format == "dcc" and .signature_valid and .issuer == "CN"'
has '.name.family_icao == "ZHANG" and .name.given_icao == "JIANGUO" and .birth == "1950-01-01"'
has '(.doses | length) == 1 and .doses[0].dose_number == 2 and .doses[0].series_doses == 2 and .doses[0].date == "2021-06-01"'
has '.expires_at == "2022-06-01T09:40:00+08:00" and .expired == false'
run 0 cert verify "$shc"
has '.valid and .format == "shc" and .issuer == "https://vaxbus.invalid/BUS-07" and .kid == "'"$kid"'"'
has '(.doses | length) == 2 and .doses[0].lot == "202104B07" and .doses[1].lot == "202105A01" and .doses[1].cvx == "510"'
check '[ "$(printf "%s\n" "$shc" | "$ctl" --db "$db" --json cert verify - | jq -r .valid)" = true ]'

# Tampered: the reason, exit 1.
# (a pair of digits in the middle of the signature: its last character
# carries padding bits a strict decoder refuses first)
n=$((${#shc} - 20))
pair=${shc:n:2}
alt=$([ "$pair" = 10 ] && echo 11 || echo 10)
run 1 cert verify "${shc:0:n}$alt${shc:n+2}"
has '.valid == false and .code == "signature" and .field == "payload"'
run 1 cert verify "${dcc:0:30}$([ "${dcc:30:1}" = A ] && echo B || echo A)${dcc:31}"
has '.valid == false and (.code | length) > 0 and (.reason | length) > 0'
run 1 cert verify "XYZ:123"
has '.code == "bad_prefix"'
# A year and a day later: expired, the signature still good.
VAXBUS_NOW=2022-06-02T10:00:00+08:00 run 1 cert verify "$dcc"
has '.code == "expired" and .signature_valid == true and .expired == true'

# Render: the PNG at the paper's width and the A4 PDF read back.
run 0 cert render --visit "$visit" --format dcc --png "$dir/dcc.png"
has '.qr.dots_per_module >= 3 and .qr.mm_per_module >= 0.375 and .paper_dots == 384'
check '[ "$(zbar "$dir/dcc.png")" = "$dcc" ]'
run 0 cert render --visit "$visit" --format shc --png "$dir/shc.png"
has '.qr.dots_per_module >= 3'
check '[ "$(zbar "$dir/shc.png")" = "$shc" ]'
for f in dcc shc; do
	run 0 cert render --visit "$visit" --format $f --pdf "$dir/$f.pdf"
	check 'head -c 8 "$dir/$f.pdf" | grep -q "%PDF-1.4"'
	pdftoppm -r 100 -gray -singlefile "$dir/$f.pdf" "$dir/$f-pdf"
	want=$([ $f = dcc ] && echo "$dcc" || echo "$shc")
	check '[ "$(zbar "$dir/$f-pdf.pgm")" = "$want" ]'
done
run 2 cert render --visit "$visit"

# Print on the simulated printer: the ESC/POS raster decoded and read back.
run 0 cert print --visit "$visit" --format shc
has '.printed == 1 and .pending == 0 and .reissued == true'
check '[ "$(zbar "$dir/printed/receipt-0001.pbm")" = "$shc" ]'
run 0 cert print --visit "$visit" --format dcc
check '[ "$(zbar "$dir/printed/receipt-0002.pbm")" = "$dcc" ]'
check '[ "$(sqlite3 "$db" "SELECT count(*) FROM print_job WHERE kind = '"'"'certificate'"'"' AND state = '"'"'done'"'"'")" = 2 ]'

# The audit log names ids and formats, never the payload or the person.
check '[ "$(sqlite3 "$db" "SELECT count(*) FROM audit WHERE action = '"'"'cert.issue'"'"'")" = 2 ]'
check '! sqlite3 "$db" "SELECT detail FROM audit" | grep -q -e "HC1:" -e "shc:/" -e 张建国'

# keys export: the public keys only.
run 0 keys export --jwk --out "$dir/jwks.json"
has '.keys == 1 and .format == "jwks"'
check 'jq -e ".keys[0] | .kid == \"$kid\" and .use == \"sig\" and .alg == \"ES256\" and .crv == \"P-256\" and (has(\"d\") | not)" "$dir/jwks.json" >/dev/null'
"$ctl" --db "$db" keys export --x509 >"$dir/signer.pem"
check 'grep -q "BEGIN CERTIFICATE" "$dir/signer.pem"'
check '! grep -q PRIVATE "$dir/signer.pem" "$dir/jwks.json"'
run 2 keys export

# Another bus trusts this one after importing its keys.
db=$dir/b/bus.db
run 0 init --bus BUS-08 --site XIANG-09
run 1 cert verify "$shc"
has '.code == "unknown_issuer" or .code == "unknown_kid"'
run 1 cert verify "$dcc"
has '.code == "unknown_kid"'
run 2 trust import "$dir/jwks.json"
run 0 trust import "$dir/jwks.json" --iss https://vaxbus.invalid/BUS-07
has '.kind == "jwks" and .new == true and .keys == 1'
run 0 trust import "$dir/jwks.json" --iss https://vaxbus.invalid/BUS-07
has '.new == false'
run 0 cert verify "$shc"
has '.valid'
run 0 trust import "$dir/signer.pem"
has '.kind == "x509" and .new == true and .dcc_kid == "'"$dcc_kid"'"'
run 0 cert verify "$dcc"
has '.valid'
printf '{"keys":[{"kty":"EC","crv":"P-256","x":"AA","y":"AA","d":"AA"}]}' >"$dir/private.json"
run 1 trust import "$dir/private.json" --iss https://other.example
has '(.code | length) > 0 and .field == "FILE"'
printf 'not a key' >"$dir/junk.txt"
run 1 trust import "$dir/junk.txt"
has '.code == "not_a_certificate"'

echo "QR versions: dcc V$dcc_version, shc V$shc_version"
finish
