/* SPDX-License-Identifier: MIT */
#include "procstat.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int proc_parse_stat(const char *stat, char *state, uint64_t *starttime)
{
	/* "pid (comm) state ppid ..." : starttime is field 22, the 20th after
	 * the last ')', since comm may itself hold ") ". */
	const char *p = strrchr(stat, ')');
	if (!p)
		return -1;
	if (p[1] != ' ' || !p[2] || p[3] != ' ')
		return -1;
	*state = p[2];
	p++;
	for (int field = 3; field <= 22; field++) {
		p = strchr(p, ' ');
		if (!p)
			return -1;
		p++;
	}
	if (*p < '0' || *p > '9')
		return -1;
	char *end;
	errno = 0;
	unsigned long long v = strtoull(p, &end, 10);
	if (errno || (*end != ' ' && *end != '\n' && *end != '\0'))
		return -1;
	*starttime = v;
	return 0;
}

int proc_stat(pid_t pid, char *state, uint64_t *starttime)
{
	char path[64], buf[1024];
	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	FILE *f = fopen(path, "re");
	if (!f)
		return -1;
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	return proc_parse_stat(buf, state, starttime);
}
