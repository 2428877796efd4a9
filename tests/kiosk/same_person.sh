# Sourced by the checks of the kiosk scenarios that register a person:
# compares the person the kiosk wrote with the one `vaxbusctl person add`
# writes for the same person into a fresh database of the same bus
# ($ref), field by field: all but the record's ids and times, the proxy
# by its document, the audit detail with the proxy's id so replaced, and
# the person's outbox rows.
#   ref_add ARGS...          `person add ARGS` into $ref; prints the id
#   same_person DOC_NUMBER   fails unless both databases hold that person alike
ref="$dir/ref.db"
"$ctl" --db "$ref" --json init --bus BUS-07 --site XIANG-01 >/dev/null
ref_add() { "$ctl" --db "$ref" --json person add "$@" | jq -r .person.id; }
person_row() {
	sqlite3 -separator ' | ' "$1" "SELECT p.doc_type, p.doc_number, p.doc_country, p.doc_key,
		p.doc_birth, p.doc_sex, p.name, p.sex, p.birth, p.nation, p.address, p.phone, p.source,
		p.relationship, coalesce(b.doc_key, ''), p.bus_id, p.site_id,
		replace(a.detail, coalesce(p.registered_by, '-'), coalesce(b.doc_key, '-')),
		(SELECT group_concat(kind || ' ' || state) FROM outbox WHERE record_id = p.id)
		FROM person p LEFT JOIN person b ON b.id = p.registered_by
		JOIN audit a ON a.record_id = p.id AND a.action = 'person.add'
		WHERE p.doc_number = '$2'"
}
same_person() {
	local kiosk_row ref_row
	kiosk_row=$(person_row "$db" "$1")
	ref_row=$(person_row "$ref" "$1")
	[ -n "$kiosk_row" ] || { echo "$name: the kiosk did not register $1"; exit 1; }
	[ "$kiosk_row" = "$ref_row" ] || {
		printf '%s: the kiosk and vaxbusctl differ on %s\n  kiosk:     %s\n  vaxbusctl: %s\n' \
			"$name" "$1" "$kiosk_row" "$ref_row"
		exit 1
	}
}
