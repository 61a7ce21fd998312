/* SPDX-License-Identifier: MIT */
/*
 * The function-key bar: the items in order while they fit, the last (quit)
 * kept, htop's bar of the list fitting 80 columns.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>
#include <string.h>

#include "fnbar.h"

static void test_fit(void **state)
{
	(void)state;
	struct fnbar b = { 0 };
	char buf[256];
	fnbar_add(&b, "F1", "Help");
	fnbar_add(&b, "F3", "Search");
	fnbar_add(&b, "F4", "Filter");
	fnbar_add(&b, "F10", "Quit");
	assert_string_equal(fnbar_text(&b, 80, buf, sizeof buf),
			    "F1Help F3Search F4Filter F10Quit");
	assert_int_equal(strlen(buf), 32);
	assert_string_equal(fnbar_text(&b, 32, buf, sizeof buf),
			    "F1Help F3Search F4Filter F10Quit");
	/* one cell less: the item before quit goes, quit stays */
	assert_string_equal(fnbar_text(&b, 31, buf, sizeof buf), "F1Help F3Search F10Quit");
	assert_string_equal(fnbar_text(&b, 14, buf, sizeof buf), "F1Help F10Quit");
	assert_string_equal(fnbar_text(&b, 13, buf, sizeof buf), "F10Quit");
	assert_string_equal(fnbar_text(&b, 6, buf, sizeof buf), "");
	assert_false(fnbar_shown(&b, 4, 80));
	/* never past FNBAR_MAX, labels cut to their room */
	for (int i = 0; i < FNBAR_MAX + 4; i++)
		fnbar_add(&b, "x", "a label much longer than twenty-four bytes");
	assert_int_equal(b.n, FNBAR_MAX);
	assert_int_equal(strlen(b.item[FNBAR_MAX - 1].label), sizeof b.item[0].label - 1);
}

/* A click's cell: the item under it, as fnbar_text() lays the bar out. */
static void test_at(void **state)
{
	(void)state;
	struct fnbar b = { 0 };
	fnbar_add(&b, "F1", "Help");
	fnbar_add(&b, "F3", "Search");
	fnbar_add(&b, "F4", "Filter");
	fnbar_add(&b, "F10", "Quit");
	/* "F1Help F3Search F4Filter F10Quit": F1Help 0-5, F3Search 7-14,
	 * F4Filter 16-23, F10Quit 25-31 */
	assert_int_equal(fnbar_at(&b, 80, 0), 0);
	assert_int_equal(fnbar_at(&b, 80, 5), 0);
	assert_int_equal(fnbar_at(&b, 80, 6), -1);
	assert_int_equal(fnbar_at(&b, 80, 7), 1);
	assert_int_equal(fnbar_at(&b, 80, 14), 1);
	assert_int_equal(fnbar_at(&b, 80, 16), 2);
	assert_int_equal(fnbar_at(&b, 80, 24), -1);
	assert_int_equal(fnbar_at(&b, 80, 25), 3);
	assert_int_equal(fnbar_at(&b, 80, 31), 3);
	assert_int_equal(fnbar_at(&b, 80, 32), -1);
	assert_int_equal(fnbar_at(&b, 80, -1), -1);
	/* narrower: F4Filter dropped, F10Quit moves left to 16-22 */
	assert_int_equal(fnbar_at(&b, 31, 16), 3);
	assert_int_equal(fnbar_at(&b, 31, 22), 3);
	assert_int_equal(fnbar_at(&b, 31, 23), -1);
	/* only the last fits */
	assert_int_equal(fnbar_at(&b, 13, 0), 3);
	assert_int_equal(fnbar_at(&b, 6, 0), -1);
	struct fnbar none = { 0 };
	assert_int_equal(fnbar_at(&none, 80, 0), -1);
}

static void test_key_code(void **state)
{
	(void)state;
	const int f0 = 0410; /* curses' KEY_F0 */
	assert_int_equal(fnbar_key_code("F1", f0), f0 + 1);
	assert_int_equal(fnbar_key_code("F9", f0), f0 + 9);
	assert_int_equal(fnbar_key_code("F10", f0), f0 + 10);
	assert_int_equal(fnbar_key_code("F12", f0), f0 + 12);
	assert_int_equal(fnbar_key_code("F13", f0), 'F');
	assert_int_equal(fnbar_key_code("Fx", f0), 'F');
	assert_int_equal(fnbar_key_code("F1x", f0), 'F');
	assert_int_equal(fnbar_key_code("Enter", f0), '\r');
	assert_int_equal(fnbar_key_code("Tab", f0), '\t');
	assert_int_equal(fnbar_key_code("Esc", f0), 27);
	assert_int_equal(fnbar_key_code("q", f0), 'q');
	assert_int_equal(fnbar_key_code("j/k", f0), 'j');
	assert_int_equal(fnbar_key_code("+/-", f0), '+');
	assert_int_equal(fnbar_key_code("<>", f0), '<');
	assert_int_equal(fnbar_key_code("", f0), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fit),
		cmocka_unit_test(test_at),
		cmocka_unit_test(test_key_code),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
