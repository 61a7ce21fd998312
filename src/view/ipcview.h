/* SPDX-License-Identifier: MIT */
/*
 * What a SysV semaphore set or message queue holds, as its detail view
 * shows it: its looks (ipcobj.h) as named counters (content.h), each with
 * the sparkline this viewer keeps (seen.h), so the dashboard's counters
 * table, graph and rates work on them as on any other format's.
 *
 *   a set     "sem N value", "sem N ncount", "sem N zcount", "sem N pid"
 *             for each semaphore read (at most IPCOBJ_SEMS)
 *   a queue   "messages" (qnum: the depth, the first, graphed), "bytes"
 *             (cbytes), "qbytes", "sent (est.)" and "received (est.)",
 *             "lspid", "lrpid"
 *   an mqueue "messages" (mq_curmsgs, graphed), "bytes" (QSIZE), "maxmsg",
 *             "msgsize", "room" (maxmsg * msgsize bytes, saturated),
 *             "sent (est.)", "received (est.)", "notify pid"
 *
 * A queue's counts of messages sent and received are an estimate, a lower
 * bound: the kernel counts neither, so between two looks the change of
 * qnum and the moves of stime, rtime, lspid and lrpid (a send, a receive)
 * say at least how many there were (ipcview_estimate()); their rates are
 * the table's rates of those counts.  A POSIX queue keeps no last sender
 * or receiver, and one time for both: its mtime, which each send and each
 * receive moves, to the second (the mqueue file system's granularity:
 * its st_mtim is .000000000 always).  So curmsgs up by n means
 * n sends at least, down by n n receives; unchanged with the mtime moved,
 * one of each at least; unchanged within the mtime's second, none seen.
 * Who sent or received is not known, nor, when both happened between two
 * looks, how many beyond the net change.  Its owner
 * can move the mtime with utimensat(): a move is taken for a send and a
 * receive.  Pure.
 */
#ifndef SHMTOP_IPCVIEW_H
#define SHMTOP_IPCVIEW_H

#include <stdbool.h>
#include <stdint.h>

#include "ipcobj.h"
#include "seen.h"

#define IPCVIEW_SET_FORMAT "SysV semaphore set"
#define IPCVIEW_QUEUE_FORMAT "SysV message queue"
#define IPCVIEW_MQUEUE_FORMAT "POSIX message queue"

/* The fewest messages sent and received between two looks at one queue
 * (not another object: ipcobj_other()) that explain them: qnum changed by
 * sent - received, a moved stime or lspid means one send at least, a moved
 * rtime or lrpid one receive; an mqueue's by its curmsgs and mtime (both
 * looks' values_ok, else none).  Saturating: a count never passes
 * UINT64_MAX. */
void ipcview_estimate(const struct ipcobj *prev, const struct ipcobj *cur, uint64_t *sent,
		      uint64_t *received);

/* A queue's estimated totals since the view opened. */
struct ipcview_totals {
	uint64_t sent, received;
};

/* The counters of o (sent and received from t, a queue's) as a read's
 * list in s, for seen_take().  0, or -1: out of memory. */
int ipcview_items(const struct ipcobj *o, const struct ipcview_totals *t, struct seen *s);

/* What waiter w waits for, in buf: "sem 2 to rise (op -1)", "sem 0 to
 * reach 0", "a semaphore of the set", "a message", "room for a message",
 * ...  Returns buf. */
const char *ipcview_wait_text(const struct objlist_wait *w, char *buf, size_t len);

#endif
