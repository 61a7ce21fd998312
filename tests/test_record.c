/* SPDX-License-Identifier: MIT */
/*
 * The record validator and reader against hostile bytes: every header field
 * wrong, truncated segments, payload out of range, the history ring with
 * absurd indices, and random corruption.  Each case starts from a real
 * record made by the version 2 writer (tests/fixture/v2writer.c) and copied
 * out of its segment.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "record.h"
#include "testutil.h"
#include "v2writer.h"

#define SZ sizeof(struct shmtop_record)

static struct shmtop_record *golden; /* a real record after a flat-out run */
static _Atomic int stop;
static char open_error[256];

static void *writer_thread(void *arg)
{
	struct v2writer_options o = {
		.key = *(key_t *)arg, .interval_ns = 0, .mode = 0600, .control_mode = 0600
	};
	v2writer *w = v2writer_open(&o, open_error, sizeof open_error);
	if (!w)
		return NULL;
	v2writer_run(w, &stop);
	v2writer_close(w);
	return w;
}

static int make_golden(void **state)
{
	test_cleanup_keys(state);
	key_t key = test_key(1);
	pthread_t t;
	atomic_store(&stop, 0);
	pthread_create(&t, NULL, writer_thread, &key);
	nanosleep(&(struct timespec){ .tv_nsec = 30 * 1000000 }, NULL);
	atomic_store(&stop, 1);
	void *ok;
	pthread_join(t, &ok);
	if (!ok) {
		fprintf(stderr, "v2writer_open: %s\n", open_error);
		return -1;
	}
	int id = shmget(key, 0, 0);
	void *seg = shmat(id, NULL, SHM_RDONLY);
	if (seg == (void *)-1)
		return -1;
	golden = aligned_alloc(64, SZ);
	memcpy(golden, seg, SZ);
	shmdt(seg);
	shmctl(id, IPC_RMID, NULL);
	return 0;
}

static int free_golden(void **state)
{
	free(golden);
	return test_cleanup_keys(state);
}

/* A private, aligned copy of the golden record. */
static struct shmtop_record *copy(void)
{
	struct shmtop_record *r = aligned_alloc(64, SZ);
	memcpy(r, golden, SZ);
	return r;
}

static enum shmtop_read_status read_copy(const struct shmtop_record *r, size_t segsz, char *why,
					 size_t whylen)
{
	struct shmtop_snapshot s;
	return record_read(r, segsz, &s, why, whylen);
}

static void test_golden_is_valid(void **state)
{
	(void)state;
	struct shmtop_snapshot s;
	char why[160] = "";
	assert_int_equal(record_read(golden, SZ, &s, why, sizeof why), SHMTOP_READ_OK);
	assert_int_equal(s.state, SHMTOP_STATE_STOPPED);
	assert_true(s.count > SHMTOP_HISTORY);      /* ran flat out */
	assert_int_equal(s.hist_next, s.count + 1); /* one sample per count, plus 0 */
	assert_true(s.control_id >= 0);
	assert_int_equal(s.writers, 1);
	assert_string_equal(record_state_name(s.state), "stopped");
}

/* Version 2 keeps a random token at offset 56, where version 1 had a
 * pthread mutex; the header copy carries it. */
static void test_token(void **state)
{
	(void)state;
	assert_int_equal(SHMTOP_RECORD_V2, 2);
	assert_int_equal(offsetof(struct shmtop_record, token), 56);
	assert_int_equal(offsetof(struct shmtop_record, seq), 128);
	struct shmtop_snapshot s;
	char why[160];
	assert_int_equal(record_read_header(golden, SZ, &s, why, sizeof why), SHMTOP_READ_OK);
	assert_true(s.token != 0);
	assert_int_equal(s.token, atomic_load(&golden->token));
	/* the token is not payload: changing it breaks no checksum */
	struct shmtop_record *r = copy();
	atomic_store(&r->token, s.token ^ 1);
	assert_int_equal(record_read(r, SZ, &s, why, sizeof why), SHMTOP_READ_OK);
	assert_int_equal(s.token, atomic_load(&golden->token) ^ 1);
	free(r);
}

/* Each header field wrong on its own is refused with its own reason. */
static void test_header_fields(void **state)
{
	(void)state;
	struct {
		size_t off, size;
		uint64_t bad;
		const char *reason;
	} cases[] = {
		{ offsetof(struct shmtop_record, magic), 8, 0x1234, "not a shmtop record" },
		/* a version 1 record (its writer kept a pthread mutex at offset 56) */
		{ offsetof(struct shmtop_record, version), 4, 1,
		  "layout version 1, this build reads version 2" },
		{ offsetof(struct shmtop_record, version), 4, 3, "layout version 3" },
		{ offsetof(struct shmtop_record, endian), 4, 0x04030201, "byte order" },
		{ offsetof(struct shmtop_record, header_size), 4, 64, "header size 64" },
		{ offsetof(struct shmtop_record, record_size), 4, 1024, "record size 1024" },
		{ offsetof(struct shmtop_record, segment_size), 8, 1 << 20, "1048576-byte" },
		{ offsetof(struct shmtop_record, hist_cap), 4, 1u << 31, "history ring" },
		{ offsetof(struct shmtop_record, hist_cap), 4, 0, "history ring" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct shmtop_record *r = copy();
		memcpy((char *)r + cases[i].off, &cases[i].bad, cases[i].size);
		char why[160] = "";
		assert_int_equal(read_copy(r, SZ, why, sizeof why), SHMTOP_READ_INVALID);
		if (!strstr(why, cases[i].reason))
			fail_msg("case %zu: '%s' lacks '%s'", i, why, cases[i].reason);
		free(r);
	}
	/* magic 0: a record still being made, not a foreign one */
	struct shmtop_record *r = copy();
	memset(r, 0, 8);
	char why[160];
	assert_int_equal(read_copy(r, SZ, why, sizeof why), SHMTOP_READ_EMPTY);
	free(r);
}

/* Segments shorter than a record: refused before a byte is read.  Each buffer
 * is exactly segsz bytes, so ASan would catch any read past it. */
static void test_truncated(void **state)
{
	(void)state;
	size_t sizes[] = { 0, 1, 16, 1024, offsetof(struct shmtop_record, seq), SZ - 1 };
	for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
		unsigned char *buf = malloc(sizes[i] ? sizes[i] : 1);
		memcpy(buf, golden, sizes[i]);
		char why[160] = "";
		assert_int_equal(read_copy((void *)buf, sizes[i], why, sizeof why),
				 SHMTOP_READ_INVALID);
		assert_non_null(strstr(why, "a shmtop record needs"));
		free(buf);
	}
	/* a larger segment than the record says is refused too */
	char why[160] = "";
	unsigned char *big = aligned_alloc(64, SZ + 64);
	memcpy(big, golden, SZ);
	assert_int_equal(read_copy((void *)big, SZ + 64, why, sizeof why), SHMTOP_READ_INVALID);
	assert_non_null(strstr(why, "this one is"));
	free(big);
}

static void set_u64(struct shmtop_record *r, size_t off, uint64_t v)
{
	memcpy((char *)r + off, &v, 8);
}

/* Store a snapshot's payload into a record, as a writer would publish it. */
static void put_payload(struct shmtop_record *r, const struct shmtop_snapshot *s)
{
	atomic_store_explicit(&r->seq, s->seq, memory_order_relaxed);
	v2writer_store(r, s);
}

static void test_payload(void **state)
{
	(void)state;
	char why[160] = "";
	struct shmtop_record *r = copy();

	/* odd sequence forever: a writer that died mid-update */
	uint64_t seq;
	memcpy(&seq, (char *)r + offsetof(struct shmtop_record, seq), 8);
	set_u64(r, offsetof(struct shmtop_record, seq), seq | 1);
	assert_int_equal(read_copy(r, SZ, why, sizeof why), SHMTOP_READ_BUSY);
	assert_non_null(strstr(why, "busy or dead"));
	set_u64(r, offsetof(struct shmtop_record, seq), seq);

	/* any payload byte changed without the writer: checksum */
	set_u64(r, offsetof(struct shmtop_record, count), 7);
	assert_int_equal(read_copy(r, SZ, why, sizeof why), SHMTOP_READ_INVALID);
	assert_non_null(strstr(why, "checksum"));
	free(r);

	/* fields out of range, each with a matching checksum: the validator
	 * itself, a pure function over a copy */
	struct shmtop_snapshot good;
	assert_int_equal(record_read(golden, SZ, &good, why, sizeof why), SHMTOP_READ_OK);
	for (int c = 0; c < 8; c++) {
		struct shmtop_snapshot s = good;
		const char *reason = "";
		switch (c) {
		case 0:
			s.state = 0;
			reason = "state 0";
			break;
		case 1:
			s.state = 4;
			reason = "state 4";
			break;
		case 2:
			s.writer_pid = 0;
			reason = "pid 0";
			break;
		case 3:
			s.writer_pid = -5;
			reason = "pid -5";
			break;
		case 4:
			s.interval_ns = -1;
			reason = "interval";
			break;
		case 5:
			s.interval_ns = INT64_MAX;
			reason = "interval";
			break;
		case 6:
			s.control_id = -2;
			reason = "control segment id";
			break;
		case 7:
			s.mono_ns = -1;
			reason = "negative timestamp";
			break;
		}
		s.check = record_checksum(&s);
		why[0] = '\0';
		assert_int_equal(record_validate(&s, SZ, RECORD_CHECK_ALL, why, sizeof why), -1);
		assert_int_equal(record_validate(&s, SZ, RECORD_CHECK_FIELDS, why, sizeof why), -1);
		if (!strstr(why, reason))
			fail_msg("case %d: '%s' lacks '%s'", c, why, reason);
		/* the header alone is still fine */
		assert_int_equal(record_validate(&s, SZ, RECORD_CHECK_HEADER, why, sizeof why), 0);
		/* and record_read()'s own fast check refuses it with the same reason */
		struct shmtop_record *bad = copy();
		put_payload(bad, &s);
		why[0] = '\0';
		assert_int_equal(read_copy(bad, SZ, why, sizeof why), SHMTOP_READ_INVALID);
		if (!strstr(why, reason))
			fail_msg("case %d, record_read: '%s' lacks '%s'", c, why, reason);
		free(bad);
	}
}

/* record_read() checks a copy without branches and only then asks
 * record_validate() why: the two must agree on every copy.  Random payloads
 * near and across each field's bounds, with a correct checksum mostly. */
static void test_fast_check_agrees(void **state)
{
	(void)state;
	static const int64_t edges[] = { INT64_MIN,
					 -2,
					 -1,
					 0,
					 1,
					 2,
					 3,
					 4,
					 INT64_C(86400) * 1000000000,
					 INT64_C(86400) * 1000000000 + 1,
					 INT64_MAX };
	const size_t nedges = sizeof edges / sizeof edges[0];
	unsigned seed = 777;
	struct shmtop_snapshot good;
	char why[160];
	assert_int_equal(record_read(golden, SZ, &good, why, sizeof why), SHMTOP_READ_OK);
	struct shmtop_record *r = copy();
	int ok = 0, refused = 0;
	for (int round = 0; round < 20000; round++) {
		struct shmtop_snapshot s = good;
		int64_t *i64[] = { &s.wall_ns, &s.mono_ns, &s.beat_ns, &s.interval_ns,
				   &s.started_ns };
		for (int k = 0; k < 2; k++) {
			int64_t e = edges[(size_t)rand_r(&seed) % nedges];
			switch (rand_r(&seed) % 4) {
			case 0: *i64[rand_r(&seed) % 5] = e; break;
			case 1: s.state = (uint32_t)e; break;
			case 2: s.writer_pid = (int32_t)e; break;
			case 3: s.control_id = (int32_t)e; break;
			}
		}
		s.seq = good.seq + 2 * (uint64_t)(rand_r(&seed) % 3);
		s.check = rand_r(&seed) % 8 ? record_checksum(&s) : s.check ^ 1;
		put_payload(r, &s);
		struct shmtop_snapshot got;
		enum shmtop_read_status st = record_read(r, SZ, &got, why, sizeof why);
		assert_true(st == SHMTOP_READ_OK || st == SHMTOP_READ_INVALID);
		int valid = record_validate(&s, SZ, RECORD_CHECK_ALL, why, sizeof why) == 0;
		if (valid != (st == SHMTOP_READ_OK))
			fail_msg("round %d: record_read %d, record_validate %d", round, st, valid);
		ok += valid;
		refused += !valid;
	}
	free(r);
	print_message("fast check: %d valid and %d refused copies, all agreed\n", ok, refused);
	assert_true(ok > 1000 && refused > 1000);
}

/* Every field of the list is carried by record_copy() and v2writer_store() and
 * covered by the checksum: each one's bytes flipped in a real record, alone,
 * reach the copy and back, and make record_read() refuse the record for its
 * checksum.  So do check's. */
static void test_every_field(void **state)
{
	(void)state;
	static const struct {
		const char *name;
		size_t rec, snap, size; /* offsets in the record and the snapshot */
	} fields[] = {
#define FIELD(type, name)                                                                          \
	{ #name, offsetof(struct shmtop_record, name), offsetof(struct shmtop_snapshot, name),     \
	  sizeof(type) },
		SHMTOP_PAYLOAD_FIELDS(FIELD) FIELD(uint64_t, check)
#undef FIELD
	};
	struct shmtop_snapshot good;
	char why[160];
	assert_int_equal(record_read(golden, SZ, &good, why, sizeof why), SHMTOP_READ_OK);
	for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
		struct shmtop_record *r = copy();
		unsigned char *bytes = (unsigned char *)r + fields[i].rec;
		for (size_t k = 0; k < fields[i].size; k++)
			bytes[k] ^= 0xa5;
		struct shmtop_snapshot s = good;
		record_copy(r, &s);
		if (memcmp((char *)&s + fields[i].snap, bytes, fields[i].size))
			fail_msg("%s: record_copy() does not carry it", fields[i].name);
		struct shmtop_record *back = copy();
		v2writer_store(back, &s);
		if (memcmp(back, r, SZ))
			fail_msg("%s: v2writer_store() does not carry it", fields[i].name);
		free(back);
		if (strcmp(fields[i].name, "check") && record_checksum(&s) == good.check)
			fail_msg("%s: the checksum does not cover it", fields[i].name);
		why[0] = '\0';
		assert_int_equal(read_copy(r, SZ, why, sizeof why), SHMTOP_READ_INVALID);
		if (!strstr(why, "checksum"))
			fail_msg("%s: '%s' lacks 'checksum'", fields[i].name, why);
		free(r);
	}
}

/* The checksum is protocol: version 2 readers and writers compute this one.
 * Reordering the field list, which moves fields, changes it too. */
static void test_checksum_pinned(void **state)
{
	(void)state;
	struct shmtop_snapshot s = {
		.count = 1,
		.wall_ns = 2,
		.mono_ns = 3,
		.beat_ns = 4,
		.interval_ns = 5,
		.started_ns = 6,
		.writer_start = 7,
		.writer_pid = 8,
		.state = 9,
		.resets = 10,
		.reset_ack = 11,
		.hist_next = 12,
		.writers = 13,
		.control_id = -1,
		.request_ack = 15,
	};
	assert_int_equal(SHMTOP_RECORD_V2, 2);
	assert_int_equal(record_checksum(&s), UINT64_C(0x21cd08967f3bdf92));
}

/* The history ring: newest samples oldest first, and absurd indices in a
 * hostile record never read outside the ring. */
static void test_history(void **state)
{
	(void)state;
	static struct shmtop_sample h[SHMTOP_HISTORY + 8];
	struct shmtop_snapshot s;
	char why[160];
	assert_int_equal(record_read(golden, SZ, &s, why, sizeof why), SHMTOP_READ_OK);

	size_t n = record_read_history(golden, h, SHMTOP_HISTORY + 8);
	assert_int_equal(n, SHMTOP_HISTORY - 1); /* the oldest slot is next to go */
	assert_int_equal(h[n - 1].value, s.count);
	for (size_t i = 1; i < n; i++) {
		assert_int_equal(h[i].value, h[i - 1].value + 1);
		assert_true(h[i].mono_ns >= h[i - 1].mono_ns);
	}
	assert_int_equal(record_read_history(golden, h, 3), 3);
	assert_int_equal(h[2].value, s.count);
	assert_int_equal(record_read_history(golden, h, 0), 0);

	struct shmtop_record *r = copy();
	uint64_t absurd[] = {
		0, 1, 2, SHMTOP_HISTORY - 1, UINT64_MAX, UINT64_MAX / 2 + 3, (uint64_t)INT64_MIN
	};
	for (size_t i = 0; i < sizeof absurd / sizeof absurd[0]; i++) {
		set_u64(r, offsetof(struct shmtop_record, hist_next), absurd[i]);
		n = record_read_history(r, h, SHMTOP_HISTORY + 8);
		assert_true(n <= SHMTOP_HISTORY);
		assert_true(n <= absurd[i]);
	}
	free(r);
}

/* Random corruption of a real record: the reader answers, never crashes. */
static void test_random_corruption(void **state)
{
	(void)state;
	unsigned seed = 12345;
	int ok = 0, refused = 0;
	static struct shmtop_sample h[SHMTOP_HISTORY];
	for (int round = 0; round < 20000; round++) {
		struct shmtop_record *r = copy();
		int flips = 1 + (int)(rand_r(&seed) % 8);
		for (int f = 0; f < flips; f++) {
			size_t off = (size_t)rand_r(&seed) % 256; /* header and payload */
			((unsigned char *)r)[off] = (unsigned char)rand_r(&seed);
		}
		char why[160];
		struct shmtop_snapshot s;
		enum shmtop_read_status st = record_read(r, SZ, &s, why, sizeof why);
		if (st == SHMTOP_READ_OK) {
			ok++;
			record_read_history(r, h, SHMTOP_HISTORY);
		} else {
			refused++;
			assert_true(strlen(why) > 0);
		}
		free(r);
	}
	/* Flips in reserved bytes or the token are harmless; any flip in
	 * the checked fields is refused. */
	print_message("random corruption: %d refused, %d harmless\n", refused, ok);
	assert_true(refused > 15000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_golden_is_valid), cmocka_unit_test(test_token),
		cmocka_unit_test(test_header_fields),   cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_payload),         cmocka_unit_test(test_fast_check_agrees),
		cmocka_unit_test(test_every_field),     cmocka_unit_test(test_checksum_pinned),
		cmocka_unit_test(test_history),         cmocka_unit_test(test_random_corruption),
	};
	return cmocka_run_group_tests(tests, make_golden, free_golden);
}
