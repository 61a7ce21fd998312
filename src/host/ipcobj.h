/* SPDX-License-Identifier: MIT */
/*
 * One SysV semaphore set or message queue looked at, for its detail view:
 * with read permission its IPC_STAT (the fields of /proc/sysvipc, in one
 * call) and what only semctl() and msgctl() give: each semaphore's
 * value, last operator (sempid), ncount and zcount (GETVAL, GETPID, GETNCNT,
 * GETZCNT), and a queue's qbytes; without it, its line of
 * /proc/sysvipc/sem or msg (which any user may read: a read of every
 * object's line).
 *
 * Looking changes nothing: no semop(), msgrcv() or msgsnd() (nor
 * MSG_COPY), so otime, stime and rtime stay the admin's evidence; none of
 * these calls blocks, whoever owns the object.  A set's values are read
 * one semaphore at a time for its first IPCOBJ_SEMS, never with GETALL:
 * GETALL writes as many values as the set has when it is read, and a set
 * recreated on the same id between the IPC_STAT and the GETALL (by its
 * owner, anyone) could have more than a buffer sized from the first.  A
 * set whose key or nsems changed between the calls was not read
 * (values_ok false).
 *
 * A POSIX message queue (mqueue) is looked at by its name, as the list
 * found it: its entry of the viewer's mqueue mount (fstatat, no link
 * followed) and its file's text (QSIZE, NOTIFY_PID: opened as
 * objlist_files_open_at() opens a file, which moves the file's atime and
 * ctime, never its mtime), then its attributes (mq_getattr(): messages,
 * maxmsg, msgsize) from a descriptor mq_open() gives, O_RDONLY |
 * O_NONBLOCK, checked by fstat to be the inode listed and closed at once:
 * the viewer never stays a holder (a queue unlinked is not kept alive by
 * the view, and the holders it shows are others').  Never mq_receive(),
 * mq_send() or mq_notify(); mq_open() and mq_getattr() of an existing
 * queue change no time of it, and wait for nothing.  With no mqueue mount
 * the name is mq_open()ed alone (the viewer's IPC namespace), the text read
 * through that descriptor.  A name gone, or another inode under it, is the
 * queue removed.
 */
#ifndef SHMTOP_IPCOBJ_H
#define SHMTOP_IPCOBJ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "objlist.h"
#include "sysvipc.h"

#define IPCOBJ_SEMS 64  /* semaphores of a set read at most (SEMMSL may be 32000) */
#define IPCOBJ_WAITS 32 /* waiters kept, pid ascending */
#define IPCOBJ_OPS 8    /* last operators named at most */

/* One semaphore of a set. */
struct ipcobj_sem {
	unsigned value;
	pid_t pid; /* the last semop()'s (sempid) */
	unsigned ncount, zcount;
};

/* A process that operated on the object last: a set's sempids, a queue's
 * lspid and lrpid; comm "" when the pid is gone or is another process
 * (started after the operation). */
struct ipcobj_op {
	pid_t pid;
	uid_t uid;
	char comm[16];
	bool send, recv; /* a queue's: lspid, lrpid (both when the same) */
	unsigned sems;   /* a set's: how many of the semaphores read it operated last */
};

/* A POSIX message queue's look. */
struct ipcobj_mq {
	char name[OBJLIST_NAME_MAX]; /* "/NAME", as mq_open() takes it */
	uint64_t dev, ino;           /* the queue listed */
	bool other;                  /* not present: its name is another queue now */
	uid_t uid;
	gid_t gid;
	unsigned mode;
	int64_t mtime_ns; /* its last send or receive (or its owner's utimensat()) */
	bool have_qsize;
	uint64_t qsize;                    /* bytes queued (the file's QSIZE) */
	uint64_t notify_pid;               /* the process mq_notify() will signal, 0 for none */
	uint64_t curmsgs, maxmsg, msgsize; /* mq_getattr() (values_ok) */
};

struct ipcobj {
	enum objlist_kind kind; /* OBJLIST_SYSV_SEM, OBJLIST_SYSV_MSG or OBJLIST_MQUEUE */
	bool present;           /* listed in /proc/sysvipc under its id */
	struct sysvipc_ipc ipc; /* its line, when present */
	bool values_ok;         /* read with semctl()/msgctl(): a set's semaphores, a
				 * queue's qbytes; mq_getattr(): an mqueue's */
	char why[128];          /* why not, when present */
	size_t nsem;            /* a set's semaphores read: min(nsems, IPCOBJ_SEMS) */
	struct ipcobj_sem sem[IPCOBJ_SEMS];
	uint64_t qbytes;     /* a queue's room in bytes (values_ok) */
	struct ipcobj_mq mq; /* an mqueue's (ipc zero) */
	struct ipcobj_op ops[IPCOBJ_OPS];
	size_t nops;
	bool scanned; /* waits known: a scan of /proc has run */
	struct objlist_wait waits[IPCOBJ_WAITS];
	size_t nwaits; /* found (more than kept if IPCOBJ_WAITS is short) */
	int64_t wall_ns;
};

/* Look at the set (kind OBJLIST_SYSV_SEM) or queue (OBJLIST_SYSV_MSG) id in
 * the viewer's IPC namespace, /proc/sysvipc's file at path (NULL: the
 * kernel's), into o (its waits and scanned left as they were).  0, or -1
 * with errno when the file cannot be read (o->present false). */
int ipcobj_read(struct ipcobj *o, enum objlist_kind kind, int id, const char *path);

/* Look at the mqueue of row r (its name, dev and ino) by the viewer's
 * mqueue mount dir (NULL: none mounted: by mq_open() alone), into o (its
 * waits and scanned left as they were).  Returns 0; o->present false when
 * the name is gone or another queue's (o->mq.other). */
int ipcobj_read_mq(struct ipcobj *o, const struct objlist_row *r, const char *dir);

/* Is cur another object than prev on the same id: its key differs, or
 * its ctime went back; a set's nsems differ or its otime went back (its
 * ctime moves with SETVAL and SETALL, so it is no sign); a queue's ctime
 * differs (an IPC_SET moves it too: taken for another queue) or its stime
 * or rtime went back; an mqueue's inode differs? */
bool ipcobj_other(const struct ipcobj *prev, const struct ipcobj *cur);

/* An mqueue is full when its messages reach maxmsg (values_ok).
 * Is the queue full: no message with a byte of text fits (cbytes >=
 * qbytes), or none at all (qnum >= qbytes), by msgsnd()'s rule that a
 * message fits while cbytes + its size <= qbytes and qnum + 1 <= qbytes?
 * false without qbytes (values_ok). */
bool ipcobj_full(const struct ipcobj *o);

#endif
