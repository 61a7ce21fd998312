/* SPDX-License-Identifier: MIT */
#include "shmtop/report.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "shmtop/format.h"

/* An output buffer that counts what it would need, as snprintf does. */
struct out {
	char *buf;
	size_t len, pos;
};

static void put(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void put(struct out *o, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	size_t room = o->pos < o->len ? o->len - o->pos : 0;
	int n = vsnprintf(room ? o->buf + o->pos : NULL, room, fmt, ap);
	va_end(ap);
	if (n > 0)
		o->pos += (size_t)n;
}

/* A JSON string, or null for NULL. */
static void put_str(struct out *o, const char *s)
{
	if (!s) {
		put(o, "null");
		return;
	}
	put(o, "\"");
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			put(o, "\\%c", *p);
		else if (*p < 0x20 || *p == 0x7f)
			put(o, "\\u%04x", *p);
		else
			put(o, "%c", *p);
	}
	put(o, "\"");
}

static void finish(struct out *o)
{
	if (o->len)
		o->buf[o->pos < o->len ? o->pos : o->len - 1] = '\0';
}

size_t report_text(const struct view_model *m, char *buf, size_t len)
{
	struct out o = { buf, len, 0 };
	put(&o, "%s - %s\n", m->title, m->badge);
	if (m->message[0])
		put(&o, "%s\n", m->message);
	if (m->have_value)
		put(&o, "count %s  %s\n", m->value, m->details);
	put(&o, "%s\n", m->writer);
	if (m->control[0])
		put(&o, "%s\n", m->control);
	for (size_t i = 0; i < m->nfields; i++)
		put(&o, "%-8s %s\n", m->fields[i].label, m->fields[i].value);
	if (m->have_value)
		put(&o, "%s\n%s\n", m->spark_title, m->spark);
	put(&o, "\n");
	finish(&o);
	return o.pos;
}

/* The state as a lower-case JSON word. */
static const char *state_word(const struct view_model *m)
{
	switch (m->state) {
	case MODEL_WAITING: return "waiting";
	case MODEL_REMOVED: return "removed";
	case MODEL_DENIED: return "denied";
	case MODEL_FOREIGN: return "foreign";
	case MODEL_STARTING: return "starting";
	case MODEL_DAMAGED: return "damaged";
	case MODEL_ERROR: return "error";
	case MODEL_LIVE: break;
	}
	switch (m->health) {
	case HEALTH_RUNNING: return "running";
	case HEALTH_PAUSED: return "paused";
	case HEALTH_STOPPED: return "stopped";
	case HEALTH_STALLED: return "stalled";
	case HEALTH_DEAD: return "dead";
	case HEALTH_NONE: break;
	}
	return "unknown";
}

size_t report_json(const struct view_model *m, const struct model_input *in, char *buf,
		   size_t len)
{
	struct out o = { buf, len, 0 };
	const struct ipcstat *st = in->stat;
	const struct shmtop_snapshot *s = in->snap;
	char a[48];
	put(&o, "{\"key\":\"%s\"", format_key(in->key, a, sizeof a));
	if (st) {
		put(&o, ",\"shmid\":%d,\"size\":%" PRIu64 ",\"perms\":\"%s\"", st->shmid, st->size,
		    format_perms(st->mode, a, sizeof a));
		put(&o, ",\"mode\":\"%s\",\"owner\":", format_octal(st->mode, a, sizeof a));
		put_str(&o, in->owner);
		put(&o, ",\"nattch\":%" PRIu64 ",\"status\":", st->nattch);
		put_str(&o, st->dest || st->locked ? format_status(st->dest, st->locked, a, sizeof a)
						   : NULL);
		put(&o, ",\"cpid\":%d,\"lpid\":%d,\"atime\":%" PRId64 ",\"dtime\":%" PRId64
			",\"ctime\":%" PRId64,
		    (int)st->cpid, (int)st->lpid, st->atime, st->dtime, st->ctime);
	} else {
		put(&o, ",\"shmid\":null,\"size\":null,\"perms\":null,\"mode\":null,\"owner\":null"
			",\"nattch\":null,\"status\":null,\"cpid\":null,\"lpid\":null"
			",\"atime\":null,\"dtime\":null,\"ctime\":null");
	}
	put(&o, ",\"state\":\"%s\",\"message\":", state_word(m));
	put_str(&o, m->message[0] ? m->message : NULL);
	if (s) {
		put(&o, ",\"count\":%" PRIu64 ",\"resets\":%" PRIu64 ",\"writer_pid\":%d", s->count,
		    s->resets, (int)s->writer_pid);
		put(&o, ",\"writer_command\":");
		put_str(&o, in->writer_comm);
		put(&o, ",\"writer_alive\":%s,\"age\":%.3f,\"rate\":%.3f",
		    in->writer_alive ? "true" : "false", (double)m->age_ns / 1e9, m->rate);
		char ps[2] = { in->writer_pstate, '\0' }; /* its /proc state, when it looks stuck */
		put(&o, ",\"writer_proc_state\":");
		put_str(&o, in->writer_pstate ? ps : NULL);
		put(&o, ",\"busy\":%s", in->busy ? "true" : "false");
	} else {
		put(&o, ",\"count\":null,\"resets\":null,\"writer_pid\":null,\"writer_command\":null"
			",\"writer_alive\":null,\"age\":null,\"rate\":null"
			",\"writer_proc_state\":null,\"busy\":null");
	}
	put(&o, "}\n");
	finish(&o);
	return o.pos;
}
