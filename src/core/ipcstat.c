#include "shmtop/ipcstat.h"

#include <errno.h>
#include <stdio.h>
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

int ipcstat_parse_proc(const char *line, struct ipcstat *out)
{
	int key, shmid, cpid, lpid;
	unsigned perms, uid, gid, cuid, cgid;
	unsigned long long size, nattch;
	long long atime, dtime, ctime;
	if (sscanf(line, "%d %d %o %llu %d %d %llu %u %u %u %u %lld %lld %lld", &key, &shmid,
		   &perms, &size, &cpid, &lpid, &nattch, &uid, &gid, &cuid, &cgid, &atime, &dtime,
		   &ctime) != 14)
		return -1;
	memset(out, 0, sizeof *out);
	out->shmid = shmid;
	out->key = (key_t)key;
	out->size = size;
	out->mode = perms & 0777u;
	out->dest = (perms & SHM_DEST) != 0;
	out->locked = (perms & SHM_LOCKED) != 0;
	out->uid = (uid_t)uid;
	out->gid = (gid_t)gid;
	out->cuid = (uid_t)cuid;
	out->cgid = (gid_t)cgid;
	out->cpid = (pid_t)cpid;
	out->lpid = (pid_t)lpid;
	out->nattch = nattch;
	out->atime = atime;
	out->dtime = dtime;
	out->ctime = ctime;
	return 0;
}

int ipcstat_from_proc(int shmid, struct ipcstat *out)
{
	FILE *f = fopen("/proc/sysvipc/shm", "re");
	if (!f)
		return -1;
	char line[512];
	int rc = -1;
	while (rc < 0 && fgets(line, sizeof line, f))
		if (ipcstat_parse_proc(line, out) == 0 && out->shmid == shmid)
			rc = 0;
	fclose(f);
	if (rc < 0)
		errno = ENOENT;
	return rc;
}
