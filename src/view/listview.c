/* SPDX-License-Identifier: MIT */
/*
 * Selection and scrolling are clamping arithmetic; the columns have fixed
 * widths (those of segtable_write()) but COMMAND, which stretches, and are
 * dropped least useful first when the screen is narrow.
 */
#include "listview.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "format.h"

static void scroll_to_sel(struct listview *v)
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

void listview_fit(struct listview *v, size_t n, size_t height)
{
	v->n = n;
	v->height = height;
	scroll_to_sel(v);
}

void listview_move(struct listview *v, long delta)
{
	if (delta < 0)
		v->sel = (size_t)-delta > v->sel ? 0 : v->sel - (size_t)-delta;
	else
		v->sel =
		    v->n - v->sel <= (size_t)delta ? (v->n ? v->n - 1 : 0) : v->sel + (size_t)delta;
	scroll_to_sel(v);
}

void listview_select(struct listview *v, size_t i)
{
	v->sel = i;
	scroll_to_sel(v);
}

size_t listview_find(const struct inventory_row *rows, size_t n, int shmid)
{
	for (size_t i = 0; i < n; i++)
		if (rows[i].shm.st.shmid == shmid)
			return i;
	return n;
}

static const struct {
	const char *name;
	int width;
	bool right;
} cols[LISTVIEW_NCOLS] = {
	[LISTVIEW_KEY] = { "KEY", 10, false },        [LISTVIEW_SHMID] = { "SHMID", 10, false },
	[LISTVIEW_OWNER] = { "OWNER", 10, false },    [LISTVIEW_PERMS] = { "PERMS", 9, false },
	[LISTVIEW_SIZE] = { "SIZE", 7, true },        [LISTVIEW_NATTCH] = { "NATTCH", 6, true },
	[LISTVIEW_STATUS] = { "STATUS", 11, false },  [LISTVIEW_CPID] = { "CPID", 7, true },
	[LISTVIEW_LPID] = { "LPID", 7, true },        [LISTVIEW_CTIME] = { "CTIME", 8, false },
	[LISTVIEW_COMMAND] = { "COMMAND", 7, false },
};
#define COMMAND_MAX 32

static const enum listview_col drop_order[] = {
	LISTVIEW_LPID,    LISTVIEW_CPID,   LISTVIEW_CTIME, LISTVIEW_PERMS,
	LISTVIEW_COMMAND, LISTVIEW_STATUS, LISTVIEW_OWNER,
};

static int total_of(const struct listview_cols *c)
{
	int t = 0, k = 0;
	for (int i = 0; i < LISTVIEW_NCOLS; i++)
		if (c->shown[i]) {
			t += c->width[i];
			k++;
		}
	return t + (k > 0 ? k - 1 : 0);
}

void listview_columns(int width, struct listview_cols *c)
{
	memset(c, 0, sizeof *c);
	for (int i = 0; i < LISTVIEW_NCOLS; i++) {
		c->shown[i] = true;
		c->width[i] = cols[i].width;
	}
	for (size_t d = 0; d < sizeof drop_order / sizeof drop_order[0] && total_of(c) > width;
	     d++) {
		c->shown[drop_order[d]] = false;
		c->width[drop_order[d]] = 0;
	}
	c->total = total_of(c);
	if (c->shown[LISTVIEW_COMMAND] && width > c->total) {
		int more = width - c->total;
		if (more > COMMAND_MAX - cols[LISTVIEW_COMMAND].width)
			more = COMMAND_MAX - cols[LISTVIEW_COMMAND].width;
		c->width[LISTVIEW_COMMAND] += more;
		c->total += more;
	}
}

/* Lay the cells out by c into buf. */
static char *line(const struct listview_cols *c, const char *const cell[LISTVIEW_NCOLS], char *buf,
		  size_t len)
{
	size_t at = 0;
	buf[0] = '\0';
	for (int i = 0; i < LISTVIEW_NCOLS && at < len; i++) {
		if (!c->shown[i])
			continue;
		int n = snprintf(buf + at, len - at, cols[i].right ? "%s%*.*s" : "%s%-*.*s",
				 at ? " " : "", c->width[i], c->width[i], cell[i]);
		if (n < 0)
			break;
		at += (size_t)n;
	}
	if (at >= len)
		at = len - 1;
	while (at > 0 && buf[at - 1] == ' ') /* no trailing blanks */
		buf[--at] = '\0';
	return buf;
}

char *listview_header(const struct listview_cols *c, char *buf, size_t len)
{
	const char *cell[LISTVIEW_NCOLS];
	for (int i = 0; i < LISTVIEW_NCOLS; i++)
		cell[i] = cols[i].name;
	return line(c, cell, buf, len);
}

char *listview_row(const struct listview_cols *c, const struct inventory_row *r, int64_t now_ns,
		   char *buf, size_t len)
{
	const struct ipcstat *st = &r->shm.st;
	char key[16], id[16], perms[16], size[16], nattch[24], status[16], cpid[16], lpid[16],
	    ct[16];
	snprintf(id, sizeof id, "%d", st->shmid);
	snprintf(nattch, sizeof nattch, "%" PRIu64, st->nattch);
	snprintf(cpid, sizeof cpid, "%d", (int)st->cpid);
	snprintf(lpid, sizeof lpid, "%d", (int)st->lpid);
	const char *cell[LISTVIEW_NCOLS] = {
		[LISTVIEW_KEY] = format_key(st->key, key, sizeof key),
		[LISTVIEW_SHMID] = id,
		[LISTVIEW_OWNER] = r->owner,
		[LISTVIEW_PERMS] = format_perms(st->mode, perms, sizeof perms),
		[LISTVIEW_SIZE] = format_size(st->size, size, sizeof size),
		[LISTVIEW_NATTCH] = nattch,
		[LISTVIEW_STATUS] = format_status(st->dest, st->locked, status, sizeof status),
		[LISTVIEW_CPID] = cpid,
		[LISTVIEW_LPID] = lpid,
		[LISTVIEW_CTIME] = format_short_time(st->ctime, now_ns, ct, sizeof ct),
		[LISTVIEW_COMMAND] = r->command[0] ? r->command : "-",
	};
	return line(c, cell, buf, len);
}

char *listview_heading(const struct inventory *s, int which, char *buf, size_t len)
{
	const struct sysvipc_totals *t = &s->res.totals;
	char a[48], b[48];
	if (which == 0) {
		time_t now = (time_t)(s->wall_ns / NS_PER_SEC);
		struct tm tm;
		if (!localtime_r(&now, &tm) || !strftime(a, sizeof a, "%H:%M:%S", &tm))
			snprintf(a, sizeof a, "?");
		snprintf(buf, len,
			 "shmtop - all segments - %s  %zu segments, %s, %" PRIu64
			 " attaches, %zu dest, %zu locked%s",
			 a, t->segments, format_size(t->bytes, b, sizeof b), t->nattch, t->dest,
			 t->locked, s->res.truncated ? " (list truncated)" : "");
		return buf;
	}
	struct sysvipc_limit_row lim[SYSVIPC_NLIMITS];
	sysvipc_limit_rows(t, &s->limits, s->page_size, lim);
	size_t at = 0;
	buf[0] = '\0';
	for (int i = 0; i < SYSVIPC_NLIMITS && at < len; i++) {
		const struct sysvipc_limit_row *l = &lim[i];
		if (l->have_limit)
			snprintf(a, sizeof a, "%" PRIu64, l->limit);
		else
			snprintf(a, sizeof a, "?");
		int n;
		if (l->has_usage)
			n = snprintf(buf + at, len - at, "%s%s %" PRIu64 " of %s%s (%s)",
				     i ? "  " : "", l->resource, l->used, a,
				     i == SYSVIPC_SHMALL ? " pages" : "",
				     sysvipc_format_pct(l->use_pct, b, sizeof b));
		else
			n = snprintf(buf + at, len - at, "%s%s %s", i ? "  " : "", l->resource, a);
		if (n < 0)
			break;
		at += (size_t)n;
	}
	return buf;
}

char *listview_footer(enum sysvipc_sort by, bool reverse, char *buf, size_t len)
{
	snprintf(buf, len,
		 "sort: %s %s | s size n nattch t age o owner k key i shmid (again: reverse) | "
		 "Enter open  Tab back  q quit",
		 sysvipc_sort_name(by), reverse ? "v" : "^");
	return buf;
}

int listview_sort_key(int ch, enum sysvipc_sort *by)
{
	switch (ch) {
	case 's': *by = SYSVIPC_SORT_SIZE; return 0;
	case 'n': *by = SYSVIPC_SORT_NATTCH; return 0;
	case 't': *by = SYSVIPC_SORT_AGE; return 0;
	case 'o': *by = SYSVIPC_SORT_OWNER; return 0;
	case 'k': *by = SYSVIPC_SORT_KEY; return 0;
	case 'i': *by = SYSVIPC_SORT_SHMID; return 0;
	default: return -1;
	}
}

bool listview_sort_reverse(enum sysvipc_sort by)
{
	return by == SYSVIPC_SORT_SIZE || by == SYSVIPC_SORT_NATTCH;
}
