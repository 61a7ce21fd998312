/* SPDX-License-Identifier: MIT */
/*
 * dump_promdb [--drop-dead-live] DIR|FILE: Python prometheus_client's
 * multiprocess files through shmtop's reader (src/view/promdb.h), for the
 * test against the library's own MultiProcessCollector.  Each *.db file
 * (a FILE alone, or every one in DIR, by name) is opened
 * O_RDONLY|O_NOFOLLOW|O_NONBLOCK, must be a regular file of at most
 * 16 MiB, is mapped read-only and parsed in place under the SIGBUS guard
 * (a live worker may write or truncate it: each value is one aligned
 * load).  Its name gives kind, gauge mode and pid; the pid is alive if
 * kill(pid, 0) says so and /proc does not show it a zombie.
 *
 * Prints a line a file:
 *   # file NAME KIND MODE|- PID alive|dead entries N used U [timestamps]
 *   # refused NAME: reason          (a name or file the reader refuses)
 * then for a FILE its entries, for a DIR the aggregate, one line a
 * sample, tab-separated, every text escaped (a tab inside is \t):
 *   entry   METRIC  NAME  VALUE  TIMESTAMP  LABEL=VALUE...
 *   sample  NAME  VALUE  LABEL=VALUE...
 * and "# dead N" (files of dead pids, their bytes), "# dropped N reason".
 * Exit 0, or 1 with "dump_promdb: PATH: reason" on stderr.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "escape.h"
#include "objpeek.h"
#include "promdb.h"

enum { MAX_SIZE = 16 << 20, MAX_FILES = 100000 };

static const char *esc(const char *s, char *buf, size_t len)
{
	escape_text(s, strlen(s), ESCAPE_UTF8, (int)len, buf, len);
	return buf;
}

struct job {
	unsigned char *map;
	size_t len;
	struct promdb_file *f;
	enum promdb_status s;
	char why[200];
};

static void run_parse(void *arg)
{
	struct job *j = arg;
	j->s = promdb_parse(j->map, j->len, j->f, j->why, sizeof j->why);
}

/* Is pid a process, and not a zombie (dead, its parent not yet told)? */
static bool alive(int32_t pid)
{
	if (kill(pid, 0) < 0 && errno != EPERM)
		return false;
	char path[40], buf[256];
	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	FILE *fp = fopen(path, "r");
	if (!fp)
		return true;
	size_t n = fread(buf, 1, sizeof buf - 1, fp);
	fclose(fp);
	buf[n] = '\0';
	const char *paren = strrchr(buf, ')');
	return !(paren && paren[1] == ' ' && (paren[2] == 'Z' || paren[2] == 'X'));
}

/* Read dir/name into f: 0, or -1 with the reason printed. */
static int read_one(int dirfd, const char *name, struct promdb_input *in, struct promdb_file **out,
		    uint64_t *bytes)
{
	char why[200], e[600];
	if (promdb_name_parse(name, &in->name, why, sizeof why) < 0) {
		printf("# refused %s: %s\n", esc(name, e, sizeof e), why);
		return -1;
	}
	int fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0) {
		printf("# refused %s: %s\n", esc(name, e, sizeof e), strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (!S_ISREG(st.st_mode) || st.st_size > MAX_SIZE) {
		printf("# refused %s: not a regular file of at most 16 MiB\n",
		       esc(name, e, sizeof e));
		close(fd);
		return -1;
	}
	struct promdb_file *f = calloc(1, sizeof *f);
	struct job j = { .len = (size_t)st.st_size, .f = f };
	if (!f || promdb_alloc(f, j.len) < 0) {
		fprintf(stderr, "dump_promdb: out of memory\n");
		exit(1);
	}
	if (j.len) {
		void *m = mmap(NULL, j.len, PROT_READ, MAP_SHARED, fd, 0);
		j.map = m == MAP_FAILED ? NULL : m;
	}
	close(fd);
	if (j.len && !j.map) {
		printf("# refused %s: %s\n", esc(name, e, sizeof e), strerror(errno));
		promdb_free(f);
		free(f);
		return -1;
	}
	if (j.map && objpeek_guarded(run_parse, &j) < 0) {
		j.s = PROMDB_DAMAGED;
		snprintf(j.why, sizeof j.why, "the file shrank while it was read");
	} else if (!j.map) {
		run_parse(&j);
	}
	if (j.map)
		munmap(j.map, j.len);
	in->alive = alive(in->name.pid);
	*bytes += (uint64_t)st.st_size;
	if (j.s != PROMDB_OK) {
		printf("# refused %s: %s\n", esc(name, e, sizeof e), j.why);
		promdb_free(f);
		free(f);
		in->file = NULL;
		return j.s == PROMDB_EMPTY ? 0 : -1;
	}
	in->file = *out = f;
	printf("# file %s %s %s %d %s entries %zu used %u%s\n", esc(name, e, sizeof e),
	       promdb_kind_name(in->name.kind),
	       in->name.kind == PROMDB_GAUGE ? promdb_mode_name(in->name.mode) : "-",
	       (int)in->name.pid, in->alive ? "alive" : "dead", f->n_entries, f->used,
	       f->timestamps ? " timestamps" : "");
	return 0;
}

static void print_labels(const struct promdb_label *l, size_t n, const char *omit,
			 const char *add_name, const char *add_value)
{
	char a[1100], b[1100];
	for (size_t i = 0; i < n; i++)
		if (!omit || strcmp(l[i].name, omit))
			printf("\t%s=%s", esc(l[i].name, a, sizeof a),
			       esc(l[i].value, b, sizeof b));
	if (add_name)
		printf("\t%s=%s", esc(add_name, a, sizeof a), esc(add_value, b, sizeof b));
	printf("\n");
}

static int db_name(const struct dirent *d)
{
	size_t n = strlen(d->d_name);
	return n > 3 && !strcmp(d->d_name + n - 3, ".db");
}

int main(int argc, char **argv)
{
	bool drop = argc == 3 && !strcmp(argv[1], "--drop-dead-live");
	if (argc != 2 + drop) {
		fprintf(stderr, "usage: dump_promdb [--drop-dead-live] DIR|FILE\n");
		return 2;
	}
	const char *path = argv[1 + drop];
	struct stat st;
	if (lstat(path, &st) < 0) {
		fprintf(stderr, "dump_promdb: %s: %s\n", path, strerror(errno));
		return 1;
	}
	char a[1100], b[1100], c[1100];
	uint64_t bytes = 0;
	if (!S_ISDIR(st.st_mode)) {
		char *copy = strdup(path), *slash = strrchr(copy, '/');
		const char *dir = slash ? (*slash = '\0', copy[0] ? copy : "/") : ".";
		const char *name = slash ? slash + 1 : copy;
		int dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		struct promdb_input in = { 0 };
		struct promdb_file *f = NULL;
		if (dirfd < 0 || read_one(dirfd, name, &in, &f, &bytes) < 0 || !in.file) {
			fprintf(stderr, "dump_promdb: %s: not read (the line above says why)\n",
				path);
			return 1;
		}
		for (size_t i = 0; i < in.file->n_entries; i++) {
			const struct promdb_entry *e = &in.file->entries[i];
			printf("entry\t%s\t%s\t%.17g\t%.17g", esc(e->metric, a, sizeof a),
			       esc(e->name, b, sizeof b), e->value, e->timestamp);
			print_labels(e->labels, e->n_labels, NULL, NULL, NULL);
			printf("help\t%s\n", esc(e->help, c, sizeof c));
		}
		return 0;
	}
	int dirfd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	struct dirent **names;
	int n = dirfd < 0 ? -1 : scandir(path, &names, db_name, alphasort);
	if (n < 0 || n > MAX_FILES) {
		fprintf(stderr, "dump_promdb: %s: %s\n", path,
			n < 0 ? strerror(errno) : "more than 100000 files");
		return 1;
	}
	struct promdb_input *in = calloc((size_t)n + 1, sizeof *in);
	struct promdb_file **files = calloc((size_t)n + 1, sizeof *files);
	size_t m = 0, dead = 0;
	uint64_t dead_bytes = 0;
	for (int i = 0; i < n; i++) {
		uint64_t before = bytes;
		if (read_one(dirfd, names[i]->d_name, &in[m], &files[m], &bytes) == 0) {
			if (!in[m].alive) {
				dead++;
				dead_bytes += bytes - before;
			}
			m++;
		}
		free(names[i]);
	}
	free(names);
	struct promdb_aggregate agg;
	if (promdb_aggregate(in, m, drop, &agg) < 0) {
		fprintf(stderr, "dump_promdb: out of memory\n");
		return 1;
	}
	for (size_t i = 0; i < agg.n_samples; i++) {
		const struct promdb_sample *s = &agg.samples[i];
		char name[1200];
		snprintf(name, sizeof name, "%s%s", s->name, s->suffix);
		printf("sample\t%s\t%.17g", esc(name, a, sizeof a), s->value);
		print_labels(s->labels, s->n_labels, s->omit, s->add_name, s->add_value);
	}
	printf("# files %zu bytes %llu dead %zu dead_bytes %llu\n", m, (unsigned long long)bytes,
	       dead, (unsigned long long)dead_bytes);
	printf("# dropped %zu%s%s\n", agg.dropped, agg.dropped ? " " : "", agg.why);
	promdb_aggregate_free(&agg);
	for (size_t i = 0; i < m; i++)
		if (files[i]) {
			promdb_free(files[i]);
			free(files[i]);
		}
	free(files);
	free(in);
	close(dirfd);
	return 0;
}
