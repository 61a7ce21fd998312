/* SPDX-License-Identifier: MIT */
/*
 * Commands from viewers to the writer through the control segment; the
 * protocol is described at the top of control.h.
 */
#include "control.h"

#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/shm.h>
#include <unistd.h>

#include "clock.h"
#include "futex.h"

#define RELAXED memory_order_relaxed

void control_seen_now(const struct shmtop_control *from, struct control_seen *seen)
{
	seen->request = atomic_load_explicit(&from->request, memory_order_acquire);
	seen->pause = atomic_load_explicit(&from->pause, RELAXED);
	seen->reset = atomic_load_explicit(&from->reset, RELAXED);
}

void control_init(struct shmtop_control *c, int data_shmid, uint64_t token,
		  const struct control_seen *start)
{
	atomic_store_explicit(&c->version, SHMTOP_CONTROL_VERSION, RELAXED);
	atomic_store_explicit(&c->size, sizeof *c, RELAXED);
	atomic_store_explicit(&c->request, start->request, RELAXED);
	atomic_store_explicit(&c->pause, start->pause, RELAXED);
	atomic_store_explicit(&c->reset, start->reset, RELAXED);
	atomic_store_explicit(&c->last_pid, 0, RELAXED);
	atomic_store_explicit(&c->last_uid, 0, RELAXED);
	atomic_store_explicit(&c->data_shmid, data_shmid, RELAXED);
	atomic_store_explicit(&c->token, token, RELAXED);
	atomic_store_explicit(&c->magic, SHMTOP_CONTROL_MAGIC, memory_order_release);
}

/* Ask for paused (1) or running (0) with the next serial; returns it. */
static uint32_t request_pause(struct shmtop_control *c, uint32_t want)
{
	uint32_t old = atomic_load_explicit(&c->pause, RELAXED), next;
	do
		next = (((old >> 1) + 1) << 1) | want;
	while (!atomic_compare_exchange_weak_explicit(&c->pause, &old, next, RELAXED, RELAXED));
	return next >> 1;
}

bool control_forward(struct shmtop_control *to, const struct shmtop_control *from,
		     struct control_seen *seen)
{
	struct control_seen now;
	control_seen_now(from, &now);
	if (now.request == seen->request)
		return false;
	if (now.reset != seen->reset)
		atomic_fetch_add_explicit(&to->reset, now.reset - seen->reset, RELAXED);
	if (now.pause != seen->pause)
		request_pause(to, now.pause & 1);
	atomic_fetch_add_explicit(&to->request, now.request - seen->request, memory_order_release);
	*seen = now;
	return true;
}

int control_check(const void *seg, size_t segsz)
{
	const struct shmtop_control *c = seg;
	if (segsz < sizeof *c)
		return -1;
	if (atomic_load_explicit(&c->magic, memory_order_acquire) != SHMTOP_CONTROL_MAGIC ||
	    atomic_load_explicit(&c->version, memory_order_relaxed) != SHMTOP_CONTROL_VERSION ||
	    atomic_load_explicit(&c->size, memory_order_relaxed) != sizeof *c)
		return -1;
	return 0;
}

uint32_t control_send(struct shmtop_control *c, enum shmtop_command cmd, uint32_t *serial)
{
	if (cmd == SHMTOP_CMD_RESET) {
		atomic_fetch_add_explicit(&c->reset, 1, RELAXED);
	} else {
		uint32_t got = request_pause(c, cmd == SHMTOP_CMD_PAUSE);
		if (serial)
			*serial = got;
	}
	atomic_store_explicit(&c->last_pid, (int32_t)getpid(), memory_order_relaxed);
	atomic_store_explicit(&c->last_uid, (uint32_t)getuid(), memory_order_relaxed);
	uint32_t ticket = atomic_fetch_add_explicit(&c->request, 1, memory_order_release) + 1;
	futex_wake(&c->request);
	return ticket;
}

int control_acked(uint32_t request_ack, uint32_t ticket)
{
	return (int32_t)(request_ack - ticket) >= 0;
}

int control_wait_word(const _Atomic uint32_t *request_ack, uint32_t ticket, int timeout_ms,
		      int (*confirmed)(const void *ctx, uint32_t ticket), const void *ctx)
{
	int64_t deadline = clock_mono_ns() + timeout_ms * NS_PER_MS;
	for (;;) {
		uint32_t ack = atomic_load_explicit(request_ack, memory_order_acquire);
		int64_t nap = 50 * NS_PER_MS; /* bounded: the writer may die */
		if (control_acked(ack, ticket)) {
			if (confirmed(ctx, ticket))
				return 0;
			nap = 0; /* mid-publish: the copy settles in microseconds */
		}
		int64_t left = deadline - clock_mono_ns();
		if (left <= 0) {
			errno = ETIMEDOUT;
			return -1;
		}
		if (nap == 0)
			sched_yield();
		else
			futex_wait(request_ack, ack, left < nap ? left : nap);
	}
}

/* Confirm on a whole, untorn copy so that the caller's next record_read()
 * sees the applied state too. */
static int confirmed_v2(const void *rec, uint32_t ticket)
{
	struct shmtop_snapshot s;
	char why[128];
	return record_read(rec, sizeof(struct shmtop_record), &s, why, sizeof why) ==
		   SHMTOP_READ_OK &&
	       control_acked(s.request_ack, ticket);
}

int control_wait(const struct shmtop_record *rec, uint32_t ticket, int timeout_ms)
{
	return control_wait_word(&rec->request_ack, ticket, timeout_ms, confirmed_v2, rec);
}

struct shmtop_control *control_attach_proven(const struct control_claim *c, size_t segsz,
					     const struct control_expect *e, char *why,
					     size_t whylen)
{
	if (trust_control(c, e, why, whylen)) {
		errno = EPERM;
		return NULL;
	}
	struct shmtop_control *p = shmat(c->id, NULL, 0);
	if (p == (void *)-1) {
		int err = errno;
		snprintf(why, whylen, "control segment %d: %s", c->id, strerror(err));
		errno = err;
		return NULL;
	}
	struct control_claim named = *c;
	if (control_check(p, segsz)) {
		snprintf(why, whylen, "segment %d is not a control segment", c->id);
	} else {
		named.have_bytes = true;
		named.data_shmid = atomic_load_explicit(&p->data_shmid, memory_order_relaxed);
		named.token = atomic_load_explicit(&p->token, memory_order_relaxed);
		if (trust_control(&named, e, why, whylen) == 0)
			return p;
	}
	shmdt(p);
	errno = EPERM;
	return NULL;
}
