/* SPDX-License-Identifier: MIT */
/*
 * Selection and scrolling are clamping arithmetic; the columns have fixed
 * widths (those of objlist_table_write()) but COMMAND, which stretches, and are
 * dropped least useful first when the screen is narrow.  Every cell goes
 * through escape_text() (src/util/escape.h) and is padded by cells, not bytes, so a name
 * of any bytes takes exactly its column.
 */
#include "objlist_view.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <wchar.h>

#include "clock.h"
#include "escape.h"
#include "format.h"
#include "objlist_columns.h"

static void scroll_to_sel(struct objlist_view *v)
{
	if (v->n == 0) {
		v->sel = v->top = 0;
		return;
	}
	if (v->sel >= v->n)
		v->sel = v->n - 1;
	if (v->height == 0) {
		v->top = v->sel;
		return;
	}
	if (v->sel < v->top)
		v->top = v->sel;
	if (v->sel >= v->top + v->height)
		v->top = v->sel - v->height + 1;
	/* no empty rows below the last when there are rows above */
	if (v->top + v->height > v->n)
		v->top = v->n > v->height ? v->n - v->height : 0;
}

void objlist_view_fit(struct objlist_view *v, size_t n, size_t height)
{
	v->n = n;
	v->height = height;
	scroll_to_sel(v);
}

void objlist_view_move(struct objlist_view *v, long delta)
{
	if (delta < 0)
		v->sel = (size_t)-delta > v->sel ? 0 : v->sel - (size_t)-delta;
	else
		v->sel =
		    v->n - v->sel <= (size_t)delta ? (v->n ? v->n - 1 : 0) : v->sel + (size_t)delta;
	scroll_to_sel(v);
}

void objlist_view_select(struct objlist_view *v, size_t i)
{
	v->sel = i;
	scroll_to_sel(v);
}

long objlist_view_row_at(const struct objlist_view *v, long row)
{
	if (row < 0 || (size_t)row >= v->height || v->top + (size_t)row >= v->n)
		return -1;
	return (long)(v->top + (size_t)row);
}

size_t objlist_view_find(const struct objlist_row *rows, size_t n, int shmid)
{
	for (size_t i = 0; i < n; i++)
		if (rows[i].shm.st.shmid == shmid)
			return i;
	return n;
}

size_t objlist_view_narrow(const struct objlist_row *rows, size_t n, const char *filter,
			   bool orphans_only, size_t *idx)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if ((!orphans_only || rows[i].orphan) && objlist_match(&rows[i], filter))
			idx[k++] = i;
	return k;
}

/* The cells of the printable character at s, and its length in *k. */
static int char_cells(const char *s, size_t *k)
{
	uint32_t cp;
	size_t n = strnlen(s, 4);
	*k = escape_utf8_char((const unsigned char *)s, n, &cp);
	if (*k <= 1) {
		*k = 1;
		return 1;
	}
	int w = wcwidth((wchar_t)cp);
	return w >= 1 ? w : 1;
}

int objlist_view_cells(const char *text)
{
	int cells = 0;
	size_t k;
	for (const char *s = text; *s; s += k)
		cells += char_cells(s, &k);
	return cells;
}

char *objlist_view_pad(const char *text, int width, char *buf, size_t len)
{
	size_t at = 0, k;
	int cells = 0;
	if (len == 0)
		return buf;
	for (const char *s = text; *s; s += k) {
		int w = char_cells(s, &k);
		if (cells + w > width || at + k >= len)
			break;
		memcpy(buf + at, s, k);
		at += k;
		cells += w;
	}
	for (; cells < width && at + 1 < len; cells++)
		buf[at++] = ' ';
	buf[at] = '\0';
	return buf;
}

/* The screen's columns in the object list's table (objlist_columns.h). */
static const enum objlist_col screen_col[OBJLIST_VIEW_NCOLS] = {
	[OBJLIST_VIEW_KEY] = OBJLIST_COL_KEY,       [OBJLIST_VIEW_SHMID] = OBJLIST_COL_ID,
	[OBJLIST_VIEW_KIND] = OBJLIST_COL_KIND,     [OBJLIST_VIEW_OWNER] = OBJLIST_COL_OWNER,
	[OBJLIST_VIEW_PERMS] = OBJLIST_COL_PERMS,   [OBJLIST_VIEW_SIZE] = OBJLIST_COL_SIZE,
	[OBJLIST_VIEW_RSS] = OBJLIST_COL_RSS,       [OBJLIST_VIEW_SWAP] = OBJLIST_COL_SWAP,
	[OBJLIST_VIEW_NATTCH] = OBJLIST_COL_NATTCH, [OBJLIST_VIEW_STATUS] = OBJLIST_COL_STATUS,
	[OBJLIST_VIEW_CPID] = OBJLIST_COL_CPID,     [OBJLIST_VIEW_LPID] = OBJLIST_COL_LPID,
	[OBJLIST_VIEW_CTIME] = OBJLIST_COL_CTIME,   [OBJLIST_VIEW_COMMAND] = OBJLIST_COL_COMMAND,
	[OBJLIST_VIEW_FORMAT] = OBJLIST_COL_FORMAT,
};
#define COL(i) (objlist_columns[screen_col[i]])
#define COMMAND_MAX 32
#define NAME_SPAN_FIRST 28 /* cells a name gets before COMMAND grows: a JVM's path */
#define NAME_SPAN_MAX 40   /* cells of a name, when the screen has room */

static const enum objlist_view_col drop_order[] = {
	OBJLIST_VIEW_SWAP,    OBJLIST_VIEW_FORMAT, OBJLIST_VIEW_LPID,
	OBJLIST_VIEW_CPID,    OBJLIST_VIEW_CTIME,  OBJLIST_VIEW_PERMS,
	OBJLIST_VIEW_COMMAND, OBJLIST_VIEW_OWNER,  OBJLIST_VIEW_STATUS,
};

static int total_of(const struct objlist_view_cols *c)
{
	int t = 0, k = 0;
	for (int i = 0; i < OBJLIST_VIEW_NCOLS; i++)
		if (c->shown[i]) {
			t += c->width[i];
			k++;
		}
	return t + (k > 0 ? k - 1 : 0);
}

/* Is SHMID shown right after KEY, so that a name spans both? */
static bool spans(const struct objlist_view_cols *c)
{
	for (size_t i = 0; i + 1 < c->n; i++)
		if (c->order[i] == OBJLIST_VIEW_KEY)
			return c->order[i + 1] == OBJLIST_VIEW_SHMID;
	return false;
}

static void pick_default(struct objlist_view_pick *p)
{
	p->n = OBJLIST_VIEW_NDEFAULT;
	for (int i = 0; i < OBJLIST_VIEW_NDEFAULT; i++)
		p->col[i] = (enum objlist_view_col)i;
}

size_t objlist_view_pick_cols(const struct objlist_view_pick *p, enum objlist_view_col *cols)
{
	struct objlist_view_pick all;
	if (p->n == 0) {
		pick_default(&all);
		p = &all;
	}
	for (size_t i = 0; i < p->n; i++)
		cols[i] = p->col[i];
	return p->n;
}

bool objlist_view_pick_has(const struct objlist_view_pick *p, enum objlist_view_col v)
{
	enum objlist_view_col cols[OBJLIST_VIEW_NCOLS];
	size_t n = objlist_view_pick_cols(p, cols);
	for (size_t i = 0; i < n; i++)
		if (cols[i] == v)
			return true;
	return false;
}

/* Widen the names (KEY and SHMID's span, SHMID wider; KEY alone wider)
 * into the room left of width, up to max cells. */
static void grow_name(struct objlist_view_cols *c, int width, int max)
{
	if (!c->shown[OBJLIST_VIEW_KEY])
		return;
	bool span = spans(c);
	int name = c->width[OBJLIST_VIEW_KEY] + (span ? 1 + c->width[OBJLIST_VIEW_SHMID] : 0);
	if (width > c->total && name < max) {
		int more = width - c->total < max - name ? width - c->total : max - name;
		c->width[span ? OBJLIST_VIEW_SHMID : OBJLIST_VIEW_KEY] += more;
		c->total += more;
	}
}

void objlist_view_columns_pick(int width, const struct objlist_view_pick *p,
			       struct objlist_view_cols *c)
{
	struct objlist_view_pick all;
	if (!p || p->n == 0) {
		pick_default(&all);
		p = &all;
	}
	memset(c, 0, sizeof *c);
	for (size_t i = 0; i < p->n && i < OBJLIST_VIEW_NCOLS; i++) {
		c->shown[p->col[i]] = true;
		c->width[p->col[i]] = COL(p->col[i]).width;
	}
	for (size_t d = 0; d < sizeof drop_order / sizeof drop_order[0] && total_of(c) > width;
	     d++) {
		c->shown[drop_order[d]] = false;
		c->width[drop_order[d]] = 0;
	}
	for (size_t i = 0; i < p->n && i < OBJLIST_VIEW_NCOLS; i++)
		if (c->shown[p->col[i]])
			c->order[c->n++] = p->col[i];
	c->total = total_of(c);
	/* the room left: the names first (an object's name is what it is: a
	 * file's path, a POSIX name), up to NAME_SPAN_FIRST, then COMMAND up
	 * to COMMAND_MAX, then the names again up to NAME_SPAN_MAX */
	grow_name(c, width, NAME_SPAN_FIRST);
	if (c->shown[OBJLIST_VIEW_COMMAND] && width > c->total) {
		int more = width - c->total;
		if (more > COMMAND_MAX - COL(OBJLIST_VIEW_COMMAND).width)
			more = COMMAND_MAX - COL(OBJLIST_VIEW_COMMAND).width;
		c->width[OBJLIST_VIEW_COMMAND] += more;
		c->total += more;
	}
	grow_name(c, width, NAME_SPAN_MAX);
}

void objlist_view_columns(int width, struct objlist_view_cols *c)
{
	objlist_view_columns_pick(width, NULL, c);
}

enum objlist_col objlist_view_col_column(enum objlist_view_col v)
{
	return screen_col[v];
}

/* The screen column showing objlist_columns[col], or -1. */
static int view_col_of(int col)
{
	for (int i = 0; i < OBJLIST_VIEW_NCOLS; i++)
		if ((int)screen_col[i] == col)
			return i;
	return -1;
}

static void pick_add(struct objlist_view_pick *p, int v)
{
	for (size_t i = 0; i < p->n; i++)
		if ((int)p->col[i] == v)
			return;
	if (v >= 0 && p->n < OBJLIST_VIEW_NCOLS)
		p->col[p->n++] = (enum objlist_view_col)v;
}

int objlist_view_pick_parse(const char *list, struct objlist_view_pick *p)
{
	p->n = 0;
	if (*list == '+') {
		pick_default(p);
		list++;
	}
	for (const char *s = list;;) {
		size_t n = strcspn(s, ",");
		char name[32];
		snprintf(name, sizeof name, "%.*s", n < sizeof name ? (int)n : 0, s);
		if (strcasecmp(name, "ALL") == 0)
			for (int i = 0; i < OBJLIST_VIEW_NCOLS; i++)
				pick_add(p, i);
		else {
			int c = objlist_column_find(name);
			if (c < 0) {
				pick_default(p);
				return -1;
			}
			pick_add(p, view_col_of(c));
		}
		if (!s[n])
			break;
		s += n + 1;
	}
	return 0;
}

char *objlist_view_pick_text(const struct objlist_view_pick *p, char *buf, size_t len)
{
	struct objlist_view_pick all;
	if (p->n == 0) {
		pick_default(&all);
		p = &all;
	}
	size_t at = 0;
	if (len)
		buf[0] = '\0';
	for (size_t i = 0; i < p->n; i++)
		format_append(buf, len, &at, "%s%s", i ? "," : "", COL(p->col[i]).name);
	return buf;
}

/* Lay the cells out by c into buf, each escaped and padded by cells; with
 * span, cell[OBJLIST_VIEW_KEY] takes the KEY and SHMID columns (a name)
 * when SHMID follows KEY. */
static char *line(const struct objlist_view_cols *c, const char *const cell[OBJLIST_VIEW_NCOLS],
		  bool span, char *buf, size_t len)
{
	size_t at = 0;
	buf[0] = '\0';
	span = span && spans(c);
	for (size_t k = 0; k < c->n && at + 1 < len; k++) {
		enum objlist_view_col i = c->order[k];
		if (span && i == OBJLIST_VIEW_SHMID)
			continue;
		int w = c->width[i];
		if (span && i == OBJLIST_VIEW_KEY)
			w += 1 + c->width[OBJLIST_VIEW_SHMID];
		char esc[4 * OBJLIST_NAME_MAX + 8];
		int cells =
		    escape_text(cell[i], strlen(cell[i]), ESCAPE_LOCALE, w, esc, sizeof esc);
		int n;
		if (COL(i).right)
			n = snprintf(buf + at, len - at, "%s%*s%s", at ? " " : "", w - cells, "",
				     esc);
		else
			n = snprintf(buf + at, len - at, "%s%s%*s", at ? " " : "", esc, w - cells,
				     "");
		if (n < 0)
			break;
		at += (size_t)n;
	}
	if (at >= len) { /* cut: at a character's start */
		at = len - 1;
		while (at > 0 && ((unsigned char)buf[at] & 0xc0) == 0x80)
			at--;
		buf[at] = '\0';
	}
	while (at > 0 && buf[at - 1] == ' ') /* no trailing blanks */
		buf[--at] = '\0';
	return buf;
}

size_t objlist_view_shown(const struct objlist_view_cols *c, enum objlist_col *cols)
{
	for (size_t i = 0; i < c->n; i++)
		cols[i] = screen_col[c->order[i]];
	return c->n;
}

int objlist_view_col_at(const struct objlist_view_cols *c, int x)
{
	int at = 0;
	for (size_t k = 0; k < c->n && x >= 0; k++) {
		enum objlist_view_col i = c->order[k];
		at += c->width[i] + 1;
		if (x < at)
			return (int)screen_col[i];
	}
	return -1;
}

char *objlist_view_header(const struct objlist_view_cols *c, enum sysvipc_sort by, bool reverse,
			  bool utf8, char *buf, size_t len)
{
	const char *cell[OBJLIST_VIEW_NCOLS];
	char marked[64];
	for (int i = 0; i < OBJLIST_VIEW_NCOLS; i++) {
		cell[i] = COL(i).title;
		if (COL(i).sort != by || !c->shown[i])
			continue;
		/* the title cut so that the mark shows */
		int keep = (int)strlen(COL(i).title);
		if (keep > c->width[i] - 1)
			keep = c->width[i] > 1 ? c->width[i] - 1 : 0;
		snprintf(marked, sizeof marked, "%.*s%s", keep, COL(i).title,
			 reverse ? (utf8 ? "\u25bc" : "v") : (utf8 ? "\u25b2" : "^"));
		cell[i] = marked;
	}
	return line(c, cell, false, buf, len);
}

char *objlist_view_slice(const char *text, int skip, int width, char *buf, size_t len)
{
	size_t k = 0;
	for (int cells = 0; text[k] && cells < skip;) {
		size_t n;
		int w = char_cells(text + k, &n);
		if (cells + w > skip)
			break; /* a wide character across the edge: shown whole */
		cells += w;
		k += n;
	}
	return objlist_view_pad(text + k, width, buf, len);
}

enum objlist_view_status objlist_view_status(const struct objlist_row *r, uid_t me)
{
	bool sysv = r->kind == OBJLIST_SYSV;
	if (r->orphan)
		return OBJLIST_STATUS_ORPHAN;
	if (sysv && r->shm.st.dest)
		return OBJLIST_STATUS_DEST;
	if (r->holders_unknown)
		return OBJLIST_STATUS_UNKNOWN;
	if (sysv && r->ipcns)
		return OBJLIST_STATUS_OTHERNS;
	if (r->mode & 0002)
		return OBJLIST_STATUS_WORLD;
	if (r->uid != me)
		return OBJLIST_STATUS_FOREIGN;
	return OBJLIST_STATUS_OK;
}

/* The holders of r in s into *h and *n; false before a scan. */
static bool holders_of(const struct objlist *s, const struct objlist_row *r,
		       const struct objlist_holder **h, size_t *n)
{
	*h = NULL;
	*n = 0;
	if (!s->scanned)
		return false;
	if (r->nholders && s->holders && r->holder0 + r->nholders <= s->nholders) {
		*h = s->holders + r->holder0;
		*n = r->nholders;
	}
	return true;
}

char *objlist_view_row(const struct objlist_view_cols *c, const struct objlist *s,
		       const struct objlist_row *r, char *buf, size_t len)
{
	const struct ipcstat *st = &r->shm.st;
	bool sysv = r->kind == OBJLIST_SYSV, ipc = objlist_kind_ipc(r->kind);
	char key[16], id[16], perms[16], size[16], rss[16], nattch[24], status[32], cpid[16],
	    lpid[16], ct[16], cmd[96];
	size_t nh;
	const struct objlist_holder *h;
	bool known = holders_of(s, r, &h, &nh);
	if (sysv) {
		snprintf(id, sizeof id, "%d", st->shmid);
		snprintf(nattch, sizeof nattch, "%" PRIu64, st->nattch);
		snprintf(cpid, sizeof cpid, "%d", (int)st->cpid);
		snprintf(lpid, sizeof lpid, "%d", (int)st->lpid);
		format_status(st->dest, st->locked, status, sizeof status);
		snprintf(cmd, sizeof cmd, "%s", r->command[0] ? r->command : "-");
		if (r->ipcns) { /* another IPC namespace's, seen in its holders' maps:
				 * its shmid, creator and mode are that namespace's */
			id[0] = cpid[0] = lpid[0] = '\0';
			snprintf(status, sizeof status, "other ns");
			objlist_foreign_name(r, cmd, sizeof cmd);
		}
	} else if (ipc) { /* a set or a queue: its key and id as a segment's */
		snprintf(id, sizeof id, "%d", r->ipc.id);
		snprintf(nattch, sizeof nattch, "-");
		snprintf(cpid, sizeof cpid, "-");
		snprintf(lpid, sizeof lpid, "-");
		snprintf(status, sizeof status, "%s", r->lock_orphan ? "lock" : "-");
		snprintf(cmd, sizeof cmd, "-");
	} else {
		id[0] = '\0';
		if (known && r->holders_unknown)
			snprintf(nattch, sizeof nattch, "?");
		else if (known)
			snprintf(nattch, sizeof nattch, "%zu", nh);
		else
			snprintf(nattch, sizeof nattch, "-");
		snprintf(cpid, sizeof cpid, "-");
		snprintf(lpid, sizeof lpid, "-");
		snprintf(status, sizeof status, "-");
		if (h && nh > 1)
			snprintf(cmd, sizeof cmd, "%.*s +%zu", (int)sizeof h->comm, h->comm,
				 nh - 1);
		else if (h && nh == 1)
			snprintf(cmd, sizeof cmd, "%.*s", (int)sizeof h->comm, h->comm);
		else
			snprintf(cmd, sizeof cmd, "-");
	}
	if (r->orphan) {
		if (strcmp(status, "-") == 0)
			snprintf(status, sizeof status, "orphan");
		else
			snprintf(status + strlen(status), sizeof status - strlen(status),
				 " orphan");
	}
	if (r->have_resident)
		format_size(r->resident, rss, sizeof rss);
	else
		rss[0] = '\0';
	char swap[16] = "";
	if (sysv && r->have_resident)
		format_size(r->swap, swap, sizeof swap);
	const char *cell[OBJLIST_VIEW_NCOLS] = {
		[OBJLIST_VIEW_KEY] = sysv  ? format_key(st->key, key, sizeof key)
				     : ipc ? format_key(r->ipc.key, key, sizeof key)
					   : r->name,
		[OBJLIST_VIEW_SHMID] = id,
		[OBJLIST_VIEW_KIND] = objlist_kind_name(r->kind),
		[OBJLIST_VIEW_OWNER] = sysv && r->ipcns ? "" : r->owner,
		[OBJLIST_VIEW_PERMS] =
		    sysv && r->ipcns ? "" : format_perms(r->mode, perms, sizeof perms),
		[OBJLIST_VIEW_SIZE] =
		    r->kind == OBJLIST_SYSV_SEM || (r->kind == OBJLIST_MQUEUE && !r->have_qsize)
			? "-"
			: format_size(r->size, size, sizeof size),
		[OBJLIST_VIEW_RSS] = rss,
		[OBJLIST_VIEW_SWAP] = swap,
		[OBJLIST_VIEW_NATTCH] = nattch,
		[OBJLIST_VIEW_STATUS] = status,
		[OBJLIST_VIEW_CPID] = cpid,
		[OBJLIST_VIEW_LPID] = lpid,
		[OBJLIST_VIEW_CTIME] =
		    format_short_time(sysv ? st->ctime : r->mtime, s->wall_ns, ct, sizeof ct),
		[OBJLIST_VIEW_COMMAND] = cmd,
		[OBJLIST_VIEW_FORMAT] = r->format ? r->format : "-",
	};
	return line(c, cell, !sysv && !ipc, buf, len);
}

static void heading_top(const struct objlist *s, char *buf, size_t len)
{
	char a[48], b[48], c[48];
	size_t at = 0, objects = 0;
	uint64_t bytes = 0, resident = 0;
	bool sat = s->saturated;
	for (int k = 0; k < OBJLIST_NKINDS; k++) {
		objects += s->kinds[k].objects;
		sysvipc_sum(&bytes, s->kinds[k].bytes, &sat);
		sysvipc_sum(&resident, s->kinds[k].resident, &sat);
	}
	const char *rmark = sat && resident == UINT64_MAX ? ">=" : "",
		   *bmark = sat && bytes == UINT64_MAX ? ">=" : "";
	time_t now = (time_t)(s->wall_ns / NS_PER_SEC);
	struct tm tm;
	if (!localtime_r(&now, &tm) || !strftime(a, sizeof a, "%H:%M:%S", &tm))
		snprintf(a, sizeof a, "?");
	format_append(buf, len, &at,
		      "shmtop - all shared memory - %s  %zu objects, %s%s resident of %s%s", a,
		      objects, rmark, format_size(resident, b, sizeof b), bmark,
		      format_size(bytes, c, sizeof c));
	if (s->truncated)
		format_append(buf, len, &at, " (list truncated)");
	format_append(buf, len, &at, "  orphans %zu (%s%s)", s->orphans.objects,
		      objlist_at_least(s, s->orphans.bytes),
		      format_size(s->orphans.bytes, b, sizeof b));
	if (s->scanned)
		format_append(buf, len, &at, "  holders %s ago",
			      format_age(s->wall_ns - s->scan_ns, b, sizeof b));
	else
		format_append(buf, len, &at, "  holders: %s",
			      s->scan_running ? "scanning..." : "not scanned");
	if (s->scanned && s->scan_running)
		format_append(buf, len, &at, ", scanning...");
	if (s->scanned && s->scan_hidden) /* their holders are unknown */
		format_append(buf, len, &at, ", %zu process%s unreadable", s->scan_hidden,
			      s->scan_hidden == 1 ? "" : "es");
	if (s->scanned && s->scan_dropped) /* past the scan's cap */
		format_append(buf, len, &at, ", truncated (%zu mappings left out)",
			      s->scan_dropped);
	/* last: a narrow screen keeps the holders' age, which every scan moves */
	if (s->scanned && s->blocked)
		format_append(buf, len, &at, "  %zu process%s blocked on IPC", s->blocked,
			      s->blocked == 1 ? "" : "es");
}

static void heading_sysv(const struct objlist *s, char *buf, size_t len)
{
	const struct sysvipc_totals *t = &s->res.totals;
	char a[48], b[48];
	size_t at = 0;
	format_append(buf, len, &at,
		      "SysV: %zu segments, %s%" PRIu64 " attaches, %zu dest, %zu locked",
		      t->segments, objlist_at_least(s, t->nattch), t->nattch, t->dest, t->locked);
	struct sysvipc_limit_row lim[SYSVIPC_NLIMITS];
	sysvipc_limit_rows(t, &s->limits, s->page_size, lim);
	for (int i = 0; i < SYSVIPC_NLIMITS; i++) {
		const struct sysvipc_limit_row *l = &lim[i];
		if (l->have_limit)
			snprintf(a, sizeof a, "%" PRIu64, l->limit);
		else
			snprintf(a, sizeof a, "?");
		if (l->has_usage)
			format_append(buf, len, &at, "  %s %" PRIu64 " of %s%s (%s)", l->resource,
				      l->used, a, i == SYSVIPC_SHMALL ? " pages" : "",
				      sysvipc_format_pct(l->use_pct, b, sizeof b));
		else
			format_append(buf, len, &at, "  %s %s", l->resource, a);
	}
}

static void heading_kinds(const struct objlist *s, char *buf, size_t len)
{
	char a[48], b[48];
	size_t at = 0;
	format_append(buf, len, &at, "Kinds (resident/size):");
	for (int k = 0; k < OBJLIST_NKINDS; k++) {
		const struct objlist_totals *t = &s->kinds[k];
		const char *name = objlist_kind_name((enum objlist_kind)k);
		if ((k == OBJLIST_MEMFD || k == OBJLIST_DELETED) && !s->scanned)
			format_append(buf, len, &at, " %s -", name); /* known only from a scan */
		else if (k == OBJLIST_SEM || k == OBJLIST_SYSV_SEM || t->objects == 0)
			format_append(buf, len, &at, " %s %zu", name, t->objects);
		else if (k == OBJLIST_SYSV_MSG || k == OBJLIST_MQUEUE) /* bytes queued; no rss */
			format_append(buf, len, &at, " %s %zu %s%s", name, t->objects,
				      objlist_at_least(s, t->bytes),
				      format_size(t->bytes, b, sizeof b));
		else
			format_append(
			    buf, len, &at, " %s %zu %s%s/%s%s", name, t->objects,
			    objlist_at_least(s, t->resident), format_size(t->resident, a, sizeof a),
			    objlist_at_least(s, t->bytes), format_size(t->bytes, b, sizeof b));
		format_append(buf, len, &at, " ");
	}
	if (!s->have_mqueue && s->kinds[OBJLIST_MQUEUE].objects)
		format_append(buf, len, &at,
			      " (queues from fds only: no mqueue file system mounted: mount -t "
			      "mqueue none /dev/mqueue lists every queue) ");
	if (s->have_devshm)
		format_append(
		    buf, len, &at, " /dev/shm %s of %s (%.2f%%)",
		    format_size(s->devshm_used, a, sizeof a),
		    format_size(s->devshm_size, b, sizeof b),
		    s->devshm_size ? (double)s->devshm_used * 100.0 / (double)s->devshm_size : 0.0);
	else
		format_append(buf, len, &at, " /dev/shm ?");
}

char *objlist_view_heading(const struct objlist *s, int which, char *buf, size_t len)
{
	if (len == 0)
		return buf;
	buf[0] = '\0';
	if (which == 0)
		heading_top(s, buf, len);
	else if (which == 1)
		heading_sysv(s, buf, len);
	else if (which == 2)
		heading_kinds(s, buf, len);
	return buf;
}

char *objlist_view_footer(const char *filter, bool orphans_only, const char *search, size_t shown,
			  size_t total, char *buf, size_t len)
{
	size_t at = 0;
	if (len == 0)
		return buf;
	buf[0] = '\0';
	char esc[128];
	if (filter && *filter) {
		escape_text(filter, strlen(filter), ESCAPE_LOCALE, 40, esc, sizeof esc);
		format_append(buf, len, &at, "filter: %s | ", esc);
	}
	if (orphans_only)
		format_append(buf, len, &at, "orphans only | ");
	if ((filter && *filter) || orphans_only)
		format_append(buf, len, &at, "%zu of %zu | ", shown, total);
	if (search && *search) {
		escape_text(search, strlen(search), ESCAPE_LOCALE, 40, esc, sizeof esc);
		format_append(buf, len, &at, "search: %s (n next) | ", esc);
	}
	return buf;
}

static char *edit_line(const char *what, const char *text, const char *keys, char *buf, size_t len)
{
	char esc[512];
	escape_text(text, strlen(text), ESCAPE_LOCALE, 200, esc, sizeof esc);
	snprintf(buf, len, "%s: %s_  %s", what, esc, keys);
	return buf;
}

char *objlist_view_filter_line(const char *filter, char *buf, size_t len)
{
	return edit_line("Filter", filter, "Enter keep  Esc clear", buf, len);
}

char *objlist_view_search_line(const char *search, char *buf, size_t len)
{
	return edit_line("Search", search, "F3 next  Enter keep  Esc clear", buf, len);
}

int objlist_view_sort_key(int ch, enum sysvipc_sort *by)
{
	for (int i = 0; ch && i < OBJLIST_NCOLS; i++)
		if (objlist_columns[i].key == ch) {
			*by = objlist_columns[i].sort;
			return 0;
		}
	return -1;
}

bool objlist_view_sort_reverse(enum sysvipc_sort by)
{
	return objlist_sort_reverse(by);
}

#define BOX_WRAP 72 /* cells of a box line */

static void box_add(struct objlist_view_box *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void box_add(struct objlist_view_box *b, const char *fmt, ...)
{
	if (b->n >= OBJLIST_VIEW_BOX_LINES)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(b->line[b->n++], OBJLIST_VIEW_BOX_COLS, fmt, ap);
	va_end(ap);
}

/* The escaped text (printable) over box lines of BOX_WRAP cells, prefix
 * first, leaving keep lines free. */
static void box_wrap(struct objlist_view_box *b, const char *prefix, const char *text, size_t keep)
{
	char chunk[OBJLIST_VIEW_BOX_COLS];
	size_t k, space = 0; /* just past the line's last space, if any */
	int cells = objlist_view_cells(prefix), space_cells = 0;
	size_t at = (size_t)snprintf(chunk, sizeof chunk, "%s", prefix);
	for (const char *s = text; *s; s += k) {
		int w = char_cells(s, &k);
		if (cells + w > BOX_WRAP || at + k >= sizeof chunk) {
			if (b->n + keep + 1 >= OBJLIST_VIEW_BOX_LINES) {
				snprintf(chunk + (at > 3 ? at - 3 : 0), 4, "...");
				break;
			}
			char rest[OBJLIST_VIEW_BOX_COLS] = "";
			int rest_cells = 0;
			if (space > 2 + (size_t)BOX_WRAP / 4) { /* break between words */
				snprintf(rest, sizeof rest, "%s", chunk + space);
				rest_cells = cells - space_cells;
				chunk[space - 1] = '\0';
			}
			box_add(b, "%s", chunk);
			at = (size_t)snprintf(chunk, sizeof chunk, "  %s", rest);
			cells = 2 + rest_cells;
			space = 0;
		}
		memcpy(chunk + at, s, k);
		at += k;
		chunk[at] = '\0';
		cells += w;
		if (*s == ' ') {
			space = at;
			space_cells = cells;
		}
	}
	box_add(b, "%s", chunk);
}

/* The holders of r as "PID COMM (map rw, fd), ..." (escaped), or why there
 * are none to list. */
static void holders_text(const struct objlist *s, const struct objlist_row *r, char *buf,
			 size_t len)
{
	size_t nh, at = 0;
	const struct objlist_holder *h;
	buf[0] = '\0';
	if (!holders_of(s, r, &h, &nh)) {
		format_append(buf, len, &at, "not scanned yet (a scans /proc)");
		return;
	}
	if (nh == 0) {
		format_append(buf, len, &at, "none found by the last scan");
		if (s->scan_hidden)
			format_append(buf, len, &at, " (%zu process%s it could not read)",
				      s->scan_hidden, s->scan_hidden == 1 ? "" : "es");
		return;
	}
	for (size_t i = 0; i < nh; i++) {
		char comm[4 * sizeof h[i].comm + 1];
		escape_text(h[i].comm, strnlen(h[i].comm, sizeof h[i].comm), ESCAPE_LOCALE, 64,
			    comm, sizeof comm);
		format_append(buf, len, &at, "%s%d %s (", i ? ", " : "", (int)h[i].pid, comm);
		const char *sep = "";
		if (h[i].maps_rw) {
			format_append(buf, len, &at, "map rw");
			sep = ", ";
		}
		if (h[i].maps_ro) {
			format_append(buf, len, &at, "%smap ro", sep);
			sep = ", ";
		}
		if (h[i].fds)
			format_append(buf, len, &at, "%sfd", sep);
		format_append(buf, len, &at, ")");
	}
}

/* What waiter w waits for: "semop on semaphore 0 (-1)", "msgrcv", ... */
static void wait_what(const struct objlist_wait *w, char *buf, size_t len)
{
	switch (w->op) {
	case OBJLIST_WAIT_SEM:
		if (w->semnum >= 0)
			snprintf(buf, len, "semop on semaphore %d (%+d)", w->semnum, w->semop);
		else
			snprintf(buf, len, "semop");
		return;
	case OBJLIST_WAIT_MSGRCV: snprintf(buf, len, "msgrcv: a message"); return;
	case OBJLIST_WAIT_MSGSND: snprintf(buf, len, "msgsnd: room"); return;
	case OBJLIST_WAIT_MQRCV: snprintf(buf, len, "mq_receive: a message"); return;
	case OBJLIST_WAIT_MQSND: snprintf(buf, len, "mq_send: room"); return;
	case OBJLIST_WAIT_FUTEX:
		snprintf(buf, len, "futex at offset 0x%" PRIx64, w->offset);
		return;
	}
	snprintf(buf, len, "?");
}

/* The processes blocked on r as "PID COMM (what, for AGE), ..." (comm
 * escaped), "no process waits on it" or why they are unknown (no scan
 * yet, or one that could not read every process or was cut short): the
 * box of every removable kind names them so.  Returns how many it named. */
static size_t waiters_text(const struct objlist *s, const struct objlist_row *r, char *buf,
			   size_t len)
{
	size_t at = 0;
	buf[0] = '\0';
	if (!s->scanned) {
		format_append(buf, len, &at, "waiters unknown (not scanned yet: a scans /proc)");
		return 0;
	}
	bool have = r->nwaits && s->waits && r->wait0 + r->nwaits <= s->nwaits;
	if (!have && (objlist_scan_partial(s) || s->scan_dropped)) {
		format_append(buf, len, &at, "waiters unknown (the last scan could not read %s)",
			      s->scan_dropped ? "every mapping" : "every process");
		return 0;
	}
	if (!have) {
		format_append(buf, len, &at, "no process waits on it");
		return 0;
	}
	for (size_t i = 0; i < r->nwaits; i++) {
		const struct objlist_wait *w = &s->waits[r->wait0 + i];
		char comm[4 * sizeof w->comm + 1], what[64], age[32];
		escape_text(w->comm, strnlen(w->comm, sizeof w->comm), ESCAPE_LOCALE, 64, comm,
			    sizeof comm);
		wait_what(w, what, sizeof what);
		format_append(buf, len, &at, "%s%d %s (%s", i ? ", " : "", (int)w->pid, comm, what);
		if (w->since_ns > 0 && s->scan_ns >= w->since_ns)
			format_append(buf, len, &at, ", for %s",
				      format_age(s->scan_ns - w->since_ns, age, sizeof age));
		format_append(buf, len, &at, ")");
	}
	return r->nwaits;
}

/* The waiters' line of r's box: a set's or queue's are woken with an error
 * by IPC_RMID; a futex waiter of a segment or POSIX object keeps its
 * mapping, and waits on. */
static void box_waiters(struct objlist_view_box *b, const struct objlist *s,
			const struct objlist_row *r, size_t keep)
{
	char text[1024];
	const char *pre = "";
	if (waiters_text(s, r, text, sizeof text))
		pre = objlist_kind_ipc(r->kind) ? "woken with EIDRM: " : "waiting on it: ";
	box_wrap(b, pre, text, keep);
}

void objlist_view_confirm(const struct objlist *s, const struct objlist_row *r,
			  struct objlist_view_box *b)
{
	char name[4 * OBJLIST_NAME_MAX + 1], size[16], key[16], who[1024], age[32], pre[80],
	    owner[4 * sizeof r->owner];
	memset(b, 0, sizeof *b);
	escape_text(r->name, strlen(r->name), ESCAPE_LOCALE, 4 * OBJLIST_NAME_MAX, name,
		    sizeof name);
	escape_str(r->owner, owner, sizeof owner);
	format_size(r->size, size, sizeof size);
	holders_text(s, r, who, sizeof who);
	if (s->scanned)
		snprintf(age, sizeof age, " (scan %s ago)",
			 format_age(s->wall_ns - s->scan_ns, pre, sizeof pre));
	else
		age[0] = '\0';
	switch (r->kind) {
	case OBJLIST_SYSV:
		if (r->ipcns) {
			box_add(b,
				"SysV segment key %s, shmid %d of another IPC namespace "
				"(ipc:[%" PRIu64 "])",
				format_key(r->shm.st.key, key, sizeof key), r->shm.st.shmid,
				r->ipcns);
			box_add(b, "cannot be removed from here: its shmid means nothing in "
				   "this namespace.");
			snprintf(pre, sizeof pre, "attached%s: ", age);
			box_wrap(b, pre, who, 2);
			box_add(b, "%s", "");
			box_add(b, "any key: close");
			return;
		}
		b->removable = true;
		box_add(b, "Remove SysV segment key %s, shmid %d?",
			format_key(r->shm.st.key, key, sizeof key), r->shm.st.shmid);
		box_add(b, "size %s (%" PRIu64 " bytes), nattch %" PRIu64 ", owner %s", size,
			r->size, r->shm.st.nattch, owner);
		snprintf(pre, sizeof pre, "attached%s: ", age);
		box_wrap(b, pre, who, 4);
		if (r->shm.st.nattch)
			box_add(b, "(it goes when the last one detaches)");
		box_waiters(b, s, r, 2);
		box_add(b, "%s", "");
		box_add(b, "y remove (IPC_RMID)    any other key: cancel");
		return;
	case OBJLIST_POSIX:
	case OBJLIST_SEM: {
		const char *dir = s->devshm_dir ? s->devshm_dir : OBJLIST_DEVSHM_DIR;
		char path[sizeof name + 64];
		const char *place = objlist_place_why(r->place);
		if (place) {
			snprintf(path, sizeof path, "%s/%s", dir, name);
			box_wrap(b, r->kind == OBJLIST_SEM ? "POSIX semaphore " : "POSIX object ",
				 path, 4);
			box_add(b, "cannot be removed by name: %s.", place);
			snprintf(pre, sizeof pre, "holders%s: ", age);
			box_wrap(b, pre, who, 2);
			box_add(b, "%s", "");
			box_add(b, "any key: close");
			return;
		}
		snprintf(path, sizeof path, "%s/%s?", dir, name);
		b->removable = true;
		box_wrap(
		    b, r->kind == OBJLIST_SEM ? "Remove POSIX semaphore " : "Remove POSIX object ",
		    path, 4);
		box_add(b, "size %s (%" PRIu64 " bytes), owner %s", size, r->size, owner);
		snprintf(pre, sizeof pre, "holders%s: ", age);
		box_wrap(b, pre, who, 3);
		box_waiters(b, s, r, 2);
		box_add(b, "%s", "");
		box_add(b, "y unlink    any other key: cancel");
		return;
	}
	case OBJLIST_FILE:
		box_wrap(b, "file ", name, 4);
		box_add(b, "cannot be removed here: shmtop removes only objects in /dev/shm, and "
			   "this is another program's file.");
		snprintf(pre, sizeof pre, "holders%s: ", age);
		box_wrap(b, pre, who, 2);
		box_add(b, "%s", "");
		box_add(b, "any key: close");
		return;
	case OBJLIST_SYSV_SEM:
	case OBJLIST_SYSV_MSG: {
		bool set = r->kind == OBJLIST_SYSV_SEM;
		b->removable = true;
		box_add(b, "Remove SysV %s key %s, %s %d?", set ? "semaphore set" : "message queue",
			format_key(r->ipc.key, key, sizeof key), set ? "semid" : "msqid",
			r->ipc.id);
		if (set)
			box_add(b, "%" PRIu64 " semaphore%s, owner %s, mode %03o", r->ipc.nsems,
				r->ipc.nsems == 1 ? "" : "s", owner, r->mode);
		else
			box_add(b,
				"%" PRIu64 " message%s, %s (%" PRIu64 " bytes) lost with it, "
				"owner %s, mode %03o",
				r->ipc.qnum, r->ipc.qnum == 1 ? "" : "s", size, r->ipc.cbytes,
				owner, r->mode);
		if (r->lock_orphan)
			box_add(b, "a writer's lock whose segment is gone (a new writer on the "
				   "key makes another)");
		else if (r->orphan)
			box_add(b, "an orphan: nothing waits on it, its last users are gone");
		box_waiters(b, s, r, 2);
		box_add(b, "%s", "");
		box_add(b, "y remove (IPC_RMID)    any other key: cancel");
		return;
	}
	case OBJLIST_MQUEUE: {
		char qsize[40];
		if (r->have_qsize)
			snprintf(qsize, sizeof qsize, "QSIZE %s (%" PRIu64 " bytes)", size,
				 r->size);
		else
			snprintf(qsize, sizeof qsize, "QSIZE unknown");
		if (r->place != OBJLIST_IN_DEVSHM || !s->have_mqueue) {
			box_wrap(b, "POSIX message queue ", name, 4);
			box_add(b, "cannot be removed by name: %s.",
				s->have_mqueue
				    ? "it is not an entry of the viewer's mqueue mount"
				    : "no mqueue file system is mounted (mount -t mqueue "
				      "none /dev/mqueue lists every queue)");
			box_add(b, "%s, owner %s", qsize, owner);
			snprintf(pre, sizeof pre, "holders%s: ", age);
			box_wrap(b, pre, who, 2);
			box_add(b, "%s", "");
			box_add(b, "any key: close");
			return;
		}
		b->removable = true;
		char what[sizeof name + 8];
		snprintf(what, sizeof what, "%s?", name);
		box_wrap(b, "Remove POSIX message queue ", what, 4);
		box_add(b, "%s, owner %s, in %s", qsize, owner, s->mqueue_dir);
		snprintf(pre, sizeof pre, "holders%s: ", age);
		box_wrap(b, pre, who, 2);
		/* receivers and senders the removal does not wake: an unlinked
		 * queue lives on while open */
		box_waiters(b, s, r, 2);
		box_add(b, "%s", "");
		box_add(b, "y unlink    any other key: cancel");
		return;
	}
	case OBJLIST_MEMFD:
	case OBJLIST_DELETED:
	case OBJLIST_NKINDS: break;
	}
	b->removable = false;
	box_wrap(b, r->kind == OBJLIST_MEMFD ? "memfd " : "deleted object ", name, 4);
	box_add(b, "cannot be removed by name: it lives until its holders unmap and close it.");
	snprintf(pre, sizeof pre, "holders%s: ", age);
	box_wrap(b, pre, who, 2);
	box_add(b, "%s", "");
	box_add(b, "any key: close");
}
