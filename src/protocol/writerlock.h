/* SPDX-License-Identifier: MIT */
/*
 * The single-writer lock: a SysV semaphore set of one semaphore on the data
 * segment's key (semaphore keys are a namespace of their own).  Its value is
 * 1 while a writer holds it; the writer raised it with SEM_UNDO, so the
 * kernel lowers it again when the writer dies, however it dies.  It lives in
 * the same IPC namespace as the segment it guards, needs no file, and
 * semctl(GETPID) names the holder.  `ipcs -s` lists it.
 *
 * Taking it: the set is created 0600 (a fresh set holds 0), or an existing
 * one is used only if the writer's euid owns and created it, no one else
 * may alter it and it has exactly one semaphore (trust_owned()).  Then one
 * semop() of two operations, atomically: wait for zero without blocking,
 * then add 1 with SEM_UNDO.  The holder removes the set when it lets go.
 */
#ifndef SHMTOP_WRITERLOCK_H
#define SHMTOP_WRITERLOCK_H

#include <stddef.h>
#include <sys/types.h>

struct writerlock {
	key_t key;
	int semid; /* -1: not held */
};

/* Take the lock of key.  0, or -1 with a one-line reason in why: a writer
 * holds it (naming its pid), the set on the key is not trustworthy (naming
 * owner, creator and mode), or a system call failed.  Touches nothing it
 * does not trust. */
int writerlock_take(struct writerlock *l, key_t key, char *why, size_t whylen);

/* Is the lock still ours?  A set removed under us (ipcrm -s, logind's
 * RemoveIPC) is made and taken again.  0, or -1 with the reason in why if
 * that fails (then another writer may hold the key). */
int writerlock_check(struct writerlock *l, char *why, size_t whylen);

/* Let go: remove the set (only the holder may).  Safe on a lock not held. */
void writerlock_release(struct writerlock *l);

#endif
