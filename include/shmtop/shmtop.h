/* SPDX-License-Identifier: MIT */
/*
 * libshmtop: publish named counters in shared memory that anyone on the
 * host may watch live (shmtop -k KEY), and read them back.
 *
 *     #include <shmtop/shmtop.h>            cc app.c $(pkg-config --cflags --libs shmtop)
 *
 *     char why[256];
 *     struct shmtop_options o = { .key = 0x1234 };
 *     shmtop_publisher *p = shmtop_open(&o, why, sizeof why);
 *     if (!p) { fprintf(stderr, "%s\n", why); exit(1); }
 *     struct shmtop_counter req, bytes, conns;
 *     shmtop_declare(p, "requests", SHMTOP_COUNTER, "", &req, why, sizeof why);
 *     shmtop_declare(p, "bytes_out", SHMTOP_COUNTER, "B", &bytes, why, sizeof why);
 *     shmtop_declare(p, "connections", SHMTOP_GAUGE, "", &conns, why, sizeof why);
 *     shmtop_start(p);                      a helper thread serves viewers
 *     for (;;) { ...; shmtop_inc(req); shmtop_add(bytes, n); shmtop_set(conns, k); }
 *     shmtop_close(p);
 *
 * The hot path (shmtop_add(), shmtop_inc(), shmtop_set()) is one relaxed
 * atomic operation on the counter's own cache line: no lock, no clock read,
 * no system call, no false sharing between counters.  Time stamps and
 * history samples are taken by the service step, shmtop_step(), which the
 * program calls from its own loop (shmtop_step_due() says when), or which
 * shmtop_run() loops on, or which a helper thread started by shmtop_start()
 * runs: the pairing of redis's aeProcessEvents() and aeMain().
 *
 * The segment (record.h explains its layout: version 3) is made 0600 by
 * default and only ever written by its publisher; other users read it.
 * Viewers pause, resume and reset through a separate control segment
 * (control_mode), and the publisher serves only the commands it accepts
 * (accept): a refused command is acknowledged as refused, and the viewer
 * says so.  Pause stops publication (the counters go on counting in the
 * program; viewers see the values of the moment of the pause until resume);
 * reset zeroes the counters (a counter restarts from 0; a gauge is set to 0)
 * and is acknowledged once applied.
 *
 * One publisher per key: a second one is refused while the first lives (the
 * kernel releases the lock when a publisher dies), and the next publisher on
 * the key takes the segment over if it is its own and of the same shape.
 *
 * Errors come back as NULL or -1, with a one-line reason in why.  Every
 * function but the hot path and shmtop_step() is for one thread at a time;
 * the hot path may be called from any thread, and counters may be shared
 * between threads (shmtop_add() is a fetch-and-add).
 */
#ifndef SHMTOP_SHMTOP_H
#define SHMTOP_SHMTOP_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

#define SHMTOP_NAME_MAX 64       /* bytes of a counter's name, the NUL included: UTF-8 */
#define SHMTOP_UNIT_MAX 16       /* bytes of its unit ("B", "req", "ms"), the NUL included */
#define SHMTOP_MAX_COUNTERS 4096 /* the most a record may hold */

enum shmtop_kind {
	SHMTOP_COUNTER = 1, /* only grows (add, inc); a rate is shown */
	SHMTOP_GAUGE = 2,   /* any level (set) */
};

/* The commands a publisher may serve (shmtop_options.accept). */
enum {
	SHMTOP_ACCEPT_PAUSE = 1u << 0, /* pause and resume */
	SHMTOP_ACCEPT_RESET = 1u << 1,
	SHMTOP_ACCEPT_ALL = SHMTOP_ACCEPT_PAUSE | SHMTOP_ACCEPT_RESET,
};

struct shmtop_options {
	key_t key;            /* the segment's key; 0: made from path */
	const char *path;     /* with key 0: ftok(path, 'S'), as shmtop -f PATH */
	unsigned capacity;    /* counters the record can hold: 1..SHMTOP_MAX_COUNTERS; 0: 64 */
	unsigned history;     /* samples kept per counter; 0: 1024 */
	int64_t period_ns;    /* the service step's period (time stamps, history, heartbeat);
			       * 0: one second */
	mode_t mode;          /* the data segment's; 0: 0600.  No group or other write bit */
	mode_t control_mode;  /* the control segment's; 0: 0600 */
	unsigned accept;      /* SHMTOP_ACCEPT_*; 0: none (viewers' commands refused) */
	bool reset;           /* on taking a segment over: start every counter at 0 */
	bool remove_on_close; /* IPC_RMID the segment in shmtop_close() */
};

typedef struct shmtop_publisher shmtop_publisher;

/* A counter's handle: where its value lives.  Valid until shmtop_close(). */
struct shmtop_counter {
	_Atomic uint64_t *value;
};

/* Take the key's publisher lock, then make the segment (or take over the
 * one a dead publisher left, if it is this user's and of the same capacity
 * and history).  NULL with the reason in why. */
shmtop_publisher *shmtop_open(const struct shmtop_options *o, char *why, size_t whylen);

/* Declare a counter: its name (1 to SHMTOP_NAME_MAX - 1 bytes of valid
 * UTF-8, no control characters, unique in the record), its kind and its
 * unit ("" for none; printable ASCII).  Names and kinds are published once
 * and never change.  On a segment taken over, a counter declared again with
 * the same name and kind keeps its value (unless reset).  0, or -1 with the
 * reason (a bad name, the record full). */
int shmtop_declare(shmtop_publisher *p, const char *name, enum shmtop_kind kind, const char *unit,
		   struct shmtop_counter *c, char *why, size_t whylen);

/* The hot path: one relaxed atomic operation each. */
static inline void shmtop_add(struct shmtop_counter c, uint64_t n)
{
	atomic_fetch_add_explicit(c.value, n, memory_order_relaxed);
}

static inline void shmtop_inc(struct shmtop_counter c)
{
	atomic_fetch_add_explicit(c.value, 1, memory_order_relaxed);
}

static inline void shmtop_set(struct shmtop_counter c, uint64_t v)
{
	atomic_store_explicit(c.value, v, memory_order_relaxed);
}

/* The service step: apply viewers' commands (acknowledging or refusing
 * each), publish every counter that changed with the time it was seen to
 * change (one consistent snapshot for readers), take a history sample and
 * beat the heartbeat when the period is due.  Cheap when nothing is due.
 * Returns the nanoseconds until the next step is due (>= 0), or -1 with
 * shmtop_error() set when the segment was removed or another publisher
 * took it: the program should then close. */
int64_t shmtop_step(shmtop_publisher *p);

/* shmtop_step() until *stop turns non-zero (0) or a step fails (-1),
 * sleeping in between on the control segment's futex, so that commands
 * apply at once. */
int shmtop_run(shmtop_publisher *p, const _Atomic int *stop);

/* Run shmtop_run() in a thread of the library's until shmtop_close().
 * 0, or -1 with shmtop_error() set. */
int shmtop_start(shmtop_publisher *p);

/* Why the last call failed, in one line. */
const char *shmtop_error(const shmtop_publisher *p);

/* Is publication paused by a viewer? */
bool shmtop_paused(const shmtop_publisher *p);

/* The data segment's shmid and key. */
int shmtop_shmid(const shmtop_publisher *p);
key_t shmtop_key(const shmtop_publisher *p);

/* Stop the helper thread if any, publish a last time, mark the record
 * stopped, release the lock, detach (removing the segment if asked), free
 * p. */
void shmtop_close(shmtop_publisher *p);

/* Reading: a consistent snapshot of every counter, as of one service step. */
typedef struct shmtop_reader shmtop_reader;

/* Attach the segment of key (or of shmid, with key 0) read-only, and check
 * its header.  NULL with the reason: no such segment, permission denied,
 * not a shmtop record, a record of another version (said as such). */
shmtop_reader *shmtop_reader_open(key_t key, int shmid, char *why, size_t whylen);

struct shmtop_status {
	pid_t writer_pid;
	uint32_t state;        /* 1 running, 2 paused, 3 stopped */
	bool writer_alive;     /* the publisher's process still runs */
	uint64_t resets;       /* resets applied, ever */
	int64_t stamp_wall_ns; /* CLOCK_REALTIME of the service step this snapshot is of */
	int64_t period_ns;
	size_t ncounters; /* counters published */
	unsigned accept;  /* SHMTOP_ACCEPT_*: the commands the publisher serves */
	uint64_t refused; /* commands refused, ever */
};

struct shmtop_value {
	char name[SHMTOP_NAME_MAX];
	char unit[SHMTOP_UNIT_MAX];
	enum shmtop_kind kind;
	uint64_t value;
	int64_t changed_wall_ns; /* when the service step saw it change (CLOCK_REALTIME) */
};

/* A consistent copy of the status and of counters [0, max) into v.  The
 * number of counters (which may exceed max), or -1 with the reason (the
 * publisher busy for too long, the record damaged or gone). */
long shmtop_read(shmtop_reader *r, struct shmtop_status *st, struct shmtop_value *v, size_t max,
		 char *why, size_t whylen);

/* The newest samples of counter i (at most max), oldest first, into values
 * (and mono_ns: when each was taken, CLOCK_MONOTONIC; may be NULL).  How
 * many. */
size_t shmtop_read_history(shmtop_reader *r, size_t i, uint64_t *values, int64_t *mono_ns,
			   size_t max);

void shmtop_reader_close(shmtop_reader *r);

#ifdef __cplusplus
}
#endif

#endif
