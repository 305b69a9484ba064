# journal.sh: a journal file next to the vault that this vault did not write
# (planted, or left by another vault of the same name) is never played back:
# the vault keeps its size and every document (vault-format.md §4.1).
. "$(dirname "$0")/lib.sh" "$@"

V=$T/v.amparo
make_vault "$V"
for i in 1 2 3 4 5 6; do
	head -c 20000 /dev/urandom | base64 >"$T/body$i"
	add_doc "$V" "Doc $i" "$T/body$i"
done
pass "$PW" ls "$V"
cp "$T/out" "$T/ls.before"
size=$(file_size "$V")

# A plaintext journal header: magic, 0 records, a checksum nonce, the
# original size 1 page (SQLite would truncate the vault to it), sector 512,
# page 4096; padded to one sector.
plant()
{
	{
		printf '\331\325\005\371\040\241\143\327'
		printf '\000\000\000\000\000\000\000\001\000\000\000\001'
		printf '\000\000\002\000\000\000\020\000'
		head -c 484 /dev/zero
	} >"$V-journal"
}

case_name "a planted journal header is ignored by a writer"
plant
pass "$PW" add "$V" --title "After the plant" <"$T/body1"
assert_status 0
[ "$(file_size "$V")" -ge "$size" ] || fail "the vault was truncated"
pass "$PW" ls "$V"
assert_status 0
grep -q "After the plant" "$T/out" || fail "the new document is missing"
for i in 1 2 3 4 5 6; do
	pass "$PW" show "$V" "Doc $i" --raw
	assert_status 0
	assert_out_file "$T/body$i"
done
pass "$PW" verify "$V"
assert_status 0

case_name "a planted journal with a forged record count is ignored too"
size=$(file_size "$V")
plant
printf '\000\000\000\005' | dd of="$V-journal" bs=1 seek=8 conv=notrunc 2>/dev/null
pass "$PW" add "$V" --title "Second plant" <"$T/body2"
assert_status 0
[ "$(file_size "$V")" -ge "$size" ] || fail "the vault was truncated"
pass "$PW" verify "$V"
assert_status 0

echo "PASS: journal"
