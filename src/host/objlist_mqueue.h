/* SPDX-License-Identifier: MIT */
/*
 * The mqueue kind of the object list: POSIX message queues.
 *
 * A queue is a regular file of the mqueue file system, whose text is
 * "QSIZE:N NOTIFY:N SIGNO:N NOTIFY_PID:N" (QSIZE: the bytes queued).  The
 * kernel keeps one such file system per IPC namespace, internal; a mount
 * of it (systemd's /dev/mqueue, `mount -t mqueue none DIR`) shows the
 * namespace of whoever mounted it, so a mount is the viewer's only if a
 * queue listed there is the one mq_open() opens (objlist_mqueue_find()).
 *
 * Reading a queue's file sets its atime and ctime (the kernel's
 * mqueue_read_file()), never its mtime, which a send or a receive moves:
 * the list's MTIME stays the last send or receive.  mq_open() of an
 * existing queue changes no time.
 *
 * A process's fd on a queue reads as "/NAME" in /proc/PID/fd ("/NAME
 * (deleted)" once unlinked), on the mqueue file system (f_type
 * OBJLIST_MQUEUE_MAGIC): so queues are known from their holders even with
 * no mount.
 */
#ifndef SHMTOP_OBJLIST_MQUEUE_H
#define SHMTOP_OBJLIST_MQUEUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define OBJLIST_MQUEUE_MAGIC 0x19800202 /* statfs f_type of the mqueue file system */
#define OBJLIST_MQUEUE_DIR "/dev/mqueue"
#define OBJLIST_MQUEUE_TEXT 128 /* bytes of a queue's file read (it holds 80) */

/* A queue's file, as the kernel writes it. */
struct objlist_mqueue_info {
	uint64_t qsize; /* bytes queued */
	uint64_t notify_pid;
	int notify, signo;
};

/* Parse a queue's file text (n bytes, not NUL-terminated): QSIZE is
 * required and decimal; a number past UINT64_MAX saturates.  Pure; 0, or
 * -1 (not that text). */
int objlist_mqueue_parse(const char *text, size_t n, struct objlist_mqueue_info *q);

/* Is link (an fd's readlink) a queue's as /proc/PID/fd shows it: "/NAME"
 * or "/NAME (deleted)", NAME not empty, with no other '/' and no ':' (not
 * "/memfd:", not "/[aio]" of the kernel)?  Then NAME into name (len bytes)
 * and *deleted.  Pure: only a candidate, its fstatfs decides. */
bool objlist_mqueue_link(const char *link, char *name, size_t len, bool *deleted);

/* A mount of the mqueue file system, from mountinfo. */
struct objlist_mqueue_mount {
	char dir[256]; /* its mount point, unescaped */
	uint64_t dev;  /* its superblock's device (makedev(major, minor)) */
};

/* The mqueue mounts of a mountinfo text (NUL-terminated), OBJLIST_MQUEUE_DIR
 * first: how many (at most max filled).  Pure. */
size_t objlist_mqueue_mounts(const char *text, struct objlist_mqueue_mount *m, size_t max);

#define OBJLIST_MQUEUE_MOUNTS 8

/* The viewer's mqueue mount, read from mountinfo (NULL: /proc/self/mountinfo):
 * the first of objlist_mqueue_mounts() whose folder opens (each component
 * O_NOFOLLOW) on the mount's device and that is not known to be another
 * IPC namespace's (a queue there that mq_open() opens as another inode,
 * or not at all).  The folder's descriptor, its mount in *m and in *ours
 * whether a queue proved it the viewer's (false: empty, or no queue this
 * user may open: taken as the viewer's, unproven); -1 if none. */
int objlist_mqueue_open(const char *mountinfo, struct objlist_mqueue_mount *m, bool *ours);

/* Read the queue file open on fd: 0 and *q, or -1. */
int objlist_mqueue_read(int fd, struct objlist_mqueue_info *q);

#endif
