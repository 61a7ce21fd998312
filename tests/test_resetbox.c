/* SPDX-License-Identifier: MIT */
/*
 * The reset's confirmation: the count, the writer, and the viewers (the
 * attached processes but the writer and this viewer), escaped.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "resetbox.h"

static void add(struct attached *a, pid_t pid, const char *cmd)
{
	struct attached_proc *p = &a->procs[a->n++];
	p->pid = pid;
	snprintf(p->user, sizeof p->user, "root");
	snprintf(p->command, sizeof p->command, "%s", cmd);
	a->total = a->n;
}

static void test_viewers(void **state)
{
	(void)state;
	static struct attached a;
	static struct content c;
	struct objlist_view_box b;
	c.status.pid = 100;
	struct model_input in = { .content = &c, .self_pid = 300 };
	resetbox_build(&in, "1234", &b);
	assert_string_equal(b.line[1], "now 1234, writer pid 100");
	assert_string_equal(b.line[2], "other viewers: not scanned yet");
	in.att = &a;
	add(&a, 100, "shmwriter");
	add(&a, 200, "shmtop -k 7\x1b[2J");
	add(&a, 300, "shmtop");
	resetbox_build(&in, "1234", &b);
	assert_true(b.removable);
	assert_string_equal(b.line[0], "Reset the count to 0?");
	assert_string_equal(b.line[2], "other viewers attached: 1, who see it too:");
	assert_string_equal(b.line[3], "      200 root       shmtop -k 7\\x1b[2J");
	assert_string_equal(b.line[4], "y reset, any other key cancels");
	assert_int_equal(b.n, 5);
	/* the writer alone: nobody else */
	a.n = 1;
	resetbox_build(&in, "", &b);
	assert_string_equal(b.line[1], "now ?, writer pid 100");
	assert_string_equal(b.line[2], "other viewers attached: 0");
	/* many: the box stays within its lines */
	a.n = 0;
	for (int i = 0; i < 20; i++)
		add(&a, 1000 + i, "viewer");
	resetbox_build(&in, "9", &b);
	assert_true(b.n <= OBJLIST_VIEW_BOX_LINES);
	assert_string_equal(b.line[2], "other viewers attached: 20, who see it too:");
	assert_string_equal(b.line[9], "  and 14 more");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_viewers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
