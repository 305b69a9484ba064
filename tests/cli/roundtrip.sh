# roundtrip.sh: what goes in with `add` comes out of `show --raw` byte for
# byte; documents are found by id, id prefix and exact title; `ls` lists
# them all.
. "$(dirname "$0")/lib.sh" "$@"

V=$T/v.amp

# --- Bodies -------------------------------------------------------------
printf 'Política de protección de datos\n\nLa niña y el señor Muñoz leerán la versión “final” — ¿sí? ¡Sí!\nÁÉÍÓÚ áéíóú ü Ñ ñ ç €\n🔐🗝️ 👩🏽‍💻 🇪🇸\n' >"$T/accents"
: >"$T/empty"
printf 'Sin salto de línea al final: ñ' >"$T/nonl"
printf '\n\n  espacios y líneas en blanco  \n\t\n' >"$T/blank"
# About 1 MiB of text, cut on a line boundary so the UTF-8 stays whole.
line='Línea de protocolo: cifrar el teléfono, revisar contraseñas, 🔒 año ñ ü é.'
for i in $(seq 1 64); do printf '%05d %s\n' "$i" "$line"; done >"$T/block"
for i in $(seq 1 180); do cat "$T/block"; done >"$T/big"
[ "$(file_size "$T/big")" -ge 1000000 ] || fail "the big body is too small"

TITLES=("Protocolo de detención" "Niños y señales ñ" "Vacío" "Sin salto"
        "Líneas en blanco" "Grande 🔐")
BODIES=(accents accents empty nonl blank big)

note "init"
case_name "init"
make_vault "$V"
assert_out_has "Ana"
[ "$(stat -c %a "$V")" = 600 ] || fail "the vault is not mode 0600"

case_name "init over an existing file"
cp "$V" "$T/before"
pass "$PW" init "$V" --name Otra
assert_status 6
assert_err "exists"
assert_same "$V" "$T/before" "init overwrote an existing vault"

note "add"
IDS=()
for i in "${!TITLES[@]}"; do
	case_name "add ${TITLES[$i]}"
	add_doc "$V" "${TITLES[$i]}" "$T/${BODIES[$i]}"
	IDS+=("$DOC_ID")
done

note "ls"
case_name "ls"
pass "$PW" ls "$V"
assert_status 0
[ "$(wc -l <"$T/out")" -eq "${#TITLES[@]}" ] || fail "ls shows $(wc -l <"$T/out") rows, not ${#TITLES[@]}"
for i in "${!TITLES[@]}"; do
	grep -qF -- "${IDS[$i]}" "$T/out" || fail "ls does not list ${IDS[$i]}"
	grep -qF -- "${TITLES[$i]}" "$T/out" || fail "ls does not list ${TITLES[$i]}"
done

note "show --raw by full id, prefix and title"
for i in "${!TITLES[@]}"; do
	want=$T/${BODIES[$i]}
	case_name "show --raw by title '${TITLES[$i]}'"
	pass "$PW" show "$V" "${TITLES[$i]}" --raw
	assert_status 0
	assert_out_file "$want"

	case_name "show --raw by 12-digit prefix of '${TITLES[$i]}'"
	pass "$PW" show "$V" "${IDS[$i]}" --raw
	assert_status 0
	assert_out_file "$want"

	case_name "show (formatted) of '${TITLES[$i]}'"
	pass "$PW" show "$V" "${IDS[$i]}"
	assert_status 0
	full=$(sed -n 's/^Id: *\([0-9a-f]\{32\}\)$/\1/p' "$T/out")
	[ "${full:0:12}" = "${IDS[$i]}" ] || fail "show prints id '$full', not one starting ${IDS[$i]}"
	grep -qxF -- "Title: ${TITLES[$i]}" <(sed 's/^Title: */Title: /' "$T/out") ||
		fail "no 'Title: ${TITLES[$i]}' line"
	grep -qE '^Author: +Ana$' "$T/out" || fail "no 'Author: Ana' line"

	case_name "show --raw by full id $full"
	pass "$PW" show "$V" "$full" --raw
	assert_status 0
	assert_out_file "$want"

	case_name "show --raw by upper-case full id"
	pass "$PW" show "$V" "$(printf '%s' "$full" | tr a-f A-F)" --raw
	assert_status 0
	assert_out_file "$want"

	case_name "show --raw by 4-digit prefix ${full:0:4}"
	pass "$PW" show "$V" "${full:0:4}" --raw
	# Another document may share 4 digits (1 chance in ~11000).
	if [ "$RC" -eq 0 ]; then
		assert_out_file "$want"
	else
		assert_status 5
		assert_err "documents"
	fi
done

note "a body without a final newline gets one only in formatted output"
case_name "show formatted without final newline"
pass "$PW" show "$V" "Sin salto"
assert_status 0
[ "$(tail -c 1 "$T/out" | od -An -c | tr -d ' ')" = '\n' ] ||
	fail "formatted show does not end the text with a newline"

note "bodies that are not text are refused and change nothing"
cp "$V" "$T/before"
printf 'caf\351 latin-1\n' >"$T/latin1"
case_name "add Latin-1 text"
pass "$PW" add "$V" --title "Latin" <"$T/latin1"
assert_status 1
assert_err "UTF-8"
assert_same "$V" "$T/before" "a refused add changed the vault"
printf 'nul\000inside\n' >"$T/nul"
case_name "add text with a NUL byte"
pass "$PW" add "$V" --title "Nul" <"$T/nul"
assert_status 1
assert_err "UTF-8"
assert_same "$V" "$T/before" "a refused add changed the vault"

case_name "ls after refused adds"
pass "$PW" ls "$V"
assert_status 0
[ "$(wc -l <"$T/out")" -eq "${#TITLES[@]}" ] || fail "ls row count changed"

echo "ok"
