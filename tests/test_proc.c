/* SPDX-License-Identifier: MIT */
/* /proc/PID/stat parsing: state, start time and CPU times, hostile command
 * names. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "proc.h"

#define TAIL " 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 "
#define HEAD " 1 2 3 4 5 6 7 8 9 10 " /* fields 4..13, before utime */

static void test_parse(void **state)
{
	(void)state;
	struct proc_stat_fields f = { 0 };
	/* fields 4..21 are 1..18 in TAIL (utime..cstime, 14..17, are 11..14);
	 * field 22 is the start time */
	assert_int_equal(proc_parse_stat("42 (cat) S" TAIL "987654 99 100\n", &f), 0);
	assert_int_equal(f.state, 'S');
	assert_int_equal(f.starttime, 987654);
	assert_int_equal(f.utime, 11);
	assert_int_equal(f.cstime, 14);
	/* a command name with spaces and ") R (" inside */
	assert_int_equal(proc_parse_stat("7 (a) R (b c) Z" TAIL "55\n", &f), 0);
	assert_int_equal(f.state, 'Z');
	assert_int_equal(f.starttime, 55);
	assert_int_equal(proc_parse_stat("", &f), -1);
	assert_int_equal(proc_parse_stat("42 (cat", &f), -1);
	assert_int_equal(proc_parse_stat("42 (cat) S 1 2 3", &f), -1);
	assert_int_equal(proc_parse_stat("42 (cat) S" TAIL "x\n", &f), -1);
	assert_int_equal(proc_parse_stat("42 (cat) S" TAIL "12x\n", &f), -1);
}

/* The CPU times (fields 14 to 17), each its own, behind a command name
 * holding ") (" and spaces; a time that is not a number fails the line. */
static void test_parse_cpu(void **state)
{
	(void)state;
	struct proc_stat_fields f = { 0 };
	assert_int_equal(proc_parse_stat("9 (x) (y z ) T" HEAD "4294967296000 5678 90 12"
					 " 15 16 17 18 424242 1 2\n",
					 &f),
			 0);
	assert_int_equal(f.state, 'T');
	assert_int_equal(f.utime, UINT64_C(4294967296000));
	assert_int_equal(f.stime, 5678);
	assert_int_equal(f.cutime, 90);
	assert_int_equal(f.cstime, 12);
	assert_int_equal(f.starttime, 424242);
	/* what the kernel writes: no spaces but between fields, the last one
	 * without a newline too */
	assert_int_equal(proc_parse_stat("9 () ( ) S" HEAD "3 4 5 6 15 16 17 18 7", &f), 0);
	assert_int_equal(f.state, 'S');
	assert_int_equal(f.utime + f.stime + f.cutime + f.cstime, 18);
	assert_int_equal(f.starttime, 7);
	assert_int_equal(proc_parse_stat("9 (x) S" HEAD "-1 4 5 6 15 16 17 18 7", &f), -1);
	assert_int_equal(proc_parse_stat("9 (x) S" HEAD "3 4 5 6x 15 16 17 18 7", &f), -1);
	assert_int_equal(f.starttime, 7); /* a line that fails changes nothing */
}

/* A child that spins until it has used 3 clock ticks of CPU: its parent
 * then reads them in cutime + cstime. */
static void test_children_cpu(void **state)
{
	(void)state;
	struct proc_stat_fields before, after;
	assert_int_equal(proc_read_stat(getpid(), &before), 0);
	pid_t child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		struct proc_stat_fields me;
		do
			if (proc_read_stat(getpid(), &me))
				_exit(1);
		while (me.utime + me.stime < 3);
		_exit(0);
	}
	int status;
	assert_int_equal(waitpid(child, &status, 0), child);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	assert_int_equal(proc_read_stat(getpid(), &after), 0);
	assert_true(after.cutime + after.cstime >= before.cutime + before.cstime + 3);
	assert_int_equal(after.starttime, before.starttime);
}

static void test_live_processes(void **state)
{
	(void)state;
	char st;
	uint64_t mine, again;
	assert_int_equal(proc_stat(getpid(), &st, &mine), 0);
	assert_int_equal(st, 'R');
	assert_int_equal(proc_alive(getpid(), mine), 1);
	assert_false(proc_alive(getpid(), mine + 1)); /* pid reused */
	assert_false(proc_alive(0, mine));
	assert_int_equal(proc_alive(getpid(), 0), 1); /* no start time known: the pid alone */

	pid_t child = fork();
	assert_true(child >= 0);
	if (child == 0)
		_exit(0);
	/* a zombie is not alive; a reaped child is gone */
	uint64_t t = 0;
	for (int i = 0; i < 1000; i++) {
		assert_int_equal(proc_stat(child, &st, &t), 0);
		if (st == 'Z')
			break;
		usleep(1000);
	}
	assert_int_equal(st, 'Z');
	assert_false(proc_alive(child, t));
	assert_false(proc_alive(child, 0));
	waitpid(child, NULL, 0);
	assert_int_equal(proc_stat(child, &st, &again), -1);
	assert_false(proc_alive(child, t));
	assert_false(proc_alive(child, 0));
}

/* The watch answers as proc_alive() does, and after its first look it holds
 * a pidfd instead of reading /proc again. */
static void test_watch(void **state)
{
	(void)state;
	char st;
	uint64_t t;
	struct proc_watch w = PROC_WATCH_INIT;
	int pipefd[2];
	assert_int_equal(pipe(pipefd), 0);
	pid_t child = fork();
	assert_true(child >= 0);
	if (child == 0) { /* runs until the parent closes the pipe */
		char c;
		close(pipefd[1]);
		_exit(read(pipefd[0], &c, 1) == 0 ? 0 : 1);
	}
	close(pipefd[0]);
	assert_int_equal(proc_stat(child, &st, &t), 0);
	assert_int_equal(proc_watch_alive(&w, child, t), 1);
	assert_true(w.fd >= 0); /* a pidfd: later looks read no /proc */
	int fd = w.fd;
	assert_int_equal(proc_watch_alive(&w, child, t), 1);
	assert_int_equal(w.fd, fd);
	/* another start time: the pid was reused; the watch is dropped */
	assert_int_equal(proc_watch_alive(&w, child, t + 1), 0);
	assert_int_equal(w.fd, -1);
	assert_int_equal(proc_watch_alive(&w, child, t), 1);
	/* the child ends and stays a zombie: the pidfd says so at once */
	close(pipefd[1]);
	int dead = 0;
	for (int i = 0; i < 1000 && !dead; i++) {
		dead = proc_watch_alive(&w, child, t) == 0;
		if (!dead)
			usleep(1000);
	}
	assert_true(dead);
	assert_int_equal(proc_stat(child, &st, &t), 0);
	assert_int_equal(st, 'Z');
	waitpid(child, NULL, 0);
	assert_int_equal(proc_watch_alive(&w, child, t), 0);
	assert_int_equal(proc_watch_alive(&w, 0, t), 0);
	assert_int_equal(w.fd, -1);
	proc_watch_close(&w);
	assert_int_equal(w.fd, -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),        cmocka_unit_test(test_parse_cpu),
		cmocka_unit_test(test_children_cpu), cmocka_unit_test(test_live_processes),
		cmocka_unit_test(test_watch),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
