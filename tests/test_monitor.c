/* SPDX-License-Identifier: MIT */
/* The monitor through a segment's life, on real segments: none, foreign,
 * live, removed with ipcrm, re-created on the same key. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/shm.h>
#include <unistd.h>

#include <cmocka.h>

#include "shmtop/monitor.h"
#include "shmtop/segment.h"
#include "shmtop/writer.h"
#include "testutil.h"

static struct model_input poll_input(monitor *m)
{
	struct model_input in;
	memset(&in, 0, sizeof in);
	monitor_poll(m);
	monitor_input(m, &in);
	return in;
}

static int nattch(int id)
{
	struct shmid_ds ds;
	return shmctl(id, IPC_STAT, &ds) == 0 ? (int)ds.shm_nattch : -1;
}

static void test_life(void **state)
{
	(void)state;
	key_t key = test_key(0);
	monitor *m = monitor_new(key);
	assert_non_null(m);

	struct model_input in = poll_input(m);
	assert_int_equal(in.state, MODEL_WAITING);
	assert_null(in.snap);
	assert_null(in.stat);
	assert_int_equal(in.key, key);

	/* The classic example's segment: 1024 bytes of text, mode 0666. */
	int foreign = shmget(key, 1024, IPC_CREAT | IPC_EXCL | 0666);
	assert_true(foreign >= 0);
	char *p = shmat(foreign, NULL, 0);
	assert_true(p != (void *)-1);
	strcpy(p, "12345");
	in = poll_input(m);
	assert_int_equal(in.state, MODEL_FOREIGN);
	assert_non_null(strstr(in.why, "1024 bytes"));
	assert_non_null(in.stat);
	assert_int_equal(in.stat->size, 1024);
	assert_int_equal(in.stat->mode, 0666);
	assert_null(in.snap);
	assert_false(in.control_ok);
	assert_int_equal(nattch(foreign), 2); /* us and the monitor, read-only */
	assert_string_equal(p, "12345");       /* untouched */
	shmdt(p);
	shmctl(foreign, IPC_RMID, NULL);
	in = poll_input(m);
	assert_int_equal(in.state, MODEL_REMOVED);
	assert_int_equal(in.removed_shmid, foreign);

	/* A real writer. */
	char why[256];
	struct writer_options wo = { .key = key, .interval_ns = 1000000000, .mode = 0600,
				     .control_mode = 0600 };
	writer *w = writer_open(&wo, why, sizeof why);
	assert_non_null(w);
	int id1 = writer_shmid(w);
	in = poll_input(m);
	assert_int_equal(in.state, MODEL_LIVE);
	assert_non_null(in.snap);
	assert_int_equal(in.snap->count, 0);
	assert_int_equal(in.snap->writer_pid, getpid());
	assert_true(in.writer_alive);
	assert_true(in.control_ok);
	assert_int_equal(in.stat->shmid, id1);
	assert_int_equal(in.stat->size, sizeof(struct shmtop_record));
	assert_int_equal(in.nhist, 1);
	assert_int_equal(nattch(id1), 2);
	uint32_t ticket;
	assert_int_equal(monitor_send(m, SHMTOP_CMD_RESET, &ticket), 0);
	assert_false(monitor_acked(m, ticket)); /* nobody runs the writer here */
	monitor_clear_history(m);
	monitor_input(m, &in);
	assert_int_equal(in.nhist, 0);

	/* ipcrm while the writer is attached: key 0 and dest, so let go. */
	assert_int_equal(shmctl(id1, IPC_RMID, NULL), 0);
	in = poll_input(m);
	assert_int_equal(in.state, MODEL_REMOVED);
	assert_int_equal(in.removed_shmid, id1);
	assert_non_null(in.snap); /* the last value stays */
	assert_int_equal(nattch(id1), 1); /* only the writer now */
	writer_close(w);

	/* A new writer on the same key is picked up by itself. */
	w = writer_open(&wo, why, sizeof why);
	assert_non_null(w);
	int id2 = writer_shmid(w);
	assert_int_not_equal(id1, id2);
	in = poll_input(m);
	assert_int_equal(in.state, MODEL_LIVE);
	assert_int_equal(in.stat->shmid, id2);
	assert_true(in.control_ok);

	monitor_free(m);
	assert_int_equal(nattch(id2), 1);
	shmctl(id2, IPC_RMID, NULL);
	writer_close(w);
}

static void test_segment_absent(void **state)
{
	(void)state;
	struct segment s;
	char why[128];
	segment_init(&s);
	/* a key of this run's block that no test makes */
	assert_int_equal(segment_attach(&s, test_key(TEST_KEY_SLOTS - 1), why, sizeof why),
			 SEGMENT_ABSENT);
	assert_non_null(strstr(why, "no segment with key 0x"));
	assert_null(s.data);
	assert_int_equal(segment_attach_control(&s, -1), -1);
	assert_non_null(strstr(s.ctl_why, "no control segment"));
	segment_detach(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_life),
		cmocka_unit_test(test_segment_absent),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
