/* SPDX-License-Identifier: MIT */
/*
 * shmwriter on libshmtop.  Counting: the publisher's service period is the
 * interval, and the count grows just before each due step, so that the step
 * publishes it with the time it changed and takes its history sample (one
 * per count, as shmwriter's version 2 record had; -i 0 publishes every
 * count).  While paused (a viewer's command, which the publisher applies)
 * the count stands still, and it goes on one interval after the resume.
 * --stdin: the main thread reads and adds, a helper thread of the
 * library's serves viewers and publishes.
 *
 * Either way the loop also steps at least every OWNER_CHECK_NS, as the
 * version 2 writer beat: a segment removed under it or a lock lost is found
 * within a quarter of a second, whatever the interval.  The count's due
 * time is the publisher's next due step, checked on every wake-up (that
 * beat, a command, the 50 ms poll while a predecessor's control segment is
 * held), so that it grows once per interval whatever woke the loop.
 */
#include "counting.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/shm.h>
#include <unistd.h>

#include "clock.h"
#include "owner.h"
#include "publisher.h"
#include "shmtop/shmtop.h"

#define MIN_PERIOD_NS INT64_C(1000) /* the publisher's least; -i 0 publishes each count */

struct counting {
	struct counting_options opt;
	shmtop_publisher *p;
	struct shmtop_counter count, lines, bytes;
	char why[300];
};

static int declare(counting *c, const char *name, const char *unit, struct shmtop_counter *ctr,
		   char *why, size_t whylen)
{
	return shmtop_declare(c->p, name, SHMTOP_COUNTER, unit, ctr, why, whylen);
}

counting *counting_open(const struct counting_options *o, char *why, size_t whylen)
{
	counting *c = calloc(1, sizeof *c);
	if (!c) {
		snprintf(why, whylen, "out of memory");
		return NULL;
	}
	c->opt = *o;
	struct shmtop_options po = {
		.key = o->key,
		.capacity = o->from_stdin ? 2 : 1,
		.period_ns = o->interval_ns > MIN_PERIOD_NS ? o->interval_ns : MIN_PERIOD_NS,
		.mode = o->mode,
		.control_mode = o->control_mode,
		.accept = SHMTOP_ACCEPT_ALL,
		.reset = o->reset,
		.remove_on_close = o->remove_on_exit,
	};
	c->p = shmtop_open(&po, why, whylen);
	if (!c->p) {
		free(c);
		return NULL;
	}
	int rc = o->from_stdin ? declare(c, "lines", "", &c->lines, why, whylen) ||
				     declare(c, "bytes", "B", &c->bytes, why, whylen)
			       : declare(c, "count", "", &c->count, why, whylen);
	/* published now, so that the record is whole once we say we run */
	if (rc || shmtop_step(c->p) < 0) {
		if (!rc)
			snprintf(why, whylen, "%s", shmtop_error(c->p));
		shmtop_close(c->p);
		free(c);
		return NULL;
	}
	return c;
}

void counting_describe(const counting *c, char *buf, size_t len)
{
	char kb[16];
	int id = shmtop_shmid(c->p);
	struct shmid_ds ds = { 0 };
	shmctl(id, IPC_STAT, &ds);
	int n = snprintf(buf, len, "key %s shmid %d size %zu mode %04o pid %d",
			 owner_key_hex(shmtop_key(c->p), kb), id, (size_t)ds.shm_segsz,
			 (unsigned)(ds.shm_perm.mode & 0777), (int)getpid());
	if (n < 0 || (size_t)n >= len)
		return;
	bool stopped;
	pid_t prev = publisher_predecessor(c->p, &stopped);
	if (!prev) {
		snprintf(buf + n, len - (size_t)n, " (created)");
		return;
	}
	char values[80];
	if (c->opt.from_stdin)
		snprintf(values, sizeof values, "lines %llu, bytes %llu",
			 (unsigned long long)atomic_load(c->lines.value),
			 (unsigned long long)atomic_load(c->bytes.value));
	else
		snprintf(values, sizeof values, "count %llu",
			 (unsigned long long)atomic_load(c->count.value));
	snprintf(buf + n, len - (size_t)n, " (%s pid %d, %s%s)",
		 stopped ? "resumed after" : "took over from dead writer", (int)prev, values,
		 c->opt.reset ? ", reset" : "");
}

const char *counting_error(const counting *c)
{
	return c->why;
}

static int lost(counting *c)
{
	snprintf(c->why, sizeof c->why, "%s", shmtop_error(c->p));
	return -1;
}

static int run_count(counting *c, const _Atomic int *stop)
{
	const bool flat_out = c->opt.interval_ns == 0;
	while (!atomic_load_explicit(stop, memory_order_relaxed)) {
		if (flat_out && !shmtop_paused(c->p)) {
			shmtop_inc(c->count);
			if (publisher_step_now(c->p) < 0)
				return lost(c);
			continue;
		}
		int64_t wait = shmtop_step(c->p);
		if (wait < 0)
			return lost(c);
		/* not now + wait: that is shorter while a predecessor's control
		 * is held, and a wake-up before it is no interval */
		int64_t due = publisher_next_due(c->p);
		if (flat_out || wait > OWNER_CHECK_NS)
			wait = OWNER_CHECK_NS; /* paused, or a long interval: a command wakes it */
		publisher_wait(c->p, wait);
		if (!shmtop_paused(c->p) && clock_mono_ns() >= due)
			shmtop_inc(c->count);
	}
	return 0;
}

/* Count the newlines and bytes of in_fd until it ends. */
static int run_stdin(counting *c, int in_fd, const _Atomic int *stop)
{
	if (shmtop_start(c->p))
		return lost(c);
	static char buf[1 << 16];
	struct pollfd pfd = { .fd = in_fd, .events = POLLIN };
	while (!atomic_load_explicit(stop, memory_order_relaxed)) {
		/* the helper thread publishes; a step here finds a lost segment */
		if (shmtop_step(c->p) < 0)
			return lost(c);
		int ready = poll(&pfd, 1, (int)(OWNER_CHECK_NS / NS_PER_MS));
		if (ready == 0 || (ready < 0 && errno == EINTR))
			continue;
		ssize_t n = ready < 0 ? -1 : read(in_fd, buf, sizeof buf);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n < 0) {
			snprintf(c->why, sizeof c->why, "cannot read standard input: %s",
				 strerror(errno));
			return -1;
		}
		if (n == 0)
			return 0;
		uint64_t nl = 0;
		for (const char *s = buf, *end = buf + n; (s = memchr(s, '\n', (size_t)(end - s)));
		     s++)
			nl++;
		shmtop_add(c->lines, nl);
		shmtop_add(c->bytes, (uint64_t)n);
	}
	return 0;
}

int counting_run(counting *c, int in_fd, const _Atomic int *stop)
{
	return c->opt.from_stdin ? run_stdin(c, in_fd, stop) : run_count(c, stop);
}

void counting_close(counting *c)
{
	if (!c)
		return;
	shmtop_close(c->p);
	free(c);
}
