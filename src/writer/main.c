/* SPDX-License-Identifier: MIT */
/*
 * shmwriter: publish a counter in a SysV shared memory segment for shmtop.
 * Option parsing, daemonising and reporting; the work is in writer.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/stat.h>
#include <unistd.h>

#include "shmtop/parse.h"
#include "shmtop/record.h"
#include "shmtop/writer.h"

#define PROG "shmwriter"

static _Atomic int stop_flag; /* lock-free: safe in a signal handler */

static void on_signal(int sig)
{
	(void)sig;
	atomic_store_explicit(&stop_flag, 1, memory_order_relaxed);
}

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: " PROG " [OPTION]...\n"
		"Publish a live counter in a System V shared memory segment for shmtop.\n"
		"\n"
		"Segment:\n"
		"  -k, --key KEY          SysV key: decimal, 0x hex or 0 octal (default 9527 = 0x2537)\n"
		"  -f, --file PATH        derive the key from PATH with ftok(PATH, 'S')\n"
		"  -m, --mode MODE        octal permissions of a new segment (default 0600;\n"
		"                         0644 lets every local user view)\n"
		"      --control-mode MODE  octal permissions of the control segment through\n"
		"                         which viewers pause and reset (default 0600)\n"
		"      --remove-on-exit   remove the segment when the writer exits\n"
		"\n"
		"Counting:\n"
		"  -i, --interval SECONDS time between counts, fractional; 0 = as fast as\n"
		"                         possible (default 1)\n"
		"      --reset            start the count at 0 when taking over a segment\n"
		"\n"
		"Process:\n"
		"  -D, --daemon           detach and run in the background\n"
		"      --pidfile PATH     write the writer's pid to PATH (removed on exit)\n"
		"  -h, --help             show this help and exit\n"
		"  -V, --version          show the version and exit\n"
		"\n"
		"One writer runs per segment: a second one is refused while the first lives;\n"
		"a segment whose writer died is taken over and its count continues.\n"
		"SIGINT, SIGTERM and SIGHUP mark the record stopped and exit 0.\n"
		"\n"
		"Examples:\n"
		"  " PROG "                   count once a second on key 0x2537\n"
		"  " PROG " -i 0.1 -m 0644    ten counts a second, viewable by all users\n"
		"  " PROG " -D --pidfile /run/shmwriter.pid\n");
}

/* One line for a bad argument; the exit status is 2. */
__attribute__((format(printf, 1, 2))) static int bad_arg(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, PROG ": ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, " (see '" PROG " --help')\n");
	va_end(ap);
	return 2;
}

/* Fork into the background.  The parent waits until the child reports
 * ready (one byte on the pipe) or fails, and exits with the child's result,
 * so that errors and the start-up line still reach the invoking terminal. */
static int daemonise(int *ready_fd)
{
	int fds[2];
	if (pipe2(fds, O_CLOEXEC) < 0)
		return -1;
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid > 0) {
		close(fds[1]);
		char c;
		ssize_t n;
		while ((n = read(fds[0], &c, 1)) < 0 && errno == EINTR)
			;
		_exit(n == 1 ? 0 : 1);
	}
	close(fds[0]);
	setsid();
	*ready_fd = fds[1];
	return 0;
}

static void detach_stdio(void)
{
	int fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return;
	dup2(fd, 0);
	dup2(fd, 1);
	dup2(fd, 2);
	if (fd > 2)
		close(fd);
	if (chdir("/") < 0)
		return;
}

static int write_pidfile(const char *path)
{
	FILE *f = fopen(path, "we");
	if (!f)
		return -1;
	fprintf(f, "%d\n", (int)getpid());
	return fclose(f);
}

int main(int argc, char **argv)
{
	enum { OPT_CONTROL_MODE = 256, OPT_RESET, OPT_REMOVE, OPT_PIDFILE };
	static const struct option longopts[] = {
		{ "key", required_argument, NULL, 'k' },
		{ "file", required_argument, NULL, 'f' },
		{ "interval", required_argument, NULL, 'i' },
		{ "mode", required_argument, NULL, 'm' },
		{ "control-mode", required_argument, NULL, OPT_CONTROL_MODE },
		{ "reset", no_argument, NULL, OPT_RESET },
		{ "remove-on-exit", no_argument, NULL, OPT_REMOVE },
		{ "daemon", no_argument, NULL, 'D' },
		{ "pidfile", required_argument, NULL, OPT_PIDFILE },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ 0 },
	};
	struct writer_options o = {
		.key = SHMTOP_DEFAULT_KEY,
		.interval_ns = 1000000000,
		.mode = 0600,
		.control_mode = 0600,
	};
	const char *file = NULL, *pidfile = NULL;
	int have_key = 0, daemon = 0, c;
	char why[256], ob[160];

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":k:f:i:m:DhV", longopts, NULL)) != -1) {
		switch (c) {
		case 'k':
			if (parse_key(optarg, &o.key, why, sizeof why))
				return bad_arg("%s", why);
			have_key = 1;
			break;
		case 'f':
			file = optarg;
			break;
		case 'i':
			if (parse_interval(optarg, &o.interval_ns, why, sizeof why))
				return bad_arg("%s", why);
			break;
		case 'm':
			if (parse_mode(optarg, &o.mode, why, sizeof why))
				return bad_arg("%s", why);
			break;
		case OPT_CONTROL_MODE:
			if (parse_mode(optarg, &o.control_mode, why, sizeof why))
				return bad_arg("--control-mode: %s", why);
			break;
		case OPT_RESET: o.reset = true; break;
		case OPT_REMOVE: o.remove_on_exit = true; break;
		case 'D': daemon = 1; break;
		case OPT_PIDFILE:
			if (!*optarg)
				return bad_arg("empty --pidfile path");
			pidfile = optarg;
			break;
		case 'h': usage(stdout); return 0;
		case 'V': printf(PROG " (shmtop) %s\n", SHMTOP_VERSION_STRING); return 0;
		default: return bad_arg("%s", parse_bad_option(c, argv, longopts, ob, sizeof ob));
		}
	}
	if (optind < argc)
		return bad_arg("unexpected argument '%s'", argv[optind]);
	if (file && have_key)
		return bad_arg("give either --key or --file, not both");
	if (file && parse_key_file(file, &o.key, why, sizeof why))
		return bad_arg("%s", why);
	if ((o.mode | o.control_mode) & 0002)
		fprintf(stderr, PROG ": warning: mode %04o lets every local user write the %s\n",
			(unsigned)((o.mode & 0002) ? o.mode : o.control_mode),
			(o.mode & 0002) ? "segment" : "control segment (pause, reset)");

	int ready_fd = -1;
	if (daemon && daemonise(&ready_fd) < 0) {
		fprintf(stderr, PROG ": cannot fork: %s\n", strerror(errno));
		return 1;
	}

	struct sigaction sa = { .sa_handler = on_signal };
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	writer *w = writer_open(&o, why, sizeof why);
	if (!w) {
		fprintf(stderr, PROG ": %s\n", why);
		return 1;
	}
	if (pidfile && write_pidfile(pidfile) < 0) {
		fprintf(stderr, PROG ": cannot write pidfile '%s': %s\n", pidfile, strerror(errno));
		writer_close(w);
		return 1;
	}
	char line[256];
	writer_describe(w, line, sizeof line);
	printf(PROG ": %s\n", line);
	fflush(stdout);
	if (ready_fd >= 0) {
		detach_stdio();
		if (write(ready_fd, "", 1) != 1)
			atomic_store(&stop_flag, 1);
		close(ready_fd);
	}

	int removed = writer_run(w, &stop_flag) < 0;
	if (removed)
		fprintf(stderr, PROG ": segment shmid %d was removed (ipcrm); exiting\n",
			writer_shmid(w));
	writer_close(w);
	if (pidfile)
		unlink(pidfile);
	return removed;
}
