/* SPDX-License-Identifier: MIT */
/*
 * bench_scan: what the /proc scan costs against one process that maps many
 * shared memory objects (issue 21), beside the kernel's own cost of
 * producing that process's maps.
 *
 * A helper process maps distinct memfds (memfd_create, ftruncate to 4 KiB,
 * mmap read-only once, the fd closed so its fd table stays small), named
 * shmtop-bench-scan.PID.N: first --small of them (30,000), then as many
 * more as make --large (60,000).  vm.max_map_count (65,530 by default)
 * bounds one process's mappings; a memfd mapped many times would be one
 * object, so each is mapped once.  At each size:
 *   - `shmtop -a -b -n 1` as a child, its output to a file: wall time from
 *     fork to reap, CPU (user + system, getrusage of the reaped child) and
 *     its peak RSS (ru_maxrss); the best wall and CPU of --runs runs (on a
 *     shared host other work only ever adds time), the largest RSS;
 *   - the floor: the helper's /proc/PID/maps read whole, 128 KiB at a time
 *     as cat reads it, the best of --runs reads; and every process's maps
 *     read whole, the scan's whole floor, beside it; and the kernel's cost
 *     of every fact the scan needs as root: the maps read whole, then an
 *     fstatat() of /proc/PID/map_files/START-END for each memfd mapping
 *     (its size and resident bytes: nothing else gives them for a memfd
 *     that is only mapped);
 *   - objlist_scan() alone, in this process: the part of shmtop's time
 *     that reads /proc (the rest is the collect, the sort and the table).
 * Then the targets of issue 21: twice the mappings cost at most 2.2 times
 * the time, shmtop within 3 times the floor, under 64 MB; each met or not.
 * The time judged is shmtop's CPU time (the floor's read is all CPU): on a
 * shared host its wall time is mostly the others' load.
 *
 * Each run's output must list exactly the helper's memfds (counted by name):
 * a run that lists fewer or more, or that fails, is a failure (exit 1);
 * timings never are.  The helper dies with this process (PR_SET_PDEATHSIG),
 * and its memfds with it: nothing is left behind.
 *
 * --smoke: 300 and 600 memfds, one run each, for the bench_smoke test.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"
#include "objlist.h"

#ifndef SHMTOP_PATH
#error "SHMTOP_PATH must name the shmtop binary"
#endif

#define PREFIX "shmtop-bench-scan."
#define OBJ_SIZE 4096
#define CAT_BUF (128 * 1024)
#define MAX_RUNS 20

/* ---- the helper: a process that maps memfds ---------------------------- */

/* Map memfds until target are mapped, for each target read from in; write
 * back how many are mapped.  Ends when in closes (or its parent dies). */
static void helper_main(int in, int out)
{
	uint32_t target, made = 0;
	pid_t parent = getppid();
	while (read(in, &target, sizeof target) == (ssize_t)sizeof target) {
		while (made < target) {
			char name[64];
			snprintf(name, sizeof name, PREFIX "%d.%u", (int)parent, made);
			int fd = memfd_create(name, MFD_CLOEXEC);
			if (fd < 0)
				break;
			void *p = ftruncate(fd, OBJ_SIZE) == 0
				      ? mmap(NULL, OBJ_SIZE, PROT_READ, MAP_SHARED, fd, 0)
				      : MAP_FAILED;
			close(fd);
			if (p == MAP_FAILED)
				break;
			made++;
		}
		if (write(out, &made, sizeof made) != (ssize_t)sizeof made)
			break;
	}
	_exit(0);
}

struct helper {
	pid_t pid;
	int to, from;
};

static int helper_start(struct helper *h)
{
	int down[2], up[2];
	if (pipe2(down, O_CLOEXEC) < 0 || pipe2(up, O_CLOEXEC) < 0)
		return -1;
	fflush(NULL);
	h->pid = fork();
	if (h->pid < 0)
		return -1;
	if (h->pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		close(down[1]);
		close(up[0]);
		helper_main(down[0], up[1]);
	}
	close(down[0]);
	close(up[1]);
	h->to = down[1];
	h->from = up[0];
	return 0;
}

/* Have the helper map target memfds in all; how many it has, or 0. */
static uint32_t helper_grow(const struct helper *h, uint32_t target)
{
	uint32_t made = 0;
	if (write(h->to, &target, sizeof target) != (ssize_t)sizeof target ||
	    read(h->from, &made, sizeof made) != (ssize_t)sizeof made)
		return 0;
	return made;
}

static void helper_stop(struct helper *h)
{
	close(h->to);
	close(h->from);
	kill(h->pid, SIGKILL);
	waitpid(h->pid, NULL, 0);
}

/* ---- the floor ----------------------------------------------------------- */

/* Read dir/path whole as cat does; its length, or -1. */
static ssize_t read_whole(int dir, const char *path)
{
	static char buf[CAT_BUF];
	int fd = openat(dir, path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t total = 0, r;
	while ((r = read(fd, buf, sizeof buf)) > 0)
		total += r;
	close(fd);
	return r < 0 ? -1 : total;
}

/* Wall ms of reading pid's maps whole (pid 0: every process's). */
static double floor_ms(pid_t pid)
{
	int64_t t0 = bench_now();
	if (pid) {
		char path[32];
		snprintf(path, sizeof path, "/proc/%d/maps", (int)pid);
		if (read_whole(AT_FDCWD, path) < 0)
			return -1;
	} else {
		DIR *d = opendir("/proc");
		if (!d)
			return -1;
		char path[NAME_MAX + 8];
		for (struct dirent *e; (e = readdir(d));)
			if (e->d_name[0] >= '1' && e->d_name[0] <= '9') {
				snprintf(path, sizeof path, "%s/maps", e->d_name);
				read_whole(dirfd(d), path);
			}
		closedir(d);
	}
	return (double)(bench_now() - t0) / 1e6;
}

/* Wall ms of reading pid's maps whole and statting each memfd mapping's
 * map_files entry, as the scan must for the object's size and blocks, or
 * -1. */
static double floor_stat_ms(pid_t pid)
{
	char path[48];
	snprintf(path, sizeof path, "/proc/%d", (int)pid);
	int64_t t0 = bench_now();
	int pfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	FILE *in = pfd < 0 ? NULL : fdopen(openat(pfd, "maps", O_RDONLY | O_CLOEXEC), "r");
	int mfd = pfd < 0 ? -1 : openat(pfd, "map_files", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	bool ok = in && mfd >= 0;
	char line[512], name[48];
	struct stat st;
	while (ok && fgets(line, sizeof line, in)) {
		unsigned long long start, end;
		if (strstr(line, "/memfd:") && sscanf(line, "%llx-%llx", &start, &end) == 2) {
			snprintf(name, sizeof name, "%llx-%llx", start, end);
			ok = fstatat(mfd, name, &st, 0) == 0;
		}
	}
	if (in)
		fclose(in);
	if (mfd >= 0)
		close(mfd);
	if (pfd >= 0)
		close(pfd);
	return ok ? (double)(bench_now() - t0) / 1e6 : -1;
}

/* Wall ms of one objlist_scan() in this process (every process's maps
 * and fds), or -1. */
static double scan_ms(void)
{
	struct objlist s;
	memset(&s, 0, sizeof s);
	int64_t t0 = bench_now();
	int rc = objlist_scan(&s);
	double ms = (double)(bench_now() - t0) / 1e6;
	objlist_free(&s);
	return rc < 0 ? -1 : ms;
}

/* ---- shmtop -a -b -n 1 ----------------------------------------------------- */

struct run {
	double wall, cpu; /* ms */
	double rss;       /* MB */
	size_t listed;    /* lines naming one of the helper's memfds */
};

/* Lines of f that name one of the helper's memfds (PREFIX, our pid). */
static size_t count_listed(FILE *f)
{
	char tag[64], *line = NULL;
	size_t cap = 0, n = 0;
	snprintf(tag, sizeof tag, PREFIX "%d.", (int)getpid());
	rewind(f);
	while (getline(&line, &cap, f) > 0)
		n += strstr(line, tag) != NULL;
	free(line);
	return n;
}

/* One run; 0, or -1 if it could not run or failed. */
static int shmtop_once(struct run *r)
{
	FILE *out = tmpfile();
	if (!out)
		return -1;
	int64_t t0 = bench_now();
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0) {
		fclose(out);
		return -1;
	}
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		int null = open("/dev/null", O_WRONLY);
		if (null < 0 || dup2(fileno(out), 1) < 0 || dup2(null, 2) < 0)
			_exit(126);
		setenv("LANG", "C.UTF-8", 1);
		execl(SHMTOP_PATH, "shmtop", "-a", "-b", "-n", "1", (char *)NULL);
		_exit(127);
	}
	int st;
	struct rusage ru;
	pid_t w;
	while ((w = wait4(pid, &st, 0, &ru)) < 0 && errno == EINTR)
		;
	r->wall = (double)(bench_now() - t0) / 1e6;
	r->cpu = (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 +
		 (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3;
	r->rss = (double)ru.ru_maxrss / 1024.0;
	bool ok = w == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0;
	r->listed = ok ? count_listed(out) : 0;
	fclose(out);
	return ok ? 0 : -1;
}

/* ---- the set-ups ----------------------------------------------------------- */

struct size_row {
	uint32_t mappings;
	struct run best;         /* best wall and CPU, largest RSS */
	double floor, floor_all; /* ms */
	double floor_stat;       /* ms: the maps and a map_files stat per memfd */
	double scan;             /* ms: objlist_scan() alone, here */
	bool ok;
};

static int runs = 3;

static int measure(const struct helper *h, uint32_t want, struct size_row *s)
{
	memset(s, 0, sizeof *s);
	int64_t t0 = bench_now();
	uint32_t before = helper_grow(h, 0);
	s->mappings = helper_grow(h, want);
	printf("   helper (pid %d): %u memfds mapped, %u more in %.2f s\n", (int)h->pid,
	       s->mappings, s->mappings - before, (double)(bench_now() - t0) / 1e9);
	fflush(stdout);
	if (s->mappings != want) {
		printf("   FAILED: the helper mapped %u of %u memfds\n", s->mappings, want);
		return -1;
	}
	for (int i = 0; i < runs; i++) {
		double f = floor_ms(h->pid), fa = floor_ms(0), fs = floor_stat_ms(h->pid);
		if (f < 0 || fs < 0) {
			printf("   FAILED: cannot read /proc/%d/maps\n", (int)h->pid);
			return -1;
		}
		if (i == 0 || f < s->floor)
			s->floor = f;
		if (i == 0 || fa < s->floor_all)
			s->floor_all = fa;
		if (i == 0 || fs < s->floor_stat)
			s->floor_stat = fs;
		double sc = scan_ms();
		if (sc < 0) {
			printf("   FAILED: objlist_scan(): %s\n", strerror(errno));
			return -1;
		}
		if (i == 0 || sc < s->scan)
			s->scan = sc;
		struct run r;
		if (shmtop_once(&r) < 0) {
			printf("   FAILED: shmtop -a -b -n 1 exited with an error\n");
			return -1;
		}
		if (r.listed != want) {
			printf("   FAILED: shmtop -a -b -n 1 listed %zu of the %u memfds\n",
			       r.listed, want);
			return -1;
		}
		if (i == 0 || r.wall < s->best.wall)
			s->best.wall = r.wall;
		if (i == 0 || r.cpu < s->best.cpu)
			s->best.cpu = r.cpu;
		if (r.rss > s->best.rss)
			s->best.rss = r.rss;
	}
	s->ok = true;
	return 0;
}

static void verdict(const char *what, double value, const char *unit, const char *target, bool met)
{
	printf("   %-44s %8.2f%-3s (target %s): %s\n", what, value, unit, target,
	       met ? "met" : "NOT MET");
}

static void usage(void)
{
	fprintf(stderr, "usage: bench_scan [--smoke] [--small N] [--large N] [--runs N]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	uint32_t small = 30000, large = 60000;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--smoke") == 0) {
			small = 300;
			large = 600;
			runs = 1;
		} else if (i + 1 < argc && strcmp(argv[i], "--small") == 0)
			small = (uint32_t)strtoul(argv[++i], NULL, 10);
		else if (i + 1 < argc && strcmp(argv[i], "--large") == 0)
			large = (uint32_t)strtoul(argv[++i], NULL, 10);
		else if (i + 1 < argc && strcmp(argv[i], "--runs") == 0)
			runs = atoi(argv[++i]);
		else
			usage();
	}
	if (small == 0 || large < small || runs < 1 || runs > MAX_RUNS)
		usage();
	bench_header("bench_scan: shmtop -a -b -n 1 against one process mapping N distinct "
		     "memfds (issue 21)");
	struct helper h;
	if (helper_start(&h) < 0) {
		perror("bench_scan: helper");
		return 1;
	}
	struct size_row rows[2];
	int rc = measure(&h, small, &rows[0]);
	if (rc == 0)
		rc = measure(&h, large, &rows[1]);
	helper_stop(&h);
	if (rc < 0)
		return 1;

	printf("\n   %-9s %12s %10s %9s %14s %10s %15s %13s\n", "mappings", "shmtop wall", "CPU",
	       "peak RSS", "floor: maps", "wall/floor", "all maps (ctx)", "scan alone");
	for (int i = 0; i < 2; i++) {
		const struct size_row *s = &rows[i];
		printf("   %-9u %9.1f ms %7.1f ms %6.1f MB %11.2f ms %9.1fx %12.2f ms %10.1f ms\n",
		       s->mappings, s->best.wall, s->best.cpu, s->best.rss, s->floor,
		       s->floor > 0 ? s->best.wall / s->floor : 0, s->floor_all, s->scan);
	}
	/* Judged on CPU time: on a shared host the wall time is the load's. */
	double growth = rows[0].best.cpu > 0 ? rows[1].best.cpu / rows[0].best.cpu : 0;
	double mult = (double)rows[1].mappings / rows[0].mappings;
	double vs_floor = rows[1].floor > 0 ? rows[1].best.cpu / rows[1].floor : 0;
	printf("\n");
	char what[64];
	snprintf(what, sizeof what, "CPU at %u / CPU at %u (%.1fx the mappings)", rows[1].mappings,
		 rows[0].mappings, mult);
	verdict(what, growth, "x", "<= 2.2x", growth <= 2.2);
	snprintf(what, sizeof what, "shmtop CPU / the maps floor at %u", rows[1].mappings);
	verdict(what, vs_floor, "x", "<= 3x", vs_floor <= 3.0);
	snprintf(what, sizeof what, "shmtop peak RSS at %u", rows[1].mappings);
	verdict(what, rows[1].best.rss, " MB", "< 64 MB", rows[1].best.rss < 64.0);
	printf("   objlist_scan() alone at %u: %.2fx the maps floor, %.2fx every process's maps\n",
	       rows[1].mappings, rows[1].floor > 0 ? rows[1].scan / rows[1].floor : 0,
	       rows[1].floor_all > 0 ? rows[1].scan / rows[1].floor_all : 0);
	for (int i = 0; i < 2; i++)
		printf("   at %u: the maps and a map_files stat per memfd take %.1f ms (%.1fx the "
		       "maps alone); shmtop's CPU is %.2fx that, objlist_scan() %.2fx\n",
		       rows[i].mappings, rows[i].floor_stat,
		       rows[i].floor > 0 ? rows[i].floor_stat / rows[i].floor : 0,
		       rows[i].floor_stat > 0 ? rows[i].best.cpu / rows[i].floor_stat : 0,
		       rows[i].floor_stat > 0 ? rows[i].scan / rows[i].floor_stat : 0);
	printf("   check: shmtop listed exactly the helper's memfds at both sizes\n");
	return 0;
}
