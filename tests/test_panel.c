/* SPDX-License-Identifier: MIT */
/* Room for the detail view's panels: taken only from unused rows and the
 * graph, never from the fields, the processes or the big digits. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "panel.h"

static void test_split(void **state)
{
	(void)state;
	const struct panel_dash d = { .value_len = 3, .details_len = 40, .nfields = 13,
				      .nprocs = 2, .text_rows = 1, .graph_min = 4 };
	struct layout base, l;
	layout_compute(120, 40, d.value_len, d.details_len, d.nfields, d.nprocs, d.text_rows, &base);
	int k = panel_split(120, 40, &d, 100, &l);
	assert_true(k >= PANEL_MIN_ROWS);
	assert_int_equal(l.footer_y, 39);
	assert_int_equal(l.big, base.big);
	assert_int_equal(l.info_rows, base.info_rows);
	assert_int_equal(l.procs_rows, base.procs_rows);
	assert_true(l.graph_h >= 4);
	/* the dashboard ends above the panels: graph and axis above row 40-k-1 */
	assert_true(l.graph_y + l.graph_h <= 40 - k - 1);
	assert_true(l.axis_y < 40 - k - 1);
	/* no more than asked for */
	assert_int_equal(panel_split(120, 40, &d, 5, &l), 5);
	/* below the minimum: none */
	assert_int_equal(panel_split(120, 40, &d, 2, &l), 0);
	assert_int_equal(l.footer_y, base.footer_y);
	/* too small: none, and the layout says so */
	assert_int_equal(panel_split(30, 8, &d, 100, &l), 0);
	assert_true(l.too_small);
}

static void test_no_room(void **state)
{
	(void)state;
	const struct panel_dash d = { .value_len = 3, .details_len = 40, .nfields = 13,
				      .nprocs = 2, .text_rows = 1, .graph_min = 12 };
	struct layout l;
	/* a small screen that needs every row keeps them */
	assert_int_equal(panel_split(70, 16, &d, 100, &l), 0);
	assert_int_equal(l.footer_y, 15);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_split),
		cmocka_unit_test(test_no_room),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
