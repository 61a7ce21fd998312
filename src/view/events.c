/* SPDX-License-Identifier: MIT */
/*
 * Lifecycle events from two observations of a segment.  Within one diff the
 * events are appended in the order they most likely happened: creation or
 * re-creation, attaches, the writer's own events, detaches, removal.  The
 * watched segment's log turns the monitor's view into an events_obs and
 * keeps the last one to diff the next against.
 */
#include "events.h"

#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "control.h"
#include "escape.h"
#include "format.h"
#include "ipcview.h"
#include "record.h"

static const char *const kind_names[EVENT_NKINDS] = {
	[EVENT_CREATED] = "created",
	[EVENT_GONE] = "gone",
	[EVENT_ATTACH] = "attach",
	[EVENT_DETACH] = "detach",
	[EVENT_REMOVED] = "removed",
	[EVENT_RECREATED] = "recreated",
	[EVENT_WRITER_START] = "writer start",
	[EVENT_TAKEOVER] = "takeover",
	[EVENT_STOP] = "stop",
	[EVENT_DEATH] = "death",
	[EVENT_PAUSE] = "pause",
	[EVENT_RESUME] = "resume",
	[EVENT_RESET] = "reset",
	[EVENT_RESIZE] = "resize",
	[EVENT_RESIDENT] = "resident",
	[EVENT_WAIT] = "wait",
	[EVENT_UNWAIT] = "unwait",
	[EVENT_FULL] = "full",
	[EVENT_EMPTY] = "empty",
	[EVENT_NOTIFY] = "notify",
};

const char *events_kind_name(enum event_kind k)
{
	return (unsigned)k < EVENT_NKINDS ? kind_names[k] : "?";
}

void events_init(struct events_ring *r)
{
	memset(r, 0, sizeof *r);
}

void events_push(struct events_ring *r, const struct event *e)
{
	r->ev[r->next % EVENTS_MAX] = *e;
	r->next++;
}

size_t events_count(const struct events_ring *r)
{
	return r->next < EVENTS_MAX ? (size_t)r->next : EVENTS_MAX;
}

const struct event *events_get(const struct events_ring *r, size_t i)
{
	size_t n = events_count(r);
	if (i >= n)
		return NULL;
	return &r->ev[(r->next - n + i) % EVENTS_MAX];
}

/* The diff being built. */
struct diff {
	struct events_ring *ring;
	const struct events_obs *cur;
	int64_t wall_ns;
	size_t added;
};

/* Push one event, its text formatted from fmt and ap. */
static void vpush(struct events_ring *r, int64_t wall_ns, enum event_kind kind, int shmid,
		  key_t key, pid_t pid, uint64_t n, const char *fmt, va_list ap)
    __attribute__((format(printf, 8, 0)));
static void vpush(struct events_ring *r, int64_t wall_ns, enum event_kind kind, int shmid,
		  key_t key, pid_t pid, uint64_t n, const char *fmt, va_list ap)
{
	struct event e;
	memset(&e, 0, sizeof e);
	e.wall_ns = wall_ns;
	e.kind = kind;
	e.shmid = shmid;
	e.key = key;
	e.pid = pid;
	e.n = n;
	vsnprintf(e.text, sizeof e.text, fmt, ap);
	events_push(r, &e);
}

static void add(struct diff *d, enum event_kind kind, pid_t pid, uint64_t n, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static void add(struct diff *d, enum event_kind kind, pid_t pid, uint64_t n, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vpush(d->ring, d->wall_ns, kind, d->cur->st.shmid, d->cur->st.key, pid, n, fmt, ap);
	va_end(ap);
	d->added++;
}

/* Add a command event (pause, resume, reset) with its sender if known. */
static void add_by(struct diff *d, enum event_kind kind, uint64_t n, const char *what)
{
	const struct events_obs *c = d->cur;
	if (c->by_self & 1u << kind) {
		add(d, kind, 0, n, "%s by this viewer", what);
	} else if (c->have_sender && c->last_pid > 0) {
		add(d, kind, c->last_pid, n, "%s by pid %d (uid %u)", what, (int)c->last_pid,
		    (unsigned)c->last_uid);
		struct event *e = &d->ring->ev[(d->ring->next - 1) % EVENTS_MAX];
		e->uid = c->last_uid;
		e->have_uid = true;
	} else {
		add(d, kind, 0, n, "%s (sender unknown)", what);
	}
}

static bool same_writer(const struct events_obs *a, const struct events_obs *b)
{
	return a->writer_pid == b->writer_pid && a->writer_start == b->writer_start;
}

/* A new writer on the segment: start or takeover.  prev may lack one. */
static void writer_arrived(struct diff *d, const struct events_obs *p)
{
	const struct events_obs *c = d->cur;
	if (p && p->have_writer && c->writers > p->writers && p->state != SHMTOP_STATE_STOPPED)
		add(d, EVENT_TAKEOVER, c->writer_pid, c->writers,
		    "writer pid %d took over from pid %d (writer #%" PRIu64 ")", (int)c->writer_pid,
		    (int)p->writer_pid, c->writers);
	else if (p && p->have_writer)
		add(d, EVENT_WRITER_START, c->writer_pid, c->writers,
		    "writer pid %d started after pid %d stopped (writer #%" PRIu64 ")",
		    (int)c->writer_pid, (int)p->writer_pid, c->writers);
	else
		add(d, EVENT_WRITER_START, c->writer_pid, c->writers,
		    "writer pid %d started (writer #%" PRIu64 ")", (int)c->writer_pid, c->writers);
	if (c->state == SHMTOP_STATE_PAUSED)
		add(d, EVENT_PAUSE, c->writer_pid, 0, "writer pid %d is paused",
		    (int)c->writer_pid);
	if (c->state == SHMTOP_STATE_STOPPED)
		add(d, EVENT_STOP, c->writer_pid, 0, "writer pid %d stopped", (int)c->writer_pid);
}

/* The writer's events between two observations of the same segment. */
static void writer_events(struct diff *d, const struct events_obs *p)
{
	const struct events_obs *c = d->cur;
	if (!c->have_writer)
		return;
	if (!p->have_writer || !same_writer(p, c)) {
		writer_arrived(d, p->have_writer ? p : NULL);
		if (p->have_writer && c->resets > p->resets)
			add(d, EVENT_RESET, c->writer_pid, c->resets - p->resets,
			    "count reset by the new writer pid %d (resets %" PRIu64 ")",
			    (int)c->writer_pid, c->resets);
		return;
	}
	if (c->resets > p->resets) {
		char what[96];
		uint64_t k = c->resets - p->resets;
		if (k == 1)
			snprintf(what, sizeof what, "count reset (resets %" PRIu64 ")", c->resets);
		else
			snprintf(what, sizeof what,
				 "count reset %" PRIu64 " times (resets %" PRIu64 ")", k,
				 c->resets);
		add_by(d, EVENT_RESET, k, what);
	}
	if (p->state != c->state) {
		if (c->state == SHMTOP_STATE_PAUSED && p->state == SHMTOP_STATE_RUNNING)
			add_by(d, EVENT_PAUSE, 0, "paused");
		else if (c->state == SHMTOP_STATE_RUNNING && p->state == SHMTOP_STATE_PAUSED)
			add_by(d, EVENT_RESUME, 0, "resumed");
		else if (c->state == SHMTOP_STATE_STOPPED)
			add(d, EVENT_STOP, c->writer_pid, 0, "writer pid %d stopped",
			    (int)c->writer_pid);
	}
	if (p->writer_alive && !c->writer_alive && c->state != SHMTOP_STATE_STOPPED)
		add(d, EVENT_DEATH, c->writer_pid, 0, "writer pid %d died without stopping",
		    (int)c->writer_pid);
}

/* n attaches or detaches, the last by lpid. */
static void add_count(struct diff *d, enum event_kind kind, uint64_t n)
{
	const struct ipcstat *c = &d->cur->st;
	bool at = kind == EVENT_ATTACH;
	if (n == 1)
		add(d, kind, c->lpid, n, "pid %d %s (nattch %" PRIu64 ")", (int)c->lpid,
		    at ? "attached" : "detached", c->nattch);
	else
		add(d, kind, c->lpid, n, "%" PRIu64 " %s, the last by pid %d (nattch %" PRIu64 ")",
		    n, at ? "attaches" : "detaches", (int)c->lpid, c->nattch);
}

size_t events_diff(const struct events_obs *prev, const struct events_obs *cur, int64_t wall_ns,
		   struct events_ring *r)
{
	struct diff d = { r, cur, wall_ns, 0 };
	char k[16];
	if (!cur->present) {
		if (prev->present) {
			d.cur = prev; /* name the segment that went */
			add(&d, EVENT_GONE, 0, 0, "segment shmid %d is gone", prev->st.shmid);
		}
		return d.added;
	}
	const struct ipcstat *c = &cur->st, *p = &prev->st;
	if (!prev->present || p->shmid != c->shmid) {
		if (prev->present)
			add(&d, EVENT_RECREATED, c->cpid, (uint64_t)c->shmid,
			    "key %s re-created: shmid %d, was %d", format_key(c->key, k, sizeof k),
			    c->shmid, p->shmid);
		else
			add(&d, EVENT_CREATED, c->cpid, c->size,
			    "segment shmid %d key %s created by pid %d (%" PRIu64 " bytes)",
			    c->shmid, format_key(c->key, k, sizeof k), (int)c->cpid, c->size);
		if (cur->have_writer)
			writer_arrived(&d, prev->present && prev->have_writer ? prev : NULL);
		if (c->dest)
			add(&d, EVENT_REMOVED, 0, c->nattch, "removed, %" PRIu64 " still attached",
			    c->nattch);
		return d.added;
	}
	bool brief = c->nattch == p->nattch && (c->atime != p->atime || c->dtime != p->dtime);
	/* which came first: only dtime moving means a detach, then an attach */
	bool attach_first = !brief || (c->atime != p->atime && c->atime <= c->dtime);
	if (c->nattch > p->nattch) {
		add_count(&d, EVENT_ATTACH, c->nattch - p->nattch);
	} else if (brief && attach_first) {
		add(&d, EVENT_ATTACH, c->lpid, 1, "brief attach (last pid %d)", (int)c->lpid);
	}
	writer_events(&d, prev);
	if (c->nattch < p->nattch) {
		add_count(&d, EVENT_DETACH, p->nattch - c->nattch);
	} else if (brief) {
		if (attach_first)
			add(&d, EVENT_DETACH, c->lpid, 1,
			    "detached again (last pid %d, nattch %" PRIu64 ")", (int)c->lpid,
			    c->nattch);
		else
			add(&d, EVENT_DETACH, c->lpid, 1, "brief detach (last pid %d)",
			    (int)c->lpid);
		if (!attach_first)
			add(&d, EVENT_ATTACH, c->lpid, 1,
			    "attached again (last pid %d, nattch %" PRIu64 ")", (int)c->lpid,
			    c->nattch);
	}
	if (c->dest && !p->dest)
		add(&d, EVENT_REMOVED, 0, c->nattch,
		    "removed (IPC_RMID): key now %s, %" PRIu64 " still attached",
		    format_key(c->key, k, sizeof k), c->nattch);
	if (prev->waits_scanned && cur->waits_scanned)
		d.added += events_waiters_diff(prev->waits, prev->nwaits, cur->waits, cur->nwaits,
					       c->shmid, c->key, wall_ns, r);
	return d.added;
}

static void add_obj(struct events_ring *r, int64_t wall_ns, enum event_kind kind, pid_t pid,
		    uint64_t n, const char *fmt, ...) __attribute__((format(printf, 6, 7)));

static void add_obj(struct events_ring *r, int64_t wall_ns, enum event_kind kind, pid_t pid,
		    uint64_t n, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vpush(r, wall_ns, kind, -1, 0, pid, n, fmt, ap);
	va_end(ap);
}

static bool has_pid(const struct events_objobs *o, pid_t pid)
{
	for (size_t i = 0; i < o->npids; i++)
		if (o->pids[i] == pid)
			return true;
	return false;
}

/* A process's name for a log line (it is the process's own choice), by
 * escape_text()'s rule. */
static const char *comm_text(const char *comm, char *buf, size_t len)
{
	escape_text(comm, strnlen(comm, 15), ESCAPE_LOCALE, INT_MAX, buf, len);
	return buf;
}

size_t events_obj_diff(const struct events_objobs *prev, const struct events_objobs *cur,
		       int64_t wall_ns, struct events_ring *r)
{
	uint64_t before = r->next;
	char a[24], b[24], c[24], n[64];
	if (!cur->present) {
		if (prev->present)
			add_obj(r, wall_ns, EVENT_GONE, 0, 0, "the object is gone%s",
				prev->linked ? ": unlinked, and no process holds it" : "");
		return (size_t)(r->next - before);
	}
	if (!prev->present)
		add_obj(r, wall_ns, EVENT_CREATED, 0, cur->size,
			"the object is there (%" PRIu64 " bytes)", cur->size);
	if (prev->present && prev->linked && !cur->linked)
		add_obj(r, wall_ns, EVENT_REMOVED, 0, cur->nholders,
			"its name was unlinked; %zu process%s still hold%s it", cur->nholders,
			cur->nholders == 1 ? "" : "es", cur->nholders == 1 ? "s" : "");
	if (prev->present && prev->size != cur->size)
		add_obj(r, wall_ns, EVENT_RESIZE, 0, cur->size,
			"size %" PRIu64 " -> %" PRIu64 " bytes (%s)", prev->size, cur->size,
			format_size(cur->size, a, sizeof a));
	if (prev->present && prev->resident != cur->resident)
		add_obj(r, wall_ns, EVENT_RESIDENT, 0, cur->resident, "resident %s -> %s of %s",
			format_size(prev->resident, a, sizeof a),
			format_size(cur->resident, b, sizeof b),
			format_size(cur->size, c, sizeof c));
	if (prev->present && prev->scanned && cur->scanned) {
		for (size_t i = 0; i < cur->npids; i++)
			if (!has_pid(prev, cur->pids[i]))
				add_obj(r, wall_ns, EVENT_ATTACH, cur->pids[i], cur->nholders,
					"pid %d (%s) holds it (%zu holder%s)", (int)cur->pids[i],
					comm_text(cur->comm[i], n, sizeof n), cur->nholders,
					cur->nholders == 1 ? "" : "s");
		for (size_t i = 0; i < prev->npids; i++)
			if (!has_pid(cur, prev->pids[i]))
				add_obj(r, wall_ns, EVENT_DETACH, prev->pids[i], cur->nholders,
					"pid %d (%s) let go (%zu holder%s)", (int)prev->pids[i],
					comm_text(prev->comm[i], n, sizeof n), cur->nholders,
					cur->nholders == 1 ? "" : "s");
		events_waiters_diff(prev->waits, prev->nwaits, cur->waits, cur->nwaits, -1, 0,
				    wall_ns, r);
	}
	return (size_t)(r->next - before);
}

static void add_ipc(struct events_ring *r, int64_t wall_ns, enum event_kind kind,
		    const struct ipcobj *o, pid_t pid, uint64_t n, const char *fmt, ...)
    __attribute__((format(printf, 7, 8)));

static void add_ipc(struct events_ring *r, int64_t wall_ns, enum event_kind kind,
		    const struct ipcobj *o, pid_t pid, uint64_t n, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vpush(r, wall_ns, kind, o->ipc.id, o->ipc.key, pid, n, fmt, ap);
	va_end(ap);
}

static void push(struct events_ring *r, int64_t wall_ns, enum event_kind kind, int id, key_t key,
		 pid_t pid, uint64_t n, const char *fmt, ...) __attribute__((format(printf, 8, 9)));

static void push(struct events_ring *r, int64_t wall_ns, enum event_kind kind, int id, key_t key,
		 pid_t pid, uint64_t n, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vpush(r, wall_ns, kind, id, key, pid, n, fmt, ap);
	va_end(ap);
}

static const struct objlist_wait *find_wait(const struct objlist_wait *w, size_t n, pid_t pid)
{
	for (size_t i = 0; i < n && i < IPCOBJ_WAITS; i++)
		if (w[i].pid == pid)
			return &w[i];
	return NULL;
}

/* Processes of a's waits not in b's: arrive (EVENT_WAIT) or leave. */
static void waiters_new(const struct objlist_wait *a, size_t na, const struct objlist_wait *b,
			size_t nb, enum event_kind kind, int id, key_t key, int64_t wall_ns,
			struct events_ring *r)
{
	char what[64], n[64];
	for (size_t i = 0; i < na && i < IPCOBJ_WAITS; i++) {
		const struct objlist_wait *w = &a[i];
		if (find_wait(b, nb, w->pid))
			continue;
		push(r, wall_ns, kind, id, key, w->pid, na, "pid %d (%s) %s %s", (int)w->pid,
		     comm_text(w->comm, n, sizeof n),
		     kind == EVENT_WAIT ? "waits for" : "no longer waits for",
		     ipcview_wait_text(w, what, sizeof what));
	}
}

/* An mqueue's events: by its name (escaped), inode and mq_getattr(). */
static size_t mq_diff(const struct ipcobj *prev, const struct ipcobj *cur, int64_t wall_ns,
		      struct events_ring *r)
{
	uint64_t before = r->next;
	char name[4 * 64 + 1];
	const struct ipcobj *o = cur->present ? cur : prev;
	escape_text(o->mq.name, strlen(o->mq.name), ESCAPE_LOCALE, 64, name, sizeof name);
	if (!prev->present) {
		if (cur->present)
			add_ipc(r, wall_ns, EVENT_CREATED, cur, 0, 0,
				"POSIX message queue %s is there", name);
		return (size_t)(r->next - before);
	}
	if (!cur->present || ipcobj_other(prev, cur)) {
		add_ipc(r, wall_ns, EVENT_REMOVED, prev, 0, 0, "POSIX message queue %s: %s", name,
			cur->mq.other ? "the name is another queue now" : "the name is gone");
		return (size_t)(r->next - before);
	}
	if (prev->scanned && cur->scanned)
		events_waiters_diff(prev->waits, prev->nwaits, cur->waits, cur->nwaits, cur->ipc.id,
				    cur->ipc.key, wall_ns, r);
	const struct ipcobj_mq *a = &prev->mq, *b = &cur->mq;
	if (!ipcobj_full(prev) && ipcobj_full(cur))
		add_ipc(r, wall_ns, EVENT_FULL, cur, 0, b->curmsgs,
			"%" PRIu64 " message%s of maxmsg %" PRIu64 ", %" PRIu64
			" bytes (a sender now blocks or fails)",
			b->curmsgs, b->curmsgs == 1 ? "" : "s", b->maxmsg, b->qsize);
	if (prev->values_ok && cur->values_ok && a->curmsgs > 0 && b->curmsgs == 0)
		add_ipc(r, wall_ns, EVENT_EMPTY, cur, 0, 0,
			"the last of %" PRIu64 " message%s received", a->curmsgs,
			a->curmsgs == 1 ? "" : "s");
	if (a->have_qsize && b->have_qsize && a->notify_pid != b->notify_pid) {
		pid_t p = (pid_t)(b->notify_pid ? b->notify_pid : a->notify_pid);
		if (!a->notify_pid)
			add_ipc(r, wall_ns, EVENT_NOTIFY, cur, p, b->notify_pid,
				"pid %" PRIu64 " asked to be notified of a message (mq_notify)",
				b->notify_pid);
		else if (!b->notify_pid)
			add_ipc(r, wall_ns, EVENT_NOTIFY, cur, p, 0,
				"pid %" PRIu64 "'s notification cleared (sent, or cancelled)",
				a->notify_pid);
		else
			add_ipc(r, wall_ns, EVENT_NOTIFY, cur, p, b->notify_pid,
				"notification moved from pid %" PRIu64 " to pid %" PRIu64,
				a->notify_pid, b->notify_pid);
	}
	return (size_t)(r->next - before);
}

size_t events_waiters_diff(const struct objlist_wait *prev, size_t nprev,
			   const struct objlist_wait *cur, size_t ncur, int id, key_t key,
			   int64_t wall_ns, struct events_ring *r)
{
	uint64_t before = r->next;
	waiters_new(cur, ncur, prev, nprev, EVENT_WAIT, id, key, wall_ns, r);
	waiters_new(prev, nprev, cur, ncur, EVENT_UNWAIT, id, key, wall_ns, r);
	return (size_t)(r->next - before);
}

size_t events_ipc_diff(const struct ipcobj *prev, const struct ipcobj *cur, int64_t wall_ns,
		       struct events_ring *r)
{
	if (cur->kind == OBJLIST_MQUEUE)
		return mq_diff(prev, cur, wall_ns, r);
	uint64_t before = r->next;
	bool set = cur->kind == OBJLIST_SYSV_SEM;
	const char *what = set ? "semaphore set" : "message queue";
	const char *id = set ? "semid" : "msqid";
	char k[16];
	if (!prev->present) {
		if (cur->present)
			add_ipc(r, wall_ns, EVENT_CREATED, cur, 0, 0, "%s %s %d is there", what, id,
				cur->ipc.id);
		return (size_t)(r->next - before);
	}
	if (!cur->present) {
		add_ipc(r, wall_ns, EVENT_REMOVED, prev, 0, 0,
			"%s %s %d: the id is no longer listed", what, id, prev->ipc.id);
		return (size_t)(r->next - before);
	}
	if (ipcobj_other(prev, cur)) {
		add_ipc(r, wall_ns, EVENT_REMOVED, cur, 0, 0,
			"%s %s %d: the id is another object now (key %s)", what, id, prev->ipc.id,
			format_key(cur->ipc.key, k, sizeof k));
		return (size_t)(r->next - before);
	}
	if (set && prev->values_ok && cur->values_ok) {
		size_t n = prev->nsem < cur->nsem ? prev->nsem : cur->nsem;
		for (size_t i = 0; i < n; i++) {
			const struct ipcobj_sem *a = &prev->sem[i], *b = &cur->sem[i];
			if (b->ncount != a->ncount)
				add_ipc(r, wall_ns,
					b->ncount > a->ncount ? EVENT_WAIT : EVENT_UNWAIT, cur, 0,
					b->ncount,
					"sem %zu: ncount %u -> %u (waiting for it "
					"to rise)",
					i, a->ncount, b->ncount);
			if (b->zcount != a->zcount)
				add_ipc(r, wall_ns,
					b->zcount > a->zcount ? EVENT_WAIT : EVENT_UNWAIT, cur, 0,
					b->zcount,
					"sem %zu: zcount %u -> %u (waiting for it "
					"to reach 0)",
					i, a->zcount, b->zcount);
		}
	}
	if (prev->scanned && cur->scanned) {
		events_waiters_diff(prev->waits, prev->nwaits, cur->waits, cur->nwaits, cur->ipc.id,
				    cur->ipc.key, wall_ns, r);
	}
	if (!set) {
		if (!ipcobj_full(prev) && ipcobj_full(cur))
			add_ipc(r, wall_ns, EVENT_FULL, cur, cur->ipc.lspid, cur->ipc.cbytes,
				"%" PRIu64 " bytes of qbytes %" PRIu64 " in %" PRIu64
				" message%s (a sender now blocks or fails)",
				cur->ipc.cbytes, cur->qbytes, cur->ipc.qnum,
				cur->ipc.qnum == 1 ? "" : "s");
		if (prev->ipc.qnum > 0 && cur->ipc.qnum == 0)
			add_ipc(r, wall_ns, EVENT_EMPTY, cur, cur->ipc.lrpid, 0,
				"the last of %" PRIu64 " message%s received", prev->ipc.qnum,
				prev->ipc.qnum == 1 ? "" : "s");
	}
	return (size_t)(r->next - before);
}

void events_log_init(struct events_log *lg)
{
	memset(lg, 0, sizeof *lg);
	events_init(&lg->ring);
}

void events_observe(const struct model_input *in, struct events_obs *out)
{
	memset(out, 0, sizeof *out);
	/* MODEL_REMOVED keeps the last IPC_STAT of the segment let go: with
	 * dest it is removed but still there, without it gone. */
	out->present = in->stat != NULL && in->state != MODEL_WAITING &&
		       in->state != MODEL_DENIED && (in->state != MODEL_REMOVED || in->stat->dest);
	if (out->present)
		out->st = *in->stat;
	const struct content_status *s = in->content ? &in->content->status : NULL;
	if (s && s->known && in->state == MODEL_LIVE) {
		out->have_writer = true;
		out->writer_pid = s->pid;
		out->writer_start = s->start;
		out->state = s->state;
		out->resets = s->resets;
		out->writers = s->writers;
		out->writer_alive = in->writer_alive;
	}
	if (out->present && in->waits_scanned) {
		out->waits_scanned = true;
		out->nwaits = in->nwaits;
		size_t n = in->nwaits < IPCOBJ_WAITS ? in->nwaits : IPCOBJ_WAITS;
		if (n && in->waits)
			memcpy(out->waits, in->waits, n * sizeof out->waits[0]);
		else
			out->nwaits = 0;
	}
}

/* The event kind of command cmd. */
static enum event_kind command_kind(int cmd)
{
	switch (cmd) {
	case SHMTOP_CMD_PAUSE: return EVENT_PAUSE;
	case SHMTOP_CMD_RESUME: return EVENT_RESUME;
	default: return EVENT_RESET;
	}
}

void events_log_sent(struct events_log *lg, int cmd, bool refused)
{
	if (refused)
		lg->sent &= ~(1u << command_kind(cmd));
	else
		lg->sent |= 1u << command_kind(cmd);
}

size_t events_log_update(struct events_log *lg, const struct model_input *in, int64_t wall_ns)
{
	struct events_obs cur;
	events_observe(in, &cur);
	cur.by_self = lg->sent;
	size_t n = lg->have_prev ? events_diff(&lg->prev, &cur, wall_ns, &lg->ring) : 0;
	for (size_t i = 0; i < n; i++) /* each sent command is logged once */
		lg->sent &= ~(1u << lg->ring.ev[(lg->ring.next - 1 - i) % EVENTS_MAX].kind);
	lg->prev = cur;
	lg->have_prev = true;
	return n;
}

char *events_format(const struct event *e, char *buf, size_t len)
{
	time_t t = (time_t)(e->wall_ns / NS_PER_SEC);
	struct tm tm;
	char hms[16] = "??:??:??";
	if (localtime_r(&t, &tm))
		strftime(hms, sizeof hms, "%H:%M:%S", &tm);
	snprintf(buf, len, "%s %s: %s", hms, events_kind_name(e->kind), e->text);
	return buf;
}
