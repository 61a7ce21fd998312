/* SPDX-License-Identifier: MIT */
/*
 * Sparklines: a series of numbers drawn as one line of glyphs whose height
 * follows the value, scaled between the series' min and max.  UTF-8 uses
 * the eight block glyphs ▁▂▃▄▅▆▇█ (3 bytes a cell); ASCII a ramp of eight
 * characters of growing ink.  The series comes from the record's history
 * ring, as the values or as their rate.
 */
#ifndef SHMTOP_SPARK_H
#define SHMTOP_SPARK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "record.h"
#include "value.h"

enum spark_mode {
	SPARK_VALUE, /* the count itself */
	SPARK_RATE,  /* counts per second between neighbouring samples */
};

/* Bytes spark_render() needs for width cells, NUL included. */
#define SPARK_BYTES(width) ((width)*3 + 1)

/* The ASCII ramp, lowest first. */
#define SPARK_ASCII_RAMP "_.-:=+*#"

/* The number plotted for sample i of h (values read as type): the value,
 * or in rate mode the rise per second from sample i - 1, a drop (a reset)
 * counting as 0; a value or rise beyond SPARK_LIMIT either way is plotted
 * at it (a double's range would overflow every scale and difference).
 * false when there is none: not a finite number, the first sample's rate,
 * or a pair with no time between them.  Pure. */
#define SPARK_LIMIT 1e150
bool spark_sample(const struct shmtop_sample *h, size_t i, enum value_type type,
		  enum spark_mode mode, double *v);

/* Turn n samples (oldest first) into the series to plot, at most max
 * values (the newest), into out: spark_sample() of each that has one.
 * Returns how many.  Pure. */
size_t spark_series(const struct shmtop_sample *s, size_t n, enum value_type type,
		    enum spark_mode mode, double *out, size_t max);

/* The range a sweeping sparkline is drawn on: [lo, hi], none when hi <= lo. */
struct spark_scale {
	double lo, hi;
};

/* Draw the newest values of v (n, oldest first; the newest is sample
 * number last) as a sweeping sparkline width cells wide: sample s stays in
 * cell s % width, and the cell after the newest is left blank, so each new
 * sample changes two cells (a terminal is sent two cells, not the line).
 * The scale moves in steps (a power of two wide, twice the values' range at
 * most), so that a steady rise redraws the line only now and then; with
 * scale (may be NULL) the one drawn last time is kept while the values fit
 * it and fill an eighth of it at least, so a range that wavers about a
 * power of two does not redraw the line back and forth; the scale drawn is
 * stored there.  At most width - 1 values are shown.  Returns the cells
 * written (width). */
size_t spark_sweep(const double *v, size_t n, uint64_t last, size_t width, bool utf8,
		   struct spark_scale *scale, char *out, size_t outlen);

/* Counts per second over the newest SPARK_RATE_WINDOW samples of h (n,
 * oldest first, values read as type) since the last reset (a drop in
 * value); 0 for fewer than two samples, no time between them, or values
 * that are not finite.  Pure. */
#define SPARK_RATE_WINDOW 10
double spark_rate(const struct shmtop_sample *h, size_t n, enum value_type type);

/* Draw the newest min(n, width) values of v as a sparkline into out (outlen
 * bytes, at least SPARK_BYTES(width) to never truncate), right-aligned in
 * width cells with spaces before it.  Stores the series' min and max over the
 * drawn values (0 and 0 for none).  A flat series draws at the lowest glyph.
 * Returns the number of cells written (width, or less if out is short). */
size_t spark_render(const double *v, size_t n, size_t width, bool utf8, char *out, size_t outlen,
		    double *min, double *max);

#endif
