/* SPDX-License-Identifier: MIT */
/*
 * Seqlock stress across processes: the real shmwriter publishes flat out
 * (-i 0; a version 3 record, through libshmtop's service step) while
 * reader processes make 10^7 reader_copy() calls in all.  A read is torn
 * if the copy fails its checksum or breaks the record's invariants (the
 * count and the time it changed move together, never backwards, and never
 * past the step's stamp); there must be none.  An unsynchronised reader of
 * the same fields, run in the same test, must see tearing: that shows the
 * check can catch it.  (test_seqlock_threads does the same for version 2.)
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

#include "reader.h"
#include "record.h"
#include "testutil.h"

#define READERS 2
#define READS_PER_READER 5000000L
#define RAW_READS 2000000L
#define ADVANCED_MIN 1000 /* new counts the readers must see in all */
#define READ_MORE_NS (20 * NS_PER_SEC)

struct tally {
	long reads, ok, busy, torn, advanced;
};

/* The record's header and layout, read before the readers fork. */
static struct shmtop_status3 hdr;
static struct shmtop_layout3 lay;

struct copy {
	struct shmtop_status3 st;
	struct shmtop_pubval3 v; /* shmwriter's one counter, "count" */
};

static enum shmtop_read_status copy_of(const void *seg, bool whole, struct copy *c)
{
	char why[160];
	c->st = hdr;
	return reader_copy(seg, &lay, &c->st, &c->v, whole, why, sizeof why);
}

/* After reads reads, whether to stop: once the quota is read and what the
 * test needs of the writer was seen.  On a busy host (another run of the
 * suite, say) the writer may get no CPU for a while, so the readers read on
 * for it, until the deadline. */
static bool enough(long reads, long quota, bool seen, int64_t deadline)
{
	if (reads < quota)
		return false;
	return seen || ((reads & 0xffff) == 0 && clock_mono_ns() > deadline);
}

/* A reader process: READS_PER_READER synchronised reads or more, until it
 * saw its share of ADVANCED_MIN new counts. */
static struct tally synced_reader(const void *seg)
{
	struct tally t = { 0 };
	struct copy c, prev = { 0 };
	int64_t deadline = clock_mono_ns() + READ_MORE_NS;
	for (long i = 0;
	     !enough(i, READS_PER_READER, t.advanced > ADVANCED_MIN / READERS, deadline); i++) {
		enum shmtop_read_status st = copy_of(seg, true, &c);
		t.reads++;
		if (st == SHMTOP_READ_BUSY) {
			t.busy++;
			continue;
		}
		if (st != SHMTOP_READ_OK) {
			t.torn++; /* a copy that passed the seqlock but not its checksum */
			continue;
		}
		t.ok++;
		if (prev.st.seq) {
			int same = c.v.value == prev.v.value;
			if (c.v.value < prev.v.value || c.st.seq < prev.st.seq ||
			    (same && c.v.changed_mono_ns != prev.v.changed_mono_ns) ||
			    (!same && c.v.changed_mono_ns <= prev.v.changed_mono_ns) ||
			    c.v.changed_mono_ns > c.st.stamp_mono_ns)
				t.torn++;
			t.advanced += !same;
		}
		prev = c;
	}
	return t;
}

/* The same fields without the seqlock: the check must catch tearing here
 * (RAW_READS reads, or more until one is torn). */
static struct tally raw_reader(const void *seg)
{
	struct tally t = { 0 };
	int64_t deadline = clock_mono_ns() + READ_MORE_NS;
	for (long i = 0; !enough(i, RAW_READS, t.torn > 0, deadline); i++) {
		struct copy c = { 0 };
		enum shmtop_read_status st = copy_of(seg, false, &c);
		t.reads++;
		if (st != SHMTOP_READ_OK || reader_checksum(&c.st, &c.v, 1) != c.st.check)
			t.torn++;
		else
			t.ok++;
	}
	return t;
}

/* The count as last published. */
static uint64_t count_of(const void *seg)
{
	struct copy c;
	assert_int_equal(copy_of(seg, true, &c), SHMTOP_READ_OK);
	return c.v.value;
}

/* Run fn in n child processes and add up their tallies. */
static struct tally in_children(int n, struct tally (*fn)(const void *), const void *seg)
{
	int fds[2];
	assert_int_equal(pipe(fds), 0);
	pid_t pids[8];
	assert_true(n <= 8);
	for (int i = 0; i < n; i++) {
		if ((pids[i] = fork()) == 0) {
			struct tally t = fn(seg);
			_exit(write(fds[1], &t, sizeof t) == sizeof t ? 0 : 1);
		}
	}
	close(fds[1]);
	struct tally sum = { 0 }, t;
	for (int i = 0; i < n; i++) {
		assert_int_equal(read(fds[0], &t, sizeof t), sizeof t);
		sum.reads += t.reads;
		sum.ok += t.ok;
		sum.busy += t.busy;
		sum.torn += t.torn;
		sum.advanced += t.advanced;
	}
	close(fds[0]);
	for (int i = 0; i < n; i++)
		waitpid(pids[i], NULL, 0);
	return sum;
}

static void test_stress(void **state)
{
	(void)state;
	key_t key = test_key(2);
	char k[16], line[256];
	snprintf(k, sizeof k, "0x%08x", (unsigned)key);
	const char *args[] = { "-k", k, "-i", "0", "--remove-on-exit", NULL };
	struct child w = spawn_writer(args);
	assert_true(read_line(w.out, line, sizeof line, 5000) > 0);
	int id = shmget(key, 0, 0);
	struct shmid_ds ds;
	assert_int_equal(shmctl(id, IPC_STAT, &ds), 0);
	const void *seg = shmat(id, NULL, SHM_RDONLY);
	assert_true(seg != (void *)-1);
	char why[160];
	if (reader_header(seg, ds.shm_segsz, &hdr, &lay, why, sizeof why) != SHMTOP_READ_OK)
		fail_msg("reader_header: %s", why);
	assert_int_equal(hdr.capacity, 1);

	uint64_t c0 = count_of(seg);
	int64_t t0 = clock_mono_ns();
	struct tally sync = in_children(READERS, synced_reader, seg);
	double secs = (double)(clock_mono_ns() - t0) / 1e9;
	uint64_t c1 = count_of(seg);
	struct tally raw = in_children(1, raw_reader, seg);

	kill(w.pid, SIGTERM);
	int st = wait_exit(w.pid, 5000);
	shmdt(seg);

	print_message("seqlock: %d readers, %ld reads in %.2f s (%.1f M/s), %ld untorn, "
		      "%ld busy, %ld torn; %ld saw a new count; writer made %.1f M counts/s\n",
		      READERS, sync.reads, secs, (double)sync.reads / secs / 1e6, sync.ok,
		      sync.busy, sync.torn, sync.advanced, (double)(c1 - c0) / secs / 1e6);
	print_message("unsynchronised: %ld reads, %ld torn (%.2f %%)\n", raw.reads, raw.torn,
		      100.0 * (double)raw.torn / (double)raw.reads);

	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	assert_true(sync.reads >= 10000000L);
	assert_int_equal(sync.torn, 0);
	assert_true(sync.ok > sync.reads / 2);     /* the readers were not starved */
	assert_true(sync.advanced > ADVANCED_MIN); /* and the writer really ran */
	assert_true(raw.torn > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stress),
	};
	return cmocka_run_group_tests(tests, test_cleanup_keys, test_cleanup_keys);
}
