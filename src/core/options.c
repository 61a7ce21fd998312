/* SPDX-License-Identifier: MIT */
#include "shmtop/options.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>

#include "shmtop/parse.h"
#include "shmtop/record.h"

#define FAIL(...) do { snprintf(why, whylen, __VA_ARGS__); return OPTIONS_BAD; } while (0)

const char *options_usage(void)
{
	return "Usage: shmtop [OPTION]...\n"
	       "Show a shmwriter segment live: its value, writer, IPC_STAT and history.\n"
	       "\n"
	       "Segment:\n"
	       "  -k, --key KEY          SysV key: decimal, 0x hex or 0 octal (default 9527 = 0x2537)\n"
	       "  -f, --file PATH        derive the key from PATH with ftok(PATH, 'S')\n"
	       "\n"
	       "Display:\n"
	       "  -d, --delay TENTHS     refresh every TENTHS tenths of a second, 1 to 600\n"
	       "                         (default 5)\n"
	       "  -n, --iterations N     stop after N refreshes or snapshots (default: until quit)\n"
	       "      --ascii            draw with ASCII only (automatic in non-UTF-8 locales)\n"
	       "      --no-color         no colours (also when NO_COLOR is set)\n"
	       "\n"
	       "Batch output:\n"
	       "  -b, --batch            print plain-text snapshots instead of a full screen\n"
	       "      --json             batch mode, one JSON object per line\n"
	       "\n"
	       "Every segment on the host:\n"
	       "  -a, --all              start in the list of every SysV segment (Tab)\n"
	       "      --sort KEY         order by size, nattch, age, owner, key or shmid\n"
	       "                         (default size, biggest first)\n"
	       "      --prometheus       -a in Prometheus text format, for node_exporter\n"
	       "      --check            compare each segment's IPC_STAT with /proc/sysvipc/shm;\n"
	       "                         exit 1 if they differ\n"
	       "\n"
	       "  -h, --help             show this help and exit\n"
	       "  -V, --version          show the version and exit\n"
	       "\n"
	       "Keys: p pause/resume the writer, r reset the count, c clear the history,\n"
	       "d value/rate history, a rescan attached processes, +/- slower/faster,\n"
	       "? h F1 help, Ctrl-L repaint, Tab every segment, q Esc F10 quit.\n"
	       "In the list: arrows select, Enter opens, s n t o k i sort (again: reverse).\n"
	       "\n"
	       "Examples:\n"
	       "  shmtop                  watch key 0x2537, twice a second\n"
	       "  shmtop -k 0x2537 -d 2   refresh five times a second\n"
	       "  shmtop -b -n 1          print one snapshot and exit\n"
	       "  shmtop --json -d 100    a JSON line every ten seconds, for logs\n"
	       "  shmtop -a -b -n 1       every segment on the host, once\n"
	       "  shmtop --prometheus -n 1 > /var/lib/node_exporter/shmtop.prom\n";
}

/* A whole number from lo to hi. */
static int number(const char *s, long lo, long hi, long *out)
{
	char *end;
	if (!s || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (*end || errno || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

enum options_result options_parse(int argc, char **argv, struct options *o, char *why,
				  size_t whylen)
{
	enum { OPT_ASCII = 256, OPT_NO_COLOR, OPT_JSON, OPT_SORT, OPT_PROMETHEUS, OPT_CHECK };
	static const struct option longopts[] = {
		{ "key", required_argument, NULL, 'k' },
		{ "file", required_argument, NULL, 'f' },
		{ "delay", required_argument, NULL, 'd' },
		{ "ascii", no_argument, NULL, OPT_ASCII },
		{ "no-color", no_argument, NULL, OPT_NO_COLOR },
		{ "batch", no_argument, NULL, 'b' },
		{ "iterations", required_argument, NULL, 'n' },
		{ "json", no_argument, NULL, OPT_JSON },
		{ "all", no_argument, NULL, 'a' },
		{ "sort", required_argument, NULL, OPT_SORT },
		{ "prometheus", no_argument, NULL, OPT_PROMETHEUS },
		{ "check", no_argument, NULL, OPT_CHECK },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ 0 },
	};
	const char *file = NULL;
	bool have_key = false;
	char ob[160];
	long v;
	int c;

	*o = (struct options){ .key = SHMTOP_DEFAULT_KEY, .delay_tenths = OPTIONS_DEFAULT_DELAY,
			       .sort = SYSVIPC_SORT_SIZE, .sort_reverse = true };
	optind = 0; /* glibc: start afresh */
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":k:f:d:bn:ahV", longopts, NULL)) != -1) {
		switch (c) {
		case 'k':
			if (parse_key(optarg, &o->key, why, whylen))
				return OPTIONS_BAD;
			have_key = true;
			break;
		case 'f': file = optarg; break;
		case 'd':
			if (number(optarg, 1, OPTIONS_MAX_DELAY, &v))
				FAIL("invalid delay '%s': expected tenths of a second from 1 to %d",
				     optarg, OPTIONS_MAX_DELAY);
			o->delay_tenths = (int)v;
			break;
		case 'n':
			if (number(optarg, 1, LONG_MAX, &v))
				FAIL("invalid iterations '%s': expected a whole number of at least 1",
				     optarg);
			o->iterations = v;
			break;
		case 'b': o->batch = true; break;
		case OPT_JSON: o->json = o->batch = true; break;
		case 'a': o->all = true; break;
		case OPT_SORT:
			if (sysvipc_sort_parse(optarg, &o->sort))
				FAIL("invalid sort key '%s': expected size, nattch, age, owner, key "
				     "or shmid", optarg);
			o->sort_reverse = o->sort == SYSVIPC_SORT_SIZE || o->sort == SYSVIPC_SORT_NATTCH;
			break;
		case OPT_PROMETHEUS: o->prometheus = o->all = o->batch = true; break;
		case OPT_CHECK: o->check = true; break;
		case OPT_ASCII: o->ascii = true; break;
		case OPT_NO_COLOR: o->no_color = true; break;
		case 'h': return OPTIONS_HELP;
		case 'V': return OPTIONS_VERSION;
		default: FAIL("%s", parse_bad_option(c, argv, longopts, ob, sizeof ob));
		}
	}
	if (optind < argc)
		FAIL("unexpected argument '%s'", argv[optind]);
	if (file && have_key)
		FAIL("give either --key or --file, not both");
	if (file && parse_key_file(file, &o->key, why, whylen))
		return OPTIONS_BAD;
	if (o->prometheus && o->json)
		FAIL("give either --json or --prometheus, not both");
	return OPTIONS_RUN;
}
