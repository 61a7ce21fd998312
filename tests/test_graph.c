/* SPDX-License-Identifier: MIT */
/* The sweep graph: nice numbers, scale choice and hysteresis, columns by
 * sample number, levels, glyphs in UTF-8 and ASCII, labels. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "graph.h"

#define S INT64_C(1000000000)

static void test_nice(void **state)
{
	(void)state;
	assert_true(graph_nice_ceil(0.0) == 0.0);
	assert_true(graph_nice_ceil(-3.0) == 0.0);
	assert_true(graph_nice_ceil(1.0) == 1.0);
	assert_true(graph_nice_ceil(1.01) == 2.0);
	assert_true(graph_nice_ceil(3.0) == 5.0);
	assert_true(graph_nice_ceil(7.0) == 10.0);
	assert_true(graph_nice_ceil(10.0) == 10.0);
	assert_true(graph_nice_ceil(1000.0) == 1000.0);
	assert_true(graph_nice_ceil(1001.0) == 2000.0);
	assert_true(graph_nice_ceil(0.3) == 0.5);
	assert_true(graph_nice_below(5.0) == 2.0);
	assert_true(graph_nice_below(2000.0) == 1000.0);
	assert_true(graph_nice_below(100.0) == 50.0);
	assert_true(graph_nice_above(5.0) == 10.0);
	assert_true(graph_nice_above(1.0) == 2.0);
	assert_true(graph_nice_above(200.0) == 500.0);
}

static void test_fit(void **state)
{
	(void)state;
	struct graph_scale s;
	/* Rates from 0, with headroom: a steady 1/s is drawn half high. */
	s = graph_scale_fit(1.0, 1.0, true);
	assert_true(s.base == 0.0 && s.span == 2.0);
	s = graph_scale_fit(0.0, 0.0, true);
	assert_true(s.base == 0.0 && s.span == 1.0);
	s = graph_scale_fit(0.0, 7.0, true);
	assert_true(s.base == 0.0 && s.span == 10.0);
	/* Values from a nice floor: 1050..1160 in 1000..1200. */
	s = graph_scale_fit(1050.0, 1160.0, false);
	assert_true(s.base == 1000.0 && s.span == 200.0);
	/* 1091..1201 no longer fits 200 from a multiple of 100: 500 from 1000. */
	s = graph_scale_fit(1091.0, 1201.0, false);
	assert_true(s.base == 1000.0 && s.span == 500.0);
	/* A flat series gets a span of 1. */
	s = graph_scale_fit(1234.0, 1234.0, false);
	assert_true(s.base == 1234.0 && s.span == 1.0);
	/* Every fit contains its data. */
	for (double lo = 0; lo < 3000; lo += 37)
		for (double r = 0; r < 900; r += 53) {
			s = graph_scale_fit(lo, lo + r, false);
			assert_true(s.base <= lo && s.base + s.span >= lo + r);
			assert_true(graph_nice_ceil(s.span) == s.span);
		}
}

/* A counter rising by 1 from 0, the newest 110 values plotted: the top
 * rescales only at nice numbers, and rarely. */
static void test_hysteresis_rising(void **state)
{
	(void)state;
	struct graph_scale s = { 0, 0 };
	int changes = 0;
	double tops[16];
	for (int c = 0; c < 100; c++) {
		struct graph_scale n = graph_scale_update(s, 0.0, (double)c, false);
		if (n.base != s.base || n.span != s.span) {
			assert_true(changes < 16);
			tops[changes++] = n.base + n.span;
		}
		s = n;
	}
	/* Kept while it fits; past a top, the next nice top with headroom. */
	assert_int_equal(changes, 6);
	assert_true(tops[0] == 1 && tops[1] == 5 && tops[2] == 10);
	assert_true(tops[3] == 20 && tops[4] == 50 && tops[5] == 100);
	/* After the window fills: a rescale every couple of hundred samples. */
	changes = 0;
	for (int c = 1000; c < 3000; c++) {
		struct graph_scale n = graph_scale_update(s, (double)(c - 109), (double)c, false);
		assert_true(n.base <= c - 109 && n.base + n.span >= c);
		changes += n.base != s.base || n.span != s.span;
		s = n;
	}
	assert_in_range(changes, 1, 12);
}

static void test_hysteresis_keeps_and_drops(void **state)
{
	(void)state;
	struct graph_scale s = graph_scale_fit(0.0, 8.0, true); /* 0..10 */
	assert_true(s.span == 10.0);
	/* Noise inside the scale keeps it. */
	struct graph_scale n = graph_scale_update(s, 0.0, 9.5, true);
	assert_true(n.span == 10.0);
	n = graph_scale_update(s, 0.0, 3.0, true);
	assert_true(n.span == 10.0);
	/* A peak above it rescales; a scale far too loose is dropped. */
	n = graph_scale_update(s, 0.0, 10.5, true);
	assert_true(n.span == 20.0);
	n = graph_scale_update(s, 0.0, 0.4, true);
	assert_true(n.span == 0.5);
	/* No previous scale. */
	struct graph_scale none = { 0, 0 };
	n = graph_scale_update(none, 0.0, 0.0, true);
	assert_true(n.span == 1.0);
	/* Values below the base rescale. */
	s = graph_scale_fit(1050.0, 1160.0, false);
	n = graph_scale_update(s, 990.0, 1100.0, false);
	assert_true(n.base <= 990.0);
}

static void test_column(void **state)
{
	(void)state;
	assert_int_equal(graph_column(0, 100), 0);
	assert_int_equal(graph_column(99, 100), 99);
	assert_int_equal(graph_column(100, 100), 0);
	assert_int_equal(graph_column(UINT64_C(1) << 40, 112), (size_t)((UINT64_C(1) << 40) % 112));
}

static void test_level_and_cells(void **state)
{
	(void)state;
	struct graph_scale s = { 0.0, 10.0 };
	assert_int_equal(graph_level(0.0, s, 32), 1);
	assert_int_equal(graph_level(-5.0, s, 32), 1);
	assert_int_equal(graph_level(10.0, s, 32), 32);
	assert_int_equal(graph_level(99.0, s, 32), 32);
	assert_int_equal(graph_level(5.0, s, 32), 17); /* 1 + 15.5 rounded */
	struct graph_scale none = { 0.0, 0.0 };
	assert_int_equal(graph_level(5.0, none, 32), 1);

	/* Eight glyphs per row, bottom up, in UTF-8. */
	const char *want[9] = { " ", "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█" };
	for (unsigned l = 0; l <= 8; l++) {
		assert_string_equal(graph_cell(l, 0, true), want[l]);
		assert_string_equal(graph_cell(l, 1, true), " ");
	}
	assert_string_equal(graph_cell(11, 0, true), "█");
	assert_string_equal(graph_cell(11, 1, true), "▃");
	assert_string_equal(graph_cell(11, 2, true), " ");
	assert_string_equal(graph_cell(24, 2, true), "█");
	/* ASCII: '.', ':', '|', '#' in pairs; always one byte, printable. */
	assert_string_equal(graph_cell(1, 0, false), ".");
	assert_string_equal(graph_cell(4, 0, false), ":");
	assert_string_equal(graph_cell(6, 0, false), "|");
	assert_string_equal(graph_cell(8, 0, false), "#");
	assert_string_equal(graph_cell(11, 0, false), "#");
	assert_string_equal(graph_cell(11, 1, false), ":");
	assert_string_equal(graph_cell(11, 2, false), " ");
	for (unsigned l = 1; l <= 8; l++) {
		const char *c = graph_cell(l, 0, false);
		assert_int_equal(strlen(c), 1);
		assert_true(c[0] > 0x20 && c[0] < 0x7f);
		assert_int_equal(c[0], GRAPH_ASCII_RAMP[l - 1]);
	}
}

static void test_label(void **state)
{
	(void)state;
	char b[32];
	assert_string_equal(graph_label(0, b, sizeof b), "0");
	assert_string_equal(graph_label(1500, b, sizeof b), "1500");
	assert_string_equal(graph_label(999999, b, sizeof b), "999999");
	assert_string_equal(graph_label(0.25, b, sizeof b), "0.25");
	assert_string_equal(graph_label(2500000, b, sizeof b), "2.500M");
	assert_string_equal(graph_label(12345678, b, sizeof b), "12.35M");
	assert_string_equal(graph_label(1500.5, b, sizeof b), "1.500k");
	/* up to UINT64_MAX counts per ns, both ways */
	double big[] = { 1e18,
			 -1e15,
			 123456789012.0,
			 -999999,
			 (double)UINT64_MAX,
			 -(double)UINT64_MAX,
			 (double)UINT64_MAX * 1e9,
			 -(double)UINT64_MAX * 1e9 };
	for (size_t i = 0; i < sizeof big / sizeof big[0]; i++)
		assert_true(strlen(graph_label(big[i], b, sizeof b)) <= GRAPH_LABEL_W);
	assert_string_equal(graph_label((double)UINT64_MAX * 1e9, b, sizeof b), "2e+28");
	assert_string_equal(graph_label(-(double)UINT64_MAX * 1e9, b, sizeof b), "-2e+28");
}

static struct shmtop_sample hist[301];

static void test_build(void **state)
{
	(void)state;
	static struct graph g, g2;
	for (int i = 0; i < 301; i++)
		hist[i] = (struct shmtop_sample){ (uint64_t)(1000 + i), (10 + i) * S };
	/* 300 samples, the first being sample number 5000, 100 columns: the
	 * newest 100 (numbers 5200..5299) fill every column. */
	graph_build(&g, NULL, hist, 300, 5000, VALUE_UINT, SPARK_VALUE, 100, 4);
	assert_int_equal(g.width, 100);
	assert_int_equal(g.plotted, 100);
	assert_true(g.lo == 1200.0 && g.hi == 1299.0);
	assert_true(g.have_cursor);
	assert_int_equal(g.cursor, 5299 % 100);
	assert_true(g.scale.base <= 1200.0 && g.scale.base + g.scale.span >= 1299.0);
	for (size_t c = 0; c < 100; c++)
		assert_in_range(g.level[c], 1, 32);
	/* The newest is the highest, the one after it (oldest) the lowest. */
	assert_true(g.level[99] > g.level[0]);
	assert_int_equal(g.level[(g.cursor + 1) % 100], g.level[0]);

	/* One more sample: only its column changes, with the scale kept. */
	graph_build(&g2, &g.scale, hist + 1, 300, 5001, VALUE_UINT, SPARK_VALUE, 100, 4);
	assert_true(g2.scale.base == g.scale.base && g2.scale.span == g.scale.span);
	int changed = 0;
	for (size_t c = 0; c < 100; c++)
		changed += g.level[c] != g2.level[c];
	assert_int_equal(changed, 1);
	assert_int_equal(g2.cursor, 0);

	/* Few samples: the rest of the columns stay empty. */
	graph_build(&g, NULL, hist, 3, 98, VALUE_UINT, SPARK_VALUE, 100, 4);
	assert_int_equal(g.plotted, 3);
	assert_true(g.level[98] > 0 && g.level[99] > 0 && g.level[0] > 0);
	assert_int_equal(g.level[1], 0);
	assert_int_equal(g.level[97], 0);
	assert_int_equal(g.cursor, 0);

	/* Rates: 1/s everywhere, on a 0..2 scale; the oldest has no rate. */
	graph_build(&g, NULL, hist, 10, 0, VALUE_UINT, SPARK_RATE, 100, 2);
	assert_int_equal(g.plotted, 9);
	assert_true(g.lo == 1.0 && g.hi == 1.0);
	assert_true(g.scale.base == 0.0 && g.scale.span == 2.0);
	assert_int_equal(g.level[0], 0);
	assert_int_equal(g.level[1], graph_level(1.0, g.scale, 16));

	/* Nothing at all; and width or height 0. */
	graph_build(&g, NULL, hist, 0, 0, VALUE_UINT, SPARK_VALUE, 100, 4);
	assert_false(g.have_cursor);
	assert_int_equal(g.plotted, 0);
	graph_build(&g, NULL, hist, 10, 0, VALUE_UINT, SPARK_VALUE, 0, 4);
	assert_int_equal(g.plotted, 0);
	graph_build(&g, NULL, hist, 10, 0, VALUE_UINT, SPARK_VALUE, 10000, 400);
	assert_int_equal(g.width, GRAPH_MAX_W);
	assert_int_equal(g.height, GRAPH_MAX_H);

	/* Hostile times: INT64_MIN then INT64_MAX is a long interval (a tiny
	 * rate), never an overflowed subtraction; going back plots nothing. */
	const struct shmtop_sample wild[] = {
		{ 0, INT64_MIN }, { 10, INT64_MAX }, { UINT64_MAX, INT64_MIN }, { 5, 0 }
	};
	graph_build(&g, NULL, wild, 4, 0, VALUE_UINT, SPARK_RATE, 100, 2);
	assert_int_equal(g.plotted, 2);
	assert_true(g.lo == 0.0 && g.hi > 0.0 && g.hi < 1e-8);
	graph_build(&g, NULL, wild, 4, 0, VALUE_UINT, SPARK_VALUE, 100, 2);
	assert_int_equal(g.plotted, 4);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nice),
		cmocka_unit_test(test_fit),
		cmocka_unit_test(test_hysteresis_rising),
		cmocka_unit_test(test_hysteresis_keeps_and_drops),
		cmocka_unit_test(test_column),
		cmocka_unit_test(test_level_and_cells),
		cmocka_unit_test(test_label),
		cmocka_unit_test(test_build),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
