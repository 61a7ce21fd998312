/* SPDX-License-Identifier: MIT */
/*
 * The object list's columns, each once (as htop's Process_fields[]): its
 * name as lsipc names it (-o, --sort, the JSON keys in lower case), its
 * title and width on the screen, the key of the list that sorts by it, the
 * sort it asks for and that sort's first direction, and a description.
 * The screen (objlist_view.c), `shmtop -a -b` (objlist_table.c), --sort
 * (options.c) and the sort keys of the list are made from it; a test
 * checks the man page and the bash completion against it.
 */
#ifndef SHMTOP_OBJLIST_COLUMNS_H
#define SHMTOP_OBJLIST_COLUMNS_H

#include <stdbool.h>
#include <stddef.h>

#include "sysvipc.h"

/* lsipc's shared-memory columns in its order, then shmtop's, then lsipc's
 * semaphore and message queue columns. */
enum objlist_col {
	OBJLIST_COL_KEY,
	OBJLIST_COL_ID,
	OBJLIST_COL_OWNER,
	OBJLIST_COL_PERMS,
	OBJLIST_COL_CUID,
	OBJLIST_COL_CUSER,
	OBJLIST_COL_CGID,
	OBJLIST_COL_CGROUP,
	OBJLIST_COL_UID,
	OBJLIST_COL_USER,
	OBJLIST_COL_GID,
	OBJLIST_COL_GROUP,
	OBJLIST_COL_CTIME,
	OBJLIST_COL_SIZE,
	OBJLIST_COL_NATTCH,
	OBJLIST_COL_STATUS,
	OBJLIST_COL_ATTACH,
	OBJLIST_COL_DETACH,
	OBJLIST_COL_COMMAND,
	OBJLIST_COL_CPID,
	OBJLIST_COL_LPID,
	OBJLIST_COL_MODE,
	OBJLIST_COL_KIND,
	OBJLIST_COL_NAME,
	OBJLIST_COL_RSS,
	OBJLIST_COL_SWAP,
	OBJLIST_COL_HOLDERS,
	OBJLIST_COL_ORPHAN,
	OBJLIST_COL_IPCNS,
	OBJLIST_COL_NSID,
	OBJLIST_COL_COUNT,
	OBJLIST_COL_STATE,
	OBJLIST_COL_RESETS,
	OBJLIST_COL_WRITER_PID,
	OBJLIST_COL_WRITER_ALIVE,
	OBJLIST_COL_FORMAT,
	/* lsipc's semaphore columns, then its message queue columns */
	OBJLIST_COL_NSEMS,
	OBJLIST_COL_OTIME,
	OBJLIST_COL_USEDBYTES,
	OBJLIST_COL_MSGS,
	OBJLIST_COL_SEND,
	OBJLIST_COL_RECV,
	OBJLIST_COL_LSPID,
	OBJLIST_COL_LRPID,
	OBJLIST_COL_QSIZE, /* a POSIX message queue's bytes */
	/* shmtop's: who is blocked on it */
	OBJLIST_COL_WAITERS,
	OBJLIST_NCOLS
};

struct objlist_column {
	const char *name;       /* "KEY", "WRITER_PID": -o's and --sort's, in any case */
	const char *title;      /* the screen's header; NULL: not on the screen */
	int width;              /* the screen's cells (at least) */
	bool right;             /* right-aligned on the screen */
	char key;               /* the list's key that sorts by it ('s'), or 0 */
	enum sysvipc_sort sort; /* what sorting by it orders by */
	bool biggest_first;     /* that sort's first direction (reverse) */
	const char *help;       /* what it holds, one phrase */
};

extern const struct objlist_column objlist_columns[OBJLIST_NCOLS];

/* The column named name (any case), or -1. */
int objlist_column_find(const char *name);

/* The first direction of sort by: its first column's (biggest first for
 * size, resident bytes, nattch, holders ...). */
bool objlist_sort_reverse(enum sysvipc_sort by);

/* --sort's KEY: a sort's name (sysvipc_sort_name(): "size", "age",
 * "shmid") or a column's (any case: "ID", "ctime"), into *by and its first
 * direction into *reverse.  0, or -1. */
int objlist_sort_parse(const char *name, enum sysvipc_sort *by, bool *reverse);

/* The sorts the list's keys ask for, by name: "key, shmid, owner, age,
 * size, nattch, rss"; returns buf. */
char *objlist_sort_keys(char *buf, size_t len);

#endif
