/* SPDX-License-Identifier: MIT */
/*
 * A viewer's attachment to a shmwriter segment: the data segment, always
 * SHM_RDONLY, and the writer's control segment, read-write only when it
 * proves it belongs to the record shown (trust_control()) and the kernel
 * lets this user write it.  Nothing here trusts the segment's bytes;
 * record_read() does the checking.
 */
#ifndef SHMTOP_SEGMENT_H
#define SHMTOP_SEGMENT_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "control.h"
#include "ipcstat.h"
#include "record.h"

enum segment_status {
	SEGMENT_OK,
	SEGMENT_ABSENT, /* no segment on the key */
	SEGMENT_DENIED, /* it exists, but this user may not read it */
	SEGMENT_ERROR,  /* anything else; reason given */
};

struct segment {
	int shmid;                  /* -1 when detached */
	const void *data;           /* SHM_RDONLY mapping, or NULL */
	size_t size;                /* shm_segsz when attached */
	struct shmtop_control *ctl; /* read-write control mapping, or NULL */
	int ctl_id;                 /* control shmid last tried, or -1 */
	pid_t ctl_pid;              /* ... for this writer pid, */
	uint64_t ctl_token;         /* record token */
	uid_t ctl_uid;              /* and data segment owner */
	char ctl_why[160];          /* why ctl is NULL, for the screen */
	bool have_stat;             /* after SEGMENT_DENIED: stat is the segment's */
	struct ipcstat stat;        /* from /proc/sysvipc/shm, which needs no permission */
};

/* What an errno from shmget(), IPC_STAT or shmat() says of the segment:
 * ENOENT, EINVAL and EIDRM that there is none (any more), EACCES that this
 * user may not read it; anything else is SEGMENT_ERROR. */
enum segment_status segment_status_of_errno(int e);

/* A detached segment. */
void segment_init(struct segment *s);

/* Attach the segment on key read-only.  On anything but SEGMENT_OK, s stays
 * detached and why says what happened in one line; with SEGMENT_DENIED,
 * have_stat and stat give the segment as /proc/sysvipc/shm shows it. */
enum segment_status segment_attach(struct segment *s, key_t key, char *why, size_t whylen);

/* segment_attach() for the one segment shmid, whatever its key. */
enum segment_status segment_attach_id(struct segment *s, int shmid, char *why, size_t whylen);

/* Attach read-write the control segment control_id that a record names,
 * replacing any other, if it belongs to that record: owned by data_uid (the
 * data segment's owner), made by writer_pid (the record's writer), naming
 * s->shmid and token (the record's).  Returns 0, or -1 with ctl NULL and
 * the reason in ctl_why.  Does nothing if control id, writer pid, token
 * and data_uid are the ones already tried. */
int segment_attach_control(struct segment *s, int32_t control_id, pid_t writer_pid, uint64_t token,
			   uid_t data_uid);

/* Detach both mappings; s is then as after segment_init(). */
void segment_detach(struct segment *s);

#endif
