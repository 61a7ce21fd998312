/* SPDX-License-Identifier: MIT */
/*
 * Finding a segment's attached processes in /proc.  attached_scan() reads
 * each process's maps file a line at a time with a fixed buffer, looking
 * only at lines naming a SysV segment; the per-process details (user,
 * command line) are read only for processes that have it mapped.
 */
#include "attached.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "names.h"
#include "proc.h"

/* Skip a run of characters from set `digits` (hex or decimal); NULL if none. */
static const char *skip_num(const char *p, bool hex)
{
	const char *s = p;
	while (hex ? isxdigit((unsigned char)*p) : isdigit((unsigned char)*p))
		p++;
	return p == s ? NULL : p;
}

static const char *expect(const char *p, char c)
{
	return p && *p == c ? p + 1 : NULL;
}

int attached_parse_maps_line(const char *line, key_t key, int shmid, const struct sysvdev *devs,
			     bool *writable)
{
	/* "start-end perms offset major:minor inode   path" */
	const char *p = skip_num(line, true);
	p = expect(p, '-');
	p = p ? skip_num(p, true) : NULL;
	p = expect(p, ' ');
	if (!p || strlen(p) < 5 || p[4] != ' ')
		return -1;
	const char *perms = p;
	if (perms[3] != 's' && perms[3] != 'p')
		return -1;
	p = skip_num(p + 5, true);
	p = expect(p, ' ');
	const char *major = p;
	p = p ? skip_num(p, true) : NULL;
	p = expect(p, ':');
	const char *minor = p;
	p = p ? skip_num(p, true) : NULL;
	p = expect(p, ' ');
	if (!p)
		return -1;
	uint64_t dev =
	    makedev((unsigned)strtoul(major, NULL, 16), (unsigned)strtoul(minor, NULL, 16));
	const char *ino = p;
	p = skip_num(p, false);
	if (!p || (*p != ' ' && *p != '\n' && *p != '\0'))
		return -1;
	while (*p == ' ')
		p++;
	char name[24];
	snprintf(name, sizeof name, "/SYSV%08x", (unsigned)key);
	size_t nl = strlen(name);
	if (strncmp(p, name, nl) != 0)
		return 0;
	p += nl;
	if (*p != '\0' && *p != '\n' && strncmp(p, " (deleted)", 10) != 0)
		return 0;
	if (shmid < 0)
		return 0;
	char want[16];
	int wl = snprintf(want, sizeof want, "%d", shmid);
	if ((size_t)(skip_num(ino, false) - ino) != (size_t)wl ||
	    strncmp(ino, want, (size_t)wl) != 0 || !sysvdev_has(devs, dev))
		return 0;
	*writable = perms[1] == 'w';
	return 1;
}

/* Mappings of the segment in /proc/PID/maps; -1 if unreadable. */
static int count_maps(pid_t pid, key_t key, int shmid, const struct sysvdev *devs, bool *writable)
{
	char path[64], line[512];
	snprintf(path, sizeof path, "/proc/%d/maps", (int)pid);
	FILE *f = fopen(path, "re");
	if (!f)
		return -1;
	int n = 0;
	bool whole = true; /* line starts a maps line, not the rest of a long one */
	*writable = false;
	while (fgets(line, sizeof line, f)) {
		bool start = whole;
		whole = strchr(line, '\n') != NULL;
		if (!start || !strstr(line, "/SYSV"))
			continue;
		bool w = false;
		if (attached_parse_maps_line(line, key, shmid, devs, &w) == 1) {
			n++;
			*writable = *writable || w;
		}
	}
	if (ferror(f))
		n = n ? n : -1;
	fclose(f);
	return n;
}

static uid_t effective_uid(pid_t pid)
{
	char path[64], line[256];
	unsigned r, e;
	uid_t uid = (uid_t)-1;
	snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
	FILE *f = fopen(path, "re");
	if (!f)
		return uid;
	while (fgets(line, sizeof line, f))
		if (sscanf(line, "Uid: %u %u", &r, &e) == 2) {
			uid = (uid_t)e;
			break;
		}
	fclose(f);
	return uid;
}

static void command_of(pid_t pid, char *buf, size_t len)
{
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/cmdline", (int)pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n = fd >= 0 ? read(fd, buf, len - 1) : -1;
	if (fd >= 0)
		close(fd);
	if (n <= 0) {
		char comm[32];
		proc_comm(pid, comm, sizeof comm);
		snprintf(buf, len, "[%s]", comm);
		return;
	}
	while (n > 0 && buf[n - 1] == '\0')
		n--;
	for (ssize_t i = 0; i < n; i++)
		if (buf[i] == '\0' || (unsigned char)buf[i] < 0x20 || buf[i] == 0x7f)
			buf[i] = buf[i] == '\0' ? ' ' : '?';
	buf[n] = '\0';
}

static int by_pid(const void *a, const void *b)
{
	pid_t x = ((const struct attached_proc *)a)->pid,
	      y = ((const struct attached_proc *)b)->pid;
	return (x > y) - (x < y);
}

int attached_scan(key_t key, int shmid, struct attached *out)
{
	memset(out, 0, sizeof *out);
	const struct sysvdev *devs = sysvdev_kernel();
	DIR *d = opendir("/proc");
	if (!d)
		return -1;
	struct dirent *e;
	while ((e = readdir(d))) {
		const char *end = skip_num(e->d_name, false);
		if (!end || *end)
			continue;
		bool w;
		long v = strtol(e->d_name, NULL, 10);
		if (v <= 0 || v > INT32_MAX)
			continue;
		pid_t pid = (pid_t)v;
		int n = count_maps(pid, key, shmid, devs, &w);
		if (n < 0) {
			out->unreadable += errno == EACCES || errno == EPERM;
			continue;
		}
		if (n == 0)
			continue;
		out->total++;
		out->maps += (uint64_t)n;
		if (out->n == ATTACHED_MAX)
			continue;
		struct attached_proc *p = &out->procs[out->n++];
		p->pid = pid;
		p->maps = (unsigned)n;
		p->writable = w;
		p->uid = effective_uid(pid);
		names_user(p->uid, p->user, sizeof p->user);
		command_of(pid, p->command, sizeof p->command);
	}
	closedir(d);
	qsort(out->procs, out->n, sizeof out->procs[0], by_pid);
	return 0;
}
