#!/bin/bash
# SPDX-License-Identifier: MIT
# Each program's options are the same in its --help, its man page's OPTIONS
# section and its bash completion: every option (short and long, paired as
# "-k, --key") listed in one is listed in the others.
# With --shape, it checks instead that --help has the usual GNU shape: a
# "Usage: PROG [OPTION]..." line, options in groups, and examples.
#   pkg_options.sh [--shape] SOURCE_DIR SHMTOP SHMWRITER   exit 77: no groff
set -u
shape=0
[[ $1 == --shape ]] && { shape=1; shift; }
SRC=$1
declare -A BIN=([shmtop]=$2 [shmwriter]=$3)
command -v groff >/dev/null || { echo "SKIP: no groff"; exit 77; }
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
errors=0
fail() { echo "FAIL: $*"; errors=$((errors + 1)); }

# Option entries from lines that start an option's description: "-k --key",
# "--ascii", "-D --daemon", one per line, sorted.
entries() {
	sed -nE 's/^ {1,8}(-[[:alnum:]?], )?(--[a-z][a-z-]*).*/\1\2/p' | sed 's/, / /' | sort -u
}

# The options bash completes after "-", as "-k --key" pairs where both exist.
completion_words() { # PROG
	bash -c '
		_init_completion() { cur=${COMP_WORDS[COMP_CWORD]}; prev=${COMP_WORDS[COMP_CWORD-1]}; split=false; }
		_filedir() { :; }
		complete() { :; }
		source "$1" || exit 1
		COMP_WORDS=("$2" -) COMP_CWORD=1
		"_$2" && printf "%s\n" "${COMPREPLY[@]}"' _ "$SRC/assets/shmtop.bash-completion" "$1"
}

for prog in shmtop shmwriter; do
	"${BIN[$prog]}" --help >"$TMP/help.txt" 2>&1 || fail "$prog --help exits $?"
	entries <"$TMP/help.txt" >"$TMP/help"
	if ((shape)); then
		head -1 "$TMP/help.txt" | grep -q "^Usage: $prog \[OPTION\]" ||
			fail "$prog --help: first line is not 'Usage: $prog [OPTION]...'"
		groups=$(grep -c '^[A-Z][A-Za-z ]*:$' "$TMP/help.txt")
		((groups >= 2)) || fail "$prog --help: options not in groups (headings like 'Segment:')"
		grep -q '^Examples:$' "$TMP/help.txt" || fail "$prog --help: no 'Examples:'"
		grep -A20 '^Examples:$' "$TMP/help.txt" | grep -q "^  $prog" ||
			fail "$prog --help: no example command under 'Examples:'"
		echo "$prog --help: checked, $groups headings"
		continue
	fi
	groff -man -Tascii -rLL=500n -P-cbou "$SRC/assets/$prog.1" 2>/dev/null |
		sed -n '/^OPTIONS$/,/^[A-Z]/p' | entries >"$TMP/man"
	[[ -s $TMP/help ]] || fail "$prog --help: no options found"
	[[ -s $TMP/man ]] || fail "$prog.1: no options found in OPTIONS"
	before=$errors
	if ! diff -u --label "$prog --help" --label "$prog.1 OPTIONS" "$TMP/help" "$TMP/man"; then
		fail "$prog: --help and the man page list different options"
	fi
	# The completion offers the same words, short and long.
	completion_words "$prog" | sort -u >"$TMP/compl" || fail "$prog: completion failed"
	tr ' ' '\n' <"$TMP/help" | sort -u >"$TMP/help_words"
	if ! diff -u --label "$prog --help" --label "$prog completion" "$TMP/help_words" "$TMP/compl"; then
		fail "$prog: --help and the bash completion list different options"
	fi
	((errors == before)) && echo "$prog: $(wc -l <"$TMP/help") options the same in --help, $prog.1 and the completion"
done
((errors == 0)) || { echo "$errors failure(s)"; exit 1; }
