/* SPDX-License-Identifier: MIT */
/*
 * bench_producers: issue 24's "cheap to watch", in one run.
 *
 * 1. One JVM's hsperfdata per refresh (target: under 50 us for its ~190
 *    counters).  Each row is the best cost of one call (bench.h): on a copy
 *    of a real JVM's file (tests/fixture/hsperf), a copy of its used bytes
 *    (the floor), hsperf_parse(), the SIGBUS guard a mapping needs
 *    (objpeek_guarded()) alone and around it, and what the viewer pays: decode_object()
 *    under the guard into one struct content kept across refreshes (the
 *    hsperf decoder's seen_take() merge and history), with the bytes as they
 *    are and with every counter and gauge changed since the last refresh
 *    (each one a history sample; the 190 or so 8-byte stores that change
 *    them are in the figure).  Then on a live JVM started here (`java
 *    Idle.java`, allocating 64 KiB a millisecond): its mapping parsed in
 *    place, decode_object() on it as objmon does (its mapping kept, the
 *    clocks read), and the whole refresh of a viewer that keeps nothing open
 *    (open, fstat, mmap, guarded parse, munmap, close).
 * 2. `shmtop PATH -b -n 10 -d 10` against `jstat -gcutil PID 1000 10` on that
 *    JVM, both at once over the same seconds: CPU time (user + system) and
 *    peak RSS of each from wait4()'s rusage, and shmtop's ratio to jstat
 *    (target: at most 0.1x).  jstat is itself a JVM.
 * 3. varnishd on 127.0.0.1 with its own -n folder (as tests/e2e_vsc.sh runs
 *    it): N runs, one at a time and interleaved, of `varnishstat -n DIR -1`,
 *    `varnishstat -n DIR -1 -j` and `shmtop DIR -b -n 1`, their CPU time per
 *    run and peak RSS, and shmtop's ratio to varnishstat -1.
 * Each shmtop run is measured on whatever it prints: its lines, and how many
 * name one of the producer's counters (sun.*, MAIN.*), are shown.
 *
 * Figures only, no judgement of time.  Exit status 1 when something is
 * broken: a file refused, java, jstat, varnishd or varnishstat missing or not
 * starting, a command failing or not ending within its time.  --smoke: the
 * same, briefly (shmtop -n 2, jstat 2 samples, 3 runs of each against
 * Varnish).  Every process and folder made is removed.
 */
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"
#include "clock.h"
#include "decode.h"
#include "hsperf.h"
#include "objpeek.h"

#ifndef SHMTOP_PATH
#error "SHMTOP_PATH must name the shmtop binary"
#endif

#define MAXSIZE 65536

struct ctx {
	const void *p;
	size_t size;
	const char *path; /* for the refresh that opens the file */
	struct hsperf_entry e[HSPERF_MAX_ENTRIES(MAXSIZE)];
	char text[MAXSIZE];
	unsigned char copy[MAXSIZE];
	size_t n;
	struct hsperf_info info;
	char why[256];
	enum hsperf_status st;
	long failed;
	uint64_t sink;
	/* decode_object()'s */
	struct content c;
	enum decode_status ds;
	unsigned char *bytes;                          /* the copy whose counters change, or NULL */
	uint32_t longs[MAXSIZE / HSPERF_ENTRY_HEADER]; /* offsets of its changing longs */
	size_t nlongs;
};

static void parse_once(void *arg)
{
	struct ctx *c = arg;
	c->st = hsperf_parse(c->p, c->size, c->e, sizeof c->e / sizeof c->e[0], &c->n, c->text,
			     sizeof c->text, &c->info, c->why, sizeof c->why);
	c->sink += c->n ? (uint64_t)c->e[c->n - 1].value : 0;
}

/* One refresh as objmon makes it: the clocks, then decode_object(). */
static void decode_once(void *arg)
{
	struct ctx *c = arg;
	struct decode_want w = { .now_mono = clock_mono_ns(), .now_wall = clock_wall_ns() };
	c->ds = decode_object(c->p, c->size, &w, &c->c, c->why, sizeof c->why);
}

static void run_copy(void *arg, uint64_t n)
{
	struct ctx *c = arg;
	for (uint64_t i = 0; i < n; i++) {
		memcpy(c->copy, c->p, c->info.used);
		__asm__ volatile("" ::"r"(c->copy) : "memory");
	}
}

static void run_parse(void *arg, uint64_t n)
{
	struct ctx *c = arg;
	for (uint64_t i = 0; i < n; i++) {
		parse_once(c);
		c->failed += c->st != HSPERF_OK;
	}
}

static void run_guarded(void *arg, uint64_t n)
{
	struct ctx *c = arg;
	for (uint64_t i = 0; i < n; i++)
		c->failed += objpeek_guarded(parse_once, c) != 0 || c->st != HSPERF_OK;
}

static void nothing(void *arg)
{
	__asm__ volatile("" ::"r"(arg) : "memory");
}

static void run_guard(void *arg, uint64_t n)
{
	struct ctx *c = arg;
	for (uint64_t i = 0; i < n; i++)
		c->failed += objpeek_guarded(nothing, c) != 0;
}

static void run_decode(void *arg, uint64_t n)
{
	struct ctx *c = arg;
	for (uint64_t i = 0; i < n; i++) {
		for (size_t k = 0; k < c->nlongs; k++) { /* the JVM's aligned stores */
			int64_t *v = (int64_t *)(void *)(c->bytes + c->longs[k]);
			*v += 1;
		}
		c->failed += objpeek_guarded(decode_once, c) != 0 || c->ds != DECODE_OK;
	}
}

static void run_refresh(void *arg, uint64_t n)
{
	struct ctx *c = arg;
	for (uint64_t i = 0; i < n; i++) {
		int fd = open(c->path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
		struct stat st;
		if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size > MAXSIZE) {
			c->failed++;
			if (fd >= 0)
				close(fd);
			continue;
		}
		c->size = (size_t)st.st_size;
		c->p = mmap(NULL, c->size, PROT_READ, MAP_SHARED, fd, 0);
		close(fd);
		if (c->p == MAP_FAILED) {
			c->failed++;
			continue;
		}
		c->failed += objpeek_guarded(parse_once, c) != 0 || c->st != HSPERF_OK;
		munmap((void *)(uintptr_t)c->p, c->size);
	}
}

/* A row of the first table: fn's best cost per call in us, printed with
 * its cost per counter of *count (read after the run; 0: none).  A refused read
 * ends the run (exit 1). */
static double row(const char *what, bench_fn fn, struct ctx *c, const size_t *count)
{
	c->failed = 0;
	double ns = bench_ns_per_op(fn, c);
	if (*count)
		printf("  %-56s %8.2f us %7.1f ns/counter\n", what, ns / 1000, ns / (double)*count);
	else
		printf("  %-56s %8.2f us\n", what, ns / 1000);
	if (c->failed) {
		printf("  FAIL: %ld refused: %s\n", c->failed, c->why);
		exit(1);
	}
	return ns / 1000;
}

/* The offsets of the fixture's monotonic and variable longs, so that
 * run_decode() changes each of them, and the prologue's mod_time_stamp. */
static size_t changing_longs(const unsigned char *b, size_t size, uint32_t *off, size_t cap)
{
	uint32_t eo, ne;
	size_t n = 0;
	memcpy(&eo, b + 24, 4);
	memcpy(&ne, b + 28, 4);
	if (b[4] != 1 || n >= cap) /* little endian, as the fixture is */
		return 0;
	off[n++] = 16; /* mod_time_stamp */
	for (uint32_t i = 0; i < ne && eo + HSPERF_ENTRY_HEADER <= size && n < cap; i++) {
		uint32_t len, vlen, doff;
		memcpy(&len, b + eo, 4);
		memcpy(&vlen, b + eo + 8, 4);
		memcpy(&doff, b + eo + 16, 4);
		if (len == 0)
			break;
		if (b[eo + 12] == 'J' && vlen == 0 && b[eo + 15] != HSPERF_CONSTANT &&
		    (eo + doff) % 8 == 0 && eo + doff + 8 <= size)
			off[n++] = eo + doff;
		eo += len;
	}
	return n;
}

/* ---- commands measured with wait4() ---- */

static volatile sig_atomic_t interrupted;
static pid_t jvm = -1, varnishd = -1;
static char tmp[] = "/tmp/bench_producers.XXXXXX";
static bool have_tmp;

static void on_signal(int sig)
{
	(void)sig;
	interrupted = 1;
}

static void stop(pid_t *pid)
{
	if (*pid <= 0)
		return;
	kill(*pid, SIGTERM);
	if (wait_exit(*pid, 10000) < 0) {
		kill(*pid, SIGKILL);
		waitpid(*pid, NULL, 0);
	}
	*pid = -1;
}

static void cleanup(void)
{
	stop(&jvm);
	stop(&varnishd); /* its manager stops its worker */
	if (have_tmp) {
		char cmd[128];
		snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
		if (system(cmd) != 0)
			fprintf(stderr, "bench_producers: could not remove %s\n", tmp);
		have_tmp = false;
	}
}

/* A command run: what wait4() said of it and what it printed. */
struct run {
	pid_t pid;
	int64_t t0;
	const char *tag;         /* what it is, in messages */
	char out[160], err[160]; /* its stdout's and stderr's files */
	double cpu_s, wall_s;
	long rss_kb;
	int status;          /* wait4's; -1: it did not end in time */
	size_t lines, named; /* its lines, and those holding the counters' prefix */
};

/* Start argv with its output into files of tmp named after tag. */
static void run_start(struct run *r, const char *const *argv, const char *tag)
{
	r->tag = tag;
	snprintf(r->out, sizeof r->out, "%s/%s.out", tmp, tag);
	snprintf(r->err, sizeof r->err, "%s/%s.err", tmp, tag);
	r->t0 = bench_now();
	r->pid = fork();
	if (r->pid < 0) {
		perror("fork");
		exit(1);
	}
	if (r->pid == 0) {
		int o = open(r->out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		int e = open(r->err, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		int in = open("/dev/null", O_RDONLY | O_CLOEXEC);
		if (o < 0 || e < 0 || in < 0 || dup2(in, 0) < 0 || dup2(o, 1) < 0 || dup2(e, 2) < 0)
			_exit(126);
		execvp(argv[0], (char *const *)(uintptr_t)argv);
		fprintf(stderr, "%s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
}

/* Wait for it (killed after timeout_ms) and count its lines, those that
 * hold prefix among them (NULL: none counted).  0, or -1 if it failed,
 * said unless quiet. */
static int run_end(struct run *r, int timeout_ms, const char *prefix, bool quiet)
{
	struct rusage ru;
	int st = 0;
	pid_t got = 0;
	int64_t deadline = r->t0 + (int64_t)timeout_ms * NS_PER_MS;
	while ((got = wait4(r->pid, &st, WNOHANG, &ru)) == 0) {
		if (interrupted || bench_now() > deadline) {
			kill(r->pid, SIGKILL);
			got = wait4(r->pid, &st, 0, &ru);
			st = -1;
			break;
		}
		bench_sleep_ns(5 * NS_PER_MS);
	}
	r->wall_s = (double)(bench_now() - r->t0) / 1e9;
	r->status = got == r->pid ? st : -1;
	if (got == r->pid) {
		r->cpu_s = (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
			   (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
		r->rss_kb = ru.ru_maxrss;
	}
	r->lines = r->named = 0;
	FILE *f = fopen(r->out, "re");
	char line[4096];
	while (f && fgets(line, sizeof line, f)) {
		r->lines += strchr(line, '\n') != NULL;
		r->named += prefix && strstr(line, prefix) != NULL;
	}
	if (f)
		fclose(f);
	if (r->status != -1 && WIFEXITED(r->status) && WEXITSTATUS(r->status) == 0)
		return 0;
	if (quiet)
		return -1;
	char why[160] = "";
	f = fopen(r->err, "re");
	if (f) {
		if (!fgets(why, sizeof why, f))
			why[0] = '\0';
		fclose(f);
	}
	why[strcspn(why, "\n")] = '\0';
	for (char *p = why; *p; p++) /* another program's text, printed */
		if ((unsigned char)*p < 0x20 || (unsigned char)*p == 0x7f)
			*p = '?';
	printf("  FAIL: %s: %s\n", r->tag,
	       interrupted            ? "interrupted"
	       : r->status == -1      ? "did not end in time"
	       : WIFEXITED(r->status) ? why[0] ? why : "exited non-zero"
				      : "killed by a signal");
	return -1;
}

/* "12.3 MB" of kilobytes. */
static const char *mb(long kb, char buf[16])
{
	snprintf(buf, 16, "%.1f MB", (double)kb / 1024);
	return buf;
}

/* A JVM that idles (a source-file launch); its pid. */
static pid_t start_jvm(void)
{
	char src[256];
	snprintf(src, sizeof src, "%s/Idle.java", tmp);
	FILE *f = fopen(src, "w");
	if (!f)
		return -1;
	fputs("public class Idle { public static void main(String[] a) throws Exception {"
	      " for (;;) { byte[] b = new byte[1 << 16]; Thread.sleep(1); } } }\n",
	      f);
	fclose(f);
	pid_t pid = fork();
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);
		dup2(null, 1);
		dup2(null, 2);
		execlp("java", "java", "-Xmx32m", src, (char *)NULL);
		_exit(127);
	}
	return pid;
}

/* Section 1 on the live JVM's file at path; 0, or -1. */
static int live_rows(struct ctx *c, const char *path, double *best)
{
	c->path = path;
	c->failed = 1;
	for (int i = 0; i < 300 && c->failed && !interrupted; i++) { /* up to 30 s to start */
		bench_sleep_ns(100 * NS_PER_MS);
		c->failed = 0;
		run_refresh(c, 1);
	}
	if (c->failed) {
		printf("\nFAIL: the live JVM's %s did not become readable: %s\n", path, c->why);
		return -1;
	}
	printf("\na live JVM's own file (pid %d, %zu bytes, %u used, %zu entries):\n", (int)jvm,
	       c->size, c->info.used, c->n);
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	void *m = fd >= 0 ? mmap(NULL, c->size, PROT_READ, MAP_SHARED, fd, 0) : MAP_FAILED;
	if (fd >= 0)
		close(fd);
	if (m == MAP_FAILED) {
		printf("FAIL: cannot map %s: %s\n", path, strerror(errno));
		return -1;
	}
	c->p = m;
	row("its mapping, hsperf_parse() under the guard", run_guarded, c, &c->n);
	content_free(&c->c);
	c->bytes = NULL;
	c->nlongs = 0;
	double us =
	    row("its mapping kept, decode_object() under the guard", run_decode, c, &c->c.nctr);
	*best = us < *best ? us : *best;
	size_t nctr = c->c.nctr;
	content_free(&c->c);
	munmap(m, c->size);
	row("open, fstat, mmap, guarded parse, munmap, close", run_refresh, c, &c->n);
	printf("  (%zu counters in the model: the file's entries and jvmstat's 6 "
	       "sun.perfdata.*)\n",
	       nctr);
	return 0;
}

/* Section 2: shmtop -b against jstat on the JVM's file; 0, or -1. */
static int against_jstat(const char *path, bool smoke)
{
	const char *count = smoke ? "2" : "10";
	char pid[16];
	snprintf(pid, sizeof pid, "%d", (int)jvm);
	const char *shm[] = { SHMTOP_PATH, path, "-b", "-n", count, "-d", "10", NULL };
	const char *js[] = { "jstat", "-gcutil", pid, "1000", count, NULL };
	struct run r[2];
	printf("\nshmtop against jstat on the same JVM (pid %d), both at once over the same "
	       "seconds\n(CPU: user + system, peak RSS: ru_maxrss, both from wait4()):\n",
	       (int)jvm);
	run_start(&r[0], shm, "shmtop-jvm");
	run_start(&r[1], js, "jstat");
	int rc = 0;
	rc |= run_end(&r[0], 60000, "sun.", false);
	rc |= run_end(&r[1], 60000, NULL, false);
	if (rc)
		return -1;
	if (r[1].lines != (size_t)atoi(count) + 1 || r[0].lines == 0) {
		printf("  FAIL: jstat printed %zu lines (its header and %s samples wanted), shmtop "
		       "%zu\n",
		       r[1].lines, count, r[0].lines);
		return -1;
	}
	char a[16], b[16];
	printf("  %-44s %9s %8s %10s  %s\n", "command", "CPU ms", "wall s", "peak RSS", "output");
	char label[48];
	snprintf(label, sizeof label, "shmtop PATH -b -n %s -d 10", count);
	printf("  %-44s %9.1f %8.2f %10s  %zu lines, %zu naming a counter (sun.*)\n", label,
	       r[0].cpu_s * 1000, r[0].wall_s, mb(r[0].rss_kb, a), r[0].lines, r[0].named);
	snprintf(label, sizeof label, "jstat -gcutil PID 1000 %s", count);
	printf("  %-44s %9.1f %8.2f %10s  %zu lines\n", label, r[1].cpu_s * 1000, r[1].wall_s,
	       mb(r[1].rss_kb, b), r[1].lines);
	double cpu = r[1].cpu_s > 0 ? r[0].cpu_s / r[1].cpu_s : 0;
	double rss = r[1].rss_kb > 0 ? (double)r[0].rss_kb / (double)r[1].rss_kb : 0;
	printf("  %-44s %8.3fx %8s %9.3fx\n", "shmtop / jstat", cpu, "", rss);
	printf("  issue 24 target: at most 0.1x jstat's CPU and RSS: %s\n",
	       cpu <= 0.1 && rss <= 0.1 ? "met" : "not met");
	return 0;
}

/* varnishd -n dir on 127.0.0.1 (any free port, no backend listening),
 * answering varnishstat; 0, or -1. */
static int start_varnishd(const char *dir)
{
	varnishd = fork();
	if (varnishd == 0) {
		char log[160];
		snprintf(log, sizeof log, "%s/varnishd.log", tmp);
		int o = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		int in = open("/dev/null", O_RDONLY);
		if (o < 0 || in < 0)
			_exit(126);
		dup2(in, 0);
		dup2(o, 1);
		dup2(o, 2);
		if (getuid() == 0)
			execlp("varnishd", "varnishd", "-F", "-n", dir, "-a", "127.0.0.1:0", "-b",
			       "127.0.0.1:9", "-T", "none", "-s", "malloc,16m", (char *)NULL);
		else /* no worker user to switch to */
			execlp("varnishd", "varnishd", "-F", "-j", "none", "-n", dir, "-a",
			       "127.0.0.1:0", "-b", "127.0.0.1:9", "-T", "none", "-s", "malloc,16m",
			       (char *)NULL);
		_exit(127);
	}
	if (varnishd < 0)
		return -1;
	const char *probe[] = { "varnishstat", "-n", dir, "-1", "-f", "MAIN.uptime", NULL };
	for (int i = 0; i < 600 && !interrupted; i++) { /* up to 60 s */
		struct run r;
		run_start(&r, probe, "probe");
		if (run_end(&r, 10000, "MAIN.uptime", true) == 0 && r.named)
			return 0;
		if (waitpid(varnishd, NULL, WNOHANG) == varnishd) {
			varnishd = -1;
			break;
		}
		bench_sleep_ns(100 * NS_PER_MS);
	}
	printf("FAIL: varnishd did not start within 60 s (see its log: %s/varnishd.log)\n", tmp);
	return -1;
}

/* Section 3: N runs each of varnishstat -1, -1 -j and shmtop DIR -b -n 1. */
static int against_varnishstat(bool smoke)
{
	char dir[160];
	snprintf(dir, sizeof dir, "%s/n", tmp);
	if (start_varnishd(dir))
		return -1;
	int n = smoke ? 3 : 20;
	const char *argv[3][8] = {
		{ "varnishstat", "-n", dir, "-1", NULL },
		{ "varnishstat", "-n", dir, "-1", "-j", NULL },
		{ SHMTOP_PATH, dir, "-b", "-n", "1", NULL },
	};
	const char *label[3] = { "varnishstat -n DIR -1", "varnishstat -n DIR -1 -j",
				 "shmtop DIR -b -n 1" };
	const char *prefix[3] = { "MAIN.", "MAIN.", "MAIN." };
	double cpu[3] = { 0 }, wall[3] = { 0 };
	long rss[3] = { 0 };
	size_t lines[3] = { 0 }, named[3] = { 0 };
	for (int i = 0; i < n; i++) {
		for (int k = 0; k < 3; k++) {
			struct run r;
			run_start(&r, argv[k], "varnish");
			if (run_end(&r, 10000, prefix[k], false))
				return -1;
			cpu[k] += r.cpu_s;
			wall[k] += r.wall_s;
			rss[k] = r.rss_kb > rss[k] ? r.rss_kb : rss[k];
			lines[k] = r.lines;
			named[k] = r.named;
		}
		if (named[0] == 0 || named[1] == 0 || lines[2] == 0) {
			printf("  FAIL: varnishstat listed %zu and %zu MAIN.* counters, shmtop "
			       "printed "
			       "%zu lines\n",
			       named[0], named[1], lines[2]);
			return -1;
		}
	}
	printf("\nvarnishstat against shmtop on varnishd's folder (pid %d, -n %s), %d runs of "
	       "each, one at a time, interleaved:\n",
	       (int)varnishd, dir, n);
	printf("  %-44s %9s %8s %10s  %s\n", "command", "CPU ms", "wall ms", "peak RSS",
	       "output (the last run's)");
	for (int k = 0; k < 3; k++) {
		char b[16];
		printf("  %-44s %9.2f %8.2f %10s  %zu lines, %zu naming a counter (MAIN.*)\n",
		       label[k], cpu[k] * 1000 / n, wall[k] * 1000 / n, mb(rss[k], b), lines[k],
		       named[k]);
	}
	printf("  %-44s %8.3fx %7.3fx %9.3fx\n", "shmtop / varnishstat -1",
	       cpu[0] > 0 ? cpu[2] / cpu[0] : 0, wall[0] > 0 ? wall[2] / wall[0] : 0,
	       rss[0] > 0 ? (double)rss[2] / (double)rss[0] : 0);
	printf("  (CPU and wall per run, the mean of %d; peak RSS, the largest)\n", n);
	return 0;
}

int main(int argc, char **argv)
{
	bool smoke = argc > 1 && strcmp(argv[1], "--smoke") == 0;
	if (argc > 2 || (argc == 2 && !smoke)) {
		fprintf(stderr, "usage: bench_producers [--smoke]\n");
		return 2;
	}
	bench_header("bench_producers: cheap to watch a JVM's and Varnish's counters (issue 24)");
	/* varnishd is in /usr/sbin, outside a user's PATH */
	char path[4096];
	snprintf(path, sizeof path, "%s:/usr/sbin",
		 getenv("PATH") ? getenv("PATH") : "/usr/bin:/bin");
	setenv("PATH", path, 1);
	const char *need[] = { "java", "jstat", "varnishd", "varnishstat" };
	for (size_t i = 0; i < sizeof need / sizeof need[0]; i++) {
		if (!bench_in_path(need[i])) {
			printf(
			    "FAIL: %s is missing: apt-get install openjdk-17-jdk-headless varnish "
			    "(./run.sh test does)\n",
			    need[i]);
			return 1;
		}
	}
	struct sigaction sa = { .sa_handler = on_signal };
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	if (!mkdtemp(tmp)) {
		perror("mkdtemp");
		return 1;
	}
	have_tmp = true;
	atexit(cleanup);
	chmod(tmp, 0755); /* varnishd's worker runs as its own user */

	static struct ctx c;
	static unsigned char file[MAXSIZE];
	FILE *f = fopen(HSPERF_FIXTURE, "rb");
	if (!f) {
		perror(HSPERF_FIXTURE);
		return 1;
	}
	c.size = fread(file, 1, sizeof file, f);
	fclose(f);
	c.p = file;
	parse_once(&c);
	if (c.st != HSPERF_OK) {
		printf("FAIL: the fixture is refused: %s\n", c.why);
		return 1;
	}
	printf("a copy of OpenJDK 17's file (%zu bytes, %u used, %zu entries):\n", c.size,
	       c.info.used, c.n);
	row("copy of the used bytes (the floor)", run_copy, &c, &c.n);
	row("hsperf_parse()", run_parse, &c, &c.n);
	static const size_t none;
	row("objpeek_guarded() of nothing (the guard alone)", run_guard, &c, &none);
	row("hsperf_parse() under objpeek_guarded()", run_guarded, &c, &c.n);
	double best =
	    row("decode_object() under the guard, bytes unchanged", run_decode, &c, &c.c.nctr);
	content_free(&c.c);
	c.bytes = file;
	c.nlongs = changing_longs(file, c.size, c.longs, sizeof c.longs / sizeof c.longs[0]);
	char what[96];
	snprintf(what, sizeof what, "decode_object() under the guard, %zu values changed",
		 c.nlongs);
	double changed = row(what, run_decode, &c, &c.c.nctr);
	if (c.c.nctr == 0 || c.nlongs == 0) {
		printf("FAIL: no counters decoded (%zu) or changed (%zu)\n", c.c.nctr, c.nlongs);
		return 1;
	}
	content_free(&c.c);

	jvm = start_jvm();
	if (jvm < 0) {
		printf("FAIL: cannot start java\n");
		return 1;
	}
	struct passwd *pw = getpwuid(geteuid());
	char hs[160];
	snprintf(hs, sizeof hs, "/tmp/hsperfdata_%s/%d", pw ? pw->pw_name : "root", (int)jvm);
	if (live_rows(&c, hs, &best))
		return 1;
	printf("\nissue 24 target: a refresh of one JVM's ~190 counters under 50 us: "
	       "decode_object() %.2f us at best, %.2f us with every value changed: %s\n",
	       best, changed, changed < 50 ? "met" : "not met");
	fflush(stdout);
	if (interrupted || against_jstat(hs, smoke))
		return 1;
	stop(&jvm);
	fflush(stdout);
	if (interrupted || against_varnishstat(smoke))
		return 1;
	return 0;
}
