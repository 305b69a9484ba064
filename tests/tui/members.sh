#!/usr/bin/env bash
# End to end (issue 5, items 5 and 6): the members screen and the merge
# screen, driven through the real binary in tmux.
# Members: an admin adds a member (passphrase typed twice, never shown),
# changes her role, adds and removes another (keys rotated); the command
# line agrees, the new passphrase opens the vault and the removed one no
# longer does; an editor is not offered the screen.
# Merge: two copies edit the same line and sync; in the TUI the document
# is merged in the editor: saving with the conflict markers left is
# refused, removing them is recorded as a merge revision.
#
# Usage: members.sh PATH/TO/amparo
set -u

AMPARO=${1:?usage: members.sh PATH/TO/amparo}
. "$(dirname "$0")/tmux_lib.sh"

PW='una frase larga'
BP='la frase de bea'
CP='la frase de carlos'
V="$WORK/v.amp"
cli "$PW" init "$V" --name Ana >/dev/null 2>&1 || fail "init failed"

login() { # session status vault passphrase who
	start "$1" "$2" -- "$3"
	wait_for "$1" "This vault is locked."
	tm send-keys -t "$1" -l "$4"
	tm send-keys -t "$1" Enter
	wait_for "$1" "$5"
}

add_member() { # session name role-number passphrase
	tm send-keys -t "$1" a
	wait_for "$1" "Add a member"
	tm send-keys -t "$1" -l "$2"
	tm send-keys -t "$1" Enter
	wait_for "$1" "> 3) staff"
	tm send-keys -t "$1" -l "$3"
	wait_for "$1" "Their passphrase:"
	tm send-keys -t "$1" -l "$4"
	tm send-keys -t "$1" Enter
	wait_for "$1" "The same again:"
	tm send-keys -t "$1" -l "$4"
	screen "$1" | grep -qF "$4" && fail "the passphrase shows" "$1"
	tm send-keys -t "$1" Enter
	wait_for "$1" "Added $2."
}

# ---- members ----
S=m1
login $S "$WORK/st1" "$V" "$PW" "Ana (admin)"
wait_for $S "^U Members"
tm send-keys -t $S C-u
wait_for $S "> Ana: admin (you)"
# A mistyped second passphrase: asked again, nothing added.
tm send-keys -t $S a
wait_for $S "Add a member"
tm send-keys -t $S -l Bea
tm send-keys -t $S Enter
wait_for $S "> 3) staff"
tm send-keys -t $S -l 3
tm send-keys -t $S -l "$BP"
tm send-keys -t $S Enter
wait_for $S "The same again:"
tm send-keys -t $S -l "otra cosa"
tm send-keys -t $S Enter
wait_for $S "The two passphrases differ."
tm send-keys -t $S Escape Escape Escape
wait_for $S "> Ana: admin (you)"
add_member $S Bea 3 "$BP"
wait_for $S "Bea: staff"
# Bea becomes an editor.
tm send-keys -t $S Down
wait_for $S "> Bea: staff"
tm send-keys -t $S c
wait_for $S "New role for Bea:"
tm send-keys -t $S -l 2
wait_for $S "Bea is now editor."
wait_for $S "Bea: editor"
# Carlos comes and goes; the question warns about the keys.
add_member $S Carlos 3 "$CP"
tm send-keys -t $S End
wait_for $S "> Carlos: staff"
tm send-keys -t $S r
wait_for $S "keys will be rotated"
tm send-keys -t $S y
wait_for $S "Removed Carlos."
wait_for $S "Carlos: staff (removed)"
tm send-keys -t $S q
wait_for $S "^U Members"
tm send-keys -t $S C-q
wait_exit $S "$WORK/st1"

cli "$PW" member "$V" ls >"$WORK/members" 2>&1 || fail "member ls failed"
grep -qE '^Bea +editor' "$WORK/members" || { cat "$WORK/members"; fail "Bea is not an editor"; }
grep -qE '^Carlos +removed' "$WORK/members" || { cat "$WORK/members"; fail "Carlos was not removed"; }
cli "$BP" ls "$V" >/dev/null 2>&1 || fail "Bea's passphrase does not open the vault"
cli "$CP" ls "$V" >/dev/null 2>&1 && fail "Carlos's passphrase still opens the vault"
cli "$PW" verify "$V" >/dev/null 2>&1 || fail "verify failed after the member changes"

# An editor is not offered the members screen.
S=m2
login $S "$WORK/st2" "$V" "$BP" "Bea (editor)"
wait_for $S "^S Sync"
screen $S | grep -qF "^U" && fail "members offered to an editor" $S
tm send-keys -t $S C-u
wait_for $S "Only admins can manage members."
tm send-keys -t $S C-q
wait_exit $S "$WORK/st2"

# ---- merge ----
A="$WORK/a.amp" B="$WORK/b.amp" F="$WORK/folder" D="Teléfonos"
mkdir "$F"
cli "$PW" init "$A" --name Ana >/dev/null 2>&1 || fail "init failed"
seq 1 8 | sed 's/^/Línea /' >"$WORK/base"
"$AMPARO" add "$A" --title "$D" --passphrase-fd 3 3<<<"$PW" <"$WORK/base" \
	>/dev/null 2>&1 || fail "add failed"
cp "$A" "$B"
sed 's/^Línea 5$/Línea 5 según A/' "$WORK/base" >"$WORK/ta"
sed 's/^Línea 5$/Línea 5 según B/' "$WORK/base" >"$WORK/tb"
for c in A B; do
	v="$WORK/$(tr AB ab <<<$c).amp"
	"$AMPARO" edit "$v" "$D" --passphrase-fd 3 3<<<"$PW" <"$WORK/t${c,}" \
		>/dev/null 2>&1 || fail "edit of $c failed"
done
for v in "$A" "$B" "$A"; do cli "$PW" sync "$v" "$F" >/dev/null 2>&1 || fail "sync failed"; done
cli "$PW" merge "$A" "$D" --preview >"$WORK/preview" 2>/dev/null || fail "merge --preview failed"
grep -q '^<<<<<<<' "$WORK/preview" || fail "no conflict to resolve"
# Resolving keeps the first side: the lines to cut are the markers and
# the second side, bottom up.
cut=$(awk '/^<<<<<<</{print NR} /^=======/{s=1} s{print NR} /^>>>>>>>/{s=0}' \
	"$WORK/preview" | sort -rn)
awk '/^<<<<<<</{next} /^=======/{s=1} s{if (/^>>>>>>>/) s=0; next} {print}' \
	"$WORK/preview" >"$WORK/expected"

S=g1
login $S "$WORK/st3" "$A" "$PW" "Ana (admin)"
tm send-keys -t $S -l 'telefonos'
wait_for $S "Línea 1"
tm send-keys -t $S Enter
wait_for $S "(needs merge)"
wait_for $S "m Merge"
tm send-keys -t $S m
wait_for $S "conflicts to resolve: 1"
tm send-keys -t $S y
wait_for $S "^X Exit"
wait_for $S "<<<<<<<"
# Saved with the markers: refused, and the editor offered again.
tm send-keys -t $S C-s
wait_for $S "Revision message:"
tm send-keys -t $S Enter
wait_for $S "Not saved: conflict marker lines"
tm send-keys -t $S y
wait_for $S "^X Exit"
for n in $cut; do
	tm send-keys -t $S PPage PPage Home
	for ((i = 1; i < n; i++)); do tm send-keys -t $S Down; done
	tm send-keys -t $S C-k
done
wait_gone $S "<<<<<<<"
wait_gone $S ">>>>>>>"
tm send-keys -t $S C-s
wait_for $S "Revision message:"
tm send-keys -t $S -l "Combinar A y B"
tm send-keys -t $S Enter
wait_for $S "Merged: the two versions are one revision again."
wait_gone $S "(needs merge)"
tm send-keys -t $S q
wait_for $S "^S Sync"
tm send-keys -t $S C-q
wait_exit $S "$WORK/st3"

cli "$PW" status "$A" >"$WORK/status" 2>&1 || fail "status failed"
grep -qF "needs merge" "$WORK/status" && fail "A still needs a merge"
cli "$PW" show "$A" "$D" --raw >"$WORK/merged" 2>&1 || fail "show failed"
cmp -s "$WORK/merged" "$WORK/expected" || {
	diff "$WORK/expected" "$WORK/merged"
	fail "the merged text is not the one resolved"
}
cli "$PW" log "$A" "$D" >"$WORK/log" 2>&1 || fail "log failed"
grep -qF "Combinar A y B" "$WORK/log" || fail "the merge revision is not in the log"
cli "$PW" verify "$A" >/dev/null 2>&1 || fail "verify failed after the merge"
echo "ok: members and merge screens"
