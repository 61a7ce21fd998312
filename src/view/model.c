/* SPDX-License-Identifier: MIT */
/*
 * Building the view model.  Health comes first (is there a writer, is it
 * alive, paused, stalled), then the texts for each part of the screen, each
 * into its fixed-size buffer.
 */
#include "model.h"

#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <sys/sysmacros.h>

#include "control.h"
#include "countertable.h"
#include "decode.h"
#include "escape.h"
#include "format.h"
#include "ipcview.h"
#include "names.h"
#include "objlist_view.h"

static enum model_health health_of(const struct model_input *in)
{
	if (!in->content)
		return HEALTH_NONE;
	const struct content_status *s = &in->content->status;
	if (s->state == SHMTOP_STATE_STOPPED)
		return HEALTH_STOPPED;
	if (s->known && !in->writer_alive)
		return HEALTH_DEAD;
	/* a writer holds seq odd for microseconds: busy through a read's
	 * retries means stuck, whatever its last heartbeat */
	if (in->busy || clock_diff_ns(in->now_mono, s->beat_ns) > model_stall_ns(s))
		return HEALTH_STALLED;
	return s->state == SHMTOP_STATE_PAUSED ? HEALTH_PAUSED : HEALTH_RUNNING;
}

const char *model_badge(enum model_state state, enum model_health health)
{
	switch (state) {
	case MODEL_WAITING: return "WAITING";
	case MODEL_REMOVED: return "REMOVED";
	case MODEL_DENIED: return "NO ACCESS";
	case MODEL_FOREIGN: return "FOREIGN";
	case MODEL_STARTING: return "STARTING";
	case MODEL_DAMAGED: return "DAMAGED";
	case MODEL_ERROR: return "ERROR";
	case MODEL_LIVE: break;
	}
	switch (health) {
	case HEALTH_RUNNING: return "RUNNING";
	case HEALTH_PAUSED: return "PAUSED";
	case HEALTH_STOPPED: return "STOPPED";
	case HEALTH_STALLED: return "STALLED";
	case HEALTH_DEAD: return "DEAD";
	case HEALTH_NONE: break;
	}
	return "UNKNOWN";
}

static enum model_tone tone_of(enum model_state state, enum model_health health)
{
	if (state == MODEL_WAITING || state == MODEL_STARTING || state == MODEL_REMOVED)
		return TONE_WARN;
	if (state != MODEL_LIVE)
		return TONE_BAD;
	switch (health) {
	case HEALTH_RUNNING: return TONE_GOOD;
	case HEALTH_PAUSED:
	case HEALTH_STALLED:
	case HEALTH_STOPPED: return TONE_WARN;
	default: return TONE_BAD;
	}
}

static void message_of(struct view_model *m, const struct model_input *in)
{
	char kb[16];
	const char *why = in->why && *in->why ? in->why : NULL;
	format_key(in->key, kb, sizeof kb);
	switch (in->state) {
	case MODEL_WAITING:
		if (in->by_shmid)
			snprintf(m->message, sizeof m->message, "no segment with shmid %d",
				 in->shmid);
		else
			snprintf(m->message, sizeof m->message,
				 "no segment with key %s - waiting for shmwriter to create it", kb);
		break;
	case MODEL_REMOVED:
		if (in->by_shmid) {
			snprintf(m->message, sizeof m->message, "segment shmid %d was removed",
				 in->shmid);
			break;
		}
		snprintf(m->message, sizeof m->message,
			 "segment shmid %d was removed - waiting for a new segment with key %s",
			 in->removed_shmid, kb);
		break;
	case MODEL_DENIED:
		snprintf(m->message, sizeof m->message, "permission denied for key %s%s%s", kb,
			 why ? ": " : "", why ? why : "");
		break;
	case MODEL_FOREIGN:
		snprintf(m->message, sizeof m->message,
			 "key %s holds a segment shmwriter did not make: %s", kb,
			 why ? why : "unknown layout");
		break;
	case MODEL_STARTING:
		snprintf(m->message, sizeof m->message, "segment %s is being created", kb);
		break;
	case MODEL_DAMAGED:
		snprintf(m->message, sizeof m->message, "damaged shmwriter record: %s",
			 why ? why : "payload fails validation");
		break;
	case MODEL_ERROR:
	case MODEL_LIVE: snprintf(m->message, sizeof m->message, "%s", why ? why : ""); break;
	}
}

/* What a state letter of /proc/PID/stat means (proc(5)). */
static const char *proc_state_name(char c)
{
	switch (c) {
	case 'R': return "running";
	case 'S': return "sleeping";
	case 'D': return "in uninterruptible wait";
	case 'T': return "stopped";
	case 't': return "stopped by a tracer";
	case 'Z': return "zombie";
	case 'X': return "dead";
	case 'I': return "idle";
	default: return "unknown state";
	}
}

/* A writer the object does not name (a text counter): what the kernel
 * says of the segment's maker and who may write it, and how often the
 * value changes (stalled once it stops: the details line says since when). */
static void unknown_writer_of(struct view_model *m, const struct model_input *in)
{
	const struct content_status *s = &in->content->status;
	char every[40] = "", made[64] = "";
	if (s->period_ns > 0)
		snprintf(every, sizeof every, ", changing about every %.2g s",
			 (double)s->period_ns / 1e9);
	if (in->stat) /* and the number itself may be anyone's */
		snprintf(made, sizeof made, " (made by pid %d%s)", (int)in->stat->cpid,
			 in->stat->mode & 0002 ? "; any user may write it" : "");
	snprintf(m->writer, sizeof m->writer, "writer unknown%s%s", made, every);
	snprintf(m->writer_short, sizeof m->writer_short, "writer unknown%s%s",
		 in->stat && in->stat->mode & 0002 ? " (any user may write it)" : "", every);
}

static void writer_of(struct view_model *m, const struct model_input *in)
{
	if (!in->content) {
		snprintf(m->writer, sizeof m->writer, "writer: none");
		snprintf(m->writer_short, sizeof m->writer_short, "writer: none");
		return;
	}
	const struct content_status *s = &in->content->status;
	if (!s->known) {
		unknown_writer_of(m, in);
		return;
	}
	static const char *const life[] = {
		[HEALTH_NONE] = "unknown",    [HEALTH_RUNNING] = "alive",
		[HEALTH_PAUSED] = "alive",    [HEALTH_STOPPED] = "exited",
		[HEALTH_STALLED] = "stalled", [HEALTH_DEAD] = "dead",
	};
	char every[24], beat[24];
	if (s->period_ns <= 1000) /* v3: the least period, 1 µs, is shmwriter -i 0 */
		snprintf(every, sizeof every, "flat out");
	else
		snprintf(every, sizeof every, "every %g s", (double)s->period_ns / 1e9);
	/* The heartbeat's age only once it is late: a healthy one would change
	 * the line on every tick. */
	int64_t late = clock_diff_ns(in->now_mono, s->beat_ns);
	char tail[40] = "";
	if (late >= NS_PER_SEC + s->beat_gap_ns && m->health != HEALTH_STOPPED)
		snprintf(tail, sizeof tail, ", beat %s ago", format_age(late, beat, sizeof beat));
	/* The kernel's word on a writer that looks stuck: "stalled (T:
	 * stopped)", and in the short form the kernel's word alone. */
	char proc[40] = "", pshort[40];
	snprintf(pshort, sizeof pshort, "%s", life[m->health]);
	if (in->writer_pstate) {
		const char *name = proc_state_name(in->writer_pstate);
		snprintf(proc, sizeof proc, " (%c: %s)", in->writer_pstate, name);
		snprintf(pshort, sizeof pshort, "%s (%c)", name, in->writer_pstate);
	}
	/* Both lines are cut to their buffers, as a narrow screen cuts them
	 * (the return values are looked at only to say so to the compiler). */
	char comm[64];
	escape_text(in->writer_comm ? in->writer_comm : "?",
		    strlen(in->writer_comm ? in->writer_comm : "?"), ESCAPE_LOCALE, 32, comm,
		    sizeof comm);
	/* A record says its state and period; another format names its
	 * writer alone (MMV's PROCESS pid, a JVM's file name, varnishd's
	 * index), and its period is only how often this reader saw a change. */
	const struct decoder *dec = in->content->dec;
	if (dec && dec != &decode_v3 && dec != &decode_v2) {
		char seen[48] = "";
		if (s->period_ns > 1000)
			snprintf(seen, sizeof seen, ", changes every %g s",
				 (double)s->period_ns / 1e9);
		snprintf(m->writer, sizeof m->writer, "writer pid %d (%s) %s%s%s", (int)s->pid,
			 comm, life[m->health], proc, seen);
		snprintf(m->writer_short, sizeof m->writer_short, "writer pid %d %s", (int)s->pid,
			 pshort);
		return;
	}
	size_t cut = (size_t)snprintf(
	    m->writer, sizeof m->writer, "writer pid %d (%s) %s%s, %s, %s%s", (int)s->pid, comm,
	    life[m->health], proc, record_state_name(s->state), every, tail);
	cut |=
	    (size_t)snprintf(m->writer_short, sizeof m->writer_short, "writer pid %d %s, %s, %s%s",
			     (int)s->pid, pshort, record_state_name(s->state), every, tail);
	(void)cut;
}

static void control_of(struct view_model *m, const struct model_input *in)
{
	const struct content *c = in->content;
	m->control_ok = in->control_ok && c && c->status.known && m->health != HEALTH_DEAD &&
			m->health != HEALTH_STOPPED;
	unsigned acc = c ? c->status.accept : 0;
	if (m->control_ok && acc == SHMTOP_CMD_ALL_BITS)
		snprintf(m->control, sizeof m->control, "controls: p %s, r reset",
			 m->health == HEALTH_PAUSED ? "resume" : "pause");
	else if (m->control_ok && acc == SHMTOP_CMD_PAUSE_BIT)
		snprintf(m->control, sizeof m->control,
			 "controls: p %s (the program refuses reset)",
			 m->health == HEALTH_PAUSED ? "resume" : "pause");
	else if (m->control_ok && acc == SHMTOP_CMD_RESET_BIT)
		snprintf(m->control, sizeof m->control,
			 "controls: r reset (the program refuses pause)");
	else if (m->control_ok)
		snprintf(m->control, sizeof m->control,
			 "controls: none (the program accepts no commands)");
	else if (c && !c->status.known)
		snprintf(m->control, sizeof m->control, "controls: none (a %s takes no commands)",
			 c->format);
	else if (c && (m->health == HEALTH_DEAD || m->health == HEALTH_STOPPED))
		snprintf(m->control, sizeof m->control, "controls disabled: no writer running");
	else if (c)
		snprintf(m->control, sizeof m->control, "controls disabled: %s",
			 in->control_why && *in->control_why ? in->control_why : "unavailable");
	else
		m->control[0] = '\0';
}

static void field(struct view_model *m, const char *label, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void field(struct view_model *m, const char *label, const char *fmt, ...)
{
	if (m->nfields >= MODEL_FIELDS)
		return;
	struct model_field *f = &m->fields[m->nfields++];
	f->label = label;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(f->value, sizeof f->value, fmt, ap);
	va_end(ap);
}

static void fields_of(struct view_model *m, const struct model_input *in)
{
	const struct ipcstat *st = in->stat;
	char a[48], b[48];
	if (!st)
		return;
	field(m, "key", "%s", format_key(st->key, a, sizeof a));
	field(m, "shmid", "%d", st->shmid);
	field(m, "size", "%" PRIu64 " (%s)", st->size, format_size(st->size, a, sizeof a));
	/* the kernel's count, which holds this viewer's own attach */
	field(m, "nattch", "%" PRIu64 "%s", st->nattch,
	      in->self_attached && st->nattch > 0 ? " (1 is this viewer)" : "");
	field(m, "perms", "%s %s", format_perms(st->mode, a, sizeof a),
	      format_octal(st->mode, b, sizeof b));
	field(m, "status", "%s", format_status(st->dest, st->locked, a, sizeof a));
	field(m, "owner", "%s", escape_str(in->owner ? in->owner : "?", a, sizeof a));
	field(m, "cpid", "%d", (int)st->cpid);
	field(m, "lpid", "%d%s", (int)st->lpid,
	      in->self_pid > 0 && st->lpid == in->self_pid ? " " MODEL_SELF_MARK : "");
	field(m, "creator", "%s", escape_str(in->creator ? in->creator : "?", a, sizeof a));
	field(m, "atime", "%s", format_time(st->atime, a, sizeof a));
	field(m, "dtime", "%s", format_time(st->dtime, a, sizeof a));
	field(m, "ctime", "%s", format_time(st->ctime, a, sizeof a));
}

/* A count for a title: exact up to ten digits, else in FORMAT_COUNT_W. */
static const char *count_text(double v, char *buf, size_t len)
{
	if (fabs(v) < 1e10 && v == floor(v))
		snprintf(buf, len, "%.0f", v);
	else if (v >= 1e10)
		format_count(v < 0x1p64 ? (uint64_t)v : UINT64_MAX, buf, len);
	else /* a fraction, or a large negative number */
		snprintf(buf, len, "%.4g", v);
	return buf;
}

/* The history shown: the selected counter's, oldest first (n 0: none),
 * and the type its values are read as. */
static const struct shmtop_sample *hist_of(const struct model_input *in, size_t *n,
					   enum value_type *type)
{
	const struct model_counter *sel = in->content ? content_selected(in->content) : NULL;
	*type = sel ? sel->type : VALUE_UINT;
	*n = in->content ? in->content->nhist : 0;
	return in->content ? in->content->hist : NULL;
}

static void spark_of(struct view_model *m, const struct model_input *in)
{
	double series[SHMTOP_HISTORY];
	size_t w = in->spark_width < MODEL_SPARK_MAX ? in->spark_width : MODEL_SPARK_MAX;
	size_t nh;
	enum value_type type;
	const struct shmtop_sample *h = hist_of(in, &nh, &type);
	size_t n = spark_series(h, nh, type, in->spark_mode, series, SHMTOP_HISTORY);
	double lo, hi;
	spark_render(series, n, w, in->utf8, m->spark, sizeof m->spark, &lo, &hi);
	const char *what = in->spark_mode == SPARK_RATE ? "rate" : "value";
	if (n == 0) {
		snprintf(m->spark_title, sizeof m->spark_title, "history: %s  (no samples)", what);
	} else if (in->spark_mode == SPARK_RATE) {
		char a[24], b[24];
		snprintf(m->spark_title, sizeof m->spark_title, "history: rate  min %s  max %s",
			 format_rate(lo, a, sizeof a), format_rate(hi, b, sizeof b));
	} else {
		char a[24], b[24];
		snprintf(m->spark_title, sizeof m->spark_title, "history: value  min %s  max %s",
			 count_text(lo, a, sizeof a), count_text(hi, b, sizeof b));
	}
}

/* A waiter's line of a processes panel, in the columns PID, USER, a role
 * (width wide: "waits") and what it waits for: "12 root waits ipcwait: a
 * futex at offset 8, 3s or more" (its comm escaped: the process's own
 * choice). */
static void wait_line(char *buf, size_t len, const struct objlist_wait *w, int width,
		      int64_t now_wall_ns)
{
	char age[24], user[32], comm[16 * 4 + 1], c16[17], what[64], since[40] = "";
	memcpy(c16, w->comm, 16);
	c16[16] = '\0';
	int64_t waited = now_wall_ns - w->since_ns;
	if (w->since_ns > 0)
		snprintf(since, sizeof since, ", %s or more",
			 format_age(waited > 0 ? waited : 0, age, sizeof age));
	snprintf(buf, len, "%7d %-10.10s %-*s %s: %s%s", (int)w->pid,
		 names_user(w->uid, user, sizeof user), width, "waits",
		 escape_str(c16, comm, sizeof comm), ipcview_wait_text(w, what, sizeof what),
		 since);
}

/* The waiters' part of a processes panel's title: ", 2 waiting on a futex
 * in it", or "". */
static const char *waiting_text(bool scanned, size_t nwaits, char *buf, size_t len)
{
	buf[0] = '\0';
	if (scanned && nwaits)
		snprintf(buf, len, ", %zu waiting on a futex in it", nwaits);
	return buf;
}

static void procs_of(struct view_model *m, const struct model_input *in)
{
	const struct attached *a = in->att;
	if (!a || !in->stat)
		return;
	m->have_procs = true;
	uint64_t nattch = in->stat->nattch;
	const char *self = in->self_attached && nattch > 0 ? " (1 is this viewer)" : "";
	m->procs_warn = a->maps != nattch;
	char wt[48];
	waiting_text(in->waits_scanned, in->nwaits, wt, sizeof wt);
	if (!m->procs_warn)
		snprintf(m->procs_title, sizeof m->procs_title,
			 "attached: %zu process%s, nattch %" PRIu64 "%s%s", a->total,
			 a->total == 1 ? "" : "es", nattch, self, wt);
	else if (a->maps < nattch)
		snprintf(m->procs_title, sizeof m->procs_title,
			 "attached: %zu process%s found, nattch %" PRIu64 "%s%s - %" PRIu64
			 " not visible (hidepid, another pid namespace or no permission)",
			 a->total, a->total == 1 ? "" : "es", nattch, self, wt, nattch - a->maps);
	else
		snprintf(m->procs_title, sizeof m->procs_title,
			 "attached: %zu process%s found with %" PRIu64 " attaches, nattch %" PRIu64
			 "%s%s",
			 a->total, a->total == 1 ? "" : "es", a->maps, nattch, self, wt);
	snprintf(m->procs_head, sizeof m->procs_head, "%7s %-10s %-5s %s", "PID", "USER", "MAP",
		 "COMMAND");
	/* the waiters first, then the attached */
	size_t nw = in->waits_scanned && in->waits ? in->nwaits : 0, k = 0;
	nw = nw < IPCOBJ_WAITS ? nw : IPCOBJ_WAITS;
	for (; k < nw && k < ATTACHED_MAX; k++)
		wait_line(m->procs[k], sizeof m->procs[k], &in->waits[k], 5, in->now_wall_ns);
	size_t room = ATTACHED_MAX - k, shown = a->n < room ? a->n : room;
	m->nprocs = k + shown;
	m->procs_more = (nw - k) + (a->total - shown);
	for (size_t i = 0; i < shown; i++) {
		const struct attached_proc *p = &a->procs[i];
		char map[16];
		snprintf(map, sizeof map, "%s%s", p->writable ? "rw" : "ro",
			 p->maps > 1 ? "x" : "");
		if (p->maps > 1)
			snprintf(map + 3, sizeof map - 3, "%u", p->maps);
		/* the viewer's own line says so before its command, which a
		 * narrow screen cuts */
		bool me = in->self_pid > 0 && p->pid == in->self_pid;
		char user[11], *line = m->procs[k + i];
		size_t len = sizeof m->procs[0];
		escape_text(p->user, strlen(p->user), ESCAPE_LOCALE, 10, user, sizeof user);
		int n = snprintf(line, len, "%7d %-10s %-5s %s", (int)p->pid, user, map,
				 me ? MODEL_SELF_MARK " " : "");
		/* a long command is cut to the line, at a whole character or escape */
		if (n > 0 && (size_t)n < len)
			escape_text(p->command, strlen(p->command), ESCAPE_LOCALE, (int)len,
				    line + n, len - (size_t)n);
	}
}

void model_graph(struct view_model *m, const struct model_input *in, size_t width, unsigned height,
		 const struct graph_scale *prev)
{
	struct graph *g = &m->graph;
	const struct content *c = in->content;
	size_t nh;
	enum value_type type;
	const struct shmtop_sample *h = hist_of(in, &nh, &type);
	graph_build(g, prev, h, nh, c ? c->hist_first : 0, type, in->spark_mode, width, height);
	const char *what = in->spark_mode == SPARK_RATE ? "rate" : "value";
	char every[48] = "";
	if (c && c->status.known && c->status.period_ns > 0)
		snprintf(every, sizeof every, "  1 column = 1 sample (%g s)",
			 (double)c->status.period_ns / 1e9);
	else if (c)
		snprintf(every, sizeof every, "  1 column = 1 sample");
	if (g->plotted == 0) {
		snprintf(m->graph_title, sizeof m->graph_title, "history: %s  (no samples)", what);
	} else if (in->spark_mode == SPARK_RATE) {
		char a[24], b[24];
		snprintf(m->graph_title, sizeof m->graph_title, "history: rate  min %s  max %s%s",
			 format_rate(g->lo, a, sizeof a), format_rate(g->hi, b, sizeof b), every);
	} else {
		char a[24], b[24];
		snprintf(m->graph_title, sizeof m->graph_title, "history: value  min %s  max %s%s",
			 count_text(g->lo, a, sizeof a), count_text(g->hi, b, sizeof b), every);
	}
	if (c && c->named && c->nctr > 1 && c->selected < c->nctr) {
		/* whose history: the selected counter's */
		char name[46], t[sizeof m->graph_title];
		snprintf(t, sizeof t, "%s", m->graph_title + strlen("history:"));
		const char *n = c->ctr[c->selected].name;
		escape_text(n, strlen(n), ESCAPE_LOCALE, 30, name, sizeof name);
		int cut =
		    snprintf(m->graph_title, sizeof m->graph_title, "history of %s:%.70s", name, t);
		(void)cut;
	}
	m->graph_top[0] = m->graph_mid[0] = m->graph_base[0] = '\0';
	if (g->scale.span > 0.0) {
		graph_label(g->scale.base + g->scale.span, m->graph_top, sizeof m->graph_top);
		graph_label(g->scale.base + g->scale.span / 2, m->graph_mid, sizeof m->graph_mid);
		graph_label(g->scale.base, m->graph_base, sizeof m->graph_base);
	}
}

/* The keys that work on what is shown: p and r only with working
 * controls, c and d only with a history. */
static void footer_of(struct view_model *m, const struct model_input *in)
{
	char control[32] = "", history[32] = "", select[32] = "";
	const struct content *c = in->content;
	unsigned acc = c ? c->status.accept : 0;
	if (m->control_ok)
		snprintf(control, sizeof control, "%s%s%s",
			 !(acc & SHMTOP_CMD_PAUSE_BIT) ? ""
			 : m->health == HEALTH_PAUSED  ? "p resume  "
						       : "p pause  ",
			 acc & SHMTOP_CMD_RESET_BIT ? "r reset  " : "", "");
	if (c && c->named && c->nctr > 1)
		snprintf(select, sizeof select, "j/k select  / filter  ");
	if (c)
		snprintf(history, sizeof history, "c clear  d %s  ",
			 in->spark_mode == SPARK_RATE ? "value" : "rate");
	snprintf(m->footer, sizeof m->footer, "%s%s%sa rescan  +/- delay %d.%ds  ? help  q quit",
		 select, control, history, in->delay_tenths / 10, in->delay_tenths % 10);
}

double model_rate(enum model_health health, const struct model_input *in,
		  const struct shmtop_sample *h, size_t n, enum value_type type)
{
	if (health != HEALTH_RUNNING || !in->content)
		return 0.0;
	/* the object's period, bounded: the window's start cannot overflow */
	int64_t period = in->content->status.period_ns, day = 86400 * NS_PER_SEC;
	period = period > 0 ? (period < day ? period : day) : 0;
	int64_t since =
	    clock_diff_ns(in->now_mono, MODEL_STALL_NS + (SPARK_RATE_WINDOW + 1) * period);
	size_t from = n;
	while (from > 0 && h[from - 1].mono_ns >= since)
		from--;
	if (n - from < 2)
		return (double)NAN;
	return spark_rate(h + from, n - from, type);
}

const char *model_value_text(const struct model_counter *c, char *buf, size_t len)
{
	if (!c) {
		snprintf(buf, len, "0");
		return buf;
	}
	if (c->type == VALUE_TEXT) {
		escape_text(c->text, strnlen(c->text, sizeof c->text), ESCAPE_LOCALE, (int)len - 1,
			    buf, len);
		return buf;
	}
	if (c->per_second)
		return value_format_time(c->type, c->value, c->per_second, buf, len);
	return value_format(c->type, c->value, buf, len);
}

/* What the object holds, as every dashboard shows it: health and badge,
 * the value and its details, the writer, the controls, the sparkline and
 * batch output's counters table (the screen lays out its own:
 * model_table()). */
static void content_of(struct view_model *m, const struct model_input *in)
{
	char a[24], b[24];
	m->health = health_of(in);
	m->tone = tone_of(in->state, m->health);
	snprintf(m->badge, sizeof m->badge, "%s", model_badge(in->state, m->health));
	const struct content *c = in->content;
	const struct model_counter *sel = c ? content_selected(c) : NULL;
	if (c) {
		char resets[32] = "";
		if (c->status.known)
			snprintf(resets, sizeof resets, "  resets %" PRIu64, c->status.resets);
		m->have_value = true;
		model_value_text(sel, m->value, sizeof m->value);
		m->value_text = sel && sel->type == VALUE_TEXT;
		m->rate = sel && sel->kind != MODEL_COUNTER
			      ? (double)NAN
			      : model_rate(m->health, in, c->hist, c->nhist,
					   sel ? sel->type : VALUE_UINT);
		m->age_ns = clock_diff_ns(in->now_mono, sel ? sel->changed_mono_ns : 0);
		if (m->age_ns < 0)
			m->age_ns = 0;
		if (isnan(m->rate))
			snprintf(a, sizeof a, "-");
		else /* a time's in seconds a second, as its value */
			format_rate(sel && sel->per_second ? m->rate / (double)sel->per_second
							   : m->rate,
				    a, sizeof a);
		snprintf(m->details, sizeof m->details, "rate %s  changed %s ago%s", a,
			 format_age(m->age_ns, b, sizeof b), resets);
	}
	if (sel && sel->help[0]) /* MMV's help, Varnish's oneliner, prometheus' help */
		escape_text(sel->help, strnlen(sel->help, sizeof sel->help), ESCAPE_LOCALE,
			    MODEL_HELP_MAX, m->help, sizeof m->help);
	/* a counter's name beside its value, but for libshmtop's record of one
	 * (shmwriter's count, shown as the classic dashboard) */
	if (c && c->named && sel && (c->nctr > 1 || (c->dec && c->dec != &decode_v3))) {
		m->ncounters = c->nctr;
		escape_str(sel->name, m->selected, sizeof m->selected);
		/* the selected counter's name before its rate */
		char d[sizeof m->details], name[41];
		snprintf(d, sizeof d, "%s", m->details);
		escape_text(sel->name, strlen(sel->name), ESCAPE_LOCALE, 40, name, sizeof name);
		int cut = snprintf(m->details, sizeof m->details, "%s  %.50s", name, d);
		(void)cut;
	}
	writer_of(m, in);
	control_of(m, in);
	spark_of(m, in);
	model_table(m, in, 100, MODEL_TABLE_ROWS + 2);
}

void model_build(struct view_model *m, const struct model_input *in)
{
	char kb[16];
	memset(m, 0, sizeof *m);
	m->state = in->state;
	format_key(in->key, kb, sizeof kb);
	if (in->stat)
		snprintf(m->title, sizeof m->title, "shmtop  key %s  shmid %d", kb,
			 in->stat->shmid);
	else if (in->by_shmid)
		snprintf(m->title, sizeof m->title, "shmtop  shmid %d", in->shmid);
	else
		snprintf(m->title, sizeof m->title, "shmtop  key %s", kb);
	message_of(m, in);
	content_of(m, in);
	snprintf(m->notice, sizeof m->notice, "%s", in->notice ? in->notice : "");
	fields_of(m, in);
	procs_of(m, in);
	footer_of(m, in);
}

const char *model_command_notice(int cmd, bool refused)
{
	switch (cmd) {
	case SHMTOP_CMD_RESET:
		return refused ? "reset refused by the program"
			       : "reset acknowledged: count restarted at 0";
	case SHMTOP_CMD_PAUSE:
		return refused ? "pause refused by the program"
			       : "pause acknowledged: writer PAUSED";
	default:
		return refused ? "resume refused by the program"
			       : "resume acknowledged: writer running";
	}
}

const char *model_command_notice_for(int cmd, bool refused, const struct model_input *in, char *buf,
				     size_t len)
{
	const struct content *c = in ? in->content : NULL;
	if (cmd != SHMTOP_CMD_RESET || refused || !c || !c->named) {
		snprintf(buf, len, "%s", model_command_notice(cmd, refused));
		return buf;
	}
	if (c->nctr == 1) {
		char name[61];
		escape_text(c->ctr[0].name, strlen(c->ctr[0].name), ESCAPE_LOCALE, 60, name,
			    sizeof name);
		snprintf(buf, len, "reset acknowledged: %s %s", name,
			 c->ctr[0].kind == MODEL_GAUGE ? "set to 0" : "restarted at 0");
	} else if (c->nctr > 1) {
		snprintf(buf, len, "reset acknowledged: %zu counters reset to 0", c->nctr);
	} else {
		snprintf(buf, len, "reset acknowledged: counters reset to 0");
	}
	return buf;
}

int model_table_want(const struct model_input *in)
{
	const struct content *c = in->content;
	if (!c || !c->named || c->nctr < 2)
		return 0;
	size_t n = c->nctr < MODEL_TABLE_ROWS ? c->nctr : MODEL_TABLE_ROWS;
	return (int)n + 2;
}

/* Counter c as the table takes it, with its rate in the record's health;
 * a time in seconds (unit "s", its rate in seconds a second). */
static struct countertable_in table_in(enum model_health health, const struct model_input *in,
				       const struct model_counter *c)
{
	double rate = model_rate(health, in, c->spark, c->nspark, c->type);
	return (struct countertable_in){ .rate =
					     c->per_second ? rate / (double)c->per_second : rate,
					 .per_second = c->per_second,
					 .name = c->name,
					 .unit = c->per_second ? "s" : c->unit,
					 .gauge = c->kind != MODEL_COUNTER,
					 .type = c->type,
					 .text = c->text,
					 .value = c->value,
					 .hist = c->spark,
					 .nhist = c->nspark,
					 .first = c->spark_first };
}

bool model_shown(const struct model_counter *c, const char *filter)
{
	return !filter || !*filter || objlist_contains(c->name, filter);
}

int model_shown_step(const struct content *c, const char *filter, int step)
{
	if (!c || c->nctr == 0)
		return 0;
	size_t sel = c->selected < c->nctr ? c->selected : 0, to = sel;
	bool here = model_shown(&c->ctr[sel], filter), found = false;
	if (!here) { /* the first shown */
		for (size_t i = 0; i < c->nctr && !found; i++)
			if (model_shown(&c->ctr[i], filter))
				to = i, found = true;
		return found ? (int)((long)to - (long)sel) : 0;
	}
	for (size_t i = sel; step > 0 && ++i < c->nctr;)
		if (model_shown(&c->ctr[i], filter))
			to = i, step--;
	for (size_t i = sel; step < 0 && i-- > 0;)
		if (model_shown(&c->ctr[i], filter))
			to = i, step++;
	return (int)((long)to - (long)sel);
}

int model_table_click(const struct view_model *m, int row)
{
	if (row < 0 || (size_t)row >= m->table_rows || m->table_sel < 0)
		return 0;
	return (int)((long)m->table_idx[row] - (long)m->table_idx[m->table_sel]);
}

void model_table(struct view_model *m, const struct model_input *in, int width, int rows)
{
	model_table_kept(m, in, width, rows, NULL);
}

void model_table_kept(struct view_model *m, const struct model_input *in, int width, int rows,
		      const struct view_model *prev)
{
	m->table_rows = 0;
	m->table_first = 0;
	m->table_sel = -1;
	m->table_mark = 0;
	m->table_title[0] = m->table_head[0] = '\0';
	const struct content *ct = in->content;
	if (!ct || !ct->named || ct->nctr < 2 || rows < 3)
		return;
	if (width > 200) /* a row's bytes: up to 3 a cell of sparkline */
		width = 200;
	/* the counters the filter shows: all, n of them, the selected one
	 * the pos'th (or none) */
	size_t all = ct->nctr, n = 0, sel = ct->selected < all ? ct->selected : 0, pos = SIZE_MAX;
	for (size_t i = 0; i < all; i++)
		if (model_shown(&ct->ctr[i], in->filter)) {
			if (i == sel)
				pos = n;
			n++;
		}
	size_t show = (size_t)rows - 2;
	if (show > MODEL_TABLE_ROWS)
		show = MODEL_TABLE_ROWS;
	if (show > n)
		show = n;
	/* the window: the selection in view, as low as it can be */
	size_t first = pos != SIZE_MAX && pos >= show ? pos - show + 1 : 0;
	struct countertable_in c[MODEL_TABLE_ROWS];
	m->table_mode = in->spark_mode;
	if (prev && prev->table_mode != in->spark_mode)
		prev = NULL; /* another series */
	for (size_t i = 0, at = 0, k = 0; i < all && k < show; i++) {
		if (!model_shown(&ct->ctr[i], in->filter) || at++ < first)
			continue;
		m->table_idx[k] = i;
		c[k] = table_in(m->health, in, &ct->ctr[i]);
		/* what counter i's row kept, if prev drew it */
		m->table_kept[k] = (struct countertable_kept){ { 0, 0 }, -1 };
		for (size_t j = 0; prev && j < prev->table_rows; j++)
			if (prev->table_idx[j] == i)
				m->table_kept[k] = prev->table_kept[j];
		c[k].kept = &m->table_kept[k];
		k++;
	}
	struct countertable_cols cols;
	countertable_columns(width - 2, c, show, &cols); /* room for the "> " mark */
	char head[MODEL_TABLE_COLS];
	snprintf(m->table_head, sizeof m->table_head, "  %s",
		 countertable_header(&cols, head, sizeof head));
	if (in->filter && *in->filter) {
		char f[41], at[24] = "-";
		escape_text(in->filter, strlen(in->filter), ESCAPE_LOCALE, 40, f, sizeof f);
		if (pos != SIZE_MAX)
			snprintf(at, sizeof at, "%zu/%zu", pos + 1, n);
		snprintf(m->table_title, sizeof m->table_title,
			 "counters: %zu of %zu  filter \"%s\"  selected %s", n, all, f, at);
	} else {
		snprintf(m->table_title, sizeof m->table_title, "counters: %zu  selected %zu/%zu",
			 n, sel + 1, n);
	}
	for (size_t i = 0; i < show; i++) {
		bool me = m->table_idx[i] == sel && pos != SIZE_MAX;
		memcpy(m->table[i], me ? "> " : "  ", 2);
		countertable_row(&cols, &c[i], in->spark_mode, in->utf8, m->table[i] + 2,
				 sizeof m->table[i] - 2);
		if (me) {
			m->table_sel = (int)i;
			m->table_mark = 2 + countertable_name_bytes(&cols, &c[i]);
		}
	}
	m->table_rows = show;
	m->table_first = first;
}

/* A holder's part: "rw", "ro", "rw+fd", "fd"; with more than one mapping
 * "rwx2". */
static void holds_text(const struct objlist_holder *h, char *buf, size_t len)
{
	unsigned maps = h->maps_rw + h->maps_ro;
	const char *how = h->maps_rw ? "rw" : h->maps_ro ? "ro" : "";
	char n[16] = "";
	if (maps > 1)
		snprintf(n, sizeof n, "x%u", maps);
	snprintf(buf, len, "%s%s%s%s", how, n, maps && h->fds ? "+" : "", h->fds ? "fd" : "");
}

static void object_holders(struct view_model *m, const struct model_object *in)
{
	char age[24];
	m->have_procs = true;
	snprintf(m->procs_head, sizeof m->procs_head, "%7s %-10s %-7s %s", "PID", "USER", "HOLDS",
		 "COMMAND");
	if (!in->scanned) {
		snprintf(m->procs_title, sizeof m->procs_title,
			 "holders: not scanned yet (a scans /proc)");
		return;
	}
	size_t fdonly = 0;
	for (size_t i = 0; i < in->nholders; i++)
		fdonly += in->holders[i].maps_rw + in->holders[i].maps_ro == 0;
	int64_t ago = in->now_wall_ns - in->scan_ns;
	char only[48] = "";
	if (fdonly)
		snprintf(only, sizeof only, ", %zu only by a descriptor", fdonly);
	char wt[48];
	snprintf(m->procs_title, sizeof m->procs_title,
		 "holders: %zu process%s%s%s, scanned %s ago", in->nholders,
		 in->nholders == 1 ? "" : "es", only, waiting_text(true, in->nwaits, wt, sizeof wt),
		 format_age(ago > 0 ? ago : 0, age, sizeof age));
	/* the waiters first, then the holders */
	size_t nw = in->waits ? in->nwaits : 0, k = 0;
	nw = nw < IPCOBJ_WAITS ? nw : IPCOBJ_WAITS;
	for (; k < nw && k < ATTACHED_MAX; k++)
		wait_line(m->procs[k], sizeof m->procs[k], &in->waits[k], 7, in->now_wall_ns);
	size_t room = ATTACHED_MAX - k, shown = in->nholders < room ? in->nholders : room;
	m->nprocs = k + shown;
	m->procs_more = (nw - k) + (in->nholders - shown);
	for (size_t i = 0; i < shown; i++) {
		const struct objlist_holder *h = &in->holders[i];
		char holds[24], user[32], comm[sizeof h->comm * 4 + 1];
		holds_text(h, holds, sizeof holds);
		char c16[sizeof h->comm + 1];
		memcpy(c16, h->comm, sizeof h->comm);
		c16[sizeof h->comm] = '\0';
		bool me = in->self_pid > 0 && h->pid == in->self_pid;
		snprintf(m->procs[k + i], sizeof m->procs[0], "%7d %-10.10s %-7s %s%s", (int)h->pid,
			 names_user(h->uid, user, sizeof user), holds,
			 me ? MODEL_SELF_MARK " " : "", escape_str(c16, comm, sizeof comm));
	}
}

static const char *upper_kind(enum objlist_kind k)
{
	switch (k) {
	case OBJLIST_POSIX: return "POSIX";
	case OBJLIST_SEM: return "SEM";
	case OBJLIST_MEMFD: return "MEMFD";
	case OBJLIST_DELETED: return "DELETED";
	case OBJLIST_FILE: return "FILE";
	default: return "SYSV";
	}
}

/* A set's or queue's processes: those blocked on it (a scan's), then the
 * last operators (lspid, lrpid; a set's sempids). */
static void ipc_procs(struct view_model *m, const struct model_object *in)
{
	const struct ipcobj *o = in->ipc;
	bool set = o->kind == OBJLIST_SYSV_SEM;
	char age[24], user[32], comm[16 * 4 + 1], c16[17];
	m->have_procs = true;
	snprintf(m->procs_head, sizeof m->procs_head, "%7s %-10s %-9s %s", "PID", "USER", "ROLE",
		 "COMMAND");
	size_t nw = o->nwaits < IPCOBJ_WAITS ? o->nwaits : IPCOBJ_WAITS;
	int64_t ago = in->now_wall_ns - in->scan_ns;
	char waiting[96];
	if (in->scanned)
		snprintf(waiting, sizeof waiting, "%zu waiting, scanned %s ago", o->nwaits,
			 format_age(ago > 0 ? ago : 0, age, sizeof age));
	else
		snprintf(waiting, sizeof waiting, "waiters not scanned yet (a scans /proc)");
	snprintf(m->procs_title, sizeof m->procs_title, "processes: %s; last %s", waiting,
		 set ? "operators (sempid)" : "sender and receiver");
	size_t n = 0;
	for (size_t i = 0; i < nw && n < ATTACHED_MAX; i++, n++)
		wait_line(m->procs[n], sizeof m->procs[n], &o->waits[i], 9, in->now_wall_ns);
	if (o->kind == OBJLIST_MQUEUE) {
		snprintf(m->procs_title, sizeof m->procs_title, "processes: %s; holders %zu",
			 waiting, in->nholders);
		for (size_t i = 0; i < in->nholders && n < ATTACHED_MAX; i++, n++) {
			const struct objlist_holder *h = &in->holders[i];
			char holds[24];
			holds_text(h, holds, sizeof holds);
			memcpy(c16, h->comm, 16);
			c16[16] = '\0';
			bool me = in->self_pid > 0 && h->pid == in->self_pid;
			snprintf(m->procs[n], sizeof m->procs[n], "%7d %-10.10s %-9s %s%s",
				 (int)h->pid, names_user(h->uid, user, sizeof user), holds,
				 me ? MODEL_SELF_MARK " " : "", escape_str(c16, comm, sizeof comm));
		}
		m->nprocs = n;
		m->procs_more = nw + in->nholders - n;
		return;
	}
	for (size_t i = 0; i < o->nops && n < ATTACHED_MAX; i++, n++) {
		const struct ipcobj_op *op = &o->ops[i];
		memcpy(c16, op->comm, 16);
		c16[16] = '\0';
		char role[16], sems[32] = "";
		if (set) {
			snprintf(role, sizeof role, "last op");
			snprintf(sems, sizeof sems, " (last on %u semaphore%s)", op->sems,
				 op->sems == 1 ? "" : "s");
		} else {
			snprintf(role, sizeof role, "%s",
				 op->send && op->recv ? "sent+recv"
				 : op->send           ? "sender"
						      : "receiver");
		}
		snprintf(m->procs[n], sizeof m->procs[n], "%7d %-10.10s %-9s %s%s", (int)op->pid,
			 c16[0] ? names_user(op->uid, user, sizeof user) : "-", role,
			 c16[0] ? escape_str(c16, comm, sizeof comm)
				: "(gone, or another process now)",
			 sems);
	}
	m->nprocs = n;
	m->procs_more = nw + o->nops - n;
}

/* What a set's, a queue's and a POSIX queue's views share after their
 * fields: the processes, notice, footer, badge and tone, then the counters
 * of what was read (held).  false if nothing was read yet. */
static bool ipc_common(struct view_model *m, const struct model_object *in, const char *badge)
{
	ipc_procs(m, in);
	snprintf(m->notice, sizeof m->notice, "%s", in->notice ? in->notice : "");
	snprintf(m->footer, sizeof m->footer, "a rescan  +/- delay %d.%ds  ? help  q quit",
		 in->delay_tenths / 10, in->delay_tenths % 10);
	snprintf(m->badge, sizeof m->badge, "%s", badge);
	m->tone = in->present ? TONE_NORMAL : TONE_WARN;
	if (!in->held.content)
		return false;
	struct model_input held = in->held;
	held.delay_tenths = in->delay_tenths;
	held.notice = in->notice;
	content_of(m, &held);
	footer_of(m, &held);
	/* content_of() set them for a record: an object's own again */
	m->control[0] = '\0';
	m->state = in->present ? held.state : MODEL_REMOVED;
	snprintf(m->badge, sizeof m->badge, "%s", badge);
	m->tone = in->present ? TONE_NORMAL : TONE_WARN;
	return true;
}

/* The detail view of a semaphore set or message queue: its metadata as a
 * segment's, its waiters and last operators, and its counters (content)
 * drawn as any format's. */
static void ipc_object(struct view_model *m, const struct model_object *in)
{
	const struct objlist_row *r = in->row;
	const struct sysvipc_ipc *p = &r->ipc;
	const struct ipcobj *o = in->ipc;
	bool set = r->kind == OBJLIST_SYSV_SEM;
	const char *idname = set ? "semid" : "msqid";
	char a[48], b[48], u[40], g[40];
	memset(m, 0, sizeof *m);
	m->state = in->present ? MODEL_FOREIGN : MODEL_REMOVED;
	m->health = HEALTH_NONE;
	snprintf(m->title, sizeof m->title, "shmtop  %s  key %s  %s %d", objlist_kind_name(r->kind),
		 format_key(p->key, a, sizeof a), idname, p->id);
	const char *why = in->held.why && *in->held.why ? in->held.why : NULL;
	char what[200];
	if (set)
		snprintf(what, sizeof what, "a SysV semaphore set of %" PRIu64 " semaphore%s%s",
			 p->nsems, p->nsems == 1 ? "" : "s",
			 o->values_ok && o->nsem < p->nsems ? " (the first shown)" : "");
	else
		snprintf(what, sizeof what,
			 "a SysV message queue; sent and received are estimates, lower bounds "
			 "(from qnum, stime, rtime)");
	if (!in->present)
		snprintf(m->message, sizeof m->message, "removed: %s %d was %s", idname, p->id,
			 what);
	else
		snprintf(m->message, sizeof m->message, "%s%s%s", what, why ? "; " : "",
			 why ? why : "");

	m->fields_title =
	    set ? "set (/proc/sysvipc/sem, semctl)" : "queue (/proc/sysvipc/msg, msgctl)";
	field(m, "kind", "%s", objlist_kind_name(r->kind));
	field(m, "key", "%s", format_key(p->key, a, sizeof a));
	field(m, idname, "%d", p->id);
	field(m, "owner", "%s:%s", names_user(p->uid, u, sizeof u),
	      names_group(p->gid, g, sizeof g));
	field(m, "creator", "%s:%s", names_user(p->cuid, u, sizeof u),
	      names_group(p->cgid, g, sizeof g));
	field(m, "perms", "%s %s", format_perms(p->mode, a, sizeof a),
	      format_octal(p->mode, b, sizeof b));
	field(m, "ctime", "%s", format_time(p->ctime, a, sizeof a));
	if (set) {
		field(m, "otime", "%s", p->otime ? format_time(p->otime, a, sizeof a) : "never");
		field(m, "nsems", "%" PRIu64, p->nsems);
	} else {
		field(m, "stime", "%s", p->stime ? format_time(p->stime, a, sizeof a) : "never");
		field(m, "rtime", "%s", p->rtime ? format_time(p->rtime, a, sizeof a) : "never");
		field(m, "messages", "%" PRIu64, p->qnum);
		if (o->values_ok)
			field(m, "bytes", "%" PRIu64 " of qbytes %" PRIu64 "%s", p->cbytes,
			      o->qbytes, ipcobj_full(o) ? " (full)" : "");
		else
			field(m, "bytes", "%" PRIu64 " (qbytes unread)", p->cbytes);
	}
	if (in->scanned)
		field(m, "waiters", "%zu", o->nwaits);
	else
		field(m, "waiters", "not scanned");
	if (!ipc_common(m, in, !in->present ? "GONE" : set ? "SYSV-SEM" : "SYSV-MSG"))
		return;
	/* a set or queue has no writer: its last operations */
	if (set)
		snprintf(m->writer, sizeof m->writer, "last semop %s",
			 p->otime ? format_time(p->otime, a, sizeof a) : "never");
	else
		snprintf(m->writer, sizeof m->writer, "last send %s, last receive %s",
			 p->stime ? format_time(p->stime, a, sizeof a) : "never",
			 p->rtime ? format_time(p->rtime, b, sizeof b) : "never");
	memcpy(m->writer_short, m->writer, sizeof m->writer_short - 1);
	m->writer_short[sizeof m->writer_short - 1] = '\0';
	/* m->health stays content_of()'s: the table's rates are 0 once
	 * nothing changes (stalled), as any format's */
	if (!in->present)
		snprintf(m->message, sizeof m->message, "removed: %s %d was %s", idname, p->id,
			 what);
}

/* The detail view of a POSIX message queue: its file's fields and
 * mq_getattr()'s, its waiters and holders, its counters (content). */
static void mq_object(struct view_model *m, const struct model_object *in)
{
	const struct objlist_row *r = in->row;
	const struct ipcobj *o = in->ipc;
	const struct ipcobj_mq *q = &o->mq;
	char name[201], title[41], a[48], b[48], u[40], g[40];
	memset(m, 0, sizeof *m);
	escape_text(r->name, strlen(r->name), ESCAPE_LOCALE, 200, name, sizeof name);
	escape_text(r->name, strlen(r->name), ESCAPE_LOCALE, 40, title, sizeof title);
	m->state = in->present ? MODEL_FOREIGN : MODEL_REMOVED;
	m->health = HEALTH_NONE;
	snprintf(m->title, sizeof m->title, "shmtop  mqueue  %s", title);
	const char *why = in->held.why && *in->held.why ? in->held.why : NULL;
	static const char what[] = "a POSIX message queue; sent and received are estimates, "
				   "lower bounds (from curmsgs and the mtime)";
	if (!in->present)
		snprintf(m->message, sizeof m->message, "removed: %s (%s) was %s", title,
			 q->other ? "its name is another queue now" : "its name is gone", what);
	else
		snprintf(m->message, sizeof m->message, "%s: %s%s%s", title, what, why ? "; " : "",
			 why ? why : "");
	m->fields_title = "queue (its file, mq_getattr)";
	field(m, "kind", "mqueue");
	field(m, "name", "%s", name);
	field(m, "owner", "%s:%s", names_user(r->uid, u, sizeof u),
	      names_group(r->gid, g, sizeof g));
	field(m, "perms", "%s %s", format_perms(r->mode, a, sizeof a),
	      format_octal(r->mode, b, sizeof b));
	field(m, "mtime", "%s", format_time(r->mtime, a, sizeof a));
	if (o->values_ok) {
		field(m, "messages", "%" PRIu64 " of maxmsg %" PRIu64 "%s", q->curmsgs, q->maxmsg,
		      ipcobj_full(o) ? " (full)" : "");
		uint64_t room = q->msgsize && q->maxmsg > UINT64_MAX / q->msgsize
				    ? UINT64_MAX
				    : q->maxmsg * q->msgsize;
		if (q->have_qsize)
			field(m, "bytes",
			      "%" PRIu64 " of %" PRIu64 " (%" PRIu64 " * msgsize %" PRIu64 ")",
			      q->qsize, room, q->maxmsg, q->msgsize);
		else
			field(m, "bytes", "unread (room %" PRIu64 ")", room);
	} else {
		field(m, "messages", "unread (mq_getattr)");
		if (q->have_qsize)
			field(m, "bytes", "%" PRIu64 " (QSIZE)", q->qsize);
		else
			field(m, "bytes", "unread");
	}
	if (q->have_qsize && q->notify_pid)
		field(m, "notify", "pid %" PRIu64 " (mq_notify)", q->notify_pid);
	else
		field(m, "notify", "%s", q->have_qsize ? "none" : "unread");
	field(m, "device", "%u:%u", major((dev_t)r->dev), minor((dev_t)r->dev));
	field(m, "inode", "%" PRIu64, r->ino);
	if (in->scanned) {
		field(m, "waiters", "%zu", o->nwaits);
		field(m, "holders", "%zu%s", in->nholders,
		      in->nholders         ? ""
		      : r->holders_unknown ? " (unknown: others' processes unreadable)"
					   : " (an orphan if messages are on it)");
	} else {
		field(m, "waiters", "not scanned");
	}
	if (!ipc_common(m, in, in->present ? "MQUEUE" : "GONE"))
		return;
	snprintf(m->writer, sizeof m->writer, "last send or receive %s",
		 format_time(r->mtime, a, sizeof a));
	memcpy(m->writer_short, m->writer, sizeof m->writer_short - 1);
	m->writer_short[sizeof m->writer_short - 1] = '\0';
	if (!in->present)
		snprintf(m->message, sizeof m->message, "removed: %s (%s)", title,
			 q->other ? "its name is another queue now" : "its name is gone");
	else
		snprintf(m->message, sizeof m->message, "%s", why ? why : "");
}

void model_build_object(struct view_model *m, const struct model_object *in)
{
	if (in->ipc && in->ipc->kind == OBJLIST_MQUEUE) {
		mq_object(m, in);
		return;
	}
	if (in->ipc) {
		ipc_object(m, in);
		return;
	}
	const struct objlist_row *r = in->row;
	const char *dir = in->devshm ? in->devshm : OBJLIST_DEVSHM_DIR;
	char name[201], title[41], a[48], b[48];
	memset(m, 0, sizeof *m);
	escape_text(r->name, strlen(r->name), ESCAPE_LOCALE, 200, name, sizeof name);
	escape_text(r->name, strlen(r->name), ESCAPE_LOCALE, 40, title, sizeof title);
	m->state = in->present ? MODEL_FOREIGN : MODEL_REMOVED;
	m->health = HEALTH_NONE;
	m->tone = !in->present ? TONE_WARN : r->orphan ? TONE_WARN : TONE_NORMAL;
	snprintf(m->badge, sizeof m->badge, "%s", in->present ? upper_kind(r->kind) : "GONE");
	const char *prefix = r->kind == OBJLIST_MEMFD ? "memfd:" : "";
	int cut = snprintf(m->title, sizeof m->title, "shmtop  %s  %s%s",
			   objlist_kind_name(r->kind), prefix, title); /* a long name is cut */
	const char *what = "";
	switch (r->kind) {
	case OBJLIST_POSIX: what = "a POSIX shared memory object (shm_open)"; break;
	case OBJLIST_SEM: what = "a POSIX semaphore (sem_open), not memory"; break;
	case OBJLIST_MEMFD:
		what = "anonymous shared memory (memfd_create), known only through its holders";
		break;
	case OBJLIST_DELETED:
		what = "a POSIX object unlinked but still held: it lives until its holders let go";
		break;
	case OBJLIST_FILE:
		what = r->folder ? "a folder of files read as one (another program's counters)"
				 : "a file mapped shared (another program's counters)";
		break;
	default: break;
	}
	bool path = r->kind != OBJLIST_MEMFD && r->kind != OBJLIST_FILE; /* a file's is whole */
	const char *why = in->held.why && *in->held.why ? in->held.why : NULL;
	cut |=
	    snprintf(m->message, sizeof m->message, "%s%s%s%s%s: %s%s%s%s", path ? dir : "",
		     path ? "/" : "", prefix, name, r->kind == OBJLIST_DELETED ? " (deleted)" : "",
		     in->present ? "" : "gone, was ", what, why && in->present ? "; " : "",
		     why && in->present ? why : "");
	(void)cut;

	m->fields_title = "object (stat)";
	field(m, "kind", "%s", objlist_kind_name(r->kind));
	escape_text(r->name, strlen(r->name), ESCAPE_LOCALE, INT_MAX, a,
		    sizeof m->fields[0].value - strlen(prefix));
	field(m, "name", "%s%s", prefix, a);
	field(m, "size", "%" PRIu64 " (%s)", r->size, format_size(r->size, a, sizeof a));
	if (r->have_resident || r->kind != OBJLIST_SYSV)
		field(m, "resident", "%" PRIu64 " (%s)", r->resident,
		      format_size(r->resident, a, sizeof a));
	if (r->kind == OBJLIST_POSIX || r->kind == OBJLIST_SEM || r->mode) {
		char u[40], g[40];
		field(m, "owner", "%s:%s", names_user(r->uid, u, sizeof u),
		      names_group(r->gid, g, sizeof g));
		field(m, "perms", "%s %s", format_perms(r->mode, a, sizeof a),
		      format_octal(r->mode, b, sizeof b));
		field(m, "mtime", "%s", format_time(r->mtime, a, sizeof a));
	}
	field(m, "device", "%u:%u", major((dev_t)r->dev), minor((dev_t)r->dev));
	field(m, "inode", "%" PRIu64, r->ino);
	if (in->scanned)
		field(m, "holders", "%zu", in->nholders);
	else
		field(m, "holders", "not scanned");
	if (r->kind == OBJLIST_POSIX || r->kind == OBJLIST_FILE)
		field(m, "orphan", "%s",
		      !in->scanned ? "unknown (no scan yet)"
		      : r->orphan  ? "yes: nobody maps or holds it"
				   : "no");
	int64_t ago = in->now_wall_ns - in->scan_ns;
	if (in->scanned)
		field(m, "scanned", "%s ago", format_age(ago > 0 ? ago : 0, a, sizeof a));
	else
		field(m, "scanned", "never");
	object_holders(m, in);
	snprintf(m->notice, sizeof m->notice, "%s", in->notice ? in->notice : "");
	snprintf(m->footer, sizeof m->footer, "a rescan  +/- delay %d.%ds  ? help  q quit",
		 in->delay_tenths / 10, in->delay_tenths % 10);
	if (!in->held.content || !in->present)
		return;
	/* what it holds, as a segment's dashboard shows it */
	struct model_input held = in->held;
	held.delay_tenths = in->delay_tenths;
	held.notice = in->notice;
	m->state = held.state;
	content_of(m, &held);
	snprintf(m->message, sizeof m->message, "%s", why ? why : "");
	const struct content_files *f = &held.content->files;
	if (r->folder) { /* its files: those of dead processes pile up */
		char all[16], dead[80] = "", more[64] = "";
		format_size(f->bytes, all, sizeof all);
		if (f->dead)
			snprintf(dead, sizeof dead, ", %zu of dead processes (%s)", f->dead,
				 format_size(f->dead_bytes, a, sizeof a));
		if (f->refused || f->truncated)
			snprintf(more, sizeof more, ", %zu not read%s", f->refused,
				 f->truncated ? ", more not listed" : "");
		bool said = why && *why;
		snprintf(m->message, sizeof m->message, "%zu file%s (%s)%s%s%s%s", f->files,
			 f->files == 1 ? "" : "s", all, dead, more, said ? "; " : "",
			 said ? why : "");
	}
	footer_of(m, &held);
}
