# Shared by the CLI regression scripts (sourced, not a test itself):
# a private temp dir ($dir, removed at exit), pass/fail counters, and
#   run EXPECTED-EXIT ARGS...  vaxbusctl --db "$db" --json ARGS; stdout in $out
#   has JQ-EXPR                $out satisfies the jq expression
#   check SHELL-EXPR           the expression is true
#   finish                     prints "N passed, N failed"; fails if any failed
# Scripts set ctl (the binary) and db before calling run.
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
# The data key (kiosk/app/datakey.h): vaxbusctl init makes it here.
export VAXBUS_DATA_KEY="$dir/data.key"
fails=0
passes=0

run() {
	local want=$1
	shift
	set +e
	out=$("$ctl" --db "$db" --json "$@" 2>"$dir/err")
	local got=$?
	set -e
	if [ "$got" -ne "$want" ]; then
		echo "FAIL: vaxbusctl $* exited $got, want $want"
		echo "  stdout: $out"
		echo "  stderr: $(cat "$dir/err")"
		fails=$((fails + 1))
	else
		passes=$((passes + 1))
	fi
}

has() {
	if printf '%s' "$out" | jq -e "$1" >/dev/null 2>&1; then
		passes=$((passes + 1))
	else
		echo "FAIL: output does not satisfy $1"
		echo "  output: $out"
		fails=$((fails + 1))
	fi
}

check() {
	if eval "$1"; then
		passes=$((passes + 1))
	else
		echo "FAIL: $1"
		fails=$((fails + 1))
	fi
}

finish() {
	echo "$passes passed, $fails failed"
	[ "$fails" -eq 0 ]
}
