/* SPDX-License-Identifier: MIT */
/*
 * PCP's Memory Mapped Values files (mmv(5)), as libpcp_mmv writes them
 * and pmdammv reads them: a header ("MMV\0", version, generations g1 and
 * g2, flags, the writer's pid, a cluster), a table of contents, then the
 * sections it lists: instance domains, instances, metrics, values,
 * strings and (version 3) labels.  Versions 1 and 2 differ in where names
 * live: inline fields of 64 bytes (1) or offsets of 256-byte strings (2,
 * 3).  Every offset is from the start of the file; the file is in the
 * producer's byte order (this host's: a file of another order fails its
 * checks).
 *
 * The producer writes g1, then everything, then g2 = g1; the layout is
 * never changed after, only values are (each in place, no lock).  So
 * g1 != g2 or g1 == 0 is "in flux": retry later.  mmv_parse() reads the
 * generations first and again last, so a caller that parses the live
 * bytes never takes a torn layout.
 *
 * The bytes are untrusted (anyone may write a file there): every count is
 * bounded by the file, every offset must land exactly on an entry of the
 * section it names, every string ends with NUL inside its field, each
 * value names a metric and, for a metric with an instance domain, an
 * instance of that domain.  A refusal says why in one line.  Nothing is
 * allocated: the caller gives the arrays (mmv_alloc() sizes them from the
 * file's length), and the strings point into the bytes, so they live as
 * long as the bytes do.
 */
#ifndef SHMTOP_MMV_H
#define SHMTOP_MMV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The fixed sizes of mmv(5) (mmv_dev.h, mmv_stats.h). */
enum {
	MMV_HEADER_SIZE = 40,
	MMV_TOC_SIZE = 16,
	MMV_INDOM_SIZE = 32,
	MMV_INSTANCE1_SIZE = 80,
	MMV_INSTANCE2_SIZE = 24,
	MMV_METRIC1_SIZE = 104,
	MMV_METRIC2_SIZE = 48,
	MMV_VALUE_SIZE = 32,
	MMV_STRING_SIZE = 256,
	MMV_LABEL_SIZE = 256,
	MMV_NAME_SIZE = 64, /* version 1's inline names */
	MMV_LABEL_PAYLOAD = 244,
	MMV_TOCS_MAX = 16, /* a producer writes at most 6 */
};

enum mmv_flag {
	MMV_NOPREFIX = 0x1, /* names are not prefixed by the file's name */
	MMV_PROCESS = 0x2,  /* the header's pid is the producer's */
	MMV_SENTINEL = 0x4, /* all ones (NaN for floats, "" for strings): no value */
};

/* PCP's type codes (PM_TYPE_*, MMV_TYPE_ELAPSED). */
enum mmv_type {
	MMV_I32 = 0,
	MMV_U32 = 1,
	MMV_I64 = 2,
	MMV_U64 = 3,
	MMV_FLOAT = 4,
	MMV_DOUBLE = 5,
	MMV_STRING = 6,
	MMV_ELAPSED = 9, /* int64 microseconds; extra < 0: a timed section open since -extra */
};

/* PCP's semantics codes (PM_SEM_*); 0 in a file is taken as a counter, as
 * pmdammv takes it. */
enum mmv_sem {
	MMV_COUNTER = 1,
	MMV_INSTANT = 3,
	MMV_DISCRETE = 4,
};

enum mmv_status {
	MMV_NOT_THIS, /* not an MMV file (magic): why */
	MMV_OK,       /* f holds the file's layout and values */
	MMV_EMPTY,    /* generation 0: the producer has not finished making it */
	MMV_BUSY,     /* in flux (g1 != g2, or changed during the read): retry */
	MMV_DAMAGED,  /* an MMV file that fails its checks: why */
	MMV_ERROR,    /* another version, or more entries than the arrays hold: why */
};

struct mmv_indom {
	uint32_t serial;
	uint32_t count; /* its instances: instances[first .. first+count) */
	uint32_t first;
	const char *oneline; /* NULL: none */
	const char *help;
};

struct mmv_instance {
	uint32_t indom; /* index into indoms */
	int32_t internal;
	const char *external;
};

struct mmv_metric {
	const char *name;
	uint32_t item;
	uint32_t type;  /* enum mmv_type */
	uint32_t sem;   /* enum mmv_sem */
	uint32_t units; /* pmUnits as the 32-bit word of this host */
	int32_t indom;  /* index into indoms, -1: none */
	uint32_t indom_serial;
	const char *oneline; /* NULL: none */
	const char *help;
};

struct mmv_value {
	uint32_t metric;  /* index into metrics */
	int32_t instance; /* index into instances, -1: none */
	bool novalue;     /* SENTINEL flag and the sentinel value */
	union {
		int64_t i;  /* I32, I64, ELAPSED */
		uint64_t u; /* U32, U64 */
		double d;   /* FLOAT, DOUBLE */
	} v;
	int64_t extra;      /* ELAPSED: the timed section's start (negative) */
	const char *string; /* STRING: the value */
};

struct mmv_label {
	uint32_t flags;    /* PM_LABEL_* type and optional bit */
	uint32_t identity; /* indom serial, cluster or item, per flags */
	int32_t internal;  /* instance, or -1 */
	const char *payload;
};

/* What mmv_parse() found.  The caller sets the arrays and their capacity
 * (*_cap); mmv_parse() sets the rest. */
struct mmv_file {
	int32_t version;
	uint64_t gen;
	uint32_t flags;
	int32_t process; /* the producer's pid when flags has MMV_PROCESS */
	int32_t cluster;
	struct mmv_indom *indoms;
	struct mmv_instance *instances;
	struct mmv_metric *metrics;
	struct mmv_value *values;
	struct mmv_label *labels;
	size_t indoms_cap, instances_cap, metrics_cap, values_cap, labels_cap;
	size_t n_indoms, n_instances, n_metrics, n_values, n_labels;
};

/* Parse len bytes of an MMV file into f (its arrays given).  MMV_OK, or
 * another status with a one-line reason in why.  Never reads outside
 * b[0..len); b must stay as it is as long as f's strings are used.  With
 * b a live mapping, the caller guards against SIGBUS. */
enum mmv_status mmv_parse(const unsigned char *b, size_t len, struct mmv_file *f, char *why,
			  size_t whylen);

/* Set f's arrays to hold any file of len bytes (each at most len divided
 * by its entry's size): 0, or -1 out of memory.  mmv_free() frees them. */
int mmv_alloc(struct mmv_file *f, size_t len);
void mmv_free(struct mmv_file *f);

/* The units as PCP prints them (pmUnitsStr): "Kbyte / sec", "count x
 * 10^3", "" for none.  buf of at least 64 bytes. */
void mmv_units_str(uint32_t units, char *buf, size_t len);

/* "counter", "instant", "discrete"; "32", "u32", "64", "u64", "float",
 * "double", "string", "elapsed" (PCP's short names). */
const char *mmv_sem_name(uint32_t sem);
const char *mmv_type_name(uint32_t type);

/* The value's name: "metric" or "metric[instance]", cut to fit buf.
 * Returns buf. */
char *mmv_value_name(const struct mmv_file *f, const struct mmv_value *v, char *buf, size_t len);

#endif
