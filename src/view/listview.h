/* SPDX-License-Identifier: MIT */
/*
 * The all-objects screen's model, without curses: which row is selected
 * and which rows are in the window (struct listview), which rows a filter
 * and the orphans-only toggle leave (listview_narrow()), which columns fit
 * a width (struct listview_cols, columns named as ipcs and lsipc name
 * them), and the text of the heading, the column header, each row, the
 * footer, the filter line and the confirmation box of a removal.  The
 * curses side (src/shmtop/listscreen.c) only prints these strings.
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

#include "inventory.h"

struct listview {
	size_t n;      /* rows */
	size_t height; /* rows shown at once (0: none) */
	size_t sel;    /* the selected row */
	size_t top;    /* the first row shown */
};

/* Set the number of rows and the window's height, keeping sel a row and in
 * the window (scrolling as little as possible). */
void listview_fit(struct listview *v, size_t n, size_t height);

/* Move the selection by delta rows (clamped to the first and last row) and
 * scroll to keep it shown. */
void listview_move(struct listview *v, long delta);

/* Select row i (clamped), scrolling to show it. */
void listview_select(struct listview *v, size_t i);

/* The row of rows[0..n) with shmid, or n if none.  Pure. */
size_t listview_find(const struct inventory_row *rows, size_t n, int shmid);

/* The rows of rows[0..n) that match filter (inventory_match(); NULL or ""
 * matches all) and, with orphans_only, are orphans: their indexes, in
 * order, into idx (room for n).  Pure; returns how many. */
size_t listview_narrow(const struct inventory_row *rows, size_t n, const char *filter,
		       bool orphans_only, size_t *idx);

/* The cells text takes, text being printable (escaped) UTF-8. */
int listview_cells(const char *text);

/* text (printable, escaped) cut or padded with spaces to exactly width
 * cells, into buf. */
char *listview_pad(const char *text, int width, char *buf, size_t len);

enum listview_col {
	LISTVIEW_KEY, /* sysv; the other kinds' NAME spans KEY and SHMID */
	LISTVIEW_SHMID,
	LISTVIEW_KIND,
	LISTVIEW_OWNER,
	LISTVIEW_PERMS,
	LISTVIEW_SIZE,
	LISTVIEW_RSS,    /* resident bytes; blank when unknown */
	LISTVIEW_SWAP,   /* sysv: bytes swapped out; blank for the other kinds */
	LISTVIEW_NATTCH, /* sysv: nattch; others: holders after a scan, "-" before */
	LISTVIEW_STATUS, /* dest, locked, orphan */
	LISTVIEW_CPID,
	LISTVIEW_LPID,
	LISTVIEW_CTIME,   /* sysv: ctime; others: mtime */
	LISTVIEW_COMMAND, /* sysv: the creator's; others: the first holder's (+N more) */
	LISTVIEW_NCOLS
};

struct listview_cols {
	bool shown[LISTVIEW_NCOLS];
	int width[LISTVIEW_NCOLS]; /* cells of each shown column */
	int total;                 /* cells of the whole line, spaces between included */
};

/* Choose the columns for a screen width cells wide: all of them when they
 * fit, else dropping SWAP, LPID, CPID, CTIME, PERMS, COMMAND, OWNER, STATUS in
 * that order (KEY, SHMID, KIND, SIZE, RSS and NATTCH always stay); COMMAND
 * takes the room left, up to its largest width, then SHMID (and so the
 * names that span KEY and SHMID), up to 40 cells for a name.  Pure. */
void listview_columns(int width, struct listview_cols *c);

/* The column names line for c. */
char *listview_header(const struct listview_cols *c, char *buf, size_t len);

/* Row r of inventory s as a line for c; times relative to s->wall_ns, the
 * holders from s's last scan.  Pure but for the local time zone and the
 * locale (escape_text()). */
char *listview_row(const struct listview_cols *c, const struct inventory *s,
		   const struct inventory_row *r, char *buf, size_t len);

#define LISTVIEW_HEADING_LINES 3

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
char *listview_heading(const struct inventory *s, int line, char *buf, size_t len);

/* The footer of keys, naming the current sort ("sort: size v"), after what
 * narrows the list: "filter: TEXT (3 of 41) | " and "orphans only | ". */
char *listview_footer(enum sysvipc_sort by, bool reverse, const char *filter, bool orphans_only,
		      size_t shown, size_t total, char *buf, size_t len);

/* The filter line being edited: "Filter: TEXT_  Enter keep  Esc clear". */
char *listview_filter_line(const char *filter, char *buf, size_t len);

/* The sort a key asks for ('s' size, 'm' resident, 'n' nattch, 't' age,
 * 'o' owner, 'k' key, 'i' shmid); 0, or -1 for any other key. */
int listview_sort_key(int ch, enum sysvipc_sort *by);

/* The natural direction of a sort: size, resident and nattch biggest
 * first. */
bool listview_sort_reverse(enum sysvipc_sort by);

/* The confirmation of a removal (F9, x): what exactly goes, and who holds
 * it, from the last scan. */
#define LISTVIEW_BOX_LINES 12
#define LISTVIEW_BOX_COLS 200
struct listview_box {
	bool removable; /* y removes; false: memfd, deleted, and posix or sem not
			 * in /dev/shm (inventory_place_why()): any key closes */
	size_t n;       /* lines */
	char line[LISTVIEW_BOX_LINES][LISTVIEW_BOX_COLS];
};

/* The box for row r of s: SysV: key, shmid, size, nattch and who is
 * attached; posix and sem: the path, size and holders; memfd, deleted, and
 * posix or sem whose name is not an entry of /dev/shm: that they cannot be
 * removed by name, why, and the holders' pids.  Pure but
 * for the locale. */
void listview_confirm(const struct inventory *s, const struct inventory_row *r,
		      struct listview_box *b);

#endif
