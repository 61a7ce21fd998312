/* SPDX-License-Identifier: MIT */
/* A set's or queue's looks as counters (ipcview.h). */
#include "ipcview.h"

#include <stdio.h>
#include <string.h>

static uint64_t sat_add(uint64_t a, uint64_t b)
{
	return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

void ipcview_estimate(const struct ipcobj *prev, const struct ipcobj *cur, uint64_t *sent,
		      uint64_t *received)
{
	const struct sysvipc_ipc *a = &prev->ipc, *b = &cur->ipc;
	uint64_t aq = a->qnum, bq = b->qnum;
	bool s = a->stime != b->stime || a->lspid != b->lspid;
	bool r = a->rtime != b->rtime || a->lrpid != b->lrpid;
	if (cur->kind == OBJLIST_MQUEUE) {
		/* one time for both: a move with no net change is one of each */
		bool ok = prev->values_ok && cur->values_ok;
		bool moved = ok && prev->mq.mtime_ns != cur->mq.mtime_ns;
		aq = ok ? prev->mq.curmsgs : 0;
		bq = ok ? cur->mq.curmsgs : 0;
		s = moved && bq >= aq;
		r = moved && bq <= aq;
	}
	uint64_t up = bq > aq ? bq - aq : 0;
	uint64_t down = aq > bq ? aq - bq : 0;
	/* sent - received = up - down, sent >= s, received >= r */
	uint64_t sn = up;
	if (s && sn < 1)
		sn = 1;
	if (r && down == 0 && sn < sat_add(up, 1))
		sn = sat_add(up, 1);
	*sent = sn;
	*received = down ? sat_add(sn, down) : sn - up;
}

static struct seen_item *item(struct seen *s, const char *name, const char *unit,
			      enum model_kind kind, uint64_t v, const char *help)
{
	struct seen_item *k = &s->item[s->n++];
	memset(k, 0, sizeof *k);
	seen_copy(k->name, sizeof k->name, name);
	seen_copy(k->unit, sizeof k->unit, unit);
	seen_copy(k->help, sizeof k->help, help);
	k->kind = kind;
	k->type = VALUE_UINT;
	k->value = v;
	return k;
}

int ipcview_items(const struct ipcobj *o, const struct ipcview_totals *t, struct seen *s)
{
	char name[MODEL_NAME_MAX];
	s->n = 0;
	if (o->kind == OBJLIST_SYSV_SEM) {
		if (seen_reserve(s, o->nsem * 4))
			return -1;
		for (size_t i = 0; i < o->nsem; i++) {
			const struct ipcobj_sem *m = &o->sem[i];
			snprintf(name, sizeof name, "sem %zu value", i);
			item(s, name, "", MODEL_GAUGE, m->value, "semval (GETVAL)");
			snprintf(name, sizeof name, "sem %zu ncount", i);
			item(s, name, "", MODEL_GAUGE, m->ncount,
			     "processes waiting for its value to rise (GETNCNT)");
			snprintf(name, sizeof name, "sem %zu zcount", i);
			item(s, name, "", MODEL_GAUGE, m->zcount,
			     "processes waiting for it to reach 0 (GETZCNT)");
			snprintf(name, sizeof name, "sem %zu pid", i);
			item(s, name, "", MODEL_GAUGE, (uint64_t)(m->pid > 0 ? m->pid : 0),
			     "the pid of its last semop() (GETPID)");
		}
		return 0;
	}
	if (o->kind == OBJLIST_MQUEUE) {
		const struct ipcobj_mq *q = &o->mq;
		if (seen_reserve(s, 8))
			return -1;
		const char *mest = "an estimate, a lower bound: from curmsgs and the moves of the "
				   "queue's mtime between looks";
		struct seen_item *k[4];
		k[0] = item(s, "messages", "", MODEL_GAUGE, q->curmsgs,
			    "messages on the queue (mq_getattr: mq_curmsgs)");
		struct seen_item *b = item(s, "bytes", "bytes", MODEL_GAUGE, q->qsize,
					   "bytes of the messages on the queue (its file's QSIZE)");
		b->novalue = !q->have_qsize;
		k[1] = item(s, "maxmsg", "", MODEL_GAUGE, q->maxmsg,
			    "messages the queue holds at most (mq_maxmsg)");
		k[2] = item(s, "msgsize", "bytes", MODEL_GAUGE, q->msgsize,
			    "a message's largest size (mq_msgsize)");
		uint64_t room = q->msgsize && q->maxmsg > UINT64_MAX / q->msgsize
				    ? UINT64_MAX
				    : q->maxmsg * q->msgsize;
		k[3] = item(s, "room", "bytes", MODEL_GAUGE, room,
			    "bytes the queue holds at most (maxmsg * msgsize)");
		for (size_t i = 0; i < 4; i++)
			k[i]->novalue = !o->values_ok;
		item(s, "sent (est.)", "", MODEL_COUNTER, t->sent, mest);
		item(s, "received (est.)", "", MODEL_COUNTER, t->received, mest);
		item(s, "notify pid", "", MODEL_GAUGE, q->notify_pid,
		     "the process mq_notify() signals on a message (its file's NOTIFY_PID), 0 "
		     "for none");
		return 0;
	}
	if (seen_reserve(s, 7))
		return -1;
	const char *est = "an estimate, a lower bound: from qnum and the moves of stime, rtime, "
			  "lspid, lrpid between looks";
	item(s, "messages", "", MODEL_GAUGE, o->ipc.qnum, "messages on the queue (qnum)");
	item(s, "bytes", "bytes", MODEL_GAUGE, o->ipc.cbytes,
	     "bytes of the messages on the queue (cbytes)");
	struct seen_item *q = item(s, "qbytes", "bytes", MODEL_GAUGE, o->qbytes,
				   "the queue's room in bytes (IPC_STAT)");
	q->novalue = !o->values_ok;
	item(s, "sent (est.)", "", MODEL_COUNTER, t->sent, est);
	item(s, "received (est.)", "", MODEL_COUNTER, t->received, est);
	item(s, "lspid", "", MODEL_GAUGE, (uint64_t)(o->ipc.lspid > 0 ? o->ipc.lspid : 0),
	     "the last sender's pid");
	item(s, "lrpid", "", MODEL_GAUGE, (uint64_t)(o->ipc.lrpid > 0 ? o->ipc.lrpid : 0),
	     "the last receiver's pid");
	return 0;
}

const char *ipcview_wait_text(const struct objlist_wait *w, char *buf, size_t len)
{
	switch (w->op) {
	case OBJLIST_WAIT_SEM:
		if (w->semnum < 0)
			snprintf(buf, len, "a semaphore of the set");
		else if (w->semop == 0)
			snprintf(buf, len, "sem %d to reach 0", w->semnum);
		else
			snprintf(buf, len, "sem %d to rise (op %d)", w->semnum, w->semop);
		break;
	case OBJLIST_WAIT_MSGRCV:
	case OBJLIST_WAIT_MQRCV: snprintf(buf, len, "a message"); break;
	case OBJLIST_WAIT_MSGSND:
	case OBJLIST_WAIT_MQSND: snprintf(buf, len, "room for a message"); break;
	case OBJLIST_WAIT_FUTEX:
		snprintf(buf, len, "a futex at offset %llu", (unsigned long long)w->offset);
		break;
	default: snprintf(buf, len, "?"); break;
	}
	return buf;
}
