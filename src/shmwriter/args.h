/* SPDX-License-Identifier: MIT */
/*
 * shmwriter's command line.  Parsing is separate from acting on it so that
 * every bad argument can be tested; main() prints the usage, the version,
 * the reason for a refusal and the warning.
 */
#ifndef SHMWRITER_ARGS_H
#define SHMWRITER_ARGS_H

#include <stdbool.h>
#include <stddef.h>

#include "counting.h"

struct writer_args {
	struct counting_options w; /* for counting_open(): the key (-k, or ftok of -f), -i,
				    * -m, --control-mode, --reset, --remove-on-exit, --stdin */
	const char *pidfile;       /* --pidfile PATH (in argv), or NULL */
	bool daemon;               /* -D */
	char warning[128];         /* a line main() prints before it starts, or "" */
};

enum args_result {
	ARGS_RUN,
	ARGS_HELP,    /* -h: print args_usage() and exit 0 */
	ARGS_VERSION, /* -V */
	ARGS_BAD,     /* a one-line reason is in why; exit 2 */
};

/* Parse argv into a (defaults first).  Uses getopt_long, and resets it, so
 * it may be called more than once.  The key of -f is made here, with
 * ftok(): a file that cannot give one is a bad argument, as are -k with -f,
 * --stdin with -i 0, and a data segment mode that lets the group or others
 * write. */
enum args_result args_parse(int argc, char **argv, struct writer_args *a, char *why, size_t whylen);

/* The --help text. */
const char *args_usage(void);

#endif
