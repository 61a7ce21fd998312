/* SPDX-License-Identifier: MIT */
/*
 * Which processes have a segment mapped.  The kernel names a SysV mapping
 * "/SYSV%08x" after the key the segment was created with (the name stays
 * after IPC_RMID turns the key to 0) and gives it the shmid as its inode, so
 * a line of /proc/PID/maps with both, on the kernel's SysV device
 * (sysvdev.h: any user can make a file of that name and inode number in a
 * tmpfs of its own), is an attach of that segment.  The
 * count found may differ from nattch: /proc may hide processes (hidepid,
 * other pid namespaces) or deny reading their maps.
 *
 * Scanning /proc is costly next to a tick; callers scan only when nattch,
 * atime, dtime or lpid change, or on request.
 */
#ifndef SHMTOP_ATTACHED_H
#define SHMTOP_ATTACHED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "sysvdev.h"

#define ATTACHED_MAX 64

struct attached_proc {
	pid_t pid;
	uid_t uid; /* effective */
	char user[32];
	char command[96]; /* the command line, or "[comm]" when it has none */
	unsigned maps;    /* mappings of the segment */
	bool writable;    /* any of them read-write */
};

struct attached {
	size_t n;          /* processes in procs[], by pid */
	size_t total;      /* processes found (more than n if procs[] is full) */
	uint64_t maps;     /* mappings found, all processes */
	size_t unreadable; /* processes whose maps could not be read */
	struct attached_proc procs[ATTACHED_MAX];
};

/* Does this /proc/PID/maps line map segment shmid created with key, on a
 * device of devs?  Returns 1 (and *writable from its permissions), 0 if it
 * maps something else, -1 if it is not a maps line.  Pure. */
int attached_parse_maps_line(const char *line, key_t key, int shmid, const struct sysvdev *devs,
			     bool *writable);

/* Scan every /proc/PID/maps for the segment into out.  0, or -1 with errno
 * if /proc cannot be read. */
int attached_scan(key_t key, int shmid, struct attached *out);

#endif
