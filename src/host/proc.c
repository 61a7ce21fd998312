/* SPDX-License-Identifier: MIT */
#include "proc.h"

#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

int proc_alive(pid_t pid, uint64_t starttime)
{
	uint64_t t;
	char state;
	if (pid <= 0)
		return 0;
	if (proc_stat(pid, &state, &t) == 0) /* a start time of 0: not known, the pid alone */
		return (starttime == 0 || t == starttime) && state != 'Z' && state != 'X';
	/* No /proc entry for us: gone, or hidden (hidepid, no /proc mounted);
	 * a signal 0 tells the two apart without the start time. */
	return kill(pid, 0) == 0 || errno == EPERM ? -1 : 0;
}

void proc_watch_close(struct proc_watch *w)
{
	if (w->fd >= 0)
		close(w->fd);
	w->fd = -1;
}

int proc_watch_alive(struct proc_watch *w, pid_t pid, uint64_t starttime)
{
	if (w->fd >= 0 && w->pid == pid && w->starttime == starttime) {
		struct pollfd p = { .fd = w->fd, .events = POLLIN };
		int r = poll(&p, 1, 0);
		if (r == 0)
			return 1;
		if (r > 0 && (p.revents & POLLIN))
			return 0; /* readable: it has exited */
	}
	proc_watch_close(w);
	if (pid <= 0)
		return 0;
	/* Open first, then check: if the check finds the process with this
	 * start time, the pidfd was opened on it, not on a later holder of
	 * the pid. */
	int fd = (int)syscall(SYS_pidfd_open, pid, 0); /* close-on-exec */
	int alive = proc_alive(pid, starttime);
	if (alive == 1 && fd >= 0) {
		*w = (struct proc_watch){ .pid = pid, .starttime = starttime, .fd = fd };
	} else if (fd >= 0) {
		close(fd);
	}
	return alive;
}

int proc_comm(pid_t pid, char *buf, size_t len)
{
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/comm", (int)pid);
	FILE *f = pid > 0 ? fopen(path, "re") : NULL;
	if (!f || !fgets(buf, (int)len, f)) {
		if (f)
			fclose(f);
		snprintf(buf, len, "?");
		return -1;
	}
	fclose(f);
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

int64_t proc_boot_time(void)
{
	FILE *f = fopen("/proc/stat", "re");
	if (!f)
		return -1;
	char line[256];
	long long bt = -1;
	while (fgets(line, sizeof line, f))
		if (sscanf(line, "btime %lld", &bt) == 1)
			break;
	fclose(f);
	return bt;
}

int proc_comm_since(pid_t pid, int64_t t, char *buf, size_t len, uid_t *uid)
{
	char state, path[64];
	uint64_t start;
	struct stat st;
	buf[0] = '\0';
	if (pid <= 0 || proc_stat(pid, &state, &start))
		return -1;
	long hz = sysconf(_SC_CLK_TCK);
	int64_t bt = proc_boot_time();
	if (bt < 0 || hz <= 0 || bt + (int64_t)(start / (uint64_t)hz) > t)
		return -1; /* started after it: another process on the pid */
	snprintf(path, sizeof path, "/proc/%d", (int)pid);
	if (stat(path, &st) < 0 || proc_comm(pid, buf, len) < 0) {
		buf[0] = '\0';
		return -1;
	}
	*uid = st.st_uid;
	return 0;
}
