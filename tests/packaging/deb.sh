#!/bin/sh
# The Debian package, end to end, on this machine (CI: a throwaway Debian
# 12 as root; it installs and purges the package, so never run it on a
# bus): builds the .deb with CPack (VB_PACKAGE), lintian finds no error,
# apt installs it with its dependencies, and then: vaxbusctl --version; the
# vaxbus system user and group; /var/lib/vaxbus 0750 vaxbus:vaxbus;
# /etc/vaxbus/vaxbus.conf a conffile 0640 root:vaxbus, readable by vaxbus
# and by no one else; `vaxbusctl init` and `lot add` run as vaxbus on
# /var/lib/vaxbus/vaxbus.db with the installed assets (the binaries do
# not point into the source tree); the udev rules give the group and not
# the world; installed again (an upgrade to postinst) it brings that
# database up to date as vaxbus; systemd-analyze verify passes on the
# installed units (the kiosk, the daily purge and its timer). Then apt
# purges it: programs and configuration go, the database and its data
# key stay.
#   tests/packaging/deb.sh [BUILD-DIR]   (default build-deb; from the source root)
set -eu
build=${1:-build-deb}
src=$(cd "$(dirname "$0")/../.." && pwd)
db=/var/lib/vaxbus/vaxbus.db
passed=0
ok() {
	passed=$((passed + 1))
	echo "ok: $*"
}
die() {
	echo "FAIL: $*"
	exit 1
}
[ "$(id -u)" = 0 ] || die "needs root (it installs and purges the package)"
if dpkg-query -W -f='${Status}' vaxbus 2>/dev/null | grep -q installed || [ -e $db ]; then
	die "vaxbus is installed here already (or $db exists): not touching it"
fi

cmake -S "$src" -B "$build" -DVB_PACKAGE=ON -DCMAKE_INSTALL_PREFIX=/usr \
	-DCMAKE_BUILD_TYPE=Release -DVB_WERROR=ON >/dev/null
cmake --build "$build" -j2 >/dev/null
rm -f "$build"/vaxbus_*.deb
(cd "$build" && cpack >/dev/null)
deb=$(ls "$build"/vaxbus_*.deb)
ok "built $deb"

lintian --fail-on error "$deb" >"$build/lintian.txt" 2>&1 || { cat "$build/lintian.txt"; die "lintian found errors"; }
grep -v 'root privileges' "$build/lintian.txt" | sed 's/^/  lintian: /'
ok "lintian: no errors"

had_user=$(getent passwd vaxbus || true)
had_key=$(ls /etc/vaxbus/data.key 2>/dev/null || true)
# Leave the machine as it was: the package, its data and, when this test
# made them, the user and group (a purge keeps both, by design).
cleanup() {
	apt-get purge -y vaxbus >/dev/null 2>&1 || true
	rm -rf /var/lib/vaxbus
	if [ -z "$had_key" ]; then
		rm -f /etc/vaxbus/data.key
		rmdir /etc/vaxbus 2>/dev/null || true
	fi
	if [ -z "$had_user" ]; then
		userdel vaxbus 2>/dev/null || true
		groupdel vaxbus 2>/dev/null || true
	fi
}
trap cleanup EXIT
# The package knows its runtime and library dependencies: apt pulls them.
apt-get install -y --no-install-recommends "$(cd "$(dirname "$deb")" && pwd)/$(basename "$deb")" \
	>"$build/apt-install.log" 2>&1 || { cat "$build/apt-install.log"; die "apt-get install"; }
ok "installed with apt"

[ "$(vaxbusctl --version)" = "vaxbusctl $(sed -n 's/^project(vaxbus VERSION \([0-9.]*\).*/\1/p' "$src/CMakeLists.txt")" ] ||
	die "vaxbusctl --version: $(vaxbusctl --version)"
ok "vaxbusctl --version"

uid=$(id -u vaxbus) || die "no user vaxbus"
[ "$uid" -lt 1000 ] || die "vaxbus is not a system user (uid $uid)"
[ "$(id -gn vaxbus)" = vaxbus ] || die "vaxbus's group is $(id -gn vaxbus)"
[ "$(getent passwd vaxbus | cut -d: -f7)" = /usr/sbin/nologin ] || die "vaxbus can log in"
ok "system user and group vaxbus (uid $uid)"

mode() { stat -c '%a %U:%G' "$1"; }
[ "$(mode /var/lib/vaxbus)" = "750 vaxbus:vaxbus" ] || die "/var/lib/vaxbus: $(mode /var/lib/vaxbus)"
ok "/var/lib/vaxbus 750 vaxbus:vaxbus"
conf=/etc/vaxbus/vaxbus.conf
[ "$(mode $conf)" = "640 root:vaxbus" ] || die "$conf: $(mode $conf)"
dpkg-query -W -f='${Conffiles}\n' vaxbus | grep -q " $conf " || die "$conf is not a conffile"
runuser -u vaxbus -- cat $conf >/dev/null || die "vaxbus cannot read $conf"
if runuser -u nobody -- cat $conf >/dev/null 2>&1; then die "nobody can read $conf"; fi
cmp -s $conf "$src/packaging/vaxbus.conf" || die "$conf is not packaging/vaxbus.conf"
ok "$conf: conffile, 640 root:vaxbus, readable by vaxbus only"
key=/etc/vaxbus/data.key
[ "$(mode $key)" = "440 root:vaxbus" ] || die "$key: $(mode $key)"
[ "$(stat -c %s $key)" = 32 ] || die "$key is not 32 bytes"
if runuser -u nobody -- cat $key >/dev/null 2>&1; then die "nobody can read $key"; fi
ok "$key: 32 bytes, 440 root:vaxbus"

# As the kiosk's user: a database for the bus, and a lot checked against
# the installed vaccine catalog, from a directory the user cannot write.
as_vaxbus() { (cd / && runuser -u vaxbus -- env VAXBUS_NOW=2021-06-01T09:00:00+08:00 vaxbusctl --db $db "$@"); }
as_vaxbus init --bus BUS-01 --site SITE-01 >/dev/null || die "vaxbusctl init as vaxbus"
as_vaxbus lot add --product bbibp-corv --lot 202104B07 --expiry 20220401 --vials 5 \
	--gtin 06970000000017 --fridge fridge-1 >/dev/null || die "vaxbusctl lot add as vaxbus"
[ "$(stat -c %U $db)" = vaxbus ] || die "$db owned by $(stat -c %U $db)"
if runuser -u nobody -- sh -c "cat $db" >/dev/null 2>&1; then die "nobody can read $db"; fi
ok "vaxbusctl init and lot add as vaxbus on $db; no one else can read it"
for bin in /usr/bin/vaxbusctl /usr/bin/vaxbus-kiosk; do
	if grep -q "$src/assets" "$bin"; then die "$bin looks into the source tree"; fi
	grep -q /usr/share/vaxbus "$bin" || die "$bin does not look in /usr/share/vaxbus"
done
[ -f /usr/share/vaxbus/vaccines/covid19-cn-2021.json ] || die "the vaccine catalog is not installed"
ok "assets in /usr/share/vaxbus, where the binaries look"

rules=/lib/udev/rules.d/70-vaxbus.rules
grep -v '^#' $rules | grep -q 'GROUP="vaxbus"' || die "$rules: no group vaxbus"
if grep -v '^#' $rules | grep MODE= | grep -qv 'MODE="0660"'; then die "$rules: a mode other than 0660"; fi
ok "udev rules: group vaxbus, mode 0660"

# The same package again is an upgrade to postinst: it brings the existing
# database up to date, as vaxbus, and keeps what is in it.
dpkg -i "$deb" >"$build/dpkg-again.log" 2>&1 || { cat "$build/dpkg-again.log"; die "dpkg -i again"; }
grep -q "vaxbus: $db is up to date" "$build/dpkg-again.log" ||
	{ cat "$build/dpkg-again.log"; die "postinst did not bring $db up to date"; }
[ "$(stat -c %U $db)" = vaxbus ] || die "$db owned by $(stat -c %U $db) after the upgrade"
ok "an upgrade migrates the existing database as vaxbus"

sh "$src/tests/packaging/units.sh" /lib/systemd/system/vaxbus-kiosk.service \
	/lib/systemd/system/vaxbus-purge.service /lib/systemd/system/vaxbus-purge.timer >/dev/null ||
	die "systemd-analyze verify"
ok "systemd-analyze verify: clean"

apt-get purge -y vaxbus >"$build/apt-purge.log" 2>&1 || { cat "$build/apt-purge.log"; die "apt-get purge"; }
for f in /usr/bin/vaxbusctl /usr/bin/vaxbus-kiosk $conf /lib/systemd/system/vaxbus-kiosk.service; do
	[ ! -e $f ] || die "$f is still there after purge"
done
[ -f $db ] || die "purge deleted the database"
id vaxbus >/dev/null || die "purge deleted the user that owns the database"
[ -f $key ] || die "purge deleted the data key the database is sealed under"
ok "purged: programs and configuration gone, the database, its key and its user kept"
echo "packaging: $passed passed, 0 failed"
