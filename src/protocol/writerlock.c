/* SPDX-License-Identifier: MIT */
/*
 * The single-writer lock on a SysV semaphore; see writerlock.h.
 */
#include "writerlock.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <unistd.h>

#include "trust.h"

union semun { /* the caller defines it (semctl(2)) */
	int val;
	struct semid_ds *buf;
	unsigned short *array;
};

/* take_once() and existing(): done, failed (why says why), or the set
 * went away meanwhile (try again). */
enum { OK = 0, FAILED = -1, AGAIN = 1 };

/* The data segment's shmid for a message, if there is one on the key. */
static int shmid_of(key_t key)
{
	return shmget(key, 0, 0);
}

/* The existing set on key, in *id, if we may trust it. */
static int existing(key_t key, int *id_out, char *why, size_t whylen)
{
	int id = semget(key, 0, 0);
	if (id < 0) {
		if (errno == ENOENT)
			return AGAIN;
		snprintf(why, whylen,
			 "cannot use the writer lock of key 0x%08x (semaphore set): %s",
			 (unsigned)key, strerror(errno));
		return FAILED;
	}
	struct semid_ds ds;
	if (semctl(id, 0, IPC_STAT, (union semun){ .buf = &ds }) < 0) {
		if (errno == EIDRM || errno == EINVAL)
			return AGAIN;
		snprintf(why, whylen,
			 "cannot use the writer lock of key 0x%08x (semaphore set "
			 "semid %d): %s",
			 (unsigned)key, id, strerror(errno));
		return FAILED;
	}
	char reason[300];
	if (trust_owned(ds.sem_perm.uid, ds.sem_perm.cuid, ds.sem_perm.mode & 0777, geteuid(),
			reason, sizeof reason)) {
		snprintf(why, whylen,
			 "the writer lock of key 0x%08x (semaphore set semid %d, "
			 "ipcs -s) is %s; refusing it",
			 (unsigned)key, id, reason);
		return FAILED;
	}
	if (ds.sem_nsems != 1) {
		snprintf(why, whylen,
			 "the semaphore set on key 0x%08x (semid %d, ipcs -s) has %lu "
			 "semaphores, not shmwriter's 1; refusing it",
			 (unsigned)key, id, (unsigned long)ds.sem_nsems);
		return FAILED;
	}
	*id_out = id;
	return OK;
}

static int take_once(struct writerlock *l, key_t key, char *why, size_t whylen)
{
	int id = semget(key, 1, IPC_CREAT | IPC_EXCL | 0600);
	if (id < 0 && errno != EEXIST) {
		snprintf(why, whylen,
			 "cannot create the writer lock of key 0x%08x (a semaphore "
			 "set): %s",
			 (unsigned)key, strerror(errno));
		return FAILED;
	}
	if (id < 0) {
		int rc = existing(key, &id, why, whylen);
		if (rc != OK)
			return rc;
	}
	struct sembuf ops[2] = {
		{ .sem_num = 0, .sem_op = 0, .sem_flg = IPC_NOWAIT },
		{ .sem_num = 0, .sem_op = 1, .sem_flg = SEM_UNDO | IPC_NOWAIT },
	};
	if (semop(id, ops, 2) == 0) {
		l->key = key;
		l->semid = id;
		return OK;
	}
	if (errno == EIDRM || errno == EINVAL)
		return AGAIN;
	if (errno == EAGAIN) {
		int pid = semctl(id, 0, GETPID);
		snprintf(why, whylen,
			 "a writer is already running on key 0x%08x (shmid %d, "
			 "semaphore semid %d): pid %d",
			 (unsigned)key, shmid_of(key), id, pid);
	} else {
		snprintf(why, whylen, "cannot take the writer lock of key 0x%08x (semid %d): %s",
			 (unsigned)key, id, strerror(errno));
	}
	return FAILED;
}

int writerlock_take(struct writerlock *l, key_t key, char *why, size_t whylen)
{
	l->key = key;
	l->semid = -1;
	for (int attempt = 0; attempt < 5; attempt++) {
		int rc = take_once(l, key, why, whylen);
		if (rc != AGAIN)
			return rc;
	}
	snprintf(why, whylen, "the writer lock of key 0x%08x kept vanishing; giving up",
		 (unsigned)key);
	return FAILED;
}

int writerlock_check(struct writerlock *l, char *why, size_t whylen)
{
	struct semid_ds ds;
	if (l->semid >= 0 && semctl(l->semid, 0, IPC_STAT, (union semun){ .buf = &ds }) == 0 &&
	    semctl(l->semid, 0, GETPID) == getpid())
		return 0;
	/* Removed under us: our SEM_UNDO went with it.  Take a new one, unless
	 * another writer got there first. */
	return writerlock_take(l, l->key, why, whylen);
}

void writerlock_release(struct writerlock *l)
{
	if (l->semid >= 0)
		semctl(l->semid, 0, IPC_RMID);
	l->semid = -1;
}
