/* SPDX-License-Identifier: MIT */
#include "args.h"

#include <getopt.h>
#include <stdio.h>

#include "format.h"
#include "parse.h"
#include "record.h"

#define FAIL(...)                                                                                  \
	do {                                                                                       \
		snprintf(why, whylen, __VA_ARGS__);                                                \
		return ARGS_BAD;                                                                   \
	} while (0)

/* getopt_long's values of the options without a short form. */
enum { OPT_CONTROL_MODE = 256, OPT_RESET, OPT_REMOVE, OPT_PIDFILE, OPT_STDIN };

/* Each option once, in --help's order: its name, argument, value (short
 * letter or OPT_*) and help: the heading of the group it opens, its
 * argument's name and its text (lines after the first start with \n). */
static const struct {
	const char *name;
	int has_arg;
	int c;
	const char *group, *arg, *help;
} opts[] = {
	{ "key", required_argument, 'k', "Segment", "KEY",
	  "SysV key: decimal, 0x hex or 0 octal (default 9527 = 0x2537)" },
	{ "file", required_argument, 'f', NULL, "PATH",
	  "derive the key from PATH with ftok(PATH, 'S')" },
	{ "mode", required_argument, 'm', NULL, "MODE",
	  "octal permissions of a new segment (default 0600;\n"
	  "0644 lets every local user view; no one else\n"
	  "may write it)" },
	{ "control-mode", required_argument, OPT_CONTROL_MODE, NULL, "MODE",
	  "octal permissions of the control segment through\n"
	  "which viewers pause and reset (default 0600)" },
	{ "remove-on-exit", no_argument, OPT_REMOVE, NULL, NULL,
	  "remove the segment when the writer exits" },
	{ "interval", required_argument, 'i', "Counting", "SECONDS",
	  "time between counts, fractional; 0 = as fast as\n"
	  "possible (default 1)" },
	{ "stdin", no_argument, OPT_STDIN, NULL, NULL,
	  "count the lines and bytes read from standard input\n"
	  "instead, published every interval, until it ends" },
	{ "reset", no_argument, OPT_RESET, NULL, NULL,
	  "start the count at 0 when taking over a segment" },
	{ "daemon", no_argument, 'D', "Process", NULL, "detach and run in the background" },
	{ "pidfile", required_argument, OPT_PIDFILE, NULL, "PATH",
	  "write the writer's pid to PATH, a regular file of\n"
	  "this user, never a symlink (removed on exit)" },
	{ "help", no_argument, 'h', NULL, NULL, "show this help and exit" },
	{ "version", no_argument, 'V', NULL, NULL, "show the version and exit" },
};
#define NOPTS (sizeof opts / sizeof opts[0])

/* The help text: the options from opts[], between the words around them. */
const char *args_usage(void)
{
	static char text[4096]; /* test_args checks that the whole text fits */
	if (text[0])
		return text;
	size_t n = 0;
	format_append(text, sizeof text, &n, "%s",
		      "Usage: shmwriter [OPTION]...\n"
		      "Publish a live counter record in System V shared memory for shmtop to "
		      "show.\n");
	for (size_t i = 0; i < NOPTS; i++) {
		format_option_help(text, sizeof text, &n, opts[i].group, opts[i].c, opts[i].name,
				   opts[i].arg, opts[i].help);
	}
	format_append(
	    text, sizeof text, &n, "%s",
	    "\n"
	    "One writer runs per segment: a second one is refused while the first lives;\n"
	    "a segment whose writer died is taken over and its count continues, if this\n"
	    "user owns and created it and no one else may write it.\n"
	    "SIGINT, SIGTERM and SIGHUP mark the record stopped and exit 0.\n"
	    "\n"
	    "Examples:\n"
	    "  shmwriter                   count once a second on key 0x2537\n"
	    "  shmwriter -i 0.1 -m 0644    ten counts a second, viewable by all users\n"
	    "  shmwriter -D --pidfile /run/shmwriter.pid\n"
	    "  tail -f access.log | shmwriter --stdin -k 0x1234\n"
	    "                              lines and bytes a second: shmtop -k 0x1234\n");
	return text;
}

enum args_result args_parse(int argc, char **argv, struct writer_args *a, char *why, size_t whylen)
{
	struct option longopts[NOPTS + 1];
	for (size_t i = 0; i < NOPTS; i++)
		longopts[i] = (struct option){ opts[i].name, opts[i].has_arg, NULL, opts[i].c };
	longopts[NOPTS] = (struct option){ 0 };
	struct counting_options *o = &a->w;
	const char *file = NULL;
	bool have_key = false;
	char ob[160], shortopts[2 * sizeof longopts / sizeof longopts[0] + 2];
	int c;

	*a = (struct writer_args){ .w = { .key = SHMTOP_DEFAULT_KEY,
					  .interval_ns = 1000000000,
					  .mode = 0600,
					  .control_mode = 0600 } };
	parse_short_options(longopts, shortopts, sizeof shortopts);
	optind = 0; /* glibc: start afresh */
	opterr = 0;
	while ((c = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
		switch (c) {
		case 'k':
			if (parse_key(optarg, &o->key, why, whylen))
				return ARGS_BAD;
			have_key = true;
			break;
		case 'f': file = optarg; break;
		case 'i':
			if (parse_interval(optarg, &o->interval_ns, why, whylen))
				return ARGS_BAD;
			break;
		case 'm':
			if (parse_mode(optarg, &o->mode, why, whylen))
				return ARGS_BAD;
			break;
		case OPT_CONTROL_MODE:
			if (parse_mode(optarg, &o->control_mode, ob, sizeof ob))
				FAIL("--control-mode: %s", ob);
			break;
		case OPT_RESET: o->reset = true; break;
		case OPT_REMOVE: o->remove_on_exit = true; break;
		case OPT_STDIN: o->from_stdin = true; break;
		case 'D': a->daemon = true; break;
		case OPT_PIDFILE:
			if (!*optarg)
				FAIL("empty --pidfile path");
			a->pidfile = optarg;
			break;
		case 'h': return ARGS_HELP;
		case 'V': return ARGS_VERSION;
		default: FAIL("%s", parse_bad_option(c, argv, longopts, ob, sizeof ob));
		}
	}
	if (optind < argc)
		FAIL("unexpected argument '%s'", argv[optind]);
	if (file && have_key)
		FAIL("give either --key or --file, not both");
	if (file && parse_key_file(file, &o->key, why, whylen))
		return ARGS_BAD;
	if (o->from_stdin && o->interval_ns == 0)
		FAIL("--stdin publishes once an interval: give -i a time above 0");
	/* Viewers only read the data segment; commands go through the control
	 * segment, whose looser mode is allowed but said aloud. */
	if (o->mode & 0022)
		FAIL("mode %04o lets %s write the data segment: viewers only read it, and "
		     "commands go through the control segment (--control-mode)",
		     (unsigned)o->mode, (o->mode & 0002) ? "every local user" : "the group");
	if (o->control_mode & 0002)
		snprintf(a->warning, sizeof a->warning,
			 "control mode %04o lets every local user "
			 "pause and reset the writer",
			 (unsigned)o->control_mode);
	return ARGS_RUN;
}
