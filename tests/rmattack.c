/* SPDX-License-Identifier: MIT */
/*
 * What another local user runs against a root viewer's removal and its
 * attached processes (tests/e2e_remove.sh compiles it and runs it as a user
 * of its own).  Each mode prints "ready PID" once set up, then holds until
 * killed:
 *
 *   hold PATH                  an O_PATH fd on PATH
 *   race DIR LINK TARGET NAME  DIR/NAME mapped; LINK a symlink to TARGET;
 *                              DIR and LINK swapped by RENAME_EXCHANGE in a
 *                              loop (NAME made again if it is removed)
 *   fakesysv MNT KEY SHMID     in a user and mount namespace of its own: a
 *                              tmpfs on MNT made the namespace's root, and
 *                              /SYSV<KEY> on it, of inode SHMID, mapped
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static void ready(void)
{
	printf("ready %d\n", (int)getpid());
	fflush(stdout);
}

static int die(const char *what)
{
	fprintf(stderr, "rmattack: %s: %s\n", what, strerror(errno));
	return 1;
}

/* A 4 KiB file NAME in dfd, mapped shared; its fd. */
static int make_mapped(int dfd, const char *name)
{
	int fd = openat(dfd, name, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0 || ftruncate(fd, 4096) ||
	    mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0) == MAP_FAILED)
		return -1;
	return fd;
}

static int race(const char *dir, const char *link, const char *target, const char *name)
{
	if (mkdir(dir, 0755) && errno != EEXIST)
		return die(dir);
	int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int fd = dfd < 0 ? -1 : make_mapped(dfd, name);
	if (fd < 0 || symlink(target, link))
		return die("set up");
	ready();
	for (unsigned long n = 0;; n++) {
		syscall(SYS_renameat2, AT_FDCWD, dir, AT_FDCWD, link, 2 /* RENAME_EXCHANGE */);
		struct stat st;
		if (n % 256 == 0 && fstat(fd, &st) == 0 && st.st_nlink == 0) {
			close(fd);
			fd = make_mapped(dfd, name);
		}
	}
}

static int write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : write(fd, text, strlen(text));
	if (fd >= 0)
		close(fd);
	return n == (ssize_t)strlen(text) ? 0 : -1;
}

static int fakesysv(const char *mnt, unsigned key, unsigned long shmid)
{
	char map[64];
	unsigned uid = (unsigned)geteuid(), gid = (unsigned)getegid();
	if (unshare(CLONE_NEWUSER | CLONE_NEWNS))
		return die("unshare");
	snprintf(map, sizeof map, "%u %u 1", uid, uid);
	if (write_file("/proc/self/setgroups", "deny") || write_file("/proc/self/uid_map", map))
		return die("uid_map");
	snprintf(map, sizeof map, "%u %u 1", gid, gid);
	if (write_file("/proc/self/gid_map", map))
		return die("gid_map");
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) ||
	    mount("none", mnt, "tmpfs", 0, NULL) || chdir(mnt))
		return die("mount");
	/* tmpfs numbers the inodes of a mount one by one. */
	for (;;) {
		int fd = open("f", O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		struct stat st;
		if (fd < 0 || fstat(fd, &st))
			return die("create");
		if ((unsigned long)st.st_ino > shmid) {
			fprintf(stderr, "rmattack: inode %lu passed %lu\n",
				(unsigned long)st.st_ino, shmid);
			return 1;
		}
		if ((unsigned long)st.st_ino == shmid) {
			char name[32];
			snprintf(name, sizeof name, "SYSV%08x", key);
			if (rename("f", name) || ftruncate(fd, 4096) ||
			    mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0) ==
				MAP_FAILED)
				return die("map");
			break;
		}
		close(fd);
		unlink("f");
	}
	if (syscall(SYS_pivot_root, ".", ".") || umount2(".", MNT_DETACH) || chdir("/"))
		return die("pivot_root");
	ready();
	for (;;)
		pause();
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "hold") == 0) {
		if (open(argv[2], O_PATH | O_CLOEXEC) < 0)
			return die(argv[2]);
		ready();
		for (;;)
			pause();
	}
	if (argc == 6 && strcmp(argv[1], "race") == 0)
		return race(argv[2], argv[3], argv[4], argv[5]);
	if (argc == 5 && strcmp(argv[1], "fakesysv") == 0)
		return fakesysv(argv[2], (unsigned)strtoul(argv[3], NULL, 0),
				strtoul(argv[4], NULL, 10));
	fprintf(stderr, "usage: rmattack hold PATH | race DIR LINK TARGET NAME | "
			"fakesysv MNT KEY SHMID\n");
	return 2;
}
