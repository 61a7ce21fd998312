/* /proc/PID/stat parsing: state and start time, hostile command names. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "shmtop/proc.h"

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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_live_processes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
