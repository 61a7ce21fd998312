/* SPDX-License-Identifier: MIT */
/* The one escaping rule: each class of control, invalid UTF-8, valid
 * characters by their cells, the cut, and the locales. */
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "escape.h"

static char buf[1024];

static const char *esc(const char *s, enum escape_mode mode)
{
	escape_text(s, strlen(s), mode, 1000, buf, sizeof buf);
	return buf;
}

static int setup_utf8(void **state)
{
	(void)state;
	return setlocale(LC_CTYPE, "C.UTF-8") ? 0 : -1;
}

static int setup_c(void **state)
{
	(void)state;
	return setlocale(LC_CTYPE, "C") ? 0 : -1;
}

static void test_ascii_and_c0(void **state)
{
	(void)state;
	assert_string_equal(esc("plain text ~!", ESCAPE_LOCALE), "plain text ~!");
	assert_string_equal(esc("a\nb\tc\rd\\e", ESCAPE_LOCALE), "a\\nb\\tc\\rd\\\\e");
	/* every other C0 control, and DEL, as \xNN */
	for (unsigned c = 1; c < 0x20; c++) {
		char in[2] = { (char)c, 0 }, want[8];
		if (c == '\n' || c == '\t' || c == '\r')
			continue;
		snprintf(want, sizeof want, "\\x%02x", c);
		assert_string_equal(esc(in, ESCAPE_LOCALE), want);
		assert_string_equal(esc(in, ESCAPE_UTF8), want);
		assert_string_equal(esc(in, ESCAPE_ASCII), want);
	}
	assert_string_equal(esc("\x7f", ESCAPE_LOCALE), "\\x7f");
	/* NUL inside the length */
	assert_int_equal(escape_text("a\0b", 3, ESCAPE_LOCALE, 80, buf, sizeof buf), 6);
	assert_string_equal(buf, "a\\x00b");
	/* the title-setting and screen-clearing name of the issue */
	assert_string_equal(esc("\x1b]0;PWNED\x07\x1b[2J", ESCAPE_LOCALE),
			    "\\x1b]0;PWNED\\x07\\x1b[2J");
}

static void test_c1(void **state)
{
	(void)state;
	/* as raw bytes: not UTF-8, \xNN */
	for (unsigned c = 0x80; c <= 0x9f; c++) {
		char in[2] = { (char)c, 0 }, want[8];
		snprintf(want, sizeof want, "\\x%02x", c);
		assert_string_equal(esc(in, ESCAPE_LOCALE), want);
		assert_string_equal(esc(in, ESCAPE_UTF8), want);
	}
	/* as code points U+0080..U+009F: \u00NN */
	for (unsigned c = 0x80; c <= 0x9f; c++) {
		char in[3] = { (char)0xc2, (char)c, 0 }, want[8];
		snprintf(want, sizeof want, "\\u%04x", c);
		assert_string_equal(esc(in, ESCAPE_LOCALE), want);
		assert_string_equal(esc(in, ESCAPE_UTF8), want);
		assert_true(escape_is_control(c));
	}
	/* U+00A0 is past them */
	assert_string_equal(esc("\xc2\xa0", ESCAPE_UTF8), "\xc2\xa0");
	assert_false(escape_is_control(0xa0));
}

static void test_bidi_and_separators(void **state)
{
	(void)state;
	static const uint32_t cps[] = { 0x061c, 0x200e, 0x200f, 0x2028, 0x2029, 0x202a, 0x202b,
					0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069 };
	for (size_t i = 0; i < sizeof cps / sizeof cps[0]; i++) {
		uint32_t c = cps[i];
		char in[4], want[16];
		if (c < 0x800) {
			in[0] = (char)(0xc0 | c >> 6), in[1] = (char)(0x80 | (c & 0x3f)), in[2] = 0;
		} else {
			in[0] = (char)(0xe0 | c >> 12), in[1] = (char)(0x80 | (c >> 6 & 0x3f));
			in[2] = (char)(0x80 | (c & 0x3f)), in[3] = 0;
		}
		snprintf(want, sizeof want, "x\\u%04xy", (unsigned)c);
		char s[8];
		snprintf(s, sizeof s, "x%sy", in);
		assert_string_equal(esc(s, ESCAPE_LOCALE), want);
		assert_string_equal(esc(s, ESCAPE_UTF8), want);
		assert_true(escape_is_control(c));
	}
	/* their neighbours are characters */
	assert_false(escape_is_control(0x2027));
	assert_false(escape_is_control(0x202f));
	assert_false(escape_is_control(0x2065));
	assert_false(escape_is_control(0x206a));
	assert_false(escape_is_control(0x200d));
}

static void test_invalid_utf8(void **state)
{
	(void)state;
	/* a stray continuation, overlong forms, a surrogate, a truncated
	 * sequence, bytes that start nothing: one \xNN per byte */
	assert_string_equal(esc("\xa9", ESCAPE_LOCALE), "\\xa9");
	assert_string_equal(esc("\xc0\xaf", ESCAPE_LOCALE), "\\xc0\\xaf");
	assert_string_equal(esc("\xe0\x80\xaf", ESCAPE_UTF8), "\\xe0\\x80\\xaf");
	assert_string_equal(esc("\xed\xa0\x80", ESCAPE_LOCALE), "\\xed\\xa0\\x80");
	assert_string_equal(esc("a\xe2\x82", ESCAPE_LOCALE), "a\\xe2\\x82");
	assert_string_equal(esc("\xf4\x90\x80\x80", ESCAPE_UTF8), "\\xf4\\x90\\x80\\x80");
	assert_string_equal(esc("\xff\xfe", ESCAPE_LOCALE), "\\xff\\xfe");
	/* a truncated sequence before a good character keeps the character */
	assert_string_equal(esc("\xc3"
				"\xc3\xa9",
				ESCAPE_LOCALE),
			    "\\xc3\xc3\xa9");
}

static void test_valid_characters(void **state)
{
	(void)state;
	assert_int_equal(escape_text("caf\xc3\xa9", 5, ESCAPE_LOCALE, 80, buf, sizeof buf), 4);
	assert_string_equal(buf, "caf\xc3\xa9");
	/* a wide character takes two cells */
	assert_int_equal(escape_text("\xe6\x97\xa5x", 4, ESCAPE_LOCALE, 80, buf, sizeof buf), 3);
	assert_string_equal(buf, "\xe6\x97\xa5x");
	/* four bytes */
	assert_string_equal(esc("\xf0\x9f\x98\x80", ESCAPE_LOCALE), "\xf0\x9f\x98\x80");
	/* no cells on a terminal (a combining mark alone): by code point */
	assert_string_equal(esc("\xcc\x81", ESCAPE_LOCALE), "\\u0301");
	/* a UTF-8 format takes it as it is */
	assert_string_equal(esc("\xcc\x81", ESCAPE_UTF8), "\xcc\x81");
	/* above U+FFFF: \U and eight digits (a language tag, no cells) */
	assert_string_equal(esc("\xf3\xa0\x80\x81", ESCAPE_LOCALE), "\\U000e0001");
	/* ASCII mode: every byte past ASCII */
	assert_string_equal(esc("caf\xc3\xa9", ESCAPE_ASCII), "caf\\xc3\\xa9");
	assert_string_equal(esc("\xe2\x80\xae", ESCAPE_ASCII), "\\xe2\\x80\\xae");
	assert_true(escape_locale_utf8());
}

static void test_c_locale(void **state)
{
	(void)state;
	assert_false(escape_locale_utf8());
	/* the terminal's locale is not UTF-8: every byte past ASCII */
	assert_string_equal(esc("caf\xc3\xa9", ESCAPE_LOCALE), "caf\\xc3\\xa9");
	assert_string_equal(esc("\xe2\x80\xae", ESCAPE_LOCALE), "\\xe2\\x80\\xae");
	assert_string_equal(esc("\xc2\x85", ESCAPE_LOCALE), "\\xc2\\x85");
	/* a UTF-8 format does not depend on it */
	assert_string_equal(esc("caf\xc3\xa9\xe2\x80\xae", ESCAPE_UTF8), "caf\xc3\xa9\\u202e");
	assert_string_equal(escape_str("a\x1b", buf, sizeof buf), "a\\x1b");
	assert_string_equal(escape_str(NULL, buf, sizeof buf), "");
}

/* Cut at any number of cells or bytes, the output is a prefix of the whole
 * made of whole pieces, within both limits. */
static void test_cut(void **state)
{
	(void)state;
	const char *in = "a\x1b\xe6\x97\xa5"
			 "b\xc3\xa9\\\xe2\x80\xae\xff\xf0\x9f\x98\x80z";
	/* its pieces, as written whole */
	static const char *const pieces[] = { "a",       "\\x1b",    "\xe6\x97\xa5",
					      "b",       "\xc3\xa9", "\\\\",
					      "\\u202e", "\\xff",    "\xf0\x9f\x98\x80",
					      "z" };
	static const int cells[] = { 1, 4, 2, 1, 1, 2, 6, 4, 2, 1 };
	char whole[256];
	int all = escape_text(in, strlen(in), ESCAPE_LOCALE, 1000, whole, sizeof whole);
	int sum = 0;
	for (size_t i = 0; i < 10; i++)
		sum += cells[i];
	assert_int_equal(all, sum);
	for (int max = 0; max <= all + 1; max++) {
		for (size_t out = 1; out <= strlen(whole) + 2; out++) {
			char b[256];
			memset(b, 'X', sizeof b);
			int got = escape_text(in, strlen(in), ESCAPE_LOCALE, max, b, out);
			assert_true(got <= max);
			assert_true(strlen(b) < out);
			assert_memory_equal(b, whole, strlen(b));
			/* it ends between two pieces, with the next one not fitting */
			size_t at = 0;
			int c = 0;
			size_t i = 0;
			for (; i < 10 && at < strlen(b); i++)
				at += strlen(pieces[i]), c += cells[i];
			assert_int_equal(at, strlen(b));
			assert_int_equal(c, got);
			if (i < 10)
				assert_true(c + cells[i] > max || at + strlen(pieces[i]) >= out);
		}
	}
	/* no room at all */
	assert_int_equal(escape_text("abc", 3, ESCAPE_LOCALE, 10, buf, 0), 0);
}

/* Whatever the bytes, the output is printable UTF-8 with no control, no
 * bidirectional control, and no '\' that starts no escape. */
static void test_any_bytes(void **state)
{
	(void)state;
	unsigned seed = 21;
	for (int round = 0; round < 20000; round++) {
		unsigned char in[12];
		size_t n = 1 + (size_t)((unsigned)rand_r(&seed) % sizeof in);
		for (size_t i = 0; i < n; i++) {
			unsigned r = (unsigned)rand_r(&seed);
			/* bias to the bytes that matter */
			static const unsigned char lead[] = { 0xc2, 0xe2, 0x80, 0xd8, 0xe0,
							      0xf0, 0x1b, '\\', 0x9b, 0xed };
			in[i] = r % 3 ? lead[r / 3 % sizeof lead] : (unsigned char)(r >> 8);
		}
		enum escape_mode mode = round % 2 ? ESCAPE_UTF8 : ESCAPE_LOCALE;
		escape_text((const char *)in, n, mode, 1000, buf, sizeof buf);
		const unsigned char *p = (const unsigned char *)buf;
		size_t len = strlen(buf);
		for (size_t i = 0; i < len;) {
			uint32_t cp;
			size_t k = escape_utf8_char(p + i, len - i, &cp);
			assert_true(k > 0);
			assert_false(escape_is_control(cp));
			if (cp == '\\') {
				assert_true(i + 1 < len);
				assert_non_null(strchr("\\ntrxuU", p[i + 1]));
				k = 2;
			}
			i += k;
		}
	}
}

int main(void)
{
	const struct CMUnitTest utf8[] = {
		cmocka_unit_test(test_ascii_and_c0),        cmocka_unit_test(test_c1),
		cmocka_unit_test(test_bidi_and_separators), cmocka_unit_test(test_invalid_utf8),
		cmocka_unit_test(test_valid_characters),    cmocka_unit_test(test_cut),
		cmocka_unit_test(test_any_bytes),
	};
	const struct CMUnitTest c[] = {
		cmocka_unit_test(test_c_locale),
	};
	int failed = cmocka_run_group_tests_name("escape, C.UTF-8", utf8, setup_utf8, NULL);
	return failed + cmocka_run_group_tests_name("escape, C", c, setup_c, NULL);
}
