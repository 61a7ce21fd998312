#!/bin/bash
# SPDX-License-Identifier: MIT
# htop's keys and looks, in tmux at 80x24 and 120x40: the function-key bar
# fits; F1, ? and h open the current screen's help and any key closes it;
# Esc never quits (it clears, goes back, or says so); q and F10 quit on the
# screen shmtop started on and go back elsewhere; in the list F3 searches
# (n next), F6's menu sorts, < > step the column, I inverts, the sorted
# title is marked, F5 and unknown keys say so, Left/Right scroll sideways;
# rows are coloured by status, not under NO_COLOR.
#
# usage: e2e_keys.sh SHMTOP SHMWRITER MKSEG
set -u
SHMTOP=$(realpath "$1")
WRITER=$(realpath "$2")
MKSEG=$(realpath "$3")
export LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=screen
unset NO_COLOR ESCDELAY
RUN=keys$$
. "$(dirname "$0")/e2e_lib.sh"

footer() { screen "$1" | tail -1; }
header() { screen "$1" | sed -n 4p; }
# line_of NAME TEXT: the screen line holding TEXT, with its attributes.
line_of() { tmux -L "$RUN-$1" capture-pane -p -e | grep -F -- "$2" | head -1; }

case_list_keys() {
	local k1 k2 f
	k1=$(key 1) k2=$(key 2)
	writer "$k1" || return 1
	writer "$k2" || return 1
	view list 80 24 "$SHMTOP -a -F ${k1:0:8} --sort key" || return 1
	see list "^filter: ${k1:0:8} \\| [0-9]+ of [0-9]+ \\| F1Help F2Setup F3Search F4Filter F6SortBy" || return 1
	f=$(footer list)
	((${#f} <= 79)) || fail "the bar is ${#f} cells at 80 columns: $f" || return 1
	[[ $f == *"F10Quit" ]] || fail "no F10Quit at the bar's end: $f" || return 1
	# the sorted column's title, marked (the default sort: key, ascending)
	see list "^KEY/NAME▲" || return 1
	local h
	for h in F1 '?' h; do
		keys list "$h"
		see list "shmtop help: the list" || return 1
		see list "colours: yellow bold orphan" || return 1
		keys list x # any key closes it (and does not remove)
		until_ok 5 bash -c "! tmux -L '$RUN-list' capture-pane -p | grep -q 'shmtop help'" ||
			fail "the help did not close" || return 1
	done
	! shows list "Remove .*\\?" || fail "the key closing the help acted" || return 1
	# Esc clears the filter first; then, on the first screen, says so and never quits
	keys list Escape
	see list "^F1Help F2Setup F3Search" || return 1
	keys list Escape
	see list "Esc: nothing to clear \\(q or F10 quits\\)" || return 1
	! gone "$VPID" || fail "Esc quit" || return 1
	keys list F5
	see list "F5: shmtop has no tree of objects" || return 1
	keys list z
	see list "key z does nothing here \\(F1 lists the keys\\)" || return 1
	# F3: typing jumps to the first match; n the next; Esc clears
	keys list F3
	see list "^Search: _" || return 1
	keys list -l "${k2#0x}"
	keys list Enter
	see list "search: ${k2#0x} \\(n next\\)" || return 1
	[[ $(selected list) == "$k2 "* ]] || fail "search did not select $k2: $(selected list)" ||
		return 1
	keys list F3
	keys list Escape # closes the line and clears the search
	see list "F1Help F2Setup F3Search" || return 1
	# F6's menu: Down from the current sort (KEY/NAME) is SHMID
	keys list F6
	see list "^ Sort by" || return 1
	keys list Down Enter
	see list "^KEY/NAME[▼▲v^]? +SHMID▲" || return 1
	keys list '>'
	see list " KIND▲ " || return 1
	keys list '<' '<'
	see list "^KEY/NAME▲" || return 1
	keys list I
	see list "^KEY/NAME▼" || return 1
	# Left/Right scroll sideways; Esc brings the columns back
	keys list Right Right
	until_ok 5 bash -c "! tmux -L '$RUN-list' capture-pane -p | sed -n 4p | grep -q '^KEY/NAME'" ||
		fail "Right did not scroll: $(header list)" || return 1
	keys list Left Left I
	see list "^KEY/NAME▲" || return 1
	# Enter opens (Right no longer does); F1 there is the dashboard's help
	select_key list "$k1" || return 1
	keys list Enter
	see list "RUNNING" || return 1
	see list "F10Back$" || return 1
	keys list F1
	see list "HOLDS: rw/ro mapped read-write/read-only" || return 1
	keys list z
	see list "RUNNING" || return 1
	keys list Escape # back to the list
	see list "F1Help F2Setup F3Search" || return 1
	select_key list "$k1" || return 1
	keys list Enter
	see list "RUNNING" || return 1
	keys list q # back too
	see list "F1Help F2Setup F3Search" || return 1
	keys list F10
	until_ok 5 gone "$VPID" || fail "F10 on the first screen did not quit" || return 1
}

# At 120x40 the bar has room for more, still in one line.
case_bar_120() {
	view wide 120 40 "$SHMTOP -a" || return 1
	see wide "^F1Help F2Setup F3Search F4Filter F6SortBy F9Remove EnterOpen <>Column IInvert OOrphans aScan TabSegment F10Quit$" ||
		return 1
	keys wide q
	until_ok 5 gone "$VPID" || fail "q did not quit" || return 1
}

# From a segment's view (the first screen), Tab's list goes back on q,
# Esc and F10; q quits there.
case_tab_back() {
	local k
	k=$(key 3)
	writer "$k" || return 1
	view seg 80 24 "$SHMTOP -k $k" || return 1
	see seg "RUNNING" || return 1
	see seg "^F1Help .*F10Quit$" || return 1
	keys seg Tab
	see seg "F10Back$" || return 1
	keys seg q
	see seg "RUNNING" || return 1
	keys seg Tab
	see seg "F10Back$" || return 1
	keys seg Escape
	see seg "RUNNING" || return 1
	keys seg q
	until_ok 5 gone "$VPID" || fail "q on the first screen did not quit" || return 1
}

# A world-writable segment's row is red bold; not under NO_COLOR.
case_colours() {
	local k cpid
	k=$(key 4)
	KEYS+=("$k")
	"$MKSEG" "$k" classic >/dev/null 2>&1 &
	cpid=$!
	PIDS+=("$cpid")
	until_ok 10 has_segment "$k" || fail "mkseg classic on $k did not start" || return 1
	writer "$(key 5)" || return 1 # a bigger row first: the selection is on it
	view col 200 40 "$SHMTOP -a -F ${k:0:8}" || return 1
	see col "^$k " 20 || return 1
	until_ok 10 bash -c "tmux -L '$RUN-col' capture-pane -p -e | grep -F -- '$k' | grep -q $'\\e\\\\[[0-9;]*31m'" ||
		fail "no red on the world-writable row: $(line_of col "$k" | cat -v)" || return 1
	view nocol 200 40 "env NO_COLOR=1 $SHMTOP -a -F ${k:0:8}" || return 1
	see nocol "^$k " 20 || return 1
	sleep 0.5
	! line_of nocol "$k" | grep -q $'\e\\[[0-9;]*3[0-7]m' ||
		fail "a colour under NO_COLOR: $(line_of nocol "$k" | cat -v)" || return 1
}

run_cases case_list_keys case_bar_120 case_tab_back case_colours
