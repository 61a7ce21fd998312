/* SPDX-License-Identifier: MIT */
#include "report.h"

#include <ctype.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "clock.h"
#include "format.h"
#include "json.h"
#include "names.h"

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

/* A JSON string (json.h's rules), or null for NULL. */
static void put_str(struct out *o, const char *s)
{
	size_t room = o->pos < o->len ? o->len - o->pos : 0;
	o->pos += json_string(s, room ? o->buf + o->pos : NULL, room);
}

/* A time in seconds since the epoch, or null for not set (0). */
static void put_time(struct out *o, const char *name, int64_t t)
{
	if (t)
		put(o, ",\"%s\":%" PRId64, name, t);
	else
		put(o, ",\"%s\":null", name);
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
	if (m->table_rows) {
		put(&o, "%s\n%s\n", m->table_title, m->table_head);
		for (size_t i = 0; i < m->table_rows; i++)
			put(&o, "%s\n", m->table[i]);
		if (m->table_first + m->table_rows < m->ncounters)
			put(&o, "  ... %zu more (--json lists every counter)\n",
			    m->ncounters - m->table_first - m->table_rows);
	}
	if (m->have_value)
		put(&o, "%s\n%s\n", m->spark_title, m->spark);
	put(&o, "\n");
	finish(&o);
	return o.pos;
}

/* The state as a lower-case JSON word. */
static const char *state_word(enum model_state state, enum model_health health)
{
	switch (state) {
	case MODEL_WAITING: return "waiting";
	case MODEL_REMOVED: return "removed";
	case MODEL_DENIED: return "denied";
	case MODEL_FOREIGN: return "foreign";
	case MODEL_STARTING: return "starting";
	case MODEL_DAMAGED: return "damaged";
	case MODEL_ERROR: return "error";
	case MODEL_LIVE: break;
	}
	switch (health) {
	case HEALTH_RUNNING: return "running";
	case HEALTH_PAUSED: return "paused";
	case HEALTH_STOPPED: return "stopped";
	case HEALTH_STALLED: return "stalled";
	case HEALTH_DEAD: return "dead";
	case HEALTH_NONE: break;
	}
	return "unknown";
}

/* The attached processes as the screen lists them (pid ascending, at most
 * ATTACHED_MAX), this viewer's own marked: null when not scanned. */
static void put_attached(struct out *o, const struct model_input *in)
{
	const struct attached *a = in->stat ? in->att : NULL;
	put(o, ",\"viewer_pid\":%d,\"viewer_attached\":%s", (int)in->self_pid,
	    in->self_attached ? "true" : "false");
	if (!a) {
		put(o, ",\"attached_total\":null,\"attached_unreadable\":null,\"attached\":null");
		return;
	}
	put(o, ",\"attached_total\":%zu,\"attached_unreadable\":%zu,\"attached\":[", a->total,
	    a->unreadable);
	for (size_t i = 0; i < a->n; i++) {
		const struct attached_proc *p = &a->procs[i];
		put(o, "%s{\"pid\":%d,\"uid\":%u,\"user\":", i ? "," : "", (int)p->pid,
		    (unsigned)p->uid);
		put_str(o, p->user);
		put(o, ",\"map\":\"%s\",\"maps\":%u,\"command\":", p->writable ? "rw" : "ro",
		    p->maps);
		put_str(o, p->command);
		put(o, ",\"viewer\":%s}",
		    in->self_pid > 0 && p->pid == in->self_pid ? "true" : "false");
	}
	put(o, "]");
}

/* A time in seconds since the epoch with milliseconds, or null for 0. */
static void put_secs(struct out *o, int64_t ns)
{
	if (ns <= 0)
		put(o, "null");
	else
		put(o, "%" PRId64 ".%03" PRId64, ns / NS_PER_SEC, ns % NS_PER_SEC / NS_PER_MS);
}

/* A rate (model_rate()), or null for none. */
static void put_rate(struct out *o, double r)
{
	if (isnan(r))
		put(o, "null");
	else
		put(o, "%.3f", r);
}

/* A counter's value: a JSON number as value_format() writes it, a text
 * counter's string, or null for a double that is not finite (JSON has no
 * NaN or infinity). */
static void put_value(struct out *o, const struct model_counter *c)
{
	char v[VALUE_CHARS];
	if (!c)
		put(o, "0");
	else if (c->type == VALUE_TEXT)
		put_str(o, c->text);
	else if (!value_finite(c->type, c->value))
		put(o, "null");
	else
		put(o, "%s", value_format(c->type, c->value, v, sizeof v));
}

static const char *const kind_names[] = {
	[MODEL_COUNTER] = "counter",
	[MODEL_GAUGE] = "gauge",
	[MODEL_CONSTANT] = "constant",
};

/* A record's counters: "counters":[{name, kind, unit, value, changed,
 * rate}], rate null but for a counter; help where the format has it. */
static void put_counters(struct out *o, const struct view_model *m, const struct model_input *in)
{
	const struct content *ct = in->content;
	if (!ct || !ct->named)
		return;
	put(o, ",\"counters\":[");
	for (size_t i = 0; i < ct->nctr; i++) {
		const struct model_counter *c = &ct->ctr[i];
		put(o, "%s{\"name\":", i ? "," : "");
		put_str(o, c->name);
		put(o, ",\"kind\":\"%s\",\"unit\":", kind_names[c->kind]);
		put_str(o, c->unit);
		put(o, ",\"value\":");
		put_value(o, c);
		if (c->help[0]) {
			put(o, ",\"help\":");
			put_str(o, c->help);
		}
		if (c->per_second && value_finite(c->type, c->value))
			put(o, ",\"seconds\":%.9g",
			    value_number(c->type, c->value) / (double)c->per_second);
		put(o, ",\"changed\":");
		put_secs(o, c->changed_wall_ns);
		double r = c->kind != MODEL_COUNTER
			       ? (double)NAN
			       : model_rate(m->health, in, c->spark, c->nspark, c->type);
		put(o, ",\"rate\":");
		put_rate(o, r);
		put(o, "}");
	}
	put(o, "]");
}

size_t report_json(const struct view_model *m, const struct model_input *in, char *buf, size_t len)
{
	struct out o = { buf, len, 0 };
	const struct ipcstat *st = in->stat;
	const struct content *c = in->content;
	const struct model_counter *sel = c ? content_selected(c) : NULL;
	char a[48];
	put(&o, "{\"key\":\"%s\"", format_key(in->key, a, sizeof a));
	if (st) {
		put(&o, ",\"id\":%d,\"owner\":", st->shmid);
		put_str(&o, names_user(st->uid, a, sizeof a));
		put(&o, ",\"perms\":\"%s\"", format_perms(st->mode, a, sizeof a));
		put(&o,
		    ",\"mode\":\"%s\",\"cuid\":%u,\"cuser\":", format_octal(st->mode, a, sizeof a),
		    (unsigned)st->cuid);
		put_str(&o, names_user(st->cuid, a, sizeof a));
		put(&o, ",\"cgid\":%u,\"cgroup\":", (unsigned)st->cgid);
		put_str(&o, names_group(st->cgid, a, sizeof a));
		put(&o, ",\"uid\":%u,\"user\":", (unsigned)st->uid);
		put_str(&o, names_user(st->uid, a, sizeof a));
		put(&o, ",\"gid\":%u,\"group\":", (unsigned)st->gid);
		put_str(&o, names_group(st->gid, a, sizeof a));
		put_time(&o, "ctime", st->ctime);
		put(&o, ",\"size\":%" PRIu64 ",\"nattch\":%" PRIu64 ",\"status\":", st->size,
		    st->nattch);
		put_str(&o, st->dest || st->locked
				? format_status(st->dest, st->locked, a, sizeof a)
				: NULL);
		put_time(&o, "attach", st->atime);
		put_time(&o, "detach", st->dtime);
		put(&o, ",\"cpid\":%d,\"lpid\":%d", (int)st->cpid, (int)st->lpid);
	} else {
		put(&o,
		    ",\"id\":null,\"owner\":null,\"perms\":null,\"mode\":null,\"cuid\":null"
		    ",\"cuser\":null,\"cgid\":null,\"cgroup\":null,\"uid\":null,\"user\":null"
		    ",\"gid\":null,\"group\":null,\"ctime\":null,\"size\":null,\"nattch\":null"
		    ",\"status\":null,\"attach\":null,\"detach\":null,\"cpid\":null,\"lpid\":null");
	}
	put(&o, ",\"state\":\"%s\",\"message\":", state_word(m->state, m->health));
	put_str(&o, m->message[0] ? m->message : NULL);
	if (c) {
		const struct content_status *s = &c->status;
		put(&o, ",\"count\":");
		put_value(&o, sel);
		if (s->known) {
			put(&o, ",\"resets\":%" PRIu64 ",\"writer_pid\":%d,\"writer_command\":",
			    s->resets, (int)s->pid);
			put_str(&o, in->writer_comm);
			put(&o, ",\"writer_alive\":%s", in->writer_alive ? "true" : "false");
		} else { /* a format that names no writer */
			put(&o, ",\"resets\":null,\"writer_pid\":null,\"writer_command\":null"
				",\"writer_alive\":null");
		}
		put(&o, ",\"age\":%.3f,\"rate\":", (double)m->age_ns / 1e9);
		put_rate(&o, m->rate);
		char ps[2] = { in->writer_pstate, '\0' }; /* its /proc state, when it looks stuck */
		put(&o, ",\"writer_proc_state\":");
		put_str(&o, in->writer_pstate ? ps : NULL);
		put(&o, ",\"busy\":%s", in->busy ? "true" : "false");
	} else {
		put(&o,
		    ",\"count\":null,\"resets\":null,\"writer_pid\":null,\"writer_command\":null"
		    ",\"writer_alive\":null,\"age\":null,\"rate\":null"
		    ",\"writer_proc_state\":null,\"busy\":null");
	}
	put_attached(&o, in);
	put_counters(&o, m, in);
	put(&o, "}\n");
	finish(&o);
	return o.pos;
}

/* What an object's bytes held at the last look: the decode's state when
 * it is there (the model says only "foreign" of one with no copy). */
static enum model_state object_state(const struct view_model *m, const struct model_object *in)
{
	return !in->present ? MODEL_REMOVED : in->held.content ? m->state : in->held.state;
}

size_t report_json_object(const struct view_model *m, const struct model_object *in, char *buf,
			  size_t len)
{
	struct out o = { buf, len, 0 };
	const struct objlist_row *r = in->row;
	const struct content *c = in->held.content;
	put(&o, "{\"path\":");
	put_str(&o, r->name);
	put(&o, ",\"kind\":\"%s\",\"format\":", objlist_kind_name(r->kind));
	put_str(&o, c ? c->format : NULL);
	put(&o, ",\"size\":%" PRIu64 ",\"holders\":", r->size);
	if (in->scanned)
		put(&o, "%zu", in->nholders);
	else
		put(&o, "null");
	put(&o, ",\"state\":\"%s\",\"message\":",
	    state_word(object_state(m, in), c ? m->health : HEALTH_NONE));
	put_str(&o, m->message[0] ? m->message : NULL);
	if (c && c->status.known)
		put(&o, ",\"writer_pid\":%d,\"writer_alive\":%s", (int)c->status.pid,
		    in->held.writer_alive ? "true" : "false");
	else
		put(&o, ",\"writer_pid\":null,\"writer_alive\":null");
	if (c && c->files.files)
		put(&o,
		    ",\"files\":{\"files\":%zu,\"bytes\":%" PRIu64
		    ",\"dead\":%zu,\"dead_bytes\":%" PRIu64 ",\"truncated\":%s}",
		    c->files.files, c->files.bytes, c->files.dead, c->files.dead_bytes,
		    c->files.truncated ? "true" : "false");
	if (c)
		put_counters(&o, m, &in->held);
	put(&o, "}\n");
	finish(&o);
	return o.pos;
}

int report_object_status(const struct view_model *m, const struct model_object *in)
{
	return report_state_status(object_state(m, in));
}

int report_status(const struct view_model *m)
{
	return report_state_status(m->state);
}

int report_state_status(enum model_state state)
{
	switch (state) {
	case MODEL_LIVE: return SHMTOP_EXIT_OK;
	case MODEL_WAITING:
	case MODEL_REMOVED:
	case MODEL_STARTING: return SHMTOP_EXIT_ABSENT;
	case MODEL_DENIED: return SHMTOP_EXIT_DENIED;
	case MODEL_FOREIGN: return SHMTOP_EXIT_FOREIGN;
	case MODEL_DAMAGED: return SHMTOP_EXIT_DAMAGED;
	case MODEL_ERROR: break;
	}
	return SHMTOP_EXIT_ERROR;
}
