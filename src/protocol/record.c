/* SPDX-License-Identifier: MIT */
/*
 * The shared record: seqlock publish/read and validation of untrusted copies.
 * The protocol itself is described at the top of record.h.
 */
#include "record.h"

#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "clock.h"

#define RELAXED memory_order_relaxed

static inline uint64_t rotl(uint64_t x, unsigned r)
{
	return (x << r) | (x >> ((64 - r) & 63));
}

/* Each payload field's place in SHMTOP_PAYLOAD_FIELDS: FIELD_count = 0, ... */
#define FIELD_INDEX(type, name) FIELD_##name,
enum { SHMTOP_PAYLOAD_FIELDS(FIELD_INDEX) };
#undef FIELD_INDEX

/* A field's bits as 64: a 32-bit one zero-extended, whatever its sign. */
#define BITS64(v) (sizeof(v) == 4 ? (uint64_t)(uint32_t)(v) : (uint64_t)(v))

/* Inlined into the read path, which runs it on every copy. */
static inline uint64_t checksum(const struct shmtop_snapshot *s)
{
	/* Field i rotated by 5 i + 1 (mod 64), its own amount, so that swapped
	 * or shifted fields do not cancel; xored into 8 lanes, which are then
	 * xored as a tree, so the CPU can do them side by side (the checksum
	 * is on every update and every read). */
	uint64_t lane[8] = { [7] = UINT64_C(0x9e3779b97f4a7c15) };
#define MIX(type, name)                                                                            \
	lane[FIELD_##name % 8] ^= rotl(BITS64(s->name), (5 * FIELD_##name + 1) % 64);
	SHMTOP_PAYLOAD_FIELDS(MIX)
#undef MIX
	uint64_t h = ((lane[0] ^ lane[1]) ^ (lane[2] ^ lane[3])) ^
		     ((lane[4] ^ lane[5]) ^ (lane[6] ^ lane[7]));
	return (h ^ (h >> 29)) * UINT64_C(0xbf58476d1ce4e5b9);
}

uint64_t record_checksum(const struct shmtop_snapshot *s)
{
	return checksum(s);
}

const char *record_state_name(uint32_t state)
{
	switch (state) {
	case SHMTOP_STATE_RUNNING: return "running";
	case SHMTOP_STATE_PAUSED: return "paused";
	case SHMTOP_STATE_STOPPED: return "stopped";
	default: return "invalid";
	}
}

#define FAIL(...)                                                                                  \
	do {                                                                                       \
		snprintf(why, whylen, __VA_ARGS__);                                                \
		return -1;                                                                         \
	} while (0)

static int validate_header(const struct shmtop_snapshot *s, size_t segsz, char *why, size_t whylen)
{
	if (segsz < sizeof(struct shmtop_record))
		FAIL("segment is %zu bytes, a shmtop record needs %zu", segsz,
		     sizeof(struct shmtop_record));
	if (s->magic != SHMTOP_MAGIC)
		FAIL("not a shmtop record (magic 0x%016llx)", (unsigned long long)s->magic);
	if (s->endian != SHMTOP_ENDIAN)
		FAIL("record written with another byte order (mark 0x%08x)", s->endian);
	if (s->version != SHMTOP_RECORD_V2)
		FAIL("record layout version %u, this build reads version %u", s->version,
		     SHMTOP_RECORD_V2);
	if (s->header_size != offsetof(struct shmtop_record, seq))
		FAIL("record header size %u, expected %zu", s->header_size,
		     offsetof(struct shmtop_record, seq));
	if (s->record_size != sizeof(struct shmtop_record))
		FAIL("record size %u, expected %zu", s->record_size, sizeof(struct shmtop_record));
	if (s->segment_size != segsz)
		FAIL("record made for a %llu-byte segment, this one is %zu bytes",
		     (unsigned long long)s->segment_size, segsz);
	if (s->hist_cap != SHMTOP_HISTORY)
		FAIL("history ring of %u samples, expected %u", s->hist_cap, SHMTOP_HISTORY);
	return 0;
}

static int validate_payload(const struct shmtop_snapshot *s, enum record_check check, char *why,
			    size_t whylen)
{
	if (check == RECORD_CHECK_ALL && (s->seq & 1))
		FAIL("record is mid-update (sequence %llu is odd)", (unsigned long long)s->seq);
	if (check == RECORD_CHECK_ALL && record_checksum(s) != s->check)
		FAIL("record payload is corrupt (checksum mismatch)");
	if (s->state < SHMTOP_STATE_RUNNING || s->state > SHMTOP_STATE_STOPPED)
		FAIL("writer state %u out of range", s->state);
	if (s->writer_pid <= 0)
		FAIL("writer pid %d out of range", s->writer_pid);
	if (s->interval_ns < 0 || s->interval_ns > INT64_C(86400) * 1000000000)
		FAIL("writer interval %lld ns out of range", (long long)s->interval_ns);
	if (s->wall_ns < 0 || s->mono_ns < 0 || s->beat_ns < 0 || s->started_ns < 0)
		FAIL("negative timestamp in record");
	if (s->control_id < -1)
		FAIL("control segment id %d out of range", s->control_id);
	return 0;
}

int record_validate(const struct shmtop_snapshot *s, size_t segsz, enum record_check check,
		    char *why, size_t whylen)
{
	if (validate_header(s, segsz, why, whylen))
		return -1;
	return check == RECORD_CHECK_HEADER ? 0 : validate_payload(s, check, why, whylen);
}

/*
 * The checks of validate_header() and validate_payload(RECORD_CHECK_ALL) as
 * one expression without branches: the read path runs them on every copy,
 * and a correct record passes them all, so it pays for no mispredicted or
 * short-circuit branch.  Only a failing copy goes through the detailed
 * checks, for their message.  The two must agree; test_record holds them
 * to it over every field and random corruptions.
 */
static inline int header_ok(const struct shmtop_snapshot *s, size_t segsz)
{
	uint64_t diff = (s->magic ^ SHMTOP_MAGIC) | (s->segment_size ^ (uint64_t)segsz) |
			(s->endian ^ SHMTOP_ENDIAN) | (s->version ^ SHMTOP_RECORD_V2) |
			(s->header_size ^ (uint32_t)offsetof(struct shmtop_record, seq)) |
			(s->record_size ^ (uint32_t)sizeof(struct shmtop_record)) |
			(s->hist_cap ^ SHMTOP_HISTORY);
	return diff == 0;
}

static inline int payload_ok(const struct shmtop_snapshot *s)
{
	const uint64_t max_interval = UINT64_C(86400) * 1000000000;
	int bad = (int)(s->seq & 1) | (checksum(s) != s->check) |
		  (s->state - SHMTOP_STATE_RUNNING > SHMTOP_STATE_STOPPED - SHMTOP_STATE_RUNNING) |
		  (s->writer_pid <= 0) | ((uint64_t)s->interval_ns > max_interval) |
		  ((s->wall_ns | s->mono_ns | s->beat_ns | s->started_ns) < 0) |
		  (s->control_id < -1);
	return !bad;
}

/* Load the header fields; EMPTY if magic is still 0, else validate them. */
static inline enum shmtop_read_status
load_header(const void *seg, size_t segsz, struct shmtop_snapshot *out, char *why, size_t whylen)
{
	if (segsz < sizeof(struct shmtop_record)) {
		validate_header(out, segsz, why, whylen);
		return SHMTOP_READ_INVALID;
	}
	const struct shmtop_record *r = seg;
	out->magic = atomic_load_explicit(&r->magic, memory_order_acquire);
	out->version = atomic_load_explicit(&r->version, RELAXED);
	out->endian = atomic_load_explicit(&r->endian, RELAXED);
	out->header_size = atomic_load_explicit(&r->header_size, RELAXED);
	out->record_size = atomic_load_explicit(&r->record_size, RELAXED);
	out->segment_size = atomic_load_explicit(&r->segment_size, RELAXED);
	out->hist_cap = atomic_load_explicit(&r->hist_cap, RELAXED);
	out->token = atomic_load_explicit(&r->token, RELAXED);
	if (out->magic == 0) {
		snprintf(why, whylen, "segment is not initialised yet");
		return SHMTOP_READ_EMPTY;
	}
	if (header_ok(out, segsz))
		return SHMTOP_READ_OK;
	validate_header(out, segsz, why, whylen);
	return SHMTOP_READ_INVALID;
}

uint32_t record_head_version(const unsigned char *head, size_t n)
{
	uint64_t magic;
	uint32_t version;
	if (n < offsetof(struct shmtop_record, endian))
		return 0;
	memcpy(&magic, head + offsetof(struct shmtop_record, magic), sizeof magic);
	memcpy(&version, head + offsetof(struct shmtop_record, version), sizeof version);
	return magic == SHMTOP_MAGIC ? version : 0;
}

enum shmtop_read_status record_read_header(const void *seg, size_t segsz,
					   struct shmtop_snapshot *out, char *why, size_t whylen)
{
	memset(out, 0, sizeof *out);
	return load_header(seg, segsz, out, why, whylen);
}

int record_read_fields(const void *seg, size_t segsz, struct shmtop_snapshot *out, char *why,
		       size_t whylen)
{
	if (record_read_header(seg, segsz, out, why, whylen) != SHMTOP_READ_OK)
		return -1;
	record_copy(seg, out);
	return record_validate(out, segsz, RECORD_CHECK_FIELDS, why, whylen);
}

bool record_backoff(int tries, struct record_budget *budget)
{
	if (tries >= SHMTOP_READ_TRIES)
		return false;
	if (tries < RECORD_QUICK_TRIES)
		return true;
	if (budget && budget->left_ns <= 0)
		return false;
	int64_t t0 = budget ? clock_mono_ns() : 0;
	if (tries >= 64)
		nanosleep(&(struct timespec){ .tv_nsec = 100000 }, NULL);
	else
		sched_yield();
	if (budget)
		budget->left_ns -= clock_mono_ns() - t0;
	return true;
}

enum shmtop_read_status record_read_within(const void *seg, size_t segsz,
					   struct shmtop_snapshot *out,
					   struct record_budget *budget, char *why, size_t whylen)
{
	enum shmtop_read_status st = load_header(seg, segsz, out, why, whylen);
	if (st != SHMTOP_READ_OK)
		return st;
	const struct shmtop_record *r = seg;
	int tries = 0;
	for (; record_backoff(tries, budget); tries++) {
		uint64_t s1 = atomic_load_explicit(&r->seq, memory_order_acquire);
		if (s1 & 1)
			continue;
		record_copy(r, out);
		atomic_thread_fence(memory_order_acquire);
		uint64_t s2 = atomic_load_explicit(&r->seq, RELAXED);
		if (s1 != s2)
			continue;
		out->seq = s1;
		if (payload_ok(out))
			return SHMTOP_READ_OK;
		validate_payload(out, RECORD_CHECK_ALL, why, whylen);
		return SHMTOP_READ_INVALID;
	}
	snprintf(why, whylen, "writer busy or dead mid-update (no stable copy in %d tries)", tries);
	return SHMTOP_READ_BUSY;
}

enum shmtop_read_status record_read(const void *seg, size_t segsz, struct shmtop_snapshot *out,
				    char *why, size_t whylen)
{
	return record_read_within(seg, segsz, out, NULL, why, whylen);
}

size_t record_read_history(const void *seg, struct shmtop_sample *out, size_t max)
{
	const struct shmtop_record *r = seg;
	uint64_t h0 = atomic_load_explicit(&r->hist_next, memory_order_acquire);
	uint64_t n = max < SHMTOP_HISTORY ? max : SHMTOP_HISTORY;
	if (n > h0)
		n = h0;
	uint64_t first = h0 - n;
	for (uint64_t i = 0; i < n; i++) {
		const struct shmtop_sample_slot *slot = &r->hist[(first + i) % SHMTOP_HISTORY];
		out[i].value = atomic_load_explicit(&slot->value, RELAXED);
		out[i].mono_ns = atomic_load_explicit(&slot->mono_ns, RELAXED);
	}
	atomic_thread_fence(memory_order_acquire);
	uint64_t h1 = atomic_load_explicit(&r->hist_next, RELAXED);
	/* Sample i survived the copy only if the writer has not begun sample
	 * i + SHMTOP_HISTORY, which reuses its slot. */
	uint64_t drop = 0;
	if (h1 >= SHMTOP_HISTORY && h1 - SHMTOP_HISTORY + 1 > first)
		drop = h1 - SHMTOP_HISTORY + 1 - first;
	if (drop >= n)
		return 0;
	memmove(out, out + drop, (size_t)(n - drop) * sizeof *out);
	return (size_t)(n - drop);
}
