/* SPDX-License-Identifier: MIT */
/*
 * dump_hsperf [-k] FILE: a JVM's hsperfdata as `jcmd PID PerfCounter.print`
 * lists it, one `name=value` a line (strings in double quotes, raw: this is
 * a test tool comparing bytes with jcmd's), with jvmstat's six
 * sun.perfdata.* counters from the prologue, for tests/e2e_hsperf.sh.
 * -k adds a tab, the kind (constant, counter, gauge), a tab and the unit to
 * each line, and a first line `#pid=N` with the pid the file's name gives
 * (`#pid=?` when it gives none).
 *
 * The file is opened O_RDONLY|O_NOFOLLOW|O_NONBLOCK, must be a regular
 * file of at most 16 MiB, is mapped read-only and shared (the JVM's stores
 * are seen live) and parsed in place under the SIGBUS guard (objpeek.h), so
 * a file truncated meanwhile ends the read, not the tool.
 * Exit 0; 1 with the reason when the file is refused; 2 on a bad argument.
 */
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hsperf.h"
#include "objpeek.h"

#define MAX_SIZE (16u << 20)

struct job {
	const void *map;
	size_t size;
	struct hsperf_entry *e;
	size_t cap, n;
	char *text;
	struct hsperf_info info;
	char why[200];
	enum hsperf_status st;
};

static void parse(void *arg)
{
	struct job *j = arg;
	j->st = hsperf_parse(j->map, j->size, j->e, j->cap, &j->n, j->text, j->size, &j->info,
			     j->why, sizeof j->why);
}

int main(int argc, char **argv)
{
	bool kinds = argc == 3 && strcmp(argv[1], "-k") == 0;
	if (argc != 2 + kinds || argv[argc - 1][0] == '-') {
		fprintf(stderr, "usage: dump_hsperf [-k] FILE\n");
		return 2;
	}
	argv += kinds;
	int fd = open(argv[1], O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0) {
		perror(argv[1]);
		return 1;
	}
	if (!S_ISREG(st.st_mode) || st.st_size < 1 || (uint64_t)st.st_size > MAX_SIZE) {
		fprintf(stderr, "%s: not a regular file of 1 byte to 16 MiB\n", argv[1]);
		return 1;
	}
	struct job j = { .size = (size_t)st.st_size };
	j.map = mmap(NULL, j.size, PROT_READ, MAP_SHARED, fd, 0);
	close(fd);
	j.cap = HSPERF_MAX_ENTRIES(j.size);
	j.e = calloc(j.cap, sizeof *j.e);
	j.text = malloc(j.size);
	if (j.map == MAP_FAILED || !j.e || !j.text) {
		perror(argv[1]);
		return 1;
	}
	if (objpeek_guarded(parse, &j) < 0) {
		fprintf(stderr, "%s: truncated while it was read (SIGBUS)\n", argv[1]);
		return 1;
	}
	if (j.st != HSPERF_OK) {
		fprintf(stderr, "%s: %s\n", argv[1], j.why);
		return 1;
	}
	if (kinds) {
		const char *base = strrchr(argv[1], '/');
		int32_t pid;
		if (hsperf_pid_from_name(base ? base + 1 : argv[1], &pid))
			printf("#pid=%" PRId32 "\n", pid);
		else
			printf("#pid=?\n");
	}
	/* jvmstat's pseudo counters, with the variability and units it gives them */
	const char *k = kinds ? "\tconstant\tnone" : "";
	const char *b = kinds ? "\tcounter\tbytes" : "";
	printf("sun.perfdata.majorVersion=2%s\n", k);
	printf("sun.perfdata.minorVersion=%u%s\n", j.info.minor, k);
	printf("sun.perfdata.size=%zu%s\n", j.size, b);
	printf("sun.perfdata.used=%" PRIu32 "%s\n", j.info.used, b);
	printf("sun.perfdata.overflow=%" PRIu32 "%s\n", j.info.overflow, b);
	printf("sun.perfdata.timestamp=%" PRId64 "%s\n", j.info.mod_time_stamp,
	       kinds ? "\tcounter\tticks" : "");
	for (size_t i = 0; i < j.n; i++) {
		const struct hsperf_entry *e = &j.e[i];
		if (e->is_string)
			printf("%s=\"%s\"", e->name, e->str);
		else
			printf("%s=%" PRId64, e->name, e->value);
		if (kinds)
			printf("\t%s\t%s", hsperf_kind_name(e->kind), hsperf_unit_name(e->unit));
		putchar('\n');
	}
	munmap((void *)(uintptr_t)j.map, j.size);
	free(j.e);
	free(j.text);
	return fflush(stdout) == 0 ? 0 : 1;
}
