/* SPDX-License-Identifier: MIT */
/*
 * The history graph: a sweep ("oscilloscope") plot of the history ring, as
 * tall as the screen allows, eight levels per text row.
 *
 * Sample number n (its index in the writer's ring, counted from the start)
 * is always drawn in column n % width.  A new sample therefore changes one
 * column and leaves every other one as it was: the terminal is sent only the
 * cells of that column that differ from what the sample width ago left there
 * (none for a steady signal), plus the two cells of the "newest" marker on
 * the axis below.  The whole width holds history; no blank gap column is
 * kept ahead of the newest sample, because erasing one would cost a full
 * column per sample, and the marker shows where "now" is for two cells.
 *
 * The vertical scale is "nice" (spans of 1, 2 or 5 x 10^k, a baseline that
 * is a multiple of the next smaller nice number) and sticky: it is kept
 * while every plotted sample fits and it is not far too loose, and a new one
 * leaves headroom, so it changes rarely (a rescale redraws the graph).  Rates
 * are plotted from 0; values from their nice floor.
 *
 * Everything here is pure and allocates nothing.
 */
#ifndef SHMTOP_GRAPH_H
#define SHMTOP_GRAPH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "record.h"
#include "spark.h"

#define GRAPH_MAX_W 512
#define GRAPH_MAX_H 32
#define GRAPH_LABEL_W 7                  /* cells of a scale label, right-aligned */
#define GRAPH_GUTTER (GRAPH_LABEL_W + 1) /* labels and the axis line */

/* Partial-cell glyphs in ASCII, fill 1 (lowest) to 8 (full). */
#define GRAPH_ASCII_RAMP "..::||##"

/* The range drawn: base (bottom) to base + span (top).  span 0: none yet. */
struct graph_scale {
	double base, span;
};

/* The smallest 1, 2 or 5 x 10^k at least x (x > 0); 0 for x <= 0. */
double graph_nice_ceil(double x);

/* The nice number just below the nice number x (5 -> 2, 2 -> 1, 1 -> 0.5). */
double graph_nice_below(double x);

/* The nice number just above the nice number x (1 -> 2, 2 -> 5, 5 -> 10). */
double graph_nice_above(double x);

/* A fresh scale for samples from lo to hi, with a quarter of the range as
 * headroom above.  from_zero: base 0 (rates).  Never a span below 1e-9. */
struct graph_scale graph_scale_fit(double lo, double hi, bool from_zero);

/* prev if lo..hi still fits in it and it is at most 4 times the span a fresh
 * fit would take; otherwise a fresh fit.  A prev with span 0 never fits. */
struct graph_scale graph_scale_update(struct graph_scale prev, double lo, double hi,
				      bool from_zero);

/* The column of sample number n in a graph width columns wide (width > 0). */
size_t graph_column(uint64_t n, size_t width);

/* The level of v on scale s: 1 (at or below the base) to levels (at or above
 * the top).  0 is kept for "no sample". */
unsigned graph_level(double v, struct graph_scale s, unsigned levels);

/* The glyph of text row `row` (0 = bottom) of a column at `level` (0 ..
 * 8 x rows): a space above the level, a full block below it, and one of the
 * eight partial blocks (or GRAPH_ASCII_RAMP) in the row where it ends. */
const char *graph_cell(unsigned level, unsigned row, bool utf8);

/* A scale label in at most GRAPH_LABEL_W cells: "1500", "0.25", "12.35k". */
char *graph_label(double v, char *buf, size_t len);

/* A plotted history. */
struct graph {
	size_t width;    /* plot columns */
	unsigned height; /* text rows */
	struct graph_scale scale;
	bool have_cursor;
	size_t cursor;               /* column of the newest sample */
	size_t plotted;              /* samples drawn */
	double lo, hi;               /* of the samples drawn; 0 and 0 for none */
	uint16_t level[GRAPH_MAX_W]; /* per column; 0 = empty */
};

/* Plot the newest samples of hist (n samples, oldest first, values read
 * as type; hist[0] is sample number first) into g, width x height (clamped
 * to GRAPH_MAX_W and GRAPH_MAX_H), in value or rate mode (spark_sample()'s
 * numbers).  prev is the scale last shown for the same series (kept while
 * it fits), or NULL. */
void graph_build(struct graph *g, const struct graph_scale *prev, const struct shmtop_sample *hist,
		 size_t n, uint64_t first, enum value_type type, enum spark_mode mode, size_t width,
		 unsigned height);

#endif
