/* SPDX-License-Identifier: MIT */
/* The byte preview: text or hex, escaping, trailing zeros, bounds. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "preview.h"

static void test_classic_counter(void **state)
{
	(void)state;
	unsigned char seg[1024] = { 0 };
	memcpy(seg, "1234", 4);
	assert_true(preview_is_text(seg, sizeof seg));
	struct preview p;
	preview_format(seg, sizeof seg, 0, sizeof seg, 79, &p);
	assert_true(p.text);
	assert_int_equal(p.len, PREVIEW_MAX); /* never more than the bound */
	assert_int_equal(p.used, 4);
	assert_int_equal(p.nlines, 1);
	assert_string_equal(p.lines[0], "1234");
	assert_non_null(strstr(p.title, "text, first 256 of 1024 bytes, then zeros"));
}

static void test_decision(void **state)
{
	(void)state;
	const unsigned char zero[16] = { 0 };
	assert_false(preview_is_text(zero, sizeof zero));
	assert_false(preview_is_text(zero, 0));
	const unsigned char bin[8] = { 1, 2, 3, 0xff, 0x80, 'a', 0, 9 };
	assert_false(preview_is_text(bin, sizeof bin));
	/* one odd byte in eight is still text */
	const unsigned char mostly[8] = { 'h', 'e', 'l', 'l', 'o', 0x01, '!', '\n' };
	assert_true(preview_is_text(mostly, sizeof mostly));
	const unsigned char two[8] = { 'h', 'e', 0x02, 'l', 'o', 0x01, '!', '\n' };
	assert_false(preview_is_text(two, sizeof two));
}

static void test_escaping_and_lines(void **state)
{
	(void)state;
	const char in[] = "a\tb\\c\rd\x01"
			  "e\nsecond line";
	struct preview p;
	preview_format((const unsigned char *)in, sizeof in - 1, 0, 4096, 79, &p);
	assert_true(p.text);
	assert_int_equal(p.nlines, 2);
	assert_string_equal(p.lines[0], "a\\tb\\\\c\\rd\\x01e");
	assert_string_equal(p.lines[1], "second line");
	assert_null(strstr(p.title, "zeros"));
}

static void test_wrap_and_bound(void **state)
{
	(void)state;
	unsigned char big[4096];
	memset(big, 'x', sizeof big);
	struct preview p;
	preview_format(big, sizeof big, 0, sizeof big, 20, &p);
	assert_int_equal(p.len, PREVIEW_MAX);
	/* 256 bytes at 20 a line: 13 lines, all within bounds */
	assert_int_equal(p.nlines, 13);
	for (size_t i = 0; i < p.nlines; i++)
		assert_true(strlen(p.lines[i]) <= 20);
	assert_int_equal(strlen(p.lines[12]), 16);
	/* too many lines: the last says how much is left */
	preview_format(big, sizeof big, 0, sizeof big, 8, &p);
	assert_int_equal(p.nlines, PREVIEW_ROWS);
	assert_string_equal(p.lines[PREVIEW_ROWS - 1], "... 136 more bytes");
	unsigned char nl[64];
	memset(nl, '\n', sizeof nl);
	preview_format(nl, sizeof nl, 0, sizeof nl, 79, &p);
	assert_int_equal(p.nlines, PREVIEW_ROWS);
}

static void test_hex(void **state)
{
	(void)state;
	unsigned char b[40] = { 0 };
	for (int i = 0; i < 20; i++)
		b[i] = (unsigned char)(0xf0 + i % 16);
	b[1] = 'A';
	struct preview p;
	preview_format(b, sizeof b, 0, 100, 79, &p);
	assert_false(p.text);
	assert_int_equal(p.used, 20);
	assert_int_equal(p.nlines, 2); /* rows up to the last non-zero byte */
	assert_string_equal(p.lines[0], "0000  f0 41 f2 f3 f4 f5 f6 f7 f8 f9 fa fb fc fd fe ff"
					"  |.A..............|");
	assert_string_equal(p.lines[1], "0010  f0 f1 f2 f3 00 00 00 00 00 00 00 00 00 00 00 00"
					"  |................|");
	assert_non_null(strstr(p.title, "hex, first 40 of 100 bytes, then zeros"));
	/* a short last row is padded, its ASCII column not */
	preview_format(b, 18, 0, 18, 79, &p);
	char want[80];
	snprintf(want, sizeof want, "0010  f0 f1%44s|..|", "");
	assert_string_equal(p.lines[1], want);
	/* cut to the width */
	preview_format(b, 18, 0, 18, 30, &p);
	assert_int_equal(strlen(p.lines[0]), 30);
	/* all zero */
	memset(b, 0, sizeof b);
	preview_format(b, sizeof b, 0, sizeof b, 79, &p);
	assert_int_equal(p.nlines, 1);
	assert_string_equal(p.lines[0], "(all 40 bytes are zero)");
}

/* A window further on: rows numbered from its offset, the title saying
 * where it is and that PgUp/PgDn move it; the steps stay within the
 * object. */
static void test_window(void **state)
{
	(void)state;
	unsigned char b[PREVIEW_MAX];
	for (int i = 0; i < PREVIEW_MAX; i++)
		b[i] = (unsigned char)i;
	struct preview p;
	preview_format(b, sizeof b, 0, 2048, 79, &p);
	assert_string_equal(p.title, "preview: hex, first 256 of 2048 bytes  PgUp/PgDn");
	preview_format(b, sizeof b, 256, 2048, 79, &p);
	assert_string_equal(p.title, "preview: hex, bytes 256-511 of 2048  PgUp/PgDn");
	assert_true(strncmp(p.lines[0], "0100  00 01 02", 14) == 0);
	assert_true(strncmp(p.lines[15], "01f0  f0 f1", 11) == 0);
	preview_format(b, 16, 0, 16, 79, &p); /* all of it: no keys */
	assert_string_equal(p.title, "preview: hex, first 16 of 16 bytes");
	preview_format(b, sizeof b, 0x100000000, 0x100000100, 79, &p);
	assert_true(strncmp(p.lines[0], "100000000  00 01", 16) == 0);

	assert_true(preview_step(0, 1, 2048) == 256);
	assert_true(preview_step(1792, 1, 2048) == 1792); /* the last window */
	assert_true(preview_step(256, -1, 2048) == 0);
	assert_true(preview_step(0, -1, 2048) == 0);
	assert_true(preview_step(0, 1, 100) == 0);      /* one window only */
	assert_true(preview_step(1792, 0, 300) == 256); /* it shrank: the last window */
	assert_true(preview_step(0, 1, 0) == 0);
	assert_true(preview_step(UINT64_MAX - 10, 1, UINT64_MAX) ==
		    (UINT64_MAX - 1) / PREVIEW_MAX * PREVIEW_MAX); /* no wrap */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_classic_counter),
		cmocka_unit_test(test_decision),
		cmocka_unit_test(test_escaping_and_lines),
		cmocka_unit_test(test_wrap_and_bound),
		cmocka_unit_test(test_hex),
		cmocka_unit_test(test_window),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
