/* SPDX-License-Identifier: MIT */
/*
 * The object list.  Screen rows: the heading (totals, SysV and its
 * limits, the kinds), the column names, the objects, and the footer of
 * keys (or the filter line being edited, or the outcome of a removal).
 * Each frame builds every row's text, compares it with what struct
 * objlist_drawn says is on screen, and rewrites only the rows that differ;
 * the removal box is drawn over them while it is up.
 */
#include "objlist_screen.h"

#include <curses.h>
#include <stdio.h>
#include <string.h>

#define OBJLIST_SCREEN_TOP (OBJLIST_VIEW_HEADING_LINES + 1) /* the heading, the column names */
#define LIST_HSTEP 8                                        /* cells Left and Right scroll by */
#define LIST_WHEEL_ROWS 3 /* rows a notch of the mouse wheel moves the selection by */

static size_t list_height(void)
{
	return LINES > OBJLIST_SCREEN_TOP + 1 ? (size_t)(LINES - OBJLIST_SCREEN_TOP - 1) : 0;
}

/* The cells the columns are laid out in: the screen's, or scrolled
 * sideways every column at its widest. */
static int list_width(const struct objlist_state *l)
{
	return l->hscroll ? OBJLIST_SCREEN_COLS - 1 : COLS;
}

int objlist_screen_refresh(struct objlist_state *l)
{
	l->height = list_height();
	return objlist_state_refresh(l);
}

/* The colour of a row's status (the help's legend says the same). */
static attr_t list_status_attr(enum objlist_view_status st)
{
	switch (st) {
	case OBJLIST_STATUS_ORPHAN: return COLOR_PAIR(PAIR_WARN) | A_BOLD;
	case OBJLIST_STATUS_DEST: return COLOR_PAIR(PAIR_BAD);
	case OBJLIST_STATUS_UNKNOWN: return COLOR_PAIR(PAIR_WARN);
	case OBJLIST_STATUS_OTHERNS: return COLOR_PAIR(PAIR_OTHER);
	case OBJLIST_STATUS_WORLD: return COLOR_PAIR(PAIR_BAD) | A_BOLD;
	case OBJLIST_STATUS_FOREIGN: return COLOR_PAIR(PAIR_GRAPH);
	default: return A_NORMAL;
	}
}

static const char *const help_lines[] = {
	"F1 ? h      this help (any key closes it)",
	"F2          setup: sort, delay, columns, colour, mouse",
	"arrows PgUp PgDn Home End  select; Enter opens",
	"            (a set's semaphores, a queue's depth)",
	"Left Right  scroll the columns sideways",
	"F3          search: jump to the next match (n, F3)",
	"F4 /        filter the rows   O orphans only",
	"Esc         clear search, filter, scroll; else back",
	"F6          sort menu   < > column   I invert",
	"s m n t o k i  sort by size, resident, nattch, age,",
	"            owner, key, shmid (again: invert)",
	"a scan /proc for holders   F9 x Del remove (asks)",
	"Tab the segment's view   q F10 quit (or back)",
	"sorted column: v or \u25bc biggest first, ^ or \u25b2 smallest",
	"colours: yellow bold orphan, red dest (removed, still",
	"  attached), yellow holders unknown (unreadable",
	"  processes), magenta another IPC namespace's, red",
	"  bold world-writable (o+w), cyan another user's",
	"STATUS dest, locked, orphan; NATTCH SysV attaches,",
	"  the other kinds' holders (- before a scan)",
	"orphan: nothing holds it; a SysV set or queue: no",
	"  waiter, its last users (sempid, LSPID, LRPID) gone;",
	"  never used: no process of its creator's user left",
};

void objlist_screen_draw_help(const struct draw_style *s)
{
	draw_help_box(" shmtop help: the list ", help_lines,
		      (int)(sizeof help_lines / sizeof help_lines[0]), s);
}

/* A key the list has no use for says so, rather than nothing. */
static void list_unknown_key(struct objlist_state *l, int ch)
{
	const char *name = keyname(ch);
	snprintf(l->status, sizeof l->status, "key %s does nothing here (F1 lists the keys)",
		 name ? name : "?");
}

enum objlist_action objlist_screen_key(struct objlist_state *l, int ch, key_t *key, int *shmid)
{
	long page = l->view.height > 1 ? (long)l->view.height - 1 : 1;
	l->height = list_height();
	l->width = list_width(l);
	if (ch != KEY_RESIZE) {
		l->status[0] = '\0';
		l->nwatch = 0;
	}
	if (l->confirming && ch != KEY_RESIZE) {
		objlist_state_answer(l, ch == 'y' || ch == 'Y');
		return OBJLIST_NONE;
	}
	if (l->menu && ch != KEY_RESIZE) {
		objlist_state_menu_key(l, ch == KEY_UP      ? -1
					  : ch == KEY_DOWN  ? -2
					  : ch == KEY_ENTER ? '\r'
							    : ch);
		return OBJLIST_NONE;
	}
	if (l->searching && ch == KEY_F(3)) {
		if (!objlist_state_search_next(l, false))
			snprintf(l->status, sizeof l->status, "search: no other row matches");
		return OBJLIST_NONE;
	}
	if (l->searching && objlist_state_search_key(l, ch == KEY_ENTER       ? '\r'
							: ch == KEY_BACKSPACE ? 127
									      : ch))
		return OBJLIST_NONE;
	if (l->editing && objlist_state_filter_key(l, ch == KEY_ENTER       ? '\r'
						      : ch == KEY_BACKSPACE ? 127
									    : ch))
		return OBJLIST_NONE;
	switch (ch) {
	case 27: /* Esc clears what narrows first */
		if (l->search[0] || l->hscroll) {
			l->search[0] = '\0';
			l->hscroll = 0;
			return OBJLIST_REPAINT;
		}
		return objlist_state_unnarrow(l) ? OBJLIST_NONE : OBJLIST_ESC;
	case 'q':
	case 'Q':
	case 3:
	case KEY_F(10): return OBJLIST_QUIT;
	case '?':
	case 'h':
	case 'H':
	case KEY_F(1): return OBJLIST_HELP;
	case KEY_F(2): return OBJLIST_SETUP;
	case '\t': return OBJLIST_BACK;
	case 12:
	case KEY_RESIZE: objlist_view_fit(&l->view, l->nshown, l->height); return OBJLIST_REPAINT;
	case KEY_UP: objlist_view_move(&l->view, -1); break;
	case KEY_DOWN: objlist_view_move(&l->view, 1); break;
	case KEY_PPAGE: objlist_view_move(&l->view, -page); break;
	case KEY_NPAGE: objlist_view_move(&l->view, page); break;
	case KEY_HOME: objlist_view_select(&l->view, 0); break;
	case KEY_END: objlist_view_select(&l->view, l->view.n ? l->view.n - 1 : 0); break;
	case KEY_LEFT:
	case KEY_RIGHT:
		l->hscroll += ch == KEY_RIGHT ? LIST_HSTEP : -LIST_HSTEP;
		if (l->hscroll < 0)
			l->hscroll = 0; /* the right end is the drawing's */
		return OBJLIST_REPAINT;
	case KEY_F(3):
		l->searching = true;
		if (l->search[0] && !objlist_state_search_next(l, false))
			snprintf(l->status, sizeof l->status, "search: no other row matches");
		return OBJLIST_NONE;
	case '/':
	case KEY_F(4): l->editing = true; return OBJLIST_NONE;
	case KEY_F(5):
		snprintf(l->status, sizeof l->status,
			 "F5: shmtop has no tree of objects (F1 lists the keys)");
		return OBJLIST_NONE;
	case KEY_F(6): objlist_state_sort_menu(l); return OBJLIST_NONE;
	case '<':
	case ',': objlist_state_sort_step(l, -1); return OBJLIST_NONE;
	case '>':
	case '.': objlist_state_sort_step(l, 1); return OBJLIST_NONE;
	case 'I': objlist_state_invert(l); return OBJLIST_NONE;
	case 'O': objlist_state_toggle_orphans(l); return OBJLIST_NONE;
	case 'a':
	case 'A': /* in the thread: the screen shows it when it is done */
		objlist_state_scan_now(l);
		return OBJLIST_NONE;
	case 'x':
	case KEY_DC:
	case KEY_F(9): objlist_state_ask_remove(l); return OBJLIST_NONE;
	case '\n':
	case '\r':
	case KEY_ENTER: {
		const struct objlist_row *r = objlist_state_selected(l);
		if (!r)
			return OBJLIST_NONE;
		bool sysv = r->kind == OBJLIST_SYSV;
		*key = sysv ? r->shm.st.key : 0;
		*shmid = sysv ? r->shm.st.shmid : -1;
		return OBJLIST_OPEN;
	}
	case 'n':
		if (l->search[0]) { /* after a search: the next match */
			if (!objlist_state_search_next(l, false))
				snprintf(l->status, sizeof l->status,
					 "search: no other row matches");
			return OBJLIST_NONE;
		}
		objlist_state_sort_key(l, ch); /* else: sort by nattch */
		return OBJLIST_NONE;
	default:
		if (!objlist_state_sort_key(l, ch))
			list_unknown_key(l, ch);
		return OBJLIST_NONE;
	}
	objlist_state_moved(l);
	return OBJLIST_NONE;
}

/* The list's bar: the most useful keys first (htop's F1 F2 F3 F4 F6 F9
 * F10), quit or back last. */
static void list_bar(bool top, struct fnbar *b)
{
	b->n = 0;
	fnbar_add(b, "F1", "Help");
	fnbar_add(b, "F2", "Setup");
	fnbar_add(b, "F3", "Search");
	fnbar_add(b, "F4", "Filter");
	fnbar_add(b, "F6", "SortBy");
	fnbar_add(b, "F9", "Remove");
	fnbar_add(b, "Enter", "Open");
	fnbar_add(b, "<>", "Column");
	fnbar_add(b, "I", "Invert");
	fnbar_add(b, "O", "Orphans");
	fnbar_add(b, "a", "Scan");
	fnbar_add(b, "Tab", top ? "Segment" : "Back");
	fnbar_add(b, "F10", top ? "Quit" : "Back");
}

/* The columns on screen (hscroll kept within them): scrolled sideways,
 * every column at its widest, shown from hscroll on. */
static void list_columns(struct objlist_state *l, struct objlist_view_cols *c)
{
	l->width = list_width(l);
	objlist_state_columns(l, c);
	if (l->hscroll > c->total - COLS)
		l->hscroll = c->total - COLS > 0 ? c->total - COLS : 0;
	if (!l->hscroll) {
		l->width = list_width(l);
		objlist_state_columns(l, c);
	}
}

/* The key of the bar's item at cell x of the footer, or -1: the bar
 * follows what narrows the list (objlist_view_footer()), and is not shown
 * while a line is edited or a status takes the row. */
static int bar_key_at(const struct objlist_state *l, bool top, int x)
{
	if (l->editing || l->searching || l->status[0])
		return -1;
	char buf[4 * OBJLIST_SCREEN_COLS];
	int x0 = objlist_view_cells(objlist_view_footer(l->filter, l->orphans_only, l->search,
							l->nshown, l->snap.n, buf, sizeof buf));
	struct fnbar bar;
	list_bar(top, &bar);
	int i = fnbar_at(&bar, COLS - 1 - x0, x - x0);
	return i < 0 ? -1 : fnbar_key_code(bar.item[i].key, KEY_F0);
}

int objlist_screen_mouse(struct objlist_state *l, int x, int y, int wheel, bool top)
{
	l->height = list_height();
	int key = y == LINES - 1 ? bar_key_at(l, top, x) : -1;
	l->status[0] = '\0';
	l->nwatch = 0;
	if (wheel) {
		objlist_view_move(&l->view, wheel * LIST_WHEEL_ROWS);
	} else if (y == LINES - 1) {
		return key;
	} else if (y == OBJLIST_SCREEN_TOP - 1) {
		struct objlist_view_cols c;
		list_columns(l, &c);
		int col = objlist_view_col_at(&c, x + l->hscroll);
		if (col >= 0)
			objlist_state_sort_by(l, objlist_columns[col].sort);
		return -1;
	} else {
		long i = objlist_view_row_at(&l->view, y - OBJLIST_SCREEN_TOP);
		if (i < 0)
			return -1;
		if ((size_t)i == l->view.sel)
			return '\r'; /* a click on the selection, or a double click: open it */
		objlist_view_select(&l->view, (size_t)i);
	}
	objlist_state_moved(l);
	return -1;
}

/* The text of screen row y into buf; *attr how to draw it (the selection
 * reversed, a row's status coloured); *bar for the footer of keys after
 * the text. */
static const char *row_text(const struct objlist_state *l, const struct objlist_view_cols *c, int y,
			    const struct draw_style *st, char *buf, size_t len, attr_t *attr,
			    bool *bar)
{
	*attr = A_NORMAL;
	*bar = false;
	buf[0] = '\0';
	if (y < OBJLIST_VIEW_HEADING_LINES) {
		*attr = y == 0 ? A_BOLD : A_NORMAL;
		return objlist_view_heading(&l->snap, y, buf, len);
	}
	if (y == OBJLIST_SCREEN_TOP - 1) {
		*attr = A_BOLD;
		return objlist_view_header(c, l->sort, l->reverse, l->utf8, buf, len);
	}
	if (y == LINES - 1) {
		*attr = A_BOLD;
		if (l->editing)
			return objlist_view_filter_line(l->filter, buf, len);
		if (l->searching)
			return objlist_view_search_line(l->search, buf, len);
		if (l->status[0])
			return l->status;
		*bar = true;
		return objlist_view_footer(l->filter, l->orphans_only, l->search, l->nshown,
					   l->snap.n, buf, len);
	}
	size_t i = l->view.top + (size_t)(y - OBJLIST_SCREEN_TOP);
	if (l->read_errno && y == OBJLIST_SCREEN_TOP) {
		snprintf(buf, len, "cannot read /proc/sysvipc/shm: %s", strerror(l->read_errno));
		return buf;
	}
	if (l->nshown == 0 && y == OBJLIST_SCREEN_TOP)
		return l->snap.n ? "(no objects match)" : "(no objects)";
	if (i >= l->nshown)
		return "";
	const struct objlist_row *r = &l->snap.rows[l->shown[i]];
	if (i == l->view.sel)
		*attr = A_REVERSE;
	else if (st->color)
		*attr = list_status_attr(objlist_view_status(r, l->me));
	return objlist_view_row(c, &l->snap, r, buf, len);
}

void objlist_screen_box(const struct objlist_view_box *b)
{
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

/* The sort menu, at the left over the rows, as htop's "Sort by". */
static void draw_menu(const struct objlist_state *l)
{
	enum objlist_col cols[OBJLIST_VIEW_NCOLS];
	size_t n = objlist_state_sortable(l, cols);
	int w = 16;
	for (size_t i = 0; i + OBJLIST_SCREEN_TOP < (size_t)LINES - 1 && i <= n; i++) {
		attrset((int)(i == 0 ? A_BOLD : i - 1 == l->menu_sel ? A_REVERSE : A_NORMAL));
		char line[32];
		snprintf(line, sizeof line, " %-*s", w - 1,
			 i == 0 ? "Sort by" : objlist_columns[cols[i - 1]].title);
		mvaddnstr(OBJLIST_SCREEN_TOP - 1 + (int)i, 0, line, COLS - 1 < w ? COLS - 1 : w);
	}
	attrset((int)A_NORMAL);
}

void objlist_screen_draw(struct objlist_state *l, struct objlist_drawn *d,
			 const struct draw_style *st, bool top)
{
	objlist_state_commands(l);
	bool over = l->confirming || l->menu;
	if (!d->valid || d->cols != COLS || d->lines != LINES || d->box != over) {
		erase();
		d->valid = true;
		d->cols = COLS;
		d->lines = LINES;
		d->box = over;
		for (int y = 0; y < OBJLIST_SCREEN_ROWS; y++) {
			d->text[y][0] = '\0';
			d->attr[y] = A_NORMAL;
		}
	}
	struct objlist_view_cols c;
	list_columns(l, &c);
	struct fnbar bar;
	list_bar(top, &bar);
	char buf[4 * OBJLIST_SCREEN_COLS];
	for (int y = 0; y < LINES && y < OBJLIST_SCREEN_ROWS; y++) {
		attr_t a;
		bool with_bar;
		const char *t = row_text(l, &c, y, st, buf, sizeof buf, &a, &with_bar);
		char line[4 * OBJLIST_SCREEN_COLS];
		if (l->hscroll && y >= OBJLIST_SCREEN_TOP - 1 && y < LINES - 1)
			t = objlist_view_slice(t, l->hscroll, COLS, line, sizeof line);
		char shown[4 * OBJLIST_SCREEN_COLS];
		if (with_bar) { /* the bar's text, for the comparison */
			char bt[256];
			snprintf(shown, sizeof shown, "%s%s", t,
				 fnbar_text(&bar, COLS - 1, bt, sizeof bt));
			t = shown;
		}
		if (!over && a == d->attr[y] &&
		    strncmp(t, d->text[y], OBJLIST_SCREEN_COLS - 1) == 0)
			continue;
		/* a row padded to the width in cells, so the highlight spans it
		 * and nothing of the old text stays; never the last cell of the
		 * last row */
		int w = y == LINES - 1 ? COLS - 1 : COLS;
		char padded[4 * OBJLIST_SCREEN_COLS];
		int cap = w < OBJLIST_SCREEN_COLS ? w : OBJLIST_SCREEN_COLS - 1;
		if (with_bar) {
			move(y, 0);
			clrtoeol();
			attrset((int)A_BOLD);
			mvaddnstr(y, 0, buf, cap);
			attrset((int)A_NORMAL);
			int x = objlist_view_cells(buf);
			if (x < cap)
				draw_fnbar(y, x, &bar);
		} else {
			attrset((int)a);
			mvaddstr(y, 0, objlist_view_pad(t, cap, padded, sizeof padded));
			attrset((int)A_NORMAL);
			if (w > cap) {
				move(y, cap);
				clrtoeol();
			}
		}
		size_t tl = strnlen(t, OBJLIST_SCREEN_COLS - 1);
		memcpy(d->text[y], t, tl);
		d->text[y][tl] = '\0';
		d->attr[y] = a;
	}
	if (l->confirming)
		objlist_screen_box(&l->box);
	if (l->menu)
		draw_menu(l);
}
