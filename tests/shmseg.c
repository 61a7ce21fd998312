/* SPDX-License-Identifier: MIT */
/*
 * shmseg: a small tool for tests/e2e_segments.sh.  It makes segments in
 * every state, holds them attached, and prints shmtop's own views of them
 * in the formats of the tools they are checked against.
 *
 *   shmseg create KEY SIZE MODE [N]
 *                                 make a segment (IPC_EXCL), or N of key 0
 *                                 (IPC_PRIVATE): prints each shmid
 *   shmseg lock ID                SHM_LOCK it (root)
 *   shmseg rm ID                  IPC_RMID it
 *   shmseg hold ID ro|rw          attach it, print "ready", wait for a signal
 *   shmseg rows                   sysvipc_read()'s rows, one a line, in the
 *                                 columns of /proc/sysvipc/shm, single spaces
 *   shmseg ipcs-i ID              the row of ID as `ipcs -m -i ID` prints it
 *   shmseg ipcs-m                 the rows as `ipcs -m` lines, single spaces
 *                                 (owner names cut to 10 characters, as ipcs)
 *   shmseg ipcs-p                 the rows as `ipcs -m -p` lines, likewise
 *   shmseg check                  check_run(); exits 1 if any difference
 *   shmseg time N                 read /proc/sysvipc/shm N times, and parse a
 *                                 copy of its text N times; prints the best
 *                                 times and the segment count
 */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/shm.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "clock.h"
#include "format.h"
#include "names.h"
#include "sysvipc.h"

#define MAXROWS 65536

static struct sysvipc_shm rows[MAXROWS];

static long num(const char *s)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 0);
	if (errno || *end) {
		fprintf(stderr, "shmseg: bad number: %s\n", s);
		exit(2);
	}
	return v;
}

static size_t read_rows(void)
{
	struct sysvipc_result res;
	if (sysvipc_read(NULL, rows, MAXROWS, &res)) {
		perror("shmseg: /proc/sysvipc/shm");
		exit(1);
	}
	if (res.truncated || res.skipped) {
		fprintf(stderr, "shmseg: %zu rows, %zu skipped, truncated %d\n", res.n, res.skipped,
			res.truncated);
		exit(1);
	}
	return res.n;
}

/* ctime(3)'s text, 24 characters, as ipcs prints times; "Not set" for 0. */
static const char *ipcs_time(int64_t t, char *buf, size_t len)
{
	return format_time(t, buf, len);
}

static void on_signal(int sig)
{
	(void)sig;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: see tests/shmseg.c\n");
		return 2;
	}
	const char *cmd = argv[1];
	if (!strcmp(cmd, "create") && (argc == 5 || argc == 6)) {
		/* N at once: one process, not N (a sanitizer build starts slowly) */
		long n = argc == 6 ? num(argv[5]) : 1;
		for (long i = 0; i < n; i++) {
			int id = shmget((key_t)num(argv[2]), (size_t)num(argv[3]),
					IPC_CREAT | IPC_EXCL | (int)num(argv[4]));
			if (id < 0) {
				perror("shmseg: shmget");
				return 1;
			}
			printf("%d\n", id);
		}
		return 0;
	}
	if (!strcmp(cmd, "lock") && argc == 3) {
		if (shmctl((int)num(argv[2]), SHM_LOCK, NULL) < 0) {
			perror("shmseg: SHM_LOCK");
			return 1;
		}
		return 0;
	}
	if (!strcmp(cmd, "rm") && argc == 3) {
		if (shmctl((int)num(argv[2]), IPC_RMID, NULL) < 0) {
			perror("shmseg: IPC_RMID");
			return 1;
		}
		return 0;
	}
	if (!strcmp(cmd, "hold") && argc == 4) {
		int ro = !strcmp(argv[3], "ro");
		void *p = shmat((int)num(argv[2]), NULL, ro ? SHM_RDONLY : 0);
		if (p == (void *)-1) {
			perror("shmseg: shmat");
			return 1;
		}
		struct sigaction sa;
		memset(&sa, 0, sizeof sa);
		sa.sa_handler = on_signal;
		sigaction(SIGTERM, &sa, NULL);
		sigaction(SIGINT, &sa, NULL);
		printf("ready\n");
		fflush(stdout);
		pause();
		shmdt(p);
		return 0;
	}
	if (!strcmp(cmd, "rows") && argc == 2) {
		size_t n = read_rows();
		for (size_t i = 0; i < n; i++) {
			const struct sysvipc_shm *r = &rows[i];
			const struct ipcstat *s = &r->st;
			printf("%d %d %o %" PRIu64 " %d %d %" PRIu64 " %u %u %u %u %" PRId64
			       " %" PRId64 " %" PRId64 " %" PRIu64 " %" PRIu64 "\n",
			       (int)s->key, s->shmid, r->perms, s->size, (int)s->cpid, (int)s->lpid,
			       s->nattch, (unsigned)s->uid, (unsigned)s->gid, (unsigned)s->cuid,
			       (unsigned)s->cgid, s->atime, s->dtime, s->ctime, r->rss, r->swap);
		}
		return 0;
	}
	if (!strcmp(cmd, "ipcs-i") && argc == 3) {
		struct sysvipc_shm r;
		int id = (int)num(argv[2]);
		if (sysvipc_find(NULL, id, &r) != 1) {
			fprintf(stderr, "shmseg: no shmid %d\n", id);
			return 1;
		}
		const struct ipcstat *s = &r.st;
		char a[64], d[64], c[64];
		printf("\nShared memory Segment shmid=%d\n", id);
		printf("uid=%u\tgid=%u\tcuid=%u\tcgid=%u\n", (unsigned)s->uid, (unsigned)s->gid,
		       (unsigned)s->cuid, (unsigned)s->cgid);
		printf("mode=%#o\taccess_perms=%#o\n", r.perms, s->mode);
		printf("bytes=%" PRIu64 "\tlpid=%d\tcpid=%d\tnattch=%" PRIu64 "\n", s->size,
		       (int)s->lpid, (int)s->cpid, s->nattch);
		printf("att_time=%-26.24s\n", ipcs_time(s->atime, a, sizeof a));
		printf("det_time=%-26.24s\n", ipcs_time(s->dtime, d, sizeof d));
		printf("change_time=%-26.24s\n", ipcs_time(s->ctime, c, sizeof c));
		printf("\n");
		return 0;
	}
	if ((!strcmp(cmd, "ipcs-m") || !strcmp(cmd, "ipcs-p")) && argc == 2) {
		size_t n = read_rows();
		for (size_t i = 0; i < n; i++) {
			const struct ipcstat *s = &rows[i].st;
			char k[16], o[64];
			names_user(s->uid, o, sizeof o);
			if (!strcmp(cmd, "ipcs-p"))
				printf("%d %.10s %d %d\n", s->shmid, o, (int)s->cpid, (int)s->lpid);
			else
				printf("%s %d %.10s %o %" PRIu64 " %" PRIu64 "%s%s\n",
				       format_key(s->key, k, sizeof k), s->shmid, o, s->mode,
				       s->size, s->nattch, s->dest ? " dest" : "",
				       s->locked ? " locked" : "");
		}
		return 0;
	}
	if (!strcmp(cmd, "check") && argc == 2) {
		struct check_summary sum;
		long d = check_run(stdout, NULL, &sum);
		return d == 0 ? 0 : 1;
	}
	if (!strcmp(cmd, "time") && argc == 3) {
		long times = num(argv[2]);
		int64_t best = INT64_MAX, best_parse = INT64_MAX, best_raw = INT64_MAX;
		struct sysvipc_result res;
		static char text[1 << 24];
		size_t len = 0;
		for (long i = 0; i < times; i++) {
			int64_t t0 = clock_mono_ns();
			if (sysvipc_read(NULL, rows, MAXROWS, &res))
				return 1;
			int64_t dt = clock_mono_ns() - t0;
			if (dt < best)
				best = dt;
			t0 = clock_mono_ns();
			FILE *f = fopen(SYSVIPC_SHM_PATH, "re");
			if (!f)
				return 1;
			len = fread(text, 1, sizeof text, f);
			fclose(f);
			dt = clock_mono_ns() - t0;
			if (dt < best_raw)
				best_raw = dt;
		}
		for (long i = 0; i < times; i++) {
			int64_t t0 = clock_mono_ns();
			sysvipc_parse(text, len, rows, MAXROWS, &res);
			int64_t dt = clock_mono_ns() - t0;
			if (dt < best_parse)
				best_parse = dt;
		}
		printf("%zu segments (%zu bytes of text): best of %ld: sysvipc_read %.1f us; "
		       "the kernel's text alone %.1f us; sysvipc_parse of it %.1f us\n",
		       res.total, len, times, (double)best / 1e3, (double)best_raw / 1e3,
		       (double)best_parse / 1e3);
		return 0;
	}
	fprintf(stderr, "shmseg: bad command\n");
	return 2;
}
