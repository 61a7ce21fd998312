#!/bin/bash
# SPDX-License-Identifier: MIT
# shmtop under valgrind in a real terminal (tmux, TERM=screen: am without
# smam, where ncurses 6.4 reads outside a line when it writes the last cell
# of a one-column screen), through resizes to 1x1, 1x40 and 40x1 and back,
# in the dashboard, with the help open and in the list; then q back to the
# dashboard and q.  Valgrind
# must report 0 errors (leaks aside).  Exit 77 without valgrind.  Run it on
# the plain build: under ASan valgrind cannot run.
#
# usage: e2e_valgrind.sh SHMTOP SHMWRITER
set -u
SHMTOP=$(realpath "$1")
WRITER=$(realpath "$2")
unset NO_COLOR ESCDELAY
RUN=vg$$
. "$(dirname "$0")/e2e_lib.sh"

if ! command -v valgrind >/dev/null; then
	echo "SKIP: valgrind is not installed"
	exit 77
fi
TMP=$(mktemp -d)
CLEANUPS+=("rm -rf '$TMP'")

# blank NAME: the pane holds nothing, not even an attribute (what shmtop
# leaves at 1x1, where anything before the resize had text or reverse video)
blank() { [[ -z $(tmux -L "$RUN-$1" capture-pane -p -e 2>/dev/null | tr -d ' \n') ]]; }
# resize NAME COLS ROWS: resize the window, and see the viewer redraw.
resize() {
	tmux -L "$RUN-$1" resize-window -x "$2" -y "$3" || return 1
	until_ok 60 sized "$@" && return 0
	echo "    no redraw at $2x$3; the screen:"
	screen "$1" | sed 's/^/    | /'
	return 1
}
# sized NAME COLS ROWS: the pane has that size and shows what the viewer
# draws there, in the view VIEW (set by the caller: dash, help or list).
# tmux keeps only the first column and the cursor's row of a shrunk
# screen, and nothing of it when it grows: each check matches only a redraw.
sized() {
	local got
	got=$(tmux -L "$RUN-$1" display-message -p '#{pane_width}x#{pane_height}')
	[[ $got == "$2x$3" ]] || return 1
	got=$(screen "$1" | tr '\n' '|')
	case "$VIEW-$2x$3" in
	*-1x1) blank "$1" ;;
	list-1x40) [[ $got == s\|S\|K\|* ]] ;;
	*-1x40) [[ $got == "$(printf '%.0s|' {1..19})t|n|$(printf '%.0s|' {1..19})" ]] ;;
	list-40x1) [[ $got == "shmtop - all shared memory"* && ${#got} -le 40 ]] ;;
	*-40x1) [[ $got == *"terminal too small: need 40"* ]] ;;
	dash-*) shows "$1" RUNNING ;;
	help-*) shows "$1" 'shmtop help' ;;
	list-*) shows "$1" SHMID ;;
	esac
}
# cycle NAME: 1x1, 1x40 and 40x1, each followed by the full size.
cycle() {
	local s
	for s in "1 1" "100 40" "1 40" "100 40" "40 1" "100 40"; do
		# shellcheck disable=SC2086
		resize "$1" $s || return 1
	done
}

t_resize_under_valgrind() {
	local k log=$TMP/valgrind.log rc=$TMP/rc errors
	k=$(key 1)
	writer "$k" -i 0.1 || return 1
	view v 100 40 "sh -c 'TERM=screen LANG=C.UTF-8 valgrind --error-exitcode=99 \
--errors-for-leak-kinds=none --log-file=$log $SHMTOP -k $k; echo \$? >$rc'" || return 1
	tmux -L "$RUN-v" set-option -g window-size manual >/dev/null
	VIEW=dash
	see v 'RUNNING' 60 || return 1
	cycle v || return 1
	keys v '?'
	VIEW=help
	see v 'shmtop help' 60 || return 1
	cycle v || return 1
	keys v '?'
	see v 'RUNNING' 60 || return 1
	keys v Tab
	VIEW=list
	see v SHMID 60 || return 1
	cycle v || return 1
	keys v q # the list reached by Tab goes back; q on the first screen quits
	see v 'RUNNING' 60 || return 1
	keys v q
	until_ok 60 test -s "$rc" || { fail "shmtop did not quit on q"; return 1; }
	errors=$(sed -n 's/.*ERROR SUMMARY: \([0-9]*\) errors.*/\1/p' "$log" | tail -1)
	[[ -n $errors ]] || fail "no ERROR SUMMARY in valgrind's log" || return 1
	if [[ $errors != 0 || $(cat "$rc") != 0 ]]; then
		sed 's/^/    | /' "$log" | head -60
		fail "valgrind: $errors errors, exit status $(cat "$rc")"
		return 1
	fi
	echo "    valgrind: 0 errors through 18 resizes in three views"
}

run_cases t_resize_under_valgrind
