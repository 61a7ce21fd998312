/* SPDX-License-Identifier: MIT */
/* Parsing of keys, intervals and modes: valid and invalid input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "parse.h"

static void key_ok(const char *s, key_t want)
{
	key_t k = 12345;
	char why[128] = "";
	assert_int_equal(parse_key(s, &k, why, sizeof why), 0);
	assert_int_equal(k, want);
}

static void key_bad(const char *s, const char *reason)
{
	key_t k = 12345;
	char why[128] = "";
	assert_int_equal(parse_key(s, &k, why, sizeof why), -1);
	assert_int_equal(k, 12345); /* untouched */
	assert_non_null(strstr(why, reason));
}

static void test_keys(void **state)
{
	(void)state;
	key_ok("9527", 9527);
	key_ok("0x2537", 9527);
	key_ok("0X2537", 9527);
	key_ok("022467", 9527);   /* octal */
	key_ok("0xffffffff", -1); /* as ipcs prints a negative key */
	key_ok("0x80000000", INT32_MIN);
	key_ok("4294967295", -1);
	key_ok("037777777777", -1);
	key_ok("1", 1);
	key_ok("0x1", 1);
	key_bad("-1", "expected a number"); /* no sign: -1 is not 0xffffffff */
	key_bad("-2147483648", "expected a number");
	key_bad("+1", "expected a number");
	key_bad("-0x1", "expected a number");
	key_bad("0x-1", "expected a number");
	key_bad("0x+1", "expected a number");
	key_bad("4294967296", "out of range");
	key_bad("040000000000", "out of range");
	key_bad("", "expected a number");
	key_bad(" 1", "expected a number");
	key_bad("12a", "expected a number");
	key_bad("0x", "expected a number");
	key_bad("09", "expected a number"); /* not octal */
	key_bad("abc", "expected a number");
	key_bad("0", "IPC_PRIVATE");
	key_bad("0x0", "IPC_PRIVATE");
	key_bad("0x100000000", "out of range");
	key_bad("99999999999999999999999", "out of range");
	key_bad(NULL, "expected a number");
}

static void interval_ok(const char *s, int64_t want)
{
	int64_t ns = -7;
	char why[128] = "";
	assert_int_equal(parse_interval(s, &ns, why, sizeof why), 0);
	assert_int_equal(ns, want);
}

static void interval_bad(const char *s, const char *reason)
{
	int64_t ns = -7;
	char why[128] = "";
	assert_int_equal(parse_interval(s, &ns, why, sizeof why), -1);
	assert_int_equal(ns, -7);
	assert_non_null(strstr(why, reason));
}

static void test_intervals(void **state)
{
	(void)state;
	interval_ok("1", 1000000000);
	interval_ok("0", 0);
	interval_ok("0.25", 250000000);
	interval_ok(".5", 500000000);
	interval_ok("10", INT64_C(10000000000));
	interval_ok("0.000001", 1000);
	interval_ok("86400", INT64_C(86400000000000));
	interval_ok("00.25", 250000000);
	interval_ok("0.000", 0);
	interval_ok("1.000000001", 1000000001);
	interval_ok("1.0000000015", 1000000002); /* to the nearest ns */
	interval_ok("0.0000010004", 1000);
	interval_ok("86400.000000000", INT64_C(86400000000000));
	interval_bad("", "expected seconds");
	interval_bad("1e-3", "expected seconds"); /* no exponent */
	interval_bad("1E2", "expected seconds");
	interval_bad("0x10", "expected seconds"); /* strtod's hex: 16 s */
	interval_bad("0x1p3", "expected seconds");
	interval_bad("-0", "expected seconds");
	interval_bad("-0.0", "expected seconds");
	interval_bad("+1", "expected seconds");
	interval_bad("infinity", "expected seconds");
	interval_bad("NAN", "expected seconds");
	interval_bad(".", "expected seconds");
	interval_bad("1.", "expected seconds");
	interval_bad("1..5", "expected seconds");
	interval_bad("1,5", "expected seconds");
	interval_bad("1 ", "expected seconds");
	interval_bad(NULL, "expected seconds");
	interval_bad("86400.000000001", "from 0 to 86400");
	interval_bad("99999999999999999999999", "from 0 to 86400");
	interval_bad("0.0000009999", "at least 0.000001");
	interval_bad("0.00000000001", "at least 0.000001");
	interval_bad("1s", "expected seconds");
	interval_bad("nan", "expected seconds");
	interval_bad("inf", "expected seconds");
	interval_bad("-1", "expected seconds");
	interval_bad("86401", "from 0 to 86400");
	interval_bad("1e400", "expected seconds"); /* overflows to inf */
	interval_bad("0.0000001", "at least 0.000001");
	interval_bad(" 1", "expected seconds");
}

static void mode_ok(const char *s, mode_t want)
{
	mode_t m = 01;
	char why[128] = "";
	assert_int_equal(parse_mode(s, &m, why, sizeof why), 0);
	assert_int_equal(m, want);
}

static void mode_bad(const char *s, const char *reason)
{
	mode_t m = 01;
	char why[128] = "";
	assert_int_equal(parse_mode(s, &m, why, sizeof why), -1);
	assert_int_equal(m, 01);
	assert_non_null(strstr(why, reason));
}

/* The short options made from a long options' table. */
static void test_short_options(void **state)
{
	(void)state;
	static const struct option longopts[] = {
		{ "key", required_argument, NULL, 'k' },  { "reset", no_argument, NULL, 256 },
		{ "daemon", no_argument, NULL, 'D' },     { "mode", optional_argument, NULL, 'm' },
		{ "file", required_argument, NULL, 'f' }, { 0 },
	};
	char buf[16];
	assert_string_equal(parse_short_options(longopts, buf, sizeof buf), ":k:Dmf:");
	char tiny[4];
	assert_string_equal(parse_short_options(longopts, tiny, sizeof tiny), ":k:");
	static const struct option none[] = { { 0 } };
	assert_string_equal(parse_short_options(none, buf, sizeof buf), ":");
}

static void test_modes(void **state)
{
	(void)state;
	mode_ok("0600", 0600);
	mode_ok("600", 0600);
	mode_ok("0644", 0644);
	mode_ok("0666", 0666);
	mode_ok("0777", 0777);
	mode_ok("00640", 0640);
	mode_bad("", "expected octal");
	mode_bad("0x180", "expected octal");
	mode_bad("0680", "expected octal");
	mode_bad("rw-------", "expected octal");
	mode_bad("-600", "expected octal");
	mode_bad("+600", "expected octal");
	mode_bad(" 600", "expected octal");
	mode_bad("600 ", "expected octal");
	mode_bad("0o600", "expected octal");
	mode_bad("6e2", "expected octal");
	mode_bad("01600", "at most 0777");
	mode_bad("4755", "at most 0777");
	mode_bad("000600", "expected octal"); /* too many digits */
	mode_bad("0400", "owner needs read and write");
	mode_bad("0044", "owner needs read and write");
}

static void test_numbers(void **state)
{
	(void)state;
	long v = 7;
	assert_int_equal(parse_number("600", 1, 600, &v), 0);
	assert_int_equal(v, 600);
	assert_int_equal(parse_number("1", 1, 600, &v), 0);
	assert_int_equal(v, 1);
	const char *bad[] = { "0",
			      "601",
			      "",
			      " 5",
			      "5 ",
			      "+5",
			      "-5",
			      "0x5",
			      "5a",
			      "1e2",
			      "99999999999999999999999" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		v = 7;
		assert_int_equal(parse_number(bad[i], 1, 600, &v), -1);
		assert_int_equal(v, 7); /* untouched */
	}
	assert_int_equal(parse_number(NULL, 1, 600, &v), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_keys),          cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_intervals),     cmocka_unit_test(test_modes),
		cmocka_unit_test(test_short_options),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
