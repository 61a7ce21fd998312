/* SPDX-License-Identifier: MIT */
#include "settings.h"

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "escape.h"
#include "format.h"
#include "objlist_columns.h"
#include "parse.h"

#define FILE_NAME "shmtoprc"

/* yes (*v true) or no (false); 0, or -1 for anything else. */
static int choose(const char *s, const char *yes, const char *no, bool *v)
{
	if (strcmp(s, yes) != 0 && strcmp(s, no) != 0)
		return -1;
	*v = strcmp(s, yes) == 0;
	return 0;
}

/* A list of columns as -o takes it: ALL, or names, comma-separated, the
 * first after an optional '+'.  0, or -1. */
static int check_columns(const char *s)
{
	if (strlen(s) > SETTINGS_MAX_COLUMNS)
		return -1;
	if (strcmp(s, "ALL") == 0)
		return 0;
	if (*s == '+')
		s++;
	char name[32];
	for (;;) {
		size_t n = strcspn(s, ",");
		if (n == 0 || n >= sizeof name)
			return -1;
		memcpy(name, s, n);
		name[n] = '\0';
		if (objlist_column_find(name) < 0)
			return -1;
		if (!s[n])
			return 0;
		s += n + 1;
	}
}

/* Set the field name names in s from value; its bit, 0: an unknown name,
 * or -1: a bad value. */
static int set_field(struct settings *s, const char *name, const char *value)
{
	long v;
	bool b;
	if (strcmp(name, "sort") == 0) {
		enum sysvipc_sort by;
		if (objlist_sort_parse(value, &by, &b))
			return -1;
		s->sort = by;
		if (!(s->set & SETTING_ORDER))
			s->sort_reverse = b;
		return SETTING_SORT;
	}
	if (strcmp(name, "sort_direction") == 0)
		return choose(value, "descending", "ascending", &s->sort_reverse) ? -1
										  : SETTING_ORDER;
	if (strcmp(name, "delay") == 0) {
		if (parse_number(value, 1, SETTINGS_MAX_DELAY, &v))
			return -1;
		s->delay_tenths = (int)v;
		return SETTING_DELAY;
	}
	if (strcmp(name, "graph") == 0)
		return choose(value, "rate", "value", &s->graph_rate) ? -1 : SETTING_GRAPH;
	if (strcmp(name, "columns") == 0) {
		if (check_columns(value))
			return -1;
		snprintf(s->columns, sizeof s->columns, "%s", value);
		return SETTING_COLUMNS;
	}
	if (strcmp(name, "color") == 0)
		return choose(value, "on", "off", &s->color) ? -1 : SETTING_COLOR;
	if (strcmp(name, "mouse") == 0)
		return choose(value, "on", "off", &s->mouse) ? -1 : SETTING_MOUSE;
	return 0;
}

/* Blanks and tabs off both ends of s[0..*n); returns the new start. */
static const char *trim(const char *s, size_t *n)
{
	while (*n && (*s == ' ' || *s == '\t')) {
		s++;
		(*n)--;
	}
	while (*n && (s[*n - 1] == ' ' || s[*n - 1] == '\t' || s[*n - 1] == '\r'))
		(*n)--;
	return s;
}

int settings_parse(const char *text, size_t len, struct settings *s, char *why, size_t whylen)
{
	int ignored = 0, line = 0;
	if (whylen)
		why[0] = '\0';
	for (size_t at = 0; at < len;) {
		const char *nl = memchr(text + at, '\n', len - at);
		size_t n = nl ? (size_t)(nl - (text + at)) : len - at;
		const char *l = text + at;
		at += n + 1;
		line++;
		l = trim(l, &n);
		if (n == 0 || *l == '#')
			continue;
		const char *eq = memchr(l, '=', n);
		char name[32] = "", value[SETTINGS_MAX_COLUMNS + 1], shown[64];
		size_t nn = eq ? (size_t)(eq - l) : 0, vn = eq ? n - nn - 1 : 0;
		const char *np = trim(l, &nn), *vp = eq ? trim(eq + 1, &vn) : NULL;
		int bit = -1;
		const char *reason = "not name=value";
		if (memchr(l, '\0', n))
			reason = "not text";
		else if (eq && nn && nn < sizeof name && vn < sizeof value) {
			memcpy(name, np, nn);
			name[nn] = '\0';
			memcpy(value, vp, vn);
			value[vn] = '\0';
			bit = set_field(s, name, value);
			reason = bit == 0 ? "unknown setting" : "bad value for";
		} else if (eq && nn)
			reason = "too long";
		if (bit > 0) {
			s->set |= (unsigned)bit;
			continue;
		}
		if (ignored++ == 0 && whylen) {
			if (bit < 0 && strcmp(reason, "bad value for") != 0)
				snprintf(why, whylen, "line %d: %s", line, reason);
			else
				snprintf(why, whylen, "line %d: %s '%s'", line, reason,
					 escape_str(name, shown, sizeof shown));
		}
	}
	if (ignored > 1 && whylen) {
		size_t w = strlen(why);
		format_append(why, whylen, &w, " (and %d more lines ignored)", ignored - 1);
	}
	return ignored;
}

size_t settings_format(const struct settings *s, char *buf, size_t len)
{
	size_t n = 0;
	if (len)
		buf[0] = '\0';
	format_append(buf, len, &n, "%s",
		      "# shmtop's settings, rewritten when they change on the screen;\n"
		      "# see shmtop(1), FILES.\n");
	if (s->set & SETTING_SORT)
		format_append(buf, len, &n, "sort=%s\n", sysvipc_sort_name(s->sort));
	if (s->set & SETTING_ORDER)
		format_append(buf, len, &n, "sort_direction=%s\n",
			      s->sort_reverse ? "descending" : "ascending");
	if (s->set & SETTING_DELAY)
		format_append(buf, len, &n, "delay=%d\n", s->delay_tenths);
	if (s->set & SETTING_GRAPH)
		format_append(buf, len, &n, "graph=%s\n", s->graph_rate ? "rate" : "value");
	if (s->set & SETTING_COLUMNS)
		format_append(buf, len, &n, "columns=%s\n", s->columns);
	if (s->set & SETTING_COLOR)
		format_append(buf, len, &n, "color=%s\n", s->color ? "on" : "off");
	if (s->set & SETTING_MOUSE)
		format_append(buf, len, &n, "mouse=%s\n", s->mouse ? "on" : "off");
	return n;
}

unsigned settings_diff(const struct settings *a, const struct settings *b)
{
	unsigned d = 0;
	if (a->sort != b->sort)
		d |= SETTING_SORT | SETTING_ORDER;
	if (a->sort_reverse != b->sort_reverse)
		d |= SETTING_SORT | SETTING_ORDER;
	if (a->delay_tenths != b->delay_tenths)
		d |= SETTING_DELAY;
	if (a->graph_rate != b->graph_rate)
		d |= SETTING_GRAPH;
	if (strcmp(a->columns, b->columns) != 0)
		d |= SETTING_COLUMNS;
	if (a->color != b->color)
		d |= SETTING_COLOR;
	if (a->mouse != b->mouse)
		d |= SETTING_MOUSE;
	return d;
}

unsigned settings_merge(struct settings *file, const struct settings *start,
			const struct settings *end, unsigned mask)
{
	unsigned d = settings_diff(start, end) & mask;
	if (d & SETTING_SORT)
		file->sort = end->sort;
	if (d & SETTING_ORDER)
		file->sort_reverse = end->sort_reverse;
	if (d & SETTING_DELAY)
		file->delay_tenths = end->delay_tenths;
	if (d & SETTING_GRAPH)
		file->graph_rate = end->graph_rate;
	if (d & SETTING_COLUMNS)
		snprintf(file->columns, sizeof file->columns, "%s", end->columns);
	if (d & SETTING_COLOR)
		file->color = end->color;
	if (d & SETTING_MOUSE)
		file->mouse = end->mouse;
	file->set |= d;
	return d;
}

/* Is dir an absolute path to a folder owned by uid? */
static bool usable(const char *dir, long owner, uid_t uid)
{
	return dir && dir[0] == '/' && owner >= 0 && (uid_t)owner == uid &&
	       strlen(dir) < PATH_MAX - sizeof "/.config/shmtop/" FILE_NAME;
}

int settings_place(const struct settings_env *e, struct settings_place *p)
{
	if (e->uid != e->euid)
		return -1;
	const char *base = NULL;
	bool xdg = false;
	if (usable(e->xdg, e->xdg_owner, e->uid)) {
		base = e->xdg;
		xdg = true;
	} else if (usable(e->home, e->home_owner, e->uid))
		base = e->home;
	else if (usable(e->pw_dir, e->pw_dir_owner, e->uid))
		base = e->pw_dir;
	else
		return -1;
	snprintf(p->base, sizeof p->base, "%s", base);
	p->xdg = xdg;
	p->uid = e->uid;
	return 0;
}

/* The owner of the folder dir, or -1. */
static long dir_owner(const char *dir)
{
	struct stat st;
	if (!dir || stat(dir, &st) < 0 || !S_ISDIR(st.st_mode))
		return -1;
	return (long)st.st_uid;
}

void settings_env_get(struct settings_env *e)
{
	e->uid = getuid();
	e->euid = geteuid();
	e->home = getenv("HOME");
	e->xdg = getenv("XDG_CONFIG_HOME");
	e->home_owner = dir_owner(e->home);
	e->xdg_owner = dir_owner(e->xdg);
	const struct passwd *pw = getpwuid(e->uid);
	e->pw_dir = pw ? pw->pw_dir : NULL;
	e->pw_dir_owner = dir_owner(e->pw_dir);
}

char *settings_path(const struct settings_place *p, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s/shmtop/" FILE_NAME, p->base, p->xdg ? "" : "/.config");
	return buf;
}

/* Is the folder open on fd owned by uid?  0, or -1 with the reason. */
static int check_dir(int fd, uid_t uid, const char *name, char *why, size_t whylen)
{
	struct stat st;
	if (fstat(fd, &st) < 0) {
		snprintf(why, whylen, "%s: %s", name, strerror(errno));
		return -1;
	}
	if (st.st_uid != uid) {
		snprintf(why, whylen, "%s belongs to uid %ld, not %ld", name, (long)st.st_uid,
			 (long)uid);
		return -1;
	}
	return 0;
}

/* Open the folder of the file: the base, then .config (in a home) and
 * shmtop, each with O_NOFOLLOW and owned by p->uid, made 0700 if create
 * and missing.  The folder's descriptor, or -1 with errno (ENOENT: a
 * folder missing) and the reason in why. */
static int open_dir(const struct settings_place *p, bool create, char *why, size_t whylen)
{
	const char *chain[] = { ".config", "shmtop" };
	int fd = open(p->base, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		int e = errno;
		snprintf(why, whylen, "%s", strerror(e));
		errno = e;
		return -1;
	}
	if (check_dir(fd, p->uid, p->xdg ? "XDG_CONFIG_HOME" : "the home", why, whylen) < 0) {
		close(fd);
		errno = EPERM;
		return -1;
	}
	for (size_t i = p->xdg ? 1 : 0; i < 2; i++) {
		const int flags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
		int next = openat(fd, chain[i], flags);
		if (next < 0 && errno == ENOENT && create && mkdirat(fd, chain[i], 0700) == 0)
			next = openat(fd, chain[i], flags);
		int e = errno;
		if (next >= 0 && check_dir(next, p->uid, chain[i], why, whylen) < 0) {
			close(next);
			next = -1;
			e = EPERM;
		} else if (next < 0) {
			struct stat st;
			bool link = fstatat(fd, chain[i], &st, AT_SYMLINK_NOFOLLOW) == 0 &&
				    S_ISLNK(st.st_mode);
			snprintf(why, whylen, "%s: %s", chain[i],
				 link ? "a symbolic link" : strerror(e));
		}
		close(fd);
		if (next < 0) {
			errno = e;
			return -1;
		}
		fd = next;
	}
	return fd;
}

int settings_load(const struct settings_place *p, struct settings *s, char *why, size_t whylen)
{
	char path[PATH_MAX + 32], reason[200];
	settings_path(p, path, sizeof path);
	int dfd = open_dir(p, false, reason, sizeof reason);
	if (dfd < 0) {
		if (errno == ENOENT)
			return 0;
		snprintf(why, whylen, "%s ignored: %s", path, reason);
		return 1;
	}
	int fd = openat(dfd, FILE_NAME, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	int e = errno;
	close(dfd);
	if (fd < 0) {
		if (e == ENOENT)
			return 0;
		snprintf(why, whylen, "%s ignored: %s", path,
			 e == ELOOP ? "a symbolic link" : strerror(e));
		return 1;
	}
	struct stat st;
	static char text[SETTINGS_MAX_FILE + 1];
	size_t n = 0;
	const char *bad = NULL;
	if (fstat(fd, &st) < 0)
		bad = strerror(errno);
	else if (!S_ISREG(st.st_mode))
		bad = "not a regular file";
	else if (st.st_uid != p->uid)
		bad = "not the user's";
	while (!bad && n < sizeof text) {
		ssize_t r = read(fd, text + n, sizeof text - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			bad = strerror(errno);
		if (r <= 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	if (!bad && n > SETTINGS_MAX_FILE)
		bad = "larger than 64 KiB";
	if (bad) {
		snprintf(why, whylen, "%s ignored: %s", path, bad);
		return 1;
	}
	if (settings_parse(text, n, s, reason, sizeof reason) == 0)
		return 0;
	snprintf(why, whylen, "%s: %s", path, reason);
	return 1;
}

/* Write all of buf[0..n) to fd; 0, or -1. */
static int write_all(int fd, const char *buf, size_t n)
{
	while (n) {
		ssize_t w = write(fd, buf, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		buf += w;
		n -= (size_t)w;
	}
	return 0;
}

int settings_save(const struct settings_place *p, const struct settings *s, char *why,
		  size_t whylen)
{
	char path[PATH_MAX + 32], reason[200], text[1024], tmp[40];
	settings_path(p, path, sizeof path);
	size_t n = settings_format(s, text, sizeof text);
	int dfd = open_dir(p, true, reason, sizeof reason);
	if (dfd < 0) {
		snprintf(why, whylen, "%s not saved: %s", path, reason);
		return -1;
	}
	struct stat st;
	if (fstatat(dfd, FILE_NAME, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	    (!S_ISREG(st.st_mode) || st.st_uid != p->uid)) {
		snprintf(why, whylen, "%s not saved: %s", path,
			 S_ISLNK(st.st_mode)   ? "it is a symbolic link"
			 : S_ISREG(st.st_mode) ? "it is not the user's"
					       : "it is not a regular file");
		close(dfd);
		return -1;
	}
	snprintf(tmp, sizeof tmp, "." FILE_NAME ".%ld", (long)getpid());
	const int flags = O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC;
	int fd = openat(dfd, tmp, flags, 0600);
	if (fd < 0 && errno == EEXIST && unlinkat(dfd, tmp, 0) == 0) /* a run that died */
		fd = openat(dfd, tmp, flags, 0600);
	const char *bad = fd < 0 ? strerror(errno) : NULL;
	if (!bad && (fchmod(fd, 0600) < 0 || write_all(fd, text, n) < 0 || fsync(fd) < 0))
		bad = strerror(errno);
	if (fd >= 0 && close(fd) < 0 && !bad)
		bad = strerror(errno);
	if (!bad && renameat(dfd, tmp, dfd, FILE_NAME) < 0)
		bad = strerror(errno);
	if (bad) {
		if (fd >= 0)
			unlinkat(dfd, tmp, 0);
		snprintf(why, whylen, "%s not saved: %s", path, bad);
		close(dfd);
		return -1;
	}
	fsync(dfd);
	close(dfd);
	return 0;
}
