/* SPDX-License-Identifier: MIT */
/*
 * The all-segments screen: every segment on the host from
 * /proc/sysvipc/shm, refreshed each tick without attaching any of them,
 * sortable, with a selection to open in the detail view.  The model is
 * listview.h's; this module reads the snapshot, handles keys and draws,
 * rewriting only the screen rows whose text or highlight changed.
 */
#ifndef SHMTOP_LISTSCREEN_H
#define SHMTOP_LISTSCREEN_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "inventory.h"
#include "listview.h"

#define LIST_SCREEN_ROWS 512 /* screen rows remembered for partial redraws */
#define LIST_SCREEN_COLS 256

/* What a tick would otherwise read from /proc again: the host's limits, and
 * the creators' commands of the rows on screen, reused for LIST_REREAD_NS
 * (a creator may exit, a limit may be raised: then they are read again). */
#define LIST_REREAD_NS INT64_C(5000000000)
#define LIST_MEMO 128

struct list_command_memo {
	int shmid;
	pid_t cpid;
	int64_t ctime;
	int64_t at; /* when it was read (CLOCK_MONOTONIC) */
	char command[sizeof(((struct inventory_row *)0)->command)];
};

struct list_screen {
	struct inventory snap; /* rows allocated by list_init(), grown as needed */
	struct listview view;
	enum sysvipc_sort sort;
	bool reverse;
	int sel_shmid; /* the selected segment, kept across refreshes and sorts */
	bool have_sel;
	int read_errno;                           /* why the last refresh failed, or 0 */
	int64_t limits_at;                        /* when snap.limits were read; 0: never */
	struct list_command_memo memo[LIST_MEMO]; /* the rows last shown */
	size_t nmemo;
};

/* What was drawn, row by row, so the next frame rewrites only changes. */
struct list_drawn {
	bool valid;
	int cols, lines;
	bool hilite[LIST_SCREEN_ROWS];
	char text[LIST_SCREEN_ROWS][LIST_SCREEN_COLS];
};

enum list_action {
	LIST_NONE, /* handled (maybe changed) */
	LIST_QUIT,
	LIST_OPEN, /* open the selected segment: its key and shmid */
	LIST_BACK, /* back to the detail view (Tab) */
	LIST_REPAINT,
};

/* Set up l sorted by sort/reverse.  0, or -1 if out of memory. */
int list_init(struct list_screen *l, enum sysvipc_sort sort, bool reverse);

/* Free what list_init() allocated. */
void list_free(struct list_screen *l);

/* Read every segment again (no attaching), sort, keep the selection.
 * 0, or -1 with read_errno set. */
int list_refresh(struct list_screen *l);

/* Act on key ch.  For LIST_OPEN, *key and *shmid are the selected
 * segment's (a key of 0: private or removed, to be followed by shmid). */
enum list_action list_key(struct list_screen *l, int ch, key_t *key, int *shmid);

/* Draw l on stdscr (not refreshed); everything when d is not valid for
 * this screen size, else only the rows that differ from d, which is then
 * updated.  Looks up the creators' commands of the rows it shows. */
void list_draw(struct list_screen *l, struct list_drawn *d);

#endif
