/* SPDX-License-Identifier: MIT */
#include "layout.h"

#include <stdio.h>
#include <string.h>

#include "bigtext.h"
#include "graph.h"

/* Rows every layout has besides the value and the info fields: title,
 * writer, control, two separators, one graph row and footer. */
#define FIXED_ROWS 7

static int take(int *spare, int want)
{
	int n = want < *spare ? want : *spare;
	if (n < 0)
		n = 0;
	*spare -= n;
	return n;
}

void layout_compute(int cols, int rows, size_t value_len, size_t details_len,
		    size_t nfields, int nprocs, int text_rows, struct layout *l)
{
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
	int need_info = (int)((nfields + (size_t)l->info_cols - 1) / (size_t)l->info_cols);

	/* Big digits when they, the details beside them and every field fit. */
	int bigw = (int)bigtext_width(value_len);
	int extra = text_rows > 1 ? text_rows - 1 : 0;
	l->big = value_len > 0 && bigw + 3 + (int)details_len <= cols &&
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
	graph += take(&spare, LAYOUT_GRAPH_ROWS - graph);
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

char *layout_too_small(bool utf8, char *buf, size_t len)
{
	snprintf(buf, len, "terminal too small: need %d%s%d", LAYOUT_MIN_COLS,
		 utf8 ? "\u00d7" : "x", LAYOUT_MIN_ROWS);
	return buf;
}
