/* SPDX-License-Identifier: MIT */
/*
 * The settings the full screen keeps between runs, as htop keeps htoprc:
 * the list's sort and its direction, the delay, the graph's mode, the
 * list's columns, colour and mouse.  The file is plain "name=value" lines
 * ('#' starts a comment) in $XDG_CONFIG_HOME/shmtop/shmtoprc, by default
 * ~/.config/shmtop/shmtoprc, read at most SETTINGS_MAX_FILE bytes and
 * parsed strictly: an unknown name or a bad value is ignored, never fatal.
 *
 * Which folder: settings_place(), a pure function of the user ids, the
 * environment and who owns the folders it names, so that under sudo no
 * other user's home is read or written.  The folder chain is opened from
 * that base one component at a time with O_NOFOLLOW, each owned by the
 * user; the file is written to a temporary file in the same folder
 * (O_CREAT|O_EXCL|O_NOFOLLOW, 0600), synced and renamed over shmtoprc,
 * never through a symbolic link.
 */
#ifndef SHMTOP_SETTINGS_H
#define SHMTOP_SETTINGS_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "sysvipc.h"

#define SETTINGS_MAX_FILE 65536  /* bytes read at most; a bigger file is ignored */
#define SETTINGS_MAX_COLUMNS 255 /* bytes of the columns' list */

/* The fields, as bits of struct settings' set. */
enum {
	SETTING_SORT = 1u << 0,    /* sort=size (a --sort KEY) */
	SETTING_ORDER = 1u << 1,   /* sort_direction=descending|ascending (the footer's v or ^) */
	SETTING_DELAY = 1u << 2,   /* delay=5 (tenths, as -d) */
	SETTING_GRAPH = 1u << 3,   /* graph=value|rate */
	SETTING_COLUMNS = 1u << 4, /* columns=KEY,ID,SIZE (as -o) */
	SETTING_COLOR = 1u << 5,   /* color=on|off */
	SETTING_MOUSE = 1u << 6,   /* mouse=on|off */
};

struct settings {
	unsigned set; /* SETTING_* bits: the fields that hold a value */
	enum sysvipc_sort sort;
	bool sort_reverse; /* descending: the footer's "v" */
	int delay_tenths;  /* 1 .. SETTINGS_MAX_DELAY */
	bool graph_rate;   /* the graph shows the rate, not the value */
	char columns[SETTINGS_MAX_COLUMNS + 1];
	bool color;
	bool mouse;
};

#define SETTINGS_MAX_DELAY 600 /* as -d */

/* Parse len bytes of text (NUL bytes anywhere make their line bad) into
 * the fields of s it names, the last of a name winning; other fields are
 * left alone.  Returns the number of lines ignored (unknown names, bad
 * values, lines with no '='), the first one's reason in why ("line 3:
 * unknown setting 'colour'", escaped for the terminal). */
int settings_parse(const char *text, size_t len, struct settings *s, char *why, size_t whylen);

/* The file's text for the fields set in s, a header comment first, into
 * buf (len bytes, terminated when len > 0); returns the length the whole
 * text needs, as snprintf(). */
size_t settings_format(const struct settings *s, char *buf, size_t len);

/* The bits of the fields whose values differ between a and b (whether set
 * or not); a change of the sort counts as one of its direction too. */
unsigned settings_diff(const struct settings *a, const struct settings *b);

/* Into file, the fields in mask that a run changed from start to end
 * (settings_diff()), with end's values, marked set; the file's other
 * fields are left as they are, so a value the command line gave and no key
 * changed is not saved.  Returns the bits changed (0: nothing to write). */
unsigned settings_merge(struct settings *file, const struct settings *start,
			const struct settings *end, unsigned mask);

/* What decides the folder: the process's ids, the environment ($HOME,
 * $XDG_CONFIG_HOME, NULL when unset) and the owners of the folders they
 * name (-1: no such folder), the real user's home from the password file
 * (getpwuid(uid), or NULL) and its owner. */
struct settings_env {
	uid_t uid, euid;
	const char *home, *xdg;
	long home_owner, xdg_owner;
	const char *pw_dir;
	long pw_dir_owner;
};

/* Where the file is: base, a folder that exists and belongs to uid, and
 * whether it is $XDG_CONFIG_HOME (the file then base/shmtop/shmtoprc) or a
 * home (base/.config/shmtop/shmtoprc). */
struct settings_place {
	char base[PATH_MAX];
	bool xdg;
	uid_t uid;
};

/* The rule, first that holds: uid != euid (a set-user-ID program): no
 * file.  $XDG_CONFIG_HOME absolute and owned by uid: there.  $HOME absolute
 * and owned by uid: $HOME/.config.  The password file's home of uid, owned
 * by uid: there.  Otherwise no file.  So under sudo, where uid is root's
 * (or -u USER's) and $HOME may still be the invoking user's, that home is
 * never used.  0 with *p filled, or -1: no file.  Pure. */
int settings_place(const struct settings_env *e, struct settings_place *p);

/* settings_env of this process: getuid(), geteuid(), getenv(), stat()
 * and getpwuid(). */
void settings_env_get(struct settings_env *e);

/* The file's path, for messages, into buf; returns buf. */
char *settings_path(const struct settings_place *p, char *buf, size_t len);

/* Read the file at p into s (as settings_parse()).  0: read, or there is
 * none (no folder, no file); 1: something to say in why (lines ignored, a
 * file ignored: a symbolic link, not the user's, too big, unreadable). */
int settings_load(const struct settings_place *p, struct settings *s, char *why, size_t whylen);

/* Write s to the file at p atomically, making the folders (0700) when
 * missing.  Refused when a folder of the chain or the file is a symbolic
 * link, not a folder (a regular file), or not owned by p->uid.  0, or -1
 * with the reason in why. */
int settings_save(const struct settings_place *p, const struct settings *s, char *why,
		  size_t whylen);

#endif
