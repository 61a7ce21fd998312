/* SPDX-License-Identifier: MIT */
/*
 * Commands across processes.  Several sender processes fire random pause,
 * resume and reset requests at one real shmwriter (interval 10 s, so only
 * the futex wake-up can make it answer; a libshmtop publisher, record
 * version 3) and wait for each acknowledgement.
 * Every reset must be applied exactly once, and the final state must be the
 * one asked by the last pause/resume request (the highest serial).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "control.h"
#include "reader.h"
#include "record.h"
#include "segment.h"
#include "testutil.h"
#include "trust.h"
#include "v2writer.h"

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
	shmtop_reader *r;
	struct shmtop_control *ctl;
};

/* The record's status, and its count (counter 0). */
static struct shmtop_status3 status_of(const struct writer_under_test *w, uint64_t *count)
{
	struct shmtop_status s;
	struct shmtop_value v;
	char why[160];
	if (shmtop_read(w->r, &s, &v, 1, why, sizeof why) != 1)
		fail_msg("shmtop_read: %s", why);
	*count = v.value;
	struct shmtop_status3 st;
	assert_int_equal(reader_status(w->r, &st, why, sizeof why), 0);
	return st;
}

static int wait_ack(const struct writer_under_test *w, uint32_t ticket, int timeout_ms)
{
	struct shmtop_status3 st;
	return reader_wait_ack(w->r, ticket, timeout_ms, &st);
}

static struct writer_under_test start(key_t key, const char *interval)
{
	struct writer_under_test w;
	char k[16], line[256], why[160];
	snprintf(k, sizeof k, "0x%08x", (unsigned)key);
	const char *args[] = { "-k", k, "-i", interval, "--remove-on-exit", NULL };
	w.proc = spawn_writer(args);
	assert_true(read_line(w.proc.out, line, sizeof line, 5000) > 0);
	w.r = shmtop_reader_open(key, 0, why, sizeof why);
	if (!w.r)
		fail_msg("shmtop_reader_open: %s", why);
	uint64_t count;
	w.ctl = shmat(status_of(&w, &count).control_id, NULL, 0);
	assert_true(w.ctl != (void *)-1);
	return w;
}

static void stop(struct writer_under_test *w)
{
	kill(w->proc.pid, SIGTERM);
	int st = wait_exit(w->proc.pid, 5000);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	shmdt(w->ctl);
	shmtop_reader_close(w->r);
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
		if (wait_ack(w, ticket, 2000) < 0)
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

	uint64_t count;
	struct shmtop_status3 s = status_of(&w, &count);
	print_message("%d senders, %ld resets and %ld pause/resume, %ld timeouts, worst "
		      "acknowledgement %.2f ms; record: resets %llu, state %s\n",
		      SENDERS, all.resets, all.pauses, all.timeouts, (double)all.worst_ns / 1e6,
		      (unsigned long long)s.resets, record_state_name(s.state));
	assert_int_equal(all.timeouts, 0);
	assert_int_equal(s.resets, all.resets); /* each applied exactly once */
	assert_int_equal(s.reset_ack, atomic_load(&w.ctl->reset));
	assert_int_equal(s.request_ack, atomic_load(&w.ctl->request));
	assert_int_equal(all.last_serial, atomic_load(&w.ctl->pause) >> 1);
	assert_int_equal(s.state, all.last_paused ? SHMTOP_STATE_PAUSED : SHMTOP_STATE_RUNNING);
	assert_int_equal(count, 0); /* a 10 s interval: nothing counted since a reset */
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
	assert_int_equal(wait_ack(&w, ticket, 1000), 0);
	int64_t dt = clock_mono_ns() - t0;
	uint64_t count;
	struct shmtop_status3 s = status_of(&w, &count);
	assert_int_equal(s.state, SHMTOP_STATE_PAUSED);
	print_message("pause at --interval 10 acknowledged in %.3f ms\n", (double)dt / 1e6);
	assert_true(dt < NS_PER_SEC);

	/* A resume, then a reset: the count goes to 0 and resets to 1. */
	ticket = control_send(w.ctl, SHMTOP_CMD_RESUME, NULL);
	assert_int_equal(wait_ack(&w, ticket, 1000), 0);
	ticket = control_send(w.ctl, SHMTOP_CMD_RESET, NULL);
	assert_int_equal(wait_ack(&w, ticket, 1000), 0);
	s = status_of(&w, &count);
	assert_int_equal(s.state, SHMTOP_STATE_RUNNING);
	assert_int_equal(s.resets, 1);
	assert_int_equal(count, 0);
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
	assert_int_equal(wait_ack(&w, ticket, 200), -1);
	assert_int_equal(errno, ETIMEDOUT);
	assert_true(clock_mono_ns() - t0 >= 200 * NS_PER_MS);
	assert_false(control_acked(atomic_load(&reader_record(w.r)->request_ack), ticket));
	kill(w.proc.pid, SIGCONT); /* the request was not lost: it lands now */
	assert_int_equal(wait_ack(&w, ticket, 2000), 0);
	stop(&w);
}

/* ---- Proof that a control segment belongs to a record (issue 15) ---- */

/* trust_control(): each check alone disables, with its reason. */
static void test_proof_rules(void **state)
{
	(void)state;
	const struct control_expect e = {
		.data_shmid = 10, .data_uid = 0, .writer_pid = 77, .token = 0xabc
	};
	const struct control_claim good = {
		.id = 5, .uid = 0, .cpid = 77, .have_bytes = true, .data_shmid = 10, .token = 0xabc
	};
	char why[200] = "";
	assert_int_equal(trust_control(&good, &e, why, sizeof why), 0);
	struct {
		struct control_claim c;
		const char *says;
	} cases[] = {
		{ good, NULL },
		{ good, "control segment 5 is owned by nobody (uid 65534), the data segment by "
			"root (uid 0)" },
		{ good, "control segment 5 was made by pid 78, not by the writer (pid 77)" },
		{ good, "control segment 5 names shmid 11, not this segment (shmid 10; a copy of "
			"another record?)" },
		{ good, "control segment 5 names another record's token" },
	};
	cases[1].c.uid = 65534;
	cases[2].c.cpid = 78;
	cases[3].c.data_shmid = 11;
	cases[4].c.token = 0xabd;
	for (size_t i = 1; i < sizeof cases / sizeof cases[0]; i++) {
		why[0] = '\0';
		assert_int_equal(trust_control(&cases[i].c, &e, why, sizeof why), -1);
		if (!strstr(why, cases[i].says))
			fail_msg("case %zu: '%s' lacks '%s'", i, why, cases[i].says);
	}
	/* before its bytes are read, only owner and creator are checked */
	struct control_claim stat_only = cases[3].c;
	stat_only.have_bytes = false;
	assert_int_equal(trust_control(&stat_only, &e, why, sizeof why), 0);
}

/* The viewer's side on real segments: the controls of a record are enabled
 * only for its own writer's control segment; a byte copy of the record in
 * another segment gets none. */
static void test_viewer_proof(void **state)
{
	(void)state;
	key_t key = test_key(6), copy_key = test_key(7);
	struct v2writer_options o = { .key = key,
				      .interval_ns = 10 * NS_PER_SEC,
				      .mode = 0600,
				      .control_mode = 0600,
				      .remove_on_exit = true };
	char why[300];
	v2writer *w = v2writer_open(&o, why, sizeof why);
	assert_non_null(w);
	struct segment seg;
	segment_init(&seg);
	assert_int_equal(segment_attach(&seg, key, why, sizeof why), SEGMENT_OK);
	struct shmtop_snapshot snap;
	assert_int_equal(record_read(seg.data, seg.size, &snap, why, sizeof why), SHMTOP_READ_OK);
	uid_t me = geteuid();
	assert_int_equal(
	    segment_attach_control(&seg, snap.control_id, snap.writer_pid, snap.token, me), 0);
	assert_non_null(seg.ctl);
	assert_int_equal(atomic_load(&seg.ctl->data_shmid), seg.shmid);
	assert_int_equal(atomic_load(&seg.ctl->token), snap.token);

	struct {
		uid_t uid;
		int32_t pid;
		uint64_t token;
		const char *says;
	} cases[] = {
		{ me + 1, snap.writer_pid, snap.token, "the data segment by" },
		{ me, 1, snap.token, "not by the writer (pid 1)" },
		{ me, snap.writer_pid, snap.token ^ 1, "another record's token" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct shmtop_snapshot t = snap;
		t.writer_pid = cases[i].pid;
		t.token = cases[i].token;
		assert_int_equal(
		    segment_attach_control(&seg, t.control_id, t.writer_pid, t.token, cases[i].uid),
		    -1);
		assert_null(seg.ctl);
		if (!strstr(seg.ctl_why, cases[i].says))
			fail_msg("case %zu: '%s' lacks '%s'", i, seg.ctl_why, cases[i].says);
		/* checked again once the record is the right one again */
		assert_int_equal(
		    segment_attach_control(&seg, snap.control_id, snap.writer_pid, snap.token, me),
		    0);
	}

	/* a byte copy of the live record, in a segment of its own */
	int cid = shmget(copy_key, sizeof(struct shmtop_record), IPC_CREAT | IPC_EXCL | 0600);
	assert_true(cid >= 0);
	void *cp = shmat(cid, NULL, 0);
	assert_true(cp != (void *)-1);
	memcpy(cp, seg.data, sizeof(struct shmtop_record));
	struct segment copy;
	segment_init(&copy);
	assert_int_equal(segment_attach(&copy, copy_key, why, sizeof why), SEGMENT_OK);
	struct shmtop_snapshot csnap;
	assert_int_equal(record_read(copy.data, copy.size, &csnap, why, sizeof why),
			 SHMTOP_READ_OK);
	assert_int_equal(csnap.control_id, snap.control_id); /* it names the real one */
	assert_int_equal(
	    segment_attach_control(&copy, csnap.control_id, csnap.writer_pid, csnap.token, me), -1);
	char want[120];
	snprintf(want, sizeof want, "names shmid %d, not this segment (shmid %d; a copy", seg.shmid,
		 cid);
	if (!strstr(copy.ctl_why, want))
		fail_msg("'%s' lacks '%s'", copy.ctl_why, want);
	/* a record naming a segment that is no control segment */
	csnap.control_id = cid;
	assert_int_equal(
	    segment_attach_control(&copy, csnap.control_id, csnap.writer_pid, csnap.token, me), -1);
	assert_non_null(strstr(copy.ctl_why, "not a control segment"));

	segment_detach(&copy);
	shmdt(cp);
	shmctl(cid, IPC_RMID, NULL);
	segment_detach(&seg);
	v2writer_close(w);
}

static struct shmtop_status3 read_ok(const struct writer_under_test *w)
{
	uint64_t count;
	return status_of(w, &count);
}

/* Commands sent while no writer runs are applied by the next one, and so
 * are those that reach the old control segment during the handover; the
 * old one goes once its last viewer lets go. */
static void test_commands_across_takeover(void **state)
{
	(void)state;
	key_t key = test_key(8);
	struct writer_under_test a = start(key, "10");
	int old_id = read_ok(&a).control_id;
	kill(a.proc.pid, SIGKILL);
	wait_exit(a.proc.pid, 5000);
	close(a.proc.out);
	close(a.proc.err);
	for (int i = 0; i < 3; i++)
		control_send(a.ctl, SHMTOP_CMD_RESET, NULL);
	uint32_t ticket = control_send(a.ctl, SHMTOP_CMD_PAUSE, NULL);

	struct writer_under_test b = start(key, "10");
	assert_int_equal(wait_ack(&b, ticket, 2000), 0);
	struct shmtop_status3 s = read_ok(&b);
	assert_int_not_equal(s.control_id, old_id); /* a control segment of its own */
	assert_int_equal(s.resets, 3);
	assert_int_equal(s.state, SHMTOP_STATE_PAUSED);

	/* a viewer that has not switched yet: its reset is forwarded */
	ticket = control_send(a.ctl, SHMTOP_CMD_RESET, NULL);
	assert_int_equal(wait_ack(&b, ticket, 2000), 0);
	assert_int_equal(read_ok(&b).resets, 4);
	ticket = control_send(b.ctl, SHMTOP_CMD_RESUME, NULL);
	assert_int_equal(wait_ack(&b, ticket, 2000), 0);
	s = read_ok(&b);
	assert_int_equal(s.state, SHMTOP_STATE_RUNNING);
	assert_int_equal(s.resets, 4);

	shmdt(a.ctl);
	struct shmid_ds ds;
	int64_t deadline = clock_mono_ns() + 3 * NS_PER_SEC;
	while (shmctl(old_id, IPC_STAT, &ds) == 0 && clock_mono_ns() < deadline)
		sleep_ms(10);
	assert_int_equal(shmctl(old_id, IPC_STAT, &ds), -1); /* the writer let it go */
	shmtop_reader_close(a.r);
	stop(&b);
}

/* A control segment the record names but the dead writer did not make is
 * not adopted: the commands in it are not applied. */
static void test_takeover_refuses_foreign_control(void **state)
{
	(void)state;
	key_t key = test_key(9);
	struct writer_under_test a = start(key, "10");
	struct shmtop_status3 s = read_ok(&a);
	kill(a.proc.pid, SIGKILL);
	wait_exit(a.proc.pid, 5000);
	close(a.proc.out);
	close(a.proc.err);

	/* a control segment with every byte right but made by this process */
	int fake = shmget(IPC_PRIVATE, sizeof(struct shmtop_control), IPC_CREAT | 0600);
	struct shmtop_control *fc = shmat(fake, NULL, 0);
	assert_true(fc != (void *)-1);
	struct control_seen start_at = { .request = s.request_ack, .reset = s.reset_ack };
	control_init(fc, shmget(key, 0, 0), s.token, &start_at);
	control_send(fc, SHMTOP_CMD_RESET, NULL);
	control_send(fc, SHMTOP_CMD_PAUSE, NULL);
	/* the record names it, its checksum made again */
	int id = shmget(key, 0, 0);
	struct shmid_ds ds;
	assert_int_equal(shmctl(id, IPC_STAT, &ds), 0);
	struct shmtop_record3 *rw = shmat(id, NULL, 0);
	assert_true(rw != (void *)-1);
	struct shmtop_layout3 lay;
	struct shmtop_pubval3 v[1];
	char why[160];
	assert_int_equal(reader_header(rw, ds.shm_segsz, &s, &lay, why, sizeof why),
			 SHMTOP_READ_OK);
	assert_int_equal(s.capacity, 1);
	assert_int_equal(reader_copy(rw, &lay, &s, v, true, why, sizeof why), SHMTOP_READ_OK);
	s.control_id = fake;
	atomic_store(&rw->control_id, fake);
	atomic_store(&rw->check, reader_checksum(&s, v, s.ncounters));
	shmdt(rw);

	struct writer_under_test b = start(key, "10");
	/* pending commands apply before anything sent to the new one */
	uint32_t ticket = control_send(b.ctl, SHMTOP_CMD_RESUME, NULL);
	assert_int_equal(wait_ack(&b, ticket, 2000), 0);
	s = read_ok(&b);
	assert_int_equal(s.resets, 0);
	assert_int_equal(s.state, SHMTOP_STATE_RUNNING);
	assert_int_not_equal(s.control_id, fake);
	shmdt(fc);
	shmctl(fake, IPC_RMID, NULL);
	shmdt(a.ctl);
	shmtop_reader_close(a.r);
	stop(&b);
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
		cmocka_unit_test(test_proof_rules),
		cmocka_unit_test(test_viewer_proof),
		cmocka_unit_test(test_commands_across_takeover),
		cmocka_unit_test(test_takeover_refuses_foreign_control),
	};
	return cmocka_run_group_tests(tests, test_cleanup_keys, test_cleanup_keys);
}
