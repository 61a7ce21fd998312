/* SPDX-License-Identifier: MIT */
/* Who is blocked on what (objlist_wait.h), on synthetic lists: the syscall
 * line's parser (real lines, "running", garbage, huge values), the
 * credentials of /proc/PID/status, the kernel's permission rule, the join
 * of a scan's claims with the rows (rows get their waiters; an unlisted
 * id, another IPC namespace's, a user without permission dropped) and the
 * since_ns carried from one scan to the next. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>

#include <cmocka.h>

#include "objlist.h"
#include "objlist_wait.h"

static void test_parse_syscall(void **state)
{
	(void)state;
	long nr = 0;
	uint64_t a[OBJLIST_SYSCALL_ARGS];
	/* a semtimedop() of python3-sysv-ipc, read on x86-64 */
	assert_int_equal(objlist_wait_parse_syscall("220 0x288035 0x7ffcad1756aa 0x1 0x0 "
						    "0x1999999999999999 0x0 0x7ffcad175698 "
						    "0x7fd7747c55da\n",
						    &nr, a),
			 1);
	assert_int_equal(nr, 220);
	assert_int_equal(a[0], 0x288035);
	assert_int_equal(a[1], 0x7ffcad1756aa);
	assert_int_equal(a[2], 1);
	assert_int_equal(a[4], 0x1999999999999999ull);
	/* the biggest values fit */
	assert_int_equal(objlist_wait_parse_syscall("202 0xffffffffffffffff 0x80 0x0 0x0 0x0 0x0 "
						    "0x7ffe 0x7f",
						    &nr, a),
			 1);
	assert_true(a[0] == UINT64_MAX);
	assert_int_equal(objlist_wait_parse_syscall("running\n", &nr, a), 0);
	assert_int_equal(objlist_wait_parse_syscall("running", &nr, a), 0);
	assert_int_equal(objlist_wait_parse_syscall("-1 0x7ffcad175698 0x7fd7747c55da\n", &nr, a),
			 0);
	/* garbage: past 64 bits, too few or too many fields, no 0x, signs */
	const char *bad[] = {
		"",
		"\n",
		"runnin",
		"220",
		"220 0x1 0x2 0x3 0x4 0x5 0x6 0x7",
		"220 0x1 0x2 0x3 0x4 0x5 0x6 0x7 0x8 0x9",
		"220 0x10000000000000000 0x2 0x3 0x4 0x5 0x6 0x7 0x8",
		"99999999999999999999999 0x1 0x2 0x3 0x4 0x5 0x6 0x7 0x8",
		"220 1 0x2 0x3 0x4 0x5 0x6 0x7 0x8",
		"220 0x 0x2 0x3 0x4 0x5 0x6 0x7 0x8",
		"220 0x-1 0x2 0x3 0x4 0x5 0x6 0x7 0x8",
		"220 0xg 0x2 0x3 0x4 0x5 0x6 0x7 0x8",
		"-2 0x1 0x2",
		"-1 0x1",
		"x220 0x1 0x2 0x3 0x4 0x5 0x6 0x7 0x8",
		"220 0x1 0x2 0x3 0x4 0x5 0x6 0x7 0x8 junk",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		nr = 12345;
		assert_int_equal(objlist_wait_parse_syscall(bad[i], &nr, a), -1);
		assert_int_equal(nr, 12345);
	}
	assert_int_equal(objlist_wait_op_of(SYS_semtimedop), OBJLIST_WAIT_SEM);
	assert_int_equal(objlist_wait_op_of(SYS_msgrcv), OBJLIST_WAIT_MSGRCV);
	assert_int_equal(objlist_wait_op_of(SYS_msgsnd), OBJLIST_WAIT_MSGSND);
	assert_int_equal(objlist_wait_op_of(SYS_mq_timedreceive), OBJLIST_WAIT_MQRCV);
	assert_int_equal(objlist_wait_op_of(SYS_mq_timedsend), OBJLIST_WAIT_MQSND);
	assert_int_equal(objlist_wait_op_of(SYS_futex), OBJLIST_WAIT_FUTEX);
	assert_int_equal(objlist_wait_op_of(SYS_read), -1);
	assert_int_equal(objlist_wait_op_of(-1), -1);
	assert_string_equal(objlist_wait_op_name(OBJLIST_WAIT_MQRCV), "mq_receive");
}

static void test_parse_status(void **state)
{
	(void)state;
	struct objlist_wait_seen w;
	memset(&w, 0, sizeof w);
	const char *st = "Name:\tpython3\nUmask:\t0022\nState:\tS (sleeping)\n"
			 "Uid:\t1000\t1001\t1002\t1003\nGid:\t2000\t2001\t2002\t2003\n"
			 "FDSize:\t64\nGroups:\t27 100 2000 \nNSpid:\t4242\n"
			 "CapEff:\t0000000000000000\n";
	assert_int_equal(objlist_wait_parse_status(st, &w), 0);
	assert_int_equal(w.euid, 1001);
	assert_int_equal(w.fsgid, 2003);
	assert_false(w.ipc_owner);
	assert_int_equal(w.ngroups, 3);
	assert_int_equal(w.groups[1], 100);
	const char *root = "Uid:\t0\t0\t0\t0\nGid:\t0\t0\t0\t0\nGroups:\t\n"
			   "CapEff:\t000001ffffffffff\n";
	assert_int_equal(objlist_wait_parse_status(root, &w), 0);
	assert_true(w.ipc_owner);
	assert_int_equal(w.ngroups, 0);
	/* CAP_IPC_OWNER alone (bit 15) */
	assert_int_equal(
	    objlist_wait_parse_status("Uid:\t5 5 5 5\nGid:\t5 5 5 5\nCapEff:\t8000\n", &w), 0);
	assert_true(w.ipc_owner);
	assert_int_equal(
	    objlist_wait_parse_status("Uid:\t5 5 5 5\nGid:\t5 5 5 5\nCapEff:\t7fff\n", &w), 0);
	assert_false(w.ipc_owner);
	/* missing or garbled lines */
	assert_int_equal(objlist_wait_parse_status("Uid:\t1 1 1 1\nCapEff:\t0\n", &w), -1);
	assert_int_equal(objlist_wait_parse_status("Uid:\t1 1\nGid:\t1 1 1 1\nCapEff:\t0\n", &w),
			 -1);
	assert_int_equal(
	    objlist_wait_parse_status("Uid:\t1 99999999999 1 1\nGid:\t1 1 1 1\nCapEff:\t0\n", &w),
	    -1);
	assert_int_equal(objlist_wait_parse_status("Uid:\t1 1 1 1\nGid:\t1 1 1 1\n", &w), -1);
	/* more groups than kept: the first OBJLIST_WAIT_GROUPS */
	char many[2048] = "Uid:\t1 1 1 1\nGid:\t1 1 1 1\nCapEff:\t0\nGroups:";
	for (int g = 0; g < 40; g++)
		snprintf(many + strlen(many), sizeof many - strlen(many), " %d", 100 + g);
	assert_int_equal(objlist_wait_parse_status(many, &w), 0);
	assert_int_equal(w.ngroups, OBJLIST_WAIT_GROUPS);
	assert_int_equal(w.groups[OBJLIST_WAIT_GROUPS - 1], 100 + OBJLIST_WAIT_GROUPS - 1);
}

static struct objlist_row ipc_row(enum objlist_kind kind, int id, unsigned mode, uid_t uid,
				  gid_t gid, uid_t cuid, gid_t cgid)
{
	struct objlist_row r;
	memset(&r, 0, sizeof r);
	r.kind = kind;
	r.ino = (uint64_t)id;
	r.mode = mode;
	r.uid = uid;
	r.gid = gid;
	r.ipc.id = id;
	r.ipc.mode = mode;
	r.ipc.uid = uid;
	r.ipc.gid = gid;
	r.ipc.cuid = cuid;
	r.ipc.cgid = cgid;
	r.ipc.nsems = 2;
	return r;
}

static struct objlist_wait_seen claim(pid_t pid, enum objlist_wait_op op, enum objlist_kind kind,
				      uint64_t dev, uint64_t ino, uid_t euid, gid_t gid)
{
	struct objlist_wait_seen w;
	memset(&w, 0, sizeof w);
	w.w.pid = pid;
	w.w.op = op;
	w.w.kind = kind;
	w.w.dev = dev;
	w.w.ino = ino;
	w.w.semnum = -1;
	w.w.since_ns = 1000;
	w.euid = euid;
	w.fsgid = gid;
	w.ipcns = 7;
	w.starttime = 50;
	snprintf(w.w.comm, sizeof w.w.comm, "p%d", (int)pid);
	return w;
}

static void test_permitted(void **state)
{
	(void)state;
	/* root's 0600 set: only root, or CAP_IPC_OWNER */
	struct objlist_row set = ipc_row(OBJLIST_SYSV_SEM, 5, 0600, 0, 0, 0, 0);
	struct objlist_wait_seen w =
	    claim(10, OBJLIST_WAIT_SEM, OBJLIST_SYSV_SEM, 0, 5, 1000, 1000);
	assert_false(objlist_wait_permitted(&w, &set));
	w.ipc_owner = true;
	assert_true(objlist_wait_permitted(&w, &set));
	w.ipc_owner = false;
	w.euid = 0;
	assert_true(objlist_wait_permitted(&w, &set));
	/* cuid counts as the owner: a set given away (IPC_SET uid) */
	set = ipc_row(OBJLIST_SYSV_SEM, 5, 0600, 2000, 0, 1000, 0);
	w.euid = 1000;
	assert_true(objlist_wait_permitted(&w, &set));
	/* the owner's bits only, even when others may: the kernel's order */
	set = ipc_row(OBJLIST_SYSV_SEM, 5, 0066, 1000, 0, 1000, 0);
	assert_false(objlist_wait_permitted(&w, &set));
	/* the group's, by fsgid, a group, gid or cgid */
	set = ipc_row(OBJLIST_SYSV_SEM, 5, 0040, 0, 300, 0, 0);
	assert_false(objlist_wait_permitted(&w, &set));
	w.groups[0] = 300;
	w.ngroups = 1;
	assert_true(objlist_wait_permitted(&w, &set)); /* waiting for zero: read */
	w.w.semnum = 0;
	w.w.semop = -1; /* alters: write */
	assert_false(objlist_wait_permitted(&w, &set));
	set = ipc_row(OBJLIST_SYSV_SEM, 5, 0020, 0, 0, 0, 1000);
	assert_true(objlist_wait_permitted(&w, &set)); /* cgid is its fsgid */
	/* the others' */
	set = ipc_row(OBJLIST_SYSV_SEM, 5, 0002, 0, 0, 0, 0);
	w.ngroups = 0;
	assert_true(objlist_wait_permitted(&w, &set));
	/* a queue: msgrcv reads, msgsnd writes */
	struct objlist_row q = ipc_row(OBJLIST_SYSV_MSG, 8, 0604, 0, 0, 0, 0);
	struct objlist_wait_seen r =
	    claim(11, OBJLIST_WAIT_MSGRCV, OBJLIST_SYSV_MSG, 0, 8, 1000, 1);
	assert_true(objlist_wait_permitted(&r, &q));
	r.w.op = OBJLIST_WAIT_MSGSND;
	assert_false(objlist_wait_permitted(&r, &q));
	/* other kinds: the mapping or the inode is the identity */
	struct objlist_row posix;
	memset(&posix, 0, sizeof posix);
	posix.kind = OBJLIST_POSIX;
	posix.mode = 0600;
	struct objlist_wait_seen f = claim(12, OBJLIST_WAIT_FUTEX, OBJLIST_POSIX, 1, 2, 1000, 1);
	assert_true(objlist_wait_permitted(&f, &posix));
}

static int by_claim(const void *a, const void *b)
{
	return objlist_wait_seen_compare(a, b);
}

static void test_join(void **state)
{
	(void)state;
	struct objlist_row rows[6];
	rows[0] = ipc_row(OBJLIST_SYSV_SEM, 5, 0600, 0, 0, 0, 0);
	rows[1] = ipc_row(OBJLIST_SYSV_MSG, 5, 0666, 0, 0, 0, 0); /* the same id, a queue */
	memset(&rows[2], 0, sizeof rows[2]);
	rows[2].kind = OBJLIST_SEM; /* a POSIX semaphore, known by device and inode */
	rows[2].dev = 30;
	rows[2].ino = 31;
	memset(&rows[3], 0, sizeof rows[3]);
	rows[3].kind = OBJLIST_SYSV; /* a segment, shmid 5 too */
	rows[3].ino = 5;
	memset(&rows[4], 0, sizeof rows[4]);
	rows[4].kind = OBJLIST_SYSV; /* another namespace's segment 6 */
	rows[4].ino = 6;
	rows[4].ipcns = 99;
	memset(&rows[5], 0, sizeof rows[5]);
	rows[5].kind = OBJLIST_MQUEUE;
	rows[5].dev = 40;
	rows[5].ino = 41;
	struct objlist_wait_seen c[] = {
		claim(100, OBJLIST_WAIT_SEM, OBJLIST_SYSV_SEM, 0, 5, 0, 0), /* kept */
		claim(90, OBJLIST_WAIT_SEM, OBJLIST_SYSV_SEM, 0, 5, 0, 0),  /* kept, first */
		claim(101, OBJLIST_WAIT_SEM, OBJLIST_SYSV_SEM, 0, 5, 0, 0), /* another ns */
		claim(102, OBJLIST_WAIT_SEM, OBJLIST_SYSV_SEM, 0, 9, 0, 0), /* unlisted id */
		claim(103, OBJLIST_WAIT_SEM, OBJLIST_SYSV_SEM, 0, 5, 1000,
		      1000), /* no permission */
		claim(104, OBJLIST_WAIT_MSGRCV, OBJLIST_SYSV_MSG, 0, 5, 1000, 1000), /* may */
		claim(105, OBJLIST_WAIT_FUTEX, OBJLIST_POSIX, 30, 31, 1000, 1000),   /* a sem row */
		claim(106, OBJLIST_WAIT_FUTEX, OBJLIST_SYSV, 0, 5, 0, 0),            /* a segment */
		claim(107, OBJLIST_WAIT_FUTEX, OBJLIST_SYSV, 0, 6, 0, 0),    /* not ours: no row */
		claim(108, OBJLIST_WAIT_FUTEX, OBJLIST_POSIX, 30, 32, 0, 0), /* no such object */
		claim(109, OBJLIST_WAIT_MQRCV, OBJLIST_MQUEUE, 40, 41, 1000, 1000),
		claim(90, OBJLIST_WAIT_MSGRCV, OBJLIST_SYSV_MSG, 0, 5, 0, 0), /* 90's thread */
	};
	c[2].ipcns = 8;
	c[0].w.semnum = 1;
	c[0].w.semop = -1;
	c[1].w.semnum = 2; /* past the set's 2 semaphores: unknown */
	c[1].w.semop = 1;
	size_t n = sizeof c / sizeof c[0];
	struct objlist s;
	memset(&s, 0, sizeof s);
	s.rows = rows;
	s.max = s.n = 6;
	s.own_ipcns = 7;
	s.wseen = malloc(sizeof c);
	assert_non_null(s.wseen);
	memcpy(s.wseen, c, sizeof c);
	s.nwseen = n;
	qsort(s.wseen, n, sizeof *s.wseen, by_claim);
	assert_int_equal(objlist_wait_join(&s), 0);
	assert_int_equal(s.nwaits, 7);
	assert_int_equal(s.blocked, 6); /* 90 twice: two of its threads */
	/* the set: 90 and 100, pid ascending */
	assert_int_equal(rows[0].nwaits, 2);
	const struct objlist_wait *w = &s.waits[rows[0].wait0];
	assert_int_equal(w[0].pid, 90);
	assert_int_equal(w[0].semnum, -1);
	assert_int_equal(w[0].semop, 0);
	assert_int_equal(w[1].pid, 100);
	assert_int_equal(w[1].semnum, 1);
	assert_int_equal(w[1].semop, -1);
	assert_string_equal(w[1].comm, "p100");
	assert_int_equal(rows[1].nwaits, 2);
	assert_int_equal(s.waits[rows[1].wait0].pid, 90);
	assert_int_equal(s.waits[rows[1].wait0 + 1].pid, 104);
	assert_int_equal(rows[2].nwaits, 1);
	assert_int_equal(s.waits[rows[2].wait0].pid, 105);
	assert_int_equal(s.waits[rows[2].wait0].kind, OBJLIST_SEM); /* the row's kind */
	assert_int_equal(rows[3].nwaits, 1);
	assert_int_equal(s.waits[rows[3].wait0].pid, 106);
	assert_int_equal(rows[4].nwaits, 0);
	assert_int_equal(rows[5].nwaits, 1);
	assert_int_equal(s.waits[rows[5].wait0].pid, 109);
	/* s->waits is by object, then pid */
	for (size_t i = 1; i < s.nwaits; i++) {
		struct objlist_wait_seen a = { .w = s.waits[i - 1] }, b = { .w = s.waits[i] };
		assert_true(objlist_wait_seen_compare(&a, &b) < 0);
	}
	/* no scan's claims: none, and the rows' counts cleared */
	s.nwseen = 0;
	assert_int_equal(objlist_wait_join(&s), 0);
	assert_int_equal(s.nwaits, 0);
	assert_int_equal(s.blocked, 0);
	assert_int_equal(rows[0].nwaits, 0);
	objlist_free(&s);
	assert_null(s.waits);
	assert_null(s.wseen);
}

static void test_carry(void **state)
{
	(void)state;
	struct objlist_wait_seen old[] = {
		claim(10, OBJLIST_WAIT_SEM, OBJLIST_SYSV_SEM, 0, 5, 0, 0),
		claim(11, OBJLIST_WAIT_MSGRCV, OBJLIST_SYSV_MSG, 0, 5, 0, 0),
		claim(12, OBJLIST_WAIT_SEM, OBJLIST_SYSV_SEM, 0, 6, 0, 0),
	};
	struct objlist_wait_seen now[] = {
		claim(10, OBJLIST_WAIT_SEM, OBJLIST_SYSV_SEM, 0, 5, 0, 0),    /* still: carried */
		claim(11, OBJLIST_WAIT_MSGSND, OBJLIST_SYSV_MSG, 0, 5, 0, 0), /* another op */
		claim(12, OBJLIST_WAIT_SEM, OBJLIST_SYSV_SEM, 0, 6, 0, 0),    /* a reused pid */
		claim(13, OBJLIST_WAIT_SEM, OBJLIST_SYSV_SEM, 0, 6, 0, 0),    /* new */
	};
	for (size_t i = 0; i < 4; i++)
		now[i].w.since_ns = 5000;
	now[2].starttime = 51;
	qsort(old, 3, sizeof *old, by_claim);
	qsort(now, 4, sizeof *now, by_claim);
	objlist_wait_carry(now, 4, old, 3);
	for (size_t i = 0; i < 4; i++)
		assert_int_equal(now[i].w.since_ns, now[i].w.pid == 10 ? 1000 : 5000);
	objlist_wait_carry(now, 4, NULL, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_syscall), cmocka_unit_test(test_parse_status),
		cmocka_unit_test(test_permitted),     cmocka_unit_test(test_join),
		cmocka_unit_test(test_carry),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
