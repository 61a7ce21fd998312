/* SPDX-License-Identifier: MIT */
/*
 * A process's identity: its pid and its start time (clock ticks since boot,
 * field 22 of /proc/PID/stat), which a reused pid does not share.  A record
 * names its writer by both; this is the one reader of /proc/PID/stat.
 */
#ifndef SHMTOP_PROCSTAT_H
#define SHMTOP_PROCSTAT_H

#include <stdint.h>
#include <sys/types.h>

/* Parse the state letter (field 3) and start time (field 22) from the text
 * of /proc/PID/stat.  The command name may hold spaces and parentheses.
 * Pure; 0 or -1. */
int proc_parse_stat(const char *stat, char *state, uint64_t *starttime);

/* State letter and start time of pid; 0 or -1 (no such process). */
int proc_stat(pid_t pid, char *state, uint64_t *starttime);

#endif
