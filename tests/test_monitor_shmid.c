/* SPDX-License-Identifier: MIT */
/* A monitor opened on one shmid (a private or removed segment, key 0):
 * it attaches that segment, stays on it through IPC_RMID, shows its bytes,
 * and never moves to another segment. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/shm.h>

#include <cmocka.h>

#include "monitor.h"

static void test_private_segment(void **state)
{
	(void)state;
	int id = shmget(IPC_PRIVATE, 1024, IPC_CREAT | 0600);
	assert_true(id >= 0);
	char *p = shmat(id, NULL, 0);
	assert_true(p != (void *)-1);
	strcpy(p, "a private note");
	monitor *m = monitor_new_shmid(id);
	assert_non_null(m);
	monitor_poll(m);
	struct model_input in = { 0 };
	monitor_input(m, &in);
	assert_int_equal(in.state, MODEL_FOREIGN);
	assert_non_null(in.stat);
	assert_int_equal(in.stat->shmid, id);
	assert_int_equal(in.key, 0);
	size_t size;
	const char *bytes = monitor_bytes(m, &size);
	assert_non_null(bytes);
	assert_int_equal(size, 1024);
	assert_string_equal(bytes, "a private note");

	/* removed while attached: still followed, now dest */
	assert_int_equal(shmctl(id, IPC_RMID, NULL), 0);
	monitor_poll(m);
	monitor_input(m, &in);
	assert_int_equal(in.state, MODEL_FOREIGN);
	assert_true(in.stat->dest);
	assert_int_equal(in.stat->shmid, id);
	shmdt(p);
	monitor_free(m); /* the last detach: the segment goes */
}

static void test_gone(void **state)
{
	(void)state;
	int id = shmget(IPC_PRIVATE, 64, IPC_CREAT | 0600);
	assert_true(id >= 0);
	assert_int_equal(shmctl(id, IPC_RMID, NULL), 0); /* no attach: gone at once */
	monitor *m = monitor_new_shmid(id);
	assert_non_null(m);
	monitor_poll(m);
	struct model_input in = { 0 };
	monitor_input(m, &in);
	assert_true(in.state == MODEL_WAITING || in.state == MODEL_REMOVED);
	size_t size;
	assert_null(monitor_bytes(m, &size));
	assert_int_equal(size, 0);
	monitor_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_private_segment),
		cmocka_unit_test(test_gone),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
