#!/bin/bash
# SPDX-License-Identifier: MIT
# shmtop over a real SSH link: an sshd of our own on 127.0.0.1 (throwaway
# host and user keys, our own config and port), ssh -tt inside tmux, keys
# typed through the link, then the client killed with -9: shmtop must exit
# within a second (SIGHUP from sshd, or EOF/EIO on its terminal) and detach,
# and a writer paused through the link stays paused for the next viewer.
#
# usage: e2e_ssh.sh SHMTOP SHMWRITER   (needs root and openssh-server)
set -u
SHMTOP=$(realpath "$1")
WRITER=$(realpath "$2")
export LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=screen
unset NO_COLOR ESCDELAY
RUN=ssh$$
. "$(dirname "$0")/e2e_lib.sh"

if [[ $(id -u) -ne 0 || ! -x /usr/sbin/sshd ]]; then
	echo "SKIP: needs root and openssh-server (/usr/sbin/sshd)"
	exit 77
fi

DIR=$(mktemp -d)
CLEANUPS+=("rm -rf '$DIR'")
ssh-keygen -q -N '' -t ed25519 -f "$DIR/host" || exit 1
ssh-keygen -q -N '' -t ed25519 -f "$DIR/user" || exit 1
cp "$DIR/user.pub" "$DIR/authorized_keys"
mkdir -p /run/sshd

SSH=(ssh -F /dev/null -i "$DIR/user" -o BatchMode=yes -o StrictHostKeyChecking=no
	-o UserKnownHostsFile=/dev/null -o LogLevel=ERROR)

# Start sshd on a free port; sets PORT.
start_sshd() {
	local try pid
	for try in 1 2 3 4 5; do
		PORT=$((20000 + RANDOM % 20000))
		cat >"$DIR/sshd_config" <<-CONF
			Port $PORT
			ListenAddress 127.0.0.1
			HostKey $DIR/host
			AuthorizedKeysFile $DIR/authorized_keys
			PermitRootLogin prohibit-password
			PasswordAuthentication no
			KbdInteractiveAuthentication no
			UsePAM no
			StrictModes no
			PrintMotd no
			PidFile $DIR/sshd.pid
		CONF
		/usr/sbin/sshd -D -e -f "$DIR/sshd_config" 2>>"$DIR/sshd.log" &
		pid=$!
		PIDS+=("$pid")
		if until_ok 5 "${SSH[@]}" -p "$PORT" root@127.0.0.1 true 2>/dev/null; then
			return 0
		fi
		kill "$pid" 2>/dev/null
	done
	echo "sshd did not start:"
	cat "$DIR/sshd.log"
	return 1
}

# ssh_view NAME KEY: shmtop on KEY through ssh -tt in tmux; VPID is the
# ssh client.  The remote command execs shmtop, so its command line is
# exactly "$SHMTOP -k KEY".
ssh_view() {
	view "$1" 100 30 "${SSH[*]} -tt -p $PORT root@127.0.0.1 \
'exec env TERM=xterm-256color LANG=C.UTF-8 $SHMTOP -k $2'"
}
remote_pid() { pgrep -f -x "$SHMTOP -k $1"; }

t_ssh_view_and_hangup() {
	local k id rpid t0 ms
	k=$(key 1)
	writer "$k" -i 0.1 || return 1
	id=$(shmid "$k")
	ssh_view link "$k" || return 1
	see link "RUNNING" 15 || return 1
	see link "shmid +$id( |$)" || return 1
	until_ok 5 nattch_is "$id" 2 || fail "nattch is not 2 with the remote viewer" || return 1
	rpid=$(remote_pid "$k")
	[[ -n $rpid ]] || fail "no remote shmtop process" || return 1

	keys link p # through the link
	see link "PAUSED" || return 1
	"$SHMTOP" -k "$k" --json -n 1 | grep -q '"state":"paused"' || fail "JSON not paused" ||
		return 1

	# The connection drops: kill the client abruptly.
	t0=$(date +%s%N)
	kill -9 "$VPID"
	until_ok 5 gone "$rpid" || fail "remote shmtop $rpid still running 5 s after the drop" ||
		return 1
	ms=$((($(date +%s%N) - t0) / 1000000))
	echo "    remote shmtop exited ${ms} ms after the ssh client was killed"
	((ms <= 1000)) || fail "took ${ms} ms, more than 1 s" || return 1
	until_ok 2 nattch_is "$id" 1 || fail "nattch did not drop to 1" || return 1
	# Still paused: the viewer's disconnect changed nothing in the writer.
	"$SHMTOP" -k "$k" --json -n 1 | grep -q '"state":"paused"' ||
		fail "writer no longer paused after the disconnect"
}

t_ssh_next_viewer_sees_paused() {
	local k rpid
	k=$(key 1)
	ssh_view again "$k" || return 1
	see again "PAUSED" 15 || return 1
	keys again p
	see again "RUNNING" || return 1
	rpid=$(remote_pid "$k")
	keys again q
	until_ok 5 gone "$VPID" || fail "ssh did not end after q" || return 1
	[[ -z $rpid ]] || until_ok 2 gone "$rpid" || fail "remote shmtop still running after q"
}

start_sshd || exit 1
run_cases t_ssh_view_and_hangup t_ssh_next_viewer_sees_paused
