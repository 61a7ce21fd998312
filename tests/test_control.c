/* SPDX-License-Identifier: MIT */
/*
 * Commands across processes.  Several sender processes fire random pause,
 * resume and reset requests at one real shmwriter (interval 10 s, so only
 * the futex wake-up can make it answer) and wait for each acknowledgement.
 * Every reset must be applied exactly once, and the final state must be the
 * one asked by the last pause/resume request (the highest serial).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

#include "shmtop/control.h"
#include "shmtop/record.h"
#include "testutil.h"

#define SENDERS 4
#define COMMANDS 300

struct report {
	long resets, pauses, timeouts;
	uint32_t last_serial; /* highest pause/resume serial this sender got */
	int last_paused;
	int64_t worst_ns;
};

struct writer_under_test {
	struct child proc;
	const struct shmtop_record *rec;
	struct shmtop_control *ctl;
};

static struct writer_under_test start(key_t key, const char *interval)
{
	struct writer_under_test w;
	char k[16], line[256];
	snprintf(k, sizeof k, "0x%08x", (unsigned)key);
	const char *args[] = { "-k", k, "-i", interval, "--remove-on-exit", NULL };
	w.proc = spawn_writer(args);
	assert_true(read_line(w.proc.out, line, sizeof line, 5000) > 0);
	w.rec = attach_key(key, SHM_RDONLY);
	assert_non_null(w.rec);
	struct shmtop_snapshot s;
	char why[160];
	assert_int_equal(record_read(w.rec, sizeof *w.rec, &s, why, sizeof why), SHMTOP_READ_OK);
	w.ctl = shmat(s.control_id, NULL, 0);
	assert_true(w.ctl != (void *)-1);
	return w;
}

static void stop(struct writer_under_test *w)
{
	kill(w->proc.pid, SIGTERM);
	int st = wait_exit(w->proc.pid, 5000);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	shmdt(w->ctl);
	shmdt(w->rec);
	close(w->proc.out);
	close(w->proc.err);
}

static struct report sender(const struct writer_under_test *w, unsigned seed)
{
	struct report r = { 0 };
	for (int i = 0; i < COMMANDS; i++) {
		unsigned pick = (unsigned)rand_r(&seed) % 3;
		enum shmtop_command cmd = pick == 0   ? SHMTOP_CMD_RESET
					  : pick == 1 ? SHMTOP_CMD_PAUSE
						      : SHMTOP_CMD_RESUME;
		uint32_t serial = 0;
		int64_t t0 = clock_mono_ns();
		uint32_t ticket = control_send(w->ctl, cmd, &serial);
		if (control_wait(w->rec, ticket, 2000) < 0)
			r.timeouts++;
		int64_t dt = clock_mono_ns() - t0;
		if (dt > r.worst_ns)
			r.worst_ns = dt;
		if (cmd == SHMTOP_CMD_RESET) {
			r.resets++;
		} else {
			r.pauses++;
			if (serial > r.last_serial) {
				r.last_serial = serial;
				r.last_paused = cmd == SHMTOP_CMD_PAUSE;
			}
		}
	}
	return r;
}

static void test_concurrent_commands(void **state)
{
	(void)state;
	struct writer_under_test w = start(test_key(3), "10");
	int fds[2];
	pid_t pids[SENDERS];
	assert_int_equal(pipe(fds), 0);
	for (int i = 0; i < SENDERS; i++) {
		if ((pids[i] = fork()) == 0) {
			struct report r = sender(&w, 1000u + (unsigned)i);
			_exit(write(fds[1], &r, sizeof r) == sizeof r ? 0 : 1);
		}
	}
	close(fds[1]);
	struct report all = { 0 }, r;
	for (int i = 0; i < SENDERS; i++) {
		assert_int_equal(read(fds[0], &r, sizeof r), sizeof r);
		all.resets += r.resets;
		all.pauses += r.pauses;
		all.timeouts += r.timeouts;
		if (r.last_serial > all.last_serial) {
			all.last_serial = r.last_serial;
			all.last_paused = r.last_paused;
		}
		if (r.worst_ns > all.worst_ns)
			all.worst_ns = r.worst_ns;
	}
	for (int i = 0; i < SENDERS; i++)
		waitpid(pids[i], NULL, 0);
	close(fds[0]);

	struct shmtop_snapshot s;
	char why[160];
	assert_int_equal(record_read(w.rec, sizeof *w.rec, &s, why, sizeof why), SHMTOP_READ_OK);
	print_message("%d senders, %ld resets and %ld pause/resume, %ld timeouts, worst "
		      "acknowledgement %.2f ms; record: resets %llu, state %s\n",
		      SENDERS, all.resets, all.pauses, all.timeouts,
		      (double)all.worst_ns / 1e6, (unsigned long long)s.resets,
		      record_state_name(s.state));
	assert_int_equal(all.timeouts, 0);
	assert_int_equal(s.resets, all.resets); /* each applied exactly once */
	assert_int_equal(s.reset_ack, atomic_load(&w.ctl->reset));
	assert_int_equal(s.request_ack, atomic_load(&w.ctl->request));
	assert_int_equal(all.last_serial, atomic_load(&w.ctl->pause) >> 1);
	assert_int_equal(s.state, all.last_paused ? SHMTOP_STATE_PAUSED : SHMTOP_STATE_RUNNING);
	assert_int_equal(s.count, 0); /* a 10 s interval: nothing counted since a reset */
	stop(&w);
}

/* A pause reaches a writer that sleeps 10 s between counts well within a
 * second: a functional bound only; the benchmarks report the real figure. */
static void test_latency_at_long_interval(void **state)
{
	(void)state;
	struct writer_under_test w = start(test_key(4), "10");
	int64_t t0 = clock_mono_ns();
	uint32_t ticket = control_send(w.ctl, SHMTOP_CMD_PAUSE, NULL);
	assert_int_equal(control_wait(w.rec, ticket, 1000), 0);
	int64_t dt = clock_mono_ns() - t0;
	struct shmtop_snapshot s;
	char why[160];
	assert_int_equal(record_read(w.rec, sizeof *w.rec, &s, why, sizeof why), SHMTOP_READ_OK);
	assert_int_equal(s.state, SHMTOP_STATE_PAUSED);
	print_message("pause at --interval 10 acknowledged in %.3f ms\n", (double)dt / 1e6);
	assert_true(dt < NS_PER_SEC);

	/* A resume, then a reset: the count goes to 0 and resets to 1. */
	ticket = control_send(w.ctl, SHMTOP_CMD_RESUME, NULL);
	assert_int_equal(control_wait(w.rec, ticket, 1000), 0);
	ticket = control_send(w.ctl, SHMTOP_CMD_RESET, NULL);
	assert_int_equal(control_wait(w.rec, ticket, 1000), 0);
	assert_int_equal(record_read(w.rec, sizeof *w.rec, &s, why, sizeof why), SHMTOP_READ_OK);
	assert_int_equal(s.state, SHMTOP_STATE_RUNNING);
	assert_int_equal(s.resets, 1);
	assert_int_equal(s.count, 0);
	stop(&w);
}

/* Waiting on a writer that never answers times out; it does not hang. */
static void test_wait_times_out(void **state)
{
	(void)state;
	struct writer_under_test w = start(test_key(5), "1");
	kill(w.proc.pid, SIGSTOP);
	uint32_t ticket = control_send(w.ctl, SHMTOP_CMD_PAUSE, NULL);
	int64_t t0 = clock_mono_ns();
	assert_int_equal(control_wait(w.rec, ticket, 200), -1);
	assert_int_equal(errno, ETIMEDOUT);
	assert_true(clock_mono_ns() - t0 >= 200 * NS_PER_MS);
	assert_false(control_acked(atomic_load(&w.rec->request_ack), ticket));
	kill(w.proc.pid, SIGCONT); /* the request was not lost: it lands now */
	assert_int_equal(control_wait(w.rec, ticket, 2000), 0);
	stop(&w);
}

static void test_ticket_wraps(void **state)
{
	(void)state;
	assert_true(control_acked(5, 5));
	assert_true(control_acked(6, 5));
	assert_false(control_acked(4, 5));
	assert_true(control_acked(2, UINT32_MAX)); /* the request word wrapped */
	assert_false(control_acked(UINT32_MAX, 2));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ticket_wraps),
		cmocka_unit_test(test_concurrent_commands),
		cmocka_unit_test(test_latency_at_long_interval),
		cmocka_unit_test(test_wait_times_out),
	};
	return cmocka_run_group_tests(tests, test_cleanup_keys, test_cleanup_keys);
}
