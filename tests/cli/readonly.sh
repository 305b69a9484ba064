# readonly.sh: writing to a vault that cannot be written (read-only file,
# read-only folder, read-only file system) exits 6 with a message that says
# read-only, and changes nothing; reading it still works.
#
# chmod stops only non-root users, and CI runs as root. So, as available:
# chmod as the current user when not root, or as nobody through setpriv
# when root; chattr +i (file and folder) and a tmpfs remounted read-only
# when root. Skipped, with the reason, only when no method is possible.
. "$(dirname "$0")/lib.sh" "$@"

V=$T/v.amp
make_vault "$V"
printf 'Contenido protegido: año, niño, acción.\n' >"$T/b1"
add_doc "$V" "Protegido" "$T/b1"
pass "$PW" ls "$V"
assert_status 0
cp "$T/out" "$T/ls.ok"
printf 'Nuevo documento\n' >"$T/new"
METHODS=0

# check_readonly FILE HOW: add and passwd exit 6 and leave FILE unchanged;
# ls and show --raw still work. WHAT says how FILE was made read-only.
check_readonly()
{
	local f=$1 how=$2
	cp "$f" "$T/before" || fail "cannot copy $f"
	note "read-only by $how"

	case_name "add to a vault made read-only by $how"
	pass "$PW" add "$f" --title Nuevo <"$T/new"
	assert_status 6
	assert_reported
	assert_err "read-only"
	assert_same "$f" "$T/before" "add changed a read-only vault"
	[ ! -e "$f-journal" ] || fail "add left a journal"

	case_name "passwd on a vault made read-only by $how"
	pass "$PW
another passphrase" passwd "$f"
	# The header is rewritten in place: a read-only folder alone does not
	# stop it, so only a read-only file must refuse.
	if [ "$RC" -eq 0 ]; then
		case $how in
		*folder*) ;;
		*) fail "passwd succeeded on a read-only file" ;;
		esac
		pass "another passphrase
$PW" passwd "$f"
		assert_status 0
		cp "$f" "$T/before"
	else
		assert_status 6
		assert_err "read-only"
		assert_same "$f" "$T/before" "passwd changed a read-only vault"
	fi

	case_name "ls on a vault made read-only by $how"
	pass "$PW" ls "$f"
	assert_status 0
	assert_out_file "$T/ls.ok"
	case_name "show on a vault made read-only by $how"
	pass "$PW" show "$f" Protegido --raw
	assert_status 0
	assert_out_file "$T/b1"
	assert_same "$f" "$T/before" "reading changed a read-only vault"
	METHODS=$((METHODS + 1))
}

# --- chmod, as a user that permissions stop -----------------------------
if [ "$(id -u)" -ne 0 ]; then
	mkdir "$T/u"
	cp "$V" "$T/u/v.amp"
	chmod 444 "$T/u/v.amp"
	check_readonly "$T/u/v.amp" "chmod 444 on the file"
	chmod 644 "$T/u/v.amp"
	chmod 555 "$T/u"
	check_readonly "$T/u/v.amp" "chmod 555 on the folder"
	chmod 755 "$T/u"
elif command -v setpriv >/dev/null &&
	setpriv --reuid=65534 --regid=65534 --clear-groups true 2>/dev/null &&
	setpriv --reuid=65534 --regid=65534 --clear-groups \
		test -x "$AMPARO" 2>/dev/null; then
	chmod 711 "$T"
	mkdir "$T/u"
	cp "$V" "$T/u/v.amp"
	chown -R 65534:65534 "$T/u"
	chmod 444 "$T/u/v.amp"
	RUN_AS=(setpriv --reuid=65534 --regid=65534 --clear-groups)
	check_readonly "$T/u/v.amp" "chmod 444 on the file (as uid 65534)"
	chmod 644 "$T/u/v.amp"
	chmod 555 "$T/u"
	check_readonly "$T/u/v.amp" "chmod 555 on the folder (as uid 65534)"
	RUN_AS=()
	chmod 755 "$T/u"
	chmod 700 "$T"
else
	echo "note: chmod cases skipped: running as root and cannot become" \
		"uid 65534 with setpriv (or it cannot run $AMPARO)"
fi

# --- chattr +i: stops root too -------------------------------------------
if [ "$(id -u)" -eq 0 ] && command -v chattr >/dev/null; then
	cp "$V" "$T/imm.amp"
	if chattr +i "$T/imm.amp" 2>/dev/null; then
		track_immutable "$T/imm.amp"
		check_readonly "$T/imm.amp" "chattr +i on the file"
		chattr -i "$T/imm.amp"
		mkdir "$T/immdir"
		cp "$V" "$T/immdir/v.amp"
		chattr +i "$T/immdir"
		track_immutable "$T/immdir"
		check_readonly "$T/immdir/v.amp" "chattr +i on the folder"
		chattr -i "$T/immdir"
	else
		echo "note: chattr cases skipped: the file system of $T has no" \
			"immutable flag"
	fi
fi

# --- a file system mounted read-only -------------------------------------
if [ "$(id -u)" -eq 0 ] && mkdir "$T/ro" &&
	mount -t tmpfs -o size=1m amparo-test "$T/ro" 2>/dev/null; then
	track_mount "$T/ro"
	cp "$V" "$T/ro/v.amp"
	mount -o remount,ro "$T/ro" || fail "cannot remount the tmpfs read-only"
	check_readonly "$T/ro/v.amp" "a read-only mount"
	umount "$T/ro"
else
	echo "note: read-only mount case skipped: not root, or mount -t tmpfs" \
		"is not allowed here"
fi

[ "$METHODS" -gt 0 ] || skip "no way to make a file read-only here" \
	"(root without setpriv, chattr or mount)"
echo "ok ($METHODS read-only methods)"
