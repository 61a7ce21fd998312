/* SPDX-License-Identifier: MIT */
/*
 * The trust rules of trust.h: which IPC objects a writer may adopt, and
 * whether a control segment belongs to a record.
 */
#include "trust.h"

#include <stdio.h>

#include "names.h"

int trust_owned(uid_t uid, uid_t cuid, unsigned mode, uid_t euid, char *why, size_t whylen)
{
	const char *bad = uid != euid          ? "its owner is another user"
			  : cuid != euid       ? "its creator is another user"
			  : (mode & 0022) != 0 ? "others may write it"
					       : NULL;
	if (!bad)
		return 0;
	char u[40], c[40], me[40];
	snprintf(why, whylen,
		 "owned by %s (uid %u), created by %s (uid %u), mode %04o: %s, and "
		 "shmwriter (%s, uid %u) runs only on what only it can write",
		 names_user(uid, u, sizeof u), (unsigned)uid, names_user(cuid, c, sizeof c),
		 (unsigned)cuid, mode & 0777, bad, names_user(euid, me, sizeof me), (unsigned)euid);
	return -1;
}

int trust_control(const struct control_claim *c, const struct control_expect *e, char *why,
		  size_t whylen)
{
	char a[40], b[40];
	if (c->uid != e->data_uid)
		snprintf(why, whylen,
			 "control segment %d is owned by %s (uid %u), the data segment "
			 "by %s (uid %u)",
			 c->id, names_user(c->uid, a, sizeof a), (unsigned)c->uid,
			 names_user(e->data_uid, b, sizeof b), (unsigned)e->data_uid);
	else if (c->cpid != e->writer_pid)
		snprintf(why, whylen,
			 "control segment %d was made by pid %d, not by the writer "
			 "(pid %d)",
			 c->id, (int)c->cpid, (int)e->writer_pid);
	else if (c->have_bytes && c->data_shmid != e->data_shmid)
		snprintf(why, whylen,
			 "control segment %d names shmid %d, not this segment "
			 "(shmid %d; a copy of another record?)",
			 c->id, c->data_shmid, e->data_shmid);
	else if (c->have_bytes && c->token != e->token)
		snprintf(why, whylen,
			 "control segment %d names another record's token "
			 "(a copy of another record?)",
			 c->id);
	else
		return 0;
	return -1;
}
