/* SPDX-License-Identifier: MIT */
/*
 * The dashboard is laid out by handing out spare rows in order of need.  The
 * detail view's panels then get the largest height whose dashboard keeps
 * everything the full-height one shows, a shorter graph aside: found by
 * laying the dashboard out for each height in turn, which costs nothing next
 * to a frame.
 */
#include "layout.h"

#include <stdio.h>
#include <string.h>

#include "bigtext.h"
#include "graph.h"

/* Rows every layout has besides the value and the info fields: title,
 * writer, control, two separators, one graph row and footer. */
#define FIXED_ROWS 7

static int min_int(int a, int b)
{
	return a < b ? a : b;
}

static int take(int *spare, int want)
{
	int n = min_int(want, *spare);
	if (n < 0)
		n = 0;
	*spare -= n;
	return n;
}

/* The dashboard alone on in->cols x rows. */
static void dashboard(const struct layout_input *in, int rows, struct layout *l)
{
	int cols = in->cols;
	size_t value_len = in->value_len;
	int nprocs = in->nprocs, text_rows = in->text_rows;
	memset(l, 0, sizeof *l);
	l->cols = cols;
	l->rows = rows;
	l->procs_sep_y = -1;
	l->axis_y = -1;
	if (cols < LAYOUT_MIN_COLS || rows < LAYOUT_MIN_ROWS) {
		l->too_small = true;
		return;
	}
	l->info_cols = cols >= 120 ? 3 : cols >= 80 ? 2 : 1;
	l->info_colw = cols / l->info_cols;
	int need_info = (int)((in->nfields + (size_t)l->info_cols - 1) / (size_t)l->info_cols);

	/* Big digits when they, the details beside them and every field fit. */
	int bigw = (int)bigtext_width(value_len);
	int extra = text_rows > 1 ? text_rows - 1 : 0;
	l->big = value_len > 0 && bigw + 3 + (int)in->details_len <= cols &&
		 FIXED_ROWS + BIGTEXT_ROWS + extra + need_info <= rows;
	l->value_h = l->big ? BIGTEXT_ROWS : 1;

	int spare = rows - FIXED_ROWS - l->value_h;
	extra = take(&spare, extra);
	l->control_h = 1;
	if (value_len > 0)
		l->control_h += extra;
	else
		l->value_h += extra;
	l->info_rows = take(&spare, need_info);
	int procs = 0, graph = 1, axis = 0, gaps = 0;
	if (nprocs >= 0 && spare >= 3) { /* rule, header, one process */
		spare -= 3;
		procs = 2;
	}
	int want = nprocs > 1 ? nprocs : 1;
	graph += take(&spare, 1);
	axis = take(&spare, 1);
	if (procs)
		procs += take(&spare, (want < 4 ? want : 4) - 1);
	graph += take(&spare, 4 - graph);
	if (procs)
		procs += take(&spare, want + 1 - procs);
	graph += take(&spare, layout_graph_rows(in->rows) - graph); /* the whole screen's half */
	gaps = take(&spare, 2); /* below the title, below the value */

	int y = 1 + (gaps > 0);
	l->value_y = y;
	l->details_y = l->big ? y + 1 : y;
	l->details_x = l->big ? bigw + 3 : (int)value_len + 2;
	y += l->value_h + (gaps > 1);
	l->writer_y = y++;
	l->control_y = y;
	y += l->control_h;
	l->info_sep_y = y++;
	l->info_y = y;
	y += l->info_rows;
	if (procs) {
		l->procs_sep_y = y++;
		l->procs_y = y;
		l->procs_rows = procs;
		y += procs;
	}
	l->footer_y = rows - 1;
	l->axis_y = axis ? l->footer_y - 1 : -1;
	l->graph_h = graph;
	l->graph_y = l->footer_y - axis - graph;
	l->graph_sep_y = l->graph_y - 1;
	l->graph_x = GRAPH_GUTTER;
	l->graph_w = cols - GRAPH_GUTTER;
}

/* Does t, laid out on fewer rows, show everything base does, with a graph
 * of at least graph_min rows? */
static bool keeps(const struct layout *t, const struct layout *base, int graph_min)
{
	return !t->too_small && t->big == base->big && t->value_h == base->value_h &&
	       t->control_h == base->control_h && t->info_rows == base->info_rows &&
	       t->info_cols == base->info_cols && t->procs_rows == base->procs_rows &&
	       t->graph_h >= graph_min;
}

void layout_compute(const struct layout_input *in, struct layout *l)
{
	dashboard(in, in->rows, l);
	if (l->too_small)
		return;
	/* panels first: the dashboard on the rows they leave */
	int first = min_int(min_int(in->panel_first, in->panel_want), in->rows - LAYOUT_MIN_ROWS);
	if (first < LAYOUT_PANEL_MIN_ROWS)
		first = 0;
	if (first)
		dashboard(in, in->rows - first, l);
	int graph_min = min_int(l->graph_h, in->graph_min);
	for (int k = min_int(in->panel_want, in->rows); k >= LAYOUT_PANEL_MIN_ROWS && k >= first;
	     k--) {
		struct layout t;
		dashboard(in, in->rows - k, &t);
		if (!keeps(&t, l, graph_min))
			continue;
		*l = t;
		l->rows = in->rows;
		l->footer_y = in->rows - 1;
		l->panel_y = in->rows - 1 - k;
		l->panel_h = k;
		return;
	}
	if (first) { /* the dashboard as laid out for the first rows */
		l->rows = in->rows;
		l->footer_y = in->rows - 1;
		l->panel_y = in->rows - 1 - first;
		l->panel_h = first;
	}
}

int layout_graph_rows(int rows)
{
	return rows / 2 > LAYOUT_GRAPH_ROWS ? rows / 2 : LAYOUT_GRAPH_ROWS;
}

int layout_graph_keep(int rows)
{
	int keep = layout_graph_rows(rows) - LAYOUT_LOG_ROWS;
	return keep > LAYOUT_GRAPH_KEEP ? keep : LAYOUT_GRAPH_KEEP;
}

char *layout_too_small(bool utf8, char *buf, size_t len)
{
	snprintf(buf, len, "terminal too small: need %d%s%d", LAYOUT_MIN_COLS,
		 utf8 ? "\u00d7" : "x", LAYOUT_MIN_ROWS);
	return buf;
}
