#!/usr/bin/env bash
# End to end (issue 6, item 3): the TUI's status screen, one key (^T) from
# home, shows what `amparo status` prints. A vault from the English
# library with a staff member; a protocol approved with the command line;
# a document past its review date. The admin opens the status screen and
# sees the staff member under "must read"; the staff member walks through
# the protocol with `amparo walk`; the admin sees them as having read it,
# with the score. A newer approved revision puts them under "must read
# again" (checked in Spanish).
#
# Usage: status.sh PATH/TO/amparo
set -u

AMPARO=${1:?usage: status.sh PATH/TO/amparo}
. "$(dirname "$0")/tmux_lib.sh"

V="$WORK/v.amp"
PW='a long passphrase'
BP='bea reads the rules'
D="Detention, arrest or disappearance"
cli "$PW" init "$V" --name Ana --template comprehensive --lang en >/dev/null 2>&1 ||
	fail "init failed"
"$AMPARO" member "$V" add Bea --role staff --passphrase-fd 3 \
	3< <(printf '%s\n%s\n' "$PW" "$BP") >/dev/null 2>&1 || fail "member add failed"
cli "$PW" submit "$V" "$D" >/dev/null 2>&1 || fail "submit failed"
cli "$PW" approve "$V" "$D" >/dev/null 2>&1 || fail "approve failed"
printf '# Old rules\n\nKeep them.\n' |
	cli "$PW" add "$V" --title "Old rules" --review-by 2020-01-02 >/dev/null 2>&1 ||
	fail "add failed"

# Ana's status screen: reached with ^T, shown in the key bar and in help.
status_screen() { # session
	wait_for "$1" "Ana (admin)"
	wait_for "$1" "^T Status"
	tm send-keys -t "$1" C-t
	wait_for "$1" "Acknowledgements of approved documents"
	wait_for "$1" "$D (approved revision"
	wait_for "$1" "[!] review due: Old rules (review by 2020-01-02)"
	wait_for "$1" "[ ] must read: Ana (you)"
	wait_for "$1" "r Refresh"
}
leave() { # session status-file
	tm send-keys -t "$1" q
	wait_for "$1" "^E Crisis"
	tm send-keys -t "$1" C-q
	wait_exit "$1" "$2"
}

S=before
start $S "$WORK/st1" -- "$V"
wait_for $S "This vault is locked."
tm send-keys -t $S -l "$PW"
tm send-keys -t $S Enter
wait_for $S "Ana (admin)"
tm send-keys -t $S F1
wait_for $S "Help: the keys of this screen"
wait_for $S "^T         Status"
tm send-keys -t $S Escape
wait_gone $S "Help: the keys of this screen"
status_screen $S
wait_for $S "[ ] must read: Bea"
wait_for $S "Read by 0 of 2."
# Refreshing keeps the screen.
tm send-keys -t $S r
wait_for $S "[ ] must read: Bea"
leave $S "$WORK/st1"

# Bea walks through the protocol on the command line, every answer right.
answers=$(awk '/^q: / { n = 0 } /^[-+] / { n++ } /^\+ / { print n }' \
	"$(dirname "$0")/../../policies/en/09-detention.walk")
total=$(printf '%s\n' "$answers" | wc -l)
[ "$total" -gt 1 ] || fail "cannot read the walkthrough's answers"
printf '%s\n' "$answers" | "$AMPARO" walk "$V" "$D" --passphrase-fd 3 \
	3<<<"$BP" >"$WORK/walk" 2>&1 || { cat "$WORK/walk"; fail "walk failed"; }
grep -qF "Done. Right at the first try: $total/$total" "$WORK/walk" ||
	{ cat "$WORK/walk"; fail "the walk did not finish"; }

S=after
start $S "$WORK/st2" -- "$V"
wait_for $S "This vault is locked."
tm send-keys -t $S -l "$PW"
tm send-keys -t $S Enter
status_screen $S
wait_for $S "[x] read and understood: Bea ($total/$total)"
wait_for $S "Read by 1 of 2."
leave $S "$WORK/st2"

# A newer approved revision: Bea must read it again.
printf '# Detention\n\nCall the lawyer first.\n' |
	cli "$PW" edit "$V" "$D" --message "Shorter" >/dev/null 2>&1 || fail "edit failed"
cli "$PW" submit "$V" "$D" >/dev/null 2>&1 || fail "submit 2 failed"
cli "$PW" approve "$V" "$D" >/dev/null 2>&1 || fail "approve 2 failed"
# In Spanish this time.
S=again
start $S "$WORK/st3" LANGUAGE=es -- "$V"
wait_for $S "Esta bóveda está bloqueada."
tm send-keys -t $S -l "$PW"
tm send-keys -t $S Enter
wait_for $S "Ana (admin)"
wait_for $S "^T Estado"
tm send-keys -t $S C-t
wait_for $S "Acuses de lectura de los documentos aprobados"
wait_for $S "[ ] debe leerlo otra vez (se aprobó una revisión más reciente): Bea"
wait_for $S "[ ] debe leerlo: Ana (tú)"
wait_for $S "Lo han leído 0 de 2."
wait_for $S "[!] revisión pendiente: Old rules (debía revisarse a más tardar"
tm send-keys -t $S q
wait_for $S "^E Crisis"
# The editor speaks Spanish too, and takes its own answer keys: (s)í.
tm send-keys -t $S Enter
wait_for $S "e Editar"
tm send-keys -t $S e
wait_for $S "^S Guardar"
wait_for $S "^X Salir"
tm send-keys -t $S -l 'añadido '
wait_for $S "Modificado"
tm send-keys -t $S C-x
wait_for $S "¿Guardar los cambios? (s)í / (n)o / (c)ancelar"
tm send-keys -t $S y
wait_for $S "¿Guardar los cambios? (s)í / (n)o / (c)ancelar"
tm send-keys -t $S n
wait_for $S "e Editar"
wait_gone $S "añadido"
tm send-keys -t $S q
wait_for $S "^E Crisis"
tm send-keys -t $S C-q
wait_exit $S "$WORK/st3"
echo "ok: the status screen lists who must read and who has read"
