/* SPDX-License-Identifier: MIT */
/*
 * dump_vsc [-k] DIR: the counters of the varnishd whose -n folder is DIR,
 * as `varnishstat -n DIR -1` lists them (the manager's set _.vsm_mgt, then
 * the worker's _.vsm_child, each in its index's order), one `name value` a
 * line, for tests/e2e_vsc.sh.  -k adds a tab, the type (counter, gauge,
 * bitmap), the format (integer, bytes, bitmap, duration) and the level
 * (info, diag, debug), tab-separated, and a first line for each set:
 * `# SET pid N alive|dead`.
 *
 * Each set's folder is opened O_DIRECTORY|O_NOFOLLOW, its _.index and
 * each file it lists O_RDONLY|O_NOFOLLOW|O_NONBLOCK from there; each must
 * be a regular file (the index at most 1 MiB, a segment file at most
 * 64 MiB) holding the segments listed in it; segment files are mapped
 * read-only and shared and parsed in place under the SIGBUS guard
 * (objpeek.h), so a file truncated meanwhile ends the read, not the tool.
 * Only the Stat and StatDoc segments are mapped.  A segment file gone
 * between the index and its open (varnishd removed it) makes the read
 * start again, at most 5 times.  Hidden segments (being removed) are not
 * listed, as varnishstat does not list them.
 * Exit 0; 1 with the reason when something is refused; 2 on a bad
 * argument.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "objpeek.h"
#include "vsc.h"

#define INDEX_MAX (1u << 20)
#define FILE_MAX (64u << 20)
#define SEGS_MAX 8192

/* one whole read's lines, printed when it is whole */
static FILE *out;

struct map {
	char file[VSC_FILE_MAX];
	const unsigned char *p;
	size_t size;
};

struct set {
	const char *name;
	int dfd;
	struct vsc_index ix;
	struct map *maps;
	size_t nmaps;
	struct vsc_doc *docs; /* one per segment, used by StatDocs */
};

/* the work done under the guard */
struct job {
	const unsigned char *seg;
	size_t len;
	const char *ident;
	struct vsc_doc *doc;
	struct vsc_counter *out;
	size_t cap, n;
	uint64_t id;
	int32_t ready;
	enum vsc_status st;
	char why[256];
};

static void do_doc(void *arg)
{
	struct job *j = arg;
	j->st = vsc_doc_parse(j->seg, j->len, j->doc, j->why, sizeof j->why);
}

static void do_head(void *arg)
{
	struct job *j = arg;
	j->st = vsc_head(j->seg, j->len, &j->id, &j->ready) ? VSC_OK : VSC_DAMAGED;
}

static void do_stat(void *arg)
{
	struct job *j = arg;
	j->st = vsc_stat_parse(j->seg, j->len, j->ident, j->doc, j->out, j->cap, &j->n, j->why,
			       sizeof j->why);
}

static int fail(const char *set, const char *what, const char *why)
{
	fprintf(stderr, "%s/%s: %s\n", set, what, why);
	return 1;
}

/* Open name in dfd as this tool opens everything: a regular file of 1 to
 * max bytes.  The descriptor, -1 with errno (EINVAL: not such a file). */
static int open_file(int dfd, const char *name, uint64_t max, struct stat *st)
{
	int fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (fstat(fd, st) < 0 || !S_ISREG(st->st_mode) || st->st_size < 1 ||
	    (uint64_t)st->st_size > max) {
		close(fd);
		errno = EINVAL;
		return -1;
	}
	return fd;
}

/* 0, 1 refused (said why), 3 a file gone: read again. */
static int read_index(struct set *s)
{
	struct stat st;
	int fd = open_file(s->dfd, "_.index", INDEX_MAX, &st);
	if (fd < 0)
		return fail(s->name, "_.index",
			    errno == EINVAL ? "not a regular file of 1 byte to 1 MiB"
					    : strerror(errno));
	char *text = malloc(INDEX_MAX);
	size_t got = 0;
	ssize_t r;
	while (got < INDEX_MAX && (r = read(fd, text + got, INDEX_MAX - got)) > 0)
		got += (size_t)r;
	close(fd);
	char why[256];
	enum vsc_status vs = vsc_index_parse(text, got, &s->ix, why, sizeof why);
	free(text);
	return vs == VSC_OK ? 0 : fail(s->name, "_.index", why);
}

static const struct map *map_of(struct set *s, const char *file, int *rc)
{
	for (size_t i = 0; i < s->nmaps; i++)
		if (strcmp(s->maps[i].file, file) == 0)
			return &s->maps[i];
	struct stat st;
	int fd = open_file(s->dfd, file, FILE_MAX, &st);
	if (fd < 0) {
		*rc = errno == ENOENT
			  ? 3
			  : fail(s->name, file,
				 errno == EINVAL ? "not a regular file of 1 byte to 64 MiB"
						 : strerror(errno));
		return NULL;
	}
	void *p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_SHARED, fd, 0);
	close(fd);
	if (p == MAP_FAILED) {
		*rc = fail(s->name, file, strerror(errno));
		return NULL;
	}
	struct map *m = &s->maps[s->nmaps++];
	snprintf(m->file, sizeof m->file, "%s", file);
	m->p = p;
	m->size = (size_t)st.st_size;
	return m;
}

static void unmap_all(struct set *s)
{
	for (size_t i = 0; i < s->nmaps; i++)
		munmap((void *)(uintptr_t)s->maps[i].p, s->maps[i].size);
	s->nmaps = 0;
	if (s->docs)
		for (size_t i = 0; i < s->ix.n; i++)
			vsc_doc_free(&s->docs[i]);
	free(s->docs);
	s->docs = NULL;
}

/* The segment g's bytes in its file: NULL and *rc when there are none. */
static const unsigned char *seg_bytes(struct set *s, const struct vsc_seg *g, int *rc)
{
	const struct map *m = map_of(s, g->file, rc);
	if (!m)
		return NULL;
	if (g->off > m->size || g->len > m->size - g->off) {
		char why[VSC_IDENT_MAX + 128];
		snprintf(why, sizeof why,
			 "segment %s at %" PRIu64 " (%" PRIu64
			 " bytes) past the end of its file (%zu bytes)",
			 g->ident, g->off, g->len, m->size);
		*rc = fail(s->name, g->file, why);
		return NULL;
	}
	return m->p + g->off;
}

static int guarded(struct job *j, void (*fn)(void *), const struct set *s, const char *file)
{
	if (objpeek_guarded(fn, j) < 0)
		return fail(s->name, file, "the file shrank while it was read (SIGBUS)");
	return 0;
}

/* Print one set's counters: 0, 1 refused, 3 read again. */
static int dump_set(struct set *s, bool kinds)
{
	int rc = read_index(s);
	if (rc)
		return rc;
	if (kinds)
		fprintf(out, "# %s pid %" PRId64 " %s\n", s->name, s->ix.pid,
			kill((pid_t)s->ix.pid, 0) == 0 || errno == EPERM ? "alive" : "dead");
	s->maps = calloc(s->ix.n + 1, sizeof *s->maps);
	s->docs = calloc(s->ix.n + 1, sizeof *s->docs);
	if (!s->maps || !s->docs)
		return fail(s->name, "_.index", "out of memory");
	/* the docs first: a Stat names its StatDoc by its id */
	for (size_t i = 0; i < s->ix.n; i++) {
		const struct vsc_seg *g = &s->ix.segs[i];
		if (strcmp(g->cls, "StatDoc") != 0)
			continue;
		struct job j = { .len = (size_t)g->len, .doc = &s->docs[i] };
		if (!(j.seg = seg_bytes(s, g, &rc)))
			return rc;
		if (vsc_doc_alloc(j.doc, j.len) < 0)
			return fail(s->name, g->file, "out of memory");
		if ((rc = guarded(&j, do_doc, s, g->file)))
			return rc;
		if (j.st == VSC_OK) {
			char id[24];
			snprintf(id, sizeof id, "%" PRIx64, j.doc->id);
			if (strcmp(id, g->ident) != 0)
				return fail(s->name, g->file, "StatDoc: its ident is not its id");
		} else if (j.st == VSC_NOT_READY || j.st == VSC_HIDDEN) {
			j.doc->n = 0;
			j.doc->id = 0;
		} else {
			return fail(s->name, g->file, j.why);
		}
	}
	for (size_t i = 0; i < s->ix.n; i++) {
		const struct vsc_seg *g = &s->ix.segs[i];
		if (strcmp(g->cls, "Stat") != 0)
			continue;
		struct job j = { .len = (size_t)g->len, .ident = g->ident };
		if (!(j.seg = seg_bytes(s, g, &rc)))
			return rc;
		if ((rc = guarded(&j, do_head, s, g->file)))
			return rc;
		if (j.st != VSC_OK)
			return fail(s->name, g->file, "shorter than a Stat header");
		if (j.ready == 0 || j.ready == 2)
			continue; /* being made, or being removed */
		for (size_t k = 0; k < s->ix.n && !j.doc; k++)
			if (strcmp(s->ix.segs[k].cls, "StatDoc") == 0 && s->docs[k].text &&
			    s->docs[k].id == j.id && j.id != 0)
				j.doc = &s->docs[k];
		if (!j.doc)
			return fail(s->name, g->file, "a Stat whose StatDoc is not listed");
		j.cap = j.doc->n;
		j.out = calloc(j.cap + 1, sizeof *j.out);
		if (!j.out)
			return fail(s->name, g->file, "out of memory");
		rc = guarded(&j, do_stat, s, g->file);
		if (!rc && j.st == VSC_OK) {
			for (size_t k = 0; k < j.n; k++) {
				const struct vsc_counter *c = &j.out[k];
				fprintf(out, "%s %" PRIu64, c->name, c->value);
				if (kinds)
					fprintf(out, "\t%s\t%s\t%s", vsc_type_name(c->e->type),
						vsc_format_name(c->e->format),
						vsc_level_name(c->e->level));
				fputc('\n', out);
			}
		} else if (!rc && j.st != VSC_NOT_READY && j.st != VSC_HIDDEN) {
			rc = fail(s->name, g->file, j.why);
		}
		free(j.out);
		if (rc)
			return rc;
	}
	return 0;
}

int main(int argc, char **argv)
{
	bool kinds = argc == 3 && strcmp(argv[1], "-k") == 0;
	if (argc != 2 + kinds || argv[argc - 1][0] == '-') {
		fprintf(stderr, "usage: dump_vsc [-k] DIR\n");
		return 2;
	}
	const char *dir = argv[argc - 1];
	static struct vsc_seg segs[2][SEGS_MAX];
	int rc = 3;
	char *text = NULL;
	size_t textlen = 0;
	for (int attempt = 0; attempt < 5 && rc == 3; attempt++) {
		struct set sets[2] = { { .name = "_.vsm_mgt" }, { .name = "_.vsm_child" } };
		free(text);
		text = NULL;
		if (!(out = open_memstream(&text, &textlen))) {
			perror("open_memstream");
			return 1;
		}
		rc = 0;
		for (int i = 0; i < 2 && rc == 0; i++) {
			struct set *s = &sets[i];
			s->ix.segs = segs[i];
			s->ix.cap = SEGS_MAX;
			char path[4096];
			snprintf(path, sizeof path, "%s/%s", dir, s->name);
			s->dfd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (s->dfd < 0) {
				/* no worker (yet): the manager's counters alone */
				if (i == 1 && errno == ENOENT)
					break;
				perror(path);
				return 1;
			}
			rc = dump_set(s, kinds);
			unmap_all(s);
			free(s->maps);
			close(s->dfd);
		}
		fclose(out);
	}
	if (rc == 3)
		fprintf(stderr, "%s: segment files kept going away: 5 reads\n", dir);
	if (rc == 0)
		fwrite(text, 1, textlen, stdout);
	free(text);
	if (fflush(stdout) != 0)
		return 1;
	return rc ? 1 : 0;
}
