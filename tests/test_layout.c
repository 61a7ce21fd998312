/* SPDX-License-Identifier: MIT */
/* Layout decisions for terminal sizes from too small to wide. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "graph.h"
#include "layout.h"

/* Every row used is inside the screen and rows do not overlap. */
static void check_rows(const struct layout *l)
{
	int used[256] = { 0 };
	int ys[] = { 0, l->writer_y, l->control_y, l->info_sep_y, l->graph_sep_y, l->footer_y };
	for (size_t i = 0; i < sizeof ys / sizeof ys[0]; i++) {
		assert_true(ys[i] >= 0 && ys[i] < l->rows);
		assert_int_equal(used[ys[i]]++, 0);
	}
	for (int r = 0; r < l->value_h; r++)
		assert_int_equal(used[l->value_y + r]++, 0);
	for (int r = 0; r < l->info_rows; r++)
		assert_int_equal(used[l->info_y + r]++, 0);
	assert_true(l->graph_h >= 1 && l->graph_h <= LAYOUT_GRAPH_ROWS);
	for (int r = 0; r < l->graph_h; r++)
		assert_int_equal(used[l->graph_y + r]++, 0);
	if (l->axis_y >= 0) {
		assert_int_equal(l->axis_y, l->graph_y + l->graph_h);
		assert_int_equal(used[l->axis_y]++, 0);
	}
	if (l->procs_sep_y >= 0) {
		assert_true(l->procs_rows >= 2);
		assert_int_equal(l->procs_y, l->procs_sep_y + 1);
		for (int r = -1; r < l->procs_rows; r++)
			assert_int_equal(used[l->procs_y + r]++, 0);
	}
	for (int y = 0; y < l->rows; y++)
		assert_true(used[y] <= 1);
	assert_int_equal(l->footer_y, l->rows - 1);
	assert_int_equal(l->graph_x, GRAPH_GUTTER);
	assert_int_equal(l->graph_w, l->cols - GRAPH_GUTTER);
}

static void test_too_small(void **state)
{
	(void)state;
	struct layout l;
	char msg[64];
	layout_compute(39, 30, 3, 40, 13, -1, 1, &l);
	assert_true(l.too_small);
	layout_compute(80, 9, 3, 40, 13, -1, 1, &l);
	assert_true(l.too_small);
	layout_compute(LAYOUT_MIN_COLS, LAYOUT_MIN_ROWS, 3, 40, 13, -1, 1, &l);
	assert_false(l.too_small);
	check_rows(&l);
	assert_string_equal(layout_too_small(true, msg, sizeof msg),
			    "terminal too small: need 40×10");
	assert_string_equal(layout_too_small(false, msg, sizeof msg),
			    "terminal too small: need 40x10");
}

static void test_sizes(void **state)
{
	(void)state;
	struct layout l;
	/* 80x24: big digits, details beside them, two columns, all 13 fields. */
	layout_compute(80, 24, 4, 40, 13, -1, 1, &l);
	check_rows(&l);
	assert_true(l.big);
	assert_int_equal(l.value_h, 3);
	assert_int_equal(l.details_x, 4 * 4 - 1 + 3);
	assert_int_equal(l.info_cols, 2);
	assert_int_equal(l.info_colw, 40);
	assert_int_equal(l.info_rows, 7);
	/* 50x15: plain value, one column, the most important fields first. */
	layout_compute(50, 15, 4, 40, 13, -1, 1, &l);
	check_rows(&l);
	assert_false(l.big);
	assert_int_equal(l.info_cols, 1);
	assert_int_equal(l.info_rows, 15 - 8);
	assert_int_equal(l.details_x, 6);
	/* 40x10: the minimum still shows two fields. */
	layout_compute(40, 10, 4, 40, 13, -1, 1, &l);
	check_rows(&l);
	assert_int_equal(l.info_rows, 2);
	/* Wide: three columns; 20 digits (79 cells) + 3 + 40 fit in 130. */
	layout_compute(130, 40, 20, 40, 13, -1, 1, &l);
	check_rows(&l);
	assert_int_equal(l.info_cols, 3);
	assert_int_equal(l.info_rows, 5);
	assert_true(l.big);
}

static void test_big_needs_room(void **state)
{
	(void)state;
	struct layout l;
	layout_compute(100, 40, 20, 40, 13, -1, 1, &l); /* 79 + 3 + 40 > 100 */
	assert_false(l.big);
	layout_compute(60, 40, 10, 40, 13, -1, 1, &l); /* 39 + 3 + 40 > 60 */
	assert_false(l.big);
	layout_compute(80, 16, 4, 40, 13, -1, 1, &l); /* rows: 7 + 3 + 7 > 16 */
	assert_false(l.big);
	check_rows(&l);
	layout_compute(80, 24, 0, 0, 0, -1, 1, &l); /* waiting: no value, no fields */
	assert_false(l.big);
	assert_int_equal(l.info_rows, 0);
	check_rows(&l);
}

static void test_procs_and_graph(void **state)
{
	(void)state;
	struct layout l;
	/* 120x40, two processes: all listed, the graph at its full height. */
	layout_compute(120, 40, 4, 40, 13, 2, 1, &l);
	check_rows(&l);
	assert_true(l.procs_sep_y > l.info_y);
	assert_int_equal(l.procs_rows, 3);
	assert_int_equal(l.graph_h, LAYOUT_GRAPH_ROWS);
	assert_true(l.axis_y >= 0);
	/* 80x24: both processes still, a smaller graph with its axis. */
	layout_compute(80, 24, 4, 40, 13, 2, 1, &l);
	check_rows(&l);
	assert_int_equal(l.procs_rows, 3);
	assert_true(l.graph_h >= 2);
	assert_true(l.axis_y >= 0);
	/* Many processes: the graph keeps four rows, the rest are listed. */
	layout_compute(120, 40, 4, 40, 13, 100, 1, &l);
	check_rows(&l);
	assert_int_equal(l.graph_h, 4);
	assert_true(l.procs_rows > 10);
	/* 40x10: no room for the panel. */
	layout_compute(40, 10, 4, 40, 13, 2, 1, &l);
	check_rows(&l);
	assert_int_equal(l.procs_sep_y, -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_too_small),
		cmocka_unit_test(test_sizes),
		cmocka_unit_test(test_big_needs_room),
		cmocka_unit_test(test_procs_and_graph),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
