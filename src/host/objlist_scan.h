/* SPDX-License-Identifier: MIT */
/*
 * The slow half of the object list (objlist_scan()): which processes map or
 * hold open a shared memory object, from /proc/PID/maps and /proc/PID/fd.
 * The parsing of one maps line and one fd link is pure, for the tests.
 *
 * A maps line is "start-end perms offset major:minor inode path", with the
 * numbers in hex but the inode, and the path as the kernel prints it (a
 * newline in it shown as \012).  The shared memory paths are:
 *
 *   /dev/shm/NAME [(deleted)]   a POSIX object (or semaphore), maybe unlinked
 *   /memfd:NAME (deleted)       a memfd
 *   /SYSV%08x (deleted)         a SysV segment; the key in hex, inode = shmid
 *   /any/other/PATH [(deleted)] a file, when it is mapped shared (objlist_files.h)
 *
 * " (deleted)" is not proof that an object is gone: glibc makes a semaphore
 * under a temporary name and links it to sem.NAME, so its holders' maps
 * keep the old name, "deleted".  Identity is the device and inode.
 */
#ifndef SHMTOP_OBJLIST_SCAN_H
#define SHMTOP_OBJLIST_SCAN_H

#include <stdbool.h>
#include <stdint.h>

#include "objlist.h"

#define OBJLIST_SCAN_DEVSHM_PREFIX "/dev/shm/"

/* One shared memory object as a maps line or an fd link names it. */
struct objlist_scan_ref {
	enum objlist_kind kind;      /* OBJLIST_SYSV, OBJLIST_MEMFD, OBJLIST_POSIX for any
				      * /dev/shm path, or OBJLIST_FILE (maps only) */
	char name[OBJLIST_NAME_MAX]; /* after "/dev/shm/" or "/memfd:", a file's whole path
				      * (its first 255 bytes); without " (deleted)" */
	bool deleted;                /* the path ended in " (deleted)" */
	int key;                     /* sysv: the key in the path */
	/* maps only: */
	uint64_t start, end, offset;
	uint64_t dev, ino; /* dev as makedev(major, minor) */
	bool write;        /* mapped writable */
	bool shared;       /* mapped shared (perms "s") */
};

/* Classify path (an fd's link or a maps path) into r's kind, name and
 * deleted.  Pure; true if it is shared memory. */
bool objlist_scan_path(const char *path, struct objlist_scan_ref *r);

/* Parse one /proc/PID/maps line (with or without its newline).  Pure; 1
 * and r filled for a shared memory mapping or a shared mapping of a file
 * (objlist_files_path_ok()), 0 for any other mapping, -1
 * if the line is not a maps line. */
int objlist_scan_map_line(const char *line, struct objlist_scan_ref *r);

#endif
