/* SPDX-License-Identifier: MIT */
/*
 * Helpers shared by the benchmarks: keys (the tests' allocator), a timing
 * loop that reports the best cost of one operation, child processes that
 * hand back a result, a real shmwriter to measure against, and the host line
 * printed above each table.  Header-only, like tests/testutil.h, which it
 * builds on (SHMWRITER_PATH).
 */
#ifndef SHMTOP_BENCH_H
#define SHMTOP_BENCH_H

#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "control.h"
#include "procstat.h"
#include "record.h"
#include "testutil.h"

#ifndef BENCH_BUILD_TYPE
#define BENCH_BUILD_TYPE "?"
#endif
#ifndef BENCH_SANITIZED
#define BENCH_SANITIZED 0
#endif

/* This run's key for slot: the tests' allocator (testutil.h). */
static inline key_t bench_key(unsigned slot)
{
	return test_key(slot);
}

/* CLOCK_MONOTONIC inline: what a publisher pays for a timestamp. */
static inline int64_t bench_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * NS_PER_SEC + ts.tv_nsec;
}

static inline void bench_sleep_ns(int64_t ns)
{
	nanosleep(&(struct timespec){ .tv_sec = (time_t)(ns / NS_PER_SEC),
				      .tv_nsec = (long)(ns % NS_PER_SEC) },
		  NULL);
}

/* fn(ctx, n) performs n operations of whatever is measured. */
typedef void (*bench_fn)(void *ctx, uint64_t n);

#define BENCH_RUNS 5
#define BENCH_RUN_NS (40 * NS_PER_MS)

/* How many runs bench_ns_per_op() takes the best of: BENCH_RUNS, or 1 in a
 * benchmark's --smoke run (bench_smoke), which only shows it works. */
static int bench_runs __attribute__((unused)) = BENCH_RUNS;

/* Cost of one operation of fn in ns: the best of bench_runs runs of about
 * BENCH_RUN_NS each, after a calibration run that also warms the caches.
 * The best, not the median: on a shared 2-core host, other work only ever
 * adds time to a run. */
static inline double bench_ns_per_op(bench_fn fn, void *ctx)
{
	uint64_t n = 16;
	int64_t dt;
	for (;;) {
		int64_t t0 = bench_now();
		fn(ctx, n);
		dt = bench_now() - t0;
		if (dt >= BENCH_RUN_NS / 8 || n >= (UINT64_C(1) << 40))
			break;
		n *= 2;
	}
	n = (uint64_t)((double)n * (double)BENCH_RUN_NS / (double)(dt > 0 ? dt : 1)) + 1;
	double best = 0;
	for (int i = 0; i < bench_runs; i++) {
		int64_t t0 = bench_now();
		fn(ctx, n);
		double r = (double)(bench_now() - t0) / (double)n;
		if (i == 0 || r < best)
			best = r;
	}
	return best;
}

/* Flags shared with child processes (an anonymous shared page). */
struct bench_flags {
	_Atomic int stop;
	_Atomic int ready;
};

static inline struct bench_flags *bench_flags_new(void)
{
	void *p = mmap(NULL, sizeof(struct bench_flags), PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		perror("mmap");
		exit(1);
	}
	return p;
}

/* Wait (at most 5 s) until n children have set themselves ready. */
static inline int bench_wait_ready(struct bench_flags *f, int n)
{
	for (int i = 0; i < 5000 && atomic_load(&f->ready) < n; i++)
		bench_sleep_ns(NS_PER_MS);
	return atomic_load(&f->ready) >= n ? 0 : -1;
}

/* A child process whose result (size bytes) comes back through a pipe. */
struct bench_child {
	pid_t pid;
	int fd;
};

static inline struct bench_child bench_fork(void (*fn)(void *arg, void *out), void *arg,
					    size_t size)
{
	int fds[2];
	if (pipe(fds) < 0) {
		perror("pipe");
		exit(1);
	}
	struct bench_child c = { fork(), fds[0] };
	if (c.pid < 0) {
		perror("fork");
		exit(1);
	}
	if (c.pid == 0) {
		close(fds[0]);
		unsigned char out[256] = { 0 };
		if (size > sizeof out)
			_exit(2);
		fn(arg, out);
		_exit(write(fds[1], out, size) == (ssize_t)size ? 0 : 1);
	}
	close(fds[1]);
	return c;
}

/* The child's result into out; 0, or -1 if it failed. */
static inline int bench_collect(struct bench_child c, void *out, size_t size)
{
	ssize_t n = read(c.fd, out, size);
	close(c.fd);
	int st = wait_exit(c.pid, 10000);
	return n == (ssize_t)size && st >= 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
}

/* utime+stime and cutime+cstime (reaped children) of pid, in seconds, from
 * /proc/PID/stat; 0, or -1. */
static inline int bench_stat_cpu(pid_t pid, double *self, double *children)
{
	struct proc_stat_fields f;
	if (proc_read_stat(pid, &f))
		return -1;
	double tick = (double)sysconf(_SC_CLK_TCK);
	*self = (double)(f.utime + f.stime) / tick;
	*children = (double)(f.cutime + f.cstime) / tick;
	return 0;
}

/* CPU time (user + system) that pid has used, in seconds; -1 if unknown. */
static inline double bench_cpu_s(pid_t pid)
{
	double self, children;
	return bench_stat_cpu(pid, &self, &children) < 0 ? -1 : self;
}

/* A real shmwriter on a key of ours, its record attached read-only and its
 * control segment read-write. */
struct bench_writer {
	struct child proc;
	key_t key;
	const struct shmtop_record *rec;
	struct shmtop_control *ctl;
};

/* Run `shmwriter -k KEY -i interval --remove-on-exit` on whatever is on key
 * (creating or taking over), attach its record and control segment, and
 * leave its start-up line in line; 0, or -1 with a message on stderr. */
static inline int bench_writer_run(struct bench_writer *w, key_t key, const char *interval,
				   char *line, size_t linelen)
{
	char k[16];
	snprintf(k, sizeof k, "0x%08x", (unsigned)key);
	const char *args[] = { "-k", k, "-i", interval, "--remove-on-exit", NULL };
	w->key = key;
	w->rec = NULL;
	w->ctl = NULL;
	w->proc = spawn_writer(args);
	if (w->proc.pid < 0 || read_line(w->proc.out, line, linelen, 5000) == 0) {
		read_line(w->proc.err, line, linelen, 100);
		fprintf(stderr, "shmwriter did not start: %s\n", line);
		return -1;
	}
	w->rec = attach_key(key, SHM_RDONLY);
	struct shmtop_snapshot s;
	char why[160];
	if (!w->rec) {
		fprintf(stderr, "cannot attach shmwriter's segment on key %s\n", k);
		return -1;
	}
	enum shmtop_read_status st = SHMTOP_READ_BUSY;
	for (int i = 0; i < 100 && st == SHMTOP_READ_BUSY; i++) { /* writer preempted */
		st = record_read(w->rec, sizeof *w->rec, &s, why, sizeof why);
		if (st == SHMTOP_READ_BUSY)
			bench_sleep_ns(10 * NS_PER_MS);
	}
	if (st != SHMTOP_READ_OK) {
		fprintf(stderr, "cannot read shmwriter's record on key %s: %s\n", k, why);
		return -1;
	}
	void *c = shmat(s.control_id, NULL, 0);
	if (c == (void *)-1) {
		fprintf(stderr, "cannot attach shmwriter's control segment\n");
		return -1;
	}
	w->ctl = c;
	return 0;
}

/* bench_writer_run() on a fresh segment (a leftover of a crashed run with
 * our pid is removed first). */
static inline int bench_writer_start(struct bench_writer *w, key_t key, const char *interval)
{
	char line[256];
	test_remove_key(key);
	return bench_writer_run(w, key, interval, line, sizeof line);
}

/* SIGTERM it, detach, and remove its segment; 0 if it exited cleanly. */
static inline int bench_writer_stop(struct bench_writer *w)
{
	int st = -1;
	if (w->proc.pid > 0) {
		kill(w->proc.pid, SIGTERM);
		st = wait_exit(w->proc.pid, 5000);
		close(w->proc.out);
		close(w->proc.err);
		w->proc.pid = -1;
	}
	if (w->ctl)
		shmdt(w->ctl);
	if (w->rec)
		shmdt(w->rec);
	w->ctl = NULL;
	w->rec = NULL;
	test_remove_key(w->key);
	return st >= 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
}

/* The CPUs this process was allowed at its first call. */
static inline const cpu_set_t *bench_allowed_cpus(void)
{
	static cpu_set_t allowed;
	static int have;
	if (!have) {
		if (sched_getaffinity(0, sizeof allowed, &allowed) < 0)
			CPU_ZERO(&allowed);
		have = 1;
	}
	return &allowed;
}

/* Pin the calling process to the n-th allowed CPU; -1 (left as it was) if
 * there is none. */
static inline int bench_pin(int n)
{
	const cpu_set_t *allowed = bench_allowed_cpus();
	for (size_t cpu = 0; cpu < CPU_SETSIZE; cpu++) {
		if (CPU_ISSET(cpu, allowed) && n-- == 0) {
			cpu_set_t one;
			CPU_ZERO(&one);
			CPU_SET(cpu, &one);
			return sched_setaffinity(0, sizeof one, &one);
		}
	}
	return -1;
}

/* Undo bench_pin(). */
static inline void bench_unpin(void)
{
	sched_setaffinity(0, sizeof(cpu_set_t), bench_allowed_cpus());
}

/* Is name an executable in one of PATH's folders? */
static inline bool bench_in_path(const char *name)
{
	const char *path = getenv("PATH");
	char buf[4096];
	for (const char *p = path ? path : "/usr/bin:/bin"; *p;) {
		size_t n = strcspn(p, ":");
		snprintf(buf, sizeof buf, "%.*s/%s", (int)n, p, name);
		if (n && access(buf, X_OK) == 0)
			return true;
		p += n + (p[n] == ':');
	}
	return false;
}

/* "12.3 M" style: n with an SI prefix, width 7. */
static inline const char *bench_si(double n, char buf[16])
{
	if (n >= 1e9)
		snprintf(buf, 16, "%6.2f G", n / 1e9);
	else if (n >= 1e6)
		snprintf(buf, 16, "%6.2f M", n / 1e6);
	else if (n >= 1e3)
		snprintf(buf, 16, "%6.2f k", n / 1e3);
	else
		snprintf(buf, 16, "%6.0f  ", n);
	return buf;
}

/* The title and one line about the host, so runs can be compared. */
static inline void bench_header(const char *title)
{
	char cs[64] = "unknown";
	FILE *f = fopen("/sys/devices/system/clocksource/clocksource0/current_clocksource", "re");
	if (f) {
		if (fgets(cs, sizeof cs, f))
			cs[strcspn(cs, "\n")] = '\0';
		fclose(f);
	}
	double load = -1;
	f = fopen("/proc/loadavg", "re");
	if (f) {
		if (fscanf(f, "%lf", &load) != 1)
			load = -1;
		fclose(f);
	}
	printf("%s\n", title);
	printf("host: %ld CPUs online, load average %.2f before the run, clocksource %s, "
	       "build %s%s\n\n",
	       sysconf(_SC_NPROCESSORS_ONLN), load, cs, BENCH_BUILD_TYPE,
	       BENCH_SANITIZED ? " with ASan+UBSan (figures inflated, not representative)" : "");
	fflush(stdout);
}

#endif
