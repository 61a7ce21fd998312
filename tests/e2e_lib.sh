# SPDX-License-Identifier: MIT
# Shared helpers for the end-to-end tests (sourced, not run).  The caller
# sets SHMTOP, WRITER (absolute paths), BASE (the first key of the run) and
# RUN (a name unique to the run).  Each viewer runs in a tmux server of its
# own; every wait polls with a deadline; everything made is removed on exit.
SERVERS=() PIDS=() KEYS=() CLEANUPS=()

e2e_cleanup() {
	local s p k c
	for s in "${SERVERS[@]}"; do tmux -L "$s" kill-server 2>/dev/null; done
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null; done
	for k in "${KEYS[@]}"; do
		for id in $(ipcs -m | awk -v k="$k" '$1 == k { print $2 }'); do ipcrm -m "$id"; done
		# the writer lock a killed writer leaves (a semaphore set on the key)
		for id in $(ipcs -s | awk -v k="$k" '$1 == k { print $2 }'); do ipcrm -s "$id"; done
	done
	for c in "${CLEANUPS[@]}"; do eval "$c"; done
}
trap e2e_cleanup EXIT

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

# until_ok SECONDS CMD...: run CMD every 0.1 s until it succeeds or time is up.
until_ok() {
	local end=$((SECONDS + $1))
	shift
	while ! "$@"; do
		((SECONDS > end)) && return 1
		sleep 0.1
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

# run_cases CASE...: run each case function, print a line each and the
# closing "N passed, N failed"; returns non-zero if any failed.
run_cases() {
	local t passed=0 failed=0
	for t in "$@"; do
		if "$t"; then
			echo "ok   $t"
			passed=$((passed + 1))
		else
			echo "FAIL $t"
			failed=$((failed + 1))
		fi
	done
	echo "$passed passed, $failed failed"
	((failed == 0))
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
