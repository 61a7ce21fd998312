#!/bin/bash
# SPDX-License-Identifier: MIT
# shmtop -a, the all-segments screen, in tmux: it lists a shmwriter segment
# and a foreign one with ipcs' shmid, size and nattch; a sort key changes
# the order; Enter on the writer's row opens its detail view; the classic
# counter opened from the list shows as live text; the detail view's event
# log shows a batch viewer's attach and a pause.
#
# usage: e2e_allsegs.sh SHMTOP SHMWRITER MKSEG
set -u
SHMTOP=$(realpath "$1")
WRITER=$(realpath "$2")
MKSEG=$(realpath "$3")
export LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=screen
unset NO_COLOR ESCDELAY
BASE=$((0x5e900000 | (($$ & 0xfff) << 8)))
RUN=all$$
. "$(dirname "$0")/e2e_lib.sh"

# classic KEY: the tutorial's counter in the background; sets CPID_.
classic() {
	KEYS+=("$1")
	"$MKSEG" "$1" classic >/dev/null 2>&1 &
	CPID_=$!
	PIDS+=("$CPID_")
	until_ok 10 has_segment "$1" || fail "mkseg classic on $1 did not start"
}

# The screen row for KEY (the list's first column).
row_of() { screen "$1" | awk -v k="$2" '$1 == k'; }
# The selected (reverse video) row of the list.
selected() {
	tmux -L "$RUN-$1" capture-pane -p -e | grep -E $'\e\\[([0-9]+;)*7m' | sed 's/\x1b\[[0-9;]*m//g'
}
# The line number (from 0) on screen of KEY's row, or -1.
line_of() { screen "$1" | awk -v k="$2" '$1 == k { n = NR - 1 } END { print n == "" ? -1 : n }'; }
# above NAME KEY1 KEY2: both rows are on screen, KEY1's above KEY2's.
above() {
	local a b
	a=$(line_of "$1" "$2") b=$(line_of "$1" "$3")
	((a >= 0 && b >= 0 && a < b))
}

# select_key NAME KEY / select_col NAME COLUMN VALUE: move the selection to
# the row with KEY (or VALUE in COLUMN): Home, then down.
select_key() { select_col "$1" 1 "$2"; }
select_col() {
	local i
	keys "$1" Home
	for ((i = 0; i < 400; i++)); do
		until_ok 2 test -n "$(selected "$1")" || { fail "no selected row"; return 1; }
		[[ $(selected "$1" | awk -v c="$2" '{ print $c }') == "$3" ]] && return 0
		local before
		before=$(selected "$1")
		keys "$1" Down
		until_ok 10 test "$(selected "$1")" != "$before" || {
			fail "Down moved nothing from: $before"
			screen "$1" | sed 's/^/    | /'
			return 1
		}
	done
	fail "never selected $3 in column $2"
}

# A row shows KEY with ipcs' shmid, size and nattch.
row_matches() {
	local r
	r=$(row_of "$1" "$2")
	[[ -n $r ]] || return 1
	local id size n
	id=$(shmid "$2") size=$(bytes "$2") n=$(nattch_of "$(shmid "$2")")
	awk -v id="$id" -v n="$n" '$2 == id && $6 == n { ok = 1 } END { exit !ok }' <<<"$r" || return 1
	# the SIZE column in lsipc's units: 16640 bytes is 16.3K, 1024 is 1.0K
	local want
	want=$(awk -v b="$size" 'BEGIN { # rounded half up, as lsipc
		if (b < 1024) printf "%d", b; else if (b < 1048576) printf "%.1fK", int(b * 10 / 1024 + 0.5) / 10;
		else printf "%.1fM", int(b * 10 / 1048576 + 0.5) / 10 }')
	[[ $(awk '{ print $5 }' <<<"$r") == "$want" ]]
}

case_lists_segments() {
	local kw kc
	kw=$(key 1) kc=$(key 2)
	writer "$kw" || return 1
	classic "$kc" || return 1
	view list 140 40 "$SHMTOP -a -d 2" || return 1
	see list "^KEY +SHMID +OWNER +PERMS +SIZE +NATTCH +STATUS +CPID +LPID +CTIME +COMMAND" ||
		return 1
	see list "SHMMNI [0-9]+ of [0-9]+ \([0-9.]+%\) +SHMALL .* SHMMAX [0-9]+" || return 1
	see list "^$kw " || return 1
	see list "^$kc " || return 1
	until_ok 10 row_matches list "$kw" || { fail "writer row differs from ipcs:"; row_of list "$kw"; ipcs -m | grep "$kw"; return 1; }
	until_ok 10 row_matches list "$kc" || { fail "classic row differs from ipcs:"; row_of list "$kc"; ipcs -m | grep "$kc"; return 1; }
	row_of list "$kw" | grep -q shmwriter || fail "no creator command for the writer" || return 1
	row_of list "$kc" | grep -q mkseg || fail "no creator command for mkseg" || return 1
	# the viewer attached neither: nattch 1 each (the writer, mkseg)
	[[ $(nattch_of "$(shmid "$kw")") == 1 && $(nattch_of "$(shmid "$kc")") == 1 ]] ||
		fail "the list attached a segment" || return 1
}

# Sorted by size (biggest first) the writer's 16.3K is above the 1.0K
# counter; by key (ascending) the counter's key+1 is below; s again reverses.
case_sorting() {
	local kw kc
	kw=$(key 1) kc=$(key 2)
	see list "sort: size v" || return 1
	until_ok 5 above list "$kw" "$kc" || fail "size: writer not above" || return 1
	keys list s
	see list "sort: size \^" || return 1
	until_ok 5 above list "$kc" "$kw" || fail "size reversed: writer not below" || return 1
	keys list k
	see list "sort: key \^" || return 1
	until_ok 5 above list "$kw" "$kc" || fail "key: writer not above" || return 1
	keys list k
	see list "sort: key v" || return 1
	until_ok 5 above list "$kc" "$kw" || fail "key reversed: writer not below" || return 1
	keys list k # ascending again for what follows
	see list "sort: key \^" || return 1
}

case_open_writer() {
	local kw id
	kw=$(key 1)
	id=$(shmid "$kw")
	select_key list "$kw" || return 1
	keys list Enter
	see list "key $kw +shmid $id" || return 1
	see list "RUNNING" || return 1
	see list "events \(newest last\)" || return 1
}

case_event_log() {
	local kw
	kw=$(key 1)
	# a batch viewer attaches for a moment
	"$SHMTOP" -k "$kw" -b -n 3 -d 3 >/dev/null || fail "batch viewer failed" || return 1
	see list "[0-9]{2}:[0-9]{2}:[0-9]{2} attach: pid [0-9]+ attached" || return 1
	keys list p
	see list "[0-9]{2}:[0-9]{2}:[0-9]{2} pause: paused" || return 1
	see list "PAUSED" || return 1
	keys list p
	see list "resume: resumed" || return 1
}

case_classic_live() {
	local kc a b
	kc=$(key 2)
	keys list q # back to the list
	see list "^KEY +SHMID" || return 1
	select_key list "$kc" || return 1
	keys list Enter
	see list "FOREIGN" || return 1
	see list "preview: text, first 256 of 1024 bytes, then zeros" || return 1
	# the line after the preview's rule is the counter, and it advances
	a=$(screen list | grep -A1 "preview: text" | tail -1 | tr -d ' ')
	[[ $a =~ ^[0-9]+$ ]] || fail "preview is not the counter: '$a'" || return 1
	until_ok 5 bash -c "b=\$(tmux -L '$RUN-list' capture-pane -p | grep -A1 'preview: text' | tail -1 | tr -d ' '); [[ \$b =~ ^[0-9]+\$ ]] && ((b > $a))" ||
		fail "counter did not advance from $a" || return 1
	# Left goes back to the list, Tab there goes to the -k key's view
	keys list Left
	see list "^KEY +SHMID" || return 1
	keys list Tab
	see list "key 0x00002537" || return 1
	keys list Tab
	see list "^KEY +SHMID" || return 1
}

# A key-0 segment (the writer's control segment: private, and dest) opens
# by its shmid, with its bytes as hex ("SHMCTRL" is its magic).
case_private_by_shmid() {
	local kw wpid id
	kw=$(key 1)
	wpid=$(cpid_of "$(shmid "$kw")")
	id=$(ipcs -m -p | awk -v p="$wpid" -v w="$(shmid "$kw")" '$3 == p && $1 != w { print $1 }')
	[[ -n $id ]] || fail "no control segment of writer $wpid" || return 1
	keys list i # by shmid, ascending
	see list "sort: shmid \^" || return 1
	select_col list 2 "$id" || return 1
	keys list Enter
	see list "key 0x00000000 +shmid $id" || return 1
	see list "preview: hex, first [0-9]+ of [0-9]+ bytes" || return 1
	see list "^  0000  .*SHMCTRL" || return 1
	keys list Escape
	see list "^KEY +SHMID" || return 1
	keys list q
	until_ok 5 gone "$VPID" || fail "q on the list did not quit" || return 1
}

run_cases case_lists_segments case_sorting case_open_writer case_event_log case_classic_live \
	case_private_by_shmid
