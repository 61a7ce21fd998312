/* SPDX-License-Identifier: MIT */
/*
 * shmtop: top for a shmwriter segment.  Parses options, picks the character
 * set and colours, and runs either batch output (plain text or JSON lines)
 * or the full-screen viewer.  Only this file talks to the user about errors,
 * and only after the terminal is restored.
 */
#include <errno.h>
#include <langinfo.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "shmtop/check.h"
#include "shmtop/clock.h"
#include "shmtop/model.h"
#include "shmtop/monitor.h"
#include "shmtop/options.h"
#include "shmtop/report.h"
#include "shmtop/segments.h"
#include "tui.h"

#define PROG "shmtop"
#define BATCH_SPARK_WIDTH 72

static volatile sig_atomic_t quit_flag;

static void on_signal(int sig)
{
	(void)sig;
	quit_flag = 1;
}

/* Batch mode: N snapshots (or until a signal), -d apart, to stdout. */
static int run_batch(monitor *mon, const struct options *o, bool utf8)
{
	static struct view_model m;
	static char out[16384];
	struct model_input in = { 0 };
	for (long i = 0; !quit_flag && (!o->iterations || i < o->iterations); i++) {
		if (i > 0) {
			struct timespec ts = { o->delay_tenths / 10, o->delay_tenths % 10 * 100000000L };
			while (nanosleep(&ts, &ts) < 0 && errno == EINTR && !quit_flag)
				;
			if (quit_flag)
				break;
		}
		monitor_poll(mon);
		monitor_input(mon, &in);
		in.now_mono = clock_mono_ns();
		in.spark_mode = SPARK_VALUE;
		in.utf8 = utf8;
		in.spark_width = BATCH_SPARK_WIDTH;
		in.delay_tenths = o->delay_tenths;
		model_build(&m, &in);
		size_t n = o->json ? report_json(&m, &in, out, sizeof out)
				   : report_text(&m, out, sizeof out);
		if (n >= sizeof out)
			n = sizeof out - 1;
		if (fwrite(out, 1, n, stdout) != n || fflush(stdout) != 0)
			return 1; /* reader gone (EPIPE) or disk full */
	}
	return 0;
}

/* Batch mode of -a: every segment on the host, N times, -d apart. */
static int run_all_batch(const struct options *o)
{
	enum segments_format fmt = o->prometheus ? SEGMENTS_PROM
				   : o->json     ? SEGMENTS_JSON
						 : SEGMENTS_TEXT;
	for (long i = 0; !quit_flag && (!o->iterations || i < o->iterations); i++) {
		if (i > 0) {
			struct timespec ts = { o->delay_tenths / 10, o->delay_tenths % 10 * 100000000L };
			while (nanosleep(&ts, &ts) < 0 && errno == EINTR && !quit_flag)
				;
			if (quit_flag)
				break;
		}
		if (segments_batch(stdout, fmt, o->sort, o->sort_reverse, SEGMENTS_ALL) < 0) {
			fprintf(stderr, PROG ": cannot read /proc/sysvipc/shm: %s\n", strerror(errno));
			return 1;
		}
		if (fflush(stdout) != 0)
			return 1; /* reader gone (EPIPE) or disk full */
	}
	return 0;
}

static bool color_wanted(const struct options *o)
{
	const char *nc = getenv("NO_COLOR");
	return !o->no_color && !(nc && *nc);
}

int main(int argc, char **argv)
{
	struct options o;
	char why[320];

	setlocale(LC_ALL, "");
	switch (options_parse(argc, argv, &o, why, sizeof why)) {
	case OPTIONS_HELP: fputs(options_usage(), stdout); return 0;
	case OPTIONS_VERSION: printf(PROG " (shmtop) %s\n", SHMTOP_VERSION_STRING); return 0;
	case OPTIONS_BAD: fprintf(stderr, PROG ": %s (see '" PROG " --help')\n", why); return 2;
	case OPTIONS_RUN: break;
	}
	if (o.check) {
		struct check_summary sum;
		long diffs = check_run(stdout, NULL, &sum);
		if (diffs < 0) {
			fprintf(stderr, PROG ": cannot read /proc/sysvipc/shm: %s\n", strerror(errno));
			return 2;
		}
		return diffs > 0;
	}
	bool utf8 = !o.ascii && strcmp(nl_langinfo(CODESET), "UTF-8") == 0;

	if (!o.batch) {
		const char *term = getenv("TERM");
		if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
			fprintf(stderr, PROG ": not a terminal; use -b (batch) for text output\n");
			return 1;
		}
		if (!term || !*term || strcmp(term, "dumb") == 0) {
			fprintf(stderr, PROG ": terminal type '%s' cannot show the full screen; "
					"use -b (batch) for text output\n", term ? term : "");
			return 1;
		}
	}

	/* The quit signals and SIGWINCH are blocked except while the viewer
	 * sleeps in ppoll(), so none is lost between a check and the sleep. */
	struct sigaction sa = { .sa_handler = on_signal };
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	if (o.all && o.batch)
		return run_all_batch(&o);
	monitor *mon = monitor_new(o.key);
	if (!mon) {
		fprintf(stderr, PROG ": out of memory\n");
		return 1;
	}
	int rc;
	if (o.batch) {
		rc = run_batch(mon, &o, utf8);
	} else {
		sigset_t wake;
		sigemptyset(&wake);
		sigaddset(&wake, SIGINT);
		sigaddset(&wake, SIGTERM);
		sigaddset(&wake, SIGHUP);
		sigaddset(&wake, SIGWINCH);
		sigprocmask(SIG_BLOCK, &wake, NULL);
		rc = tui_run(mon, &o, utf8, color_wanted(&o), &quit_flag, &wake, why, sizeof why)
			     ? 1 : 0;
		if (rc)
			fprintf(stderr, PROG ": %s\n", why);
	}
	monitor_free(mon);
	return rc;
}
