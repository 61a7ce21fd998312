/* SPDX-License-Identifier: MIT */
/*
 * The record's manual page, assets/shmtop-record.5, against the code: every
 * table marked `.\" layout: STRUCT` lists each field of the structure with
 * its offset and size (offsetof, sizeof), no more; the layout examples are
 * record3_layout()'s; the checksum test vectors are reader_checksum()'s; the
 * constants are record.h's.  A field added to SHMTOP_STATUS_FIELDS or
 * SHMTOP_PAYLOAD_FIELDS, or a member that moves, fails here until the page
 * says so.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "control.h"
#include "reader.h"
#include "record.h"

#define MAX_ROWS 64

struct row {
	char name[32];
	size_t off, size;
};

/* A structure as the code lays it out, or as the page says. */
struct table {
	const char *name;
	size_t size; /* sizeof, for the code's */
	struct row rows[MAX_ROWS];
	int n;
};

static char *page; /* the whole page */

static void add(struct table *t, const char *name, size_t off, size_t size)
{
	assert_true(t->n < MAX_ROWS);
	struct row *r = &t->rows[t->n++];
	snprintf(r->name, sizeof r->name, "%s", name);
	r->off = off;
	r->size = size;
}

#define MEMBER(t, s, m) add(t, #m, offsetof(struct s, m), sizeof(((struct s *)0)->m))
/* Padding from the end of member m to the end of struct s (or to member next). */
#define PAD_END(t, s, m)                                                                           \
	add(t, "pad", offsetof(struct s, m) + sizeof(((struct s *)0)->m),                          \
	    sizeof(struct s) - offsetof(struct s, m) - sizeof(((struct s *)0)->m))
#define PAD(t, s, m, next)                                                                         \
	add(t, "pad", offsetof(struct s, m) + sizeof(((struct s *)0)->m),                          \
	    offsetof(struct s, next) - offsetof(struct s, m) - sizeof(((struct s *)0)->m))

static struct table code[8];
static int ncode;

static struct table *table(const char *name, size_t size)
{
	struct table *t = &code[ncode++];
	t->name = name;
	t->size = size;
	return t;
}

static void make_code_tables(void)
{
	struct table *t = table("common", 0);
	MEMBER(t, shmtop_record3, magic);
	MEMBER(t, shmtop_record3, version);
	MEMBER(t, shmtop_record3, endian);
	MEMBER(t, shmtop_record3, segment_size);
	MEMBER(t, shmtop_record3, hist_cap);
	MEMBER(t, shmtop_record3, token);

	t = table("shmtop_record3", sizeof(struct shmtop_record3));
	MEMBER(t, shmtop_record3, magic);
	MEMBER(t, shmtop_record3, version);
	MEMBER(t, shmtop_record3, endian);
	MEMBER(t, shmtop_record3, header_size);
	MEMBER(t, shmtop_record3, layout_size);
	MEMBER(t, shmtop_record3, segment_size);
	MEMBER(t, shmtop_record3, hist_cap);
	MEMBER(t, shmtop_record3, capacity);
	MEMBER(t, shmtop_record3, accept);
	MEMBER(t, shmtop_record3, reserved0);
	MEMBER(t, shmtop_record3, meta_off);
	MEMBER(t, shmtop_record3, token);
	MEMBER(t, shmtop_record3, pub_off);
	MEMBER(t, shmtop_record3, hot_off);
	MEMBER(t, shmtop_record3, hist_off);
	MEMBER(t, shmtop_record3, reserved1);
	MEMBER(t, shmtop_record3, seq);
#define STATUS(type, name) MEMBER(t, shmtop_record3, name);
	SHMTOP_STATUS_FIELDS(STATUS)
#undef STATUS
	MEMBER(t, shmtop_record3, check);
	PAD_END(t, shmtop_record3, check);

	t = table("shmtop_meta3", sizeof(struct shmtop_meta3));
	MEMBER(t, shmtop_meta3, published);
	MEMBER(t, shmtop_meta3, kind);
	MEMBER(t, shmtop_meta3, name);
	MEMBER(t, shmtop_meta3, unit);
	MEMBER(t, shmtop_meta3, reserved);

	t = table("shmtop_pub3", sizeof(struct shmtop_pub3));
	MEMBER(t, shmtop_pub3, value);
	MEMBER(t, shmtop_pub3, changed_wall_ns);
	MEMBER(t, shmtop_pub3, changed_mono_ns);

	t = table("shmtop_hot3", sizeof(struct shmtop_hot3));
	MEMBER(t, shmtop_hot3, value);
	PAD_END(t, shmtop_hot3, value);

	t = table("shmtop_record", sizeof(struct shmtop_record));
	MEMBER(t, shmtop_record, magic);
	MEMBER(t, shmtop_record, version);
	MEMBER(t, shmtop_record, endian);
	MEMBER(t, shmtop_record, header_size);
	MEMBER(t, shmtop_record, record_size);
	MEMBER(t, shmtop_record, segment_size);
	MEMBER(t, shmtop_record, hist_cap);
	MEMBER(t, shmtop_record, reserved0);
	MEMBER(t, shmtop_record, reserved1);
	MEMBER(t, shmtop_record, token);
	MEMBER(t, shmtop_record, reserved2);
	PAD(t, shmtop_record, reserved2, seq);
	MEMBER(t, shmtop_record, seq);
#define PAYLOAD(type, name) MEMBER(t, shmtop_record, name);
	SHMTOP_PAYLOAD_FIELDS(PAYLOAD)
#undef PAYLOAD
	MEMBER(t, shmtop_record, check);
	PAD(t, shmtop_record, check, hist);
	MEMBER(t, shmtop_record, hist);

	t = table("shmtop_sample_slot", sizeof(struct shmtop_sample_slot));
	MEMBER(t, shmtop_sample_slot, value);
	MEMBER(t, shmtop_sample_slot, mono_ns);

	t = table("shmtop_control", sizeof(struct shmtop_control));
	MEMBER(t, shmtop_control, magic);
	MEMBER(t, shmtop_control, version);
	MEMBER(t, shmtop_control, size);
	MEMBER(t, shmtop_control, request);
	MEMBER(t, shmtop_control, pause);
	MEMBER(t, shmtop_control, reset);
	MEMBER(t, shmtop_control, last_pid);
	MEMBER(t, shmtop_control, last_uid);
	MEMBER(t, shmtop_control, data_shmid);
	MEMBER(t, shmtop_control, reserved);
	MEMBER(t, shmtop_control, token);
	assert_int_equal(ncode, 8);
}

/* The size a row's type says: u32, i64, char[64], u64[5], slot[1024]... */
static size_t type_size(const char *type)
{
	static const struct {
		const char *name;
		size_t size;
	} base[] = { { "u8", 1 },  { "char", 1 }, { "u32", 4 },  { "i32", 4 },
		     { "u64", 8 }, { "i64", 8 },  { "slot", 16 } };
	char b[16];
	unsigned long n = 1;
	if (sscanf(type, "%15[a-z0-9][%lu]", b, &n) < 1)
		return 0;
	for (size_t i = 0; i < sizeof base / sizeof base[0]; i++)
		if (!strcmp(b, base[i].name))
			return base[i].size * n;
	return 0;
}

/* The rows of every table the page marks `.\" layout: name`, merged. */
static void page_table(const char *name, struct table *out)
{
	memset(out, 0, sizeof *out);
	out->name = name;
	char marker[64];
	int len = snprintf(marker, sizeof marker, ".\\\" layout: %s\n", name);
	for (const char *p = strstr(page, marker); p; p = strstr(p, marker)) {
		p += len;
		const char *end = strstr(p, "\n.fi\n");
		assert_non_null(end);
		while (p < end) {
			const char *nl = strchr(p, '\n');
			size_t off, size;
			char type[32], field[32];
			if (sscanf(p, "%zu %zu %31s %31s", &off, &size, type, field) == 4) {
				if (type_size(type) != size)
					fail_msg("%s: row %s: type %s is not %zu bytes", name,
						 field, type, size);
				add(out, field, off, size);
			}
			p = nl + 1;
		}
	}
}

static const struct row *find(const struct table *t, const char *name, size_t off)
{
	for (int i = 0; i < t->n; i++)
		if (!strcmp(t->rows[i].name, name) &&
		    (strcmp(name, "pad") || t->rows[i].off == off))
			return &t->rows[i];
	return NULL;
}

/* The code's tables tile their structures (every byte is one row's), so
 * that the page's, which must equal them, leave no byte out. */
static void test_code_tables_tile(void **state)
{
	(void)state;
	for (int k = 0; k < ncode; k++) {
		const struct table *t = &code[k];
		if (!t->size)
			continue;
		size_t at = 0;
		for (int i = 0; i < t->n; i++) {
			if (t->rows[i].off != at)
				fail_msg("%s: %s at %zu, the previous row ends at %zu", t->name,
					 t->rows[i].name, t->rows[i].off, at);
			at += t->rows[i].size;
		}
		if (at != t->size)
			fail_msg("%s: rows end at %zu, sizeof is %zu", t->name, at, t->size);
	}
}

static void test_page_tables_match(void **state)
{
	(void)state;
	int bad = 0;
	for (int k = 0; k < ncode; k++) {
		const struct table *c = &code[k];
		struct table p;
		page_table(c->name, &p);
		if (p.n == 0) {
			print_error("the page has no table of %s\n", c->name);
			bad++;
		}
		for (int i = 0; i < c->n; i++) {
			const struct row *r = &c->rows[i], *q = find(&p, r->name, r->off);
			if (!q) {
				print_error("%s.%s (offset %zu, %zu bytes) is not on the page\n",
					    c->name, r->name, r->off, r->size);
				bad++;
			} else if (q->off != r->off || q->size != r->size) {
				print_error("%s.%s: the page says offset %zu, %zu bytes; the "
					    "code %zu, %zu\n",
					    c->name, r->name, q->off, q->size, r->off, r->size);
				bad++;
			}
		}
		for (int i = 0; i < p.n; i++)
			if (!find(c, p.rows[i].name, p.rows[i].off)) {
				print_error("the page's %s.%s (offset %zu) is not in the code\n",
					    c->name, p.rows[i].name, p.rows[i].off);
				bad++;
			}
	}
	assert_int_equal(bad, 0);
}

/* The version 2 record keeps the common fields where version 3 has them. */
static void test_common_fields_shared(void **state)
{
	(void)state;
	assert_int_equal(offsetof(struct shmtop_record, magic),
			 offsetof(struct shmtop_record3, magic));
	assert_int_equal(offsetof(struct shmtop_record, version),
			 offsetof(struct shmtop_record3, version));
	assert_int_equal(offsetof(struct shmtop_record, endian),
			 offsetof(struct shmtop_record3, endian));
	assert_int_equal(offsetof(struct shmtop_record, segment_size),
			 offsetof(struct shmtop_record3, segment_size));
	assert_int_equal(offsetof(struct shmtop_record, hist_cap),
			 offsetof(struct shmtop_record3, hist_cap));
	assert_int_equal(offsetof(struct shmtop_record, token),
			 offsetof(struct shmtop_record3, token));
}

/* The line after the marker. */
static const char *after(const char *marker)
{
	const char *p = strstr(page, marker);
	if (!p)
		fail_msg("the page has no '%s'", marker);
	p = strchr(p, '\n');
	assert_non_null(p);
	return p + 1;
}

static void test_layout_examples(void **state)
{
	(void)state;
	static const uint32_t shapes[][2] = { { 64, 1024 }, { 1, 1024 } };
	for (size_t i = 0; i < 2; i++) {
		char marker[64];
		snprintf(marker, sizeof marker, ".\\\" example: %u %u", shapes[i][0], shapes[i][1]);
		const char *p = after(marker);
		p = strchr(p, '\n') + 1; /* .RS, .nf */
		p = strchr(p, '\n') + 1;
		unsigned long long m, pu, h, hi, sz;
		assert_int_equal(sscanf(p,
					"meta_off %llu, pub_off %llu, hot_off %llu, hist_off %llu, "
					"size %llu",
					&m, &pu, &h, &hi, &sz),
				 5);
		struct shmtop_layout3 l;
		assert_int_equal(record3_layout(shapes[i][0], shapes[i][1], &l), 0);
		assert_int_equal(m, l.meta_off);
		assert_int_equal(pu, l.pub_off);
		assert_int_equal(h, l.hot_off);
		assert_int_equal(hi, l.hist_off);
		assert_int_equal(sz, l.size);
	}
}

static uint64_t page_check(const char *marker)
{
	const char *p = strstr(after(marker), "check = 0x");
	assert_non_null(p);
	return strtoull(p + strlen("check = "), NULL, 16);
}

static void test_checksum_vectors(void **state)
{
	(void)state;
	struct shmtop_status3 s = { 0 };
	assert_int_equal(page_check(".\\\" check3: zero"), reader_checksum(&s, NULL, 0));
	s.period_ns = 1000000000;
	s.writer_pid = 1234;
	s.state = SHMTOP_STATE_RUNNING;
	s.control_id = -1;
	s.ncounters = 1;
	struct shmtop_pubval3 v = { 42, INT64_C(1700000000000000000), INT64_C(5000000000) };
	assert_int_equal(page_check(".\\\" check3: one"), reader_checksum(&s, &v, 1));
}

__attribute__((format(printf, 1, 2))) static void has(const char *fmt, ...)
{
	char want[200];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(want, sizeof want, fmt, ap);
	va_end(ap);
	if (!strstr(page, want))
		fail_msg("the page does not say '%s'", want);
}

static void test_constants(void **state)
{
	(void)state;
	has("magic         0x%016llx", (unsigned long long)SHMTOP_MAGIC);
	has("endian        0x%08x", SHMTOP_ENDIAN);
	has("version       %u\n", SHMTOP_RECORD_V3);
	has("version       %u\n", SHMTOP_RECORD_V2);
	has("hist_cap      %u\n", SHMTOP_HISTORY);
	has("record_size   %zu\n", sizeof(struct shmtop_record));
	has("layout_size   %zu ", sizeof(struct shmtop_record3));
	has("header_size   %zu ", offsetof(struct shmtop_record3, seq));
	has("history rows, %u to %u", SHMTOP_HISTORY3_MIN, SHMTOP_HISTORY3_MAX);
	has("counters, 1 to %u", SHMTOP_CAPACITY3_MAX);
	has("1 to %d bytes of UTF-8", SHMTOP_NAME3_MAX - 1);
	has("0 to %d bytes of printable ASCII", SHMTOP_UNIT3_MAX - 1);
	has("%d counter, %d gauge", SHMTOP_KIND3_COUNTER, SHMTOP_KIND3_GAUGE);
	has("%d running, %d paused, %d stopped", SHMTOP_STATE_RUNNING, SHMTOP_STATE_PAUSED,
	    SHMTOP_STATE_STOPPED);
	has("bit 0 pause and resume,");
	assert_int_equal(SHMTOP_CMD_PAUSE_BIT, 1u << 0);
	assert_int_equal(SHMTOP_CMD_RESET_BIT, 1u << 1);
	has("magic         0x%016llx", (unsigned long long)SHMTOP_CONTROL_MAGIC);
	has("version       %u\n", SHMTOP_CONTROL_VERSION);
	has("size          %zu\n", sizeof(struct shmtop_control));
}

/* make_code_tables() asserts: it runs as the group's setup. */
static int setup(void **state)
{
	(void)state;
	make_code_tables();
	return 0;
}

int main(void)
{
	FILE *f = fopen(SHMTOP_RECORD_PAGE, "r");
	if (!f) {
		perror(SHMTOP_RECORD_PAGE);
		return 1;
	}
	page = calloc(1, 1 << 20);
	size_t n = page ? fread(page, 1, (1 << 20) - 1, f) : 0;
	fclose(f);
	if (n == 0)
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_code_tables_tile),
		cmocka_unit_test(test_page_tables_match),
		cmocka_unit_test(test_common_fields_shared),
		cmocka_unit_test(test_layout_examples),
		cmocka_unit_test(test_checksum_vectors),
		cmocka_unit_test(test_constants),
	};
	int rc = cmocka_run_group_tests(tests, setup, NULL);
	free(page);
	return rc;
}
