/* SPDX-License-Identifier: MIT */
/*
 * The object list: every shared memory object on the host (SysV
 * segments, POSIX objects and semaphores in /dev/shm, memfd and deleted
 * objects from the last scan of /proc), refreshed each tick without
 * attaching any of them, sortable, narrowed by a filter and to orphans,
 * with a selection to open in the detail view or to remove after a
 * confirmation.  The model is objlist_view.h's; this module holds the
 * list's state and its logic, without curses (objlist_screen.c maps the keys
 * and draws).
 *
 * What a tick reads: /proc/sysvipc/shm and the /dev/shm directory (with
 * its statvfs), every tick.  The scan of every /proc/PID/maps and
 * /proc/PID/fd (the holders, and so memfd and deleted objects and POSIX
 * orphans) runs once at the start, then every OBJLIST_STATE_SCAN_NS, and on the
 * key 'a', in a thread of its own (objlist_scanner.h): the screen shows the last
 * scan's holders meanwhile, "scanning" in its heading, and takes the new
 * one when objlist_state_scan_fd() is readable.  SysV orphans need a /proc read per segment with
 * nattch 0 (is its creator gone?): those are read again only every OBJLIST_STATE_REREAD_NS, or when
 * a row's inputs change; in between the flags are carried over.
 */
#ifndef SHMTOP_OBJLIST_STATE_H
#define SHMTOP_OBJLIST_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "objlist.h"
#include "objlist_scanner.h"
#include "objlist_view.h"

/* What a tick would otherwise read from /proc again: the host's limits,
 * the creators' commands of the rows on screen and whether SysV orphans'
 * creators are gone, reused for OBJLIST_STATE_REREAD_NS (a creator may exit, a
 * limit may be raised: then they are read again). */
#define OBJLIST_STATE_REREAD_NS INT64_C(5000000000)
#define OBJLIST_STATE_MEMO 128
/* The period of the scan of /proc for holders (10 s: at the default delay
 * of 0.5 s, one tick in twenty). */
#define OBJLIST_STATE_SCAN_NS INT64_C(10000000000)
#define OBJLIST_STATE_FILTER_MAX 128
#define OBJLIST_STATE_WATCH 8        /* holders of a removed object watched for their exit */
#define OBJLIST_STATE_ANY_WIDTH 4096 /* the columns' width when l->width is 0: every one fits */

/* A process that held what was just removed: its exit is the reaction to
 * show (a shmwriter whose segment goes stops). */
struct objlist_watch {
	pid_t pid;
	uint64_t start; /* its start time, so that a reused pid is not it */
	char comm[16];
};

struct objlist_command_memo {
	int shmid;
	pid_t cpid;
	int64_t ctime;
	int64_t at; /* when it was read (CLOCK_MONOTONIC) */
	char command[sizeof(((struct objlist_row *)0)->command)];
};

/* A row's orphan flag, and what it was computed from. */
struct objlist_orphan_memo {
	enum objlist_kind kind;
	uint64_t dev, ino; /* sysv: ino is the shmid */
	pid_t cpid;
	int64_t ctime;
	uint64_t nattch;
	bool dest;
	size_t nholders;
	bool orphan;
};

struct objlist_state {
	struct objlist snap; /* rows allocated by objlist_state_init(), grown as needed */
	size_t *shown;       /* the rows of snap the filter leaves, in order */
	size_t nshown;
	struct objlist_view view; /* over shown */
	enum sysvipc_sort sort;
	bool reverse;
	struct objlist_row sel_row; /* the selected object, kept across refreshes and sorts */
	bool have_sel;
	size_t height;     /* the rows for objects on screen, set by the screen */
	int read_errno;    /* why the last refresh failed, or 0 */
	int64_t limits_at; /* when snap.limits were read; 0: never */
	struct objlist_command_memo memo[OBJLIST_STATE_MEMO]; /* the rows last shown */
	size_t nmemo;
	int64_t scan_at; /* when /proc was last scanned for holders; 0: never */
	bool scan_due;   /* the key asked for a scan */
	objlist_scanner
	    *scanner;       /* scans in a thread of their own; NULL before the first (or
			     * if no thread could start: then they run in objlist_state_refresh()) */
	int64_t orphans_at; /* when the orphans were last worked out */
	struct objlist_orphan_memo *orphans;
	size_t norphans, orphans_max;

	char
	    filter[OBJLIST_STATE_FILTER_MAX]; /* the rows containing it (objlist_match()); "" all */
	bool editing;                         /* the filter line is open */
	bool orphans_only;                    /* 'O' */
	unsigned kinds;                       /* -t: only these kinds (objlist_kind_in()); 0 all */
	bool named_only;                      /* shmtop PATH: only the rows of snap.files_path */
	bool confirming;                      /* the removal box is up, for target */
	struct objlist_row target;
	struct objlist_view_box box;
	char search[OBJLIST_STATE_FILTER_MAX]; /* F3: the text the selection jumps to */
	bool searching;                        /* the search line is open */
	bool menu;                             /* F6: the sort menu is up */
	bool utf8;                             /* the sort mark's arrows (else ^ v) */
	int hscroll;                           /* cells the rows are scrolled sideways */
	uid_t me;                              /* the viewer's uid: another's rows are coloured */
	size_t menu_sel;                       /* its row: objlist_state_sortable()'s index */
	struct objlist_view_pick pick;         /* the columns setting: the columns shown */
	int width;                             /* the cells the columns are laid out in; 0: any */
	char status[512];                      /* a removal's outcome, shown until the next key */
	struct objlist_watch watch[OBJLIST_STATE_WATCH]; /* while status shows a removal */
	size_t nwatch;
};

/* Set up l sorted by sort/reverse.  0, or -1 if out of memory. */
int objlist_state_init(struct objlist_state *l, enum sysvipc_sort sort, bool reverse);

/* Free what objlist_state_init() allocated. */
void objlist_state_free(struct objlist_state *l);

/* Narrow the list to the rows containing text (-F, --filter), as '/'. */
void objlist_state_set_filter(struct objlist_state *l, const char *text);

/* Read every object again (no attaching), scanning /proc for holders when
 * one is due, sort, narrow (to height rows), keep the selection.  0, or -1 with read_errno
 * set. */
int objlist_state_refresh(struct objlist_state *l);

/* Readable when a scan has finished (then objlist_state_refresh() shows it); -1
 * while there is no scanner. */
int objlist_state_scan_fd(const struct objlist_state *l);

/* The selected row, or NULL when the list shows none. */
const struct objlist_row *objlist_state_selected(const struct objlist_state *l);

/* The creators' commands of the SysV rows the view shows: from the memo
 * while it is fresh (OBJLIST_STATE_REREAD_NS) for the same segment and creator,
 * else from /proc; the memo is then those rows'. */
void objlist_state_commands(struct objlist_state *l);

/* After the view's selection moved: keep that object selected. */
void objlist_state_moved(struct objlist_state *l);

/* Sort by the column of key ch (a letter; upper case as lower), the same
 * one again reversing; false if ch names none. */
bool objlist_state_sort_key(struct objlist_state *l, int ch);

/* Clear the filter and the orphans toggle; false if neither narrowed. */
bool objlist_state_unnarrow(struct objlist_state *l);

/* Show only orphans, or every object again ('O'). */
void objlist_state_toggle_orphans(struct objlist_state *l);

/* Scan /proc for holders now ('a'): in the scanner's thread, else here
 * and then refresh. */
void objlist_state_scan_now(struct objlist_state *l);

/* Put up the removal box for the selected object (if any). */
void objlist_state_ask_remove(struct objlist_state *l);

/* The answer to the removal box: remove the target if yes and it can be
 * (status says how it went, and its holders are watched), else status
 * says "not removed" for a removable one. */
void objlist_state_answer(struct objlist_state *l, bool yes);

/* Select the next shown row (from the selection itself with from_here,
 * else after it, wrapping) that matches search (objlist_match()); false
 * if none does. */
bool objlist_state_search_next(struct objlist_state *l, bool from_here);

/* A key while the search line is open: Esc (27) clears the search and
 * closes the line, '\n' or '\r' closes it, 127 or 8 deletes the last
 * character, a byte 32..255 is typed and the selection jumps to the first
 * match from it.  False for any other key. */
bool objlist_state_search_key(struct objlist_state *l, int ch);

/* The columns l shows at its width (objlist_view_columns_pick() of
 * l->pick), into c. */
void objlist_state_columns(const struct objlist_state *l, struct objlist_view_cols *c);

/* The columns l shows at its width, left to right, as objlist_view_shown()
 * (room for OBJLIST_VIEW_NCOLS): the ones '<', '>' and the sort menu step
 * over; how many. */
size_t objlist_state_sortable(const struct objlist_state *l, enum objlist_col *cols);

/* Sort by the next (dir > 0) or previous column shown
 * (objlist_state_sortable()), wrapping, in its first direction ('<', '>'). */
void objlist_state_sort_step(struct objlist_state *l, int dir);

/* Sort by by in its first direction, or reverse it if it is the sort
 * already (a click on a column's title, as htop's). */
void objlist_state_sort_by(struct objlist_state *l, enum sysvipc_sort by);

/* Sort by by in the direction reverse (the setup screen's choice). */
void objlist_state_set_sort(struct objlist_state *l, enum sysvipc_sort by, bool reverse);

/* Reverse the sort's direction ('I'). */
void objlist_state_invert(struct objlist_state *l);

/* Put up the sort menu (F6), its row on the current sort. */
void objlist_state_sort_menu(struct objlist_state *l);

/* A key while the sort menu is up: -1 or 'k' up, -2 or 'j' down, '\n' or
 * '\r' sorts by the row's column and closes it, any other closes it. */
void objlist_state_menu_key(struct objlist_state *l, int ch);

/* A key while the filter line is open: Esc (27) clears the filter and
 * closes the line, '\n' or '\r' closes it, 127 or 8 deletes the last
 * (UTF-8) character, a byte 32..255 is typed (up to OBJLIST_STATE_FILTER_MAX - 1
 * bytes); then the rows are narrowed again.  False for any other key
 * (the selection's). */
bool objlist_state_filter_key(struct objlist_state *l, int ch);

/* The same keys on any filter line: text (cap bytes) edited, *editing
 * false once Esc (which clears it) or Enter closes it.  False for a key
 * it does not take. */
bool objlist_state_edit_key(char *text, size_t cap, bool *editing, int ch);

#endif
