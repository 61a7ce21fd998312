#!/bin/bash
# SPDX-License-Identifier: MIT
# shmtop -a, the object list, in tmux: it lists a shmwriter segment
# and a foreign one with ipcs' shmid, size and nattch; a sort key changes
# the order; Enter on the writer's row opens its detail view; the classic
# counter opened from the list shows as a live counter; the detail view's event
# log shows a batch viewer's attach and a pause.
#
# usage: e2e_allsegs.sh SHMTOP SHMWRITER MKSEG
set -u
SHMTOP=$(realpath "$1")
WRITER=$(realpath "$2")
MKSEG=$(realpath "$3")
export LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=screen
unset NO_COLOR ESCDELAY
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

# The screen row of the segment on KEY (the list's first column; a writer's
# lock, a semaphore set, has the key too).
row_of() { screen "$1" | awk -v k="$2" '$1 == k && $3 == "sysv"'; }
# A row shows KEY with ipcs' shmid, size and nattch.
row_matches() {
	local r
	r=$(row_of "$1" "$2")
	[[ -n $r ]] || return 1
	local id size n
	id=$(shmid "$2") size=$(bytes "$2") n=$(nattch_of "$(shmid "$2")")
	awk -v id="$id" -v n="$n" '$2 == id && $3 == "sysv" && $9 == n { ok = 1 } END { exit !ok }' <<<"$r" || return 1
	# the SIZE column in lsipc's units: 16640 bytes is 16.3K, 1024 is 1.0K
	local want
	want=$(awk -v b="$size" 'BEGIN { # rounded half up, as lsipc
		if (b < 1024) printf "%d", b; else if (b < 1048576) printf "%.1fK", int(b * 10 / 1024 + 0.5) / 10;
		else printf "%.1fM", int(b * 10 / 1048576 + 0.5) / 10 }')
	[[ $(awk '{ print $6 }' <<<"$r") == "$want" ]]
}

case_lists_segments() {
	local kw kc
	kw=$(key 1) kc=$(key 2)
	writer "$kw" || return 1
	classic "$kc" || return 1
	view list 140 40 "$SHMTOP -a -d 2" || return 1
	see list "^KEY/NAME[▼▲v^]? +SHMID +KIND +OWNER +PERMS +SIZE[▼▲v^]? +RSS +SWAP +NATTCH +STATUS +CPID +LPID +CTIME +COMMAND" ||
		return 1
	see list "SHMMNI [0-9]+ of [0-9]+ \([0-9.]+%\) +SHMALL .* SHMMAX [0-9]+" || return 1
	# by key, where this run's rows are next to each other
	keys list k
	see list "^KEY/NAME(\^|▲)" || return 1
	select_key list "$kw" || return 1
	until_ok 10 row_matches list "$kw" || { fail "writer row differs from ipcs:"; row_of list "$kw"; ipcs -m | grep "$kw"; return 1; }
	select_key list "$kc" || return 1
	until_ok 10 row_matches list "$kc" || { fail "classic row differs from ipcs:"; row_of list "$kc"; ipcs -m | grep "$kc"; return 1; }
	row_of list "$kw" | grep -q shmwriter || fail "no creator command for the writer" || return 1
	row_of list "$kc" | grep -q mkseg || fail "no creator command for mkseg" || return 1
	# the viewer attached neither: nattch 1 each (the writer, mkseg)
	[[ $(nattch_of "$(shmid "$kw")") == 1 && $(nattch_of "$(shmid "$kc")") == 1 ]] ||
		fail "the list attached a segment" || return 1
}

# Each sort orders the rows on screen (whatever else is on the host); by
# key the writer's lock set comes right after its segment, then the
# counter's key+1, and s or k again reverses.
case_sorting() {
	local kw kc
	kw=$(key 1) kc=$(key 2)
	keys list s
	see list " SIZE(v|▼) " || return 1
	until_ok 5 ordered list 6 desc || fail "not by size, biggest first" || return 1
	keys list s
	see list " SIZE(\^|▲) " || return 1
	until_ok 5 ordered list 6 asc || fail "not by size, smallest first" || return 1
	keys list k
	see list "^KEY/NAME(\^|▲)" || return 1
	until_ok 5 ordered list 1 asc || fail "not by key" || return 1
	select_key list "$kw" || return 1
	keys list Down # the writer's lock: a semaphore set on its key, next to it
	until_ok 5 eval '[[ $(selected list | awk "{ print \$1, \$3 }") == "$kw sysv-sem" ]]' ||
		fail "key: the writer's lock is not right after the writer" || return 1
	keys list Down
	until_ok 5 eval '[[ $(selected list | awk "{ print \$1 }") == "$kc" ]]' ||
		fail "key: the counter is not right after the writer" || return 1
	keys list k
	see list "^KEY/NAMEv|^KEY/NAME▼" || return 1
	until_ok 5 ordered list 1 desc || fail "not by key, reversed" || return 1
	select_key list "$kc" || return 1
	keys list Down
	until_ok 5 eval '[[ $(selected list | awk "{ print \$1 }") == "$kw" ]]' ||
		fail "key reversed: the writer is not right after the counter" || return 1
	keys list k # ascending again for what follows
	see list "^KEY/NAME(\^|▲)" || return 1
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

# graph_max NAME: the max in the history graph's title on the screen.
graph_max() { screen "$1" | sed -n 's/.*history: value  min [0-9]*  max \([0-9]*\).*/\1/p'; }

case_classic_live() {
	local kc a b
	kc=$(key 2)
	keys list q # back to the list
	see list "^KEY/NAME[▼▲v^]? +SHMID" || return 1
	select_key list "$kc" || return 1
	keys list Enter
	# the tutorial's text is its counter: live, its writer unknown, and
	# the history's max advances with it
	see list "RUNNING" || return 1
	see list "writer unknown \\(made by pid [0-9]+; any user may write it\\)" ||
		return 1
	see list "history: value  min [0-9]+  max [0-9]+" || return 1
	a=$(graph_max list)
	[[ $a =~ ^[0-9]+$ ]] || fail "no history max: '$a'" || return 1
	until_ok 5 bash -c "b=\$(tmux -L '$RUN-list' capture-pane -p | sed -n 's/.*history: value  min [0-9]*  max \\([0-9]*\\).*/\\1/p'); ((b > $a))" ||
		fail "counter did not advance from $a" || return 1
	# Left goes back to the list, Tab there goes to the -k key's view
	keys list Left
	see list "^KEY/NAME[▼▲v^]? +SHMID" || return 1
	keys list Tab
	see list "key 0x00002537" || return 1
	keys list Tab
	see list "^KEY/NAME[▼▲v^]? +SHMID" || return 1
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
	see list " SHMID(\^|▲) " || return 1
	select_col list 2 "$id" || return 1
	keys list Enter
	see list "key 0x00000000 +shmid $id" || return 1
	see list "preview: hex, first [0-9]+ of [0-9]+ bytes" || return 1
	see list "^  0000  .*SHMCTRL" || return 1
	keys list Escape
	see list "^KEY/NAME[▼▲v^]? +SHMID" || return 1
	keys list q
	until_ok 5 gone "$VPID" || fail "q on the list did not quit" || return 1
}

run_cases case_lists_segments case_sorting case_open_writer case_event_log case_classic_live \
	case_private_by_shmid
