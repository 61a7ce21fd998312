/* SPDX-License-Identifier: MIT */
/*
 * ipcwait: a process that blocks on an IPC object, for the blocked tests
 * (e2e_blocked.sh), in its main thread:
 *
 *   ipcwait sem SEMID NUM OP         semop() of one operation (NUM, OP)
 *   ipcwait semthread SEMID NUM OP   the same in a second thread, the main
 *                                    one waiting for it (pthread_join)
 *   ipcwait msgrcv MSQID             msgrcv() of any message
 *   ipcwait msgsnd MSQID             msgsnd() of one byte, after filling the
 *                                    queue (IPC_NOWAIT sends until EAGAIN)
 *   ipcwait mqrecv /NAME             mq_receive() on a new queue (0600)
 *   ipcwait mqsend /NAME             mq_send() on a new queue of one message,
 *                                    full
 *   ipcwait mqunlink /NAME           mq_unlink() (the tests' cleanup)
 *   ipcwait futex /dev/shm/NAME OFF  FUTEX_WAIT on the word at OFF of the
 *                                    file (made 4096 bytes if it is smaller),
 *                                    mapped shared, while it is 0
 *   ipcwait wake /dev/shm/NAME OFF   set that word to 1, FUTEX_WAKE it
 *   ipcwait shmfutex SHMID OFF       FUTEX_WAIT on the word at OFF of a SysV
 *                                    segment (shmat), while it is 0
 *   ipcwait shmwake SHMID OFF        set that word to 1, FUTEX_WAKE it
 *
 * It prints "ready" once the object is set up, just before it blocks; on
 * SIGTERM the queue it made is unlinked.  Exit 0 once woken, 1 on an error.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <mqueue.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static const char *mq_name;

static void on_term(int sig)
{
	(void)sig;
	if (mq_name)
		mq_unlink(mq_name);
	_exit(0);
}

static int fail(const char *what)
{
	fprintf(stderr, "ipcwait: %s: %s\n", what, strerror(errno));
	return 1;
}

static void ready(void)
{
	puts("ready");
	fflush(stdout);
}

static uint32_t *word(const char *path, long off)
{
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) || (st.st_size < 4096 && ftruncate(fd, 4096)) || off < 0 ||
	    off > 4092 || off % 4)
		return NULL;
	void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	return p == MAP_FAILED ? NULL : (uint32_t *)p + off / 4;
}

/* The word at offset off (a multiple of 4, within the segment's size) of
 * SysV segment shmid, attached read-write. */
static uint32_t *shm_word(int shmid, long off)
{
	struct shmid_ds ds;
	if (shmctl(shmid, IPC_STAT, &ds) || off < 0 || off % 4 || (size_t)off + 4 > ds.shm_segsz)
		return NULL;
	void *p = shmat(shmid, NULL, 0);
	return p == (void *)-1 ? NULL : (uint32_t *)p + off / 4;
}

struct semop_arg {
	int id;
	struct sembuf op;
	int rc;
};

static void *semop_thread(void *p)
{
	struct semop_arg *a = p;
	a->rc = semop(a->id, &a->op, 1);
	return NULL;
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_term };
	sigaction(SIGTERM, &sa, NULL);
	if (argc < 3) {
		fprintf(
		    stderr,
		    "usage: ipcwait sem|semthread|msgrcv|msgsnd|mqrecv|mqsend|mqunlink|futex|wake|"
		    "shmfutex|shmwake "
		    "ID|NAME [ARGS]\n");
		return 2;
	}
	const char *what = argv[1];
	if (strcmp(what, "sem") == 0 && argc == 5) {
		struct sembuf op = { (unsigned short)atoi(argv[3]), (short)atoi(argv[4]), 0 };
		ready();
		return semop(atoi(argv[2]), &op, 1) ? fail("semop") : 0;
	}
	if (strcmp(what, "semthread") == 0 && argc == 5) {
		struct semop_arg a = { atoi(argv[2]),
				       { (unsigned short)atoi(argv[3]), (short)atoi(argv[4]), 0 },
				       0 };
		pthread_t t;
		if ((errno = pthread_create(&t, NULL, semop_thread, &a)))
			return fail("pthread_create");
		ready();
		pthread_join(t, NULL);
		return a.rc ? fail("semop") : 0;
	}
	if (strcmp(what, "msgrcv") == 0) {
		struct {
			long type;
			char text[256];
		} m;
		ready();
		return msgrcv(atoi(argv[2]), &m, sizeof m.text, 0, 0) < 0 ? fail("msgrcv") : 0;
	}
	if (strcmp(what, "msgsnd") == 0) {
		struct {
			long type;
			char text[1024];
		} m = { 1, { 0 } };
		int id = atoi(argv[2]);
		while (msgsnd(id, &m, sizeof m.text, IPC_NOWAIT) == 0)
			;
		if (errno != EAGAIN)
			return fail("msgsnd (filling)");
		ready();
		return msgsnd(id, &m, 1, 0) ? fail("msgsnd") : 0;
	}
	if (strcmp(what, "mqrecv") == 0 || strcmp(what, "mqsend") == 0) {
		struct mq_attr at = { .mq_maxmsg = 1, .mq_msgsize = 16 };
		mq_name = argv[2];
		mqd_t q = mq_open(argv[2], O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600, &at);
		char buf[16] = "x";
		if (q == (mqd_t)-1)
			return fail("mq_open");
		if (what[2] == 's' && mq_send(q, buf, 1, 0))
			return fail("mq_send (filling)");
		ready();
		if (what[2] == 's' ? mq_send(q, buf, 1, 0)
				   : mq_receive(q, buf, sizeof buf, NULL) < 0)
			return fail(what);
		mq_unlink(argv[2]);
		return 0;
	}
	if (strcmp(what, "mqunlink") == 0)
		return mq_unlink(argv[2]) && errno != ENOENT ? fail("mq_unlink") : 0;
	bool shm = strcmp(what, "shmfutex") == 0 || strcmp(what, "shmwake") == 0;
	if ((shm || strcmp(what, "futex") == 0 || strcmp(what, "wake") == 0) && argc == 4) {
		uint32_t *w =
		    shm ? shm_word(atoi(argv[2]), atol(argv[3])) : word(argv[2], atol(argv[3]));
		if (!w)
			return fail(argv[2]);
		if (what[0] == 'w' || strcmp(what, "shmwake") == 0) {
			__atomic_store_n(w, 1, __ATOMIC_SEQ_CST);
			return syscall(SYS_futex, w, FUTEX_WAKE, 1 << 30, NULL, NULL, 0) < 0
				   ? fail("futex wake")
				   : 0;
		}
		ready();
		while (__atomic_load_n(w, __ATOMIC_SEQ_CST) == 0)
			if (syscall(SYS_futex, w, FUTEX_WAIT, 0, NULL, NULL, 0) &&
			    errno != EAGAIN && errno != EINTR)
				return fail("futex wait");
		return 0;
	}
	fprintf(stderr, "ipcwait: unknown request %s\n", what);
	return 2;
}
