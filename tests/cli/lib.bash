# Shared by the CLI regression scripts (sourced, not a test itself):
# a private temp dir ($dir, removed at exit), pass/fail counters, and
#   run EXPECTED-EXIT ARGS...  vaxbusctl --db "$db" --json ARGS; stdout in $out
#   has JQ-EXPR                $out satisfies the jq expression
#   check SHELL-EXPR           the expression is true
#   finish                     prints "N passed, N failed"; fails if any failed
#   resident_ids N             N valid resident ID numbers, one a line
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

# N valid resident ID numbers (GB 11643 check character), one a line, all
# different for N up to 21000.
resident_ids() {
	awk -v n="$1" 'BEGIN {
		split("7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2", w, " ")
		split("1 0 X 9 8 7 6 5 4 3 2", m, " ")
		for (i = 0; i < n; i++) {
			s = sprintf("110101%04d%02d%02d%03d", 1940 + i % 60, 1 + i % 12, 1 + i % 28, i % 1000)
			sum = 0
			for (k = 1; k <= 17; k++)
				sum += substr(s, k, 1) * w[k]
			print s m[sum % 11 + 1]
		}
	}'
}

finish() {
	echo "$passes passed, $fails failed"
	[ "$fails" -eq 0 ]
}
