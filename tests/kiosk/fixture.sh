# The kiosk's test bus, sourced by run.sh (the scenarios) and by the kiosk
# benchmark (tests/bench/kiosk.sh):
#   . fixture.sh VAXBUSCTL DIR
# makes DIR/bus.db through vaxbusctl on 2021-05-25 — bus BUS-07 at stop
# XIANG-01, one lot on board, Zhou vaccinated that day (too early for his
# second dose on 2021-06-01), staff nurse-li with PIN 2468 — and
# DIR/vaxbus.conf with simulated devices, the printer writing receipts
# into DIR/printer and the data key DIR/data.key (init makes it). Leaves
# db, printer and ctl set, and exports the headless SDL drivers,
# VAXBUS_CONF, and VAXBUS_NOW at 2021-06-01 09:00.
ctl=$1
db="$2/bus.db"
printer="$2/printer"
printf '[devices]\nmode = sim\n[sim]\nprinter = %s\n[security]\nkey = %s\n' "$printer" \
	"$2/data.key" >"$2/vaxbus.conf"
export SDL_VIDEODRIVER=dummy SDL_RENDER_DRIVER=software VAXBUS_CONF="$2/vaxbus.conf"

c() { "$ctl" --db "$db" --json "$@" >/dev/null; }
export VAXBUS_NOW=2021-05-25T09:00:00+08:00
c init --bus BUS-07 --site XIANG-01
c lot add --product bbibp-corv --lot 202104B07 --expiry 20220401 --vials 50 \
	--gtin 06970000000017 --fridge fridge-1
zhou=$("$ctl" --db "$db" --json person add --id-type cn-resident --id 110101196202020013 \
	--name 周建国 --sex 1 --birth 19620202 | jq -r .person.id)
c vaccinate --person "$zhou" --code 01069700000000171722040110202104B07 --staff nurse-li \
	--body-site left-deltoid --assessed
printf '2468\n' | c staff add --id nurse-li --role nurse
export VAXBUS_NOW=2021-06-01T09:00:00+08:00
