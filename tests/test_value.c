/* SPDX-License-Identifier: MIT */
/* A counter's 64 bits read as its type: numbers, rises and their text. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <math.h>

#include "value.h"

static char buf[VALUE_CHARS];

static void test_format(void **state)
{
	(void)state;
	assert_string_equal(value_format(VALUE_UINT, UINT64_MAX, buf, sizeof buf),
			    "18446744073709551615");
	assert_string_equal(value_format(VALUE_INT, value_of_int(-7), buf, sizeof buf), "-7");
	assert_string_equal(value_format(VALUE_INT, value_of_int(INT64_MIN), buf, sizeof buf),
			    "-9223372036854775808");
	/* the fewest digits that read back, whatever the double */
	assert_string_equal(value_format(VALUE_REAL, value_of_real(0.1), buf, sizeof buf), "0.1");
	assert_string_equal(value_format(VALUE_REAL, value_of_real(1.0 / 3), buf, sizeof buf),
			    "0.3333333333333333");
	assert_string_equal(value_format(VALUE_REAL, value_of_real(42), buf, sizeof buf), "42");
	assert_string_equal(value_format(VALUE_REAL, value_of_real(-0.0), buf, sizeof buf), "-0");
	assert_string_equal(value_format(VALUE_REAL, value_of_real(1e300), buf, sizeof buf),
			    "1e+300");
	assert_string_equal(value_format(VALUE_REAL, value_of_real(-5e-324), buf, sizeof buf),
			    "-5e-324"); /* the smallest subnormal: one digit reads back */
	assert_string_equal(value_format(VALUE_REAL, value_of_real((double)NAN), buf, sizeof buf),
			    "nan");
	assert_string_equal(
	    value_format(VALUE_REAL, value_of_real(-(double)INFINITY), buf, sizeof buf), "-inf");
	assert_string_equal(value_format(VALUE_TEXT, 123, buf, sizeof buf), "");
	/* every double's form fits VALUE_CHARS, and truncation terminates */
	assert_true(strlen(value_format(VALUE_REAL, value_of_real(-1.2345678901234567e-300), buf,
					sizeof buf)) < VALUE_CHARS);
	assert_string_equal(value_format(VALUE_INT, value_of_int(-12345), buf, 4), "-12");
}

/* A time in ticks as seconds, to the millisecond; not a time: as
 * value_format(). */
static void test_time(void **state)
{
	(void)state;
	assert_string_equal(
	    value_format_time(VALUE_INT, value_of_int(12345678901), 1000000000, buf, sizeof buf),
	    "12.346 s");
	assert_string_equal(value_format_time(VALUE_UINT, 2500, 1000, buf, sizeof buf), "2.500 s");
	assert_string_equal(value_format_time(VALUE_INT, value_of_int(-7), 0, buf, sizeof buf),
			    "-7");
	assert_string_equal(value_format_time(VALUE_TEXT, 0, 1000, buf, sizeof buf), "");
	char small[4];
	assert_string_equal(value_format_time(VALUE_UINT, 2500, 1000, small, sizeof small), "2.5");
}

static void test_number_and_rise(void **state)
{
	(void)state;
	assert_true(value_number(VALUE_INT, value_of_int(-3)) == -3.0);
	assert_true(value_number(VALUE_UINT, UINT64_MAX) == 0x1p64); /* rounded */
	assert_true(value_number(VALUE_REAL, value_of_real(2.5)) == 2.5);
	assert_true(isnan(value_number(VALUE_TEXT, 0)));
	/* a rise is exact where the difference is, at either end of the range */
	assert_true(value_rise(VALUE_UINT, UINT64_MAX - 5, UINT64_MAX) == 5.0);
	assert_true(value_rise(VALUE_UINT, 7, 2) == -5.0);
	assert_true(value_rise(VALUE_UINT, UINT64_MAX, 0) == -0x1p64);
	assert_true(value_rise(VALUE_INT, value_of_int(INT64_MAX - 2), value_of_int(INT64_MAX)) ==
		    2.0);
	assert_true(value_rise(VALUE_INT, value_of_int(INT64_MIN), value_of_int(INT64_MIN + 9)) ==
		    9.0);
	assert_true(value_rise(VALUE_INT, value_of_int(5), value_of_int(-5)) == -10.0);
	/* of opposite signs at the ends: no overflow, the size about right */
	assert_true(value_rise(VALUE_INT, value_of_int(INT64_MIN), value_of_int(INT64_MAX)) ==
		    0x1p64);
	assert_true(value_rise(VALUE_REAL, value_of_real(0.5), value_of_real(0.25)) == -0.25);
	assert_true(isnan(value_rise(VALUE_REAL, value_of_real((double)NAN), value_of_real(1))));
	assert_true(isnan(value_rise(VALUE_TEXT, 0, 0)));
	assert_true(value_finite(VALUE_UINT, UINT64_MAX));
	assert_false(value_finite(VALUE_REAL, value_of_real((double)INFINITY)));
	assert_false(value_finite(VALUE_TEXT, 0));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_time),
		cmocka_unit_test(test_number_and_rise),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
