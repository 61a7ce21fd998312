/* SPDX-License-Identifier: MIT */
/*
 * The control segment: how viewers ask the writer to pause, resume or reset.
 *
 * Every writer creates its own (IPC_PRIVATE, its own mode, marked for
 * removal at once so it never outlives its users), fills in data_shmid and
 * token, stores magic last and then publishes its shmid in the record's
 * control_id.  Whoever may attach it read-write may send commands; the data
 * segment stays read-only to viewers, and only the writer changes the
 * payload.
 *
 * Proof of belonging.  A record's bytes can be copied, so control_id alone
 * says nothing: a viewer sends commands only to a control segment owned by
 * the data segment's owner, created by the record's writer_pid, and whose
 * data_shmid and token name this data segment and this record
 * (trust_control() in trust.h).  Otherwise its controls are off.
 *
 * Takeover.  A writer that takes a segment over applies the commands still
 * pending in its predecessor's control segment (if that one passes the same
 * proof), starting its own from the same counters, and goes on applying
 * what arrives there until no viewer has it attached any more: no command
 * is lost in the handover.
 *
 * A command is two steps, both atomic:
 *   1. the request itself: pause/resume stores ((serial + 1) << 1 | paused)
 *      into `pause` with a CAS, so the last request wins and requests are
 *      totally ordered by serial; reset increments `reset`.
 *   2. `request` is incremented (release) and woken with FUTEX_WAKE; the new
 *      value is the sender's ticket.
 * The writer waits on `request` with FUTEX_WAIT and a timeout, loads it with
 * acquire, applies `pause` and every reset not yet acknowledged (the record's
 * reset_ack), then publishes request_ack = the value it loaded and wakes the
 * record's request_ack.  A sender whose ticket is at most request_ack knows
 * its command was applied: no reset is lost or applied twice.
 *
 * The bytes are written by other users: the writer trusts none of them
 * beyond their arithmetic meaning.  `request` is a futex word, and that is
 * safe in memory others write: the kernel only compares its 32-bit value
 * with the expected one and follows no pointer from it.
 */
#ifndef SHMTOP_CONTROL_H
#define SHMTOP_CONTROL_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "record.h"
#include "trust.h"

#define SHMTOP_CONTROL_MAGIC UINT64_C(0x4c5254434d485300) /* "\0SHMCTRL" */
#define SHMTOP_CONTROL_VERSION 2u                         /* the layout of struct shmtop_control */

struct shmtop_control {
	_Atomic uint64_t magic;
	_Atomic uint32_t version;
	_Atomic uint32_t size;
	_Atomic uint32_t request; /* futex word: bumped by every command */
	_Atomic uint32_t pause;   /* (serial << 1) | paused */
	_Atomic uint64_t reset;   /* reset requests, ever */
	_Atomic int32_t last_pid; /* sender of the newest command */
	_Atomic uint32_t last_uid;
	_Atomic int32_t data_shmid; /* the data segment this one commands */
	uint32_t reserved;
	_Atomic uint64_t token; /* that segment's record token */
};

static_assert(sizeof(struct shmtop_control) == 56, "layout");
static_assert(offsetof(struct shmtop_control, request) == 16, "layout");
static_assert(offsetof(struct shmtop_control, reset) == 24, "layout");
static_assert(offsetof(struct shmtop_control, data_shmid) == 40, "layout");
static_assert(offsetof(struct shmtop_control, token) == 48, "layout");

enum shmtop_command {
	SHMTOP_CMD_PAUSE,
	SHMTOP_CMD_RESUME,
	SHMTOP_CMD_RESET,
};

/* The counters of a predecessor's control segment a writer has applied. */
struct control_seen {
	uint32_t request, pause;
	uint64_t reset;
};

/* The counters of from as they are now, for control_forward(). */
void control_seen_now(const struct shmtop_control *from, struct control_seen *seen);

/* Fill a new control segment for data segment data_shmid and its record's
 * token, its command counters starting at start (the writer, before it
 * publishes the segment's id). */
void control_init(struct shmtop_control *c, int data_shmid, uint64_t token,
		  const struct control_seen *start);

/* Forward the commands sent to from since seen into to, as if they had been
 * sent there: the resets added, the newest pause or resume made again, and
 * request advanced by as many commands, so that the senders' tickets are
 * acknowledged once they are applied.  Updates seen; returns whether any
 * command came. */
bool control_forward(struct shmtop_control *to, const struct shmtop_control *from,
		     struct control_seen *seen);

/* Does the segment at seg (segsz bytes) hold a control block?  0 or -1. */
int control_check(const void *seg, size_t segsz);

/* Attach control segment c->id (segsz bytes, from IPC_STAT) read-write if
 * it holds a control block that proves it belongs to the record e describes:
 * trust_control() on what c knows, then again on the shmid and token the
 * block names.  The writer taking over and the viewer both use it.  Returns
 * the mapping, or NULL with the failed step in why; errno is shmat()'s error
 * when the attach itself was refused, else EPERM. */
struct shmtop_control *control_attach_proven(const struct control_claim *c, size_t segsz,
					     const struct control_expect *e, char *why,
					     size_t whylen);

/* Send cmd; returns the ticket to wait for.  If serial is not NULL, a
 * pause/resume stores its serial there (the order of pause requests). */
uint32_t control_send(struct shmtop_control *c, enum shmtop_command cmd, uint32_t *serial);

/* Wait until the writer of rec has acknowledged ticket, at most timeout_ms.
 * Returns 0, or -1 with errno ETIMEDOUT. */
int control_wait(const struct shmtop_record *rec, uint32_t ticket, int timeout_ms);

/* The same for any version's record: wait on its futex word request_ack
 * until it acknowledges ticket and confirmed(ctx, ticket) says a whole copy
 * of the record does too. */
int control_wait_word(const _Atomic uint32_t *request_ack, uint32_t ticket, int timeout_ms,
		      int (*confirmed)(const void *ctx, uint32_t ticket), const void *ctx);

/* Has the writer acknowledged ticket, given its published request_ack? */
int control_acked(uint32_t request_ack, uint32_t ticket);

#endif
