/* SPDX-License-Identifier: MIT */
/*
 * shmwriter: publish a counter in a SysV shared memory segment for shmtop.
 * Option parsing, daemonising and reporting; the work is in writer.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/stat.h>
#include <unistd.h>

#include "parse.h"
#include "shmtop/record.h"
#include "writer.h"

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
		"Publish a live counter record in System V shared memory for shmtop to show.\n"
		"\n"
		"Segment:\n"
		"  -k, --key KEY          SysV key: decimal, 0x hex or 0 octal (default 9527 = 0x2537)\n"
		"  -f, --file PATH        derive the key from PATH with ftok(PATH, 'S')\n"
		"  -m, --mode MODE        octal permissions of a new segment (default 0600;\n"
		"                         0644 lets every local user view; no one else\n"
		"                         may write it)\n"
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
		"      --pidfile PATH     write the writer's pid to PATH, a regular file of\n"
		"                         this user, never a symlink (removed on exit)\n"
		"  -h, --help             show this help and exit\n"
		"  -V, --version          show the version and exit\n"
		"\n"
		"One writer runs per segment: a second one is refused while the first lives;\n"
		"a segment whose writer died is taken over and its count continues, if this\n"
		"user owns and created it and no one else may write it.\n"
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

/*
 * The pidfile.  Its path is made absolute at start (the daemon changes to
 * "/"), and it is opened before any segment or semaphore exists, so that a
 * refusal leaves nothing behind: never through a symbolic link
 * (O_NOFOLLOW), and only a regular file with one link that the writer's
 * euid owns.  The pid goes in once the writer runs (after the fork); at
 * exit the file is removed only if it still holds that pid.
 */
struct pidfile {
	char path[4096];
	int fd;
	bool created; /* by us: removed again if the writer fails to start */
};

static int pidfile_open(struct pidfile *pf, const char *arg, char *why, size_t whylen)
{
	char cwd[sizeof pf->path];
	int n = -1;
	if (arg[0] == '/')
		n = snprintf(pf->path, sizeof pf->path, "%s", arg);
	else if (getcwd(cwd, sizeof cwd))
		n = snprintf(pf->path, sizeof pf->path, "%s/%s", cwd, arg);
	if (n < 0 || (size_t)n >= sizeof pf->path) {
		snprintf(why, whylen, "cannot make pidfile '%.200s' an absolute path", arg);
		return -1;
	}
	/* Not even opened if it is not a regular file (a FIFO would block, a
	 * device would be opened); O_NOFOLLOW and fstat() close the race. */
	struct stat st;
	if (lstat(pf->path, &st) == 0 && !S_ISREG(st.st_mode)) {
		snprintf(why, whylen, "refusing pidfile '%.200s': %s", pf->path,
			 S_ISLNK(st.st_mode) ? "a symbolic link" : "not a regular file");
		return -1;
	}
	const int flags = O_WRONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY;
	pf->fd = open(pf->path, flags | O_CREAT | O_EXCL, 0644);
	pf->created = pf->fd >= 0;
	if (pf->fd < 0 && errno == EEXIST)
		pf->fd = open(pf->path, flags);
	if (pf->fd < 0) {
		int e = errno;
		snprintf(why, whylen, "cannot open pidfile '%.200s': %s%s", pf->path, strerror(e),
			 e == ELOOP ? " (a symbolic link: refusing to follow it)" : "");
		return -1;
	}
	const char *bad = fstat(pf->fd, &st) < 0   ? strerror(errno)
			  : !S_ISREG(st.st_mode)   ? "not a regular file"
			  : st.st_uid != geteuid() ? "owned by another user"
			  : st.st_nlink != 1	   ? "it has other hard links"
						   : NULL;
	if (!bad)
		return 0;
	close(pf->fd);
	pf->fd = -1;
	snprintf(why, whylen, "refusing pidfile '%.200s': %s", pf->path, bad);
	return -1;
}

static int pidfile_write(struct pidfile *pf)
{
	char buf[24];
	int n = snprintf(buf, sizeof buf, "%d\n", (int)getpid());
	if (ftruncate(pf->fd, 0) < 0 || pwrite(pf->fd, buf, (size_t)n, 0) != n)
		return -1;
	return 0;
}

/* Remove the pidfile if it still holds our pid (or, with mine_empty, if we
 * made it and it is still empty: the writer never started). */
static void pidfile_remove(struct pidfile *pf, bool mine_empty)
{
	char buf[24] = "";
	int fd = open(pf->path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return;
	ssize_t n = read(fd, buf, sizeof buf - 1);
	close(fd);
	char want[24];
	snprintf(want, sizeof want, "%d\n", (int)getpid());
	if ((n > 0 && !strcmp(buf, want)) || (mine_empty && pf->created && n == 0))
		unlink(pf->path);
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
	struct pidfile pf = { .fd = -1 };
	int have_key = 0, daemon = 0, c;
	char why[512], ob[160];

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
	if (o.mode & 0022)
		return bad_arg("mode %04o lets %s write the data segment: viewers only read "
			       "it, and commands go through the control segment (--control-mode)",
			       (unsigned)o.mode, (o.mode & 0002) ? "every local user" : "the group");
	if (o.control_mode & 0002)
		fprintf(stderr, PROG ": warning: control mode %04o lets every local user pause "
			"and reset the writer\n", (unsigned)o.control_mode);
	if (pidfile && pidfile_open(&pf, pidfile, why, sizeof why)) {
		fprintf(stderr, PROG ": %s\n", why);
		return 1;
	}

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
		if (pidfile)
			pidfile_remove(&pf, true);
		return 1;
	}
	if (pidfile && pidfile_write(&pf) < 0) {
		fprintf(stderr, PROG ": cannot write pidfile '%s': %s\n", pf.path, strerror(errno));
		writer_close(w);
		pidfile_remove(&pf, true);
		return 1;
	}
	if (pidfile)
		close(pf.fd);
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

	int lost = writer_run(w, &stop_flag) < 0;
	if (lost)
		fprintf(stderr, PROG ": %s; exiting\n", writer_error(w));
	writer_close(w);
	if (pidfile)
		pidfile_remove(&pf, false);
	return lost;
}
