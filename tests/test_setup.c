/* SPDX-License-Identifier: MIT */
/* The setup screen's logic: its rows and their values, stepping each
 * value, and the columns' checklist. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "settings.h"
#include "setup.h"

static struct setup opened(void)
{
	struct setup_values v = {
		.sort = SYSVIPC_SORT_SIZE,
		.reverse = true,
		.delay = 5,
		.color = true,
	};
	struct setup s;
	setup_init(&s, &v);
	return s;
}

static const char *value(const struct setup *s, enum setup_row r)
{
	static char buf[256];
	return setup_row_value(s, r, buf, sizeof buf);
}

static void test_rows_and_values(void **state)
{
	(void)state;
	struct setup s = opened();
	assert_int_equal(s.sel, SETUP_SORT);
	assert_string_equal(setup_row_name(SETUP_SORT), "Sort column");
	assert_string_equal(setup_row_name(SETUP_MOUSE), "Mouse");
	assert_string_equal(value(&s, SETUP_SORT), "SIZE");
	assert_string_equal(value(&s, SETUP_ORDER), "descending (biggest first)");
	assert_string_equal(value(&s, SETUP_DELAY), "0.5 s");
	assert_string_equal(value(&s, SETUP_GRAPH), "value");
	assert_string_equal(value(&s, SETUP_COLUMNS), "KEY,ID,KIND,OWNER,PERMS,SIZE,RSS,SWAP,"
						      "NATTCH,STATUS,CPID,LPID,CTIME,COMMAND");
	assert_string_equal(value(&s, SETUP_COLOR), "on");
	assert_string_equal(value(&s, SETUP_MOUSE), "off");
	/* Up stops at the first row, Down at the last */
	assert_int_equal(setup_key(&s, SETUP_KEY_UP), 0);
	assert_int_equal(s.sel, SETUP_SORT);
	for (int i = 0; i < 20; i++)
		assert_int_equal(setup_key(&s, SETUP_KEY_DOWN), 0);
	assert_int_equal(s.sel, SETUP_MOUSE);
}

static void test_stepping(void **state)
{
	(void)state;
	struct setup s = opened();
	/* the sort through the list's columns, each in its first direction */
	assert_int_equal(setup_key(&s, SETUP_KEY_NEXT), SETTING_SORT | SETTING_ORDER);
	assert_string_equal(value(&s, SETUP_SORT), "RSS");
	assert_true(s.v.reverse);
	assert_int_equal(setup_key(&s, SETUP_KEY_PREV), SETTING_SORT | SETTING_ORDER);
	assert_int_equal(setup_key(&s, SETUP_KEY_PREV), SETTING_SORT | SETTING_ORDER);
	assert_int_equal(s.v.sort, SYSVIPC_SORT_PERMS);
	for (int i = 0; i < 4; i++) /* PERMS OWNER KIND ID, KEY */
		setup_key(&s, SETUP_KEY_PREV);
	assert_string_equal(value(&s, SETUP_SORT), "KEY/NAME");
	assert_false(s.v.reverse);
	setup_key(&s, SETUP_KEY_PREV); /* wraps to the last */
	assert_int_equal(s.v.sort, SYSVIPC_SORT_COMMAND);
	/* the direction */
	setup_key(&s, SETUP_KEY_DOWN);
	assert_int_equal(setup_key(&s, SETUP_KEY_NEXT), SETTING_ORDER);
	assert_true(s.v.reverse);
	/* the delay through + and -'s steps, stopping at the ends */
	setup_key(&s, SETUP_KEY_DOWN);
	assert_int_equal(setup_key(&s, SETUP_KEY_NEXT), SETTING_DELAY);
	assert_string_equal(value(&s, SETUP_DELAY), "1.0 s");
	for (int i = 0; i < 10; i++)
		setup_key(&s, SETUP_KEY_PREV);
	assert_int_equal(s.v.delay, 1);
	assert_int_equal(setup_key(&s, SETUP_KEY_PREV), 0);
	assert_int_equal(setup_delay_step(4, 1), 5); /* a -d between steps */
	assert_int_equal(setup_delay_step(4, -1), 3);
	assert_int_equal(setup_delay_step(600, 1), 600);
	/* the graph, colour, mouse: on and off */
	setup_key(&s, SETUP_KEY_DOWN);
	assert_int_equal(setup_key(&s, SETUP_KEY_NEXT), SETTING_GRAPH);
	assert_string_equal(value(&s, SETUP_GRAPH), "rate (per second)");
	setup_key(&s, SETUP_KEY_DOWN);
	setup_key(&s, SETUP_KEY_DOWN);
	assert_int_equal(setup_key(&s, SETUP_KEY_PREV), SETTING_COLOR);
	assert_false(s.v.color);
	setup_key(&s, SETUP_KEY_DOWN);
	assert_int_equal(setup_key(&s, SETUP_KEY_NEXT), SETTING_MOUSE);
	assert_true(s.v.mouse);
}

static void test_checklist(void **state)
{
	(void)state;
	struct setup_values v = { .sort = SYSVIPC_SORT_SIZE, .delay = 5 };
	assert_int_equal(objlist_view_pick_parse("SIZE,KEY", &v.pick), 0);
	struct setup s;
	setup_init(&s, &v);
	/* the picked columns first, on, then the others, off */
	assert_int_equal(s.col[0], OBJLIST_VIEW_SIZE);
	assert_int_equal(s.col[1], OBJLIST_VIEW_KEY);
	assert_int_equal(s.col[2], OBJLIST_VIEW_SHMID);
	assert_true(s.on[0] && s.on[1]);
	assert_false(s.on[2]);
	/* the sort steps over the picked columns only */
	assert_int_equal(setup_key(&s, SETUP_KEY_NEXT), SETTING_SORT | SETTING_ORDER);
	assert_int_equal(s.v.sort, SYSVIPC_SORT_KEY);
	setup_key(&s, SETUP_KEY_NEXT);
	assert_int_equal(s.v.sort, SYSVIPC_SORT_SIZE);
	/* Left on the columns row opens nothing, Right opens the checklist */
	s.sel = SETUP_COLUMNS;
	assert_int_equal(setup_key(&s, SETUP_KEY_PREV), 0);
	assert_false(s.checklist);
	assert_int_equal(setup_key(&s, SETUP_KEY_NEXT), 0);
	assert_true(s.checklist);
	/* Space turns one off, and on again in its place */
	assert_int_equal(setup_key(&s, SETUP_KEY_NEXT), SETTING_COLUMNS);
	assert_string_equal(value(&s, SETUP_COLUMNS), "KEY");
	assert_int_equal(setup_key(&s, SETUP_KEY_NEXT), SETTING_COLUMNS);
	assert_string_equal(value(&s, SETUP_COLUMNS), "SIZE,KEY");
	assert_int_equal(setup_key(&s, SETUP_KEY_DOWN), 0);
	assert_int_equal(setup_key(&s, SETUP_KEY_NEXT), SETTING_COLUMNS); /* KEY off */
	assert_string_equal(value(&s, SETUP_COLUMNS), "SIZE");
	setup_key(&s, SETUP_KEY_UP);
	assert_int_equal(setup_key(&s, SETUP_KEY_NEXT), 0); /* the last stays */
	assert_true(s.on[0]);
	/* F8 moves SIZE down past KEY (off): the order of the shown is the same */
	setup_key(&s, SETUP_KEY_DOWN);
	setup_key(&s, SETUP_KEY_NEXT); /* KEY on again */
	setup_key(&s, SETUP_KEY_DOWN);
	setup_key(&s, SETUP_KEY_DOWN);
	assert_int_equal(setup_key(&s, SETUP_KEY_NEXT), SETTING_COLUMNS); /* KIND on */
	assert_string_equal(value(&s, SETUP_COLUMNS), "SIZE,KEY,KIND");
	assert_int_equal(setup_key(&s, SETUP_KEY_MOVE_UP), 0); /* past SHMID, off */
	assert_int_equal(s.col_sel, 2);
	assert_int_equal(setup_key(&s, SETUP_KEY_MOVE_UP), SETTING_COLUMNS);
	assert_string_equal(value(&s, SETUP_COLUMNS), "SIZE,KIND,KEY");
	assert_int_equal(s.col_sel, 1);
	setup_key(&s, SETUP_KEY_MOVE_UP);
	assert_int_equal(setup_key(&s, SETUP_KEY_MOVE_UP), 0); /* the first already */
	assert_string_equal(value(&s, SETUP_COLUMNS), "KIND,SIZE,KEY");
	for (int i = 0; i < 30; i++)
		setup_key(&s, SETUP_KEY_DOWN);
	assert_int_equal(s.col_sel, OBJLIST_VIEW_NCOLS - 1);
	assert_int_equal(setup_key(&s, SETUP_KEY_MOVE_DOWN), 0);
	/* Esc closes it, the row stays on columns */
	assert_int_equal(setup_key(&s, SETUP_KEY_CLOSE), 0);
	assert_false(s.checklist);
	assert_int_equal(s.sel, SETUP_COLUMNS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rows_and_values),
		cmocka_unit_test(test_stepping),
		cmocka_unit_test(test_checklist),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
