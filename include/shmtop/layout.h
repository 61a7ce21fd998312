/*
 * Where each part of the dashboard goes for a terminal of a given size.
 * From top to bottom: title bar, the value (big digits when there is room),
 * writer line, controls/notice line, the IPC_STAT panel (fields in one to
 * three columns, the least important dropped first), the sparkline, and the
 * footer of key hints.  Pure arithmetic; the drawing code follows it.
 */
#ifndef SHMTOP_LAYOUT_H
#define SHMTOP_LAYOUT_H

#include <stdbool.h>
#include <stddef.h>

#define LAYOUT_MIN_COLS 40
#define LAYOUT_MIN_ROWS 10

struct layout {
	int cols, rows;
	bool too_small;      /* below LAYOUT_MIN_COLS x LAYOUT_MIN_ROWS: draw nothing else */
	bool big;            /* value in big digits (BIGTEXT_ROWS rows) */
	int value_y, value_h;
	int details_y, details_x; /* rate and age: beside the value */
	int writer_y, control_y;
	int info_sep_y, info_y, info_rows, info_cols, info_colw;
	int spark_sep_y, spark_y, spark_w;
	int footer_y;
};

/* Lay out a cols x rows screen for a value of value_len digits, a details
 * text of details_len cells and nfields IPC_STAT fields. */
void layout_compute(int cols, int rows, size_t value_len, size_t details_len,
		    size_t nfields, struct layout *l);

/* "terminal too small: need 40×10" ('x' unless utf8) into buf. */
char *layout_too_small(bool utf8, char *buf, size_t len);

#endif
