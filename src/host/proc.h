/* SPDX-License-Identifier: MIT */
/*
 * Facts about processes from /proc: whether one still runs (its identity,
 * the start time that survives pid reuse, is procstat.h's) and its command
 * name.
 */
#ifndef SHMTOP_PROC_H
#define SHMTOP_PROC_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "procstat.h"

/* Is the process with this pid and start time still running (not a zombie)?
 * A start time of 0 is not known (MMV names a pid alone): the pid is
 * judged alone.  1 yes, 0 no, -1 cannot tell: the process exists but /proc hides it from
 * us (hidepid, another user), so its start time cannot be checked; callers
 * then judge by the writer's heartbeat.  Non-zero means "do not call it
 * dead". */
int proc_alive(pid_t pid, uint64_t starttime);

/* A process watched for its end without reading /proc on every look: a
 * pidfd, opened once its start time has been checked, turns readable when
 * the process exits (a zombie included). */
struct proc_watch {
	pid_t pid;
	uint64_t starttime;
	int fd; /* the pidfd, or -1 */
};

#define PROC_WATCH_INIT                                                                            \
	{                                                                                          \
		.pid = 0, .starttime = 0, .fd = -1                                                 \
	}

/* proc_alive(pid, starttime), answered from the watch's pidfd when it
 * holds that process: only the first look (or one after the pid or start
 * time changed, or on a kernel without pidfd_open) reads /proc. */
int proc_watch_alive(struct proc_watch *w, pid_t pid, uint64_t starttime);

/* Close the pidfd, if any; the watch can be used again. */
void proc_watch_close(struct proc_watch *w);

/* The command name of pid (/proc/PID/comm, without the newline) into buf;
 * 0, or -1 with buf set to "?". */
int proc_comm(pid_t pid, char *buf, size_t len);

/* The command name and owner of pid if it is still the process that did
 * something at time t (seconds since the epoch: a semaphore's otime, a
 * queue's stime or rtime): one started after t reuses the pid.  0, or -1
 * (gone, another process, unreadable) with buf "". */
int proc_comm_since(pid_t pid, int64_t t, char *buf, size_t len, uid_t *uid);

/* Boot time (btime of /proc/stat), seconds since the epoch, or -1. */
int64_t proc_boot_time(void);

#endif
