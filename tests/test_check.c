/* SPDX-License-Identifier: MIT */
/* --check: the field comparison on made-up views, and whole runs on the
 * real host, on a doctored copy of /proc/sysvipc/shm, and as a user who may
 * not IPC_STAT the segments. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/shm.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "testutil.h"

#include "check.h"
#include "clock.h"

static struct sysvipc_shm row_of(const struct ipcstat *st)
{
	struct sysvipc_shm r;
	memset(&r, 0, sizeof r);
	r.st = *st;
	r.perms = st->mode | (st->dest ? SHM_DEST : 0) | (st->locked ? SHM_LOCKED : 0);
	return r;
}

static void test_compare(void **state)
{
	(void)state;
	struct ipcstat st = { .shmid = 5,
			      .key = 0x2537,
			      .size = 16640,
			      .mode = 0600,
			      .uid = 1,
			      .gid = 2,
			      .cuid = 3,
			      .cgid = 4,
			      .cpid = 100,
			      .lpid = 200,
			      .nattch = 3,
			      .atime = 1000,
			      .dtime = 900,
			      .ctime = 800 };
	struct sysvipc_shm row = row_of(&st);
	struct check_diff d[CHECK_NFIELDS];
	assert_int_equal(check_compare(&row, &st, d, CHECK_NFIELDS), 0);
	assert_int_equal(check_compare(&row, &st, NULL, 0), 0);

	/* Each field on its own. */
	static const char *const want[CHECK_NFIELDS][2] = {
		{ "0x00002537", "0xffffffff" },
		{ "600", "644" },
		{ "no", "yes" },
		{ "no", "yes" },
		{ "16640", "16641" },
		{ "1", "0" },
		{ "2", "0" },
		{ "3", "0" },
		{ "4", "0" },
		{ "100", "101" },
		{ "200", "201" },
		{ "3", "4" },
		{ "1000", "1001" },
		{ "900", "901" },
		{ "800", "801" },
	};
	for (int f = 0; f < CHECK_NFIELDS; f++) {
		struct ipcstat o = st;
		switch ((enum check_field)f) {
		case CHECK_KEY: o.key = -1; break;
		case CHECK_MODE: o.mode = 0644; break;
		case CHECK_DEST: o.dest = true; break;
		case CHECK_LOCKED: o.locked = true; break;
		case CHECK_SIZE: o.size++; break;
		case CHECK_UID: o.uid = 0; break;
		case CHECK_GID: o.gid = 0; break;
		case CHECK_CUID: o.cuid = 0; break;
		case CHECK_CGID: o.cgid = 0; break;
		case CHECK_CPID: o.cpid++; break;
		case CHECK_LPID: o.lpid++; break;
		case CHECK_NATTCH: o.nattch++; break;
		case CHECK_ATIME: o.atime++; break;
		case CHECK_DTIME: o.dtime++; break;
		case CHECK_CTIME: o.ctime++; break;
		case CHECK_NFIELDS: break;
		}
		assert_int_equal(check_compare(&row, &o, d, CHECK_NFIELDS), 1);
		assert_int_equal(d[0].field, f);
		assert_int_equal(d[0].shmid, 5);
		assert_string_equal(d[0].proc, want[f][0]);
		assert_string_equal(d[0].stat, want[f][1]);
	}
	/* Several at once; more than max are counted, not stored. */
	struct ipcstat o = st;
	o.nattch = 0;
	o.lpid = 0;
	o.dest = true;
	o.key = 0;
	assert_int_equal(check_compare(&row, &o, d, 2), 4);
	assert_int_equal(d[0].field, CHECK_KEY);
	assert_int_equal(d[1].field, CHECK_DEST);
	char line[200];
	assert_string_equal(
	    check_format(&d[1], line, sizeof line),
	    "shmid 5 key 0x00002537: dest differs: /proc/sysvipc/shm no, IPC_STAT yes");
	assert_string_equal(check_field_name(CHECK_NATTCH), "nattch");
	assert_string_equal(check_field_name(CHECK_NFIELDS), "?");
	/* The same segment seen by /proc with huge values. */
	struct ipcstat big = st;
	big.size = UINT64_MAX;
	big.nattch = UINT64_MAX;
	struct sysvipc_shm brow = row_of(&big);
	assert_int_equal(check_compare(&brow, &st, d, CHECK_NFIELDS), 2);
	assert_string_equal(d[0].proc, "18446744073709551615");
}

static char *run_check(const char *path, long *diffs, struct check_summary *sum)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	assert_non_null(f);
	*diffs = check_run(f, path, sum);
	fclose(f);
	return text;
}

/* The lines of a report about shmid ("shmid N key ...", "shmid N: ..."). */
static int lines_about(const char *text, int shmid)
{
	int n = 0, id;
	for (const char *l = text; l && *l; l = strchr(l, '\n'), l = l ? l + 1 : NULL)
		n += sscanf(l, "shmid %d", &id) == 1 && id == shmid;
	return n;
}

/* A healthy host: no differences on segments of ours in every status.
 * Other programs' segments may change meanwhile (attached, removed): the
 * test counts only its own. */
static void test_host(void **state)
{
	(void)state;
	int a = shmget(test_key(0), 4096, IPC_CREAT | IPC_EXCL | 0600);
	int b = shmget(test_key(1), 100, IPC_CREAT | IPC_EXCL | 0644);
	int c = shmget(test_key(2), 8192, IPC_CREAT | IPC_EXCL | 0640);
	assert_true(a >= 0 && b >= 0 && c >= 0);
	assert_int_equal(shmctl(b, SHM_LOCK, NULL), 0);
	void *p = shmat(c, NULL, SHM_RDONLY);
	assert_true(p != (void *)-1);
	assert_int_equal(shmctl(c, IPC_RMID, NULL), 0); /* dest while attached */
	long diffs;
	struct check_summary sum;
	int64_t t0 = clock_mono_ns();
	char *text = run_check(NULL, &diffs, &sum);
	int64_t dt = clock_mono_ns() - t0;
	printf("# check_run: %zu segments in %.2f ms\n", sum.segments, (double)dt / 1e6);
	if (diffs)
		printf("# elsewhere on the host:\n%s", text);
	assert_int_equal(lines_about(text, a) + lines_about(text, b) + lines_about(text, c), 0);
	assert_true(sum.segments >= 3);
	assert_int_equal(sum.compared + sum.vanished, sum.segments);
	assert_int_equal(sum.uncompared, 0);
	assert_non_null(strstr(text, "check: "));
	free(text);
	shmdt(p);
	shmctl(a, IPC_RMID, NULL);
	shmctl(b, IPC_RMID, NULL);
}

/* A doctored table: a real segment with a wrong nattch and mode, and a
 * segment that IPC_STAT does not know (the table still lists it on the
 * second look, so it is a difference). */
static void test_doctored(void **state)
{
	(void)state;
	int a = shmget(test_key(3), 4096, IPC_CREAT | IPC_EXCL | 0600);
	assert_true(a >= 0);
	struct ipcstat st;
	assert_int_equal(ipcstat_get(a, &st), 0);
	char path[] = "/tmp/test_check.XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	FILE *f = fdopen(fd, "w");
	fprintf(f, "key shmid perms size cpid lpid nattch uid gid cuid cgid atime dtime ctime rss "
		   "swap\n");
	fprintf(f, "%d %d %o %llu %d %d %d %u %u %u %u %lld %lld %lld 0 0\n", (int)st.key, a, 01644,
		(unsigned long long)st.size, (int)st.cpid, (int)st.lpid, 7, (unsigned)st.uid,
		(unsigned)st.gid, (unsigned)st.cuid, (unsigned)st.cgid, (long long)st.atime,
		(long long)st.dtime, (long long)st.ctime);
	fprintf(f, "1 2147483000 600 1 1 1 0 0 0 0 0 0 0 0 0 0\n");
	fclose(f);
	long diffs;
	struct check_summary sum;
	char *text = run_check(path, &diffs, &sum);
	char k[16];
	snprintf(k, sizeof k, "0x%08x", (unsigned)st.key);
	char want[3][200];
	snprintf(want[0], sizeof want[0],
		 "shmid %d key %s: mode differs: /proc/sysvipc/shm 644, IPC_STAT 600\n", a, k);
	snprintf(want[1], sizeof want[1],
		 "shmid %d key %s: dest differs: /proc/sysvipc/shm yes, IPC_STAT no\n", a, k);
	snprintf(want[2], sizeof want[2],
		 "shmid %d key %s: nattch differs: /proc/sysvipc/shm 7, IPC_STAT 0\n", a, k);
	char all[800];
	snprintf(all, sizeof all,
		 "%s%s%s"
		 "shmid 2147483000: in /proc/sysvipc/shm but IPC_STAT says: Invalid argument\n"
		 "check: 2 segments, 1 compared (0 by SHM_STAT_ANY), 0 not comparable, 0 vanished "
		 "meanwhile: 4 differences\n",
		 want[0], want[1], want[2]);
	assert_string_equal(text, all);
	assert_int_equal(diffs, 4);
	assert_int_equal(sum.vanished, 0);
	assert_int_equal(sum.differences, 4);
	free(text);
	unlink(path);
	assert_int_equal(check_run(stdout, "/nonexistent/shm", &sum), -1);
	shmctl(a, IPC_RMID, NULL);
}

/* As nobody, a root segment of mode 0600 refuses IPC_STAT: it is still
 * compared, through SHM_STAT_ANY. */
static void test_unprivileged(void **state)
{
	(void)state;
	if (geteuid() != 0) {
		skip();
		return;
	}
	int a = shmget(test_key(4), 4096, IPC_CREAT | IPC_EXCL | 0600);
	assert_true(a >= 0);
	int pfd[2];
	assert_int_equal(pipe(pfd), 0);
	pid_t pid = fork();
	if (pid == 0) {
		close(pfd[0]);
		if (setresgid(65534, 65534, 65534) || setresuid(65534, 65534, 65534))
			_exit(3);
		struct ipcstat st;
		int denied = ipcstat_get(a, &st) < 0;
		FILE *out = fdopen(pfd[1], "w");
		struct check_summary sum;
		check_run(out, NULL, &sum);
		fprintf(out, "RESULT %d %zu %zu\n", denied, sum.stat_any, sum.uncompared);
		fclose(out);
		_exit(0);
	}
	close(pfd[1]);
	char buf[65536];
	size_t n = 0;
	ssize_t r;
	while (n < sizeof buf - 1 && (r = read(pfd[0], buf + n, sizeof buf - 1 - n)) > 0)
		n += (size_t)r;
	buf[n] = '\0';
	close(pfd[0]);
	int status;
	waitpid(pid, &status, 0);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	const char *res = strstr(buf, "RESULT ");
	assert_non_null(res);
	int denied;
	size_t any, unc;
	assert_int_equal(sscanf(res, "RESULT %d %zu %zu", &denied, &any, &unc), 3);
	assert_int_equal(denied, 1);
	assert_int_equal(lines_about(buf, a), 0); /* compared, the same */
	assert_true(any >= 1);
	assert_int_equal(unc, 0);
	shmctl(a, IPC_RMID, NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_compare),
		cmocka_unit_test(test_host),
		cmocka_unit_test(test_doctored),
		cmocka_unit_test(test_unprivileged),
	};
	return cmocka_run_group_tests(tests, NULL, test_cleanup_keys);
}
