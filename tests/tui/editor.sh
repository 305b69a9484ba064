#!/usr/bin/env bash
# End-to-end test of the full-screen editor (tui/editor.c): run
# editor_driver in detached tmux sessions, type into it with send-keys,
# read the screen with capture-pane, and compare the file the driver writes
# when the editor returns. Every wait polls the screen with a timeout.
#
# Usage: editor.sh PATH/TO/editor_driver
set -u

DRIVER=${1:?usage: editor.sh PATH/TO/editor_driver}
. "$(dirname "$0")/tmux_lib.sh"

# tmux_lib.sh's start and wait_exit run amparo; these run editor_driver.
start() { # session result-file input-file [environment assignments...]
	local s=$1 res=$2 in=$3
	shift 3
	tm new-session -d -s "$s" -x 80 -y 24 \
		"env $* $(printf '%q' "$DRIVER") $(printf '%q' "$res") $(printf '%q' "$in");
		 echo \$? >$(printf '%q' "$res.status")" ||
		fail "cannot start session $s"
	wait_for "$s" "^X Exit"
}

wait_row() { # session row text: until screen row (from 1) is exactly text
	local i
	for ((i = 0; i < TIMEOUT_TICKS; i++)); do
		[ "$(screen "$1" | sed -n "$2p" | sed 's/ *$//')" = "$3" ] && return 0
		sleep 0.05
	done
	fail "timed out waiting for row $2 to read \"$3\"" "$1"
}

wait_exit() { # session result-file: until the driver has exited with 0
	local i
	# The session's shell writes the driver's status next to its result:
	# tmux's own pane_dead_status can lag behind the pane closing.
	for ((i = 0; i < TIMEOUT_TICKS; i++)); do
		if [ -s "$2.status" ]; then
			[ "$(cat "$2.status")" = 0 ] ||
				fail "editor_driver exited with $(cat "$2.status")" "$1"
			return 0
		fi
		sleep 0.05
	done
	fail "editor_driver did not exit" "$1"
}

expect_file() { # file expected-content session
	[ "$(cat "$1"; echo .)" = "$2." ] && return 0
	echo "--- got ---"; cat "$1"; echo "--- expected ---"; printf '%s' "$2"
	fail "unexpected result in $1" "$3"
}

printf 'Política de viajes\nAntes de salir:\n- revisar el teléfono\n' >"$WORK/in.txt"

# 1. Edit, cut and paste a line, undo, refuse to quit, save with a message.
S=edit
start $S "$WORK/out1" "$WORK/in.txt" LANG=C.UTF-8
wait_for $S "- revisar el teléfono"
wait_for $S "^K Cut line"
wait_for $S "^U Paste"
tm send-keys -t $S -l 'Versión 2: '
wait_row $S 2 "Versión 2: Política de viajes"
wait_for $S "Modified"
tm send-keys -t $S Down End
tm send-keys -t $S -l ' ñandú 日本'
wait_row $S 3 "Antes de salir: ñandú 日本"
tm send-keys -t $S C-Left
tm send-keys -t $S -l 'X'
wait_row $S 3 "Antes de salir: ñandú X日本"
tm send-keys -t $S C-k
wait_row $S 3 "- revisar el teléfono"
tm send-keys -t $S Down C-u
wait_row $S 4 "Antes de salir: ñandú X日本"
tm send-keys -t $S -l 'basura'
wait_for $S "basura"
tm send-keys -t $S C-z
wait_gone $S "basura"
tm send-keys -t $S C-x
wait_for $S "Save changes? (y)es / (n)o / (c)ancel"
tm send-keys -t $S c
wait_for $S "[ Cancelled ]"
tm send-keys -t $S C-s
wait_for $S "Revision message:"
tm send-keys -t $S -l 'Añadir sección de viaje'
wait_for $S "Revision message: Añadir sección de viaje"
tm send-keys -t $S Enter
wait_exit $S "$WORK/out1"
expect_file "$WORK/out1" "result 1
message Añadir sección de viaje
----
Versión 2: Política de viajes
- revisar el teléfono
Antes de salir: ñandú X日本
" $S

# 2. Help, a resize, find, then leave without saving the changes.
S=quit
start $S "$WORK/out2" "$WORK/in.txt" LANG=C.UTF-8
tm send-keys -t $S F1
wait_for $S "Amparo editor: keys"
tm send-keys -t $S q
wait_for $S "^X Exit"
tm resize-window -t $S -x 60 -y 15
wait_row $S 15 "^X Exit   ^O Save   ^C Positi ^A Home   ^E End    ^Y Redo"
wait_row $S 3 "Antes de salir:"
tm send-keys -t $S C-w
wait_for $S "Search:"
tm send-keys -t $S -l 'teléfono'
tm send-keys -t $S Enter
tm send-keys -t $S -l '*'
wait_row $S 4 "- revisar el *teléfono"
tm resize-window -t $S -x 80 -y 24
wait_row $S 24 "^X Exit      ^O Save      ^C Position  ^A Home      ^E End       ^Y Redo"
tm send-keys -t $S C-x
wait_for $S "Save changes?"
tm send-keys -t $S n
wait_exit $S "$WORK/out2"
expect_file "$WORK/out2" "result 0
" $S

# 3. No locale in the environment: the editor still shows UTF-8, and
#    leaves at once when nothing changed.
S=nolocale
start $S "$WORK/out3" "$WORK/in.txt" -u LANG -u LC_ALL -u LC_CTYPE
wait_row $S 4 "- revisar el teléfono"
tm send-keys -t $S C-x
wait_exit $S "$WORK/out3"
expect_file "$WORK/out3" "result 0
" $S

echo "ok: editor end to end"
