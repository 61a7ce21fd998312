/* SPDX-License-Identifier: MIT */
#include "spark.h"

#include <math.h>
#include <string.h>

#include "clock.h"

/* x within [-SPARK_LIMIT, SPARK_LIMIT]. */
static double bounded(double x)
{
	return x > SPARK_LIMIT ? SPARK_LIMIT : x < -SPARK_LIMIT ? -SPARK_LIMIT : x;
}

bool spark_sample(const struct shmtop_sample *h, size_t i, enum value_type type,
		  enum spark_mode mode, double *v)
{
	if (mode == SPARK_VALUE) {
		*v = bounded(value_number(type, h[i].value));
		return isfinite(*v);
	}
	if (i == 0)
		return false;
	int64_t dt = clock_diff_ns(h[i].mono_ns, h[i - 1].mono_ns);
	if (dt <= 0)
		return false;
	double rise = bounded(value_rise(type, h[i - 1].value, h[i].value));
	if (!isfinite(rise))
		return false;
	*v = (rise > 0 ? rise : 0.0) * 1e9 / (double)dt;
	return true;
}

size_t spark_series(const struct shmtop_sample *s, size_t n, enum value_type type,
		    enum spark_mode mode, double *out, size_t max)
{
	/* the newest max of the samples that have a number */
	size_t have = 0, k = 0;
	double v;
	for (size_t i = 0; i < n; i++)
		have += spark_sample(s, i, type, mode, &v);
	size_t skip = have > max ? have - max : 0;
	for (size_t i = 0; i < n; i++) {
		if (!spark_sample(s, i, type, mode, &v))
			continue;
		if (skip) {
			skip--;
			continue;
		}
		out[k++] = v;
	}
	return k;
}

static const char *const blocks[8] = {
	"\u2581", "\u2582", "\u2583", "\u2584", "\u2585", "\u2586", "\u2587", "\u2588",
};

/* Append the glyph of level (0..7; -1: a blank cell) to out at *pos.
 * false when out is full. */
static bool put_glyph(char *out, size_t outlen, size_t *pos, int level, bool utf8)
{
	char ascii[2] = { level < 0 ? ' ' : SPARK_ASCII_RAMP[level], 0 };
	const char *g = level >= 0 && utf8 ? blocks[level] : ascii;
	size_t gl = strlen(g);
	if (*pos + gl >= outlen)
		return false;
	memcpy(out + *pos, g, gl);
	*pos += gl;
	return true;
}

size_t spark_render(const double *v, size_t n, size_t width, bool utf8, char *out, size_t outlen,
		    double *min, double *max)
{
	size_t shown = n < width ? n : width;
	const double *first = v + (n - shown);
	double lo = 0, hi = 0;
	for (size_t i = 0; i < shown; i++) {
		if (i == 0 || first[i] < lo)
			lo = first[i];
		if (i == 0 || first[i] > hi)
			hi = first[i];
	}
	*min = lo;
	*max = hi;
	if (outlen == 0)
		return 0;

	size_t pos = 0, cells = 0;
	for (size_t c = 0; c < width; c++) {
		int level = -1;
		if (c >= width - shown) {
			double x = first[c - (width - shown)];
			level = hi > lo ? (int)((x - lo) / (hi - lo) * 7.0 + 0.5) : 0;
			if (level > 7)
				level = 7;
		}
		if (!put_glyph(out, outlen, &pos, level, utf8))
			break;
		cells++;
	}
	out[pos] = '\0';
	return cells;
}

double spark_rate(const struct shmtop_sample *h, size_t n, enum value_type type)
{
	if (n < 2)
		return 0.0;
	size_t last = n - 1, first = last;
	while (first > 0 && last - first < SPARK_RATE_WINDOW &&
	       value_rise(type, h[first - 1].value, h[first].value) >= 0)
		first--;
	int64_t dt = clock_diff_ns(h[last].mono_ns, h[first].mono_ns);
	double rise = value_rise(type, h[first].value, h[last].value);
	if (first == last || dt <= 0 || !isfinite(rise))
		return 0.0;
	return rise * 1e9 / (double)dt;
}

/* [*lo, *hi]: a range holding [min, max] that moves in steps: a power of
 * two wide, at most twice max - min, starting at a multiple of it. */
static void stepped(double min, double max, double *lo, double *hi)
{
	if (!(max > min)) {
		*lo = *hi = min;
		return;
	}
	double step = exp2(ceil(log2(max - min)));
	*lo = floor(min / step) * step;
	*hi = *lo + 2 * step;
}

size_t spark_sweep(const double *v, size_t n, uint64_t last, size_t width, bool utf8,
		   struct spark_scale *scale, char *out, size_t outlen)
{
	if (outlen == 0)
		return 0;
	out[0] = '\0';
	if (width == 0)
		return 0;
	size_t shown = n < width - 1 ? n : width - 1;
	const double *first = v + (n - shown);
	double min = 0, max = 0, lo, hi;
	for (size_t i = 0; i < shown; i++) {
		if (i == 0 || first[i] < min)
			min = first[i];
		if (i == 0 || first[i] > max)
			max = first[i];
	}
	if (scale && scale->hi > scale->lo && min >= scale->lo && max <= scale->hi &&
	    (max - min) * 8 >= scale->hi - scale->lo) {
		lo = scale->lo;
		hi = scale->hi;
	} else {
		stepped(min, max, &lo, &hi);
	}
	if (scale)
		*scale = (struct spark_scale){ lo, hi };
	size_t pos = 0, cells = 0;
	for (size_t c = 0; c < width; c++) {
		/* the sample in cell c: the newest s <= last with s % width == c */
		uint64_t back = (last % width + width - c) % width; /* samples before the newest */
		int level = -1;
		if (back < shown && back <= last) {
			double x = first[shown - 1 - back];
			level = hi > lo ? (int)((x - lo) / (hi - lo) * 8.0) : 0;
			if (level > 7)
				level = 7;
		}
		if (!put_glyph(out, outlen, &pos, level, utf8))
			break;
		cells++;
	}
	out[pos] = '\0';
	return cells;
}
