#!/usr/bin/env bash
# End to end (issue 5, items 6 and 8): two copies of one vault (cp), an
# edit in each, synced through a folder from the TUI's sync screen; the
# command line then shows the document as needing a merge in both. After
# a merge with the command line and another sync of each copy from the
# TUI, both hold the same text. The export and import operations are
# driven once each, and a missing folder gives a clear message.
#
# Usage: sync.sh PATH/TO/amparo
set -u

AMPARO=${1:?usage: sync.sh PATH/TO/amparo}
. "$(dirname "$0")/tmux_lib.sh"

PW='una frase larga'
A="$WORK/a.amp" B="$WORK/b.amp" F="$WORK/carpeta compartida"
D="Teléfonos"
mkdir "$F"
cli "$PW" init "$A" --name Ana >/dev/null 2>&1 || fail "init failed"
seq 1 10 | sed 's/^/Línea /' >"$WORK/base"
"$AMPARO" add "$A" --title "$D" --passphrase-fd 3 3<<<"$PW" <"$WORK/base" \
	>/dev/null 2>&1 || fail "add failed"
cp "$A" "$B"
sed 's/^Línea 2$/Línea 2, cambiada en A/' "$WORK/base" >"$WORK/ta"
sed 's/^Línea 9$/Línea 9, cambiada en B/' "$WORK/base" >"$WORK/tb"
"$AMPARO" edit "$A" "$D" --message "Edición A" --passphrase-fd 3 3<<<"$PW" \
	<"$WORK/ta" >/dev/null 2>&1 || fail "edit of A failed"
"$AMPARO" edit "$B" "$D" --message "Edición B" --passphrase-fd 3 3<<<"$PW" \
	<"$WORK/tb" >/dev/null 2>&1 || fail "edit of B failed"

n=0
open_sync() { # vault: a session on the sync screen of vault
	n=$((n + 1))
	S=s$n
	start $S "$WORK/st$n" -- "$1"
	wait_for $S "This vault is locked."
	tm send-keys -t $S -l "$PW"
	tm send-keys -t $S Enter
	wait_for $S "Ana (admin)"
	wait_for $S "^S Sync"
	tm send-keys -t $S C-s
	wait_for $S "> 1) Sync with a folder"
}

close() { # back home, quit
	tm send-keys -t $S q
	wait_for $S "^S Sync"
	tm send-keys -t $S C-q
	wait_exit $S "$WORK/st$n"
}

tui_sync() { # vault [text expected in the summary]...
	local v=$1
	shift
	open_sync "$v"
	tm send-keys -t $S -l 1
	wait_for $S "Folder to sync with:"
	tm send-keys -t $S -l "$F"
	tm send-keys -t $S Enter
	wait_for $S "Sync with a folder: done"
	for t in "$@"; do wait_for $S "$t"; done
	close
}

# A missing folder: said plainly, nothing changed.
open_sync "$A"
tm send-keys -t $S Enter
wait_for $S "Folder to sync with:"
tm send-keys -t $S -l "$WORK/no-such-folder"
tm send-keys -t $S Enter
wait_for $S "Sync with a folder: failed"
wait_for $S "There is no folder at"
close

tui_sync "$A" "Wrote $F/amparo-"
tui_sync "$B" "Bundles read from the folder: 1" "Documents created or changed: 1" \
	"to merge now: $D."
tui_sync "$A" "Documents created or changed: 1" "to merge now: $D."
for v in "$A" "$B"; do
	cli "$PW" status "$v" >"$WORK/status" 2>&1 || fail "status of $v failed"
	grep -qF "needs merge: $D" "$WORK/status" ||
		{ cat "$WORK/status"; fail "$(basename "$v") does not show $D as needing a merge"; }
done

# Merge in A with the command line; sync A, then B, from the TUI.
"$AMPARO" merge "$A" "$D" --passphrase-fd 3 3<<<"$PW" </dev/null >/dev/null 2>&1 ||
	fail "merge failed"
tui_sync "$A" "Wrote $F/amparo-"
tui_sync "$B" "Documents created or changed: 1"
for v in "$A" "$B"; do
	cli "$PW" show "$v" "$D" --raw >"$v.text" 2>&1 || fail "show of $v failed"
	cli "$PW" status "$v" >"$WORK/status" 2>&1 || fail "status of $v failed"
	grep -qF "needs merge" "$WORK/status" && fail "$(basename "$v") still needs a merge"
done
cmp -s "$A.text" "$B.text" || { diff "$A.text" "$B.text"; fail "the copies differ"; }
grep -qx "Línea 2, cambiada en A" "$A.text" && grep -qx "Línea 9, cambiada en B" "$A.text" ||
	fail "the merged text lost an edit"

# Export from A to a file, import it into B: nothing new by now.
open_sync "$A"
tm send-keys -t $S -l 2
wait_for $S "File to write: ~/amparo-export.amparo-bundle"
tm send-keys -t $S Enter
wait_for $S "Export to a file: done"
wait_for $S "Wrote $WORK/amparo-export.amparo-bundle"
close
[ -f "$WORK/amparo-export.amparo-bundle" ] || fail "no bundle exported"
open_sync "$B"
tm send-keys -t $S Down Down Enter
wait_for $S "Bundle to import:"
tm send-keys -t $S -l "~/amparo-export.amparo-bundle"
tm send-keys -t $S Enter
wait_for $S "Import a bundle: done"
wait_for $S "New to this copy: 0"
close
cli "$PW" verify "$B" >/dev/null 2>&1 || fail "verify of B failed"
echo "ok: two copies synced through a folder from the TUI"
