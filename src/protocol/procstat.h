/* SPDX-License-Identifier: MIT */
/*
 * A process's identity: its pid and its start time (clock ticks since boot,
 * field 22 of /proc/PID/stat), which a reused pid does not share.  A record
 * names its writer by both; this is the one reader of /proc/PID/stat, which
 * also gives the CPU time the benchmarks measure.
 */
#ifndef SHMTOP_PROCSTAT_H
#define SHMTOP_PROCSTAT_H

#include <stdint.h>
#include <sys/types.h>

/* The fields of /proc/PID/stat that are read, times in clock ticks
 * (sysconf(_SC_CLK_TCK)). */
struct proc_stat_fields {
	char state;         /* field 3: R, S, D, Z, T... */
	uint64_t utime;     /* 14: user time */
	uint64_t stime;     /* 15: system time */
	uint64_t cutime;    /* 16: user time of its reaped children */
	uint64_t cstime;    /* 17: system time of its reaped children */
	uint64_t starttime; /* 22: since boot */
};

/* Parse the text of /proc/PID/stat into f.  The command name may hold
 * spaces and parentheses.  Pure; 0, or -1 with f unchanged. */
int proc_parse_stat(const char *stat, struct proc_stat_fields *f);

/* The fields of pid; 0 or -1 (no such process). */
int proc_read_stat(pid_t pid, struct proc_stat_fields *f);

/* State letter and start time of pid; 0 or -1 (no such process). */
int proc_stat(pid_t pid, char *state, uint64_t *starttime);

#endif
