/* SPDX-License-Identifier: MIT */
/*
 * The whole protocol in one process, for ThreadSanitizer: the version 2
 * writer (tests/fixture/v2writer.c) runs flat out in one thread while reader threads copy the
 * record and its history and a command thread pauses, resumes and resets it.  TSan sees a race only
 * when both sides use the same mapping, hence threads, not processes.  Built and run normally too,
 * where it checks the same things.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "control.h"
#include "record.h"
#include "testutil.h"
#include "v2writer.h"

#define READERS 2
#define READS 200000
#define COMMANDS 300

static _Atomic int stop;
static _Atomic int ready;
static key_t key;

static void *writer_thread(void *arg)
{
	(void)arg;
	struct v2writer_options o = { .key = key,
				      .interval_ns = 0,
				      .mode = 0600,
				      .control_mode = 0600,
				      .remove_on_exit = true };
	char why[256];
	v2writer *w = v2writer_open(&o, why, sizeof why);
	if (!w) {
		fprintf(stderr, "v2writer_open: %s\n", why);
		atomic_store(&ready, -1);
		return NULL;
	}
	atomic_store(&ready, 1);
	v2writer_run(w, &stop);
	v2writer_close(w);
	return NULL;
}

struct reader_result {
	long ok, busy, bad, torn_history;
};

static void *reader_thread(void *arg)
{
	const struct shmtop_record *rec = arg;
	struct reader_result *r = calloc(1, sizeof *r);
	static _Thread_local struct shmtop_sample h[64];
	for (int i = 0; i < READS; i++) {
		struct shmtop_snapshot s;
		char why[160];
		switch (record_read(rec, sizeof *rec, &s, why, sizeof why)) {
		case SHMTOP_READ_OK: r->ok++; break;
		case SHMTOP_READ_BUSY: r->busy++; break;
		default: r->bad++; break;
		}
		if (i % 64 == 0) {
			/* consecutive samples differ by one, or go to 0 on a reset */
			size_t n = record_read_history(rec, h, 64);
			for (size_t j = 1; j < n; j++)
				if (h[j].value != h[j - 1].value + 1 && h[j].value != 0)
					r->torn_history++;
		}
	}
	return r;
}

/* record_read(), asked again while it answers "busy": a fair answer while
 * the writer runs flat out beside four readers (more so under TSan), for up
 * to about 2 s. */
static enum shmtop_read_status read_until_ok(const struct shmtop_record *rec,
					     struct shmtop_snapshot *s)
{
	char why[160];
	enum shmtop_read_status st = SHMTOP_READ_BUSY;
	for (int tries = 0; tries < 200 && st == SHMTOP_READ_BUSY; tries++)
		st = record_read(rec, sizeof *rec, s, why, sizeof why);
	return st;
}

static void *command_thread(void *arg)
{
	const struct shmtop_record *rec = arg;
	struct shmtop_snapshot s;
	long timeouts = 0;
	if (read_until_ok(rec, &s) != SHMTOP_READ_OK)
		return (void *)-1L;
	struct shmtop_control *ctl = shmat(s.control_id, NULL, 0);
	if (ctl == (void *)-1)
		return (void *)-1L;
	for (int i = 0; i < COMMANDS; i++) {
		enum shmtop_command cmd = (enum shmtop_command)(i % 3);
		if (control_wait(rec, control_send(ctl, cmd, NULL), 2000) < 0)
			timeouts++;
	}
	/* leave it running */
	if (control_wait(rec, control_send(ctl, SHMTOP_CMD_RESUME, NULL), 2000) < 0)
		timeouts++;
	shmdt(ctl);
	return (void *)timeouts;
}

static void test_threads(void **state)
{
	(void)state;
	key = test_key(0);
	pthread_t wt, rt[READERS], ct;
	pthread_create(&wt, NULL, writer_thread, NULL);
	while (atomic_load(&ready) == 0)
		sleep_ms(1);
	assert_int_equal(atomic_load(&ready), 1);
	const struct shmtop_record *rec = attach_key(key, SHM_RDONLY);
	assert_non_null(rec);

	for (int i = 0; i < READERS; i++)
		pthread_create(&rt[i], NULL, reader_thread, (void *)(uintptr_t)rec);
	pthread_create(&ct, NULL, command_thread, (void *)(uintptr_t)rec);
	struct reader_result all = { 0 };
	for (int i = 0; i < READERS; i++) {
		void *p;
		pthread_join(rt[i], &p);
		struct reader_result *r = p;
		all.ok += r->ok;
		all.busy += r->busy;
		all.bad += r->bad;
		all.torn_history += r->torn_history;
		free(r);
	}
	void *timeouts;
	pthread_join(ct, &timeouts);
	struct shmtop_snapshot s;
	assert_int_equal(read_until_ok(rec, &s), SHMTOP_READ_OK);
	atomic_store(&stop, 1);
	pthread_join(wt, NULL);
	shmdt(rec);

	print_message("threads: %ld untorn reads, %ld busy, %ld invalid, %ld torn history; "
		      "%d commands, %ld timeouts; %llu resets applied\n",
		      all.ok, all.busy, all.bad, all.torn_history, COMMANDS, (long)timeouts,
		      (unsigned long long)s.resets);
	assert_int_equal(all.bad, 0);
	assert_int_equal(all.torn_history, 0);
	assert_true(all.ok > READERS * READS / 2);
	assert_int_equal((long)timeouts, 0);
	assert_int_equal(s.resets, COMMANDS / 3);
	assert_int_equal(s.state, SHMTOP_STATE_RUNNING);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_threads),
	};
	return cmocka_run_group_tests(tests, test_cleanup_keys, test_cleanup_keys);
}
