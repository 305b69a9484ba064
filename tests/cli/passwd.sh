# passwd.sh: changing the passphrase keeps every document, rewrites both
# header copies alike, makes the new passphrase work and the old one fail
# with status 3; a refused new passphrase changes nothing.
. "$(dirname "$0")/lib.sh" "$@"

V=$T/v.amp
NEW='otra frase de paso, más larga: ñandú 🐦'
make_vault "$V"
printf 'Plan de seguridad digital: contraseñas únicas.\n' >"$T/b1"
for i in $(seq 1 200); do echo "$i protocolo de crisis — llamar, anotar, resguardar"; done >"$T/b2"
add_doc "$V" "Seguridad digital" "$T/b1"
add_doc "$V" "Crisis" "$T/b2"
pass "$PW" ls "$V"
assert_status 0
cp "$T/out" "$T/ls.ok"
vault_layout "$V"

# same_docs PASSPHRASE: the vault opens with it and holds both documents.
same_docs()
{
	local label=$CASE
	case_name "$label: ls"
	pass "$1" ls "$V"
	assert_status 0
	assert_out_file "$T/ls.ok"
	case_name "$label: show 1"
	pass "$1" show "$V" "Seguridad digital" --raw
	assert_status 0
	assert_out_file "$T/b1"
	case_name "$label: show 2"
	pass "$1" show "$V" "Crisis" --raw
	assert_status 0
	assert_out_file "$T/b2"
	case_name "$label"
}

# refused PASSPHRASE: it opens nothing, with status 3.
refused()
{
	local label=$CASE
	case_name "$label: ls"
	pass "$1" ls "$V"
	assert_status 3
	assert_err "wrong passphrase"
	[ ! -s "$T/out" ] || fail "printed something with a wrong passphrase"
	case_name "$label: show"
	pass "$1" show "$V" "Crisis" --raw
	assert_status 3
	[ ! -s "$T/out" ] || fail "printed something with a wrong passphrase"
	case_name "$label"
}

# unchanged_refusal STDIN_LINES STATUS WORD: passwd fed these lines fails
# with STATUS, says WORD, and leaves the vault as it was.
unchanged_refusal()
{
	cp "$V" "$T/before"
	pass "$1" passwd "$V"
	assert_status "$2"
	assert_err "$3"
	assert_same "$V" "$T/before" "a refused passwd changed the vault"
	same_docs "$PW"
	refused "${4:-}"
}

note "refused new passphrases"
case_name "too short a new passphrase"
unchanged_refusal "$PW
short" 1 "at least 8" short
case_name "seven characters"
unchanged_refusal "$PW
1234567" 1 "at least 8" 1234567
case_name "empty new passphrase"
unchanged_refusal "$PW
" 1 "at least" ""
case_name "no new passphrase at all"
cp "$V" "$T/before"
RC=0
"$AMPARO" passwd "$V" --passphrase-fd 3 3< <(printf '%s\n' "$PW") >"$T/out" 2>"$T/err" || RC=$?
[ "$RC" -lt 128 ] || fail "amparo died"
assert_status 1
assert_err "no passphrase"
assert_same "$V" "$T/before" "passwd without a new passphrase changed the vault"
case_name "wrong old passphrase"
unchanged_refusal "not the passphrase
$NEW" 3 "wrong passphrase" "$NEW"

note "passwd"
cp "$V" "$T/before"
case_name "passwd"
pass "$PW
$NEW" passwd "$V"
assert_status 0
assert_out_has "Ana"
case_name "the header changed"
cmp -s -n "$HDR_AREA" "$V" "$T/before" && fail "passwd did not change the header"
# The pages may change too: passwd records when the slot changed (for
# sync between copies, commit fe30b8a), so only the documents are compared.
case_name "both header copies are the same"
cmp -s -n "$HDR_SIZE" -i "0:$HDR_SIZE" "$V" "$V" || fail "the two header copies differ after passwd"

case_name "after passwd, the new passphrase"
same_docs "$NEW"
case_name "after passwd, the old passphrase"
refused "$PW"
case_name "after passwd, add with the old passphrase"
cp "$V" "$T/before"
pass "$PW" add "$V" --title X <"$T/b1"
assert_status 3
assert_same "$V" "$T/before" "add with the old passphrase changed the vault"

note "passwd back"
case_name "passwd back"
pass "$NEW
$PW" passwd "$V"
assert_status 0
case_name "after passwd back, the first passphrase"
same_docs "$PW"
case_name "after passwd back, the second passphrase"
refused "$NEW"
case_name "a passphrase line ending in CRLF"
RC=0
"$AMPARO" ls "$V" --passphrase-fd 3 3< <(printf '%s\r\n' "$PW") >"$T/out" 2>"$T/err" || RC=$?
assert_status 0
assert_out_file "$T/ls.ok"

echo "ok"
