/* SPDX-License-Identifier: MIT */
/* SysV semaphore sets and message queues in the object list, on real
 * objects of this run's keys: the rows against semctl and msgctl IPC_STAT,
 * their cells in the table and JSON, sorting, the filter, -t, the orphan
 * rule on sets and queues that children used and left, removal and its
 * refusals, and that collecting changes no set's otime and no queue's stime
 * or rtime.  Every object is removed at the end, failed or not
 * (test_cleanup_keys). */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "testutil.h"

#include "names.h"
#include "objlist.h"
#include "objlist_table.h"
#include "objlist_view.h"

/* The objects: two sets (1 semaphore, mode 0600, one semop on it; 3
 * semaphores, 0644) and two queues (three messages sent, 0600; one sent
 * and received, 0640). */
enum { SET1, SET3, QUEUE, QUEUE_RECV, NOBJ };

static int ids[NOBJ];
static const size_t sizes[] = { 5, 7, 11 }; /* the messages sent to QUEUE */

struct msg {
	long type;
	char text[16];
};

static void make_objects(void)
{
	ids[SET1] = semget(test_key(SET1), 1, IPC_CREAT | IPC_EXCL | 0600);
	ids[SET3] = semget(test_key(SET3), 3, IPC_CREAT | IPC_EXCL | 0644);
	ids[QUEUE] = msgget(test_key(QUEUE), IPC_CREAT | IPC_EXCL | 0600);
	ids[QUEUE_RECV] = msgget(test_key(QUEUE_RECV), IPC_CREAT | IPC_EXCL | 0640);
	for (int i = 0; i < NOBJ; i++)
		assert_true(ids[i] >= 0);
	struct sembuf op = { 0, 1, 0 };
	assert_int_equal(semop(ids[SET1], &op, 1), 0);
	struct msg m = { 1, "hello, queue" };
	for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++)
		assert_int_equal(msgsnd(ids[QUEUE], &m, sizes[i], IPC_NOWAIT), 0);
	assert_int_equal(msgsnd(ids[QUEUE_RECV], &m, 3, IPC_NOWAIT), 0);
	assert_int_equal(msgrcv(ids[QUEUE_RECV], &m, sizeof m.text, 0, IPC_NOWAIT), 3);
}

/* The object list of the sets and queues alone (no /dev/shm, no scan). */
static void collect(struct objlist *s)
{
	memset(s, 0, sizeof *s);
	s->max = 8192;
	s->rows = calloc(s->max, sizeof *s->rows);
	assert_non_null(s->rows);
	assert_int_equal(objlist_collect(s, OBJLIST_NAMES | OBJLIST_SYSVSEM | OBJLIST_SYSVMSG), 0);
	assert_false(s->truncated);
}

static const struct objlist_row *find(const struct objlist *s, enum objlist_kind k, int id)
{
	const struct objlist_row *found = NULL;
	for (size_t i = 0; i < s->n; i++)
		if (s->rows[i].kind == k && s->rows[i].ipc.id == id) {
			assert_null(found); /* once */
			found = &s->rows[i];
		}
	assert_non_null(found);
	return found;
}

static void check_set(const struct objlist_row *r, unsigned obj, unsigned nsems, unsigned mode)
{
	struct semid_ds ds;
	assert_int_equal(semctl(ids[obj], 0, IPC_STAT, &ds), 0);
	assert_int_equal(r->kind, OBJLIST_SYSV_SEM);
	assert_true(r->ipc.key == test_key(obj));
	assert_true(r->ipc.key == ds.sem_perm.__key);
	assert_int_equal(r->ino, (uint64_t)ids[obj]);
	assert_int_equal(r->ipc.nsems, nsems);
	assert_int_equal(r->ipc.nsems, ds.sem_nsems);
	assert_int_equal(r->mode, mode);
	assert_int_equal(r->mode, ds.sem_perm.mode & 0777);
	assert_int_equal(r->uid, ds.sem_perm.uid);
	assert_int_equal(r->gid, ds.sem_perm.gid);
	assert_int_equal(r->ipc.cuid, ds.sem_perm.cuid);
	assert_int_equal(r->ipc.cgid, ds.sem_perm.cgid);
	assert_true(r->ipc.otime == (int64_t)ds.sem_otime);
	assert_true(r->ipc.ctime == (int64_t)ds.sem_ctime);
	assert_true(r->mtime == (int64_t)ds.sem_ctime);
	assert_int_equal(r->size, 0);
	assert_false(r->have_resident);
	assert_false(r->orphan);
	char owner[32];
	assert_string_equal(r->owner, names_user(ds.sem_perm.uid, owner, sizeof owner));
}

static void check_queue(const struct objlist_row *r, unsigned obj, unsigned mode)
{
	struct msqid_ds ds;
	assert_int_equal(msgctl(ids[obj], IPC_STAT, &ds), 0);
	assert_int_equal(r->kind, OBJLIST_SYSV_MSG);
	assert_true(r->ipc.key == test_key(obj));
	assert_int_equal(r->ino, (uint64_t)ids[obj]);
	assert_int_equal(r->mode, mode);
	assert_int_equal(r->mode, ds.msg_perm.mode & 0777);
	assert_int_equal(r->uid, ds.msg_perm.uid);
	assert_int_equal(r->ipc.cuid, ds.msg_perm.cuid);
	assert_int_equal(r->ipc.qnum, ds.msg_qnum);
	assert_int_equal(r->ipc.cbytes, ds.__msg_cbytes);
	assert_int_equal(r->size, ds.__msg_cbytes);
	assert_int_equal(r->ipc.lspid, ds.msg_lspid);
	assert_int_equal(r->ipc.lrpid, ds.msg_lrpid);
	assert_true(r->ipc.stime == (int64_t)ds.msg_stime);
	assert_true(r->ipc.rtime == (int64_t)ds.msg_rtime);
	assert_true(r->ipc.ctime == (int64_t)ds.msg_ctime);
}

/* The times the viewer must not change, from IPC_STAT. */
struct times {
	int64_t otime[NOBJ], stime[NOBJ], rtime[NOBJ];
};

static void get_times(struct times *t)
{
	memset(t, 0, sizeof *t);
	for (int i = 0; i < NOBJ; i++) {
		struct semid_ds sd;
		struct msqid_ds md;
		if (i == SET1 || i == SET3) {
			assert_int_equal(semctl(ids[i], 0, IPC_STAT, &sd), 0);
			t->otime[i] = (int64_t)sd.sem_otime;
		} else {
			assert_int_equal(msgctl(ids[i], IPC_STAT, &md), 0);
			t->stime[i] = (int64_t)md.msg_stime;
			t->rtime[i] = (int64_t)md.msg_rtime;
		}
	}
}

static void test_rows(void **state)
{
	(void)state;
	make_objects();
	struct objlist s;
	collect(&s);
	check_set(find(&s, OBJLIST_SYSV_SEM, ids[SET1]), SET1, 1, 0600);
	check_set(find(&s, OBJLIST_SYSV_SEM, ids[SET3]), SET3, 3, 0644);
	const struct objlist_row *q = find(&s, OBJLIST_SYSV_MSG, ids[QUEUE]);
	check_queue(q, QUEUE, 0600);
	assert_int_equal(q->ipc.qnum, 3);
	assert_int_equal(q->ipc.cbytes, 5 + 7 + 11);
	assert_int_equal(q->ipc.lspid, getpid());
	assert_int_equal(q->ipc.lrpid, 0);
	assert_int_equal(q->ipc.rtime, 0);
	const struct objlist_row *qr = find(&s, OBJLIST_SYSV_MSG, ids[QUEUE_RECV]);
	check_queue(qr, QUEUE_RECV, 0640);
	assert_int_equal(qr->ipc.qnum, 0);
	assert_int_equal(qr->ipc.lrpid, getpid());
	assert_true(qr->ipc.rtime > 0);
	assert_true(find(&s, OBJLIST_SYSV_SEM, ids[SET1])->ipc.otime > 0);
	assert_int_equal(find(&s, OBJLIST_SYSV_SEM, ids[SET3])->ipc.otime, 0);

	/* the kinds' totals: every set and queue, and the queues' bytes */
	size_t sets = 0, queues = 0;
	uint64_t bytes = 0;
	for (size_t i = 0; i < s.n; i++) {
		sets += s.rows[i].kind == OBJLIST_SYSV_SEM;
		queues += s.rows[i].kind == OBJLIST_SYSV_MSG;
		if (s.rows[i].kind == OBJLIST_SYSV_MSG)
			bytes += s.rows[i].size;
	}
	assert_true(sets >= 2 && queues >= 2);
	assert_int_equal(s.kinds[OBJLIST_SYSV_SEM].objects, sets);
	assert_int_equal(s.kinds[OBJLIST_SYSV_MSG].objects, queues);
	assert_int_equal(s.kinds[OBJLIST_SYSV_MSG].bytes, bytes);
	assert_int_equal(s.total, s.n);

	/* without the flags, none */
	struct objlist none;
	memset(&none, 0, sizeof none);
	none.max = s.max;
	none.rows = s.rows;
	assert_int_equal(objlist_collect(&none, OBJLIST_NAMES), 0);
	for (size_t i = 0; i < none.n; i++)
		assert_false(objlist_kind_ipc(none.rows[i].kind));
	assert_int_equal(none.kinds[OBJLIST_SYSV_SEM].objects, 0);
	free(s.rows);
	objlist_free(&s);
}

/* Collecting, and writing the table and JSON, change no time. */
static void test_watching_changes_nothing(void **state)
{
	(void)state;
	struct times before, after;
	get_times(&before);
	/* the next second: a semop or msgrcv now would show */
	time_t t0 = time(NULL);
	while (time(NULL) == t0)
		usleep(20000);
	for (int i = 0; i < 3; i++) {
		struct objlist s;
		collect(&s);
		struct objlist_table_output o = { .format = OBJLIST_TABLE_JSON };
		FILE *f = fopen("/dev/null", "w");
		assert_non_null(f);
		assert_int_equal(objlist_table_write(f, &s, &o), 0);
		fclose(f);
		free(s.rows);
		objlist_free(&s);
	}
	get_times(&after);
	assert_memory_equal(&before, &after, sizeof before);
}

/* The table and JSON cells of the sets and queues: lsipc's values. */
static void test_cells(void **state)
{
	(void)state;
	struct objlist s;
	collect(&s);
	char *text = NULL;
	size_t len = 0;
	char key[16], want[256];
	unsigned kinds;
	char why[160];
	assert_int_equal(objlist_kinds_parse("SYSV-sem,sysv-msg", &kinds, why, sizeof why), 0);
	assert_int_equal(kinds, (1u << OBJLIST_SYSV_SEM) | (1u << OBJLIST_SYSV_MSG));
	snprintf(key, sizeof key, "0x%08x", (unsigned)test_key(QUEUE));
	struct objlist_table_output o = {
		.format = OBJLIST_TABLE_TEXT,
		.columns = "KEY,ID,KIND,NSEMS,OTIME,USEDBYTES,MSGS,LSPID,LRPID,SIZE,NATTCH,HOLDERS,"
			   "ORPHAN,NAME,PERMS",
		.raw = true,
		.bytes = true,
		.filter = key,
		.kinds = kinds,
	};
	FILE *f = open_memstream(&text, &len);
	assert_non_null(f);
	assert_int_equal(objlist_table_write(f, &s, &o), 0);
	fclose(f);
	snprintf(
	    want, sizeof want,
	    "KEY ID KIND NSEMS OTIME USEDBYTES MSGS LSPID LRPID SIZE NATTCH HOLDERS ORPHAN NAME "
	    "PERMS\n%s %d sysv-msg - - 23 3 %d 0 23 - - - - rw-------\n",
	    key, ids[QUEUE], (int)getpid());
	assert_string_equal(text, want);
	free(text);

	snprintf(key, sizeof key, "0x%08x", (unsigned)test_key(SET3));
	o.format = OBJLIST_TABLE_JSON;
	o.columns = "KEY,ID,KIND,NSEMS,OTIME,SIZE,MSGS,HOLDERS,ORPHAN,NAME";
	f = open_memstream(&text, &len);
	assert_non_null(f);
	assert_int_equal(objlist_table_write(f, &s, &o), 0);
	fclose(f);
	snprintf(want, sizeof want,
		 "{\"sharedmemory\":[{\"key\":\"%s\",\"id\":%d,\"kind\":\"sysv-sem\",\"nsems\":3,"
		 "\"otime\":null,\"size\":null,\"msgs\":null,\"holders\":null,\"orphan\":false,"
		 "\"name\":null}]}\n",
		 key, ids[SET3]);
	assert_string_equal(text, want);
	free(text);

	/* the filter by id, and -t: one kind only */
	char id[16];
	snprintf(id, sizeof id, "%d", ids[SET1]);
	const struct objlist_row *r = find(&s, OBJLIST_SYSV_SEM, ids[SET1]);
	assert_true(objlist_match(r, id));
	assert_true(objlist_match(r, "SYSV-SEM"));
	assert_false(objlist_match(r, "no such thing"));
	assert_true(objlist_kind_in(r, 1u << OBJLIST_SYSV_SEM));
	assert_false(objlist_kind_in(r, 1u << OBJLIST_SYSV_MSG));
	free(s.rows);
	objlist_free(&s);
}

/* The position of row kind/id in the sorted list. */
static size_t at(const struct objlist *s, enum objlist_kind k, int id)
{
	return (size_t)(find(s, k, id) - s->rows);
}

/* The position of the segment shmid in the sorted list. */
static size_t at_segment(const struct objlist *s, int shmid)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->rows[i].kind == OBJLIST_SYSV && s->rows[i].shm.st.shmid == shmid)
			return i;
	fail_msg("no segment %d", shmid);
	return s->n;
}

static void test_sort(void **state)
{
	(void)state;
	/* a segment on SET3's key, as a writer's segment beside its lock */
	int shmid = shmget(test_key(SET3), 64, IPC_CREAT | IPC_EXCL | 0600);
	assert_true(shmid >= 0);
	struct objlist s;
	collect(&s);
	/* by key, across the kinds with a key: SET1's, the segment, then SET3
	 * (the same key: the segment first), then the queues */
	objlist_sort(&s, SYSVIPC_SORT_KEY, false);
	assert_true(at(&s, OBJLIST_SYSV_SEM, ids[SET1]) < at_segment(&s, shmid));
	assert_int_equal(at_segment(&s, shmid) + 1, at(&s, OBJLIST_SYSV_SEM, ids[SET3]));
	assert_true(at(&s, OBJLIST_SYSV_SEM, ids[SET3]) < at(&s, OBJLIST_SYSV_MSG, ids[QUEUE]));
	objlist_sort(&s, SYSVIPC_SORT_NSEMS, true); /* most semaphores first */
	assert_true(at(&s, OBJLIST_SYSV_SEM, ids[SET3]) < at(&s, OBJLIST_SYSV_SEM, ids[SET1]));
	objlist_sort(&s, SYSVIPC_SORT_NSEMS, false);
	assert_true(at(&s, OBJLIST_SYSV_SEM, ids[SET1]) < at(&s, OBJLIST_SYSV_SEM, ids[SET3]));
	objlist_sort(&s, SYSVIPC_SORT_KEY, false); /* the keys: SET1's is the smaller */
	assert_true(at(&s, OBJLIST_SYSV_SEM, ids[SET1]) < at(&s, OBJLIST_SYSV_SEM, ids[SET3]));
	objlist_sort(&s, SYSVIPC_SORT_KEY, true);
	assert_true(at(&s, OBJLIST_SYSV_SEM, ids[SET3]) < at(&s, OBJLIST_SYSV_SEM, ids[SET1]));
	objlist_sort(&s, SYSVIPC_SORT_MSGS, true);
	assert_true(at(&s, OBJLIST_SYSV_MSG, ids[QUEUE]) <
		    at(&s, OBJLIST_SYSV_MSG, ids[QUEUE_RECV]));
	objlist_sort(&s, SYSVIPC_SORT_SIZE, true); /* a queue's bytes */
	assert_true(at(&s, OBJLIST_SYSV_MSG, ids[QUEUE]) <
		    at(&s, OBJLIST_SYSV_MSG, ids[QUEUE_RECV]));
	objlist_sort(&s, SYSVIPC_SORT_LRPID, true);
	assert_true(at(&s, OBJLIST_SYSV_MSG, ids[QUEUE_RECV]) <
		    at(&s, OBJLIST_SYSV_MSG, ids[QUEUE]));
	shmctl(shmid, IPC_RMID, NULL);
	free(s.rows);
	objlist_free(&s);
}

/* A list of every set and queue, with orphans, after a scan when asked
 * (a queue's waiters are known only from one). */
static void collect_orphans(struct objlist *s, bool scan)
{
	memset(s, 0, sizeof *s);
	s->max = 8192;
	s->rows = calloc(s->max, sizeof *s->rows);
	assert_non_null(s->rows);
	if (scan)
		assert_int_equal(objlist_scan(s), 0);
	assert_int_equal(
	    objlist_collect(s, OBJLIST_NAMES | OBJLIST_SYSVSEM | OBJLIST_SYSVMSG | OBJLIST_ORPHANS),
	    0);
}

static void drop(struct objlist *s)
{
	free(s->rows);
	objlist_free(s);
}

/* A child that runs fn(id), then waits (pause) until killed, or at most
 * 60 s, if stay; the caller kills and reaps it.  A pipe says fn is done. */
static pid_t child(void (*fn)(int), int id, bool stay)
{
	int p[2];
	assert_int_equal(pipe(p), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(p[0]);
		alarm(60); /* never outlives a failed test for long */
		fn(id);
		if (write(p[1], "x", 1) != 1)
			_exit(1);
		while (stay)
			pause();
		_exit(0);
	}
	close(p[1]);
	char c;
	assert_int_equal(read(p[0], &c, 1), 1);
	close(p[0]);
	return pid;
}

/* Wait until process pid sleeps in system call nr (its /proc/PID/syscall). */
static void blocked_in(pid_t pid, long nr)
{
	char path[64], line[256];
	snprintf(path, sizeof path, "/proc/%d/syscall", (int)pid);
	for (int i = 0; i < 5000; i++) {
		FILE *f = fopen(path, "r");
		bool in = f && fgets(line, sizeof line, f) && strtol(line, NULL, 10) == nr;
		if (f)
			fclose(f);
		if (in)
			return;
		usleep(1000);
	}
	fail_msg("pid %d never blocked in system call %ld", (int)pid, nr);
}

static void reap(pid_t pid)
{
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

static void send_two(int id)
{
	struct msg m = { 1, "hi" };
	if (msgsnd(id, &m, 2, IPC_NOWAIT) || msgsnd(id, &m, 2, IPC_NOWAIT))
		_exit(1);
}

static void receive_one(int id)
{
	struct msg m;
	if (msgrcv(id, &m, sizeof m.text, 0, IPC_NOWAIT) != 2)
		_exit(1);
}

static void up_down(int id)
{
	struct sembuf op[2] = { { 0, 1, 0 }, { 0, -1, 0 } };
	if (semop(id, op, 2))
		_exit(1);
}

static void up(int id)
{
	struct sembuf op = { 0, 1, 0 };
	if (semop(id, &op, 1))
		_exit(1);
}

static void test_orphans(void **state)
{
	(void)state;
	enum { Q_DEAD = NOBJ + 2, Q_LIVE, S_OP, S_WAIT, S_NEVER, Q_WAIT };
	int qdead = msgget(test_key(Q_DEAD), IPC_CREAT | IPC_EXCL | 0600);
	int qwait = msgget(test_key(Q_WAIT), IPC_CREAT | IPC_EXCL | 0600);
	int qlive = msgget(test_key(Q_LIVE), IPC_CREAT | IPC_EXCL | 0600);
	int sop = semget(test_key(S_OP), 2, IPC_CREAT | IPC_EXCL | 0600);
	int swait = semget(test_key(S_WAIT), 1, IPC_CREAT | IPC_EXCL | 0644);
	int snever = semget(test_key(S_NEVER), 1, IPC_CREAT | IPC_EXCL | 0644);
	assert_true(qdead >= 0 && qlive >= 0 && sop >= 0 && swait >= 0 && snever >= 0 &&
		    qwait >= 0);
	/* a queue whose sender and receiver both exited, a message left on it */
	reap(child(send_two, qdead, false));
	reap(child(receive_one, qdead, false));
	/* a queue whose sender exited and whose receiver runs */
	reap(child(send_two, qlive, false));
	pid_t receiver = child(receive_one, qlive, true);
	/* a set whose last operator runs */
	pid_t op = child(up, sop, true);
	/* a set last used by a process that exited, one process blocked on it */
	reap(child(up_down, swait, false));
	pid_t waiter = fork();
	assert_true(waiter >= 0);
	if (waiter == 0) {
		alarm(60);
		struct sembuf down = { 0, -1, 0 };
		semop(swait, &down, 1);
		_exit(0);
	}
	while (semctl(swait, 0, GETNCNT) != 1)
		usleep(1000);
	/* an empty queue whose sender and receiver exited, and on which a
	 * process blocks in msgrcv(): only the scan sees that one (a queue
	 * has no ncount), as its row is added */
	reap(child(send_two, qwait, false));
	reap(child(receive_one, qwait, false));
	reap(child(receive_one, qwait, false));
	pid_t qwaiter = fork();
	assert_true(qwaiter >= 0);
	if (qwaiter == 0) {
		alarm(60);
		struct msg m;
		msgrcv(qwait, &m, sizeof m.text, 0, 0);
		_exit(0);
	}
	blocked_in(qwaiter, SYS_msgrcv);

	struct objlist s;
	collect_orphans(&s, false);
	assert_false(find(&s, OBJLIST_SYSV_MSG, qdead)->orphan);     /* no scan: waiters unknown */
	assert_false(find(&s, OBJLIST_SYSV_SEM, sop)->orphan);       /* its operator runs */
	assert_false(find(&s, OBJLIST_SYSV_SEM, swait)->orphan);     /* ncount 1 */
	assert_false(find(&s, OBJLIST_SYSV_SEM, snever)->orphan);    /* never used, root runs */
	assert_false(find(&s, OBJLIST_SYSV_SEM, ids[SET1])->orphan); /* this process's */
	assert_false(find(&s, OBJLIST_SYSV_MSG, ids[QUEUE])->orphan);
	drop(&s);
	collect_orphans(&s, true);
	assert_true(find(&s, OBJLIST_SYSV_MSG, qdead)->orphan);
	assert_false(find(&s, OBJLIST_SYSV_MSG, qlive)->orphan); /* its receiver runs */
	assert_false(find(&s, OBJLIST_SYSV_MSG, qwait)->orphan); /* a process waits on it */
	assert_int_equal(find(&s, OBJLIST_SYSV_MSG, qwait)->nwaits, 1);
	assert_false(find(&s, OBJLIST_SYSV_MSG, ids[QUEUE])->orphan);
	assert_false(find(&s, OBJLIST_SYSV_SEM, sop)->orphan);
	assert_false(find(&s, OBJLIST_SYSV_SEM, swait)->orphan);
	/* the cells: ORPHAN yes of the dead queue, no of a set */
	char key[16], want[96], *text = NULL;
	size_t len = 0;
	snprintf(key, sizeof key, "0x%08x", (unsigned)test_key(Q_DEAD));
	struct objlist_table_output o = { .format = OBJLIST_TABLE_TEXT,
					  .columns = "ID,KIND,MSGS,ORPHAN",
					  .raw = true,
					  .noheadings = true,
					  .filter = key };
	FILE *f = open_memstream(&text, &len);
	assert_non_null(f);
	assert_int_equal(objlist_table_write(f, &s, &o), 0);
	fclose(f);
	snprintf(want, sizeof want, "%d sysv-msg 1 yes\n", qdead);
	assert_string_equal(text, want);
	free(text);
	drop(&s);

	/* the receiver, the operator and the waiter gone: orphans, each */
	reap(receiver);
	reap(op);
	reap(waiter);
	reap(qwaiter);
	while (semctl(swait, 0, GETNCNT) != 0)
		usleep(1000);
	collect_orphans(&s, true);
	assert_true(find(&s, OBJLIST_SYSV_MSG, qwait)->orphan);
	assert_true(find(&s, OBJLIST_SYSV_MSG, qlive)->orphan);
	assert_true(find(&s, OBJLIST_SYSV_SEM, sop)->orphan);
	assert_true(find(&s, OBJLIST_SYSV_SEM, swait)->orphan);
	assert_false(find(&s, OBJLIST_SYSV_SEM, snever)->orphan);
	/* a set on a listed segment's key goes with it, not judged alone */
	int seg = shmget(test_key(S_OP), 64, IPC_CREAT | IPC_EXCL | 0600);
	assert_true(seg >= 0);
	drop(&s);
	collect_orphans(&s, true);
	assert_false(find(&s, OBJLIST_SYSV_SEM, sop)->orphan);
	assert_int_equal(shmctl(seg, IPC_RMID, NULL), 0);
	/* watching moved no time: the sets' otime, the queues' stime and rtime */
	struct semid_ds sd;
	struct msqid_ds md;
	assert_int_equal(semctl(snever, 0, IPC_STAT, &sd), 0);
	assert_int_equal(sd.sem_otime, 0);
	assert_int_equal(msgctl(qdead, IPC_STAT, &md), 0);
	assert_int_equal(md.msg_qnum, 1);
	drop(&s);
}

/* Removal: IPC_RMID of the listed set or queue; refused when the id is
 * gone, when its ctime moved (IPC_SET) and when the id is another set's
 * now (removed and made again on the same id: sem_next_id). */
static void test_removal(void **state)
{
	(void)state;
	enum { R_SET = NOBJ + 8, R_QUEUE, R_CHANGED, R_REUSED };
	int set = semget(test_key(R_SET), 1, IPC_CREAT | IPC_EXCL | 0600);
	int queue = msgget(test_key(R_QUEUE), IPC_CREAT | IPC_EXCL | 0600);
	int changed = semget(test_key(R_CHANGED), 1, IPC_CREAT | IPC_EXCL | 0600);
	int reused = semget(test_key(R_REUSED), 1, IPC_CREAT | IPC_EXCL | 0600);
	assert_true(set >= 0 && queue >= 0 && changed >= 0 && reused >= 0);
	struct objlist s;
	collect(&s);
	char why[256];
	assert_int_equal(objlist_remove(&s, find(&s, OBJLIST_SYSV_SEM, set), why, sizeof why), 0);
	assert_int_equal(semget(test_key(R_SET), 0, 0), -1);
	assert_int_equal(objlist_remove(&s, find(&s, OBJLIST_SYSV_MSG, queue), why, sizeof why), 0);
	assert_int_equal(msgget(test_key(R_QUEUE), 0), -1);
	/* again: gone */
	assert_int_equal(objlist_remove(&s, find(&s, OBJLIST_SYSV_SEM, set), why, sizeof why), -1);
	assert_non_null(strstr(why, "is gone"));
	/* IPC_SET in a later second moves its ctime: another state, refused */
	time_t t0 = time(NULL);
	while (time(NULL) == t0)
		usleep(20000);
	struct semid_ds ds;
	assert_int_equal(semctl(changed, 0, IPC_STAT, &ds), 0);
	assert_int_equal(semctl(changed, 0, IPC_SET, &ds), 0);
	assert_int_equal(objlist_remove(&s, find(&s, OBJLIST_SYSV_SEM, changed), why, sizeof why),
			 -1);
	assert_non_null(strstr(why, "changed since it was listed"));
	assert_int_equal(semget(test_key(R_CHANGED), 0, 0), changed);
	/* the id removed and given to a new set of another key within the same
	 * second (the same ctime: only the key tells them apart): refused, the
	 * new set kept */
	drop(&s);
	int again = -1;
	for (int tries = 0; tries < 5; tries++) {
		t0 = time(NULL);
		while (time(NULL) == t0)
			usleep(2000);
		if (reused < 0)
			reused = semget(test_key(R_REUSED), 1, IPC_CREAT | IPC_EXCL | 0600);
		assert_true(reused >= 0);
		collect(&s);
		assert_int_equal(semctl(reused, 0, IPC_RMID), 0);
		FILE *f = fopen("/proc/sys/kernel/sem_next_id", "w");
		assert_non_null(f);
		fprintf(f, "%d\n", reused);
		fclose(f);
		again = semget(test_key(R_REUSED + 1), 1, IPC_CREAT | IPC_EXCL | 0600);
		assert_int_equal(again, reused);
		assert_int_equal(semctl(again, 0, IPC_STAT, &ds), 0);
		if ((int64_t)ds.sem_ctime == find(&s, OBJLIST_SYSV_SEM, reused)->ipc.ctime)
			break;
		/* a second passed in between: again */
		assert_int_equal(semctl(again, 0, IPC_RMID), 0);
		drop(&s);
		reused = -1;
	}
	assert_true(reused >= 0);
	assert_int_equal(objlist_remove(&s, find(&s, OBJLIST_SYSV_SEM, reused), why, sizeof why),
			 -1);
	assert_non_null(strstr(why, "changed since it was listed"));
	assert_int_equal(semget(test_key(R_REUSED + 1), 0, 0), again);
	/* and another ctime on the same id and key (made again a second later) */
	drop(&s);
	collect(&s);
	assert_int_equal(semctl(again, 0, IPC_RMID), 0);
	t0 = time(NULL);
	while (time(NULL) == t0)
		usleep(20000);
	FILE *f = fopen("/proc/sys/kernel/sem_next_id", "w");
	assert_non_null(f);
	fprintf(f, "%d\n", again);
	fclose(f);
	assert_int_equal(semget(test_key(R_REUSED + 1), 1, IPC_CREAT | IPC_EXCL | 0600), again);
	assert_int_equal(objlist_remove(&s, find(&s, OBJLIST_SYSV_SEM, again), why, sizeof why),
			 -1);
	assert_non_null(strstr(why, "changed since it was listed"));
	assert_int_equal(semget(test_key(R_REUSED + 1), 0, 0), again);
	drop(&s);
}

/* The files' paths overridden: a fixture's sets and queues, every one in
 * the kinds' totals even past the caller's rows (truncated). */
static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void test_fixture_paths(void **state)
{
	(void)state;
	char shm[64], sem[64], msg[64];
	snprintf(shm, sizeof shm, "/tmp/shmtop-test-%d-shm", (int)getpid());
	snprintf(sem, sizeof sem, "/tmp/shmtop-test-%d-sem", (int)getpid());
	snprintf(msg, sizeof msg, "/tmp/shmtop-test-%d-msg", (int)getpid());
	write_file(shm, ""); /* no segment */
	write_file(sem, "key semid perms nsems uid gid cuid cgid otime ctime\n"
			"1 10 600 1 0 0 0 0 0 100\n"
			"2 11 600 2 0 0 0 0 0 100\n"
			"garbage\n");
	write_file(msg,
		   "key msqid perms cbytes qnum lspid lrpid uid gid cuid cgid stime rtime ctime\n"
		   "3 20 600 100 1 0 0 0 0 0 0 0 0 100\n"
		   "4 21 600 200 2 0 0 0 0 0 0 0 0 100\n");
	struct objlist_row rows[3];
	struct objlist s = { .rows = rows,
			     .max = 3,
			     .sysvipc_path = shm,
			     .sysvsem_path = sem,
			     .sysvmsg_path = msg };
	assert_int_equal(objlist_collect(&s, OBJLIST_SYSVSEM | OBJLIST_SYSVMSG), 0);
	unlink(shm);
	unlink(sem);
	unlink(msg);
	assert_int_equal(s.n, 3);
	assert_int_equal(s.total, 4);
	assert_true(s.truncated);
	assert_int_equal(s.kinds[OBJLIST_SYSV_SEM].objects, 2);
	assert_int_equal(s.kinds[OBJLIST_SYSV_MSG].objects, 2);
	assert_int_equal(s.kinds[OBJLIST_SYSV_MSG].bytes, 300); /* the fourth row's too */
	assert_int_equal(rows[0].kind, OBJLIST_SYSV_SEM);
	assert_int_equal(rows[1].ipc.nsems, 2);
	assert_int_equal(rows[2].kind, OBJLIST_SYSV_MSG);
	assert_int_equal(rows[2].size, 100);
	assert_string_equal(rows[2].owner, "0"); /* without OBJLIST_NAMES: the uid */
	objlist_free(&s);
}

/* With grow: every row kept however few the caller's first rows, the
 * fixture's segments, sets and queues past them read again whole, so
 * that one collect is enough (objlist_table_batch()). */
static void test_grow(void **state)
{
	(void)state;
	char shm[64], sem[64], msg[64];
	snprintf(shm, sizeof shm, "/tmp/shmtop-test-%d-gshm", (int)getpid());
	snprintf(sem, sizeof sem, "/tmp/shmtop-test-%d-gsem", (int)getpid());
	snprintf(msg, sizeof msg, "/tmp/shmtop-test-%d-gmsg", (int)getpid());
	FILE *f[3] = { fopen(shm, "w"), fopen(sem, "w"), fopen(msg, "w") };
	for (int k = 0; k < 3; k++)
		assert_non_null(f[k]);
	fprintf(f[0], "key shmid perms size cpid lpid nattch uid gid cuid cgid atime dtime "
		      "ctime rss swap\n");
	fprintf(f[1], "key semid perms nsems uid gid cuid cgid otime ctime\n");
	fprintf(f[2], "key msqid perms cbytes qnum lspid lrpid uid gid cuid cgid stime rtime "
		      "ctime\n");
	/* each more than the rows grown so far: each file is read again */
	for (int i = 0; i < 600; i++) {
		if (i < 10)
			fprintf(f[0], "0 %d 600 4096 1 1 0 0 0 0 0 0 0 100 4096 0\n", 1000 + i);
		if (i < 300)
			fprintf(f[1], "0 %d 600 1 0 0 0 0 0 100\n", 2000 + i);
		fprintf(f[2], "0 %d 600 10 1 0 0 0 0 0 0 0 0 100\n", 3000 + i);
	}
	for (int k = 0; k < 3; k++)
		fclose(f[k]);
	struct objlist s = { .rows = calloc(4, sizeof(struct objlist_row)),
			     .max = 4,
			     .grow = true,
			     .sysvipc_path = shm,
			     .sysvsem_path = sem,
			     .sysvmsg_path = msg };
	assert_non_null(s.rows);
	int rc = objlist_collect(&s, OBJLIST_SYSVSEM | OBJLIST_SYSVMSG);
	unlink(shm);
	unlink(sem);
	unlink(msg);
	assert_int_equal(rc, 0);
	assert_false(s.truncated);
	assert_int_equal(s.total, 910);
	assert_int_equal(s.n, 910);
	assert_true(s.max >= 910);
	assert_int_equal(s.rows[0].kind, OBJLIST_SYSV);
	assert_int_equal(s.rows[9].ino, 1009);
	assert_int_equal(s.rows[10].kind, OBJLIST_SYSV_SEM);
	assert_int_equal(s.rows[309].ino, 2299);
	assert_int_equal(s.rows[909].kind, OBJLIST_SYSV_MSG);
	assert_int_equal(s.rows[909].ino, 3599);
	free(s.rows);
	objlist_free(&s);
}

/* A writer's lock whose segment is gone (a writer killed -9, its segment
 * removed since): an orphan, "lock" on screen; not while the segment is
 * there, not while held, nor a set of another shape. */
static void test_lock_orphan(void **state)
{
	(void)state;
	key_t k = test_key(NOBJ), other = test_key(NOBJ + 1);
	int lock = semget(k, 1, IPC_CREAT | IPC_EXCL | 0600);
	int wide = semget(other, 2, IPC_CREAT | IPC_EXCL | 0600);
	int seg = shmget(k, 4096, IPC_CREAT | IPC_EXCL | 0600);
	assert_true(lock >= 0 && wide >= 0 && seg >= 0);
	struct objlist s;
	memset(&s, 0, sizeof s);
	s.max = 8192;
	s.rows = calloc(s.max, sizeof *s.rows);
	assert_non_null(s.rows);
	const unsigned flags = OBJLIST_SYSVSEM | OBJLIST_ORPHANS;
	assert_int_equal(objlist_collect(&s, flags), 0);
	assert_false(find(&s, OBJLIST_SYSV_SEM, lock)->orphan); /* its segment is there */
	assert_int_equal(shmctl(seg, IPC_RMID, NULL), 0);
	assert_int_equal(objlist_collect(&s, flags), 0);
	const struct objlist_row *r = find(&s, OBJLIST_SYSV_SEM, lock);
	assert_true(r->lock_orphan && r->orphan);
	assert_false(find(&s, OBJLIST_SYSV_SEM, wide)->orphan); /* not a lock's shape */
	struct objlist_view_cols c;
	char buf[256];
	objlist_view_columns(200, &c);
	assert_non_null(strstr(objlist_view_row(&c, &s, r, buf, sizeof buf), " lock orphan "));
	/* the cells: STATUS says why, ORPHAN yes */
	char key[16], want[128], *text = NULL;
	size_t len = 0;
	snprintf(key, sizeof key, "0x%08x", (unsigned)k);
	struct objlist_table_output o = { .format = OBJLIST_TABLE_TEXT,
					  .columns = "ID,KIND,STATUS,ORPHAN",
					  .raw = true,
					  .noheadings = true,
					  .filter = key };
	FILE *f = open_memstream(&text, &len);
	assert_non_null(f);
	assert_int_equal(objlist_table_write(f, &s, &o), 0);
	fclose(f);
	snprintf(want, sizeof want, "%d sysv-sem lock\\x20without\\x20segment yes\n", lock);
	assert_string_equal(text, want);
	free(text);
	assert_int_equal(objlist_collect(&s, OBJLIST_SYSVSEM), 0); /* not asked for */
	assert_false(find(&s, OBJLIST_SYSV_SEM, lock)->orphan);
	/* held (a writer running on the key, its segment removed under it): no */
	struct sembuf up = { 0, 1, 0 };
	assert_int_equal(semop(lock, &up, 1), 0);
	assert_int_equal(objlist_collect(&s, flags), 0);
	assert_false(find(&s, OBJLIST_SYSV_SEM, lock)->orphan);
	free(s.rows);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rows),
		cmocka_unit_test(test_watching_changes_nothing),
		cmocka_unit_test(test_cells),
		cmocka_unit_test(test_sort),
		cmocka_unit_test(test_orphans),
		cmocka_unit_test(test_removal),
		cmocka_unit_test(test_fixture_paths),
		cmocka_unit_test(test_grow),
		cmocka_unit_test(test_lock_orphan),
	};
	return cmocka_run_group_tests(tests, NULL, test_cleanup_keys);
}
