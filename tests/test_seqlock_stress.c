/* SPDX-License-Identifier: MIT */
/*
 * Seqlock stress across processes: the real shmwriter publishes flat out
 * (-i 0) while reader processes make 10^7 record_read() calls in all.  A
 * read is torn if the copy fails its checksum or breaks the record's
 * invariants (count and its timestamp move together, never backwards);
 * there must be none.  An unsynchronised reader of the same fields, run in
 * the same test, must see tearing: that shows the check can catch it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

#include "shmtop/record.h"
#include "testutil.h"

#define READERS 2
#define READS_PER_READER 5000000L
#define RAW_READS 2000000L
#define ADVANCED_MIN 1000 /* new counts the readers must see in all */
#define READ_MORE_NS (20 * NS_PER_SEC)

struct tally {
	long reads, ok, busy, torn, advanced;
};

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
	struct shmtop_snapshot s, prev = { 0 };
	char why[160];
	int64_t deadline = clock_mono_ns() + READ_MORE_NS;
	for (long i = 0;
	     !enough(i, READS_PER_READER, t.advanced > ADVANCED_MIN / READERS, deadline); i++) {
		enum shmtop_read_status st =
		    record_read(seg, sizeof(struct shmtop_record), &s, why, sizeof why);
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
		if (prev.seq) {
			int same = s.count == prev.count;
			if (s.count < prev.count || s.seq < prev.seq ||
			    (same && s.mono_ns != prev.mono_ns) ||
			    (!same && s.mono_ns < prev.mono_ns) || s.hist_next != s.count + 1)
				t.torn++;
			t.advanced += !same;
		}
		prev = s;
	}
	return t;
}

/* The same fields without the seqlock: the check must catch tearing here
 * (RAW_READS reads, or more until one is torn). */
static struct tally raw_reader(const struct shmtop_record *r)
{
	struct tally t = { 0 };
	int64_t deadline = clock_mono_ns() + READ_MORE_NS;
	for (long i = 0; !enough(i, RAW_READS, t.torn > 0, deadline); i++) {
		struct shmtop_snapshot s = { 0 };
		record_copy(r, &s);
		t.reads++;
		if (record_checksum(&s) != s.check || s.hist_next != s.count + 1)
			t.torn++;
		else
			t.ok++;
	}
	return t;
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

static struct tally raw_reader_any(const void *seg)
{
	return raw_reader(seg);
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
	const struct shmtop_record *seg = attach_key(key, SHM_RDONLY);
	assert_non_null(seg);

	uint64_t c0 = atomic_load(&seg->count);
	int64_t t0 = clock_mono_ns();
	struct tally sync = in_children(READERS, synced_reader, seg);
	double secs = (double)(clock_mono_ns() - t0) / 1e9;
	uint64_t c1 = atomic_load(&seg->count);
	struct tally raw = in_children(1, raw_reader_any, seg);

	kill(w.pid, SIGTERM);
	int st = wait_exit(w.pid, 5000);
	shmdt(seg);

	print_message("seqlock: %d readers, %ld reads in %.2f s (%.1f M/s), %ld untorn, "
		      "%ld busy, %ld torn; %ld saw a new count; writer made %.1f M updates/s\n",
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
