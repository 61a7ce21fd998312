/* SPDX-License-Identifier: MIT */
/*
 * The prometheus_client reader (src/view/promdb.h) on files the library
 * wrote: tests/fixture/prom, a multiprocess folder of two workers made by
 * tests/prom_workers.py with Debian 12's python3-prometheus-client 0.16.0,
 * beside MultiProcessCollector's exposition of it (expose.txt), which the
 * aggregate must equal.  Then the other layout (0.17's time stamps) made
 * from them, an unaligned copy, and hostile files made here: every
 * truncation, key lengths huge, negative or past used, keys that are not
 * the library's JSON, used past the file, names of terminal controls, each
 * refused with its reason or read safely.  Each input is a heap block of
 * its exact size, so a read past it is an AddressSanitizer error.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "escape.h"
#include "promdb.h"

struct blob {
	unsigned char *b;
	size_t len;
};

static struct blob load(const char *name)
{
	char path[512];
	snprintf(path, sizeof path, "%s/%s", PROM_FIXTURES, name);
	FILE *fp = fopen(path, "rb");
	assert_non_null(fp);
	unsigned char tmp[8192];
	size_t n = fread(tmp, 1, sizeof tmp, fp);
	fclose(fp);
	struct blob f = { .b = malloc(n ? n : 1), .len = n };
	assert_non_null(f.b);
	memcpy(f.b, tmp, n);
	return f;
}

static struct blob copy_of(const struct blob *f, size_t len)
{
	struct blob c = { .b = malloc(len ? len : 1), .len = len };
	assert_non_null(c.b);
	memcpy(c.b, f->b, len < f->len ? len : f->len);
	return c;
}

static void put32(unsigned char *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

/* A file of the library's layout (0.16: value only) made of keys. */
struct maker {
	unsigned char b[4096];
	size_t used;
};

static void mk_add(struct maker *m, const char *key, double v)
{
	if (!m->used)
		m->used = 8;
	size_t n = strlen(key), pad = 8 - (n + 4) % 8;
	put32(m->b + m->used, (uint32_t)n);
	memcpy(m->b + m->used + 4, key, n);
	memset(m->b + m->used + 4 + n, ' ', pad);
	memcpy(m->b + m->used + 4 + n + pad, &v, 8);
	m->used += 4 + n + pad + 8;
	put32(m->b, (uint32_t)m->used);
}

static struct blob mk_blob(const struct maker *m)
{
	struct blob f = { .b = malloc(m->used), .len = m->used };
	assert_non_null(f.b);
	memcpy(f.b, m->b, m->used);
	return f;
}

static enum promdb_status parse(const struct blob *f, struct promdb_file *out, char *why)
{
	assert_int_equal(promdb_alloc(out, f->len), 0);
	return promdb_parse(f->b, f->len, out, why, 200);
}

static const char *label(const struct promdb_entry *e, const char *name)
{
	for (size_t i = 0; i < e->n_labels; i++)
		if (!strcmp(e->labels[i].name, name))
			return e->labels[i].value;
	return NULL;
}

static void test_counter_file(void **state)
{
	(void)state;
	struct blob b = load("counter_32691.db");
	struct promdb_file f;
	char why[200];
	assert_int_equal(parse(&b, &f, why), PROMDB_OK);
	assert_int_equal(f.used, 248);
	assert_int_equal(b.len, 248);
	assert_false(f.timestamps);
	assert_int_equal(f.n_entries, 2);
	const struct promdb_entry *e = &f.entries[0];
	assert_string_equal(e->metric, "jobs");
	assert_string_equal(e->name, "jobs_total");
	assert_string_equal(e->help, "Jobs done, \"quoted\" help \xc3\xa9");
	assert_int_equal(e->n_labels, 2);
	assert_string_equal(e->labels[0].name, "kind"); /* sorted */
	assert_string_equal(label(e, "kind"), "say \"hi\"");
	assert_string_equal(label(e, "where"), "caf\xc3\xa9 \xe2\x98\x83 \\");
	assert_true(e->value == 6.0); /* worker 1: 3 rounds of inc(2) */
	assert_int_equal(e->offset % 8, 0);
	assert_true(f.entries[1].value == 1.5);
	assert_string_equal(label(&f.entries[1], "kind"), "plain");
	promdb_free(&f);
	free(b.b);
}

static const char *const fixture_files[] = {
	"counter_32690.db",   "counter_32691.db",       "gauge_all_32690.db",
	"gauge_all_32691.db", "gauge_livesum_32690.db", "gauge_livesum_32691.db",
	"gauge_max_32690.db", "gauge_max_32691.db",     "gauge_min_32690.db",
	"gauge_min_32691.db", "histogram_32690.db",     "histogram_32691.db",
	"summary_32690.db",   "summary_32691.db",
};
enum { N_FIXTURE = sizeof fixture_files / sizeof fixture_files[0] };

/* "name{k=v,...} value" of a sample, labels sorted as they come (pid and
 * le last). */
static void sample_line(const struct promdb_sample *s, char *buf, size_t len)
{
	size_t n = (size_t)snprintf(buf, len, "%s%s{", s->name, s->suffix);
	for (size_t i = 0; i < s->n_labels; i++)
		if (!s->omit || strcmp(s->labels[i].name, s->omit))
			n += (size_t)snprintf(buf + n, len - n, "%s=%s,", s->labels[i].name,
					      s->labels[i].value);
	if (s->add_name)
		n += (size_t)snprintf(buf + n, len - n, "%s=%s,", s->add_name, s->add_value);
	snprintf(buf + n, len - n, "} %g", s->value);
}

struct set {
	struct blob b[N_FIXTURE];
	struct promdb_file f[N_FIXTURE];
	struct promdb_input in[N_FIXTURE];
};

static void load_set(struct set *s)
{
	char why[200];
	for (int i = 0; i < N_FIXTURE; i++) {
		s->b[i] = load(fixture_files[i]);
		assert_int_equal(parse(&s->b[i], &s->f[i], why), PROMDB_OK);
		assert_int_equal(promdb_name_parse(fixture_files[i], &s->in[i].name, why, 200), 0);
		s->in[i].file = &s->f[i];
		s->in[i].alive = s->in[i].name.pid == 32691;
	}
}

static void free_set(struct set *s)
{
	for (int i = 0; i < N_FIXTURE; i++) {
		promdb_free(&s->f[i]);
		free(s->b[i].b);
	}
}

/* expose.txt, MultiProcessCollector's exposition of the folder. */
static const char *const exposed[] = {
	"inflight{} 3",
	"jobs_total{kind=plain,where=x,} 3",
	"jobs_total{kind=say \"hi\",where=caf\xc3\xa9 \xe2\x98\x83 \\,} 9",
	"latency_seconds_sum{path=/a,} 1.125",
	"latency_seconds_bucket{path=/a,le=0.25,} 5",
	"latency_seconds_bucket{path=/a,le=1.0,} 6",
	"latency_seconds_bucket{path=/a,le=4.0,} 6",
	"latency_seconds_bucket{path=/a,le=+Inf,} 6",
	"latency_seconds_count{path=/a,} 6",
	"low{} 8",
	"peak{} 4",
	"size_bytes_count{} 6",
	"size_bytes_sum{} 9",
	"temp{room=r0,pid=32690,} 2",
	"temp{room=r1,pid=32691,} 2.25",
};

static void test_aggregate_fixture(void **state)
{
	(void)state;
	struct set s;
	load_set(&s);
	struct promdb_aggregate a;
	assert_int_equal(promdb_aggregate(s.in, N_FIXTURE, false, &a), 0);
	assert_int_equal(a.n_samples, sizeof exposed / sizeof exposed[0]);
	assert_int_equal(a.dead_files, 7);
	assert_int_equal(a.dropped, 0);
	char line[512];
	for (size_t i = 0; i < a.n_samples; i++) {
		sample_line(&a.samples[i], line, sizeof line);
		assert_string_equal(line, exposed[i]);
	}
	assert_int_equal(a.samples[0].kind, PROMDB_GAUGE);
	assert_int_equal(a.samples[0].mode, PROMDB_LIVESUM);
	assert_string_equal(a.samples[1].help, "Jobs done, \"quoted\" help \xc3\xa9");
	promdb_aggregate_free(&a);
	/* as after mark_process_dead(32690): its livesum file gone */
	assert_int_equal(promdb_aggregate(s.in, N_FIXTURE, true, &a), 0);
	sample_line(&a.samples[0], line, sizeof line);
	assert_string_equal(line, "inflight{} 2");
	sample_line(&a.samples[9], line, sizeof line);
	assert_string_equal(line, "low{} 8"); /* min: not a live mode, both kept */
	promdb_aggregate_free(&a);
	free_set(&s);
}

/* 0.17's layout: a time stamp after each value. */
static void test_timestamps(void **state)
{
	(void)state;
	struct blob b = load("histogram_32690.db");
	struct promdb_file f, g;
	char why[200];
	assert_int_equal(parse(&b, &f, why), PROMDB_OK);
	unsigned char t[1024];
	size_t pos = 8, o = 8;
	memcpy(t, b.b, 8);
	for (size_t i = 0; i < f.n_entries; i++) {
		size_t end = f.entries[i].offset + 8;
		memcpy(t + o, b.b + pos, end - pos);
		o += end - pos;
		double ts = 1700000000.5 + (double)i;
		memcpy(t + o, &ts, 8);
		o += 8;
		pos = end;
	}
	put32(t, (uint32_t)o);
	struct blob c = { .b = malloc(o), .len = o };
	memcpy(c.b, t, o);
	assert_int_equal(parse(&c, &g, why), PROMDB_OK);
	assert_true(g.timestamps);
	assert_int_equal(g.n_entries, f.n_entries);
	for (size_t i = 0; i < f.n_entries; i++) {
		assert_string_equal(g.entries[i].name, f.entries[i].name);
		assert_true(g.entries[i].value == f.entries[i].value);
		assert_true(g.entries[i].timestamp == 1700000000.5 + (double)i);
	}
	promdb_free(&f);
	promdb_free(&g);
	free(b.b);
	free(c.b);
}

/* The bytes at an address that is not 8-byte aligned: the same values. */
static void test_unaligned(void **state)
{
	(void)state;
	struct blob b = load("histogram_32691.db");
	unsigned char *raw = malloc(b.len + 1);
	memcpy(raw + 1, b.b, b.len);
	struct promdb_file f, g;
	char why[200];
	assert_int_equal(parse(&b, &f, why), PROMDB_OK);
	assert_int_equal(promdb_alloc(&g, b.len), 0);
	assert_int_equal(promdb_parse(raw + 1, b.len, &g, why, sizeof why), PROMDB_OK);
	assert_int_equal(g.n_entries, 5);
	for (size_t i = 0; i < f.n_entries; i++)
		assert_true(g.entries[i].value == f.entries[i].value);
	promdb_free(&f);
	promdb_free(&g);
	free(raw);
	free(b.b);
}

/* Every cut of every file, and every used at each cut: refused or read
 * (when the cut is at an entry's end) with fewer entries. */
static void test_truncated(void **state)
{
	(void)state;
	char why[200];
	int odd = 0;
	for (int k = 0; k < N_FIXTURE; k++) {
		struct blob b = load(fixture_files[k]);
		struct promdb_file whole;
		assert_int_equal(parse(&b, &whole, why), PROMDB_OK);
		for (size_t len = 0; len < b.len; len++) {
			struct blob c = copy_of(&b, len);
			struct promdb_file f;
			enum promdb_status s = parse(&c, &f, why);
			assert_int_equal(s, len ? PROMDB_DAMAGED : PROMDB_EMPTY);
			assert_true(why[0]);
			if (len >= 8) {
				put32(c.b, (uint32_t)len); /* used cut too */
				s = promdb_parse(c.b, c.len, &f, why, sizeof why);
				size_t ends = 0;
				for (size_t i = 0; i < whole.n_entries; i++)
					ends += whole.entries[i].offset + 8 == len;
				if (len == 8 || ends) {
					assert_int_equal(s, PROMDB_OK);
					assert_false(f.timestamps);
					assert_true(f.n_entries < whole.n_entries);
				} else if (s == PROMDB_OK) {
					/* read as 0.17's layout: the 8 bytes after a
					 * value taken for its time stamp */
					assert_true(f.timestamps);
					assert_true(f.n_entries < whole.n_entries);
					odd++;
				} else {
					assert_int_equal(s, PROMDB_DAMAGED);
					assert_true(why[0]);
				}
			}
			promdb_free(&f);
			free(c.b);
		}
		promdb_free(&whole);
		free(b.b);
	}
	assert_in_range(odd, 1, N_FIXTURE);
}

static void refused(const struct blob *b, enum promdb_status want, const char *reason)
{
	struct promdb_file f;
	char why[200];
	enum promdb_status s = parse(b, &f, why);
	if (s != want || !strstr(why, reason))
		fail_msg("status %d, reason \"%s\", wanted %d \"%s\"", s, why, want, reason);
	promdb_free(&f);
}

static void key_refused(const char *key, const char *reason)
{
	struct maker m = { 0 };
	mk_add(&m, "[\"a\", \"a\", {}, \"h\"]", 1);
	mk_add(&m, key, 2);
	struct blob b = mk_blob(&m);
	refused(&b, PROMDB_DAMAGED, reason);
	free(b.b);
}

static void test_hostile(void **state)
{
	(void)state;
	struct blob good = load("counter_32690.db");
	struct blob b = copy_of(&good, good.len);
	put32(b.b + 8, 0x7fffffff);
	refused(&b, PROMDB_DAMAGED, "entry at 8: key length 2147483647 passes used");
	put32(b.b + 8, 0xffffffff);
	refused(&b, PROMDB_DAMAGED, "entry at 8: key length -1");
	put32(b.b + 8, 0);
	refused(&b, PROMDB_DAMAGED, "entry at 8: key length 0");
	memcpy(b.b, good.b, 12);
	put32(b.b, 4096);
	refused(&b, PROMDB_DAMAGED, "used 4096 passes the file's 248 bytes");
	put32(b.b, 244);
	refused(&b, PROMDB_DAMAGED, "not a multiple of 8");
	put32(b.b, 4);
	refused(&b, PROMDB_DAMAGED, "not a multiple of 8");
	put32(b.b, 0);
	refused(&b, PROMDB_EMPTY, "never written");
	memcpy(b.b, good.b, good.len);
	/* a key length one more: its padding not spaces (the value's start) */
	uint32_t k;
	memcpy(&k, b.b + 8, 4);
	put32(b.b + 8, k + 1);
	refused(&b, PROMDB_DAMAGED, "key");
	put32(b.b + 8, k - 1);
	refused(&b, PROMDB_DAMAGED, "entry at 8: its key's padding is not spaces");
	memcpy(b.b, good.b, good.len);
	b.b[12] = '{';
	refused(&b, PROMDB_DAMAGED,
		"entry at 8: key not of the library's JSON: bad JSON punctuation at byte 0");
	struct blob small = copy_of(&good, 5);
	refused(&small, PROMDB_DAMAGED, "shorter than the 8-byte header");
	free(small.b);
	free(b.b);

	key_refused("not json at all", "at byte 0");
	key_refused("[\"a\", \"a\", {}]", "fewer than 4 items");
	key_refused("[\"a\", \"a\", {}, \"h\", \"x\"]", "more than 4 items");
	key_refused("[\"a\", \"a\", [], \"h\"]", "punctuation");
	key_refused("[\"a\", 1, {}, \"h\"]", "a string expected");
	key_refused("[\"a\", \"a\", {\"k\": 1}, \"h\"]", "a string expected");
	key_refused("[\"a\", \"a\", {\"k\": \"v\", \"k\": \"w\"}, \"h\"]", "a label twice");
	key_refused("[\"a\", \"a\", {}, \"h\"] x", "bytes after");
	key_refused("[\"a\", \"a\", {}, \"h\"", "punctuation");
	key_refused("[\"a\", \"a\", {}, \"h]", "closing quote");
	key_refused("[\"\\ud800\", \"a\", {}, \"h\"]", "lone surrogate");
	key_refused("[\"\\udc00x\", \"a\", {}, \"h\"]", "lone surrogate");
	key_refused("[\"a\\u0000\", \"a\", {}, \"h\"]", "a NUL");
	key_refused("[\"a\\q\", \"a\", {}, \"h\"]", "bad escape");
	key_refused("[\"a\\u12g4\", \"a\", {}, \"h\"]", "bad escape");
	key_refused("[\"a\x1b\", \"a\", {}, \"h\"]", "a control byte");
	key_refused("[\"a\xff\", \"a\", {}, \"h\"]", "not UTF-8");
	key_refused("[\"a\xc0\xaf\", \"a\", {}, \"h\"]", "not UTF-8");

	/* Escaped terminal controls are JSON: read, and the escaper shows
	 * them as text. */
	struct maker m = { 0 };
	mk_add(&m, "[\"\\u001b[2J\", \"x\\ud83d\\ude00\", {\"k\\n\": \"\\u009b\"}, \"h\\/\"]", 7);
	b = mk_blob(&m);
	struct promdb_file f;
	char why[200], shown[100];
	assert_int_equal(parse(&b, &f, why), PROMDB_OK);
	assert_string_equal(f.entries[0].metric, "\x1b[2J");
	assert_string_equal(f.entries[0].name, "x\xf0\x9f\x98\x80");
	assert_string_equal(f.entries[0].labels[0].name, "k\n");
	assert_string_equal(f.entries[0].labels[0].value, "\xc2\x9b");
	assert_string_equal(f.entries[0].help, "h/");
	escape_text(f.entries[0].metric, strlen(f.entries[0].metric), ESCAPE_UTF8, 99, shown,
		    sizeof shown);
	assert_string_equal(shown, "\\x1b[2J");
	promdb_free(&f);
	free(b.b);

	/* Labels in another order than the library's: sorted, so the same
	 * sample as the library's order. */
	m = (struct maker){ 0 };
	mk_add(&m, "[\"a\", \"a\", {\"z\": \"1\", \"b\": \"2\"}, \"h\"]", 1);
	b = mk_blob(&m);
	assert_int_equal(parse(&b, &f, why), PROMDB_OK);
	assert_string_equal(f.entries[0].labels[0].name, "b");
	assert_string_equal(f.entries[0].labels[1].value, "1");
	promdb_free(&f);
	free(b.b);
	free(good.b);
}

static void test_room(void **state)
{
	(void)state;
	struct blob b = load("histogram_32690.db");
	struct promdb_file f;
	char why[200];
	assert_int_equal(promdb_alloc(&f, b.len), 0);
	f.entries_cap = 2;
	assert_int_equal(promdb_parse(b.b, b.len, &f, why, sizeof why), PROMDB_ERROR);
	assert_string_equal(why, "more than 2 entries");
	f.entries_cap = 5;
	f.text_cap = 40;
	assert_int_equal(promdb_parse(b.b, b.len, &f, why, sizeof why), PROMDB_ERROR);
	assert_non_null(strstr(why, "more text than the buffer holds"));
	promdb_free(&f);
	free(b.b);
}

static void test_names(void **state)
{
	(void)state;
	struct promdb_name n;
	char why[100];
	assert_int_equal(promdb_name_parse("counter_1.db", &n, why, sizeof why), 0);
	assert_int_equal(n.kind, PROMDB_COUNTER);
	assert_int_equal(n.pid, 1);
	assert_int_equal(promdb_name_parse("gauge_livesum_4194304.db", &n, why, sizeof why), 0);
	assert_int_equal(n.kind, PROMDB_GAUGE);
	assert_int_equal(n.mode, PROMDB_LIVESUM);
	assert_int_equal(n.pid, 4194304);
	assert_string_equal(promdb_mode_name(n.mode), "livesum");
	assert_int_equal(promdb_name_parse("gauge_livemostrecent_7.db", &n, why, sizeof why), 0);
	assert_int_equal(n.mode, PROMDB_LIVEMOSTRECENT);
	assert_int_equal(promdb_name_parse("histogram_999999999.db", &n, why, sizeof why), 0);
	assert_int_equal(n.pid, 999999999);
	assert_int_equal(promdb_name_parse("summary_22.db", &n, why, sizeof why), 0);
	assert_string_equal(promdb_kind_name(n.kind), "summary");
	static const char *const bad[] = {
		"counter_.db",
		"counter_0.db",
		"counter_01.db",
		"counter_1234567890.db",
		"counter_-1.db",
		"counter_1.db.tmp",
		"counter_1",
		"counter_1x.db",
		"gauge_1.db",
		"gauge_avg_1.db",
		"gauge_all1.db",
		"gauge__1.db",
		"untyped_1.db",
		"counter_\x1b[2J1.db",
		"",
		"counter_ 1.db",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		why[0] = '\0';
		if (promdb_name_parse(bad[i], &n, why, sizeof why) != -1 || !why[0])
			fail_msg("\"%s\" taken", bad[i]);
	}
}

/* The modes, the first file's kind, the bucket bounds, on made files. */
static double agg_value(const struct promdb_input *in, size_t n, bool drop, const char *metric)
{
	struct promdb_aggregate a;
	assert_int_equal(promdb_aggregate(in, n, drop, &a), 0);
	double v = -1;
	for (size_t i = 0; i < a.n_samples; i++)
		if (!strcmp(a.samples[i].metric, metric))
			v = a.samples[i].value;
	promdb_aggregate_free(&a);
	return v;
}

static void test_modes(void **state)
{
	(void)state;
	static const enum promdb_mode modes[] = { PROMDB_MIN, PROMDB_LIVEMAX, PROMDB_SUM,
						  PROMDB_LIVESUM, PROMDB_MOSTRECENT };
	static const double want[] = { -2, 5, 3.5, 3.5, 5 }, want_drop[] = { -2, 0.5, 3.5, 0.5, 5 };
	for (size_t m = 0; m < 5; m++) {
		struct maker mk[3] = { 0 };
		struct blob b[3];
		struct promdb_file f[3];
		struct promdb_input in[3];
		const double v[3] = { 0.5, 5, -2 };
		char why[200];
		for (int i = 0; i < 3; i++) {
			mk_add(&mk[i], "[\"g\", \"g\", {}, \"h\"]", v[i]);
			b[i] = mk_blob(&mk[i]);
			assert_int_equal(parse(&b[i], &f[i], why), PROMDB_OK);
			in[i] = (struct promdb_input){ .name = { PROMDB_GAUGE, modes[m], 10 + i },
						       .alive = i == 0,
						       .file = &f[i] };
			f[i].entries[0].timestamp = i == 1 ? 9 : 1;
		}
		assert_true(agg_value(in, 3, false, "g") == want[m]);
		assert_true(agg_value(in, 3, true, "g") == want_drop[m]);
		for (int i = 0; i < 3; i++) {
			promdb_free(&f[i]);
			free(b[i].b);
		}
	}
}

static void test_histogram_and_kinds(void **state)
{
	(void)state;
	struct maker m1 = { 0 }, m2 = { 0 }, m3 = { 0 };
	mk_add(&m1, "[\"h\", \"h_bucket\", {\"le\": \"10.0\"}, \"x\"]", 1);
	mk_add(&m1, "[\"h\", \"h_bucket\", {\"le\": \"+Inf\"}, \"x\"]", 2);
	mk_add(&m1, "[\"h\", \"h_bucket\", {\"le\": \"2.0\"}, \"x\"]", 4);
	mk_add(&m1, "[\"h\", \"h_bucket\", {\"le\": \"many\"}, \"x\"]", 8);
	mk_add(&m1, "[\"c\", \"c_total\", {}, \"first\"]", 1);
	mk_add(&m2, "[\"h\", \"h_bucket\", {\"le\": \"2.0\"}, \"x\"]", 16);
	mk_add(&m2, "[\"h\", \"h_sum\", {}, \"x\"]", 0.5);
	mk_add(&m3, "[\"c\", \"c_total\", {}, \"second\"]", 2);
	struct blob b[3] = { mk_blob(&m1), mk_blob(&m2), mk_blob(&m3) };
	struct promdb_file f[3];
	char why[200];
	struct promdb_input in[3] = {
		{ .name = { PROMDB_HISTOGRAM, PROMDB_ALL, 1 }, .alive = true, .file = &f[0] },
		{ .name = { PROMDB_HISTOGRAM, PROMDB_ALL, 2 }, .alive = false, .file = &f[1] },
		{ .name = { PROMDB_GAUGE, PROMDB_ALL, 3 }, .alive = false, .file = &f[2] },
	};
	for (int i = 0; i < 3; i++)
		assert_int_equal(parse(&b[i], &f[i], why), PROMDB_OK);
	struct promdb_aggregate a;
	assert_int_equal(promdb_aggregate(in, 3, false, &a), 0);
	static const char *const want[] = {
		"c_total{} 3", /* a histogram's file came first: summed, no pid */
		"h_sum{} 0.5",           "h_bucket{le=2.0,} 20", "h_bucket{le=10.0,} 21",
		"h_bucket{le=+Inf,} 23", "h_count{} 23",
	};
	char line[256];
	assert_int_equal(a.n_samples, 6);
	for (size_t i = 0; i < a.n_samples; i++) {
		sample_line(&a.samples[i], line, sizeof line);
		assert_string_equal(line, want[i]);
	}
	assert_int_equal(a.samples[0].kind, PROMDB_HISTOGRAM);
	assert_string_equal(a.samples[0].help, "first");
	assert_int_equal(a.dead_files, 2);
	assert_int_equal(a.dropped, 1);
	assert_string_equal(a.why, "h h_bucket: a bucket bound that is not a number");
	promdb_aggregate_free(&a);
	assert_int_equal(promdb_aggregate(in, 0, false, &a), 0);
	assert_int_equal(a.n_samples, 0);
	promdb_aggregate_free(&a);
	for (int i = 0; i < 3; i++) {
		promdb_free(&f[i]);
		free(b[i].b);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_counter_file), cmocka_unit_test(test_aggregate_fixture),
		cmocka_unit_test(test_timestamps),   cmocka_unit_test(test_unaligned),
		cmocka_unit_test(test_truncated),    cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_room),         cmocka_unit_test(test_names),
		cmocka_unit_test(test_modes),        cmocka_unit_test(test_histogram_and_kinds),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
