# badbundle.sh: bundles that must be refused, each with a clear message,
# a non-zero status and the receiving vault byte for byte unchanged:
# truncated, flipped bytes anywhere, sealed to another vault, not a bundle
# at all, absurd length fields, trailing data, an object by a removed
# member; and a replayed bundle, which changes nothing and says so.
# (Forged manifest and object signatures cannot be made from the command
# line: tests/unit/test_bundle.c covers them.)
. "$(dirname "$0")/lib.sh" "$@"

A=$T/a.amp

# refused BUNDLE WORD...: importing BUNDLE into A fails, says WORDs, and
# leaves A as it was. With SHOW=1 in the environment, each refusal's
# message is printed.
refused()
{
	local b=$1
	shift
	cp "$A" "$T/a.before"
	pass "$PW" import "$A" "$b"
	[ "$RC" -ne 0 ] || fail "the import succeeded"
	assert_reported
	[ "$#" -eq 0 ] || assert_err "$@"
	assert_err "Nothing was changed"
	assert_same "$A" "$T/a.before" "a refused bundle changed the vault"
	if [ -n "${SHOW:-}" ]; then echo "   $CASE: $(head -1 "$T/err")"; fi
}

# put32 FILE OFFSET VALUE: write a little-endian 32-bit number.
put32()
{
	local v=$3 oct
	printf -v oct '\\%03o\\%03o\\%03o\\%03o' $((v & 255)) $((v >> 8 & 255)) \
		$((v >> 16 & 255)) $((v >> 24 & 255))
	# shellcheck disable=SC2059
	printf "$oct" | dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}

note "a vault, a copy with changes, and the copy's bundle"
make_vault "$A"
for i in 1 2 3; do
	seq 1 40 | sed "s/^/Documento $i, línea /" >"$T/d$i"
	add_doc "$A" "Documento $i" "$T/d$i"
done
cp "$A" "$T/b.amp"
for i in 1 2 3; do
	sed 's/línea 7$/línea siete/' "$T/d$i" >"$T/e$i"
	pass "$PW" edit "$T/b.amp" "Documento $i" --message "Edición $i" <"$T/e$i"
	assert_status 0
done
printf 'Nuevo\n' >"$T/new"
add_doc "$T/b.amp" "Nuevo" "$T/new"
pass "$PW" export "$T/b.amp" "$T/good" --peer a
assert_status 0
SIZE=$(file_size "$T/good")
[ "$SIZE" -gt 200 ] || fail "the bundle is implausibly small ($SIZE bytes)"
NR=$(od -An -tu1 -j9 -N1 "$T/good" | tr -d ' ')
FIRST_LEN_AT=$((12 + NR * 80 + 24))

case_name "the good bundle applies to a copy of A"
cp "$A" "$T/probe.amp"
pass "$PW" import "$T/probe.amp" "$T/good"
assert_status 0
assert_out_has "Imported"
pass "$PW" show "$T/probe.amp" "Nuevo" --raw
assert_status 0
assert_out_file "$T/new"

note "a replayed bundle changes nothing"
case_name "replay"
cp "$T/probe.amp" "$T/probe.before"
pass "$PW" import "$T/probe.amp" "$T/good"
assert_status 0
assert_out_has "Nothing new"
assert_same "$T/probe.amp" "$T/probe.before" "a replayed bundle changed the vault"
case_name "replay through the sync folder"
mkdir "$T/folder"
cp "$T/good" "$T/folder/replayed.amparo-bundle"
pass "$PW" sync "$T/probe.amp" "$T/folder"
assert_status 0
assert_out_has "0 new"

note "truncated bundles"
for n in 4 11 50 $((SIZE / 2)) $((SIZE - 1)); do
	case_name "truncated to $n bytes"
	head -c "$n" "$T/good" >"$T/cut"
	if [ "$n" -lt 8 ]; then
		refused "$T/cut" "bundle"
	else
		refused "$T/cut" "truncated"
	fi
done

note "flipped bytes across the whole bundle"
offs=(0 $((SIZE - 1)))
for ((o = 31; o < SIZE - 1; o += 31)); do offs+=("$o"); done
for o in "${offs[@]}"; do
	case_name "byte $o of $SIZE flipped"
	cp "$T/good" "$T/flipped"
	flip "$T/flipped" "$o"
	refused "$T/flipped" "bundle"
done
echo "   ${#offs[@]} offsets"

note "absurd or malformed length fields"
for v in 4294967295 3 0 $((65536 + 17 + 1)); do
	case_name "first part's length set to $v"
	cp "$T/good" "$T/len"
	put32 "$T/len" "$FIRST_LEN_AT" "$v"
	refused "$T/len" "length"
done
case_name "first part's length one too large"
cp "$T/good" "$T/len"
put32 "$T/len" "$FIRST_LEN_AT" $(($(le32 "$T/good" "$FIRST_LEN_AT") + 1))
refused "$T/len" "bundle"
case_name "recipient count 0"
cp "$T/good" "$T/hdr"
printf '\000' | dd of="$T/hdr" bs=1 seek=9 conv=notrunc status=none
refused "$T/hdr" "malformed"
case_name "recipient count 255"
printf '\377' | dd of="$T/hdr" bs=1 seek=9 conv=notrunc status=none
refused "$T/hdr" "malformed"
case_name "a newer format version"
cp "$T/good" "$T/hdr"
printf '\002' | dd of="$T/hdr" bs=1 seek=8 conv=notrunc status=none
refused "$T/hdr" "newer"
case_name "data after the final part"
cp "$T/good" "$T/tail"
printf 'x' >>"$T/tail"
refused "$T/tail" "after its final part"
case_name "the bundle twice over"
cat "$T/good" "$T/good" >"$T/twice"
refused "$T/twice" "bundle"

note "a bundle sealed to another vault"
make_vault "$T/other.amp"
add_doc "$T/other.amp" "Ajeno" "$T/new"
pass "$PW" export "$T/other.amp" "$T/foreign" --all
assert_status 0
case_name "another vault's bundle"
refused "$T/foreign" "not addressed to this vault"
case_name "another vault's bundle in the sync folder is left alone"
mkdir "$T/f2"
cp "$T/foreign" "$T/f2/x.amparo-bundle"
cp "$A" "$T/a.before"
pass "$PW" sync "$A" "$T/f2"
assert_status 0
assert_out_has "for other vaults left alone"

note "files that are not bundles"
case_name "random bytes"
head -c 3000 /dev/urandom >"$T/random"
refused "$T/random" "not an Amparo bundle"
case_name "random bytes after the magic"
{ head -c 8 "$T/good"; head -c 3000 /dev/urandom; } >"$T/random2"
refused "$T/random2" "bundle"
case_name "an empty file"
: >"$T/empty"
refused "$T/empty" "not an Amparo bundle"
case_name "a vault file"
refused "$T/other.amp" "not an Amparo bundle"
case_name "a folder"
mkdir "$T/adir"
refused "$T/adir" "bundle"
case_name "a file that does not exist"
cp "$A" "$T/a.before"
pass "$PW" import "$A" "$T/nothing-here"
assert_status 5
assert_reported
assert_same "$A" "$T/a.before" "importing a missing file changed the vault"

note "an object by a removed member"
EP='eva editora frase larga'
case_name "add Eva"
pass "$PW"$'\n'"$EP" member "$A" add Eva --role editor
assert_status 0
cp "$A" "$T/old.amp" # a copy Eva keeps from before her removal
case_name "remove Eva"
pass "$PW" member "$A" remove Eva
assert_status 0
pass "$PW" address "$A"
assert_status 0
ADDR=$(cat "$T/out")
case_name "Eva edits her old copy after the removal"
pass "$EP" edit "$T/old.amp" "Documento 1" --message "Después de la baja" <"$T/e1"
assert_status 0
pass "$EP" export "$T/old.amp" "$T/removed" --to "$ADDR"
assert_status 0
case_name "A refuses the removed member's bundle"
refused "$T/removed" "removed"
case_name "A refuses it in the sync folder too"
mkdir "$T/f3"
cp "$T/removed" "$T/f3/eva.amparo-bundle"
cp "$A" "$T/a.before"
pass "$PW" sync "$A" "$T/f3"
assert_status 4
assert_err "refused"
assert_err "removed"
pass "$PW" log "$A" "Documento 1"
grep -qF "Después de la baja" "$T/out" && fail "the removed member's edit reached the log"

case_name "verify A after everything"
pass "$PW" verify "$A"
assert_status 0

echo "ok"
