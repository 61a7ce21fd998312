/* SPDX-License-Identifier: MIT */
/*
 * Every SysV shared memory segment on the host, from /proc/sysvipc/shm, which
 * lists them all to any user: no permission on the segments is needed.
 *
 * The file is a heading and one line a segment, whitespace-separated:
 *
 *        key      shmid perms       size  cpid  lpid nattch   uid   gid  cuid  cgid
 *             atime      dtime      ctime        rss       swap
 *       9527     393218   600      16640 20262 32521      0     0     0     0     0
 *        1795789874 1795789874 1795788709       4096          0
 *
 * The key is in signed decimal, perms in octal with SHM_DEST (01000) and
 * SHM_LOCKED (02000), rss and swap in bytes (kernels before 2.6.x lack them).
 * The heading names the columns, so a column the kernel adds later, wherever
 * it goes, is skipped; without a heading the order above is assumed.  A line
 * that does not parse completely is counted and skipped, never guessed at.
 *
 * /proc/sysvipc/sem (semaphore sets) and /proc/sysvipc/msg (message
 * queues) are read by the same parser, with their own columns:
 *
 *        key      semid perms      nsems   uid   gid  cuid  cgid      otime      ctime
 *        key      msqid perms      cbytes       qnum lspid lrpid   uid   gid  cuid  cgid
 *             stime      rtime      ctime
 *
 * Reading them needs no permission on the objects and changes none of
 * their times (otime, stime, rtime): no semop, msgrcv or msgsnd.
 *
 * Rows are fixed-size values in a caller's array: no allocation.  Sorting,
 * totals and the host limits (SHMMNI, SHMALL in pages, SHMMAX, as lsipc -g
 * shows them) work on those rows.
 */
#ifndef SHMTOP_SYSVIPC_H
#define SHMTOP_SYSVIPC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ipcstat.h"

#define SYSVIPC_SHM_PATH "/proc/sysvipc/shm"
#define SYSVIPC_SEM_PATH "/proc/sysvipc/sem"
#define SYSVIPC_MSG_PATH "/proc/sysvipc/msg"
#define SYSVIPC_LIMITS_DIR "/proc/sys/kernel"
#define SYSVIPC_LINE_MAX 1024 /* longer lines are garbage */

/* One segment as /proc/sysvipc/shm shows it. */
struct sysvipc_shm {
	struct ipcstat st; /* mode is perms & 0777; dest and locked from perms */
	unsigned perms;    /* the perms column whole, SHM_DEST and SHM_LOCKED included */
	uint64_t rss;      /* bytes resident; 0 when the kernel has no rss column */
	uint64_t swap;     /* bytes swapped out; likewise */
	bool have_mem;     /* the line had rss and swap */
	unsigned order;    /* scratch for sysvipc_sort() */
};

/* The columns this parser knows, in the kernel's order. */
enum sysvipc_col {
	SYSVIPC_COL_KEY,
	SYSVIPC_COL_SHMID,
	SYSVIPC_COL_PERMS,
	SYSVIPC_COL_SIZE,
	SYSVIPC_COL_CPID,
	SYSVIPC_COL_LPID,
	SYSVIPC_COL_NATTCH,
	SYSVIPC_COL_UID,
	SYSVIPC_COL_GID,
	SYSVIPC_COL_CUID,
	SYSVIPC_COL_CGID,
	SYSVIPC_COL_ATIME,
	SYSVIPC_COL_DTIME,
	SYSVIPC_COL_CTIME,
	SYSVIPC_COL_RSS,  /* optional */
	SYSVIPC_COL_SWAP, /* optional */
	SYSVIPC_NCOLS
};

/* Where each column is on a line: its token index, or -1. */
struct sysvipc_layout {
	int at[SYSVIPC_NCOLS];
	unsigned need; /* tokens a line must have: 1 + the largest index of key..ctime */
};

/* The two other files of /proc/sysvipc. */
enum sysvipc_ipc_file { SYSVIPC_SEM, SYSVIPC_MSG };

#define SYSVIPC_SEM_NCOLS 10 /* key .. ctime, all needed */
#define SYSVIPC_MSG_NCOLS 14

/* A semaphore set or a message queue, as /proc/sysvipc/sem or msg shows
 * it; the other file's fields are 0. */
struct sysvipc_ipc {
	enum sysvipc_ipc_file file;
	key_t key;
	int id;         /* semid or msqid */
	unsigned perms; /* the perms column whole */
	unsigned mode;  /* perms & 0777 */
	uid_t uid, cuid;
	gid_t gid, cgid;
	int64_t ctime;         /* the last change (IPC_SET, creation) */
	uint64_t nsems;        /* sem: semaphores in the set */
	int64_t otime;         /* sem: the last semop(), 0 if none */
	uint64_t cbytes, qnum; /* msg: bytes and messages on the queue */
	pid_t lspid, lrpid;    /* msg: the last sender and receiver, 0 if none */
	int64_t stime, rtime;  /* msg: the last send and receive, 0 if none */
};

/* Totals over a set of segments. */
struct sysvipc_totals {
	size_t segments;
	uint64_t bytes; /* sum of sizes */
	uint64_t rss, swap;
	uint64_t nattch; /* sum of attaches */
	size_t attached; /* segments with nattch > 0 */
	size_t dest, locked;
	uint64_t largest; /* the largest size */
	bool saturated;   /* a sum reached UINT64_MAX and stopped there: the sums are at
			   * least what they say (sizes are anyone's to choose) */
};

/* What a parse or read found. */
struct sysvipc_result {
	size_t n;                     /* rows stored */
	size_t total;                 /* segments found (more than n if truncated) */
	size_t skipped;               /* lines that were neither heading nor segment */
	bool truncated;               /* total > the caller's max */
	bool heading;                 /* a heading gave the layout */
	bool have_mem;                /* lines had rss and swap */
	struct sysvipc_totals totals; /* over all total segments, stored or not */
};

/* The kernel's layout, for text without a heading. */
void sysvipc_layout_default(struct sysvipc_layout *l);

/* Read a heading line into l.  Pure; 0, or -1 if line is not a heading
 * naming at least key to ctime (l is then unchanged). */
int sysvipc_parse_heading(const char *line, struct sysvipc_layout *l);

/* Parse one segment line laid out as l.  Pure; 0, or -1 (out unspecified)
 * if any needed field is missing, not a number or out of range. */
int sysvipc_parse_line(const char *line, const struct sysvipc_layout *l, struct sysvipc_shm *out);

/* Parse the whole text of the file (len bytes, need not be terminated) into
 * rows[0..max).  Pure; returns res->n. */
size_t sysvipc_parse(const char *text, size_t len, struct sysvipc_shm *rows, size_t max,
		     struct sysvipc_result *res);

/* Read path (NULL: SYSVIPC_SHM_PATH) into rows[0..max), as sysvipc_parse().
 * 0, or -1 with errno if the file cannot be read. */
int sysvipc_read(const char *path, struct sysvipc_shm *rows, size_t max,
		 struct sysvipc_result *res);

/* The kernel's layout of file f, for text without a heading. */
void sysvipc_ipc_layout_default(enum sysvipc_ipc_file f, struct sysvipc_layout *l);

/* Read a heading line of file f into l.  Pure; 0, or -1 if line is not a
 * heading naming every column of f (l is then unchanged). */
int sysvipc_ipc_parse_heading(enum sysvipc_ipc_file f, const char *line, struct sysvipc_layout *l);

/* Parse one line of file f laid out as l.  Pure; 0, or -1 (out
 * unspecified) if any field is missing, not a number or out of range. */
int sysvipc_ipc_parse_line(enum sysvipc_ipc_file f, const char *line,
			   const struct sysvipc_layout *l, struct sysvipc_ipc *out);

/* Parse the whole text of file f (len bytes) into rows[0..max), as
 * sysvipc_parse(); res->totals counts the objects in segments and sums
 * the queues' cbytes in bytes (its other fields are 0).  Pure; returns
 * res->n. */
size_t sysvipc_ipc_parse(enum sysvipc_ipc_file f, const char *text, size_t len,
			 struct sysvipc_ipc *rows, size_t max, struct sysvipc_result *res);

/* Read path (NULL: SYSVIPC_SEM_PATH or SYSVIPC_MSG_PATH) as
 * sysvipc_ipc_parse().  0, or -1 with errno if the file cannot be read. */
int sysvipc_ipc_read(enum sysvipc_ipc_file f, const char *path, struct sysvipc_ipc *rows,
		     size_t max, struct sysvipc_result *res);

/* Find the set or queue id in path (NULL: file f's), as sysvipc_find(). */
int sysvipc_ipc_find(enum sysvipc_ipc_file f, const char *path, int id, struct sysvipc_ipc *out);

/* Find shmid in path (NULL: SYSVIPC_SHM_PATH).  1 found, 0 not there, -1
 * with errno if the file cannot be read. */
int sysvipc_find(const char *path, int shmid, struct sysvipc_shm *out);

enum sysvipc_sort {
	SYSVIPC_SORT_SIZE,   /* smallest first */
	SYSVIPC_SORT_NATTCH, /* fewest attaches first */
	SYSVIPC_SORT_AGE,    /* youngest first: ctime descending */
	SYSVIPC_SORT_OWNER,  /* uid ascending */
	SYSVIPC_SORT_KEY,    /* key as ipcs prints it (0x%08x) ascending */
	SYSVIPC_SORT_SHMID,  /* shmid ascending */
	SYSVIPC_SORT_RSS,    /* fewest resident bytes first */
	/* The keys of the object list's other columns (objlist_columns.h),
	 * ascending: numbers, then names as strcmp() orders them. */
	SYSVIPC_SORT_PERMS,  /* permission bits */
	SYSVIPC_SORT_CUID,   /* the creator's uid */
	SYSVIPC_SORT_CGID,   /* the creator's gid */
	SYSVIPC_SORT_GID,    /* gid */
	SYSVIPC_SORT_STATUS, /* neither, locked, dest, both */
	SYSVIPC_SORT_ATTACH, /* atime, oldest first */
	SYSVIPC_SORT_DETACH, /* dtime, oldest first */
	SYSVIPC_SORT_CPID,
	SYSVIPC_SORT_LPID,
	SYSVIPC_SORT_SWAP, /* bytes swapped out */
	/* Keys of the object list only (objlist_sort()): sysvipc_compare()
	 * finds every segment equal on them. */
	SYSVIPC_SORT_COMMAND,
	SYSVIPC_SORT_KIND,
	SYSVIPC_SORT_NAME,
	SYSVIPC_SORT_HOLDERS,
	SYSVIPC_SORT_ORPHAN,
	SYSVIPC_SORT_IPCNS,
	SYSVIPC_SORT_COUNT, /* records' fields: objects without a record first */
	SYSVIPC_SORT_STATE,
	SYSVIPC_SORT_RESETS,
	SYSVIPC_SORT_WRITER_PID,
	SYSVIPC_SORT_WRITER_ALIVE,
	SYSVIPC_SORT_FORMAT, /* by name, objects not looked at first */
	/* Semaphore sets' and message queues' fields (objects of other
	 * kinds have 0) */
	SYSVIPC_SORT_NSEMS,
	SYSVIPC_SORT_OTIME,
	SYSVIPC_SORT_MSGS,
	SYSVIPC_SORT_SEND,
	SYSVIPC_SORT_RECV,
	SYSVIPC_SORT_LSPID,
	SYSVIPC_SORT_LRPID,
	SYSVIPC_SORT_WAITERS, /* the processes blocked on it (objlist_wait.h) */
	SYSVIPC_NSORTS
};

/* Sort rows in place, stably (equal rows keep their order), ascending as
 * above, or descending with reverse (equal rows still keep their order).
 * A top-like view sorts size and nattch reversed: biggest first. */
void sysvipc_sort(struct sysvipc_shm *rows, size_t n, enum sysvipc_sort by, bool reverse);

/* Compare two rows by key by (negated with reverse): <0, 0, >0.  Equal rows
 * compare 0; sysvipc_sort() then keeps their order. */
int sysvipc_compare(const struct sysvipc_shm *a, const struct sysvipc_shm *b, enum sysvipc_sort by,
		    bool reverse);

/* The sort key's name for a footer ("size", "nattch", "age", "owner", "key",
 * "shmid", "rss"; the other keys by their column's name in lower case:
 * "perms", "writer_pid"), or "?". */
const char *sysvipc_sort_name(enum sysvipc_sort by);

/* The sort key named name (as sysvipc_sort_name()); 0, or -1. */
int sysvipc_sort_parse(const char *name, enum sysvipc_sort *by);

/* Totals over rows[0..n).  Pure. */
void sysvipc_totals(const struct sysvipc_shm *rows, size_t n, struct sysvipc_totals *t);

/* Add v to the sum *to, which stops at UINT64_MAX (and sets *saturated)
 * rather than wrap. */
static inline void sysvipc_sum(uint64_t *to, uint64_t v, bool *saturated)
{
	if (__builtin_add_overflow(*to, v, to)) {
		*to = UINT64_MAX;
		*saturated = true;
	}
}

/* The kernel's limits: /proc/sys/kernel/shmmni, shmall (pages), shmmax. */
struct sysvipc_limits {
	uint64_t shmmni, shmall, shmmax;
	bool have_shmmni, have_shmall, have_shmmax;
};

/* Parse the text of one limits file (a decimal number and a newline).
 * Pure; 0, or -1. */
int sysvipc_parse_limit(const char *text, uint64_t *out);

/* Read the three limits from dir (NULL: SYSVIPC_LIMITS_DIR).  0 if all were
 * read, -1 if any was not (the have_ flags say which). */
int sysvipc_read_limits(const char *dir, struct sysvipc_limits *l);

enum sysvipc_limit { SYSVIPC_SHMMNI, SYSVIPC_SHMALL, SYSVIPC_SHMMAX, SYSVIPC_NLIMITS };

/* One row of lsipc -g's shared memory part. */
struct sysvipc_limit_row {
	const char *resource;    /* "SHMMNI", "SHMALL", "SHMMAX" */
	const char *description; /* lsipc's */
	bool have_limit;
	uint64_t limit;
	bool has_usage; /* SHMMAX has none: lsipc prints "-" */
	uint64_t used;  /* segments; pages (total bytes / page size, as lsipc) */
	double use_pct; /* used / limit * 100; 0 for a zero limit */
};

/* The rows lsipc -g shows for totals t and limits l.  Pure. */
void sysvipc_limit_rows(const struct sysvipc_totals *t, const struct sysvipc_limits *l,
			uint64_t page_size, struct sysvipc_limit_row rows[SYSVIPC_NLIMITS]);

/* A use percentage as lsipc prints it: "0.10%". */
char *sysvipc_format_pct(double pct, char *buf, size_t len);

#endif
