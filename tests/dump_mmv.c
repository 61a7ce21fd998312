/* SPDX-License-Identifier: MIT */
/*
 * dump_mmv FILE: a PCP MMV file through shmtop's reader (src/view/mmv.h),
 * for the tests against PCP's own producer and mmvdump.  The file is
 * opened O_RDONLY|O_NOFOLLOW|O_NONBLOCK, must be a regular file of at most
 * 64 MiB, is mapped read-only and copied out under the SIGBUS guard (the
 * producer may truncate it), then parsed; the generations are read again
 * from the mapping after the parse, so a file remade meanwhile is read
 * again (at most 50 times, 10 ms apart) rather than taken.
 *
 * Prints a line "# mmv version V gen G cluster C flags F pid P alive|dead",
 * "# reads N" (the copies it took to get a consistent one), then one line
 * per value, tab-separated, every text escaped:
 *   metric  instance|-  type  semantics  units|-  value  oneline|-  help|-
 * Exit 0, or 1 with "dump_mmv: FILE: reason" on stderr.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "escape.h"
#include "mmv.h"
#include "objpeek.h"

enum { MAX_SIZE = 64 << 20, TRIES = 50 };

static const char *esc(const char *s, char *buf, size_t len)
{
	if (!s)
		return "-";
	escape_text(s, strlen(s), ESCAPE_UTF8, (int)len, buf, len);
	return buf;
}

static void print_value(const struct mmv_file *f, const struct mmv_value *v)
{
	const struct mmv_metric *m = &f->metrics[v->metric];
	char a[1100], b[1100], c[1100], d[1100], e[1100], units[96], val[64];
	mmv_units_str(m->units, units, sizeof units);
	const char *shown = val;
	if (v->novalue)
		shown = "(none)";
	else if (m->type == MMV_STRING)
		shown = esc(v->string, e, sizeof e);
	else if (m->type == MMV_U32 || m->type == MMV_U64)
		snprintf(val, sizeof val, "%llu", (unsigned long long)v->v.u);
	else if (m->type == MMV_FLOAT || m->type == MMV_DOUBLE)
		snprintf(val, sizeof val, "%.17g", v->v.d);
	else
		snprintf(val, sizeof val, "%lld", (long long)v->v.i);
	printf("%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", esc(m->name, a, sizeof a),
	       v->instance >= 0 ? esc(f->instances[v->instance].external, b, sizeof b) : "-",
	       mmv_type_name(m->type), mmv_sem_name(m->sem), units[0] ? units : "-", shown,
	       esc(m->oneline, c, sizeof c), esc(m->help, d, sizeof d));
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: dump_mmv FILE\n");
		return 2;
	}
	const char *path = argv[1];
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0) {
		fprintf(stderr, "dump_mmv: %s: %s\n", path, strerror(errno));
		return 1;
	}
	if (!S_ISREG(st.st_mode) || st.st_size <= 0 || st.st_size > MAX_SIZE) {
		fprintf(stderr, "dump_mmv: %s: not a regular file of 1 byte to 64 MiB\n", path);
		return 1;
	}
	size_t len = (size_t)st.st_size;
	unsigned char *map = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0);
	close(fd);
	unsigned char *copy = malloc(len);
	struct mmv_file f;
	if (map == MAP_FAILED || !copy || mmv_alloc(&f, len) < 0) {
		fprintf(stderr, "dump_mmv: %s: %s\n", path, strerror(errno));
		return 1;
	}
	char why[200];
	enum mmv_status s = MMV_BUSY;
	int reads = 0;
	for (int i = 0; i < TRIES; i++) {
		reads++;
		if (objpeek_guarded_copy(copy, map, len) < 0) {
			snprintf(why, sizeof why, "the file shrank while it was read");
			s = MMV_DAMAGED;
			break;
		}
		s = mmv_parse(copy, len, &f, why, sizeof why);
		unsigned char again[24];
		if (s == MMV_OK && (objpeek_guarded_copy(again, map, sizeof again) < 0 ||
				    memcmp(again + 8, copy + 8, 16) != 0)) {
			snprintf(why, sizeof why, "in flux (the file was remade during the read)");
			s = MMV_BUSY;
		}
		if (s != MMV_BUSY && s != MMV_EMPTY)
			break;
		nanosleep(&(struct timespec){ .tv_nsec = 10000000 }, NULL);
	}
	if (s != MMV_OK) {
		fprintf(stderr, "dump_mmv: %s: %s\n", path, why);
		return 1;
	}
	bool alive = f.process > 0 && (kill(f.process, 0) == 0 || errno == EPERM);
	char flags[40];
	snprintf(flags, sizeof flags, "%s%s%s", f.flags & MMV_NOPREFIX ? ",noprefix" : "",
		 f.flags & MMV_PROCESS ? ",process" : "",
		 f.flags & MMV_SENTINEL ? ",sentinel" : "");
	printf("# mmv version %d gen %llu cluster %d flags %s pid %d %s\n", f.version,
	       (unsigned long long)f.gen, f.cluster, flags[0] ? flags + 1 : "none", f.process,
	       f.flags & MMV_PROCESS ? (alive ? "alive" : "dead") : "-");
	printf("# reads %d\n", reads);
	for (size_t i = 0; i < f.n_values; i++)
		print_value(&f, &f.values[i]);
	for (size_t i = 0; i < f.n_labels; i++)
		printf("# label %s\n", esc(f.labels[i].payload, why, sizeof why));
	mmv_free(&f);
	free(copy);
	munmap(map, len);
	return 0;
}
