/* SPDX-License-Identifier: MIT */
/*
 * The monitor holds the attachment (struct segment), the last IPC_STAT and
 * what the object holds (struct content, by the decoder that took its
 * bytes).  The shmid attached is tracked rather than the key: once
 * IPC_STAT shows dest or a key that is no longer ours, the segment is
 * detached and the key looked up afresh.
 */
#include "monitor.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "attached.h"
#include "clock.h"
#include "decode.h"
#include "ipcstat.h"
#include "names.h"
#include "objlist.h"
#include "proc.h"
#include "segment.h"
#include "sysvipc.h"

struct monitor {
	key_t key;
	int watch_id; /* >= 0: follow this one segment by shmid, not the key */
	enum model_state state;
	char why[256];
	struct segment seg;
	int removed_shmid;
	struct ipcstat stat;
	bool have_stat;
	struct content c;    /* what the object holds, by its decoder (decode.h) */
	bool have;           /* c holds a good copy (of the object watched, or the one before) */
	bool stale;          /* ... of the one before: the next object starts afresh */
	bool busy;           /* c is a field-by-field copy: the writer stopped mid-update */
	char writer_pstate;  /* its /proc state letter when it looks stuck, else 0 */
	struct attached att; /* processes with the segment mapped, as last scanned */
	bool have_att;
	bool rescan;            /* scan at the next poll whatever changed */
	struct ipcstat scanned; /* the IPC_STAT the last scan was made for */
	bool writer_alive;
	struct proc_watch watch; /* the writer, without a /proc read per tick */
	pid_t comm_pid;
	char comm[32];
	char owner[80], creator[80];
	pid_t self; /* this viewer: its own attach is shown as such */

	/* The processes blocked on a futex in the segment (monitor_waiters()):
	 * an object list of its own for the scans, the waiters of the
	 * segment's row and when to scan next. */
	bool want_waits;
	struct objlist inv;
	bool waits_scanned;
	int waits_shmid;    /* the segment they were found on */
	int64_t next_waits; /* CLOCK_MONOTONIC */
	struct objlist_wait waits[IPCOBJ_WAITS];
	size_t nwaits;
};

monitor *monitor_new(key_t key)
{
	monitor *m = calloc(1, sizeof *m);
	if (!m)
		return NULL;
	m->key = key;
	m->watch_id = -1;
	m->state = MODEL_WAITING;
	m->removed_shmid = -1;
	m->comm_pid = -1;
	m->self = getpid();
	m->watch = (struct proc_watch)PROC_WATCH_INIT;
	segment_init(&m->seg);
	return m;
}

monitor *monitor_new_shmid(int shmid)
{
	struct sysvipc_shm row;
	monitor *m = monitor_new(sysvipc_find(NULL, shmid, &row) == 1 ? row.st.key : 0);
	if (m)
		m->watch_id = shmid;
	return m;
}

/* Owner and creator as "user:group" (names.h keeps the names looked up). */
static void names_of(monitor *m)
{
	const struct ipcstat *st = &m->stat;
	char u[40], g[40];
	snprintf(m->owner, sizeof m->owner, "%s:%s", names_user(st->uid, u, sizeof u),
		 names_group(st->gid, g, sizeof g));
	snprintf(m->creator, sizeof m->creator, "%s:%s", names_user(st->cuid, u, sizeof u),
		 names_group(st->cgid, g, sizeof g));
}

/* The attached segment was removed or replaced: let it go, its last
 * copy still shown until another object is read. */
static void lose_segment(monitor *m)
{
	m->stale = true;
	m->removed_shmid = m->seg.shmid;
	segment_detach(&m->seg);
	m->state = MODEL_REMOVED;
}

/* Attach the segment on the key.  Returns 0 when attached. */
static int find_segment(monitor *m)
{
	enum segment_status st;
	if (m->watch_id >= 0)
		st = segment_attach_id(&m->seg, m->watch_id, m->why, sizeof m->why);
	else
		st = segment_attach(&m->seg, m->key, m->why, sizeof m->why);
	switch (st) {
	case SEGMENT_OK: return 0;
	case SEGMENT_ABSENT:
		m->state = m->removed_shmid >= 0 ? MODEL_REMOVED : MODEL_WAITING;
		m->have_stat = m->state == MODEL_REMOVED && m->have_stat;
		return -1;
	case SEGMENT_DENIED:
		m->state = MODEL_DENIED;
		m->have_stat = m->seg.have_stat;
		if (m->have_stat) {
			m->stat = m->seg.stat;
			names_of(m);
		}
		return -1;
	case SEGMENT_ERROR: m->state = MODEL_ERROR; break;
	}
	m->have_stat = false;
	return -1;
}

/* The waiters of the segment: the list's scan of /proc (objlist_scan():
 * maps, fds, syscall), collected with the SysV segments alone, whose join
 * keeps the claims the kernel would allow (objlist_wait.h).  Rows grow as
 * the host needs. */
static void scan_waits(monitor *m)
{
	m->next_waits = clock_mono_ns() + MONITOR_WAITS_NS;
	int shmid = m->stat.shmid;
	if (objlist_scan(&m->inv) < 0)
		return;
	for (;;) {
		if (!m->inv.rows) {
			m->inv.max = 64;
			m->inv.rows = calloc(m->inv.max, sizeof *m->inv.rows);
			if (!m->inv.rows)
				return;
		}
		if (objlist_collect(&m->inv, 0) < 0)
			return;
		if (!m->inv.truncated)
			break;
		size_t want = m->inv.total + m->inv.total / 4 + 16;
		struct objlist_row *rows = realloc(m->inv.rows, want * sizeof *rows);
		if (!rows)
			break; /* what fits */
		m->inv.rows = rows;
		m->inv.max = want;
	}
	m->waits_scanned = true;
	m->waits_shmid = shmid;
	m->nwaits = 0;
	for (size_t i = 0; i < m->inv.n; i++) {
		const struct objlist_row *r = &m->inv.rows[i];
		if (r->kind != OBJLIST_SYSV || r->ipcns || r->shm.st.shmid != shmid)
			continue;
		size_t k = r->nwaits < IPCOBJ_WAITS ? r->nwaits : IPCOBJ_WAITS;
		if (k && m->inv.waits && r->wait0 + k <= m->inv.nwaits) {
			memcpy(m->waits, m->inv.waits + r->wait0, k * sizeof m->waits[0]);
			m->nwaits = r->nwaits;
		}
		break;
	}
}

/* Scan /proc for the attached processes when the kernel says the attaches
 * may have changed (nattch, atime, dtime, lpid) or a scan was asked for;
 * and, when wanted, for the waiters: first, on a rescan, on another
 * segment, and every MONITOR_WAITS_NS. */
static void scan_attached(monitor *m)
{
	const struct ipcstat *st = &m->stat, *old = &m->scanned;
	bool waits =
	    m->want_waits && (m->rescan || !m->waits_scanned || m->waits_shmid != st->shmid ||
			      clock_mono_ns() >= m->next_waits);
	if (waits)
		scan_waits(m);
	if (m->have_att && !m->rescan && st->shmid == old->shmid && st->nattch == old->nattch &&
	    st->atime == old->atime && st->dtime == old->dtime && st->lpid == old->lpid)
		return;
	m->rescan = false;
	m->have_att = attached_scan(m->key, st->shmid, &m->att) == 0;
	m->scanned = *st;
}

void monitor_waiters(monitor *m)
{
	m->want_waits = true;
}

/* The writer the object names: alive, its command, and its state in
 * /proc (T: stopped) only when it looks stuck, so that a healthy writer
 * costs no /proc read per tick. */
static void read_writer(monitor *m)
{
	const struct content_status *s = &m->c.status;
	m->writer_pstate = 0;
	if (!s->known) {
		m->writer_alive = false;
		return;
	}
	m->writer_alive = proc_watch_alive(&m->watch, s->pid, s->start);
	if (s->pid != m->comm_pid && m->writer_alive) {
		proc_comm(s->pid, m->comm, sizeof m->comm);
		m->comm_pid = s->pid;
	}
	char st;
	uint64_t start;
	if ((m->busy || clock_diff_ns(clock_mono_ns(), s->beat_ns) > model_stall_ns(s)) &&
	    m->writer_alive && proc_stat(s->pid, &st, &start) == 0 && start == s->start)
		m->writer_pstate = st;
}

/* No good copy of this object: nothing of it is shown but why. */
static void none(monitor *m, enum model_state state, const char *why)
{
	m->state = state;
	m->have = m->busy = false;
	m->c.nhist = 0;
	snprintf(m->why, sizeof m->why, "%s", why);
}

/* The object read into c: shown live, or busy when the copy was taken
 * field by field from a writer stopped mid-update. */
static void taken(monitor *m, bool busy)
{
	const struct content_status *s = &m->c.status;
	m->have = true;
	m->stale = false;
	m->busy = busy;
	m->state = MODEL_LIVE;
	m->removed_shmid = -1;
	if (busy)
		snprintf(m->why, sizeof m->why,
			 "record busy: its %s stopped in the middle of an update; the values shown "
			 "may be torn",
			 m->c.dec->who);
	else
		m->why[0] = '\0';
	read_writer(m);
	if (!busy && s->known)
		segment_attach_control(&m->seg, s->control_id, s->pid, s->token, m->stat.uid);
}

/* Decode the object's bytes (decode.h) and say what became of it: a good
 * copy; or, when the bytes fail their checks or will not read, the last
 * good one kept and why; or why there is none. */
static void read_record(monitor *m)
{
	if (m->stale) { /* another object: what was shown of the last one goes, */
		char sel[sizeof m->c.selected_name]; /* but the selection's name stays */
		memcpy(sel, m->c.selected_name, sizeof sel);
		content_free(&m->c);
		memcpy(m->c.selected_name, sel, sizeof sel);
		m->have = m->busy = m->stale = false;
	}
	char why[256];
	struct decode_want w = { .now_mono = clock_mono_ns(), .now_wall = clock_wall_ns() };
	const struct decoder *was = m->c.dec;
	enum decode_status ds = decode_object(m->seg.data, m->seg.size, &w, &m->c, why, sizeof why);
	if (m->c.dec != was)
		m->have = m->busy = false; /* another format: its first read */
	if (ds == DECODE_BUSY && (!m->have || m->busy)) {
		/* stuck mid-update with nothing good to show: a copy taken
		 * field by field, each field valid, rather than no writer */
		w.torn_ok = true;
		ds = decode_object(m->seg.data, m->seg.size, &w, &m->c, why, sizeof why);
	}
	switch (ds) {
	case DECODE_OK: taken(m, false); return;
	case DECODE_TORN: taken(m, true); return;
	case DECODE_EMPTY: m->state = MODEL_STARTING; return;
	case DECODE_NOT_THIS: none(m, MODEL_FOREIGN, why); return;
	case DECODE_DAMAGED:
		if (!m->have) {
			none(m, MODEL_DAMAGED, why);
			return;
		}
		m->state = MODEL_LIVE;
		snprintf(m->why, sizeof m->why, "damaged %s record: %.200s",
			 m->c.dec->maker ? m->c.dec->maker : m->c.dec->name, why);
		read_writer(m);
		return;
	case DECODE_BUSY:
	case DECODE_ERROR:
		m->state = m->have ? MODEL_LIVE : MODEL_ERROR;
		snprintf(m->why, sizeof m->why, "%s", why);
		if (m->have)
			read_writer(m);
		return;
	}
}

static void poll_segment(monitor *m)
{
	for (int pass = 0; pass < 2; pass++) {
		if (m->seg.shmid < 0 && find_segment(m) < 0)
			return;
		struct ipcstat st;
		if (ipcstat_get(m->seg.shmid, &st) < 0) {
			if (segment_status_of_errno(errno) == SEGMENT_ABSENT) {
				lose_segment(m);
				continue;
			}
			m->state = MODEL_ERROR;
			snprintf(m->why, sizeof m->why, "IPC_STAT on shmid %d: %s", m->seg.shmid,
				 strerror(errno));
			return;
		}
		m->stat = st;
		m->have_stat = true;
		names_of(m);
		if (m->watch_id < 0 && (st.dest || st.key != m->key)) {
			lose_segment(m);
			continue; /* a new segment may already be on the key */
		}
		read_record(m);
		if (m->state == MODEL_LIVE || m->state == MODEL_FOREIGN ||
		    m->state == MODEL_DAMAGED)
			scan_attached(m);
		return;
	}
}

void monitor_poll(monitor *m)
{
	poll_segment(m);
	/* the last record's writer, whatever became of the segment: one that
	 * exited after its segment was removed is shown dead, not running */
	if (m->have && m->c.status.known)
		m->writer_alive = proc_watch_alive(&m->watch, m->c.status.pid, m->c.status.start);
}

void monitor_input(const monitor *m, struct model_input *in)
{
	in->key = m->key;
	in->state = m->state;
	in->why = m->why;
	in->removed_shmid = m->removed_shmid;
	in->by_shmid = m->watch_id >= 0;
	in->shmid = m->watch_id;
	in->content = m->have ? &m->c : NULL;
	in->stat = m->have_stat ? &m->stat : NULL;
	in->owner = m->owner;
	in->creator = m->creator;
	in->att =
	    m->have_att && m->seg.shmid >= 0 && m->seg.shmid == m->scanned.shmid ? &m->att : NULL;
	in->waits_scanned = m->want_waits && m->waits_scanned && m->have_stat &&
			    m->waits_shmid == m->stat.shmid && m->seg.shmid == m->waits_shmid;
	in->waits = in->waits_scanned ? m->waits : NULL;
	in->nwaits = in->waits_scanned ? m->nwaits : 0;
	in->now_wall_ns = clock_wall_ns();
	in->self_pid = m->self;
	in->self_attached = m->seg.data != NULL && m->have_stat && m->stat.shmid == m->seg.shmid;
	in->writer_alive = m->have && m->writer_alive;
	in->writer_comm =
	    m->have && m->c.status.known && m->comm_pid == m->c.status.pid ? m->comm : NULL;
	in->busy = m->have && m->busy;
	in->writer_pstate = m->have ? m->writer_pstate : 0;
	in->control_ok = m->seg.ctl != NULL && m->state == MODEL_LIVE;
	in->control_why = m->seg.shmid < 0 ? "not attached" : m->seg.ctl_why;
}

/* Read the object again now, as a poll would (after a change of what is
 * wanted of it). */
static void reread(monitor *m)
{
	if (m->seg.data && !m->stale)
		read_record(m);
}

void monitor_select(monitor *m, int step)
{
	if (!m->have || !m->c.named || m->c.nctr == 0)
		return;
	long to = (long)m->c.selected + step;
	to = to < 0 ? 0 : to;
	if ((size_t)to >= m->c.nctr)
		to = (long)m->c.nctr - 1;
	if ((size_t)to == m->c.selected)
		return;
	content_select(&m->c, (size_t)to);
	reread(m);
}

bool monitor_refused(const monitor *m, uint32_t ticket, enum shmtop_command cmd)
{
	const struct content_status *s = &m->c.status;
	if (!m->have || !s->refused_cmds || !control_acked(s->refused_req, ticket))
		return false;
	uint32_t bit = cmd == SHMTOP_CMD_RESET ? SHMTOP_CMD_RESET_BIT : SHMTOP_CMD_PAUSE_BIT;
	return (s->refused_cmds & bit) != 0;
}

int monitor_send(monitor *m, enum shmtop_command cmd, uint32_t *ticket)
{
	if (!m->seg.ctl || m->state != MODEL_LIVE)
		return -1;
	*ticket = control_send(m->seg.ctl, cmd, NULL);
	return 0;
}

bool monitor_acked(const monitor *m, uint32_t ticket)
{
	return m->have && control_acked(m->c.status.request_ack, ticket);
}

void monitor_clear_history(monitor *m)
{
	if (m->have)
		m->c.hist_floor = m->c.status.hist_next;
	m->c.nhist = 0;
}

void monitor_rescan(monitor *m)
{
	m->rescan = true;
}

const void *monitor_bytes(const monitor *m, size_t *size)
{
	*size = m->seg.data ? m->seg.size : 0;
	return m->seg.data;
}

void monitor_free(monitor *m)
{
	if (!m)
		return;
	segment_detach(&m->seg);
	proc_watch_close(&m->watch);
	content_free(&m->c);
	free(m->inv.rows);
	objlist_free(&m->inv);
	free(m);
}
