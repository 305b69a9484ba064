# byteflip.sh: flip one byte of a vault, anywhere, and read it.
#
# Every `ls` and `show --raw` on the damaged copy must either print exactly
# what the intact vault prints, or fail with status 3 or 4 and a message
# that names the problem, having printed nothing but a prefix of the right
# output. Never other data, never a crash, and these read-only commands
# never change the file.
#
# A flip in one header copy must be survived (the other copy is used); the
# same flip in both copies, or in page 1, must be refused. With python3 the
# header checksum is also recomputed after a flip, so that only the keyed
# MAC and the key slots stand between the forgery and the data.
#
# The header geometry is read from the intact vault (vault_layout in
# lib.sh), so the offsets follow the format as it grows.
#
# Usage: byteflip.sh AMPARO [header|pages|all]
. "$(dirname "$0")/lib.sh" "$@"
PART=${2:-all}

V=$T/v.amp
make_vault "$V"
printf 'Nota breve.\n' >"$T/b1"
printf 'Protocolo de detención: llamar al abogado, avisar a la red. ¿Quién? Ñ 🚨\n' >"$T/b2"
for i in $(seq 1 250); do echo "$i. Revisar el teléfono, borrar lo sensible, cifrar la copia."; done >"$T/b3"
TITLES=("Breve" "Detención" "Largo")
BODIES=(b1 b2 b3)
for i in 0 1 2; do
	add_doc "$V" "${TITLES[$i]}" "$T/${BODIES[$i]}"
done
pass "$PW" ls "$V"
assert_status 0
cp "$T/out" "$T/exp.ls"
for i in 0 1 2; do
	pass "$PW" show "$V" "${TITLES[$i]}" --raw
	assert_status 0
	assert_out_file "$T/${BODIES[$i]}"
	cp "$T/out" "$T/exp.$i"
done
vault_layout "$V"
SIZE=$(file_size "$V")
PAGES=$(( (SIZE - HDR_AREA) / PAGE ))
[ "$PAGES" -ge 5 ] || fail "only $PAGES pages: the test vault is too small"
echo "vault: $SIZE bytes: 2 header copies of $HDR_SIZE, $PAGES pages"

W=$T/w.amp
# The intact vault's bytes, read once, so each flip costs no od.
read -r -d '' -a BYTES < <(od -An -tu1 -v "$V")
[ "${#BYTES[@]}" -eq "$SIZE" ] || fail "od read ${#BYTES[@]} of $SIZE bytes"
SURVIVED=0
REFUSED=0
RCS=()
NAMES=(ls "show ${TITLES[0]}" "show ${TITLES[1]}" "show ${TITLES[2]}")
EXPECT=("$T/exp.ls" "$T/exp.0" "$T/exp.1" "$T/exp.2")
read -r -d '' -a EXPSUM < <(md5sum "${EXPECT[@]}" | cut -d' ' -f1)

# fail_cmd K MESSAGE: fail, showing command K's output.
fail_cmd()
{
	cp "$T/o.$1" "$T/out"
	cp "$T/e.$1" "$T/err"
	RC=${RCS[$1]}
	fail "${NAMES[$1]}: $2"
}

# judge MODE LABEL: run ls and show --raw of each document on $W, and
# judge each: exactly the intact output, or status 3 or 4 with a message
# that names the problem and nothing on stdout but a prefix of the right
# output. MODE: survive (all must succeed), refuse (all must fail), either.
# Each command reads its own copy of $W, so the four run at once without
# sharing a lock; one md5sum then checks outputs and copies together.
judge()
{
	local mode=$1 k n oks=0 pids=() sums=()
	case_name "$2"
	tee "$W.0" "$W.1" "$W.2" "$W.3" <"$W" >/dev/null
	"$AMPARO" ls "$W.0" --passphrase-fd 3 3<<<"$PW" >"$T/o.0" 2>"$T/e.0" &
	pids+=($!)
	for k in 1 2 3; do
		"$AMPARO" show "$W.$k" "${TITLES[k - 1]}" --raw --passphrase-fd 3 \
			3<<<"$PW" >"$T/o.$k" 2>"$T/e.$k" &
		pids+=($!)
	done
	for k in 0 1 2 3; do
		RCS[k]=0
		wait "${pids[k]}" || RCS[k]=$?
	done
	read -r -d '' -a sums < <(md5sum "$T/o.0" "$T/o.1" "$T/o.2" "$T/o.3" \
		"$W" "$W.0" "$W.1" "$W.2" "$W.3" | cut -d' ' -f1)
	for k in 0 1 2 3; do
		[ "${RCS[k]}" -lt 128 ] || fail_cmd "$k" "died (status ${RCS[k]})"
		[ "${sums[k + 5]}" = "${sums[4]}" ] ||
			fail_cmd "$k" "a read-only command changed the file"
		[ ! -e "$W.$k-journal" ] || fail_cmd "$k" "a journal appeared"
		if [ "${RCS[k]}" -eq 0 ]; then
			[ "${sums[k]}" = "${EXPSUM[k]}" ] ||
				fail_cmd "$k" "wrong output: $(cmp "$T/o.$k" "${EXPECT[k]}" 2>&1 | head -1)"
			oks=$((oks + 1))
			continue
		fi
		[ "${RCS[k]}" -eq 3 ] || [ "${RCS[k]}" -eq 4 ] ||
			fail_cmd "$k" "exited ${RCS[k]} (want 0 with the right output, or 3 or 4)"
		grep -qiE '^amparo.*(damaged|tampered|truncated|not an amparo vault|wrong passphrase|newer amparo)' "$T/e.$k" ||
			fail_cmd "$k" "the message does not say what is wrong"
		if [ -s "$T/o.$k" ]; then
			n=$(file_size "$T/o.$k")
			cmp -s -n "$n" "$T/o.$k" "${EXPECT[k]}" ||
				fail_cmd "$k" "printed wrong data before failing"
		fi
	done
	case $mode in
	survive) [ "$oks" -eq 4 ] || fail "must be survived, but $((4 - oks)) of 4 commands failed" ;;
	refuse) [ "$oks" -eq 0 ] || fail "must be refused, but $oks of 4 commands succeeded" ;;
	esac
	if [ "$oks" -eq 4 ]; then
		SURVIVED=$((SURVIVED + 1))
		# Expected for header copies; for a page, it means no command
		# read it (say which, for whoever reads the log).
		[ "$mode" = survive ] || echo "   read correctly: $2"
	else
		REFUSED=$((REFUSED + 1))
	fi
}

# flip_at MODE OFFSET...: flip the bytes at OFFSETs in a fresh copy, judge.
flip_at()
{
	local mode=$1 o oct
	shift
	cp "$V" "$W"
	for o in "$@"; do
		# No od: BYTES holds the intact vault.
		printf -v oct '\\%03o' $((BYTES[o] ^ 255))
		# shellcheck disable=SC2059
		printf "$oct" | dd of="$W" bs=1 seek="$o" conv=notrunc status=none
	done
	judge "$mode" "flip at $*"
}

# Offsets within one header copy (docs/vault-format.md §2, vault_int.h):
# magic 0-7, version 8, page size 12, reserve 16, header size 20,
# generation 24, vault id 32, slot count 48, slot size 52; slots from 64
# (state +0, opslimit +8, memlimit +16, salt +24, nonce +40, wrapped key
# +64, tag +96, slot id +112, and after +128 what later formats add);
# then zeros up to the MAC and the checksum.
fields()
{
	local s1=$((64 + SLOT_SIZE)) end=$((64 + NSLOTS * SLOT_SIZE))
	echo 0 3 7 8 12 16 20 24 32 48 52 64 72 88 104 128 160 176 \
		$((64 + SLOT_SIZE - 1)) "$s1" $((s1 + 64)) \
		$((64 + (NSLOTS - 1) * SLOT_SIZE)) "$end" $(((end + MAC_OFF) / 2)) \
		"$MAC_OFF" $((MAC_OFF + 31)) "$SUM_OFF" $((SUM_OFF + 31))
}

header_flips()
{
	local o f
	note "one byte of one header copy: must be survived"
	# Every 97th byte of the first 8 KiB, every 997th of the rest of the
	# header area, and each field in both copies.
	for o in $(seq 0 97 8191) $(seq 8192 997 $((HDR_AREA - 1))) \
		$(for f in $(fields); do echo "$f" $((f + HDR_SIZE)); done); do
		flip_at survive "$o"
	done
	note "the same byte in both header copies: must be refused"
	for o in 0 7 8 12 24 32 48 52 64 88 128 176 $((64 + SLOT_SIZE)) \
		$((MAC_OFF - 100)) "$MAC_OFF" "$SUM_OFF" $((HDR_SIZE - 1)); do
		flip_at refuse "$o" $((o + HDR_SIZE))
	done
}

# A write through a vault with one damaged header copy rewrites both
# copies from the good one.
repair_checks()
{
	local o
	note "a write repairs a damaged header copy"
	printf 'Nuevo.\n' >"$T/new"
	for o in 0 100 "$MAC_OFF" $((HDR_SIZE - 1)) "$HDR_SIZE" \
		$((HDR_SIZE + 200)) $((HDR_AREA - 1)); do
		case_name "add after a flip at $o"
		cp "$V" "$W"
		flip "$W" "$o"
		pass "$PW" add "$W" --title Nuevo <"$T/new"
		assert_status 0
		cmp -s -n "$HDR_SIZE" -i "0:$HDR_SIZE" "$W" "$W" ||
			fail "the header copies still differ after a write"
		pass "$PW" show "$W" Nuevo --raw
		assert_status 0
		assert_out_file "$T/new"
		pass "$PW" show "$W" Largo --raw
		assert_status 0
		assert_out_file "$T/b3"
	done
}

# forge MODE COPIES OFFSET: flip OFFSET in the given copies (0, 1 or "0 1")
# and recompute each changed copy's plain checksum, as a forger would.
forge()
{
	local mode=$1 copies=$2 o=$3 c
	cp "$V" "$W"
	for c in $copies; do
		flip "$W" $((o + c * HDR_SIZE))
		python3 - "$W" $((c * HDR_SIZE)) "$SUM_OFF" <<'PY' || fail "python3 failed"
import hashlib, sys
path, base, sum_off = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
with open(path, "r+b") as f:
    f.seek(base)
    copy = f.read(sum_off)
    f.seek(base + sum_off)
    f.write(hashlib.blake2b(copy, digest_size=32).digest())
PY
	done
	judge "$mode" "forged header (copies $copies, offset $o, checksum fixed)"
}

forged_flips()
{
	local o
	if ! command -v python3 >/dev/null; then
		echo "note: forged-header cases skipped: no python3"
		return
	fi
	# Sanity: recomputing the checksum of an untouched copy changes nothing.
	cp "$V" "$W"
	python3 -c '
import hashlib, sys
n = int(sys.argv[2])
d = open(sys.argv[1], "rb").read(n + 32)
sys.exit(0 if hashlib.blake2b(d[:n], digest_size=32).digest() == d[n:] else 1)' "$W" "$SUM_OFF" ||
		fail "the header checksum is not BLAKE2b-256 over bytes 0-$((SUM_OFF - 1))"
	# Slot KDF parameters (+8, +16) are left alone: a forged cost only
	# makes the test slow (ac_kdf_params_ok bounds it).
	note "forged header fields in copy 0, then copy 1, then both"
	for o in 8 12 16 24 31 32 64 128 160 176 $((64 + SLOT_SIZE)) \
		$((MAC_OFF - 100)) "$MAC_OFF"; do
		forge either 0 "$o"
		forge either 1 "$o"
		forge refuse "0 1" "$o"
	done
}

page_flips()
{
	local p base d
	note "page 1, read at every open: every flip must be refused"
	for d in 0 20 100 2047 4055 4056 4079 4080 4095; do
		flip_at refuse $((HDR_AREA + d))
	done
	note "one byte in the ciphertext, the nonce and the tag of every page"
	for p in $(seq 1 $((PAGES - 1))); do
		base=$((HDR_AREA + p * PAGE))
		flip_at either $((base + (p * 523) % 4056))
		flip_at either $((base + 4056 + (p * 7) % 24))
		flip_at either $((base + 4080 + (p * 5) % 16))
	done
	note "a whole page of zeros; pages swapped"
	cp "$V" "$W"
	dd if=/dev/zero of="$W" bs="$PAGE" seek=$((HDR_AREA / PAGE + 1)) count=1 \
		conv=notrunc status=none
	judge either "page 2 zeroed"
	swap_pages refuse 1 2
	swap_pages either 2 3
	swap_pages either 3 "$PAGES"
}

# swap_pages MODE P Q: exchange pages P and Q (1-based) of a fresh copy.
swap_pages()
{
	local p=$((HDR_AREA / PAGE - 1 + $2)) q=$((HDR_AREA / PAGE - 1 + $3))
	cp "$V" "$W"
	dd if="$V" of="$W" bs="$PAGE" skip="$p" seek="$q" count=1 conv=notrunc status=none
	dd if="$V" of="$W" bs="$PAGE" skip="$q" seek="$p" count=1 conv=notrunc status=none
	cmp -s "$V" "$W" && fail "swapping pages $2 and $3 changed nothing"
	judge "$1" "pages $2 and $3 swapped"
}

case $PART in
header) header_flips; repair_checks; forged_flips ;;
pages) page_flips ;;
all) header_flips; repair_checks; forged_flips; page_flips ;;
*) fail "unknown part '$PART'" ;;
esac
echo "ok: $SURVIVED damaged copies read correctly, $REFUSED refused"
