# usage.sh: --help and --version succeed; usage errors exit 2 with a
# message and touch nothing.
. "$(dirname "$0")/lib.sh" "$@"

V=$T/v.amp
make_vault "$V"
cp "$V" "$T/before"

case_name "--help"
run --help
assert_status 0
for w in init add ls show passwd "Exit status" "--passphrase-fd"; do
	assert_out_has "$w"
done

case_name "help as a command"
run help
assert_status 0
assert_out_has "Exit status"

case_name "--version"
run --version
assert_status 0
grep -qE '^amparo [0-9]+\.[0-9]+\.[0-9]+' "$T/out" || fail "no version number"

case_name "COMMAND --help"
run show --help
assert_status 0
assert_err "usage: amparo show"

case_name "no arguments"
run
assert_status 2

case_name "unknown command"
run frobnicate "$V"
assert_status 2
assert_err "unknown command" "frobnicate"

case_name "unknown option"
pass "$PW" ls "$V" --frobnicate
assert_status 2
assert_err "unknown option" "--frobnicate"

case_name "an option of another command"
pass "$PW" ls "$V" --raw
assert_status 2
assert_err "unknown option"

case_name "option missing its value"
run add "$V" --title
assert_status 2
assert_err "needs a value"

case_name "flag given a value"
pass "$PW" show "$V" doc --raw=yes
assert_status 2
assert_err "takes no value"

case_name "show without DOC"
pass "$PW" show "$V"
assert_status 2
assert_err "usage"

case_name "ls with an extra argument"
pass "$PW" ls "$V" extra
assert_status 2
assert_err "usage"

case_name "ls without FILE"
run ls
assert_status 2
assert_err "usage"

case_name "add without --title"
pass "$PW" add "$V" </dev/null
assert_status 2
assert_err "--title"

case_name "bad --passphrase-fd"
run ls "$V" --passphrase-fd x3
assert_status 2
assert_err "passphrase-fd"

case_name "no terminal and no --passphrase-fd"
RC=0
setsid "$AMPARO" ls "$V" </dev/null >"$T/out" 2>"$T/err" || RC=$?
assert_status 2
assert_err "terminal"

case_name "passphrase descriptor that ends at once"
RC=0
"$AMPARO" ls "$V" --passphrase-fd 3 3</dev/null >"$T/out" 2>"$T/err" || RC=$?
[ "$RC" -lt 128 ] || fail "amparo died"
assert_status 1
assert_err "no passphrase"

assert_same "$V" "$T/before" "a usage error changed the vault"
echo "ok"
