/* SPDX-License-Identifier: MIT */
/*
 * libshmtop (shmtop.h) on the record's version 3: declaring counters, the
 * hot path and the service step, consistent snapshots under a flat-out
 * step, viewers' commands through the real control segment (applied and
 * refused), takeover after a publisher's death, the reader on hostile
 * bytes, and a record of another version.
 */
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "control.h"
#include "publisher.h"
#include "reader.h"
#include "record.h"
#include "shmtop/shmtop.h"
#include "testutil.h"
#include "v2writer.h"

#define WAIT_MS 5000

static shmtop_publisher *open_pub(const struct shmtop_options *o)
{
	char why[256] = "";
	shmtop_publisher *p = shmtop_open(o, why, sizeof why);
	if (!p)
		fail_msg("shmtop_open: %s", why);
	return p;
}

static shmtop_reader *open_reader(key_t key)
{
	char why[256] = "";
	shmtop_reader *r = shmtop_reader_open(key, 0, why, sizeof why);
	if (!r)
		fail_msg("shmtop_reader_open: %s", why);
	return r;
}

static void declare_ok(shmtop_publisher *p, const char *name, enum shmtop_kind kind,
		       const char *unit, struct shmtop_counter *c)
{
	char why[256] = "";
	if (shmtop_declare(p, name, kind, unit, c, why, sizeof why))
		fail_msg("declare %s: %s", name, why);
}

/* shmtop_declare() refuses, with a reason containing want. */
static void declare_bad(shmtop_publisher *p, const char *name, enum shmtop_kind kind,
			const char *unit, const char *want)
{
	char why[256] = "";
	struct shmtop_counter c = { 0 };
	assert_int_equal(shmtop_declare(p, name, kind, unit, &c, why, sizeof why), -1);
	if (!strstr(why, want))
		fail_msg("declare: reason \"%s\" lacks \"%s\"", why, want);
	assert_null(strchr(why, '\n'));
}

static long read_all(shmtop_reader *r, struct shmtop_status *st, struct shmtop_value *v, size_t max)
{
	char why[256] = "";
	long n = shmtop_read(r, st, v, max, why, sizeof why);
	if (n < 0)
		fail_msg("shmtop_read: %s", why);
	return n;
}

/* Run a step that is due: wait what the first says, then step again. */
static void due_step(shmtop_publisher *p)
{
	int64_t wait = shmtop_step(p);
	assert_true(wait >= 0);
	if (wait > 0)
		nanosleep(&(struct timespec){ .tv_sec = (time_t)(wait / NS_PER_SEC),
					      .tv_nsec = (long)(wait % NS_PER_SEC) },
			  NULL);
	assert_true(shmtop_step(p) >= 0);
}

static void test_options(void **state)
{
	(void)state;
	char why[256];
	struct {
		struct shmtop_options o;
		const char *want;
	} bad[] = {
		{ { .key = test_key(0), .capacity = 4097 }, "capacity 4097 out of range" },
		{ { .key = test_key(0), .history = 1 }, "history 1 out of range" },
		{ { .key = test_key(0), .history = 65537 }, "history 65537 out of range" },
		{ { .key = test_key(0), .mode = 0666 }, "no group or other write bit" },
		{ { .key = test_key(0), .period_ns = 10 }, "period 10 ns out of range" },
		{ { .key = test_key(0), .accept = 4 }, "unknown commands" },
		{ { .key = 0 }, "no key and no path" },
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		why[0] = '\0';
		assert_null(shmtop_open(&bad[i].o, why, sizeof why));
		if (!strstr(why, bad[i].want))
			fail_msg("case %zu: \"%s\" lacks \"%s\"", i, why, bad[i].want);
	}
	/* the segment's size follows capacity and history, as record.h says */
	shmtop_publisher *p = open_pub(&(struct shmtop_options){ .key = test_key(0) });
	struct shmid_ds ds;
	assert_int_equal(shmctl(shmtop_shmid(p), IPC_STAT, &ds), 0);
	assert_int_equal(ds.shm_segsz, 544576);
	assert_int_equal(ds.shm_perm.mode & 0777, 0600);
	assert_int_equal(shmtop_key(p), test_key(0));
	/* one publisher per key */
	why[0] = '\0';
	assert_null(shmtop_open(&(struct shmtop_options){ .key = test_key(0) }, why, sizeof why));
	assert_non_null(strstr(why, "pid"));
	shmtop_close(p);
	test_remove_key(test_key(0));
}

static void test_declare(void **state)
{
	(void)state;
	shmtop_publisher *p =
	    open_pub(&(struct shmtop_options){ .key = test_key(1), .capacity = 4 });
	char n63[64], n64[65];
	memset(n63, 'a', 63);
	n63[63] = '\0';
	memset(n64, 'b', 64);
	n64[64] = '\0';
	declare_bad(p, "", SHMTOP_COUNTER, "", "empty counter name");
	declare_bad(p, n64, SHMTOP_COUNTER, "", "longer than 63 bytes");
	declare_bad(p, "bad\xff", SHMTOP_COUNTER, "", "invalid UTF-8");
	declare_bad(p, "over\xc0\xaflong", SHMTOP_COUNTER, "", "invalid UTF-8");
	declare_bad(p, "surrogate\xed\xa0\x80", SHMTOP_COUNTER, "", "invalid UTF-8");
	declare_bad(p, "cut\xc3", SHMTOP_COUNTER, "", "invalid UTF-8");
	declare_bad(p, "a\x01z", SHMTOP_COUNTER, "", "control character at byte 1");
	declare_bad(p, "new\nline", SHMTOP_COUNTER, "", "control character");
	declare_bad(p, "del\x7f", SHMTOP_COUNTER, "", "control character");
	declare_bad(p, "c1\xc2\x85", SHMTOP_COUNTER, "", "control character");
	declare_bad(p, "u", SHMTOP_COUNTER, "\xc2\xb5s", "not printable ASCII");
	declare_bad(p, "u", SHMTOP_COUNTER, "0123456789abcdef", "unit longer than 15");
	declare_bad(p, "k", (enum shmtop_kind)3, "", "neither");

	struct shmtop_counter a, b, c, d;
	declare_ok(p, n63, SHMTOP_COUNTER, "B", &a);
	declare_ok(p, "caf\xc3\xa9 \xe2\x82\xac", SHMTOP_GAUGE, "req/s", &b);
	declare_bad(p, n63, SHMTOP_COUNTER, "B", "already declared");
	declare_ok(p, "c", SHMTOP_COUNTER, "", &c);
	declare_ok(p, "d", SHMTOP_COUNTER, "", &d);
	declare_bad(p, "e", SHMTOP_COUNTER, "", "the record is full (capacity 4)");
	/* each counter on its own cache line */
	assert_int_equal((uintptr_t)a.value % 64, 0);
	assert_int_equal((uintptr_t)b.value - (uintptr_t)a.value, 64);

	/* published at the next step, names and units as declared */
	assert_true(shmtop_step(p) >= 0);
	shmtop_reader *r = open_reader(test_key(1));
	struct shmtop_status st;
	struct shmtop_value v[4];
	assert_int_equal(read_all(r, &st, v, 4), 4);
	assert_string_equal(v[0].name, n63);
	assert_string_equal(v[0].unit, "B");
	assert_int_equal(v[0].kind, SHMTOP_COUNTER);
	assert_string_equal(v[1].name, "caf\xc3\xa9 \xe2\x82\xac");
	assert_string_equal(v[1].unit, "req/s");
	assert_int_equal(v[1].kind, SHMTOP_GAUGE);
	assert_int_equal(st.state, SHMTOP_STATE_RUNNING);
	assert_int_equal(st.writer_pid, getpid());
	assert_true(st.writer_alive);
	assert_int_equal(st.accept, 0);
	shmtop_reader_close(r);
	shmtop_close(p);
	test_remove_key(test_key(1));
}

static void test_hot_path_and_step(void **state)
{
	(void)state;
	key_t key = test_key(2);
	shmtop_publisher *p = open_pub(
	    &(struct shmtop_options){ .key = key, .period_ns = 5 * NS_PER_MS, .history = 8 });
	struct shmtop_counter x, y, g;
	declare_ok(p, "x", SHMTOP_COUNTER, "", &x);
	declare_ok(p, "y", SHMTOP_COUNTER, "", &y);
	declare_ok(p, "g", SHMTOP_GAUGE, "", &g);
	shmtop_reader *r = open_reader(key);
	struct shmtop_status st;
	struct shmtop_value v[3];
	assert_int_equal(read_all(r, &st, v, 3), 0); /* nothing before a step */
	assert_true(shmtop_step(p) >= 0);            /* new counters: at once */
	assert_int_equal(read_all(r, &st, v, 3), 3);
	assert_int_equal(v[0].value, 0);
	assert_int_equal(v[0].changed_wall_ns, st.stamp_wall_ns);

	shmtop_add(x, 5);
	shmtop_inc(y);
	shmtop_set(g, 42);
	assert_int_equal(read_all(r, &st, v, 3), 3);
	assert_int_equal(v[0].value, 0);
	due_step(p);
	assert_int_equal(read_all(r, &st, v, 3), 3);
	assert_int_equal(v[0].value, 5);
	assert_int_equal(v[1].value, 1);
	assert_int_equal(v[2].value, 42);
	int64_t t1 = st.stamp_wall_ns;
	assert_true(t1 > 0);
	assert_int_equal(v[0].changed_wall_ns, t1);
	assert_int_equal(v[1].changed_wall_ns, t1);

	/* the hot path alone publishes nothing */
	shmtop_add(x, 10);
	shmtop_set(g, 7);
	assert_int_equal(read_all(r, &st, v, 3), 3);
	assert_int_equal(v[0].value, 5);
	assert_int_equal(v[2].value, 42);
	due_step(p);
	assert_int_equal(read_all(r, &st, v, 3), 3);
	assert_true(st.stamp_wall_ns > t1);
	assert_int_equal(v[0].value, 15);
	assert_int_equal(v[0].changed_wall_ns, st.stamp_wall_ns);
	assert_int_equal(v[2].value, 7);
	/* y did not change: it keeps its time */
	assert_int_equal(v[1].value, 1);
	assert_int_equal(v[1].changed_wall_ns, t1);
	/* only max are copied, all are counted */
	assert_int_equal(read_all(r, &st, v, 1), 3);

	/* history: one row per due step, oldest first, ring of 8 keeping 7 */
	uint64_t h[16];
	int64_t hm[16];
	size_t n = shmtop_read_history(r, 0, h, hm, 16);
	assert_int_equal(n, 2);
	assert_int_equal(h[0], 5);
	assert_int_equal(h[1], 15);
	assert_true(hm[0] < hm[1]);
	for (int i = 0; i < 10; i++) {
		shmtop_inc(x);
		due_step(p);
	}
	n = shmtop_read_history(r, 0, h, NULL, 16);
	assert_int_equal(n, 7);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(h[i], 19 + i);
	assert_int_equal(shmtop_read_history(r, 2, h, NULL, 16), 7);
	assert_int_equal(h[6], 7);
	assert_int_equal(shmtop_read_history(r, 99, h, NULL, 16), 0);

	/* close publishes a last time and says stopped */
	shmtop_add(x, 100);
	p = (shmtop_close(p), NULL);
	assert_int_equal(read_all(r, &st, v, 3), 3);
	assert_int_equal(st.state, SHMTOP_STATE_STOPPED);
	assert_false(st.writer_alive);
	assert_int_equal(v[0].value, 125);
	shmtop_reader_close(r);
	test_remove_key(key);
}

/*
 * Consistent snapshots: a thread sets all 256 counters to k, then steps (a
 * period of 1 µs: nearly every step is due), k = 1, 2, ...  Every step
 * that publishes sees all 256 changed, so a whole snapshot has 256 equal
 * values, each with the time of the snapshot's own step.  A torn copy (two
 * steps mixed) breaks one or the other; so would values published outside
 * the seqlock.
 */
#define SNAP_N 256
#define SNAP_READS 20000 /* wanted; a loaded machine may give fewer in 30 s */
#define SNAP_ENOUGH 2000 /* the least that still makes a race likely */

struct snap_run {
	shmtop_publisher *p;
	struct shmtop_counter c[SNAP_N];
	_Atomic int stop;
	uint64_t steps;
};

static void *snap_stepper(void *arg)
{
	struct snap_run *s = arg;
	for (uint64_t k = 1; !atomic_load(&s->stop); k++) {
		for (int i = 0; i < SNAP_N; i++)
			shmtop_set(s->c[i], k);
		shmtop_step(s->p);
		s->steps = k;
	}
	return NULL;
}

static void test_consistent_snapshot(void **state)
{
	(void)state;
	key_t key = test_key(3);
	struct snap_run s = { 0 };
	s.p = open_pub(&(struct shmtop_options){
	    .key = key, .capacity = SNAP_N, .history = 4, .period_ns = 1000 });
	for (int i = 0; i < SNAP_N; i++) {
		char name[16];
		snprintf(name, sizeof name, "c%d", i);
		declare_ok(s.p, name, SHMTOP_GAUGE, "", &s.c[i]);
	}
	shmtop_reader *r = open_reader(key);
	static struct shmtop_value v[SNAP_N];
	pthread_t t;
	assert_int_equal(pthread_create(&t, NULL, snap_stepper, &s), 0);
	long torn = 0, whole = 0, distinct = 0, busy = 0;
	uint64_t last = 0;
	char why[256] = "";
	/* enough snapshots, of enough different steps, for a race to show */
	int64_t deadline = clock_mono_ns() + 30 * NS_PER_SEC;
	while ((whole < SNAP_READS || distinct < SNAP_READS / 10) && clock_mono_ns() < deadline) {
		struct shmtop_status st;
		long n = shmtop_read(r, &st, v, SNAP_N, why, sizeof why);
		if (n < 0 && strstr(why, "publisher busy")) {
			/* a step flat out may starve a reader: said, not torn */
			busy++;
			why[0] = '\0';
			continue;
		}
		if (n < 0)
			break;
		if (n < SNAP_N || v[0].value == 0)
			continue;
		whole++;
		distinct += v[0].value != last;
		last = v[0].value;
		for (int i = 0; i < SNAP_N; i++)
			torn +=
			    v[i].value != v[0].value || v[i].changed_wall_ns != st.stamp_wall_ns;
	}
	atomic_store(&s.stop, 1);
	pthread_join(t, NULL);
	if (why[0])
		fail_msg("shmtop_read: %s", why);
	printf("# %ld snapshots of %d counters, %ld distinct, %llu steps, %ld busy: %ld torn "
	       "pairs\n",
	       whole, SNAP_N, distinct, (unsigned long long)s.steps, busy, torn);
	assert_int_equal(torn, 0);
	assert_true(whole >= SNAP_ENOUGH);
	assert_true(distinct >= SNAP_ENOUGH / 10); /* the reader did race the step */
	shmtop_reader_close(r);
	shmtop_close(s.p);
	test_remove_key(key);
}

/* ---- commands, as a viewer sends them */

static struct shmtop_control *viewer_control(shmtop_reader *r)
{
	struct shmtop_status3 st;
	char why[256] = "";
	if (reader_status(r, &st, why, sizeof why))
		fail_msg("reader_status: %s", why);
	struct shmid_ds cds, dds;
	assert_int_equal(shmctl(st.control_id, IPC_STAT, &cds), 0);
	assert_int_equal(shmctl(reader_shmid(r), IPC_STAT, &dds), 0);
	const struct control_claim c = { .id = st.control_id,
					 .uid = cds.shm_perm.uid,
					 .cpid = cds.shm_cpid };
	const struct control_expect e = { .data_shmid = reader_shmid(r),
					  .data_uid = dds.shm_perm.uid,
					  .writer_pid = st.writer_pid,
					  .token = st.token };
	struct shmtop_control *ctl = control_attach_proven(&c, cds.shm_segsz, &e, why, sizeof why);
	if (!ctl)
		fail_msg("control_attach_proven: %s", why);
	return ctl;
}

/* Send cmd and wait for its acknowledgement; the status then, in st. */
static void command(shmtop_reader *r, struct shmtop_control *ctl, enum shmtop_command cmd,
		    struct shmtop_status3 *st, uint32_t *ticket)
{
	uint32_t t = control_send(ctl, cmd, NULL);
	if (reader_wait_ack(r, t, WAIT_MS, st))
		fail_msg("command %d not acknowledged in %d ms", (int)cmd, WAIT_MS);
	if (ticket)
		*ticket = t;
}

/* Wait until the published value of counter 0 is want. */
static void wait_value(shmtop_reader *r, uint64_t want)
{
	struct shmtop_status st;
	struct shmtop_value v[1];
	int64_t deadline = clock_mono_ns() + WAIT_MS * NS_PER_MS;
	while (read_all(r, &st, v, 1) < 1 || v[0].value != want) {
		if (clock_mono_ns() > deadline)
			fail_msg("value %llu, not %llu, after %d ms",
				 (unsigned long long)v[0].value, (unsigned long long)want, WAIT_MS);
		sleep_ms(1);
	}
}

static void test_pause_resume(void **state)
{
	(void)state;
	key_t key = test_key(4);
	shmtop_publisher *p = open_pub(&(struct shmtop_options){
	    .key = key, .period_ns = 2 * NS_PER_MS, .accept = SHMTOP_ACCEPT_ALL });
	struct shmtop_counter n;
	declare_ok(p, "n", SHMTOP_COUNTER, "", &n);
	assert_int_equal(shmtop_start(p), 0);
	shmtop_reader *r = open_reader(key);
	struct shmtop_control *ctl = viewer_control(r);
	shmtop_add(n, 5);
	wait_value(r, 5);

	struct shmtop_status3 st;
	command(r, ctl, SHMTOP_CMD_PAUSE, &st, NULL);
	assert_int_equal(st.state, SHMTOP_STATE_PAUSED);
	assert_true(shmtop_paused(p));
	shmtop_add(n, 10); /* counted, not published */
	/* let the helper beat five periods while paused */
	int64_t beat = st.beat_ns, deadline = clock_mono_ns() + WAIT_MS * NS_PER_MS;
	while (st.beat_ns < beat + 5 * 2 * NS_PER_MS) {
		if (clock_mono_ns() > deadline)
			fail_msg("no heartbeat while paused");
		sleep_ms(2);
		char why[256];
		assert_int_equal(reader_status(r, &st, why, sizeof why), 0);
	}
	struct shmtop_status s;
	struct shmtop_value v[1];
	assert_int_equal(read_all(r, &s, v, 1), 1);
	assert_int_equal(s.state, SHMTOP_STATE_PAUSED);
	assert_int_equal(v[0].value, 5);
	assert_int_equal(atomic_load(n.value), 15);

	command(r, ctl, SHMTOP_CMD_RESUME, &st, NULL);
	assert_int_equal(st.state, SHMTOP_STATE_RUNNING);
	assert_false(shmtop_paused(p));
	assert_int_equal(read_all(r, &s, v, 1), 1); /* applied with the resume */
	assert_int_equal(v[0].value, 15);
	assert_int_equal(st.refused, 0);
	shmdt(ctl);
	shmtop_reader_close(r);
	shmtop_close(p);
	test_remove_key(key);
}

struct adder {
	struct shmtop_counter c;
	uint64_t n;
	_Atomic int done;
};

static void *add_flat_out(void *arg)
{
	struct adder *a = arg;
	for (uint64_t i = 0; i < a->n; i++)
		shmtop_inc(a->c);
	atomic_store(&a->done, 1);
	return NULL;
}

static void test_reset(void **state)
{
	(void)state;
	key_t key = test_key(5);
	shmtop_publisher *p = open_pub(&(struct shmtop_options){
	    .key = key, .period_ns = NS_PER_MS, .accept = SHMTOP_ACCEPT_RESET });
	struct shmtop_counter n, g;
	declare_ok(p, "n", SHMTOP_COUNTER, "", &n);
	declare_ok(p, "g", SHMTOP_GAUGE, "", &g);
	assert_int_equal(shmtop_start(p), 0);
	shmtop_reader *r = open_reader(key);
	struct shmtop_control *ctl = viewer_control(r);

	/* at rest: both zeroed, acknowledged, published as 0 at once */
	shmtop_add(n, 9);
	shmtop_set(g, 4);
	wait_value(r, 9);
	struct shmtop_status3 st;
	command(r, ctl, SHMTOP_CMD_RESET, &st, NULL);
	assert_int_equal(st.resets, 1);
	struct shmtop_status s;
	struct shmtop_value v[2];
	assert_int_equal(read_all(r, &s, v, 2), 2);
	assert_int_equal(v[0].value, 0);
	assert_int_equal(v[1].value, 0);
	assert_int_equal(s.resets, 1);
	assert_int_equal(atomic_load(n.value), 0);
	assert_int_equal(atomic_load(g.value), 0);

	/* racing a flat-out adder: what resets take plus what is left is
	 * exactly what was added */
	struct adder a = { n, 5 * 1000 * 1000, 0 };
	pthread_t t;
	assert_int_equal(pthread_create(&t, NULL, add_flat_out, &a), 0);
	int64_t deadline = clock_mono_ns() + WAIT_MS * NS_PER_MS;
	while (atomic_load(n.value) == 0 && clock_mono_ns() < deadline)
		sched_yield();
	int resets = 0;
	while (!atomic_load(&a.done) || resets == 0) {
		command(r, ctl, SHMTOP_CMD_RESET, &st, NULL);
		resets++;
	}
	pthread_join(t, NULL);
	uint64_t taken = publisher_reset_taken(p, 0) - 9, left = atomic_load(n.value);
	printf("# %d resets took %llu of %llu adds, %llu left\n", resets, (unsigned long long)taken,
	       (unsigned long long)a.n, (unsigned long long)left);
	assert_true(taken > 0); /* they did race the adds */
	assert_int_equal(taken + left, a.n);
	assert_int_equal(st.resets, 1 + resets);
	assert_int_equal(st.refused, 0);

	/* pause is not accepted: refused, acknowledged, said */
	uint32_t ticket;
	command(r, ctl, SHMTOP_CMD_PAUSE, &st, &ticket);
	assert_int_equal(st.state, SHMTOP_STATE_RUNNING);
	assert_int_equal(st.refused, 1);
	assert_int_equal(st.refused_cmds, SHMTOP_CMD_PAUSE_BIT);
	assert_true(control_acked(st.refused_req, ticket));
	assert_int_equal(st.accept, SHMTOP_CMD_RESET_BIT);
	assert_false(shmtop_paused(p));
	assert_int_equal(read_all(r, &s, v, 2), 2);
	assert_int_equal(s.refused, 1);
	assert_int_equal(s.accept, SHMTOP_ACCEPT_RESET);
	shmdt(ctl);
	shmtop_reader_close(r);
	shmtop_close(p);
	test_remove_key(key);
}

/* A publisher that accepts nothing refuses every command, and its status
 * names them; it serves them from the program's own step loop. */
static void test_refused(void **state)
{
	(void)state;
	key_t key = test_key(6);
	shmtop_publisher *p = open_pub(&(struct shmtop_options){ .key = key });
	struct shmtop_counter n;
	declare_ok(p, "n", SHMTOP_COUNTER, "", &n);
	shmtop_add(n, 3);
	shmtop_reader *r = open_reader(key);
	struct shmtop_control *ctl = viewer_control(r);
	uint32_t t1 = control_send(ctl, SHMTOP_CMD_RESET, NULL);
	uint32_t t2 = control_send(ctl, SHMTOP_CMD_PAUSE, NULL);
	assert_true(shmtop_step(p) >= 0); /* the program's loop */
	struct shmtop_status3 st;
	assert_int_equal(reader_wait_ack(r, t2, WAIT_MS, &st), 0);
	assert_true(control_acked(st.request_ack, t1));
	assert_int_equal(st.refused, 2);
	assert_int_equal(st.refused_cmds, SHMTOP_CMD_PAUSE_BIT | SHMTOP_CMD_RESET_BIT);
	assert_int_equal(st.resets, 0);
	assert_int_equal(st.state, SHMTOP_STATE_RUNNING);
	assert_int_equal(atomic_load(n.value), 3);
	shmdt(ctl);
	shmtop_reader_close(r);
	shmtop_close(p);
	test_remove_key(key);
}

/* shmtop_run() in the program's own thread serves a command at once and
 * returns when stop is set. */
struct runner {
	shmtop_publisher *p;
	_Atomic int stop;
	int rc;
};

static void *run_it(void *arg)
{
	struct runner *u = arg;
	u->rc = shmtop_run(u->p, &u->stop);
	return NULL;
}

static void test_run(void **state)
{
	(void)state;
	key_t key = test_key(7);
	struct runner u = { 0 };
	/* a period of a day: only the futex can make it serve commands */
	u.p = open_pub(&(struct shmtop_options){
	    .key = key, .period_ns = 86400 * NS_PER_SEC, .accept = SHMTOP_ACCEPT_ALL });
	struct shmtop_counter n;
	declare_ok(u.p, "n", SHMTOP_COUNTER, "", &n);
	pthread_t t;
	assert_int_equal(pthread_create(&t, NULL, run_it, &u), 0);
	shmtop_reader *r = open_reader(key);
	struct shmtop_control *ctl = viewer_control(r);
	struct shmtop_status3 st;
	command(r, ctl, SHMTOP_CMD_PAUSE, &st, NULL);
	assert_int_equal(st.state, SHMTOP_STATE_PAUSED);
	atomic_store(&u.stop, 1);
	control_send(ctl, SHMTOP_CMD_RESUME, NULL); /* wakes it */
	pthread_join(t, NULL);
	assert_int_equal(u.rc, 0);
	shmdt(ctl);
	shmtop_reader_close(r);
	shmtop_close(u.p);
	test_remove_key(key);
}

/* ---- takeover */

static void test_takeover(void **state)
{
	(void)state;
	key_t key = test_key(8);
	int pipefd[2];
	assert_int_equal(pipe(pipefd), 0);
	pid_t child = fork();
	if (child == 0) {
		char why[256];
		struct shmtop_options o = { .key = key, .capacity = 8, .history = 16 };
		shmtop_publisher *p = shmtop_open(&o, why, sizeof why);
		struct shmtop_counter a, b, c;
		if (!p || shmtop_declare(p, "a", SHMTOP_COUNTER, "B", &a, why, sizeof why) ||
		    shmtop_declare(p, "b", SHMTOP_GAUGE, "", &b, why, sizeof why) ||
		    shmtop_declare(p, "c", SHMTOP_COUNTER, "", &c, why, sizeof why))
			_exit(1);
		shmtop_add(a, 7);
		shmtop_set(b, 3);
		shmtop_add(c, 11);
		shmtop_step(p);
		if (write(pipefd[1], "k", 1) != 1)
			_exit(1);
		for (;;)
			pause();
	}
	close(pipefd[1]);
	char ch;
	assert_int_equal(read(pipefd[0], &ch, 1), 1);
	close(pipefd[0]);
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	/* as if it died in the middle of an update: seq odd for good */
	struct shmtop_record3 *dead = attach_key(key, 0);
	assert_non_null(dead);
	atomic_fetch_add(&dead->seq, 1);
	shmdt(dead);

	/* a different shape is refused, saying what differs */
	char why[256] = "";
	assert_null(shmtop_open(
	    &(struct shmtop_options){ .key = key, .capacity = 9, .history = 16 }, why, sizeof why));
	assert_non_null(strstr(why, "8 counters and 16 history rows, not 9 and 16"));
	assert_null(strchr(why, '\n'));

	shmtop_publisher *p =
	    open_pub(&(struct shmtop_options){ .key = key, .capacity = 8, .history = 16 });
	struct shmtop_counter a, b, d;
	declare_ok(p, "a", SHMTOP_COUNTER, "B", &a);
	assert_int_equal(atomic_load(a.value), 7);
	declare_bad(p, "b", SHMTOP_COUNTER, "", "is a gauge in the record taken over");
	declare_ok(p, "b", SHMTOP_GAUGE, "", &b);
	assert_int_equal(atomic_load(b.value), 3);
	declare_ok(p, "d", SHMTOP_COUNTER, "", &d);
	shmtop_add(a, 1);
	assert_true(shmtop_step(p) >= 0);
	shmtop_reader *r = open_reader(key);
	struct shmtop_status3 st;
	assert_int_equal(reader_status(r, &st, why, sizeof why), 0);
	assert_int_equal(st.seq % 2, 0); /* whole again */
	assert_int_equal(st.writers, 2);
	assert_int_equal(st.writer_pid, getpid());
	struct shmtop_status s;
	struct shmtop_value v[8];
	assert_int_equal(read_all(r, &s, v, 8), 4);
	assert_string_equal(v[2].name, "c"); /* not declared again: kept */
	assert_int_equal(v[2].value, 11);
	assert_string_equal(v[3].name, "d");
	shmtop_reader_close(r);
	shmtop_close(p);

	/* taken over again (stopped, not dead), with reset: all start at 0 */
	p = open_pub(
	    &(struct shmtop_options){ .key = key, .capacity = 8, .history = 16, .reset = true });
	declare_ok(p, "a", SHMTOP_COUNTER, "B", &a);
	assert_int_equal(atomic_load(a.value), 0);
	shmtop_close(p);
	test_remove_key(key);
}

/* A segment removed under its publisher (ipcrm): the step says so, and
 * the program closes. */
static void test_segment_removed(void **state)
{
	(void)state;
	key_t key = test_key(11);
	shmtop_publisher *p = open_pub(&(struct shmtop_options){ .key = key });
	assert_int_equal(shmctl(shmtop_shmid(p), IPC_RMID, NULL), 0);
	int64_t deadline = clock_mono_ns() + WAIT_MS * NS_PER_MS;
	while (shmtop_step(p) >= 0) {
		if (clock_mono_ns() > deadline)
			fail_msg("the step did not notice the removal in %d ms", WAIT_MS);
		sleep_ms(10);
	}
	assert_non_null(strstr(shmtop_error(p), "was removed (ipcrm)"));
	assert_true(shmtop_step(p) < 0);
	shmtop_close(p);
	test_remove_key(key);
}

/* ---- the reader on what it did not expect */

/* A private segment of size bytes holding bytes (len of them). */
static int private_copy(const void *bytes, size_t len, size_t size)
{
	int id = shmget(IPC_PRIVATE, size, IPC_CREAT | 0600);
	assert_true(id >= 0);
	void *m = shmat(id, NULL, 0);
	assert_true(m != (void *)-1);
	memcpy(m, bytes, len < size ? len : size);
	shmdt(m);
	return id;
}

static void open_fails(int shmid, const char *want)
{
	char why[256] = "";
	shmtop_reader *r = shmtop_reader_open(0, shmid, why, sizeof why);
	if (r)
		fail_msg("opened a record that should fail with \"%s\"", want);
	if (!strstr(why, want))
		fail_msg("reason \"%s\" lacks \"%s\"", why, want);
	assert_null(strstr(why, "damaged"));
}

/* shmid opens, and its first read fails with a reason containing want. */
static void read_fails(int shmid, const char *want)
{
	char why[256] = "";
	shmtop_reader *r = shmtop_reader_open(0, shmid, why, sizeof why);
	if (!r)
		fail_msg("shmtop_reader_open: %s", why);
	struct shmtop_value v[16];
	assert_int_equal(shmtop_read(r, NULL, v, 16, why, sizeof why), -1);
	if (!strstr(why, want))
		fail_msg("reason \"%s\" lacks \"%s\"", why, want);
	shmtop_reader_close(r);
}

static void test_other_versions(void **state)
{
	(void)state;
	key_t key = test_key(9);
	char why[256] = "";
	v2writer *w = v2writer_open(
	    &(struct v2writer_options){ .key = key, .mode = 0600, .control_mode = 0600 }, why,
	    sizeof why);
	if (!w)
		fail_msg("v2writer_open: %s", why);
	why[0] = '\0';
	assert_null(shmtop_reader_open(key, 0, why, sizeof why));
	assert_non_null(strstr(why, "a version 2 record (shmwriter's, up to shmtop 0.3)"));
	assert_non_null(strstr(why, "this library reads version 3"));
	v2writer_close(w);
	test_remove_key(key);

	/* a version 4 record, say: a version 3 one with its version moved on */
	shmtop_publisher *p = open_pub(&(struct shmtop_options){ .key = key, .capacity = 2 });
	const struct shmtop_record3 *rec = attach_key(key, SHM_RDONLY);
	assert_non_null(rec);
	size_t size = (size_t)atomic_load(&rec->segment_size);
	unsigned char *copy = malloc(size);
	memcpy(copy, rec, size);
	uint32_t four = 4;
	memcpy(copy + 8, &four, 4);
	int id = private_copy(copy, size, size);
	open_fails(id, "a version 4 record: this library reads version 3");
	shmctl(id, IPC_RMID, NULL);
	/* too small for anything */
	id = private_copy(copy, size, 8);
	open_fails(id, "too small");
	shmctl(id, IPC_RMID, NULL);
	/* no such segment */
	open_fails(-1, "shmid -1");
	free(copy);
	shmdt(rec);
	shmtop_close(p);
	test_remove_key(key);
}

static uint64_t rng_state = 0x2545f4914f6cdd1dULL;

static uint64_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/*
 * Random corruption of a real record's bytes, in a private segment: every
 * open and read either succeeds with bounded, valid strings or fails with
 * a one-line reason.  Run under ASan, an overrun would abort.
 */
static void test_hostile_bytes(void **state)
{
	(void)state;
	key_t key = test_key(10);
	shmtop_publisher *p = open_pub(&(struct shmtop_options){
	    .key = key, .capacity = 16, .history = 8, .period_ns = 1000 });
	struct shmtop_counter c[16];
	for (int i = 0; i < 12; i++) {
		char name[32];
		snprintf(name, sizeof name, "counter \xe2\x82\xac%d", i);
		declare_ok(p, name, i % 2 ? SHMTOP_GAUGE : SHMTOP_COUNTER, "B", &c[i]);
		shmtop_add(c[i], (uint64_t)i * 1000);
	}
	for (int k = 0; k < 10; k++)
		due_step(p);
	const void *rec = attach_key(key, SHM_RDONLY);
	assert_non_null(rec);
	struct shmid_ds ds;
	assert_int_equal(shmctl(shmtop_shmid(p), IPC_STAT, &ds), 0);
	size_t size = ds.shm_segsz;
	unsigned char *good = malloc(size);
	memcpy(good, rec, size);
	shmdt(rec);
	shmtop_close(p);
	test_remove_key(key);

	/* the copy itself reads back whole */
	int id = private_copy(good, size, size);
	char why[256];
	shmtop_reader *r = shmtop_reader_open(0, id, why, sizeof why);
	assert_non_null(r);
	struct shmtop_value v[16];
	struct shmtop_status st;
	assert_int_equal(shmtop_read(r, &st, v, 16, why, sizeof why), 12);
	assert_int_equal(v[11].value, 11000);
	shmtop_reader_close(r);
	unsigned char *m = shmat(id, NULL, 0);
	assert_true(m != (void *)-1);

	const size_t hot_off = ((const struct shmtop_record3 *)(const void *)good)->hot_off;
	int opened = 0, read_ok = 0, refused = 0;
	for (int trial = 0; trial < 3000; trial++) {
		memcpy(m, good, size);
		int nbytes = 1 + (int)(rnd() % 8);
		for (int b = 0; b < nbytes; b++) {
			/* mostly where it matters: header, status, metadata, values */
			size_t off = trial % 4 == 0 ? rnd() % size : rnd() % hot_off;
			m[off] =
			    (unsigned char)(trial % 3 == 0 ? rnd() : m[off] ^ (1u << (rnd() % 8)));
		}
		why[0] = '\0';
		r = shmtop_reader_open(0, id, why, sizeof why);
		if (!r) {
			refused++;
			assert_true(why[0] != '\0');
			assert_null(strchr(why, '\n'));
			continue;
		}
		opened++;
		long n = shmtop_read(r, &st, v, 16, why, sizeof why);
		if (n >= 0) {
			read_ok++;
			assert_true(n <= 16);
			for (long i = 0; i < n; i++) {
				assert_true(strnlen(v[i].name, sizeof v[i].name) <
					    sizeof v[i].name);
				assert_true(strnlen(v[i].unit, sizeof v[i].unit) <
					    sizeof v[i].unit);
				assert_true(v[i].kind == SHMTOP_COUNTER ||
					    v[i].kind == SHMTOP_GAUGE);
			}
		} else {
			assert_true(why[0] != '\0');
			assert_null(strchr(why, '\n'));
		}
		uint64_t hv[16];
		int64_t hm[16];
		for (size_t i = 0; i < 17; i++)
			assert_true(shmtop_read_history(r, i, hv, hm, 16) <= 7);
		shmtop_reader_close(r);
	}
	printf("# 3000 corruptions: %d refused at open, %d opened, %d read whole\n", refused,
	       opened, read_ok);
	assert_true(refused > 0 && opened > read_ok);

	/* counted but unpublished metadata, a name without its NUL, a huge
	 * count: each refused with its reason */
	struct shmtop_meta3 *meta =
	    (void *)(m + ((const struct shmtop_record3 *)(const void *)good)->meta_off);
	memcpy(m, good, size);
	memset(meta[3].name, 'x', sizeof meta[3].name);
	read_fails(id, "counter 3: counter name longer than 63 bytes");
	memcpy(m, good, size);
	atomic_store(&meta[5].published, 0);
	read_fails(id, "counter 5 is counted but its metadata is not published");
	/* names must be unique: three counters of one name (the same
	 * Prometheus sample three times) are refused, naming it */
	memcpy(m, good, size);
	memcpy(meta[7].name, meta[2].name, sizeof meta[7].name);
	memcpy(meta[9].name, meta[2].name, sizeof meta[9].name);
	read_fails(id, "counter 7: the name \"counter \xe2\x82\xac"
		       "2\" is another counter's");
	memcpy(m, good, size);
	memcpy(meta[11].name, meta[0].name, sizeof meta[11].name);
	read_fails(id, "counter 11: the name \"counter \xe2\x82\xac"
		       "0\" is another counter's");
	memcpy(m, good, size);
	atomic_store(&((struct shmtop_record3 *)(void *)m)->ncounters, 1000000);
	read_fails(id, "record says 1000000 counters, it holds 16");
	/* an odd seq that stays odd: busy or dead, said so */
	memcpy(m, good, size);
	atomic_fetch_add(&((struct shmtop_record3 *)(void *)m)->seq, 1);
	read_fails(id, "publisher busy or dead mid-update");
	/* a different capacity with the same size: offsets do not match */
	memcpy(m, good, size);
	atomic_store(&((struct shmtop_record3 *)(void *)m)->capacity, 15);
	open_fails(id, "area offsets do not match its capacity 15");

	shmdt(m);
	shmctl(id, IPC_RMID, NULL);
	free(good);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_options),
		cmocka_unit_test(test_declare),
		cmocka_unit_test(test_hot_path_and_step),
		cmocka_unit_test(test_consistent_snapshot),
		cmocka_unit_test(test_pause_resume),
		cmocka_unit_test(test_reset),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_run),
		cmocka_unit_test(test_takeover),
		cmocka_unit_test(test_segment_removed),
		cmocka_unit_test(test_other_versions),
		cmocka_unit_test(test_hostile_bytes),
	};
	return cmocka_run_group_tests(tests, NULL, test_cleanup_keys);
}
