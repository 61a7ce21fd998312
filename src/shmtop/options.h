/* SPDX-License-Identifier: MIT */
/*
 * shmtop's command line.  Parsing is separate from acting on it so that
 * every bad argument can be tested; main() prints the usage and version.
 */
#ifndef SHMTOP_OPTIONS_H
#define SHMTOP_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "report.h"
#include "sysvipc.h"

#define OPTIONS_DEFAULT_DELAY 5 /* tenths of a second */
#define OPTIONS_MAX_DELAY 600

struct options {
	key_t key;              /* -k, or ftok(file) by the caller; default SHMTOP_DEFAULT_KEY */
	bool key_set;           /* -k was given */
	const char *file;       /* -f PATH (in argv), or NULL: main() makes the key from it,
				 * as a missing file is a runtime error, not a usage one */
	int shmid;              /* -i: the segment by its shmid, or -1 */
	int delay_tenths;       /* -d: 1 .. OPTIONS_MAX_DELAY */
	bool delay_set;         /* -d was given */
	long iterations;        /* -n: snapshots, then exit; 0 = until quit */
	bool ascii;             /* --ascii */
	bool no_color;          /* --no-color (NO_COLOR is the caller's business) */
	bool batch;             /* -b, or implied by --json */
	bool json;              /* --json */
	bool all;               /* -a: every segment on the host */
	bool prometheus;        /* --prometheus: batch, -a, Prometheus text */
	bool check;             /* --check: compare IPC_STAT with /proc, then exit */
	enum sysvipc_sort sort; /* --sort, for -a */
	bool sort_set;          /* --sort was given */
	bool sort_reverse;      /* the sort's natural direction: biggest first */
	const char *columns;    /* -o: the list's columns (in argv), or NULL */
	bool raw;               /* --raw: the list unaligned, as lsipc --raw */
	bool noheadings;        /* --noheadings */
	bool bytes;             /* --bytes: sizes in bytes */
	const char *filter;     /* -F: only the objects containing this text (in argv), or NULL */
	bool no_config;         /* --no-config: the settings file neither read nor written */
	bool graph_rate;        /* the graph starts on the rate (the settings' graph=rate) */
	bool mouse;             /* --mouse, or the settings' mouse=on; --no-mouse */
	bool mouse_set;         /* --mouse or --no-mouse was given */
	unsigned kinds;         /* -t: the kinds shown, 1 << enum objlist_kind each; 0 all */
	const char *path;       /* shmtop PATH (in argv): the list of the files it names (a
				 * file, or a folder's files), or NULL; implies all */
	bool values;            /* --values: read shmwriter records in the list's batch outputs
				 * (attaches them read-only, briefly) */
};

#define OPTIONS_MAX_FILTER 255 /* bytes: a name's most (NAME_MAX) */

enum options_result {
	OPTIONS_RUN,
	OPTIONS_HELP,    /* -h: print options_usage() and exit 0 */
	OPTIONS_VERSION, /* -V */
	OPTIONS_BAD,     /* a one-line reason is in why; exit SHMTOP_EXIT_USAGE */
};

/* Parse argv into o (defaults first).  Uses getopt_long, and resets it, so
 * it may be called more than once.  Options that conflict, or that the mode
 * chosen would ignore (-b with --check, -k with -a, ...), are refused. */
enum options_result options_parse(int argc, char **argv, struct options *o, char *why,
				  size_t whylen);

/* The --help text. */
const char *options_usage(void);

#endif
