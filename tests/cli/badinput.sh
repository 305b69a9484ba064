# badinput.sh: wrong passphrases, files that are not vaults, truncated
# vaults, missing files and unknown documents each give a clear message and
# the documented exit status, and leave the file byte for byte as it was.
. "$(dirname "$0")/lib.sh" "$@"

V=$T/v.amp
make_vault "$V"
printf 'Texto secreto número uno\n' >"$T/b1"
printf 'Texto secreto número dos\n' >"$T/b2"
add_doc "$V" "Uno" "$T/b1"
ID1=$DOC_ID
add_doc "$V" "Dos" "$T/b2"
# A document bigger than a page, so the vault has overflow pages to lose.
for i in $(seq 1 400); do echo "línea $i del protocolo largo"; done >"$T/b3"
add_doc "$V" "Largo" "$T/b3"
pass "$PW" ls "$V"
assert_status 0
cp "$T/out" "$T/ls.ok"

# expect_fail STATUS FILE WORD [PASSPHRASE]: `ls`, `show` and `add` on FILE
# each exit STATUS with WORD in the message, print nothing on stdout, and
# leave FILE as it was (and no journal beside it).
expect_fail()
{
	local want=$1 f=$2 word=$3 p=${4-$PW} label=$CASE
	local had_copy=0

	if [ -e "$f" ]; then
		cp "$f" "$T/before"
		had_copy=1
	fi
	for cmd in ls show add; do
		case_name "$label ($cmd)"
		case $cmd in
		ls) pass "$p" ls "$f" ;;
		show) pass "$p" show "$f" Uno --raw ;;
		add) pass "$p" add "$f" --title Nuevo <"$T/b1" ;;
		esac
		assert_status "$want"
		assert_reported
		assert_err "$word"
		[ ! -s "$T/out" ] || fail "printed something on stdout"
		if [ "$had_copy" = 1 ]; then
			assert_same "$f" "$T/before" "the file changed"
		else
			[ ! -e "$f" ] || fail "$cmd created $f"
		fi
		[ ! -e "$f-journal" ] || fail "$cmd left $f-journal behind"
	done
	case_name "$label"
}

note "wrong passphrases"
case_name "wrong passphrase"
expect_fail 3 "$V" "wrong passphrase" "correct horse battery stapler"
case_name "passphrase with a trailing space"
expect_fail 3 "$V" "wrong passphrase" "$PW "
case_name "empty passphrase"
expect_fail 3 "$V" "wrong passphrase" ""
case_name "passwd with a wrong old passphrase"
cp "$V" "$T/before"
pass "wrong one
new passphrase here" passwd "$V"
assert_status 3
assert_err "wrong passphrase"
assert_same "$V" "$T/before" "passwd with a wrong passphrase changed the vault"

note "files that are not vaults"
if command -v sqlite3 >/dev/null; then
	case_name "plain SQLite database"
	sqlite3 "$T/plain.db" "CREATE TABLE documents(title); INSERT INTO documents VALUES ('x');" ||
		fail "sqlite3 failed"
	expect_fail 4 "$T/plain.db" "SQLite"
	case_name "plain SQLite database bigger than the header area"
	sqlite3 "$T/big.db" "CREATE TABLE documents(body); INSERT INTO documents VALUES (zeroblob(300000));" ||
		fail "sqlite3 failed"
	expect_fail 4 "$T/big.db" "SQLite"
else
	echo "SKIP (this case): no sqlite3 command"
fi
case_name "random bytes"
head -c 65536 /dev/urandom >"$T/random"
expect_fail 4 "$T/random" "not an Amparo vault"
case_name "random bytes, one page long"
head -c 12288 /dev/urandom >"$T/random2"
expect_fail 4 "$T/random2" "not an Amparo vault"
case_name "empty file"
: >"$T/empty"
expect_fail 4 "$T/empty" "not an Amparo vault"
case_name "text file"
printf 'AMPARO but not really\n' >"$T/text"
expect_fail 4 "$T/text" "vault"
case_name "a directory"
mkdir "$T/dir.amp"
pass "$PW" ls "$T/dir.amp"
assert_status 4
assert_err "not a regular file"

note "truncated vaults"
vault_layout "$V"
size=$(file_size "$V")
[ "$size" -ge $((HDR_AREA + 4 * PAGE)) ] || fail "the test vault is too small ($size bytes)"
# Inside the first copy, at the copies' boundaries, in page 1, at page 2,
# and near the end.
for len in $(printf '%s\n' 100 4096 8192 $((HDR_SIZE - 1)) "$HDR_SIZE" \
	$((HDR_SIZE + 100)) "$HDR_AREA" $((HDR_AREA + 2048)) $((HDR_AREA + PAGE)) \
	$((size - PAGE)) $((size - 1)) | sort -nu); do
	case_name "vault truncated to $len bytes"
	head -c "$len" "$V" >"$T/trunc.amp"
	[ "$(file_size "$T/trunc.amp")" -eq "$len" ] || fail "head did not truncate"
	# Each message names the damage: "truncated", "damaged" or "tampered".
	expect_fail 4 "$T/trunc.amp" "amparo: "
	grep -qiE 'truncated|damaged|tampered' "$T/err" || fail "the message names no damage"
done
case_name "vault with junk appended"
cp "$V" "$T/long.amp"
printf 'junk' >>"$T/long.amp"
expect_fail 4 "$T/long.amp" "amparo: "
grep -qiE 'truncated|damaged|tampered' "$T/err" || fail "the message names no damage"

note "missing file"
case_name "missing file"
expect_fail 5 "$T/nonexistent.amp" "does not exist"
case_name "missing folder"
expect_fail 5 "$T/no/such/dir/v.amp" "does not exist"

note "unknown and ambiguous documents"
cp "$V" "$T/before"
case_name "unknown title"
pass "$PW" show "$V" "Tres" --raw
assert_status 5
assert_err "no document" "Tres"
[ ! -s "$T/out" ] || fail "printed something on stdout"
case_name "unknown id prefix"
other=$(printf '%s' "${ID1:0:1}" | tr 0-9a-f 123456789abcdef0)
pass "$PW" show "$V" "${other}fff" --raw
assert_status 5
assert_err "no document"
case_name "title differing only in case"
pass "$PW" show "$V" "uno" --raw
assert_status 5
assert_err "no document"
case_name "prefix shorter than 4 digits"
pass "$PW" show "$V" "${ID1:0:3}" --raw
assert_status 5
assert_err "no document"
assert_same "$V" "$T/before" "a failed lookup changed the vault"

case_name "two documents with the same title"
add_doc "$V" "Duplicado" "$T/b1"
add_doc "$V" "Duplicado" "$T/b2"
cp "$V" "$T/before"
pass "$PW" show "$V" "Duplicado" --raw
assert_status 5
assert_err "names 2 documents"
[ ! -s "$T/out" ] || fail "printed one of the two documents"
assert_same "$V" "$T/before" "an ambiguous lookup changed the vault"

case_name "a title that is also another document's id prefix"
add_doc "$V" "${ID1:0:4}" "$T/b2"
cp "$V" "$T/before"
pass "$PW" show "$V" "${ID1:0:4}" --raw
assert_status 5
grep -qE 'names [23] documents' "$T/err" || fail "the message does not say the name is ambiguous"
[ ! -s "$T/out" ] || fail "printed one of the documents"
case_name "... and the longer prefix resolves it"
pass "$PW" show "$V" "$ID1" --raw
assert_status 0
assert_out_file "$T/b1"
assert_same "$V" "$T/before" "a lookup changed the vault"

echo "ok"
