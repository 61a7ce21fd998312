/* SPDX-License-Identifier: MIT */
/* User and group names: known and unknown ids, the table's answers, the
 * look-up that grows its buffer on ERANGE, and the table answering without
 * reading /etc/passwd again. */
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include <cmocka.h>

#include "names.h"
#include "testutil.h"

static char buf[64];

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(names_user(0, buf, sizeof buf), "root");
	assert_string_equal(names_group(0, buf, sizeof buf), "root");
	assert_string_equal(names_user(4000000001u, buf, sizeof buf), "4000000001");
	assert_string_equal(names_group(4000000001u, buf, sizeof buf), "4000000001");
	assert_string_equal(names_user(0, buf, 3), "ro"); /* truncates, terminated */
	assert_string_equal(names_user(4000000001u, buf, 3), "40");
}

/* Asked again and again, more ids than the table holds, users and groups
 * (uid 4 and gid 4 need not share a name): the table answers as the
 * look-up does. */
static void test_table(void **state)
{
	(void)state;
	char want[64];
	for (int round = 0; round < 3; round++)
		for (unsigned id = 0; id < (round == 1 ? 200 : 20); id++) {
			assert_int_equal(names_lookup(NAMES_PASSWD, id, 1024, want, sizeof want),
					 0);
			assert_string_equal(names_user(id, buf, sizeof buf), want);
			assert_int_equal(names_lookup(NAMES_GROUP, id, 1024, want, sizeof want), 0);
			assert_string_equal(names_group(id, buf, sizeof buf), want);
		}
}

/* A first buffer far too small: the look-up grows it until the entry fits. */
static void test_erange(void **state)
{
	(void)state;
	assert_int_equal(names_lookup(NAMES_PASSWD, 0, 1, buf, sizeof buf), 0);
	assert_string_equal(buf, "root");
	assert_int_equal(names_lookup(NAMES_GROUP, 0, 1, buf, sizeof buf), 0);
	assert_string_equal(buf, "root");
	assert_int_equal(names_lookup(NAMES_PASSWD, 4000000001u, 1, buf, sizeof buf), 0);
	assert_string_equal(buf, "4000000001");
}

/* Once looked up, a name comes from the table: a child that hides
 * /etc/passwd and /etc/group (empty files bound over them, in a mount
 * namespace of its own) still gets uid 1's and gid 1's names ("daemon" on
 * Debian; not root's, which systemd's NSS module makes up), though a look-up
 * now finds no one.  Skipped where that cannot be set up (not root), or
 * where those names do not come from those files. */
static void test_kept(void **state)
{
	(void)state;
	char u[64], g[64], now[64];
	if (!strcmp(names_user(1, u, sizeof u), "1") || !strcmp(names_group(1, g, sizeof g), "1"))
		skip();
	pid_t child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		if (unshare(CLONE_NEWNS) || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) ||
		    mount("/dev/null", "/etc/passwd", NULL, MS_BIND, NULL) ||
		    mount("/dev/null", "/etc/group", NULL, MS_BIND, NULL))
			_exit(77);
		if (names_lookup(NAMES_PASSWD, 1, 1024, now, sizeof now) || strcmp(now, "1") ||
		    names_lookup(NAMES_GROUP, 1, 1024, now, sizeof now) || strcmp(now, "1"))
			_exit(77);
		if (strcmp(names_user(1, now, sizeof now), u))
			_exit(1);
		_exit(strcmp(names_group(1, now, sizeof now), g) ? 1 : 0);
	}
	int code = exit_code(child, 10000);
	if (code == 77) /* could not set up */
		skip();
	assert_int_equal(code, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_erange),
		cmocka_unit_test(test_kept),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
