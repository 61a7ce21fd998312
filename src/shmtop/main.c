/* SPDX-License-Identifier: MIT */
/*
 * shmtop: top for a shmwriter segment.  Parses options, picks the character
 * set and colours, and runs either batch output (plain text or JSON lines)
 * or the full-screen viewer.  Only this file talks to the user about errors,
 * and only after the terminal is restored.
 */
#include <errno.h>
#include <fcntl.h>
#include <langinfo.h>
#include <limits.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "clock.h"
#include "model.h"
#include "monitor.h"
#include "objlist_columns.h"
#include "objlist_files.h"
#include "objlist_table.h"
#include "objmon.h"
#include "options.h"
#include "parse.h"
#include "prom.h"
#include "report.h"
#include "settings.h"
#include "tui.h"

#define PROG "shmtop"
#define BATCH_SPARK_WIDTH 72

static volatile sig_atomic_t quit_flag;

static void on_signal(int sig)
{
	(void)sig;
	quit_flag = 1;
}

/* A write to standard output failed, with errno: a reader that went away
 * (EPIPE, when SIGPIPE was blocked or ignored) ends shmtop as SIGPIPE would;
 * any other error is said.  Returns the exit status. */
static int write_error(void)
{
	if (errno == EPIPE) {
		sigset_t pipe;
		sigemptyset(&pipe);
		sigaddset(&pipe, SIGPIPE);
		signal(SIGPIPE, SIG_DFL);
		sigprocmask(SIG_UNBLOCK, &pipe, NULL);
		raise(SIGPIPE);
		return 128 + SIGPIPE;
	}
	fprintf(stderr, PROG ": write error: %s\n", strerror(errno));
	return SHMTOP_EXIT_ERROR;
}

/* Flush standard output and return rc, or a write error's status. */
static int flush_stdout(int rc)
{
	/* a write that failed already (a text longer than stdio's buffer is
	 * written, and fails, before the flush): its errno, not EIO */
	int was = ferror(stdout) ? errno : 0;
	errno = 0;
	if (fflush(stdout) != 0 || ferror(stdout)) {
		if (!errno)
			errno = was ? was : EIO;
		return write_error();
	}
	return rc;
}

/* Sleep -d between iterations; false if a quit signal came. */
static bool pause_delay(const struct options *o)
{
	struct timespec ts = { o->delay_tenths / 10, o->delay_tenths % 10 * 100000000L };
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR && !quit_flag)
		;
	return !quit_flag;
}

/* Batch output's buffer: small, grown for a record with many counters. */
struct batch_out {
	char small[16384];
	char *buf;
	size_t size;
};

/* What one snapshot is written as, into buf: the length it needed. */
struct batch_report {
	const struct view_model *m;
	const struct model_input *in;   /* a segment's */
	const struct model_object *obj; /* or an object's */
	bool json;
};

static size_t batch_report(const struct batch_report *r, char *buf, size_t len)
{
	if (!r->json)
		return report_text(r->m, buf, len);
	return r->obj ? report_json_object(r->m, r->obj, buf, len)
		      : report_json(r->m, r->in, buf, len);
}

/* Write r to stdout, through b (grown when r needs more): SHMTOP_EXIT_OK,
 * or a write error's status. */
static int batch_write(struct batch_out *b, const struct batch_report *r)
{
	if (!b->buf) {
		b->buf = b->small;
		b->size = sizeof b->small;
	}
	size_t n = batch_report(r, b->buf, b->size);
	if (n >= b->size) {
		char *big = malloc(n + 1);
		if (big) {
			if (b->buf != b->small)
				free(b->buf);
			b->buf = big;
			b->size = n + 1;
			n = batch_report(r, b->buf, b->size);
		}
		if (n >= b->size)
			n = b->size - 1;
	}
	if (fwrite(b->buf, 1, n, stdout) != n)
		return write_error();
	return flush_stdout(SHMTOP_EXIT_OK);
}

static void batch_free(struct batch_out *b)
{
	if (b->buf != b->small)
		free(b->buf);
	b->buf = NULL;
}

/* Batch mode: N snapshots (or until a signal), -d apart, to stdout.  The
 * exit status tells the last state seen. */
static int run_batch(monitor *mon, const struct options *o, bool utf8)
{
	static struct view_model m;
	static struct batch_out b;
	struct model_input in = { 0 };
	const struct batch_report r = { &m, &in, NULL, o->json };
	for (long i = 0; !quit_flag && (!o->iterations || i < o->iterations); i++) {
		if (i > 0 && !pause_delay(o))
			break;
		monitor_poll(mon);
		monitor_input(mon, &in);
		in.now_mono = clock_mono_ns();
		in.spark_mode = SPARK_VALUE;
		in.utf8 = utf8;
		in.spark_width = BATCH_SPARK_WIDTH;
		in.delay_tenths = o->delay_tenths;
		model_build(&m, &in);
		int st = batch_write(&b, &r);
		if (st != SHMTOP_EXIT_OK) {
			batch_free(&b);
			return st;
		}
	}
	batch_free(&b);
	return report_status(&m);
}

/* A watcher of the object at path (named by its absolute path, as the
 * scan names files), as shmtop PATH opens it on screen, if a decoder takes
 * its bytes (or says they are its format, damaged or still being made):
 * NULL otherwise (no format, not a file, out of memory), after its first
 * poll. */
static objmon *open_decoded(const char *path)
{
	static const struct objlist none; /* no scan yet: the first poll's */
	struct objlist_row r;
	char abs[PATH_MAX];
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	int got = objlist_file_row(fd, realpath(path, abs) ? abs : path, &r);
	close(fd);
	objmon *mon = got == 0 ? objmon_new(&none, &r) : NULL;
	if (!mon)
		return NULL;
	objmon_poll(mon);
	enum model_state state;
	const char *why;
	if (objmon_content(mon, &state, &why) || state == MODEL_DAMAGED || state == MODEL_STARTING)
		return mon;
	objmon_free(mon);
	return NULL;
}

/* shmtop PATH -b, --json or --prometheus of a file a decoder takes: its
 * counters, as -k KEY shows a segment's (--prometheus: prom.h's families
 * of an object), N times, -d apart (--prometheus: once unless -n or -d
 * asks for more).  The exit status tells the last state seen. */
static int run_object_batch(objmon *mon, const struct options *o, bool utf8)
{
	static struct view_model m;
	static struct batch_out b;
	struct model_object in;
	const struct batch_report r = { &m, NULL, &in, o->json };
	long n = o->iterations;
	if (o->prometheus && !n && !o->delay_set)
		n = 1;
	int st = SHMTOP_EXIT_OK;
	for (long i = 0; !quit_flag && (!n || i < n) && st == SHMTOP_EXIT_OK; i++) {
		if (i > 0 && !pause_delay(o))
			break;
		if (i > 0)
			objmon_poll(mon);
		objmon_input(mon, &in);
		in.delay_tenths = o->delay_tenths;
		in.held.spark_mode = SPARK_VALUE;
		in.held.utf8 = utf8;
		in.held.spark_width = BATCH_SPARK_WIDTH;
		model_build_object(&m, &in);
		if (!o->prometheus) {
			st = batch_write(&b, &r);
			continue;
		}
		const struct prom_object po = { in.present ? in.held.content : NULL, in.row->name };
		errno = 0;
		if (prom_write_object(stdout, &po) < 0 && !ferror(stdout)) {
			fprintf(stderr, PROG ": out of memory\n");
			st = SHMTOP_EXIT_ERROR;
		} else {
			st = flush_stdout(SHMTOP_EXIT_OK);
		}
	}
	batch_free(&b);
	return st != SHMTOP_EXIT_OK ? st : report_object_status(&m, &in);
}

/* Batch mode of -a and --prometheus: every shared memory object on the
 * host, N times, -d apart, each time after a scan of /proc for holders.
 * --prometheus writes one exposition unless -n or -d asks for more. */
static int run_all_batch(const struct options *o)
{
	struct objlist_table_output so = {
		.format = o->prometheus ? OBJLIST_TABLE_PROM
			  : o->json     ? OBJLIST_TABLE_JSON
					: OBJLIST_TABLE_TEXT,
		.sort = o->sort,
		.reverse = o->sort_reverse,
		.columns = o->columns,
		.raw = o->raw,
		.noheadings = o->noheadings,
		.bytes = o->bytes,
		.filter = o->filter,
		.kinds = o->kinds,
		.segment = o->key_set || o->file || o->shmid >= 0,
		.key = o->key,
		.shmid = o->shmid,
		.path = o->path,
	};
	/* Watching changes nothing: a record is read (an attach, which moves
	 * the segment's lpid, atime and dtime) only with --values. */
	unsigned flags = OBJLIST_ALL | (o->values || so.segment ? OBJLIST_RECORDS : 0);
	long n = o->iterations;
	if (o->prometheus && !n && !o->delay_set)
		n = 1;
	struct objlist last; /* the waiters' since, from one iteration to the next */
	memset(&last, 0, sizeof last);
	so.last = &last;
	int st = SHMTOP_EXIT_OK;
	for (long i = 0; !quit_flag && (!n || i < n); i++) {
		if (i > 0 && !pause_delay(o))
			break;
		errno = 0;
		int rc = objlist_table_batch(stdout, &so, flags);
		int e = errno;
		/* A write that failed is the reason, whatever objlist_table_batch() says. */
		st = flush_stdout(SHMTOP_EXIT_OK);
		if (st != SHMTOP_EXIT_OK)
			break;
		if (rc < 0) {
			fprintf(stderr,
				PROG ": cannot list shared memory (/proc/sysvipc/shm, /proc): %s\n",
				strerror(e));
			st = SHMTOP_EXIT_ERROR;
			break;
		}
		if (o->path && rc == 0) {
			fprintf(stderr, PROG ": no file to list at the path given\n");
			st = SHMTOP_EXIT_ABSENT;
			break;
		}
		if (so.segment && rc == 0) {
			if (o->shmid >= 0)
				fprintf(stderr, PROG ": no segment with shmid %d\n", o->shmid);
			else
				fprintf(stderr, PROG ": no segment with key 0x%08x\n",
					(unsigned)o->key);
			st = SHMTOP_EXIT_ABSENT;
			break;
		}
	}
	objlist_free(&last);
	return st;
}

/* --check: 0 when /proc and IPC_STAT agree, SHMTOP_EXIT_DIFFERS if not. */
static int run_check(void)
{
	struct check_summary sum;
	long diffs = check_run(stdout, NULL, &sum);
	if (diffs < 0) {
		fprintf(stderr, PROG ": cannot read /proc/sysvipc/shm: %s\n", strerror(errno));
		return SHMTOP_EXIT_ERROR;
	}
	return flush_stdout(diffs > 0 ? SHMTOP_EXIT_DIFFERS : SHMTOP_EXIT_OK);
}

static bool color_wanted(const struct options *o)
{
	const char *nc = getenv("NO_COLOR");
	return !o->no_color && !(nc && *nc);
}

/* The settings file's values into o, where the command line left them:
 * --sort, -d, --no-color and --mouse or --no-mouse win. */
static void apply_settings(const struct settings *s, struct options *o)
{
	if ((s->set & SETTING_SORT) && !o->sort_set) {
		o->sort = s->sort;
		o->sort_reverse = objlist_sort_reverse(s->sort);
	}
	if ((s->set & SETTING_ORDER) && !o->sort_set)
		o->sort_reverse = s->sort_reverse;
	if ((s->set & SETTING_DELAY) && !o->delay_set)
		o->delay_tenths = s->delay_tenths;
	if (s->set & SETTING_GRAPH)
		o->graph_rate = s->graph_rate;
	if ((s->set & SETTING_COLOR) && !s->color)
		o->no_color = true;
	if ((s->set & SETTING_MOUSE) && !o->mouse_set)
		o->mouse = s->mouse;
	if ((s->set & SETTING_COLUMNS) && !o->columns)
		o->columns = s->columns;
}

/* The settings a run starts with, as the screen's keys may change them. */
static void settings_of(const struct options *o, struct settings *s)
{
	s->sort = o->sort;
	s->sort_reverse = o->sort_reverse;
	s->delay_tenths = o->delay_tenths;
	s->graph_rate = o->graph_rate;
	snprintf(s->columns, sizeof s->columns, "%s", o->columns ? o->columns : "");
	s->color = color_wanted(o);
	s->mouse = o->mouse;
}

/* The full screen, with the settings file read before it and written after
 * it when a key changed a setting (and --no-config is not given). */
static int run_screen(monitor *mon, struct options *o, bool utf8, const sigset_t *wake)
{
	static struct settings file, start, end;
	struct settings_place place;
	struct settings_env env;
	char why[PATH_MAX + 320];
	settings_env_get(&env);
	bool kept = !o->no_config && settings_place(&env, &place) == 0;
	if (kept && settings_load(&place, &file, why, sizeof why))
		fprintf(stderr, PROG ": %s\n", why);
	apply_settings(&file, o);
	settings_of(o, &start);
	end = start;
	int rc = tui_run(mon, o, utf8, color_wanted(o), &quit_flag, wake, &end, why, sizeof why)
		     ? SHMTOP_EXIT_ERROR
		     : SHMTOP_EXIT_OK;
	if (rc)
		fprintf(stderr, PROG ": %s\n", why);
	unsigned keys = SETTING_SORT | SETTING_ORDER | SETTING_DELAY | SETTING_GRAPH |
			SETTING_COLUMNS | SETTING_COLOR | SETTING_MOUSE;
	if (kept && settings_merge(&file, &start, &end, keys) &&
	    settings_save(&place, &file, why, sizeof why) < 0)
		fprintf(stderr, PROG ": %s\n", why);
	return rc;
}

int main(int argc, char **argv)
{
	struct options o;
	char why[320];

	setlocale(LC_ALL, "");
	/* Numbers as JSON, Prometheus and ipcs write them ("0.5"), whatever the
	 * user's LC_NUMERIC: a decimal comma would break every parser. */
	setlocale(LC_NUMERIC, "C");
	/* A closed descriptor 1 would be reused by the next file opened. */
	if (fcntl(STDOUT_FILENO, F_GETFD) < 0) {
		fprintf(stderr, PROG ": write error: standard output is closed\n");
		return SHMTOP_EXIT_ERROR;
	}
	switch (options_parse(argc, argv, &o, why, sizeof why)) {
	case OPTIONS_HELP:
		errno = 0;
		fputs(options_usage(), stdout);
		return flush_stdout(0);
	case OPTIONS_VERSION:
		printf(PROG " (shmtop) %s\n", SHMTOP_VERSION_STRING);
		return flush_stdout(0);
	case OPTIONS_BAD:
		fprintf(stderr, PROG ": %s (see '" PROG " --help')\n", why);
		return SHMTOP_EXIT_USAGE;
	case OPTIONS_RUN: break;
	}
	if (o.file && parse_key_file(o.file, &o.key, why, sizeof why)) {
		fprintf(stderr, PROG ": %s\n", why);
		return SHMTOP_EXIT_ERROR;
	}
	/* Batch output ends when its reader goes, as filters do (yes | head). */
	if (o.batch || o.check)
		signal(SIGPIPE, SIG_DFL);
	if (o.check)
		return run_check();
	if (o.path) { /* shmtop PATH: one clear line, at once, if it cannot be read */
		struct stat st;
		if (objlist_files_check(o.path, &st, why, sizeof why)) {
			fprintf(stderr, PROG ": %s\n", why);
			return strstr(why, "permission denied") ? SHMTOP_EXIT_DENIED
								: SHMTOP_EXIT_ERROR;
		}
	}
	bool utf8 = !o.ascii && strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
	/* ASCII only: the text from outside too, escaped as in a locale that
	 * is not UTF-8 (escape.h asks the locale) */
	if (o.ascii)
		setlocale(LC_CTYPE, "C");

	if (!o.batch) {
		const char *term = getenv("TERM");
		if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
			fprintf(stderr, PROG ": not a terminal; use -b (batch) for text output\n");
			return SHMTOP_EXIT_ERROR;
		}
		if (!term || !*term || strcmp(term, "dumb") == 0) {
			fprintf(stderr,
				PROG ": terminal type '%s' cannot show the full screen; "
				     "use -b (batch) for text output\n",
				term ? term : "");
			return SHMTOP_EXIT_ERROR;
		}
		signal(SIGPIPE, SIG_IGN);
	}

	/* The quit signals and SIGWINCH are blocked except while the viewer
	 * sleeps in ppoll(), so none is lost between a check and the sleep. */
	struct sigaction sa = { .sa_handler = on_signal };
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);

	/* a file a decoder takes: its counters; else, or with -o (the list's
	 * columns), its row */
	if (o.path && o.batch && !o.columns) {
		objmon *obj = open_decoded(o.path);
		if (obj) {
			int rc = run_object_batch(obj, &o, utf8);
			objmon_free(obj);
			return rc;
		}
	}
	if (o.all && o.batch)
		return run_all_batch(&o);
	monitor *mon = o.shmid >= 0 ? monitor_new_shmid(o.shmid) : monitor_new(o.key);
	if (!mon) {
		fprintf(stderr, PROG ": out of memory\n");
		return SHMTOP_EXIT_ERROR;
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
		rc = run_screen(mon, &o, utf8, &wake);
	}
	monitor_free(mon);
	return rc;
}
