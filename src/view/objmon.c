/* SPDX-License-Identifier: MIT */
/*
 * The watcher keeps the object's last row and holders, the bytes of its
 * last look, an object list of its own for the scans (rows grown as the
 * host needs; freed with it), and the mapping and content of its decode.
 */
#include "objmon.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "clock.h"
#include "decode.h"
#include "hsperf.h"
#include "ipcview.h"
#include "objlist_files.h"
#include "objpeek.h"
#include "proc.h"

struct objmon {
	struct objlist_row row; /* as last seen */
	bool present;
	bool linked; /* its name in /dev/shm is still this object */
	struct objlist_holder holders[OBJMON_HOLDERS];
	size_t nholders; /* holders found (more than kept if OBJMON_HOLDERS is short) */
	struct objlist_wait waits[IPCOBJ_WAITS]; /* blocked on a futex in it, pid ascending */
	size_t nwaits; /* found (more than kept if IPCOBJ_WAITS is short) */
	bool scanned;
	int64_t scan_ns;   /* CLOCK_REALTIME of the scan */
	int64_t next_scan; /* CLOCK_MONOTONIC */
	bool rescan;
	struct objlist inv;
	const char *devshm;

	unsigned char bytes[PREVIEW_MAX];
	uint64_t offset; /* of bytes[0], in the object: the preview's window */
	size_t nbytes;
	bool have_bytes;
	char nopreview[PREVIEW_LINE];

	struct events_ring ring;
	struct events_objobs prev;
	bool have_prev;

	/* The read-only mapping its bytes are decoded from, kept between
	 * polls while the size and inode stay. */
	int map_fd;
	void *map;
	size_t map_size;
	struct content c;        /* what it holds, by its decoder (decode.h) */
	bool have;               /* c holds a good copy */
	struct proc_watch watch; /* the writer the bytes name (MMV's PROCESS flag) */
	bool writer_alive;
	char comm[64]; /* its command, while alive */
	enum model_state state;
	char why[256];

	/* A semaphore set or message queue (ipcobj.h): its last look at
	 * the object watched (kept once the id is gone or another object's),
	 * the queue's estimated counts, and its counters as seen. */
	bool ipc;
	bool ipc_seen; /* looked at once */
	struct ipcobj look;
	struct ipcview_totals totals;
	struct seen seen;
};

/* Has r a name to stat: a posix object, a semaphore, or a file not
 * unlinked (a file's name is its path; maps said " (deleted)" of one
 * unlinked)? */
static bool named(const struct objlist_row *r)
{
	static const char del[] = " (deleted)";
	size_t n = strlen(r->name);
	if (r->kind == OBJLIST_FILE)
		return n &&
		       !(n >= sizeof del - 1 && strcmp(r->name + n - (sizeof del - 1), del) == 0);
	return r->kind == OBJLIST_POSIX || r->kind == OBJLIST_SEM;
}

/* Holders of row r of s into o. */
static void take_holders(objmon *o, const struct objlist *s, const struct objlist_row *r)
{
	o->nholders = r->nholders;
	size_t n = r->nholders < OBJMON_HOLDERS ? r->nholders : OBJMON_HOLDERS;
	if (s->holders && r->holder0 + n <= s->nholders)
		memcpy(o->holders, s->holders + r->holder0, n * sizeof o->holders[0]);
	else
		o->nholders = 0;
}

/* The processes row r of s lists blocked on it into to[IPCOBJ_WAITS],
 * and how many into *n. */
static void take_waits(struct objlist_wait *to, size_t *n, const struct objlist *s,
		       const struct objlist_row *r)
{
	*n = r->nwaits;
	size_t k = r->nwaits < IPCOBJ_WAITS ? r->nwaits : IPCOBJ_WAITS;
	if (k && s->waits && r->wait0 + k <= s->nwaits)
		memcpy(to, s->waits + r->wait0, k * sizeof to[0]);
	else
		*n = 0;
}

objmon *objmon_new(const struct objlist *s, const struct objlist_row *r)
{
	if (r->kind == OBJLIST_SYSV) {
		errno = EINVAL;
		return NULL;
	}
	objmon *o = calloc(1, sizeof *o);
	if (!o)
		return NULL;
	o->row = *r;
	o->present = true;
	o->watch = (struct proc_watch)PROC_WATCH_INIT;
	o->linked = named(r);
	o->scanned = s->scanned;
	o->scan_ns = s->scan_ns;
	if (s->scanned) {
		take_holders(o, s, r);
		take_waits(o->waits, &o->nwaits, s, r);
	}
	o->ipc = objlist_kind_ipc(r->kind) || r->kind == OBJLIST_MQUEUE;
	if (o->ipc) {
		o->linked = false;
		o->look.kind = r->kind;
		o->look.ipc = r->ipc;
		o->look.present = true;
		o->look.scanned = s->scanned;
		take_waits(o->look.waits, &o->look.nwaits, s, r);
		snprintf(o->nopreview, sizeof o->nopreview, "no preview: a %s, not memory",
			 r->kind == OBJLIST_SYSV_SEM   ? "SysV semaphore set"
			 : r->kind == OBJLIST_SYSV_MSG ? "SysV message queue"
						       : "POSIX message queue");
	}
	if (r->kind == OBJLIST_MQUEUE) { /* its holders are shown: the fds that hold it */
		o->look.mq.dev = r->dev;
		o->look.mq.ino = r->ino;
		snprintf(o->look.mq.name, sizeof o->look.mq.name, "%s", r->name);
	} else if (o->ipc) {
		o->nholders = 0;
	}
	o->inv.mountinfo_path = s->mountinfo_path;
	o->inv.have_mqueue = s->have_mqueue;
	memcpy(o->inv.mqueue_dir, s->mqueue_dir, sizeof o->inv.mqueue_dir);
	o->inv.mqueue_dev = s->mqueue_dev;
	o->inv.sysvsem_path = s->sysvsem_path;
	o->inv.sysvmsg_path = s->sysvmsg_path;
	o->inv.devshm_dir = s->devshm_dir;
	o->inv.proc_dir = s->proc_dir;
	o->inv.files_root = s->files_root;
	o->inv.sysvipc_path = s->sysvipc_path;
	o->devshm = s->devshm_dir ? s->devshm_dir : OBJLIST_DEVSHM_DIR;
	o->rescan = !s->scanned; /* holders at the first poll, if the list had none */
	o->next_scan = clock_mono_ns() + OBJMON_SCAN_NS;
	o->map_fd = -1;
	o->state = MODEL_FOREIGN;
	events_init(&o->ring);
	return o;
}

/* The name's object now: the fields a stat gives, if it is still ours. */
static void stat_name(objmon *o)
{
	struct stat st;
	char path[PATH_MAX];
	if (!o->linked)
		return;
	bool file = o->row.kind == OBJLIST_FILE;
	snprintf(path, sizeof path, "%s%s%s", file ? "" : o->devshm, file ? "" : "/", o->row.name);
	if ((!file && !objpeek_name_ok(o->row.name)) || lstat(path, &st) < 0 ||
	    !(o->row.folder ? S_ISDIR(st.st_mode) : S_ISREG(st.st_mode)) ||
	    (uint64_t)st.st_dev != o->row.dev || (uint64_t)st.st_ino != o->row.ino) {
		/* unlinked or replaced: a scan says whether it is still held */
		o->linked = false;
		o->rescan = true;
		return;
	}
	struct objlist_row *r = &o->row;
	if (!r->folder) { /* a folder's: its files', from the decode */
		r->size = st.st_size > 0 ? (uint64_t)st.st_size : 0;
		r->resident = (uint64_t)st.st_blocks * 512;
	}
	r->uid = st.st_uid;
	r->gid = st.st_gid;
	r->mode = st.st_mode & 0777;
	r->mtime = st.st_mtime;
	o->present = true;
}

/* Collect (and scan) into o->inv, growing its rows until they all fit. */
static int collect(objmon *o)
{
	if (objlist_scan(&o->inv) < 0)
		return -1;
	for (;;) {
		if (!o->inv.rows) {
			o->inv.max = 256;
			o->inv.rows = calloc(o->inv.max, sizeof *o->inv.rows);
			if (!o->inv.rows)
				return -1;
		}
		unsigned what =
		    o->row.kind == OBJLIST_MQUEUE ? OBJLIST_MQUEUES
		    : o->ipc                      ? OBJLIST_SYSVSEM | OBJLIST_SYSVMSG
			     : OBJLIST_NAMES | OBJLIST_DEVSHM | OBJLIST_ORPHANS | OBJLIST_FILES;
		if (objlist_collect(&o->inv, what) < 0)
			return -1;
		if (!o->inv.truncated && !o->inv.res.truncated)
			return 0;
		size_t want = o->inv.total + o->inv.total / 4 + 64;
		struct objlist_row *rows = realloc(o->inv.rows, want * sizeof *rows);
		if (!rows)
			return 0; /* what fits */
		o->inv.rows = rows;
		o->inv.max = want;
	}
}

/* A folder's holders: those of the scan's file rows in it (a file's
 * holders each once, by pid). */
static void folder_holders(objmon *o)
{
	size_t len = strlen(o->row.name), n = 0;
	for (size_t i = 0; i < o->inv.n; i++) {
		const struct objlist_row *r = &o->inv.rows[i];
		if (r->kind != OBJLIST_FILE || strncmp(r->name, o->row.name, len) ||
		    r->name[len] != '/' || strchr(r->name + len + 1, '/') ||
		    r->holder0 + r->nholders > o->inv.nholders)
			continue;
		for (size_t j = 0; j < r->nholders; j++) {
			const struct objlist_holder *h = &o->inv.holders[r->holder0 + j];
			size_t at = 0;
			while (at < n && o->holders[at].pid < h->pid)
				at++;
			if (at < n && o->holders[at].pid == h->pid) {
				o->holders[at].maps_rw += h->maps_rw;
				o->holders[at].maps_ro += h->maps_ro;
				o->holders[at].fds += h->fds;
				continue;
			}
			if (n == OBJMON_HOLDERS)
				continue;
			memmove(&o->holders[at + 1], &o->holders[at],
				(n - at) * sizeof *o->holders);
			o->holders[at] = *h;
			n++;
		}
	}
	o->nholders = n;
	o->present = o->linked;
}

static void scan(objmon *o)
{
	o->rescan = false;
	o->next_scan = clock_mono_ns() + OBJMON_SCAN_NS;
	if (collect(o) < 0) {
		/* no scan: a name no longer there is all we know */
		o->present = o->present && o->linked;
		return;
	}
	o->scanned = true;
	o->scan_ns = o->inv.scan_ns ? o->inv.scan_ns : clock_wall_ns();
	if (o->row.folder) {
		folder_holders(o);
		o->nwaits = 0; /* a folder has no mapping of its own */
		return;
	}
	for (size_t i = 0; i < o->inv.n; i++) {
		const struct objlist_row *r = &o->inv.rows[i];
		if (r->kind == OBJLIST_SYSV || r->dev != o->row.dev || r->ino != o->row.ino)
			continue;
		if (o->linked && !named(r))
			continue; /* the directory read's row has the name's fields */
		/* A row from the scan alone knows no owner, mode or mtime. */
		struct objlist_row keep = o->row;
		o->row = *r;
		if (!r->mode && !r->uid && !r->mtime) {
			o->row.uid = keep.uid;
			o->row.gid = keep.gid;
			o->row.mode = keep.mode;
			o->row.mtime = keep.mtime;
			snprintf(o->row.owner, sizeof o->row.owner, "%s", keep.owner);
		}
		o->linked = named(r);
		o->present = true;
		take_holders(o, &o->inv, r);
		take_waits(o->waits, &o->nwaits, &o->inv, r);
		return;
	}
	/* not found: a name still linked is there with no holders */
	o->nholders = 0;
	o->nwaits = 0;
	o->present = o->linked;
	if (!o->linked && o->row.kind == OBJLIST_POSIX)
		o->row.kind = OBJLIST_DELETED; /* what it became, if anything */
}

/* The folder of o's object, open (a file's one component at a time, none
 * followed: other users own its path; /dev/shm as it is), and the
 * object's name in it; -1 with errno when it does not open. */
static int folder_of(const objmon *o, const char **name)
{
	if (o->row.kind != OBJLIST_FILE) {
		*name = o->row.name;
		return open(o->devshm, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	}
	return objlist_files_open_parent(o->row.name, name);
}

/* The bytes of an object with a name, in the preview's window. */
static void peek(objmon *o)
{
	o->have_bytes = false;
	o->nbytes = 0;
	if (o->row.kind == OBJLIST_MEMFD) {
		snprintf(o->nopreview, sizeof o->nopreview,
			 "no preview: a memfd object has no path to open");
		return;
	}
	if (o->row.kind == OBJLIST_SEM) {
		snprintf(o->nopreview, sizeof o->nopreview,
			 "no preview: a semaphore, not memory to read");
		return;
	}
	if (!o->linked || !o->present) {
		snprintf(o->nopreview, sizeof o->nopreview,
			 "no preview: the object is deleted; only its holders can reach it");
		return;
	}
	if (o->row.folder) {
		snprintf(o->nopreview, sizeof o->nopreview,
			 "no preview: a folder, its files read as one");
		return;
	}
	uint64_t size;
	char why[PREVIEW_LINE - 16];
	o->offset = preview_step(o->offset, 0, o->row.size); /* within it, if it shrank */
	if (o->map && o->map_size == o->row.size) {          /* the decode's mapping, at its size */
		size_t n = o->offset < o->map_size ? (size_t)(o->map_size - o->offset) : 0;
		o->nbytes = n < sizeof o->bytes ? n : sizeof o->bytes;
		if (objpeek_guarded_copy(o->bytes, (const unsigned char *)o->map + o->offset,
					 o->nbytes) == 0) {
			o->have_bytes = true;
			return;
		}
		o->nbytes = 0; /* shrank: read it afresh */
	}
	const char *name;
	int dfd = folder_of(o, &name);
	int rc = objpeek_read(dfd, name, o->row.dev, o->row.ino, o->offset, o->bytes,
			      sizeof o->bytes, &o->nbytes, &size, why, sizeof why);
	if (rc == 0 && o->nbytes == 0 && o->offset > 0) { /* shrank since it was stat()ed */
		o->offset = preview_step(o->offset, 0, size);
		rc = objpeek_read(dfd, name, o->row.dev, o->row.ino, o->offset, o->bytes,
				  sizeof o->bytes, &o->nbytes, &size, why, sizeof why);
	}
	if (dfd >= 0)
		close(dfd);
	if (rc < 0) {
		snprintf(o->nopreview, sizeof o->nopreview, "no preview: %s", why);
		return;
	}
	o->row.size = size;
	o->have_bytes = true;
}

static void unmap(objmon *o)
{
	if (o->map)
		munmap(o->map, o->map_size);
	if (o->map_fd >= 0)
		close(o->map_fd);
	o->map = NULL;
	o->map_size = 0;
	o->map_fd = -1;
}

/* No decoded copy: state and why. */
static void no_content(objmon *o, enum model_state state, const char *why)
{
	content_free(&o->c);
	o->have = false;
	o->state = state;
	snprintf(o->why, sizeof o->why, "%s", why);
}

/* Map the object by its name, read-only, if it is still the inode listed,
 * a regular file and at most OBJMON_MAP_MAX bytes: 0, or -1 with why. */
static int map_object(objmon *o)
{
	const char *name;
	char why[160];
	struct stat st;
	int dfd = folder_of(o, &name);
	int fd = objpeek_open(dfd, name, o->row.dev, o->row.ino, &st, why, sizeof why);
	if (dfd >= 0)
		close(dfd);
	if (fd < 0) {
		snprintf(o->why, sizeof o->why, "not decoded: %s", why);
		return -1;
	}
	if (st.st_size <= 0) {
		snprintf(o->why, sizeof o->why, "not decoded: the object is empty");
	} else if ((uint64_t)st.st_size > OBJMON_MAP_MAX) {
		snprintf(o->why, sizeof o->why,
			 "not decoded: %lld bytes, more than the %d MiB read",
			 (long long)st.st_size, (int)(OBJMON_MAP_MAX >> 20));
	} else {
		void *p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_SHARED, fd, 0);
		if (p != MAP_FAILED) {
			o->map_fd = fd;
			o->map = p;
			o->map_size = (size_t)st.st_size;
			return 0;
		}
		snprintf(o->why, sizeof o->why, "not decoded: mmap: %s", strerror(errno));
	}
	close(fd);
	return -1;
}

struct decode_call {
	objmon *o;
	const struct decode_want *w;
	char *why;
	size_t whylen;
	enum decode_status ds;
};

static void decode_call(void *arg)
{
	struct decode_call *d = arg;
	d->ds = decode_object(d->o->map, d->o->map_size, d->w, &d->o->c, d->why, d->whylen);
}

static void take(objmon *o, enum decode_status ds, const struct decoder *was, const char *why);

/* A folder's files, by the folder format that reads them: the folder
 * opened afresh (each component O_NOFOLLOW) and checked to be the one
 * listed. */
static void decode_dir(objmon *o)
{
	int fd = objlist_files_open_dir(o->row.name);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0 || (uint64_t)st.st_dev != o->row.dev ||
	    (uint64_t)st.st_ino != o->row.ino) {
		char why[sizeof o->why];
		snprintf(why, sizeof why, "not decoded: %s",
			 fd < 0 ? strerror(errno) : "the path is now another folder");
		if (fd >= 0)
			close(fd);
		no_content(o, MODEL_ERROR, why);
		return;
	}
	char why[256] = "";
	struct decode_want w = { .now_mono = clock_mono_ns(), .now_wall = clock_wall_ns() };
	const struct decoder *was = o->c.dec;
	enum decode_status ds = decode_folder(fd, &w, &o->c, why, sizeof why);
	close(fd);
	o->row.size = o->c.files.bytes;
	take(o, ds, was, why);
}

/* Decode the object's bytes, its mapping made again when its size
 * changed.  A SIGBUS (the object truncated during the decode) is a poll
 * skipped, the last copy kept. */
static void decode(objmon *o)
{
	bool named_obj = o->row.kind == OBJLIST_POSIX || o->row.kind == OBJLIST_FILE;
	if (!named_obj || !o->linked || !o->present) { /* no name to open: metadata alone */
		unmap(o);
		no_content(o, MODEL_FOREIGN, "");
		return;
	}
	if (o->row.folder) {
		decode_dir(o);
		return;
	}
	if (o->map && o->map_size != o->row.size)
		unmap(o);
	if (!o->map && map_object(o) < 0) {
		char why[sizeof o->why];
		memcpy(why, o->why, sizeof why);
		no_content(o, MODEL_ERROR, why);
		return;
	}
	char why[256] = "";
	struct decode_want w = { .now_mono = clock_mono_ns(), .now_wall = clock_wall_ns() };
	const struct decoder *was = o->c.dec;
	struct decode_call d = { o, &w, why, sizeof why, DECODE_ERROR };
	if (objpeek_guarded(decode_call, &d) < 0) {
		snprintf(o->why, sizeof o->why, "poll skipped: the object shrank while being read");
		if (!o->have)
			o->state = MODEL_ERROR;
		unmap(o); /* made again at its new size */
		return;
	}
	take(o, d.ds, was, why);
}

/* The model's state after a decode that said ds, why. */
static void take(objmon *o, enum decode_status ds, const struct decoder *was, const char *why)
{
	if (o->c.dec != was)
		o->have = false; /* another format: its first read */
	switch (ds) {
	case DECODE_OK:
	case DECODE_TORN:
		o->have = true;
		o->state = MODEL_LIVE;
		o->why[0] = '\0';
		return;
	case DECODE_EMPTY:
		o->state = MODEL_STARTING;
		snprintf(o->why, sizeof o->why, "%s", why);
		return;
	case DECODE_NOT_THIS:
		no_content(o, MODEL_FOREIGN, why[0] ? why : "no format shmtop reads");
		return;
	case DECODE_DAMAGED:
	case DECODE_BUSY:
	case DECODE_ERROR:
		o->state = o->have                ? MODEL_LIVE
			   : ds == DECODE_DAMAGED ? MODEL_DAMAGED
						  : MODEL_ERROR;
		snprintf(o->why, sizeof o->why, "%s", why);
		return;
	}
}

static void observe(objmon *o)
{
	struct events_objobs cur;
	memset(&cur, 0, sizeof cur);
	cur.present = o->present;
	cur.linked = o->linked;
	cur.size = o->row.size;
	cur.resident = o->row.resident;
	cur.scanned = o->scanned;
	cur.nholders = o->nholders;
	size_t kept = o->nholders < OBJMON_HOLDERS ? o->nholders : OBJMON_HOLDERS;
	for (size_t i = 0; i < kept && cur.npids < EVENTS_OBJ_PIDS; i++, cur.npids++) {
		cur.pids[cur.npids] = o->holders[i].pid;
		memcpy(cur.comm[cur.npids], o->holders[i].comm, sizeof cur.comm[0]);
		cur.comm[cur.npids][sizeof cur.comm[0] - 1] = '\0';
	}
	cur.nwaits = o->nwaits;
	memcpy(cur.waits, o->waits, sizeof cur.waits);
	if (o->have_prev)
		events_obj_diff(&o->prev, &cur, clock_wall_ns(), &o->ring);
	o->prev = cur;
	o->have_prev = true;
}

/* A JVM's hsperfdata names no writer; its file's path does: the pid of
 * .../hsperfdata_USER/PID, unless USER is a user here and not the file's
 * owner (a file whose name lies about whose it is). */
static void jvm_of_path(objmon *o)
{
	struct content_status *s = &o->c.status;
	int32_t pid;
	char user[40], buf[1024];
	struct passwd pw, *p = NULL;
	if (!o->have || s->known || o->c.dec != &decode_hsperf || o->row.kind != OBJLIST_FILE ||
	    !hsperf_pid_from_path(o->row.name, &pid, user, sizeof user))
		return;
	if (getpwnam_r(user, &pw, buf, sizeof buf, &p) == 0 && p && p->pw_uid != o->row.uid)
		return;
	s->known = true;
	s->pid = pid;
	s->start = 0; /* the pid alone */
}

/* A scan's waiters of the set or queue into look. */
static void scan_ipc(objmon *o, struct ipcobj *look)
{
	o->rescan = false;
	o->next_scan = clock_mono_ns() + OBJMON_SCAN_NS;
	if (collect(o) < 0)
		return;
	o->scanned = true;
	o->scan_ns = o->inv.scan_ns ? o->inv.scan_ns : clock_wall_ns();
	look->scanned = true;
	look->nwaits = 0;
	bool mq = o->row.kind == OBJLIST_MQUEUE;
	if (mq)
		o->nholders = 0;
	for (size_t i = 0; i < o->inv.n; i++) {
		const struct objlist_row *r = &o->inv.rows[i];
		if (r->kind == o->row.kind && (mq ? r->dev == o->row.dev && r->ino == o->row.ino
						  : r->ino == (uint64_t)o->row.ipc.id)) {
			take_waits(look->waits, &look->nwaits, &o->inv, r);
			if (mq) {
				take_holders(o, &o->inv, r);
				o->row.orphan = r->orphan;
				o->row.holders_unknown = r->holders_unknown;
			}
			break;
		}
	}
}

/* The set or queue taken into the row, its counters and the log. */
static void take_ipc(objmon *o, const struct ipcobj *look)
{
	struct objlist_row *r = &o->row;
	if (r->kind == OBJLIST_MQUEUE) {
		r->uid = look->mq.uid;
		r->gid = look->mq.gid;
		r->mode = look->mq.mode;
		r->mtime = look->mq.mtime_ns / NS_PER_SEC;
		r->size = look->mq.qsize;
		r->have_qsize = look->mq.have_qsize;
	} else {
		r->ipc = look->ipc;
		r->uid = look->ipc.uid;
		r->gid = look->ipc.gid;
		r->mode = look->ipc.mode;
		r->mtime = look->ipc.ctime;
		r->size = r->kind == OBJLIST_SYSV_MSG ? look->ipc.cbytes : 0;
	}
	o->present = true;
	if (r->kind == OBJLIST_SYSV_SEM && !look->values_ok) {
		no_content(o, MODEL_DENIED, look->why);
		return;
	}
	struct decode_want w = { .now_mono = clock_mono_ns(), .now_wall = clock_wall_ns() };
	if (ipcview_items(look, &o->totals, &o->seen) < 0 || seen_take(&o->seen, &o->c, &w) < 0) {
		no_content(o, MODEL_ERROR, "out of memory");
		return;
	}
	o->c.format = r->kind == OBJLIST_SYSV_SEM   ? IPCVIEW_SET_FORMAT
		      : r->kind == OBJLIST_SYSV_MSG ? IPCVIEW_QUEUE_FORMAT
						    : IPCVIEW_MQUEUE_FORMAT;
	o->c.status.known = false;
	o->c.status.control_id = -1;
	o->have = true;
	o->state = MODEL_LIVE;
	snprintf(o->why, sizeof o->why, "%s", look->why);
}

/* Look at the set or queue: /proc/sysvipc, its values, a scan when due.
 * Once its id is gone or another object's, it is removed: the last look
 * stays. */
static void poll_ipc(objmon *o)
{
	if (o->ipc_seen && !o->present)
		return;
	struct ipcobj look = o->look; /* its waits, until a scan */
	const char *path =
	    o->row.kind == OBJLIST_SYSV_SEM ? o->inv.sysvsem_path : o->inv.sysvmsg_path;
	int64_t wall = clock_wall_ns();
	bool mq = o->row.kind == OBJLIST_MQUEUE;
	if (mq)
		ipcobj_read_mq(&look, &o->row, o->inv.have_mqueue ? o->inv.mqueue_dir : NULL);
	else if (ipcobj_read(&look, o->row.kind, o->row.ipc.id, path) < 0 && !o->ipc_seen)
		look.present = false;
	look.wall_ns = wall;
	if (look.present && (o->rescan || clock_mono_ns() >= o->next_scan))
		scan_ipc(o, &look);
	bool first = !o->ipc_seen;
	o->ipc_seen = true;
	if (first) {
		/* the baseline; its creation (or last IPC_SET) is its ctime */
		struct ipcobj none = { .kind = o->row.kind };
		if (mq && look.present && !ipcobj_other(&o->look, &look)) {
			events_ipc_diff(&none, &look, wall, &o->ring); /* no creation time kept */
		} else if (look.present && !ipcobj_other(&o->look, &look)) {
			struct event e = { .wall_ns = look.ipc.ctime * NS_PER_SEC,
					   .kind = EVENT_CREATED,
					   .shmid = look.ipc.id,
					   .key = look.ipc.key };
			snprintf(e.text, sizeof e.text,
				 "%s %s %d (its ctime: its creation or last IPC_SET)",
				 o->row.kind == OBJLIST_SYSV_SEM ? "semaphore set"
								 : "message queue",
				 o->row.kind == OBJLIST_SYSV_SEM ? "semid" : "msqid", look.ipc.id);
			events_push(&o->ring, &e);
		} else {
			events_ipc_diff(&o->look, &none, wall, &o->ring);
			o->present = false;
			no_content(o, MODEL_REMOVED, "");
			return;
		}
	} else {
		events_ipc_diff(&o->look, &look, wall, &o->ring);
		if (!look.present || ipcobj_other(&o->look, &look)) {
			o->present = false;
			o->look.nwaits = 0;
			o->look.mq.other = look.mq.other;
			o->nholders = 0;
			return; /* the last counters stay, the view says removed */
		}
		uint64_t sent, received;
		ipcview_estimate(&o->look, &look, &sent, &received);
		o->totals.sent =
		    o->totals.sent > UINT64_MAX - sent ? UINT64_MAX : o->totals.sent + sent;
		o->totals.received = o->totals.received > UINT64_MAX - received
					 ? UINT64_MAX
					 : o->totals.received + received;
	}
	o->look = look;
	take_ipc(o, &o->look);
}

void objmon_poll(objmon *o)
{
	if (o->ipc) {
		poll_ipc(o);
		return;
	}
	stat_name(o);
	if (o->rescan || clock_mono_ns() >= o->next_scan)
		scan(o);
	decode(o);
	jvm_of_path(o);
	/* a writer the bytes (or a JVM's path) name, alive or not (its start
	 * time when they give one, else the pid alone) */
	o->writer_alive = o->have && o->c.status.known &&
			  proc_watch_alive(&o->watch, o->c.status.pid, o->c.status.start) != 0;
	if (!o->writer_alive || proc_comm(o->c.status.pid, o->comm, sizeof o->comm) < 0)
		snprintf(o->comm, sizeof o->comm, "?");
	peek(o);
	observe(o);
}

void objmon_rescan(objmon *o)
{
	o->rescan = true;
}

void objmon_input(const objmon *o, struct model_object *in)
{
	memset(in, 0, sizeof *in);
	in->row = &o->row;
	in->present = o->present;
	in->holders = o->holders;
	in->nholders = o->nholders < OBJMON_HOLDERS ? o->nholders : OBJMON_HOLDERS;
	in->scanned = o->scanned;
	in->scan_ns = o->scan_ns;
	in->now_wall_ns = clock_wall_ns();
	in->self_pid = getpid();
	in->devshm = o->devshm;
	in->held.state = o->state;
	in->held.why = o->why;
	in->held.content = o->have ? &o->c : NULL;
	in->held.writer_alive = o->writer_alive;
	in->held.writer_comm = o->comm;
	in->held.now_mono = clock_mono_ns();
	in->ipc = o->ipc ? &o->look : NULL;
	in->waits = o->ipc ? NULL : o->waits;
	in->nwaits = o->ipc ? 0 : o->nwaits;
}

const struct content *objmon_content(const objmon *o, enum model_state *state, const char **why)
{
	*state = o->state;
	*why = o->why;
	return o->have ? &o->c : NULL;
}

void objmon_select(objmon *o, int step)
{
	struct content *c = &o->c;
	if (!o->have || !c->named || c->nctr == 0)
		return;
	long to = (long)c->selected + step;
	to = to < 0 ? 0 : to;
	if ((size_t)to >= c->nctr)
		to = (long)c->nctr - 1;
	if ((size_t)to == c->selected)
		return;
	content_select(c, (size_t)to);
	if (o->ipc) {
		struct decode_want w = { .now_mono = clock_mono_ns(), .now_wall = clock_wall_ns() };
		seen_take(&o->seen, c, &w); /* its history, from what is seen */
		return;
	}
	if (o->map || o->row.folder)
		decode(o);
}

void objmon_clear_history(objmon *o)
{
	if (o->have)
		o->c.hist_floor = o->c.status.hist_next;
	o->c.nhist = 0;
}

void objmon_preview(const objmon *o, size_t width, struct preview *out)
{
	if (o->have_bytes)
		preview_format(o->bytes, o->nbytes, o->offset, o->row.size, width, out);
	else
		preview_none(o->nopreview[0] ? o->nopreview : "no preview yet", out);
}

const struct events_ring *objmon_events(const objmon *o)
{
	return &o->ring;
}

void objmon_scroll(objmon *o, int pages)
{
	uint64_t to = preview_step(o->offset, pages, o->row.size);
	if (to == o->offset)
		return;
	o->offset = to;
	peek(o);
}

bool objmon_ipc(const objmon *o)
{
	return o->ipc;
}

void objmon_free(objmon *o)
{
	if (!o)
		return;
	objlist_free(&o->inv);
	free(o->inv.rows);
	unmap(o);
	content_free(&o->c);
	seen_free(&o->seen);
	proc_watch_close(&o->watch);
	free(o);
}
