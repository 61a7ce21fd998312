#!/bin/bash
# SPDX-License-Identifier: MIT
# The optional mouse, as htop's, in tmux: off by default (the terminal
# keeps its mouse for copy and paste: tmux's mouse_any_flag is 0), on with
# --mouse or the setting mouse=on, --no-mouse winning over the setting,
# and off again once shmtop has quit.
# On: in the list a click selects a row and a click on the selected row
# opens it, a click on a title sorts by it and again inverts, the wheel
# moves the selection 3 rows, the bar's F10 goes back and quits; a click in
# the removal box closes it and removes nothing.  On a dashboard a click
# selects a counter, the wheel moves the selection, a click on F1 opens the
# help and another closes it, a click in the reset box cancels it.
#
# The clicks are the reports ncurses reads for TERM=screen, whose kmous is
# \E[M (X10: ESC [ M, then 32 + the button, 33 + x, 33 + y; infocmp
# screen), sent as bytes to the pane; with TERM=xterm-256color (kmous
# \E[<, XM asking for mode 1006) SGR's ESC [ < B ; X ; Y M, then m.
#
# usage: e2e_mouse.sh SHMTOP SHMWRITER PUBCOUNTERS
set -u
SHMTOP=$(realpath "$1")
WRITER=$(realpath "$2")
PUB=$(realpath "$3")
export LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=screen
unset NO_COLOR ESCDELAY
RUN=mouse$$
. "$(dirname "$0")/e2e_lib.sh"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/shmtop-mouse.XXXXXX") || exit 1
CLEANUPS+=("rm -rf '$TMP'")

# byte N: the byte of value N (32 to 126 here: x and y below 94).
byte() { printf "\\$(printf %03o "$1")"; }
# report NAME BUTTON X Y: one X10 mouse report at cell X, Y (from 0).
report() {
	(($3 < 94 && $4 < 94)) || fail "no X10 report past cell 93" || return 1
	tmux -L "$RUN-$1" send-keys -l $'\e[M'"$(byte $((32 + $2)))$(byte $((33 + $3)))$(byte $((33 + $4)))"
}
# click NAME X Y: button 1 pressed and released there; wheel NAME DIR X Y:
# a notch of the wheel, up (-1) or down (1).
click() { report "$1" 0 "$2" "$3" && report "$1" 3 "$2" "$3"; }
wheel() { report "$1" $(($2 < 0 ? 64 : 65)) "$3" "$4"; }
mouse_flag() { tmux -L "$RUN-$1" display -p '#{mouse_any_flag}'; }
# x_of NAME LINE TEXT: the cell (from 0) where TEXT starts on screen line LINE (from 1).
x_of() {
	local l
	l=$(screen "$1" | sed -n "$2p")
	[[ $l == *"$3"* ]] || return 1
	l=${l%%"$3"*}
	echo "${#l}"
}
# line_no NAME REGEX: the first screen line (from 1) matching REGEX.
line_no() { screen "$1" | grep -En -- "$2" | head -1 | cut -d: -f1; }

# Off unless asked: no mouse reporting, whatever is clicked.
case_off_by_default() {
	local conf=$TMP/on setting=$TMP/on/shmtop k i
	mkdir -p "$setting" && printf 'mouse=on\n' >"$setting/shmtoprc" || return 1
	# the run's own rows, so that a row to click is there whatever the host has
	for i in 5 6 7; do
		writer "$(key "$i")" || return 1
	done
	k=$(key 5)
	view off 80 24 "$SHMTOP -a -t sysv -F ${k:0:8} --sort key" || return 1
	see off "F1Help F2Setup F3Search" || return 1
	[[ $(mouse_flag off) == 0 ]] || fail "mouse reporting on without --mouse" || return 1
	view on 80 24 "$SHMTOP -a --mouse" || return 1
	see on "F1Help F2Setup F3Search" || return 1
	[[ $(mouse_flag on) == 1 ]] || fail "--mouse: no mouse reporting" || return 1
	view set 80 24 "env XDG_CONFIG_HOME=$conf $SHMTOP -a" || return 1
	see set "F1Help F2Setup F3Search" || return 1
	[[ $(mouse_flag set) == 1 ]] || fail "mouse=on: no mouse reporting" || return 1
	view no 80 24 "env XDG_CONFIG_HOME=$conf $SHMTOP -a --no-mouse" || return 1
	see no "F1Help F2Setup F3Search" || return 1
	[[ $(mouse_flag no) == 0 ]] || fail "--no-mouse did not win over mouse=on" || return 1
	# a click reaching a viewer without the mouse does nothing
	# (the selected row's key: its other cells follow the host)
	local before
	see off "^$(key 7) " || return 1
	before=$(selected off | awk '{print $1}')
	click off 3 6
	click off 3 3
	sleep 0.5
	[[ $(selected off | awk '{print $1}') == "$before" ]] ||
		fail "a click acted with the mouse off: $(selected off)" || return 1
	shows off "^KEY/NAME▲ " ||
		fail "a click on the sorted title inverted it with the mouse off: $(screen off | sed -n 4p)" || return 1
	grep -q '^mouse=on$' "$setting/shmtoprc" || fail "the setting changed" || return 1
	# on quit the terminal gets its mouse back
	view exit 80 24 "sh -c '$SHMTOP -a --mouse -n 10; echo shmtop ended; sleep 30'" || return 1
	see exit "F1Help F2Setup F3Search" || return 1
	[[ $(mouse_flag exit) == 1 ]] || fail "--mouse: no mouse reporting" || return 1
	see exit "^shmtop ended" 30 || return 1
	[[ $(mouse_flag exit) == 0 ]] || fail "mouse reporting left on after quitting" || return 1
}

# first_word: a list row's first word, its KEY/NAME, which names the row
# (its other cells may change from one capture to the next: a shmtop -a
# --json of another test attaches every record for a moment, NATTCH 2)
first_word() { awk '{ print $1 }'; }

case_list() {
	local k i x f
	for i in 1 2 3 4; do
		k=$(key "$i")
		writer "$k" || return 1
	done
	k=$(key 1)
	# the run's block: the marker on its first key, then keys 1 to 4 (-t
	# sysv: the segments, not the writers' locks on the same keys)
	view list 100 24 "$SHMTOP -a -t sysv --mouse -F ${k:0:8} --sort key" || return 1
	see list "^$(key 4) " || return 1
	see list "^KEY/NAME▲" || return 1
	# a click on the third row (screen line 7) selects it
	local want
	want=$(screen list | sed -n 7p | first_word)
	[[ -n $want ]] || fail "no third row" || return 1
	click list 3 6
	until_ok 5 test "$(selected list | first_word)" == "$want" ||
		fail "the click did not select the row: $(selected list)" || return 1
	# the wheel: 3 rows a notch, down from the first row
	keys list Home
	see list "F1Help F2Setup F3Search" || return 1
	want=$(screen list | sed -n 8p | first_word)
	wheel list 1 10 10
	until_ok 5 test "$(selected list | first_word)" == "$want" ||
		fail "the wheel did not move 3 rows: $(selected list)" || return 1
	wheel list -1 10 10
	want=$(screen list | sed -n 5p | first_word)
	until_ok 5 test "$(selected list | first_word)" == "$want" ||
		fail "the wheel up did not come back: $(selected list)" || return 1
	# a click on SIZE's title sorts by it (biggest first), again inverts
	x=$(x_of list 4 SIZE) || fail "no SIZE title" || return 1
	click list $((x + 1)) 3
	see list " SIZE▼ " || return 1
	click list $((x + 1)) 3
	see list " SIZE▲ " || return 1
	x=$(x_of list 4 KEY/NAME) || return 1
	click list "$x" 3
	see list "^KEY/NAME▲" || return 1
	# a click in the removal box: nothing removed
	select_key list "$(key 2)" || return 1
	keys list F9
	see list "Remove SysV segment key $(key 2)" || return 1
	click list 40 12
	see list "not removed" || return 1
	has_segment "$(key 2)" || fail "the click removed $(key 2)" || return 1
	# the bar's F9 asks too (at 100 columns the bar keeps F9Remove beside
	# the filter); a click on the box's first line is no yes
	keys list C-l # the status gives the row back to the bar
	see list "F1Help F2Setup F3Search" || return 1
	f=$(screen list | tail -1)
	x=$(x_of list 24 F9Remove) || fail "no F9Remove on the bar: $f" || return 1
	click list $((x + 1)) 23
	see list "Remove SysV segment key $(key 2)" || return 1
	i=$(line_no list "Remove SysV segment")
	x=$(x_of list "$i" "Remove SysV") || return 1
	click list "$x" $((i - 1))
	see list "not removed" || return 1
	has_segment "$(key 2)" || fail "the click removed $(key 2)" || return 1
	# a click on the selected row opens it; the bar's F10 goes back
	select_key list "$(key 3)" || return 1
	i=$(line_no list "^$(key 3) ")
	click list 3 $((i - 1))
	see list "RUNNING" || return 1
	see list "F10Back$" || return 1
	x=$(x_of list 24 F10Back) || return 1
	click list $((x + 1)) 23
	see list "F1Help F2Setup F3Search" || return 1
	# and F10 of the list's bar quits
	see list "F10Quit$" || return 1
	x=$(x_of list 24 F10Quit) || return 1
	click list $((x + 1)) 23
	until_ok 5 gone "$VPID" || fail "a click on F10Quit did not quit" || return 1
}

case_dashboard() {
	local k out=$TMP/pub x i
	k=$(key 10)
	KEYS+=("$k")
	"$PUB" "$k" 6 >"$out" 2>&1 &
	PIDS+=("$!")
	until_ok 10 grep -q '^ready$' "$out" || fail "pubcounters: $(cat "$out")" || return 1
	view dash 80 50 "$SHMTOP -k $k --mouse" || return 1
	see dash "counters: 6  selected 1/6" || return 1
	i=$(line_no dash "^  c03 ")
	[[ -n $i ]] || fail "no row for c03" || return 1
	click dash 4 $((i - 1))
	see dash "counters: 6  selected 4/6" || return 1
	see dash "^> c03 " || return 1
	wheel dash 1 4 $((i - 1))
	see dash "counters: 6  selected 5/6" || return 1
	wheel dash -1 4 $((i - 1))
	wheel dash -1 4 $((i - 1))
	see dash "counters: 6  selected 3/6" || return 1
	# the bar's F1 opens the help; a click closes it
	i=$(line_no dash "^F1Help")
	[[ -n $i ]] || fail "no bar" || return 1
	click dash 1 $((i - 1))
	see dash "shmtop help" || return 1
	click dash 40 20
	until_ok 5 bash -c "! tmux -L '$RUN-dash' capture-pane -p | grep -q 'shmtop help'" ||
		fail "the click did not close the help" || return 1
	# a click in the reset box cancels it
	keys dash r
	see dash "Reset the count to 0\\?" || return 1
	i=$(line_no dash "Reset the count")
	x=$(x_of dash "$i" "Reset the count") || return 1
	click dash "$x" $((i - 1))
	see dash "reset cancelled" || return 1
	# the bar's F10 quits (the first screen)
	i=$(line_no dash "F10Quit$")
	x=$(x_of dash "$i" F10Quit) || return 1
	click dash $((x + 1)) $((i - 1))
	until_ok 5 gone "$VPID" || fail "a click on F10Quit did not quit" || return 1
}

# As xterm and most terminals report it (SGR 1006): a click selects a row.
case_sgr() {
	local k want
	k=$(key 20)
	writer "$k" || return 1
	writer "$(key 21)" || return 1
	view sgr 80 24 "env TERM=xterm-256color $SHMTOP -a -t sysv --mouse -F ${k:0:8} --sort key" || return 1
	see sgr "^$(key 21) " || return 1
	want=$(screen sgr | sed -n 6p | first_word)
	[[ -n $want && $want != "$(selected sgr | first_word)" ]] || fail "no second row to select" || return 1
	tmux -L "$RUN-sgr" send-keys -l $'\e[<0;4;6M'
	tmux -L "$RUN-sgr" send-keys -l $'\e[<0;4;6m'
	until_ok 5 test "$(selected sgr | first_word)" == "$want" ||
		fail "the SGR click did not select the row: $(selected sgr)" || return 1
}

run_cases case_off_by_default case_list case_dashboard case_sgr
