/* SPDX-License-Identifier: MIT */
/*
 * bench_watch: issue 14's "cost to watch".  shmtop -k KEY on a publisher of
 * 16 named counters, each changing once a second (pub16, on the public
 * library), at 120x40, beside `htop -d 10` in the same run; and shmtop on a
 * shmwriter at 1 Hz (one counter, on the library too) as a second peer.  Target: shmtop on the 16
 * counters at most 0.5x htop's bytes/s and CPU.
 *
 * The three programs run on screen at once, over the same seconds, through
 * bench_viewer's pty harness (`bench_viewer --rounds N -- htop -d 10 --and
 * shmtop -k A --and shmtop -k B`, with shmtop found first in PATH): htop's
 * cost follows what the host does in those very seconds, so each round's
 * ratio is taken over one window for all of them, and the median round is
 * the figure, as in bench_viewer's issue-6 table.  bench_viewer's lines are
 * echoed (indented with "|"); then the summary: each program's median
 * bytes/s, CPU % and peak RSS over the rounds, the median round's ratios to
 * htop, and the target met or not.  Whether shmtop shows the counters (a
 * counter's name among the rows its bytes went to) is said too: a viewer
 * that cannot show a v3 record yet is measured on whatever it shows.
 *
 * Timings are never asserted.  Exit status 1 only when something is broken:
 * pub16, shmwriter or a shmtop cannot start or does not last a window.  htop
 * not installed is said, and the rest is measured.  Every process and
 * segment made is removed.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"

#ifndef SHMTOP_PATH
#error "SHMTOP_PATH must name the shmtop binary"
#endif
#ifndef PUB16_PATH
#error "PUB16_PATH must name the pub16 binary"
#endif
#ifndef BENCH_VIEWER_PATH
#error "BENCH_VIEWER_PATH must name the bench_viewer binary"
#endif

#define MAX_ROUNDS 15

enum { HTOP, V3, ONE, NPROGS };

struct row {
	bool ran;
	double bps, ups, cpu, stat, rss_mb;
};

static struct row rows[MAX_ROUNDS][NPROGS];
static char label[NPROGS][48];
static bool shows_counters; /* a counter's name among shmtop's busiest rows */

static pid_t pub_pid = -1, harness_pid = -1;
static struct child writer = { -1, -1, -1 };
static volatile sig_atomic_t interrupted;

static void stop_child(pid_t *pid)
{
	if (*pid <= 0)
		return;
	kill(*pid, SIGTERM); /* pub16 removes its segment, bench_viewer its processes */
	if (wait_exit(*pid, 5000) < 0)
		fprintf(stderr, "bench_watch: pid %d did not exit on SIGTERM\n", (int)*pid);
	*pid = -1;
}

static void cleanup(void)
{
	stop_child(&harness_pid);
	stop_child(&pub_pid);
	test_remove_key(bench_key(1));
	if (writer.pid > 0) {
		kill(writer.pid, SIGTERM); /* --remove-on-exit */
		if (wait_exit(writer.pid, 5000) < 0)
			fprintf(stderr, "bench_watch: shmwriter did not exit on SIGTERM\n");
		close(writer.out);
		close(writer.err);
		writer.pid = -1;
	}
}

static void on_signal(int sig)
{
	(void)sig;
	interrupted = 1;
}

/* Start pub16 on key and wait for its "ready" line; 0, or -1. */
static int pub_start(key_t key)
{
	int o[2];
	char k[16], line[128];
	snprintf(k, sizeof k, "0x%08x", (unsigned)key);
	if (pipe2(o, O_CLOEXEC) < 0)
		return -1;
	pub_pid = fork();
	if (pub_pid == 0) {
		dup2(o[1], 1);
		execl(PUB16_PATH, "pub16", k, (char *)NULL);
		_exit(127);
	}
	close(o[1]);
	size_t n = pub_pid > 0 ? read_line(o[0], line, sizeof line, 5000) : 0;
	close(o[0]);
	if (n == 0 || strncmp(line, "ready ", 6) != 0) {
		fprintf(stderr, "bench_watch: pub16 did not start on key %s (%s)\n", k,
			n ? line : "no ready line");
		return -1;
	}
	printf("pub16: 16 counters (12 counters, 4 gauges) each changing once a second, %s\n",
	       line);
	return 0;
}

/* One of bench_viewer's result lines ("  LABEL  bytes/s updates/s CPU% stat%
 * RSS MB ...") for program i, or its "skipped" line. */
static bool parse_row(const char *line, struct row *r, int i)
{
	size_t n = strlen(label[i]);
	if (strncmp(line, "  ", 2) != 0 || strncmp(line + 2, label[i], n) != 0 ||
	    line[2 + n] != ' ')
		return false;
	const char *rest = line + 2 + n;
	memset(r, 0, sizeof *r);
	r->rss_mb = -1;
	int got =
	    sscanf(rest, "%lf %lf %lf %lf %lf MB", &r->bps, &r->ups, &r->cpu, &r->stat, &r->rss_mb);
	r->ran = got >= 4;
	return true;
}

/* Run bench_viewer's harness on the programs which[0..nprogs-1]; fills
 * rows[][] and returns the rounds it printed, or -1 if it could not run. */
static int run_harness(const char *const *argv, const int *which, int nprogs, int nrounds)
{
	int o[2];
	if (pipe2(o, O_CLOEXEC) < 0)
		return -1;
	harness_pid = fork();
	if (harness_pid < 0)
		return -1;
	if (harness_pid == 0) {
		char dir[4096], path[8192];
		snprintf(dir, sizeof dir, "%s", SHMTOP_PATH);
		char *slash = strrchr(dir, '/');
		if (slash)
			*slash = '\0';
		const char *old = getenv("PATH");
		snprintf(path, sizeof path, "%s:%s", dir, old ? old : "/usr/bin:/bin");
		setenv("PATH", path, 1);
		dup2(o[1], 1);
		execv(BENCH_VIEWER_PATH,
		      (char *const *)(uintptr_t)argv); /* execv's old signature */
		_exit(127);
	}
	close(o[1]);
	FILE *f = fdopen(o[0], "r");
	char line[512];
	int round = -1;
	bool last_rows = false; /* in the "where the bytes go" part */
	while (f && fgets(line, sizeof line, f)) {
		printf("   | %s", line);
		fflush(stdout);
		int a, b;
		if (sscanf(line, "round %d of %d:", &a, &b) == 2 && a >= 1 && a <= MAX_ROUNDS) {
			round = a - 1;
			continue;
		}
		if (strncmp(line, "  where ", 8) == 0)
			last_rows = strncmp(line + 8, label[V3], strlen(label[V3])) == 0;
		else if (last_rows && strstr(line, "counter_"))
			shows_counters = true;
		for (int i = 0; round >= 0 && round < nrounds && i < nprogs; i++)
			if (parse_row(line, &rows[round][which[i]], which[i]))
				break;
	}
	if (f)
		fclose(f);
	else
		close(o[0]);
	if (interrupted) /* bench_viewer removes what it made on SIGTERM */
		kill(harness_pid, SIGTERM);
	int st = wait_exit(harness_pid, 10000);
	harness_pid = -1;
	if (st < 0 || !WIFEXITED(st) || WEXITSTATUS(st) > 1)
		return -1;
	return round + 1;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* The median over the rounds where program i (and htop, with ratio) ran of
 * field (offset into struct row), or of its ratio to htop's; -1 if none. */
static double median(int nrounds, int i, size_t field, bool ratio)
{
	double v[MAX_ROUNDS];
	int n = 0;
	for (int r = 0; r < nrounds; r++) {
		const struct row *x = &rows[r][i], *h = &rows[r][HTOP];
		double xv, hv;
		memcpy(&xv, (const char *)x + field, sizeof xv);
		memcpy(&hv, (const char *)h + field, sizeof hv);
		if (!x->ran || (ratio && (!h->ran || hv <= 0)))
			continue;
		v[n++] = ratio ? xv / hv : xv;
	}
	if (n == 0)
		return -1;
	qsort(v, (size_t)n, sizeof v[0], cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static void usage(void)
{
	printf("Usage: bench_watch [--duration S] [--rounds N] [--smoke]\n"
	       "  --duration S  seconds per round, the programs on screen at once (default 10)\n"
	       "  --rounds N    rounds, the median is the figure (default 3, at most %d)\n"
	       "  --smoke       1 round of 2 s: that everything runs\n",
	       MAX_ROUNDS);
}

int main(int argc, char **argv)
{
	double secs = 10;
	int nrounds = 3;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--smoke") == 0) {
			secs = 2;
			nrounds = 1;
		} else if (strcmp(argv[i], "--duration") == 0 && i + 1 < argc) {
			secs = atof(argv[++i]);
		} else if (strcmp(argv[i], "--rounds") == 0 && i + 1 < argc) {
			nrounds = atoi(argv[++i]);
		} else {
			usage();
			return strcmp(argv[i], "--help") == 0 ? 0 : 2;
		}
	}
	if (!(secs >= 1 && secs <= 3600) || nrounds < 1 || nrounds > MAX_ROUNDS) {
		usage();
		return 2;
	}
	struct sigaction sa = { .sa_handler = on_signal };
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	atexit(cleanup);

	bench_header("bench_watch: the cost to watch 16 counters (issue 14), beside htop -d 10");
	key_t k3 = bench_key(1), k2 = bench_key(2);
	char key3[16], key2[16], dur[32], nr[16];
	snprintf(key3, sizeof key3, "0x%08x", (unsigned)k3);
	snprintf(key2, sizeof key2, "0x%08x", (unsigned)k2);
	snprintf(dur, sizeof dur, "%g", secs);
	snprintf(nr, sizeof nr, "%d", nrounds);
	test_remove_key(k3);
	if (pub_start(k3) < 0)
		return 1;
	test_remove_key(k2);
	const char *wargs[] = { "-k", key2, "-i", "1", "--remove-on-exit", NULL };
	char wline[256];
	writer = spawn_writer(wargs);
	if (writer.pid < 0 || read_line(writer.out, wline, sizeof wline, 5000) == 0) {
		read_line(writer.err, wline, sizeof wline, 100);
		fprintf(stderr, "bench_watch: shmwriter did not start: %s\n", wline);
		return 1;
	}
	printf("shmwriter -i 1 on key %s: one counter, \"count\"\n", key2);

	bool htop = bench_in_path("htop");
	snprintf(label[HTOP], sizeof label[HTOP], "htop -d 10");
	snprintf(label[V3], sizeof label[V3], "shmtop -k %s", key3);
	snprintf(label[ONE], sizeof label[ONE], "shmtop -k %s", key2);
	const char *args[32];
	int na = 0;
	args[na++] = "bench_viewer";
	args[na++] = "--duration";
	args[na++] = dur;
	args[na++] = "--rounds";
	args[na++] = nr;
	args[na++] = "--";
	if (htop) {
		args[na++] = "htop";
		args[na++] = "-d";
		args[na++] = "10";
		args[na++] = "--and";
	}
	args[na++] = "shmtop";
	args[na++] = "-k";
	args[na++] = key3;
	args[na++] = "--and";
	args[na++] = "shmtop";
	args[na++] = "-k";
	args[na++] = key2;
	args[na] = NULL;
	static const int which[NPROGS] = { HTOP, V3, ONE };
	int first = htop ? 0 : 1;
	if (!htop)
		printf("htop is not installed: no ratios (./run.sh bench installs it); "
		       "shmtop measured alone\n");
	printf("\n%d round%s of %s s, at 120x40, %s on screen at once (bench_viewer's harness):\n",
	       nrounds, nrounds > 1 ? "s" : "", dur,
	       htop ? "htop -d 10 and the two shmtop" : "the two shmtop");
	fflush(stdout);
	int got = interrupted ? -1 : run_harness(args, which + first, NPROGS - first, nrounds);
	int broken = got < nrounds;
	for (int r = 0; r < got && r < MAX_ROUNDS; r++)
		broken |= !rows[r][V3].ran || !rows[r][ONE].ran;

	printf("\nCost to watch, median of %d round%s (ratios: median of the rounds' ratios):\n",
	       got > 0 ? got : 0, got == 1 ? "" : "s");
	printf("  %-28s %9s %8s %9s %14s %12s\n", "program", "bytes/s", "CPU %", "peak RSS",
	       "bytes vs htop", "CPU vs htop");
	static const char *const what[NPROGS] = { "htop -d 10", "shmtop, 16 counters (v3)",
						  "shmtop, shmwriter" };
	for (int i = 0; i < NPROGS; i++) {
		double b = median(got, i, offsetof(struct row, bps), false);
		double c = median(got, i, offsetof(struct row, cpu), false);
		double m = median(got, i, offsetof(struct row, rss_mb), false);
		if (b < 0) {
			printf("  %-28s %s\n", what[i],
			       i == HTOP && !htop ? "not installed" : "not measured");
			continue;
		}
		printf("  %-28s %9.0f %8.3f %6.1f MB", what[i], b, c, m);
		if (i != HTOP && htop) {
			double rb = median(got, i, offsetof(struct row, bps), true);
			double rc = median(got, i, offsetof(struct row, cpu), true);
			printf(" %13.2fx %11.2fx", rb, rc);
		}
		printf("\n");
	}
	double rb = median(got, V3, offsetof(struct row, bps), true),
	       rc = median(got, V3, offsetof(struct row, cpu), true);
	if (rb >= 0 && rc >= 0)
		printf("  issue 14 target, shmtop on 16 counters <= 0.5x htop -d 10: bytes %s "
		       "(%.2fx), "
		       "CPU %s (%.2fx)\n",
		       rb <= 0.5 ? "met" : "NOT MET", rb, rc <= 0.5 ? "met" : "NOT MET", rc);
	else
		printf("  issue 14 target: cannot compare (%s)\n",
		       htop ? "htop did not run a whole round" : "htop not installed");
	printf("  shmtop shows the 16 counters: %s\n",
	       shows_counters ? "yes (a counter's name among its busiest rows)"
			      : "no counter name among its busiest rows: the figure is for what "
				"this viewer shows of a v3 record (not the counters table)");
	if (interrupted) {
		printf("interrupted\n");
		return 1;
	}
	if (broken)
		printf(
		    "\nFAILED: pub16, shmwriter or a shmtop did not run every round (see above)\n");
	return broken;
}
