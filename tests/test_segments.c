/* SPDX-License-Identifier: MIT */
/* The all-segments batch output: the table, JSON lines and Prometheus text
 * of a made-up snapshot, exactly; and a real snapshot with a segment of
 * ours and a live shmwriter in it.  Then one segment attached by key and by
 * shmid (segment.h), and refused alike to another user. */
#include <ctype.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/shm.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "testutil.h"

#include "objlist_table.h"
#include "segment.h"

static struct objlist_row rows[3];
static struct objlist snap;

static void make_snapshot(void)
{
	memset(rows, 0, sizeof rows);
	rows[0].shm.st = (struct ipcstat){ .shmid = 5,
					   .key = 0x2537,
					   .size = 16640,
					   .mode = 0600,
					   .locked = true,
					   .nattch = 3,
					   .cpid = 4242,
					   .lpid = 4343,
					   .atime = 1699999000,
					   .dtime = 1699998000,
					   .ctime = 1699999200 /* today */ };
	rows[0].shm.rss = 16384;
	rows[0].shm.have_mem = true;
	snprintf(rows[0].owner, sizeof rows[0].owner, "root");
	snprintf(rows[0].command, sizeof rows[0].command, "shmwriter");
	rows[0].is_record = true;
	rows[0].writer_alive = true;
	rows[0].snap.count = 12345;
	rows[0].snap.state = SHMTOP_STATE_RUNNING;
	rows[0].snap.resets = 1;
	rows[0].snap.writer_pid = 4242;
	rows[0].snap.wall_ns = INT64_C(1699999999500000000);
	rows[1].shm.st = (struct ipcstat){ .shmid = 32769,
					   .key = 0,
					   .size = 40,
					   .mode = 0644,
					   .dest = true,
					   .nattch = 1,
					   .uid = 1000,
					   .cpid = 7,
					   .lpid = 8,
					   .ctime = 1699600000 /* Nov 10 */ };
	rows[1].shm.have_mem = true;
	rows[1].shm.rss = 4096;
	snprintf(rows[1].owner, sizeof rows[1].owner, "al\"ice");
	rows[2].shm.st = (struct ipcstat){ .shmid = 9,
					   .key = -1,
					   .size = 3u << 20,
					   .mode = 0666,
					   .ctime = 1600000000 /* 2020 */ };
	snprintf(rows[2].owner, sizeof rows[2].owner, "4000");
	for (int i = 0; i < 3; i++) { /* the fields of every kind, as collect fills them */
		struct objlist_row *r = &rows[i];
		r->kind = OBJLIST_SYSV;
		r->ino = (uint64_t)r->shm.st.shmid;
		r->size = r->shm.st.size;
		r->resident = r->shm.rss;
		r->swap = r->shm.swap;
		r->have_resident = r->shm.have_mem;
		r->uid = r->shm.st.uid;
		r->gid = r->shm.st.gid;
		r->mode = r->shm.st.mode;
		r->mtime = r->shm.st.ctime;
	}
	rows[2].orphan = true; /* nattch 0, its creator gone */
	memset(&snap, 0, sizeof snap);
	for (int i = 0; i < 3; i++) {
		snap.kinds[OBJLIST_SYSV].objects++;
		snap.kinds[OBJLIST_SYSV].bytes += rows[i].size;
		snap.kinds[OBJLIST_SYSV].resident += rows[i].resident;
	}
	snap.orphans = (struct objlist_totals){ 1, rows[2].size, 0 };
	snap.rows = rows;
	snap.max = 3;
	snap.n = 3;
	struct sysvipc_shm plain[3] = { rows[0].shm, rows[1].shm, rows[2].shm };
	sysvipc_totals(plain, 3, &snap.res.totals);
	snap.res.n = snap.res.total = 3;
	snap.limits =
	    (struct sysvipc_limits){ 4096, 1000, UINT64_C(18446744073692774399), true, true, true };
	snap.page_size = 4096;
	snap.wall_ns = INT64_C(1700000000) * 1000000000;
	objlist_sort(&snap, SYSVIPC_SORT_SIZE, true);
}

typedef void (*writer_fn)(FILE *, const struct objlist *);

/* (not inlined: GCC 12 takes its result for a pointer to its local) */
__attribute__((noinline)) static char *capture(writer_fn fn, const struct objlist *s)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	assert_non_null(f);
	fn(f, s);
	fclose(f);
	return text;
}

static struct objlist_table_output output;

static void table_fn(FILE *f, const struct objlist *s)
{
	assert_int_equal(objlist_table_write(f, s, &output), 0);
}

static char *table(enum objlist_table_format fmt, const char *columns)
{
	output = (struct objlist_table_output){ .format = fmt, .columns = columns };
	return capture(table_fn, &snap);
}

static void test_text(void **state)
{
	(void)state;
	setenv("TZ", "UTC", 1);
	tzset();
	make_snapshot();
	char *t = table(OBJLIST_TABLE_TEXT, NULL);
	static const char want[] =
	    "shmtop - all shared memory - 2023-11-14 22:13:20\n"
	    "SHMMNI 3 of 4096 (0.07%)   SHMALL 772 of 1000 (77.20%)   SHMMAX "
	    "18446744073692774399\n"
	    "Total 3.0M in 3 segments, 4 attaches, 1 dest, 1 locked; rss 20.0K, swap 0\n"
	    "sysv 3: 3.0M, rss 20.0K   posix 0   sem 0   memfd 0   deleted 0   file 0   "
	    "sysv-sem 0   sysv-msg 0   mqueue 0\n"
	    "orphans 1, 3.0M (SysV only: no scan of /proc)\n"
	    "Sorted by size, reversed\n"
	    "\n"
	    "KEY        ID        PERMS  OWNER  SIZE NATTCH STATUS    CTIME CPID LPID COMMAND   "
	    "KIND RSS HOLDERS ORPHAN NAME\n"
	    "0xffffffff 9     rw-rw-rw-   4000    3M      0        2020-Sep    0    0           "
	    "sysv             yes    \n"
	    "0x00002537 5     rw-------   root 16.3K      3 locked    22:00 4242 4343 shmwriter "
	    "sysv 16K         no     \n"
	    "0x00000000 32769 rw-r--r-- al\"ice   40B      1 dest      Nov10    7    8           "
	    "sysv  4K         no     \n"
	    "\n";
	assert_string_equal(t, want);
	free(t);
	/* a total that stopped at UINT64_MAX says it is at least that */
	snap.res.totals.bytes = UINT64_MAX;
	snap.kinds[OBJLIST_SYSV].bytes = UINT64_MAX;
	snap.saturated = true;
	t = table(OBJLIST_TABLE_TEXT, NULL);
	assert_non_null(strstr(t, "\nTotal >=16.0E in 3 segments, 4 attaches"));
	assert_non_null(strstr(t, "\nsysv 3: >=16.0E, rss 20.0K "));
	free(t);
	make_snapshot();
	/* lsipc's default columns, as lsipc prints them */
	t = table(OBJLIST_TABLE_TEXT,
		  "KEY,ID,PERMS,OWNER,SIZE,NATTCH,STATUS,CTIME,CPID,LPID,COMMAND");
	const char *table_part = strstr(t, "\n\nKEY");
	assert_non_null(table_part);
	assert_string_equal(
	    table_part + 2,
	    "KEY        ID        PERMS  OWNER  SIZE NATTCH STATUS    CTIME CPID LPID COMMAND\n"
	    "0xffffffff 9     rw-rw-rw-   4000    3M      0        2020-Sep    0    0 \n"
	    "0x00002537 5     rw-------   root 16.3K      3 locked    22:00 4242 4343 shmwriter\n"
	    "0x00000000 32769 rw-r--r-- al\"ice   40B      1 dest      Nov10    7    8 \n"
	    "\n");
	free(t);
	/* truncated: says how many of how many */
	snap.truncated = true;
	snap.total = 10;
	t = table(OBJLIST_TABLE_TEXT, NULL);
	assert_non_null(strstr(t, "Sorted by size, reversed; showing 3 of 10\n"));
	free(t);
	/* lsipc's options: columns, raw, no headings, bytes */
	output = (struct objlist_table_output){
		.format = OBJLIST_TABLE_TEXT, .columns = "id,SIZE,count", .raw = true, .bytes = true
	};
	t = capture(table_fn, &snap);
	/* no value is "-", so that awk's fields never shift */
	assert_string_equal(t, "ID SIZE COUNT\n9 3145728 -\n5 16640 12345\n32769 40 -\n");
	free(t);
	output.raw = false;
	output.noheadings = true;
	output.columns = "KEY,ID,PERMS,OWNER,SIZE,NATTCH,STATUS,CTIME,CPID,LPID,COMMAND,COUNT";
	t = capture(table_fn, &snap);
	const char *second = strchr(t, '\n');
	assert_non_null(second);
	assert_string_equal(
	    second + 1, "0x00002537 5     rw-------   root   16640      3 locked    22:00 4242 "
			"4343 shmwriter 12345\n"
			"0x00000000 32769 rw-r--r-- al\"ice      40      1 dest      Nov10    7    "
			"8 -             -\n");
	free(t);
}

/* lsipc's sizes (util-linux's size_to_human_string()) */
static void test_human_size(void **state)
{
	(void)state;
	static const struct {
		uint64_t bytes;
		const char *text;
	} cases[] = {
		{ 0, "0B" },
		{ 40, "40B" },
		{ 1023, "1023B" },
		{ 1024, "1K" },
		{ 4096, "4K" },
		{ 16640, "16.3K" },
		{ 1075, "1K" },
		{ 1076, "1.1K" },
		{ 1048575, "1024K" },
		{ 1048576, "1M" },
		{ 1572864, "1.5M" },
		{ 3u << 20, "3M" },
		{ UINT64_C(1) << 40, "1T" },
		{ UINT64_MAX, "16E" },
	};
	make_snapshot();
	snap.n = 1;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		rows[0].size = cases[i].bytes;
		output = (struct objlist_table_output){ .format = OBJLIST_TABLE_TEXT,
							.columns = "SIZE",
							.noheadings = true,
							.raw = true };
		char *t = capture(table_fn, &snap);
		char want[32];
		snprintf(want, sizeof want, "%s\n", cases[i].text);
		assert_string_equal(t, want);
		free(t);
	}
}

static void test_json(void **state)
{
	(void)state;
	make_snapshot();
	objlist_sort(&snap, SYSVIPC_SORT_SHMID, false);
	char *t =
	    table(OBJLIST_TABLE_JSON, "KEY,ID,OWNER,SIZE,STATUS,DETACH,COMMAND,COUNT,WRITER_ALIVE");
	/* JSON Lines: the document on one line, lsipc's keys */
	static const char want[] =
	    "{\"sharedmemory\":["
	    "{\"key\":\"0x00002537\",\"id\":5,\"owner\":\"root\",\"size\":16640,"
	    "\"status\":\"locked\",\"detach\":1699998000,\"command\":\"shmwriter\","
	    "\"count\":12345,\"writer_alive\":true},"
	    "{\"key\":\"0xffffffff\",\"id\":9,\"owner\":\"4000\",\"size\":3145728,"
	    "\"status\":null,\"detach\":null,\"command\":null,\"count\":null,"
	    "\"writer_alive\":null},"
	    "{\"key\":\"0x00000000\",\"id\":32769,\"owner\":\"al\\\"ice\",\"size\":40,"
	    "\"status\":\"dest\",\"detach\":null,\"command\":null,\"count\":null,"
	    "\"writer_alive\":null}]}\n";
	assert_string_equal(t, want);
	free(t);
}

/* Every column by default; names that are not valid UTF-8, and control
 * characters, still give JSON that python3 parses, with U+FFFD for the
 * invalid bytes. */
static void test_json_bytes(void **state)
{
	(void)state;
	make_snapshot();
	objlist_sort(&snap, SYSVIPC_SORT_SHMID, false); /* shmid 5, 9, 32769 */
	snprintf(rows[0].command, sizeof rows[0].command, "\xff\xfe");
	snprintf(rows[2].command, sizeof rows[2].command, "a\x01\n\tb\x7f\"\\");
	snprintf(rows[1].owner, sizeof rows[1].owner, "x\xc3");
	char *t = table(OBJLIST_TABLE_JSON, NULL);
	for (size_t i = 0; objlist_table_column_name(i); i++) {
		char key[32];
		snprintf(key, sizeof key, "\"%s\":", objlist_table_column_name(i));
		for (char *p = key; *p; p++)
			*p = (char)tolower((unsigned char)*p);
		assert_non_null(strstr(t, key));
	}
	if (system("python3 -c '' 2>/dev/null") != 0) {
		free(t);
		skip();
		return;
	}
	char path[] = "/tmp/test_segments.XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, t, strlen(t)), (ssize_t)strlen(t));
	close(fd);
	free(t);
	char cmd[1024];
	snprintf(cmd, sizeof cmd,
		 "python3 -c 'import json,sys\n"
		 "rows = json.loads(open(sys.argv[1], "
		 "\"rb\").read().decode(\"utf-8\"))[\"sharedmemory\"]\n"
		 "by = {r[\"id\"]: r for r in rows}\n"
		 "ok = (by[5][\"command\"] == \"\\ufffd\\ufffd\" and by[32769][\"command\"] == "
		 "\"a\\x01\\n\\tb\\x7f\\\"\\\\\" and by[9][\"owner\"] == \"x\\ufffd\" and "
		 "by[5][\"writer_alive\"] is True and by[5][\"size\"] == 16640 and "
		 "by[9][\"rss\"] is None and by[5][\"state\"] == \"running\")\n"
		 "sys.exit(not ok)' %s",
		 path);
	int rc = system(cmd);
	if (!rc)
		unlink(path);
	assert_int_equal(rc, 0);
}

static void prom_fn(FILE *f, const struct objlist *s)
{
	assert_int_equal(objlist_table_prom(f, s, NULL), 0);
}

static void test_prom(void **state)
{
	(void)state;
	make_snapshot();
	char *t = capture(prom_fn, &snap);
	assert_non_null(
	    strstr(t, "shmtop_segment_bytes{key=\"0xffffffff\",shmid=\"9\",owner=\"4000\"} "
		      "3145728\n"));
	assert_non_null(strstr(t, "shmtop_segment_dest{key=\"0x00000000\",shmid=\"32769\","
				  "owner=\"al\\\"ice\"} 1\n"));
	assert_non_null(strstr(t, "shmtop_count{key=\"0x00002537\",shmid=\"5\",owner=\"root\"} "
				  "12345\n"));
	assert_non_null(strstr(t, "shmtop_last_update_seconds{key=\"0x00002537\",shmid=\"5\","
				  "owner=\"root\"} 1699999999.500\n"));
	assert_non_null(strstr(t, "shmtop_pages 772\nshmtop_rss_bytes") ||
			strstr(t, "shmtop_pages 772\n# HELP shmtop_rss_bytes"));
	assert_non_null(strstr(t, "shmtop_pages_limit 1000\n"));
	free(t);
}

/* An object list of every kind, by hand: the SysV segments of make_snapshot()
 * (shmid 5, 9, 32769), then a POSIX object held by two processes, an
 * orphan POSIX object, a semaphore, a memfd object whose name holds '"',
 * '\' and a newline, and a deleted object with an invalid byte. */
static struct objlist_row krows[9];
static struct objlist_holder kholders[4];

static void make_kinds(void)
{
	make_snapshot();
	memset(krows, 0, sizeof krows);
	memcpy(krows, rows, sizeof rows);
	static const struct {
		enum objlist_kind kind;
		const char *name;
		uint64_t ino, size, resident;
		bool orphan;
		size_t holder0, nholders;
	} objs[] = {
		{ OBJLIST_POSIX, "pulse shm", 11, 67108864, 8192, false, 0, 2 },
		{ OBJLIST_POSIX, "leaked", 12, 1048576, 1048576, true, 2, 0 },
		{ OBJLIST_SEM, "sem.lock", 13, 32, 4096, false, 2, 1 },
		{ OBJLIST_MEMFD, "a\"b\\c\nd", 14, 2097152, 4096, false, 3, 1 },
		{ OBJLIST_DELETED, "gone\xff", 15, 4096, 4096, false, 3, 1 },
	};
	memset(&snap.kinds, 0, sizeof snap.kinds);
	for (size_t i = 0; i < 3; i++) {
		snap.kinds[OBJLIST_SYSV].objects++;
		snap.kinds[OBJLIST_SYSV].bytes += krows[i].size;
		snap.kinds[OBJLIST_SYSV].resident += krows[i].resident;
	}
	for (size_t i = 0; i < sizeof objs / sizeof objs[0]; i++) {
		struct objlist_row *r = &krows[3 + i];
		r->kind = objs[i].kind;
		snprintf(r->name, sizeof r->name, "%s", objs[i].name);
		r->dev = 0x16;
		r->ino = objs[i].ino;
		r->size = objs[i].size;
		r->resident = objs[i].resident;
		r->have_resident = true;
		r->uid = 0;
		r->mode = 0600;
		r->mtime = 1699999000;
		r->orphan = objs[i].orphan;
		r->holder0 = objs[i].holder0;
		r->nholders = objs[i].nholders;
		r->shm.order = (unsigned)(3 + i);
		snprintf(r->owner, sizeof r->owner, "root");
		snap.kinds[r->kind].objects++;
		snap.kinds[r->kind].bytes += r->size;
		snap.kinds[r->kind].resident += r->resident;
	}
	kholders[0] = (struct objlist_holder){ 100, 0, "pulseaudio", 1, 0, 1 };
	kholders[1] = (struct objlist_holder){ 200, 0, "fire\"fox", 0, 2, 0 };
	kholders[2] = (struct objlist_holder){ 300, 0, "locker", 1, 0, 0 };
	kholders[3] = (struct objlist_holder){ 400, 0, "pipewire", 0, 0, 3 };
	snap.rows = krows;
	snap.max = snap.n = snap.total = 8;
	snap.holders = kholders;
	snap.nholders = 4;
	snap.scanned = true;
	snap.scan_ns = snap.wall_ns;
	snap.orphans = (struct objlist_totals){ 2, 3145728 + 1048576, 1048576 };
	snap.have_devshm = true;
	snap.devshm_size = UINT64_C(4) << 30;
	snap.devshm_used = UINT64_C(70) << 20;
	objlist_sort(&snap, SYSVIPC_SORT_SHMID, false);
	/* rows[] were the SysV rows' */
}

/* The times t contains needle. */
static int lines_with(const char *t, const char *needle)
{
	int n = 0;
	for (const char *p = t; (p = strstr(p, needle)); p++)
		n++;
	return n;
}

/* The rows of the table in t (after the summary's blank line and the
 * heading) whose KIND is kind. */
static int rows_of(const char *t, const char *kind)
{
	const char *p = strstr(t, "\n\nKEY ");
	assert_non_null(p);
	p = strchr(p + 2, '\n') + 1;
	char word[16];
	snprintf(word, sizeof word, " %s ", kind);
	int n = 0;
	while (*p && *p != '\n') {
		const char *eol = strchr(p, '\n');
		const char *at = strstr(p, word);
		if (at && at < eol)
			n++;
		p = eol + 1;
	}
	return n;
}

static void test_kinds_text(void **state)
{
	(void)state;
	setenv("TZ", "UTC", 1);
	tzset();
	make_kinds();
	char *t = table(OBJLIST_TABLE_TEXT, NULL);
	assert_non_null(
	    strstr(t, "sysv 3: 3.0M, rss 20.0K   posix 2: 65.0M, rss 1.0M   sem 1: 32, "
		      "rss 4.0K   memfd 1: 2.0M, rss 4.0K   deleted 1: 4.0K, rss 4.0K   file 0   "
		      "sysv-sem 0   sysv-msg 0   mqueue 0\n"));
	assert_non_null(strstr(t, "/dev/shm 4.0G, 70.0M used (1.71%)   orphans 2, 4.0M   holders "
				  "scanned at 22:13:20\n"));
	/* a row per object, each on one line: the newline as \n and the
	 * invalid byte as \xNN (escape.h), the name last, the SysV columns blank */
	const char *table_part = strstr(t, "\n\nKEY ");
	assert_non_null(table_part);
	int nlines = 0;
	for (const char *p = table_part + 2; *p && *p != '\n'; p = strchr(p, '\n') + 1)
		nlines++;
	assert_int_equal(nlines, 1 + 8);
	const char *hdr = table_part + 2;
	size_t name_at = (size_t)(strstr(hdr, "NAME\n") - hdr);
	static const char *const names[] = { "pulse shm", "leaked", "sem.lock", "a\"b\\\\c\\nd",
					     "gone\\xff" };
	for (size_t i = 0; i < 5; i++) {
		char want[64];
		snprintf(want, sizeof want, "%s\n", names[i]);
		const char *at = strstr(hdr, want);
		assert_non_null(at);
		const char *bol = at;
		while (bol > hdr && bol[-1] != '\n')
			bol--;
		assert_int_equal((size_t)(at - bol), name_at);
	}
	assert_non_null(strstr(t, "\n                 rw-------   root   64M                  21:56"
				  "                     posix    8K       2 no     pulse shm\n"));
	assert_non_null(strstr(t, " posix    1M       0 yes    leaked\n"));
	assert_int_equal(rows_of(t, "memfd"), 1);
	assert_int_equal(rows_of(t, "sysv"), 3);
	free(t);
	/* a scan that could not read every process says so */
	snap.scan_hidden = 3;
	snap.scan_procs = 40;
	t = table(OBJLIST_TABLE_TEXT, "KIND,ORPHAN,NAME");
	assert_non_null(strstr(t, "holders scanned at 22:13:20 (3 of 40 processes unreadable)\n"));
	assert_non_null(strstr(t, "\nposix   yes    leaked\n"));
	assert_non_null(strstr(t, "\nmemfd   no     a\"b\\\\c\\nd\n"));
	free(t);
	snap.scan_hidden = 0;
	/* a scan past its cap of pairs says how much it left out */
	snap.scan_dropped = 5000;
	t = table(OBJLIST_TABLE_TEXT, "KIND,ORPHAN,NAME");
	char cut[128];
	snprintf(cut, sizeof cut,
		 "at 22:13:20 (truncated: 5000 mappings and fds past %zu pairs left out)\n",
		 snap.nseen);
	assert_non_null(strstr(t, cut));
	free(t);
	snap.scan_dropped = 0;

	/* -F: the rows that match, the host's totals, how many matched */
	output = (struct objlist_table_output){ .format = OBJLIST_TABLE_TEXT, .filter = "POSIX" };
	t = capture(table_fn, &snap);
	assert_int_equal(rows_of(t, "posix"), 2);
	assert_int_equal(lines_with(t, "\n0x"), 0);
	assert_int_equal(rows_of(t, "memfd"), 0);
	assert_non_null(strstr(t, "sysv 3: 3.0M")); /* totals: the host's */
	assert_non_null(strstr(t, "; 2 of 8 match \"POSIX\"\n"));
	free(t);
	output =
	    (struct objlist_table_output){ .format = OBJLIST_TABLE_TEXT, .filter = "0x00002537" };
	t = capture(table_fn, &snap);
	assert_int_equal(lines_with(t, "\n0x"), 1);
	assert_int_equal(rows_of(t, "posix"), 0);
	free(t);
	output = (struct objlist_table_output){ .format = OBJLIST_TABLE_TEXT, .filter = "b\\c\nd" };
	t = capture(table_fn, &snap);
	assert_int_equal(rows_of(t, "memfd"), 1);
	assert_int_equal(lines_with(t, "\n0x"), 0);
	assert_non_null(
	    strstr(t, "; 1 of 8 match \"b\\\\c\\nd\"\n")); /* the user's text, one line */
	free(t);
	output =
	    (struct objlist_table_output){ .format = OBJLIST_TABLE_TEXT, .filter = "nothing-such" };
	t = capture(table_fn, &snap);
	assert_non_null(strstr(t, "; 0 of 8 match"));
	assert_int_equal(lines_with(t, "\n0x"), 0);
	free(t);

	/* -t: kinds exactly, where -F matches text: a POSIX object named
	 * "sysv-cache" is a match for -F sysv, not of -t sysv */
	struct objlist_row *leaked = NULL;
	for (size_t i = 0; i < snap.n; i++)
		if (strcmp(snap.rows[i].name, "leaked") == 0)
			leaked = &snap.rows[i];
	assert_non_null(leaked);
	snprintf(leaked->name, sizeof leaked->name, "sysv-cache");
	output = (struct objlist_table_output){ .format = OBJLIST_TABLE_TEXT, .filter = "sysv" };
	t = capture(table_fn, &snap);
	assert_int_equal(rows_of(t, "posix"), 1);
	free(t);
	output = (struct objlist_table_output){ .format = OBJLIST_TABLE_TEXT,
						.kinds = 1u << OBJLIST_SYSV };
	t = capture(table_fn, &snap);
	assert_int_equal(rows_of(t, "sysv"), 3);
	assert_int_equal(rows_of(t, "posix") + rows_of(t, "memfd") + rows_of(t, "sem") +
			     rows_of(t, "deleted"),
			 0);
	assert_non_null(strstr(t, "\nsysv 3: 3.0M, rss 20.0K   posix 2: 65.0M")); /* the host's */
	assert_non_null(strstr(t, "; 3 of 8 match -t sysv\n"));
	free(t);
	output =
	    (struct objlist_table_output){ .format = OBJLIST_TABLE_TEXT,
					   .kinds = 1u << OBJLIST_POSIX | 1u << OBJLIST_MEMFD };
	t = capture(table_fn, &snap);
	assert_int_equal(rows_of(t, "posix"), 2);
	assert_int_equal(rows_of(t, "memfd"), 1);
	assert_int_equal(rows_of(t, "sysv") + rows_of(t, "sem") + rows_of(t, "deleted"), 0);
	assert_non_null(strstr(t, "; 3 of 8 match -t posix,memfd\n"));
	free(t);
	/* --raw: no value is "-", so every row has as many fields as columns */
	output =
	    (struct objlist_table_output){ .format = OBJLIST_TABLE_TEXT,
					   .columns = "KEY,ID,PERMS,KIND,STATUS",
					   .raw = true,
					   .kinds = 1u << OBJLIST_MEMFD | 1u << OBJLIST_POSIX };
	t = capture(table_fn, &snap);
	assert_int_equal(lines_with(t, "\n- - rw------- posix -\n"), 2);
	assert_int_equal(lines_with(t, " posix -\n"), 2);
	assert_int_equal(lines_with(t, " memfd -\n"), 1);
	assert_int_equal(lines_with(t, "\n- - "), 3);
	assert_null(strstr(t, "  "));
	free(t);
}

/* Write t to a temporary file and run a python3 check over it (argv[1]);
 * skip without python3. */
static void python_check(char *t, const char *script)
{
	if (system("python3 -c '' 2>/dev/null") != 0) {
		free(t);
		skip();
		return;
	}
	char path[] = "/tmp/test_segments.XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, t, strlen(t)), (ssize_t)strlen(t));
	close(fd);
	free(t);
	char cmd[4096];
	snprintf(cmd, sizeof cmd, "python3 -c '%s' %s", script, path);
	int rc = system(cmd);
	if (!rc)
		unlink(path);
	assert_int_equal(rc, 0);
}

static void test_kinds_json(void **state)
{
	(void)state;
	make_kinds();
	char *t = table(OBJLIST_TABLE_JSON, NULL);
	assert_non_null(strstr(t, "\"kind\":\"posix\",\"name\":\"pulse shm\","));
	assert_non_null(strstr(t, "\"name\":\"a\\\"b\\\\c\\u000ad\","));
	assert_non_null(strstr(t, "\"name\":\"gone\xef\xbf\xbd\","));
	assert_non_null(strstr(t, "\"holders\":[{\"pid\":100,\"user\":\"root\",\"comm\":"
				  "\"pulseaudio\",\"rw\":1,\"ro\":0,\"fds\":1},{\"pid\":"
				  "200,\"user\":\"root\",\"comm\":\"fire\\\"fox\",\"rw\":0,"
				  "\"ro\":2,\"fds\":0}],"));
	assert_non_null(strstr(t, "\"holders\":[],"));
	assert_ptr_equal(strchr(t, '\n'), t + strlen(t) - 1); /* one line */
	python_check(
	    t,
	    "import json, sys\n"
	    "rows = json.loads(open(sys.argv[1], \"rb\").read().decode())[\"sharedmemory\"]\n"
	    "assert len(rows) == 8, rows\n"
	    "by = {(r[\"kind\"], r[\"name\"] if r[\"kind\"] != \"sysv\" else r[\"id\"]): r "
	    "for r in rows}\n"
	    "p = by[(\"posix\", \"pulse shm\")]\n"
	    "assert p[\"key\"] is None and p[\"id\"] is None and p[\"nattch\"] is None, p\n"
	    "assert p[\"size\"] == 67108864 and p[\"rss\"] == 8192 and p[\"swap\"] is None, p\n"
	    "assert [h[\"pid\"] for h in p[\"holders\"]] == [100, 200], p\n"
	    "assert p[\"holders\"][1] == {\"pid\": 200, \"user\": \"root\", \"comm\": "
	    "\"fire\\\"fox\", \"rw\": 0, \"ro\": 2, \"fds\": 0}, p\n"
	    "assert p[\"orphan\"] is False and by[(\"posix\", \"leaked\")][\"orphan\"] is True\n"
	    "m = by[(\"memfd\", \"a\\\"b\\\\c\\nd\")]\n"
	    "assert m[\"holders\"][0][\"pid\"] == 400 and m[\"holders\"][0][\"fds\"] == 3, m\n"
	    "assert by[(\"deleted\", \"gone\\ufffd\")][\"size\"] == 4096\n"
	    "s = by[(\"sysv\", 5)]\n"
	    "assert s[\"name\"] is None and s[\"key\"] == \"0x00002537\" and s[\"nattch\"] == 3\n"
	    "assert s[\"holders\"] == [] and s[\"rss\"] == 16384 and s[\"count\"] == 12345, s\n"
	    "assert by[(\"sysv\", 9)][\"orphan\"] is True\n");
	/* -F narrows the JSON too */
	output = (struct objlist_table_output){ .format = OBJLIST_TABLE_JSON, .filter = "memfd" };
	t = capture(table_fn, &snap);
	assert_int_equal(lines_with(t, "\"kind\":"), 1);
	assert_non_null(strstr(t, "\"kind\":\"memfd\""));
	free(t);
	output =
	    (struct objlist_table_output){ .format = OBJLIST_TABLE_JSON, .filter = "nothing-such" };
	t = capture(table_fn, &snap);
	assert_string_equal(t, "{\"sharedmemory\":[]}\n");
	free(t);
	/* before any scan: no holders known, nor POSIX orphans; a memfd
	 * object is never one */
	snap.scanned = false;
	t = table(OBJLIST_TABLE_JSON, "KIND,NAME,HOLDERS,ORPHAN");
	assert_non_null(strstr(t, "\"name\":\"leaked\",\"holders\":null,\"orphan\":null}"));
	assert_non_null(strstr(t, "\"name\":\"sem.lock\",\"holders\":null,\"orphan\":null}"));
	assert_non_null(
	    strstr(t, "\"name\":\"a\\\"b\\\\c\\u000ad\",\"holders\":null,\"orphan\":false}"));
	free(t);
}

static struct objlist_table_output prom_output;

static void prom_filtered_fn(FILE *f, const struct objlist *s)
{
	assert_int_equal(objlist_table_prom(f, s, &prom_output), 0);
}

/* Label values escaped as the format says; the same exposition passes
 * tests/prom_check.py; -F keeps the matching objects and the host's
 * totals. */
static void test_kinds_prom(void **state)
{
	(void)state;
	make_kinds();
	char *t = capture(prom_fn, &snap);
	assert_non_null(strstr(t,
			       "shmtop_object_bytes{kind=\"memfd\",name=\"a\\\"b\\\\\\\\c\\\\nd\","
			       "id=\"14\",owner=\"root\"} 2097152\n"));
	assert_non_null(strstr(t, "shmtop_object_bytes{kind=\"deleted\",name=\"gone\\\\xff\","
				  "id=\"15\",owner=\"root\"} 4096\n"));
	assert_non_null(strstr(t, "shmtop_object_holders{kind=\"posix\",name=\"pulse shm\","
				  "id=\"11\",owner=\"root\"} 2\n"));
	assert_non_null(strstr(t, "shmtop_object_orphan{kind=\"posix\",name=\"leaked\",id=\"12\","
				  "owner=\"root\"} 1\n"));
	assert_non_null(strstr(t, "shmtop_object_bytes{kind=\"sysv\",name=\"\",id=\"32769\","
				  "owner=\"al\\\"ice\"} 40\n"));
	assert_non_null(strstr(t, "shmtop_objects{kind=\"posix\"} 2\n"));
	assert_non_null(strstr(t, "shmtop_objects_bytes{kind=\"posix\"} 68157440\n"));
	assert_non_null(strstr(t, "shmtop_orphans 2\n"));
	assert_non_null(strstr(t, "shmtop_devshm_used_bytes 73400320\n"));
	/* the SysV families as before */
	assert_non_null(
	    strstr(t, "shmtop_segment_bytes{key=\"0xffffffff\",shmid=\"9\",owner=\"4000\"} "
		      "3145728\n"));
	char check[512];
	snprintf(check, sizeof check,
		 "import subprocess, sys, os\n"
		 "script = os.path.join(os.path.dirname(\"%s\"), \"prom_check.py\")\n"
		 "sys.exit(subprocess.call([sys.executable, script, sys.argv[1]], "
		 "stdout=subprocess.DEVNULL))\n",
		 __FILE__);
	python_check(t, check);

	prom_output =
	    (struct objlist_table_output){ .format = OBJLIST_TABLE_PROM, .filter = "pulse" };
	t = capture(prom_filtered_fn, &snap);
	assert_int_equal(lines_with(t, "shmtop_object_bytes{"), 1);
	assert_non_null(strstr(t, "name=\"pulse shm\""));
	assert_null(strstr(t, "shmtop_segment_bytes{")); /* no SysV row matches */
	assert_non_null(strstr(t, "shmtop_objects{kind=\"sysv\"} 3\n"));
	assert_non_null(strstr(t, "shmtop_segments 3\n"));
	free(t);

	/* one name and inode on two devices (another mount namespace's
	 * /dev/shm): the two ids name their devices, no sample is there twice */
	krows[8] = krows[7];
	krows[8].dev = makedev(0, 39);
	snap.n = snap.total = 9;
	t = capture(prom_fn, &snap);
	assert_non_null(strstr(t, "shmtop_object_bytes{kind=\"deleted\",name=\"gone\\\\xff\","
				  "id=\"15@0:22\",owner=\"root\"} 4096\n"));
	assert_non_null(strstr(t, "shmtop_object_bytes{kind=\"deleted\",name=\"gone\\\\xff\","
				  "id=\"15@0:39\",owner=\"root\"} 4096\n"));
	assert_non_null(strstr(t, "id=\"14\",owner=\"root\"} 2097152\n"));
	python_check(t, check);
}

/* The real host: a segment of ours and a shmwriter's are in the snapshot
 * with their owner, command and record. */
static void test_collect(void **state)
{
	(void)state;
	int id = shmget(test_key(0), 5000, IPC_CREAT | IPC_EXCL | 0640);
	assert_true(id >= 0);
	char kbuf[16];
	snprintf(kbuf, sizeof kbuf, "0x%08x", (unsigned)test_key(1));
	const char *args[] = { "-k", kbuf, "-i", "0.05", NULL };
	struct child w = spawn_writer(args);
	assert_true(w.pid > 0);
	char line[256];
	read_line(w.out, line, sizeof line, 5000);
	int wid = shmget(test_key(1), 0, 0);
	assert_true(wid >= 0);

	snap.max = 4096;
	snap.rows = calloc(snap.max, sizeof *snap.rows);
	assert_non_null(snap.rows);
	int64_t t0 = clock_mono_ns();
	assert_int_equal(objlist_collect(&snap, OBJLIST_ALL | OBJLIST_RECORDS), 0);
	int64_t dt = clock_mono_ns() - t0;
	printf("# objlist_collect (names, commands, records): %zu segments in %.2f ms\n", snap.n,
	       (double)dt / 1e6);
	assert_false(snap.res.truncated);
	assert_true(snap.limits.have_shmmni);
	int seen = 0;
	for (size_t i = 0; i < snap.n; i++) {
		const struct objlist_row *r = &snap.rows[i];
		if (r->shm.st.shmid == id) {
			seen++;
			assert_string_equal(r->owner, "root");
			assert_string_equal(r->command, "test_segments");
			assert_false(r->is_record);
			assert_int_equal(r->shm.st.size, 5000);
		} else if (r->shm.st.shmid == wid) {
			seen++;
			assert_string_equal(r->command, "shmwriter");
			assert_true(r->is_record);
			assert_true(r->writer_alive);
			assert_int_equal(r->snap.writer_pid, w.pid);
			assert_int_equal(r->snap.state, SHMTOP_STATE_RUNNING);
		}
	}
	assert_int_equal(seen, 2);
	/* the whole batch, each format */
	for (int fmt = OBJLIST_TABLE_TEXT; fmt <= OBJLIST_TABLE_PROM; fmt++) {
		char *text = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&text, &len);
		struct objlist_table_output o = { .format = (enum objlist_table_format)fmt,
						  .sort = SYSVIPC_SORT_SIZE,
						  .reverse = true };
		assert_true(objlist_table_batch(f, &o, OBJLIST_ALL | OBJLIST_RECORDS) >= 1);
		fclose(f);
		char want[64];
		snprintf(want, sizeof want, "\"id\":%d,", wid);
		if (fmt == OBJLIST_TABLE_JSON)
			assert_non_null(strstr(text, want));
		snprintf(want, sizeof want, "shmtop_writer_up{key=\"%s\",shmid=\"%d\"", kbuf, wid);
		if (fmt == OBJLIST_TABLE_PROM)
			assert_non_null(strstr(text, want));
		if (fmt == OBJLIST_TABLE_TEXT)
			assert_non_null(strstr(text, kbuf));
		free(text);
	}
	free(snap.rows);
	kill(w.pid, SIGTERM);
	wait_exit(w.pid, 5000);
	close(w.out);
	close(w.err);
	shmctl(id, IPC_RMID, NULL);
	shmctl(wid, IPC_RMID, NULL);
}

/* Without OBJLIST_COMMAND no creator is looked up; objlist_commands()
 * then looks up just the rows asked for, once. */
static void test_commands_on_demand(void **state)
{
	(void)state;
	int ids[3];
	for (int i = 0; i < 3; i++) {
		ids[i] = shmget(test_key(2 + (unsigned)i), 4096, IPC_CREAT | IPC_EXCL | 0600);
		assert_true(ids[i] >= 0);
	}
	snap.max = 4096;
	snap.rows = calloc(snap.max, sizeof *snap.rows);
	assert_non_null(snap.rows);
	assert_int_equal(objlist_collect(&snap, OBJLIST_NAMES), 0);
	size_t at[3], found = 0;
	for (size_t i = 0; i < snap.n; i++) {
		assert_false(snap.rows[i].command_read);
		assert_string_equal(snap.rows[i].command, "");
		for (int k = 0; k < 3; k++)
			if (snap.rows[i].shm.st.shmid == ids[k])
				at[found++] = i;
	}
	assert_int_equal(found, 3);
	objlist_commands(&snap, at[1], at[1] + 1);
	assert_true(snap.rows[at[1]].command_read);
	assert_string_equal(snap.rows[at[1]].command, "test_segments");
	assert_false(snap.rows[at[0]].command_read);
	assert_string_equal(snap.rows[at[0]].command, "");
	/* a row already looked up is not looked up again */
	snprintf(snap.rows[at[1]].command, sizeof snap.rows[at[1]].command, "kept");
	objlist_commands(&snap, 0, snap.n + 10); /* past the end is clamped */
	assert_string_equal(snap.rows[at[1]].command, "kept");
	assert_string_equal(snap.rows[at[0]].command, "test_segments");
	assert_string_equal(snap.rows[at[2]].command, "test_segments");
	free(snap.rows);
	for (int i = 0; i < 3; i++)
		shmctl(ids[i], IPC_RMID, NULL);
}

/* By key and by shmid the same segment; once removed, absent either way,
 * each saying so in its own words. */
static void test_attach(void **state)
{
	(void)state;
	assert_int_equal(segment_status_of_errno(ENOENT), SEGMENT_ABSENT);
	assert_int_equal(segment_status_of_errno(EINVAL), SEGMENT_ABSENT);
	assert_int_equal(segment_status_of_errno(EIDRM), SEGMENT_ABSENT);
	assert_int_equal(segment_status_of_errno(EACCES), SEGMENT_DENIED);
	assert_int_equal(segment_status_of_errno(EPERM), SEGMENT_ERROR);
	assert_int_equal(segment_status_of_errno(ENOMEM), SEGMENT_ERROR);

	key_t key = test_key(5);
	int id = shmget(key, 4096, IPC_CREAT | IPC_EXCL | 0600);
	assert_true(id >= 0);
	struct segment s;
	char why[256], want[256];
	segment_init(&s);
	assert_int_equal(segment_attach(&s, key, why, sizeof why), SEGMENT_OK);
	assert_int_equal(s.shmid, id);
	assert_int_equal(s.size, 4096);
	assert_int_equal(segment_attach_id(&s, id, why, sizeof why), SEGMENT_OK);
	assert_int_equal(s.shmid, id);
	assert_non_null(s.data);
	segment_detach(&s);
	assert_int_equal(shmctl(id, IPC_RMID, NULL), 0);
	assert_int_equal(segment_attach_id(&s, id, why, sizeof why), SEGMENT_ABSENT);
	snprintf(want, sizeof want, "segment shmid %d: %s", id, strerror(EINVAL));
	assert_string_equal(why, want);
	assert_int_equal(s.shmid, -1);
	assert_int_equal(segment_attach(&s, key, why, sizeof why), SEGMENT_ABSENT);
	snprintf(want, sizeof want, "no segment with key 0x%08x", (unsigned)key);
	assert_string_equal(why, want);
}

/* Another user and a 0600 segment of root's: denied by key and by shmid
 * alike, naming the owner and mode as /proc/sysvipc/shm shows them (the
 * words e2e_shmtop.sh and e2e_users.sh look for).  Needs root, to be the
 * other user in a child. */
static void test_attach_denied(void **state)
{
	(void)state;
	if (geteuid() != 0)
		skip();
	key_t key = test_key(6);
	int id = shmget(key, 4096, IPC_CREAT | IPC_EXCL | 0600);
	assert_true(id >= 0);
	pid_t child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		if (setgid(65534) || setuid(65534))
			_exit(77);
		struct segment s;
		char why[256], want[256];
		int bad = 0;
		snprintf(want, sizeof want,
			 "segment shmid %d is owned by root:root, mode rw------- (0600)", id);
		segment_init(&s);
		for (int by_id = 0; by_id < 2; by_id++) {
			enum segment_status st = by_id ? segment_attach_id(&s, id, why, sizeof why)
						       : segment_attach(&s, key, why, sizeof why);
			if (st != SEGMENT_DENIED || strcmp(why, want) || !s.have_stat ||
			    s.stat.shmid != id || s.shmid != -1) {
				fprintf(stderr, "by %s: status %d, \"%s\"\n",
					by_id ? "shmid" : "key", (int)st, why);
				bad = 1;
			}
		}
		_exit(bad);
	}
	int code = exit_code(child, 10000);
	if (code == 77) /* could not set up */
		skip();
	assert_int_equal(code, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_text),       cmocka_unit_test(test_json),
		cmocka_unit_test(test_json_bytes), cmocka_unit_test(test_human_size),
		cmocka_unit_test(test_prom),       cmocka_unit_test(test_kinds_text),
		cmocka_unit_test(test_kinds_json), cmocka_unit_test(test_kinds_prom),
		cmocka_unit_test(test_collect),    cmocka_unit_test(test_commands_on_demand),
		cmocka_unit_test(test_attach),     cmocka_unit_test(test_attach_denied),
	};
	return cmocka_run_group_tests(tests, NULL, test_cleanup_keys);
}
