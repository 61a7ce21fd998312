#!/bin/bash
# SPDX-License-Identifier: MIT
# The settings file (shmtoprc) with the real binary in tmux: a sort changed
# by a key is kept to the next run; --no-config starts with the default and
# leaves the file alone; a symbolic link planted at the file's path by
# another user is not followed; run with HOME pointing at another user's
# home (as sudo -u USER can leave it), that home is untouched and the
# user's own passwd home is used.  The cases of other users need root.
#
# usage: e2e_settings.sh SHMTOP
set -u
SHMTOP=$(realpath "$1")
WRITER=/bin/true
export LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=screen
unset NO_COLOR ESCDELAY XDG_CONFIG_HOME
RUN=settings$$
. "$(dirname "$0")/e2e_lib.sh"
unset XDG_CONFIG_HOME # the homes below decide

TOP=$(mktemp -d "${TMPDIR:-/tmp}/shmtop-settings.XXXXXX") || exit 1
chmod 0755 "$TOP"
CLEANUPS+=("rm -rf '$TOP'")
RC=.config/shmtop/shmtoprc

# quit_view NAME: q, then wait for the viewer to end.
quit_view() {
	keys "$1" q
	until_ok 10 gone_view "$1" || fail "the viewer did not quit"
}
gone_view() { ! tmux -L "$RUN-$1" has-session 2>/dev/null; }

case_sort_kept() {
	local h=$TOP/me
	mkdir -p "$h" || return 1
	view keep 200 40 "env HOME=$h $SHMTOP -a" || return 1
	see keep 'SIZE▼' || return 1
	keys keep k
	see keep 'KEY/NAME▲' || return 1
	quit_view keep || return 1
	grep -qx 'sort=key' "$h/$RC" || fail "no sort=key in $h/$RC" || return 1
	[[ $(stat -c %a "$h/$RC") == 600 && $(stat -c %a "$h/.config/shmtop") == 700 ]] ||
		fail "modes $(stat -c %a "$h/$RC") $(stat -c %a "$h/.config/shmtop")" || return 1
	view keep2 200 40 "env HOME=$h $SHMTOP -a" || return 1
	see keep2 'KEY/NAME▲' || return 1
	# nothing changed: not rewritten
	local before
	before=$(stat -c %i:%Y "$h/$RC")
	quit_view keep2 || return 1
	[[ $(stat -c %i:%Y "$h/$RC") == "$before" ]] || fail "rewritten with nothing changed"
}

case_no_config() {
	local h=$TOP/nc
	mkdir -p "$h/.config/shmtop" || return 1
	printf 'sort=key\nsort_direction=ascending\n' >"$h/$RC"
	cp "$h/$RC" "$TOP/nc.before"
	view nc 200 40 "env HOME=$h $SHMTOP -a --no-config" || return 1
	see nc 'SIZE▼' || return 1
	keys nc n
	see nc 'NATTCH?▼' # the mark takes a narrow title's last cell || return 1
	quit_view nc || return 1
	cmp -s "$h/$RC" "$TOP/nc.before" || fail "--no-config changed the file"
}

# A bad line: one warning on stderr, the screen starts with the rest.
case_bad_lines() {
	local h=$TOP/bad
	mkdir -p "$h/.config/shmtop" || return 1
	printf 'sort=key\ncolour=on\ndelay=0\n' >"$h/$RC"
	view bad 200 40 "sh -c 'env HOME=$h $SHMTOP -a 2>$TOP/bad.err'" || return 1
	see bad 'KEY/NAME▲' || return 1
	quit_view bad || return 1
	[[ $(wc -l <"$TOP/bad.err") == 1 ]] || fail "stderr: $(cat "$TOP/bad.err")" || return 1
	grep -q "line 2: unknown setting 'colour' (and 1 more lines ignored)" "$TOP/bad.err" ||
		fail "stderr: $(cat "$TOP/bad.err")"
}

case_symlink_planted() {
	can_add_users || { echo "    needs root and useradd"; return 77; }
	local me=shms$$ eve=shme$$ h=$TOP/victim
	add_user "$me" && add_user "$eve" || return 1
	mkdir -p "$h/.config/shmtop" && chown -R "$me" "$h" && chmod 0700 "$h" || return 1
	echo precious >"$TOP/target" && chown "$me" "$TOP/target" || return 1
	ln -s "$TOP/target" "$h/$RC" && chown -h "$eve" "$h/$RC" || return 1
	view sym 200 40 "runuser -u $me -- env HOME=$h $SHMTOP -a" || return 1
	see sym 'SIZE▼' || return 1
	keys sym k
	see sym 'KEY/NAME▲' || return 1
	quit_view sym || return 1
	[[ $(cat "$TOP/target") == precious ]] || fail "the link's target was written" || return 1
	[[ -L $h/$RC ]] || fail "the link was replaced"
}

case_other_home() {
	can_add_users || { echo "    needs root and useradd"; return 77; }
	local alice=shma$$ bob=shmb$$ ha=$TOP/alice hb=$TOP/bob
	mkdir -p "$ha" "$hb" || return 1
	add_user "$alice" -d "$ha" && add_user "$bob" -d "$hb" || return 1
	# alice's home writable by bob, so that only the rule keeps him out
	chown "$alice" "$ha" && chmod 0777 "$ha" && chown "$bob" "$hb" || return 1
	# bob (as sudo -u bob) with alice's HOME: alice's home untouched, bob's own used
	view oh 200 40 "runuser -u $bob -- env HOME=$ha $SHMTOP -a" || return 1
	see oh 'SIZE▼' || return 1
	keys oh k
	see oh 'KEY/NAME▲' || return 1
	quit_view oh || return 1
	[[ -z $(ls -A "$ha") ]] || fail "alice's home changed: $(ls -A "$ha")" || return 1
	grep -qx 'sort=key' "$hb/$RC" || fail "bob's file not written" || return 1
	[[ $(stat -c %U "$hb/$RC") == "$bob" ]] || fail "bob's file owned by $(stat -c %U "$hb/$RC")"
}

stage SHMTOP || { echo "cannot stage shmtop"; exit 1; }
run_cases case_sort_kept case_no_config case_bad_lines case_symlink_planted case_other_home
