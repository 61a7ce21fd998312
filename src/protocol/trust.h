/* SPDX-License-Identifier: MIT */
/*
 * The trust rules between writers, viewers and the segments they share.
 *
 * A writer runs only on memory that only it can write: it adopts an
 * existing IPC object (the data segment, the lock's semaphore set) only if
 * its own effective uid owns it and created it, and no group or other write
 * bit is set.  The owner can be changed with IPC_SET, the creator cannot,
 * so both are checked.
 *
 * A viewer sends commands only to the writer of the record it shows: the
 * control segment a record names must be owned by the data segment's owner,
 * created by the record's writer_pid, and name this data segment's shmid and
 * this record's token.  A byte copy of someone else's record names their
 * control segment, which names their data segment, not the copy.  None of
 * this rests on permission errors, so it holds for root too.
 *
 * Both checks are pure functions over facts the caller gathered.
 */
#ifndef SHMTOP_TRUST_H
#define SHMTOP_TRUST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* May a writer running as euid adopt an IPC object owned by uid, created by
 * cuid, with permission bits mode?  0, or -1 with a reason in why naming
 * owner, creator (names and uids) and mode, e.g. "owned by alice (uid
 * 1001), created by bob (uid 1002), mode 0666: ...". */
int trust_owned(uid_t uid, uid_t cuid, unsigned mode, uid_t euid, char *why, size_t whylen);

/* What is known of a control segment. */
struct control_claim {
	int id;          /* its shmid */
	uid_t uid;       /* owner, from IPC_STAT or /proc/sysvipc/shm */
	pid_t cpid;      /* creator pid */
	bool have_bytes; /* the fields below were read from it */
	int data_shmid;  /* the data segment it names */
	uint64_t token;  /* the record token it names */
};

/* What the record on screen (or being taken over) says it should be. */
struct control_expect {
	int data_shmid;   /* the data segment's shmid */
	uid_t data_uid;   /* the data segment's owner */
	pid_t writer_pid; /* the record's writer_pid */
	uint64_t token;   /* the record's token */
};

/* Does the control segment belong to the record?  Checks owner and creator
 * pid, and, if the claim has its bytes, the shmid and token it names.
 * 0, or -1 with the failed check in why (one line). */
int trust_control(const struct control_claim *c, const struct control_expect *e, char *why,
		  size_t whylen);

#endif
