/* SPDX-License-Identifier: MIT */
/* The all-segments screen's model: selection, scrolling, columns, rows. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "listview.h"

static void test_selection_and_window(void **state)
{
	(void)state;
	struct listview v = { 0 };
	listview_fit(&v, 0, 5);
	assert_int_equal(v.sel, 0);
	listview_move(&v, 3);
	assert_int_equal(v.sel, 0);
	listview_fit(&v, 20, 5);
	listview_move(&v, 1);
	assert_int_equal(v.sel, 1);
	assert_int_equal(v.top, 0);
	listview_move(&v, 4); /* one past the window: scrolls one */
	assert_int_equal(v.sel, 5);
	assert_int_equal(v.top, 1);
	listview_move(&v, 100); /* End */
	assert_int_equal(v.sel, 19);
	assert_int_equal(v.top, 15);
	listview_move(&v, -5); /* PgUp */
	assert_int_equal(v.sel, 14);
	assert_int_equal(v.top, 14);
	listview_move(&v, -100); /* Home */
	assert_int_equal(v.sel, 0);
	assert_int_equal(v.top, 0);
	/* rows going away keep the selection on a row, the window full */
	listview_select(&v, 19);
	listview_fit(&v, 8, 5);
	assert_int_equal(v.sel, 7);
	assert_int_equal(v.top, 3);
	/* a taller window shows from the top */
	listview_fit(&v, 8, 10);
	assert_int_equal(v.top, 0);
	assert_int_equal(v.sel, 7);
	/* no room at all */
	listview_fit(&v, 8, 0);
	assert_int_equal(v.sel, 7);
}

static void test_find(void **state)
{
	(void)state;
	struct inventory_row rows[3];
	memset(rows, 0, sizeof rows);
	rows[0].shm.st.shmid = 7;
	rows[1].shm.st.shmid = 3;
	rows[2].shm.st.shmid = 9;
	assert_int_equal(listview_find(rows, 3, 3), 1);
	assert_int_equal(listview_find(rows, 3, 4), 3);
}

static void test_columns(void **state)
{
	(void)state;
	struct listview_cols c;
	char buf[256];
	listview_columns(200, &c);
	for (int i = 0; i < LISTVIEW_NCOLS; i++)
		assert_true(c.shown[i]);
	assert_int_equal(c.width[LISTVIEW_COMMAND], 32); /* stretched, up to its most */
	assert_string_equal(listview_header(&c, buf, sizeof buf),
			    "KEY        SHMID      OWNER      PERMS        SIZE NATTCH STATUS"
			    "         CPID    LPID CTIME    COMMAND");
	listview_columns(105, &c);
	assert_true(c.shown[LISTVIEW_COMMAND]);
	assert_int_equal(c.total, 105);
	listview_columns(90, &c); /* LPID, CPID go */
	assert_false(c.shown[LISTVIEW_LPID] || c.shown[LISTVIEW_CPID]);
	assert_true(c.shown[LISTVIEW_CTIME] && c.shown[LISTVIEW_COMMAND]);
	assert_true(c.total <= 90);
	listview_columns(80, &c); /* then CTIME */
	assert_false(c.shown[LISTVIEW_CTIME]);
	assert_true(c.shown[LISTVIEW_PERMS] && c.shown[LISTVIEW_COMMAND]);
	assert_true(c.total <= 80);
	listview_columns(40, &c); /* down to the essentials */
	assert_true(c.shown[LISTVIEW_KEY] && c.shown[LISTVIEW_SHMID] && c.shown[LISTVIEW_SIZE] &&
		    c.shown[LISTVIEW_NATTCH]);
	assert_true(c.total <= 40);
	assert_string_equal(listview_header(&c, buf, sizeof buf),
			    "KEY        SHMID         SIZE NATTCH");
	for (int w = 0; w < 300; w++) { /* never wider than asked, once it can be */
		listview_columns(w, &c);
		if (w >= 36)
			assert_true(c.total <= w);
	}
}

static void test_row(void **state)
{
	(void)state;
	struct inventory_row r;
	memset(&r, 0, sizeof r);
	r.shm.st = (struct ipcstat){ .shmid = 42,
				     .key = 0x2537,
				     .size = 2048,
				     .mode = 0640,
				     .dest = true,
				     .cpid = 100,
				     .lpid = 200,
				     .nattch = 3 };
	snprintf(r.owner, sizeof r.owner, "root");
	snprintf(r.command, sizeof r.command, "shmwriter");
	struct listview_cols c;
	char buf[256];
	listview_columns(200, &c);
	assert_string_equal(listview_row(&c, &r, 0, buf, sizeof buf),
			    "0x00002537 42         root       rw-r-----    2.0K      3 dest"
			    "            100     200 -        shmwriter");
	r.command[0] = '\0';
	listview_columns(40, &c);
	assert_string_equal(listview_row(&c, &r, 0, buf, sizeof buf),
			    "0x00002537 42            2.0K      3");
	/* a small buffer is cut, never overrun */
	char tiny[12];
	listview_row(&c, &r, 0, tiny, sizeof tiny);
	assert_string_equal(tiny, "0x00002537");
}

static void test_heading_footer_keys(void **state)
{
	(void)state;
	struct inventory s;
	memset(&s, 0, sizeof s);
	s.res.totals =
	    (struct sysvipc_totals){ .segments = 4, .bytes = 8192, .nattch = 5, .dest = 1 };
	s.limits = (struct sysvipc_limits){ .shmmni = 4096,
					    .shmall = 1000,
					    .shmmax = 65536,
					    .have_shmmni = true,
					    .have_shmall = true,
					    .have_shmmax = true };
	s.page_size = 4096;
	char buf[256];
	assert_non_null(strstr(listview_heading(&s, 0, buf, sizeof buf),
			       "4 segments, 8.0K, 5 attaches, 1 dest, 0 locked"));
	assert_string_equal(
	    listview_heading(&s, 1, buf, sizeof buf),
	    "SHMMNI 4 of 4096 (0.10%)  SHMALL 2 of 1000 pages (0.20%)  SHMMAX 65536");
	assert_non_null(
	    strstr(listview_footer(SYSVIPC_SORT_SIZE, true, buf, sizeof buf), "sort: size v"));
	assert_non_null(strstr(buf, "s size n nattch t age o owner k key i shmid"));
	enum sysvipc_sort by;
	assert_int_equal(listview_sort_key('t', &by), 0);
	assert_int_equal(by, SYSVIPC_SORT_AGE);
	assert_int_equal(listview_sort_key('i', &by), 0);
	assert_int_equal(by, SYSVIPC_SORT_SHMID);
	assert_int_equal(listview_sort_key('x', &by), -1);
	assert_true(listview_sort_reverse(SYSVIPC_SORT_NATTCH));
	assert_false(listview_sort_reverse(SYSVIPC_SORT_KEY));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_selection_and_window),
		cmocka_unit_test(test_find),
		cmocka_unit_test(test_columns),
		cmocka_unit_test(test_row),
		cmocka_unit_test(test_heading_footer_keys),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
