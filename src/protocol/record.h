/* SPDX-License-Identifier: MIT */
/*
 * The shared record: the layout of a shmtop segment and how to use it.
 *
 * Two versions live side by side.  Version 2 is shmwriter's record: one
 * unnamed count, its history and the writer's status (struct shmtop_record,
 * described first).  Version 3 is libshmtop's (shmtop.h): up to 4096 named
 * counters and gauges, each on its own cache line, with the same writer
 * lock, control segment, trust rules and seqlock (struct shmtop_record3,
 * described below, after version 2).  Both
 * start with the same 64-bit magic, and keep version, endian, segment_size,
 * hist_cap and token at the same offsets, so that a reader of either tells
 * the other apart and says "a version N record", never "damaged".
 *
 * Version 2.
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
 *     writer (v2writer_publish_begin/_end)    reader (record_read)
 *     seq = seq + 1       (odd, relaxed)    s1 = seq               (acquire)
 *     fence(release)                        if s1 odd: retry
 *     v2writer_store()      (relaxed)         record_copy()          (relaxed)
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
 * the record's and the snapshot's members, record_copy(), v2writer_store() and
 * the checksum that the writer publishes in `check` and the reader verifies.
 * How to add a field: add one X() line to the list (and bump SHMTOP_RECORD_V2
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
 *
 * Version 3: named counters (libshmtop).
 *
 * A segment holds a struct shmtop_record3 (header and status) followed by
 * four areas whose offsets the header gives; a reader recomputes them from
 * capacity and hist_cap (record3_layout()) and refuses any mismatch, and
 * any segment whose size is not exactly the computed one:
 *
 *     offset     size            what
 *     0          128             header: magic (as version 2's), version 3,
 *                                endian, header_size (128), layout_size
 *                                (sizeof struct shmtop_record3: 320),
 *                                segment_size, hist_cap (2..65536), capacity
 *                                (1..4096), accept (SHMTOP_CMD_* the
 *                                publisher serves), the areas' offsets,
 *                                token; immutable once magic is stored
 *     128        136             status under the seqlock: seq, the fields
 *                                of SHMTOP_STATUS_FIELDS, check
 *     meta_off   96 * capacity   struct shmtop_meta3 per counter (320)
 *     pub_off    24 * capacity   struct shmtop_pub3 per counter, 64-aligned
 *     hot_off    64 * capacity   struct shmtop_hot3 per counter, 64-aligned
 *     hist_off   hist_cap rows   each 8 * (1 + capacity): mono_ns, then one
 *                                value per counter
 *
 * (With the default capacity 64 and history 1024: meta_off 320, pub_off
 * 6464, hot_off 8000, hist_off 12096, segment 544576 bytes.)
 *
 * The header is made as version 2's: every field first, magic last with
 * release; a reader loads magic with acquire and checks the header before
 * it trusts any other byte.
 *
 * Metadata.  A counter's name (1..63 bytes of UTF-8 without control
 * characters, NUL-terminated, unique), unit (printable ASCII) and kind
 * (SHMTOP_KIND3_COUNTER or _GAUGE) are written once, then `published` is
 * stored 1 with release; they never change after.  A reader loads published
 * with acquire before it reads them, and checks them as untrusted bytes: a
 * record that gives two counters one name is refused as a whole.
 *
 * Hot values.  hot[i].value, alone on its 64-byte line, is what the
 * program's hot path changes: a relaxed fetch_add (counter) or store
 * (gauge), from any thread.  Readers never read it: it has no time, and
 * pause must not show it.
 *
 * Published values.  The service step (one thread at a time, under the
 * writer lock) loads each hot value; one that differs from what it last
 * published gets (value, changed_wall_ns, changed_mono_ns) of this step.
 * The step writes pub[] and the status together inside one seqlock update
 * (the same protocol as version 2's, on the status's seq), so a reader's
 * copy of the status and of pub[0, ncounters) is one snapshot: no torn
 * (value, time) pair, and every value belongs to the step whose time
 * stamp_wall_ns/stamp_mono_ns says.  `check` covers the status fields and
 * those pub entries (record3_checksum()).  ncounters grows only after the
 * metadata of the new counters is published.
 *
 * History.  hist_cap rows written by the service step with version 2's ring
 * rule: row n % hist_cap (its mono_ns and every counter's value), then
 * hist_next = n + 1 inside the status update; a reader copies rows and reads
 * hist_next again: row i is intact only if i + hist_cap > hist_next.
 *
 * Commands.  The same control segment as version 2 (control.h), proven the
 * same way (token, writer_pid, owner).  The step applies pause, resume and
 * reset if header.accept has their bit, else refuses them: a refused
 * command is acknowledged all the same (request_ack moves on, so a
 * viewer's wait ends), counted in `refused`, and the step's refused
 * commands are named by refused_cmds (SHMTOP_CMD_* bits) with refused_req =
 * the request word it acknowledged then.  A viewer whose command C has
 * ticket t knows, once t is acknowledged, that C was refused if
 * control_acked(refused_req, t) and refused_cmds has C's bit; header.accept
 * tells before it even sends.  Reset: for each counter the step loads the
 * hot value v and subtracts it (atomic_fetch_sub, so adds made meanwhile
 * survive), a gauge is stored 0; the published values become 0 with this
 * step's time; resets and reset_ack move on (reset_ack also for a refused
 * reset: the request is consumed).  Pause: state says paused and
 * the step stops publishing values and history (the hot values keep
 * counting) until resume; the status keeps its heartbeat.
 *
 * Takeover.  As version 2: the next publisher on the key (it holds the lock)
 * adopts a segment only if it is its own (trust.h), version 3, and of the
 * same capacity and hist_cap; counters declared again with the same name
 * and kind keep their slot and value; slots it does not declare keep their
 * last values.
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
 * record_copy(), v2writer_store() and record_checksum().  seq and check stay
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
