/* SPDX-License-Identifier: MIT */
/*
 * bench_objlist: what the object list of every shared memory object costs
 * per refresh (issue 13), beside the kernel's own cost of the same reads and
 * beside the tools that do the same work once.
 *
 * Set-ups, one after the other, each made, checked, measured and removed:
 *   - 10, 1,000 and 10,000 POSIX objects in /dev/shm (shm_open, ftruncate to
 *     4 KiB and one byte written, so each has a resident page), named
 *     shmtop-bench-list.PID.pN;
 *   - 1,000 SysV segments (IPC_PRIVATE, 4 KiB);
 *   - 500 processes, each mapping 4 objects: a POSIX object of its own
 *     (read-write, its fd closed), a memfd of its own (mapped, its fd kept),
 *     one POSIX object that all of them map read-only and one SysV segment
 *     that all of them attach read-only;
 *   - 1,000 SysV semaphore sets (IPC_PRIVATE, 1 semaphore, every other one
 *     4) and 1,000 message queues (3 messages each), each used by a child
 *     that then exited (semop +1 on every semaphore, msgsnd), so that the
 *     orphan rule does its full work on every one (IPC_STAT, GETNCNT,
 *     GETZCNT, GETPID per semaphore), and one process blocked on each of
 *     100 of the sets (semop) and 100 of the queues (msgrcv), measured with
 *     objlist_collect(NAMES | SYSVSEM | SYSVMSG | ORPHANS), the same without
 *     ORPHANS, objlist_scan() (which finds the waiters), the floor
 *     (/proc/sysvipc/sem and msg read whole) and the peers lsipc -s, lsipc
 *     -q, ipcs -s, ipcs -q and shmtop -a -b -n 1 -t sysv-sem,sysv-msg; it
 *     is checked (exactly the sets and queues made, each waiter on its row
 *     and no other, orphans exactly the ones without a waiter) once the
 *     waiters are asleep (up to 5 s of tries).
 * For each, the CPU time of one call (the thread's CPU clock), median and
 * p90 over --runs calls, and the median wall time:
 *   - objlist_collect(NAMES | DEVSHM | ORPHANS): the part a screen runs
 *     every tick (after one scan, so it joins the scan's objects as a screen
 *     does);
 *   - objlist_scan(): /proc/PID/maps and /proc/PID/fd of every process;
 *   - the floor, in the same run: /proc/sysvipc/shm read whole; /dev/shm
 *     read (opendir, readdir, fstatat of each entry); and, for the scan,
 *     every /proc/PID/maps read whole and every /proc/PID/fd listed with a
 *     readlink of each entry;
 *   - the same work done once by a program run as a child process: lsipc -m
 *     (SysV), lsipc -M (POSIX objects: util-linux 2.41 and later; Debian 12
 *     has 2.38), ls -l /dev/shm and shmtop -a -b -n 1; CPU is user + system of the reaped child
 *     (getrusage), wall from fork to reap, median of --peer-runs.
 * Then bytes/s on screen: the real `shmtop -a` (the list screen) on a pty
 * for --duration seconds, with 10 and with 1,000 POSIX objects, measured by
 * bench_viewer's harness (`bench_viewer -- shmtop -a`), whose table is shown
 * as it printed it.
 *
 * Each set-up is checked before it is measured: the object list must list
 * exactly the objects made (by name, or shmid), with the size and resident
 * bytes that fstatat gives, no one holding the POSIX ones (orphans after a
 * scan), and in the processes' set-up every object with exactly its holders'
 * pids.  A mismatch or a call that fails is a failure (exit 1); timings
 * never are.
 *
 * Room is checked first: /dev/shm's free bytes and inodes (the POSIX counts
 * are scaled down, with a note, past half of either), kernel.shmmni (the
 * segments capped, with a note), and a fork that fails caps the processes.
 * Everything made is removed at the end and on SIGINT, SIGTERM and SIGHUP
 * (objects unlinked, segments, sets and queues IPC_RMID, children
 * SIGKILLed; they also die with this process: PR_SET_PDEATHSIG); objects
 * left in /dev/shm by a run
 * killed with -9 (its pid gone) are removed at the start.  Its IPC_PRIVATE
 * segments, sets and queues cannot be told from others': a -9 leaves them.
 *
 * --smoke: 10 objects, 10 segments, 10 processes, 10 sets and queues (2
 * waiters each), 5 runs, 1 s on screen,
 * for the bench_smoke test.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/msg.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"
#include "objlist.h"

#ifndef SHMTOP_PATH
#error "SHMTOP_PATH must name the shmtop binary"
#endif
#ifndef BENCH_VIEWER_PATH
#error "BENCH_VIEWER_PATH must name the bench_viewer binary"
#endif

#define PREFIX "shmtop-bench-list."
#define OBJ_SIZE 4096
#define PATH_LEN 96
#define MAX_RUNS 1001
#define FLAGS (OBJLIST_NAMES | OBJLIST_DEVSHM | OBJLIST_ORPHANS)
#define IPC_FLAGS (OBJLIST_NAMES | OBJLIST_SYSVSEM | OBJLIST_SYSVMSG | OBJLIST_ORPHANS)

/* ---- what this run made, for the clean-up ------------------------------ */

/* Preallocated once, so that the signal handler never reads freed memory;
 * a count grows only after its entry is written. */
static pid_t main_pid;
static char (*paths)[PATH_LEN]; /* /dev/shm/NAME */
static volatile size_t npaths;
static size_t cap_paths;
static int *segs;
static volatile size_t nsegs;
static size_t cap_segs;
static pid_t *kids;
static volatile size_t nkids;
static size_t cap_kids;
static int *sets, *queues; /* SysV semaphore sets and message queues */
static volatile size_t nsets, nqueues;
static size_t cap_ipc;
static volatile pid_t peer_pid; /* a program being measured */
static volatile sig_atomic_t interrupted;

/* Only system calls: it also runs in the signal handler. */
static void remove_all(bool reap)
{
	pid_t peer = peer_pid;
	if (peer > 0) { /* SIGTERM: bench_viewer then removes what it made (its key block) */
		kill(peer, SIGTERM);
		for (int i = 0; i < 500 && waitpid(peer, NULL, WNOHANG) == 0; i++)
			nanosleep(&(struct timespec){ .tv_nsec = 10 * NS_PER_MS }, NULL);
		kill(peer, SIGKILL);
		peer_pid = 0;
	}
	for (size_t i = 0; i < nkids; i++)
		kill(kids[i], SIGKILL);
	if (reap)
		for (size_t i = 0; i < nkids; i++)
			waitpid(kids[i], NULL, 0);
	nkids = 0;
	for (size_t i = 0; i < npaths; i++)
		unlink(paths[i]);
	npaths = 0;
	for (size_t i = 0; i < nsegs; i++)
		shmctl(segs[i], IPC_RMID, NULL);
	nsegs = 0;
	for (size_t i = 0; i < nsets; i++)
		semctl(sets[i], 0, IPC_RMID);
	nsets = 0;
	for (size_t i = 0; i < nqueues; i++)
		msgctl(queues[i], IPC_RMID, NULL);
	nqueues = 0;
}

static void cleanup(void)
{
	if (getpid() == main_pid)
		remove_all(true);
}

static void on_signal(int sig)
{
	if (getpid() != main_pid) /* a child between fork and its own handlers */
		_exit(128 + sig);
	interrupted = 1;
	remove_all(false);
	test_key_release();
	signal(sig, SIG_DFL);
	raise(sig);
}

/* ---- making objects ------------------------------------------------------ */

/* The name of object tag+i in /dev/shm ("" tag and i: the common one). */
static void obj_name(char *buf, size_t len, const char *tag, size_t i)
{
	snprintf(buf, len, PREFIX "%d.%s%zu", (int)main_pid, tag, i);
}

/* Create /dev/shm/NAME, OBJ_SIZE bytes with its first page written; 0, or
 * -1 with a message. */
static int posix_make(const char *name)
{
	char shmname[PATH_LEN];
	if (npaths >= cap_paths) {
		fprintf(stderr, "bench_objlist: more objects than planned\n");
		return -1;
	}
	snprintf(paths[npaths], PATH_LEN, OBJLIST_DEVSHM_DIR "/%s", name);
	npaths++; /* before it exists: a signal from now on removes it */
	snprintf(shmname, sizeof shmname, "/%s", name);
	int fd = shm_open(shmname, O_CREAT | O_EXCL | O_RDWR, 0600);
	if (fd < 0) {
		fprintf(stderr, "bench_objlist: shm_open %s: %s\n", shmname, strerror(errno));
		return -1;
	}
	int rc = ftruncate(fd, OBJ_SIZE) < 0 || pwrite(fd, "i", 1, 0) != 1 ? -1 : 0;
	if (rc < 0)
		fprintf(stderr, "bench_objlist: filling %s: %s\n", shmname, strerror(errno));
	close(fd);
	return rc;
}

static int posix_make_n(size_t n)
{
	char name[PATH_LEN];
	for (size_t i = 0; i < n && !interrupted; i++) {
		obj_name(name, sizeof name, "p", i);
		if (posix_make(name) < 0)
			return -1;
	}
	return interrupted ? -1 : 0;
}

/* n IPC_PRIVATE segments of OBJ_SIZE; how many were made (a note if fewer). */
static size_t segs_make_n(size_t n)
{
	while (nsegs < n && nsegs < cap_segs) {
		int id = shmget(IPC_PRIVATE, OBJ_SIZE, IPC_CREAT | 0600);
		if (id < 0) {
			printf("   note: capped at %zu segments: shmget: %s\n", (size_t)nsegs,
			       strerror(errno));
			break;
		}
		segs[nsegs++] = id;
	}
	return nsegs;
}

/* A child that maps its objects (see the opening comment), says 'k' (or 'x'
 * if something failed) on ready, and waits to be killed. */
static void kid_main(size_t i, int ready, int common_seg)
{
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	if (getppid() != main_pid)
		_exit(1);
	char name[PATH_LEN], shmname[PATH_LEN + 1];
	bool ok = true;
	obj_name(name, sizeof name, "c", i);
	snprintf(shmname, sizeof shmname, "/%s", name);
	int fd = shm_open(shmname, O_RDWR, 0);
	char *p =
	    fd < 0 ? MAP_FAILED : mmap(NULL, OBJ_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (fd >= 0)
		close(fd);
	if (p == MAP_FAILED)
		ok = false;
	else
		p[1] = 'k';
	obj_name(name, sizeof name, "m", i);
	int mfd = memfd_create(name, MFD_CLOEXEC);
	p = mfd < 0 || ftruncate(mfd, OBJ_SIZE) < 0
		? MAP_FAILED
		: mmap(NULL, OBJ_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, mfd, 0);
	if (p == MAP_FAILED)
		ok = false;
	else
		p[0] = 'm'; /* mfd stays open: an fd holder as well as a mapping */
	obj_name(name, sizeof name, "common", 0);
	snprintf(shmname, sizeof shmname, "/%s", name);
	fd = shm_open(shmname, O_RDONLY, 0);
	if (fd < 0 || mmap(NULL, OBJ_SIZE, PROT_READ, MAP_SHARED, fd, 0) == MAP_FAILED)
		ok = false;
	if (fd >= 0)
		close(fd);
	if (shmat(common_seg, NULL, SHM_RDONLY) == (void *)-1)
		ok = false;
	char c = ok ? 'k' : 'x';
	if (write(ready, &c, 1) != 1)
		_exit(1);
	close(ready);
	for (;;)
		pause();
}

/* The common objects, then n children; how many are ready (a note if
 * fewer), or -1. */
static int kids_make_n(size_t n, int *common_seg)
{
	char name[PATH_LEN];
	obj_name(name, sizeof name, "common", 0);
	if (posix_make(name) < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		obj_name(name, sizeof name, "c", i);
		if (posix_make(name) < 0)
			return -1;
	}
	if (segs_make_n(nsegs + 1) < 1)
		return -1;
	*common_seg = segs[nsegs - 1];
	int ready[2];
	if (pipe2(ready, O_CLOEXEC) < 0)
		return -1;
	fflush(NULL);
	while (nkids < n && nkids < cap_kids && !interrupted) {
		pid_t pid = fork();
		if (pid < 0) {
			printf("   note: capped at %zu processes: fork: %s\n", (size_t)nkids,
			       strerror(errno));
			break;
		}
		if (pid == 0) {
			close(ready[0]);
			kid_main(nkids, ready[1], *common_seg);
		}
		kids[nkids++] = pid;
	}
	close(ready[1]);
	size_t ok = 0;
	for (size_t i = 0; i < nkids; i++) {
		struct pollfd p = { ready[0], POLLIN, 0 };
		char c;
		if (poll(&p, 1, 10000) <= 0 || read(ready[0], &c, 1) != 1)
			break;
		ok += c == 'k';
	}
	close(ready[0]);
	if (ok < nkids) {
		printf("   BROKEN: only %zu of %zu processes mapped their objects\n", ok,
		       (size_t)nkids);
		return -1;
	}
	return (int)nkids;
}

/* ---- SysV semaphore sets and message queues ------------------------------ */

#define IPC_MSGS 3     /* messages on each queue */
#define IPC_NO_TYPE 99 /* a message type nobody sends: msgrcv() of it blocks */

static pid_t *set_waiter, *queue_waiter; /* the process blocked on sets[i], queues[i], or 0 */

static int sem_add(int id, unsigned short num, short op)
{
	struct sembuf b = { .sem_num = num, .sem_op = op };
	return semop(id, &b, 1);
}

/* A child, killed by remove_all(): says 'k' on ready, then blocks in semop()
 * on the set (waiting for 2 on a semaphore that holds 1) or in msgrcv() on
 * the queue (a type nobody sends). */
static pid_t waiter_make(bool set, int id, int ready)
{
	pid_t pid = fork();
	if (pid != 0)
		return pid;
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	(void)!write(ready, "k", 1);
	struct {
		long type;
		char text[16];
	} m;
	if (set)
		sem_add(id, 0, -2);
	else
		msgrcv(id, &m, sizeof m.text, IPC_NO_TYPE, 0);
	_exit(0);
}

/* n sets (1 semaphore, every other one 4) and n queues, used by a child that
 * then exited (one semop() of +1 on each semaphore, IPC_MSGS messages on
 * each queue: what the orphan rule reads is a process that is gone), then
 * nwait processes blocked on the first nwait sets and nwait queues.  0, or
 * -1 with a message. */
static int ipc_make_n(size_t n, size_t nwait)
{
	while (nsets < n && nsets < cap_ipc) {
		int id = semget(IPC_PRIVATE, nsets % 2 ? 4 : 1, IPC_CREAT | 0600);
		if (id < 0) {
			printf("   BROKEN: semget: %s (kernel.sem's SEMMNI?)\n", strerror(errno));
			return -1;
		}
		sets[nsets++] = id;
	}
	while (nqueues < n && nqueues < cap_ipc) {
		int id = msgget(IPC_PRIVATE, IPC_CREAT | 0600);
		if (id < 0) {
			printf("   BROKEN: msgget: %s (kernel.msgmni?)\n", strerror(errno));
			return -1;
		}
		queues[nqueues++] = id;
	}
	fflush(NULL);
	pid_t user = fork();
	if (user < 0)
		return -1;
	if (user == 0) {
		struct {
			long type;
			char text[16];
		} m = { 1, "bench" };
		for (size_t i = 0; i < n; i++)
			for (unsigned short k = 0; k < (i % 2 ? 4 : 1); k++)
				if (sem_add(sets[i], k, 1) < 0)
					_exit(1);
		for (size_t i = 0; i < n; i++)
			for (int k = 0; k < IPC_MSGS; k++)
				if (msgsnd(queues[i], &m, sizeof m.text, IPC_NOWAIT) < 0)
					_exit(1);
		_exit(0);
	}
	int st;
	while (waitpid(user, &st, 0) < 0 && errno == EINTR)
		;
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		printf("   BROKEN: the child could not use the sets and queues\n");
		return -1;
	}
	int ready[2];
	if (pipe2(ready, O_CLOEXEC) < 0)
		return -1;
	memset(set_waiter, 0, cap_ipc * sizeof *set_waiter);
	memset(queue_waiter, 0, cap_ipc * sizeof *queue_waiter);
	size_t want = 0;
	for (size_t i = 0; i < nwait && i < n && nkids + 2 <= cap_kids && !interrupted; i++) {
		pid_t a = waiter_make(true, sets[i], ready[1]);
		if (a > 0)
			kids[nkids++] = set_waiter[i] = a;
		pid_t b = a > 0 ? waiter_make(false, queues[i], ready[1]) : -1;
		if (b > 0)
			kids[nkids++] = queue_waiter[i] = b;
		if (a < 0 || b < 0) {
			printf("   BROKEN: fork: %s\n", strerror(errno));
			close(ready[0]);
			close(ready[1]);
			return -1;
		}
		want += 2;
	}
	close(ready[1]);
	size_t ok = 0;
	for (; ok < want; ok++) {
		struct pollfd p = { ready[0], POLLIN, 0 };
		char c;
		if (poll(&p, 1, 10000) <= 0 || read(ready[0], &c, 1) != 1)
			break;
	}
	close(ready[0]);
	if (ok < want) {
		printf("   BROKEN: only %zu of %zu waiters started\n", ok, want);
		return -1;
	}
	return interrupted ? -1 : 0;
}

/* Objects in /dev/shm left by runs whose pid is gone. */
static void sweep_stale(void)
{
	DIR *d = opendir(OBJLIST_DEVSHM_DIR);
	size_t n = 0;
	if (!d)
		return;
	for (struct dirent *e; (e = readdir(d));) {
		if (strncmp(e->d_name, PREFIX, strlen(PREFIX)) != 0)
			continue;
		long pid = strtol(e->d_name + strlen(PREFIX), NULL, 10);
		if (pid > 0 && pid != main_pid && kill((pid_t)pid, 0) < 0 && errno == ESRCH &&
		    unlinkat(dirfd(d), e->d_name, 0) == 0)
			n++;
	}
	closedir(d);
	if (n)
		printf("removed %zu objects left in /dev/shm by an earlier run that was killed\n",
		       n);
}

/* ---- the object list ------------------------------------------------------- */

static struct objlist list;
static unsigned collect_flags = FLAGS;

/* objlist_collect(), with rows for every object on the host. */
static int inv_collect(void)
{
	for (int tries = 0; tries < 4; tries++) {
		if (objlist_collect(&list, collect_flags) < 0)
			return -1;
		if (!list.truncated)
			return 0;
		size_t max = list.total + list.total / 4 + 256;
		struct objlist_row *r = realloc(list.rows, max * sizeof *r);
		if (!r)
			return -1;
		list.rows = r;
		list.max = max;
	}
	errno = EOVERFLOW;
	return -1;
}

/* Is name ours, made with tag: PREFIX PID . tag DIGITS?  Its index. */
static bool ours(const char *name, const char *tag, size_t *index)
{
	char head[PATH_LEN];
	int n = snprintf(head, sizeof head, PREFIX "%d.%s", (int)main_pid, tag);
	if (strncmp(name, head, (size_t)n) != 0)
		return false;
	const char *digits = name + n;
	char *end;
	if (*digits < '0' || *digits > '9')
		return false;
	unsigned long long i = strtoull(digits, &end, 10);
	*index = (size_t)i;
	return *end == '\0';
}

/* Does name start with this run's prefix? */
static bool mine(const char *name)
{
	char head[PATH_LEN];
	int n = snprintf(head, sizeof head, PREFIX "%d.", (int)main_pid);
	return strncmp(name, head, (size_t)n) == 0;
}

static bool is_kid(pid_t pid)
{
	for (size_t i = 0; i < nkids; i++)
		if (kids[i] == pid)
			return true;
	return false;
}

static int complaints;

static void complain(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void complain(const char *fmt, ...)
{
	if (complaints++ >= 8)
		return;
	va_list ap;
	va_start(ap, fmt);
	printf("   BROKEN: ");
	vprintf(fmt, ap);
	printf("\n");
	va_end(ap);
}

/* The row's size and resident bytes agree with fstatat of its file. */
static void check_stat(const struct objlist_row *r)
{
	struct stat st;
	char path[OBJLIST_NAME_MAX + 16];
	snprintf(path, sizeof path, OBJLIST_DEVSHM_DIR "/%s", r->name);
	if (stat(path, &st) < 0) {
		complain("%s: listed, but stat says %s", r->name, strerror(errno));
		return;
	}
	if (r->size != (uint64_t)st.st_size || r->resident != (uint64_t)st.st_blocks * 512)
		complain("%s: size %llu, resident %llu; stat says %lld, %lld", r->name,
			 (unsigned long long)r->size, (unsigned long long)r->resident,
			 (long long)st.st_size, (long long)st.st_blocks * 512);
}

/* After a scan and a collect: exactly the objects made, as made.  0, or -1
 * (with BROKEN lines). */
static int verify(size_t nposix, int common_seg)
{
	complaints = 0;
	size_t p = 0, c = 0, m = 0, common = 0, segments = 0, idx;
	bool *seen = calloc(nposix + nkids + 1, 3);
	if (!seen)
		return -1;
	bool *seen_c = seen + nposix + 1, *seen_m = seen_c + nkids + 1;
	for (size_t i = 0; i < list.n; i++) {
		const struct objlist_row *r = &list.rows[i];
		const struct objlist_holder *h = list.holders + r->holder0;
		if (r->kind == OBJLIST_SYSV) {
			size_t j = 0;
			while (j < nsegs && segs[j] != r->shm.st.shmid)
				j++;
			if (j == nsegs)
				continue;
			segments++;
			if (r->size != OBJ_SIZE)
				complain("segment %d: size %llu, made %d", segs[j],
					 (unsigned long long)r->size, OBJ_SIZE);
			bool shared = segs[j] == common_seg;
			size_t want = shared ? nkids : 0;
			if (r->shm.st.nattch != want || r->nholders != want)
				complain("segment %d: nattch %llu, %zu holders; %zu attached",
					 segs[j], (unsigned long long)r->shm.st.nattch, r->nholders,
					 want);
			for (size_t k = 0; k < r->nholders; k++)
				if (!is_kid(h[k].pid) || h[k].maps_ro < 1)
					complain("segment %d: holder %d (ro %u) is not one of "
						 "ours",
						 segs[j], (int)h[k].pid, h[k].maps_ro);
			if (r->orphan)
				complain("segment %d: flagged orphan, its creator is alive",
					 segs[j]);
		} else if (r->kind == OBJLIST_POSIX && ours(r->name, "p", &idx)) {
			p++;
			if (idx >= nposix || seen[idx])
				complain("%s: listed twice, or never made", r->name);
			else
				seen[idx] = true;
			check_stat(r);
			if (r->nholders != 0 || !r->orphan)
				complain("%s: %zu holders, orphan %d; no one maps it", r->name,
					 r->nholders, r->orphan);
		} else if (r->kind == OBJLIST_POSIX && ours(r->name, "c", &idx)) {
			c++;
			if (idx >= nkids || seen_c[idx])
				complain("%s: listed twice, or never made", r->name);
			else
				seen_c[idx] = true;
			check_stat(r);
			if (idx < nkids &&
			    (r->nholders != 1 || h[0].pid != kids[idx] || h[0].maps_rw < 1))
				complain("%s: %zu holders, the first %d (rw %u); made for %d, rw",
					 r->name, r->nholders, r->nholders ? (int)h[0].pid : 0,
					 r->nholders ? h[0].maps_rw : 0, (int)kids[idx]);
		} else if (r->kind == OBJLIST_MEMFD && ours(r->name, "m", &idx)) {
			m++;
			if (idx >= nkids || seen_m[idx])
				complain("memfd %s: listed twice, or never made", r->name);
			else
				seen_m[idx] = true;
			if (idx < nkids && (r->nholders != 1 || h[0].pid != kids[idx] ||
					    h[0].maps_rw < 1 || h[0].fds < 1))
				complain("memfd %s: %zu holders, the first %d (rw %u, fds %u); "
					 "made by %d, rw and an fd",
					 r->name, r->nholders, r->nholders ? (int)h[0].pid : 0,
					 r->nholders ? h[0].maps_rw : 0, r->nholders ? h[0].fds : 0,
					 (int)kids[idx]);
			if (r->size != OBJ_SIZE)
				complain("memfd %s: size %llu, made %d", r->name,
					 (unsigned long long)r->size, OBJ_SIZE);
		} else if (r->kind == OBJLIST_POSIX && ours(r->name, "common", &idx)) {
			common++;
			check_stat(r);
			size_t ro = 0;
			for (size_t k = 0; k < r->nholders; k++)
				ro += is_kid(h[k].pid) && h[k].maps_ro >= 1;
			if (r->nholders != nkids || ro != nkids)
				complain("%s: %zu holders, %zu of them ours read-only; %zu map it",
					 r->name, r->nholders, ro, (size_t)nkids);
		} else if (mine(r->name)) {
			complain("%s: one of ours, listed as %s", r->name,
				 objlist_kind_name(r->kind));
		}
	}
	free(seen);
	if (p != nposix)
		complain("%zu of the %zu POSIX objects listed", p, nposix);
	if (segments != nsegs)
		complain("%zu of the %zu segments listed", segments, (size_t)nsegs);
	if (c != nkids || m != nkids)
		complain("%zu POSIX objects and %zu memfds of the %zu processes listed; one each",
			 c, m, (size_t)nkids);
	if (nkids && common != 1)
		complain("the object all processes map listed %zu times", common);
	if (complaints > 8)
		printf("   (and %d more)\n", complaints - 8);
	return complaints ? -1 : 0;
}

static size_t find_id(const int *ids, size_t n, uint64_t id)
{
	for (size_t i = 0; i < n; i++)
		if ((uint64_t)ids[i] == id)
			return i;
	return SIZE_MAX;
}

/* After a scan and a collect (IPC_FLAGS): exactly the sets and queues made,
 * each waiter on its row and only there, orphans exactly the ones without
 * a waiter.  0, or -1 (with BROKEN lines when loud). */
static int verify_ipc(bool loud)
{
	complaints = loud ? 0 : 1000;
	int start = complaints;
	size_t *seen_set = calloc(nsets + 1, sizeof *seen_set);
	size_t *seen_queue = calloc(nqueues + 1, sizeof *seen_queue);
	if (!seen_set || !seen_queue) {
		free(seen_set);
		free(seen_queue);
		complain("out of memory");
		return -1;
	}
	size_t waits = 0;
	for (size_t i = 0; i < list.n; i++) {
		const struct objlist_row *r = &list.rows[i];
		bool set = r->kind == OBJLIST_SYSV_SEM;
		if (!set && r->kind != OBJLIST_SYSV_MSG)
			continue;
		size_t at = set ? find_id(sets, nsets, r->ino) : find_id(queues, nqueues, r->ino);
		if (at == SIZE_MAX) {
			for (size_t w = r->wait0; w < r->wait0 + r->nwaits; w++)
				if (is_kid(list.waits[w].pid))
					complain("%s %llu, not ours, has our waiter %d",
						 set ? "set" : "queue", (unsigned long long)r->ino,
						 (int)list.waits[w].pid);
			continue;
		}
		const char *what = set ? "set" : "queue";
		unsigned long long id = (unsigned long long)r->ino;
		(set ? seen_set : seen_queue)[at]++;
		pid_t waiter = (set ? set_waiter : queue_waiter)[at];
		if (set && r->ipc.nsems != (at % 2 ? 4u : 1u))
			complain("set %llu: %llu semaphores, made with %u", id,
				 (unsigned long long)r->ipc.nsems, at % 2 ? 4u : 1u);
		if (!set && r->ipc.qnum != IPC_MSGS)
			complain("queue %llu: %llu messages, %d sent", id,
				 (unsigned long long)r->ipc.qnum, IPC_MSGS);
		waits += r->nwaits;
		if (r->nwaits != (waiter ? 1u : 0u))
			complain("%s %llu: %zu waiters, %d made", what, id, r->nwaits,
				 waiter ? 1 : 0);
		else if (waiter && (list.waits[r->wait0].pid != waiter ||
				    list.waits[r->wait0].op !=
					(set ? OBJLIST_WAIT_SEM : OBJLIST_WAIT_MSGRCV)))
			complain("%s %llu: waiter %d (op %d), not %d", what, id,
				 (int)list.waits[r->wait0].pid, (int)list.waits[r->wait0].op,
				 (int)waiter);
		if (r->orphan != !waiter)
			complain("%s %llu: %s an orphan, %s", what, id,
				 r->orphan ? "wrongly" : "not",
				 waiter ? "with a waiter" : "used by a process that is gone");
	}
	for (size_t i = 0; i < nsets; i++)
		if (seen_set[i] != 1)
			complain("set %d listed %zu times", sets[i], seen_set[i]);
	for (size_t i = 0; i < nqueues; i++)
		if (seen_queue[i] != 1)
			complain("queue %d listed %zu times", queues[i], seen_queue[i]);
	if (waits != nkids)
		complain("%zu waiters on our rows, %zu made", waits, (size_t)nkids);
	free(seen_set);
	free(seen_queue);
	if (loud && complaints > 8)
		printf("   (and %d more)\n", complaints - 8);
	return complaints != start ? -1 : 0;
}

/* ---- the floor: the kernel's own cost of the same reads ------------------ */

static char *buf;
static size_t buflen;

/* Read path whole into buf; its length, or -1. */
static ssize_t read_whole(int dirfd_, const char *path)
{
	int fd = openat(dirfd_, path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	size_t n = 0;
	for (;;) {
		if (n == buflen) {
			size_t len = buflen ? 2 * buflen : 1 << 20;
			char *b = realloc(buf, len);
			if (!b) {
				close(fd);
				return -1;
			}
			buf = b;
			buflen = len;
		}
		ssize_t r = read(fd, buf + n, buflen - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			close(fd);
			return r < 0 ? -1 : (ssize_t)n;
		}
		n += (size_t)r;
	}
}

static int floor_sysvipc(void)
{
	return read_whole(AT_FDCWD, SYSVIPC_SHM_PATH) < 0 ? -1 : 0;
}

static int floor_sysvipc_ipc(void)
{
	return read_whole(AT_FDCWD, SYSVIPC_SEM_PATH) < 0 ||
		       read_whole(AT_FDCWD, SYSVIPC_MSG_PATH) < 0
		   ? -1
		   : 0;
}

static int floor_devshm(void)
{
	DIR *d = opendir(OBJLIST_DEVSHM_DIR);
	if (!d)
		return -1;
	struct stat st;
	for (struct dirent *e; (e = readdir(d));)
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW);
	closedir(d);
	return 0;
}

/* Every /proc/PID/maps read, every /proc/PID/fd listed, each link read. */
static int floor_proc(void)
{
	DIR *d = opendir("/proc");
	if (!d)
		return -1;
	char path[NAME_MAX + 8], link[PATH_MAX];
	for (struct dirent *e; (e = readdir(d));) {
		if (e->d_name[0] < '1' || e->d_name[0] > '9')
			continue;
		snprintf(path, sizeof path, "%s/maps", e->d_name);
		read_whole(dirfd(d), path);
		snprintf(path, sizeof path, "%s/fd", e->d_name);
		int fd = openat(dirfd(d), path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		DIR *f = fd < 0 ? NULL : fdopendir(fd);
		if (!f) {
			if (fd >= 0)
				close(fd);
			continue;
		}
		for (struct dirent *x; (x = readdir(f));)
			if (x->d_name[0] != '.')
				(void)!readlinkat(dirfd(f), x->d_name, link, sizeof link);
		closedir(f);
	}
	closedir(d);
	return 0;
}

/* ---- timing -------------------------------------------------------------- */

struct stats {
	bool ok;
	int runs;
	double cpu50, cpu90, wall50; /* ms */
};

static int64_t thread_cpu_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (int64_t)ts.tv_sec * NS_PER_SEC + ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static double pick(double *v, int n, double p)
{
	qsort(v, (size_t)n, sizeof *v, cmp_double);
	return v[(int)(p * (double)(n - 1) + 0.5)];
}

static int runs = 31, peer_runs = 5;

/* fn() runs times: CPU p50 and p90, wall p50; ok false if a call failed. */
static struct stats timed(int (*fn)(void))
{
	static double cpu[MAX_RUNS], wall[MAX_RUNS];
	struct stats s = { .ok = true };
	for (s.runs = 0; s.runs < runs && !interrupted; s.runs++) {
		int64_t w0 = bench_now(), c0 = thread_cpu_ns();
		int rc = fn();
		int64_t c1 = thread_cpu_ns(), w1 = bench_now();
		if (rc < 0) {
			s.ok = false;
			return s;
		}
		cpu[s.runs] = (double)(c1 - c0) / 1e6;
		wall[s.runs] = (double)(w1 - w0) / 1e6;
	}
	if (s.runs == 0) {
		s.ok = false;
		return s;
	}
	s.cpu50 = pick(cpu, s.runs, 0.5);
	s.cpu90 = pick(cpu, s.runs, 0.9);
	s.wall50 = pick(wall, s.runs, 0.5);
	return s;
}

static int do_collect(void)
{
	return inv_collect();
}

static int do_scan(void)
{
	return objlist_scan(&list);
}

/* argv as a child, its output thrown away: user + system CPU and wall, in
 * ms; 0, or -1 if it could not run or failed. */
static int run_once(const char *const *argv, double *cpu, double *wall)
{
	int64_t t0 = bench_now();
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		signal(SIGHUP, SIG_DFL);
		int null = open("/dev/null", O_WRONLY);
		if (null < 0 || dup2(null, 1) < 0 || dup2(null, 2) < 0)
			_exit(126);
		setenv("LANG", "C.UTF-8", 1);
		execvp(argv[0], (char **)(uintptr_t)argv);
		_exit(127);
	}
	peer_pid = pid;
	int st;
	struct rusage ru;
	pid_t r;
	while ((r = wait4(pid, &st, 0, &ru)) < 0 && errno == EINTR)
		;
	peer_pid = 0;
	*wall = (double)(bench_now() - t0) / 1e6;
	*cpu = (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 +
	       (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3;
	return r == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
}

static struct stats peer(const char *const *argv)
{
	double cpu[MAX_RUNS], wall[MAX_RUNS];
	struct stats s = { .ok = true };
	for (s.runs = 0; s.runs < peer_runs && !interrupted; s.runs++)
		if (run_once(argv, &cpu[s.runs], &wall[s.runs]) < 0) {
			s.ok = false;
			return s;
		}
	if (s.runs == 0) {
		s.ok = false;
		return s;
	}
	s.cpu50 = pick(cpu, s.runs, 0.5);
	s.cpu90 = pick(cpu, s.runs, 0.9);
	s.wall50 = pick(wall, s.runs, 0.5);
	return s;
}

/* ---- the set-ups --------------------------------------------------------- */

enum { COLLECT, SCAN, F_SYSVIPC, F_DEVSHM, F_PROC, LSIPC, LSIPC_M, LS, SHMTOP_B, NMEASURES };

static const char *const measure_name[NMEASURES] = {
	[COLLECT] = "objlist_collect(NAMES|DEVSHM|ORPHANS)",
	[SCAN] = "objlist_scan()",
	[F_SYSVIPC] = "floor: /proc/sysvipc/shm read whole",
	[F_DEVSHM] = "floor: /dev/shm opendir+readdir+fstatat",
	[F_PROC] = "floor: /proc/PID/maps read, fd/ readlink",
	[LSIPC] = "lsipc -m (SysV)",
	[LSIPC_M] = "lsipc -M (POSIX, util-linux >= 2.41)",
	[LS] = "ls -l /dev/shm",
	[SHMTOP_B] = "shmtop -a -b -n 1",
};

struct setup {
	char label[64];
	size_t posix, segments, procs;
	/* what was there when measured */
	size_t made, objects, processes;
	struct stats m[NMEASURES];
	bool ran;
};

static size_t count_processes(void)
{
	DIR *d = opendir("/proc");
	size_t n = 0;
	if (!d)
		return 0;
	for (struct dirent *e; (e = readdir(d));)
		n += e->d_name[0] >= '1' && e->d_name[0] <= '9';
	closedir(d);
	return n;
}

static void print_stats(const char *name, const struct stats *s, const char *note)
{
	if (!s->ok)
		printf("   %-46s %s\n", name, note ? note : "FAILED");
	else
		printf("   %-46s %9.3f %9.3f %9.3f\n", name, s->cpu50, s->cpu90, s->wall50);
}

/* Make the set-up, check it, measure it, remove it; 0, or -1 if broken. */
static int run_setup(struct setup *u, int number)
{
	int rc = 0, common_seg = -1;
	printf("%d. %s\n", number, u->label);
	fflush(stdout);
	if (u->posix)
		rc = posix_make_n(u->posix);
	if (rc == 0 && u->segments)
		rc = segs_make_n(u->segments) > 0 ? 0 : -1;
	if (rc == 0 && u->procs)
		rc = kids_make_n(u->procs, &common_seg) > 0 ? 0 : -1;
	if (rc < 0 || interrupted) {
		printf("   BROKEN: cannot make the set-up\n");
		remove_all(true);
		return -1;
	}
	size_t nposix = u->posix;
	u->made = nposix + nsegs + (nkids ? 2 * nkids + 1 : 0); /* segs: includes the common one */
	if (do_scan() < 0 || inv_collect() < 0) {
		printf("   BROKEN: the object list failed: %s\n", strerror(errno));
		remove_all(true);
		return -1;
	}
	u->objects = list.total;
	u->processes = count_processes();
	printf("   %zu objects made; the object list holds %zu (every kind, the host's too); %zu "
	       "processes\n",
	       u->made, list.total, u->processes);
	if (verify(nposix, common_seg) < 0) {
		printf("   check: FAILED, the object list does not list what was made\n");
		rc = -1;
	} else {
		printf("   check: the object list lists exactly the objects made%s: ok\n",
		       nkids    ? ", each with exactly its holders' pids"
		       : nposix ? ", sizes and resident bytes as stat gives them, orphans"
				: "");
	}
	fflush(stdout);

	u->m[SCAN] = timed(do_scan);
	u->m[COLLECT] = timed(do_collect); /* after a scan, joining it, as a screen does */
	u->m[F_SYSVIPC] = timed(floor_sysvipc);
	u->m[F_DEVSHM] = timed(floor_devshm);
	u->m[F_PROC] = timed(floor_proc);
	const char *const lsipc[] = { "lsipc", "-m", NULL };
	const char *const lsipc_m[] = { "lsipc", "-M", NULL };
	const char *const ls[] = { "ls", "-l", OBJLIST_DEVSHM_DIR, NULL };
	const char *const shmtop[] = { SHMTOP_PATH, "-a", "-b", "-n", "1", NULL };
	u->m[LSIPC] = peer(lsipc);
	u->m[LSIPC_M] = peer(lsipc_m);
	u->m[LS] = peer(ls);
	u->m[SHMTOP_B] = peer(shmtop);

	printf("   %-46s %9s %9s %9s\n", "CPU ms per call (wall: elapsed)", "CPU p50", "CPU p90",
	       "wall p50");
	for (int i = 0; i < LSIPC; i++)
		print_stats(measure_name[i], &u->m[i], NULL);
	if (u->m[COLLECT].ok && u->m[F_SYSVIPC].ok && u->m[F_DEVSHM].ok) {
		double fl = u->m[F_SYSVIPC].cpu50 + u->m[F_DEVSHM].cpu50;
		printf("   collect / its floor (sysvipc + /dev/shm)   %8.1fx\n",
		       fl > 0 ? u->m[COLLECT].cpu50 / fl : 0.0);
	}
	if (u->m[SCAN].ok && u->m[F_PROC].ok)
		printf("   scan / its floor (/proc)                   %8.1fx\n",
		       u->m[F_PROC].cpu50 > 0 ? u->m[SCAN].cpu50 / u->m[F_PROC].cpu50 : 0.0);
	printf("   the same work once, by a program (%d runs; CPU: getrusage of the child)\n",
	       peer_runs);
	for (int i = LSIPC; i < NMEASURES; i++)
		print_stats(measure_name[i], &u->m[i],
			    i == LSIPC_M ? "not in this util-linux"
					 : "could not run (not installed?)");
	printf("\n");
	for (int i = 0; i < LSIPC; i++)
		if (!u->m[i].ok && !interrupted) {
			printf("   BROKEN: %s failed\n", measure_name[i]);
			rc = -1;
		}
	u->ran = true;
	remove_all(true);
	fflush(stdout);
	return interrupted ? -1 : rc;
}

/* ---- the set-up of SysV sets and queues ---------------------------------- */

enum {
	I_COLLECT,
	I_COLLECT_NO,
	I_SCAN,
	I_FLOOR,
	I_LSIPC_S,
	I_LSIPC_Q,
	I_IPCS_S,
	I_IPCS_Q,
	I_SHMTOP,
	I_NMEASURES
};

static const char *const ipc_measure_name[I_NMEASURES] = {
	[I_COLLECT] = "objlist_collect(NAMES|SYSVSEM|SYSVMSG|ORPHANS)",
	[I_COLLECT_NO] = "the same without ORPHANS",
	[I_SCAN] = "objlist_scan() (with the waiters)",
	[I_FLOOR] = "floor: /proc/sysvipc/sem and msg read whole",
	[I_LSIPC_S] = "lsipc -s",
	[I_LSIPC_Q] = "lsipc -q",
	[I_IPCS_S] = "ipcs -s",
	[I_IPCS_Q] = "ipcs -q",
	[I_SHMTOP] = "shmtop -a -b -n 1 -t sysv-sem,sysv-msg",
};

struct ipc_setup {
	size_t n, nwait;
	size_t objects;
	struct stats m[I_NMEASURES];
	bool ran;
};

/* n sets and n queues, nwait of each with a waiter: made, checked, measured,
 * removed; 0, or -1 if broken. */
static int run_ipc_setup(struct ipc_setup *u, int number)
{
	int rc = 0;
	char n[32];
	if (u->n >= 1000)
		snprintf(n, sizeof n, "%zu,%03zu", u->n / 1000, u->n % 1000);
	else
		snprintf(n, sizeof n, "%zu", u->n);
	printf("%d. %s SysV semaphore sets (1 or 4 semaphores) and %s message queues (%d "
	       "messages), each used by a process that exited; %zu processes blocked on sets "
	       "(semop), %zu on queues (msgrcv)\n",
	       number, n, n, IPC_MSGS, u->nwait, u->nwait);
	fflush(stdout);
	if (ipc_make_n(u->n, u->nwait) < 0 || interrupted) {
		printf("   BROKEN: cannot make the set-up\n");
		remove_all(true);
		return -1;
	}
	collect_flags = IPC_FLAGS;
	/* The waiters said they are about to block: give them time to sleep. */
	int ok = -1;
	for (int tries = 0; tries < 100 && ok < 0 && !interrupted; tries++) {
		if (tries)
			nanosleep(&(struct timespec){ .tv_nsec = 50 * NS_PER_MS }, NULL);
		if (objlist_scan(&list) < 0 || inv_collect() < 0) {
			printf("   BROKEN: the object list failed: %s\n", strerror(errno));
			break;
		}
		ok = verify_ipc(false);
	}
	if (ok < 0) {
		verify_ipc(true);
		printf("   check: FAILED, the object list does not list what was made\n");
		rc = -1;
	} else {
		printf("   check: the object list lists exactly the sets and queues made, the %zu "
		       "waiters on their rows, the others orphans: ok\n",
		       (size_t)nkids);
	}
	u->objects = list.total;
	printf("   the object list holds %zu objects (sysv-sem and sysv-msg, the host's too); "
	       "%zu processes blocked on IPC\n",
	       list.total, list.blocked);
	fflush(stdout);

	u->m[I_SCAN] = timed(do_scan);
	u->m[I_COLLECT] = timed(do_collect);
	collect_flags = IPC_FLAGS & ~OBJLIST_ORPHANS;
	u->m[I_COLLECT_NO] = timed(do_collect);
	collect_flags = FLAGS;
	u->m[I_FLOOR] = timed(floor_sysvipc_ipc);
	const char *const lsipc_s[] = { "lsipc", "-s", NULL };
	const char *const lsipc_q[] = { "lsipc", "-q", NULL };
	const char *const ipcs_s[] = { "ipcs", "-s", NULL };
	const char *const ipcs_q[] = { "ipcs", "-q", NULL };
	const char *const shmtop[] = { SHMTOP_PATH,         "-a", "-b", "-n", "1", "-t",
				       "sysv-sem,sysv-msg", NULL };
	u->m[I_LSIPC_S] = peer(lsipc_s);
	u->m[I_LSIPC_Q] = peer(lsipc_q);
	u->m[I_IPCS_S] = peer(ipcs_s);
	u->m[I_IPCS_Q] = peer(ipcs_q);
	u->m[I_SHMTOP] = peer(shmtop);

	printf("   %-46s %9s %9s %9s\n", "CPU ms per call (wall: elapsed)", "CPU p50", "CPU p90",
	       "wall p50");
	for (int i = 0; i < I_LSIPC_S; i++)
		print_stats(ipc_measure_name[i], &u->m[i], NULL);
	if (u->m[I_COLLECT].ok && u->m[I_FLOOR].ok && u->m[I_FLOOR].cpu50 > 0)
		printf("   collect / its floor (sysvipc sem + msg)    %8.1fx\n",
		       u->m[I_COLLECT].cpu50 / u->m[I_FLOOR].cpu50);
	printf("   the same work once, by a program (%d runs; CPU: getrusage of the child)\n",
	       peer_runs);
	for (int i = I_LSIPC_S; i < I_NMEASURES; i++)
		print_stats(ipc_measure_name[i], &u->m[i], "could not run (not installed?)");
	printf("\n");
	for (int i = 0; i < I_LSIPC_S; i++)
		if (!u->m[i].ok && !interrupted) {
			printf("   BROKEN: %s failed\n", ipc_measure_name[i]);
			rc = -1;
		}
	u->ran = true;
	remove_all(true);
	fflush(stdout);
	return interrupted ? -1 : rc;
}

/* ---- bytes on screen, through bench_viewer's harness ---------------------- */

/* `bench_viewer --duration secs -- shmtop -a`, its output indented; the
 * shmtop row's bytes/s and CPU %.  0, or -1 if it failed. */
static int screen(double secs, double *bps, double *cpu)
{
	int out[2];
	char dur[32];
	snprintf(dur, sizeof dur, "%g", secs);
	if (pipe2(out, O_CLOEXEC) < 0)
		return -1;
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		signal(SIGHUP, SIG_DFL);
		if (dup2(out[1], 1) < 0 || dup2(out[1], 2) < 0)
			_exit(126);
		/* shmtop found in PATH, so that the harness's label is "shmtop -a" */
		char path[8192], dir[4096];
		snprintf(dir, sizeof dir, "%s", SHMTOP_PATH);
		char *slash = strrchr(dir, '/');
		if (slash)
			*slash = '\0';
		const char *old = getenv("PATH");
		snprintf(path, sizeof path, "%s:%s", dir, old ? old : "/usr/bin:/bin");
		setenv("PATH", path, 1);
		execl(BENCH_VIEWER_PATH, "bench_viewer", "--duration", dur, "--", "shmtop", "-a",
		      (char *)NULL);
		_exit(127);
	}
	peer_pid = pid;
	close(out[1]);
	FILE *f = fdopen(out[0], "r");
	char line[512];
	bool found = false;
	while (f && fgets(line, sizeof line, f)) {
		printf("   | %s", line);
		double ups;
		if (sscanf(line, "  shmtop -a %lf %lf %lf", bps, &ups, cpu) == 3)
			found = true;
	}
	if (f)
		fclose(f);
	else
		close(out[0]);
	int st;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	peer_pid = 0;
	return found && WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
}

/* ---- main ---------------------------------------------------------------- */

static long read_long(const char *path)
{
	FILE *f = fopen(path, "re");
	long v = -1;
	if (f) {
		if (fscanf(f, "%ld", &v) != 1)
			v = -1;
		fclose(f);
	}
	return v;
}

static size_t count_segments(void)
{
	ssize_t n = read_whole(AT_FDCWD, SYSVIPC_SHM_PATH);
	size_t lines = 0;
	for (ssize_t i = 0; i < n; i++)
		lines += buf[i] == '\n';
	return lines > 0 ? lines - 1 : 0; /* the heading */
}

static void usage(void)
{
	printf("Usage: bench_objlist [--smoke] [--runs N] [--peer-runs N] [--duration S]\n"
	       "  --smoke        10 objects, 10 segments, 10 processes, 10 sets and queues,\n"
	       "                 5 runs, 1 s on screen\n"
	       "  --runs N       calls measured per figure (default 31)\n"
	       "  --peer-runs N  runs of each program (lsipc, ls, shmtop -b; default 5)\n"
	       "  --duration S   seconds of shmtop -a on screen, each (default 10)\n");
}

int main(int argc, char **argv)
{
	bool smoke = false;
	double secs = 10;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--smoke") == 0) {
			smoke = true;
			runs = 5;
			peer_runs = 1;
			secs = 1;
		} else if (strcmp(argv[i], "--runs") == 0 && i + 1 < argc) {
			runs = atoi(argv[++i]);
		} else if (strcmp(argv[i], "--peer-runs") == 0 && i + 1 < argc) {
			peer_runs = atoi(argv[++i]);
		} else if (strcmp(argv[i], "--duration") == 0 && i + 1 < argc) {
			secs = atof(argv[++i]);
		} else {
			usage();
			return strcmp(argv[i], "--help") == 0 ? 0 : 2;
		}
	}
	if (runs < 1 || runs > MAX_RUNS || peer_runs < 1 || peer_runs > MAX_RUNS ||
	    !(secs >= 1 && secs <= 3600)) {
		fprintf(stderr,
			"bench_objlist: --runs and --peer-runs take 1 to %d, "
			"--duration 1 to 3600 seconds\n",
			MAX_RUNS);
		return 2;
	}

	main_pid = getpid();
	struct setup setups[] = {
		{ .label = "10 POSIX objects in /dev/shm", .posix = 10 },
		{ .label = "1,000 POSIX objects in /dev/shm", .posix = 1000 },
		{ .label = "10,000 POSIX objects in /dev/shm", .posix = 10000 },
		{ .label = "1,000 SysV segments", .segments = 1000 },
		{ .label = "500 processes, each mapping 4 objects", .procs = 500 },
	};
	size_t nsetups = sizeof setups / sizeof setups[0];
	struct ipc_setup ipc = { .n = smoke ? 10 : 1000, .nwait = smoke ? 2 : 100 };
	if (smoke) {
		setups[0] = (struct setup){ .label = "10 POSIX objects in /dev/shm", .posix = 10 };
		setups[1] = (struct setup){ .label = "10 SysV segments", .segments = 10 };
		setups[2] =
		    (struct setup){ .label = "10 processes, each mapping 4 objects", .procs = 10 };
		nsetups = 3;
	}

	bench_header("bench_objlist: the object list of every shared memory object, cost per "
		     "refresh (issue 13)");
	struct sigaction sa = { .sa_handler = on_signal };
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	atexit(cleanup);
	sweep_stale();

	/* Room: /dev/shm's bytes and inodes, shmmni, and the lists' sizes. */
	size_t want_posix = 0, want_segs = 0, want_procs = 0;
	for (size_t i = 0; i < nsetups; i++) {
		want_posix = setups[i].posix > want_posix ? setups[i].posix : want_posix;
		want_segs = setups[i].segments > want_segs ? setups[i].segments : want_segs;
		want_procs = setups[i].procs > want_procs ? setups[i].procs : want_procs;
	}
	struct statvfs vfs;
	if (statvfs(OBJLIST_DEVSHM_DIR, &vfs) == 0) {
		uint64_t room = (uint64_t)vfs.f_bavail * vfs.f_frsize / 2 / OBJ_SIZE;
		if (vfs.f_files > 0 && (uint64_t)vfs.f_favail / 2 < room)
			room = (uint64_t)vfs.f_favail / 2;
		printf("/dev/shm: %.1f MB free, %llu inodes free\n",
		       (double)vfs.f_bavail * (double)vfs.f_frsize / 1e6,
		       (unsigned long long)vfs.f_favail);
		size_t need = want_posix > want_procs * 2 + 1 ? want_posix : want_procs * 2 + 1;
		if (room < need) {
			printf(
			    "note: /dev/shm has room for %llu objects of %d bytes within half of "
			    "it: POSIX counts capped to that\n",
			    (unsigned long long)room, OBJ_SIZE);
			for (size_t i = 0; i < nsetups; i++) {
				if (setups[i].posix > room) {
					setups[i].posix = (size_t)room;
					snprintf(setups[i].label, sizeof setups[i].label,
						 "%zu POSIX objects in /dev/shm (capped)",
						 (size_t)room);
				}
				if (setups[i].procs > room / 2)
					setups[i].procs = (size_t)room / 2;
			}
		}
	} else {
		printf("note: statvfs %s: %s\n", OBJLIST_DEVSHM_DIR, strerror(errno));
	}
	long shmmni = read_long("/proc/sys/kernel/shmmni");
	size_t existing = count_segments();
	printf("SysV: kernel.shmmni %ld, %zu segments on the host already\n", shmmni, existing);
	if (shmmni > 0 && existing + want_segs + 16 > (size_t)shmmni) {
		size_t cap = (size_t)shmmni > existing + 16 ? (size_t)shmmni - existing - 16 : 0;
		printf("note: shmmni caps the segments at %zu\n", cap);
		for (size_t i = 0; i < nsetups; i++)
			if (setups[i].segments > cap) {
				setups[i].segments = cap;
				snprintf(setups[i].label, sizeof setups[i].label,
					 "%zu SysV segments (capped by shmmni)", cap);
			}
		want_segs = cap;
	}
	long sem[4] = { -1, -1, -1, -1 };
	FILE *f = fopen("/proc/sys/kernel/sem", "re");
	if (f) {
		if (fscanf(f, "%ld %ld %ld %ld", &sem[0], &sem[1], &sem[2], &sem[3]) != 4)
			sem[3] = -1;
		fclose(f);
	}
	long msgmni = read_long("/proc/sys/kernel/msgmni");
	printf("SysV: kernel.sem SEMMNI %ld, kernel.msgmni %ld\n", sem[3], msgmni);
	long room_ipc = sem[3] < msgmni ? sem[3] : msgmni;
	if (room_ipc > 0 && (size_t)room_ipc / 2 < ipc.n) {
		ipc.n = (size_t)room_ipc / 2;
		ipc.nwait = ipc.nwait < ipc.n ? ipc.nwait : ipc.n;
		printf("note: SEMMNI or msgmni caps the sets and queues at %zu (half of it)\n",
		       ipc.n);
	}
	cap_ipc = ipc.n + 1;
	sets = calloc(cap_ipc, sizeof *sets);
	queues = calloc(cap_ipc, sizeof *queues);
	set_waiter = calloc(cap_ipc, sizeof *set_waiter);
	queue_waiter = calloc(cap_ipc, sizeof *queue_waiter);
	want_procs = want_procs > 2 * ipc.nwait ? want_procs : 2 * ipc.nwait;
	cap_paths = want_posix + 2 * want_procs + 2;
	cap_segs = want_segs + 2;
	cap_kids = want_procs + 1;
	paths = calloc(cap_paths, sizeof *paths);
	segs = calloc(cap_segs, sizeof *segs);
	kids = calloc(cap_kids, sizeof *kids);
	list.max = want_posix + want_segs + 2 * want_procs + 2 * ipc.n + existing + 1024;
	list.rows = calloc(list.max, sizeof *list.rows);
	if (!paths || !segs || !kids || !list.rows || !sets || !queues || !set_waiter ||
	    !queue_waiter) {
		fprintf(stderr, "bench_objlist: out of memory\n");
		return 1;
	}
	printf("each figure: %d calls (CPU: the thread's CPU clock), programs %d runs each\n\n",
	       runs, peer_runs);
	fflush(stdout);

	int broken = 0;
	for (size_t i = 0; i < nsetups && !interrupted; i++)
		if (run_setup(&setups[i], (int)i + 1) < 0)
			broken = 1;
	if (!interrupted && run_ipc_setup(&ipc, (int)nsetups + 1) < 0)
		broken = 1;

	/* Summary: one line per set-up, CPU ms p50. */
	if (!interrupted) {
		printf("Summary, CPU ms per refresh (p50)%s:\n", smoke ? " (smoke: few runs)" : "");
		printf("   %-46s %8s %8s %8s %8s %8s %8s %8s %8s\n", "set-up", "objects", "collect",
		       "floor", "scan", "floor", "lsipc", "ls -l", "shmtop");
		printf("   %-46s %8s %8s %8s %8s %8s %8s %8s %8s\n", "", "(host)", "", "shm+dir",
		       "", "/proc", "-m", "/dev/shm", "-a -b");
		for (size_t i = 0; i < nsetups; i++) {
			const struct setup *u = &setups[i];
			if (!u->ran)
				continue;
			printf("   %-46s %8zu %8.3f %8.3f %8.3f %8.3f %8.2f %8.2f %8.2f\n",
			       u->label, u->objects, u->m[COLLECT].cpu50,
			       u->m[F_SYSVIPC].cpu50 + u->m[F_DEVSHM].cpu50, u->m[SCAN].cpu50,
			       u->m[F_PROC].cpu50, u->m[LSIPC].cpu50, u->m[LS].cpu50,
			       u->m[SHMTOP_B].cpu50);
		}
		if (ipc.ran) {
			printf("   %-46s %8s %8s %8s %8s %8s %8s %8s %8s\n", "", "", "", "sem+msg",
			       "", "", "lsipc", "ipcs", "shmtop");
			printf("   %-46s %8s %8s %8s %8s %8s %8s %8s %8s\n", "", "", "", "", "", "",
			       "-s + -q", "-s + -q", "-t sysv-*");
			printf("   %-46s %8zu %8.3f %8.3f %8.3f %8s %8.2f %8.2f %8.2f\n",
			       "sets and queues (see above)", ipc.objects, ipc.m[I_COLLECT].cpu50,
			       ipc.m[I_FLOOR].cpu50, ipc.m[I_SCAN].cpu50, "",
			       ipc.m[I_LSIPC_S].cpu50 + ipc.m[I_LSIPC_Q].cpu50,
			       ipc.m[I_IPCS_S].cpu50 + ipc.m[I_IPCS_Q].cpu50,
			       ipc.m[I_SHMTOP].cpu50);
		}
		printf("   (a screen collects every tick: at the default 0.5 s, collect's ms x 0.2 "
		       "is its %% of one core)\n\n");
	}

	/* Bytes/s on screen. */
	size_t screen_n[] = { 10, 1000 };
	size_t nscreens = smoke ? 1 : 2;
	if (!interrupted)
		printf("%zu. Bytes/s on screen: shmtop -a (the list) on a 120x40 pty for %g s, "
		       "bench_viewer's harness\n",
		       nsetups + 2, secs);
	double bps[2] = { 0 }, cpu[2] = { 0 };
	bool shown[2] = { false };
	for (size_t i = 0; i < nscreens && !interrupted; i++) {
		size_t n = screen_n[i] < want_posix || smoke ? screen_n[i] : want_posix;
		printf("   with %zu POSIX objects of ours in /dev/shm:\n", n);
		fflush(stdout);
		if (posix_make_n(n) < 0 || screen(secs, &bps[i], &cpu[i]) < 0) {
			printf("   BROKEN: shmtop -a could not be measured on a pty\n");
			broken = 1;
		} else {
			shown[i] = true;
		}
		remove_all(true);
	}
	for (size_t i = 0; i < nscreens; i++)
		if (shown[i])
			printf("   shmtop -a with %zu POSIX objects: %.0f bytes/s, %.3f %% CPU\n",
			       screen_n[i], bps[i], cpu[i]);

	objlist_free(&list);
	free(list.rows);
	free(buf);
	free(sets);
	free(queues);
	free(set_waiter);
	free(queue_waiter);
	if (interrupted) {
		printf("interrupted\n");
		return 1;
	}
	if (broken)
		printf("\nbench_objlist: FAILED: something above did not work (see BROKEN)\n");
	return broken;
}
