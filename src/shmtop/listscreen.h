/* SPDX-License-Identifier: MIT */
/*
 * The object list: every shared memory object on the host (SysV
 * segments, POSIX objects and semaphores in /dev/shm, memfd and deleted
 * objects from the last scan of /proc), refreshed each tick without
 * attaching any of them, sortable, narrowed by a filter and to orphans,
 * with a selection to open in the detail view or to remove after a
 * confirmation.  The model is objlist_view.h's; this module reads the
 * object list, handles keys and draws, rewriting only the screen rows whose
 * text or highlight changed.
 *
 * What a tick reads: /proc/sysvipc/shm and the /dev/shm directory (with
 * its statvfs), every tick.  The scan of every /proc/PID/maps and
 * /proc/PID/fd (the holders, and so memfd and deleted objects and POSIX
 * orphans) runs once at the start, then every LIST_SCAN_NS, and on the
 * key 'a', in a thread of its own (scanner.h): the screen shows the last
 * scan's holders meanwhile, "scanning" in its heading, and takes the new
 * one when list_scan_fd() is readable.  SysV orphans need a /proc read per segment with nattch 0
 * (is its creator gone?): those are read again only every LIST_REREAD_NS, or when a row's inputs
 * change; in between the flags are carried over.
 */
#ifndef SHMTOP_LISTSCREEN_H
#define SHMTOP_LISTSCREEN_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "objlist.h"
#include "objlist_view.h"
#include "scanner.h"

#define LIST_SCREEN_ROWS 512 /* screen rows remembered for partial redraws */
#define LIST_SCREEN_COLS 256

/* What a tick would otherwise read from /proc again: the host's limits,
 * the creators' commands of the rows on screen and whether SysV orphans'
 * creators are gone, reused for LIST_REREAD_NS (a creator may exit, a
 * limit may be raised: then they are read again). */
#define LIST_REREAD_NS INT64_C(5000000000)
#define LIST_MEMO 128
/* The period of the scan of /proc for holders (10 s: at the default delay
 * of 0.5 s, one tick in twenty). */
#define LIST_SCAN_NS INT64_C(10000000000)
#define LIST_FILTER_MAX 128
#define LIST_WATCH 8 /* holders of a removed object watched for their exit */

/* A process that held what was just removed: its exit is the reaction to
 * show (a shmwriter whose segment goes stops). */
struct list_watch {
	pid_t pid;
	uint64_t start; /* its start time, so that a reused pid is not it */
	char comm[16];
};

struct list_command_memo {
	int shmid;
	pid_t cpid;
	int64_t ctime;
	int64_t at; /* when it was read (CLOCK_MONOTONIC) */
	char command[sizeof(((struct objlist_row *)0)->command)];
};

/* A row's orphan flag, and what it was computed from. */
struct list_orphan_memo {
	enum objlist_kind kind;
	uint64_t dev, ino; /* sysv: ino is the shmid */
	pid_t cpid;
	int64_t ctime;
	uint64_t nattch;
	bool dest;
	size_t nholders;
	bool orphan;
};

struct list_screen {
	struct objlist snap; /* rows allocated by list_init(), grown as needed */
	size_t *shown;       /* the rows of snap the filter leaves, in order */
	size_t nshown;
	struct objlist_view view; /* over shown */
	enum sysvipc_sort sort;
	bool reverse;
	struct objlist_row sel_row; /* the selected object, kept across refreshes and sorts */
	bool have_sel;
	int read_errno;                           /* why the last refresh failed, or 0 */
	int64_t limits_at;                        /* when snap.limits were read; 0: never */
	struct list_command_memo memo[LIST_MEMO]; /* the rows last shown */
	size_t nmemo;
	int64_t scan_at;    /* when /proc was last scanned for holders; 0: never */
	bool scan_due;      /* the key asked for a scan */
	scanner *scanner;   /* scans in a thread of their own; NULL before the first (or
			     * if no thread could start: then they run in list_refresh()) */
	int64_t orphans_at; /* when the orphans were last worked out */
	struct list_orphan_memo *orphans;
	size_t norphans, orphans_max;

	char filter[LIST_FILTER_MAX]; /* the rows containing it (objlist_match()); "" all */
	bool editing;                 /* the filter line is open */
	bool orphans_only;            /* 'O' */
	bool confirming;              /* the removal box is up, for target */
	struct objlist_row target;
	struct objlist_view_box box;
	char status[512];                    /* a removal's outcome, shown until the next key */
	struct list_watch watch[LIST_WATCH]; /* while status shows a removal */
	size_t nwatch;
};

/* What was drawn, row by row, so the next frame rewrites only changes. */
struct list_drawn {
	bool valid;
	int cols, lines;
	bool box; /* the removal box was up */
	bool hilite[LIST_SCREEN_ROWS];
	char text[LIST_SCREEN_ROWS][LIST_SCREEN_COLS];
};

enum list_action {
	LIST_NONE, /* handled (maybe changed) */
	LIST_QUIT,
	LIST_OPEN, /* open the selected object (list_selected()): a segment by key and shmid */
	LIST_BACK, /* back to the detail view (Tab) */
	LIST_REPAINT,
};

/* Set up l sorted by sort/reverse.  0, or -1 if out of memory. */
int list_init(struct list_screen *l, enum sysvipc_sort sort, bool reverse);

/* Free what list_init() allocated. */
void list_free(struct list_screen *l);

/* Narrow the list to the rows containing text (-F, --filter), as '/'. */
void list_set_filter(struct list_screen *l, const char *text);

/* Read every object again (no attaching), scanning /proc for holders when
 * one is due, sort, narrow, keep the selection.  0, or -1 with read_errno
 * set. */
int list_refresh(struct list_screen *l);

/* Readable when a scan has finished (then list_refresh() shows it); -1
 * while there is no scanner. */
int list_scan_fd(const struct list_screen *l);

/* The selected row, or NULL when the list shows none. */
const struct objlist_row *list_selected(const struct list_screen *l);

/* Act on key ch.  For LIST_OPEN, *key and *shmid are the selected
 * segment's (a key of 0: private or removed, to be followed by shmid); for
 * an object of another kind *key is 0 and *shmid -1: open list_selected()
 * (view.sel counts the rows shown, not snap.rows). */
enum list_action list_key(struct list_screen *l, int ch, key_t *key, int *shmid);

/* Draw l on stdscr (not refreshed); everything when d is not valid for
 * this screen size, else only the rows that differ from d, which is then
 * updated.  Looks up the creators' commands of the rows it shows. */
void list_draw(struct list_screen *l, struct list_drawn *d);

#endif
