/* SPDX-License-Identifier: MIT */
/*
 * The file kind's rules and the read of its known places (objlist_files.h).
 */
#include "objlist_files.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "escape.h"

#define PCP_CONF "/etc/pcp.conf"
#define PCP_TMP_DEFAULT "/var/lib/pcp/tmp"
#define HSPERF_DIR "/tmp"
#define HSPERF_PREFIX "hsperfdata_"
#define VARNISH_DIR "/var/lib/varnish"
#define VSM_PREFIX "_.vsm_"

bool objlist_files_path_ok(const char *path)
{
	return path[0] == '/' && strncmp(path, "/dev/", 5) != 0 && strchr(path + 1, '/');
}

void objlist_files_mmv_dir(const char *root, char *buf, size_t len)
{
	char line[4096], tmp[4096] = PCP_TMP_DEFAULT;
	int fd = objlist_files_open_dir(root[0] ? root : "/");
	FILE *f = NULL;
	if (fd >= 0) {
		int cfd = openat(fd, &PCP_CONF[1], O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
		struct stat st;
		if (cfd >= 0 && (fstat(cfd, &st) || !S_ISREG(st.st_mode))) {
			close(cfd);
			cfd = -1;
		}
		f = cfd >= 0 ? fdopen(cfd, "r") : NULL;
		if (cfd >= 0 && !f)
			close(cfd);
		close(fd);
	}
	for (int n = 0; f && n < 1000 && fgets(line, sizeof line, f); n++) {
		const char *v = line + strlen("PCP_TMP_DIR=");
		if (strncmp(line, "PCP_TMP_DIR=", strlen("PCP_TMP_DIR=")) || v[0] != '/')
			continue;
		snprintf(tmp, sizeof tmp, "%.*s", (int)strcspn(v, "\r\n"), v);
		break;
	}
	if (f)
		fclose(f);
	snprintf(buf, len, "%s%s/mmv", root, tmp);
}

/* Is s one component, of at least one byte? */
static bool component(const char *s, size_t n)
{
	return n > 0 && !memchr(s, '/', n);
}

static bool digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

/* The rest of path after prefix, or NULL. */
static const char *after(const char *path, const char *root, const char *dir)
{
	size_t r = strlen(root), d = strlen(dir);
	if (strncmp(path, root, r) || strncmp(path + r, dir, d) || path[r + d] != '/')
		return NULL;
	return path + r + d + 1;
}

bool objlist_files_known(const char *root, const char *mmv, const char *path)
{
	const char *p = after(path, root, HSPERF_DIR);
	if (p && strncmp(p, HSPERF_PREFIX, strlen(HSPERF_PREFIX)) == 0) {
		const char *slash = strchr(p, '/');
		if (slash && component(p, (size_t)(slash - p)) && digits(slash + 1))
			return true;
	}
	p = mmv[0] ? after(path, "", mmv) : NULL;
	if (p && component(p, strlen(p)))
		return true;
	p = after(path, root, VARNISH_DIR);
	if (p) {
		const char *slash = strchr(p, '/');
		if (slash && slash > p && strncmp(slash + 1, VSM_PREFIX, strlen(VSM_PREFIX)) == 0) {
			const char *rest = strchr(slash + 1, '/');
			return !rest || component(rest + 1, strlen(rest + 1));
		}
	}
	return false;
}

int objlist_files_open_dir(const char *path)
{
	const int flags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC;
	int fd = open(path[0] == '/' ? "/" : ".", flags);
	char comp[256];
	for (const char *p = path; fd >= 0 && *p;) {
		while (*p == '/')
			p++;
		size_t n = strcspn(p, "/");
		if (!n)
			break;
		if (n >= sizeof comp) {
			close(fd);
			errno = ENAMETOOLONG;
			return -1;
		}
		memcpy(comp, p, n);
		comp[n] = '\0';
		int next = openat(fd, comp, flags);
		int e = errno;
		close(fd);
		errno = e;
		fd = next;
		p += n;
	}
	return fd;
}

int objlist_files_open_parent(const char *path, const char **name)
{
	const char *slash = strrchr(path, '/');
	char dir[PATH_MAX];
	*name = slash ? slash + 1 : path;
	if (!slash || slash == path)
		return objlist_files_open_dir(slash ? "/" : ".");
	if ((size_t)(slash - path) >= sizeof dir) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(dir, path, (size_t)(slash - path));
	dir[slash - path] = '\0';
	return objlist_files_open_dir(dir);
}

/* What one read of the known places calls, and where. */
struct walk {
	void (*each)(const char *path, const struct stat *st, void *arg);
	void *arg;
};

/* The entries of folder fd (at path) whose name keep() takes: regular
 * files to w->each if files, folders (opened without following a symlink)
 * to sub() if it is given.  At most OBJLIST_FILES_ENTRIES entries; fd is
 * closed. */
static void walk_dir(const struct walk *w, int fd, const char *path, bool (*keep)(const char *name),
		     bool files, void (*sub)(const struct walk *w, int fd, const char *path))
{
	DIR *d = fdopendir(fd);
	if (!d) {
		close(fd);
		return;
	}
	struct dirent *de;
	for (int n = 0; n < OBJLIST_FILES_ENTRIES && (de = readdir(d)); n++) {
		struct stat st;
		char full[4096];
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0 ||
		    !keep(de->d_name) || fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) ||
		    (size_t)snprintf(full, sizeof full, "%s/%s", path, de->d_name) >= sizeof full)
			continue;
		if (files && S_ISREG(st.st_mode))
			w->each(full, &st, w->arg);
		if (!sub || !S_ISDIR(st.st_mode))
			continue;
		int sfd = openat(dirfd(d), de->d_name,
				 O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
		if (sfd >= 0)
			sub(w, sfd, full);
	}
	closedir(d);
}

static bool any(const char *name)
{
	(void)name;
	return true;
}

static bool hsperf(const char *name)
{
	return strncmp(name, HSPERF_PREFIX, strlen(HSPERF_PREFIX)) == 0;
}

static bool vsm(const char *name)
{
	return strncmp(name, VSM_PREFIX, strlen(VSM_PREFIX)) == 0;
}

static void files_of(const struct walk *w, int fd, const char *path)
{
	walk_dir(w, fd, path, any, true, NULL);
}

static void hsperf_files(const struct walk *w, int fd, const char *path)
{
	walk_dir(w, fd, path, digits, true, NULL);
}

static void varnish_instance(const struct walk *w, int fd, const char *path)
{
	walk_dir(w, fd, path, vsm, true, files_of);
}

/* Open folder path and walk it. */
static void walk_place(const struct walk *w, const char *path, bool (*keep)(const char *name),
		       bool files, void (*sub)(const struct walk *w, int fd, const char *path))
{
	int fd = objlist_files_open_dir(path);
	if (fd >= 0)
		walk_dir(w, fd, path, keep, files, sub);
}

void objlist_files_each(const char *root,
			void (*each)(const char *path, const struct stat *st, void *arg), void *arg)
{
	struct walk w = { each, arg };
	char path[4096];
	snprintf(path, sizeof path, "%s" HSPERF_DIR, root);
	walk_place(&w, path, hsperf, false, hsperf_files);
	objlist_files_mmv_dir(root, path, sizeof path);
	walk_place(&w, path, any, true, NULL);
	snprintf(path, sizeof path, "%s" VARNISH_DIR, root);
	walk_place(&w, path, any, false, varnish_instance);
}

/* path opened as shmtop PATH opens it, or -1 with errno. */
static int open_named(const char *path)
{
	return open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
}

void objlist_files_named(const char *path,
			 void (*each)(const char *path, const struct stat *st, void *arg),
			 void *arg)
{
	struct walk w = { each, arg };
	struct stat st;
	int fd = open_named(path);
	if (fd < 0)
		return;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode))
		each(path, &st, arg);
	if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		size_t n = strlen(path);
		while (n > 1 && path[n - 1] == '/')
			n--; /* "dir/" names its files "dir/NAME" */
		char dir[4096];
		snprintf(dir, sizeof dir, "%.*s", (int)n, path);
		walk_dir(&w, fd, strcmp(dir, "/") == 0 ? "" : dir, any, true, NULL);
		return;
	}
	close(fd);
}

int objlist_files_check(const char *path, struct stat *st, char *why, size_t whylen)
{
	char shown[4 * 256 + 8];
	escape_text(path, strlen(path), ESCAPE_LOCALE, 256, shown, sizeof shown);
	int fd = open_named(path);
	if (fd < 0) {
		int e = errno;
		struct stat lst;
		if (e == ELOOP || (lstat(path, &lst) == 0 && S_ISLNK(lst.st_mode)))
			snprintf(why, whylen,
				 "%s: is a symbolic link; name the file itself (shmtop does not "
				 "follow a link, which another user may have planted)",
				 shown);
		else if (e == EACCES || e == EPERM)
			snprintf(why, whylen, "%s: permission denied", shown);
		else
			snprintf(why, whylen, "%s: %s", shown, strerror(e));
		return -1;
	}
	int rc = -1;
	const char *what = NULL;
	if (fstat(fd, st))
		snprintf(why, whylen, "%s: %s", shown, strerror(errno));
	else if (S_ISREG(st->st_mode) || S_ISDIR(st->st_mode))
		rc = 0;
	else if (S_ISFIFO(st->st_mode))
		what = "a FIFO";
	else if (S_ISCHR(st->st_mode) || S_ISBLK(st->st_mode))
		what = "a device";
	else if (S_ISSOCK(st->st_mode))
		what = "a socket";
	else
		what = "not a regular file";
	if (what)
		snprintf(why, whylen, "%s: is %s, not a file shmtop can read", shown, what);
	close(fd);
	return rc;
}

int objlist_files_open_regular(int dfd, const char *name, struct stat *st)
{
	memset(st, 0, sizeof *st);
	int pfd = openat(dfd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (pfd < 0)
		return -1;
	if (fstat(pfd, st) < 0 || !S_ISREG(st->st_mode)) {
		int e = S_ISLNK(st->st_mode) ? ELOOP : st->st_mode ? EINVAL : errno;
		close(pfd);
		errno = e;
		return -1;
	}
	char self[40];
	snprintf(self, sizeof self, "/proc/self/fd/%d", pfd);
	const int flags = O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC;
	int fd = open(self, flags | O_NOATIME);
	if (fd < 0 && errno == EPERM) /* O_NOATIME: only the owner (or CAP_FOWNER) */
		fd = open(self, flags);
	int e = errno;
	close(pfd);
	errno = e;
	return fd;
}

int objlist_files_open_at(int dfd, const char *name, uint64_t dev, uint64_t ino, struct stat *st)
{
	int fd = objlist_files_open_regular(dfd, name, st);
	if (fd >= 0 && ((uint64_t)st->st_dev != dev || (uint64_t)st->st_ino != ino)) {
		close(fd);
		errno = ESTALE;
		return -1;
	}
	return fd;
}
