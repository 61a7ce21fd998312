/* SPDX-License-Identifier: MIT */
#include "setup.h"

#include <stdio.h>

#include "objlist_columns.h"
#include "settings.h"

static const int delays[] = { 1, 2, 3, 5, 10, 20, 30, 50, 100, 200, 300, 600 };

int setup_delay_step(int d, int dir)
{
	int n = (int)(sizeof delays / sizeof delays[0]), i = 0;
	while (i < n - 1 && delays[i] < d)
		i++;
	if (dir > 0 && delays[i] <= d && i < n - 1)
		i++;
	else if (dir < 0 && i > 0)
		i--;
	return delays[i];
}

static enum sysvipc_sort sort_of(enum objlist_view_col c)
{
	return objlist_columns[objlist_view_col_column(c)].sort;
}

/* The pick from the checklist: the lines on, in its order. */
static void checklist_pick(struct setup *s)
{
	s->v.pick.n = 0;
	for (size_t i = 0; i < OBJLIST_VIEW_NCOLS; i++)
		if (s->on[i])
			s->v.pick.col[s->v.pick.n++] = s->col[i];
}

void setup_init(struct setup *s, const struct setup_values *v)
{
	*s = (struct setup){ .v = *v };
	size_t n = objlist_view_pick_cols(&v->pick, s->col);
	for (size_t i = 0; i < n; i++)
		s->on[i] = true;
	for (int c = 0; c < OBJLIST_VIEW_NCOLS; c++) { /* then the others, off */
		bool picked = false;
		for (size_t i = 0; i < n; i++)
			picked = picked || (int)s->col[i] == c;
		if (!picked)
			s->col[n++] = (enum objlist_view_col)c;
	}
	checklist_pick(s); /* the default's columns, named */
}

/* The sort by the next (dir > 0) or previous of the list's columns,
 * wrapping; from the first when the sort is none of theirs. */
static void step_sort(struct setup_values *v, int dir)
{
	enum objlist_view_col cols[OBJLIST_VIEW_NCOLS];
	size_t n = objlist_view_pick_cols(&v->pick, cols), at = 0;
	while (at < n && sort_of(cols[at]) != v->sort)
		at++;
	if (at == n)
		at = dir > 0 ? n - 1 : 0;
	at = (at + n + (dir > 0 ? 1 : n - 1)) % n;
	v->sort = sort_of(cols[at]);
	v->reverse = objlist_sort_reverse(v->sort);
}

static unsigned checklist_key(struct setup *s, enum setup_key k)
{
	size_t i = s->col_sel, j;
	switch (k) {
	case SETUP_KEY_UP: s->col_sel = i > 0 ? i - 1 : 0; return 0;
	case SETUP_KEY_DOWN: s->col_sel = i + 1 < OBJLIST_VIEW_NCOLS ? i + 1 : i; return 0;
	case SETUP_KEY_NEXT:
		if (s->on[i] && s->v.pick.n <= 1)
			return 0; /* one column stays */
		s->on[i] = !s->on[i];
		break;
	case SETUP_KEY_MOVE_UP:
	case SETUP_KEY_MOVE_DOWN: {
		if (k == SETUP_KEY_MOVE_UP ? i == 0 : i + 1 >= OBJLIST_VIEW_NCOLS)
			return 0;
		j = k == SETUP_KEY_MOVE_UP ? i - 1 : i + 1;
		enum objlist_view_col c = s->col[i];
		bool on = s->on[i];
		s->col[i] = s->col[j];
		s->on[i] = s->on[j];
		s->col[j] = c;
		s->on[j] = on;
		s->col_sel = j;
		if (!on || !s->on[i])
			return 0; /* past a column not shown: the same order on screen */
		break;
	}
	case SETUP_KEY_PREV:
	case SETUP_KEY_CLOSE: s->checklist = false; return 0;
	}
	checklist_pick(s);
	return SETTING_COLUMNS;
}

unsigned setup_key(struct setup *s, enum setup_key k)
{
	if (s->checklist)
		return checklist_key(s, k);
	int dir = k == SETUP_KEY_PREV ? -1 : 1;
	switch (k) {
	case SETUP_KEY_UP: s->sel = s->sel > 0 ? s->sel - 1 : 0; return 0;
	case SETUP_KEY_DOWN: s->sel = s->sel + 1 < SETUP_NROWS ? s->sel + 1 : s->sel; return 0;
	case SETUP_KEY_NEXT:
	case SETUP_KEY_PREV: break;
	default: return 0;
	}
	switch (s->sel) {
	case SETUP_SORT: step_sort(&s->v, dir); return SETTING_SORT | SETTING_ORDER;
	case SETUP_ORDER: s->v.reverse = !s->v.reverse; return SETTING_ORDER;
	case SETUP_DELAY: {
		int d = setup_delay_step(s->v.delay, dir);
		if (d == s->v.delay)
			return 0;
		s->v.delay = d;
		return SETTING_DELAY;
	}
	case SETUP_GRAPH: s->v.graph_rate = !s->v.graph_rate; return SETTING_GRAPH;
	case SETUP_COLUMNS:
		if (k == SETUP_KEY_NEXT) {
			s->checklist = true;
			s->col_sel = 0;
		}
		return 0;
	case SETUP_COLOR: s->v.color = !s->v.color; return SETTING_COLOR;
	case SETUP_MOUSE: s->v.mouse = !s->v.mouse; return SETTING_MOUSE;
	case SETUP_NROWS: break;
	}
	return 0;
}

const char *setup_row_name(enum setup_row r)
{
	static const char *const names[SETUP_NROWS] = {
		[SETUP_SORT] = "Sort column", [SETUP_ORDER] = "Sort direction",
		[SETUP_DELAY] = "Delay",      [SETUP_GRAPH] = "Graph",
		[SETUP_COLUMNS] = "Columns",  [SETUP_COLOR] = "Colour",
		[SETUP_MOUSE] = "Mouse",
	};
	return r < SETUP_NROWS ? names[r] : "";
}

char *setup_row_value(const struct setup *s, enum setup_row r, char *buf, size_t len)
{
	const struct setup_values *v = &s->v;
	switch (r) {
	case SETUP_SORT: {
		const char *name = sysvipc_sort_name(v->sort);
		for (int c = 0; c < OBJLIST_VIEW_NCOLS; c++)
			if (sort_of((enum objlist_view_col)c) == v->sort)
				name = objlist_columns[objlist_view_col_column(
							   (enum objlist_view_col)c)]
					   .title;
		snprintf(buf, len, "%s", name ? name : "?");
		break;
	}
	case SETUP_ORDER:
		snprintf(buf, len, "%s",
			 v->reverse ? "descending (biggest first)" : "ascending (smallest first)");
		break;
	case SETUP_DELAY: snprintf(buf, len, "%d.%d s", v->delay / 10, v->delay % 10); break;
	case SETUP_GRAPH:
		snprintf(buf, len, "%s", v->graph_rate ? "rate (per second)" : "value");
		break;
	case SETUP_COLUMNS: objlist_view_pick_text(&v->pick, buf, len); break;
	case SETUP_COLOR: snprintf(buf, len, "%s", v->color ? "on" : "off"); break;
	case SETUP_MOUSE: snprintf(buf, len, "%s", v->mouse ? "on" : "off"); break;
	default: snprintf(buf, len, "%s", "");
	}
	return buf;
}
