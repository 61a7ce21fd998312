/* SPDX-License-Identifier: MIT */
/*
 * The object list's state without curses: reading the list each tick
 * (the orphan memo, the scans for holders), the creators' commands of the
 * rows on screen (the command memo), the filter, the sort and the
 * selection, the removal and the watch of its holders' exits.
 */
#include "objlist_state.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "decode.h"
#include "escape.h"
#include "format.h"
#include "proc.h"

/* Never OBJLIST_RECORDS: no attaching.  The limits every OBJLIST_STATE_REREAD_NS;
 * the creators' commands for the rows on screen only, by
 * objlist_state_commands(); OBJLIST_ORPHANS when refresh_orphans() says so. */
#define COLLECT                                                                                    \
	(OBJLIST_NAMES | OBJLIST_DEVSHM | OBJLIST_FILES | OBJLIST_SYSVSEM | OBJLIST_SYSVMSG |      \
	 OBJLIST_MQUEUES)

int objlist_state_init(struct objlist_state *l, enum sysvipc_sort sort, bool reverse)
{
	memset(l, 0, sizeof *l);
	l->sort = sort;
	l->reverse = reverse;
	l->snap.max = 64;
	l->snap.rows = calloc(l->snap.max, sizeof *l->snap.rows);
	l->shown = calloc(l->snap.max, sizeof *l->shown);
	if (!l->snap.rows || !l->shown) {
		objlist_state_free(l);
		return -1;
	}
	return 0;
}

void objlist_state_free(struct objlist_state *l)
{
	objlist_scanner_free(l->scanner);
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

void objlist_state_set_filter(struct objlist_state *l, const char *text)
{
	snprintf(l->filter, sizeof l->filter, "%s", text ? text : "");
}

const struct objlist_row *objlist_state_selected(const struct objlist_state *l)
{
	return l->nshown ? &l->snap.rows[l->shown[l->view.sel]] : NULL;
}

static void remember_sel(struct objlist_state *l)
{
	const struct objlist_row *r = objlist_state_selected(l);
	if (r) {
		l->sel_row = *r;
		l->have_sel = true;
	}
}

/* The rows the filter and the orphans toggle leave, the selection kept on
 * the same object if it is still shown (else on the same line). */
static void narrow(struct objlist_state *l)
{
	struct objlist *s = &l->snap;
	size_t n = objlist_view_narrow(s->rows, s->n, l->filter, l->orphans_only, l->shown);
	l->nshown = 0;
	for (size_t i = 0; i < n; i++) /* -t */
		if (objlist_kind_in(&s->rows[l->shown[i]], l->kinds) &&
		    (!l->named_only || s->rows[l->shown[i]].named))
			l->shown[l->nshown++] = l->shown[i];
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
	objlist_view_fit(&l->view, l->nshown, l->height);
	remember_sel(l);
}

/* Collect into snap, growing the rows until all fit (or memory runs out:
 * the heading says the list is truncated).  0, or -1 with errno. */
static int collect(struct objlist_state *l, unsigned flags)
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

static void orphan_key(const struct objlist_row *r, struct objlist_orphan_memo *m)
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

static bool same_inputs(const struct objlist_orphan_memo *a, const struct objlist_orphan_memo *b)
{
	return a->kind == b->kind && a->dev == b->dev && a->ino == b->ino && a->cpid == b->cpid &&
	       a->ctime == b->ctime && a->nattch == b->nattch && a->dest == b->dest &&
	       a->nholders == b->nholders;
}

/* Keep the orphan flags of the last collect that worked them out. */
static void remember_orphans(struct objlist_state *l)
{
	const struct objlist *s = &l->snap;
	if (s->n > l->orphans_max) {
		struct objlist_orphan_memo *m = realloc(l->orphans, s->n * sizeof *m);
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
static bool restore_orphans(struct objlist_state *l)
{
	struct objlist *s = &l->snap;
	struct objlist_totals t = { 0 };
	size_t hint = 0;
	for (size_t i = 0; i < s->n; i++) {
		struct objlist_row *r = &s->rows[i];
		struct objlist_orphan_memo k;
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

static void watch_exits(struct objlist_state *l);

static void scan_failed(struct objlist_state *l, int rc)
{
	if (rc < 0)
		snprintf(l->status, sizeof l->status, "cannot scan /proc for holders: %s",
			 strerror(errno));
}

/* Take the scanner's finished scan into snap; true if there was one. */
static bool take_scan(struct objlist_state *l)
{
	int rc = l->scanner ? objlist_scanner_take(l->scanner, &l->snap) : 0;
	scan_failed(l, rc);
	return rc > 0;
}

/* Start the scan that is due in the scanner's thread, or run it here if
 * there is no thread; true if it ran here (the holders changed). */
static bool start_scan(struct objlist_state *l, int64_t now)
{
	bool here = false;
	if (!l->scanner)
		l->scanner = objlist_scanner_new(l->snap.proc_dir);
	if (l->scanner && objlist_scanner_start(l->scanner)) {
		l->scan_at = now;
		l->scan_due = false;
	} else if (!l->scanner) {
		scan_failed(l, objlist_scan(&l->snap));
		l->scan_at = now;
		l->scan_due = false;
		here = true;
	} /* else one is under way: this one starts once it is taken */
	l->snap.scan_running = l->scanner && objlist_scanner_busy(l->scanner);
	return here;
}

int objlist_state_scan_fd(const struct objlist_state *l)
{
	return l->scanner ? objlist_scanner_fd(l->scanner) : -1;
}

int objlist_state_refresh(struct objlist_state *l)
{
	int64_t now = clock_mono_ns();
	unsigned flags = COLLECT;
	bool orphans = false;
	if (l->limits_at == 0 || now - l->limits_at >= OBJLIST_STATE_REREAD_NS) {
		flags |= OBJLIST_LIMITS;
		l->limits_at = now;
	}
	if (take_scan(l))
		orphans = true; /* posix orphans follow the holders */
	if (l->scan_due || l->scan_at == 0 || now - l->scan_at >= OBJLIST_STATE_SCAN_NS)
		orphans |= start_scan(l, now);
	l->snap.scan_running = l->scanner && objlist_scanner_busy(l->scanner);
	if (l->orphans_at == 0 || now - l->orphans_at >= OBJLIST_STATE_REREAD_NS)
		orphans = true;
	/* the first bytes of each object only for a FORMAT column picked */
	l->snap.format_of =
	    objlist_view_pick_has(&l->pick, OBJLIST_VIEW_FORMAT) ? decode_format_of : NULL;
	if (l->snap.format_of)
		flags |= OBJLIST_FORMATS;
	int rc = collect(l, flags | (orphans ? OBJLIST_ORPHANS : 0));
	if (rc == 0 && !orphans && !restore_orphans(l)) {
		orphans = true;
		rc = collect(l, flags | OBJLIST_ORPHANS);
	}
	if (rc < 0) {
		l->read_errno = errno;
		l->snap.n = 0;
		l->nshown = 0;
		objlist_view_fit(&l->view, 0, l->height);
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

static void resort(struct objlist_state *l, enum sysvipc_sort by)
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
static void watch_holders(struct objlist_state *l, const struct objlist_row *r)
{
	const struct objlist *s = &l->snap;
	size_t i = objlist_find(s->rows, s->n, r);
	l->nwatch = 0;
	if (i == s->n)
		return;
	r = &s->rows[i];
	pid_t pids[OBJLIST_STATE_WATCH + 1];
	size_t n = 0;
	if (r->kind == OBJLIST_SYSV && r->shm.st.cpid > 0)
		pids[n++] = r->shm.st.cpid;
	for (size_t h = 0; h < r->nholders && n < OBJLIST_STATE_WATCH; h++)
		if (n == 0 || s->holders[r->holder0 + h].pid != pids[0])
			pids[n++] = s->holders[r->holder0 + h].pid;
	for (size_t k = 0; k < n && l->nwatch < OBJLIST_STATE_WATCH; k++) {
		struct objlist_watch *w = &l->watch[l->nwatch];
		char state;
		if (proc_stat(pids[k], &state, &w->start) || state == 'Z')
			continue; /* gone already, or hidden */
		w->pid = pids[k];
		proc_comm(w->pid, w->comm, sizeof w->comm);
		l->nwatch++;
	}
}

/* Say which watched holders have exited since the removal. */
static void watch_exits(struct objlist_state *l)
{
	for (size_t k = 0; k < l->nwatch;) {
		struct objlist_watch *w = &l->watch[k];
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
static void remove_target(struct objlist_state *l)
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
	objlist_state_refresh(l);
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

static const struct objlist_command_memo *memo_find(const struct objlist_state *l,
						    const struct objlist_row *r)
{
	for (size_t i = 0; i < l->nmemo; i++) {
		const struct objlist_command_memo *m = &l->memo[i];
		if (m->shmid == r->shm.st.shmid && m->cpid == r->shm.st.cpid &&
		    m->ctime == r->shm.st.ctime)
			return m;
	}
	return NULL;
}

/* The creators' commands of the SysV rows on screen: from the memo while
 * it is fresh for the same segment and creator, else from /proc. */
void objlist_state_commands(struct objlist_state *l)
{
	struct objlist_command_memo shown[OBJLIST_STATE_MEMO];
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
		const struct objlist_command_memo *m = memo_find(l, r);
		bool fresh = m && now - m->at < OBJLIST_STATE_REREAD_NS;
		if (fresh)
			snprintf(r->command, sizeof r->command, "%s", m->command);
		r->command_read = fresh || r->kind != OBJLIST_SYSV;
		if (r->kind == OBJLIST_SYSV && n < OBJLIST_STATE_MEMO)
			shown[n++].at = fresh ? m->at : now;
	}
	objlist_commands(s, l->shown[top], l->shown[end - 1] + 1); /* the rest, from /proc */
	n = 0;
	for (size_t i = top; i < end && n < OBJLIST_STATE_MEMO; i++) {
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

void objlist_state_moved(struct objlist_state *l)
{
	remember_sel(l);
}

bool objlist_state_sort_key(struct objlist_state *l, int ch)
{
	enum sysvipc_sort by;
	if (ch >= 'a' && ch <= 'z' && objlist_view_sort_key(ch, &by) == 0)
		resort(l, by);
	else if (ch >= 'A' && ch <= 'Z' && objlist_view_sort_key(ch - 'A' + 'a', &by) == 0)
		resort(l, by);
	else
		return false;
	return true;
}

bool objlist_state_unnarrow(struct objlist_state *l)
{
	if (!l->filter[0] && !l->orphans_only)
		return false;
	l->filter[0] = '\0';
	l->orphans_only = false;
	narrow(l);
	return true;
}

void objlist_state_toggle_orphans(struct objlist_state *l)
{
	l->orphans_only = !l->orphans_only;
	narrow(l);
}

void objlist_state_scan_now(struct objlist_state *l)
{
	l->scan_due = true;
	if (start_scan(l, clock_mono_ns()))
		objlist_state_refresh(l);
}

void objlist_state_ask_remove(struct objlist_state *l)
{
	if (!objlist_state_selected(l))
		return;
	l->target = *objlist_state_selected(l);
	objlist_view_confirm(&l->snap, &l->target, &l->box);
	l->confirming = true;
}

void objlist_state_answer(struct objlist_state *l, bool yes)
{
	l->confirming = false;
	if (yes && l->box.removable)
		remove_target(l);
	else if (l->box.removable)
		snprintf(l->status, sizeof l->status, "not removed");
}

bool objlist_state_search_next(struct objlist_state *l, bool from_here)
{
	if (!l->search[0] || l->nshown == 0)
		return false;
	for (size_t k = from_here ? 0 : 1; k <= l->nshown; k++) {
		size_t i = (l->view.sel + k) % l->nshown;
		if (objlist_match(&l->snap.rows[l->shown[i]], l->search)) {
			objlist_view_select(&l->view, i);
			remember_sel(l);
			return true;
		}
	}
	return false;
}

bool objlist_state_search_key(struct objlist_state *l, int ch)
{
	size_t n = strlen(l->search);
	switch (ch) {
	case 27:
		l->search[0] = '\0';
		l->searching = false;
		return true;
	case '\n':
	case '\r': l->searching = false; return true;
	case 127:
	case 8: filter_backspace(l->search); return true;
	default:
		if (ch < 32 || ch > 255)
			return false;
		if (n + 1 < sizeof l->search) {
			l->search[n] = (char)ch;
			l->search[n + 1] = '\0';
		}
		objlist_state_search_next(l, true);
		return true;
	}
}

void objlist_state_columns(const struct objlist_state *l, struct objlist_view_cols *c)
{
	objlist_view_columns_pick(l->width > 0 ? l->width : OBJLIST_STATE_ANY_WIDTH, &l->pick, c);
}

size_t objlist_state_sortable(const struct objlist_state *l, enum objlist_col *cols)
{
	struct objlist_view_cols c;
	objlist_state_columns(l, &c);
	return objlist_view_shown(&c, cols);
}

void objlist_state_sort_step(struct objlist_state *l, int dir)
{
	enum objlist_col cols[OBJLIST_VIEW_NCOLS];
	size_t n = objlist_state_sortable(l, cols), at = 0;
	if (n == 0)
		return;
	while (at < n && objlist_columns[cols[at]].sort != l->sort)
		at++;
	if (at == n) /* a sort no screen column shows: start from the first */
		at = dir > 0 ? n - 1 : 0;
	at = (at + n + (dir > 0 ? 1 : n - 1)) % n;
	l->sort = objlist_columns[cols[at]].sort;
	l->reverse = objlist_view_sort_reverse(l->sort);
	objlist_sort(&l->snap, l->sort, l->reverse);
	narrow(l);
}

void objlist_state_sort_by(struct objlist_state *l, enum sysvipc_sort by)
{
	resort(l, by);
}

void objlist_state_set_sort(struct objlist_state *l, enum sysvipc_sort by, bool reverse)
{
	l->sort = by;
	l->reverse = reverse;
	objlist_sort(&l->snap, l->sort, l->reverse);
	narrow(l);
}

void objlist_state_invert(struct objlist_state *l)
{
	resort(l, l->sort);
}

void objlist_state_sort_menu(struct objlist_state *l)
{
	enum objlist_col cols[OBJLIST_VIEW_NCOLS];
	size_t n = objlist_state_sortable(l, cols);
	l->menu_sel = 0;
	for (size_t i = 0; i < n; i++)
		if (objlist_columns[cols[i]].sort == l->sort)
			l->menu_sel = i;
	l->menu = true;
}

void objlist_state_menu_key(struct objlist_state *l, int ch)
{
	enum objlist_col cols[OBJLIST_VIEW_NCOLS];
	size_t n = objlist_state_sortable(l, cols);
	if (n == 0) {
		l->menu = false;
		return;
	}
	if (l->menu_sel >= n) /* fewer columns since it opened (a resize) */
		l->menu_sel = n - 1;
	if (ch == 'k' || ch == -1)
		l->menu_sel = l->menu_sel > 0 ? l->menu_sel - 1 : 0;
	else if (ch == 'j' || ch == -2)
		l->menu_sel = l->menu_sel + 1 < n ? l->menu_sel + 1 : n - 1;
	else if (ch == '\n' || ch == '\r') {
		enum sysvipc_sort by = objlist_columns[cols[l->menu_sel]].sort;
		if (by != l->sort)
			resort(l, by);
		l->menu = false;
	} else
		l->menu = false;
}

bool objlist_state_edit_key(char *text, size_t cap, bool *editing, int ch)
{
	size_t n = strlen(text);
	switch (ch) {
	case 27: /* Esc: clear it */
		text[0] = '\0';
		*editing = false;
		break;
	case '\n':
	case '\r': *editing = false; break;
	case 127:
	case 8: filter_backspace(text); break;
	default:
		if (ch < 32 || ch > 255)
			return false; /* arrows and the like move the selection */
		if (n + 1 < cap) {
			text[n] = (char)ch;
			text[n + 1] = '\0';
		}
		break;
	}
	return true;
}

bool objlist_state_filter_key(struct objlist_state *l, int ch)
{
	if (!objlist_state_edit_key(l->filter, sizeof l->filter, &l->editing, ch))
		return false;
	narrow(l);
	return true;
}
