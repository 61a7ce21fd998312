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
 * --decode DIR: the folder through decode_folder() (the Varnish VSM
 * decoder, src/view/decode_vsm.c), read twice: a first line `# writer pid
 * N`, then one `name value<TAB>kind<TAB>unit` a line (kind counter or
 * gauge), as the model holds them.
 *
 * Each set's folder is opened O_DIRECTORY|O_NOFOLLOW and read with
 * vsc_set_read() (src/view/vsc.h: its _.index and the files of its Stat
 * and StatDoc segments, regular, bounded, mapped read-only, parsed under
 * the SIGBUS guard).  A segment file gone between the index and its open
 * (varnishd removed it) makes the read start again, at most 5 times.
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
#include <time.h>
#include <unistd.h>

#include "decode.h"
#include "vsc.h"

static const char *const set_name[2] = { "_.vsm_mgt", "_.vsm_child" };

/* One read of both sets into out: 0, 1 refused (said why), 3 a file gone. */
static int dump(const char *dir, bool kinds, FILE *out)
{
	int rc = 0;
	for (int i = 0; i < 2 && rc == 0; i++) {
		char path[4096];
		snprintf(path, sizeof path, "%s/%s", dir, set_name[i]);
		int dfd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (dfd < 0) {
			/* no worker (yet): the manager's counters alone */
			if (i == 1 && errno == ENOENT)
				break;
			perror(path);
			return 1;
		}
		struct vsc_set s = { 0 };
		char why[256];
		enum vsc_status st = vsc_set_read(&s, dfd, why, sizeof why);
		close(dfd);
		if (st != VSC_OK) {
			fprintf(stderr, "%s/%s\n", set_name[i], why);
			rc = 1;
		} else if (s.gone) {
			rc = 3;
		} else {
			if (kinds)
				fprintf(out, "# %s pid %" PRId64 " %s\n", set_name[i], s.ix.pid,
					kill((pid_t)s.ix.pid, 0) == 0 || errno == EPERM ? "alive"
											: "dead");
			for (size_t k = 0; k < s.nctr; k++) {
				const struct vsc_counter *c = &s.ctr[k];
				fprintf(out, "%s %" PRIu64, c->name, c->value);
				if (kinds)
					fprintf(out, "\t%s\t%s\t%s", vsc_type_name(c->e->type),
						vsc_format_name(c->e->format),
						vsc_level_name(c->e->level));
				fputc('\n', out);
			}
		}
		vsc_set_free(&s);
	}
	return rc;
}

static int64_t now_ns(clockid_t id)
{
	struct timespec ts;
	clock_gettime(id, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* --decode: twice through decode_folder(), the second read printed. */
static int decode(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		perror(dir);
		return 1;
	}
	struct content c = { 0 };
	char why[256] = "";
	enum decode_status ds = DECODE_OK;
	for (int i = 0; i < 2 && ds == DECODE_OK; i++) {
		struct decode_want w = { .now_mono = now_ns(CLOCK_MONOTONIC),
					 .now_wall = now_ns(CLOCK_REALTIME) };
		ds = decode_folder(fd, &w, &c, why, sizeof why);
	}
	close(fd);
	if (ds != DECODE_OK || c.dec != &decode_vsm) {
		fprintf(stderr, "%s: status %d: %s\n", dir, ds, why);
		content_free(&c);
		return 1;
	}
	printf("# writer pid %d\n", c.status.known ? (int)c.status.pid : 0);
	for (size_t i = 0; i < c.nctr; i++)
		printf("%s %" PRIu64 "\t%s\t%s\n", c.ctr[i].name, c.ctr[i].value,
		       c.ctr[i].kind == MODEL_COUNTER ? "counter" : "gauge", c.ctr[i].unit);
	content_free(&c);
	return fflush(stdout) == 0 ? 0 : 1;
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "--decode") == 0)
		return decode(argv[2]);
	bool kinds = argc == 3 && strcmp(argv[1], "-k") == 0;
	if (argc != 2 + kinds || argv[argc - 1][0] == '-') {
		fprintf(stderr, "usage: dump_vsc [-k | --decode] DIR\n");
		return 2;
	}
	const char *dir = argv[argc - 1];
	int rc = 3;
	char *text = NULL;
	size_t textlen = 0;
	for (int attempt = 0; attempt < 5 && rc == 3; attempt++) {
		free(text);
		text = NULL;
		FILE *out = open_memstream(&text, &textlen);
		if (!out) {
			perror("open_memstream");
			return 1;
		}
		rc = dump(dir, kinds, out);
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
