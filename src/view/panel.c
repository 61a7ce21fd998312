/* SPDX-License-Identifier: MIT */
/*
 * The largest panel height whose dashboard keeps everything the full-height
 * one shows, a shorter graph aside: found by laying the dashboard out for
 * each height in turn, which costs nothing next to a frame.
 */
#include "panel.h"

static void lay(int cols, int rows, const struct panel_dash *d, struct layout *l)
{
	layout_compute(cols, rows, d->value_len, d->details_len, d->nfields, d->nprocs,
		       d->text_rows, l);
}

static int min_int(int a, int b)
{
	return a < b ? a : b;
}

int panel_split(int cols, int rows, const struct panel_dash *d, int want, struct layout *l)
{
	struct layout base;
	lay(cols, rows, d, &base);
	*l = base;
	if (base.too_small)
		return 0;
	int graph_min = min_int(base.graph_h, d->graph_min);
	for (int k = min_int(want, rows); k >= PANEL_MIN_ROWS; k--) {
		struct layout t;
		lay(cols, rows - k, d, &t);
		if (t.too_small || t.big != base.big || t.value_h != base.value_h ||
		    t.control_h != base.control_h || t.info_rows != base.info_rows ||
		    t.info_cols != base.info_cols ||
		    t.procs_rows != base.procs_rows || t.graph_h < graph_min)
			continue;
		*l = t;
		l->rows = rows;
		l->footer_y = rows - 1;
		return k;
	}
	return 0;
}
