#!/bin/bash
# SPDX-License-Identifier: MIT
# The man pages render without a warning: groff -man -ww -z, and man -l
# --warnings (man-db) on the source and on the installed, gzipped page.
# Each carries the CMake version in .TH, has the sections a reader looks
# for, and a NAME line that mandb/apropos can parse (lexgrog).
#   pkg_man.sh SOURCE_DIR BUILD_DIR VERSION     exit 77: no groff (skipped)
set -u
SRC=$1 BUILD=$2 VERSION=$3
command -v groff >/dev/null || { echo "SKIP: no groff"; exit 77; }
errors=0
fail() { echo "FAIL: $*"; errors=$((errors + 1)); }
export LC_ALL=C.UTF-8 MANWIDTH=80

declare -A sections=(
	[shmtop.1]="NAME|SYNOPSIS|DESCRIPTION|OPTIONS|KEYS|THE SCREEN|BATCH OUTPUT|ENVIRONMENT|EXIT STATUS|EXAMPLES|SEE ALSO"
	[shmwriter.1]="NAME|SYNOPSIS|DESCRIPTION|OPTIONS|EXIT STATUS|EXAMPLES|SEE ALSO"
	[shmtop-record.5]="NAME|SYNOPSIS|DESCRIPTION|VERSION 3|VERSION 2|THE CONTROL SEGMENT|THE WRITER LOCK|SEE ALSO"
)
for page in shmtop.1 shmwriter.1 shmtop-record.5; do
	name=${page%.*} sec=${page##*.}
	src=$SRC/assets/$page
	[[ -f $src ]] || { fail "no assets/$page"; continue; }
	w=$(groff -man -ww -z "$src" 2>&1)
	[[ -z $w ]] || fail "groff -man -ww -z $page: $w"
	# A text line starting with a space (a forced break) or with ' (taken
	# as a request) is a mistake that groff does not report; in no-fill
	# mode (.nf to .fi: tables) a leading space is the layout.
	awk '/^\.nf/ { nf = 1 } /^\.fi/ { nf = 0 } /^'"'"'/ || (!nf && /^ /) { print FILENAME ":" FNR ": " $0; bad = 1 }
		END { exit !bad }' "$src" && fail "$page: lines starting with a space or '"
	grep -n '[[:space:]]$' "$src" && fail "$page: trailing white space"
	th=$(sed -n 's/^\.TH \([^ ]*\) \([0-9]\) "[^"]*" "\([^"]*\)".*/\1 \2 \3/p' "$src")
	th_want="$(tr a-z A-Z <<<"$name") $sec shmtop $VERSION"
	[[ $th == "$th_want" ]] || fail "$page: .TH says '$th', want '$th_want' (the CMake version)"
	IFS='|' read -ra want <<<"${sections[$page]}"
	for s in "${want[@]}"; do
		grep -q "^\.SH \"\?$s\"\?\$" "$src" || fail "$page: no section $s"
	done
	if command -v man >/dev/null; then
		for f in "$src" "$BUILD/man/$page.gz"; do
			[[ -f $f ]] || { fail "no $f (build the shmtop_man target)"; continue; }
			out=$(man --warnings -l "$f" 2>&1 >/dev/null)
			[[ -z $out ]] || fail "man --warnings -l $f: $out"
			man -l "$f" 2>/dev/null | grep -q "^NAME" || fail "man -l $f shows no NAME"
		done
	fi
	# SEE ALSO: each of shmtop's own pages it names exists, and both
	# programs' pages name the record's format.
	for ref in $(sed -n '/^\.SH SEE ALSO/,$ { s/\\-/-/g; s/^\.BR \(shm\(top\|writer\)[a-z-]*\) (\([0-9]\)).*/\1.\3/p; }' "$src"); do
		[[ -f $SRC/assets/$ref ]] || fail "$page: SEE ALSO names ${ref%.*}(${ref##*.}), which is not in assets/"
	done
	[[ $sec == 1 ]] && ! grep -qx '\.BR shmtop\\-record (5),\?' "$src" &&
		fail "$page: SEE ALSO does not name shmtop-record(5)"
	if command -v lexgrog >/dev/null; then
		lexgrog "$src" | grep -q "\"$name - " || fail "lexgrog cannot parse NAME of $page: $(lexgrog "$src")"
	fi
	echo "$page: $(groff -man -Tutf8 "$src" 2>/dev/null | wc -l) lines rendered"
done
((errors == 0)) || { echo "$errors failure(s)"; exit 1; }
