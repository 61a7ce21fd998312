/* SPDX-License-Identifier: MIT */
/* The JSON string writer: every control character, invalid UTF-8 of every
 * kind, empty and absent strings, and output cut short.  Each result is also
 * fed to python3's json module where it is installed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "json.h"

static char out[1024];

static const char *js(const char *s)
{
	size_t n = json_string(s, out, sizeof out);
	assert_true(n < sizeof out);
	assert_int_equal(n, strlen(out));
	return out;
}

/* Is every byte of s part of well-formed UTF-8? */
static int valid_utf8(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s);
	while (n) {
		size_t k = json_utf8_char(p, n);
		if (!k)
			return 0;
		p += k;
		n -= k;
	}
	return 1;
}

static void test_plain(void **state)
{
	(void)state;
	assert_string_equal(js(NULL), "null");
	assert_string_equal(js(""), "\"\"");
	assert_string_equal(js("root"), "\"root\"");
	assert_string_equal(js("a\"b\\c/d"), "\"a\\\"b\\\\c/d\"");
	assert_string_equal(js("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"),
			    "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"");
}

static void test_controls(void **state)
{
	(void)state;
	char in[2] = { 0, 0 }, want[16];
	for (int c = 1; c < 0x20; c++) {
		in[0] = (char)c;
		snprintf(want, sizeof want, "\"\\u%04x\"", c);
		assert_string_equal(js(in), want);
	}
	assert_string_equal(js("\x7f"), "\"\\u007f\"");
	assert_string_equal(js("a\nb\tc"), "\"a\\u000ab\\u0009c\"");
	/* C1 code points, the bidirectional controls and the line and paragraph
	 * separators as \uXXXX (escape_is_control()): valid JSON, no raw control
	 * for a terminal that shows it */
	assert_string_equal(js("\xc2\x80\xc2\x9b\xc2\x9f"), "\"\\u0080\\u009b\\u009f\"");
	assert_string_equal(js("a\xe2\x80\xae"
			       "b\xe2\x81\xa6\xd8\x9c\xe2\x80\x8f"),
			    "\"a\\u202eb\\u2066\\u061c\\u200f\"");
	assert_string_equal(js("\xe2\x80\xa8\xe2\x80\xa9"), "\"\\u2028\\u2029\"");
	/* raw C1 bytes are not UTF-8 */
	assert_string_equal(js("\x9b"), "\"\xef\xbf\xbd\"");
}

static void test_invalid(void **state)
{
	(void)state;
	/* 0xFF 0xFE, as in a process's comm: one U+FFFD a byte */
	assert_string_equal(js("\xff\xfe"), "\"\xef\xbf\xbd\xef\xbf\xbd\"");
	static const char *const bad[] = {
		"\x80",             /* a lone continuation byte */
		"\xc0\xaf",         /* overlong '/' */
		"\xc1\xbf",         /* overlong */
		"\xe0\x80\xaf",     /* overlong, 3 bytes */
		"\xed\xa0\x80",     /* a surrogate */
		"\xf0\x80\x80\xaf", /* overlong, 4 bytes */
		"\xf4\x90\x80\x80", /* above U+10FFFF */
		"\xf5\x80\x80\x80",
		"\xfe",
		"\xff",
		"\xc3",         /* truncated */
		"\xe2\x82",     /* truncated */
		"\xf0\x9f\x98", /* truncated */
		"\xc3\x28",     /* a bad continuation */
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		js(bad[i]);
		assert_true(valid_utf8(out));
		assert_non_null(strstr(out, "\xef\xbf\xbd"));
		assert_int_equal(json_utf8_char((const unsigned char *)bad[i], strlen(bad[i])), 0);
	}
	/* Valid characters next to invalid ones survive. */
	assert_string_equal(js("a\xff\xc3\xa9"), "\"a\xef\xbf\xbd\xc3\xa9\"");
	assert_string_equal(js("\xe2\x82"
			       "x"),
			    "\"\xef\xbf\xbd\xef\xbf\xbdx\"");
	/* The edges of the ranges that are valid */
	assert_int_equal(json_utf8_char((const unsigned char *)"\xc2\x80", 2), 2);
	assert_int_equal(json_utf8_char((const unsigned char *)"\xed\x9f\xbf", 3), 3);
	assert_int_equal(json_utf8_char((const unsigned char *)"\xee\x80\x80", 3), 3);
	assert_int_equal(json_utf8_char((const unsigned char *)"\xf4\x8f\xbf\xbf", 4), 4);
	assert_int_equal(json_utf8_char((const unsigned char *)"\xf0\x90\x80\x80", 4), 4);
}

static void test_clean(void **state)
{
	(void)state;
	char buf[64];
	assert_string_equal(json_clean("ok\n", buf, sizeof buf), "ok\n");
	assert_string_equal(json_clean("\xff\xfe", buf, sizeof buf), "\xef\xbf\xbd\xef\xbf\xbd");
	assert_string_equal(json_clean(NULL, buf, sizeof buf), "");
	assert_string_equal(json_clean("", buf, sizeof buf), "");
	/* Cut short between characters, never inside one. */
	assert_string_equal(json_clean("ab\xc3\xa9", buf, 4), "ab");
	assert_string_equal(json_clean("\xff", buf, 3), "");
}

static void test_cut(void **state)
{
	(void)state;
	char buf[8];
	/* "\"a\\u000a\"": the escape does not fit whole in 8 bytes */
	assert_int_equal(json_string("a\n", buf, sizeof buf), 9);
	assert_string_equal(buf, "\"a");
	assert_int_equal(json_string("abc", buf, 3), 5);
	assert_string_equal(buf, "\"a");
	assert_int_equal(json_string("x", NULL, 0), 3);
	assert_int_equal(json_string(NULL, buf, 4), 4);
	assert_string_equal(buf, "");
}

/* Every byte value after 'x', through python3's json module: it parses,
 * and gives back the text with U+FFFD where the bytes were invalid. */
static void test_python(void **state)
{
	(void)state;
	if (system("python3 -c '' 2>/dev/null") != 0) {
		skip();
		return;
	}
	char path[] = "/tmp/test_json.XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	FILE *f = fdopen(fd, "w");
	assert_non_null(f);
	fputs("[", f);
	for (int c = 1; c < 256; c++) {
		char in[3] = { 'x', (char)c, 0 };
		json_string(in, out, sizeof out);
		fprintf(f, "%s%s", c > 1 ? "," : "", out);
	}
	fputs("]\n", f);
	fclose(f);
	char cmd[512];
	snprintf(cmd, sizeof cmd,
		 "python3 -c 'import json,sys\n"
		 "a = json.loads(open(sys.argv[1], \"rb\").read().decode(\"utf-8\"))\n"
		 "want = [(\"x\" + chr(c)) if c < 128 else \"x\\ufffd\" for c in range(1, 256)]\n"
		 "sys.exit(a != want)' %s",
		 path);
	int rc = system(cmd);
	unlink(path);
	assert_int_equal(rc, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain),   cmocka_unit_test(test_controls),
		cmocka_unit_test(test_invalid), cmocka_unit_test(test_clean),
		cmocka_unit_test(test_cut),     cmocka_unit_test(test_python),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
