/* SPDX-License-Identifier: MIT */
/* Formatting as ipcs and lsipc print: keys, perms, sizes, times, ages. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "format.h"

static char buf[64];

static void test_key(void **state)
{
	(void)state;
	assert_string_equal(format_key(9527, buf, sizeof buf), "0x00002537");
	assert_string_equal(format_key(0, buf, sizeof buf), "0x00000000");
	assert_string_equal(format_key(-1, buf, sizeof buf), "0xffffffff");
	assert_string_equal(format_key(INT32_MIN, buf, sizeof buf), "0x80000000");
	assert_string_equal(format_key(9527, buf, 5), "0x00"); /* truncates, terminated */
}

static void test_perms(void **state)
{
	(void)state;
	assert_string_equal(format_perms(0600, buf, sizeof buf), "rw-------");
	assert_string_equal(format_perms(0640, buf, sizeof buf), "rw-r-----");
	assert_string_equal(format_perms(0777, buf, sizeof buf), "rwxrwxrwx");
	assert_string_equal(format_perms(0, buf, sizeof buf), "---------");
	assert_string_equal(format_perms(0421, buf, sizeof buf), "r---w---x");
	assert_string_equal(format_octal(0600, buf, sizeof buf), "0600");
	assert_string_equal(format_octal(0644, buf, sizeof buf), "0644");
	assert_string_equal(format_octal(07, buf, sizeof buf), "0007");
}

static void test_size(void **state)
{
	(void)state;
	assert_string_equal(format_size(0, buf, sizeof buf), "0");
	assert_string_equal(format_size(1023, buf, sizeof buf), "1023");
	assert_string_equal(format_size(1024, buf, sizeof buf), "1.0K");
	assert_string_equal(format_size(16640, buf, sizeof buf), "16.3K"); /* as lsipc */
	assert_string_equal(format_size(1048576, buf, sizeof buf), "1.0M");
	assert_string_equal(format_size(UINT64_C(3) << 30, buf, sizeof buf), "3.0G");
	assert_string_equal(format_size(UINT64_MAX, buf, sizeof buf), "16.0E");
}

/* s, and no longer than w characters. */
static void fits(const char *s, const char *want, size_t w)
{
	assert_string_equal(s, want);
	assert_true(strlen(s) <= w);
}

static void test_extremes(void **state)
{
	(void)state;
	const size_t c = FORMAT_COUNT_W, r = FORMAT_RATE_W;
	fits(format_count(0, buf, sizeof buf), "0", c);
	fits(format_count(1, buf, sizeof buf), "1", c);
	fits(format_count(999, buf, sizeof buf), "999", c);
	fits(format_count(1000, buf, sizeof buf), "1.0k", c);
	fits(format_count(999949, buf, sizeof buf), "999.9k", c);
	fits(format_count(999950, buf, sizeof buf), "1.0M", c); /* not 1000.0k */
	fits(format_count(UINT64_C(999950000000000000), buf, sizeof buf), "1.0E", c);
	fits(format_count(UINT64_C(1000000000000000000), buf, sizeof buf), "1.0E", c);
	fits(format_count(UINT64_MAX, buf, sizeof buf), "18.4E", c);

	const double max = (double)UINT64_MAX;
	fits(format_rate(0, buf, sizeof buf), "0/s", r);
	fits(format_rate(1, buf, sizeof buf), "1.00/s", r);
	fits(format_rate(999, buf, sizeof buf), "999.0/s", r);
	fits(format_rate(1000, buf, sizeof buf), "1.00k/s", r);
	fits(format_rate(999949, buf, sizeof buf), "999.95k/s", r);
	fits(format_rate(999950, buf, sizeof buf), "999.95k/s", r);
	fits(format_rate(1e18, buf, sizeof buf), "1.00E/s", r);
	fits(format_rate(max, buf, sizeof buf), "18.45E/s", r);       /* UINT64_MAX per 1 s tick */
	fits(format_rate(max * 10, buf, sizeof buf), "184.47E/s", r); /* per 0.1 s */
	fits(format_rate(max * 1e3, buf, sizeof buf), "1.84e+22/s", r); /* per 1 ms */
	fits(format_rate(max * 1e9, buf, sizeof buf), "1.84e+28/s", r); /* per 1 ns */
	fits(format_rate(-max, buf, sizeof buf), "-18.45E/s", r);       /* a reset from the top */
	fits(format_rate(-max * 1e9, buf, sizeof buf), "-1.84e+28/s", r);
	fits(format_rate(-0.5, buf, sizeof buf), "-0.50/s", r);
	fits(format_rate(-1500, buf, sizeof buf), "-1.50k/s", r);
	fits(format_rate(1.0 / 0.0, buf, sizeof buf), "inf/s", r);
	fits(format_rate(0.0 / 0.0, buf, sizeof buf), "0/s", r);
	fits(format_rate(1e308, buf, sizeof buf), "1.00e+308/s", r);
	fits(format_rate(-1.7e308, buf, sizeof buf), "-1.70e+308/s", r);

	fits(format_size(UINT64_MAX, buf, sizeof buf), "16.0E", 7);
	fits(format_size(UINT64_C(1) << 60, buf, sizeof buf), "1.0E", 7);
	fits(format_size(1048575, buf, sizeof buf), "1024.0K", 7);
}

static void test_time(void **state)
{
	(void)state;
	setenv("TZ", "UTC", 1);
	tzset();
	assert_string_equal(format_time(0, buf, sizeof buf), "Not set");
	assert_string_equal(format_time(1700000000, buf, sizeof buf), "Tue Nov 14 22:13:20 2023");
	assert_string_equal(format_time(86400 * 3, buf, sizeof buf), "Sun Jan  4 00:00:00 1970");
}

static void test_age_rate_status(void **state)
{
	(void)state;
	const int64_t s = 1000000000;
	assert_string_equal(format_age(0, buf, sizeof buf), "<1s");
	assert_string_equal(format_age(-5 * s, buf, sizeof buf), "<1s");
	assert_string_equal(format_age(s - 1, buf, sizeof buf), "<1s");
	assert_string_equal(format_age(s, buf, sizeof buf), "1s");
	assert_string_equal(format_age(9999999999, buf, sizeof buf), "9s");
	assert_string_equal(format_age(60 * s - 1, buf, sizeof buf), "59s");
	assert_string_equal(format_age(60 * s, buf, sizeof buf), "1m00s");
	assert_string_equal(format_age(12 * s, buf, sizeof buf), "12s");
	assert_string_equal(format_age(185 * s, buf, sizeof buf), "3m05s");
	assert_string_equal(format_age(7380 * s, buf, sizeof buf), "2h03m");
	assert_string_equal(format_age((4 * 86400 + 7200) * s, buf, sizeof buf), "4d02h");
	assert_string_equal(format_rate(0, buf, sizeof buf), "0/s");
	assert_string_equal(format_rate(-3, buf, sizeof buf), "-3.00/s");
	assert_string_equal(format_rate(2.5, buf, sizeof buf), "2.50/s");
	assert_string_equal(format_rate(42, buf, sizeof buf), "42.0/s");
	assert_string_equal(format_rate(1200, buf, sizeof buf), "1.20k/s");
	assert_string_equal(format_rate(3.4e6, buf, sizeof buf), "3.40M/s");
	/* where rounding would carry into the next form */
	assert_string_equal(format_rate(9.994, buf, sizeof buf), "9.99/s");
	assert_string_equal(format_rate(9.996, buf, sizeof buf), "10.0/s");
	assert_string_equal(format_rate(999.94, buf, sizeof buf), "999.9/s");
	assert_string_equal(format_rate(999.96, buf, sizeof buf), "1.00k/s");
	assert_string_equal(format_rate(999994.0, buf, sizeof buf), "999.99k/s");
	assert_string_equal(format_rate(999996.0, buf, sizeof buf), "1.00M/s");
	assert_string_equal(format_status(false, false, buf, sizeof buf), "-");
	assert_string_equal(format_status(true, false, buf, sizeof buf), "dest");
	assert_string_equal(format_status(false, true, buf, sizeof buf), "locked");
	assert_string_equal(format_status(true, true, buf, sizeof buf), "dest locked");
}

static void test_wrap(void **state)
{
	(void)state;
	size_t st[4], len[4];
	const char *denied = "permission denied for key 0x00002537: segment shmid 7 is owned by "
			     "someone:staff, mode rw------- (0600)";
	/* after the ": " in reach, then at spaces */
	assert_int_equal(format_wrap(denied, 70, 4, st, len), 2);
	assert_int_equal(len[0], strlen("permission denied for key 0x00002537:"));
	assert_string_equal(denied + st[1],
			    "segment shmid 7 is owned by someone:staff, mode rw------- (0600)");
	assert_int_equal(format_wrap("short", 60, 4, st, len), 1);
	assert_int_equal(len[0], 5);
	assert_int_equal(format_wrap("", 60, 4, st, len), 1);
	assert_int_equal(len[0], 0);
	/* bounded: the last line is cut */
	assert_int_equal(format_wrap("aaaa bbbb cccc dddd", 4, 2, st, len), 2);
	assert_int_equal(st[1], 5);
	assert_int_equal(len[1], 4);
	/* no space: cut mid-word; UTF-8 counts characters */
	assert_int_equal(format_wrap("abcdefgh", 3, 4, st, len), 3);
	assert_int_equal(len[2], 2);
	assert_int_equal(format_wrap("\u2500\u2500 x", 3, 4, st, len), 2);
	assert_int_equal(len[0], 6);
}

/* --help's option lines: the letter or none, the pad to column 25 (two
 * spaces after a longer head), the further lines under the text, the
 * group headings, and a buffer too small cut but terminated. */
static void test_option_help(void **state)
{
	(void)state;
	char help[512];
	size_t at = 0;
	format_option_help(help, sizeof help, &at, "Segment", 'k', "key", "KEY", "SysV key");
	format_option_help(help, sizeof help, &at, NULL, 300, "ascii", NULL, "ASCII only\nalways");
	format_option_help(help, sizeof help, &at, "", 301, "control-mode", "MODE", "octal");
	format_option_help(help, sizeof help, &at, NULL, 'i', "interval", "SECONDS", "time");
	assert_string_equal(help, "\nSegment:\n"
				  "  -k, --key KEY          SysV key\n"
				  "      --ascii            ASCII only\n"
				  "                         always\n"
				  "\n"
				  "      --control-mode MODE  octal\n"
				  "  -i, --interval SECONDS time\n");
	assert_int_equal(at, strlen(help));
	char tiny[20];
	at = 0;
	format_option_help(tiny, sizeof tiny, &at, "Segment", 'k', "key", "KEY", "a\nb\nc");
	assert_int_equal(strlen(tiny), sizeof tiny - 1);
	assert_int_equal(at, sizeof tiny - 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_key),  cmocka_unit_test(test_perms),
		cmocka_unit_test(test_size), cmocka_unit_test(test_extremes),
		cmocka_unit_test(test_time), cmocka_unit_test(test_age_rate_status),
		cmocka_unit_test(test_wrap), cmocka_unit_test(test_option_help),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
