/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target over everything shmtop parses from untrusted sources.
 * The first input byte picks what the rest is:
 *   0  the whole segment, raw (any length, so truncated ones too);
 *   1  (offset, byte) patches on a real record made by the version 2 writer
 *      (tests/fixture/v2writer.c), so the fuzzer reaches past the header checks;
 *   2  a line of /proc/PID/stat, and key, interval and mode arguments.
 * The target checks what the reader promises: a snapshot reported valid
 * has every field in range, and history copies stay inside the ring.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/shm.h>
#include <unistd.h>

#include "parse.h"
#include "proc.h"
#include "record.h"
#include "testutil.h"
#include "v2writer.h"

#define SZ sizeof(struct shmtop_record)

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct shmtop_record *golden;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	struct v2writer_options o = {
		.key = test_key(0),
		.interval_ns = 1000000000,
		.mode = 0600,
		.control_mode = 0600,
		.remove_on_exit = true,
	};
	char why[256];
	v2writer *w = v2writer_open(&o, why, sizeof why);
	if (!w)
		abort();
	int id = v2writer_shmid(w);
	const void *seg = shmat(id, NULL, SHM_RDONLY);
	if (seg == (void *)-1)
		abort();
	golden = aligned_alloc(64, SZ);
	memcpy(golden, seg, SZ);
	shmdt(seg);
	v2writer_close(w);
	return 0;
}

static void check_record(const void *seg, size_t segsz)
{
	static struct shmtop_sample hist[SHMTOP_HISTORY];
	struct shmtop_snapshot s;
	char why[160];
	enum shmtop_read_status st = record_read(seg, segsz, &s, why, sizeof why);
	if (st != SHMTOP_READ_OK) {
		if (!why[0] || !memchr(why, '\0', sizeof why))
			abort(); /* every refusal has a reason */
		return;
	}
	if (segsz != SZ || s.magic != SHMTOP_MAGIC || s.state < SHMTOP_STATE_RUNNING ||
	    s.state > SHMTOP_STATE_STOPPED || s.writer_pid <= 0 || s.interval_ns < 0 ||
	    s.control_id < -1 || (s.seq & 1))
		abort();
	size_t n = record_read_history(seg, hist, SHMTOP_HISTORY);
	if (n >= SHMTOP_HISTORY || n > s.hist_next)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	uint8_t mode = data[0] % 3;
	data++;
	size--;
	if (mode == 0) {
		/* exactly size bytes, aligned as a mapping is, so ASan sees any
		 * read past the segment */
		void *seg;
		if (posix_memalign(&seg, 64, size ? size : 1))
			abort();
		memcpy(seg, data, size);
		check_record(seg, size);
		free(seg);
	} else if (mode == 1) {
		struct shmtop_record *r = aligned_alloc(64, SZ);
		memcpy(r, golden, SZ);
		for (size_t i = 0; i + 3 <= size; i += 3) {
			size_t off = ((size_t)data[i] << 8 | data[i + 1]) % SZ;
			((uint8_t *)r)[off] = data[i + 2];
		}
		check_record(r, SZ);
		free(r);
	} else {
		char *text = malloc(size + 1);
		memcpy(text, data, size);
		text[size] = '\0';
		char why[160];
		struct proc_stat_fields pf;
		key_t key;
		int64_t ns;
		mode_t m;
		proc_parse_stat(text, &pf);
		parse_key(text, &key, why, sizeof why);
		parse_interval(text, &ns, why, sizeof why);
		parse_mode(text, &m, why, sizeof why);
		free(text);
	}
	return 0;
}
