/* SPDX-License-Identifier: MIT */
/*
 * shmwriter: publish a counter in a SysV shared memory segment for shmtop.
 * Daemonising, the pidfile and reporting; the options are read in args.c,
 * the work is in counting.c, on libshmtop.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "args.h"
#include "counting.h"

#define PROG "shmwriter"

static _Atomic int stop_flag; /* lock-free: safe in a signal handler */

static void on_signal(int sig)
{
	(void)sig;
	atomic_store_explicit(&stop_flag, 1, memory_order_relaxed);
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

/* Standard input stays with --stdin: it is what the writer counts. */
static void detach_stdio(bool keep_stdin)
{
	int fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return;
	if (!keep_stdin)
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
			  : st.st_nlink != 1       ? "it has other hard links"
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
	struct writer_args a;
	struct pidfile pf = { .fd = -1 };
	char why[512];

	switch (args_parse(argc, argv, &a, why, sizeof why)) {
	case ARGS_HELP: fputs(args_usage(), stdout); return 0;
	case ARGS_VERSION: printf(PROG " (shmtop) %s\n", SHMTOP_VERSION_STRING); return 0;
	case ARGS_BAD: fprintf(stderr, PROG ": %s (see '" PROG " --help')\n", why); return 2;
	case ARGS_RUN: break;
	}
	if (a.warning[0])
		fprintf(stderr, PROG ": warning: %s\n", a.warning);
	if (a.pidfile && pidfile_open(&pf, a.pidfile, why, sizeof why)) {
		fprintf(stderr, PROG ": %s\n", why);
		return 1;
	}

	int ready_fd = -1;
	if (a.daemon && daemonise(&ready_fd) < 0) {
		fprintf(stderr, PROG ": cannot fork: %s\n", strerror(errno));
		return 1;
	}

	struct sigaction sa = { .sa_handler = on_signal };
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	counting *w = counting_open(&a.w, why, sizeof why);
	if (!w) {
		fprintf(stderr, PROG ": %s\n", why);
		if (a.pidfile)
			pidfile_remove(&pf, true);
		return 1;
	}
	if (a.pidfile && pidfile_write(&pf) < 0) {
		fprintf(stderr, PROG ": cannot write pidfile '%s': %s\n", pf.path, strerror(errno));
		counting_close(w);
		pidfile_remove(&pf, true);
		return 1;
	}
	if (a.pidfile)
		close(pf.fd);
	char line[256];
	counting_describe(w, line, sizeof line);
	printf(PROG ": %s\n", line);
	fflush(stdout);
	if (ready_fd >= 0) {
		detach_stdio(a.w.from_stdin);
		if (write(ready_fd, "", 1) != 1)
			atomic_store(&stop_flag, 1);
		close(ready_fd);
	}

	int lost = counting_run(w, STDIN_FILENO, &stop_flag) < 0;
	if (lost)
		fprintf(stderr, PROG ": %s; exiting\n", counting_error(w));
	counting_close(w);
	if (a.pidfile)
		pidfile_remove(&pf, false);
	return lost;
}
