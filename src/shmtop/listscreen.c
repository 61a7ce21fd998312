/* SPDX-License-Identifier: MIT */
/*
 * The all-segments screen.  Screen rows: the heading (totals), the host
 * limits, the column names, the segments, and the footer of keys.  Each
 * frame builds every row's text, compares it with what struct list_drawn
 * says is on screen, and rewrites only the rows that differ.
 */
#include "listscreen.h"

#include <ctype.h>
#include <curses.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"

#define LIST_TOP 3 /* heading, limits, column names */
/* Never INVENTORY_RECORDS: no attaching.  The limits every LIST_REREAD_NS;
 * the creators' commands for the rows on screen only, by list_draw(). */
#define COLLECT INVENTORY_NAMES

int list_init(struct list_screen *l, enum sysvipc_sort sort, bool reverse)
{
	memset(l, 0, sizeof *l);
	l->sort = sort;
	l->reverse = reverse;
	l->snap.max = 64;
	l->snap.rows = calloc(l->snap.max, sizeof *l->snap.rows);
	return l->snap.rows ? 0 : -1;
}

void list_free(struct list_screen *l)
{
	free(l->snap.rows);
	l->snap.rows = NULL;
	l->snap.max = l->snap.n = 0;
}

static size_t list_height(void)
{
	return LINES > LIST_TOP + 1 ? (size_t)(LINES - LIST_TOP - 1) : 0;
}

int list_refresh(struct list_screen *l)
{
	int64_t now = clock_mono_ns();
	unsigned flags = COLLECT;
	if (l->limits_at == 0 || now - l->limits_at >= LIST_REREAD_NS) {
		flags |= INVENTORY_LIMITS;
		l->limits_at = now;
	}
	for (;;) {
		if (inventory_collect(&l->snap, flags) < 0) {
			l->read_errno = errno;
			l->snap.n = 0;
			listview_fit(&l->view, 0, list_height());
			return -1;
		}
		if (!l->snap.res.truncated)
			break;
		size_t want = l->snap.res.total + l->snap.res.total / 4 + 16;
		struct inventory_row *rows = realloc(l->snap.rows, want * sizeof *rows);
		if (!rows)
			break; /* show what fits; the heading says it is truncated */
		l->snap.rows = rows;
		l->snap.max = want;
	}
	l->read_errno = 0;
	inventory_sort(&l->snap, l->sort, l->reverse);
	size_t at = l->have_sel ? listview_find(l->snap.rows, l->snap.n, l->sel_shmid) : l->snap.n;
	if (at < l->snap.n)
		l->view.sel = at;
	listview_fit(&l->view, l->snap.n, list_height());
	if (l->snap.n) {
		l->sel_shmid = l->snap.rows[l->view.sel].shm.st.shmid;
		l->have_sel = true;
	}
	return 0;
}

static void resort(struct list_screen *l, enum sysvipc_sort by)
{
	if (by == l->sort) {
		l->reverse = !l->reverse;
	} else {
		l->sort = by;
		l->reverse = listview_sort_reverse(by);
	}
	inventory_sort(&l->snap, l->sort, l->reverse);
	size_t at = l->have_sel ? listview_find(l->snap.rows, l->snap.n, l->sel_shmid) : 0;
	listview_select(&l->view, at < l->snap.n ? at : 0);
}

enum list_action list_key(struct list_screen *l, int ch, key_t *key, int *shmid)
{
	long page = l->view.height > 1 ? (long)l->view.height - 1 : 1;
	enum sysvipc_sort by;
	switch (ch) {
	case 'q':
	case 'Q':
	case 27:
	case 3:
	case KEY_F(10): return LIST_QUIT;
	case '\t': return LIST_BACK;
	case 12:
	case KEY_RESIZE: listview_fit(&l->view, l->snap.n, list_height()); return LIST_REPAINT;
	case KEY_UP: listview_move(&l->view, -1); break;
	case KEY_DOWN: listview_move(&l->view, 1); break;
	case KEY_PPAGE: listview_move(&l->view, -page); break;
	case KEY_NPAGE: listview_move(&l->view, page); break;
	case KEY_HOME: listview_select(&l->view, 0); break;
	case KEY_END: listview_select(&l->view, l->view.n ? l->view.n - 1 : 0); break;
	case '\n':
	case '\r':
	case KEY_ENTER:
	case KEY_RIGHT:
		if (!l->snap.n)
			return LIST_NONE;
		*key = l->snap.rows[l->view.sel].shm.st.key;
		*shmid = l->snap.rows[l->view.sel].shm.st.shmid;
		return LIST_OPEN;
	default:
		if (ch >= 0 && ch < 256 && listview_sort_key(tolower(ch), &by) == 0)
			resort(l, by);
		return LIST_NONE;
	}
	if (l->snap.n) {
		l->sel_shmid = l->snap.rows[l->view.sel].shm.st.shmid;
		l->have_sel = true;
	}
	return LIST_NONE;
}

/* The text of screen row y into buf; *hilite for the selection. */
static const char *row_text(const struct list_screen *l, const struct listview_cols *c, int y,
			    char *buf, size_t len, bool *hilite)
{
	*hilite = false;
	buf[0] = '\0';
	if (y == 0 || y == 1)
		return listview_heading(&l->snap, y, buf, len);
	if (y == 2)
		return listview_header(c, buf, len);
	if (y == LINES - 1)
		return listview_footer(l->sort, l->reverse, buf, len);
	size_t i = l->view.top + (size_t)(y - LIST_TOP);
	if (l->read_errno && y == LIST_TOP) {
		snprintf(buf, len, "cannot read /proc/sysvipc/shm: %s", strerror(l->read_errno));
		return buf;
	}
	if (l->snap.n == 0 && y == LIST_TOP)
		return "(no segments)";
	if (i >= l->snap.n)
		return "";
	*hilite = i == l->view.sel;
	return listview_row(c, &l->snap.rows[i], l->snap.wall_ns, buf, len);
}

static const struct list_command_memo *memo_find(const struct list_screen *l,
						 const struct inventory_row *r)
{
	for (size_t i = 0; i < l->nmemo; i++) {
		const struct list_command_memo *m = &l->memo[i];
		if (m->shmid == r->shm.st.shmid && m->cpid == r->shm.st.cpid &&
		    m->ctime == r->shm.st.ctime)
			return m;
	}
	return NULL;
}

/* The creators' commands of the rows on screen: from the memo while it is
 * fresh for the same segment and creator, else from /proc. */
static void lookup_commands(struct list_screen *l)
{
	struct list_command_memo shown[LIST_MEMO];
	int64_t now = clock_mono_ns();
	size_t top = l->view.top,
	       end = top + l->view.height < l->snap.n ? top + l->view.height : l->snap.n;
	for (size_t i = top; i < end; i++) {
		struct inventory_row *r = &l->snap.rows[i];
		const struct list_command_memo *m = memo_find(l, r);
		bool fresh = m && now - m->at < LIST_REREAD_NS;
		if (fresh)
			snprintf(r->command, sizeof r->command, "%s", m->command);
		r->command_read = fresh;
		if (i - top < LIST_MEMO)
			shown[i - top].at = fresh ? m->at : now;
	}
	inventory_commands(&l->snap, top, end); /* the rest, from /proc */
	size_t n = 0;
	for (size_t i = top; i < end && n < LIST_MEMO; i++, n++) {
		const struct inventory_row *r = &l->snap.rows[i];
		shown[n].shmid = r->shm.st.shmid;
		shown[n].cpid = r->shm.st.cpid;
		shown[n].ctime = r->shm.st.ctime;
		snprintf(shown[n].command, sizeof shown[n].command, "%s", r->command);
	}
	memcpy(l->memo, shown, n * sizeof shown[0]);
	l->nmemo = n;
}

void list_draw(struct list_screen *l, struct list_drawn *d)
{
	lookup_commands(l);
	if (!d->valid || d->cols != COLS || d->lines != LINES) {
		erase();
		d->valid = true;
		d->cols = COLS;
		d->lines = LINES;
		for (int y = 0; y < LIST_SCREEN_ROWS; y++) {
			d->text[y][0] = '\0';
			d->hilite[y] = false;
		}
	}
	struct listview_cols c;
	listview_columns(COLS, &c);
	char buf[LIST_SCREEN_COLS];
	for (int y = 0; y < LINES && y < LIST_SCREEN_ROWS; y++) {
		bool hi;
		const char *t = row_text(l, &c, y, buf, sizeof buf, &hi);
		if (hi == d->hilite[y] && strncmp(t, d->text[y], LIST_SCREEN_COLS - 1) == 0)
			continue;
		attr_t a = hi ? A_REVERSE : y == 2 ? A_BOLD : y == LINES - 1 ? A_DIM : A_NORMAL;
		if (y == 0)
			a = A_BOLD;
		/* a row padded to the width, so the highlight spans it and nothing
		 * of the old text stays; never the last cell of the last row */
		int w = y == LINES - 1 ? COLS - 1 : COLS;
		char line[LIST_SCREEN_COLS];
		snprintf(line, sizeof line, "%-*s", w < LIST_SCREEN_COLS ? w : LIST_SCREEN_COLS - 1,
			 t);
		attrset((int)a);
		mvaddnstr(y, 0, line, w);
		attrset((int)A_NORMAL);
		if (w > LIST_SCREEN_COLS - 1) {
			move(y, LIST_SCREEN_COLS - 1);
			clrtoeol();
		}
		snprintf(d->text[y], LIST_SCREEN_COLS, "%s", t);
		d->hilite[y] = hi;
	}
}
