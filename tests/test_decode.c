/* SPDX-License-Identifier: MIT */
/* The decoders of records (decode.h): the walk that picks one for an
 * object's bytes, and the version 2 and version 3 decoders on real records
 * (made by the version 2 fixture and by libshmtop), then broken: busy,
 * torn, damaged, rewritten as another format. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/shm.h>
#include <time.h>

#include <cmocka.h>

#include "clock.h"
#include "decode.h"
#include "shmtop/shmtop.h"
#include "testutil.h"
#include "v2writer.h"

#define V2SZ sizeof(struct shmtop_record)

static unsigned char *v2, *v3; /* golden copies of real records */
static size_t v3size;
static struct content c;
static char why[256];
static const struct decode_want whole = { 0 }, torn = { .torn_ok = true };

/* The segment on key, copied (aligned as a mapping is), then removed. */
static unsigned char *take_copy(key_t key, size_t *size)
{
	struct shmid_ds ds;
	int id = shmget(key, 0, 0);
	const void *seg = id < 0 ? (void *)-1 : shmat(id, NULL, SHM_RDONLY);
	if (seg == (void *)-1 || shmctl(id, IPC_STAT, &ds))
		return NULL;
	*size = ds.shm_segsz;
	unsigned char *p = aligned_alloc(64, (*size + 63) / 64 * 64);
	if (p)
		memcpy(p, seg, *size);
	shmdt(seg);
	shmctl(id, IPC_RMID, NULL);
	return p;
}

static _Atomic int stop;

static void *v2_thread(void *arg)
{
	struct v2writer_options o = {
		.key = *(key_t *)arg, .interval_ns = NS_PER_MS, .mode = 0600, .control_mode = 0600
	};
	v2writer *w = v2writer_open(&o, why, sizeof why);
	if (!w)
		return NULL;
	v2writer_run(w, &stop);
	v2writer_close(w);
	return w;
}

static int make_records(void **state)
{
	test_cleanup_keys(state);
	/* version 2: shmwriter's record of 0.3, counting for 30 ms */
	key_t k2 = test_key(1);
	pthread_t t;
	pthread_create(&t, NULL, v2_thread, &k2);
	nanosleep(&(struct timespec){ .tv_nsec = 30 * NS_PER_MS }, NULL);
	atomic_store(&stop, 1);
	void *ok;
	pthread_join(t, &ok);
	size_t n;
	if (!ok || !(v2 = take_copy(k2, &n)) || n != V2SZ)
		return -1;
	/* version 3: three counters, a gauge among them, 8 steps */
	struct shmtop_options o = { .key = test_key(2),
				    .capacity = 4,
				    .history = 16,
				    .period_ns = 1000,
				    .accept = SHMTOP_ACCEPT_ALL };
	shmtop_publisher *p = shmtop_open(&o, why, sizeof why);
	struct shmtop_counter ctr[3];
	const char *names[] = { "requests", "bytes", "level" };
	for (int i = 0; p && i < 3; i++)
		if (shmtop_declare(p, names[i], i == 2 ? SHMTOP_GAUGE : SHMTOP_COUNTER,
				   i == 1 ? "B" : "", &ctr[i], why, sizeof why))
			return -1;
	for (int s = 0; p && s < 8; s++) {
		for (int i = 0; i < 3; i++)
			shmtop_add(ctr[i], (uint64_t)(i + 1));
		nanosleep(&(struct timespec){ .tv_nsec = 2000 }, NULL);
		shmtop_step(p);
	}
	v3 = p ? take_copy(test_key(2), &v3size) : NULL;
	shmtop_close(p);
	return v3 ? 0 : -1;
}

static int free_records(void **state)
{
	free(v2);
	free(v3);
	return test_cleanup_keys(state);
}

static int empty(void **state)
{
	(void)state;
	content_free(&c);
	why[0] = '\0';
	return 0;
}

static unsigned char *dup_of(const unsigned char *p, size_t n)
{
	unsigned char *d = aligned_alloc(64, (n + 63) / 64 * 64);
	assert_non_null(d);
	memcpy(d, p, n);
	return d;
}

/* Each format to its decoder; other bytes refused with the reason of the
 * decoder that came closest. */
static void test_walk(void **state)
{
	(void)state;
	assert_int_equal(decode_object(v3, v3size, &whole, &c, why, sizeof why), DECODE_OK);
	assert_ptr_equal(c.dec, &decode_v3);
	assert_true(c.named && c.status.known);
	assert_int_equal(c.nctr, 3);
	assert_string_equal(c.ctr[1].name, "bytes");
	assert_string_equal(c.ctr[1].unit, "B");
	assert_int_equal(c.ctr[2].kind, MODEL_GAUGE);
	assert_true(c.ctr[0].value == 8 && c.ctr[1].value == 16);
	assert_int_equal(c.status.pid, getpid());
	assert_true(c.status.accept == SHMTOP_CMD_ALL_BITS);
	assert_true(c.status.beat_gap_ns == c.status.period_ns);    /* it beats once a period */
	assert_true(c.nhist > 0 && c.hist[c.nhist - 1].value == 8); /* the selected's: the first */
	assert_true(c.ctr[1].nspark > 0 && c.ctr[1].spark[c.ctr[1].nspark - 1].value == 16);
	content_free(&c);

	struct shmtop_snapshot s;
	assert_int_equal(record_read(v2, V2SZ, &s, why, sizeof why), SHMTOP_READ_OK);
	assert_int_equal(decode_object(v2, V2SZ, &whole, &c, why, sizeof why), DECODE_OK);
	assert_ptr_equal(c.dec, &decode_v2);
	assert_false(c.named);
	assert_int_equal(c.nctr, 1);
	assert_string_equal(c.ctr[0].name, "count");
	assert_true(c.ctr[0].value == s.count && c.status.resets == s.resets);
	assert_true(c.status.period_ns == NS_PER_MS && c.status.beat_gap_ns == 0);
	assert_true(c.status.token == s.token && c.status.control_id == s.control_id);
	assert_true(c.nhist > 0 && c.hist_first + c.nhist == s.hist_next);
	content_free(&c);

	static _Alignas(64) unsigned char text[1024] = "9527"; /* as a mapping is aligned */
	assert_int_equal(decode_object(text, sizeof text, &whole, &c, why, sizeof why), DECODE_OK);
	assert_ptr_equal(c.dec, &decode_text);
	content_free(&c);

	/* refused, each with the reason of the format it is nearest */
	static _Alignas(64) unsigned char junk[2048];
	for (size_t i = 0; i < sizeof junk; i++)
		junk[i] = (unsigned char)i;
	assert_int_equal(decode_object(junk, sizeof junk, &whole, &c, why, sizeof why),
			 DECODE_NOT_THIS);
	assert_non_null(strstr(why, "2048 bytes")); /* the version 2 decoder's */
	assert_null(c.dec);
	memcpy(text, "18446744073709551616", 21); /* 2^64 */
	assert_int_equal(decode_object(text, sizeof text, &whole, &c, why, sizeof why),
			 DECODE_NOT_THIS);
	assert_non_null(strstr(why, "not a text counter: the number overflows"));
	unsigned char *r = dup_of(v3, v3size);
	struct shmtop_record3 *h = (void *)r;
	atomic_store(&h->version, 9u);
	assert_int_equal(decode_object(r, v3size, &whole, &c, why, sizeof why), DECODE_NOT_THIS);
	assert_string_equal(why, "a version 9 shmtop record: this shmtop reads versions 2 and 3");
	free(r);
	/* a record of shmwriter's size still being made (its magic 0) */
	r = aligned_alloc(64, V2SZ);
	assert_non_null(r);
	memset(r, 0, V2SZ);
	assert_int_equal(decode_object(r, V2SZ, &whole, &c, why, sizeof why), DECODE_EMPTY);
	free(r);
}

/* A version 3 record under a reader: held mid-update (busy, then torn),
 * rewritten (version changed, a duplicate name), and the selection kept
 * by name, its history from the floor on. */
static void test_v3(void **state)
{
	(void)state;
	unsigned char *r = dup_of(v3, v3size);
	struct shmtop_record3 *h = (void *)r;
	assert_int_equal(decode_object(r, v3size, &whole, &c, why, sizeof why), DECODE_OK);
	content_select(&c, 1);
	assert_int_equal(decode_object(r, v3size, &whole, &c, why, sizeof why), DECODE_OK);
	assert_int_equal(c.selected, 1);
	assert_string_equal(c.selected_name, "bytes");
	assert_true(c.hist[c.nhist - 1].value == 16); /* bytes' history now */
	c.hist_floor = c.status.hist_next;            /* cleared from view */
	assert_int_equal(decode_object(r, v3size, &whole, &c, why, sizeof why), DECODE_OK);
	assert_int_equal(c.nhist, 0);

	uint64_t seq = atomic_load(&h->seq);
	atomic_store(&h->seq, seq | 1); /* stopped mid-update */
	assert_int_equal(decode_object(r, v3size, &whole, &c, why, sizeof why), DECODE_BUSY);
	assert_int_equal(c.nctr, 3); /* as it was */
	assert_int_equal(decode_object(r, v3size, &torn, &c, why, sizeof why), DECODE_TORN);
	assert_true(c.ctr[1].value == 16);
	atomic_store(&h->seq, seq);

	atomic_store(&h->version, 4u); /* rewritten under the reader */
	assert_int_equal(decode_object(r, v3size, &whole, &c, why, sizeof why), DECODE_DAMAGED);
	assert_string_equal(why, "its version changed to 4");
	assert_ptr_equal(c.dec, &decode_v3);
	assert_int_equal(c.nctr, 3); /* the last good copy kept */
	atomic_store(&h->version, SHMTOP_RECORD_V3);
	content_free(&c);

	/* two counters with one name: refused on a first read */
	struct shmtop_layout3 lay;
	assert_int_equal(record3_layout(atomic_load(&h->capacity), atomic_load(&h->hist_cap), &lay),
			 0);
	struct shmtop_meta3 *m = (void *)(r + lay.meta_off);
	memcpy(m[0].name, m[1].name, sizeof m[0].name);
	assert_int_equal(decode_object(r, v3size, &whole, &c, why, sizeof why), DECODE_DAMAGED);
	assert_non_null(strstr(why, "bytes"));
	free(r);
}

/* A version 2 record: busy, then torn; a payload failing its check is
 * damaged, not foreign. */
static void test_v2(void **state)
{
	(void)state;
	unsigned char *r = dup_of(v2, V2SZ);
	struct shmtop_record *h = (void *)r;
	uint64_t seq = atomic_load(&h->seq);
	atomic_store(&h->seq, seq | 1);
	assert_int_equal(decode_object(r, V2SZ, &whole, &c, why, sizeof why), DECODE_BUSY);
	assert_int_equal(c.nctr, 0);
	assert_int_equal(decode_object(r, V2SZ, &torn, &c, why, sizeof why), DECODE_TORN);
	assert_int_equal(c.nctr, 1);
	atomic_store(&h->seq, seq);
	content_free(&c);
	atomic_store(&h->check, atomic_load(&h->check) ^ 1);
	assert_int_equal(decode_object(r, V2SZ, &whole, &c, why, sizeof why), DECODE_DAMAGED);
	assert_ptr_equal(c.dec, &decode_v2);
	assert_true(why[0] != '\0' && !strchr(why, '\n'));
	free(r);
}

/* An object whose bytes become another format: its decoder lets go and
 * the walk starts afresh (nothing of the old format is kept). */
static void test_switch(void **state)
{
	(void)state;
	unsigned char *r = aligned_alloc(64, V2SZ);
	assert_non_null(r);
	memset(r, 0, V2SZ);
	memcpy(r, "41", 3);
	assert_int_equal(decode_object(r, V2SZ, &whole, &c, why, sizeof why), DECODE_OK);
	assert_ptr_equal(c.dec, &decode_text);
	memcpy(r, v2, V2SZ);
	assert_int_equal(decode_object(r, V2SZ, &whole, &c, why, sizeof why), DECODE_OK);
	assert_ptr_equal(c.dec, &decode_v2);
	assert_string_equal(c.ctr[0].name, "count");
	memcpy(r, "hello", 6);
	assert_int_equal(decode_object(r, V2SZ, &whole, &c, why, sizeof why), DECODE_NOT_THIS);
	assert_null(c.dec);
	assert_int_equal(c.nctr, 0);
	free(r);
}

/* The first DECODE_HEAD bytes of a fixture file into head: their count. */
static size_t head_of(const char *path, unsigned char *head)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	size_t n = fread(head, 1, DECODE_HEAD, f);
	fclose(f);
	return n;
}

/* The object list's FORMAT from the first bytes alone, each format's by
 * the real bytes of its producer, and each the id of the decoder that
 * takes the whole object; bytes of none of them, none at all, and near
 * misses (a magic cut, a key that is not JSON, a text with no NUL). */
static void test_format_of(void **state)
{
	(void)state;
	static const struct {
		const char *path, *format;
	} files[] = {
		{ HSPERF_FIXTURE, "hsperfdata" },
		{ FIXTURES "/mmv/v1.mmv", "mmv" },
		{ FIXTURES "/mmv/v2.mmv", "mmv" },
		{ FIXTURES "/mmv/v3.mmv", "mmv" },
		{ FIXTURES "/prom/counter_32690.db", "prometheus" },
		{ FIXTURES "/prom/gauge_max_32691.db", "prometheus" },
		{ FIXTURES "/varnish/_.vsm_mgt/_.index", "varnish" },
		{ FIXTURES "/varnish/_.vsm_child/_.index", "varnish" },
		{ FIXTURES "/varnish/varnishstat.txt", "data" },
		{ FIXTURES "/prom/expose.txt", "data" },
	};
	unsigned char head[DECODE_HEAD];
	for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
		size_t n = head_of(files[i].path, head);
		assert_string_equal(decode_format_of(head, n, n), files[i].format);
	}
	/* the records of real writers, and the decoder each is read by */
	assert_string_equal(decode_format_of(v3, DECODE_HEAD, v3size), decode_v3.id);
	assert_string_equal(decode_format_of(v2, DECODE_HEAD, V2SZ), decode_v2.id);
	assert_int_equal(decode_object(v3, v3size, &whole, &c, why, sizeof why), DECODE_OK);
	assert_string_equal(c.dec->id, "shmtop");
	content_free(&c); /* another object */
	assert_int_equal(decode_object(v2, V2SZ, &whole, &c, why, sizeof why), DECODE_OK);
	assert_string_equal(c.dec->id, "shmtop2");
	assert_string_equal(decode_format_of((const unsigned char *)"9527", 5, 1024), "text");
	assert_string_equal(decode_format_of((const unsigned char *)"0", 2, 1024), "text");
	/* near misses */
	assert_string_equal(decode_format_of((const unsigned char *)"9527", 4, 4), "data");
	assert_string_equal(decode_format_of((const unsigned char *)"007", 4, 4), "data");
	assert_string_equal(decode_format_of((const unsigned char *)"MMV", 3, 3), "data");
	assert_string_equal(decode_format_of((const unsigned char *)"\xca\xfe\xc0", 3, 3), "data");
	assert_string_equal(decode_format_of(v3, 8, v3size), "data"); /* magic, no version */
	unsigned char db[32] = { 24, 0, 0, 0, 0, 0, 0, 0, 10, 0, 0, 0, '[', '"' };
	assert_string_equal(decode_format_of(db, sizeof db, sizeof db), "prometheus");
	db[13] = '{';
	assert_string_equal(decode_format_of(db, sizeof db, sizeof db), "data");
	db[13] = '"';
	db[8] = 20; /* a key past used */
	assert_string_equal(decode_format_of(db, sizeof db, sizeof db), "data");
	assert_string_equal(decode_format_of((const unsigned char *)"# 12 34", 8, 8), "data");
	assert_string_equal(decode_format_of((const unsigned char *)"# 12 34\n", 8, 8), "varnish");
	assert_string_equal(decode_format_of(head, 0, 0), "empty");
	memset(head, 0, sizeof head);
	assert_string_equal(decode_format_of(head, sizeof head, 4096), "data");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_walk, empty, empty),
		cmocka_unit_test_setup_teardown(test_v3, empty, empty),
		cmocka_unit_test_setup_teardown(test_v2, empty, empty),
		cmocka_unit_test_setup_teardown(test_switch, empty, empty),
		cmocka_unit_test_setup_teardown(test_format_of, empty, empty),
	};
	return cmocka_run_group_tests(tests, make_records, free_records);
}
