/* SPDX-License-Identifier: MIT */
/*
 * shmwriter as a real process: what it creates, how it counts, how it
 * shares (one writer, takeover after a crash), what it refuses to touch,
 * how it stops, and its answer to every bad argument.  Its record is
 * libshmtop's, version 3, with one counter, "count" (or, with --stdin,
 * "lines" and "bytes"); it is read here as the viewer reads it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sem.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "control.h"
#include "reader.h"
#include "record.h"
#include "testutil.h"
#include "v2writer.h"

/* The record of shmwriter's one counter: its size and layout, set in main(). */
static struct shmtop_layout3 lay;
#define SZ ((size_t)lay.size)
#define HISTORY 1024 /* libshmtop's default */

struct running {
	struct child proc;
	char line[256];
	const struct shmtop_record3 *rec;
	int shmid;
};

static void keystr(key_t key, char buf[16])
{
	snprintf(buf, 16, "0x%08x", (unsigned)key);
}

/* Start shmwriter on key with extra args; wait for its start-up line. */
static struct running start(key_t key, const char *const *extra)
{
	struct running r;
	char k[16];
	keystr(key, k);
	const char *args[16] = { "-k", k };
	int n = 2;
	for (int i = 0; extra && extra[i]; i++)
		args[n++] = extra[i];
	args[n] = NULL;
	r.proc = spawn_writer(args);
	if (read_line(r.proc.out, r.line, sizeof r.line, 5000) == 0) {
		char err[256];
		read_line(r.proc.err, err, sizeof err, 100);
		fail_msg("shmwriter did not start: %s", err);
	}
	r.shmid = shmget(key, 0, 0);
	assert_true(r.shmid >= 0);
	r.rec = shmat(r.shmid, NULL, SHM_RDONLY);
	assert_true(r.rec != (void *)-1);
	return r;
}

/* The status, and the count as the time it changed (the viewer's view). */
static struct shmtop_snapshot snap(const struct shmtop_record3 *rec)
{
	struct shmtop_snapshot s;
	char why[160];
	enum shmtop_read_status st = reader_snapshot(rec, SZ, &s, NULL, why, sizeof why);
	if (st != SHMTOP_READ_OK)
		fail_msg("reader_snapshot: %s", why);
	return s;
}

static _Atomic uint64_t *area(const struct shmtop_record3 *rec, uint64_t off)
{
	return (_Atomic uint64_t *)(uintptr_t)((const char *)rec + off);
}

/* Wait until the count reaches at least n; fail after timeout_ms. */
static struct shmtop_snapshot wait_count(const struct shmtop_record3 *rec, uint64_t n,
					 int timeout_ms)
{
	int64_t deadline = clock_mono_ns() + timeout_ms * NS_PER_MS;
	struct shmtop_snapshot s = snap(rec);
	while (s.count < n) {
		if (clock_mono_ns() > deadline)
			fail_msg("count stuck at %llu, waited for %llu",
				 (unsigned long long)s.count, (unsigned long long)n);
		sleep_ms(5);
		s = snap(rec);
	}
	return s;
}

static int stop_with(struct running *r, int sig)
{
	kill(r->proc.pid, sig);
	int st = wait_exit(r->proc.pid, 5000);
	close(r->proc.out);
	close(r->proc.err);
	return st;
}

static void test_creates_private_segment(void **state)
{
	(void)state;
	key_t key = test_key(6);
	struct running r = start(key, NULL);
	struct shmid_ds ds;
	assert_int_equal(shmctl(r.shmid, IPC_STAT, &ds), 0);
	assert_int_equal(ds.shm_perm.mode & 0777, 0600);
	assert_int_equal(ds.shm_segsz, SZ);
	assert_int_equal(ds.shm_cpid, r.proc.pid);

	/* the start-up line names key, shmid, size, mode and pid */
	char want[200];
	snprintf(want, sizeof want, "key 0x%08x shmid %d size %zu mode 0600 pid %d", (unsigned)key,
		 r.shmid, SZ, (int)r.proc.pid);
	if (!strstr(r.line, want))
		fail_msg("start-up line '%s' lacks '%s'", r.line, want);

	struct shmtop_snapshot s = snap(r.rec);
	assert_int_equal(s.writer_pid, r.proc.pid);
	assert_int_equal(s.state, SHMTOP_STATE_RUNNING);
	assert_int_equal(s.interval_ns, NS_PER_SEC);

	/* the control segment is owner-only too, and goes with its users */
	struct shmid_ds cds;
	assert_int_equal(shmctl(s.control_id, IPC_STAT, &cds), 0);
	assert_int_equal(cds.shm_perm.mode & 0777, 0600);
	assert_true(cds.shm_perm.mode & SHM_DEST);

	assert_int_equal(stop_with(&r, SIGTERM), 0);
	shmdt(r.rec);
	test_remove_key(key);
}

static void test_mode_options(void **state)
{
	(void)state;
	key_t key = test_key(7);
	const char *extra[] = { "-m", "0644", "--control-mode", "0660", NULL };
	struct running r = start(key, extra);
	struct shmid_ds ds;
	assert_int_equal(shmctl(r.shmid, IPC_STAT, &ds), 0);
	assert_int_equal(ds.shm_perm.mode & 0777, 0644);
	assert_int_equal(shmctl(snap(r.rec).control_id, IPC_STAT, &ds), 0);
	assert_int_equal(ds.shm_perm.mode & 0777, 0660);
	assert_int_equal(stop_with(&r, SIGTERM), 0);
	shmdt(r.rec);
	test_remove_key(key);

	/* a world-writable control segment only when asked, and then with a
	 * warning (also beside a mode of its own) */
	const char *ww[] = { "-m", "0644", "--control-mode", "0666", NULL };
	r = start(key, ww);
	char err[256];
	read_line(r.proc.err, err, sizeof err, 1000);
	if (!strstr(err, "warning: control mode 0666 lets every local user pause and reset"))
		fail_msg("no warning for --control-mode 0666: '%s'", err);
	assert_int_equal(stop_with(&r, SIGTERM), 0);
	shmdt(r.rec);
	test_remove_key(key);
}

/* Counts come at the interval: one per sample, spaced by the interval. */
static void test_counts_at_interval(void **state)
{
	(void)state;
	key_t key = test_key(8);
	const char *extra[] = { "-i", "0.05", "--remove-on-exit", NULL };
	struct running r = start(key, extra);
	struct shmtop_snapshot s = wait_count(r.rec, 12, 10000);
	struct shmtop_sample h[16];
	uint64_t first;
	size_t n = reader_history(r.rec, &lay, HISTORY, 0, 0, h, 11, &first);
	assert_int_equal(n, 11);
	for (size_t i = 1; i < n; i++)
		assert_int_equal(h[i].value, h[i - 1].value + 1);
	double mean_ms = (double)(h[n - 1].mono_ns - h[0].mono_ns) / (double)(n - 1) / 1e6;
	print_message("interval 50 ms: mean spacing of %zu counts %.2f ms\n", n - 1, mean_ms);
	assert_true(mean_ms >= 49.0);  /* never early */
	assert_true(mean_ms <= 100.0); /* and not far behind, even on a loaded machine */
	assert_true(s.wall_ns > 0 && s.beat_ns >= s.mono_ns);
	assert_int_equal(stop_with(&r, SIGTERM), 0);
	shmdt(r.rec);
	assert_true(shmget(key, 0, 0) < 0); /* --remove-on-exit */
}

/* A long interval: the loop wakes every quarter second (and on commands),
 * but the count grows only when its interval is due: at most 4 counts in
 * 3.5 s at -i 1, each its own history sample, at least 990 ms apart. */
static void test_counts_once_per_interval(void **state)
{
	(void)state;
	key_t key = test_key(17);
	const char *extra[] = { "-i", "1", "--remove-on-exit", NULL };
	int64_t t0 = clock_mono_ns();
	struct running r = start(key, extra);
	while (clock_mono_ns() - t0 < 3500 * NS_PER_MS)
		sleep_ms(50);
	struct shmtop_snapshot s = snap(r.rec);
	struct shmtop_sample h[16];
	uint64_t first;
	size_t n = reader_history(r.rec, &lay, HISTORY, 0, 0, h, 16, &first);
	print_message("interval 1 s: count %llu and %zu samples after 3.5 s\n",
		      (unsigned long long)s.count, n);
	assert_true(s.count >= 2 && s.count <= 4);
	assert_true(n >= 1);
	assert_int_equal(h[n - 1].value, s.count);
	for (size_t i = 1; i < n; i++) {
		assert_int_equal(h[i].value, h[i - 1].value + 1);
		int64_t gap = h[i].mono_ns - h[i - 1].mono_ns;
		if (gap < 990 * NS_PER_MS)
			fail_msg("samples %zu and %zu %.1f ms apart", i - 1, i, (double)gap / 1e6);
	}
	assert_int_equal(stop_with(&r, SIGTERM), 0);
	shmdt(r.rec);
}

static void test_second_writer_refused(void **state)
{
	(void)state;
	key_t key = test_key(9);
	struct running r = start(key, NULL);
	char k[16], err[256], pid[32];
	keystr(key, k);
	const char *args[] = { "-k", k, NULL };
	assert_int_equal(run_writer(args, err, sizeof err), 1);
	snprintf(pid, sizeof pid, "pid %d", (int)r.proc.pid);
	if (!strstr(err, pid) || !strstr(err, "already running"))
		fail_msg("'%s' does not name the running writer (%s)", err, pid);
	assert_int_equal(snap(r.rec).writer_pid, r.proc.pid); /* untouched */
	assert_int_equal(stop_with(&r, SIGTERM), 0);
	shmdt(r.rec);
	test_remove_key(key);
}

/* kill -9 mid-run: the next writer takes over and the count goes on. */
static void test_takeover_after_kill(void **state)
{
	(void)state;
	key_t key = test_key(10);
	const char *fast[] = { "-i", "0.01", NULL };
	struct running r = start(key, fast);
	wait_count(r.rec, 20, 10000);
	stop_with(&r, SIGKILL);
	struct shmtop_snapshot dead = snap(r.rec);
	assert_int_equal(dead.state, SHMTOP_STATE_RUNNING); /* it never said goodbye */

	struct running r2 = start(key, fast);
	assert_non_null(strstr(r2.line, "took over"));
	struct shmtop_snapshot s = snap(r2.rec);
	assert_int_equal(s.writer_pid, r2.proc.pid);
	assert_int_equal(s.writers, 2);
	assert_true(s.count >= dead.count);
	s = wait_count(r2.rec, dead.count + 5, 10000);
	assert_int_equal(s.resets, 0);
	assert_true(s.hist_next > dead.hist_next);

	/* --reset on the next takeover starts again from 0 */
	assert_int_equal(stop_with(&r2, SIGTERM), 0);
	const char *reset[] = { "-i", "10", "--reset", NULL };
	struct running r3 = start(key, reset);
	assert_non_null(strstr(r3.line, "resumed"));
	s = snap(r3.rec);
	assert_int_equal(s.count, 0);
	assert_int_equal(s.resets, 1);
	assert_int_equal(s.writers, 3);
	assert_int_equal(stop_with(&r3, SIGTERM), 0);
	shmdt(r.rec);
	shmdt(r2.rec);
	shmdt(r3.rec);
	test_remove_key(key);
}

/* Segments shmwriter did not make are refused and left byte for byte. */
static void test_foreign_segments_untouched(void **state)
{
	(void)state;
	key_t key = test_key(11);
	char k[16], err[256];
	keystr(key, k);
	const char *args[] = { "-k", k, NULL };
	struct {
		size_t size;
		int fill;
		const char *reason;
	} cases[] = {
		{ 1024, 'T', "not a shmtop record" }, /* the classic tutorial's counter */
		{ 16, 'R', "not a shmtop record" },   /* tiny */
		{ SZ, 'R', "not a shmtop record" },   /* our size, random bytes */
		{ SZ, 'H', "a version 10 record" },   /* our size, a header from elsewhere */
		{ SZ, 'Z', "not initialised" },       /* our size, all zero, never finished */
	};
	unsigned seed = 7;
	for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
		int id = shmget(key, cases[c].size, IPC_CREAT | IPC_EXCL | 0600);
		assert_true(id >= 0);
		unsigned char *p = shmat(id, NULL, 0);
		if (cases[c].fill == 'T') {
			snprintf((char *)p, cases[c].size, "%d", 4242);
		} else if (cases[c].fill != 'Z') {
			for (size_t i = 0; i < cases[c].size; i++)
				p[i] = (unsigned char)rand_r(&seed);
			if (cases[c].fill == 'H') {
				uint64_t magic = SHMTOP_MAGIC;
				uint32_t version = SHMTOP_RECORD_V3 + 7, endian = SHMTOP_ENDIAN;
				memcpy(p, &magic, 8);
				memcpy(p + 8, &version, 4);
				memcpy(p + 12, &endian, 4);
			}
		}
		unsigned char *before = malloc(cases[c].size);
		memcpy(before, p, cases[c].size);
		struct shmid_ds ds;
		assert_int_equal(shmctl(id, IPC_STAT, &ds), 0);

		assert_int_equal(run_writer(args, err, sizeof err), 1);
		char size[32];
		snprintf(size, sizeof size, "a %zu-byte segment", cases[c].size);
		if (!strstr(err, cases[c].reason) || !strstr(err, size) ||
		    !strstr(err, "no libshmtop publisher made"))
			fail_msg("case %zu: '%s' lacks '%s' or '%s'", c, err, cases[c].reason,
				 size);
		assert_memory_equal(before, p, cases[c].size);
		struct shmid_ds after;
		assert_int_equal(shmctl(id, IPC_STAT, &after), 0);
		assert_int_equal(after.shm_perm.mode, ds.shm_perm.mode);
		assert_int_equal(after.shm_nattch, 1); /* the writer let go */
		free(before);
		shmdt(p);
		shmctl(id, IPC_RMID, NULL);
	}
}

/* A real record, its writer killed, then changed in place by edit(). */
static int killed_record(key_t key, void (*edit)(struct shmtop_record3 *))
{
	const char *extra[] = { "-i", "0.01", NULL };
	struct running r = start(key, extra);
	wait_count(r.rec, 3, 10000);
	stop_with(&r, SIGKILL);
	shmdt(r.rec);
	struct shmtop_record3 *rw = shmat(r.shmid, NULL, 0);
	assert_true(rw != (void *)-1);
	edit(rw);
	shmdt(rw);
	return r.shmid;
}

static void seq_odd_count_7(struct shmtop_record3 *r)
{
	/* as if killed between the two seq stores of publishing a count of 7
	 * (the program's own value, the hot one, already 7): odd, checksum
	 * stale */
	atomic_store(&r->seq, atomic_load(&r->seq) + 1);
	atomic_store(area(r, lay.hot_off), 7);
	atomic_store(area(r, lay.pub_off), 7);
}

static void count_changed(struct shmtop_record3 *r)
{
	_Atomic uint64_t *published = area(r, lay.pub_off);
	atomic_store(published, atomic_load(published) + 1000);
}

static void state_77(struct shmtop_record3 *r)
{
	struct shmtop_status3 s;
	struct shmtop_layout3 l;
	struct shmtop_pubval3 v;
	char why[160];
	assert_int_equal(reader_header(r, SZ, &s, &l, why, sizeof why), SHMTOP_READ_OK);
	assert_int_equal(reader_copy(r, &l, &s, &v, true, why, sizeof why), SHMTOP_READ_OK);
	s.state = 77;
	atomic_store(&r->state, 77);
	atomic_store(&r->check, reader_checksum(&s, &v, s.ncounters));
}

static void pid_negative_mid_update(struct shmtop_record3 *r)
{
	atomic_store(&r->seq, atomic_load(&r->seq) + 1);
	atomic_store(&r->writer_pid, -5);
}

/* A writer that died mid-update is taken over; a record whose payload is
 * damaged otherwise is refused and left byte for byte. */
static void test_damaged_payloads(void **state)
{
	(void)state;
	key_t key = test_key(0);
	char k[16], err[256];
	keystr(key, k);

	killed_record(key, seq_odd_count_7);
	struct running r = start(key, NULL);
	assert_non_null(strstr(r.line, "took over"));
	struct shmtop_snapshot s = snap(r.rec);
	assert_int_equal(s.count, 7);
	assert_int_equal(s.seq & 1, 0);
	assert_int_equal(stop_with(&r, SIGTERM), 0);
	shmdt(r.rec);
	test_remove_key(key);

	struct {
		void (*edit)(struct shmtop_record3 *);
		const char *reason;
	} cases[] = {
		{ count_changed, "checksum" },
		{ state_77, "state 77" },
		{ pid_negative_mid_update, "pid -5" },
	};
	for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
		int id = killed_record(key, cases[c].edit);
		const unsigned char *p = shmat(id, NULL, SHM_RDONLY);
		unsigned char *before = malloc(SZ);
		memcpy(before, p, SZ);
		const char *args[] = { "-k", k, NULL };
		assert_int_equal(run_writer(args, err, sizeof err), 1);
		if (!strstr(err, "damaged") || !strstr(err, cases[c].reason))
			fail_msg("case %zu: '%s' lacks '%s'", c, err, cases[c].reason);
		assert_memory_equal(before, p, SZ);
		free(before);
		shmdt(p);
		test_remove_key(key);
	}
}

static void test_signals_mark_stopped(void **state)
{
	(void)state;
	int sigs[] = { SIGTERM, SIGINT, SIGHUP };
	for (size_t i = 0; i < 3; i++) {
		key_t key = test_key(12);
		const char *extra[] = { "-i", "0.01", NULL };
		struct running r = start(key, extra);
		wait_count(r.rec, 3, 10000);
		int st = stop_with(&r, sigs[i]);
		assert_true(WIFEXITED(st));
		assert_int_equal(WEXITSTATUS(st), 0);
		struct shmtop_snapshot s = snap(r.rec);
		assert_int_equal(s.state, SHMTOP_STATE_STOPPED);
		struct shmid_ds ds;
		assert_int_equal(shmctl(r.shmid, IPC_STAT, &ds), 0);
		assert_int_equal(ds.shm_nattch, 1); /* only us: the writer detached */
		shmdt(r.rec);
		test_remove_key(key);
	}
}

/* ipcrm under a running writer: it says so and exits, leaving the key free
 * for a new writer instead of publishing into a removed segment. */
static void test_segment_removed(void **state)
{
	(void)state;
	key_t key = test_key(15);
	struct running r = start(key, NULL);
	assert_int_equal(shmctl(r.shmid, IPC_RMID, NULL), 0);
	char err[256];
	read_line(r.proc.err, err, sizeof err, 5000);
	int st = wait_exit(r.proc.pid, 5000);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 1);
	assert_non_null(strstr(err, "was removed"));
	assert_int_equal(snap(r.rec).state, SHMTOP_STATE_STOPPED);
	close(r.proc.out);
	close(r.proc.err);
	shmdt(r.rec);
}

static void test_daemon_and_pidfile(void **state)
{
	(void)state;
	key_t key = test_key(13);
	char k[16], pidfile[64], line[256];
	keystr(key, k);
	snprintf(pidfile, sizeof pidfile, "/tmp/shmwriter-test-%d.pid", (int)getpid());
	const char *args[] = { "-k", k, "-D", "--pidfile", pidfile, NULL };
	struct child c = spawn_writer(args);
	assert_true(read_line(c.out, line, sizeof line, 5000) > 0);
	int st = wait_exit(c.pid, 5000); /* the parent returns once the child is ready */
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	close(c.out);
	close(c.err);

	FILE *f = fopen(pidfile, "r");
	assert_non_null(f);
	int pid = 0;
	assert_int_equal(fscanf(f, "%d", &pid), 1);
	fclose(f);
	char want[32];
	snprintf(want, sizeof want, "pid %d", pid);
	assert_non_null(strstr(line, want));
	assert_true(pid != c.pid);
	const struct shmtop_record3 *rec = attach_key(key, SHM_RDONLY);
	assert_non_null(rec);
	assert_int_equal(snap(rec).writer_pid, pid);
	assert_int_equal(getsid(pid), pid); /* its own session: no terminal */

	assert_int_equal(kill(pid, SIGTERM), 0);
	int64_t deadline = clock_mono_ns() + 5 * NS_PER_SEC;
	while (kill(pid, 0) == 0 && clock_mono_ns() < deadline)
		sleep_ms(5);
	assert_int_equal(kill(pid, 0), -1);
	assert_int_equal(access(pidfile, F_OK), -1); /* removed on exit */
	assert_int_equal(snap(rec).state, SHMTOP_STATE_STOPPED);
	shmdt(rec);
	test_remove_key(key);
}

/* ---- Trust: what the writer adopts (issue 15) ---- */

#define NOBODY ((uid_t)65534)

union semun_arg {
	int val;
	struct semid_ds *buf;
};

/* The bytes of a real record whose writer stopped. */
static unsigned char *stopped_record_bytes(key_t key)
{
	struct running r = start(key, NULL);
	assert_int_equal(stop_with(&r, SIGTERM), 0);
	unsigned char *b = malloc(SZ);
	memcpy(b, r.rec, SZ);
	shmdt(r.rec);
	test_remove_key(key);
	return b;
}

/* A segment on key holding bytes with mode, made as uid maker (fork and
 * setresuid when it is not us), then given to owner with IPC_SET. */
static int plant(key_t key, const unsigned char *bytes, int mode, uid_t maker, uid_t owner)
{
	pid_t pid = fork();
	if (pid == 0) {
		if (maker != geteuid() && setresuid(maker, maker, maker) < 0)
			_exit(1);
		int id = shmget(key, SZ, IPC_CREAT | IPC_EXCL | mode);
		void *p = id < 0 ? (void *)-1 : shmat(id, NULL, 0);
		if (p == (void *)-1)
			_exit(2);
		memcpy(p, bytes, SZ);
		struct shmid_ds ds;
		shmctl(id, IPC_STAT, &ds);
		ds.shm_perm.uid = owner;
		_exit(shmctl(id, IPC_SET, &ds) < 0 ? 3 : 0);
	}
	int st;
	waitpid(pid, &st, 0);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	return shmget(key, 0, 0);
}

/* The writer refuses the segment on key with a message holding says and
 * owner, creator and mode, and changes nothing in it. */
static void expect_refused(key_t key, const char *says)
{
	char k[16], err[512];
	keystr(key, k);
	int id = shmget(key, 0, 0);
	assert_true(id >= 0);
	const unsigned char *p = shmat(id, NULL, SHM_RDONLY);
	assert_true(p != (void *)-1);
	unsigned char *before = malloc(SZ);
	memcpy(before, p, SZ);
	struct shmid_ds ds, after;
	assert_int_equal(shmctl(id, IPC_STAT, &ds), 0);
	const char *args[] = { "-k", k, NULL };
	assert_int_equal(run_writer(args, err, sizeof err), 1);
	if (!strstr(err, says) || !strstr(err, "owned by") || !strstr(err, "created by") ||
	    !strstr(err, "mode 0"))
		fail_msg("'%s' lacks '%s', owner, creator or mode", err, says);
	assert_memory_equal(before, p, SZ);
	assert_int_equal(shmctl(id, IPC_STAT, &after), 0);
	assert_int_equal(after.shm_nattch, 1); /* only us: the writer let go (or never came) */
	assert_int_equal(after.shm_perm.mode, ds.shm_perm.mode);
	assert_true(semget(key, 0, 0) < 0); /* its lock went with it */
	free(before);
	shmdt(p);
}

/* A record-sized segment holding a copy of a stopped record is adopted only
 * when our euid owns and created it and no one else may write it. */
static void test_adopt_only_our_own(void **state)
{
	(void)state;
	key_t key = test_key(1);
	unsigned char *bytes = stopped_record_bytes(key);
	uid_t me = geteuid();

	plant(key, bytes, 0666, me, me);
	expect_refused(key, "mode 0666: others may write it");
	test_remove_key(key);
	plant(key, bytes, 0620, me, me);
	expect_refused(key, "mode 0620: others may write it");
	test_remove_key(key);
	if (me == 0) {
		plant(key, bytes, 0600, me, NOBODY);
		expect_refused(key, "its owner is another user");
		test_remove_key(key);
		/* made by another user and given to us: the creator cannot change */
		plant(key, bytes, 0600, NOBODY, me);
		expect_refused(key, "its creator is another user");
		test_remove_key(key);
	}
	/* our own, 0600, a clean stopped record: resumed */
	struct shmtop_record3 *clean = (struct shmtop_record3 *)(void *)bytes;
	atomic_store(&clean->token, 42);
	plant(key, bytes, 0600, me, me);
	struct running r = start(key, NULL);
	assert_non_null(strstr(r.line, "resumed after"));
	assert_int_equal(atomic_load(&r.rec->token), 42); /* the record's token is kept */
	assert_int_equal(stop_with(&r, SIGTERM), 0);
	shmdt(r.rec);
	test_remove_key(key);
	free(bytes);
}

/* The lock: a semaphore on the key, held while the writer runs, left at 0
 * by a killed one, made again if removed, and removed on a clean exit. */
static void test_lock_semaphore(void **state)
{
	(void)state;
	key_t key = test_key(2);
	struct running r = start(key, NULL);
	int sem = semget(key, 0, 0);
	assert_true(sem >= 0);
	struct semid_ds ds;
	assert_int_equal(semctl(sem, 0, IPC_STAT, (union semun_arg){ .buf = &ds }), 0);
	assert_int_equal(ds.sem_nsems, 1);
	assert_int_equal(ds.sem_perm.mode & 0777, 0600);
	assert_int_equal(ds.sem_perm.uid, geteuid());
	assert_int_equal(semctl(sem, 0, GETVAL), 1);
	assert_int_equal(semctl(sem, 0, GETPID), r.proc.pid);

	stop_with(&r, SIGKILL);
	assert_int_equal(semctl(sem, 0, GETVAL), 0); /* SEM_UNDO */
	struct running r2 = start(key, NULL);
	assert_non_null(strstr(r2.line, "took over"));
	assert_int_equal(semget(key, 0, 0), sem);
	assert_int_equal(semctl(sem, 0, GETPID), r2.proc.pid);

	/* ipcrm -s under it: the writer takes a new one within a beat */
	assert_int_equal(semctl(sem, 0, IPC_RMID), 0);
	int64_t deadline = clock_mono_ns() + 3 * NS_PER_SEC;
	int again = -1;
	while ((again = semget(key, 0, 0)) < 0 && clock_mono_ns() < deadline)
		sleep_ms(10);
	assert_true(again >= 0);
	while (semctl(again, 0, GETPID) != r2.proc.pid && clock_mono_ns() < deadline)
		sleep_ms(10);
	assert_int_equal(semctl(again, 0, GETPID), r2.proc.pid);
	assert_int_equal(semctl(again, 0, GETVAL), 1);

	assert_int_equal(stop_with(&r2, SIGTERM), 0);
	assert_true(semget(key, 0, 0) < 0); /* removed by its holder */
	shmdt(r.rec);
	shmdt(r2.rec);
	test_remove_key(key);
}

/* The lock removed under a stopped writer and taken by another: the first
 * one, resumed, finds out before it publishes and leaves the record and the
 * segment (even with --remove-on-exit) to the second. */
static void test_lock_lost_to_another_writer(void **state)
{
	(void)state;
	key_t key = test_key(5);
	const char *first[] = { "-i", "0.01", "--remove-on-exit", NULL };
	struct running a = start(key, first);
	wait_count(a.rec, 3, 10000);
	kill(a.proc.pid, SIGSTOP);
	assert_int_equal(semctl(semget(key, 0, 0), 0, IPC_RMID), 0);
	const char *second[] = { "-i", "10", NULL };
	struct running b = start(key, second);
	assert_non_null(strstr(b.line, "took over"));
	kill(a.proc.pid, SIGCONT);
	char err[512], want[64];
	read_line(a.proc.err, err, sizeof err, 5000);
	int st = wait_exit(a.proc.pid, 5000);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 1);
	snprintf(want, sizeof want, "pid %d", (int)b.proc.pid);
	if (!strstr(err, want) ||
	    !(strstr(err, "writer lock lost") || strstr(err, "has taken segment")))
		fail_msg("'%s' does not say that writer %s has the segment now", err, want);
	assert_int_equal(shmget(key, 0, 0), b.shmid); /* not removed */
	struct shmtop_snapshot s = snap(b.rec);
	assert_int_equal(s.writer_pid, b.proc.pid);
	assert_int_equal(s.state, SHMTOP_STATE_RUNNING);
	assert_int_equal(semctl(semget(key, 0, 0), 0, GETPID), b.proc.pid);
	close(a.proc.out);
	close(a.proc.err);
	assert_int_equal(stop_with(&b, SIGTERM), 0);
	shmdt(a.rec);
	shmdt(b.rec);
	test_remove_key(key);
}

/* A semaphore set on the key that is not ours to trust: refused, untouched,
 * and no segment made. */
static void test_foreign_semaphore(void **state)
{
	(void)state;
	key_t key = test_key(3);
	char k[16], err[512];
	keystr(key, k);
	const char *args[] = { "-k", k, NULL };
	struct {
		int nsems, mode;
		uid_t owner;
		const char *says;
	} cases[] = {
		{ 1, 0666, 0, "mode 0666: others may write it" },
		{ 1, 0620, 0, "mode 0620: others may write it" },
		{ 1, 0600, NOBODY, "its owner is another user" },
		{ 2, 0600, 0, "has 2 semaphores" },
	};
	for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
		if (cases[c].owner == NOBODY && geteuid() != 0)
			continue;
		int sem = semget(key, cases[c].nsems, IPC_CREAT | IPC_EXCL | cases[c].mode);
		assert_true(sem >= 0);
		if (cases[c].owner == NOBODY) {
			struct semid_ds ds;
			semctl(sem, 0, IPC_STAT, (union semun_arg){ .buf = &ds });
			ds.sem_perm.uid = NOBODY;
			assert_int_equal(semctl(sem, 0, IPC_SET, (union semun_arg){ .buf = &ds }),
					 0);
		}
		assert_int_equal(run_writer(args, err, sizeof err), 1);
		if (!strstr(err, cases[c].says) || !strstr(err, "semid"))
			fail_msg("case %zu: '%s' lacks '%s'", c, err, cases[c].says);
		assert_true(shmget(key, 0, 0) < 0); /* no segment */
		assert_int_equal(semget(key, 0, 0), sem);
		assert_int_equal(semctl(sem, 0, GETVAL), 0);
		semctl(sem, 0, IPC_RMID);
	}
}

/* Run "shmwriter -k key ARGS" in directory dir; its child's pid from the
 * start-up line, after the parent returned. */
static pid_t daemon_in(const char *dir, key_t key, const char *pidfile)
{
	char k[16], line[256], cwd[4096];
	keystr(key, k);
	assert_non_null(getcwd(cwd, sizeof cwd));
	assert_int_equal(chdir(dir), 0);
	const char *args[] = { "-k", k, "-D", "--pidfile", pidfile, NULL };
	struct child c = spawn_writer(args);
	assert_int_equal(chdir(cwd), 0);
	assert_true(read_line(c.out, line, sizeof line, 5000) > 0);
	assert_int_equal(wait_exit(c.pid, 5000), 0);
	close(c.out);
	close(c.err);
	const char *p = strstr(line, " pid ");
	assert_non_null(p);
	return (pid_t)atoi(p + 5);
}

static void kill_and_wait(pid_t pid)
{
	kill(pid, SIGTERM);
	int64_t deadline = clock_mono_ns() + 5 * NS_PER_SEC;
	while (kill(pid, 0) == 0 && clock_mono_ns() < deadline)
		sleep_ms(5);
	assert_int_equal(kill(pid, 0), -1);
}

/* The refused pidfile leaves nothing: no segment, no semaphore. */
static void expect_pidfile_refused(key_t key, const char *path, const char *says)
{
	char k[16], err[512];
	keystr(key, k);
	const char *args[] = { "-k", k, "--pidfile", path, NULL };
	assert_int_equal(run_writer(args, err, sizeof err), 1);
	if (!strstr(err, says))
		fail_msg("pidfile %s: '%s' lacks '%s'", path, err, says);
	assert_true(shmget(key, 0, 0) < 0);
	assert_true(semget(key, 0, 0) < 0);
}

static void test_pidfile_rules(void **state)
{
	(void)state;
	key_t key = test_key(4);
	char dir[] = "/tmp/shmwriter-pidfile-XXXXXX", path[256], other[256];
	assert_non_null(mkdtemp(dir));

	/* relative: made absolute before the daemon goes to "/" */
	pid_t pid = daemon_in(dir, key, "run.pid");
	snprintf(path, sizeof path, "%s/run.pid", dir);
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	int got = 0;
	assert_int_equal(fscanf(f, "%d", &got), 1);
	fclose(f);
	assert_int_equal(got, pid);
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0644);
	kill_and_wait(pid);
	assert_int_equal(access(path, F_OK), -1);

	/* a file that no longer holds our pid is left alone */
	pid = daemon_in(dir, key, path);
	f = fopen(path, "w");
	fprintf(f, "1\n");
	fclose(f);
	kill_and_wait(pid);
	assert_int_equal(access(path, F_OK), 0);
	unlink(path);

	/* a writer that cannot start leaves no pidfile of its own, and does
	 * not touch the running writer's */
	pid = daemon_in(dir, key, path);
	char k[16], err[512];
	keystr(key, k);
	snprintf(other, sizeof other, "%s/second.pid", dir);
	const char *second[] = { "-k", k, "--pidfile", other, NULL };
	assert_int_equal(run_writer(second, err, sizeof err), 1);
	assert_int_equal(access(other, F_OK), -1);
	const char *same[] = { "-k", k, "--pidfile", path, NULL };
	assert_int_equal(run_writer(same, err, sizeof err), 1);
	f = fopen(path, "r");
	assert_non_null(f);
	assert_int_equal(fscanf(f, "%d", &got), 1);
	fclose(f);
	assert_int_equal(got, pid);
	kill_and_wait(pid);
	test_remove_key(key);

	/* refused before anything is made */
	snprintf(path, sizeof path, "%s/link.pid", dir);
	snprintf(other, sizeof other, "%s/target", dir);
	assert_int_equal(symlink(other, path), 0);
	expect_pidfile_refused(key, path, "symbolic link");
	assert_int_equal(access(other, F_OK), -1); /* not created through the link */
	unlink(path);
	expect_pidfile_refused(key, dir, "not a regular file");
	assert_int_equal(mkfifo(other, 0644), 0);
	expect_pidfile_refused(key, other, "not a regular file");
	unlink(other);
	snprintf(path, sizeof path, "%s/hard.pid", dir);
	f = fopen(other, "w");
	fclose(f);
	assert_int_equal(link(other, path), 0);
	expect_pidfile_refused(key, path, "hard links");
	unlink(path);
	if (geteuid() == 0) {
		assert_int_equal(chown(other, NOBODY, NOBODY), 0);
		expect_pidfile_refused(key, other, "owned by another user");
	}
	unlink(other);
	assert_int_equal(rmdir(dir), 0);
}

static void test_key_from_file(void **state)
{
	(void)state;
	char path[64];
	snprintf(path, sizeof path, "/tmp/shmwriter-ftok-%d", (int)getpid());
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fclose(f);
	key_t key = ftok(path, 'S');
	test_remove_key(key);
	const char *args[] = { "-f", path, "--remove-on-exit", NULL };
	struct child c = spawn_writer(args);
	char line[256], want[32];
	assert_true(read_line(c.out, line, sizeof line, 5000) > 0);
	snprintf(want, sizeof want, "key 0x%08x", (unsigned)key);
	assert_non_null(strstr(line, want));
	kill(c.pid, SIGTERM);
	assert_int_equal(wait_exit(c.pid, 5000), 0);
	close(c.out);
	close(c.err);
	unlink(path);
}

/* Every bad argument: exit 2, one line naming the problem, nothing created. */
static void test_bad_arguments(void **state)
{
	(void)state;
	key_t key = test_key(14);
	char k[16];
	keystr(key, k);
	struct {
		const char *args[6];
		const char *says;
	} cases[] = {
		{ { "-k", "zz" }, "invalid key 'zz'" },
		{ { "-k", "0" }, "IPC_PRIVATE" },
		{ { "-k", "0x1ffffffff" }, "out of range" },
		{ { "-k" }, "needs an argument" },
		{ { "--key" }, "option '--key' needs an argument" },
		{ { "-k", k, "-i", "-1" }, "invalid interval" },
		{ { "-k", k, "-i", "fast" }, "invalid interval" },
		{ { "-k", k, "-i", "nan" }, "invalid interval" },
		{ { "-k", k, "-m", "0400" }, "owner needs read and write" },
		{ { "-k", k, "-m", "888" }, "invalid mode" },
		{ { "-k", k, "-m", "04777" }, "at most 0777" },
		{ { "-k", k, "--control-mode", "x" }, "--control-mode" },
		{ { "-k", k, "-m", "0666" }, "lets every local user write the data segment" },
		{ { "-k", k, "-m", "0620" }, "lets the group write the data segment" },
		{ { "-k", k, "-m", "0602" }, "lets every local user write" },
		{ { "-k", k, "-f", "/etc/hostname" }, "either --key or --file" },
		{ { "-f", "/nonexistent/file" }, "cannot make a key" },
		{ { "-k", k, "--bogus" }, "unknown option '--bogus'" },
		{ { "-k", k, "-x" }, "unknown option '-x'" },
		{ { "-k", k, "extra" }, "unexpected argument 'extra'" },
		{ { "-k", k, "--pidfile", "" }, "empty --pidfile" },
	};
	for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
		char err[512] = "", more[64] = "";
		struct child ch = spawn_writer(cases[c].args);
		read_line(ch.err, err, sizeof err, 5000);
		size_t extra = read_line(ch.err, more, sizeof more, 200);
		int st = wait_exit(ch.pid, 5000);
		close(ch.out);
		close(ch.err);
		if (!WIFEXITED(st) || WEXITSTATUS(st) != 2 || !strstr(err, cases[c].says) ||
		    strncmp(err, "shmwriter: ", 11) || extra)
			fail_msg("case %zu: status %d, stderr '%s' '%s', expected exit 2 and '%s'",
				 c, st, err, more, cases[c].says);
		assert_true(shmget(key, 0, 0) < 0);
	}
	/* and the friendly ones */
	char out[256];
	const char *help[] = { "--help", NULL };
	struct child ch = spawn_writer(help);
	read_line(ch.out, out, sizeof out, 5000);
	assert_int_equal(wait_exit(ch.pid, 5000), 0);
	assert_non_null(strstr(out, "Usage: shmwriter"));
	close(ch.out);
	close(ch.err);
	const char *version[] = { "-V", NULL };
	ch = spawn_writer(version);
	read_line(ch.out, out, sizeof out, 5000);
	assert_int_equal(wait_exit(ch.pid, 5000), 0);
	assert_non_null(strstr(out, SHMTOP_VERSION_STRING));
	close(ch.out);
	close(ch.err);
}

/* ---- --stdin: the lines and bytes of standard input ---- */

/* shmwriter --stdin with args, its standard input the read end of a pipe
 * whose write end is returned in *in. */
static struct child spawn_stdin(const char *const *args, int *in)
{
	int p[2], saved = dup(0);
	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	assert_int_equal(dup2(p[0], 0), 0); /* dup2 clears close-on-exec */
	struct child c = spawn_writer(args);
	assert_int_equal(dup2(saved, 0), 0);
	close(saved);
	close(p[0]);
	*in = p[1];
	return c;
}

/* Write n bytes of lines of every length, across read() boundaries, and
 * add what was written to *lines and *bytes. */
static void feed(int fd, size_t n, unsigned *seed, uint64_t *lines, uint64_t *bytes)
{
	static char buf[1 << 17];
	assert_true(n <= sizeof buf);
	for (size_t i = 0; i < n; i++) {
		buf[i] = (char)((rand_r(seed) % 50) ? 'a' + rand_r(seed) % 26 : '\n');
		*lines += buf[i] == '\n';
	}
	for (size_t done = 0; done < n;) {
		ssize_t w = write(fd, buf + done, n - done);
		assert_true(w > 0);
		done += (size_t)w;
	}
	*bytes += n;
}

/* Wait until the record publishes lines and bytes as given; fail after 10 s. */
static struct shmtop_status wait_values(shmtop_reader *rd, uint64_t lines, uint64_t bytes)
{
	int64_t deadline = clock_mono_ns() + 10 * NS_PER_SEC;
	struct shmtop_status st;
	struct shmtop_value v[2];
	char why[160];
	for (;;) {
		if (shmtop_read(rd, &st, v, 2, why, sizeof why) != 2)
			fail_msg("shmtop_read: %s", why);
		if (v[0].value == lines && v[1].value == bytes)
			return st;
		if (clock_mono_ns() > deadline)
			fail_msg("published lines %llu bytes %llu, wrote %llu and %llu",
				 (unsigned long long)v[0].value, (unsigned long long)v[1].value,
				 (unsigned long long)lines, (unsigned long long)bytes);
		sleep_ms(10);
	}
}

static void test_stdin_counts_lines_and_bytes(void **state)
{
	(void)state;
	key_t key = test_key(14);
	char k[16], line[256], why[160];
	keystr(key, k);
	const char *args[] = { "-k", k, "--stdin", "-i", "0.05", NULL };
	int in;
	struct child c = spawn_stdin(args, &in);
	assert_true(read_line(c.out, line, sizeof line, 5000) > 0);
	assert_non_null(strstr(line, "(created)"));
	shmtop_reader *rd = shmtop_reader_open(key, 0, why, sizeof why);
	if (!rd)
		fail_msg("shmtop_reader_open: %s", why);

	/* two counters, named, with their units */
	struct shmtop_status st;
	struct shmtop_value v[4];
	assert_int_equal(shmtop_read(rd, &st, v, 4, why, sizeof why), 2);
	assert_string_equal(v[0].name, "lines");
	assert_string_equal(v[0].unit, "");
	assert_string_equal(v[1].name, "bytes");
	assert_string_equal(v[1].unit, "B");
	assert_true(v[0].kind == SHMTOP_COUNTER && v[1].kind == SHMTOP_COUNTER);
	assert_int_equal(st.writer_pid, c.pid);
	assert_int_equal(st.period_ns, 50 * NS_PER_MS);

	unsigned seed = 3;
	uint64_t lines = 0, bytes = 0;
	feed(in, 100000, &seed, &lines, &bytes);
	feed(in, 70000, &seed, &lines, &bytes);
	wait_values(rd, lines, bytes);

	/* a viewer's reset starts both again from 0 */
	struct shmtop_status3 s3;
	assert_int_equal(reader_status(rd, &s3, why, sizeof why), 0);
	struct shmtop_control *ctl = shmat(s3.control_id, NULL, 0);
	assert_true(ctl != (void *)-1);
	assert_int_equal(reader_wait_ack(rd, control_send(ctl, SHMTOP_CMD_RESET, NULL), 2000, &s3),
			 0);
	assert_int_equal(s3.resets, 1);
	lines = bytes = 0;
	wait_values(rd, 0, 0);
	feed(in, 4321, &seed, &lines, &bytes);
	wait_values(rd, lines, bytes);
	shmdt(ctl);

	/* the end of the input ends the writer, the record stopped with every
	 * byte counted */
	feed(in, 999, &seed, &lines, &bytes);
	close(in);
	int code = exit_code(c.pid, 5000);
	assert_int_equal(code, 0);
	st = wait_values(rd, lines, bytes);
	assert_int_equal(st.state, SHMTOP_STATE_STOPPED);
	print_message("--stdin: %llu lines, %llu bytes since the reset\n",
		      (unsigned long long)lines, (unsigned long long)bytes);
	shmtop_reader_close(rd);
	close(c.out);
	close(c.err);
	test_remove_key(key);
}

/* A record of another shape on the key (count mode's one counter): --stdin
 * refuses it, saying how to go on, and leaves it be. */
static void test_stdin_refuses_count_record(void **state)
{
	(void)state;
	key_t key = test_key(14);
	struct running r = start(key, NULL);
	assert_int_equal(stop_with(&r, SIGTERM), 0);
	char k[16], err[512];
	keystr(key, k);
	const char *args[] = { "-k", k, "--stdin", NULL };
	int in;
	struct child c = spawn_stdin(args, &in);
	read_line(c.err, err, sizeof err, 5000);
	assert_int_equal(exit_code(c.pid, 5000), 1);
	if (!strstr(err, "a record of 1 counter and 1024 history rows, not 2") ||
	    !strstr(err, "ipcrm -m"))
		fail_msg("'%s' does not say why, nor how to go on", err);
	assert_int_equal(snap(r.rec).state, SHMTOP_STATE_STOPPED);
	close(in);
	close(c.out);
	close(c.err);
	shmdt(r.rec);
	test_remove_key(key);
}

/* A version 2 record (shmwriter 0.3 and older) of ours on the key: refused,
 * untouched, with the way on. */
static void test_version2_record_refused(void **state)
{
	(void)state;
	key_t key = test_key(16);
	struct v2writer_options o = {
		.key = key, .interval_ns = NS_PER_SEC, .mode = 0600, .control_mode = 0600
	};
	char why[300], k[16], err[512];
	v2writer *w = v2writer_open(&o, why, sizeof why);
	if (!w)
		fail_msg("the version 2 writer: %s", why);
	int id = v2writer_shmid(w);
	v2writer_close(w);
	const unsigned char *p = shmat(id, NULL, SHM_RDONLY);
	assert_true(p != (void *)-1);
	unsigned char *before = malloc(sizeof(struct shmtop_record));
	memcpy(before, p, sizeof(struct shmtop_record));
	keystr(key, k);
	const char *args[] = { "-k", k, NULL };
	assert_int_equal(run_writer(args, err, sizeof err), 1);
	char want[32];
	snprintf(want, sizeof want, "ipcrm -m %d", id);
	if (!strstr(err, "holds a version 2 record") || !strstr(err, want))
		fail_msg("'%s' lacks the version or '%s'", err, want);
	assert_memory_equal(before, p, sizeof(struct shmtop_record));
	free(before);
	shmdt(p);
	test_remove_key(key);
}

int main(void)
{
	if (record3_layout(1, HISTORY, &lay))
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_creates_private_segment),
		cmocka_unit_test(test_mode_options),
		cmocka_unit_test(test_counts_at_interval),
		cmocka_unit_test(test_counts_once_per_interval),
		cmocka_unit_test(test_second_writer_refused),
		cmocka_unit_test(test_takeover_after_kill),
		cmocka_unit_test(test_foreign_segments_untouched),
		cmocka_unit_test(test_damaged_payloads),
		cmocka_unit_test(test_signals_mark_stopped),
		cmocka_unit_test(test_segment_removed),
		cmocka_unit_test(test_daemon_and_pidfile),
		cmocka_unit_test(test_key_from_file),
		cmocka_unit_test(test_adopt_only_our_own),
		cmocka_unit_test(test_lock_semaphore),
		cmocka_unit_test(test_lock_lost_to_another_writer),
		cmocka_unit_test(test_foreign_semaphore),
		cmocka_unit_test(test_pidfile_rules),
		cmocka_unit_test(test_bad_arguments),
		cmocka_unit_test(test_version2_record_refused),
		cmocka_unit_test(test_stdin_counts_lines_and_bytes),
		cmocka_unit_test(test_stdin_refuses_count_record),
	};
	return cmocka_run_group_tests(tests, test_cleanup_keys, test_cleanup_keys);
}
