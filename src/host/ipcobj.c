/* SPDX-License-Identifier: MIT */
/*
 * A set's or queue's line of /proc/sysvipc, then the calls that need read
 * permission, each checked against the line so that an object recreated
 * on the id between them is not taken for the one listed.
 */
#include "ipcobj.h"

#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <stdio.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/stat.h>
#include <unistd.h>

#include "objlist_files.h"
#include "objlist_mqueue.h"
#include "proc.h"

union ipcobj_semun {
	int val;
	struct semid_ds *buf;
	unsigned short *array;
};

static void no_values(struct ipcobj *o, int err)
{
	o->values_ok = false;
	o->nsem = 0;
	if (err == EACCES || err == EPERM)
		snprintf(o->why, sizeof o->why,
			 "no read permission (mode %03o): %s need it; /proc/sysvipc's fields shown",
			 o->ipc.mode,
			 o->kind == OBJLIST_SYSV_SEM ? "the semaphores' values" : "qbytes");
	else if (err == EINVAL || err == EIDRM)
		snprintf(o->why, sizeof o->why, "removed or recreated while read");
	else
		snprintf(o->why, sizeof o->why, "not read: %s", strerror(err));
}

/* The stat of the set still the one listed (its ctime may have moved
 * since: SETVAL does that)? */
static bool same_set(const struct ipcobj *o, const struct semid_ds *ds)
{
	return ds->sem_perm.__key == o->ipc.key && (uint64_t)ds->sem_nsems == o->ipc.nsems &&
	       (int64_t)ds->sem_ctime >= o->ipc.ctime;
}

static void read_set(struct ipcobj *o)
{
	struct semid_ds ds;
	union ipcobj_semun arg = { .buf = &ds };
	if (semctl(o->ipc.id, 0, IPC_STAT, arg) < 0) {
		no_values(o, errno);
		return;
	}
	if (!same_set(o, &ds)) {
		no_values(o, EIDRM);
		return;
	}
	size_t n = o->ipc.nsems < IPCOBJ_SEMS ? (size_t)o->ipc.nsems : IPCOBJ_SEMS;
	for (size_t i = 0; i < n; i++) {
		struct ipcobj_sem *s = &o->sem[i];
		int v = semctl(o->ipc.id, (int)i, GETVAL), p = semctl(o->ipc.id, (int)i, GETPID);
		int nc = semctl(o->ipc.id, (int)i, GETNCNT),
		    zc = semctl(o->ipc.id, (int)i, GETZCNT);
		if (v < 0 || p < 0 || nc < 0 || zc < 0) {
			no_values(o, errno);
			return;
		}
		*s = (struct ipcobj_sem){ (unsigned)v, p, (unsigned)nc, (unsigned)zc };
	}
	/* the same set after the reads, or they may be another's */
	arg.buf = &ds;
	if (semctl(o->ipc.id, 0, IPC_STAT, arg) < 0 || !same_set(o, &ds)) {
		no_values(o, EIDRM);
		return;
	}
	o->nsem = n;
	o->values_ok = true;
	o->ipc.otime = ds.sem_otime; /* the newer of the two reads */
	o->ipc.ctime = ds.sem_ctime;
}

static void read_queue(struct ipcobj *o)
{
	struct msqid_ds ds;
	if (msgctl(o->ipc.id, IPC_STAT, &ds) < 0) {
		no_values(o, errno);
		return;
	}
	if (ds.msg_perm.__key != o->ipc.key || (int64_t)ds.msg_ctime != o->ipc.ctime) {
		no_values(o, EIDRM);
		return;
	}
	o->qbytes = ds.msg_qbytes;
	/* the newer of the two looks */
	o->ipc.qnum = ds.msg_qnum;
	o->ipc.cbytes = ds.__msg_cbytes;
	o->ipc.lspid = ds.msg_lspid;
	o->ipc.lrpid = ds.msg_lrpid;
	o->ipc.stime = ds.msg_stime;
	o->ipc.rtime = ds.msg_rtime;
	o->values_ok = true;
}

/* The process p operated last at time t, added to o->ops (once a pid). */
static struct ipcobj_op *add_op(struct ipcobj *o, pid_t p, int64_t t)
{
	if (p <= 0)
		return NULL;
	for (size_t i = 0; i < o->nops; i++)
		if (o->ops[i].pid == p)
			return &o->ops[i];
	if (o->nops == IPCOBJ_OPS)
		return NULL;
	struct ipcobj_op *op = &o->ops[o->nops++];
	memset(op, 0, sizeof *op);
	op->pid = p;
	if (proc_comm_since(p, t, op->comm, sizeof op->comm, &op->uid) < 0)
		op->comm[0] = '\0';
	return op;
}

/* An IPC_STAT's ownership and mode into p, as /proc/sysvipc gives them. */
static void take_perm(struct sysvipc_ipc *p, const struct ipc_perm *perm)
{
	p->key = perm->__key;
	p->perms = perm->mode & 0777;
	p->mode = perm->mode & 0777;
	p->uid = perm->uid;
	p->gid = perm->gid;
	p->cuid = perm->cuid;
	p->cgid = perm->cgid;
}

/* The fields /proc/sysvipc gives, from IPC_STAT when this user may read
 * the object: one call, where the file is a line of every set or queue on
 * the host (1.4 ms a read among 1,000 sets).  1, 0 (no object on the id),
 * or -1 with errno (no permission). */
static int stat_id(struct ipcobj *o, int id)
{
	struct sysvipc_ipc *p = &o->ipc;
	memset(p, 0, sizeof *p);
	p->id = id;
	if (o->kind == OBJLIST_SYSV_SEM) {
		struct semid_ds ds;
		union ipcobj_semun arg = { .buf = &ds };
		if (semctl(id, 0, IPC_STAT, arg) < 0)
			return errno == EINVAL || errno == EIDRM ? 0 : -1;
		p->file = SYSVIPC_SEM;
		p->nsems = ds.sem_nsems;
		p->otime = ds.sem_otime;
		p->ctime = ds.sem_ctime;
		take_perm(p, &ds.sem_perm);
		return 1;
	}
	struct msqid_ds ds;
	if (msgctl(id, IPC_STAT, &ds) < 0)
		return errno == EINVAL || errno == EIDRM ? 0 : -1;
	p->file = SYSVIPC_MSG;
	p->cbytes = ds.__msg_cbytes;
	p->qnum = ds.msg_qnum;
	p->lspid = ds.msg_lspid;
	p->lrpid = ds.msg_lrpid;
	p->stime = ds.msg_stime;
	p->rtime = ds.msg_rtime;
	p->ctime = ds.msg_ctime;
	take_perm(p, &ds.msg_perm);
	return 1;
}

/* A new look of kind at o: nothing read yet (the waiters and the scan's
 * fields are the caller's). */
static void begin_look(struct ipcobj *o, enum objlist_kind kind)
{
	o->kind = kind;
	o->present = false;
	o->values_ok = false;
	o->why[0] = '\0';
	o->nsem = 0;
	o->nops = 0;
	o->qbytes = 0;
}

int ipcobj_read(struct ipcobj *o, enum objlist_kind kind, int id, const char *path)
{
	begin_look(o, kind);
	bool set = kind == OBJLIST_SYSV_SEM;
	int got = path ? -1 : stat_id(o, id);
	if (got < 0) /* no permission (or a test's file): what /proc says */
		got = sysvipc_ipc_find(set ? SYSVIPC_SEM : SYSVIPC_MSG, path, id, &o->ipc);
	if (got <= 0) {
		if (got < 0)
			snprintf(o->why, sizeof o->why, "/proc/sysvipc/%s: %s", set ? "sem" : "msg",
				 strerror(errno));
		return got < 0 ? -1 : 0;
	}
	o->present = true;
	if (path) /* a test's file: no object of the kernel's to ask */
		snprintf(o->why, sizeof o->why, "values not read (a file, not the kernel's)");
	else if (set)
		read_set(o);
	else
		read_queue(o);
	if (set) {
		for (size_t i = 0; i < o->nsem; i++) {
			struct ipcobj_op *op = add_op(o, o->sem[i].pid, o->ipc.otime);
			if (op)
				op->sems++;
		}
	} else {
		struct ipcobj_op *op = add_op(o, o->ipc.lspid, o->ipc.stime);
		if (op)
			op->send = true;
		op = add_op(o, o->ipc.lrpid, o->ipc.rtime);
		if (op)
			op->recv = true;
	}
	return 0;
}

/* Seconds and nanoseconds as nanoseconds, saturated (a queue's owner sets
 * its times with utimensat()). */
static int64_t ns_of(int64_t sec, long nsec)
{
	const int64_t g = 1000000000;
	if (sec > (INT64_MAX - g) / g)
		return INT64_MAX;
	if (sec < INT64_MIN / g + 1)
		return INT64_MIN;
	return sec * g + nsec;
}

/* The queue's stat and text into o->mq: from its open file qfd. */
static void mq_take(struct ipcobj *o, int qfd, const struct stat *st)
{
	struct ipcobj_mq *q = &o->mq;
	struct objlist_mqueue_info info;
	q->uid = st->st_uid;
	q->gid = st->st_gid;
	q->mode = st->st_mode & 0777;
	q->mtime_ns = ns_of(st->st_mtim.tv_sec, st->st_mtim.tv_nsec);
	q->have_qsize = qfd >= 0 && objlist_mqueue_read(qfd, &info) == 0;
	q->qsize = q->have_qsize ? info.qsize : 0;
	q->notify_pid = q->have_qsize ? info.notify_pid : 0;
}

/* Its attributes from a descriptor of its own, if the name still opens
 * the inode listed (and its text through it, with no mount to read). */
static void mq_attrs(struct ipcobj *o, bool text)
{
	struct ipcobj_mq *q = &o->mq;
	struct stat st;
	struct mq_attr a;
	mqd_t d = mq_open(q->name, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (d == (mqd_t)-1) {
		int err = errno;
		if (err == ENOENT && text)
			o->present = false;
		else if (err == EACCES || err == EPERM)
			snprintf(o->why, sizeof o->why,
				 "no read permission (mode %03o): mq_getattr() needs it%s", q->mode,
				 q->have_qsize ? "; QSIZE shown" : "");
		else
			snprintf(o->why, sizeof o->why, "mq_open: %s", strerror(err));
		return;
	}
	if (fstat((int)d, &st) < 0 || (uint64_t)st.st_dev != q->dev ||
	    (uint64_t)st.st_ino != q->ino) {
		if (text) { /* the name is all there is to go by */
			o->present = false;
			q->other = true;
		} else
			snprintf(o->why, sizeof o->why, "removed or recreated while read");
		mq_close(d);
		return;
	}
	if (text)
		mq_take(o, (int)d, &st);
	if (mq_getattr(d, &a) == 0) {
		q->curmsgs = a.mq_curmsgs > 0 ? (uint64_t)a.mq_curmsgs : 0;
		q->maxmsg = a.mq_maxmsg > 0 ? (uint64_t)a.mq_maxmsg : 0;
		q->msgsize = a.mq_msgsize > 0 ? (uint64_t)a.mq_msgsize : 0;
		o->values_ok = true;
	} else {
		snprintf(o->why, sizeof o->why, "mq_getattr: %s", strerror(errno));
	}
	mq_close(d);
}

int ipcobj_read_mq(struct ipcobj *o, const struct objlist_row *r, const char *dir)
{
	struct ipcobj_mq *q = &o->mq;
	begin_look(o, OBJLIST_MQUEUE);
	memset(&o->ipc, 0, sizeof o->ipc);
	memset(q, 0, sizeof *q);
	snprintf(q->name, sizeof q->name, "%s", r->name);
	q->dev = r->dev;
	q->ino = r->ino;
	q->uid = r->uid;
	q->gid = r->gid;
	q->mode = r->mode;
	q->mtime_ns = ns_of(r->mtime, 0);
	static const char del[] = " (deleted)";
	size_t n = strlen(r->name), d = sizeof del - 1;
	if (r->name[0] != '/' || n < 2 || strchr(r->name + 1, '/') ||
	    (n > d && strcmp(r->name + n - d, del) == 0))
		return 0; /* no name to look it up by: unlinked, only its holders reach it */
	if (!dir || r->place != OBJLIST_IN_DEVSHM) { /* known from fds: by the name alone */
		o->present = true;
		mq_attrs(o, true);
		return 0;
	}
	struct stat st, qt;
	int dfd = objlist_files_open_dir(dir);
	if (dfd < 0)
		return 0;
	const char *name = r->name + 1;
	if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		close(dfd);
		return 0;
	}
	if (!S_ISREG(st.st_mode) || (uint64_t)st.st_dev != r->dev ||
	    (uint64_t)st.st_ino != r->ino) {
		q->other = true;
		close(dfd);
		return 0;
	}
	o->present = true;
	int qfd = objlist_files_open_at(dfd, name, r->dev, r->ino, &qt);
	close(dfd);
	mq_take(o, qfd, qfd >= 0 ? &qt : &st);
	if (qfd >= 0)
		close(qfd);
	mq_attrs(o, false);
	return 0;
}

bool ipcobj_other(const struct ipcobj *prev, const struct ipcobj *cur)
{
	if (prev->kind == OBJLIST_MQUEUE)
		return prev->mq.dev != cur->mq.dev || prev->mq.ino != cur->mq.ino || cur->mq.other;
	const struct sysvipc_ipc *a = &prev->ipc, *b = &cur->ipc;
	if (a->id != b->id || a->key != b->key || b->ctime < a->ctime)
		return true;
	if (prev->kind == OBJLIST_SYSV_SEM) /* SETVAL and SETALL move ctime */
		return a->nsems != b->nsems || b->otime < a->otime;
	return a->ctime != b->ctime || b->stime < a->stime || b->rtime < a->rtime;
}

bool ipcobj_full(const struct ipcobj *o)
{
	if (o->kind == OBJLIST_MQUEUE)
		return o->values_ok && o->mq.maxmsg && o->mq.curmsgs >= o->mq.maxmsg;
	return o->values_ok && (o->ipc.cbytes >= o->qbytes || o->ipc.qnum >= o->qbytes);
}
