/* SPDX-License-Identifier: MIT */
/* The monitor through a segment's life, on real segments: none, foreign,
 * live, removed with ipcrm, re-created on the same key. */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/shm.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "clock.h"
#include "monitor.h"
#include "proc.h"
#include "report.h"
#include "segment.h"
#include "testutil.h"
#include "v2writer.h"

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
	assert_null(in.content);
	assert_null(in.stat);
	assert_int_equal(in.key, key);

	/* The classic example's segment: 1024 bytes of text, mode 0666. */
	int foreign = shmget(key, 1024, IPC_CREAT | IPC_EXCL | 0666);
	assert_true(foreign >= 0);
	char *p = shmat(foreign, NULL, 0);
	assert_true(p != (void *)-1);
	strcpy(p, "12345");
	in = poll_input(m);
	/* its decimal text is one counter whose writer is unknown */
	assert_int_equal(in.state, MODEL_LIVE);
	assert_non_null(in.content);
	assert_string_equal(in.content->format, "text counter");
	assert_int_equal(content_selected(in.content)->value, 12345);
	assert_false(in.content->status.known);
	assert_false(in.writer_alive);
	assert_non_null(in.stat);
	assert_int_equal(in.stat->size, 1024);
	assert_int_equal(in.stat->mode, 0666);
	assert_false(in.control_ok);
	assert_int_equal(nattch(foreign), 2); /* us and the monitor, read-only */
	assert_string_equal(p, "12345");      /* untouched */
	/* text that is no number: a segment shmwriter did not make */
	strcpy(p, "hello");
	in = poll_input(m);
	assert_int_equal(in.state, MODEL_FOREIGN);
	assert_non_null(strstr(in.why, "1024 bytes"));
	assert_null(in.content);
	shmdt(p);
	shmctl(foreign, IPC_RMID, NULL);
	in = poll_input(m);
	assert_int_equal(in.state, MODEL_REMOVED);
	assert_int_equal(in.removed_shmid, foreign);

	/* A real writer. */
	char why[256];
	struct v2writer_options wo = {
		.key = key, .interval_ns = 1000000000, .mode = 0600, .control_mode = 0600
	};
	v2writer *w = v2writer_open(&wo, why, sizeof why);
	assert_non_null(w);
	int id1 = v2writer_shmid(w);
	in = poll_input(m);
	assert_int_equal(in.state, MODEL_LIVE);
	assert_non_null(in.content);
	assert_int_equal(content_selected(in.content)->value, 0);
	assert_int_equal(in.content->status.pid, getpid());
	assert_true(in.writer_alive);
	assert_true(in.control_ok);
	assert_int_equal(in.stat->shmid, id1);
	assert_int_equal(in.stat->size, sizeof(struct shmtop_record));
	assert_int_equal(in.content->nhist, 1);
	assert_int_equal(nattch(id1), 2);
	uint32_t ticket;
	assert_int_equal(monitor_send(m, SHMTOP_CMD_RESET, &ticket), 0);
	assert_false(monitor_acked(m, ticket)); /* nobody runs the writer here */
	monitor_clear_history(m);
	monitor_input(m, &in);
	assert_int_equal(in.content->nhist, 0);

	/* ipcrm while the writer is attached: key 0 and dest, so let go. */
	assert_int_equal(shmctl(id1, IPC_RMID, NULL), 0);
	in = poll_input(m);
	assert_int_equal(in.state, MODEL_REMOVED);
	assert_int_equal(in.removed_shmid, id1);
	assert_non_null(in.content);      /* the last value stays */
	assert_int_equal(nattch(id1), 1); /* only the writer now */
	v2writer_close(w);

	/* A new writer on the same key is picked up by itself. */
	w = v2writer_open(&wo, why, sizeof why);
	assert_non_null(w);
	int id2 = v2writer_shmid(w);
	assert_int_not_equal(id1, id2);
	in = poll_input(m);
	assert_int_equal(in.state, MODEL_LIVE);
	assert_int_equal(in.stat->shmid, id2);
	assert_true(in.control_ok);

	monitor_free(m);
	assert_int_equal(nattch(id2), 1);
	shmctl(id2, IPC_RMID, NULL);
	v2writer_close(w);
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
	const struct shmtop_snapshot none = { .control_id = -1, .writer_pid = 1 };
	assert_int_equal(
	    segment_attach_control(&s, none.control_id, none.writer_pid, none.token, 0), -1);
	assert_non_null(strstr(s.ctl_why, "no control segment"));
	segment_detach(&s);
}

/* Store fields of a live record and its checksum, as a writer would. */
static void reseal(struct shmtop_record *r)
{
	struct shmtop_snapshot s;
	record_copy(r, &s);
	atomic_store(&r->check, record_checksum(&s));
}

/* A fresh viewer of a record whose writer stopped in the middle of an
 * update (seq odd, its pid alive and stopped): the record busy, the pid,
 * its /proc state T and STALLED, never "writer: none"; a torn copy that
 * fails a field check is refused, not shown; a finished update reads as
 * usual again. */
static void test_stopped_mid_update(void **state)
{
	(void)state;
	key_t key = test_key(1);
	char why[256];
	struct v2writer_options wo = {
		.key = key, .interval_ns = 1000000000, .mode = 0600, .control_mode = 0600
	};
	v2writer *w = v2writer_open(&wo, why, sizeof why);
	assert_non_null(w);
	int id = v2writer_shmid(w);
	struct shmtop_record *r = shmat(id, NULL, 0);
	assert_true(r != (void *)-1);

	pid_t child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		for (;;)
			pause();
	}
	int ws;
	assert_int_equal(kill(child, SIGSTOP), 0);
	assert_int_equal(waitpid(child, &ws, WUNTRACED), child);
	assert_true(WIFSTOPPED(ws));
	char pstate;
	uint64_t start;
	assert_int_equal(proc_stat(child, &pstate, &start), 0);
	assert_int_equal(pstate, 'T');
	atomic_store(&r->writer_pid, child);
	atomic_store(&r->writer_start, start);
	atomic_store(&r->count, 4321);
	reseal(r);
	uint64_t seq = atomic_load(&r->seq);
	atomic_store(&r->seq, seq | 1); /* mid-update, and it stays so */

	monitor *m = monitor_new(key);
	assert_non_null(m);
	struct model_input in = poll_input(m);
	assert_int_equal(in.state, MODEL_LIVE);
	assert_true(in.busy);
	assert_non_null(in.content);
	assert_int_equal(in.content->status.pid, child);
	assert_int_equal(content_selected(in.content)->value, 4321);
	assert_true(in.writer_alive);
	assert_int_equal(in.writer_pstate, 'T');
	assert_non_null(strstr(in.why, "record busy"));
	in.now_mono = clock_mono_ns();
	static struct view_model vm;
	model_build(&vm, &in);
	assert_string_equal(vm.badge, "STALLED");
	char want[64];
	snprintf(want, sizeof want, "writer pid %d (", (int)child);
	assert_non_null(strstr(vm.writer, want));
	assert_non_null(strstr(vm.writer, "stalled (T: stopped)"));
	assert_non_null(strstr(vm.writer_short, " stopped (T), running"));
	assert_null(strstr(vm.footer, "p pause")); /* a stopped writer obeys nothing */
	char out[4096];
	report_json(&vm, &in, out, sizeof out);
	assert_non_null(strstr(out, "\"state\":\"stalled\""));
	assert_non_null(strstr(out, "\"writer_proc_state\":\"T\",\"busy\":true"));
	report_text(&vm, out, sizeof out);
	assert_non_null(strstr(out, " - STALLED\n"));
	assert_null(strstr(out, "writer: none"));

	/* A torn copy with a field out of range: refused, said, no crash. */
	atomic_store(&r->state, 77);
	monitor *fresh = monitor_new(key);
	in = poll_input(fresh);
	assert_int_equal(in.state, MODEL_ERROR);
	assert_null(in.content);
	assert_false(in.busy);
	assert_non_null(strstr(in.why, "state"));
	monitor_free(fresh);
	atomic_store(&r->state, SHMTOP_STATE_RUNNING);

	/* The update ends: a normal read, no longer busy. */
	atomic_store(&r->count, 4322);
	reseal(r);
	atomic_store(&r->seq, (seq | 1) + 1);
	in = poll_input(m);
	assert_int_equal(in.state, MODEL_LIVE);
	assert_false(in.busy);
	assert_int_equal(content_selected(in.content)->value, 4322);

	kill(child, SIGKILL);
	waitpid(child, &ws, 0);
	monitor_free(m);
	shmdt(r);
	shmctl(id, IPC_RMID, NULL);
	v2writer_close(w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_life),
		cmocka_unit_test(test_segment_absent),
		cmocka_unit_test(test_stopped_mid_update),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
