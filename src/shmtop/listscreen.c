/* SPDX-License-Identifier: MIT */
/*
 * The object list.  Screen rows: the heading (totals, SysV and its
 * limits, the kinds), the column names, the objects, and the footer of
 * keys (or the filter line being edited, or the outcome of a removal).
 * Each frame builds every row's text, compares it with what struct
 * list_drawn says is on screen, and rewrites only the rows that differ;
 * the removal box is drawn over them while it is up.
 */
#include "listscreen.h"

#include <curses.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "escape.h"
#include "format.h"
#include "proc.h"

#define LIST_TOP (OBJLIST_VIEW_HEADING_LINES + 1) /* the heading, the column names */
/* Never OBJLIST_RECORDS: no attaching.  The limits every LIST_REREAD_NS;
 * the creators' commands for the rows on screen only, by list_draw();
 * OBJLIST_ORPHANS when refresh_orphans() says so. */
#define COLLECT (OBJLIST_NAMES | OBJLIST_DEVSHM)

int list_init(struct list_screen *l, enum sysvipc_sort sort, bool reverse)
{
	memset(l, 0, sizeof *l);
	l->sort = sort;
	l->reverse = reverse;
	l->snap.max = 64;
	l->snap.rows = calloc(l->snap.max, sizeof *l->snap.rows);
	l->shown = calloc(l->snap.max, sizeof *l->shown);
	if (!l->snap.rows || !l->shown) {
		list_free(l);
		return -1;
	}
	return 0;
}

void list_free(struct list_screen *l)
{
	scanner_free(l->scanner);
	l->scanner = NULL;
	objlist_free(&l->snap);
	free(l->snap.rows);
	free(l->shown);
	free(l->orphans);
	l->snap.rows = NULL;
	l->shown = NULL;
	l->orphans = NULL;
	l->snap.max = l->snap.n = l->nshown = l->norphans = l->orphans_max = 0;
}

void list_set_filter(struct list_screen *l, const char *text)
{
	snprintf(l->filter, sizeof l->filter, "%s", text ? text : "");
}

static size_t list_height(void)
{
	return LINES > LIST_TOP + 1 ? (size_t)(LINES - LIST_TOP - 1) : 0;
}

const struct objlist_row *list_selected(const struct list_screen *l)
{
	return l->nshown ? &l->snap.rows[l->shown[l->view.sel]] : NULL;
}

static void remember_sel(struct list_screen *l)
{
	const struct objlist_row *r = list_selected(l);
	if (r) {
		l->sel_row = *r;
		l->have_sel = true;
	}
}

/* The rows the filter and the orphans toggle leave, the selection kept on
 * the same object if it is still shown (else on the same line). */
static void narrow(struct list_screen *l)
{
	struct objlist *s = &l->snap;
	l->nshown = objlist_view_narrow(s->rows, s->n, l->filter, l->orphans_only, l->shown);
	size_t at = l->nshown;
	if (l->have_sel) {
		size_t r = objlist_find(s->rows, s->n, &l->sel_row);
		for (size_t i = 0; r < s->n && i < l->nshown; i++)
			if (l->shown[i] == r) {
				at = i;
				break;
			}
	}
	if (at < l->nshown)
		l->view.sel = at;
	objlist_view_fit(&l->view, l->nshown, list_height());
	remember_sel(l);
}

/* Collect into snap, growing the rows until all fit (or memory runs out:
 * the heading says the list is truncated).  0, or -1 with errno. */
static int collect(struct list_screen *l, unsigned flags)
{
	for (;;) {
		if (objlist_collect(&l->snap, flags) < 0)
			return -1;
		if (!l->snap.truncated)
			return 0;
		size_t want = l->snap.total + l->snap.total / 4 + 16;
		struct objlist_row *rows = realloc(l->snap.rows, want * sizeof *rows);
		if (!rows)
			return 0;
		l->snap.rows = rows;
		size_t *shown = realloc(l->shown, want * sizeof *shown);
		if (!shown) {
			l->snap.max = want < l->snap.max ? want : l->snap.max;
			return 0;
		}
		l->shown = shown;
		l->snap.max = want;
	}
}

static void orphan_key(const struct objlist_row *r, struct list_orphan_memo *m)
{
	memset(m, 0, sizeof *m);
	m->kind = r->kind;
	m->dev = r->dev;
	m->ino = r->kind == OBJLIST_SYSV ? (uint64_t)r->shm.st.shmid : r->ino;
	m->cpid = r->shm.st.cpid;
	m->ctime = r->shm.st.ctime;
	m->nattch = r->shm.st.nattch;
	m->dest = r->shm.st.dest;
	m->nholders = r->nholders;
}

static bool same_inputs(const struct list_orphan_memo *a, const struct list_orphan_memo *b)
{
	return a->kind == b->kind && a->dev == b->dev && a->ino == b->ino && a->cpid == b->cpid &&
	       a->ctime == b->ctime && a->nattch == b->nattch && a->dest == b->dest &&
	       a->nholders == b->nholders;
}

/* Keep the orphan flags of the last collect that worked them out. */
static void remember_orphans(struct list_screen *l)
{
	const struct objlist *s = &l->snap;
	if (s->n > l->orphans_max) {
		struct list_orphan_memo *m = realloc(l->orphans, s->n * sizeof *m);
		if (!m) {
			l->norphans = 0;
			return;
		}
		l->orphans = m;
		l->orphans_max = s->n;
	}
	for (size_t i = 0; i < s->n; i++) {
		orphan_key(&s->rows[i], &l->orphans[i]);
		l->orphans[i].orphan = s->rows[i].orphan;
	}
	l->norphans = s->n;
}

/* Give each row the flag remembered for the same object with the same
 * inputs, and total them; false if a row has none (new, or changed). */
static bool restore_orphans(struct list_screen *l)
{
	struct objlist *s = &l->snap;
	struct objlist_totals t = { 0 };
	size_t hint = 0;
	for (size_t i = 0; i < s->n; i++) {
		struct objlist_row *r = &s->rows[i];
		struct list_orphan_memo k;
		orphan_key(r, &k);
		size_t j, found = l->norphans;
		/* the memo is in the host's order, as the rows: look from the
		 * last match on */
		for (j = 0; j < l->norphans; j++) {
			size_t at = (hint + j) % l->norphans;
			if (same_inputs(&l->orphans[at], &k)) {
				found = at;
				break;
			}
		}
		if (found == l->norphans)
			return false;
		hint = found + 1;
		r->orphan = l->orphans[found].orphan;
		if (r->orphan)
			objlist_add_total(&t, r->size, r->resident, &s->saturated);
	}
	s->orphans = t;
	return true;
}

static void watch_exits(struct list_screen *l);

static void scan_failed(struct list_screen *l, int rc)
{
	if (rc < 0)
		snprintf(l->status, sizeof l->status, "cannot scan /proc for holders: %s",
			 strerror(errno));
}

/* Take the scanner's finished scan into snap; true if there was one. */
static bool take_scan(struct list_screen *l)
{
	int rc = l->scanner ? scanner_take(l->scanner, &l->snap) : 0;
	scan_failed(l, rc);
	return rc > 0;
}

/* Start the scan that is due in the scanner's thread, or run it here if
 * there is no thread; true if it ran here (the holders changed). */
static bool start_scan(struct list_screen *l, int64_t now)
{
	bool here = false;
	if (!l->scanner)
		l->scanner = scanner_new(l->snap.proc_dir);
	if (l->scanner && scanner_start(l->scanner)) {
		l->scan_at = now;
		l->scan_due = false;
	} else if (!l->scanner) {
		scan_failed(l, objlist_scan(&l->snap));
		l->scan_at = now;
		l->scan_due = false;
		here = true;
	} /* else one is under way: this one starts once it is taken */
	l->snap.scan_running = l->scanner && scanner_busy(l->scanner);
	return here;
}

int list_scan_fd(const struct list_screen *l)
{
	return l->scanner ? scanner_fd(l->scanner) : -1;
}

int list_refresh(struct list_screen *l)
{
	int64_t now = clock_mono_ns();
	unsigned flags = COLLECT;
	bool orphans = false;
	if (l->limits_at == 0 || now - l->limits_at >= LIST_REREAD_NS) {
		flags |= OBJLIST_LIMITS;
		l->limits_at = now;
	}
	if (take_scan(l))
		orphans = true; /* posix orphans follow the holders */
	if (l->scan_due || l->scan_at == 0 || now - l->scan_at >= LIST_SCAN_NS)
		orphans |= start_scan(l, now);
	l->snap.scan_running = l->scanner && scanner_busy(l->scanner);
	if (l->orphans_at == 0 || now - l->orphans_at >= LIST_REREAD_NS)
		orphans = true;
	int rc = collect(l, flags | (orphans ? OBJLIST_ORPHANS : 0));
	if (rc == 0 && !orphans && !restore_orphans(l)) {
		orphans = true;
		rc = collect(l, flags | OBJLIST_ORPHANS);
	}
	if (rc < 0) {
		l->read_errno = errno;
		l->snap.n = 0;
		l->nshown = 0;
		objlist_view_fit(&l->view, 0, list_height());
		return -1;
	}
	if (orphans) {
		remember_orphans(l);
		l->orphans_at = now;
	}
	l->read_errno = 0;
	watch_exits(l);
	objlist_sort(&l->snap, l->sort, l->reverse);
	narrow(l);
	return 0;
}

static void resort(struct list_screen *l, enum sysvipc_sort by)
{
	if (by == l->sort) {
		l->reverse = !l->reverse;
	} else {
		l->sort = by;
		l->reverse = objlist_view_sort_reverse(by);
	}
	objlist_sort(&l->snap, l->sort, l->reverse);
	narrow(l);
}

/* Watch the holders (and a segment's creator) of r, as the last refresh
 * knows them, for their exits. */
static void watch_holders(struct list_screen *l, const struct objlist_row *r)
{
	const struct objlist *s = &l->snap;
	size_t i = objlist_find(s->rows, s->n, r);
	l->nwatch = 0;
	if (i == s->n)
		return;
	r = &s->rows[i];
	pid_t pids[LIST_WATCH + 1];
	size_t n = 0;
	if (r->kind == OBJLIST_SYSV && r->shm.st.cpid > 0)
		pids[n++] = r->shm.st.cpid;
	for (size_t h = 0; h < r->nholders && n < LIST_WATCH; h++)
		if (n == 0 || s->holders[r->holder0 + h].pid != pids[0])
			pids[n++] = s->holders[r->holder0 + h].pid;
	for (size_t k = 0; k < n && l->nwatch < LIST_WATCH; k++) {
		struct list_watch *w = &l->watch[l->nwatch];
		char state;
		if (proc_stat(pids[k], &state, &w->start) || state == 'Z')
			continue; /* gone already, or hidden */
		w->pid = pids[k];
		proc_comm(w->pid, w->comm, sizeof w->comm);
		l->nwatch++;
	}
}

/* Say which watched holders have exited since the removal. */
static void watch_exits(struct list_screen *l)
{
	for (size_t k = 0; k < l->nwatch;) {
		struct list_watch *w = &l->watch[k];
		if (proc_alive(w->pid, w->start) != 0) {
			k++;
			continue;
		}
		size_t at = strlen(l->status);
		char comm[sizeof w->comm * 4];
		escape_text(w->comm, strlen(w->comm), ESCAPE_LOCALE, (int)sizeof w->comm, comm,
			    sizeof comm);
		format_append(l->status, sizeof l->status, &at, "; %s (pid %d) exited", comm,
			      (int)w->pid);
		*w = l->watch[--l->nwatch];
	}
}

/* Remove the object in the box after 'y', and say how it went. */
static void remove_target(struct list_screen *l)
{
	char why[sizeof l->status];
	char name[2 * OBJLIST_VIEW_BOX_COLS];
	const struct objlist_row *r = &l->target;
	watch_holders(l, r);
	size_t nwatch = l->nwatch;
	l->nwatch = 0;
	if (r->kind == OBJLIST_SYSV)
		snprintf(name, sizeof name, "shmid %d", r->shm.st.shmid);
	else
		escape_text(r->name, strlen(r->name), ESCAPE_LOCALE, 80, name, sizeof name);
	if (objlist_remove(&l->snap, r, why, sizeof why) < 0) {
		char esc[sizeof why];
		escape_text(why, strlen(why), ESCAPE_LOCALE, (int)sizeof esc / 4, esc, sizeof esc);
		snprintf(l->status, sizeof l->status, "%s", esc);
	} else {
		snprintf(l->status, sizeof l->status, "removed %s %s", objlist_kind_name(r->kind),
			 name);
		l->nwatch = nwatch; /* watched from here on */
	}
	list_refresh(l);
}

/* Delete the last character of the filter (a UTF-8 character whole). */
static void filter_backspace(char *f)
{
	size_t n = strlen(f);
	while (n > 0 && ((unsigned char)f[n - 1] & 0xc0) == 0x80)
		n--;
	if (n > 0)
		n--;
	f[n] = '\0';
}

/* A key while the filter line is open; true if it was the line's. */
static bool filter_key(struct list_screen *l, int ch)
{
	size_t n = strlen(l->filter);
	switch (ch) {
	case 27: /* Esc: clear it */
		l->filter[0] = '\0';
		l->editing = false;
		break;
	case '\n':
	case '\r':
	case KEY_ENTER: l->editing = false; break;
	case KEY_BACKSPACE:
	case 127:
	case 8: filter_backspace(l->filter); break;
	default:
		if (ch < 32 || ch > 255 || ch == 127)
			return false; /* arrows and the like move the selection */
		if (n + 1 < sizeof l->filter) {
			l->filter[n] = (char)ch;
			l->filter[n + 1] = '\0';
		}
		break;
	}
	narrow(l);
	return true;
}

enum list_action list_key(struct list_screen *l, int ch, key_t *key, int *shmid)
{
	long page = l->view.height > 1 ? (long)l->view.height - 1 : 1;
	enum sysvipc_sort by;
	if (ch != KEY_RESIZE) {
		l->status[0] = '\0';
		l->nwatch = 0;
	}
	if (l->confirming && ch != KEY_RESIZE) {
		l->confirming = false;
		if ((ch == 'y' || ch == 'Y') && l->box.removable)
			remove_target(l);
		else if (l->box.removable)
			snprintf(l->status, sizeof l->status, "not removed");
		return LIST_NONE;
	}
	if (l->editing && filter_key(l, ch))
		return LIST_NONE;
	switch (ch) {
	case 27:
		if (l->filter[0] || l->orphans_only) { /* Esc clears what narrows first */
			l->filter[0] = '\0';
			l->orphans_only = false;
			narrow(l);
			return LIST_NONE;
		}
		return LIST_QUIT;
	case 'q':
	case 'Q':
	case 3:
	case KEY_F(10): return LIST_QUIT;
	case '\t': return LIST_BACK;
	case 12:
	case KEY_RESIZE: objlist_view_fit(&l->view, l->nshown, list_height()); return LIST_REPAINT;
	case KEY_UP: objlist_view_move(&l->view, -1); break;
	case KEY_DOWN: objlist_view_move(&l->view, 1); break;
	case KEY_PPAGE: objlist_view_move(&l->view, -page); break;
	case KEY_NPAGE: objlist_view_move(&l->view, page); break;
	case KEY_HOME: objlist_view_select(&l->view, 0); break;
	case KEY_END: objlist_view_select(&l->view, l->view.n ? l->view.n - 1 : 0); break;
	case '/':
	case KEY_F(4): l->editing = true; return LIST_NONE;
	case 'O':
		l->orphans_only = !l->orphans_only;
		narrow(l);
		return LIST_NONE;
	case 'a':
	case 'A': /* in the thread: the screen shows it when it is done */
		l->scan_due = true;
		if (start_scan(l, clock_mono_ns()))
			list_refresh(l);
		return LIST_NONE;
	case 'x':
	case KEY_DC:
	case KEY_F(9):
		if (!list_selected(l))
			return LIST_NONE;
		l->target = *list_selected(l);
		objlist_view_confirm(&l->snap, &l->target, &l->box);
		l->confirming = true;
		return LIST_NONE;
	case '\n':
	case '\r':
	case KEY_ENTER:
	case KEY_RIGHT: {
		const struct objlist_row *r = list_selected(l);
		if (!r)
			return LIST_NONE;
		bool sysv = r->kind == OBJLIST_SYSV;
		*key = sysv ? r->shm.st.key : 0;
		*shmid = sysv ? r->shm.st.shmid : -1;
		return LIST_OPEN;
	}
	default:
		if (ch >= 'a' && ch <= 'z' && objlist_view_sort_key(ch, &by) == 0)
			resort(l, by);
		else if (ch >= 'A' && ch <= 'Z' && objlist_view_sort_key(ch - 'A' + 'a', &by) == 0)
			resort(l, by);
		return LIST_NONE;
	}
	remember_sel(l);
	return LIST_NONE;
}

/* The text of screen row y into buf; *hilite for the selection. */
static const char *row_text(const struct list_screen *l, const struct objlist_view_cols *c, int y,
			    char *buf, size_t len, bool *hilite)
{
	*hilite = false;
	buf[0] = '\0';
	if (y < OBJLIST_VIEW_HEADING_LINES)
		return objlist_view_heading(&l->snap, y, buf, len);
	if (y == LIST_TOP - 1)
		return objlist_view_header(c, buf, len);
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

static const struct list_command_memo *memo_find(const struct list_screen *l,
						 const struct objlist_row *r)
{
	for (size_t i = 0; i < l->nmemo; i++) {
		const struct list_command_memo *m = &l->memo[i];
		if (m->shmid == r->shm.st.shmid && m->cpid == r->shm.st.cpid &&
		    m->ctime == r->shm.st.ctime)
			return m;
	}
	return NULL;
}

/* The creators' commands of the SysV rows on screen: from the memo while
 * it is fresh for the same segment and creator, else from /proc. */
static void lookup_commands(struct list_screen *l)
{
	struct list_command_memo shown[LIST_MEMO];
	struct objlist *s = &l->snap;
	int64_t now = clock_mono_ns();
	size_t top = l->view.top,
	       end = top + l->view.height < l->nshown ? top + l->view.height : l->nshown;
	if (top >= end)
		return;
	/* rows between the shown ones (filtered out) need no look-up */
	for (size_t i = l->shown[top]; i <= l->shown[end - 1]; i++)
		s->rows[i].command_read = true;
	size_t n = 0;
	for (size_t i = top; i < end; i++) {
		struct objlist_row *r = &s->rows[l->shown[i]];
		const struct list_command_memo *m = memo_find(l, r);
		bool fresh = m && now - m->at < LIST_REREAD_NS;
		if (fresh)
			snprintf(r->command, sizeof r->command, "%s", m->command);
		r->command_read = fresh || r->kind != OBJLIST_SYSV;
		if (r->kind == OBJLIST_SYSV && n < LIST_MEMO)
			shown[n++].at = fresh ? m->at : now;
	}
	objlist_commands(s, l->shown[top], l->shown[end - 1] + 1); /* the rest, from /proc */
	n = 0;
	for (size_t i = top; i < end && n < LIST_MEMO; i++) {
		const struct objlist_row *r = &s->rows[l->shown[i]];
		if (r->kind != OBJLIST_SYSV)
			continue;
		shown[n].shmid = r->shm.st.shmid;
		shown[n].cpid = r->shm.st.cpid;
		shown[n].ctime = r->shm.st.ctime;
		snprintf(shown[n].command, sizeof shown[n].command, "%s", r->command);
		n++;
	}
	memcpy(l->memo, shown, n * sizeof shown[0]);
	l->nmemo = n;
}

/* The removal box, centred over the rows. */
static void draw_box(const struct list_screen *l)
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

void list_draw(struct list_screen *l, struct list_drawn *d)
{
	lookup_commands(l);
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
