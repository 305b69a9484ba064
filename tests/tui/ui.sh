#!/usr/bin/env bash
# End-to-end test of the full-screen interface (tui/ui*.c): create a vault
# with the command line, open it with `amparo FILE` in a detached tmux
# session, type into it with send-keys and read the screen with
# capture-pane. Every wait polls the screen with a timeout; no fixed sleeps.
#
# Usage: ui.sh PATH/TO/amparo
set -u

AMPARO=${1:?usage: ui.sh PATH/TO/amparo}
. "$(dirname "$0")/tmux_lib.sh"

V="$WORK/v.amp"
printf 'una frase larga\n' |
	"$AMPARO" init "$V" --name Ana --template comprehensive --lang es \
		--passphrase-fd 0 >/dev/null 2>&1 || fail "init failed"

# 1. Unlock (a wrong passphrase first), home, a document, the editor with
#    accents, save with a message, history and its diff, lock and unlock.
S=main
start $S "$WORK/st1" AMPARO_LOCK_SECONDS=600 -- "$V"
wait_for $S "This vault is locked."
screen $S | grep -qF "^L Lock" && fail "lock offered while locked" $S
tm send-keys -t $S -l 'mala clave'
wait_gone $S "mala" # nothing echoes
tm send-keys -t $S Enter
wait_for $S "Wrong passphrase. Try again."
tm send-keys -t $S -l 'una frase larga'
tm send-keys -t $S Enter
wait_for $S "Ana (admin)"
wait_for $S "Detención, arresto o desaparición"
wait_for $S "^L Lock"
# Search as you type, accents ignored.
tm send-keys -t $S -l 'detencion'
wait_for $S "Search: detencion"
wait_for $S "[Detención]"
tm send-keys -t $S Enter
wait_for $S "Draft · Crisis"
wait_for $S "1. Propósito y alcance"
tm send-keys -t $S e
wait_for $S "^X Exit"
tm send-keys -t $S -l 'Revisión: ñandú, acción y 日本. '
wait_for $S "Revisión: ñandú, acción y 日本."
tm send-keys -t $S C-s
wait_for $S "Revision message:"
tm send-keys -t $S -l 'Añadir nota de revisión'
tm send-keys -t $S Enter
wait_for $S "Saved as a new revision."
wait_for $S "Revisión: ñandú, acción y 日本."
tm send-keys -t $S h
wait_for $S "Añadir nota de revisión"
tm send-keys -t $S Enter
wait_for $S "- # Detención, arresto o desaparición"
wait_for $S "+ Revisión: ñandú, acción y 日本. # Detención"
tm send-keys -t $S q
wait_for $S "Desde la biblioteca de plantillas"
# A new document from the template library; help; a resize.
tm send-keys -t $S q
wait_for $S "e Edit"
tm send-keys -t $S q
wait_for $S "Enter Open"
tm send-keys -t $S C-n
wait_for $S "Start a new document"
wait_for $S "Blank document"
tm send-keys -t $S Down Enter
wait_for $S "Added as a draft. Press e to write in it."
tm send-keys -t $S F1
wait_for $S "Help: the keys of this screen"
tm send-keys -t $S q
wait_gone $S "Help: the keys of this screen"
tm resize-window -t $S -x 60 -y 20
wait_for $S "^L Lock"
tm resize-window -t $S -x 90 -y 28
tm send-keys -t $S q
wait_for $S "Enter Open"
# Crisis mode, one key away: follow a protocol, check a step.
tm send-keys -t $S C-e
wait_for $S "Crisis protocols"
wait_for $S "Detención, arresto o desaparición"
tm send-keys -t $S Enter
wait_for $S "[ ]  1."
tm send-keys -t $S Enter
wait_for $S "Step 1 done at"
wait_for $S "[x]  1."
tm send-keys -t $S q
wait_for $S "Crisis protocols"
tm send-keys -t $S q
wait_for $S "Enter Open"
tm send-keys -t $S C-l
wait_for $S "This vault is locked."
wait_gone $S "Añadir nota"
tm send-keys -t $S -l 'una frase larga'
tm send-keys -t $S Enter
wait_for $S "Ana (admin)"
tm send-keys -t $S C-q
wait_exit $S "$WORK/st1"
"$AMPARO" log "$V" "Detención, arresto o desaparición" --passphrase-fd 3 3<<<'una frase larga' \
	>"$WORK/log" 2>&1 || fail "log failed"
grep -q "Añadir nota de revisión" "$WORK/log" || fail "the revision is not in the vault"
"$AMPARO" crisis "$V" --log --passphrase-fd 3 3<<<'una frase larga' \
	>"$WORK/crisis" 2>&1 || fail "crisis --log failed"
grep -q "checked item 1" "$WORK/crisis" || fail "the checked step is not logged"

# 2. Bare `amparo` opens the last vault used; it locks itself when idle;
#    the Spanish catalog shows with LANGUAGE=es.
[ "$(cat "$XDG_STATE_HOME/amparo/last")" = "$(realpath "$V")" ] ||
	fail "the last vault was not remembered"
[ "$(stat -c %a "$XDG_STATE_HOME/amparo/last")" = 600 ] || fail "last is not 0600"
S=es
start $S "$WORK/st2" LANGUAGE=es AMPARO_LOCK_SECONDS=2 --
wait_for $S "Esta bóveda está bloqueada."
tm send-keys -t $S -l 'una frase larga'
tm send-keys -t $S Enter
wait_for $S "Ana (admin)"
wait_for $S "^E Crisis"
wait_for $S "Bloqueada tras un rato sin uso."
tm send-keys -t $S C-q
wait_exit $S "$WORK/st2"

# 3. Bare `amparo` with no last vault offers to create one.
S=create
XDG_STATE_HOME="$WORK/state2" start $S "$WORK/st3" XDG_STATE_HOME="$WORK/state2" --
wait_for $S "No vault yet"
for ((i = 0; i < 80; i++)); do tm send-keys -t $S BSpace; done # the default path
tm send-keys -t $S -l "$WORK/nueva.amp"
tm send-keys -t $S Enter
wait_for $S "Your name:"
tm send-keys -t $S -l 'Lucía'
tm send-keys -t $S Enter
tm send-keys -t $S -l 'otra frase larga'
tm send-keys -t $S Enter
tm send-keys -t $S -l 'otra frase larga'
tm send-keys -t $S Enter
wait_for $S "Lucía (admin)"
wait_for $S "No documents yet."
tm send-keys -t $S C-q
wait_exit $S "$WORK/st3"
[ -f "$WORK/nueva.amp" ] || fail "no vault created"

echo "ok: tui end to end"
