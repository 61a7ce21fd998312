/* SPDX-License-Identifier: MIT */
/*
 * The shared record: the layout of a shmtop segment, version 3 and version
 * 2, and the seqlock both publish under.  The format, every field's offset
 * and meaning, the checksums, the control segment and the writer lock, is
 * documented for readers and writers in any language in shmtop-record(5)
 * (assets/shmtop-record.5; tests/test_record_doc.c holds the page to these
 * structures).
 *
 * Version 3 (struct shmtop_record3, below the version 2 declarations) is
 * libshmtop's, and so shmwriter's: a header, a status under the seqlock,
 * then per counter its metadata, published value and hot value, and the
 * history rows, at offsets record3_layout() computes.  Version 2 (struct
 * shmtop_record) is what shmwriter wrote up to 0.3: one count; the viewer
 * still reads it.  Both keep magic, version, endian, segment_size, hist_cap
 * and token at the same offsets.
 *
 * One writer, holding the key's writer lock (writerlock.h); readers attach
 * SHM_RDONLY and trust no byte.  The writer stores magic last (release); a
 * reader loads it (acquire) and checks the header before anything else.
 * Status and payload are published with a seqlock on `seq`:
 *
 *     writer (record_seq_begin/_end)        reader
 *     seq odd              (relaxed)        s1 = seq               (acquire)
 *     fence(release)                        if s1 odd: retry
 *     store the fields     (relaxed)        copy the fields        (relaxed)
 *     seq even             (release)        fence(acquire)
 *                                           if seq != s1: retry
 *
 * then checks the copy, its checksum included.  The history rows are
 * outside the seqlock: row n is intact only if n + hist_cap > hist_next
 * read again after the copy.
 */
#ifndef SHMTOP_RECORD_H
#define SHMTOP_RECORD_H

#include <assert.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define SHMTOP_MAGIC UINT64_C(0x5052504f544d4853) /* "SHMTOPRP" little-endian */
#define SHMTOP_RECORD_V2 2u                       /* 2: writer_lock gave way to token */
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
 * record_copy(), record_checksum() and the test fixture's v2writer_store()
 * (tests/fixture/v2writer.h).  seq and check stay
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

/* The retry time of one pass over many records (one output of every
 * segment on the host), shared by its reads: a record stuck mid-update
 * costs up to its SHMTOP_READ_TRIES while some is left, then only its
 * RECORD_QUICK_TRIES spins, so that stuck records, however many another
 * user copies, add at most about left_ns to the pass.  Only the yields and
 * sleeps are charged: a read that succeeds within its spins costs nothing. */
struct record_budget {
	int64_t left_ns; /* <= 0: spent */
};
#define RECORD_BUDGET_NS INT64_C(200000000) /* a pass's: 0.2 s */
#define RECORD_QUICK_TRIES 16

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

/* The layout version of a copy of a segment's first n bytes: its version
 * field when it starts with SHMTOP_MAGIC, else 0.  Pure. */
uint32_t record_head_version(const unsigned char *head, size_t n);

/* Copy the header of the segment at rec (segsz bytes long) into out and
 * validate it.  Touches no byte beyond segsz. */
enum shmtop_read_status record_read_header(const void *seg, size_t segsz,
					   struct shmtop_snapshot *out, char *why, size_t whylen);

/* Copy header and payload with the seqlock, then validate the copy. */
enum shmtop_read_status record_read(const void *seg, size_t segsz, struct shmtop_snapshot *out,
				    char *why, size_t whylen);

/* record_read() whose retries draw on budget (NULL: none, as record_read()). */
enum shmtop_read_status record_read_within(const void *seg, size_t segsz,
					   struct shmtop_snapshot *out,
					   struct record_budget *budget, char *why, size_t whylen);

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

/* Writer side.  Only the holder of the writer lock may call these (the
 * record_seq_* pair on any version's seq word).  Begin makes
 * seq odd (a dead writer may have left it odd already: then it stays odd),
 * with a release fence before the data stores; end makes it even, release. */
static inline void record_seq_begin(_Atomic uint64_t *seq)
{
	uint64_t s = atomic_load_explicit(seq, memory_order_relaxed);
	if (!(s & 1))
		atomic_store_explicit(seq, s + 1, memory_order_relaxed);
	atomic_thread_fence(memory_order_release);
}

static inline void record_seq_end(_Atomic uint64_t *seq)
{
	uint64_t s = atomic_load_explicit(seq, memory_order_relaxed);
	atomic_store_explicit(seq, (s | 1) + 1, memory_order_release);
}

/* Before a reader's try number tries (0, 1, ...) of a seqlock copy: a
 * writer preempted mid-update needs the CPU more than we do, so spin
 * briefly, then yield, then sleep 100 µs, so that a loaded machine does
 * not turn a preempted writer into a "busy" answer.  Every version's
 * reader uses it.  false: make no more tries, report busy (after
 * SHMTOP_READ_TRIES, or after RECORD_QUICK_TRIES once budget, if not NULL,
 * is spent); the time it waits is charged to budget. */
bool record_backoff(int tries, struct record_budget *budget);

/* Name of a state ("running", ...), or "invalid". */
const char *record_state_name(uint32_t state);

/* ---- Version 3: named counters (libshmtop) ------------------------------ */

#define SHMTOP_RECORD_V3 3u
#define SHMTOP_NAME3_MAX 64 /* name bytes, the NUL included */
#define SHMTOP_UNIT3_MAX 16 /* unit bytes, the NUL included */
#define SHMTOP_CAPACITY3_MAX 4096u
#define SHMTOP_HISTORY3_MIN 2u
#define SHMTOP_HISTORY3_MAX 65536u

enum shmtop_kind3 {
	SHMTOP_KIND3_COUNTER = 1,
	SHMTOP_KIND3_GAUGE = 2,
};

/* Commands, as bits of header.accept and status.refused_cmds. */
enum {
	SHMTOP_CMD_PAUSE_BIT = 1u << 0, /* pause and resume */
	SHMTOP_CMD_RESET_BIT = 1u << 1,
	SHMTOP_CMD_ALL_BITS = SHMTOP_CMD_PAUSE_BIT | SHMTOP_CMD_RESET_BIT,
};

/* The status fields, in the record's order: X(type, name), 32 or 64 bits;
 * as SHMTOP_PAYLOAD_FIELDS, they make the members, the copy, the store and
 * the checksum. */
#define SHMTOP_STATUS_FIELDS(X)                                                                    \
	X(uint64_t, writer_start) /* /proc/PID/stat starttime of writer_pid */                     \
	X(int64_t, started_ns)    /* CLOCK_REALTIME when this publisher took over */               \
	X(int64_t, beat_ns)       /* CLOCK_MONOTONIC of the last status update */                  \
	X(int64_t, period_ns)     /* the service step's period */                                  \
	X(int64_t, stamp_wall_ns) /* CLOCK_REALTIME of the step pub[] is of */                     \
	X(int64_t, stamp_mono_ns) /* its CLOCK_MONOTONIC */                                        \
	X(uint64_t, resets)       /* resets applied, ever */                                       \
	X(uint64_t, reset_ack)    /* control's reset counter, as consumed */                       \
	X(uint64_t, hist_next)    /* history rows written, ever */                                 \
	X(uint64_t, writers)      /* publishers that have owned the segment */                     \
	X(uint64_t, refused)      /* commands refused, ever */                                     \
	X(int32_t, writer_pid)    /* the publisher */                                              \
	X(uint32_t, state)        /* enum shmtop_state */                                          \
	X(int32_t, control_id)    /* shmid of the control segment, or -1 */                        \
	X(uint32_t, request_ack)  /* control's request word, as applied (futex) */                 \
	X(uint32_t, refused_req)  /* the request word acknowledged with the last refusal */        \
	X(uint32_t, refused_cmds) /* SHMTOP_CMD_*_BIT refused then */                              \
	X(uint32_t, ncounters)    /* counters published: pub[0, ncounters) */                      \
	X(uint32_t, reserved)

struct shmtop_record3 {
	/* Header: immutable once magic is stored. */
	_Atomic uint64_t magic;
	_Atomic uint32_t version;      /* SHMTOP_RECORD_V3 */
	_Atomic uint32_t endian;       /* SHMTOP_ENDIAN */
	_Atomic uint32_t header_size;  /* offsetof(struct shmtop_record3, seq) */
	_Atomic uint32_t layout_size;  /* sizeof(struct shmtop_record3) */
	_Atomic uint64_t segment_size; /* the whole segment: record3_layout().size */
	_Atomic uint32_t hist_cap;     /* history rows */
	_Atomic uint32_t capacity;     /* counters */
	_Atomic uint32_t accept;       /* SHMTOP_CMD_*_BIT the publisher serves */
	uint32_t reserved0;
	_Atomic uint64_t meta_off;
	_Atomic uint64_t token; /* random, drawn when the record was made */
	_Atomic uint64_t pub_off;
	_Atomic uint64_t hot_off;
	_Atomic uint64_t hist_off;
	uint64_t reserved1[5];

	/* Status, under the seqlock: seq, the list's fields, their checksum
	 * (which also covers pub[0, ncounters)). */
	_Alignas(64) _Atomic uint64_t seq;
#define SHMTOP_RECORD3_MEMBER(type, name) _Atomic type name;
	SHMTOP_STATUS_FIELDS(SHMTOP_RECORD3_MEMBER)
#undef SHMTOP_RECORD3_MEMBER
	_Atomic uint64_t check;
};

/* A counter's metadata: written once, before published (release). */
struct shmtop_meta3 {
	_Atomic uint32_t published; /* 1: the fields below are set for good */
	uint32_t kind;              /* enum shmtop_kind3 */
	char name[SHMTOP_NAME3_MAX];
	char unit[SHMTOP_UNIT3_MAX];
	uint64_t reserved;
};

/* A counter's published value, under the status seqlock. */
struct shmtop_pub3 {
	_Atomic uint64_t value;
	_Atomic int64_t changed_wall_ns; /* the step that saw it change */
	_Atomic int64_t changed_mono_ns;
};

/* A counter's hot value, alone on its cache line. */
struct shmtop_hot3 {
	_Alignas(64) _Atomic uint64_t value;
};

static_assert(offsetof(struct shmtop_record3, magic) == 0, "layout");
static_assert(offsetof(struct shmtop_record3, version) == 8, "layout");
static_assert(offsetof(struct shmtop_record3, endian) == 12, "layout");
static_assert(offsetof(struct shmtop_record3, segment_size) == 24, "layout");
static_assert(offsetof(struct shmtop_record3, hist_cap) == 32, "layout");
static_assert(offsetof(struct shmtop_record3, capacity) == 36, "layout");
static_assert(offsetof(struct shmtop_record3, token) == 56, "layout");
static_assert(offsetof(struct shmtop_record3, hist_off) == 80, "layout");
static_assert(offsetof(struct shmtop_record3, seq) == 128, "layout");
static_assert(offsetof(struct shmtop_record3, writer_pid) == 224, "layout");
static_assert(offsetof(struct shmtop_record3, ncounters) == 248, "layout");
static_assert(offsetof(struct shmtop_record3, check) == 256, "layout");
static_assert(sizeof(struct shmtop_record3) == 320, "layout");
static_assert(sizeof(struct shmtop_meta3) == 96, "layout");
static_assert(offsetof(struct shmtop_meta3, name) == 8, "layout");
static_assert(offsetof(struct shmtop_meta3, unit) == 72, "layout");
static_assert(sizeof(struct shmtop_pub3) == 24, "layout");
static_assert(sizeof(struct shmtop_hot3) == 64, "layout");

/* Where the areas of a record of capacity counters and hist rows lie. */
struct shmtop_layout3 {
	uint64_t meta_off, pub_off, hot_off, hist_off;
	uint64_t row_size; /* 8 * (1 + capacity) */
	uint64_t size;     /* the whole segment */
};

/* The layout of version 3 for capacity and hist; 0, or -1 if either is out
 * of range or the size does not fit in a size_t. */
static inline int record3_layout(uint32_t capacity, uint32_t hist, struct shmtop_layout3 *l)
{
	if (capacity < 1 || capacity > SHMTOP_CAPACITY3_MAX || hist < SHMTOP_HISTORY3_MIN ||
	    hist > SHMTOP_HISTORY3_MAX)
		return -1;
	const uint64_t a = 64;
	uint64_t c = capacity, rows;
	l->meta_off = (sizeof(struct shmtop_record3) + a - 1) / a * a;
	l->pub_off = (l->meta_off + c * sizeof(struct shmtop_meta3) + a - 1) / a * a;
	l->hot_off = (l->pub_off + c * sizeof(struct shmtop_pub3) + a - 1) / a * a;
	l->hist_off = l->hot_off + c * sizeof(struct shmtop_hot3);
	l->row_size = 8 * (1 + c);
	if (__builtin_mul_overflow(l->row_size, (uint64_t)hist, &rows) ||
	    __builtin_add_overflow(l->hist_off, rows, &l->size) ||
	    (uint64_t)(size_t)l->size != l->size)
		return -1;
	return 0;
}

/* A plain copy of a version 3 record's header and status. */
struct shmtop_status3 {
	uint64_t magic;
	uint32_t version, endian, header_size, layout_size;
	uint64_t segment_size;
	uint32_t hist_cap, capacity, accept;
	uint64_t meta_off, token, pub_off, hot_off, hist_off;
	uint64_t seq;
#define SHMTOP_STATUS3_MEMBER(type, name) type name;
	SHMTOP_STATUS_FIELDS(SHMTOP_STATUS3_MEMBER)
#undef SHMTOP_STATUS3_MEMBER
	uint64_t check;
};

/* A plain copy of one published value. */
struct shmtop_pubval3 {
	uint64_t value;
	int64_t changed_wall_ns, changed_mono_ns;
};

#endif
