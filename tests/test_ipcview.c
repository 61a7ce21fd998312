/* SPDX-License-Identifier: MIT */
/* The detail views of SysV semaphore sets and message queues, on
 * synthetic looks (no kernel object): a look as counters (ipcview_items()
 * and seen_take()), the estimate of messages sent and received, the full
 * rule, another object on the id, the event log (created, removed,
 * waiters by count and by pid, full, empty) and the dashboard's model
 * (fields, processes, badge, removed); and the same of POSIX message
 * queues (mqueue): counters, the estimate from curmsgs and the mtime,
 * full at maxmsg, removed by name or inode, NOTIFY_PID, the model with
 * waiters and holders. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "events.h"
#include "ipcview.h"
#include "model.h"
#include "seen.h"

#define T0 INT64_C(1700000000000000000)

static struct ipcobj set_of(unsigned nsem)
{
	struct ipcobj o;
	memset(&o, 0, sizeof o);
	o.kind = OBJLIST_SYSV_SEM;
	o.present = true;
	o.ipc.file = SYSVIPC_SEM;
	o.ipc.key = 0x7e01;
	o.ipc.id = 42;
	o.ipc.mode = 0600;
	o.ipc.ctime = 1000;
	o.ipc.nsems = nsem;
	o.values_ok = true;
	o.nsem = nsem < IPCOBJ_SEMS ? nsem : IPCOBJ_SEMS;
	for (size_t i = 0; i < o.nsem; i++)
		o.sem[i] = (struct ipcobj_sem){ (unsigned)i * 10, 100 + (pid_t)i, 0, 0 };
	return o;
}

static struct ipcobj queue_of(uint64_t qnum, uint64_t cbytes, uint64_t qbytes)
{
	struct ipcobj o;
	memset(&o, 0, sizeof o);
	o.kind = OBJLIST_SYSV_MSG;
	o.present = true;
	o.ipc.file = SYSVIPC_MSG;
	o.ipc.key = 0x7e02;
	o.ipc.id = 7;
	o.ipc.mode = 0640;
	o.ipc.ctime = 1000;
	o.ipc.qnum = qnum;
	o.ipc.cbytes = cbytes;
	o.ipc.stime = 2000;
	o.ipc.rtime = 1500;
	o.ipc.lspid = 300;
	o.ipc.lrpid = 301;
	o.values_ok = true;
	o.qbytes = qbytes;
	return o;
}

static const struct model_counter *counter(const struct content *c, const char *name)
{
	static const struct model_counter none;
	for (size_t i = 0; i < c->nctr; i++)
		if (strcmp(c->ctr[i].name, name) == 0)
			return &c->ctr[i];
	fail_msg("no counter %s", name);
	return &none;
}

/* A set of 3: four counters a semaphore, its values and the sparkline
 * kept by what is seen (a sample at each change). */
static void test_set_counters(void **state)
{
	(void)state;
	struct ipcobj o = set_of(3);
	o.sem[1].ncount = 2;
	o.sem[2].zcount = 1;
	struct seen s = { 0 };
	struct content c = { 0 };
	struct ipcview_totals t = { 0 };
	struct decode_want w = { .now_mono = 1000000000, .now_wall = T0 };
	assert_int_equal(ipcview_items(&o, &t, &s), 0);
	assert_int_equal(seen_take(&s, &c, &w), 0);
	assert_int_equal(c.nctr, 12);
	assert_string_equal(c.ctr[0].name, "sem 0 value");
	assert_string_equal(c.ctr[5].name, "sem 1 ncount");
	assert_int_equal(counter(&c, "sem 2 value")->value, 20);
	assert_int_equal(counter(&c, "sem 1 ncount")->value, 2);
	assert_int_equal(counter(&c, "sem 2 zcount")->value, 1);
	assert_int_equal(counter(&c, "sem 1 pid")->value, 101);
	/* a change: one more sample on that counter's sparkline */
	o.sem[2].value = 5;
	w.now_mono += 1000000000;
	assert_int_equal(ipcview_items(&o, &t, &s), 0);
	assert_int_equal(seen_take(&s, &c, &w), 0);
	const struct model_counter *v = counter(&c, "sem 2 value");
	assert_int_equal(v->value, 5);
	assert_int_equal(v->nspark, 2);
	assert_int_equal(counter(&c, "sem 0 value")->nspark, 1);
	content_free(&c);
	seen_free(&s);
}

/* A huge set: the semaphores read are capped, whatever nsems says. */
static void test_set_capped(void **state)
{
	(void)state;
	struct ipcobj o = set_of(32000);
	assert_int_equal(o.nsem, IPCOBJ_SEMS);
	struct seen s = { 0 };
	struct ipcview_totals t = { 0 };
	assert_int_equal(ipcview_items(&o, &t, &s), 0);
	assert_int_equal(s.n, IPCOBJ_SEMS * 4);
	seen_free(&s);
}

/* A queue: depth first (the graph's), qbytes, the estimates. */
static void test_queue_counters(void **state)
{
	(void)state;
	struct ipcobj o = queue_of(3, 23, 16384);
	struct seen s = { 0 };
	struct content c = { 0 };
	struct ipcview_totals t = { 5, 2 };
	struct decode_want w = { .now_mono = 1000000000, .now_wall = T0 };
	assert_int_equal(ipcview_items(&o, &t, &s), 0);
	assert_int_equal(seen_take(&s, &c, &w), 0);
	assert_string_equal(c.ctr[c.selected].name, "messages");
	assert_int_equal(counter(&c, "messages")->value, 3);
	assert_int_equal(counter(&c, "bytes")->value, 23);
	assert_int_equal(counter(&c, "qbytes")->value, 16384);
	assert_int_equal(counter(&c, "sent (est.)")->value, 5);
	assert_int_equal(counter(&c, "sent (est.)")->kind, MODEL_COUNTER);
	assert_int_equal(counter(&c, "received (est.)")->value, 2);
	assert_non_null(strstr(counter(&c, "sent (est.)")->help, "lower bound"));
	assert_int_equal(counter(&c, "lrpid")->value, 301);
	content_free(&c);
	seen_free(&s);
}

static void estimate(uint64_t qa, int64_t sa, int64_t ra, uint64_t qb, int64_t sb, int64_t rb,
		     uint64_t sent, uint64_t received)
{
	struct ipcobj a = queue_of(qa, 0, 100), b = queue_of(qb, 0, 100);
	a.ipc.stime = sa;
	a.ipc.rtime = ra;
	b.ipc.stime = sb;
	b.ipc.rtime = rb;
	uint64_t s = 99, r = 99;
	ipcview_estimate(&a, &b, &s, &r);
	assert_int_equal(s, sent);
	assert_int_equal(r, received);
}

/* The fewest sends and receives that explain two looks. */
static void test_estimate(void **state)
{
	(void)state;
	estimate(0, 10, 10, 0, 10, 10, 0, 0); /* nothing moved */
	estimate(0, 10, 10, 3, 11, 10, 3, 0); /* three sent */
	estimate(3, 10, 10, 3, 10, 10, 0, 0);
	estimate(2, 10, 10, 5, 10, 10, 3, 0); /* sent in stime's second: qnum says so */
	estimate(5, 10, 10, 1, 10, 12, 0, 4); /* four received */
	estimate(2, 10, 10, 2, 11, 12, 1, 1); /* one each at least */
	estimate(2, 10, 10, 4, 11, 12, 3, 1); /* qnum up, and a receive too */
	estimate(4, 10, 10, 1, 11, 12, 1, 4); /* qnum down, and a send too */
	estimate(0, 10, 10, 0, 11, 10, 1, 1); /* a send and qnum the same: a receive too, within
					       * rtime's second */
}

/* The estimate of a pid change alone (two sends within stime's second,
 * by another sender), and saturation. */
static void test_estimate_pids(void **state)
{
	(void)state;
	struct ipcobj a = queue_of(1, 0, 100), b = queue_of(1, 0, 100);
	b.ipc.lspid = 999;
	b.ipc.lrpid = 998;
	uint64_t s, r;
	ipcview_estimate(&a, &b, &s, &r);
	assert_int_equal(s, 1);
	assert_int_equal(r, 1);
	a = queue_of(0, 0, 100);
	b = queue_of(UINT64_MAX, 0, 100);
	b.ipc.rtime = 1501;
	ipcview_estimate(&a, &b, &s, &r);
	assert_true(s == UINT64_MAX);
}

/* Full: no message with a byte of text fits, or no message at all. */
static void test_full(void **state)
{
	(void)state;
	struct ipcobj q = queue_of(1, 99, 100);
	assert_false(ipcobj_full(&q));
	q.ipc.cbytes = 100;
	assert_true(ipcobj_full(&q));
	q = queue_of(100, 0, 100); /* 100 empty messages */
	assert_true(ipcobj_full(&q));
	q = queue_of(1, 200, 100);
	q.values_ok = false; /* qbytes unknown: never full */
	assert_false(ipcobj_full(&q));
}

static const struct event *last(const struct events_ring *r)
{
	return events_get(r, events_count(r) - 1);
}

/* Removed: the id gone, or another object on it. */
static void test_events_removed(void **state)
{
	(void)state;
	struct events_ring r;
	events_init(&r);
	struct ipcobj a = set_of(2), b = a, gone = a;
	gone.present = false;
	assert_int_equal(events_ipc_diff(&a, &b, T0, &r), 0);
	assert_int_equal(events_ipc_diff(&a, &gone, T0, &r), 1);
	assert_int_equal(last(&r)->kind, EVENT_REMOVED);
	assert_string_equal(last(&r)->text, "semaphore set semid 42: the id is no longer listed");
	assert_int_equal(events_ipc_diff(&gone, &a, T0, &r), 1);
	assert_int_equal(last(&r)->kind, EVENT_CREATED);
	b.ipc.ctime++; /* SETVAL moves a set's ctime: the same set */
	assert_false(ipcobj_other(&a, &b));
	b.ipc.ctime -= 2; /* went back: another set on the id */
	assert_true(ipcobj_other(&a, &b));
	assert_int_equal(events_ipc_diff(&a, &b, T0, &r), 1);
	assert_int_equal(last(&r)->kind, EVENT_REMOVED);
	assert_non_null(strstr(last(&r)->text, "another object"));
	b = a;
	b.ipc.nsems = 3;
	assert_true(ipcobj_other(&a, &b));
	b = a;
	b.ipc.key = 1;
	assert_true(ipcobj_other(&a, &b));
	b = a;
	b.sem[0].value = 9; /* values move: the same set */
	b.ipc.otime = 5000;
	assert_false(ipcobj_other(&a, &b));
	a = b;
	b.ipc.otime = 0; /* a new set, never operated on */
	assert_true(ipcobj_other(&a, &b));
	/* a queue's ctime moves only with IPC_SET: taken for another */
	struct ipcobj q = queue_of(1, 5, 100), q2 = q;
	q2.ipc.qnum = 0;
	q2.ipc.rtime++;
	assert_false(ipcobj_other(&q, &q2));
	q2.ipc.ctime++;
	assert_true(ipcobj_other(&q, &q2));
	q2 = q;
	q2.ipc.stime = 0;
	assert_true(ipcobj_other(&q, &q2));
}

/* Waiters by ncount and zcount, and by pid between two scans. */
static void test_events_waiters(void **state)
{
	(void)state;
	struct events_ring r;
	events_init(&r);
	struct ipcobj a = set_of(2), b = a;
	b.sem[1].ncount = 2;
	assert_int_equal(events_ipc_diff(&a, &b, T0, &r), 1);
	assert_int_equal(last(&r)->kind, EVENT_WAIT);
	assert_string_equal(last(&r)->text, "sem 1: ncount 0 -> 2 (waiting for it to rise)");
	a = b;
	b.sem[1].ncount = 1;
	b.sem[0].zcount = 1;
	assert_int_equal(events_ipc_diff(&a, &b, T0, &r), 2);
	assert_int_equal(events_get(&r, 1)->kind, EVENT_WAIT); /* by semaphore */
	assert_non_null(strstr(events_get(&r, 1)->text, "sem 0: zcount 0 -> 1"));
	assert_int_equal(last(&r)->kind, EVENT_UNWAIT);
	assert_string_equal(last(&r)->text, "sem 1: ncount 2 -> 1 (waiting for it to rise)");
	/* values unread (no permission): no count events */
	a = b;
	b.values_ok = false;
	b.sem[1].ncount = 5;
	assert_int_equal(events_ipc_diff(&a, &b, T0, &r), 0);
	/* named waiters, only between two scans */
	struct ipcobj c = set_of(2), d = c;
	d.nwaits = 1;
	d.waits[0] = (struct objlist_wait){ .pid = 555,
					    .comm = "worker\x1b",
					    .op = OBJLIST_WAIT_SEM,
					    .kind = OBJLIST_SYSV_SEM,
					    .ino = 42,
					    .semnum = 1,
					    .semop = -1 };
	assert_int_equal(events_ipc_diff(&c, &d, T0, &r), 0); /* no scans */
	c.scanned = d.scanned = true;
	assert_int_equal(events_ipc_diff(&c, &d, T0, &r), 1);
	assert_int_equal(last(&r)->kind, EVENT_WAIT);
	assert_int_equal(last(&r)->pid, 555);
	assert_string_equal(last(&r)->text,
			    "pid 555 (worker\\x1b) waits for sem 1 to rise (op -1)");
	assert_int_equal(events_ipc_diff(&d, &c, T0, &r), 1);
	assert_int_equal(last(&r)->kind, EVENT_UNWAIT);
	assert_string_equal(last(&r)->text,
			    "pid 555 (worker\\x1b) no longer waits for sem 1 to rise (op -1)");
}

/* A queue turning full, then empty. */
static void test_events_full_empty(void **state)
{
	(void)state;
	struct events_ring r;
	events_init(&r);
	struct ipcobj a = queue_of(1, 50, 100), b = queue_of(3, 100, 100);
	assert_int_equal(events_ipc_diff(&a, &b, T0, &r), 1);
	assert_int_equal(last(&r)->kind, EVENT_FULL);
	assert_string_equal(last(&r)->text, "100 bytes of qbytes 100 in 3 messages (a sender now "
					    "blocks or fails)");
	assert_int_equal(events_ipc_diff(&b, &b, T0, &r), 0); /* still full: once */
	struct ipcobj e = queue_of(0, 0, 100);
	assert_int_equal(events_ipc_diff(&b, &e, T0, &r), 1);
	assert_int_equal(last(&r)->kind, EVENT_EMPTY);
	assert_string_equal(last(&r)->text, "the last of 3 messages received");
	assert_int_equal(events_ipc_diff(&e, &e, T0, &r), 0);
	assert_string_equal(events_kind_name(EVENT_FULL), "full");
	assert_string_equal(events_kind_name(EVENT_WAIT), "wait");
}

static void build(struct view_model *m, const struct objlist_row *row, const struct ipcobj *o,
		  const struct content *c, bool present)
{
	struct model_object in;
	memset(&in, 0, sizeof in);
	in.row = row;
	in.present = present;
	in.scanned = o->scanned;
	in.scan_ns = T0;
	in.now_wall_ns = T0;
	in.ipc = o;
	in.held.state = MODEL_LIVE;
	in.held.content = c;
	in.held.why = o->why;
	model_build_object(m, &in);
}

static const char *field_value(const struct view_model *m, const char *label)
{
	for (size_t i = 0; i < m->nfields; i++)
		if (strcmp(m->fields[i].label, label) == 0)
			return m->fields[i].value;
	fail_msg("no field %s", label);
	return "";
}

/* The dashboard of a queue: its fields, waiter and last operators. */
static void test_model_queue(void **state)
{
	(void)state;
	struct ipcobj o = queue_of(3, 100, 100);
	o.scanned = true;
	o.nwaits = 1;
	o.waits[0] = (struct objlist_wait){
		.pid = 77, .comm = "sender", .op = OBJLIST_WAIT_MSGSND, .since_ns = T0 - 3000000000
	};
	o.nops = 2;
	o.ops[0] = (struct ipcobj_op){ .pid = 300, .comm = "prod", .send = true };
	o.ops[1] = (struct ipcobj_op){ .pid = 301, .comm = "", .recv = true };
	struct objlist_row row;
	memset(&row, 0, sizeof row);
	row.kind = OBJLIST_SYSV_MSG;
	row.ipc = o.ipc;
	struct view_model m;
	build(&m, &row, &o, NULL, true);
	assert_string_equal(m.badge, "SYSV-MSG");
	assert_non_null(strstr(m.title, "key 0x00007e02  msqid 7"));
	assert_non_null(strstr(m.message, "estimates, lower bounds"));
	assert_string_equal(field_value(&m, "messages"), "3");
	assert_string_equal(field_value(&m, "bytes"), "100 of qbytes 100 (full)");
	assert_string_equal(field_value(&m, "perms"), "rw-r----- 0640");
	assert_string_equal(field_value(&m, "waiters"), "1");
	assert_int_equal(m.nprocs, 3);
	assert_non_null(strstr(m.procs[0], "waits"));
	assert_non_null(strstr(m.procs[0], "sender: room for a message, 3s or more"));
	assert_non_null(strstr(m.procs[1], "sender    prod"));
	assert_non_null(strstr(m.procs[2], "receiver  (gone, or another process now)"));
	build(&m, &row, &o, NULL, false);
	assert_string_equal(m.badge, "GONE");
	assert_int_equal(m.state, MODEL_REMOVED);
	assert_non_null(strstr(m.message, "removed: msqid 7"));
}

/* A POSIX object's holders panel: the processes blocked on a futex in it
 * first (their comm escaped), then its holders; its event log says when
 * one arrives and leaves, between two scans. */
static void test_object_waiters(void **state)
{
	(void)state;
	struct objlist_row row;
	memset(&row, 0, sizeof row);
	row.kind = OBJLIST_POSIX;
	snprintf(row.name, sizeof row.name, "obj");
	struct objlist_holder h = { .pid = 10, .uid = 0, .comm = "holder", .maps_rw = 1 };
	struct objlist_wait w[2] = {
		{ .pid = 10,
		  .comm = "holder",
		  .op = OBJLIST_WAIT_FUTEX,
		  .kind = OBJLIST_POSIX,
		  .offset = 8,
		  .since_ns = T0 - 3000000000 },
		{ .pid = 11, .comm = "w\x1b", .op = OBJLIST_WAIT_FUTEX, .offset = 16 },
	};
	struct model_object in;
	memset(&in, 0, sizeof in);
	in.row = &row;
	in.present = true;
	in.holders = &h;
	in.nholders = 1;
	in.scanned = true;
	in.scan_ns = in.now_wall_ns = T0;
	in.held.state = MODEL_FOREIGN;
	struct view_model m;
	model_build_object(&m, &in);
	assert_string_equal(m.procs_title, "holders: 1 process, scanned <1s ago");
	assert_int_equal(m.nprocs, 1);
	in.waits = w;
	in.nwaits = 2;
	model_build_object(&m, &in);
	assert_string_equal(m.procs_title,
			    "holders: 1 process, 2 waiting on a futex in it, scanned <1s ago");
	assert_int_equal(m.nprocs, 3);
	assert_string_equal(m.procs[0],
			    "     10 root       waits   holder: a futex at offset 8, 3s or more");
	assert_string_equal(m.procs[1], "     11 root       waits   w\\x1b: a futex at offset 16");
	assert_string_equal(m.procs[2], "     10 root       rw      holder");

	struct events_ring r;
	events_init(&r);
	struct events_objobs a, b;
	memset(&a, 0, sizeof a);
	a.present = a.scanned = true;
	b = a;
	b.nwaits = 2;
	memcpy(b.waits, w, sizeof w);
	assert_int_equal(events_obj_diff(&a, &b, T0, &r), 2);
	assert_int_equal(events_get(&r, 0)->kind, EVENT_WAIT);
	assert_string_equal(events_get(&r, 0)->text,
			    "pid 10 (holder) waits for a futex at offset 8");
	assert_string_equal(last(&r)->text, "pid 11 (w\\x1b) waits for a futex at offset 16");
	a = b;
	b.nwaits = 1;
	b.waits[0] = w[1];
	assert_int_equal(events_obj_diff(&a, &b, T0, &r), 1);
	assert_int_equal(last(&r)->kind, EVENT_UNWAIT);
	assert_int_equal(last(&r)->pid, 10);
	assert_string_equal(last(&r)->text,
			    "pid 10 (holder) no longer waits for a futex at offset 8");
	b.scanned = false; /* no scan: nothing said */
	assert_int_equal(events_obj_diff(&b, &a, T0, &r), 0);

	/* a SysV segment's log: the same, labelled with its shmid and key */
	struct events_obs p, c;
	memset(&p, 0, sizeof p);
	p.present = p.waits_scanned = true;
	p.st.shmid = 5;
	p.st.key = 0x2537;
	c = p;
	c.nwaits = 1;
	c.waits[0] = w[0];
	assert_int_equal(events_diff(&p, &c, T0, &r), 1);
	assert_int_equal(last(&r)->kind, EVENT_WAIT);
	assert_int_equal(last(&r)->shmid, 5);
	assert_int_equal(last(&r)->key, 0x2537);
	assert_string_equal(last(&r)->text, "pid 10 (holder) waits for a futex at offset 8");
	assert_int_equal(events_diff(&c, &p, T0, &r), 1);
	assert_int_equal(last(&r)->kind, EVENT_UNWAIT);
	p.waits_scanned = false; /* the first scan: no news */
	assert_int_equal(events_diff(&p, &c, T0, &r), 0);
}

/* A set without read permission: why, and its /proc fields. */
static void test_model_set_denied(void **state)
{
	(void)state;
	struct ipcobj o = set_of(3);
	o.values_ok = false;
	o.nsem = 0;
	snprintf(o.why, sizeof o.why, "no read permission");
	struct objlist_row row;
	memset(&row, 0, sizeof row);
	row.kind = OBJLIST_SYSV_SEM;
	row.ipc = o.ipc;
	struct view_model m;
	build(&m, &row, &o, NULL, true);
	assert_string_equal(m.badge, "SYSV-SEM");
	assert_non_null(strstr(m.message, "3 semaphores; no read permission"));
	assert_string_equal(field_value(&m, "nsems"), "3");
	assert_string_equal(field_value(&m, "otime"), "never");
	assert_string_equal(field_value(&m, "waiters"), "not scanned");
	assert_int_equal(m.ncounters, 0);
}

static struct ipcobj mq_of(uint64_t curmsgs, uint64_t maxmsg, uint64_t msgsize, uint64_t qsize)
{
	struct ipcobj o;
	memset(&o, 0, sizeof o);
	o.kind = OBJLIST_MQUEUE;
	o.present = true;
	snprintf(o.mq.name, sizeof o.mq.name, "/q\x1b[31m");
	o.mq.dev = 20;
	o.mq.ino = 4711;
	o.mq.mode = 0640;
	o.mq.mtime_ns = T0;
	o.mq.have_qsize = true;
	o.mq.qsize = qsize;
	o.values_ok = true;
	o.mq.curmsgs = curmsgs;
	o.mq.maxmsg = maxmsg;
	o.mq.msgsize = msgsize;
	return o;
}

/* An mqueue: depth first, QSIZE, the room (saturated), unread attributes
 * kept as novalue. */
static void test_mq_counters(void **state)
{
	(void)state;
	struct ipcobj o = mq_of(3, 10, 64, 150);
	struct seen s = { 0 };
	struct content c = { 0 };
	struct ipcview_totals t = { 4, 1 };
	struct decode_want w = { .now_mono = 1000000000, .now_wall = T0 };
	assert_int_equal(ipcview_items(&o, &t, &s), 0);
	assert_int_equal(seen_take(&s, &c, &w), 0);
	assert_string_equal(c.ctr[c.selected].name, "messages");
	assert_int_equal(counter(&c, "messages")->value, 3);
	assert_int_equal(counter(&c, "bytes")->value, 150);
	assert_int_equal(counter(&c, "maxmsg")->value, 10);
	assert_int_equal(counter(&c, "msgsize")->value, 64);
	assert_int_equal(counter(&c, "room")->value, 640);
	assert_int_equal(counter(&c, "sent (est.)")->value, 4);
	assert_int_equal(counter(&c, "received (est.)")->value, 1);
	assert_non_null(strstr(counter(&c, "sent (est.)")->help, "mtime"));
	assert_int_equal(counter(&c, "notify pid")->value, 0);
	content_free(&c);
	o = mq_of(0, UINT64_MAX, 2, 0);
	assert_int_equal(ipcview_items(&o, &t, &s), 0);
	assert_true(s.item[4].value == UINT64_MAX); /* room */
	o.values_ok = false;
	assert_int_equal(ipcview_items(&o, &t, &s), 0);
	assert_true(s.item[0].novalue && s.item[4].novalue && !s.item[1].novalue);
	seen_free(&s);
}

static void mq_estimate(uint64_t qa, int64_t ma, uint64_t qb, int64_t mb, uint64_t sent,
			uint64_t received)
{
	struct ipcobj a = mq_of(qa, 10, 8, 0), b = mq_of(qb, 10, 8, 0);
	a.mq.mtime_ns = ma;
	b.mq.mtime_ns = mb;
	uint64_t s = 99, r = 99;
	ipcview_estimate(&a, &b, &s, &r);
	assert_int_equal(s, sent);
	assert_int_equal(r, received);
}

/* One time for sends and receives: the net change, and one of each when
 * the mtime moved with none. */
static void test_mq_estimate(void **state)
{
	(void)state;
	mq_estimate(0, 10, 0, 10, 0, 0); /* nothing moved */
	mq_estimate(0, 10, 3, 11, 3, 0); /* three sent */
	mq_estimate(5, 10, 1, 11, 0, 4); /* four received */
	mq_estimate(2, 10, 2, 11, 1, 1); /* the mtime alone: one each at least */
	mq_estimate(2, 10, 2, 10, 0, 0);
	struct ipcobj a = mq_of(1, 10, 8, 0), b = mq_of(5, 10, 8, 0);
	b.mq.mtime_ns = T0 + 1;
	b.values_ok = false; /* no curmsgs: nothing inferred */
	uint64_t s, r;
	ipcview_estimate(&a, &b, &s, &r);
	assert_int_equal(s, 0);
	assert_int_equal(r, 0);
}

/* Full at maxmsg; removed by name or by another inode; empty; NOTIFY_PID. */
static void test_mq_events(void **state)
{
	(void)state;
	struct events_ring r;
	events_init(&r);
	struct ipcobj none = { .kind = OBJLIST_MQUEUE }, a = mq_of(9, 10, 8, 72),
		      b = mq_of(10, 10, 8, 80);
	assert_false(ipcobj_full(&a));
	assert_true(ipcobj_full(&b));
	assert_int_equal(events_ipc_diff(&none, &a, T0, &r), 1);
	assert_int_equal(last(&r)->kind, EVENT_CREATED);
	assert_string_equal(last(&r)->text, "POSIX message queue /q\\x1b[31m is there");
	assert_int_equal(events_ipc_diff(&a, &b, T0, &r), 1);
	assert_int_equal(last(&r)->kind, EVENT_FULL);
	assert_string_equal(last(&r)->text,
			    "10 messages of maxmsg 10, 80 bytes (a sender now blocks or fails)");
	assert_int_equal(events_ipc_diff(&b, &b, T0, &r), 0);
	struct ipcobj e = mq_of(0, 10, 8, 0);
	assert_int_equal(events_ipc_diff(&b, &e, T0, &r), 1);
	assert_int_equal(last(&r)->kind, EVENT_EMPTY);
	assert_string_equal(last(&r)->text, "the last of 10 messages received");
	/* no attributes read: no full, no empty */
	struct ipcobj u = b;
	u.values_ok = false;
	assert_false(ipcobj_full(&u));
	assert_int_equal(events_ipc_diff(&u, &e, T0, &r), 0);
	/* NOTIFY_PID set, moved, cleared */
	struct ipcobj n = e;
	n.mq.notify_pid = 321;
	assert_int_equal(events_ipc_diff(&e, &n, T0, &r), 1);
	assert_int_equal(last(&r)->kind, EVENT_NOTIFY);
	assert_int_equal(last(&r)->pid, 321);
	assert_string_equal(last(&r)->text,
			    "pid 321 asked to be notified of a message (mq_notify)");
	struct ipcobj n2 = n;
	n2.mq.notify_pid = 322;
	assert_int_equal(events_ipc_diff(&n, &n2, T0, &r), 1);
	assert_string_equal(last(&r)->text, "notification moved from pid 321 to pid 322");
	assert_int_equal(events_ipc_diff(&n2, &e, T0, &r), 1);
	assert_string_equal(last(&r)->text, "pid 322's notification cleared (sent, or cancelled)");
	assert_string_equal(events_kind_name(EVENT_NOTIFY), "notify");
	/* a waiter by pid, between two scans */
	struct ipcobj w = e;
	w.scanned = e.scanned = true;
	w.nwaits = 1;
	w.waits[0] = (struct objlist_wait){ .pid = 55, .comm = "rx", .op = OBJLIST_WAIT_MQRCV };
	assert_int_equal(events_ipc_diff(&e, &w, T0, &r), 1);
	assert_string_equal(last(&r)->text, "pid 55 (rx) waits for a message");
	assert_int_equal(events_ipc_diff(&w, &e, T0, &r), 1);
	assert_int_equal(last(&r)->kind, EVENT_UNWAIT);
	/* removed: the name gone, or another inode under it */
	struct ipcobj g = { .kind = OBJLIST_MQUEUE };
	assert_int_equal(events_ipc_diff(&e, &g, T0, &r), 1);
	assert_int_equal(last(&r)->kind, EVENT_REMOVED);
	assert_string_equal(last(&r)->text, "POSIX message queue /q\\x1b[31m: the name is gone");
	g.mq.other = true;
	assert_true(ipcobj_other(&e, &g));
	assert_int_equal(events_ipc_diff(&e, &g, T0, &r), 1);
	assert_string_equal(last(&r)->text,
			    "POSIX message queue /q\\x1b[31m: the name is another queue now");
	struct ipcobj i = e;
	i.mq.ino = 4712;
	assert_true(ipcobj_other(&e, &i));
	assert_false(ipcobj_other(&e, &e));
}

/* The dashboard of an mqueue: its fields, a waiter, its holders, removed. */
static void test_model_mq(void **state)
{
	(void)state;
	struct ipcobj o = mq_of(10, 10, 8, 80);
	o.mq.notify_pid = 99;
	o.scanned = true;
	o.nwaits = 1;
	o.waits[0] = (struct objlist_wait){
		.pid = 77, .comm = "tx", .op = OBJLIST_WAIT_MQSND, .since_ns = T0 - 2000000000
	};
	struct objlist_row row;
	memset(&row, 0, sizeof row);
	row.kind = OBJLIST_MQUEUE;
	snprintf(row.name, sizeof row.name, "%s", o.mq.name);
	row.mode = 0640;
	row.dev = 20;
	row.ino = 4711;
	struct objlist_holder h[2] = { { .pid = 40, .comm = "a\x01", .fds = 1 },
				       { .pid = 41, .comm = "b", .fds = 2 } };
	struct model_object in;
	memset(&in, 0, sizeof in);
	in.row = &row;
	in.present = true;
	in.scanned = true;
	in.scan_ns = T0;
	in.now_wall_ns = T0;
	in.holders = h;
	in.nholders = 2;
	in.ipc = &o;
	in.held.state = MODEL_LIVE;
	in.held.why = o.why;
	struct view_model m;
	model_build_object(&m, &in);
	assert_string_equal(m.badge, "MQUEUE");
	assert_string_equal(m.title, "shmtop  mqueue  /q\\x1b[31m");
	assert_non_null(strstr(m.message, "a POSIX message queue"));
	assert_string_equal(field_value(&m, "name"), "/q\\x1b[31m");
	assert_string_equal(field_value(&m, "messages"), "10 of maxmsg 10 (full)");
	assert_string_equal(field_value(&m, "bytes"), "80 of 80 (10 * msgsize 8)");
	assert_string_equal(field_value(&m, "notify"), "pid 99 (mq_notify)");
	assert_string_equal(field_value(&m, "perms"), "rw-r----- 0640");
	assert_string_equal(field_value(&m, "waiters"), "1");
	assert_string_equal(field_value(&m, "holders"), "2");
	assert_int_equal(m.nprocs, 3);
	assert_non_null(strstr(m.procs[0], "waits"));
	assert_non_null(strstr(m.procs[0], "tx: room for a message, 2s or more"));
	assert_non_null(strstr(m.procs[1], "     40 "));
	assert_non_null(strstr(m.procs[1], "a\\x01"));
	assert_non_null(strstr(m.procs[2], "     41 "));
	o.values_ok = false;
	snprintf(o.why, sizeof o.why, "no read permission");
	model_build_object(&m, &in);
	assert_string_equal(field_value(&m, "messages"), "unread (mq_getattr)");
	assert_string_equal(field_value(&m, "bytes"), "80 (QSIZE)");
	assert_non_null(strstr(m.message, "; no read permission"));
	in.present = false;
	o.mq.other = true;
	model_build_object(&m, &in);
	assert_string_equal(m.badge, "GONE");
	assert_int_equal(m.state, MODEL_REMOVED);
	assert_non_null(strstr(m.message, "removed: /q\\x1b[31m (its name is another queue now)"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_set_counters),      cmocka_unit_test(test_set_capped),
		cmocka_unit_test(test_queue_counters),    cmocka_unit_test(test_estimate),
		cmocka_unit_test(test_estimate_pids),     cmocka_unit_test(test_full),
		cmocka_unit_test(test_events_removed),    cmocka_unit_test(test_events_waiters),
		cmocka_unit_test(test_events_full_empty), cmocka_unit_test(test_model_queue),
		cmocka_unit_test(test_model_set_denied),  cmocka_unit_test(test_mq_counters),
		cmocka_unit_test(test_mq_estimate),       cmocka_unit_test(test_mq_events),
		cmocka_unit_test(test_model_mq),          cmocka_unit_test(test_object_waiters),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
