/* SPDX-License-Identifier: MIT */
/*
 * The detail view's panels below the dashboard: the byte preview of a
 * foreign segment (preview.h) and the lifecycle event log (events.h),
 * newest event last.  Where they go is layout.h's business; this module
 * draws them, rewriting only the rows whose text changed.
 */
#ifndef SHMTOP_DRAWLOG_H
#define SHMTOP_DRAWLOG_H

#include <stdbool.h>

#include "draw.h"
#include "events.h"
#include "preview.h"

#define LOGPANEL_ROWS 256
#define LOGPANEL_COLS 160

/* What was drawn, row by row. */
struct drawlog_drawn {
	bool valid; /* false: draw every row */
	int y, h;
	char text[LOGPANEL_ROWS][LOGPANEL_COLS];
};

/* Panel rows wanted for a preview of preview_lines lines (0: none) and an
 * event log of as many rows as fit. */
int drawlog_want(int preview_lines);

/* Draw rows y .. y + h - 1: the preview (pv, or NULL for none) with its
 * title rule, then the event log of r with its rule, the newest events that
 * fit, the newest last. */
void drawlog_draw(int y, int h, const struct preview *pv, const struct events_ring *r,
		  const struct draw_style *s, struct drawlog_drawn *d);

#endif
