/* SPDX-License-Identifier: MIT */
/*
 * POSIX message queues: the text of a queue's file, an fd's link, the
 * mqueue mounts of mountinfo (pure), and the viewer's mount.
 */
#include "objlist_mqueue.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "objlist_files.h"

/* The decimal number after "KEY:" in text[0..n), saturated; false if
 * there is none. */
static bool field(const char *text, size_t n, const char *key, uint64_t *v)
{
	size_t k = strlen(key);
	for (size_t i = 0; i + k <= n; i++) {
		if (memcmp(text + i, key, k) != 0 || (i && !isspace((unsigned char)text[i - 1])))
			continue;
		size_t j = i + k;
		if (j >= n || !isdigit((unsigned char)text[j]))
			return false;
		uint64_t x = 0;
		for (; j < n && isdigit((unsigned char)text[j]); j++) {
			unsigned d = (unsigned)(text[j] - '0');
			x = x > (UINT64_MAX - d) / 10 ? UINT64_MAX : x * 10 + d;
		}
		*v = x;
		return true;
	}
	return false;
}

int objlist_mqueue_parse(const char *text, size_t n, struct objlist_mqueue_info *q)
{
	uint64_t v = 0;
	memset(q, 0, sizeof *q);
	if (!field(text, n, "QSIZE:", &q->qsize))
		return -1;
	if (field(text, n, "NOTIFY:", &v))
		q->notify = v > 9 ? 9 : (int)v;
	if (field(text, n, "SIGNO:", &v))
		q->signo = v > 1024 ? 1024 : (int)v;
	field(text, n, "NOTIFY_PID:", &q->notify_pid);
	return 0;
}

bool objlist_mqueue_link(const char *link, char *name, size_t len, bool *deleted)
{
	static const char suffix[] = " (deleted)";
	size_t n = strlen(link), d = sizeof suffix - 1;
	if (n < 2 || link[0] != '/')
		return false;
	*deleted = n > d + 1 && memcmp(link + n - d, suffix, d) == 0;
	if (*deleted)
		n -= d;
	if (n < 2 || n - 1 >= len || memchr(link + 1, '/', n - 1) || memchr(link + 1, ':', n - 1))
		return false;
	memcpy(name, link + 1, n - 1);
	name[n - 1] = '\0';
	return strcmp(name, ".") != 0 && strcmp(name, "..") != 0;
}

/* A mountinfo field's octal escapes (\040 for a space) undone, into out. */
static void unescape(const char *from, size_t n, char *out, size_t len)
{
	size_t o = 0;
	for (size_t i = 0; i < n && o + 1 < len; i++) {
		if (from[i] == '\\' && i + 3 < n && from[i + 1] >= '0' && from[i + 1] <= '3' &&
		    from[i + 2] >= '0' && from[i + 2] <= '7' && from[i + 3] >= '0' &&
		    from[i + 3] <= '7') {
			out[o++] = (char)((from[i + 1] - '0') << 6 | (from[i + 2] - '0') << 3 |
					  (from[i + 3] - '0'));
			i += 3;
		} else
			out[o++] = from[i];
	}
	out[o] = '\0';
}

size_t objlist_mqueue_mounts(const char *text, struct objlist_mqueue_mount *m, size_t max)
{
	size_t found = 0;
	for (const char *line = text; line && *line;) {
		const char *eol = strchr(line, '\n');
		size_t n = eol ? (size_t)(eol - line) : strlen(line);
		char buf[1024];
		snprintf(buf, sizeof buf, "%.*s", n < sizeof buf ? (int)n : 0, line);
		line = eol ? eol + 1 : NULL;
		/* ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS [OPTIONAL...] - FSTYPE SOURCE SUPER */
		unsigned maj, min;
		int root = -1, rootend = -1, mp = -1, mpend = -1;
		if (sscanf(buf, "%*u %*u %u:%u %n%*s%n %n%*s%n", &maj, &min, &root, &rootend, &mp,
			   &mpend) != 2 ||
		    mpend < 0)
			continue;
		const char *dash = strstr(buf + mpend, " - ");
		if (!dash || strncmp(dash + 3, "mqueue ", 7) != 0)
			continue;
		struct objlist_mqueue_mount x;
		unescape(buf + mp, (size_t)(mpend - mp), x.dir, sizeof x.dir);
		x.dev = makedev(maj, min);
		bool first = strcmp(x.dir, OBJLIST_MQUEUE_DIR) == 0;
		if (found < max) {
			if (first) {
				memmove(m + 1, m, found * sizeof *m);
				m[0] = x;
			} else
				m[found] = x;
		} else if (first && max) {
			memmove(m + 1, m, (max - 1) * sizeof *m);
			m[0] = x;
		}
		found++;
	}
	return found < max ? found : max;
}

/* Is the mount open on dfd the viewer's IPC namespace's?  1 if a queue
 * listed there is the one mq_open() opens, 0 if one is not (another inode,
 * or no such queue), -1 if none tells (empty, or none this user may
 * open).  mq_open() of an existing queue, O_RDONLY | O_NONBLOCK, changes
 * no time of it and waits for nothing. */
static int mount_ours(int dfd)
{
	int fd = dup(dfd);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	if (!d) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	rewinddir(d); /* the offset is dfd's too: from the start, and left for the caller's
		       * own rewinddir() */
	int verdict = -1, tries = 0;
	struct dirent *de;
	while (verdict < 0 && tries < 16 && (de = readdir(d))) {
		struct stat st, qt;
		char name[NAME_MAX + 2];
		if (de->d_name[0] == '.' || fstatat(dfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) ||
		    !S_ISREG(st.st_mode) ||
		    (size_t)snprintf(name, sizeof name, "/%s", de->d_name) >= sizeof name)
			continue;
		tries++;
		mqd_t q = mq_open(name, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
		if (q == (mqd_t)-1) {
			if (errno == ENOENT)
				verdict = 0;
			continue;
		}
		if (fstat((int)q, &qt) == 0)
			verdict = qt.st_dev == st.st_dev && qt.st_ino == st.st_ino;
		mq_close(q);
	}
	closedir(d);
	return verdict;
}

int objlist_mqueue_open(const char *mountinfo, struct objlist_mqueue_mount *m, bool *ours)
{
	FILE *f = fopen(mountinfo ? mountinfo : "/proc/self/mountinfo", "re");
	if (!f)
		return -1;
	char *text = NULL;
	size_t cap = 0;
	ssize_t n = getdelim(&text, &cap, '\0', f);
	fclose(f);
	if (n <= 0) {
		free(text);
		return -1;
	}
	struct objlist_mqueue_mount all[OBJLIST_MQUEUE_MOUNTS];
	size_t count = objlist_mqueue_mounts(text, all, OBJLIST_MQUEUE_MOUNTS);
	free(text);
	for (size_t i = 0; i < count; i++) {
		struct stat st;
		int dfd = objlist_files_open_dir(all[i].dir);
		if (dfd < 0)
			continue;
		int v = -1;
		if (fstat(dfd, &st) == 0 && (uint64_t)st.st_dev == all[i].dev)
			v = mount_ours(dfd);
		else
			v = 0; /* covered by another mount, or not a mqueue folder */
		if (v) {
			*m = all[i];
			*ours = v > 0;
			return dfd;
		}
		close(dfd);
	}
	return -1;
}

int objlist_mqueue_read(int fd, struct objlist_mqueue_info *q)
{
	char text[OBJLIST_MQUEUE_TEXT];
	ssize_t n = pread(fd, text, sizeof text, 0);
	return n < 0 ? -1 : objlist_mqueue_parse(text, (size_t)n, q);
}
