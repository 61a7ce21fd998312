/* SPDX-License-Identifier: MIT */
/*
 * bench_read: what one look at the record costs a viewer.
 *
 * A real shmwriter's segment is attached read-only, as a viewer does, and
 * each way of copying it is timed as a call (best of 5 runs of ~40 ms):
 *   - the floor: an unsynchronised copy of the same header and payload
 *     fields (relaxed loads, no check at all);
 *   - the seqlock copy of record.h alone, without any validation;
 *   - record_read_header(), then record_read(): header check, seqlock copy,
 *     checksum and range checks, which issue 6 wants within 2x the floor;
 *   - record_read_history() of 1023 samples, against a relaxed copy of the
 *     same 1023 slots.
 * All with the writer idle (a 1 kHz shmwriter that has filled its history
 * ring, then paused: only its 4 Hz heartbeat), the same writer resumed at
 * 1 kHz (-i 0.001) and, for scale, a writer flat out (-i 0), where the
 * copies contend with it for the record's cache lines.  An invalid copy is
 * a failure (exit 1); "busy" answers and short histories are shown.
 * --smoke (bench_smoke's run): the same, each call timed over 1 run, not 5.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "bench.h"

#define RELAXED memory_order_relaxed
#define HIST_WANT (SHMTOP_HISTORY - 1)

struct ctx {
	const struct shmtop_record *rec;
	uint64_t sink; /* keeps every copy observable */
	long calls, busy, invalid;
	uint64_t samples; /* history samples returned */
	struct shmtop_sample hist[SHMTOP_HISTORY];
};

static void load_header(const struct shmtop_record *r, struct shmtop_snapshot *o)
{
	o->magic = atomic_load_explicit(&r->magic, RELAXED);
	o->version = atomic_load_explicit(&r->version, RELAXED);
	o->endian = atomic_load_explicit(&r->endian, RELAXED);
	o->header_size = atomic_load_explicit(&r->header_size, RELAXED);
	o->record_size = atomic_load_explicit(&r->record_size, RELAXED);
	o->segment_size = atomic_load_explicit(&r->segment_size, RELAXED);
	o->hist_cap = atomic_load_explicit(&r->hist_cap, RELAXED);
}

/* The floor: the same fields, unsynchronised.  A call, like record_read(). */
__attribute__((noinline)) static void raw_copy(const struct shmtop_record *r,
					       struct shmtop_snapshot *o)
{
	load_header(r, o);
	o->seq = atomic_load_explicit(&r->seq, RELAXED);
	record_copy(r, o);
}

/* record.h's reader loop, without validation; 0, or -1 if never stable. */
__attribute__((noinline)) static int seqlock_copy(const struct shmtop_record *r,
						  struct shmtop_snapshot *o)
{
	load_header(r, o);
	for (int tries = 0; tries < SHMTOP_READ_TRIES; tries++) {
		uint64_t s1 = atomic_load_explicit(&r->seq, memory_order_acquire);
		if (s1 & 1)
			continue;
		record_copy(r, o);
		atomic_thread_fence(memory_order_acquire);
		if (atomic_load_explicit(&r->seq, RELAXED) == s1) {
			o->seq = s1;
			return 0;
		}
	}
	return -1;
}

static void raw_n(void *arg, uint64_t n)
{
	struct ctx *c = arg;
	struct shmtop_snapshot s;
	for (uint64_t i = 0; i < n; i++) {
		raw_copy(c->rec, &s);
		c->sink += s.count;
	}
}

static void seqlock_n(void *arg, uint64_t n)
{
	struct ctx *c = arg;
	struct shmtop_snapshot s;
	for (uint64_t i = 0; i < n; i++) {
		c->busy += seqlock_copy(c->rec, &s) < 0;
		c->sink += s.count;
	}
	c->calls += (long)n;
}

static void count_status(struct ctx *c, enum shmtop_read_status st)
{
	c->busy += st == SHMTOP_READ_BUSY;
	c->invalid += st == SHMTOP_READ_INVALID || st == SHMTOP_READ_EMPTY;
}

static void header_n(void *arg, uint64_t n)
{
	struct ctx *c = arg;
	struct shmtop_snapshot s;
	char why[160];
	for (uint64_t i = 0; i < n; i++) {
		count_status(c, record_read_header(c->rec, sizeof *c->rec, &s, why, sizeof why));
		c->sink += s.hist_cap;
	}
	c->calls += (long)n;
}

static void read_n(void *arg, uint64_t n)
{
	struct ctx *c = arg;
	struct shmtop_snapshot s;
	char why[160];
	for (uint64_t i = 0; i < n; i++) {
		count_status(c, record_read(c->rec, sizeof *c->rec, &s, why, sizeof why));
		c->sink += s.count;
	}
	c->calls += (long)n;
}

static void hist_raw_n(void *arg, uint64_t n)
{
	struct ctx *c = arg;
	const struct shmtop_record *r = c->rec;
	for (uint64_t i = 0; i < n; i++) {
		uint64_t first = atomic_load_explicit(&r->hist_next, memory_order_acquire);
		for (unsigned j = 0; j < HIST_WANT; j++) {
			const struct shmtop_sample_slot *slot =
			    &r->hist[(first + j) % SHMTOP_HISTORY];
			c->hist[j].value = atomic_load_explicit(&slot->value, RELAXED);
			c->hist[j].mono_ns = atomic_load_explicit(&slot->mono_ns, RELAXED);
		}
		c->sink += c->hist[HIST_WANT - 1].value;
	}
}

static void hist_n(void *arg, uint64_t n)
{
	struct ctx *c = arg;
	for (uint64_t i = 0; i < n; i++) {
		size_t got = record_read_history(c->rec, c->hist, HIST_WANT);
		c->samples += got;
		c->sink += got ? c->hist[got - 1].value : 0;
	}
	c->calls += (long)n;
}

enum row { RAW, SEQLOCK, HEADER, READ, HIST_RAW, HIST, ROWS };

static const struct {
	const char *name;
	bench_fn fn;
	enum row base; /* the floor it is compared with */
} rows[ROWS] = {
	[RAW] = { "unsynchronised relaxed copy", raw_n, RAW },
	[SEQLOCK] = { "seqlock copy, no validation", seqlock_n, RAW },
	[HEADER] = { "record_read_header()", header_n, RAW },
	[READ] = { "record_read()", read_n, RAW },
	[HIST_RAW] = { "relaxed copy of 1023 slots", hist_raw_n, HIST_RAW },
	[HIST] = { "record_read_history(1023)", hist_n, HIST_RAW },
};

enum phase { IDLE, KHZ, FLAT_OUT, PHASES };
static const char *const phase_name[PHASES] = {
	"writer idle (paused)",
	"writer 1 kHz",
	"writer flat out (-i 0)",
};

struct result {
	double ns;
	long calls, busy, invalid;
	double samples; /* per call, for the history rows */
};

/* Pause or resume the writer and wait for it to apply that; 0 or -1. */
static int command(const struct bench_writer *w, enum shmtop_command cmd)
{
	if (control_wait(w->rec, control_send(w->ctl, cmd, NULL), 2000) == 0)
		return 0;
	printf("shmwriter did not acknowledge a command in 2 s\n");
	return -1;
}

static void measure(const struct bench_writer *w, struct result out[ROWS], int *broken)
{
	static struct ctx c; /* the history buffer is 16 KB */
	for (int r = 0; r < ROWS; r++) {
		memset(&c, 0, sizeof c);
		c.rec = w->rec;
		double ns = bench_ns_per_op(rows[r].fn, &c);
		out[r] = (struct result){ ns, c.calls, c.busy, c.invalid,
					  c.calls ? (double)c.samples / (double)c.calls : 0 };
		if (c.invalid)
			*broken = 1;
	}
}

int main(int argc, char **argv)
{
	struct result res[PHASES][ROWS];
	int broken = 0;
	bool smoke = argc > 1 && strcmp(argv[1], "--smoke") == 0;
	if (argc > 2 || (argc == 2 && !smoke)) {
		fprintf(stderr, "usage: bench_read [--smoke]\n");
		return 2;
	}
	if (smoke)
		bench_runs = 1;
	bench_header("bench_read: the cost of one snapshot of the record, as a viewer reads it");

	struct bench_writer w;
	if (bench_writer_start(&w, bench_key(2), "0.001") < 0) {
		bench_writer_stop(&w);
		return 1;
	}
	bench_sleep_ns(1100 * NS_PER_MS); /* fill the 1024-sample ring */
	if (command(&w, SHMTOP_CMD_PAUSE) < 0)
		broken = 1;
	measure(&w, res[IDLE], &broken);
	if (command(&w, SHMTOP_CMD_RESUME) < 0)
		broken = 1;
	measure(&w, res[KHZ], &broken);
	if (bench_writer_stop(&w) < 0)
		broken = 1;

	if (bench_writer_start(&w, bench_key(2), "0") < 0) {
		bench_writer_stop(&w);
		return 1;
	}
	bench_sleep_ns(50 * NS_PER_MS);
	measure(&w, res[FLAT_OUT], &broken);
	if (bench_writer_stop(&w) < 0)
		broken = 1;
	if (broken)
		printf("a shmwriter failed to answer or to exit cleanly\n");

	printf("   %-29s", "ns per call (x floor)");
	for (int p = 0; p < PHASES; p++)
		printf(" | %-22s", phase_name[p]);
	printf("\n");
	for (int r = 0; r < ROWS; r++) {
		if (r == HIST_RAW)
			printf("\n");
		printf("   %-29s", rows[r].name);
		for (int p = 0; p < PHASES; p++) {
			const struct result *x = &res[p][r];
			printf(" | %9.2f ns (%5.2fx) ", x->ns, x->ns / res[p][rows[r].base].ns);
		}
		printf("\n");
	}

	printf("\n   %-29s", "record_read(): busy, invalid");
	for (int p = 0; p < PHASES; p++)
		printf(" | %9ld, %-10ld", res[p][READ].busy, res[p][READ].invalid);
	printf("\n   %-29s", "  of calls");
	for (int p = 0; p < PHASES; p++)
		printf(" | %-22ld", res[p][READ].calls);
	printf("\n   %-29s", "history: samples per call");
	for (int p = 0; p < PHASES; p++)
		printf(" | %-22.1f", res[p][HIST].samples);
	printf("\n   %-29s", "history: ns per sample");
	for (int p = 0; p < PHASES; p++)
		printf(" | %-22.2f",
		       res[p][HIST].ns / (res[p][HIST].samples > 0 ? res[p][HIST].samples : 1.0));
	printf("\n\n   issue 6 target: record_read() <= 2x the unsynchronised copy "
	       "(x floor column).\n");
	if (broken)
		printf("\nbench_read: FAILED: an invalid copy, or the writer failed (see above)\n");
	return broken;
}
