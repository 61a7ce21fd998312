/* SPDX-License-Identifier: MIT */
/*
 * Parsing of command-line values shared by shmwriter and shmtop.  Each
 * function is pure: it returns 0 and stores the value, or returns -1, leaves
 * the output alone and puts a one-line reason in why.
 */
#ifndef SHMTOP_PARSE_H
#define SHMTOP_PARSE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* A SysV key as ipcs prints it or as a number: decimal, 0x hex or 0 octal,
 * from INT32_MIN to 0xffffffff; 0 (IPC_PRIVATE) is refused. */
int parse_key(const char *s, key_t *out, char *why, size_t whylen);

/* Seconds, fractional, 0 (flat out) or from 1 µs to one day; stored in ns. */
int parse_interval(const char *s, int64_t *ns, char *why, size_t whylen);

/* Permission bits in octal, at most 0777, giving the owner read and write. */
int parse_mode(const char *s, mode_t *out, char *why, size_t whylen);

/* The key for -f PATH: ftok(PATH, SHMTOP_FTOK_PROJ), refusing key 0. */
#define SHMTOP_FTOK_PROJ 'S'
int parse_key_file(const char *path, key_t *out, char *why, size_t whylen);

/* The option getopt_long() just rejected (it returned ':' or '?'), as the
 * user typed it; buf holds a short option.  Reads getopt's globals. */
const char *parse_bad_option(char **argv, char buf[3]);

#endif
