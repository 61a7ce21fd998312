/* SPDX-License-Identifier: MIT */
/* /proc/sysvipc/shm: the parser on real and hostile text, sorting, totals,
 * the host limits as lsipc -g shows them, and the reader on real files;
 * /proc/sysvipc/sem and msg: the same parser with their columns. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "testutil.h"

#include "clock.h"
#include "sysvipc.h"

/* A real file, as Linux 6.18 wrote it. */
static const char real[] =
    "       key      shmid perms                  size  cpid  lpid nattch   uid   gid  cuid  "
    "cgid      atime      dtime      ctime                   rss                  swap\n"
    "      9527     393218   600                 16640 20262 32521      0     0     0     0     "
    "0 1795789874 1795789874 1795788709                  4096                     0\n"
    "2113929217     524298   600                 16640  3249 28743      3     0     0     0     "
    "0 1795789792 1795789148 1795789105                 16384                     0\n"
    "         0     524299  1600                    40  3249 28743      3     0     0     0     "
    "0 1795789792 1795789148 1795789105                  4096                     0\n"
    "       120     491545  3644                 16640 28809 28809      0  1000   100  1001   "
    "101 1795788997          0 1795788997                  4096                  8192\n";

static void test_real(void **state)
{
	(void)state;
	struct sysvipc_shm rows[8];
	struct sysvipc_result res;
	assert_int_equal(sysvipc_parse(real, strlen(real), rows, 8, &res), 4);
	assert_int_equal(res.n, 4);
	assert_int_equal(res.total, 4);
	assert_int_equal(res.skipped, 0);
	assert_true(res.heading);
	assert_true(res.have_mem);
	assert_false(res.truncated);

	const struct ipcstat *a = &rows[0].st;
	assert_int_equal(a->key, 9527);
	assert_int_equal(a->shmid, 393218);
	assert_int_equal(rows[0].perms, 0600);
	assert_int_equal(a->mode, 0600);
	assert_false(a->dest);
	assert_false(a->locked);
	assert_int_equal(a->size, 16640);
	assert_int_equal(a->cpid, 20262);
	assert_int_equal(a->lpid, 32521);
	assert_int_equal(a->nattch, 0);
	assert_int_equal(a->atime, 1795789874);
	assert_int_equal(a->dtime, 1795789874);
	assert_int_equal(a->ctime, 1795788709);
	assert_int_equal(rows[0].rss, 4096);
	assert_int_equal(rows[0].swap, 0);
	assert_true(rows[0].have_mem);

	assert_int_equal((uint32_t)rows[1].st.key, 0x7e000001u);
	assert_int_equal(rows[1].st.nattch, 3);

	/* dest: perms 1600, the key turned 0 */
	assert_int_equal(rows[2].st.key, 0);
	assert_int_equal(rows[2].perms, 01600);
	assert_int_equal(rows[2].st.mode, 0600);
	assert_true(rows[2].st.dest);
	assert_false(rows[2].st.locked);
	assert_int_equal(rows[2].st.size, 40);

	/* dest and locked, another owner and creator */
	const struct ipcstat *d = &rows[3].st;
	assert_int_equal(rows[3].perms, 03644);
	assert_int_equal(d->mode, 0644);
	assert_true(d->dest);
	assert_true(d->locked);
	assert_int_equal(d->uid, 1000);
	assert_int_equal(d->gid, 100);
	assert_int_equal(d->cuid, 1001);
	assert_int_equal(d->cgid, 101);
	assert_int_equal(d->dtime, 0);
	assert_int_equal(rows[3].swap, 8192);

	const struct sysvipc_totals *t = &res.totals;
	assert_int_equal(t->segments, 4);
	assert_int_equal(t->bytes, 16640 * 3 + 40);
	assert_int_equal(t->nattch, 6);
	assert_int_equal(t->attached, 2);
	assert_int_equal(t->dest, 2);
	assert_int_equal(t->locked, 1);
	assert_int_equal(t->rss, 4096 * 3 + 16384);
	assert_int_equal(t->swap, 8192);
	assert_int_equal(t->largest, 16640);
}

/* The key column is signed decimal: negative keys are the high half. */
static void test_keys(void **state)
{
	(void)state;
	struct sysvipc_layout l;
	sysvipc_layout_default(&l);
	struct sysvipc_shm r;
	const char *tail = " 5 600 1 1 1 0 0 0 0 0 0 0 1 0 0";
	char line[128];
	static const struct {
		const char *key;
		uint32_t want;
	} ok[] = {
		{ "-1", 0xffffffffu },
		{ "-2147483648", 0x80000000u },
		{ "2147483647", 0x7fffffffu },
		{ "4294967295", 0xffffffffu },
		{ "0", 0 },
		{ "9527", 0x2537u },
	};
	for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
		snprintf(line, sizeof line, "%s%s", ok[i].key, tail);
		assert_int_equal(sysvipc_parse_line(line, &l, &r), 0);
		assert_int_equal((uint32_t)r.st.key, ok[i].want);
	}
	static const char *const bad[] = { "-2147483649", "4294967296", "-",   "--1",
					   "+5",          "0x10",       "1e3", "-0x1" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		snprintf(line, sizeof line, "%s%s", bad[i], tail);
		assert_int_equal(sysvipc_parse_line(line, &l, &r), -1);
	}
}

/* Lines that are not segments are skipped and counted; nothing crashes. */
static void test_hostile(void **state)
{
	(void)state;
	struct sysvipc_layout l;
	sysvipc_layout_default(&l);
	struct sysvipc_shm r;
	const char *good = "1 2 600 3 4 5 6 7 8 9 10 11 12 13 14 15";
	assert_int_equal(sysvipc_parse_line(good, &l, &r), 0);
	static const char *const bad[] = {
		"",
		"   \t ",
		"garbage",
		"1 2 600 3 4 5 6 7 8 9 10 11 12",                       /* 13 fields */
		"1 2 680 3 4 5 6 7 8 9 10 11 12 13 14 15",              /* 8 is no octal digit */
		"1 2 200000 3 4 5 6 7 8 9 10 11 12 13 14 15",           /* perms too wide */
		"1 2147483648 600 3 4 5 6 7 8 9 10 11 12 13",           /* shmid > INT_MAX */
		"1 -2 600 3 4 5 6 7 8 9 10 11 12 13",                   /* negative shmid */
		"1 2 600 -3 4 5 6 7 8 9 10 11 12 13",                   /* negative size */
		"1 2 600 18446744073709551616 4 5 6 7 8 9 10 11 12 13", /* size overflow */
		"1 2 600 3 4 5 6 4294967296 8 9 10 11 12 13",           /* uid > 32 bits */
		"1 2 600 3 2147483648 5 6 7 8 9 10 11 12 13",           /* cpid > INT_MAX */
		"1 2 600 3 4 5 6 7 8 9 10 9223372036854775808 12 13",   /* atime > INT64_MAX */
		"1 2 600 3x 4 5 6 7 8 9 10 11 12 13",
		"1 2 600 3 4 5 6 7 8 9 10 11 12 13 x 15", /* a bad rss is bad too */
		"1 2 600 3 4 5 6 7 8 9 10 11 12 1\x80",
		"\x01\x02\x03",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(sysvipc_parse_line(bad[i], &l, &r), -1);

	/* Without rss and swap (old kernels), and with trailing columns. */
	assert_int_equal(sysvipc_parse_line("1 2 600 3 4 5 6 7 8 9 10 11 12 13", &l, &r), 0);
	assert_false(r.have_mem);
	assert_int_equal(r.rss, 0);
	assert_int_equal(
	    sysvipc_parse_line("1 2 600 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 x", &l, &r), 0);
	assert_true(r.have_mem);
	assert_int_equal(r.swap, 15);
	assert_int_equal(r.st.ctime, 13);

	/* A whole hostile file: CRLF, blank lines, NULs, a line too long,
	 * garbage, and no final newline. */
	char text[4096];
	size_t n = 0;
	n += (size_t)snprintf(text + n, sizeof text - n, "%s",
			      "key shmid perms size cpid lpid nattch uid gid cuid cgid atime dtime "
			      "ctime rss swap\r\n\r\n");
	n += (size_t)snprintf(text + n, sizeof text - n, "%s\r\n", good);
	memcpy(text + n, "1 2 600\0 3 4 5 6 7 8 9 10 11 12 13\n", 36);
	n += 36;
	memset(text + n, '7', 1500);
	n += 1500;
	text[n++] = '\n';
	n += (size_t)snprintf(text + n, sizeof text - n, "%s",
			      "what is this\n# comment\n42 43 644 1 2 3 4 5 6 7 8 9 10 11");
	struct sysvipc_shm rows[4];
	struct sysvipc_result res;
	assert_int_equal(sysvipc_parse(text, n, rows, 4, &res), 2);
	assert_true(res.heading);
	assert_int_equal(res.skipped, 4);
	assert_int_equal(rows[0].st.key, 1);
	assert_int_equal(rows[0].swap, 15);
	assert_int_equal(rows[1].st.shmid, 43);
	assert_int_equal(rows[1].st.mode, 0644);
	assert_false(rows[1].have_mem);
	assert_true(res.have_mem);

	/* Empty text; nothing but a heading. */
	assert_int_equal(sysvipc_parse("", 0, rows, 4, &res), 0);
	assert_int_equal(res.total + res.skipped, 0);
	assert_int_equal(
	    sysvipc_parse(real, (size_t)(strchr(real, '\n') - real + 1), rows, 4, &res), 0);
	assert_true(res.heading);
	assert_int_equal(res.skipped, 0);
}

/* The heading decides the layout: new columns anywhere, and reordering. */
static void test_heading(void **state)
{
	(void)state;
	struct sysvipc_layout l;
	sysvipc_layout_default(&l);
	assert_int_equal(l.need, 14);
	assert_int_equal(sysvipc_parse_heading("1 2 600 3 4 5 6 7 8 9 10 11 12 13", &l), -1);
	assert_int_equal(sysvipc_parse_heading("key shmid perms size cpid lpid nattch", &l), -1);
	assert_int_equal(sysvipc_parse_heading("", &l), -1);
	assert_int_equal(l.need, 14); /* unchanged */

	const char *text =
	    "shmid key perms size numa cpid lpid nattch uid gid cuid cgid atime dtime "
	    "ctime swap rss extra\n"
	    "77 -5 1600 4096 3 11 12 2 1 2 3 4 100 200 300 8 9 whatever\n";
	struct sysvipc_shm r[2];
	struct sysvipc_result res;
	assert_int_equal(sysvipc_parse(text, strlen(text), r, 2, &res), 1);
	assert_true(res.heading);
	assert_int_equal(r[0].st.shmid, 77);
	assert_int_equal(r[0].st.key, -5);
	assert_true(r[0].st.dest);
	assert_int_equal(r[0].st.size, 4096);
	assert_int_equal(r[0].st.cpid, 11);
	assert_int_equal(r[0].st.lpid, 12);
	assert_int_equal(r[0].st.nattch, 2);
	assert_int_equal(r[0].st.cgid, 4);
	assert_int_equal(r[0].st.ctime, 300);
	assert_int_equal(r[0].swap, 8);
	assert_int_equal(r[0].rss, 9);

	/* No heading: the kernel's order. */
	const char *bare = "7 8 600 1 2 3 4 5 6 7 8 9 10 11 12 13\n";
	assert_int_equal(sysvipc_parse(bare, strlen(bare), r, 2, &res), 1);
	assert_false(res.heading);
	assert_int_equal(r[0].st.shmid, 8);
	assert_int_equal(r[0].swap, 13);
}

static void test_truncated(void **state)
{
	(void)state;
	struct sysvipc_shm rows[2];
	struct sysvipc_result res;
	assert_int_equal(sysvipc_parse(real, strlen(real), rows, 2, &res), 2);
	assert_true(res.truncated);
	assert_int_equal(res.n, 2);
	assert_int_equal(res.total, 4);
	assert_int_equal(res.totals.segments, 4); /* the whole host still */
	assert_int_equal(res.totals.bytes, 16640 * 3 + 40);
	assert_int_equal(rows[1].st.shmid, 524298);
	assert_int_equal(sysvipc_parse(real, strlen(real), NULL, 0, &res), 0);
	assert_true(res.truncated);
	assert_int_equal(res.total, 4);
}

static struct sysvipc_shm mk(int shmid, uint64_t size, uint64_t nattch, int64_t ctime, uid_t uid,
			     key_t key)
{
	struct sysvipc_shm r;
	memset(&r, 0, sizeof r);
	r.st.shmid = shmid;
	r.st.size = size;
	r.st.nattch = nattch;
	r.st.ctime = ctime;
	r.st.uid = uid;
	r.st.key = key;
	return r;
}

static void order_is(const struct sysvipc_shm *rows, size_t n, const int *want)
{
	for (size_t i = 0; i < n; i++)
		assert_int_equal(rows[i].st.shmid, want[i]);
}

static void test_sort(void **state)
{
	(void)state;
	struct sysvipc_shm base[6] = {
		mk(10, 100, 1, 500, 1000, 5),
		mk(3, 4096, 0, 700, 0, -1),
		mk(7, 100, 3, 600, 1000, 0x7fffffff),
		mk(1, 1 << 20, 1, 400, 33, 0),
		mk(20, 100, 0, 700, 0, 0),
		mk(15, 4096, 2, 650, 1000, (key_t)0x80000000),
	};
	struct sysvipc_shm r[6];
	size_t n = 6;
#define SORTED(by, rev, ...)                                                                       \
	do {                                                                                       \
		memcpy(r, base, sizeof r);                                                         \
		sysvipc_sort(r, n, by, rev);                                                       \
		const int want[] = { __VA_ARGS__ };                                                \
		order_is(r, n, want);                                                              \
	} while (0)
	/* equal keys keep the input order (10, 7, 20 all 100 bytes), both ways */
	SORTED(SYSVIPC_SORT_SIZE, false, 10, 7, 20, 3, 15, 1);
	SORTED(SYSVIPC_SORT_SIZE, true, 1, 3, 15, 10, 7, 20);
	SORTED(SYSVIPC_SORT_NATTCH, false, 3, 20, 10, 1, 15, 7);
	SORTED(SYSVIPC_SORT_NATTCH, true, 7, 15, 10, 1, 3, 20);
	SORTED(SYSVIPC_SORT_AGE, false, 3, 20, 15, 7, 10, 1); /* youngest first */
	SORTED(SYSVIPC_SORT_AGE, true, 1, 10, 7, 15, 3, 20);
	SORTED(SYSVIPC_SORT_OWNER, false, 3, 20, 1, 10, 7, 15);
	SORTED(SYSVIPC_SORT_OWNER, true, 10, 7, 15, 1, 3, 20);
	/* keys as ipcs prints them: 0x00000000 < ... < 0x7fffffff < 0x80000000 < 0xffffffff */
	SORTED(SYSVIPC_SORT_KEY, false, 1, 20, 10, 7, 15, 3);
	SORTED(SYSVIPC_SORT_KEY, true, 3, 15, 7, 10, 1, 20);
	SORTED(SYSVIPC_SORT_SHMID, false, 1, 3, 7, 10, 15, 20);
	SORTED(SYSVIPC_SORT_SHMID, true, 20, 15, 10, 7, 3, 1);
#undef SORTED
	/* Stable over successive sorts: by owner, then by size keeps owner order
	 * among equal sizes. */
	memcpy(r, base, sizeof r);
	sysvipc_sort(r, n, SYSVIPC_SORT_OWNER, false);
	sysvipc_sort(r, n, SYSVIPC_SORT_SIZE, false);
	order_is(r, n, (const int[]){ 20, 10, 7, 3, 15, 1 });
	sysvipc_sort(r, 0, SYSVIPC_SORT_SIZE, false);
	sysvipc_sort(r, 1, SYSVIPC_SORT_SIZE, true);

	enum sysvipc_sort by;
	for (int i = 0; i < SYSVIPC_NSORTS; i++) {
		assert_int_equal(sysvipc_sort_parse(sysvipc_sort_name((enum sysvipc_sort)i), &by),
				 0);
		assert_int_equal(by, i);
	}
	assert_string_equal(sysvipc_sort_name(SYSVIPC_SORT_AGE), "age");
	assert_string_equal(sysvipc_sort_name(SYSVIPC_NSORTS), "?");
	assert_int_equal(sysvipc_sort_parse("bogus", &by), -1);

	struct sysvipc_totals t;
	sysvipc_totals(base, n, &t);
	assert_int_equal(t.segments, 6);
	assert_int_equal(t.bytes, 100 * 3 + 4096 * 2 + (1 << 20));
	assert_int_equal(t.nattch, 7);
	assert_int_equal(t.attached, 4);
	assert_int_equal(t.largest, 1 << 20);
	sysvipc_totals(base, 0, &t);
	assert_int_equal(t.segments, 0);
	assert_int_equal(t.bytes, 0);
}

static void test_limits(void **state)
{
	(void)state;
	uint64_t v = 1;
	assert_int_equal(sysvipc_parse_limit("4096\n", &v), 0);
	assert_int_equal(v, 4096);
	assert_int_equal(sysvipc_parse_limit("18446744073692774399\n", &v), 0);
	assert_true(v == UINT64_C(18446744073692774399));
	assert_int_equal(sysvipc_parse_limit("18446744073709551615", &v), 0);
	assert_int_equal(sysvipc_parse_limit(" 0 \n", &v), 0);
	assert_int_equal(v, 0);
	static const char *const bad[] = { "",      "\n",    "abc", "-1", "18446744073709551616",
					   "12 13", "4096x", "0x10" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(sysvipc_parse_limit(bad[i], &v), -1);

	/* The rows of lsipc -g on the host of the real text above:
	 * SHMMNI 4096 used 4 0.10%, SHMALL 18446744073692774399 used 12 0.00%. */
	struct sysvipc_shm rows[8];
	struct sysvipc_result res;
	sysvipc_parse(real, strlen(real), rows, 8, &res);
	struct sysvipc_limits l = {
		4096, UINT64_C(18446744073692774399), UINT64_C(18446744073692774399), true, true,
		true
	};
	struct sysvipc_limit_row lr[SYSVIPC_NLIMITS];
	char b[32];
	sysvipc_limit_rows(&res.totals, &l, 4096, lr);
	assert_string_equal(lr[SYSVIPC_SHMMNI].resource, "SHMMNI");
	assert_string_equal(lr[SYSVIPC_SHMMNI].description, "Shared memory segments");
	assert_int_equal(lr[SYSVIPC_SHMMNI].used, 4);
	assert_string_equal(sysvipc_format_pct(lr[SYSVIPC_SHMMNI].use_pct, b, sizeof b), "0.10%");
	assert_string_equal(lr[SYSVIPC_SHMALL].resource, "SHMALL");
	assert_int_equal(lr[SYSVIPC_SHMALL].used, 12); /* 49960 / 4096, rounded down as lsipc */
	assert_string_equal(sysvipc_format_pct(lr[SYSVIPC_SHMALL].use_pct, b, sizeof b), "0.00%");
	assert_false(lr[SYSVIPC_SHMMAX].has_usage);
	assert_true(lr[SYSVIPC_SHMMAX].limit == UINT64_C(18446744073692774399));
	/* Small limits: percentages, a zero limit, a missing one. */
	struct sysvipc_limits small = { 8, 24, 65536, true, true, false };
	sysvipc_limit_rows(&res.totals, &small, 4096, lr);
	assert_string_equal(sysvipc_format_pct(lr[SYSVIPC_SHMMNI].use_pct, b, sizeof b), "50.00%");
	assert_string_equal(sysvipc_format_pct(lr[SYSVIPC_SHMALL].use_pct, b, sizeof b), "50.00%");
	assert_false(lr[SYSVIPC_SHMMAX].have_limit);
	struct sysvipc_limits zero = { 0, 0, 0, true, true, true };
	sysvipc_limit_rows(&res.totals, &zero, 0, lr);
	assert_string_equal(sysvipc_format_pct(lr[SYSVIPC_SHMMNI].use_pct, b, sizeof b), "0.00%");
	assert_int_equal(lr[SYSVIPC_SHMALL].used, 0);
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* The readers on files: a made-up table and limits, and the real ones. */
static void test_read(void **state)
{
	(void)state;
	char dir[] = "/tmp/test_sysvipc.XXXXXX";
	assert_non_null(mkdtemp(dir));
	char path[256], p2[256];
	snprintf(path, sizeof path, "%s/shm", dir);
	write_file(path, real);
	struct sysvipc_shm rows[8];
	struct sysvipc_result res;
	assert_int_equal(sysvipc_read(path, rows, 8, &res), 0);
	assert_int_equal(res.n, 4);
	assert_int_equal(rows[3].st.uid, 1000);
	struct sysvipc_shm one;
	assert_int_equal(sysvipc_find(path, 524299, &one), 1);
	assert_true(one.st.dest);
	assert_int_equal(sysvipc_find(path, 4242, &one), 0);

	/* A line longer than the reader's buffer is skipped whole. */
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs("key shmid perms size cpid lpid nattch uid gid cuid cgid atime dtime ctime\n", f);
	for (int i = 0; i < 3000; i++)
		fputc('9', f);
	fputs(" 2 600 3 4 5 6 7 8 9 10 11 12 13\n5 6 600 1 2 3 4 5 6 7 8 9 10 11\n", f);
	fclose(f);
	assert_int_equal(sysvipc_read(path, rows, 8, &res), 0);
	assert_int_equal(res.n, 1);
	assert_int_equal(res.skipped, 1);
	assert_int_equal(rows[0].st.shmid, 6);

	snprintf(p2, sizeof p2, "%s/shmmni", dir);
	write_file(p2, "4096\n");
	snprintf(p2, sizeof p2, "%s/shmall", dir);
	write_file(p2, "18446744073692774399\n");
	struct sysvipc_limits l;
	assert_int_equal(sysvipc_read_limits(dir, &l), -1); /* no shmmax */
	assert_true(l.have_shmmni && l.have_shmall && !l.have_shmmax);
	assert_int_equal(l.shmmni, 4096);
	snprintf(p2, sizeof p2, "%s/shmmax", dir);
	write_file(p2, "33554432\n");
	assert_int_equal(sysvipc_read_limits(dir, &l), 0);
	assert_int_equal(l.shmmax, 33554432);

	assert_int_equal(sysvipc_read("/nonexistent/shm", rows, 8, &res), -1);
	assert_int_equal(res.n, 0);
	char cmd[300];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);

	/* The kernel's own, with a segment of ours in it. */
	key_t key = test_key(0);
	int id = shmget(key, 12345, IPC_CREAT | IPC_EXCL | 0640);
	assert_true(id >= 0);
	struct sysvipc_shm *all = calloc(4096, sizeof *all);
	assert_non_null(all);
	assert_int_equal(sysvipc_read(NULL, all, 4096, &res), 0);
	assert_true(res.heading);
	assert_int_equal(res.skipped, 0);
	int found = 0;
	for (size_t i = 0; i < res.n; i++)
		if (all[i].st.shmid == id) {
			found++;
			assert_int_equal(all[i].st.key, key);
			assert_int_equal(all[i].st.size, 12345);
			assert_int_equal(all[i].st.mode, 0640);
			assert_int_equal(all[i].st.cpid, getpid());
			assert_int_equal(all[i].st.uid, getuid());
		}
	assert_int_equal(found, 1);
	assert_int_equal(sysvipc_find(NULL, id, &one), 1);
	assert_int_equal(one.st.key, key);
	struct sysvipc_limits hl;
	assert_int_equal(sysvipc_read_limits(NULL, &hl), 0);
	assert_true(hl.shmmni >= res.total);

	/* The figure: reading the table, best of 20. */
	int64_t best = INT64_MAX;
	for (int i = 0; i < 20; i++) {
		int64_t t0 = clock_mono_ns();
		sysvipc_read(NULL, all, 4096, &res);
		int64_t dt = clock_mono_ns() - t0;
		if (dt < best)
			best = dt;
	}
	printf("# sysvipc_read: %zu segments in %.1f us\n", res.total, (double)best / 1e3);
	free(all);
	shmctl(id, IPC_RMID, NULL);
}

/* /proc/sysvipc/sem and msg as Linux 6.x writes them. */
static const char real_sem[] =
    "       key      semid perms      nsems   uid   gid  cuid  cgid      otime      ctime\n"
    "2059141122     720950   644          3     0     0     0     0          0 1796684852\n"
    "-559038737         17  1600          1  1000   100  1001   101 1796684900 1796684800\n";

static const char real_msg[] =
    "       key      msqid perms      cbytes       qnum lspid lrpid   uid   gid  cuid  cgid"
    "      stime      rtime      ctime\n"
    "2059141121          0   600           5          1 29067     0     0     0     0     0 "
    "1796684852          0 1796684850\n"
    "         0          3   666         300          4    12    13  1000   100  1001   101 "
    "1796684901 1796684902 1796684800\n";

/* Every field of g is w's. */
static void assert_ipc(const struct sysvipc_ipc *g, struct sysvipc_ipc w)
{
	assert_int_equal(g->file, w.file);
	assert_int_equal((uint32_t)g->key, (uint32_t)w.key);
	assert_int_equal(g->id, w.id);
	assert_int_equal(g->perms, w.perms);
	assert_int_equal(g->mode, w.perms & 0777);
	assert_int_equal(g->uid, w.uid);
	assert_int_equal(g->gid, w.gid);
	assert_int_equal(g->cuid, w.cuid);
	assert_int_equal(g->cgid, w.cgid);
	assert_true(g->ctime == w.ctime);
	assert_true(g->nsems == w.nsems);
	assert_true(g->otime == w.otime);
	assert_true(g->cbytes == w.cbytes);
	assert_true(g->qnum == w.qnum);
	assert_int_equal(g->lspid, w.lspid);
	assert_int_equal(g->lrpid, w.lrpid);
	assert_true(g->stime == w.stime);
	assert_true(g->rtime == w.rtime);
}

static void test_ipc_real(void **state)
{
	(void)state;
	struct sysvipc_ipc rows[4];
	struct sysvipc_result res;
	assert_int_equal(sysvipc_ipc_parse(SYSVIPC_SEM, real_sem, strlen(real_sem), rows, 4, &res),
			 2);
	assert_true(res.heading);
	assert_int_equal(res.skipped, 0);
	assert_int_equal(res.total, 2);
	assert_int_equal(res.totals.segments, 2);
	assert_ipc(&rows[0], (struct sysvipc_ipc){ .file = SYSVIPC_SEM,
						   .key = 0x7abc0002,
						   .id = 720950,
						   .perms = 0644,
						   .nsems = 3,
						   .ctime = 1796684852 });
	assert_ipc(&rows[1], (struct sysvipc_ipc){ .file = SYSVIPC_SEM,
						   .key = (key_t)0xdeadbeef, /* signed decimal */
						   .id = 17,
						   .perms = 01600,
						   .nsems = 1,
						   .uid = 1000,
						   .gid = 100,
						   .cuid = 1001,
						   .cgid = 101,
						   .otime = 1796684900,
						   .ctime = 1796684800 });

	assert_int_equal(sysvipc_ipc_parse(SYSVIPC_MSG, real_msg, strlen(real_msg), rows, 4, &res),
			 2);
	assert_true(res.heading);
	assert_int_equal(res.skipped, 0);
	assert_int_equal(res.totals.bytes, 305); /* the queues' bytes */
	assert_ipc(&rows[0], (struct sysvipc_ipc){ .file = SYSVIPC_MSG,
						   .key = 0x7abc0001,
						   .id = 0,
						   .perms = 0600,
						   .cbytes = 5,
						   .qnum = 1,
						   .lspid = 29067,
						   .stime = 1796684852,
						   .ctime = 1796684850 });
	assert_ipc(&rows[1], (struct sysvipc_ipc){ .file = SYSVIPC_MSG,
						   .id = 3,
						   .perms = 0666,
						   .cbytes = 300,
						   .qnum = 4,
						   .lspid = 12,
						   .lrpid = 13,
						   .uid = 1000,
						   .gid = 100,
						   .cuid = 1001,
						   .cgid = 101,
						   .stime = 1796684901,
						   .rtime = 1796684902,
						   .ctime = 1796684800 });

	/* a queue's heading is not a set's: skipped, and the kernel's order of a
	 * set's columns assumed (a queue's line has ten fields and more) */
	assert_int_equal(sysvipc_ipc_parse(SYSVIPC_SEM, real_msg, strlen(real_msg), rows, 4, &res),
			 2);
	assert_false(res.heading);
	assert_int_equal(res.skipped, 1);
}

/* A heading in another order, with a column the parser does not know: the
 * heading places every field. */
static void test_ipc_heading_order(void **state)
{
	(void)state;
	static const char sem[] = "ctime extra nsems semid key otime perms cgid cuid gid uid\n"
				  "1700000002 99 7 42 -1 1700000001 600 5 4 3 2\n";
	struct sysvipc_ipc r[2];
	struct sysvipc_result res;
	assert_int_equal(sysvipc_ipc_parse(SYSVIPC_SEM, sem, strlen(sem), r, 2, &res), 1);
	assert_true(res.heading);
	assert_ipc(&r[0], (struct sysvipc_ipc){ .file = SYSVIPC_SEM,
						.key = -1,
						.id = 42,
						.perms = 0600,
						.nsems = 7,
						.uid = 2,
						.gid = 3,
						.cuid = 4,
						.cgid = 5,
						.otime = 1700000001,
						.ctime = 1700000002 });

	static const char msg[] = "msqid key rtime stime lrpid lspid qnum cbytes perms ctime cgid "
				  "cuid gid uid\n"
				  "9 10 11 12 13 14 15 16 644 17 18 19 20 21\n";
	assert_int_equal(sysvipc_ipc_parse(SYSVIPC_MSG, msg, strlen(msg), r, 2, &res), 1);
	assert_ipc(&r[0], (struct sysvipc_ipc){ .file = SYSVIPC_MSG,
						.id = 9,
						.key = 10,
						.rtime = 11,
						.stime = 12,
						.lrpid = 13,
						.lspid = 14,
						.qnum = 15,
						.cbytes = 16,
						.perms = 0644,
						.ctime = 17,
						.cgid = 18,
						.cuid = 19,
						.gid = 20,
						.uid = 21 });

	struct sysvipc_layout l;
	sysvipc_ipc_layout_default(SYSVIPC_SEM, &l);
	assert_int_equal(l.need, SYSVIPC_SEM_NCOLS);
	sysvipc_ipc_layout_default(SYSVIPC_MSG, &l);
	assert_int_equal(l.need, SYSVIPC_MSG_NCOLS);
	/* a segment's heading is not a set's, nor a set's a queue's */
	assert_int_equal(sysvipc_ipc_parse_heading(SYSVIPC_SEM, real_msg, &l), -1);
	assert_int_equal(sysvipc_ipc_parse_heading(SYSVIPC_MSG, real_sem, &l), -1);
	assert_int_equal(sysvipc_parse_heading(real_sem, &l), -1);
}

/* A heading without a column the parser needs is no heading (it is counted
 * and skipped, and the kernel's order assumed); a line without a column is
 * skipped. */
static void test_ipc_missing_column(void **state)
{
	(void)state;
	static const char sem[] = "key semid perms nsems uid gid cuid cgid ctime\n" /* no otime */
				  "1 2 600 1 0 0 0 0 5 6\n"
				  "1 3 600 1 0 0 0 0 5\n"; /* nine fields */
	struct sysvipc_ipc r[4];
	struct sysvipc_result res;
	assert_int_equal(sysvipc_ipc_parse(SYSVIPC_SEM, sem, strlen(sem), r, 4, &res), 1);
	assert_false(res.heading);
	assert_int_equal(res.skipped, 2);
	assert_int_equal(r[0].id, 2);
	assert_int_equal(r[0].otime, 5); /* the kernel's order */
	assert_int_equal(r[0].ctime, 6);

	static const char msg[] = "key msqid perms cbytes qnum lspid lrpid uid gid cuid cgid stime "
				  "rtime ctime\n"
				  "1 2 600 3 4 5 6 7 8 9 10 11 12\n"; /* thirteen */
	assert_int_equal(sysvipc_ipc_parse(SYSVIPC_MSG, msg, strlen(msg), r, 4, &res), 0);
	assert_true(res.heading);
	assert_int_equal(res.skipped, 1);
	struct sysvipc_layout l;
	sysvipc_ipc_layout_default(SYSVIPC_MSG, &l);
	assert_int_equal(
	    sysvipc_ipc_parse_line(SYSVIPC_MSG, "1 2 600 3 4 5 6 7 8 9 10 11 12", &l, &r[0]), -1);
	assert_int_equal(
	    sysvipc_ipc_parse_line(SYSVIPC_MSG, "1 2 600 3 4 5 6 7 8 9 10 11 12 13", &l, &r[0]), 0);
	assert_int_equal(r[0].ctime, 13);
}

/* Garbage lines are counted and skipped, never guessed at; the good lines
 * around them still count. */
static void test_ipc_garbage(void **state)
{
	(void)state;
	char text[4096];
	size_t at = 0;
	at += (size_t)snprintf(text + at, sizeof text - at, "%s", real_sem);
	static const char *const bad[] = {
		"garbage",
		"1 2 600 1 0 0 0 0 5 x",         /* not a number */
		"1 2 800 1 0 0 0 0 5 6",         /* perms not octal */
		"1 -2 600 1 0 0 0 0 5 6",        /* a negative id */
		"1 2 600 1 0 0 0 0 -5 6",        /* a negative time */
		"0x10 2 600 1 0 0 0 0 5 6",      /* a key in hex */
		"1 2 600 1 0 0 0 0 5 6\x01\x02", /* a control byte glued on */
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		at += (size_t)snprintf(text + at, sizeof text - at, "%s\n", bad[i]);
	at += (size_t)snprintf(text + at, sizeof text - at, "7 8 600 2 0 0 0 0 0 9\n");
	memcpy(text + at, "1 2 6\0 0 1 0 0 0 0 5 6\n", 23); /* a NUL inside */
	at += 23;
	struct sysvipc_ipc r[8];
	struct sysvipc_result res;
	assert_int_equal(sysvipc_ipc_parse(SYSVIPC_SEM, text, at, r, 8, &res), 3);
	assert_int_equal(res.skipped, sizeof bad / sizeof bad[0] + 1);
	assert_int_equal(r[2].id, 8);
	assert_int_equal(r[2].nsems, 2);

	/* a line too long for SYSVIPC_LINE_MAX is one skipped line */
	char *big = malloc(3 * SYSVIPC_LINE_MAX);
	assert_non_null(big);
	at = (size_t)snprintf(big, 3 * SYSVIPC_LINE_MAX, "%s", real_msg);
	memset(big + at, '7', 2 * SYSVIPC_LINE_MAX);
	at += 2 * SYSVIPC_LINE_MAX;
	big[at++] = '\n';
	assert_int_equal(sysvipc_ipc_parse(SYSVIPC_MSG, big, at, r, 8, &res), 2);
	assert_int_equal(res.skipped, 1);
	free(big);
}

/* The largest values each field takes, and one past them; sums of huge
 * queues stop at UINT64_MAX. */
static void test_ipc_huge(void **state)
{
	(void)state;
	struct sysvipc_layout l;
	struct sysvipc_ipc r;
	sysvipc_ipc_layout_default(SYSVIPC_MSG, &l);
	assert_int_equal(sysvipc_ipc_parse_line(SYSVIPC_MSG,
						"4294967295 2147483647 177777 18446744073709551615 "
						"18446744073709551615 2147483647 2147483647 "
						"4294967295 4294967295 4294967295 4294967295 "
						"9223372036854775807 9223372036854775807 "
						"9223372036854775807",
						&l, &r),
			 0);
	assert_int_equal((uint32_t)r.key, 0xffffffffu);
	assert_int_equal(r.id, INT32_MAX);
	assert_int_equal(r.perms, 0177777);
	assert_int_equal(r.mode, 0777);
	assert_true(r.cbytes == UINT64_MAX);
	assert_true(r.qnum == UINT64_MAX);
	assert_int_equal(r.lspid, INT32_MAX);
	assert_int_equal(r.uid, UINT32_MAX);
	assert_true(r.ctime == INT64_MAX);
	static const char *const past[] = {
		"4294967296 1 600 0 0 0 0 0 0 0 0 0 0 0",                 /* key */
		"-2147483649 1 600 0 0 0 0 0 0 0 0 0 0 0",                /* key */
		"1 2147483648 600 0 0 0 0 0 0 0 0 0 0 0",                 /* msqid */
		"1 1 600 18446744073709551616 0 0 0 0 0 0 0 0 0 0",       /* cbytes */
		"1 1 600 0 0 2147483648 0 0 0 0 0 0 0 0",                 /* lspid */
		"1 1 600 0 0 0 0 4294967296 0 0 0 0 0 0",                 /* uid */
		"1 1 600 0 0 0 0 0 0 0 0 9223372036854775808 0 0",        /* stime */
		"1 1 600 0 0 0 0 0 0 0 0 0 0 99999999999999999999999999", /* ctime: 26 digits */
	};
	for (size_t i = 0; i < sizeof past / sizeof past[0]; i++)
		assert_int_equal(sysvipc_ipc_parse_line(SYSVIPC_MSG, past[i], &l, &r), -1);
	sysvipc_ipc_layout_default(SYSVIPC_SEM, &l);
	assert_int_equal(
	    sysvipc_ipc_parse_line(SYSVIPC_SEM, "1 1 600 18446744073709551615 0 0 0 0 0 0", &l, &r),
	    0);
	assert_true(r.nsems == UINT64_MAX);
	assert_int_equal(
	    sysvipc_ipc_parse_line(SYSVIPC_SEM, "1 1 600 18446744073709551616 0 0 0 0 0 0", &l, &r),
	    -1);

	static const char two[] = "1 1 600 18446744073709551615 1 0 0 0 0 0 0 0 0 0\n"
				  "2 2 600 18446744073709551615 1 0 0 0 0 0 0 0 0 0\n";
	struct sysvipc_ipc rows[1];
	struct sysvipc_result res;
	assert_int_equal(sysvipc_ipc_parse(SYSVIPC_MSG, two, strlen(two), rows, 1, &res), 1);
	assert_true(res.truncated); /* more than max: counted, not kept */
	assert_int_equal(res.total, 2);
	assert_int_equal(res.totals.segments, 2);
	assert_true(res.totals.bytes == UINT64_MAX);
	assert_true(res.totals.saturated);
}

/* The reader on files: a missing one is an error, and an empty one none. */
static void test_ipc_read(void **state)
{
	(void)state;
	struct sysvipc_ipc r[2];
	struct sysvipc_result res;
	assert_int_equal(sysvipc_ipc_read(SYSVIPC_SEM, "/nonexistent/sem", r, 2, &res), -1);
	char path[64];
	snprintf(path, sizeof path, "/tmp/shmtop-test-%d-msg", (int)getpid());
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(real_msg, f);
	fclose(f);
	assert_int_equal(sysvipc_ipc_read(SYSVIPC_MSG, path, r, 2, &res), 0);
	unlink(path);
	assert_int_equal(res.n, 2);
	assert_int_equal(r[1].id, 3);
	/* the kernel's own files read, whatever they hold */
	assert_int_equal(sysvipc_ipc_read(SYSVIPC_SEM, NULL, r, 2, &res), 0);
	assert_true(res.heading);
	assert_int_equal(res.skipped, 0);
	assert_int_equal(sysvipc_ipc_read(SYSVIPC_MSG, NULL, r, 2, &res), 0);
	assert_true(res.heading);
	assert_int_equal(res.skipped, 0);
	/* The figure: 1,000 sets and 1,000 queues read, best of 20. */
	static struct sysvipc_ipc many[1000];
	for (int file = SYSVIPC_SEM; file <= SYSVIPC_MSG; file++) {
		f = fopen(path, "w");
		assert_non_null(f);
		fputs(file == SYSVIPC_SEM ? real_sem : real_msg, f);
		for (int i = 2; i < 1000; i++)
			fprintf(f,
				file == SYSVIPC_SEM ? "%d %d 600 1 0 0 0 0 0 1796684852\n"
						    : "%d %d 600 5 1 29067 0 0 0 0 0 "
						      "1796684852 0 1796684850\n",
				i, i);
		fclose(f);
		int64_t best = INT64_MAX;
		for (int i = 0; i < 20; i++) {
			int64_t t0 = clock_mono_ns();
			assert_int_equal(
			    sysvipc_ipc_read((enum sysvipc_ipc_file)file, path, many, 1000, &res),
			    0);
			int64_t dt = clock_mono_ns() - t0;
			if (dt < best)
				best = dt;
		}
		assert_int_equal(res.n, 1000);
		printf("# sysvipc_ipc_read: %zu %s in %.1f us\n", res.n,
		       file == SYSVIPC_SEM ? "sets" : "queues", (double)best / 1e3);
	}
	unlink(path);
	/* a segment's sort keys leave sets alone, and the new ones have names */
	enum sysvipc_sort by;
	assert_int_equal(sysvipc_sort_parse("nsems", &by), 0);
	assert_int_equal(by, SYSVIPC_SORT_NSEMS);
	assert_string_equal(sysvipc_sort_name(SYSVIPC_SORT_LRPID), "lrpid");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_real),
		cmocka_unit_test(test_keys),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_heading),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_sort),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_read),
		cmocka_unit_test(test_ipc_real),
		cmocka_unit_test(test_ipc_heading_order),
		cmocka_unit_test(test_ipc_missing_column),
		cmocka_unit_test(test_ipc_garbage),
		cmocka_unit_test(test_ipc_huge),
		cmocka_unit_test(test_ipc_read),
	};
	return cmocka_run_group_tests(tests, NULL, test_cleanup_keys);
}
