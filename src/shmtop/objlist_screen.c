/* SPDX-License-Identifier: MIT */
/*
 * The object list.  Screen rows: the heading (totals, SysV and its
 * limits, the kinds), the column names, the objects, and the footer of
 * keys (or the filter line being edited, or the outcome of a removal).
 * Each frame builds every row's text, compares it with what struct
 * list_drawn says is on screen, and rewrites only the rows that differ;
 * the removal box is drawn over them while it is up.
 */
#include "objlist_screen.h"

#include <curses.h>
#include <stdio.h>
#include <string.h>

#define LIST_TOP (OBJLIST_VIEW_HEADING_LINES + 1) /* the heading, the column names */

static size_t list_height(void)
{
	return LINES > LIST_TOP + 1 ? (size_t)(LINES - LIST_TOP - 1) : 0;
}

int list_refresh(struct objlist_state *l)
{
	l->height = list_height();
	return objlist_state_refresh(l);
}

enum list_action list_key(struct objlist_state *l, int ch, key_t *key, int *shmid)
{
	long page = l->view.height > 1 ? (long)l->view.height - 1 : 1;
	l->height = list_height();
	if (ch != KEY_RESIZE) {
		l->status[0] = '\0';
		l->nwatch = 0;
	}
	if (l->confirming && ch != KEY_RESIZE) {
		objlist_state_answer(l, ch == 'y' || ch == 'Y');
		return LIST_NONE;
	}
	if (l->editing && objlist_state_filter_key(l, ch == KEY_ENTER       ? '\r'
						      : ch == KEY_BACKSPACE ? 127
									    : ch))
		return LIST_NONE;
	switch (ch) {
	case 27: /* Esc clears what narrows first */
		return objlist_state_unnarrow(l) ? LIST_NONE : LIST_QUIT;
	case 'q':
	case 'Q':
	case 3:
	case KEY_F(10): return LIST_QUIT;
	case '\t': return LIST_BACK;
	case 12:
	case KEY_RESIZE: objlist_view_fit(&l->view, l->nshown, l->height); return LIST_REPAINT;
	case KEY_UP: objlist_view_move(&l->view, -1); break;
	case KEY_DOWN: objlist_view_move(&l->view, 1); break;
	case KEY_PPAGE: objlist_view_move(&l->view, -page); break;
	case KEY_NPAGE: objlist_view_move(&l->view, page); break;
	case KEY_HOME: objlist_view_select(&l->view, 0); break;
	case KEY_END: objlist_view_select(&l->view, l->view.n ? l->view.n - 1 : 0); break;
	case '/':
	case KEY_F(4): l->editing = true; return LIST_NONE;
	case 'O': objlist_state_toggle_orphans(l); return LIST_NONE;
	case 'a':
	case 'A': /* in the thread: the screen shows it when it is done */
		objlist_state_scan_now(l);
		return LIST_NONE;
	case 'x':
	case KEY_DC:
	case KEY_F(9): objlist_state_ask_remove(l); return LIST_NONE;
	case '\n':
	case '\r':
	case KEY_ENTER:
	case KEY_RIGHT: {
		const struct objlist_row *r = objlist_state_selected(l);
		if (!r)
			return LIST_NONE;
		bool sysv = r->kind == OBJLIST_SYSV;
		*key = sysv ? r->shm.st.key : 0;
		*shmid = sysv ? r->shm.st.shmid : -1;
		return LIST_OPEN;
	}
	default: objlist_state_sort_key(l, ch); return LIST_NONE;
	}
	objlist_state_moved(l);
	return LIST_NONE;
}

/* The text of screen row y into buf; *hilite for the selection. */
static const char *row_text(const struct objlist_state *l, const struct objlist_view_cols *c, int y,
			    char *buf, size_t len, bool *hilite)
{
	*hilite = false;
	buf[0] = '\0';
	if (y < OBJLIST_VIEW_HEADING_LINES)
		return objlist_view_heading(&l->snap, y, buf, len);
	if (y == LIST_TOP - 1)
		return objlist_view_header(c, l->sort, l->reverse, l->utf8, buf, len);
	if (y == LINES - 1) {
		if (l->editing)
			return objlist_view_filter_line(l->filter, buf, len);
		if (l->status[0])
			return l->status;
		return objlist_view_footer(l->sort, l->reverse, l->filter, l->orphans_only,
					   l->nshown, l->snap.n, buf, len);
	}
	size_t i = l->view.top + (size_t)(y - LIST_TOP);
	if (l->read_errno && y == LIST_TOP) {
		snprintf(buf, len, "cannot read /proc/sysvipc/shm: %s", strerror(l->read_errno));
		return buf;
	}
	if (l->nshown == 0 && y == LIST_TOP)
		return l->snap.n ? "(no objects match)" : "(no objects)";
	if (i >= l->nshown)
		return "";
	*hilite = i == l->view.sel;
	return objlist_view_row(c, &l->snap, &l->snap.rows[l->shown[i]], buf, len);
}

/* The removal box, centred over the rows. */
static void draw_box(const struct objlist_state *l)
{
	const struct objlist_view_box *b = &l->box;
	int w = 0;
	for (size_t i = 0; i < b->n; i++) {
		int c = objlist_view_cells(b->line[i]);
		w = c > w ? c : w;
	}
	w += 4;
	if (w > COLS)
		w = COLS;
	int h = (int)b->n + 2;
	if (w < 5 || h > LINES)
		return;
	int y0 = (LINES - h) / 2, x0 = (COLS - w) / 2;
	char buf[4 * OBJLIST_VIEW_BOX_COLS];
	attrset(A_NORMAL);
	mvaddch(y0, x0, ACS_ULCORNER);
	mvhline(y0, x0 + 1, ACS_HLINE, w - 2);
	mvaddch(y0, x0 + w - 1, ACS_URCORNER);
	for (int i = 0; i < (int)b->n; i++) {
		mvaddch(y0 + 1 + i, x0, ACS_VLINE);
		attrset(i == 0 ? A_BOLD : A_NORMAL);
		mvaddch(y0 + 1 + i, x0 + 1, ' ');
		addstr(objlist_view_pad(b->line[i], w - 4, buf, sizeof buf));
		addch(' ');
		attrset(A_NORMAL);
		mvaddch(y0 + 1 + i, x0 + w - 1, ACS_VLINE);
	}
	mvaddch(y0 + h - 1, x0, ACS_LLCORNER);
	mvhline(y0 + h - 1, x0 + 1, ACS_HLINE, w - 2);
	mvaddch(y0 + h - 1, x0 + w - 1, ACS_LRCORNER);
}

void list_draw(struct objlist_state *l, struct list_drawn *d)
{
	objlist_state_commands(l);
	if (!d->valid || d->cols != COLS || d->lines != LINES || d->box != l->confirming) {
		erase();
		d->valid = true;
		d->cols = COLS;
		d->lines = LINES;
		d->box = l->confirming;
		for (int y = 0; y < LIST_SCREEN_ROWS; y++) {
			d->text[y][0] = '\0';
			d->hilite[y] = false;
		}
	}
	struct objlist_view_cols c;
	objlist_view_columns(COLS, &c);
	char buf[4 * LIST_SCREEN_COLS];
	for (int y = 0; y < LINES && y < LIST_SCREEN_ROWS; y++) {
		bool hi;
		const char *t = row_text(l, &c, y, buf, sizeof buf, &hi);
		if (!l->confirming && hi == d->hilite[y] &&
		    strncmp(t, d->text[y], LIST_SCREEN_COLS - 1) == 0)
			continue;
		attr_t a = hi                  ? A_REVERSE
			   : y == LIST_TOP - 1 ? A_BOLD
			   : y == LINES - 1    ? A_DIM
					       : A_NORMAL;
		if (y == 0 || (y == LINES - 1 && (l->editing || l->status[0])))
			a = A_BOLD;
		/* a row padded to the width in cells, so the highlight spans it
		 * and nothing of the old text stays; never the last cell of the
		 * last row */
		int w = y == LINES - 1 ? COLS - 1 : COLS;
		char line[4 * LIST_SCREEN_COLS];
		int cap = w < LIST_SCREEN_COLS ? w : LIST_SCREEN_COLS - 1;
		attrset((int)a);
		mvaddstr(y, 0, objlist_view_pad(t, cap, line, sizeof line));
		attrset((int)A_NORMAL);
		if (w > cap) {
			move(y, cap);
			clrtoeol();
		}
		size_t tl = strnlen(t, LIST_SCREEN_COLS - 1);
		memcpy(d->text[y], t, tl);
		d->text[y][tl] = '\0';
		d->hilite[y] = hi;
	}
	if (l->confirming)
		draw_box(l);
}
