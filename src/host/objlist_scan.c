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
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "clock.h"
#include "objlist_files.h"
#include "objlist_mqueue.h"
#include "pairs.h"
#include "sysvdev.h"

#define DELETED_SUFFIX " (deleted)"

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

/* The shared memory mappings of the process whose /proc dir is pfd; a
 * /SYSV path counts only on a device of devs.  0, 1 if they may not be
 * read, -1 out of memory. */
static int scan_maps(int pfd, pid_t pid, struct pairs *f, uint64_t ipcns,
		     const struct sysvdev *devs)
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
		struct objlist_scan_ref r;
		if (objlist_scan_map_line(line, &r) != 1 ||
		    (r.kind == OBJLIST_SYSV && !sysvdev_has(devs, r.dev)))
			continue;
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
		int m = scan_maps(pfd, (pid_t)pid, &f, ipcns, devs);
		int d = m < 0 ? m : scan_fds(pfd, (pid_t)pid, &f);
		if (m < 0 || d < 0)
			rc = -1;
		else if (m || d)
			hidden++;
		procs++;
		if (rc == 0 && f.n > first) {
			char comm[sizeof f.v->h.comm] = "?";
			int cfd = openat(pfd, "comm", O_RDONLY | O_CLOEXEC);
			if (cfd >= 0) {
				ssize_t n = read(cfd, comm, sizeof comm - 1);
				comm[n > 0 ? n : 0] = '\0';
				comm[strcspn(comm, "\n")] = '\0';
				close(cfd);
			}
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
	if (rc) {
		pairs_free(&f);
		errno = e ? e : ENOMEM;
		return -1;
	}
	if (f.n > 1)
		qsort(f.v, f.n, sizeof *f.v, objlist_seen_compare);
	free(s->seen);
	pairs_names_free(s->seen_names);
	s->seen = f.v;
	s->nseen = f.n;
	s->seen_names = f.names;
	s->scanned = true;
	s->scan_ns = clock_wall_ns();
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
	from->seen = NULL;
	from->nseen = 0;
	from->seen_names = NULL;
	from->scanned = false;
}
