/* SPDX-License-Identifier: MIT */
/*
 * The counters table of a record with named counters (libshmtop): one row
 * a counter, with its name, value, rate, unit and a one-row sparkline of
 * its history; the selected row's counter gets the dashboard's big digits
 * and graph.  Pure text, like objlist_view.h: the curses side prints the rows,
 * a listview (objlist_view_fit(), objlist_view_move()) keeps the selection and the
 * window.  Names and units are the publisher's bytes, so they are shown
 * escaped (escape_text()) and padded by cells: no name moves a column.
 */
#ifndef SHMTOP_COUNTERTABLE_H
#define SHMTOP_COUNTERTABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "record.h"
#include "spark.h"
#include "value.h"

/* One counter as the table shows it. */
struct countertable_in {
	const char *name;                 /* untrusted bytes */
	const char *unit;                 /* "" for none */
	bool gauge;                       /* a level or a constant: no rate */
	uint64_t value;                   /* read as type */
	const struct shmtop_sample *hist; /* nhist samples, oldest first */
	size_t nhist;
	uint64_t first; /* the sample number of hist[0] (the sparkline sweeps by it) */
	struct countertable_kept *kept; /* from the row drawn last time, and stored; NULL: none */
	double rate;          /* model_rate()'s, per second; NAN: none (no recent sample) */
	enum value_type type; /* of value and the samples (VALUE_UINT: 0) */
	const char *text;     /* VALUE_TEXT's value, untrusted bytes */
	uint64_t per_second;  /* a time in ticks (value_format_time()); 0: not a time */
};

/* What a row keeps from one frame to the next, so that it changes no more
 * than its counter did: the sparkline's scale (spark_sweep()), and the rate
 * shown, kept while a new estimate is within COUNTERTABLE_RATE_BAND of it
 * (a steady counter sampled with a few ms of jitter then shows one rate,
 * not 4.99/s, 5.02/s, 5.00/s...).  Zeroed with rate -1: nothing kept. */
struct countertable_kept {
	struct spark_scale scale;
	double rate; /* < 0: none */
};
#define COUNTERTABLE_RATE_BAND 0.01

#define COUNTERTABLE_NAME_MAX 32 /* cells of the name column at the most */
#define COUNTERTABLE_UNIT_MAX 8
#define COUNTERTABLE_SPARK_MAX 64
/* The RATE column's cells at the least: "999.9/s" and "9.99k/s" fit, so
 * the usual rates never move it, and it stays narrow: the value's last
 * digits and the rate's are a few cells apart, one run for a terminal
 * (no cursor motion between them). */
#define COUNTERTABLE_RATE_MIN 7

struct countertable_cols {
	int name, value, rate, unit, spark; /* cells of each column; 0: not shown */
	int total;                          /* cells of a whole line */
};

/* The columns for n counters on a screen width cells wide: the name as wide
 * as the widest (8 to COUNTERTABLE_NAME_MAX cells), the value as wide as the
 * widest, the rate as wide as the widest (COUNTERTABLE_RATE_MIN at the
 * least), the unit, and the sparkline in the room left (up to
 * COUNTERTABLE_SPARK_MAX).  When the screen is too narrow the sparkline
 * goes first, then the unit, then the rate; the name is cut last.  Pure. */
void countertable_columns(int width, const struct countertable_in *c, size_t n,
			  struct countertable_cols *cols);

/* The column names: "NAME  VALUE  RATE  UNIT  HISTORY". */
char *countertable_header(const struct countertable_cols *cols, char *buf, size_t len);

/* Counter c as a row: the value in full digits, the rate over its recent
 * history, c->rate ("-" for a gauge or none; the one kept in c->kept while within
 * the band), the sparkline of its values (or rates, mode) in UTF-8 blocks or ASCII, sweeping
 * (spark_sweep()): a new sample changes two of its cells, so a screen of counters that change every
 * second sends little.  Pure but for the locale. */
char *countertable_row(const struct countertable_cols *cols, const struct countertable_in *c,
		       enum spark_mode mode, bool utf8, char *buf, size_t len);

/* The bytes of c's row that hold its name cell (the name, escaped, padded
 * to its column): the part a selection is marked on, so that moving values
 * never sit in a highlight (an attribute change each way, each second). */
size_t countertable_name_bytes(const struct countertable_cols *cols,
			       const struct countertable_in *c);

#endif
