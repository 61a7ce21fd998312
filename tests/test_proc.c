/* SPDX-License-Identifier: MIT */
/* /proc/PID/stat parsing: state and start time, hostile command names. */
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

static void test_parse(void **state)
{
	(void)state;
	char st = '?';
	uint64_t t = 0;
	/* fields 4..21 are 1..18 in TAIL; field 22 is the start time */
	assert_int_equal(proc_parse_stat("42 (cat) S" TAIL "987654 99 100\n", &st, &t), 0);
	assert_int_equal(st, 'S');
	assert_int_equal(t, 987654);
	/* a command name with spaces and ") R (" inside */
	assert_int_equal(proc_parse_stat("7 (a) R (b c) Z" TAIL "55\n", &st, &t), 0);
	assert_int_equal(st, 'Z');
	assert_int_equal(t, 55);
	assert_int_equal(proc_parse_stat("", &st, &t), -1);
	assert_int_equal(proc_parse_stat("42 (cat", &st, &t), -1);
	assert_int_equal(proc_parse_stat("42 (cat) S 1 2 3", &st, &t), -1);
	assert_int_equal(proc_parse_stat("42 (cat) S" TAIL "x\n", &st, &t), -1);
	assert_int_equal(proc_parse_stat("42 (cat) S" TAIL "12x\n", &st, &t), -1);
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
	waitpid(child, NULL, 0);
	assert_int_equal(proc_stat(child, &st, &again), -1);
	assert_false(proc_alive(child, t));
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
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_live_processes),
		cmocka_unit_test(test_watch),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
