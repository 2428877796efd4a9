#!/bin/sh
# Every section and key the configuration parser accepts
# (kiosk/app/config.c, and the document types of kiosk/core/iddoc.c for
# [identifiers]) appears in the documented file packaging/vaxbus.conf,
# set or commented out ("#key = ..."), in its own section. So a key added
# to the parser without its documentation fails here.
#   conf_keys.sh SOURCE_DIR [CONF]   (CONF: another file to check)
set -eu
src=$1
conf=${2:-$src/packaging/vaxbus.conf}

# section.key pairs the parser accepts. In config.c a key belongs to the
# section of the latest strcmp(section, "S") in on_key(), or, inside a
# helper such as sync_key(), to the section whose branch calls it.
wanted=$(awk '
	FNR == 1 { file++ }
	file == 1 && /^static int [a-z_]+\(/ {
		fn = $3; sub(/\(.*/, "", fn)
	}
	file == 1 && /^static const char \*const roles\[\]/ {
		s = $0; sub(/.*\{/, "", s); gsub(/[" };]/, "", s)
		n = split(s, r, ",")
		for (i = 1; i <= n; i++) print "devices." r[i]
	}
	file == 1 && /strcmp\(section, "/ {
		sec = $0; sub(/.*strcmp\(section, "/, "", sec); sub(/".*/, "", sec)
		sections[sec] = 1
	}
	file == 1 && fn == "on_key" && /return [a-z_]+_key\(/ {
		h = $0; sub(/.*return /, "", h); sub(/\(.*/, "", h)
		helper[h] = sec
	}
	file == 1 && /strcmp\(key, "/ {
		k = $0; sub(/.*strcmp\(key, "/, "", k); sub(/".*/, "", k)
		if (fn == "on_key") print sec "." k
		else pending[++np] = fn " " k
	}
	file == 2 && /^static const char \*const type_names\[\]/ { names = 1; next }
	file == 2 && names && /^};/ { names = 0 }
	file == 2 && names {
		line = $0
		while (match(line, /\] = "[a-z-]+"/)) {
			print "identifiers." substr(line, RSTART + 5, RLENGTH - 6)
			line = substr(line, RSTART + RLENGTH)
		}
	}
	END {
		for (i = 1; i <= np; i++) {
			split(pending[i], p, " ")
			if (!(p[1] in helper)) { print "?" p[1] "." p[2]; continue }
			print helper[p[1]] "." p[2]
		}
		for (s in sections) print s "."
	}
' "$src/kiosk/app/config.c" "$src/kiosk/core/iddoc.c" | sort -u)

# section.key pairs the file documents, commented out or not.
documented=$(awk '
	/^\[[a-z]+\]/ { sec = substr($0, 2, index($0, "]") - 2); print sec "."; next }
	/^#?[A-Za-z0-9_.-]+ *=/ {
		k = $0; sub(/^#/, "", k); sub(/ *=.*/, "", k)
		print sec "." k
	}
' "$conf" | sort -u)

missing=$(printf '%s\n' "$wanted" | while read -r want; do
	printf '%s\n' "$documented" | grep -qxF "$want" || printf '%s\n' "$want"
done)
count=$(printf '%s\n' "$wanted" | wc -l)
if [ -n "$missing" ]; then
	printf '%s\n' "$missing" | sed "s|^|$conf: not documented: |"
	exit 1
fi
# A parser the script no longer understands would find nothing to check.
[ "$count" -ge 30 ] || { echo "only $count keys found in config.c: is this script out of date?"; exit 1; }
echo "$conf documents all $count sections and keys of config.c"
