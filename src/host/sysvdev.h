/* SPDX-License-Identifier: MIT */
/*
 * The devices of SysV segments.  The kernel backs a segment with a file of
 * its internal shmem mount (a SHM_HUGETLB one with a file of its internal
 * hugetlbfs mount of that page size), names the mapping "/SYSV%08x" after
 * the key and gives it the shmid as inode.  Name and inode prove nothing:
 * any user can mount a tmpfs in a mount namespace of its own and map a file
 * /SYSV<key> there whose inode number is another user's shmid.  A mapping is
 * a segment's only if it is also on one of these devices.
 *
 * They are learned once per process: the shmem one from a private segment
 * of the viewer's own, marked removed before its mapping is read (so it
 * goes with the viewer's shmdt, whatever happens); the hugetlbfs ones from
 * memfd_create(MFD_HUGETLB) of each page size, which uses the same mounts.
 */
#ifndef SHMTOP_SYSVDEV_H
#define SHMTOP_SYSVDEV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SYSVDEV_MAX 8

/* A set of devices, each as makedev(major, minor). */
struct sysvdev {
	size_t n;
	uint64_t dev[SYSVDEV_MAX];
};

/* The kernel's devices of SysV segments, learned on the first call (any
 * thread) and kept.  n is 0 if none could be learned: then no mapping is
 * taken for a segment's. */
const struct sysvdev *sysvdev_kernel(void);

/* Is a mapping on device dev one of a SysV segment, by the devices d?
 * Pure. */
bool sysvdev_has(const struct sysvdev *d, uint64_t dev);

#endif
