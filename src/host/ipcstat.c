/* SPDX-License-Identifier: MIT */
#include "ipcstat.h"

#include <string.h>

void ipcstat_from_ds(const struct shmid_ds *ds, int shmid, struct ipcstat *out)
{
	memset(out, 0, sizeof *out);
	out->shmid = shmid;
	out->key = ds->shm_perm.__key;
	out->size = ds->shm_segsz;
	out->mode = ds->shm_perm.mode & 0777u;
	out->dest = (ds->shm_perm.mode & SHM_DEST) != 0;
	out->locked = (ds->shm_perm.mode & SHM_LOCKED) != 0;
	out->uid = ds->shm_perm.uid;
	out->gid = ds->shm_perm.gid;
	out->cuid = ds->shm_perm.cuid;
	out->cgid = ds->shm_perm.cgid;
	out->cpid = ds->shm_cpid;
	out->lpid = ds->shm_lpid;
	out->nattch = ds->shm_nattch;
	out->atime = ds->shm_atime;
	out->dtime = ds->shm_dtime;
	out->ctime = ds->shm_ctime;
}

int ipcstat_get(int shmid, struct ipcstat *out)
{
	struct shmid_ds ds;
	if (shmctl(shmid, IPC_STAT, &ds) < 0)
		return -1;
	ipcstat_from_ds(&ds, shmid, out);
	return 0;
}
