/* SPDX-License-Identifier: MIT */
/*
 * mkseg: make the segments shmtop must survive, for the end-to-end tests.
 *
 *   mkseg KEY tiny      16 bytes of text, mode 0644
 *   mkseg KEY random    random bytes, exactly a record's size
 *   mkseg KEY absurd    a real record whose payload is absurd (state 77,
 *                       pid -5, interval -1) with a matching checksum
 *   mkseg KEY classic   the tutorial's counter: 1024 bytes, mode 0666,
 *                       sprintf(shm, "%d", n++) every 0.2 s until SIGTERM
 *   mkseg KEY sum       print a hash of the segment's bytes (to show that
 *                       nobody changed them)
 *   mkseg KEY copy SRC MODE [mutex|stuck]
 *                       a new segment with MODE holding a byte copy of the
 *                       segment on key SRC; with "mutex", the 64 bytes at
 *                       offset 56 (a version 1 record's writer lock) hold
 *                       a robust mutex whose list pointers point nowhere;
 *                       with "stuck", the sequence (offset 128 in versions
 *                       2 and 3) is odd: a writer stopped mid-update
 *   mkseg KEY names SRC MODE NAME...
 *                       a copy as above of the version 3 record on SRC,
 *                       its counters 0, 1, ... renamed NAME... (the names
 *                       are outside the checksum: the record stays whole)
 *   mkseg KEY chown UID give the segment to UID (IPC_SET; the creator stays)
 * Exit 0, or 1 with a message.
 */
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/shm.h>
#include <time.h>
#include <unistd.h>

#include "parse.h"
#include "record.h"
#include "v2writer.h"

static _Atomic int stop;

static void on_term(int sig)
{
	(void)sig;
	atomic_store(&stop, 1);
}

static void *make(key_t key, size_t size, int mode)
{
	int id = shmget(key, size, IPC_CREAT | IPC_EXCL | mode);
	if (id < 0) {
		perror("mkseg: shmget");
		exit(1);
	}
	void *p = shmat(id, NULL, 0);
	if (p == (void *)-1) {
		perror("mkseg: shmat");
		exit(1);
	}
	return p;
}

static int absurd(key_t key)
{
	struct v2writer_options o = {
		.key = key, .interval_ns = 1000000000, .mode = 0644, .control_mode = 0600
	};
	char why[256];
	v2writer *w = v2writer_open(&o, why, sizeof why);
	if (!w) {
		fprintf(stderr, "mkseg: %s\n", why);
		return 1;
	}
	int id = v2writer_shmid(w);
	v2writer_close(w);
	struct shmtop_record *r = shmat(id, NULL, 0);
	struct shmtop_snapshot s;
	if (r == (void *)-1 || record_read(r, sizeof *r, &s, why, sizeof why) != SHMTOP_READ_OK)
		return 1;
	s.state = 77;
	s.writer_pid = -5;
	s.interval_ns = -1;
	atomic_store(&r->state, s.state);
	atomic_store(&r->writer_pid, s.writer_pid);
	atomic_store(&r->interval_ns, s.interval_ns);
	atomic_store(&r->check, record_checksum(&s));
	return 0;
}

/* A process-shared robust mutex as a version 1 writer kept it, its robust
 * list pointers aimed at an address of the attacker's choosing. */
static void fake_mutex(unsigned char *at)
{
	pthread_mutexattr_t a;
	pthread_mutex_t m;
	pthread_mutexattr_init(&a);
	pthread_mutexattr_setpshared(&a, PTHREAD_PROCESS_SHARED);
	pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST);
	pthread_mutex_init(&m, &a);
	m.__data.__list.__prev = (void *)(uintptr_t)UINT64_C(0x4141414141414141);
	m.__data.__list.__next = (void *)(uintptr_t)UINT64_C(0x4242424242424242);
	memcpy(at, &m, sizeof m < 64 ? sizeof m : 64);
}

static int copy(key_t key, const char *src, const char *mode, const char *extra)
{
	key_t from;
	mode_t m;
	char why[160];
	if (parse_key(src, &from, why, sizeof why) || parse_mode(mode, &m, why, sizeof why)) {
		fprintf(stderr, "mkseg: %s\n", why);
		return 2;
	}
	int id = shmget(from, 0, 0);
	struct shmid_ds ds;
	const unsigned char *p = id < 0 ? (void *)-1 : shmat(id, NULL, SHM_RDONLY);
	if (p == (const void *)-1 || shmctl(id, IPC_STAT, &ds) < 0) {
		perror("mkseg: copy");
		return 1;
	}
	unsigned char *to = make(key, ds.shm_segsz, (int)m);
	memcpy(to, p, ds.shm_segsz);
	if (extra && !strcmp(extra, "mutex") && ds.shm_segsz >= 120)
		fake_mutex(to + 56);
	if (extra && !strcmp(extra, "stuck") && ds.shm_segsz >= sizeof(struct shmtop_record)) {
		struct shmtop_record *r = (void *)to;
		atomic_fetch_or(&r->seq, 1);
	}
	return 0;
}

static int rename_counters(key_t key, char **argv, int n)
{
	int rc = copy(key, argv[0], argv[1], NULL);
	struct shmtop_record3 *r = rc ? NULL : shmat(shmget(key, 0, 0), NULL, 0);
	if (rc || r == (void *)-1 || atomic_load(&r->version) != SHMTOP_RECORD_V3 ||
	    (uint32_t)n - 2 > atomic_load(&r->capacity)) {
		fprintf(stderr, "mkseg: names: not a version 3 record of that many counters\n");
		return 1;
	}
	struct shmtop_meta3 *m = (void *)((char *)r + atomic_load(&r->meta_off));
	for (int i = 2; i < n; i++)
		snprintf(m[i - 2].name, sizeof m[i - 2].name, "%s", argv[i]);
	return 0;
}

static int give(key_t key, const char *uid)
{
	int id = shmget(key, 0, 0);
	struct shmid_ds ds;
	if (id < 0 || shmctl(id, IPC_STAT, &ds) < 0) {
		perror("mkseg: chown");
		return 1;
	}
	ds.shm_perm.uid = (uid_t)strtoul(uid, NULL, 10);
	if (shmctl(id, IPC_SET, &ds) < 0) {
		perror("mkseg: chown");
		return 1;
	}
	return 0;
}

static int classic(key_t key)
{
	char *shm = make(key, 1024, 0666);
	struct sigaction sa = { .sa_handler = on_term };
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	for (int n = 0; !atomic_load(&stop); n++) {
		sprintf(shm, "%d", n);
		nanosleep(&(struct timespec){ .tv_nsec = 200 * 1000000 }, NULL);
	}
	return 0;
}

static int sum(key_t key)
{
	int id = shmget(key, 0, 0);
	struct shmid_ds ds;
	if (id < 0 || shmctl(id, IPC_STAT, &ds) < 0) {
		perror("mkseg: sum");
		return 1;
	}
	const unsigned char *p = shmat(id, NULL, SHM_RDONLY);
	if (p == (const void *)-1)
		return 1;
	uint64_t h = UINT64_C(0xcbf29ce484222325);
	for (size_t i = 0; i < ds.shm_segsz; i++)
		h = (h ^ p[i]) * UINT64_C(0x100000001b3);
	printf("%zu %016llx\n", (size_t)ds.shm_segsz, (unsigned long long)h);
	return 0;
}

int main(int argc, char **argv)
{
	key_t key;
	char why[160];
	if (argc < 3 || parse_key(argv[1], &key, why, sizeof why)) {
		fprintf(stderr, "usage: mkseg KEY tiny|random|absurd|classic|sum\n"
				"       mkseg KEY copy SRC MODE [mutex|stuck] | chown UID\n"
				"       mkseg KEY names SRC MODE NAME...\n");
		return 2;
	}
	const char *kind = argv[2];
	if (!strcmp(kind, "copy") && (argc == 5 || argc == 6))
		return copy(key, argv[3], argv[4], argc == 6 ? argv[5] : NULL);
	if (!strcmp(kind, "names") && argc >= 6)
		return rename_counters(key, argv + 3, argc - 3);
	if (!strcmp(kind, "chown") && argc == 4)
		return give(key, argv[3]);
	if (argc != 3) {
		fprintf(stderr, "mkseg: wrong arguments for '%s'\n", kind);
		return 2;
	}
	if (!strcmp(kind, "tiny")) {
		snprintf(make(key, 16, 0644), 16, "not a record");
	} else if (!strcmp(kind, "random")) {
		unsigned char *p = make(key, sizeof(struct shmtop_record), 0644);
		unsigned seed = (unsigned)getpid();
		for (size_t i = 0; i < sizeof(struct shmtop_record); i++)
			p[i] = (unsigned char)rand_r(&seed);
		p[0] |= 0x80; /* not a digit: a text counter's why would name it */
	} else if (!strcmp(kind, "absurd")) {
		return absurd(key);
	} else if (!strcmp(kind, "classic")) {
		return classic(key);
	} else if (!strcmp(kind, "sum")) {
		return sum(key);
	} else {
		fprintf(stderr, "mkseg: unknown kind '%s'\n", kind);
		return 2;
	}
	return 0;
}
