/* SPDX-License-Identifier: MIT */
/*
 * The object list's model, without curses: which row is selected
 * and which rows are in the window (struct objlist_view), which rows a filter
 * and the orphans-only toggle leave (objlist_view_narrow()), which columns fit
 * a width (struct objlist_view_cols, columns named as ipcs and lsipc name
 * them), and the text of the heading, the column header, each row, the
 * footer, the filter line and the confirmation box of a removal.  The
 * curses side (src/shmtop/objlist_screen.c) only prints these strings.
 *
 * Every text from the host (names in /dev/shm, memfd names, commands,
 * owners) is untrusted bytes, shown by the one rule of escape_text()
 * (src/util/escape.h: controls, bidirectional controls, backslashes and
 * invalid UTF-8 as \n, \t, \\, \xNN, \uXXXX), so a row is one line of
 * printable characters whose width in cells is known, and its columns stay
 * put whatever the names hold.
 *
 * A listview holds n rows of which height are shown from top; sel is always
 * a row (or 0 when there are none) and always inside the window.
 */
#ifndef SHMTOP_LISTVIEW_H
#define SHMTOP_LISTVIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "objlist.h"
#include "objlist_columns.h"

struct objlist_view {
	size_t n;      /* rows */
	size_t height; /* rows shown at once (0: none) */
	size_t sel;    /* the selected row */
	size_t top;    /* the first row shown */
};

/* Set the number of rows and the window's height, keeping sel a row and in
 * the window (scrolling as little as possible). */
void objlist_view_fit(struct objlist_view *v, size_t n, size_t height);

/* Move the selection by delta rows (clamped to the first and last row) and
 * scroll to keep it shown. */
void objlist_view_move(struct objlist_view *v, long delta);

/* Select row i (clamped), scrolling to show it. */
void objlist_view_select(struct objlist_view *v, size_t i);

/* The row shown row rows below the window's first (a mouse click's), or
 * -1 when none is there.  Pure. */
long objlist_view_row_at(const struct objlist_view *v, long row);

/* The row of rows[0..n) with shmid, or n if none.  Pure. */
size_t objlist_view_find(const struct objlist_row *rows, size_t n, int shmid);

/* The rows of rows[0..n) that match filter (objlist_match(); NULL or ""
 * matches all) and, with orphans_only, are orphans: their indexes, in
 * order, into idx (room for n).  Pure; returns how many. */
size_t objlist_view_narrow(const struct objlist_row *rows, size_t n, const char *filter,
			   bool orphans_only, size_t *idx);

/* The cells text takes, text being printable (escaped) UTF-8. */
int objlist_view_cells(const char *text);

/* text (printable, escaped) cut or padded with spaces to exactly width
 * cells, into buf. */
char *objlist_view_pad(const char *text, int width, char *buf, size_t len);

enum objlist_view_col {
	OBJLIST_VIEW_KEY, /* sysv; the other kinds' NAME spans KEY and SHMID */
	OBJLIST_VIEW_SHMID,
	OBJLIST_VIEW_KIND,
	OBJLIST_VIEW_OWNER,
	OBJLIST_VIEW_PERMS,
	OBJLIST_VIEW_SIZE,
	OBJLIST_VIEW_RSS,    /* resident bytes; blank when unknown */
	OBJLIST_VIEW_SWAP,   /* sysv: bytes swapped out; blank for the other kinds */
	OBJLIST_VIEW_NATTCH, /* sysv: nattch; others: holders after a scan, "-" before */
	OBJLIST_VIEW_STATUS, /* dest, locked, orphan */
	OBJLIST_VIEW_CPID,
	OBJLIST_VIEW_LPID,
	OBJLIST_VIEW_CTIME,   /* sysv: ctime; others: mtime */
	OBJLIST_VIEW_COMMAND, /* sysv: the creator's; others: the first holder's (+N more) */
	OBJLIST_VIEW_FORMAT,  /* what its first bytes hold (objlist_row.format), "-" when not
			       * read: only when picked, as it opens each object */
	OBJLIST_VIEW_NCOLS
};

/* The default columns: every one before this. */
#define OBJLIST_VIEW_NDEFAULT OBJLIST_VIEW_FORMAT

struct objlist_view_cols {
	bool shown[OBJLIST_VIEW_NCOLS];
	int width[OBJLIST_VIEW_NCOLS]; /* cells of each shown column */
	int total;                     /* cells of the whole line, spaces between included */
	size_t n;                      /* columns shown */
	enum objlist_view_col order[OBJLIST_VIEW_NCOLS]; /* the shown ones, left to right */
};

/* The columns setting on screen: which of the screen's columns, in which
 * order; n 0 is the default, the first OBJLIST_VIEW_NDEFAULT columns in
 * enum objlist_view_col's order. */
struct objlist_view_pick {
	size_t n;
	enum objlist_view_col col[OBJLIST_VIEW_NCOLS];
};

/* Parse a columns setting (-o's names, any case, comma-separated; ALL
 * every screen column; a leading '+' adds to the default) into p: the
 * screen's columns it names, each once, in its order; names of columns the
 * screen has not (CUID, HOLDERS ...) are left out.  0, or -1 for a name
 * that is no column (p is then the default). */
int objlist_view_pick_parse(const char *list, struct objlist_view_pick *p);

/* The columns of p (n 0: the default's) into cols (room for
 * OBJLIST_VIEW_NCOLS); how many. */
size_t objlist_view_pick_cols(const struct objlist_view_pick *p, enum objlist_view_col *cols);

/* Does p show column v (when it fits)? */
bool objlist_view_pick_has(const struct objlist_view_pick *p, enum objlist_view_col v);

/* p as a columns setting ("KEY,ID,SIZE"), into buf; returns buf. */
char *objlist_view_pick_text(const struct objlist_view_pick *p, char *buf, size_t len);

/* objlist_view_columns() over the columns of p, in its order: a column
 * not picked is never shown; the picked ones are dropped by the same rule
 * when they do not fit. */
void objlist_view_columns_pick(int width, const struct objlist_view_pick *p,
			       struct objlist_view_cols *c);

/* The column of objlist_columns[] that screen column v shows. */
enum objlist_col objlist_view_col_column(enum objlist_view_col v);

/* Choose the columns for a screen width cells wide: all of them when they
 * fit, else dropping SWAP, LPID, CPID, CTIME, PERMS, COMMAND, OWNER, STATUS in
 * that order (KEY, SHMID, KIND, SIZE, RSS and NATTCH always stay); the
 * room left widens SHMID (and so the names that span KEY and SHMID) to 28
 * cells for a name, then COMMAND up to its largest width, then the names
 * up to 40 cells.  Pure. */
void objlist_view_columns(int width, struct objlist_view_cols *c);

/* The columns c shows, left to right (every one sorts), as indexes of
 * objlist_columns[] into cols (room for OBJLIST_VIEW_NCOLS); how many. */
size_t objlist_view_shown(const struct objlist_view_cols *c, enum objlist_col *cols);

/* The column (an index of objlist_columns[]) whose cells in a line laid
 * out by c hold cell x, the space after it included (a mouse click on the
 * column names), or -1 past the last.  Pure. */
int objlist_view_col_at(const struct objlist_view_cols *c, int x);

/* The column names line for c, the title of the column sorting by by
 * marked with its direction after it (cut to fit): reverse (biggest
 * first) "▼" and else "▲", or "v" and "^" without utf8. */
char *objlist_view_header(const struct objlist_view_cols *c, enum sysvipc_sort by, bool reverse,
			  bool utf8, char *buf, size_t len);

/* text (printable, escaped) from its cell skip on, cut or padded to width
 * cells, into buf (sideways scrolling). */
char *objlist_view_slice(const char *text, int skip, int width, char *buf, size_t len);

/* What is wrong with a row, for its colour and the help's legend: the
 * first that applies of these, in this order. */
enum objlist_view_status {
	OBJLIST_STATUS_OK,
	OBJLIST_STATUS_ORPHAN,  /* nothing holds it */
	OBJLIST_STATUS_DEST,    /* sysv: removed, still attached */
	OBJLIST_STATUS_UNKNOWN, /* holders unknown: some processes unreadable */
	OBJLIST_STATUS_OTHERNS, /* sysv: another IPC namespace's */
	OBJLIST_STATUS_WORLD,   /* world-writable */
	OBJLIST_STATUS_FOREIGN, /* another user's */
	OBJLIST_NSTATUS
};

/* Row r's status for the viewer of uid me.  Pure. */
enum objlist_view_status objlist_view_status(const struct objlist_row *r, uid_t me);

/* Row r of object list s as a line for c; times relative to s->wall_ns, the
 * holders from s's last scan.  Pure but for the local time zone and the
 * locale (escape_text()). */
char *objlist_view_row(const struct objlist_view_cols *c, const struct objlist *s,
		       const struct objlist_row *r, char *buf, size_t len);

#define OBJLIST_VIEW_HEADING_LINES 3

/* Heading line 0: the time, objects, resident of size, orphans, when the
 * holders were scanned (and the processes the scan could not read, whose
 * holdings are unknown): "shmtop - all shared memory - 14:03:22  7 objects,
 * 2.1M resident of 4.0M  orphans 1 (16.3K)  holders 12s ago"; 1: SysV
 * (attaches, dest, locked, and the limits with use %, as lsipc -g:
 * "SysV: 5 segments, 7 attaches, 1 dest, 0 locked  SHMMNI 5 of 4096
 * (0.12%)  SHMALL 520 of ... pages (0.00%)  SHMMAX ..."); 2: each kind's
 * count and resident/size, and /dev/shm's use ("Kinds (resident/size):
 * sysv 5 1.2M/2.1M  posix 3 4.0K/8.0K  sem 1  memfd -  deleted -
 * /dev/shm 12.0K of 3.9G (0.00%)"; memfd and deleted "-" before a scan). */
char *objlist_view_heading(const struct objlist *s, int line, char *buf, size_t len);

/* What narrows the list and the search, before the footer's keys:
 * "filter: TEXT | orphans only | 3 of 41 | search: TEXT (n next) | ", or
 * "" when nothing does. */
char *objlist_view_footer(const char *filter, bool orphans_only, const char *search, size_t shown,
			  size_t total, char *buf, size_t len);

/* The filter line being edited: "Filter: TEXT_  Enter keep  Esc clear". */
char *objlist_view_filter_line(const char *filter, char *buf, size_t len);

/* The search line being edited: "Search: TEXT_  F3 next  Enter keep  Esc
 * clear". */
char *objlist_view_search_line(const char *search, char *buf, size_t len);

/* The sort a key asks for (the column table's keys, objlist_columns.h:
 * 's' size, 'm' resident, 'n' nattch, 't' age, 'o' owner, 'k' key, 'i'
 * shmid); 0, or -1 for any other key. */
int objlist_view_sort_key(int ch, enum sysvipc_sort *by);

/* The natural direction of a sort (objlist_sort_reverse()): size,
 * resident and nattch biggest first. */
bool objlist_view_sort_reverse(enum sysvipc_sort by);

/* The confirmation of a removal (F9, x): what exactly goes, and who holds
 * it, from the last scan. */
#define OBJLIST_VIEW_BOX_LINES 12
#define OBJLIST_VIEW_BOX_COLS 200
struct objlist_view_box {
	bool removable; /* y removes; false: memfd, deleted, and posix or sem not
			 * in /dev/shm (objlist_place_why()): any key closes */
	size_t n;       /* lines */
	char line[OBJLIST_VIEW_BOX_LINES][OBJLIST_VIEW_BOX_COLS];
};

/* The box for row r of s: SysV: key, shmid, size, nattch and who is
 * attached; posix and sem: the path, size and holders; a semaphore set or
 * message queue: key, id, its semaphores or messages and bytes, owner,
 * mode, and a writer's lock whose segment is gone said so; memfd, deleted,
 * and posix or sem whose name is not an entry of /dev/shm: that they
 * cannot be removed by name, why, and the holders' pids.  Every removable
 * kind's box names the processes blocked on it from the row's waiters
 * (pid, command, what it waits for and since when; a set's or queue's are
 * woken with EIDRM), or says none waits, or that they are unknown (no
 * scan yet, or a partial one).  Pure but for the locale. */
void objlist_view_confirm(const struct objlist *s, const struct objlist_row *r,
			  struct objlist_view_box *b);

#endif
