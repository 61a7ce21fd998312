/* SPDX-License-Identifier: MIT */
/* Sparklines in UTF-8 and ASCII, series in value and rate mode, big digits. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <math.h>

#include "bigtext.h"
#include "spark.h"

/* Times of the attacker's choosing (any int64_t in a hostile history) are
 * subtracted without overflow: a pair INT64_MIN, INT64_MAX apart is a
 * long interval, not a negative one (nor undefined behaviour). */
static void test_hostile_times(void **state)
{
	(void)state;
	const struct shmtop_sample h[] = { { 0, INT64_MIN }, { 10, INT64_MAX } };
	double r = spark_rate(h, 2, VALUE_UINT), out[4];
	assert_true(r > 0.0 && r < 1e-8);
	assert_int_equal(spark_series(h, 2, VALUE_UINT, SPARK_RATE, out, 4), 1);
	assert_true(out[0] == r);
	const struct shmtop_sample back[] = { { 0, INT64_MAX }, { 10, INT64_MIN }, { 20, 0 } };
	assert_true(spark_rate(back, 3, VALUE_UINT) == 0.0);
	assert_int_equal(spark_series(back, 3, VALUE_UINT, SPARK_RATE, out, 4), 1);
	assert_true(out[0] > 0.0);
}

static void test_utf8(void **state)
{
	(void)state;
	const double v[] = { 0, 1, 2, 3, 4, 5, 6, 7 };
	char out[SPARK_BYTES(8)];
	double lo, hi;
	assert_int_equal(spark_render(v, 8, 8, true, out, sizeof out, &lo, &hi), 8);
	assert_string_equal(out, "▁▂▃▄▅▆▇█");
	assert_true(lo == 0.0 && hi == 7.0);
	assert_int_equal(strlen(out), 24); /* 3 bytes a cell */
}

static void test_ascii_and_width(void **state)
{
	(void)state;
	const double v[] = { 10, 20, 30 };
	char out[SPARK_BYTES(6)];
	double lo, hi;
	/* Right-aligned, spaces before. */
	assert_int_equal(spark_render(v, 3, 6, false, out, sizeof out, &lo, &hi), 6);
	assert_string_equal(out, "   _=#");
	assert_true(lo == 10.0 && hi == 30.0);
	/* Only the newest values that fit; min/max over what is drawn. */
	assert_int_equal(spark_render(v, 3, 2, false, out, sizeof out, &lo, &hi), 2);
	assert_string_equal(out, "_#");
	assert_true(lo == 20.0 && hi == 30.0);
	/* Flat series: lowest glyph.  Empty: all blank, min = max = 0. */
	const double flat[] = { 5, 5, 5 };
	spark_render(flat, 3, 3, true, out, sizeof out, &lo, &hi);
	assert_string_equal(out, "▁▁▁");
	spark_render(v, 0, 4, true, out, sizeof out, &lo, &hi);
	assert_string_equal(out, "    ");
	assert_true(lo == 0.0 && hi == 0.0);
	/* A short buffer truncates on a whole glyph and stays terminated. */
	char tiny[8];
	assert_int_equal(spark_render(v, 3, 3, true, tiny, sizeof tiny, &lo, &hi), 2);
	assert_string_equal(tiny, "▁▅");
	for (size_t i = 0; i < strlen(SPARK_ASCII_RAMP); i++)
		assert_true(SPARK_ASCII_RAMP[i] > 0x20 && SPARK_ASCII_RAMP[i] < 0x7f);
}

static void test_series(void **state)
{
	(void)state;
	const int64_t s = 1000000000;
	const struct shmtop_sample h[] = {
		{ 10, 1 * s }, { 12, 2 * s }, { 12, 2 * s },
		{ 16, 4 * s }, { 0, 5 * s },  { 3, 6 * s },
	};
	double out[8];
	assert_int_equal(spark_series(h, 6, VALUE_UINT, SPARK_VALUE, out, 8), 6);
	assert_true(out[0] == 10.0 && out[5] == 3.0);
	assert_int_equal(spark_series(h, 6, VALUE_UINT, SPARK_VALUE, out, 2), 2);
	assert_true(out[0] == 0.0 && out[1] == 3.0);
	/* Rates: 2/s, (skip: no time), 2/s, reset -> 0, 3/s. */
	assert_int_equal(spark_series(h, 6, VALUE_UINT, SPARK_RATE, out, 8), 4);
	assert_true(out[0] == 2.0 && out[1] == 2.0 && out[2] == 0.0 && out[3] == 3.0);
	assert_int_equal(spark_series(h, 6, VALUE_UINT, SPARK_RATE, out, 2), 2); /* the newest */
	assert_true(out[0] == 0.0 && out[1] == 3.0);
	assert_int_equal(spark_series(h, 1, VALUE_UINT, SPARK_RATE, out, 8), 0);
}

static void test_bigtext(void **state)
{
	(void)state;
	char row[128];
	assert_int_equal(bigtext_width(0), 0);
	assert_int_equal(bigtext_width(3), 11);
	assert_string_equal(bigtext_row("10", 0, false, row, sizeof row), "     _ ");
	assert_string_equal(bigtext_row("10", 1, false, row, sizeof row), "  | | |");
	assert_string_equal(bigtext_row("10", 2, false, row, sizeof row), "  | |_|");
	assert_string_equal(bigtext_row("8", 0, true, row, sizeof row), "█▀█");
	assert_string_equal(bigtext_row("8", 1, true, row, sizeof row), "█▀█");
	assert_string_equal(bigtext_row("8", 2, true, row, sizeof row), "▀▀▀");
	assert_string_equal(bigtext_row("1", 2, true, row, sizeof row), "▀▀▀");
	assert_string_equal(bigtext_row("7", 2, true, row, sizeof row), "  ▀");
	assert_string_equal(bigtext_row("8", 3, true, row, sizeof row), ""); /* no such row */
	assert_string_equal(bigtext_row("12", 1, true, row, 8), " █  ");     /* whole cells only */
	/* a signed or real value's sign and point; other characters blank */
	assert_string_equal(bigtext_row("-1", 1, false, row, sizeof row), " _    |");
	assert_string_equal(bigtext_row("-.", 2, false, row, sizeof row), "     . ");
	assert_string_equal(bigtext_row("-", 1, true, row, sizeof row), "▀▀▀");
	assert_string_equal(bigtext_row(".", 2, true, row, sizeof row), " ▀ ");
	assert_string_equal(bigtext_row("e", 1, true, row, sizeof row), "   ");
}

/* Samples read as their type: a signed count's fall, a double's fraction;
 * a double that is not a number has no point on the line. */
static void test_typed_samples(void **state)
{
	(void)state;
	const struct shmtop_sample in[] = { { value_of_int(-4), 1000000000 },
					    { value_of_int(-2), 2000000000 },
					    { value_of_int(-6), 3000000000 } };
	double out[4], v;
	assert_int_equal(spark_series(in, 3, VALUE_INT, SPARK_VALUE, out, 4), 3);
	assert_true(out[0] == -4 && out[1] == -2 && out[2] == -6);
	assert_int_equal(spark_series(in, 3, VALUE_INT, SPARK_RATE, out, 4), 2);
	assert_true(out[0] == 2.0 && out[1] == 0.0); /* a fall is no rise */
	assert_true(spark_rate(in, 2, VALUE_INT) == 2.0);
	assert_true(spark_rate(in, 3, VALUE_INT) == 0.0); /* none since the fall (a reset) */
	const struct shmtop_sample r[] = { { value_of_real(0.5), 1000000000 },
					   { value_of_real((double)NAN), 2000000000 },
					   { value_of_real(1.5), 3000000000 } };
	assert_int_equal(spark_series(r, 3, VALUE_REAL, SPARK_VALUE, out, 4), 2);
	assert_true(out[0] == 0.5 && out[1] == 1.5);
	assert_false(spark_sample(r, 1, VALUE_REAL, SPARK_VALUE, &v));
	assert_false(spark_sample(r, 2, VALUE_REAL, SPARK_RATE, &v)); /* from a NaN */
	assert_true(spark_rate(r, 3, VALUE_REAL) == 0.0);
	/* the same bits read as unsigned are huge numbers, not 0.5 */
	assert_int_equal(spark_series(r, 1, VALUE_UINT, SPARK_VALUE, out, 4), 1);
	assert_true(out[0] > 1e18);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hostile_times),   cmocka_unit_test(test_utf8),
		cmocka_unit_test(test_ascii_and_width), cmocka_unit_test(test_series),
		cmocka_unit_test(test_typed_samples),   cmocka_unit_test(test_bigtext),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
