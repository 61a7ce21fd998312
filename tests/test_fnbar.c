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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fit),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
