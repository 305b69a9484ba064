# opaque.sh: a vault at rest shows nothing: sqlite3 finds no database in
# it, and none of its titles, texts, categories, member names or schema
# names appear in its bytes; the pages do not compress (no plaintext, no
# zero-filled free space); no other file is left beside it.
. "$(dirname "$0")/lib.sh" "$@"

D=$T/d
mkdir "$D"
V=$D/v.amp
pass "$PW" init "$V" --name "Anabel Quintero"
assert_status 0

SECRETS=(
	"Zanahoria Confidencial"      # titles
	"Detención arbitraria"
	"XylofonoTextoUnico"          # words of the bodies
	"periodistaenpeligro"
	"contraseña maestra"
	"categoriaoculta"             # a category
	"Anabel Quintero"             # the member
)
printf 'El XylofonoTextoUnico aparece aquí.\n' >"$T/b1"
for i in $(seq 1 300); do echo "periodistaenpeligro $i: la contraseña maestra se guarda aparte"; done >"$T/b2"
pass "$PW" add "$V" --title "Zanahoria Confidencial" --category categoriaoculta <"$T/b1"
assert_status 0
pass "$PW" add "$V" --title "Detención arbitraria" <"$T/b2"
assert_status 0
pass "$PW" ls "$V"
assert_status 0
assert_out_has "Zanahoria Confidencial"
assert_out_has "categoriaoculta"

vault_layout "$V"

case_name "files beside the vault"
[ "$(ls -A "$D")" = v.amp ] || fail "files left beside the vault: $(ls -A "$D" | tr '\n' ' ')"

if command -v sqlite3 >/dev/null; then
	for q in .tables "PRAGMA integrity_check" "SELECT count(*) FROM sqlite_schema"; do
		case_name "sqlite3 $q"
		RC=0
		sqlite3 "$V" "$q" >"$T/out" 2>"$T/err" || RC=$?
		[ "$RC" -ne 0 ] || fail "sqlite3 read the vault as a database"
		assert_err "not a database"
		[ ! -s "$T/out" ] || fail "sqlite3 printed: $(head -c 200 "$T/out")"
	done
	case_name "sqlite3 on the pages alone"
	tail -c +$((HDR_AREA + 1)) "$V" >"$T/pages.db"
	RC=0
	sqlite3 "$T/pages.db" .tables >"$T/out" 2>"$T/err" || RC=$?
	[ "$RC" -ne 0 ] || fail "sqlite3 read the pages as a database"
else
	echo "note: sqlite3 cases skipped: no sqlite3 command"
fi

case_name "strings"
command -v strings >/dev/null || fail "no strings command (binutils)"
strings -n 4 "$V" >"$T/strings"
for s in "${SECRETS[@]}" "SQLite format" "CREATE TABLE" "documents" \
	"members"; do
	grep -qiF -- "$s" "$T/strings" && fail "strings finds '$s' in the vault"
	# The raw bytes too: strings can miss UTF-8 text.
	grep -qaiF -- "$s" "$V" && fail "the vault holds '$s' in clear"
done
# A fragment is as bad: look for every 8-byte piece of the secrets.
for s in "${SECRETS[@]}"; do
	for ((i = 0; i + 8 <= ${#s}; i += 4)); do
		grep -qaF -- "${s:i:8}" "$V" && fail "the vault holds '${s:i:8}' in clear"
	done
done

case_name "the pages look random"
pages=$(($(file_size "$V") - HDR_AREA))
tail -c +$((HDR_AREA + 1)) "$V" | gzip -9 >"$T/pages.gz"
packed=$(file_size "$T/pages.gz")
# Ciphertext does not compress; plaintext or zeroed free space would.
[ $((packed * 100)) -ge $((pages * 99)) ] ||
	fail "the pages compress from $pages to $packed bytes"

echo "ok"
