/* SPDX-License-Identifier: MIT */
/* The prometheus_client folder decoder on files the library wrote
 * (tests/fixture/prom), copied into a folder of the test's own with one
 * worker's pid this process (alive) and the other's a child that exited
 * (dead): through decode_folder(), every counter's name and value equal
 * MultiProcessCollector's exposition of the folder (expose.txt), kinds and
 * help; the dead worker's files counted with their bytes; a symbolic
 * link, a FIFO, a file over DECODE_FILE_MAX and a cut file refused and
 * counted (no hang), the rest still read; a folder of only refused files
 * DAMAGED with the reason, of only empty ones EMPTY, of no such names
 * NOT_THIS without one; a value changed in place read again through the
 * mapping kept, and a file removed leaving the count. */
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "decode.h"
#include "promdb.h"
#include "value.h"

static struct content c;
static char why[256];
static char dir[64];
static int dirfd_ = -1;
static pid_t live, dead;

static const char *const fixture[] = {
	"counter", "gauge_all", "gauge_livesum", "gauge_max", "gauge_min", "histogram", "summary",
};
enum { N_KINDS = sizeof fixture / sizeof fixture[0] };

static void slurp(const char *path, char **out, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	assert_non_null(fp);
	static char tmp[65536];
	*len = fread(tmp, 1, sizeof tmp, fp);
	fclose(fp);
	*out = malloc(*len + 1);
	assert_non_null(*out);
	memcpy(*out, tmp, *len);
	(*out)[*len] = '\0';
}

static void spit(const char *name, const void *b, size_t len)
{
	int fd = openat(dirfd_, name, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, b, len), (ssize_t)len);
	close(fd);
}

/* The fixture's worker 32691 as pid live, 32690 as pid dead: the bytes of
 * the dead one's files in *dead_bytes. */
static void copy_fixture(uint64_t *dead_bytes)
{
	*dead_bytes = 0;
	for (int k = 0; k < N_KINDS; k++)
		for (int w = 0; w < 2; w++) {
			char path[512], name[64], *b;
			size_t len;
			snprintf(path, sizeof path, "%s/%s_%d.db", PROM_FIXTURES, fixture[k],
				 32690 + w);
			slurp(path, &b, &len);
			snprintf(name, sizeof name, "%s_%d.db", fixture[k], w ? live : dead);
			spit(name, b, len);
			if (!w)
				*dead_bytes += len;
			free(b);
		}
}

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof dir, "/tmp/test_decode_promdir.XXXXXX");
	assert_non_null(mkdtemp(dir));
	dirfd_ = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	assert_true(dirfd_ >= 0);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	content_free(&c);
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
	close(dirfd_);
	return 0;
}

/* The counter of that name (the test fails without one). */
static const struct model_counter *find(const char *name)
{
	static const struct model_counter none;
	for (size_t i = 0; i < c.nctr; i++)
		if (!strcmp(c.ctr[i].name, name))
			return &c.ctr[i];
	fail_msg("no counter %s", name);
	return &none;
}

static double value_of(const char *name)
{
	return value_number(VALUE_REAL, find(name)->value);
}

/* Every sample line of expose.txt (32690 as dead in a pid label) is a
 * counter of that value: how many. */
static size_t check_exposed(void)
{
	char path[512], *text;
	size_t len, n = 0;
	snprintf(path, sizeof path, "%s/expose.txt", PROM_FIXTURES);
	slurp(path, &text, &len);
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		if (line[0] == '#')
			continue;
		char name[256], *sp = strrchr(line, ' '), *pid = strstr(line, "pid=\"32690\"");
		assert_non_null(sp);
		*sp = '\0';
		if (pid)
			snprintf(name, sizeof name, "%.*spid=\"%d\"%s", (int)(pid - line), line,
				 (int)dead, pid + strlen("pid=\"32690\""));
		else if ((pid = strstr(line, "pid=\"32691\"")))
			snprintf(name, sizeof name, "%.*spid=\"%d\"%s", (int)(pid - line), line,
				 (int)live, pid + strlen("pid=\"32691\""));
		else
			snprintf(name, sizeof name, "%s", line);
		assert_int_equal(find(name)->type, VALUE_REAL);
		assert_true(value_of(name) == strtod(sp + 1, NULL));
		n++;
	}
	free(text);
	return n;
}

static void test_fixture(void **state)
{
	(void)state;
	uint64_t dead_bytes;
	copy_fixture(&dead_bytes);
	struct decode_want w = { .now_mono = 1000, .now_wall = 1000 };
	assert_int_equal(decode_folder(dirfd_, &w, &c, why, sizeof why), DECODE_OK);
	assert_ptr_equal(c.dec, &decode_promdir);
	assert_string_equal(c.format, "prometheus_client folder");
	assert_int_equal(c.nctr, 15);
	assert_int_equal(check_exposed(), 15);
	assert_int_equal(c.files.files, 14);
	assert_int_equal(c.files.dead, 7);
	assert_int_equal(c.files.dead_bytes, dead_bytes);
	assert_int_equal(c.files.bytes, 2 * dead_bytes);
	assert_int_equal(c.files.refused, 0);
	assert_false(c.files.truncated);
	assert_false(c.status.known);
	const struct model_counter *k =
	    find("jobs_total{kind=\"say \\\"hi\\\"\",where=\"caf\xc3\xa9 \xe2\x98\x83 \\\\\"}");
	assert_int_equal(k->kind, MODEL_COUNTER);
	assert_string_equal(k->help, "Jobs done, \"quoted\" help \xc3\xa9");
	assert_string_equal(k->unit, "");
	assert_int_equal(find("inflight")->kind, MODEL_GAUGE);
	assert_int_equal(find("latency_seconds_bucket{le=\"+Inf\",path=\"/a\"}")->kind,
			 MODEL_COUNTER);
	assert_int_equal(find("size_bytes_sum")->kind, MODEL_COUNTER);

	/* a value changed in place: read through the mapping kept */
	char name[64];
	snprintf(name, sizeof name, "counter_%d.db", (int)live);
	int fd = openat(dirfd_, name, O_RDWR);
	assert_true(fd >= 0);
	unsigned char b[248];
	assert_int_equal(pread(fd, b, sizeof b, 0), sizeof b);
	struct promdb_file f;
	assert_int_equal(promdb_alloc(&f, sizeof b), 0);
	assert_int_equal(promdb_parse(b, sizeof b, &f, why, sizeof why), PROMDB_OK);
	assert_string_equal(f.entries[1].name, "jobs_total");
	assert_string_equal(f.entries[1].labels[0].value, "plain");
	double v = 101.5; /* kind=plain: 1.5 from each worker, now 1.5 + 101.5 */
	size_t offset = f.entries[1].offset;
	assert_int_equal(pwrite(fd, &v, sizeof v, (off_t)offset), sizeof v);
	promdb_free(&f);
	close(fd);
	w.now_mono += 1000000000;
	assert_int_equal(decode_folder(dirfd_, &w, &c, why, sizeof why), DECODE_OK);
	assert_true(value_of("jobs_total{kind=\"plain\",where=\"x\"}") == 103.0);

	/* replaced by another file of the same size (a new inode): mapped again */
	fd = openat(dirfd_, name, O_RDONLY);
	assert_int_equal(pread(fd, b, sizeof b, 0), sizeof b);
	close(fd);
	v = 201.5;
	memcpy(b + offset, &v, sizeof v);
	spit("new", b, sizeof b);
	assert_int_equal(renameat(dirfd_, "new", dirfd_, name), 0);
	assert_int_equal(decode_folder(dirfd_, &w, &c, why, sizeof why), DECODE_OK);
	assert_true(value_of("jobs_total{kind=\"plain\",where=\"x\"}") == 203.0);

	/* a file gone: out of the count and the sums */
	assert_int_equal(unlinkat(dirfd_, name, 0), 0);
	assert_int_equal(decode_folder(dirfd_, &w, &c, why, sizeof why), DECODE_OK);
	assert_int_equal(c.files.files, 13);
	assert_true(value_of("jobs_total{kind=\"plain\",where=\"x\"}") == 1.5);
}

static void test_refused(void **state)
{
	(void)state;
	uint64_t dead_bytes;
	copy_fixture(&dead_bytes);
	char path[512];
	snprintf(path, sizeof path, "%s/counter_%d.db", PROM_FIXTURES, 32690);
	char name[4][64];
	static const char *const mode[] = { "liveall", "livemax", "sum", "livemin" };
	for (int i = 0; i < 4; i++)
		snprintf(name[i], sizeof name[i], "gauge_%s_%d.db", mode[i], (int)dead);
	assert_int_equal(symlinkat(path, dirfd_, name[0]), 0);
	assert_int_equal(mkfifoat(dirfd_, name[1], 0644), 0);
	int fd = openat(dirfd_, name[2], O_WRONLY | O_CREAT, 0644);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, (off_t)DECODE_FILE_MAX + 1), 0);
	close(fd);
	char *b;
	size_t len;
	snprintf(path, sizeof path, "%s/summary_32690.db", PROM_FIXTURES);
	slurp(path, &b, &len);
	spit(name[3], b, len - 5); /* cut: used says more */
	free(b);
	spit("notes.txt", "x", 1);
	struct decode_want w = { .now_mono = 1000, .now_wall = 1000 };
	assert_int_equal(decode_folder(dirfd_, &w, &c, why, sizeof why), DECODE_OK);
	assert_int_equal(check_exposed(), 15);
	assert_int_equal(c.nctr, 15);
	assert_int_equal(c.files.files, 18);
	assert_int_equal(c.files.refused, 4);
	assert_int_equal(c.files.dead, 7 + 4);
}

static void test_all_refused(void **state)
{
	(void)state;
	struct decode_want w = { .now_mono = 1000, .now_wall = 1000 };
	spit("notes.txt", "x", 1);
	spit("counter.db", "x", 1);
	assert_int_equal(decode_folder(dirfd_, &w, &c, why, sizeof why), DECODE_NOT_THIS);
	assert_string_equal(why, "");
	assert_null(c.dec);

	spit("counter_7.db", "", 0);
	assert_int_equal(decode_folder(dirfd_, &w, &c, why, sizeof why), DECODE_EMPTY);
	assert_int_equal(c.files.files, 1);

	assert_int_equal(mkfifoat(dirfd_, "gauge_all_2.db", 0644), 0);
	assert_int_equal(unlinkat(dirfd_, "counter_7.db", 0), 0);
	/* a writer waiting on the FIFO for a reader: the folder's reader is none */
	char fifo[96];
	snprintf(fifo, sizeof fifo, "%s/gauge_all_2.db", dir);
	pid_t waiter = fork();
	if (waiter == 0)
		_exit(open(fifo, O_WRONLY) >= 0 ? 0 : 1);
	nanosleep(&(struct timespec){ .tv_nsec = 50000000 }, NULL);
	assert_int_equal(decode_folder(dirfd_, &w, &c, why, sizeof why), DECODE_DAMAGED);
	assert_string_equal(why, "every file refused, gauge_all_2.db: not a regular file of at "
				 "most 64 MiB");
	assert_int_equal(c.files.refused, 1);
	nanosleep(&(struct timespec){ .tv_nsec = 100000000 }, NULL);
	int wst;
	assert_int_equal(waitpid(waiter, &wst, WNOHANG), 0); /* still waiting */
	kill(waiter, SIGKILL);
	waitpid(waiter, &wst, 0);
}

/* One entry's file as the library writes it: used, padding, the key's
 * length, the key padded to 8, the value. */
static size_t make_db(unsigned char *b, const char *key, double v)
{
	uint32_t n = (uint32_t)strlen(key), at = 8;
	memcpy(b + at, &n, 4);
	memcpy(b + at + 4, key, n);
	at += 4 + n;
	while (at % 8)
		b[at++] = ' ';
	memcpy(b + at, &v, 8);
	at += 8;
	memcpy(b, &at, 4);
	memset(b + 4, 0, 4);
	return at;
}

/* A name longer than a counter's is cut whole: never an escape split, the
 * counter's name NUL-terminated within MODEL_NAME_MAX. */
static void test_long_name(void **state)
{
	(void)state;
	char key[512];
	int at = snprintf(key, sizeof key, "[\"m\", \"m_total\", {\"ll\": \"");
	for (int i = 0; i < 100; i++)
		at += snprintf(key + at, sizeof key - (size_t)at, "\\\"");
	snprintf(key + at, sizeof key - (size_t)at, "\"}, \"h\"]");
	unsigned char b[1024];
	spit("counter_1.db", b, make_db(b, key, 7));
	struct decode_want w = { .now_mono = 1000, .now_wall = 1000 };
	assert_int_equal(decode_folder(dirfd_, &w, &c, why, sizeof why), DECODE_OK);
	assert_int_equal(c.nctr, 1);
	const char *name = c.ctr[0].name;
	assert_int_equal(strlen(name), MODEL_NAME_MAX - 1);
	assert_memory_equal(name, "m_total{ll=\"\\\"", 14);
	for (size_t i = 12; i < MODEL_NAME_MAX - 2; i += 2) /* the last escape left out whole */
		assert_memory_equal(name + i, "\\\"", 2);
	assert_int_equal(name[MODEL_NAME_MAX - 2], '"');
	assert_true(value_number(VALUE_REAL, c.ctr[0].value) == 7);
}

int main(void)
{
	live = getpid();
	dead = fork();
	assert_true(dead >= 0);
	if (dead == 0)
		_exit(0);
	assert_int_equal(waitpid(dead, NULL, 0), dead);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_fixture, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_all_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_long_name, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
