# harden.sh: the process makes itself unfit to leak secrets (no core file,
# not dumpable: docs/vault-format.md §5) before it reads a passphrase, not
# only once the vault is open. Checked on `amparo ls` waiting for its
# passphrase on a FIFO: its core-file limit must already be 0.
. "$(dirname "$0")/lib.sh" "$@"

[ -r /proc/self/limits ] || skip "no /proc/PID/limits here"
make_vault "$T/v.amparo"
mkfifo "$T/fifo" || skip "cannot make a FIFO here"

case_name "core files are off while the passphrase is read"
# Read-write, so that opening it does not wait for a writer.
exec 4<>"$T/fifo"
ulimit -c unlimited 2>/dev/null || ulimit -c 1024 2>/dev/null ||
	skip "cannot raise the core-file limit to see it lowered"
# AddressSanitizer turns core files off by itself: let it not, to see ours.
ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}disable_coredump=0 \
	"$AMPARO" ls "$T/v.amparo" --passphrase-fd 4 >"$T/out" 2>"$T/err" &
pid=$!
# Wait until it is blocked reading descriptor 4 (no sleeping on a clock:
# poll its state, at most a few seconds' worth of checks).
limit=''
for _ in $(seq 1 2000); do
	if grep -q '^State:.*S (sleeping)' "/proc/$pid/status" 2>/dev/null &&
	   [ "$(cut -d' ' -f2 "/proc/$pid/syscall" 2>/dev/null)" = 0x4 ]; then
		limit=$(awk '/^Max core file size/ {print $5}' "/proc/$pid/limits")
		break
	fi
	kill -0 "$pid" 2>/dev/null || break
done
printf '%s\n' "$PW" >&4
wait "$pid" || fail "amparo ls failed: $(cat "$T/err")"
exec 4>&-
[ -n "$limit" ] || skip "could not catch amparo waiting for its passphrase"
[ "$limit" = 0 ] || fail "core files allowed (limit $limit) while the passphrase is read"
echo "PASS"
