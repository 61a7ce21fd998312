/* SPDX-License-Identifier: MIT */
/* Layout decisions for terminal sizes from too small to wide, and the room
 * for the detail view's panels: taken only from unused rows and the graph,
 * never from the fields, the processes or the big digits. */
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
	assert_true(l->graph_h >= 1 && l->graph_h <= layout_graph_rows(l->rows));
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
	if (l->panel_h > 0) {
		assert_true(l->panel_h >= LAYOUT_PANEL_MIN_ROWS);
		assert_int_equal(l->panel_y + l->panel_h, l->footer_y);
		for (int r = 0; r < l->panel_h; r++)
			assert_int_equal(used[l->panel_y + r]++, 0);
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
	struct layout_input in = { .cols = 39,
				   .rows = 30,
				   .value_len = 3,
				   .details_len = 40,
				   .nfields = 13,
				   .nprocs = -1,
				   .text_rows = 1 };
	layout_compute(&in, &l);
	assert_true(l.too_small);
	in.cols = 80;
	in.rows = 9;
	layout_compute(&in, &l);
	assert_true(l.too_small);
	in.cols = LAYOUT_MIN_COLS;
	in.rows = LAYOUT_MIN_ROWS;
	layout_compute(&in, &l);
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
	struct layout_input in = { .cols = 80,
				   .rows = 24,
				   .value_len = 4,
				   .details_len = 40,
				   .nfields = 13,
				   .nprocs = -1,
				   .text_rows = 1 };
	layout_compute(&in, &l);
	check_rows(&l);
	assert_true(l.big);
	assert_int_equal(l.value_h, 3);
	assert_int_equal(l.details_x, 4 * 4 - 1 + 3);
	assert_int_equal(l.info_cols, 2);
	assert_int_equal(l.info_colw, 40);
	assert_int_equal(l.info_rows, 7);
	assert_int_equal(l.panel_h, 0);
	/* 50x15: plain value, one column, the most important fields first. */
	in.cols = 50;
	in.rows = 15;
	layout_compute(&in, &l);
	check_rows(&l);
	assert_false(l.big);
	assert_int_equal(l.info_cols, 1);
	assert_int_equal(l.info_rows, 15 - 8);
	assert_int_equal(l.details_x, 6);
	/* 40x10: the minimum still shows two fields. */
	in.cols = 40;
	in.rows = 10;
	layout_compute(&in, &l);
	check_rows(&l);
	assert_int_equal(l.info_rows, 2);
	/* Wide: three columns; 20 digits (79 cells) + 3 + 40 fit in 130. */
	in.cols = 130;
	in.rows = 40;
	in.value_len = 20;
	layout_compute(&in, &l);
	check_rows(&l);
	assert_int_equal(l.info_cols, 3);
	assert_int_equal(l.info_rows, 5);
	assert_true(l.big);
}

static void test_big_needs_room(void **state)
{
	(void)state;
	struct layout l;
	struct layout_input in = { .cols = 100,
				   .rows = 40,
				   .value_len = 20,
				   .details_len = 40,
				   .nfields = 13,
				   .nprocs = -1,
				   .text_rows = 1 };
	layout_compute(&in, &l); /* 79 + 3 + 40 > 100 */
	assert_false(l.big);
	in.cols = 60;
	in.value_len = 10;
	layout_compute(&in, &l); /* 39 + 3 + 40 > 60 */
	assert_false(l.big);
	in.cols = 80;
	in.rows = 16;
	in.value_len = 4;
	layout_compute(&in, &l); /* rows: 7 + 3 + 7 > 16 */
	assert_false(l.big);
	check_rows(&l);
	/* waiting: no value, no fields */
	in = (struct layout_input){ .cols = 80, .rows = 24, .nprocs = -1, .text_rows = 1 };
	layout_compute(&in, &l);
	assert_false(l.big);
	assert_int_equal(l.info_rows, 0);
	check_rows(&l);
}

static void test_procs_and_graph(void **state)
{
	(void)state;
	struct layout l;
	/* 120x40, two processes: all listed, the graph at its full height,
	 * half the screen. */
	struct layout_input in = { .cols = 120,
				   .rows = 40,
				   .value_len = 4,
				   .details_len = 40,
				   .nfields = 13,
				   .nprocs = 2,
				   .text_rows = 1 };
	layout_compute(&in, &l);
	check_rows(&l);
	assert_true(l.procs_sep_y > l.info_y);
	assert_int_equal(l.procs_rows, 3);
	assert_int_equal(l.graph_h, 20);
	assert_true(l.axis_y >= 0);
	/* 80x24: both processes still, a smaller graph with its axis. */
	in.cols = 80;
	in.rows = 24;
	layout_compute(&in, &l);
	check_rows(&l);
	assert_int_equal(l.procs_rows, 3);
	assert_true(l.graph_h >= 2);
	assert_true(l.axis_y >= 0);
	/* Many processes: the graph keeps four rows, the rest are listed. */
	in.cols = 120;
	in.rows = 40;
	in.nprocs = 100;
	layout_compute(&in, &l);
	check_rows(&l);
	assert_int_equal(l.graph_h, 4);
	assert_true(l.procs_rows > 10);
	/* 40x10: no room for the panel. */
	in.cols = 40;
	in.rows = 10;
	in.nprocs = 2;
	layout_compute(&in, &l);
	check_rows(&l);
	assert_int_equal(l.procs_sep_y, -1);
}

static void test_panels(void **state)
{
	(void)state;
	struct layout_input in = { .cols = 120,
				   .rows = 40,
				   .value_len = 3,
				   .details_len = 40,
				   .nfields = 13,
				   .nprocs = 2,
				   .text_rows = 1 };
	struct layout base, l;
	layout_compute(&in, &base);
	assert_int_equal(base.panel_h, 0); /* none wanted */
	in.panel_want = 100;
	in.graph_min = 4;
	layout_compute(&in, &l);
	check_rows(&l);
	int k = l.panel_h;
	assert_true(k >= LAYOUT_PANEL_MIN_ROWS);
	assert_int_equal(l.panel_y, 40 - k - 1);
	assert_int_equal(l.footer_y, 39);
	assert_int_equal(l.big, base.big);
	assert_int_equal(l.info_rows, base.info_rows);
	assert_int_equal(l.procs_rows, base.procs_rows);
	assert_true(l.graph_h >= 4);
	/* the dashboard ends above the panels: graph and axis above row 40-k-1 */
	assert_true(l.graph_y + l.graph_h <= 40 - k - 1);
	assert_true(l.axis_y < 40 - k - 1);
	/* no more than asked for */
	in.panel_want = 5;
	layout_compute(&in, &l);
	assert_int_equal(l.panel_h, 5);
	check_rows(&l);
	/* below the minimum: none, and the dashboard as without panels */
	in.panel_want = 2;
	layout_compute(&in, &l);
	assert_int_equal(l.panel_h, 0);
	assert_memory_equal(&l, &base, sizeof l);
	/* too small: none, and the layout says so */
	in.cols = 30;
	in.rows = 8;
	in.panel_want = 100;
	layout_compute(&in, &l);
	assert_int_equal(l.panel_h, 0);
	assert_true(l.too_small);
}

/* The counters table (panel_first) comes before the fields and processes,
 * as long as the dashboard keeps its minimum; then more rows as before. */
static void test_panel_first(void **state)
{
	(void)state;
	struct layout_input in = { .cols = 80,
				   .rows = 24,
				   .value_len = 3,
				   .details_len = 40,
				   .nfields = 13,
				   .nprocs = 2,
				   .text_rows = 1,
				   .panel_want = 14 + 256,
				   .graph_min = 4 };
	struct layout l;
	layout_compute(&in, &l);
	assert_int_equal(l.panel_h, 0); /* no room without panel_first */
	in.panel_first = 12;
	layout_compute(&in, &l);
	check_rows(&l);
	assert_int_equal(l.panel_h, 12);
	assert_int_equal(l.panel_y, 24 - 12 - 1);
	/* never below the dashboard's minimum */
	in.panel_first = 20;
	layout_compute(&in, &l);
	check_rows(&l);
	assert_int_equal(l.panel_h, 24 - LAYOUT_MIN_ROWS);
	/* on a tall screen the panels take what they want and the rest */
	in.rows = 80;
	in.panel_first = 14;
	layout_compute(&in, &l);
	check_rows(&l);
	assert_true(l.panel_h > 14);
	assert_true(l.info_rows > 0 && l.procs_rows > 0);
	/* panel_first below the minimum panel: as without it */
	struct layout base;
	in.rows = 24;
	in.panel_first = 0;
	layout_compute(&in, &base);
	in.panel_first = 2;
	layout_compute(&in, &l);
	assert_memory_equal(&l, &base, sizeof l);
}

/* A tall screen's spare rows go to the graph, up to half the screen but
 * a few log lines, before the event log: at 200x60 the graph has 25 rows
 * and the log the rest (it had 8 and 30); at 120x40 15 rows. */
static void test_graph_before_log(void **state)
{
	(void)state;
	assert_int_equal(layout_graph_rows(10), LAYOUT_GRAPH_ROWS);
	assert_int_equal(layout_graph_rows(24), 12);
	assert_int_equal(layout_graph_rows(61), 30);
	struct layout_input in = { .cols = 200,
				   .rows = 60,
				   .value_len = 3,
				   .details_len = 40,
				   .nfields = 13,
				   .nprocs = 2,
				   .text_rows = 1,
				   .panel_want = 64,
				   .graph_min = layout_graph_keep(60) };
	struct layout l;
	layout_compute(&in, &l);
	check_rows(&l);
	assert_int_equal(l.graph_h, 25);
	assert_true(l.panel_h >= LAYOUT_LOG_ROWS);
	assert_true(l.graph_y + l.graph_h <= l.panel_y);
	in.cols = 120;
	in.rows = 40;
	in.graph_min = layout_graph_keep(40);
	layout_compute(&in, &l);
	check_rows(&l);
	assert_int_equal(l.graph_h, 15);
	assert_true(l.panel_h >= LAYOUT_LOG_ROWS);
	/* a short screen: the graph as before */
	in.cols = 80;
	in.rows = 24;
	in.graph_min = layout_graph_keep(24);
	assert_int_equal(in.graph_min, LAYOUT_GRAPH_KEEP);
	struct layout base;
	layout_compute(&in, &l);
	in.panel_want = 0;
	layout_compute(&in, &base);
	assert_int_equal(l.graph_h, base.graph_h);
}

static void test_panels_no_room(void **state)
{
	(void)state;
	struct layout_input in = { .cols = 70,
				   .rows = 16,
				   .value_len = 3,
				   .details_len = 40,
				   .nfields = 13,
				   .nprocs = 2,
				   .text_rows = 1,
				   .panel_want = 100,
				   .graph_min = 12 };
	struct layout l;
	/* a small screen that needs every row keeps them */
	layout_compute(&in, &l);
	assert_int_equal(l.panel_h, 0);
	assert_int_equal(l.footer_y, 15);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_too_small),        cmocka_unit_test(test_sizes),
		cmocka_unit_test(test_big_needs_room),   cmocka_unit_test(test_procs_and_graph),
		cmocka_unit_test(test_graph_before_log), cmocka_unit_test(test_panels),
		cmocka_unit_test(test_panels_no_room),   cmocka_unit_test(test_panel_first),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
