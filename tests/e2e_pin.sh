#!/bin/bash
# SPDX-License-Identifier: MIT
# The screens and the batch outputs pinned (issue 22): every screen at 80x24
# and 132x40 and every batch format, on fixed inputs, compared with the
# golden files in tests/pin/, text: one a capture, a screen as tmux's
# capture-pane -p gives it (SCREEN-COLSxROWS.txt), a batch output with its
# exit status as the last line (named after the format); any difference
# fails with a unified diff.
#
#     PIN_UPDATE=1 tests/e2e_pin.sh     rewrites the golden files (after a
#                                       change meant to show; see git diff)
#
# The inputs (keys of this run's block, objects named after it, found by
# the list's filter so that no other object on the host shows):
#   key 1  shmwriter -i 1000: a version 3 record, running, its count 0
#   key 2  tests/shmwriter2 -i 1000: a version 2 record, likewise
#   key 3  the classic tutorial's text counter: "42\0" in 1024 bytes, 0666,
#          that never changes (so STALLED once read)
#   key 4  a foreign segment: bytes 0..255 eight times (2048), 0644
#   key 5  shmwriter --stdin fed 3 lines: a version 3 record, stopped, its
#          writer gone
#   key 6  tests/pubcounters 8 all hostile still: 8 counters with hostile
#          names, values that never change
#   /pin-PREFIX-posix  a POSIX object (tests/shmobj), 8192 bytes, 4096 touched
#   pin-PREFIX-memfd   a memfd (tests/shmobj), 12288 bytes, 8192 touched
# The programs run by their bare names from a folder of links (PATH), so
# the command lines shown are the same from any build folder.
#
# What legitimately varies is rewritten by norm() below, and only there.
# Root only (the user and group names are root's; skips otherwise).
#
# usage: e2e_pin.sh [SHMTOP SHMWRITER SHMWRITER2 SHMOBJ PUBCOUNTERS]
#        (default: the programs of ./build)
set -u
HERE=$(dirname "$(realpath "$0")")
B=$HERE/../build
SHMTOP=$(realpath "${1:-$B/src/shmtop/shmtop}")
WRITER=$(realpath "${2:-$B/src/shmwriter/shmwriter}")
WRITER2=$(realpath "${3:-$B/tests/shmwriter2}")
SHMOBJ=$(realpath "${4:-$B/tests/shmobj}")
PUB=$(realpath "${5:-$B/tests/pubcounters}")
PIN=$HERE/pin
export LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=screen TZ=UTC
unset NO_COLOR ESCDELAY
if [[ $(id -u) -ne 0 ]]; then
	echo "SKIP: the golden files are root's (user and group names, every process readable)"
	exit 77
fi
RUN=pin$$
# shellcheck source=tests/e2e_lib.sh
. "$HERE/e2e_lib.sh"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/shmtop-pin.XXXXXX") || exit 1
CLEANUPS+=("rm -rf '$TMP'")
mkdir "$TMP/bin"
ln -s "$SHMTOP" "$TMP/bin/shmtop"
ln -s "$WRITER" "$TMP/bin/shmwriter"
ln -s "$WRITER2" "$TMP/bin/shmwriter2"
ln -s "$SHMOBJ" "$TMP/bin/shmobj"
ln -s "$PUB" "$TMP/bin/pubcounters"
export PATH="$TMP/bin:$PATH"

# The run's key prefix (0x73 and 4 hex digits): every key and object name
# of the run holds it, and the list's filter is set to it.
PFX=$(printf '0x%06x' $((BASE >> 8)))
POSIX=pin-$PFX-posix MEMFD=pin-$PFX-memfd
CLEANUPS+=("rm -f '/dev/shm/$POSIX'")
# A file of a known place, so that the list's file kind is never empty
# (the host's own shared files come and go): its summary's shape is fixed.
HSPERF=/tmp/hsperfdata_$RUN
mkdir -p "$HSPERF" && head -c 4096 /dev/zero >"$HSPERF/1"
CLEANUPS+=("rm -rf '$HSPERF'")

# norm [batch|help|box]: what varies between runs and hosts, rewritten
# (norm.pl below, the one place):
#  - this run's keys and prefix made 0x730000NN and 0x730000 (decimal too);
#  - shmids, pids, inodes, device numbers made <shmid>, <pid>, <ino>, <dev>;
#    dates and times fixed-width placeholders; ages <age>;
#  - the host's totals (the list's heading lines, the -a Prometheus totals,
#    --check's counts): every number N; a heading of the list screen is
#    cut at 48 characters (how much of it fits depends on those numbers);
#  - a value in a column of the screen is replaced keeping the columns after
#    it where they were (the padding after a left-aligned one, before a
#    right-aligned one, a rule's ─ run);
#  - a table or JSON array of processes, in pid order (pids wrap around):
#    its rows sorted by their text.
# Modes: "batch": every run of spaces made one (the batch list's columns are
# as wide as their widest cell, a shmid's or pid's); "help": only the box on
# the screen, and where it is (what is under it is pinned without it, and
# cut mid-value); "box": the same for a box as wide as its widest line (a
# question with a shmid in it), its column, border lengths and padding
# dropped.  PIN_HEADING: the batch list's heading line, for --noheadings.
norm() {
	perl "$TMP/norm.pl" "$PFX" "$BASE" "${1:-screen}"
}
cat >"$TMP/norm.pl" <<'PERL'
use strict;
use warnings;
use utf8;
binmode STDIN, ':encoding(UTF-8)';
binmode STDOUT, ':encoding(UTF-8)';
my ($pfx, $base, $mode) = @ARGV;
my %var = map { $_ => 1 } qw(ID SHMID CPID LPID WRITER_PID);
my @heads;    # [name, start, end] of the table heading's columns
my $raw;      # the heading is --raw's: single spaces, cells split on them

sub heading {
	my ($l) = @_;
	@heads = ();
	$raw = $l !~ /  /;
	while ($l =~ /(\S+)/g) {
		my ($name, $s, $e) = ($1, $-[1], $+[1]);
		$name =~ s/[▲▼]$//; # the sorted column's mark
		push @heads, [ $name, $s, $e ];
	}
}
heading($ENV{PIN_HEADING}) if $ENV{PIN_HEADING};

# put LINE START END PH SIDE: LINE with [START, END) replaced by PH, the
# run of filler (spaces, or ─) after it (SIDE "l") or the spaces before it
# (SIDE "r") made longer or shorter to keep what follows where it was.
sub put {
	my ($l, $s, $e, $ph, $side) = @_;
	my $d = length($ph) - ($e - $s);
	my $out = substr($l, 0, $s) . $ph . substr($l, $e);
	if ($side eq 'l') {
		pos($out) = $s + length($ph);
		if ($out =~ /\G(.*?)(  +|─+)/g) {
			my ($at, $n) = ($-[2], length($2));
			my $c = substr($2, 0, 1);
			my $m = $n - $d < 1 ? 1 : $n - $d;
			substr($out, $at, $n) = $c x $m;
		}
	} elsif ($side eq 'r' && $s > 0 && substr($l, 0, $s) =~ /( +)$/) {
		my $n = length($1);
		my $m = $n - $d < 1 ? 1 : $n - $d;
		substr($out, $s - $n, $n) = ' ' x $m;
	}
	return $out;
}

# sorted_items TEXT: the JSON objects of an array's TEXT, sorted.
sub sorted_items {
	my ($a) = @_;
	my $sep = $a =~ /\},(\s*)\{/ ? ",$1" : ",";
	return join($sep, sort split /(?<=\}),\s*(?=\{)/, $a);
}

# sub_all LINE REGEX PH SIDE: put() at every match of REGEX's group 1.
sub sub_all {
	my ($l, $re, $ph, $side) = @_;
	my $from = 0;
	while (1) {
		pos($l) = $from;
		last unless $l =~ /$re/g;
		my ($s, $e) = ($-[1], $+[1]);
		$l = put($l, $s, $e, $ph, $side);
		$from = $s + length($ph);
	}
	return $l;
}

my @in = <STDIN>;
chomp @in;
# "help", "box": only the box on the screen, and where it is (what is under
# it is pinned without it, and cut mid-value by it)
my $boxed = $mode eq 'help' || $mode eq 'box';
while ($boxed) {
	my ($top) = grep { $in[$_] =~ /┌/ } 0 .. $#in;
	@in = ("no box"), last unless defined $top;
	my $c = index($in[$top], '┌');
	my $w = index($in[$top], '┐') - $c + 1;
	my @box = ("box at line " . ($top + 1) . ", column " . ($c + 1));
	for my $i ($top .. $#in) {
		push @box, substr($in[$i], $c, $w);
		last if substr($in[$i], $c, 1) eq '└';
	}
	@in = @box;
	last;
}
my @out;
for my $l (@in) {
	$l =~ s/\Q$pfx\E/0x730000/g;
	for my $n (0 .. 8) {
		my ($d, $c) = ($base + $n, 0x73000000 + $n);
		$l =~ s/\b$d\b/$c/g;
	}
	# the tables of objects: the cells under ID, SHMID (left-aligned), CPID,
	# LPID, WRITER_PID (right-aligned)
	if ($l =~ m{^(KEY|KEY/NAME)[▲▼]? +[A-Z]}) {
		heading($l);
	} elsif (@heads && $l =~ /^(0x730000|pin-| )/ && $l !~ /^ +(PID|\d+ root )/) {
		if ($raw) {
			my @c = split / /, $l, -1;
			for my $i (0 .. $#heads) {
				$c[$i] = '<pid>' if $i < @c && $var{ $heads[$i][0] } && $c[$i] =~ /^\d+$/ && $heads[$i][0] =~ /PID/;
				$c[$i] = '<shmid>' if $i < @c && $heads[$i][0] =~ /^(SHM)?ID$/ && $c[$i] =~ /^\d+$/;
			}
			$l = join ' ', @c;
		} else {
			for my $h (reverse @heads) {
				my ($name, $hs, $he) = @$h;
				next unless $var{$name};
				my $ph = $name =~ /PID/ ? '<pid>' : '<shmid>';
				pos($l) = 0;
				while ($l =~ /(\d+)/g) {
					my ($s, $e) = ($-[1], $+[1]);
					next if $e <= $hs || $s >= $he;
					next if substr($l, $s - 1, 1) =~ /\S/ && $s > 0;
					next if $e < length($l) && substr($l, $e, 1) =~ /\S/;
					$l = put($l, $s, $e, $ph, $name =~ /PID/ ? 'r' : 'l');
					last;
				}
			}
		}
	}
	# dates and times, to placeholders of their widths
	$l =~ s/[A-Z][a-z]{2} [A-Z][a-z]{2} [ 0-9][0-9] [0-9]{2}:[0-9]{2}:[0-9]{2} [0-9]{4}/Www Mmm dd hh:mm:ss yyyy/g;
	$l =~ s/[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}/yyyy-mm-dd hh:mm:ss/g;
	$l =~ s/\b[0-9]{2}:[0-9]{2}:[0-9]{2}\b/hh:mm:ss/g;
	$l =~ s/(?<![:\d])\b[0-9]{2}:[0-9]{2}\b(?!:)/hh:mm/g;
	$l =~ s/"(ctime|atime|dtime|mtime|attach|detach|changed|time|heartbeat|started|otime|send|recv)": ?[0-9.]+/"$1":<time>/g;
	$l =~ s/^(shmtop_\w+_seconds(\{[^}]*\})?) [0-9.]+$/$1 <time>/;
	# ages
	$l = sub_all($l, qr/((?:<?\d+(?:\.\d+)?[smhd])+ ago)(?= ─)/, '<age> ago', 'l');
	$l =~ s/(<?\d+(\.\d+)?[smhd])+ ago/<age> ago/g;
	$l =~ s/"age": ?[0-9.]+/"age":<age>/g;
	# shmids, pids, inodes, devices
	$l = sub_all($l, qr/\bshmid +(\d+)/, '<shmid>', 'l');
	$l =~ s/"(id|shmid)": ?\d+/"$1":<shmid>/g;
	$l =~ s/\b(shmid|id)="\d+"/$1="<shmid>"/g;
	$l = sub_all($l, qr/\b(?:pid|cpid|lpid) +(\d+)/, '<pid>', 'l');
	$l =~ s/"(pid|cpid|lpid|writer_pid|viewer_pid)": ?\d+/"$1":<pid>/g;
	$l = sub_all($l, qr/^ +(\d+) +root /, '<pid>', 'r');
	$l = sub_all($l, qr/\b(\d+) (?:shmobj|shmwriter2?|pubcounters|shmtop) \(/, '<pid>', 'l');
	$l = sub_all($l, qr/\binode +(\d+)/, '<ino>', 'l');
	$l = sub_all($l, qr/\bdevice +(\d+:\d+)/, '<dev>', 'l');
	$l =~ s/"(ino|inode|dev|device)": ?("?)[0-9:]+/"$1":$2<x>/g;
	# the host's totals
	if ($l =~ m{^(shmtop - all shared memory|SysV: |Kinds |SHMMNI |Total |sysv \d|/dev/shm |check: )}) {
		$l =~ s/,? ?\(?\d+ (of \d+ )?process(es)? unreadable\)?//;
		# other programs' waiters and queues (another test's, beside this one)
		$l =~ s/ +\d+ process(es)? blocked on IPC//;
		$l =~ s/\b(sysv-msg \d+): \S+/$1/;
		$l =~ s/\d+(\.\d+)?[BKMGTP]?\b/N/g;
		# a queue kind's bytes only when the host has queues of it; the
		# note of queues known from fds only when no mqueue is mounted
		$l =~ s/\b(sysv-msg|mqueue) N(: N)?/$1 N/g;
		$l =~ s/ \(queues from fds only: [^)]*\)//;
		if ($mode eq 'screen') {
			$l =~ s/ +/ /g;
			$l = substr($l, 0, 48);
		}
	}
	$l =~ s/\bof \d+ match\b/of N match/;
	$l =~ s/^(filter: .* \| \d+ of )\d+/$1N/;
	$l =~ s/^(shmtop_[a-z_]+(\{kind="[a-z-]+"\})?) \d+$/$1 N/;
	$l =~ s/ +/ /g if $mode eq 'batch';
	# a box as wide as its widest line, a shmid's or a pid's: its column,
	# its borders' length and its lines' padding dropped
	if ($mode eq 'box') {
		$l =~ s/, column \d+$//;
		$l =~ s/─+/─/g;
		$l =~ s/  +│$/ │/;
	}
	# arrays of processes, in pid order: sorted by their text
	$l =~ s/("(?:attached|holders)": ?\[)([^\]]*)\]/$1 . sorted_items($2) . "]"/ge;
	push @out, $l;
}
# the rows of a table of processes (attached, holders), in pid order:
# sorted by their text
for my $i (0 .. $#out) {
	next unless $out[$i] =~ /^ +PID USER /;
	my $j = $i + 1;
	$j++ while $j <= $#out && $out[$j] =~ /^ +<pid> /;
	@out[ $i + 1 .. $j - 1 ] = sort @out[ $i + 1 .. $j - 1 ] if $j - $i > 2;
}
print "$_\n" for @out;
PERL
norm </dev/null || { echo "FAIL: norm.pl does not run"; exit 1; }

FAILS=0 DONE=()
# pinned FILE MODE TAKE ARGS...: TAKE ARGS prints a capture (a screen, or a
# batch output); normalized (norm MODE), it is compared with
# tests/pin/FILE.txt.  Another process may touch this test's segments
# meanwhile (a viewer of every segment, shmtop --values: another test on
# the host), so a capture that differs is taken again, up to 3 takes, each
# difference shown; the last one fails.  With PIN_UPDATE=1, FILE is
# written once two takes in a row agree.  (In this shell, not a pipeline's:
# it counts FAILS and DONE.)
pinned() {
	local file=$1 mode=$2 want="$PIN/$1.txt" got="$TMP/$1.txt" prev="$TMP/$1.prev" try
	shift 2
	DONE+=("$file.txt")
	if [[ ${PIN_UPDATE:-} != 1 && ! -e $want ]]; then
		echo "    FAIL: no golden file $want (PIN_UPDATE=1 writes it)"
		FAILS=$((FAILS + 1))
		return 1
	fi
	for try in 1 2 3; do
		"$@" >"$got.raw" || { echo "    take $try of $file failed"; continue; }
		norm "$mode" <"$got.raw" >"$got"
		if [[ ${PIN_UPDATE:-} == 1 ]]; then
			if ((try > 1)) && cmp -s "$got" "$prev"; then
				cp "$got" "$want"
				return 0
			fi
			cp "$got" "$prev"
		else
			cmp -s "$want" "$got" && return 0
			diff -u --label "$want" --label "$file (take $try)" "$want" "$got"
		fi
	done
	echo "    FAIL: $file differs from its golden file (3 takes)"
	FAILS=$((FAILS + 1))
	return 1
}

# settled NAME: the screen, once it is the same (normalized) twice 0.2 s
# apart (the viewer refreshes every 0.1 s); fails after 10 s.
settled() {
	local a b end=$((SECONDS + 10))
	a=$(screen "$1" | norm)
	while ((SECONDS < end)); do
		sleep 0.2
		b=$(screen "$1" | norm)
		[[ -n $b && $a == "$b" ]] && { screen "$1"; return 0; }
		a=$b
	done
	fail "the screen of $1 never settled"
}

# on_screen COLS ROWS REGEX STEP...: shmtop -d 1 in a tmux server of its
# own at COLS x ROWS; each STEP (a function and its arguments, one word,
# split on ':') run on it in turn; REGEX awaited; the settled screen
# printed; the viewer closed.
on_screen() {
	local c=$1 r=$2 want=$3 step rc=0
	shift 3
	view cap "$c" "$r" "shmtop -d 1 ${ARGS[*]}" || return 1
	for step in "$@"; do
		IFS=: read -r -a step <<<"$step"
		"${step[@]}" || { rc=1; break; }
	done
	((rc == 0)) && see cap "$want" && settled cap || rc=1
	close cap
	return "$rc"
}

# screen_shot FILE MODE COLS ROWS REGEX ARGS... [-- STEP...]: pin FILE, a
# capture of shmtop ARGS (on_screen).
screen_shot() {
	local file=$1 mode=$2 c=$3 r=$4 want=$5 steps=()
	shift 5
	ARGS=()
	while (($#)) && [[ $1 != -- ]]; do ARGS+=("$1"); shift; done
	(($#)) && { shift; steps=("$@"); }
	pinned "$file" "$mode" on_screen "$c" "$r" "$want" "${steps[@]}"
}

# run_shmtop ARGS... / run_prog PROGRAM ARGS...: its stdout, stderr and
# exit status.
run_shmtop() { run_prog shmtop "$@"; }
run_prog() {
	"$@" 2>&1
	echo "exit $?"
}

# batch NAME [batch] -- ARGS...: shmtop ARGS (no viewer open) pinned as
# NAME.
batch() {
	local name=$1 sq=
	shift
	[[ $1 == batch ]] && { sq="batch"; shift; }
	[[ $1 == -- ]] && shift
	pinned "$name" "$sq" run_shmtop "$@"
}

# close NAME: the viewer in tmux server NAME ends with its server, so that
# it holds no segment in the next capture.
close() {
	local pid
	pid=$(tmux -L "$RUN-$1" list-panes -F '#{pane_pid}' 2>/dev/null)
	tmux -L "$RUN-$1" kill-server 2>/dev/null
	[[ -z $pid ]] || until_ok 10 gone "$pid" || fail "the viewer of $1 did not exit"
}

# Steps for on_screen, on the server "cap": press KEY and await REGEX;
# filter the list to this run's objects; open the list's row WORD; type
# TEXT.
press() { keys cap "$1" && see cap "$2"; }
to_ours() {
	see cap "^KEY" && filter cap "$PFX" && see cap "12 of [0-9]+"
}
open_row() { pick cap "$1" && keys cap Enter && see cap "── object|── segment"; }
typed() { tmux -L "$RUN-cap" send-keys -l "$1"; }

# pick NAME WORD: Home, then Down until the selected row's first word is
# WORD (the filtered list is short, its order fixed).
pick() {
	local n before
	keys "$1" Home
	for n in $(seq 12); do
		until_ok 3 test -n "$(selected "$1")" || break
		before=$(selected "$1" | awk '{ print $1 }')
		[[ $before == "$2" ]] && return 0
		keys "$1" Down
		until_ok 3 test "$(selected "$1" | awk '{ print $1 }')" != "$before"
	done
	fail "never selected $2 ($n moves)"
}

# --- the inputs --------------------------------------------------------------
# NAME:KEY of each record or segment viewed by key
RECORDS=("v3:$(key 1)" "v2:$(key 2)" "text:$(key 3)" "foreign:$(key 4)" "stopped:$(key 5)"
	"counters:$(key 6)")
K1=$(key 1) K4=$(key 4)
inputs() {
	local r
	for r in "${RECORDS[@]}"; do KEYS+=("${r#*:}"); done
	shmwriter -k "$(key 1)" -i 1000 >/dev/null 2>&1 &
	PIDS+=($!)
	shmwriter2 -k "$(key 2)" -i 1000 >/dev/null 2>&1 &
	PIDS+=($!)
	python3 - "$(key 3)" "$(key 4)" <<'PY' || return 1
import ctypes, sys
libc = ctypes.CDLL(None, use_errno=True)
libc.shmat.restype = ctypes.c_void_p
for key, size, mode, data in ((sys.argv[1], 1024, 0o666, b"42\0"),
                              (sys.argv[2], 2048, 0o644, bytes(range(256)) * 8)):
    i = libc.shmget(int(key, 16), size, 0o1000 | 0o2000 | mode)
    p = libc.shmat(i, None, 0)
    assert i >= 0 and p != ctypes.c_void_p(-1).value, key
    ctypes.memmove(p, data, len(data))
    libc.shmdt(ctypes.c_void_p(p))
PY
	# a record whose writer has exited: 3 lines, 14 bytes counted, stopped
	printf 'one\ntwo\nthree\n' | shmwriter --stdin -k "$(key 5)" -i 0.1 >/dev/null 2>&1 ||
		{ fail "shmwriter --stdin on $(key 5)"; return 1; }
	# a libshmtop publisher of 8 counters with hostile names, never changing
	pubcounters "$(key 6)" 8 all hostile still >"$TMP/pub" 2>&1 &
	PIDS+=($!)
	shmobj posix "$POSIX" 8192 4096 >"$TMP/posix" 2>&1 &
	PIDS+=($!)
	shmobj memfd "$MEMFD" 12288 8192 >"$TMP/memfd" 2>&1 &
	PIDS+=($!)
	until_ok 10 grep -qs '^ready$' "$TMP/pub" || { fail "pubcounters: $(cat "$TMP/pub")"; return 1; }
	until_ok 10 grep -qs '^[0-9]' "$TMP/posix" || { fail "shmobj posix: $(cat "$TMP/posix")"; return 1; }
	until_ok 10 grep -qs '^[0-9]' "$TMP/memfd" || { fail "shmobj memfd: $(cat "$TMP/memfd")"; return 1; }
	# each record read once (whole), so that what is resident is the same
	# whatever reads it first
	for r in v3:1 v2:2 stopped:5 counters:6; do
		until_ok 10 shmtop -k "$(key "${r#*:}")" -b -n 1 >/dev/null ||
			{ fail "no record on $(key "${r#*:}")"; return 1; }
	done
}

# --- the batch formats -------------------------------------------------------
test_batch() {
	local r f0=$FAILS
	for r in "${RECORDS[@]}"; do
		batch "batch-${r%%:*}" -- -k "${r#*:}" -b -n 1
		batch "json-${r%%:*}" -- -k "${r#*:}" --json -n 1
	done
	batch prometheus-k -- -k "$K1" --prometheus
	batch prometheus-a -- -a --prometheus -F "$PFX"
	batch prometheus-values -- -a --prometheus --values -F "$PFX"
	batch list-batch batch -- -a -b -n 1 -F "$PFX"
	batch list-all batch -- -a -b -n 1 -o ALL -F "$PFX"
	batch list-raw batch -- -a -b -n 1 --raw -F "$PFX"
	PIN_HEADING=$(shmtop -a -b -n 1 -F "$PFX" | grep -m1 '^KEY ')
	export PIN_HEADING
	batch list-noheadings batch -- -a -b -n 1 --noheadings -F "$PFX"
	unset PIN_HEADING
	batch list-bytes batch -- -a -b -n 1 --bytes -F "$PFX"
	batch list-values batch -- -a -b -n 1 --values -F "$PFX"
	batch list-columns batch -- -a -b -n 1 -o KEY,ID,SIZE,COUNT --bytes --values -F "$PFX"
	batch list-sort-key batch -- -a -b -n 1 --sort key -F "$PFX"
	batch list-json -- -a --json -n 1 -F "$PFX"
	batch check -- --check
	((FAILS == f0))
}

# --- the options -------------------------------------------------------------
# shmtop ARGS for every option and every pair of options: the exit status
# and what is said on stderr (stdout, the host's objects, is not kept); -n 1
# added where it is allowed, so that a batch ends; -F and this run's prefix
# added to --values --prometheus, which attaches every record it lists.
option_pairs() {
	local o=("-k $(key 9)" "-i 2000000000" "-d 5" "-n 1" --ascii --no-color -b --json -a
		"--sort size" "-o KEY" --raw --noheadings --bytes "-F x" --values --prometheus --check)
	local i j err rc args
	for ((i = 0; i < ${#o[@]}; i++)); do
		for ((j = i; j < ${#o[@]}; j++)); do
			# shellcheck disable=SC2206 # each option, its words
			args=(${o[i]})
			# shellcheck disable=SC2206
			((j > i)) && args+=(${o[j]})
			[[ " ${args[*]} " == *" -n "* || " ${args[*]} " == *" --check "* ]] || args+=(-n 1)
			[[ " ${args[*]} " == *" --values "*" --prometheus "* ]] && args+=(-F "$PFX")
			err=$(timeout 5 shmtop "${args[@]}" 2>&1 >/dev/null </dev/null)
			rc=$?
			printf '%s => %d%s\n' "${args[*]}" "$rc" "${err:+ $err}"
		done
	done
}

test_options() {
	local f0=$FAILS
	batch help-shmtop -- --help
	pinned help-shmwriter "" run_prog shmwriter --help
	pinned options "" option_pairs
	((FAILS == f0))
}

# --- the screens -------------------------------------------------------------
# each at both sizes
SIZES=("80 24" "132 40")

# the view of each record or segment, by key; v3's with its help, the
# counters' with the second counter selected, and v3's in ASCII
test_dashboards() {
	local sz c r rec name k want f0=$FAILS
	for sz in "${SIZES[@]}"; do
		read -r c r <<<"$sz"
		for rec in "${RECORDS[@]}"; do
			name=${rec%%:*} k=${rec#*:}
			case $name in
			foreign) want=FOREIGN ;;
			text) want=STALLED ;; # "42" that never changes
			stopped) want=STOPPED ;;
			*) want=RUNNING ;;
			esac
			screen_shot "$name-${c}x$r" "" "$c" "$r" "$want" -k "$k"
		done
		screen_shot "help-${c}x$r" help "$c" "$r" "shmtop help" -k "$K1" -- "press:?:RUNNING"
		screen_shot "counters-second-${c}x$r" "" "$c" "$r" "selected 2/8" -k "$(key 6)" \
			-- "see:cap:selected 1/8" "keys:cap:Down"
	done
	screen_shot "v3-ascii-80x24" "" 80 24 RUNNING -k "$K1" --ascii
	((FAILS == f0))
}

# the object list, filtered to this run's objects, and the detail view of
# a POSIX object and of a SysV segment opened from it
test_list() {
	local sz c r f0=$FAILS
	for sz in "${SIZES[@]}"; do
		read -r c r <<<"$sz"
		screen_shot "list-${c}x$r" "" "$c" "$r" "$MEMFD" -a -- to_ours
		screen_shot "object-posix-${c}x$r" "" "$c" "$r" "$POSIX" -a -- to_ours "open_row:$POSIX"
		screen_shot "object-sysv-${c}x$r" "" "$c" "$r" "FOREIGN" -a -- to_ours "open_row:$K4"
		screen_shot "remove-sysv-${c}x$r" box "$c" "$r" "y remove" -a -- to_ours \
			"pick:cap:$(key 2)" "keys:cap:x"
		screen_shot "remove-posix-${c}x$r" box "$c" "$r" "y unlink" -a -- to_ours \
			"pick:cap:$POSIX" "keys:cap:x"
		screen_shot "remove-memfd-${c}x$r" box "$c" "$r" "any key: close" -a -- to_ours \
			"pick:cap:$MEMFD" "keys:cap:x"
	done
	# Tab from a record's view to the list and back; the list sorted by
	# key, its orphans alone, its filter being typed
	screen_shot "tab-list-80x24" "" 80 24 "$MEMFD" -k "$K1" -- "press:Tab:^KEY" to_ours
	screen_shot "tab-back-80x24" "" 80 24 "RUNNING" -k "$K1" -- "press:Tab:^KEY" to_ours \
		"keys:cap:Tab"
	screen_shot "list-sort-key-80x24" "" 80 24 "^KEY/NAME▲" -a -- to_ours "keys:cap:k"
	screen_shot "list-orphans-80x24" "" 80 24 "orphan" -a -- to_ours "keys:cap:O"
	screen_shot "list-filter-edit-80x24" "" 80 24 "^Filter: ${PFX}_" -a -- \
		"see:cap:^KEY" "keys:cap:/" "typed:$PFX"
	((FAILS == f0))
}

# the keys whose only trace is a notice, which fades, so not a capture:
# c and a on a record's view, a on an object's
test_notice_keys() {
	local rc=0
	view cap 80 24 "shmtop -d 1 -k $K1" && see cap RUNNING || rc=1
	((rc == 0)) && press c "history cleared" && press a "attached processes: rescanning" || rc=1
	close cap
	view cap 80 24 "shmtop -d 1 -a" && to_ours && open_row "$POSIX" || rc=1
	((rc == 0)) && press a "holders: rescanning" || rc=1
	close cap
	return "$rc"
}

inputs || exit 1
run_cases test_options test_batch test_dashboards test_list test_notice_keys
rc=$?
# a golden file no capture made: a capture lost
for f in "$PIN"/*.txt; do
	[[ -e $f ]] || continue
	n=$(basename "$f")
	[[ " ${DONE[*]} " == *" $n "* ]] && continue
	if [[ ${PIN_UPDATE:-} == 1 ]]; then
		rm "$f"
	else
		echo "FAIL: $n was not captured"
		rc=1
	fi
done
[[ ${PIN_UPDATE:-} == 1 ]] && echo "golden files written to $PIN"
exit "$rc"
