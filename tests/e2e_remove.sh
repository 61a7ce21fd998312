#!/bin/bash
# SPDX-License-Identifier: MIT
# Root's removal from the list (shmtop -a in tmux) against what another
# local user can really do (issue 21), with a root-owned victim file in a
# root folder outside /dev/shm, which must survive with its content and
# inode:
#  - the mount namespace attack: a symlink /dev/shm/D -> the victim's folder,
#    and, in a user and mount namespace of the user's own, a tmpfs on
#    /dev/shm, D/secret.conf there with the victim bind-mounted on it, held
#    by an O_PATH fd.  Listed with its holder; x says why it cannot be
#    removed; y does nothing;
#  - the rename race: a folder /dev/shm/S (its secret.conf mapped) and a
#    symlink /dev/shm/L -> the victim's folder swapped by RENAME_EXCHANGE
#    in a loop, while root tries x, y on the row, again and again
#    (test_objlist makes 2000 tries of the removal itself);
#  - the normal case: another user's plain /dev/shm object goes with x, y;
#  - a file /SYSV<key> of the user's own tmpfs, made the root of its mount
#    namespace, with root's segment's shmid as its inode and mapped: not a
#    holder of the segment in -a --json, not attached in -k --json.
# The user's programs (tests/rmattack.c) are compiled here into a 0755
# folder.  Needs root.
#
# usage: e2e_remove.sh SHMTOP
set -u
SHMTOP=$(realpath "$1")
SRC=$(dirname "$(realpath "$0")")
export LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=screen
unset NO_COLOR ESCDELAY
RUN=rm$$
. "$SRC/e2e_lib.sh"

can_add_users || { echo "SKIP: needs root and useradd"; exit 77; }
command -v cc >/dev/null || { echo "SKIP: needs cc"; exit 77; }
U=shmr$$
add_user "$U" || exit 1
TMP=$(mktemp -d)
chmod 0755 "$TMP"
CLEANUPS+=("rm -rf '$TMP'")
cc -std=gnu11 -O2 -o "$TMP/rmattack" "$SRC/rmattack.c" || exit 1
chmod 0755 "$TMP/rmattack"
stage SHMTOP || exit 1
P=r$$- # this run's names in /dev/shm
CLEANUPS+=("rm -rf /dev/shm/$P*")

# The victim: root's, 0600, in a root folder the user may only search.
VD=$(mktemp -d /var/tmp/shmtop-victim.XXXXXX) || exit 1
chmod 0711 "$VD"
CLEANUPS+=("rm -rf '$VD'")
VICTIM=$VD/secret.conf
echo "root's secret $$" >"$VICTIM"
chmod 0600 "$VICTIM"
VINO=$(stat -c %i "$VICTIM")
victim_ok() {
	[[ -f $VICTIM && $(stat -c %i "$VICTIM") == "$VINO" &&
		$(cat "$VICTIM") == "root's secret $$" ]] ||
		fail "the victim $VICTIM is gone or changed"
}

as_user() { setpriv --reuid="$U" --regid="$(id -g "$U")" --init-groups -- "$@"; }
# attack VAR ARGS...: as the user, ARGS in the background until it says
# "ready PID"; that pid in VAR.
attack() {
	local v=$1
	shift
	as_user "$@" >"$TMP/$v" 2>"$TMP/$v.err" &
	PIDS+=("$!")
	until_ok 10 grep -qs '^ready ' "$TMP/$v" ||
		{ echo "$* did not start: $(cat "$TMP/$v.err")"; return 1; }
	printf -v "$v" '%s' "$(awk '{ print $2 }' "$TMP/$v")"
}

# box_gone SERVER: no removal box on screen.
box_gone() { ! shows "$1" "any key: close|any other key: cancel"; }
# rescan SERVER: 'a', and the heading says the holders are fresh.
rescan() {
	keys "$1" a
	see "$1" "holders <?[01]s ago" 5
}

# Set up every attack before root's viewer starts, so its first scan sees
# them.
as_user ln -s "$VD" "/dev/shm/${P}D" || exit 1
attack NS unshare -Urm sh -c "mount -t tmpfs none /dev/shm &&
	mkdir /dev/shm/${P}D && : >/dev/shm/${P}D/secret.conf &&
	mount --bind $VICTIM /dev/shm/${P}D/secret.conf &&
	exec $TMP/rmattack hold /dev/shm/${P}D/secret.conf" || exit 1
attack RACE "$TMP/rmattack" race "/dev/shm/${P}S" "/dev/shm/${P}L" "$VD" secret.conf || exit 1
as_user sh -c "echo plain >/dev/shm/${P}plain" || exit 1
view list 200 50 "$SHMTOP -a" || exit 1
see list "^F1Help F2Setup F3Search" 60 || exit 1 # the first scan, on a busy host

t_other_mount_namespace() {
	filter list "${P}D/" || return 1
	until_ok 10 has_row list "${P}D/secret.conf" || {
		fail "the namespace's object is not listed"
		screen list | sed 's/^/    | /'
		return 1
	}
	local box=ok
	keys list x
	see list "POSIX object /dev/shm/${P}D/secret.conf" || box=
	see list "cannot be removed by name: it is seen in another mount namespace" 3 || box=
	see list "holders \(scan [0-9<]+s ago\): $NS rmattack \(fd\)" 3 || box=
	keys list y # whatever the box said
	until_ok 5 box_gone list || fail "the box stayed" || return 1
	victim_ok || return 1
	[[ -n $box ]] || return 1
	keys list Escape
}

# Root tries x, y on the racing row until 5 boxes were seen (the row's name
# is S/ or L/ as the last scan found it, and may change under a filter).
t_rename_race() {
	local tries=0 boxes=0 name
	while ((boxes < 5 && tries < 15)); do
		tries=$((tries + 1))
		rescan list || return 1
		filter list "/secret.conf" || return 1
		name=$(screen list | awk -v p="$P" 'index($1, p) == 1 && $1 ~ /[SL]\/secret\.conf$/ { print $1; exit }')
		[[ -n $name ]] || continue
		filter list "$name" || return 1
		has_row list "$name" || continue
		keys list x
		if see list "cannot be removed by name: it is below a sub-folder of /dev/shm" 3; then
			boxes=$((boxes + 1))
		fi
		keys list y
		until_ok 5 box_gone list || fail "the box stayed" || return 1
		victim_ok || return 1
	done
	((boxes == 5)) || fail "only $boxes boxes in $tries tries" || return 1
	kill "$RACE"
	victim_ok || return 1
	keys list Escape
}

t_normal_removal() {
	filter list "${P}plain" || return 1
	until_ok 10 has_row list "${P}plain" || fail "no row ${P}plain" || return 1
	keys list x
	see list "Remove POSIX object /dev/shm/${P}plain\?" || return 1
	see list "owner $U" || return 1
	keys list y
	see list "removed posix ${P}plain" || return 1
	[[ ! -e /dev/shm/${P}plain ]] || fail "/dev/shm/${P}plain is still there" || return 1
	keys list Escape
}

# Root's segment, of a small shmid (shm_next_id: tmpfs numbers inodes from
# 1, so the user's file reaches it in a few thousand creations).
t_fake_sysv_attach() {
	local k id n py i
	k=$(key 1)
	KEYS+=("$k")
	py='import ctypes, sys; print(ctypes.CDLL(None).shmget(int(sys.argv[1], 0), 4096, 0o1600))'
	# (another program's shmget() between the two takes the shmid: again)
	for ((i = 0; i < 20; i++)); do
		n=$((2000 + RANDOM % 8000))
		echo "$n" >/proc/sys/kernel/shm_next_id || return 1
		id=$(python3 -c "$py" "$k")
		[[ $id == "$n" ]] && break
		((id >= 0)) && ipcrm -m "$id"
		id=
		# if ours failed, a private segment takes the shmid instead
		[[ $(cat /proc/sys/kernel/shm_next_id) == -1 ]] ||
			ipcrm -m "$(python3 -c "$py" 0)"
	done
	[[ -n $id ]] || fail "no segment of a small shmid" || return 1
	mkdir "$TMP/mnt" && chown "$U" "$TMP/mnt" || return 1
	attack FAKE "$TMP/rmattack" fakesysv "$TMP/mnt" "$k" "$id" || return 1
	grep -q " $id  *\\/SYSV${k#0x}\$" "/proc/$FAKE/maps" ||
		fail "the user's /SYSV${k#0x} mapping of inode $id is not in its maps" || return 1
	"$SHMTOP" -a --json -n 1 | python3 -c '
import json, sys
key, pid = int(sys.argv[1], 0), int(sys.argv[2])
def k(r):
    return int(r["key"], 0) if isinstance(r["key"], str) else r["key"]
rows = [r for r in json.load(sys.stdin)["sharedmemory"] if r["kind"] == "sysv" and k(r) == key]
assert len(rows) == 1, "no row of key %#x" % key
holders = [h["pid"] for h in rows[0]["holders"] or []]
assert pid not in holders, "the fake /SYSV file made %d a holder: %s" % (pid, holders)
' "$k" "$FAKE" || return 1
	"$SHMTOP" -k "$k" --json -n 1 | python3 -c '
import json, sys
pid = int(sys.argv[1])
att = [p["pid"] for p in json.load(sys.stdin)["attached"] or []]
assert pid not in att, "the fake /SYSV file made %d attached: %s" % (pid, att)
' "$FAKE" || return 1
	kill "$FAKE"
}

run_cases t_other_mount_namespace t_rename_race t_normal_removal t_fake_sysv_attach
