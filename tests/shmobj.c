/* SPDX-License-Identifier: MIT */
/*
 * shmobj: make one shared memory object of each kind the object list knows,
 * hold it, and say where it is, for the tests.
 *
 *   shmobj posix NAME SIZE TOUCH [ro]  shm_open /NAME (O_EXCL, 0600), size it,
 *                                     map it (read-only with ro: the object
 *                                     must exist then, and is not created),
 *                                     write TOUCH bytes, close the fd
 *   shmobj memfd NAME SIZE TOUCH      memfd_create(NAME), map, write TOUCH
 *                                     bytes, keep the fd too
 *   shmobj deleted NAME SIZE TOUCH    as posix, then shm_unlink it: mapped,
 *                                     nameless
 *   shmobj fd NAME SIZE TOUCH         shm_open and write TOUCH bytes, no map:
 *                                     held only by an fd
 *   shmobj sem NAME                   sem_open /NAME (a sem.NAME file)
 *   shmobj orphan KEY SIZE            a SysV segment (0600) whose creator then
 *                                     exits: prints "SHMID", exits at once
 *
 * The holding modes print "PID DEV INO" (the object's device as
 * makedev(major, minor) and inode, as fstat gives them) and wait for
 * SIGTERM or SIGINT, then exit 0 without removing a named object (the
 * test does, as a user would).  Errors: one line, exit 1.
 */
#include <errno.h>
#include <fcntl.h>
#include <semaphore.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <unistd.h>

static int fail(const char *what)
{
	fprintf(stderr, "shmobj: %s: %s\n", what, strerror(errno));
	return 1;
}

static int usage(void)
{
	fprintf(stderr, "usage: shmobj posix|memfd|deleted|fd NAME SIZE TOUCH [ro] | "
			"sem NAME | orphan KEY SIZE\n");
	return 2;
}

/* Print "PID DEV INO" of fd's object, or "PID" for fd < 0.  0, or -1. */
static int report(int fd)
{
	struct stat st;
	if (fd < 0)
		printf("%ld\n", (long)getpid());
	else if (fstat(fd, &st))
		return fail("fstat"), -1;
	else
		printf("%ld %llu %llu\n", (long)getpid(), (unsigned long long)st.st_dev,
		       (unsigned long long)st.st_ino);
	fflush(stdout);
	return 0;
}

/* Wait for SIGTERM or SIGINT. */
static int hold(void)
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigprocmask(SIG_BLOCK, &set, NULL);
	int sig;
	sigwait(&set, &sig);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 3)
		return usage();
	const char *mode = argv[1], *name = argv[2];
	char path[300];
	snprintf(path, sizeof path, "/%s", name);

	if (strcmp(mode, "sem") == 0) {
		sem_t *s = sem_open(path, O_CREAT | O_EXCL, 0600, 0);
		if (s == SEM_FAILED)
			return fail("sem_open");
		return report(-1) ? 1 : hold();
	}
	if (argc < 4)
		return usage();
	unsigned long long size = strtoull(argv[3], NULL, 0);
	if (strcmp(mode, "orphan") == 0) {
		int id = shmget((key_t)strtol(name, NULL, 0), size, IPC_CREAT | IPC_EXCL | 0600);
		if (id < 0)
			return fail("shmget");
		printf("%d\n", id);
		return 0;
	}
	if (argc < 5)
		return usage();
	unsigned long long touch = strtoull(argv[4], NULL, 0);
	bool ro = argc > 5 && strcmp(argv[5], "ro") == 0;
	if (touch > size || (ro && touch))
		return usage();

	int fd;
	if (strcmp(mode, "memfd") == 0)
		fd = memfd_create(name, MFD_CLOEXEC);
	else if (strcmp(mode, "posix") == 0 || strcmp(mode, "deleted") == 0 ||
		 strcmp(mode, "fd") == 0)
		fd = ro ? shm_open(path, O_RDONLY, 0)
			: shm_open(path, O_RDWR | O_CREAT | O_EXCL, 0600);
	else
		return usage();
	if (fd < 0)
		return fail("open");
	if (!ro && ftruncate(fd, (off_t)size))
		return fail("ftruncate");
	if (strcmp(mode, "fd") == 0) {
		char page[4096];
		memset(page, 'x', sizeof page);
		for (unsigned long long done = 0; done < touch;) {
			size_t n =
			    touch - done < sizeof page ? (size_t)(touch - done) : sizeof page;
			ssize_t w = pwrite(fd, page, n, (off_t)done);
			if (w <= 0)
				return fail("pwrite");
			done += (unsigned long long)w;
		}
		return report(fd) ? 1 : hold();
	}
	char *p = mmap(NULL, size, ro ? PROT_READ : PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		return fail("mmap");
	memset(p, 'x', touch);
	if (strcmp(mode, "deleted") == 0 && shm_unlink(path))
		return fail("shm_unlink");
	if (report(fd))
		return 1;
	if (strcmp(mode, "memfd") != 0)
		close(fd); /* posix and deleted: only the mapping holds it now */
	return hold();
}
