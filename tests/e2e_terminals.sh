#!/bin/bash
# SPDX-License-Identifier: MIT
# shmtop across terminals: every TERM x locale x size cell of the matrix
# draws a usable screen (badge, key, shmid where there is room), with
# colour only where the terminal has it and block glyphs only in UTF-8;
# Ctrl-Z then fg restores the screen; TERM=dumb and no tty point at -b.
#
# usage: e2e_terminals.sh SHMTOP SHMWRITER
set -u
SHMTOP=$(realpath "$1")
WRITER=$(realpath "$2")
unset NO_COLOR ESCDELAY
RUN=term$$
. "$(dirname "$0")/e2e_lib.sh"

TERMS=(xterm-256color screen-256color tmux-256color linux vt100 xterm-mono)
LOCALES=(C.UTF-8 C)
SIZES=("200 60" "80 24" "40 12")
BLOCKS='[▁▂▃▄▅▆▇█]'

colours() { tmux -L "$RUN-$1" capture-pane -p -e 2>/dev/null | grep -Eq $'\e\\[([0-9;]*;)?(3[0-7]|38;5;[0-9]+|9[0-7])(;[0-9;]*)?m'; }

t_matrix() {
	local k id t l s cols rows cell n=0 bad=0
	k=$(key 1)
	writer "$k" -i 0.2 || return 1
	id=$(shmid "$k")
	for t in "${TERMS[@]}"; do
		for l in "${LOCALES[@]}"; do
			for s in "${SIZES[@]}"; do
				read -r cols rows <<<"$s"
				cell="$t-${l//./}-${cols}x$rows"
				n=$((n + 1))
				if ! one_cell "$cell" "$t" "$l" "$cols" "$rows" "$k" "$id"; then
					echo "    FAIL: cell $cell"
					bad=$((bad + 1))
				fi
				tmux -L "$RUN-$cell" kill-server 2>/dev/null
			done
		done
	done
	echo "    $n cells, $bad failed"
	((bad == 0))
}

# one_cell NAME TERM LOCALE COLS ROWS KEY SHMID
one_cell() {
	local name=$1 t=$2 l=$3 cols=$4 rows=$5 k=$6 id=$7
	view "$name" "$cols" "$rows" "env TERM=$t LANG=$l LC_ALL=$l $SHMTOP -k $k" || return 1
	see "$name" "RUNNING" || return 1
	shows "$name" "$k" || fail "key $k not shown" || return 1
	if ((cols >= 80)); then
		shows "$name" "shmid +$id( |$)" || fail "shmid $id not shown" || return 1
	fi
	if [[ $l != C ]] && shows "$name" "qqqq|xxxx"; then
		fail "line drawing came out as letters (ACS not understood)"
		return 1
	fi
	if [[ $l == C ]] && shows "$name" "$BLOCKS"; then
		fail "block glyphs in the C locale"
		return 1
	fi
	if [[ $t == xterm-mono || $t == vt100 ]] && colours "$name"; then
		fail "colour on a terminal without colours"
		return 1
	fi
	if [[ $t == xterm-256color ]] && ! colours "$name"; then
		fail "no colour on xterm-256color"
		return 1
	fi
	gone "$VPID" && fail "shmtop died" && return 1
	return 0
}

t_suspend_resume() {
	local k id
	k=$(key 2)
	writer "$k" -i 0.2 || return 1
	id=$(shmid "$k")
	view shell 100 30 "env PS1='prompt> ' TERM=screen LANG=C.UTF-8 bash --norc -i" || return 1
	see shell "prompt>" || return 1
	keys shell "$SHMTOP -k $k" Enter
	see shell "RUNNING" || return 1
	see shell "shmid +$id( |$)" || return 1
	keys shell C-z
	see shell "Stopped" || return 1
	shows shell "RUNNING" && fail "the dashboard is still on screen after Ctrl-Z" && return 1
	keys shell "fg" Enter
	see shell "RUNNING" || return 1
	see shell "shmid +$id( |$)" || return 1
	shows shell "Stopped" && fail "the shell's lines were not repainted over" && return 1
	keys shell q
	see shell "prompt> *$" || return 1
	until_ok 5 nattch_is "$id" 1 || fail "nattch did not drop after q"
}

run_cases t_matrix t_suspend_resume
