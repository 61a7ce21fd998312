/* SPDX-License-Identifier: MIT */
/*
 * libshmtop's reader: a version 3 record attached read-only, copied as one
 * consistent snapshot of every published counter.  Every byte of the
 * segment is untrusted: the header is checked before anything else is
 * read, every offset is recomputed rather than followed, a copy is checked
 * (seq, checksum, each field) before it is used, and names and units are
 * copied within their bounds and checked as UTF-8 and ASCII.  A reader
 * keeps the metadata it has checked (it never changes once published), so
 * a snapshot copies only the status and the published values.
 */
#include "reader.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/shm.h>
#include <time.h>

#include "clock.h"
#include "control.h"
#include "procstat.h"

#define RELAXED memory_order_relaxed
/* How long a writer_alive answer is kept before /proc is asked again. */
#define ALIVE_TTL_NS (250 * NS_PER_MS)

struct reader_meta {
	char name[SHMTOP_NAME3_MAX];
	char unit[SHMTOP_UNIT3_MAX];
	uint32_t kind;
};

struct shmtop_reader {
	int shmid;
	const void *seg;
	size_t size;
	struct shmtop_layout3 lay;
	struct shmtop_status3 hdr;  /* the header as checked at open */
	uint32_t known;             /* metadata of counters [0, known) checked */
	struct reader_meta *meta;   /* capacity entries */
	struct reader_names names;  /* of meta[0, known) */
	struct shmtop_pubval3 *buf; /* capacity entries: the last copy */
	struct shmtop_status3 st;   /* the last copy's status */
	int32_t alive_pid;
	uint64_t alive_start;
	int64_t alive_at;
	bool alive;
	struct record_budget *budget; /* or NULL */
};

static inline uint64_t rotl(uint64_t x, unsigned r)
{
	return (x << r) | (x >> ((64 - r) & 63));
}

#define FIELD3_INDEX(type, name) FIELD3_##name,
enum { SHMTOP_STATUS_FIELDS(FIELD3_INDEX) FIELD3_COUNT };
#undef FIELD3_INDEX

#define BITS64(v) (sizeof(v) == 4 ? (uint64_t)(uint32_t)(v) : (uint64_t)(v))

uint64_t reader_checksum(const struct shmtop_status3 *s, const struct shmtop_pubval3 *v, size_t n)
{
	/* As version 2's: each word rotated by its own amount, xored into
	 * lanes the CPU fills side by side, then mixed. */
	uint64_t lane[4] = { [3] = UINT64_C(0x9e3779b97f4a7c15) };
#define MIX3(type, name)                                                                           \
	lane[FIELD3_##name % 4] ^= rotl(BITS64(s->name), (5 * FIELD3_##name + 1) % 64);
	SHMTOP_STATUS_FIELDS(MIX3)
#undef MIX3
	for (size_t i = 0; i < n; i++) {
		unsigned k = (unsigned)(i * 3 + FIELD3_COUNT);
		lane[0] ^= rotl(v[i].value, (5 * k + 1) % 64);
		lane[1] ^= rotl((uint64_t)v[i].changed_wall_ns, (5 * k + 6) % 64);
		lane[2] ^= rotl((uint64_t)v[i].changed_mono_ns, (5 * k + 11) % 64);
		lane[3] += v[i].value;
	}
	uint64_t h = (lane[0] ^ lane[1]) ^ (lane[2] ^ lane[3]);
	return (h ^ (h >> 29)) * UINT64_C(0xbf58476d1ce4e5b9);
}

#define FAIL(...)                                                                                  \
	do {                                                                                       \
		snprintf(why, whylen, __VA_ARGS__);                                                \
		return -1;                                                                         \
	} while (0)

/* Length of the UTF-8 sequence at s (n bytes left) if it is valid and not
 * a control character (C0, DEL, C1), else 0. */
static size_t utf8_char(const unsigned char *s, size_t n)
{
	unsigned c = s[0];
	if (c < 0x20 || c == 0x7f)
		return 0;
	if (c < 0x80)
		return 1;
	size_t len = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 ? 2 : 0;
	if (len == 0 || c > 0xf4 || len > n)
		return 0;
	uint32_t cp = c & (0x7f >> len);
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	static const uint32_t min[5] = { 0, 0, 0x80, 0x800, 0x10000 };
	if (cp < min[len] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff) ||
	    (cp >= 0x80 && cp <= 0x9f))
		return 0;
	return len;
}

int reader_check_name(const char *name, size_t max, char *why, size_t whylen)
{
	size_t n = strnlen(name, max);
	if (n == 0)
		FAIL("empty counter name");
	if (n >= max)
		FAIL("counter name longer than %zu bytes", max - 1);
	const unsigned char *s = (const unsigned char *)name;
	for (size_t i = 0; i < n;) {
		size_t len = utf8_char(s + i, n - i);
		if (len == 0)
			FAIL("counter name has %s at byte %zu",
			     s[i] < 0x20 || s[i] == 0x7f ? "a control character"
							 : "invalid UTF-8 or a control character",
			     i);
		i += len;
	}
	return 0;
}

int reader_check_unit(const char *unit, size_t max, char *why, size_t whylen)
{
	size_t n = strnlen(unit, max);
	if (n >= max)
		FAIL("unit longer than %zu bytes", max - 1);
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)unit[i] < 0x20 || (unsigned char)unit[i] > 0x7e)
			FAIL("unit has a byte that is not printable ASCII (0x%02x)",
			     (unsigned char)unit[i]);
	return 0;
}

static int check_header(const struct shmtop_status3 *s, size_t segsz, struct shmtop_layout3 *lay,
			char *why, size_t whylen)
{
	if (s->magic != SHMTOP_MAGIC)
		FAIL("not a shmtop record (magic 0x%016llx)", (unsigned long long)s->magic);
	if (s->endian != SHMTOP_ENDIAN)
		FAIL("record written with another byte order (mark 0x%08x)", s->endian);
	if (s->version != SHMTOP_RECORD_V3)
		FAIL("a version %u record%s: this library reads version %u", s->version,
		     s->version == 2 ? " (shmwriter's, up to shmtop 0.3)" : "", SHMTOP_RECORD_V3);
	if (segsz < sizeof(struct shmtop_record3))
		FAIL("segment is %zu bytes, a version 3 record needs at least %zu", segsz,
		     sizeof(struct shmtop_record3));
	if (s->header_size != offsetof(struct shmtop_record3, seq))
		FAIL("record header size %u, expected %zu", s->header_size,
		     offsetof(struct shmtop_record3, seq));
	if (s->layout_size != sizeof(struct shmtop_record3))
		FAIL("record layout size %u, expected %zu", s->layout_size,
		     sizeof(struct shmtop_record3));
	if (record3_layout(s->capacity, s->hist_cap, lay))
		FAIL("record of %u counters and %u history rows: out of range", s->capacity,
		     s->hist_cap);
	if (s->meta_off != lay->meta_off || s->pub_off != lay->pub_off ||
	    s->hot_off != lay->hot_off || s->hist_off != lay->hist_off)
		FAIL("record's area offsets do not match its capacity %u and history %u",
		     s->capacity, s->hist_cap);
	if (s->segment_size != lay->size)
		FAIL("record of %u counters and %u rows needs %llu bytes, it says %llu",
		     s->capacity, s->hist_cap, (unsigned long long)lay->size,
		     (unsigned long long)s->segment_size);
	if (s->segment_size != segsz)
		FAIL("record made for a %llu-byte segment, this one is %zu bytes",
		     (unsigned long long)s->segment_size, segsz);
	if (s->accept & ~(uint32_t)SHMTOP_CMD_ALL_BITS)
		FAIL("record accepts unknown commands (0x%x)", s->accept);
	return 0;
}

enum shmtop_read_status reader_header(const void *seg, size_t segsz, struct shmtop_status3 *out,
				      struct shmtop_layout3 *lay, char *why, size_t whylen)
{
	memset(out, 0, sizeof *out);
	/* magic, version and endian sit where version 2 keeps them: enough to
	 * tell any version apart. */
	if (segsz < 16) {
		snprintf(why, whylen, "segment is %zu bytes, too small for a shmtop record", segsz);
		return SHMTOP_READ_INVALID;
	}
	const struct shmtop_record3 *r = seg;
	out->magic = atomic_load_explicit(&r->magic, memory_order_acquire);
	out->version = atomic_load_explicit(&r->version, RELAXED);
	out->endian = atomic_load_explicit(&r->endian, RELAXED);
	if (out->magic == 0) {
		snprintf(why, whylen, "segment is not initialised yet");
		return SHMTOP_READ_EMPTY;
	}
	if (segsz >= sizeof *r) {
		out->header_size = atomic_load_explicit(&r->header_size, RELAXED);
		out->layout_size = atomic_load_explicit(&r->layout_size, RELAXED);
		out->segment_size = atomic_load_explicit(&r->segment_size, RELAXED);
		out->hist_cap = atomic_load_explicit(&r->hist_cap, RELAXED);
		out->capacity = atomic_load_explicit(&r->capacity, RELAXED);
		out->accept = atomic_load_explicit(&r->accept, RELAXED);
		out->meta_off = atomic_load_explicit(&r->meta_off, RELAXED);
		out->token = atomic_load_explicit(&r->token, RELAXED);
		out->pub_off = atomic_load_explicit(&r->pub_off, RELAXED);
		out->hot_off = atomic_load_explicit(&r->hot_off, RELAXED);
		out->hist_off = atomic_load_explicit(&r->hist_off, RELAXED);
	}
	return check_header(out, segsz, lay, why, whylen) ? SHMTOP_READ_INVALID : SHMTOP_READ_OK;
}

static int check_status(const struct shmtop_status3 *s, const struct shmtop_pubval3 *v, bool whole,
			char *why, size_t whylen)
{
	if (whole && (s->seq & 1))
		FAIL("record is mid-update (sequence %llu is odd)", (unsigned long long)s->seq);
	if (s->ncounters > s->capacity)
		FAIL("record says %u counters, it holds %u", s->ncounters, s->capacity);
	if (whole && reader_checksum(s, v, s->ncounters) != s->check)
		FAIL("record status is corrupt (checksum mismatch)");
	if (s->state < SHMTOP_STATE_RUNNING || s->state > SHMTOP_STATE_STOPPED)
		FAIL("publisher state %u out of range", s->state);
	if (s->writer_pid <= 0)
		FAIL("publisher pid %d out of range", s->writer_pid);
	if (s->period_ns <= 0 || s->period_ns > INT64_C(86400) * NS_PER_SEC)
		FAIL("publisher period %lld ns out of range", (long long)s->period_ns);
	if (s->started_ns < 0 || s->beat_ns < 0 || s->stamp_wall_ns < 0 || s->stamp_mono_ns < 0)
		FAIL("negative timestamp in record");
	if (s->control_id < -1)
		FAIL("control segment id %d out of range", s->control_id);
	if (s->refused_cmds & ~(uint32_t)SHMTOP_CMD_ALL_BITS)
		FAIL("refused commands 0x%x unknown", s->refused_cmds);
	return 0;
}

static inline void copy_status(const struct shmtop_record3 *r, struct shmtop_status3 *o)
{
#define LOAD3(type, name) o->name = atomic_load_explicit(&r->name, RELAXED);
	SHMTOP_STATUS_FIELDS(LOAD3)
#undef LOAD3
	o->check = atomic_load_explicit(&r->check, RELAXED);
}

static inline void copy_values(const struct shmtop_pub3 *p, struct shmtop_pubval3 *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		v[i].value = atomic_load_explicit(&p[i].value, RELAXED);
		v[i].changed_wall_ns = atomic_load_explicit(&p[i].changed_wall_ns, RELAXED);
		v[i].changed_mono_ns = atomic_load_explicit(&p[i].changed_mono_ns, RELAXED);
	}
}

static enum shmtop_read_status copy_within(const void *seg, const struct shmtop_layout3 *lay,
					   struct shmtop_status3 *st, struct shmtop_pubval3 *v,
					   bool whole, struct record_budget *budget, char *why,
					   size_t whylen)
{
	const struct shmtop_record3 *r = seg;
	const struct shmtop_pub3 *pub = (const void *)((const char *)seg + lay->pub_off);
	int tries = 0;
	for (; record_backoff(tries, budget); tries++) {
		uint64_t s1 = atomic_load_explicit(&r->seq, memory_order_acquire);
		if (whole && (s1 & 1))
			continue;
		copy_status(r, st);
		/* Never beyond the capacity, whatever ncounters says: the check
		 * then refuses the copy. */
		size_t n = st->ncounters < st->capacity ? st->ncounters : st->capacity;
		copy_values(pub, v, n);
		atomic_thread_fence(memory_order_acquire);
		uint64_t s2 = atomic_load_explicit(&r->seq, RELAXED);
		if (whole && s1 != s2)
			continue;
		st->seq = s1;
		return check_status(st, v, whole, why, whylen) ? SHMTOP_READ_INVALID
							       : SHMTOP_READ_OK;
	}
	snprintf(why, whylen, "publisher busy or dead mid-update (no stable copy in %d tries)",
		 tries);
	return SHMTOP_READ_BUSY;
}

enum shmtop_read_status reader_copy(const void *seg, const struct shmtop_layout3 *lay,
				    struct shmtop_status3 *st, struct shmtop_pubval3 *v, bool whole,
				    char *why, size_t whylen)
{
	return copy_within(seg, lay, st, v, whole, NULL, why, whylen);
}

void reader_to_snapshot(const struct shmtop_status3 *s, const struct shmtop_pubval3 *v,
			struct shmtop_snapshot *o)
{
	*o = (struct shmtop_snapshot){
		.magic = s->magic,
		.version = s->version,
		.token = s->token,
		.writer_pid = s->writer_pid,
		.writer_start = s->writer_start,
		.started_ns = s->started_ns,
		.beat_ns = s->beat_ns,
		.interval_ns = s->period_ns,
		.state = s->state,
		.resets = s->resets,
		.reset_ack = s->reset_ack,
		.hist_next = s->hist_next,
		.writers = s->writers,
		.control_id = s->control_id,
		.request_ack = s->request_ack,
	};
	if (v) {
		o->count = v->value;
		o->wall_ns = v->changed_wall_ns;
		o->mono_ns = v->changed_mono_ns;
	}
}

enum shmtop_read_status reader_snapshot(const void *seg, size_t segsz, struct shmtop_snapshot *out,
					struct record_budget *budget, char *why, size_t whylen)
{
	struct shmtop_status3 st;
	struct shmtop_layout3 lay;
	enum shmtop_read_status rs = reader_header(seg, segsz, &st, &lay, why, whylen);
	if (rs != SHMTOP_READ_OK)
		return rs;
	struct shmtop_pubval3 *v = calloc(st.capacity, sizeof *v);
	if (!v) {
		snprintf(why, whylen, "out of memory");
		return SHMTOP_READ_INVALID;
	}
	rs = copy_within(seg, &lay, &st, v, true, budget, why, whylen);
	if (rs == SHMTOP_READ_OK)
		reader_to_snapshot(&st, st.ncounters ? v : NULL, out);
	free(v);
	return rs;
}

shmtop_reader *shmtop_reader_open(key_t key, int shmid, char *why, size_t whylen)
{
	int id = shmid;
	if (key != 0) {
		id = shmget(key, 0, 0);
		if (id < 0) {
			snprintf(why, whylen, "no segment with key 0x%08x: %s", (unsigned)key,
				 strerror(errno));
			return NULL;
		}
	}
	struct shmid_ds ds;
	if (shmctl(id, IPC_STAT, &ds) < 0) {
		snprintf(why, whylen, "segment shmid %d: %s", id, strerror(errno));
		return NULL;
	}
	void *seg = shmat(id, NULL, SHM_RDONLY);
	if (seg == (void *)-1) {
		snprintf(why, whylen, "cannot attach segment shmid %d: %s", id, strerror(errno));
		return NULL;
	}
	shmtop_reader *r = calloc(1, sizeof *r);
	if (!r) {
		snprintf(why, whylen, "out of memory");
		shmdt(seg);
		return NULL;
	}
	r->shmid = id;
	r->seg = seg;
	r->size = ds.shm_segsz;
	char reason[200];
	enum shmtop_read_status st = SHMTOP_READ_EMPTY;
	/* A publisher stores magic last: give one that is mid-creation a moment. */
	for (int i = 0; i < 50 && st == SHMTOP_READ_EMPTY; i++) {
		st = reader_header(seg, r->size, &r->hdr, &r->lay, reason, sizeof reason);
		if (st == SHMTOP_READ_EMPTY)
			nanosleep(&(struct timespec){ .tv_nsec = 2 * NS_PER_MS }, NULL);
	}
	if (st == SHMTOP_READ_OK) {
		r->meta = calloc(r->hdr.capacity, sizeof *r->meta);
		r->buf = calloc(r->hdr.capacity, sizeof *r->buf);
		if (r->meta && r->buf && reader_names_init(&r->names, r->hdr.capacity) == 0)
			return r;
		snprintf(reason, sizeof reason, "out of memory");
	}
	snprintf(why, whylen, "segment shmid %d: %s", id, reason);
	shmtop_reader_close(r);
	return NULL;
}

void shmtop_reader_close(shmtop_reader *r)
{
	if (!r)
		return;
	if (r->seg)
		shmdt(r->seg);
	free(r->meta);
	free(r->buf);
	reader_names_free(&r->names);
	free(r);
}

int reader_meta(const void *seg, const struct shmtop_layout3 *lay, uint32_t i, char *name,
		char *unit, uint32_t *kind, char *why, size_t whylen)
{
	const struct shmtop_meta3 *m = (const void *)((const char *)seg + lay->meta_off);
	char reason[160];
	if (atomic_load_explicit(&m[i].published, memory_order_acquire) != 1)
		FAIL("counter %u is counted but its metadata is not published", i);
	memcpy(name, m[i].name, SHMTOP_NAME3_MAX);
	memcpy(unit, m[i].unit, SHMTOP_UNIT3_MAX);
	*kind = m[i].kind;
	if (reader_check_name(name, SHMTOP_NAME3_MAX, reason, sizeof reason) ||
	    reader_check_unit(unit, SHMTOP_UNIT3_MAX, reason, sizeof reason))
		FAIL("counter %u: %s", i, reason);
	if (*kind != SHMTOP_KIND3_COUNTER && *kind != SHMTOP_KIND3_GAUGE)
		FAIL("counter %u: kind %u unknown", i, *kind);
	return 0;
}

static uint64_t name_hash(const char *name)
{
	uint64_t h = UINT64_C(0xcbf29ce484222325);
	for (const unsigned char *p = (const unsigned char *)name; *p; p++)
		h = (h ^ *p) * UINT64_C(0x100000001b3);
	return h;
}

int reader_names_init(struct reader_names *s, uint32_t capacity)
{
	size_t n = 16;
	while (n < 2 * (size_t)capacity)
		n *= 2;
	s->slot = calloc(n, sizeof *s->slot);
	s->nslots = s->slot ? n : 0;
	return s->slot ? 0 : -1;
}

int reader_names_add(struct reader_names *s, const char *name, uint32_t i, char *why, size_t whylen)
{
	size_t at = (size_t)name_hash(name) & (s->nslots - 1);
	for (; s->slot[at]; at = (at + 1) & (s->nslots - 1))
		if (strcmp(s->slot[at], name) == 0)
			FAIL("counter %u: the name \"%s\" is another counter's (names must be "
			     "unique)",
			     i, name);
	s->slot[at] = name;
	return 0;
}

void reader_names_free(struct reader_names *s)
{
	free(s->slot);
	s->slot = NULL;
	s->nslots = 0;
}

/* Check and keep the metadata of counters [r->known, n). */
static int learn_meta(shmtop_reader *r, uint32_t n, char *why, size_t whylen)
{
	for (uint32_t i = r->known; i < n; i++) {
		struct reader_meta *k = &r->meta[i];
		if (reader_meta(r->seg, &r->lay, i, k->name, k->unit, &k->kind, why, whylen) ||
		    reader_names_add(&r->names, k->name, i, why, whylen))
			return -1;
		r->known = i + 1;
	}
	return 0;
}

static bool writer_alive(shmtop_reader *r, const struct shmtop_status3 *s)
{
	if (s->state == SHMTOP_STATE_STOPPED)
		return false;
	int64_t now = clock_mono_ns();
	if (s->writer_pid == r->alive_pid && s->writer_start == r->alive_start &&
	    now - r->alive_at < ALIVE_TTL_NS)
		return r->alive;
	char state;
	uint64_t start;
	r->alive = proc_stat(s->writer_pid, &state, &start) == 0 && state != 'Z' &&
		   (s->writer_start == 0 || start == s->writer_start);
	r->alive_pid = s->writer_pid;
	r->alive_start = s->writer_start;
	r->alive_at = now;
	return r->alive;
}

int reader_status(shmtop_reader *r, struct shmtop_status3 *st, char *why, size_t whylen)
{
	/* the header as checked at open (its bytes may have changed since),
	 * the status as copied now */
	r->st = r->hdr;
	enum shmtop_read_status rs =
	    copy_within(r->seg, &r->lay, &r->st, r->buf, true, r->budget, why, whylen);
	if (rs != SHMTOP_READ_OK)
		return -1;
	if (learn_meta(r, r->st.ncounters, why, whylen))
		return -1;
	if (st)
		*st = r->st;
	return 0;
}

void reader_set_budget(shmtop_reader *r, struct record_budget *budget)
{
	r->budget = budget;
}

long shmtop_read(shmtop_reader *r, struct shmtop_status *st, struct shmtop_value *v, size_t max,
		 char *why, size_t whylen)
{
	char reason[200];
	if (reader_status(r, NULL, reason, sizeof reason)) {
		snprintf(why, whylen, "segment shmid %d: %s", r->shmid, reason);
		return -1;
	}
	const struct shmtop_status3 *s = &r->st;
	if (st) {
		*st = (struct shmtop_status){
			.writer_pid = s->writer_pid,
			.state = s->state,
			.writer_alive = writer_alive(r, s),
			.resets = s->resets,
			.stamp_wall_ns = s->stamp_wall_ns,
			.period_ns = s->period_ns,
			.ncounters = s->ncounters,
			.accept = r->hdr.accept,
			.refused = s->refused,
		};
	}
	size_t n = s->ncounters < max ? s->ncounters : max;
	for (size_t i = 0; i < n; i++) {
		memcpy(v[i].name, r->meta[i].name, sizeof v[i].name);
		memcpy(v[i].unit, r->meta[i].unit, sizeof v[i].unit);
		v[i].kind = (enum shmtop_kind)r->meta[i].kind;
		v[i].value = r->buf[i].value;
		v[i].changed_wall_ns = r->buf[i].changed_wall_ns;
	}
	return (long)s->ncounters;
}

size_t reader_history(const void *seg, const struct shmtop_layout3 *lay, uint32_t hist_cap,
		      size_t i, uint64_t floor, struct shmtop_sample *out, size_t max,
		      uint64_t *first)
{
	const struct shmtop_record3 *rec = seg;
	uint64_t cap = hist_cap;
	const char *rows = (const char *)seg + lay->hist_off;
	uint64_t h0 = atomic_load_explicit(&rec->hist_next, memory_order_acquire);
	/* the oldest row may be mid-overwrite */
	uint64_t n = max < cap - 1 ? max : cap - 1;
	if (floor > h0)
		floor = 0;
	if (n > h0 - floor)
		n = h0 - floor;
	uint64_t f = h0 - n;
	for (uint64_t k = 0; k < n; k++) {
		const _Atomic uint64_t *row =
		    (const void *)(rows + ((f + k) % cap) * lay->row_size);
		out[k].mono_ns = (int64_t)atomic_load_explicit(&row[0], RELAXED);
		out[k].value = atomic_load_explicit(&row[1 + i], RELAXED);
	}
	atomic_thread_fence(memory_order_acquire);
	uint64_t h1 = atomic_load_explicit(&rec->hist_next, RELAXED);
	/* Row j survived the copy only if row j + cap has not been begun. */
	uint64_t drop = 0;
	*first = 0;
	if (h1 < h0)
		return 0; /* hist_next went back: not an honest publisher */
	if (h1 >= cap && h1 - cap + 1 > f)
		drop = h1 - cap + 1 - f;
	if (drop >= n) {
		*first = h1;
		return 0;
	}
	memmove(out, out + drop, (size_t)(n - drop) * sizeof *out);
	*first = f + drop;
	return (size_t)(n - drop);
}

size_t shmtop_read_history(shmtop_reader *r, size_t i, uint64_t *values, int64_t *mono_ns,
			   size_t max)
{
	if (i >= r->hdr.capacity || max == 0)
		return 0;
	struct shmtop_sample *s = malloc(max * sizeof *s);
	if (!s)
		return 0;
	uint64_t first;
	size_t n = reader_history(r->seg, &r->lay, r->hdr.hist_cap, i, 0, s, max, &first);
	for (size_t k = 0; k < n; k++) {
		values[k] = s[k].value;
		if (mono_ns)
			mono_ns[k] = s[k].mono_ns;
	}
	free(s);
	return n;
}

const struct shmtop_record3 *reader_record(const shmtop_reader *r)
{
	return r->seg;
}

int reader_shmid(const shmtop_reader *r)
{
	return r->shmid;
}

struct wait_ctx {
	shmtop_reader *r;
	struct shmtop_status3 *st;
};

static int confirmed_v3(const void *ctx, uint32_t ticket)
{
	const struct wait_ctx *w = ctx;
	char why[200];
	return reader_status(w->r, w->st, why, sizeof why) == 0 &&
	       control_acked(w->r->st.request_ack, ticket);
}

int reader_wait_ack(shmtop_reader *r, uint32_t ticket, int timeout_ms, struct shmtop_status3 *st)
{
	const struct shmtop_record3 *rec = r->seg;
	struct wait_ctx w = { r, st };
	return control_wait_word(&rec->request_ack, ticket, timeout_ms, confirmed_v3, &w);
}
