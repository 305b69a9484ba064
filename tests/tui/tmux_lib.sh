# tmux_lib.sh: helpers for the end-to-end tests of the full-screen
# interface, sourced after AMPARO is set. Each test runs its own tmux
# server on a private socket in $WORK; every wait polls the screen with a
# timeout (capture-pane), never a fixed sleep. Exits 77 (skipped) when
# tmux is missing.
command -v tmux >/dev/null 2>&1 || { echo "tmux not installed: skipped"; exit 77; }

export LC_ALL=C.UTF-8 AMPARO_KDF=test
unset TMUX LANGUAGE LANG
WORK=$(mktemp -d)
SOCK="$WORK/tmux.sock" # a private server, gone with $WORK
TIMEOUT_TICKS=${TIMEOUT_TICKS:-400} # of 0.05 s: 20 s, room for sanitizer builds
export XDG_STATE_HOME="$WORK/state" HOME="$WORK"

tm() { tmux -u -S "$SOCK" -f /dev/null "$@"; }

cleanup() {
	tm kill-server >/dev/null 2>&1
	rm -rf "$WORK"
}
trap cleanup EXIT

fail() { # message [session]
	echo "FAIL: $1"
	if [ $# -gt 1 ]; then
		echo "--- screen of $2 ---"
		tm capture-pane -p -t "$2" 2>/dev/null
		echo "---"
	fi
	exit 1
}

tm new-session -d -s keep -x 80 -y 24 'sleep 600' || fail "tmux would not start"
tm set-option -g remain-on-exit on >/dev/null

screen() { tm capture-pane -p -t "$1"; }

wait_for() { # session text: until text is on screen
	local i
	for ((i = 0; i < TIMEOUT_TICKS; i++)); do
		screen "$1" | grep -qF -- "$2" && return 0
		sleep 0.05
	done
	fail "timed out waiting for \"$2\"" "$1"
}

wait_gone() { # session text: until text is no longer on screen
	local i
	for ((i = 0; i < TIMEOUT_TICKS; i++)); do
		screen "$1" | grep -qF -- "$2" || return 0
		sleep 0.05
	done
	fail "timed out waiting for \"$2\" to go" "$1"
}

wait_exit() { # session status-file: until amparo has exited with 0
	local i
	for ((i = 0; i < TIMEOUT_TICKS; i++)); do
		if [ -s "$2" ]; then
			[ "$(cat "$2")" = 0 ] || fail "amparo exited with $(cat "$2")" "$1"
			return 0
		fi
		sleep 0.05
	done
	fail "amparo did not exit" "$1"
}

start() { # session status-file [env assignments...] -- amparo args...
	local s=$1 st=$2 envs=()
	shift 2
	while [ $# -gt 0 ] && [ "$1" != -- ]; do envs+=("$1"); shift; done
	shift
	tm new-session -d -s "$s" -x 90 -y 28 \
		"env ${envs[*]} $(printf '%q ' "$AMPARO" "$@"); echo \$? >$(printf '%q' "$st")" ||
		fail "cannot start session $s"
}

cli() { # passphrase amparo-args...: run the command line with a passphrase
	local p=$1
	shift
	"$AMPARO" "$@" --passphrase-fd 3 3<<<"$p"
}
