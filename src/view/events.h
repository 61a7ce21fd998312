/* SPDX-License-Identifier: MIT */
/*
 * The lifecycle event log of one segment.  The viewer observes the segment
 * each tick (its IPC_STAT fields and, for a shmwriter segment, the record's
 * writer fields); events_diff() compares two observations and appends what
 * happened in between to a fixed ring of events, oldest dropped first.
 *
 * What each event is seen through:
 *   attach, detach    nattch up or down (lpid is the last to attach or
 *                     detach); nattch unchanged but atime or dtime moved: a
 *                     brief attach and detach both
 *   created, gone     the segment appears, or is no longer there at all
 *   removed           dest set (IPC_RMID while still attached)
 *   recreated         the key is on a new shmid
 *   writer start      a record appears, or a new writer after a clean stop
 *   takeover          the writers count went up over a writer that did not
 *                     stop cleanly
 *   stop, death       state stopped; or the writer's pid and start time no
 *                     longer name a live process, without the stopped state
 *   pause, resume     state paused / running again
 *   reset             resets went up; by the control segment's last sender
 *                     (pid, uid) when known
 * Everything here is pure: the caller supplies the observations, the
 * liveness of the writer (proc_alive()) and the time.
 *
 * The detail view keeps a struct events_log: the observations of the
 * watched segment, taken from the monitor after each poll, diffed into a
 * ring.  Its first observation only sets the baseline (what was already
 * there is not news).
 */
#ifndef SHMTOP_EVENTS_H
#define SHMTOP_EVENTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "ipcobj.h"
#include "ipcstat.h"
#include "model.h"

#define EVENTS_MAX 256 /* events a ring keeps */
#define EVENTS_TEXT 120

/* One observation of a segment. */
struct events_obs {
	bool present; /* the segment exists; st is valid */
	struct ipcstat st;
	bool have_writer; /* a validated shmwriter record: the fields below */
	pid_t writer_pid;
	uint64_t writer_start; /* /proc/PID/stat start time */
	uint32_t state;        /* enum shmtop_state */
	uint64_t resets;
	uint64_t writers;  /* writers that have owned the segment */
	bool writer_alive; /* proc_alive(writer_pid, writer_start) */
	bool have_sender;  /* the control segment's last sender is known */
	pid_t last_pid;
	uid_t last_uid;
	unsigned by_self;   /* 1u << EVENT_PAUSE, _RESUME, _RESET: sent by this viewer and
			     * not yet seen applied (events_log_sent()) */
	bool waits_scanned; /* a scan found the processes blocked on a futex in it */
	size_t nwaits;      /* found; the first IPCOBJ_WAITS in waits[], pid ascending */
	struct objlist_wait waits[IPCOBJ_WAITS];
};

enum event_kind {
	EVENT_CREATED,
	EVENT_GONE,
	EVENT_ATTACH,
	EVENT_DETACH,
	EVENT_REMOVED,
	EVENT_RECREATED,
	EVENT_WRITER_START,
	EVENT_TAKEOVER,
	EVENT_STOP,
	EVENT_DEATH,
	EVENT_PAUSE,
	EVENT_RESUME,
	EVENT_RESET,
	EVENT_RESIZE,   /* an object's size changed */
	EVENT_RESIDENT, /* an object's resident bytes changed */
	EVENT_WAIT,     /* a process began waiting on a set, a queue or a futex in an object */
	EVENT_UNWAIT,   /* ... ceased to */
	EVENT_FULL,     /* a queue became full (ipcobj_full()) */
	EVENT_EMPTY,    /* a queue's last message was received */
	EVENT_NOTIFY,   /* an mqueue's NOTIFY_PID set, cleared or changed */
	EVENT_NKINDS
};

struct event {
	int64_t wall_ns; /* when it was seen (CLOCK_REALTIME) */
	enum event_kind kind;
	int shmid;
	key_t key;
	pid_t pid; /* who, or 0 if unknown */
	uid_t uid; /* with have_uid */
	bool have_uid;
	uint64_t n;             /* how many (attaches, resets), or the new value */
	char text[EVENTS_TEXT]; /* one line, no newline, no time */
};

/* A ring of the newest EVENTS_MAX events.  Zero it (or events_init()) to
 * start empty. */
struct events_ring {
	uint64_t next; /* events pushed, ever */
	struct event ev[EVENTS_MAX];
};

void events_init(struct events_ring *r);

/* Append e, dropping the oldest when full. */
void events_push(struct events_ring *r, const struct event *e);

/* Events held: min(next, EVENTS_MAX). */
size_t events_count(const struct events_ring *r);

/* The i-th event held, oldest first (i < events_count()), or NULL. */
const struct event *events_get(const struct events_ring *r, size_t i);

/* Append to r what happened between prev and cur, seen at wall_ns.
 * Returns how many events it appended. */
size_t events_diff(const struct events_obs *prev, const struct events_obs *cur, int64_t wall_ns,
		   struct events_ring *r);

/* The event log of the watched segment: its ring and the last observation,
 * to diff the next against.  events_log_init() starts it empty, with no
 * baseline. */
struct events_log {
	struct events_ring ring;
	struct events_obs prev;
	bool have_prev;
	unsigned sent; /* by_self of the next observation */
};

void events_log_init(struct events_log *lg);

/* This viewer sent cmd (SHMTOP_CMD_PAUSE, _RESUME or _RESET; control.h):
 * the next such event seen is logged "by this viewer".  With refused (the
 * program refused it), that is forgotten. */
void events_log_sent(struct events_log *lg, int cmd, bool refused);

/* The observation a model input (as monitor_input() fills it) amounts to. */
void events_observe(const struct model_input *in, struct events_obs *out);

/* Observe in at wall_ns; returns the events appended (0 the first time). */
size_t events_log_update(struct events_log *lg, const struct model_input *in, int64_t wall_ns);

/* One observation of a POSIX, memfd or deleted object, for the detail
 * view of an object list row: its size, resident bytes, holders and
 * waiters.  Its events: gone (no longer listed, nor held), created (listed
 * again), removed (its name unlinked while held: now a deleted object),
 * resize, resident, attach and detach (a process began or ceased to hold
 * it), wait and unwait (a process began or ceased to wait on a futex in
 * it); the last four only between two observations that both had a scan. */
#define EVENTS_OBJ_PIDS 64

struct events_objobs {
	bool present;
	bool linked; /* it has its name in /dev/shm (a posix object, not deleted) */
	uint64_t size, resident;
	bool scanned;    /* holders known */
	size_t nholders; /* holders found */
	size_t npids;    /* of which in pids[] (and comm[]), pid ascending */
	pid_t pids[EVENTS_OBJ_PIDS];
	char comm[EVENTS_OBJ_PIDS][16];
	size_t nwaits; /* processes blocked on a futex in it; the first IPCOBJ_WAITS in
			* waits[], pid ascending */
	struct objlist_wait waits[IPCOBJ_WAITS];
};

/* Append to r what happened between prev and cur, seen at wall_ns.
 * Returns how many events it appended. */
size_t events_obj_diff(const struct events_objobs *prev, const struct events_objobs *cur,
		       int64_t wall_ns, struct events_ring *r);

/* Append to r what happened to a semaphore set or message queue between
 * two looks at it (ipcobj.h), seen at wall_ns: created (listed at the
 * second look only), removed (its id no longer listed, or another object
 * on it: ipcobj_other(); nothing more is compared then), a waiter arriving or leaving (a
 * semaphore's ncount or zcount up or down, when both looks read the
 * values; and, between two looks that both had a scan, each process
 * blocked on it by pid, with what it waits for), a queue full or empty;
 * an mqueue's removal is its name gone or another inode under it
 * (mq.other), and its NOTIFY_PID set, cleared or changed is logged too.
 * Returns how many events it appended. */
size_t events_ipc_diff(const struct ipcobj *prev, const struct ipcobj *cur, int64_t wall_ns,
		       struct events_ring *r);

/* Append to r the waiters that arrived between two scans (EVENT_WAIT: in
 * cur, not in prev, by pid) and left (EVENT_UNWAIT), each "pid 12 (comm)
 * waits for a futex at offset 8" (ipcview_wait_text()), labelled id and
 * key (a set's or segment's; -1 and 0 for other objects), n the count
 * of the list it is in (nprev, ncur: found).  Only the first IPCOBJ_WAITS
 * of each are compared.  Returns how many events it appended. */
size_t events_waiters_diff(const struct objlist_wait *prev, size_t nprev,
			   const struct objlist_wait *cur, size_t ncur, int id, key_t key,
			   int64_t wall_ns, struct events_ring *r);

/* The kind's short name: "attach", "detach", "writer start", ... */
const char *events_kind_name(enum event_kind k);

/* An event as a log line: "14:03:22 attach: pid 1234 attached (nattch 3)",
 * the time local, to the second. */
char *events_format(const struct event *e, char *buf, size_t len);

#endif
