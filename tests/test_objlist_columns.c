/* SPDX-License-Identifier: MIT */
/* The object list's column table (objlist_columns.h): every column named,
 * titled where shown and described; --sort by every column's name; the
 * list's keys and --sort agree on direction; the man page and the bash
 * completion name every column. */
#include <ctype.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cmocka.h>

#include "objlist_columns.h"
#include "objlist_view.h"

static void test_every_column_described(void **state)
{
	(void)state;
	for (int i = 0; i < OBJLIST_NCOLS; i++) {
		const struct objlist_column *c = &objlist_columns[i];
		assert_non_null(c->name);
		assert_non_null(c->help);
		assert_true(strlen(c->help) > 3);
		assert_true((c->title != NULL) == (c->width > 0));
		assert_int_equal(objlist_column_find(c->name), i);
		for (int j = 0; j < i; j++)
			assert_true(strcasecmp(c->name, objlist_columns[j].name) != 0);
	}
	assert_int_equal(objlist_column_find("writer_pid"), OBJLIST_COL_WRITER_PID);
	assert_int_equal(objlist_column_find("speed"), -1);
}

static void test_every_column_sortable(void **state)
{
	(void)state;
	for (int i = 0; i < OBJLIST_NCOLS; i++) {
		char lower[32];
		size_t k = 0;
		for (; objlist_columns[i].name[k]; k++)
			lower[k] = (char)tolower((unsigned char)objlist_columns[i].name[k]);
		lower[k] = '\0';
		enum sysvipc_sort by = SYSVIPC_NSORTS, by2 = SYSVIPC_NSORTS;
		bool rev, rev2;
		assert_int_equal(objlist_sort_parse(objlist_columns[i].name, &by, &rev), 0);
		assert_int_equal(objlist_sort_parse(lower, &by2, &rev2), 0);
		assert_int_equal(by, objlist_columns[i].sort);
		assert_int_equal(by2, by);
		assert_int_equal(rev2, rev);
		assert_true(by < SYSVIPC_NSORTS);
		assert_string_not_equal(sysvipc_sort_name(by), "?");
	}
	/* every sort, by its own name too */
	for (int k = 0; k < SYSVIPC_NSORTS; k++) {
		enum sysvipc_sort by;
		bool rev;
		assert_int_equal(
		    objlist_sort_parse(sysvipc_sort_name((enum sysvipc_sort)k), &by, &rev), 0);
		assert_int_equal(by, k);
	}
	enum sysvipc_sort by;
	bool rev;
	assert_int_equal(objlist_sort_parse("speed", &by, &rev), -1);
	assert_int_equal(objlist_sort_parse("", &by, &rev), -1);
}

static void test_sort_directions(void **state)
{
	(void)state;
	enum sysvipc_sort by, key_by;
	bool rev;
	/* --sort rss starts as m does: biggest first */
	assert_int_equal(objlist_sort_parse("rss", &by, &rev), 0);
	assert_int_equal(objlist_view_sort_key('m', &key_by), 0);
	assert_int_equal(by, key_by);
	assert_true(rev);
	assert_true(objlist_view_sort_reverse(key_by));
	/* every key of the list and --sort by that column agree */
	for (int i = 0; i < OBJLIST_NCOLS; i++) {
		if (!objlist_columns[i].key)
			continue;
		assert_int_equal(objlist_view_sort_key(objlist_columns[i].key, &key_by), 0);
		assert_int_equal(objlist_sort_parse(objlist_columns[i].name, &by, &rev), 0);
		assert_int_equal(by, key_by);
		assert_int_equal(rev, objlist_view_sort_reverse(key_by));
	}
	/* --sort id: the shmid, smallest first, as -o's ID */
	assert_int_equal(objlist_sort_parse("id", &by, &rev), 0);
	assert_int_equal(by, SYSVIPC_SORT_SHMID);
	assert_false(rev);
	assert_int_equal(objlist_sort_parse("size", &by, &rev), 0);
	assert_true(rev);
	assert_int_equal(objlist_sort_parse("age", &by, &rev), 0);
	assert_int_equal(by, SYSVIPC_SORT_AGE);
	assert_false(rev); /* youngest first */
	char keys[128];
	assert_string_equal(objlist_sort_keys(keys, sizeof keys),
			    "key, shmid, owner, age, size, nattch, rss");
}

/* The rows of an object list sort by the keys past rss too. */
static void test_objlist_sorts_new_keys(void **state)
{
	(void)state;
	struct objlist_row rows[3];
	memset(rows, 0, sizeof rows);
	rows[0].kind = OBJLIST_POSIX;
	snprintf(rows[0].name, sizeof rows[0].name, "/b");
	rows[1].kind = OBJLIST_SYSV;
	rows[1].shm.st.cpid = 20;
	rows[2].kind = OBJLIST_SYSV;
	rows[2].shm.st.cpid = 10;
	snprintf(rows[2].command, sizeof rows[2].command, "zed");
	struct objlist s = { .rows = rows, .max = 3, .n = 3 };
	objlist_sort(&s, SYSVIPC_SORT_CPID, false);
	assert_int_equal(rows[0].kind, OBJLIST_POSIX); /* cpid 0 */
	assert_int_equal(rows[1].shm.st.cpid, 10);
	assert_int_equal(rows[2].shm.st.cpid, 20);
	objlist_sort(&s, SYSVIPC_SORT_CPID, true);
	assert_int_equal(rows[0].shm.st.cpid, 20);
	objlist_sort(&s, SYSVIPC_SORT_NAME, true);
	assert_string_equal(rows[0].name, "/b");
	objlist_sort(&s, SYSVIPC_SORT_COMMAND, true);
	assert_string_equal(rows[0].command, "zed");
}

static char *slurp(const char *rel)
{
	char path[512];
	snprintf(path, sizeof path, "%s/%s", SOURCE_DIR, rel);
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	static char buf[2][1 << 17];
	static int which;
	char *b = buf[which++ & 1];
	size_t n = fread(b, 1, sizeof buf[0] - 1, f);
	b[n] = '\0';
	fclose(f);
	return b;
}

/* Is word in text as a whole word (not inside a longer name)? */
static bool has_word(const char *text, const char *word)
{
	size_t n = strlen(word);
	for (const char *p = text; (p = strstr(p, word)); p++) {
		bool before = p == text || !(p[-1] == '_' || (p[-1] >= 'A' && p[-1] <= 'Z') ||
					     (p[-1] >= 'a' && p[-1] <= 'z'));
		char a = p[n];
		bool after = !(a == '_' || (a >= 'A' && a <= 'Z') || (a >= 'a' && a <= 'z'));
		if (before && after)
			return true;
	}
	return false;
}

/* The man page's -o paragraph and the completion of -o and --sort name
 * every column. */
static void test_man_and_completion(void **state)
{
	(void)state;
	const char *man = slurp("assets/shmtop.1");
	const char *comp = slurp("assets/shmtop.bash-completion");
	const char *o = strstr(man, "\\-\\-output \" \" \\fICOLUMNS\\fR");
	assert_non_null(o);
	const char *cols = strstr(comp, "_shmtop_columns()");
	const char *sort = strstr(comp, "--sort)");
	assert_non_null(cols);
	assert_non_null(sort);
	char lower[32];
	for (int i = 0; i < OBJLIST_NCOLS; i++) {
		const char *name = objlist_columns[i].name;
		if (!has_word(o, name))
			fail_msg("shmtop.1's -o does not name %s", name);
		if (!has_word(cols, name))
			fail_msg("the completion of -o does not offer %s", name);
		size_t k = 0;
		for (; name[k]; k++)
			lower[k] = (char)tolower((unsigned char)name[k]);
		lower[k] = '\0';
		if (!has_word(sort, lower))
			fail_msg("the completion of --sort does not offer %s", lower);
	}
	for (int k = 0; k < SYSVIPC_NSORTS; k++)
		if (!has_word(sort, sysvipc_sort_name((enum sysvipc_sort)k)))
			fail_msg("the completion of --sort does not offer %s",
				 sysvipc_sort_name((enum sysvipc_sort)k));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_column_described),
		cmocka_unit_test(test_every_column_sortable),
		cmocka_unit_test(test_sort_directions),
		cmocka_unit_test(test_objlist_sorts_new_keys),
		cmocka_unit_test(test_man_and_completion),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
