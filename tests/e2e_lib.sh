# SPDX-License-Identifier: MIT
# Shared helpers for the end-to-end tests (sourced, not run).  The caller
# sets SHMTOP, WRITER (absolute paths) and RUN (a name unique to the run);
# sourcing sets BASE, this run's block of keys (key N is BASE + N, N from 1
# to 255).  Each viewer runs in a tmux server of its own; every wait polls
# with a deadline; everything made is removed on exit.
SERVERS=() PIDS=() KEYS=() CLEANUPS=() TEST_USERS=() TEST_GROUPS=()

# The run's block of 256 keys, by the scheme of tests/testutil.h (see there):
# a marker segment on the block's first key, made with IPC_CREAT|IPC_EXCL so
# that only one run wins it, in a block where no other key holds a segment;
# removed last at exit.  Prints "BASE SHMID", or fails.
claim_keys() {
	python3 - <<'PY'
import ctypes, errno, random
libc = ctypes.CDLL(None, use_errno=True)
PREFIX, SLOTS, IPC_CREAT, IPC_EXCL, IPC_RMID = 0x73000000, 255, 0o1000, 0o2000, 0
start = random.randrange(0x10000)
for i in range(0x10000):
    base = PREFIX | ((start + i) & 0xffff) << 8
    shmid = libc.shmget(base, 64, IPC_CREAT | IPC_EXCL | 0o600)
    if shmid < 0:
        continue  # another run's block
    def used(k):
        return libc.shmget(k, 0, 0) >= 0 or ctypes.get_errno() != errno.ENOENT
    if any(used(base + k) for k in range(1, SLOTS + 1)):
        libc.shmctl(shmid, IPC_RMID, None)
        continue
    print(base, shmid)
    break
PY
}
read -r BASE KEYS_MARKER < <(claim_keys)
if [[ -z ${KEYS_MARKER:-} ]]; then
	echo "e2e_lib: cannot claim a block of keys (python3 and SysV IPC needed)"
	exit 1
fi

e2e_cleanup() {
	local s p k c
	for s in "${SERVERS[@]}"; do tmux -L "$s" kill-server 2>/dev/null; done
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null; done
	for k in "${KEYS[@]}"; do
		for id in $(ipcs -m | awk -v k="$k" '$1 == k { print $2 }'); do ipcrm -m "$id"; done
		# the writer lock a killed writer leaves, or a test's semaphore set
		for id in $(ipcs -s | awk -v k="$k" '$1 == k { print $2 }'); do ipcrm -s "$id"; done
		# a test's message queue on the key
		for id in $(ipcs -q | awk -v k="$k" '$1 == k { print $2 }'); do ipcrm -q "$id"; done
	done
	local u g
	for u in "${TEST_USERS[@]}"; do pkill -u "$u"; done
	for u in "${TEST_USERS[@]}"; do
		until_ok 5 userdel "$u" 2>/dev/null || echo "could not remove user $u"
	done
	for g in "${TEST_GROUPS[@]}"; do groupdel "$g"; done
	for c in "${CLEANUPS[@]}"; do eval "$c"; done
	ipcrm -m "$KEYS_MARKER" 2>/dev/null
}
trap e2e_cleanup EXIT

# The full screen saves its settings on quit when a key changed one: each
# viewer keeps them in a folder of its own (view() makes it), never in the
# home of the user running the tests, so that a sort one case changes does
# not start the next case's viewer on it (e2e_settings.sh unsets
# XDG_CONFIG_HOME and sets its own homes).
CONFIG_BASE=$(mktemp -d "${TMPDIR:-/tmp}/shmtop-config.XXXXXX") || exit 1
XDG_CONFIG_HOME=$CONFIG_BASE
export XDG_CONFIG_HOME
CLEANUPS+=("rm -rf '$CONFIG_BASE'")

fail() { echo "    FAIL: $*"; return 1; }

# key N: this run's Nth key, as ipcs prints it.
key() { printf '0x%08x' $((BASE + $1)); }

# shmid KEY / bytes KEY / nattch_of SHMID / cpid_of SHMID: from ipcs.
shmid() { ipcs -m | awk -v k="$1" '$1 == k { print $2 }'; }
bytes() { ipcs -m | awk -v k="$1" '$1 == k { print $5 }'; }
nattch_of() { ipcs -m | awk -v i="$1" '$2 == i { print $6 }'; }
has_segment() { [[ -n $(shmid "$1") ]]; }
cpid_of() { ipcs -m -p | awk -v i="$1" '$1 == i { print $3 }'; }
# gone PID: the process has exited (a zombie not yet reaped counts as gone).
gone() {
	local st
	st=$(sed -n 's/.*) \(.\) .*/\1/p' "/proc/$1/stat" 2>/dev/null)
	[[ -z $st || $st == Z || $st == X ]]
}
nattch_is() { [[ $(nattch_of "$1") == "$2" ]]; }

# until_ok SECONDS CMD...: run CMD every 0.1 s (every $POLL s if set) until
# it succeeds or time is up.
until_ok() {
	local end=$((SECONDS + $1))
	shift
	while ! "$@"; do
		((SECONDS > end)) && return 1
		sleep "${POLL:-0.1}"
	done
}

# writer KEY [ARGS]: start shmwriter in the background; sets WPID.
writer() {
	local k=$1
	shift
	KEYS+=("$k")
	"$WRITER" -k "$k" "$@" >/dev/null 2>&1 &
	WPID=$!
	PIDS+=("$WPID")
	until_ok 10 has_segment "$k" || fail "writer on $k did not start"
}

# view NAME COLS ROWS CMD: run CMD in a fresh tmux server NAME; sets VPID.
view() {
	local s="$RUN-$1"
	SERVERS+=("$s")
	if [[ -n ${XDG_CONFIG_HOME:-} ]]; then
		XDG_CONFIG_HOME=$(mktemp -d "$CONFIG_BASE/view.XXXXXX") || return 1
	fi
	tmux -L "$s" -f /dev/null new-session -d -x "$2" -y "$3" "exec $4" || return 1
	tmux -L "$s" set-option -g remain-on-exit off >/dev/null
	VPID=$(tmux -L "$s" list-panes -F '#{pane_pid}')
	[[ -n $VPID ]] || fail "no pane pid"
}
screen() { tmux -L "$RUN-$1" capture-pane -p 2>/dev/null; }
keys() { tmux -L "$RUN-$1" send-keys "${@:2}"; }
shows() { screen "$1" | grep -Eq -- "$2"; }

# see NAME REGEX [SECONDS]: wait until the screen matches REGEX.
see() {
	until_ok "${3:-10}" shows "$1" "$2" && return 0
	echo "    timed out waiting for /$2/; the screen:"
	screen "$1" | sed 's/^/    | /'
	return 1
}

# The object list (shmtop -a) in tmux server NAME.  Other
# segments come and go on a busy host (other tests, other programs), so its
# rows are found by what they show, never by their position.

# selected NAME: the selected (reverse video) row of the list.
# (the footer, the last line, is left out: its bar's keys are reversed too)
selected() {
	tmux -L "$RUN-$1" capture-pane -p -e | head -n -1 | grep -E $'\e\\[([0-9]+;)*7m' | sed 's/\x1b\[[0-9;]*m//g'
}
# column NAME COLUMN: that column of the segment rows on screen, as numbers
# (hex keys, and lsipc's K and M sizes, converted), one a line; the rows of
# another IPC namespace's segments, blank in SHMID, OWNER and PERMS, left out.
column() {
	screen "$1" | awk -v c="$2" '
		function hex(s,  i, n) {
			n = 0
			for (i = 3; i <= length(s); i++) n = n * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1
			return n
		}
		/ other ns / { next } # of another IPC namespace: no shmid, owner, mode
		NR > 3 && $1 ~ /^0x[0-9a-f]+$/ && length($1) == 10 {
			v = $c; m = 1
			if (v ~ /^0x/) { printf "%.0f\n", hex(v); next }
			if (v ~ /K$/) m = 1024; else if (v ~ /M$/) m = 1048576
			sub(/[KM]$/, "", v); printf "%.0f\n", v * m }'
}
# ordered NAME COLUMN asc|desc: the rows on screen (two or more) are in
# that order by COLUMN.
ordered() {
	column "$1" "$2" | awk -v d="$3" 'NR > 1 && (d == "asc" ? $1 + 0 < p : $1 + 0 > p) { bad = 1 }
		{ p = $1 + 0 } END { exit bad || NR < 2 }'
}
# sel_line NAME: the screen line (from 0) of the selected row, or -1.
sel_line() {
	local n
	n=$(tmux -L "$RUN-$1" capture-pane -p -e | head -n -1 | grep -nE $'\e\\[([0-9]+;)*7m' | cut -d: -f1 |
		awk '$1 > 3 { print $1 - 1; exit }')
	echo "${n:--1}"
}

# select_key NAME KEY / select_col NAME COLUMN VALUE: move the selection to
# the row with KEY (or VALUE in COLUMN), in a list sorted by that column
# either way: to the row if it is on screen, else a page towards it; again
# until it is the selected one, as rows appear and vanish around it.
select_key() { select_col "$1" 1 "$2"; }
select_col() {
	local end=$((SECONDS + 30)) want cur at sel first last before n=0
	want=$(($3))
	keys "$1" Home
	while ((SECONDS < end)); do
		# (seen, rarely, on a loaded host under strace: the screen without
		# its selected row for 10 s and more while the list ticked on; a
		# full repaint, Ctrl-L, is logged and tried before failing)
		until_ok 3 test -n "$(selected "$1")" || {
			echo "    no selected row on screen for 3 s: Ctrl-L" >&2
			keys "$1" C-l
			until_ok 7 test -n "$(selected "$1")"
		} || {
			fail "no selected row"
			screen "$1" | sed 's/^/    | /'
			return 1
		}
		cur=$(selected "$1" | awk -v c="$2" '{ print $c }')
		[[ $cur == "$3" ]] && return 0
		before=$(screen "$1")
		at=$(awk -v c="$2" -v v="$3" 'NR > 3 && $c == v { print NR - 1; exit }' <<<"$before")
		sel=$(sel_line "$1")
		first=$(column "$1" "$2" | head -1) last=$(column "$1" "$2" | tail -1)
		if [[ -n $at ]] && ((sel >= 0)); then
			if ((at > sel)); then
				tmux -L "$RUN-$1" send-keys -N $((at - sel)) Down
			else
				tmux -L "$RUN-$1" send-keys -N $((sel - at)) Up
			fi
		elif [[ -n $first && -n $last ]] &&
			{ ((first <= last && want > last)) || ((first > last && want < last)); }; then
			keys "$1" NPage
		else
			keys "$1" PPage
		fi
		n=$((n + 1))
		until_ok 2 test "$(screen "$1")" != "$before"
	done
	fail "never selected $3 in column $2 ($n moves)"
	screen "$1" | sed 's/^/    | /'
	return 1
}

# The list screen (shmtop -a) in tmux server SERVER:
# row_of SERVER NAME: the row whose first word is NAME; has_row: there is
# one (a command, for until_ok).
row_of() { screen "$1" | awk -v n="$2" '$1 == n'; }
has_row() { [[ -n $(row_of "$1" "$2") ]]; }
OBJLIST_STATE_FILTER_MAX=128 # objlist_state.h
# filter SERVER TEXT: '/', the old text erased, TEXT, Enter, and the footer
# says so.
filter() {
	keys "$1" /
	tmux -L "$RUN-$1" send-keys -N $((OBJLIST_STATE_FILTER_MAX + 2)) BSpace
	see "$1" "^Filter: _" || return 1
	tmux -L "$RUN-$1" send-keys -l "$2"
	keys "$1" Enter
	see "$1" "^filter: " || return 1
}

# run_cases CASE...: run each case function, print a line each and the
# closing "N passed, N failed, N skipped".  A case that cannot run here
# says why and returns 77.  Returns non-zero if any failed, else 77 (for
# CTest's SKIP_RETURN_CODE) if any was skipped.
run_cases() {
	local t rc passed=0 failed=0 skipped=0
	for t in "$@"; do
		"$t"
		rc=$?
		if ((rc == 0)); then
			echo "ok   $t"
			passed=$((passed + 1))
		elif ((rc == 77)); then
			echo "SKIP $t"
			skipped=$((skipped + 1))
		else
			echo "FAIL $t"
			failed=$((failed + 1))
		fi
	done
	echo "$passed passed, $failed failed, $skipped skipped"
	((failed == 0)) || return 1
	((skipped == 0)) || return 77
}

# stage VAR...: copy the programs named by the variables VAR... (absolute
# paths) into a folder of this run that every user can reach (0755, removed
# at exit), and point each VAR at its copy.  For tests that run programs as
# another user, who cannot reach a build folder under a 0700 home.
stage() {
	local v d
	d=$(mktemp -d "${TMPDIR:-/tmp}/shmtop-stage.XXXXXX") || return 1
	chmod 0755 "$d"
	CLEANUPS+=("rm -rf '$d'")
	for v in "$@"; do
		cp "${!v}" "$d/" || return 1
		printf -v "$v" '%s' "$d/$(basename "${!v}")"
		chmod 0755 "${!v}"
	done
}

# can_add_users: root with useradd, as the tests of other users need.
can_add_users() { [[ $(id -u) -eq 0 ]] && command -v useradd >/dev/null; }

# add_user NAME [USERADD OPTIONS...] / add_group NAME: a user (with no home)
# or group of the test's own; at exit the users' processes are killed, then
# the users and groups removed.
add_user() {
	useradd -M -N "${@:2}" "$1" || return 1
	TEST_USERS+=("$1")
}
add_group() {
	groupadd "$1" || return 1
	TEST_GROUPS+=("$1")
}
