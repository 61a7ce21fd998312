/* SPDX-License-Identifier: MIT */
/*
 * The look at a POSIX object's first bytes.  The SIGBUS guard: a handler
 * that jumps back out of the read, put in place by each guarded read (one
 * sigaction(): another part of the process, a test harness, may have set
 * its own since) and left there, armed only during a read; a SIGBUS from
 * anywhere else puts back the action that was there before it and is
 * raised again with it.  Returning from a SIGBUS handler would run the
 * faulting load again, so a flag alone cannot do; the jump is the one thing
 * the handler does, and shmtop is single-threaded.  The handler runs with
 * SIGBUS not blocked (SA_NODEFER), so the jump need not restore the signal
 * mask, and shmtop never blocks SIGBUS (a SIGBUS of a load while blocked
 * would kill it whatever the handler).
 */
#include "objpeek.h"

#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "names.h"
#include "objlist_files.h"

static sigjmp_buf bus_jump;
static volatile sig_atomic_t bus_armed;
static struct sigaction bus_old;

static void on_bus(int sig)
{
	if (bus_armed)
		siglongjmp(bus_jump, 1);
	sigaction(sig, &bus_old, NULL);
	raise(sig);
}

int objpeek_guarded(void (*fn)(void *arg), void *arg)
{
	struct sigaction sa, prev;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_bus;
	sa.sa_flags = SA_NODEFER;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGBUS, &sa, &prev) < 0)
		return -1;
	if (prev.sa_handler != on_bus)
		bus_old = prev;
	int rc = 0;
	if (sigsetjmp(bus_jump, 0) == 0) {
		bus_armed = 1;
		fn(arg);
	} else {
		rc = -1;
	}
	bus_armed = 0;
	return rc;
}

struct copy {
	unsigned char *dst;
	const volatile unsigned char *src;
	size_t n;
};

static void copy_bytes(void *arg)
{
	struct copy *c = arg;
	size_t i = 0;
	/* 8 bytes a load where both ends are aligned: a word the owner stores
	 * meanwhile is copied old or new, never torn */
	if ((((uintptr_t)c->dst | (uintptr_t)c->src) & 7) == 0)
		for (; i + 8 <= c->n; i += 8)
			*(uint64_t *)(void *)(c->dst + i) =
			    *(const volatile uint64_t *)(const volatile void *)(c->src + i);
	for (; i < c->n; i++)
		c->dst[i] = c->src[i];
}

int objpeek_guarded_copy(unsigned char *dst, const volatile unsigned char *src, size_t n)
{
	struct copy c = { dst, src, n };
	return objpeek_guarded(copy_bytes, &c);
}

bool objpeek_name_ok(const char *name)
{
	return name && *name && !strchr(name, '/') && strcmp(name, ".") != 0 &&
	       strcmp(name, "..") != 0 && strlen(name) <= 255;
}

/* Why dir/name would not open: its owner and mode when they can be read. */
static void denied(int dfd, const char *name, int e, char *why, size_t whylen)
{
	struct stat st;
	char u[40];
	if ((e == EACCES || e == EPERM) && fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0)
		snprintf(why, whylen, "permission denied: owner %s, mode %04o, you are uid %u",
			 names_user(st.st_uid, u, sizeof u), (unsigned)(st.st_mode & 07777),
			 (unsigned)geteuid());
	else if (e == ELOOP)
		snprintf(why, whylen, "it is a symbolic link, not an object");
	else if (e == ENOENT)
		snprintf(why, whylen, "it is no longer there");
	else
		snprintf(why, whylen, "cannot open it: %s", strerror(e));
}

int objpeek_open(int dfd, const char *name, uint64_t dev, uint64_t ino, struct stat *st, char *why,
		 size_t whylen)
{
	if (!objpeek_name_ok(name)) {
		snprintf(why, whylen, "not a name of one component");
		return -1;
	}
	if (dfd < 0) {
		snprintf(why, whylen, "cannot open its folder: %s",
			 errno == ELOOP || errno == ENOTDIR ? "a symbolic link on the way"
							    : strerror(errno));
		return -1;
	}
	int fd = objlist_files_open_at(dfd, name, dev, ino, st);
	if (fd >= 0)
		return fd;
	if (errno == ESTALE)
		snprintf(why, whylen, "the name is now another object (inode %llu)",
			 (unsigned long long)st->st_ino);
	else if (errno == EINVAL)
		snprintf(why, whylen, "not a regular file");
	else
		denied(dfd, name, errno, why, whylen);
	return -1;
}

int objpeek_read(int dfd, const char *name, uint64_t dev, uint64_t ino, uint64_t offset,
		 unsigned char *buf, size_t len, size_t *got, uint64_t *size, char *why,
		 size_t whylen)
{
	*got = 0;
	*size = 0;
	struct stat st;
	int fd = objpeek_open(dfd, name, dev, ino, &st, why, whylen);
	if (fd < 0)
		return -1;
	*size = st.st_size > 0 ? (uint64_t)st.st_size : 0;
	long page = sysconf(_SC_PAGESIZE);
	size_t n = len;
	if (page > 0 && n > (size_t)page)
		n = (size_t)page;
	if (offset >= *size)
		n = 0; /* nothing there (it shrank): the caller steps back */
	else if (n > *size - offset)
		n = (size_t)(*size - offset);
	/* mapped from the page the window starts in */
	uint64_t skip = page > 0 ? offset % (uint64_t)page : 0, at = offset - skip;
	int rc = 0;
	if (n > 0) {
		void *p = mmap(NULL, n + skip, PROT_READ, MAP_SHARED, fd, (off_t)at);
		if (p == MAP_FAILED) {
			snprintf(why, whylen, "mmap: %s", strerror(errno));
			rc = -1;
		} else if (objpeek_guarded_copy(buf, (const unsigned char *)p + skip, n) == 0) {
			*got = n;
			munmap(p, n + skip);
		} else {
			snprintf(why, whylen, "it shrank while being read");
			rc = -1;
			munmap(p, n + skip);
		}
	}
	close(fd);
	return rc;
}
