/* SPDX-License-Identifier: MIT */
#include "objlist_columns.h"

#include <string.h>
#include <strings.h>

#include "format.h"

#define NUM(sort_) SYSVIPC_SORT_##sort_, true /* numbers of a kind: biggest first */
#define ASC(sort_) SYSVIPC_SORT_##sort_, false

const struct objlist_column objlist_columns[OBJLIST_NCOLS] = {
	[OBJLIST_COL_KEY] = { "KEY", "KEY/NAME", 10, false, 'k', ASC(KEY),
			      "the SysV key, as ipcs prints it" },
	[OBJLIST_COL_ID] = { "ID", "SHMID", 10, false, 'i', ASC(SHMID),
			     "the SysV shmid (a set's semid, a queue's msqid)" },
	[OBJLIST_COL_OWNER] = { "OWNER", "OWNER", 10, false, 'o', ASC(OWNER), "the owner's name" },
	[OBJLIST_COL_PERMS] = { "PERMS", "PERMS", 9, false, 0, ASC(PERMS),
				"the permissions, as ls -l" },
	[OBJLIST_COL_CUID] = { "CUID", NULL, 0, false, 0, ASC(CUID), "the creator's uid" },
	[OBJLIST_COL_CUSER] = { "CUSER", NULL, 0, false, 0, ASC(CUID), "the creator's user" },
	[OBJLIST_COL_CGID] = { "CGID", NULL, 0, false, 0, ASC(CGID), "the creator's gid" },
	[OBJLIST_COL_CGROUP] = { "CGROUP", NULL, 0, false, 0, ASC(CGID), "the creator's group" },
	[OBJLIST_COL_UID] = { "UID", NULL, 0, false, 0, ASC(OWNER), "the owner's uid" },
	[OBJLIST_COL_USER] = { "USER", NULL, 0, false, 0, ASC(OWNER), "the owner's user" },
	[OBJLIST_COL_GID] = { "GID", NULL, 0, false, 0, ASC(GID), "the group's gid" },
	[OBJLIST_COL_GROUP] = { "GROUP", NULL, 0, false, 0, ASC(GID), "the group's name" },
	[OBJLIST_COL_CTIME] = { "CTIME", "CTIME", 8, false, 't', ASC(AGE),
				"the last change (youngest first)" },
	[OBJLIST_COL_SIZE] = { "SIZE", "SIZE", 7, true, 's', NUM(SIZE), "the size" },
	[OBJLIST_COL_NATTCH] = { "NATTCH", "NATTCH", 6, true, 'n', NUM(NATTCH),
				 "SysV attaches; the other kinds' holders" },
	[OBJLIST_COL_STATUS] = { "STATUS", "STATUS", 13, false, 0, ASC(STATUS),
				 "dest, locked, orphan" },
	[OBJLIST_COL_ATTACH] = { "ATTACH", NULL, 0, false, 0, ASC(ATTACH), "the last attach" },
	[OBJLIST_COL_DETACH] = { "DETACH", NULL, 0, false, 0, ASC(DETACH), "the last detach" },
	[OBJLIST_COL_COMMAND] = { "COMMAND", "COMMAND", 7, false, 0, ASC(COMMAND),
				  "the creator's command" },
	[OBJLIST_COL_CPID] = { "CPID", "CPID", 7, true, 0, ASC(CPID), "the creator's pid" },
	[OBJLIST_COL_LPID] = { "LPID", "LPID", 7, true, 0, ASC(LPID),
			       "the last attacher's or detacher's pid" },
	[OBJLIST_COL_MODE] = { "MODE", NULL, 0, false, 0, ASC(PERMS), "the permissions, octal" },
	[OBJLIST_COL_KIND] = { "KIND", "KIND", 8, false, 0, ASC(KIND),
			       "sysv, posix, sem, memfd, deleted, file, sysv-sem, sysv-msg or "
			       "mqueue" },
	[OBJLIST_COL_NAME] = { "NAME", NULL, 0, false, 0, ASC(NAME),
			       "the name of an object other than a SysV segment" },
	[OBJLIST_COL_RSS] = { "RSS", "RSS", 7, true, 'm', NUM(RSS), "bytes resident" },
	[OBJLIST_COL_SWAP] = { "SWAP", "SWAP", 7, true, 0, NUM(SWAP),
			       "bytes swapped out, of SysV segments" },
	[OBJLIST_COL_HOLDERS] = { "HOLDERS", NULL, 0, false, 0, NUM(HOLDERS),
				  "the processes that map or hold it" },
	[OBJLIST_COL_ORPHAN] = { "ORPHAN", NULL, 0, false, 0, NUM(ORPHAN),
				 "yes when nothing holds it" },
	[OBJLIST_COL_IPCNS] = { "IPCNS", NULL, 0, false, 0, ASC(IPCNS),
				"another IPC namespace's number" },
	[OBJLIST_COL_NSID] = { "NSID", NULL, 0, false, 0, ASC(SHMID),
			       "the shmid in another IPC namespace" },
	[OBJLIST_COL_COUNT] = { "COUNT", NULL, 0, false, 0, NUM(COUNT),
				"a record's first counter (--values)" },
	[OBJLIST_COL_STATE] = { "STATE", NULL, 0, false, 0, ASC(STATE),
				"a record's writer state (--values)" },
	[OBJLIST_COL_RESETS] = { "RESETS", NULL, 0, false, 0, NUM(RESETS),
				 "a record's resets (--values)" },
	[OBJLIST_COL_WRITER_PID] = { "WRITER_PID", NULL, 0, false, 0, ASC(WRITER_PID),
				     "a record's writer (--values)" },
	[OBJLIST_COL_WRITER_ALIVE] = { "WRITER_ALIVE", NULL, 0, false, 0, NUM(WRITER_ALIVE),
				       "whether that writer runs (--values)" },
	[OBJLIST_COL_FORMAT] = { "FORMAT", "FORMAT", 10, false, 0, ASC(FORMAT),
				 "what its bytes hold: shmtop, hsperfdata, mmv, ..." },
	[OBJLIST_COL_NSEMS] = { "NSEMS", NULL, 0, false, 0, NUM(NSEMS),
				"the semaphores of a SysV set" },
	[OBJLIST_COL_OTIME] = { "OTIME", NULL, 0, false, 0, ASC(OTIME),
				"a set's last semaphore operation" },
	[OBJLIST_COL_USEDBYTES] = { "USEDBYTES", NULL, 0, false, 0, NUM(SIZE),
				    "the bytes on a SysV message queue" },
	[OBJLIST_COL_MSGS] = { "MSGS", NULL, 0, false, 0, NUM(MSGS), "the messages on a queue" },
	[OBJLIST_COL_SEND] = { "SEND", NULL, 0, false, 0, ASC(SEND),
			       "a queue's last message sent" },
	[OBJLIST_COL_RECV] = { "RECV", NULL, 0, false, 0, ASC(RECV),
			       "a queue's last message received" },
	[OBJLIST_COL_LSPID] = { "LSPID", NULL, 0, false, 0, ASC(LSPID),
				"a queue's last sender's pid" },
	[OBJLIST_COL_LRPID] = { "LRPID", NULL, 0, false, 0, ASC(LRPID),
				"a queue's last receiver's pid" },
	[OBJLIST_COL_QSIZE] = { "QSIZE", NULL, 0, false, 0, NUM(SIZE),
				"the bytes on a POSIX message queue" },
	[OBJLIST_COL_WAITERS] = { "WAITERS", NULL, 0, false, 0, NUM(WAITERS),
				  "the processes blocked on it (semop, msgrcv, futex, ...)" },
};

int objlist_column_find(const char *name)
{
	for (int i = 0; i < OBJLIST_NCOLS; i++)
		if (strcasecmp(name, objlist_columns[i].name) == 0)
			return i;
	return -1;
}

bool objlist_sort_reverse(enum sysvipc_sort by)
{
	for (int i = 0; i < OBJLIST_NCOLS; i++)
		if (objlist_columns[i].sort == by)
			return objlist_columns[i].biggest_first;
	return false;
}

int objlist_sort_parse(const char *name, enum sysvipc_sort *by, bool *reverse)
{
	int c = objlist_column_find(name);
	if (c >= 0)
		*by = objlist_columns[c].sort;
	else {
		int k = 0;
		while (k < SYSVIPC_NSORTS &&
		       strcasecmp(name, sysvipc_sort_name((enum sysvipc_sort)k)))
			k++;
		if (k == SYSVIPC_NSORTS)
			return -1;
		*by = (enum sysvipc_sort)k;
	}
	*reverse = objlist_sort_reverse(*by);
	return 0;
}

char *objlist_sort_keys(char *buf, size_t len)
{
	size_t at = 0;
	const char *sep = "";
	buf[0] = '\0';
	for (int i = 0; i < OBJLIST_NCOLS; i++)
		if (objlist_columns[i].key) {
			format_append(buf, len, &at, "%s%s", sep,
				      sysvipc_sort_name(objlist_columns[i].sort));
			sep = ", ";
		}
	return buf;
}
