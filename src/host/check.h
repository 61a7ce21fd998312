/* SPDX-License-Identifier: MIT */
/*
 * shmtop --check: the kernel shows each segment two ways, as a line of
 * /proc/sysvipc/shm (to everyone) and through shmctl(IPC_STAT) (to those who
 * may read it).  The check takes every segment of the first and compares it,
 * field by field, with the second; ipcs and lsipc are built on the same two
 * sources, so a clean check means they print what shmtop prints.
 *
 * The host does not stand still between the two reads: a segment may be
 * made or removed, and nattch, lpid, atime and dtime move with every attach.
 * A difference is reported only if it is still there when both are read
 * again.  A segment the user may not IPC_STAT (EACCES) is read with
 * SHM_STAT_ANY instead, which needs no permission (Linux 4.17); where that
 * fails too, only its presence is checked, and the report says so.
 */
#ifndef SHMTOP_CHECK_H
#define SHMTOP_CHECK_H

#include <stddef.h>
#include <stdio.h>

#include "ipcstat.h"
#include "sysvipc.h"

/* The fields compared, in this order. */
enum check_field {
	CHECK_KEY,
	CHECK_MODE, /* mode & 0777 */
	CHECK_DEST,
	CHECK_LOCKED,
	CHECK_SIZE,
	CHECK_UID,
	CHECK_GID,
	CHECK_CUID,
	CHECK_CGID,
	CHECK_CPID,
	CHECK_LPID,
	CHECK_NATTCH,
	CHECK_ATIME,
	CHECK_DTIME,
	CHECK_CTIME,
	CHECK_NFIELDS
};

/* One field that differs: its value in each view, as ipcs would print it. */
struct check_diff {
	int shmid;
	key_t key; /* as /proc/sysvipc/shm has it */
	enum check_field field;
	char proc[32]; /* /proc/sysvipc/shm's value */
	char stat[32]; /* IPC_STAT's value */
};

/* The field's name ("key", "mode", ..., as ipcs -i labels them). */
const char *check_field_name(enum check_field f);

/* Compare a /proc/sysvipc/shm row with the IPC_STAT view of the same
 * segment.  Pure; fills diffs[0..max) (NULL if max is 0) and returns how
 * many fields differ (which may be more than max). */
size_t check_compare(const struct sysvipc_shm *row, const struct ipcstat *st,
		     struct check_diff *diffs, size_t max);

/* One difference as one line, without a newline:
 * "shmid 5 key 0x00002537: nattch differs: /proc/sysvipc/shm 3, IPC_STAT 2". */
char *check_format(const struct check_diff *d, char *buf, size_t len);

/* What a check run saw. */
struct check_summary {
	size_t segments;    /* in /proc/sysvipc/shm */
	size_t compared;    /* with IPC_STAT or SHM_STAT_ANY */
	size_t stat_any;    /* of which through SHM_STAT_ANY (IPC_STAT said EACCES) */
	size_t uncompared;  /* no view but /proc's: only their presence checked */
	size_t vanished;    /* removed while the check ran: not differences */
	size_t missing;     /* seen by SHM_STAT_ANY, absent from /proc: differences */
	size_t differences; /* fields that differ, plus missing segments */
};

/* Check every segment, printing each difference as a line to out (and a
 * note for each segment that could not be compared, beginning "note:"),
 * then one summary line.  proc_path NULL means SYSVIPC_SHM_PATH (another
 * file is for tests).  Returns the number of differences, or -1 with errno
 * if /proc/sysvipc/shm cannot be read. */
long check_run(FILE *out, const char *proc_path, struct check_summary *sum);

#endif
