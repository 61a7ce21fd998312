/* SPDX-License-Identifier: MIT */
/*
 * Attaching a viewer to a segment.  The data segment is mapped with
 * SHM_RDONLY whatever the user's rights, so a viewer can never change it;
 * only the small control segment is mapped for writing, and only when it
 * proves it belongs to the record on screen and its mode allows this user.
 */
#include "segment.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/shm.h>

#include "format.h"
#include "ipcstat.h"
#include "names.h"
#include "sysvipc.h"
#include "trust.h"

/* Segment id as /proc/sysvipc/shm shows it, which needs no permission on
 * the segment.  0, or -1. */
static int stat_from_proc(int id, struct ipcstat *st)
{
	struct sysvipc_shm row;
	if (sysvipc_find(NULL, id, &row) != 1)
		return -1;
	*st = row.st;
	return 0;
}

void segment_init(struct segment *s)
{
	memset(s, 0, sizeof *s);
	s->shmid = -1;
	s->ctl_id = -1;
	snprintf(s->ctl_why, sizeof s->ctl_why, "no control segment yet");
}

enum segment_status segment_status_of_errno(int e)
{
	switch (e) {
	case ENOENT:
	case EINVAL:
	case EIDRM: return SEGMENT_ABSENT;
	case EACCES: return SEGMENT_DENIED;
	default: return SEGMENT_ERROR;
	}
}

/* Why IPC_STAT or shmat() failed with e, for the end of a message. */
static const char *failure(int e)
{
	return e == EACCES ? "no permission to read it" : strerror(e);
}

/* Attach segment id read-only; what names it in the messages ("segment
 * shmid 7"). */
static enum segment_status attach_id(struct segment *s, int id, const char *what, char *why,
				     size_t whylen)
{
	struct ipcstat st;
	if (ipcstat_get(id, &st) < 0) {
		int e = errno;
		if (e == EACCES && stat_from_proc(id, &st) == 0) {
			/* /proc/sysvipc/shm shows anyone the owner and mode */
			char u[40], g[40], perms[16];
			snprintf(why, whylen, "segment shmid %d is owned by %s:%s, mode %s (%04o)",
				 id, names_user(st.uid, u, sizeof u),
				 names_group(st.gid, g, sizeof g),
				 format_perms(st.mode, perms, sizeof perms), st.mode);
			s->stat = st;
			s->have_stat = true;
		} else {
			snprintf(why, whylen, "%s: %s", what, failure(e));
		}
		return segment_status_of_errno(e);
	}
	void *p = shmat(id, NULL, SHM_RDONLY);
	if (p == (void *)-1) {
		int e = errno;
		snprintf(why, whylen, "cannot attach %s: %s", what, failure(e));
		return segment_status_of_errno(e);
	}
	s->shmid = id;
	s->data = p;
	s->size = (size_t)st.size;
	return SEGMENT_OK;
}

enum segment_status segment_attach(struct segment *s, key_t key, char *why, size_t whylen)
{
	segment_detach(s);
	int id = shmget(key, 0, 0);
	if (id < 0) {
		int e = errno;
		snprintf(why, whylen, "no segment with key 0x%08x%s%s", (unsigned)key,
			 e == ENOENT ? "" : ": ", e == ENOENT ? "" : strerror(e));
		return segment_status_of_errno(e);
	}
	char what[64];
	snprintf(what, sizeof what, "segment with key 0x%08x (shmid %d)", (unsigned)key, id);
	return attach_id(s, id, what, why, whylen);
}

enum segment_status segment_attach_id(struct segment *s, int shmid, char *why, size_t whylen)
{
	segment_detach(s);
	char what[32];
	snprintf(what, sizeof what, "segment shmid %d", shmid);
	return attach_id(s, shmid, what, why, whylen);
}

static void control_detach(struct segment *s)
{
	if (s->ctl)
		shmdt(s->ctl);
	s->ctl = NULL;
}

/* The control segment as IPC_STAT shows it, or as /proc/sysvipc/shm shows
 * it to a user without read permission.  0, or -1 with errno. */
static int control_stat(int id, struct ipcstat *st)
{
	if (ipcstat_get(id, st) == 0)
		return 0;
	int e = errno;
	if (e == EACCES && stat_from_proc(id, st) == 0)
		return 0;
	errno = e;
	return -1;
}

/* Attach control segment id and check that it proves it belongs to the
 * record (e); 0, or -1 with the reason in ctl_why. */
static int control_prove(struct segment *s, int id, const struct control_expect *e)
{
	struct ipcstat st;
	if (control_stat(id, &st) < 0) {
		snprintf(s->ctl_why, sizeof s->ctl_why, "control segment %d: %s", id,
			 strerror(errno));
		return -1;
	}
	const struct control_claim c = { .id = id, .uid = st.uid, .cpid = st.cpid };
	s->ctl = control_attach_proven(&c, (size_t)st.size, e, s->ctl_why, sizeof s->ctl_why);
	if (!s->ctl) {
		char u[40], g[40], perms[16];
		if (errno == EACCES)
			snprintf(s->ctl_why, sizeof s->ctl_why,
				 "control segment %d is owned by %s:%s, mode %s (%04o): view only",
				 id, names_user(st.uid, u, sizeof u),
				 names_group(st.gid, g, sizeof g),
				 format_perms(st.mode, perms, sizeof perms), st.mode);
		return -1;
	}
	s->ctl_why[0] = '\0';
	return 0;
}

int segment_attach_control(struct segment *s, int32_t control_id, pid_t writer_pid, uint64_t token,
			   uid_t data_uid)
{
	if (control_id == s->ctl_id && writer_pid == s->ctl_pid && token == s->ctl_token &&
	    data_uid == s->ctl_uid)
		return s->ctl ? 0 : -1;
	control_detach(s);
	s->ctl_id = control_id;
	s->ctl_pid = writer_pid;
	s->ctl_token = token;
	s->ctl_uid = data_uid;
	if (control_id < 0) {
		snprintf(s->ctl_why, sizeof s->ctl_why, "the writer publishes no control segment");
		return -1;
	}
	const struct control_expect e = { .data_shmid = s->shmid,
					  .data_uid = data_uid,
					  .writer_pid = writer_pid,
					  .token = token };
	return control_prove(s, control_id, &e);
}

void segment_detach(struct segment *s)
{
	control_detach(s);
	if (s->data)
		shmdt(s->data);
	segment_init(s);
}
