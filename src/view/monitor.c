/* SPDX-License-Identifier: MIT */
/*
 * The monitor holds the attachment (struct segment), the last IPC_STAT and
 * the last validated snapshot with its history.  The shmid attached is
 * tracked rather than the key: once IPC_STAT shows dest or a key that is no
 * longer ours, the segment is detached and the key looked up afresh.
 */
#include "monitor.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "attached.h"
#include "clock.h"
#include "ipcstat.h"
#include "names.h"
#include "proc.h"
#include "reader.h"
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
	struct shmtop_snapshot snap;
	bool have_snap;
	bool busy;          /* snap is a field-by-field copy: the writer holds seq odd */
	char writer_pstate; /* its /proc state letter when it looks stuck, else 0 */
	struct shmtop_sample hist[SHMTOP_HISTORY];
	size_t nhist;
	uint64_t hist_first; /* sample number of hist[0] */
	uint64_t hist_floor; /* samples before this were cleared from view */
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

	/* A version 3 record (named counters): read with reader.h. */
	bool v3;
	struct shmtop_status3 st3;   /* header as checked, status as last copied */
	struct shmtop_layout3 lay3;  /* the layout the header implies */
	struct shmtop_pubval3 *vals; /* capacity entries */
	struct model_counter *ctr;   /* capacity entries; [0, known) have their metadata */
	struct reader_names names3;  /* of ctr[0, known) */
	uint32_t cap3, known;
	size_t nctr;
	size_t sel;
	char sel_name[SHMTOP_NAME3_MAX]; /* the selection, kept by name */
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

/* The attached segment was removed or replaced: let it go. */
static void forget_v3(monitor *m)
{
	free(m->vals);
	free(m->ctr);
	reader_names_free(&m->names3);
	m->vals = NULL;
	m->ctr = NULL;
	m->v3 = false;
	m->cap3 = m->known = 0;
	m->nctr = 0;
}

static void lose_segment(monitor *m)
{
	forget_v3(m);
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
	case SEGMENT_OK: m->hist_floor = 0; return 0;
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

/* Copy the history, and learn the sample number of its first sample: the
 * copy ends just before the ring's hist_next as record_read_history() saw
 * it, which is known exactly when hist_next reads the same before and after
 * (the graph puts each sample in a column by its number). */
static void read_history(monitor *m)
{
	const struct shmtop_record *r = m->seg.data;
	for (int tries = 0;; tries++) {
		uint64_t h0 = atomic_load_explicit(&r->hist_next, memory_order_acquire);
		if (m->hist_floor > h0)
			m->hist_floor = 0; /* a new count on the segment */
		uint64_t want = h0 - m->hist_floor;
		m->nhist = record_read_history(
		    m->seg.data, m->hist, want < SHMTOP_HISTORY ? (size_t)want : SHMTOP_HISTORY);
		uint64_t h1 = atomic_load_explicit(&r->hist_next, memory_order_acquire);
		if (h1 == h0 || tries == 3) {
			/* a writer this fast redraws every column anyway */
			m->hist_first = h1 - m->nhist;
			return;
		}
	}
}

/* Scan /proc for the attached processes when the kernel says the attaches
 * may have changed (nattch, atime, dtime, lpid) or a scan was asked for. */
static void scan_attached(monitor *m)
{
	const struct ipcstat *st = &m->stat, *old = &m->scanned;
	if (m->have_att && !m->rescan && st->shmid == old->shmid && st->nattch == old->nattch &&
	    st->atime == old->atime && st->dtime == old->dtime && st->lpid == old->lpid)
		return;
	m->rescan = false;
	m->have_att = attached_scan(m->key, st->shmid, &m->att) == 0;
	m->scanned = *st;
}

static void read_writer(monitor *m)
{
	pid_t pid = m->snap.writer_pid;
	m->writer_alive = proc_watch_alive(&m->watch, pid, m->snap.writer_start);
	if (pid != m->comm_pid && m->writer_alive) {
		proc_comm(pid, m->comm, sizeof m->comm);
		m->comm_pid = pid;
	}
	/* Its state in /proc (T: stopped) only when it looks stuck: a healthy
	 * writer costs no /proc read per tick. */
	char st;
	uint64_t start;
	m->writer_pstate = 0;
	if ((m->busy ||
	     clock_diff_ns(clock_mono_ns(), m->snap.beat_ns) > model_stall_ns(&m->snap)) &&
	    m->writer_alive && proc_stat(pid, &st, &start) == 0 && start == m->snap.writer_start)
		m->writer_pstate = st;
}

/* A record that fails its checks: damaged while nothing good was read,
 * else the last good snapshot is kept and the reason said. */
static void damaged(monitor *m, const char *what, const char *why)
{
	if (!m->have_snap) {
		m->state = MODEL_DAMAGED;
		m->nhist = 0;
		snprintf(m->why, sizeof m->why, "%s", why);
		return;
	}
	m->state = MODEL_LIVE;
	snprintf(m->why, sizeof m->why, "damaged %s record: %.200s", what, why);
	read_writer(m);
}

/* A payload that will not read: keep the last good one, say why. */
static void unreadable(monitor *m, const char *why)
{
	m->state = m->have_snap ? MODEL_LIVE : MODEL_ERROR;
	snprintf(m->why, sizeof m->why, "%s", why);
	if (m->have_snap)
		read_writer(m);
}

/* A copy taken field by field, each valid, of a record whose owner (who)
 * stopped mid-update: shown live, marked busy. */
static void shown_busy(monitor *m, const char *who)
{
	m->have_snap = m->busy = true;
	m->state = MODEL_LIVE;
	snprintf(m->why, sizeof m->why,
		 "record busy: its %s stopped in the middle of an update; the values shown may "
		 "be torn",
		 who);
	m->removed_shmid = -1;
}

/* The seqlock read stayed busy and there is no good snapshot: the writer
 * stopped (or died) in the middle of an update.  Copy the fields one by
 * one, as a writer taking over does, and keep the copy if each field is
 * valid: shown as possibly mid-update rather than as no writer at all.
 * Returns 0 when it did. */
static int read_busy(monitor *m, char *why, size_t whylen)
{
	struct shmtop_snapshot s;
	if (record_read_fields(m->seg.data, m->seg.size, &s, why, whylen))
		return -1;
	m->snap = s;
	shown_busy(m, "writer");
	read_history(m);
	read_writer(m);
	return 0;
}

static void read_record2(monitor *m)
{
	struct shmtop_snapshot s;
	char why[256];
	switch (record_read(m->seg.data, m->seg.size, &s, why, sizeof why)) {
	case SHMTOP_READ_OK:
		m->snap = s;
		m->have_snap = true;
		m->busy = false;
		m->state = MODEL_LIVE;
		m->why[0] = '\0';
		m->removed_shmid = -1;
		read_history(m);
		read_writer(m);
		segment_attach_control(&m->seg, &s, m->stat.uid);
		return;
	case SHMTOP_READ_EMPTY: m->state = MODEL_STARTING; return;
	case SHMTOP_READ_BUSY:
		if ((!m->have_snap || m->busy) && read_busy(m, why, sizeof why) == 0)
			return;
		break;
	case SHMTOP_READ_INVALID:
		if (record_read_header(m->seg.data, m->seg.size, &s, why, sizeof why) !=
		    SHMTOP_READ_OK) {
			m->state = MODEL_FOREIGN;
			m->have_snap = false;
			m->nhist = 0;
			snprintf(m->why, sizeof m->why, "%s", why);
			return;
		}
		record_read(m->seg.data, m->seg.size, &s, why, sizeof why);
		damaged(m, "shmwriter", why);
		return;
	}
	unreadable(m, why);
}

/* ---- Version 3: named counters -------------------------------------- */

/* The newest samples (at most max) of counter i, from floor on. */
static size_t history3(const monitor *m, size_t i, struct shmtop_sample *out, size_t max,
		       uint64_t floor, uint64_t *first)
{
	return reader_history(m->seg.data, &m->lay3, m->st3.hist_cap, i, floor, out, max, first);
}

/* Check and keep the metadata of counters [known, n).  0, or -1 with why. */
static int learn_meta3(monitor *m, uint32_t n, char *why, size_t whylen)
{
	for (uint32_t i = m->known; i < n; i++) {
		struct model_counter *c = &m->ctr[i];
		uint32_t kind;
		if (reader_meta(m->seg.data, &m->lay3, i, c->name, c->unit, &kind, why, whylen) ||
		    reader_names_add(&m->names3, c->name, i, why, whylen))
			return -1;
		c->gauge = kind == SHMTOP_KIND3_GAUGE;
		m->known = i + 1;
	}
	return 0;
}

/* The selected counter as a version 2 snapshot: the model, the graph and
 * the control segment's proof of belonging take it as they take a v2 one. */
static void snap_of_v3(monitor *m)
{
	const struct model_counter *c = m->nctr ? &m->ctr[m->sel] : NULL;
	struct shmtop_pubval3 v = { 0 };
	if (c)
		v = (struct shmtop_pubval3){ c->value, c->changed_wall_ns, c->changed_mono_ns };
	reader_to_snapshot(&m->st3, c ? &v : NULL, &m->snap);
}

/* Keep the selection on the same name; the first counter otherwise. */
static void reselect(monitor *m)
{
	if (m->sel < m->nctr && strcmp(m->ctr[m->sel].name, m->sel_name) == 0)
		return;
	m->sel = 0;
	for (size_t i = 0; i < m->nctr; i++)
		if (strcmp(m->ctr[i].name, m->sel_name) == 0) {
			m->sel = i;
			break;
		}
	if (m->nctr)
		memcpy(m->sel_name, m->ctr[m->sel].name, sizeof m->sel_name);
}

/* Take a copy of the status and values (under the seqlock if whole), then
 * the metadata and history.  0, or -1 with why. */
static enum shmtop_read_status copy3(monitor *m, bool whole, char *why, size_t whylen)
{
	struct shmtop_status3 st = m->st3;
	enum shmtop_read_status rs =
	    reader_copy(m->seg.data, &m->lay3, &st, m->vals, whole, why, whylen);
	if (rs != SHMTOP_READ_OK)
		return rs;
	if (learn_meta3(m, st.ncounters, why, whylen))
		return SHMTOP_READ_INVALID;
	m->st3 = st;
	m->nctr = st.ncounters;
	for (size_t i = 0; i < m->nctr; i++) {
		struct model_counter *c = &m->ctr[i];
		c->value = m->vals[i].value;
		c->changed_wall_ns = m->vals[i].changed_wall_ns;
		c->changed_mono_ns = m->vals[i].changed_mono_ns;
		c->nspark = history3(m, i, c->spark, MODEL_COUNTER_SPARK, 0, &c->spark_first);
	}
	reselect(m);
	if (m->hist_floor > st.hist_next)
		m->hist_floor = 0;
	m->nhist = m->nctr
		       ? history3(m, m->sel, m->hist, SHMTOP_HISTORY, m->hist_floor, &m->hist_first)
		       : 0;
	snap_of_v3(m);
	return SHMTOP_READ_OK;
}

static void read_record3(monitor *m)
{
	char why[256];
	if (!m->v3) {
		struct shmtop_status3 h;
		struct shmtop_layout3 lay;
		switch (reader_header(m->seg.data, m->seg.size, &h, &lay, why, sizeof why)) {
		case SHMTOP_READ_OK: break;
		case SHMTOP_READ_EMPTY: m->state = MODEL_STARTING; return;
		default:
			m->state = MODEL_DAMAGED;
			m->have_snap = false;
			m->nhist = 0;
			snprintf(m->why, sizeof m->why, "%s", why);
			return;
		}
		m->vals = calloc(h.capacity, sizeof *m->vals);
		m->ctr = calloc(h.capacity, sizeof *m->ctr);
		if (!m->vals || !m->ctr || reader_names_init(&m->names3, h.capacity)) {
			forget_v3(m);
			m->state = MODEL_ERROR;
			snprintf(m->why, sizeof m->why, "out of memory for %u counters",
				 h.capacity);
			return;
		}
		m->v3 = true;
		m->st3 = h;
		m->lay3 = lay;
		m->cap3 = h.capacity;
		m->have_snap = false;
		m->hist_floor = 0;
	}
	switch (copy3(m, true, why, sizeof why)) {
	case SHMTOP_READ_OK:
		m->have_snap = true;
		m->busy = false;
		m->state = MODEL_LIVE;
		m->why[0] = '\0';
		m->removed_shmid = -1;
		read_writer(m);
		segment_attach_control(&m->seg, &m->snap, m->stat.uid);
		return;
	case SHMTOP_READ_EMPTY: m->state = MODEL_STARTING; return;
	case SHMTOP_READ_BUSY:
		if (!m->have_snap || m->busy) {
			char why2[256];
			if (copy3(m, false, why2, sizeof why2) == SHMTOP_READ_OK) {
				shown_busy(m, "publisher");
				read_writer(m);
				return;
			}
		}
		break;
	case SHMTOP_READ_INVALID: damaged(m, "libshmtop", why); return;
	}
	unreadable(m, why);
}

/* The version a shmtop record says it has, or 0 for no shmtop record. */
static uint32_t record_version(const monitor *m)
{
	if (m->seg.size < 16)
		return 0;
	const struct shmtop_record3 *r = m->seg.data;
	if (atomic_load_explicit(&r->magic, memory_order_acquire) != SHMTOP_MAGIC)
		return 0;
	return atomic_load_explicit(&r->version, memory_order_relaxed);
}

static void read_record(monitor *m)
{
	uint32_t version = record_version(m);
	if (version == SHMTOP_RECORD_V3 || m->v3) {
		if (version != SHMTOP_RECORD_V3) {
			m->state = MODEL_LIVE;
			snprintf(m->why, sizeof m->why, "record version changed to %u", version);
			return;
		}
		read_record3(m);
		return;
	}
	if (version != 0 && version != SHMTOP_RECORD_V2) {
		m->state = MODEL_FOREIGN;
		m->have_snap = false;
		m->nhist = 0;
		snprintf(m->why, sizeof m->why,
			 "a version %u shmtop record: this shmtop reads versions %u and %u",
			 version, SHMTOP_RECORD_V2, SHMTOP_RECORD_V3);
		return;
	}
	read_record2(m);
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
	if (m->have_snap)
		m->writer_alive =
		    proc_watch_alive(&m->watch, m->snap.writer_pid, m->snap.writer_start);
}

void monitor_input(const monitor *m, struct model_input *in)
{
	in->key = m->key;
	in->state = m->state;
	in->why = m->why;
	in->removed_shmid = m->removed_shmid;
	in->by_shmid = m->watch_id >= 0;
	in->shmid = m->watch_id;
	in->snap = m->have_snap ? &m->snap : NULL;
	in->stat = m->have_stat ? &m->stat : NULL;
	in->owner = m->owner;
	in->creator = m->creator;
	in->hist = m->hist;
	in->nhist = m->have_snap ? m->nhist : 0;
	in->hist_first = m->hist_first;
	in->att =
	    m->have_att && m->seg.shmid >= 0 && m->seg.shmid == m->scanned.shmid ? &m->att : NULL;
	in->self_pid = m->self;
	in->self_attached = m->seg.data != NULL && m->have_stat && m->stat.shmid == m->seg.shmid;
	in->writer_alive = m->have_snap && m->writer_alive;
	in->writer_comm = m->comm_pid == (m->have_snap ? m->snap.writer_pid : -2) ? m->comm : NULL;
	in->busy = m->have_snap && m->busy;
	in->writer_pstate = m->have_snap ? m->writer_pstate : 0;
	in->control_ok = m->seg.ctl != NULL && m->state == MODEL_LIVE;
	in->control_why = m->seg.shmid < 0 ? "not attached" : m->seg.ctl_why;
	in->v3 = m->v3 && m->have_snap;
	in->counters = in->v3 ? m->ctr : NULL;
	in->ncounters = in->v3 ? m->nctr : 0;
	in->selected = in->v3 ? m->sel : 0;
	in->accept = in->v3 ? m->st3.accept : SHMTOP_CMD_ALL_BITS;
}

void monitor_select(monitor *m, int step)
{
	if (!m->v3 || m->nctr == 0)
		return;
	long to = (long)m->sel + step;
	if (to < 0)
		to = 0;
	if (to >= (long)m->nctr)
		to = (long)m->nctr - 1;
	if ((size_t)to == m->sel)
		return;
	m->sel = (size_t)to;
	memcpy(m->sel_name, m->ctr[m->sel].name, sizeof m->sel_name);
	m->hist_floor = 0;
	uint64_t first;
	m->nhist = history3(m, m->sel, m->hist, SHMTOP_HISTORY, 0, &first);
	m->hist_first = first;
	snap_of_v3(m);
}

bool monitor_refused(const monitor *m, uint32_t ticket, enum shmtop_command cmd)
{
	if (!m->v3 || !m->have_snap || !control_acked(m->st3.refused_req, ticket))
		return false;
	uint32_t bit = cmd == SHMTOP_CMD_RESET ? SHMTOP_CMD_RESET_BIT : SHMTOP_CMD_PAUSE_BIT;
	return (m->st3.refused_cmds & bit) != 0;
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
	return m->have_snap && control_acked(m->snap.request_ack, ticket);
}

void monitor_clear_history(monitor *m)
{
	if (m->have_snap)
		m->hist_floor = m->snap.hist_next;
	m->nhist = 0;
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
	forget_v3(m);
	free(m);
}
