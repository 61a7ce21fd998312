/* SPDX-License-Identifier: MIT */
/* What publisher.c and the version 2 writer share as owners of a record: owner.h. */
#include "owner.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/random.h>
#include <unistd.h>

#include "clock.h"
#include "trust.h"

uint64_t owner_new_token(void)
{
	uint64_t t = 0;
	if (getrandom(&t, sizeof t, 0) != (ssize_t)sizeof t || t == 0)
		t = ((uint64_t)clock_mono_ns() * UINT64_C(0x9e3779b97f4a7c15)) ^
		    (uint64_t)clock_wall_ns() ^ ((uint64_t)getpid() << 40) ^ 1;
	return t;
}

const char *owner_key_hex(key_t key, char buf[16])
{
	snprintf(buf, 16, "0x%08x", (unsigned)key);
	return buf;
}

int owner_control_create(int data_shmid, uint64_t token, mode_t mode,
			 const struct control_seen *start, struct shmtop_control **ctl, char *why,
			 size_t whylen)
{
	int id = shmget(IPC_PRIVATE, sizeof(struct shmtop_control), IPC_CREAT | (int)mode);
	if (id < 0) {
		snprintf(why, whylen, "cannot create control segment: %s", strerror(errno));
		return -1;
	}
	void *p = shmat(id, NULL, 0);
	shmctl(id, IPC_RMID, NULL);
	if (p == (void *)-1) {
		snprintf(why, whylen, "cannot attach control segment: %s", strerror(errno));
		return -1;
	}
	*ctl = p;
	control_init(*ctl, data_shmid, token, start);
	return id;
}

struct shmtop_control *owner_previous_control(int data_shmid, uint64_t token, int id, pid_t prev)
{
	struct shmid_ds ds;
	if (id < 0 || shmctl(id, IPC_STAT, &ds) < 0)
		return NULL;
	const struct control_claim c = { .id = id, .uid = ds.shm_perm.uid, .cpid = ds.shm_cpid };
	const struct control_expect e = {
		.data_shmid = data_shmid, .data_uid = geteuid(), .writer_pid = prev, .token = token
	};
	char why[200];
	return control_attach_proven(&c, ds.shm_segsz, &e, why, sizeof why);
}

int owner_adoptable(key_t key, int id, const struct shmid_ds *ds, char *why, size_t whylen)
{
	char kb[16];
	const char *k = owner_key_hex(key, kb);
	char reason[300];
	if (trust_owned(ds->shm_perm.uid, ds->shm_perm.cuid, ds->shm_perm.mode & 0777, geteuid(),
			reason, sizeof reason)) {
		snprintf(why, whylen, "key %s (shmid %d) is %s; refusing to touch it", k, id,
			 reason);
		return -1;
	}
	return 0;
}

int owner_lost(int shmid, struct writerlock *lock, char *why, size_t whylen)
{
	struct shmid_ds ds;
	if (shmctl(shmid, IPC_STAT, &ds) < 0 || (ds.shm_perm.mode & SHM_DEST)) {
		snprintf(why, whylen, "segment shmid %d was removed (ipcrm)", shmid);
		return 1;
	}
	char reason[200];
	if (writerlock_check(lock, reason, sizeof reason)) {
		snprintf(why, whylen, "writer lock lost: %s", reason);
		return 1;
	}
	return 0;
}

void owner_drop_old_control(struct shmtop_control *ours, struct owner_old_control *old)
{
	struct shmid_ds ds;
	if (shmctl(old->id, IPC_STAT, &ds) == 0 && ds.shm_nattch > 1)
		return;
	control_forward(ours, old->ctl, &old->seen);
	shmdt(old->ctl);
	old->ctl = NULL;
	old->id = -1;
}

void owner_wall_refresh(struct owner_wall *w, int64_t now)
{
	if (w->at && now - w->at < OWNER_CHECK_NS)
		return;
	w->at = clock_mono_ns();
	w->offset = clock_wall_ns() - w->at;
}
