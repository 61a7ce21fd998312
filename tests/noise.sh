#!/bin/bash
# SPDX-License-Identifier: MIT
# Unrelated activity on the host, for testing the tests: a loop that makes
# and removes short-lived SysV segments (hundreds a second: private and
# random keys, sizes from 1 byte to 64 KiB, some attached for a moment, about
# 100 alive at any time), beside two spare viewers of every segment: shmtop
# -a on a screen of its own (tmux) and shmtop -a --json, which attaches
# every shmwriter record it finds.  A test that counts only its own objects
# passes beside it.
#
#   noise.sh SHMTOP [SECONDS]        make noise until killed, or for SECONDS
#   noise.sh SHMTOP -- CMD [ARGS]    run CMD beside the noise; its status
#
# At the end it prints how many segments it made and removed, and the rate.
set -u
SHMTOP=$(realpath "${1:?usage: noise.sh SHMTOP [SECONDS | -- CMD...]}")
shift
RUN=noise$$
. "$(dirname "$0")/e2e_lib.sh"
DIR=$(mktemp -d)
CLEANUPS+=("rm -rf '$DIR'")

# The churn, in Python for speed; its figures go to $DIR/churn on SIGTERM.
# Keys of the tests' allocator (0x73......) are left alone: those are the
# runs' own, and a program that took them would be a bug, not noise.
python3 - "$DIR/churn" <<'PY' &
import ctypes, random, signal, sys, time
libc = ctypes.CDLL(None, use_errno=True)
libc.shmat.restype = ctypes.c_void_p
libc.shmat.argtypes = [ctypes.c_int, ctypes.c_void_p, ctypes.c_int]
libc.shmdt.argtypes = [ctypes.c_void_p]
IPC_CREAT, IPC_EXCL, IPC_RMID, SHM_RDONLY = 0o1000, 0o2000, 0, 0o10000
made = removed = 0
alive = []
t0 = time.monotonic()
stopping = False
def stop(*_):
    # only a flag: the loop finishes its step, so that no segment made or
    # popped is lost between a system call and the list
    global stopping
    stopping = True
signal.signal(signal.SIGTERM, stop)
while not stopping:
    key = 0
    if random.random() < 0.5:
        key = random.randrange(1, 1 << 31)
        if key >> 24 == 0x73:
            continue
    shmid = libc.shmget(ctypes.c_int(key), random.randrange(1, 65536), IPC_CREAT | IPC_EXCL | 0o644)
    if shmid < 0:
        continue
    made += 1
    alive.append(shmid)
    if random.random() < 0.2:
        p = libc.shmat(shmid, None, SHM_RDONLY)
        if p not in (None, ctypes.c_void_p(-1).value):
            libc.shmdt(p)
    while len(alive) > 100:
        libc.shmctl(alive.pop(random.randrange(len(alive))), IPC_RMID, None)
        removed += 1
    time.sleep(0.002)
for shmid in alive:
    libc.shmctl(shmid, IPC_RMID, None)
dt = time.monotonic() - t0
with open(sys.argv[1], "w") as f:
    f.write(f"{made} {removed + len(alive)} {dt:.1f}\n")
PY
CHURN=$!
PIDS+=("$CHURN")
export LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=screen
view spare 120 40 "$SHMTOP -a -d 1" || exit 1
"$SHMTOP" -a --json -d 5 >/dev/null &
JSON=$!
PIDS+=("$JSON")

report() {
	kill "$CHURN" 2>/dev/null
	until_ok 10 test -s "$DIR/churn"
	local made rm secs
	read -r made rm secs <"$DIR/churn"
	gone "$VPID" && echo "noise: the spare shmtop -a ended early"
	gone "$JSON" && echo "noise: the spare shmtop -a --json ended early"
	echo "noise: $made segments made and $rm removed in $secs s" \
		"($(awk -v n="$made" -v t="$secs" 'BEGIN { printf "%.0f", n / t }')/s), beside shmtop -a and shmtop -a --json"
}

if [[ ${1:-} == -- ]]; then
	shift
	"$@"
	rc=$?
	report
	exit $rc
fi
if [[ -n ${1:-} ]]; then
	sleep "$1"
else
	trap 'report; exit 0' TERM INT
	while :; do sleep 1; done
fi
report
