/* SPDX-License-Identifier: MIT */
/*
 * memfds N NAME: map N distinct memfds named NAME.I (4 KiB each, mapped
 * read-only once, the fd closed so the fd table stays small), print
 * "ready N SECONDS" (how many, how long it took) and wait until killed: a
 * process that holds as many mappings as vm.max_map_count allows, for the
 * scan's tests (issue 21).  Exits 1 if it could not map them all.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: memfds N NAME\n");
		return 2;
	}
	long n = strtol(argv[1], NULL, 10);
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (long i = 0; i < n; i++) {
		char name[200];
		snprintf(name, sizeof name, "%s.%ld", argv[2], i);
		int fd = memfd_create(name, MFD_CLOEXEC);
		if (fd < 0 || ftruncate(fd, 4096) < 0 ||
		    mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0) == MAP_FAILED) {
			perror("memfds");
			return 1;
		}
		close(fd);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("ready %ld %.2f\n", n,
	       (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
	fflush(stdout);
	for (;;)
		pause();
}
