/* SPDX-License-Identifier: MIT */
/*
 * Where each part of the dashboard goes for a terminal of a given size.
 * From top to bottom: title bar, the value (big digits when there is room),
 * writer line, controls/notice line, the IPC_STAT panel (fields in one to
 * three columns, the least important dropped first), the attached processes,
 * the history graph, and the footer of key hints.  Rows are handed out in
 * order of need: the essentials, every field, one process, two graph rows
 * and the axis, up to four processes, four graph rows, every process, then
 * the graph up to layout_graph_rows() (half the screen, at least
 * LAYOUT_GRAPH_ROWS) and blank rows between the parts.
 *
 * The detail view's panels (the byte preview of a foreign segment and the
 * event log) get the rows the dashboard does not need: every row it would
 * leave unused, plus graph rows down to a minimum, never a field, a process
 * row or the big digits.  They sit just above the footer.
 *
 * Pure arithmetic, done once a frame; the drawing code follows it.
 */
#ifndef SHMTOP_LAYOUT_H
#define SHMTOP_LAYOUT_H

#include <stdbool.h>
#include <stddef.h>

#define LAYOUT_MIN_COLS 40
#define LAYOUT_MIN_ROWS 10
#define LAYOUT_GRAPH_ROWS 12    /* graph rows at most below 24 rows: see layout_graph_rows() */
#define LAYOUT_PANEL_MIN_ROWS 3 /* panels smaller than this are not worth showing */

/* What a screen is laid out for. */
struct layout_input {
	int cols, rows;
	size_t value_len;   /* digits of the value, 0: none (the message instead) */
	size_t details_len; /* cells of the details text beside the value */
	size_t nfields;     /* IPC_STAT fields */
	int nprocs;         /* attached processes, -1: no processes panel */
	int text_rows;      /* rows of the wrapped control text, or of the message */
	int panel_want;     /* rows the preview and event log could use, 0: none */
	int graph_min;      /* graph rows they leave the dashboard (all it has, if fewer) */
	int panel_first;    /* rows of panel_want the panels get before the dashboard's
			     * optional parts (the counters table), 0: none */
};

struct layout {
	int cols, rows;
	bool too_small; /* below LAYOUT_MIN_COLS x LAYOUT_MIN_ROWS: draw nothing else */
	bool big;       /* value in big digits (BIGTEXT_ROWS rows) */
	int value_y, value_h;
	int details_y, details_x; /* rate and age: beside the value */
	int writer_y, control_y;
	int control_h; /* rows of the control text (value_h for the message) */
	int info_sep_y, info_y, info_rows, info_cols, info_colw;
	int procs_sep_y;                   /* -1: no processes panel */
	int procs_y, procs_rows;           /* a header row, then procs_rows - 1 processes */
	int graph_sep_y, graph_y, graph_h; /* the graph's title rule and rows */
	int axis_y;                        /* the axis with the "newest" marker, or -1 */
	int graph_x, graph_w;              /* plot columns, right of the scale labels */
	int footer_y;
	int panel_y, panel_h; /* the preview and event log, above the footer; 0: none */
};

/* Lay out in->cols x in->rows.  The text (control text with a value, else
 * the message in place of the value) wraps onto in->text_rows rows; those
 * beyond the first come before the fields.  With panel_want, panel_h is the
 * rows given to the panels: at most panel_want, 0 or at least
 * LAYOUT_PANEL_MIN_ROWS; the dashboard is then laid out on rows - panel_h
 * rows but for its footer, still on the last row. */
void layout_compute(const struct layout_input *in, struct layout *l);

/* The graph's rows at most on a screen of rows rows: half of them, at
 * least LAYOUT_GRAPH_ROWS (each row costs bytes per sample). */
int layout_graph_rows(int rows);

/* The graph rows a dashboard keeps from the event log below it (its
 * graph_min): all it has up to layout_graph_rows() but LAYOUT_LOG_ROWS, so
 * that spare rows go to the graph before the log and the log keeps a few
 * lines; at least LAYOUT_GRAPH_KEEP. */
#define LAYOUT_LOG_ROWS 5
#define LAYOUT_GRAPH_KEEP 8
int layout_graph_keep(int rows);

/* "terminal too small: need 40×10" ('x' unless utf8) into buf. */
char *layout_too_small(bool utf8, char *buf, size_t len);

#endif
