/* SPDX-License-Identifier: MIT */
/*
 * Parsing of command-line values shared by shmwriter and shmtop.  Each
 * function is pure: it returns 0 and stores the value, or returns -1, leaves
 * the output alone and puts a one-line reason in why.
 */
#ifndef SHMTOP_PARSE_H
#define SHMTOP_PARSE_H

#include <getopt.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* A SysV key as ipcs prints it or as a number: decimal, 0x hex or 0 octal,
 * from 1 to 0xffffffff, without a sign; 0 (IPC_PRIVATE) is refused. */
int parse_key(const char *s, key_t *out, char *why, size_t whylen);

/* Seconds as decimal digits with an optional fraction ("1", "0.25", ".5"),
 * 0 (flat out) or from 1 µs to one day, rounded to the nearest ns; no sign,
 * exponent, hex, inf or nan. */
int parse_interval(const char *s, int64_t *ns, char *why, size_t whylen);

/* A whole number from lo to hi (0 <= lo <= hi) in decimal digits alone:
 * no sign, space, hex or trailing text.  0, or -1 (the caller names the
 * value in its message). */
int parse_number(const char *s, long lo, long hi, long *out);

/* Permission bits in octal, at most 0777, giving the owner read and write. */
int parse_mode(const char *s, mode_t *out, char *why, size_t whylen);

/* The key for -f PATH: ftok(PATH, SHMTOP_FTOK_PROJ), refusing key 0. */
#define SHMTOP_FTOK_PROJ 'S'
int parse_key_file(const char *path, key_t *out, char *why, size_t whylen);

/* getopt_long()'s short options made from longopts (one table per
 * program): ':' (report a missing argument as ':'), then each option whose
 * value is a letter, followed by ':' when it takes an argument, in
 * longopts' order: ":k:f:i:m:DhV".  Into buf (len bytes, truncated);
 * returns buf. */
char *parse_short_options(const struct option *longopts, char *buf, size_t len);

/* The one-line message for the option getopt_long() just rejected with c
 * (':' or '?'), named as the user typed it: "unknown option '-x'", "option
 * '--key' needs an argument", or "option '--re' is ambiguous;
 * possibilities: '--reset' '--remove-on-exit'" (the candidates from
 * longopts).  Written into buf (len bytes, truncated); returns buf.  Reads
 * getopt's globals. */
const char *parse_bad_option(int c, char **argv, const struct option *longopts, char *buf,
			     size_t len);

#endif
