#!/bin/bash
# SPDX-License-Identifier: MIT
# lintian on the .debs that cpack makes (shmtop, libshmtop0, libshmtop-dev:
# in one run, so that it checks them together as one source's packages), as
# Debian's archive would run it: no error (E:), no warning (W:), and no info
# tag (I:) but those allowed below, each with its reason.  Pedantic tags
# (P:) are shown, not failed.
# Registered for hardened builds without sanitizers.
#   pkg_lintian.sh BUILD_DIR VERSION FORTIFIED
#   exit 77 (skipped): no lintian, or FORTIFIED is 0 (a Debug build: lintian
#   would rightly say hardening-no-fortify-functions)
set -u
BUILD=$1 VERSION=$2 FORTIFIED=$3
command -v lintian >/dev/null || { echo "SKIP: no lintian (apt-get install lintian)"; exit 77; }
((FORTIFIED)) || {
	echo "SKIP: not an optimised build, so not fortified: no package to ship"
	exit 77
}
. "$(dirname "$0")/pkg_lib.sh"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
errors=0
fail() { echo "FAIL: $*"; errors=$((errors + 1)); }

# Info tags left as they are, "tag: why".  None today.
ALLOWED_INFO=()

build_deb "$BUILD" "$TMP/out" "$VERSION" || exit 1
lintian --version
# -L +classification adds lintian's C: facts about the package, the proof
# that it looked at it at all.
lintian --tag-display-limit 0 -I --pedantic -L +classification --color never \
	"${DEBS[@]}" >"$TMP/tags" 2>"$TMP/err"
rc=$?
grep -v '^running with root privileges is not recommended!$' "$TMP/err"
((rc <= 1)) || fail "lintian could not check the package (exit $rc)"
grep -v '^C: ' "$TMP/tags"
for p in shmtop libshmtop0 libshmtop-dev; do
	grep -q "^C: $p: " "$TMP/tags" || fail "lintian reported nothing about $p: did it run?"
done

while IFS= read -r line; do
	[[ $line =~ ^([A-Z]):\ (lib)?shmtop[^:]*:\ ([^ ]+) ]] || continue
	level=${BASH_REMATCH[1]} tag=${BASH_REMATCH[3]}
	case $level in
	E | W) fail "$line" ;;
	I) [[ " ${ALLOWED_INFO[*]%%:*} " == *" $tag "* ]] || fail "$line" ;;
	esac
done <"$TMP/tags"

((errors == 0)) || { echo "$errors failure(s)"; exit 1; }
echo "lintian: clean ($(grep -c '^[EWIP]: ' "$TMP/tags") tags at E, W, I or P)"
