# lib.sh: shared helpers for the end-to-end tests of the amparo binary.
#
# Each test script is run by CTest as `bash SCRIPT PATH_TO_AMPARO` and
# starts with:  . "$(dirname "$0")/lib.sh" "$@"
#
# What it gives a script:
#   AMPARO      the binary under test
#   T           a private temporary directory, removed at exit (mounts
#               made with track_mount are unmounted, immutable flags set
#               with track_immutable are cleared first)
#   PW          a valid passphrase for the vaults made with make_vault
#   pass P ARGS...  run `amparo ARGS... --passphrase-fd 3` with the
#               passphrase(s) P (one per line) on descriptor 3; standard
#               input is inherited. Sets RC, and leaves standard output in
#               $T/out and standard error in $T/err.
#   run ARGS... run `amparo ARGS...` with no descriptor 3; same results.
#   RUN_AS      a command prefix for pass and run (to drop privileges).
#   assert_*    print what failed (with the command's stderr) and exit 1.
#   skip MSG    print why and exit 77 (SKIP_RETURN_CODE in CMakeLists.txt).
#
# No test sleeps: every wait is on a process that has exited.

set -u

AMPARO=${1:?usage: bash $0 PATH_TO_AMPARO}
case $AMPARO in
/*) ;;
*) AMPARO=$PWD/$AMPARO ;;
esac
if [ ! -x "$AMPARO" ]; then
	echo "FAIL: $AMPARO is not an executable" >&2
	exit 1
fi
export AMPARO_KDF=test
export LC_ALL=C # byte-wise grep and sort; amparo itself reads no locale

T=$(mktemp -d "${TMPDIR:-/tmp}/amparo-cli.XXXXXX") || exit 1
MOUNTS=()
IMMUTABLE=()

cleanup()
{
	local m f
	for f in ${IMMUTABLE[@]+"${IMMUTABLE[@]}"}; do
		chattr -i "$f" 2>/dev/null
	done
	for m in ${MOUNTS[@]+"${MOUNTS[@]}"}; do
		umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null
	done
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

track_mount() { MOUNTS+=("$1"); }
track_immutable() { IMMUTABLE+=("$1"); }

# A command prefix for pass and run, e.g. (setpriv --reuid=65534 ...).
RUN_AS=()
PW='correct horse battery staple'
RC=0
CASE=''

# case_name TEXT: name the check in progress, for failure messages.
case_name() { CASE=$1; }

show_output()
{
	[ -e "$T/err" ] || return 0
	echo "--- last command: status $RC; stderr:" >&2
	head -c 2000 "$T/err" >&2
	echo "--- stdout (first 320 bytes):" >&2
	head -c 320 "$T/out" | od -c | head -20 >&2
}

fail()
{
	echo "FAIL: ${CASE:+$CASE: }$*" >&2
	show_output
	exit 1
}

skip()
{
	echo "SKIP: $*"
	exit 77
}

note() { echo "== $*"; }

pass()
{
	local p=$1
	shift
	RC=0
	${RUN_AS[@]+"${RUN_AS[@]}"} "$AMPARO" "$@" --passphrase-fd 3 3<<<"$p" \
		>"$T/out" 2>"$T/err" || RC=$?
	# A signal (crash, abort, sanitizer) fails every test, whatever it
	# expected.
	[ "$RC" -lt 128 ] || fail "amparo $* died (status $RC)"
}

run()
{
	RC=0
	${RUN_AS[@]+"${RUN_AS[@]}"} "$AMPARO" "$@" >"$T/out" 2>"$T/err" \
		</dev/null || RC=$?
	[ "$RC" -lt 128 ] || fail "amparo $* died (status $RC)"
}

assert_status()
{
	[ "$RC" -eq "$1" ] || fail "expected exit status $1, got $RC"
}

# assert_err WORD...: stderr mentions every WORD (case-insensitive).
assert_err()
{
	local w
	for w in "$@"; do
		grep -qiF -- "$w" "$T/err" || fail "stderr does not mention '$w'"
	done
}

# assert_out_has TEXT: stdout holds TEXT as a fixed string.
assert_out_has()
{
	grep -qF -- "$1" "$T/out" || fail "stdout does not hold '$1'"
}

# assert_out_file FILE: stdout is byte for byte FILE.
assert_out_file()
{
	cmp -s "$T/out" "$1" ||
		fail "stdout differs from $(basename "$1"): $(cmp "$T/out" "$1" 2>&1 | head -1)"
}

# assert_same A B [WHAT]: two files are byte for byte the same.
assert_same()
{
	cmp -s "$1" "$2" ||
		fail "${3:-$1 changed}: $(cmp "$1" "$2" 2>&1 | head -1)"
}

# assert_reported: the command failed and said why on stderr, as
# "amparo...: message".
assert_reported()
{
	[ "$RC" -ne 0 ] || fail "expected a failure"
	[ -s "$T/err" ] || fail "failed with status $RC but printed no message"
	grep -q '^amparo' "$T/err" || fail "no 'amparo: ...' message on stderr"
}

# make_vault FILE: a new vault owned by "Ana" with passphrase $PW.
make_vault()
{
	pass "$PW" init "$1" --name Ana
	assert_status 0
	[ -f "$1" ] || fail "init did not create $1"
}

# add_doc VAULT TITLE BODYFILE: add a document; its id is left in DOC_ID
# (the 12-digit short id printed by add).
add_doc()
{
	pass "$PW" add "$1" --title "$2" <"$3"
	assert_status 0
	DOC_ID=$(sed -n 's/^Added ".*" as \([0-9a-f]\{12\}\)\.$/\1/p' "$T/out")
	[ -n "$DOC_ID" ] || fail "add printed no id"
}

# flip FILE OFFSET: invert every bit of the byte at OFFSET, in place.
flip()
{
	local b oct
	b=$(od -An -tu1 -j "$2" -N1 "$1" | tr -d ' ')
	[ -n "$b" ] || fail "no byte at offset $2 of $1"
	printf -v oct '\\%03o' $((b ^ 255))
	# shellcheck disable=SC2059
	printf "$oct" | dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}

file_size() { stat -c %s "$1"; }

# le32 FILE OFFSET: the little-endian 32-bit number at OFFSET.
le32()
{
	local b
	read -r -a b < <(od -An -tu1 -j "$2" -N4 "$1")
	[ "${#b[@]}" -eq 4 ] || fail "no 4 bytes at offset $2 of $1"
	echo $((b[0] | b[1] << 8 | b[2] << 16 | b[3] << 24))
}

# vault_layout FILE: read the header geometry from an intact vault
# (docs/vault-format.md §2; vault/vault_int.h): HDR_SIZE, one header copy
# (the field at offset 20); HDR_AREA, both copies, where page 1 starts;
# NSLOTS and SLOT_SIZE (offsets 48 and 52), slots from offset 64; MAC_OFF
# and SUM_OFF, the keyed MAC and the plain checksum, the last 64 and 32
# bytes of a copy. Pages are PAGE=4096 bytes.
vault_layout()
{
	PAGE=4096
	[ "$(head -c 6 "$1")" = AMPARO ] || fail "$1 does not start with the magic"
	HDR_SIZE=$(le32 "$1" 20)
	NSLOTS=$(le32 "$1" 48)
	SLOT_SIZE=$(le32 "$1" 52)
	[ "$SLOT_SIZE" -gt 0 ] || SLOT_SIZE=128
	if [ "$HDR_SIZE" -lt 4096 ] || [ $((HDR_SIZE % 4096)) -ne 0 ]; then
		fail "implausible header size $HDR_SIZE"
	fi
	[ $((64 + NSLOTS * SLOT_SIZE)) -le $((HDR_SIZE - 64)) ] ||
		fail "implausible slots: $NSLOTS of $SLOT_SIZE bytes"
	HDR_AREA=$((2 * HDR_SIZE))
	MAC_OFF=$((HDR_SIZE - 64))
	SUM_OFF=$((HDR_SIZE - 32))
	[ $(( ($(file_size "$1") - HDR_AREA) % PAGE)) -eq 0 ] ||
		fail "$1 is not the header area and whole pages"
}
