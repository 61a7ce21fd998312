#!/bin/bash
# SPDX-License-Identifier: MIT
# The setup screen (F2) with the real binary in tmux: it opens from the
# list and from a segment's dashboard, lists the settings with their
# values; a change applies at once (the sort re-sorts the list and its
# title mark moves, a column turned off leaves the list, colour off leaves
# no SGR colour in capture-pane -e, the delay shows in the bar); Esc, q and
# F2 go back without quitting; the changes are in shmtoprc after q;
# --no-config writes nothing.
#
# usage: e2e_setup.sh SHMTOP SHMWRITER
set -u
SHMTOP=$(realpath "$1")
WRITER=$(realpath "$2")
export LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=screen
unset NO_COLOR ESCDELAY
RUN=setup$$
. "$(dirname "$0")/e2e_lib.sh"

header() { screen "$1" | sed -n 4p; }
colored() { tmux -L "$RUN-$1" capture-pane -p -e | grep -q $'\e\\[[0-9;]*3[0-7]m'; }
quit_view() {
	keys "$1" q
	until_ok 10 gone "$VPID" || fail "the viewer did not quit"
}

# setting FILE NAME: NAME's value in the settings file FILE ("name=value"
# lines, '#' comments), or nothing.
setting() {
	local name value
	while IFS='=' read -r name value; do
		[[ $name == \#* || -z $name ]] && continue
		[[ $name == "$2" ]] && printf '%s\n' "$value"
	done <"$1"
}

case_from_list() {
	local k1 k2 cfg rc
	k1=$(key 1) k2=$(key 2)
	writer "$k1" || return 1
	writer "$k2" || return 1
	view list 120 40 "$SHMTOP -a -F ${k1:0:8}" || return 1
	cfg=$XDG_CONFIG_HOME
	see list "F1Help F2Setup F3Search" || return 1
	see list "SIZE▼" || return 1
	keys list F2
	see list "^shmtop setup" || return 1
	see list "^ Sort column +SIZE$" || return 1
	see list "^ Sort direction +descending" || return 1
	see list "^ Delay +0\\.5 s$" || return 1
	see list "^ Colour +on$" || return 1
	see list "^ Mouse +off$" || return 1
	# Right: the next column (RSS, biggest first); Esc back: re-sorted
	keys list Right
	see list "^ Sort column +RSS$" || return 1
	keys list Escape
	see list "F1Help F2Setup F3Search" || return 1
	see list "RSS▼" || return 1
	[[ $(header list) != *"SIZE▼"* ]] || fail "the mark stayed on SIZE: $(header list)" || return 1
	! gone "$VPID" || fail "Esc quit" || return 1
	# the columns' checklist: OWNER off leaves the list
	[[ $(header list) == *OWNER* ]] || fail "no OWNER to begin with" || return 1
	keys list F2
	see list "^shmtop setup" || return 1
	keys list Down Down Down Down Enter
	see list "^ \\[x\\] OWNER" || return 1
	keys list Down Down Down Space
	see list "^ \\[ \\] OWNER" || return 1
	keys list Escape # closes the checklist
	see list "^ Columns +KEY,ID,KIND,PERMS,SIZE," || return 1
	keys list F2 # back, as Esc
	see list "F1Help F2Setup F3Search" || return 1
	until_ok 5 bash -c "[[ \$(tmux -L '$RUN-list' capture-pane -p | sed -n 4p) != *OWNER* ]]" ||
		fail "OWNER still shown: $(header list)" || return 1
	[[ $(header list) == "KEY/NAME "*"KIND "*"PERMS"* ]] || fail "header: $(header list)" || return 1
	quit_view list || return 1
	rc=$cfg/shmtop/shmtoprc
	[[ -f $rc ]] || fail "no $rc" || return 1
	[[ $(setting "$rc" sort) == rss ]] || fail "sort: $(cat "$rc")" || return 1
	[[ $(setting "$rc" sort_direction) == descending ]] || fail "direction: $(cat "$rc")" ||
		return 1
	[[ $(setting "$rc" columns) == KEY,ID,KIND,PERMS,SIZE,RSS,SWAP,NATTCH,STATUS,CPID,LPID,CTIME,COMMAND ]] ||
		fail "columns: $(cat "$rc")" || return 1
	[[ -z $(setting "$rc" color) ]] || fail "colour written, not changed: $(cat "$rc")"
}

case_from_dashboard() {
	local k cfg rc
	k=$(key 3)
	writer "$k" || return 1
	view seg 100 30 "$SHMTOP -k $k" || return 1
	cfg=$XDG_CONFIG_HOME
	see seg "RUNNING" || return 1
	see seg "F2Setup F10Quit$" || return 1
	until_ok 5 colored seg || fail "no colour on the dashboard to begin with" || return 1
	keys seg F2
	see seg "^shmtop setup" || return 1
	keys seg q # back, not quit
	see seg "RUNNING" || return 1
	! gone "$VPID" || fail "q on the setup screen quit" || return 1
	keys seg F2
	see seg "^shmtop setup" || return 1
	keys seg Down Down Right # the delay, one step up
	see seg "^ Delay +1\\.0 s$" || return 1
	keys seg Down Down Down Space # colour off
	see seg "^ Colour +off$" || return 1
	keys seg F1
	see seg "shmtop help: setup" || return 1
	keys seg x # any key closes the help
	see seg "^ Colour +off$" || return 1
	keys seg Escape
	see seg "RUNNING" || return 1
	see seg "Delay 1\\.0s" || return 1
	! colored seg || fail "colour after colour off: $(tmux -L "$RUN-seg" capture-pane -p -e | grep RUNNING | cat -v)" || return 1
	quit_view seg || return 1
	rc=$cfg/shmtop/shmtoprc
	[[ $(setting "$rc" color) == off ]] || fail "colour: $(cat "$rc")" || return 1
	[[ $(setting "$rc" delay) == 10 ]] || fail "delay: $(cat "$rc")" || return 1
	[[ -z $(setting "$rc" sort) ]] || fail "sort written, not changed: $(cat "$rc")"
}

case_no_config() {
	local cfg
	view nc 120 40 "$SHMTOP -a --no-config" || return 1
	cfg=$XDG_CONFIG_HOME
	see nc "SIZE▼" || return 1
	keys nc F2
	see nc "^shmtop setup" || return 1
	keys nc Right Escape
	see nc "RSS▼" || return 1
	quit_view nc || return 1
	[[ -z $(ls -A "$cfg") ]] || fail "--no-config wrote: $(ls -AR "$cfg")"
}

run_cases case_from_list case_from_dashboard case_no_config
