/* SPDX-License-Identifier: MIT */
/*
 * bench_command: how long a viewer's command takes to reach the writer.
 *
 * The latency of one command, from control_send() to the return of
 * control_wait() (the writer applied it and acknowledged it in the record),
 * against the real shmwriter, for N = 1000 commands cycling pause, resume
 * and reset, sent one at a time.  Then N more, each awaited by spinning on
 * the record's request_ack instead of control_wait(): the writer's share of
 * the latency, without the sender's own futex sleep and wake-up.  Three
 * settings:
 *   - `--interval 10`, the machine otherwise as it is: only the futex wake
 *     on the request word can make the writer answer (issue 6: p99 <= 5 ms);
 *   - the same with one busy-looping process per CPU, so that the writer
 *     and the sender must be scheduled in against running work;
 *   - `-i 0`, a writer that polls the request word between updates.
 * Any command not acknowledged within 2 s, or a record that disagrees with
 * the commands sent (resets applied, last pause state), is a failure
 * (exit 1).  Each setting stops after 6 s, whatever N it has reached.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "bench.h"

#define COMMANDS 1000
#define SETTING_NS (6 * NS_PER_SEC)

struct latency {
	int n, timeouts, mismatch;
	double p50, p90, p99, max, mean; /* microseconds */
};

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

static double percentile_us(const int64_t *sorted, int n, double p)
{
	int i = (int)(p * (double)(n - 1) + 0.5);
	return (double)sorted[i] / 1e3;
}

/* Wait for ticket by spinning on request_ack; 0, or -1 after 2 s. */
static int spin_wait(const struct bench_writer *w, uint32_t ticket, int64_t t0)
{
	while (!control_acked(atomic_load_explicit(&w->rec->request_ack, memory_order_acquire),
			      ticket))
		if (bench_now() - t0 > 2 * NS_PER_SEC)
			return -1;
	return 0;
}

/* N commands at w, one at a time, each awaited by control_wait() or by
 * spinning; their latencies and the final check. */
static void send_commands(const struct bench_writer *w, int spin, struct latency *out)
{
	static int64_t ns[COMMANDS];
	struct shmtop_snapshot s0, s;
	char why[160];
	int resets = 0, paused = 0;
	*out = (struct latency){ 0 };
	if (record_read(w->rec, sizeof *w->rec, &s0, why, sizeof why) != SHMTOP_READ_OK) {
		out->mismatch = 1;
		return;
	}
	int64_t start = bench_now(), sum = 0;
	for (int i = 0; i < COMMANDS && bench_now() - start < SETTING_NS; i++) {
		enum shmtop_command cmd = i % 3 == 0   ? SHMTOP_CMD_PAUSE
					  : i % 3 == 1 ? SHMTOP_CMD_RESUME
						       : SHMTOP_CMD_RESET;
		int64_t t0 = bench_now();
		uint32_t ticket = control_send(w->ctl, cmd, NULL);
		if ((spin ? spin_wait(w, ticket, t0) : control_wait(w->rec, ticket, 2000)) < 0)
			out->timeouts++;
		ns[i] = bench_now() - t0;
		sum += ns[i];
		resets += cmd == SHMTOP_CMD_RESET;
		paused = cmd == SHMTOP_CMD_PAUSE ? 1 : cmd == SHMTOP_CMD_RESUME ? 0 : paused;
		out->n = i + 1;
	}
	if (spin) /* control_wait() also waits for a whole copy: do as it does */
		control_wait(w->rec, atomic_load(&w->ctl->request), 2000);
	if (record_read(w->rec, sizeof *w->rec, &s, why, sizeof why) != SHMTOP_READ_OK ||
	    s.resets - s0.resets != (uint64_t)resets ||
	    s.state != (paused ? SHMTOP_STATE_PAUSED : SHMTOP_STATE_RUNNING))
		out->mismatch = 1;
	if (out->n == 0)
		return;
	qsort(ns, (size_t)out->n, sizeof ns[0], cmp_i64);
	out->p50 = percentile_us(ns, out->n, 0.50);
	out->p90 = percentile_us(ns, out->n, 0.90);
	out->p99 = percentile_us(ns, out->n, 0.99);
	out->max = (double)ns[out->n - 1] / 1e3;
	out->mean = (double)sum / (double)out->n / 1e3;
}

static struct bench_flags *flags;

/* A process that keeps one CPU busy until told to stop. */
static void hog(void *arg, void *out)
{
	(void)arg;
	(void)out;
	atomic_fetch_add(&flags->ready, 1);
	while (!atomic_load_explicit(&flags->stop, memory_order_relaxed))
		;
}

enum setting { QUIET, LOADED, FLAT_OUT, SETTINGS };

static const struct {
	const char *name, *interval;
	int hogs;
} settings[SETTINGS] = {
	[QUIET] = { "--interval 10", "10", 0 },
	[LOADED] = { "--interval 10, CPUs busy", "10", 1 },
	[FLAT_OUT] = { "-i 0 (polling)", "0", 0 },
};

int main(void)
{
	struct latency lat[SETTINGS], spin[SETTINGS];
	int broken = 0;
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	int nhogs = cpus < 1 ? 1 : cpus > 8 ? 8 : (int)cpus;
	bench_header("bench_command: control_send() to acknowledgement, against shmwriter");
	flags = bench_flags_new();

	for (int k = 0; k < SETTINGS; k++) {
		struct bench_writer w;
		struct bench_child h[8];
		if (bench_writer_start(&w, bench_key(3), settings[k].interval) < 0) {
			bench_writer_stop(&w);
			return 1;
		}
		atomic_store(&flags->stop, 0);
		atomic_store(&flags->ready, 0);
		int n = settings[k].hogs ? nhogs : 0;
		for (int i = 0; i < n; i++)
			h[i] = bench_fork(hog, NULL, 0);
		if (bench_wait_ready(flags, n) < 0)
			broken = 1;
		send_commands(&w, 0, &lat[k]);
		send_commands(&w, 1, &spin[k]);
		atomic_store(&flags->stop, 1);
		for (int i = 0; i < n; i++)
			bench_collect(h[i], NULL, 0);
		if (bench_writer_stop(&w) < 0) {
			printf("shmwriter -i %s did not exit cleanly\n", settings[k].interval);
			broken = 1;
		}
		if (lat[k].timeouts || lat[k].mismatch || spin[k].timeouts || spin[k].mismatch)
			broken = 1;
	}

	printf("   %-22s", "microseconds");
	for (int k = 0; k < SETTINGS; k++)
		printf(" | %24s", settings[k].name);
	for (int sp = 0; sp < 2; sp++) {
		printf("\n   %s\n", sp ? "awaited by spinning on request_ack (the writer's share)"
				       : "awaited by control_wait() (what a viewer sees)");
		const char *const row[] = { "p50", "p90", "p99", "max", "mean" };
		for (int r = 0; r < 5; r++) {
			printf("   %-22s", row[r]);
			for (int k = 0; k < SETTINGS; k++) {
				const struct latency *l = sp ? &spin[k] : &lat[k];
				const double v[] = { l->p50, l->p90, l->p99, l->max, l->mean };
				printf(" | %24.1f", v[r]);
			}
			printf("\n");
		}
		printf("   %-22s", "commands, not acked");
		for (int k = 0; k < SETTINGS; k++) {
			const struct latency *l = sp ? &spin[k] : &lat[k];
			printf(" | %14d, %8d", l->n, l->timeouts);
		}
		printf("\n   %-22s", "record agrees");
		for (int k = 0; k < SETTINGS; k++)
			printf(" | %24s", (sp ? &spin[k] : &lat[k])->mismatch ? "NO" : "yes");
		printf("\n");
	}
	printf("\n   (%d busy-looping processes in the loaded setting)\n", nhogs);
	printf("   issue 6 target: p99 <= 5000 us at --interval 10: %s (p99 %.1f us)\n",
	       lat[QUIET].p99 <= 5000 ? "met" : "NOT met", lat[QUIET].p99);
	if (broken)
		printf("\nbench_command: FAILED: a command was not acknowledged, the record "
		       "disagrees, or a process failed (see above)\n");
	return broken;
}
