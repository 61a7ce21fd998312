/* SPDX-License-Identifier: MIT */
#include "procstat.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The number at p, which a space, a newline or the end follows; 0 or -1. */
static int parse_field(const char *p, uint64_t *v)
{
	if (*p < '0' || *p > '9')
		return -1;
	char *end;
	errno = 0;
	unsigned long long n = strtoull(p, &end, 10);
	if (errno || (*end != ' ' && *end != '\n' && *end != '\0'))
		return -1;
	*v = n;
	return 0;
}

int proc_parse_stat(const char *stat, struct proc_stat_fields *f)
{
	/* "pid (comm) state ppid ...": the fields are counted from the last
	 * ')', since comm may itself hold ") ". */
	const char *p = strrchr(stat, ')');
	if (!p)
		return -1;
	if (p[1] != ' ' || !p[2] || p[3] != ' ')
		return -1;
	struct proc_stat_fields out = { .state = p[2] };
	uint64_t *const want[23] = { [14] = &out.utime,
				     [15] = &out.stime,
				     [16] = &out.cutime,
				     [17] = &out.cstime,
				     [22] = &out.starttime };
	p++;
	for (int field = 3; field <= 22; field++) {
		p = strchr(p, ' ');
		if (!p)
			return -1;
		p++;
		if (want[field] && parse_field(p, want[field]))
			return -1;
	}
	*f = out;
	return 0;
}

int proc_read_stat(pid_t pid, struct proc_stat_fields *f)
{
	char path[64], buf[1024];
	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	FILE *file = fopen(path, "re");
	if (!file)
		return -1;
	size_t n = fread(buf, 1, sizeof buf - 1, file);
	fclose(file);
	buf[n] = '\0';
	return proc_parse_stat(buf, f);
}

int proc_stat(pid_t pid, char *state, uint64_t *starttime)
{
	struct proc_stat_fields f;
	if (proc_read_stat(pid, &f))
		return -1;
	*state = f.state;
	*starttime = f.starttime;
	return 0;
}
