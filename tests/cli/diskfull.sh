# diskfull.sh: an `add` that fills the disk exits 6, says the disk is full,
# and leaves a vault that opens and holds exactly the documents it held
# before, in place and when copied out; once space is back, adding works.
#
# Needs a small file system: a tmpfs, so root (skipped otherwise).
. "$(dirname "$0")/lib.sh" "$@"

[ "$(id -u)" -eq 0 ] || skip "needs root to mount a small tmpfs"

V=$T/v.amp
make_vault "$V"
printf 'Primer documento: protección de fuentes.\n' >"$T/b1"
for i in $(seq 1 300); do echo "segundo documento, línea $i, señal ñ"; done >"$T/b2"
add_doc "$V" "Fuentes" "$T/b1"
add_doc "$V" "Largo" "$T/b2"
pass "$PW" ls "$V"
assert_status 0
cp "$T/out" "$T/ls.ok"

# Room for the vault and about 200 KiB more.
mkdir "$T/full"
mount -t tmpfs -o size=$(($(file_size "$V") / 1024 + 200))k amparo-test \
	"$T/full" 2>/dev/null || skip "mount -t tmpfs is not allowed here"
track_mount "$T/full"
# Bigger than the whole file system.
line='texto que no cabe en el disco, con acentos: información, ñandú'
for i in $(seq 1 6000); do echo "$i $line"; done >"$T/huge"
for i in $(seq 1 1500); do echo "$i $line"; done >"$T/medium"
printf 'cabe\n' >"$T/small"

# intact FILE: FILE opens and holds exactly the two documents.
intact()
{
	local f=$1 label=$CASE
	case_name "$label: ls"
	pass "$PW" ls "$f"
	assert_status 0
	assert_out_file "$T/ls.ok"
	case_name "$label: show Fuentes"
	pass "$PW" show "$f" Fuentes --raw
	assert_status 0
	assert_out_file "$T/b1"
	case_name "$label: show Largo"
	pass "$PW" show "$f" Largo --raw
	assert_status 0
	assert_out_file "$T/b2"
	case_name "$label"
}

avail() { df --output=avail -B1 "$T/full" | tail -1 | tr -d ' '; }

F=$T/full/v.amp
# Leave about FREE bytes free before the add: the disk then fills at
# different points (journal, new pages, page 1 at commit).
for free in all 0 4096 16384 65536; do
	rm -f "$T/full/filler" "$F" "$F-journal"
	cp "$V" "$F" || fail "cannot copy the vault to the tmpfs"
	if [ "$free" != all ]; then
		n=$(( $(avail) - free ))
		[ "$n" -le 0 ] || head -c "$n" /dev/zero >"$T/full/filler" 2>/dev/null
	fi
	size=$(file_size "$F")
	for body in huge medium; do
		note "add a $body body with $free bytes free"
		case_name "add $body with $free bytes free"
		pass "$PW" add "$F" --title "No cabe" <"$T/$body"
		if [ "$body" = medium ] && [ "$RC" -eq 0 ]; then
			# It fitted: nothing to check here.
			pass "$PW" ls "$F"
			assert_status 0
			grep -qF 'No cabe' "$T/out" || fail "the added document is missing"
			break
		fi
		assert_status 6
		assert_reported
		assert_err "full"
		[ ! -e "$F-journal" ] || fail "a journal was left beside the vault"
		[ "$(file_size "$F")" -eq "$size" ] ||
			fail "the vault grew from $size to $(file_size "$F") bytes"
		case_name "after a failed add ($body, $free bytes free), in place"
		intact "$F"
		case_name "after a failed add ($body, $free bytes free), copied out"
		rm -f "$T/copy.amp"
		cp "$F" "$T/copy.amp"
		intact "$T/copy.amp"
	done

	case_name "add after space is freed ($free)"
	rm -f "$T/full/filler"
	pass "$PW" add "$F" --title Cabe <"$T/small"
	assert_status 0
	pass "$PW" show "$F" Cabe --raw
	assert_status 0
	assert_out_file "$T/small"
	pass "$PW" show "$F" Largo --raw
	assert_status 0
	assert_out_file "$T/b2"
done

echo "ok"
