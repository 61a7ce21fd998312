/* SPDX-License-Identifier: MIT */
#include "options.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>

#include "objlist_columns.h"
#include "objlist_table.h"
#include "parse.h"
#include "record.h"

#define FAIL(...)                                                                                  \
	do {                                                                                       \
		snprintf(why, whylen, __VA_ARGS__);                                                \
		return OPTIONS_BAD;                                                                \
	} while (0)

const char *options_usage(void)
{
	return "Usage: shmtop [OPTION]...\n"
	       "Show System V shared memory live: every segment, its attached processes and\n"
	       "bytes, and shmwriter's record; or print it as text, JSON or Prometheus.\n"
	       "\n"
	       "Segment:\n"
	       "  -k, --key KEY          SysV key: decimal, 0x hex or 0 octal (default 9527 = "
	       "0x2537)\n"
	       "  -f, --file PATH        derive the key from PATH with ftok(PATH, 'S')\n"
	       "  -i, --id SHMID         the segment with this shmid, as ipcs -m -i shows it\n"
	       "\n"
	       "Display:\n"
	       "  -d, --delay TENTHS     refresh every TENTHS tenths of a second, 1 to 600\n"
	       "                         (default 5)\n"
	       "  -n, --iterations N     stop after N refreshes or snapshots (default: until "
	       "quit)\n"
	       "      --ascii            draw with ASCII only (automatic in non-UTF-8 locales)\n"
	       "      --no-color         no colours (also when NO_COLOR is set)\n"
	       "\n"
	       "Batch output:\n"
	       "  -b, --batch            print plain-text snapshots instead of a full screen\n"
	       "      --json             batch mode, one JSON object per line\n"
	       "\n"
	       "Every segment on the host:\n"
	       "  -a, --all              start in the list of every shared memory object\n"
	       "                         (Tab): SysV, POSIX, semaphores, memfd, deleted\n"
	       "      --sort KEY         order by size, rss, nattch, age, owner, key, shmid\n"
	       "                         or any -o column (default size, biggest first)\n"
	       "  -o, --output COLUMNS   the list's columns in batch, as lsipc names them\n"
	       "                         (comma list; +COLUMNS adds to the default; ALL)\n"
	       "      --raw              -a -b unaligned, as lsipc --raw\n"
	       "      --noheadings       -a -b without headings\n"
	       "      --bytes            sizes in bytes, not 4K, 1.5M\n"
	       "  -F, --filter TEXT      only the objects whose key, shmid, name, owner, kind\n"
	       "                         or command contains TEXT (any case), in batch\n"
	       "      --values           read shmwriter's count and state into the batch list\n"
	       "                         (attaches those segments read-only, briefly)\n"
	       "      --prometheus       -a in Prometheus text format, once, for node_exporter;\n"
	       "                         with -n or -d, every -d\n"
	       "      --check            compare each segment's IPC_STAT with /proc/sysvipc/shm\n"
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
	       "  shmtop -a -b -n 1 -o KEY,ID,SIZE,COUNT --bytes --values\n"
	       "  shmtop -a --json -F posix  every POSIX object, with its holders\n"
	       "  shmtop --prometheus > shmtop.prom.tmp && mv shmtop.prom.tmp shmtop.prom\n"
	       "\n"
	       "Exit status (of batch output, --json, --prometheus and --check):\n"
	       "  0 the record or the list was read   4 permission denied\n"
	       "  1 a runtime error (file, write)     5 not a shmwriter segment\n"
	       "  2 a bad or conflicting option       6 a damaged record\n"
	       "  3 no such segment                   7 --check found differences\n"
	       "The state judged is the last snapshot's.  A closed pipe ends shmtop by SIGPIPE.\n";
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

/* getopt_long's values of the options without a short form. */
enum {
	OPT_ASCII = 256,
	OPT_NO_COLOR,
	OPT_JSON,
	OPT_SORT,
	OPT_PROMETHEUS,
	OPT_CHECK,
	OPT_RAW,
	OPT_NOHEADINGS,
	OPT_BYTES,
	OPT_VALUES
};

/* Options, as bits, for telling which go together. */
enum {
	O_KEY = 1u << 0,
	O_FILE = 1u << 1,
	O_ID = 1u << 2,
	O_DELAY = 1u << 3,
	O_ITER = 1u << 4,
	O_ASCII = 1u << 5,
	O_NOCOLOR = 1u << 6,
	O_BATCH = 1u << 7,
	O_JSON = 1u << 8,
	O_ALL = 1u << 9,
	O_SORT = 1u << 10,
	O_PROM = 1u << 11,
	O_CHECK = 1u << 12,
	O_OUTPUT = 1u << 13,
	O_RAW = 1u << 14,
	O_NOHEAD = 1u << 15,
	O_BYTES = 1u << 16,
	O_FILTER = 1u << 17,
	O_VALUES = 1u << 18,
	O_SEGMENT = O_KEY | O_FILE | O_ID,
	O_LIST = O_OUTPUT | O_RAW | O_NOHEAD | O_BYTES, /* the batch list's */
	O_ROWS = O_FILTER | O_VALUES,                   /* the batch list's and Prometheus' */
};

static const struct {
	unsigned bit;
	int c;            /* getopt_long's value */
	const char *name; /* as messages name it */
} option_names[] = {
	{ O_KEY, 'k', "--key" },
	{ O_FILE, 'f', "--file" },
	{ O_ID, 'i', "--id" },
	{ O_DELAY, 'd', "--delay" },
	{ O_ITER, 'n', "--iterations" },
	{ O_ASCII, OPT_ASCII, "--ascii" },
	{ O_NOCOLOR, OPT_NO_COLOR, "--no-color" },
	{ O_JSON, OPT_JSON, "--json" },
	{ O_SORT, OPT_SORT, "--sort" },
	{ O_PROM, OPT_PROMETHEUS, "--prometheus" },
	{ O_CHECK, OPT_CHECK, "--check" },
	{ O_RAW, OPT_RAW, "--raw" },
	{ O_NOHEAD, OPT_NOHEADINGS, "--noheadings" },
	{ O_BYTES, OPT_BYTES, "--bytes" },
	{ O_BATCH, 'b', "--batch" },
	{ O_ALL, 'a', "--all" },
	{ O_OUTPUT, 'o', "--output" },
	{ O_FILTER, 'F', "--filter" },
	{ O_VALUES, OPT_VALUES, "--values" },
};

static unsigned option_bit(int c)
{
	for (size_t i = 0; i < sizeof option_names / sizeof option_names[0]; i++)
		if (option_names[i].c == c)
			return option_names[i].bit;
	return 0;
}

/* The name of the first option of bits, in option_names' order. */
static const char *option_name(unsigned bits)
{
	for (size_t i = 0; i < sizeof option_names / sizeof option_names[0]; i++)
		if (bits & option_names[i].bit)
			return option_names[i].name;
	return "?";
}

/* Refuse options that conflict, or that the mode chosen would ignore.
 * 0, or -1 with the reason in why. */
static int conflict(unsigned given, bool json, char *why, size_t whylen)
{
	unsigned seg = given & O_SEGMENT;
	if (seg & (seg - 1)) {
		snprintf(why, whylen, "give one of --key, --file and --id, not %s and %s",
			 option_name(seg), option_name(seg & (seg - 1)));
		return -1;
	}
	if ((given & O_JSON) && (given & O_PROM)) {
		snprintf(why, whylen, "give either --json or --prometheus, not both");
		return -1;
	}
	/* Each mode, the option that names it, and what it takes. */
	const char *mode;
	unsigned allowed;
	bool list = (given & O_ALL) && (given & (O_BATCH | O_JSON)) && !(given & O_CHECK);
	if (given & O_CHECK) {
		mode = "--check";
		allowed = O_CHECK;
	} else if (given & O_PROM) {
		mode = "--prometheus";
		allowed = O_PROM | O_ALL | O_BATCH | O_DELAY | O_ITER | O_ROWS;
	} else if (list) {
		mode = json ? "--all --json" : "--all --batch";
		allowed = O_ALL | O_BATCH | O_JSON | O_DELAY | O_ITER | O_SORT | O_LIST | O_ROWS;
		if (json)
			allowed &= ~(unsigned)(O_RAW | O_NOHEAD | O_BYTES); /* JSON: bytes always */
	} else if (given & O_ALL) {
		mode = "--all (the full screen)";
		allowed = O_ALL | O_DELAY | O_ITER | O_SORT | O_ASCII | O_NOCOLOR | O_FILTER;
	} else if (given & (O_BATCH | O_JSON)) {
		mode = json ? "--json" : "--batch";
		allowed = O_SEGMENT | O_BATCH | O_JSON | O_DELAY | O_ITER | (json ? 0 : O_ASCII);
	} else {
		mode = "the full screen";
		allowed = O_SEGMENT | O_DELAY | O_ITER | O_ASCII | O_NOCOLOR;
	}
	unsigned extra = given & ~allowed;
	if (!extra)
		return 0;
	if ((extra & O_SORT) && !(given & (O_ALL | O_PROM)))
		snprintf(why, whylen, "--sort orders the list of every segment: it needs --all");
	else if ((extra & O_LIST) && !list && !(given & (O_CHECK | O_PROM)))
		snprintf(why, whylen,
			 "%s shapes the list in batch: it needs --all with --batch "
			 "or --json",
			 option_name(extra & O_LIST));
	else if ((extra & O_FILTER) && !(given & (O_ALL | O_CHECK | O_PROM)))
		snprintf(why, whylen,
			 "--filter narrows the list of every object: it needs --all or "
			 "--prometheus");
	else if ((extra & O_ROWS) && !list && !(given & (O_CHECK | O_PROM)))
		snprintf(why, whylen,
			 "%s is for the list's batch output: it needs --all with --batch, "
			 "--json or --prometheus",
			 option_name(extra & O_ROWS));
	else
		snprintf(why, whylen, "%s cannot be used with %s", option_name(extra), mode);
	return -1;
}

enum options_result options_parse(int argc, char **argv, struct options *o, char *why,
				  size_t whylen)
{
	static const struct option longopts[] = {
		{ "key", required_argument, NULL, 'k' },
		{ "file", required_argument, NULL, 'f' },
		{ "id", required_argument, NULL, 'i' },
		{ "output", required_argument, NULL, 'o' },
		{ "raw", no_argument, NULL, OPT_RAW },
		{ "noheadings", no_argument, NULL, OPT_NOHEADINGS },
		{ "bytes", no_argument, NULL, OPT_BYTES },
		{ "filter", required_argument, NULL, 'F' },
		{ "values", no_argument, NULL, OPT_VALUES },
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
	unsigned given = 0;
	char ob[160];
	long v;
	int c;

	*o = (struct options){ .key = SHMTOP_DEFAULT_KEY,
			       .shmid = -1,
			       .delay_tenths = OPTIONS_DEFAULT_DELAY,
			       .sort = SYSVIPC_SORT_SIZE,
			       .sort_reverse = true };
	optind = 0; /* glibc: start afresh */
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":k:f:i:o:F:d:bn:ahV", longopts, NULL)) != -1) {
		given |= option_bit(c);
		switch (c) {
		case 'k':
			if (parse_key(optarg, &o->key, why, whylen))
				return OPTIONS_BAD;
			break;
		case 'f': o->file = optarg; break;
		case 'i':
			if (number(optarg, 0, INT_MAX, &v))
				FAIL("invalid shmid '%s': expected a whole number from 0", optarg);
			o->shmid = (int)v;
			break;
		case 'o':
			if (!*optarg)
				FAIL("option '--output' needs a list of columns");
			o->columns = optarg;
			break;
		case 'F':
			if (!*optarg)
				FAIL("option '--filter' needs a text to look for");
			if (strlen(optarg) > OPTIONS_MAX_FILTER)
				FAIL("invalid filter: %zu bytes, at most %d (no name is longer)",
				     strlen(optarg), OPTIONS_MAX_FILTER);
			o->filter = optarg;
			break;
		case OPT_VALUES: o->values = true; break;
		case OPT_RAW: o->raw = true; break;
		case OPT_NOHEADINGS: o->noheadings = true; break;
		case OPT_BYTES: o->bytes = true; break;
		case 'd':
			if (number(optarg, 1, OPTIONS_MAX_DELAY, &v))
				FAIL("invalid delay '%s': expected tenths of a second from 1 to %d",
				     optarg, OPTIONS_MAX_DELAY);
			o->delay_tenths = (int)v;
			o->delay_set = true;
			break;
		case 'n':
			if (number(optarg, 1, LONG_MAX, &v))
				FAIL("invalid iterations '%s': expected a whole number of at least "
				     "1",
				     optarg);
			o->iterations = v;
			break;
		case 'b': o->batch = true; break;
		case OPT_JSON: o->json = o->batch = true; break;
		case 'a': o->all = true; break;
		case OPT_SORT:
			if (objlist_sort_parse(optarg, &o->sort, &o->sort_reverse))
				FAIL("invalid sort key '%s': expected %s, or a column -o takes "
				     "(ID, CTIME, ...: shmtop(1) lists them)",
				     optarg, objlist_sort_keys(ob, sizeof ob));
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
	if (conflict(given, o->json, why, whylen))
		return OPTIONS_BAD;
	int cols[OBJLIST_TABLE_MAX_COLUMNS];
	if (o->columns &&
	    objlist_table_columns(o->columns, o->json ? OBJLIST_TABLE_JSON : OBJLIST_TABLE_TEXT,
				  cols, OBJLIST_TABLE_MAX_COLUMNS, why, whylen) < 0)
		return OPTIONS_BAD;
	return OPTIONS_RUN;
}
