/* SPDX-License-Identifier: MIT */
/*
 * The pure parts of the mqueue kind (objlist_mqueue.h): a queue's file
 * text, an fd's link, the mqueue mounts of mountinfo.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/sysmacros.h>

#include <cmocka.h>

#include "objlist_mqueue.h"

/* The kernel's text, as a queue with 7 bytes on it reads. */
static void test_parse_real(void **state)
{
	(void)state;
	static const char text[] = "QSIZE:7          NOTIFY:2     SIGNO:10    NOTIFY_PID:4242  \n";
	struct objlist_mqueue_info q;
	assert_int_equal(objlist_mqueue_parse(text, strlen(text), &q), 0);
	assert_int_equal(q.qsize, 7);
	assert_int_equal(q.notify, 2);
	assert_int_equal(q.signo, 10);
	assert_int_equal(q.notify_pid, 4242);
	/* only the first n bytes count: cut before QSIZE's digits, none */
	assert_int_equal(objlist_mqueue_parse(text, 6, &q), -1);
	assert_int_equal(objlist_mqueue_parse(text, 7, &q), 0);
	assert_int_equal(q.qsize, 7);
}

static void test_parse_garbage(void **state)
{
	(void)state;
	struct objlist_mqueue_info q;
	static const char *const bad[] = {
		"",        "QSIZE:",   "QSIZE: 7",         "QSIZE:-1",
		"qsize:7", "XQSIZE:7", "NOTIFY:1 SIGNO:2", "\0QSIZE:7",
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		assert_int_equal(objlist_mqueue_parse(bad[i], strlen(bad[i]), &q), -1);
	/* NUL bytes in the text are not its end; a field past them still counts */
	static const char nul[] = "junk\0 QSIZE:5";
	assert_int_equal(objlist_mqueue_parse(nul, sizeof nul - 1, &q), 0);
	assert_int_equal(q.qsize, 5);
}

/* A number past UINT64_MAX saturates; NOTIFY and SIGNO are clamped. */
static void test_parse_huge(void **state)
{
	(void)state;
	struct objlist_mqueue_info q;
	static const char max[] = "QSIZE:18446744073709551615 NOTIFY:99999999999 SIGNO:4294967297";
	assert_int_equal(objlist_mqueue_parse(max, strlen(max), &q), 0);
	assert_true(q.qsize == UINT64_MAX);
	assert_int_equal(q.notify, 9);
	assert_int_equal(q.signo, 1024);
	static const char over[] = "QSIZE:99999999999999999999999999999999";
	assert_int_equal(objlist_mqueue_parse(over, strlen(over), &q), 0);
	assert_true(q.qsize == UINT64_MAX);
	static const char one_more[] = "QSIZE:18446744073709551616";
	assert_int_equal(objlist_mqueue_parse(one_more, strlen(one_more), &q), 0);
	assert_true(q.qsize == UINT64_MAX);
}

static void test_link(void **state)
{
	(void)state;
	char name[256];
	bool deleted = true;
	assert_true(objlist_mqueue_link("/jobs", name, sizeof name, &deleted));
	assert_string_equal(name, "jobs");
	assert_false(deleted);
	assert_true(objlist_mqueue_link("/jobs (deleted)", name, sizeof name, &deleted));
	assert_string_equal(name, "jobs");
	assert_true(deleted);
	assert_true(objlist_mqueue_link("/a\nb c", name, sizeof name, &deleted));
	assert_string_equal(name, "a\nb c");
	static const char *const no[] = {
		"/",
		"",
		"jobs",
		"/dev/null",
		"/memfd:x (deleted)",
		"/tmp/x",
		"socket:[1234]",
		"pipe:[5]",
		"anon_inode:[eventfd]",
		"/.",
		"/..",
		"//x",
		"/x/",
	};
	for (size_t i = 0; i < sizeof no / sizeof *no; i++)
		assert_false(objlist_mqueue_link(no[i], name, sizeof name, &deleted));
	/* a name that does not fit is not cut */
	assert_false(objlist_mqueue_link("/abcdef", name, 6, &deleted));
	assert_true(objlist_mqueue_link("/abcde", name, 6, &deleted));
}

static void test_mounts(void **state)
{
	(void)state;
	static const char text[] = "22 1 0:21 / / rw,relatime shared:1 - ext4 /dev/sda1 rw\n"
				   "66 46 0:20 / /tmp/q\\040x rw,relatime - mqueue none rw\n"
				   "67 46 0:40 / /srv/mq rw shared:7 master:2 - mqueue mqueue rw\n"
				   "68 46 0:19 / /dev/mqueue rw,nosuid - mqueue mqueue rw\n"
				   "69 46 0:50 / /x rw - tmpfs mqueue rw\n"
				   "garbage line\n"
				   "70 46 0:51 / /y rw - mqueuex none rw";
	struct objlist_mqueue_mount m[8];
	size_t n = objlist_mqueue_mounts(text, m, 8);
	assert_int_equal(n, 3);
	assert_string_equal(m[0].dir, "/dev/mqueue");
	assert_true(m[0].dev == makedev(0, 19));
	assert_string_equal(m[1].dir, "/tmp/q x");
	assert_true(m[1].dev == makedev(0, 20));
	assert_string_equal(m[2].dir, "/srv/mq");
	/* room for one: /dev/mqueue still first */
	assert_int_equal(objlist_mqueue_mounts(text, m, 1), 1);
	assert_string_equal(m[0].dir, "/dev/mqueue");
	assert_int_equal(objlist_mqueue_mounts("", m, 8), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_real), cmocka_unit_test(test_parse_garbage),
		cmocka_unit_test(test_parse_huge), cmocka_unit_test(test_link),
		cmocka_unit_test(test_mounts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
