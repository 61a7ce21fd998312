#!/bin/sh
# SPDX-License-Identifier: MIT
# Every C file given is formatted as .clang-format says: clang-format
# --dry-run -Werror prints each difference and fails.  The style is that of
# clang-format 14 (Debian 12's); another major version formats some
# constructs differently, so it skips rather than fail on the tool.
#
# usage: style_format.sh FILE...
command -v clang-format >/dev/null || { echo "SKIP: no clang-format"; exit 77; }
v=$(clang-format --version | sed -n 's/.*version \([0-9]*\)\..*/\1/p')
[ "$v" = 14 ] || { echo "SKIP: clang-format $v, the style is clang-format 14's"; exit 77; }
clang-format --dry-run -Werror "$@" || {
	echo "style_format: run clang-format -i on the files above" >&2
	exit 1
}
echo "style_format: $# files formatted as .clang-format says"
