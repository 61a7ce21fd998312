/* SPDX-License-Identifier: MIT */
/*
 * The pure half of who is blocked on what (objlist_wait.h): the syscall
 * line, the credentials, the kernel's permission rule, and the join of a
 * scan's claims with the rows at collect.
 */
#include "objlist_wait.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>

#define CAP_IPC_OWNER_BIT 15 /* linux/capability.h's CAP_IPC_OWNER */

/* One number of a syscall line: decimal for the first, "0x" hex after. */
static bool number(const char **p, bool hex, unsigned long long *v, bool *neg)
{
	const char *s = *p;
	while (*s == ' ')
		s++;
	*neg = false;
	if (!hex && *s == '-') {
		*neg = true;
		s++;
	}
	if (hex && (s[0] != '0' || s[1] != 'x'))
		return false;
	if (hex)
		s += 2;
	if (!(hex ? (*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f') : *s >= '0' && *s <= '9'))
		return false;
	char *end;
	errno = 0;
	*v = strtoull(s, &end, hex ? 16 : 10);
	if (errno == ERANGE || (*end != ' ' && *end != '\n' && *end != '\0'))
		return false;
	*p = end;
	return true;
}

int objlist_wait_parse_syscall(const char *line, long *nr, uint64_t args[OBJLIST_SYSCALL_ARGS])
{
	if (strcmp(line, "running") == 0 || strcmp(line, "running\n") == 0)
		return 0;
	const char *p = line;
	unsigned long long v;
	bool neg;
	if (!number(&p, false, &v, &neg) || v > LONG_MAX)
		return -1;
	if (neg) { /* blocked, not in a system call: "-1 SP PC" */
		unsigned long long sp, pc;
		if (v != 1 || !number(&p, true, &sp, &neg) || !number(&p, true, &pc, &neg))
			return -1;
		while (*p == ' ' || *p == '\n')
			p++;
		return *p ? -1 : 0;
	}
	long n = (long)v;
	uint64_t a[OBJLIST_SYSCALL_ARGS + 2];
	for (int i = 0; i < OBJLIST_SYSCALL_ARGS + 2; i++) {
		if (!number(&p, true, &v, &neg))
			return -1;
		a[i] = v;
	}
	while (*p == ' ' || *p == '\n')
		p++;
	if (*p)
		return -1;
	*nr = n;
	memcpy(args, a, OBJLIST_SYSCALL_ARGS * sizeof *args);
	return 1;
}

int objlist_wait_op_of(long nr)
{
	switch (nr) {
#ifdef SYS_semop
	case SYS_semop: return OBJLIST_WAIT_SEM;
#endif
#ifdef SYS_semtimedop
	case SYS_semtimedop: return OBJLIST_WAIT_SEM;
#endif
#ifdef SYS_msgrcv
	case SYS_msgrcv: return OBJLIST_WAIT_MSGRCV;
#endif
#ifdef SYS_msgsnd
	case SYS_msgsnd: return OBJLIST_WAIT_MSGSND;
#endif
#ifdef SYS_mq_timedreceive
	case SYS_mq_timedreceive: return OBJLIST_WAIT_MQRCV;
#endif
#ifdef SYS_mq_timedsend
	case SYS_mq_timedsend: return OBJLIST_WAIT_MQSND;
#endif
#ifdef SYS_futex
	case SYS_futex: return OBJLIST_WAIT_FUTEX;
#endif
	default: return -1;
	}
}

const char *objlist_wait_op_name(enum objlist_wait_op op)
{
	switch (op) {
	case OBJLIST_WAIT_SEM: return "semop";
	case OBJLIST_WAIT_MSGRCV: return "msgrcv";
	case OBJLIST_WAIT_MSGSND: return "msgsnd";
	case OBJLIST_WAIT_MQRCV: return "mq_receive";
	case OBJLIST_WAIT_MQSND: return "mq_send";
	case OBJLIST_WAIT_FUTEX: return "futex";
	}
	return "?";
}

/* The value of the line of status that starts with field ("Uid:"), or NULL. */
static const char *field(const char *status, const char *name)
{
	size_t n = strlen(name);
	for (const char *p = status; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (strncmp(p, name, n) == 0)
			return p + n;
	return NULL;
}

/* The k-th (from 0) decimal number of a status value, into *v. */
static bool nth(const char *p, int k, unsigned long *v)
{
	for (int i = 0; p; i++) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p < '0' || *p > '9')
			return false;
		char *end;
		errno = 0;
		unsigned long x = strtoul(p, &end, 10);
		if (errno == ERANGE || x > UINT_MAX)
			return false;
		if (i == k) {
			*v = x;
			return true;
		}
		p = end;
	}
	return false;
}

int objlist_wait_parse_status(const char *status, struct objlist_wait_seen *w)
{
	const char *uid = field(status, "Uid:"), *gid = field(status, "Gid:"),
		   *cap = field(status, "CapEff:"), *groups = field(status, "Groups:");
	unsigned long euid, fsgid, last;
	if (!uid || !gid || !cap || !nth(uid, 1, &euid) || !nth(uid, 3, &last) ||
	    !nth(gid, 3, &fsgid))
		return -1; /* the kernel writes four of each: real, effective, saved, fs */
	while (*cap == ' ' || *cap == '\t')
		cap++;
	char *end;
	errno = 0;
	unsigned long long caps = strtoull(cap, &end, 16);
	if (errno == ERANGE || end == cap)
		return -1;
	w->euid = (uid_t)euid;
	w->fsgid = (gid_t)fsgid;
	w->ipc_owner = caps >> CAP_IPC_OWNER_BIT & 1;
	w->ngroups = 0;
	unsigned long g;
	for (int i = 0; groups && w->ngroups < OBJLIST_WAIT_GROUPS && nth(groups, i, &g); i++)
		w->groups[w->ngroups++] = (gid_t)g;
	return 0;
}

static bool in_group(const struct objlist_wait_seen *w, gid_t gid)
{
	if (w->fsgid == gid)
		return true;
	for (unsigned i = 0; i < w->ngroups && i < OBJLIST_WAIT_GROUPS; i++)
		if (w->groups[i] == gid)
			return true;
	return false;
}

bool objlist_wait_permitted(const struct objlist_wait_seen *w, const struct objlist_row *r)
{
	if (!objlist_kind_ipc(r->kind) || w->ipc_owner)
		return true;
	unsigned want = 4; /* read: semop() waiting for zero, msgrcv() */
	if (w->w.op == OBJLIST_WAIT_MSGSND ||
	    (w->w.op == OBJLIST_WAIT_SEM && w->w.semnum >= 0 && w->w.semop != 0))
		want = 2; /* write: msgsnd(), a semop() that alters */
	unsigned granted = r->ipc.mode & 0777;
	if (w->euid == r->ipc.cuid || w->euid == r->ipc.uid)
		granted >>= 6;
	else if (in_group(w, r->ipc.cgid) || in_group(w, r->ipc.gid))
		granted >>= 3;
	return (want & ~granted & 7) == 0;
}

/* The class of a kind as waits name objects: a segment's shmid, a set's
 * semid and a queue's msqid are three name spaces; every other object is
 * its device and inode. */
static int kind_class(enum objlist_kind k)
{
	switch (k) {
	case OBJLIST_SYSV: return 0;
	case OBJLIST_SYSV_SEM: return 1;
	case OBJLIST_SYSV_MSG: return 2;
	default: return 3;
	}
}

static int cmp_u64(uint64_t a, uint64_t b)
{
	return (a > b) - (a < b);
}

static int object_cmp(enum objlist_kind ka, uint64_t deva, uint64_t inoa, enum objlist_kind kb,
		      uint64_t devb, uint64_t inob)
{
	int c = kind_class(ka) - kind_class(kb);
	if (c)
		return c;
	c = cmp_u64(deva, devb);
	return c ? c : cmp_u64(inoa, inob);
}

static int wait_cmp(const struct objlist_wait *a, const struct objlist_wait *b)
{
	int c = object_cmp(a->kind, a->dev, a->ino, b->kind, b->dev, b->ino);
	return c ? c : (a->pid > b->pid) - (a->pid < b->pid);
}

int objlist_wait_seen_compare(const void *pa, const void *pb)
{
	const struct objlist_wait_seen *a = pa, *b = pb;
	return wait_cmp(&a->w, &b->w);
}

void objlist_wait_carry(struct objlist_wait_seen *now, size_t n,
			const struct objlist_wait_seen *old, size_t nold)
{
	for (size_t i = 0; i < n; i++) {
		size_t lo = 0, hi = nold;
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			if (wait_cmp(&old[mid].w, &now[i].w) < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
		if (lo < nold && wait_cmp(&old[lo].w, &now[i].w) == 0 &&
		    old[lo].starttime == now[i].starttime && old[lo].w.op == now[i].w.op &&
		    old[lo].w.since_ns < now[i].w.since_ns)
			now[i].w.since_ns = old[lo].w.since_ns;
	}
}

/* The rows' order by object, for the join (qsort_r's argument: the rows). */
static int row_cmp(const void *pa, const void *pb, void *arg)
{
	const struct objlist_row *rows = arg, *a = &rows[*(const size_t *)pa],
				 *b = &rows[*(const size_t *)pb];
	return object_cmp(a->kind, a->dev, a->ino, b->kind, b->dev, b->ino);
}

/* Does the claim w hold for row r of s? */
static bool holds(const struct objlist *s, const struct objlist_wait_seen *w,
		  const struct objlist_row *r)
{
	if (kind_class(r->kind) < 3 && w->ipcns != s->own_ipcns)
		return false; /* an id of another IPC namespace */
	return objlist_wait_permitted(w, r);
}

bool objlist_wait_claimed(const struct objlist *s, const struct objlist_row *r)
{
	size_t lo = 0, hi = s->nwseen;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct objlist_wait *w = &s->wseen[mid].w;
		if (object_cmp(w->kind, w->dev, w->ino, r->kind, r->dev, r->ino) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < s->nwseen; lo++) {
		const struct objlist_wait *w = &s->wseen[lo].w;
		if (object_cmp(w->kind, w->dev, w->ino, r->kind, r->dev, r->ino))
			break;
		if (holds(s, &s->wseen[lo], r))
			return true;
	}
	return false;
}

static int cmp_pid(const void *a, const void *b)
{
	pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;
	return (x > y) - (x < y);
}

/* The processes among waits[0 .. n): a process's threads each wait (out
 * of memory: n, at most that). */
static size_t distinct_pids(const struct objlist_wait *waits, size_t n)
{
	pid_t *p = malloc((n ? n : 1) * sizeof *p);
	if (!p)
		return n;
	for (size_t i = 0; i < n; i++)
		p[i] = waits[i].pid;
	qsort(p, n, sizeof *p, cmp_pid);
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		k += i == 0 || p[i] != p[i - 1];
	free(p);
	return k;
}

int objlist_wait_join(struct objlist *s)
{
	s->nwaits = 0;
	s->blocked = 0;
	for (size_t i = 0; i < s->n; i++)
		s->rows[i].wait0 = s->rows[i].nwaits = 0;
	if (!s->nwseen || !s->n)
		return 0;
	size_t *idx = malloc(s->n * sizeof *idx), nidx = 0;
	struct objlist_wait *w = realloc(s->waits, s->nwseen * sizeof *w);
	if (!idx || !w) {
		free(idx);
		if (w)
			s->waits = w;
		return -1;
	}
	s->waits = w;
	for (size_t i = 0; i < s->n; i++)
		if (!(s->rows[i].kind == OBJLIST_SYSV && s->rows[i].ipcns)) /* another ns's */
			idx[nidx++] = i;
	qsort_r(idx, nidx, sizeof *idx, row_cmp, s->rows);
	size_t j = 0;
	const struct objlist_row *prev = NULL;
	for (size_t k = 0; k < nidx; k++) {
		struct objlist_row *r = &s->rows[idx[k]];
		if (prev && row_cmp(&idx[k - 1], &idx[k], s->rows) == 0) {
			r->wait0 = prev->wait0; /* one object, two rows */
			r->nwaits = prev->nwaits;
			continue;
		}
		prev = r;
		while (j < s->nwseen && object_cmp(s->wseen[j].w.kind, s->wseen[j].w.dev,
						   s->wseen[j].w.ino, r->kind, r->dev, r->ino) < 0)
			j++;
		r->wait0 = s->nwaits;
		for (; j < s->nwseen && object_cmp(s->wseen[j].w.kind, s->wseen[j].w.dev,
						   s->wseen[j].w.ino, r->kind, r->dev, r->ino) == 0;
		     j++) {
			if (!holds(s, &s->wseen[j], r))
				continue;
			struct objlist_wait *x = &s->waits[s->nwaits++];
			*x = s->wseen[j].w;
			x->kind = r->kind;
			if (x->op == OBJLIST_WAIT_SEM && x->semnum >= 0 &&
			    (uint64_t)x->semnum >= r->ipc.nsems) {
				x->semnum = -1; /* not what the kernel let it wait on */
				x->semop = 0;
			}
		}
		r->nwaits = s->nwaits - r->wait0;
	}
	free(idx);
	s->blocked = distinct_pids(s->waits, s->nwaits);
	return 0;
}
