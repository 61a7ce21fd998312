/* SPDX-License-Identifier: MIT */
/*
 * shmwriter2: the version 2 writer, as shmwriter was up to shmtop 0.3 (the
 * test fixture tests/fixture/v2writer.c), for the benchmarks that measure that
 * protocol and for tests of the viewer on a live v2 record: the viewer
 * still reads what older writers publish.
 *
 *   shmwriter2 -k KEY [-i SECONDS] [-m MODE] [--remove-on-exit]
 *
 * Prints shmwriter's start-up line, counts until SIGTERM or SIGINT, exits 0
 * (1 with a message if it cannot start or loses its segment).
 */
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include "parse.h"
#include "v2writer.h"

static _Atomic int stop;

static void on_signal(int sig)
{
	(void)sig;
	atomic_store(&stop, 1);
}

int main(int argc, char **argv)
{
	struct v2writer_options o = {
		.key = 0, .interval_ns = 1000000000, .mode = 0600, .control_mode = 0600
	};
	char why[300];
	for (int i = 1; i < argc; i++) {
		const char *v = i + 1 < argc ? argv[i + 1] : "";
		int rc = 0;
		if (!strcmp(argv[i], "-k"))
			rc = parse_key(v, &o.key, why, sizeof why), i++;
		else if (!strcmp(argv[i], "-i"))
			rc = parse_interval(v, &o.interval_ns, why, sizeof why), i++;
		else if (!strcmp(argv[i], "-m"))
			rc = parse_mode(v, &o.mode, why, sizeof why), i++;
		else if (!strcmp(argv[i], "--remove-on-exit"))
			o.remove_on_exit = true;
		else
			rc = snprintf(why, sizeof why, "unknown argument '%s'", argv[i]) > 0;
		if (rc) {
			fprintf(stderr, "shmwriter2: %s\n", why);
			return 2;
		}
	}
	struct sigaction sa = { .sa_handler = on_signal };
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	v2writer *w = v2writer_open(&o, why, sizeof why);
	if (!w) {
		fprintf(stderr, "shmwriter2: %s\n", why);
		return 1;
	}
	char line[256];
	v2writer_describe(w, line, sizeof line);
	printf("shmwriter2: %s\n", line);
	fflush(stdout);
	int lost = v2writer_run(w, &stop) < 0;
	if (lost)
		fprintf(stderr, "shmwriter2: %s; exiting\n", v2writer_error(w));
	v2writer_close(w);
	return lost;
}
