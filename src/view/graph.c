/* SPDX-License-Identifier: MIT */
/*
 * The sweep graph: columns by sample number, a sticky nice scale, and the
 * glyph of each cell.  graph_build() turns the history ring into one level
 * per column; the drawing code turns levels into cells with graph_cell().
 */
#include "graph.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "clock.h"

#define MIN_SPAN 1e-9

/* 10^e for x = m x 10^e with m in [1, 10), for x from 1e-12 up (values and
 * rates of 64-bit counts stay far below the table's end).  A table of exact
 * literals rather than pow(log10()): no rounding to correct, and no libm,
 * which would be half a megabyte of shmtop's resident memory. */
static double decade(double x)
{
	static const double p10[] = {
		1e-12, 1e-11, 1e-10, 1e-9, 1e-8, 1e-7, 1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1,
		1e0,   1e1,   1e2,   1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
		1e12,  1e13,  1e14,  1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
	};
	size_t e = 0;
	while (e + 1 < sizeof p10 / sizeof p10[0] && p10[e + 1] <= x)
		e++;
	return p10[e];
}

double graph_nice_ceil(double x)
{
	if (!(x > 0.0))
		return 0.0;
	double p = decade(x), m = x / p;
	/* allow for a hair of rounding above a nice number */
	if (m <= 1.0 + 1e-9)
		return p;
	if (m <= 2.0 + 1e-9)
		return 2.0 * p;
	if (m <= 5.0 + 1e-9)
		return 5.0 * p;
	return 10.0 * p;
}

double graph_nice_below(double x)
{
	double p = decade(x), m = x / p;
	if (m > 4.5)
		return 2.0 * p;
	if (m > 1.5)
		return p;
	return 0.5 * p;
}

double graph_nice_above(double x)
{
	double p = decade(x), m = x / p;
	if (m > 4.5)
		return 10.0 * p;
	if (m > 1.5)
		return 5.0 * p;
	return 2.0 * p;
}

struct graph_scale graph_scale_fit(double lo, double hi, bool from_zero)
{
	struct graph_scale s;
	if (hi < lo)
		hi = lo;
	double top = hi + (hi - lo) / 4.0;
	if (from_zero) {
		if (lo > 0.0)
			top = hi * 1.25;
		s.base = 0.0;
		s.span = graph_nice_ceil(top > MIN_SPAN ? top : 1.0);
		if (lo < 0.0) /* not for rates; keep it sane */
			s.base = -s.span;
		return s;
	}
	double need = top - lo;
	double span = graph_nice_ceil(need >= 1.0 ? need : 1.0);
	for (int i = 0; i < 64; i++) {
		double step = graph_nice_below(span);
		s.base = floor(lo / step) * step;
		s.span = span;
		if (s.base + span >= top)
			break;
		span = graph_nice_above(span);
	}
	return s;
}

struct graph_scale graph_scale_update(struct graph_scale prev, double lo, double hi, bool from_zero)
{
	struct graph_scale fit = graph_scale_fit(lo, hi, from_zero);
	if (prev.span > 0.0 && lo >= prev.base && hi <= prev.base + prev.span &&
	    prev.span <= 4.0 * fit.span && (!from_zero || prev.base == fit.base))
		return prev;
	return fit;
}

size_t graph_column(uint64_t n, size_t width)
{
	return (size_t)(n % width);
}

unsigned graph_level(double v, struct graph_scale s, unsigned levels)
{
	if (levels <= 1 || !(s.span > 0.0))
		return levels ? 1 : 0;
	double f = (v - s.base) / s.span;
	if (!(f > 0.0)) /* also NaN */
		return 1;
	if (f >= 1.0)
		return levels;
	return 1 + (unsigned)(f * (double)(levels - 1) + 0.5);
}

static const char *const blocks[8] = {
	"\u2581", "\u2582", "\u2583", "\u2584", "\u2585", "\u2586", "\u2587", "\u2588",
};
static const char *const ascii[8] = { ".", ".", ":", ":", "|", "|", "#", "#" };

const char *graph_cell(unsigned level, unsigned row, bool utf8)
{
	if (level <= row * 8)
		return " ";
	unsigned fill = level - row * 8;
	if (fill > 8)
		fill = 8;
	return utf8 ? blocks[fill - 1] : ascii[fill - 1];
}

char *graph_label(double v, char *buf, size_t len)
{
	static const char suffix[] = " kMGTPE";
	double a = fabs(v);
	if (a < 1e6 && v == floor(v)) {
		snprintf(buf, len, "%.0f", v);
		return buf;
	}
	if (a < 1000.0) {
		snprintf(buf, len, "%.3g", v);
		return buf;
	}
	int i = 0;
	while (a >= 1000.0 && i < 6) {
		a /= 1000.0;
		v /= 1000.0;
		i++;
	}
	snprintf(buf, len, "%.*f%c", a < 10.0 ? 3 : a < 100.0 ? 2 : 1, v, suffix[i]);
	if (strlen(buf) > GRAPH_LABEL_W) /* a negative with many digits */
		snprintf(buf, len, "%.0f%c", v, suffix[i]);
	if (strlen(buf) > GRAPH_LABEL_W) /* beyond 999E: "2e+28" */
		snprintf(buf, len, "%.0e", v * 1e18);
	return buf;
}

void graph_build(struct graph *g, const struct graph_scale *prev, const struct shmtop_sample *hist,
		 size_t n, uint64_t first, enum value_type type, enum spark_mode mode, size_t width,
		 unsigned height)
{
	memset(g, 0, sizeof *g);
	g->width = width < GRAPH_MAX_W ? width : GRAPH_MAX_W;
	g->height = height < GRAPH_MAX_H ? height : GRAPH_MAX_H;
	if (g->width == 0 || g->height == 0)
		return;
	size_t from = n > g->width ? n - g->width : 0;
	double v;
	for (size_t i = from; i < n; i++) {
		if (!spark_sample(hist, i, type, mode, &v))
			continue;
		if (g->plotted == 0 || v < g->lo)
			g->lo = v;
		if (g->plotted == 0 || v > g->hi)
			g->hi = v;
		g->plotted++;
	}
	if (n > 0) {
		g->have_cursor = true;
		g->cursor = graph_column(first + n - 1, g->width);
	}
	if (g->plotted == 0) {
		g->lo = g->hi = 0.0;
		if (prev)
			g->scale = *prev;
		return;
	}
	struct graph_scale none = { 0.0, 0.0 };
	g->scale = graph_scale_update(prev ? *prev : none, g->lo, g->hi, mode == SPARK_RATE);
	unsigned levels = g->height * 8;
	for (size_t i = from; i < n; i++)
		if (spark_sample(hist, i, type, mode, &v))
			g->level[graph_column(first + i, g->width)] =
			    (uint16_t)graph_level(v, g->scale, levels);
}
