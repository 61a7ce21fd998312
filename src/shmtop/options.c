/* SPDX-License-Identifier: MIT */
#include "options.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>

#include "format.h"
#include "objlist_columns.h"
#include "objlist_table.h"
#include "parse.h"
#include "record.h"

#define FAIL(...)                                                                                  \
	do {                                                                                       \
		snprintf(why, whylen, __VA_ARGS__);                                                \
		return OPTIONS_BAD;                                                                \
	} while (0)

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
	OPT_VALUES,
	OPT_NO_CONFIG,
	OPT_MOUSE,
	OPT_NO_MOUSE
};

/* The modes shmtop runs in: which of them each option applies to. */
enum {
	M_SCREEN = 1u << 0,     /* a segment, full screen */
	M_BATCH = 1u << 1,      /* a segment, -b */
	M_JSON = 1u << 2,       /* a segment, --json */
	M_LIST = 1u << 3,       /* -a, full screen */
	M_LIST_BATCH = 1u << 4, /* -a -b */
	M_LIST_JSON = 1u << 5,  /* -a --json */
	M_PROM = 1u << 6,       /* --prometheus */
	M_CHECK = 1u << 7,      /* --check */
	M_SEGMENT = M_SCREEN | M_BATCH | M_JSON,
	M_LISTS = M_LIST_BATCH | M_LIST_JSON,           /* the list in batch */
	M_RUNS = M_SEGMENT | M_LIST | M_LISTS | M_PROM, /* all that refresh */
};

/* Each option once, in --help's order: its name, argument, value (short
 * letter or OPT_*), the modes it applies to, where messages that name one
 * of several options put it (rank: lower first), and its help: the heading
 * of the group it opens ("": a group without one), its argument's name
 * and its text (lines after the first start with \n).  Its bit in a set of
 * options given is 1 << its index. */
static const struct {
	const char *name;
	int has_arg;
	int c;
	unsigned modes;
	int rank;
	const char *group, *arg, *help;
} opts[] = {
	{ "key", required_argument, 'k', M_SEGMENT | M_PROM, 0, "Segment", "KEY",
	  "SysV key: decimal, 0x hex or 0 octal (default 9527 = 0x2537)" },
	{ "file", required_argument, 'f', M_SEGMENT | M_PROM, 1, NULL, "PATH",
	  "derive the key from PATH with ftok(PATH, 'S')" },
	{ "id", required_argument, 'i', M_SEGMENT | M_PROM, 2, NULL, "SHMID",
	  "the segment with this shmid, as ipcs -m -i shows it" },
	{ "delay", required_argument, 'd', M_RUNS, 3, "Display", "TENTHS",
	  "refresh every TENTHS tenths of a second, 1 to 600\n(default 5)" },
	{ "iterations", required_argument, 'n', M_RUNS, 4, NULL, "N",
	  "stop after N refreshes or snapshots (default: until quit)" },
	{ "ascii", no_argument, OPT_ASCII, M_RUNS | M_CHECK, 5, NULL, NULL,
	  "draw with ASCII only (automatic in non-UTF-8 locales)" },
	{ "no-color", no_argument, OPT_NO_COLOR, M_RUNS | M_CHECK, 6, NULL, NULL,
	  "no colours (also when NO_COLOR is set); both are\n"
	  "accepted in every mode" },
	{ "no-config", no_argument, OPT_NO_CONFIG, M_RUNS | M_CHECK, 21, NULL, NULL,
	  "neither read nor write the settings file (shmtoprc)" },
	{ "mouse", no_argument, OPT_MOUSE, M_RUNS | M_CHECK, 22, NULL, NULL,
	  "on screen, a click selects, sorts by a column or does\n"
	  "a key of the bar; the wheel scrolls (setting mouse=on)" },
	{ "no-mouse", no_argument, OPT_NO_MOUSE, M_RUNS | M_CHECK, 23, NULL, NULL,
	  "leave the mouse to the terminal, for copy and paste\n"
	  "(the default; the last of the two wins)" },
	{ "batch", no_argument, 'b', M_BATCH | M_JSON | M_LISTS | M_PROM, 14, "Batch output", NULL,
	  "print plain-text snapshots instead of a full screen" },
	{ "json", no_argument, OPT_JSON, M_JSON | M_LIST_JSON, 7, NULL, NULL,
	  "batch mode, JSON Lines: one compact JSON document\n"
	  "per line per snapshot" },
	{ "all", no_argument, 'a', M_LIST | M_LISTS | M_PROM, 15, "Every segment on the host", NULL,
	  "start in the list of every shared memory object\n"
	  "(Tab): SysV, POSIX, semaphores, memfd, deleted, file" },
	{ "sort", required_argument, OPT_SORT, M_LIST | M_LISTS, 8, NULL, "KEY",
	  "order by size, rss, nattch, age, owner, key, shmid\n"
	  "or any -o column (default size, biggest first)" },
	{ "output", required_argument, 'o', M_LISTS, 16, NULL, "COLUMNS",
	  "the list's columns in batch, as lsipc names them\n"
	  "(comma list; +COLUMNS adds to the default; ALL)" },
	{ "raw", no_argument, OPT_RAW, M_LIST_BATCH, 11, NULL, NULL,
	  "-a -b unaligned, as lsipc --raw; no value is -" },
	{ "noheadings", no_argument, OPT_NOHEADINGS, M_LIST_BATCH, 12, NULL, NULL,
	  "-a -b without headings; no value is -" },
	{ "bytes", no_argument, OPT_BYTES, M_LIST_BATCH, 13, NULL, NULL,
	  "sizes in bytes, not 4K, 1.5M" },
	{ "filter", required_argument, 'F', M_LIST | M_LISTS | M_PROM, 17, NULL, "TEXT",
	  "only the objects whose key, shmid, name, owner, kind\n"
	  "or command contains TEXT (any case), in batch" },
	{ "type", required_argument, 't', M_LIST | M_LISTS | M_PROM, 21, NULL, "KINDS",
	  "only the objects of these kinds (comma list of sysv,\n"
	  "posix, sem, memfd, deleted, file, sysv-sem,\n"
	  "sysv-msg), exactly" },
	{ "values", no_argument, OPT_VALUES, M_LISTS | M_PROM, 18, NULL, NULL,
	  "read shmwriter's count and state into the batch list\n"
	  "(attaches those segments read-only, briefly)" },
	{ "prometheus", no_argument, OPT_PROMETHEUS, M_PROM, 9, NULL, NULL,
	  "-a in Prometheus text format, once, for node_exporter;\n"
	  "with -n or -d, every -d; with -k, -f or -i, that\n"
	  "segment's figures and counters alone" },
	{ "check", no_argument, OPT_CHECK, M_CHECK, 10, NULL, NULL,
	  "compare each segment's IPC_STAT with /proc/sysvipc/shm" },
	{ "help", no_argument, 'h', 0, 19, "", NULL, "show this help and exit" },
	{ "version", no_argument, 'V', 0, 20, NULL, NULL, "show the version and exit" },
};
#define NOPTS (sizeof opts / sizeof opts[0])

/* The bit of the option with getopt_long's value c (0: none). */
static unsigned option_bit(int c)
{
	for (size_t i = 0; i < NOPTS; i++)
		if (opts[i].c == c)
			return 1u << i;
	return 0;
}

/* The options of a mode, as bits. */
static unsigned mode_options(unsigned mode)
{
	unsigned bits = 0;
	for (size_t i = 0; i < NOPTS; i++)
		if (opts[i].modes & mode)
			bits |= 1u << i;
	return bits;
}

/* The name of the option of bits that messages name first ("--key"). */
static const char *option_name(unsigned bits)
{
	static char name[2][24];
	static int which;
	size_t best = NOPTS;
	for (size_t i = 0; i < NOPTS; i++)
		if ((bits & (1u << i)) && (best == NOPTS || opts[i].rank < opts[best].rank))
			best = i;
	if (best == NOPTS)
		return "?";
	char *b = name[which++ & 1];
	snprintf(b, sizeof name[0], "--%s", opts[best].name);
	return b;
}

/* The help text: the options from opts[], between the words around them. */
const char *options_usage(void)
{
	static char text[8192]; /* test_options checks that the whole text fits */
	if (text[0])
		return text;
	size_t n = 0;
	format_append(
	    text, sizeof text, &n, "%s",
	    "Usage: shmtop [OPTION]... [PATH]\n"
	    "Show System V shared memory live: every segment, its attached processes and\n"
	    "bytes, and shmwriter's record; or print it as text, JSON or Prometheus.\n");
	for (size_t i = 0; i < NOPTS; i++) {
		format_option_help(text, sizeof text, &n, opts[i].group, opts[i].c, opts[i].name,
				   opts[i].arg, opts[i].help);
	}
	format_append(
	    text, sizeof text, &n, "%s",
	    "\n"
	    "Keys: p pause/resume the writer, r reset the count, c clear the history,\n"
	    "d value/rate history, a rescan attached processes, +/- slower/faster,\n"
	    "? h F1 help, F2 setup, Ctrl-L repaint, Tab every segment, q F10 quit\n"
	    "(back on a screen opened from another; Esc goes back, never quits).\n"
	    "In the list: arrows select, Enter opens, s n t o k i sort (again: reverse).\n"
	    "\n"
	    "Examples:\n"
	    "  shmtop                  watch key 0x2537, twice a second\n"
	    "  shmtop -k 0x2537 -d 2   refresh five times a second\n"
	    "  shmtop -b -n 1          print one snapshot and exit\n"
	    "  shmtop --json -d 100    a JSON line every ten seconds, for logs\n"
	    "  shmtop -a -b -n 1       every segment on the host, once\n"
	    "  shmtop -a -b -n 1 -o KEY,ID,SIZE,COUNT --bytes --values\n"
	    "  shmtop -a --json -t posix  every POSIX object, with its holders\n"
	    "  shmtop /tmp/hsperfdata_bob/1234  a shared file (a JVM's); a folder: its files\n"
	    "  shmtop /tmp/hsperfdata_bob/1234 --prometheus  its counters (-b, --json too)\n"
	    "  shmtop --prometheus > shmtop.prom.tmp && mv shmtop.prom.tmp shmtop.prom\n"
	    "\n"
	    "Exit status (of batch output, --json, --prometheus and --check):\n"
	    "  0 the record or the list was read   4 permission denied\n"
	    "  1 a runtime error (file, write)     5 not a shmwriter segment\n"
	    "  2 a bad or conflicting option       6 a damaged record\n"
	    "  3 no such segment                   7 --check found differences\n"
	    "The state judged is the last snapshot's.  A closed pipe ends shmtop by SIGPIPE.\n");
	return text;
}

#define O_(c) option_bit(c)

/* Refuse options that conflict, or that the mode chosen would ignore.
 * 0, or -1 with the reason in why. */
static int conflict(unsigned given, bool json, char *why, size_t whylen)
{
	const unsigned O_SEGMENT = O_('k') | O_('f') | O_('i'), O_JSON = O_(OPT_JSON),
		       O_PROM = O_(OPT_PROMETHEUS), O_CHECK = O_(OPT_CHECK), O_ALL = O_('a'),
		       O_BATCH = O_('b'), O_SORT = O_(OPT_SORT), O_FILTER = O_('F'),
		       O_LIST = O_('o') | O_(OPT_RAW) | O_(OPT_NOHEADINGS) | O_(OPT_BYTES),
		       O_ROWS = O_FILTER | O_(OPT_VALUES);
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
	unsigned m;
	bool list = (given & O_ALL) && (given & (O_BATCH | O_JSON)) && !(given & O_CHECK);
	if (given & O_CHECK) {
		mode = "--check";
		m = M_CHECK;
	} else if (given & O_PROM) {
		mode = "--prometheus";
		m = M_PROM;
	} else if (list) {
		mode = json ? "--all --json" : "--all --batch";
		m = json ? M_LIST_JSON : M_LIST_BATCH;
	} else if (given & O_ALL) {
		mode = "--all (the full screen)";
		m = M_LIST;
	} else if (given & (O_BATCH | O_JSON)) {
		mode = json ? "--json" : "--batch";
		m = json ? M_JSON : M_BATCH;
	} else {
		mode = "the full screen";
		m = M_SCREEN;
	}
	unsigned extra = given & ~mode_options(m);
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
	struct option longopts[NOPTS + 1];
	for (size_t i = 0; i < NOPTS; i++)
		longopts[i] = (struct option){ opts[i].name, opts[i].has_arg, NULL, opts[i].c };
	longopts[NOPTS] = (struct option){ 0 };
	char shortopts[2 * NOPTS + 2];
	parse_short_options(longopts, shortopts, sizeof shortopts);
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
	while ((c = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
		given |= option_bit(c);
		switch (c) {
		case 'k':
			if (parse_key(optarg, &o->key, why, whylen))
				return OPTIONS_BAD;
			o->key_set = true;
			break;
		case 'f': o->file = optarg; break;
		case 'i':
			if (parse_number(optarg, 0, INT_MAX, &v))
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
		case 't':
			if (objlist_kinds_parse(optarg, &o->kinds, why, whylen))
				return OPTIONS_BAD;
			break;
		case OPT_VALUES: o->values = true; break;
		case OPT_RAW: o->raw = true; break;
		case OPT_NOHEADINGS: o->noheadings = true; break;
		case OPT_BYTES: o->bytes = true; break;
		case 'd':
			if (parse_number(optarg, 1, OPTIONS_MAX_DELAY, &v))
				FAIL("invalid delay '%s': expected tenths of a second from 1 to %d",
				     optarg, OPTIONS_MAX_DELAY);
			o->delay_tenths = (int)v;
			o->delay_set = true;
			break;
		case 'n':
			if (parse_number(optarg, 1, LONG_MAX, &v))
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
			o->sort_set = true;
			break;
		case OPT_PROMETHEUS: o->prometheus = o->all = o->batch = true; break;
		case OPT_CHECK: o->check = true; break;
		case OPT_ASCII: o->ascii = true; break;
		case OPT_NO_COLOR: o->no_color = true; break;
		case OPT_NO_CONFIG: o->no_config = true; break;
		case OPT_MOUSE:
		case OPT_NO_MOUSE:
			o->mouse = c == OPT_MOUSE;
			o->mouse_set = true;
			break;
		case 'h': return OPTIONS_HELP;
		case 'V': return OPTIONS_VERSION;
		default: FAIL("%s", parse_bad_option(c, argv, longopts, ob, sizeof ob));
		}
	}
	if (optind + 1 < argc)
		FAIL("unexpected argument '%s': give one PATH", argv[optind + 1]);
	if (optind < argc) {
		unsigned not = given & (option_bit('k') | option_bit('f') | option_bit('i') |
					option_bit(OPT_CHECK));
		if (!argv[optind][0])
			FAIL("an empty PATH: name a file or a folder of files");
		if (not )
			FAIL("PATH names a file: it cannot be used with %s", option_name(not ));
		o->path = argv[optind];
		o->all = true; /* the list, of PATH's files */
		given |= option_bit('a');
	}
	if (conflict(given, o->json, why, whylen))
		return OPTIONS_BAD;
	int cols[OBJLIST_TABLE_MAX_COLUMNS];
	if (o->columns &&
	    objlist_table_columns(o->columns, o->json ? OBJLIST_TABLE_JSON : OBJLIST_TABLE_TEXT,
				  cols, OBJLIST_TABLE_MAX_COLUMNS, why, whylen) < 0)
		return OPTIONS_BAD;
	return OPTIONS_RUN;
}
