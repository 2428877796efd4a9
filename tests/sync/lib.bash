# Shared by the sync scripts (sourced after tests/cli/lib.bash): a real
# FHIR server from tests/platform started and stopped here, a configuration
# pointing at it, and a database filled through the real vaxbusctl.
#   platform_start NAME [server options]   starts server NAME on a free port
#                                          (sets url_NAME, pid_NAME)
#   platform_stop NAME                     SIGTERM; platform_kill NAME: -9
#   stats NAME                             GET /_admin/stats into $out
#   conf FILE [KEY=VALUE ...]              writes a [sync] configuration
#   use_conf FILE [KEY=VALUE ...]          conf, and VAXBUS_CONF=FILE exported
#   not_sent N REGEX                       sync --once sends nothing, N wait
#   seed FIRST COUNT                       COUNT residents with a dose each
# Needs $ctl, $db, $dir, and $platform (the tests/platform folder).

servers=""
cleanup_servers() {
	for p in $servers; do
		kill -9 "$p" 2>/dev/null || true
		wait "$p" 2>/dev/null || true
	done
	rm -rf "$dir"
}
trap cleanup_servers EXIT

# platform_start NAME [options]: waits for "listening PORT".
platform_start() {
	local name=$1 port_file="$dir/$1.port" scheme=http
	shift
	case " $* " in *" --tls "*) scheme=https ;; esac
	mkdir -p "$dir/$name.data"
	"$platform/run" server.mjs --data "$dir/$name.data" "$@" >"$dir/$name.out" 2>"$dir/$name.log" &
	local pid=$!
	servers="$servers $pid"
	for _ in $(seq 1 300); do
		if grep -q '^listening ' "$dir/$name.out" 2>/dev/null; then
			local port
			port=$(sed -n 's/^listening //p' "$dir/$name.out" | head -1)
			eval "pid_$name=$pid url_$name=$scheme://127.0.0.1:$port/fhir/R4 port_$name=$port"
			echo "$port" >"$port_file"
			return 0
		fi
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	echo "FAIL: platform $name did not start"; cat "$dir/$name.log"
	exit 1
}

platform_stop() { local p; eval "p=\$pid_$1"; kill "$p" 2>/dev/null; wait "$p" 2>/dev/null || true; }
platform_kill() { local p; eval "p=\$pid_$1"; kill -9 "$p" 2>/dev/null; wait "$p" 2>/dev/null || true; }

# stats NAME: the server's counts (JSON) into $out.
stats() {
	local u
	eval "u=\$url_$1"
	out=$(curl -sfk "${u%/fhir/R4}/_admin/stats") # -k: the tests' own server
}

# conf FILE KEY=VALUE...: a configuration with a [sync] section.
conf() {
	local f=$1
	shift
	{
		echo "[sync]"
		for kv in "$@"; do echo "${kv%%=*} = ${kv#*=}"; done
	} >"$f"
}

use_conf() {
	conf "$@"
	export VAXBUS_CONF="$1"
}

# not_sent N REGEX: sync --once sends nothing (exit 1, not_sent) and N
# records wait; sync status: none failed, N pending, the last error
# matching REGEX.
not_sent() {
	run 1 sync --once --timeout 3
	has ".code == \"not_sent\" and .pending == $1"
	run 0 sync status
	has ".failed == 0 and .pending == $1 and (.last_error | test(\"$2\"))"
}

# A valid resident ID number: region 110101, birth date $1 (YYYYMMDD),
# sequence $2 (3 digits), ISO 7064 MOD 11-2 check character.
resident_id() {
	local body="110101$1$2" w=(7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2) sum=0 i
	for i in $(seq 0 16); do sum=$((sum + ${body:$i:1} * w[i])); done
	echo "$body$(echo 10X98765432 | cut -c$((sum % 11 + 1)))"
}

# seed FIRST COUNT: residents FIRST..FIRST+COUNT-1 registered and given a
# first dose of bbibp-corv from lot 202104B07 (put on board by seed_init).
seed_init() {
	run 0 init --bus BUS-07 --site XIANG-01
	run 0 lot add --product bbibp-corv --lot 202104B07 --expiry 20220401 --vials 5000 \
		--gtin 06970000000017 --fridge fridge-1
}
seed() {
	local k
	for k in $(seq "$1" $(($1 + $2 - 1))); do
		local id
		id=$(resident_id "1980$(printf %02d $((k % 12 + 1)))15" "$(printf %03d $((k % 1000)))")
		run 0 person add --id-type cn-resident --id "$id" --name "测试$k" \
			--sex $((2 - k % 2)) --birth "1980$(printf %02d $((k % 12 + 1)))15"
		local person
		person=$(printf '%s' "$out" | jq -r .person.id)
		run 0 vaccinate --person "$person" --staff nurse-li --body-site left-deltoid \
			--code 01069700000000171722040110202104B07
	done
}

# local_ids: the record ids the bus made for the platform, sorted.
local_ids() {
	sqlite3 "$db" "SELECT id FROM dose WHERE source = 'bus' UNION ALL
		SELECT id FROM visit WHERE state = 'deferred' UNION ALL SELECT id FROM aefi" | sort
}
