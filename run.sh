#!/bin/sh
# SPDX-License-Identifier: MIT
# shmtop quick start.
#   ./run.sh        install what is missing, build, start shmwriter in the
#                   background and shmtop in the foreground; quitting shmtop
#                   stops the writer.
#   ./run.sh test   install what is missing, then build and run every test:
#                   under ThreadSanitizer (the threaded protocol test),
#                   libFuzzer (bounded), ASan+UBSan, and a plain build last;
#                   then fail if the tests left a SysV object or a /dev/shm
#                   entry behind.
#   ./run.sh bench  install what is missing (and the peers: htop, btop), build,
#                   run the benchmarks (cmake --build build --target bench)
#                   and copy their chart to assets/bench-viewer.svg.
# Works on a fresh Debian 12; uses sudo for apt-get when not run as root.
set -eu
cd "$(dirname "$0")"

PACKAGES="build-essential cmake pkg-config libncurses-dev libsmartcols-dev libcmocka-dev tmux procps util-linux"
TEST_PACKAGES="clang clang-format openssh-server openssh-client strace lintian python3 valgrind locales openjdk-17-jdk-headless python3-pcp libpcp-mmv1 python3-prometheus-client varnish python3-sysv-ipc"
JOBS=$(nproc 2>/dev/null || echo 2)

install_missing() { # packages...
	missing=""
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
			missing="$missing $p"
	done
	[ -z "$missing" ] && return 0
	echo "run.sh: installing$missing"
	sudo=""
	[ "$(id -u)" -eq 0 ] || sudo="sudo"
	$sudo apt-get update -qq
	# varnish starts its own service when installed: the tests run their
	# own varnishd, so it is installed with a policy-rc.d saying "no
	# starts" (invoke-rc.d and deb-systemd-invoke honour it; where there is
	# no systemd its init script would otherwise start varnishd on :6081
	# or fail the install), and systemd's units are left disabled
	policy=""
	case " $missing " in *" varnish "*)
		if [ ! -e /usr/sbin/policy-rc.d ]; then
			policy=/usr/sbin/policy-rc.d
			printf '#!/bin/sh\nexit 101\n' | $sudo tee "$policy" >/dev/null
			$sudo chmod 755 "$policy"
		fi
		;;
	esac
	rc=0
	# shellcheck disable=SC2086
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq $missing >/dev/null || rc=$?
	[ -z "$policy" ] || $sudo rm -f "$policy"
	case " $missing " in *" varnish "*)
		if [ -d /run/systemd/system ]; then
			$sudo systemctl disable --now varnish.service varnishncsa.service >/dev/null 2>&1 || true
		fi
		;;
	esac
	return "$rc"
}

# What a test may leave behind on the host: SysV segments, semaphore sets
# and message queues, /dev/shm entries and POSIX message queues, of root, of this user or of no
# user (a test's user, removed at its end), a line each, sorted; a desktop
# session's own (another user's) are not the tests'.
ipc_objects() {
	me=$(id -un)
	{
		for kind in m:segment s:semaphore-set q:message-queue; do
			ipcs -"${kind%%:*}" | awk -v k="${kind#*:}" -v me="$me" \
				'$1 ~ /^0x/ && ($3 == "root" || $3 == me || $3 ~ /^[0-9]+$/) {
					print k " key " $1 " id " $2 " owner " $3 }'
		done
		find /dev/shm -mindepth 1 -maxdepth 1 \( -user root -o -user "$me" -o -nouser \) \
			-printf '/dev/shm/%P owner %u\n'
		# POSIX message queues, through a mount of this IPC namespace's
		# mqueue file system in a mount namespace of its own (a host
		# need not have /dev/mqueue mounted; nothing is left mounted)
		if [ "$(id -u)" = 0 ] && command -v unshare >/dev/null; then
			unshare --mount --propagation private sh -c '
				d=$(mktemp -d) && mount -t mqueue none "$d" &&
				find "$d" -mindepth 1 -maxdepth 1 \( -user root -o -user "$1" -o -nouser \) \
					-printf "mqueue /%P owner %u\n"
				umount "$d" 2>/dev/null; rmdir "$d"' sh "$me" || true
		fi
	} | sort
}

# Fail if the host holds an IPC object or /dev/shm entry that it did not
# hold before (the list in file $1): a test leaked it.  A viewer killed at
# a test's end detaches its removed segment a moment later, so the check
# is repeated for up to 10 s before it fails.
check_leaks() {
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		leaked=$(ipc_objects | comm -13 "$1" -)
		[ -z "$leaked" ] && return 0
		sleep 1
	done
	echo "run.sh: the tests left these behind (each test removes what it makes):" >&2
	printf '%s\n' "$leaked" | sed 's/^/  /' >&2
	return 1
}

build() { # build DIR [cmake options...]; TARGET=name builds only that
	dir=$1
	shift
	cmake -S . -B "$dir" -DSHMTOP_WERROR="$WERROR" "$@" >/dev/null
	cmake --build "$dir" -j "$JOBS" ${TARGET:+--target "$TARGET"} >/dev/null
}

# Warnings are errors where we test (as in CI), not where a user just wants
# the program: a newer compiler's new warning must not cost them the build.
WERROR=OFF

case "${1:-run}" in
test)
	install_missing $PACKAGES $TEST_PACKAGES
	# libFuzzer's and the sanitizers' runtime, for the clang just installed
	install_missing "libclang-rt-$(clang -dumpversion | cut -d. -f1)-dev"
	WERROR=ON
	before=$(mktemp)
	trap 'rm -f "$before"' EXIT
	ipc_objects >"$before"
	# ThreadSanitizer sees races only within a process: the threaded test
	TARGET=test_seqlock_threads build build-tsan -DSHMTOP_TSAN=ON
	(cd build-tsan && TSAN_OPTIONS=halt_on_error=1 ctest --output-on-failure -R threads)
	# libFuzzer (clang) over the record reader and parsers, and over the view of
	# hostile records, bounded in time
	CC=clang TARGET=fuzz_record build build-fuzz -DSHMTOP_FUZZ=ON
	cmake --build build-fuzz -j "$JOBS" --target fuzz_view fuzz_hsperf fuzz_mmv fuzz_promdb fuzz_vsc >/dev/null
	(cd build-fuzz && ctest --output-on-failure --verbose -j "$JOBS" -R fuzz)
	# every unit and end-to-end test under ASan+UBSan, once; then the plain
	# build's: the unit tests again (other optimisations), the packages, the
	# benchmarks' smoke run and the tests labelled plain (valgrind, kills);
	# the benchmarks are not built with the sanitizers (that stage runs none)
	build build-asan -DSHMTOP_SANITIZE=ON -DSHMTOP_BENCH=OFF
	(cd build-asan && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
		ctest --output-on-failure -LE '^(pkg|bench|plain)$')
	build build
	(cd build && ctest --output-on-failure --verbose -L '^(unit|style|pkg|bench|plain)$')
	check_leaks "$before"
	echo "run.sh: no SysV object, /dev/shm entry or POSIX queue left behind ($(wc -l <"$before") before, as after)"
	;;
run)
	install_missing $PACKAGES
	build build
	pidfile=$(mktemp)
	# -D returns once the writer is ready, or fails with its reason
	./build/src/shmwriter/shmwriter -D --pidfile "$pidfile"
	trap 'kill "$(cat "$pidfile")" 2>/dev/null; rm -f "$pidfile"' EXIT INT TERM
	./build/src/shmtop/shmtop
	;;
bench)
	# the peers the viewer is measured against (procps has top and watch)
	install_missing $PACKAGES htop btop
	WERROR=ON
	build build
	cmake --build build --target bench
	# the chart the README shows, refreshed from this run
	cp build/bench-viewer.svg assets/bench-viewer.svg
	echo "run.sh: assets/bench-viewer.svg updated from this run"
	;;
*)
	echo "usage: ./run.sh [test | bench]" >&2
	exit 2
	;;
esac
