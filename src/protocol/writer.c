/* SPDX-License-Identifier: MIT */
/*
 * The writer engine.  A writer keeps its own copy of the payload (`cur`),
 * changes it, and publishes the whole copy through the seqlock; the shared
 * record is never read back except once, when a segment is taken over.
 *
 * Ownership: the single-writer lock, a SysV semaphore on the key
 * (writerlock.h), taken before the segment is created or adopted.  If its
 * holder dies, the kernel releases it and the next writer repairs the
 * record and carries on.  A segment is adopted only if this euid owns and
 * created it and no one else may write it (trust.h): nothing this process
 * runs on, and nothing its libc or the kernel dereferences, lies in memory
 * another user can write.
 *
 * Commands: every writer makes its own control segment naming its data
 * segment and the record's token.  One that takes over applies what is
 * pending in its predecessor's (if that one proves it belongs to the
 * record) and forwards whatever still arrives there until no viewer has it
 * attached (control.h).
 */
#include "writer.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/random.h>
#include <sys/shm.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "control.h"
#include "futex.h"
#include "procstat.h"
#include "shmtop/record.h"
#include "trust.h"
#include "writerlock.h"

#define RELAXED memory_order_relaxed
/* How often commands sent to a predecessor's control segment are looked
 * for, while a viewer still has it attached. */
#define OLD_CONTROL_POLL_NS (50 * INT64_C(1000000))

struct writer {
	struct writer_options opt;
	int shmid;
	struct shmtop_record *rec;
	struct shmtop_control *ctl;
	struct writerlock lock;
	uint64_t token;                 /* the record's */
	struct shmtop_control *old_ctl; /* the predecessor's, while viewers hold it */
	int old_ctl_id;
	struct control_seen old_seen; /* what has been forwarded from it */
	char why[200];                /* why writer_run() returned -1 */
	int32_t published_pid;        /* the writer_pid the record should hold */
	bool usurped;                 /* another writer holds the record now */
	struct shmtop_snapshot cur;   /* the payload as this writer last published it */
	int64_t wall_offset;          /* CLOCK_REALTIME - CLOCK_MONOTONIC ... */
	int64_t wall_offset_at;       /* ... as measured at this CLOCK_MONOTONIC time */
	int64_t next_tick;            /* CLOCK_MONOTONIC of the next count */
	int64_t last_beat;
	int64_t removal_checked; /* CLOCK_MONOTONIC of the last removed() check */
	mode_t seg_mode;
	enum { OPENED_CREATED, OPENED_RESUMED, OPENED_TOOK_OVER } how;
	int32_t prev_pid;
};

/* Publish w->cur.  Not if the record names a writer other than the one we
 * last published (or found there): another writer has taken it over, which
 * only happens if our lock was removed under us; w->usurped then says so. */
static void publish(writer *w, int sample)
{
	struct shmtop_record *r = w->rec;
	struct shmtop_snapshot *s = &w->cur;

	int32_t there = atomic_load_explicit(&r->writer_pid, RELAXED);
	if (there != w->published_pid) {
		w->usurped = true;
		snprintf(w->why, sizeof w->why, "writer pid %d has taken segment shmid %d over",
			 (int)there, w->shmid);
		return;
	}
	w->published_pid = s->writer_pid;
	record_publish_begin(r);
	if (sample) {
		struct shmtop_sample_slot *slot = &r->hist[s->hist_next % SHMTOP_HISTORY];
		atomic_store_explicit(&slot->value, s->count, RELAXED);
		atomic_store_explicit(&slot->mono_ns, s->mono_ns, RELAXED);
		s->hist_next++;
	}
	s->check = record_checksum(s);
	record_store(r, s);
	record_publish_end(r);
}

/* Set the count's time to now (monotonic, and wall derived from it). */
static void stamp(writer *w, int64_t now)
{
	w->cur.mono_ns = now;
	w->cur.wall_ns = now + w->wall_offset;
	w->cur.beat_ns = now;
}

/* The wall clock is derived from the monotonic one, so that an update costs
 * one clock read; the offset is re-measured every beat, which follows clock
 * steps (NTP, date -s) within WRITER_BEAT_NS. */
static void refresh_wall_offset(writer *w, int64_t now)
{
	if (w->wall_offset_at && now - w->wall_offset_at < WRITER_BEAT_NS)
		return;
	w->wall_offset_at = clock_mono_ns();
	w->wall_offset = clock_wall_ns() - w->wall_offset_at;
}

/* A fresh control segment, already marked for removal so it goes away with
 * its last user, its counters starting at start.  Returns its id, or -1. */
static int control_create(writer *w, const struct control_seen *start, char *why, size_t whylen)
{
	int id = shmget(IPC_PRIVATE, sizeof(struct shmtop_control),
			IPC_CREAT | (int)w->opt.control_mode);
	if (id < 0) {
		snprintf(why, whylen, "cannot create control segment: %s", strerror(errno));
		return -1;
	}
	void *p = shmat(id, NULL, 0);
	shmctl(id, IPC_RMID, NULL);
	if (p == (void *)-1) {
		snprintf(why, whylen, "cannot attach control segment: %s", strerror(errno));
		return -1;
	}
	w->ctl = p;
	control_init(w->ctl, w->shmid, w->token, start);
	return id;
}

/* The control segment of the writer before us (pid prev), if it is still
 * there and passes the checks a viewer makes: its pending commands are then
 * applied, not lost.  NULL otherwise. */
static struct shmtop_control *previous_control(const writer *w, int id, pid_t prev)
{
	struct shmid_ds ds;
	if (id < 0 || shmctl(id, IPC_STAT, &ds) < 0)
		return NULL;
	const struct control_claim c = { .id = id, .uid = ds.shm_perm.uid, .cpid = ds.shm_cpid };
	const struct control_expect e = {
		.data_shmid = w->shmid, .data_uid = geteuid(), .writer_pid = prev, .token = w->token
	};
	char why[200];
	return control_attach_proven(&c, ds.shm_segsz, &e, why, sizeof why);
}

/* A random token for a new record: a copy of the record carries it too, but
 * a segment that merely reuses the shmid does not. */
static uint64_t new_token(void)
{
	uint64_t t = 0;
	if (getrandom(&t, sizeof t, 0) != (ssize_t)sizeof t || t == 0)
		t = ((uint64_t)clock_mono_ns() * UINT64_C(0x9e3779b97f4a7c15)) ^
		    (uint64_t)clock_wall_ns() ^ ((uint64_t)getpid() << 40) ^ 1;
	return t;
}

static void init_identity(writer *w)
{
	char state;
	w->cur.writer_pid = (int32_t)getpid();
	if (proc_stat(getpid(), &state, &w->cur.writer_start))
		w->cur.writer_start = 0;
	w->cur.started_ns = clock_wall_ns();
	w->cur.interval_ns = w->opt.interval_ns;
	w->cur.state = SHMTOP_STATE_RUNNING;
	w->cur.writers++;
}

/* Make a brand-new record in a segment we just created (all zero). */
static int init_created(writer *w, char *why, size_t whylen)
{
	struct shmtop_record *r = w->rec;
	atomic_store_explicit(&r->version, SHMTOP_VERSION, RELAXED);
	atomic_store_explicit(&r->endian, SHMTOP_ENDIAN, RELAXED);
	atomic_store_explicit(&r->header_size, offsetof(struct shmtop_record, seq), RELAXED);
	atomic_store_explicit(&r->record_size, sizeof *r, RELAXED);
	atomic_store_explicit(&r->segment_size, sizeof *r, RELAXED);
	atomic_store_explicit(&r->hist_cap, SHMTOP_HISTORY, RELAXED);
	w->token = new_token();
	atomic_store_explicit(&r->token, w->token, RELAXED);
	w->cur.control_id = control_create(w, &(struct control_seen){ 0 }, why, whylen);
	if (w->cur.control_id < 0)
		return -1;
	init_identity(w);
	stamp(w, clock_mono_ns());
	publish(w, 1);
	atomic_store_explicit(&r->magic, SHMTOP_MAGIC, memory_order_release);
	return 0;
}

static const char *key_hex(key_t key, char buf[16])
{
	snprintf(buf, 16, "0x%08x", (unsigned)key);
	return buf;
}

/* Take over an existing, validated record; we hold the key's lock. */
static int init_taken(writer *w, char *why, size_t whylen)
{
	struct shmtop_record *r = w->rec;
	struct shmtop_snapshot *s = &w->cur;
	/* The payload may be mid-update if the last writer died; each field is
	 * atomic, so take what is there field by field and republish it whole. */
	w->prev_pid = atomic_load_explicit(&r->writer_pid, RELAXED);
	w->published_pid = w->prev_pid;
	s->count = atomic_load_explicit(&r->count, RELAXED);
	s->resets = atomic_load_explicit(&r->resets, RELAXED);
	s->reset_ack = atomic_load_explicit(&r->reset_ack, RELAXED);
	s->hist_next = atomic_load_explicit(&r->hist_next, RELAXED);
	s->writers = atomic_load_explicit(&r->writers, RELAXED);
	s->request_ack = atomic_load_explicit(&r->request_ack, RELAXED);
	int old_ctl = atomic_load_explicit(&r->control_id, RELAXED);
	uint32_t state = atomic_load_explicit(&r->state, RELAXED);
	w->how = state == SHMTOP_STATE_STOPPED ? OPENED_RESUMED : OPENED_TOOK_OVER;
	w->token = atomic_load_explicit(&r->token, RELAXED);

	/* Our own control segment, its counters going on from the last one's
	 * (so that its pending commands apply at the first turn of the loop),
	 * or from what the record last acknowledged. */
	struct control_seen start = { .request = s->request_ack, .reset = s->reset_ack };
	w->old_ctl = previous_control(w, old_ctl, w->prev_pid);
	if (w->old_ctl) {
		w->old_ctl_id = old_ctl;
		control_seen_now(w->old_ctl, &w->old_seen);
		start = w->old_seen;
	}
	s->control_id = control_create(w, &start, why, whylen);
	if (s->control_id < 0)
		return -1;
	init_identity(w);
	if (w->opt.reset) {
		s->count = 0;
		s->resets++;
	}
	stamp(w, clock_mono_ns());
	publish(w, 1);
	return 0;
}

/* Attach an existing segment on the key, refusing anything not ours. */
static int open_existing(writer *w, char *why, size_t whylen)
{
	char kb[16];
	const char *k = key_hex(w->opt.key, kb);
	int id = shmget(w->opt.key, 0, 0);
	if (id < 0) {
		snprintf(why, whylen, "segment with key %s: %s", k, strerror(errno));
		return errno == ENOENT ? 1 : -1; /* ENOENT: gone meanwhile, create again */
	}
	struct shmid_ds ds;
	if (shmctl(id, IPC_STAT, &ds) < 0) {
		snprintf(why, whylen, "segment with key %s (shmid %d): %s", k, id, strerror(errno));
		return -1;
	}
	w->shmid = id;
	w->seg_mode = ds.shm_perm.mode & 0777;
	if (ds.shm_segsz != sizeof(struct shmtop_record)) {
		snprintf(why, whylen,
			 "key %s (shmid %d) holds a %zu-byte segment that shmwriter did not make "
			 "(owner uid %u, mode %04o); refusing to touch it",
			 k, id, (size_t)ds.shm_segsz, (unsigned)ds.shm_perm.uid,
			 (unsigned)w->seg_mode);
		return -1;
	}
	char reason[300];
	if (trust_owned(ds.shm_perm.uid, ds.shm_perm.cuid, w->seg_mode, geteuid(), reason,
			sizeof reason)) {
		snprintf(why, whylen, "key %s (shmid %d) is %s; refusing to touch it", k, id,
			 reason);
		return -1;
	}
	void *p = shmat(id, NULL, 0);
	if (p == (void *)-1) {
		snprintf(why, whylen,
			 "cannot attach segment with key %s (shmid %d) for writing: %s", k, id,
			 strerror(errno));
		return -1;
	}
	w->rec = p;

	/* A creator stores magic last: give one that is mid-creation a moment. */
	struct shmtop_snapshot hdr;
	enum shmtop_read_status st = SHMTOP_READ_EMPTY;
	for (int i = 0; i < 100 && st == SHMTOP_READ_EMPTY; i++) {
		st = record_read_header(p, ds.shm_segsz, &hdr, reason, sizeof reason);
		if (st == SHMTOP_READ_EMPTY)
			nanosleep(&(struct timespec){ .tv_nsec = 10 * 1000000 }, NULL);
	}
	if (st != SHMTOP_READ_OK) {
		snprintf(why, whylen,
			 "key %s (shmid %d) is not a shmwriter segment (%s); "
			 "refusing to touch it",
			 k, id, reason);
		return -1;
	}
	/* The payload must be sound too.  A writer killed mid-update leaves seq
	 * odd and the checksum stale, but each field whole: then check the
	 * fields one by one. */
	struct shmtop_snapshot s = hdr;
	st = record_read(p, ds.shm_segsz, &s, reason, sizeof reason);
	if (st == SHMTOP_READ_BUSY)
		st = record_read_fields(p, ds.shm_segsz, &s, reason, sizeof reason)
			 ? SHMTOP_READ_INVALID
			 : SHMTOP_READ_OK;
	if (st != SHMTOP_READ_OK) {
		snprintf(why, whylen,
			 "key %s (shmid %d) holds a damaged shmwriter record (%s); "
			 "refusing to touch it",
			 k, id, reason);
		return -1;
	}

	return init_taken(w, why, whylen);
}

writer *writer_open(const struct writer_options *o, char *why, size_t whylen)
{
	writer *w = calloc(1, sizeof *w);
	if (!w) {
		snprintf(why, whylen, "out of memory");
		return NULL;
	}
	w->opt = *o;
	w->shmid = -1;
	w->cur.control_id = -1;
	w->old_ctl_id = -1;
	refresh_wall_offset(w, 0);
	if (writerlock_take(&w->lock, o->key, why, whylen)) {
		free(w);
		return NULL;
	}

	for (int attempt = 0; attempt < 5; attempt++) {
		int id = shmget(o->key, sizeof(struct shmtop_record),
				IPC_CREAT | IPC_EXCL | (int)o->mode);
		if (id >= 0) {
			w->shmid = id;
			w->seg_mode = o->mode;
			w->how = OPENED_CREATED;
			w->rec = shmat(id, NULL, 0);
			if (w->rec == (void *)-1) {
				snprintf(why, whylen, "cannot attach new segment: %s",
					 strerror(errno));
				w->rec = NULL;
			} else if (init_created(w, why, whylen) == 0) {
				return w;
			}
			shmctl(id, IPC_RMID, NULL); /* ours, and never published */
			break;
		}
		if (errno != EEXIST) {
			char kb[16];
			snprintf(why, whylen, "cannot create segment with key %s: %s",
				 key_hex(o->key, kb), strerror(errno));
			break;
		}
		int rc = open_existing(w, why, whylen);
		if (rc == 0)
			return w;
		if (rc < 0)
			break;
	}
	if (w->rec)
		shmdt(w->rec);
	if (w->ctl)
		shmdt(w->ctl);
	if (w->old_ctl)
		shmdt(w->old_ctl);
	writerlock_release(&w->lock);
	free(w);
	return NULL;
}

void writer_describe(const writer *w, char *buf, size_t len)
{
	char kb[16];
	int n =
	    snprintf(buf, len, "key %s shmid %d size %zu mode %04o pid %d", key_hex(w->opt.key, kb),
		     w->shmid, sizeof(struct shmtop_record), (unsigned)w->seg_mode, (int)getpid());
	if (n < 0 || (size_t)n >= len)
		return;
	if (w->how == OPENED_CREATED)
		snprintf(buf + n, len - (size_t)n, " (created)");
	else
		snprintf(buf + n, len - (size_t)n, " (%s pid %d, count %llu%s)",
			 w->how == OPENED_TOOK_OVER ? "took over from dead writer"
						    : "resumed after",
			 (int)w->prev_pid, (unsigned long long)w->cur.count,
			 w->opt.reset ? ", reset" : "");
}

int writer_shmid(const writer *w)
{
	return w->shmid;
}

/* Apply every command up to request word `req`, and acknowledge it. */
static void apply_commands(writer *w, uint32_t req, int64_t now)
{
	struct shmtop_snapshot *s = &w->cur;
	uint32_t pause = atomic_load_explicit(&w->ctl->pause, RELAXED);
	uint64_t reset = atomic_load_explicit(&w->ctl->reset, RELAXED);
	int sample = 0;

	if (pause >> 1) {
		uint32_t want = (pause & 1) ? SHMTOP_STATE_PAUSED : SHMTOP_STATE_RUNNING;
		if (want == SHMTOP_STATE_RUNNING && s->state == SHMTOP_STATE_PAUSED)
			w->next_tick = now + w->opt.interval_ns;
		s->state = want;
	}
	if (reset != s->reset_ack) {
		s->resets += reset - s->reset_ack;
		s->reset_ack = reset;
		s->count = 0;
		stamp(w, now);
		sample = 1;
	}
	s->request_ack = req;
	s->beat_ns = now;
	w->last_beat = now;
	publish(w, sample);
	futex_wake(&w->rec->request_ack);
}

/* Has someone removed our segment (ipcrm)?  Its key is then free for a new
 * writer, and this one would only be publishing into a ghost.  Or our lock
 * (ipcrm -s), and could it not be taken again?  Then another writer may
 * have the key.  Either way: stop, with the reason in w->why. */
static int lost(writer *w)
{
	struct shmid_ds ds;
	if (shmctl(w->shmid, IPC_STAT, &ds) < 0 || (ds.shm_perm.mode & SHM_DEST)) {
		snprintf(w->why, sizeof w->why, "segment shmid %d was removed (ipcrm)", w->shmid);
		return 1;
	}
	char why[sizeof w->why - 40];
	if (writerlock_check(&w->lock, why, sizeof why)) {
		snprintf(w->why, sizeof w->why, "writer lock lost: %s", why);
		return 1;
	}
	return 0;
}

/* Let the predecessor's control segment go once no viewer has it attached
 * (only we do); a last forward catches what was sent before they left. */
static void drop_old_control(writer *w)
{
	struct shmid_ds ds;
	if (shmctl(w->old_ctl_id, IPC_STAT, &ds) == 0 && ds.shm_nattch > 1)
		return;
	control_forward(w->ctl, w->old_ctl, &w->old_seen);
	shmdt(w->old_ctl);
	w->old_ctl = NULL;
	w->old_ctl_id = -1;
}

const char *writer_error(const writer *w)
{
	return w->why;
}

int writer_run(writer *w, const _Atomic int *stop)
{
	struct shmtop_snapshot *s = &w->cur;
	const int64_t interval = w->opt.interval_ns;
	int64_t now = clock_mono_ns();
	w->next_tick = now + interval;
	w->last_beat = now;
	w->removal_checked = now;

	while (!atomic_load_explicit(stop, memory_order_relaxed)) {
		if (w->old_ctl)
			control_forward(w->ctl, w->old_ctl, &w->old_seen);
		uint32_t req = atomic_load_explicit(&w->ctl->request, memory_order_acquire);
		if (req != s->request_ack)
			apply_commands(w, req, clock_mono_ns());

		now = clock_mono_ns();
		/* Before the count, so that a writer resumed after a long stop
		 * (SIGSTOP) finds out before it publishes it. */
		if (now - w->removal_checked >= WRITER_BEAT_NS) {
			w->removal_checked = now;
			if (lost(w))
				return -1;
			if (w->old_ctl)
				drop_old_control(w);
		}
		int running = s->state == SHMTOP_STATE_RUNNING;
		if (running && now >= w->next_tick) {
			s->count++;
			stamp(w, now);
			w->last_beat = now;
			publish(w, 1);
			w->next_tick += interval;
			if (w->next_tick <= now) /* late (stopped, loaded): no burst */
				w->next_tick = now + interval;
			refresh_wall_offset(w, now);
		} else if (now - w->last_beat >= WRITER_BEAT_NS) {
			refresh_wall_offset(w, now);
			s->beat_ns = now;
			w->last_beat = now;
			publish(w, 0);
		}
		if (w->usurped)
			return -1;
		if (running && interval == 0)
			continue;

		int64_t wait = w->last_beat + WRITER_BEAT_NS - now;
		if (running && w->next_tick - now < wait)
			wait = w->next_tick - now;
		if (w->old_ctl && wait > OLD_CONTROL_POLL_NS)
			wait = OLD_CONTROL_POLL_NS; /* its senders wake the other futex */
		if (wait > 0)
			futex_wait(&w->ctl->request, req, wait);
	}
	return 0;
}

void writer_close(writer *w)
{
	if (!w)
		return;
	/* A writer whose lock was lost leaves the record, and the key, to the
	 * writer that may hold them now. */
	if (w->lock.semid >= 0 && !w->usurped) {
		w->cur.state = SHMTOP_STATE_STOPPED;
		w->cur.beat_ns = clock_mono_ns();
		publish(w, 0);
		futex_wake(&w->rec->request_ack);
		if (w->opt.remove_on_exit)
			shmctl(w->shmid, IPC_RMID, NULL);
	}
	if (w->old_ctl)
		shmdt(w->old_ctl);
	shmdt(w->ctl);
	shmdt(w->rec);
	writerlock_release(&w->lock);
	free(w);
}
