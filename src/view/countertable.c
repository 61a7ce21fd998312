/* SPDX-License-Identifier: MIT */
/*
 * The counters table: column widths from the counters themselves, and a
 * row a counter.  Every cell is escaped and padded by cells.
 */
#include "countertable.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "escape.h"
#include "format.h"
#include "objlist_view.h"

#define NAME_MIN 8
#define VALUE_MIN 5 /* "VALUE" */
#define GAP 2       /* cells between columns */

/* The rate shown for c: the model's (c->rate), or the rate kept while
 * that is within COUNTERTABLE_RATE_BAND of it; a stop (0) and none (NAN)
 * are always shown. */
static double rate_of(const struct countertable_in *c)
{
	double r = c->rate, k = c->kept ? c->kept->rate : -1;
	if (k > 0 && r > 0 && fabs(r - k) <= COUNTERTABLE_RATE_BAND * k)
		return k;
	return r;
}

/* The rate's text: "-" for a gauge or none, else format_rate() of
 * rate_of(). */
static char *rate_text(const struct countertable_in *c, char *buf, size_t len)
{
	if (c->gauge || isnan(c->rate))
		snprintf(buf, len, "-");
	else
		format_rate(rate_of(c), buf, len);
	return buf;
}

static int cells_of(const char *text, int max)
{
	char esc[4 * 256];
	return escape_text(text, strlen(text), ESCAPE_LOCALE, max, esc, sizeof esc);
}

/* The value's text: the number in full, or a text counter's text (the
 * writer's bytes, escaped by cell()). */
static const char *value_text(const struct countertable_in *c, char *buf, size_t len)
{
	if (c->type == VALUE_TEXT)
		return c->text ? c->text : "";
	return value_format_time(c->type, c->value, c->per_second, buf, len);
}

/* Cells of the widest value a VALUE column holds. */
#define VALUE_MAX_CELLS 24

static int sum(const struct countertable_cols *c)
{
	int t = 0, k = 0;
	const int w[] = { c->name, c->value, c->rate, c->unit, c->spark };
	for (size_t i = 0; i < sizeof w / sizeof w[0]; i++)
		if (w[i] > 0) {
			t += w[i];
			k++;
		}
	return t + (k > 0 ? (k - 1) * GAP : 0);
}

void countertable_columns(int width, const struct countertable_in *c, size_t n,
			  struct countertable_cols *cols)
{
	memset(cols, 0, sizeof *cols);
	cols->name = NAME_MIN;
	cols->value = VALUE_MIN;
	cols->rate = COUNTERTABLE_RATE_MIN;
	int unit = 0;
	for (size_t i = 0; i < n; i++) {
		char rate[FORMAT_RATE_W + 8];
		int w = (int)strlen(rate_text(&c[i], rate, sizeof rate));
		if (w > cols->rate)
			cols->rate = w < FORMAT_RATE_W ? w : FORMAT_RATE_W;
		w = cells_of(c[i].name, COUNTERTABLE_NAME_MAX);
		if (w > cols->name)
			cols->name = w;
		char v[VALUE_CHARS];
		w = cells_of(value_text(&c[i], v, sizeof v), VALUE_MAX_CELLS);
		if (w > cols->value)
			cols->value = w;
		w = cells_of(c[i].unit, COUNTERTABLE_UNIT_MAX);
		if (w > unit)
			unit = w;
	}
	cols->unit = unit > 0 ? (unit < 4 ? 4 : unit) : 0; /* "UNIT" */
	/* the sparkline in the room left; too narrow: it goes, then the unit,
	 * then the rate, then the name is cut */
	int room = width - sum(cols) - GAP;
	cols->spark =
	    room >= 8 ? (room < COUNTERTABLE_SPARK_MAX ? room : COUNTERTABLE_SPARK_MAX) : 0;
	if (sum(cols) > width)
		cols->unit = 0;
	if (sum(cols) > width)
		cols->rate = 0;
	if (sum(cols) > width) {
		int cut = cols->name - (sum(cols) - width);
		cols->name = cut > 1 ? cut : 1;
	}
	cols->total = sum(cols);
}

/* Append text (escaped) in a column of w cells, left or right aligned. */
static void cell(char *buf, size_t len, size_t *at, const char *text, int w, bool right)
{
	if (w <= 0 || *at + 1 >= len)
		return;
	char esc[4 * 256];
	int cells = escape_text(text, strlen(text), ESCAPE_LOCALE, w, esc, sizeof esc);
	format_append(buf, len, at, "%*s", *at ? GAP : 0, "");
	if (right)
		format_append(buf, len, at, "%*s%s", w - cells, "", esc);
	else
		format_append(buf, len, at, "%s%*s", esc, w - cells, "");
}

/* Cut trailing blanks. */
static char *trim(char *buf, size_t at)
{
	while (at > 0 && buf[at - 1] == ' ')
		buf[--at] = '\0';
	return buf;
}

char *countertable_header(const struct countertable_cols *cols, char *buf, size_t len)
{
	size_t at = 0;
	buf[0] = '\0';
	cell(buf, len, &at, "NAME", cols->name, false);
	cell(buf, len, &at, "UNIT", cols->unit, false);
	cell(buf, len, &at, "HISTORY", cols->spark, false);
	cell(buf, len, &at, "VALUE", cols->value, true);
	cell(buf, len, &at, "RATE", cols->rate, true);
	return trim(buf, at);
}

size_t countertable_name_bytes(const struct countertable_cols *cols,
			       const struct countertable_in *c)
{
	char buf[4 * 256 + COUNTERTABLE_NAME_MAX];
	size_t at = 0;
	buf[0] = '\0';
	cell(buf, sizeof buf, &at, c->name, cols->name, false);
	return at;
}

char *countertable_row(const struct countertable_cols *cols, const struct countertable_in *c,
		       enum spark_mode mode, bool utf8, char *buf, size_t len)
{
	char value[VALUE_CHARS], rate[FORMAT_RATE_W + 8];
	size_t at = 0;
	buf[0] = '\0';
	const char *v = value_text(c, value, sizeof value);
	rate_text(c, rate, sizeof rate);
	if (c->kept)
		c->kept->rate = c->gauge || isnan(c->rate) ? -1 : rate_of(c);
	cell(buf, len, &at, c->name, cols->name, false);
	cell(buf, len, &at, c->unit, cols->unit, false);
	if (cols->spark > 0 && at + 1 < len) {
		double series[COUNTERTABLE_SPARK_MAX];
		char spark[SPARK_BYTES(COUNTERTABLE_SPARK_MAX)];
		/* the newest samples only: as many as the cells (a rate takes two
		 * samples a value; its newest is the newest sample's) */
		size_t want = (size_t)cols->spark, from = c->nhist > want ? c->nhist - want : 0;
		size_t n =
		    spark_series(c->hist + from, c->nhist - from, c->type,
				 c->gauge ? SPARK_VALUE : mode, series, COUNTERTABLE_SPARK_MAX);
		if (n > 0)
			spark_sweep(series, n, c->first + c->nhist - 1, want, utf8,
				    c->kept ? &c->kept->scale : NULL, spark, sizeof spark);
		else
			snprintf(spark, sizeof spark, "%*s", (int)want, "");
		format_append(buf, len, &at, "%*s%s", at ? GAP : 0, "", spark);
	}
	cell(buf, len, &at, v, cols->value, true);
	cell(buf, len, &at, rate, cols->rate, true);
	return trim(buf, at);
}
