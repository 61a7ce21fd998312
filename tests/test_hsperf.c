/* SPDX-License-Identifier: MIT */
/* The hsperfdata reader on a real JVM's file (tests/fixture/hsperf/
 * hsperfdata-openjdk17, copied from OpenJDK 17's /tmp/hsperfdata_root/PID
 * just after `jcmd PID PerfCounter.print` wrote hsperfdata-openjdk17.jcmd):
 * every entry against jcmd's, the same file in big-endian order and at an
 * odd address, then hostile copies made from it, each refused with a
 * reason (and none read outside the bytes, under ASan). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "hsperf.h"
#include "objpeek.h"

#define CAP 2048

static unsigned char *fix; /* the fixture */
static size_t fix_size;
static unsigned char buf[65536 + 8]; /* a copy to spoil */
static struct hsperf_entry ent[CAP];
static char text[65536];
static size_t n;
static struct hsperf_info info;
static char why[200];

static uint32_t le32(const unsigned char *b, size_t o)
{
	return (uint32_t)b[o] | (uint32_t)b[o + 1] << 8 | (uint32_t)b[o + 2] << 16 |
	       (uint32_t)b[o + 3] << 24;
}

static void put32(unsigned char *b, size_t o, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		b[o + (size_t)i] = (unsigned char)(v >> (8 * i));
}

static enum hsperf_status parse(const unsigned char *b, size_t size)
{
	why[0] = '\0';
	return hsperf_parse(b, size, ent, CAP, &n, text, sizeof text, &info, why, sizeof why);
}

/* Parse buf (size bytes): refused with status st and a reason containing
 * part. */
static void refused(size_t size, enum hsperf_status st, const char *part)
{
	enum hsperf_status got = parse(buf, size);
	if (got != st || !strstr(why, part))
		fail_msg("status %d (wanted %d), reason \"%s\" (wanted \"%s\")", got, st, why,
			 part);
	assert_int_equal(n, 0);
}

static void fresh(void)
{
	memcpy(buf, fix, fix_size);
}

/* The offset of the fixture's entry i. */
static size_t entry_at(size_t i)
{
	size_t off = le32(fix, 24);
	while (i--)
		off += le32(fix, off);
	return off;
}

static int setup(void **state)
{
	(void)state;
	FILE *f = fopen(HSPERF_FIXTURE, "rb");
	assert_non_null(f);
	fix = malloc(65536);
	assert_non_null(fix);
	fix_size = fread(fix, 1, 65536, f);
	fclose(f);
	assert_int_equal(fix_size, 32768);
	return 0;
}

static const struct hsperf_entry *find(const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(ent[i].name, name) == 0)
			return &ent[i];
	return NULL;
}

/* The entry of that name, which must be there. */
static const struct hsperf_entry *must(const char *name)
{
	const struct hsperf_entry *e = find(name);
	if (!e) {
		fail_msg("%s is not in the file", name);
		abort();
	}
	return e;
}

/* Every entry of jcmd's listing: in the file, constants equal, counters no
 * smaller (jcmd read them just before the copy); jcmd's 6 sun.perfdata.*
 * from the prologue. */
static void test_real_file(void **state)
{
	(void)state;
	assert_int_equal(parse(fix, fix_size), HSPERF_OK);
	assert_int_equal(n, 187);
	assert_int_equal(info.num_entries, 187);
	assert_false(info.big_endian);
	assert_int_equal(info.used, 12392);
	FILE *f = fopen(HSPERF_FIXTURE ".jcmd", "r");
	assert_non_null(f);
	char line[4096];
	size_t lines = 0, pseudo = 0, constants = 0, strings = 0, counters = 0;
	while (fgets(line, sizeof line, f)) {
		char *eq = strchr(line, '=');
		if (!eq)
			continue;
		*eq = '\0';
		char *v = eq + 1;
		v[strcspn(v, "\n")] = '\0';
		lines++;
		if (strncmp(line, "sun.perfdata.", 13) == 0) {
			pseudo++;
			continue;
		}
		const struct hsperf_entry *e = must(line);
		if (*v == '"') {
			assert_true(e->is_string);
			v[strlen(v) - 1] = '\0';
			strings++;
			if (e->kind == HSPERF_CONSTANT) {
				assert_string_equal(e->str, v + 1);
				assert_int_equal(e->str_len, strlen(v + 1));
			}
			continue;
		}
		assert_false(e->is_string);
		long long j = strtoll(v, NULL, 10);
		if (e->kind == HSPERF_CONSTANT) {
			constants++;
			assert_int_equal(e->value, j);
		} else if (e->kind == HSPERF_COUNTER) {
			counters++;
			assert_true(e->value >= j);
		}
	}
	fclose(f);
	assert_int_equal(pseudo, 6);
	assert_int_equal(lines, n + pseudo);
	assert_true(constants > 20 && strings > 10 && counters > 50);

	const struct hsperf_entry *e = must("sun.os.hrt.frequency");
	assert_int_equal(e->kind, HSPERF_CONSTANT);
	assert_string_equal(hsperf_unit_name(e->unit), "hertz");
	assert_int_equal(hsperf_frequency(ent, n), 1000000000);
	e = must("sun.os.hrt.ticks");
	assert_string_equal(hsperf_kind_name(e->kind), "counter");
	assert_string_equal(hsperf_unit_name(e->unit), "ticks");
	double s = hsperf_ticks_seconds(e->value, hsperf_frequency(ent, n));
	assert_true(s > 1.0 && s < 1e6);
	e = must("java.property.java.version");
	assert_true(e->is_string && e->supported);
	assert_string_equal(e->str, "17.0.21.1");
	assert_string_equal(hsperf_unit_name(e->unit), "string");
	e = must("java.threads.live");
	assert_string_equal(hsperf_kind_name(e->kind), "gauge");
	assert_string_equal(hsperf_unit_name(e->unit), "none");
	double zero = hsperf_ticks_seconds(5, 0);
	assert_true(zero <= 0.0 && zero >= 0.0);
}

/* The same entries, in a big-endian file and from an odd address (the
 * longs copied byte by byte). */
static void test_orders(void **state)
{
	(void)state;
	assert_int_equal(parse(fix, fix_size), HSPERF_OK);
	size_t n0 = n;
	static struct hsperf_entry le[CAP];
	static char letext[65536];
	memcpy(le, ent, sizeof le);
	memcpy(letext, text, sizeof letext);

	fresh();
	buf[4] = 0;
	static const size_t p32[] = { 8, 12, 24, 28 };
	for (size_t k = 0; k < 4; k++)
		put32(buf, p32[k], __builtin_bswap32(le32(fix, p32[k])));
	for (int b = 0; b < 8; b++)
		buf[16 + b] = fix[23 - b];
	for (size_t i = 0; i < n0; i++) {
		size_t off = entry_at(i);
		for (size_t o = 0; o <= 16; o += 4)
			if (o != 12)
				put32(buf, off + o, __builtin_bswap32(le32(fix, off + o)));
		if (fix[off + 12] == 'J') {
			size_t d = off + le32(fix, off + 16);
			for (int b = 0; b < 8; b++)
				buf[d + (size_t)b] = fix[d + 7 - (size_t)b];
		}
	}
	assert_int_equal(parse(buf, fix_size), HSPERF_OK);
	assert_true(info.big_endian);
	assert_int_equal(n, n0);
	for (size_t i = 0; i < n; i++) {
		assert_string_equal(ent[i].name, le[i].name);
		assert_int_equal(ent[i].value, le[i].value);
		assert_int_equal(ent[i].kind, le[i].kind);
		assert_int_equal(ent[i].unit, le[i].unit);
		if (le[i].is_string)
			assert_string_equal(ent[i].str, le[i].str);
	}

	memcpy(buf + 1, fix, fix_size);
	assert_int_equal(parse(buf + 1, fix_size), HSPERF_OK);
	assert_int_equal(n, n0);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(ent[i].value, le[i].value);
}

/* Cut at every length: refused below used, read whole from used on. */
static void test_truncated(void **state)
{
	(void)state;
	size_t used = le32(fix, 8);
	for (size_t len = 0; len < used + 64; len++) {
		unsigned char *c = malloc(len ? len : 1); /* ASan sees past len */
		assert_non_null(c);
		memcpy(c, fix, len);
		enum hsperf_status st = parse(c, len);
		free(c);
		if (len < 4) {
			assert_int_equal(st, HSPERF_NOT_HSPERF);
		} else if (len < used) {
			assert_int_equal(st, HSPERF_DAMAGED);
			assert_true(strlen(why) > 20);
		} else {
			assert_int_equal(st, HSPERF_OK);
			assert_int_equal(n, 187);
		}
	}
	fresh();
	refused(20, HSPERF_DAMAGED, "inside its 32-byte prologue");
	refused(1000, HSPERF_DAMAGED, "used is 12392 bytes");
}

static void test_prologue(void **state)
{
	(void)state;
	fresh();
	buf[0] = 0xc0;
	refused(fix_size, HSPERF_NOT_HSPERF, "no magic");
	fresh();
	buf[4] = 0; /* a little-endian file said big */
	refused(fix_size, HSPERF_DAMAGED, "used is");
	fresh();
	buf[4] = 7;
	refused(fix_size, HSPERF_DAMAGED, "byte order 7");
	fresh();
	buf[5] = 1;
	refused(fix_size, HSPERF_DAMAGED, "version 1.0");
	fresh();
	buf[7] = 0;
	refused(fix_size, HSPERF_BEING_MADE, "not marked it accessible");
	fresh();
	put32(buf, 28, 0x7fffffff);
	refused(fix_size, HSPERF_DAMAGED, "2147483647 entries cannot fit");
	fresh();
	put32(buf, 28, 0xffffffff);
	refused(fix_size, HSPERF_DAMAGED, "entries cannot fit");
	fresh();
	put32(buf, 28, 188); /* one more than there are */
	refused(fix_size, HSPERF_DAMAGED, "entry 187's header at byte 12392 runs past used");
	fresh();
	put32(buf, 24, 34);
	refused(fix_size, HSPERF_DAMAGED, "entry offset 34 is not 4-byte aligned");
	fresh();
	put32(buf, 24, 40000);
	refused(fix_size, HSPERF_DAMAGED, "entry offset 40000");
	fresh();
	put32(buf, 8, 40000);
	refused(fix_size, HSPERF_DAMAGED, "used is 40000 bytes");
	fresh();
	assert_int_equal(
	    hsperf_parse(buf, fix_size, ent, 100, &n, text, sizeof text, &info, why, sizeof why),
	    HSPERF_DAMAGED);
	assert_non_null(strstr(why, "187 entries, more than the 100"));
	assert_int_equal(
	    hsperf_parse(buf, fix_size, ent, CAP, &n, text, 500, &info, why, sizeof why),
	    HSPERF_DAMAGED);
	assert_non_null(strstr(why, "the 500-byte text buffer is full"));
}

static void test_entries(void **state)
{
	(void)state;
	size_t e12 = entry_at(12), el = le32(fix, e12), no = le32(fix, e12 + 4),
	       dof = le32(fix, e12 + 16);
	fresh();
	put32(buf, e12 + 4, 5);
	refused(fix_size, HSPERF_DAMAGED, "entry 12's name offset 5 is outside the entry");
	fresh();
	put32(buf, e12 + 4, (uint32_t)el + 4);
	refused(fix_size, HSPERF_DAMAGED, "entry 12's name offset");
	fresh();
	put32(buf, e12 + 4, 0x80000000u);
	refused(fix_size, HSPERF_DAMAGED, "entry 12's name offset -2147483648");
	fresh();
	put32(buf, e12 + 16, (uint32_t)el + 1);
	refused(fix_size, HSPERF_DAMAGED, "entry 12's data offset");
	fresh();
	put32(buf, e12 + 16, (uint32_t)no);
	refused(fix_size, HSPERF_DAMAGED, "before its name");
	fresh();
	memset(buf + e12 + no, 'A', dof - no);
	refused(fix_size, HSPERF_DAMAGED, "entry 12's name runs past the entry");
	fresh();
	buf[e12 + no] = 0;
	refused(fix_size, HSPERF_DAMAGED, "entry 12's name is empty");
	fresh();
	put32(buf, e12, 4);
	refused(fix_size, HSPERF_DAMAGED, "entry 12's length 4");
	fresh();
	put32(buf, e12, 0xfffffff8u);
	refused(fix_size, HSPERF_DAMAGED, "entry 12's length -8");
	fresh();
	put32(buf, e12, 1000000);
	refused(fix_size, HSPERF_DAMAGED, "entry 12's length 1000000 runs past used");
	fresh();
	put32(buf, e12, (uint32_t)el + 2); /* the next one misaligned */
	refused(fix_size, HSPERF_DAMAGED, "not 4-byte aligned");
	fresh();
	buf[e12 + 12] = 'I';
	refused(fix_size, HSPERF_DAMAGED, "entry 12's type 0x49");
	fresh();
	buf[e12 + 14] = 9;
	refused(fix_size, HSPERF_DAMAGED, "entry 12's unit 9");
	fresh();
	buf[e12 + 15] = 0;
	refused(fix_size, HSPERF_DAMAGED, "entry 12's variability 0");
	fresh();
	put32(buf, e12 + 8, 3);
	refused(fix_size, HSPERF_DAMAGED, "vector of longs");
	fresh();
	put32(buf, e12 + 8, 0xffffffffu);
	refused(fix_size, HSPERF_DAMAGED, "vector length -1");
	fresh();
	put32(buf, e12 + 16, (uint32_t)el - 4);
	refused(fix_size, HSPERF_DAMAGED, "entry 12's long runs past the entry");

	/* a string entry */
	size_t s = 0, es = 0;
	for (size_t i = 0; i < 187 && !es; i++)
		if (fix[entry_at(i) + 12] == 'B')
			es = entry_at(s = i);
	assert_true(es != 0);
	char part[80];
	fresh();
	put32(buf, es + 8, 100000);
	snprintf(part, sizeof part, "entry %zu's string of 100000 bytes", s);
	refused(fix_size, HSPERF_DAMAGED, part);
	fresh();
	buf[es + 14] = HSPERF_U_BYTES;
	refused(fix_size, HSPERF_DAMAGED, "bytes but not a string");
	fresh();
	buf[es + 15] = HSPERF_COUNTER;
	refused(fix_size, HSPERF_DAMAGED, "monotonic string");
	fresh(); /* a string without its NUL ends at its vector length */
	size_t d = es + le32(fix, es + 16), vl = le32(fix, es + 8);
	memset(buf + d, 'x', vl);
	assert_int_equal(parse(buf, fix_size), HSPERF_OK);
	assert_int_equal(ent[s].str_len, vl);
}

/* Entries being made end the walk: an entry_length of 0 (no loop on it),
 * and a last counted entry with its length but no offsets yet. */
static void test_being_made(void **state)
{
	(void)state;
	fresh();
	put32(buf, entry_at(5), 0);
	assert_int_equal(parse(buf, fix_size), HSPERF_OK);
	assert_int_equal(n, 5);
	fresh();
	size_t used = le32(fix, 8);
	put32(buf, 8, (uint32_t)used + 48);
	put32(buf, 28, 188);
	put32(buf, used, 48);
	assert_int_equal(parse(buf, fix_size), HSPERF_OK);
	assert_int_equal(n, 187);
	put32(buf, used + 16, 30); /* offsets being written: not the last one's */
	refused(fix_size, HSPERF_DAMAGED, "entry 187's name offset 0");
}

struct job {
	const void *p;
	size_t size;
	enum hsperf_status st;
};

static void parse_job(void *arg)
{
	struct job *j = arg;
	j->st = parse(j->p, j->size);
}

/* The file cut to one page while it is mapped: the parse under
 * objpeek_guarded() ends with SIGBUS, not the process; whole, it reads. */
static void test_truncated_mapping(void **state)
{
	(void)state;
	char path[] = "/tmp/test_hsperf.XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	unlink(path);
	assert_int_equal(write(fd, fix, fix_size), (ssize_t)fix_size);
	void *m = mmap(NULL, fix_size, PROT_READ, MAP_SHARED, fd, 0);
	assert_true(m != MAP_FAILED);
	struct job j = { m, fix_size, HSPERF_DAMAGED };
	assert_int_equal(objpeek_guarded(parse_job, &j), 0);
	assert_int_equal(j.st, HSPERF_OK);
	assert_int_equal(n, 187);
	assert_int_equal(ftruncate(fd, 4096), 0);
	j.st = HSPERF_DAMAGED;
	assert_int_equal(objpeek_guarded(parse_job, &j), -1);
	assert_int_equal(j.st, HSPERF_DAMAGED); /* never returned */
	munmap(m, fix_size);
	close(fd);
}

static void test_pid(void **state)
{
	(void)state;
	int32_t pid = 0;
	assert_true(hsperf_pid_from_name("2737", &pid));
	assert_int_equal(pid, 2737);
	assert_true(hsperf_pid_from_name("2147483647", &pid));
	assert_int_equal(pid, INT32_MAX);
	static const char *const bad[] = { "",
					   "0",
					   "02737",
					   "2147483648",
					   "-1",
					   "+1",
					   "12a",
					   "12345678901",
					   " 1",
					   "1\n",
					   "99999999999999999999" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if (hsperf_pid_from_name(bad[i], &pid))
			fail_msg("\"%s\" taken as pid %d", bad[i], pid);
	assert_false(hsperf_pid_from_name(NULL, &pid));
}

/* The pid and user of a path: only .../hsperfdata_USER/PID names them. */
static void test_pid_path(void **state)
{
	(void)state;
	int32_t pid = 0;
	char user[8];
	assert_true(hsperf_pid_from_path("/tmp/hsperfdata_root/2737", &pid, user, sizeof user));
	assert_int_equal(pid, 2737);
	assert_string_equal(user, "root");
	assert_true(hsperf_pid_from_path("hsperfdata_averylongname/7", &pid, user, sizeof user));
	assert_int_equal(pid, 7);
	assert_string_equal(user, "averylo"); /* cut to the buffer */
	static const char *const bad[] = { "/tmp/hsperfdata_root/02737",
					   "/tmp/hsperfdata_/2737",
					   "/tmp/hsperfdata/2737",
					   "/tmp/xhsperfdata_u/1",
					   "/tmp/2737",
					   "2737",
					   "/2737",
					   "/tmp/hsperfdata_root/",
					   "/tmp/hsperfdata_root/12a",
					   NULL };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if (hsperf_pid_from_path(bad[i], &pid, user, sizeof user))
			fail_msg("\"%s\" taken as pid %d", bad[i] ? bad[i] : "(null)", pid);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_real_file),         cmocka_unit_test(test_orders),
		cmocka_unit_test(test_truncated),         cmocka_unit_test(test_prologue),
		cmocka_unit_test(test_entries),           cmocka_unit_test(test_being_made),
		cmocka_unit_test(test_truncated_mapping), cmocka_unit_test(test_pid),
		cmocka_unit_test(test_pid_path),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
