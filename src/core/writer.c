/* SPDX-License-Identifier: MIT */
/*
 * The writer engine.  A writer keeps its own copy of the payload (`cur`),
 * changes it, and publishes the whole copy through the seqlock; the shared
 * record is never read back except once, when a segment is taken over.
 *
 * Ownership: the robust process-shared mutex in the record's writer_lock.
 * Whoever holds it is the writer; if it dies, the kernel marks the mutex
 * and the next writer gets EOWNERDEAD, repairs the record and carries on.
 */
#include "shmtop/writer.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/shm.h>
#include <time.h>
#include <unistd.h>

#include "shmtop/clock.h"
#include "shmtop/control.h"
#include "shmtop/futex.h"
#include "shmtop/proc.h"
#include "shmtop/record.h"

#define RELAXED memory_order_relaxed

struct writer {
	struct writer_options opt;
	int shmid;
	struct shmtop_record *rec;
	struct shmtop_control *ctl;
	struct shmtop_snapshot cur; /* the payload as this writer last published it */
	int64_t wall_offset;        /* CLOCK_REALTIME - CLOCK_MONOTONIC ... */
	int64_t wall_offset_at;     /* ... as measured at this CLOCK_MONOTONIC time */
	int64_t next_tick;          /* CLOCK_MONOTONIC of the next count */
	int64_t last_beat;
	int64_t removal_checked; /* CLOCK_MONOTONIC of the last removed() check */
	mode_t seg_mode;
	enum { OPENED_CREATED, OPENED_RESUMED, OPENED_TOOK_OVER } how;
	int32_t prev_pid;
};

static void publish(writer *w, int sample)
{
	struct shmtop_record *r = w->rec;
	struct shmtop_snapshot *s = &w->cur;

	record_publish_begin(r);
	if (sample) {
		struct shmtop_sample_slot *slot = &r->hist[s->hist_next % SHMTOP_HISTORY];
		atomic_store_explicit(&slot->value, s->count, RELAXED);
		atomic_store_explicit(&slot->mono_ns, s->mono_ns, RELAXED);
		s->hist_next++;
	}
	s->check = record_checksum(s);
	atomic_store_explicit(&r->count, s->count, RELAXED);
	atomic_store_explicit(&r->wall_ns, s->wall_ns, RELAXED);
	atomic_store_explicit(&r->mono_ns, s->mono_ns, RELAXED);
	atomic_store_explicit(&r->beat_ns, s->beat_ns, RELAXED);
	atomic_store_explicit(&r->interval_ns, s->interval_ns, RELAXED);
	atomic_store_explicit(&r->started_ns, s->started_ns, RELAXED);
	atomic_store_explicit(&r->writer_start, s->writer_start, RELAXED);
	atomic_store_explicit(&r->writer_pid, s->writer_pid, RELAXED);
	atomic_store_explicit(&r->state, s->state, RELAXED);
	atomic_store_explicit(&r->resets, s->resets, RELAXED);
	atomic_store_explicit(&r->reset_ack, s->reset_ack, RELAXED);
	atomic_store_explicit(&r->hist_next, s->hist_next, RELAXED);
	atomic_store_explicit(&r->writers, s->writers, RELAXED);
	atomic_store_explicit(&r->control_id, s->control_id, RELAXED);
	atomic_store_explicit(&r->request_ack, s->request_ack, RELAXED);
	atomic_store_explicit(&r->check, s->check, RELAXED);
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
 * its last user.  Returns its id, or -1. */
static int control_create(writer *w, char *why, size_t whylen)
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
	control_init(w->ctl);
	return id;
}

/* Reuse the control segment a dead writer published, if it is still there
 * and is one; pending commands in it are then applied, not lost. */
static int control_adopt(writer *w, int id)
{
	struct shmid_ds ds;
	if (id < 0 || shmctl(id, IPC_STAT, &ds) < 0 || ds.shm_segsz < sizeof(struct shmtop_control))
		return -1;
	void *p = shmat(id, NULL, 0);
	if (p == (void *)-1)
		return -1;
	if (control_check(p, ds.shm_segsz)) {
		shmdt(p);
		return -1;
	}
	w->ctl = p;
	return id;
}

static int init_lock(struct shmtop_record *r)
{
	pthread_mutexattr_t a;
	int rc = pthread_mutexattr_init(&a);
	if (!rc)
		rc = pthread_mutexattr_setpshared(&a, PTHREAD_PROCESS_SHARED);
	if (!rc)
		rc = pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST);
	if (!rc)
		rc = pthread_mutex_init(&r->writer_lock.mutex, &a);
	pthread_mutexattr_destroy(&a);
	if (!rc)
		rc = pthread_mutex_lock(&r->writer_lock.mutex);
	return rc;
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
	int rc = init_lock(r);
	if (rc) {
		snprintf(why, whylen, "cannot initialise the writer lock: %s", strerror(rc));
		return -1;
	}
	w->cur.control_id = control_create(w, why, whylen);
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

/* Take over an existing, validated record whose lock we now hold. */
static int init_taken(writer *w, int owner_died, char *why, size_t whylen)
{
	struct shmtop_record *r = w->rec;
	struct shmtop_snapshot *s = &w->cur;
	/* The payload may be mid-update if the last writer died; each field is
	 * atomic, so take what is there field by field and republish it whole. */
	w->prev_pid = atomic_load_explicit(&r->writer_pid, RELAXED);
	s->count = atomic_load_explicit(&r->count, RELAXED);
	s->resets = atomic_load_explicit(&r->resets, RELAXED);
	s->reset_ack = atomic_load_explicit(&r->reset_ack, RELAXED);
	s->hist_next = atomic_load_explicit(&r->hist_next, RELAXED);
	s->writers = atomic_load_explicit(&r->writers, RELAXED);
	s->request_ack = atomic_load_explicit(&r->request_ack, RELAXED);
	int old_ctl = atomic_load_explicit(&r->control_id, RELAXED);
	w->how = owner_died ? OPENED_TOOK_OVER : OPENED_RESUMED;

	s->control_id = control_adopt(w, old_ctl);
	if (s->control_id < 0) {
		s->control_id = control_create(w, why, whylen);
		if (s->control_id < 0)
			return -1;
		s->reset_ack = 0;
		s->request_ack = 0;
	}
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
	void *p = shmat(id, NULL, 0);
	if (p == (void *)-1) {
		snprintf(why, whylen, "cannot attach segment with key %s (shmid %d) for writing: %s",
			 k, id, strerror(errno));
		return -1;
	}
	w->rec = p;

	/* A creator stores magic last: give one that is mid-creation a moment. */
	struct shmtop_snapshot hdr;
	char reason[160];
	enum shmtop_read_status st = SHMTOP_READ_EMPTY;
	for (int i = 0; i < 100 && st == SHMTOP_READ_EMPTY; i++) {
		st = record_read_header(p, ds.shm_segsz, &hdr, reason, sizeof reason);
		if (st == SHMTOP_READ_EMPTY)
			nanosleep(&(struct timespec){ .tv_nsec = 10 * 1000000 }, NULL);
	}
	if (st != SHMTOP_READ_OK) {
		snprintf(why, whylen, "key %s (shmid %d) is not a shmwriter segment (%s); "
			 "refusing to touch it", k, id, reason);
		return -1;
	}
	/* The payload must be sound too.  A writer killed mid-update leaves seq
	 * odd and the checksum stale, but each field whole: then check the
	 * fields one by one. */
	struct shmtop_snapshot s = hdr;
	st = record_read(p, ds.shm_segsz, &s, reason, sizeof reason);
	if (st == SHMTOP_READ_BUSY) {
		record_copy(p, &s);
		st = record_validate(&s, ds.shm_segsz, RECORD_CHECK_FIELDS, reason, sizeof reason)
			     ? SHMTOP_READ_INVALID
			     : SHMTOP_READ_OK;
	}
	if (st != SHMTOP_READ_OK) {
		snprintf(why, whylen, "key %s (shmid %d) holds a damaged shmwriter record (%s); "
			 "refusing to touch it", k, id, reason);
		return -1;
	}

	int rc = pthread_mutex_trylock(&w->rec->writer_lock.mutex);
	if (rc == EBUSY) {
		snprintf(why, whylen, "a writer is already running on key %s (shmid %d): pid %d",
			 k, id, (int)atomic_load_explicit(&w->rec->writer_pid, RELAXED));
		return -1;
	}
	if (rc == EOWNERDEAD) {
		pthread_mutex_consistent(&w->rec->writer_lock.mutex);
	} else if (rc) {
		snprintf(why, whylen, "cannot take the writer lock of key %s (shmid %d): %s", k,
			 id, strerror(rc));
		return -1;
	}
	return init_taken(w, rc == EOWNERDEAD, why, whylen);
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
	refresh_wall_offset(w, 0);

	for (int attempt = 0; attempt < 5; attempt++) {
		int id = shmget(o->key, sizeof(struct shmtop_record),
				IPC_CREAT | IPC_EXCL | (int)o->mode);
		if (id >= 0) {
			w->shmid = id;
			w->seg_mode = o->mode;
			w->how = OPENED_CREATED;
			w->rec = shmat(id, NULL, 0);
			if (w->rec == (void *)-1) {
				snprintf(why, whylen, "cannot attach new segment: %s", strerror(errno));
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
	free(w);
	return NULL;
}

void writer_describe(const writer *w, char *buf, size_t len)
{
	char kb[16];
	int n = snprintf(buf, len, "key %s shmid %d size %zu mode %04o pid %d",
			 key_hex(w->opt.key, kb), w->shmid, sizeof(struct shmtop_record),
			 (unsigned)w->seg_mode, (int)getpid());
	if (n < 0 || (size_t)n >= len)
		return;
	if (w->how == OPENED_CREATED)
		snprintf(buf + n, len - (size_t)n, " (created)");
	else
		snprintf(buf + n, len - (size_t)n, " (%s pid %d, count %llu%s)",
			 w->how == OPENED_TOOK_OVER ? "took over from dead writer" : "resumed after",
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
 * writer, and this one would only be publishing into a ghost. */
static int removed(const writer *w)
{
	struct shmid_ds ds;
	return shmctl(w->shmid, IPC_STAT, &ds) < 0 || (ds.shm_perm.mode & SHM_DEST);
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
		uint32_t req = atomic_load_explicit(&w->ctl->request, memory_order_acquire);
		if (req != s->request_ack)
			apply_commands(w, req, clock_mono_ns());

		now = clock_mono_ns();
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
		if (now - w->removal_checked >= WRITER_BEAT_NS) {
			w->removal_checked = now;
			if (removed(w))
				return -1;
		}
		if (running && interval == 0)
			continue;

		int64_t wait = w->last_beat + WRITER_BEAT_NS - now;
		if (running && w->next_tick - now < wait)
			wait = w->next_tick - now;
		if (wait > 0)
			futex_wait(&w->ctl->request, req, wait);
	}
	return 0;
}

void writer_close(writer *w)
{
	if (!w)
		return;
	w->cur.state = SHMTOP_STATE_STOPPED;
	w->cur.beat_ns = clock_mono_ns();
	publish(w, 0);
	futex_wake(&w->rec->request_ack);
	pthread_mutex_unlock(&w->rec->writer_lock.mutex);
	if (w->opt.remove_on_exit)
		shmctl(w->shmid, IPC_RMID, NULL);
	shmdt(w->ctl);
	shmdt(w->rec);
	free(w);
}
