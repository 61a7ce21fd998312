/* SPDX-License-Identifier: MIT */
/* The lifecycle event log: every transition events_diff() knows, the ring,
 * the log line, and the detail view's log of the watched segment (the first
 * observation is the baseline; later ones are diffed). */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "control.h"
#include "events.h"
#include "record.h"

#define T0 INT64_C(1700000000000000000)

static struct events_obs seg(int shmid, uint64_t nattch)
{
	struct events_obs o;
	memset(&o, 0, sizeof o);
	o.present = true;
	o.st.shmid = shmid;
	o.st.key = 0x2537;
	o.st.size = 16640;
	o.st.mode = 0600;
	o.st.cpid = 100;
	o.st.lpid = 100;
	o.st.nattch = nattch;
	o.st.atime = 1000;
	o.st.dtime = 900;
	o.st.ctime = 800;
	return o;
}

static struct events_obs writer(int shmid, pid_t pid, uint64_t writers)
{
	struct events_obs o = seg(shmid, 1);
	o.have_writer = true;
	o.writer_pid = pid;
	o.writer_start = (uint64_t)pid * 10;
	o.state = SHMTOP_STATE_RUNNING;
	o.writers = writers;
	o.writer_alive = true;
	return o;
}

/* Diff prev -> cur into a fresh ring and check the kinds and texts. */
static struct events_ring ring;

static void expect(const struct events_obs *prev, const struct events_obs *cur, size_t n, ...)
{
	events_init(&ring);
	assert_int_equal(events_diff(prev, cur, T0, &ring), n);
	assert_int_equal(events_count(&ring), n);
	va_list ap;
	va_start(ap, n);
	for (size_t i = 0; i < n; i++) {
		enum event_kind k = va_arg(ap, enum event_kind);
		const char *text = va_arg(ap, const char *);
		const struct event *e = events_get(&ring, i);
		assert_non_null(e);
		assert_int_equal(e->kind, k);
		assert_string_equal(e->text, text);
		assert_true(e->wall_ns == T0);
	}
	va_end(ap);
}

static void test_nothing(void **state)
{
	(void)state;
	struct events_obs a = seg(5, 2), absent;
	memset(&absent, 0, sizeof absent);
	expect(&a, &a, 0);
	expect(&absent, &absent, 0);
	struct events_obs w = writer(5, 42, 1);
	expect(&w, &w, 0);
	/* lpid alone moving is no event (it moves with every shmat/shmdt, seen
	 * through nattch and the times) */
	struct events_obs b = a;
	b.st.lpid = 77;
	expect(&a, &b, 0);
}

static void test_created_gone(void **state)
{
	(void)state;
	struct events_obs absent, a = seg(5, 0);
	memset(&absent, 0, sizeof absent);
	expect(&absent, &a, 1, EVENT_CREATED,
	       "segment shmid 5 key 0x00002537 created by pid 100 (16640 bytes)");
	assert_int_equal(events_get(&ring, 0)->pid, 100);
	expect(&a, &absent, 1, EVENT_GONE, "segment shmid 5 is gone");
	assert_int_equal(events_get(&ring, 0)->shmid, 5);
	/* created with a writer in it already */
	struct events_obs w = writer(6, 42, 1);
	expect(&absent, &w, 2, EVENT_CREATED,
	       "segment shmid 6 key 0x00002537 created by pid 100 (16640 bytes)",
	       EVENT_WRITER_START, "writer pid 42 started (writer #1)");
}

static void test_attach_detach(void **state)
{
	(void)state;
	struct events_obs a = seg(5, 1), b = seg(5, 2);
	b.st.lpid = 300;
	b.st.atime = 1001;
	expect(&a, &b, 1, EVENT_ATTACH, "pid 300 attached (nattch 2)");
	assert_int_equal(events_get(&ring, 0)->pid, 300);
	assert_int_equal(events_get(&ring, 0)->n, 1);
	b.st.nattch = 4;
	expect(&a, &b, 1, EVENT_ATTACH, "3 attaches, the last by pid 300 (nattch 4)");
	assert_int_equal(events_get(&ring, 0)->n, 3);
	struct events_obs c = seg(5, 0);
	c.st.lpid = 301;
	c.st.dtime = 1002;
	expect(&a, &c, 1, EVENT_DETACH, "pid 301 detached (nattch 0)");
	expect(&b, &c, 1, EVENT_DETACH, "4 detaches, the last by pid 301 (nattch 0)");
	/* nattch unchanged, atime moved (then dtime): an attach, then a detach */
	struct events_obs d = seg(5, 1);
	d.st.atime = 1005;
	d.st.dtime = 1005;
	d.st.lpid = 302;
	expect(&a, &d, 2, EVENT_ATTACH, "brief attach (last pid 302)", EVENT_DETACH,
	       "detached again (last pid 302, nattch 1)");
	/* only dtime moved, past atime: a detach, then an attach */
	struct events_obs e = seg(5, 1);
	e.st.dtime = 1010;
	e.st.lpid = 303;
	expect(&a, &e, 2, EVENT_DETACH, "brief detach (last pid 303)", EVENT_ATTACH,
	       "attached again (last pid 303, nattch 1)");
}

static void test_removed_recreated(void **state)
{
	(void)state;
	struct events_obs a = seg(5, 2), b = seg(5, 2);
	b.st.dest = true;
	b.st.key = 0;
	expect(&a, &b, 1, EVENT_REMOVED,
	       "removed (IPC_RMID): key now 0x00000000, 2 still attached");
	/* removed and the last detach in one tick: just gone */
	struct events_obs absent;
	memset(&absent, 0, sizeof absent);
	expect(&b, &absent, 1, EVENT_GONE, "segment shmid 5 is gone");
	/* the key on a new shmid */
	struct events_obs c = seg(9, 0);
	c.st.cpid = 555;
	expect(&a, &c, 1, EVENT_RECREATED, "key 0x00002537 re-created: shmid 9, was 5");
	assert_int_equal(events_get(&ring, 0)->pid, 555);
	/* recreated by a new writer that took the key over: start, no attach
	 * events across two different segments */
	struct events_obs w = writer(9, 43, 1);
	expect(&a, &w, 2, EVENT_RECREATED, "key 0x00002537 re-created: shmid 9, was 5",
	       EVENT_WRITER_START, "writer pid 43 started (writer #1)");
	/* seen first when already removed */
	struct events_obs d = seg(7, 1);
	d.st.dest = true;
	d.st.key = 0;
	expect(&absent, &d, 2, EVENT_CREATED,
	       "segment shmid 7 key 0x00000000 created by pid 100 (16640 bytes)", EVENT_REMOVED,
	       "removed, 1 still attached");
}

static void test_writer_lifecycle(void **state)
{
	(void)state;
	/* a shmwriter record appears in a segment: the writer attached, then
	 * published */
	struct events_obs a = seg(5, 0), w = writer(5, 42, 1);
	w.st.lpid = 42;
	expect(&a, &w, 2, EVENT_ATTACH, "pid 42 attached (nattch 1)", EVENT_WRITER_START,
	       "writer pid 42 started (writer #1)");
	assert_int_equal(events_get(&ring, 1)->pid, 42);

	/* clean stop, then the detach */
	struct events_obs s = w;
	s.state = SHMTOP_STATE_STOPPED;
	s.writer_alive = false;
	s.st.nattch = 0;
	s.st.lpid = 42;
	expect(&w, &s, 2, EVENT_STOP, "writer pid 42 stopped", EVENT_DETACH,
	       "pid 42 detached (nattch 0)");

	/* death: the process is gone, the state still says running */
	struct events_obs d = w;
	d.writer_alive = false;
	expect(&w, &d, 1, EVENT_DEATH, "writer pid 42 died without stopping");
	expect(&d, &d, 0); /* once */

	/* a new writer after a clean stop: start, not takeover */
	struct events_obs n = writer(5, 50, 2);
	expect(&s, &n, 2, EVENT_ATTACH, "pid 100 attached (nattch 1)", EVENT_WRITER_START,
	       "writer pid 50 started after pid 42 stopped (writer #2)");

	/* a new writer over a dead one: takeover */
	expect(&d, &n, 1, EVENT_TAKEOVER, "writer pid 50 took over from pid 42 (writer #2)");
	assert_int_equal(events_get(&ring, 0)->n, 2);

	/* takeover with --reset: the new writer reset the count */
	struct events_obs r = n;
	r.resets = 1;
	expect(&d, &r, 2, EVENT_TAKEOVER, "writer pid 50 took over from pid 42 (writer #2)",
	       EVENT_RESET, "count reset by the new writer pid 50 (resets 1)");

	/* a writer first seen paused */
	struct events_obs p = writer(5, 60, 1);
	p.state = SHMTOP_STATE_PAUSED;
	struct events_obs bare = seg(5, 1);
	expect(&bare, &p, 2, EVENT_WRITER_START, "writer pid 60 started (writer #1)", EVENT_PAUSE,
	       "writer pid 60 is paused");
}

static void test_commands(void **state)
{
	(void)state;
	struct events_obs w = writer(5, 42, 1), p = w;
	p.state = SHMTOP_STATE_PAUSED;
	p.have_sender = true;
	p.last_pid = 777;
	p.last_uid = 1000;
	expect(&w, &p, 1, EVENT_PAUSE, "paused by pid 777 (uid 1000)");
	const struct event *e = events_get(&ring, 0);
	assert_int_equal(e->pid, 777);
	assert_true(e->have_uid);
	assert_int_equal(e->uid, 1000);

	struct events_obs r = w; /* resumed, sender unknown */
	expect(&p, &r, 1, EVENT_RESUME, "resumed (sender unknown)");
	assert_int_equal(events_get(&ring, 0)->pid, 0);
	assert_false(events_get(&ring, 0)->have_uid);

	struct events_obs x = w;
	x.resets = 1;
	x.have_sender = true;
	x.last_pid = 778;
	x.last_uid = 0;
	expect(&w, &x, 1, EVENT_RESET, "count reset (resets 1) by pid 778 (uid 0)");
	x.resets = 4;
	expect(&w, &x, 1, EVENT_RESET, "count reset 4 times (resets 4) by pid 778 (uid 0)");
	assert_int_equal(events_get(&ring, 0)->n, 4);

	/* reset and pause in one tick, and a stop while paused */
	struct events_obs y = x;
	y.state = SHMTOP_STATE_PAUSED;
	expect(&w, &y, 2, EVENT_RESET, "count reset 4 times (resets 4) by pid 778 (uid 0)",
	       EVENT_PAUSE, "paused by pid 778 (uid 0)");
	struct events_obs z = p;
	z.state = SHMTOP_STATE_STOPPED;
	expect(&p, &z, 1, EVENT_STOP, "writer pid 42 stopped");
	/* the record becoming unreadable is no writer event */
	struct events_obs gone = w;
	gone.have_writer = false;
	expect(&w, &gone, 0);
}

static void test_ring(void **state)
{
	(void)state;
	events_init(&ring);
	assert_int_equal(events_count(&ring), 0);
	assert_null(events_get(&ring, 0));
	struct event e;
	memset(&e, 0, sizeof e);
	for (unsigned i = 0; i < EVENTS_MAX + 10; i++) {
		e.n = i;
		events_push(&ring, &e);
	}
	assert_int_equal(events_count(&ring), EVENTS_MAX);
	assert_int_equal(events_get(&ring, 0)->n, 10);
	assert_int_equal(events_get(&ring, EVENTS_MAX - 1)->n, EVENTS_MAX + 9);
	assert_null(events_get(&ring, EVENTS_MAX));
}

static void test_format(void **state)
{
	(void)state;
	setenv("TZ", "UTC", 1);
	tzset();
	struct events_obs a = seg(5, 1), b = seg(5, 2);
	b.st.lpid = 300;
	events_init(&ring);
	events_diff(&a, &b, T0 + 999999999, &ring);
	char buf[200];
	assert_string_equal(events_format(events_get(&ring, 0), buf, sizeof buf),
			    "22:13:20 attach: pid 300 attached (nattch 2)");
	assert_string_equal(events_format(events_get(&ring, 0), buf, 12), "22:13:20 at");
	assert_string_equal(events_kind_name(EVENT_WRITER_START), "writer start");
	assert_string_equal(events_kind_name(EVENT_NKINDS), "?");
	for (int k = 0; k < EVENT_NKINDS; k++)
		assert_string_not_equal(events_kind_name((enum event_kind)k), "?");
}

static void test_log_baseline_then_events(void **state)
{
	(void)state;
	static struct events_log lg;
	events_log_init(&lg);
	struct ipcstat st = { .shmid = 5, .key = 0x2537, .size = 4096, .nattch = 2, .lpid = 10 };
	struct content c = { .status = { .known = true,
					 .pid = 10,
					 .start = 99,
					 .state = SHMTOP_STATE_RUNNING,
					 .writers = 1 } };
	struct model_input in = {
		.state = MODEL_LIVE, .stat = &st, .content = &c, .writer_alive = true
	};
	assert_int_equal(events_log_update(&lg, &in, 1), 0); /* not news */
	assert_int_equal(events_count(&lg.ring), 0);
	st.nattch = 3;
	st.lpid = 77;
	assert_int_equal(events_log_update(&lg, &in, 2), 1);
	assert_int_equal(events_get(&lg.ring, 0)->kind, EVENT_ATTACH);
	assert_int_equal(events_get(&lg.ring, 0)->pid, 77);
	c.status.state = SHMTOP_STATE_PAUSED;
	assert_int_equal(events_log_update(&lg, &in, 3), 1);
	assert_int_equal(events_get(&lg.ring, 1)->kind, EVENT_PAUSE);
	/* removed: the monitor keeps the stat with dest */
	st.dest = true;
	st.key = 0;
	in.state = MODEL_REMOVED;
	events_log_update(&lg, &in, 4);
	assert_int_equal(events_get(&lg.ring, events_count(&lg.ring) - 1)->kind, EVENT_REMOVED);
	/* a new segment on the key */
	struct ipcstat st2 = { .shmid = 6, .key = 0x2537, .size = 4096, .nattch = 1 };
	in.stat = &st2;
	in.state = MODEL_LIVE;
	events_log_update(&lg, &in, 5);
	/* recreated, then the writer (still paused) on it */
	bool recreated = false;
	for (size_t i = 0; i < events_count(&lg.ring); i++)
		recreated |= events_get(&lg.ring, i)->kind == EVENT_RECREATED;
	assert_true(recreated);
}

/* This viewer's own commands are logged as its; once each, and not one
 * the program refused. */
static void test_log_own_commands(void **state)
{
	(void)state;
	static struct events_log lg;
	events_log_init(&lg);
	struct ipcstat st = { .shmid = 5, .key = 0x2537, .size = 4096, .nattch = 2 };
	struct content c = { .status = { .known = true,
					 .pid = 10,
					 .start = 99,
					 .state = SHMTOP_STATE_RUNNING,
					 .writers = 1 } };
	struct model_input in = {
		.state = MODEL_LIVE, .stat = &st, .content = &c, .writer_alive = true
	};
	events_log_update(&lg, &in, 1);
	events_log_sent(&lg, SHMTOP_CMD_RESET, false);
	c.status.resets = 1;
	assert_int_equal(events_log_update(&lg, &in, 2), 1);
	assert_int_equal(events_get(&lg.ring, 0)->kind, EVENT_RESET);
	assert_string_equal(events_get(&lg.ring, 0)->text, "count reset (resets 1) by this viewer");
	c.status.resets = 2; /* another's, after ours was seen */
	events_log_update(&lg, &in, 3);
	assert_string_equal(events_get(&lg.ring, 1)->text,
			    "count reset (resets 2) (sender unknown)");
	events_log_sent(&lg, SHMTOP_CMD_PAUSE, false);
	events_log_sent(&lg, SHMTOP_CMD_PAUSE, true); /* refused */
	c.status.state = SHMTOP_STATE_PAUSED;
	events_log_update(&lg, &in, 4);
	assert_string_equal(events_get(&lg.ring, 2)->text, "paused (sender unknown)");
	events_log_sent(&lg, SHMTOP_CMD_RESUME, false);
	c.status.state = SHMTOP_STATE_RUNNING;
	events_log_update(&lg, &in, 5);
	assert_string_equal(events_get(&lg.ring, 3)->text, "resumed by this viewer");
}

static void test_observe(void **state)
{
	(void)state;
	struct ipcstat st = { .shmid = 5 };
	struct model_input in = { .state = MODEL_WAITING };
	struct events_obs o;
	events_observe(&in, &o);
	assert_false(o.present);
	in.state = MODEL_FOREIGN;
	in.stat = &st;
	events_observe(&in, &o);
	assert_true(o.present && !o.have_writer);
	assert_int_equal(o.st.shmid, 5);
	in.state = MODEL_REMOVED; /* let go without dest: gone */
	events_observe(&in, &o);
	assert_false(o.present);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nothing),
		cmocka_unit_test(test_created_gone),
		cmocka_unit_test(test_attach_detach),
		cmocka_unit_test(test_removed_recreated),
		cmocka_unit_test(test_writer_lifecycle),
		cmocka_unit_test(test_commands),
		cmocka_unit_test(test_ring),
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_log_baseline_then_events),
		cmocka_unit_test(test_log_own_commands),
		cmocka_unit_test(test_observe),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
