/* SPDX-License-Identifier: MIT */
/*
 * A libshmtop publisher for the viewer's end-to-end tests:
 *
 *     pubcounters KEY N [ACCEPT [NAMES [still]]]
 *
 * N named counters on KEY (hex or decimal); counter i (0-based) grows by
 * i + 1 every second (the last one, with N > 2, is a gauge set to 100 + i
 * times the seconds), the service step served by the library's helper
 * thread.  ACCEPT is all (the default), pause, reset or none: the commands
 * served.  NAMES is plain (c00, c01, ... with unit "req") or hostile: names
 * that are valid but try to move columns (wide characters, backslashes,
 * 63 bytes, right-to-left marks); controls: names holding each
 * bidirectional control and line separator a record may hold (the reader
 * refuses C0, DEL and C1), for the escaping tests.  With "still" the values
 * never change and the service step's period is 1000 s (for
 * tests/e2e_pin.sh's fixed inputs).  Prints "ready" once every counter is
 * declared and published, then the values of each second on stdout
 * ("tick S v0 v1 ..."); exits on SIGTERM or SIGINT, removing the segment.
 */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "shmtop/shmtop.h"

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static const char *const hostile[] = {
	"wide-名前-カウンター",
	"back\\slash\\\\name",
	"rtl-\u202eeman-desrever",
	"emoji-\U0001F600\U0001F600\U0001F600",
	"a-very-long-counter-name-that-fills-the-whole-sixty-three-bytes",
	"combining-e\u0301\u0301\u0301",
	"tab?no:bell?no",
	"zero\u200bwidth",
};

static const char *const controls[] = {
	"lre\u202a-rle\u202b-pdf\u202c", "lro\u202d-rlo\u202e-x",
	"lri\u2066-rli\u2067-fsi\u2068", "pdi\u2069-lrm\u200e-rlm\u200f",
	"alm\u061c-ls\u2028-ps\u2029",   "back\\slash",
};

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: pubcounters KEY N [all|pause|reset|none "
				"[plain|hostile|controls [still]]]\n");
		return 2;
	}
	char *end;
	errno = 0;
	unsigned long key = strtoul(argv[1], &end, 0);
	long n = strtol(argv[2], NULL, 10);
	if (errno || *end || key == 0 || n < 1 || n > 4096) {
		fprintf(stderr, "pubcounters: bad KEY or N\n");
		return 2;
	}
	const char *acc = argc > 3 ? argv[3] : "all";
	bool hostile_names = argc > 4 && strcmp(argv[4], "hostile") == 0;
	bool control_names = argc > 4 && strcmp(argv[4], "controls") == 0;
	bool still = argc > 5 && strcmp(argv[5], "still") == 0;
	unsigned accept = strcmp(acc, "pause") == 0   ? SHMTOP_ACCEPT_PAUSE
			  : strcmp(acc, "reset") == 0 ? SHMTOP_ACCEPT_RESET
			  : strcmp(acc, "none") == 0  ? 0
						      : SHMTOP_ACCEPT_ALL;
	char why[256];
	struct shmtop_options o = { .key = (key_t)key,
				    .capacity = (unsigned)(n < 64 ? 64 : n),
				    .period_ns = still ? 1000 * INT64_C(1000000000) : 0,
				    .accept = accept,
				    .remove_on_close = true };
	shmtop_publisher *p = shmtop_open(&o, why, sizeof why);
	if (!p) {
		fprintf(stderr, "pubcounters: %s\n", why);
		return 1;
	}
	struct shmtop_counter *c = calloc((size_t)n, sizeof *c);
	bool *gauge = calloc((size_t)n, sizeof *gauge);
	if (!c || !gauge)
		return 1;
	size_t nh = sizeof hostile / sizeof hostile[0], nc = sizeof controls / sizeof controls[0];
	for (long i = 0; i < n; i++) {
		char name[SHMTOP_NAME_MAX];
		if (hostile_names && (size_t)i < nh)
			snprintf(name, sizeof name, "%s", hostile[i]);
		else if (control_names && (size_t)i < nc)
			snprintf(name, sizeof name, "%s", controls[i]);
		else
			snprintf(name, sizeof name, "c%02ld", i);
		gauge[i] = n > 2 && i == n - 1;
		if (shmtop_declare(p, name, gauge[i] ? SHMTOP_GAUGE : SHMTOP_COUNTER,
				   gauge[i] ? "" : "req", &c[i], why, sizeof why)) {
			fprintf(stderr, "pubcounters: %s\n", why);
			shmtop_close(p);
			return 1;
		}
	}
	for (long i = 0; i < n; i++)
		if (gauge[i])
			shmtop_set(c[i], 100);
	shmtop_step(p);
	if (shmtop_start(p)) {
		fprintf(stderr, "pubcounters: %s\n", shmtop_error(p));
		shmtop_close(p);
		return 1;
	}
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	printf("ready\n");
	fflush(stdout);
	for (uint64_t s = 1; !stop; s++) {
		nanosleep(&(struct timespec){ 1, 0 }, NULL);
		if (stop)
			break;
		if (still)
			continue;
		printf("tick %" PRIu64, s);
		for (long i = 0; i < n; i++) {
			if (gauge[i])
				shmtop_set(c[i], 100 + (uint64_t)i * s);
			else
				shmtop_add(c[i], (uint64_t)i + 1);
			printf(" %" PRIu64, (uint64_t)*c[i].value);
		}
		printf("\n");
		fflush(stdout);
	}
	shmtop_close(p);
	free(c);
	free(gauge);
	return 0;
}
