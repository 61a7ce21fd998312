/* SPDX-License-Identifier: MIT */
/*
 * The object list of every shared memory object.  Collecting reads
 * /proc/sysvipc/shm, then per segment the owner's name (looked up once:
 * names.h keeps it), the creator's command (only if CPID still names the
 * process that created the segment: one started after the segment's ctime
 * is a reused pid) and, when asked, a shmwriter record's figures.
 */
#include "objlist.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "escape.h"
#include "names.h"
#include "objlist_files.h"
#include "objlist_mqueue.h"
#include "objlist_wait.h"
#include "pairs.h"
#include "proc.h"
#include "reader.h"

union semun { /* the caller defines it (semctl(2)) */
	int val;
	struct semid_ds *buf;
	unsigned short *array;
};

static const char *const kind_names[OBJLIST_NKINDS] = {
	[OBJLIST_SYSV] = "sysv",         [OBJLIST_POSIX] = "posix",
	[OBJLIST_SEM] = "sem",           [OBJLIST_MEMFD] = "memfd",
	[OBJLIST_DELETED] = "deleted",   [OBJLIST_FILE] = "file",
	[OBJLIST_SYSV_SEM] = "sysv-sem", [OBJLIST_SYSV_MSG] = "sysv-msg",
	[OBJLIST_MQUEUE] = "mqueue",
};

const char *objlist_kind_name(enum objlist_kind k)
{
	return (unsigned)k < OBJLIST_NKINDS ? kind_names[k] : "?";
}

int objlist_kinds_parse(const char *list, unsigned *kinds, char *why, size_t whylen)
{
	unsigned set = 0;
	const char *p = list;
	for (;;) {
		size_t n = strcspn(p, ",");
		int k = 0;
		while (k < OBJLIST_NKINDS &&
		       !(strlen(kind_names[k]) == n && strncasecmp(p, kind_names[k], n) == 0))
			k++;
		if (k == OBJLIST_NKINDS) {
			char word[32], shown[4 * sizeof word];
			snprintf(word, sizeof word, "%.*s", n < 24 ? (int)n : 24, p);
			snprintf(why, whylen,
				 "invalid kind '%s'%s: expected a comma list of sysv, posix, sem, "
				 "memfd, deleted, file, sysv-sem, sysv-msg, mqueue",
				 escape_str(word, shown, sizeof shown), n > 24 ? "..." : "");
			return -1;
		}
		set |= 1u << k;
		if (!p[n])
			break;
		p += n + 1;
	}
	*kinds = set;
	return 0;
}

bool objlist_kind_in(const struct objlist_row *r, unsigned kinds)
{
	return !kinds || (kinds & (1u << r->kind));
}

const char *objlist_place_why(enum objlist_place p)
{
	switch (p) {
	case OBJLIST_IN_DEVSHM: break;
	case OBJLIST_OTHER_MNTNS: return "it is seen in another mount namespace";
	case OBJLIST_SUBFOLDER: return "it is below a sub-folder of /dev/shm";
	case OBJLIST_OTHER_DEVICE: return "it is on another device than /dev/shm";
	case OBJLIST_NOT_LISTED: return "it is not in /dev/shm";
	}
	return NULL;
}

/* The creator's command, if cpid is still the process that made it. */
static void creator_command(const struct ipcstat *st, int64_t btime, char *buf, size_t len)
{
	char state;
	uint64_t start;
	buf[0] = '\0';
	if (st->cpid <= 0 || proc_stat(st->cpid, &state, &start))
		return;
	long hz = sysconf(_SC_CLK_TCK);
	if (btime >= 0 && hz > 0 && btime + (int64_t)(start / (uint64_t)hz) > st->ctime)
		return; /* started after the segment last changed: not its creator */
	if (proc_comm(st->cpid, buf, len))
		buf[0] = '\0';
}

/* Read the record of a segment, if it holds one: shmwriter's (version 3,
 * its first counter as the count; or version 2, of shmtop 0.3 and older) or
 * any libshmtop publisher's, its retries drawn on the pass's budget; and
 * with format_of, its format.  Only --values attaches. */
static void read_record(struct objlist_row *r, struct record_budget *budget,
			const char *(*format_of)(const unsigned char *, size_t, uint64_t))
{
	const struct ipcstat *st = &r->shm.st;
	r->is_record = false;
	bool record = st->size >= sizeof(struct shmtop_record3);
	if (!record && !(format_of && st->size > 0))
		return;
	void *p = shmat(st->shmid, NULL, SHM_RDONLY);
	if (p == (void *)-1) {
		r->format = format_of ? "?" : NULL;
		return;
	}
	if (format_of) { /* a segment keeps its size: no byte of it goes away */
		unsigned char head[OBJLIST_HEAD];
		size_t n = st->size < sizeof head ? (size_t)st->size : sizeof head;
		memcpy(head, p, n);
		r->format = format_of(head, n, st->size);
	}
	if (!record) {
		shmdt(p);
		return;
	}
	char why[160];
	enum shmtop_read_status rs = SHMTOP_READ_INVALID;
	if (st->size == sizeof(struct shmtop_record))
		rs = record_read_within(p, (size_t)st->size, &r->snap, budget, why, sizeof why);
	if (rs != SHMTOP_READ_OK)
		rs = reader_snapshot(p, (size_t)st->size, &r->snap, budget, why, sizeof why);
	if (rs == SHMTOP_READ_OK) {
		r->is_record = true;
		r->writer_alive = proc_alive(r->snap.writer_pid, r->snap.writer_start) != 0;
	}
	shmdt(p);
}

/* The fields every kind has, from a SysV segment. */
static void sysv_row(struct objlist_row *r, const struct sysvipc_shm *shm)
{
	memset(r, 0, sizeof *r);
	r->kind = OBJLIST_SYSV;
	r->shm = *shm;
	r->ino = (uint64_t)shm->st.shmid;
	r->size = shm->st.size;
	r->resident = shm->rss;
	r->swap = shm->swap;
	r->have_resident = shm->have_mem;
	r->uid = shm->st.uid;
	r->gid = shm->st.gid;
	r->mode = shm->st.mode;
	r->mtime = shm->st.ctime;
}

void objlist_add_total(struct objlist_totals *t, uint64_t size, uint64_t resident, bool *saturated)
{
	t->objects++;
	sysvipc_sum(&t->bytes, size, saturated);
	sysvipc_sum(&t->resident, resident, saturated);
}

/* A process as the orphan test sees it: gone (or a zombie), or its start
 * in seconds since the epoch.  One collect asks about each creator once,
 * however many segments it made. */
struct creator {
	pid_t pid; /* 0: an empty slot */
	bool gone;
	int64_t start; /* -1: unknown (hidden by /proc, or no boot time) */
};

#define CREATORS 64 /* direct-mapped by pid */

/* Is pid gone as the process that did something at since (seconds since
 * the epoch): no such process, a zombie, or one started after since (a
 * reused pid)?  Unknown (hidden by /proc) is not gone. */
static bool pid_gone(struct creator *cache, pid_t pid, int64_t since, int64_t btime)
{
	if (pid <= 0)
		return true;
	struct creator *c = &cache[(unsigned)pid % CREATORS];
	if (c->pid != pid) {
		char state;
		uint64_t start;
		static long hz;
		if (!hz)
			hz = sysconf(_SC_CLK_TCK);
		*c = (struct creator){ .pid = pid, .start = -1 };
		if (proc_stat(pid, &state, &start))
			c->gone = kill(pid, 0) != 0 && errno == ESRCH;
		else if (state == 'Z' || state == 'X')
			c->gone = true;
		else if (btime >= 0 && hz > 0)
			c->start = btime + (int64_t)(start / (uint64_t)hz);
	}
	return c->gone || (c->start >= 0 && c->start > since);
}

/* Is the creator of segment st gone (pid_gone() of its cpid at its
 * ctime)? */
static bool creator_gone(struct creator *cache, const struct ipcstat *st, int64_t btime)
{
	return pid_gone(cache, st->cpid, st->ctime, btime);
}

bool objlist_scan_partial(const struct objlist *s)
{
	return s->scanned && s->scan_hidden && geteuid() != 0;
}

static bool orphan(const struct objlist *s, struct creator *cache, const struct objlist_row *r,
		   int64_t btime, bool partial)
{
	switch (r->kind) {
	case OBJLIST_SYSV:
		return r->shm.st.nattch == 0 && !r->shm.st.dest &&
		       creator_gone(cache, &r->shm.st, btime);
	case OBJLIST_POSIX:
	case OBJLIST_SEM:
	case OBJLIST_FILE:
	case OBJLIST_MQUEUE: /* a queue nobody holds open: with messages on it, a leak */
		return s->scanned && !s->scan_dropped && r->nholders == 0 && !partial;
	case OBJLIST_SYSV_SEM:
	case OBJLIST_SYSV_MSG: /* ipc_orphan() */
	case OBJLIST_MEMFD:
	case OBJLIST_DELETED:
	case OBJLIST_NKINDS: break;
	}
	return false;
}

/* Is the set r a writer's lock (writerlock.h: one semaphore on a segment's
 * key, mode 0600) whose segment is gone, and not held (value 0: a writer
 * raised it with SEM_UNDO, so the kernel lowered it when the writer died)?
 * Known only with every segment listed, and read permission on the set
 * (GETVAL, which changes no time of it): unknown is no. */
static bool lock_orphan(const struct objlist *s, const struct objlist_row *r)
{
	const struct sysvipc_ipc *q = &r->ipc;
	if (q->nsems != 1 || q->key == 0 || q->mode != 0600 || s->truncated || s->res.truncated)
		return false;
	for (size_t i = 0; i < s->n; i++)
		if (s->rows[i].kind == OBJLIST_SYSV && !s->rows[i].ipcns &&
		    s->rows[i].shm.st.key == q->key)
			return false;
	return semctl(q->id, 0, GETVAL) == 0;
}

/* The order of the scan's pairs: sysv first, then by device, inode and
 * pid, so that an object's holders are together, pid ascending. */
static int seen_key(const struct objlist_seen *a, bool sysv, uint64_t dev, uint64_t ino)
{
	bool as = a->kind == OBJLIST_SYSV;
	if (as != sysv)
		return as ? -1 : 1;
	if (a->dev != dev)
		return a->dev < dev ? -1 : 1;
	return (a->ino > ino) - (a->ino < ino);
}

int objlist_seen_compare(const void *pa, const void *pb)
{
	const struct objlist_seen *a = pa, *b = pb;
	int c = seen_key(a, b->kind == OBJLIST_SYSV, b->dev, b->ino);
	return c ? c : (a->h.pid > b->h.pid) - (a->h.pid < b->h.pid);
}

/* The first pair of object (sysv, dev, ino) in the sorted scan, and how
 * many there are. */
static size_t seen_find(const struct objlist *s, bool sysv, uint64_t dev, uint64_t ino,
			size_t *count)
{
	size_t lo = 0, hi = s->nseen;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (seen_key(&s->seen[mid], sysv, dev, ino) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	size_t end = lo;
	while (end < s->nseen && seen_key(&s->seen[end], sysv, dev, ino) == 0)
		end++;
	*count = end - lo;
	return lo;
}

/* What one collect is building. */
struct build {
	struct objlist *s;
	unsigned flags;
	int64_t btime;
	bool *used;            /* the scan's pairs joined to a row so far */
	size_t maxhold;        /* room in s->holders */
	bool failed;           /* out of memory */
	bool partial;          /* objlist_scan_partial(), asked once a collect (a system call) */
	const char *root;      /* s->files_root, or "" */
	char mmv[4096];        /* PCP's MMV folder (objlist_files_mmv_dir()) */
	size_t named0, named1; /* the rows of files_path: rows[named0 .. named1) */
	bool naming;           /* adding files_path's rows */
	struct creator creators[CREATORS];
	int uids_read; /* alive_uids: 0 not read yet, 1 read, -1 unknown */
	uid_t *uids;   /* the owners of every process, sorted (uid_alive()) */
	size_t nuids;
};

static int cmp_uid(const void *pa, const void *pb)
{
	uid_t a = *(const uid_t *)pa, b = *(const uid_t *)pb;
	return (a > b) - (a < b);
}

/* Does a process of uid run (a zombie counts)?  1, 0, or -1 unknown: as
 * a user other than root /proc may hide other users' processes (hidepid),
 * so only root's answer is taken.  /proc is read once a collect, and only
 * if a never-used set or queue asks. */
static int uid_alive(struct build *b, uid_t uid)
{
	if (!b->uids_read) {
		b->uids_read = -1;
		const char *dir = b->s->proc_dir ? b->s->proc_dir : "/proc";
		DIR *d = geteuid() == 0 ? opendir(dir) : NULL;
		size_t max = 0;
		struct dirent *e;
		while (d && (e = readdir(d))) {
			struct stat st;
			if (e->d_name[0] < '1' || e->d_name[0] > '9' ||
			    fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW))
				continue;
			if (b->nuids == max) {
				max = max ? 2 * max : 256;
				uid_t *u = realloc(b->uids, max * sizeof *u);
				if (!u) {
					b->nuids = 0;
					closedir(d);
					d = NULL;
					break;
				}
				b->uids = u;
			}
			b->uids[b->nuids++] = st.st_uid;
		}
		if (d) {
			closedir(d);
			qsort(b->uids, b->nuids, sizeof *b->uids, cmp_uid);
			b->uids_read = 1;
		}
	}
	if (b->uids_read < 0)
		return -1;
	return bsearch(&uid, b->uids, b->nuids, sizeof uid, cmp_uid) != NULL;
}

#define IPC_SEMS_JUDGED 32 /* a bigger set is not judged (3 calls a semaphore) */

/* Is the set or queue r an orphan: nothing has it in use?  A writer's
 * lock whose segment is gone is one (lock_orphan).  Otherwise every one
 * of these (objlist.h, OBJLIST_ORPHANS, says it for users):
 * - no process waits on it: a set's every semaphore has ncount and zcount
 *   0 (GETNCNT, GETZCNT); a queue's waiters are known only from a scan
 *   that read every process; and no waiter is in the row's waiters;
 * - every process that last used it is gone (pid_gone()): a set's each
 *   semaphore's sempid (GETPID) at the set's otime or ctime, whichever is
 *   later (SETVAL moves ctime and sempid); a queue's LSPID at its stime
 *   and LRPID at its rtime;
 * - one never used (otime 0; stime and rtime 0) was made by a process
 *   nobody can name (a set or queue has no creator's pid): it is an orphan
 *   only when no process of its creator's user (cuid) runs, for a program
 *   that made a set and has not used it yet is its usual state;
 * - a set on the key of a listed segment goes with its segment (a
 *   writer's lock still of use), and is not judged alone.
 * Unknown is never an orphan: no read permission on a set, a set of more
 * than IPC_SEMS_JUDGED semaphores, one that changed since /proc listed it,
 * a partial scan.  The calls on a set (IPC_STAT, GETNCNT, GETZCNT,
 * GETPID) change none of its times. */
static bool ipc_orphan(struct build *b, const struct objlist_row *r)
{
	const struct objlist *s = b->s;
	const struct sysvipc_ipc *q = &r->ipc;
	if (r->lock_orphan)
		return true;
	if (objlist_wait_claimed(s, r))
		return false;
	int64_t last;
	if (r->kind == OBJLIST_SYSV_MSG) {
		if (!s->scanned || s->scan_dropped || b->partial)
			return false;
		if (!pid_gone(b->creators, q->lspid, q->stime, b->btime) ||
		    !pid_gone(b->creators, q->lrpid, q->rtime, b->btime))
			return false;
		return q->stime || q->rtime || uid_alive(b, q->cuid) == 0;
	}
	if (q->nsems == 0 || q->nsems > IPC_SEMS_JUDGED || (q->key && s->res.truncated))
		return false;
	for (size_t i = 0; q->key && i < s->n; i++)
		if (s->rows[i].kind == OBJLIST_SYSV && !s->rows[i].ipcns &&
		    s->rows[i].shm.st.key == q->key)
			return false;
	struct semid_ds ds;
	if (semctl(q->id, 0, IPC_STAT, (union semun){ .buf = &ds }) ||
	    ds.sem_perm.__key != q->key || (int64_t)ds.sem_ctime != q->ctime ||
	    ds.sem_nsems != q->nsems)
		return false;
	last = q->otime > q->ctime ? q->otime : q->ctime;
	for (int i = 0; i < (int)q->nsems; i++) {
		if (semctl(q->id, i, GETNCNT) != 0 || semctl(q->id, i, GETZCNT) != 0)
			return false;
		int pid = semctl(q->id, i, GETPID);
		if (pid < 0 || !pid_gone(b->creators, pid, last, b->btime))
			return false;
	}
	return q->otime || uid_alive(b, q->cuid) == 0;
}

/* Give r the holders seen[at .. at + count), and mark them used. */
static void join(struct build *b, struct objlist_row *r, size_t at, size_t count)
{
	struct objlist *s = b->s;
	r->holder0 = s->nholders;
	r->nholders = 0;
	if (s->nholders + count > b->maxhold) {
		size_t max = b->maxhold ? 2 * b->maxhold : 64;
		while (max < s->nholders + count)
			max *= 2;
		struct objlist_holder *h = realloc(s->holders, max * sizeof *h);
		if (!h) {
			b->failed = true;
			return;
		}
		s->holders = h;
		b->maxhold = max;
	}
	for (size_t i = at; i < at + count; i++) {
		s->holders[s->nholders++] = s->seen[i].h;
		b->used[i] = true;
	}
	r->nholders = count;
}

/* With s->grow: room for want rows (doubling); false if out of memory. */
static bool grow_rows(struct objlist *s, size_t want)
{
	if (want <= s->max)
		return true;
	size_t max = s->max ? s->max : 64;
	while (max < want && max <= SIZE_MAX / 2 / sizeof *s->rows)
		max *= 2;
	struct objlist_row *rows = max >= want ? realloc(s->rows, max * sizeof *rows) : NULL;
	if (!rows)
		return false;
	s->rows = rows;
	s->max = max;
	return true;
}

/* Count r in the totals and store it if there is room (made with s->grow). */
static void add(struct build *b, struct objlist_row *r)
{
	struct objlist *s = b->s;
	if (s->grow && s->n == s->max && !grow_rows(s, s->n + 1))
		b->failed = true;
	r->orphan = b->flags & OBJLIST_ORPHANS &&
		    (objlist_kind_ipc(r->kind) ? ipc_orphan(b, r)
					       : orphan(s, b->creators, r, b->btime, b->partial));
	r->holders_unknown =
	    b->partial && r->nholders == 0 &&
	    (r->kind == OBJLIST_POSIX || r->kind == OBJLIST_SEM || r->kind == OBJLIST_FILE ||
	     r->kind == OBJLIST_MQUEUE || (r->kind == OBJLIST_SYSV && r->shm.st.nattch > 0));
	/* ours come whole from sysvipc_read() and sysvipc_ipc_read() */
	if ((r->kind != OBJLIST_SYSV || r->ipcns) && !objlist_kind_ipc(r->kind))
		objlist_add_total(&s->kinds[r->kind], r->size, r->resident, &s->saturated);
	if (r->orphan)
		objlist_add_total(&s->orphans, r->size, r->resident, &s->saturated);
	s->total++;
	if (s->n < s->max)
		s->rows[s->n++] = *r;
	else {
		s->truncated = true;
		s->nholders = r->holder0; /* its holders are not kept */
	}
}

/* The format of the regular file dev/ino named name in the folder open on
 * dfd, from its first bytes: "?" if they cannot be read. */
static const char *format_at(const struct objlist *s, int dfd, const char *name,
			     const struct objlist_row *r)
{
	struct stat st;
	unsigned char head[OBJLIST_HEAD];
	int fd = dfd >= 0 ? objlist_files_open_at(dfd, name, r->dev, r->ino, &st) : -1;
	if (fd < 0)
		return "?";
	ssize_t n = pread(fd, head, sizeof head, 0);
	close(fd);
	return n < 0 ? "?" : s->format_of(head, (size_t)n, (uint64_t)st.st_size);
}

/* With OBJLIST_FORMATS, r's format: a posix object's in the folder open on
 * devshm, a file's in its folder (opened afresh, each component
 * O_NOFOLLOW: its folders are other users'). */
static void take_format(const struct build *b, struct objlist_row *r, int devshm)
{
	if (!(b->flags & OBJLIST_FORMATS) || !b->s->format_of)
		return;
	if (r->kind == OBJLIST_POSIX) {
		r->format = format_at(b->s, devshm, r->name, r);
		return;
	}
	if (r->kind != OBJLIST_FILE || r->folder)
		return;
	const char *name;
	int dfd = objlist_files_open_parent(r->name, &name);
	r->format = format_at(b->s, dfd, name, r);
	if (dfd >= 0)
		close(dfd);
}

static void set_owner(const struct build *b, struct objlist_row *r)
{
	if (b->flags & OBJLIST_NAMES)
		names_user(r->uid, r->owner, sizeof r->owner);
	else
		snprintf(r->owner, sizeof r->owner, "%u", (unsigned)r->uid);
}

/* The SysV part: /proc/sysvipc/shm. */
static int collect_sysv(struct build *b)
{
	struct objlist *s = b->s;
	size_t cap = s->max ? s->max : 1;
	struct sysvipc_shm *tmp = NULL;
	for (int tries = 0;; tries++) { /* with s->grow, read again with room for all */
		struct sysvipc_shm *t = realloc(tmp, cap * sizeof *tmp);
		if (!t) {
			free(tmp);
			return -1;
		}
		tmp = t;
		if (sysvipc_read(s->sysvipc_path, tmp, cap, &s->res)) {
			int e = errno;
			free(tmp);
			errno = e;
			return -1;
		}
		if (!s->grow || !s->res.truncated || tries == 3 ||
		    s->res.total > SIZE_MAX / 2 / sizeof *tmp)
			break;
		cap = s->res.total + s->res.total / 4 + 16;
	}
	const struct sysvipc_totals *t = &s->res.totals;
	s->kinds[OBJLIST_SYSV] = (struct objlist_totals){ t->segments, t->bytes, t->rss };
	s->saturated |= t->saturated;
	for (size_t i = 0; i < s->res.n; i++) {
		struct objlist_row r;
		sysv_row(&r, &tmp[i]);
		set_owner(b, &r);
		if (b->flags & OBJLIST_RECORDS)
			read_record(&r, &s->budget,
				    b->flags & OBJLIST_FORMATS ? s->format_of : NULL);
		size_t count, at = seen_find(s, true, s->own_ipcns, r.ino, &count);
		join(b, &r, at, count);
		add(b, &r);
	}
	s->total += s->res.total - s->res.n;
	s->truncated |= s->res.truncated;
	free(tmp);
	if (b->flags & OBJLIST_COMMAND)
		objlist_commands(s, 0, s->n);
	return 0;
}

/* The semaphore sets (kind sysv-sem) or the message queues (sysv-msg). */
static void collect_ipc(struct build *b, enum objlist_kind kind)
{
	struct objlist *s = b->s;
	enum sysvipc_ipc_file f = kind == OBJLIST_SYSV_SEM ? SYSVIPC_SEM : SYSVIPC_MSG;
	size_t cap = s->max ? s->max : 1;
	struct sysvipc_ipc *tmp = NULL;
	struct sysvipc_result res;
	for (int tries = 0;; tries++) { /* with s->grow, read again with room for all */
		struct sysvipc_ipc *t = realloc(tmp, cap * sizeof *tmp);
		if (!t) {
			free(tmp);
			b->failed = true;
			return;
		}
		tmp = t;
		if (sysvipc_ipc_read(f, f == SYSVIPC_SEM ? s->sysvsem_path : s->sysvmsg_path, tmp,
				     cap, &res)) {
			free(tmp); /* a kernel without them: none */
			return;
		}
		if (!s->grow || !res.truncated || tries == 3 ||
		    res.total > SIZE_MAX / 2 / sizeof *tmp)
			break;
		cap = res.total + res.total / 4 + 16;
	}
	s->kinds[kind] = (struct objlist_totals){ res.totals.segments, res.totals.bytes, 0 };
	s->saturated |= res.totals.saturated;
	for (size_t i = 0; i < res.n; i++) {
		struct objlist_row r;
		memset(&r, 0, sizeof r);
		r.kind = kind;
		r.ipc = tmp[i];
		r.ino = (uint64_t)tmp[i].id;
		r.size = tmp[i].cbytes;
		r.uid = tmp[i].uid;
		r.gid = tmp[i].gid;
		r.mode = tmp[i].mode;
		r.mtime = tmp[i].ctime;
		r.command_read = true; /* a set or a queue has no creator's pid */
		r.lock_orphan =
		    kind == OBJLIST_SYSV_SEM && b->flags & OBJLIST_ORPHANS && lock_orphan(s, &r);
		set_owner(b, &r);
		add(b, &r);
	}
	size_t left = res.total - res.n; /* past the caller's max: counted, not kept */
	s->total += left;
	s->truncated |= res.truncated;
	free(tmp);
}

static void stat_row(struct objlist_row *r, const struct stat *st)
{
	r->dev = (uint64_t)st->st_dev;
	r->ino = (uint64_t)st->st_ino;
	r->size = (uint64_t)st->st_size;
	r->resident = (uint64_t)st->st_blocks * 512;
	r->have_resident = true;
	r->uid = st->st_uid;
	r->gid = st->st_gid;
	r->mode = st->st_mode & 0777;
	r->mtime = st->st_mtim.tv_sec;
}

/* The POSIX objects and semaphores: the regular files of /dev/shm. */
static void collect_devshm(struct build *b)
{
	struct objlist *s = b->s;
	const char *dir = s->devshm_dir ? s->devshm_dir : OBJLIST_DEVSHM_DIR;
	struct statvfs vfs;
	s->have_devshm = statvfs(dir, &vfs) == 0;
	if (s->have_devshm) {
		s->devshm_size = (uint64_t)vfs.f_blocks * vfs.f_frsize;
		s->devshm_used = (uint64_t)(vfs.f_blocks - vfs.f_bfree) * vfs.f_frsize;
	}
	DIR *d = opendir(dir);
	struct stat dst;
	if (!d)
		return;
	if (fstat(dirfd(d), &dst)) {
		closedir(d);
		return;
	}
	struct dirent *de;
	while ((de = readdir(d))) {
		struct stat st;
		if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) || !S_ISREG(st.st_mode))
			continue;
		struct objlist_row r;
		memset(&r, 0, sizeof r);
		r.kind = strncmp(de->d_name, "sem.", 4) == 0 ? OBJLIST_SEM : OBJLIST_POSIX;
		r.place = st.st_dev == dst.st_dev ? OBJLIST_IN_DEVSHM : OBJLIST_OTHER_DEVICE;
		snprintf(r.name, sizeof r.name, "%s", de->d_name);
		stat_row(&r, &st);
		set_owner(b, &r);
		take_format(b, &r, dirfd(d));
		size_t count, at = seen_find(s, false, r.dev, r.ino, &count);
		join(b, &r, at, count);
		add(b, &r);
	}
	closedir(d);
}

/* The POSIX message queues: the regular files of the viewer's mqueue
 * mount, on its device.  A queue's text is read (QSIZE) as
 * objlist_files_open_at() opens a file (O_PATH lookup without following,
 * fstat, reopen): that sets its atime and ctime, not its mtime. */
static void collect_mqueue(struct build *b)
{
	struct objlist *s = b->s;
	struct objlist_mqueue_mount m;
	bool ours = false;
	int dfd = objlist_mqueue_open(s->mountinfo_path, &m, &ours);
	s->have_mqueue = dfd >= 0;
	s->mqueue_proven = ours;
	s->mqueue_dir[0] = '\0';
	s->mqueue_dev = 0;
	if (dfd < 0)
		return;
	snprintf(s->mqueue_dir, sizeof s->mqueue_dir, "%s", m.dir);
	s->mqueue_dev = m.dev;
	int fd = dup(dfd);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	if (!d) {
		if (fd >= 0)
			close(fd);
		close(dfd);
		return;
	}
	rewinddir(d); /* the descriptor's offset is shared with dfd's */
	struct dirent *de;
	while ((de = readdir(d))) {
		struct stat st, qt;
		if (de->d_name[0] == '.' || fstatat(dfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) ||
		    !S_ISREG(st.st_mode) || (uint64_t)st.st_dev != m.dev)
			continue;
		struct objlist_row r;
		memset(&r, 0, sizeof r);
		r.kind = OBJLIST_MQUEUE;
		/* "/NAME" as mq_open() takes it; one too long to hold is not
		 * removable by a name cut short */
		r.place = (size_t)snprintf(r.name, sizeof r.name, "/%s", de->d_name) < sizeof r.name
			      ? OBJLIST_IN_DEVSHM
			      : OBJLIST_NOT_LISTED;
		stat_row(&r, &st);
		r.size = 0;
		r.resident = 0;
		r.have_resident = false;
		int qfd = objlist_files_open_at(dfd, de->d_name, r.dev, r.ino, &qt);
		struct objlist_mqueue_info q;
		if (qfd >= 0) {
			if (objlist_mqueue_read(qfd, &q) == 0) {
				r.size = q.qsize;
				r.have_qsize = true;
			}
			close(qfd);
		}
		set_owner(b, &r);
		size_t count, at = seen_find(s, false, r.dev, r.ino, &count);
		join(b, &r, at, count);
		add(b, &r);
	}
	closedir(d);
	close(dfd);
}

int objlist_file_row(int fd, const char *path, struct objlist_row *r)
{
	struct stat st;
	memset(r, 0, sizeof *r);
	if (fstat(fd, &st) || !(S_ISREG(st.st_mode) || S_ISDIR(st.st_mode)) ||
	    (size_t)snprintf(r->name, sizeof r->name, "%s", path) >= sizeof r->name)
		return -1;
	r->kind = OBJLIST_FILE;
	r->named = true;
	r->folder = S_ISDIR(st.st_mode);
	stat_row(r, &st);
	names_user(r->uid, r->owner, sizeof r->owner);
	return 0;
}

/* A file of a known place, with the holders the scan found for it. */
static void known_file(const char *path, const struct stat *st, void *arg)
{
	struct build *b = arg;
	struct objlist_row r;
	for (size_t i = b->named0; i < b->named1 && i < b->s->n; i++)
		if (b->s->rows[i].dev == (uint64_t)st->st_dev &&
		    b->s->rows[i].ino == (uint64_t)st->st_ino)
			return; /* a file of files_path too: its row is there */
	memset(&r, 0, sizeof r);
	r.kind = OBJLIST_FILE;
	r.named = b->naming;
	if ((size_t)snprintf(r.name, sizeof r.name, "%s", path) >= sizeof r.name)
		return; /* a path longer than a row holds: not one to trust cut */
	stat_row(&r, st);
	set_owner(b, &r);
	take_format(b, &r, -1);
	size_t count, at = seen_find(b->s, false, r.dev, r.ino, &count);
	join(b, &r, at, count);
	add(b, &r);
}

/* Is the file the scan's pairs seen[at .. at + count) hold a row: mapped
 * writable by one of them, or in a known place (objlist_files.h)? */
static bool file_listed(const struct build *b, size_t at, size_t count)
{
	for (size_t j = at; j < at + count; j++)
		if (b->s->seen[j].h.maps_rw)
			return true;
	return objlist_files_known(b->root, b->mmv, b->s->seen[at].name);
}

/* A file row's fields from a stat of its path, if the path is still the
 * file the maps named (device and inode): another user may have put
 * another file, or a symlink, there since. */
static void stat_file(struct objlist_row *r, const char *path)
{
	struct stat st;
	if (fstatat(AT_FDCWD, path, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode) &&
	    (uint64_t)st.st_dev == r->dev && (uint64_t)st.st_ino == r->ino)
		stat_row(r, &st);
}

/* A segment that only the maps of processes in another IPC namespace
 * show: what they tell of it (key, shmid, extent, holders). */
static void foreign_sysv(struct build *b, size_t at, size_t count)
{
	const struct objlist_seen *e = &b->s->seen[at];
	struct objlist_row r;
	memset(&r, 0, sizeof r);
	r.kind = OBJLIST_SYSV;
	r.ipcns = e->dev;
	r.ino = e->ino;
	r.shm.st.key = e->key;
	r.shm.st.shmid = (int)e->ino;
	r.shm.st.nattch = count;
	r.uid = e->h.uid;
	for (size_t j = at; j < at + count; j++)
		if (b->s->seen[j].size > r.size)
			r.size = b->s->seen[j].size;
	r.shm.st.size = r.size;
	set_owner(b, &r);
	join(b, &r, at, count);
	add(b, &r);
}

/* Where a /dev/shm path the holders seen[at .. at + count) name, and that
 * the directory does not hold, is. */
static enum objlist_place seen_place(const struct objlist *s, size_t at, size_t count)
{
	bool ours = false, known = false;
	for (size_t j = at; j < at + count; j++) {
		ours |= s->seen[j].mntns == s->own_mntns;
		known |= s->seen[j].mntns != 0;
	}
	if (!ours && known)
		return OBJLIST_OTHER_MNTNS;
	return strchr(s->seen[at].name, '/') ? OBJLIST_SUBFOLDER : OBJLIST_NOT_LISTED;
}

/* The objects only a scan knows: memfds, /dev/shm objects no longer in the
 * directory, and /dev/shm paths that are not its entries (of another mount
 * namespace, or below a sub-folder): listed, not removable by name. */
static void collect_unnamed(struct build *b)
{
	struct objlist *s = b->s;
	for (size_t i = 0; i < s->nseen;) {
		const struct objlist_seen *e = &s->seen[i];
		size_t count;
		seen_find(s, e->kind == OBJLIST_SYSV, e->dev, e->ino, &count);
		if (b->used[i] || (e->kind == OBJLIST_SYSV && e->dev == s->own_ipcns)) {
			i += count; /* joined, or a segment of ours removed since the scan */
			continue;
		}
		if (e->kind == OBJLIST_SYSV) {
			foreign_sysv(b, i, count);
			i += count;
			continue;
		}
		if (e->kind == OBJLIST_FILE && !file_listed(b, i, count)) {
			i += count; /* a cache only ever mapped read-only */
			continue;
		}
		struct objlist_row r;
		memset(&r, 0, sizeof r);
		/* A /dev/shm path still linked but not in our /dev/shm belongs
		 * to another mount namespace's: posix, not deleted. */
		r.kind =
		    e->kind == OBJLIST_MEMFD || e->kind == OBJLIST_FILE || e->kind == OBJLIST_MQUEUE
			? e->kind
		    : e->deleted ? OBJLIST_DELETED
				 : OBJLIST_POSIX;
		snprintf(r.name, sizeof r.name, "%s%s", e->name,
			 (r.kind == OBJLIST_FILE || r.kind == OBJLIST_MQUEUE) && e->deleted
			     ? " (deleted)"
			     : "");
		if (r.kind == OBJLIST_POSIX)
			r.place = seen_place(s, i, count);
		if (r.kind == OBJLIST_MQUEUE) /* no mount lists it: not removable by name */
			r.place = OBJLIST_NOT_LISTED;
		r.dev = e->dev;
		r.ino = e->ino;
		r.uid = e->h.uid;
		for (size_t j = i; j < i + count; j++) {
			const struct objlist_seen *x = &s->seen[j];
			if (x->size > r.size)
				r.size = x->size;
			if (x->have_stat && !r.have_resident) {
				r.have_resident = true;
				r.resident = x->resident;
				r.uid = x->uid;
				r.gid = x->gid;
				r.mode = x->mode & 0777;
				r.mtime = x->mtime;
			}
		}
		if (r.kind == OBJLIST_MQUEUE) { /* size: QSIZE from a holder's fd */
			r.have_resident = false;
			r.resident = 0;
			for (size_t j = i; j < i + count; j++)
				r.have_qsize |= s->seen[j].have_qsize;
		}
		if (r.kind == OBJLIST_FILE && !e->deleted && !r.have_resident)
			stat_file(&r, e->name);
		set_owner(b, &r);
		if (r.kind == OBJLIST_FILE && !e->deleted)
			take_format(b, &r, -1);
		join(b, &r, i, count);
		add(b, &r);
		i += count;
	}
}

int objlist_collect(struct objlist *s, unsigned flags)
{
	s->n = 0;
	s->total = 0;
	s->truncated = false;
	s->nholders = 0;
	s->wall_ns = clock_wall_ns();
	s->sort = SYSVIPC_SORT_SHMID;
	s->reverse = false;
	s->budget.left_ns = RECORD_BUDGET_NS;
	memset(s->kinds, 0, sizeof s->kinds);
	memset(&s->orphans, 0, sizeof s->orphans);
	s->saturated = false;
	long ps = sysconf(_SC_PAGESIZE);
	s->page_size = ps > 0 ? (uint64_t)ps : 4096;
	if (flags & OBJLIST_LIMITS)
		sysvipc_read_limits(NULL, &s->limits);
	struct build b = {
		.s = s,
		.flags = flags,
		.btime = flags & OBJLIST_ORPHANS ? proc_boot_time() : -1,
		.used = calloc(s->nseen ? s->nseen : 1, sizeof *b.used),
		.maxhold = s->holders ? s->maxholders : 0,
		.partial = objlist_scan_partial(s),
		.root = s->files_root ? s->files_root : "",
	};
	if (!b.used)
		return -1;
	if (flags & OBJLIST_FILES)
		objlist_files_mmv_dir(b.root, b.mmv, sizeof b.mmv);
	int rc = collect_sysv(&b);
	if (rc == 0 && flags & OBJLIST_DEVSHM)
		collect_devshm(&b);
	if (rc == 0 && s->files_path) {
		b.named0 = s->n;
		b.naming = true;
		objlist_files_named(s->files_path, known_file, &b);
		b.naming = false;
		b.named1 = s->n;
	}
	if (rc == 0 && flags & OBJLIST_FILES)
		objlist_files_each(b.root, known_file, &b);
	if (rc == 0 && flags & OBJLIST_MQUEUES)
		collect_mqueue(&b);
	if (rc == 0)
		collect_unnamed(&b);
	if (rc == 0 && flags & OBJLIST_SYSVSEM)
		collect_ipc(&b, OBJLIST_SYSV_SEM);
	if (rc == 0 && flags & OBJLIST_SYSVMSG)
		collect_ipc(&b, OBJLIST_SYSV_MSG);
	if (rc == 0 && objlist_wait_join(s))
		b.failed = true;
	s->maxholders = b.maxhold;
	free(b.used);
	free(b.uids);
	if (rc == 0 && b.failed) {
		errno = ENOMEM;
		rc = -1;
	}
	return rc;
}

void objlist_free(struct objlist *s)
{
	free(s->seen);
	pairs_names_free(s->seen_names);
	free(s->holders);
	free(s->waits);
	free(s->wseen);
	s->seen = NULL;
	s->seen_names = NULL;
	s->holders = NULL;
	s->waits = NULL;
	s->wseen = NULL;
	s->nseen = s->nholders = s->maxholders = 0;
	s->nwaits = s->nwseen = s->blocked = 0;
	s->scanned = false;
}

bool objlist_contains(const char *hay, const char *needle)
{
	size_t n = strlen(needle);
	for (; *hay; hay++)
		if (strncasecmp(hay, needle, n) == 0)
			return true;
	return n == 0;
}

char *objlist_foreign_name(const struct objlist_row *r, char *buf, size_t len)
{
	snprintf(buf, len, "ipc:[%" PRIu64 "] shmid %d", r->ipcns, r->shm.st.shmid);
	return buf;
}

bool objlist_match(const struct objlist_row *r, const char *text)
{
	char key[16], id[24], ns[64];
	if (!text || !*text)
		return true;
	snprintf(key, sizeof key, "0x%08x", (unsigned)r->shm.st.key);
	if (r->kind == OBJLIST_SYSV && r->ipcns) /* as shown: key, status, name */
		return objlist_contains(key, text) ||
		       objlist_contains(objlist_kind_name(r->kind), text) ||
		       objlist_contains("other ns", text) ||
		       objlist_contains(objlist_foreign_name(r, ns, sizeof ns), text);
	snprintf(id, sizeof id, "%d", r->shm.st.shmid);
	if (objlist_kind_ipc(r->kind)) {
		snprintf(key, sizeof key, "0x%08x", (unsigned)r->ipc.key);
		snprintf(id, sizeof id, "%d", r->ipc.id);
	}
	if ((r->kind == OBJLIST_SYSV || objlist_kind_ipc(r->kind)) &&
	    (objlist_contains(key, text) || objlist_contains(id, text)))
		return true;
	return objlist_contains(r->name, text) || objlist_contains(r->owner, text) ||
	       objlist_contains(objlist_kind_name(r->kind), text) ||
	       objlist_contains(r->command, text);
}

static bool same_object(const struct objlist_row *a, const struct objlist_row *b)
{
	if (a->kind != b->kind)
		return false;
	switch (a->kind) {
	case OBJLIST_SYSV: return a->shm.st.shmid == b->shm.st.shmid && a->ipcns == b->ipcns;
	case OBJLIST_POSIX:
	case OBJLIST_SEM: return strcmp(a->name, b->name) == 0;
	case OBJLIST_SYSV_SEM:
	case OBJLIST_SYSV_MSG: return a->ipc.id == b->ipc.id;
	case OBJLIST_MEMFD:
	case OBJLIST_FILE:
	case OBJLIST_DELETED:
	case OBJLIST_MQUEUE:
	case OBJLIST_NKINDS: break;
	}
	return a->dev == b->dev && a->ino == b->ino;
}

size_t objlist_find(const struct objlist_row *rows, size_t n, const struct objlist_row *r)
{
	for (size_t i = 0; i < n; i++)
		if (same_object(&rows[i], r))
			return i;
	return n;
}

/* Why an unlink or IPC_RMID failed, in one line. */
static int refused(const struct objlist_row *r, const char *what, int e, char *why, size_t whylen)
{
	if (e == EPERM || e == EACCES)
		snprintf(why, whylen, "cannot remove %s: owned by %s (uid %u), you are uid %u",
			 what, r->owner, (unsigned)r->uid, (unsigned)geteuid());
	else
		snprintf(why, whylen, "cannot remove %s: %s", what, strerror(e));
	return -1;
}

/* Unlink a posix or sem row's name in /dev/shm.  The directory is opened
 * once, without following a symlink, and the name, which holds no '/', is
 * checked and unlinked relative to it: nothing is resolved twice, no
 * symlink is followed, and unlinkat(dfd, name, 0) removes exactly one
 * directory entry, NAME in that very directory (never a directory: flags
 * 0).  The race left is between fstatat() and unlinkat(): the entry NAME
 * can be replaced in between (renamed over, or unlinked and made again).
 * /dev/shm is sticky, so only the owner of the entry NAME (or root) can do
 * that, and only with another entry of /dev/shm: a rename does not cross
 * file systems, a mount on NAME is another mount namespace's or makes
 * unlinkat() fail with EBUSY, and a hard link put there loses only that
 * link.  What root removes then is the entry NAME that user had put in
 * /dev/shm, never a file outside it. */
static int remove_entry(int dfd, const char *entry, const char *what, const struct objlist_row *r,
			char *why, size_t whylen)
{
	struct stat dst, st;
	int rc = -1;
	if (fstat(dfd, &dst) || fstatat(dfd, entry, &st, AT_SYMLINK_NOFOLLOW))
		refused(r, what, errno, why, whylen);
	else if (!S_ISREG(st.st_mode) || (uint64_t)st.st_ino != r->ino ||
		 (uint64_t)st.st_dev != r->dev)
		snprintf(why, whylen, "cannot remove %s: it changed since it was listed", what);
	else if (st.st_dev != dst.st_dev)
		snprintf(why, whylen, "cannot remove %s by name: %s", what,
			 r->kind == OBJLIST_MQUEUE ? "it is on another device than its mount"
						   : objlist_place_why(OBJLIST_OTHER_DEVICE));
	else if (unlinkat(dfd, entry, 0))
		refused(r, what, errno, why, whylen);
	else
		rc = 0;
	return rc;
}

static int remove_name(const struct objlist *s, const struct objlist_row *r, char *why,
		       size_t whylen)
{
	const char *dir = s->devshm_dir ? s->devshm_dir : OBJLIST_DEVSHM_DIR;
	char what[OBJLIST_NAME_MAX + 32];
	snprintf(what, sizeof what, "%s/%s", dir, r->name);
	const char *place = objlist_place_why(r->place);
	if (!place && (!r->name[0] || strchr(r->name, '/') || strcmp(r->name, ".") == 0 ||
		       strcmp(r->name, "..") == 0))
		place = objlist_place_why(OBJLIST_SUBFOLDER);
	if (place) {
		snprintf(why, whylen,
			 "cannot remove %s by name: %s; it lives until its holders unmap and "
			 "close it",
			 what, place);
		return -1;
	}
	int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dfd < 0)
		return refused(r, dir, errno, why, whylen);
	int rc = remove_entry(dfd, r->name, what, r, why, whylen);
	close(dfd);
	return rc;
}

/* Unlink an mqueue row's entry "NAME" (of "/NAME") in the viewer's mqueue
 * mount, by remove_name()'s rules: the mount's folder opened once without
 * following a symlink (each component O_NOFOLLOW), the entry checked to be
 * the listed queue (a regular file of its device and inode, on the
 * folder's device) and unlinked relative to it.  Not mq_unlink(name): that
 * resolves the name in the IPC namespace's own internal mount, with
 * nothing to check it against, so a queue another user made again under
 * the name since the listing (or the queue of the name in the viewer's
 * namespace, when the listed mount is another's) would go instead.  The
 * mqueue folder is sticky (1777), as /dev/shm is: only the entry's owner
 * (or root) can swap it between the check and the unlink, and the mqueue
 * file system has no rename, link, symlink or folder (EPERM): an entry can
 * only be unlinked and made again, a new inode, which the check refuses. */
static int remove_mqueue(const struct objlist *s, const struct objlist_row *r, char *why,
			 size_t whylen)
{
	const char *entry = r->name + (r->name[0] == '/');
	char what[OBJLIST_NAME_MAX + 32];
	snprintf(what, sizeof what, "POSIX message queue %s", r->name);
	if (r->place != OBJLIST_IN_DEVSHM || !s->have_mqueue || r->dev != s->mqueue_dev) {
		snprintf(why, whylen,
			 "cannot remove %s by name: %s; it lives until its holders close it", what,
			 s->have_mqueue ? "it is not an entry of the viewer's mqueue mount"
					: "no mqueue file system is mounted (mount -t mqueue none "
					  "/dev/mqueue lists every queue)");
		return -1;
	}
	if (r->name[0] != '/' || !entry[0] || strchr(entry, '/') || strcmp(entry, ".") == 0 ||
	    strcmp(entry, "..") == 0) {
		snprintf(why, whylen, "cannot remove %s by name: not a queue's name", what);
		return -1;
	}
	int dfd = objlist_files_open_dir(s->mqueue_dir);
	if (dfd < 0)
		return refused(r, s->mqueue_dir, errno, why, whylen);
	int rc = remove_entry(dfd, entry, what, r, why, whylen);
	close(dfd);
	return rc;
}

/* Is the set or queue r still the listed one (the same key and ctime: a
 * removed id can be given to a new object)?  Asked with IPC_STAT, or,
 * without read permission on it, of /proc/sysvipc.  1, 0 (another object),
 * -1 with errno (EIDRM: gone; neither could be read). */
static int ipc_same(const struct objlist *s, const struct objlist_row *r)
{
	const struct sysvipc_ipc *q = &r->ipc;
	key_t key;
	int64_t ctime;
	int rc;
	if (r->kind == OBJLIST_SYSV_SEM) {
		struct semid_ds ds;
		rc = semctl(q->id, 0, IPC_STAT, (union semun){ .buf = &ds });
		key = ds.sem_perm.__key;
		ctime = (int64_t)ds.sem_ctime;
	} else {
		struct msqid_ds ds;
		rc = msgctl(q->id, IPC_STAT, &ds);
		key = ds.msg_perm.__key;
		ctime = (int64_t)ds.msg_ctime;
	}
	if (rc && errno == EACCES) {
		struct sysvipc_ipc now;
		enum sysvipc_ipc_file f = r->kind == OBJLIST_SYSV_SEM ? SYSVIPC_SEM : SYSVIPC_MSG;
		rc = sysvipc_ipc_find(f, f == SYSVIPC_SEM ? s->sysvsem_path : s->sysvmsg_path,
				      q->id, &now);
		if (rc == 0)
			errno = EIDRM;
		if (rc <= 0)
			return -1;
		key = now.key;
		ctime = now.ctime;
	} else if (rc) {
		if (errno == EINVAL)
			errno = EIDRM; /* no such id (any more) */
		return -1;
	}
	return key == q->key && ctime == q->ctime;
}

/* IPC_RMID on a set or queue that is still the listed one.  What is left
 * is the moment between the check and IPC_RMID, in which only the owner
 * (or root) can remove it and make another on its id. */
static int remove_ipc(const struct objlist *s, const struct objlist_row *r, char *why,
		      size_t whylen)
{
	char what[64];
	bool set = r->kind == OBJLIST_SYSV_SEM;
	snprintf(what, sizeof what, "%s %d", set ? "semaphore set semid" : "message queue msqid",
		 r->ipc.id);
	int same = ipc_same(s, r);
	if (same < 0 && errno == EIDRM) {
		snprintf(why, whylen, "cannot remove %s: it is gone (removed since it was listed)",
			 what);
		return -1;
	}
	if (same < 0)
		return refused(r, what, errno, why, whylen);
	if (!same) {
		snprintf(why, whylen, "cannot remove %s: it changed since it was listed", what);
		return -1;
	}
	int rc = set ? semctl(r->ipc.id, 0, IPC_RMID) : msgctl(r->ipc.id, IPC_RMID, NULL);
	return rc ? refused(r, what, errno, why, whylen) : 0;
}

int objlist_remove(const struct objlist *s, const struct objlist_row *r, char *why, size_t whylen)
{
	char what[OBJLIST_NAME_MAX + 32];
	switch (r->kind) {
	case OBJLIST_SYSV: {
		snprintf(what, sizeof what, "shmid %d", r->shm.st.shmid);
		if (r->ipcns) {
			snprintf(why, whylen,
				 "cannot remove %s: it is in another IPC namespace (ipc:[%" PRIu64
				 "]); remove it from inside that namespace",
				 what, r->ipcns);
			return -1;
		}
		struct shmid_ds ds;
		/* The same segment still: a removed shmid can be reused, with
		 * another key or ctime. */
		if (shmctl(r->shm.st.shmid, IPC_STAT, &ds) == 0 &&
		    (ds.shm_perm.__key != r->shm.st.key ||
		     (int64_t)ds.shm_ctime != r->shm.st.ctime)) {
			snprintf(why, whylen, "cannot remove %s: it changed since it was listed",
				 what);
			return -1;
		}
		return shmctl(r->shm.st.shmid, IPC_RMID, NULL)
			   ? refused(r, what, errno, why, whylen)
			   : 0;
	}
	case OBJLIST_POSIX:
	case OBJLIST_SEM: return remove_name(s, r, why, whylen);
	case OBJLIST_FILE:
		snprintf(why, whylen,
			 "cannot remove file %s: shmtop removes only objects in /dev/shm; it is "
			 "another program's file (remove it with rm when it is no longer wanted)",
			 r->name);
		return -1;
	case OBJLIST_SYSV_SEM:
	case OBJLIST_SYSV_MSG: return remove_ipc(s, r, why, whylen);
	case OBJLIST_MQUEUE: return remove_mqueue(s, r, why, whylen);
	case OBJLIST_MEMFD:
	case OBJLIST_DELETED:
	case OBJLIST_NKINDS: break;
	}
	snprintf(why, whylen,
		 "a %s object has no name to remove: it lives until its holders "
		 "unmap and close it",
		 objlist_kind_name(r->kind));
	return -1;
}

void objlist_commands(struct objlist *s, size_t from, size_t to)
{
	int64_t btime = INT64_MIN; /* read once, and only if a row needs it */
	for (size_t i = from; i < to && i < s->n; i++) {
		struct objlist_row *r = &s->rows[i];
		if (r->command_read)
			continue;
		if (btime == INT64_MIN)
			btime = proc_boot_time();
		creator_command(&r->shm.st, btime, r->command, sizeof r->command);
		r->command_read = true;
	}
}

static int cmp_u64(uint64_t a, uint64_t b)
{
	return (a > b) - (a < b);
}

/* The keys of the object list's own fields, over every kind; 0 for the
 * others. */
static int compare_own(const struct objlist_row *a, const struct objlist_row *b,
		       enum sysvipc_sort by)
{
	const struct shmtop_snapshot *sa = &a->snap, *sb = &b->snap;
	int c = cmp_u64(a->is_record, b->is_record); /* records' fields: the others first */
	switch (by) {
	case SYSVIPC_SORT_COMMAND: return strcmp(a->command, b->command);
	case SYSVIPC_SORT_KIND: return cmp_u64(a->kind, b->kind);
	case SYSVIPC_SORT_NAME: return strcmp(a->name, b->name);
	case SYSVIPC_SORT_HOLDERS: return cmp_u64(a->nholders, b->nholders);
	case SYSVIPC_SORT_WAITERS: return cmp_u64(a->nwaits, b->nwaits);
	case SYSVIPC_SORT_ORPHAN: return cmp_u64(a->orphan, b->orphan);
	case SYSVIPC_SORT_IPCNS: return cmp_u64(a->ipcns, b->ipcns);
	case SYSVIPC_SORT_COUNT: return c ? c : cmp_u64(sa->count, sb->count);
	case SYSVIPC_SORT_STATE: return c ? c : cmp_u64(sa->state, sb->state);
	case SYSVIPC_SORT_RESETS: return c ? c : cmp_u64(sa->resets, sb->resets);
	case SYSVIPC_SORT_WRITER_PID:
		return c ? c
			 : (sa->writer_pid > sb->writer_pid) - (sa->writer_pid < sb->writer_pid);
	case SYSVIPC_SORT_WRITER_ALIVE: return c ? c : cmp_u64(a->writer_alive, b->writer_alive);
	case SYSVIPC_SORT_FORMAT:
		return strcmp(a->format ? a->format : "", b->format ? b->format : "");
	case SYSVIPC_SORT_PERMS: return cmp_u64(a->mode, b->mode);
	case SYSVIPC_SORT_GID: return cmp_u64(a->gid, b->gid);
	case SYSVIPC_SORT_SWAP: return cmp_u64(a->swap, b->swap);
	case SYSVIPC_SORT_CUID: return cmp_u64(a->ipc.cuid, b->ipc.cuid);
	case SYSVIPC_SORT_CGID: return cmp_u64(a->ipc.cgid, b->ipc.cgid);
	case SYSVIPC_SORT_NSEMS: return cmp_u64(a->ipc.nsems, b->ipc.nsems);
	case SYSVIPC_SORT_OTIME: return cmp_u64((uint64_t)a->ipc.otime, (uint64_t)b->ipc.otime);
	case SYSVIPC_SORT_MSGS: return cmp_u64(a->ipc.qnum, b->ipc.qnum);
	case SYSVIPC_SORT_SEND: return cmp_u64((uint64_t)a->ipc.stime, (uint64_t)b->ipc.stime);
	case SYSVIPC_SORT_RECV: return cmp_u64((uint64_t)a->ipc.rtime, (uint64_t)b->ipc.rtime);
	case SYSVIPC_SORT_LSPID: return cmp_u64((uint64_t)a->ipc.lspid, (uint64_t)b->ipc.lspid);
	case SYSVIPC_SORT_LRPID: return cmp_u64((uint64_t)a->ipc.lrpid, (uint64_t)b->ipc.lrpid);
	default: return 0;
	}
}

/* The SysV key of a segment, a set or a queue into *key; false for the
 * other kinds. */
static bool row_key(const struct objlist_row *r, uint32_t *key)
{
	*key = r->kind == OBJLIST_SYSV ? (uint32_t)r->shm.st.key : (uint32_t)r->ipc.key;
	return r->kind == OBJLIST_SYSV || objlist_kind_ipc(r->kind);
}

/* sysvipc_compare()'s keys over every kind: the SysV fields for two
 * segments; otherwise size, resident bytes, holders, age, owner, then the
 * kind and the name or identity; the keys past rss by the fields every
 * kind has (compare_own()), else a SysV segment's (zero for the others). */
static int compare(const struct objlist_row *a, const struct objlist_row *b, enum sysvipc_sort by,
		   bool reverse)
{
	if (by > SYSVIPC_SORT_RSS && by < SYSVIPC_NSORTS) {
		int c = compare_own(a, b, by);
		if (!c)
			c = sysvipc_compare(&a->shm, &b->shm, by, false);
		return reverse ? -c : c;
	}
	if (a->kind == OBJLIST_SYSV && b->kind == OBJLIST_SYSV)
		return sysvipc_compare(&a->shm, &b->shm, by, reverse);
	int c = 0;
	switch (by) {
	case SYSVIPC_SORT_SIZE: c = cmp_u64(a->size, b->size); break;
	case SYSVIPC_SORT_RSS: c = cmp_u64(a->resident, b->resident); break;
	case SYSVIPC_SORT_NATTCH: c = cmp_u64(a->nholders, b->nholders); break;
	case SYSVIPC_SORT_AGE: c = cmp_u64((uint64_t)b->mtime, (uint64_t)a->mtime); break;
	case SYSVIPC_SORT_OWNER: c = cmp_u64(a->uid, b->uid); break;
	default: { /* key: the kinds with a key first, by key (a segment's writer lock next
		    * to it), then the others; shmid: within a kind, a set's or a queue's id */
		uint32_t ka, kb;
		bool ha = row_key(a, &ka), hb = row_key(b, &kb);
		if (by == SYSVIPC_SORT_KEY && (ha || hb))
			c = ha != hb ? (ha ? -1 : 1) : cmp_u64(ka, kb);
		if (!c)
			c = a->kind != b->kind ? cmp_u64(a->kind, b->kind)
					       : strcmp(a->name, b->name);
		if (!c)
			c = cmp_u64(a->ino, b->ino);
		break;
	}
	}
	if (!c && a->kind == b->kind && objlist_kind_ipc(a->kind)) /* not the order of /proc */
		c = cmp_u64((uint32_t)a->ipc.key, (uint32_t)b->ipc.key);
	return reverse ? -c : c;
}

static int compare_rows(const void *pa, const void *pb, void *arg)
{
	const struct objlist_row *a = pa, *b = pb;
	const struct objlist *s = arg;
	int c = compare(a, b, s->sort, s->reverse);
	return c ? c : (a->shm.order > b->shm.order) - (a->shm.order < b->shm.order);
}

void objlist_sort(struct objlist *s, enum sysvipc_sort by, bool reverse)
{
	s->sort = by;
	s->reverse = reverse;
	for (size_t i = 0; i < s->n; i++)
		s->rows[i].shm.order = (unsigned)i;
	if (s->n > 1)
		qsort_r(s->rows, s->n, sizeof *s->rows, compare_rows, s);
}
