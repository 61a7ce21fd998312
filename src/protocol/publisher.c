/* SPDX-License-Identifier: MIT */
/*
 * libshmtop's publisher: owns one version 3 record (record.h), whose hot
 * values the program changes without any help from here, and whose status,
 * published values and history the service step (shmtop_step()) keeps.
 *
 * The publisher keeps its own copy of the status (`cur`) and of what it last
 * published (`last`), changes them, and publishes both through the status
 * seqlock; the record is read back only when a segment is taken over.
 * Ownership, the control segment and the takeover of a dead predecessor's
 * commands are shmwriter's (owner.h).  A mutex orders the service step with
 * shmtop_declare() (a helper thread may be stepping while the program
 * declares); the hot path never takes it.
 */
#include "shmtop/shmtop.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/shm.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "control.h"
#include "futex.h"
#include "owner.h"
#include "procstat.h"
#include "publisher.h"
#include "reader.h"
#include "record.h"
#include "writerlock.h"

#define RELAXED memory_order_relaxed
#define DEFAULT_CAPACITY 64u
#define DEFAULT_HISTORY 1024u
#define MIN_PERIOD_NS INT64_C(1000)
#define MAX_PERIOD_NS (INT64_C(86400) * NS_PER_SEC)

static_assert(SHMTOP_NAME_MAX == SHMTOP_NAME3_MAX && SHMTOP_UNIT_MAX == SHMTOP_UNIT3_MAX &&
		  SHMTOP_MAX_COUNTERS == SHMTOP_CAPACITY3_MAX,
	      "shmtop.h and record.h agree");
static_assert((int)SHMTOP_COUNTER == (int)SHMTOP_KIND3_COUNTER &&
		  (int)SHMTOP_GAUGE == (int)SHMTOP_KIND3_GAUGE,
	      "kinds");
static_assert((unsigned)SHMTOP_ACCEPT_PAUSE == (unsigned)SHMTOP_CMD_PAUSE_BIT &&
		  (unsigned)SHMTOP_ACCEPT_RESET == (unsigned)SHMTOP_CMD_RESET_BIT,
	      "commands");

struct shmtop_publisher {
	struct shmtop_options opt;
	key_t key;
	uint32_t capacity, history;
	int64_t period;
	int shmid;
	struct shmtop_layout3 lay;
	struct shmtop_record3 *rec;
	struct shmtop_meta3 *meta;
	struct shmtop_pub3 *pub;
	struct shmtop_hot3 *hot;
	char *hist;
	struct shmtop_control *ctl;
	struct owner_old_control old;
	struct writerlock lock;
	uint64_t token;

	pthread_mutex_t mu;          /* the step against declare */
	struct shmtop_status3 cur;   /* the status as last published */
	struct shmtop_pubval3 *last; /* pub[] as last published (capacity) */
	bool *declared;              /* declared by this publisher (capacity) */
	uint64_t *taken;             /* what resets took, per slot (capacity) */
	uint32_t slots;              /* slots with metadata published */
	uint32_t pause_seen;         /* the control's pause word, as handled */
	struct owner_wall wall;
	int64_t next_due;      /* CLOCK_MONOTONIC of the next due step */
	int64_t checked;       /* of the last owner_lost() check */
	int32_t published_pid; /* the writer_pid the record should hold */
	bool failed;           /* removed, lock lost or taken over: why says */
	bool usurped;          /* taken over: the record is another's now */
	int32_t prev_pid;      /* the predecessor's, when taken over */
	bool prev_stopped;     /* it had marked the record stopped */
	char why[256];

	pthread_t thread;
	bool thread_started;
	_Atomic int stop;
};

#define FAIL(...)                                                                                  \
	do {                                                                                       \
		snprintf(why, whylen, __VA_ARGS__);                                                \
		return -1;                                                                         \
	} while (0)

static void *at(const shmtop_publisher *p, uint64_t off)
{
	return (char *)p->rec + off;
}

static _Atomic uint64_t *hist_row(const shmtop_publisher *p, uint64_t n)
{
	return (void *)(p->hist + (n % p->history) * p->lay.row_size);
}

/* Publish cur and last[0, cur.ncounters) (a history row is written before,
 * and counted in cur.hist_next).  Not if the record names a publisher other than the
 * one we last published: another has taken it over (our lock was removed
 * under us). */
static void publish(shmtop_publisher *p)
{
	struct shmtop_record3 *r = p->rec;
	struct shmtop_status3 *s = &p->cur;
	int32_t there = atomic_load_explicit(&r->writer_pid, RELAXED);
	if (there != p->published_pid) {
		p->failed = p->usurped = true;
		snprintf(p->why, sizeof p->why, "publisher pid %d has taken segment shmid %d over",
			 (int)there, p->shmid);
		return;
	}
	p->published_pid = s->writer_pid;
	s->check = reader_checksum(s, p->last, s->ncounters);
	record_seq_begin(&r->seq);
#define STORE3(type, name) atomic_store_explicit(&r->name, s->name, RELAXED);
	SHMTOP_STATUS_FIELDS(STORE3)
#undef STORE3
	atomic_store_explicit(&r->check, s->check, RELAXED);
	for (uint32_t i = 0; i < s->ncounters; i++) {
		atomic_store_explicit(&p->pub[i].value, p->last[i].value, RELAXED);
		atomic_store_explicit(&p->pub[i].changed_wall_ns, p->last[i].changed_wall_ns,
				      RELAXED);
		atomic_store_explicit(&p->pub[i].changed_mono_ns, p->last[i].changed_mono_ns,
				      RELAXED);
	}
	record_seq_end(&r->seq);
}

/* Take every hot value of [from, to) that changed, with this step's time. */
static void take_values(shmtop_publisher *p, uint32_t from, uint32_t to, int64_t now)
{
	int64_t wall = now + p->wall.offset;
	for (uint32_t i = from; i < to; i++) {
		uint64_t v = atomic_load_explicit(&p->hot[i].value, RELAXED);
		if (v != p->last[i].value || p->last[i].changed_mono_ns == 0) {
			p->last[i].value = v;
			p->last[i].changed_wall_ns = wall;
			p->last[i].changed_mono_ns = now;
		}
	}
}

static void stamp(shmtop_publisher *p, int64_t now)
{
	p->cur.stamp_mono_ns = now;
	p->cur.stamp_wall_ns = now + p->wall.offset;
}

/* A history row of every counter's published value. */
static void sample(shmtop_publisher *p, int64_t now)
{
	_Atomic uint64_t *row = hist_row(p, p->cur.hist_next);
	atomic_store_explicit(&row[0], (uint64_t)now, RELAXED);
	for (uint32_t i = 0; i < p->capacity; i++)
		atomic_store_explicit(&row[1 + i], i < p->cur.ncounters ? p->last[i].value : 0,
				      RELAXED);
	p->cur.hist_next++;
}

static void reset_all(shmtop_publisher *p, int64_t now)
{
	int64_t wall = now + p->wall.offset;
	for (uint32_t i = 0; i < p->slots; i++) {
		if (p->meta[i].kind == SHMTOP_KIND3_GAUGE) {
			p->taken[i] += atomic_exchange_explicit(&p->hot[i].value, 0, RELAXED);
		} else {
			/* what was counted goes; what is added meanwhile stays */
			uint64_t v = atomic_load_explicit(&p->hot[i].value, RELAXED);
			atomic_fetch_sub_explicit(&p->hot[i].value, v, RELAXED);
			p->taken[i] += v;
		}
		p->last[i] = (struct shmtop_pubval3){ 0, wall, now };
	}
}

/* Apply (or refuse) every command up to request word req. */
static void apply_commands(shmtop_publisher *p, uint32_t req, int64_t now)
{
	struct shmtop_status3 *s = &p->cur;
	uint32_t pause = atomic_load_explicit(&p->ctl->pause, RELAXED);
	uint64_t reset = atomic_load_explicit(&p->ctl->reset, RELAXED);
	uint32_t refused = 0;

	if (pause != p->pause_seen) {
		/* the serial moved: at least one pause or resume was sent */
		p->pause_seen = pause;
		if (!(p->opt.accept & SHMTOP_ACCEPT_PAUSE)) {
			refused |= SHMTOP_CMD_PAUSE_BIT;
			s->refused++;
		} else {
			uint32_t want = (pause & 1) ? SHMTOP_STATE_PAUSED : SHMTOP_STATE_RUNNING;
			if (want == SHMTOP_STATE_RUNNING && s->state == SHMTOP_STATE_PAUSED) {
				take_values(p, 0, s->ncounters, now);
				stamp(p, now);
				p->next_due = now + p->period;
			}
			s->state = want;
		}
	}
	if (reset != s->reset_ack) {
		if (!(p->opt.accept & SHMTOP_ACCEPT_RESET)) {
			refused |= SHMTOP_CMD_RESET_BIT;
			s->refused += reset - s->reset_ack;
		} else {
			s->resets += reset - s->reset_ack;
			reset_all(p, now);
			stamp(p, now);
		}
		s->reset_ack = reset;
	}
	if (refused) {
		s->refused_req = req;
		s->refused_cmds = refused;
	}
	s->request_ack = req;
	s->beat_ns = now;
	publish(p);
	futex_wake(&p->rec->request_ack);
}

static int64_t step_locked(shmtop_publisher *p, bool force)
{
	struct shmtop_status3 *s = &p->cur;
	if (p->failed)
		return -1;
	if (p->old.ctl)
		control_forward(p->ctl, p->old.ctl, &p->old.seen);
	int64_t now = clock_mono_ns();
	uint32_t req = atomic_load_explicit(&p->ctl->request, memory_order_acquire);
	if (req != s->request_ack)
		apply_commands(p, req, now);
	if (now - p->checked >= OWNER_CHECK_NS) {
		p->checked = now;
		if (owner_lost(p->shmid, &p->lock, p->why, sizeof p->why)) {
			p->failed = true;
			return -1;
		}
		if (p->old.ctl)
			owner_drop_old_control(p->ctl, &p->old);
	}
	bool running = s->state == SHMTOP_STATE_RUNNING;
	bool due = force || now >= p->next_due;
	if (due || p->slots > s->ncounters) {
		owner_wall_refresh(&p->wall, now);
		/* New counters appear at once: running, with every value of now
		 * (one snapshot, one stamp); paused, with their own only. */
		take_values(p, running ? 0 : s->ncounters, p->slots, now);
		if (running)
			stamp(p, now);
		s->ncounters = p->slots;
		if (running && due)
			sample(p, now);
		s->beat_ns = now;
		publish(p);
		if (due) {
			p->next_due += p->period;
			if (p->next_due <= now) /* late (stopped, loaded): no burst */
				p->next_due = now + p->period;
		}
	}
	if (p->failed)
		return -1;
	int64_t wait = p->next_due - now;
	if (p->old.ctl && wait > OWNER_OLD_CONTROL_POLL_NS)
		wait = OWNER_OLD_CONTROL_POLL_NS; /* its senders wake the other futex */
	return wait > 0 ? wait : 0;
}

int64_t shmtop_step(shmtop_publisher *p)
{
	pthread_mutex_lock(&p->mu);
	int64_t r = step_locked(p, false);
	pthread_mutex_unlock(&p->mu);
	return r;
}

int shmtop_run(shmtop_publisher *p, const _Atomic int *stop)
{
	while (!atomic_load_explicit(stop, RELAXED)) {
		int64_t wait = shmtop_step(p);
		if (wait < 0)
			return -1;
		if (!atomic_load_explicit(stop, RELAXED))
			publisher_wait(p, wait);
	}
	return 0;
}

static void *helper(void *arg)
{
	shmtop_publisher *p = arg;
	shmtop_run(p, &p->stop);
	return NULL;
}

int shmtop_start(shmtop_publisher *p)
{
	if (p->thread_started) {
		snprintf(p->why, sizeof p->why, "the helper thread is already running");
		return -1;
	}
	int err = pthread_create(&p->thread, NULL, helper, p);
	if (err) {
		snprintf(p->why, sizeof p->why, "cannot start the helper thread: %s",
			 strerror(err));
		return -1;
	}
	p->thread_started = true;
	return 0;
}

const char *shmtop_error(const shmtop_publisher *p)
{
	return p->why;
}

bool shmtop_paused(const shmtop_publisher *p)
{
	shmtop_publisher *q = (shmtop_publisher *)(uintptr_t)p; /* the mutex only */
	pthread_mutex_lock(&q->mu);
	bool paused = p->cur.state == SHMTOP_STATE_PAUSED;
	pthread_mutex_unlock(&q->mu);
	return paused;
}

int shmtop_shmid(const shmtop_publisher *p)
{
	return p->shmid;
}

key_t shmtop_key(const shmtop_publisher *p)
{
	return p->key;
}

/* ---- declaring counters */

int shmtop_declare(shmtop_publisher *p, const char *name, enum shmtop_kind kind, const char *unit,
		   struct shmtop_counter *c, char *why, size_t whylen)
{
	char reason[160];
	if (!name || reader_check_name(name, SHMTOP_NAME_MAX, reason, sizeof reason))
		FAIL("%s", name ? reason : "no counter name");
	if (!unit)
		unit = "";
	if (reader_check_unit(unit, SHMTOP_UNIT_MAX, reason, sizeof reason))
		FAIL("counter %s: %s", name, reason);
	if (kind != SHMTOP_COUNTER && kind != SHMTOP_GAUGE)
		FAIL("counter %s: kind %d is neither SHMTOP_COUNTER nor SHMTOP_GAUGE", name,
		     (int)kind);
	int rc = 0;
	pthread_mutex_lock(&p->mu);
	uint32_t i;
	for (i = 0; i < p->slots; i++)
		if (strcmp(p->meta[i].name, name) == 0)
			break;
	if (i < p->slots) {
		/* a slot of a record taken over keeps its value; not twice */
		if (p->declared[i]) {
			snprintf(why, whylen, "counter %s is already declared", name);
			rc = -1;
		} else if (p->meta[i].kind != (uint32_t)kind) {
			snprintf(why, whylen,
				 "counter %s is a %s in the record taken over, not a %s: remove "
				 "the segment (ipcrm -m %d) to change it",
				 name, p->meta[i].kind == SHMTOP_KIND3_GAUGE ? "gauge" : "counter",
				 kind == SHMTOP_GAUGE ? "gauge" : "counter", p->shmid);
			rc = -1;
		} else if (strcmp(p->meta[i].unit, unit) != 0) {
			snprintf(why, whylen,
				 "counter %s has unit \"%s\" in the record taken over, not \"%s\"",
				 name, p->meta[i].unit, unit);
			rc = -1;
		}
	} else if (p->slots == p->capacity) {
		snprintf(why, whylen, "cannot declare %s: the record is full (capacity %u)", name,
			 p->capacity);
		rc = -1;
	} else {
		struct shmtop_meta3 *m = &p->meta[i];
		memset(m->name, 0, sizeof m->name);
		memset(m->unit, 0, sizeof m->unit);
		memcpy(m->name, name, strlen(name));
		memcpy(m->unit, unit, strlen(unit));
		m->kind = (uint32_t)kind;
		atomic_store_explicit(&p->hot[i].value, 0, RELAXED);
		p->last[i] = (struct shmtop_pubval3){ 0, 0, 0 };
		atomic_store_explicit(&m->published, 1, memory_order_release);
		p->slots = i + 1;
	}
	if (rc == 0) {
		p->declared[i] = true;
		c->value = &p->hot[i].value;
	}
	pthread_mutex_unlock(&p->mu);
	return rc;
}

/* ---- opening */

static void init_identity(shmtop_publisher *p)
{
	char state;
	p->cur.writer_pid = (int32_t)getpid();
	if (proc_stat(getpid(), &state, &p->cur.writer_start))
		p->cur.writer_start = 0;
	p->cur.started_ns = clock_wall_ns();
	p->cur.period_ns = p->period;
	p->cur.state = SHMTOP_STATE_RUNNING;
	p->cur.writers++;
}

static void map_areas(shmtop_publisher *p)
{
	p->meta = at(p, p->lay.meta_off);
	p->pub = at(p, p->lay.pub_off);
	p->hot = at(p, p->lay.hot_off);
	p->hist = at(p, p->lay.hist_off);
}

/* A brand-new record in a segment we just created (all zero). */
static int init_created(shmtop_publisher *p, char *why, size_t whylen)
{
	struct shmtop_record3 *r = p->rec;
	atomic_store_explicit(&r->version, SHMTOP_RECORD_V3, RELAXED);
	atomic_store_explicit(&r->endian, SHMTOP_ENDIAN, RELAXED);
	atomic_store_explicit(&r->header_size, offsetof(struct shmtop_record3, seq), RELAXED);
	atomic_store_explicit(&r->layout_size, sizeof *r, RELAXED);
	atomic_store_explicit(&r->segment_size, p->lay.size, RELAXED);
	atomic_store_explicit(&r->hist_cap, p->history, RELAXED);
	atomic_store_explicit(&r->capacity, p->capacity, RELAXED);
	atomic_store_explicit(&r->accept, p->opt.accept, RELAXED);
	atomic_store_explicit(&r->meta_off, p->lay.meta_off, RELAXED);
	atomic_store_explicit(&r->pub_off, p->lay.pub_off, RELAXED);
	atomic_store_explicit(&r->hot_off, p->lay.hot_off, RELAXED);
	atomic_store_explicit(&r->hist_off, p->lay.hist_off, RELAXED);
	p->token = owner_new_token();
	atomic_store_explicit(&r->token, p->token, RELAXED);
	map_areas(p);
	p->cur.control_id = owner_control_create(p->shmid, p->token, p->opt.control_mode,
						 &(struct control_seen){ 0 }, &p->ctl, why, whylen);
	if (p->cur.control_id < 0)
		return -1;
	init_identity(p);
	int64_t now = clock_mono_ns();
	stamp(p, now);
	p->cur.beat_ns = now;
	publish(p);
	atomic_store_explicit(&r->magic, SHMTOP_MAGIC, memory_order_release);
	return 0;
}

/* Take over a record we checked (header, status, every slot's metadata);
 * we hold the key's lock. */
static int init_taken(shmtop_publisher *p, const struct shmtop_status3 *st, char *why,
		      size_t whylen)
{
	struct shmtop_status3 *s = &p->cur;
	struct shmtop_record3 *r = p->rec;
	p->published_pid = atomic_load_explicit(&r->writer_pid, RELAXED);
	p->prev_pid = st->writer_pid;
	p->prev_stopped = st->state == SHMTOP_STATE_STOPPED;
	*s = *st; /* p->last holds its published values */
	p->token = st->token;
	struct control_seen start = { .request = s->request_ack, .reset = s->reset_ack };
	p->old.ctl = owner_previous_control(p->shmid, p->token, st->control_id, st->writer_pid);
	if (p->old.ctl) {
		p->old.id = st->control_id;
		control_seen_now(p->old.ctl, &p->old.seen);
		start = p->old.seen;
	}
	s->control_id = owner_control_create(p->shmid, p->token, p->opt.control_mode, &start,
					     &p->ctl, why, whylen);
	if (s->control_id < 0)
		return -1;
	/* Commands still pending apply at the first step; the pause word as
	 * it is then counts as sent (its state is the one last asked for). */
	p->pause_seen = start.request == s->request_ack ? start.pause : 0;
	init_identity(p);
	int64_t now = clock_mono_ns();
	if (p->opt.reset) {
		s->resets++;
		reset_all(p, now);
	}
	stamp(p, now);
	s->beat_ns = now;
	s->ncounters = p->slots;
	publish(p);
	return 0;
}

/* Check the slots' metadata of a record taken over: slots [0, n) are
 * published with sound names (unique) and kinds; the rest are not. */
static int check_slots(shmtop_publisher *p, char *why, size_t whylen)
{
	char reason[160];
	uint32_t n = 0;
	while (n < p->capacity && atomic_load_explicit(&p->meta[n].published, memory_order_acquire))
		n++;
	for (uint32_t i = 0; i < n; i++) {
		const struct shmtop_meta3 *m = &p->meta[i];
		if (reader_check_name(m->name, sizeof m->name, reason, sizeof reason) ||
		    reader_check_unit(m->unit, sizeof m->unit, reason, sizeof reason))
			FAIL("counter %u: %s", i, reason);
		if (m->kind != SHMTOP_KIND3_COUNTER && m->kind != SHMTOP_KIND3_GAUGE)
			FAIL("counter %u: kind %u unknown", i, m->kind);
		for (uint32_t j = 0; j < i; j++)
			if (strcmp(p->meta[j].name, m->name) == 0)
				FAIL("counters %u and %u are both named %s", j, i, m->name);
	}
	for (uint32_t i = n; i < p->capacity; i++)
		if (atomic_load_explicit(&p->meta[i].published, RELAXED))
			FAIL("counter %u is published after an unpublished one", i);
	if (p->cur.ncounters > n)
		FAIL("status counts %u counters, %u are published", p->cur.ncounters, n);
	p->slots = n;
	return 0;
}

/* Attach the existing segment id on the key, refusing anything not ours or
 * not of our shape.  0 taken over, 1 gone meanwhile (create again), -1. */
static int open_existing(shmtop_publisher *p, char *why, size_t whylen)
{
	char kb[16];
	const char *k = owner_key_hex(p->key, kb);
	int id = shmget(p->key, 0, 0);
	if (id < 0) {
		snprintf(why, whylen, "segment with key %s: %s", k, strerror(errno));
		return errno == ENOENT ? 1 : -1;
	}
	struct shmid_ds ds;
	if (shmctl(id, IPC_STAT, &ds) < 0) {
		snprintf(why, whylen, "segment with key %s (shmid %d): %s", k, id, strerror(errno));
		return -1;
	}
	p->shmid = id;
	if (owner_adoptable(p->key, id, &ds, why, whylen))
		return -1;
	void *seg = shmat(id, NULL, 0);
	if (seg == (void *)-1)
		FAIL("cannot attach segment with key %s (shmid %d) for writing: %s", k, id,
		     strerror(errno));
	p->rec = seg;

	char reason[200];
	struct shmtop_status3 st;
	struct shmtop_layout3 lay;
	enum shmtop_read_status rs = SHMTOP_READ_EMPTY;
	for (int i = 0; i < 100 && rs == SHMTOP_READ_EMPTY; i++) {
		rs = reader_header(seg, ds.shm_segsz, &st, &lay, reason, sizeof reason);
		if (rs == SHMTOP_READ_EMPTY)
			nanosleep(&(struct timespec){ .tv_nsec = 10 * NS_PER_MS }, NULL);
	}
	/* ours (owner_adoptable()), left by shmwriter 0.3 or older: say how to
	 * go on */
	if (rs == SHMTOP_READ_INVALID && st.magic == SHMTOP_MAGIC && st.endian == SHMTOP_ENDIAN &&
	    st.version == 2)
		FAIL("key %s (shmid %d) holds a version 2 record, which shmwriter wrote up to "
		     "shmtop "
		     "0.3: shmtop shows it, but it is not taken over; remove it (ipcrm -m %d) to "
		     "publish on this key",
		     k, id, id);
	if (rs != SHMTOP_READ_OK)
		FAIL("key %s holds a %zu-byte segment (shmid %d, owner uid %u, mode %04o) that no "
		     "libshmtop publisher made (%s); refusing to touch it",
		     k, (size_t)ds.shm_segsz, id, (unsigned)ds.shm_perm.uid,
		     (unsigned)(ds.shm_perm.mode & 0777), reason);
	if (st.capacity != p->capacity || st.hist_cap != p->history)
		FAIL("key %s (shmid %d) holds a record of %u counter%s and %u history rows, not "
		     "%u and %u: remove it (ipcrm -m %d) or open it with the same shape",
		     k, id, st.capacity, st.capacity == 1 ? "" : "s", st.hist_cap, p->capacity,
		     p->history, id);
	p->lay = lay;
	map_areas(p);
	/* A publisher killed mid-update leaves seq odd and the checksum stale,
	 * but each field whole: then check the fields one by one. */
	rs = reader_copy(seg, &lay, &st, p->last, true, reason, sizeof reason);
	if (rs == SHMTOP_READ_BUSY)
		rs = reader_copy(seg, &lay, &st, p->last, false, reason, sizeof reason);
	if (rs == SHMTOP_READ_OK) {
		p->cur = st;
		if (check_slots(p, reason, sizeof reason))
			rs = SHMTOP_READ_INVALID;
	}
	if (rs != SHMTOP_READ_OK)
		FAIL(
		    "key %s (shmid %d) holds a damaged libshmtop record (%s); refusing to touch it",
		    k, id, reason);
	return init_taken(p, &st, why, whylen);
}

static int check_options(const struct shmtop_options *o, char *why, size_t whylen)
{
	if (o->key == 0 && (!o->path || !*o->path))
		FAIL("no key and no path to make one from");
	if (o->capacity > SHMTOP_MAX_COUNTERS)
		FAIL("capacity %u out of range: 1..%u counters", o->capacity, SHMTOP_MAX_COUNTERS);
	if (o->history != 0 &&
	    (o->history < SHMTOP_HISTORY3_MIN || o->history > SHMTOP_HISTORY3_MAX))
		FAIL("history %u out of range: %u..%u samples", o->history, SHMTOP_HISTORY3_MIN,
		     SHMTOP_HISTORY3_MAX);
	if (o->period_ns != 0 && (o->period_ns < MIN_PERIOD_NS || o->period_ns > MAX_PERIOD_NS))
		FAIL("period %lld ns out of range: 1 µs to 1 day", (long long)o->period_ns);
	if ((o->mode & ~0777u) || (o->mode & 0022))
		FAIL("mode %04o: the segment may be written by its publisher only (no group or "
		     "other write bit)",
		     (unsigned)o->mode);
	if (o->control_mode & ~0777u)
		FAIL("control mode %04o out of range", (unsigned)o->control_mode);
	if (o->accept & ~(unsigned)SHMTOP_ACCEPT_ALL)
		FAIL("accept 0x%x: unknown commands", o->accept);
	return 0;
}

static void discard(shmtop_publisher *p)
{
	if (p->rec)
		shmdt(p->rec);
	if (p->ctl)
		shmdt(p->ctl);
	if (p->old.ctl)
		shmdt(p->old.ctl);
	writerlock_release(&p->lock);
	pthread_mutex_destroy(&p->mu);
	free(p->last);
	free(p->declared);
	free(p->taken);
	free(p);
}

shmtop_publisher *shmtop_open(const struct shmtop_options *o, char *why, size_t whylen)
{
	if (check_options(o, why, whylen))
		return NULL;
	shmtop_publisher *p = calloc(1, sizeof *p);
	if (!p) {
		snprintf(why, whylen, "out of memory");
		return NULL;
	}
	p->opt = *o;
	p->opt.mode = o->mode ? o->mode : 0600;
	p->opt.control_mode = o->control_mode ? o->control_mode : 0600;
	p->capacity = o->capacity ? o->capacity : DEFAULT_CAPACITY;
	p->history = o->history ? o->history : DEFAULT_HISTORY;
	p->period = o->period_ns ? o->period_ns : NS_PER_SEC;
	p->shmid = -1;
	p->cur.control_id = -1;
	p->old.id = -1;
	p->lock.semid = -1;
	pthread_mutex_init(&p->mu, NULL);
	p->last = calloc(p->capacity, sizeof *p->last);
	p->declared = calloc(p->capacity, sizeof *p->declared);
	p->taken = calloc(p->capacity, sizeof *p->taken);
	if (!p->last || !p->declared || !p->taken) {
		snprintf(why, whylen, "out of memory");
		discard(p);
		return NULL;
	}
	if (record3_layout(p->capacity, p->history, &p->lay)) {
		snprintf(why, whylen,
			 "a record of %u counters and %u samples does not fit in memory",
			 p->capacity, p->history);
		discard(p);
		return NULL;
	}
	p->key = o->key;
	if (p->key == 0) {
		p->key = ftok(o->path, 'S');
		if (p->key == -1) {
			snprintf(why, whylen, "cannot make a key from %s: %s", o->path,
				 strerror(errno));
			discard(p);
			return NULL;
		}
	}
	owner_wall_refresh(&p->wall, 0);
	if (writerlock_take(&p->lock, p->key, why, whylen)) {
		discard(p);
		return NULL;
	}
	for (int attempt = 0; attempt < 5; attempt++) {
		int id =
		    shmget(p->key, (size_t)p->lay.size, IPC_CREAT | IPC_EXCL | (int)p->opt.mode);
		if (id >= 0) {
			p->shmid = id;
			p->rec = shmat(id, NULL, 0);
			if (p->rec == (void *)-1) {
				snprintf(why, whylen, "cannot attach new segment: %s",
					 strerror(errno));
				p->rec = NULL;
			} else if (init_created(p, why, whylen) == 0) {
				break;
			}
			shmctl(id, IPC_RMID, NULL); /* ours, and never published */
			discard(p);
			return NULL;
		}
		if (errno != EEXIST) {
			char kb[16];
			snprintf(why, whylen, "cannot create a %llu-byte segment with key %s: %s",
				 (unsigned long long)p->lay.size, owner_key_hex(p->key, kb),
				 strerror(errno));
			discard(p);
			return NULL;
		}
		int rc = open_existing(p, why, whylen);
		if (rc == 0)
			break;
		if (rc < 0 || attempt == 4) {
			discard(p);
			return NULL;
		}
		if (p->rec)
			shmdt(p->rec);
		p->rec = NULL;
	}
	int64_t now = clock_mono_ns();
	p->next_due = now + p->period;
	p->checked = now;
	return p;
}

void shmtop_close(shmtop_publisher *p)
{
	if (!p)
		return;
	if (p->thread_started) {
		atomic_store_explicit(&p->stop, 1, RELAXED);
		/* The thread may be between its check of stop and its wait: wake
		 * it until it has gone. */
		for (;;) {
			futex_wake(&p->ctl->request);
			struct timespec ts;
			clock_gettime(CLOCK_REALTIME, &ts);
			ts.tv_nsec += 10 * NS_PER_MS;
			if (ts.tv_nsec >= NS_PER_SEC) {
				ts.tv_sec++;
				ts.tv_nsec -= NS_PER_SEC;
			}
			if (pthread_timedjoin_np(p->thread, NULL, &ts) == 0)
				break;
		}
	}
	/* A publisher whose lock was lost leaves the record, and the key, to
	 * the one that may hold them now; one whose segment was removed marks
	 * it stopped for the viewers that still have it. */
	if (p->lock.semid >= 0 && !p->usurped) {
		int64_t now = clock_mono_ns();
		owner_wall_refresh(&p->wall, now);
		if (p->cur.state == SHMTOP_STATE_RUNNING) {
			take_values(p, 0, p->slots, now);
			stamp(p, now);
		}
		p->cur.ncounters = p->slots;
		p->cur.state = SHMTOP_STATE_STOPPED;
		p->cur.beat_ns = now;
		publish(p);
		futex_wake(&p->rec->request_ack);
		if (p->opt.remove_on_close)
			shmctl(p->shmid, IPC_RMID, NULL);
	}
	discard(p);
}

uint64_t publisher_reset_taken(shmtop_publisher *p, unsigned slot)
{
	pthread_mutex_lock(&p->mu);
	uint64_t t = slot < p->capacity ? p->taken[slot] : 0;
	pthread_mutex_unlock(&p->mu);
	return t;
}

int64_t publisher_step_now(shmtop_publisher *p)
{
	pthread_mutex_lock(&p->mu);
	int64_t r = step_locked(p, true);
	pthread_mutex_unlock(&p->mu);
	return r;
}

int64_t publisher_next_due(shmtop_publisher *p)
{
	pthread_mutex_lock(&p->mu);
	int64_t due = p->next_due;
	pthread_mutex_unlock(&p->mu);
	return due;
}

void publisher_wait(shmtop_publisher *p, int64_t ns)
{
	pthread_mutex_lock(&p->mu);
	uint32_t seen = p->cur.request_ack;
	pthread_mutex_unlock(&p->mu);
	if (ns > 0)
		futex_wait(&p->ctl->request, seen, ns);
}

pid_t publisher_predecessor(const shmtop_publisher *p, bool *stopped)
{
	*stopped = p->prev_stopped;
	return p->prev_pid;
}
