/* SPDX-License-Identifier: MIT */
/*
 * The all-segments screen's model, without curses: which row is selected
 * and which rows are in the window (struct listview), which columns fit a
 * width (struct listview_cols, columns named as ipcs and lsipc name them),
 * and the text of the heading, the column header and each row.  The curses
 * side (src/shmtop/listscreen.c) only prints these strings.
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

enum listview_col {
	LISTVIEW_KEY,
	LISTVIEW_SHMID,
	LISTVIEW_OWNER,
	LISTVIEW_PERMS,
	LISTVIEW_SIZE,
	LISTVIEW_NATTCH,
	LISTVIEW_STATUS,
	LISTVIEW_CPID,
	LISTVIEW_LPID,
	LISTVIEW_CTIME,
	LISTVIEW_COMMAND,
	LISTVIEW_NCOLS
};

struct listview_cols {
	bool shown[LISTVIEW_NCOLS];
	int width[LISTVIEW_NCOLS]; /* cells of each shown column */
	int total;                 /* cells of the whole line, spaces between included */
};

/* Choose the columns for a screen width cells wide: all of them when they
 * fit, else dropping LPID, CPID, CTIME, PERMS, COMMAND, STATUS, OWNER in
 * that order (KEY, SHMID, SIZE and NATTCH always stay); COMMAND takes the
 * room left, up to its largest width.  Pure. */
void listview_columns(int width, struct listview_cols *c);

/* The column names line for c. */
char *listview_header(const struct listview_cols *c, char *buf, size_t len);

/* Row r as a line for c; times relative to now_ns (CLOCK_REALTIME).  Pure
 * but for the local time zone. */
char *listview_row(const struct listview_cols *c, const struct inventory_row *r, int64_t now_ns,
		   char *buf, size_t len);

/* Heading line 0 ("shmtop - all segments - 14:03:22  5 segments, 2.1M,
 * 7 attaches, 1 dest, 0 locked") or 1 (the limits with use %, as lsipc -g:
 * "SHMMNI 5 of 4096 (0.12%)  SHMALL 520 of 18446744073692774399 pages
 * (0.00%)  SHMMAX 18446744073692774399"). */
char *listview_heading(const struct inventory *s, int line, char *buf, size_t len);

/* The footer of keys, naming the current sort ("sort: size v"). */
char *listview_footer(enum sysvipc_sort by, bool reverse, char *buf, size_t len);

/* The sort a key asks for ('s' size, 'n' nattch, 't' age, 'o' owner, 'k'
 * key, 'i' shmid); 0, or -1 for any other key. */
int listview_sort_key(int ch, enum sysvipc_sort *by);

/* The natural direction of a sort: size and nattch biggest first. */
bool listview_sort_reverse(enum sysvipc_sort by);

#endif
