/* SPDX-License-Identifier: MIT */
/*
 * Learning the SysV devices (sysvdev.h): one private 4 KiB segment
 * attached read-only for as long as it takes to read /proc/self/maps, and
 * one memfd per huge page size listed in /sys/kernel/mm/hugepages.
 */
#include "sysvdev.h"

#include <dirent.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <unistd.h>

#include "objlist_scan.h"

#ifndef MFD_HUGE_SHIFT
#define MFD_HUGE_SHIFT 26
#endif

static struct sysvdev kernel_devs;
static pthread_once_t kernel_once = PTHREAD_ONCE_INIT;

bool sysvdev_has(const struct sysvdev *d, uint64_t dev)
{
	for (size_t i = 0; i < d->n; i++)
		if (d->dev[i] == dev)
			return true;
	return false;
}

static void add(struct sysvdev *d, uint64_t dev)
{
	if (d->n < SYSVDEV_MAX && !sysvdev_has(d, dev))
		d->dev[d->n++] = dev;
}

/* The device of a private segment's mapping in our own maps. */
static void learn_shmem(struct sysvdev *d)
{
	int id = shmget(IPC_PRIVATE, 4096, IPC_CREAT | 0600);
	if (id < 0)
		return;
	void *p = shmat(id, NULL, SHM_RDONLY);
	shmctl(id, IPC_RMID, NULL);
	if (p == (void *)-1)
		return;
	FILE *f = fopen("/proc/self/maps", "re");
	char *line = NULL;
	size_t cap = 0;
	while (f && getline(&line, &cap, f) > 0) {
		struct objlist_scan_ref r;
		if (objlist_scan_map_line(line, &r) == 1 && r.kind == OBJLIST_SYSV &&
		    r.start == (uint64_t)(uintptr_t)p && r.ino == (uint64_t)id) {
			add(d, r.dev);
			break;
		}
	}
	free(line);
	if (f)
		fclose(f);
	shmdt(p);
}

/* The device of a memfd made with flags, if the kernel makes one. */
static void learn_memfd(struct sysvdev *d, unsigned flags)
{
	int fd = memfd_create("shmtop-sysvdev", MFD_CLOEXEC | flags);
	struct stat st;
	if (fd < 0)
		return;
	if (fstat(fd, &st) == 0)
		add(d, (uint64_t)st.st_dev);
	close(fd);
}

static void learn(void)
{
	struct sysvdev *d = &kernel_devs;
	learn_shmem(d);
	if (d->n == 0)
		learn_memfd(d, 0); /* memfds live on the same shmem mount */
	DIR *dir = opendir("/sys/kernel/mm/hugepages");
	struct dirent *de;
	while (dir && (de = readdir(dir))) {
		unsigned long kb;
		if (sscanf(de->d_name, "hugepages-%lukB", &kb) != 1 || kb == 0)
			continue;
		unsigned shift = 10;
		while (kb > 1) {
			kb >>= 1;
			shift++;
		}
		learn_memfd(d, MFD_HUGETLB | shift << MFD_HUGE_SHIFT);
	}
	if (dir)
		closedir(dir);
}

const struct sysvdev *sysvdev_kernel(void)
{
	pthread_once(&kernel_once, learn);
	return &kernel_devs;
}
