#!/usr/bin/env bash
# End to end (issue 6, item 6): a Spanish walkthrough completed in the
# full-screen interface records a valid acknowledgement. A vault from the
# Spanish library (command line), a staff member, the detention protocol
# submitted and approved; then the staff member opens the TUI in Spanish,
# walks through the protocol answering the first question wrong and then
# right, and the command line shows them as having read it, with the
# first-try score, and `amparo verify` passes.
#
# Usage: walk.sh PATH/TO/amparo
set -u

AMPARO=${1:?usage: walk.sh PATH/TO/amparo}
. "$(dirname "$0")/tmux_lib.sh"

V="$WORK/v.amp"
PW='una frase larga'
BP='frase de bea para leer'
D="Detención, arresto o desaparición"
cli "$PW" init "$V" --name Ana --template comprehensive --lang es >/dev/null 2>&1 ||
	fail "init failed"
"$AMPARO" member "$V" add Bea --role staff --passphrase-fd 3 \
	3< <(printf '%s\n%s\n' "$PW" "$BP") >/dev/null 2>&1 || fail "member add failed"
cli "$PW" submit "$V" "$D" >/dev/null 2>&1 || fail "submit failed"
cli "$PW" approve "$V" "$D" >/dev/null 2>&1 || fail "approve failed"

# The questions and their right answers, read from the walkthrough's
# source: for each question its step, its number in the step, the first
# words of its text and the number of its right choice.
WALK="$(dirname "$0")/../../policies/es/09-detention.walk"
qs=() qstep=() qnum=() right=() nsteps=0 nchoice=0
declare -A inst
while IFS= read -r line; do
	case $line in
	"step: "*) nsteps=$((nsteps + 1)); inst[$nsteps]=0 ;;
	"q: "*)
		inst[$nsteps]=$((inst[$nsteps] + 1))
		qs+=("${line#q: }"); qstep+=("$nsteps"); qnum+=("${inst[$nsteps]}")
		nchoice=0 ;;
	"- "*) nchoice=$((nchoice + 1)) ;;
	"+ "*) nchoice=$((nchoice + 1)); right+=("$nchoice") ;;
	esac
done <"$WALK"
total=${#qs[@]}
[ "$total" -gt 1 ] && [ ${#right[@]} -eq "$total" ] || fail "cannot read $WALK"

S=walk
start $S "$WORK/st" LANGUAGE=es -- "$V"
wait_for $S "Esta bóveda está bloqueada."
tm send-keys -t $S -l "$BP"
tm send-keys -t $S Enter
wait_for $S "Bea (personal)"
wait_for $S "por favor léelo y confirma"
tm send-keys -t $S -l 'detencion'
wait_for $S "[Detención]"
tm send-keys -t $S Enter
wait_for $S "w Recorrido y acuse"
tm send-keys -t $S w
wait_for $S "Recorrido: $D"
for ((i = 0; i < total; i++)); do
	s=${qstep[$i]} n=${qnum[$i]} q=${qs[$i]}
	wait_for $S "Paso $s de $nsteps"
	wait_for $S "Pregunta $n de ${inst[$s]}: ${q:0:24}"
	wait_for $S "Presiona el número de tu respuesta"
	if [ "$i" -eq 0 ]; then
		# A resize keeps the question and its choices on screen.
		tm resize-window -t $S -x 60 -y 20
		wait_for $S "> 1) "
		wait_for $S "Pregunta $n de ${inst[$s]}: ${q:0:24}"
		tm resize-window -t $S -x 90 -y 28
		# Wrong first: the explanation shows and the question stays.
		tm send-keys -t $S -l "$(( right[i] == 1 ? 2 : 1 ))"
		wait_for $S "No exactamente."
		wait_for $S "(esta no)"
		wait_for $S "Intenta de nuevo"
	fi
	tm send-keys -t $S -l "${right[$i]}"
	wait_for $S "¡Correcto!"
	wait_for $S "Presiona Enter para seguir."
	tm send-keys -t $S Enter
	wait_gone $S "${q:0:24}"
done
wait_for $S "Terminaste. Correctas al primer intento: $((total - 1)) de $total."
wait_for $S "Listo: quedó registrado que leíste"
tm send-keys -t $S Enter
wait_for $S "w Recorrido"
wait_gone $S "por favor léelo y confirma"
tm send-keys -t $S q
wait_for $S "^E Crisis"
tm send-keys -t $S C-q
wait_exit $S "$WORK/st"

cli "$PW" status "$V" >"$WORK/status" 2>&1 || fail "status failed"
grep -qF "read and understood: Bea ($((total - 1))/$total)" "$WORK/status" || {
	cat "$WORK/status"
	fail "status does not list Bea as having read $D"
}
cli "$PW" verify "$V" >"$WORK/verify" 2>&1 || {
	cat "$WORK/verify"
	fail "verify failed"
}
echo "ok: a Spanish walkthrough in the TUI records a valid acknowledgement"
