/* SPDX-License-Identifier: MIT */
/*
 * A counter's value as 64 bits and the type they are read as, so that the
 * numbers of every format travel in one shape: libshmtop's and Varnish's
 * unsigned counts, the JVM's and MMV's signed ones, prometheus_client's
 * and MMV's doubles.  The model, its history samples (struct
 * shmtop_sample's value) and every output carry the bits; only these
 * functions read them.  A rate or a graph works on value_number() and
 * value_rise(), which are exact for differences of integers below 2^53.
 */
#ifndef SHMTOP_VALUE_H
#define SHMTOP_VALUE_H

#include <stddef.h>
#include <stdint.h>

enum value_type {
	VALUE_UINT, /* unsigned 64-bit */
	VALUE_INT,  /* two's complement signed 64-bit */
	VALUE_REAL, /* an IEEE 754 binary64 double */
	VALUE_TEXT, /* not a number: the bits are 0 and the counter holds text */
};

/* The bits of a signed value, and of a double. */
uint64_t value_of_int(int64_t v);
uint64_t value_of_real(double d);

/* The value as a double (NAN for VALUE_TEXT). */
double value_number(enum value_type t, uint64_t bits);

/* to - from as a double, computed without overflow (exact where the
 * difference is): negative when the value fell, NAN when either is not a
 * number. */
double value_rise(enum value_type t, uint64_t from, uint64_t to);

/* The value in full, as a program reading it would print it: "%" PRIu64,
 * "%" PRId64, or a double's shortest form that reads back to the same
 * double ("0.1", "1e+300", "nan", "inf", "-inf"); "" for VALUE_TEXT.
 * Returns buf (NUL-terminated, truncated to len). */
#define VALUE_CHARS 32 /* bytes that any number's form fits in */
char *value_format(enum value_type t, uint64_t bits, char *buf, size_t len);

/* A time counted in ticks, per_second of them a second (> 0), as
 * seconds with three decimals and the unit: "12.345 s" (as jstat shows
 * its times); "" for VALUE_TEXT.  Returns buf. */
char *value_format_time(enum value_type t, uint64_t bits, uint64_t per_second, char *buf,
			size_t len);

/* Is it a finite number (JSON can hold it)? */
int value_finite(enum value_type t, uint64_t bits);

#endif
