/* SPDX-License-Identifier: MIT */
/* The Varnish VSM decoder on a real varnishd's -n folder
 * (tests/fixture/varnish): through decode_folder(), its counters equal
 * varnishstat -1 -j's (varnishstat.txt: name, flag, format, value) in its
 * order, kinds and units from type and format, the oneliner as help, the
 * worker's pid as the writer, the files read counted; a second read
 * keeps each counter's history and adds a sample to the one that changed;
 * copies with hostile indexes and files refused, each with its reason and
 * no hang; a folder of another kind not taken. */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "decode.h"

#define S INT64_C(1000000000)

static struct content c;
static char why[256];
static char dir[64];

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof dir, "/tmp/test_decode_vsm.XXXXXX");
	assert_non_null(mkdtemp(dir));
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	content_free(&c);
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static int reset(void **state)
{
	(void)state;
	content_free(&c);
	return 0;
}

static enum decode_status read_dir(const char *path, int64_t now)
{
	struct decode_want w = { .now_mono = now, .now_wall = now + 1000 * S };
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	assert_true(fd >= 0);
	why[0] = '\0';
	enum decode_status ds = decode_folder(fd, &w, &c, why, sizeof why);
	close(fd);
	return ds;
}

/* A fresh copy of the fixture in dir/NAME: its path. */
static const char *copy(const char *name)
{
	static char path[128];
	char cmd[512];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	snprintf(cmd, sizeof cmd, "rm -rf %s && cp -r %s %s", path, VSC_FIXTURES, path);
	assert_int_equal(system(cmd), 0);
	return path;
}

static void sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void sh(const char *fmt, ...)
{
	char cmd[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(cmd, sizeof cmd, fmt, ap);
	va_end(ap);
	assert_int_equal(system(cmd), 0);
}

static const struct model_counter *find(const char *name)
{
	for (size_t i = 0; i < c.nctr; i++)
		if (strcmp(c.ctr[i].name, name) == 0)
			return &c.ctr[i];
	static const struct model_counter none;
	fail_msg("no counter %s", name);
	return &none;
}

/* Every counter against varnishstat's, in its order. */
static void test_fixture(void **state)
{
	(void)state;
	assert_int_equal(read_dir(VSC_FIXTURES, 5 * S), DECODE_OK);
	assert_ptr_equal(c.dec, &decode_vsm);
	assert_string_equal(c.format, "Varnish VSM");
	FILE *fp = fopen(VSC_FIXTURES "/varnishstat.txt", "r");
	assert_non_null(fp);
	char name[200], flag, format;
	unsigned long long v;
	size_t n = 0;
	while (fscanf(fp, "%199s %c %c %llu", name, &flag, &format, &v) == 4) {
		assert_true(n < c.nctr);
		const struct model_counter *k = &c.ctr[n++];
		assert_string_equal(k->name, name);
		assert_int_equal(k->value, v);
		assert_int_equal(k->type, VALUE_UINT);
		assert_int_equal(k->kind, flag == 'c' ? MODEL_COUNTER : MODEL_GAUGE);
		assert_string_equal(k->unit, format == 'B'   ? "bytes"
					     : format == 'd' ? "seconds"
					     : format == 'b' ? "bitmap"
							     : "");
		assert_true(k->help[0] != '\0');
	}
	fclose(fp);
	assert_int_equal(n, 190);
	assert_int_equal(c.nctr, 190);
	assert_string_equal(find("MAIN.client_req")->help, "Good client requests received");
	assert_string_equal(find("SMA.s0.c_bytes")->unit, "bytes");
	assert_int_equal(find("VBE.boot.default.happy")->kind, MODEL_GAUGE);
	/* the worker's pid from its index; its birth is no start time */
	assert_true(c.status.known);
	assert_int_equal(c.status.pid, 19827);
	assert_int_equal(c.status.start, 0);
	/* both indexes (273 + 1855 bytes) and the files of the 13 segments read */
	assert_int_equal(c.files.files, 2 + 11);
	assert_int_equal(c.files.bytes, 273 + 1855 + 4096 * 9 + 36864 + 8192);
}

/* A second read keeps what the first saw; a changed counter gets a sample. */
static void test_history(void **state)
{
	(void)state;
	const char *d = copy("h");
	assert_int_equal(read_dir(d, 5 * S), DECODE_OK);
	const struct model_counter *k = find("MAIN.client_req");
	assert_int_equal(k->value, 4);
	assert_int_equal(k->nspark, 1);
	size_t uptime_at = (size_t)(find("MAIN.uptime") - c.ctr);
	/* MAIN.client_req is the 13th counter of MAIN's body (24 bytes in) */
	char path[256];
	snprintf(path, sizeof path, "%s/_.vsm_child/_.Stat.5c5a32b058a30bcc", d);
	int fd = open(path, O_WRONLY);
	assert_true(fd >= 0);
	uint64_t v = 9;
	assert_int_equal(pwrite(fd, &v, 8, 24 + 12 * 8), 8);
	close(fd);
	assert_int_equal(read_dir(d, 7 * S), DECODE_OK);
	k = find("MAIN.client_req");
	assert_int_equal(k->value, 9);
	assert_int_equal(k->nspark, 2);
	assert_int_equal(k->spark[0].value, 4);
	assert_int_equal(k->spark[1].value, 9);
	assert_int_equal(k->changed_mono_ns, 7 * S);
	assert_int_equal(c.ctr[uptime_at].nspark, 1);
	assert_int_equal(c.ctr[uptime_at].changed_mono_ns, 5 * S);
	assert_int_equal(c.nctr, 190);
	/* MAIN's StatDoc, parsed once and kept, is parsed again when its file
	 * is another: one whose JSON is cut is refused */
	sh("cd %s/_.vsm_child && cp _.StatDoc.c533292671c4b41f new && printf '\\0' | "
	   "dd of=new bs=1 seek=100 conv=notrunc status=none && mv new _.StatDoc.c533292671c4b41f",
	   d);
	assert_int_equal(read_dir(d, 9 * S), DECODE_DAMAGED);
	assert_non_null(strstr(why, "_.StatDoc.c533292671c4b41f: JSON"));
}

/* Hostile copies (each change a shell command on the copy $D): each
 * refused with its reason, none hangs. */
static void test_hostile(void **state)
{
	(void)state;
	static const struct {
		const char *name, *change, *want;
		enum decode_status ds;
	} bad[] = {
		{ "dotdot", "echo '+ ../../../etc/passwd 0 80 Stat MAIN' >>$D/_.vsm_child/_.index",
		  "not one component", DECODE_DAMAGED },
		{ "offset", "sed -i '3s/ 0 1176 / 8 1176 /' $D/_.vsm_child/_.index",
		  "is not inside a cluster", DECODE_DAMAGED },
		{ "huge", "sed -i '3s/ 0 1176 / 0 99999999999 /' $D/_.vsm_child/_.index",
		  "_.vsm_child/_.Stat.5c5a32b058a30bcc: segment MAIN at 0 (99999999999 bytes) past "
		  "the end of its file (4096 bytes)",
		  DECODE_DAMAGED },
		{ "symlink",
		  "cd $D/_.vsm_child && rm _.Stat.5c5a32b058a30bcc && ln -s /etc/passwd "
		  "_.Stat.5c5a32b058a30bcc",
		  "_.vsm_child/_.Stat.5c5a32b058a30bcc: a symbolic link, not a regular file",
		  DECODE_DAMAGED },
		{ "fifo", "cd $D/_.vsm_child && rm _.index && mkfifo _.index",
		  "_.vsm_child/_.index: a FIFO, not a regular file", DECODE_DAMAGED },
		{ "bigindex", "truncate -s 2M $D/_.vsm_mgt/_.index",
		  "_.vsm_mgt/_.index: longer than 1 MiB", DECODE_DAMAGED },
		{ "shortdoc", "truncate -s 100 $D/_.vsm_child/_.StatDoc.c533292671c4b41f",
		  "past the end of its file (100 bytes)", DECODE_DAMAGED },
		{ "linkset", "cd $D && rm -r _.vsm_child && ln -s /tmp _.vsm_child",
		  "_.vsm_child: not a folder (or a link)", DECODE_DAMAGED },
		{ "stopped", "rm $D/_.vsm_mgt/_.index", "_.vsm_mgt/_.index: No such file",
		  DECODE_EMPTY },
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		content_free(&c);
		const char *d = copy(bad[i].name);
		sh("D=%s; %s", d, bad[i].change);
		enum decode_status ds = read_dir(d, 5 * S);
		if (ds != bad[i].ds || !strstr(why, bad[i].want))
			fail_msg("%s: status %d, \"%s\", want %d \"%s\"", bad[i].name, ds, why,
				 bad[i].ds, bad[i].want);
	}
	/* the worker's folder gone: the manager's counters, its pid */
	content_free(&c);
	const char *d = copy("noworker");
	sh("rm -r %s/_.vsm_child", d);
	assert_int_equal(read_dir(d, 5 * S), DECODE_OK);
	assert_int_equal(c.nctr, 7);
	assert_int_equal(c.status.pid, 19748);
	/* a folder of neither set: not this, without a reason */
	content_free(&c);
	sh("mkdir -p %s/other/_.vsm_x", dir);
	char other[128];
	snprintf(other, sizeof other, "%s/other", dir);
	assert_int_equal(read_dir(other, 5 * S), DECODE_NOT_THIS);
	assert_string_equal(why, "");
	assert_null(c.dec);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_fixture, reset),
		cmocka_unit_test_teardown(test_history, reset),
		cmocka_unit_test_teardown(test_hostile, reset),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
