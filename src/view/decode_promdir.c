/* SPDX-License-Identifier: MIT */
/*
 * Python prometheus_client's multiprocess folder (decode.h, promdb.h): the
 * files whose names MultiProcessCollector takes ({counter,gauge_MODE,
 * histogram,summary}_PID.db), read in name order and aggregated as the
 * collector aggregates them (every file that is there, dead processes'
 * included, as the collector reads them).  Each sample is a counter named
 * as the text exposition names it, `metric_total{label="value",...}`
 * (labels sorted by name, values escaped as the exposition escapes them:
 * backslash, double quote and newline), cut to MODEL_NAME_MAX; a gauge's
 * samples are gauges, the rest (counters, histograms' buckets, _count and
 * _sum) counters, all VALUE_REAL, no unit, the help the metric's.
 *
 * A file's process is alive when proc_alive(pid, 0) does not say it is
 * gone (the file names a pid alone).  c->files counts the files of those
 * names (up to DECODE_FOLDER_FILES, in name order), their bytes, those of
 * dead processes, and those refused: a name that is not a regular file of
 * at most DECODE_FILE_MAX bytes (a symlink, a FIFO: not followed, never
 * waited on), that cannot be opened or mapped, that fails promdb_parse(),
 * or that shrank under the read (SIGBUS).  A refused file is left out of
 * the aggregate and counted; the read is DECODE_OK while one file is
 * read, DECODE_EMPTY when those read are all empty (made, never written),
 * DECODE_DAMAGED with the first refusal's reason when every file is
 * refused, NOT_THIS without a reason when no name is of the library's.
 * Mappings are kept between reads, keyed by name, device, inode and size.
 * The writer is not one process: status.known is false.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "decode.h"
#include "objlist_files.h"
#include "objpeek.h"
#include "proc.h"
#include "promdb.h"
#include "seen.h"

/* One file as last mapped. */
struct pd_file {
	char *name;
	uint64_t dev, ino;
	size_t size;
	unsigned char *map; /* NULL: size 0 */
	struct promdb_file f;
	size_t flen; /* the length f's arrays hold */
	bool kept;   /* listed by this read */
};

struct pd {
	struct pd_file *file; /* [0, sorted) by name: those of the last read */
	size_t n, cap, sorted;
	struct seen seen;
};

static void pd_drop(struct pd_file *p)
{
	if (p->map)
		munmap(p->map, p->size);
	promdb_free(&p->f);
	free(p->name);
	memset(p, 0, sizeof *p);
}

static void pd_release(struct content *c)
{
	struct pd *p = c->priv;
	if (!p)
		return;
	for (size_t i = 0; i < p->n; i++)
		pd_drop(&p->file[i]);
	free(p->file);
	seen_free(&p->seen);
	free(p);
	c->priv = NULL;
}

static int by_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names of dirfd's files MultiProcessCollector takes, sorted, into
 * *out (at most DECODE_FOLDER_FILES; *truncated when there were more):
 * their count, or -1 with why. */
static long list_names(int dirfd, char ***out, bool *truncated, char *why, size_t whylen)
{
	int fd = dup(dirfd);
	DIR *d = fd < 0 ? NULL : fdopendir(fd);
	if (!d) {
		snprintf(why, whylen, "cannot list the folder: %s", strerror(errno));
		if (fd >= 0)
			if (fd >= 0)
				close(fd);
		return -1;
	}
	rewinddir(d); /* the dup shares dirfd's offset */
	char **v = NULL, r[8];
	size_t n = 0, cap = 0;
	struct promdb_name pn;
	struct dirent *e;
	*truncated = false;
	while ((e = readdir(d))) {
		if (!objpeek_name_ok(e->d_name) ||
		    promdb_name_parse(e->d_name, &pn, r, sizeof r) < 0)
			continue;
		if (n == DECODE_FOLDER_FILES) {
			*truncated = true;
			break;
		}
		if (n == cap) {
			size_t ncap = cap ? cap * 2 : 64;
			char **nv = realloc(v, ncap * sizeof *nv);
			if (!nv)
				goto oom;
			v = nv;
			cap = ncap;
		}
		if (!(v[n] = strdup(e->d_name)))
			goto oom;
		n++;
	}
	closedir(d);
	if (n)
		qsort(v, n, sizeof *v, by_str);
	*out = v;
	return (long)n;
oom:
	closedir(d);
	while (n)
		free(v[--n]);
	free(v);
	snprintf(why, whylen, "out of memory listing the folder");
	return -1;
}

static int file_by_name(const void *a, const void *b)
{
	const struct pd_file *x = a, *y = b;
	return strcmp(x->name, y->name);
}

/* bsearch()'s: a name against a file's. */
static int name_of(const void *key, const void *b)
{
	const struct pd_file *y = b;
	return strcmp(key, y->name);
}

/* The mapping of name kept from the last read, or NULL. */
static struct pd_file *pd_find(struct pd *p, const char *name)
{
	return p->sorted ? bsearch(name, p->file, p->sorted, sizeof *p->file, name_of) : NULL;
}

/* A new file in p's room (the caller made it). */
static struct pd_file *pd_add(struct pd *p, const char *name)
{
	if (p->n == p->cap)
		return NULL;
	struct pd_file *f = &p->file[p->n];
	memset(f, 0, sizeof *f);
	if (!(f->name = strdup(name)))
		return NULL;
	p->n++;
	return f;
}

/* Open and map dirfd's name as f (kept when it is still the same file):
 * 0, or -1 with why.  *bytes its size when it is a regular file. */
static int pd_map(struct pd *p, int dirfd, const char *name, struct pd_file **out, uint64_t *bytes,
		  char *why, size_t whylen)
{
	*bytes = 0;
	struct stat st;
	struct pd_file *f = pd_find(p, name);
	if (f && fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode) &&
	    f->dev == (uint64_t)st.st_dev && f->ino == (uint64_t)st.st_ino &&
	    f->size == (size_t)st.st_size) { /* the file mapped: not opened again */
		*bytes = f->size;
		*out = f;
		return 0;
	}
	int fd = objlist_files_open_regular(dirfd, name, &st);
	if (fd < 0 && errno != EINVAL) {
		snprintf(why, whylen, "cannot open it: %s", strerror(errno));
		return -1;
	}
	if (fd < 0 || st.st_size < 0 || (uint64_t)st.st_size > DECODE_FILE_MAX) {
		snprintf(why, whylen, "not a regular file of at most %d MiB",
			 (int)(DECODE_FILE_MAX >> 20));
		close(fd);
		return -1;
	}
	*bytes = (uint64_t)st.st_size;
	if (f && (f->dev != (uint64_t)st.st_dev || f->ino != (uint64_t)st.st_ino ||
		  f->size != (size_t)st.st_size)) {
		if (f->map)
			munmap(f->map, f->size);
		f->map = NULL;
		f->size = 0;
		f->dev = f->ino = 0;
	} else if (f) {
		close(fd);
		*out = f;
		return 0;
	}
	if (!f && !(f = pd_add(p, name))) {
		close(fd);
		snprintf(why, whylen, "out of memory");
		return -1;
	}
	size_t len = (size_t)st.st_size;
	if (f->flen < len || !f->f.entries) {
		promdb_free(&f->f);
		f->flen = promdb_alloc(&f->f, len) ? 0 : len;
		if (f->flen < len || !f->f.entries) {
			close(fd);
			snprintf(why, whylen, "out of memory for %zu bytes", len);
			return -1;
		}
	}
	if (len) {
		void *m = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0);
		if (m == MAP_FAILED) {
			snprintf(why, whylen, "mmap: %s", strerror(errno));
			close(fd);
			return -1;
		}
		f->map = m;
	}
	close(fd);
	f->size = len;
	f->dev = (uint64_t)st.st_dev;
	f->ino = (uint64_t)st.st_ino;
	*out = f;
	return 0;
}

struct parse_call {
	struct pd_file *f;
	enum promdb_status s;
	char *why;
	size_t whylen;
};

static void parse_call(void *arg)
{
	struct parse_call *j = arg;
	j->s = promdb_parse(j->f->map, j->f->size, &j->f->f, j->why, j->whylen);
}

/* s into dst at *at (cap), escaped as the exposition escapes a label's
 * value when esc, cut to fit. */
static void put(char *dst, size_t cap, size_t *at, const char *s, bool esc)
{
	for (; *s && *at + 1 < cap; s++) {
		const char *r = NULL;
		if (esc && *s == '\\')
			r = "\\\\";
		else if (esc && *s == '"')
			r = "\\\"";
		else if (esc && *s == '\n')
			r = "\\n";
		if (r && *at + 2 >= cap)
			break;
		if (r) {
			memcpy(dst + *at, r, 2);
			*at += 2;
		} else {
			dst[(*at)++] = *s;
		}
	}
	dst[*at] = '\0';
}

/* sep, then name="value" into dst at *at (cap). */
static void put_label(char *dst, size_t cap, size_t *at, const char *sep, const char *name,
		      const char *value)
{
	put(dst, cap, at, sep, false);
	put(dst, cap, at, name, false);
	put(dst, cap, at, "=\"", false);
	put(dst, cap, at, value, true);
	put(dst, cap, at, "\"", false);
}

/* The sample's name as the exposition writes it. */
static void sample_name(const struct promdb_sample *s, char *dst, size_t cap)
{
	size_t at = 0;
	dst[0] = '\0';
	put(dst, cap, &at, s->name, false);
	put(dst, cap, &at, s->suffix, false);
	const char *sep = "{";
	bool added = !s->add_name;
	for (size_t i = 0; i <= s->n_labels; i++) {
		const struct promdb_label *l = i < s->n_labels ? &s->labels[i] : NULL;
		if (!added && (!l || strcmp(s->add_name, l->name) < 0)) {
			put_label(dst, cap, &at, sep, s->add_name, s->add_value);
			sep = ",";
			added = true;
		}
		if (!l || (s->omit && !strcmp(l->name, s->omit)))
			continue;
		put_label(dst, cap, &at, sep, l->name, l->value);
		sep = ",";
	}
	if (sep[0] == ',')
		put(dst, cap, &at, "}", false);
}

/* Whether a pid runs, looked up once a read for all its files. */
struct pid_alive {
	int32_t pid;
	bool alive;
};

static int by_pid(const void *a, const void *b)
{
	const struct pid_alive *x = a, *y = b;
	return (x->pid > y->pid) - (x->pid < y->pid);
}

/* The pids of n names, sorted, each with proc_alive()'s answer (NULL: out
 * of memory, each then looked up on its own). */
static struct pid_alive *alive_of(char **names, size_t n)
{
	struct pid_alive *v = malloc(n * sizeof *v);
	if (!v)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		struct promdb_name pn;
		char why[8];
		promdb_name_parse(names[i], &pn, why, sizeof why);
		v[i].pid = pn.pid;
	}
	qsort(v, n, sizeof *v, by_pid);
	for (size_t i = 0; i < n; i++)
		v[i].alive =
		    i && v[i].pid == v[i - 1].pid ? v[i - 1].alive : proc_alive(v[i].pid, 0) != 0;
	return v;
}

static bool pid_alive(const struct pid_alive *v, size_t n, int32_t pid)
{
	struct pid_alive key = { pid, false };
	const struct pid_alive *a = v ? bsearch(&key, v, n, sizeof key, by_pid) : NULL;
	return a ? a->alive : proc_alive(pid, 0) != 0;
}

/* Read each file listed into in[] (those read) and c->files. */
static size_t read_files(struct pd *p, int dirfd, char **names, size_t n, struct promdb_input *in,
			 struct content_files *cf, size_t *empty, char *first, size_t firstlen)
{
	size_t m = 0;
	struct pid_alive *pids = alive_of(names, n);
	for (size_t i = 0; i < n; i++) {
		struct promdb_name pn;
		char why[200] = "";
		uint64_t bytes;
		struct pd_file *f = NULL;
		promdb_name_parse(names[i], &pn, why, sizeof why);
		bool alive = pid_alive(pids, n, pn.pid);
		int r = pd_map(p, dirfd, names[i], &f, &bytes, why, sizeof why);
		cf->files++;
		cf->bytes += bytes;
		if (!alive) {
			cf->dead++;
			cf->dead_bytes += bytes;
		}
		struct parse_call j = { f, PROMDB_EMPTY, why, sizeof why };
		if (r == 0 && f->map && objpeek_guarded(parse_call, &j) < 0) {
			j.s = PROMDB_DAMAGED;
			snprintf(why, sizeof why, "the file shrank while it was read");
			munmap(f->map, f->size); /* mapped again at its new size */
			f->map = NULL;
			f->size = 0;
			f->dev = f->ino = 0;
		}
		if (f)
			f->kept = true;
		if (r == 0 && j.s == PROMDB_EMPTY) {
			(*empty)++;
			continue;
		}
		if (r < 0 || j.s != PROMDB_OK) {
			cf->refused++;
			if (!first[0])
				snprintf(first, firstlen, "%s: %s", names[i], why);
			continue;
		}
		in[m++] = (struct promdb_input){ pn, alive, &f->f };
	}
	free(pids);
	return m;
}

/* Unmap the files this read did not list; sort the rest by name. */
static void pd_sweep(struct pd *p)
{
	size_t k = 0;
	for (size_t i = 0; i < p->n; i++) {
		if (p->file[i].kept && p->file[i].name) {
			p->file[i].kept = false;
			p->file[k++] = p->file[i];
		} else {
			pd_drop(&p->file[i]);
		}
	}
	p->n = p->sorted = k;
	if (k > 1)
		qsort(p->file, k, sizeof *p->file, file_by_name);
}

static enum decode_status pd_decode(int dirfd, const struct decode_want *w, struct content *c,
				    char *why, size_t whylen)
{
	char **names = NULL;
	bool truncated;
	long nl = list_names(dirfd, &names, &truncated, why, whylen);
	if (nl < 0)
		return DECODE_ERROR;
	if (nl == 0) {
		why[0] = '\0';
		free(names);
		return DECODE_NOT_THIS;
	}
	size_t n = (size_t)nl;
	enum decode_status ds = DECODE_ERROR;
	struct promdb_input *in = calloc(n, sizeof *in);
	if (!c->priv) {
		c->priv = calloc(1, sizeof(struct pd));
		c->format = decode_promdir.name;
		c->named = true;
		c->status =
		    (struct content_status){ .state = SHMTOP_STATE_RUNNING, .control_id = -1 };
	}
	struct pd *p = c->priv;
	struct pd_file *room =
	    p && p->n + n > p->cap ? realloc(p->file, (p->n + n) * sizeof *room) : NULL;
	if (room) { /* in[] points into p->file: no realloc while it is used */
		p->file = room;
		p->cap = p->n + n;
	}
	if (!in || !p || p->n + n > p->cap) {
		snprintf(why, whylen, "out of memory for %zu files", n);
		goto out;
	}
	struct content_files cf = { .truncated = truncated };
	size_t empty = 0;
	char first[256] = "";
	size_t m = read_files(p, dirfd, names, n, in, &cf, &empty, first, sizeof first);
	c->files = cf;
	if (m == 0) {
		ds = empty ? DECODE_EMPTY : DECODE_DAMAGED;
		snprintf(why, whylen, "%s%s", empty ? "" : "every file refused, ",
			 empty ? "" : first);
		goto out;
	}
	struct promdb_aggregate agg;
	if (promdb_aggregate(in, m, false, &agg) < 0 || seen_reserve(&p->seen, agg.n_samples)) {
		snprintf(why, whylen, "out of memory for %zu files", m);
		goto out;
	}
	for (size_t i = 0; i < agg.n_samples; i++) {
		const struct promdb_sample *s = &agg.samples[i];
		struct seen_item *k = &p->seen.item[i];
		sample_name(s, k->name, sizeof k->name);
		seen_copy(k->help, sizeof k->help, s->help);
		k->kind = s->kind == PROMDB_GAUGE ? MODEL_GAUGE : MODEL_COUNTER;
		k->type = VALUE_REAL;
		k->value = value_of_real(s->value);
	}
	p->seen.n = agg.n_samples;
	promdb_aggregate_free(&agg);
	if (seen_take(&p->seen, c, w)) {
		snprintf(why, whylen, "out of memory for %zu counters", p->seen.n);
		goto out;
	}
	ds = DECODE_OK;
	why[0] = '\0';
out:
	if (p)
		pd_sweep(p);
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	free(in);
	return ds;
}

const struct decoder decode_promdir = { "prometheus_client folder",
					"prometheus_client",
					"worker",
					NULL,
					pd_release,
					pd_decode,
					"prometheus",
					promdb_head };
