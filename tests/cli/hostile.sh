# hostile.sh: what someone who can write to a sync folder puts there must
# not stop `amparo sync` of the others. A FIFO named like a bundle used to
# block the open for ever (no writer ever comes); a folder named like one
# is refused too. A real bundle beside them is still applied.
. "$(dirname "$0")/lib.sh" "$@"

command -v timeout >/dev/null || skip "no timeout(1)"

make_vault "$T/a.amparo"
cp "$T/a.amparo" "$T/b.amparo"
printf 'Lock screens.\n' >"$T/body"
add_doc "$T/a.amparo" "Devices" "$T/body"

mkdir "$T/folder"
pass "$PW" sync "$T/a.amparo" "$T/folder"
assert_status 0
mkfifo "$T/folder/fifo.amparo-bundle" || skip "cannot make a FIFO here"
mkdir "$T/folder/dir.amparo-bundle"

case_name "sync with a FIFO and a folder named like bundles"
RC=0
timeout 20 "$AMPARO" sync "$T/b.amparo" "$T/folder" --passphrase-fd 3 \
	3<<<"$PW" >"$T/out" 2>"$T/err" </dev/null || RC=$?
[ "$RC" -ne 124 ] || fail "amparo sync hung on a FIFO in the folder"
[ "$RC" -lt 128 ] || fail "amparo sync died (status $RC)"
assert_status 4
assert_err "fifo.amparo-bundle" "dir.amparo-bundle"

case_name "the real bundle was applied"
pass "$PW" ls "$T/b.amparo"
assert_status 0
assert_out_has "Devices"

case_name "import of a FIFO"
RC=0
timeout 20 "$AMPARO" import "$T/b.amparo" "$T/folder/fifo.amparo-bundle" \
	--passphrase-fd 3 3<<<"$PW" >"$T/out" 2>"$T/err" </dev/null || RC=$?
[ "$RC" -ne 124 ] || fail "amparo import hung on a FIFO"
assert_reported
assert_err "not a bundle file"
echo "PASS"
