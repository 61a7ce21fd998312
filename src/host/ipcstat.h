/* SPDX-License-Identifier: MIT */
/*
 * A plain copy of a segment's kernel metadata (shmctl IPC_STAT), in the terms
 * ipcs and lsipc use.  Taken once per tick; everything else formats it.
 */
#ifndef SHMTOP_IPCSTAT_H
#define SHMTOP_IPCSTAT_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/shm.h>
#include <sys/types.h>

struct ipcstat {
	int shmid;
	key_t key;       /* 0 once the segment is removed (IPC_RMID) */
	uint64_t size;   /* shm_segsz */
	unsigned mode;   /* permission bits only (mode & 0777) */
	bool dest;       /* SHM_DEST: removed, lives on until the last detach */
	bool locked;     /* SHM_LOCKED */
	uid_t uid, cuid; /* owner and creator */
	gid_t gid, cgid;
	pid_t cpid, lpid;
	uint64_t nattch;
	int64_t atime, dtime, ctime; /* seconds since the epoch; 0 = not set */
};

/* Convert the kernel's structure for segment shmid.  Pure. */
void ipcstat_from_ds(const struct shmid_ds *ds, int shmid, struct ipcstat *out);

/* IPC_STAT segment shmid into out.  0, or -1 with errno (EINVAL or EIDRM:
 * the segment is gone; EACCES: no read permission). */
int ipcstat_get(int shmid, struct ipcstat *out);

#endif
