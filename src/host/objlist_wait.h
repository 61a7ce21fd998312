/* SPDX-License-Identifier: MIT */
/*
 * Who is blocked on what.  A process blocked in a system call shows it in
 * /proc/PID/syscall as "NR ARG1 ... ARG6 SP PC" (the number in decimal,
 * the rest in hex); one that runs says "running", one blocked outside a
 * system call "-1 SP PC".  Root may read every process's; a user only
 * their own (the others are counted with scan_hidden).  objlist_scan()
 * reads it for each thread in state S or D (/proc/PID/task/TID/syscall
 * for a process's other threads, up to 1,024 a process: a waiter's pid is
 * its process's, comm its thread's) and names the object each waits on:
 *
 *   semop(), semtimedop()          ARG1 the semid; ARG2 the sops, whose first
 *                                  struct sembuf /proc/PID/mem gives (root),
 *                                  read only in a private anonymous mapping
 *                                  (a file's page could be a FUSE file's,
 *                                  whose read another user may stall)
 *   msgrcv(), msgsnd()             ARG1 the msqid
 *   mq_timedreceive(), _timedsend() ARG1 an fd, an inode of the mqueue file
 *                                  system (fstatfs: MQUEUE_MAGIC)
 *   futex()                        ARG1 an address, in a shared mapping of an
 *                                  object in the process's maps
 *
 * What it finds is a claim (struct objlist_wait_seen), not a fact: a
 * process's registers say what it asked the kernel, and only what the
 * kernel would have let it wait on is a waiter.  A claim is kept only
 *
 *   - (by the scan) for a process in state S or D both before and after
 *     its syscall line was read, twice the same (a traced process, state
 *     t, has whatever registers its tracer set); and (by
 *     objlist_wait_join(), at collect)
 *   - for a set's or queue's id or a SysV segment, when the process is in
 *     the viewer's IPC namespace (the id is its namespace's) and the id is
 *     a row of the viewer's /proc/sysvipc;
 *   - for a set or a queue, when the process may use it, by the kernel's
 *     rule (ipc/util.c ipcperms()): a process with CAP_IPC_OWNER may; else
 *     the owner's bits of mode apply if its euid is the object's uid or
 *     cuid, the group's bits if its fsgid or one of its groups is the
 *     object's gid or cgid, the others' bits otherwise; semop() and
 *     msgrcv() need read, msgsnd() and a semop() that alters (sem_op != 0,
 *     when it could be read) need write;
 *   - for an mqueue or a futex, when its object (an inode, a mapping: an
 *     identity already) is a row.
 *
 * Reading changes nothing: no semop(), msgrcv() or mq_receive(), no attach;
 * /proc/PID/mem is read with pread() at the address, a few bytes.
 */
#ifndef SHMTOP_OBJLIST_WAIT_H
#define SHMTOP_OBJLIST_WAIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "objlist.h"

#define OBJLIST_SYSCALL_ARGS 6

/* Parse a /proc/PID/syscall line (with or without its newline).  Pure; 1
 * with *nr and args[0 .. 6) for a process blocked in system call *nr, 0
 * for "running" or a process not in a system call (-1), -1 if line is not
 * such a line (a number past 64 bits included). */
int objlist_wait_parse_syscall(const char *line, long *nr, uint64_t args[OBJLIST_SYSCALL_ARGS]);

/* What system call nr waits for (this architecture's numbers), or -1 if it
 * is none of semop(), semtimedop(), msgrcv(), msgsnd(), mq_timedreceive(),
 * mq_timedsend(), futex(). */
int objlist_wait_op_of(long nr);

/* "semop", "msgrcv", "msgsnd", "mq_receive", "mq_send", "futex", or "?". */
const char *objlist_wait_op_name(enum objlist_wait_op op);

/* Take the credentials of /proc/PID/status's text into w (euid, fsgid,
 * groups, ipc_owner).  Pure; 0, or -1 if a Uid:, Gid: or CapEff: line is
 * missing or garbled. */
int objlist_wait_parse_status(const char *status, struct objlist_wait_seen *w);

/* Could w's process have blocked on the set or queue r, by the kernel's
 * rule (above)?  True for the other kinds. */
bool objlist_wait_permitted(const struct objlist_wait_seen *w, const struct objlist_row *r);

/* The order of s->wseen and s->waits (for qsort): the object (kind, dev,
 * ino), then pid. */
int objlist_wait_seen_compare(const void *a, const void *b);

/* Give each claim of now[0 .. n) that old[0 .. nold) (a previous scan's,
 * in objlist_wait_seen_compare() order) holds for the same process (pid
 * and start time), op and object the since_ns of that one. */
void objlist_wait_carry(struct objlist_wait_seen *now, size_t n,
			const struct objlist_wait_seen *old, size_t nold);

/* Does a claim of s->wseen hold for row r (above), r complete but not yet
 * joined: what an orphan rule asks while collect adds r (a set or queue a
 * process waits on is in use).  A binary search; pure. */
bool objlist_wait_claimed(const struct objlist *s, const struct objlist_row *r);

/* At collect, after every row is added: s->waits (rebuilt) the claims of
 * s->wseen that hold (above) for one of s->rows, each row's wait0/nwaits,
 * s->blocked.  0, or -1 out of memory (no waits). */
int objlist_wait_join(struct objlist *s);

#endif
