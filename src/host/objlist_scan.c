/* SPDX-License-Identifier: MIT */
/*
 * objlist_scan(): every process's maps and fds, for the shared memory
 * objects they hold.  One pass over /proc; per process one read of maps,
 * one directory read of fd (a readlink per fd, an fstat per shared memory
 * fd) and, only if it holds something, its comm.  The result is a list of
 * (object, process) pairs, each with its mapping and fd counts.
 */
#include "objlist_scan.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sem.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "clock.h"
#include "objlist_files.h"
#include "objlist_mqueue.h"
#include "objlist_wait.h"
#include "pairs.h"
#include "procstat.h"
#include "sysvdev.h"

#define DELETED_SUFFIX " (deleted)"
#define MQUEUE_MAGIC 0x19800202 /* the mqueue file system's f_type (linux/magic.h) */

static bool take_name(const char *from, struct objlist_scan_ref *r)
{
	size_t n = strlen(from), d = strlen(DELETED_SUFFIX);
	while (n && from[n - 1] == '\n')
		n--;
	r->deleted = n >= d && memcmp(from + n - d, DELETED_SUFFIX, d) == 0;
	if (r->deleted)
		n -= d;
	if (n >= sizeof r->name)
		n = sizeof r->name - 1;
	memcpy(r->name, from, n);
	r->name[n] = '\0';
	return true;
}

bool objlist_scan_path(const char *path, struct objlist_scan_ref *r)
{
	static const char memfd[] = "/memfd:", sysv[] = "/SYSV";
	if (strncmp(path, OBJLIST_SCAN_DEVSHM_PREFIX, strlen(OBJLIST_SCAN_DEVSHM_PREFIX)) == 0) {
		r->kind = OBJLIST_POSIX;
		return take_name(path + strlen(OBJLIST_SCAN_DEVSHM_PREFIX), r);
	}
	if (strncmp(path, memfd, strlen(memfd)) == 0) {
		r->kind = OBJLIST_MEMFD;
		return take_name(path + strlen(memfd), r);
	}
	if (strncmp(path, sysv, strlen(sysv)) == 0) {
		const char *p = path + strlen(sysv);
		uint32_t key = 0;
		for (int i = 0; i < 8; i++) {
			if (!isxdigit((unsigned char)p[i]))
				return false;
			key =
			    key << 4 | (uint32_t)(isdigit((unsigned char)p[i])
						      ? p[i] - '0'
						      : (tolower((unsigned char)p[i]) - 'a' + 10));
		}
		if (p[8] != ' ' && p[8] != '\0' && p[8] != '\n')
			return false;
		r->kind = OBJLIST_SYSV;
		r->key = (int)key;
		take_name(p + 8, r);
		r->name[0] = '\0';
		return true;
	}
	return false;
}

int objlist_scan_map_line(const char *line, struct objlist_scan_ref *r)
{
	unsigned long long start, end, offset, ino;
	unsigned maj, min;
	char perms[5];
	int path = -1;
	if (sscanf(line, "%llx-%llx %4s %llx %x:%x %llu %n", &start, &end, perms, &offset, &maj,
		   &min, &ino, &path) != 7 ||
	    strlen(perms) != 4 || end < start)
		return -1;
	if (path < 0 || line[path] != '/')
		return 0; /* anonymous, [heap] and the like */
	memset(r, 0, sizeof *r);
	if (!objlist_scan_path(line + path, r)) {
		if (perms[3] != 's' || !objlist_files_path_ok(line + path))
			return 0;
		r->kind = OBJLIST_FILE;
		take_name(line + path, r);
	}
	r->start = start;
	r->end = end;
	r->offset = offset;
	r->dev = makedev(maj, min);
	r->ino = ino;
	r->write = perms[1] == 'w';
	r->shared = perms[3] == 's';
	return 1;
}

static void take_stat(struct objlist_seen *e, const struct stat *st)
{
	e->have_stat = true;
	e->size = (uint64_t)st->st_size;
	e->resident = (uint64_t)st->st_blocks * 512;
	e->uid = st->st_uid;
	e->gid = st->st_gid;
	e->mode = st->st_mode & 07777;
	e->mtime = st->st_mtim.tv_sec;
}

/* A futex() waiter's word, placed in a shared mapping of an object; or
 * (sops) a semop() waiter's operations, whose memory is read only in a
 * private anonymous mapping (heap, stack): a page of a file there could be
 * another user's FUSE file, whose read may never return. */
struct futex_word {
	uint64_t addr;
	bool sops;              /* placing a semop()'s sops: anon below */
	bool found;             /* the futex's word is in an object's shared mapping */
	bool anon;              /* sops: the address is in a private anonymous mapping */
	enum objlist_kind kind; /* as struct objlist_wait_seen names objects */
	uint64_t dev, ino, offset;
};

/* A thread's wait, while the scan reads it. */
struct waiting {
	char line[256]; /* its syscall line */
	long nr;
	uint64_t args[OBJLIST_SYSCALL_ARGS];
	struct objlist_wait_seen ws;
	struct futex_word word; /* futex(), semop(): placed by scan_maps() */
	int dfd;                /* the thread's /proc dir (task/TID), or -1: the process's */
};

/* With fw->sops, is its address in the anonymous private mapping line? */
static void place_sops(struct futex_word *fw, const char *line)
{
	unsigned long long start, end, offset, ino;
	unsigned maj, min;
	char perms[5];
	if (!fw->anon &&
	    sscanf(line, "%llx-%llx %4s %llx %x:%x %llu", &start, &end, perms, &offset, &maj, &min,
		   &ino) == 7 &&
	    ino == 0 && maj == 0 && min == 0 && perms[3] == 'p' && fw->addr >= start &&
	    fw->addr < end && end - fw->addr >= sizeof(struct sembuf))
		fw->anon = true;
}

/* Place fw's word in the mapping r (a line of scan_maps()), if it is in it. */
static void place_word(struct futex_word *fw, const struct objlist_scan_ref *r)
{
	if (fw->found || !r->shared || fw->addr < r->start || fw->addr >= r->end)
		return;
	fw->found = true;
	fw->kind = r->kind == OBJLIST_SYSV ? OBJLIST_SYSV : OBJLIST_POSIX;
	fw->dev = r->kind == OBJLIST_SYSV ? 0 : r->dev;
	fw->ino = r->ino;
	uint64_t in = fw->addr - r->start;
	fw->offset = r->offset > UINT64_MAX - in ? UINT64_MAX : r->offset + in;
}

/* The shared memory mappings of the process whose /proc dir is pfd; a
 * /SYSV path counts only on a device of devs; the words of its threads'
 * waits wv[0 .. nw) placed in them.  0, 1 if they may not be read, -1 out
 * of memory. */
static int scan_maps(int pfd, pid_t pid, struct pairs *f, uint64_t ipcns,
		     const struct sysvdev *devs, struct waiting *wv, size_t nw)
{
	int fd = openat(pfd, "maps", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == EACCES || errno == EPERM;
	FILE *in = fdopen(fd, "r");
	if (!in) {
		close(fd);
		return -1;
	}
	char *line = NULL;
	size_t cap = 0;
	int rc = 0;
	bool any = false;
	while (rc == 0 && getline(&line, &cap, in) > 0) {
		any = true;
		for (size_t i = 0; i < nw; i++)
			if (wv[i].word.sops)
				place_sops(&wv[i].word, line);
		struct objlist_scan_ref r;
		if (objlist_scan_map_line(line, &r) != 1 ||
		    (r.kind == OBJLIST_SYSV && !sysvdev_has(devs, r.dev)))
			continue;
		for (size_t i = 0; i < nw; i++)
			if (wv[i].ws.w.op == OBJLIST_WAIT_FUTEX)
				place_word(&wv[i].word, &r);
		uint64_t dev = r.kind == OBJLIST_SYSV ? ipcns : r.dev;
		struct objlist_seen *e = pairs_get(f, pid, r.kind, dev, r.ino, r.name, r.deleted);
		if (!e) { /* past the cap (counted), or out of memory */
			rc = f->failed ? -1 : 0;
			continue;
		}
		e->key = r.key;
		if (r.write)
			e->h.maps_rw++;
		else
			e->h.maps_ro++;
		if (r.kind == OBJLIST_SYSV) {
			if (r.offset + (r.end - r.start) > e->size)
				e->size = r.offset + (r.end - r.start);
			continue;
		}
		if (e->have_stat)
			continue;
		/* A file-backed mapping: its file through map_files (root
		 * only), else at least the extent mapped. */
		char mf[64];
		struct stat st;
		snprintf(mf, sizeof mf, "map_files/%" PRIx64 "-%" PRIx64, r.start, r.end);
		if (fstatat(pfd, mf, &st, 0) == 0)
			take_stat(e, &st);
		else if (r.offset + (r.end - r.start) > e->size)
			e->size = r.offset + (r.end - r.start);
	}
	/* Reading another user's maps as non-root opens but reads nothing. */
	if (rc == 0 && !any && ferror(in))
		rc = 1;
	free(line);
	fclose(in);
	return rc;
}

/* Is fd entry name of the folder open on dfd (a /proc/PID/fd) a POSIX
 * message queue, whose link is "/NAME" (objlist_mqueue_link())?  Looked
 * up through the link (the kernel's, to the queue itself) with O_PATH,
 * which opens nothing: a regular file of the mqueue file system; then its
 * QSIZE read from a reopening (O_NONBLOCK: a queue's text never waits),
 * which sets its atime and ctime as a read of the mount's entry does.
 * true and e's fields from fstat, size QSIZE (0 if it could not be read). */
static bool mqueue_fd(int dfd, const char *name, struct stat *st, uint64_t *qsize, bool *have)
{
	int pfd = openat(dfd, name, O_PATH | O_CLOEXEC);
	if (pfd < 0)
		return false;
	struct statfs sf;
	bool is = fstat(pfd, st) == 0 && S_ISREG(st->st_mode) && fstatfs(pfd, &sf) == 0 &&
		  (unsigned long)sf.f_type == OBJLIST_MQUEUE_MAGIC;
	*qsize = 0;
	*have = false;
	if (is) {
		char self[40];
		snprintf(self, sizeof self, "/proc/self/fd/%d", pfd);
		int fd = open(self, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
		struct objlist_mqueue_info q;
		if (fd >= 0 && objlist_mqueue_read(fd, &q) == 0) {
			*qsize = q.qsize;
			*have = true;
		}
		if (fd >= 0)
			close(fd);
	}
	close(pfd);
	return is;
}

/* The shared memory fds of the process whose /proc dir is pfd. */
static int scan_fds(int pfd, pid_t pid, struct pairs *f)
{
	int dfd = openat(pfd, "fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return errno == EACCES || errno == EPERM;
	DIR *d = fdopendir(dfd);
	if (!d) {
		close(dfd);
		return -1;
	}
	int rc = 0;
	struct dirent *de;
	while (rc == 0 && (de = readdir(d))) {
		char link[PATH_MAX];
		if (de->d_name[0] == '.')
			continue;
		ssize_t n = readlinkat(dfd, de->d_name, link, sizeof link - 1);
		if (n <= 0)
			continue;
		link[n] = '\0';
		struct objlist_scan_ref r;
		memset(&r, 0, sizeof r);
		struct stat st;
		char qname[OBJLIST_NAME_MAX - 1];
		uint64_t qsize = 0;
		bool have_qsize = false;
		bool shm = objlist_scan_path(link, &r);
		if (!shm && objlist_mqueue_link(link, qname, sizeof qname, &r.deleted) &&
		    mqueue_fd(dfd, de->d_name, &st, &qsize, &have_qsize)) {
			r.kind = OBJLIST_MQUEUE;
			snprintf(r.name, sizeof r.name, "/%s", qname);
		} else if (!shm || r.kind == OBJLIST_SYSV || fstatat(dfd, de->d_name, &st, 0))
			continue;
		struct objlist_seen *e =
		    pairs_get(f, pid, r.kind, st.st_dev, st.st_ino, r.name, r.deleted);
		if (!e)
			rc = f->failed ? -1 : 0;
		else {
			e->h.fds++;
			take_stat(e, &st);
			if (r.kind == OBJLIST_MQUEUE) {
				e->size = qsize; /* the file's st_size is its text's */
				e->resident = 0;
				e->have_qsize |= have_qsize;
			}
		}
	}
	closedir(d);
	return rc;
}

/* Up to len - 1 bytes of the file name of the /proc dir pfd, NUL-ended:
 * their count, or -1 with errno. */
static ssize_t read_proc(int pfd, const char *name, char *buf, size_t len)
{
	int fd = openat(pfd, name, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	errno = 0; /* an empty read says nothing of permission */
	ssize_t n = read(fd, buf, len - 1);
	int e = errno;
	close(fd);
	buf[n > 0 ? n : 0] = '\0';
	errno = e;
	return n;
}

static void read_comm(int pfd, char comm[16])
{
	if (read_proc(pfd, "comm", comm, 16) <= 0)
		snprintf(comm, 16, "?");
	comm[strcspn(comm, "\n")] = '\0';
}

/* Is the process of pfd asleep (S or D), of start time *start (0: any;
 * set when 0)? */
static bool asleep(int pfd, uint64_t *start)
{
	char buf[1024];
	struct proc_stat_fields f;
	if (read_proc(pfd, "stat", buf, sizeof buf) <= 0 || proc_parse_stat(buf, &f))
		return false;
	if (*start && f.starttime != *start)
		return false;
	*start = f.starttime;
	return f.state == 'S' || f.state == 'D';
}

/* Is the process of pfd blocked in a system call that waits on an object
 * (filling *wt)?  1 yes, 0 no, -1 its syscall line may not be read
 * (another user's, as non-root). */
static int wait_begin(int pfd, pid_t pid, struct waiting *wt)
{
	memset(&wt->ws, 0, sizeof wt->ws);
	memset(&wt->word, 0, sizeof wt->word);
	if (!asleep(pfd, &wt->ws.starttime))
		return 0; /* running, stopped, traced (t: its registers are its tracer's) */
	if (read_proc(pfd, "syscall", wt->line, sizeof wt->line) <= 0)
		return errno == EACCES || errno == EPERM ? -1 : 0;
	int op;
	if (objlist_wait_parse_syscall(wt->line, &wt->nr, wt->args) != 1 ||
	    (op = objlist_wait_op_of(wt->nr)) < 0)
		return 0;
	wt->ws.w.pid = pid;
	wt->ws.w.op = (enum objlist_wait_op)op;
	wt->ws.w.semnum = -1;
	wt->word.sops = op == OBJLIST_WAIT_SEM;
	wt->word.addr = wt->word.sops ? wt->args[1] : wt->args[0];
	return 1;
}

#define SCAN_THREADS_MAX 1024 /* threads of one process whose syscall line is read */

/* Each thread of the process at pfd blocked on an object, into *wv (room
 * for *maxw, reallocated), *nw of them: its main thread (pfd), then, when
 * it has more (task's link count is 2 + its threads), the others, each
 * with its task/TID dir open (dfd).  0, 1 if the main thread's syscall
 * line may not be read, -1 out of memory. */
static int begin_waits(int pfd, pid_t pid, struct waiting **wv, size_t *maxw, size_t *nw)
{
	*nw = 0;
	struct stat st;
	bool threads = fstatat(pfd, "task", &st, 0) == 0 && st.st_nlink > 3;
	DIR *d = NULL;
	struct dirent *de = NULL;
	int tfd = pfd, hidden = 0, left = SCAN_THREADS_MAX;
	for (;;) {
		if (*nw == *maxw) {
			size_t m = *maxw ? 2 * *maxw : 4;
			struct waiting *p = realloc(*wv, m * sizeof *p);
			if (!p) {
				if (tfd != pfd)
					close(tfd);
				if (d)
					closedir(d);
				return -1;
			}
			*wv = p;
			*maxw = m;
		}
		int r = wait_begin(tfd, pid, &(*wv)[*nw]);
		if (r == 1) {
			(*wv)[(*nw)++].dfd = tfd == pfd ? -1 : tfd;
		} else {
			if (tfd == pfd)
				hidden = r < 0;
			else
				close(tfd);
		}
		if (!threads)
			break;
		if (!d) {
			int t = openat(pfd, "task", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
			if (t < 0 || !(d = fdopendir(t))) {
				if (t >= 0)
					close(t);
				break;
			}
		}
		tfd = -1;
		while (tfd < 0 && left-- > 0 && (de = readdir(d))) {
			char *end;
			long tid = strtol(de->d_name, &end, 10);
			if (tid > 0 && !*end && tid != pid)
				tfd = openat(dirfd(d), de->d_name,
					     O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		}
		if (tfd < 0)
			break;
	}
	if (d)
		closedir(d);
	return hidden;
}

/* The first struct sembuf of a semop() at addr in the process of pfd, from
 * its memory (a pread of 6 bytes; root, or the process's own user). */
static void read_sembuf(int pfd, uint64_t addr, uint64_t nsops, struct objlist_wait *w)
{
	struct sembuf sb;
	if (nsops == 0 || addr > (uint64_t)INT64_MAX - sizeof sb)
		return;
	int fd = openat(pfd, "mem", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	if (pread(fd, &sb, sizeof sb, (off_t)addr) == (ssize_t)sizeof sb) {
		w->semnum = sb.sem_num;
		w->semop = sb.sem_op;
	}
	close(fd);
}

/* The object of wt's wait (its maps read), then the process's credentials;
 * true if it is still the same wait (its syscall line and state read again
 * after) and names an object. */
static bool wait_end(int pfd, struct waiting *wt, uint64_t ipcns)
{
	struct objlist_wait *w = &wt->ws.w;
	wt->ws.ipcns = ipcns;
	switch (w->op) {
	case OBJLIST_WAIT_SEM:
	case OBJLIST_WAIT_MSGRCV:
	case OBJLIST_WAIT_MSGSND:
		if (wt->args[0] > INT_MAX)
			return false;
		w->kind = w->op == OBJLIST_WAIT_SEM ? OBJLIST_SYSV_SEM : OBJLIST_SYSV_MSG;
		w->ino = wt->args[0];
		if (w->op == OBJLIST_WAIT_SEM && wt->word.anon)
			read_sembuf(pfd, wt->args[1], wt->args[2], w);
		break;
	case OBJLIST_WAIT_MQRCV:
	case OBJLIST_WAIT_MQSND: {
		char name[32];
		struct stat st;
		struct statfs sf;
		if (wt->args[0] > INT_MAX)
			return false;
		snprintf(name, sizeof name, "fd/%" PRIu64, wt->args[0]);
		/* O_PATH: the inode the link resolves to, never opened */
		int fd = openat(pfd, name, O_PATH | O_CLOEXEC);
		if (fd < 0)
			return false;
		bool mq = fstat(fd, &st) == 0 && fstatfs(fd, &sf) == 0 &&
			  (unsigned long)sf.f_type == MQUEUE_MAGIC;
		close(fd);
		if (!mq)
			return false;
		w->kind = OBJLIST_MQUEUE;
		w->dev = (uint64_t)st.st_dev;
		w->ino = (uint64_t)st.st_ino;
		break;
	}
	case OBJLIST_WAIT_FUTEX:
		if (!wt->word.found)
			return false; /* a private mapping's, or none */
		w->kind = wt->word.kind;
		w->dev = wt->word.dev;
		w->ino = wt->word.ino;
		w->offset = wt->word.offset;
		break;
	}
	char status[4096];
	if (read_proc(pfd, "status", status, sizeof status) <= 0 ||
	    objlist_wait_parse_status(status, &wt->ws))
		return false;
	char again[sizeof wt->line];
	return read_proc(pfd, "syscall", again, sizeof again) > 0 && strcmp(again, wt->line) == 0 &&
	       asleep(pfd, &wt->ws.starttime);
}

/* Keep the claim ws in *v (n of them, room for *max); false out of memory. */
static bool keep_wait(struct objlist_wait_seen **v, size_t *n, size_t *max,
		      const struct objlist_wait_seen *ws)
{
	if (*n == *max) {
		size_t m = *max ? 2 * *max : 16;
		struct objlist_wait_seen *p = realloc(*v, m * sizeof *p);
		if (!p)
			return false;
		*v = p;
		*max = m;
	}
	(*v)[(*n)++] = *ws;
	return true;
}

int objlist_scan(struct objlist *s)
{
	const char *procdir = s->proc_dir ? s->proc_dir : "/proc";
	DIR *proc = opendir(procdir);
	if (!proc)
		return -1;
	const struct sysvdev *devs = s->sysv_devs ? s->sysv_devs : sysvdev_kernel();
	struct pairs f;
	pairs_init(&f, s->scan_max);
	size_t procs = 0, hidden = 0;
	struct objlist_wait_seen *waits = NULL;
	size_t nwaits = 0, maxwaits = 0;
	struct waiting *wv = NULL; /* one process's threads' waits */
	size_t maxw = 0;
	int rc = 0;
	struct dirent *de;
	while (rc == 0 && (de = readdir(proc))) {
		char *end;
		long pid = strtol(de->d_name, &end, 10);
		if (pid <= 0 || *end)
			continue;
		if (s->scan_cancel && atomic_load(s->scan_cancel)) {
			errno = ECANCELED;
			rc = -1;
			break;
		}
		int pfd = openat(dirfd(proc), de->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (pfd < 0)
			continue; /* exited */
		struct stat st;
		pairs_process(&f);
		size_t first = f.n;
		uint64_t ipcns = fstatat(pfd, "ns/ipc", &st, 0) == 0 ? (uint64_t)st.st_ino : 0;
		uint64_t mntns = fstatat(pfd, "ns/mnt", &st, 0) == 0 ? (uint64_t)st.st_ino : 0;
		size_t nw = 0;
		int w = begin_waits(pfd, (pid_t)pid, &wv, &maxw, &nw);
		int m = w < 0 ? w : scan_maps(pfd, (pid_t)pid, &f, ipcns, devs, wv, nw);
		int d = m < 0 ? m : scan_fds(pfd, (pid_t)pid, &f);
		if (m < 0 || d < 0)
			rc = -1;
		else if (m || d || w)
			hidden++;
		procs++;
		uid_t owner = fstat(pfd, &st) == 0 ? st.st_uid : (uid_t)-1;
		for (size_t i = 0; i < nw; i++) {
			struct waiting *wt = &wv[i];
			int dfd = wt->dfd >= 0 ? wt->dfd : pfd;
			if (rc == 0 && wait_end(dfd, wt, ipcns)) {
				read_comm(dfd, wt->ws.w.comm); /* a thread's own name */
				wt->ws.w.uid = owner;
				if (!keep_wait(&waits, &nwaits, &maxwaits, &wt->ws))
					rc = -1;
			}
			if (wt->dfd >= 0)
				close(wt->dfd);
		}
		if (rc == 0 && f.n > first) {
			char comm[sizeof f.v->h.comm];
			read_comm(pfd, comm);
			uid_t uid = fstat(pfd, &st) == 0 ? st.st_uid : (uid_t)-1;
			for (size_t i = first; i < f.n; i++) {
				f.v[i].mntns = mntns;
				f.v[i].h.uid = uid;
				memcpy(f.v[i].h.comm, comm, sizeof comm);
			}
		}
		close(pfd);
	}
	int e = errno;
	closedir(proc);
	free(wv);
	if (rc) {
		pairs_free(&f);
		free(waits);
		errno = e ? e : ENOMEM;
		return -1;
	}
	if (f.n > 1)
		qsort(f.v, f.n, sizeof *f.v, objlist_seen_compare);
	int64_t now = clock_wall_ns();
	for (size_t i = 0; i < nwaits; i++)
		waits[i].w.since_ns = now;
	if (nwaits > 1)
		qsort(waits, nwaits, sizeof *waits, objlist_wait_seen_compare);
	objlist_wait_carry(waits, nwaits, s->wseen, s->nwseen);
	free(s->wseen);
	s->wseen = waits;
	s->nwseen = nwaits;
	free(s->seen);
	pairs_names_free(s->seen_names);
	s->seen = f.v;
	s->nseen = f.n;
	s->seen_names = f.names;
	s->scanned = true;
	s->scan_ns = now;
	s->scan_procs = procs;
	s->scan_hidden = hidden;
	s->scan_dropped = f.dropped;
	f.v = NULL;
	f.names = NULL;
	pairs_free(&f);
	struct stat self;
	s->own_ipcns = stat("/proc/self/ns/ipc", &self) == 0 ? (uint64_t)self.st_ino : 0;
	s->own_mntns = stat("/proc/self/ns/mnt", &self) == 0 ? (uint64_t)self.st_ino : 0;
	return 0;
}

void objlist_take_scan(struct objlist *to, struct objlist *from)
{
	if (!from->scanned)
		return;
	free(to->seen);
	pairs_names_free(to->seen_names);
	to->seen = from->seen;
	to->nseen = from->nseen;
	to->seen_names = from->seen_names;
	to->scanned = true;
	to->scan_ns = from->scan_ns;
	to->scan_procs = from->scan_procs;
	to->scan_hidden = from->scan_hidden;
	to->scan_dropped = from->scan_dropped;
	to->own_ipcns = from->own_ipcns;
	to->own_mntns = from->own_mntns;
	objlist_wait_carry(from->wseen, from->nwseen, to->wseen, to->nwseen);
	free(to->wseen);
	to->wseen = from->wseen;
	to->nwseen = from->nwseen;
	from->wseen = NULL;
	from->nwseen = 0;
	from->seen = NULL;
	from->nseen = 0;
	from->seen_names = NULL;
	from->scanned = false;
}
