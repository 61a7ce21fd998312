/* SPDX-License-Identifier: MIT */
/*
 * Room below the dashboard for the detail view's extra panels (the byte
 * preview of a foreign segment and the event log).  They get the rows the
 * dashboard does not need: every row layout_compute() would leave unused,
 * plus graph rows down to a minimum, never a field, a process row or the
 * big digits.  The panels sit just above the footer.  Pure arithmetic.
 */
#ifndef SHMTOP_PANEL_H
#define SHMTOP_PANEL_H

#include <stddef.h>

#include "layout.h"

#define PANEL_MIN_ROWS 3 /* a panel smaller than this is not worth showing */

/* What the dashboard is laid out for, as layout_compute() takes it. */
struct panel_dash {
	size_t value_len, details_len, nfields;
	int nprocs, text_rows;
	int graph_min; /* graph rows the dashboard keeps (when it had them) */
};

/* Lay out a cols x rows screen as layout_compute() would for d, less the
 * rows given to the panels (at most want): returns that number, 0 or at
 * least PANEL_MIN_ROWS.  With panel rows k, l is the dashboard laid out on
 * rows - k rows but for its footer, moved to the last row; the panels are
 * rows rows - k - 1 to rows - 2. */
int panel_split(int cols, int rows, const struct panel_dash *d, int want, struct layout *l);

#endif
