# Sourced by the checks of the kiosk scenarios that register a person:
# compares the person the kiosk wrote with the one `vaxbusctl person add`
# writes for the same person into a fresh database of the same bus
# ($ref). Compared: what `vaxbusctl person find` prints of them (name,
# document masked, sex, birth, proxy and relationship), the record's
# plain columns (document type, country, encoded birth and sex, source,
# proxy, bus, site), the sizes of its personal columns (the number, name,
# ethnic group, address and phone, which the store may keep sealed), the
# audit detail and the outbox rows. The proxy's record id, which differs
# between the two, is compared as PROXY.
#   ref_add ARGS...                      `person add ARGS` into $ref; prints the id
#   same_person TYPE NUMBER [PTYPE PNUMBER]
#                                        fails unless both databases hold that
#                                        person alike (registered by the proxy
#                                        with document PTYPE PNUMBER)
ref="$dir/ref.db"
"$ctl" --db "$ref" --json init --bus BUS-07 --site XIANG-01 >/dev/null
ref_add() { "$ctl" --db "$ref" --json person add "$@" | jq -r .person.id; }
# person_view DB TYPE NUMBER PROXY_ID: the person as compared.
person_view() {
	local id
	"$ctl" --db "$1" --json person find --id-type "$2" --id "$3" >"$dir/found.json" || return 1
	id=$(jq -r .person.id "$dir/found.json")
	jq -cS --arg proxy "$4" '.person | del(.id) |
		if .registered_by then .registered_by.person |= (if . == $proxy then "PROXY" else . end)
		else . end' "$dir/found.json"
	sqlite3 -separator ' | ' "$1" "SELECT p.doc_type, p.doc_country, p.doc_birth, p.doc_sex,
		p.sex, p.birth, p.source, replace(coalesce(p.registered_by, ''), '$4', 'PROXY'),
		p.relationship, p.bus_id, p.site_id, length(p.doc_number), length(p.name),
		length(p.nation), length(p.address), length(p.phone), replace(a.detail, '$4', 'PROXY'),
		(SELECT group_concat(kind || ' ' || state) FROM outbox WHERE record_id = p.id)
		FROM person p JOIN audit a ON a.record_id = p.id AND a.action = 'person.add'
		WHERE p.id = '$id'"
}
# proxy_id DB PTYPE PNUMBER: the proxy's record id, or "-" without one.
proxy_id() {
	if [ -n "$2" ]; then
		"$ctl" --db "$1" --json person find --id-type "$2" --id "$3" | jq -r .person.id
	else
		echo -
	fi
}
same_person() {
	local kiosk_view ref_view
	kiosk_view=$(person_view "$db" "$1" "$2" "$(proxy_id "$db" "${3:-}" "${4:-}")") ||
		{ echo "$name: the kiosk did not register $1 $2"; exit 1; }
	ref_view=$(person_view "$ref" "$1" "$2" "$(proxy_id "$ref" "${3:-}" "${4:-}")") ||
		{ echo "$name: vaxbusctl did not register $1 $2"; exit 1; }
	[ "$kiosk_view" = "$ref_view" ] || {
		printf '%s: the kiosk and vaxbusctl differ on %s %s\n  kiosk:\n%s\n  vaxbusctl:\n%s\n' \
			"$name" "$1" "$2" "$kiosk_view" "$ref_view"
		exit 1
	}
}
