#!/bin/bash
# SPDX-License-Identifier: MIT
# The object list (shmtop -a), every shared memory object, in tmux, with real
# objects of every kind, each held by a tests/shmobj of its own: a POSIX
# object mapped, a memfd, a /dev/shm object unlinked while mapped, a POSIX
# semaphore, one held by an fd only; and a POSIX orphan (nobody holds it)
# and a SysV orphan (its creator exited), beside a shmwriter segment.
#  - every kind is listed with its size, resident bytes (from stat, and
#    /proc/sysvipc/shm) and holders; the holders' pids in the removal box
#    are the helper's and the writer's;
#  - orphans are flagged, and the orphans-only view (O) shows them alone;
#  - '/' narrows the list, Esc restores it; -F starts the screen narrowed;
#  - F9 then n leaves an object; F9 then y removes it (gone from /dev/shm,
#    from /proc/sysvipc/shm); a writer whose segment is removed stops, and
#    the bottom line says so; a memfd cannot be removed by name, and the
#    box lists its holder's pid instead;
#  - another user's removal of root's objects is refused with the reason,
#    and nothing is removed;
#  - hostile /dev/shm names (space, newline, invalid UTF-8, 255 bytes) keep
#    every column in its place;
#  - 3 s of the interactive list leave the writer segment's lpid, atime
#    and dtime as they were.
#
# usage: e2e_objlist.sh SHMTOP SHMWRITER SHMOBJ
set -u
SHMTOP=$(realpath "$1")
WRITER=$(realpath "$2")
SHMOBJ=$(realpath "$3")
export LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=screen
unset NO_COLOR ESCDELAY
RUN=objlist$$
. "$(dirname "$0")/e2e_lib.sh"
TMP=$(mktemp -d)
CLEANUPS+=("rm -rf '$TMP'")
P=t$$- # this run's names in /dev/shm
CLEANUPS+=("rm -f /dev/shm/$P* /dev/shm/sem.$P*")
COLS=200 ROWS=50

# human BYTES: a size as the list shows it (lsipc's units, rounded half up).
human() {
	awk -v b="$1" 'BEGIN {
		if (b < 1024) printf "%d", b; else if (b < 1048576) printf "%.1fK", int(b * 10 / 1024 + 0.5) / 10;
		else printf "%.1fM", int(b * 10 / 1048576 + 0.5) / 10 }'
}
# The awk that finds the columns under their names in the header line
# (as wide as objlist_view.c makes them; SIZE, RSS and NATTCH right-aligned):
# after it, cellof(C) is column C of a row, spaces trimmed, and hdr the
# header's line number.
HDR_AWK='/^KEY\/NAME/ {
		h = $0; gsub("\342\226\262|\342\226\274|\\^|v ", "@", h) # the sort mark: one cell
		split("KIND 8 SIZE -7 RSS -7 NATTCH -6 STATUS 13", a, " ")
		for (i = 1; i < 10; i += 2) {
			k = a[i]; w = a[i + 1] + 0; at = index(h, " " k) + 1; e = at + length(k)
			if (substr(h, e, 1) == "@") e++
			from[k] = w > 0 ? at : e + w; width[k] = w > 0 ? w : -w
		}
		hdr = NR; next
	}
	function cellof(c,  s) { s = substr($0, from[c], width[c]); gsub(/^ +| +$/, "", s); return s }'
# cell SERVER NAME COLUMN: that column of the row whose first word is NAME.
cell() { screen "$1" | awk -v n="$2" -v c="$3" "$HDR_AWK"' hdr && $1 == n { print cellof(c); exit }'; }
# row_is SERVER NAME KIND SIZE RSS HOLDERS: the row shows them.
row_is() {
	[[ $(cell "$1" "$2" KIND) == "$3" && $(cell "$1" "$2" SIZE) == "$4" &&
		$(cell "$1" "$2" RSS) == "$5" && $(cell "$1" "$2" NATTCH) == "$6" ]]
}
expect_row() {
	until_ok 10 row_is "$@" && return 0
	fail "row $2: want kind $3 size $4 rss $5 holders $6; the screen:"
	screen "$1" | sed 's/^/    | /'
	return 1
}
# resident PATH: st_blocks * 512 of a file (or /proc/PID/fd/N).
resident() { stat -L -c '%b %B' "$1" | awk '{ print $1 * $2 }'; }
size_of() { stat -L -c %s "$1"; }
# map_of PID PATH: the /proc/PID/map_files entry of PID's mapping of PATH.
map_of() {
	local r
	r=$(awk -v p="$2" '{ n = $6; for (i = 7; i <= NF; i++) n = n " " $i } n == p { print $1; exit }' \
		"/proc/$1/maps")
	[[ -n $r ]] && echo "/proc/$1/map_files/$r"
}
# fd_of PID TARGET: the /proc/PID/fd/N whose link is TARGET.
fd_of() {
	local f
	for f in /proc/"$1"/fd/*; do
		[[ $(readlink "$f") == "$2" ]] && { echo "$f"; return 0; }
	done
	return 1
}
# unfilter SERVER: the whole list again (no filter, not orphans only).
unfilter() {
	keys "$1" /
	tmux -L "$RUN-$1" send-keys -N $((OBJLIST_STATE_FILTER_MAX + 2)) BSpace
	keys "$1" Enter
	shows "$1" "^orphans only" && keys "$1" O
	see "$1" "^F1Help F2Setup F3Search"
}
sysv_field() { awk -v id="$1" -v c="$2" 'NR > 1 && $2 == id { print $c }' /proc/sysvipc/shm; }

# hold VAR MODE ARGS...: shmobj holding an object in the background; its
# pid in VAR.
hold() {
	local v=$1
	shift
	"$SHMOBJ" "$@" >"$TMP/$v" 2>"$TMP/$v.err" &
	PIDS+=("$!")
	until_ok 10 test -s "$TMP/$v" || { echo "shmobj $* did not start: $(cat "$TMP/$v.err")"; return 1; }
	printf -v "$v" '%s' "$(awk '{ print $1 }' "$TMP/$v")"
	[[ ${!v} == "$!" ]] || { echo "shmobj $* says pid ${!v}, not $!"; return 1; }
}
hold HP posix "${P}posix" 65536 16384 || exit 1 # mapped read-write
hold HM memfd "${P}memfd" 32768 8192 || exit 1  # mapped, and its fd kept
hold HD deleted "${P}deleted" 20480 4096 || exit 1
hold HF fd "${P}fdonly" 12288 12288 || exit 1 # an fd, no map
hold HS sem "${P}sem" || exit 1
# nobody holds this one: a POSIX orphan
head -c 8192 /dev/zero >"/dev/shm/${P}orphan"
# a SysV orphan: its creator exits at once
KEYS+=("$(key 1)")
"$SHMOBJ" orphan "$(key 1)" 4096 >/dev/null || { echo "cannot make the SysV orphan"; exit 1; }
writer "$(key 2)" || exit 1

t_every_kind() {
	local f k1 k2 id1 id2
	# the kinds of these cases: a writer's lock, a semaphore set on its
	# segment's key, would be a second row of the key (e2e_sysvipc's)
	view list $COLS $ROWS "$SHMTOP -a -d 5 -t sysv,posix,sem,memfd,deleted,file" || return 1
	see list "^KEY/NAME[▼▲v^]? +SHMID +KIND" || return 1
	# the first scan ran at the start: holders are known
	see list "holders [0-9<]+s ago" || return 1
	# SysV, filtered by key: size, resident and nattch as the kernel says
	k1=$(key 1) k2=$(key 2) id1=$(shmid "$k1") id2=$(shmid "$k2")
	filter list "$k2" || return 1
	until_ok 10 eval '[[ $(row_of list "$k2" | awk "{ print \$2, \$3 }") == "$id2 sysv" ]]' ||
		fail "no sysv row for $k2" || return 1
	expect_row list "$k2" sysv "$(human "$(sysv_field "$id2" 4)")" \
		"$(human "$(sysv_field "$id2" 15)")" "$(sysv_field "$id2" 7)" || return 1
	keys list Escape
	filter list "$k1" || return 1
	expect_row list "$k1" sysv "$(human 4096)" "$(human "$(sysv_field "$id1" 15)")" 0 ||
		return 1
	unfilter list || return 1
	filter list "$P" || return 1
	expect_row list "${P}posix" posix "$(human 65536)" \
		"$(human "$(resident "/dev/shm/${P}posix")")" 1 || return 1
	expect_row list "${P}fdonly" posix "$(human 12288)" \
		"$(human "$(resident "/dev/shm/${P}fdonly")")" 1 || return 1
	expect_row list "sem.${P}sem" sem "$(human "$(size_of "/dev/shm/sem.${P}sem")")" \
		"$(human "$(resident "/dev/shm/sem.${P}sem")")" 1 || return 1
	f=$(fd_of "$HM" "/memfd:${P}memfd (deleted)") || fail "no memfd fd in shmobj" || return 1
	expect_row list "${P}memfd" memfd "$(human 32768)" "$(human "$(resident "$f")")" 1 || return 1
	f=$(map_of "$HD" "/dev/shm/${P}deleted (deleted)") || fail "no deleted map" || return 1
	expect_row list "${P}deleted" deleted "$(human 20480)" "$(human "$(resident "$f")")" 1 ||
		return 1
	expect_row list "${P}orphan" posix "$(human 8192)" \
		"$(human "$(resident "/dev/shm/${P}orphan")")" 0 || return 1
	# the heading counts the kinds, /dev/shm's use, the orphans
	see list "^Kinds \(resident/size\): sysv [0-9]+ .* posix [0-9]+ .* sem [0-9]+ +memfd [0-9]+ .*deleted [0-9]+.*/dev/shm [0-9.]+[KMG]? of [0-9.]+[KMG]? \(" ||
		return 1
	see list "orphans [0-9]+ \([0-9.]+[KMG]?\)" || return 1
	keys list Escape
}

# The holders' pids, in the removal box, then n: nothing goes.
t_holders_and_cancel() {
	unfilter list || return 1
	filter list "${P}posix" || return 1
	until_ok 5 has_row list "${P}posix" || fail "no posix row" || return 1
	keys list F9
	see list "Remove POSIX object /dev/shm/${P}posix\?" || return 1
	see list "size 64.0K \(65536 bytes\), owner root" || return 1
	see list "holders \(scan [0-9<]+s ago\): $HP shmobj \(map rw\)" || return 1
	keys list n
	see list "^not removed" || return 1
	[[ -e /dev/shm/${P}posix ]] || fail "n removed the object" || return 1
	keys list Escape
	# the writer's segment: attached by the writer
	filter list "$(key 2)" || return 1
	until_ok 5 has_row list "$(key 2)" || fail "no writer row" || return 1
	keys list x
	see list "Remove SysV segment key $(key 2), shmid $(shmid "$(key 2)")\?" || return 1
	see list "attached \(scan [0-9<]+s ago\): $WPID shmwriter \(map rw" || return 1
	keys list Escape # any other key cancels
	see list "^not removed" || return 1
	has_segment "$(key 2)" || fail "Esc removed the writer's segment" || return 1
	keys list Escape
	# a memfd has no name to remove: the box offers its holders' pids
	filter list "${P}memfd" || return 1
	until_ok 5 has_row list "${P}memfd" || fail "no memfd row" || return 1
	keys list F9
	see list "cannot be removed by name" || return 1
	see list "holders \(scan [0-9<]+s ago\): $HM shmobj \(map rw, fd\)" || return 1
	keys list y
	see list "F1Help F2Setup F3Search" || return 1
	fd_of "$HM" "/memfd:${P}memfd (deleted)" >/dev/null || fail "the memfd went" || return 1
	keys list Escape
}

# Orphans: flagged; O shows them alone (all flagged, ours there, the held
# ones not), with the filter exactly the POSIX orphan.
t_orphans() {
	unfilter list || return 1
	filter list "$P" || return 1
	until_ok 10 eval '[[ $(cell list "${P}orphan" STATUS) == orphan ]]' ||
		fail "the POSIX orphan is not flagged" || return 1
	[[ $(cell list "${P}posix" STATUS) == - ]] || fail "a held object flagged" || return 1
	[[ $(cell list "${P}fdonly" STATUS) == - ]] || fail "an fd-held object flagged" || return 1
	keys list O
	see list "orphans only \| 1 of [0-9]+ \|" || return 1
	[[ $(screen list | awk 'NR > 4 && NF' | grep -cv '^filter: ') == 1 ]] ||
		fail "the orphans-only view is not the one orphan" || return 1
	[[ -n $(row_of list "${P}orphan") ]] || fail "no orphan row" || return 1
	keys list Escape # clears the filter and the toggle
	see list "^F1Help F2Setup F3Search" || return 1
	keys list O
	see list "^orphans only \|" || return 1
	until_ok 10 eval '[[ $(cell list "$(key 1)" STATUS) == orphan ]]' ||
		fail "the SysV orphan is not in the orphans-only view" || return 1
	[[ -z $(row_of list "$(key 2)") && -z $(row_of list "${P}posix") ]] ||
		fail "a held object in the orphans-only view" || return 1
	# every row of that view is an orphan
	screen list | awk "$HDR_AWK"' hdr && NF && !/^orphans only/ {
		if (cellof("STATUS") !~ /orphan/) { print "    not an orphan: " $0; bad = 1 } }
		END { exit bad || !hdr }' || return 1
	keys list O
	see list "^F1Help F2Setup F3Search" || return 1
}

# '/' narrows, Esc restores.
t_filter() {
	unfilter list || return 1
	see list "^F1Help F2Setup F3Search" || return 1
	until_ok 5 has_row list "$(key 2)" || keys list k
	until_ok 5 has_row list "$(key 2)" || fail "no writer row unfiltered" || return 1
	filter list "${P}fd" || return 1
	see list "^filter: ${P}fd \| 1 of [0-9]+ \|" || return 1
	[[ -n $(row_of list "${P}fdonly") && -z $(row_of list "$(key 2)") ]] ||
		fail "the filter did not narrow" || return 1
	keys list Escape
	see list "^F1Help F2Setup F3Search" || return 1
	until_ok 5 has_row list "$(key 2)" || fail "Esc did not restore" || return 1
	# Esc while typing clears too
	keys list /
	tmux -L "$RUN-list" send-keys -l "nothing-matches-$$"
	see list "\(no objects match\)" || return 1
	keys list Escape
	see list "^F1Help F2Setup F3Search" || return 1
	until_ok 5 has_row list "$(key 2)" || fail "Esc did not restore" || return 1
}

# -F sets the list's filter from the start; Esc clears it.  (Not in the
# default cases until options.c takes -F without -b.)
t_filter_option() {
	view opt $COLS $ROWS "$SHMTOP -a -d 5 -F ${P}fd" || return 1
	see opt "^filter: ${P}fd \| 1 of [0-9]+ \|" || return 1
	[[ -n $(row_of opt "${P}fdonly") && -z $(row_of opt "${P}posix") ]] ||
		fail "-F did not narrow" || return 1
	keys opt Escape
	see opt "^F1Help F2Setup F3Search" || return 1
	until_ok 5 has_row opt "${P}posix" || fail "Esc did not restore" || return 1
	keys opt q
}

# F9 then y: gone from /dev/shm, from /proc/sysvipc/shm.
t_remove() {
	unfilter list || return 1
	local id
	filter list "${P}orphan" || return 1
	until_ok 5 has_row list "${P}orphan" || fail "no orphan row" || return 1
	keys list F9
	see list "Remove POSIX object /dev/shm/${P}orphan\?" || return 1
	keys list y
	see list "^removed posix ${P}orphan" || return 1
	[[ ! -e /dev/shm/${P}orphan ]] || fail "still in /dev/shm" || return 1
	see list "\(no objects match\)" || return 1
	keys list Escape
	id=$(shmid "$(key 1)")
	filter list "$(key 1)" || return 1
	until_ok 5 has_row list "$(key 1)" || fail "no SysV orphan row" || return 1
	keys list x
	see list "Remove SysV segment key $(key 1), shmid $id\?" || return 1
	keys list y
	see list "^removed sysv shmid $id" || return 1
	[[ -z $(sysv_field "$id" 1) ]] || fail "shmid $id still in /proc/sysvipc/shm" || return 1
	# A writer's segment removed: the writer stops, and the list says so.
	keys list Escape
	writer "$(key 5)" || return 1
	id=$(shmid "$(key 5)")
	filter list "$(key 5)" || return 1
	until_ok 5 has_row list "$(key 5)" || fail "no row for the writer" || return 1
	keys list x
	see list "Remove SysV segment key $(key 5), shmid $id\?" || return 1
	keys list y
	see list "^removed sysv shmid $id; shmwriter \(pid $WPID\) exited" || return 1
	until_ok 5 gone "$WPID" || fail "the writer did not stop" || return 1
	keys list q
	until_ok 5 gone "$VPID" || fail "q did not quit" || return 1
}

# Another user may not remove root's objects: the reason, and nothing goes.
t_not_owner() {
	local u=shmv$$ k id uid
	can_add_users || { echo "    needs root and useradd"; return 77; }
	add_user "$u" || return 1
	uid=$(id -u "$u")
	stage SHMTOP || return 1
	k=$(key 4)
	KEYS+=("$k")
	python3 -c 'import ctypes, sys
sys.exit(ctypes.CDLL(None).shmget(int(sys.argv[1], 16), 4096, 0o1000 | 0o644) < 0)' "$k" ||
		fail "cannot make a segment on $k" || return 1
	id=$(shmid "$k")
	head -c 4096 /dev/zero >"/dev/shm/${P}owned"
	chmod 0644 "/dev/shm/${P}owned"
	view other $COLS $ROWS "runuser -u $u -- $SHMTOP -a -d 5" || return 1
	see other "^KEY/NAME " || return 1
	filter other "$k" || return 1
	until_ok 10 has_row other "$k" || fail "no row for $k" || return 1
	keys other x
	keys other y
	see other "cannot remove shmid $id: owned by root \(uid 0\), you are uid $uid" || return 1
	[[ $(shmid "$k") == "$id" ]] || fail "another user removed root's segment" || return 1
	keys other Escape
	filter other "${P}owned" || return 1
	until_ok 10 has_row other "${P}owned" || fail "no row for ${P}owned" || return 1
	keys other F9
	see other "Remove POSIX object /dev/shm/${P}owned\?" || return 1
	keys other y
	see other "cannot remove /dev/shm/${P}owned: owned by root \(uid 0\), you are uid $uid" ||
		return 1
	[[ -e /dev/shm/${P}owned ]] || fail "another user removed root's object" || return 1
	keys other q
}

# Names of any bytes keep the columns: KIND, SIZE and NATTCH where they
# belong on every row.
t_hostile_names() {
	local n long
	long=$(printf "${P}%0$((255 - ${#P}))d" 0)
	for n in "${P}a b" "${P}new"$'\n'"line" "${P}bad"$'\xff\xfe' "${P}tab"$'\t'x "$long"; do
		head -c 4096 /dev/zero >"/dev/shm/$n" || fail "cannot make /dev/shm/$n" || return 1
	done
	view hostile $COLS $ROWS "$SHMTOP -a -d 5" || return 1
	see hostile "^KEY/NAME " || return 1
	filter hostile "$P" || return 1
	see hostile '^t[0-9]+-new\\nline ' || return 1
	see hostile '^t[0-9]+-bad\\xff\\xfe ' || return 1
	see hostile '^t[0-9]+-a b ' || return 1
	see hostile '^t[0-9]+-tab\\tx ' || return 1
	see hostile "^${long:0:40} " || return 1 # a name gets 40 cells at most
	# every row between the column names and the footer: its cells in place
	screen hostile | awk "$HDR_AWK"' hdr && NF && !/^filter: / {
		if (cellof("KIND") !~ /^(sysv|posix|sem|memfd|deleted)$/ ||
		    cellof("SIZE") !~ /^[0-9.]+[KMG]?$/ || cellof("NATTCH") !~ /^([0-9]+|-)$/ ||
		    substr($0, from["KIND"] - 1, 1) != " ") { print "    out of place: " $0; bad = 1 }
		rows++ }
		END { exit bad || rows < 8 }' || { screen hostile | sed 's/^/    | /'; return 1; }
	keys hostile q
}

# 3 s of the list attach nothing: the writer's lpid, atime, dtime stay.
t_watching_changes_nothing() {
	local id before after
	id=$(shmid "$(key 2)")
	before=$(awk -v id="$id" 'NR > 1 && $2 == id { print $6, $12, $13 }' /proc/sysvipc/shm)
	[[ -n $before ]] || fail "no writer segment" || return 1
	view watch $COLS $ROWS "$SHMTOP -a -d 1" || return 1
	see watch "^KEY/NAME" || return 1
	sleep 3
	keys watch q
	until_ok 5 gone "$VPID" || fail "q did not quit" || return 1
	after=$(awk -v id="$id" 'NR > 1 && $2 == id { print $6, $12, $13 }' /proc/sysvipc/shm)
	echo "    lpid atime dtime: before $before, after $after"
	[[ $before == "$after" ]] || fail "the list changed lpid/atime/dtime" || return 1
}

# CASES="t_filter t_remove": only those (t_every_kind starts the list)
run_cases ${CASES:-t_every_kind t_holders_and_cancel t_orphans t_filter t_filter_option t_remove t_not_owner \
	t_hostile_names t_watching_changes_nothing}
