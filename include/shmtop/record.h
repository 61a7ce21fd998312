/* SPDX-License-Identifier: MIT */
/*
 * The shared record: the layout of a shmwriter segment and how to use it.
 *
 * A segment holds exactly one struct shmtop_record.  It has one writer and
 * any number of readers, which attach it with SHM_RDONLY.  Nothing in it is
 * a pointer, and nothing in it is state that libc or the kernel follows:
 * every field is a plain number read with <stdatomic.h>, so concurrent
 * access is never a data race and hostile bytes can only be wrong numbers.
 *
 * The one writer.  A writer holds the single-writer lock, a SysV semaphore
 * set of one semaphore on the segment's key (writerlock.h), before it
 * creates or adopts the segment; the kernel releases it (SEM_UNDO) when the
 * writer dies.  A writer adopts an existing segment only if its own euid
 * owns and created it and no one else may write it (no group or other
 * write bit): the data segment never needs anyone else's write access.
 *
 * Header.  magic, version, endian, header_size, record_size, segment_size
 * and hist_cap never change once magic is set.  The creating writer fills in
 * every other field first and stores magic last, with release; a reader
 * loads magic with acquire and checks every header field (record_validate())
 * before it trusts any other byte.  A reader that finds magic 0 on a segment
 * of the right size is looking at a segment still being made.
 *
 * Payload.  Published with a seqlock on the 64-bit `seq`:
 *
 *     writer (record_publish_begin/_end)    reader (record_read)
 *     seq = seq + 1       (odd, relaxed)    s1 = seq               (acquire)
 *     fence(release)                        if s1 odd: retry
 *     record_store()      (relaxed)         record_copy()          (relaxed)
 *     seq = seq + 1       (even, release)   fence(acquire)
 *                                           s2 = seq               (relaxed)
 *                                           if s1 != s2: retry
 *
 * A reader retries a bounded number of times and then reports the writer as
 * busy or dead (a writer killed mid-update leaves seq odd for good); the next
 * writer to take the segment over makes it even again.  A 64-bit seq cannot
 * wrap in the life of the machine, so equal values mean an untorn copy.
 *
 * The payload's fields are one list, SHMTOP_PAYLOAD_FIELDS below: it makes
 * the record's and the snapshot's members, record_copy(), record_store() and
 * the checksum that the writer publishes in `check` and the reader verifies.
 * How to add a field: add one X() line to the list (and bump SHMTOP_VERSION
 * if the layout changes: a new field moves check, which the static_asserts
 * below pin).
 *
 * History.  A ring of hist_cap samples outside the seqlock, so that a reader
 * can copy the small payload often without being starved by a fast writer.
 * The writer stores sample number n into hist[n % hist_cap] and then, inside
 * the payload update, sets hist_next = n + 1.  A reader copies the slots it
 * wants and then reads hist_next again: sample i is intact only if
 * i + hist_cap > hist_next (after the copy) — see record_read_history().
 *
 * Commands come from viewers through a separate control segment (control.h)
 * whose id is published in control_id; the writer acknowledges them here in
 * request_ack and reset_ack.  Viewers never write this segment.  The
 * control segment proves it belongs to this record: the same owner, made by
 * writer_pid, and naming this segment's shmid and this record's `token`, a
 * random number drawn when the record was made (trust.h).  request_ack is
 * a futex word: the kernel only compares its 32-bit value, it follows no
 * pointer from it.
 *
 * Every byte is untrusted input to a reader: a hostile or stale segment may
 * hold anything.  record_validate() is a pure function over a copy.
 */
#ifndef SHMTOP_RECORD_H
#define SHMTOP_RECORD_H

#include <assert.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define SHMTOP_MAGIC UINT64_C(0x5052504f544d4853) /* "SHMTOPRP" little-endian */
#define SHMTOP_VERSION 2u                         /* 2: writer_lock gave way to token */
#define SHMTOP_ENDIAN UINT32_C(0x01020304)
#define SHMTOP_HISTORY 1024u    /* samples in the ring */
#define SHMTOP_DEFAULT_KEY 9527 /* 0x2537, the classic example's key */

enum shmtop_state {
	SHMTOP_STATE_RUNNING = 1,
	SHMTOP_STATE_PAUSED = 2,
	SHMTOP_STATE_STOPPED = 3, /* the writer exited cleanly */
};

struct shmtop_sample_slot {
	_Atomic uint64_t value;
	_Atomic int64_t mono_ns;
};

/*
 * The payload's fields, in the record's order: X(type, name), each type 32 or
 * 64 bits wide.  This one list makes the record's and the snapshot's members,
 * record_copy(), record_store() and record_checksum().  seq and check stay
 * outside it, written out where they are used: seq is the seqlock word, read
 * and written by its own protocol, and check is the checksum of the list.
 */
#define SHMTOP_PAYLOAD_FIELDS(X)                                                                   \
	X(uint64_t, count)        /* the published value */                                        \
	X(int64_t, wall_ns)       /* CLOCK_REALTIME of the last count change */                    \
	X(int64_t, mono_ns)       /* CLOCK_MONOTONIC of the last count change */                   \
	X(int64_t, beat_ns)       /* CLOCK_MONOTONIC of the writer's last heartbeat */             \
	X(int64_t, interval_ns)   /* the writer's interval; 0 = flat out */                        \
	X(int64_t, started_ns)    /* CLOCK_REALTIME when this writer took over */                  \
	X(uint64_t, writer_start) /* /proc/PID/stat starttime, clock ticks */                      \
	X(int32_t, writer_pid)    /* the writer; writer_start tells a reused pid apart */          \
	X(uint32_t, state)        /* enum shmtop_state */                                          \
	X(uint64_t, resets)       /* resets applied, ever */                                       \
	X(uint64_t, reset_ack)    /* control's reset counter, as applied */                        \
	X(uint64_t, hist_next)    /* samples written, ever */                                      \
	X(uint64_t, writers)      /* writers that have owned the segment */                        \
	X(int32_t, control_id)    /* shmid of the control segment, or -1 */                        \
	X(uint32_t, request_ack)  /* control's request word, as applied (futex) */

struct shmtop_record {
	/* Header: immutable once magic is stored. */
	_Atomic uint64_t magic;
	_Atomic uint32_t version;
	_Atomic uint32_t endian;       /* SHMTOP_ENDIAN as the writer's CPU stores it */
	_Atomic uint32_t header_size;  /* offsetof(struct shmtop_record, seq) */
	_Atomic uint32_t record_size;  /* sizeof(struct shmtop_record) */
	_Atomic uint64_t segment_size; /* size the segment was created with */
	_Atomic uint32_t hist_cap;     /* SHMTOP_HISTORY */
	uint32_t reserved0;
	uint64_t reserved1[2];
	_Atomic uint64_t token; /* random, drawn when the record was made */
	uint64_t reserved2[7];  /* where version 1 kept a pthread mutex */

	/* Payload, under the seqlock: seq, the list's fields, their checksum. */
	_Alignas(64) _Atomic uint64_t seq;
#define SHMTOP_RECORD_MEMBER(type, name) _Atomic type name;
	SHMTOP_PAYLOAD_FIELDS(SHMTOP_RECORD_MEMBER)
#undef SHMTOP_RECORD_MEMBER
	_Atomic uint64_t check; /* record_checksum() of the list's fields */

	_Alignas(64) struct shmtop_sample_slot hist[SHMTOP_HISTORY];
};

/* The layout is a protocol: pin it. */
static_assert(ATOMIC_LONG_LOCK_FREE == 2 && ATOMIC_LLONG_LOCK_FREE == 2,
	      "64-bit atomics must be lock-free to be shared between processes");
static_assert(ATOMIC_INT_LOCK_FREE == 2, "32-bit atomics must be lock-free");
static_assert(sizeof(_Atomic uint64_t) == 8 && sizeof(_Atomic uint32_t) == 4,
	      "atomics must have the size of their plain types");
static_assert(offsetof(struct shmtop_record, magic) == 0, "layout");
static_assert(offsetof(struct shmtop_record, version) == 8, "layout");
static_assert(offsetof(struct shmtop_record, segment_size) == 24, "layout");
static_assert(offsetof(struct shmtop_record, hist_cap) == 32, "layout");
static_assert(offsetof(struct shmtop_record, token) == 56, "layout");
static_assert(offsetof(struct shmtop_record, reserved2) == 64, "layout");
static_assert(offsetof(struct shmtop_record, seq) == 128, "layout");
static_assert(offsetof(struct shmtop_record, count) == 136, "layout");
static_assert(offsetof(struct shmtop_record, writer_pid) == 192, "layout");
static_assert(offsetof(struct shmtop_record, control_id) == 232, "layout");
static_assert(offsetof(struct shmtop_record, check) == 240, "layout");
static_assert(offsetof(struct shmtop_record, hist) == 256, "layout");
static_assert(sizeof(struct shmtop_record) == 256 + 16 * SHMTOP_HISTORY, "layout");

/* A plain copy of the record, safe to inspect at leisure. */
struct shmtop_snapshot {
	/* header */
	uint64_t magic;
	uint32_t version, endian, header_size, record_size;
	uint64_t segment_size;
	uint32_t hist_cap;
	uint64_t token;
	/* payload */
	uint64_t seq;
#define SHMTOP_SNAPSHOT_MEMBER(type, name) type name;
	SHMTOP_PAYLOAD_FIELDS(SHMTOP_SNAPSHOT_MEMBER)
#undef SHMTOP_SNAPSHOT_MEMBER
	uint64_t check;
};

struct shmtop_sample {
	uint64_t value;
	int64_t mono_ns;
};

enum shmtop_read_status {
	SHMTOP_READ_OK = 0,
	SHMTOP_READ_INVALID, /* header or payload fails record_validate() */
	SHMTOP_READ_BUSY,    /* seq stayed odd or kept changing: writer busy or dead */
	SHMTOP_READ_EMPTY,   /* magic still 0: the segment is being made */
};

/* Tries record_read() makes before it reports SHMTOP_READ_BUSY: 16 spins,
 * 48 yields, then sleeps of 100 µs; about 10 ms in all. */
#define SHMTOP_READ_TRIES 164

/* Checksum of the payload fields: SHMTOP_PAYLOAD_FIELDS, all between seq and check. */
uint64_t record_checksum(const struct shmtop_snapshot *s);

/* How much record_validate() checks. */
enum record_check {
	RECORD_CHECK_ALL = 0,    /* header, even seq, checksum, every field */
	RECORD_CHECK_HEADER = 1, /* the header only */
	RECORD_CHECK_FIELDS = 2, /* header and each field, not seq or checksum:
				  * for a copy a dead writer may have left torn */
};

/* Check a copied header and payload against the segment's real size
 * (shm_segsz from IPC_STAT).  Pure; returns 0, or -1 with a one-line reason
 * in why. */
int record_validate(const struct shmtop_snapshot *s, size_t segsz, enum record_check check,
		    char *why, size_t whylen);

/* Copy the header of the segment at rec (segsz bytes long) into out and
 * validate it.  Touches no byte beyond segsz. */
enum shmtop_read_status record_read_header(const void *seg, size_t segsz,
					   struct shmtop_snapshot *out, char *why, size_t whylen);

/* Copy header and payload with the seqlock, then validate the copy. */
enum shmtop_read_status record_read(const void *seg, size_t segsz, struct shmtop_snapshot *out,
				    char *why, size_t whylen);

/* For a record whose seqlock read stays busy (its writer stopped or died in
 * the middle of an update): copy header and payload field by field
 * (record_copy()) and check the header and each field, not seq or the
 * checksum (RECORD_CHECK_FIELDS).  The copy may mix two updates.  0, or -1
 * with a one-line reason in why. */
int record_read_fields(const void *seg, size_t segsz, struct shmtop_snapshot *out, char *why,
		       size_t whylen);

/* Copy the payload (the list's fields and check, not seq) field by field
 * without the seqlock (relaxed loads; the copy may be torn).  For record_read()
 * and record_read_fields(), and for measuring.  The header fields of out are
 * left alone.  Inline: record_read() runs it on every copy, and bench_read's
 * unsynchronised floor is this very copy. */
static inline void record_copy(const void *seg, struct shmtop_snapshot *o)
{
	const struct shmtop_record *r = seg;
#define SHMTOP_LOAD(type, name) o->name = atomic_load_explicit(&r->name, memory_order_relaxed);
	SHMTOP_PAYLOAD_FIELDS(SHMTOP_LOAD)
#undef SHMTOP_LOAD
	o->check = atomic_load_explicit(&r->check, memory_order_relaxed);
}

/* Copy the newest samples (at most max, and at most SHMTOP_HISTORY - 1: the
 * oldest slot may be mid-overwrite) oldest first into out, dropping any the
 * writer overwrote meanwhile.  seg must have
 * passed record_read().  Returns how many were copied. */
size_t record_read_history(const void *seg, struct shmtop_sample *out, size_t max);

/* Writer side.  Only the holder of the writer lock may call these.  Begin makes
 * seq odd (a dead writer may have left it odd already: then it stays odd),
 * with a release fence before the data stores; end makes it even, release. */
static inline void record_publish_begin(struct shmtop_record *rec)
{
	uint64_t s = atomic_load_explicit(&rec->seq, memory_order_relaxed);
	if (!(s & 1))
		atomic_store_explicit(&rec->seq, s + 1, memory_order_relaxed);
	atomic_thread_fence(memory_order_release);
}

static inline void record_publish_end(struct shmtop_record *rec)
{
	uint64_t s = atomic_load_explicit(&rec->seq, memory_order_relaxed);
	atomic_store_explicit(&rec->seq, (s | 1) + 1, memory_order_release);
}

/* Store the payload of s (the list's fields and check, not seq) into rec,
 * relaxed: between record_publish_begin() and record_publish_end(). */
static inline void record_store(struct shmtop_record *rec, const struct shmtop_snapshot *s)
{
#define SHMTOP_STORE(type, name) atomic_store_explicit(&rec->name, s->name, memory_order_relaxed);
	SHMTOP_PAYLOAD_FIELDS(SHMTOP_STORE)
#undef SHMTOP_STORE
	atomic_store_explicit(&rec->check, s->check, memory_order_relaxed);
}

/* Name of a state ("running", ...), or "invalid". */
const char *record_state_name(uint32_t state);

#endif
