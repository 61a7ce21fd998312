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
#include <sys/shm.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "control.h"
#include "futex.h"
#include "owner.h"
#include "procstat.h"
#include "record.h"
#include "writerlock.h"

#define RELAXED memory_order_relaxed

struct writer {
	struct writer_options opt;
	int shmid;
	struct shmtop_record *rec;
	struct shmtop_control *ctl;
	struct writerlock lock;
	uint64_t token;               /* the record's */
	struct owner_old_control old; /* the predecessor's, while viewers hold it */
	char why[200];                /* why writer_run() returned -1 */
	int32_t published_pid;        /* the writer_pid the record should hold */
	bool usurped;                 /* another writer holds the record now */
	struct shmtop_snapshot cur;   /* the payload as this writer last published it */
	struct owner_wall wall;
	int64_t next_tick; /* CLOCK_MONOTONIC of the next count */
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
	w->cur.wall_ns = now + w->wall.offset;
	w->cur.beat_ns = now;
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
	atomic_store_explicit(&r->version, SHMTOP_RECORD_V2, RELAXED);
	atomic_store_explicit(&r->endian, SHMTOP_ENDIAN, RELAXED);
	atomic_store_explicit(&r->header_size, offsetof(struct shmtop_record, seq), RELAXED);
	atomic_store_explicit(&r->record_size, sizeof *r, RELAXED);
	atomic_store_explicit(&r->segment_size, sizeof *r, RELAXED);
	atomic_store_explicit(&r->hist_cap, SHMTOP_HISTORY, RELAXED);
	w->token = owner_new_token();
	atomic_store_explicit(&r->token, w->token, RELAXED);
	w->cur.control_id = owner_control_create(w->shmid, w->token, w->opt.control_mode,
						 &(struct control_seen){ 0 }, &w->ctl, why, whylen);
	if (w->cur.control_id < 0)
		return -1;
	init_identity(w);
	stamp(w, clock_mono_ns());
	publish(w, 1);
	atomic_store_explicit(&r->magic, SHMTOP_MAGIC, memory_order_release);
	return 0;
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
	w->old.ctl = owner_previous_control(w->shmid, w->token, old_ctl, w->prev_pid);
	if (w->old.ctl) {
		w->old.id = old_ctl;
		control_seen_now(w->old.ctl, &w->old.seen);
		start = w->old.seen;
	}
	s->control_id = owner_control_create(w->shmid, w->token, w->opt.control_mode, &start,
					     &w->ctl, why, whylen);
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
	const char *k = owner_key_hex(w->opt.key, kb);
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
	if (owner_adoptable(w->opt.key, id, &ds, why, whylen))
		return -1;
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
	w->old.id = -1;
	owner_wall_refresh(&w->wall, 0);
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
				 owner_key_hex(o->key, kb), strerror(errno));
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
	if (w->old.ctl)
		shmdt(w->old.ctl);
	writerlock_release(&w->lock);
	free(w);
	return NULL;
}

void writer_describe(const writer *w, char *buf, size_t len)
{
	char kb[16];
	int n = snprintf(buf, len, "key %s shmid %d size %zu mode %04o pid %d",
			 owner_key_hex(w->opt.key, kb), w->shmid, sizeof(struct shmtop_record),
			 (unsigned)w->seg_mode, (int)getpid());
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
		if (w->old.ctl)
			control_forward(w->ctl, w->old.ctl, &w->old.seen);
		uint32_t req = atomic_load_explicit(&w->ctl->request, memory_order_acquire);
		if (req != s->request_ack)
			apply_commands(w, req, clock_mono_ns());

		now = clock_mono_ns();
		/* Before the count, so that a writer resumed after a long stop
		 * (SIGSTOP) finds out before it publishes it. */
		if (now - w->removal_checked >= WRITER_BEAT_NS) {
			w->removal_checked = now;
			/* Has someone removed our segment (ipcrm)?  Its key is
			 * then free for a new writer, and this one would only
			 * be publishing into a ghost.  Or our lock (ipcrm -s),
			 * and could it not be taken again?  Then another writer
			 * may have the key. */
			if (owner_lost(w->shmid, &w->lock, w->why, sizeof w->why))
				return -1;
			if (w->old.ctl)
				owner_drop_old_control(w->ctl, &w->old);
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
			owner_wall_refresh(&w->wall, now);
		} else if (now - w->last_beat >= WRITER_BEAT_NS) {
			owner_wall_refresh(&w->wall, now);
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
		if (w->old.ctl && wait > OWNER_OLD_CONTROL_POLL_NS)
			wait = OWNER_OLD_CONTROL_POLL_NS; /* its senders wake the other futex */
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
	if (w->old.ctl)
		shmdt(w->old.ctl);
	shmdt(w->ctl);
	shmdt(w->rec);
	writerlock_release(&w->lock);
	free(w);
}
