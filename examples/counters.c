/* SPDX-License-Identifier: MIT */
/* Three counters, MS ms: cc counters.c $(pkg-config --cflags --libs shmtop) && ./a.out KEY MS */
#include <shmtop/shmtop.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct shmtop_options o = { .key = (key_t)strtoul(argc > 1 ? argv[1] : "0x1234", NULL, 0),
				    .accept = SHMTOP_ACCEPT_ALL };
	struct shmtop_counter req, bytes, queue;
	char why[256];
	shmtop_publisher *p = shmtop_open(&o, why, sizeof why);
	if (!p || shmtop_declare(p, "requests", SHMTOP_COUNTER, "", &req, why, sizeof why) ||
	    shmtop_declare(p, "bytes_out", SHMTOP_COUNTER, "B", &bytes, why, sizeof why) ||
	    shmtop_declare(p, "queue", SHMTOP_GAUGE, "", &queue, why, sizeof why))
		return fprintf(stderr, "counters: %s\n", why), 1;
	if (shmtop_start(p))
		return fprintf(stderr, "counters: %s\n", shmtop_error(p)), 1;
	for (long i = 1, ms = atol(argc > 2 ? argv[2] : "10000"); i <= ms; i++, usleep(1000)) {
		shmtop_inc(req);
		shmtop_add(bytes, (uint64_t)(100 + i * 7 % 900));
		shmtop_set(queue, (uint64_t)(i % 17));
	}
	printf("requests=%llu bytes_out=%llu queue=%llu\n", (unsigned long long)*req.value,
	       (unsigned long long)*bytes.value, (unsigned long long)*queue.value);
	shmtop_close(p);
	return 0;
}
