/* SPDX-License-Identifier: MIT */
/*
 * bench_hsperf: what reading one JVM's hsperfdata costs a viewer's refresh
 * (issue 24's target: under 50 us for its ~190 counters).  Each row is the
 * best cost of one call (bench.h): a copy of the file's used bytes (the
 * floor), hsperf_parse() on a copy of a real JVM's file (tests/fixture/hsperf),
 * the same under objpeek_guarded() (the SIGBUS guard a mapping needs), and,
 * where java is installed, on a live JVM's own file: its mapping parsed in
 * place under the guard, and the whole refresh of a viewer that keeps
 * nothing open (open, fstat, mmap, guarded parse, munmap, close).
 * Figures only, no judgement: a refusal of either file is a failure (exit 1).
 */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"
#include "hsperf.h"
#include "objpeek.h"

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
	char why[200];
	enum hsperf_status st;
	long failed;
	uint64_t sink;
};

static void parse_once(void *arg)
{
	struct ctx *c = arg;
	c->st = hsperf_parse(c->p, c->size, c->e, sizeof c->e / sizeof c->e[0], &c->n, c->text,
			     sizeof c->text, &c->info, c->why, sizeof c->why);
	c->sink += c->n ? (uint64_t)c->e[c->n - 1].value : 0;
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

static void row(const char *what, bench_fn fn, struct ctx *c)
{
	c->failed = 0;
	double ns = bench_ns_per_op(fn, c);
	printf("  %-52s %8.2f us %7.1f ns/entry\n", what, ns / 1000, c->n ? ns / (double)c->n : 0);
	if (c->failed) {
		printf("  FAIL: %ld refused: %s\n", c->failed, c->why);
		exit(1);
	}
}

/* A JVM that idles (a source-file launch); its pid, or -1 without java. */
static pid_t start_jvm(char *dir)
{
	if (system("command -v java >/dev/null 2>&1") != 0)
		return -1;
	char src[256];
	snprintf(src, sizeof src, "%s/Idle.java", dir);
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

int main(void)
{
	bench_header("bench_hsperf: one JVM's hsperfdata read per refresh (issue 24)");
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
	row("copy of the used bytes (the floor)", run_copy, &c);
	row("hsperf_parse()", run_parse, &c);
	row("hsperf_parse() under objpeek_guarded()", run_guarded, &c);

	char dir[] = "/tmp/bench_hsperf.XXXXXX";
	if (!mkdtemp(dir))
		return 1;
	pid_t jvm = start_jvm(dir);
	int rc = 0;
	if (jvm < 0) {
		printf("\nno java here (apt-get install openjdk-17-jdk-headless): no live rows\n");
	} else {
		char path[128];
		snprintf(path, sizeof path, "/tmp/hsperfdata_%s/%d",
			 getenv("USER") ? getenv("USER") : "root", (int)jvm);
		c.path = path;
		c.failed = 1;
		for (int i = 0; i < 300 && c.failed; i++) { /* up to 30 s to start */
			bench_sleep_ns(100 * NS_PER_MS);
			c.failed = 0;
			run_refresh(&c, 1);
		}
		if (c.failed) {
			printf("\nFAIL: the live JVM's %s did not become readable: %s\n", path,
			       c.why);
			rc = 1;
		} else {
			printf(
			    "\na live JVM's own file (pid %d, %zu bytes, %u used, %zu entries):\n",
			    (int)jvm, c.size, c.info.used, c.n);
			int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
			void *m =
			    fd >= 0 ? mmap(NULL, c.size, PROT_READ, MAP_SHARED, fd, 0) : MAP_FAILED;
			if (fd >= 0)
				close(fd);
			if (m == MAP_FAILED) {
				rc = 1;
			} else {
				c.p = m;
				row("its mapping, hsperf_parse() under the guard", run_guarded, &c);
				munmap(m, c.size);
			}
			row("open, fstat, mmap, guarded parse, munmap, close", run_refresh, &c);
		}
		kill(jvm, SIGTERM);
		waitpid(jvm, NULL, 0);
	}
	char src[256];
	snprintf(src, sizeof src, "%s/Idle.java", dir);
	unlink(src);
	rmdir(dir);
	printf("\nissue 24 target: a refresh of one JVM's ~190 counters under 50 us\n");
	return rc;
}
