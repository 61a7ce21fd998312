/* SPDX-License-Identifier: MIT */
/*
 * pub16: the publisher that bench_watch watches (issue 14, "cost to watch").
 * 16 named counters through the public library (linked against
 * libshmtop.so, shmtop.h only), each changing once a second: 12 counters
 * that grow by a varying amount and 4 gauges that move up and down, with
 * units, on the key given.  The library's helper thread serves viewers
 * (pause, resume, reset accepted) and publishes; the main thread changes
 * all 16 values at the start of each second.  Prints "ready KEY SHMID" once
 * the counters are declared and published, then runs until SIGTERM or
 * SIGINT, and removes its segment on the way out.
 *
 *     pub16 KEY [SECONDS]      (SECONDS: stop by itself after that long)
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "shmtop/shmtop.h"

#define NCOUNTERS 16
#define NGAUGES 4

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

int main(int argc, char **argv)
{
	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: pub16 KEY [SECONDS]\n");
		return 2;
	}
	char *end;
	errno = 0;
	unsigned long k = strtoul(argv[1], &end, 0);
	if (errno || *end || k == 0 || k > 0xffffffffUL) {
		fprintf(stderr, "pub16: bad key %s\n", argv[1]);
		return 2;
	}
	long secs = argc > 2 ? strtol(argv[2], &end, 10) : 0;
	if (argc > 2 && (*end || secs < 1)) {
		fprintf(stderr, "pub16: bad SECONDS %s\n", argv[2]);
		return 2;
	}
	struct sigaction sa = { .sa_handler = on_signal };
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	static const char *const units[] = { "req", "B", "", "ms" };
	struct shmtop_options o = { .key = (key_t)k,
				    .accept = SHMTOP_ACCEPT_ALL,
				    .remove_on_close = true };
	char why[256];
	shmtop_publisher *p = shmtop_open(&o, why, sizeof why);
	if (!p) {
		fprintf(stderr, "pub16: %s\n", why);
		return 1;
	}
	struct shmtop_counter c[NCOUNTERS];
	for (int i = 0; i < NCOUNTERS; i++) {
		char name[32];
		bool gauge = i >= NCOUNTERS - NGAUGES;
		snprintf(name, sizeof name, gauge ? "gauge_%02d" : "counter_%02d", i);
		if (shmtop_declare(p, name, gauge ? SHMTOP_GAUGE : SHMTOP_COUNTER, units[i % 4],
				   &c[i], why, sizeof why) < 0) {
			fprintf(stderr, "pub16: %s\n", why);
			shmtop_close(p);
			return 1;
		}
	}
	if (shmtop_step(p) < 0 || shmtop_start(p) < 0) {
		fprintf(stderr, "pub16: %s\n", shmtop_error(p));
		shmtop_close(p);
		return 1;
	}
	printf("ready 0x%08x %d\n", (unsigned)shmtop_key(p), shmtop_shmid(p));
	fflush(stdout);

	/* Each second: counter i grows by a different amount each time (its
	 * rate moves), gauge i walks a triangle wave. */
	struct timespec next;
	clock_gettime(CLOCK_MONOTONIC, &next);
	for (long tick = 1; !stop && (secs == 0 || tick <= secs); tick++) {
		for (int i = 0; i < NCOUNTERS - NGAUGES; i++)
			shmtop_add(c[i], (uint64_t)(1 + (tick * (i + 3) * 7919) % (100 * (i + 1))));
		for (int i = NCOUNTERS - NGAUGES; i < NCOUNTERS; i++) {
			long phase = (tick + i * 5) % 40;
			shmtop_set(c[i],
				   (uint64_t)(10 * (i + 1) + (phase < 20 ? phase : 40 - phase)));
		}
		next.tv_sec++;
		while (!stop &&
		       clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL) == EINTR)
			;
	}
	shmtop_close(p);
	return 0;
}
